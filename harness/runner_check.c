/**
 * @file runner_check.c  A case's expectation against what was observed
 *
 * The expectation's matchers (expect.h) explain each failed assertion in
 * one line; each becomes a failure of the verdict, under the name of the
 * check that made it. The inputs are adapted here: the capture's dialog
 * (runner_observe.c), the hook server's records, the rules' findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runner_case.h"
#include "analysis.h"
#include "runner_observe.h"
#include "iut_baresip.h"

struct fail_ctx {
	struct verdict *v;
	const char *check;
};

/* "... at frame 12 ..." in a matcher's line: the frame for the report */
static unsigned frame_in(const char *line)
{
	const char *p = strstr(line, "frame ");

	return p ? (unsigned)strtoul(p + 6, NULL, 10) : 0;
}

/* "...: expected X at message 3, got Y (frame 16) ..." -> X, Y: the
 * matchers' lines say both in words; verdict.json keeps them apart too.
 * X ends at " at " or ", got "; Y at " (" or the end. */
static void expected_got(const char *line, char *exp, char *got, size_t sz)
{
	const char *e = strstr(line, "expected "), *g, *end;

	exp[0] = got[0] = '\0';
	if (!e || !(g = strstr(e, ", got ")))
		return;
	e += 9;
	end = strstr(e, " at ");
	if (!end || end > g)
		end = g;
	snprintf(exp, sz, "%.*s", (int)(end - e), e);
	g += 6;
	end = strstr(g, " (");
	snprintf(got, sz, "%.*s", end ? (int)(end - g) : (int)strlen(g), g);
}

static void fail_h(const char *line, void *arg)
{
	struct fail_ctx *f = arg;
	char exp[256], got[256];

	expected_got(line, exp, got, sizeof(exp));
	verdict_fail(f->v, f->check, exp[0] ? exp : NULL, got[0] ? got : NULL,
		     frame_in(line), "%s", line);
}

static const char *rec_str(const cJSON *rec, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(rec, key);

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* POST: the JSON body; GET: the query parameters. */
static const cJSON *rec_payload(const cJSON *rec)
{
	const char *m = rec_str(rec, "method");

	if (m && !strcmp(m, "GET"))
		return cJSON_GetObjectItemCaseSensitive(rec, "query");
	return cJSON_GetObjectItemCaseSensitive(rec, "body");
}

/* With a webhook secret, every hook is signed (spec section 6). */
static void check_signature(struct case_ctx *x, const cJSON *rec)
{
	const char *sig = rec_str(rec, "signature");
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(rec, "seq");

	if (!x->o->secret || (sig && !strcmp(sig, "valid")))
		return;
	verdict_fail(x->v, "signature", "valid", sig ? sig : "?", 0,
		     "hook request %d (%s): Jambonz-Signature is %s, with the "
		     "webhook secret set", cJSON_IsNumber(seq) ? seq->valueint : 0,
		     rec_str(rec, "path") ? rec_str(rec, "path") : "?",
		     sig ? sig : "not checked");
}

static void check_hooks(struct case_ctx *x)
{
	struct expect_hookcall call, *callv;
	struct fail_ctx f = {x->v, "hook"};
	bool have_call = false;
	size_t n = 0;
	const cJSON *rec;

	callv = calloc((size_t)cJSON_GetArraySize(x->hookrecs) + 1,
		       sizeof(*callv));
	if (!callv)
		return;
	cJSON_ArrayForEach(rec, x->hookrecs) {
		const char *path = rec_str(rec, "path");
		struct expect_hookcall *hc;

		if (rec_str(rec, "error")) {
			verdict_fail(x->v, "hook", NULL, rec_str(rec, "error"),
				     0, "hook request %d could not be read: %s",
				     cJSON_GetObjectItemCaseSensitive(rec,
					"seq")->valueint, rec_str(rec, "error"));
			continue;
		}
		check_signature(x, rec);
		if (!have_call && path && !strcmp(path, RUNNER_CALL_HOOK)) {
			hc = &call;
			have_call = true;
		}
		else {
			hc = &callv[n++];
		}
		hc->path = path ? path : "";
		hc->method = rec_str(rec, "method");
		hc->payload = rec_payload(rec);
	}
	expect_check_hooks(x->exp, have_call ? &call : NULL, callv, n,
			   fail_h, &f);
	free(callv);
}

/* The first sip:refer verb's notifyTimeout, in ms; 0: the default. */
static uint32_t notify_timeout(const cJSON *app)
{
	const cJSON *verb, *t;

	cJSON_ArrayForEach(verb, app) {
		t = cJSON_GetObjectItemCaseSensitive(verb, "notifyTimeout");
		if (cJSON_IsNumber(t) && t->valuedouble > 0)
			return (uint32_t)(t->valuedouble * 1000);
	}
	return 0;
}

/* Only the case's own call is judged. Another call on its ports (a port
 * reused by a neighbour) is left out and named in verdict.json; when
 * SIPp's log names no call of its own and the capture holds several,
 * which one is the case's cannot be told: an ERROR, not a guess.
 * unknown: why SIPp's log could not tell, or "" */
static bool own_calls(struct case_ctx *x, const struct observed *ob,
		      size_t nown, const char *unknown)
{
	if (ob->foreign) {
		verdict_set_number(x->v, "capture_foreign_messages",
				   (double)ob->foreign);
		verdict_set_string(x->v, "capture_foreign_call_id",
				   ob->foreign_callid);
	}
	if (nown || ob->calls < 2)
		return true;
	verdict_error(x->v, "the capture holds %zu calls and the SIPp peer's "
		      "own are not known (%s): which is the case's cannot be "
		      "told; see the capture", ob->calls, unknown[0] ? unknown :
		      "it sent in none, says sipp-messages.log");
	return false;
}

void case_check(struct case_ctx *x, const char *pcap)
{
	struct observed ob;
	struct callids own;
	struct fail_ctx f = {x->v, NULL};
	char err[512], why[256];
	int e;

	if (x->o->no_hooks)
		verdict_set_string(x->v, "unchecked_hooks", "--no-hooks");
	else if (x->o->iut != RUNNER_IUT_BARESIP)
		check_hooks(x);
	if (!pcap) {
		verdict_set_string(x->v, "unchecked", "sequence, headers and "
				   "findings: no capture of the wire");
		return;
	}
	/* unknown, every call in the capture is judged: said, not silent */
	if (peer_callids(x, &own, why, sizeof(why)))
		verdict_set_string(x->v, "peer_call_ids_unknown", why);
	e = observe_pcap(&ob, pcap, notify_timeout(x->exp->app), &own, err,
			 sizeof(err));
	if (e) {
		verdict_error(x->v, "the capture cannot be analysed: %s", err);
		observe_free(&ob);
		return;
	}
	if (!own_calls(x, &ob, own.n, why)) {
		observe_free(&ob);
		return;
	}
	if (x->o->iut == RUNNER_IUT_BARESIP && !x->o->no_hooks)
		baresip_check_hooks(x, ob.analysis);
	f.check = "sequence";
	expect_check_sequence(x->exp, ob.view, ob.viewc, fail_h, &f);
	f.check = "header";
	expect_check_headers(x->exp, ob.view, ob.viewc, fail_h, &f);
	f.check = "finding";
	expect_check_findings(x->exp, ob.findings, ob.findingc, fail_h, &f);
	verdict_set_number(x->v, "sip_messages", (double)ob.viewc);
	verdict_set_number(x->v, "transfers", ob.analysis ?
			   ob.analysis->ntransfers : 0);
	observe_free(&ob);
}
