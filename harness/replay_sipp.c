/**
 * @file replay_sipp.c  A captured dialog's far end as a SIPp scenario
 *
 * Each message the far end sent becomes a <send>, each message the
 * referrer sent a <recv>, in capture order. What belonged to the original
 * run is rewritten so the messages fit the new one:
 *   - Via, Call-ID and the far end's tag: SIPp's [branch], [call_id],
 *     [pid]RPL[call_number]; responses copy the request's Via/From/To/
 *     CSeq with [last_*] (or with variables captured from that request
 *     when other messages came in between);
 *   - the implementation's identity (its From/To with its tag) and the
 *     CSeq of each REFER (the NOTIFYs' Event id): captured with <ereg>
 *     when they arrive;
 *   - the far end's address in Contact, Record-Route and everywhere else:
 *     [local_ip]:[local_port]; the referrer's: [remote_ip]:[remote_port];
 *   - in-dialog Request-URIs: [next_url] (the referrer's Contact, rrs);
 *     Route headers go: the peer talks to the implementation directly.
 * Provisional responses of the implementation are optional (another
 * implementation may send none); its retransmissions in the original
 * become optional receives; the far end's own are left to SIPp's timers.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "replay.h"

enum {
	PAUSE_MIN_MS = 10,
	PAUSE_MAX_MS = 60000,
	NOTIFY_GAP_MS = 30,   /* between the far end's NOTIFYs, at least */
};

#define OUR_TAG "[pid]RPL[call_number]"

struct gen {
	FILE *f;
	const struct replay_dialog *d;
	const struct replay_opts *o;
	bool capture[REPLAY_MAX_MSGS];   /* request vars rN_* needed */
	bool refer_used[REPLAY_MAX_REFERS];
	bool need_ids;            /* the far end sends in-dialog requests */
	bool notified;            /* a NOTIFY of the far end was sent */
	char far_hp[64], far_ip[48], iut_hp[64], iut_ip[48];
	char err[256];
};

/* The index of the REFER whose CSeq a NOTIFY's Event id names, or -1. */
static int event_refer(const struct gen *g, const struct replay_msg *m)
{
	const struct sip_hdr *h = sip_msg_hdr(m->msg, SIP_HDR_EVENT);
	struct pl id;
	size_t i;

	if (!h || re_regex(h->val.p, h->val.l, ";[ \t]*id=[0-9]+", NULL, &id))
		return -1;
	for (i = 0; i < g->d->tc; i++)
		if (g->d->tv[i]->cseq == pl_u32(&id))
			return (int)i;
	return -1;
}

static bool in_dialog(const struct replay_msg *m)
{
	return pl_isset(&m->msg->to.tag);
}

/* First pass: which variables the sends will use, so that only those
 * are captured (SIPp refuses a scenario that sets a variable it never
 * reads: "Variable $x is referenced 1 times!"). */
static void plan(struct gen *g)
{
	const struct replay_msg *last_recv = NULL;
	struct le *le;

	for (le = list_head(&g->d->msgs); le; le = le->next) {
		const struct replay_msg *m = le->data, *req;
		int k;

		if (m->retrans)
			continue;
		if (!m->from_far) {
			last_recv = m;
			continue;
		}
		if (m->msg->req && in_dialog(m))
			g->need_ids = true;
		if (m->msg->req && (k = event_refer(g, m)) >= 0)
			g->refer_used[k] = true;
		if (!m->msg->req && (req = replay_request_of(g->d, m)) &&
		    req != last_recv)
			g->capture[req->idx] = true;
	}
}

static bool hdr_is(const struct sip_hdr *h, enum sip_hdrid id)
{
	return h->id == id;
}

/* Writes text with the original addresses turned into SIPp keywords.
 * A '[' left over would read as an unknown keyword: refused. */
static void put_rewritten(struct gen *g, const struct replay_msg *m,
			  const char *p, size_t n, bool sdp)
{
	const struct {
		const char *from, *to;
	} map[] = {
		{g->far_hp, "[local_ip]:[local_port]"},
		{g->iut_hp, "[remote_ip]:[remote_port]"},
		{g->far_ip, sdp ? "[media_ip]" : "[local_ip]"},
		{g->iut_ip, sdp ? "[media_ip]" : "[remote_ip]"},
	};
	size_t i, k;

	for (i = 0; i < n;) {
		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
			size_t l = strlen(map[k].from);

			if (l && l <= n - i && !memcmp(p + i, map[k].from, l) &&
			    (i + l == n || (!isdigit((unsigned char)p[i + l]) &&
					    p[i + l] != '.')))
				break;
		}
		if (k < sizeof(map) / sizeof(map[0])) {
			fputs(map[k].to, g->f);
			i += strlen(map[k].from);
			continue;
		}
		if (p[i] == '[' && !g->err[0])
			re_snprintf(g->err, sizeof(g->err), "frame %llu: '[' "
				    "in \"%b\" cannot be written in a SIPp "
				    "scenario", (unsigned long long)m->frame,
				    p, n > 60 ? (size_t)60 : n);
		fputc(p[i++], g->f);
	}
}

static void put_pl(struct gen *g, const struct replay_msg *m,
		   const struct pl *pl)
{
	put_rewritten(g, m, pl->p, pl->l, false);
}

/* A URI's host:port in Contact / Record-Route: the peer's own address
 * whatever the original said (NAT, a proxy in front of the far end). */
static void put_uri_hostports(struct gen *g, const struct replay_msg *m,
			      const struct pl *val)
{
	const char *p = val->p, *end = val->p + val->l;

	while (p < end) {
		const char *hp = NULL, *user_end, *q;

		for (q = p; q + 4 <= end && !hp; q++) {
			if (!strncasecmp(q, "sip:", 4))
				hp = q + 4;
			else if (q + 5 <= end && !strncasecmp(q, "sips:", 5))
				hp = q + 5;
		}
		if (!hp) {
			put_rewritten(g, m, p, end - p, false);
			return;
		}
		user_end = hp;
		for (q = hp; q < end && !strchr(";>?, \t", *q); q++)
			if (*q == '@')
				user_end = q + 1;
		put_rewritten(g, m, p, user_end - p, false);
		fputs("[local_ip]:[local_port]", g->f);
		p = q;
	}
}

/* "...;tag=abc;x" -> "...;tag=<ours>;x" */
static void put_with_our_tag(struct gen *g, const struct replay_msg *m,
			     const struct pl *val)
{
	const char *p = val->p, *end = val->p + val->l, *q, *v = NULL;

	for (q = p; q + 4 <= end && !v; q++) {
		const char *b = q;

		if (strncasecmp(q, "tag=", 4))
			continue;
		while (b > p && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > p && b[-1] == ';')
			v = q + 4;
	}
	if (!v) {
		put_pl(g, m, val);
		return;
	}
	put_rewritten(g, m, p, v - p, false);
	fputs(OUR_TAG, g->f);
	for (q = v; q < end && *q != ';'; q++)
		;
	put_rewritten(g, m, q, end - q, false);
}

/* Event: refer;id=<REFER CSeq> -> the new run's CSeq of that REFER */
static void put_event(struct gen *g, const struct replay_msg *m,
		      const struct sip_hdr *h)
{
	int k = event_refer(g, m);
	struct pl id;

	if (k < 0 || re_regex(h->val.p, h->val.l, ";[ \t]*id=[0-9]+", NULL,
			      &id)) {
		put_pl(g, m, &h->val);
		return;
	}
	put_rewritten(g, m, h->val.p, id.p - h->val.p, false);
	fprintf(g->f, "[$refer_cseq_%d]", k + 1);
	put_rewritten(g, m, id.p + id.l, h->val.p + h->val.l - (id.p + id.l),
		      false);
}

/* Response headers copied from the request: [last_*] when the request is
 * the message SIPp received last, else the variables captured from it.
 * Every Via goes with the first one; the To of a response that sets up
 * the dialog gets our tag. Returns false for other headers. */
static bool put_copied(struct gen *g, const struct replay_msg *m,
		       const struct sip_hdr *h, const struct replay_msg *req,
		       bool last, unsigned *via)
{
	static const struct {
		enum sip_hdrid id;
		const char *name, *var;
	} copied[] = {
		{SIP_HDR_VIA, "Via", "via"},
		{SIP_HDR_FROM, "From", "from"},
		{SIP_HDR_TO, "To", "to"},
		{SIP_HDR_CSEQ, "CSeq", "cseq"},
	};
	size_t i;

	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		if (!hdr_is(h, copied[i].id))
			continue;
		if (copied[i].id == SIP_HDR_VIA && (*via)++)
			return true;
		if (last || !req)
			fprintf(g->f, "      [last_%s:]", copied[i].name);
		else
			fprintf(g->f, "      %s:[$r%u_%s]", copied[i].name,
				req->idx, copied[i].var);
		if (copied[i].id == SIP_HDR_TO && pl_isset(&m->msg->to.tag) &&
		    req && !pl_isset(&req->msg->to.tag))
			fputs(";tag=" OUR_TAG, g->f);
		fputc('\n', g->f);
		return true;
	}
	return false;
}

static void put_header(struct gen *g, const struct replay_msg *m,
		       const struct sip_hdr *h, const struct replay_msg *req,
		       bool last, unsigned *via)
{
	const bool rq = m->msg->req;

	if (rq && hdr_is(h, SIP_HDR_VIA)) {
		if (!(*via)++)
			fputs("      Via: SIP/2.0/[transport] [local_ip]:"
			      "[local_port];branch=[branch]\n", g->f);
		return;
	}
	if (rq && hdr_is(h, SIP_HDR_ROUTE))
		return;
	if (!rq && put_copied(g, m, h, req, last, via))
		return;
	if (hdr_is(h, SIP_HDR_CALL_ID)) {
		fputs("      Call-ID: [call_id]\n", g->f);
		return;
	}
	if (hdr_is(h, SIP_HDR_CONTENT_LENGTH)) {
		fputs("      Content-Length: [len]\n", g->f);
		return;
	}
	fprintf(g->f, "      %.*s: ", (int)h->name.l, h->name.p);
	if (rq && hdr_is(h, SIP_HDR_FROM) && g->d->phone)
		fputs("[$far_id];tag=" OUR_TAG, g->f);
	else if (rq && hdr_is(h, SIP_HDR_FROM))
		put_with_our_tag(g, m, &h->val);
	else if (rq && hdr_is(h, SIP_HDR_TO) && in_dialog(m))
		fputs("[$iut_id]", g->f);
	else if (rq && hdr_is(h, SIP_HDR_EVENT))
		put_event(g, m, h);
	else if (hdr_is(h, SIP_HDR_CONTACT) || hdr_is(h, SIP_HDR_RECORD_ROUTE))
		put_uri_hostports(g, m, &h->val);
	else
		put_pl(g, m, &h->val);
	fputc('\n', g->f);
}

static void put_body(struct gen *g, const struct replay_msg *m)
{
	const bool sdp = !pl_strcasecmp(&m->msg->ctyp.type, "application") &&
		!pl_strcasecmp(&m->msg->ctyp.subtype, "sdp");
	const char *p = m->body.p, *end = m->body.p + m->body.l;

	if (!m->body.l)
		return;
	fputc('\n', g->f);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		fputs("      ", g->f);
		put_rewritten(g, m, p, n && p[n - 1] == '\r' ? n - 1 : n, sdp);
		fputc('\n', g->f);
		p += n + (nl ? 1 : 0);
	}
}

/* The recorded gap before a message of the far end. NOTIFYs are kept
 * NOTIFY_GAP_MS apart: the implementation may send its eventHooks
 * concurrently (jambonz and referlab-sim do), and NOTIFYs a millisecond
 * apart would let them reach the hook server in either order. */
static void put_pause(struct gen *g, const struct replay_msg *m,
		      const struct replay_msg *prev)
{
	const bool notify = m->msg->req && !pl_strcmp(&m->msg->met, "NOTIFY");
	uint64_t ms = 0;

	if (g->o->timing != REPLAY_RECORDED || !prev)
		return;
	if (m->ts_ns > prev->ts_ns)
		ms = (m->ts_ns - prev->ts_ns) / 1000000;
	if (notify && g->notified && ms < NOTIFY_GAP_MS)
		ms = NOTIFY_GAP_MS;
	g->notified |= notify;
	if (ms < PAUSE_MIN_MS)
		return;
	fprintf(g->f, "  <pause milliseconds=\"%llu\"/>\n",
		(unsigned long long)(ms > PAUSE_MAX_MS ? PAUSE_MAX_MS : ms));
}

/* UDP requests (but ACK) and 2xx to INVITE are retransmitted by SIPp
 * until answered, as the far end's stack did. */
static bool wants_retrans(const struct gen *g, const struct replay_msg *m)
{
	if (g->d->tp != SIP_TRANSP_UDP)
		return false;
	if (m->msg->req)
		return pl_strcmp(&m->msg->met, "ACK") != 0;
	return replay_is_invite_2xx(m);
}

static void put_send(struct gen *g, const struct replay_msg *m,
		     const struct replay_msg *prev,
		     const struct replay_msg *last_recv)
{
	const struct sip_msg *s = m->msg;
	const struct replay_msg *req = s->req ? NULL :
		replay_request_of(g->d, m);
	unsigned via = 0;
	struct le *le;

	put_pause(g, m, prev);
	fprintf(g->f, "  <send%s>\n    <![CDATA[\n",
		wants_retrans(g, m) ? " retrans=\"500\"" : "");
	if (s->req && in_dialog(m))
		fprintf(g->f, "      %.*s [next_url] SIP/2.0\n",
			(int)s->met.l, s->met.p);
	else if (s->req)
		fprintf(g->f, "      %.*s sip:%.*s%s[remote_ip]:[remote_port] "
			"SIP/2.0\n", (int)s->met.l, s->met.p,
			(int)s->uri.user.l, s->uri.user.p,
			s->uri.user.l ? "@" : "");
	else
		fprintf(g->f, "      SIP/2.0 %u %.*s\n", s->scode,
			(int)s->reason.l, s->reason.p);
	for (le = list_head(&s->hdrl); le; le = le->next)
		put_header(g, m, le->data, req, req && req == last_recv, &via);
	put_body(g, m);
	fputs("    ]]>\n  </send>\n", g->f);
}

static void put_ereg(struct gen *g, const char *re, const char *hdr,
		     const char *var)
{
	fprintf(g->f, "      <ereg regexp=\"%s\" search_in=\"hdr\" "
		"header=\"%s:\" assign_to=\"%s\"/>\n", re, hdr, var);
}

/* The message that sets the dialog up on the implementation's side: its
 * INVITE (phone) or its 2xx to ours (carrier). */
static bool is_dialog_start(const struct gen *g, const struct replay_msg *m)
{
	if (g->d->phone)
		return m->msg->req && !pl_strcmp(&m->msg->met, "INVITE") &&
			!in_dialog(m);
	return replay_is_invite_2xx(m);
}

static void put_actions(struct gen *g, const struct replay_msg *m)
{
	const bool start = g->need_ids && is_dialog_start(g, m);
	char var[48];
	size_t k;

	fputs("    <action>\n", g->f);
	if (start && g->d->phone) {
		put_ereg(g, ".*", "From", "iut_id");
		put_ereg(g, ".*", "To", "far_id");
	}
	else if (start) {
		put_ereg(g, ".*", "To", "iut_id");
	}
	for (k = 0; k < g->d->tc; k++) {
		if (!m->msg->req || pl_strcmp(&m->msg->met, "REFER") ||
		    m->msg->cseq.num != g->d->tv[k]->cseq || !g->refer_used[k])
			continue;
		snprintf(var, sizeof(var), "_,refer_cseq_%u", (unsigned)k + 1);
		put_ereg(g, "([0-9]+)", "CSeq", var);
	}
	if (g->capture[m->idx]) {
		static const char *const hv[][2] = {{"Via", "via"},
			{"From", "from"}, {"To", "to"}, {"CSeq", "cseq"}};

		for (k = 0; k < 4; k++) {
			snprintf(var, sizeof(var), "r%u_%s", m->idx, hv[k][1]);
			put_ereg(g, ".*", hv[k][0], var);
		}
	}
	fputs("    </action>\n", g->f);
}

static bool has_actions(const struct gen *g, const struct replay_msg *m)
{
	size_t k;

	if ((g->need_ids && is_dialog_start(g, m)) || g->capture[m->idx])
		return true;
	for (k = 0; k < g->d->tc; k++)
		if (m->msg->req && !pl_strcmp(&m->msg->met, "REFER") &&
		    m->msg->cseq.num == g->d->tv[k]->cseq && g->refer_used[k])
			return true;
	return false;
}

static void put_recv(struct gen *g, const struct replay_msg *m, bool optional)
{
	const struct sip_msg *s = m->msg;
	const bool actions = !optional && has_actions(g, m);

	if (s->req)
		fprintf(g->f, "  <recv request=\"%.*s\"", (int)s->met.l,
			s->met.p);
	else
		fprintf(g->f, "  <recv response=\"%u\"", s->scode);
	if (optional || s->scode / 100 == 1)
		fputs(" optional=\"true\"", g->f);
	if (!optional && is_dialog_start(g, m))
		fputs(" rrs=\"true\"", g->f);
	fputs(actions ? ">\n" : "/>\n", g->f);
	if (actions) {
		put_actions(g, m);
		fputs("  </recv>\n", g->f);
	}
}

/* The implementation's provisional responses to our INVITE: whichever
 * of the usual ones it sends, in their usual order, whatever the
 * original sent. */
static bool is_invite_1xx(const struct replay_msg *m)
{
	return !m->from_far && !m->msg->req && m->msg->scode / 100 == 1 &&
		!pl_strcmp(&m->msg->cseq.met, "INVITE");
}

static void put_invite_1xx(struct gen *g)
{
	static const uint16_t codes[] = {100, 180, 181, 182, 183};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		fprintf(g->f, "  <recv response=\"%u\" optional=\"true\"/>\n",
			codes[i]);
}

/* SIPp takes an optional <recv> only before a mandatory one: the next
 * message the scenario will hold. */
static const struct replay_msg *next_kept(struct le *le)
{
	for (; le; le = le->next) {
		const struct replay_msg *m = le->data;

		if (!m->retrans && !is_invite_1xx(m))
			return m;
	}
	return NULL;
}

/* Text for an XML comment: no "--" inside. */
static void put_comment_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '-' && s[1] == '-' ? '_' : *s, f);
}

int replay_sipp_write(FILE *f, const struct replay_dialog *d,
		      const struct replay_opts *o, char *err, size_t errsz)
{
	const struct replay_msg *prev = NULL, *last_recv = NULL;
	struct gen *g = mem_zalloc(sizeof(*g), NULL);
	char name[128];
	struct le *le;
	int e = 0;

	if (!g)
		return ENOMEM;
	g->f = f;
	g->d = d;
	g->o = o;
	re_snprintf(g->far_hp, sizeof(g->far_hp), "%J", &d->far);
	re_snprintf(g->iut_hp, sizeof(g->iut_hp), "%J", &d->iut);
	re_snprintf(g->far_ip, sizeof(g->far_ip), sa_af(&d->far) == AF_INET6 ?
		    "[%j]" : "%j", &d->far);
	re_snprintf(g->iut_ip, sizeof(g->iut_ip), sa_af(&d->iut) == AF_INET6 ?
		    "[%j]" : "%j", &d->iut);
	plan(g);
	replay_case_name(d, name, sizeof(name));

	fprintf(f, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
		"<!DOCTYPE scenario SYSTEM \"sipp.dtd\">\n<!--\n  ");
	put_comment_text(f, name);
	fputs(": generated by referlab replay from ", f);
	put_comment_text(f, d->file);
	fprintf(f, ",\n  transfer %u, Call-ID ", d->tv[0]->num);
	put_comment_text(f, d->callid);
	fprintf(f, ". SIPp plays the far end (%s the\n  call), with the "
		"%s timing of the capture.\n-->\n<scenario name=\"replay ",
		d->phone ? "called by the referrer in" : "it placed",
		o->timing == REPLAY_RECORDED ? "recorded" : "no (fast)");
	put_comment_text(f, name);
	fputs("\">\n", f);

	for (le = list_head(&d->msgs); le; le = le->next) {
		const struct replay_msg *m = le->data, *next;

		if (is_invite_1xx(m))
			continue;   /* see put_invite_1xx() */
		if (m->retrans) {
			next = next_kept(le->next);
			if (!m->from_far && next && !next->from_far &&
			    next->msg->scode / 100 != 1)
				put_recv(g, m, true);
			continue;
		}
		if (m->from_far) {
			put_send(g, m, prev, last_recv);
			if (m->msg->req && !in_dialog(m) &&
			    !pl_strcmp(&m->msg->met, "INVITE"))
				put_invite_1xx(g);
		}
		else {
			put_recv(g, m, false);
			last_recv = m;
		}
		prev = m;
	}
	fputs("</scenario>\n", f);
	if (g->err[0]) {
		re_snprintf(err, errsz, "%s: %s", d->file, g->err);
		e = EINVAL;
	}
	mem_deref(g);
	return e;
}
