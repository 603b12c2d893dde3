/**
 * @file opts.h  referlab-sim's command line
 */
#ifndef REFERLAB_SIM_OPTS_H
#define REFERLAB_SIM_OPTS_H

#include <re.h>
#include "hook.h"

enum {
	OPTS_MAX_LISTEN = 8,
	/* libre 1.1.0 ends a non-INVITE transaction at 64*T1 = 32 s with
	 * its T1 compiled in; --refer-timeout can only come sooner */
	OPTS_TIMER_F_MS = 64 * 500,
};

struct opts_listen {
	enum sip_transp tp;
	struct sa addr;
	const char *spec;          /* as given, for messages */
};

struct sim_conf {
	struct opts_listen listen[OPTS_MAX_LISTEN];
	unsigned listenc;
	const char *app_path;      /* --app */
	const char *call_hook;     /* --call-hook */
	const char *hook_base;     /* --hook-base */
	const char *dial;          /* --dial */
	enum hook_dialect dialect;
	const char *secret;        /* --webhook-secret */
	const char *secret_file;   /* --webhook-secret-file */
	char *auth_user, *auth_pass;  /* --sip-auth (allocated) */
	const char *trace;         /* --trace */
	bool log_json;
	uint32_t max_calls;        /* 0: no limit */
	uint32_t exit_after;       /* 0: run until a signal */
	uint32_t refer_timeout_ms; /* 0: libre's Timer F (64*T1) */
	const char *account_sid, *application_sid;
};

/* Fills conf from argv (after the program name). On a usage error returns
 * EINVAL and puts one line naming the argument in err. */
int  opts_parse(struct sim_conf *conf, int argc, char **argv,
		char *err, size_t errsz);
void opts_reset(struct sim_conf *conf);

#endif
