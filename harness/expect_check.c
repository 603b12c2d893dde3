/**
 * @file expect_check.c  The matchers: sequence, headers, hooks, findings
 *
 * Each matcher reports every failed assertion (not only the first), one
 * line each, so a user sees in one run all that is wrong with a case.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"

enum { LINE = 1024 };

static void report(expect_fail_h *failh, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(expect_fail_h *failh, void *arg, const char *fmt, ...)
{
	char line[LINE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (failh)
		failh(line, arg);
}

unsigned expect_check_sequence(const struct expect *e,
			       const struct expect_msg *msgv, size_t msgc,
			       expect_fail_h *failh, void *arg)
{
	char why[LINE - 16];

	if (expect_seq_match(e->seq, msgv, msgc, e->seq_skip_retrans, why,
			     sizeof(why)))
		return 0;
	report(failh, arg, "sequence: %s", why);
	return 1;
}

static const char *ordinal(unsigned n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd"
		: "th";
}

/* One header check on one message; true if it holds. */
static bool header_holds(const struct expect_header *h,
			 const struct expect_msg *m, bool *present,
			 char *got, size_t gotsz)
{
	*present = expect_msg_hdr(m, h->name, got, gotsz);
	switch (h->op) {
	case EXPECT_HDR_PRESENT:
		return *present;
	case EXPECT_HDR_ABSENT:
		return !*present;
	case EXPECT_HDR_EQUALS:
		return *present && !strcmp(got, h->value);
	case EXPECT_HDR_REGEX:
		return *present && !regexec(&h->re, got, 0, NULL, 0);
	}
	return false;
}

static void header_fail(const struct expect_header *h, size_t idx,
			const struct expect_msg *m, unsigned nth,
			bool present, const char *got,
			expect_fail_h *failh, void *arg)
{
	char where[160];

	snprintf(where, sizeof(where), "headers[%zu]: %u%s %s (frame %u): %s",
		 idx, nth, ordinal(nth), h->sel_text, m->frame, h->name);
	if (h->op == EXPECT_HDR_PRESENT)
		report(failh, arg, "%s: expected the header, it is missing",
		       where);
	else if (h->op == EXPECT_HDR_ABSENT)
		report(failh, arg, "%s: expected no such header, got '%s'",
		       where, got);
	else if (!present)
		report(failh, arg, "%s: missing, expected it %s '%s'", where,
		       h->op == EXPECT_HDR_REGEX ? "to match" : "to be",
		       h->value);
	else
		report(failh, arg, "%s: expected %s'%s', got '%s'", where,
		       h->op == EXPECT_HDR_REGEX ? "a match of " : "",
		       h->value, got);
}

static unsigned check_header(const struct expect_header *h, size_t idx,
			     const struct expect_msg *msgv, size_t msgc,
			     expect_fail_h *failh, void *arg)
{
	unsigned seen = 0, failed = 0;
	bool present;
	char got[512];
	size_t i;

	for (i = 0; i < msgc; i++) {
		if (!expect_tok_match(&h->sel, &msgv[i])
		    || expect_msg_is_retrans(msgv, i))
			continue;
		++seen;
		if (h->nth && seen != h->nth)
			continue;
		if (!header_holds(h, &msgv[i], &present, got, sizeof(got))) {
			header_fail(h, idx, &msgv[i], seen, present, got,
				    failh, arg);
			++failed;
		}
		if (h->nth)
			return failed;
	}
	if (h->nth || seen == 0) {
		report(failh, arg, "headers[%zu]: no %u%s %s in the dialog "
		       "(found %u) to check %s on", idx, h->nth ? h->nth : 1,
		       ordinal(h->nth ? h->nth : 1), h->sel_text, seen,
		       h->name);
		return failed + 1;
	}
	return failed;
}

unsigned expect_check_headers(const struct expect *e,
			      const struct expect_msg *msgv, size_t msgc,
			      expect_fail_h *failh, void *arg)
{
	unsigned failed = 0;
	size_t i;

	for (i = 0; i < e->headerc; i++)
		failed += check_header(&e->headers[i], i, msgv, msgc, failh,
				       arg);
	return failed;
}

static void json_brief(char *buf, size_t sz, const cJSON *v)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;

	snprintf(buf, sz, "%s", s ? s : "nothing");
	if (s && strlen(s) >= sz && sz > 4)
		memcpy(buf + sz - 4, "...", 4);
	free(s);
}

static const char *json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	return cJSON_IsArray(v) ? "array" : "object";
}

static bool subset_at(const cJSON *want, const cJSON *got, char *path,
		      size_t pathsz, char *why, size_t whysz);

/* {"$regex": ...}, {"$present": true}, {"$absent": true} */
static bool operator_at(const cJSON *want, const cJSON *got, const char *path,
			char *why, size_t whysz, bool *ok)
{
	const cJSON *op = want->child;
	char gbuf[160];
	regex_t re;

	if (!cJSON_IsObject(want) || !op || op->next || op->string[0] != '$')
		return false;
	json_brief(gbuf, sizeof(gbuf), got);
	if (!strcmp(op->string, "$absent"))
		*ok = !got;
	else if (!strcmp(op->string, "$present"))
		*ok = got != NULL;
	else if (!strcmp(op->string, "$regex") && cJSON_IsString(op)
		 && !regcomp(&re, op->valuestring, REG_EXTENDED | REG_NOSUB)) {
		*ok = cJSON_IsString(got)
			&& !regexec(&re, got->valuestring, 0, NULL, 0);
		regfree(&re);
	}
	else {
		snprintf(why, whysz, "%s: bad operator %s in the expectation",
			 path, op->string);
		*ok = false;
		return true;
	}
	if (!*ok)
		snprintf(why, whysz, "%s: expected %s%s%s, got %s", path,
			 op->string + 1, cJSON_IsString(op) ? " " : "",
			 cJSON_IsString(op) ? op->valuestring : "", gbuf);
	return true;
}

static bool subset_obj(const cJSON *want, const cJSON *got, char *path,
		       size_t pathsz, char *why, size_t whysz)
{
	size_t len = strlen(path);
	const cJSON *w;
	bool ok = true;

	cJSON_ArrayForEach(w, want) {
		snprintf(path + len, pathsz - len, "%s%s", len ? "." : "",
			 w->string);
		ok = subset_at(w, cJSON_GetObjectItemCaseSensitive(got,
			       w->string), path, pathsz, why, whysz);
		if (!ok)
			break;
	}
	path[len] = '\0';
	return ok;
}

static bool subset_at(const cJSON *want, const cJSON *got, char *path,
		      size_t pathsz, char *why, size_t whysz)
{
	char wbuf[160], gbuf[160];
	const cJSON *w, *g;
	size_t len = strlen(path), i = 0;
	bool ok = true;

	if (operator_at(want, got, path[0] ? path : "(payload)", why, whysz,
			&ok))
		return ok;
	json_brief(wbuf, sizeof(wbuf), want);
	json_brief(gbuf, sizeof(gbuf), got);
	if (!got) {
		snprintf(why, whysz, "%s: expected %s, got nothing (no such "
			 "key)", path[0] ? path : "(payload)", wbuf);
		return false;
	}
	if ((want->type & 0xff) != (got->type & 0xff)
	    && !(cJSON_IsBool(want) && cJSON_IsBool(got))) {
		snprintf(why, whysz, "%s: expected %s (%s), got %s (%s)",
			 path[0] ? path : "(payload)", wbuf, json_type(want),
			 gbuf, json_type(got));
		return false;
	}
	if (cJSON_IsObject(want))
		return subset_obj(want, got, path, pathsz, why, whysz);
	if (cJSON_IsArray(want)) {
		if (cJSON_GetArraySize(want) != cJSON_GetArraySize(got)) {
			snprintf(why, whysz, "%s: expected %d elements %s, got "
				 "%d: %s", path, cJSON_GetArraySize(want), wbuf,
				 cJSON_GetArraySize(got), gbuf);
			return false;
		}
		for (w = want->child, g = got->child; ok && w;
		     w = w->next, g = g->next, i++) {
			snprintf(path + len, pathsz - len, "[%zu]", i);
			ok = subset_at(w, g, path, pathsz, why, whysz);
		}
		path[len] = '\0';
		return ok;
	}
	if (cJSON_IsString(want))
		ok = !strcmp(want->valuestring, got->valuestring);
	else if (cJSON_IsNumber(want))
		ok = fabs(want->valuedouble - got->valuedouble) < 1e-9;
	else if (cJSON_IsBool(want))
		ok = cJSON_IsTrue(want) == cJSON_IsTrue(got);
	if (!ok)
		snprintf(why, whysz, "%s: expected %s, got %s",
			 path[0] ? path : "(payload)", wbuf, gbuf);
	return ok;
}

bool expect_json_subset(const cJSON *want, const cJSON *got, char *why,
			size_t whysz)
{
	char path[256] = "";

	return subset_at(want, got, path, sizeof(path), why, whysz);
}

static bool hook_matches(const struct expect_hook *h,
			 const struct expect_hookcall *c, char *why,
			 size_t whysz)
{
	if (strcmp(h->path, c->path)) {
		snprintf(why, whysz, "expected a request to %s, got %s %s",
			 h->path, c->method, c->path);
		return false;
	}
	if (h->method && strcmp(h->method, c->method)) {
		snprintf(why, whysz, "expected %s %s, got %s", h->method,
			 h->path, c->method);
		return false;
	}
	return expect_json_subset(h->subset, c->payload, why, whysz);
}

static unsigned check_call_hook(const struct expect *e,
				const struct expect_hookcall *call,
				expect_fail_h *failh, void *arg)
{
	char why[LINE - 64];

	if (!e->call_hook)
		return 0;
	if (!call) {
		report(failh, arg, "call_hook: the call hook was never "
		       "requested");
		return 1;
	}
	if (expect_json_subset(e->call_hook, call->payload, why, sizeof(why)))
		return 0;
	report(failh, arg, "call_hook: %s", why);
	return 1;
}

/* The first request to the same path that was passed over explains a
 * missing hook best: it is usually the one the user meant. */
static void closest(char *buf, size_t sz, const struct expect_hook *h,
		    const struct expect_hookcall *callv, size_t from,
		    size_t to, const bool *used)
{
	char why[LINE / 2];
	size_t k;

	buf[0] = '\0';
	for (k = from; k < to; k++) {
		if ((used && used[k]) || strcmp(callv[k].path, h->path))
			continue;
		hook_matches(h, &callv[k], why, sizeof(why));
		snprintf(buf, sz, "; closest, hook request %zu: %s", k + 1, why);
		return;
	}
}

/* "other_hooks": "allow": each expected hook is the next request that
 * matches it, in order. */
static unsigned check_hooks_among(const struct expect *e,
				  const struct expect_hookcall *callv,
				  size_t callc, expect_fail_h *failh,
				  void *arg)
{
	char why[LINE / 2], near[LINE - 96];
	unsigned failed = 0;
	size_t i, k = 0, k0;

	for (i = 0; i < e->hookc; i++) {
		for (k0 = k; k < callc; k++) {
			if (hook_matches(&e->hooks[i], &callv[k], why,
					 sizeof(why)))
				break;
		}
		if (k < callc) {
			++k;
			continue;
		}
		closest(near, sizeof(near), &e->hooks[i], callv, k0, callc,
			NULL);
		report(failh, arg, "hooks[%zu] (%s): no matching request "
		       "after hook request %zu%s", i, e->hooks[i].path, k0,
		       near);
		++failed;
		k = k0;
	}
	return failed;
}

/* "hooks_order": "any": hooks fired at the same moment travel on separate
 * HTTP connections and may arrive in any order; each expected hook takes
 * the first request not yet taken that matches it. */
static unsigned check_hooks_any(const struct expect *e,
				const struct expect_hookcall *callv,
				size_t callc, expect_fail_h *failh, void *arg)
{
	char why[LINE / 2], near[LINE - 96], brief[200];
	bool *used = calloc(callc + 1, sizeof(*used));
	unsigned failed = 0;
	size_t i, k;

	if (!used) {
		report(failh, arg, "hooks: out of memory");
		return 1;
	}
	for (i = 0; i < e->hookc; i++) {
		for (k = 0; k < callc; k++) {
			if (!used[k] && hook_matches(&e->hooks[i], &callv[k],
						     why, sizeof(why)))
				break;
		}
		if (k < callc) {
			used[k] = true;
			continue;
		}
		closest(near, sizeof(near), &e->hooks[i], callv, 0, callc,
			used);
		report(failh, arg, "hooks[%zu] (%s): no matching request "
		       "among the %zu received%s", i, e->hooks[i].path,
		       callc, near);
		++failed;
	}
	for (k = 0; k < callc && !e->hooks_allow_others; k++) {
		if (used[k])
			continue;
		json_brief(brief, sizeof(brief), callv[k].payload);
		report(failh, arg, "hooks: unexpected hook request %zu: %s %s "
		       "%s", k + 1, callv[k].method, callv[k].path, brief);
		++failed;
	}
	free(used);
	return failed;
}

unsigned expect_check_hooks(const struct expect *e,
			    const struct expect_hookcall *call,
			    const struct expect_hookcall *callv, size_t callc,
			    expect_fail_h *failh, void *arg)
{
	char why[LINE - 64], brief[200];
	unsigned failed = check_call_hook(e, call, failh, arg);
	size_t i;

	if (e->hooks_any_order)
		return failed + check_hooks_any(e, callv, callc, failh, arg);
	if (e->hooks_allow_others)
		return failed + check_hooks_among(e, callv, callc, failh, arg);
	for (i = 0; i < e->hookc && i < callc; i++) {
		if (!hook_matches(&e->hooks[i], &callv[i], why, sizeof(why))) {
			report(failh, arg, "hooks[%zu] (%s, hook request %zu):"
			       " %s", i, e->hooks[i].path, i + 1, why);
			++failed;
		}
	}
	for (; i < e->hookc; i++, failed++)
		report(failh, arg, "hooks[%zu] (%s): never requested (%zu "
		       "hook requests came, %zu expected)", i,
		       e->hooks[i].path, callc, e->hookc);
	for (; i < callc; i++, failed++) {
		json_brief(brief, sizeof(brief), callv[i].payload);
		report(failh, arg, "hooks: unexpected hook request %zu: %s %s "
		       "%s", i + 1, callv[i].method, callv[i].path, brief);
	}
	return failed;
}

static bool in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(v[i], s))
			return true;
	}
	return false;
}

unsigned expect_check_findings(const struct expect *e,
			       const struct expect_finding *fv, size_t fc,
			       expect_fail_h *failh, void *arg)
{
	unsigned failed = 0;
	size_t i, k;

	for (i = 0; i < e->mustc; i++) {
		for (k = 0; k < fc && strcmp(fv[k].rule, e->findings_must[i]);
		     k++)
			;
		if (k == fc) {
			report(failh, arg, "findings: expected %s, the "
			       "analyser did not report it",
			       e->findings_must[i]);
			++failed;
		}
	}
	for (k = 0; k < fc; k++) {
		if (!fv[k].error
		    || in_list(e->findings_must, e->mustc, fv[k].rule)
		    || in_list(e->findings_may, e->mayc, fv[k].rule))
			continue;
		report(failh, arg, "findings: unexpected error %s (frame %u)",
		       fv[k].rule, fv[k].frame);
		++failed;
	}
	return failed;
}
