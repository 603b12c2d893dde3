/**
 * @file test_replay.c  Unit tests of referlab replay's stages on the field traces:
 *                      roles, the SIPp rewriting, the sequence, the expectation
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "expect.h"
#include "replay.h"
#include "replay_cmp.h"
#include "unit.h"

#define FIELD "../../captures/field/"

static struct replay_src *load(const char *path)
{
	struct replay_src *rs = NULL;
	char err[512] = "";

	CU_ASSERT_EQUAL(replay_load(&rs, path, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	return rs;
}

static const struct replay_msg *nth(const struct replay_dialog *d, unsigned i)
{
	struct le *le = list_head(&d->msgs);

	while (le && i--)
		le = le->next;
	return le ? le->data : NULL;
}

static char *scenario(const struct replay_dialog *d, enum replay_timing t)
{
	struct replay_opts o = {t};
	char *buf = NULL, err[256];
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	CU_ASSERT_EQUAL_FATAL(replay_sipp_write(f, d, &o, err, sizeof(err)), 0);
	fclose(f);
	return buf;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

static void test_roles(void)
{
	struct replay_src *rs = load(FIELD "notify-no-event-phone.pcapng");
	const struct replay_dialog *d;
	char name[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	d = replay_dialog_of(rs, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_TRUE(d->phone);
	CU_ASSERT_EQUAL(d->nmsgs, 11);
	CU_ASSERT_FALSE(nth(d, 0)->from_far);     /* the referrer's INVITE */
	CU_ASSERT_TRUE(nth(d, 1)->from_far);      /* the phone's 180 */
	CU_ASSERT_TRUE(nth(d, 3)->retrans);       /* 200 OK again */
	CU_ASSERT_FALSE(nth(d, 2)->retrans);
	CU_ASSERT_PTR_NULL(replay_dialog_of(rs, 2));
	replay_case_name(d, name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "notify-no-event-phone-t1");
	mem_deref(rs);

	rs = load(FIELD "notify-after-bye.pcap");
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	d = replay_dialog_of(rs, 1);
	CU_ASSERT_FALSE(d->phone);
	CU_ASSERT_TRUE(nth(d, 0)->from_far);      /* the carrier's INVITE */
	CU_ASSERT_FALSE(nth(d, 4)->from_far);     /* the REFER */
	mem_deref(rs);
}

static void test_no_refer(void)
{
	struct replay_src *rs = NULL;
	char err[512];

	CU_ASSERT_EQUAL(replay_load(&rs, "data/no-refer.pcap", err,
				    sizeof(err)), ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "data/no-refer.pcap: no REFER in the "
			       "capture: nothing to replay");
	CU_ASSERT_PTR_NULL(rs);
	CU_ASSERT_NOT_EQUAL(replay_load(&rs, "data/none.pcap", err,
					sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "data/none.pcap"));
}

/* Nothing of the original run is left: addresses, tags, the REFER's
 * CSeq in Event; the far end's requests use the dialog as set up anew. */
static void test_carrier_rewrite(void)
{
	struct replay_src *rs = load(FIELD "notify-after-bye.pcap");
	char *all = scenario(replay_dialog_of(rs, 1), REPLAY_RECORDED);
	const char *x = strstr(all, "<scenario");   /* past the comment */

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NULL(strstr(x, "203.0.113.5"));
	CU_ASSERT_PTR_NULL(strstr(x, "10.1.2.3"));
	CU_ASSERT_PTR_NULL(strstr(x, "car-nab"));
	CU_ASSERT_PTR_NULL(strstr(x, "jb-nab"));
	CU_ASSERT_PTR_NULL(strstr(x, "z9hG4bK-nab"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "INVITE sip:+15551230002@[remote_ip]:"
				      "[remote_port] SIP/2.0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<recv response=\"100\" "
				      "optional=\"true\"/>\n  <recv response="
				      "\"180\" optional=\"true\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<recv response=\"200\" rrs=\"true\">"
				      "\n    <action>\n      <ereg regexp=\".*\" "
				      "search_in=\"hdr\" header=\"To:\" "
				      "assign_to=\"iut_id\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "assign_to=\"_,refer_cseq_1\""));
	CU_ASSERT_EQUAL(count(x, "Event: refer;id=[$refer_cseq_1]"), 2);
	CU_ASSERT_EQUAL(count(x, "tag=[pid]RPL[call_number]"), 5);
	CU_ASSERT_EQUAL(count(x, "To: [$iut_id]"), 4);   /* ACK BYE 2 NOTIFY */
	CU_ASSERT_EQUAL(count(x, "[next_url] SIP/2.0"), 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "c=IN IP4 [media_ip]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "Contact: <sip:+15551230001@"
				      "[local_ip]:[local_port]>"));
	/* REFER at 0.900, our 202 at 0.950, our BYE 10 ms later */
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<pause milliseconds=\"50\"/>\n  "
				      "<send>\n    <![CDATA[\n      SIP/2.0 202"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "[last_Via:]\n      [last_From:]\n"
				      "      [last_To:]\n      Call-ID: [call_id]"
				      "\n      [last_CSeq:]"));
	free(all);
	all = scenario(replay_dialog_of(rs, 1), REPLAY_FAST);
	CU_ASSERT_PTR_NULL(strstr(all, "<pause"));
	free(all);
	mem_deref(rs);
}

static void test_phone_rewrite(void)
{
	struct replay_src *rs = load(FIELD "notify-no-event-phone.pcapng");
	char *x = scenario(replay_dialog_of(rs, 1), REPLAY_FAST);

	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<scenario name=\"replay "
				      "notify-no-event-phone-t1\">\n  <recv "
				      "request=\"INVITE\" rrs=\"true\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "header=\"From:\" assign_to="
				      "\"iut_id\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "header=\"To:\" assign_to="
				      "\"far_id\""));
	CU_ASSERT_EQUAL(count(x, "[last_To:];tag=[pid]RPL[call_number]"), 2);
	/* the retransmitted 200 is SIPp's business: once, and the sipfrag */
	CU_ASSERT_EQUAL(count(x, "SIP/2.0 200 OK\n"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "From: [$far_id];tag="
				      "[pid]RPL[call_number]\n      To: "
				      "[$iut_id]"));
	CU_ASSERT_PTR_NULL(strstr(x, "192.168.1.50"));
	CU_ASSERT_PTR_NULL(strstr(x, "Event:"));           /* none to rewrite */
	CU_ASSERT_PTR_NULL(strstr(x, "refer_cseq"));       /* nor to capture */
	free(x);
	mem_deref(rs);
}

/* The referrer's retransmissions are not in the scenario (SIPp takes an
 * optional receive only before a mandatory one); the far end waits as
 * long as it did, so the implementation retransmits as it did. */
static void test_retransmitted_refer(void)
{
	struct replay_src *rs = load(FIELD "refer-retransmitted.pcap");
	char *x = scenario(replay_dialog_of(rs, 1), REPLAY_RECORDED);

	CU_ASSERT_EQUAL(count(x, "<recv request=\"REFER\""), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "<pause milliseconds=\"1700\"/>\n"
				      "  <send>\n    <![CDATA[\n      SIP/2.0 202"));
	CU_ASSERT_PTR_NOT_NULL(strstr(x, "[last_Via:]"));
	CU_ASSERT_PTR_NULL(strstr(x, "_via]"));  /* no variables of requests */
	free(x);
	mem_deref(rs);
}

static void test_sequence(void)
{
	struct replay_src *rs = load(FIELD "notify-after-bye.pcap");
	char seq[512];

	CU_ASSERT_EQUAL(replay_sequence(replay_dialog_of(rs, 1), true, seq,
					sizeof(seq)), 0);
	CU_ASSERT_STRING_EQUAL(seq, "INVITE 1xx* 200 ACK REFER 202 BYE 200 "
			       "NOTIFY(100) 200 NOTIFY(200) 200");
	CU_ASSERT_EQUAL(replay_sequence(replay_dialog_of(rs, 1), false, seq,
					sizeof(seq)), 0);
	CU_ASSERT_STRING_EQUAL(seq, "INVITE 100 200 ACK REFER 202 BYE 200 "
			       "NOTIFY(100) 200 NOTIFY(200) 200");
	mem_deref(rs);
	rs = load(FIELD "notify-no-event-phone.pcapng");
	CU_ASSERT_EQUAL(replay_sequence(replay_dialog_of(rs, 1), true, seq,
					sizeof(seq)), 0);
	CU_ASSERT_STRING_EQUAL(seq, "INVITE 180 200 ACK REFER 202 NOTIFY(200) "
			       "200 BYE 200");
	mem_deref(rs);
}

static const cJSON *get(const cJSON *o, const char *path)
{
	char buf[128], *save = NULL, *k;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".",
								 &save))
		o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(k)) :
			cJSON_GetObjectItemCaseSensitive(o, k);
	return o;
}

static const char *str(const cJSON *o, const char *path)
{
	const cJSON *s = get(o, path);

	return cJSON_IsString(s) ? s->valuestring : "(none)";
}

/* The emitted case loads with the peer library's own loader. */
static void emit_and_load(const struct replay_dialog *d, cJSON **jp)
{
	struct replay_opts o = {REPLAY_RECORDED};
	char dir[] = "/tmp/referlab-replay-unit-XXXXXX", name[128];
	char path[256], err[512];
	struct expect *e = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL(replay_emit(d, &o, dir, err, sizeof(err)), 0);
	replay_case_name(d, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	CU_ASSERT_EQUAL(expect_load(&e, path, err, sizeof(err)), 0);
	expect_free(e);
	*jp = replay_expectation(d);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	unlink(path);
	rmdir(dir);
}

static void test_expectation(void)
{
	struct replay_src *rs = load(FIELD "notify-no-event-phone.pcapng");
	cJSON *j;

	emit_and_load(replay_dialog_of(rs, 1), &j);
	CU_ASSERT_STRING_EQUAL(str(j, "peer.role"), "phone");
	CU_ASSERT_STRING_EQUAL(str(j, "peer.dial_user"), "desk");
	CU_ASSERT_STRING_EQUAL(str(j, "call_hook.direction"), "outbound");
	CU_ASSERT_STRING_EQUAL(str(j, "app.0.referTo"),
			       "<sip:+15083084809@192.168.1.50>");
	CU_ASSERT_STRING_EQUAL(str(j, "app.0.headers.X-Reason"),
			       "desk-handoff");
	CU_ASSERT_STRING_EQUAL(str(j, "findings.must.0"),
			       "notify.event.missing");
	CU_ASSERT_STRING_EQUAL(str(j, "findings.must.1"),
			       "notify.substate.missing");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(get(j, "findings.must")), 2);
	CU_ASSERT_EQUAL(get(j, "answers./action.delay_ms")->valueint, 1200);
	cJSON_Delete(j);
	mem_deref(rs);

	rs = load(FIELD "accept-200-tcp.pcapng");
	emit_and_load(replay_dialog_of(rs, 1), &j);
	CU_ASSERT_STRING_EQUAL(str(j, "peer.transport"), "tcp");
	CU_ASSERT_STRING_EQUAL(str(j, "findings.must.0"),
			       "refer.accepted-not-202");
	CU_ASSERT_EQUAL(get(j, "hooks.2.expect.referStatus")->valueint, 200);
	cJSON_Delete(j);
	mem_deref(rs);

	/* BYE before the final NOTIFY: the verb completes at the BYE, the
	 * NOTIFYs after it still fire eventHooks */
	rs = load(FIELD "notify-after-bye.pcap");
	emit_and_load(replay_dialog_of(rs, 1), &j);
	CU_ASSERT_STRING_EQUAL(str(j, "hooks.0.path"), "/action");
	CU_ASSERT_STRING_EQUAL(str(j, "hooks.1.expect.call_status"), "100");
	CU_ASSERT_STRING_EQUAL(str(j, "hooks.2.expect.call_status"), "200");
	cJSON_Delete(j);
	mem_deref(rs);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* `referlab replay`'s comparison of a case folder after its run */
static char *compare(const struct replay_dialog *d, const char *work)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *f = open_memstream(&buf, &sz);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	replay_compare(f, d, work);
	fclose(f);
	return buf;
}

static void test_compare(void)
{
	struct replay_src *rs = load(FIELD "notify-after-bye.pcap");
	const struct replay_dialog *d = replay_dialog_of(rs, 1);
	char work[] = "/tmp/referlab-cmp-XXXXXX", dir[PATH_MAX], name[128];
	char pcap[PATH_MAX + 16], *out, *orig;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(work));
	replay_case_name(d, name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/run", work);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/run/%s", work, name);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);

	/* a case that left nothing behind: each missing piece is said */
	out = compare(d, work);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "verdict: none (no verdict.json)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "   replay capture: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "received: none recorded ("));
	CU_ASSERT_PTR_NULL(strstr(out, "   replay    REFER"));
	free(out);

	/* a verdict with text after it, a hooks.jsonl line that is not
	 * JSON: both said with their offsets; the good line still shown */
	put_file(dir, "verdict.json", "{\"verdict\":\"PASS\"} {}");
	put_file(dir, "hooks.jsonl", "{\"path\":\"/action\",\"body\":{\"a\":1}}\n"
		 "{\"path\":\n");
	snprintf(pcap, sizeof(pcap), "%s/capture.pcap", dir);
	orig = realpath(FIELD "notify-after-bye.pcap", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(orig);
	CU_ASSERT_EQUAL_FATAL(symlink(orig, pcap), 0);
	free(orig);
	out = compare(d, work);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "   verdict: unreadable: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "verdict.json: offset 19"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "   received  /action  {\"a\":1}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "hooks.jsonl: offset 42 (line 2): "
				      "not valid JSON"));
	/* the replay is the original itself: every step matches */
	CU_ASSERT_PTR_NULL(strstr(out, " <\n"));
	CU_ASSERT_PTR_NULL(strstr(out, " > "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "   replay    REFER -> "));
	free(out);

	/* a FAIL verdict lists its failures and errors */
	put_file(dir, "verdict.json", "{\"verdict\":\"FAIL\",\"failures\":"
		 "[{\"message\":\"no actionHook\"}],\"errors\":[\"sipp exit 1\"]}");
	out = compare(d, work);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "   verdict: FAIL\n"
				      "     - no actionHook\n"
				      "     - sipp exit 1\n"));
	free(out);

	unlink(pcap);
	snprintf(pcap, sizeof(pcap), "%s/verdict.json", dir);
	unlink(pcap);
	snprintf(pcap, sizeof(pcap), "%s/hooks.jsonl", dir);
	unlink(pcap);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/run", work);
	rmdir(dir);
	rmdir(work);
	mem_deref(rs);
}

static const struct unit_test tests[] = {
	{"roles: who placed the call, who sent what", test_roles},
	{"a capture without REFER", test_no_refer},
	{"carrier scenario: rewriting", test_carrier_rewrite},
	{"phone scenario: rewriting", test_phone_rewrite},
	{"retransmitted REFER", test_retransmitted_refer},
	{"sequence patterns", test_sequence},
	{"expectation", test_expectation},
	{"comparison of a case folder after its replay", test_compare},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"replay", tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
