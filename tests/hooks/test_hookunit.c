/**
 * @file test_hookunit.c  Unit tests: hook targets, URLs, retry policy, payloads, signature
 */
#include <string.h>
#include "hooksig.h"
#include "hookint.h"
#include "unit.h"

/* ---- hook_target_decode ------------------------------------------------ */

static int decode(struct hook_target **tp, const char *json, char *err,
		  size_t errsz)
{
	cJSON *j = cJSON_Parse(json);
	int e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	err[0] = '\0';
	e = hook_target_decode(tp, j, "actionHook", err, errsz);
	cJSON_Delete(j);
	return e;
}

static void test_target_string_and_object(void)
{
	struct hook_target *t = NULL;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(decode(&t, "\"/action\"", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t->url, "/action");
	CU_ASSERT_PTR_NULL(t->method);
	CU_ASSERT_PTR_NULL(t->username);
	t = mem_deref(t);

	CU_ASSERT_EQUAL_FATAL(decode(&t, "{\"url\":\"http://h:1/a#rp=all&rc=2\","
		"\"method\":\"get\",\"username\":\"u\",\"password\":\"p\"}",
		err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(t->url, "http://h:1/a#rp=all&rc=2");
	CU_ASSERT_STRING_EQUAL(t->method, "GET");
	CU_ASSERT_STRING_EQUAL(t->username, "u");
	CU_ASSERT_STRING_EQUAL(t->password, "p");
	mem_deref(t);

	CU_ASSERT_EQUAL_FATAL(hook_target_alloc(&t, "http://x/y"), 0);
	CU_ASSERT_STRING_EQUAL(t->url, "http://x/y");
	mem_deref(t);
}

static void test_target_errors_name_the_key(void)
{
	static const struct { const char *json, *msg; } cases[] = {
		{"42", "actionHook: must be a URL string or an object"},
		{"[\"/a\"]", "actionHook: must be a URL string or an object"},
		{"\"\"", "actionHook: the URL is empty"},
		{"{}", "actionHook.url: missing"},
		{"{\"url\":5}", "actionHook.url: must be a string"},
		{"{\"url\":\"/a\",\"method\":\"PUT\"}",
		 "actionHook.method: must be \"POST\" or \"GET\", not \"PUT\""},
		{"{\"url\":\"/a\",\"method\":1}",
		 "actionHook.method: must be a string"},
		{"{\"url\":\"/a\",\"user\":\"x\"}",
		 "actionHook.user: unknown key"},
		{"{\"url\":\"/a\",\"username\":\"x\"}",
		 "actionHook.password: missing"},
		{"{\"url\":\"/a\",\"password\":\"x\"}",
		 "actionHook.username: missing"},
		{"{\"url\":\"/a\",\"username\":true,\"password\":\"x\"}",
		 "actionHook.username: must be a string"},
		{"\"ftp://h/a\"", "actionHook: 'ftp://h/a' is not an http"},
		{"\"http:///a\"", "actionHook: 'http:///a' is not an http"},
		{"\"http://h/a b\"", "actionHook: the URL has a space or control"},
		{"{\"url\":\"/a\\tb\"}", "actionHook.url: the URL has a space or control"},
		{"\"/a#rc=9\"", "actionHook: retry policy: rc must be"},
		{"{\"url\":\"/a#rp=xx\"}",
		 "actionHook.url: retry policy: unknown rp condition 'xx'"},
	};
	struct hook_target *t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = NULL;
		CU_ASSERT_EQUAL(decode(&t, cases[i].json, err, sizeof(err)),
				EINVAL);
		CU_ASSERT_PTR_NULL(t);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg))) {
			fprintf(stderr, "\n%s -> '%s'\n", cases[i].json, err);
			CU_FAIL("error message does not name the key");
		}
	}
}

/* ---- URLs --------------------------------------------------------------- */

static void test_url_resolution(void)
{
	static const struct { const char *url, *base, *want; } cases[] = {
		{"/action", "http://127.0.0.1:3100/app", "http://127.0.0.1:3100/action"},
		{"action", "http://127.0.0.1:3100/app", "http://127.0.0.1:3100/action"},
		{"action", "http://h:1/v1/app?x=1#rp=ct", "http://h:1/v1/action"},
		{"/action#rp=5xx&rc=2", "http://h:1/app#rp=ct", "http://h:1/action#rp=5xx&rc=2"},
		{"action", "http://h:1", "http://h:1/action"},
		{"//other:2/e", "https://h/app", "https://other:2/e"},
		{"?q=1", "http://h/a/b?x", "http://h/a/b?q=1"},
		{"/e", "http://u:p@h:1/app", "http://u:p@h:1/e"},
		{"http://abs:9/x", "http://h:1/app", "http://abs:9/x"},
		{"http://abs:9/x", NULL, "http://abs:9/x"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = NULL;

		CU_ASSERT_EQUAL_FATAL(hook_url_resolve(&got, cases[i].url,
						       cases[i].base), 0);
		if (strcmp(got, cases[i].want)) {
			fprintf(stderr, "\n%s + %s -> %s\n", cases[i].base,
				cases[i].url, got);
			CU_FAIL("wrong resolution");
		}
		mem_deref(got);
	}
}

static void test_url_resolution_errors(void)
{
	char *got = NULL;

	CU_ASSERT_EQUAL(hook_url_resolve(&got, "/action", NULL), EINVAL);
	CU_ASSERT_EQUAL(hook_url_resolve(&got, "/action", "not a url"), EINVAL);
	CU_ASSERT_EQUAL(hook_url_resolve(&got, "ftp://h/x", "http://h/"), EINVAL);
	CU_ASSERT_EQUAL(hook_url_resolve(&got, "", "http://h/"), EINVAL);
	CU_ASSERT_PTR_NULL(got);
}

static void test_url_parts(void)
{
	struct hook_url u;

	CU_ASSERT_EQUAL_FATAL(hook_url_decode(&u,
		"http://user:pw@127.0.0.1:3100/a/b?x=1&y=2#rp=ct&rc=1"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.scheme, "http"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.userinfo, "user:pw"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.hostport, "127.0.0.1:3100"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.path, "/a/b?x=1&y=2"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.query, "x=1&y=2"), 0);
	CU_ASSERT_EQUAL(pl_strcmp(&u.frag, "rp=ct&rc=1"), 0);

	CU_ASSERT_EQUAL_FATAL(hook_url_decode(&u, "HTTPS://h"), 0);
	CU_ASSERT_EQUAL(u.path.l, 0);
	CU_ASSERT_EQUAL(u.frag.l, 0);
	CU_ASSERT_EQUAL(hook_url_decode(&u, "/relative"), EINVAL);
	CU_ASSERT_EQUAL(hook_url_decode(&u, "://h/"), EINVAL);
	CU_ASSERT_EQUAL(hook_url_decode(&u, "http://h/a b"), EINVAL);
	CU_ASSERT_EQUAL(hook_url_decode(&u, "http://h/a\r\nX: y"), EINVAL);
}

/* ---- retry policy ------------------------------------------------------- */

static int policy(struct hook_policy *p, const char *frag, char *err)
{
	struct pl pl;

	pl_set_str(&pl, frag);
	err[0] = '\0';
	return hook_policy_decode(p, &pl, err, 200);
}

static void test_policy_valid(void)
{
	static const struct { const char *frag; unsigned conds, rc; } cases[] = {
		{"", HOOK_RETRY_CT, 0},
		{"rc=3", HOOK_RETRY_CT, 3},
		{"rp=rt", HOOK_RETRY_RT, 0},
		{"rp=ct,rt,4xx,5xx&rc=5", HOOK_RETRY_ALL, 5},
		{"rp=all&rc=0", HOOK_RETRY_ALL, 0},
		{"rc=2&rp=5xx", HOOK_RETRY_5XX, 2},
		{"rp=4XX,CT", HOOK_RETRY_4XX | HOOK_RETRY_CT, 0},
	};
	struct hook_policy p;
	char err[200];
	size_t i;

	CU_ASSERT_EQUAL(hook_policy_decode(&p, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(p.conds, HOOK_RETRY_CT);
	CU_ASSERT_EQUAL(p.retries, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(policy(&p, cases[i].frag, err), 0);
		CU_ASSERT_EQUAL(p.conds, cases[i].conds);
		CU_ASSERT_EQUAL(p.retries, cases[i].rc);
	}
}

static void test_policy_invalid(void)
{
	static const struct { const char *frag, *msg; } cases[] = {
		{"rc=6", "retry policy: rc must be a number 0..5, not '6'"},
		{"rc=-1", "retry policy: rc must be a number 0..5, not '-1'"},
		{"rc=", "retry policy: rc must be a number 0..5, not ''"},
		{"rc=1x", "retry policy: rc must be a number 0..5, not '1x'"},
		{"rc=005", "retry policy: rc must be a number 0..5, not '005'"},
		{"rp=", "retry policy: rp is empty"},
		{"rp=ct,", "retry policy: rp ends with ','"},
		{"rp=ct,,rt", "retry policy: unknown rp condition ''"},
		{"rp=timeout", "retry policy: unknown rp condition 'timeout'"},
		{"rp=ct&", "retry policy: ends with '&'"},
		{"rp=ct&rp=rt", "retry policy: repeated key 'rp'"},
		{"retries=2", "retry policy: unknown key 'retries'"},
		{"section2", "retry policy: 'section2' is not key=value"},
	};
	struct hook_policy p;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL(policy(&p, cases[i].frag, err), EINVAL);
		if (strncmp(err, cases[i].msg, strlen(cases[i].msg))) {
			fprintf(stderr, "\n%s -> '%s'\n", cases[i].frag, err);
			CU_FAIL("wrong policy error");
		}
	}
}

static void test_policy_decisions_and_backoff(void)
{
	struct hook_policy ct = {HOOK_RETRY_CT, 1}, rt5 = {HOOK_RETRY_RT |
		HOOK_RETRY_5XX, 2}, all = {HOOK_RETRY_ALL, 5};

	CU_ASSERT_TRUE(hook_policy_retry(&ct, ECONNREFUSED, 0));
	CU_ASSERT_FALSE(hook_policy_retry(&ct, ETIMEDOUT, 0));
	CU_ASSERT_FALSE(hook_policy_retry(&ct, 0, 503));
	CU_ASSERT_TRUE(hook_policy_retry(&rt5, ETIMEDOUT, 0));
	CU_ASSERT_TRUE(hook_policy_retry(&rt5, 0, 500));
	CU_ASSERT_FALSE(hook_policy_retry(&rt5, 0, 404));
	CU_ASSERT_TRUE(hook_policy_retry(&all, 0, 404));
	CU_ASSERT_FALSE(hook_policy_retry(&all, 0, 200));
	CU_ASSERT_FALSE(hook_policy_retry(&all, 0, 302));
	/* an answer over the size limit is judged by its status, never as
	 * a connection failure */
	CU_ASSERT_FALSE(hook_policy_retry(&ct, EFBIG, 200));
	CU_ASSERT_FALSE(hook_policy_retry(&ct, EFBIG, 503));
	CU_ASSERT_TRUE(hook_policy_retry(&rt5, EFBIG, 503));
	CU_ASSERT_FALSE(hook_policy_retry(&rt5, EFBIG, 200));
	CU_ASSERT_TRUE(hook_policy_retry(&all, EFBIG, 404));
	CU_ASSERT_FALSE(hook_policy_retry(&all, EFBIG, 200));

	CU_ASSERT_EQUAL(hook_policy_backoff(1), 500);
	CU_ASSERT_EQUAL(hook_policy_backoff(2), 1000);
	CU_ASSERT_EQUAL(hook_policy_backoff(3), 2000);
	CU_ASSERT_EQUAL(hook_policy_backoff(4), 4000);
	CU_ASSERT_EQUAL(hook_policy_backoff(5), 6000);
}

/* ---- signature ---------------------------------------------------------- */

static void test_signature_vector(void)
{
	/* Computed independently:
	 * printf '%s' '1700000000.{"event":"transfer-status","call_status":"180"}' \
	 *   | openssl dgst -sha256 -hmac 'referlab-secret'
	 */
	const char *body = "{\"event\":\"transfer-status\",\"call_status\":\"180\"}";
	char sig[128];

	CU_ASSERT_EQUAL_FATAL(hooksig_compute(sig, sizeof(sig),
		"referlab-secret", 1700000000, body, strlen(body)), 0);
	CU_ASSERT_STRING_EQUAL(sig, "t=1700000000,v1="
		"e44eec6f3c2c80342633479b9dab6e92d6a49603934b406f6183ceed1de8a426");

	/* Empty body (a GET): printf '%s' '1700000000.' | openssl dgst -sha256 -hmac 'k' */
	CU_ASSERT_EQUAL_FATAL(hooksig_compute(sig, sizeof(sig), "k", 1700000000,
					     "", 0), 0);
	CU_ASSERT_STRING_EQUAL(sig, "t=1700000000,v1="
		"5c2999a43333a6877f49c8003f235c4f6de40f85b1b7414b70bd470a8db53d97");

	CU_ASSERT_NOT_EQUAL(hooksig_compute(sig, 20, "k", 1, "", 0), 0);
}

static enum hooksig_verdict check(const char *hval, const char *secret,
				  const char *body)
{
	struct pl pl;

	pl_set_str(&pl, hval);
	return hooksig_verify(&pl, secret, body, strlen(body));
}

static void test_signature_check(void)
{
	const char *body = "{\"event\":\"transfer-status\",\"call_status\":\"180\"}";
	const char *good = "e44eec6f3c2c80342633479b9dab6e92d6a49603934b406f6183ceed1de8a426";
	const char *key = "referlab-secret";
	char hv[200];

	snprintf(hv, sizeof(hv), "t=1700000000,v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_VALID);
	CU_ASSERT_EQUAL(check(hv, "other-secret", body), HOOKSIG_INVALID);
	CU_ASSERT_EQUAL(check(hv, key, "{}"), HOOKSIG_INVALID);

	/* Lenient: order, spaces, upper-case hex, several v1 (key rotation),
	 * unknown parts. */
	snprintf(hv, sizeof(hv), " v1=%064d , t=1700000000, v0=x, v1=%s", 0,
		 good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_VALID);
	snprintf(hv, sizeof(hv), "t=1700000000,v1="
		 "E44EEC6F3C2C80342633479B9DAB6E92D6A49603934B406F6183CEED1DE8A426");
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_VALID);

	/* Well-formed, wrong: another time, a v1 of zeros. */
	snprintf(hv, sizeof(hv), "t=1700000001,v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_INVALID);
	snprintf(hv, sizeof(hv), "t=1700000000,v1=%064d", 0);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_INVALID);

	/* Malformed: no t, t not digits or too long, no v1, v1 not 64 hex. */
	snprintf(hv, sizeof(hv), "v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_MALFORMED);
	snprintf(hv, sizeof(hv), "t=17e8,v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_MALFORMED);
	snprintf(hv, sizeof(hv), "t=,v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_MALFORMED);
	snprintf(hv, sizeof(hv), "t=123456789012345678901,v1=%s", good);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_MALFORMED);
	CU_ASSERT_EQUAL(check("t=1700000000", key, body), HOOKSIG_MALFORMED);
	CU_ASSERT_EQUAL(check("t=1700000000,v1=e44eec", key, body),
			HOOKSIG_MALFORMED);
	snprintf(hv, sizeof(hv), "t=1700000000,v1=%063dg", 0);
	CU_ASSERT_EQUAL(check(hv, key, body), HOOKSIG_MALFORMED);
	CU_ASSERT_EQUAL(check("garbage", key, body), HOOKSIG_MALFORMED);
	CU_ASSERT_EQUAL(check("", key, body), HOOKSIG_MALFORMED);

	CU_ASSERT_STRING_EQUAL(hooksig_verdict_str(HOOKSIG_VALID), "valid");
	CU_ASSERT_STRING_EQUAL(hooksig_verdict_str(HOOKSIG_INVALID), "invalid");
	CU_ASSERT_STRING_EQUAL(hooksig_verdict_str(HOOKSIG_MALFORMED),
			       "malformed");
}

/* ---- payloads ----------------------------------------------------------- */

static const struct call_info ci = {
	.call_sid = "0b5c2a57-7a36-4a0e-8d2f-6c1b1f0a9e11",
	.direction = "inbound",
	.from = "15083084809", .to = "16173334444",
	.caller_name = "Alice", .call_id = "abc@127.0.0.1",
	.sip_status = 200, .sip_reason = "OK",
	.call_status = "in-progress",
	.account_sid = "acc", .application_sid = "app",
	.fs_sip_address = "127.0.0.1:5070",
};

/* Every key of obj, in order, with its type: "key:s" / "key:n" / "key:o". */
static void expect_keys(const cJSON *obj, const char *const *want)
{
	const cJSON *item;
	size_t i = 0;

	cJSON_ArrayForEach(item, obj) {
		char got[64];

		snprintf(got, sizeof(got), "%s:%c", item->string,
			 cJSON_IsString(item) ? 's' : cJSON_IsNumber(item)
			 ? 'n' : cJSON_IsObject(item) ? 'o' : '?');
		if (!want[i] || strcmp(got, want[i])) {
			fprintf(stderr, "\nkey %zu: got %s, want %s\n", i, got,
				want[i] ? want[i] : "(end)");
			CU_FAIL("payload keys differ");
			return;
		}
		i++;
	}
	CU_ASSERT_PTR_NULL(want[i]);
}

static const char *const spec_info[] = {
	"callSid:s", "direction:s", "from:s", "to:s", "callerName:s",
	"callId:s", "sipStatus:n", "sipReason:s", "callStatus:s",
	"accountSid:s", "applicationSid:s", "fsSipAddress:s",
};
static const char *const jambonz_info[] = {
	"call_sid:s", "direction:s", "from:s", "to:s", "caller_name:s",
	"call_id:s", "sip_status:n", "sip_reason:s", "call_status:s",
	"account_sid:s", "application_sid:s", "fs_sip_address:s",
};

static void keys_with(const char **out, const char *const *info,
		      const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < 12; i++)
		out[i] = info[i];
	out[i++] = a;
	out[i++] = b;
	out[i] = NULL;
}

static void test_payload_action_both_dialects(void)
{
	const char *want[16];
	cJSON *o;

	o = hook_payload_action(&ci, HOOK_DIALECT_SPEC, 202, 200);
	keys_with(want, spec_info, "referStatus:n",
		  "final_referred_call_status:n");
	expect_keys(o, want);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "referStatus")->valueint, 202);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o,
		"final_referred_call_status")->valueint, 200);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o, "callSid")->valuestring,
			       ci.call_sid);
	cJSON_Delete(o);

	o = hook_payload_action(&ci, HOOK_DIALECT_JAMBONZ, 403, 0);
	keys_with(want, jambonz_info, "refer_status:n", NULL);
	expect_keys(o, want);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "refer_status")->valueint, 403);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "sip_status")->valueint, 200);
	cJSON_Delete(o);
}

static void test_payload_event_both_dialects(void)
{
	static const char *const spec[] = {"event:s", "call_status:s", NULL};
	static const char *const jz[] = {"event:s", "call_status:n", NULL};
	cJSON *o;

	o = hook_payload_event(HOOK_DIALECT_SPEC, 180);
	expect_keys(o, spec);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o, "event")->valuestring,
			       "transfer-status");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o,
		"call_status")->valuestring, "180");
	cJSON_Delete(o);

	o = hook_payload_event(HOOK_DIALECT_JAMBONZ, 486);
	expect_keys(o, jz);
	CU_ASSERT_EQUAL(cJSON_GetObjectItem(o, "call_status")->valueint, 486);
	cJSON_Delete(o);
}

static struct sip_msg *invite(void)
{
	static const char txt[] =
		"INVITE sip:16173334444@127.0.0.1:5070 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK0\r\n"
		"From: \"Alice\" <sip:15083084809@127.0.0.1>;tag=1\r\n"
		"To: <sip:16173334444@127.0.0.1>\r\n"
		"Call-ID: abc@127.0.0.1\r\n"
		"CSeq: 1 INVITE\r\n"
		"X-Custom: yes\r\n"
		"Content-Type: application/sdp\r\n"
		"Content-Length: 5\r\n"
		"\r\n"
		"v=0\r\n";
	struct mbuf *mb = mbuf_alloc(sizeof(txt));
	struct sip_msg *msg = NULL;

	mbuf_write_str(mb, txt);
	mb->pos = 0;
	CU_ASSERT_EQUAL(sip_msg_decode(&msg, mb), 0);
	mem_deref(mb);
	return msg;
}

static void test_payload_call_has_sip(void)
{
	const char *want[16];
	struct sip_msg *msg = invite();
	const cJSON *sip, *hdrs;
	cJSON *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	o = hook_payload_call(&ci, HOOK_DIALECT_SPEC, msg);
	keys_with(want, spec_info, "sip:o", NULL);
	expect_keys(o, want);

	sip = cJSON_GetObjectItem(o, "sip");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(sip, "method")->valuestring,
			       "INVITE");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(sip, "uri")->valuestring,
			       "sip:16173334444@127.0.0.1:5070");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(sip, "body")->valuestring,
			       "v=0\r\n");
	hdrs = cJSON_GetObjectItem(sip, "headers");
	CU_ASSERT_TRUE(cJSON_IsObject(hdrs));
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(hdrs, "x-custom")->valuestring,
			       "yes");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(hdrs, "via")->valuestring,
		"SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1, "
		"SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK0");
	cJSON_Delete(o);

	o = hook_payload_call(&ci, HOOK_DIALECT_JAMBONZ, msg);
	keys_with(want, jambonz_info, "sip:o", NULL);
	expect_keys(o, want);
	cJSON_Delete(o);
	mem_deref(msg);
}

static void test_payload_missing_strings_keep_types(void)
{
	struct call_info bare = {.sip_status = 0};
	cJSON *o = hook_payload_action(&bare, HOOK_DIALECT_SPEC, 408, 0);

	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o, "from")->valuestring, "");
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(o, "callSid")->valuestring,
			       "");
	cJSON_Delete(o);
}

/* ---- GET query ---------------------------------------------------------- */

static void test_query_encoding(void)
{
	cJSON *o = cJSON_Parse("{\"event\":\"transfer-status\",\"n\":180,"
		"\"s\":\"a b&c=d/é~\",\"t\":true,\"z\":null,"
		"\"sip\":{\"m\":\"INVITE\",\"h\":[1,\"x\"]}}");
	struct mbuf *mb = mbuf_alloc(64);
	char *got = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL_FATAL(hook_query_encode(mb, o), 0);
	mb->pos = 0;
	mbuf_strdup(mb, &got, mb->end);
	CU_ASSERT_STRING_EQUAL(got, "event=transfer-status&n=180"
		"&s=a%20b%26c%3Dd%2F%C3%A9~&t=true&z="
		"&sip=%7B%22m%22%3A%22INVITE%22%2C%22h%22%3A%5B1%2C%22x%22%5D%7D");
	mem_deref(got);
	mem_deref(mb);
	cJSON_Delete(o);
}

static const struct unit_test target_tests[] = {
	{"string and object", test_target_string_and_object},
	{"errors name the key", test_target_errors_name_the_key},
	{NULL, NULL}
};
static const struct unit_test url_tests[] = {
	{"resolution", test_url_resolution},
	{"resolution errors", test_url_resolution_errors},
	{"parts", test_url_parts},
	{NULL, NULL}
};
static const struct unit_test policy_tests[] = {
	{"valid", test_policy_valid},
	{"invalid and bounds", test_policy_invalid},
	{"decisions and back-off", test_policy_decisions_and_backoff},
	{NULL, NULL}
};
static const struct unit_test payload_tests[] = {
	{"signature vector (openssl)", test_signature_vector},
	{"signature check", test_signature_check},
	{"actionHook, both dialects", test_payload_action_both_dialects},
	{"eventHook, both dialects", test_payload_event_both_dialects},
	{"call hook carries sip", test_payload_call_has_sip},
	{"missing strings keep types", test_payload_missing_strings_keep_types},
	{"GET query encoding", test_query_encoding},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"hook target", target_tests},
	{"hook url", url_tests},
	{"retry policy", policy_tests},
	{"payloads", payload_tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
