/**
 * @file transfer.c  The transfer half of the model: REFER, its answers,
 *                   the NOTIFYs of its subscription, and the BYEs around
 */
#include <string.h>
#include "sipfrag.h"
#include "model/model_int.h"
#include "model/relike.h"

static void transfer_destructor(void *arg)
{
	struct transfer *t = arg;

	list_unlink(&t->le);
	list_clear(&t->notifies); /* in the ladder */
	list_flush(&t->findings);
	mem_deref(t->ladder);     /* with the transfer's strings */
}

static bool is_2xx(uint16_t scode)
{
	return scode >= 200 && scode <= 299;
}

static bool is_false(const struct pl *refer_sub)
{
	struct pl v;

	return sipmsg_token(refer_sub, &v) && PL_IS(&v, "false");
}

static bool hdr_is_false(const struct sipmsg *msg)
{
	struct pl h;

	return sipmsg_first(msg, SIP_HDR_REFER_SUB, &h) && is_false(&h);
}

static struct transfer *transfer_new(struct model *m, struct dialog *d,
				     struct trans *tr,
				     const struct wire_msg *wm,
				     const struct refer_hdrs *rh)
{
	const struct sipmsg *msg = wm->sm;
	struct transfer *t;

	t = mem_zalloc(sizeof(*t), transfer_destructor);
	if (!t)
		return NULL;
	t->num = ++m->next_num;
	t->referrer = wm->src;
	t->recipient = wm->dst;
	t->tp = wm->tp;
	t->refer_frame = wm->frame;
	t->refer_ts = wm->ts_ns;
	t->cseq = msg->cseq.num;
	t->referrer_side = tr->side;
	t->notify_timeout_ms = m->opts.notify_timeout_ms;
	t->ladder = mem_ref(d->ladder);
	t->callid = d->callid;
	if (rh->nrefer_to)
		t->refer_to = ladder_strdup(t->ladder, &rh->refer_to);
	if (rh->nreferred_by)
		t->referred_by = ladder_strdup(t->ladder, &rh->referred_by);
	t->sub_false_asked = rh->nrefer_sub && is_false(&rh->refer_sub);
	callinfo_copy(&t->call, &d->call);
	if (d->uac >= 0)
		t->call.dir = d->uac == tr->side ? CALL_DIR_OUTBOUND
						 : CALL_DIR_INBOUND;
	list_append(&d->transfers, &t->le, t);
	++d->nrefers;
	++m->st.transfers;
	return t;
}

/* A REFER re-sent with credentials after 401/407 continues the same
 * transfer: the verb answers a challenge once (spec §3). */
static struct transfer *challenged(struct dialog *d, int side)
{
	struct le *le = list_tail(&d->transfers);
	struct transfer *t = le ? le->data : NULL;

	if (t && t->referrer_side == side && t->challenge && !t->scode &&
	    list_isempty(&t->notifies))
		return t;
	return NULL;
}

void xfer_refer(struct model *m, struct dialog *d, struct trans *tr,
		const struct wire_msg *wm)
{
	struct transfer *t = challenged(d, tr->side);

	if (t) {
		t->cseq = wm->sm->cseq.num;
		t->refer_frame = wm->frame;
	}
	else {
		struct refer_hdrs rh;

		refer_hdrs_read(&rh, wm->sm);
		t = transfer_new(m, d, tr, wm, &rh);
		if (!t)
			return;
		check_refer_headers(m, t, wm->sm, &rh, wm->frame);
		check_refer_dialog(m, d, t, wm->sm, &rh, wm->frame);
	}
	tr->xfer = t;
}

void xfer_refer_response(struct model *m, struct trans *tr,
			 const struct wire_msg *wm)
{
	const struct sipmsg *msg = wm->sm;
	struct transfer *t = tr->xfer;
	const struct ruleset *rs = &m->opts.rules;

	if (!t || msg->scode < 200 || t->scode)
		return;
	if (msg->scode == 401 || msg->scode == 407) {
		t->challenge = msg->scode;
		return;
	}
	t->scode = msg->scode;
	t->resp_frame = wm->frame;
	t->resp_ts = wm->ts_ns;
	t->reason = ladder_strdup(t->ladder, &msg->reason);
	if (!is_2xx(msg->scode))
		return;
	if (msg->scode != 202)
		(void)finding_add(&t->findings, rs, R_REFER_200, wm->frame,
				  "REFER accepted with %u %r, not 202",
				  msg->scode, &msg->reason);
	t->sub_false_granted = hdr_is_false(msg);
	if (t->sub_false_granted && !t->sub_false_asked)
		(void)finding_add(&t->findings, rs, R_REFER_SUB_UNREQUESTED,
				  wm->frame, "the 2xx says Refer-Sub: false "
				  "but the REFER did not ask for it");
	if (t->sub_false_asked && !t->sub_false_granted)
		(void)finding_add(&t->findings, rs, R_REFER_SUB_IGNORED,
				  wm->frame, "REFER asked Refer-Sub: false; "
				  "the 2xx creates the subscription anyway, "
				  "NOTIFYs are expected");
}

/* The transfer a NOTIFY belongs to: its Event id names the REFER's
 * CSeq (RFC 3515 §2.4.6); without one, the dialog's only transfer. */
static struct transfer *notify_target(struct model *m, struct dialog *d,
				      int side, const struct pl *id,
				      uint64_t frame)
{
	struct transfer *last = NULL;
	unsigned n = 0;
	struct le *le;

	for (le = list_head(&d->transfers); le; le = le->next) {
		struct transfer *t = le->data;

		if (t->referrer_side == side)
			continue;
		if (pl_isset(id) && pl_u32(id) == t->cseq)
			return t;
		last = t;
		++n;
	}
	if (pl_isset(id) || !last)
		return NULL;
	if (n > 1)
		(void)finding_add(&last->findings, &m->opts.rules,
				  R_NOTIFY_EVENT_ID, frame, "NOTIFY without "
				  "an Event id while %u REFERs share the "
				  "dialog; taken as the last one", n);
	return last;
}

/* A NOTIFY's first Event and Subscription-State lines (NULL: none) in
 * one walk over its headers; neither is a list header, so a line's value
 * is what sipmsg_first() hands out (a walk each was 2 % of the model) */
static void notify_hdrs(const struct sipmsg *msg, const struct pl **event,
			const struct pl **substate)
{
	unsigned i;

	*event = *substate = NULL;
	for (i = 0; i < msg->nhdrs; i++) {
		const struct sipmsg_hdr *h = &msg->hdr[i];

		if (h->id == SIP_HDR_EVENT && !*event)
			*event = &h->val;
		else if (h->id == SIP_HDR_SUBSCRIPTION_STATE && !*substate)
			*substate = &h->val;
	}
}

static enum substate substate_decode(const struct pl *h, char *reason,
				     size_t sz)
{
	struct pl v, r;

	reason[0] = '\0';
	if (!h)
		return SUBST_NONE;
	if (!sipmsg_token(h, &v))
		return SUBST_OTHER;
	if (!relike_param(h, "reason", &r))
		(void)pl_strcpy(&r, reason, sz);
	if (PL_IS(&v, "active"))
		return SUBST_ACTIVE;
	if (PL_IS(&v, "pending"))
		return SUBST_PENDING;
	if (PL_IS(&v, "terminated"))
		return SUBST_TERMINATED;
	return SUBST_OTHER;
}

static void sipfrag_body(struct model *m, struct transfer *t,
			 struct notify_rec *n, const struct wire_msg *wm)
{
	const struct sipmsg *msg = wm->sm;
	const struct ruleset *rs = &m->opts.rules;
	struct sipfrag_status st;

	if (!msg->ctyp.type.p)
		(void)finding_add(&t->findings, rs, R_NOTIFY_CONTENT_TYPE,
				  wm->frame, "NOTIFY without Content-Type");
	else if (!sipfrag_is_content_type(&msg->ctyp.type,
					  &msg->ctyp.subtype))
		(void)finding_add(&t->findings, rs, R_NOTIFY_CONTENT_TYPE,
				  wm->frame, "NOTIFY Content-Type %r/%r, not "
				  "message/sipfrag", &msg->ctyp.type,
				  &msg->ctyp.subtype);
	if (sipfrag_status_decode(&st, wm->body.p, wm->body.l)) {
		(void)finding_add(&t->findings, rs, R_NOTIFY_SIPFRAG,
				  wm->frame, "NOTIFY body does not begin with a "
				  "SIP status line (%zu bytes)", wm->body.l);
		return;
	}
	n->status = st.scode;
	if (st.leniency)
		(void)finding_add(&t->findings, rs, R_NOTIFY_SIPFRAG_LENIENT,
				  wm->frame, "sipfrag status line read leniently:"
				  "%s%s%s%s",
				  st.leniency & SIPFRAG_LEADING_SPACE ?
				  " leading blank" : "",
				  st.leniency & SIPFRAG_VERSION_CASE ?
				  " version case" : "",
				  st.leniency & SIPFRAG_NO_REASON ?
				  " no reason phrase" : "",
				  st.leniency & SIPFRAG_NO_CRLF ?
				  " no CRLF" : "");
}

/* What this NOTIFY says against what came before it. */
static void notify_sequence(struct model *m, struct transfer *t,
			    const struct notify_rec *n)
{
	const struct ruleset *rs = &m->opts.rules;
	uint16_t final = 0;
	bool ended = false;
	struct le *le;

	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *p = le->data;

		ended |= p->substate == SUBST_TERMINATED;
		if (p->status >= 200)
			final = p->status;
	}
	if (ended)
		(void)finding_add(&t->findings, rs, R_NOTIFY_AFTER_TERMINATED,
				  n->frame, "NOTIFY after the subscription was "
				  "terminated");
	if (final && n->status && n->status < 200)
		(void)finding_add(&t->findings, rs, R_NOTIFY_STATUS_REGRESS,
				  n->frame, "status %u reported after final "
				  "status %u", n->status, final);
	if (n->status >= 200 && n->substate != SUBST_TERMINATED &&
	    n->substate != SUBST_NONE)
		(void)finding_add(&t->findings, rs, R_NOTIFY_FINAL_ACTIVE,
				  n->frame, "final status %u with the "
				  "subscription still %s", n->status,
				  n->substate == SUBST_PENDING ? "pending" :
				  "active");
	if (n->substate == SUBST_TERMINATED && !n->reason[0])
		(void)finding_add(&t->findings, rs, R_NOTIFY_TERMINATED_REASON,
				  n->frame, "Subscription-State: terminated "
				  "without a reason");
	if (t->sub_false_granted)
		(void)finding_add(&t->findings, rs, R_REFER_SUB_NOTIFY,
				  n->frame, "NOTIFY although Refer-Sub: false "
				  "was accepted");
}

static char *put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* "sipfrag 180, active": what the ladder shows next to a NOTIFY, kept
 * in the ladder's blocks (snprintf and an allocation per NOTIFY were
 * 2 % of a run). */
static void ladder_note(struct dialog *d, const struct notify_rec *n)
{
	static const char *const states[] = {
		"no Subscription-State", "active", "pending", "terminated",
		"other state",
	};
	struct le *le = list_tail(&d->ladder->lines);
	struct ladder_line *ln = le ? le->data : NULL;
	char note[96], digits[8], *p;
	unsigned v = n->status, nd = 0;

	if (!ln || ln->frame != n->frame)
		return;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	p = put(note, "sipfrag ");
	while (nd)
		*p++ = digits[--nd];
	p = put(p, ", ");
	p = put(p, states[n->substate]);
	if (n->reason[0]) {   /* reason[] is 32 bytes: it all fits */
		p = put(p, ";reason=");
		p = put(p, n->reason);
	}
	*p++ = '\0';
	ln->note = ladder_room(d->ladder, (size_t)(p - note));
	if (ln->note)
		memcpy(ln->note, note, (size_t)(p - note));
	ln->note_len = (uint32_t)(p - note - 1);
}

void xfer_notify(struct model *m, struct dialog *d, struct trans *tr,
		 const struct wire_msg *wm)
{
	const struct sipmsg *msg = wm->sm;
	const struct pl *eh, *sh;
	const struct ruleset *rs = &m->opts.rules;
	struct sipevent_event ev;
	struct notify_rec *n;
	struct transfer *t;

	memset(&ev, 0, sizeof(ev));
	notify_hdrs(msg, &eh, &sh);
	if (eh && (relike_event_decode(&ev, eh) ||
		   !PL_IS(&ev.event, "refer")))
		return;               /* another event package: not ours */

	t = notify_target(m, d, tr->side, &ev.id, wm->frame);
	if (!t) {
		tr->stray_notify = true;
		return;
	}
	/* in the ladder, as many as NOTIFY transactions: they go with the
	 * transfer, which holds the ladder */
	n = ladder_carve(d->ladder, sizeof(*n));
	if (!n)
		return;
	memset(n, 0, sizeof(*n));
	n->frame = wm->frame;
	n->ts_ns = wm->ts_ns;
	n->cseq = msg->cseq.num;
	n->before_accept = !is_2xx(t->scode);
	n->after_bye = t->bye_frame != 0;
	n->substate = substate_decode(sh, n->reason, sizeof(n->reason));

	if (!eh)
		(void)finding_add(&t->findings, rs, R_NOTIFY_EVENT_MISSING,
				  wm->frame, "NOTIFY without Event header "
				  "(taken as Event: refer)");
	if (n->substate == SUBST_NONE)
		(void)finding_add(&t->findings, rs, R_NOTIFY_SUBSTATE_MISSING,
				  wm->frame, "NOTIFY without "
				  "Subscription-State");
	sipfrag_body(m, t, n, wm);
	check_duplicates(m, &t->findings, msg, wm->frame);
	notify_sequence(m, t, n);
	ladder_note(d, n);
	list_append(&t->notifies, &n->le, n);
	tr->xfer = t;
	tr->ntf = n;
}

void xfer_notify_response(struct model *m, struct trans *tr,
			  const struct wire_msg *wm)
{
	const struct sipmsg *msg = wm->sm;

	if (msg->scode < 200)
		return;
	/* RFC 6665 4.1.3: 481, "unless another 400- or 500-class response
	 * is more appropriate" -- which only the answerer can judge. */
	if (tr->stray_notify && (msg->scode < 400 || msg->scode >= 600))
		model_global(m, R_NOTIFY_UNKNOWN_481, wm->frame,
			     "NOTIFY (frame %llu) matches no subscription but "
			     "was answered %u, not 481 (or another 4xx/5xx)",
			     (unsigned long long)tr->frame, msg->scode);
	if (!tr->ntf || tr->ntf->answer)
		return;
	tr->ntf->answer = msg->scode;
	tr->ntf->answer_frame = wm->frame;
	if (!is_2xx(msg->scode))
		(void)finding_add(&tr->xfer->findings, &m->opts.rules,
				  R_NOTIFY_RESPONSE, wm->frame, "NOTIFY "
				  "(frame %llu) answered %u %r",
				  (unsigned long long)tr->frame, msg->scode,
				  &msg->reason);
}

static uint16_t final_status(const struct transfer *t)
{
	struct le *le;

	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (n->status >= 200)
			return n->status;
	}
	return 0;
}

void xfer_bye(struct model *m, struct dialog *d, int side,
	      const struct wire_msg *wm)
{
	struct le *le;

	for (le = list_head(&d->transfers); le; le = le->next) {
		struct transfer *t = le->data;

		if (t->bye_frame)
			continue;
		t->bye_frame = wm->frame;
		t->bye_ts = wm->ts_ns;
		t->bye_by_referrer = side == t->referrer_side;
		if (is_2xx(t->scode) && !t->sub_false_granted &&
		    !final_status(t))
			(void)finding_add(&t->findings, &m->opts.rules,
					  R_BYE_BEFORE_FINAL, wm->frame,
					  "BYE from the %s before the final "
					  "NOTIFY", t->bye_by_referrer ?
					  "referrer" : "referee");
	}
}

bool xfer_done(const struct transfer *t)
{
	struct le *le;

	if (!t->scode || !is_2xx(t->scode) || t->sub_false_granted)
		return t->scode != 0;
	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (n->substate == SUBST_TERMINATED && n->answer)
			return true;
	}
	return false;
}

static void close_notifies(struct model *m, struct transfer *t)
{
	const struct ruleset *rs = &m->opts.rules;
	const struct notify_rec *first = NULL;
	uint64_t limit = (uint64_t)t->notify_timeout_ms * 1000000ULL;
	struct le *le;

	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (!first)
			first = n;
		if (!n->answer)
			(void)finding_add(&t->findings, rs, R_NOTIFY_UNANSWERED,
					  n->frame, "NOTIFY got no final "
					  "response in the capture");
	}
	if (!is_2xx(t->scode) || t->sub_false_granted)
		return;
	if (first && first->ts_ns > t->resp_ts + limit)
		(void)finding_add(&t->findings, rs, R_NOTIFY_FIRST_TIMEOUT,
				  first->frame, "first NOTIFY %llu ms after "
				  "the REFER was accepted (timeout %u ms)",
				  (unsigned long long)((first->ts_ns -
							t->resp_ts) / 1000000),
				  t->notify_timeout_ms);
	else if (!first && t->end_ts >= t->resp_ts + limit)
		(void)finding_add(&t->findings, rs, R_NOTIFY_FIRST_TIMEOUT,
				  t->resp_frame, "no NOTIFY within %u ms of "
				  "the REFER being accepted",
				  t->notify_timeout_ms);
	if (first && !final_status(t))
		(void)finding_add(&t->findings, rs, R_NOTIFY_FINAL_MISSING,
				  t->resp_frame, "no NOTIFY carried a final "
				  "status");
}

/* The transfer is over (its dialog is released): what is missing now
 * will never come. */
void xfer_close(struct model *m, struct dialog *d, struct transfer *t)
{
	t->end_ts = m->now;
	t->retrans = d->retrans;
	t->first_retrans_frame = d->first_retrans_frame;
	if (!t->scode)
		(void)finding_add(&t->findings, &m->opts.rules,
				  R_REFER_NO_RESPONSE, t->refer_frame,
				  "REFER got no final response in the capture "
				  "(the verb reports 408)");
	close_notifies(m, t);
	if (t->retrans)
		(void)finding_add(&t->findings, &m->opts.rules,
				  R_RETRANSMISSION, t->first_retrans_frame,
				  "%u retransmitted message%s in the dialog",
				  t->retrans, t->retrans == 1 ? "" : "s");
}
