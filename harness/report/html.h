/**
 * @file html.h  The HTML writers' shared parts
 */
#ifndef REFERLAB_REPORT_HTML_H
#define REFERLAB_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "report/case.h"

/* <!DOCTYPE ...><body>, with the inline stylesheet; title escaped */
void html_begin(FILE *f, const char *title);
void html_end(FILE *f);
/* A case's details: assertions (verdict may be NULL), ladder, transfers,
 * findings, hooks, messages, and links to the files of dir (may be
 * NULL) relative to the page's path. id prefixes the anchors. */
void html_case_body(FILE *f, const struct rcase *rc, const cJSON *verdict,
		    const char *id, const char *page, const char *dir);
/* target as a link relative to the folder of the page at `page` (the
 * report opens from disk and from a CI artifact, so no absolute paths
 * when avoidable); target as it is when either cannot be resolved.
 * False, and buf "", when the link does not fit in sz bytes. */
bool html_rel_link(const char *page, const char *target, char *buf,
		   size_t sz);

enum { HTML_ID_NAME_MAX = 200 };
/* A case's anchor (before esc_id): "c-NAME@RUN". A NAME longer than
 * HTML_ID_NAME_MAX bytes is cut there and followed by "~" and a hash
 * of the whole name, so that names sharing a long prefix still get
 * anchors of their own, the same from one report to the next. */
void html_case_id(char *buf, size_t sz, const cJSON *c);

#endif
