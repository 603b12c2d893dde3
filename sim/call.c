/**
 * @file call.c  One call: its INVITE session, its application, its state
 */
#include <stdarg.h>
#include <string.h>
#include "call.h"
#include "log.h"
#include "refer.h"
#include "sdpoffer.h"
#include "sim.h"
#include "verb.h"

#define ALLOW "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY\r\n"

static void app_next(struct call *call);

static void destructor(void *arg)
{
	struct call *call = arg;

	tmrq_cancel(&call->tmr);
	list_unlink(&call->le);
	mem_deref(call->sess);
	mem_deref(call->dlg);
	mem_deref(call->app);
	mem_deref(call->remote_host);
	mem_deref(call->local_uri);
	mem_deref(call->ci.from);
	mem_deref(call->ci.to);
	mem_deref(call->ci.caller_name);
	mem_deref(call->ci.call_id);
	mem_deref(call->ci.sip_reason);
}

/* A version 4 UUID (RFC 4122 §4.4) from libre's random source. */
static void uuid_make(char out[37])
{
	uint8_t b[16];
	size_t i;
	char *p = out;

	rand_bytes(b, sizeof(b));   /* one call into the CSPRNG, not 4 */
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = "0123456789abcdef"[b[i] >> 4];
		*p++ = "0123456789abcdef"[b[i] & 0x0f];
	}
	*p = '\0';
}

static int call_alloc(struct call **callp, struct sim *sim,
		      const char *direction)
{
	struct call *call = mem_zalloc(sizeof(*call), destructor);

	if (!call)
		return ENOMEM;
	call->sim = sim;
	uuid_make(call->ci.call_sid);
	call->ci.direction = direction;
	call->ci.call_status = "trying";
	call->ci.account_sid = sim->conf->account_sid;
	call->ci.application_sid = sim->conf->application_sid;
	call->ci.fs_sip_address = sim->fs_sip_address;
	/* RFC 4566 §5.2: <sess-id> with our address must name this session
	 * alone, and stay the same in every SDP of the call (RFC 3264 §8,
	 * the version too while the SDP is unchanged). Random, as numbers
	 * of 62 bits: no two calls share one in practice, and every parser
	 * reads it as a signed 64-bit number. */
	call->sdp_sess_id = rand_u64() >> 2;
	list_append(&sim->calls, &call->le, call);
	++sim->started;
	*callp = call;
	return 0;
}

/* A session description good for an offer and for an answer: one PCMU
 * audio stream on the sim's media socket for the call's address. No RTP
 * flows; the far end only needs a valid SDP. */
static int sdp_make(struct mbuf **mbp, const struct call *call)
{
	struct mbuf *mb;
	bool v6 = sa_af(&call->laddr) == AF_INET6;
	uint16_t media;
	int err;

	err = sim_media_port(call->sim, &call->laddr, &media);
	if (err)
		return err;
	mb = mbuf_alloc(256);
	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "v=0\r\n"
			  "o=referlab %llu 1 IN %s %j\r\n"
			  "s=referlab\r\n"
			  "c=IN %s %j\r\n"
			  "t=0 0\r\n"
			  "m=audio %u RTP/AVP 0\r\n"
			  "a=rtpmap:0 PCMU/8000\r\n"
			  "a=sendrecv\r\n",
			  (unsigned long long)call->sdp_sess_id,
			  v6 ? "IP6" : "IP4",
			  &call->laddr, v6 ? "IP6" : "IP4", &call->laddr,
			  media);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	(void)msg;
	return sdp_make(descp, arg);   /* re-INVITE: the same session */
}

static int answer_handler(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;
}

static int auth_handler(char **user, char **pass, const char *realm,
			void *arg)
{
	const struct sim *sim = arg;
	(void)realm;

	if (!sim->conf->auth_user)
		return EAUTH;
	return str_dup(user, sim->conf->auth_user) |
		str_dup(pass, sim->conf->auth_pass);
}

/* The call is over for its INVITE session; a REFER subscription may keep
 * the call object (not the session) alive a little longer. */
static void call_end(struct call *call, uint16_t scode, const char *why)
{
	if (call->state == CALL_ENDED)
		return;
	simlog(LOG_INFO, call->ci.call_sid, "call ended: %s", why);
	if (scode && call->state != CALL_UP)
		call->ci.sip_status = scode;   /* the INVITE's final answer */
	call->state = CALL_ENDED;
	call->ci.call_status = "completed";
	tmrq_cancel(&call->tmr);
	call->sess = mem_deref(call->sess);
	++call->sim->ended;
	if (call->refer)
		refer_call_ended(call->refer);
	list_unlink(&call->le);
	sim_check_exit(call->sim);
	mem_deref(call);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	char why[64];

	if (msg)
		re_snprintf(why, sizeof(why), "%u %r", msg->scode,
			    &msg->reason);
	else if (err == ECONNRESET)
		re_snprintf(why, sizeof(why), "the far end hung up (%s)",
			    call->state == CALL_UP ? "BYE" : "CANCEL");
	else
		re_snprintf(why, sizeof(why), "%m", err);
	call_end(call, msg ? msg->scode : 0, why);
}

static void set_up(struct call *call)
{
	call->state = CALL_UP;
	call->ci.call_status = "in-progress";
	call->ci.sip_status = 200;
	call->ci.sip_reason = mem_deref(call->ci.sip_reason);
	(void)str_dup(&call->ci.sip_reason, "OK");
	simlog(LOG_INFO, call->ci.call_sid, "call up (%s, Call-ID %s)",
	       call->ci.direction, call->ci.call_id);
}

static void estab_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	(void)msg;

	set_up(call);
	if (call->app)
		app_next(call);
}

/* host of the Contact (the far end's target), else of fallback */
static int remote_host_set(struct call *call, const struct sip_msg *msg,
			   const struct uri *fallback)
{
	const struct sip_hdr *hdr = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_addr addr;

	call->remote_host = mem_deref(call->remote_host);
	if (hdr && !sip_addr_decode(&addr, &hdr->val) && pl_isset(&addr.uri.host))
		return re_sdprintf(&call->remote_host, "%s%r%s",
				   addr.uri.af == AF_INET6 ? "[" : "",
				   &addr.uri.host,
				   addr.uri.af == AF_INET6 ? "]" : "");
	return re_sdprintf(&call->remote_host, "%s%r%s",
			   fallback->af == AF_INET6 ? "[" : "",
			   &fallback->host,
			   fallback->af == AF_INET6 ? "]" : "");
}

/* pl_strdup() refuses an unset pl (EINVAL): a From without a display
 * name, or a URI without a user part, is an empty string in call info. */
static int str_from_pl(char **dst, const struct pl *pl)
{
	return pl_isset(pl) ? pl_strdup(dst, pl) : str_dup(dst, "");
}

static int info_from_invite(struct call *call, const struct sip_msg *msg)
{
	int err;

	err  = str_from_pl(&call->ci.from, &msg->from.uri.user);
	err |= str_from_pl(&call->ci.to, &msg->to.uri.user);
	err |= str_from_pl(&call->ci.caller_name, &msg->from.dname);
	err |= pl_strdup(&call->ci.call_id, &msg->callid);
	err |= pl_strdup(&call->local_uri, &msg->to.auri);
	err |= remote_host_set(call, msg, &msg->from.uri);
	return err;
}

static int answer(struct call *call)
{
	struct mbuf *sdp = NULL;
	int err;

	err = sdp_make(&sdp, call);
	if (!err)
		err = sipsess_answer(call->sess, 200, "OK", sdp, ALLOW);
	mem_deref(sdp);
	return err;
}

static void reject(struct call *call, uint16_t scode, const char *reason)
{
	(void)sipsess_reject(call->sess, scode, reason, NULL);
	call_end(call, scode, reason);
}

/* The application to run, from a hook's answer; NULL on error (logged). */
static struct verb_app *app_from_body(struct call *call, const char *body,
				      const char *hook)
{
	struct verb_app *app = NULL;
	struct verb_diag diag;

	if (verb_app_parse(&app, body, strlen(body), &diag)) {
		simlog(LOG_ERROR, call->ci.call_sid, "%s answer: %s", hook,
		       diag.err);
		return NULL;
	}
	if (diag.warn[0])
		simlog(LOG_WARN, call->ci.call_sid, "%s answer: %s", hook,
		       diag.warn);
	return app;
}

static void call_hook_done(int err, uint16_t status, const char *body,
			   void *arg)
{
	struct call *call = arg;
	bool ringing = call->state == CALL_RINGING;
	char why[128];

	if (call->state == CALL_ENDED || err == ECANCELED)
		goto out;
	if (err || status < 200 || status > 299 || !body) {
		simlog(LOG_ERROR, call->ci.call_sid, "call hook failed: %s",
		       hook_failure(why, sizeof(why), err, status, body));
		goto fail;
	}
	call->app = app_from_body(call, body, "call hook");
	if (!call->app)
		goto fail;
	call->next = call->app->verbs.head;
	if (!ringing) {
		app_next(call);
		goto out;
	}
	err = answer(call);
	if (!err)
		goto out;
	simlog(LOG_ERROR, call->ci.call_sid, "answer: %m", err);
 fail:
	if (ringing)
		reject(call, 480, "Temporarily Unavailable");
	else
		call_hangup(call, NULL);
 out:
	mem_deref(call);
}

/* Sends payload (taken over) to t; doneh gets a reference to the call,
 * so the call outlives its hooks whatever happens to its session. A
 * call's hooks are delivered in order (hook_send_ordered()); doneh gets
 * ECANCELED only when the sim leaves with the hook still pending. */
static int hook_for_call(struct call *call, const struct hook_target *t,
			 const char *base, cJSON *payload, hook_done_h *doneh)
{
	int err;

	if (!payload)
		return ENOMEM;
	err = hook_send_ordered(call->sim->hooks, t, base, payload, doneh,
				mem_ref(call), call);
	if (err)
		mem_deref(call);
	cJSON_Delete(payload);
	return err;
}

static int post_call_hook(struct call *call, const struct sip_msg *invite)
{
	struct sim *sim = call->sim;

	return hook_for_call(call, sim->call_hook, NULL,
			     hook_payload_call(&call->ci, sim->conf->dialect,
					       invite), call_hook_done);
}

/* An SDP offer the sim cannot answer: 488 with a Warning saying why
 * (RFC 3261 sections 21.4.26, 20.43), before any call or hook exists. */
static bool offer_refused(struct sim *sim, const struct sip_msg *msg)
{
	struct pl sdp;
	char why[96];

	if (!mbuf_get_left(msg->mb) ||
	    !msg_ctype_cmp(&msg->ctyp, "application", "sdp"))
		return false;
	sdp.p = (const char *)mbuf_buf(msg->mb);
	sdp.l = mbuf_get_left(msg->mb);
	if (!sdpoffer_check(&sdp, why, sizeof(why)))
		return false;
	simlog(LOG_WARN, NULL, "INVITE from %J (Call-ID %r): its SDP offer "
	       "is unusable, %s: 488", &msg->src, &msg->callid, why);
	(void)sip_treplyf(NULL, NULL, sim->sip, msg, false, 488,
			  "Not Acceptable Here",
			  "Warning: 399 referlab-sim \"SDP offer unusable: "
			  "%s\"\r\n"
			  "Content-Length: 0\r\n"
			  "\r\n", why);
	return true;
}

int call_accept(struct sim *sim, const struct sip_msg *msg)
{
	struct call *call;
	int err;

	/* Without Contact there is no dialog to build (RFC 3261 §8.1.1.8);
	 * libre's sipsess_accept() would fail with EINVAL, a 500. */
	if (!sip_msg_hdr(msg, SIP_HDR_CONTACT)) {
		simlog(LOG_WARN, NULL, "INVITE from %J (Call-ID %r) has no "
		       "Contact: 400", &msg->src, &msg->callid);
		(void)sip_treply(NULL, sim->sip, msg, 400,
				 "Missing Contact Header");
		return 0;
	}
	if (offer_refused(sim, msg))
		return 0;
	err = call_alloc(&call, sim, "inbound");
	if (err)
		return err;
	call->laddr = msg->dst;
	call->tp = msg->tp;
	call->offer_received = mbuf_get_left(msg->mb) > 0;
	err = info_from_invite(call, msg);
	if (err)
		goto out;
	err = sipsess_accept(&call->sess, sim->sock, msg, 180, "Ringing",
			     CALL_CONTACT_USER, "application/sdp", NULL, auth_handler,
			     sim, false, offer_handler, answer_handler,
			     estab_handler, NULL, NULL, close_handler, call,
			     ALLOW);
	if (err)
		goto out;
	call->dlg = mem_ref(sipsess_dialog(call->sess));
	/* what the call hook reports is what went on the wire: 180 */
	call->state = CALL_RINGING;
	call->ci.call_status = "ringing";
	call->ci.sip_status = 180;
	err = str_dup(&call->ci.sip_reason, "Ringing");
	if (err)
		goto out;
	simlog(LOG_INFO, call->ci.call_sid, "INVITE from %J (Call-ID %r)",
	       &msg->src, &msg->callid);

	if (sim->app) {
		call->app = mem_ref(sim->app);
		call->next = call->app->verbs.head;
		err = answer(call);
	}
	else {
		err = post_call_hook(call, msg);
	}
 out:
	if (err) {
		simlog(LOG_ERROR, call->ci.call_sid, "accepting the call: %m",
		       err);
		if (call->sess)
			reject(call, 500, "Server Internal Error");
		else {
			(void)sip_treply(NULL, sim->sip, msg, 500,
					 "Server Internal Error");
			call_end(call, 500, "not accepted");
		}
	}
	return 0;
}

static void dial_estab_handler(const struct sip_msg *msg, void *arg)
{
	struct call *call = arg;
	int err;

	call->laddr = msg->dst;
	call->dlg = mem_ref(sipsess_dialog(call->sess));
	err = remote_host_set(call, msg, &msg->to.uri);
	set_up(call);
	if (!err && !call->app)
		err = post_call_hook(call, NULL);
	if (err)
		call_verb_error(call, "starting the application: %m", err);
	else if (call->app)
		app_next(call);
}

/* Where --dial goes and over what: the URI's transport parameter, else
 * UDP when we listen on UDP for that address family, else TCP (then the
 * parameter is added, for libre picks the transport from the URI). */
static int dial_target(struct call *call, const char *uri, struct sa *dst,
		       char **ruri)
{
	struct pl pl, tpl;
	struct uri u;
	bool has_tp;

	pl_set_str(&pl, uri);
	if (uri_decode(&u, &pl))
		return EINVAL;
	has_tp = !msg_param_decode(&u.params, "transport", &tpl);
	call->tp = has_tp && !pl_strcasecmp(&tpl, "tcp") ? SIP_TRANSP_TCP
							 : SIP_TRANSP_UDP;
	/* referlab runs on loopback addresses: no DNS */
	if (sa_set(dst, &u.host, u.port ? u.port : 5060))
		return EINVAL;
	if (!has_tp && sip_transp_laddr(call->sim->sip, &call->laddr,
					SIP_TRANSP_UDP, dst)) {
		call->tp = SIP_TRANSP_TCP;
		return re_sdprintf(ruri, "%s;transport=tcp", uri);
	}
	return str_dup(ruri, uri);
}

int call_dial(struct sim *sim, const char *uri)
{
	struct mbuf *sdp = NULL;
	struct call *call;
	char *ruri = NULL;
	struct sa dst;
	struct pl user;
	int err;

	err = call_alloc(&call, sim, "outbound");
	if (err)
		return err;
	err = dial_target(call, uri, &dst, &ruri);
	if (err == ENOMEM)
		goto out;
	if (err) {
		simlog(LOG_ERROR, call->ci.call_sid, "--dial %s: the host must "
		       "be an IP address", uri);
		goto out;
	}
	err = sip_transp_laddr(sim->sip, &call->laddr, call->tp, &dst);
	if (err) {
		simlog(LOG_ERROR, call->ci.call_sid, "--dial %s: no --sip "
		       "address of that transport and family", uri);
		goto out;
	}
	pl_set_str(&user, uri + 4);
	user.l = strcspn(uri + 4, "@;>");
	err  = str_dup(&call->ci.from, CALL_CONTACT_USER);
	err |= pl_strdup(&call->ci.to, &user);
	err |= re_sdprintf(&call->local_uri, "sip:%s@%J", CALL_CONTACT_USER,
			    &call->laddr);
	err |= sdp_make(&sdp, call);
	if (err)
		goto out;
	err = sipsess_connect(&call->sess, sim->sock, ruri, NULL,
			      call->local_uri, CALL_CONTACT_USER, NULL, 0,
			      "application/sdp", sdp, auth_handler, sim, false,
			      offer_handler, answer_handler, NULL,
			      dial_estab_handler, NULL, NULL, close_handler,
			      call, ALLOW);
	if (err)
		goto out;
	err = str_dup(&call->ci.call_id,
		      sip_dialog_callid(sipsess_dialog(call->sess)));
	if (sim->app) {
		call->app = mem_ref(sim->app);
		call->next = call->app->verbs.head;
	}
	simlog(LOG_INFO, call->ci.call_sid, "dialling %s", ruri);
 out:
	mem_deref(ruri);
	mem_deref(sdp);
	if (err)
		call_end(call, 0, "could not dial");
	return err;
}

static void pause_done(void *arg)
{
	struct call *call = arg;

	call->verb = NULL;
	app_next(call);
}

static void app_next(struct call *call)
{
	const struct verb *v;
	int err;

	if (call->state != CALL_UP)
		return;
	if (!call->next) {
		simlog(LOG_INFO, call->ci.call_sid, "no verb left: hanging up");
		call_hangup(call, NULL);
		return;
	}
	v = call->next->data;
	call->next = call->next->next;
	call->verb = v;
	simlog(LOG_INFO, call->ci.call_sid, "verb %u: %s", v->index,
	       verb_name(v->kind));

	switch (v->kind) {

	case VERB_PAUSE:
		err = tmrq_start(&call->tmr, call->sim->tq, v->pause_ms,
				 pause_done, call);
		if (err)
			call_verb_error(call, "verb %u (pause): %m", v->index,
					err);
		break;

	case VERB_HANGUP:
		call_hangup(call, v->headers);
		break;

	case VERB_SIP_REFER:
		err = refer_start(&call->refer, call, v);
		if (err)
			call_verb_error(call, "verb %u (sip:refer): the REFER "
					"could not be sent: %m", v->index,
					err);
		break;
	}
}

void call_hangup(struct call *call, const char *headers)
{
	if (!call || call->state == CALL_ENDED)
		return;
	if (call->state == CALL_RINGING) {
		reject(call, 480, "Temporarily Unavailable");
		return;
	}
	if (headers && call->sess)
		(void)sipsess_set_close_headers(call->sess, "%s", headers);
	call_end(call, 0, "hung up by the application");
}

void call_verb_error(struct call *call, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	simlog(LOG_ERROR, call->ci.call_sid, "%s: hanging up", msg);
	call->verb = NULL;
	call_hangup(call, NULL);
}

static bool blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

/* Verbs returned by the actionHook replace the rest of the application
 * (spec §4); an empty answer lets it go on. */
static void action_done(int err, uint16_t status, const char *body,
			void *arg)
{
	struct call *call = arg;
	struct verb_app *app;
	char why[128];

	if (err == ECANCELED)   /* the sim is leaving: nothing runs on */
		goto out;
	call->verb = NULL;
	if (err || status < 200 || status > 299)
		simlog(LOG_WARN, call->ci.call_sid, "actionHook failed: %s: "
		       "the application goes on",
		       hook_failure(why, sizeof(why), err, status, body));
	else if (blank(body))
		;
	else if (call->state != CALL_UP)
		simlog(LOG_INFO, call->ci.call_sid, "actionHook answered "
		       "verbs after the call ended: not run");
	else {
		app = app_from_body(call, body, "actionHook");
		if (!app) {
			call_hangup(call, NULL);
			goto out;
		}
		mem_deref(call->app);
		call->app = app;
		call->next = app->verbs.head;
	}
	app_next(call);
 out:
	mem_deref(call);
}

void call_refer_done(struct call *call, uint16_t refer_status,
		     uint16_t final_status)
{
	const struct verb *v = call->verb;
	struct sim *sim = call->sim;
	int err;

	call->refer = NULL;
	simlog(LOG_INFO, call->ci.call_sid, "sip:refer completed: referStatus "
	       "%u, final_referred_call_status %u", refer_status,
	       final_status);
	if (!v || !v->action_hook) {
		call->verb = NULL;
		app_next(call);
		return;
	}
	err = hook_for_call(call, v->action_hook, sim_hook_base(sim),
			    hook_payload_action(&call->ci, sim->conf->dialect,
						refer_status, final_status),
			    action_done);
	if (err) {
		simlog(LOG_ERROR, call->ci.call_sid, "actionHook: %m", err);
		call->verb = NULL;
		app_next(call);
	}
}
