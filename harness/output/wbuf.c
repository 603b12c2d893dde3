/**
 * @file wbuf.c  A text writer into one fixed buffer (see wbuf.h)
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "output/wbuf.h"

void wb_init(struct wbuf *w, FILE *f)
{
	w->f = f;
	w->len = 0;
}

void wb_flush(struct wbuf *w)
{
	if (w->len)
		(void)fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

void wb_mem(struct wbuf *w, const char *s, size_t n)
{
	if (!n)
		return;
	if (w->len + n > sizeof(w->buf)) {
		wb_flush(w);
		if (n > sizeof(w->buf)) {
			(void)fwrite(s, 1, n, w->f);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

void wb_str(struct wbuf *w, const char *s)
{
	wb_mem(w, s, strlen(s));
}

void wb_fill(struct wbuf *w, char c, size_t n)
{
	while (n--)
		wb_chr(w, c);
}

void wb_pad(struct wbuf *w, const char *s, int width)
{
	size_t n = strlen(s), want = (size_t)(width < 0 ? -width : width);
	size_t fill = n < want ? want - n : 0;

	if (width > 0)
		wb_fill(w, ' ', fill);
	wb_mem(w, s, n);
	if (width < 0)
		wb_fill(w, ' ', fill);
}

void wb_u64(struct wbuf *w, uint64_t v, int width)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (width > 0 && sizeof(d) - i < (size_t)width)
		wb_fill(w, ' ', (size_t)width - (sizeof(d) - i));
	wb_mem(w, d + i, sizeof(d) - i);
}

static bool shown(char c)
{
	return (unsigned char)c >= 0x20 && c != 0x7f;
}

/* Whether any of 8 bytes is below 0x20 or is 0x7f (exact for "any") */
static bool word_has_ctl(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;
	uint64_t del = x ^ (ones * 0x7f);

	return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs;
}

/* Printable runs are copied whole, found 8 bytes a step (a byte loop
 * here was a twentieth of a run) */
void wb_vis(struct wbuf *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0, i = 0, run = 0;

	while (i < n) {
		uint64_t x;

		if (i + 8 <= n) {
			memcpy(&x, s + i, 8);
			if (!word_has_ctl(x)) {
				i += 8;
				continue;
			}
		}
		if (!shown(s[i])) {
			wb_mem(w, s + run, i - run);
			wb_chr(w, '?');
			run = i + 1;
		}
		i++;
	}
	wb_mem(w, s + run, n - run);
}

/* cJSON's print_string_ptr: the two-letter escapes, other control
 * characters as \u00xx in lower case, everything else as it is. */
void wb_json_str(struct wbuf *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run;

	if (!s) {
		wb_mem(w, "null", 4);
		return;
	}
	wb_chr(w, '"');
	for (run = s; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = {'\\', 0, '0', '0', 0, 0};
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		wb_mem(w, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"':  esc[1] = '"';  break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b';  break;
		case '\f': esc[1] = 'f';  break;
		case '\n': esc[1] = 'n';  break;
		case '\r': esc[1] = 'r';  break;
		case '\t': esc[1] = 't';  break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		wb_mem(w, esc, n);
	}
	wb_mem(w, run, (size_t)(s - run));
	wb_chr(w, '"');
}

/* cJSON's print_number: a number equal to its int (saturated) as "%d",
 * anything else as "%1.15g", or "%1.17g" when 15 digits do not read
 * back within an epsilon. */
void wb_json_num(struct wbuf *w, double d)
{
	int vi = d >= INT_MAX ? INT_MAX : d <= INT_MIN ? INT_MIN : (int)d;
	char buf[32];
	double back, max;
	int n;

	if (isnan(d) || isinf(d)) {
		wb_mem(w, "null", 4);
		return;
	}
	if (d == (double)vi) {
		if (vi < 0)
			wb_chr(w, '-');
		wb_u64(w, (uint64_t)(vi < 0 ? -(int64_t)vi : vi), 0);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%1.15g", d);
	back = strtod(buf, NULL);
	max = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
	if (!(fabs(back - d) <= max * DBL_EPSILON))
		n = snprintf(buf, sizeof(buf), "%1.17g", d);
	wb_mem(w, buf, (size_t)n);
}
