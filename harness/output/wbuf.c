/**
 * @file wbuf.c  A text writer into one fixed buffer (see wbuf.h)
 */
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

void wb_mem_slow(struct wbuf *w, const char *s, size_t n)
{
	wb_flush(w);
	if (n > sizeof(w->buf)) {
		(void)fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->buf, s, n);
	w->len = n;
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

/* Two digits a step from a table: half the divisions of a digit loop */
static const char pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

/* The digits are written backwards ending at a fixed place of a
 * scratch buffer and copied out as one block of U64_DIGITS bytes: no
 * count of digits first, no copy of variable size (a call each) */
char *put_u64(char *p, uint64_t v, unsigned width)
{
	char d[2 * U64_DIGITS], *q = d + U64_DIGITS;
	uint32_t v32;
	unsigned n;

	while (v > UINT32_MAX) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	for (v32 = (uint32_t)v; v32 >= 100; v32 /= 100) {   /* cheaper */
		q -= 2;
		memcpy(q, pairs + 2 * (v32 % 100), 2);
	}
	v = v32;
	if (v >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * v, 2);
	}
	else {
		*--q = (char)('0' + v);
	}
	n = (unsigned)(d + U64_DIGITS - q);
	if (width > n) {
		if (width <= 8)
			memcpy(p, "        ", 8);
		else
			memset(p, ' ', width - n);
		p += width - n;
	}
	memcpy(p, q, U64_DIGITS);
	return p + n;
}

void wb_u64(struct wbuf *w, uint64_t v, int width)
{
	unsigned wd = width > 0 ? (unsigned)width : 0;

	if (wd > WBUF_SIZE - U64_DIGITS) {   /* not one of ours */
		wb_fill(w, ' ', wd - U64_DIGITS);
		wd = U64_DIGITS;
	}
	wb_done(w, put_u64(wb_room(w, PUT_U64_ROOM(wd)), v, wd));
}

static bool shown(char c)
{
	return (unsigned char)c >= 0x20 && c != 0x7f;
}

static const uint64_t ones = 0x0101010101010101ULL, highs = ones << 7;

/* Whether any of 8 bytes is below 0x20 or is 0x7f (exact for "any") */
static bool word_has_ctl(uint64_t x)
{
	uint64_t del = x ^ (ones * 0x7f);

	return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & highs;
}

/* Copies s while its words hold none of the bytes has() looks for, 8 a
 * step (a byte loop was a twentieth of a run); the last word is read
 * overlapping the one before, so no byte loop for a tail: what it
 * rewrites there it rewrites with the same bytes, having none either.
 * 4 to 7 bytes ("200 OK") are two overlapping halves of one word.
 * Returns how many bytes were copied: n, or up to a word with one. */
static inline size_t copy_words(char *p, const char *s, size_t n,
				bool (*has)(uint64_t))
{
	size_t i = 0;
	uint32_t lo, hi;
	uint64_t x;

	if (n < 8) {
		if (n < 4)
			return 0;
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		if (has(lo | (uint64_t)hi << 32))
			return 0;
		memcpy(p, &lo, 4);
		memcpy(p + n - 4, &hi, 4);
		return n;
	}
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		if (has(x))
			return i;
		memcpy(p + i, &x, 8);
	}
	memcpy(&x, s + n - 8, 8);
	if (has(x))
		return i;
	memcpy(p + n - 8, &x, 8);
	return n;
}

char *put_vis(char *p, const char *s, size_t n)
{
	size_t i = copy_words(p, s, n, word_has_ctl);

	for (; i < n && s[i]; i++)
		p[i] = shown(s[i]) ? s[i] : '?';
	return p + i;
}

void wb_vis(struct wbuf *w, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	while (n) {
		size_t k = n < WBUF_SIZE ? n : WBUF_SIZE;

		wb_done(w, put_vis(wb_room(w, k), s, k));
		s += k;
		n -= k;
	}
}

/* Whether any of 8 bytes is below 0x20, '"' or '\\' (exact for "any") */
static bool word_has_esc(uint64_t x)
{
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		((b - ones) & ~b)) & highs;
}

/* cJSON's print_string_ptr for one byte: the two-letter escapes, other
 * control characters as \u00xx in lower case, everything else as it is */
static char *json_chr(char *p, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (c >= 0x20 && c != '"' && c != '\\') {
		*p = (char)c;
		return p + 1;
	}
	*p++ = '\\';
	switch (c) {
	case '"':  *p++ = '"';  break;
	case '\\': *p++ = '\\'; break;
	case '\b': *p++ = 'b';  break;
	case '\f': *p++ = 'f';  break;
	case '\n': *p++ = 'n';  break;
	case '\r': *p++ = 'r';  break;
	case '\t': *p++ = 't';  break;
	default:
		p = put_lit(p, "u00");
		*p++ = hex[c >> 4];
		*p++ = hex[c & 15];
	}
	return p;
}

/* A string's bytes escaped, at most JSON_ESC_MAX each: written into the
 * buffer's room in pieces that fit it */
enum { JSON_ESC_MAX = 6, JSON_PIECE = WBUF_SIZE / JSON_ESC_MAX };

void wb_json_str(struct wbuf *w, const char *s)
{
	size_t n;

	if (!s) {
		wb_lit(w, "null");
		return;
	}
	wb_chr(w, '"');
	for (n = strlen(s); n;) {
		size_t k = n < JSON_PIECE ? n : JSON_PIECE, i;
		char *p = wb_room(w, JSON_ESC_MAX * k);

		i = copy_words(p, s, k, word_has_esc);
		for (p += i; i < k; i++)
			p = json_chr(p, (unsigned char)s[i]);
		wb_done(w, p);
		s += k;
		n -= k;
	}
	wb_chr(w, '"');
}
