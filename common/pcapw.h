/**
 * @file pcapw.h  Writing SIP messages to a pcap file with synthesised headers
 *
 * referlab-sim's --trace and the harness's synth both hand over SIP
 * messages, not packets: this module wraps each one in an IPv4 or IPv6
 * header and a UDP or TCP header carrying the real addresses and ports,
 * so Wireshark and tshark dissect the file as if it had been captured.
 * TCP payloads get per-direction sequence numbers so stream reassembly
 * works; there is no handshake, which the dissectors do not need.
 */
#ifndef REFERLAB_PCAPW_H
#define REFERLAB_PCAPW_H

#include <re.h>

enum pcapw_proto {
	PCAPW_UDP,
	PCAPW_TCP,
};

struct pcapw;

/* Creates (truncates) path and writes the pcap file header; "-" writes
 * to stdout. The file is closed when the object is mem_deref'd. */
int  pcapw_open(struct pcapw **pwp, const char *path);

/* One record per message (TCP payloads above 64000 bytes are split into
 * several segments). ts_us: microseconds since the epoch; 0 means now.
 * src and dst must be of the same family. Each record is flushed, so the
 * file is readable while the program runs. */
int  pcapw_write(struct pcapw *pw, uint64_t ts_us, enum pcapw_proto proto,
		 const struct sa *src, const struct sa *dst,
		 const uint8_t *data, size_t len);

/* Records written so far. */
uint32_t pcapw_count(const struct pcapw *pw);

#endif
