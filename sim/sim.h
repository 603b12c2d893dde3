/**
 * @file sim.h  The simulator: one SIP stack, one hook client, many calls
 *
 * Everything lives in one libre event loop. A call is one object (call.h);
 * the only tables here are the ones a message must be looked up in: the
 * calls, and the REFER subscriptions a NOTIFY may belong to.
 */
#ifndef REFERLAB_SIM_SIM_H
#define REFERLAB_SIM_SIM_H

#include <re.h>
#include "hook.h"
#include "opts.h"
#include "tmrq.h"

struct pcapw;
struct verb_app;

struct sim {
	const struct sim_conf *conf;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sip_lsnr *lsnr;
	struct sip_lsnr *framing;     /* RFC 3261 18.3 check, before sipsess */
	struct hookcli *hooks;
	struct hook_target *call_hook;  /* --call-hook, or NULL           */
	struct pcapw *trace;
	struct verb_app *app;      /* --app: shared by every call          */
	struct list calls;         /* calls with a live INVITE session     */
	struct hash *subs;         /* REFER subscriptions, by Call-ID      */
	struct tmrq *tq;           /* the timers of calls, REFERs, hooks   */
	char *fs_sip_address;      /* first listening address, host:port   */
	uint32_t started, ended;   /* calls                                */
	void *udp_tuned[OPTS_MAX_LISTEN];  /* UDP sockets given big buffers */
	unsigned udp_tunedc;
	/* the ports our SDPs announce: one UDP socket per local address */
	struct {
		struct udp_sock *us;
		struct sa addr;    /* where it is bound, port included */
	} media[2 * OPTS_MAX_LISTEN];
	unsigned mediac;
	bool closing;
	struct tmr tmr_exit;
	struct tmr tmr_deadline;
};

int  sim_alloc(struct sim **simp, const struct sim_conf *conf);
/* Binds every --sip address and prints the readiness lines. */
int  sim_listen(struct sim *sim);
/* Places the --dial call. */
int  sim_dial(struct sim *sim);
/* Hangs up every call and leaves the event loop once the hooks and the
 * BYEs are done, or after timeout_ms at the latest. */
void sim_shutdown(struct sim *sim, uint32_t timeout_ms);
/* Called whenever something that keeps us running may have finished. */
void sim_check_exit(struct sim *sim);

/* The media port the SDP of a call on local address laddr announces: a
 * UDP socket the sim holds on that address while it runs. */
int  sim_media_port(struct sim *sim, const struct sa *laddr, uint16_t *port);
/* The base URL relative hook URLs resolve against (may be NULL). */
const char *sim_hook_base(const struct sim *sim);
/* Nothing left to wait for: calls, hooks in flight, REFERs awaiting
 * their answer or final NOTIFY. */
bool sim_idle(const struct sim *sim);

#endif
