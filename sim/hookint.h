/**
 * @file hookint.h  Internals of hook delivery, shared by sim/hook*.c and tests
 *
 * Not for the call logic: it uses hook.h only. These pieces are pure
 * functions so the unit tests can pin them down without a network.
 */
#ifndef REFERLAB_SIM_HOOKINT_H
#define REFERLAB_SIM_HOOKINT_H

#include "hook.h"

/* An absolute http(s) URL cut into its parts (pointers into the string). */
struct hook_url {
	struct pl scheme;    /* "http" */
	struct pl userinfo;  /* "user:pass" or empty (moved to basic auth)  */
	struct pl hostport;  /* "127.0.0.1:3100"                            */
	struct pl path;      /* "/action?x=1" (path and query), may be empty */
	struct pl query;     /* "x=1" (inside path) or empty                  */
	struct pl frag;      /* "rp=ct&rc=2" or empty                          */
};

int hook_url_decode(struct hook_url *u, const char *url);
/* url if absolute, else url resolved against base (RFC 3986 section 5.2),
 * "." and ".." segments of the path removed either way (5.2.4). EINVAL
 * when neither gives an http(s) URL. */
int hook_url_resolve(char **urlp, const char *url, const char *base);

/* Retry policy from the URL fragment: #rp=ct,rt,4xx,5xx,all&rc=<0..5>. */
enum hook_retry_cond {
	HOOK_RETRY_CT  = 1 << 0,  /* connection failure */
	HOOK_RETRY_RT  = 1 << 1,  /* request timeout    */
	HOOK_RETRY_4XX = 1 << 2,
	HOOK_RETRY_5XX = 1 << 3,
	HOOK_RETRY_ALL = 0xf,
};

enum {
	HOOK_RETRIES_MAX  = 5,
	HOOK_INFLIGHT_MAX = 128,  /* requests on the wire per client */
};

struct hook_policy {
	unsigned conds;    /* enum hook_retry_cond bits; default CT */
	unsigned retries;  /* after the first try, 0..5; default 0  */
};

int  hook_policy_decode(struct hook_policy *p, const struct pl *frag,
			char *err, size_t errsz);
bool hook_policy_retry(const struct hook_policy *p, int err, uint16_t scode);
uint32_t hook_policy_backoff(unsigned retry);

/* Payload as GET query parameters: key=value&..., percent-encoded; nested
 * objects and arrays as their JSON text. Appended to mb. */
int hook_query_encode(struct mbuf *mb, const cJSON *payload);

#endif
