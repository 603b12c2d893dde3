/**
 * @file test_report.c  Escaping, reading and merging results files
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "unit.h"
#include "report/esc.h"
#include "report/html.h"
#include "report/report_int.h"

typedef void (esc_fn)(FILE *f, const char *s);

static char *run_esc(esc_fn *fn, const char *in)
{
	static char buf[1024];
	FILE *f;

	buf[0] = '\0';
	f = fmemopen(buf, sizeof(buf), "w");

	fn(f, in);
	fclose(f);
	return buf;
}

static void test_xml(void)
{
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "<script>alert(1)</script>"),
			       "&lt;script&gt;alert(1)&lt;/script&gt;");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "\"><img src=x onerror='a'>"),
			       "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "a&b</svg>"),
			       "a&amp;b&lt;/svg&gt;");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, NULL), "");
}

/* Bytes an XML parser rejects never get out: controls, broken UTF-8,
 * surrogates, overlong forms; valid UTF-8 goes through untouched. */
static void test_xml_bytes(void)
{
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "a\x01\x1b[31mb\x7f"),
			       "a??[31mb?");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "caf\xc3\xa9 \xe2\x86\x92"),
			       "caf\xc3\xa9 \xe2\x86\x92");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "x\xc3"), "x?");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "\xc0\xbc"), "??");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "\xed\xa0\x80"), "???");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "\xf4\x90\x80\x80"), "????");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "\xf0\x9f\x98\x80"),
			       "\xf0\x9f\x98\x80");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_xml, "tab\there\nnl"),
			       "tab\there\nnl");
}

static void test_md(void)
{
	CU_ASSERT_STRING_EQUAL(run_esc(esc_md, "a|b `c` *d* _e_ [f](g)\nh"),
			       "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) h");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_md, "<img src=x onerror=y>"),
			       "&lt;img src=x onerror=y&gt;");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_md, "it's \"ok\""), "it's \"ok\"");
}

static void test_id_url(void)
{
	CU_ASSERT_STRING_EQUAL(run_esc(esc_id, "c-a/b@0\">"),
			       "c-2Da-2Fb-400-22-3E");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_url, "../x y/\"a\".pcap"),
			       "../x%20y/%22a%22.pcap");
	CU_ASSERT_STRING_EQUAL(run_esc(esc_url, "javascript:x"),
			       "javascript%3Ax");
}

/* Reads every file named, in order; returns the problems. */
static unsigned read_files(struct report_doc *r, const char *const *paths)
{
	rdoc_init(r);
	for (; *paths; paths++)
		rdoc_add_file(r, *paths);
	rdoc_finish(r);
	return r->problems;
}

static const char *case_at(const struct report_doc *r, int i, int *run)
{
	const cJSON *c = cJSON_GetArrayItem(jget(r->doc, "cases"), i);

	*run = (int)jnum(c, "run");
	return jstr(c, "case");
}

/* Shards of one run in any order make one column, cases by name. */
static void test_merge_shards(void)
{
	const char *a[] = {"data/shard2.json", "data/shard1.json", NULL};
	const char *b[] = {"data/whole.json", NULL};
	struct report_doc r, w;
	const cJSON *runs;
	int run;

	CU_ASSERT_EQUAL(read_files(&r, a), 0);
	CU_ASSERT_EQUAL(read_files(&w, b), 0);
	runs = jget(r.doc, "runs");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(runs), 1);
	CU_ASSERT_STRING_EQUAL(jstr(cJSON_GetArrayItem(runs, 0), "label"),
			       "referlab-sim 0.1.0 · spec · ipv4");
	CU_ASSERT_STRING_EQUAL(case_at(&r, 0, &run), "basic/busy");
	CU_ASSERT_STRING_EQUAL(case_at(&r, 2, &run), "basic/crash");
	CU_ASSERT_EQUAL(jnum(jget(r.doc, "counts"), "fail"), 1);
	CU_ASSERT_EQUAL(jnum(jget(r.doc, "counts"), "error"), 1);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(cJSON_GetArrayItem(runs, 0),
						"shards")), 2);
	CU_ASSERT_EQUAL(cJSON_Compare(jget(r.doc, "counts"),
				      jget(w.doc, "counts"), true), 1);
	rdoc_free(&r);
	rdoc_free(&w);
}

/* Another implementation is another column; its cases sit beside. */
static void test_merge_runs(void)
{
	const char *a[] = {"data/whole.json", "data/other.json", NULL};
	struct report_doc r;
	int run;

	CU_ASSERT_EQUAL(read_files(&r, a), 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(r.doc, "runs")), 2);
	CU_ASSERT_STRING_EQUAL(case_at(&r, 0, &run), "basic/busy");
	CU_ASSERT_STRING_EQUAL(case_at(&r, 1, &run), "basic/busy");
	CU_ASSERT_EQUAL(run, 1);
	CU_ASSERT_PTR_NOT_NULL(row_cell(cJSON_GetArrayItem(
		jget(r.doc, "cases"), 0), 1));
	CU_ASSERT_EQUAL(jnum(jget(r.doc, "counts"), "total"), 5);
	rdoc_free(&r);
}

/* A run whose implementation calls no hooks is a column of its own. */
static void test_no_hooks_run(void)
{
	const char *a[] = {"data/whole.json", "data/nohooks.json", NULL};
	struct report_doc r;

	CU_ASSERT_EQUAL(read_files(&r, a), 0);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(r.doc, "runs")), 2);
	CU_ASSERT_STRING_EQUAL(jstr(cJSON_GetArrayItem(jget(r.doc, "runs"), 1),
				    "label"),
			       "referlab-sim 0.1.0 · spec · ipv4 · no hooks");
	rdoc_free(&r);
}

/* Each bad entry costs its own line; the good ones stay. */
static void test_bad_entries(void)
{
	const char *a[] = {"data/bad_cases.json", NULL};
	struct report_doc r;
	int run;

	CU_ASSERT_EQUAL(read_files(&r, a), 5);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(r.doc, "cases")), 2);
	CU_ASSERT_STRING_EQUAL(case_at(&r, 0, &run), "ok/one");
	rdoc_free(&r);
}

static void test_bad_files(void)
{
	const char *a[] = {"data/missing.json", "data/not_json.json",
			   "data/no_cases.json", "data/shard1.json", NULL};
	struct report_doc r;

	CU_ASSERT_EQUAL(read_files(&r, a), 3);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(jget(r.doc, "cases")), 1);
	rdoc_free(&r);
}

static void keep_text(const char *text, void *arg)
{
	char **kept = arg;

	free(*kept);
	*kept = strdup(text);
}

/* A failure of any length is one whole text with its expected and got:
 * a message over 8 KiB from another job's results.json wrote past the
 * end of a stack buffer. */
static void test_long_failure(void)
{
	enum { LONG = 9000 };
	static const char head[] = "{\"cases\":[{\"case\":\"a/b\","
		"\"verdict\":\"FAIL\",\"failures\":[{\"message\":\"";
	static const char tail[] = "\",\"expected\":\"x\",\"got\":\"y\"}]}]}";
	char *json = calloc(1, sizeof(head) + LONG + sizeof(tail)), *text = NULL;
	struct report_doc r;

	CU_ASSERT_FATAL(json != NULL);
	strcpy(json, head);
	memset(json + strlen(head), 'm', LONG);
	strcat(json, tail);
	rdoc_init(&r);
	rdoc_add_text(&r, "long/results.json", json, strlen(json));
	CU_ASSERT_EQUAL(r.problems, 0);
	case_problems(cJSON_GetArrayItem(jget(r.doc, "cases"), 0), "; ",
		      keep_text, &text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strlen(text), LONG + strlen("; expected: x; got: y"));
	CU_ASSERT_STRING_EQUAL(text + LONG, "; expected: x; got: y");
	free(text);
	free(json);
	rdoc_free(&r);
}

static int count_key(const cJSON *o, const char *key)
{
	const cJSON *x;
	int n = 0;

	cJSON_ArrayForEach(x, o)
		n += !strcmp(x->string, key);
	return n;
}

/* A "run" or "dir" the input repeats is not the report's: the run index
 * was out of bounds (a crash) and the case folder anywhere. */
static void test_repeated_keys(void)
{
	static const char json[] = "{\"cases\":[{\"case\":\"a\","
		"\"verdict\":\"PASS\",\"run\":0,\"run\":70000,"
		"\"dir\":\"x\",\"dir\":\"/etc\"}]}";
	struct report_doc r;
	const cJSON *c;

	rdoc_init(&r);
	rdoc_add_text(&r, "shard/results.json", json, strlen(json));
	rdoc_finish(&r);
	CU_ASSERT_EQUAL(r.problems, 0);
	c = cJSON_GetArrayItem(jget(r.doc, "cases"), 0);
	CU_ASSERT_EQUAL(count_key(c, "run"), 1);
	CU_ASSERT_EQUAL(count_key(c, "dir"), 1);
	CU_ASSERT_EQUAL(jnum(c, "run"), 0);
	CU_ASSERT_STRING_EQUAL(jstr(c, "dir"), "shard/a");
	rdoc_free(&r);
}

/* Durations summed past a long are kept (the cast was undefined). */
static void test_huge_duration(void)
{
	static const char json[] = "{\"duration_s\":1e300,\"cases\":[]}";
	struct report_doc r;

	rdoc_init(&r);
	rdoc_add_text(&r, "huge/results.json", json, strlen(json));
	rdoc_finish(&r);
	CU_ASSERT_EQUAL(r.problems, 0);
	CU_ASSERT_DOUBLE_EQUAL(jnum(r.doc, "duration_s"), 1e300, 1e285);
	rdoc_free(&r);
}

/* Links from the page's folder to a case's file: the "../" counted
 * against the buffer's size, which the counter once ran past. */
static void test_rel_link(void)
{
	char tmp[] = "/tmp/referlab-rel-XXXXXX", page[PATH_MAX],
		target[PATH_MAX], buf[PATH_MAX];
	const char *want = "../run/a/capture.pcap";
	size_t need = strlen(want) + 1;
	FILE *f;

	CU_ASSERT_FATAL(mkdtemp(tmp) != NULL);
	snprintf(page, sizeof(page), "%s/out", tmp);
	CU_ASSERT_FATAL(!mkdir(page, 0700));
	snprintf(target, sizeof(target), "%s/run", tmp);
	CU_ASSERT_FATAL(!mkdir(target, 0700));
	snprintf(target, sizeof(target), "%s/run/a", tmp);
	CU_ASSERT_FATAL(!mkdir(target, 0700));
	snprintf(target, sizeof(target), "%s/run/a/capture.pcap", tmp);
	f = fopen(target, "w");
	CU_ASSERT_FATAL(f != NULL);
	fclose(f);
	snprintf(page, sizeof(page), "%s/out/report.html", tmp);

	CU_ASSERT_TRUE(html_rel_link(page, target, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_TRUE(html_rel_link(page, target, buf, need));
	CU_ASSERT_STRING_EQUAL(buf, want);
	/* one byte short, or not even room for the first "../" */
	CU_ASSERT_FALSE(html_rel_link(page, target, buf, need - 1));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_FALSE(html_rel_link(page, target, buf, 2));
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_FALSE(html_rel_link(page, target, buf, 0));
	/* a sibling whose name starts like the page's folder ("out") */
	snprintf(page, sizeof(page), "%s/run/report.html", tmp);
	CU_ASSERT_TRUE(html_rel_link(page, target, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "a/capture.pcap");
	snprintf(page, sizeof(page), "%s/ru/report.html", tmp);
	CU_ASSERT_TRUE(html_rel_link(page, target, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, target);   /* no such folder: as it is */

	unlink(target);
	snprintf(target, sizeof(target), "%s/run/a", tmp);
	rmdir(target);
	snprintf(target, sizeof(target), "%s/run", tmp);
	rmdir(target);
	snprintf(target, sizeof(target), "%s/out", tmp);
	rmdir(target);
	rmdir(tmp);
}

static void case_anchor(char *buf, size_t sz, const char *name, int run)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "case", name);
	cJSON_AddNumberToObject(c, "run", run);
	html_case_id(buf, sz, c);
	cJSON_Delete(c);
}

/* Two names sharing their first 512 bytes got one anchor (cut at the
 * buffer's end): the matrix linked both cells to the first case. */
static void test_case_id(void)
{
	enum { LONG = 600 };
	char a[LONG + 1], b[LONG + 1], ida[512], idb[512], idc[512];

	case_anchor(ida, sizeof(ida), "carriers/notify-after-bye", 1);
	CU_ASSERT_STRING_EQUAL(ida, "c-carriers/notify-after-bye@1");

	memset(a, 'x', LONG);
	a[LONG] = '\0';
	memcpy(b, a, sizeof(a));
	a[LONG - 1] = 'a';
	b[LONG - 1] = 'b';
	case_anchor(ida, sizeof(ida), a, 0);
	case_anchor(idb, sizeof(idb), b, 0);
	CU_ASSERT_STRING_NOT_EQUAL(ida, idb);
	CU_ASSERT(strlen(ida) < sizeof(ida) - 1);   /* nothing cut */
	CU_ASSERT_NSTRING_EQUAL(ida + 2, a, HTML_ID_NAME_MAX);
	/* the same name: the same anchor, run after run */
	case_anchor(idc, sizeof(idc), a, 0);
	CU_ASSERT_STRING_EQUAL(ida, idc);
	case_anchor(idc, sizeof(idc), a, 1);
	CU_ASSERT_STRING_NOT_EQUAL(ida, idc);
}

static const struct unit_test esc_tests[] = {
	{"markup entities", test_xml},
	{"control and invalid UTF-8 bytes", test_xml_bytes},
	{"markdown", test_md},
	{"ids and urls", test_id_url},
	{"links relative to the page, bounded", test_rel_link},
	{"case anchors of long names differ", test_case_id},
	{NULL, NULL},
};

static const struct unit_test read_tests[] = {
	{"shards merge into one run", test_merge_shards},
	{"runs are columns", test_merge_runs},
	{"a run without hooks is its own column", test_no_hooks_run},
	{"bad entries are said and left out", test_bad_entries},
	{"bad files are said, the rest read", test_bad_files},
	{"a failure over 8 KiB is whole", test_long_failure},
	{"a repeated run or dir key is dropped", test_repeated_keys},
	{"a duration beyond a long", test_huge_duration},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"report/esc", esc_tests},
	{"report/read", read_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
