/**
 * @file test_runner_observe.c  A case judges its own call only: another
 *                              call on its ports is left out of its checks
 *
 * The capture below is what a case saw when a neighbour's call came in on
 * a reused port first: the neighbour's INVITE, then the case's own call,
 * then the neighbour's BYE. The case's SIPp peer sent in its own call
 * only (its message log), so only that call is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <re.h>
#include "pcapgen.h"
#include "runner_case.h"
#include "runner_observe.h"
#include "unit.h"

static char tmpdir[] = "/tmp/referlab-observe-XXXXXX";
static char pcap[sizeof(tmpdir) + 32];

static void sip(struct pcapgen *g, uint64_t ts, uint16_t sport,
		uint16_t dport, const char *start, const char *callid,
		const char *cseq)
{
	struct sa s, d;
	char m[512];
	int n;

	sa_set_str(&s, "127.0.0.1", sport);
	sa_set_str(&d, "127.0.0.1", dport);
	n = snprintf(m, sizeof(m), "%s\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s%s\r\n"
		     "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>%s\r\n"
		     "Call-ID: %s\r\nCSeq: %s\r\nMax-Forwards: 70\r\n"
		     "Content-Length: 0\r\n\r\n", start,
		     start[0] == 'S' ? dport : sport, callid, cseq,
		     start[0] == 'S' || !strncmp(start, "ACK", 3) ||
		     !strncmp(start, "BYE", 3) ? ";tag=2" : "", callid, cseq);
	CU_ASSERT_EQUAL(pcapgen_udp(g, 0, ts, &s, &d, m, (size_t)n, 65535), 0);
}

/* the neighbour on 24001 <-> 24003, the case on 24000 <-> 24002 */
static void write_capture(void)
{
	struct pcapgen *g = NULL;
	FILE *f = fopen(pcap, "wb");

	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(pcapgen_open(&g, f, PG_PCAP, 1) == 0);
	sip(g, 1000000000, 24001, 24003, "INVITE sip:b@127.0.0.1 SIP/2.0",
	    "neighbour-1", "1 INVITE");
	sip(g, 1001000000, 24000, 24002, "INVITE sip:b@127.0.0.1 SIP/2.0",
	    "own-1", "7 INVITE");
	sip(g, 1002000000, 24002, 24000, "SIP/2.0 200 OK", "own-1", "7 INVITE");
	sip(g, 1003000000, 24000, 24002, "ACK sip:b@127.0.0.1 SIP/2.0",
	    "own-1", "7 ACK");
	sip(g, 1004000000, 24003, 24001, "BYE sip:a@127.0.0.1 SIP/2.0",
	    "neighbour-1", "2 BYE");
	mem_deref(g);
	fclose(f);
}

static void test_own_call_only(void)
{
	struct callids own = {.n = 0};
	struct observed ob;
	char err[256];
	size_t i;

	write_capture();
	CU_ASSERT_TRUE(callids_add(&own, "own-1", 5));
	CU_ASSERT_EQUAL_FATAL(observe_pcap(&ob, pcap, 0, &own, err,
					   sizeof(err)), 0);
	CU_ASSERT_EQUAL(ob.calls, 2);
	CU_ASSERT_EQUAL(ob.foreign, 2);
	CU_ASSERT_STRING_EQUAL(ob.foreign_callid, "neighbour-1");
	CU_ASSERT_EQUAL_FATAL(ob.viewc, 3);
	CU_ASSERT_STRING_EQUAL(ob.view[0].method, "INVITE");
	CU_ASSERT_EQUAL(ob.view[0].frame, 2);
	CU_ASSERT_EQUAL(ob.view[1].scode, 200);
	CU_ASSERT_STRING_EQUAL(ob.view[2].method, "ACK");
	for (i = 0; i < ob.viewc; i++) {
		const char *v;
		size_t len;

		CU_ASSERT_TRUE(ob.view[i].hdrh(ob.view[i].arg, "Call-ID", 0,
					       &v, &len) && len == 5 &&
			       !strncmp(v, "own-1", 5));
	}
	observe_free(&ob);
}

/* Not knowing the case's call, the first INVITE would be judged: the
 * runner makes that an ERROR when the capture holds several calls. */
static void test_unknown_counts_calls(void)
{
	struct observed ob;
	char err[256];

	write_capture();
	CU_ASSERT_EQUAL_FATAL(observe_pcap(&ob, pcap, 0, NULL, err,
					   sizeof(err)), 0);
	CU_ASSERT_EQUAL(ob.calls, 2);
	CU_ASSERT_EQUAL(ob.foreign, 0);
	observe_free(&ob);
}

/* SIPp's -trace_msg log: what it received could be anyone's, what it
 * sent is its call; a sipfrag body may quote another Call-ID. */
static void test_peer_callids(void)
{
	static const char log[] =
	"----------------------------------------------- 2026-12-03 09:21:07.1\n"
	"UDP message received [300] bytes :\n\n"
	"INVITE sip:phone@127.0.0.1:24002 SIP/2.0\n"
	"Call-ID: neighbour-1\n\n"
	"----------------------------------------------- 2026-12-03 09:21:07.2\n"
	"UDP message sent (265 bytes):\n\n"
	"SIP/2.0 180 Ringing\n"
	"Call-ID:   own-1  \n"
	"Content-Length: 0\n\n\n"
	"----------------------------------------------- 2026-12-03 09:21:07.3\n"
	"UDP message sent (400 bytes):\n\n"
	"NOTIFY sip:a@127.0.0.1 SIP/2.0\n"
	"i: own-1\n"
	"Content-Type: message/sipfrag\n\n"
	"SIP/2.0 200 OK\n"
	"Call-ID: target-call@target.example\n\n";
	struct case_ctx x;
	struct callids ids;
	char path[sizeof(tmpdir) + 32], why[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sipp-messages.log", tmpdir);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(log, f);
	fclose(f);
	memset(&x, 0, sizeof(x));
	x.dir = tmpdir;
	CU_ASSERT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(ids.n, 1);
	CU_ASSERT_STRING_EQUAL(ids.v[0], "own-1");
	CU_ASSERT_STRING_EQUAL(why, "");

	/* a Call-ID too long to hold: unknown, not a wrong one, and said */
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "-----\nUDP message sent (9 bytes):\n\nSIP/2.0 200 OK\n"
		"Call-ID: %0300d\n\n", 1);
	fclose(f);
	CU_ASSERT_NOT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(ids.n, 0);
	CU_ASSERT_STRING_EQUAL(why, "sipp-messages.log line 5: a Call-ID "
			       "longer than 255 characters");

	unlink(path);
	CU_ASSERT_NOT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(ids.n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "sipp-messages.log: "));
}

/* SIPp logs each message whole, so a line is as long as the message
 * makes it: a long body line (received or sent), a long header of its
 * own. None of them can hold the Call-ID; only a Call-ID line beyond the
 * reader's buffer makes the list unknown. */
static void write_long(const char *path, const char *before, size_t n,
		       const char *after)
{
	FILE *f = fopen(path, "w");
	size_t i;

	CU_ASSERT_FATAL(f != NULL);
	fputs(before, f);
	for (i = 0; i < n; i++)
		fputc(i % 64 == 63 ? '-' : 'x', f);
	fputs(after, f);
	fclose(f);
}

static void test_peer_callids_long_lines(void)
{
	FILE *f;
	static const char sent[] =
	"----------------------------------------------- 2026-12-03 09:21:07.2\n"
	"UDP message sent (265 bytes):\n\n"
	"INVITE sip:iut@127.0.0.1:24002 SIP/2.0\r\n"
	"Call-ID: own-1\r\n"
	"Content-Type: application/sdp\r\n\r\n"
	"v=0\r\n\n";
	static const char received[] =
	"----------------------------------------------- 2026-12-03 09:21:07.3\n"
	"UDP message received [5100] bytes :\n\n"
	"SIP/2.0 200 OK\r\n"
	"Call-ID: own-1\r\n"
	"Content-Type: text/plain\r\n\r\n";
	static const char then_sent[] =
	"\r\n\n"
	"----------------------------------------------- 2026-12-03 09:21:07.4\n"
	"UDP message sent (300 bytes):\n\n"
	"ACK sip:iut@127.0.0.1:24002 SIP/2.0\r\n"
	"i: own-2\r\n\r\n\n";
	char path[sizeof(tmpdir) + 32], why[256], *head;
	struct case_ctx x;
	struct callids ids;
	size_t n;

	memset(&x, 0, sizeof(x));
	x.dir = tmpdir;
	snprintf(path, sizeof(path), "%s/sipp-messages.log", tmpdir);
	n = strlen(sent) + strlen(received) + 1;
	head = malloc(n);
	CU_ASSERT_FATAL(head != NULL);
	snprintf(head, n, "%s%s", sent, received);

	/* a 5000-byte body line in a message SIPp received */
	write_long(path, head, 5000, then_sent);
	CU_ASSERT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(ids.n, 2);
	CU_ASSERT_STRING_EQUAL(ids.v[0], "own-1");
	CU_ASSERT_STRING_EQUAL(ids.v[1], "own-2");

	/* a 5000-byte header of a message SIPp sent, before its Call-ID */
	write_long(path, "-----\nUDP message sent (9 bytes):\n\n"
		   "INVITE sip:iut@127.0.0.1 SIP/2.0\r\nX-Long: ", 5000,
		   "\r\nCall-ID: own-3\r\n\r\n");
	CU_ASSERT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(ids.n, 1);
	CU_ASSERT_STRING_EQUAL(ids.v[0], "own-3");

	/* a Call-ID line beyond the buffer: unknown, and said where */
	write_long(path, "-----\nUDP message sent (9 bytes):\n\n"
		   "INVITE sip:iut@127.0.0.1 SIP/2.0\r\nCall-ID: ", 5000,
		   "\r\n\r\n");
	CU_ASSERT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)),
			ENAMETOOLONG);
	CU_ASSERT_EQUAL(ids.n, 0);
	CU_ASSERT_STRING_EQUAL(why, "sipp-messages.log line 5: a Call-ID "
			       "longer than 255 characters");
	/* a NUL byte in a line before the Call-ID: that line is whole, the
	 * next one is not its rest */
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs("-----\nUDP message sent (9 bytes):\n\n"
	      "INVITE sip:iut@127.0.0.1 SIP/2.0\r\nX-Nul: a", f);
	fputc('\0', f);
	fputs("b\r\nCall-ID: own-4\r\n\r\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(peer_callids(&x, &ids, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(ids.n, 1);
	CU_ASSERT_STRING_EQUAL(ids.v[0], "own-4");
	free(head);
	unlink(path);
}

static const struct unit_test observe_tests[] = {
	{"the case's own call only", test_own_call_only},
	{"unknown: the calls are counted", test_unknown_counts_calls},
	{"the peer's Call-IDs from its log", test_peer_callids},
	{"long lines in the peer's log", test_peer_callids_long_lines},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"observe", observe_tests},
	{NULL, NULL},
};

int main(void)
{
	char cmd[64];
	int r;

	if (!mkdtemp(tmpdir))
		return 2;
	snprintf(pcap, sizeof(pcap), "%s/capture.pcap", tmpdir);
	r = unit_run(suites);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	(void)!system(cmd);
	return r;
}
