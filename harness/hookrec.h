/**
 * @file hookrec.h  Records of the hook server: one JSON object per HTTP request
 *
 * The record format is documented in README "Hooks"; the runner reads it
 * back from hooks.jsonl, so keys only ever get added.
 */
#ifndef REFERLAB_HOOKREC_H
#define REFERLAB_HOOKREC_H

#include <stdio.h>
#include <re.h>
#include <cjson/cJSON.h>

/* Where a record came from: the request's connection. */
struct hookrec_src {
	unsigned seq;          /* 1, 2, ... over the server's life   */
	unsigned conn;         /* TCP connection number, 1, 2, ...   */
	const struct sa *peer;
};

/* A well-formed request. signature and auth are the verdict words
 * ("valid", "invalid", "absent", "unchecked" / "present"). */
cJSON *hookrec_request(const struct hookrec_src *src,
		       const struct http_msg *msg, const struct pl *body,
		       const char *signature, const char *auth);
/* A request that could not be read; error says why, in words. msg: its
 * request line when that was readable (adds method and path), or NULL. */
cJSON *hookrec_error(const struct hookrec_src *src,
		     const struct http_msg *msg, const char *error);

/* "/a%20b" -> "/a b" into a new string (form: '+' is a space too);
 * EINVAL on a bad escape or %00. */
int hookrec_pct_decode(char **dst, const struct pl *src, bool form);

/* One line, flushed: the runner tails the file while the case runs. */
int hookrec_write(FILE *f, const cJSON *rec);

#endif
