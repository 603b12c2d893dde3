/**
 * @file test_expect_match.c  Unit tests for the sequence, header, hook and
 *                            finding matchers of expectation files
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "expect.h"
#include "unit.h"

enum { MAXMSG = 64 };

/* A test dialog: messages written as pattern tokens ("NOTIFY(200)",
 * "202", "200/BYE"), with raw header blocks for the accessor. */
struct tmsg {
	char method[24], cseq_method[24];
	char hdrs[512];        /* "Name: value\n" lines */
};

static struct tmsg tmsgs[MAXMSG];
static struct expect_msg msgs[MAXMSG];

static bool hdr_h(void *arg, const char *name, unsigned idx,
		  const char **val, size_t *len)
{
	const struct tmsg *t = arg;
	const char *line = t->hdrs, *nl;
	size_t n = strlen(name);

	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!strncasecmp(line, name, n) && line[n] == ':'
		    && idx-- == 0) {
			*val = line + n + 2;
			*len = (size_t)(nl - *val);
			return true;
		}
	}
	return false;
}

/* Builds msgs[] from "INVITE 100 200 ACK ..."; each message gets its own
 * CSeq and Via branch unless the token ends in '=' (a retransmission of
 * the previous message with that token). Returns the count. */
static size_t dialog(const char *text)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0, k;

	snprintf(buf, sizeof(buf), "%s", text);
	memset(tmsgs, 0, sizeof(tmsgs));
	memset(msgs, 0, sizeof(msgs));
	for (tok = strtok_r(buf, " ", &save); tok && n < MAXMSG;
	     tok = strtok_r(NULL, " ", &save), n++) {
		struct expect_tok t;
		size_t len = strlen(tok);
		bool re = tok[len - 1] == '=';

		if (re)
			tok[--len] = '\0';
		CU_ASSERT_EQUAL_FATAL(expect_tok_parse(&t, tok, len), 0);
		strcpy(tmsgs[n].method, t.method);
		strcpy(tmsgs[n].cseq_method, t.cseq_method);
		msgs[n].method = t.method[0] ? tmsgs[n].method : NULL;
		msgs[n].scode = t.method[0] ? 0 : t.code;
		msgs[n].frag_scode = t.method[0] ? t.code : 0;
		msgs[n].cseq_method = tmsgs[n].cseq_method;
		msgs[n].frame = (unsigned)(n + 1) * 2;
		msgs[n].hdrh = hdr_h;
		msgs[n].arg = &tmsgs[n];
		for (k = n; re && k-- > 0;) {
			if (msgs[k].scode == msgs[n].scode
			    && !strcmp(tmsgs[k].method, tmsgs[n].method))
				break;
		}
		snprintf(tmsgs[n].hdrs, sizeof(tmsgs[n].hdrs),
			 "CSeq: %zu X\nVia: SIP/2.0/UDP h;branch=b%zu\n",
			 re ? k : n, re ? k : n);
	}
	return n;
}

static void add_hdr(size_t i, const char *line)
{
	strncat(tmsgs[i].hdrs, line,
		sizeof(tmsgs[i].hdrs) - strlen(tmsgs[i].hdrs) - 1);
}

static char why[1024];

static bool seq(const char *pattern, size_t n, bool skip)
{
	struct expect_seq *s = NULL;
	char err[160];
	bool ok;

	CU_ASSERT_EQUAL_FATAL(expect_seq_compile(&s, pattern, err,
						 sizeof(err)), 0);
	why[0] = '\0';
	ok = expect_seq_match(s, msgs, n, skip, why, sizeof(why));
	expect_seq_free(s);
	return ok;
}

static const char *full =
	"INVITE 100 200 ACK REFER 202 NOTIFY(100) 200 NOTIFY(200) 200 BYE 200";

static void test_seq_exact_and_optional(void)
{
	size_t n = dialog(full);

	CU_ASSERT_TRUE(seq(full, n, false));
	CU_ASSERT_TRUE(seq("INVITE 100? 180? 200 ACK REFER 202|200 "
			   "(NOTIFY(1xx) 200)* NOTIFY(2xx) 200 BYE 200",
			   n, false));
	CU_ASSERT_TRUE(seq(". . . . . . . . . . . .", n, false));
	CU_ASSERT_TRUE(seq("INVITE .* BYE 200", n, false));
	CU_ASSERT_TRUE(seq("INVITE 100 200/INVITE ACK REFER 202/REFER .{6}",
			   dialog("INVITE 100/INVITE 200/INVITE ACK REFER "
				  "202/REFER NOTIFY(100) 200 NOTIFY(200) 200 "
				  "BYE 200"), false));
	CU_ASSERT_FALSE(seq("INVITE 200/BYE .*", dialog("INVITE "
			    "200/INVITE ACK"), false));
}

static void test_seq_explains_wrong_message(void)
{
	size_t n = dialog("INVITE 100 200 ACK REFER 202 NOTIFY(100) 200 BYE "
			  "200");

	CU_ASSERT_FALSE(seq(full, n, false));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "expected NOTIFY(200) at message "
				      "9, got BYE (frame 18)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "after: INVITE 100 200 ACK REFER "
				      "202 NOTIFY(100) 200"));
	/* all live alternatives are listed */
	CU_ASSERT_FALSE(seq("INVITE 100 200 ACK REFER 202 "
			    "(NOTIFY(100) 200)+ NOTIFY(200) 200 BYE 200",
			    n, false));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "expected NOTIFY(100) or "
				      "NOTIFY(200) at message 9"));
}

static void test_seq_explains_end_and_extra(void)
{
	size_t n = dialog("INVITE 100 200 ACK REFER 202");

	CU_ASSERT_FALSE(seq(full, n, false));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "expected NOTIFY(100) at message "
				      "7, got the end of the dialog"));
	n = dialog(full);
	CU_ASSERT_FALSE(seq("INVITE 100 200 ACK REFER 202", n, false));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "expected the end of the dialog "
				      "at message 7, got NOTIFY(100) (frame "
				      "14)"));
}

static void test_seq_retransmissions(void)
{
	size_t n = dialog("INVITE 100 200 ACK REFER 202 NOTIFY(200) 200 "
			  "NOTIFY(200)= 200= BYE 200");

	CU_ASSERT_TRUE(expect_msg_is_retrans(msgs, 8));
	CU_ASSERT_TRUE(expect_msg_is_retrans(msgs, 9));
	CU_ASSERT_FALSE(expect_msg_is_retrans(msgs, 6));
	CU_ASSERT_TRUE(seq("INVITE 100 200 ACK REFER 202 NOTIFY(200) 200 "
			   "BYE 200", n, true));
	CU_ASSERT_FALSE(seq("INVITE 100 200 ACK REFER 202 NOTIFY(200) 200 "
			    "BYE 200", n, false));
	CU_ASSERT_TRUE(seq("INVITE 100 200 ACK REFER 202 (NOTIFY(200) 200)"
			   "{2} BYE 200", n, false));
}

static void test_seq_bad_patterns(void)
{
	static const struct { const char *pattern, *error; } bad[] = {
		{"INVITE (200", "column 12: expected ')' to close the group "
		 "opened at column 8"},
		{"INVITE 200)", "column 11: ')' without a matching '('"},
		{"INVITE invite", "column 8: 'invite' is not a message"},
		{"NOTIFY(2x0)", "'NOTIFY(2x0)' is not a message"},
		{"200{3,1}", "repetition {3,1} out of range"},
		{"200{99}", "out of range 0..50"},
		{"INVITE??", "column 8: a second repetition"},
		{"INVITE |", "expected a message, got the end"},
		{"INVITE 700", "'700' is not a message"},
		{"200/bye", "'200/bye' is not a message"},
		{"((((((((((((((((((200))))))))))))))))))", "nested deeper"},
		{"((INVITE{50}){50}){50}", "pattern too large"},
	};
	struct expect_seq *s;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = NULL;
		err[0] = '\0';
		CU_ASSERT_NOT_EQUAL(expect_seq_compile(&s, bad[i].pattern, err,
						       sizeof(err)), 0);
		CU_ASSERT_PTR_NULL(s);
		if (!strstr(err, bad[i].error))
			fprintf(stderr, "\n'%s': got error '%s'\n",
				bad[i].pattern, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].error));
	}
}

static void test_seq_empty_loop_terminates(void)
{
	size_t n = dialog("INVITE 200 ACK");

	CU_ASSERT_TRUE(seq("(INVITE?)* 200 ACK", n, false));
	CU_ASSERT_TRUE(seq("(100?)* INVITE (100?)+ 200 ACK", n, false));
	CU_ASSERT_TRUE(seq("", dialog(""), false));
}

/* ---- headers ---- */

static const char *lines[8];
static size_t nlines;

static void collect(const char *line, void *arg)
{
	(void)arg;
	if (nlines < 8)
		lines[nlines++] = strdup(line);
}

static void reset_lines(void)
{
	while (nlines)
		free((void *)lines[--nlines]);
}

static struct expect *load_text(const char *json)
{
	struct expect *e = NULL;
	char err[300];

	if (expect_parse(&e, "data/ok.json", json, err, sizeof(err)))
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	return e;
}

#define CASE_HEAD "{\"description\": \"d\", \"peer\": {\"role\": \"carrier\"}," \
	"\"app\": [{\"verb\": \"sip:refer\", \"referTo\": \"+1\"}],"

static void test_headers(void)
{
	struct expect *e = load_text(CASE_HEAD
		"\"sequence\": \".*\", \"headers\": ["
		"{\"message\": \"REFER\", \"name\": \"Refer-To\", "
		" \"regex\": \"^<sip:\\\\+1@[^>]+>$\"},"
		"{\"message\": \"REFER\", \"name\": \"Referred-By\", "
		" \"equals\": \"<sip:a@b>\"},"
		"{\"message\": \"NOTIFY\", \"nth\": \"all\", \"name\": "
		" \"Event\", \"regex\": \"^refer;id=[0-9]+$\"},"
		"{\"message\": \"NOTIFY\", \"nth\": 2, \"name\": \"X-Bad\", "
		" \"absent\": true}]}");
	size_t n = dialog("INVITE 200 ACK REFER 202 NOTIFY(100) 200 "
			  "NOTIFY(200) 200");

	add_hdr(3, "Refer-To: <sip:+1@127.0.0.1>\nReferred-By: <sip:a@b>\n");
	add_hdr(5, "Event: refer;id=3\n");
	add_hdr(7, "Event: refer;id=3\n");
	CU_ASSERT_EQUAL(expect_check_headers(e, msgs, n, collect, NULL), 0);

	n = dialog("INVITE 200 ACK REFER 202 NOTIFY(100) 200 NOTIFY(200) "
		   "200");
	add_hdr(3, "Refer-To: sip:+1@127.0.0.1\n");
	add_hdr(5, "Event: refer\n");
	add_hdr(7, "Event: refer;id=3\nX-Bad: yes\n");
	CU_ASSERT_EQUAL(expect_check_headers(e, msgs, n, collect, NULL), 4);
	CU_ASSERT_EQUAL_FATAL(nlines, 4);
	CU_ASSERT_STRING_EQUAL(lines[0], "headers[0]: 1st REFER (frame 8): "
		"Refer-To: expected a match of '^<sip:\\+1@[^>]+>$', got "
		"'sip:+1@127.0.0.1'");
	CU_ASSERT_STRING_EQUAL(lines[1], "headers[1]: 1st REFER (frame 8): "
		"Referred-By: missing, expected it to be '<sip:a@b>'");
	CU_ASSERT_STRING_EQUAL(lines[2], "headers[2]: 1st NOTIFY (frame 12):"
		" Event: expected a match of '^refer;id=[0-9]+$', got "
		"'refer'");
	CU_ASSERT_STRING_EQUAL(lines[3], "headers[3]: 2nd NOTIFY (frame 16):"
		" X-Bad: expected no such header, got 'yes'");
	reset_lines();

	n = dialog("INVITE 200 ACK REFER 403");
	add_hdr(3, "Refer-To: <sip:+1@h>\nReferred-By: <sip:a@b>\n");
	CU_ASSERT_EQUAL(expect_check_headers(e, msgs, n, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[0], "headers[2]: no 1st NOTIFY in the "
		"dialog (found 0) to check Event on");
	CU_ASSERT_STRING_EQUAL(lines[1], "headers[3]: no 2nd NOTIFY in the "
		"dialog (found 0) to check X-Bad on");
	reset_lines();
	expect_free(e);
}

/* ---- hooks ---- */

static void test_json_subset(void)
{
	static const struct { const char *want, *got; const char *why; } c[] = {
		{"{\"a\": 1}", "{\"a\": 1, \"b\": 2}", NULL},
		{"{\"a\": {\"b\": [1, \"x\"]}}", "{\"a\": {\"b\": [1, \"x\"], "
		 "\"c\": 0}}", NULL},
		{"{\"a\": 1}", "{\"a\": 2}", "a: expected 1, got 2"},
		{"{\"a\": 1}", "{\"a\": \"1\"}",
		 "a: expected 1 (number), got \"1\" (string)"},
		{"{\"a\": 1}", "{}", "a: expected 1, got nothing (no such key)"},
		{"{\"a\": [1]}", "{\"a\": [1, 2]}",
		 "a: expected 1 elements [1], got 2: [1,2]"},
		{"{\"a\": [{\"b\": true}]}", "{\"a\": [{\"b\": false}]}",
		 "a[0].b: expected true, got false"},
		{"{\"a\": {\"$absent\": true}}", "{\"b\": 1}", NULL},
		{"{\"a\": {\"$absent\": true}}", "{\"a\": 1}",
		 "a: expected absent, got 1"},
		{"{\"a\": {\"$present\": true}}", "{\"a\": null}", NULL},
		{"{\"a\": {\"$regex\": \"^[0-9a-f-]{36}$\"}}",
		 "{\"a\": \"0e5a5f0e-8f3c-4b0e-9d7c-1d2e3f4a5b6c\"}", NULL},
		{"{\"a\": {\"$regex\": \"^x\"}}", "{\"a\": \"y\"}",
		 "a: expected regex ^x, got \"y\""},
		{"{\"a\": {\"$nope\": 1}}", "{\"a\": 1}", "a: bad operator $nope"},
		{"{\"a\": 1}", "[1]",
		 "(payload): expected {\"a\":1} (object), got [1] (array)"},
	};
	char w[256];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cJSON *want = cJSON_Parse(c[i].want), *got = cJSON_Parse(c[i].got);
		bool ok;

		CU_ASSERT_PTR_NOT_NULL_FATAL(want);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		w[0] = '\0';
		ok = expect_json_subset(want, got, w, sizeof(w));
		CU_ASSERT_EQUAL(ok, c[i].why == NULL);
		if (c[i].why && !strstr(w, c[i].why))
			fprintf(stderr, "\ncase %zu: got '%s'\n", i, w);
		if (c[i].why)
			CU_ASSERT_PTR_NOT_NULL(strstr(w, c[i].why));
		cJSON_Delete(want);
		cJSON_Delete(got);
	}
}

static void test_hooks(void)
{
	struct expect *e = load_text(CASE_HEAD "\"sequence\": \".*\","
		"\"call_hook\": {\"direction\": \"inbound\"},"
		"\"hooks\": ["
		"{\"path\": \"/event\", \"expect\": {\"event\": "
		" \"transfer-status\", \"call_status\": \"100\"}},"
		"{\"path\": \"/action\", \"method\": \"POST\", \"expect\": "
		" {\"referStatus\": 202, \"final_referred_call_status\": 200}}"
		"]}");
	cJSON *call = cJSON_Parse("{\"direction\": \"inbound\"}");
	cJSON *ev = cJSON_Parse("{\"event\": \"transfer-status\", "
				"\"call_status\": \"100\"}");
	cJSON *act = cJSON_Parse("{\"referStatus\": 202, "
				 "\"final_referred_call_status\": 486}");
	struct expect_hookcall ch = {"/call", "POST", call};
	struct expect_hookcall v[] = {
		{"/event", "POST", ev}, {"/action", "POST", act},
		{"/event", "POST", ev},
	};

	CU_ASSERT_EQUAL(expect_check_hooks(e, &ch, v, 2, collect, NULL), 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks[1] (/action, hook request 2):"
		" final_referred_call_status: expected 200, got 486");
	reset_lines();
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 1, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[0], "call_hook: the call hook was never "
			       "requested");
	CU_ASSERT_STRING_EQUAL(lines[1], "hooks[1] (/action): never requested"
			       " (1 hook requests came, 2 expected)");
	reset_lines();
	v[1].method = "GET";
	CU_ASSERT_EQUAL(expect_check_hooks(e, &ch, v, 3, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks[1] (/action, hook request 2):"
			       " expected POST /action, got GET");
	CU_ASSERT_PTR_NOT_NULL(strstr(lines[1], "hooks: unexpected hook "
				      "request 3: POST /event {"));
	reset_lines();
	v[0].path = "/action";
	CU_ASSERT_EQUAL(expect_check_hooks(e, &ch, v, 1, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks[0] (/event, hook request 1): "
			       "expected a request to /event, got POST "
			       "/action");
	reset_lines();
	cJSON_Delete(call);
	cJSON_Delete(ev);
	cJSON_Delete(act);
	expect_free(e);
}

/* Payloads of the order tests: two eventHooks and an actionHook. */
static cJSON *p100, *p200, *pact;

/* Allocates the payloads; v[i] is a POST of the one order[i] names: '1'
 * and '2' call_status "100" and "200" to /event, 'a' referStatus 202 to
 * /action. */
static void payloads_alloc(struct expect_hookcall *v, const char *order)
{
	size_t i;

	p100 = cJSON_Parse("{\"call_status\": \"100\"}");
	p200 = cJSON_Parse("{\"call_status\": \"200\"}");
	pact = cJSON_Parse("{\"referStatus\": 202}");
	for (i = 0; order[i]; i++) {
		v[i].path = order[i] == 'a' ? "/action" : "/event";
		v[i].method = "POST";
		v[i].payload = order[i] == 'a' ? pact
			: order[i] == '1' ? p100 : p200;
	}
}

static void payloads_free(void)
{
	cJSON_Delete(p100);
	cJSON_Delete(p200);
	cJSON_Delete(pact);
}

static void test_hooks_among_others(void)
{
	struct expect *e = load_text(CASE_HEAD "\"sequence\": \".*\","
		"\"other_hooks\": \"allow\", \"hooks\": ["
		"{\"path\": \"/event\", \"expect\": {\"call_status\": \"200\"}},"
		"{\"path\": \"/action\", \"expect\": {\"referStatus\": 202}}"
		"]}");
	struct expect_hookcall v[4];

	payloads_alloc(v, "121a");
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 4, collect, NULL), 0);
	v[1].payload = p100;
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 4, collect, NULL), 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks[0] (/event): no matching "
		"request after hook request 0; closest, hook request 1: "
		"call_status: expected \"200\", got \"100\"");
	reset_lines();
	payloads_free();
	expect_free(e);
}

static void test_hooks_any_order(void)
{
	struct expect *e = load_text(CASE_HEAD "\"sequence\": \".*\","
		"\"hooks_order\": \"any\", \"hooks\": ["
		"{\"path\": \"/event\", \"expect\": {\"call_status\": \"100\"}},"
		"{\"path\": \"/event\", \"expect\": {\"call_status\": \"200\"}},"
		"{\"path\": \"/action\", \"expect\": {\"referStatus\": 202}}"
		"]}");
	struct expect_hookcall v[4];

	payloads_alloc(v, "a211");
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 3, collect, NULL), 0);
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 4, collect, NULL), 1);
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks: unexpected hook request 4: "
			       "POST /event {\"call_status\":\"100\"}");
	reset_lines();
	v[1].payload = p100;
	CU_ASSERT_EQUAL(expect_check_hooks(e, NULL, v, 3, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[1], "hooks: unexpected hook request 3: "
			       "POST /event {\"call_status\":\"100\"}");
	CU_ASSERT_STRING_EQUAL(lines[0], "hooks[1] (/event): no matching "
		"request among the 3 received; closest, hook request 3: "
		"call_status: expected \"200\", got \"100\"");
	reset_lines();
	payloads_free();
	expect_free(e);
}

static void test_findings(void)
{
	struct expect *e = load_text(CASE_HEAD "\"sequence\": \".*\","
		"\"findings\": {\"must\": [\"refer.accepted-200\"], "
		"\"may\": [\"notify.no-event\"]}}");
	struct expect_finding ok[] = {
		{"refer.accepted-200", false, 9}, {"notify.no-event", true, 12},
		{"style.warning", false, 3},
	};
	struct expect_finding bad[] = {
		{"notify.answered-481", true, 20},
	};

	CU_ASSERT_EQUAL(expect_check_findings(e, ok, 3, collect, NULL), 0);
	CU_ASSERT_EQUAL(expect_check_findings(e, bad, 1, collect, NULL), 2);
	CU_ASSERT_STRING_EQUAL(lines[0], "findings: expected "
		"refer.accepted-200, the analyser did not report it");
	CU_ASSERT_STRING_EQUAL(lines[1], "findings: unexpected error "
			       "notify.answered-481 (frame 20)");
	reset_lines();
	expect_free(e);
}

static const struct unit_test seq_tests[] = {
	{"exact and optional elements", test_seq_exact_and_optional},
	{"explains the wrong message", test_seq_explains_wrong_message},
	{"explains early end and extra messages",
	 test_seq_explains_end_and_extra},
	{"retransmissions", test_seq_retransmissions},
	{"bad patterns name the column", test_seq_bad_patterns},
	{"empty loops terminate", test_seq_empty_loop_terminates},
	{NULL, NULL},
};

static const struct unit_test check_tests[] = {
	{"header checks", test_headers},
	{"JSON subset", test_json_subset},
	{"hook calls in order", test_hooks},
	{"hook calls among others", test_hooks_among_others},
	{"hook calls in any order", test_hooks_any_order},
	{"findings", test_findings},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"sequence patterns", seq_tests},
	{"checks", check_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
