/**
 * @file results.c  Verdicts of cases, and the suite's results.json
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "jsonpl.h"
#include "results.h"
#include "version.h"

struct verdict {
	cJSON *root;
	cJSON *failures;
	cJSON *errors;
};

static const char *const kind_names[] = {"PASS", "FAIL", "ERROR"};

const char *verdict_kind_str(enum verdict_kind k)
{
	return kind_names[k];
}

struct verdict *verdict_new(const char *case_name)
{
	struct verdict *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->root = cJSON_CreateObject();
	if (!v->root) {
		free(v);
		return NULL;
	}
	cJSON_AddStringToObject(v->root, "case", case_name);
	cJSON_AddStringToObject(v->root, "verdict", "PASS");
	v->failures = cJSON_AddArrayToObject(v->root, "failures");
	v->errors = cJSON_AddArrayToObject(v->root, "errors");
	return v;
}

void verdict_free(struct verdict *v)
{
	if (!v)
		return;
	cJSON_Delete(v->root);
	free(v);
}

static void update_kind(struct verdict *v)
{
	cJSON_ReplaceItemInObject(v->root, "verdict",
		cJSON_CreateString(verdict_kind_str(verdict_kind(v))));
}

void verdict_fail(struct verdict *v, const char *check, const char *expected,
		  const char *got, unsigned frame, const char *fmt, ...)
{
	char msg[2048];
	cJSON *f;
	va_list ap;

	if (!v)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "check", check ? check : "");
	cJSON_AddStringToObject(f, "message", msg);
	if (expected)
		cJSON_AddStringToObject(f, "expected", expected);
	if (got)
		cJSON_AddStringToObject(f, "got", got);
	if (frame)
		cJSON_AddNumberToObject(f, "frame", frame);
	cJSON_AddItemToArray(v->failures, f);
	update_kind(v);
}

void verdict_error(struct verdict *v, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!v)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(v->errors, cJSON_CreateString(msg));
	update_kind(v);
}

static void set_item(struct verdict *v, const char *key, cJSON *item)
{
	if (cJSON_HasObjectItem(v->root, key))
		cJSON_ReplaceItemInObject(v->root, key, item);
	else
		cJSON_AddItemToObject(v->root, key, item);
}

void verdict_set_number(struct verdict *v, const char *key, double n)
{
	if (v)
		set_item(v, key, cJSON_CreateNumber(n));
}

void verdict_set_string(struct verdict *v, const char *key, const char *s)
{
	if (v && s)
		set_item(v, key, cJSON_CreateString(s));
}

void verdict_set_duration(struct verdict *v, double seconds)
{
	verdict_set_number(v, "duration_s", (double)(long)(seconds * 1000) / 1000);
}

enum verdict_kind verdict_kind(const struct verdict *v)
{
	if (cJSON_GetArraySize(v->errors))
		return VERDICT_ERROR;
	if (cJSON_GetArraySize(v->failures))
		return VERDICT_FAIL;
	return VERDICT_PASS;
}

unsigned verdict_failures(const struct verdict *v)
{
	return (unsigned)(cJSON_GetArraySize(v->failures) +
			  cJSON_GetArraySize(v->errors));
}

static const char *first_reason(const cJSON *root)
{
	const cJSON *e = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(root, "errors"), 0);
	const cJSON *f = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(root, "failures"), 0);

	if (cJSON_IsString(e))
		return e->valuestring;
	f = cJSON_GetObjectItemCaseSensitive(f, "message");
	return cJSON_IsString(f) ? f->valuestring : "";
}

const char *verdict_first_reason(const struct verdict *v)
{
	return first_reason(v->root);
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fputs(text, f) < 0 || fputc('\n', f) < 0)
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

static int write_json(const char *path, const cJSON *json)
{
	char *text = cJSON_Print(json);
	int err;

	if (!text)
		return ENOMEM;
	err = write_text(path, text);
	cJSON_free(text);
	return err;
}

int verdict_write(const struct verdict *v, const char *path)
{
	return write_json(path, v->root);
}

cJSON *verdict_read(const char *path, char *why, size_t sz)
{
	cJSON *json = jsonpl_read_file(path, VERDICT_MAX_BYTES, why, sz);

	if (json && !cJSON_IsObject(json)) {
		snprintf(why, sz, "%s: not a JSON object", path);
		cJSON_Delete(json);
		json = NULL;
		errno = EINVAL;
	}
	return json;
}

enum verdict_kind verdict_kind_of(const cJSON *vj)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(vj, "verdict");
	int k;

	for (k = VERDICT_PASS; k <= VERDICT_ERROR; k++) {
		if (cJSON_IsString(s) && !strcmp(s->valuestring, kind_names[k]))
			return (enum verdict_kind)k;
	}
	return VERDICT_ERROR;
}

static void count(const cJSON *cases, unsigned n[3])
{
	const cJSON *c;

	n[0] = n[1] = n[2] = 0;
	cJSON_ArrayForEach(c, cases)
		n[verdict_kind_of(c)]++;
}

int results_write_json(const char *path, const cJSON *meta, const cJSON *cases)
{
	cJSON *root = cJSON_CreateObject(), *counts, *m;
	unsigned n[3];
	int err;

	if (!root)
		return ENOMEM;
	cJSON_AddStringToObject(root, "referlab", REFERLAB_VERSION);
	cJSON_ArrayForEach(m, meta)
		cJSON_AddItemToObject(root, m->string, cJSON_Duplicate(m, true));
	count(cases, n);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "total", n[0] + n[1] + n[2]);
	cJSON_AddNumberToObject(counts, "pass", n[VERDICT_PASS]);
	cJSON_AddNumberToObject(counts, "fail", n[VERDICT_FAIL]);
	cJSON_AddNumberToObject(counts, "error", n[VERDICT_ERROR]);
	cJSON_AddItemToObject(root, "cases", cJSON_Duplicate(cases, true));
	err = write_json(path, root);
	cJSON_Delete(root);
	return err;
}
