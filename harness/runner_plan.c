/**
 * @file runner_plan.c  What the runner reads from a case's expectation to run it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runner_case.h"

static char *slurp(const char *path)
{
	char *buf = NULL;
	long n;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1))) {
		if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
		}
		else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

static int read_args(struct case_plan *p, const cJSON *arr)
{
	const cJSON *a;
	size_t i = 0;

	p->sipp_args = calloc((size_t)cJSON_GetArraySize(arr) + 1,
			      sizeof(char *));
	if (!p->sipp_args)
		return ENOMEM;
	cJSON_ArrayForEach(a, arr) {
		if (!cJSON_IsString(a))
			return EINVAL;
		p->sipp_args[i++] = strdup(a->valuestring);
	}
	p->sipp_argc = i;
	return 0;
}

static int read_answers(struct case_plan *p, const cJSON *obj)
{
	const cJSON *a, *t;
	size_t i = 0;

	p->answers = calloc((size_t)cJSON_GetArraySize(obj) + 1,
			    sizeof(*p->answers));
	if (!p->answers)
		return ENOMEM;
	cJSON_ArrayForEach(a, obj) {
		struct plan_answer *pa = &p->answers[i++];

		if (!cJSON_IsObject(a))
			return EINVAL;
		pa->path = strdup(a->string);
		t = cJSON_GetObjectItemCaseSensitive(a, "status");
		pa->status = cJSON_IsNumber(t) ? (uint16_t)t->valueint : 0;
		t = cJSON_GetObjectItemCaseSensitive(a, "delay_ms");
		pa->delay_ms = cJSON_IsNumber(t) ? (uint32_t)t->valueint : 0;
		t = cJSON_GetObjectItemCaseSensitive(a, "body");
		pa->body = t ? cJSON_Duplicate(t, true) : NULL;
		p->answerc = i;
	}
	return 0;
}

int plan_load(struct case_plan *p, const struct runner_opts *o,
	      const struct runner_case *c, char *err, size_t errsz)
{
	char *text = slurp(c->expect_path);
	const cJSON *t;
	const char *s;
	cJSON *json;
	int e = 0;

	memset(p, 0, sizeof(*p));
	if (!text) {
		snprintf(err, errsz, "%s: %s", c->expect_path, strerror(errno));
		return errno ? errno : EIO;
	}
	json = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsObject(json)) {
		snprintf(err, errsz, "%s: not a JSON object", c->expect_path);
		cJSON_Delete(json);
		return EINVAL;
	}

	s = str_of(json, "role");
	p->role = s && !strcmp(s, "phone") ? PLAN_PHONE : PLAN_CARRIER;
	s = str_of(json, "transport");
	p->tcp = s && !strcmp(s, "tcp");
	if (o->transport)
		p->tcp = !strcmp(o->transport, "tcp");
	s = str_of(json, "family");
	p->ipv6 = o->ipv6 || (s && !strcmp(s, "ipv6"));
	t = cJSON_GetObjectItemCaseSensitive(json, "timeout");
	p->timeout_s = cJSON_IsNumber(t) && t->valueint > 0 ?
		(unsigned)t->valueint : o->timeout_s;
	if (p->timeout_s > o->timeout_s)
		p->timeout_s = o->timeout_s;
	snprintf(p->scenario, sizeof(p->scenario), "%s", c->scenario_path);
	s = str_of(json, "dial_user");
	snprintf(p->dial_user, sizeof(p->dial_user), "%s", s ? s : "phone");
	t = cJSON_GetObjectItemCaseSensitive(json, "sipp_args");
	if (t && (!cJSON_IsArray(t) || read_args(p, t))) {
		snprintf(err, errsz, "%s: sipp_args: must be an array of "
			 "strings", c->expect_path);
		e = EINVAL;
	}
	t = cJSON_GetObjectItemCaseSensitive(json, "app");
	if (cJSON_IsArray(t))
		p->app = cJSON_Duplicate(t, true);
	t = cJSON_GetObjectItemCaseSensitive(json, "answers");
	if (!e && t && (!cJSON_IsObject(t) || read_answers(p, t))) {
		snprintf(err, errsz, "%s: answers: must be an object of "
			 "path: {status, body, delay_ms}", c->expect_path);
		e = EINVAL;
	}
	t = cJSON_GetObjectItemCaseSensitive(json, "hooks");
	p->hookc = cJSON_IsArray(t) ? (size_t)cJSON_GetArraySize(t) : 0;
	s = str_of(json, "dialect");
	p->dialect = s && !strcmp(s, "jambonz") ? "jambonz" :
		s ? "spec" : o->dialect;
	cJSON_Delete(json);
	return e;
}

void plan_free(struct case_plan *p)
{
	size_t i;

	for (i = 0; p->sipp_args && p->sipp_args[i]; i++)
		free(p->sipp_args[i]);
	free(p->sipp_args);
	cJSON_Delete(p->app);
	for (i = 0; i < p->answerc; i++) {
		free(p->answers[i].path);
		cJSON_Delete(p->answers[i].body);
	}
	free(p->answers);
	memset(p, 0, sizeof(*p));
}
