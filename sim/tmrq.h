/**
 * @file tmrq.h  Timer queue: the sim's many timers under one libre timer
 *
 * libre 1.1.0 keeps every struct tmr of the thread in one list sorted by
 * deadline, and tmr_start() walks it from the tail: each timer started
 * walks past every timer due later. A timer per pending transfer, per hook
 * request or per lingering subscription made that list as long as the
 * transfers of the last 32 s, and each short timer started (libre's
 * retransmissions, our hook timeouts) walked all of it: most of the sim's
 * CPU under load (perf, bench/rate.sh).
 *
 * A tmrq is a binary min-heap of entries (deadline, then start order)
 * under ONE libre timer, armed at the earliest deadline: start and cancel
 * are O(log n) whatever the number of entries, and libre's list holds one
 * timer for all of them. Entries are embedded in their owner like a struct
 * tmr, zeroed (mem_zalloc) means stopped; the owner's destructor cancels.
 *
 * Timing, as with tmr_start(): a handler runs from the event loop, never
 * from inside tmrq_start(); entries due at the same ms run in start order;
 * an entry started from a handler runs at the next poll at the earliest,
 * so a handler re-arming itself with delay 0 cannot hold the loop. Delays
 * of TMRQ_COARSE_MS or more are rounded up to a multiple of TMRQ_GRAIN_MS
 * (at most 1 % late): long timers then expire together, and the queue
 * re-arms its libre timer (one list walk each time) at most 1000 /
 * TMRQ_GRAIN_MS times a second for them, not once per entry.
 */
#ifndef REFERLAB_SIM_TMRQ_H
#define REFERLAB_SIM_TMRQ_H

#include <re.h>

enum {
	TMRQ_COARSE_MS = 1000,
	TMRQ_GRAIN_MS  = 10,
};

struct tmrq;

/* The clock, in ms: tmr_jiffies() unless a test gives its own. */
typedef uint64_t (tmrq_clock_h)(void *arg);

struct tmrq_ent {
	struct tmrq *q;   /* referenced while queued                 */
	uint64_t jfs;     /* deadline, clock ms                      */
	uint64_t seq;     /* start order: ties, and the poll's bound */
	tmr_h *th;
	void *arg;
	uint32_t pos;     /* 1-based heap slot, 0 when not queued     */
};

int  tmrq_alloc(struct tmrq **qp, tmrq_clock_h *clockh, void *clock_arg);
/* (Re)starts e on q: th(arg) after delay ms. ENOMEM when the heap cannot
 * grow; e is then stopped. */
int  tmrq_start(struct tmrq_ent *e, struct tmrq *q, uint64_t delay,
		tmr_h *th, void *arg);
/* Stops e if it runs; safe on a stopped or zeroed entry, from anywhere
 * (a handler included). */
void tmrq_cancel(struct tmrq_ent *e);
bool tmrq_isrunning(const struct tmrq_ent *e);
uint32_t tmrq_count(const struct tmrq *q);
/* Runs the entries due now: the handler of the queue's libre timer, for
 * tests driving a fake clock without an event loop. */
void tmrq_poll(struct tmrq *q);
/* The earliest deadline in clock ms, 0 when empty. */
uint64_t tmrq_next(const struct tmrq *q);

#endif
