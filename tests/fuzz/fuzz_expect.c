/**
 * @file fuzz_expect.c  libFuzzer target: expectation files and sequence
 *                      patterns
 *
 * The input is the expectation's JSON text; its "sequence" string (when it
 * parses) is compiled too. A failure must explain itself in one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect *e = NULL;
	struct expect_seq *seq = NULL;
	char err[512] = "";
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (expect_parse(&e, "fuzz.json", text, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n')) {
			fprintf(stderr, "not one line: [%s]\n", err);
			abort();
		}
	}
	else {
		expect_free(e);
	}

	/* The whole input as a pattern, too: the grammar has its own parser. */
	err[0] = '\0';
	if (expect_seq_compile(&seq, text, err, sizeof(err))) {
		if (!err[0]) {
			fprintf(stderr, "no error message\n");
			abort();
		}
	}
	else {
		expect_seq_free(seq);
	}
	free(text);
	return 0;
}
