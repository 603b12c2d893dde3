/**
 * @file html.h  The HTML writers' shared parts
 */
#ifndef REFERLAB_REPORT_HTML_H
#define REFERLAB_REPORT_HTML_H

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

#endif
