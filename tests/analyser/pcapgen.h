/**
 * @file pcapgen.h  Writing captures for the tests: pcap (either byte
 *                  order, µs or ns) and pcapng (several interfaces),
 *                  frames built from SIP text down to the link layer
 *
 * Test-only: the analyser never writes captures (live capture uses
 * libpcap's own dumper).
 */
#ifndef REFERLAB_PCAPGEN_H
#define REFERLAB_PCAPGEN_H

#include <stdio.h>
#include <re.h>

enum pg_format {
	PG_PCAP,          /* native byte order, µs */
	PG_PCAP_NS,       /* native byte order, ns */
	PG_PCAP_SWAPPED,  /* the other byte order, µs */
	PG_PCAPNG,        /* native byte order */
	PG_PCAPNG_SWAPPED,
};

struct pcapgen;

int  pcapgen_open(struct pcapgen **gp, FILE *f, enum pg_format fmt,
		  uint32_t linktype);
int  pcapgen_iface(struct pcapgen *g, uint32_t linktype, uint8_t tsresol);
int  pcapgen_raw(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		 const uint8_t *frame, size_t len);
int  pcapgen_block(struct pcapgen *g, uint32_t type, const uint8_t *body,
		   size_t len);

/* An IP packet (IPv4 or IPv6, by the address family) in the link type
 * of the interface; UDP datagrams larger than mtu are fragmented. */
int  pcapgen_udp(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		 const struct sa *src, const struct sa *dst,
		 const void *payload, size_t len, size_t mtu);
int  pcapgen_udp_frags(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		       const struct sa *src, const struct sa *dst,
		       const void *payload, size_t len, size_t mtu,
		       const unsigned *order, size_t n);
int  pcapgen_tcp(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		 const struct sa *src, const struct sa *dst, uint32_t seq,
		 uint8_t flags, const void *payload, size_t len);

/* An IP packet as it is, behind the interface's link header. */
int  pcapgen_ip(struct pcapgen *g, unsigned iface, uint64_t ts_ns, int af,
		const uint8_t *ip, size_t len);

enum { PG_FIN = 0x01, PG_SYN = 0x02, PG_RST = 0x04, PG_PSH = 0x08,
       PG_ACK = 0x10 };

#endif
