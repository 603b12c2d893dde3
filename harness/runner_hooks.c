/**
 * @file runner_hooks.c  A case's hook server: serves the application, records the hooks
 *
 * The application is served on /call, the call hook the implementation is
 * given; each path the expectation answers gets its status, body and
 * delay. Every request is recorded into the case folder's hooks.jsonl as
 * it arrives, and kept for the checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "runner_case.h"

static void record_h(const cJSON *rec, void *arg)
{
	struct case_ctx *x = arg;

	cJSON_AddItemToArray(x->hookrecs, cJSON_Duplicate(rec, true));
}

static int add_answer(struct hooksrv *srv, const struct expect_answer *a)
{
	int err = 0;

	if (a->body)
		err = hooksrv_add_body(srv, a->path, a->body);
	if (!err && a->status)
		err = hooksrv_add_status(srv, a->path, a->status);
	if (!err && a->delay_ms)
		err = hooksrv_add_delay(srv, a->path, a->delay_ms);
	return err;
}

int hooks_start(struct case_ctx *x)
{
	struct hooksrv_conf conf;
	char path[PATH_MAX + 16], *app = NULL;
	const char *hook_host = runner_local_ip(x->o, false);
	struct sa laddr;
	size_t i;
	int err;

	snprintf(path, sizeof(path), "%s/hooks.jsonl", x->dir);
	x->hookfile = fopen(path, "w");
	x->hookrecs = cJSON_CreateArray();
	if (!x->hookfile || !x->hookrecs) {
		verdict_error(x->v, "%s: %s", path, strerror(errno));
		return EIO;
	}
	memset(&conf, 0, sizeof(conf));
	conf.secret = x->o->secret;
	conf.record = x->hookfile;
	conf.recordh = record_h;
	conf.arg = x;
	err = hooksrv_alloc(&x->hooks, &conf);
	if (!err && x->exp->app) {
		app = cJSON_PrintUnformatted(x->exp->app);
		err = app ? hooksrv_add_body(x->hooks, RUNNER_CALL_HOOK, app) :
			ENOMEM;
		cJSON_free(app);
	}
	for (i = 0; !err && i < x->exp->answerc; i++)
		err = add_answer(x->hooks, &x->exp->answers[i]);
	/* HTTP to the application is IPv4 unless told otherwise: the case's
	 * address family is about SIP (jambonz talks to its app server
	 * apart from its SIP side). */
	if (!err)
		err = sa_set_str(&laddr, hook_host, x->ports->hooks);
	if (!err)
		err = hooksrv_start(x->hooks, &laddr);
	if (!err)
		err = hooksrv_url(x->hooks, x->hook_url, sizeof(x->hook_url));
	if (err)
		verdict_error(x->v, "the hook server cannot listen on %s port "
			      "%u: %s", hook_host, x->ports->hooks, strerror(err));
	return err;
}

/* The call hook and every hook the expectation lists have come. */
bool hooks_done(const struct case_ctx *x)
{
	return hooksrv_count(x->hooks) >= x->exp->hookc + 1;
}

void hooks_stop(struct case_ctx *x)
{
	x->hooks = mem_deref(x->hooks);
	if (x->hookfile)
		fclose(x->hookfile);
	x->hookfile = NULL;
}
