/**
 * @file model.h  Messages -> transactions -> dialogs -> transfers
 *
 * The model takes decoded SIP messages in capture order and rebuilds
 * what happened: transactions (top Via branch + CSeq), dialogs (Call-ID
 * and tags, both directions) and transfers (a REFER, its responses, the
 * NOTIFYs of its implicit subscription matched by dialog and Event id,
 * their responses, and the BYEs around them). Rules are checked as the
 * messages go by.
 *
 * Memory is bounded: a dialog is released (its transfers handed to the
 * transfer handler) once it is over and MODEL_LINGER seconds of capture
 * time passed without a message for it, or after MODEL_IDLE seconds of
 * silence. Only the dialogs in progress are held at any time.
 */
#ifndef REFERLAB_MODEL_H
#define REFERLAB_MODEL_H

#include <re.h>
#include "decode/decoder.h"
#include "model/rules.h"

enum {
	MODEL_LINGER = 32,       /* s: 64*T1, the longest retransmission span */
	MODEL_IDLE   = 600,      /* s without a message: the dialog is over */
	MODEL_MAX_LADDER = 2000, /* ladder lines kept per dialog */
	MODEL_MAX_GLOBAL = 1000, /* findings kept outside transfers */
};

/* One line of the message ladder of a dialog; lines live in their
 * ladder's blocks and go with it, as do the strings of the dialog's
 * transfers (struct transfer, struct callinfo). */
struct ladder_line {
	struct le le;
	uint64_t frame;
	uint64_t ts_ns;
	struct sa src, dst;
	char *text;              /* "REFER sip:bob@x" / "202 Accepted", kept
				    right after the line */
	char *note;              /* NOTIFY: "sipfrag 180; active" or NULL */
	uint32_t text_len, note_len;  /* their strlen, or more where the
				    message held a NUL: up to a NUL then */
	enum sip_transp tp;
	char method[16];         /* request method, or CSeq method of a response */
	uint32_t cseq;
	uint16_t scode;          /* 0 for requests */
	bool retrans;
};

/* The ladder of a dialog, shared by the transfers made in it. */
struct ladder {
	struct list lines;
	unsigned count;          /* lines in the list (list_count walks it) */
	unsigned dropped;        /* lines beyond MODEL_MAX_LADDER */
	struct ladder_block *blocks;  /* where the lines live (ladder.c) */
	struct ladder_pool *pool;     /* where they go back to (ladder.c) */
};

enum substate {
	SUBST_NONE = 0,          /* no Subscription-State header */
	SUBST_ACTIVE,
	SUBST_PENDING,
	SUBST_TERMINATED,
	SUBST_OTHER,
};

struct notify_rec {
	struct le le;
	uint64_t frame, ts_ns;
	uint32_t cseq;
	uint16_t status;         /* sipfrag status code; 0 if unreadable */
	enum substate substate;
	char reason[32];         /* Subscription-State reason parameter */
	uint16_t answer;         /* final response to it; 0: none seen */
	uint64_t answer_frame;
	unsigned retrans;        /* retransmitted copies (no extra hook) */
	bool before_accept;      /* arrived before the REFER's 2xx */
	bool after_bye;
};

enum call_dir { CALL_DIR_UNKNOWN, CALL_DIR_INBOUND, CALL_DIR_OUTBOUND };

/* What the wire tells of the call a transfer happens in: the call info
 * of spec §7 that the actionHook carries (callSid, accountSid and
 * applicationSid never appear on the wire). NULL/0 when the capture
 * began after the INVITE. */
struct callinfo {
	char *from, *to;         /* user parts of the INVITE's From and To */
	char *caller_name;       /* From display name ("" when none) */
	uint16_t sip_status;     /* final response to the INVITE */
	char *sip_reason;
	enum call_dir dir;       /* inbound: the referrer answered the call */
};

struct transfer {
	struct le le;
	unsigned num;            /* 1-based, in order of REFERs in the input */
	const char *file;        /* set by the analysis; not owned */
	uint64_t file_t0;        /* time of the file's first frame */
	char *callid;
	struct sa referrer, recipient;
	enum sip_transp tp;
	uint64_t refer_frame, refer_ts;
	uint32_t cseq;
	char *refer_to;          /* first Refer-To value, as sent */
	char *referred_by;       /* first Referred-By value, or NULL */
	bool sub_false_asked;    /* REFER had Refer-Sub: false */
	bool sub_false_granted;  /* its 2xx had Refer-Sub: false */
	uint16_t scode;          /* final response; 0: none */
	char *reason;
	uint64_t resp_frame, resp_ts;
	uint16_t challenge;      /* 401/407 seen before the final answer */
	struct list notifies;    /* struct notify_rec, in order; in ladder */
	uint64_t bye_frame, bye_ts;
	bool bye_by_referrer;
	int referrer_side;       /* 0: the side that sent the first request */
	unsigned retrans;        /* retransmissions in this dialog */
	uint64_t first_retrans_frame;
	struct ladder *ladder;   /* holds the strings above and in call */
	struct callinfo call;
	struct list findings;    /* struct finding */
	uint64_t end_ts;         /* capture time when the transfer was closed */
	uint32_t notify_timeout_ms;
};

struct model_opts {
	uint32_t notify_timeout_ms;   /* the verb's notifyTimeout; 15000 */
	struct ruleset rules;
};

struct model_stats {
	uint64_t messages;
	uint64_t requests[8];         /* indexed by enum model_method */
	uint64_t responses;
	uint64_t retransmissions;
	uint64_t dialogs;
	uint64_t transfers;
	uint64_t dialogs_live_max;    /* the most dialogs held at once */
};

enum model_method {
	MM_OTHER, MM_INVITE, MM_ACK, MM_BYE, MM_CANCEL, MM_REFER, MM_NOTIFY,
	MM_OPTIONS,
};

/* A finished transfer; the handler may keep it with mem_ref(). */
typedef void (model_transfer_h)(struct transfer *t, void *arg);
/* A finding outside any transfer (malformed message, stray NOTIFY). */
typedef void (model_finding_h)(const struct finding *f, void *arg);

struct model;

int  model_alloc(struct model **mp, const struct model_opts *opts,
		 model_transfer_h *th, model_finding_h *fh, void *arg);
void model_tick(struct model *m, uint64_t ts_ns);
void model_message(struct model *m, const struct wire_msg *wm);
void model_malformed(struct model *m, uint64_t frame, const char *what);
void model_flush(struct model *m);
const struct model_stats *model_stats(const struct model *m);
size_t model_live_dialogs(const struct model *m);
enum model_method model_method(const struct pl *met);

#endif
