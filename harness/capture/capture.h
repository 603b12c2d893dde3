/**
 * @file capture.h  Live capture with libpcap, for the runner
 *
 *   struct capture *cap;
 *   struct capture_stats st;
 *   char err[256];
 *   if (capture_start(&cap, "run.pcap", addrs, 2, ports, 3,
 *                     CAPTURE_IMMEDIATE, err, sizeof(err)))
 *                                    -> EPERM: no rights (exit 3, use
 *                                       the sim's --trace), err says so
 *   ... start the peers, run the case ...
 *   capture_stop(cap, &st);          -> st.dropped > 0: say so
 *
 * capture_start returns once the capture is active, so nothing the
 * peers send afterwards is missed. The interface is the one carrying
 * the addresses (loopback for 127.0.0.1/::1), "any" when they are on
 * several; the BPF filter keeps UDP and TCP from or to the given
 * addresses on the given ports, nothing else (capture_filter). The file
 * is a classic pcap that Wireshark and `referlab analyze` open.
 *
 * CAPTURE_IMMEDIATE hands each packet over as it comes (one wake-up of
 * the capture thread per packet); CAPTURE_BUFFERED in blocks, at most
 * 50 ms late, for a caller that reads the file afterwards: the time
 * stamps are the kernel's in both, and capture_stop() waits the 50 ms
 * out so no packet is lost.
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

enum capture_mode { CAPTURE_IMMEDIATE, CAPTURE_BUFFERED };

/* Each captured frame, on the capture's own thread, as the file reader
 * would hand it out: feed it to a decoder (decode/decoder.h) to analyse
 * live. Whatever the handler touches must not be used by other threads
 * until capture_stop() returned. */
typedef void (capture_frame_h)(const struct pcap_frame *fr, void *arg);

/* The BPF filter capture_start sets, into buf: "" without ports; EINVAL,
 * or ENOSPC if it does not fit (never a shorter, wider filter). */
int capture_filter(char *buf, size_t sz, const struct sa *addrs,
		   size_t naddrs, const uint16_t *ports, size_t nports);
int capture_start(struct capture **cp, const char *file,
		  const struct sa *addrs, size_t naddrs,
		  const uint16_t *ports, size_t nports,
		  enum capture_mode mode, char *err, size_t errsz);
/* Immediate mode, each frame to frameh as it comes */
int capture_start_live(struct capture **cp, const char *file,
		       const struct sa *addrs, size_t naddrs,
		       const uint16_t *ports, size_t nports,
		       capture_frame_h *frameh, void *arg, char *err,
		       size_t errsz);
int capture_stop(struct capture *c, struct capture_stats *st);

#endif
