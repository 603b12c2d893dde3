/**
 * @file fuzz_referuri.c  libFuzzer target: Refer-To / Referred-By
 *                        normalisation (spec section 2)
 *
 * Input: value NUL display NUL host. Whatever the value, what comes out
 * must be something a header can carry: no CR or LF.
 */
#include <re.h>
#include "fuzz_input.h"
#include "referuri.h"

static void check(char *out)
{
	if (out && strpbrk(out, "\r\n"))
		abort();
	mem_deref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s[3];
	char *buf = fuzz_split(data, size, s, 3);
	char *out = NULL;

	if (!buf)
		return 0;
	if (!referuri_invalid(s[0])) {
		if (!referuri_refer_to(&out, s[0], s[2]))
			check(out);
		out = NULL;
		if (!referuri_referred_by(&out, s[0], *s[1] ? s[1] : NULL,
					  s[2]))
			check(out);
	}
	free(buf);
	return 0;
}
