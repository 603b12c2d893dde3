/**
 * @file load.c  `referlab load`: the command line and the report
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <re.h>
#include "cli.h"
#include "load.h"

static const char *prog = "referlab load";

static void usage(FILE *out)
{
	fprintf(out,
"usage: referlab load --rate R --duration S [--concurrency C]\n"
"                     [--iut builtin|sipp | --iut external --iut-sip HOST:PORT\n"
"                      [--iut-pid PID] [--hook-port P]] [--no-hooks] [--hold MS]\n"
"                     [--tcp] [--no-capture] [--out DIR] [--json]\n\n"
"A SIPp carrier calls the implementation under test at R calls/s for S s\n"
"(SIPp -r R -m R*S -l C); each call is one blind transfer: INVITE, the\n"
"IUT's REFER, 202, NOTIFY 100/180/200, the IUT's BYE. Reports transfers\n"
"attempted/completed/failed per second, the hooks counted, final NOTIFY\n"
"(on the wire) -> actionHook (received) p50/p99, the most transfers\n"
"pending at once, and the IUT's CPU time and peak RSS (/proc).\n\n"
"  --rate R          new transfers per second (1..100000)\n"
"  --duration S      seconds of new transfers (1..3600)\n"
"  --concurrency C   most calls at once (SIPp -l; default 2R + R*hold + 10)\n"
"  --iut builtin     referlab-sim with the verb from a file (default)\n"
"  --iut sipp        a SIPp referrer: the baseline of this machine\n"
"  --iut external    yours at --iut-sip HOST:PORT; its call hook is\n"
"                    printed (http://127.0.0.1:PORT/call; --hook-port P\n"
"                    fixes PORT); --iut-pid PID for its CPU and RSS\n"
"  --no-hooks        the verb without eventHook and actionHook\n"
"  --hold MS         the carrier waits MS between NOTIFY 180 and the\n"
"                    final NOTIFY: transfers pile up pending\n"
"  --tcp             SIP over TCP (SIPp -t t1: one connection), not UDP\n"
"  --no-capture      no live capture: no latency, less load on the box\n"
"  --out DIR         logs, scenarios, capture (default: a new folder\n"
"                    /tmp/referlab-load-XXXXXX, printed)\n"
"  --json            the report as one JSON object\n\n"
"Exit codes: 0 every transfer completed, 1 some failed or were not\n"
"started, 2 usage, 3 environment (no sipp, no referlab-sim, no ports),\n"
"130 interrupted (SIGINT, SIGTERM; the report is still printed).\n");
}

static int number(const char *opt, const char *s, uint32_t lo, uint32_t hi,
		  uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || *s == '-' || v < lo || v > hi)
		return cli_usage_error(prog, "%s: '%s' is not a number in "
				       "%u..%u", opt, s, lo, hi);
	*out = (uint32_t)v;
	return 0;
}

static int parse_iut(struct load_opts *o, const char *v)
{
	if (!strcmp(v, "builtin"))
		o->iut = LOAD_IUT_BUILTIN;
	else if (!strcmp(v, "sipp"))
		o->iut = LOAD_IUT_SIPP;
	else if (!strcmp(v, "external"))
		o->iut = LOAD_IUT_EXTERNAL;
	else
		return cli_usage_error(prog, "--iut: '%s' is not builtin, "
				       "sipp or external", v);
	return 0;
}

static int parse_sip(struct load_opts *o, const char *v)
{
	struct sa a;

	if (!strncmp(v, "sip:", 4))
		v += 4;
	if (sa_decode(&a, v, strlen(v)) || !sa_port(&a))
		return cli_usage_error(prog, "--iut-sip: '%s' is not "
				       "HOST:PORT (an IP address)", v);
	snprintf(o->iut_sip, sizeof(o->iut_sip), "%s", v);
	return 0;
}

/* One option at argv[*i]; its value, if any, consumed. */
static int parse_one(struct load_opts *o, int argc, char **argv, int *i,
		     bool *have)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	uint32_t pid = 0;   /* number() sets it on success; -O3 cannot tell */
	int err;

	if (!strcmp(a, "--no-hooks"))
		return o->hooks = false, 0;
	if (!strcmp(a, "--no-capture"))
		return o->capture = false, 0;
	if (!strcmp(a, "--tcp"))
		return o->tcp = true, 0;
	if (!strcmp(a, "--json"))
		return o->json = true, 0;
	if (!v)
		return cli_usage_error(prog, "unknown or incomplete argument "
				       "'%s'", a);
	++*i;
	if (!strcmp(a, "--rate"))
		return have[0] = true, number(a, v, 1, 100000, &o->rate);
	if (!strcmp(a, "--duration"))
		return have[1] = true, number(a, v, 1, 3600, &o->duration);
	if (!strcmp(a, "--concurrency"))
		return number(a, v, 1, 1000000, &o->concurrency);
	if (!strcmp(a, "--hold"))
		return number(a, v, 0, 600000, &o->hold_ms);
	if (!strcmp(a, "--iut"))
		return parse_iut(o, v);
	if (!strcmp(a, "--iut-sip"))
		return parse_sip(o, v);
	if (!strcmp(a, "--iut-pid")) {
		err = number(a, v, 1, 4194304, &pid);
		o->iut_pid = (pid_t)pid;
		return err;
	}
	if (!strcmp(a, "--hook-port")) {
		err = number(a, v, 1, 65535, &pid);
		o->hook_port = (uint16_t)pid;
		return err;
	}
	if (!strcmp(a, "--out"))
		return snprintf(o->out, sizeof(o->out), "%s", v), 0;
	return cli_usage_error(prog, "unknown argument '%s'", a);
}

static int parse(struct load_opts *o, int argc, char **argv)
{
	bool have[2] = {false, false};
	int i, err;

	memset(o, 0, sizeof(*o));
	o->hooks = o->capture = true;
	for (i = 1; i < argc; i++) {
		err = parse_one(o, argc, argv, &i, have);
		if (err)
			return err;
	}
	if (!have[0] || !have[1])
		return cli_usage_error(prog, "--rate and --duration are "
				       "required");
	if ((o->iut == LOAD_IUT_EXTERNAL) != !!o->iut_sip[0])
		return cli_usage_error(prog, "--iut-sip HOST:PORT goes with "
				       "--iut external, and only with it");
	if (o->iut_pid && o->iut != LOAD_IUT_EXTERNAL)
		return cli_usage_error(prog, "--iut-pid goes with --iut "
				       "external");
	return 0;
}

static int prepare_out(struct load_opts *o)
{
	if (!o->out[0]) {
		snprintf(o->out, sizeof(o->out), "/tmp/referlab-load-XXXXXX");
		if (!mkdtemp(o->out))
			return errno;
		return 0;
	}
	if (mkdir(o->out, 0755) && errno != EEXIST)
		return errno;
	return 0;
}

static const char *iut_name(const struct load_opts *o)
{
	return o->iut == LOAD_IUT_BUILTIN ? "builtin" :
		o->iut == LOAD_IUT_SIPP ? "sipp" : "external";
}

static double per_s(uint64_t n, double s)
{
	return s > 0 ? (double)n / s : 0;
}

static void report_json(const struct load_opts *o, const struct load_result *r)
{
	printf("{\"iut\":\"%s\",\"transport\":\"%s\",\"rate\":%u,\"duration\":%u,\"hooks\":%s,"
	       "\"hold_ms\":%u,\"elapsed_s\":%.3f,\"attempted\":%llu,"
	       "\"completed\":%llu,\"failed\":%llu,\"attempted_per_s\":%.1f,"
	       "\"completed_per_s\":%.1f,\"failed_per_s\":%.1f,"
	       "\"hooks_action\":%llu,\"hooks_event\":%llu,"
	       "\"hooks_other\":%llu,\"calls_max\":%llu,", iut_name(o), o->tcp ? "tcp" : "udp",
	       o->rate, o->duration,
	       o->hooks ? "true" : "false", o->hold_ms, r->elapsed_s,
	       (unsigned long long)r->attempted,
	       (unsigned long long)r->completed,
	       (unsigned long long)r->failed,
	       per_s(r->attempted, r->elapsed_s),
	       per_s(r->completed, r->elapsed_s),
	       per_s(r->failed, r->elapsed_s),
	       (unsigned long long)r->hooks_action,
	       (unsigned long long)r->hooks_event,
	       (unsigned long long)r->hooks_other,
	       (unsigned long long)r->calls_max);
	if (r->have_latency)
		printf("\"latency_ms\":{\"matched\":%llu,\"p50\":%.3f,"
		       "\"p99\":%.3f,\"max\":%.3f},\"pending_max\":%llu,"
		       "\"capture_dropped\":%llu,",
		       (unsigned long long)r->lat.matched, r->lat.p50_ms,
		       r->lat.p99_ms, r->lat.max_ms,
		       (unsigned long long)r->pending_max,
		       (unsigned long long)r->capture_dropped);
	else
		printf("\"latency_ms\":null,\"pending_max\":null,");
	if (r->have_proc)
		printf("\"iut_cpu_s\":%.2f,\"iut_cpu_pct\":%.1f,"
		       "\"iut_rss_peak_kib\":%llu,", r->iut_cpu_s,
		       100 * per_s(1, r->elapsed_s) * r->iut_cpu_s,
		       (unsigned long long)r->iut_rss_peak_kib);
	else
		printf("\"iut_cpu_s\":null,\"iut_cpu_pct\":null,"
		       "\"iut_rss_peak_kib\":null,");
	printf("\"out\":\"%s\",\"note\":\"%s\"}\n", o->out, r->note);
}

static void report_text(const struct load_opts *o, const struct load_result *r)
{
	printf("referlab load: %s over %s, %u transfers/s for %u s, %s, hold "
	       "%u ms\n", iut_name(o), o->tcp ? "TCP" : "UDP", o->rate,
	       o->duration,
	       o->iut == LOAD_IUT_SIPP ? "no hooks (a SIPp referrer)" :
	       o->hooks ? "eventHook + actionHook" : "no hooks", o->hold_ms);
	printf("  transfers: attempted %llu (%.1f/s), completed %llu "
	       "(%.1f/s), failed %llu (%.1f/s) in %.2f s\n",
	       (unsigned long long)r->attempted,
	       per_s(r->attempted, r->elapsed_s),
	       (unsigned long long)r->completed,
	       per_s(r->completed, r->elapsed_s),
	       (unsigned long long)r->failed, per_s(r->failed, r->elapsed_s),
	       r->elapsed_s);
	printf("  calls in progress at most (SIPp, sampled each second): "
	       "%llu\n", (unsigned long long)r->calls_max);
	printf("  hooks: %llu actionHook, %llu eventHook, %llu other\n",
	       (unsigned long long)r->hooks_action,
	       (unsigned long long)r->hooks_event,
	       (unsigned long long)r->hooks_other);
	if (r->have_latency && r->lat.matched)
		printf("  final NOTIFY -> actionHook: p50 %.3f ms, p99 %.3f "
		       "ms, max %.3f ms (%llu transfers)\n", r->lat.p50_ms,
		       r->lat.p99_ms, r->lat.max_ms,
		       (unsigned long long)r->lat.matched);
	if (r->have_latency)
		printf("  pending at once (accepted, final NOTIFY not yet): "
		       "%llu; capture dropped %llu packets\n",
		       (unsigned long long)r->pending_max,
		       (unsigned long long)r->capture_dropped);
	if (r->have_proc)
		printf("  IUT: CPU %.2f s (%.0f%% of one core), peak RSS %.1f "
		       "MiB\n", r->iut_cpu_s,
		       100 * per_s(1, r->elapsed_s) * r->iut_cpu_s,
		       (double)r->iut_rss_peak_kib / 1024);
	if (r->note[0])
		printf("  note: %s\n", r->note);
	printf("  files: %s\n", o->out);
}

int cmd_load(int argc, char **argv)
{
	struct load_opts o;
	struct load_result r;
	int err, i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), EXIT_OK;
	err = parse(&o, argc, argv);
	if (err)
		return err;
	err = prepare_out(&o);
	if (err) {
		fprintf(stderr, "%s: --out %s: %s\n", prog, o.out,
			strerror(err));
		return EXIT_ENVIRONMENT;
	}
	err = libre_init();
	if (err) {
		fprintf(stderr, "%s: libre_init: %s\n", prog, strerror(err));
		return EXIT_ENVIRONMENT;
	}
	err = load_run(&o, &r);
	if (err && err != EINTR) {
		fprintf(stderr, "%s: %s\n", prog, r.note[0] ? r.note :
			strerror(err));
		libre_close();
		return EXIT_ENVIRONMENT;
	}
	if (o.json)
		report_json(&o, &r);
	else
		report_text(&o, &r);
	libre_close();
	if (err == EINTR)
		return 130;
	return r.failed || !r.completed ||
		r.completed < (uint64_t)o.rate * o.duration ?
		EXIT_FINDINGS : EXIT_OK;
}
