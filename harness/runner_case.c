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
#include "iut_baresip.h"

enum {
	WAIT_POLL_MS = 10,
	READY_TIMEOUT_MS = 10000,
	STOP_GRACE_MS = 2000,
	PEER_SLACK_MS = 1000,      /* SIPp's own -timeout goes first: it
				      says what it waited for */
	KILL_GRACE_MS = 500,       /* a peer past the deadline is stuck */
	HOOK_GRACE_MS = 3000,
	BARESIP_LINGER_MS = 1000,  /* answers the peer's last messages */
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
	return proc_exited(x->iut) || (x->o->iut == RUNNER_IUT_BARESIP ?
		baresip_ready(x) : proc_log_has(x->iut, "referlab-sim: listening"));
}

static bool iut_established(struct case_ctx *x)
{
	return proc_exited(x->iut) || proc_exited(x->peer) ||
		baresip_established(x);
}

static bool peer_gone(struct case_ctx *x)
{
	return proc_exited(x->peer);
}

static bool iut_gone(struct case_ctx *x)
{
	return !x->iut || proc_exited(x->iut);
}

static bool hooks_in(struct case_ctx *x)
{
	return hooks_done(x);
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

	bool bs = x->o->iut == RUNNER_IUT_BARESIP;
	const char *name = bs ? "baresip" : "referlab-sim";
	const char *log = bs ? "baresip.log" : "sim.log";

	if (x->o->iut == RUNNER_IUT_EXTERNAL)
		return 0;
	if (bs ? baresip_start(x) : iut_start(x))
		return EIO;
	if (!wait_until(x, iut_ready, READY_TIMEOUT_MS)) {
		verdict_error(x->v, "%s printed no readiness line within %d s "
			      "(see %s)", name, READY_TIMEOUT_MS / 1000, log);
		return ETIMEDOUT;
	}
	if (proc_exited(x->iut)) {
		verdict_error(x->v, "%s %s before it was ready (see %s)", name,
			      proc_describe(x->iut, how, sizeof(how)), log);
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

	if (!x->iut || x->o->iut == RUNNER_IUT_BARESIP)
		return;   /* baresip is a phone: it stays up, stopped by us */
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

/* The capture listens to the case's own SIP ports only, so parallel
 * cases do not see each other. Not the hook server's: hook requests carry
 * basic-auth credentials and the application's hook passwords, which no
 * file we write may hold (hooks.jsonl records them redacted). It starts
 * before any child, so nothing they send is missed. */
static int capture_begin(struct case_ctx *x)
{
	struct sa addrs[2];
	uint16_t ports[2];
	size_t naddr = 1;
	char path[PATH_MAX + 16], err[256];
	int e;

	if (!x->o->capture)
		return 0;   /* the runner said so; the sim's trace stands in */
	e = sa_set_str(&addrs[0], x->host, 0);
	/* baresip's commands go to 127.0.0.1 whatever the family: not SIP */
	if (!e && x->o->iut == RUNNER_IUT_EXTERNAL &&
	    strcmp(x->o->iut_host, x->host))
		e = sa_set_str(&addrs[naddr++], x->o->iut_host, 0);
	else if (!e && strcmp(runner_local_ip(x->o, false), x->host))
		e = sa_set_str(&addrs[naddr++], runner_local_ip(x->o, false), 0);
	ports[0] = x->o->iut == RUNNER_IUT_EXTERNAL ? x->o->iut_port :
		x->ports->sim_sip;
	ports[1] = x->ports->peer_sip;
	snprintf(path, sizeof(path), "%s/capture.pcap", x->dir);
	if (!e)
		e = capture_start(&x->cap, path, addrs, naddr, ports, 2,
				  CAPTURE_IMMEDIATE, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s: not an IP address", x->host);
	if (e)
		verdict_error(x->v, "cannot capture: %s", err);
	return e;
}

/* The wire as captured; without capture rights, the built-in
 * implementation's own trace of what it sent and received. */
static const char *capture_end(struct case_ctx *x, char *buf, size_t sz)
{
	struct capture_stats st;

	if (x->cap) {
		capture_stop(x->cap, &st);
		x->cap = NULL;
		if (st.dropped || st.if_dropped)
			verdict_set_number(x->v, "capture_dropped",
					   (double)(st.dropped + st.if_dropped));
		verdict_set_string(x->v, "capture", "capture.pcap");
		snprintf(buf, sz, "%s/capture.pcap", x->dir);
		return buf;
	}
	if (x->o->iut != RUNNER_IUT_BUILTIN)
		return NULL;
	verdict_set_string(x->v, "capture", "sim-trace.pcap");
	snprintf(buf, sz, "%s/sim-trace.pcap", x->dir);
	return buf;
}

static uint64_t remaining(uint64_t deadline)
{
	uint64_t now = tmr_jiffies();

	return deadline > now + HOOK_GRACE_MS ? deadline - now : HOOK_GRACE_MS;
}

/* The runner as baresip's user: for a phone case it dials the peer;
 * once the call is established it transfers to the case's referTo. A
 * call that never comes up is judged by SIPp (its own checks) and the
 * capture; only a refused command is an ERROR. */
static int baresip_play(struct case_ctx *x, uint64_t limit)
{
	if (x->plan.role == PLAN_PHONE && baresip_dial(x))
		return EIO;
	wait_until(x, iut_established, limit);
	if (!baresip_established(x))
		return 0;
	return baresip_transfer(x) ? EIO : 0;
}

/* After the peer: the built-in implementation ends by itself once its
 * call, hooks and subscription are over (--exit-after-calls 1), unless
 * the peer left it mid-call: then it only gets a moment. An external one
 * does not end: its last hooks follow the call closely, or not at all. */
static void await_iut(struct case_ctx *x, bool peer_ok, uint64_t deadline)
{
	if (x->iut && x->o->iut == RUNNER_IUT_BARESIP)
		wait_until(x, iut_gone, BARESIP_LINGER_MS);
	else if (x->iut)
		wait_until(x, iut_gone, peer_ok ? remaining(deadline) :
			   HOOK_GRACE_MS);
	else if (!x->o->no_hooks)
		wait_until(x, hooks_in, HOOK_GRACE_MS);
}

static void run_flow(struct case_ctx *x)
{
	uint64_t limit = (uint64_t)x->plan.timeout_s * 1000 + PEER_SLACK_MS;
	uint64_t deadline = tmr_jiffies() + limit;
	char pcap[PATH_MAX + 32];
	bool peer_ok;

	if (hooks_start(x) || capture_begin(x) || start_children(x) ||
	    (x->o->iut == RUNNER_IUT_BARESIP && baresip_play(x, limit))) {
		capture_end(x, pcap, sizeof(pcap));
		return;
	}
	/* SIPp 3.6.1 does not end a call stuck in a recv at its -timeout,
	 * and a frozen peer ends never: the runner's deadline ends both, and
	 * with it the case (nothing more is waited for). */
	if (!wait_until(x, peer_gone, limit)) {
		x->peer_stopped = true;
		proc_stop(x->peer, KILL_GRACE_MS);
		verdict_fail(x->v, "timeout", NULL, NULL, 0, "the SIPp peer "
			     "had not ended after the case's %u s timeout: "
			     "stopped (its last messages are in "
			     "sipp-messages.log)", x->plan.timeout_s);
	}
	peer_ok = proc_exit_code(x->peer) == 0;
	if (!x->peer_stopped)
		await_iut(x, peer_ok, deadline);
	if (peer_ok)
		judge_iut(x);
	proc_stop(x->peer, STOP_GRACE_MS);
	proc_stop(x->iut, STOP_GRACE_MS);
	case_check(x, capture_end(x, pcap, sizeof(pcap)));
	peer_judge(x);
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

	if (plan_load(&x.plan, &x.exp, o, c, err, sizeof(err))) {
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
	expect_free(x.exp);
	cJSON_Delete(x.hookrecs);
	return e;
}
