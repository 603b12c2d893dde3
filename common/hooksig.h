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

/* What a Jambonz-Signature value says about a body. Malformed: no "t="
 * with decimal digits, or no "v1=" of 64 hex digits (the spec's scheme
 * has no timestamp tolerance, so a timestamp is never "expired"). */
enum hooksig_verdict {
	HOOKSIG_VALID,       /* a v1 matches the body under the secret */
	HOOKSIG_INVALID,     /* well-formed, but no v1 matches         */
	HOOKSIG_MALFORMED,
};

/* The verdict on hval ("t=...,v1=...[,v1=...]"). Lenient: parts in any
 * order, spaces, hex any case, unknown parts ignored. */
enum hooksig_verdict hooksig_verify(const struct pl *hval, const char *secret,
				    const char *body, size_t len);
/* "valid", "invalid", "malformed" */
const char *hooksig_verdict_str(enum hooksig_verdict v);

#endif
