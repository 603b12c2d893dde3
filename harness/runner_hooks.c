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

/* A body given as a JSON string is sent as that text; anything else as
 * JSON. */
static int add_answer(struct hooksrv *srv, const struct plan_answer *a)
{
	char *text = NULL;
	int err = 0;

	if (a->body) {
		text = cJSON_IsString(a->body) ? a->body->valuestring :
			cJSON_PrintUnformatted(a->body);
		err = text ? hooksrv_add_body(srv, a->path, text) : ENOMEM;
		if (!cJSON_IsString(a->body))
			cJSON_free(text);
	}
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
	conf.record = x->hookfile;
	conf.recordh = record_h;
	conf.arg = x;
	err = hooksrv_alloc(&x->hooks, &conf);
	if (!err && x->plan.app) {
		app = cJSON_PrintUnformatted(x->plan.app);
		err = app ? hooksrv_add_body(x->hooks, RUNNER_CALL_HOOK, app) :
			ENOMEM;
		cJSON_free(app);
	}
	for (i = 0; !err && i < x->plan.answerc; i++)
		err = add_answer(x->hooks, &x->plan.answers[i]);
	if (!err)
		err = sa_set_str(&laddr, x->host, x->ports->hooks);
	if (!err)
		err = hooksrv_start(x->hooks, &laddr);
	if (!err)
		err = hooksrv_url(x->hooks, x->hook_url, sizeof(x->hook_url));
	if (err)
		verdict_error(x->v, "the hook server cannot listen on %s port "
			      "%u: %s", x->host, x->ports->hooks, strerror(err));
	return err;
}

/* The call hook and every hook the expectation lists have come. */
bool hooks_done(const struct case_ctx *x)
{
	return hooksrv_count(x->hooks) >= x->plan.hookc + (x->plan.app ? 1 : 0);
}

void hooks_stop(struct case_ctx *x)
{
	x->hooks = mem_deref(x->hooks);
	if (x->hookfile)
		fclose(x->hookfile);
	x->hookfile = NULL;
}
