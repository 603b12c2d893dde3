/**
 * @file runner_observe.h  What the capture shows, in the shapes the expectation matchers take
 */
#ifndef REFERLAB_RUNNER_OBSERVE_H
#define REFERLAB_RUNNER_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include "expect.h"

struct obs_msg;
struct analysis;

struct observed {
	struct obs_msg **msgs;       /* every SIP message, in capture order */
	size_t n, cap;
	struct expect_msg *view;     /* the case's dialog, for the matchers */
	size_t viewc;
	struct expect_finding *findings;  /* every finding of the rules */
	size_t findingc, findingcap;
	struct analysis *analysis;
	int err;
};

/* Decodes and analyses a capture (notify_timeout_ms: the verb's
 * notifyTimeout, 0 for the default); err names the file and offset. */
int  observe_pcap(struct observed *ob, const char *pcap,
		  uint32_t notify_timeout_ms, char *err, size_t errsz);
void observe_free(struct observed *ob);

#endif
