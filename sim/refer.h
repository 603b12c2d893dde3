/**
 * @file refer.h  The sip:refer verb: the REFER and its implicit subscription
 *
 * A refer is created by the call running the verb and reports back once
 * through call_refer_done(). It then stays in sim->subs, holding its call,
 * until its subscription is over, so that late and duplicated NOTIFYs are
 * still answered (200) and reported rather than refused.
 */
#ifndef REFERLAB_SIM_REFER_H
#define REFERLAB_SIM_REFER_H

#include <re.h>

struct call;
struct verb;
struct sim;

int  refer_start(struct refer **rp, struct call *call, const struct verb *v);
/* The call's INVITE session ended (BYE either way). */
void refer_call_ended(struct refer *r);
/* A NOTIFY arrived (any dialog): answers it. Always handles it. */
void refer_notify(struct sim *sim, const struct sip_msg *msg);
/* REFERs accepted that still wait for their final NOTIFY. */
bool refer_waiting(const struct refer *r);

#endif
