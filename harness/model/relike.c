/**
 * @file relike.c  libre's address, Event and parameter decoders on the
 *                 fast path (see relike.h)
 *
 * libre 1.1.0's re_regex() tries each start position in turn and matches
 * each character class greedily, without backtracking. Each fast path
 * below follows that match from position 0 only, for shapes where the
 * first attempt decides the result; otherwise it asks libre.
 */
#include <string.h>
#include "model/relike.h"

static void slice(struct pl *pl, const char *p, size_t l)
{
	pl->p = p;
	pl->l = l;
}

/* The character classes of the regexes followed here, by table (a
 * strchr call per character was a third of these decoders) */
enum {
	C_LWS = 1,               /* " \t\r\n" */
	C_LT = 2,                /* "<" */
	C_SEMI = 4,              /* ";" */
	C_HOSTEND = 8,           /* "/;? :": no host part after the ':' */
	C_PLAIN = 16,            /* needs no quoting, escaping or LWS */
};

static const uint8_t cls[256] = {
	[' '] = C_LWS | C_HOSTEND, ['\t'] = C_LWS, ['\r'] = C_LWS,
	['\n'] = C_LWS, ['<'] = C_LT, [';'] = C_SEMI | C_HOSTEND,
	['/'] = C_HOSTEND, ['?'] = C_HOSTEND, [':'] = C_HOSTEND,
	['a' ... 'z'] = C_PLAIN, ['A' ... 'Z'] = C_PLAIN,
	['0' ... '9'] = C_PLAIN, ['.'] = C_PLAIN, ['-'] = C_PLAIN,
	['_'] = C_PLAIN, ['+'] = C_PLAIN, ['!'] = C_PLAIN, ['%'] = C_PLAIN,
	['*'] = C_PLAIN, ['~'] = C_PLAIN, ['\''] = C_PLAIN, ['`'] = C_PLAIN,
};

static bool is(char c, unsigned classes)
{
	return cls[(unsigned char)c] & classes;
}

static bool plain(char c)
{
	return is(c, C_PLAIN);
}

/* "[~ \t\r\n<]*[ \t\r\n]*<[^>]+>" at position 0: the URI in < >, or
 * false when the first attempt does not match. */
static bool angle_uri(const struct pl *val, struct pl *uri)
{
	const char *p = val->p, *gt;
	size_t i = 0, l = val->l;
	bool quote = false, esc = false;

	for (; i < l; i++) {
		if (esc)
			esc = false;
		else if (p[i] == '\\')
			esc = true;
		else if (p[i] == '"')
			quote = !quote;
		else if (!quote && is(p[i], C_LWS | C_LT))
			break;
	}
	while (i < l && is(p[i], C_LWS))
		i++;
	if (i == l || p[i] != '<')
		return false;
	++i;
	gt = memchr(p + i, '>', l - i);
	if (!gt || gt == p + i)
		return false;
	uri->p = p + i;
	uri->l = (size_t)(gt - uri->p);
	return true;
}

/* uri_decode() succeeds whenever "[^:]+:[^/;? ]+" matches at position 0
 * with a host part whose first character is not ':' (its second regex
 * and uri_decode_hostport() then match; the first one may match too). */
bool relike_addr_valid(const struct pl *val)
{
	struct sip_addr addr;
	struct pl uri;
	const char *colon;

	if (angle_uri(val, &uri) && uri.p[0] != ':' &&
	    (colon = memchr(uri.p, ':', uri.l)) &&
	    (size_t)(colon - uri.p) + 1 < uri.l &&
	    !is(colon[1], C_HOSTEND))
		return true;
	return !sip_addr_decode(&addr, val) && pl_isset(&addr.uri.scheme);
}

/* "refer" or "refer;id=123": the event, then ";[ \t\r\n]*id[ \t\r\n]*=
 * [ \t\r\n]*[~ \t\r\n;]+" matched at the params' first character. */
int relike_event_decode(struct sipevent_event *ev, const struct pl *val)
{
	size_t e, i;

	for (e = 0; e < val->l && !is(val->p[e], C_SEMI | C_LWS); e++)
		;
	if (!e || (e < val->l && val->p[e] != ';'))
		return sipevent_event_decode(ev, val);
	if (e < val->l) {
		const char *q = val->p + e;
		size_t n = val->l - e;

		if (n < 5 || (q[1] | 0x20) != 'i' || (q[2] | 0x20) != 'd' ||
		    q[3] != '=')
			return sipevent_event_decode(ev, val);
		for (i = 4; i < n && plain(q[i]); i++)
			;
		if (i != n)
			return sipevent_event_decode(ev, val);
		slice(&ev->id, q + 4, n - 4);
	}
	else {
		ev->id = pl_null;
	}
	slice(&ev->event, val->p, e);
	slice(&ev->params, val->p + e, val->l - e);
	return 0;
}

/* Parameters ";name=value" with plain names and values: the regex can
 * only start at a ';', and matches at the first parameter called name. */
int relike_param(const struct pl *val, const char *name, struct pl *pv)
{
	const char *p = val->p, *end = val->p + val->l;
	size_t nl = strlen(name);
	bool found = false;

	p = memchr(p, ';', val->l);
	if (!p)
		return ENOENT;
	while (p < end) {
		const char *n = ++p, *v;

		while (p < end && plain(*p))
			p++;
		if (p == n || p == end || *p != '=')
			return msg_param_decode(val, name, pv);
		for (v = ++p; p < end && plain(*p); p++)
			;
		if (p == v || (p < end && *p != ';'))
			return msg_param_decode(val, name, pv);
		if (!found && (size_t)(v - 1 - n) == nl &&
		    !strncasecmp(n, name, nl)) {
			slice(pv, v, (size_t)(p - v));
			found = true;
		}
	}
	return found ? 0 : ENOENT;
}
