/**
 * @file esc.c  Escaping every string that came from the wire or a file
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "report/esc.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Shared walk: entities for markup, extra for Markdown. */
static void esc_walk(FILE *f, const char *str, size_t n, int md)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	while (s && i < n && s[i]) {
		unsigned char c = s[i];

		switch (c) {
		case '<':  fputs("&lt;", f); break;
		case '>':  fputs("&gt;", f); break;
		case '&':  fputs("&amp;", f); break;
		case '"':
		case '\'':
			if (md)
				fputc(c, f);
			else
				fputs(c == '"' ? "&quot;" : "&#39;", f);
			break;
		case '\n':
		case '\t':
			fputc(md ? ' ' : c, f);
			break;
		case '|': case '`': case '*': case '_': case '[': case ']':
		case '\\':
			if (md)
				fputc('\\', f);
			fputc(c, f);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fputc('?', f);
				break;
			}
			k = utf8_len(s + i, n - i);
			if (!k) {
				fputc('?', f);
				break;
			}
			fwrite(s + i, 1, k, f);
			i += k;
			continue;
		}
		i++;
	}
}

void esc_xml(FILE *f, const char *s)
{
	esc_walk(f, s, s ? strlen(s) : 0, 0);
}

void esc_wrap(FILE *f, const char *open, const char *s, const char *close)
{
	fputs(open, f);
	esc_xml(f, s);
	fputs(close, f);
}

void esc_xml_n(FILE *f, const char *s, size_t n)
{
	esc_walk(f, s, n, 0);
}

void esc_xmlf(FILE *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	esc_xml(f, buf);
}

void esc_md(FILE *f, const char *s)
{
	esc_walk(f, s, s ? strlen(s) : 0, 1);
}

void esc_id(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')
			fputc(c, f);
		else
			fprintf(f, "-%02X", c);
	}
}

void esc_url(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}
