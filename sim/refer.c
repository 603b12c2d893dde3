/**
 * @file refer.c  The sip:refer verb: the REFER and its implicit subscription
 */
#include <string.h>
#include <strings.h>
#include "call.h"
#include "log.h"
#include "refer.h"
#include "referuri.h"
#include "sim.h"
#include "sipfrag.h"
#include "tmrq.h"
#include "verb.h"

enum {
	/* after the subscription is over, late NOTIFYs (a retransmission
	 * with a new branch, a NOTIFY racing the timeout) still get 200 and
	 * are reported, rather than 481 */
	LINGER_MS = 32000,
};

struct refer {
	struct le he;               /* in sim->subs, keyed by Call-ID        */
	struct call *call;          /* referenced                            */
	struct hook_target *event_hook;
	struct sip_request *req;
	struct sip_auth *auth;
	struct tmrq_ent tmr;        /* --refer-timeout, notifyTimeout, then
				     * the linger */
	char *refer_to, *referred_by, *headers;
	uint32_t notify_timeout_ms;
	uint32_t cseq, cseq_first;  /* of the REFER, after/before a challenge */
	uint32_t notify_cseq;       /* highest NOTIFY CSeq seen              */
	char *notify_branch;        /* its Via branch: retransmissions       */
	uint16_t refer_status;      /* final response to the REFER           */
	uint16_t final_status;      /* final sipfrag status, 0 until known   */
	bool asked_norefersub;      /* we sent Refer-Sub: false              */
	bool supported_given;       /* the verb's headers carry Supported    */
	bool challenged, answered, accepted, done, settled, notified;
};

static void destructor(void *arg)
{
	struct refer *r = arg;

	hash_unlink(&r->he);
	tmrq_cancel(&r->tmr);
	mem_deref(r->req);
	mem_deref(r->auth);
	mem_deref(r->event_hook);
	mem_deref(r->refer_to);
	mem_deref(r->referred_by);
	mem_deref(r->headers);
	mem_deref(r->notify_branch);
	if (r->call && r->call->refer == r)
		r->call->refer = NULL;
	mem_deref(r->call);
}

static const char *sid(const struct refer *r)
{
	return r->call->ci.call_sid;
}

bool refer_waiting(const struct refer *r)
{
	return r && (!r->answered || (r->accepted && !r->settled));
}

static void linger_h(void *arg)
{
	mem_deref(arg);   /* the destructor unlinks it from sim->subs */
}

/* The subscription is over; keep answering NOTIFYs for a while. Its
 * timers are in the sim's tmrq, not libre's list (tmrq.h says why). */
static void settle(struct refer *r)
{
	struct sim *sim = r->call->sim;
	int err;

	r->settled = true;
	/* settled again: the linger restarts */
	err = tmrq_start(&r->tmr, sim->tq, LINGER_MS, linger_h, r);
	if (err)
		simlog(LOG_ERROR, sid(r), "linger timer: %m: kept till exit",
		       err);
	sim_check_exit(sim);
}

static void complete(struct refer *r, uint16_t refer_status,
		     uint16_t final_status)
{
	if (r->done)
		return;
	r->done = true;
	if (r->call->refer == r)
		call_refer_done(r->call, refer_status, final_status);
}

static void notify_timeout(void *arg)
{
	struct refer *r = arg;

	simlog(LOG_WARN, sid(r), "REFER accepted (%u) but no final NOTIFY "
	       "within %u ms", r->refer_status, r->notify_timeout_ms);
	settle(r);
	complete(r, r->refer_status, 0);
}

static int auth_handler(char **user, char **pass, const char *realm,
			void *arg)
{
	const struct sim_conf *conf = arg;
	(void)realm;

	return str_dup(user, conf->auth_user) | str_dup(pass, conf->auth_pass);
}

static void response_handler(int err, const struct sip_msg *msg, void *arg);

/* No final response: the verb reports 408 (spec), as for Timer F. */
static void no_response(struct refer *r, int err)
{
	simlog(LOG_WARN, sid(r), "REFER: no final response (%m): reported as "
	       "408", err);
	r->answered = true;
	r->refer_status = 408;
	settle(r);
	complete(r, 408, 0);
}

/* --refer-timeout: our Timer F, for a smaller T1 than libre's compiled-in
 * 500 ms (RFC 3261 §17.1.1.1 allows one in closed networks). Dropping
 * the request unhooks its response handler; libre 1.1.0 cannot end a
 * non-INVITE client transaction early (a cancel before any provisional
 * only marks it), so it retransmits until its own Timer F or our exit. */
static void refer_timeout(void *arg)
{
	struct refer *r = arg;

	r->req = mem_deref(r->req);
	no_response(r, ETIMEDOUT);
}

static int send_refer(struct refer *r)
{
	struct call *call = r->call;
	uint32_t timeout = call->sim->conf->refer_timeout_ms;
	struct sip_contact contact;
	bool supported = !r->supported_given;
	int err;

	sip_contact_set(&contact, CALL_CONTACT_USER, &call->laddr, call->tp);
	/* the CSeq sip_drequestf is about to use: NOTIFYs name it in
	 * Event: refer;id= (RFC 3515 §2.4.6) */
	r->cseq = sip_dialog_lseq(call->dlg);
	err = sip_drequestf(&r->req, call->sim->sip, true, "REFER",
			     call->dlg, 0, r->auth, NULL, response_handler, r,
			     "%H"
			     "Refer-To: %s\r\n"
			     "Referred-By: %s\r\n"
			     "%s"
			     "%s"
			     "Content-Length: 0\r\n"
			     "\r\n",
			     sip_contact_print, &contact, r->refer_to,
			     r->referred_by,
			     supported ? "Supported: norefersub\r\n" : "",
			     r->headers ? r->headers : "");
	/* a new transaction (again after a challenge): a new Timer F */
	if (err || !timeout)
		return err;
	if (tmrq_start(&r->tmr, call->sim->tq, timeout, refer_timeout, r))
		simlog(LOG_ERROR, sid(r), "--refer-timeout timer: out of "
		       "memory: libre's Timer F (32 s) applies");
	return 0;
}

static void accepted(struct refer *r, const struct sip_msg *msg)
{
	bool norefersub = sip_msg_xhdr_has_value(msg, "Refer-Sub", "false");
	int err;

	r->accepted = true;
	if (msg->scode != 202)
		simlog(LOG_WARN, sid(r), "REFER accepted with %u %r rather "
		       "than 202 (any 2xx accepts: RFC 7647 §5)", msg->scode,
		       &msg->reason);
	if (norefersub && !r->asked_norefersub)
		simlog(LOG_WARN, sid(r), "Refer-Sub: false in the %u although "
		       "the REFER did not ask for it (RFC 4488 §4): no NOTIFY "
		       "awaited", msg->scode);
	if (norefersub || r->final_status) {
		settle(r);
		complete(r, r->refer_status, r->final_status);
		return;
	}
	err = tmrq_start(&r->tmr, r->call->sim->tq, r->notify_timeout_ms,
			 notify_timeout, r);
	if (err) {
		simlog(LOG_ERROR, sid(r), "notifyTimeout timer: %m", err);
		notify_timeout(r);
		return;
	}
	/* the call may be gone already: the verb completes with what is
	 * known, the subscription still runs (spec §4.4) */
	if (r->call->state == CALL_ENDED)
		complete(r, r->refer_status, 0);
}

static void response_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct refer *r = arg;

	if (!err && msg && msg->scode < 200)
		return;
	tmrq_cancel(&r->tmr);
	if (err || !msg) {
		no_response(r, err);
		return;
	}
	simlog(LOG_INFO, sid(r), "REFER answered %u %r", msg->scode,
	       &msg->reason);
	if ((msg->scode == 401 || msg->scode == 407) && r->auth &&
	    !r->challenged) {
		r->challenged = true;
		err = sip_auth_authenticate(r->auth, msg);
		if (!err)
			err = send_refer(r);
		if (!err)
			return;
		simlog(LOG_ERROR, sid(r), "answering the %u challenge: %m",
		       msg->scode, err);
	}
	r->answered = true;
	r->refer_status = msg->scode;
	if (msg->scode < 300) {
		accepted(r, msg);
		return;
	}
	settle(r);
	complete(r, msg->scode, 0);
}

static int wire_values(struct refer *r, const struct verb *v)
{
	const struct call_info *ci = &r->call->ci;
	const char *host = r->call->remote_host;
	int err;

	err = referuri_refer_to(&r->refer_to, v->refer_to, host);
	if (err)
		return err;
	if (v->referred_by)
		return referuri_referred_by(&r->referred_by, v->referred_by,
					    v->referred_by_name, host);
	/* the party being transferred: the calling number, else our URI */
	if (ci->from && *ci->from)
		return referuri_referred_by(&r->referred_by, ci->from,
					    v->referred_by_name, host);
	return re_sdprintf(&r->referred_by, "<%s>", r->call->local_uri);
}

int refer_start(struct refer **rp, struct call *call, const struct verb *v)
{
	struct sim *sim = call->sim;
	struct refer *r;
	int err;

	if (!rp || !call->dlg)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), destructor);
	if (!r)
		return ENOMEM;
	r->call = mem_ref(call);
	r->event_hook = mem_ref(v->event_hook);
	r->notify_timeout_ms = v->notify_timeout_ms;
	r->asked_norefersub = v->refer_sub_false;
	r->supported_given = v->has_supported;
	err = wire_values(r, v);
	if (!err && v->headers)
		err = str_dup(&r->headers, v->headers);
	if (!err && sim->conf->auth_user)
		err = sip_auth_alloc(&r->auth, auth_handler,
				     (void *)sim->conf, false);
	if (err)
		goto out;
	err = send_refer(r);
	if (err)
		goto out;
	r->cseq_first = r->cseq;
	hash_append(sim->subs, hash_joaat_str(sip_dialog_callid(call->dlg)),
		    &r->he, r);
	simlog(LOG_INFO, sid(r), "REFER (CSeq %u) Refer-To: %s, Referred-By: "
	       "%s", r->cseq, r->refer_to, r->referred_by);
 out:
	if (err)
		mem_deref(r);
	else
		*rp = r;
	return err;
}

void refer_call_ended(struct refer *r)
{
	if (r && r->accepted)
		complete(r, r->refer_status, r->final_status);
}

static void event_done(int err, uint16_t status, const char *body, void *arg)
{
	struct call *call = arg;
	char why[128];

	if (err || status < 200 || status > 299)
		simlog(LOG_WARN, call->ci.call_sid, "eventHook failed: %s",
		       hook_failure(why, sizeof(why), err, status, body));
	mem_deref(call);
}

static void event_hook(struct refer *r, uint16_t scode)
{
	struct sim *sim = r->call->sim;
	cJSON *payload;
	int err;

	if (!r->event_hook)
		return;
	/* In order with the call's other hooks (the actionHook too): the
	 * reference keeps the call, the order key, alive until it is sent. */
	payload = hook_payload_event(sim->conf->dialect, scode);
	err = payload ? hook_send_ordered(sim->hooks, r->event_hook,
					  sim_hook_base(sim), payload,
					  event_done, mem_ref(r->call), r->call)
		: ENOMEM;
	cJSON_Delete(payload);
	if (err && payload)
		mem_deref(r->call);
	if (err)
		simlog(LOG_ERROR, sid(r), "eventHook: %m", err);
}

/* The Event header of a NOTIFY: its type and its id parameter. */
struct event {
	bool present;
	struct pl type;
	struct pl id;
};

static void event_decode(struct event *ev, const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_EVENT);
	struct pl params = PL_INIT;
	const char *semi;

	memset(ev, 0, sizeof(*ev));
	if (!hdr)
		return;
	ev->present = true;
	ev->type = hdr->val;
	semi = pl_strchr(&hdr->val, ';');
	if (semi) {
		ev->type.l = (size_t)(semi - hdr->val.p);
		params.p = semi;
		params.l = hdr->val.l - ev->type.l;
		(void)msg_param_decode(&params, "id", &ev->id);
	}
	while (ev->type.l && (ev->type.p[ev->type.l - 1] == ' ' ||
			      ev->type.p[ev->type.l - 1] == '\t'))
		--ev->type.l;
}

/* The subscription a NOTIFY belongs to: same dialog, and the REFER its
 * Event id names. Without an id, the first REFER still running (RFC 3515
 * §2.4.6 lets the first subscription omit it), else the first one. */
static struct refer *subscription_find(struct sim *sim,
				       const struct sip_msg *msg,
				       const struct event *ev)
{
	struct list *l = hash_list(sim->subs, hash_joaat_pl(&msg->callid));
	struct refer *first = NULL, *running = NULL, *r;
	uint32_t id = pl_u32(&ev->id);
	struct le *le;

	for (le = list_head(l); le; le = le->next) {
		r = le->data;
		if (!sip_dialog_cmp(r->call->dlg, msg))
			continue;
		if (pl_isset(&ev->id)) {
			if (r->cseq == id || r->cseq_first == id)
				return r;
			continue;
		}
		if (!first)
			first = r;
		if (!running && !r->settled)
			running = r;
	}
	return running ? running : first;
}

/* The sipfrag status of a NOTIFY, 0 when it has none; leniencies are
 * reported. */
static uint16_t notify_status(const struct refer *r,
			      const struct sip_msg *msg)
{
	static const struct {
		unsigned bit;
		const char *what;
	} leniencies[] = {
		{SIPFRAG_LEADING_SPACE, "blank lines or spaces before the "
		 "status line"},
		{SIPFRAG_VERSION_CASE,  "version not in upper case"},
		{SIPFRAG_NO_REASON,     "status line without reason phrase"},
		{SIPFRAG_NO_CRLF,       "status line not ended by CRLF"},
	};
	struct sipfrag_status st;
	size_t i;
	size_t len = mbuf_get_left(msg->mb);

	if (!len) {
		simlog(LOG_WARN, sid(r), "NOTIFY without a body: no status");
		return 0;
	}
	if (!pl_isset(&msg->ctyp.type))
		simlog(LOG_WARN, sid(r), "NOTIFY without Content-Type: read "
		       "as message/sipfrag");
	else if (!sipfrag_is_content_type(&msg->ctyp.type,
					  &msg->ctyp.subtype)) {
		simlog(LOG_WARN, sid(r), "NOTIFY with Content-Type %r/%r: "
		       "not message/sipfrag, no status", &msg->ctyp.type,
		       &msg->ctyp.subtype);
		return 0;
	}
	if (sipfrag_status_decode(&st, (const char *)mbuf_buf(msg->mb),
				  len)) {
		simlog(LOG_WARN, sid(r), "NOTIFY body is not a sipfrag status "
		       "line: no status");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(leniencies); i++) {
		if (st.leniency & leniencies[i].bit)
			simlog(LOG_WARN, sid(r), "sipfrag: %s (accepted)",
			       leniencies[i].what);
	}
	return st.scode;
}

static bool subscription_terminated(const struct refer *r,
				    const struct sip_msg *msg)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg,
						SIP_HDR_SUBSCRIPTION_STATE);

	if (!hdr) {
		simlog(LOG_WARN, sid(r), "NOTIFY without Subscription-State "
		       "(accepted)");
		return false;
	}
	return hdr->val.l >= 10 && !strncasecmp(hdr->val.p, "terminated", 10);
}

/* Our NOTIFY answers are stateless, and retransmissions are absorbed
 * here. A libre server transaction would keep each answered NOTIFY for
 * 64*T1 = 32 s over UDP (Timer J) in libre 1.1.0's one sorted timer list,
 * three per transfer: most of that list, walked by every timer started
 * (tmrq.h). RFC 3261 §17.2.2 asks only that a retransmission (same
 * branch and CSeq) get the same response again and not reach the
 * application twice; the refer lingers as long as Timer J would, so it
 * remembers the last NOTIFY it answered and repeats the answer, always
 * 200 for a subscription it knows. */
static bool notify_retransmitted(struct refer *r, const struct sip_msg *msg)
{
	if (!r->notify_branch || msg->cseq.num != r->notify_cseq ||
	    pl_strcmp(&msg->via.branch, r->notify_branch))
		return false;
	(void)sip_reply(r->call->sim->sip, msg, 200, "OK");
	return true;
}

static void notify_answer(struct refer *r, const struct sip_msg *msg)
{
	r->notify_branch = mem_deref(r->notify_branch);
	if (pl_strdup(&r->notify_branch, &msg->via.branch))
		/* no branch (an RFC 2543 peer) or no memory: a libre
		 * transaction absorbs the retransmissions */
		(void)sip_treply(NULL, r->call->sim->sip, msg, 200, "OK");
	else
		(void)sip_reply(r->call->sim->sip, msg, 200, "OK");
}

static void notify_handle(struct refer *r, const struct sip_msg *msg,
			  const struct event *ev)
{
	struct sim *sim = r->call->sim;
	uint16_t scode;
	bool terminated;

	if (r->notified && notify_retransmitted(r, msg))
		return;
	if (r->notified && msg->cseq.num <= r->notify_cseq) {
		/* a new transaction (new branch): libre absorbs its own
		 * retransmissions, rare enough to keep its Timer J */
		(void)sip_treply(NULL, sim->sip, msg, 200, "OK");
		simlog(LOG_WARN, sid(r), "duplicate NOTIFY (CSeq %u): answered, "
		       "not reported again", msg->cseq.num);
		return;
	}
	r->notified = true;
	r->notify_cseq = msg->cseq.num;
	if (!ev->present)
		simlog(LOG_WARN, sid(r), "NOTIFY without Event (accepted)");
	terminated = subscription_terminated(r, msg);
	scode = notify_status(r, msg);
	notify_answer(r, msg);
	simlog(LOG_INFO, sid(r), "NOTIFY (CSeq %u) status %u%s%s",
	       msg->cseq.num, scode, !r->answered ? ", before the answer to "
	       "the REFER" : "", r->done ? ", after the verb completed" : "");
	if (scode)
		event_hook(r, scode);
	if (scode >= 200 && !r->final_status)
		r->final_status = scode;
	if (!r->accepted || r->settled)
		return;
	if (r->final_status || terminated) {
		settle(r);
		complete(r, r->refer_status, r->final_status);
	}
}

void refer_notify(struct sim *sim, const struct sip_msg *msg)
{
	struct event ev;
	struct refer *r;

	event_decode(&ev, msg);
	if (ev.present && pl_strcasecmp(&ev.type, "refer")) {
		(void)sip_treply(NULL, sim->sip, msg, 489, "Bad Event");
		simlog(LOG_WARN, NULL, "NOTIFY for event '%r' from %J: 489",
		       &ev.type, &msg->src);
		return;
	}
	r = subscription_find(sim, msg, &ev);
	if (!r) {
		(void)sip_treply(NULL, sim->sip, msg, 481,
				 "Subscription Does Not Exist");
		simlog(LOG_WARN, NULL, "NOTIFY (Call-ID %r, Event id '%r') "
		       "matches no REFER: 481", &msg->callid, &ev.id);
		return;
	}
	notify_handle(r, msg, &ev);
}
