/**
 * @file fuzz_pcap.c  libFuzzer target: a capture file through the whole
 *                    analyser (pcap/pcapng reader, link, IP fragments, TCP
 *                    reassembly, SIP framing, dialog model, JSON output)
 *
 * The input is the file. It goes through analysis_file() by the path of a
 * memfd, so the very code `referlab analyze` runs reads it; every
 * transfer is also turned into JSON and printed to /dev/null, because the
 * output stage reads every field the model filled in.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "analysis.h"
#include "output/output.h"

static FILE *devnull;

static void transfer_h(struct transfer *t, void *arg)
{
	struct derived dv;
	(void)arg;

	derive_outcome(t, &dv);
	out_json_transfer(devnull, t, true);
	out_text_transfer(devnull, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct analysis *a = NULL;
	char path[64], err[512];
	int fd;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	fd = memfd_create("fuzz.pcap", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	o.transferh = transfer_h;
	(void)analysis_file(&a, path, &o, err, sizeof(err));
	if (a)
		out_text_end(devnull, a, true);
	mem_deref(a);
 out:
	close(fd);
	return 0;
}
