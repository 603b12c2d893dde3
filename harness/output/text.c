/**
 * @file text.c  An analysis as text: per transfer a ladder, the outcome,
 *               the derived hooks and the findings
 */
#include <string.h>
#include "output/output.h"

/* Text from a capture is shown on a terminal: a control character there
 * (ESC[2J clears the screen, OSC retitles the window) is shown as '?'. */
static const char *vis(char *buf, size_t sz, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < sz; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?'
								      : s[i];
	buf[i] = '\0';
	return buf;
}

/* "%.3f" of transfer_time(), without formatting a double (that was a
 * tenth of a run on big captures). Below 10^14 ns the nearest double
 * is within 10^-11 s of the exact value and a non-tie is 10^-9 s from a
 * rounding boundary, so integer rounding gives printf's digits; a tie
 * (x.xxx5 exactly) and longer captures are left to printf. */
static const char *seconds(char *buf, size_t sz, const struct transfer *t,
			   uint64_t ts)
{
	uint64_t ns = ts >= t->file_t0 ? ts - t->file_t0 : 0;
	uint64_t ms = ns / 1000000, rem = ns % 1000000;

	if (rem == 500000 || ns >= 100000000000000ULL)
		snprintf(buf, sz, "%.3f", transfer_time(t, ts));
	else
		snprintf(buf, sz, "%llu.%03llu",
			 (unsigned long long)((ms + (rem > 500000)) / 1000),
			 (unsigned long long)((ms + (rem > 500000)) % 1000));
	return buf;
}

static void direction(char *buf, size_t sz, const struct transfer *t,
		      const struct ladder_line *ln)
{
	if (sa_cmp(&ln->src, &t->referrer, SA_ALL) &&
	    sa_cmp(&ln->dst, &t->recipient, SA_ALL))
		str_ncpy(buf, "A -> B", sz);
	else if (sa_cmp(&ln->src, &t->recipient, SA_ALL) &&
		 sa_cmp(&ln->dst, &t->referrer, SA_ALL))
		str_ncpy(buf, "A <- B", sz);
	else
		(void)re_snprintf(buf, sz, "%J -> %J", &ln->src, &ln->dst);
}

static void ladder(FILE *f, const struct transfer *t)
{
	struct le *le;

	fprintf(f, "   %7s %9s  %-7s %s\n", "frame", "time", "dir", "message");
	for (le = list_head(&t->ladder->lines); le; le = le->next) {
		const struct ladder_line *ln = le->data;
		char dir[128], v[1024], secs[32];

		direction(dir, sizeof(dir), t, ln);
		fprintf(f, "   %7llu %9s  %-7s %s", (unsigned long long)ln->frame,
			seconds(secs, sizeof(secs), t, ln->ts_ns), dir,
			vis(v, sizeof(v), ln->text));
		if (ln->note)
			fprintf(f, "  [%s]", vis(v, sizeof(v), ln->note));
		fprintf(f, "%s\n", ln->retrans ? "  (retransmission)" : "");
	}
	if (t->ladder->dropped)
		fprintf(f, "   ... %u more messages not kept\n",
			t->ladder->dropped);
}

static void outcome(FILE *f, const struct transfer *t)
{
	struct derived dv;

	derive_outcome(t, &dv);
	fprintf(f, "   outcome: %s", outcome_name(dv.outcome));
	if (t->scode)
		fprintf(f, " (REFER answered %u", t->scode);
	else
		fprintf(f, " (REFER unanswered: reported as 408");
	if (dv.final_status)
		fprintf(f, ", final NOTIFY status %u", dv.final_status);
	fprintf(f, ")\n");
}

static void hooks(FILE *f, const struct transfer *t,
		  enum hook_dialect dialect)
{
	cJSON *arr = hooks_json(t, dialect), *h;

	fprintf(f, "   hooks (%s dialect):\n", dialect_name(dialect));
	cJSON_ArrayForEach(h, arr) {
		cJSON *fr = cJSON_GetObjectItem(h, "frame");
		char *p = cJSON_PrintUnformatted(cJSON_GetObjectItem(h,
								     "payload"));
		char where[32];

		if (cJSON_IsNumber(fr))
			snprintf(where, sizeof(where), "frame %.0f",
				 fr->valuedouble);
		else
			snprintf(where, sizeof(where), "timer");
		fprintf(f, "     %-12s %-10s %s\n", where,
			cJSON_GetObjectItem(h, "hook")->valuestring,
			p ? p : "");
		cJSON_free(p);
	}
	cJSON_Delete(arr);
}

static void finding_line(FILE *f, const struct finding *fd)
{
	char v[1024];

	fprintf(f, "     %-7s %-28s %s §%s  frame %llu: %s\n",
		severity_name(fd->rule->sev), fd->rule->name, fd->rule->rfc,
		fd->rule->section, (unsigned long long)fd->frame,
		vis(v, sizeof(v), fd->text));
}

void out_text_transfer_dialect(FILE *f, const struct transfer *t,
			       enum hook_dialect dialect)
{
	struct le *le;
	char v[1024];

	fprintf(f, "== transfer %u  %s  Call-ID %s  %s\n", t->num,
		t->file ? t->file : "", vis(v, sizeof(v), t->callid),
		transport_name(t->tp));
	(void)re_fprintf(f, "   A = %J (referrer), B = %J (recipient)\n",
			 &t->referrer, &t->recipient);
	fprintf(f, "   Refer-To: %s\n", t->refer_to ?
		vis(v, sizeof(v), t->refer_to) : "(none)");
	if (t->referred_by)
		fprintf(f, "   Referred-By: %s\n",
			vis(v, sizeof(v), t->referred_by));
	ladder(f, t);
	outcome(f, t);
	hooks(f, t, dialect);
	if (list_isempty(&t->findings)) {
		fprintf(f, "   findings: none\n\n");
		return;
	}
	fprintf(f, "   findings:\n");
	for (le = list_head(&t->findings); le; le = le->next)
		finding_line(f, le->data);
	fprintf(f, "\n");
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
		fprintf(f, "== findings outside transfers\n");
		for (le = list_head(&a->findings); le; le = le->next)
			finding_line(f, le->data);
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
