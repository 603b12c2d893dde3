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

struct tmrq;

struct hook_conf {
	enum hook_dialect dialect;
	const char *secret;      /* webhook secret (Jambonz-Signature) or NULL */
	uint32_t timeout_ms;     /* per request; 0 means the default, 10 s      */
	hook_log_h *logh;        /* one line per attempt; never credentials:
				  * "hook POST http://h:p/path (attempt 1/3,
				  *  12 ms): 200 OK" or "...: error: ..."    */
	void *arg;
	struct tmrq *tq;         /* the timer queue to share, or NULL: its own */
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

/* The largest answer body taken, as an --app file: an application. */
enum { HOOK_ANSWER_MAX = 1024 * 1024 };

/* Called exactly once per hook that hook_send() accepted, from the event
 * loop (never from inside hook_send()), after the last attempt:
 *   err 0:  an HTTP answer came; status is its code (2xx: delivered; any
 *           other: the last answer once the retry policy gave up) and
 *           body its body, NUL-terminated, or NULL when empty.
 *   err !0: no usable answer: ETIMEDOUT (conf.timeout_ms passed),
 *           ECONNREFUSED or another connection error: status 0; or
 *           EFBIG: an answer came, its body over HOOK_ANSWER_MAX (the
 *           retry policy judged it by its status, never as a connection
 *           failure): status is its code. body is NULL or one line
 *           saying what err alone does not ("answer body 1048577 bytes,
 *           over the 1048576-byte limit"). */
typedef void (hook_done_h)(int err, uint16_t status, const char *body,
			   void *arg);

/* Why a hook failed, from hook_done_h's arguments, for a log line: the
 * HTTP status when an answer came ("HTTP 403"), else the error alone
 * ("Connection refused", or body when it says more), both for an answer
 * over the limit ("HTTP 200, answer body 1048577 bytes, over the
 * 1048576-byte limit"), and "HTTP 200 with an empty body" for a success
 * without one. Returns buf. */
const char *hook_failure(char *buf, size_t sz, int err, uint16_t status,
			 const char *body);

int  hookcli_alloc(struct hookcli **hcp, const struct hook_conf *conf);
/* base_url resolves a relative target URL; payload is not taken over.
 * Returns EINVAL (and logs one line) when the URL cannot be resolved or
 * its retry policy is malformed, ENOTSUP for an IPv6 literal host (libre
 * 1.1.0's client cannot parse one): then doneh is never called. POST
 * sends the payload as JSON; GET sends it as query parameters. At most
 * 128 requests are on the wire per client; more wait their turn (their
 * timeout starts when they are sent). */
int  hook_send(struct hookcli *hc, const struct hook_target *t,
	       const char *base_url, const cJSON *payload,
	       hook_done_h *doneh, void *arg);
/* As hook_send(), in order with the other deliveries of the same key
 * (e.g. the call they belong to): each starts once the one before has
 * reported, so the server receives them in hook_send() order. A slow or
 * failing one delays only the later ones of its key, each still bounded
 * by the timeout and its retry policy; a NULL key means no order. */
int  hook_send_ordered(struct hookcli *hc, const struct hook_target *t,
		       const char *base_url, const cJSON *payload,
		       hook_done_h *doneh, void *arg, const void *key);
/* Stops every delivery whose handler argument is arg, without calling
 * doneh (e.g. a call object going away first). Returns how many. */
unsigned hookcli_cancel(struct hookcli *hc, const void *arg);
/* Ends every delivery still pending, on the wire or waiting, calling
 * its doneh with ECANCELED (e.g. leaving at an exit deadline, so that
 * what the handler arguments hold is released). Returns how many. */
unsigned hookcli_abort(struct hookcli *hc);
/* Deliveries still in flight, retries included (for --exit-after-calls). */
unsigned hookcli_pending(const struct hookcli *hc);

#endif
