/**
 * @file hooktarget.c  Hook targets: decoding from JSON, URL parts and resolution
 */
#include <string.h>
#include <strings.h>
#include "hookint.h"

static void target_destructor(void *arg)
{
	struct hook_target *t = arg;

	/* The password is a secret: do not leave it in freed memory. */
	if (t->password)
		memset(t->password, 0, strlen(t->password));
	mem_deref(t->url);
	mem_deref(t->method);
	mem_deref(t->username);
	mem_deref(t->password);
}

static size_t span_until(const char *s, const char *stops)
{
	return strcspn(s, stops);
}

/* Nothing that would break the request line on the wire. */
static bool has_ctl(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return true;
	}

	return false;
}

int hook_url_decode(struct hook_url *u, const char *url)
{
	const char *p, *auth, *at;
	size_t n;

	if (!u || !url)
		return EINVAL;

	if (has_ctl(url))
		return EINVAL;

	memset(u, 0, sizeof(*u));
	p = strstr(url, "://");
	if (!p || p == url)
		return EINVAL;
	u->scheme.p = url;
	u->scheme.l = p - url;
	if (pl_strcasecmp(&u->scheme, "http") &&
	    pl_strcasecmp(&u->scheme, "https"))
		return EINVAL;

	auth = p + 3;
	n = span_until(auth, "/?#");
	at = NULL;
	for (p = auth; p < auth + n; p++) {
		if (*p == '@')
			at = p;
	}
	if (at) {
		u->userinfo.p = auth;
		u->userinfo.l = at - auth;
		u->hostport.p = at + 1;
		u->hostport.l = auth + n - (at + 1);
	}
	else {
		u->hostport.p = auth;
		u->hostport.l = n;
	}
	if (!u->hostport.l)
		return EINVAL;

	p = auth + n;
	u->path.p = p;
	u->path.l = span_until(p, "#");
	if (p[u->path.l] == '#') {
		u->frag.p = p + u->path.l + 1;
		u->frag.l = strlen(u->frag.p);
	}

	n = span_until(p, "?#");
	if (p[n] == '?') {
		u->query.p = p + n + 1;
		u->query.l = u->path.l - n - 1;
	}

	return 0;
}

/* The base's path without its last segment, query and fragment. */
static struct pl base_dir(const struct hook_url *b)
{
	struct pl dir = b->path;
	size_t i;

	if (b->query.p)
		dir.l = b->query.p - 1 - dir.p;
	for (i = dir.l; i > 0 && dir.p[i - 1] != '/'; i--)
		;
	dir.l = i;
	return dir;
}

static bool starts(const struct pl *pl, const char *s)
{
	size_t n = strlen(s);

	return pl->l >= n && !memcmp(pl->p, s, n);
}

/* out[0..n) without its last segment and the "/" before it. */
static size_t segment_drop(const char *out, size_t n)
{
	while (n > 0 && out[n - 1] != '/')
		n--;
	return n > 0 ? n - 1 : 0;
}

/* RFC 3986 section 5.2.4, remove_dot_segments: path without its "." and
 * ".." segments into out (path->l + 1 bytes: it never grows), e.g.
 * "/v1/hooks/../action" -> "/v1/action". Each step takes at least one
 * byte off the input, so the loop ends. */
static void dot_segments_remove(char *out, const struct pl *path)
{
	struct pl in = *path;
	size_t n = 0, k;

	while (in.l) {
		if (starts(&in, "../"))
			pl_advance(&in, 3);
		else if (starts(&in, "./") || starts(&in, "/./"))
			pl_advance(&in, 2);
		else if (!pl_strcmp(&in, "/."))
			pl_set_str(&in, "/");
		else if (starts(&in, "/../")) {
			pl_advance(&in, 3);
			n = segment_drop(out, n);
		}
		else if (!pl_strcmp(&in, "/..")) {
			pl_set_str(&in, "/");
			n = segment_drop(out, n);
		}
		else if (!pl_strcmp(&in, ".") || !pl_strcmp(&in, ".."))
			in.l = 0;
		else {
			for (k = 1; k < in.l && in.p[k] != '/'; k++)
				;
			memcpy(out + n, in.p, k);
			n += k;
			pl_advance(&in, k);
		}
	}
	out[n] = '\0';
}

/* *urlp: url with dot segments removed from its path; query and
 * fragment as they are (RFC 3986 section 5.2.2). */
static int url_normalize(char **urlp, const char *url)
{
	struct hook_url u;
	struct pl path;
	char *clean;
	int err;

	err = hook_url_decode(&u, url);
	if (err)
		return err;
	path = u.path;
	if (u.query.p)
		path.l = u.query.p - 1 - path.p;
	clean = mem_alloc(path.l + 1, NULL);
	if (!clean)
		return ENOMEM;
	dot_segments_remove(clean, &path);
	err = re_sdprintf(urlp, "%r://%b%r%s%s", &u.scheme, u.userinfo.p,
			  u.userinfo.l ? u.userinfo.l + 1 : 0, &u.hostport,
			  clean, path.p + path.l);
	mem_deref(clean);
	return err;
}

/* url against base, before dot-segment removal. */
static int url_merge(char **urlp, const char *url, const char *base)
{
	struct hook_url b, u;
	struct pl dir;

	if (!hook_url_decode(&u, url))
		return str_dup(urlp, url);
	if (strstr(url, "://") || !base || hook_url_decode(&b, base))
		return EINVAL;

	if (!strncmp(url, "//", 2))
		return re_sdprintf(urlp, "%r:%s", &b.scheme, url);

	if (url[0] == '/')
		return re_sdprintf(urlp, "%r://%b%r%s", &b.scheme,
				   b.userinfo.p, b.userinfo.l ?
				   b.userinfo.l + 1 : 0, &b.hostport, url);

	dir = base_dir(&b);
	if (url[0] == '?' || url[0] == '#') {
		/* Same path as the base, new query or fragment. */
		dir.l = (b.query.p ? (size_t)(b.query.p - 1 - b.path.p)
			 : b.path.l);
	}

	return re_sdprintf(urlp, "%r://%b%r%s%r%s", &b.scheme,
			   b.userinfo.p, b.userinfo.l ? b.userinfo.l + 1 : 0,
			   &b.hostport, dir.l ? "" : "/", &dir, url);
}

int hook_url_resolve(char **urlp, const char *url, const char *base)
{
	char *merged = NULL;
	int err;

	if (!urlp || !url || !*url)
		return EINVAL;

	err = url_merge(&merged, url, base);
	if (!err)
		err = url_normalize(urlp, merged);
	mem_deref(merged);
	return err;
}

int hook_target_alloc(struct hook_target **tp, const char *url)
{
	struct hook_target *t;
	int err;

	if (!tp || !url)
		return EINVAL;

	t = mem_zalloc(sizeof(*t), target_destructor);
	if (!t)
		return ENOMEM;

	err = str_dup(&t->url, url);
	if (err)
		goto out;

 out:
	if (err)
		mem_deref(t);
	else
		*tp = t;

	return err;
}

/* A URL is checked as far as it can be without knowing the base. */
static int check_url(const char *url, const char *key, char *err,
		     size_t errsz)
{
	struct hook_url u;
	char perr[128];
	struct pl frag = PL_INIT;
	const char *hash;

	if (!*url) {
		re_snprintf(err, errsz, "%s: the URL is empty", key);
		return EINVAL;
	}
	if (has_ctl(url)) {
		re_snprintf(err, errsz, "%s: the URL has a space or control "
			    "character (percent-encode it)", key);
		return EINVAL;
	}
	if (strstr(url, "://") && hook_url_decode(&u, url)) {
		re_snprintf(err, errsz, "%s: '%s' is not an http or https URL",
			    key, url);
		return EINVAL;
	}

	hash = strchr(url, '#');
	if (hash)
		pl_set_str(&frag, hash + 1);
	if (hook_policy_decode(&(struct hook_policy){0}, &frag, perr,
			       sizeof(perr))) {
		re_snprintf(err, errsz, "%s: %s", key, perr);
		return EINVAL;
	}

	return 0;
}

static int dup_string(char **dst, const cJSON *item, const char *key,
		      const char *name, char *err, size_t errsz)
{
	if (!cJSON_IsString(item)) {
		re_snprintf(err, errsz, "%s.%s: must be a string", key, name);
		return EINVAL;
	}

	return str_dup(dst, item->valuestring);
}

static int decode_method(struct hook_target *t, const cJSON *item,
			 const char *key, char *err, size_t errsz)
{
	const char *m;

	if (!cJSON_IsString(item)) {
		re_snprintf(err, errsz, "%s.method: must be a string", key);
		return EINVAL;
	}

	m = item->valuestring;
	if (strcasecmp(m, "POST") && strcasecmp(m, "GET")) {
		re_snprintf(err, errsz, "%s.method: must be \"POST\" or "
			    "\"GET\", not \"%s\"", key, m);
		return EINVAL;
	}

	return str_dup(&t->method, strcasecmp(m, "GET") ? "POST" : "GET");
}

static int decode_member(struct hook_target *t, const cJSON *item,
			 const char *key, char *err, size_t errsz)
{
	const char *name = item->string;

	if (!strcmp(name, "url"))
		return dup_string(&t->url, item, key, name, err, errsz);
	if (!strcmp(name, "method"))
		return decode_method(t, item, key, err, errsz);
	if (!strcmp(name, "username"))
		return dup_string(&t->username, item, key, name, err, errsz);
	if (!strcmp(name, "password"))
		return dup_string(&t->password, item, key, name, err, errsz);

	re_snprintf(err, errsz, "%s.%s: unknown key (a hook object has url, "
		    "method, username, password)", key, name);
	return EINVAL;
}

static int decode_object(struct hook_target *t, const cJSON *json,
			 const char *key, char *err, size_t errsz)
{
	const cJSON *item;
	int e;

	cJSON_ArrayForEach(item, json) {
		/* A repeated key would overwrite (and leak) the first value. */
		if (cJSON_GetObjectItemCaseSensitive(json, item->string) !=
		    item) {
			re_snprintf(err, errsz, "%s.%s: is given twice", key,
				    item->string);
			return EINVAL;
		}
		e = decode_member(t, item, key, err, errsz);
		if (e)
			return e;
	}

	if (!t->url) {
		re_snprintf(err, errsz, "%s.url: missing (a hook object needs "
			    "a url)", key);
		return EINVAL;
	}
	if (!t->username != !t->password) {
		re_snprintf(err, errsz, "%s.%s: missing (basic auth needs "
			    "both username and password)", key,
			    t->username ? "password" : "username");
		return EINVAL;
	}

	return 0;
}

int hook_target_decode(struct hook_target **tp, const cJSON *json,
		       const char *key, char *err, size_t errsz)
{
	struct hook_target *t;
	int e;

	if (!tp || !json || !key || !err || !errsz)
		return EINVAL;

	t = mem_zalloc(sizeof(*t), target_destructor);
	if (!t)
		return ENOMEM;

	if (cJSON_IsString(json)) {
		e = str_dup(&t->url, json->valuestring);
	}
	else if (cJSON_IsObject(json)) {
		e = decode_object(t, json, key, err, errsz);
	}
	else {
		re_snprintf(err, errsz, "%s: must be a URL string or an object "
			    "{url, method, username, password}", key);
		e = EINVAL;
	}
	if (!e) {
		char ukey[64];

		re_snprintf(ukey, sizeof(ukey), cJSON_IsObject(json) ?
			    "%s.url" : "%s", key);
		e = check_url(t->url, ukey, err, errsz);
	}

	if (e)
		mem_deref(t);
	else
		*tp = t;

	return e;
}
