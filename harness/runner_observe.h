/**
 * @file runner_observe.h  What the capture shows, in the shapes the expectation matchers take
 */
#ifndef REFERLAB_RUNNER_OBSERVE_H
#define REFERLAB_RUNNER_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "expect.h"

struct obs_msg;
struct analysis;

enum { CALLIDS_MAX = 8, CALLID_LEN = 256 };

/* The Call-IDs of the case's own calls: those its SIPp peer sent
 * messages in (a port another call reused carries that call's). */
struct callids {
	char v[CALLIDS_MAX][CALLID_LEN];
	size_t n;                    /* 0: not known */
};

bool callids_has(const struct callids *ids, const char *callid);
/* adds it once; false when it is too long or the list is full */
bool callids_add(struct callids *ids, const char *callid, size_t len);

struct observed {
	struct obs_msg **msgs;       /* every SIP message, in capture order */
	size_t n, cap;
	struct expect_msg *view;     /* the case's dialog, for the matchers */
	size_t viewc;
	struct expect_finding *findings;  /* every finding of the rules */
	size_t findingc, findingcap;
	struct analysis *analysis;  /* the case's own transfers only */
	size_t calls;                /* Call-IDs in the capture, all */
	size_t foreign;              /* messages of other calls, left out */
	const char *foreign_callid;  /* the first of them, or NULL */
	int err;
};

/* Decodes and analyses a capture (notify_timeout_ms: the verb's
 * notifyTimeout, 0 for the default); err names the file and offset.
 * own: the case's calls; the messages, transfers and findings of any
 * other Call-ID are left out and counted (NULL or none known: all). */
int  observe_pcap(struct observed *ob, const char *pcap,
		  uint32_t notify_timeout_ms, const struct callids *own,
		  char *err, size_t errsz);
void observe_free(struct observed *ob);

#endif
