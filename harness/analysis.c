/**
 * @file analysis.c  Analysing captures in-process
 *
 * Glue of the pipeline: pcapfile -> decoder -> msgq -> model, one file
 * at a time, the decoding on its own thread; transfers are numbered
 * across files in order of their REFER.
 */
#include <pthread.h>
#include <string.h>
#include "analysis.h"
#include "decode/msgq.h"
#include "decode/pcapfile.h"

struct run {
	struct analysis *a;
	const struct analysis_opts *opts;
	struct model *model;
	struct analysis_file_info *fi;
	unsigned base;               /* transfers of the files before */
};

static void file_destructor(void *arg)
{
	struct analysis_file_info *fi = arg;

	list_unlink(&fi->le);
	mem_deref(fi->path);
	mem_deref(fi->error);
}

static void analysis_destructor(void *arg)
{
	struct analysis *a = arg;

	list_flush(&a->files);
	list_flush(&a->transfers);
	list_flush(&a->findings);
}

void analysis_count(struct analysis *a, const struct transfer *t)
{
	struct le *le;

	for (le = list_head(&t->findings); le; le = le->next)
		++a->count[((struct finding *)le->data)->rule->sev];
}

static void transfer_h(struct transfer *t, void *arg)
{
	struct run *r = arg;

	t->num += r->base;
	t->file = r->fi->path;
	t->file_t0 = r->fi->first_ts;
	++r->a->ntransfers;
	analysis_count(r->a, t);
	if (r->opts->transferh) {
		r->opts->transferh(t, r->opts->arg);
		return;
	}
	list_append(&r->a->transfers, &t->le, mem_ref(t));
}

static void finding_h(const struct finding *f, void *arg)
{
	struct run *r = arg;
	struct analysis *a = r->a;

	++a->count[f->rule->sev];
	++a->gcount[f->rule->sev];
	if (list_count(&a->findings) >= MODEL_MAX_GLOBAL) {
		++a->global_dropped;
		return;
	}
	(void)finding_add(&a->findings, NULL, f->rule->id, f->frame, "%s: %s",
			  r->fi->path, f->text);
}

static void msg_h(const struct wire_msg *wm, void *arg)
{
	struct run *r = arg;

	model_message(r->model, wm);
}

static void err_h(uint64_t frame, const char *what, void *arg)
{
	struct run *r = arg;

	model_malformed(r->model, frame, what);
}

static void tick_h(uint64_t ts_ns, void *arg)
{
	struct run *r = arg;

	model_tick(r->model, ts_ns);
}

/* The decoding stage: its own thread, the model's input through q. */
struct stage {
	struct pcapfile *pf;
	struct decoder *dec;
	struct msgq *q;
	struct analysis_file_info *fi;
	int err;                     /* the file's, or ENOMEM (queue) */
	bool lost;                   /* the queue could take no more */
};

/* No memory for the queue: the run stops there, "out of memory" (not
 * the reader's text, which may hold an ENOMEM of its own) */
static void queue_full(struct stage *st)
{
	if (!st->err) {
		st->err = ENOMEM;
		st->lost = true;
	}
}

static void decoded_h(const struct wire_msg *wm, void *arg)
{
	struct stage *st = arg;

	if (msgq_msg(st->q, wm))
		queue_full(st);
}

static struct sipmsg *room_h(size_t len, char **bytes, unsigned *ahead,
			     void *arg)
{
	struct stage *st = arg;
	struct sipmsg *sm = msgq_room(st->q, len, bytes);

	*ahead = msgq_ahead(st->q);
	return sm;
}

static void malformed_h(uint64_t frame, const char *what, void *arg)
{
	struct stage *st = arg;

	if (msgq_err(st->q, frame, what))
		queue_full(st);
}

/* Frames until the end or the first unreadable byte, then what the
 * decoder still holds (TCP streams). */
static void *decode_stage(void *arg)
{
	struct stage *st = arg;
	struct pcap_frame fr;
	int err;

	while (!st->err && !(err = pcapfile_next(st->pf, &fr))) {
		if (fr.num == 1)
			st->fi->first_ts = fr.ts_ns;
		if (msgq_tick(st->q, fr.ts_ns))
			queue_full(st);
		else
			decoder_frame(st->dec, &fr);
	}
	if (!st->err && err != ENOENT)
		st->err = err;
	decoder_flush(st->dec);
	msgq_close(st->q);
	return NULL;
}

/* Decoding on a second thread while this one runs the model: the two
 * halves of a run cost about the same, so a capture takes nearly half
 * the time on two cores. No thread, no harm: the same in sequence. */
static int decode_all(struct run *r, struct stage *st)
{
	struct msgq_handlers h = {tick_h, msg_h, err_h, r};
	pthread_t tid;
	int e;

	e = msgq_alloc(&st->q, &h, true);
	if (e)
		return e;
	if (pthread_create(&tid, NULL, decode_stage, st)) {
		st->q = mem_deref(st->q);
		e = msgq_alloc(&st->q, &h, false);
		if (e)
			return e;
		(void)decode_stage(st);
		return 0;
	}
	while (msgq_drain(st->q))
		;
	pthread_join(tid, NULL);
	return 0;
}

static int one_file(struct run *r, const char *path, char *err,
		    size_t errsz)
{
	struct stage st = {0};
	struct model_opts mo;
	char why[320] = "";
	int e;

	r->fi = mem_zalloc(sizeof(*r->fi), file_destructor);
	if (!r->fi || str_dup(&r->fi->path, path))
		return mem_deref(r->fi), ENOMEM;
	list_append(&r->a->files, &r->fi->le, r->fi);
	st.fi = r->fi;

	memset(&mo, 0, sizeof(mo));
	mo.notify_timeout_ms = r->opts->notify_timeout_ms;
	if (r->opts->rules)
		(void)ruleset_parse(&mo.rules, r->opts->rules, NULL, 0);
	else
		ruleset_all(&mo.rules);

	e = pcapfile_open(&st.pf, path, why, sizeof(why));
	if (!e) {
		r->fi->format = pcapfile_format(st.pf);
		e = model_alloc(&r->model, &mo, transfer_h, finding_h, r);
	}
	if (!e)
		e = decoder_alloc(&st.dec, decoded_h, malformed_h, &st);
	if (!e) {
		decoder_views_only(st.dec);  /* the model reads struct sipmsg */
		decoder_room(st.dec, room_h); /* decoded into the queue */
		e = decode_all(r, &st);
		if (!e)
			e = st.err;
		if (st.lost)
			str_ncpy(why, "out of memory", sizeof(why));
		else if (e)
			str_ncpy(why, pcapfile_error(st.pf), sizeof(why));
		model_flush(r->model);
		r->fi->dec = *decoder_stats(st.dec);
		msgq_stats(st.q, &r->fi->dec);
		r->fi->model = *model_stats(r->model);
	}
	if (e) {
		(void)re_sdprintf(&r->fi->error, "%s", why[0] ? why : "?");
		if (err)
			re_snprintf(err, errsz, "%s: %s", path,
				    why[0] ? why : strerror(e));
	}
	r->base = r->a->ntransfers;
	r->model = mem_deref(r->model);
	mem_deref(st.q);
	mem_deref(st.dec);
	mem_deref(st.pf);
	return e;
}

int analysis_files(struct analysis **ap, const char *const *paths,
		   size_t n, const struct analysis_opts *opts, char *err,
		   size_t errsz)
{
	struct ruleset rs;
	struct run r;
	int first = 0;
	size_t i;

	if (!ap || !paths || !opts)
		return EINVAL;
	if (opts->rules && ruleset_parse(&rs, opts->rules, err, errsz))
		return EINVAL;
	memset(&r, 0, sizeof(r));
	r.opts = opts;
	r.a = mem_zalloc(sizeof(*r.a), analysis_destructor);
	if (!r.a)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		int e = one_file(&r, paths[i], first ? NULL : err, errsz);

		if (e && !first)
			first = e;
	}
	*ap = r.a;
	return first;
}

int analysis_file(struct analysis **ap, const char *path,
		  const struct analysis_opts *opts, char *err, size_t errsz)
{
	return analysis_files(ap, &path, 1, opts, err, errsz);
}
