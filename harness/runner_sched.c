/**
 * @file runner_sched.c  Which of the selected cases run, and in which order
 *
 * The suite's wall time with N jobs is at least its longest case, and
 * that case only costs nothing extra when it starts first and the others
 * run beside it. A case says how long it may take in one place: its
 * expectation's timeout (a case that waits out RFC 3261 Timer F, 32 s,
 * needs one above that). So cases start longest timeout first, the suite
 * order breaking ties; results stay in suite order.
 *
 * Some cases mean nothing under this run's options: one written for UDP
 * only (peer.transports) under --transport tcp, and with --quick one
 * tagged "timer-64t1" (bound by a 64*T1 transaction timer). They are left
 * out before any runs, each with its reason, and reported apart: they
 * neither pass nor fail.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"
#include "iut_baresip.h"
#include "runner.h"

/* Reason this run leaves the case out, or NULL. A case whose expectation
 * does not load runs, and its worker reports the error. */
static const char *left_out_why(const struct expect *e,
				const struct runner_opts *o, char *buf,
				size_t sz)
{
	if (o->quick && expect_has_tag(e, RUNNER_TAG_SLOW)) {
		snprintf(buf, sz, "--quick: waits out a 64*T1 transaction "
			 "timer (tag %s)", RUNNER_TAG_SLOW);
		return buf;
	}
	if (o->transport && !(e->transports & 1u << (strcmp(o->transport,
		"tcp") ? EXPECT_UDP : EXPECT_TCP))) {
		snprintf(buf, sz, "not applicable to --transport %s: the "
			 "case is for %s only", o->transport,
			 e->transports & 1u << EXPECT_UDP ? "udp" : "tcp");
		return buf;
	}
	if (o->iut == RUNNER_IUT_BARESIP && baresip_not_applicable(e)) {
		snprintf(buf, sz, "not applicable to baresip: %s",
			 baresip_not_applicable(e));
		return buf;
	}
	return NULL;
}

static int move_case(struct case_list *to, struct runner_case *c,
		     const char *why)
{
	if (cases_reserve(to))
		return ENOMEM;
	c->left_out = strdup(why);
	if (!c->left_out)
		return ENOMEM;
	to->v[to->n++] = *c;
	return 0;
}

/* Insertion sort, stable: a few hundred cases at most. */
static void order_by_timeout(const struct case_list *cl, size_t *order)
{
	size_t i, j;

	for (i = 0; i < cl->n; i++) {
		size_t k = i;

		for (j = i; j > 0 && cl->v[order[j - 1]].timeout_s <
		     cl->v[k].timeout_s; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

int cases_schedule(struct case_list *cl, struct case_list *left,
		   size_t **order, const struct runner_opts *o)
{
	size_t i, kept = 0;
	char err[512], why[256];
	int e = 0;

	for (i = 0; i < cl->n && !e; i++) {
		struct runner_case *c = &cl->v[i];
		struct expect *x = NULL;
		const char *reason = NULL;

		if (!expect_load(&x, c->expect_path, err, sizeof(err))) {
			c->timeout_s = x->timeout_s;
			reason = left_out_why(x, o, why, sizeof(why));
		}
		if (!reason || (e = move_case(left, c, reason)))
			cl->v[kept++] = *c;
		expect_free(x);
	}
	for (; i < cl->n; i++)   /* out of memory: keep the rest to free */
		cl->v[kept++] = cl->v[i];
	cl->n = kept;
	if (e)
		return e;
	*order = calloc(cl->n ? cl->n : 1, sizeof(**order));
	if (!*order)
		return ENOMEM;
	order_by_timeout(cl, *order);
	return 0;
}

cJSON *cases_left_json(const struct case_list *left)
{
	cJSON *arr = cJSON_CreateArray(), *it;
	size_t i;

	for (i = 0; arr && i < left->n; i++) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "case", left->v[i].name);
		cJSON_AddStringToObject(it, "reason", left->v[i].left_out);
		cJSON_AddItemToArray(arr, it);
	}
	return arr;
}

void cases_left_print(const struct case_list *left, FILE *f)
{
	size_t i;

	for (i = 0; i < left->n; i++)
		fprintf(f, "left out: %s (%s)\n", left->v[i].name,
			left->v[i].left_out);
}
