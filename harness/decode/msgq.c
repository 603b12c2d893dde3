/**
 * @file msgq.c  The decoder's output, handed from its thread to the model's
 *
 * A chunk is a run of records, each a header and its payload, 8-byte
 * aligned. A message record holds the struct wire_msg, the message's
 * bytes and the struct sipmsg (only the header lines it has), so the
 * consumer's pointers stay valid until it has handled the whole chunk,
 * whatever the producer does to its buffers meanwhile. The decoder
 * copies the bytes there and decodes the copy in place (msgq_room), so
 * nothing is copied twice and no slice needs moving.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "decode/msgq.h"

enum kind { TICK, MSG, ERR };

struct rec {
	uint32_t kind;
	uint32_t size;               /* of the whole record, aligned */
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct msgq {
	struct msgq_handlers h;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t data, space;
	struct chunk *head, *tail;   /* published, oldest first */
	struct chunk *spare;         /* handled MSGQ_CHUNK chunks, for reuse */
	struct chunk *fill;          /* the producer's, not yet published */
	struct rec *room;            /* msgq_room's, not yet a record */
	struct sipmsg *room_sm;      /* the struct sipmsg in it */
	unsigned inflight;           /* chunks out of the spare list */
	bool behind;                 /* the producer's: when it took fill */
	bool closed;
	/* the consumer's: messages that failed decoder_fields */
	uint64_t bad_req, bad_resp;
};

enum { ERR_MAX = 512 };              /* an error text is cut there */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static void chunks_free(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

static void destructor(void *arg)
{
	struct msgq *q = arg;

	chunks_free(q->head);
	chunks_free(q->spare);
	free(q->fill);
	if (q->threaded) {
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->data);
		pthread_cond_destroy(&q->space);
	}
}

int msgq_alloc(struct msgq **qp, const struct msgq_handlers *h,
	       bool threaded)
{
	struct msgq *q;

	if (!qp || !h || !h->tick || !h->msg || !h->err)
		return EINVAL;
	q = mem_zalloc(sizeof(*q), destructor);
	if (!q)
		return ENOMEM;
	q->h = *h;
	if (threaded) {
		if (pthread_mutex_init(&q->mu, NULL))
			return mem_deref(q), ENOMEM;
		if (pthread_cond_init(&q->data, NULL)) {
			pthread_mutex_destroy(&q->mu);
			return mem_deref(q), ENOMEM;
		}
		if (pthread_cond_init(&q->space, NULL)) {
			pthread_cond_destroy(&q->data);
			pthread_mutex_destroy(&q->mu);
			return mem_deref(q), ENOMEM;
		}
		q->threaded = true;
	}
	*qp = q;
	return 0;
}

static void publish(struct msgq *q)
{
	struct chunk *c = q->fill;

	if (!c)
		return;
	q->fill = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	pthread_cond_signal(&q->data);
	pthread_mutex_unlock(&q->mu);
}

/* A chunk with room for need bytes, once fewer than MSGQ_CHUNKS are in
 * flight: the bound on memory, and on how far the producer runs ahead. */
static struct chunk *chunk_get(struct msgq *q, size_t need)
{
	size_t cap = need > MSGQ_CHUNK ? need : MSGQ_CHUNK;
	struct chunk *c = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->inflight >= MSGQ_CHUNKS)
		pthread_cond_wait(&q->space, &q->mu);
	if (cap == MSGQ_CHUNK && q->spare) {
		c = q->spare;
		q->spare = c->next;
	}
	++q->inflight;
	q->behind = q->inflight > MSGQ_CHUNKS / 2;
	pthread_mutex_unlock(&q->mu);
	if (!c)
		c = malloc(sizeof(*c) + cap);
	if (!c) {
		pthread_mutex_lock(&q->mu);
		--q->inflight;
		pthread_mutex_unlock(&q->mu);
		return NULL;
	}
	c->next = NULL;
	c->used = 0;
	c->cap = cap;
	return c;
}

/* Room for size bytes (aligned) at the end of q->fill, not yet taken:
 * the next space() or reserve() hands out the same bytes again. */
static struct rec *space(struct msgq *q, size_t size)
{
	q->room = NULL;
	if (q->fill && q->fill->cap - q->fill->used < size)
		publish(q);
	if (!q->fill && !(q->fill = chunk_get(q, size)))
		return NULL;
	return (struct rec *)((char *)q->fill->data + q->fill->used);
}

/* The size bytes at r, from space(), become a record of q->fill. */
static void take(struct msgq *q, struct rec *r, enum kind kind, size_t size)
{
	r->kind = kind;
	r->size = (uint32_t)size;
	q->fill->used += size;
}

/* A record of size bytes (aligned) at the end of q->fill. */
static struct rec *reserve(struct msgq *q, enum kind kind, size_t size)
{
	struct rec *r;

	size = align8(size);
	r = space(q, size);
	if (r)
		take(q, r, kind, size);
	return r;
}

int msgq_tick(struct msgq *q, uint64_t ts_ns)
{
	struct rec *r;

	if (!q->threaded) {
		q->h.tick(ts_ns, q->h.arg);
		return 0;
	}
	r = reserve(q, TICK, sizeof(*r) + sizeof(ts_ns));
	if (!r)
		return ENOMEM;
	memcpy(r + 1, &ts_ns, sizeof(ts_ns));
	return 0;
}

/* The record: rec, wire_msg, the message's bytes, sipmsg. The bytes
 * come before the struct, whose size is known only once it is decoded
 * (sipmsg_size); the room holds a whole one. */
static size_t at_bytes(void)
{
	return align8(sizeof(struct rec) + sizeof(struct wire_msg));
}

struct sipmsg *msgq_room(struct msgq *q, size_t len, char **bytes)
{
	size_t at_sm = at_bytes() + align8(len);
	struct rec *r;

	if (!q->threaded)
		return NULL;
	r = space(q, at_sm + sizeof(struct sipmsg));
	if (!r)
		return NULL;
	*bytes = (char *)r + at_bytes();
	q->room = r;
	q->room_sm = (struct sipmsg *)((char *)r + at_sm);
	return q->room_sm;
}

unsigned msgq_ahead(const struct msgq *q)
{
	return q->behind ? SIPMSG_FIELDS : 0;
}

int msgq_msg(struct msgq *q, const struct wire_msg *wm)
{
	struct rec *r = q->room;
	struct wire_msg *copy;

	if (!q->threaded) {
		q->h.msg(wm, q->h.arg);
		return 0;
	}
	if (!r)
		return ENOMEM;       /* msgq_room had none, or it was dropped */
	if (wm->sm != q->room_sm)
		return EINVAL;
	take(q, r, MSG, (size_t)((char *)wm->sm - (char *)r) +
	     align8(sipmsg_size(wm->sm)));
	q->room = NULL;
	copy = (struct wire_msg *)(r + 1);
	*copy = *wm;
	copy->msg = NULL;            /* libre's objects stay on their thread */
	copy->body = wm->sm->body;
	return 0;
}

int msgq_err(struct msgq *q, uint64_t frame, const char *what)
{
	size_t n = what ? strnlen(what, ERR_MAX - 1) : 0;
	struct rec *r;
	char *text;

	if (!q->threaded) {
		q->h.err(frame, what, q->h.arg);
		return 0;
	}
	r = reserve(q, ERR, sizeof(*r) + sizeof(frame) + n + 1);
	if (!r)
		return ENOMEM;
	memcpy(r + 1, &frame, sizeof(frame));
	text = (char *)(r + 1) + sizeof(frame);
	if (n)
		memcpy(text, what, n);
	text[n] = '\0';
	return 0;
}

void msgq_close(struct msgq *q)
{
	if (!q->threaded)
		return;
	publish(q);
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_signal(&q->data);
	pthread_mutex_unlock(&q->mu);
}

/* A message decoded into the queue, its lines read (decoder_room): its
 * other fields read here, on the consumer's thread; one that fails them
 * goes to the error handler as the decoder would have sent it, in its
 * place among the events. The struct is the record's, the consumer's
 * now. */
static void message(struct msgq *q, const struct wire_msg *wm)
{
	struct sipmsg *sm = (struct sipmsg *)wm->sm;
	char what[DECODER_WHAT];

	if (!decoder_fields(sm, what, sizeof(what))) {
		q->h.msg(wm, q->h.arg);
		return;
	}
	++*(sm->req ? &q->bad_req : &q->bad_resp);
	q->h.err(wm->frame, what, q->h.arg);
}

static void dispatch(struct msgq *q, const struct chunk *c)
{
	size_t at = 0;

	while (at < c->used) {
		const struct rec *r =
			(const struct rec *)((const char *)c->data + at);
		uint64_t v;

		memcpy(&v, r + 1, sizeof(v));
		if (r->kind == TICK)
			q->h.tick(v, q->h.arg);
		else if (r->kind == MSG)
			message(q, (const struct wire_msg *)(r + 1));
		else
			q->h.err(v, (const char *)(r + 1) + sizeof(v),
				 q->h.arg);
		at += r->size;
	}
}

bool msgq_drain(struct msgq *q)
{
	struct chunk *c;

	if (!q->threaded)
		return false;
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->closed)
		pthread_cond_wait(&q->data, &q->mu);
	c = q->head;
	if (c) {
		q->head = c->next;
		if (!q->head)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	if (!c)
		return false;
	dispatch(q, c);
	pthread_mutex_lock(&q->mu);
	if (c->cap == MSGQ_CHUNK) {
		c->next = q->spare;
		q->spare = c;
		c = NULL;
	}
	--q->inflight;
	pthread_cond_signal(&q->space);
	pthread_mutex_unlock(&q->mu);
	free(c);
	return true;
}

void msgq_stats(const struct msgq *q, struct decoder_stats *st)
{
	uint64_t bad = q->bad_req + q->bad_resp;

	st->sip -= bad;
	st->requests -= q->bad_req;
	st->responses -= q->bad_resp;
	st->malformed += bad;
}
