/**
 * @file hook.h  Webhooks of the sip:refer verb and the call hook, over HTTP
 *
 * The interface between the call logic (sim/) and hook delivery
 * (sim/hook*.c). Delivery never stalls a call: hook_send() returns at once
 * and reports once through doneh after the last attempt.
 */
#ifndef REFERLAB_SIM_HOOK_H
#define REFERLAB_SIM_HOOK_H

#include <re.h>
#include <cjson/cJSON.h>

enum hook_dialect {
	HOOK_DIALECT_SPEC,     /* documented names: referStatus, ...       */
	HOOK_DIALECT_JAMBONZ,  /* feature-server 0.9.x wire: snake_case    */
};

typedef void (hook_log_h)(const char *line, void *arg);

struct hook_conf {
	enum hook_dialect dialect;
	const char *secret;      /* webhook secret (Jambonz-Signature) or NULL */
	uint32_t timeout_ms;     /* per request; 0 means the default, 10 s      */
	hook_log_h *logh;        /* one line per attempt; never credentials     */
	void *arg;
};

/* A verb's actionHook/eventHook, or the call hook, as configured. */
struct hook_target {
	char *url;               /* absolute, or relative to a base URL;
				  * may end in #rp=ct,rt,4xx,5xx,all&rc=N   */
	char *method;            /* "POST" (default) or "GET"                */
	char *username;          /* basic auth, or NULL                      */
	char *password;
};

/* A string URL or {"url","method","username","password"}. On error,
 * err names the offending key (e.g. "actionHook.method: must be ..."). */
int hook_target_decode(struct hook_target **tp, const cJSON *json,
		       const char *key, char *err, size_t errsz);
int hook_target_alloc(struct hook_target **tp, const char *url);

/* The call, as hook payloads describe it (spec section 7). */
struct call_info {
	char call_sid[37];
	const char *direction;   /* "inbound" | "outbound" */
	char *from, *to, *caller_name, *call_id;
	uint16_t sip_status;
	char *sip_reason;
	const char *call_status; /* "in-progress" | "completed" ... */
	const char *account_sid, *application_sid;
	char *fs_sip_address;
};

cJSON *hook_payload_call(const struct call_info *ci, enum hook_dialect d,
			 const struct sip_msg *invite);
cJSON *hook_payload_action(const struct call_info *ci, enum hook_dialect d,
			   uint16_t refer_status, uint16_t final_status);
cJSON *hook_payload_event(enum hook_dialect d, uint16_t sipfrag_status);

struct hookcli;

/* status: the final HTTP status (0 when no answer came); body: its body,
 * NUL-terminated, or NULL. */
typedef void (hook_done_h)(int err, uint16_t status, const char *body,
			   void *arg);

int  hookcli_alloc(struct hookcli **hcp, const struct hook_conf *conf);
/* base_url resolves a relative target URL; payload is not taken over. */
int  hook_send(struct hookcli *hc, const struct hook_target *t,
	       const char *base_url, const cJSON *payload,
	       hook_done_h *doneh, void *arg);
/* Deliveries still in flight, retries included (for --exit-after-calls). */
unsigned hookcli_pending(const struct hookcli *hc);

#endif
