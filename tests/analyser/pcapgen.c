/**
 * @file pcapgen.c  Writing captures for the tests
 */
#include <string.h>
#include <netinet/in.h>
#include "pcapgen.h"

enum { MAX_IFACES = 8, MAX_FRAME = 70000 };

struct pcapgen {
	FILE *f;
	enum pg_format fmt;
	bool swap;
	uint32_t linktype[MAX_IFACES];
	uint8_t tsresol[MAX_IFACES];
	unsigned n;
	uint16_t ipid;
};

static uint32_t o32(const struct pcapgen *g, uint32_t v)
{
	return g->swap ? __builtin_bswap32(v) : v;
}

static uint16_t o16(const struct pcapgen *g, uint16_t v)
{
	return g->swap ? __builtin_bswap16(v) : v;
}

static void put32(const struct pcapgen *g, uint32_t v)
{
	v = o32(g, v);
	fwrite(&v, 4, 1, g->f);
}

static void put16(const struct pcapgen *g, uint16_t v)
{
	v = o16(g, v);
	fwrite(&v, 2, 1, g->f);
}

static bool is_ng(const struct pcapgen *g)
{
	return g->fmt == PG_PCAPNG || g->fmt == PG_PCAPNG_SWAPPED;
}

int pcapgen_block(struct pcapgen *g, uint32_t type, const uint8_t *body,
		  size_t len)
{
	static const uint8_t pad[4];
	uint32_t total = (uint32_t)(12 + ((len + 3) & ~(size_t)3));

	put32(g, type);
	put32(g, total);
	fwrite(body, 1, len, g->f);
	fwrite(pad, 1, ((len + 3) & ~(size_t)3) - len, g->f);
	put32(g, total);
	return ferror(g->f) ? EIO : 0;
}

int pcapgen_iface(struct pcapgen *g, uint32_t linktype, uint8_t tsresol)
{
	uint8_t body[20];
	uint16_t v16;
	uint32_t v32;

	if (g->n >= MAX_IFACES)
		return -1;
	g->linktype[g->n] = linktype;
	g->tsresol[g->n] = tsresol;
	if (!is_ng(g))
		return (int)g->n++;
	v16 = o16(g, (uint16_t)linktype);
	memcpy(body, &v16, 2);
	memset(body + 2, 0, 2);
	v32 = o32(g, 65535);
	memcpy(body + 4, &v32, 4);
	v16 = o16(g, 9);                /* if_tsresol */
	memcpy(body + 8, &v16, 2);
	v16 = o16(g, 1);
	memcpy(body + 10, &v16, 2);
	body[12] = tsresol;
	memset(body + 13, 0, 3);
	memset(body + 16, 0, 4);        /* opt_endofopt */
	(void)pcapgen_block(g, 1, body, sizeof(body));
	return (int)g->n++;
}

static void destructor(void *arg)
{
	struct pcapgen *g = arg;

	fflush(g->f);
}

int pcapgen_open(struct pcapgen **gp, FILE *f, enum pg_format fmt,
		 uint32_t linktype)
{
	struct pcapgen *g = mem_zalloc(sizeof(*g), destructor);

	if (!g)
		return ENOMEM;
	g->f = f;
	g->fmt = fmt;
	g->swap = fmt == PG_PCAP_SWAPPED || fmt == PG_PCAPNG_SWAPPED;
	g->ipid = 0x1000;
	if (is_ng(g)) {
		uint8_t shb[16];
		uint32_t bom = o32(g, 0x1a2b3c4d);
		uint16_t v;
		uint64_t sl = UINT64_MAX;

		memcpy(shb, &bom, 4);
		v = o16(g, 1);
		memcpy(shb + 4, &v, 2);
		v = o16(g, 0);
		memcpy(shb + 6, &v, 2);
		memcpy(shb + 8, &sl, 8);
		/* the SHB type reads the same in both byte orders */
		(void)pcapgen_block(g, 0x0a0d0d0a, shb, sizeof(shb));
		(void)pcapgen_iface(g, linktype, 9);
	}
	else {
		put32(g, fmt == PG_PCAP_NS ? 0xa1b23c4d : 0xa1b2c3d4);
		put16(g, 2);
		put16(g, 4);
		put32(g, 0);
		put32(g, 0);
		put32(g, 65535);
		put32(g, linktype);
		(void)pcapgen_iface(g, linktype, 6);
	}
	*gp = g;
	return 0;
}

int pcapgen_raw(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		const uint8_t *frame, size_t len)
{
	if (iface >= g->n)
		return EINVAL;
	if (is_ng(g)) {
		uint8_t *body = mem_alloc(20 + len, NULL);
		uint64_t ts = g->tsresol[iface] == 9 ? ts_ns : ts_ns / 1000;
		uint32_t v[5] = {o32(g, iface), o32(g, (uint32_t)(ts >> 32)),
				 o32(g, (uint32_t)ts), o32(g, (uint32_t)len),
				 o32(g, (uint32_t)len)};
		int err;

		if (!body)
			return ENOMEM;
		memcpy(body, v, 20);
		memcpy(body + 20, frame, len);
		err = pcapgen_block(g, 6, body, 20 + len);
		mem_deref(body);
		return err;
	}
	put32(g, (uint32_t)(ts_ns / 1000000000ULL));
	put32(g, (uint32_t)(ts_ns % 1000000000ULL /
			    (g->fmt == PG_PCAP_NS ? 1 : 1000)));
	put32(g, (uint32_t)len);
	put32(g, (uint32_t)len);
	fwrite(frame, 1, len, g->f);
	return ferror(g->f) ? EIO : 0;
}

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

/* Link header for an IP packet of family af; returns its length. */
static size_t link_hdr(uint8_t *p, uint32_t lt, int af)
{
	uint16_t et = af == AF_INET6 ? 0x86dd : 0x0800;
	uint32_t fam = af == AF_INET6 ? 30 : 2;

	switch (lt) {
	case 1:                                   /* Ethernet + 802.1Q */
		memset(p, 0, 12);
		p[5] = 1;
		p[11] = 2;
		be16(p + 12, 0x8100);
		be16(p + 14, 42);
		be16(p + 16, et);
		return 18;
	case 113:                                 /* SLL */
		memset(p, 0, 16);
		be16(p + 2, 772);
		be16(p + 14, et);
		return 16;
	case 276:                                 /* SLL2 */
		memset(p, 0, 20);
		be16(p, et);
		be16(p + 8, 772);
		return 20;
	case 0:                                   /* NULL: host order */
		memcpy(p, &fam, 4);
		return 4;
	case 108:                                 /* LOOP: network order */
		be32(p, fam);
		return 4;
	default:                                  /* raw IP */
		return 0;
	}
}

static size_t ip_hdr(struct pcapgen *g, uint8_t *p, const struct sa *src,
		     const struct sa *dst, uint8_t proto, size_t len,
		     uint16_t id, size_t off, bool more, bool frag)
{
	if (sa_af(src) == AF_INET6) {
		size_t h = frag ? 48 : 40;

		memset(p, 0, h);
		p[0] = 0x60;
		be16(p + 4, (uint16_t)(len + h - 40));
		p[6] = frag ? 44 : proto;
		p[7] = 64;
		memcpy(p + 8, &src->u.in6.sin6_addr, 16);
		memcpy(p + 24, &dst->u.in6.sin6_addr, 16);
		if (frag) {
			p[40] = proto;
			be16(p + 42, (uint16_t)(off | (more ? 1 : 0)));
			be32(p + 44, id);
		}
		return h;
	}
	(void)g;
	memset(p, 0, 20);
	p[0] = 0x45;
	be16(p + 2, (uint16_t)(len + 20));
	be16(p + 4, id);
	be16(p + 6, (uint16_t)((more ? 0x2000 : 0) | (off / 8)));
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &src->u.in.sin_addr, 4);
	memcpy(p + 16, &dst->u.in.sin_addr, 4);
	return 20;
}

static int ip_out(struct pcapgen *g, unsigned iface, uint64_t ts,
		  const struct sa *src, const struct sa *dst, uint8_t proto,
		  const uint8_t *l4, size_t len, uint16_t id, size_t off,
		  bool more, bool frag)
{
	static uint8_t frame[MAX_FRAME];
	size_t n = link_hdr(frame, g->linktype[iface], sa_af(src));

	n += ip_hdr(g, frame + n, src, dst, proto, len, id, off, more, frag);
	memcpy(frame + n, l4, len);
	return pcapgen_raw(g, iface, ts, frame, n + len);
}

static size_t udp_build(uint8_t *out, const struct sa *src,
			const struct sa *dst, const void *payload, size_t len)
{
	be16(out, sa_port(src));
	be16(out + 2, sa_port(dst));
	be16(out + 4, (uint16_t)(len + 8));
	be16(out + 6, 0);
	if (len)
		memcpy(out + 8, payload, len);
	return len + 8;
}

int pcapgen_udp_frags(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		      const struct sa *src, const struct sa *dst,
		      const void *payload, size_t len, size_t mtu,
		      const unsigned *order, size_t n)
{
	static uint8_t dgram[MAX_FRAME];
	size_t total = udp_build(dgram, src, dst, payload, len);
	size_t chunk = (mtu - 48) & ~(size_t)7, nfrag, i;
	uint16_t id = ++g->ipid;
	int err = 0;

	nfrag = (total + chunk - 1) / chunk;
	for (i = 0; i < (order ? n : nfrag) && !err; i++) {
		size_t k = order ? order[i] : i, off = k * chunk;
		size_t l = off + chunk < total ? chunk : total - off;

		if (k >= nfrag)
			continue;
		err = ip_out(g, iface, ts_ns + i * 1000, src, dst,
			     IPPROTO_UDP, dgram + off, l, id, off,
			     k + 1 < nfrag, true);
	}
	return err;
}

int pcapgen_udp(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		const struct sa *src, const struct sa *dst,
		const void *payload, size_t len, size_t mtu)
{
	static uint8_t dgram[MAX_FRAME];
	size_t total;

	if (len + 8 + 48 > mtu)
		return pcapgen_udp_frags(g, iface, ts_ns, src, dst, payload,
					 len, mtu, NULL, 0);
	total = udp_build(dgram, src, dst, payload, len);
	return ip_out(g, iface, ts_ns, src, dst, IPPROTO_UDP, dgram, total,
		      ++g->ipid, 0, false, false);
}

int pcapgen_tcp(struct pcapgen *g, unsigned iface, uint64_t ts_ns,
		const struct sa *src, const struct sa *dst, uint32_t seq,
		uint8_t flags, const void *payload, size_t len)
{
	static uint8_t seg[MAX_FRAME];

	memset(seg, 0, 20);
	be16(seg, sa_port(src));
	be16(seg + 2, sa_port(dst));
	be32(seg + 4, seq);
	seg[12] = 5 << 4;
	seg[13] = flags;
	be16(seg + 14, 65535);
	if (len)
		memcpy(seg + 20, payload, len);
	return ip_out(g, iface, ts_ns, src, dst, IPPROTO_TCP, seg, len + 20,
		      ++g->ipid, 0, false, false);
}

int pcapgen_ip(struct pcapgen *g, unsigned iface, uint64_t ts_ns, int af,
	       const uint8_t *ip, size_t len)
{
	static uint8_t frame[MAX_FRAME];
	size_t n;

	if (iface >= g->n || len > MAX_FRAME - 32)
		return EINVAL;
	n = link_hdr(frame, g->linktype[iface], af);
	memcpy(frame + n, ip, len);
	return pcapgen_raw(g, iface, ts_ns, frame, n + len);
}
