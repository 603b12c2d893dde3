/**
 * @file runner_case.h  Inside one case's worker: the plan, the children, the waits
 *
 * Private to runner_case*.c. A case runs as: hook server -> capture ->
 * implementation under test -> SIPp peer (the UAS first for phone cases)
 * -> wait on events -> analyse -> check -> verdict.json.
 */
#ifndef REFERLAB_RUNNER_CASE_H
#define REFERLAB_RUNNER_CASE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <re.h>
#include <cjson/cJSON.h>
#include "capture/capture.h"
#include "expect.h"
#include "hooksrv.h"
#include "proc.h"
#include "results.h"
#include "runner.h"

enum plan_role { PLAN_CARRIER, PLAN_PHONE };

/* The path the implementation is given as its call hook. */
#define RUNNER_CALL_HOOK "/call"

/* How the runner runs a case: the expectation's peer and limits, with
 * the run's overrides applied. */
struct case_plan {
	enum plan_role role;     /* carrier: SIPp calls the IUT; phone: the
				    IUT dials SIPp (its UAS starts first) */
	bool tcp;
	bool ipv6;
	unsigned timeout_s;
	const char *dialect;     /* the case's, else --dialect */
};

struct case_ctx {
	const struct runner_opts *o;
	const struct runner_case *c;
	const struct case_ports *ports;
	const char *dir;
	struct case_plan plan;
	struct expect *exp;      /* the case's expectation */
	struct verdict *v;
	struct proc *iut;        /* referlab-sim, builtin only */
	struct proc *peer;       /* SIPp */
	bool peer_stopped;       /* still running at the timeout: stopped */
	struct capture *cap;     /* live capture, or NULL: the sim's trace */
	struct hooksrv *hooks;
	FILE *hookfile;          /* hooks.jsonl */
	cJSON *hookrecs;         /* every request the hook server recorded */
	char hook_url[128];      /* http://HOST:PORT */
	const char *host;        /* 127.0.0.1 or ::1 */
	char iut_uri[128];       /* sip:HOST:PORT as SIPp dials it */
};

/* runner_plan.c */
int  plan_load(struct case_plan *p, struct expect **ep,
	       const struct runner_opts *o, const struct runner_case *c,
	       char *err, size_t errsz);

/* runner_dialect.c: the case's expected hook payloads translated into
 * the dialect the implementation speaks (spec section 5) */
void dialect_translate(cJSON *obj, bool to_jambonz);
void dialect_apply(struct expect *e, const char *iut_dialect);

/* runner_check.c: the expectation against the hooks and the capture
 * (NULL: none); each failed assertion goes into the verdict. */
void case_check(struct case_ctx *x, const char *pcap);

/* runner_hooks.c */
int  hooks_start(struct case_ctx *x);
bool hooks_done(const struct case_ctx *x);
void hooks_stop(struct case_ctx *x);

/* runner_peer.c: SIPp and referlab-sim as children */
int  peer_start(struct case_ctx *x);
int  iut_start(struct case_ctx *x);
/* SIPp's exit status as the second verdict */
void peer_judge(struct case_ctx *x);
/* the Call-IDs SIPp sent messages in (its message log): the case's;
 * 0, or an errno with why they are not known (ids then empty) */
struct callids;
int  peer_callids(const struct case_ctx *x, struct callids *ids, char *why,
		  size_t whysz);
/* true while SIPp's SIP socket is not bound yet */
bool peer_bound(const struct case_ctx *x);

#endif
