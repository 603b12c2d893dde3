/**
 * @file results.c  Verdicts of cases, and the suite's results.json and junit.xml
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
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

/* Formats the message into msg and files it with the case's errors:
 * verdict_error and verdict_skip report the same way. */
static void add_errorv(struct verdict *v, char *msg, size_t size,
		       const char *fmt, va_list ap)
{
	vsnprintf(msg, size, fmt, ap);
	cJSON_AddItemToArray(v->errors, cJSON_CreateString(msg));
	update_kind(v);
}

void verdict_error(struct verdict *v, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!v)
		return;
	va_start(ap, fmt);
	add_errorv(v, msg, sizeof(msg), fmt, ap);
	va_end(ap);
}

static void set_item(struct verdict *v, const char *key, cJSON *item);

void verdict_skip(struct verdict *v, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!v)
		return;
	va_start(ap, fmt);
	add_errorv(v, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_item(v, "not_applicable", cJSON_CreateString(msg));
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

cJSON *verdict_read(const char *path)
{
	char *buf = NULL;
	cJSON *json = NULL;
	long n;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto out;
	buf[n] = '\0';
	json = cJSON_Parse(buf);
	if (json && !cJSON_IsObject(json)) {
		cJSON_Delete(json);
		json = NULL;
	}
	if (!json)
		errno = EINVAL;
 out:
	free(buf);
	fclose(f);
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

static double number_of(const cJSON *o, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

static const char *string_of(const cJSON *o, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(s) ? s->valuestring : "";
}

static void count(const cJSON *cases, unsigned n[3], double *secs)
{
	const cJSON *c;

	n[0] = n[1] = n[2] = 0;
	*secs = 0;
	cJSON_ArrayForEach(c, cases) {
		n[verdict_kind_of(c)]++;
		*secs += number_of(c, "duration_s");
	}
}

int results_write_json(const char *path, const cJSON *meta, const cJSON *cases)
{
	cJSON *root = cJSON_CreateObject(), *counts, *m;
	unsigned n[3];
	double secs;
	int err;

	if (!root)
		return ENOMEM;
	cJSON_AddStringToObject(root, "referlab", REFERLAB_VERSION);
	cJSON_ArrayForEach(m, meta)
		cJSON_AddItemToObject(root, m->string, cJSON_Duplicate(m, true));
	count(cases, n, &secs);
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

/* XML text and attribute values: the five entities, and control
 * characters (illegal in XML 1.0) as '?' so the file always parses. */
static void xml_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':  fputs("&lt;", f); break;
		case '>':  fputs("&gt;", f); break;
		case '&':  fputs("&amp;", f); break;
		case '"':  fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

/* "carriers/notify-after-bye" -> group "carriers"; a case at the top of
 * the suite is in group "suite". */
static void split_name(const char *name, char *group, size_t gsz,
		       const char **leaf)
{
	const char *slash = strrchr(name, '/');
	size_t n;

	if (!slash) {
		snprintf(group, gsz, "suite");
		*leaf = name;
		return;
	}
	n = (size_t)(slash - name) < gsz - 1 ? (size_t)(slash - name) : gsz - 1;
	memcpy(group, name, n);
	group[n] = '\0';
	*leaf = slash + 1;
}

static void junit_case(FILE *f, const cJSON *c, const char *group,
		       const char *leaf)
{
	enum verdict_kind k = verdict_kind_of(c);
	const cJSON *item;

	fputs("    <testcase classname=\"", f);
	xml_put(f, group);
	fputs("\" name=\"", f);
	xml_put(f, leaf);
	fprintf(f, "\" time=\"%.3f\">\n", number_of(c, "duration_s"));
	if (k != VERDICT_PASS) {
		const char *tag = k == VERDICT_ERROR ? "error" : "failure";

		fprintf(f, "      <%s message=\"", tag);
		xml_put(f, first_reason(c));
		fprintf(f, "\" type=\"%s\">", verdict_kind_str(k));
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(c, "errors")) {
			xml_put(f, item->valuestring);
			fputc('\n', f);
		}
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(c, "failures")) {
			xml_put(f, string_of(item, "message"));
			fputc('\n', f);
		}
		fprintf(f, "</%s>\n", tag);
	}
	fputs("      <system-out>case folder: ", f);
	xml_put(f, string_of(c, "case"));
	fputs("/</system-out>\n    </testcase>\n", f);
}

/* Cases arrive in suite order (sorted by name), so the cases of a group
 * are adjacent: one <testsuite> per run of the same group. */
static void junit_suites(FILE *f, const cJSON *cases)
{
	const cJSON *c, *d;
	char group[256], other[256];
	const char *leaf;

	for (c = cases ? cases->child : NULL; c; c = d) {
		unsigned n[3] = {0, 0, 0};
		double secs = 0;

		split_name(string_of(c, "case"), group, sizeof(group), &leaf);
		for (d = c; d; d = d->next) {
			split_name(string_of(d, "case"), other, sizeof(other), &leaf);
			if (strcmp(group, other))
				break;
			n[verdict_kind_of(d)]++;
			secs += number_of(d, "duration_s");
		}
		fputs("  <testsuite name=\"", f);
		xml_put(f, group);
		fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
			"skipped=\"0\" time=\"%.3f\">\n",
			n[0] + n[1] + n[2], n[VERDICT_FAIL], n[VERDICT_ERROR], secs);
		for (; c != d; c = c->next) {
			split_name(string_of(c, "case"), other, sizeof(other), &leaf);
			junit_case(f, c, group, leaf);
		}
		fputs("  </testsuite>\n", f);
	}
}

/* The cases the run left out (meta "left_out": --quick, a transport the
 * case is not for), as JUnit's skipped tests in a suite of their own. */
static void junit_left_out(FILE *f, const cJSON *left)
{
	const cJSON *c;
	char group[256];
	const char *leaf;

	fprintf(f, "  <testsuite name=\"left out\" tests=\"%d\" failures=\"0\" "
		"errors=\"0\" skipped=\"%d\" time=\"0.000\">\n",
		cJSON_GetArraySize(left), cJSON_GetArraySize(left));
	cJSON_ArrayForEach(c, left) {
		split_name(string_of(c, "case"), group, sizeof(group), &leaf);
		fputs("    <testcase classname=\"", f);
		xml_put(f, group);
		fputs("\" name=\"", f);
		xml_put(f, leaf);
		fputs("\" time=\"0.000\">\n      <skipped message=\"", f);
		xml_put(f, string_of(c, "reason"));
		fputs("\"/>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

int results_write_junit(const char *path, const cJSON *meta, const cJSON *cases)
{
	const cJSON *left = cJSON_GetObjectItemCaseSensitive(meta, "left_out");
	unsigned n[3], nleft = (unsigned)cJSON_GetArraySize(left);
	double secs;
	FILE *f;
	int err = 0;

	f = fopen(path, "w");
	if (!f)
		return errno;
	count(cases, n, &secs);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"referlab\" tests=\"%u\" failures=\"%u\" "
		"errors=\"%u\" time=\"%.3f\">\n",
		n[0] + n[1] + n[2] + nleft, n[VERDICT_FAIL], n[VERDICT_ERROR],
		secs);
	junit_suites(f, cases);
	if (nleft)
		junit_left_out(f, left);
	fputs("</testsuites>\n", f);
	if (ferror(f))
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}
