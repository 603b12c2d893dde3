/**
 * @file call.h  One call: its INVITE session, its application, its state
 *
 * A call is one object in one event loop; nothing about "the current call"
 * is global. The session (sipsess) goes away with the BYE, the dialog is
 * kept while a REFER subscription may still receive NOTIFYs (RFC 5057:
 * the subscription usage outlives the invite usage).
 */
#ifndef REFERLAB_SIM_CALL_H
#define REFERLAB_SIM_CALL_H

#include <re.h>
#include "hook.h"
#include "tmrq.h"

/* The user part of our Contact in every dialog */
#define CALL_CONTACT_USER "referlab"

struct sim;
struct refer;
struct verb;
struct verb_app;

enum call_state {
	CALL_RINGING,     /* inbound: waiting for the application        */
	CALL_UP,          /* established: the application runs           */
	CALL_ENDED,       /* BYE either way, CANCEL, or a failed INVITE  */
};

struct call {
	struct le le;             /* in sim->calls until the call ends     */
	struct sim *sim;
	struct sipsess *sess;
	struct sip_dialog *dlg;   /* referenced; outlives sess             */
	struct call_info ci;
	struct verb_app *app;     /* referenced; shared with other calls   */
	struct le *next;          /* the next verb to run in app           */
	const struct verb *verb;  /* the verb running, or NULL             */
	struct refer *refer;      /* the sip:refer running (not owned)     */
	struct tmrq_ent tmr;      /* pause                                 */
	struct sa laddr;          /* our address in this call              */
	enum sip_transp tp;
	char *remote_host;        /* host of the far end's target URI      */
	char *local_uri;          /* our URI in the dialog                 */
	enum call_state state;
	bool offer_received;      /* the INVITE carried SDP                */
	uint64_t sdp_sess_id;     /* o= session id, fixed for the call     */
};

/* An INVITE without To tag arrived: take the call. */
int  call_accept(struct sim *sim, const struct sip_msg *msg);
/* Place a call to uri (--dial). */
int  call_dial(struct sim *sim, const char *uri);
/* End the call from our side (BYE, or a final answer if not yet up). */
void call_hangup(struct call *call, const char *headers);
/* The running sip:refer is done: refer_status is the REFER's final
 * response (408 for a timeout), final_status the final NOTIFY's sipfrag
 * status or 0. */
void call_refer_done(struct call *call, uint16_t refer_status,
		     uint16_t final_status);
/* A verb could not run: say so once and hang up. */
void call_verb_error(struct call *call, const char *fmt, ...);

#endif
