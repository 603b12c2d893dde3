/**
 * @file replay_load.c  The transfers of a capture, with every message of their dialogs
 *
 * The analyser says which transfers there are and who sent each REFER;
 * replaying needs more than its ladder: every header of every message of
 * the dialog. So the capture is read twice: once through the analysis,
 * once through the decoder alone, keeping a decoded copy of each message
 * whose Call-ID belongs to a transfer.
 *
 * Which side sent a message is told by the tags, not by addresses (a TCP
 * dialog may use several connections, a NAT may rewrite ports): requests
 * of the referrer carry its tag in From, and every response carries the
 * requester's tag in From.
 */
#include <errno.h>
#include <string.h>
#include "decode/pcapfile.h"
#include "replay.h"

static void msg_destructor(void *arg)
{
	struct replay_msg *m = arg;

	mem_deref(m->msg);
}

static void dialog_destructor(void *arg)
{
	struct replay_dialog *d = arg;
	size_t i;

	list_flush(&d->msgs);
	for (i = 0; i < d->tc; i++)
		mem_deref(d->tv[i]);
	mem_deref(d->callid);
	mem_deref(d->file);
}

static void src_destructor(void *arg)
{
	struct replay_src *rs = arg;

	list_flush(&rs->dialogs);
	mem_deref(rs->a);
}

static struct replay_dialog *dialog_find(const struct replay_src *rs,
					 const struct pl *callid)
{
	struct le *le;

	for (le = list_head(&rs->dialogs); le; le = le->next) {
		struct replay_dialog *d = le->data;

		if (!pl_strcmp(callid, d->callid))
			return d;
	}
	return NULL;
}

/* One dialog per Call-ID, holding its transfers in REFER order. */
static int group_transfers(struct replay_src *rs)
{
	struct le *le;
	int err = 0;

	for (le = list_head(&rs->a->transfers); le && !err; le = le->next) {
		struct transfer *t = le->data;
		struct replay_dialog *d;
		struct pl cid;

		pl_set_str(&cid, t->callid);
		d = dialog_find(rs, &cid);
		if (!d) {
			d = mem_zalloc(sizeof(*d), dialog_destructor);
			if (!d)
				return ENOMEM;
			err = str_dup(&d->callid, t->callid);
			err |= str_dup(&d->file, t->file);
			d->iut = t->referrer;
			d->far = t->recipient;
			d->tp = t->tp;
			list_append(&rs->dialogs, &d->le, d);
		}
		if (d->tc < REPLAY_MAX_REFERS)
			d->tv[d->tc++] = mem_ref(t);
	}
	return err;
}

static int msg_copy(struct replay_msg **mp, const struct wire_msg *wm)
{
	const struct sip_msg *src = wm->msg;
	const char *start = src->req ? src->met.p : src->ver.p;
	const char *end = wm->body.p + wm->body.l;
	struct replay_msg *m;
	struct mbuf *mb;
	int err;

	if (!start || end < start)
		return EBADMSG;
	mb = mbuf_alloc(end - start);
	m = mem_zalloc(sizeof(*m), msg_destructor);
	if (!mb || !m) {
		err = ENOMEM;
		goto out;
	}
	err = mbuf_write_mem(mb, (const uint8_t *)start, end - start);
	mb->pos = 0;
	err = err ? err : sip_msg_decode(&m->msg, mb);
	if (err)
		goto out;
	m->body.p = (const char *)mbuf_buf(m->msg->mb);
	m->body.l = mbuf_get_left(m->msg->mb);
	m->frame = wm->frame;
	m->ts_ns = wm->ts_ns;
 out:
	mem_deref(mb);
	if (err)
		mem_deref(m);
	else
		*mp = m;
	return err;
}

static void collect_h(const struct wire_msg *wm, void *arg)
{
	struct replay_src *rs = arg;
	struct replay_dialog *d = dialog_find(rs, &wm->msg->callid);
	struct replay_msg *m = NULL;

	if (!d)
		return;
	if (d->nmsgs >= REPLAY_MAX_MSGS) {
		d->truncated = true;
		return;
	}
	if (msg_copy(&m, wm))
		return;   /* the analysis reported it already */
	m->idx = d->nmsgs++;
	list_append(&d->msgs, &m->le, m);
}

static int collect(struct replay_src *rs, const char *path, char *err,
		   size_t errsz)
{
	struct pcapfile *pf = NULL;
	struct decoder *dec = NULL;
	struct pcap_frame fr;
	int e;

	e = pcapfile_open(&pf, path, err, errsz);
	e = e ? e : decoder_alloc(&dec, collect_h, NULL, rs);
	while (!e && !pcapfile_next(pf, &fr))
		decoder_frame(dec, &fr);
	if (dec)
		decoder_flush(dec);
	mem_deref(dec);
	mem_deref(pf);
	return e;
}

static bool is_retrans(const struct replay_dialog *d,
		       const struct replay_msg *m)
{
	const struct sip_msg *a = m->msg;
	struct le *le;

	for (le = list_head(&d->msgs); le && le->data != m; le = le->next) {
		const struct replay_msg *o = le->data;
		const struct sip_msg *b = o->msg;

		if (o->from_far != m->from_far || a->req != b->req ||
		    a->scode != b->scode || a->cseq.num != b->cseq.num ||
		    pl_cmp(&a->cseq.met, &b->cseq.met) ||
		    pl_cmp(&a->via.branch, &b->via.branch))
			continue;
		return true;
	}
	return false;
}

/* The referrer's tag is the From tag of its REFERs. */
static void classify(struct replay_dialog *d)
{
	const struct sip_msg *refer = NULL;
	struct le *le;

	for (le = list_head(&d->msgs); le && !refer; le = le->next) {
		const struct replay_msg *m = le->data;

		if (m->frame == d->tv[0]->refer_frame && m->msg->req)
			refer = m->msg;
	}
	for (le = list_head(&d->msgs); le; le = le->next) {
		struct replay_msg *m = le->data;
		bool iut_tag = refer && !pl_cmp(&m->msg->from.tag,
						&refer->from.tag);

		m->from_far = m->msg->req ? !iut_tag : iut_tag;
		m->retrans = is_retrans(d, m);
		if (m->msg->req && !m->retrans &&
		    !pl_strcmp(&m->msg->met, "INVITE") &&
		    !pl_isset(&m->msg->to.tag))
			d->phone = !m->from_far;
	}
}

/* An accepted REFER whose subscription brought no final status, and the
 * referrer hung up: its verb ended on the notify timeout, which the
 * capture shows (whole seconds, rounded down: the hang-up follows the
 * timer). 0 when the capture does not tell. */
unsigned replay_notify_timeout_s(const struct transfer *t)
{
	struct derived dv;

	derive_outcome(t, &dv);
	if (t->scode / 100 != 2 || t->sub_false_granted || dv.final_status ||
	    !t->bye_frame || !t->bye_by_referrer || t->bye_ts <= t->resp_ts)
		return 0;
	return (t->bye_ts - t->resp_ts) / 1000000000ULL ?
		(unsigned)((t->bye_ts - t->resp_ts) / 1000000000ULL) : 1;
}

/* The analysis judges the transfers with the verb's notify timeout; when
 * a capture shows a shorter one, it is analysed again with it, so that
 * what the far end's silence broke is found as the replay will find it. */
static int analyse(struct replay_src *rs, const char *path, char *err,
		   size_t errsz)
{
	struct analysis_opts ao = ANALYSIS_OPTS_DEFAULT;
	unsigned shortest = ao.notify_timeout_ms / 1000, s;
	struct le *le;
	int e;

	e = analysis_file(&rs->a, path, &ao, err, errsz);
	if (e && (!rs->a || !rs->a->ntransfers))
		return e;
	for (le = list_head(&rs->a->transfers); le; le = le->next)
		if ((s = replay_notify_timeout_s(le->data)) && s < shortest)
			shortest = s;
	if (shortest * 1000 == ao.notify_timeout_ms)
		return 0;
	ao.notify_timeout_ms = shortest * 1000;
	rs->a = mem_deref(rs->a);
	e = analysis_file(&rs->a, path, &ao, err, errsz);
	return e && (!rs->a || !rs->a->ntransfers) ? e : 0;
}

int replay_load(struct replay_src **rsp, const char *path, char *err,
		size_t errsz)
{
	struct replay_src *rs;
	struct le *le;
	int e;

	rs = mem_zalloc(sizeof(*rs), src_destructor);
	if (!rs)
		return ENOMEM;
	e = analyse(rs, path, err, errsz);
	if (e)
		goto out;
	if (!rs->a->ntransfers) {
		re_snprintf(err, errsz, "%s: no REFER in the capture: nothing "
			    "to replay", path);
		e = ENOENT;
		goto out;
	}
	e = group_transfers(rs);
	e = e ? e : collect(rs, path, err, errsz);
	for (le = list_head(&rs->dialogs); le && !e; le = le->next)
		classify(le->data);
 out:
	if (e)
		mem_deref(rs);
	else
		*rsp = rs;
	return e;
}

struct replay_dialog *replay_dialog_of(const struct replay_src *rs,
				       unsigned transfer)
{
	struct le *le;
	size_t i;

	for (le = list_head(&rs->dialogs); le; le = le->next) {
		struct replay_dialog *d = le->data;

		for (i = 0; i < d->tc; i++)
			if (d->tv[i]->num == transfer)
				return d;
	}
	return NULL;
}

bool replay_is_invite_2xx(const struct replay_msg *m)
{
	return !m->msg->req && m->msg->scode / 100 == 2 &&
		!pl_strcmp(&m->msg->cseq.met, "INVITE");
}

/* The request a response answers: the last one before it from the other
 * side with the same CSeq (its first copy: retransmissions are not in the
 * scenario). */
const struct replay_msg *replay_request_of(const struct replay_dialog *d,
					   const struct replay_msg *resp)
{
	const struct replay_msg *req = NULL;
	struct le *le;

	for (le = list_head(&d->msgs); le && le->data != resp; le = le->next) {
		const struct replay_msg *m = le->data;

		if (m->msg->req && !m->retrans && m->from_far != resp->from_far &&
		    m->msg->cseq.num == resp->msg->cseq.num &&
		    !pl_cmp(&m->msg->cseq.met, &resp->msg->cseq.met))
			req = m;
	}
	return req;
}

const char *replay_unplayable(const struct replay_dialog *d, char *buf,
			      size_t sz)
{
	const struct replay_msg *first = list_ledata(list_head(&d->msgs));

	if (!first || !first->msg->req ||
	    pl_strcmp(&first->msg->met, "INVITE") ||
	    pl_isset(&first->msg->to.tag)) {
		re_snprintf(buf, sz, "%s: transfer %u: the dialog's INVITE is "
			    "not in the capture (it starts at frame %llu): "
			    "a replay needs the whole call", d->file,
			    d->tv[0]->num, first ? (unsigned long long)
			    first->frame : 0ULL);
		return buf;
	}
	if (d->truncated) {
		re_snprintf(buf, sz, "%s: transfer %u: the dialog has more "
			    "than %d messages", d->file, d->tv[0]->num,
			    REPLAY_MAX_MSGS);
		return buf;
	}
	return NULL;
}
