/**
 * @file derive.h  What the sip:refer verb would report for a transfer
 *
 * From the wire alone, per ../shared/spec/sip-refer.md §4: when the verb
 * completes, with which actionHook payload, and which eventHooks fire on
 * the way (spec dialect: referStatus, final_referred_call_status,
 * {event: "transfer-status", call_status: "<code>"}).
 */
#ifndef REFERLAB_DERIVE_H
#define REFERLAB_DERIVE_H

#include "model/model.h"

enum { TIMER_F_MS = 32000 };

enum outcome {
	OUTCOME_NO_RESPONSE,     /* REFER timed out: referStatus 408 */
	OUTCOME_REJECTED,        /* 3xx-6xx */
	OUTCOME_COMPLETED,       /* accepted, a final NOTIFY arrived */
	OUTCOME_NO_FINAL,        /* accepted, notifyTimeout passed first */
	OUTCOME_CALL_ENDED,      /* accepted, BYE before the final NOTIFY */
	OUTCOME_NO_SUBSCRIPTION, /* accepted with Refer-Sub: false */
};

struct derived {
	enum outcome outcome;
	uint16_t refer_status;   /* actionHook referStatus */
	uint16_t final_status;   /* final_referred_call_status; 0: absent */
	uint64_t action_frame;   /* the frame that completes the verb; 0 when
				    a timer does */
	uint64_t action_ts;
};

void derive_outcome(const struct transfer *t, struct derived *dv);
const char *outcome_name(enum outcome o);
bool derive_fires_event(const struct transfer *t,
			const struct notify_rec *n);

#endif
