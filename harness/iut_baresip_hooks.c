/**
 * @file iut_baresip_hooks.c  Hook expectations of an implementation that fires none
 *
 * baresip calls no webhooks. What sip:refer would have reported for the
 * same wire is derived by the analyser (model/derive.h, spec section 4);
 * the case's hook expectations are checked against those, under the
 * paths the case's verb names, and the verdict says so
 * ("hooks_source": "derived"), so no one reads a PASS as "baresip
 * called the right hooks".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis.h"
#include "output/output.h"
#include "iut_baresip.h"

/* A hook of the verb: a string URL or a hook object's url; NULL: none. */
static const char *verb_hook(const cJSON *verb, const char *key)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(verb, key);

	if (cJSON_IsObject(h))
		h = cJSON_GetObjectItemCaseSensitive(h, "url");
	return cJSON_IsString(h) ? h->valuestring : NULL;
}

static void fail_h(const char *line, void *arg)
{
	struct verdict *v = arg;
	const char *p = strstr(line, "frame ");

	verdict_fail(v, "hook", NULL, NULL,
		     p ? (unsigned)strtoul(p + 6, NULL, 10) : 0,
		     "%s (hooks derived from the wire: baresip fires none)",
		     line);
}

/* The call hook sip:refer's application would have received: the call
 * info the actionHook payload carries (direction, from, to, ...). */
static cJSON *call_payload(const cJSON *derived)
{
	const cJSON *h, *p = NULL;
	cJSON *call = cJSON_CreateObject(), *item;

	cJSON_ArrayForEach(h, derived) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(h, "hook");

		if (cJSON_IsString(name) && !strcmp(name->valuestring,
						    "actionHook"))
			p = cJSON_GetObjectItemCaseSensitive(h, "payload");
	}
	cJSON_ArrayForEach(item, p) {
		if (strcmp(item->string, "referStatus") &&
		    strcmp(item->string, "refer_status") &&
		    strcmp(item->string, "final_referred_call_status"))
			cJSON_AddItemToObject(call, item->string,
					      cJSON_Duplicate(item, true));
	}
	return call;
}

void baresip_check_hooks(struct case_ctx *x, const struct analysis *a)
{
	const cJSON *verb = cJSON_GetArrayItem(x->exp->app, 0);
	const char *action = verb_hook(verb, "actionHook");
	const char *event = verb_hook(verb, "eventHook");
	bool jambonz = !strcmp(x->plan.dialect, "jambonz");
	struct expect_hookcall call, callv[64];
	cJSON *all = cJSON_CreateArray(), *callp = NULL;
	const cJSON *h;
	struct le *le;
	size_t n = 0;

	verdict_set_string(x->v, "hooks_source", "derived");
	for (le = a ? list_head(&a->transfers) : NULL; le; le = le->next)
		cJSON_AddItemToArray(all, hooks_json(le->data, jambonz ?
				     DIALECT_JAMBONZ : DIALECT_SPEC));
	cJSON_ArrayForEach(verb, all) {
		cJSON_ArrayForEach(h, verb) {
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(
				h, "hook");
			const char *path = !strcmp(name->valuestring,
						   "actionHook") ? action : event;

			if (!path || n >= sizeof(callv) / sizeof(callv[0]))
				continue;   /* the verb names no such hook */
			callv[n].path = path;
			callv[n].method = "POST";
			callv[n].payload = cJSON_GetObjectItemCaseSensitive(
				h, "payload");
			n++;
		}
	}
	if (cJSON_GetArraySize(all)) {
		callp = call_payload(cJSON_GetArrayItem(all, 0));
		call.path = RUNNER_CALL_HOOK;
		call.method = "POST";
		call.payload = callp;
	}
	expect_check_hooks(x->exp, callp ? &call : NULL, callv, n, fail_h,
			   x->v);
	cJSON_Delete(callp);
	cJSON_Delete(all);
}
