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
 * with ", " (RFC 3261 section 7.3.1, RFC 9110 section 5.3). */
bool jsonpl_add_header(cJSON *hdrs, const struct pl *name, const char *val);

#endif
