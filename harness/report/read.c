/**
 * @file read.c  Reading results.json files and merging them into one document
 *
 * Liberal in what it reads: keys the runner adds later are carried
 * through, keys it does not write yet are optional. Strict in what it
 * reports: every structural problem is one line naming the file and the
 * JSON path, and the entry is left out rather than guessed at.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "jsonpl.h"
#include "report/report_int.h"

enum { RESULTS_MAX_BYTES = 256 << 20 };

const char *const kind_names[3] = {"PASS", "FAIL", "ERROR"};

const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *s = jget(o, key);

	return cJSON_IsString(s) ? s->valuestring : "";
}

double jnum(const cJSON *o, const char *key)
{
	const cJSON *n = jget(o, key);

	return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

int case_kind(const cJSON *c)
{
	const char *v = jstr(c, "verdict");
	int k;

	for (k = 0; k < 3; k++) {
		if (!strcmp(v, kind_names[k]))
			return k;
	}
	return 2;
}

const char *case_reason(const cJSON *c)
{
	const cJSON *e = cJSON_GetArrayItem(jget(c, "errors"), 0);
	const cJSON *f = cJSON_GetArrayItem(jget(c, "failures"), 0);

	if (cJSON_IsString(e))
		return e->valuestring;
	return jstr(f, "message");
}

/* One failure as one text, however long its parts: a message from
 * another CI job's results.json may be any size. */
static void failure_text(FILE *m, const cJSON *x, const char *sep)
{
	fputs(jstr(x, "message"), m);
	if (jget(x, "expected") || jget(x, "got"))
		fprintf(m, "%sexpected: %s%sgot: %s", sep, jstr(x, "expected"),
			sep, jstr(x, "got"));
	if (jnum(x, "frame"))
		fprintf(m, "%sframe: %.0f", sep, jnum(x, "frame"));
}

void case_problems(const cJSON *c, const char *sep, case_problem_h *h,
		   void *arg)
{
	const cJSON *x;
	char *text;
	size_t len;
	FILE *m;

	cJSON_ArrayForEach(x, jget(c, "errors"))
		h(cJSON_IsString(x) ? x->valuestring : "", arg);
	cJSON_ArrayForEach(x, jget(c, "failures")) {
		text = NULL;
		m = open_memstream(&text, &len);
		if (m) {
			failure_text(m, x, sep);
			fclose(m);
		}
		h(text ? text : jstr(x, "message"), arg);
		free(text);
	}
}

void case_split(const char *name, char *group, size_t gsz, const char **leaf)
{
	const char *slash = strrchr(name, '/');
	size_t n;

	if (!slash) {
		snprintf(group, gsz, "suite");
		*leaf = name;
		return;
	}
	n = (size_t)(slash - name);
	n = n < gsz - 1 ? n : gsz - 1;
	memcpy(group, name, n);
	group[n] = '\0';
	*leaf = slash + 1;
}

void rdoc_init(struct report_doc *r)
{
	r->doc = cJSON_CreateObject();
	r->problems = 0;
	r->err = stderr;
	cJSON_AddStringToObject(r->doc, "schema", "referlab-report/1");
	cJSON_AddArrayToObject(r->doc, "runs");
	cJSON_AddArrayToObject(r->doc, "cases");
}

void rdoc_free(struct report_doc *r)
{
	cJSON_Delete(r->doc);
	r->doc = NULL;
}

static void problem(struct report_doc *r, const char *path, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void problem(struct report_doc *r, const char *path, const char *fmt,
		    ...)
{
	va_list ap;

	fprintf(r->err, "referlab report: %s: ", path);
	va_start(ap, fmt);
	vfprintf(r->err, fmt, ap);
	va_end(ap);
	fputc('\n', r->err);
	r->problems++;
}

/* The column a results file belongs to: implementation, dialect,
 * transport, family. Shards of one run share it. */
static void run_label(const cJSON *root, char *buf, size_t sz)
{
	const cJSON *iut = jget(root, "iut");
	const char *name = jstr(iut, "name"), *ver = jstr(iut, "version");
	const char *tp = jstr(root, "transport");
	const char *dialect = jstr(iut, "dialect");
	const char *family = jstr(root, "family");
	char nv[128];

	/* the version string is "referlab-sim 0.1.0": it names the IUT */
	if (!*name && *ver)
		snprintf(nv, sizeof(nv), "%s", ver);
	else
		snprintf(nv, sizeof(nv), "%s%s%s", *name ? name :
			 *jstr(iut, "kind") ? jstr(iut, "kind") :
			 "unknown implementation", *ver ? " " : "", ver);
	if (!strncmp(tp, "as ", 3))   /* "as each case says" */
		tp = "";
	snprintf(buf, sz, "%s%s%s%s%s%s%s%s", nv, *dialect ? " · " : "",
		 dialect, *tp ? " · " : "", tp, *family ? " · " : "", family,
		 cJSON_IsTrue(jget(root, "no_hooks")) ? " · no hooks" : "");
}

/* The run a results file belongs to, created on first sight; the file's
 * shard, path, duration and finish time are added to it. */
static int run_index(struct report_doc *r, const cJSON *root, const char *path)
{
	cJSON *runs = cJSON_GetObjectItemCaseSensitive(r->doc, "runs"), *run;
	const cJSON *c;
	const char *shard = jstr(root, "shard"), *fin = jstr(root, "finished");
	char label[320];
	int i = 0;

	run_label(root, label, sizeof(label));
	cJSON_ArrayForEach(run, runs) {
		if (!strcmp(jstr(run, "label"), label))
			break;
		i++;
	}
	if (!run) {
		const cJSON *iut = jget(root, "iut");

		run = cJSON_CreateObject();
		cJSON_AddStringToObject(run, "label", label);
		cJSON_AddItemToObject(run, "iut", cJSON_IsObject(iut) ?
			cJSON_Duplicate(iut, true) : cJSON_CreateObject());
		cJSON_AddStringToObject(run, "transport", jstr(root, "transport"));
		cJSON_AddStringToObject(run, "family", jstr(root, "family"));
		cJSON_AddArrayToObject(run, "shards");
		cJSON_AddArrayToObject(run, "sources");
		cJSON_AddArrayToObject(run, "left_out");
		cJSON_AddNumberToObject(run, "duration_s", 0);
		cJSON_AddStringToObject(run, "finished", "");
		cJSON_AddBoolToObject(run, "interrupted", false);
		cJSON_AddItemToArray(runs, run);
	}
	if (*shard)
		cJSON_AddItemToArray(cJSON_GetObjectItem(run, "shards"),
				     cJSON_CreateString(shard));
	cJSON_AddItemToArray(cJSON_GetObjectItem(run, "sources"),
			     cJSON_CreateString(path));
	cJSON_ArrayForEach(c, jget(root, "left_out"))
		cJSON_AddItemToArray(cJSON_GetObjectItem(run, "left_out"),
				     cJSON_Duplicate(c, true));
	cJSON_SetNumberValue(cJSON_GetObjectItem(run, "duration_s"),
			     jnum(run, "duration_s") + jnum(root, "duration_s"));
	if (strcmp(fin, jstr(run, "finished")) > 0)
		cJSON_ReplaceItemInObject(run, "finished",
					  cJSON_CreateString(fin));
	if (cJSON_IsTrue(jget(root, "interrupted")))
		cJSON_ReplaceItemInObject(run, "interrupted",
					  cJSON_CreateTrue());
	return i;
}

/* A case name becomes a folder below the results file: no way out. */
static bool name_ok(const char *s)
{
	const char *p;

	if (!*s || *s == '/' || !strcmp(s, "..") || !strncmp(s, "../", 3) ||
	    strstr(s, "/../") || (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")))
		return false;
	for (p = s; *p; p++) {
		if ((unsigned char)*p < 0x20)
			return false;
	}
	return true;
}

static void check_list(struct report_doc *r, const char *path, int i,
		       const cJSON *c, const char *key, bool objects)
{
	const cJSON *arr = jget(c, key), *e;
	int j = 0;

	if (!arr)
		return;
	if (!cJSON_IsArray(arr)) {
		problem(r, path, "$.cases[%d].%s: not an array", i, key);
		return;
	}
	cJSON_ArrayForEach(e, arr) {
		if (objects && !cJSON_IsString(jget(e, "message")))
			problem(r, path, "$.cases[%d].%s[%d].message: missing "
				"or not a string", i, key, j);
		else if (!objects && !cJSON_IsString(e))
			problem(r, path, "$.cases[%d].%s[%d]: not a string",
				i, key, j);
		j++;
	}
}

/* A case the writers can rely on: an object with a safe name and one of
 * the three verdicts. The lists are checked too, but a bad one only
 * costs its own line. */
static bool case_ok(struct report_doc *r, const char *path, int i,
		    const cJSON *c)
{
	const cJSON *name = jget(c, "case"), *v = jget(c, "verdict");

	if (!cJSON_IsObject(c)) {
		problem(r, path, "$.cases[%d]: not an object", i);
		return false;
	}
	if (!cJSON_IsString(name)) {
		problem(r, path, "$.cases[%d].case: missing or not a string", i);
		return false;
	}
	if (!name_ok(name->valuestring)) {
		problem(r, path, "$.cases[%d].case: not a case name (empty, "
			"absolute, '..' or control characters)", i);
		return false;
	}
	if (!cJSON_IsString(v) || (strcmp(v->valuestring, "PASS") &&
	    strcmp(v->valuestring, "FAIL") && strcmp(v->valuestring, "ERROR"))) {
		problem(r, path, "$.cases[%d].verdict: missing or not \"PASS\", "
			"\"FAIL\" or \"ERROR\"", i);
		return false;
	}
	if (jget(c, "duration_s") && !cJSON_IsNumber(jget(c, "duration_s")))
		problem(r, path, "$.cases[%d].duration_s: not a number", i);
	check_list(r, path, i, c, "failures", true);
	check_list(r, path, i, c, "errors", false);
	return true;
}

static bool duplicate(const cJSON *cases, const char *name, int run)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, cases) {
		if ((int)jnum(c, "run") == run && !strcmp(jstr(c, "case"), name))
			return true;
	}
	return false;
}

/* Every item named key: JSON may repeat a key, cJSON keeps each and
 * finds the first, so a second "run" or "dir" of the input would
 * otherwise stand in for the report's own (a run index out of bounds, a
 * case folder anywhere). */
static void drop_key(cJSON *o, const char *key)
{
	while (cJSON_GetObjectItemCaseSensitive(o, key))
		cJSON_DeleteItemFromObjectCaseSensitive(o, key);
}

static void add_cases(struct report_doc *r, const char *path,
		      const cJSON *root, int run)
{
	cJSON *cases = cJSON_GetObjectItemCaseSensitive(r->doc, "cases");
	const char *slash = strrchr(path, '/');
	const cJSON *c;
	char dir[4096];
	int i = 0, base = slash ? (int)(slash - path) : 1;

	cJSON_ArrayForEach(c, jget(root, "cases")) {
		cJSON *d;

		if (!case_ok(r, path, i++, c))
			continue;
		if (duplicate(cases, jstr(c, "case"), run)) {
			problem(r, path, "$.cases[%d]: case '%s' is already in "
				"an earlier file of the same run; the first is "
				"kept", i - 1, jstr(c, "case"));
			continue;
		}
		if ((size_t)snprintf(dir, sizeof(dir), "%.*s/%s", base, slash ?
				     path : ".", jstr(c, "case")) >= sizeof(dir)) {
			/* cut, it would name another folder */
			problem(r, path, "$.cases[%d].case: its folder's path is "
				"longer than %zu bytes", i - 1, sizeof(dir) - 1);
			continue;
		}
		d = cJSON_Duplicate(c, true);
		drop_key(d, "run");
		drop_key(d, "dir");
		cJSON_AddNumberToObject(d, "run", run);
		cJSON_AddStringToObject(d, "dir", dir);
		cJSON_AddItemToArray(cases, d);
	}
}

void rdoc_add_file(struct report_doc *r, const char *path)
{
	size_t len = 0;
	char *buf = jsonpl_read_text(path, RESULTS_MAX_BYTES, &len);

	if (!buf) {
		problem(r, path, "%s", errno == EFBIG ? "larger than 256 MiB" :
			strerror(errno));
		return;
	}
	rdoc_add_text(r, path, buf, len);
	free(buf);
}

void rdoc_add_text(struct report_doc *r, const char *path, const char *text,
		   size_t len)
{
	size_t at;
	cJSON *root;

	/* all of it: two files run together are not the first alone */
	root = jsonpl_parse_all(text, len, &at);
	if (!root) {
		problem(r, path, "offset %zu (of %zu bytes): not valid JSON",
			at, len);
		return;
	}
	if (!cJSON_IsObject(root))
		problem(r, path, "$: not an object");
	else if (!cJSON_IsArray(jget(root, "cases")))
		problem(r, path, "$.cases: missing or not an array");
	else
		add_cases(r, path, root, run_index(r, root, path));
	cJSON_Delete(root);
}

static int by_label(const void *a, const void *b)
{
	return strcmp(jstr(*(cJSON *const *)a, "label"),
		      jstr(*(cJSON *const *)b, "label"));
}

static int by_case_run(const void *a, const void *b)
{
	const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
	int d = strcmp(jstr(x, "case"), jstr(y, "case"));

	return d ? d : (int)jnum(x, "run") - (int)jnum(y, "run");
}

static int by_string(const void *a, const void *b)
{
	return strcmp((*(cJSON *const *)a)->valuestring,
		      (*(cJSON *const *)b)->valuestring);
}

/* Detaches every item of arr, sorts them, and puts them back. */
static cJSON **sort_array(cJSON *arr, int (*cmp)(const void *, const void *),
			  int *np)
{
	int n = cJSON_GetArraySize(arr), i;
	cJSON **v = calloc((size_t)n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(arr, 0);
	qsort(v, (size_t)n, sizeof(*v), cmp);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, v[i]);
	*np = n;
	return v;
}

static cJSON *counts_new(const unsigned n[3])
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "total", n[0] + n[1] + n[2]);
	cJSON_AddNumberToObject(o, "pass", n[0]);
	cJSON_AddNumberToObject(o, "fail", n[1]);
	cJSON_AddNumberToObject(o, "error", n[2]);
	return o;
}

/* Runs by label and cases by name: the same inputs in any order, or the
 * same cases split over any shards, give the same document. */
void rdoc_finish(struct report_doc *r)
{
	cJSON *runs = cJSON_GetObjectItemCaseSensitive(r->doc, "runs");
	cJSON *cases = cJSON_GetObjectItemCaseSensitive(r->doc, "cases");
	cJSON **rv, **cv, *c, *s;
	unsigned (*n)[3], all[3] = {0, 0, 0};
	double secs = 0;
	const char *fin = "";
	int nr = 0, nc = 0, i, j, *map;

	for (c = runs->child; c; c = c->next)
		c->valueint = nr++;   /* the index cases refer to, for now */
	rv = sort_array(runs, by_label, &nr);
	map = calloc((size_t)nr + 1, sizeof(*map));
	n = calloc((size_t)nr + 1, sizeof(*n));
	if (!rv || !map || !n)
		goto out;
	for (i = 0; i < nr; i++)
		map[rv[i]->valueint] = i;
	cJSON_ArrayForEach(c, cases)
		cJSON_SetNumberValue(cJSON_GetObjectItem(c, "run"),
				     map[(int)jnum(c, "run")]);
	cv = sort_array(cases, by_case_run, &nc);
	free(cv);
	cJSON_ArrayForEach(c, cases) {
		n[(int)jnum(c, "run")][case_kind(c)]++;
		all[case_kind(c)]++;
	}
	for (i = 0; i < nr; i++) {
		cJSON *shards = cJSON_GetObjectItem(rv[i], "shards");

		free(sort_array(shards, by_string, &j));
		cJSON_AddItemToObject(rv[i], "counts", counts_new(n[i]));
		secs += jnum(rv[i], "duration_s");
		if (strcmp(jstr(rv[i], "finished"), fin) > 0)
			fin = jstr(rv[i], "finished");
	}
	s = cJSON_CreateString(fin);
	cJSON_AddItemToObject(r->doc, "counts", counts_new(all));
	/* to the millisecond; a sum beyond a long (input durations of 1e300
	 * s) is kept as it is: the cast would be undefined */
	cJSON_AddNumberToObject(r->doc, "duration_s", fabs(secs) < 1e15 ?
				(double)(long)(secs * 1000) / 1000 : secs);
	cJSON_AddItemToObject(r->doc, "finished", s);
 out:
	free(rv);
	free(map);
	free(n);
}

const cJSON *row_cell(const cJSON *c, int run)
{
	const char *name = jstr(c, "case");

	for (; c && !strcmp(jstr(c, "case"), name); c = c->next) {
		if ((int)jnum(c, "run") == run)
			return c;
	}
	return NULL;
}

const cJSON *row_next(const cJSON *c)
{
	const char *name = jstr(c, "case");

	while (c && !strcmp(jstr(c, "case"), name))
		c = c->next;
	return c;
}

/* Why run ri left the case out (its "left_out"), or NULL */
static const char *left_out_reason(const cJSON *doc, int ri, const char *name)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, jget(cJSON_GetArrayItem(jget(doc, "runs"), ri),
				   "left_out")) {
		if (!strcmp(jstr(l, "case"), name))
			return jstr(l, "reason");
	}
	return NULL;
}

void matrix_walk(const cJSON *doc, const struct matrix_h *h, void *arg)
{
	char group[256], last[256] = "";
	int nr = cJSON_GetArraySize(jget(doc, "runs")), i;
	const cJSON *c;
	const char *leaf;

	for (c = jget(doc, "cases")->child; c; c = row_next(c)) {
		case_split(jstr(c, "case"), group, sizeof(group), &leaf);
		if (strcmp(group, last)) {
			h->group(group, nr, arg);
			snprintf(last, sizeof(last), "%s", group);
		}
		h->row(leaf, arg);
		for (i = 0; i < nr; i++) {
			const cJSON *cell = row_cell(c, i);

			h->cell(cell, cell ? NULL : left_out_reason(doc, i,
				jstr(c, "case")), arg);
		}
		h->row_end(arg);
	}
}
