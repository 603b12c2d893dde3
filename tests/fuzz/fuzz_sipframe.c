/**
 * @file fuzz_sipframe.c  libFuzzer target: SIP framing over a stream and a
 *                        datagram, resynchronisation after a hole, and the
 *                        analyser's SIP scanner on every framed message
 *
 * The stream is fed the way tcp.c feeds it: frame, consume what was
 * framed, resync on garbage, until nothing is left. Every length the
 * framer returns must lie inside the bytes it was given, and so must
 * every slice the scanner hands out (decoder.c passes them on as is).
 */
#include <stdlib.h>
#include <string.h>
#include "decode/sipframe.h"
#include "decode/sipmsg.h"

static const uint8_t *lo, *hi;      /* the framed message */

static void inside(const struct pl *pl)
{
	if (pl->l && ((const uint8_t *)pl->p < lo ||
		      (const uint8_t *)pl->p + pl->l > hi))
		abort();
}

static void addr_inside(const struct sipmsg_addr *a)
{
	inside(&a->dname);
	inside(&a->auri);
	inside(&a->scheme);
	inside(&a->user);
	inside(&a->params);
	inside(&a->tag);
}

static bool value_h(const struct pl *val, void *arg)
{
	struct sipmsg_addr a;

	(void)arg;
	inside(val);
	if (!sipmsg_addr_decode(&a, val))
		addr_inside(&a);
	return false;
}

static void scan(const uint8_t *p, size_t len)
{
	static struct sipmsg m;
	static const enum sip_hdrid ids[] = {
		SIP_HDR_VIA, SIP_HDR_CONTACT, SIP_HDR_ROUTE, SIP_HDR_REFER_TO,
		SIP_HDR_EVENT, SIP_HDR_RECORD_ROUTE};
	const char *why = NULL;
	unsigned i;

	lo = p;
	hi = p + len;
	if (sipmsg_decode(&m, (const char *)p, len, &why)) {
		if (!why)
			abort();          /* every refusal says why */
		return;
	}
	if (m.nhdrs > SIPMSG_MAX_HDRS)
		abort();
	for (i = 0; i < m.nhdrs; i++) {
		inside(&m.hdr[i].name);
		inside(&m.hdr[i].val);
	}
	inside(&m.met);
	inside(&m.ruri);
	inside(&m.reason);
	inside(&m.callid);
	inside(&m.cseq.met);
	inside(&m.via.sentby);
	inside(&m.via.branch);
	inside(&m.ctyp.type);
	inside(&m.ctyp.subtype);
	inside(&m.body);
	addr_inside(&m.from);
	addr_inside(&m.to);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		(void)sipmsg_apply(&m, ids[i], value_h, NULL);
	(void)sipmsg_missing(&m);
}

/* f2, framed from the scanner's reading of whole, must be f1, framed
 * the old way (res), and the message framed must read as whole does */
static void agree_or_abort(enum sipframe_res res, const struct sipframe *f1,
			   const struct sipframe *f2, struct sipmsg *whole,
			   const uint8_t *p)
{
	static struct sipmsg framed;

	if (res != SIPFRAME_MSG || f1->len != f2->len ||
	    f1->no_clen != f2->no_clen)
		abort();
	sipmsg_cut(whole, f2->len);
	if (sipmsg_lines(&framed, (const char *)p, f1->len, NULL) ||
	    sipmsg_size(whole) != sipmsg_size(&framed) ||
	    memcmp(whole, &framed, sipmsg_size(whole)))
		abort();
}

/* A datagram framed from the scanner's reading of all of it
 * (sipframe_scanned, the analyser's way) must frame and read exactly as
 * sipframe_datagram then the scanner on what it framed. Its reading is
 * of the lines only (sipmsg_lines): the analyser frames before it reads
 * the fields, on the other thread, and a message whose fields fail is
 * framed so too. */
static void datagram_two_ways(const uint8_t *p, size_t len)
{
	static struct sipmsg whole;
	struct sipframe f1, f2;
	enum sipframe_res res = sipframe_datagram(&f1, p, len);
	enum sipframe_res start = sipframe_datagram_start(&f2, p, len);

	if (start != SIPFRAME_MORE) {
		if (start != res || (res == SIPFRAME_BAD &&
				     strcmp(f1.why, f2.why)))
			abort();
		return;
	}
	memset(&f2, 0xa5, sizeof(f2));   /* all of it filled anew */
	if (sipmsg_lines(&whole, (const char *)p, len, NULL) ||
	    !sipframe_scanned(&f2, &whole, len))
		return;
	agree_or_abort(res, &f1, &f2, &whole, p);
}
/* The same for a stream (sipframe_stream_starts and _scanned, the
 * analyser's way over TCP), also when it reads only the first of the
 * bytes waiting (decoder.c): where it frames a message it must frame
 * as sipframe_stream does on all of them, and read as the scanner reads
 * what that framed. */
static void stream_two_ways(const uint8_t *p, size_t len)
{
	static struct sipmsg whole;
	struct sipframe f1, f2;
	enum sipframe_res res = sipframe_stream(&f1, p, len);
	size_t n;

	if (!sipframe_stream_starts(p, len))
		return;
	for (n = len; n; n /= 2) {
		if (sipmsg_lines(&whole, (const char *)p, n, NULL) ||
		    !sipframe_stream_scanned(&f2, &whole, n))
			continue;
		agree_or_abort(res, &f1, &f2, &whole, p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipframe f;
	size_t off = 0, skip;
	unsigned rounds;

	if (sipframe_datagram(&f, data, size) == SIPFRAME_MSG)
		scan(data, f.len);
	datagram_two_ways(data, size);

	for (rounds = 0; off < size && rounds < 100000; rounds++) {
		stream_two_ways(data + off, size - off);
		switch (sipframe_stream(&f, data + off, size - off)) {

		case SIPFRAME_MSG:
		case SIPFRAME_KEEPALIVE:
			if (f.len == 0 || f.len > size - off)
				abort();
			scan(data + off, f.len);
			off += f.len;
			break;

		case SIPFRAME_MORE:
			return 0;

		default:
			skip = sipframe_resync(data + off + 1, size - off - 1);
			if (skip > size - off - 1)
				abort();
			off += 1 + skip;
			break;
		}
	}
	return 0;
}
