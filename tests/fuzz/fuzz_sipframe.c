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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipframe f;
	size_t off = 0, skip;
	unsigned rounds;

	if (sipframe_datagram(&f, data, size) == SIPFRAME_MSG)
		scan(data, f.len);

	for (rounds = 0; off < size && rounds < 100000; rounds++) {
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
