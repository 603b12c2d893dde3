/**
 * @file runner_dialect.c  A case's expected hook payloads, in the dialect the implementation speaks
 *
 * Cases write their hook expectations in one dialect (spec section 5;
 * "spec" unless the case says otherwise). Run against an implementation
 * that speaks the other one (--dialect), the expected keys and values are
 * translated before matching, so the whole library serves both: the
 * documented names (referStatus, callSid, eventHook call_status "180") or
 * feature-server 0.9.x's (refer_status, call_sid, call_status 180).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "runner_case.h"

/* spec name, jambonz name: the keys that differ (spec sections 5, 7) */
static const char *const names[][2] = {
	{"referStatus",    "refer_status"},
	{"callSid",        "call_sid"},
	{"callId",         "call_id"},
	{"callerName",     "caller_name"},
	{"sipStatus",      "sip_status"},
	{"sipReason",      "sip_reason"},
	{"callStatus",     "call_status"},
	{"accountSid",     "account_sid"},
	{"applicationSid", "application_sid"},
	{"fsSipAddress",   "fs_sip_address"},
};

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* The eventHook's call_status is a sipfrag status: "180" in the spec
 * dialect, 180 in jambonz's. The call info's call_status ("completed")
 * is jambonz's callStatus. */
static const char *rename_key(const cJSON *item, bool to_jambonz)
{
	size_t i;

	if (!to_jambonz && !strcmp(item->string, "call_status") &&
	    (cJSON_IsNumber(item) || all_digits(item->valuestring)))
		return NULL;    /* the eventHook's: same name */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(item->string, names[i][!to_jambonz]))
			return names[i][to_jambonz];
	}
	return NULL;
}

static void convert_status(cJSON *obj, cJSON *item, bool to_jambonz)
{
	char buf[16];

	if (strcmp(item->string, "call_status"))
		return;
	if (to_jambonz && cJSON_IsString(item) && all_digits(item->valuestring))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, "call_status",
			cJSON_CreateNumber(atoi(item->valuestring)));
	else if (!to_jambonz && cJSON_IsNumber(item)) {
		snprintf(buf, sizeof(buf), "%d", item->valueint);
		cJSON_ReplaceItemInObjectCaseSensitive(obj, "call_status",
						       cJSON_CreateString(buf));
	}
}

/* Top-level keys only: nested objects are the wire's own (the INVITE's
 * "sip" headers) or matcher operators ({"$regex": ...}). */
void dialect_translate(cJSON *obj, bool to_jambonz)
{
	cJSON *item, *next;

	if (!cJSON_IsObject(obj))
		return;
	for (item = obj->child; item; item = next) {
		const char *to = rename_key(item, to_jambonz);

		next = item->next;
		if (to) {
			char *copy = strdup(to);

			if (!copy)
				continue;
			if (!(item->type & cJSON_StringIsConst))
				cJSON_free(item->string);
			item->string = copy;
			item->type &= ~cJSON_StringIsConst;
		}
		convert_status(obj, item, to_jambonz);
	}
}

void dialect_apply(struct expect *e, const char *iut_dialect)
{
	bool to_jambonz;
	size_t i;

	if (!e->dialect || !strcmp(e->dialect, iut_dialect))
		return;
	to_jambonz = !strcmp(iut_dialect, "jambonz");
	dialect_translate(e->call_hook, to_jambonz);
	for (i = 0; i < e->hookc; i++)
		dialect_translate(e->hooks[i].subset, to_jambonz);
}
