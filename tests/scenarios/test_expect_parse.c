/**
 * @file test_expect_parse.c  Unit tests for reading expectation files,
 *                            good and bad
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "expect.h"
#include "unit.h"

static void test_full_file(void)
{
	struct expect *e = NULL;
	char err[300] = "";

	CU_ASSERT_EQUAL_FATAL(expect_load(&e, "data/full.json", err,
					  sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(e->name, "full");
	CU_ASSERT_STRING_EQUAL(e->scenario, "data/ok.xml");
	CU_ASSERT_EQUAL(e->role, EXPECT_PHONE);
	CU_ASSERT_EQUAL(e->transport, EXPECT_TCP);
	CU_ASSERT_EQUAL(e->transports, 1u << EXPECT_TCP);
	CU_ASSERT_EQUAL(e->family, EXPECT_IPV6);
	CU_ASSERT_EQUAL_FATAL(e->sipp_argc, 2);
	CU_ASSERT_STRING_EQUAL(e->sipp_args[1], "10");
	CU_ASSERT_STRING_EQUAL(e->dial_user, "bob");
	CU_ASSERT_STRING_EQUAL(e->iut_sip_auth, "alice:secret");
	CU_ASSERT_EQUAL(e->iut_refer_timeout_ms, 2500);
	CU_ASSERT_STRING_EQUAL(e->dialect, "jambonz");
	CU_ASSERT_EQUAL(e->timeout_s, 45);
	CU_ASSERT_EQUAL(cJSON_GetArraySize(e->app), 1);
	CU_ASSERT_EQUAL_FATAL(e->answerc, 2);
	CU_ASSERT_STRING_EQUAL(e->answers[0].path, "/action");
	CU_ASSERT_EQUAL(e->answers[0].delay_ms, 500);
	CU_ASSERT_STRING_EQUAL(e->answers[0].body,
		"[{\"verb\":\"sip:refer\",\"referTo\":\"sip:b@x\"}]");
	CU_ASSERT_EQUAL(e->answers[1].status, 503);
	CU_ASSERT_STRING_EQUAL(e->answers[1].body, "not json");
	CU_ASSERT_TRUE(e->seq_skip_retrans);
	CU_ASSERT_EQUAL_FATAL(e->headerc, 3);
	CU_ASSERT_EQUAL(e->headers[0].op, EXPECT_HDR_REGEX);
	CU_ASSERT_EQUAL(e->headers[1].nth, 0);
	CU_ASSERT_EQUAL(e->headers[2].nth, 2);
	CU_ASSERT_STRING_EQUAL(e->headers[2].sel.cseq_method, "INVITE");
	CU_ASSERT_PTR_NOT_NULL(e->call_hook);
	CU_ASSERT_EQUAL_FATAL(e->hookc, 2);
	CU_ASSERT_PTR_NULL(e->hooks[0].method);
	CU_ASSERT_STRING_EQUAL(e->hooks[1].method, "POST");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(e->hooks[1].subset), 0);
	CU_ASSERT_EQUAL(e->mustc, 1);
	CU_ASSERT_EQUAL(e->mayc, 1);
	CU_ASSERT_EQUAL(e->tagc, 2);
	CU_ASSERT_TRUE(expect_has_tag(e, "timer-64t1"));
	CU_ASSERT_FALSE(expect_has_tag(e, "timer"));
	expect_free(e);
}

static void test_defaults(void)
{
	struct expect *e = NULL;
	char err[300] = "";

	CU_ASSERT_EQUAL_FATAL(expect_parse(&e, "data/ok.json",
		"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\"},"
		"\"app\": [{\"verb\": \"sip:refer\"}], \"sequence\": \"INVITE\"}",
		err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(e->scenario, "data/ok.xml");
	CU_ASSERT_EQUAL(e->transport, EXPECT_UDP);
	CU_ASSERT_EQUAL(e->transports, 1u << EXPECT_UDP | 1u << EXPECT_TCP);
	CU_ASSERT_EQUAL(e->family, EXPECT_IPV4);
	CU_ASSERT_EQUAL(e->tagc, 0);
	CU_ASSERT_PTR_NULL(e->dial_user);
	CU_ASSERT_STRING_EQUAL(e->dialect, "spec");
	CU_ASSERT_EQUAL(e->timeout_s, 30);
	CU_ASSERT_FALSE(e->seq_skip_retrans);
	expect_free(e);
}

#define PEER "\"description\": \"d\", \"peer\": {\"role\": \"carrier\"}, "
#define APP "\"app\": [{\"verb\": \"sip:refer\"}], "
#define BASE "{" PEER APP "\"sequence\": \"INVITE\""

static void test_bad_inputs(void)
{
	static const struct { const char *json, *error; } bad[] = {
		{"{\"a\": }", "data/ok.json: line 1, column 7: not valid JSON "
		 "near '}'"},
		{"{\n  \"a\": 1,\n}", "data/ok.json: line 3"},
		{"[]", "data/ok.json: the top level must be an object"},
		{BASE ", \"sequnce\": 1}", "data/ok.json: unknown key 'sequnce'"},
		{"{" APP "\"sequence\": \"INVITE\"}", "data/ok.json: description: "
		 "missing"},
		{"{\"description\": \"d\", " APP "\"sequence\": \"INVITE\"}",
		 "peer: missing"},
		{"{\"description\": \"d\", \"peer\": 3, " APP "\"sequence\": "
		 "\"\"}", "peer: must be an object"},
		{"{\"description\": \"d\", \"peer\": {}, " APP "\"sequence\": "
		 "\"\"}", "peer.role: missing (carrier or phone)"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"uac\"}, " APP
		 "\"sequence\": \"INVITE\"}", "peer.role: must be carrier or phone"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"transport\": \"sctp\"}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.transport: must be udp or tcp"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"transports\": []}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.transports: must be a non-empty array"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"transports\": [\"udp\", \"udp\"]}, " APP "\"sequence\": "
		 "\"INVITE\"}", "peer.transports[1]: 'udp' twice"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"transports\": [\"sctp\"]}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.transports[0]: must be udp or tcp"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"transport\": \"tcp\", \"transports\": [\"udp\"]}, " APP
		 "\"sequence\": \"INVITE\"}",
		 "peer.transport: 'tcp' is not among peer.transports"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"scenario\": \"nope.xml\"}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.scenario: cannot read 'data/nope.xml': No such file"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"dial_user\": \"x\"}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.dial_user: only for role phone"},
		{"{\"description\": \"d\", \"peer\": {\"role\": \"carrier\", "
		 "\"sipp_args\": [\"-lost\", 10]}, " APP "\"sequence\": \"INVITE\"}",
		 "peer.sipp_args[1]: must be a non-empty string"},
		{"{" PEER "\"app\": {}, \"sequence\": \"INVITE\"}",
		 "app: must be a non-empty array of verbs"},
		{"{" PEER "\"app\": [{\"verb\": \"x\"}, {}], \"sequence\": \"INVITE\"}",
		 "app[1]: needs a \"verb\" string"},
		{"{" PEER "\"app\": [{\"verb\": \"sip:refer\"}]}", "sequence: missing"},
		{"{" PEER APP "\"sequence\": \"INVITE 200 (ACK\"}",
		 "data/ok.json: sequence: column 16: expected ')'"},
		{BASE ", \"retransmissions\": \"skip\"}",
		 "retransmissions: must be match or ignore"},
		{BASE ", \"tags\": \"slow\"}", "tags: must be an array of "
		 "strings"},
		{BASE ", \"timeout\": 0}", "timeout: must be an integer from 1 "
		 "to 600"},
		{BASE ", \"timeout\": 2.5}", "timeout: must be an integer"},
		{BASE ", \"dialect\": \"x\"}", "dialect: must be spec or "
		 "jambonz"},
		{BASE ", \"iut\": {\"sip_auth\": \"alice\"}}",
		 "iut.sip_auth: must be \"user:password\""},
		{BASE ", \"iut\": {\"refer_timeout_ms\": 32000}}",
		 "iut.refer_timeout_ms: must be an integer from 1 to 31999"},
		{BASE ", \"iut\": {\"refer_timeout_ms\": \"4s\"}}",
		 "iut.refer_timeout_ms: must be an integer"},
		{BASE ", \"answers\": {\"action\": {}}}",
		 "answers.action: a hook path must start with '/'"},
		{BASE ", \"answers\": {\"/a\": {\"status\": 99}}}",
		 "answers./a.status: must be an integer from 100 to 599"},
		{BASE ", \"answers\": {\"/a\": {\"delay\": 9}}}",
		 "answers./a: unknown key 'delay'"},
		{BASE ", \"headers\": [{\"message\": \"refer\", \"name\": "
		 "\"X\", \"present\": true}]}", "headers[0].message: 'refer' "
		 "is not a message token"},
		{BASE ", \"headers\": [{\"message\": \"REFER\", \"name\": "
		 "\"X\", \"present\": true, \"equals\": \"y\"}]}",
		 "headers[0]: needs exactly one of equals, regex, present, "
		 "absent"},
		{BASE ", \"headers\": [{\"message\": \"REFER\", \"name\": "
		 "\"X\", \"regex\": \"(\"}]}",
		 "headers[0].regex: bad regular expression"},
		{BASE ", \"headers\": [{\"message\": \"REFER\", \"name\": "
		 "\"X\", \"nth\": 0, \"present\": true}]}",
		 "headers[0].nth: must be a number from 1 or \"all\""},
		{BASE ", \"headers\": [{\"message\": \"REFER\", \"present\": "
		 "true}]}", "headers[0].name: missing"},
		{BASE ", \"hooks\": [{\"path\": \"/a\"}, {\"path\": \"/b\"}, "
		 "{\"path\": \"/c\", \"expect\": [1]}]}",
		 "data/ok.json: hooks[2].expect: must be an object"},
		{BASE ", \"hooks\": [{\"path\": \"/a\", \"method\": \"PUT\"}]}",
		 "hooks[0].method: must be POST or GET"},
		{BASE ", \"hooks\": [{\"path\": \"a\"}]}",
		 "hooks[0].path: must start with '/'"},
		{BASE ", \"hooks\": {}}", "hooks: must be an array"},
		{BASE ", \"call_hook\": []}", "call_hook: must be an object"},
		{BASE ", \"findings\": {\"must\": [\"a\", 1]}}",
		 "findings.must[1]: must be a non-empty string"},
		{BASE ", \"findings\": {\"mustnt\": []}}",
		 "findings: unknown key 'mustnt'"},
	};
	struct expect *e;
	char err[300];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = NULL;
		err[0] = '\0';
		CU_ASSERT_EQUAL(expect_parse(&e, "data/ok.json", bad[i].json,
					     err, sizeof(err)), EINVAL);
		CU_ASSERT_PTR_NULL(e);
		if (!strstr(err, bad[i].error))
			fprintf(stderr, "\ncase %zu: got '%s'\n", i, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].error));
		expect_free(e);
	}
}

static void test_unreadable_files(void)
{
	struct expect *e = NULL;
	char err[300];

	CU_ASSERT_EQUAL(expect_load(&e, "data/missing.json", err,
				    sizeof(err)), ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "data/missing.json: cannot open: No such "
			       "file or directory");
	CU_ASSERT_NOT_EQUAL(expect_load(&e, "data", err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "data: "));
	CU_ASSERT_EQUAL(expect_load(&e, "data/nul.json", err, sizeof(err)),
			EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "data/nul.json: offset 2: NUL byte in "
			       "the file");
	CU_ASSERT_PTR_NULL(e);
}

static const struct unit_test tests[] = {
	{"a file using every key", test_full_file},
	{"defaults", test_defaults},
	{"bad inputs name file and JSON path", test_bad_inputs},
	{"unreadable files", test_unreadable_files},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"expectation files", tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
