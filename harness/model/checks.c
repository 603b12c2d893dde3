/**
 * @file checks.c  Rules on one message: the REFER's own headers, its
 *                 place in the dialog, repeated headers
 */
#include <string.h>
#include "model/model_int.h"
#include "model/relike.h"

/* Headers RFC 3261 §7.3.1 (or their own RFC) allows on several rows. */
static const char *const multi[] = {
	"Via", "v", "Route", "Record-Route", "Contact", "m", "Allow",
	"Supported", "k", "Require", "Proxy-Require", "Unsupported",
	"Accept", "Accept-Encoding", "Accept-Language", "Warning",
	"WWW-Authenticate", "Proxy-Authenticate", "Authorization",
	"Proxy-Authorization", "Allow-Events", "u", "P-Asserted-Identity",
	"History-Info", "Reason", "Diversion", "Call-Info", "Alert-Info",
	"Error-Info", "In-Reply-To", "Content-Encoding", "e",
	"Content-Language", "Path", "Service-Route", "Security-Client",
	"Security-Server", "Security-Verify", "Accept-Contact", "a",
	"Reject-Contact", "j", "Request-Disposition", "d",
	/* their own rules report these */
	"Refer-To", "r", "Referred-By", "b",
};

static bool may_repeat(const struct pl *name)
{
	size_t i;

	for (i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		if (!pl_strcasecmp(name, multi[i]))
			return true;
	return false;
}

/* A header's bit in a 64-bit set: a name sipmsg knows by its id, so
 * that "From" and "f" share one (RFC 3261 §7.3.3: the compact form is
 * the same header); any other from its length and its first and last
 * letters in either case. Both mixed so that the thirty commonest names
 * get bits of their own: the 21 ids sipmsg knows (Via, From, To,
 * Call-ID, Contact, CSeq, Event, Refer-To ...) and Max-Forwards,
 * User-Agent, Server, Expires, Accept, Date, Session-Expires, Min-SE,
 * P-Asserted-Identity, Privacy (id & 63 gave To and Content-Type one
 * bit: a pairwise walk for nearly every NOTIFY) */
static uint64_t name_bit(const struct sipmsg_hdr *h)
{
	const struct pl *name = &h->name;
	unsigned first = 0, last = 0;

	if (h->id != SIP_HDR_NONE)
		return 1ULL << (((unsigned)h->id * 143 >> 2) & 63);
	if (name->l) {
		first = (unsigned char)name->p[0] | 0x20;
		last = (unsigned char)name->p[name->l - 1] | 0x20;
	}
	return 1ULL << ((name->l * 53 + first + last * 5) & 63);
}

static bool same_header(const struct sipmsg_hdr *a, const struct sipmsg_hdr *b)
{
	if (a->id != SIP_HDR_NONE || b->id != SIP_HDR_NONE)
		return a->id == b->id;
	/* lengths first: most pairs differ there, without a call */
	return a->name.l == b->name.l && !pl_casecmp(&a->name, &b->name);
}

/* A repeated single-valued header is reported once, at its second row. */
void check_duplicates(struct model *m, struct list *findings,
		      const struct sipmsg *msg, uint64_t frame)
{
	uint64_t seen = 0;
	unsigned a, b;

	for (a = 0; a < msg->nhdrs; a++) {
		const struct sipmsg_hdr *h = &msg->hdr[a];
		uint64_t bit = name_bit(h);
		unsigned earlier = 0;

		/* no earlier header with this bit: no repeat, without the
		 * pairwise walk (was 1.5 % of a run) */
		if (!(seen & bit)) {
			seen |= bit;
			continue;
		}
		for (b = 0; b < a; b++)
			earlier += same_header(h, &msg->hdr[b]);
		/* may_repeat is the slow test: only for actual repeats */
		if (earlier == 1 && !may_repeat(&h->name))
			(void)finding_add(findings, &m->opts.rules,
					  R_HEADER_DUPLICATE, frame, "%r: header "
					  "'%r' appears more than once",
					  msg->req ? &msg->met : &msg->reason,
					  &h->name);
	}
}

/* Values of a header, also when one line lists several ("<a>, <b>"):
 * sipmsg splits only the headers RFC 3261 defines as lists. */
static bool count_h(const struct pl *val, void *arg)
{
	unsigned *n = arg, depth = 0;
	bool quoted = false;
	size_t i;

	++*n;
	if (!val->l || !memchr(val->p, ',', val->l))
		return false;         /* the usual single value */
	for (i = 0; i < val->l; i++) {
		char c = val->p[i];

		if (c == '"' && (i == 0 || val->p[i - 1] != '\\'))
			quoted = !quoted;
		else if (!quoted && c == '<')
			++depth;
		else if (!quoted && c == '>' && depth)
			--depth;
		else if (!quoted && !depth && c == ',')
			++*n;
	}
	return false;
}

static unsigned hdr_values(const struct sipmsg *msg, enum sip_hdrid id)
{
	unsigned n = 0;

	(void)sipmsg_apply(msg, id, count_h, &n);
	return n;
}

/* Refer-To, Referred-By and Refer-Sub are no list headers (sipmsg cuts
 * none of them at commas): a line's value is what sipmsg_first() and
 * sipmsg_apply() hand out for it. */
void refer_hdrs_read(struct refer_hdrs *rh, const struct sipmsg *msg)
{
	unsigned i;

	memset(rh, 0, sizeof(*rh));
	for (i = 0; i < msg->nhdrs; i++) {
		const struct sipmsg_hdr *h = &msg->hdr[i];

		switch (h->id) {
		case SIP_HDR_REFER_TO:
			if (!rh->nrefer_to)
				rh->refer_to = h->val;
			(void)count_h(&h->val, &rh->nrefer_to);
			break;
		case SIP_HDR_REFERRED_BY:
			if (!rh->nreferred_by)
				rh->referred_by = h->val;
			(void)count_h(&h->val, &rh->nreferred_by);
			break;
		case SIP_HDR_REFER_SUB:
			if (!rh->nrefer_sub++)
				rh->refer_sub = h->val;
			break;
		case SIP_HDR_CONTACT:
			if (!rh->ncontact++)
				rh->contact = &h->val;
			break;
		case SIP_HDR_ROUTE:
			rh->route = true;
			break;
		default:
			break;
		}
	}
}

/* Refer-Sub = "true" / "false", then parameters (RFC 4488 §4) */
static bool refer_sub_valid(const struct pl *val)
{
	struct pl v;

	if (!sipmsg_token(val, &v))
		return false;
	return PL_IS(&v, "true") || PL_IS(&v, "false");
}

void check_refer_headers(struct model *m, struct transfer *t,
			 const struct sipmsg *msg,
			 const struct refer_hdrs *rh, uint64_t frame)
{
	const struct ruleset *rs = &m->opts.rules;
	unsigned n;

	if (rh->nrefer_to != 1)
		(void)finding_add(&t->findings, rs, R_REFER_TO_COUNT, frame,
				  "REFER with %u Refer-To values",
				  rh->nrefer_to);
	if (rh->nrefer_to && !relike_addr_valid(&rh->refer_to))
		(void)finding_add(&t->findings, rs, R_REFER_TO_SYNTAX, frame,
				  "Refer-To '%r' is not a valid name-addr or "
				  "addr-spec", &rh->refer_to);

	if (!rh->nreferred_by)
		(void)finding_add(&t->findings, rs, R_REFERRED_BY_MISSING,
				  frame, "REFER without Referred-By");
	else if (rh->nreferred_by > 1)
		(void)finding_add(&t->findings, rs, R_REFERRED_BY_SYNTAX,
				  frame, "REFER with %u Referred-By values",
				  rh->nreferred_by);
	else if (!relike_addr_valid(&rh->referred_by))
		(void)finding_add(&t->findings, rs, R_REFERRED_BY_SYNTAX,
				  frame, "Referred-By '%r' is not a valid "
				  "name-addr or addr-spec", &rh->referred_by);

	/* one line without a comma is one value, without a walk */
	if (rh->ncontact == 1 && (!rh->contact->l ||
				  !memchr(rh->contact->p, ',', rh->contact->l)))
		n = 1;
	else
		n = rh->ncontact ? hdr_values(msg, SIP_HDR_CONTACT) : 0;
	if (n != 1)
		(void)finding_add(&t->findings, rs, R_REFER_CONTACT, frame,
				  "REFER with %u Contact values", n);

	if (rh->nrefer_sub && !refer_sub_valid(&rh->refer_sub))
		(void)finding_add(&t->findings, rs, R_REFER_SUB_SYNTAX, frame,
				  "Refer-Sub '%r' is neither true nor false",
				  &rh->refer_sub);
	check_duplicates(m, &t->findings, msg, frame);
}

/* The Route rows of the REFER against the dialog's route set: the
 * Record-Route of the INVITE's 2xx, reversed for the INVITE's sender. */
struct route_walk {
	const struct dialog *d;
	bool reversed;
	unsigned i;
	bool ok;
};

static bool route_h(const struct pl *val, void *arg)
{
	struct route_walk *w = arg;
	const struct dialog *d = w->d;
	struct sipmsg_addr addr;
	const char *want;

	if (w->i >= d->nrroute || sipmsg_addr_decode(&addr, val)) {
		w->ok = false;
		return true;
	}
	want = d->rroute[w->reversed ? d->nrroute - 1 - w->i : w->i];
	w->ok = !pl_strcasecmp(&addr.auri, want);
	++w->i;
	return !w->ok;
}

/* The Route values of the REFER against the dialog's route set: the
 * Record-Route of the INVITE's 2xx, reversed for the INVITE's sender
 * (RFC 3261 §12.1.2 and §12.1.1). */
static bool route_matches(const struct dialog *d, int side,
			  const struct sipmsg *msg)
{
	struct route_walk w = {d, side == d->uac, 0, true};

	(void)sipmsg_apply(msg, SIP_HDR_ROUTE, route_h, &w);
	return w.ok && w.i == d->nrroute;
}

void check_refer_dialog(struct model *m, struct dialog *d,
			struct transfer *t, const struct sipmsg *msg,
			const struct refer_hdrs *rh, uint64_t frame)
{
	const struct ruleset *rs = &m->opts.rules;
	int side = t->referrer_side;
	const char *remote = d->contact[1 - side].s;

	if (d->uac < 0 && !pl_isset(&msg->to.tag)) {
		(void)finding_add(&t->findings, rs, R_REFER_OUTSIDE_DIALOG,
				  frame, "REFER outside any dialog (no To tag, "
				  "no INVITE with this Call-ID)");
		return;
	}
	if (!d->confirmed)
		return;               /* the capture began after the INVITE */
	if (!pl_isset(&msg->to.tag) ||
	    !d->tag[1 - side] || pl_strcmp(&msg->to.tag, d->tag[1 - side]))
		(void)finding_add(&t->findings, rs, R_REFER_DIALOG_TAGS, frame,
				  "REFER To tag '%r' is not the dialog's "
				  "remote tag '%s'", &msg->to.tag,
				  d->tag[1 - side] ? d->tag[1 - side] : "");
	if ((d->nrroute || rh->route) && d->uac >= 0 &&
	    !route_matches(d, side, msg))
		(void)finding_add(&t->findings, rs, R_REFER_ROUTE, frame,
				  "REFER Route headers do not follow the "
				  "dialog's route set (%u Record-Route "
				  "entries)", d->nrroute);
	if (remote && pl_strcasecmp(&msg->ruri, remote))
		(void)finding_add(&t->findings, rs, R_REFER_RURI, frame,
				  "REFER Request-URI '%r' is not the remote "
				  "target '%s'", &msg->ruri, remote);
}
