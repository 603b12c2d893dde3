/**
 * @file svg.c  The ladder of a case: inline SVG for HTML, text for JUnit
 *
 * One lane per endpoint, time going down, one arrow per message (hooks
 * on their own lane), labelled with the method or status, the sipfrag
 * status or Refer-To, and the time since the first message. Every label
 * goes through esc_xml(): it came from the wire.
 */
#include <inttypes.h>
#include <string.h>
#include "report/case.h"
#include "report/esc.h"

enum {
	TIME_W = 96,       /* the time and frame column */
	LANE_W = 190,
	HEAD_H = 44,
	ROW_H = 38,
	LABEL_MAX = 40,    /* bytes of a label drawn; the tooltip has all */
};

static double rel_s(const struct rcase *rc, const struct rev *e)
{
	return e->ts_ns >= rc->t0 ? (double)(e->ts_ns - rc->t0) / 1e9 : 0;
}

/* At most max bytes of s, cut on a UTF-8 boundary, "…" when cut. */
static void clip(char *dst, size_t sz, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max) {
		snprintf(dst, sz, "%s", s);
		return;
	}
	while (n > max || (n && ((unsigned char)s[n] & 0xc0) == 0x80))
		n--;
	snprintf(dst, sz, "%.*s…", (int)n, s);
}

static const char *arrow_class(const struct rev *e)
{
	if (e->hook)
		return "hk";
	if (e->retrans)
		return "rt";
	if (e->label[0] >= '1' && e->label[0] <= '9')
		return e->label[0] == '1' ? "r1" : e->label[0] == '2' ? "r2" :
			"rx";
	return "rq";
}

static int lane_x(int i)
{
	return TIME_W + LANE_W / 2 + i * LANE_W;
}

static void arrow(FILE *f, const struct rcase *rc, const struct rev *e,
		  size_t k, const char *id)
{
	int y = HEAD_H + 20 + (int)k * ROW_H;
	int x1 = lane_x(e->from), x2 = lane_x(e->to);
	int dir = x2 >= x1 ? 1 : -1, mid = (x1 + x2) / 2;
	char buf[LABEL_MAX * 2];

	fprintf(f, "<a href=\"#");
	esc_id(f, id);
	fprintf(f, "-m%zu\"><g class=\"%s\"><title>", k + 1, arrow_class(e));
	esc_xml(f, e->label);
	fputs("\n", f);
	esc_xml(f, e->note);
	fprintf(f, "</title><text class=\"t\" x=\"4\" y=\"%d\">+%.3f s</text>",
		y + 4, rel_s(rc, e));
	if (e->frame)
		fprintf(f, "<text class=\"t\" x=\"4\" y=\"%d\">#%" PRIu64
			"</text>", y + 16, e->frame);
	if (x1 == x2) {   /* to itself: a small loop */
		x2 = x1 + 40;
		mid = x1 + 44;
		fprintf(f, "<path d=\"M%d %d h40 v10 h-34\" fill=\"none\"/>",
			x1, y - 5);
		fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", x1, y + 5,
			x1 + 8, y + 1, x1 + 8, y + 9);
	}
	else {
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
			x1, y, x2 - 8 * dir, y);
		fprintf(f, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", x2, y,
			x2 - 9 * dir, y - 4, x2 - 9 * dir, y + 4);
	}
	clip(buf, sizeof(buf), e->label, LABEL_MAX);
	fprintf(f, "<text class=\"l\" x=\"%d\" y=\"%d\">", mid, y - 5);
	esc_xml(f, buf);
	fputs("</text>", f);
	if (e->note[0]) {
		clip(buf, sizeof(buf), e->note, LABEL_MAX);
		fprintf(f, "<text class=\"n\" x=\"%d\" y=\"%d\">", mid, y + 13);
		esc_xml(f, buf);
		fputs("</text>", f);
	}
	fputs("</g></a>\n", f);
}

void ladder_svg(FILE *f, const struct rcase *rc, const char *id)
{
	int w = TIME_W + LANE_W * (rc->nlanes ? rc->nlanes : 1);
	int h = HEAD_H + 20 + (int)rc->nev * ROW_H;
	char buf[LABEL_MAX * 2];
	size_t k;
	int i;

	fprintf(f, "<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		w, h, w, h);
	for (i = 0; i < rc->nlanes; i++) {
		int x = lane_x(i);

		clip(buf, sizeof(buf), rc->lanes[i].name, 28);
		fprintf(f, "<g class=\"lane\"><title>");
		esc_xml(f, rc->lanes[i].name);
		fprintf(f, "</title><rect x=\"%d\" y=\"4\" width=\"%d\" "
			"height=\"26\" rx=\"4\"/><text x=\"%d\" y=\"22\">",
			x - LANE_W / 2 + 6, LANE_W - 12, x);
		esc_xml(f, buf);
		fprintf(f, "</text><line x1=\"%d\" y1=\"30\" x2=\"%d\" "
			"y2=\"%d\"/></g>\n", x, x, h);
	}
	for (k = 0; k < rc->nev; k++)
		arrow(f, rc, &rc->ev[k], k, id);
	fputs("</svg>\n", f);
}

void ladder_text(FILE *f, const struct rcase *rc)
{
	size_t k;

	for (k = 0; k < rc->nev; k++) {
		const struct rev *e = &rc->ev[k];

		fprintf(f, "%8.3f s ", rel_s(rc, e));
		if (e->frame)
			fprintf(f, "#%-5" PRIu64, e->frame);
		else
			fputs("      ", f);
		fprintf(f, " %s -> %s  %s%s%s%s\n", rc->lanes[e->from].name,
			rc->lanes[e->to].name, e->label, e->note[0] ? "  (" : "",
			e->note, e->note[0] ? ")" : "");
	}
	if (rc->dropped)
		fprintf(f, "... and %u more messages\n", rc->dropped);
}
