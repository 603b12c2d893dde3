/**
 * @file runner.h  referlab run: conformance suites end to end
 *
 * The pipeline of one run: discover the cases (runner_cases.c), pick the
 * shard and the filter, then run each case in a worker process of its
 * own (runner_case.c) at most --jobs at a time, collect each worker's
 * verdict.json and write the suite's results.json and junit.xml.
 * A worker per case keeps cases apart: a crash, a hang or a leak in one
 * case is that case's ERROR, never the run's.
 */
#ifndef REFERLAB_RUNNER_H
#define REFERLAB_RUNNER_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "shard.h"

enum runner_iut { RUNNER_IUT_BUILTIN, RUNNER_IUT_EXTERNAL, RUNNER_IUT_BARESIP };

enum { RUNNER_JOBS_MAX = 64 };

struct runner_opts {
	char **paths;            /* scenario folders or files */
	size_t npaths;
	enum runner_iut iut;
	const char *iut_sip;     /* external: sip:HOST:PORT */
	char iut_host[64];       /* ... split: host (no brackets) */
	uint16_t iut_port;
	unsigned jobs;
	struct shard shard;
	const char *filter;      /* glob over case names, or NULL */
	const char *transport;   /* "udp" | "tcp", or NULL: as the case says */
	bool ipv6;
	const char *local_ip;    /* where the hook server and SIPp bind and
				    what they advertise; default loopback */
	uint16_t hook_port;      /* fixed ports for an external IUT that is */
	uint16_t peer_port;      /* configured once; 0: free ones per case */
	const char *out;         /* the run's folder */
	bool out_is_default;     /* reports/<timestamp>: also reports/latest */
	const char *dialect;     /* "spec" | "jambonz" */
	const char *secret;      /* webhook secret: hooks must be signed */
	char secret_buf[40];     /* builtin: a random one per run */
	bool keep_going;
	bool no_hooks;           /* the IUT calls no webhooks: SIP checks only */
	bool list;               /* --list: print the selected cases, run none */
	bool quick;              /* --quick: leave out RUNNER_TAG_SLOW cases */
	unsigned timeout_s;      /* per case */
	char sim_bin[PATH_MAX + 16];
	char iut_version[64];    /* "referlab-sim 0.1.0" (builtin) */       /* referlab-sim beside referlab, or $REFERLAB_SIM */
	bool capture;            /* live capture possible (else the sim's trace) */
};

/* One case found on disk. */
struct runner_case {
	char *name;              /* "carriers/notify-after-bye": stable id */
	char *expect_path;       /* its expectation file */
	char *scenario_path;     /* its SIPp scenario */
	unsigned timeout_s;      /* its expectation's: the schedule's hint */
	char *left_out;          /* why this run leaves it out, or NULL */
};

/* Cases tagged so wait out a 64*T1 transaction timer (RFC 3261 Timer F,
 * 32 s): the floor of the suite's wall time; --quick leaves them out. */
#define RUNNER_TAG_SLOW "timer-64t1"

struct case_list {
	struct runner_case *v;
	size_t n, cap;
};

/* Ports of one case, allocated by the runner before the worker starts. */
struct case_ports {
	uint16_t sim_sip;        /* the built-in IUT's SIP port */
	uint16_t peer_sip;       /* SIPp's SIP port */
	uint16_t peer_ctrl;      /* SIPp's control socket (default 8888!) */
	uint16_t peer_media;     /* SIPp's media echo ports, 4 from here */
	uint16_t hooks;          /* the hook server's HTTP port */
	uint16_t iut_ctrl;       /* baresip: its ctrl_tcp port */
	uint16_t iut_media;      /* baresip: its RTP ports, 4 from here */
};

/* runner_ports.c: a case's ports, reserved for it until released; the
 * fixed --hook-port and --peer-port of an external implementation are
 * the run's (each case uses them), released by run_ports_release at the
 * run's end. 0 or EADDRNOTAVAIL (ports.h). */
int  case_ports_alloc(struct case_ports *p, const struct runner_opts *o);
void case_ports_release(struct case_ports *p, const struct runner_opts *o);
void run_ports_release(const struct runner_opts *o);

int  runner_main(int argc, char **argv);
/* The command line into o; 0, -1 after --help, or an exit code (usage
 * error said). */
int  runner_opts_parse(struct runner_opts *o, int argc, char **argv);

/* runner_cases.c: discovery, filter, shard */
int  cases_discover(struct case_list *cl, char *const paths[], size_t npaths,
		    char *err, size_t errsz);
void cases_select(struct case_list *cl, const char *filter,
		  const struct shard *shard);
void cases_free(struct case_list *cl);
/* room for one more case: 0 or ENOMEM */
int  cases_reserve(struct case_list *cl);

/* runner_sched.c: the cases this run leaves out move to left (each with
 * its reason); *order (allocated) is the rest's start order, longest
 * timeout first */
int  cases_schedule(struct case_list *cl, struct case_list *left,
		    size_t **order, const struct runner_opts *o);
cJSON *cases_left_json(const struct case_list *left);
void cases_left_print(const struct case_list *left, FILE *f);

/* runner_env.c: checked once, up front; each returns an exit code or 0
 * and says what to do on stderr */
int  check_environment(struct runner_opts *o);
int  prepare_out(struct runner_opts *o, char *buf, size_t sz);
void link_latest(const struct runner_opts *o);
int  mkdir_p(const char *path);
/* The suite of a run given no PATH: "scenarios" when the current folder
 * has one (a source checkout), else the suite installed with referlab
 * (runner_installed_suite, always an answer: for --help); 0, or
 * EXIT_USAGE when there is neither (said). */
int  runner_default_suite(char *buf, size_t sz);
void runner_installed_suite(char *buf, size_t sz);
/* An external implementation is configured once: fixed hook and peer
 * ports for the whole run, one case at a time; says what to configure. */
int  external_setup(struct runner_opts *o);
/* --local-ip, else the loopback of the family */
const char *runner_local_ip(const struct runner_opts *o, bool ipv6);

/* true when this process may capture on the loopback (root, CAP_NET_RAW) */
bool runner_capture_allowed(void);

/* runner_case.c: one case, in its worker; writes DIR/verdict.json */
int  case_run(const struct runner_opts *o, const struct runner_case *c,
	      const struct case_ports *ports, const char *dir);

#endif
