/**
 * @file sipmsg.c  A SIP message as slices of the packet that carried it
 *
 * Written for speed on captures of gigabytes: libre's sip_msg_decode
 * runs a regular expression per header and allocates per header; this
 * reads each byte once or twice and writes only into *m.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "decode/sipmsg.h"

/* The headers the analyser and its consumers look up; the rest keep
 * SIP_HDR_NONE. list: RFC 3261 allows several values on one line. */
#define H(name) name, sizeof(name) - 1
static const struct {
	const char *name;
	size_t len;
	char compact;
	enum sip_hdrid id;
	bool list;
} known[] = {
	{H("Via"), 'v', SIP_HDR_VIA, true},
	{H("From"), 'f', SIP_HDR_FROM, false},
	{H("To"), 't', SIP_HDR_TO, false},
	{H("Call-ID"), 'i', SIP_HDR_CALL_ID, false},
	{H("CSeq"), 0, SIP_HDR_CSEQ, false},
	{H("Contact"), 'm', SIP_HDR_CONTACT, true},
	{H("Content-Type"), 'c', SIP_HDR_CONTENT_TYPE, false},
	{H("Content-Length"), 'l', SIP_HDR_CONTENT_LENGTH, false},
	{H("Event"), 'o', SIP_HDR_EVENT, false},
	{H("Subscription-State"), 0, SIP_HDR_SUBSCRIPTION_STATE, false},
	{H("Refer-To"), 'r', SIP_HDR_REFER_TO, false},
	{H("Referred-By"), 'b', SIP_HDR_REFERRED_BY, false},
	{H("Refer-Sub"), 0, SIP_HDR_REFER_SUB, false},
	{H("Record-Route"), 0, SIP_HDR_RECORD_ROUTE, true},
	{H("Route"), 0, SIP_HDR_ROUTE, true},
	{H("Authorization"), 0, SIP_HDR_AUTHORIZATION, false},
	{H("Proxy-Authorization"), 0, SIP_HDR_PROXY_AUTHORIZATION, false},
	{H("Allow-Events"), 'u', SIP_HDR_ALLOW_EVENTS, true},
	{H("Supported"), 'k', SIP_HDR_SUPPORTED, true},
	{H("Require"), 0, SIP_HDR_REQUIRE, true},
	{H("Allow"), 0, SIP_HDR_ALLOW, true},
};
#undef H

enum { NKNOWN = sizeof(known) / sizeof(known[0]) };

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static enum sip_hdrid hdr_id(const struct pl *name)
{
	size_t i;

	for (i = 0; i < NKNOWN; i++) {
		if (name->l == 1 && lower(name->p[0]) == known[i].compact)
			return known[i].id;
		if (known[i].len == name->l &&
		    lower(name->p[0]) == lower(known[i].name[0]) &&
		    !strncasecmp(name->p, known[i].name, name->l))
			return known[i].id;
	}
	return SIP_HDR_NONE;
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

	/* the common case, nothing quoted or bracketed before c: memchr */
	if (!memchr(rest->p, '"', i) && !memchr(rest->p, '<', i))
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

/* The value of parameter `name` in ";a=b;name=v;c" (v may be empty). */
static bool param(const struct pl *params, const char *name, struct pl *v)
{
	struct pl rest = *params, p, pname;
	bool more = true;

	while (more && rest.l) {
		const char *eq;

		more = cut(&p, &rest, ';');
		eq = p.l ? memchr(p.p, '=', p.l) : NULL;
		if (!eq)
			continue;
		span(&pname, p.p, eq - p.p);
		trim(&pname);
		if (pl_strcasecmp(&pname, name))
			continue;
		span(v, eq + 1, p.p + p.l - eq - 1);
		trim(v);
		return true;
	}
	return false;
}

/* scheme ":" something, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static int uri_split(struct pl *scheme, struct pl *user, const struct pl *uri)
{
	const char *colon = memchr(uri->p, ':', uri->l);
	const char *at, *end = uri->p + uri->l;
	size_t i;

	if (!colon || colon == uri->p || colon + 1 == end)
		return EBADMSG;
	for (i = 0; uri->p + i < colon; i++) {
		char c = lower(uri->p[i]);

		if (!((c >= 'a' && c <= 'z') || (i && ((c >= '0' && c <= '9') ||
						       c == '+' || c == '-' ||
						       c == '.'))))
			return EBADMSG;
	}
	span(scheme, uri->p, colon - uri->p);
	memset(user, 0, sizeof(*user));
	at = memchr(colon + 1, '@', end - colon - 1);
	if (at) {
		const char *pw = memchr(colon + 1, ':', at - colon - 1);

		span(user, colon + 1, (pw ? pw : at) - colon - 1);
	}
	return 0;
}

/* p is just after an opening quote: the closing one, or NULL */
static const char *quote_end(const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '\\')
			++p;
		else if (*p == '"')
			return p;
	}
	return NULL;
}

/* name-addr with its URI in the <> that opens at lt */
static int name_addr(struct sipmsg_addr *a, const struct pl *v,
		     const char *lt)
{
	const char *gt = memchr(lt, '>', v->p + v->l - lt);

	if (!gt)
		return EBADMSG;
	span(&a->dname, v->p, lt - v->p);
	trim(&a->dname);
	span(&a->auri, lt + 1, gt - lt - 1);
	trim(&a->auri);
	span(&a->params, gt + 1, v->p + v->l - gt - 1);
	trim(&a->params);
	return uri_split(&a->scheme, &a->user, &a->auri);
}

/* addr-spec: its parameters are the header's (RFC 3261 §20.10) */
static int addr_spec(struct sipmsg_addr *a, const struct pl *v)
{
	const char *semi = memchr(v->p, ';', v->l);
	size_t n = semi ? (size_t)(semi - v->p) : v->l;

	span(&a->auri, v->p, n);
	trim(&a->auri);
	span(&a->params, v->p + n, v->l - n);
	trim(&a->params);
	return uri_split(&a->scheme, &a->user, &a->auri);
}

/* The <> after a quoted display name, which may itself hold '<'. When
 * the quotes do not pair up ("a "b" c" <sip:x>), any <> holding a URI
 * will do: peers send such names and libre read them too. */
static int addr_any(struct sipmsg_addr *a, const struct pl *v)
{
	const char *lt = memchr(v->p, '<', v->l), *q;

	if (lt && v->p[0] == '"') {
		q = quote_end(v->p + 1, v->p + v->l);
		q = q ? memchr(q, '<', v->p + v->l - q) : NULL;
		if (q && !name_addr(a, v, q))
			return 0;
	}
	if (!lt)
		return addr_spec(a, v);
	for (; lt; lt = memchr(lt + 1, '<', v->p + v->l - lt - 1))
		if (!name_addr(a, v, lt))
			return 0;
	return EBADMSG;
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
	if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1) {
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
	code = pl_u32(&y);
	if (y.l != 3 || code < 100 || code > 699) {
		*why = "status code is not three digits 100-699";
		return EBADMSG;
	}
	m->ver = x;
	m->scode = (uint16_t)code;
	m->reason = z;
	return 0;
}

/* A header line "Name: value" or a folded continuation of the last. */
static int header_line(struct sipmsg *m, const char *p, size_t l,
		       const char **why)
{
	struct sipmsg_hdr *h;
	const char *colon;

	if (p[0] == ' ' || p[0] == '\t') {
		struct pl more = {p, l};

		if (!m->nhdrs) {
			*why = "folded line before the first header";
			return EBADMSG;
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
	colon = memchr(p, ':', l);
	if (!colon) {
		*why = "header line without ':'";
		return EBADMSG;
	}
	if (m->nhdrs >= SIPMSG_MAX_HDRS) {
		*why = "more than 128 header lines";
		return EBADMSG;
	}
	h = &m->hdr[m->nhdrs];
	span(&h->name, p, colon - p);
	trim(&h->name);
	if (!h->name.l) {
		*why = "header line without a name";
		return EBADMSG;
	}
	span(&h->val, colon + 1, p + l - colon - 1);
	trim(&h->val);
	h->id = hdr_id(&h->name);
	++m->nhdrs;
	return 0;
}

/* Split into lines; an empty line ends the headers. */
static int lines(struct sipmsg *m, const char *p, size_t len,
		 const char **why)
{
	const char *end = p + len;
	bool first = true;
	int err;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = (nl ? nl : end) - p;
		size_t t = l;

		while (t && p[t - 1] == '\r')
			--t;
		if (!nl) {
			*why = "no empty line after the headers";
			return EBADMSG;
		}
		if (!t && !first) {
			span(&m->body, nl + 1, end - nl - 1);
			return 0;
		}
		err = first ? start_line(m, p, t, why)
			    : header_line(m, p, t, why);
		if (err)
			return err;
		first = false;
		p = nl + 1;
	}
	*why = "no empty line after the headers";
	return EBADMSG;
}

static int cseq_decode(struct sipmsg *m, const struct pl *val)
{
	size_t i = 0;
	uint64_t n = 0;

	while (i < val->l && val->p[i] >= '0' && val->p[i] <= '9' &&
	       n <= UINT32_MAX)
		n = n * 10 + (uint64_t)(val->p[i++] - '0');
	if (!i || n > UINT32_MAX || i >= val->l || !is_ws(val->p[i]))
		return EBADMSG;
	span(&m->cseq.met, val->p + i, val->l - i);
	trim(&m->cseq.met);
	m->cseq.num = (uint32_t)n;
	return m->cseq.met.l ? 0 : EBADMSG;
}

/* The top value: "SIP/2.0/UDP" LWS sent-by *( ";" via-params ) */
static void via_decode(struct sipmsg *m, const struct pl *val)
{
	struct pl rest = *val, v, params = PL_INIT;
	const char *semi;
	size_t i = 0;

	(void)cut(&v, &rest, ',');
	while (i < v.l && !is_ws(v.p[i]))
		++i;
	if (i == v.l)
		return;
	span(&v, v.p + i, v.l - i);
	semi = memchr(v.p, ';', v.l);
	if (semi) {
		span(&params, semi, v.p + v.l - semi);
		v.l = semi - v.p;
	}
	trim(&v);
	m->via.sentby = v;
	(void)param(&params, "branch", &m->via.branch);
}

static void ctype_decode(struct sipmsg *m, const struct pl *val)
{
	struct pl v = *val;
	const char *slash, *semi = memchr(v.p, ';', v.l);

	if (semi)
		v.l = semi - v.p;
	slash = memchr(v.p, '/', v.l);
	span(&m->ctyp.type, v.p, slash ? (size_t)(slash - v.p) : v.l);
	span(&m->ctyp.subtype, slash ? slash + 1 : v.p + v.l,
		 slash ? (size_t)(v.p + v.l - slash - 1) : 0);
	trim(&m->ctyp.type);
	trim(&m->ctyp.subtype);
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
			if (!via)
				via_decode(m, &h->val);
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
			ctype_decode(m, &h->val);
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
	memset(m, 0, offsetof(struct sipmsg, hdr));
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
