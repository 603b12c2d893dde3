/**
 * @file fuzz_verb.c  libFuzzer target: an application (JSON array of verbs)
 *                    decoded and validated as the call hook's answer is
 *
 * On success every hook target is visited; on failure the error must be
 * one line, as the CLI prints it.
 */
#include <re.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verb.h"

static int hook_h(const struct verb *v, const char *key,
		  const struct hook_target *t, void *arg)
{
	(void)v; (void)key; (void)t; (void)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verb_app *app = NULL;
	struct verb_diag diag;
	/* Not NUL-terminated, as an HTTP body is not. */
	char *text = malloc(size ? size : 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	memset(&diag, 0, sizeof(diag));
	if (!verb_app_parse(&app, text, size, &diag))
		(void)verb_apply_hooks(&app->verbs, hook_h, NULL);
	else if (strchr(diag.err, '\n') || !diag.err[0]) {
		fprintf(stderr, "not one line: [%s]\n", diag.err);
		abort();
	}
	mem_deref(app);
	free(text);
	return 0;
}
