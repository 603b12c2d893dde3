/**
 * @file hooksig.c  Jambonz-Signature: HMAC-SHA256 over "<t>.<body>", made and checked
 */
#include <ctype.h>
#include <string.h>
#include "hooksig.h"

enum { SHA256_LEN = 32 };

static int digest(uint8_t *md, const char *secret, const struct pl *t,
		  const char *body, size_t len)
{
	struct hmac *hmac = NULL;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(len + t->l + 1);
	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb, "%r.", t);
	err |= mbuf_write_mem(mb, (const uint8_t *)body, len);
	if (err)
		goto out;

	err = hmac_create(&hmac, HMAC_HASH_SHA256, (const uint8_t *)secret,
			  strlen(secret));
	if (err)
		goto out;

	err = hmac_digest(hmac, md, SHA256_LEN, mb->buf, mb->end);

 out:
	mem_deref(hmac);
	mem_deref(mb);
	return err;
}

int hooksig_compute(char *buf, size_t sz, const char *secret, uint64_t t,
		    const char *body, size_t len)
{
	uint8_t md[SHA256_LEN];
	char ts[24];
	struct pl tpl;
	int err;

	if (!buf || !secret || (!body && len))
		return EINVAL;

	re_snprintf(ts, sizeof(ts), "%llu", (unsigned long long)t);
	pl_set_str(&tpl, ts);
	err = digest(md, secret, &tpl, body, len);
	if (err)
		return err;

	if (re_snprintf(buf, sz, "t=%s,v1=%w", ts, md, sizeof(md)) < 0)
		return ENOMEM;

	return 0;
}

static bool all_of(const struct pl *pl, int (*cls)(int))
{
	size_t i;

	for (i = 0; i < pl->l; i++) {
		if (!cls((unsigned char)pl->p[i]))
			return false;
	}

	return pl->l > 0;
}

static bool hex_equal(const struct pl *hex, const uint8_t *md)
{
	size_t i;

	if (hex->l != 2 * SHA256_LEN || !all_of(hex, isxdigit))
		return false;
	for (i = 0; i < SHA256_LEN; i++) {
		if ((uint8_t)(ch_hex(hex->p[2 * i]) << 4 |
			      ch_hex(hex->p[2 * i + 1])) != md[i])
			return false;
	}

	return true;
}

/* Calls h on each "key=value" part of a comma-separated header value. */
static bool each_part(const struct pl *hval,
		      bool (*h)(const struct pl *k, const struct pl *v,
				void *arg), void *arg)
{
	struct pl rest = *hval, part, key, val;

	while (rest.l) {
		const char *comma = pl_strchr(&rest, ',');
		const char *eq;

		part.p = rest.p;
		part.l = comma ? (size_t)(comma - rest.p) : rest.l;
		pl_advance(&rest, part.l + (comma ? 1 : 0));
		while (part.l && isspace((unsigned char)*part.p))
			pl_advance(&part, 1);
		while (part.l && isspace((unsigned char)part.p[part.l - 1]))
			part.l--;
		eq = pl_strchr(&part, '=');
		if (!eq)
			continue;
		key.p = part.p;
		key.l = eq - part.p;
		val.p = eq + 1;
		val.l = part.l - key.l - 1;
		if (h(&key, &val, arg))
			return true;
	}

	return false;
}

static bool find_t(const struct pl *k, const struct pl *v, void *arg)
{
	if (pl_strcmp(k, "t"))
		return false;
	*(struct pl *)arg = *v;
	return true;
}

/* A v1 that could be a signature at all: 64 hex digits. */
static bool wellformed_v1(const struct pl *k, const struct pl *v, void *arg)
{
	(void)arg;
	return !pl_strcmp(k, "v1") && v->l == 2 * SHA256_LEN &&
		all_of(v, isxdigit);
}

static bool match_v1(const struct pl *k, const struct pl *v, void *arg)
{
	return !pl_strcmp(k, "v1") && hex_equal(v, arg);
}

enum hooksig_verdict hooksig_verify(const struct pl *hval, const char *secret,
				    const char *body, size_t len)
{
	uint8_t md[SHA256_LEN];
	struct pl t = PL_INIT;

	if (!hval || !secret || (!body && len))
		return HOOKSIG_INVALID;

	/* 20 digits hold any 64-bit Unix time */
	if (!each_part(hval, find_t, &t) || !all_of(&t, isdigit) ||
	    t.l > 20 || !each_part(hval, wellformed_v1, NULL))
		return HOOKSIG_MALFORMED;
	if (digest(md, secret, &t, body, len))
		return HOOKSIG_INVALID;

	return each_part(hval, match_v1, md) ? HOOKSIG_VALID
		: HOOKSIG_INVALID;
}

const char *hooksig_verdict_str(enum hooksig_verdict v)
{
	return v == HOOKSIG_VALID ? "valid" : v == HOOKSIG_MALFORMED
		? "malformed" : "invalid";
}
