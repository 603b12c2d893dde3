/**
 * @file msgq.h  The decoder's output, handed from its thread to the model's
 *
 * The analyser runs in two stages on two cores: one thread reads frames
 * and decodes them (pcapfile -> decoder), the other rebuilds and checks
 * the transfers and writes them out (model -> output). Between them, this
 * queue carries the decoder's events in the order they happened: a tick
 * (a frame's time), a message (its bytes copied into the queue and
 * decoded there, msgq_room: its lines and some of its fields on the
 * producer's thread, the others on the consumer's, which balances the
 * two (decoder.h); libre's decoding, wm->msg, does not travel: the
 * consumer gets NULL there, and the body as struct sipmsg's) or a
 * malformed message's error.
 *
 * Events travel in chunks of a few hundred, so the threads meet once per
 * chunk, not per message; at most MSGQ_CHUNKS chunks are in flight, which
 * bounds the memory (the producer waits for the consumer). One producer,
 * one consumer. A queue made with threaded false is no queue at all: each
 * event goes straight to its handler on the producer's call, which is
 * how a run goes on when no thread can be started.
 */
#ifndef REFERLAB_MSGQ_H
#define REFERLAB_MSGQ_H

#include "decode/decoder.h"

enum {
	MSGQ_CHUNK  = 256 * 1024,    /* bytes of events per chunk */
	MSGQ_CHUNKS = 8,             /* chunks in flight at most */
};

struct msgq_handlers {
	void (*tick)(uint64_t ts_ns, void *arg);
	decoder_msg_h *msg;
	decoder_err_h *err;
	void *arg;
};

struct msgq;

int  msgq_alloc(struct msgq **qp, const struct msgq_handlers *h,
		bool threaded);
/* the producer's side */
int  msgq_tick(struct msgq *q, uint64_t ts_ns);
struct sipmsg *msgq_room(struct msgq *q, size_t len, char **bytes);
unsigned msgq_ahead(const struct msgq *q);
int  msgq_msg(struct msgq *q, const struct wire_msg *wm);
int  msgq_err(struct msgq *q, uint64_t frame, const char *what);
void msgq_close(struct msgq *q);
/* the consumer's side */
bool msgq_drain(struct msgq *q);
void msgq_stats(const struct msgq *q, struct decoder_stats *st);

/* msgq_room: where the next message is to be decoded: *bytes has room
 * for its len bytes, the struct sipmsg returned for their decoding
 * (sipmsg_decode on the copy), which msgq_msg then takes as it is, with
 * no copy; NULL when the queue is not threaded (decode anywhere) or
 * has no memory. Any other event given meanwhile drops the room (a
 * message that could not be decoded). msgq_msg: wm->sm must be the
 * last msgq_room's (EINVAL otherwise; ENOMEM when that room could not be
 * had or was dropped). msgq_ahead: the fields (enum sipmsg_field) the
 * producer is to read of the messages it decodes into the queue: all of
 * them while the consumer is behind (more than half the chunks in
 * flight when the producer took its last one), none while it keeps up;
 * the consumer reads the rest (decoder_fields). So the work moves to
 * whichever thread is idle at the time: a fixed split suits one box at
 * one load only (README, analyze vs tshark). msgq_tick/msg/err: 0, or ENOMEM when no chunk
 * could be allocated (the event is lost; the caller reports it).
 * msgq_close: no more events; the last chunk goes out. msgq_drain:
 * waits for the next chunk and hands each of its events to its handler,
 * in order; false once the queue is closed and empty (then there is
 * nothing more to wait for). A message, decoded with its lines read
 * (msgq_room, decoder_room), gets its other fields read there first
 * (decoder_fields): the message handler, or the error handler with the
 * decoder's text if they fail. msgq_stats: the decoder's counts *st as
 * they are with those failures, once the queue is drained (moved from
 * sip, requests or responses to malformed). */

#endif
