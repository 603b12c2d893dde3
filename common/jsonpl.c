/**
 * @file jsonpl.c  libre pointer-length strings into cJSON objects
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

char *jsonpl_read_text(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n = 0;
	int err = 0;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		err = errno ? errno : EIO;
	else if ((unsigned long)n > max)
		err = EFBIG;
	else if (!(buf = malloc((size_t)n + 1)))
		err = ENOMEM;
	else if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		err = ferror(f) && errno ? errno : EIO;   /* EISDIR */
	fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

cJSON *jsonpl_read_file(const char *path, size_t max, char *why, size_t sz)
{
	size_t len = 0, off;
	char *text = jsonpl_read_text(path, max, &len);
	cJSON *v;

	if (!text) {
		if (errno == EFBIG)
			snprintf(why, sz, "%s: larger than %zu bytes", path, max);
		else
			snprintf(why, sz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	v = jsonpl_parse_all(text, len, &off);
	free(text);
	if (!v) {
		snprintf(why, sz, "%s: offset %zu (of %zu bytes): not valid "
			 "JSON", path, off, len);
		errno = EINVAL;
	}
	return v;
}
