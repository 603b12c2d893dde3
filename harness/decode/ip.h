/**
 * @file ip.h  IPv4 and IPv6, with fragment reassembly
 *
 * INVITEs and REFERs with long headers often exceed the MTU; over UDP
 * they arrive as IP fragments. The reassembler keeps at most
 * IP_MAX_PENDING datagrams in progress and forgets any older than
 * IP_FRAG_TIMEOUT seconds of capture time, so memory stays bounded.
 */
#ifndef REFERLAB_IP_H
#define REFERLAB_IP_H

#include <re.h>

enum {
	IP_MAX_PENDING  = 256,
	IP_FRAG_TIMEOUT = 30,     /* s, RFC 8200 §4.5 uses 60; 30 suffices */
	IP_MAX_DATAGRAM = 65535,
};

struct ip_pkt {
	struct sa src, dst;       /* addresses; ports are set by L4 */
	uint8_t proto;            /* IPPROTO_UDP, IPPROTO_TCP, ... */
	const uint8_t *p;         /* the L4 header and payload */
	size_t len;
	bool reassembled;         /* made of several fragments */
};

struct ip_stats {
	uint64_t packets;
	uint64_t fragments;
	uint64_t reassembled;
	uint64_t expired;         /* incomplete datagrams given up */
	uint64_t bad;             /* malformed or truncated headers */
};

struct ipreasm;

int  ipreasm_alloc(struct ipreasm **rp);
int  ip_decode(struct ipreasm *r, struct ip_pkt *out, int af,
	       const uint8_t *p, size_t len, uint64_t ts_ns);
const struct ip_stats *ipreasm_stats(const struct ipreasm *r);
size_t ipreasm_pending(const struct ipreasm *r);

/* sa_cmp(a, b, SA_ALL), the IPv4 case inline: for the paths that
 * compare addresses per segment or per ladder line */
static inline bool ip_sa_same(const struct sa *a, const struct sa *b)
{
	if (a->u.sa.sa_family == AF_INET && b->u.sa.sa_family == AF_INET)
		return a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr &&
			a->u.in.sin_port == b->u.in.sin_port;
	return sa_cmp(a, b, SA_ALL);
}

/* ip_decode returns 0 with *out filled (out->p valid until the next
 * call), EAGAIN when a fragment was stored and the datagram is not
 * complete yet, EBADMSG for a malformed or truncated packet. */

#endif
