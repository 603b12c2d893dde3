/**
 * @file cmd.c  `referlab report`, and the entry points of the runner and analyze
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "report.h"
#include "report/esc.h"
#include "report/case.h"
#include "report/html.h"
#include "report/report_int.h"

static const char *prog = "referlab";

enum out_kind { OUT_HTML, OUT_MD, OUT_JUNIT, OUT_JSON, OUT__N };

static const char *const out_opts[OUT__N] = {"--html", "--md", "--junit",
					     "--json"};

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s report RESULTS.json... [--html FILE] [--md FILE] [--junit FILE]\n"
"                        [--json FILE]\n\n"
"Merges results.json files of `referlab run` (shards of one run, or runs\n"
"against other implementations, transports, address families) into one\n"
"report. Files of the same implementation, dialect, transport and family\n"
"are one run: a column of the interop matrix. FILE '-' is stdout.\n"
"Without any output option: --md -.\n\n"
"  --html FILE   single self-contained page: summary, interop matrix, per\n"
"                case the ladder, failed assertions, findings, hooks, files\n"
"  --md FILE     Markdown for a pull-request comment: summary, matrix,\n"
"                failures\n"
"  --junit FILE  JUnit XML: a testsuite per group and run, a testcase per\n"
"                case, the ladder in system-out; cases a run left out\n"
"                (--quick, --transport) are skipped tests\n"
"  --json FILE   the merged document (schema referlab-report/1)\n\n"
"Exit: 0 every case passed, 1 a case failed or errored, 2 usage, 3 an\n"
"output could not be written, 4 an input was unreadable or malformed: a\n"
"results.json, or a file of a case folder that --html or --junit reads\n"
"(one line each, naming the file and where in it; the rest is reported).\n",
		prog);
}

typedef int (writer_fn)(const cJSON *doc, FILE *f);

static int write_out(const cJSON *doc, enum out_kind k, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int err = 0;

	if (!f) {
		fprintf(stderr, "%s: report: %s: %s\n", prog, path,
			strerror(errno));
		return EXIT_ENVIRONMENT;
	}
	switch (k) {
	case OUT_HTML:  write_html(doc, f, strcmp(path, "-") ? path : "./-");
			break;
	case OUT_MD:    write_md(doc, f); break;
	case OUT_JUNIT: write_junit(doc, f); break;
	default:        write_json(doc, f); break;
	}
	if (ferror(f))
		err = EIO;
	if (f != stdout ? fclose(f) : fflush(f))
		err = err ? err : errno;
	if (err) {
		fprintf(stderr, "%s: report: %s: %s\n", prog, path,
			strerror(err));
		return EXIT_ENVIRONMENT;
	}
	return 0;
}

static int parse(int argc, char **argv, const char *outs[OUT__N],
		 const char **inputs, int *nin)
{
	int i, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), EXIT_OK;
		for (k = 0; k < OUT__N; k++) {
			if (!strcmp(argv[i], out_opts[k]))
				break;
		}
		if (k < OUT__N) {
			if (i + 1 >= argc)
				return cli_usage_error(prog, "report: %s needs "
						       "a file name", argv[i]);
			outs[k] = argv[++i];
		}
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(prog, "report: unknown option "
					       "'%s'", argv[i]);
		else
			inputs[(*nin)++] = argv[i];
	}
	if (!*nin)
		return cli_usage_error(prog, "report: no results file given "
				       "(see 'referlab report --help')");
	for (k = 0; k < OUT__N && !outs[k]; k++)
		;
	if (k == OUT__N)
		outs[OUT_MD] = "-";
	return -1;
}

int report_main(int argc, char **argv)
{
	const char *outs[OUT__N] = {NULL, NULL, NULL, NULL};
	const char **inputs = calloc((size_t)argc, sizeof(*inputs));
	struct report_doc r;
	int nin = 0, rc, i, e;

	if (!inputs)
		return EXIT_ENVIRONMENT;
	rc = parse(argc, argv, outs, inputs, &nin);
	if (rc >= 0)
		return free(inputs), rc;
	rdoc_init(&r);
	for (i = 0; i < nin; i++)
		rdoc_add_file(&r, inputs[i]);
	rdoc_finish(&r);
	rc = 0;
	for (i = 0; i < OUT__N; i++) {
		if (outs[i] && (e = write_out(r.doc, (enum out_kind)i, outs[i])))
			rc = e;
	}
	if (!rc && (r.problems || rcase_problems_said()))
		rc = EXIT_INPUT;
	else if (!rc && (jnum(jget(r.doc, "counts"), "fail") ||
			 jnum(jget(r.doc, "counts"), "error")))
		rc = EXIT_FINDINGS;
	rdoc_free(&r);
	free(inputs);
	return rc;
}

typedef int (doc_writer_fn)(const cJSON *doc, FILE *f, const char *out_path);

static int junit_writer(const cJSON *doc, FILE *f, const char *out_path)
{
	(void)out_path;
	return write_junit(doc, f);
}

/* One results.json through one writer into out_path. */
static int write_one(const char *results_path, const char *out_path,
		     doc_writer_fn *writer, char *err, size_t errsz)
{
	struct report_doc r;
	FILE *f;
	int e = 0;

	rdoc_init(&r);
	rdoc_add_file(&r, results_path);
	rdoc_finish(&r);
	f = fopen(out_path, "w");
	if (!f) {
		e = errno;
		snprintf(err, errsz, "%s: %s", out_path, strerror(e));
		goto out;
	}
	writer(r.doc, f, out_path);
	if (ferror(f))
		e = EIO;
	if (fclose(f) && !e)
		e = errno;
	if (e)
		snprintf(err, errsz, "%s: %s", out_path, strerror(e));
	else if (r.problems) {
		e = EBADMSG;
		snprintf(err, errsz, "%s: partly unreadable (see above)",
			 results_path);
	}
 out:
	rdoc_free(&r);
	return e;
}

int report_write_html(const char *results_path, const char *out_path,
		      char *err, size_t errsz)
{
	return write_one(results_path, out_path, write_html, err, errsz);
}

int report_run_junit(const char *out_dir)
{
	char results[4096], xml[4096], err[8400];
	int e;

	snprintf(results, sizeof(results), "%s/results.json", out_dir);
	snprintf(xml, sizeof(xml), "%s/junit.xml", out_dir);
	e = write_one(results, xml, junit_writer, err, sizeof(err));
	if (e)
		fprintf(stderr, "%s: report: %s\n", prog, err);
	return e;
}

void report_run_html(const char *out_dir)
{
	char results[4096], page[4096], err[8400];

	snprintf(results, sizeof(results), "%s/results.json", out_dir);
	snprintf(page, sizeof(page), "%s/report.html", out_dir);
	if (report_write_html(results, page, err, sizeof(err)))
		fprintf(stderr, "%s: report: %s\n", prog, err);
}

int report_capture_html(const char *const *captures, size_t n,
			const char *out_path, char *err, size_t errsz)
{
	struct rcase rc;
	char title[256];
	FILE *f;
	int e, we = 0;
	size_t i;

	rcase_init(&rc);
	e = rcase_load_captures(&rc, captures, n);
	f = fopen(out_path, "w");
	if (!f) {
		we = errno;
		snprintf(err, errsz, "%s: %s", out_path, strerror(we));
		rcase_free(&rc);
		return we;
	}
	snprintf(title, sizeof(title), "referlab analyze: %s%s",
		 n ? captures[0] : "", n > 1 ? " ..." : "");
	html_begin(f, title);
	fputs("<h1>referlab capture analysis</h1>\n<p>", f);
	for (i = 0; i < n; i++) {
		fputs("<code>", f);
		esc_xml(f, captures[i]);
		fputs("</code> ", f);
	}
	fprintf(f, "— %zu SIP messages, %d transfers</p>\n", rc.nev +
		rc.dropped, cJSON_GetArraySize(rc.transfers));
	html_case_body(f, &rc, NULL, "capture", out_path, NULL);
	html_end(f);
	if (ferror(f))
		we = EIO;
	if (fclose(f) && !we)
		we = errno;
	if (we)
		snprintf(err, errsz, "%s: %s", out_path, strerror(we));
	else if (e)
		snprintf(err, errsz, "%s", rc.problem);
	rcase_free(&rc);
	return we ? we : e ? EBADMSG : 0;
}
