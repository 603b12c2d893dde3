/**
 * @file fuzz_hookpolicy.c  libFuzzer target: hook URLs, their resolution
 *                          against the call hook and the retry policy in
 *                          their fragment (#rp=...&rc=...)
 *
 * Input: url NUL base. The whole url is also decoded as a bare fragment,
 * so the policy parser sees arbitrary text, not only what a URL lets by.
 */
#include <re.h>
#include "fuzz_input.h"
#include "hookint.h"

static void policy(const struct pl *frag)
{
	struct hook_policy p;
	char err[256];

	if (hook_policy_decode(&p, frag, err, sizeof(err)))
		return;
	if (p.retries > HOOK_RETRIES_MAX || !p.conds ||
	    (p.conds & ~(unsigned)HOOK_RETRY_ALL))
		abort();
	(void)hook_policy_retry(&p, 0, 503);
	(void)hook_policy_backoff(p.retries);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s[2];
	char *buf = fuzz_split(data, size, s, 2);
	struct hook_url u;
	struct pl frag;
	char *url = NULL;

	if (!buf)
		return 0;
	pl_set_str(&frag, s[0]);
	policy(&frag);
	if (!hook_url_decode(&u, s[0]))
		policy(&u.frag);
	if (!hook_url_resolve(&url, s[0], s[1])) {
		if (!hook_url_decode(&u, url))
			policy(&u.frag);
		mem_deref(url);
	}
	free(buf);
	return 0;
}
