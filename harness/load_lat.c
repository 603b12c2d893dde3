/**
 * @file load_lat.c  Hook latency and pending transfers of a load run
 *
 * The capture says when each final NOTIFY was on the wire (and when its
 * REFER was accepted); the hook server says when each actionHook
 * arrived. Joined by Call-ID they give "final NOTIFY -> actionHook", the
 * time the implementation took to report the transfer, without trusting
 * the implementation's own clock. The capture is analysed streaming,
 * with the same pipeline as `referlab analyze`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "analysis.h"
#include "load.h"

struct hooktime {
	struct le he;
	char *callid;
	uint64_t t_ns;
};

struct load_hooktimes {
	struct hash *h;
};

/* A transfer's interval: accepted .. final NOTIFY */
struct span {
	uint64_t from, to;
};

struct lat_ctx {
	struct load_hooktimes *ht;
	double *lat;               /* ms, one per matched actionHook */
	size_t nlat, caplat;
	uint64_t *ev;              /* span edges, low bit: 1 = end */
	size_t nev, capev;
	int err;
};

static void hooktime_destructor(void *arg)
{
	struct hooktime *t = arg;

	hash_unlink(&t->he);
	mem_deref(t->callid);
}

static void hooktimes_destructor(void *arg)
{
	struct load_hooktimes *ht = arg;

	hash_flush(ht->h);
	mem_deref(ht->h);
}

int load_hooktimes_alloc(struct load_hooktimes **htp)
{
	struct load_hooktimes *ht;
	int err;

	ht = mem_zalloc(sizeof(*ht), hooktimes_destructor);
	if (!ht)
		return ENOMEM;
	err = hash_alloc(&ht->h, 16384);
	if (err) {
		mem_deref(ht);
		return err;
	}
	*htp = ht;
	return 0;
}

/* The first actionHook of a call counts (a retried hook is the same
 * report, later). */
int load_hooktimes_add(struct load_hooktimes *ht, const char *callid,
		       uint64_t t_ns)
{
	struct hooktime *t;
	int err;

	t = mem_zalloc(sizeof(*t), hooktime_destructor);
	if (!t)
		return ENOMEM;
	err = str_dup(&t->callid, callid);
	if (err) {
		mem_deref(t);
		return err;
	}
	t->t_ns = t_ns;
	hash_append(ht->h, hash_joaat_str(callid), &t->he, t);
	return 0;
}

static bool callid_cmp(struct le *le, void *arg)
{
	const struct hooktime *t = le->data;

	return !strcmp(t->callid, arg);
}

static int push(void **arr, size_t *n, size_t *cap, size_t elem,
		const void *v)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;
		void *p = realloc(*arr, ncap * elem);

		if (!p)
			return ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	memcpy((char *)*arr + *n * elem, v, elem);
	++*n;
	return 0;
}

static void transfer_h(struct transfer *t, void *arg)
{
	struct lat_ctx *c = arg;
	const struct notify_rec *fin = NULL;
	const struct hooktime *ht;
	struct le *le;

	for (le = t->notifies.head; le && !fin; le = le->next) {
		const struct notify_rec *n = le->data;

		if (n->status >= 200)
			fin = n;
	}
	if (!fin || c->err)
		return;
	if (t->resp_ts && t->scode >= 200 && t->scode < 300 &&
	    t->resp_ts <= fin->ts_ns) {
		uint64_t a = t->resp_ts << 1, b = fin->ts_ns << 1 | 1;

		c->err = push((void **)&c->ev, &c->nev, &c->capev,
			      sizeof(*c->ev), &a);
		c->err |= push((void **)&c->ev, &c->nev, &c->capev,
			       sizeof(*c->ev), &b);
	}
	ht = list_ledata(hash_lookup(c->ht->h, hash_joaat_str(t->callid),
				     callid_cmp, t->callid));
	if (ht) {
		double ms = ((double)ht->t_ns - (double)fin->ts_ns) / 1e6;

		c->err |= push((void **)&c->lat, &c->nlat, &c->caplat,
			       sizeof(*c->lat), &ms);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	return v[rank ? rank - 1 : 0];
}

/* The most spans open at once: a sweep over their edges (an end sorts
 * after a start at the same instant, so touching spans overlap). */
static uint64_t max_open(uint64_t *ev, size_t n)
{
	uint64_t open = 0, best = 0;
	size_t i;

	qsort(ev, n, sizeof(*ev), cmp_u64);
	for (i = 0; i < n; i++) {
		if (ev[i] & 1)
			--open;
		else if (++open > best)
			best = open;
	}
	return best;
}

int load_latency(const char *pcap, struct load_hooktimes *ht,
		 struct load_result *r, char *err, size_t errsz)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct lat_ctx c = {.ht = ht};
	struct analysis *a = NULL;
	int e;

	o.transferh = transfer_h;
	o.arg = &c;
	o.rules = "";
	e = analysis_file(&a, pcap, &o, err, errsz);
	mem_deref(a);
	if (!e && c.err) {
		e = c.err;
		snprintf(err, errsz, "%s", strerror(e));
	}
	if (!e) {
		r->have_latency = true;
		r->pending_max = max_open(c.ev, c.nev);
		r->lat.matched = c.nlat;
		if (c.nlat) {
			qsort(c.lat, c.nlat, sizeof(*c.lat), cmp_double);
			r->lat.p50_ms = pct(c.lat, c.nlat, 50);
			r->lat.p99_ms = pct(c.lat, c.nlat, 99);
			r->lat.max_ms = c.lat[c.nlat - 1];
		}
	}
	free(c.lat);
	free(c.ev);
	return e;
}
