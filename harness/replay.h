/**
 * @file replay.h  referlab replay: a captured transfer becomes a regression case
 *
 * The pipeline, one stage per file:
 *   replay_load.c   capture -> analysis (transfers) + the raw messages of
 *                   each transfer's dialog, who is the referrer, who placed
 *                   the call
 *   replay_sipp.c   dialog -> SIPp scenario playing the far end, with the
 *                   dialog's identifiers turned into SIPp keywords and
 *                   variables captured from what the implementation sends
 *   replay_case.c   dialog -> application + expectation (scenarios/ format)
 *                   and the case folder that `referlab run` takes as is
 *   replay_cmd.c    the command: pick, emit, or run and compare
 *
 *   struct replay_src *rs;
 *   replay_load(&rs, "field.pcap", err, sizeof(err));  // EXIT_INPUT on error
 *   d = replay_dialog_of(rs, 2);                       // transfer 2's dialog
 *   replay_emit(d, &opts, "cases/", name, sizeof(name), err, sizeof(err));
 */
#ifndef REFERLAB_REPLAY_H
#define REFERLAB_REPLAY_H

#include <stdio.h>
#include <re.h>
#include "analysis.h"

enum {
	REPLAY_MAX_MSGS = 400,       /* messages of one replayed dialog */
	REPLAY_MAX_REFERS = 8,       /* transfers in one dialog */
};

/* One SIP message of the dialog, as it was on the wire. */
struct replay_msg {
	struct le le;
	unsigned idx;            /* 0-based position in the dialog */
	uint64_t frame, ts_ns;
	bool from_far;           /* sent by the far end: the SIPp peer plays it */
	bool retrans;            /* repeats an earlier message of its sender */
	struct sip_msg *msg;     /* our own decoded copy */
	struct pl body;          /* into msg->mb */
};

/* A dialog with at least one transfer, and what replaying it needs. */
struct replay_dialog {
	struct le le;
	char *callid;
	char *file;              /* the capture it came from */
	struct list msgs;        /* struct replay_msg, in capture order */
	unsigned nmsgs;
	struct transfer *tv[REPLAY_MAX_REFERS];  /* referenced, in order */
	size_t tc;
	struct sa far, iut;      /* far end / referrer (implementation's role) */
	enum sip_transp tp;
	bool phone;              /* the referrer placed the call (--dial) */
	bool truncated;          /* more than REPLAY_MAX_MSGS messages */
};

struct replay_src {
	struct analysis *a;
	struct list dialogs;     /* struct replay_dialog, by first transfer */
};

enum replay_timing { REPLAY_RECORDED, REPLAY_FAST };

struct replay_opts {
	enum replay_timing timing;
};

/* replay_load.c. Errors name the file (and offset/frame); a capture
 * without a REFER is ENOENT ("no REFER in ..."), the caller maps any
 * error to EXIT_INPUT. */
int  replay_load(struct replay_src **rsp, const char *path, char *err,
		 size_t errsz);
struct replay_dialog *replay_dialog_of(const struct replay_src *rs,
				       unsigned transfer);
/* Why this dialog cannot be replayed, or NULL. */
const char *replay_unplayable(const struct replay_dialog *d, char *buf,
			      size_t sz);
bool replay_is_invite_2xx(const struct replay_msg *m);
/* The verb's notifyTimeout the capture shows for a transfer (s), or 0. */
unsigned replay_notify_timeout_s(const struct transfer *t);
const struct replay_msg *replay_request_of(const struct replay_dialog *d,
					   const struct replay_msg *resp);

/* replay_sipp.c: the SIPp scenario of the far end. */
int  replay_sipp_write(FILE *f, const struct replay_dialog *d,
		       const struct replay_opts *o, char *err, size_t errsz);

/* replay_case.c: the case folder DIR/NAME.json + DIR/NAME.xml. name
 * receives NAME ("<capture>-t<first transfer>"). */
void replay_case_name(const struct replay_dialog *d, char *name, size_t sz);
int  replay_emit(const struct replay_dialog *d, const struct replay_opts *o,
		 const char *dir, char *err, size_t errsz);
/* The expectation as JSON (the caller cJSON_Deletes it). */
struct cJSON *replay_expectation(const struct replay_dialog *d);
/* "INVITE 1xx* 200 ACK REFER 202 NOTIFY(100) 200 ..." of the dialog */
int  replay_sequence(const struct replay_dialog *d, bool iut_1xx_any,
		     char *buf, size_t sz);

/* replay_cmd.c */
int  replay_main(int argc, char **argv);

#endif
