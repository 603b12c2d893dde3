/**
 * @file sipfrag.c  Reading message/sipfrag bodies (RFC 3420) of REFER NOTIFYs
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "sipfrag.h"

/* RFC 3515 §2.4.5: the body of a NOTIFY for a refer subscription starts
 * with a SIP status line. Peers in the field prefix blank lines, lower-case
 * the version or drop the reason; we read all of these and say which. */
int sipfrag_status_decode(struct sipfrag_status *st, const char *body,
			  size_t len)
{
	const char *p = body, *end = body + len, *eol;
	unsigned code = 0;
	int digits = 0;

	if (!st || !body)
		return EINVAL;
	memset(st, 0, sizeof(*st));

	while (p < end && isspace((unsigned char)*p))
		++p;
	if (p != body)
		st->leniency |= SIPFRAG_LEADING_SPACE;

	if (end - p < 8 || strncasecmp(p, "SIP/2.0", 7) || p[7] != ' ')
		return EBADMSG;
	if (strncmp(p, "SIP/2.0", 7))
		st->leniency |= SIPFRAG_VERSION_CASE;
	p += 8;

	while (p < end && digits < 4 && isdigit((unsigned char)*p)) {
		code = code * 10 + (unsigned)(*p++ - '0');
		++digits;
	}
	if (digits != 3 || code < 100 || code > 699)
		return EBADMSG;
	st->scode = (uint16_t)code;

	eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol || eol == p || eol[-1] != '\r')
		st->leniency |= SIPFRAG_NO_CRLF;
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		--eol;

	if (p < eol && *p != ' ')
		return EBADMSG;   /* "SIP/2.0 1800" or "180x" */
	while (p < eol && *p == ' ')
		++p;
	if (p == eol)
		st->leniency |= SIPFRAG_NO_REASON;
	st->reason.p = p;
	st->reason.l = (size_t)(eol - p);
	return 0;
}

/* "message/sipfrag" in any case; parameters (";version=2.0") are the
 * caller's to ignore, libre already splits them off. */
bool sipfrag_is_content_type(const struct pl *type, const struct pl *subtype)
{
	/* lengths first: pl_strcasecmp's strlen and call per NOTIFY were
	 * a tenth of the analyser's NOTIFY */
	return type && subtype && type->l == 7 && subtype->l == 7 &&
		!strncasecmp(type->p, "message", 7) &&
		!strncasecmp(subtype->p, "sipfrag", 7);
}
