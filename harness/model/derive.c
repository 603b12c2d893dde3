/**
 * @file derive.c  What the sip:refer verb would report for a transfer
 */
#include <string.h>
#include "model/derive.h"

const char *outcome_name(enum outcome o)
{
	switch (o) {
	case OUTCOME_NO_RESPONSE:     return "no-response";
	case OUTCOME_REJECTED:        return "rejected";
	case OUTCOME_COMPLETED:       return "completed";
	case OUTCOME_NO_FINAL:        return "no-final-notify";
	case OUTCOME_CALL_ENDED:      return "call-ended";
	case OUTCOME_NO_SUBSCRIPTION: return "no-subscription";
	default:                      return "?";
	}
}

static const struct notify_rec *final_notify(const struct transfer *t)
{
	struct le *le;

	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (n->status >= 200)
			return n;
	}
	return NULL;
}

/* Spec §4: whichever comes first of the final NOTIFY, the BYE and the
 * notifyTimeout ends the verb; a NOTIFY that beat the 2xx counts once
 * the 2xx is there. */
void derive_outcome(const struct transfer *t, struct derived *dv)
{
	const struct notify_rec *fin = final_notify(t);
	uint64_t deadline, fin_ts;

	memset(dv, 0, sizeof(*dv));
	dv->refer_status = t->scode;
	if (!t->scode) {
		dv->outcome = OUTCOME_NO_RESPONSE;
		dv->refer_status = 408;
		dv->action_ts = t->refer_ts + TIMER_F_MS * 1000000ULL;
		return;
	}
	dv->action_frame = t->resp_frame;
	dv->action_ts = t->resp_ts;
	if (t->scode >= 300) {
		dv->outcome = OUTCOME_REJECTED;
		return;
	}
	if (t->sub_false_granted) {
		dv->outcome = OUTCOME_NO_SUBSCRIPTION;
		return;
	}
	deadline = t->resp_ts + (uint64_t)t->notify_timeout_ms * 1000000ULL;
	fin_ts = fin ? (fin->ts_ns > t->resp_ts ? fin->ts_ns : t->resp_ts) : 0;
	if (fin && fin_ts <= deadline && (!t->bye_frame || fin_ts <= t->bye_ts)) {
		dv->outcome = OUTCOME_COMPLETED;
		dv->final_status = fin->status;
		if (fin->ts_ns > t->resp_ts)
			dv->action_frame = fin->frame;
		dv->action_ts = fin_ts;
	}
	else if (t->bye_frame && t->bye_ts <= deadline) {
		dv->outcome = OUTCOME_CALL_ENDED;
		dv->action_frame = t->bye_frame;
		dv->action_ts = t->bye_ts;
	}
	else {
		dv->outcome = OUTCOME_NO_FINAL;
		dv->action_frame = 0;
		dv->action_ts = deadline;
	}
}

/* An eventHook per NOTIFY with a readable status, once the REFER is
 * accepted; retransmitted NOTIFYs are one record and fire once. */
bool derive_fires_event(const struct transfer *t, const struct notify_rec *n)
{
	return t->scode >= 200 && t->scode <= 299 && n->status;
}
