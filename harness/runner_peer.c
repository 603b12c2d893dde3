/**
 * @file runner_peer.c  The children of a case: the SIPp peer and referlab-sim
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ports.h"
#include "runner_case.h"
#include "runner_observe.h"
#include "secret.h"

enum { ARGV_MAX = 64 };

struct argv {
	char *v[ARGV_MAX + 1];
	char buf[ARGV_MAX][PATH_MAX];
	size_t n;
};

static void arg(struct argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void arg(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	if (a->n >= ARGV_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(a->buf[a->n], sizeof(a->buf[a->n]), fmt, ap);
	va_end(ap);
	a->v[a->n] = a->buf[a->n];
	a->n++;
	a->v[a->n] = NULL;
}

/* env: "NAME=VALUE" for the child's environment, or NULL. */
static int spawn(struct proc **pp, const char *name, const struct case_ctx *x,
		 const char *logname, struct argv *a, char *const env[])
{
	char log[PATH_MAX + 32], cmd[PATH_MAX + 32];
	FILE *f;
	size_t i;

	/* The command line first, so a user can rerun the child by hand. */
	snprintf(log, sizeof(log), "%s/%s", x->dir, logname);
	snprintf(cmd, sizeof(cmd), "%s/commands.txt", x->dir);
	f = fopen(cmd, "a");
	if (f) {
		/* secrets go in the environment: never written here */
		for (i = 0; i < a->n; i++)
			fprintf(f, "%s%s", i ? " " : "", a->v[i]);
		fputc('\n', f);
		fclose(f);
	}
	return env ? proc_spawn_env(pp, name, log, a->v, env)
		: proc_spawn(pp, name, log, a->v);
}

/* SIPp with everything a case needs pinned: its ports (the control and
 * media ports default to 8888 and 6000, which parallel SIPps would fight
 * over), a bounded global timeout that counts as a failure, and traces of
 * unexpected messages and of every message into the case folder. */
int peer_start(struct case_ctx *x)
{
	static struct argv a;
	const struct case_plan *p = &x->plan;
	size_t i;
	int err;

	memset(&a, 0, sizeof(a));
	arg(&a, "sipp");
	arg(&a, "-sf");
	arg(&a, "%s", x->exp->scenario);
	arg(&a, "-i");
	arg(&a, "%s", x->host);
	arg(&a, "-p");
	arg(&a, "%u", x->ports->peer_sip);
	arg(&a, "-cp");
	arg(&a, "%u", x->ports->peer_ctrl);
	arg(&a, "-mp");
	arg(&a, "%u", x->ports->peer_media);
	arg(&a, "-t");
	arg(&a, "%s", p->tcp ? "t1" : "u1");
	arg(&a, "-m");
	arg(&a, "1");
	arg(&a, "-nostdin");
	arg(&a, "-timeout");
	arg(&a, "%us", p->timeout_s);
	arg(&a, "-timeout_error");
	arg(&a, "-trace_err");
	arg(&a, "-error_file");
	arg(&a, "%s/sipp-errors.log", x->dir);
	arg(&a, "-trace_msg");
	arg(&a, "-message_file");
	arg(&a, "%s/sipp-messages.log", x->dir);
	for (i = 0; i < x->exp->sipp_argc; i++)
		arg(&a, "%s", x->exp->sipp_args[i]);
	if (p->role == PLAN_CARRIER) {
		/* SIPp opens calls at -r per second from its start: at its
		 * default 10 the one call waits 100 ms for nothing */
		arg(&a, "-r");
		arg(&a, "1000");
		arg(&a, "%s", x->iut_uri + 4);   /* HOST:PORT of sip:HOST:PORT */
	}
	err = spawn(&x->peer, "sipp", x, "sipp.log", &a, NULL);
	if (err == ENOENT)
		verdict_error(x->v, "sipp not found on PATH: install it with "
			      "'apt-get install sip-tester'");
	else if (err)
		verdict_error(x->v, "cannot start sipp: %s", strerror(err));
	return err;
}

bool peer_bound(const struct case_ctx *x)
{
	return ports_listening(x->ports->peer_sip);
}

/* referlab-sim on its own ports, told to exit after the case's call; its
 * trace is the capture when live capture is not allowed. */
int iut_start(struct case_ctx *x)
{
	static struct argv a;
	static char secret[sizeof(SECRET_ENV) + SECRET_MAX];
	static char auth[sizeof(SIP_AUTH_ENV) + SIP_AUTH_MAX];
	char *env[] = {secret, auth, NULL};
	const struct case_plan *p = &x->plan;
	const bool v6 = p->ipv6;
	int err, n;

	/* expect.c refuses an iut.sip_auth this long; cut, it would only
	 * fail the digest, far from its cause */
	n = snprintf(auth, sizeof(auth), "%s=%s", SIP_AUTH_ENV,
		     x->exp->iut_sip_auth ? x->exp->iut_sip_auth : "");
	if (n < 0 || (size_t)n >= sizeof(auth)) {
		memset(auth, 0, sizeof(auth));
		verdict_error(x->v, "iut.sip_auth: too long to hand to "
			      "referlab-sim (at most %d characters)",
			      SIP_AUTH_MAX - 1);
		return EINVAL;
	}
	memset(&a, 0, sizeof(a));
	arg(&a, "%s", x->o->sim_bin);
	arg(&a, "--sip");
	arg(&a, "%s:%s%s%s:%u", p->tcp ? "tcp" : "udp", v6 ? "[" : "",
	    x->host, v6 ? "]" : "", x->ports->sim_sip);
	arg(&a, "--call-hook");
	arg(&a, "%s%s", x->hook_url, RUNNER_CALL_HOOK);
	arg(&a, "--dialect");
	arg(&a, "%s", p->dialect);
	arg(&a, "--exit-after-calls");
	arg(&a, "1");
	arg(&a, "--trace");
	arg(&a, "%s/sim-trace.pcap", x->dir);
	if (x->exp->iut_refer_timeout_ms) {
		arg(&a, "--refer-timeout");
		arg(&a, "%u", x->exp->iut_refer_timeout_ms);
	}
	if (p->role == PLAN_PHONE) {
		arg(&a, "--dial");
		arg(&a, "sip:%s@%s%s%s:%u", x->exp->dial_user, v6 ? "[" : "",
		    x->host, v6 ? "]" : "", x->ports->peer_sip);
	}
	/* The secrets in its environment, never on its command line (ps);
	 * none given, none inherited either. */
	snprintf(secret, sizeof(secret), "%s=%s", SECRET_ENV,
		 x->o->secret ? x->o->secret : "");
	err = spawn(&x->iut, "referlab-sim", x, "sim.log", &a, env);
	memset(secret, 0, sizeof(secret));
	memset(auth, 0, sizeof(auth));
	if (err)
		verdict_error(x->v, "cannot start %s: %s", x->o->sim_bin,
			      strerror(err));
	return err;
}

/* The rest of a line too long for the buffer: read and dropped. */
static void skip_line(FILE *f)
{
	int c;

	do
		c = getc(f);
	while (c != EOF && c != '\n');
}

/* One line into buf; whole: all of it (its newline read, or the file
 * ended), else the rest is read and dropped. The newline is looked for
 * past a NUL byte, which a message may hold: strlen stops there, and the
 * next line was taken for this one's rest and dropped. */
static bool read_line(FILE *f, char *buf, size_t sz, bool *whole)
{
	memset(buf, 0, sz);
	if (!fgets(buf, (int)sz, f))
		return false;
	*whole = memchr(buf, '\n', sz) || feof(f);
	if (!*whole)
		skip_line(f);
	return true;
}

/* The Call-IDs of the messages SIPp sent, from its -trace_msg log:
 * "----- date" / "UDP message sent (N bytes):" / "" / the message, its
 * headers up to the first empty line (a sipfrag body may quote another
 * Call-ID). What it received could be anyone's; what it sent, with -m 1,
 * is the case's call. A line too long for the buffer is read to its end
 * and judged by its start: a body line or a long header says nothing of
 * the Call-ID. One the list cannot hold whole (a Call-ID too long, too
 * many) makes the list unknown rather than wrong, and says why. */
int peer_callids(const struct case_ctx *x, struct callids *ids, char *why,
		 size_t whysz)
{
	enum { SKIP, START, HEADERS } st = SKIP;
	char path[PATH_MAX + 32], line[1024];
	unsigned lineno = 0;
	bool whole;
	int err = 0;
	FILE *f;

	memset(ids, 0, sizeof(*ids));
	why[0] = '\0';
	snprintf(path, sizeof(path), "%s/sipp-messages.log", x->dir);
	f = fopen(path, "r");
	if (!f) {
		err = errno;
		snprintf(why, whysz, "sipp-messages.log: %s", strerror(err));
		return err;
	}
	while (!err && read_line(f, line, sizeof(line), &whole)) {
		const char *v;
		size_t len;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!strncmp(line, "-----", 5) || (st == SKIP &&
		    strstr(line, " message sent ("))) {
			st = line[0] == '-' ? SKIP : START;
			continue;
		}
		if (st == SKIP || (st == START && !line[0]))
			continue;
		st = line[0] ? HEADERS : SKIP;   /* its headers end */
		v = !strncasecmp(line, "Call-ID:", 8) ? line + 8 :
			!strncasecmp(line, "i:", 2) ? line + 2 : NULL;
		if (!v)
			continue;
		v += strspn(v, " \t");
		len = strlen(v);
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (!whole || len >= CALLID_LEN)
			err = ENAMETOOLONG;
		else if (len && !callids_add(ids, v, len))
			err = E2BIG;
	}
	fclose(f);
	if (err == ENAMETOOLONG)
		snprintf(why, whysz, "sipp-messages.log line %u: a Call-ID "
			 "longer than %d characters", lineno, CALLID_LEN - 1);
	else if (err == E2BIG)
		snprintf(why, whysz, "sipp-messages.log line %u: more than %d "
			 "Call-IDs", lineno, CALLIDS_MAX);
	if (err)
		memset(ids, 0, sizeof(*ids));
	return err;
}

static unsigned quotes(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\'';
	return n;
}

/* The first event SIPp logged in its error file, or else the last
 * non-empty line of its output: "Aborting call on unexpected message ...:
 * while expecting '486' (index 3), received 'SIP/2.0 200 OK'". The
 * timestamps go; a quoted message is cut at its first line. */
static void sipp_reason(const struct case_ctx *x, char *buf, size_t sz)
{
	static const char *const files[] = {"sipp-errors.log", "sipp.log"};
	char path[PATH_MAX + 32], line[1024];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < 2 && !buf[0]; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", x->dir, files[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char *text = line, *p;

			line[strcspn(line, "\r\n")] = '\0';
			if (!line[strspn(line, " \t-=")] ||
			    strstr(line, "events occurred") ||
			    strstr(line, "Test Terminated"))
				continue;
			/* "date\ttime\tepoch: text" */
			p = strrchr(line, '\t');
			if (p && (p = strstr(p, ": ")))
				text = p + 2;
			p = strstr(text, "while expecting");
			if (p)
				text = p;
			snprintf(buf, sz, "%.400s%s", text,
				 quotes(text) % 2 ? "'" : "");
			if (i == 0)
				break;   /* the first event tells the story */
		}
		fclose(f);
	}
}

/* SIPp checks what it receives too (ereg/check_it, unexpected messages),
 * so its exit status is a second, independent verdict:
 * 0 all calls passed, 1 a call failed (a FAIL of the implementation),
 * 97/99 no call completed, 254/255 SIPp could not run the scenario, a
 * signal: the peer crashed (both ERRORs: the case proved nothing). */
void peer_judge(struct case_ctx *x)
{
	char why[512], how[128];
	int code = proc_exit_code(x->peer);

	if (code == 0 || x->peer_stopped)
		return;   /* stopped at the timeout: that failure is said */
	sipp_reason(x, why, sizeof(why));
	proc_describe(x->peer, how, sizeof(how));
	if (strstr(why, "timed out"))
		verdict_fail(x->v, "sipp", "SIPp exits 0", how, 0,
			     "the SIPp peer waited in vain: %s (SIPp %s; the "
			     "last messages are in sipp-messages.log)", why, how);
	else if (code == 1 || code == 97 || code == 99)
		verdict_fail(x->v, "sipp", "SIPp exits 0", how, 0,
			     "the SIPp peer's own checks failed: %s (SIPp %s; "
			     "see sipp-errors.log, sipp-messages.log)",
			     why[0] ? why : "no reason logged", how);
	else if (code < 0)
		verdict_error(x->v, "the SIPp peer crashed: it was %s (see "
			      "sipp.log)", how);
	else
		verdict_error(x->v, "the SIPp peer could not run the scenario "
			      "(it %s): %s (see sipp.log)", how,
			      why[0] ? why : "no output");
}
