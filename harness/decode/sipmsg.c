/**
 * @file sipmsg.c  A SIP message as slices of the packet that carried it
 *
 * Written for speed on captures of gigabytes: libre's sip_msg_decode
 * runs a regular expression per header and allocates per header; this
 * reads each byte once or twice and writes only into *m.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include "decode/sipmsg.h"

/* The headers the analyser and its consumers look up; the rest keep
 * SIP_HDR_NONE. list: RFC 3261 allows several values on one line.
 * Names in lower case, as same_ci() wants them. */
#define H(name) name, sizeof(name) - 1
static const struct {
	const char *name;
	size_t len;
	char compact;
	enum sip_hdrid id;
	bool list;
} known[] = {
	{H("via"), 'v', SIP_HDR_VIA, true},
	{H("from"), 'f', SIP_HDR_FROM, false},
	{H("to"), 't', SIP_HDR_TO, false},
	{H("call-id"), 'i', SIP_HDR_CALL_ID, false},
	{H("cseq"), 0, SIP_HDR_CSEQ, false},
	{H("contact"), 'm', SIP_HDR_CONTACT, true},
	{H("content-type"), 'c', SIP_HDR_CONTENT_TYPE, false},
	{H("content-length"), 'l', SIP_HDR_CONTENT_LENGTH, false},
	{H("event"), 'o', SIP_HDR_EVENT, false},
	{H("subscription-state"), 0, SIP_HDR_SUBSCRIPTION_STATE, false},
	{H("refer-to"), 'r', SIP_HDR_REFER_TO, false},
	{H("referred-by"), 'b', SIP_HDR_REFERRED_BY, false},
	{H("refer-sub"), 0, SIP_HDR_REFER_SUB, false},
	{H("record-route"), 0, SIP_HDR_RECORD_ROUTE, true},
	{H("route"), 0, SIP_HDR_ROUTE, true},
	{H("authorization"), 0, SIP_HDR_AUTHORIZATION, false},
	{H("proxy-authorization"), 0, SIP_HDR_PROXY_AUTHORIZATION, false},
	{H("allow-events"), 'u', SIP_HDR_ALLOW_EVENTS, true},
	{H("supported"), 'k', SIP_HDR_SUPPORTED, true},
	{H("require"), 0, SIP_HDR_REQUIRE, true},
	{H("allow"), 0, SIP_HDR_ALLOW, true},
};
#undef H

enum { NKNOWN = sizeof(known) / sizeof(known[0]) };

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* a[0..n) equals lit in any case; lit is written in lower case, so
 * only a's letters need folding: strncasecmp inlined, at half the
 * work (the library call was 2-3 % of a run, lowering both sides 4 %) */
static bool same_ci(const char *a, const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char l = lit[i];

		if (l >= 'a' && l <= 'z' ? (char)(a[i] | 0x20) != l
					 : a[i] != l)
			return false;
	}
	return true;
}

enum { MAX_NAME = 19, PER_LEN = 4 };   /* "Proxy-Authorization" */
enum { NAME_WORDS = 3 };                /* MAX_NAME bytes, as uint64_t */

/* A header name folded to lower case (each byte | 0x20) and padded with
 * zeros, compared a word at a time. For token characters that is
 * same_ci(): a byte folds onto a known name's letter only from that
 * letter in either case, and onto its '-' only from '-' (or CR, which
 * is no token character). */
struct folded {
	uint64_t w[NAME_WORDS];
};

/* known[] by name length, and by compact letter: built once (by the
 * first sipmsg_decode of the process, whichever thread), so that
 * a header name costs a word compare or two, not a walk of the table
 * (that walk was 7 % of a run) */
static pthread_once_t names_once = PTHREAD_ONCE_INIT;
static struct {
	bool token[256];             /* RFC 3261 §25.1 token characters */
	bool ws[256];                /* is_ws(), for the hottest loops */
	bool ends[256];              /* LWS and ';': the end of a value */
	uint8_t n[MAX_NAME + 1];
	uint8_t idx[MAX_NAME + 1][PER_LEN];
	struct folded name[NKNOWN];  /* known[i].name, folded */
	struct folded mask[MAX_NAME + 1];  /* 0xff for the first n bytes */
	enum sip_hdrid compact[26];
} names;

static void names_index(void)
{
	static const char token_marks[] = "-.!%*_+`'~";
	size_t i;

	for (i = 0; i < 256; i++)
		names.token[i] = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')
			|| (i >= '0' && i <= '9') ||
			(i && strchr(token_marks, (int)i));
	for (i = 0; i < 256; i++) {
		names.ws[i] = is_ws((char)i);
		names.ends[i] = names.ws[i] || i == ';';
	}
	for (i = 0; i < 26; i++)
		names.compact[i] = SIP_HDR_NONE;
	for (i = 0; i < NKNOWN; i++) {
		size_t l = known[i].len;

		if (l <= MAX_NAME && names.n[l] < PER_LEN)
			names.idx[l][names.n[l]++] = (uint8_t)i;
		memcpy(names.name[i].w, known[i].name,
		       l < sizeof(names.name[i].w) ? l : sizeof(names.name[i].w));
		if (known[i].compact)
			names.compact[known[i].compact - 'a'] = known[i].id;
	}
	for (i = 0; i <= MAX_NAME; i++)
		memset(names.mask[i].w, 0xff, i);
}

/* The id of a name of len token characters, folded into *f */
static inline enum sip_hdrid folded_id(const struct folded *f, size_t len)
{
	unsigned i;

	if (len == 1) {
		uint8_t c = ((const uint8_t *)f->w)[0];

		return c >= 'a' && c <= 'z' ? names.compact[c - 'a']
					    : SIP_HDR_NONE;
	}
	if (len > MAX_NAME)
		return SIP_HDR_NONE;
	for (i = 0; i < names.n[len]; i++) {
		const struct folded *k = &names.name[names.idx[len][i]];

		if (f->w[0] == k->w[0] && f->w[1] == k->w[1] &&
		    f->w[2] == k->w[2])
			return known[names.idx[len][i]].id;
	}
	return SIP_HDR_NONE;
}

/* A name of len token characters at p, avail bytes readable from p:
 * folded a word at a time, the bytes after the name masked off */
static enum sip_hdrid token_id(const char *p, size_t len, size_t avail)
{
	static const uint64_t lower = 0x2020202020202020ull;
	struct folded f = {{0}};
	unsigned i;

	if (len > MAX_NAME)
		return SIP_HDR_NONE;
	if (avail >= sizeof(f.w))
		memcpy(f.w, p, sizeof(f.w));
	else
		memcpy(f.w, p, len);  /* the last line of a short message */
	for (i = 0; i < NAME_WORDS; i++)
		f.w[i] = (f.w[i] | lower) & names.mask[len].w[i];
	return folded_id(&f, len);
}

/* Any name as header_add() cuts it: a character that is no token
 * character matches no known name. */
static enum sip_hdrid hdr_id(const struct pl *name)
{
	struct folded f = {{0}};
	char *b = (char *)f.w;
	size_t i;

	if (name->l > MAX_NAME)
		return SIP_HDR_NONE;
	for (i = 0; i < name->l; i++) {
		if (!names.token[(uint8_t)name->p[i]])
			return SIP_HDR_NONE;
		b[i] = (char)(name->p[i] | 0x20);
	}
	return folded_id(&f, name->l);
}

static bool hdr_is_list(enum sip_hdrid id)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++)
		if (known[i].id == id)
			return known[i].list;
	return false;
}

static void span(struct pl *pl, const char *p, size_t n)
{
	pl->p = p;
	pl->l = n;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && is_ws(*p))
		++p;
	return p;
}

static void trim(struct pl *pl)
{
	while (pl->l && is_ws(pl->p[0])) {
		++pl->p;
		--pl->l;
	}
	while (pl->l && is_ws(pl->p[pl->l - 1]))
		--pl->l;
}

/* Cut *rest at the first c outside quotes and <>; the part before goes
 * to *head (trimmed). Returns false when c does not occur. */
static bool cut(struct pl *head, struct pl *rest, char c)
{
	const char *hit = rest->l ? memchr(rest->p, c, rest->l) : NULL;
	unsigned depth = 0;
	bool quoted = false;
	size_t i = hit ? (size_t)(hit - rest->p) : rest->l;

	if (!i) {
		*head = (struct pl){rest->p, 0};
		goto rest;
	}

	/* no c at all: the whole value, whatever it quotes (a Contact
	 * "<sip:...>" without a second value); or nothing quoted or
	 * bracketed before c: memchr found it */
	if (!hit || (!memchr(rest->p, '"', i) && !memchr(rest->p, '<', i)))
		goto found;
	for (i = 0; i < rest->l; i++) {
		char x = rest->p[i];

		if (quoted && x == '\\') {
			++i;
			continue;
		}
		if (x == '"')
			quoted = !quoted;
		else if (!quoted && x == '<')
			++depth;
		else if (!quoted && x == '>' && depth)
			--depth;
		else if (!quoted && !depth && x == c)
			break;
	}
	if (i > rest->l)             /* a '\\' as the last byte, quoted */
		i = rest->l;
 found:
	head->p = rest->p;
	head->l = i;
	trim(head);
 rest:
	if (i >= rest->l)
		return false;
	rest->p += i + 1;
	rest->l -= i + 1;
	return true;
}

/* The first byte of [p, end) that ends a value (names.ends): eight
 * bytes at a time while none of them is below 0x21 (LWS is) or ';',
 * then byte by byte, so the answer is the byte loop's */
static const char *value_end(const char *p, const char *end)
{
	static const uint64_t ones = 0x0101010101010101ull;
	static const uint64_t highs = 0x8080808080808080ull;

	while (end - p >= 8) {
		uint64_t x, semi;

		memcpy(&x, p, sizeof(x));
		semi = x ^ (ones * ';');
		if (((x - ones * 0x21) & ~x & highs) |
		    ((semi - ones) & ~semi & highs))
			break;
		p += 8;
	}
	while (p < end && !names.ends[(uint8_t)*p])
		++p;
	return p;
}

/* The value of parameter `name`: ";" LWS name LWS "=" LWS value, the
 * value running to LWS or ';'; libre's grammar, which the analyser's
 * findings were written against (an empty value is no parameter). */
static bool param_n(const struct pl *params, const char *name, size_t n,
		    struct pl *v)
{
	const char *p = params->p, *end = params->p + params->l;

	/* the ';' is most often right there: no call to find it */
	while (p < end && (*p == ';' || (p = memchr(p, ';', end - p)))) {
		const char *q = ++p;

		while (q < end && is_ws(*q))
			++q;
		if ((size_t)(end - q) <= n || !same_ci(q, name, n))
			continue;
		for (q += n; q < end && is_ws(*q); q++)
			;
		if (q == end || *q != '=')
			continue;
		for (++q; q < end && is_ws(*q); q++)
			;
		v->p = q;
		q = value_end(q, end);
		v->l = q - v->p;
		if (v->l)
			return true;
	}
	return false;
}

/* name a string literal: its length known at compile time */
#define param(params, name, v) param_n(params, name, sizeof(name) - 1, v)

/* The first ':' in [p, end): a loop, not memchr, because it is a few
 * bytes into a header line, where the call costs more than the search */
static const char *colon_in(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == ':')
			return p;
	return NULL;
}

/* scheme ":" [user [":" password] "@"] hostport ...: the scheme is
 * a run before a ':' and the user runs to ':' or '@', as
 * libre's uri_decode reads them (RFC 3261 §19.1.1 is stricter; peers
 * are not, and the findings were written against libre's reading). */
/* hostport = 1*( any but ';' '?' SP ) */
static bool host_at(const char *p, const char *end)
{
	return p < end && *p != ';' && *p != '?' && *p != ' ';
}

static int uri_split(struct pl *scheme, struct pl *user, const struct pl *uri)
{
	const char *from = uri->p, *end = uri->p + uri->l, *colon, *at;

	/* the first ':' with a scheme before it and a host after it (or
	 * after the '@' of a user part); the regex is not anchored, so
	 * "<:sip:x@h>" reads with scheme "sip" */
	for (;; from = colon + 1) {
		colon = colon_in(from, end);
		if (!colon)
			return EBADMSG;
		at = memchr(colon + 1, '@', end - colon - 1);
		if (colon > from && (host_at(colon + 1, end) ||
				     (at && host_at(at + 1, end))))
			break;
	}
	span(scheme, from, colon - from);
	memset(user, 0, sizeof(*user));
	if (at && host_at(at + 1, end)) {
		const char *pw = memchr(colon + 1, ':', at - colon - 1);

		span(user, colon + 1, (pw ? pw : at) - colon - 1);
	}
	return 0;
}

/* The '<' of a display name and <URI> starting at p: the name is a run
 * of anything but LWS and '<', quoted parts whole (they may hold both),
 * then LWS, then '<' ... '>' with something inside. NULL if none;
 * else *gt is the first '>' after it. */
static const char *lt_from(const char *p, const char *end,
			   const char **gt)
{
	bool quoted = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (quoted && *p == '\\' && p + 1 < end)
			++p;
		else if (!quoted && (is_ws(*p) || *p == '<'))
			break;
	}
	p = skip_ws(p, end);
	if (p == end || *p != '<' || p + 1 == end || p[1] == '>' ||
	    !(*gt = memchr(p + 1, '>', end - p - 1)))
		return NULL;
	return p;
}

/* name-addr if some start gives one (libre's regex is not anchored,
 * so "Bob Smith <sip:b@h>" and a name whose quotes do not pair up
 * both read), else addr-spec, whose parameters are the header's
 * (RFC 3261 §20.10). The URI must then read; there is no other try. */
static int addr_any(struct sipmsg_addr *a, const struct pl *v)
{
	const char *end = v->p + v->l, *lt = NULL, *gt = NULL, *p, *semi;

	for (p = v->p; p < end && !lt; p++)
		lt = lt_from(p, end, &gt);
	if (lt) {
		span(&a->dname, v->p, lt - v->p);
		trim(&a->dname);
		span(&a->auri, lt + 1, gt - lt - 1);
		span(&a->params, gt + 1, end - gt - 1);
	}
	else {
		for (p = v->p; p < end && *p == ';'; p++)
			;
		semi = memchr(p, ';', end - p);
		span(&a->auri, p, (semi ? semi : end) - p);
		span(&a->params, semi ? semi : end, semi ? end - semi : 0);
	}
	trim(&a->params);
	return uri_split(&a->scheme, &a->user, &a->auri);
}

int sipmsg_addr_decode(struct sipmsg_addr *a, const struct pl *val)
{
	struct pl v = *val;
	int err;

	(void)pthread_once(&names_once, names_index);  /* for param() */
	memset(a, 0, sizeof(*a));
	trim(&v);
	if (!v.l)
		return EBADMSG;
	err = addr_any(a, &v);
	if (!err)
		(void)param(&a->params, "tag", &a->tag);
	return err;
}

/* "SIP/2.0 200 OK" or "INVITE sip:x SIP/2.0": three parts split by SP */
static int start_line(struct sipmsg *m, const char *p, size_t l,
		      const char **why)
{
	const char *sp1, *sp2;
	struct pl x, y, z;
	uint32_t code;

	while (l && p[l - 1] == '\r')
		--l;
	sp1 = memchr(p, ' ', l);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', p + l - sp1 - 1) : NULL;
	/* single spaces between the parts, no TAB or CR inside them */
	if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1 ||
	    memchr(p, '\t', sp2 - p) || memchr(p, '\r', l)) {
		*why = "start line is not METHOD URI VERSION or VERSION CODE "
			"REASON";
		return EBADMSG;
	}
	span(&x, p, sp1 - p);
	span(&y, sp1 + 1, sp2 - sp1 - 1);
	span(&z, sp2 + 1, p + l - sp2 - 1);
	m->req = !pl_strcmp(&z, "SIP/2.0");
	if (m->req) {
		struct pl scheme, user;

		m->met = x;
		m->ruri = y;
		m->ver = z;
		if (uri_split(&scheme, &user, &y)) {
			*why = "Request-URI has no scheme";
			return EBADMSG;
		}
		return 0;
	}
	code = pl_u32(&y);           /* 0 unless all digits */
	if (!code || y.l > 5) {
		*why = "status code is not a number";
		return EBADMSG;
	}
	m->ver = x;
	m->scode = (uint16_t)code;
	m->reason = z;
	return 0;
}

static int header_add(struct sipmsg *m, const char *name, const char *colon,
		      const char *end, const char **why)
{
	struct sipmsg_hdr *h;

	if (m->nhdrs >= SIPMSG_MAX_HDRS) {
		*why = "more than 128 header lines";
		return EBADMSG;
	}
	h = &m->hdr[m->nhdrs];
	span(&h->name, name, colon - name);
	trim(&h->name);
	if (!h->name.l) {
		*why = "header line without a name";
		return EBADMSG;
	}
	span(&h->val, colon + 1, end - colon - 1);
	trim(&h->val);
	h->id = hdr_id(&h->name);
	++m->nhdrs;
	return 0;
}

/* A header line "Name: value", or a line that begins with LWS: the
 * folded continuation of the value above (RFC 3261 §7.3.1), or of a
 * name whose ':' has not come yet (*name, as libre reads "Contact" CRLF
 * SP "<sip:x>"); before any header, LWS is only skipped. */
static int header_line(struct sipmsg *m, const char *p, size_t l,
		       const char **name, const char **why)
{
	const char *colon = colon_in(p, p + l), *end = p + l;
	struct pl more = {p, l};
	bool folded = p[0] == ' ' || p[0] == '\t';
	struct sipmsg_hdr *h;

	if (!folded || (!m->nhdrs && !*name)) {
		if (*name) {
			*why = "header line without ':'";
			return EBADMSG;
		}
		if (!colon) {
			*name = skip_ws(p, end);
			return 0;
		}
		return header_add(m, skip_ws(p, end), colon, end, why);
	}
	if (*name) {
		if (!colon)
			return 0;
		p = *name;
		*name = NULL;
		return header_add(m, p, colon, end, why);
	}
	h = &m->hdr[m->nhdrs - 1];
	trim(&more);
	if (!more.l)
		return 0;
	if (!h->val.l)
		h->val.p = more.p;
	h->val.l = more.p + more.l - h->val.p;
	return 0;
}

/* The common header line, "Token LWS ':' value CRLF" after a complete
 * header: added in one pass, the same as header_line() would add it.
 * NULL for any other line (folded, no ':', the table full, no LF):
 * header_line() then reads it, errors and all. */
static const char *header_fast(struct sipmsg *m, const char *p,
			       const char *end)
{
	const char *q = p, *v, *nl;
	struct sipmsg_hdr *h;

	while (q < end && names.token[(uint8_t)*q])
		++q;
	if (q == p || m->nhdrs >= SIPMSG_MAX_HDRS)
		return NULL;
	h = &m->hdr[m->nhdrs];
	span(&h->name, p, q - p);
	while (q < end && (*q == ' ' || *q == '\t'))
		++q;
	if (q == end || *q != ':')
		return NULL;
	nl = memchr(q, '\n', end - q);
	if (!nl)
		return NULL;
	for (v = q + 1; v < nl && names.ws[(uint8_t)*v]; v++)
		;
	for (q = nl; q > v && names.ws[(uint8_t)q[-1]]; q--)
		;
	span(&h->val, v, q - v);
	h->id = token_id(p, h->name.l, (size_t)(end - p));
	++m->nhdrs;
	return nl + 1;
}

/* Split into lines; an empty line ends the headers. */
static int lines(struct sipmsg *m, const char *p, size_t len,
		 const char **why)
{
	const char *end = p + len, *name = NULL;
	bool first = true;
	int err;

	while (p < end) {
		const char *nl, *next;
		size_t t;

		if (!first && !name && (next = header_fast(m, p, end))) {
			p = next;
			continue;
		}
		nl = memchr(p, '\n', end - p);
		t = (nl ? nl : end) - p;
		while (t && p[t - 1] == '\r')
			--t;
		if (!nl) {
			*why = "no empty line after the headers";
			return EBADMSG;
		}
		if (!t && !first && name) {
			*why = "header line without ':'";
			return EBADMSG;
		}
		if (!t && !first) {
			span(&m->body, nl + 1, end - nl - 1);
			return 0;
		}
		err = first ? start_line(m, p, t, why)
			    : header_line(m, p, t, &name, why);
		if (err)
			return err;
		first = false;
		p = nl + 1;
	}
	*why = "no empty line after the headers";
	return EBADMSG;
}

/* The first run of digits followed by LWS and a method (libre's regex
 * is not anchored either: "CSeq: x1 ACK" reads as 1 ACK). */
static int cseq_decode(struct sipmsg *m, const struct pl *val)
{
	const char *p = val->p, *end = val->p + val->l;

	for (; p < end; p++) {
		const char *d = p, *t;
		uint64_t n = 0;

		/* modulo 2^32, as libre's pl_u32 reads it */
		while (d < end && *d >= '0' && *d <= '9')
			n = (uint32_t)(n * 10 + (uint64_t)(*d++ - '0'));
		if (d == p || d == end || !is_ws(*d)) {
			p = d > p ? d - 1 : p;
			continue;
		}
		for (t = d; t < end && is_ws(*t); t++)
			;
		span(&m->cseq.met, t, 0);
		while (t < end && !is_ws(*t))
			++t;
		m->cseq.met.l = t - m->cseq.met.p;
		if (!m->cseq.met.l) {
			p = d;
			continue;
		}
		m->cseq.num = (uint32_t)n;
		return 0;
	}
	return EBADMSG;
}

/* LWS, then lit (n bytes) in any case: the end of it, or NULL */
static const char *expect_n(const char *p, const char *end, const char *lit,
			    size_t n)
{
	if (!p)
		return NULL;
	p = skip_ws(p, end);
	return (size_t)(end - p) >= n && same_ci(p, lit, n) ? p + n : NULL;
}

#define expect(p, end, lit) expect_n(p, end, lit, sizeof(lit) - 1)

/* "SIP/2.0/" at p, letters in any case, no LWS: the common spelling,
 * one word compare instead of the expect() chain (the same answer) */
static bool sip20(const char *p)
{
	uint64_t w, lit, fold;

	memcpy(&w, p, sizeof(w));
	memcpy(&lit, "sip/2.0/", sizeof(lit));
	memcpy(&fold, "\x20\x20\x20\0\0\0\0", sizeof(fold));
	return (w | fold) == lit;
}

/* "SIP" LWS "/" LWS "2.0" LWS "/" LWS transport at p; letters in any
 * case (libre's regex compares so); the end of the transport or NULL */
static const char *via_proto(const char *p, const char *end)
{
	const char *t;

	if (p == end || (*p != 'S' && *p != 's'))
		return NULL;
	if (end - p >= 8 && sip20(p))
		p += 8;
	else
		p = expect(expect(expect(expect(p, end, "sip"), end, "/"),
				  end, "2.0"), end, "/");
	if (!p)
		return NULL;
	p = skip_ws(p, end);
	for (t = p; t < end && ((*t >= 'A' && *t <= 'Z') ||
				(*t >= 'a' && *t <= 'z')); t++)
		;
	return t > p ? t : NULL;
}

/* The top value: "SIP/2.0/UDP" LWS sent-by *( ";" via-params ), with a
 * branch (RFC 3261 §8.1.1.7), found as libre's unanchored regex finds
 * it, so that the same Vias are refused. */
static int via_decode(struct sipmsg *m, const struct pl *val)
{
	struct pl rest = *val, v, params;
	const char *p, *end, *t = NULL, *s = NULL;

	(void)cut(&v, &rest, ',');
	end = v.p + v.l;
	for (p = v.p; p < end; p++) {
		t = via_proto(p, end);
		if (!t)
			continue;
		s = skip_ws(t, end);
		p = value_end(s, end);
		if (p > s)
			break;
		p = t;                /* no sent-by here: look further on */
		t = NULL;
	}
	if (!t)
		return EBADMSG;
	span(&m->via.sentby, s, p - s);
	span(&params, p, end - p);
	return param(&params, "branch", &m->via.branch) ? 0 : EBADMSG;
}

/* type LWS "/" LWS subtype, type right at the start */
static int ctype_decode(struct sipmsg *m, const struct pl *val)
{
	const char *p = val->p, *end = val->p + val->l, *t;

	p = skip_ws(p, end);
	for (t = p; t < end && !is_ws(*t) && *t != ';' && *t != '/'; t++)
		;
	span(&m->ctyp.type, p, t - p);
	t = skip_ws(t, end);
	if (!m->ctyp.type.l || t == end || *t != '/')
		return EBADMSG;
	p = skip_ws(t + 1, end);
	for (t = p; t < end && !names.ends[(uint8_t)*t]; t++)
		;
	span(&m->ctyp.subtype, p, t - p);
	return m->ctyp.subtype.l ? 0 : EBADMSG;
}

/* The headers every part of the analyser reads, decoded once. */
static int fields(struct sipmsg *m, const char **why)
{
	bool via = false;
	unsigned i;

	for (i = 0; i < m->nhdrs; i++) {
		const struct sipmsg_hdr *h = &m->hdr[i];

		switch (h->id) {
		case SIP_HDR_VIA:
			if (!via && via_decode(m, &h->val)) {
				*why = "Via is not SIP/2.0/TRANSPORT sent-by "
					"with a branch";
				return EBADMSG;
			}
			via = true;
			break;
		case SIP_HDR_FROM:
		case SIP_HDR_TO:
			if (sipmsg_addr_decode(h->id == SIP_HDR_FROM ? &m->from
					       : &m->to, &h->val)) {
				*why = h->id == SIP_HDR_FROM
					? "From is not a SIP address"
					: "To is not a SIP address";
				return EBADMSG;
			}
			break;
		case SIP_HDR_CALL_ID:
			m->callid = h->val;
			break;
		case SIP_HDR_CSEQ:
			if (cseq_decode(m, &h->val)) {
				*why = "CSeq is not a number and a method";
				return EBADMSG;
			}
			break;
		case SIP_HDR_CONTENT_TYPE:
			if (ctype_decode(m, &h->val)) {
				*why = "Content-Type is not type/subtype";
				return EBADMSG;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

int sipmsg_decode(struct sipmsg *m, const char *p, size_t len,
		  const char **why)
{
	static const char *none;
	int err;

	if (!why)
		why = &none;
	if (!m || !p) {
		*why = "no message";
		return EINVAL;
	}
	(void)pthread_once(&names_once, names_index);
	memset(m, 0, offsetof(struct sipmsg, hdr));
	span(&m->raw, p, len);
	err = lines(m, p, len, why);
	if (!err)
		err = fields(m, why);
	return err;
}

bool sipmsg_apply(const struct sipmsg *m, enum sip_hdrid id,
		  sipmsg_val_h *h, void *arg)
{
	unsigned i;

	if (!m)
		return false;
	for (i = 0; i < m->nhdrs; i++) {
		struct pl rest, v;
		bool more;

		if (m->hdr[i].id != id)
			continue;
		if (!hdr_is_list(id)) {
			if (h(&m->hdr[i].val, arg))
				return true;
			continue;
		}
		rest = m->hdr[i].val;
		do {
			more = cut(&v, &rest, ',');
			if (h(&v, arg))
				return true;
		} while (more);
	}
	return false;
}

static bool first_h(const struct pl *val, void *arg)
{
	*(struct pl *)arg = *val;
	return true;
}

bool sipmsg_first(const struct sipmsg *m, enum sip_hdrid id, struct pl *val)
{
	struct pl v = PL_INIT;
	bool found = sipmsg_apply(m, id, first_h, &v);

	if (val)
		*val = v;
	return found;
}

const char *sipmsg_missing(const struct sipmsg *m)
{
	if (!pl_isset(&m->callid))
		return "Call-ID";
	if (!pl_isset(&m->cseq.met))
		return "CSeq";
	if (!pl_isset(&m->from.auri))
		return "From";
	if (!pl_isset(&m->to.auri))
		return "To";
	if (!pl_isset(&m->via.sentby))
		return "Via";
	return NULL;
}

bool sipmsg_token(const struct pl *val, struct pl *tok)
{
	const char *p = val->p, *end = val->p + val->l, *t;

	while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
		++p;
	for (t = p; t < end && *t != ';' && *t != ' ' && *t != '\t'; t++)
		;
	span(tok, p, t - p);
	return tok->l > 0;
}

void sipmsg_cut(struct sipmsg *m, size_t len)
{
	m->raw.l = len;
	m->body.l = len - (size_t)(m->body.p - m->raw.p);
}

size_t sipmsg_size(const struct sipmsg *m)
{
	return offsetof(struct sipmsg, hdr) + m->nhdrs * sizeof(m->hdr[0]);
}
