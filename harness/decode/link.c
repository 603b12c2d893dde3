/**
 * @file link.c  Link layer: strip the frame header down to the IP packet
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "decode/link.h"

enum {
	ETHERTYPE_IPV4  = 0x0800,
	ETHERTYPE_IPV6  = 0x86dd,
	ETHERTYPE_VLAN  = 0x8100,
	ETHERTYPE_QINQ  = 0x88a8,
	ETHERTYPE_QINQ_OLD = 0x9100,
	MAX_VLAN_TAGS   = 8,
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int by_ethertype(struct link_pkt *out, uint16_t type,
			const uint8_t *p, size_t len)
{
	if (type == ETHERTYPE_IPV4)
		out->af = AF_INET;
	else if (type == ETHERTYPE_IPV6)
		out->af = AF_INET6;
	else
		return ENOENT;
	out->p = p;
	out->len = len;
	return 0;
}

/* The version nibble decides, for link types that carry bare IP. */
static int by_version(struct link_pkt *out, const uint8_t *p, size_t len)
{
	if (len < 1)
		return EBADMSG;
	switch (p[0] >> 4) {
	case 4:  return by_ethertype(out, ETHERTYPE_IPV4, p, len);
	case 6:  return by_ethertype(out, ETHERTYPE_IPV6, p, len);
	default: return ENOENT;
	}
}

static int ethernet(struct link_pkt *out, const uint8_t *p, size_t len)
{
	size_t off = 12;
	uint16_t type;
	int tags = 0;

	if (len < 14)
		return EBADMSG;
	type = be16(p + off);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	       type == ETHERTYPE_QINQ_OLD) {
		if (++tags > MAX_VLAN_TAGS || len < off + 8)
			return EBADMSG;
		off += 4;
		type = be16(p + off);
	}
	off += 2;
	return by_ethertype(out, type, p + off, len - off);
}

/* BSD NULL stores the address family in the capturing host's byte
 * order, LOOP in network order; IPv6 has a different number on each
 * BSD (24, 28, 30) and on Linux (10). */
static int bsd_null(struct link_pkt *out, const uint8_t *p, size_t len,
		    bool network_order)
{
	uint32_t fam;

	if (len < 4)
		return EBADMSG;
	if (network_order)
		fam = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
	else {
		memcpy(&fam, p, 4);
		if (fam > 0xffff)
			fam = __builtin_bswap32(fam);
	}
	switch (fam) {
	case 2:
		return by_ethertype(out, ETHERTYPE_IPV4, p + 4, len - 4);
	case 10: case 24: case 28: case 30:
		return by_ethertype(out, ETHERTYPE_IPV6, p + 4, len - 4);
	default:
		return ENOENT;
	}
}

int link_decode(struct link_pkt *out, uint32_t linktype, const uint8_t *p,
		size_t len)
{
	if (!out || !p)
		return EINVAL;

	switch (linktype) {

	case LINKTYPE_ETHERNET:
		return ethernet(out, p, len);

	case LINKTYPE_LINUX_SLL:
		if (len < 16)
			return EBADMSG;
		return by_ethertype(out, be16(p + 14), p + 16, len - 16);

	case LINKTYPE_LINUX_SLL2:
		if (len < 20)
			return EBADMSG;
		return by_ethertype(out, be16(p), p + 20, len - 20);

	case LINKTYPE_NULL:
		return bsd_null(out, p, len, false);

	case LINKTYPE_LOOP:
		return bsd_null(out, p, len, true);

	case LINKTYPE_RAW:
	case 12:           /* DLT_RAW on some BSDs */
	case 14:           /* DLT_RAW on OpenBSD */
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		return by_version(out, p, len);

	default:
		return ENOTSUP;
	}
}

bool link_supported(uint32_t linktype)
{
	struct link_pkt out;

	return link_decode(&out, linktype, (const uint8_t *)"", 0) != ENOTSUP;
}

const char *link_name(uint32_t linktype)
{
	switch (linktype) {
	case LINKTYPE_NULL:       return "NULL";
	case LINKTYPE_ETHERNET:   return "Ethernet";
	case LINKTYPE_RAW:
	case 12: case 14:         return "raw IP";
	case LINKTYPE_LOOP:       return "LOOP";
	case LINKTYPE_LINUX_SLL:  return "Linux SLL";
	case LINKTYPE_IPV4:       return "raw IPv4";
	case LINKTYPE_IPV6:       return "raw IPv6";
	case LINKTYPE_LINUX_SLL2: return "Linux SLL2";
	default:                  return "unsupported";
	}
}
