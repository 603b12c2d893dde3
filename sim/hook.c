/**
 * @file hook.c  Hook delivery over libre's HTTP client: attempts, timeout, retries
 *
 * One struct delivery per hook_send(): it owns the request text and walks
 * attempt -> answer / error / timeout -> back-off -> attempt ... until it
 * succeeds or the retry policy says no, then reports once and frees itself.
 * libre 1.1.0's client has no per-request timeout (its own are 30 s to
 * connect, 60 s to answer), so a timer per attempt cancels the request by
 * releasing it: mem_deref on an http_req closes it without calling back.
 * Those timers are in a tmrq (tmrq.h), not libre's timer list.
 * At most HOOK_INFLIGHT_MAX requests are on the wire per client (each
 * holds a TCP connection, and libre's loop takes 1024 descriptors); the
 * rest wait their turn in order, their timeout not yet running.
 * Deliveries given the same order key (a call) go one after the other,
 * in hook_send() order: an application server sees a call's hooks in the
 * order of its events, whatever the connections and the server's delays.
 */
#include <string.h>
#include <strings.h>
#include <time.h>
#include "hooksig.h"
#include "hookint.h"
#include "tmrq.h"

enum { TIMEOUT_DEFAULT_MS = 10000 };

struct hookcli {
	struct list deliveries;   /* struct delivery, in flight      */
	struct list waiting;      /* deliveries waiting for a slot   */
	unsigned active;          /* requests on the wire            */
	struct http_cli *http;
	struct dnsc *dnsc;
	struct tmrq *tq;
	struct hook_conf conf;
	char *secret;
};

struct delivery {
	struct le le;
	struct le wle;            /* in hc->waiting                      */
	bool active;              /* holds one of hc's request slots     */
	bool held;                /* behind an earlier one of its key    */
	const void *key;          /* order key, or NULL: no order        */
	struct hookcli *hc;
	struct http_req *req;     /* the attempt in flight, weak (libre) */
	struct tmrq_ent tmr;      /* request timeout, then back-off      */
	struct hook_policy policy;
	const char *method;
	char *url;                /* on the wire: no fragment, + query   */
	char *logurl;             /* for logs: no credentials, no query  */
	char *auth;               /* "Authorization: Basic ...\r\n" or NULL */
	char *body;               /* POST body (JSON), or ""             */
	struct mbuf *rx;          /* the answer's body so far, or NULL   */
	char why[96];             /* what an error code alone does not say */
	uint16_t big_scode;       /* status of an answer whose body was
				     over HOOK_ANSWER_MAX, or 0          */
	unsigned attempt;         /* 1-based                              */
	int err;                  /* a failure to start the attempt       */
	uint64_t t0;              /* jiffies at the attempt's start       */
	hook_done_h *doneh;
	void *arg;
};

static void attempt_start(struct delivery *d);
static void request_start(struct delivery *d);

/* Hands free request slots to the deliveries waiting longest. */
static void slots_kick(struct hookcli *hc)
{
	while (hc->active < HOOK_INFLIGHT_MAX && hc->waiting.head) {
		struct delivery *d = hc->waiting.head->data;

		list_unlink(&d->wle);
		request_start(d);
	}
}

static void slot_release(struct delivery *d)
{
	if (!d->active)
		return;
	d->active = false;
	--d->hc->active;
	slots_kick(d->hc);
}

static void delivery_destructor(void *arg)
{
	struct delivery *d = arg;

	tmrq_cancel(&d->tmr);
	list_unlink(&d->le);
	list_unlink(&d->wle);
	if (d->active)
		--d->hc->active;
	mem_deref(d->req);
	mem_deref(d->url);
	mem_deref(d->logurl);
	if (d->auth)
		memset(d->auth, 0, strlen(d->auth));
	mem_deref(d->auth);
	mem_deref(d->body);
	mem_deref(d->rx);
}

static void hookcli_destructor(void *arg)
{
	struct hookcli *hc = arg;

	/* Deliveries first: they hold requests of the HTTP client, and the
	 * client would otherwise call them back while it goes away. */
	list_flush(&hc->deliveries);
	mem_deref(hc->http);
	mem_deref(hc->dnsc);
	mem_deref(hc->tq);
	if (hc->secret)
		memset(hc->secret, 0, strlen(hc->secret));
	mem_deref(hc->secret);
}

/* libre's client insists on a DNS client even for IP literals. Use the
 * system's servers, and loopback when there are none (hooks are mostly
 * on 127.0.0.1 and never need it). */
static int dnsc_open(struct dnsc **dnscp)
{
	struct sa srvv[4];
	uint32_t n = sizeof(srvv) / sizeof(srvv[0]);
	char domain[64];

	if (dns_srv_get(domain, sizeof(domain), srvv, &n) || !n) {
		sa_set_str(&srvv[0], "127.0.0.1", 53);
		n = 1;
	}

	return dnsc_alloc(dnscp, NULL, srvv, n);
}

int hookcli_alloc(struct hookcli **hcp, const struct hook_conf *conf)
{
	struct hookcli *hc;
	int err = 0;

	if (!hcp || !conf)
		return EINVAL;

	hc = mem_zalloc(sizeof(*hc), hookcli_destructor);
	if (!hc)
		return ENOMEM;

	hc->conf = *conf;
	if (!hc->conf.timeout_ms)
		hc->conf.timeout_ms = TIMEOUT_DEFAULT_MS;
	if (conf->secret && *conf->secret) {
		err = str_dup(&hc->secret, conf->secret);
		if (err)
			goto out;
	}
	hc->conf.secret = hc->secret;
	if (conf->tq)
		hc->tq = mem_ref(conf->tq);
	else
		err = tmrq_alloc(&hc->tq, NULL, NULL);
	hc->conf.tq = hc->tq;
	if (err)
		goto out;

	err = dnsc_open(&hc->dnsc);
	if (err)
		goto out;

	err = http_client_alloc(&hc->http, hc->dnsc);

 out:
	if (err)
		mem_deref(hc);
	else
		*hcp = hc;

	return err;
}

/* The first delivery of key still pending, or NULL. The pending list is
 * in hook_send() order, so this is the one that goes first. */
static struct delivery *key_head(const struct hookcli *hc, const void *key)
{
	struct le *le;

	for (le = hc->deliveries.head; le; le = le->next) {
		struct delivery *d = le->data;

		if (d->key == key)
			return d;
	}
	return NULL;
}

/* After a delivery of key left the pending list: start the next one. */
static void key_advance(struct hookcli *hc, const void *key)
{
	struct delivery *d = key ? key_head(hc, key) : NULL;

	if (d && d->held) {
		d->held = false;
		attempt_start(d);
	}
}

unsigned hookcli_cancel(struct hookcli *hc, const void *arg)
{
	struct le *le;
	unsigned n = 0;

	if (!hc)
		return 0;

	for (le = hc->deliveries.head; le;) {
		struct delivery *d = le->data;
		const void *key = d->key;

		le = le->next;
		if (d->arg == arg) {
			mem_deref(d);
			key_advance(hc, key);
			++n;
		}
	}
	slots_kick(hc);

	return n;
}

unsigned hookcli_abort(struct hookcli *hc)
{
	unsigned n = 0, max = hookcli_pending(hc);

	/* Held ones too: nothing is started, each is told and freed. A
	 * handler that sends again is not waited for (bounded by max). */
	while (n < max && hc->deliveries.head) {
		struct delivery *d = hc->deliveries.head->data;
		hook_done_h *doneh = d->doneh;
		void *arg = d->arg;

		mem_deref(d);
		if (doneh)
			doneh(ECANCELED, 0, NULL, arg);
		++n;
	}

	return n;
}

unsigned hookcli_pending(const struct hookcli *hc)
{
	return hc ? list_count(&hc->deliveries) : 0;
}

static void attempt_log(const struct delivery *d, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!d->hc->conf.logh)
		return;

	n = re_snprintf(line, sizeof(line), "hook %s %s (attempt %u/%u, "
			"%llu ms): ", d->method, d->logurl, d->attempt,
			d->policy.retries + 1,
			(unsigned long long)(tmr_jiffies() - d->t0));
	if (n < 0)
		n = 0;
	va_start(ap, fmt);
	re_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);

	d->hc->conf.logh(line, d->hc->conf.arg);
}

static void finish(struct delivery *d, int err, uint16_t scode,
		   const char *body)
{
	hook_done_h *doneh = d->doneh;
	void *arg = d->arg;

	/* Leave the pending list before calling out: the handler may look
	 * at hookcli_pending() and expect this delivery to be over. */
	list_unlink(&d->le);
	tmrq_cancel(&d->tmr);
	key_advance(d->hc, d->key);
	if (doneh)
		doneh(err, scode, body, arg);
	mem_deref(d);
}

static void retry_h(void *arg)
{
	struct delivery *d = arg;

	++d->attempt;
	attempt_start(d);
}

/* After a failed attempt: back off and try again, or give up. */
static void attempt_failed(struct delivery *d, int err, uint16_t scode,
			   const char *body)
{
	uint32_t wait;

	if (d->attempt <= d->policy.retries &&
	    hook_policy_retry(&d->policy, err, scode)) {
		wait = hook_policy_backoff(d->attempt);
		err = tmrq_start(&d->tmr, d->hc->tq, wait, retry_h, d);
		if (!err)
			return;
		attempt_log(d, "no retry: back-off timer: %m", err);
	}

	finish(d, err, scode, body);
}

/* The answer's body, kept here rather than by libre: its client would
 * refuse one over 512 KiB with EOVERFLOW alone, no size, no limit. */
static int body_h(const uint8_t *buf, size_t size, const struct http_msg *msg,
		  void *arg)
{
	struct delivery *d = arg;
	size_t have = d->rx ? d->rx->end : 0, clen = msg->clen;

	if (clen > HOOK_ANSWER_MAX || have + size > HOOK_ANSWER_MAX) {
		if (clen >= have + size)
			re_snprintf(d->why, sizeof(d->why), "answer body %zu "
				    "bytes, over the %u-byte limit", clen,
				    HOOK_ANSWER_MAX);
		else
			re_snprintf(d->why, sizeof(d->why), "answer body over "
				    "the %u-byte limit (chunked)",
				    HOOK_ANSWER_MAX);
		d->big_scode = msg->scode;
		return EFBIG;
	}
	if (!d->rx)
		d->rx = mbuf_alloc(clen > size ? clen : size);

	return d->rx ? mbuf_write_mem(d->rx, buf, size) : ENOMEM;
}

static void resp_h(int err, const struct http_msg *msg, void *arg)
{
	struct delivery *d = arg;
	char *body = NULL;
	uint16_t scode = 0;

	d->req = NULL;  /* libre frees it when this returns */
	tmrq_cancel(&d->tmr);
	slot_release(d);

	if (!err && !msg)
		err = EPROTO;
	if (err && d->big_scode) {
		/* the answer's body was over the limit (body_h): an answer,
		 * not a connection failure, so its status decides on a
		 * retry (hook_policy_retry) */
		attempt_log(d, "error: HTTP %u, %s", d->big_scode, d->why);
		attempt_failed(d, EFBIG, d->big_scode, d->why);
		return;
	}
	if (err) {
		if (d->why[0])
			attempt_log(d, "error: %s", d->why);
		else
			attempt_log(d, "error: %m", err);
		attempt_failed(d, err, 0, d->why[0] ? d->why : NULL);
		return;
	}

	scode = msg->scode;
	if (d->rx && d->rx->end)
		(void)re_sdprintf(&body, "%b", d->rx->buf, d->rx->end);
	attempt_log(d, "%u %r", scode, &msg->reason);

	if (scode >= 200 && scode < 300)
		finish(d, 0, scode, body);
	else
		attempt_failed(d, 0, scode, body);

	mem_deref(body);
}

static void timeout_h(void *arg)
{
	struct delivery *d = arg;

	d->req = mem_deref(d->req);
	slot_release(d);
	attempt_log(d, "error: no answer within %u ms", d->hc->conf.timeout_ms);
	attempt_failed(d, ETIMEDOUT, 0, NULL);
}

static void sync_fail_h(void *arg)
{
	struct delivery *d = arg;

	attempt_log(d, "error: %m", d->err);
	attempt_failed(d, d->err, 0, NULL);
}

static void attempt_start(struct delivery *d)
{
	if (d->hc->active >= HOOK_INFLIGHT_MAX) {
		list_append(&d->hc->waiting, &d->wle, d);
		return;
	}

	request_start(d);
}

static void request_start(struct delivery *d)
{
	char sig[128] = "";
	int err = 0;

	d->t0 = tmr_jiffies();
	d->rx = mem_deref(d->rx);
	d->why[0] = '\0';
	d->big_scode = 0;
	if (d->hc->secret)
		err = hooksig_compute(sig, sizeof(sig), d->hc->secret,
				     (uint64_t)time(NULL), d->body,
				     strlen(d->body));
	if (!err)
		err = http_request(&d->req, d->hc->http, d->method, d->url,
			resp_h, body_h, d,
			"User-Agent: referlab-sim\r\n"
			"%s%s%s%s%s"
			"Content-Length: %zu\r\n"
			"\r\n"
			"%s",
			*d->body ? "Content-Type: application/json\r\n" : "",
			d->auth ? d->auth : "",
			*sig ? "Jambonz-Signature: " : "", sig,
			*sig ? "\r\n" : "",
			strlen(d->body), d->body);
	if (err) {
		/* Report from the loop, never from inside hook_send(); no
		 * timer either (out of memory): the delivery stays pending
		 * till exit rather than report from in here. */
		d->err = err;
		err = tmrq_start(&d->tmr, d->hc->tq, 0, sync_fail_h, d);
		if (err)
			attempt_log(d, "error: %m; timer: %m", d->err, err);
		return;
	}

	d->active = true;
	++d->hc->active;
	err = tmrq_start(&d->tmr, d->hc->tq, d->hc->conf.timeout_ms,
			 timeout_h, d);
	if (err)   /* libre's own limits (60 s to answer) still apply */
		attempt_log(d, "no timeout: timer: %m", err);
}

static int basic_auth(char **authp, const char *user, const char *pass)
{
	char *cred = NULL, b64[512];
	size_t len = sizeof(b64) - 1;
	int err;

	err = re_sdprintf(&cred, "%s:%s", user, pass);
	if (err)
		return err;

	err = base64_encode((const uint8_t *)cred, strlen(cred), b64, &len);
	memset(cred, 0, strlen(cred));
	mem_deref(cred);
	if (err)
		return err;

	b64[len] = '\0';
	err = re_sdprintf(authp, "Authorization: Basic %s\r\n", b64);
	memset(b64, 0, sizeof(b64));
	return err;
}

/* Credentials in the URL (http://u:p@host/) are taken as basic auth when
 * the hook object has none: libre's client cannot send them in the URL. */
static int auth_prepare(struct delivery *d, const struct hook_target *t,
			const struct hook_url *u)
{
	char *info = NULL;
	const char *colon;
	int err;

	if (t->username)
		return basic_auth(&d->auth, t->username,
				  t->password ? t->password : "");
	if (!u->userinfo.l)
		return 0;

	err = pl_strdup(&info, &u->userinfo);
	if (err)
		return err;
	colon = strchr(info, ':');
	if (colon)
		info[colon - info] = '\0';
	err = basic_auth(&d->auth, info, colon ? colon + 1 : "");
	memset(info, 0, u->userinfo.l);
	mem_deref(info);
	return err;
}

/* Wire URL: no userinfo, no fragment, "localhost" as 127.0.0.1 (libre
 * would ask DNS), the GET query appended. */
static int url_prepare(struct delivery *d, const struct hook_url *u,
		       const cJSON *payload)
{
	struct pl hp = u->hostport, path = u->path;
	struct mbuf *mb = mbuf_alloc(256);
	bool get = !strcmp(d->method, "GET");
	const uint8_t *q;
	int err;

	if (!mb)
		return ENOMEM;

	/* libre 1.1.0's http_request() cannot parse "[::1]:port" */
	if (hp.l && hp.p[0] == '[') {
		err = ENOTSUP;
		goto out;
	}

	if (!pl_strcasecmp(&hp, "localhost") ||
	    (hp.l > 10 && !strncasecmp(hp.p, "localhost:", 10))) {
		pl_advance(&hp, 9);
		err = mbuf_printf(mb, "%r://127.0.0.1%r", &u->scheme, &hp);
	}
	else {
		err = mbuf_printf(mb, "%r://%r", &u->scheme, &hp);
	}
	err |= mbuf_printf(mb, "%s%r", path.l && path.p[0] == '/' ? "" : "/",
			   &path);
	if (err)
		goto out;

	q = memchr(mb->buf, '?', mb->end);
	mb->pos = 0;
	err = mbuf_strdup(mb, &d->logurl, q ? (size_t)(q - mb->buf) : mb->end);
	if (err || !get)
		goto out;

	mb->pos = mb->end;
	if (!q)
		err = mbuf_write_u8(mb, '?');
	else if (mb->buf[mb->end - 1] != '?')
		err = mbuf_write_u8(mb, '&');
	if (payload)
		err |= hook_query_encode(mb, payload);

 out:
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, &d->url, mb->end);
	}
	mem_deref(mb);
	return err;
}

static int delivery_prepare(struct delivery *d, const struct hook_target *t,
			    const char *base_url, const cJSON *payload)
{
	struct hook_url u;
	char *url = NULL, perr[128];
	int err;

	d->method = t->method && !strcasecmp(t->method, "GET") ? "GET"
		: "POST";

	err = hook_url_resolve(&url, t->url, base_url);
	if (err)
		goto out;
	err = hook_url_decode(&u, url);
	if (err)
		goto out;
	err = hook_policy_decode(&d->policy, &u.frag, perr, sizeof(perr));
	if (err)
		goto out;

	err = url_prepare(d, &u, payload);
	if (!err)
		err = auth_prepare(d, t, &u);
	if (err)
		goto out;

	if (!strcmp(d->method, "GET")) {
		err = str_dup(&d->body, "");
	}
	else {
		char *json = payload ? cJSON_PrintUnformatted(payload) : NULL;

		err = str_dup(&d->body, json ? json : "{}");
		cJSON_free(json);
	}

 out:
	mem_deref(url);
	return err;
}

const char *hook_failure(char *buf, size_t sz, int err, uint16_t status,
			 const char *body)
{
	if (err && body && status)
		re_snprintf(buf, sz, "HTTP %u, %s", status, body);
	else if (err && body)
		re_snprintf(buf, sz, "%s", body);
	else if (err)
		re_snprintf(buf, sz, "%m", err);
	else if (status < 200 || status > 299)
		re_snprintf(buf, sz, "HTTP %u", status);
	else
		re_snprintf(buf, sz, "HTTP %u with an empty body", status);
	return buf;
}

int hook_send(struct hookcli *hc, const struct hook_target *t,
	      const char *base_url, const cJSON *payload,
	      hook_done_h *doneh, void *arg)
{
	return hook_send_ordered(hc, t, base_url, payload, doneh, arg, NULL);
}

int hook_send_ordered(struct hookcli *hc, const struct hook_target *t,
		      const char *base_url, const cJSON *payload,
		      hook_done_h *doneh, void *arg, const void *key)
{
	struct delivery *d;
	int err;

	if (!hc || !t || !t->url)
		return EINVAL;

	d = mem_zalloc(sizeof(*d), delivery_destructor);
	if (!d)
		return ENOMEM;

	d->hc = hc;
	d->doneh = doneh;
	d->arg = arg;
	d->attempt = 1;
	err = delivery_prepare(d, t, base_url, payload);
	if (err) {
		if (hc->conf.logh)
			hc->conf.logh(err == EINVAL
				      ? "hook: not sent: bad or unresolvable "
				      "URL or retry policy" : err == ENOTSUP
				      ? "hook: not sent: IPv6 address literals "
				      "are not supported by libre 1.1.0's HTTP "
				      "client (use IPv4 or a host name)"
				      : "hook: not sent: out of memory",
				      hc->conf.arg);
		mem_deref(d);
		return err;
	}

	d->key = key;
	d->held = key && key_head(hc, key);
	list_append(&hc->deliveries, &d->le, d);
	if (!d->held)
		attempt_start(d);
	return 0;
}
