/**
 * @file tcp.c  TCP: per-direction stream reassembly
 */
#include <errno.h>
#include <string.h>
#include "decode/ip.h"
#include "decode/tcp.h"

enum {
	TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04,
	HASH_BUCKETS = 256,
};

/* A segment that arrived before the bytes preceding it. */
struct seg {
	struct le le;
	uint32_t seq;
	uint64_t frame;
	size_t len;
	uint8_t data[];
};

struct tcpflows {
	struct hash *streams;
	struct tcp_stats st;
};

static void tf_destructor(void *arg)
{
	struct tcpflows *tf = arg;

	hash_flush(tf->streams);
	mem_deref(tf->streams);
}

int tcpflows_alloc(struct tcpflows **tfp)
{
	struct tcpflows *tf;
	int err;

	if (!tfp)
		return EINVAL;
	tf = mem_zalloc(sizeof(*tf), tf_destructor);
	if (!tf)
		return ENOMEM;
	err = hash_alloc(&tf->streams, HASH_BUCKETS);
	if (err)
		mem_deref(tf);
	else
		*tfp = tf;
	return err;
}

const struct tcp_stats *tcpflows_stats(const struct tcpflows *tf)
{
	return tf ? &tf->st : NULL;
}

static bool count_h(struct le *le, void *arg)
{
	(void)le;
	++*(size_t *)arg;
	return false;
}

size_t tcpflows_count(const struct tcpflows *tf)
{
	size_t n = 0;

	if (tf)
		(void)hash_apply(tf->streams, count_h, &n);
	return n;
}

static void stream_destructor(void *arg)
{
	struct tcp_stream *s = arg;

	hash_unlink(&s->he);
	list_flush(&s->ooo);
	mem_deref(s->buf);
}

static uint32_t key(const struct sa *src, const struct sa *dst)
{
	return sa_hash(src, SA_ALL) ^ (sa_hash(dst, SA_ALL) * 31);
}

/* The stream's bucket walked here, as hash_lookup() walks it, without
 * a call per entry (the lookup was a tenth of a TCP run's decoding) */
static struct tcp_stream *stream_get(struct tcpflows *tf,
				     const struct sa *src,
				     const struct sa *dst)
{
	struct tcp_stream *s;
	struct le *le;

	for (le = list_head(hash_list(tf->streams, key(src, dst))); le;
	     le = le->next) {
		s = le->data;
		if (ip_sa_same(&s->src, src) && ip_sa_same(&s->dst, dst))
			return s;
	}
	s = mem_zalloc(sizeof(*s), stream_destructor);
	if (!s)
		return NULL;
	s->buf = mbuf_alloc(1024);
	if (!s->buf)
		return mem_deref(s);
	s->src = *src;
	s->dst = *dst;
	hash_append(tf->streams, key(src, dst), &s->he, s);
	++tf->st.streams;
	return s;
}

/* Append the part of [seq, seq+len) that is new; old bytes are dropped. */
static bool deliver(struct tcp_stream *s, uint32_t seq, const uint8_t *p,
		    size_t len, uint64_t frame)
{
	int32_t d = (int32_t)(seq - s->next_seq);
	size_t pos;

	if (d > 0)
		return false;
	if ((int64_t)len <= -(int64_t)d)
		return true;          /* nothing new: a retransmission */
	p += (size_t)-d;
	len -= (size_t)-d;
	if (s->buf->pos == s->buf->end)
		mbuf_rewind(s->buf);
	pos = s->buf->pos;
	s->buf->pos = s->buf->end;
	(void)mbuf_write_mem(s->buf, p, len);
	s->buf->pos = pos;
	s->next_seq += (uint32_t)len;
	s->last_frame = frame;
	return true;
}

static bool drain(struct tcp_stream *s)
{
	bool moved = false, again = true;

	while (again) {
		struct le *le;

		again = false;
		for (le = list_head(&s->ooo); le; le = le->next) {
			struct seg *g = le->data;

			if (deliver(s, g->seq, g->data, g->len, g->frame)) {
				list_unlink(&g->le);
				mem_deref(g);
				moved = again = true;
				break;
			}
		}
	}
	return moved;
}

/* A hole that will not fill: jump to the earliest waiting segment. */
static void skip_hole(struct tcp_stream *s, struct tcpflows *tf)
{
	struct le *le;
	uint32_t first = 0;
	bool any = false;

	for (le = list_head(&s->ooo); le; le = le->next) {
		struct seg *g = le->data;

		if (!any || (int32_t)(g->seq - first) < 0)
			first = g->seq;
		any = true;
	}
	if (!any)
		return;
	/* what came before the hole cannot be completed any more */
	s->buf->pos = s->buf->end;
	s->next_seq = first;
	s->gap = true;
	++tf->st.gaps;
	drain(s);
}

static int hold(struct tcp_stream *s, uint32_t seq, const uint8_t *p,
		size_t len, uint64_t frame)
{
	struct seg *g;
	struct le *le;

	for (le = list_head(&s->ooo); le; le = le->next) {
		g = le->data;
		if (g->seq == seq && g->len >= len)
			return 0;     /* the same early segment, again */
	}
	g = mem_alloc(sizeof(*g) + len, NULL);
	if (!g)
		return ENOMEM;
	memset(&g->le, 0, sizeof(g->le));
	g->seq = seq;
	g->len = len;
	g->frame = frame;
	memcpy(g->data, p, len);
	list_append(&s->ooo, &g->le, g);
	return 0;
}

static int segment(struct tcpflows *tf, struct tcp_stream *s, uint32_t seq,
		   const uint8_t *p, size_t len, uint64_t frame)
{
	int32_t d;
	int err;

	if (!s->synced) {         /* capture began mid-connection: */
		s->synced = true;     /* look for a message start first */
		s->next_seq = seq;
		s->gap = true;
	}
	d = (int32_t)(seq - s->next_seq);
	if (d <= 0) {
		if ((int64_t)len <= -(int64_t)d) {
			++tf->st.retransmitted;
			return 0;
		}
		deliver(s, seq, p, len, frame);
		drain(s);
		return 0;
	}
	++tf->st.out_of_order;
	err = hold(s, seq, p, len, frame);
	if (!err && list_count(&s->ooo) > TCP_MAX_OOO)
		skip_hole(s, tf);
	return err;
}

int tcp_input(struct tcpflows *tf, struct tcp_stream **sp,
	      const struct sa *src, const struct sa *dst, const uint8_t *p,
	      size_t len, uint64_t frame, uint64_t ts_ns)
{
	struct tcp_stream *s;
	struct sa a = *src, b = *dst;
	size_t hlen, before;
	uint8_t flags;
	uint32_t seq;
	int err = 0;

	if (!tf || !sp || !p)
		return EINVAL;
	*sp = NULL;
	if (len < 20)
		return EBADMSG;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < 20 || hlen > len)
		return EBADMSG;
	sa_set_port(&a, (uint16_t)(p[0] << 8 | p[1]));
	sa_set_port(&b, (uint16_t)(p[2] << 8 | p[3]));
	seq = (uint32_t)p[4] << 24 | p[5] << 16 | p[6] << 8 | p[7];
	flags = p[13];
	++tf->st.segments;

	s = stream_get(tf, &a, &b);
	if (!s)
		return ENOMEM;
	s->last_ts = ts_ns;
	before = mbuf_get_left(s->buf);

	if (flags & TH_SYN) {
		s->synced = true;
		s->next_seq = seq + 1;
		mbuf_rewind(s->buf);
		list_flush(&s->ooo);
	}
	else if (len > hlen) {
		err = segment(tf, s, seq, p + hlen, len - hlen, frame);
	}
	if (flags & (TH_FIN | TH_RST))
		s->closed = true;

	if (mbuf_get_left(s->buf) > before)
		s->last_frame = frame;
	if (mbuf_get_left(s->buf) > before || s->closed || s->gap)
		*sp = s;
	if (mbuf_get_left(s->buf) > TCP_MAX_BUF) {
		/* no SIP message is this long: give up on the bytes */
		mbuf_rewind(s->buf);
		s->gap = true;
		++tf->st.gaps;
	}
	return err;
}

void tcp_stream_consumed(struct tcp_stream *s)
{
	if (!s)
		return;
	s->gap = false;
	if (s->buf->pos == s->buf->end)
		mbuf_rewind(s->buf);
	if (s->closed)
		mem_deref(s);
}

static bool idle_h(struct le *le, void *arg)
{
	struct tcp_stream *s = le->data;
	uint64_t now = *(uint64_t *)arg;

	if ((int64_t)(now - s->last_ts) > (int64_t)TCP_IDLE * 1000000000LL)
		mem_deref(s);
	return false;
}

void tcp_expire(struct tcpflows *tf, uint64_t now_ns)
{
	if (tf)
		(void)hash_apply(tf->streams, idle_h, &now_ns);
}

struct flush_ctx {
	struct tcpflows *tf;
	tcp_stream_h *h;
	void *arg;
};

static bool flush_h(struct le *le, void *arg)
{
	struct tcp_stream *s = le->data;
	struct flush_ctx *fc = arg;

	while (!list_isempty(&s->ooo))
		skip_hole(s, fc->tf);
	s->closed = true;
	if (mbuf_get_left(s->buf) && fc->h)
		fc->h(s, fc->arg);
	return false;
}

void tcp_flush(struct tcpflows *tf, tcp_stream_h *h, void *arg)
{
	struct flush_ctx fc = {tf, h, arg};

	if (!tf)
		return;
	(void)hash_apply(tf->streams, flush_h, &fc);
	hash_flush(tf->streams);
}
