/**
 * @file pcapfile.c  Reading pcap and pcapng files one frame at a time
 *
 * Both formats in either byte order; pcap with µs or ns timestamps;
 * pcapng with any number of sections and interfaces (each its own link
 * type and timestamp resolution). Blocks and options we do not need are
 * skipped by their length, as the pcapng draft asks of readers.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <re.h>
#include "decode/pcapfile.h"

enum {
	PCAP_MAGIC_US = 0xa1b2c3d4,
	PCAP_MAGIC_NS = 0xa1b23c4d,
	PCAPNG_SHB    = 0x0a0d0d0a,
	PCAPNG_BOM    = 0x1a2b3c4d,
	PCAPNG_IDB    = 1,
	PCAPNG_OPB    = 2,   /* obsolete Packet Block */
	PCAPNG_SPB    = 3,
	PCAPNG_EPB    = 6,
	OPT_TSRESOL   = 9,
	MAX_RECORD    = 16 << 20,  /* larger than any real frame: corrupt */
	MAX_IFACES    = 256,
	READ_BUF      = 1 << 20,   /* window of a file we open */
};

struct iface {
	uint32_t linktype;
	uint64_t snaplen;
	uint8_t tsresol;      /* pcapng if_tsresol; 6 = µs */
};

struct pcapfile {
	FILE *f;
	bool own;
	char err[320];
	bool ng;
	bool swap;
	bool nsec;            /* pcap: nanosecond timestamps */
	uint32_t linktype;    /* pcap */
	struct iface ifaces[MAX_IFACES];
	unsigned n_ifaces;
	uint64_t offset;      /* of the next unread byte */
	uint64_t num;
	uint8_t *win;         /* read window: frames are handed out in place */
	size_t winsz, pos, end;
};

static void destructor(void *arg)
{
	struct pcapfile *pf = arg;

	if (pf->own && pf->f)
		fclose(pf->f);
	mem_deref(pf->win);
}

static int fail(struct pcapfile *pf, uint64_t off, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(pf->err, sizeof(pf->err), "offset %llu: %s",
		 (unsigned long long)off, what);
	return EBADMSG;
}

static uint32_t u32(const struct pcapfile *pf, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return pf->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct pcapfile *pf, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return pf->swap ? __builtin_bswap16(v) : v;
}

/* At least n bytes from the read position on in the window, when the
 * file has them. A file we opened is read a window at a time, straight
 * into it (no stdio buffer in between); a stream we were given (a pipe
 * from a live capture) only as far as asked, so frames come as soon as
 * they are written. */
static int refill(struct pcapfile *pf, size_t n)
{
	size_t avail = pf->end - pf->pos;

	if (pf->pos) {
		memmove(pf->win, pf->win + pf->pos, avail);
		pf->pos = 0;
		pf->end = avail;
	}
	if (n > pf->winsz || !pf->win) {
		size_t sz = MAX(n, (size_t)READ_BUF);
		/* libre's mem_realloc() wants an existing block */
		uint8_t *b = pf->win ? mem_realloc(pf->win, sz)
				     : mem_alloc(sz, NULL);

		if (!b)
			return ENOMEM;
		pf->win = b;
		pf->winsz = sz;
	}
	while (pf->end < n) {
		size_t want = pf->own ? pf->winsz - pf->end : n - pf->end;
		size_t got = fread(pf->win + pf->end, 1, want, pf->f);

		if (!got)
			break;
		pf->end += got;
	}
	return 0;
}

/* n bytes in place, valid until the next take(); a short read is a
 * truncated file. */
static int take(struct pcapfile *pf, size_t n, bool eof_ok,
		const uint8_t **p)
{
	size_t avail = pf->end - pf->pos;
	int err;

	if (avail < n) {
		err = refill(pf, n);
		if (err)
			return err;
		avail = pf->end - pf->pos;
	}
	if (avail < n) {
		if (avail == 0 && eof_ok && feof(pf->f))
			return ENOENT;
		if (ferror(pf->f))
			return fail(pf, pf->offset + avail, "read error: %m"),
				EIO;
		return fail(pf, pf->offset + avail, "file truncated (%zu of "
			    "%zu bytes)", avail, n);
	}
	*p = pf->win + pf->pos;
	pf->pos += n;
	pf->offset += n;
	return 0;
}

/* Read exactly n bytes into p */
static int readn(struct pcapfile *pf, void *p, size_t n, bool eof_ok)
{
	const uint8_t *src;
	int err = take(pf, n, eof_ok, &src);

	if (!err)
		memcpy(p, src, n);
	return err;
}

static uint64_t scale_ts(uint64_t ts, uint8_t resol)
{
	uint64_t p = 1;
	unsigned n = resol & 0x7f, i;

	if (resol & 0x80) {          /* 2^-n seconds */
		if (n >= 64)
			return 0;
		return (ts >> n) * 1000000000ULL +
			(((ts & ((1ULL << n) - 1)) * 1000000000ULL) >> n);
	}
	if (n <= 9) {
		for (i = n; i < 9; i++)
			p *= 10;
		return ts * p;
	}
	for (i = 9; i < n && i < 28; i++)
		p *= 10;
	return ts / p;
}

static int pcap_header(struct pcapfile *pf, uint32_t magic)
{
	uint8_t h[20];
	int err;

	pf->nsec = (magic == PCAP_MAGIC_NS ||
		    magic == __builtin_bswap32(PCAP_MAGIC_NS));
	pf->swap = (magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		    magic == __builtin_bswap32(PCAP_MAGIC_NS));
	err = readn(pf, h, sizeof(h), false);
	if (err)
		return err;
	if (u16(pf, h) != 2)
		return fail(pf, 4, "pcap major version %u, expected 2",
			    u16(pf, h));
	/* the upper bits carry FCS length flags, not the link type */
	pf->linktype = u32(pf, h + 16) & 0x03ffffff;
	return 0;
}

static int pcap_next(struct pcapfile *pf, struct pcap_frame *fr)
{
	uint64_t off = pf->offset;
	const uint8_t *data;
	uint8_t h[16];
	uint32_t incl;
	int err;

	err = readn(pf, h, sizeof(h), true);
	if (err)
		return err;
	incl = u32(pf, h + 8);
	if (incl > MAX_RECORD)
		return fail(pf, off, "frame %llu: record length %u is corrupt",
			    (unsigned long long)pf->num + 1, incl);
	err = take(pf, incl, false, &data);
	if (err == EBADMSG)
		return fail(pf, off, "frame %llu: record truncated (the file "
			    "ends inside it)", (unsigned long long)pf->num + 1);
	if (err)
		return err;

	fr->num = ++pf->num;
	fr->ts_ns = (uint64_t)u32(pf, h) * 1000000000ULL +
		(uint64_t)u32(pf, h + 4) * (pf->nsec ? 1 : 1000);
	fr->linktype = pf->linktype;
	fr->data = data;
	fr->caplen = incl;
	fr->origlen = u32(pf, h + 12);
	fr->offset = off;
	return 0;
}

/* A Section Header Block's byte-order magic decides how the whole
 * section reads; interfaces are numbered afresh in each section. */
static int ng_section(struct pcapfile *pf, uint64_t off)
{
	uint8_t bom[4];
	uint32_t v;
	int err;

	err = readn(pf, bom, sizeof(bom), false);
	if (err)
		return err;
	memcpy(&v, bom, 4);
	if (v == PCAPNG_BOM)
		pf->swap = false;
	else if (v == __builtin_bswap32(PCAPNG_BOM))
		pf->swap = true;
	else
		return fail(pf, off + 8, "pcapng byte-order magic is corrupt");
	pf->n_ifaces = 0;
	return 0;
}

static void ng_options(struct iface *ifc, const struct pcapfile *pf,
		       const uint8_t *p, size_t len)
{
	while (len >= 4) {
		uint16_t code = u16(pf, p), olen = u16(pf, p + 2);
		size_t padded = 4 + (((size_t)olen + 3) & ~(size_t)3);

		if (code == 0 || padded > len)
			return;
		if (code == OPT_TSRESOL && olen >= 1)
			ifc->tsresol = p[4];
		p += padded;
		len -= padded;
	}
}

static int ng_iface(struct pcapfile *pf, const uint8_t *body, size_t len,
		    uint64_t off)
{
	struct iface *ifc;

	if (len < 8)
		return fail(pf, off, "interface description block too short");
	if (pf->n_ifaces >= MAX_IFACES)
		return fail(pf, off, "more than %d interfaces", MAX_IFACES);
	ifc = &pf->ifaces[pf->n_ifaces++];
	ifc->linktype = u16(pf, body);
	ifc->snaplen = u32(pf, body + 4);
	ifc->tsresol = 6;
	ng_options(ifc, pf, body + 8, len - 8);
	return 0;
}

static int ng_packet(struct pcapfile *pf, uint32_t type, const uint8_t *body,
		     size_t len, uint64_t off, struct pcap_frame *fr)
{
	uint32_t ifid = 0, caplen, hdr;
	uint64_t ts = 0;

	if (type == PCAPNG_SPB) {
		if (len < 4)
			return fail(pf, off, "simple packet block too short");
		hdr = 4;
		fr->origlen = u32(pf, body);
		caplen = (uint32_t)MIN((size_t)fr->origlen, len - hdr);
	}
	else {
		if (len < 20)
			return fail(pf, off, "packet block too short");
		ifid = type == PCAPNG_EPB ? u32(pf, body) : u16(pf, body);
		ts = ((uint64_t)u32(pf, body + 4) << 32) | u32(pf, body + 8);
		caplen = u32(pf, body + 12);
		fr->origlen = u32(pf, body + 16);
		hdr = 20;
	}
	if (ifid >= pf->n_ifaces)
		return fail(pf, off, "frame %llu: interface %u not described",
			    (unsigned long long)pf->num + 1, ifid);
	if (caplen > len - hdr)
		return fail(pf, off, "frame %llu: captured length %u exceeds "
			    "its block", (unsigned long long)pf->num + 1,
			    caplen);
	fr->num = ++pf->num;
	fr->ts_ns = scale_ts(ts, pf->ifaces[ifid].tsresol);
	fr->linktype = pf->ifaces[ifid].linktype;
	fr->data = body + hdr;
	fr->caplen = caplen;
	fr->offset = off;
	return 0;
}

/* Each turn consumes one whole block (at least 12 bytes), so the loop
 * ends with the file. */
static int ng_next(struct pcapfile *pf, struct pcap_frame *fr)
{
	for (;;) {
		uint64_t off = pf->offset;
		uint32_t type, blen, rest;
		const uint8_t *body;
		uint8_t h[8];
		size_t len;
		int err;

		err = readn(pf, h, sizeof(h), true);
		if (err)
			return err;
		memcpy(&type, h, 4);  /* the SHB type reads the same both ways */
		if (type == PCAPNG_SHB) {
			err = ng_section(pf, off);
			if (err)
				return err;
		}
		type = u32(pf, h);
		blen = u32(pf, h + 4);
		if (blen < 12 || blen % 4 || blen > MAX_RECORD ||
		    (type == PCAPNG_SHB && blen < 28))
			return fail(pf, off, "block length %u is corrupt",
				    blen);
		rest = blen - 8 - (type == PCAPNG_SHB ? 4 : 0);
		err = take(pf, rest, false, &body);
		if (err)
			return err;
		len = rest - 4;   /* the trailing copy of the length */

		switch (type) {

		case PCAPNG_SHB:
			break;

		case PCAPNG_IDB:
			err = ng_iface(pf, body, len, off);
			if (err)
				return err;
			break;

		case PCAPNG_EPB:
		case PCAPNG_SPB:
		case PCAPNG_OPB:
			return ng_packet(pf, type, body, len, off, fr);

		default:
			break;   /* statistics, name resolution, custom... */
		}
	}
}

int pcapfile_next(struct pcapfile *pf, struct pcap_frame *fr)
{
	if (!pf || !fr)
		return EINVAL;
	return pf->ng ? ng_next(pf, fr) : pcap_next(pf, fr);
}

static int check_magic(struct pcapfile *pf)
{
	uint8_t m[4];
	uint32_t magic;
	int err;

	err = readn(pf, m, sizeof(m), true);
	if (err == ENOENT)
		return fail(pf, 0, "empty file, not a capture");
	if (err)
		return err;
	memcpy(&magic, m, 4);
	if (magic == PCAPNG_SHB) {
		/* the block loop reads the section header from the start,
		 * still in the window: no seek, so a pipe works too */
		pf->ng = true;
		pf->offset = 0;
		pf->pos = 0;
		return 0;
	}
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS ||
	    magic == __builtin_bswap32(PCAP_MAGIC_US) ||
	    magic == __builtin_bswap32(PCAP_MAGIC_NS))
		return pcap_header(pf, magic);
	return fail(pf, 0, "not a pcap or pcapng file (magic %02x%02x%02x%02x)",
		    m[0], m[1], m[2], m[3]);
}

static int open_stream(struct pcapfile **pfp, FILE *f, bool own,
		       char *errbuf, size_t errsz)
{
	struct pcapfile *pf;
	int err;

	pf = mem_zalloc(sizeof(*pf), destructor);
	if (!pf) {
		if (own)
			fclose(f);
		return ENOMEM;
	}
	pf->f = f;
	pf->own = own;

	err = check_magic(pf);
	if (err) {
		if (errbuf)
			str_ncpy(errbuf, pf->err, errsz);
		mem_deref(pf);
		return err;
	}
	*pfp = pf;
	return 0;
}

int pcapfile_fopen(struct pcapfile **pfp, FILE *f, char *errbuf,
		   size_t errsz)
{
	if (!pfp || !f)
		return EINVAL;
	return open_stream(pfp, f, false, errbuf, errsz);
}

int pcapfile_open(struct pcapfile **pfp, const char *path, char *errbuf,
		  size_t errsz)
{
	FILE *f;

	if (!pfp || !path)
		return EINVAL;
	f = fopen(path, "rb");
	if (!f) {
		int err = errno;

		if (errbuf)
			re_snprintf(errbuf, errsz, "cannot open: %m", err);
		return err;
	}
	/* reads of a whole window go straight into it: a stdio buffer
	 * would only copy every byte once more */
	(void)setvbuf(f, NULL, _IONBF, 0);
	return open_stream(pfp, f, true, errbuf, errsz);
}

const char *pcapfile_error(const struct pcapfile *pf)
{
	return pf && pf->err[0] ? pf->err : "no error";
}

const char *pcapfile_format(const struct pcapfile *pf)
{
	if (!pf)
		return "?";
	if (pf->ng)
		return "pcapng";
	return pf->nsec ? "pcap (ns)" : "pcap";
}
