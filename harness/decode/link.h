/**
 * @file link.h  Link layer: strip the frame header down to the IP packet
 *
 * Ethernet (with 802.1Q/802.1ad tags), Linux cooked SLL and SLL2, BSD
 * NULL and LOOP, and raw IPv4/IPv6 link types.
 */
#ifndef REFERLAB_LINK_H
#define REFERLAB_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	LINKTYPE_NULL      = 0,
	LINKTYPE_ETHERNET  = 1,
	LINKTYPE_RAW       = 101,
	LINKTYPE_LOOP      = 108,
	LINKTYPE_LINUX_SLL = 113,
	LINKTYPE_IPV4      = 228,
	LINKTYPE_IPV6      = 229,
	LINKTYPE_LINUX_SLL2 = 276,
};

struct link_pkt {
	int af;                /* AF_INET or AF_INET6 */
	const uint8_t *p;      /* the IP header */
	size_t len;
};

bool link_supported(uint32_t linktype);
int  link_decode(struct link_pkt *out, uint32_t linktype, const uint8_t *p,
		 size_t len);
const char *link_name(uint32_t linktype);

/* link_decode returns 0, ENOENT for a frame that is not IP (ARP, LLDP),
 * ENOTSUP for a link type we do not read, EBADMSG for a truncated one. */

#endif
