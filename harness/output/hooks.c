/**
 * @file hooks.c  The hooks the sip:refer verb would call for a transfer,
 *                in either payload dialect (spec §5)
 */
#include <stdlib.h>
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

/* The payloads are written straight into the output: the text ladder
 * shows one per hook, and building a cJSON tree only to print it was a
 * sixth of a run. hooks_json() parses the same text back.
 *
 * A key after sep ("{" or ","), in the spec dialect's name or the
 * jambonz dialect's (spec §5: what feature-server 0.9.x puts on the
 * wire, every key snake_case): literals, copied without a strlen or a
 * lookup of the renamed keys (those were a third of the payload). The
 * numbers are integers, which cJSON prints as "%d": wb_u64's digits. */
#define KEY(w, dialect, sep, spec, jambonz) \
	((dialect) == DIALECT_JAMBONZ ? wb_lit(w, sep "\"" jambonz "\":") \
				      : wb_lit(w, sep "\"" spec "\":"))

/* Spec dialect (§5): referStatus and final_referred_call_status are
 * numbers, the eventHook's call_status a string; the actionHook
 * carries the call info too (§7, what the wire shows, camelCase), with
 * callStatus as it is when the verb completes. The jambonz dialect
 * renames the keys and sends the eventHook's call_status as a number. */
void hook_event_write(struct wbuf *w, const struct notify_rec *n,
		      enum hook_dialect dialect)
{
	wb_str(w, "{\"event\":\"transfer-status\",\"call_status\":");
	if (dialect == DIALECT_JAMBONZ) {
		wb_u64(w, n->status, 0);
		wb_chr(w, '}');
		return;
	}
	wb_chr(w, '"');
	wb_u64(w, n->status, 0);
	wb_lit(w, "\"}");
}

void hook_action_write(struct wbuf *w, const struct transfer *t,
		       const struct derived *dv, enum hook_dialect dialect,
		       const char *referrer)
{
	const struct callinfo *ci = &t->call;
	char addr[64];

	KEY(w, dialect, "{", "callId", "call_id");
	wb_json_str(w, t->callid);
	if (ci->dir != CALL_DIR_UNKNOWN) {
		KEY(w, dialect, ",", "direction", "direction");
		wb_str(w, ci->dir == CALL_DIR_INBOUND ? "\"inbound\""
						      : "\"outbound\"");
	}
	if (ci->from) {
		KEY(w, dialect, ",", "from", "from");
		wb_json_str(w, ci->from);
		KEY(w, dialect, ",", "to", "to");
		wb_json_str(w, ci->to ? ci->to : "");
		KEY(w, dialect, ",", "callerName", "caller_name");
		wb_json_str(w, ci->caller_name ? ci->caller_name : "");
	}
	if (ci->sip_status) {
		KEY(w, dialect, ",", "sipStatus", "sip_status");
		wb_u64(w, ci->sip_status, 0);
		KEY(w, dialect, ",", "sipReason", "sip_reason");
		wb_json_str(w, ci->sip_reason);
	}
	KEY(w, dialect, ",", "callStatus", "call_status");
	wb_str(w, t->bye_frame && t->bye_ts <= dv->action_ts ?
	       "\"completed\"" : "\"in-progress\"");
	if (!referrer) {
		addr_text(addr, sizeof(addr), &t->referrer);
		referrer = addr;
	}
	KEY(w, dialect, ",", "fsSipAddress", "fs_sip_address");
	wb_json_str(w, referrer);
	KEY(w, dialect, ",", "referStatus", "refer_status");
	wb_u64(w, dv->refer_status, 0);
	if (dv->final_status) {
		KEY(w, dialect, ",", "final_referred_call_status",
		    "final_referred_call_status");
		wb_u64(w, dv->final_status, 0);
	}
	wb_chr(w, '}');
}

/* A payload as the writers above print it, read back into a tree (it
 * holds strings and integers only, so nothing changes on the way). */
static cJSON *payload(const struct transfer *t, const struct notify_rec *n,
		      const struct derived *dv, enum hook_dialect dialect)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct wbuf w;
	cJSON *p;

	if (!f)
		return cJSON_CreateNull();
	wb_init(&w, f);
	if (n)
		hook_event_write(&w, n, dialect);
	else
		hook_action_write(&w, t, dv, dialect, NULL);
	wb_flush(&w);
	fclose(f);
	p = text ? cJSON_Parse(text) : NULL;
	free(text);
	return p ? p : cJSON_CreateNull();
}

cJSON *hooks_json(const struct transfer *t, enum hook_dialect dialect)
{
	cJSON *arr = cJSON_CreateArray();
	struct derived dv;
	struct le *le;

	derive_outcome(t, &dv);
	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (!derive_fires_event(t, n))
			continue;
		cJSON_AddItemToArray(arr, hook("eventHook", n->frame,
					       transfer_time(t, n->ts_ns),
					       payload(t, n, &dv, dialect)));
	}
	cJSON_AddItemToArray(arr, hook("actionHook", dv.action_frame,
				       transfer_time(t, dv.action_ts),
				       payload(t, NULL, &dv, dialect)));
	return arr;
}

const char *dialect_name(enum hook_dialect dialect)
{
	return dialect == DIALECT_JAMBONZ ? "jambonz" : "spec";
}
