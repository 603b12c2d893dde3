/**
 * @file output.h  Presenting an analysis: text ladders and JSON
 *
 * JSON document (schema "referlab-analysis/1"), one per run:
 *
 * { "schema": "referlab-analysis/1", "dialect": "spec"|"jambonz",
 *   "transfers": [ TRANSFER, ... ],      // in the order dialogs ended
 *   "findings": [ FINDING, ... ],        // not tied to a transfer
 *   "files": [ { "path", "format", "error": str|null,
 *                "frames", "sip_messages", "malformed", "requests":
 *                {"INVITE": n, "REFER": n, "NOTIFY": n, ...},
 *                "responses", "retransmissions", "ip_fragments",
 *                "ip_reassembled", "tcp_segments", "tcp_retransmitted",
 *                "tcp_out_of_order", "tcp_gaps", "dialogs",
 *                "dialogs_live_max", "transfers" } ],
 *   "summary": { "transfers", "errors", "warnings", "infos" } }
 *
 * TRANSFER:
 * { "index": 1, "file": "x.pcap", "call_id": "...", "transport": "udp",
 *   "referrer": "ip:port", "recipient": "ip:port",
 *   "refer": { "frame", "time", "cseq", "refer_to", "referred_by",
 *              "refer_sub_false": bool },
 *   "response": { "frame", "time", "status", "reason",
 *                 "refer_sub_false": bool } | null,
 *   "notifies": [ { "frame", "time", "cseq", "status": n|null,
 *                   "subscription_state": "active"|"pending"|
 *                   "terminated"|"other"|null, "reason": str|null,
 *                   "answer": n|null, "answer_frame": n|null,
 *                   "retransmissions": n, "before_accept": bool,
 *                   "after_bye": bool } ],
 *   "bye": { "frame", "time", "by": "referrer"|"referee" } | null,
 *   "outcome": "completed"|"rejected"|"no-response"|"no-final-notify"|
 *              "call-ended"|"no-subscription",
 *   "hooks": [ { "hook": "eventHook"|"actionHook", "frame": n|null,
 *                "time", "payload": {...spec dialect...} } ],
 *                (actionHook payload: the call info the wire shows,
 *                callId, direction, from, to, callerName, sipStatus,
 *                sipReason, callStatus, fsSipAddress, then referStatus
 *                and final_referred_call_status)
 *   "ladder": [ { "frame", "time", "src", "dst", "transport", "text",
 *                 "note": "sipfrag 100, active"|null, "method",
 *                 "status", "cseq", "retransmission" } ],
 *   "findings": [ FINDING ], "retransmissions": n }
 *
 * FINDING: { "rule", "severity": "error"|"warning"|"info", "rfc",
 *            "section", "frame", "message" }
 * "time" is seconds since the first frame of the transfer's file;
 * a null hook frame means a timer (Timer F, notifyTimeout) ended the verb.
 */
#ifndef REFERLAB_OUTPUT_H
#define REFERLAB_OUTPUT_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "analysis.h"
#include "model/derive.h"
#include "output/wbuf.h"

/* Hook payloads as the spec documents them, or as jambonz sends them. */
enum hook_dialect { DIALECT_SPEC, DIALECT_JAMBONZ };

cJSON *transfer_json(const struct transfer *t);   /* spec dialect */
cJSON *transfer_json_dialect(const struct transfer *t,
			    enum hook_dialect dialect);
cJSON *finding_json(const struct finding *f);
cJSON *hooks_json(const struct transfer *t, enum hook_dialect dialect);
const char *dialect_name(enum hook_dialect dialect);
/* The hook payloads hooks_json() holds, printed as cJSON prints them */
void hook_event_write(struct wbuf *w, const struct notify_rec *n,
		      enum hook_dialect dialect);
/* referrer: t->referrer as addr_text() writes it, when the caller has
 * it already; NULL: written here */
void hook_action_write(struct wbuf *w, const struct transfer *t,
		       const struct derived *dv, enum hook_dialect dialect,
		       const char *referrer);
void json_add_addr(cJSON *o, const char *key, const struct sa *sa);
void addr_text(char *buf, size_t sz, const struct sa *sa);   /* "%J" */
void json_add_str(cJSON *o, const char *key, const char *s);
void json_add_num_or_null(cJSON *o, const char *key, uint64_t v);
cJSON *files_json(const struct analysis *a);
const char *substate_name(enum substate s);
const char *transport_name(enum sip_transp tp);
double transfer_time(const struct transfer *t, uint64_t ts_ns);

void out_json_begin(FILE *f, enum hook_dialect dialect);
void out_json_transfer(FILE *f, const struct transfer *t, bool first);
void out_json_transfer_dialect(FILE *f, const struct transfer *t,
			       bool first, enum hook_dialect dialect);
void out_json_end(FILE *f, const struct analysis *a);

void out_text_transfer(FILE *f, const struct transfer *t);
void out_text_transfer_dialect(FILE *f, const struct transfer *t,
			       enum hook_dialect dialect);
/* The same into w, flushed when full or by the caller: one fwrite per
 * transfer was 4 % of the text output */
void out_text_transfer_wb(struct wbuf *w, const struct transfer *t,
			  enum hook_dialect dialect);
void out_text_end(FILE *f, const struct analysis *a, bool global);

#endif
