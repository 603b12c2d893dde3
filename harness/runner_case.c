/**
 * @file runner_case.c  One case, inside its worker process
 *
 * The order matters: the hook server and the capture are up before any
 * SIP is sent; for phone cases the SIPp UAS is listening before the
 * implementation dials it. Every wait is on an event (a socket bound, a
 * readiness line, a child's exit) polled from the libre loop, and bounded
 * by the case's timeout. Whatever happens, the children are stopped and
 * reaped before the verdict is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pcap/pcap.h>
#include <re.h>
#include "runner_case.h"

enum {
	WAIT_POLL_MS = 10,
	READY_TIMEOUT_MS = 10000,
	STOP_GRACE_MS = 2000,
};

typedef bool (wait_cond_h)(struct case_ctx *x);

struct waiter {
	struct tmr tmr;
	wait_cond_h *condh;
	struct case_ctx *x;
	uint64_t deadline;
	bool met;
};

static void waiter_h(void *arg)
{
	struct waiter *w = arg;

	if (w->condh(w->x)) {
		w->met = true;
		re_cancel();
	}
	else if (tmr_jiffies() >= w->deadline) {
		re_cancel();
	}
	else {
		tmr_start(&w->tmr, WAIT_POLL_MS, waiter_h, w);
	}
}

/* Runs the libre loop (the hook server answers meanwhile) until condh
 * holds or timeout_ms passed. */
static bool wait_until(struct case_ctx *x, wait_cond_h *condh,
		       uint64_t timeout_ms)
{
	struct waiter w;

	if (condh(x))
		return true;
	memset(&w, 0, sizeof(w));
	tmr_init(&w.tmr);
	w.condh = condh;
	w.x = x;
	w.deadline = tmr_jiffies() + timeout_ms;
	tmr_start(&w.tmr, WAIT_POLL_MS, waiter_h, &w);
	re_main(NULL);
	tmr_cancel(&w.tmr);
	return w.met;
}

static bool peer_ready(struct case_ctx *x)
{
	return proc_exited(x->peer) || peer_bound(x);
}

static bool iut_ready(struct case_ctx *x)
{
	return proc_exited(x->iut) ||
		proc_log_has(x->iut, "referlab-sim: listening");
}

/* The case is over when SIPp has ended and so has the built-in
 * implementation (--exit-after-calls: its call and hooks are done); an
 * external one does not end: there, when the expected hooks have come. */
static bool case_over(struct case_ctx *x)
{
	if (!proc_exited(x->peer))
		return false;
	return x->iut ? proc_exited(x->iut) : hooks_done(x);
}

static bool iut_gone(struct case_ctx *x)
{
	return !x->iut || proc_exited(x->iut);
}

bool runner_capture_allowed(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_create("lo", errbuf);
	int r;

	if (!pc)
		return false;
	r = pcap_activate(pc);
	pcap_close(pc);
	return r >= 0;
}

static int start_iut(struct case_ctx *x)
{
	char how[128];

	if (x->o->iut == RUNNER_IUT_EXTERNAL)
		return 0;
	if (iut_start(x))
		return EIO;
	if (!wait_until(x, iut_ready, READY_TIMEOUT_MS)) {
		verdict_error(x->v, "referlab-sim printed no readiness line "
			      "within %d s (see sim.log)", READY_TIMEOUT_MS / 1000);
		return ETIMEDOUT;
	}
	if (proc_exited(x->iut)) {
		verdict_error(x->v, "referlab-sim %s before it was ready (see "
			      "sim.log)", proc_describe(x->iut, how, sizeof(how)));
		return EIO;
	}
	return 0;
}

static int start_peer(struct case_ctx *x)
{
	if (peer_start(x))
		return EIO;
	/* SIPp prints nothing we could wait for; its bound socket is the
	 * event. If it exits first, peer_judge says why. */
	wait_until(x, peer_ready, READY_TIMEOUT_MS);
	return 0;
}

/* Phone cases: the implementation dials SIPp, so SIPp's UAS listens
 * first; carrier cases: SIPp calls the implementation, which goes first. */
static int start_children(struct case_ctx *x)
{
	if (x->plan.role == PLAN_PHONE)
		return start_peer(x) || start_iut(x) ? EIO : 0;
	return start_iut(x) || start_peer(x) ? EIO : 0;
}

static void judge_iut(struct case_ctx *x)
{
	char how[128];
	int code;

	if (!x->iut)
		return;
	if (!proc_exited(x->iut)) {
		verdict_fail(x->v, "iut", "referlab-sim exits after its call",
			     "still running", 0, "referlab-sim did not end "
			     "after the call (--exit-after-calls 1); stopped "
			     "(see sim.log)");
		return;
	}
	code = proc_exit_code(x->iut);
	if (code != 0)
		verdict_fail(x->v, "iut", "referlab-sim exits 0",
			     proc_describe(x->iut, how, sizeof(how)), 0,
			     "the implementation under test %s (see sim.log)",
			     how);
}

static void run_flow(struct case_ctx *x)
{
	uint64_t limit = (uint64_t)x->plan.timeout_s * 1000;

	if (hooks_start(x) || start_children(x))
		return;
	if (!wait_until(x, case_over, limit + STOP_GRACE_MS)) {
		if (!proc_exited(x->peer))
			verdict_fail(x->v, "timeout", NULL, NULL, 0,
				     "the SIPp peer had not ended after the "
				     "case's %u s timeout", x->plan.timeout_s);
		/* the peer is done: give the IUT its hooks' time to end */
		wait_until(x, iut_gone, STOP_GRACE_MS);
		if (!hooks_done(x))
			verdict_fail(x->v, "hooks", NULL, NULL, 0, "%u hook "
				     "request(s) came within the case's %u s, "
				     "the expectation lists %zu (see hooks.jsonl)",
				     hooksrv_count(x->hooks), x->plan.timeout_s,
				     x->plan.hookc + (x->plan.app ? 1 : 0));
	}
	proc_stop(x->peer, STOP_GRACE_MS);
	peer_judge(x);
	judge_iut(x);
	proc_stop(x->iut, STOP_GRACE_MS);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int case_run(const struct runner_opts *o, const struct runner_case *c,
	     const struct case_ports *ports, const char *dir)
{
	char err[512], path[PATH_MAX + 16];
	struct case_ctx x;
	double t0 = mono_s();
	int e;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.c = c;
	x.ports = ports;
	x.dir = dir;
	x.v = verdict_new(c->name);
	if (!x.v)
		return ENOMEM;

	if (plan_load(&x.plan, o, c, err, sizeof(err))) {
		verdict_error(x.v, "%s", err);
	}
	else if ((e = libre_init())) {
		verdict_error(x.v, "libre_init: %s", strerror(e));
	}
	else {
		x.host = runner_local_ip(o, x.plan.ipv6);
		if (o->iut == RUNNER_IUT_EXTERNAL)
			snprintf(x.iut_uri, sizeof(x.iut_uri), "sip:%s%s%s:%u",
				 strchr(o->iut_host, ':') ? "[" : "", o->iut_host,
				 strchr(o->iut_host, ':') ? "]" : "", o->iut_port);
		else
			snprintf(x.iut_uri, sizeof(x.iut_uri), "sip:%s%s%s:%u",
				 x.plan.ipv6 ? "[" : "", x.host,
				 x.plan.ipv6 ? "]" : "", ports->sim_sip);
		verdict_set_string(x.v, "iut_sip", x.iut_uri);
		run_flow(&x);
		hooks_stop(&x);
		libre_close();
	}

	if (x.peer)
		verdict_set_number(x.v, "sipp_exit", proc_exit_code(x.peer));
	proc_free(x.peer);
	proc_free(x.iut);
	verdict_set_duration(x.v, mono_s() - t0);
	snprintf(path, sizeof(path), "%s/verdict.json", dir);
	e = verdict_write(x.v, path);
	verdict_free(x.v);
	plan_free(&x.plan);
	cJSON_Delete(x.hookrecs);
	return e;
}
