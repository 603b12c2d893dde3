/**
 * @file decoder.h  The decoding pipeline: frames in, SIP messages out
 *
 *   pcap frame -> link -> IP (fragments) -> UDP | TCP (streams)
 *              -> SIP framing -> sipmsg scanner -> msg handler
 *
 * Each message comes as a struct sipmsg, slices of the frame's bytes
 * (sipmsg.h). By default it also comes decoded by libre (wm->msg) for
 * consumers written against libre's API; decoder_views_only() drops
 * that, and with it every allocation per message (the analyser's path).
 *
 * decoder_room() lets the handler's side say where each message is to
 * be decoded: roomh gives room for a copy of its len bytes in *bytes
 * and a struct sipmsg, or NULL for the decoder's own; the decoder
 * copies the bytes there and decodes the copy, so that wm->sm and its
 * slices already live where the handler keeps them (msgq.h). Such a
 * message comes with its lines and some of its fields read
 * (sipmsg_lines, sipmsg_fields), not yet all: the handler's side calls
 * decoder_fields() on it before it reads them, and takes a failure for
 * the error the decoder would have reported there, so that part of the
 * fields' work runs on the handler's thread: roomh sets *ahead (preset
 * to none) to the fields (enum sipmsg_field) to read on the decoder's.
 *
 * The decoder never knows where frames come from (file, live capture,
 * a test's byte arrays). Each message is handed to the handler once,
 * with the number of the frame that completed it (as Wireshark shows
 * reassembled PDUs); a message that starts like SIP but cannot be
 * decoded goes to the error handler with its frame number instead.
 */
#ifndef REFERLAB_DECODER_H
#define REFERLAB_DECODER_H

#include <re.h>
#include "decode/ip.h"
#include "decode/pcapfile.h"
#include "decode/sipmsg.h"
#include "decode/tcp.h"

enum { DECODER_WHAT = 256 };   /* an error handler's text, at most */

struct wire_msg {
	uint64_t frame;
	uint64_t ts_ns;
	struct sa src, dst;
	enum sip_transp tp;          /* SIP_TRANSP_UDP or SIP_TRANSP_TCP */
	const struct sipmsg *sm;     /* valid during the handler only */
	const struct sip_msg *msg;   /* the same by libre; NULL if views only */
	struct pl body;              /* Content-Length bytes after the headers */
	bool no_clen;                /* no Content-Length header */
};

struct decoder_stats {
	uint64_t frames;
	uint64_t not_ip;             /* ARP, LLDP, ... */
	uint64_t bad_link;           /* truncated link headers */
	uint64_t unsupported_link;   /* frames of link types we do not read */
	uint64_t udp, tcp;
	uint64_t sip;                /* messages decoded */
	uint64_t requests, responses;
	uint64_t malformed;          /* reported to the error handler */
	uint64_t keepalives;
	struct ip_stats ip;
	struct tcp_stats tcps;
};

typedef void (decoder_msg_h)(const struct wire_msg *wm, void *arg);
typedef void (decoder_err_h)(uint64_t frame, const char *what, void *arg);
typedef struct sipmsg *(decoder_room_h)(size_t len, char **bytes,
				       unsigned *ahead, void *arg);

struct decoder;

int  decoder_alloc(struct decoder **dp, decoder_msg_h *msgh,
		   decoder_err_h *errh, void *arg);
void decoder_frame(struct decoder *d, const struct pcap_frame *fr);
void decoder_flush(struct decoder *d);
void decoder_views_only(struct decoder *d);
void decoder_room(struct decoder *d, decoder_room_h *roomh);
const struct decoder_stats *decoder_stats(struct decoder *d);
int  decoder_fields(struct sipmsg *sm, char *what, size_t sz);

/* decoder_fields: the fields of a message read with its lines
 * (decoder_room): 0, or EBADMSG with what the error handler is told
 * of a message that fails them (sipmsg_fields, or sipmsg_missing) in
 * what, sz bytes (DECODER_WHAT as the decoder's). */

#endif
