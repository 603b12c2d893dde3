/**
 * @file sim.c  The simulator: one SIP stack, one hook client, many calls
 */
#include <stdio.h>
#include <string.h>
#include "call.h"
#include "log.h"
#include "pcapw.h"
#include "refer.h"
#include "sim.h"
#include "verb.h"

enum {
	/* lookups stay short with thousands of calls and transactions */
	HASH_SIZE        = 1024,
	EXIT_POLL_MS     = 50,
	/* --exit-after-calls waits for hooks, which end by their own
	 * timeouts and retry limits; this is only the last resort */
	EXIT_DEADLINE_MS = 120000,
	/* after the last event, let the answers to our BYEs come in */
	EXIT_GRACE_MS    = 200,
	/* capped by net.core.rmem_max / wmem_max (4 MiB on Debian) */
	UDP_SOCKBUF      = 4 << 20,
};

static void destructor(void *arg)
{
	struct sim *sim = arg;

	tmr_cancel(&sim->tmr_exit);
	tmr_cancel(&sim->tmr_deadline);
	/* Leaving at a deadline: hooks still pending hold their calls */
	(void)hookcli_abort(sim->hooks);
	hash_flush(sim->subs);
	mem_deref(sim->subs);
	list_flush(&sim->calls);
	mem_deref(sim->lsnr);
	mem_deref(sim->framing);
	mem_deref(sim->sock);
	mem_deref(sim->hooks);
	mem_deref(sim->call_hook);
	mem_deref(sim->app);
	sip_close(sim->sip, true);
	mem_deref(sim->sip);
	mem_deref(sim->trace);
	mem_deref(sim->fs_sip_address);
	mem_deref(sim->tq);
	while (sim->mediac)
		mem_deref(sim->media[--sim->mediac].us);
}

static void trace_handler(bool tx, enum sip_transp tp, const struct sa *src,
			  const struct sa *dst, const uint8_t *pkt, size_t len,
			  void *arg)
{
	struct sim *sim = arg;
	int err;
	(void)tx;

	if (!sim->trace)
		return;
	err = pcapw_write(sim->trace, 0, tp == SIP_TRANSP_UDP ? PCAPW_UDP
			  : PCAPW_TCP, src, dst, pkt, len);
	if (err)
		simlog(LOG_ERROR, NULL, "--trace %s: %m", sim->conf->trace,
		       err);
}

static void reply_options(struct sim *sim, const struct sip_msg *msg)
{
	(void)sip_treplyf(NULL, NULL, sim->sip, msg, false, 200, "OK",
			  "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY\r\n"
			  "Accept: application/sdp, message/sipfrag\r\n"
			  "Supported: norefersub\r\n"
			  "Content-Length: 0\r\n"
			  "\r\n");
}

/* libre leaves a UDP socket's buffers at the system default (~208 KiB):
 * some 20 ms of datagrams at 1000 transfers/s, so any longer pause of the
 * loop (a walk of libre's timer list) dropped some, which came back as
 * retransmissions and failed calls (bench/rate.sh; RcvbufErrors in
 * /proc/net/snmp). libre makes the socket inside sip_transp_add(); the
 * first request that arrives on it hands it to us (msg->sock). */
static void udp_tune(struct sim *sim, const struct sip_msg *msg)
{
	unsigned i;
	int err;

	if (msg->tp != SIP_TRANSP_UDP)
		return;
	for (i = 0; i < sim->udp_tunedc; i++) {
		if (sim->udp_tuned[i] == msg->sock)
			return;
	}
	if (sim->udp_tunedc == ARRAY_SIZE(sim->udp_tuned))
		return;
	sim->udp_tuned[sim->udp_tunedc++] = msg->sock;
	err = udp_sockbuf_set(msg->sock, UDP_SOCKBUF);
	if (err)
		simlog(LOG_WARN, NULL, "UDP socket buffers on %J: %m",
		       &msg->dst, err);
}

/* RFC 3261 18.3: a datagram holding less body than its Content-Length
 * says is answered 400; libre 1.1.0 would pass it on with the short body
 * (and sipsess answer it). Registered before sipsess, so it sees every
 * request first. */
static bool framing_handler(const struct sip_msg *msg, void *arg)
{
	struct sim *sim = arg;
	size_t body = mbuf_get_left(msg->mb);
	uint32_t clen = pl_u32(&msg->clen);

	if (msg->tp != SIP_TRANSP_UDP || !pl_isset(&msg->clen) || clen <= body)
		return false;
	simlog(LOG_WARN, NULL, "%r from %J (Call-ID %r): Content-Length %u "
	       "but %zu bytes of body in the datagram: %s (RFC 3261 18.3)",
	       &msg->met, &msg->src, &msg->callid, clen, body,
	       pl_strcmp(&msg->met, "ACK") ? "400" : "dropped");
	if (pl_strcmp(&msg->met, "ACK"))
		(void)sip_reply(sim->sip, msg, 400, "Content-Length Exceeds "
				"Datagram");
	return true;
}

/* What sipsess leaves: OPTIONS, and the NOTIFYs of our REFERs, which may
 * arrive after the BYE, when sipsess no longer knows the dialog. */
static bool request_handler(const struct sip_msg *msg, void *arg)
{
	struct sim *sim = arg;

	udp_tune(sim, msg);
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		reply_options(sim, msg);
		return true;
	}
	if (!pl_strcmp(&msg->met, "NOTIFY")) {
		refer_notify(sim, msg);
		return true;
	}
	return false;
}

static void connect_handler(const struct sip_msg *msg, void *arg)
{
	struct sim *sim = arg;
	uint32_t max = sim->conf->max_calls;

	udp_tune(sim, msg);
	if (sim->closing) {
		(void)sip_treply(NULL, sim->sip, msg, 503,
				 "Service Unavailable");
		return;
	}
	if (max && list_count(&sim->calls) >= max) {
		simlog(LOG_WARN, NULL, "INVITE from %J refused: --max-calls %u "
		       "calls in progress", &msg->src, max);
		(void)sip_treplyf(NULL, NULL, sim->sip, msg, false, 503,
				  "Maximum Calls In Progress",
				  "Retry-After: 5\r\n"
				  "Content-Length: 0\r\n"
				  "\r\n");
		return;
	}
	(void)call_accept(sim, msg);
}

static void hook_log_handler(const char *line, void *arg)
{
	(void)arg;
	simlog(LOG_INFO, NULL, "%s", line);
}

int sim_alloc(struct sim **simp, const struct sim_conf *conf)
{
	struct hook_conf hconf = {0};
	struct sim *sim;
	int err;

	if (!simp || !conf)
		return EINVAL;
	sim = mem_zalloc(sizeof(*sim), destructor);
	if (!sim)
		return ENOMEM;
	sim->conf = conf;
	tmr_init(&sim->tmr_exit);
	tmr_init(&sim->tmr_deadline);
	hconf.dialect = conf->dialect;
	hconf.secret = conf->secret;
	hconf.logh = hook_log_handler;
	err = hash_alloc(&sim->subs, HASH_SIZE);
	if (!err)
		err = tmrq_alloc(&sim->tq, NULL, NULL);
	hconf.tq = sim->tq;
	if (!err)
		err = hookcli_alloc(&sim->hooks, &hconf);
	if (!err && conf->call_hook)
		err = hook_target_alloc(&sim->call_hook, conf->call_hook);
	if (!err)
		err = sip_alloc(&sim->sip, NULL, HASH_SIZE, HASH_SIZE,
				HASH_SIZE, "referlab-sim",
				NULL, sim);
	if (err)
		goto out;
	sip_set_trace_handler(sim->sip, trace_handler);
	err = sip_listen(&sim->framing, sim->sip, true, framing_handler, sim);
	if (!err)
		err = sipsess_listen(&sim->sock, sim->sip, HASH_SIZE,
			     connect_handler, sim);
	if (!err)
		err = sip_listen(&sim->lsnr, sim->sip, true, request_handler,
				 sim);
 out:
	if (err)
		mem_deref(sim);
	else
		*simp = sim;
	return err;
}

int sim_listen(struct sim *sim)
{
	const struct opts_listen *l;
	struct sa bound;
	unsigned i;
	int err;

	for (i = 0; i < sim->conf->listenc; i++) {
		l = &sim->conf->listen[i];
		err = sip_transp_add(sim->sip, l->tp, &l->addr);
		if (!err)
			err = sip_transp_laddr(sim->sip, &bound, l->tp,
					       &l->addr);
		if (err) {
			fprintf(stderr, "referlab-sim: --sip %s: %s\n",
				l->spec, strerror(err));
			return err;
		}
		if (!sim->fs_sip_address)
			(void)re_sdprintf(&sim->fs_sip_address, "%J", &bound);
		/* the line callers wait for before they send anything */
		(void)re_printf("referlab-sim: listening %s:%J\n",
				l->tp == SIP_TRANSP_UDP ? "udp" : "tcp",
				&bound);
		fflush(stdout);
	}
	return 0;
}

int sim_dial(struct sim *sim)
{
	return call_dial(sim, sim->conf->dial);
}

/* Strict in what we send: the port our SDP announces is one we hold, so
 * nothing else may be bound there while a far end may send to it. One
 * socket per local address serves every call on it (no RTP flows; libre
 * reads and drops what arrives): a socket per call would cost a bind per
 * call and an fd per pending transfer. */
int sim_media_port(struct sim *sim, const struct sa *laddr, uint16_t *port)
{
	unsigned i = sim->mediac;
	struct sa local;
	int err;

	while (i-- > 0) {
		if (sa_cmp(&sim->media[i].addr, laddr, SA_ADDR)) {
			*port = sa_port(&sim->media[i].addr);
			return 0;
		}
	}
	if (sim->mediac == ARRAY_SIZE(sim->media))
		return EMFILE;
	local = *laddr;
	sa_set_port(&local, 0);
	i = sim->mediac;
	err = udp_listen(&sim->media[i].us, &local, NULL, NULL);
	err = err ? err : udp_local_get(sim->media[i].us, &sim->media[i].addr);
	if (err) {
		sim->media[i].us = mem_deref(sim->media[i].us);
		return err;
	}
	sim->mediac++;
	*port = sa_port(&sim->media[i].addr);
	return 0;
}

const char *sim_hook_base(const struct sim *sim)
{
	return sim->conf->call_hook ? sim->conf->call_hook
				    : sim->conf->hook_base;
}

static bool waiting_handler(struct le *le, void *arg)
{
	(void)arg;
	return refer_waiting(le->data);
}

bool sim_idle(const struct sim *sim)
{
	return !sim->calls.head && !hookcli_pending(sim->hooks) &&
		!hash_apply(sim->subs, waiting_handler, NULL);
}

static void grace_handler(void *arg)
{
	(void)arg;
	re_cancel();
}

static void exit_poll(void *arg)
{
	struct sim *sim = arg;

	if (sim_idle(sim)) {
		tmr_start(&sim->tmr_exit, EXIT_GRACE_MS, grace_handler, sim);
		return;
	}
	tmr_start(&sim->tmr_exit, EXIT_POLL_MS, exit_poll, sim);
}

static void deadline_handler(void *arg)
{
	struct sim *sim = arg;

	simlog(LOG_WARN, NULL, "leaving with work in flight: %u hook "
	       "deliveries, %u calls", hookcli_pending(sim->hooks),
	       list_count(&sim->calls));
	re_cancel();
}

void sim_shutdown(struct sim *sim, uint32_t timeout_ms)
{
	struct le *le;

	if (sim->closing)
		return;
	sim->closing = true;
	/* call_hangup unlinks the call, so always take the head */
	while ((le = sim->calls.head) != NULL) {
		struct call *call = le->data;

		call_hangup(call, NULL);
		if (sim->calls.head == le) {   /* never: but do not loop */
			list_unlink(le);
			mem_deref(call);
		}
	}
	tmr_start(&sim->tmr_deadline, timeout_ms, deadline_handler, sim);
	tmr_start(&sim->tmr_exit, 0, exit_poll, sim);
}

void sim_check_exit(struct sim *sim)
{
	uint32_t n = sim->conf->exit_after;

	if (!sim->closing && n && sim->ended >= n) {
		simlog(LOG_INFO, NULL, "%u calls ended: finishing hooks and "
		       "subscriptions, then exiting", sim->ended);
		sim_shutdown(sim, EXIT_DEADLINE_MS);
	}
}
