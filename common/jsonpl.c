/**
 * @file jsonpl.c  libre pointer-length strings into cJSON objects
 */
#include <ctype.h>
#include <string.h>
#include "jsonpl.h"

bool jsonpl_add(cJSON *o, const char *key, const struct pl *pl)
{
	char *s = NULL;
	bool ok;

	if (pl_strdup(&s, pl))
		return false;
	ok = cJSON_AddStringToObject(o, key, s) != NULL;
	mem_deref(s);
	return ok;
}

bool jsonpl_add_header(cJSON *hdrs, const struct pl *name, const char *val)
{
	char key[128], *joined = NULL;
	const cJSON *prev;
	size_t i;
	bool ok;

	if (!hdrs || !name || !val)
		return false;
	if (!name->l || name->l >= sizeof(key))
		return true;  /* nothing anyone could look up: left out */

	for (i = 0; i < name->l; i++) {
		/* no header's name (a token): a NUL would cut the key, and
		 * "Authorization\0x" would stand for Authorization unredacted */
		if ((unsigned char)name->p[i] <= ' ' || name->p[i] == 0x7f)
			return true;
		key[i] = (char)tolower((unsigned char)name->p[i]);
	}
	key[i] = '\0';

	prev = cJSON_GetObjectItemCaseSensitive(hdrs, key);
	if (!cJSON_IsString(prev))
		return cJSON_AddStringToObject(hdrs, key, val) != NULL;

	ok = !re_sdprintf(&joined, "%s, %s", prev->valuestring, val) &&
		cJSON_ReplaceItemInObjectCaseSensitive(hdrs, key,
			cJSON_CreateString(joined));
	mem_deref(joined);
	return ok;
}

cJSON *jsonpl_parse_all(const char *text, size_t len, size_t *off)
{
	const char *end = NULL, *stop = text + len;
	cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, false);

	while (v && end < stop && *end && strchr(" \t\r\n", *end))
		end++;
	if (v && end != stop) {
		cJSON_Delete(v);
		v = NULL;
	}
	if (off)
		*off = end && end >= text && end <= stop ? (size_t)(end - text)
							 : 0;
	return v;
}
