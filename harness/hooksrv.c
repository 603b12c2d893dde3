/**
 * @file hooksrv.c  The hook server: HTTP/1.1 on libre's TCP, records, answers
 *
 * Stages: TCP bytes -> request (http_msg_decode, own framing so that a
 * malformed request gets a 400 and a record, which libre's http_listen
 * cannot do: it drops the connection silently) -> checks (signature,
 * auth) -> record line -> answer (path's body/status/delay sequence).
 * One request at a time per connection: a delayed answer holds back the
 * next request on that connection, as HTTP/1.1 ordering requires.
 */
#include <string.h>
#include <sys/socket.h>
#include "hooksig.h"
#include "hookrec.h"
#include "hooksrv.h"

enum {
	HEAD_MAX        = 65536,     /* request line + headers          */
	BODY_MAX        = 1048576,
	PARTIAL_TIMEOUT = 10000,     /* ms for the rest of a request    */
	IDLE_TIMEOUT    = 120000,    /* ms of keep-alive silence        */
	LINGER          = 1000,      /* ms to let the last answer leave  */
};

struct hooksrv {
	struct tcp_sock *ts;
	struct sa laddr;
	struct list conns;
	struct list routes;
	struct hooksrv_conf conf;
	char *secret, *user;
	unsigned seq, nconn;
};

/* A path's answers: request n gets item n of each sequence, the last
 * repeating. */
struct route {
	struct le le;
	char *path;
	char **bodies;
	uint16_t *statuses;
	uint32_t *delays;
	size_t nbody, nstatus, ndelay;
	unsigned hits;
};

struct conn {
	struct le le;
	struct hooksrv *srv;
	struct tcp_conn *tc;
	struct sa peer;
	unsigned id;
	struct mbuf *mb;       /* received, not yet consumed      */
	struct mbuf *reply;    /* a delayed answer                */
	struct tmr tmr;        /* partial/idle timeout, delay, linger */
	bool busy;             /* an answer is being delayed      */
	bool closing;          /* answered for the last time      */
	bool close_after;      /* Connection: close / HTTP/1.0    */
	bool continued;        /* 100 Continue sent for this request */
};

static void process(struct conn *c);

static void route_destructor(void *arg)
{
	struct route *r = arg;
	size_t i;

	list_unlink(&r->le);
	for (i = 0; i < r->nbody; i++)
		mem_deref(r->bodies[i]);
	mem_deref(r->bodies);
	mem_deref(r->statuses);
	mem_deref(r->delays);
	mem_deref(r->path);
}

static void conn_destructor(void *arg)
{
	struct conn *c = arg;

	list_unlink(&c->le);
	tmr_cancel(&c->tmr);
	mem_deref(c->tc);
	mem_deref(c->mb);
	mem_deref(c->reply);
}

static void srv_destructor(void *arg)
{
	struct hooksrv *srv = arg;

	list_flush(&srv->conns);
	list_flush(&srv->routes);
	mem_deref(srv->ts);
	if (srv->secret)
		memset(srv->secret, 0, strlen(srv->secret));
	if (srv->user)
		memset(srv->user, 0, strlen(srv->user));
	mem_deref(srv->secret);
	mem_deref(srv->user);
}

int hooksrv_alloc(struct hooksrv **srvp, const struct hooksrv_conf *conf)
{
	struct hooksrv *srv;
	int err = 0;

	if (!srvp || !conf)
		return EINVAL;

	srv = mem_zalloc(sizeof(*srv), srv_destructor);
	if (!srv)
		return ENOMEM;

	srv->conf = *conf;
	if (conf->secret && *conf->secret)
		err = str_dup(&srv->secret, conf->secret);
	if (!err && conf->user)
		err = str_dup(&srv->user, conf->user);
	srv->conf.secret = srv->secret;
	srv->conf.user = srv->user;

	if (err)
		mem_deref(srv);
	else
		*srvp = srv;

	return err;
}

static struct route *route_find(const struct hooksrv *srv,
				const struct pl *path)
{
	struct le *le;

	for (le = srv->routes.head; le; le = le->next) {
		struct route *r = le->data;

		if (!pl_strcmp(path, r->path))
			return r;
	}

	return NULL;
}

static int route_get(struct route **rp, struct hooksrv *srv, const char *path)
{
	struct route *r;
	struct pl pl;
	int err;

	if (!srv || !path || path[0] != '/')
		return EINVAL;

	pl_set_str(&pl, path);
	r = route_find(srv, &pl);
	if (r) {
		*rp = r;
		return 0;
	}

	r = mem_zalloc(sizeof(*r), route_destructor);
	if (!r)
		return ENOMEM;
	err = str_dup(&r->path, path);
	if (err)
		return mem_deref(r), err;

	list_append(&srv->routes, &r->le, r);
	*rp = r;
	return 0;
}

/* Appends one element of size sz to the array *arr of *n elements. */
static int grow(void *arrp, size_t *n, size_t sz, const void *elem)
{
	void **arr = arrp;
	/* libre's mem_realloc() does not take NULL */
	uint8_t *p = *arr ? mem_realloc(*arr, (*n + 1) * sz)
		: mem_alloc(sz, NULL);

	if (!p)
		return ENOMEM;
	memcpy(p + *n * sz, elem, sz);
	*arr = p;
	++*n;
	return 0;
}

int hooksrv_add_body(struct hooksrv *srv, const char *path, const char *body)
{
	struct route *r;
	char *copy = NULL;
	int err;

	err = route_get(&r, srv, path);
	if (!err)
		err = str_dup(&copy, body ? body : "");
	if (!err)
		err = grow(&r->bodies, &r->nbody, sizeof(copy), &copy);
	if (err)
		mem_deref(copy);
	return err;
}

int hooksrv_add_status(struct hooksrv *srv, const char *path,
		       uint16_t status)
{
	struct route *r;
	int err;

	if (status < 100 || status > 599)
		return EINVAL;
	err = route_get(&r, srv, path);
	return err ? err : grow(&r->statuses, &r->nstatus, sizeof(status),
				&status);
}

int hooksrv_add_delay(struct hooksrv *srv, const char *path, uint32_t ms)
{
	struct route *r;
	int err = route_get(&r, srv, path);

	return err ? err : grow(&r->delays, &r->ndelay, sizeof(ms), &ms);
}

static size_t nth(size_t n, size_t count)
{
	return n < count ? n : count - 1;
}

static const char *reason(uint16_t code)
{
	static const struct { uint16_t code; const char *reason; } tab[] = {
		{200, "OK"}, {201, "Created"}, {202, "Accepted"},
		{204, "No Content"}, {400, "Bad Request"},
		{401, "Unauthorized"}, {403, "Forbidden"},
		{404, "Not Found"}, {405, "Method Not Allowed"},
		{408, "Request Timeout"}, {411, "Length Required"},
		{413, "Content Too Large"},
		{431, "Request Header Fields Too Large"},
		{500, "Internal Server Error"}, {502, "Bad Gateway"},
		{503, "Service Unavailable"}, {504, "Gateway Timeout"},
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].code == code)
			return tab[i].reason;
	}

	return code < 300 ? "OK" : code < 400 ? "Redirect" : code < 500
		? "Client Error" : "Server Error";
}

static struct mbuf *reply_build(uint16_t status, const char *extra,
				const char *body, bool close)
{
	struct mbuf *mb = mbuf_alloc(256 + strlen(body));
	const char *ctype;
	cJSON *probe;
	int err;

	if (!mb)
		return NULL;

	probe = *body ? cJSON_Parse(body) : NULL;
	ctype = !*body ? "" : probe ? "Content-Type: application/json\r\n"
		: "Content-Type: text/plain\r\n";
	cJSON_Delete(probe);

	err = mbuf_printf(mb, "HTTP/1.1 %u %s\r\n"
			  "Server: referlab-hooks\r\n"
			  "%s%s%s"
			  "Content-Length: %zu\r\n"
			  "\r\n"
			  "%s", status, reason(status), extra, ctype,
			  close ? "Connection: close\r\n" : "",
			  strlen(body), body);
	if (err)
		return mem_deref(mb);

	mb->pos = 0;
	return mb;
}

static void conn_free_h(void *arg)
{
	mem_deref(arg);
}

static void send_reply(struct conn *c, struct mbuf *mb)
{
	if (mb)
		(void)tcp_send(c->tc, mb);
	if (c->close_after || !mb) {
		/* Let the answer leave before the close; ignore what else
		 * comes (a close with unread data would reset it). */
		c->closing = true;
		tmr_start(&c->tmr, LINGER, conn_free_h, c);
	}
}

static void emit(struct conn *c, cJSON *rec)
{
	struct hooksrv *srv = c->srv;

	if (!rec)
		return;
	if (srv->conf.record)
		(void)hookrec_write(srv->conf.record, rec);
	if (srv->conf.recordh)
		srv->conf.recordh(rec, srv->conf.arg);
	cJSON_Delete(rec);
}

static void fail(struct conn *c, const struct http_msg *msg, uint16_t status,
		 const char *why)
{
	struct hookrec_src src = {++c->srv->seq, c->id, &c->peer};
	cJSON *rec = hookrec_error(&src, msg, why);
	struct mbuf *mb;
	char body[300];

	if (rec)
		cJSON_AddNumberToObject(rec, "status", status);
	emit(c, rec);

	re_snprintf(body, sizeof(body), "%s\n", why);
	c->close_after = true;
	c->mb = mem_deref(c->mb);
	mb = reply_build(status, "", body, true);
	send_reply(c, mb);
	mem_deref(mb);
}

static const char *check_auth(const struct hooksrv *srv,
			      const struct http_msg *msg)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_AUTHORIZATION);
	uint8_t cred[256];
	size_t len = sizeof(cred) - 1;
	struct pl b64;
	bool ok;

	if (!h)
		return "absent";
	if (!srv->user)
		return "present";
	if (re_regex(h->val.p, h->val.l, "Basic[ ]+[^ ]+", NULL, &b64) ||
	    base64_decode(b64.p, b64.l, cred, &len))
		return "invalid";

	cred[len] = '\0';
	ok = !strcmp((const char *)cred, srv->user);
	memset(cred, 0, sizeof(cred));
	return ok ? "valid" : "invalid";
}

static const char *check_signature(const struct hooksrv *srv,
				   const struct http_msg *msg,
				   const struct pl *body)
{
	const struct http_hdr *h = http_msg_xhdr(msg, "Jambonz-Signature");

	if (!h)
		return "absent";
	if (!srv->secret)
		return "unchecked";

	return hooksig_verdict_str(hooksig_verify(&h->val, srv->secret,
						  body->p, body->l));
}

/* Why a request is refused before the application sees it, or NULL.
 * status and extra (header lines) get the answer. */
static const char *refusal(const struct hooksrv *srv,
			   const struct http_msg *msg, const char *auth,
			   const char *sig, uint16_t *status,
			   const char **extra)
{
	if (pl_strcmp(&msg->met, "POST") && pl_strcmp(&msg->met, "GET")) {
		*status = 405, *extra = "Allow: GET, POST\r\n";
		return "only GET and POST are webhooks";
	}
	if (srv->user && strcmp(auth, "valid")) {
		*status = 401;
		*extra = "WWW-Authenticate: Basic realm=\"referlab\"\r\n";
		return !strcmp(auth, "absent") ? "basic auth is absent"
			: "basic auth does not match";
	}
	if (!srv->secret || !strcmp(sig, "valid"))
		return NULL;

	*status = 403;
	return !strcmp(sig, "absent")
		? "Jambonz-Signature is absent, with a webhook secret set"
		: !strcmp(sig, "malformed")
		? "Jambonz-Signature is malformed: want "
		  "t=<unix seconds>,v1=<64 hex digits>"
		: "Jambonz-Signature does not match the body under the "
		  "webhook secret";
}

static void delayed_h(void *arg)
{
	struct conn *c = arg;
	struct mbuf *mb = c->reply;

	c->reply = NULL;
	c->busy = false;
	send_reply(c, mb);
	mem_deref(mb);
	if (!c->closing)
		process(c);
}

/* A refused request gets its reason as text (but a 405: a HEAD answer
 * has no body), at once, and leaves the path's answer sequence as it
 * was: the application never saw it. */
static void answer(struct conn *c, const struct http_msg *msg,
		   const struct pl *body)
{
	struct hooksrv *srv = c->srv;
	struct hookrec_src src = {++srv->seq, c->id, &c->peer};
	struct route *r = route_find(srv, &msg->path);
	const char *auth = check_auth(srv, msg);
	const char *sig = check_signature(srv, msg, body);
	const char *extra = "", *rbody = "", *why;
	char text[128];
	uint16_t status = 200;
	uint32_t delay = 0;
	struct mbuf *mb;
	cJSON *rec;

	why = refusal(srv, msg, auth, sig, &status, &extra);
	if (why && status != 405) {
		re_snprintf(text, sizeof(text), "%s\n", why);
		rbody = text;
	}
	else if (!why && r) {
		if (r->nstatus)
			status = r->statuses[nth(r->hits, r->nstatus)];
		if (r->nbody)
			rbody = r->bodies[nth(r->hits, r->nbody)];
		if (r->ndelay)
			delay = r->delays[nth(r->hits, r->ndelay)];
		++r->hits;
	}

	rec = hookrec_request(&src, msg, body, sig, auth);
	if (rec) {
		cJSON_AddNumberToObject(rec, "status", status);
		cJSON_AddNumberToObject(rec, "delay_ms", delay);
		if (why)
			cJSON_AddStringToObject(rec, "refused", why);
	}
	emit(c, rec);

	mb = reply_build(status, extra, rbody, c->close_after);
	if (!delay) {
		send_reply(c, mb);
		mem_deref(mb);
		return;
	}

	c->busy = true;
	c->reply = mb;
	tmr_start(&c->tmr, delay, delayed_h, c);
}

/* HTTP/1.0 closes unless it asks for keep-alive; 1.1 keeps unless told. */
static bool wants_close(const struct http_msg *msg)
{
	if (http_msg_hdr_has_value(msg, HTTP_HDR_CONNECTION, "close"))
		return true;
	return !pl_strcmp(&msg->ver, "1.0") &&
		!http_msg_hdr_has_value(msg, HTTP_HDR_CONNECTION, "keep-alive");
}

static int content_length(uint32_t *clen, const struct http_msg *msg)
{
	const struct http_hdr *h = http_msg_hdr(msg, HTTP_HDR_CONTENT_LENGTH);
	size_t i;

	*clen = 0;
	if (!h)
		return 0;
	for (i = 0; i < h->val.l; i++) {
		if (h->val.p[i] < '0' || h->val.p[i] > '9')
			return EBADMSG;
	}
	if (!h->val.l || h->val.l > 9)
		return h->val.l ? EFBIG : EBADMSG;

	*clen = pl_u32(&h->val);
	return *clen > BODY_MAX ? EFBIG : 0;
}

static void send_continue(struct conn *c)
{
	struct mbuf *mb = mbuf_alloc(32);

	if (mb && !mbuf_write_str(mb, "HTTP/1.1 100 Continue\r\n\r\n")) {
		mb->pos = 0;
		(void)tcp_send(c->tc, mb);
	}
	mem_deref(mb);
}

/* One request off the buffer: 0 (handled or failed), ENODATA (wait). */
static int read_request(struct conn *c)
{
	struct mbuf *mb = c->mb;
	size_t pos = mb->pos;
	struct http_msg *msg = NULL;
	struct pl body;
	uint32_t clen;
	int err;

	err = http_msg_decode(&msg, mb, true);
	if (err == ENODATA) {
		mb->pos = pos;
		if (mbuf_get_left(mb) > HEAD_MAX)
			return fail(c, NULL, 431, "request line and headers longer "
				    "than 64 KiB"), 0;
		return ENODATA;
	}
	if (err)
		return fail(c, NULL, 400, "malformed HTTP request: unreadable "
			    "request line or headers"), 0;

	if (http_msg_hdr(msg, HTTP_HDR_TRANSFER_ENCODING))
		err = 411;
	else if ((err = content_length(&clen, msg)))
		err = err == EFBIG ? 413 : 400;
	if (err) {
		fail(c, msg, err, err == 411 ? "chunked request bodies are not "
		     "supported: send Content-Length" : err == 413
		     ? "request body larger than 1 MiB"
		     : "malformed HTTP request: bad Content-Length");
		mem_deref(msg);
		return 0;
	}

	if (mbuf_get_left(mb) < clen) {
		/* curl and others wait for this before sending a body */
		if (!c->continued && http_msg_hdr_has_value(msg,
				HTTP_HDR_EXPECT, "100-continue")) {
			c->continued = true;
			send_continue(c);
		}
		mb->pos = pos;
		mem_deref(msg);
		return ENODATA;
	}
	c->continued = false;

	body.p = (const char *)mbuf_buf(mb);
	body.l = clen;
	c->close_after = wants_close(msg);
	answer(c, msg, &body);
	mb->pos += clen;
	mem_deref(msg);
	return 0;
}

static void partial_h(void *arg)
{
	fail(arg, NULL, 408, "incomplete HTTP request: nothing more came for "
	     "10 s");
}

static void process(struct conn *c)
{
	while (!c->busy && !c->closing && c->mb && mbuf_get_left(c->mb)) {
		if (read_request(c) == ENODATA)
			break;
	}

	if (c->busy || c->closing)
		return;

	if (c->mb && mbuf_get_left(c->mb)) {
		tmr_start(&c->tmr, PARTIAL_TIMEOUT, partial_h, c);
		return;
	}

	c->mb = mem_deref(c->mb);
	tmr_start(&c->tmr, IDLE_TIMEOUT, conn_free_h, c);
}

static void recv_h(struct mbuf *mb, void *arg)
{
	struct conn *c = arg;
	size_t pos;

	if (c->closing)
		return;

	if (!c->mb) {
		c->mb = mem_ref(mb);
	}
	else {
		pos = c->mb->pos;
		c->mb->pos = c->mb->end;
		if (mbuf_write_mem(c->mb, mbuf_buf(mb), mbuf_get_left(mb))) {
			fail(c, NULL, 413, "request too large to buffer");
			return;
		}
		c->mb->pos = pos;
	}

	if (!c->busy)
		process(c);
}

static void close_h(int err, void *arg)
{
	(void)err;
	mem_deref(arg);
}

static void connect_h(const struct sa *peer, void *arg)
{
	struct hooksrv *srv = arg;
	struct conn *c = mem_zalloc(sizeof(*c), conn_destructor);

	if (!c || tcp_accept(&c->tc, srv->ts, NULL, recv_h, close_h, c)) {
		mem_deref(c);
		tcp_reject(srv->ts);
		return;
	}

	c->srv = srv;
	c->peer = *peer;
	c->id = ++srv->nconn;
	list_append(&srv->conns, &c->le, c);
	tmr_start(&c->tmr, IDLE_TIMEOUT, conn_free_h, c);
}

int hooksrv_start(struct hooksrv *srv, const struct sa *laddr)
{
	int err;

	if (!srv || !laddr || srv->ts)
		return EINVAL;

	/* Not tcp_listen(): its backlog of 5 drops the SYNs of a burst of
	 * hooks, which then wait a second or more to connect. */
	err = tcp_sock_alloc(&srv->ts, laddr, connect_h, srv);
	if (!err)
		err = tcp_sock_bind(srv->ts, laddr);
	if (!err)
		err = tcp_sock_listen(srv->ts, SOMAXCONN);
	if (!err)
		err = tcp_sock_local_get(srv->ts, &srv->laddr);
	if (err)
		srv->ts = mem_deref(srv->ts);

	return err;
}

int hooksrv_url(const struct hooksrv *srv, char *buf, size_t sz)
{
	if (!srv || !srv->ts || !buf)
		return EINVAL;

	return re_snprintf(buf, sz, "http://%J", &srv->laddr) < 0 ? ENOMEM
		: 0;
}

unsigned hooksrv_count(const struct hooksrv *srv)
{
	return srv ? srv->seq : 0;
}
