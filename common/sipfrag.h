/**
 * @file sipfrag.h  Reading message/sipfrag bodies (RFC 3420) of REFER NOTIFYs
 *
 * Shared by referlab-sim (which answers NOTIFYs) and the analyser (which
 * derives what the verb would have reported), so both read a NOTIFY the
 * same way.
 */
#ifndef REFERLAB_SIPFRAG_H
#define REFERLAB_SIPFRAG_H

#include <re.h>

/* What was lenient about a sipfrag; each is a finding for the reporter. */
enum sipfrag_leniency {
	SIPFRAG_LEADING_SPACE = 1 << 0, /* blank lines/space before the status line */
	SIPFRAG_VERSION_CASE  = 1 << 1, /* "sip/2.0" rather than "SIP/2.0" */
	SIPFRAG_NO_REASON     = 1 << 2, /* status line without a reason phrase */
	SIPFRAG_NO_CRLF       = 1 << 3, /* status line not ended by CRLF */
};

struct sipfrag_status {
	uint16_t scode;        /* 100..699 */
	struct pl reason;      /* points into the body; may be empty */
	unsigned leniency;     /* enum sipfrag_leniency bits */
};

int  sipfrag_status_decode(struct sipfrag_status *st, const char *body,
			   size_t len);
bool sipfrag_is_content_type(const struct pl *type, const struct pl *subtype);

#endif
