/**
 * @file hookpayload.c  Hook payloads in both dialects, and their GET encoding
 *
 * The two dialects differ only in key names (spec section 7) and in the
 * type of the eventHook's call_status, so one table of name pairs drives
 * both and they cannot drift apart.
 */
#include <ctype.h>
#include <string.h>
#include "jsonpl.h"
#include "hookint.h"

enum key {
	K_CALL_SID, K_DIRECTION, K_FROM, K_TO, K_CALLER_NAME, K_CALL_ID,
	K_SIP_STATUS, K_SIP_REASON, K_CALL_STATUS, K_ACCOUNT_SID,
	K_APPLICATION_SID, K_FS_SIP_ADDRESS, K_REFER_STATUS, K_FINAL_STATUS,
};

/* [key] = { spec name, jambonz name } */
static const char *const names[][2] = {
	[K_CALL_SID]        = {"callSid",        "call_sid"},
	[K_DIRECTION]       = {"direction",      "direction"},
	[K_FROM]            = {"from",           "from"},
	[K_TO]              = {"to",             "to"},
	[K_CALLER_NAME]     = {"callerName",     "caller_name"},
	[K_CALL_ID]         = {"callId",         "call_id"},
	[K_SIP_STATUS]      = {"sipStatus",      "sip_status"},
	[K_SIP_REASON]      = {"sipReason",      "sip_reason"},
	[K_CALL_STATUS]     = {"callStatus",     "call_status"},
	[K_ACCOUNT_SID]     = {"accountSid",     "account_sid"},
	[K_APPLICATION_SID] = {"applicationSid", "application_sid"},
	[K_FS_SIP_ADDRESS]  = {"fsSipAddress",   "fs_sip_address"},
	[K_REFER_STATUS]    = {"referStatus",    "refer_status"},
	[K_FINAL_STATUS]    = {"final_referred_call_status",
			       "final_referred_call_status"},
};

static const char *name(enum key k, enum hook_dialect d)
{
	return names[k][d == HOOK_DIALECT_JAMBONZ];
}

/* Missing strings become "" so every key always has the same type. */
static bool add_str(cJSON *o, enum key k, enum hook_dialect d, const char *v)
{
	return cJSON_AddStringToObject(o, name(k, d), v ? v : "") != NULL;
}

static bool add_num(cJSON *o, enum key k, enum hook_dialect d, double v)
{
	return cJSON_AddNumberToObject(o, name(k, d), v) != NULL;
}

static cJSON *call_info(const struct call_info *ci, enum hook_dialect d)
{
	cJSON *o = cJSON_CreateObject();
	bool ok;

	if (!o || !ci)
		return cJSON_Delete(o), NULL;

	ok = add_str(o, K_CALL_SID, d, ci->call_sid)
		&& add_str(o, K_DIRECTION, d, ci->direction)
		&& add_str(o, K_FROM, d, ci->from)
		&& add_str(o, K_TO, d, ci->to)
		&& add_str(o, K_CALLER_NAME, d, ci->caller_name)
		&& add_str(o, K_CALL_ID, d, ci->call_id)
		&& add_num(o, K_SIP_STATUS, d, ci->sip_status)
		&& add_str(o, K_SIP_REASON, d, ci->sip_reason)
		&& add_str(o, K_CALL_STATUS, d, ci->call_status)
		&& add_str(o, K_ACCOUNT_SID, d, ci->account_sid)
		&& add_str(o, K_APPLICATION_SID, d, ci->application_sid)
		&& add_str(o, K_FS_SIP_ADDRESS, d, ci->fs_sip_address);
	if (!ok)
		return cJSON_Delete(o), NULL;

	return o;
}

/* Header names lower-cased (as drachtio hands them to jambonz). */
static bool add_header(cJSON *hdrs, const struct sip_hdr *h)
{
	char *val = NULL;
	bool ok;

	if (pl_strdup(&val, &h->val))
		return false;
	ok = jsonpl_add_header(hdrs, &h->name, val);
	mem_deref(val);
	return ok;
}

static cJSON *sip_part(const struct sip_msg *msg)
{
	cJSON *sip = cJSON_CreateObject(), *hdrs = cJSON_CreateObject();
	struct pl body = PL_INIT;
	struct le *le;
	bool ok = sip && hdrs;

	for (le = msg->hdrl.head; ok && le; le = le->next)
		ok = add_header(hdrs, le->data);

	if (msg->mb)
		pl_set_mbuf(&body, msg->mb);

	ok = ok && jsonpl_add(sip, "method", &msg->met)
		&& jsonpl_add(sip, "uri", &msg->ruri)
		&& cJSON_AddItemToObject(sip, "headers", hdrs);
	if (ok)
		hdrs = NULL;
	ok = ok && jsonpl_add(sip, "body", &body);

	cJSON_Delete(hdrs);
	if (!ok)
		return cJSON_Delete(sip), NULL;

	return sip;
}

cJSON *hook_payload_call(const struct call_info *ci, enum hook_dialect d,
			 const struct sip_msg *invite)
{
	cJSON *o = call_info(ci, d), *sip;

	if (!o || !invite)
		return o;

	sip = sip_part(invite);
	if (!sip || !cJSON_AddItemToObject(o, "sip", sip)) {
		cJSON_Delete(sip);
		return cJSON_Delete(o), NULL;
	}

	return o;
}

cJSON *hook_payload_action(const struct call_info *ci, enum hook_dialect d,
			   uint16_t refer_status, uint16_t final_status)
{
	cJSON *o = call_info(ci, d);

	if (!o)
		return NULL;

	if (!add_num(o, K_REFER_STATUS, d, refer_status) ||
	    (final_status && !add_num(o, K_FINAL_STATUS, d, final_status)))
		return cJSON_Delete(o), NULL;

	return o;
}

/* The documentation's example has call_status as a string ("180");
 * feature-server sends the number. No call info in either. */
cJSON *hook_payload_event(enum hook_dialect d, uint16_t sipfrag_status)
{
	cJSON *o = cJSON_CreateObject();
	char code[8];
	bool ok;

	if (!o)
		return NULL;

	re_snprintf(code, sizeof(code), "%u", sipfrag_status);
	ok = cJSON_AddStringToObject(o, "event", "transfer-status") &&
		(d == HOOK_DIALECT_JAMBONZ
		 ? cJSON_AddNumberToObject(o, "call_status", sipfrag_status)
		 : cJSON_AddStringToObject(o, "call_status", code));
	if (!ok)
		return cJSON_Delete(o), NULL;

	return o;
}

static int pct_encode(struct mbuf *mb, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			err = mbuf_write_u8(mb, c);
		else
			err = mbuf_printf(mb, "%%%02X", c);
	}

	return err;
}

/* A value's text: strings as they are, numbers and booleans as JSON
 * writes them, null as empty, objects and arrays as compact JSON. */
static int query_value(struct mbuf *mb, const cJSON *v)
{
	char *txt;
	int err;

	if (cJSON_IsString(v))
		return pct_encode(mb, v->valuestring);
	if (cJSON_IsNull(v))
		return 0;

	txt = cJSON_PrintUnformatted(v);
	if (!txt)
		return ENOMEM;
	err = pct_encode(mb, txt);
	cJSON_free(txt);
	return err;
}

int hook_query_encode(struct mbuf *mb, const cJSON *payload)
{
	const cJSON *item;
	bool first = true;
	int err = 0;

	if (!mb || !payload)
		return EINVAL;
	if (!cJSON_IsObject(payload))
		return EINVAL;

	cJSON_ArrayForEach(item, payload) {
		if (!first)
			err |= mbuf_write_u8(mb, '&');
		first = false;
		err |= pct_encode(mb, item->string);
		err |= mbuf_write_u8(mb, '=');
		err |= query_value(mb, item);
		if (err)
			return err;
	}

	return 0;
}
