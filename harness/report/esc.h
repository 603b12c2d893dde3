/**
 * @file esc.h  Escaping every string that came from the wire or a file
 *
 * One way out for untrusted text: HTML/SVG/XML text and attributes, and
 * Markdown table cells. Bytes that are not valid UTF-8 and control
 * characters become '?', so an XML file always parses and a browser
 * never sees a half character.
 */
#ifndef REFERLAB_REPORT_ESC_H
#define REFERLAB_REPORT_ESC_H

#include <stdio.h>
#include <stddef.h>

/* HTML, SVG and XML text and attribute values (quoted with "). */
void esc_xml(FILE *f, const char *s);
void esc_xml_n(FILE *f, const char *s, size_t n);
/* printf, then esc_xml() of the result */
void esc_xmlf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* open, then s escaped, then close: esc_wrap(f, "<td>", s, "</td>") */
void esc_wrap(FILE *f, const char *open, const char *s, const char *close);
/* A Markdown table cell or inline text: HTML entities as above, plus
 * |, `, *, _, [, ], \ escaped, newlines as spaces. */
void esc_md(FILE *f, const char *s);
/* An id or URL fragment: [A-Za-z0-9-_] kept, anything else as -XX. */
void esc_id(FILE *f, const char *s);
/* A relative path in a URL (href): unreserved and / kept, else %XX. */
void esc_url(FILE *f, const char *s);

#endif
