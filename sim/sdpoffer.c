/**
 * @file sdpoffer.c  Whether an INVITE's SDP offer is one the sim can answer
 *
 * The sim answers every offer with the same one PCMU stream and sends no
 * RTP, so it needs no more than a description that parses: a peer that
 * sent garbage learns so with 488 (RFC 3261 section 21.4.26) instead of
 * a 200 it could not use. Not a full parser: the values are not read.
 */
#include <string.h>
#include "sdpoffer.h"

/* The next line of rest (without its CRLF or LF) into line. */
static void line_next(struct pl *rest, struct pl *line)
{
	const char *nl = memchr(rest->p, '\n', rest->l);

	line->p = rest->p;
	line->l = nl ? (size_t)(nl - rest->p) : rest->l;
	pl_advance(rest, nl ? line->l + 1 : rest->l);
	if (line->l && line->p[line->l - 1] == '\r')
		--line->l;
}

static bool only_line_ends(const struct pl *pl)
{
	size_t i;

	for (i = 0; i < pl->l; i++) {
		if (pl->p[i] != '\r' && pl->p[i] != '\n')
			return false;
	}
	return true;
}

int sdpoffer_check(const struct pl *sdp, char *why, size_t sz)
{
	struct pl rest = *sdp, line;
	unsigned n = 0, m = 0, c = 0;

	while (rest.l && !only_line_ends(&rest)) {
		line_next(&rest, &line);
		++n;
		if (line.l < 2 || line.p[0] < 'a' || line.p[0] > 'z' ||
		    line.p[1] != '=') {
			re_snprintf(why, sz, "line %u is not TYPE=VALUE", n);
			return EBADMSG;
		}
		if (n == 1 && pl_strcmp(&line, "v=0")) {
			re_snprintf(why, sz, "it does not begin with v=0");
			return EBADMSG;
		}
		m += line.p[0] == 'm';
		c += line.p[0] == 'c';
	}
	if (!n)
		re_snprintf(why, sz, "it is empty");
	else if (!m)
		re_snprintf(why, sz, "it has no m= line (no media)");
	else if (!c)
		re_snprintf(why, sz, "it has no c= line (no address)");
	else
		return 0;
	return EBADMSG;
}
