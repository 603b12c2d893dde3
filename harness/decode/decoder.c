/**
 * @file decoder.c  The decoding pipeline: frames in, SIP messages out
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include "decode/decoder.h"
#include "decode/link.h"
#include "decode/sipframe.h"
#include "decode/sipmsg.h"

enum { EXPIRE_EVERY = 1024 };   /* frames between sweeps of idle streams */
enum { STREAM_AHEAD = 4096 };   /* bytes of a stream read before framing */

struct decoder {
	struct ipreasm *ip;
	struct tcpflows *tcp;
	decoder_msg_h *msgh;
	decoder_err_h *errh;
	decoder_room_h *roomh;
	void *arg;
	struct decoder_stats st;
	uint64_t frame, ts;          /* the frame being decoded */
	uint32_t bad_linktype;       /* last unsupported link type reported */
	bool flushing;               /* the capture has ended */
	bool views_only;             /* no libre sip_msg per message */
	unsigned ahead;              /* fields read here of one in a room */
	struct sipmsg sm;            /* the message being handed out */
};

static void destructor(void *arg)
{
	struct decoder *d = arg;

	mem_deref(d->tcp);
	mem_deref(d->ip);
}

int decoder_alloc(struct decoder **dp, decoder_msg_h *msgh,
		  decoder_err_h *errh, void *arg)
{
	struct decoder *d;
	int err;

	if (!dp || !msgh)
		return EINVAL;
	d = mem_zalloc(sizeof(*d), destructor);
	if (!d)
		return ENOMEM;
	d->msgh = msgh;
	d->errh = errh;
	d->arg = arg;
	d->bad_linktype = UINT32_MAX;
	err = ipreasm_alloc(&d->ip);
	if (!err)
		err = tcpflows_alloc(&d->tcp);
	if (err)
		mem_deref(d);
	else
		*dp = d;
	return err;
}

static void report(struct decoder *d, uint64_t frame, const char *fmt, ...)
{
	char what[DECODER_WHAT];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (d->errh)
		d->errh(frame, what, d->arg);
}

/* libre's sip_msg for the consumers that want one (replay, reports);
 * it also holds the message's bytes, so wm->body points into it. */
static int libre_decode(struct decoder *d, struct wire_msg *wm,
			struct mbuf **mbp, const uint8_t *p, size_t len)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb = mbuf_alloc(len + 1);
	int err;

	if (!mb)
		return ENOMEM;
	(void)mbuf_write_mem(mb, p, len);
	mb->pos = 0;
	err = sip_msg_decode(&msg, mb);
	if (err) {
		report(d, d->frame, "SIP message cannot be decoded (%m)", err);
		mem_deref(mb);
		return err;
	}
	wm->msg = msg;
	wm->body.p = (const char *)mbuf_buf(mb);
	wm->body.l = mbuf_get_left(mb);
	*mbp = mb;
	return 0;
}

/* Where a message of len bytes is decoded: a copy in the handler's
 * room (decoder_room), *p then pointing at it, else the decoder's own
 * struct and the bytes where they are. */
static struct sipmsg *place(struct decoder *d, const uint8_t **p, size_t len)
{
	struct sipmsg *sm = NULL;
	char *bytes;

	d->ahead = 0;
	if (d->roomh)
		sm = d->roomh(len, &bytes, &d->ahead, d->arg);
	if (!sm)
		return &d->sm;
	memcpy(bytes, *p, len);
	*p = (const uint8_t *)bytes;
	return sm;
}

int decoder_fields(struct sipmsg *sm, char *what, size_t sz)
{
	const char *why = NULL, *miss;

	if (sipmsg_fields(sm, SIPMSG_FIELDS, &why)) {
		(void)re_snprintf(what, sz, "SIP message cannot be decoded: "
				  "%s", why);
		return EBADMSG;
	}
	miss = sipmsg_missing(sm);
	if (miss) {
		(void)re_snprintf(what, sz, "SIP %s without a valid %s header",
				  sm->req ? "request" : "response", miss);
		return EBADMSG;
	}
	return 0;
}

/* A message sipmsg_lines read (err, why) to the handler, or why not:
 * its fields read here, unless it is in the handler's room: then only
 * those the handler asked for here (d->ahead), the others on its side
 * (decoder_room);
 * when one of those fails, the message is read whole here, for the
 * error of its first field that fails, as sipmsg_decode gives it. */
static void hand_out(struct decoder *d, const struct sa *src,
		     const struct sa *dst, enum sip_transp tp,
		     struct sipmsg *sm, int err, const char *why,
		     bool no_clen)
{
	struct mbuf *mb = NULL;
	struct wire_msg wm;
	char what[DECODER_WHAT];

	if (err) {
		++d->st.malformed;
		report(d, d->frame, "SIP message cannot be decoded: %s", why);
		return;
	}
	if ((sm == &d->sm || sipmsg_fields(sm, d->ahead, NULL)) &&
	    decoder_fields(sm, what, sizeof(what))) {
		++d->st.malformed;
		report(d, d->frame, "%s", what);
		return;
	}
	memset(&wm, 0, sizeof(wm));
	wm.frame = d->frame;
	wm.ts_ns = d->ts;
	wm.src = *src;
	wm.dst = *dst;
	wm.tp = tp;
	wm.sm = sm;
	wm.body = sm->body;
	wm.no_clen = no_clen;
	if (!d->views_only &&
	    libre_decode(d, &wm, &mb, (const uint8_t *)sm->raw.p, sm->raw.l)) {
		++d->st.malformed;
		return;
	}
	++d->st.sip;
	++*(sm->req ? &d->st.requests : &d->st.responses);
	d->msgh(&wm, d->arg);
	mem_deref((void *)wm.msg);
	mem_deref(mb);
}

static void sip_message(struct decoder *d, const struct sa *src,
			const struct sa *dst, const uint8_t *p, size_t len,
			bool no_clen)
{
	struct sipmsg *sm = place(d, &p, len);
	const char *why = NULL;
	int err = sipmsg_lines(sm, (const char *)p, len, &why);

	hand_out(d, src, dst, SIP_TRANSP_TCP, sm, err, why, no_clen);
}

/* A stream's bytes read before they are framed, as a datagram is
 * (sip_datagram), instead of framing reading every header line first
 * and the scanner again. They are read in the handler's room, where
 * the message is to be (so nothing is moved once read): the first
 * STREAM_AHEAD of them, which holds all of most messages (more than one
 * message can be waiting; a longer one takes the long way). The bytes
 * of the message read; 0 when the reading does not settle where it
 * ends (an unended message, a scanner error ...): sipframe_stream then
 * frames it and sip_message reads it, errors and all. */
static size_t stream_scanned(struct decoder *d, const struct tcp_stream *s,
			     const uint8_t *p, size_t left)
{
	size_t n = left < STREAM_AHEAD ? left : STREAM_AHEAD;
	struct sipmsg *sm;
	struct sipframe f;

	/* bytes that do not end a line end no message, most likely (a
	 * body ends with CRLF too): a segment of one is framed first, not
	 * read ahead only to find that (once a segment, a read each) */
	if (p[left - 1] != '\n' || !sipframe_stream_starts(p, left))
		return 0;
	sm = place(d, &p, n);
	if (sipmsg_lines(sm, (const char *)p, n, NULL) ||
	    !sipframe_stream_scanned(&f, sm, n))
		return 0;
	sipmsg_cut(sm, f.len);
	hand_out(d, &s->src, &s->dst, SIP_TRANSP_TCP, sm, 0, NULL,
		 f.no_clen);
	return f.len;
}

static void udp_malformed(struct decoder *d, const char *why)
{
	++d->st.malformed;
	report(d, d->frame, "SIP over UDP: %s", why);
}

/* A datagram that starts like SIP: scanned whole first, so that
 * framing can take the blank line and Content-Length from the scanner
 * instead of reading every header line again; the rare datagram whose
 * framing that does not settle is framed and scanned as before. */
static void sip_datagram(struct decoder *d, const struct sa *src,
			 const struct sa *dst, const uint8_t *p, size_t len)
{
	const uint8_t *at = p;
	struct sipmsg *sm = place(d, &at, len);
	const char *why = NULL;
	struct sipframe f;
	int err = sipmsg_lines(sm, (const char *)at, len, &why);

	if (!err && sipframe_scanned(&f, sm, len)) {
		sipmsg_cut(sm, f.len);
		hand_out(d, src, dst, SIP_TRANSP_UDP, sm, 0, NULL, f.no_clen);
		return;
	}
	switch (sipframe_datagram(&f, p, len)) {
	case SIPFRAME_MSG:
		why = NULL;
		err = sipmsg_lines(sm, (const char *)at, f.len, &why);
		hand_out(d, src, dst, SIP_TRANSP_UDP, sm, err, why,
			 f.no_clen);
		break;
	case SIPFRAME_BAD:
		udp_malformed(d, f.why);
		break;
	default:
		break;                /* sipframe_datagram_start took these */
	}
}

static void udp(struct decoder *d, const struct ip_pkt *ip)
{
	struct sa src = ip->src, dst = ip->dst;
	struct sipframe f;
	size_t ulen;

	if (ip->len < 8)
		return;
	++d->st.udp;
	ulen = (size_t)(ip->p[4] << 8 | ip->p[5]);
	if (ulen < 8 || ulen > ip->len)
		ulen = ip->len;       /* lenient: trust what was captured */
	sa_set_port(&src, (uint16_t)(ip->p[0] << 8 | ip->p[1]));
	sa_set_port(&dst, (uint16_t)(ip->p[2] << 8 | ip->p[3]));

	switch (sipframe_datagram_start(&f, ip->p + 8, ulen - 8)) {
	case SIPFRAME_MORE:
		sip_datagram(d, &src, &dst, ip->p + 8, ulen - 8);
		break;
	case SIPFRAME_KEEPALIVE:
		++d->st.keepalives;
		break;
	case SIPFRAME_BAD:
		udp_malformed(d, f.why);
		break;
	default:
		break;                /* RTP, DNS, ...: not ours */
	}
}

/* Take every whole message off the front of the stream's buffer. Each
 * turn consumes bytes or stops, so the loop ends with the buffer. */
static void stream_h(struct tcp_stream *s, void *arg)
{
	struct decoder *d = arg;
	struct mbuf *mb = s->buf;
	struct sipframe f;
	bool more = false;

	if (s->gap)
		mb->pos += sipframe_resync(mbuf_buf(mb), mbuf_get_left(mb));

	while (mbuf_get_left(mb) && !more) {
		const uint8_t *p = mbuf_buf(mb);
		size_t left = mbuf_get_left(mb), n;

		n = stream_scanned(d, s, p, left);
		if (n) {
			mb->pos += n;
			continue;
		}
		switch (sipframe_stream(&f, p, left)) {
		case SIPFRAME_MSG:
			sip_message(d, &s->src, &s->dst, p, f.len,
				    f.no_clen);
			mb->pos += f.len;
			break;
		case SIPFRAME_KEEPALIVE:
			++d->st.keepalives;
			mb->pos += f.len;
			break;
		case SIPFRAME_MORE:
			more = true;
			break;
		case SIPFRAME_BAD:
			++d->st.malformed;
			report(d, d->frame, "SIP over TCP: %s", f.why);
			/*@fallthrough@*/
		case SIPFRAME_NOT_SIP:
			/* skip this line, then to the next message start */
			mb->pos += 1 + sipframe_resync(p + 1, left - 1);
			break;
		}
	}
	if (more && s->closed) {
		++d->st.malformed;
		report(d, s->last_frame, "SIP over TCP: message cut short "
		       "by the end of the %s (%zu bytes)",
		       d->flushing ? "capture" : "connection",
		       mbuf_get_left(mb));
		mb->pos = mb->end;
	}
	tcp_stream_consumed(s);
}

static void tcp(struct decoder *d, const struct ip_pkt *ip)
{
	struct tcp_stream *s;
	int err;

	++d->st.tcp;
	err = tcp_input(d->tcp, &s, &ip->src, &ip->dst, ip->p, ip->len,
			d->frame, d->ts);
	if (err == EBADMSG)
		report(d, d->frame, "TCP header truncated or corrupt");
	if (s)
		stream_h(s, d);
}

static void unsupported(struct decoder *d, uint32_t linktype)
{
	++d->st.unsupported_link;
	if (d->bad_linktype == linktype)
		return;
	d->bad_linktype = linktype;
	report(d, d->frame, "link type %u is not supported; its frames are "
	       "skipped", linktype);
}

void decoder_frame(struct decoder *d, const struct pcap_frame *fr)
{
	struct link_pkt lp;
	struct ip_pkt ip;
	int err;

	if (!d || !fr)
		return;
	d->frame = fr->num;
	d->ts = fr->ts_ns;
	++d->st.frames;

	err = link_decode(&lp, fr->linktype, fr->data, fr->caplen);
	if (err == ENOTSUP)
		return unsupported(d, fr->linktype);
	if (err == ENOENT)
		return (void)++d->st.not_ip;
	if (err)
		return (void)++d->st.bad_link;

	err = ip_decode(d->ip, &ip, lp.af, lp.p, lp.len, fr->ts_ns);
	if (!err && ip.proto == IPPROTO_UDP)
		udp(d, &ip);
	else if (!err && ip.proto == IPPROTO_TCP)
		tcp(d, &ip);

	if (fr->num % EXPIRE_EVERY == 0)
		tcp_expire(d->tcp, fr->ts_ns);
}

/* The end of the capture: what TCP still holds is all there will be. */
void decoder_flush(struct decoder *d)
{
	if (!d)
		return;
	d->flushing = true;
	tcp_flush(d->tcp, stream_h, d);
}

void decoder_views_only(struct decoder *d)
{
	if (d)
		d->views_only = true;
}

void decoder_room(struct decoder *d, decoder_room_h *roomh)
{
	if (d)
		d->roomh = roomh;
}

const struct decoder_stats *decoder_stats(struct decoder *d)
{
	if (!d)
		return NULL;
	d->st.ip = *ipreasm_stats(d->ip);
	d->st.tcps = *tcpflows_stats(d->tcp);
	return &d->st;
}
