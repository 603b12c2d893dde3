/**
 * @file report_int.h  Inside referlab report: the merged document and its writers
 *
 * The merged document is JSON (schema "referlab-report/1", what --json
 * writes) so that every writer reads one shape whatever the inputs were:
 *
 * { "schema": "referlab-report/1",
 *   "counts": {"total", "pass", "fail", "error"},
 *   "duration_s": sum of the inputs' wall-clock durations,
 *   "finished": the latest input's finish time,
 *   "runs": [ { "label": "referlab-sim 0.1.0 · spec · udp · ipv4",
 *               "iut": {...as in results.json}, "transport", "family",
 *               "shards": ["1/2", ...], "sources": [results paths],
 *               "duration_s", "finished", "interrupted",
 *               "counts": {...} } ],
 *   "cases": [ { ...verdict.json..., "run": index into runs,
 *                "dir": the case folder } ] }    // by name, then run
 *
 * Runs are the columns of the matrix: results files with the same
 * implementation, dialect, transport and family are one run (shards of
 * it), so a merge of N shards is the unsharded run.
 */
#ifndef REFERLAB_REPORT_INT_H
#define REFERLAB_REPORT_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

/* read.c */
struct report_doc {
	cJSON *doc;
	unsigned problems;       /* lines printed about bad input */
	FILE *err;               /* where they go: stderr (rdoc_init) */
};

void rdoc_init(struct report_doc *r);
/* Reads one results.json into the document; every problem is one line
 * on stderr ("FILE: $.cases[3].verdict: ..."), what is readable stays. */
void rdoc_add_file(struct report_doc *r, const char *path);
/* The same for a results.json already read (len bytes of text); path
 * names it in the problems and its folder holds the cases' folders. */
void rdoc_add_text(struct report_doc *r, const char *path, const char *text,
		   size_t len);
/* Sorts runs and cases, and counts. */
void rdoc_finish(struct report_doc *r);
void rdoc_free(struct report_doc *r);

/* small accessors shared by the writers (read.c) */
const char *jstr(const cJSON *o, const char *key);   /* "" if absent */
double jnum(const cJSON *o, const char *key);        /* 0 if absent */
const cJSON *jget(const cJSON *o, const char *key);
/* "carriers/notify-after-bye" -> "carriers" (a case at the top: "suite")
 * and the leaf name. */
void case_split(const char *name, char *group, size_t gsz,
		const char **leaf);
/* The first failure's message or error, "" for a PASS. */
const char *case_reason(const cJSON *c);
/* Each error, then each failed assertion of a case, as one text:
 * "message<sep>expected: X<sep>got: Y<sep>frame: N" (the parts there are),
 * unescaped: the handler escapes it for its format. */
typedef void (case_problem_h)(const char *text, void *arg);
void case_problems(const cJSON *c, const char *sep, case_problem_h *h,
		   void *arg);
/* 0 PASS, 1 FAIL, 2 ERROR */
int case_kind(const cJSON *c);
extern const char *const kind_names[3];
/* Cases are sorted by name, then run: a matrix row is the cases from c
 * on that share c's name. row_cell: the row's case of that run, or NULL;
 * row_next: the first case of the next row. */
const cJSON *row_cell(const cJSON *c, int run);
const cJSON *row_next(const cJSON *c);

/* The matrix row by row: group(name) when a new group starts, then
 * cell(case or NULL) for each run of the row after row(leaf name); with
 * no case, left_out is the run's reason for leaving it out, or NULL. */
struct matrix_h {
	void (*group)(const char *group, int nruns, void *arg);
	void (*row)(const char *leaf, void *arg);
	void (*cell)(const cJSON *c, const char *left_out, void *arg);
	void (*row_end)(void *arg);
};
void matrix_walk(const cJSON *doc, const struct matrix_h *h, void *arg);

/* text.c: Markdown, JUnit, JSON */
int write_md(const cJSON *doc, FILE *f);
int write_junit(const cJSON *doc, FILE *f);
int write_json(const cJSON *doc, FILE *f);

/* html.c */
int write_html(const cJSON *doc, FILE *f, const char *out_path);

#endif
