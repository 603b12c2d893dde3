/**
 * @file ip.c  IPv4 and IPv6, with fragment reassembly
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include "decode/ip.h"

enum {
	UNIT = 8,                               /* fragment offsets count 8 bytes */
	UNITS = (IP_MAX_DATAGRAM + UNIT) / UNIT,
};

/* One datagram being put together from its fragments. */
struct fragq {
	struct le le;
	int af;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
	uint64_t first_ts;
	size_t total;          /* known once the last fragment arrived */
	uint8_t have[UNITS / 8 + 1];
	uint8_t data[IP_MAX_DATAGRAM];
};

struct ipreasm {
	struct list q;         /* struct fragq, oldest first */
	uint8_t *out;          /* the last reassembled datagram */
	struct ip_stats st;
};

static void destructor(void *arg)
{
	struct ipreasm *r = arg;

	list_flush(&r->q);
	mem_deref(r->out);
}

int ipreasm_alloc(struct ipreasm **rp)
{
	struct ipreasm *r;

	if (!rp)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), destructor);
	if (!r)
		return ENOMEM;
	*rp = r;
	return 0;
}

const struct ip_stats *ipreasm_stats(const struct ipreasm *r)
{
	return r ? &r->st : NULL;
}

size_t ipreasm_pending(const struct ipreasm *r)
{
	return r ? list_count(&r->q) : 0;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void expire(struct ipreasm *r, uint64_t ts)
{
	struct le *le = list_head(&r->q);

	while (le) {
		struct fragq *fq = le->data;

		le = le->next;
		if ((int64_t)(ts - fq->first_ts) <=
		    (int64_t)IP_FRAG_TIMEOUT * 1000000000LL &&
		    list_count(&r->q) <= IP_MAX_PENDING)
			break;
		++r->st.expired;
		mem_deref(fq);
	}
}

static void fragq_destructor(void *arg)
{
	struct fragq *fq = arg;

	list_unlink(&fq->le);
}

static struct fragq *fragq_find(struct ipreasm *r, const struct ip_pkt *key,
				int af, uint32_t id)
{
	size_t alen = af == AF_INET ? 4 : 16;
	const void *s = af == AF_INET ? (const void *)&key->src.u.in.sin_addr
				      : (const void *)&key->src.u.in6.sin6_addr;
	const void *d = af == AF_INET ? (const void *)&key->dst.u.in.sin_addr
				      : (const void *)&key->dst.u.in6.sin6_addr;
	struct fragq *fq;
	struct le *le;

	for (le = list_head(&r->q); le; le = le->next) {
		fq = le->data;
		if (fq->af == af && fq->id == id && fq->proto == key->proto &&
		    !memcmp(fq->src, s, alen) && !memcmp(fq->dst, d, alen))
			return fq;
	}
	fq = mem_zalloc(sizeof(*fq), fragq_destructor);
	if (!fq)
		return NULL;
	fq->af = af;
	fq->id = id;
	fq->proto = key->proto;
	memcpy(fq->src, s, alen);
	memcpy(fq->dst, d, alen);
	list_append(&r->q, &fq->le, fq);
	return fq;
}

static bool fragq_complete(const struct fragq *fq)
{
	size_t u;

	if (!fq->total)
		return false;
	for (u = 0; u < (fq->total + UNIT - 1) / UNIT; u++)
		if (!(fq->have[u / 8] & (1u << (u % 8))))
			return false;
	return true;
}

/* Store one fragment; when the datagram is whole, hand it out in *out
 * (which already carries the addresses and protocol). Overlapping
 * fragments simply overwrite: captures show retransmitted copies. */
static int fragment(struct ipreasm *r, struct ip_pkt *out, uint32_t id,
		    size_t off, bool more, const uint8_t *p, size_t len,
		    uint64_t ts)
{
	int af = sa_af(&out->src);
	struct fragq *fq;
	size_t u;

	++r->st.fragments;
	if (off + len > IP_MAX_DATAGRAM || (more && len % UNIT))
		return EBADMSG;
	fq = fragq_find(r, out, af, id);
	if (!fq)
		return ENOMEM;
	if (!fq->first_ts)
		fq->first_ts = ts;
	memcpy(fq->data + off, p, len);
	for (u = off / UNIT; u < (off + len + UNIT - 1) / UNIT; u++)
		fq->have[u / 8] |= (uint8_t)(1u << (u % 8));
	if (!more)
		fq->total = off + len;
	if (!fragq_complete(fq)) {
		expire(r, ts);
		return EAGAIN;
	}

	r->out = mem_deref(r->out);
	r->out = mem_alloc(fq->total ? fq->total : 1, NULL);
	if (!r->out)
		return ENOMEM;
	memcpy(r->out, fq->data, fq->total);
	out->p = r->out;
	out->len = fq->total;
	out->reassembled = true;
	++r->st.reassembled;
	mem_deref(fq);
	return 0;
}

static int ipv4(struct ipreasm *r, struct ip_pkt *out, const uint8_t *p,
		size_t len, uint64_t ts)
{
	size_t hlen, tlen;
	uint16_t frag;
	uint32_t a;

	if (len < 20 || (p[0] >> 4) != 4)
		return EBADMSG;
	hlen = (size_t)(p[0] & 0x0f) * 4;
	tlen = be16(p + 2);
	if (hlen < 20 || tlen < hlen || tlen > len)
		return EBADMSG;   /* truncated by the snap length, or corrupt */

	out->proto = p[9];
	memcpy(&a, p + 12, 4);
	sa_init(&out->src, AF_INET);
	out->src.u.in.sin_addr.s_addr = a;
	memcpy(&a, p + 16, 4);
	sa_init(&out->dst, AF_INET);
	out->dst.u.in.sin_addr.s_addr = a;

	frag = be16(p + 6);
	if (frag & 0x3fff)        /* MF set or a non-zero offset */
		return fragment(r, out, be16(p + 4), (size_t)(frag & 0x1fff) * 8,
				frag & 0x2000, p + hlen, tlen - hlen, ts);
	out->p = p + hlen;        /* the total length drops Ethernet padding */
	out->len = tlen - hlen;
	return 0;
}

static bool ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51;
}

static int ipv6(struct ipreasm *r, struct ip_pkt *out, const uint8_t *p,
		size_t len, uint64_t ts)
{
	size_t off = 40, end;
	uint8_t nh;
	int hops = 0;

	if (len < 40 || (p[0] >> 4) != 6)
		return EBADMSG;
	end = 40 + (size_t)be16(p + 4);
	if (end > len)
		return EBADMSG;
	sa_set_in6(&out->src, p + 8, 0);
	sa_set_in6(&out->dst, p + 24, 0);

	nh = p[6];
	while (ipv6_ext(nh) && hops++ < 8) {
		size_t elen;

		if (off + 8 > end)
			return EBADMSG;
		elen = nh == 51 ? ((size_t)p[off + 1] + 2) * 4
				: ((size_t)p[off + 1] + 1) * 8;
		nh = p[off];
		off += elen;
	}
	if (off > end)
		return EBADMSG;
	if (nh == 44) {           /* Fragment header, RFC 8200 §4.5 */
		uint16_t fo;

		if (off + 8 > end)
			return EBADMSG;
		out->proto = p[off];
		fo = be16(p + off + 2);
		return fragment(r, out, be32(p + off + 4), fo & 0xfff8,
				fo & 1, p + off + 8, end - off - 8, ts);
	}
	out->proto = nh;
	out->p = p + off;
	out->len = end - off;
	return 0;
}

int ip_decode(struct ipreasm *r, struct ip_pkt *out, int af,
	      const uint8_t *p, size_t len, uint64_t ts_ns)
{
	int err;

	if (!r || !out || !p)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	++r->st.packets;
	err = af == AF_INET6 ? ipv6(r, out, p, len, ts_ns)
			     : ipv4(r, out, p, len, ts_ns);
	if (err == EBADMSG)
		++r->st.bad;
	return err;
}
