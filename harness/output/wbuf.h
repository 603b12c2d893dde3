/**
 * @file wbuf.h  A text writer into one fixed buffer, flushed to a FILE
 *               when full: the analyser's output formats its integers
 *               and strings by hand instead of one fprintf per field
 *               (that was a third of a run on big captures)
 */
#ifndef REFERLAB_WBUF_H
#define REFERLAB_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
	WBUF_SIZE = 16384,
	U64_DIGITS = 20,         /* the most put_u64 writes without padding */
};

struct wbuf {
	FILE *f;
	size_t len;
	char buf[WBUF_SIZE];
};

void wb_init(struct wbuf *w, FILE *f);
void wb_flush(struct wbuf *w);
void wb_mem_slow(struct wbuf *w, const char *s, size_t n);

/* Inline, so that a literal's copy is a few moves, not a call and a
 * memcpy (the writers' calls were a fifth of the text output) */
static inline void wb_mem(struct wbuf *w, const char *s, size_t n)
{
	if (!n)
		return;
	if (n <= sizeof(w->buf) - w->len) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		return;
	}
	wb_mem_slow(w, s, n);
}

#define wb_lit(w, lit) wb_mem(w, lit, sizeof(lit) - 1)

static inline void wb_str(struct wbuf *w, const char *s)
{
	wb_mem(w, s, strlen(s));
}

static inline void wb_chr(struct wbuf *w, char c)
{
	if (w->len == sizeof(w->buf))
		wb_flush(w);
	w->buf[w->len++] = c;
}

/* Room for n bytes (n <= WBUF_SIZE) at the end of the buffer, flushed
 * first if short: a line whose longest form is known is written there
 * with the put_* functions in one go, one bounds check for the line
 * instead of one per field, and wb_done() takes it up to end. */
static inline char *wb_room(struct wbuf *w, size_t n)
{
	if (n > sizeof(w->buf) - w->len)
		wb_flush(w);
	return w->buf + w->len;
}

static inline void wb_done(struct wbuf *w, const char *end)
{
	w->len = (size_t)(end - w->buf);
}

static inline char *put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define put_lit(p, lit) put_mem(p, lit, sizeof(lit) - 1)

static inline char *put_fill(char *p, char c, size_t n)
{
	memset(p, c, n);
	return p + n;
}

/* "%*llu"; it may write up to PUT_U64_ROOM(width) bytes at p */
char *put_u64(char *p, uint64_t v, unsigned width);
#define PUT_U64_ROOM(width) ((size_t)(width) + U64_DIGITS)
/* At most n bytes of s as shown on a terminal (wb_vis), up to a NUL;
 * reads no further than s + n */
char *put_vis(char *p, const char *s, size_t n);

void wb_fill(struct wbuf *w, char c, size_t n);
/* s padded to |width| columns: width > 0 right-aligns ("%9s"), width < 0
 * left-aligns ("%-7s"); never truncated. */
void wb_pad(struct wbuf *w, const char *s, int width);
/* "%llu" / "%*llu" */
void wb_u64(struct wbuf *w, uint64_t v, int width);
/* s as shown on a terminal: a control character as '?', at most max
 * characters (the 1 KiB buffers of the former printf code kept 1023). */
void wb_vis(struct wbuf *w, const char *s, size_t max);
/* s as cJSON prints a string ("\"...\"", the same escapes); NULL: null.
 * (An integer prints as cJSON prints it with wb_u64.) */
void wb_json_str(struct wbuf *w, const char *s);

#endif
