/**
 * @file sipframe.c  SIP framing: where a message starts and ends
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "decode/sipframe.h"
#include "decode/sipmsg.h"

enum {
	MAX_START_LINE = 4096,
	MAX_HEADERS    = 65536,
	MAX_BODY       = 1 << 20,
};

enum start { START_NO, START_PARTIAL, START_YES };

/* isdigit() and isalnum() of the C locale without their table call
 * per byte: these run over every start line and Content-Length */
static bool digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* RFC 3261 §25.1 token characters (header names after a hole) */
static bool token_char(uint8_t c)
{
	uint8_t l = c | 0x20;

	return (l >= 'a' && l <= 'z') || digit(c) ||
		(c && strchr("-.!%*_+`'~", c));
}

static bool all_token(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!token_char(p[i]))
			return false;
	return true;
}

/* A byte of a request line's first part. Any but the separators: a
 * line "X sip:y SIP/2.0" is SIP whatever X holds, and a method that is
 * no token is the decoder's to report (malformed), not a reason to
 * pass the message by as something else. */
static bool method_char(uint8_t c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n';
}

/* *f as nothing framed yet: the reason only as an empty string, not
 * all of its bytes (twice a datagram) */
static void blank(struct sipframe *f)
{
	f->len = 0;
	f->no_clen = false;
	f->why[0] = '\0';
}

/* strncasecmp(p, lit, n) == 0, the spelling of lit tried first with
 * a compare the compiler inlines: once per message, the call counted */
static bool ci_eq(const uint8_t *p, const char *lit, size_t n)
{
	return !memcmp(p, lit, n) || !strncasecmp((const char *)p, lit, n);
}

/* "SIP/2.0 200 OK" or "REFER sip:x SIP/2.0": all of it on one line. */
static enum start start_line(const uint8_t *p, size_t len)
{
	const uint8_t *eol = memchr(p, '\n', len);
	size_t n = eol ? (size_t)(eol - p) : len, i = 0;

	if (!eol && n < 7 && !strncasecmp((const char *)p, "SIP/2.0", n))
		return START_PARTIAL;
	if (n >= 7 && (p[0] | 0x20) == 's' && ci_eq(p, "SIP/2.0", 7)) {
		if (!eol)
			return n < MAX_START_LINE ? START_PARTIAL : START_NO;
		return n >= 11 && p[7] == ' ' && digit(p[8]) &&
			digit(p[9]) && digit(p[10]) ? START_YES : START_NO;
	}
	while (i < n && method_char(p[i]))
		++i;
	if (i == 0 || (i < n && p[i] != ' '))
		return START_NO;
	if (!eol)   /* unended: worth waiting for only if a method so far */
		return n < MAX_START_LINE && all_token(p, i) ?
			START_PARTIAL : START_NO;
	while (n > 0 && p[n - 1] == '\r')
		--n;
	return n > i + 9 && ci_eq(p + n - 8, " SIP/2.0", 8)
		? START_YES : START_NO;
}

/* Content-Length or its compact form "l" (RFC 3261 §7.3.3). */
static bool is_clen(const uint8_t *name, size_t n)
{
	return (n == 14 && ci_eq(name, "Content-Length", 14)) ||
		(n == 1 && (name[0] == 'l' || name[0] == 'L'));
}

static bool name_end(uint8_t c)
{
	return c == ':' || c == ' ' || c == '\t';
}

/* Whether a line (n bytes up to the end of the headers) can be
 * Content-Length: a cheap test before clen_line() reads it. */
static bool clen_start(const uint8_t *line, size_t n)
{
	if (n > 1 && (line[0] | 0x20) == 'l')
		return name_end(line[1]);
	return n > 14 && (line[0] | 0x20) == 'c' && name_end(line[14]) &&
		ci_eq(line, "Content-Length", 14);
}

/* Content-Length's value after its ':' at c, the line ending before
 * eol: into *clen (*dup when an earlier one differs); false when it
 * is not a number. */
static bool clen_value(const uint8_t *c, const uint8_t *eol,
		       long long *clen, bool *dup)
{
	long long v = 0;

	for (++c; c < eol && (*c == ' ' || *c == '\t'); c++)
		;
	if (c >= eol || !digit(*c))
		return false;
	for (; c < eol && digit(*c) && v <= MAX_BODY; c++)
		v = v * 10 + (*c - '0');
	if (*clen >= 0 && *clen != v)
		*dup = true;
	*clen = v;
	return true;
}

/* A header line [line, eol): when it is Content-Length, its value as
 * clen_value() reads it; true for any other line. */
static bool clen_line(const uint8_t *line, const uint8_t *eol,
		      long long *clen, bool *dup)
{
	const uint8_t *c = memchr(line, ':', (size_t)(eol - line));
	size_t n;

	if (!c)
		return true;
	n = (size_t)(c - line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		--n;
	if (!is_clen(line, n))
		return true;
	return clen_value(c, eol, clen, dup);
}

/* One pass over the header lines: the offset just past the blank line
 * that ends them, or 0; on the way the Content-Length (-1 when there is
 * none, -2 when one is not a number). Only a line that starts like it
 * can be Content-Length, so only such a line is read, once the next
 * line break has shown where it ends. */
static size_t headers_scan(const uint8_t *p, size_t len, long long *clen,
			   bool *dup)
{
	const uint8_t *nl = p, *end = p + (len < MAX_HEADERS ? len : MAX_HEADERS);
	const uint8_t *cand = NULL;     /* a Content-Length line begun */

	*clen = -1;
	*dup = false;
	/* memchr, not a byte loop: this runs over every header byte */
	while ((nl = memchr(nl, '\n', (size_t)(end - nl)))) {
		size_t i = (size_t)(nl - p);

		if (cand && !clen_line(cand, nl, clen, dup))
			*clen = -2;
		cand = NULL;
		if (i + 1 >= len)
			return 0;
		if (p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
		++nl;
		if (*clen != -2 && clen_start(nl, (size_t)(end - nl)))
			cand = nl;
	}
	return 0;
}

/* The start line's verdict: SIPFRAME_MSG when it is one, ended */
static enum sipframe_res starts(struct sipframe *f, const uint8_t *p,
				size_t len, bool stream)
{
	switch (start_line(p, len)) {
	case START_NO:
		return SIPFRAME_NOT_SIP;
	case START_PARTIAL:
		if (stream)
			return SIPFRAME_MORE;
		snprintf(f->why, sizeof(f->why), "start line not ended");
		return SIPFRAME_BAD;
	default:
		return SIPFRAME_MSG;
	}
}

/* The message's length from the end of its headers and its
 * Content-Length (clen as headers_scan() gives it) */
static enum sipframe_res cut(struct sipframe *f, size_t len, size_t hlen,
			     long long clen, bool dup, bool stream)
{
	if (clen == -2 || dup || clen > MAX_BODY) {
		snprintf(f->why, sizeof(f->why), "Content-Length is %s",
			 dup ? "given twice with different values"
			     : "not a number below 1 MiB");
		return SIPFRAME_BAD;
	}
	if (clen < 0) {
		f->no_clen = true;    /* RFC 3261 §18.3: mandatory on streams */
		clen = stream ? 0 : (long long)(len - hlen);
	}
	if (hlen + (size_t)clen > len) {
		if (stream)
			return SIPFRAME_MORE;
		snprintf(f->why, sizeof(f->why), "Content-Length %lld exceeds "
			 "the %zu body bytes of the datagram", clen, len - hlen);
		return SIPFRAME_BAD;
	}
	f->len = hlen + (size_t)clen;
	return SIPFRAME_MSG;
}

static enum sipframe_res frame(struct sipframe *f, const uint8_t *p,
			       size_t len, bool stream)
{
	enum sipframe_res res = starts(f, p, len, stream);
	size_t hlen;
	long long clen;
	bool dup;

	if (res != SIPFRAME_MSG)
		return res;
	hlen = headers_scan(p, len, &clen, &dup);
	if (!hlen) {
		if (stream && len < MAX_HEADERS)
			return SIPFRAME_MORE;
		snprintf(f->why, sizeof(f->why), "no blank line after the "
			 "headers in %zu bytes", len);
		return SIPFRAME_BAD;
	}
	return cut(f, len, hlen, clen, dup, stream);
}

static size_t crlfs(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		++i;
	return i;
}

enum sipframe_res sipframe_stream(struct sipframe *f, const uint8_t *p,
				  size_t len)
{
	blank(f);
	f->len = crlfs(p, len);
	if (f->len)
		return SIPFRAME_KEEPALIVE;
	if (!len)
		return SIPFRAME_MORE;
	return frame(f, p, len, true);
}

static bool keepalive(struct sipframe *f, const uint8_t *p, size_t len)
{
	if (!len || crlfs(p, len) != len)
		return false;
	f->len = len;
	return true;
}

enum sipframe_res sipframe_datagram(struct sipframe *f, const uint8_t *p,
				    size_t len)
{
	blank(f);
	if (keepalive(f, p, len))
		return SIPFRAME_KEEPALIVE;
	return frame(f, p, len, false);
}

enum sipframe_res sipframe_datagram_start(struct sipframe *f,
					  const uint8_t *p, size_t len)
{
	enum sipframe_res res;

	blank(f);
	if (keepalive(f, p, len))
		return SIPFRAME_KEEPALIVE;
	res = starts(f, p, len, false);
	return res == SIPFRAME_MSG ? SIPFRAME_MORE : res;
}

/* headers_scan() from what the scanner found: its blank line is the
 * first line of nothing but CRs; when that is "" or "\r", neither
 * reading saw an empty line before it, so both end the headers there.
 * Every line that headers_scan() would read as Content-Length starts
 * with a token and ':' after it, so the scanner named it so (a line it
 * could not read it refused, and then m is not used); the other way
 * round, clen_start() tells which of the scanner's Content-Lengths
 * headers_scan() would read ("l\r: 0" it would not). */
static bool scanned(struct sipframe *f, const struct sipmsg *m, size_t len,
		    bool stream)
{
	const uint8_t *p = (const uint8_t *)m->raw.p;
	const uint8_t *end = p + (len < MAX_HEADERS ? len : MAX_HEADERS);
	size_t hlen = (size_t)((const uint8_t *)m->body.p - p), nl;
	long long clen = -1;
	bool dup = false;
	unsigned i;

	blank(f);
	if (m->raw.l != len || hlen < 3 || p[hlen - 1] != '\n')
		return false;
	nl = p[hlen - 2] == '\n' ? hlen - 2 : hlen - 3;
	if (p[nl] != '\n' || (nl == hlen - 3 && p[hlen - 2] != '\r') ||
	    nl >= MAX_HEADERS)
		return false;
	for (i = 0; i < m->nhdrs; i++) {
		const uint8_t *line = (const uint8_t *)m->hdr[i].name.p, *eol;

		if (m->hdr[i].id != SIP_HDR_CONTENT_LENGTH)
			continue;
		if (line[-1] != '\n')
			return false;     /* "\rl: 0": not worth a reading */
		/* the name (token characters, none of them ':') right
		 * before the ':': clen_start() would say yes (the name is
		 * "Content-Length" or "l" in some case, then ':'), and
		 * clen_line() would find that ':' and the name it knows;
		 * the value's loops stop at the line's LF (no SP, HT or
		 * digit), which needs no search */
		if (line[m->hdr[i].name.l] == ':') {
			if (!clen_value(line + m->hdr[i].name.l, end, &clen,
					&dup))
				return false;
			continue;
		}
		if (!clen_start(line, (size_t)(end - line)))
			continue;
		eol = memchr(line, '\n', hlen - (size_t)(line - p));
		if (!clen_line(line, eol, &clen, &dup))
			return false;     /* not a number: the long way says */
	}
	return cut(f, len, hlen, clen, dup, stream) == SIPFRAME_MSG;
}

bool sipframe_scanned(struct sipframe *f, const struct sipmsg *m,
		      size_t len)
{
	return scanned(f, m, len, false);
}

/* frame() of a stream takes the same steps as of a datagram once its
 * start line is whole (headers_scan(), then cut() as a stream cuts) */
bool sipframe_stream_starts(const uint8_t *p, size_t len)
{
	return len && !crlfs(p, len) && start_line(p, len) == START_YES;
}

bool sipframe_stream_scanned(struct sipframe *f, const struct sipmsg *m,
			     size_t len)
{
	return scanned(f, m, len, true);
}

/* A start line is believed after a hole only when a header follows it:
 * a NOTIFY's sipfrag body ("SIP/2.0 200 OK" then a blank line) must not
 * pass for the start of a message. */
static bool header_follows(const uint8_t *p, size_t len)
{
	const uint8_t *eol = memchr(p, '\n', len), *q;
	size_t i = 0, n;

	if (!eol)
		return true;              /* cannot tell yet */
	q = eol + 1;
	n = len - (size_t)(q - p);
	while (i < n && token_char(q[i]))
		++i;
	while (i < n && (q[i] == ' ' || q[i] == '\t'))
		++i;
	return i == n || (i > 0 && q[i] == ':');
}

size_t sipframe_resync(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const uint8_t *eol;

		if (start_line(p + off, len - off) != START_NO &&
		    header_follows(p + off, len - off))
			return off;
		eol = memchr(p + off, '\n', len - off);
		if (!eol)
			return len;
		off = (size_t)(eol - p) + 1;
	}
	return len;
}
