/**
 * @file hookrec.c  Records of the hook server: request -> JSON object -> line
 */
#include <ctype.h>
#include <string.h>
#include <time.h>
#include "jsonpl.h"
#include "hookrec.h"

static void now_iso(char *buf, size_t sz)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, sz, "%Y-%m-%dT%H:%M:%S", &tm);
	re_snprintf(buf + n, sz - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static cJSON *rec_base(const struct hookrec_src *src)
{
	cJSON *rec = cJSON_CreateObject();
	char t[40], peer[64] = "";

	if (!rec)
		return NULL;

	now_iso(t, sizeof(t));
	if (src->peer)
		re_snprintf(peer, sizeof(peer), "%J", src->peer);
	if (!cJSON_AddNumberToObject(rec, "seq", src->seq) ||
	    !cJSON_AddStringToObject(rec, "time", t) ||
	    !cJSON_AddNumberToObject(rec, "conn", src->conn) ||
	    !cJSON_AddStringToObject(rec, "peer", peer))
		return cJSON_Delete(rec), NULL;

	return rec;
}

int hookrec_pct_decode(char **dst, const struct pl *src, bool form)
{
	struct mbuf *mb = mbuf_alloc(src->l + 1);
	size_t i;
	int err = 0;

	if (!mb)
		return ENOMEM;

	for (i = 0; i < src->l && !err; i++) {
		char c = src->p[i];

		if (c == '%') {
			if (i + 2 >= src->l ||
			    !isxdigit((unsigned char)src->p[i + 1]) ||
			    !isxdigit((unsigned char)src->p[i + 2])) {
				err = EINVAL;
				break;
			}
			c = (char)(ch_hex(src->p[i + 1]) << 4 |
				   ch_hex(src->p[i + 2]));
			if (!c) {   /* would end the record's string there */
				err = EINVAL;
				break;
			}
			i += 2;
		}
		else if (c == '+' && form) {
			c = ' ';  /* form encoding, as node's qs may write */
		}
		err = mbuf_write_u8(mb, (uint8_t)c);
	}

	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, dst, mb->end);
	}
	mem_deref(mb);
	return err;
}

/* Adds k=v; a repeated key turns into an array of its values. */
static int query_add(cJSON *q, const char *k, const char *v)
{
	cJSON *prev = cJSON_GetObjectItemCaseSensitive(q, k), *arr;

	if (!prev)
		return cJSON_AddStringToObject(q, k, v) ? 0 : ENOMEM;
	if (!cJSON_IsArray(prev)) {
		arr = cJSON_CreateArray();
		if (!arr)
			return ENOMEM;
		cJSON_AddItemToArray(arr, cJSON_CreateString(prev->valuestring));
		cJSON_ReplaceItemInObjectCaseSensitive(q, k, arr);
		prev = arr;
	}

	return cJSON_AddItemToArray(prev, cJSON_CreateString(v)) ? 0 : ENOMEM;
}

/* "?a=1&b=x%20y" -> {"a":"1","b":"x y"}; undecodable escapes are kept
 * as they came (lenient), the record still shows them. */
static cJSON *query_object(const struct pl *prm)
{
	cJSON *q = cJSON_CreateObject();
	struct pl rest = *prm, part, key, val;

	if (rest.l && rest.p[0] == '?')
		pl_advance(&rest, 1);

	while (q && rest.l) {
		const char *amp = pl_strchr(&rest, '&'), *eq;
		char *k = NULL, *v = NULL;

		part.p = rest.p;
		part.l = amp ? (size_t)(amp - rest.p) : rest.l;
		pl_advance(&rest, part.l + (amp ? 1 : 0));
		if (!part.l)
			continue;
		eq = pl_strchr(&part, '=');
		key.p = part.p;
		key.l = eq ? (size_t)(eq - part.p) : part.l;
		val.p = eq ? eq + 1 : part.p + part.l;
		val.l = eq ? part.l - key.l - 1 : 0;
		if (hookrec_pct_decode(&k, &key, true))
			pl_strdup(&k, &key);
		if (hookrec_pct_decode(&v, &val, true))
			pl_strdup(&v, &val);
		if (!k || !v || query_add(q, k, v)) {
			cJSON_Delete(q);
			q = NULL;
		}
		mem_deref(k);
		mem_deref(v);
	}

	return q;
}

static char *pl_cstr(const struct pl *pl)
{
	char *s = NULL;

	return pl_strdup(&s, pl) ? NULL : s;
}

/* Credentials never reach a record: Authorization keeps its scheme only,
 * a token (RFC 9110 §11.1); whatever follows it, after a space, a tab or
 * nothing, is credentials ("Basic\tdXNl..." was recorded whole). */
static char *header_value(const struct http_hdr *h)
{
	struct pl scheme = h->val;
	char *s = NULL;

	if (h->id != HTTP_HDR_AUTHORIZATION &&
	    h->id != HTTP_HDR_PROXY_AUTHORIZATION)
		return pl_cstr(&h->val);

	for (scheme.l = 0; scheme.l < h->val.l; scheme.l++) {
		char c = h->val.p[scheme.l];

		if (!isalnum((unsigned char)c) && (!c ||
		    !strchr("!#$%&'*+-.^_`|~", c)))
			break;
	}
	return re_sdprintf(&s, "%r (redacted)", &scheme) ? NULL : s;
}

static cJSON *headers_object(const struct http_msg *msg)
{
	cJSON *o = cJSON_CreateObject();
	struct le *le;

	for (le = msg->hdrl.head; o && le; le = le->next) {
		const struct http_hdr *h = le->data;
		char *val = header_value(h);

		if (!jsonpl_add_header(o, &h->name, val)) {
			cJSON_Delete(o);
			o = NULL;
		}
		mem_deref(val);
	}

	return o;
}

/* JSON when the whole body is JSON, else the text; null when empty. */
static cJSON *body_value(const struct pl *body)
{
	char *txt;
	cJSON *v;

	if (!body->l)
		return cJSON_CreateNull();

	txt = pl_cstr(body);
	if (!txt)
		return NULL;
	v = jsonpl_parse_all(txt, body->l, NULL);
	if (!v)
		v = cJSON_CreateString(txt);
	mem_deref(txt);
	return v;
}

static bool add_item(cJSON *o, const char *key, cJSON *item)
{
	if (item && cJSON_AddItemToObject(o, key, item))
		return true;
	cJSON_Delete(item);
	return false;
}

cJSON *hookrec_request(const struct hookrec_src *src,
		       const struct http_msg *msg, const struct pl *body,
		       const char *signature, const char *auth)
{
	cJSON *rec = rec_base(src);
	char *path = NULL;
	bool ok;

	if (!rec)
		return NULL;

	if (hookrec_pct_decode(&path, &msg->path, false))
		pl_strdup(&path, &msg->path);

	ok = jsonpl_add(rec, "method", &msg->met)
		&& path && cJSON_AddStringToObject(rec, "path", path)
		&& add_item(rec, "query", query_object(&msg->prm))
		&& add_item(rec, "headers", headers_object(msg))
		&& add_item(rec, "body", body_value(body))
		&& cJSON_AddStringToObject(rec, "signature", signature)
		&& cJSON_AddStringToObject(rec, "auth", auth);
	mem_deref(path);
	if (!ok)
		return cJSON_Delete(rec), NULL;

	return rec;
}

cJSON *hookrec_error(const struct hookrec_src *src,
		     const struct http_msg *msg, const char *error)
{
	cJSON *rec = rec_base(src);

	if (rec && msg && (!jsonpl_add(rec, "method", &msg->met) ||
			   !jsonpl_add(rec, "path", &msg->path)))
		return cJSON_Delete(rec), NULL;
	if (rec && !cJSON_AddStringToObject(rec, "error", error))
		return cJSON_Delete(rec), NULL;

	return rec;
}

int hookrec_write(FILE *f, const cJSON *rec)
{
	char *line;
	int err = 0;

	if (!f || !rec)
		return EINVAL;

	line = cJSON_PrintUnformatted(rec);
	if (!line)
		return ENOMEM;
	if (fprintf(f, "%s\n", line) < 0 || fflush(f))
		err = EIO;
	cJSON_free(line);
	return err;
}
