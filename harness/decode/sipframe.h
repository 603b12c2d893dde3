/**
 * @file sipframe.h  SIP framing: where a message starts and ends
 *
 * SIP is recognised by its start line, not by port. Over a stream the
 * message ends Content-Length bytes after the blank line (RFC 3261
 * §18.3), CRLF keep-alives (RFC 5626 §3.5.1) sit between messages; a
 * datagram holds one message.
 */
#ifndef REFERLAB_SIPFRAME_H
#define REFERLAB_SIPFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sipframe_res {
	SIPFRAME_MSG,        /* a whole message of f->len bytes */
	SIPFRAME_MORE,       /* a message has begun; wait for more bytes */
	SIPFRAME_KEEPALIVE,  /* f->len bytes of CRLF */
	SIPFRAME_NOT_SIP,    /* does not start like SIP */
	SIPFRAME_BAD,        /* starts like SIP, cannot be framed: f->why */
};

struct sipframe {
	size_t len;
	bool no_clen;        /* no Content-Length: tolerated, reported */
	char why[128];
};

enum sipframe_res sipframe_stream(struct sipframe *f, const uint8_t *p,
				  size_t len);
enum sipframe_res sipframe_datagram(struct sipframe *f, const uint8_t *p,
				    size_t len);
enum sipframe_res sipframe_datagram_start(struct sipframe *f,
					  const uint8_t *p, size_t len);
struct sipmsg;
bool sipframe_scanned(struct sipframe *f, const struct sipmsg *m,
		      size_t len);
bool sipframe_stream_starts(const uint8_t *p, size_t len);
bool sipframe_stream_scanned(struct sipframe *f, const struct sipmsg *m,
			     size_t len);
size_t sipframe_resync(const uint8_t *p, size_t len);

/* sipframe_datagram_start, sipframe_scanned: sipframe_datagram in two
 * halves around the scanner, so that the header lines are read once.
 * The first takes what it can from the start line (KEEPALIVE, NOT_SIP,
 * BAD) or returns SIPFRAME_MORE: SIP, to be scanned; then, with m the
 * scanner's reading of all len bytes of the datagram (sipmsg_decode,
 * without an error), the second fills f as sipframe_datagram would and
 * returns true when that would say SIPFRAME_MSG, else false: a case
 * the scanner's findings do not settle (a bad Content-Length, a blank
 * line of CRs...), for sipframe_datagram to frame, errors and all.
 *
 * sipframe_stream_starts, sipframe_stream_scanned: the same for a
 * stream's len bytes: the first true when they begin with a whole SIP
 * start line (sipframe_stream would frame them past it), the second
 * then, with m the scanner's reading of all len bytes, true when
 * sipframe_stream would say SIPFRAME_MSG, f filled as it would be; a
 * false from either: sipframe_stream to frame them (MORE, BAD ...).
 *
 * sipframe_resync: the offset of the next line that starts a SIP
 * message and is followed by a header (or of a trailing partial line),
 * for use after a hole or when a capture joins a connection midway. */

#endif
