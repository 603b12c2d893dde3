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
#include "pcapgen.h"
#include "decode/link.h"
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

/* The same messages, good and bad, over UDP and TCP: as the analyser
 * reads them (decoded into a threaded queue, their fields on the
 * consumer's thread) and as the decoder reads them on its own, give the
 * same events in the same order, the same texts and the same counts. */
enum { LOG_MAX = 8192 };

struct log {
	char text[LOG_MAX];
	size_t len;
	unsigned errs;
};

static void log_msg(const struct wire_msg *wm, void *arg)
{
	struct log *l = arg;
	const struct sipmsg *m = wm->sm;

	l->len += re_snprintf(l->text + l->len, LOG_MAX - l->len,
			      "%llu msg %r %r %u %r %r %r %r/%r\n",
			      (unsigned long long)wm->frame, &m->callid,
			      &m->cseq.met, m->cseq.num, &m->from.tag,
			      &m->to.auri, &m->via.branch, &m->ctyp.type,
			      &m->ctyp.subtype);
}

static void log_err(uint64_t frame, const char *what, void *arg)
{
	struct log *l = arg;

	l->len += re_snprintf(l->text + l->len, LOG_MAX - l->len,
			      "%llu err %s\n", (unsigned long long)frame, what);
	++l->errs;
}

static void log_tick(uint64_t ts_ns, void *arg)
{
	(void)ts_ns;
	(void)arg;
}

static const char *const msgs[] = {
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-1\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-2\r\nFrom: nonsense\r\n",
	"Via: bad\r\nFrom: bad\r\n",           /* the first one says */
	"From: bad\r\nVia: bad\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-3\r\nVia: bad\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-4\r\nCSeq: x y\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-5\r\nc: text\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-6\r\nc: text/plain\r\n",
	"",                          /* no Via, no Call-ID (message()) */
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-7\r\nno colon\r\n",
	"CSeq: x y\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-8\r\nTo: b\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-9\r\nc: x\r\nTo: <>\r\n",
	"Via: SIP/2.0/UDP h;branch=z9hG4bK-a\r\nc: x\r\nCSeq: 1\r\n",
};

/* msgs[i] with the other headers around it; Call-ID missing at 8 */
static size_t message(char *buf, size_t sz, unsigned i, bool req)
{
	return re_snprintf(buf, sz, "%s\r\n%sFrom: <sip:a@h>;tag=f%u\r\n"
			   "To: <sip:b@h>\r\n%sCSeq: %u NOTIFY\r\n"
			   "Content-Length: 0\r\n\r\n",
			   req ? "NOTIFY sip:b@h SIP/2.0" : "SIP/2.0 200 OK",
			   msgs[i], i, i == 8 ? "" : "Call-ID: c@h\r\n", i);
}

static void capture(char **buf, size_t *len)
{
	struct pcapgen *g = NULL;
	struct sa a, b;
	uint32_t seq = 1;
	uint64_t ts = 1;
	char text[512];
	unsigned i;
	FILE *w = open_memstream(buf, len);

	CU_ASSERT_FATAL(w != NULL);
	CU_ASSERT_FATAL(pcapgen_open(&g, w, PG_PCAP, LINKTYPE_RAW) == 0);
	sa_set_str(&a, "127.0.0.1", 5060);
	sa_set_str(&b, "127.0.0.2", 5060);
	for (i = 0; i < 2 * ARRAY_SIZE(msgs); i++) {
		size_t n = message(text, sizeof(text), i / 2, i % 2);

		CU_ASSERT(!pcapgen_udp(g, 0, ts++, &a, &b, text, n, 1500));
		CU_ASSERT(!pcapgen_tcp(g, 0, ts++, &a, &b, seq, PG_ACK, text,
				       n));
		seq += (uint32_t)n;
	}
	mem_deref(g);
	fclose(w);
}

struct stage {
	struct pcapfile *pf;
	struct decoder *d;
	struct msgq *q;
	int ahead;                   /* fields read ahead; -1: msgq_ahead */
};

static void *decode_all(void *arg)
{
	struct stage *st = arg;
	struct pcap_frame fr;

	while (!pcapfile_next(st->pf, &fr))
		decoder_frame(st->d, &fr);
	decoder_flush(st->d);
	if (st->q)
		msgq_close(st->q);
	return NULL;
}

static void queued_msg(const struct wire_msg *wm, void *arg)
{
	CU_ASSERT(msgq_msg(((struct stage *)arg)->q, wm) == 0);
}

static void queued_err(uint64_t frame, const char *what, void *arg)
{
	CU_ASSERT(msgq_err(((struct stage *)arg)->q, frame, what) == 0);
}

static struct sipmsg *queue_room(size_t len, char **bytes, unsigned *ahead,
				 void *arg)
{
	struct stage *st = arg;
	struct sipmsg *sm = msgq_room(st->q, len, bytes);

	*ahead = st->ahead < 0 ? msgq_ahead(st->q) : (unsigned)st->ahead;
	return sm;
}

/* The capture through the decoder, into a threaded queue reading the
 * fields ahead on the decoder's thread (queued >= 0, or -1: as the
 * queue says) or straight to the handlers (queued < -1) */
static void read_capture(char *buf, size_t len, int queued, struct log *l,
			 struct decoder_stats *ds)
{
	struct msgq_handlers h = {log_tick, log_msg, log_err, l};
	struct stage st = {.ahead = queued};
	char why[128];
	pthread_t tid;
	FILE *r = fmemopen(buf, len, "rb");

	CU_ASSERT_FATAL(r && !pcapfile_fopen(&st.pf, r, why, sizeof(why)));
	if (queued >= -1) {
		CU_ASSERT_FATAL(msgq_alloc(&st.q, &h, true) == 0);
		CU_ASSERT_FATAL(!decoder_alloc(&st.d, queued_msg, queued_err,
					       &st));
		decoder_room(st.d, queue_room);
	}
	else {
		CU_ASSERT_FATAL(!decoder_alloc(&st.d, log_msg, log_err, l));
	}
	decoder_views_only(st.d);
	if (st.q) {
		CU_ASSERT_FATAL(!pthread_create(&tid, NULL, decode_all, &st));
		while (msgq_drain(st.q))
			;
		pthread_join(tid, NULL);
	}
	else {
		(void)decode_all(&st);
	}
	*ds = *decoder_stats(st.d);
	if (st.q)
		msgq_stats(st.q, ds);
	mem_deref(st.d);
	mem_deref(st.q);
	mem_deref(st.pf);
	fclose(r);
}

static void test_fields_later(void)
{
	/* the fields read ahead: none, some, all, as the queue says */
	static const int splits[] = {0, SIPMSG_VIA,
		SIPMSG_VIA | SIPMSG_FROM | SIPMSG_TO, SIPMSG_FIELDS, -1};
	static struct log own, queued;
	struct decoder_stats ds_own, ds_queued;
	char *buf = NULL;
	size_t len = 0, i;

	capture(&buf, &len);
	read_capture(buf, len, -2, &own, &ds_own);
	for (i = 0; i < ARRAY_SIZE(splits); i++) {
		memset(&queued, 0, sizeof(queued));
		read_capture(buf, len, splits[i], &queued, &ds_queued);
		CU_ASSERT_STRING_EQUAL(queued.text, own.text);
		CU_ASSERT_EQUAL(ds_queued.sip, ds_own.sip);
		CU_ASSERT_EQUAL(ds_queued.requests, ds_own.requests);
		CU_ASSERT_EQUAL(ds_queued.responses, ds_own.responses);
		CU_ASSERT_EQUAL(ds_queued.malformed, ds_own.malformed);
	}
	free(buf);
	CU_ASSERT(own.len > 0 && own.len < LOG_MAX - 1);
	/* all kinds but 3 fail, each as request and response, twice */
	CU_ASSERT_EQUAL(own.errs, 4 * (ARRAY_SIZE(msgs) - 3));
	CU_ASSERT(strstr(own.text, "9 err SIP message cannot be decoded: "
			 "Via is not") != NULL);
	CU_ASSERT(strstr(own.text, "13 err SIP message cannot be decoded: "
			 "From is not") != NULL);
	CU_ASSERT(strstr(own.text, "41 err SIP message cannot be decoded: "
			 "CSeq is not") != NULL);
	CU_ASSERT(strstr(own.text, "45 err SIP message cannot be decoded: "
			 "Content-Type is not") != NULL);
	CU_ASSERT_EQUAL(ds_own.sip, 12);
	CU_ASSERT_EQUAL(ds_own.malformed, own.errs);
}

/* The producer reads the fields ahead while the consumer is behind
 * (more than half the chunks in flight), and leaves them to it once it
 * has caught up. One thread plays both sides here. */
static void test_ahead(void)
{
	struct seen s = {0};
	struct msgq_handlers h = {tick_h, msg_h, err_h, &s};
	struct msgq *q = NULL;
	unsigned chunks = 1, ts = 0, drained = 0;

	CU_ASSERT_FATAL(msgq_alloc(&q, &h, true) == 0);
	CU_ASSERT_FATAL(msgq_tick(q, ++ts) == 0);
	CU_ASSERT_EQUAL(msgq_ahead(q), 0);
	/* a tick takes 16 bytes: fill chunks up to one past the half */
	while (chunks <= MSGQ_CHUNKS / 2) {
		CU_ASSERT_FATAL(msgq_tick(q, ++ts) == 0);
		if (ts % (MSGQ_CHUNK / 16) == 0)
			++chunks;
		if (chunks <= MSGQ_CHUNKS / 2)
			CU_ASSERT_EQUAL_FATAL(msgq_ahead(q), 0);
	}
	CU_ASSERT_FATAL(msgq_tick(q, ++ts) == 0);
	CU_ASSERT_EQUAL(msgq_ahead(q), SIPMSG_FIELDS);
	while (drained < MSGQ_CHUNKS / 2 && msgq_drain(q))
		++drained;
	while (msgq_ahead(q) && ts < 2 * MSGQ_CHUNKS * MSGQ_CHUNK / 16)
		CU_ASSERT_FATAL(msgq_tick(q, ++ts) == 0);
	CU_ASSERT_EQUAL(msgq_ahead(q), 0);
	msgq_close(q);
	while (msgq_drain(q))
		;
	CU_ASSERT_EQUAL(s.ticks, ts);
	CU_ASSERT_EQUAL(s.bad, 0);
	mem_deref(q);
}

static const struct unit_test tests[] = {
	{"threaded", test_threaded},
	{"direct", test_direct},
	{"room", test_room},
	{"bad_args", test_bad_args},
	{"fields on the consumer's thread", test_fields_later},
	{"fields ahead while the consumer is behind", test_ahead},
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
