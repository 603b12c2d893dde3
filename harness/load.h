/**
 * @file load.h  `referlab load`: transfers at a rate against an implementation
 *
 * A SIPp carrier in rate mode (-r -l -m) calls the implementation under
 * test; each call is one complete blind transfer (INVITE, REFER, 202,
 * NOTIFY 100/180/200, the IUT's BYE). The hook server counts the hooks
 * and notes when each actionHook arrived; the capture gives when each
 * final NOTIFY was on the wire, so the two make the hook latency.
 */
#ifndef REFERLAB_LOAD_H
#define REFERLAB_LOAD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum load_iut {
	LOAD_IUT_BUILTIN,    /* referlab-sim, started here */
	LOAD_IUT_EXTERNAL,   /* --iut-sip, started by the user */
	LOAD_IUT_SIPP,       /* a SIPp referrer: the baseline */
};

struct load_opts {
	uint32_t rate;           /* new transfers per second */
	uint32_t duration;       /* seconds of new transfers */
	uint32_t concurrency;    /* SIPp -l; 0: derived from rate and hold */
	enum load_iut iut;
	char iut_sip[256];       /* external: "HOST:PORT" */
	pid_t iut_pid;           /* external: for CPU and RSS, or 0 */
	uint16_t hook_port;      /* the hook server's; 0: any free one */
	bool tcp;                /* SIP over TCP (one connection), not UDP */
	bool hooks;              /* eventHook + actionHook (default) */
	bool capture;            /* capture for the latency (default) */
	uint32_t hold_ms;        /* between the 202 and the final NOTIFY */
	char out[PATH_MAX];      /* folder for logs, scenarios, capture */
	bool json;
};

struct load_latency {
	uint64_t matched;        /* actionHooks paired with a final NOTIFY */
	double p50_ms, p99_ms, max_ms;
};

struct load_result {
	double elapsed_s;        /* SIPp's run, first call to exit */
	uint64_t attempted, completed, failed;
	uint64_t hooks_action, hooks_event, hooks_other;
	bool have_latency;       /* a capture was analysed */
	struct load_latency lat;
	uint64_t pending_max;    /* transfers accepted, final NOTIFY not yet */
	uint64_t calls_max;      /* most calls in progress (SIPp, each 1 s) */
	uint64_t capture_dropped;
	bool have_proc;          /* the IUT's /proc was readable */
	double iut_cpu_s;        /* user + system */
	uint64_t iut_rss_peak_kib;
	char note[256];          /* why a figure is missing, or "" */
};

int  load_run(const struct load_opts *o, struct load_result *r);
int  load_write_scenarios(const char *dir, uint32_t hold_ms);
/* From the capture and the actionHook arrival times (load_lat.c). */
struct load_hooktimes;
int  load_hooktimes_alloc(struct load_hooktimes **htp);
int  load_hooktimes_add(struct load_hooktimes *ht, const char *callid,
			uint64_t t_ns);
int  load_latency(const char *pcap, struct load_hooktimes *ht,
		  struct load_result *r, char *err, size_t errsz);

int  cmd_load(int argc, char **argv);

#endif
