/**
 * @file tmrq.c  Timer queue: the sim's many timers under one libre timer
 */
#include "tmrq.h"

enum { HEAP_MIN = 64 };

struct tmrq {
	struct tmrq_ent **v;   /* v[0] unused: slot i's children 2i, 2i+1 */
	uint32_t n, cap;       /* entries, slots allocated (v[0] included) */
	uint64_t seq;          /* next start order                         */
	struct tmr tmr;        /* the one libre timer, at v[1]'s deadline  */
	uint64_t armed;        /* its deadline while running               */
	tmrq_clock_h *clockh;
	void *clock_arg;
};

static void destructor(void *arg)
{
	struct tmrq *q = arg;

	/* entries hold references: none is queued any more */
	tmr_cancel(&q->tmr);
	mem_deref(q->v);
}

static uint64_t now_ms(const struct tmrq *q)
{
	return q->clockh ? q->clockh(q->clock_arg) : tmr_jiffies();
}

static bool before(const struct tmrq_ent *a, const struct tmrq_ent *b)
{
	return a->jfs < b->jfs || (a->jfs == b->jfs && a->seq < b->seq);
}

static void place(struct tmrq *q, uint32_t i, struct tmrq_ent *e)
{
	q->v[i] = e;
	e->pos = i;
}

/* Moves e, whose slot is i, up or down to where the heap order holds. */
static void sift(struct tmrq *q, uint32_t i, struct tmrq_ent *e)
{
	uint32_t c;

	while (i > 1 && before(e, q->v[i / 2])) {
		place(q, i, q->v[i / 2]);
		i /= 2;
	}
	while ((c = 2 * i) <= q->n) {
		if (c < q->n && before(q->v[c + 1], q->v[c]))
			++c;
		if (!before(q->v[c], e))
			break;
		place(q, i, q->v[c]);
		i = c;
	}
	place(q, i, e);
}

static void poll_h(void *arg);

/* The libre timer at the earliest deadline: it only ever moves earlier
 * here. A cancelled earliest entry leaves it early; it then fires, finds
 * nothing due and re-arms: cheaper than a list walk per cancel. */
static void arm(struct tmrq *q, uint64_t now)
{
	uint64_t jfs = q->v[1]->jfs;

	if (tmr_isrunning(&q->tmr) && q->armed <= jfs)
		return;
	q->armed = jfs;
	tmr_start(&q->tmr, jfs > now ? jfs - now : 0, poll_h, q);
}

static int grow(struct tmrq *q)
{
	uint32_t cap = q->cap ? 2 * q->cap : HEAP_MIN;
	struct tmrq_ent **v;

	if (q->n + 1 < q->cap)
		return 0;
	v = mem_reallocarray(q->v, cap, sizeof(*v), NULL);
	if (!v)
		return ENOMEM;
	q->v = v;
	q->cap = cap;
	return 0;
}

int tmrq_alloc(struct tmrq **qp, tmrq_clock_h *clockh, void *clock_arg)
{
	struct tmrq *q;

	if (!qp)
		return EINVAL;
	q = mem_zalloc(sizeof(*q), destructor);
	if (!q)
		return ENOMEM;
	tmr_init(&q->tmr);
	q->clockh = clockh;
	q->clock_arg = clock_arg;
	*qp = q;
	return 0;
}

int tmrq_start(struct tmrq_ent *e, struct tmrq *q, uint64_t delay,
	       tmr_h *th, void *arg)
{
	uint64_t now;
	int err;

	if (!e || !q || !th)
		return EINVAL;
	tmrq_cancel(e);
	err = grow(q);
	if (err)
		return err;
	now = now_ms(q);
	e->jfs = now + delay;
	if (delay >= TMRQ_COARSE_MS)
		e->jfs += (TMRQ_GRAIN_MS - e->jfs % TMRQ_GRAIN_MS) %
			TMRQ_GRAIN_MS;
	e->seq = q->seq++;
	e->th = th;
	e->arg = arg;
	e->q = mem_ref(q);
	++q->n;
	sift(q, q->n, e);
	arm(q, now);
	return 0;
}

void tmrq_cancel(struct tmrq_ent *e)
{
	struct tmrq *q;
	struct tmrq_ent *last;

	if (!e || !e->pos)
		return;
	q = e->q;
	last = q->v[q->n--];
	if (last != e)
		sift(q, e->pos, last);
	e->pos = 0;
	e->q = NULL;
	mem_deref(q);
}

bool tmrq_isrunning(const struct tmrq_ent *e)
{
	return e && e->pos;
}

uint32_t tmrq_count(const struct tmrq *q)
{
	return q ? q->n : 0;
}

uint64_t tmrq_next(const struct tmrq *q)
{
	return q && q->n ? q->v[1]->jfs : 0;
}

void tmrq_poll(struct tmrq *q)
{
	uint64_t now, bound;
	struct tmrq_ent *e;
	tmr_h *th;
	void *arg;

	if (!q)
		return;
	/* the last entry may be cancelled by a handler: q lives on till
	 * the loop is over */
	mem_ref(q);
	now = now_ms(q);
	bound = q->seq;
	while (q->n && (e = q->v[1])->jfs <= now && e->seq < bound) {
		th = e->th;
		arg = e->arg;
		tmrq_cancel(e);
		th(arg);
	}
	if (q->n)
		arm(q, now_ms(q));
	mem_deref(q);
}

static void poll_h(void *arg)
{
	tmrq_poll(arg);
}
