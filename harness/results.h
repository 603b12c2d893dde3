/**
 * @file results.h  Verdicts of cases, and the suite's results.json
 *
 * A case's verdict is data the user acts on: PASS, FAIL (the
 * implementation did something the expectation forbids) or ERROR (the
 * case could not be judged: a peer crashed, a tool was missing, a child
 * never got ready). Every failed assertion is kept, in words, with what
 * was expected, what was seen and the capture's frame number when there
 * is one. The worker of a case writes verdict.json into the case folder;
 * the runner reads them back, so a worker that died leaves no half-truth.
 */
#ifndef REFERLAB_RESULTS_H
#define REFERLAB_RESULTS_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

enum verdict_kind { VERDICT_PASS, VERDICT_FAIL, VERDICT_ERROR };

struct verdict;

struct verdict *verdict_new(const char *case_name);
void verdict_free(struct verdict *v);

/* A failed assertion. check names the kind ("sequence", "header",
 * "hook", "finding", "sipp", ...); frame is 0 when there is none;
 * expected/got may be NULL. The message is the sentence a user reads. */
void verdict_fail(struct verdict *v, const char *check, const char *expected,
		  const char *got, unsigned frame, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The case could not be judged; the verdict becomes ERROR. */
void verdict_error(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Extra facts for the report ("sipp_exit": 0, "iut_sip": "...") */
void verdict_set_number(struct verdict *v, const char *key, double n);
void verdict_set_string(struct verdict *v, const char *key, const char *s);
void verdict_set_duration(struct verdict *v, double seconds);

enum verdict_kind verdict_kind(const struct verdict *v);
unsigned verdict_failures(const struct verdict *v);
/* One line for the progress output: the first failure or error. */
const char *verdict_first_reason(const struct verdict *v);
int verdict_write(const struct verdict *v, const char *path);

enum { VERDICT_MAX_BYTES = 64 << 20 };
/* Reads a verdict.json back: the whole file one JSON object. NULL when
 * absent or unreadable, with errno (ENOENT: absent) and one line in why
 * naming the file and what is wrong ("offset N (of M bytes): ..."). */
cJSON *verdict_read(const char *path, char *why, size_t sz);

const char *verdict_kind_str(enum verdict_kind k);
enum verdict_kind verdict_kind_of(const cJSON *verdict_json);

/* The suite: cases is an array of verdict objects, in suite order; meta
 * an object (iut, transport, shard, started, duration_s) merged in.
 * junit.xml is written from it by the report (report_run_junit()). */
int results_write_json(const char *path, const cJSON *meta,
		       const cJSON *cases);

#endif
