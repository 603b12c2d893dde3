/**
 * @file analysis.h  Analysing captures in-process: the API behind
 *                   `referlab analyze`, for the runner and reports
 *
 *   struct analysis *a;
 *   char err[512];
 *   struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
 *   int e = analysis_file(&a, "run.pcap", &o, err, sizeof(err));
 *   // e == 0, or EBADMSG/ENOENT/...: err says "run.pcap: offset 24: ..."
 *   // (a may still hold what was decoded before the error)
 *   for (le = list_head(&a->transfers); le; le = le->next) {
 *           const struct transfer *t = le->data;      // model/model.h
 *           struct derived dv; derive_outcome(t, &dv); // model/derive.h
 *   }
 *   mem_deref(a);
 *
 * With opts.transferh set, each transfer goes to the handler as soon as
 * its dialog is over and is not kept: memory stays bounded whatever the
 * size of the capture (that is how the CLI streams).
 */
#ifndef REFERLAB_ANALYSIS_H
#define REFERLAB_ANALYSIS_H

#include "decode/decoder.h"
#include "model/derive.h"
#include "model/model.h"

struct analysis_file_info {
	struct le le;
	char *path;
	const char *format;          /* "pcap", "pcap (ns)", "pcapng" */
	uint64_t first_ts;           /* ns since the epoch of frame 1 */
	struct decoder_stats dec;
	struct model_stats model;
	char *error;                 /* why reading stopped early, or NULL */
};

typedef void (analysis_transfer_h)(struct transfer *t, void *arg);

struct analysis_opts {
	uint32_t notify_timeout_ms;  /* the verb's notifyTimeout */
	const char *rules;           /* "id,id,...": only these; NULL: all */
	analysis_transfer_h *transferh;  /* stream transfers; NULL: keep */
	void *arg;
};

#define ANALYSIS_OPTS_DEFAULT {15000, NULL, NULL, NULL}

struct analysis {
	struct list files;           /* struct analysis_file_info */
	struct list transfers;       /* struct transfer (unless streamed) */
	struct list findings;        /* findings outside any transfer */
	unsigned ntransfers;
	unsigned global_dropped;     /* global findings beyond the cap */
	unsigned count[3];           /* findings by enum severity, all */
	unsigned gcount[3];          /* of which outside transfers */
};

int analysis_files(struct analysis **ap, const char *const *paths,
		   size_t n, const struct analysis_opts *opts, char *err,
		   size_t errsz);
int analysis_file(struct analysis **ap, const char *path,
		  const struct analysis_opts *opts, char *err, size_t errsz);
void analysis_count(struct analysis *a, const struct transfer *t);

/* Return values: 0; EINVAL for a bad opts.rules (err names the rule);
 * otherwise the first file that could not be read whole (err:
 * "FILE: offset N: what"), the others are still analysed. */

#endif
