/**
 * @file jsonpl.h  libre pointer-length strings into cJSON objects
 *
 * Shared by the sim's call-hook payload (SIP headers) and the hook
 * server's records (HTTP headers), so both present headers the same way.
 */
#ifndef REFERLAB_JSONPL_H
#define REFERLAB_JSONPL_H

#include <re.h>
#include <cjson/cJSON.h>

/* o[key] = the text of pl. False when out of memory. */
bool jsonpl_add(cJSON *o, const char *key, const struct pl *pl);
/* hdrs[lower-cased name] = val; a repeated header's values are joined
 * with ", " (RFC 3261 section 7.3.1, RFC 9110 section 5.3). A name of
 * 128 bytes or more, or with a space or control byte, is left out. */
bool jsonpl_add_header(cJSON *hdrs, const struct pl *name, const char *val);

/* The JSON value that is the whole of text[0..len), JSON whitespace
 * around it allowed, or NULL; *off (may be NULL) gets where it goes
 * wrong: the first byte after the value when more follows it. cJSON
 * alone stops after the first value, so '{"a":1} x' passed as {"a":1}. */
cJSON *jsonpl_parse_all(const char *text, size_t len, size_t *off);
/* The JSON value that is the whole file at path (jsonpl_parse_all), or
 * NULL with errno set (ENOENT: no such file; EFBIG: more than max bytes;
 * EINVAL: not valid JSON) and one line in why: "PATH: offset 13 (of 55
 * bytes): not valid JSON", "PATH: larger than MAX bytes", "PATH: <errno
 * text>". */
cJSON *jsonpl_read_file(const char *path, size_t max, char *why, size_t sz);
/* The whole file at path as a string for a JSON reader (malloc'd, NUL
 * after its *len bytes), or NULL with errno set (EFBIG: more than max
 * bytes) */
char *jsonpl_read_text(const char *path, size_t max, size_t *len);

#endif
