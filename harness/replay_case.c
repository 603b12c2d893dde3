/**
 * @file replay_case.c  A captured dialog as a case of the peer library
 *
 * The application is what the referrer must have been told to do: one
 * `sip:refer` per REFER of the dialog with the captured Refer-To,
 * Referred-By and custom headers (a second REFER comes from the first
 * one's actionHook answer, as the fallback case of the library does).
 * The expectation is what the capture showed: the message sequence, the
 * REFER's headers, the hooks the analyser derives from the wire and the
 * findings the far end's messages caused. Format: scenarios/README.md.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "runner.h"
#include "sipfrag.h"
#include "replay.h"

enum {
	HANGUP_MARGIN_MS = 1000,   /* the sim waits this past the far end's BYE */
	MAX_HOLD_MS = 30000,
	TIMEOUT_MARGIN_S = 30,
};

/* Headers the verb writes itself: anything else on a REFER was put
 * there by the application (the verb's `headers`). */
static const char *const own_headers[] = {
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq", "Contact",
	"m", "Max-Forwards", "Refer-To", "r", "Referred-By", "b",
	"Content-Length", "l", "Content-Type", "c", "User-Agent", "Allow",
	"Supported", "k", "Route", "Record-Route", "Event", "o", "Expires",
	"Require", "Refer-Sub", "Accept", "Authorization",
	"Proxy-Authorization", "Date", "Timestamp", "Server", "Allow-Events",
	"Session-Expires", "Min-SE", NULL,
};

static bool own_header(const struct pl *name)
{
	size_t i;

	for (i = 0; own_headers[i]; i++)
		if (!pl_strcasecmp(name, own_headers[i]))
			return true;
	return false;
}

/* "field/carrier-x.pcap" -> "carrier-x-t1". A case folder's own capture
 * ("reports/latest/carriers/final-486/capture.pcap") is named for its
 * folder: "final-486-t1". */
void replay_case_name(const struct replay_dialog *d, char *name, size_t sz)
{
	const char *base = strrchr(d->file, '/'), *dot;
	size_t n, i;

	base = base ? base + 1 : d->file;
	dot = strrchr(base, '.');
	n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	if (base - d->file >= 2 && ((n == 7 && !strncmp(base, "capture", 7)) ||
				    (n == 9 && !strncmp(base, "sim-trace", 9)))) {
		const char *dir = base - 1;

		while (dir > d->file && dir[-1] != '/')
			dir--;
		base = dir;
		n = (size_t)(strrchr(d->file, '/') - dir);
	}
	snprintf(name, sz, "%.*s-t%u", (int)n, base, d->tv[0]->num);
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			name[i] = '_';
}

static const struct replay_msg *refer_msg(const struct replay_dialog *d,
					  const struct transfer *t)
{
	struct le *le;

	for (le = list_head(&d->msgs); le; le = le->next) {
		const struct replay_msg *m = le->data;

		if (m->frame == t->refer_frame && m->msg->req &&
		    !pl_strcmp(&m->msg->met, "REFER"))
			return m;
	}
	return NULL;
}

static uint16_t frag_code(const struct replay_msg *m)
{
	struct sipfrag_status st;

	if (!m->body.l || sipfrag_status_decode(&st, m->body.p, m->body.l))
		return 0;
	return st.scode;
}

static int tok(char *buf, size_t sz, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int tok(char *buf, size_t sz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, sz - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz - *off)
		return ENOSPC;
	*off += n;
	return 0;
}

/* Provisional responses of the implementation are its own business
 * (another implementation may send 100, 180 or none): each run of them,
 * and the place after our INVITE, becomes "1xx*". */
int replay_sequence(const struct replay_dialog *d, bool iut_1xx_any,
		    char *buf, size_t sz)
{
	bool in_1xx = false;
	size_t off = 0;
	struct le *le;
	int err = 0;

	buf[0] = '\0';
	for (le = list_head(&d->msgs); le && !err; le = le->next) {
		const struct replay_msg *m = le->data;
		const struct sip_msg *s = m->msg;
		const char *sp = off ? " " : "";
		uint16_t fc;

		if (m->retrans)
			continue;
		if (iut_1xx_any && !m->from_far && !s->req &&
		    s->scode / 100 == 1) {
			if (!in_1xx)
				err = tok(buf, sz, &off, "%s1xx*", sp);
			in_1xx = true;
			continue;
		}
		in_1xx = false;
		if (!s->req)
			err = tok(buf, sz, &off, "%s%u", sp, s->scode);
		else if (!pl_strcmp(&s->met, "NOTIFY") && (fc = frag_code(m)))
			err = tok(buf, sz, &off, "%sNOTIFY(%u)", sp, fc);
		else
			err = tok(buf, sz, &off, "%s%.*s", sp, (int)s->met.l,
				  s->met.p);
		if (!err && iut_1xx_any && m->from_far && s->req &&
		    !pl_strcmp(&s->met, "INVITE")) {
			err = tok(buf, sz, &off, " 1xx*");
			in_1xx = true;
		}
	}
	return err;
}

/* A regex matching the value with or without the <> the verb may add. */
static char *value_regex(const char *v)
{
	size_t n = strlen(v), i, o = 0;
	char *re;

	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	re = malloc(2 * n + 16);
	if (!re)
		return NULL;
	o += sprintf(re, "^<?");
	for (i = 0; i < n; i++) {
		if (strchr("\\^$.[]|()*+?{}", v[i]))
			re[o++] = '\\';
		re[o++] = v[i];
	}
	strcpy(re + o, ">?$");
	return re;
}

static void add_header_check(cJSON *arr, unsigned nth, const char *name,
			     const char *op, const char *value)
{
	cJSON *h = cJSON_CreateObject();

	cJSON_AddStringToObject(h, "message", "REFER");
	cJSON_AddNumberToObject(h, "nth", nth);
	cJSON_AddStringToObject(h, "name", name);
	cJSON_AddStringToObject(h, op, value);
	cJSON_AddItemToArray(arr, h);
}

static void hook_path(char *buf, size_t sz, const char *what, size_t k)
{
	if (k)
		snprintf(buf, sz, "/%s%zu", what, k + 1);
	else
		snprintf(buf, sz, "/%s", what);
}

/* The verb of transfer k, and the header checks that go with it. */
static cJSON *refer_verb(const struct replay_dialog *d, size_t k,
			 cJSON *checks)
{
	const struct transfer *t = d->tv[k];
	const struct replay_msg *rm = refer_msg(d, t);
	cJSON *v = cJSON_CreateObject(), *hdrs = NULL;
	char path[32], *re;
	unsigned timeout;
	struct le *le;

	cJSON_AddStringToObject(v, "verb", "sip:refer");
	cJSON_AddStringToObject(v, "referTo", t->refer_to ? t->refer_to : "");
	if ((re = value_regex(t->refer_to ? t->refer_to : ""))) {
		add_header_check(checks, k + 1, "Refer-To", "regex", re);
		free(re);
	}
	if (t->referred_by) {
		cJSON_AddStringToObject(v, "referredBy", t->referred_by);
		if ((re = value_regex(t->referred_by))) {
			add_header_check(checks, k + 1, "Referred-By", "regex",
					 re);
			free(re);
		}
	}
	for (le = rm ? list_head(&rm->msg->hdrl) : NULL; le; le = le->next) {
		const struct sip_hdr *h = le->data;
		char name[64], val[512];

		if (own_header(&h->name))
			continue;
		pl_strcpy(&h->name, name, sizeof(name));
		pl_strcpy(&h->val, val, sizeof(val));
		if (!hdrs)
			hdrs = cJSON_AddObjectToObject(v, "headers");
		if (!cJSON_GetObjectItemCaseSensitive(hdrs, name))
			cJSON_AddStringToObject(hdrs, name, val);
		add_header_check(checks, k + 1, name, "equals", val);
	}
	if (k + 1 == d->tc && (timeout = replay_notify_timeout_s(t)))
		cJSON_AddNumberToObject(v, "notifyTimeout", timeout);
	hook_path(path, sizeof(path), "action", k);
	cJSON_AddStringToObject(v, "actionHook", path);
	hook_path(path, sizeof(path), "event", k);
	cJSON_AddStringToObject(v, "eventHook", path);
	return v;
}

static void add_hook(cJSON *hooks, const char *path, cJSON *payload)
{
	cJSON *h = cJSON_CreateObject();

	cJSON_AddStringToObject(h, "path", path);
	cJSON_AddItemToObject(h, "expect", payload);
	cJSON_AddItemToArray(hooks, h);
}

static void add_events(cJSON *hooks, const struct transfer *t, size_t k,
		       uint64_t after, uint64_t upto)
{
	char path[32], code[8];
	struct le *le;

	hook_path(path, sizeof(path), "event", k);
	for (le = list_head(&t->notifies); le; le = le->next) {
		const struct notify_rec *n = le->data;
		cJSON *p;

		if (n->frame <= after || n->frame > upto ||
		    !derive_fires_event(t, n))
			continue;
		p = cJSON_CreateObject();
		snprintf(code, sizeof(code), "%u", n->status);
		cJSON_AddStringToObject(p, "event", "transfer-status");
		cJSON_AddStringToObject(p, "call_status", code);
		add_hook(hooks, path, p);
	}
}

/* eventHooks up to the frame that completes the verb, the actionHook,
 * then eventHooks of NOTIFYs that still came. */
static void add_hooks(cJSON *hooks, const struct transfer *t, size_t k)
{
	struct derived dv;
	char path[32];
	cJSON *p = cJSON_CreateObject();
	uint64_t at;

	derive_outcome(t, &dv);
	at = dv.action_frame ? dv.action_frame : UINT64_MAX;
	add_events(hooks, t, k, 0, at);
	cJSON_AddNumberToObject(p, "referStatus", dv.refer_status);
	if (dv.final_status)
		cJSON_AddNumberToObject(p, "final_referred_call_status",
					dv.final_status);
	hook_path(path, sizeof(path), "action", k);
	add_hook(hooks, path, p);
	if (at != UINT64_MAX)
		add_events(hooks, t, k, at, UINT64_MAX);
}

/* When the far end hung up, the implementation must not hang up first
 * when its application ends: the last actionHook answer is held until
 * just after the far end's BYE came in the capture. */
static uint32_t hold_ms(const struct replay_dialog *d)
{
	const struct transfer *t = d->tv[d->tc - 1];
	struct derived dv;
	uint64_t ms;

	if (!t->bye_frame || t->bye_by_referrer)
		return 0;
	derive_outcome(t, &dv);
	ms = t->bye_ts > dv.action_ts ? (t->bye_ts - dv.action_ts) / 1000000 : 0;
	ms += HANGUP_MARGIN_MS;
	return ms > MAX_HOLD_MS ? MAX_HOLD_MS : (uint32_t)ms;
}

static cJSON *answers(const struct replay_dialog *d, cJSON *checks)
{
	cJSON *a = cJSON_CreateObject();
	char path[32];
	size_t k;

	for (k = 0; k < d->tc; k++) {
		cJSON *ans = cJSON_CreateObject();

		hook_path(path, sizeof(path), "action", k);
		cJSON_AddNumberToObject(ans, "status", 200);
		if (k + 1 < d->tc) {
			cJSON *next = cJSON_CreateArray();

			cJSON_AddItemToArray(next, refer_verb(d, k + 1, checks));
			cJSON_AddItemToObject(ans, "body", next);
		}
		else if (hold_ms(d)) {
			cJSON_AddNumberToObject(ans, "delay_ms", hold_ms(d));
		}
		cJSON_AddItemToObject(a, path, ans);
	}
	return a;
}

static bool timing_rule(const char *name)
{
	static const char *const rules[] = {"sip.retransmission",
		"notify.first.timeout", "notify.unanswered",
		"refer.no-response", NULL};
	size_t i;

	for (i = 0; rules[i]; i++)
		if (!strcmp(name, rules[i]))
			return true;
	return false;
}

static bool far_frame(const struct replay_dialog *d, uint64_t frame)
{
	struct le *le;

	for (le = list_head(&d->msgs); le; le = le->next) {
		const struct replay_msg *m = le->data;

		if (m->frame == frame)
			return m->from_far;
	}
	return false;
}

static void add_unique(cJSON *arr, const char *s)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (!strcmp(it->valuestring, s))
			return;
	cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

/* What the far end's own messages caused must show again; whatever the
 * original referrer got wrong is tolerated: the sequence replays its
 * behaviour as captured (edit the case to demand the fix). */
static cJSON *findings(const struct replay_dialog *d)
{
	cJSON *f = cJSON_CreateObject();
	cJSON *must = cJSON_AddArrayToObject(f, "must");
	cJSON *may = cJSON_AddArrayToObject(f, "may");
	struct le *le;
	size_t k;

	for (k = 0; k < d->tc; k++) {
		for (le = list_head(&d->tv[k]->findings); le; le = le->next) {
			const struct finding *fi = le->data;

			if (far_frame(d, fi->frame) && !timing_rule(fi->rule->name))
				add_unique(must, fi->rule->name);
			else if (fi->rule->sev == SEV_ERROR)
				add_unique(may, fi->rule->name);
		}
	}
	return f;
}

static void add_peer(cJSON *root, const struct replay_dialog *d)
{
	cJSON *peer = cJSON_AddObjectToObject(root, "peer");
	const struct replay_msg *inv = list_ledata(list_head(&d->msgs));
	char user[64];

	cJSON_AddStringToObject(peer, "role", d->phone ? "phone" : "carrier");
	cJSON_AddStringToObject(peer, "transport",
				d->tp == SIP_TRANSP_TCP ? "tcp" : "udp");
	cJSON_AddStringToObject(peer, "family", sa_af(&d->far) == AF_INET6 ?
				"ipv6" : "ipv4");
	if (d->phone && inv && pl_isset(&inv->msg->uri.user)) {
		pl_strcpy(&inv->msg->uri.user, user, sizeof(user));
		cJSON_AddStringToObject(peer, "dial_user", user);
	}
}

/* The referrer answered a digest challenge: the implementation needs
 * credentials. Which ones does not matter: the peer replays its answers
 * and checks no digest. */
static bool answered_challenge(const struct replay_dialog *d)
{
	struct le *le;

	for (le = list_head(&d->msgs); le; le = le->next) {
		const struct replay_msg *m = le->data;

		if (!m->from_far && m->msg->req &&
		    (sip_msg_hdr(m->msg, SIP_HDR_AUTHORIZATION) ||
		     sip_msg_hdr(m->msg, SIP_HDR_PROXY_AUTHORIZATION)))
			return true;
	}
	return false;
}

static unsigned case_timeout(const struct replay_dialog *d)
{
	const struct replay_msg *a = list_ledata(list_head(&d->msgs));
	const struct replay_msg *b = list_ledata(list_tail(&d->msgs));
	uint64_t s = a && b && b->ts_ns > a->ts_ns ?
		(b->ts_ns - a->ts_ns) / 1000000000ULL : 0;

	s += TIMEOUT_MARGIN_S;
	return s > 600 ? 600 : (unsigned)s;
}

cJSON *replay_expectation(const struct replay_dialog *d)
{
	cJSON *root = cJSON_CreateObject(), *checks = cJSON_CreateArray();
	cJSON *app, *hooks, *call;
	char seq[REPLAY_MAX_MSGS * 16], desc[512];
	struct derived dv;
	size_t k;

	derive_outcome(d->tv[0], &dv);
	snprintf(desc, sizeof(desc), "replay of %s, transfer %u (Call-ID %s): "
		 "%s, the far end %s the call", d->file, d->tv[0]->num,
		 d->callid, outcome_name(dv.outcome),
		 d->phone ? "was called by the referrer in" : "placed");
	cJSON_AddStringToObject(root, "description", desc);
	add_peer(root, d);
	if (answered_challenge(d))
		cJSON_AddStringToObject(cJSON_AddObjectToObject(root, "iut"),
					"sip_auth", "replay:replay");
	cJSON_AddNumberToObject(root, "timeout", case_timeout(d));
	app = cJSON_AddArrayToObject(root, "app");
	cJSON_AddItemToArray(app, refer_verb(d, 0, checks));
	cJSON_AddItemToObject(root, "answers", answers(d, checks));
	if (replay_sequence(d, true, seq, sizeof(seq)))
		snprintf(seq, sizeof(seq), "INVITE .*");
	cJSON_AddStringToObject(root, "sequence", seq);
	cJSON_AddStringToObject(root, "retransmissions", "ignore");
	cJSON_AddItemToObject(root, "headers", checks);
	call = cJSON_AddObjectToObject(root, "call_hook");
	cJSON_AddStringToObject(call, "direction",
				d->phone ? "outbound" : "inbound");
	hooks = cJSON_AddArrayToObject(root, "hooks");
	for (k = 0; k < d->tc; k++)
		add_hooks(hooks, d->tv[k], k);
	cJSON_AddItemToObject(root, "findings", findings(d));
	return root;
}

static int write_file(const char *path, const char *text, char *err,
		      size_t errsz)
{
	FILE *f = fopen(path, "w");
	int e = 0;

	if (!f || fputs(text, f) < 0)
		e = errno ? errno : EIO;
	if (f && fclose(f) && !e)
		e = errno ? errno : EIO;
	if (e)
		re_snprintf(err, errsz, "%s: %m", path, e);
	return e;
}

int replay_emit(const struct replay_dialog *d, const struct replay_opts *o,
		const char *dir, char *err, size_t errsz)
{
	char name[128], path[PATH_MAX];
	const char *why;
	char *json = NULL;
	cJSON *exp = NULL;
	FILE *f;
	int e;

	if ((why = replay_unplayable(d, err, errsz)))
		return EINVAL;
	if ((e = mkdir_p(dir))) {
		re_snprintf(err, errsz, "%s: cannot create: %m", dir, e);
		return e;
	}
	replay_case_name(d, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	f = fopen(path, "w");
	if (!f) {
		e = errno;
		re_snprintf(err, errsz, "%s: %m", path, e);
		return e;
	}
	e = replay_sipp_write(f, d, o, err, errsz);
	if (fclose(f) && !e) {
		e = EIO;
		re_snprintf(err, errsz, "%s: write failed", path);
	}
	if (e)
		return e;
	exp = replay_expectation(d);
	json = exp ? cJSON_Print(exp) : NULL;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	e = json ? write_file(path, json, err, errsz) : ENOMEM;
	if (!e && (f = fopen(path, "a"))) {
		fputc('\n', f);
		fclose(f);
	}
	cJSON_free(json);
	cJSON_Delete(exp);
	return e;
}
