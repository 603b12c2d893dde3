/**
 * @file hooksig.h  The Jambonz-Signature header of webhooks (HMAC-SHA256)
 *
 * Shared by referlab-sim, which signs the hooks it sends, and the hook
 * server, which checks them: one implementation, pinned by a vector that
 * openssl computed (tests/hooks/test_hookunit.c).
 */
#ifndef REFERLAB_HOOKSIG_H
#define REFERLAB_HOOKSIG_H

#include <re.h>

enum { HOOKSIG_HEX_LEN = 64 };

/* buf gets "t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>". */
int  hooksig_compute(char *buf, size_t sz, const char *secret, uint64_t t,
		     const char *body, size_t len);
/* True when hval ("t=...,v1=...[,v1=...]") carries a v1 that matches the
 * body under secret. Lenient: parts in any order, spaces, hex any case. */
bool hooksig_check(const struct pl *hval, const char *secret,
		   const char *body, size_t len);

#endif
