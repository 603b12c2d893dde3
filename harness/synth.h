/**
 * @file synth.h  `referlab synth`: a deterministic capture of N transfers
 *
 * For the benchmarks and the analyser's scale tests: any number of
 * realistic, complete blind transfers in a classic pcap (raw IP), the
 * same bytes for the same arguments.
 */
#ifndef REFERLAB_SYNTH_H
#define REFERLAB_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

struct synth_stats {
	uint64_t transfers;
	uint64_t messages;
};

/* Writes the capture to path ("-": stdout). 0 or an errno. */
int synth_write(const char *path, uint64_t transfers, bool tcp,
		struct synth_stats *st);

int cmd_synth(int argc, char **argv);

#endif
