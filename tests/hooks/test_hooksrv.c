/**
 * @file test_hooksrv.c  The hook server in-process, as the runner uses it, fed by the sim's client
 *
 * One libre event loop holds both ends; every loop is bounded by a guard
 * timer so a hang fails the test instead of blocking ctest.
 */
#include <string.h>
#include "hookint.h"
#include "hooksrv.h"
#include "unit.h"

struct env {
	struct hooksrv *srv;
	struct hookcli *hc;
	struct tmr guard;
	cJSON *recs;           /* copies of the records, in order */
	unsigned done, want, ok;   /* ok: answered 2xx */
	int err;
	uint16_t status;
	char body[256];
	char url[80];
};

static void record_h(const cJSON *rec, void *arg)
{
	struct env *e = arg;

	cJSON_AddItemToArray(e->recs, cJSON_Duplicate(rec, true));
}

static void done_h(int err, uint16_t status, const char *body, void *arg)
{
	struct env *e = arg;

	e->err = err;
	e->status = status;
	if (!err && status / 100 == 2)
		++e->ok;
	snprintf(e->body, sizeof(e->body), "%s", body ? body : "");
	if (++e->done == e->want)
		re_cancel();
}

static void guard_h(void *arg)
{
	(void)arg;
	CU_FAIL("event loop guard: 10 s passed");
	re_cancel();
}

static void env_open(struct env *e, const char *secret, const char *user)
{
	struct hooksrv_conf sc = {.secret = secret, .user = user,
				  .recordh = record_h, .arg = e};
	struct hook_conf cc = {.secret = secret, .timeout_ms = 2000};
	struct sa laddr;

	memset(e, 0, sizeof(*e));
	e->recs = cJSON_CreateArray();
	CU_ASSERT_EQUAL_FATAL(libre_init(), 0);
	CU_ASSERT_EQUAL_FATAL(hooksrv_alloc(&e->srv, &sc), 0);
	CU_ASSERT_EQUAL_FATAL(hookcli_alloc(&e->hc, &cc), 0);
	sa_set_str(&laddr, "127.0.0.1", 0);
	CU_ASSERT_EQUAL_FATAL(hooksrv_start(e->srv, &laddr), 0);
	CU_ASSERT_EQUAL_FATAL(hooksrv_url(e->srv, e->url, sizeof(e->url)), 0);
}

static void env_close(struct env *e)
{
	tmr_cancel(&e->guard);
	mem_deref(e->hc);
	mem_deref(e->srv);
	cJSON_Delete(e->recs);
	libre_close();
}

/* Sends n hooks to path (relative to the server URL) and runs the loop
 * until all n reported. */
static void send_and_wait(struct env *e, const char *path,
			  const struct hook_target *tmpl, const cJSON *payload,
			  unsigned n)
{
	struct hook_target *t = NULL;
	unsigned i;

	CU_ASSERT_EQUAL_FATAL(hook_target_alloc(&t, path), 0);
	if (tmpl) {
		str_dup(&t->method, tmpl->method);
		str_dup(&t->username, tmpl->username);
		str_dup(&t->password, tmpl->password);
	}
	e->want = e->done + n;
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(hook_send(e->hc, t, e->url, payload, done_h, e),
				0);
	tmr_start(&e->guard, 10000, guard_h, e);
	re_main(NULL);
	tmr_cancel(&e->guard);
	mem_deref(t);
}

static const char *rec_str(const struct env *e, int i, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(e->recs, i), key));
}

static void test_url_and_routes_api(void)
{
	struct env e;

	env_open(&e, NULL, NULL);
	CU_ASSERT_EQUAL(strncmp(e.url, "http://127.0.0.1:", 17), 0);
	CU_ASSERT_NOT_EQUAL(strcmp(e.url, "http://127.0.0.1:0"), 0);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/a", 99), EINVAL);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/a", 600), EINVAL);
	CU_ASSERT_EQUAL(hooksrv_add_body(e.srv, "a", "x"), EINVAL);
	CU_ASSERT_EQUAL(hooksrv_add_delay(e.srv, NULL, 1), EINVAL);
	CU_ASSERT_EQUAL(hooksrv_count(e.srv), 0);
	env_close(&e);
}

static void test_sequences_and_records(void)
{
	cJSON *payload = cJSON_Parse("{\"event\":\"transfer-status\","
				     "\"call_status\":\"180\"}");
	struct env e;

	env_open(&e, "k3y", NULL);
	CU_ASSERT_EQUAL(hooksrv_add_body(e.srv, "/action", "[{\"verb\":"
					 "\"hangup\"}]"), 0);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/event", 500), 0);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/event", 204), 0);

	send_and_wait(&e, "/action", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.err, 0);
	CU_ASSERT_EQUAL(e.status, 200);
	CU_ASSERT_STRING_EQUAL(e.body, "[{\"verb\":\"hangup\"}]");

	/* 500 first, then 204 repeating; the retry policy makes it through. */
	send_and_wait(&e, "/event#rp=5xx&rc=1", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.status, 204);
	send_and_wait(&e, "/event", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.status, 204);

	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(e.recs), 4);
	CU_ASSERT_EQUAL(hooksrv_count(e.srv), 4);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "path"), "/action");
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "signature"), "valid");
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "auth"), "absent");
	CU_ASSERT_TRUE(cJSON_Compare(cJSON_GetObjectItem(
		cJSON_GetArrayItem(e.recs, 0), "body"), payload, true));
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(cJSON_GetArrayItem(e.recs, 1),
					    "status")->valueint, 500);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(cJSON_GetArrayItem(e.recs, 2),
					    "status")->valueint, 204);
	CU_ASSERT_EQUAL(hookcli_pending(e.hc), 0);

	cJSON_Delete(payload);
	env_close(&e);
}

static void test_auth_and_get(void)
{
	struct hook_target get = {.method = "GET", .username = "u",
				  .password = "p:w"};
	cJSON *payload = cJSON_Parse("{\"referStatus\":202}");
	const cJSON *q;
	struct env e;

	env_open(&e, NULL, "u:p:w");
	send_and_wait(&e, "/action", &get, payload, 1);
	CU_ASSERT_EQUAL(e.status, 200);
	get.password = "bad";
	send_and_wait(&e, "/action", &get, payload, 1);
	CU_ASSERT_EQUAL(e.status, 401);

	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(e.recs), 2);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "method"), "GET");
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "auth"), "valid");
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 1, "auth"), "invalid");
	q = cJSON_GetObjectItem(cJSON_GetArrayItem(e.recs, 0), "query");
	CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(q,
		"referStatus")), "202");

	cJSON_Delete(payload);
	env_close(&e);
}

/* The client signs with secret (NULL: not at all) from now on. */
static void client_secret(struct env *e, const char *secret)
{
	struct hook_conf cc = {.secret = secret, .timeout_ms = 2000};

	e->hc = mem_deref(e->hc);
	CU_ASSERT_EQUAL_FATAL(hookcli_alloc(&e->hc, &cc), 0);
}

static int rec_num(const struct env *e, int i, const char *key)
{
	const cJSON *n = cJSON_GetObjectItem(cJSON_GetArrayItem(e->recs, i),
					     key);

	return cJSON_IsNumber(n) ? n->valueint : -1;
}

/* With a secret, a hook without a valid signature gets 403 with the
 * reason, is recorded as refused, and does not use up the path's
 * answers; the sim's client sees a failed attempt (no retry by default).
 * Without a secret nothing is refused. */
static void test_signature_refused(void)
{
	cJSON *payload = cJSON_Parse("{\"event\":\"transfer-status\"}");
	struct env e;

	env_open(&e, "k3y", NULL);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/event", 202), 0);
	CU_ASSERT_EQUAL(hooksrv_add_status(e.srv, "/event", 204), 0);

	client_secret(&e, "wrong");
	send_and_wait(&e, "/event", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.err, 0);
	CU_ASSERT_EQUAL(e.status, 403);
	CU_ASSERT_STRING_EQUAL(e.body, "Jambonz-Signature does not match the "
			       "body under the webhook secret\n");
	client_secret(&e, NULL);
	send_and_wait(&e, "/event#rp=5xx&rc=2", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.status, 403);
	CU_ASSERT_STRING_EQUAL(e.body, "Jambonz-Signature is absent, with a "
			       "webhook secret set\n");
	client_secret(&e, "k3y");
	send_and_wait(&e, "/event", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.status, 202);

	CU_ASSERT_EQUAL_FATAL(cJSON_GetArraySize(e.recs), 3);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "signature"), "invalid");
	CU_ASSERT_EQUAL(rec_num(&e, 0, "status"), 403);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "refused"), "Jambonz-Signature "
			       "does not match the body under the webhook "
			       "secret");
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 1, "signature"), "absent");
	CU_ASSERT_EQUAL(rec_num(&e, 1, "status"), 403);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 2, "signature"), "valid");
	CU_ASSERT_PTR_NULL(rec_str(&e, 2, "refused"));
	env_close(&e);

	env_open(&e, NULL, NULL);
	client_secret(&e, "any");
	send_and_wait(&e, "/event", NULL, payload, 1);
	CU_ASSERT_EQUAL(e.status, 200);
	CU_ASSERT_STRING_EQUAL(rec_str(&e, 0, "signature"), "unchecked");
	CU_ASSERT_PTR_NULL(rec_str(&e, 0, "refused"));

	cJSON_Delete(payload);
	env_close(&e);
}

static void test_many_at_once(void)
{
	cJSON *payload = cJSON_Parse("{\"n\":1}");
	struct env e;

	env_open(&e, NULL, NULL);
	CU_ASSERT_EQUAL(hooksrv_add_delay(e.srv, "/d", 50), 0);
	send_and_wait(&e, "/d", NULL, payload, 20);
	CU_ASSERT_EQUAL(e.ok, 20);
	CU_ASSERT_EQUAL(hooksrv_count(e.srv), 20);
	CU_ASSERT_EQUAL(hookcli_pending(e.hc), 0);
	cJSON_Delete(payload);
	env_close(&e);
}

/* More hooks than request slots: all are delivered, and never more than
 * HOOK_INFLIGHT_MAX connections are opened. */
static void test_more_than_slots(void)
{
	cJSON *payload = cJSON_Parse("{\"n\":2}");
	const cJSON *rec;
	int maxconn = 0;
	struct env e;

	env_open(&e, NULL, NULL);
	CU_ASSERT_EQUAL(hooksrv_add_delay(e.srv, "/d", 100), 0);
	send_and_wait(&e, "/d", NULL, payload, HOOK_INFLIGHT_MAX + 72);
	CU_ASSERT_EQUAL(e.ok, HOOK_INFLIGHT_MAX + 72);
	CU_ASSERT_EQUAL(hooksrv_count(e.srv), HOOK_INFLIGHT_MAX + 72);
	cJSON_ArrayForEach(rec, e.recs) {
		int c = cJSON_GetObjectItem(rec, "conn")->valueint;

		maxconn = c > maxconn ? c : maxconn;
	}
	CU_ASSERT_EQUAL(maxconn, HOOK_INFLIGHT_MAX);
	CU_ASSERT_EQUAL(hookcli_pending(e.hc), 0);
	cJSON_Delete(payload);
	env_close(&e);
}

static void cancel_h(void *arg)
{
	struct env *e = arg;

	CU_ASSERT_EQUAL(hookcli_cancel(e->hc, e), HOOK_INFLIGHT_MAX + 10);
	re_cancel();
}

/* Cancelling reaches the deliveries on the wire and those waiting. */
static void test_cancel_all(void)
{
	cJSON *payload = cJSON_Parse("{\"n\":3}");
	struct hook_target *t = NULL;
	struct tmr tmr;
	unsigned i;
	struct env e;

	env_open(&e, NULL, NULL);
	CU_ASSERT_EQUAL(hooksrv_add_delay(e.srv, "/d", 2000), 0);
	CU_ASSERT_EQUAL_FATAL(hook_target_alloc(&t, "/d"), 0);
	for (i = 0; i < HOOK_INFLIGHT_MAX + 10; i++)
		hook_send(e.hc, t, e.url, payload, done_h, &e);
	CU_ASSERT_EQUAL(hookcli_pending(e.hc), HOOK_INFLIGHT_MAX + 10);

	tmr_init(&tmr);
	tmr_start(&tmr, 200, cancel_h, &e);
	tmr_start(&e.guard, 10000, guard_h, &e);
	re_main(NULL);
	CU_ASSERT_EQUAL(hookcli_pending(e.hc), 0);
	CU_ASSERT_EQUAL(e.done, 0);

	tmr_cancel(&tmr);
	mem_deref(t);
	cJSON_Delete(payload);
	env_close(&e);
}

static const struct unit_test tests[] = {
	{"url and route API", test_url_and_routes_api},
	{"answer sequences and records", test_sequences_and_records},
	{"basic auth and GET", test_auth_and_get},
	{"bad signature refused with 403", test_signature_refused},
	{"20 hooks in flight", test_many_at_once},
	{"more hooks than request slots", test_more_than_slots},
	{"cancel on the wire and waiting", test_cancel_all},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"hook server in-process", tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
