/**
 * @file analysis.c  Analysing captures in-process
 *
 * Glue of the pipeline: pcapfile -> decoder -> model, one file at a
 * time; transfers are numbered across files in order of their REFER.
 */
#include <string.h>
#include "analysis.h"
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

/* Frames until the end or the first unreadable byte. */
static int read_frames(struct run *r, struct pcapfile *pf,
		       struct decoder *dec)
{
	struct pcap_frame fr;
	int err;

	while (!(err = pcapfile_next(pf, &fr))) {
		if (fr.num == 1)
			r->fi->first_ts = fr.ts_ns;
		model_tick(r->model, fr.ts_ns);
		decoder_frame(dec, &fr);
	}
	return err == ENOENT ? 0 : err;
}

static int one_file(struct run *r, const char *path, char *err,
		    size_t errsz)
{
	struct model_opts mo;
	struct pcapfile *pf = NULL;
	struct decoder *dec = NULL;
	char why[320] = "";
	int e;

	r->fi = mem_zalloc(sizeof(*r->fi), file_destructor);
	if (!r->fi || str_dup(&r->fi->path, path))
		return mem_deref(r->fi), ENOMEM;
	list_append(&r->a->files, &r->fi->le, r->fi);

	memset(&mo, 0, sizeof(mo));
	mo.notify_timeout_ms = r->opts->notify_timeout_ms;
	if (r->opts->rules)
		(void)ruleset_parse(&mo.rules, r->opts->rules, NULL, 0);
	else
		ruleset_all(&mo.rules);

	e = pcapfile_open(&pf, path, why, sizeof(why));
	if (!e) {
		r->fi->format = pcapfile_format(pf);
		e = model_alloc(&r->model, &mo, transfer_h, finding_h, r);
	}
	if (!e)
		e = decoder_alloc(&dec, msg_h, err_h, r);
	if (!e) {
		decoder_views_only(dec);    /* the model reads struct sipmsg */
		e = read_frames(r, pf, dec);
		if (e)
			str_ncpy(why, pcapfile_error(pf), sizeof(why));
		decoder_flush(dec);
		model_flush(r->model);
		r->fi->dec = *decoder_stats(dec);
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
	mem_deref(dec);
	mem_deref(pf);
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
