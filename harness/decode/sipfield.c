/**
 * @file sipfield.c  The values of the headers the analyser reads: Via,
 *                   From/To (and any name-addr), CSeq, Content-Type
 *
 * Each reader reads a value as libre's regular expressions did (the
 * analyser's findings were written against them), byte by byte or a
 * word at a time where no byte of the word can end the value.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "decode/sipfield.h"

const bool sipfield_lws[256] = {
	[' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
};

/* LWS and ';': the end of a parameter's value or a sent-by */
static const bool ends[256] = {
	[' '] = true, ['\t'] = true, ['\r'] = true, ['\n'] = true,
	[';'] = true,
};

bool sipfield_cut(struct pl *head, struct pl *rest, char c)
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

/* The first byte of [p, end) that ends a value (ends[]): eight
 * bytes at a time while none of them is below 0x21 (LWS is) or ';',
 * then byte by byte, so the answer is the byte loop's. On a little-
 * endian machine the word's lowest flagged byte is exact (a borrow
 * only runs upwards), so the byte loop starts there: the bytes before
 * it are none of those. */
static const char *value_end(const char *p, const char *end)
{
	static const uint64_t ones = 0x0101010101010101ull;
	static const uint64_t highs = 0x8080808080808080ull;

	while (end - p >= 8) {
		uint64_t x, semi, hit;

		memcpy(&x, p, sizeof(x));
		semi = x ^ (ones * ';');
		hit = ((x - ones * 0x21) & ~x & highs) |
			((semi - ones) & ~semi & highs);
		if (hit) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			p += __builtin_ctzll(hit) / 8;
#endif
			break;
		}
		p += 8;
	}
	while (p < end && !ends[(uint8_t)*p])
		++p;
	return p;
}

/* A parameter's name for param(): letters only, fewer than 8, also as
 * a word of them in lower case, little-endian, with the mask of its
 * bytes: a word of the value, folded, is compared with it at once
 * where eight bytes are left (same_ci() compares as a word does for
 * letters: | 0x20 folds onto a letter only from that letter) */
struct pname {
	const char *s;
	size_t n;
	uint64_t w, mask;
};

#define CH(c, i) ((uint64_t)(uint8_t)(c) << (8 * (i)))
#define MASK(n) ((1ull << (8 * (n))) - 1)
static const struct pname pn_tag = {
	"tag", 3, CH('t', 0) | CH('a', 1) | CH('g', 2), MASK(3)
};
static const struct pname pn_branch = {
	"branch", 6, CH('b', 0) | CH('r', 1) | CH('a', 2) | CH('n', 3) |
	CH('c', 4) | CH('h', 5), MASK(6)
};
#undef CH
#undef MASK

/* The name pn at q, in any case, with a byte after it */
static inline bool pname_at(const char *q, const char *end,
			    const struct pname *pn)
{
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end - q >= 8) {
		uint64_t x;

		memcpy(&x, q, sizeof(x));
		return ((x | 0x2020202020202020ull) & pn->mask) == pn->w;
	}
#endif
	return (size_t)(end - q) > pn->n && same_ci(q, pn->s, pn->n);
}

/* The value of parameter pn: ";" LWS name LWS "=" LWS value, the
 * value running to LWS or ';'; libre's grammar, which the analyser's
 * findings were written against (an empty value is no parameter). */
static bool param(const struct pl *params, const struct pname *pn,
		  struct pl *v)
{
	const char *p = params->p, *end = params->p + params->l;

	/* the ';' is most often right there: no call to find it */
	while (p < end && (*p == ';' || (p = memchr(p, ';', end - p)))) {
		const char *q = ++p;

		while (q < end && is_ws(*q))
			++q;
		if (!pname_at(q, end, pn))
			continue;
		for (q += pn->n; q < end && is_ws(*q); q++)
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

/* scheme ":" [user [":" password] "@"] hostport ...: the scheme is
 * a run before a ':' and the user runs to ':' or '@', as
 * libre's uri_decode reads them (RFC 3261 §19.1.1 is stricter; peers
 * are not, and the findings were written against libre's reading). */
/* hostport = 1*( any but ';' '?' SP ) */
static bool host_at(const char *p, const char *end)
{
	return p < end && *p != ';' && *p != '?' && *p != ' ';
}

int sipfield_uri(struct pl *scheme, struct pl *user, const struct pl *uri)
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
	for (; p < end; p++) {
		if (*p == '"') {
			/* the quoted part in a loop of its own, a '\\'
			 * taking the byte after it (one test a byte,
			 * not three) */
			for (++p; p < end && *p != '"'; p++)
				if (*p == '\\' && p + 1 < end)
					++p;
			if (p == end)
				break;
		}
		else if (is_ws(*p) || *p == '<')
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
	return sipfield_uri(&a->scheme, &a->user, &a->auri);
}

int sipmsg_addr_decode(struct sipmsg_addr *a, const struct pl *val)
{
	struct pl v = *val;
	int err;

	memset(a, 0, sizeof(*a));
	trim(&v);
	if (!v.l)
		return EBADMSG;
	err = addr_any(a, &v);
	if (!err)
		(void)param(&a->params, &pn_tag, &a->tag);
	return err;
}

/* The first run of digits followed by LWS and a method (libre's regex
 * is not anchored either: "CSeq: x1 ACK" reads as 1 ACK). */
int sipfield_cseq(struct sipmsg *m, const struct pl *val)
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
int sipfield_via(struct sipmsg *m, const struct pl *val)
{
	struct pl rest = *val, v, params;
	const char *p, *end, *t = NULL, *s = NULL;

	(void)sipfield_cut(&v, &rest, ',');
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
	return param(&params, &pn_branch, &m->via.branch) ? 0 : EBADMSG;
}

/* type LWS "/" LWS subtype, type right at the start */
int sipfield_ctype(struct sipmsg *m, const struct pl *val)
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
	for (t = p; t < end && !ends[(uint8_t)*t]; t++)
		;
	span(&m->ctyp.subtype, p, t - p);
	return m->ctyp.subtype.l ? 0 : EBADMSG;
}
