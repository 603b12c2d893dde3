/**
 * @file tcp.h  TCP: per-direction stream reassembly
 *
 * Each direction of a connection is a stream of in-order bytes. Segments
 * that arrive early wait (at most TCP_MAX_OOO per stream); retransmitted
 * bytes are dropped; a hole that never fills is skipped and the consumer
 * is told, so it can look for the next message start. Streams close on
 * FIN/RST and are forgotten after TCP_IDLE seconds without a segment.
 */
#ifndef REFERLAB_TCP_H
#define REFERLAB_TCP_H

#include <re.h>

enum {
	TCP_MAX_OOO    = 64,
	TCP_MAX_BUF    = 256 * 1024,
	TCP_IDLE       = 300,        /* s of capture time */
};

struct tcp_stats {
	uint64_t segments;
	uint64_t retransmitted;      /* segments carrying only old bytes */
	uint64_t out_of_order;       /* segments that had to wait */
	uint64_t gaps;               /* holes skipped (bytes never captured) */
	uint64_t streams;
};

struct tcp_stream {
	struct le he;
	struct sa src, dst;
	struct mbuf *buf;            /* in-order bytes from pos to end */
	uint64_t last_frame;         /* frame that delivered the newest byte */
	uint64_t last_ts;
	bool gap;                    /* bytes were lost before buf's data */
	bool closed;                 /* FIN or RST seen */
	/* private */
	bool synced;
	uint32_t next_seq;
	struct list ooo;
};

struct tcpflows;

int  tcpflows_alloc(struct tcpflows **tfp);
int  tcp_input(struct tcpflows *tf, struct tcp_stream **sp,
	       const struct sa *src, const struct sa *dst, const uint8_t *p,
	       size_t len, uint64_t frame, uint64_t ts_ns);
void tcp_stream_consumed(struct tcp_stream *s);
void tcp_expire(struct tcpflows *tf, uint64_t now_ns);
typedef void (tcp_stream_h)(struct tcp_stream *s, void *arg);
void tcp_flush(struct tcpflows *tf, tcp_stream_h *h, void *arg);
const struct tcp_stats *tcpflows_stats(const struct tcpflows *tf);
size_t tcpflows_count(const struct tcpflows *tf);

/* tcp_input: *sp is the stream whose buffer got new bytes (NULL if
 * none). The caller consumes from s->buf (advancing pos), then calls
 * tcp_stream_consumed(), which also frees a closed stream.
 * tcp_flush: at the end of the capture, skip every remaining hole and
 * hand each stream with data to h one last time; then free them all. */

#endif
