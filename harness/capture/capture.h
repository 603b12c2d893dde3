/**
 * @file capture.h  Live capture with libpcap, for the runner
 *
 *   struct capture *cap;
 *   struct capture_stats st;
 *   char err[256];
 *   if (capture_start(&cap, "run.pcap", addrs, 2, ports, 3, err,
 *                     sizeof(err)))  -> EPERM: no rights (exit 3, use
 *                                       the sim's --trace), err says so
 *   ... start the peers, run the case ...
 *   capture_stop(cap, &st);          -> st.dropped > 0: say so
 *
 * capture_start returns once the capture is active, so nothing the
 * peers send afterwards is missed. The interface is the one carrying
 * the addresses (loopback for 127.0.0.1/::1), "any" when they are on
 * several; the BPF filter keeps UDP and TCP on the given ports (SIP and
 * hook ports: one file tells the whole story). The file is a classic
 * pcap that Wireshark and `referlab analyze` open.
 */
#ifndef REFERLAB_CAPTURE_H
#define REFERLAB_CAPTURE_H

#include <re.h>
#include "decode/pcapfile.h"

struct capture_stats {
	uint64_t packets;        /* written to the file */
	uint64_t dropped;        /* dropped by the kernel (buffer full) */
	uint64_t if_dropped;     /* dropped by the interface */
	char iface[64];          /* the interface captured on */
};

struct capture;

/* Each captured frame, on the capture's own thread, as the file reader
 * would hand it out: feed it to a decoder (decode/decoder.h) to analyse
 * live. Whatever the handler touches must not be used by other threads
 * until capture_stop() returned. */
typedef void (capture_frame_h)(const struct pcap_frame *fr, void *arg);

int capture_start(struct capture **cp, const char *file,
		  const struct sa *addrs, size_t naddrs,
		  const uint16_t *ports, size_t nports, char *err,
		  size_t errsz);
int capture_start_live(struct capture **cp, const char *file,
		       const struct sa *addrs, size_t naddrs,
		       const uint16_t *ports, size_t nports,
		       capture_frame_h *frameh, void *arg, char *err,
		       size_t errsz);
int capture_stop(struct capture *c, struct capture_stats *st);

#endif
