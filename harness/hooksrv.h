/**
 * @file hooksrv.h  The hook server: serves an application, records every webhook
 *
 * Plays the jambonz application server for an implementation under test:
 * answers the call hook with the application, records each request as one
 * JSON line (see README "Hooks" for the format), checks Jambonz-Signature
 * and basic auth, and answers each path as configured, for fault tests
 * too. It runs in the caller's libre event loop (the runner, or
 * `referlab hooks`); nothing blocks.
 */
#ifndef REFERLAB_HOOKSRV_H
#define REFERLAB_HOOKSRV_H

#include <stdio.h>
#include <re.h>
#include <cjson/cJSON.h>

struct hooksrv;

/* Each record as it is written (after the line went to conf.record).
 * It may stop the loop (re_cancel) but must not free the server. */
typedef void (hooksrv_record_h)(const cJSON *rec, void *arg);

struct hooksrv_conf {
	const char *secret;        /* check Jambonz-Signature, or NULL   */
	const char *user;          /* "user:password" required, or NULL  */
	FILE *record;              /* JSON lines, flushed each; or NULL */
	hooksrv_record_h *recordh; /* or NULL */
	void *arg;
};

int hooksrv_alloc(struct hooksrv **srvp, const struct hooksrv_conf *conf);

/* How a path is answered. Each call appends to that path's sequence for
 * that aspect: request n gets item n, and the last item repeats. A path
 * without any gets 200 and an empty body. Paths match without the query
 * string. body is sent as application/json when it is JSON. */
int hooksrv_add_body(struct hooksrv *srv, const char *path, const char *body);
int hooksrv_add_status(struct hooksrv *srv, const char *path,
		       uint16_t status);
int hooksrv_add_delay(struct hooksrv *srv, const char *path, uint32_t ms);

/* Listen on laddr (port 0: any free port). */
int hooksrv_start(struct hooksrv *srv, const struct sa *laddr);
/* "http://127.0.0.1:41234" (IPv6: "http://[::1]:41234") */
int hooksrv_url(const struct hooksrv *srv, char *buf, size_t sz);
/* Requests recorded so far (malformed ones included). */
unsigned hooksrv_count(const struct hooksrv *srv);

#endif
