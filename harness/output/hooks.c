/**
 * @file hooks.c  The hooks the sip:refer verb would call for a transfer,
 *                in either payload dialect (spec §5)
 */
#include <string.h>
#include "output/output.h"

static cJSON *hook(const char *name, uint64_t frame, double time,
		   cJSON *payload)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "hook", name);
	json_add_num_or_null(o, "frame", frame);
	cJSON_AddNumberToObject(o, "time", time);
	cJSON_AddItemToObject(o, "payload", payload);
	return o;
}

/* The call info of spec §7 that the wire shows, camelCase (spec
 * dialect); callStatus as it is when the verb completes. */
static void add_callinfo(cJSON *p, const struct transfer *t,
			 const struct derived *dv)
{
	const struct callinfo *ci = &t->call;
	char addr[64];

	json_add_str(p, "callId", t->callid);
	if (ci->dir != CALL_DIR_UNKNOWN)
		cJSON_AddStringToObject(p, "direction", ci->dir ==
					CALL_DIR_INBOUND ? "inbound"
							 : "outbound");
	if (ci->from) {
		cJSON_AddStringToObject(p, "from", ci->from);
		cJSON_AddStringToObject(p, "to", ci->to ? ci->to : "");
		cJSON_AddStringToObject(p, "callerName", ci->caller_name ?
					ci->caller_name : "");
	}
	if (ci->sip_status) {
		cJSON_AddNumberToObject(p, "sipStatus", ci->sip_status);
		json_add_str(p, "sipReason", ci->sip_reason);
	}
	cJSON_AddStringToObject(p, "callStatus", t->bye_frame &&
				t->bye_ts <= dv->action_ts ? "completed"
							   : "in-progress");
	(void)re_snprintf(addr, sizeof(addr), "%J", &t->referrer);
	cJSON_AddStringToObject(p, "fsSipAddress", addr);
}

/* The jambonz dialect (spec §5): what feature-server 0.9.x puts on the
 * wire, every key snake_case. */
static const struct {
	const char *spec, *jambonz;
} keys[] = {
	{"callId", "call_id"}, {"callerName", "caller_name"},
	{"sipStatus", "sip_status"}, {"sipReason", "sip_reason"},
	{"callStatus", "call_status"}, {"fsSipAddress", "fs_sip_address"},
	{"referStatus", "refer_status"},
};

static cJSON *jambonz_keys(cJSON *spec)
{
	cJSON *out = cJSON_CreateObject(), *item;

	cJSON_ArrayForEach(item, spec) {
		const char *name = item->string;
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(name, keys[i].spec))
				name = keys[i].jambonz;
		cJSON_AddItemToObject(out, name, cJSON_Duplicate(item, true));
	}
	cJSON_Delete(spec);
	return out;
}

/* Spec dialect (§5): referStatus and final_referred_call_status are
 * numbers, the eventHook's call_status a string; the actionHook
 * carries the call info too. The jambonz dialect renames the keys and
 * sends the eventHook's call_status as a number. */
cJSON *hooks_json(const struct transfer *t, enum hook_dialect dialect)
{
	cJSON *arr = cJSON_CreateArray(), *p;
	struct derived dv;
	struct le *le;

	derive_outcome(t, &dv);
	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;
		char code[8];

		if (!derive_fires_event(t, n))
			continue;
		(void)re_snprintf(code, sizeof(code), "%u", n->status);
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "event", "transfer-status");
		if (dialect == DIALECT_JAMBONZ)
			cJSON_AddNumberToObject(p, "call_status", n->status);
		else
			cJSON_AddStringToObject(p, "call_status", code);
		cJSON_AddItemToArray(arr, hook("eventHook", n->frame,
					       transfer_time(t, n->ts_ns), p));
	}
	p = cJSON_CreateObject();
	add_callinfo(p, t, &dv);
	cJSON_AddNumberToObject(p, "referStatus", dv.refer_status);
	if (dv.final_status)
		cJSON_AddNumberToObject(p, "final_referred_call_status",
					dv.final_status);
	if (dialect == DIALECT_JAMBONZ)
		p = jambonz_keys(p);
	cJSON_AddItemToArray(arr, hook("actionHook", dv.action_frame,
				       transfer_time(t, dv.action_ts), p));
	return arr;
}


const char *dialect_name(enum hook_dialect dialect)
{
	return dialect == DIALECT_JAMBONZ ? "jambonz" : "spec";
}
