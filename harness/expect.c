/**
 * @file expect.c  Reading expectation files (JSON) of the peer library
 *
 * Strict on purpose: an unknown key is an error, so a typo in a scenario
 * never silently turns a check off. Every error names the file and the
 * JSON path of the offending value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "expect.h"

enum { MAX_FILE = 1 << 20, MAX_LIST = 256 };

struct ctx {
	const char *file;
	char *err;
	size_t errsz;
};

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, c->errsz, "%s: %s%s", c->file, path,
		     *path ? ": " : "");
	if (n < 0 || (size_t)n >= c->errsz)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errsz - n, fmt, ap);
	va_end(ap);
	return EINVAL;
}

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Every key of obj must be one of the NULL-closed list. */
static int check_keys(struct ctx *c, const char *path, const cJSON *obj,
		      const char *const *keys)
{
	const cJSON *it;
	size_t i;

	cJSON_ArrayForEach(it, obj) {
		for (i = 0; keys[i] && strcmp(keys[i], it->string); i++)
			;
		if (!keys[i])
			return fail(c, path, "unknown key '%s'", it->string);
	}
	return 0;
}

static int get_obj(struct ctx *c, const char *path, const cJSON *v,
		   bool required)
{
	if (!v)
		return required ? fail(c, path, "missing") : 0;
	return cJSON_IsObject(v) ? 0 : fail(c, path, "must be an object");
}

static int get_str(struct ctx *c, const char *path, const cJSON *v,
		   bool required, char **out)
{
	if (!v)
		return required ? fail(c, path, "missing") : 0;
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return fail(c, path, "must be a non-empty string");
	*out = dup_str(v->valuestring);
	return *out ? 0 : ENOMEM;
}

static int get_uint(struct ctx *c, const char *path, const cJSON *v,
		    double min, double max, unsigned *out)
{
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long)v->valuedouble
	    || v->valuedouble < min || v->valuedouble > max)
		return fail(c, path, "must be an integer from %.0f to %.0f",
			    min, max);
	*out = (unsigned)v->valuedouble;
	return 0;
}

/* One of the NULL-closed names; *out is its index. */
static int get_enum(struct ctx *c, const char *path, const cJSON *v,
		    const char *const *names, int *out)
{
	int i;

	if (!v)
		return 0;
	for (i = 0; cJSON_IsString(v) && names[i]; i++) {
		if (!strcmp(names[i], v->valuestring)) {
			*out = i;
			return 0;
		}
	}
	return fail(c, path, "must be %s%s%s%s%s", names[0],
		    names[1] ? (names[2] ? ", " : " or ") : "",
		    names[1] ? names[1] : "",
		    names[1] && names[2] ? " or " : "",
		    names[1] && names[2] ? names[2] : "");
}

static int get_strv(struct ctx *c, const char *path, const cJSON *v,
		    char ***outv, size_t *outc)
{
	char p[96];
	const cJSON *it;
	size_t n = 0;
	int err;

	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return fail(c, path, "must be an array of strings");
	if (cJSON_GetArraySize(v) > MAX_LIST)
		return fail(c, path, "more than %d entries", MAX_LIST);
	*outv = calloc(cJSON_GetArraySize(v) + 1, sizeof(char *));
	if (!*outv)
		return ENOMEM;
	cJSON_ArrayForEach(it, v) {
		snprintf(p, sizeof(p), "%s[%zu]", path, n);
		err = get_str(c, p, it, true, &(*outv)[n]);
		if (err)
			return err;
		*outc = ++n;
	}
	return 0;
}

/* "transports": ["udp"]: the case means nothing on another transport
 * (SIPp's -lost drops TCP segments no network would lose). */
static int get_transports(struct ctx *c, struct expect *e, const cJSON *v)
{
	static const char *const names[] = {"udp", "tcp", NULL};
	const cJSON *it;
	unsigned n = 0;
	char p[48];
	int tp, err;

	e->transports = 1u << EXPECT_UDP | 1u << EXPECT_TCP;
	if (!v)
		return 0;
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v))
		return fail(c, "peer.transports", "must be a non-empty array "
			    "of \"udp\" and \"tcp\"");
	e->transports = 0;
	cJSON_ArrayForEach(it, v) {
		snprintf(p, sizeof(p), "peer.transports[%u]", n++);
		err = get_enum(c, p, it, names, &tp);
		if (err)
			return err;
		if (e->transports & 1u << tp)
			return fail(c, p, "'%s' twice", names[tp]);
		e->transports |= 1u << tp;
	}
	return 0;
}

static int parse_peer(struct ctx *c, struct expect *e, const cJSON *peer)
{
	static const char *const keys[] = {"role", "scenario", "transport",
		"transports", "family", "sipp_args", "dial_user", NULL};
	static const char *const roles[] = {"carrier", "phone", NULL};
	static const char *const transports[] = {"udp", "tcp", NULL};
	static const char *const families[] = {"ipv4", "ipv6", NULL};
	int role = -1, tp = EXPECT_UDP, fam = EXPECT_IPV4, err;

	err = get_obj(c, "peer", peer, true);
	if (!err)
		err = check_keys(c, "peer", peer, keys);
	if (err)
		return err;
	if (!cJSON_GetObjectItemCaseSensitive(peer, "role"))
		return fail(c, "peer.role", "missing (carrier or phone)");
	err = get_enum(c, "peer.role", cJSON_GetObjectItemCaseSensitive(peer,
		       "role"), roles, &role);
	err = err ? err : get_enum(c, "peer.transport",
		cJSON_GetObjectItemCaseSensitive(peer, "transport"),
		transports, &tp);
	err = err ? err : get_transports(c, e,
		cJSON_GetObjectItemCaseSensitive(peer, "transports"));
	err = err ? err : get_enum(c, "peer.family",
		cJSON_GetObjectItemCaseSensitive(peer, "family"),
		families, &fam);
	err = err ? err : get_strv(c, "peer.sipp_args",
		cJSON_GetObjectItemCaseSensitive(peer, "sipp_args"),
		&e->sipp_args, &e->sipp_argc);
	err = err ? err : get_str(c, "peer.scenario",
		cJSON_GetObjectItemCaseSensitive(peer, "scenario"), false,
		&e->scenario);
	err = err ? err : get_str(c, "peer.dial_user",
		cJSON_GetObjectItemCaseSensitive(peer, "dial_user"), false,
		&e->dial_user);
	if (err)
		return err;
	e->role = role;
	e->transport = tp;
	e->family = fam;
	if (!(e->transports & 1u << tp))
		return fail(c, "peer.transport", "'%s' is not among "
			    "peer.transports", transports[tp]);
	if (e->dial_user && e->role != EXPECT_PHONE)
		return fail(c, "peer.dial_user", "only for role phone");
	if (!e->dial_user && e->role == EXPECT_PHONE)
		e->dial_user = dup_str("phone");
	return e->role == EXPECT_PHONE && !e->dial_user ? ENOMEM : 0;
}

/* The SIPp XML lives beside the JSON; default: the same base name. */
static int resolve_scenario(struct ctx *c, struct expect *e)
{
	const char *slash = strrchr(e->file, '/');
	size_t dirlen = slash ? (size_t)(slash - e->file + 1) : 0;
	char *given = e->scenario, *path;
	size_t n;

	if (!given) {
		n = strlen(e->name) + 5;
		given = malloc(n);
		if (!given)
			return ENOMEM;
		snprintf(given, n, "%s.xml", e->name);
	}
	n = dirlen + strlen(given) + 1;
	path = given[0] == '/' ? dup_str(given) : malloc(n);
	if (path && given[0] != '/')
		snprintf(path, n, "%.*s%s", (int)dirlen, e->file, given);
	if (given != e->scenario)
		free(given);
	free(e->scenario);
	e->scenario = path;
	if (!path)
		return ENOMEM;
	if (access(path, R_OK))
		return fail(c, "peer.scenario", "cannot read '%s': %s", path,
			    strerror(errno));
	return 0;
}

static int parse_iut(struct ctx *c, struct expect *e, const cJSON *iut)
{
	static const char *const keys[] = {"sip_auth", "refer_timeout_ms",
					   NULL};
	int err;

	err = get_obj(c, "iut", iut, false);
	if (err || !iut)
		return err;
	err = check_keys(c, "iut", iut, keys);
	err = err ? err : get_str(c, "iut.sip_auth",
		cJSON_GetObjectItemCaseSensitive(iut, "sip_auth"), false,
		&e->iut_sip_auth);
	if (!err && e->iut_sip_auth && !strchr(e->iut_sip_auth, ':'))
		return fail(c, "iut.sip_auth", "must be \"user:password\"");
	/* below RFC 3261 Timer F with T1 = 500 ms, or it changes nothing */
	return err ? err : get_uint(c, "iut.refer_timeout_ms",
		cJSON_GetObjectItemCaseSensitive(iut, "refer_timeout_ms"), 1,
		31999, &e->iut_refer_timeout_ms);
}

static int parse_app(struct ctx *c, struct expect *e, const cJSON *app)
{
	const cJSON *verb;
	char p[64];
	int i = 0;

	if (!app)
		return fail(c, "app", "missing (the verb array)");
	if (!cJSON_IsArray(app) || cJSON_GetArraySize(app) == 0)
		return fail(c, "app", "must be a non-empty array of verbs");
	cJSON_ArrayForEach(verb, app) {
		snprintf(p, sizeof(p), "app[%d]", i++);
		if (!cJSON_IsObject(verb))
			return fail(c, p, "must be an object");
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(verb,
								     "verb")))
			return fail(c, p, "needs a \"verb\" string");
	}
	e->app = cJSON_Duplicate(app, true);
	return e->app ? 0 : ENOMEM;
}

static int parse_answer(struct ctx *c, struct expect_answer *a,
			const cJSON *v, const char *path)
{
	static const char *const keys[] = {"status", "body", "delay_ms", NULL};
	const cJSON *body;
	unsigned status = 200, delay = 0;
	char p[200];
	int err;

	a->path = dup_str(v->string);
	if (!a->path)
		return ENOMEM;
	if (v->string[0] != '/')
		return fail(c, path, "a hook path must start with '/'");
	err = get_obj(c, path, v, true);
	err = err ? err : check_keys(c, path, v, keys);
	snprintf(p, sizeof(p), "%s.status", path);
	err = err ? err : get_uint(c, p, cJSON_GetObjectItemCaseSensitive(v,
				   "status"), 100, 599, &status);
	snprintf(p, sizeof(p), "%s.delay_ms", path);
	err = err ? err : get_uint(c, p, cJSON_GetObjectItemCaseSensitive(v,
				   "delay_ms"), 0, 60000, &delay);
	if (err)
		return err;
	a->status = (uint16_t)status;
	a->delay_ms = delay;
	body = cJSON_GetObjectItemCaseSensitive(v, "body");
	if (cJSON_IsString(body))
		a->body = dup_str(body->valuestring);
	else if (body)
		a->body = cJSON_PrintUnformatted(body);
	return body && !a->body ? ENOMEM : 0;
}

static int parse_answers(struct ctx *c, struct expect *e, const cJSON *v)
{
	const cJSON *it;
	char p[160];
	int err;

	err = get_obj(c, "answers", v, false);
	if (err || !v)
		return err;
	if (cJSON_GetArraySize(v) > MAX_LIST)
		return fail(c, "answers", "more than %d paths", MAX_LIST);
	e->answers = calloc(cJSON_GetArraySize(v) + 1, sizeof(*e->answers));
	if (!e->answers)
		return ENOMEM;
	cJSON_ArrayForEach(it, v) {
		snprintf(p, sizeof(p), "answers.%s", it->string);
		err = parse_answer(c, &e->answers[e->answerc++], it, p);
		if (err)
			return err;
	}
	return 0;
}

static int parse_match(struct ctx *c, struct expect_header *h,
		       const cJSON *v, const char *path)
{
	static const char *const ops[] = {"equals", "regex", "present",
		"absent"};
	const cJSON *arg = NULL, *it;
	char p[96], rerr[128];
	int i, op = 0, found = 0, rc;

	for (i = 0; i < 4; i++) {
		it = cJSON_GetObjectItemCaseSensitive(v, ops[i]);
		if (it) {
			arg = it;
			op = i;
			++found;
		}
	}
	if (found != 1)
		return fail(c, path, "needs exactly one of equals, regex, "
			    "present, absent");
	snprintf(p, sizeof(p), "%s.%s", path, ops[op]);
	if (op >= EXPECT_HDR_PRESENT) {
		h->op = op;
		return cJSON_IsTrue(arg) ? 0 : fail(c, p, "must be true");
	}
	if (!cJSON_IsString(arg))
		return fail(c, p, "must be a string");
	h->value = dup_str(arg->valuestring);
	if (!h->value)
		return ENOMEM;
	if (op == EXPECT_HDR_REGEX) {
		rc = regcomp(&h->re, h->value, REG_EXTENDED | REG_NOSUB);
		if (rc) {
			regerror(rc, &h->re, rerr, sizeof(rerr));
			return fail(c, p, "bad regular expression: %s", rerr);
		}
	}
	h->op = op;   /* only now: expect_free() frees a compiled regex */
	return 0;
}

static int parse_header(struct ctx *c, void *elem, const cJSON *v,
			const char *path)
{
	struct expect_header *h = elem;
	static const char *const keys[] = {"message", "nth", "name",
		"equals", "regex", "present", "absent", NULL};
	const cJSON *nth;
	char p[96];
	int err;

	err = get_obj(c, path, v, true);
	err = err ? err : check_keys(c, path, v, keys);
	snprintf(p, sizeof(p), "%s.message", path);
	err = err ? err : get_str(c, p, cJSON_GetObjectItemCaseSensitive(v,
				  "message"), true, &h->sel_text);
	if (!err && expect_tok_parse(&h->sel, h->sel_text,
				     strlen(h->sel_text)))
		return fail(c, p, "'%s' is not a message token (REFER, "
			    "NOTIFY(200), 202, 200/INVITE)", h->sel_text);
	snprintf(p, sizeof(p), "%s.name", path);
	err = err ? err : get_str(c, p, cJSON_GetObjectItemCaseSensitive(v,
				  "name"), true, &h->name);
	if (err)
		return err;
	h->nth = 1;
	nth = cJSON_GetObjectItemCaseSensitive(v, "nth");
	snprintf(p, sizeof(p), "%s.nth", path);
	if (cJSON_IsString(nth) && !strcmp(nth->valuestring, "all"))
		h->nth = 0;
	else if (nth && get_uint(c, p, nth, 1, 1000, &h->nth))
		return fail(c, p, "must be a number from 1 or \"all\"");
	return parse_match(c, h, v, path);
}

static int parse_hook(struct ctx *c, void *elem, const cJSON *v,
		      const char *path)
{
	struct expect_hook *h = elem;
	static const char *const keys[] = {"path", "method", "expect", NULL};
	const cJSON *sub;
	char p[96];
	int err;

	err = get_obj(c, path, v, true);
	err = err ? err : check_keys(c, path, v, keys);
	snprintf(p, sizeof(p), "%s.path", path);
	err = err ? err : get_str(c, p, cJSON_GetObjectItemCaseSensitive(v,
				  "path"), true, &h->path);
	if (!err && h->path[0] != '/')
		return fail(c, p, "must start with '/'");
	snprintf(p, sizeof(p), "%s.method", path);
	err = err ? err : get_str(c, p, cJSON_GetObjectItemCaseSensitive(v,
				  "method"), false, &h->method);
	if (!err && h->method && strcmp(h->method, "POST")
	    && strcmp(h->method, "GET"))
		return fail(c, p, "must be POST or GET");
	sub = cJSON_GetObjectItemCaseSensitive(v, "expect");
	snprintf(p, sizeof(p), "%s.expect", path);
	err = err ? err : get_obj(c, p, sub, false);
	if (err)
		return err;
	h->subset = sub ? cJSON_Duplicate(sub, true) : cJSON_CreateObject();
	return h->subset ? 0 : ENOMEM;
}

typedef int (elem_parse_h)(struct ctx *c, void *elem, const cJSON *v,
			  const char *path);

/* An array of objects into a calloc'ed array of elemsz-sized elements;
 * *np counts those handed to parse, so the caller frees them all. */
static int parse_array(struct ctx *c, const char *key, const cJSON *v,
		       size_t elemsz, void **arrp, size_t *np,
		       elem_parse_h *parse)
{
	const cJSON *it;
	char p[64], *arr;
	int err;

	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return fail(c, key, "must be an array");
	if (cJSON_GetArraySize(v) > MAX_LIST)
		return fail(c, key, "more than %d entries", MAX_LIST);
	arr = calloc(cJSON_GetArraySize(v) + 1, elemsz);
	if (!arr)
		return ENOMEM;
	*arrp = arr;
	cJSON_ArrayForEach(it, v) {
		snprintf(p, sizeof(p), "%s[%zu]", key, *np);
		err = parse(c, arr + (*np)++ * elemsz, it, p);
		if (err)
			return err;
	}
	return 0;
}

static int parse_findings(struct ctx *c, struct expect *e, const cJSON *v)
{
	static const char *const keys[] = {"must", "may", NULL};
	int err;

	err = get_obj(c, "findings", v, false);
	if (err || !v)
		return err;
	err = check_keys(c, "findings", v, keys);
	err = err ? err : get_strv(c, "findings.must",
		cJSON_GetObjectItemCaseSensitive(v, "must"),
		&e->findings_must, &e->mustc);
	return err ? err : get_strv(c, "findings.may",
		cJSON_GetObjectItemCaseSensitive(v, "may"),
		&e->findings_may, &e->mayc);
}

static int parse_sequence(struct ctx *c, struct expect *e, const cJSON *root)
{
	static const char *const modes[] = {"match", "ignore", NULL};
	char serr[160];
	int mode = 0, err;

	err = get_str(c, "sequence", cJSON_GetObjectItemCaseSensitive(root,
		      "sequence"), true, &e->seq_text);
	err = err ? err : get_enum(c, "retransmissions",
		cJSON_GetObjectItemCaseSensitive(root, "retransmissions"),
		modes, &mode);
	if (err)
		return err;
	e->seq_skip_retrans = mode == 1;
	err = expect_seq_compile(&e->seq, e->seq_text, serr, sizeof(serr));
	return err ? fail(c, "sequence", "%s", serr) : 0;
}

static int parse_name(struct expect *e, const char *file)
{
	const char *base = strrchr(file, '/');
	size_t n;

	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".json"))
		n -= 5;
	e->file = dup_str(file);
	e->name = strndup(base, n);
	return e->file && e->name ? 0 : ENOMEM;
}

static int parse_root(struct ctx *c, struct expect *e, const cJSON *root)
{
	static const char *const keys[] = {"description", "peer", "iut",
		"dialect", "timeout", "app", "answers", "sequence",
		"retransmissions", "headers", "call_hook", "hooks",
		"other_hooks", "hooks_order", "findings", "tags", NULL};
	static const char *const dialects[] = {"spec", "jambonz", NULL};
	static const char *const others[] = {"forbid", "allow", NULL};
	static const char *const orders[] = {"strict", "any", NULL};
	const cJSON *call_hook;
	int dialect = 0, other = 0, order = 0, err;

	if (!cJSON_IsObject(root))
		return fail(c, "", "the top level must be an object");
	err = check_keys(c, "", root, keys);
	err = err ? err : get_str(c, "description",
		cJSON_GetObjectItemCaseSensitive(root, "description"), true,
		&e->description);
	err = err ? err : parse_peer(c, e,
		cJSON_GetObjectItemCaseSensitive(root, "peer"));
	err = err ? err : resolve_scenario(c, e);
	err = err ? err : parse_iut(c, e,
		cJSON_GetObjectItemCaseSensitive(root, "iut"));
	err = err ? err : get_enum(c, "dialect",
		cJSON_GetObjectItemCaseSensitive(root, "dialect"), dialects,
		&dialect);
	e->timeout_s = 30;
	err = err ? err : get_uint(c, "timeout",
		cJSON_GetObjectItemCaseSensitive(root, "timeout"), 1, 600,
		&e->timeout_s);
	err = err ? err : parse_app(c, e,
		cJSON_GetObjectItemCaseSensitive(root, "app"));
	err = err ? err : parse_answers(c, e,
		cJSON_GetObjectItemCaseSensitive(root, "answers"));
	err = err ? err : parse_sequence(c, e, root);
	err = err ? err : parse_array(c, "headers",
		cJSON_GetObjectItemCaseSensitive(root, "headers"),
		sizeof(*e->headers), (void **)&e->headers, &e->headerc,
		parse_header);
	call_hook = cJSON_GetObjectItemCaseSensitive(root, "call_hook");
	err = err ? err : get_obj(c, "call_hook", call_hook, false);
	if (!err && call_hook && !(e->call_hook = cJSON_Duplicate(call_hook,
								   true)))
		err = ENOMEM;
	err = err ? err : parse_array(c, "hooks",
		cJSON_GetObjectItemCaseSensitive(root, "hooks"),
		sizeof(*e->hooks), (void **)&e->hooks, &e->hookc, parse_hook);
	err = err ? err : get_enum(c, "other_hooks",
		cJSON_GetObjectItemCaseSensitive(root, "other_hooks"), others,
		&other);
	err = err ? err : get_enum(c, "hooks_order",
		cJSON_GetObjectItemCaseSensitive(root, "hooks_order"), orders,
		&order);
	err = err ? err : parse_findings(c, e,
		cJSON_GetObjectItemCaseSensitive(root, "findings"));
	err = err ? err : get_strv(c, "tags",
		cJSON_GetObjectItemCaseSensitive(root, "tags"), &e->tags,
		&e->tagc);
	if (err)
		return err;
	e->hooks_allow_others = other == 1;
	e->hooks_any_order = order == 1;
	e->dialect = dup_str(dialects[dialect]);
	return e->dialect ? 0 : ENOMEM;
}

/* Line and column of a byte offset, for JSON syntax errors. */
static void position(const char *text, size_t off, unsigned *line,
		     unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		}
		else {
			++*col;
		}
	}
}

/* Errors quote keys and text from the file; a control character among
 * them would break the one-line error, so it is shown as '?'. */
static int one_line(char *err, int rc)
{
	for (; *err; err++)
		if ((unsigned char)*err < 0x20 || *err == 0x7f)
			*err = '?';
	return rc;
}

int expect_parse(struct expect **ep, const char *file, const char *text,
		 char *err, size_t errsz)
{
	struct ctx c = {.file = file, .err = err, .errsz = errsz};
	const char *end = NULL;
	struct expect *e;
	unsigned line, col;
	cJSON *root;
	int rc;

	root = cJSON_ParseWithOpts(text, &end, true);
	if (!root) {
		position(text, end ? (size_t)(end - text) : 0, &line, &col);
		snprintf(err, errsz, "%s: line %u, column %u: not valid JSON "
			 "near '%.20s'", file, line, col, end ? end : "");
		return one_line(err, EINVAL);
	}
	e = calloc(1, sizeof(*e));
	rc = e ? parse_name(e, file) : ENOMEM;
	rc = rc ? rc : parse_root(&c, e, root);
	cJSON_Delete(root);
	if (rc == ENOMEM)
		snprintf(err, errsz, "%s: out of memory", file);
	if (rc)
		expect_free(e);
	else
		*ep = e;
	return rc ? one_line(err, rc) : 0;
}

int expect_load(struct expect **ep, const char *path, char *err,
		size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t n;
	int rc = 0;

	if (!f) {
		rc = errno;
		snprintf(err, errsz, "%s: cannot open: %s", path,
			 strerror(rc));
		return rc;
	}
	text = malloc(MAX_FILE + 1);
	if (!text) {
		rc = ENOMEM;
		snprintf(err, errsz, "%s: out of memory", path);
		goto out;
	}
	n = fread(text, 1, MAX_FILE + 1, f);
	if (ferror(f) || n > MAX_FILE) {
		rc = ferror(f) ? EIO : EFBIG;
		snprintf(err, errsz, "%s: %s", path, ferror(f) ?
			 "read error" : "larger than 1 MiB");
		goto out;
	}
	text[n] = '\0';
	if (strlen(text) != n) {
		rc = EINVAL;
		snprintf(err, errsz, "%s: offset %zu: NUL byte in the file",
			 path, strlen(text));
		goto out;
	}
	rc = expect_parse(ep, path, text, err, errsz);
 out:
	free(text);
	fclose(f);
	return rc;
}

void expect_free(struct expect *e)
{
	size_t i;

	if (!e)
		return;
	free(e->file);
	free(e->name);
	free(e->description);
	free(e->scenario);
	free_strv(e->sipp_args, e->sipp_argc);
	free(e->dial_user);
	free(e->iut_sip_auth);
	free(e->dialect);
	cJSON_Delete(e->app);
	for (i = 0; i < e->answerc; i++) {
		free(e->answers[i].path);
		free(e->answers[i].body);
	}
	free(e->answers);
	free(e->seq_text);
	expect_seq_free(e->seq);
	for (i = 0; i < e->headerc; i++) {
		free(e->headers[i].sel_text);
		free(e->headers[i].name);
		free(e->headers[i].value);
		if (e->headers[i].op == EXPECT_HDR_REGEX)
			regfree(&e->headers[i].re);
	}
	free(e->headers);
	cJSON_Delete(e->call_hook);
	for (i = 0; i < e->hookc; i++) {
		free(e->hooks[i].path);
		free(e->hooks[i].method);
		cJSON_Delete(e->hooks[i].subset);
	}
	free(e->hooks);
	free_strv(e->findings_must, e->mustc);
	free_strv(e->findings_may, e->mayc);
	free_strv(e->tags, e->tagc);
	free(e);
}

bool expect_has_tag(const struct expect *e, const char *tag)
{
	size_t i;

	for (i = 0; e && i < e->tagc; i++) {
		if (!strcmp(e->tags[i], tag))
			return true;
	}
	return false;
}
