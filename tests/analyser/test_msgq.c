/**
 * @file test_msgq.c  The queue between the analyser's decoding thread and
 *                    its model: every event arrives, in order, intact
 *
 * The producer runs on its own thread and overwrites its message buffer
 * after each event, as the pcap reader and TCP reassembly reuse theirs:
 * the consumer must still see each message's own bytes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "unit.h"
#include "decode/msgq.h"

enum { NMSG = 3000 };        /* several chunks' worth */

static const char tmpl[] =
	"NOTIFY sip:fs@10.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-%05u\r\n"
	"From: <sip:c@10.0.0.2>;tag=f%05u\r\n"
	"To: <sip:fs@10.0.0.1>;tag=t1\r\n"
	"Call-ID: call-%05u\r\n"
	"CSeq: %u NOTIFY\r\n"
	"Event: refer\r\n"
	"Content-Length: 16\r\n"
	"\r\n"
	"SIP/2.0 200 OK\r\n";

struct seen {
	unsigned ticks, msgs, errs;
	unsigned bad;                /* events out of order or altered */
	uint64_t last_ts;
	bool big;                    /* the oversized error text arrived */
};

static void tick_h(uint64_t ts, void *arg)
{
	struct seen *s = arg;

	if (ts != s->ticks + 1)
		++s->bad;
	s->last_ts = ts;
	++s->ticks;
}

static void msg_h(const struct wire_msg *wm, void *arg)
{
	struct seen *s = arg;
	const struct sipmsg *m = wm->sm;
	char want[32];
	unsigned n = s->msgs;

	(void)re_snprintf(want, sizeof(want), "call-%05u", n);
	if (pl_strcmp(&m->callid, want) || m->cseq.num != n ||
	    wm->frame != s->last_ts || pl_strcmp(&m->cseq.met, "NOTIFY") ||
	    pl_strcmp(&wm->body, "SIP/2.0 200 OK\r\n") ||
	    wm->body.p != m->body.p || wm->msg)
		++s->bad;
	(void)re_snprintf(want, sizeof(want), "f%05u", n);
	if (pl_strcmp(&m->from.tag, want))
		++s->bad;
	++s->msgs;
}

static void err_h(uint64_t frame, const char *what, void *arg)
{
	struct seen *s = arg;

	if (frame != s->last_ts)
		++s->bad;
	if (what[0] == 'e')
		s->big = strlen(what) == MSGQ_CHUNK + 99;
	else if (strcmp(what, "no empty line after the headers"))
		++s->bad;
	++s->errs;
}

struct producer {
	struct msgq *q;
	char buf[1024];
	char *big;                   /* an error text longer than the cut */
	unsigned rooms;              /* messages decoded in the queue */
	int err;
};

/* Every tenth frame an error instead of a message; the buffer is
 * scribbled over after each message, so nothing may point into it. */
static void *produce(void *arg)
{
	struct producer *p = arg;
	unsigned i;

	for (i = 0; i < NMSG && !p->err; i++) {
		struct wire_msg wm = {.frame = i + 1, .ts_ns = i + 1};
		struct sipmsg own, *m;
		const char *why;
		char *bytes;
		int n;

		p->err |= msgq_tick(p->q, i + 1);
		if (i % 10 == 9) {
			/* a message that cannot be decoded: its room is
			 * dropped, its error takes the place */
			(void)msgq_room(p->q, 100, &bytes);
			p->err |= msgq_err(p->q, i + 1, i == 99 ? p->big :
					   "no empty line after the headers");
			continue;
		}
		n = snprintf(p->buf, sizeof(p->buf), tmpl, i, i - i / 10,
			     i - i / 10, i - i / 10);
		/* decoded where the queue keeps it, as the analyser does */
		m = msgq_room(p->q, (size_t)n, &bytes);
		if (m) {
			memcpy(bytes, p->buf, (size_t)n);
			++p->rooms;
		}
		else {
			m = &own;
			bytes = p->buf;
		}
		if (sipmsg_decode(m, bytes, (size_t)n, &why)) {
			p->err = EBADMSG;
			break;
		}
		wm.sm = m;
		wm.body = m->body;
		p->err |= msgq_msg(p->q, &wm);
		memset(p->buf, 'x', sizeof(p->buf));
	}
	msgq_close(p->q);
	return NULL;
}

static void run(bool threaded)
{
	struct seen s = {0};
	struct msgq_handlers h = {tick_h, msg_h, err_h, &s};
	struct producer p = {0};
	pthread_t tid;

	p.big = malloc(MSGQ_CHUNK + 100);
	CU_ASSERT_FATAL(p.big != NULL);
	memset(p.big, 'e', MSGQ_CHUNK + 99);
	p.big[MSGQ_CHUNK + 99] = '\0';
	CU_ASSERT_FATAL(msgq_alloc(&p.q, &h, threaded) == 0);
	if (threaded) {
		CU_ASSERT_FATAL(pthread_create(&tid, NULL, produce, &p) == 0);
		while (msgq_drain(p.q))
			;
		pthread_join(tid, NULL);
	}
	else {
		(void)produce(&p);
		CU_ASSERT(!msgq_drain(p.q));
	}
	CU_ASSERT(p.err == 0);
	CU_ASSERT_EQUAL(s.ticks, NMSG);
	CU_ASSERT_EQUAL(s.msgs, NMSG - NMSG / 10);
	CU_ASSERT_EQUAL(s.errs, NMSG / 10);
	CU_ASSERT_EQUAL(s.bad, 0);
	CU_ASSERT(s.big == !threaded);   /* cut at 511 bytes on the way */
	CU_ASSERT_EQUAL(p.rooms, threaded ? NMSG - NMSG / 10 : 0);
	mem_deref(p.q);
	free(p.big);
}

/* in order and intact across threads, whatever the producer's buffer
 * holds by the time the consumer reads */
static void test_threaded(void)
{
	run(true);
}

/* no thread: each event straight to its handler */
static void test_direct(void)
{
	run(false);
}

static void test_bad_args(void)
{
	struct msgq_handlers h = {NULL, NULL, NULL, NULL};
	struct msgq *q = NULL;

	CU_ASSERT(msgq_alloc(&q, &h, true) == EINVAL);
	CU_ASSERT(msgq_alloc(NULL, &h, true) == EINVAL);
	CU_ASSERT(q == NULL);
}

/* a message must be the one decoded in the last room, and a room does
 * not outlive another event (the decoder's error for that message) */
static void test_room(void)
{
	struct seen s = {0};
	struct msgq_handlers h = {tick_h, msg_h, err_h, &s};
	struct sipmsg other;
	struct wire_msg wm = {.sm = &other};
	struct msgq *q = NULL;
	char *bytes = NULL;

	CU_ASSERT_FATAL(msgq_alloc(&q, &h, true) == 0);
	CU_ASSERT_FATAL(msgq_room(q, 10, &bytes) != NULL);
	CU_ASSERT(bytes != NULL);
	CU_ASSERT_EQUAL(msgq_msg(q, &wm), EINVAL);
	wm.sm = msgq_room(q, 10, &bytes);
	CU_ASSERT_EQUAL(msgq_err(q, 1, "no empty line after the headers"), 0);
	CU_ASSERT_EQUAL(msgq_msg(q, &wm), ENOMEM);
	msgq_close(q);
	while (msgq_drain(q))
		;
	CU_ASSERT_EQUAL(s.msgs, 0);
	CU_ASSERT_EQUAL(s.errs, 1);
	mem_deref(q);
}

static const struct unit_test tests[] = {
	{"threaded", test_threaded},
	{"direct", test_direct},
	{"room", test_room},
	{"bad_args", test_bad_args},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"msgq", tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
