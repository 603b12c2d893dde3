/**
 * @file case.c  One case's folder (or a bare capture) gathered for the writers
 */

#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "analysis.h"
#include "decode/pcapfile.h"
#include "jsonpl.h"
#include "output/output.h"
#include "sipfrag.h"
#include "report/case.h"
#include "report/report_int.h"

enum { HOOKS_FILE_MAX = 16 << 20, EXPECT_FILE_MAX = 16 << 20 };

void rcase_init(struct rcase *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->transfers = cJSON_CreateArray();
	rc->findings = cJSON_CreateArray();
	rc->hooks_got = cJSON_CreateArray();
}

void rcase_free(struct rcase *rc)
{
	size_t i;

	for (i = 0; i < rc->nev; i++)
		free(rc->ev[i].raw);
	free(rc->ev);
	cJSON_Delete(rc->transfers);
	cJSON_Delete(rc->findings);
	cJSON_Delete(rc->hooks_got);
	cJSON_Delete(rc->hooks_want);
	memset(rc, 0, sizeof(*rc));
}

/* The first problem of a case is the one said (one line). */
static void say(struct rcase *rc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct rcase *rc, const char *fmt, ...)
{
	va_list ap;

	if (rc->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(rc->problem, sizeof(rc->problem), fmt, ap);
	va_end(ap);
}

/* dir/name into path[sz]; false, and said, when it does not fit: the
 * path cut at the end of the buffer would name another file. */
static bool case_path(struct rcase *rc, char *path, size_t sz,
		      const char *dir, const char *name)
{
	if ((size_t)snprintf(path, sz, "%s/%s", dir, name) < sz)
		return true;
	say(rc, "%s/%s: its path is longer than %zu bytes, not read", dir,
	    name, sz - 1);
	path[0] = '\0';
	return false;
}

static struct rev *ev_new(struct rcase *rc)
{
	struct rev *e;

	if (rc->nev >= RCASE_EVENTS_MAX) {
		rc->dropped++;
		return NULL;
	}
	if (rc->nev == rc->cap) {
		size_t cap = rc->cap ? rc->cap * 2 : 32;
		void *v = realloc(rc->ev, cap * sizeof(*rc->ev));

		if (!v)
			return NULL;
		rc->ev = v;
		rc->cap = cap;
	}
	e = &rc->ev[rc->nev++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* The lane of an address, added on first sight; beyond the limit every
 * further address shares the last lane. */
static int lane_of(struct rcase *rc, const char *addr)
{
	int i;

	for (i = 0; i < rc->nlanes; i++) {
		if (!strcmp(rc->lanes[i].addr, addr))
			return i;
	}
	if (rc->nlanes == RCASE_LANES_MAX) {
		snprintf(rc->lanes[i - 1].name, sizeof(rc->lanes[0].name),
			 "other endpoints");
		return i - 1;
	}
	snprintf(rc->lanes[i].addr, sizeof(rc->lanes[0].addr), "%s", addr);
	/* in a case folder, whatever is not the implementation is a peer */
	snprintf(rc->lanes[i].name, sizeof(rc->lanes[0].name), "%s%s",
		 !*rc->iut_addr ? "" : !strcmp(addr, rc->iut_addr) ? "IUT " :
		 "peer ", addr);
	return rc->nlanes++;
}

static char *dup_n(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static void sip_note(struct rev *e, const struct wire_msg *wm)
{
	const struct sip_msg *m = wm->msg;
	const struct sip_hdr *h;
	struct sipfrag_status st;

	if (!m->req) {
		(void)re_snprintf(e->note, sizeof(e->note), "%r",
				  &m->cseq.met);
		return;
	}
	if (!pl_strcasecmp(&m->met, "REFER")) {
		h = sip_msg_xhdr(m, "Refer-To");
		if (h)
			(void)re_snprintf(e->note, sizeof(e->note),
					  "Refer-To: %r", &h->val);
	}
	else if (!pl_strcasecmp(&m->met, "NOTIFY")) {
		if (wm->body.l && !sipfrag_status_decode(&st, wm->body.p,
							 wm->body.l))
			(void)re_snprintf(e->note, sizeof(e->note),
					  "sipfrag %u %r", st.scode, &st.reason);
		else
			(void)re_snprintf(e->note, sizeof(e->note),
					  "no sipfrag status");
	}
}

static void msg_h(const struct wire_msg *wm, void *arg)
{
	struct rcase *rc = arg;
	const struct sip_msg *m = wm->msg;
	char src[64], dst[64];
	struct rev *e;
	size_t i, n;

	(void)re_snprintf(src, sizeof(src), "%J", &wm->src);
	(void)re_snprintf(dst, sizeof(dst), "%J", &wm->dst);
	e = ev_new(rc);
	if (!e)
		return;
	e->ts_ns = wm->ts_ns;
	e->frame = wm->frame;
	e->from = lane_of(rc, src);
	e->to = lane_of(rc, dst);
	if (m->req)
		(void)re_snprintf(e->label, sizeof(e->label), "%r", &m->met);
	else
		(void)re_snprintf(e->label, sizeof(e->label), "%u %r",
				  m->scode, &m->reason);
	sip_note(e, wm);
	n = m->mb->end < RCASE_RAW_MAX ? m->mb->end : RCASE_RAW_MAX;
	e->raw = dup_n((const char *)m->mb->buf, n);
	/* the same bytes between the same ends again: a retransmission */
	for (i = 0; e->raw && i + 1 < rc->nev; i++) {
		const struct rev *o = &rc->ev[i];

		if (!o->hook && o->from == e->from && o->to == e->to &&
		    o->raw && !strcmp(o->raw, e->raw)) {
			e->retrans = true;
			break;
		}
	}
}

static void err_h(uint64_t frame, const char *what, void *arg)
{
	(void)frame;
	(void)what;
	(void)arg;   /* malformed messages are the analyser's findings */
}

/* Pass 1: every SIP message, for the ladder. */
static int read_ladder(struct rcase *rc, const char *path)
{
	struct pcapfile *pf = NULL;
	struct decoder *dec = NULL;
	struct pcap_frame fr;
	char why[320] = "";
	int e;

	e = pcapfile_open(&pf, path, why, sizeof(why));
	if (!e)
		e = decoder_alloc(&dec, msg_h, err_h, rc);
	while (!e && !(e = pcapfile_next(pf, &fr)))
		decoder_frame(dec, &fr);
	if (e == ENOENT)
		e = 0;
	else if (e && pf && !why[0])
		snprintf(why, sizeof(why), "%s", pcapfile_error(pf));
	if (dec)
		decoder_flush(dec);
	if (e)
		say(rc, "%s: %s", path, why[0] ? why : strerror(e));
	mem_deref(dec);
	mem_deref(pf);
	return e;
}

/* Pass 2: the analyser's transfers and findings. */
static void read_analysis(struct rcase *rc, const char *const *paths,
			  size_t n)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct analysis *a = NULL;
	struct le *le;
	char err[512];

	(void)analysis_files(&a, paths, n, &o, err, sizeof(err));
	if (!a)
		return;
	for (le = list_head(&a->transfers); le; le = le->next)
		cJSON_AddItemToArray(rc->transfers, transfer_json(le->data));
	for (le = list_head(&a->findings); le; le = le->next)
		cJSON_AddItemToArray(rc->findings, finding_json(le->data));
	mem_deref(a);
}

static int by_time(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->frame != y->frame)   /* hooks (frame 0) after a message */
		return !x->frame ? 1 : !y->frame ? -1 :
			x->frame < y->frame ? -1 : 1;
	return 0;
}

static void finish(struct rcase *rc)
{
	size_t i;

	if (rc->nev)
		qsort(rc->ev, rc->nev, sizeof(*rc->ev), by_time);
	rc->t0 = rc->nev ? rc->ev[0].ts_ns : 0;
	for (i = 0; i < rc->nev; i++)
		rc->t0 = rc->ev[i].ts_ns < rc->t0 ? rc->ev[i].ts_ns : rc->t0;
}

/* Bare captures: lanes named after the transfers' roles. */
int rcase_load_captures(struct rcase *rc, const char *const *paths, size_t n)
{
	int first = 0, e;
	const cJSON *t;
	size_t i;

	for (i = 0; i < n; i++) {
		e = read_ladder(rc, paths[i]);
		first = first ? first : e;
	}
	read_analysis(rc, paths, n);
	snprintf(rc->capture, sizeof(rc->capture), "%s", n ? paths[0] : "");
	t = cJSON_GetArrayItem(rc->transfers, 0);
	for (i = 0; t && i < (size_t)rc->nlanes; i++) {
		struct rlane *l = &rc->lanes[i];
		const char *role = !strcmp(l->addr, jstr(t, "referrer")) ?
			"referrer " : !strcmp(l->addr, jstr(t, "recipient")) ?
			"recipient " : "";
		char name[sizeof(l->name)];

		snprintf(name, sizeof(name), "%s%s", role, l->addr);
		memcpy(l->name, name, sizeof(name));
	}
	finish(rc);
	return first;
}

/* "2026-11-25T09:07:57.492Z" -> ns since the epoch; 0 if unreadable.
 * The record has milliseconds while the capture has microseconds: the
 * hook is put in the middle of its millisecond, the best guess; with
 * more digits in the record the guess gets better by itself. */
static uint64_t iso_ns(const char *s)
{
	struct tm tm;
	uint64_t frac = 0, unit = 1000000000ull;
	int n = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	if (s[n] == '.') {
		for (s += n + 1; *s >= '0' && *s <= '9' && unit > 1; s++) {
			unit /= 10;
			frac += (uint64_t)(*s - '0') * unit;
		}
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	return t < 0 ? 0 : (uint64_t)t * 1000000000ull + frac + unit / 2;
}

/* The result keys of a hook body, whatever the dialect. */
static void hook_summary(char *buf, size_t sz, const cJSON *body)
{
	static const char *const keys[] = {
		"referStatus", "refer_status", "final_referred_call_status",
		"call_status",
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && n < sz; i++) {
		const cJSON *v = jget(body, keys[i]);

		if (cJSON_IsNumber(v))
			n += (size_t)snprintf(buf + n, sz - n, " %s=%g", keys[i],
					      v->valuedouble);
		else if (cJSON_IsString(v))
			n += (size_t)snprintf(buf + n, sz - n, " %s=%s", keys[i],
					      v->valuestring);
	}
}

static void hook_event(struct rcase *rc, const cJSON *rec, int from, int to)
{
	const cJSON *body = jget(rec, "body");
	char sum[120];
	struct rev *e = ev_new(rc);

	if (!e)
		return;
	e->hook = true;
	e->ts_ns = iso_ns(jstr(rec, "time"));
	e->from = from;
	e->to = to;
	snprintf(e->label, sizeof(e->label), "%s %s", jstr(rec, "method"),
		 jstr(rec, "path"));
	if (jget(rec, "error"))
		snprintf(e->note, sizeof(e->note), "unreadable: %s",
			 jstr(rec, "error"));
	else {
		hook_summary(sum, sizeof(sum), body);
		snprintf(e->note, sizeof(e->note), "%s -> %g", sum[0] ?
			 sum + 1 : "", jnum(rec, "status"));
	}
	e->raw = cJSON_Print(rec);
}

/* hooks.jsonl: one record a line, all of the line (cJSON alone read
 * '{...} x' as the record); a line that is not one is said once. */
static void read_hooks(struct rcase *rc, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, total = 0, off;
	ssize_t n;
	unsigned lineno = 0;

	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0 && total < HOOKS_FILE_MAX) {
		cJSON *rec = jsonpl_parse_all(line, (size_t)n, &off);

		lineno++;
		if (!rec)
			say(rc, "%s: offset %zu (line %u): not valid JSON", path,
			    total + off, lineno);
		else if (!cJSON_IsObject(rec))
			say(rc, "%s: line %u: not a JSON object", path, lineno);
		if (cJSON_IsObject(rec))
			cJSON_AddItemToArray(rc->hooks_got, rec);
		else
			cJSON_Delete(rec);
		total += (size_t)n;
	}
	if (n > 0)
		say(rc, "%s: the records after its first %d MiB are not read",
		    path, HOOKS_FILE_MAX >> 20);
	free(line);
	fclose(f);
}

/* The implementation's lane goes next to the hooks' lane: its hook
 * arrows then cross no other lane. */
static void swap_lanes(struct rcase *rc, int a, int b)
{
	struct rlane tmp = rc->lanes[a];
	size_t i;

	if (a == b)
		return;
	rc->lanes[a] = rc->lanes[b];
	rc->lanes[b] = tmp;
	for (i = 0; i < rc->nev; i++) {
		struct rev *e = &rc->ev[i];

		e->from = e->from == a ? b : e->from == b ? a : e->from;
		e->to = e->to == a ? b : e->to == b ? a : e->to;
	}
}

static void hook_lane(struct rcase *rc)
{
	const cJSON *rec;
	int from = 0, i, to;

	if (!cJSON_GetArraySize(rc->hooks_got))
		return;
	for (i = 0; i < rc->nlanes; i++) {
		if (!strcmp(rc->lanes[i].addr, rc->iut_addr))
			from = i;
	}
	if (!rc->nlanes)
		from = lane_of(rc, *rc->iut_addr ? rc->iut_addr : "IUT");
	swap_lanes(rc, from, rc->nlanes - 1);
	from = rc->nlanes - 1;
	to = rc->nlanes++;
	snprintf(rc->lanes[to].name, sizeof(rc->lanes[0].name),
		 "hooks (HTTP)");
	cJSON_ArrayForEach(rec, rc->hooks_got)
		hook_event(rc, rec, from, to);
}

/* The expectation's "hooks": from the path the verdict names, else a
 * copy in the case folder. Neither there is no problem: the path is the
 * runner's, often on another machine. */
static void read_expect(struct rcase *rc, const char *dir, const cJSON *v)
{
	char path[4096], why[sizeof(path) + 64];
	cJSON *x;

	if (*jstr(v, "expect")) {
		if ((size_t)snprintf(path, sizeof(path), "%s",
				     jstr(v, "expect")) >= sizeof(path)) {
			say(rc, "%s: the verdict's expect path is longer than "
			    "%zu bytes, not read", dir, sizeof(path) - 1);
			return;
		}
	}
	else if (!case_path(rc, path, sizeof(path), dir, "expect.json"))
		return;
	x = jsonpl_read_file(path, EXPECT_FILE_MAX, why, sizeof(why));
	if (!x && errno != ENOENT)
		say(rc, "%s", why);
	if (cJSON_IsArray(jget(x, "hooks")))
		rc->hooks_want = cJSON_DetachItemFromObject(x, "hooks");
	cJSON_Delete(x);
}

/* The capture the verdict names (a file of the case folder), else the
 * first of the usual names there. */
static bool find_capture(struct rcase *rc, const char *dir, const cJSON *v)
{
	static const char *const caps[] = {"capture.pcap", "capture.pcapng",
					   "sim-trace.pcap"};
	const char *named = jstr(v, "capture");
	size_t i;

	if (*named && !strchr(named, '/') &&
	    case_path(rc, rc->capture, sizeof(rc->capture), dir, named) &&
	    !access(rc->capture, R_OK))
		return true;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (case_path(rc, rc->capture, sizeof(rc->capture), dir,
			      caps[i]) && !access(rc->capture, R_OK))
			return true;
	}
	rc->capture[0] = '\0';
	return false;
}

/* Case folders whose problem was said on stderr: each writer that shows
 * a case reads its folder again, and the user hears of it once. Only the
 * folders with a problem are kept, so a linear search will do. */
static struct {
	char **dir;
	size_t n, cap;
	unsigned count;   /* said: out of memory, a folder may be said twice */
} said;

static void say_once_on_stderr(const char *dir, const char *problem)
{
	size_t i;

	for (i = 0; i < said.n; i++) {
		if (!strcmp(said.dir[i], dir))
			return;
	}
	if (said.n == said.cap) {
		size_t cap = said.cap ? 2 * said.cap : 16;
		char **p = realloc(said.dir, cap * sizeof(*p));

		if (p) {
			said.dir = p;
			said.cap = cap;
		}
	}
	if (said.n < said.cap && (said.dir[said.n] = strdup(dir)))
		said.n++;
	said.count++;
	fprintf(stderr, "referlab: report: %s\n", problem);
}

unsigned rcase_problems_said(void)
{
	return said.count;
}

void rcase_load_dir(struct rcase *rc, const char *dir, const cJSON *v)
{
	const char *iut = jstr(v, "iut_sip");
	const char *path = rc->capture;
	char hooks[4096];

	if (!strncmp(iut, "sip:", 4))
		iut += 4;
	snprintf(rc->iut_addr, sizeof(rc->iut_addr), "%s", iut);
	if (find_capture(rc, dir, v)) {
		(void)read_ladder(rc, path);
		read_analysis(rc, &path, 1);
	}
	if (case_path(rc, hooks, sizeof(hooks), dir, "hooks.jsonl"))
		read_hooks(rc, hooks);
	hook_lane(rc);
	read_expect(rc, dir, v);
	finish(rc);
	if (rc->problem[0])
		say_once_on_stderr(dir, rc->problem);
}
