/**
 * @file text.c  The merged report as Markdown, JUnit XML and JSON
 */

#include <stdlib.h>
#include <string.h>
#include "report/case.h"
#include "report/esc.h"
#include "report/report_int.h"

/* A pull-request comment holds 65536 characters: the first failures,
 * then how many more. */
enum { MD_FAILURES_MAX = 40 };

static const char *const md_marks[3] = {"✅ PASS", "❌ FAIL", "⚠️ ERROR"};

static void esc_wrap_md(FILE *f, const char *open, const char *s,
			const char *close)
{
	fputs(open, f);
	esc_md(f, s);
	fputs(close, f);
}

int write_json(const cJSON *doc, FILE *f)
{
	char *s = cJSON_Print(doc);

	if (!s)
		return -1;
	fputs(s, f);
	fputc('\n', f);
	cJSON_free(s);
	return 0;
}

static void md_group(const char *group, int nruns, void *arg)
{
	FILE *f = arg;

	fputs("| **", f);
	esc_md(f, group);
	fputs("** |", f);
	while (nruns--)
		fputs(" |", f);
	fputc('\n', f);
}

static void md_row(const char *leaf, void *arg)
{
	esc_wrap_md(arg, "| ", leaf, " |");
}

static void md_cell(const cJSON *c, const char *left_out, void *arg)
{
	fprintf(arg, " %s |", c ? md_marks[case_kind(c)] : left_out ?
		"left out" : "—");
}

static void md_row_end(void *arg)
{
	fputc('\n', arg);
}

static void md_matrix(const cJSON *doc, FILE *f)
{
	static const struct matrix_h h = {md_group, md_row, md_cell,
					  md_row_end};
	const cJSON *r;
	int i;

	fputs("| case |", f);
	cJSON_ArrayForEach(r, jget(doc, "runs"))
		esc_wrap_md(f, " ", jstr(r, "label"), " |");
	fputs("\n|---|", f);
	for (i = 0; i < cJSON_GetArraySize(jget(doc, "runs")); i++)
		fputs("---|", f);
	fputc('\n', f);
	matrix_walk(doc, &h, f);
}

static void md_problem(const char *text, void *arg)
{
	FILE *f = arg;

	fputs("  - ", f);
	esc_md(f, text);
	fputc('\n', f);
}

static void md_failure(FILE *f, const cJSON *c, const cJSON *run)
{
	fputs("- **", f);
	esc_md(f, jstr(c, "case"));
	fprintf(f, "** %s (", md_marks[case_kind(c)]);
	esc_md(f, jstr(run, "label"));
	fputs(")\n", f);
	case_problems(c, "; ", md_problem, f);
}

int write_md(const cJSON *doc, FILE *f)
{
	const cJSON *n = jget(doc, "counts"), *r, *c;
	const cJSON *runs = jget(doc, "runs");
	unsigned shown = 0;
	double bad;

	fprintf(f, "## referlab: %.0f case%s — %.0f PASS, %.0f FAIL, %.0f "
		"ERROR\n\n", jnum(n, "total"), jnum(n, "total") == 1 ? "" : "s",
		jnum(n, "pass"), jnum(n, "fail"), jnum(n, "error"));
	cJSON_ArrayForEach(r, runs) {
		const cJSON *s;

		fputs("- ", f);
		esc_md(f, jstr(r, "label"));
		fprintf(f, ": %.0f/%.0f passed, %.1f s",
			jnum(jget(r, "counts"), "pass"),
			jnum(jget(r, "counts"), "total"), jnum(r, "duration_s"));
		if (cJSON_GetArraySize(jget(r, "shards"))) {
			fputs(", shards", f);
			cJSON_ArrayForEach(s, jget(r, "shards")) {
				fputc(' ', f);
				esc_md(f, cJSON_IsString(s) ? s->valuestring : "");
			}
		}
		if (*jstr(r, "finished")) {
			fputs(", finished ", f);
			esc_md(f, jstr(r, "finished"));
		}
		if (cJSON_IsTrue(jget(r, "interrupted")))
			fputs(", **interrupted**", f);
		cJSON_ArrayForEach(s, jget(r, "left_out")) {
			fputs(s == jget(r, "left_out")->child ? ", left out: " :
			      ", ", f);
			esc_md(f, jstr(s, "case"));
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	md_matrix(doc, f);
	cJSON_ArrayForEach(c, jget(doc, "cases")) {
		if (!case_kind(c))
			continue;
		if (!shown)
			fputs("\n### Failures and errors\n\n", f);
		if (shown++ == MD_FAILURES_MAX)
			break;
		md_failure(f, c, cJSON_GetArrayItem(runs, (int)jnum(c, "run")));
	}
	bad = jnum(n, "fail") + jnum(n, "error");
	if (shown > MD_FAILURES_MAX)
		fprintf(f, "- … and %.0f more (the HTML report has them all)\n",
			bad - MD_FAILURES_MAX);
	return 0;
}

static void junit_problem(const char *text, void *arg)
{
	FILE *f = arg;

	esc_xml(f, text);
	fputc('\n', f);
}

/* The case folder and its ladder, escaped as a whole. */
static void junit_out(FILE *f, const cJSON *c)
{
	struct rcase rc;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	rcase_init(&rc);
	rcase_load_dir(&rc, jstr(c, "dir"), c);
	fprintf(m, "case folder: %s/\n", jstr(c, "dir"));
	if (rc.capture[0])
		fprintf(m, "capture: %s\n", rc.capture);
	if (rc.problem[0])
		fprintf(m, "note: %s\n", rc.problem);
	ladder_text(m, &rc);
	fclose(m);
	fputs("      <system-out>", f);
	esc_xml_n(f, text, len);
	fputs("</system-out>\n", f);
	free(text);
	rcase_free(&rc);
}

static void junit_case(FILE *f, const cJSON *c, const char *group,
		       const char *leaf)
{
	int k = case_kind(c);

	fputs("    <testcase classname=\"", f);
	esc_xml(f, group);
	fputs("\" name=\"", f);
	esc_xml(f, leaf);
	fprintf(f, "\" time=\"%.3f\">\n", jnum(c, "duration_s"));
	if (k) {
		const char *tag = k == 2 ? "error" : "failure";

		fprintf(f, "      <%s message=\"", tag);
		esc_xml(f, case_reason(c));
		fprintf(f, "\" type=\"%s\">", kind_names[k]);
		case_problems(c, "\n  ", junit_problem, f);
		fprintf(f, "</%s>\n", tag);
	}
	junit_out(f, c);
	fputs("    </testcase>\n", f);
}

/* One testsuite per group of one run: cases of a group are adjacent. */
static void junit_run(FILE *f, const cJSON *doc, const cJSON *run, int ri,
		      bool many)
{
	const cJSON *c, *d;
	char group[256], other[256];
	const char *leaf;

	for (c = jget(doc, "cases")->child; c; c = d) {
		unsigned n[3] = {0, 0, 0};
		double secs = 0;

		case_split(jstr(c, "case"), group, sizeof(group), &leaf);
		for (d = c; d; d = d->next) {
			case_split(jstr(d, "case"), other, sizeof(other), &leaf);
			if (strcmp(group, other))
				break;
			if ((int)jnum(d, "run") != ri)
				continue;
			n[case_kind(d)]++;
			secs += jnum(d, "duration_s");
		}
		if (!n[0] + !n[1] + !n[2] == 3)
			continue;
		fputs("  <testsuite name=\"", f);
		esc_xml(f, group);
		if (many) {
			fputs(" [", f);
			esc_xml(f, jstr(run, "label"));
			fputc(']', f);
		}
		fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
			"skipped=\"0\" time=\"%.3f\">\n", n[0] + n[1] + n[2],
			n[1], n[2], secs);
		for (; c != d; c = c->next) {
			if ((int)jnum(c, "run") != ri)
				continue;
			case_split(jstr(c, "case"), other, sizeof(other), &leaf);
			junit_case(f, c, group, leaf);
		}
		fputs("  </testsuite>\n", f);
	}
}

/* The cases a run left out (its "left_out": --quick, a transport the
 * case is not for), as JUnit's skipped tests in a suite of their own, so
 * a CI dashboard shows them instead of losing them. */
static void junit_left_out(FILE *f, const cJSON *run, bool many)
{
	const cJSON *left = jget(run, "left_out"), *c;
	int n = cJSON_GetArraySize(left);
	char group[256];
	const char *leaf;

	if (!n)
		return;
	fputs("  <testsuite name=\"left out", f);
	if (many) {
		fputs(" [", f);
		esc_xml(f, jstr(run, "label"));
		fputc(']', f);
	}
	fprintf(f, "\" tests=\"%d\" failures=\"0\" errors=\"0\" "
		"skipped=\"%d\" time=\"0.000\">\n", n, n);
	cJSON_ArrayForEach(c, left) {
		case_split(jstr(c, "case"), group, sizeof(group), &leaf);
		fputs("    <testcase classname=\"", f);
		esc_xml(f, group);
		fputs("\" name=\"", f);
		esc_xml(f, leaf);
		fputs("\" time=\"0.000\">\n      <skipped message=\"", f);
		esc_xml(f, jstr(c, "reason"));
		fputs("\"/>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

int write_junit(const cJSON *doc, FILE *f)
{
	const cJSON *n = jget(doc, "counts"), *r;
	int nr = cJSON_GetArraySize(jget(doc, "runs")), i = 0, left = 0;
	double secs = 0;

	cJSON_ArrayForEach(r, jget(doc, "cases"))
		secs += jnum(r, "duration_s");
	cJSON_ArrayForEach(r, jget(doc, "runs"))
		left += cJSON_GetArraySize(jget(r, "left_out"));
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"referlab\" tests=\"%.0f\" failures=\"%.0f\" "
		"errors=\"%.0f\" time=\"%.3f\">\n", jnum(n, "total") + left,
		jnum(n, "fail"), jnum(n, "error"), secs);
	cJSON_ArrayForEach(r, jget(doc, "runs")) {
		junit_run(f, doc, r, i++, nr > 1);
		junit_left_out(f, r, nr > 1);
	}
	fputs("</testsuites>\n", f);
	return 0;
}
