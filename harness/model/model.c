/**
 * @file model.c  Messages -> transactions -> dialogs (the transfer half
 *                is in transfer.c)
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "model/model_int.h"

/* ~3000 dialogs are live at once in a synth capture at any size; a
 * bucket for every few of them keeps lookups to one or two compares */
enum { HASH_BUCKETS = 8192 };   /* a power of two */

/* A switch on the length, then compares of constant size that the
 * compiler makes loads (a table walk with memcmp calls was 0.6 % of a
 * run) */
enum model_method model_method(const struct pl *met)
{
#define IS(name) (!memcmp(met->p, name, sizeof(name) - 1))
	switch (met->l) {
	case 3:
		return IS("ACK") ? MM_ACK : IS("BYE") ? MM_BYE : MM_OTHER;
	case 5:
		return IS("REFER") ? MM_REFER : MM_OTHER;
	case 6:
		return IS("INVITE") ? MM_INVITE : IS("CANCEL") ? MM_CANCEL :
			IS("NOTIFY") ? MM_NOTIFY : MM_OTHER;
	case 7:
		return IS("OPTIONS") ? MM_OPTIONS : MM_OTHER;
	default:
		return MM_OTHER;
	}
#undef IS
}

/* A transaction from the model's slabs (slab.c), with room for a branch
 * of size bytes: a longer branch has an allocation of its own */
static struct trans *trans_take(struct model *m, size_t size)
{
	char *own = NULL;
	struct trans *tr;

	if (size > BRANCH_ROOM && !(own = mem_alloc(size, NULL)))
		return NULL;
	tr = slab_take(&m->trans_pool);
	if (!tr)
		return mem_deref(own);
	memset(tr, 0, offsetof(struct trans, room));
	tr->branch = own ? own : tr->room;
	return tr;
}

/* Out of its dialog (the caller unlinks it, or drops the whole list) */
static void trans_drop(struct model *m, struct trans *tr)
{
	if (tr->branch != tr->room)
		mem_deref(tr->branch);
	slab_give(&m->trans_pool, tr);
}

/* A dialog back to the model's slabs, with its transactions; its
 * ladder stays with the transfers that hold it */
static void dialog_free(struct model *m, struct dialog *d)
{
	struct le *le, *next;

	if (d->hprev) {
		*d->hprev = d->hnext;
		if (d->hnext)
			d->hnext->hprev = d->hprev;
	}
	list_unlink(&d->le);
	list_unlink(&d->idle_le);
	for (le = list_head(&d->trans); le; le = next) {
		next = le->next;
		trans_drop(m, le->data);
	}
	list_flush(&d->transfers);
	mem_deref(d->ladder);     /* with callid, tags, contacts, routes,
				     call info */
	slab_give(&m->dialog_pool, d);
}

/* The strings are the dialog's, in its ladder, which the transfer
 * holds. */
void callinfo_copy(struct callinfo *dst, const struct callinfo *src)
{
	*dst = *src;
}

/* The calling and called numbers and the caller's name, spec §7. */
static void call_from_invite(struct dialog *d, const struct sipmsg *msg)
{
	struct callinfo *ci = &d->call;
	struct pl dname = msg->from.dname;

	if (ci->from)
		return;
	ci->from = ladder_strdup(d->ladder, &msg->from.user);
	ci->to = ladder_strdup(d->ladder, &msg->to.user);
	if (dname.l >= 2 && dname.p[0] == '"' && dname.p[dname.l - 1] == '"') {
		++dname.p;
		dname.l -= 2;
	}
	ci->caller_name = ladder_strdup(d->ladder, &dname);
}

static void model_destructor(void *arg)
{
	struct model *m = arg;
	struct le *le;

	while ((le = list_head(&m->order)))
		dialog_free(m, le->data);
	mem_deref(m->due);
	mem_deref(m->table);      /* after the dialogs, which unlink */
	slab_flush(&m->trans_pool);
	slab_flush(&m->dialog_pool);
	mem_deref(m->pool);
}

int model_alloc(struct model **mp, const struct model_opts *opts,
		model_transfer_h *th, model_finding_h *fh, void *arg)
{
	struct model *m;
	int err;

	if (!mp || !opts)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), model_destructor);
	if (!m)
		return ENOMEM;
	m->opts = *opts;
	m->th = th;
	m->fh = fh;
	m->arg = arg;
	slab_init(&m->trans_pool, sizeof(struct trans), TRANS_SLAB);
	slab_init(&m->dialog_pool, sizeof(struct dialog), DIALOG_SLAB);
	m->pool = ladder_pool_alloc();
	m->table = mem_zalloc(HASH_BUCKETS * sizeof(*m->table), NULL);
	err = m->pool && m->table ? 0 : ENOMEM;
	if (err)
		mem_deref(m);
	else
		*mp = m;
	return err;
}

void model_global(struct model *m, enum rule_id id, uint64_t frame,
		  const char *fmt, ...)
{
	struct list l = LIST_INIT;
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (finding_add(&l, &m->opts.rules, id, frame, "%s", text))
		return;
	if (!list_isempty(&l) && m->fh)
		m->fh(list_head(&l)->data, m->arg);
	list_flush(&l);
}

void model_malformed(struct model *m, uint64_t frame, const char *what)
{
	if (m)
		model_global(m, R_MALFORMED, frame, "%s", what);
}

/* The dialog table's key: 8 bytes of the Call-ID a step (libre's
 * hash_joaat went byte by byte: 2.5 % of a run) */
static uint32_t callid_hash(const struct pl *id)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ id->l, w;
	size_t i;

	for (i = 0; i + 8 <= id->l; i += 8) {
		memcpy(&w, id->p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	w = 0;
	if (id->l > i && id->l >= 8) {
		/* the tail as the end of the last 8 bytes, shifted down: the
		 * same value on a little-endian host without a memcpy call
		 * of variable size for every message */
		memcpy(&w, id->p + id->l - 8, 8);
		w >>= 8 * (8 - (id->l - i));
	}
	else if (id->l > i) {
		memcpy(&w, id->p + i, id->l - i);
	}
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* The dialog of a Call-ID in the table: the keys compared before the
 * Call-IDs, without a call per entry (libre's hash_lookup called a
 * compare function for each through list_apply: 2 % of the model) */
static struct dialog *dialog_find(const struct model *m, uint32_t key,
				  const struct pl *callid)
{
	struct dialog *d;

	for (d = m->table[key & (HASH_BUCKETS - 1)]; d; d = d->hnext)
		if (d->key == key && d->callid_len == callid->l &&
		    !memcmp(d->callid, callid->p, callid->l))
			return d;
	return NULL;
}

static void dialog_link(struct model *m, struct dialog *d)
{
	struct dialog **head = &m->table[d->key & (HASH_BUCKETS - 1)];

	d->hnext = *head;
	if (d->hnext)
		d->hnext->hprev = &d->hnext;
	d->hprev = head;
	*head = d;
}

static struct dialog *dialog_get(struct model *m, const struct pl *callid)
{
	uint32_t key = callid_hash(callid);
	struct dialog *d = dialog_find(m, key, callid);

	if (d)
		return d;
	d = slab_take(&m->dialog_pool);
	if (!d)
		return NULL;
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->uac = -1;
	d->ladder = ladder_alloc(m->pool);
	d->callid = d->ladder ? ladder_strdup(d->ladder, callid) : NULL;
	if (!d->callid) {
		mem_deref(d->ladder);
		slab_give(&m->dialog_pool, d);
		return NULL;
	}
	d->callid_len = callid->l;
	d->key = key;
	dialog_link(m, d);
	list_append(&m->order, &d->le, d);
	list_append(&m->idle, &d->idle_le, d);
	d->seq = ++m->next_seq;
	++m->st.dialogs;
	if (++m->live > m->st.dialogs_live_max)
		m->st.dialogs_live_max = m->live;
	return d;
}

/* pl_strcmp(pl, d->tag[s]) == 0, with the tag's strlen kept */
static bool tag_is(const struct dialog *d, int s, const struct pl *pl)
{
	return d->tag[s] && pl->l == d->tag_len[s] &&
		(!pl->l || !memcmp(pl->p, d->tag[s], pl->l));
}

static void tag_set(struct dialog *d, int s, const struct pl *tag)
{
	d->tag[s] = ladder_strdup(d->ladder, tag);
	d->tag_len[s] = d->tag[s] ? strlen(d->tag[s]) : 0;
}

/* Side 0 is whoever sent the first request we saw with this Call-ID. */
static int request_side(struct dialog *d, const struct sipmsg *msg)
{
	int s;

	for (s = 0; s < 2; s++)
		if (tag_is(d, s, &msg->from.tag))
			return s;
	for (s = 0; s < 2; s++) {
		if (!d->tag[s]) {
			tag_set(d, s, &msg->from.tag);
			break;
		}
	}
	if (s == 2)
		s = 1;                /* a third tag (forking): counted as B */
	if (pl_isset(&msg->to.tag) && !d->tag[1 - s])
		tag_set(d, 1 - s, &msg->to.tag);
	return s;
}

static bool trans_match(const struct trans *tr, const struct sipmsg *msg,
			enum model_method mm)
{
	const struct pl *br = &msg->via.branch;

	/* pl_strcmp(br, tr->branch) without its strlen */
	return tr->mm == mm && tr->cseq == msg->cseq.num &&
		br->l == tr->branch_len &&
		(!br->l || !memcmp(br->p, tr->branch, br->l));
}

static struct trans *trans_find(struct dialog *d, const struct sipmsg *msg,
				enum model_method mm)
{
	struct le *le;

	for (le = d->trans.tail; le; le = le->prev)   /* no call */
		if (trans_match(le->data, msg, mm))
			return le->data;
	return NULL;
}

/* Old finished transactions go first; their story is in the transfer. */
static void trans_prune(struct dialog *d)
{
	struct le *le = list_head(&d->trans);

	while (le && d->ntrans > MAX_TRANS) {
		struct trans *tr = le->data;

		le = le->next;
		if (tr->final ||
		    d->m->now - tr->ts > MODEL_LINGER * 1000000000ULL) {
			list_unlink(&tr->le);
			--d->ntrans;
			trans_drop(d->m, tr);
		}
	}
}

static struct trans *trans_new(struct dialog *d, const struct sipmsg *msg,
			       enum model_method mm, int side, uint64_t frame)
{
	const struct pl *br = &msg->via.branch;
	struct trans *tr = trans_take(d->m, br->l + 1);

	if (!tr)
		return NULL;
	if (br->l)
		memcpy(tr->branch, br->p, br->l);
	tr->branch[br->l] = '\0';
	tr->branch_len = strlen(tr->branch);   /* as pl_strcmp saw it */
	tr->mm = mm;
	tr->cseq = msg->cseq.num;
	tr->side = side;
	tr->frame = frame;
	tr->ts = d->m->now;
	list_append(&d->trans, &tr->le, tr);
	++d->ntrans;
	trans_prune(d);
	return tr;
}

/* A response seen before with the same code is a retransmission. */
static bool response_seen(struct trans *tr, uint16_t scode)
{
	unsigned i;

	for (i = 0; i < tr->ncodes; i++)
		if (tr->codes[i] == scode)
			return true;
	if (tr->ncodes < MAX_CODES)
		tr->codes[tr->ncodes++] = scode;
	if (scode >= 200)
		tr->final = true;
	return false;
}

/* "%u" of a status code into code[8], as *c: three digits without a
 * loop (a division per digit was a fifth of a response's ladder line) */
static void status_digits(struct pl *c, char *code, unsigned v)
{
	char *p = code + 8;

	if (v >= 100 && v <= 999) {
		code[5] = (char)('0' + v / 100);
		code[6] = (char)('0' + v / 10 % 10);
		code[7] = (char)('0' + v % 10);
		p = code + 5;
	}
	else {
		do {    /* backwards */
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
	}
	c->p = p;
	c->l = (size_t)(code + 8 - p);
}

static void ladder_add(struct dialog *d, const struct wire_msg *wm,
		       bool retrans)
{
	const struct sipmsg *msg = wm->sm;
	const struct pl *met;
	struct ladder_line *ln;
	size_t n;
	char code[8];
	struct pl c;

	if (d->ladder->count >= MODEL_MAX_LADDER) {
		++d->ladder->dropped;
		return;
	}
	if (msg->req) {
		ln = ladder_line_alloc(d->ladder, &msg->met, &msg->ruri);
	}
	else {
		status_digits(&c, code, msg->scode);
		ln = ladder_line_alloc(d->ladder, &c, &msg->reason);
	}
	if (!ln)
		return;
	ln->frame = wm->frame;
	ln->ts_ns = wm->ts_ns;
	ln->src = wm->src;
	ln->dst = wm->dst;
	ln->tp = wm->tp;
	ln->scode = msg->req ? 0 : msg->scode;
	ln->cseq = msg->cseq.num;
	ln->retrans = retrans;
	met = msg->req ? &msg->met : &msg->cseq.met;
	n = met->p ? MIN(met->l, sizeof(ln->method) - 1) : 0;
	/* the whole array in two moves where the message has the bytes (a
	 * copy of variable size is a call) */
	if (n && met->p + sizeof(ln->method) <= msg->raw.p + msg->raw.l)
		memcpy(ln->method, met->p, sizeof(ln->method));
	else if (n)
		memcpy(ln->method, met->p, n);
	ln->method[n] = '\0';
	list_append(&d->ladder->lines, &ln->le, ln);
	++d->ladder->count;
}

/* Counted apart from protocol errors; shown in the ladder. */
static void retransmission(struct model *m, struct dialog *d,
			   const struct wire_msg *wm)
{
	ladder_add(d, wm, true);
	++m->st.retransmissions;
	if (!d->retrans++)
		d->first_retrans_frame = wm->frame;
}

struct list *model_findings_for(struct dialog *d)
{
	struct le *le = list_tail(&d->transfers);

	return le ? &((struct transfer *)le->data)->findings : NULL;
}

/* One Record-Route value: sipmsg hands them out one by one, also when a
 * header line lists several ("<sip:a;lr>, <sip:b;lr>"). */
static bool rroute_h(const struct pl *val, void *arg)
{
	struct dialog *d = arg;
	struct sipmsg_addr addr;

	if (d->nrroute >= MAX_ROUTE)
		return true;
	if (!sipmsg_addr_decode(&addr, val))
		d->rroute[d->nrroute++] = ladder_strdup(d->ladder, &addr.auri);
	return false;
}

static bool kept_is(const struct kept *k, const struct pl *v)
{
	return k->s && k->len == v->l && (!v->l || !memcmp(k->s, v->p, v->l));
}

static void kept_set(struct ladder *l, struct kept *k, const struct pl *v)
{
	char *s = k->s;

	if (v->l >= k->cap) {
		size_t cap = MAX(v->l + 1, 2 * k->cap);

		s = ladder_room(l, cap);
		k->cap = s ? cap : 0;
	}
	k->s = s;
	if (!s)
		return;
	if (v->l)
		memcpy(s, v->p, v->l);
	s[v->l] = '\0';
	k->len = v->l;
}

/* The first Contact line, NULL: none */
static const struct pl *contact_line(const struct sipmsg *msg)
{
	unsigned i;

	for (i = 0; i < msg->nhdrs; i++)
		if (msg->hdr[i].id == SIP_HDR_CONTACT)
			return &msg->hdr[i].val;
	return NULL;
}

/* A side's Contact: the line it was last read from is kept, and the
 * same line again (the 200 after the 180) says the same, not cut and
 * decoded again (that was a tenth of the model) */
static void contact_read(struct dialog *d, int side, const struct sipmsg *msg)
{
	const struct pl *line = contact_line(msg);
	struct sipmsg_addr addr;
	struct pl ct;

	if (!line || kept_is(&d->contact_line[side], line))
		return;
	kept_set(d->ladder, &d->contact_line[side], line);
	if (sipmsg_first(msg, SIP_HDR_CONTACT, &ct) &&
	    !sipmsg_addr_decode(&addr, &ct) &&
	    !kept_is(&d->contact[side], &addr.auri))
		kept_set(d->ladder, &d->contact[side], &addr.auri);
}

static void invite_state(struct dialog *d, struct trans *tr,
			 const struct sipmsg *msg)
{
	int side = msg->req ? tr->side : 1 - tr->side;

	contact_read(d, side, msg);
	if (msg->req) {
		if (!pl_isset(&msg->to.tag) && d->uac < 0) {
			d->uac = side;
			call_from_invite(d, msg);
		}
		return;
	}
	if (msg->scode >= 200 && !d->call.sip_status) {
		d->call.sip_status = msg->scode;
		d->call.sip_reason = ladder_strdup(d->ladder, &msg->reason);
	}
	if (msg->scode < 200 || msg->scode > 299 || d->confirmed)
		return;
	d->confirmed = true;
	(void)sipmsg_apply(msg, SIP_HDR_RECORD_ROUTE, rroute_h, d);
}

static void cseq_order(struct model *m, struct dialog *d, int side,
		       const struct wire_msg *wm)
{
	const struct sipmsg *msg = wm->sm;

	if (d->has_cseq[side] && msg->cseq.num <= d->cseq[side])
		(void)finding_add(model_findings_for(d), &m->opts.rules,
				  R_DIALOG_CSEQ, wm->frame, "%r with CSeq %u "
				  "after CSeq %u from the same side",
				  &msg->met, msg->cseq.num, d->cseq[side]);
	if (!d->has_cseq[side] || msg->cseq.num > d->cseq[side])
		d->cseq[side] = msg->cseq.num;
	d->has_cseq[side] = true;
}

static void request(struct model *m, struct dialog *d,
		    const struct wire_msg *wm, enum model_method mm)
{
	const struct sipmsg *msg = wm->sm;
	int side = request_side(d, msg);
	struct trans *tr = trans_find(d, msg, mm);

	if (tr) {
		if (tr->ntf)
			++tr->ntf->retrans;
		retransmission(m, d, wm);
		return;
	}
	tr = trans_new(d, msg, mm, side, wm->frame);
	if (!tr)
		return;
	ladder_add(d, wm, false);

	switch (mm) {
	case MM_INVITE: invite_state(d, tr, msg); break;
	case MM_REFER:  xfer_refer(m, d, tr, wm); break;
	case MM_NOTIFY: xfer_notify(m, d, tr, wm); break;
	case MM_BYE:    xfer_bye(m, d, side, wm); break;
	default:        break;
	}
	if (mm != MM_ACK && mm != MM_CANCEL)
		cseq_order(m, d, side, wm);
}

static void response(struct model *m, struct dialog *d,
		     const struct wire_msg *wm, enum model_method mm)
{
	const struct sipmsg *msg = wm->sm;
	struct trans *tr = trans_find(d, msg, mm);

	if (!tr) {                /* its request is not in the capture */
		ladder_add(d, wm, false);
		return;
	}
	if (pl_isset(&msg->to.tag) && !d->tag[1 - tr->side])
		tag_set(d, 1 - tr->side, &msg->to.tag);
	if (response_seen(tr, msg->scode)) {
		retransmission(m, d, wm);
		return;
	}
	ladder_add(d, wm, false);

	switch (mm) {
	case MM_INVITE: invite_state(d, tr, msg); break;
	case MM_REFER:  xfer_refer_response(m, tr, wm); break;
	case MM_NOTIFY: xfer_notify_response(m, tr, wm); break;
	case MM_BYE:    d->bye_done |= msg->scode >= 200; break;
	default:        break;
	}
}

/* Hand the dialog's transfers out and forget the dialog. */
static void dialog_release(struct model *m, struct dialog *d)
{
	struct le *le;

	while ((le = list_head(&d->transfers))) {
		struct transfer *t = le->data;

		list_unlink(&t->le);
		xfer_close(m, d, t);
		if (m->th)
			m->th(t, m->arg);
		mem_deref(t);
	}
	--m->live;
	dialog_free(m, d);
}

static bool dialog_over(const struct dialog *d)
{
	struct le *le;

	if (!d->bye_done && d->confirmed)
		return false;
	for (le = list_head(&d->transfers); le; le = le->next)
		if (!xfer_done(le->data))
			return false;
	return true;
}

static bool dialog_due(const struct model *m, const struct dialog *d)
{
	uint64_t idle = m->now > d->last_ts ? m->now - d->last_ts : 0;

	return idle > MODEL_IDLE * 1000000000ULL ||
		(idle > MODEL_LINGER * 1000000000ULL && dialog_over(d));
}

static int seq_cmp(const void *a, const void *b)
{
	const struct dialog *x = *(struct dialog *const *)a;
	const struct dialog *y = *(struct dialog *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Only the dialogs quiet for MODEL_LINGER can be due: walk the idle
 * list up to the first recent one, not every live dialog (a sweep per
 * second over thousands of dialogs was 14 % of a run). The due ones go
 * out in order of creation, as model_flush hands them out. */
static void sweep(struct model *m)
{
	struct le *le = list_head(&m->idle);
	size_t n = 0, i;

	while (le) {
		struct dialog *d = le->data;

		le = le->next;
		if (m->now <= d->last_ts ||
		    m->now - d->last_ts <= MODEL_LINGER * 1000000000ULL)
			break;
		if (!dialog_due(m, d))
			continue;
		if (n == m->due_cap) {
			size_t cap = m->due_cap ? 2 * m->due_cap : 64;
			struct dialog **due = mem_reallocarray(m->due, cap,
							       sizeof(*due),
							       NULL);

			if (!due)
				break;    /* the rest goes at the next sweep */
			m->due = due;
			m->due_cap = cap;
		}
		m->due[n++] = d;
	}
	if (n)
		qsort(m->due, n, sizeof(*m->due), seq_cmp);
	for (i = 0; i < n; i++)
		dialog_release(m, m->due[i]);
}

void model_tick(struct model *m, uint64_t ts_ns)
{
	if (!m || ts_ns <= m->now)
		return;
	m->now = ts_ns;
	if (m->now - m->last_sweep < 1000000000ULL)
		return;
	m->last_sweep = m->now;
	sweep(m);
}

void model_message(struct model *m, const struct wire_msg *wm)
{
	const struct sipmsg *msg;
	enum model_method mm;
	struct dialog *d;

	if (!m || !wm || !wm->sm)
		return;
	msg = wm->sm;
	model_tick(m, wm->ts_ns);
	++m->st.messages;
	mm = model_method(msg->req ? &msg->met : &msg->cseq.met);
	if (msg->req)
		++m->st.requests[mm];
	else
		++m->st.responses;

	d = dialog_get(m, &msg->callid);
	if (!d)
		return;
	d->last_ts = wm->ts_ns;
	list_unlink(&d->idle_le);
	list_append(&m->idle, &d->idle_le, d);
	if (wm->no_clen && wm->tp == SIP_TRANSP_TCP)
		model_global(m, R_NO_CONTENT_LENGTH, wm->frame,
			     "%s without Content-Length over TCP",
			     msg->req ? "request" : "response");
	if (msg->req)
		request(m, d, wm, mm);
	else
		response(m, d, wm, mm);
}

/* The end of the input: every dialog still held is over, oldest first
 * so that transfers come out in the order they began. */
void model_flush(struct model *m)
{
	struct le *le;

	if (!m)
		return;
	while ((le = list_head(&m->order)))
		dialog_release(m, le->data);
}

const struct model_stats *model_stats(const struct model *m)
{
	return m ? &m->st : NULL;
}

size_t model_live_dialogs(const struct model *m)
{
	return m ? m->live : 0;
}
