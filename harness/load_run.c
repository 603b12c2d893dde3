/**
 * @file load_run.c  One load run: hook server, capture, IUT, SIPp carrier
 *
 * Everything runs in this process's libre loop except the children: the
 * hook server answers and times the hooks, a 20 ms timer watches SIPp
 * and samples the IUT's /proc. The order matters: the hook server and
 * the capture first (nothing is missed), then the IUT (its readiness),
 * then SIPp; after SIPp's exit the hooks still in flight are awaited
 * before the IUT is read and stopped.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "capture/capture.h"
#include "hooksrv.h"
#include "ports.h"
#include "proc.h"
#include "load.h"

enum {
	TICK_MS      = 20,
	READY_MS     = 10000,   /* the IUT's readiness line / port */
	DRAIN_MS     = 3000,    /* hooks still in flight after SIPp */
	QUIET_MS     = 300,     /* no new hook for this long: drained */
	SLICE_NS     = 100000,  /* the shortest slice Linux grants   */
	ARGS_MAX     = 48,
};

struct load_ctx {
	const struct load_opts *o;
	struct load_result *r;
	struct hooksrv *srv;
	struct load_hooktimes *ht;
	struct proc *iut, *sipp;
	pid_t iut_pid;
	struct tmr tmr;
	uint64_t t0, deadline, last_hook, hooks_seen;
	bool draining, timed_out, interrupted;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The hook server's record of each request: count it, and time the
 * actionHook by its call's Call-ID (callId in the spec dialect, call_id
 * in jambonz's). */
static void record_h(const cJSON *rec, void *arg)
{
	struct load_ctx *x = arg;
	const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "path"));
	const cJSON *body = cJSON_GetObjectItem(rec, "body");
	const char *cid;

	x->last_hook = tmr_jiffies();
	if (!path || strcmp(path, "/action")) {
		if (path && !strcmp(path, "/event"))
			++x->r->hooks_event;
		else
			++x->r->hooks_other;
		return;
	}
	++x->r->hooks_action;
	cid = cJSON_GetStringValue(cJSON_GetObjectItem(body, "callId"));
	if (!cid)
		cid = cJSON_GetStringValue(cJSON_GetObjectItem(body, "call_id"));
	if (cid)
		load_hooktimes_add(x->ht, cid, now_ns());
}

/* The harness's own busy parts, SIPp and the capture thread, must not
 * preempt the IUT or the hook server when they wake: on a 2-core box
 * each wake-up of theirs (SIPp's 1 ms timer, the capture's block of
 * packets) otherwise queues the IUT's or the hook server's answer behind
 * a time slice, the latency's tail (perf sched). SCHED_BATCH keeps their
 * share of the CPU and the wire times (kernel time stamps) as they were;
 * any process may switch between it and SCHED_OTHER. pid 0: the calling
 * thread, whose threads created meanwhile inherit the policy. */
static void sched_batch(pid_t pid, bool on)
{
	struct sched_param sp = {.sched_priority = 0};

	(void)sched_setscheduler(pid, on ? SCHED_BATCH : SCHED_OTHER, &sp);
}

/* The hook server's thread and the builtin IUT wait, woken, for the CPU
 * to come free; behind any busy task on the box that took up to a time
 * slice, 2-3 ms on this kernel (perf sched: the hook server runnable for
 * 2.4 ms behind another user's jq): the latency's tail. A short slice
 * (Linux 6.12's EEVDF custom slice: sched_attr.sched_runtime for
 * SCHED_OTHER) lets them preempt at once when they wake, for the few
 * microseconds they run; their share of the CPU stays as it was. 0: the
 * default slice. An older kernel ignores it or refuses it, harmlessly. */
static void sched_slice(pid_t pid, uint64_t ns)
{
	struct {   /* struct sched_attr, its first version (48 bytes) */
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} a = {.size = sizeof(a), .policy = SCHED_OTHER, .runtime = ns};

	(void)syscall(SYS_sched_setattr, pid, &a, 0);
}

static uint64_t proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key))) {
			v = strtoull(line + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* user + system CPU seconds of pid, from /proc/PID/stat; -1: gone */
static double proc_cpu(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces: fields count from its ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void tick_h(void *arg)
{
	struct load_ctx *x = arg;
	uint64_t now = tmr_jiffies();

	if (!x->draining && proc_exited(x->sipp)) {
		x->r->elapsed_s = (double)(now - x->t0) / 1000.0;
		x->draining = true;
		x->deadline = now + DRAIN_MS;
		x->last_hook = now;
	}
	if (x->draining && (now - x->last_hook >= QUIET_MS ||
			    now >= x->deadline)) {
		re_cancel();
		return;
	}
	if (!x->draining && now >= x->deadline) {
		x->timed_out = true;
		x->r->elapsed_s = (double)(now - x->t0) / 1000.0;
		re_cancel();
		return;
	}
	tmr_start(&x->tmr, TICK_MS, tick_h, x);
}

static void signal_h(int sig)
{
	(void)sig;
	re_cancel();
}

static void args_add(char **v, size_t *n, char *bufs, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void args_add(char **v, size_t *n, char *bufs, const char *fmt, ...)
{
	va_list ap;
	char *b = bufs + *n * 512;

	if (*n >= ARGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(b, 512, fmt, ap);
	va_end(ap);
	v[(*n)++] = b;
	v[*n] = NULL;
}

/* "sipp [TARGET] -sf OUT/ROLE.xml -i 127.0.0.1 -p PORT -t u1|t1": what
 * both SIPp instances of a load start with (one socket each way) */
static void sipp_args(char **v, size_t *n, char *bufs, const char *target,
		      const struct load_opts *o, const char *role,
		      uint16_t port)
{
	args_add(v, n, bufs, "sipp");
	if (target)
		args_add(v, n, bufs, "%s", target);
	args_add(v, n, bufs, "-sf");
	args_add(v, n, bufs, "%s/%s.xml", o->out, role);
	args_add(v, n, bufs, "-i");
	args_add(v, n, bufs, "127.0.0.1");
	args_add(v, n, bufs, "-p");
	args_add(v, n, bufs, "%u", port);
	args_add(v, n, bufs, "-t");
	args_add(v, n, bufs, o->tcp ? "t1" : "u1");
}

/* The application: one sip:refer verb, its hooks at base ("" for the
 * call hook's own server: relative URLs). */
static void app_json(const struct load_ctx *x, const char *base, char *buf,
		     size_t sz)
{
	/* the verb waits for the held final NOTIFY, with a margin */
	if (x->o->hooks)
		re_snprintf(buf, sz, "[{\"verb\":\"sip:refer\",\"referTo\":"
			    "\"+15083084809\",\"notifyTimeout\":%u,"
			    "\"actionHook\":\"%s/action\",\"eventHook\":"
			    "\"%s/event\"}]\n", 15 + x->o->hold_ms / 500,
			    base, base);
	else
		re_snprintf(buf, sz, "[{\"verb\":\"sip:refer\",\"referTo\":"
			    "\"+15083084809\",\"notifyTimeout\":%u}]\n",
			    15 + x->o->hold_ms / 500);
}

static int write_app(const struct load_ctx *x, const char *base)
{
	char path[PATH_MAX + 16], app[512];
	FILE *f;
	int err = 0;

	app_json(x, base, app, sizeof(app));
	snprintf(path, sizeof(path), "%s/app.json", x->o->out);
	f = fopen(path, "w");
	if (!f)
		return errno;
	if (fputs(app, f) < 0)
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

/* Starts the IUT on port and waits until it is ready. */
static int iut_start(struct load_ctx *x, uint16_t port)
{
	char *v[ARGS_MAX + 1], bufs[ARGS_MAX * 512], log[PATH_MAX + 16];
	uint64_t until = tmr_jiffies() + READY_MS;
	size_t n = 0;
	int err;

	if (x->o->iut == LOAD_IUT_EXTERNAL) {
		x->iut_pid = x->o->iut_pid;
		return 0;
	}
	if (x->o->iut == LOAD_IUT_BUILTIN) {
		char sim[PATH_MAX];

		(void)proc_sim_path(sim, sizeof(sim));
		args_add(v, &n, bufs, "%s", sim);
		args_add(v, &n, bufs, "--sip");
		args_add(v, &n, bufs, "%s:127.0.0.1:%u", x->o->tcp ? "tcp" :
			 "udp", port);
		args_add(v, &n, bufs, "--app");
		args_add(v, &n, bufs, "%s/app.json", x->o->out);
		snprintf(log, sizeof(log), "%s/sim.log", x->o->out);
	}
	else {
		sipp_args(v, &n, bufs, NULL, x->o, "referrer", port);
		args_add(v, &n, bufs, "-nostdin");
		args_add(v, &n, bufs, "-trace_err");
		args_add(v, &n, bufs, "-error_file");
		args_add(v, &n, bufs, "%s/referrer-errors.log", x->o->out);
		snprintf(log, sizeof(log), "%s/referrer.log", x->o->out);
	}
	err = proc_spawn(&x->iut, "iut", log, v);
	if (err) {
		re_snprintf(x->r->note, sizeof(x->r->note), "cannot start %s: %s",
			 v[0], strerror(err));
		return err;
	}
	x->iut_pid = proc_pid(x->iut);
	sched_slice(x->iut_pid, SLICE_NS);
	while (tmr_jiffies() < until && !proc_exited(x->iut)) {
		if (x->o->iut == LOAD_IUT_BUILTIN ?
		    proc_log_has(x->iut, "referlab-sim: listening") :
		    ports_listening(port))
			return 0;
		usleep(10000);
	}
	re_snprintf(x->r->note, sizeof(x->r->note), "%s did not get ready "
		 "(see %s)", v[0], log);
	return ETIMEDOUT;
}

static int sipp_start(struct load_ctx *x, const char *target, uint16_t port)
{
	const struct load_opts *o = x->o;
	char *v[ARGS_MAX + 1], bufs[ARGS_MAX * 512], log[PATH_MAX + 16];
	uint32_t conc = o->concurrency;
	size_t n = 0;
	int err;

	if (!conc)
		conc = 2 * o->rate + (uint32_t)((uint64_t)o->rate *
						o->hold_ms / 1000) + 10;
	sipp_args(v, &n, bufs, target, o, "carrier", port);
	args_add(v, &n, bufs, "-s");
	args_add(v, &n, bufs, "iut");
	args_add(v, &n, bufs, "-r");
	args_add(v, &n, bufs, "%u", o->rate);
	args_add(v, &n, bufs, "-rp");
	args_add(v, &n, bufs, "1000");
	args_add(v, &n, bufs, "-l");
	args_add(v, &n, bufs, "%u", conc);
	args_add(v, &n, bufs, "-m");
	args_add(v, &n, bufs, "%llu", (unsigned long long)o->rate * o->duration);
	args_add(v, &n, bufs, "-recv_timeout");
	args_add(v, &n, bufs, "%u", o->hold_ms + 10000);
	args_add(v, &n, bufs, "-nostdin");
	args_add(v, &n, bufs, "-trace_stat");
	args_add(v, &n, bufs, "-stf");
	args_add(v, &n, bufs, "%s/carrier-stat.csv", o->out);
	args_add(v, &n, bufs, "-fd");
	args_add(v, &n, bufs, "1");
	args_add(v, &n, bufs, "-trace_err");
	args_add(v, &n, bufs, "-error_file");
	args_add(v, &n, bufs, "%s/carrier-errors.log", o->out);
	snprintf(log, sizeof(log), "%s/carrier.log", o->out);
	err = proc_spawn(&x->sipp, "sipp", log, v);
	if (!err)
		sched_batch(proc_pid(x->sipp), true);
	if (err)
		re_snprintf(x->r->note, sizeof(x->r->note), "cannot start sipp: "
			 "%s (apt-get install sip-tester)", strerror(err));
	return err;
}

/* Column of name in SIPp's ';'-separated header line, or -1. */
static int csv_index(const char *hdr, const char *name)
{
	size_t n = strlen(name);
	int col = 0;

	for (const char *p = hdr; p; p = strchr(p, ';'), col++) {
		p += (*p == ';');
		if (!strncmp(p, name, n) && (p[n] == ';' || p[n] == '\n' ||
					     p[n] == '\r' || !p[n]))
			return col;
	}
	return -1;
}

static uint64_t csv_value(const char *line, int col)
{
	while (col-- > 0 && line)
		if ((line = strchr(line, ';')))
			++line;
	return line ? strtoull(line, NULL, 10) : 0;
}

/* SIPp's statistics, one line a second: the last line's calls created,
 * successful and failed, and the most calls in progress on any line. */
static int sipp_stats(const struct load_ctx *x)
{
	static const char *const cols[4] = {"TotalCallCreated",
		"SuccessfulCall(C)", "FailedCall(C)", "CurrentCall"};
	uint64_t *dst[3] = {&x->r->attempted, &x->r->completed,
			    &x->r->failed};
	char path[PATH_MAX + 32], *line = NULL, *last = NULL;
	int idx[4] = {-1, -1, -1, -1}, i, err = 0;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/carrier-stat.csv", x->o->out);
	f = fopen(path, "r");
	if (!f)
		return errno;
	while (getline(&line, &cap, f) > 0) {
		if (idx[0] < 0 && !last) {
			for (i = 0; i < 4; i++)
				idx[i] = csv_index(line, cols[i]);
			last = strdup("");
			continue;
		}
		free(last);
		last = strdup(line);
		if (last && idx[3] >= 0 &&
		    csv_value(line, idx[3]) > x->r->calls_max)
			x->r->calls_max = csv_value(line, idx[3]);
	}
	fclose(f);
	free(line);
	if (!last || !*last || idx[0] < 0 || idx[1] < 0 || idx[2] < 0)
		err = ENODATA;
	for (i = 0; !err && i < 3; i++)
		*dst[i] = csv_value(last, idx[i]);
	free(last);
	return err;
}

static void iut_measure(struct load_ctx *x, double cpu0)
{
	double cpu;

	if (!x->iut_pid)
		return;
	cpu = proc_cpu(x->iut_pid);
	if (cpu < 0)
		return;
	x->r->have_proc = true;
	x->r->iut_cpu_s = cpu - cpu0;
	x->r->iut_rss_peak_kib = proc_field(x->iut_pid, "status", "VmHWM:");
}

static int capture_begin(struct load_ctx *x, struct capture **cap,
			 uint16_t iut_port, uint16_t sipp_port)
{
	char path[PATH_MAX + 16], err[256];
	uint16_t ports[2] = {iut_port, sipp_port};
	struct sa lo;
	int e;

	if (!x->o->capture)
		return 0;
	sa_set_str(&lo, "127.0.0.1", 0);
	snprintf(path, sizeof(path), "%s/capture.pcap", x->o->out);
	sched_batch(0, true);    /* the capture thread inherits it */
	/* buffered: the latency comes from the file's kernel time stamps,
	 * read after the run, so the capture thread need not wake per
	 * packet on a box the IUT and SIPp share */
	e = capture_start(cap, path, &lo, 1, ports, 2, CAPTURE_BUFFERED, err,
			  sizeof(err));
	sched_batch(0, false);
	if (e) {
		re_snprintf(x->r->note, sizeof(x->r->note),
			 "no latency: %s", err);
		*cap = NULL;
	}
	return 0;
}

static void capture_end(struct load_ctx *x, struct capture *cap)
{
	char path[PATH_MAX + 16], err[256];
	struct capture_stats st;

	if (!cap)
		return;
	capture_stop(cap, &st);
	x->r->capture_dropped = st.dropped + st.if_dropped;
	snprintf(path, sizeof(path), "%s/capture.pcap", x->o->out);
	if (load_latency(path, x->ht, x->r, err, sizeof(err)))
		re_snprintf(x->r->note, sizeof(x->r->note), "no latency: %s",
			 err);
}

static int run_loop(struct load_ctx *x, uint16_t iut_port, uint16_t port)
{
	char target[300];
	double cpu0;
	int err;

	err = iut_start(x, iut_port);
	if (err)
		return err;
	if (x->o->iut == LOAD_IUT_EXTERNAL)
		snprintf(target, sizeof(target), "%s", x->o->iut_sip);
	else
		snprintf(target, sizeof(target), "127.0.0.1:%u", iut_port);
	cpu0 = x->iut_pid ? proc_cpu(x->iut_pid) : 0;
	x->t0 = tmr_jiffies();
	x->deadline = x->t0 + 1000ull * (x->o->duration + 60) +
		2ull * x->o->hold_ms;
	err = sipp_start(x, target, port);
	if (err)
		return err;
	tmr_start(&x->tmr, TICK_MS, tick_h, x);
	sched_slice(0, SLICE_NS);
	re_main(signal_h);
	sched_slice(0, 0);
	tmr_cancel(&x->tmr);
	x->interrupted = !x->draining && !x->timed_out;
	iut_measure(x, cpu0);
	return 0;
}

static int run(struct load_ctx *x)
{
	struct hooksrv_conf hc = {.recordh = record_h, .arg = x};
	struct capture *cap = NULL;
	uint16_t iut_port = 0, port = 0;
	char url[80], app[512];
	struct sa la;
	int err;

	err = hooksrv_alloc(&x->srv, &hc);
	if (err)
		return err;
	sa_set_str(&la, "127.0.0.1", x->o->hook_port);
	err = hooksrv_start(x->srv, &la);
	err = err ? err : hooksrv_url(x->srv, url, sizeof(url));
	err = err ? err : write_app(x, url);
	app_json(x, "", app, sizeof(app));
	err = err ? err : hooksrv_add_body(x->srv, "/call", app);
	if (err) {
		re_snprintf(x->r->note, sizeof(x->r->note), "hook server: %s",
			 strerror(err));
		return err;
	}
	if (x->o->iut == LOAD_IUT_EXTERNAL)
		fprintf(stderr, "referlab load: the IUT's call hook: %s/call\n",
			url);
	err = ports_alloc(&port, 1, false);
	if (!err && x->o->iut != LOAD_IUT_EXTERNAL)
		err = ports_alloc(&iut_port, 1, false);
	if (err) {
		re_snprintf(x->r->note, sizeof(x->r->note), "no free ports");
		return err;
	}
	if (x->o->iut == LOAD_IUT_EXTERNAL) {
		struct sa a;

		if (!sa_decode(&a, x->o->iut_sip, strlen(x->o->iut_sip)))
			iut_port = sa_port(&a);
	}
	capture_begin(x, &cap, iut_port, port);
	err = run_loop(x, iut_port, port);
	proc_stop(x->sipp, 1000);
	proc_stop(x->iut, 2000);
	capture_end(x, cap);
	if (!err && sipp_stats(x))
		re_snprintf(x->r->note, sizeof(x->r->note), "no statistics from "
			 "SIPp: see %s/carrier.log", x->o->out);
	if (x->timed_out)
		re_snprintf(x->r->note, sizeof(x->r->note), "SIPp still running "
			 "at the deadline: stopped (see %s/carrier.log)",
			 x->o->out);
	return err ? err : x->interrupted ? EINTR : 0;
}

int load_run(const struct load_opts *o, struct load_result *r)
{
	struct load_ctx x = {.o = o, .r = r};
	int err;

	memset(r, 0, sizeof(*r));
	tmr_init(&x.tmr);
	err = load_write_scenarios(o->out, o->hold_ms);
	if (err) {
		re_snprintf(r->note, sizeof(r->note), "%s: %s", o->out,
			 strerror(err));
		return err;
	}
	err = load_hooktimes_alloc(&x.ht);
	if (!err)
		err = run(&x);
	proc_free(x.sipp);
	proc_free(x.iut);
	mem_deref(x.srv);
	mem_deref(x.ht);
	return err;
}
