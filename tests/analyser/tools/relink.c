/**
 * @file relink.c  Rewrite a capture into another link type and file
 *                 format (test tool, makes captures/ variants)
 *
 *   relink IN OUT LINKTYPE FORMAT
 *
 * LINKTYPE: a number (0 NULL, 1 Ethernet+802.1Q, 101 raw, 108 LOOP,
 * 113 SLL, 228/229 raw IPv4/IPv6, 276 SLL2). FORMAT: pcap, pcap-ns,
 * pcap-swapped, pcapng, pcapng-swapped, or pcapng-2if (frames alternate
 * between an interface of LINKTYPE and a Linux SLL one). Frames that are
 * not IP are dropped; everything else is kept byte for byte, unless
 * SPLIT is given: UDP datagrams longer than SPLIT bytes become IP
 * fragments, TCP payloads are cut into SPLIT-byte segments whose first
 * one is sent twice (a retransmission).
 *
 *   relink IN OUT LINKTYPE FORMAT [SPLIT]
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "decode/ip.h"
#include "decode/link.h"
#include "decode/pcapfile.h"
#include "pcapgen.h"

static int format(const char *s, enum pg_format *f, bool *two)
{
	static const struct {
		const char *name;
		enum pg_format f;
	} fmts[] = {
		{"pcap", PG_PCAP}, {"pcap-ns", PG_PCAP_NS},
		{"pcap-swapped", PG_PCAP_SWAPPED}, {"pcapng", PG_PCAPNG},
		{"pcapng-swapped", PG_PCAPNG_SWAPPED}, {"pcapng-2if", PG_PCAPNG},
	};
	size_t i;

	*two = !strcmp(s, "pcapng-2if");
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (!strcmp(s, fmts[i].name))
			return *f = fmts[i].f, 0;
	return EINVAL;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Cut one IP packet into smaller ones; 0 when it was written. */
static int split(struct pcapgen *g, struct ipreasm *r, unsigned iface,
		 uint64_t ts, const struct link_pkt *lp, size_t mtu)
{
	struct ip_pkt ip;
	size_t hl, off;

	if (ip_decode(r, &ip, lp->af, lp->p, lp->len, ts) || ip.len < 20)
		return ENOENT;
	sa_set_port(&ip.src, (uint16_t)(ip.p[0] << 8 | ip.p[1]));
	sa_set_port(&ip.dst, (uint16_t)(ip.p[2] << 8 | ip.p[3]));
	if (ip.proto == IPPROTO_UDP && ip.len > mtu)
		return pcapgen_udp_frags(g, iface, ts, &ip.src, &ip.dst,
					 ip.p + 8, ip.len - 8, mtu, NULL, 0);
	if (ip.proto != IPPROTO_TCP)
		return ENOENT;
	hl = (size_t)(ip.p[12] >> 4) * 4;
	if (ip.len - hl <= mtu)
		return ENOENT;
	for (off = 0; off < ip.len - hl; off += mtu) {
		size_t l = ip.len - hl - off < mtu ? ip.len - hl - off : mtu;
		int k, times = off ? 1 : 2;

		for (k = 0; k < times; k++)
			(void)pcapgen_tcp(g, iface, ts + off, &ip.src, &ip.dst,
					  be32(ip.p + 4) + (uint32_t)off,
					  PG_ACK | PG_PSH, ip.p + hl + off, l);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pcapfile *pf = NULL;
	struct pcapgen *g = NULL;
	struct ipreasm *r = NULL;
	size_t mtu = argc == 6 ? (size_t)atoi(argv[5]) : 0;
	struct pcap_frame fr;
	struct link_pkt lp;
	enum pg_format fmt;
	char why[256];
	bool two;
	FILE *out;
	int err;

	if (argc < 5 || argc > 6 || format(argv[4], &fmt, &two) ||
	    (argc == 6 && mtu < 64) || ipreasm_alloc(&r)) {
		fprintf(stderr, "usage: relink IN OUT LINKTYPE FORMAT "
			"[SPLIT>=64]\n");
		return 2;
	}
	if (pcapfile_open(&pf, argv[1], why, sizeof(why))) {
		fprintf(stderr, "relink: %s: %s\n", argv[1], why);
		return 4;
	}
	out = fopen(argv[2], "wb");
	if (!out || pcapgen_open(&g, out, fmt, (uint32_t)atoi(argv[3])))
		return 3;
	if (two)
		(void)pcapgen_iface(g, LINKTYPE_LINUX_SLL, 6);
	while (!(err = pcapfile_next(pf, &fr))) {
		unsigned iface = two ? (unsigned)(fr.num % 2) : 0;

		if (link_decode(&lp, fr.linktype, fr.data, fr.caplen))
			continue;
		if (mtu && !split(g, r, iface, fr.ts_ns, &lp, mtu))
			continue;
		(void)pcapgen_ip(g, iface, fr.ts_ns, lp.af, lp.p, lp.len);
	}
	mem_deref(r);
	mem_deref(g);
	fclose(out);
	mem_deref(pf);
	return err == ENOENT ? 0 : 4;
}
