/**
 * @file hooksig.c  Jambonz-Signature: HMAC-SHA256 over "<t>.<body>"
 */
#include <string.h>
#include "hookint.h"

enum { SHA256_LEN = 32 };

int hook_signature(char *buf, size_t sz, const char *secret, uint64_t t,
		   const char *body, size_t len)
{
	uint8_t md[SHA256_LEN];
	struct hmac *hmac = NULL;
	struct mbuf *mb;
	int err;

	if (!buf || !secret || (!body && len))
		return EINVAL;

	mb = mbuf_alloc(len + 24);
	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb, "%llu.", (unsigned long long)t);
	err |= mbuf_write_mem(mb, (const uint8_t *)body, len);
	if (err)
		goto out;

	err = hmac_create(&hmac, HMAC_HASH_SHA256, (const uint8_t *)secret,
			  strlen(secret));
	if (err)
		goto out;

	err = hmac_digest(hmac, md, sizeof(md), mb->buf, mb->end);
	if (err)
		goto out;

	if (re_snprintf(buf, sz, "t=%llu,v1=%w", (unsigned long long)t,
			md, sizeof(md)) < 0)
		err = ENOMEM;

 out:
	mem_deref(hmac);
	mem_deref(mb);
	return err;
}
