/**
 * @file test_tmrq.c  The sim's timer queue: order, cancel, re-arm, scale
 *
 * A fake clock drives tmrq_poll() directly; one test runs the real libre
 * event loop to check the queue's own libre timer.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "tmrq.h"
#include "unit.h"

static uint64_t fake_now;

static uint64_t fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

struct ent {
	struct tmrq_ent te;
	struct tmrq *q;
	unsigned id;
	uint64_t due;        /* when it should fire (fake clock)       */
	unsigned fired;
	struct ent *victim;  /* cancelled by this one's handler        */
	bool rearm;          /* restarts itself once with delay 0      */
};

static unsigned order[16], norder;
static uint64_t last_fire;
static bool order_ok;

static void fire_h(void *arg)
{
	struct ent *e = arg;

	++e->fired;
	if (fake_now < e->due || fake_now < last_fire)
		order_ok = false;
	last_fire = fake_now;
	if (norder < ARRAY_SIZE(order))
		order[norder++] = e->id;
	if (e->victim)
		tmrq_cancel(&e->victim->te);
	if (e->rearm) {
		e->rearm = false;
		CU_ASSERT_EQUAL(tmrq_start(&e->te, e->q, 0, fire_h, e), 0);
	}
}

static struct tmrq *fresh(void)
{
	struct tmrq *q = NULL;

	fake_now = 1000000;
	norder = 0;
	last_fire = 0;
	order_ok = true;
	CU_ASSERT_FATAL(tmrq_alloc(&q, fake_clock, NULL) == 0);
	return q;
}

static void start(struct ent *e, struct tmrq *q, unsigned id,
		  uint64_t delay)
{
	e->q = q;
	e->id = id;
	e->due = fake_now + delay;
	CU_ASSERT_EQUAL(tmrq_start(&e->te, q, delay, fire_h, e), 0);
}

/* advances the fake clock ms by ms to until, polling at each */
static void run_until(struct tmrq *q, uint64_t until)
{
	while (fake_now < until) {
		++fake_now;
		tmrq_poll(q);
	}
}

static void test_order(void)
{
	static const uint64_t delays[] = {50, 10, 30, 20, 40, 0};
	struct ent e[ARRAY_SIZE(delays)];
	struct tmrq *q = fresh();
	size_t i;

	memset(e, 0, sizeof(e));
	for (i = 0; i < ARRAY_SIZE(delays); i++)
		start(&e[i], q, (unsigned)i, delays[i]);
	CU_ASSERT_EQUAL(tmrq_count(q), ARRAY_SIZE(delays));
	CU_ASSERT_EQUAL(tmrq_next(q), fake_now);
	tmrq_poll(q);   /* delay 0: due now */
	CU_ASSERT_EQUAL(norder, 1);
	run_until(q, fake_now + 100);
	CU_ASSERT_EQUAL(norder, 6);
	CU_ASSERT(order_ok);
	CU_ASSERT(order[0] == 5 && order[1] == 1 && order[2] == 3 &&
		  order[3] == 2 && order[4] == 4 && order[5] == 0);
	CU_ASSERT_EQUAL(tmrq_count(q), 0);
	CU_ASSERT_EQUAL(tmrq_next(q), 0);
	mem_deref(q);
}

static void test_equal_deadlines(void)
{
	struct ent e[5];
	struct tmrq *q = fresh();
	unsigned i;

	memset(e, 0, sizeof(e));
	for (i = 0; i < 5; i++)
		start(&e[i], q, i, 25);
	run_until(q, fake_now + 25);
	CU_ASSERT_EQUAL(norder, 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(order[i], i);   /* start order */
	mem_deref(q);
}

static void test_cancel(void)
{
	struct ent e[4];
	struct tmrq *q = fresh();
	unsigned i;

	memset(e, 0, sizeof(e));
	tmrq_cancel(&e[0].te);   /* zeroed: stopped, nothing to do */
	tmrq_cancel(NULL);
	for (i = 0; i < 4; i++)
		start(&e[i], q, i, 10 * (i + 1));
	tmrq_cancel(&e[0].te);   /* the earliest */
	tmrq_cancel(&e[2].te);   /* one in the middle */
	tmrq_cancel(&e[2].te);   /* twice */
	CU_ASSERT(!tmrq_isrunning(&e[0].te) && tmrq_isrunning(&e[1].te));
	CU_ASSERT_EQUAL(tmrq_count(q), 2);
	run_until(q, fake_now + 100);
	CU_ASSERT(!e[0].fired && e[1].fired == 1 && !e[2].fired &&
		  e[3].fired == 1);
	mem_deref(q);
}

static void test_rearm(void)
{
	struct ent e;
	struct tmrq *q = fresh();
	uint64_t t0 = fake_now;

	memset(&e, 0, sizeof(e));
	start(&e, q, 1, 100);
	start(&e, q, 1, 50);      /* earlier: once, at 50 */
	CU_ASSERT_EQUAL(tmrq_count(q), 1);
	run_until(q, t0 + 49);
	CU_ASSERT_EQUAL(e.fired, 0);
	run_until(q, t0 + 50);
	CU_ASSERT_EQUAL(e.fired, 1);
	start(&e, q, 1, 20);
	start(&e, q, 1, 200);     /* later: once, at 200 */
	run_until(q, t0 + 249);
	CU_ASSERT_EQUAL(e.fired, 1);
	run_until(q, t0 + 300);
	CU_ASSERT_EQUAL(e.fired, 2);
	CU_ASSERT(order_ok);
	mem_deref(q);
}

static void test_cancel_in_handler(void)
{
	struct ent a, b, c;
	struct tmrq *q = fresh();

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	/* a and b due together: a's handler cancels b */
	start(&a, q, 1, 10);
	start(&b, q, 2, 10);
	a.victim = &b;
	/* c cancels itself, then restarts itself with delay 0: it runs at
	 * the next poll, not again in this one */
	start(&c, q, 3, 20);
	c.victim = &c;
	c.rearm = true;
	run_until(q, fake_now + 10);
	CU_ASSERT(a.fired == 1 && b.fired == 0);
	run_until(q, fake_now + 10);
	CU_ASSERT_EQUAL(c.fired, 1);
	CU_ASSERT_EQUAL(tmrq_count(q), 1);
	tmrq_poll(q);
	CU_ASSERT_EQUAL(c.fired, 2);
	CU_ASSERT_EQUAL(tmrq_count(q), 0);
	mem_deref(q);
}

static void test_coarse(void)
{
	struct ent e;
	struct tmrq *q = fresh();
	uint64_t t0;

	memset(&e, 0, sizeof(e));
	fake_now += 3;   /* not on a grain */
	t0 = fake_now;
	start(&e, q, 1, TMRQ_COARSE_MS);
	CU_ASSERT_EQUAL(tmrq_next(q) % TMRQ_GRAIN_MS, 0);
	CU_ASSERT(tmrq_next(q) >= t0 + TMRQ_COARSE_MS &&
		  tmrq_next(q) < t0 + TMRQ_COARSE_MS + TMRQ_GRAIN_MS);
	start(&e, q, 1, TMRQ_COARSE_MS - 1);   /* short: exact */
	CU_ASSERT_EQUAL(tmrq_next(q), t0 + TMRQ_COARSE_MS - 1);
	mem_deref(q);
}

/* 100 000 entries, random delays, every third cancelled: all others fire
 * once, never early, in deadline order. */
static uint64_t big_last;
static unsigned big_fired, big_bad;

static void big_h(void *arg)
{
	struct ent *e = arg;

	if (fake_now < e->due || e->due < big_last || e->fired++)
		++big_bad;
	big_last = e->due;
	++big_fired;
}

static void test_many(void)
{
	enum { N = 100000 };
	struct ent *e = calloc(N, sizeof(*e));
	struct tmrq *q = fresh();
	unsigned i, want = 0;

	CU_ASSERT_FATAL(e != NULL);
	srand(8);
	big_last = 0;
	big_fired = big_bad = 0;
	for (i = 0; i < N; i++) {
		uint64_t delay = (uint64_t)(rand() % 900);

		e[i].due = fake_now + delay;
		CU_ASSERT_FATAL(tmrq_start(&e[i].te, q, delay, big_h,
					   &e[i]) == 0);
	}
	for (i = 0; i < N; i += 3)
		tmrq_cancel(&e[i].te);
	for (i = 0; i < N; i++)
		want += i % 3 != 0;
	CU_ASSERT_EQUAL(tmrq_count(q), want);
	run_until(q, fake_now + 1000);
	CU_ASSERT_EQUAL(big_fired, want);
	CU_ASSERT_EQUAL(big_bad, 0);
	CU_ASSERT_EQUAL(tmrq_count(q), 0);
	mem_deref(q);
	free(e);
}

/* The real loop: the queue's libre timer fires its entries in order. */
static unsigned loop_order[3], loop_n;

static void loop_h(void *arg)
{
	loop_order[loop_n++] = (unsigned)(uintptr_t)arg;
	if (loop_n == 3)
		re_cancel();
}

static void test_event_loop(void)
{
	struct tmrq_ent te[3];
	struct tmrq *q = NULL;
	uint64_t t0 = tmr_jiffies();

	memset(te, 0, sizeof(te));
	loop_n = 0;
	CU_ASSERT_FATAL(tmrq_alloc(&q, NULL, NULL) == 0);
	CU_ASSERT_EQUAL(tmrq_start(&te[0], q, 30, loop_h, (void *)3), 0);
	CU_ASSERT_EQUAL(tmrq_start(&te[1], q, 10, loop_h, (void *)1), 0);
	CU_ASSERT_EQUAL(tmrq_start(&te[2], q, 20, loop_h, (void *)2), 0);
	CU_ASSERT_EQUAL(re_main(NULL), 0);
	CU_ASSERT(loop_n == 3 && loop_order[0] == 1 && loop_order[1] == 2 &&
		  loop_order[2] == 3);
	CU_ASSERT(tmr_jiffies() - t0 >= 30);
	mem_deref(q);
}

static const struct unit_test tests[] = {
	{"order", test_order},
	{"equal deadlines in start order", test_equal_deadlines},
	{"cancel", test_cancel},
	{"re-arm", test_rearm},
	{"cancel and restart from a handler", test_cancel_in_handler},
	{"long delays on a coarse grain", test_coarse},
	{"100 000 entries", test_many},
	{"libre event loop", test_event_loop},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"tmrq", tests},
	{NULL, NULL},
};

int main(void)
{
	int ret;

	if (libre_init())
		return 1;
	ret = unit_run(suites);
	libre_close();
	return ret;
}
