/**
 * @file verb.c  The application: a JSON array of verbs, decoded and checked
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "hook.h"
#include "jsonpl.h"
#include "referuri.h"
#include "verb.h"

enum { MAX_SECONDS = 86400 };

/* A verb being decoded: where it is, for the error messages. */
struct vctx {
	struct verb *v;
	const char *name;
	struct verb_diag *diag;
};

/* Headers only the dialog and the verb itself may write; custom headers
 * that name one of them would change what the REFER means (spec §3).
 * Compact forms (RFC 3261 §7.3.3, RFC 3515 §2.1) included. */
static const char *reserved_headers[] = {
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq",
	"Max-Forwards", "Contact", "m", "Route", "Record-Route",
	"Refer-To", "r", "Referred-By", "b", "Content-Length", "l",
	"Content-Type", "c", "Event", "o",
};

static void destructor(void *arg)
{
	struct verb *v = arg;

	mem_deref(v->headers);
	mem_deref(v->refer_to);
	mem_deref(v->referred_by);
	mem_deref(v->referred_by_name);
	mem_deref(v->action_hook);
	mem_deref(v->event_hook);
}

const char *verb_name(enum verb_kind kind)
{
	switch (kind) {

	case VERB_SIP_REFER: return "sip:refer";
	case VERB_PAUSE:     return "pause";
	case VERB_HANGUP:    return "hangup";
	default:             return "?";
	}
}

static int fail(struct vctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Errors name keys and values from the input; control characters among
 * them are shown as '?' so that an error stays one line. */
static int one_line(char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s))
			*s = '?';
	return EBADMSG;
}

static int fail(struct vctx *c, const char *key, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(c->diag->err, sizeof(c->diag->err),
			 "verb %u (%s): \"%s\" %s", c->v->index, c->name,
			 key, what);
	else
		snprintf(c->diag->err, sizeof(c->diag->err),
			 "verb %u (%s): %s", c->v->index, c->name, what);
	return one_line(c->diag->err);
}

static const char *type_name(const cJSON *j)
{
	if (cJSON_IsString(j))  return "a string";
	if (cJSON_IsNumber(j))  return "a number";
	if (cJSON_IsBool(j))    return "a boolean";
	if (cJSON_IsNull(j))    return "null";
	if (cJSON_IsArray(j))   return "an array";
	if (cJSON_IsObject(j))  return "an object";
	return "invalid";
}

static int get_string(struct vctx *c, const cJSON *j, char **out)
{
	if (!cJSON_IsString(j))
		return fail(c, j->string, "must be a string, not %s",
			    type_name(j));
	if (strpbrk(j->valuestring, "\r\n"))
		return fail(c, j->string, "must not contain a line break");
	return str_dup(out, j->valuestring);
}

static int get_seconds(struct vctx *c, const cJSON *j, bool zero_ok,
		       uint32_t *ms)
{
	double d;

	if (!cJSON_IsNumber(j))
		return fail(c, j->string, "must be a number of seconds, not %s",
			    type_name(j));
	d = j->valuedouble;
	if (!isfinite(d) || d < 0 || (!zero_ok && d == 0) || d > MAX_SECONDS)
		return fail(c, j->string, "must be %s seconds, up to %d "
			    "(got %g)", zero_ok ? "0 or more" : "more than 0",
			    MAX_SECONDS, d);
	*ms = (uint32_t)(d * 1000 + 0.5);
	return 0;
}

static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("-.!%*_+`'~", *s))
			return false;
	}
	return true;
}

static bool is_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reserved_headers); i++) {
		if (!strcasecmp(name, reserved_headers[i]))
			return true;
	}
	return false;
}

static int check_header(struct vctx *c, const cJSON *h)
{
	if (!is_token(h->string))
		return fail(c, "headers", "has \"%s\", which is not a valid "
			    "SIP header name", h->string);
	if (is_reserved(h->string))
		return fail(c, "headers", "must not set \"%s\": the %s "
			    "writes it", h->string,
			    c->v->kind == VERB_SIP_REFER ? "REFER" : "dialog");
	if (!cJSON_IsString(h))
		return fail(c, "headers", "value of \"%s\" must be a string, "
			    "not %s", h->string, type_name(h));
	if (strpbrk(h->valuestring, "\r\n"))
		return fail(c, "headers", "value of \"%s\" must not contain "
			    "a line break", h->string);
	return 0;
}

static int get_headers(struct vctx *c, const cJSON *j)
{
	const cJSON *h;
	struct mbuf *mb;
	int err = 0;

	if (!cJSON_IsObject(j))
		return fail(c, j->string, "must be an object of header "
			    "names to strings, not %s", type_name(j));
	if (!j->child)
		return 0;
	mb = mbuf_alloc(128);
	if (!mb)
		return ENOMEM;
	cJSON_ArrayForEach(h, j) {
		err = check_header(c, h);
		if (err)
			goto out;
		if (!strcasecmp(h->string, "Refer-Sub"))
			c->v->refer_sub_false =
				!strcasecmp(h->valuestring, "false");
		if (!strcasecmp(h->string, "Supported") ||
		    !strcasecmp(h->string, "k"))
			c->v->has_supported = true;
		err = mbuf_printf(mb, "%s: %s\r\n", h->string, h->valuestring);
		if (err)
			goto out;
	}
	mb->pos = 0;
	err = mbuf_strdup(mb, &c->v->headers, mb->end);
 out:
	mem_deref(mb);
	return err;
}

static int get_hook(struct vctx *c, const cJSON *j, struct hook_target **tp)
{
	char why[256] = "";
	int err;

	err = hook_target_decode(tp, j, j->string, why, sizeof(why));
	if (err == ENOMEM)
		return err;
	if (err)
		return fail(c, NULL, "%s", why[0] ? why : "invalid hook");
	return 0;
}

/* The documentation's own example gives the number unquoted; a JSON number
 * is taken as its digits, and the user told to quote it. */
static int get_refer_to(struct vctx *c, const cJSON *j)
{
	char digits[32];
	double d = j->valuedouble;

	if (!cJSON_IsNumber(j))
		return get_string(c, j, &c->v->refer_to);
	if (!isfinite(d) || d < 0 || d != floor(d) || d >= 1e17)
		return fail(c, j->string, "must be a string (a URI or a "
			    "number in quotes), not the number %g", d);
	snprintf(digits, sizeof(digits), "%.0f", d);
	snprintf(c->diag->warn, sizeof(c->diag->warn),
		 "verb %u (sip:refer): \"referTo\" is a JSON number; used as "
		 "\"%s\" (write \"referTo\": \"%s\")", c->v->index, digits,
		 digits);
	return str_dup(&c->v->refer_to, digits);
}

static int refer_key(struct vctx *c, const cJSON *j)
{
	struct verb *v = c->v;

	if (!strcmp(j->string, "referTo"))
		return get_refer_to(c, j);
	if (!strcmp(j->string, "referredBy"))
		return get_string(c, j, &v->referred_by);
	if (!strcmp(j->string, "referredByDisplayName"))
		return get_string(c, j, &v->referred_by_name);
	if (!strcmp(j->string, "headers"))
		return get_headers(c, j);
	if (!strcmp(j->string, "actionHook"))
		return get_hook(c, j, &v->action_hook);
	if (!strcmp(j->string, "eventHook"))
		return get_hook(c, j, &v->event_hook);
	if (!strcmp(j->string, "notifyTimeout"))
		return get_seconds(c, j, false, &v->notify_timeout_ms);
	return fail(c, j->string, "is not a key of sip:refer (referTo, "
		    "referredBy, referredByDisplayName, headers, actionHook, "
		    "eventHook, notifyTimeout)");
}

static int refer_check(struct vctx *c)
{
	const char *why;

	if (!c->v->refer_to)
		return fail(c, "referTo", "is required");
	why = referuri_invalid(c->v->refer_to);
	if (why)
		return fail(c, "referTo", "%s", why);
	why = c->v->referred_by ? referuri_invalid(c->v->referred_by) : NULL;
	if (why)
		return fail(c, "referredBy", "%s", why);
	return 0;
}

static int other_key(struct vctx *c, const cJSON *j)
{
	if (c->v->kind == VERB_PAUSE && !strcmp(j->string, "length"))
		return get_seconds(c, j, true, &c->v->pause_ms);
	if (c->v->kind == VERB_HANGUP && !strcmp(j->string, "headers"))
		return get_headers(c, j);
	return fail(c, j->string, "is not a key of %s (%s)", c->name,
		    c->v->kind == VERB_PAUSE ? "length" : "headers");
}

static int verb_kind_decode(struct vctx *c, const cJSON *obj)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "verb");

	c->name = "?";
	if (!cJSON_IsObject(obj))
		return fail(c, NULL, "must be an object, not %s",
			    type_name(obj));
	if (!name)
		return fail(c, "verb", "is required");
	if (!cJSON_IsString(name))
		return fail(c, "verb", "must be a string, not %s",
			    type_name(name));
	c->name = name->valuestring;
	if (!strcmp(c->name, "sip:refer"))
		c->v->kind = VERB_SIP_REFER;
	else if (!strcmp(c->name, "pause"))
		c->v->kind = VERB_PAUSE;
	else if (!strcmp(c->name, "hangup"))
		c->v->kind = VERB_HANGUP;
	else
		return fail(c, NULL, "unknown verb \"%s\" (referlab-sim runs "
			    "sip:refer, pause and hangup)", c->name);
	return 0;
}

static int verb_decode(struct verb **vp, const cJSON *obj, unsigned index,
		       struct verb_diag *diag)
{
	struct vctx c = {NULL, "?", diag};
	const cJSON *j;
	int err;

	c.v = mem_zalloc(sizeof(*c.v), destructor);
	if (!c.v)
		return ENOMEM;
	c.v->index = index;
	c.v->notify_timeout_ms = VERB_NOTIFY_TIMEOUT_DEFAULT_MS;

	err = verb_kind_decode(&c, obj);
	if (err)
		goto out;
	cJSON_ArrayForEach(j, obj) {
		/* cJSON keeps both copies of a repeated key; which one a
		 * reader takes is anyone's guess, so refuse it */
		if (cJSON_GetObjectItemCaseSensitive(obj, j->string) != j) {
			err = fail(&c, j->string, "is given twice");
			goto out;
		}
		if (!strcmp(j->string, "verb"))
			continue;
		err = c.v->kind == VERB_SIP_REFER ? refer_key(&c, j)
						   : other_key(&c, j);
		if (err)
			goto out;
	}
	if (c.v->kind == VERB_SIP_REFER)
		err = refer_check(&c);
	else if (c.v->kind == VERB_PAUSE &&
		 !cJSON_GetObjectItemCaseSensitive(obj, "length"))
		err = fail(&c, "length", "is required");
 out:
	if (err)
		mem_deref(c.v);
	else
		*vp = c.v;
	return err;
}

int verb_app_decode_json(struct list *verbs, const cJSON *arr,
			 struct verb_diag *diag)
{
	struct list tmp = LIST_INIT;
	const cJSON *obj;
	struct verb *v;
	unsigned index = 0;
	int err = 0;

	if (!verbs || !diag)
		return EINVAL;
	diag->err[0] = diag->warn[0] = '\0';
	if (!cJSON_IsArray(arr)) {
		snprintf(diag->err, sizeof(diag->err), "the application must "
			 "be a JSON array of verbs, not %s", type_name(arr));
		return EBADMSG;
	}
	if (cJSON_GetArraySize(arr) > VERB_MAX_COUNT) {
		snprintf(diag->err, sizeof(diag->err), "the application has "
			 "%d verbs; at most %d are run",
			 cJSON_GetArraySize(arr), VERB_MAX_COUNT);
		return EBADMSG;
	}
	cJSON_ArrayForEach(obj, arr) {
		err = verb_decode(&v, obj, ++index, diag);
		if (err)
			break;
		list_append(&tmp, &v->le, v);
	}
	if (err) {
		list_flush(&tmp);
		return err;
	}
	while (tmp.head) {
		v = tmp.head->data;
		list_unlink(&v->le);
		list_append(verbs, &v->le, v);
	}
	return 0;
}

static void offset_line_col(const char *text, size_t off, unsigned *line,
			    unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		}
		else {
			++*col;
		}
	}
}

/* "referTo": +15083084809 — the documentation's example. JSON has no
 * leading '+', so say exactly that and show the quoted form. */
static bool explain_plus_number(const char *text, size_t len, size_t off,
				struct verb_diag *diag, const char *where)
{
	const char *p = text + off, *end = text + len, *q;
	const char *kend, *kbeg;

	if (p >= end || *p != '+' || p + 1 >= end || !isdigit((unsigned char)p[1]))
		return false;
	for (q = p + 1; q < end && isdigit((unsigned char)*q); q++)
		;
	/* the key before the value: "key" <ws> : <ws> */
	kend = p;
	while (kend > text && isspace((unsigned char)kend[-1]))
		--kend;
	if (kend == text || kend[-1] != ':')
		return false;
	--kend;
	while (kend > text && isspace((unsigned char)kend[-1]))
		--kend;
	if (kend == text || kend[-1] != '"')
		return false;
	kbeg = kend - 1;
	while (kbeg > text && kbeg[-1] != '"')
		--kbeg;
	snprintf(diag->err, sizeof(diag->err),
		 "%s: \"%.*s\": %.*s is not JSON (a number cannot start with "
		 "'+'); write \"%.*s\": \"%.*s\"", where,
		 (int)(kend - 1 - kbeg), kbeg, (int)(q - p), p,
		 (int)(kend - 1 - kbeg), kbeg, (int)(q - p), p);
	return true;
}

/* The error stays one line: the text near the offset, control characters
 * shown as '?'. */
static void explain_syntax(const char *text, size_t len, size_t off,
			   struct verb_diag *diag, const char *where)
{
	char near[17];
	size_t i, n = len - off < 16 ? len - off : 16;

	for (i = 0; i < n; i++)
		near[i] = isprint((unsigned char)text[off + i]) ?
			text[off + i] : '?';
	near[n] = '\0';
	if (n)
		snprintf(diag->err, sizeof(diag->err),
			 "%s: not valid JSON near '%s'", where, near);
	else
		snprintf(diag->err, sizeof(diag->err),
			 "%s: not valid JSON (the text ends too early)", where);
}

int verb_app_decode(struct list *verbs, const char *text, size_t len,
		    struct verb_diag *diag)
{
	char where[64];
	unsigned line, col;
	cJSON *json;
	size_t off;
	int err;

	if (!verbs || !text || !diag)
		return EINVAL;
	diag->err[0] = diag->warn[0] = '\0';
	/* all of it, as jambonz's JSON.parse: '[...] x' is no application */
	json = jsonpl_parse_all(text, len, &off);
	if (json) {
		err = verb_app_decode_json(verbs, json, diag);
		cJSON_Delete(json);
		return err;
	}
	offset_line_col(text, off, &line, &col);
	snprintf(where, sizeof(where), "offset %zu (line %u, column %u)",
		 off, line, col);
	if (!explain_plus_number(text, len, off, diag, where))
		explain_syntax(text, len, off, diag, where);
	return one_line(diag->err);
}

int verb_apply_hooks(const struct list *verbs, verb_hook_h *fn, void *arg)
{
	struct le *le;
	int err;

	for (le = list_head(verbs); le; le = le->next) {
		const struct verb *v = le->data;

		if (v->action_hook) {
			err = fn(v, "actionHook", v->action_hook, arg);
			if (err)
				return err;
		}
		if (v->event_hook) {
			err = fn(v, "eventHook", v->event_hook, arg);
			if (err)
				return err;
		}
	}
	return 0;
}

static void app_destructor(void *arg)
{
	struct verb_app *app = arg;

	list_flush(&app->verbs);
}

static int app_make(struct verb_app **appp, const char *text, size_t len,
		    const cJSON *arr, struct verb_diag *diag)
{
	struct verb_app *app;
	int err;

	if (!appp)
		return EINVAL;
	app = mem_zalloc(sizeof(*app), app_destructor);
	if (!app)
		return ENOMEM;
	err = text ? verb_app_decode(&app->verbs, text, len, diag)
		   : verb_app_decode_json(&app->verbs, arr, diag);
	if (err)
		mem_deref(app);
	else
		*appp = app;
	return err;
}

int verb_app_parse(struct verb_app **appp, const char *text, size_t len,
		   struct verb_diag *diag)
{
	if (!text)
		return EINVAL;
	return app_make(appp, text, len, NULL, diag);
}

int verb_app_from_json(struct verb_app **appp, const cJSON *arr,
		       struct verb_diag *diag)
{
	return app_make(appp, NULL, 0, arr, diag);
}
