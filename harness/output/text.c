/**
 * @file text.c  An analysis as text: per transfer a ladder, the outcome,
 *               the derived hooks and the findings
 */
#include <string.h>
#include "decode/ip.h"
#include "output/output.h"

/* Text from a capture is shown on a terminal: a control character there
 * (ESC[2J clears the screen, OSC retitles the window) is shown as '?'
 * (wb_vis); at most VIS_MAX characters of it, as 1 KiB buffers kept. */
enum { VIS_MAX = 1023 };

/* "%9.3f" of transfer_time(), without formatting a double (that was a
 * tenth of a run on big captures). Below 10^14 ns the nearest double
 * is within 10^-11 s of the exact value and a non-tie is 10^-9 s from a
 * rounding boundary, so integer rounding gives printf's digits; a tie
 * (x.xxx5 exactly) and longer captures are left to printf. */
static char *seconds(char *p, const struct transfer *t, uint64_t ts)
{
	uint64_t ns = ts >= t->file_t0 ? ts - t->file_t0 : 0;
	uint64_t ms = ns / 1000000, rem = ns % 1000000;
	unsigned frac;
	char buf[32];
	int n;

	if (rem == 500000 || ns >= 100000000000000ULL) {
		n = snprintf(buf, sizeof(buf), "%9.3f", transfer_time(t, ts));
		return put_mem(p, buf, (size_t)n);
	}
	ms += rem > 500000;
	p = put_u64(p, ms / 1000, 5);
	*p = '.';
	frac = (unsigned)(ms % 1000);
	p[3] = (char)('0' + frac % 10);
	frac /= 10;
	p[2] = (char)('0' + frac % 10);
	p[1] = (char)('0' + frac / 10);
	return p + 4;
}

/* An address as addr_text() writes it, at p: at most ADDR_MAX bytes */
enum { ADDR_MAX = 63 };

static char *put_addr(char *p, const struct sa *sa)
{
	addr_text(p, ADDR_MAX + 1, sa);
	return p + strlen(p);
}

/* "%-7s": "A -> B", "A <- B" or "src -> dst" */
static char *direction(char *p, const struct transfer *t,
		       const struct ladder_line *ln)
{
	char *start = p;

	if (ip_sa_same(&ln->src, &t->referrer) &&
	    ip_sa_same(&ln->dst, &t->recipient))
		return put_lit(p, "A -> B ");
	if (ip_sa_same(&ln->src, &t->recipient) &&
	    ip_sa_same(&ln->dst, &t->referrer))
		return put_lit(p, "A <- B ");
	p = put_addr(p, &ln->src);
	p = put_lit(p, " -> ");
	p = put_addr(p, &ln->dst);
	return p - start < 7 ? put_fill(p, ' ', 7 - (size_t)(p - start)) : p;
}

/* A ladder string of len bytes (to a NUL if it holds one) */
static char *put_vis_max(char *p, const char *s, size_t len)
{
	return put_vis(p, s, len < VIS_MAX ? len : VIS_MAX);
}

/* The room a ladder line may use: frame, time (seconds() writes at
 * most 32), two addresses, text and note */
#define LADDER_LINE_ROOM \
	(3 + PUT_U64_ROOM(7) + 1 + 32 + 2 + 2 * ADDR_MAX + 4 + 1 + VIS_MAX + \
	 3 + VIS_MAX + 1 + 18 + 1)

/* A ladder line written straight into the buffer: its fields' calls
 * and bounds checks were half the text output */
static char *ladder_line(char *p, const struct transfer *t,
			 const struct ladder_line *ln)
{
	p = put_lit(p, "   ");
	p = put_u64(p, ln->frame, 7);
	*p++ = ' ';
	p = seconds(p, t, ln->ts_ns);
	p = put_lit(p, "  ");
	p = direction(p, t, ln);
	*p++ = ' ';
	p = put_vis_max(p, ln->text, ln->text_len);
	if (ln->note) {
		p = put_lit(p, "  [");
		p = put_vis_max(p, ln->note, ln->note_len);
		*p++ = ']';
	}
	if (ln->retrans)
		p = put_lit(p, "  (retransmission)");
	*p++ = '\n';
	return p;
}

static void ladder(struct wbuf *w, const struct transfer *t)
{
	struct le *le;

	wb_lit(w, "     frame      time  dir     message\n");
	for (le = list_head(&t->ladder->lines); le; le = le->next) {
		char *p = wb_room(w, LADDER_LINE_ROOM);

		wb_done(w, ladder_line(p, t, le->data));
	}
	if (t->ladder->dropped) {
		wb_lit(w, "   ... ");
		wb_u64(w, t->ladder->dropped, 0);
		wb_lit(w, " more messages not kept\n");
	}
}

static void outcome(struct wbuf *w, const struct transfer *t,
		    const struct derived *dv)
{
	wb_str(w, "   outcome: ");
	wb_str(w, outcome_name(dv->outcome));
	if (t->scode) {
		wb_str(w, " (REFER answered ");
		wb_u64(w, t->scode, 0);
	}
	else {
		wb_str(w, " (REFER unanswered: reported as 408");
	}
	if (dv->final_status) {
		wb_str(w, ", final NOTIFY status ");
		wb_u64(w, dv->final_status, 0);
	}
	wb_str(w, ")\n");
}

/* One line per hook of hooks_json(): where it fires ("frame N" as
 * "%-12s"), which ("%-10s", name10 already padded), the payload */
static void hook_head(struct wbuf *w, uint64_t frame, const char *name10)
{
	char *p = wb_room(w, 5 + 6 + PUT_U64_ROOM(0) + 1 + 10 + 1), *col;

	p = put_lit(p, "     ");
	col = p;
	if (frame) {
		p = put_lit(p, "frame ");
		p = put_u64(p, frame, 0);
		if (p - col < 12)
			p = put_fill(p, ' ', 12 - (size_t)(p - col));
	}
	else {
		p = put_lit(p, "timer       ");
	}
	*p++ = ' ';
	p = put_mem(p, name10, 10);
	*p++ = ' ';
	wb_done(w, p);
}

static void hooks(struct wbuf *w, const struct transfer *t,
		  const struct derived *dv, enum hook_dialect dialect,
		  const char *referrer)
{
	struct le *le;

	wb_str(w, "   hooks (");
	wb_str(w, dialect_name(dialect));
	wb_str(w, " dialect):\n");
	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;

		if (!derive_fires_event(t, n))
			continue;
		hook_head(w, n->frame, "eventHook ");
		hook_event_write(w, n, dialect);
		wb_chr(w, '\n');
	}
	hook_head(w, dv->action_frame, "actionHook");
	hook_action_write(w, t, dv, dialect, referrer);
	wb_chr(w, '\n');
}

static void finding_line(struct wbuf *w, const struct finding *fd)
{
	wb_mem(w, "     ", 5);
	wb_pad(w, severity_name(fd->rule->sev), -7);
	wb_chr(w, ' ');
	wb_pad(w, fd->rule->name, -28);
	wb_chr(w, ' ');
	wb_str(w, fd->rule->rfc);
	wb_str(w, " §");
	wb_str(w, fd->rule->section);
	wb_str(w, "  frame ");
	wb_u64(w, fd->frame, 0);
	wb_str(w, ": ");
	wb_vis(w, fd->text, VIS_MAX);
	wb_chr(w, '\n');
}

/* a: the referrer's address, written here for the actionHook too */
static void transfer_head(struct wbuf *w, const struct transfer *t, char *a)
{
	char b[ADDR_MAX + 1];

	wb_str(w, "== transfer ");
	wb_u64(w, t->num, 0);
	wb_mem(w, "  ", 2);
	wb_str(w, t->file ? t->file : "");
	wb_str(w, "  Call-ID ");
	wb_vis(w, t->callid, VIS_MAX);
	wb_mem(w, "  ", 2);
	wb_str(w, transport_name(t->tp));
	addr_text(a, ADDR_MAX + 1, &t->referrer);
	addr_text(b, sizeof(b), &t->recipient);
	wb_str(w, "\n   A = ");
	wb_str(w, a);
	wb_str(w, " (referrer), B = ");
	wb_str(w, b);
	wb_str(w, " (recipient)\n");
	wb_str(w, "   Refer-To: ");
	wb_vis(w, t->refer_to ? t->refer_to : "(none)", VIS_MAX);
	wb_chr(w, '\n');
	if (t->referred_by) {
		wb_str(w, "   Referred-By: ");
		wb_vis(w, t->referred_by, VIS_MAX);
		wb_chr(w, '\n');
	}
}

void out_text_transfer_wb(struct wbuf *w, const struct transfer *t,
			  enum hook_dialect dialect)
{
	char referrer[ADDR_MAX + 1];
	struct derived dv;
	struct le *le;

	derive_outcome(t, &dv);
	transfer_head(w, t, referrer);
	ladder(w, t);
	outcome(w, t, &dv);
	hooks(w, t, &dv, dialect, referrer);
	if (list_isempty(&t->findings)) {
		wb_str(w, "   findings: none\n\n");
	}
	else {
		wb_str(w, "   findings:\n");
		for (le = list_head(&t->findings); le; le = le->next)
			finding_line(w, le->data);
		wb_chr(w, '\n');
	}
}

void out_text_transfer_dialect(FILE *f, const struct transfer *t,
			       enum hook_dialect dialect)
{
	struct wbuf w;

	wb_init(&w, f);
	out_text_transfer_wb(&w, t, dialect);
	wb_flush(&w);
}

void out_text_transfer(FILE *f, const struct transfer *t)
{
	out_text_transfer_dialect(f, t, DIALECT_SPEC);
}

void out_text_end(FILE *f, const struct analysis *a, bool global)
{
	uint64_t sip = 0, frames = 0, refers = 0, notifies = 0, bad = 0;
	struct le *le;

	if (global && !list_isempty(&a->findings)) {
		struct wbuf w;

		fprintf(f, "== findings outside transfers\n");
		wb_init(&w, f);
		for (le = list_head(&a->findings); le; le = le->next)
			finding_line(&w, le->data);
		wb_flush(&w);
		if (a->global_dropped)
			fprintf(f, "     ... and %u more\n", a->global_dropped);
		fprintf(f, "\n");
	}
	for (le = list_head(&a->files); le; le = le->next) {
		const struct analysis_file_info *fi = le->data;

		frames += fi->dec.frames;
		sip += fi->dec.sip;
		bad += fi->dec.malformed;
		refers += fi->model.requests[MM_REFER];
		notifies += fi->model.requests[MM_NOTIFY];
	}
	fprintf(f, "%u transfer%s: %u error%s, %u warning%s, %u info; "
		"%llu SIP messages (%llu REFER, %llu NOTIFY, %llu malformed) "
		"in %llu frames\n", a->ntransfers, a->ntransfers == 1 ? "" : "s",
		a->count[SEV_ERROR], a->count[SEV_ERROR] == 1 ? "" : "s",
		a->count[SEV_WARNING], a->count[SEV_WARNING] == 1 ? "" : "s",
		a->count[SEV_INFO], (unsigned long long)sip,
		(unsigned long long)refers, (unsigned long long)notifies,
		(unsigned long long)bad, (unsigned long long)frames);
}
