/**
 * @file replay_cmp.h  The original and its replay side by side
 */
#ifndef REFERLAB_REPLAY_CMP_H
#define REFERLAB_REPLAY_CMP_H

#include <stdio.h>
#include "replay.h"

/* Reads WORK/run/<case>/{verdict.json, capture.pcap or sim-trace.pcap,
 * hooks.jsonl} and prints, beside the original: the message sequence
 * (aligned, '=' same, '<' only in the original, '>' only in the replay),
 * the REFER's and NOTIFYs' status codes, the hooks the original implies
 * and the hooks the replay's implementation sent. */
void replay_compare(FILE *f, const struct replay_dialog *d, const char *work);

#endif
