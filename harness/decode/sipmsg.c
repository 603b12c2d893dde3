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
#include "decode/sipfield.h"

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

enum { MAX_NAME = 19 };                 /* "Proxy-Authorization" */
enum { NAME_WORDS = 3 };                /* MAX_NAME bytes, as uint64_t */

#define LOWER 0x2020202020202020ull    /* | LOWER: letters to lower case */

/* A header name folded to lower case (each byte | 0x20) and padded with
 * zeros, compared a word at a time. For token characters that is
 * same_ci(): a byte folds onto a known name's letter only from that
 * letter in either case, and onto its '-' only from '-' (or CR, which
 * is no token character). */
struct folded {
	uint64_t w[NAME_WORDS];
};

/* A folded name's slot in names.slot: its words xor-ed, times a
 * multiplier under which the known names' slots all differ (found by
 * trying; test_sipmsg's known-names test fails if one is added that
 * shares a slot), so a name costs one slot's compare, not a walk of
 * the candidates of its length (which cost twice that) */
enum { SLOT_BITS = 5 };
#define SLOT_MUL 0x9809336014434703ull

static inline unsigned slot_of(const struct folded *f)
{
	return (unsigned)(((f->w[0] ^ f->w[1] ^ f->w[2]) * SLOT_MUL) >>
			  (64 - SLOT_BITS));
}

/* known[] by folded name, and by compact letter: built once (by the
 * first sipmsg_decode of the process, whichever thread), so that
 * a header name costs a word compare or two, not a walk of the table
 * (that walk was 7 % of a run) */
static pthread_once_t names_once = PTHREAD_ONCE_INIT;
static struct {
	bool token[256];             /* RFC 3261 §25.1 token characters */
	struct {
		struct folded name;  /* a known name, folded; or zeros */
		enum sip_hdrid id;   /* its id; SIP_HDR_NONE */
	} slot[1 << SLOT_BITS];
	struct folded mask[MAX_NAME + 1];  /* 0xff for the first n bytes */
	enum sip_hdrid compact[26];
	uint64_t field_ids[SIPMSG_FIELDS + 1];  /* by enum sipmsg_field set */
} names;

#define ID_BIT(id) (1ull << ((unsigned)(id) & 63))

/* The ids of the headers of a set of fields, each modulo 64 */
static uint64_t field_ids(unsigned set)
{
	static const enum sip_hdrid id[] = {   /* by enum sipmsg_field */
		SIP_HDR_VIA, SIP_HDR_FROM, SIP_HDR_TO, SIP_HDR_CALL_ID,
		SIP_HDR_CSEQ, SIP_HDR_CONTENT_TYPE};
	uint64_t ids = 0;
	size_t i;

	for (i = 0; i < sizeof(id) / sizeof(id[0]); i++)
		if (set & (1u << i))
			ids |= ID_BIT(id[i]);
	return ids;
}

static void names_index(void)
{
	static const char token_marks[] = "-.!%*_+`'~";
	size_t i;

	for (i = 0; i < 256; i++)
		names.token[i] = (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z')
			|| (i >= '0' && i <= '9') ||
			(i && strchr(token_marks, (int)i));
	for (i = 0; i < 26; i++)
		names.compact[i] = SIP_HDR_NONE;
	for (i = 0; i < (1 << SLOT_BITS); i++)
		names.slot[i].id = SIP_HDR_NONE;
	for (i = 0; i < NKNOWN; i++) {
		struct folded f = {{0}};

		memcpy(f.w, known[i].name, known[i].len);
		names.slot[slot_of(&f)].name = f;
		names.slot[slot_of(&f)].id = known[i].id;
		if (known[i].compact)
			names.compact[known[i].compact - 'a'] = known[i].id;
	}
	for (i = 0; i <= MAX_NAME; i++)
		memset(names.mask[i].w, 0xff, i);
	for (i = 0; i <= SIPMSG_FIELDS; i++)
		names.field_ids[i] = field_ids(i);
}

/* The id of a name of len token characters, folded into *f */
static inline enum sip_hdrid folded_id(const struct folded *f, size_t len)
{
	const struct folded *k;
	unsigned i;

	if (len == 1) {
		uint8_t c = ((const uint8_t *)f->w)[0];

		return c >= 'a' && c <= 'z' ? names.compact[c - 'a']
					    : SIP_HDR_NONE;
	}
	i = slot_of(f);
	k = &names.slot[i].name;
	return f->w[0] == k->w[0] && f->w[1] == k->w[1] && f->w[2] == k->w[2]
		? names.slot[i].id : SIP_HDR_NONE;
}

/* A name of len token characters at p, avail bytes readable from p:
 * folded a word at a time, the bytes after the name masked off; the
 * words past the name are zero, as the known names are padded */
static enum sip_hdrid token_id(const char *p, size_t len, size_t avail)
{
	char pad[sizeof(struct folded)];
	struct folded f = {{0}};
	const uint64_t *mask;

	if (len > MAX_NAME)
		return SIP_HDR_NONE;
	mask = names.mask[len].w;
	if (avail < sizeof(pad)) {
		memset(pad, 0, sizeof(pad));
		memcpy(pad, p, len);  /* the last line of a short message */
		p = pad;
	}
	memcpy(&f.w[0], p, sizeof(f.w[0]));
	f.w[0] = (f.w[0] | LOWER) & mask[0];
	if (len > 8) {
		memcpy(&f.w[1], p + 8, sizeof(f.w[1]));
		f.w[1] = (f.w[1] | LOWER) & mask[1];
	}
	if (len > 16) {
		memcpy(&f.w[2], p + 16, sizeof(f.w[2]));
		f.w[2] = (f.w[2] | LOWER) & mask[2];
	}
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

/* A status code as pl_u32 reads it, 0 unless 1 to 5 digits: inline,
 * where the library call cost more than the reading */
static uint32_t digits(const struct pl *y)
{
	uint32_t v = 0;
	size_t i;

	if (y->l > 5)
		return 0;
	for (i = 0; i < y->l; i++) {
		if (y->p[i] < '0' || y->p[i] > '9')
			return 0;
		v = v * 10 + (uint32_t)(y->p[i] - '0');
	}
	return v;
}

static bool all_token(const struct pl *x)
{
	size_t i;

	for (i = 0; i < x->l; i++)
		if (!names.token[(uint8_t)x->p[i]])
			return false;
	return true;
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
	m->req = z.l == 7 && !memcmp(z.p, "SIP/2.0", 7);  /* no call */
	if (m->req) {
		struct pl scheme, user;

		m->met = x;
		m->ruri = y;
		m->ver = z;
		if (!all_token(&x)) {
			*why = "method is not a token (RFC 3261 §25.1)";
			return EBADMSG;
		}
		if (sipfield_uri(&scheme, &user, &y)) {
			*why = "Request-URI has no scheme";
			return EBADMSG;
		}
		return 0;
	}
	code = digits(&y);
	if (!code) {
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
 * header, p before end: added in one pass, the same as header_line()
 * would add it. NULL for any other line (folded, no ':', the table
 * full, no LF, the blank line): header_line() then reads it, errors and
 * all. The first byte is tested before the LF is searched, which the
 * blank line then does not cost; the name's loop needs no bound of its
 * own: the LF is no token character, SP or HT. */
static const char *header_fast(struct sipmsg *m, const char *p,
			       const char *end)
{
	const char *q = p + 1, *v, *nl;
	struct sipmsg_hdr *h;

	if (!names.token[(uint8_t)*p] || m->nhdrs >= SIPMSG_MAX_HDRS)
		return NULL;
	nl = memchr(p, '\n', end - p);
	if (!nl)
		return NULL;
	while (names.token[(uint8_t)*q])
		++q;
	h = &m->hdr[m->nhdrs];
	span(&h->name, p, q - p);
	while (*q == ' ' || *q == '\t')
		++q;
	if (*q != ':')
		return NULL;
	v = q + 1;
	q = nl;
	/* most values are ": value\r\n": one SP, one CR, tested first */
	if (v + 1 < q && *v == ' ' && !sipfield_lws[(uint8_t)v[1]])
		++v;
	else
		while (v < q && sipfield_lws[(uint8_t)*v])
			++v;
	if (q - 1 > v && q[-1] == '\r' && !sipfield_lws[(uint8_t)q[-2]])
		--q;
	else
		while (q > v && sipfield_lws[(uint8_t)q[-1]])
			--q;
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

		/* the common lines in a loop of their own */
		if (!first && !name) {
			while ((next = header_fast(m, p, end)) && next < end)
				p = next;
			if (next) {
				*why = "no empty line after the headers";
				return EBADMSG;
			}
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

/* The headers every part of the analyser reads, decoded once; those of
 * the fields in want only (names.field_ids: a line outside their set
 * of ids modulo 64 is skipped with a test, where the switch was a chain
 * of compares; the few others that share a bit go through the switch,
 * To and Content-Type among them: they share one, so each tests want). */
static int fields(struct sipmsg *m, unsigned want, const char **why)
{
	const uint64_t ids = names.field_ids[want];
	bool via = false;
	unsigned i;

	for (i = 0; i < m->nhdrs; i++) {
		const struct sipmsg_hdr *h = &m->hdr[i];

		if (!(ids & ID_BIT(h->id)))
			continue;
		switch (h->id) {
		case SIP_HDR_VIA:
			if (!via && sipfield_via(m, &h->val)) {
				*why = "Via is not SIP/2.0/TRANSPORT sent-by "
					"with a branch";
				return EBADMSG;
			}
			via = true;
			break;
		case SIP_HDR_FROM:
		case SIP_HDR_TO:
			if (h->id == SIP_HDR_TO && !(want & SIPMSG_TO))
				break;
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
			if (sipfield_cseq(m, &h->val)) {
				*why = "CSeq is not a number and a method";
				return EBADMSG;
			}
			break;
		case SIP_HDR_CONTENT_TYPE:
			if ((want & SIPMSG_CTYPE) &&
			    sipfield_ctype(m, &h->val)) {
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

int sipmsg_fields(struct sipmsg *m, unsigned which, const char **why)
{
	static const char *none;
	unsigned want = which & SIPMSG_FIELDS & ~m->fields;
	int err;

	if (!why)
		why = &none;
	err = want ? fields(m, want, why) : 0;
	if (!err)
		m->fields |= want;
	return err;
}

int sipmsg_lines(struct sipmsg *m, const char *p, size_t len,
		 const char **why)
{
	static const char *none;

	if (!why)
		why = &none;
	if (!m || !p) {
		*why = "no message";
		return EINVAL;
	}
	(void)pthread_once(&names_once, names_index);
	memset(m, 0, offsetof(struct sipmsg, hdr));
	span(&m->raw, p, len);
	return lines(m, p, len, why);
}

int sipmsg_decode(struct sipmsg *m, const char *p, size_t len,
		  const char **why)
{
	static const char *none;
	int err;

	if (!why)
		why = &none;
	err = sipmsg_lines(m, p, len, why);
	return err ? err : sipmsg_fields(m, SIPMSG_FIELDS, why);
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
			more = sipfield_cut(&v, &rest, ',');
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

/* pl_isset, inline: it runs five times a message */
static inline bool isset(const struct pl *pl)
{
	return pl->p && pl->l;
}

const char *sipmsg_missing(const struct sipmsg *m)
{
	if (!isset(&m->callid))
		return "Call-ID";
	if (!isset(&m->cseq.met))
		return "CSeq";
	if (!isset(&m->from.auri))
		return "From";
	if (!isset(&m->to.auri))
		return "To";
	if (!isset(&m->via.sentby))
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
