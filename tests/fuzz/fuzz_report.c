/**
 * @file fuzz_report.c  libFuzzer target: results.json files merged by
 *                       `referlab report`
 *
 * The input is up to three results.json texts cut at NUL bytes (shards
 * of other CI jobs, merged as one document), then written in every
 * format. Each problem with the input must be one line; the cases'
 * folders do not exist, as for results copied from elsewhere (and no
 * case name can reach a file of the working directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_input.h"
#include "report/report_int.h"

enum { FILES = 3 };

static const char *const paths[FILES] = {
	"/nonexistent/referlab-fuzz/a/results.json",
	"/nonexistent/referlab-fuzz/b/results.json",
	"/nonexistent/referlab-fuzz/results.json",
};

static void write_all(const cJSON *doc)
{
	FILE *f = fopen("/dev/null", "w");

	if (!f)
		abort();
	write_md(doc, f);
	write_junit(doc, f);
	write_json(doc, f);
	write_html(doc, f, "/nonexistent/referlab-fuzz/report.html");
	fclose(f);
}

static unsigned lines(const char *s, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* What the writers rely on: each case in one of the runs, in its folder
 * below its results file. */
static void check_cases(const cJSON *doc)
{
	int nr = cJSON_GetArraySize(jget(doc, "runs"));
	const cJSON *c;

	cJSON_ArrayForEach(c, jget(doc, "cases")) {
		const char *name = jstr(c, "case"), *dir = jstr(c, "dir");
		size_t n = strlen(name), d = strlen(dir);
		double run = jnum(c, "run");

		if (run < 0 || run >= nr || d <= n || dir[d - n - 1] != '/' ||
		    strcmp(dir + d - n, name)) {
			fprintf(stderr, "case '%s': run %g of %d, dir '%s'\n",
				name, run, nr, dir);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text[FILES];
	struct report_doc r;
	char *buf = fuzz_split(data, size, text, FILES), *errs = NULL;
	size_t errlen = 0;
	int i;

	if (!buf)
		return 0;
	rdoc_init(&r);
	r.err = open_memstream(&errs, &errlen);
	if (!r.err)
		abort();
	for (i = 0; i < FILES; i++) {
		if (i == 0 || *text[i])
			rdoc_add_text(&r, paths[i], text[i], strlen(text[i]));
	}
	rdoc_finish(&r);
	fclose(r.err);
	if (lines(errs, errlen) != r.problems) {
		fprintf(stderr, "%u problems in other than %u lines: [%s]\n",
			r.problems, r.problems, errs);
		abort();
	}
	check_cases(r.doc);
	write_all(r.doc);
	rdoc_free(&r);
	free(errs);
	free(buf);
	return 0;
}
