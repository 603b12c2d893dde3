/**
 * @file pcapw.c  Writing SIP messages to a pcap file with synthesised headers
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <netinet/in.h>
#include "pcapw.h"

enum {
	LINKTYPE_RAW   = 101,    /* packets start with the IP header */
	SNAPLEN        = 262144,
	IP4_HLEN       = 20,
	IP6_HLEN       = 40,
	UDP_HLEN       = 8,
	TCP_HLEN       = 20,
	TCP_SEGMENT    = 64000,  /* keeps every IPv4 packet under 65535 */
	MAX_HDRS       = IP6_HLEN + TCP_HLEN,
};

/* One direction of a TCP connection: the next sequence number to use. */
struct flow {
	struct le le;
	struct sa src, dst;
	uint32_t next_seq;
};

struct pcapw {
	FILE *f;
	bool close;
	struct list flows;
	uint32_t count;
};

static void destructor(void *arg)
{
	struct pcapw *pw = arg;

	list_flush(&pw->flows);
	if (pw->f && pw->close)
		fclose(pw->f);
	else if (pw->f)
		fflush(pw->f);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The Internet checksum (RFC 1071), continued over several buffers. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t addr_bytes(const struct sa *sa, uint8_t *out)
{
	if (sa_af(sa) == AF_INET) {
		put32(out, sa_in(sa));
		return 4;
	}
	sa_in6(sa, out);
	return 16;
}

/* Sum of the pseudo header of RFC 768 / RFC 8200 §8.1. */
static uint32_t pseudo_sum(const struct sa *src, const struct sa *dst,
			   uint8_t proto, size_t l4len)
{
	uint8_t a[16], b[4];
	uint32_t sum = 0;
	size_t n;

	n = addr_bytes(src, a);
	sum = csum_add(sum, a, n);
	n = addr_bytes(dst, a);
	sum = csum_add(sum, a, n);
	put32(b, (uint32_t)l4len);
	sum = csum_add(sum, b, 4);
	b[0] = b[1] = b[2] = 0;
	b[3] = proto;
	return csum_add(sum, b, 4);
}

static size_t ip_header(uint8_t *h, const struct sa *src,
			const struct sa *dst, uint8_t proto, size_t l4len)
{
	if (sa_af(src) == AF_INET) {
		memset(h, 0, IP4_HLEN);
		h[0] = 0x45;
		put16(h + 2, (uint16_t)(IP4_HLEN + l4len));
		h[6] = 0x40;              /* don't fragment */
		h[8] = 64;                /* TTL */
		h[9] = proto;
		addr_bytes(src, h + 12);
		addr_bytes(dst, h + 16);
		put16(h + 10, csum_fold(csum_add(0, h, IP4_HLEN)));
		return IP4_HLEN;
	}
	memset(h, 0, IP6_HLEN);
	h[0] = 0x60;
	put16(h + 4, (uint16_t)l4len);
	h[6] = proto;
	h[7] = 64;                        /* hop limit */
	addr_bytes(src, h + 8);
	addr_bytes(dst, h + 24);
	return IP6_HLEN;
}

static struct flow *flow_get(struct pcapw *pw, const struct sa *src,
			     const struct sa *dst, bool create)
{
	struct flow *fl;
	struct le *le;

	for (le = pw->flows.head; le; le = le->next) {
		fl = le->data;
		if (sa_cmp(&fl->src, src, SA_ALL) &&
		    sa_cmp(&fl->dst, dst, SA_ALL))
			return fl;
	}
	if (!create)
		return NULL;
	fl = mem_zalloc(sizeof(*fl), NULL);
	if (!fl)
		return NULL;
	fl->src = *src;
	fl->dst = *dst;
	/* distinct, stable initial sequence numbers per direction */
	fl->next_seq = sa_hash(src, SA_ALL) ^ (sa_hash(dst, SA_ALL) << 1);
	list_append(&pw->flows, &fl->le, fl);
	return fl;
}

static int record(struct pcapw *pw, uint64_t ts_us, const uint8_t *hdr,
		  size_t hlen, const uint8_t *data, size_t len)
{
	uint8_t rec[16];
	uint32_t caplen = (uint32_t)(hlen + len);

	/* native byte order, as the magic number says */
	uint32_t v[4] = {(uint32_t)(ts_us / 1000000),
			 (uint32_t)(ts_us % 1000000), caplen, caplen};
	memcpy(rec, v, sizeof(rec));
	if (fwrite(rec, sizeof(rec), 1, pw->f) != 1 ||
	    fwrite(hdr, hlen, 1, pw->f) != 1 ||
	    (len && fwrite(data, len, 1, pw->f) != 1) || fflush(pw->f))
		return EIO;
	++pw->count;
	return 0;
}

static int write_udp(struct pcapw *pw, uint64_t ts_us, const struct sa *src,
		     const struct sa *dst, const uint8_t *data, size_t len)
{
	uint8_t hdr[MAX_HDRS], *udp;
	size_t l4len = UDP_HLEN + len, ihl;
	uint32_t sum;

	if (len > 65535 - IP6_HLEN - UDP_HLEN)
		return EMSGSIZE;
	ihl = ip_header(hdr, src, dst, IPPROTO_UDP, l4len);
	udp = hdr + ihl;
	put16(udp, sa_port(src));
	put16(udp + 2, sa_port(dst));
	put16(udp + 4, (uint16_t)l4len);
	put16(udp + 6, 0);
	sum = pseudo_sum(src, dst, IPPROTO_UDP, l4len);
	sum = csum_add(sum, udp, UDP_HLEN);
	sum = csum_add(sum, data, len);
	put16(udp + 6, csum_fold(sum) ? csum_fold(sum) : 0xffff);
	return record(pw, ts_us, hdr, ihl + UDP_HLEN, data, len);
}

static int write_tcp_segment(struct pcapw *pw, uint64_t ts_us,
			     const struct sa *src, const struct sa *dst,
			     const uint8_t *data, size_t len)
{
	struct flow *fwd = flow_get(pw, src, dst, true);
	struct flow *rev = flow_get(pw, dst, src, false);
	uint8_t hdr[MAX_HDRS], *tcp;
	size_t l4len = TCP_HLEN + len, ihl;
	uint32_t sum;

	if (!fwd)
		return ENOMEM;
	ihl = ip_header(hdr, src, dst, IPPROTO_TCP, l4len);
	tcp = hdr + ihl;
	memset(tcp, 0, TCP_HLEN);
	put16(tcp, sa_port(src));
	put16(tcp + 2, sa_port(dst));
	put32(tcp + 4, fwd->next_seq);
	put32(tcp + 8, rev ? rev->next_seq : 0);
	tcp[12] = (TCP_HLEN / 4) << 4;
	tcp[13] = rev ? 0x18 : 0x08;      /* PSH, and ACK once we know one */
	put16(tcp + 14, 65535);           /* window */
	sum = pseudo_sum(src, dst, IPPROTO_TCP, l4len);
	sum = csum_add(sum, tcp, TCP_HLEN);
	sum = csum_add(sum, data, len);
	put16(tcp + 16, csum_fold(sum));
	fwd->next_seq += (uint32_t)len;
	return record(pw, ts_us, hdr, ihl + TCP_HLEN, data, len);
}

static uint64_t now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

int pcapw_write(struct pcapw *pw, uint64_t ts_us, enum pcapw_proto proto,
		const struct sa *src, const struct sa *dst,
		const uint8_t *data, size_t len)
{
	size_t off = 0, n;
	int err = 0;

	if (!pw || !src || !dst || (!data && len))
		return EINVAL;
	if (sa_af(src) != sa_af(dst) ||
	    (sa_af(src) != AF_INET && sa_af(src) != AF_INET6))
		return EAFNOSUPPORT;
	if (!ts_us)
		ts_us = now_us();
	if (proto == PCAPW_UDP)
		return write_udp(pw, ts_us, src, dst, data, len);

	do {
		n = len - off > TCP_SEGMENT ? TCP_SEGMENT : len - off;
		err = write_tcp_segment(pw, ts_us, src, dst, data + off, n);
		off += n;
	} while (!err && off < len);
	return err;
}

int pcapw_open(struct pcapw **pwp, const char *path)
{
	struct pcapw *pw;
	/* pcap file header, native byte order, microsecond timestamps */
	const uint32_t magic = 0xa1b2c3d4, zone = 0, sigfigs = 0;
	const uint32_t snaplen = SNAPLEN, linktype = LINKTYPE_RAW;
	const uint16_t major = 2, minor = 4;
	int err = 0;

	if (!pwp || !path || !*path)
		return EINVAL;
	pw = mem_zalloc(sizeof(*pw), destructor);
	if (!pw)
		return ENOMEM;
	if (!strcmp(path, "-")) {
		pw->f = stdout;
	}
	else {
		pw->f = fopen(path, "wb");
		pw->close = true;
	}
	if (!pw->f) {
		err = errno ? errno : EIO;
		goto out;
	}
	if (fwrite(&magic, 4, 1, pw->f) != 1 ||
	    fwrite(&major, 2, 1, pw->f) != 1 ||
	    fwrite(&minor, 2, 1, pw->f) != 1 ||
	    fwrite(&zone, 4, 1, pw->f) != 1 ||
	    fwrite(&sigfigs, 4, 1, pw->f) != 1 ||
	    fwrite(&snaplen, 4, 1, pw->f) != 1 ||
	    fwrite(&linktype, 4, 1, pw->f) != 1 || fflush(pw->f))
		err = EIO;
 out:
	if (err)
		mem_deref(pw);
	else
		*pwp = pw;
	return err;
}

uint32_t pcapw_count(const struct pcapw *pw)
{
	return pw ? pw->count : 0;
}
