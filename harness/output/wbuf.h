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

enum { WBUF_SIZE = 16384 };

struct wbuf {
	FILE *f;
	size_t len;
	char buf[WBUF_SIZE];
};

void wb_init(struct wbuf *w, FILE *f);
void wb_flush(struct wbuf *w);
void wb_mem(struct wbuf *w, const char *s, size_t n);
void wb_str(struct wbuf *w, const char *s);
static inline void wb_chr(struct wbuf *w, char c)
{
	if (w->len == sizeof(w->buf))
		wb_flush(w);
	w->buf[w->len++] = c;
}

void wb_fill(struct wbuf *w, char c, size_t n);
/* s padded to |width| columns: width > 0 right-aligns ("%9s"), width < 0
 * left-aligns ("%-7s"); never truncated. */
void wb_pad(struct wbuf *w, const char *s, int width);
/* "%llu" / "%*llu" */
void wb_u64(struct wbuf *w, uint64_t v, int width);
/* s as shown on a terminal: a control character as '?', at most max
 * characters (the 1 KiB buffers of the former printf code kept 1023). */
void wb_vis(struct wbuf *w, const char *s, size_t max);
/* s as cJSON prints a string ("\"...\"", the same escapes); NULL: null */
void wb_json_str(struct wbuf *w, const char *s);
/* a number as cJSON prints it */
void wb_json_num(struct wbuf *w, double d);

#endif
