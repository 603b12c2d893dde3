/**
 * @file iut_baresip.c  baresip per case: configuration, start, commands
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "iut_baresip.h"

enum { CTRL_TIMEOUT_S = 5 };

int baresip_version(char *buf, size_t sz)
{
	/* `baresip -h` prints its banner ("baresip v1.0.0 Copyright ...")
	 * and the usage, and exits without reading or creating any
	 * configuration folder (`-f DIR` would create DIR and a template). */
	FILE *f = popen(BARESIP_BIN " -h 2>&1 </dev/null", "r");
	char line[256];
	unsigned a, b, c;

	buf[0] = '\0';
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f)) {
		if (!buf[0] && sscanf(line, "baresip v%u.%u.%u", &a, &b, &c) == 3)
			snprintf(buf, sz, "%u.%u.%u", a, b, c);
	}
	pclose(f);
	return buf[0] ? 0 : ENOENT;
}

static const char *const unsupported_keys[] = {
	"headers", "referredBy", "referredByDisplayName",
};

/* baresip's user can only say "transfer to this URI": no REFER headers
 * of its own, no Referred-By, and no application that goes on after the
 * verb (verbs in a hook's answer, a second verb). */
const char *baresip_not_applicable(const struct expect *e)
{
	const cJSON *verb;
	size_t i, nverbs = 0;

	cJSON_ArrayForEach(verb, e->app) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(verb,
								     "verb");

		if (!cJSON_IsString(name) || strcmp(name->valuestring,
						    "sip:refer"))
			return "the application has verbs other than sip:refer";
		for (i = 0; i < sizeof(unsupported_keys) /
			     sizeof(unsupported_keys[0]); i++)
			if (cJSON_HasObjectItem(verb, unsupported_keys[i]))
				return "sip:refer's custom headers/referredBy "
					"cannot be given to baresip's /transfer";
		nverbs++;
	}
	if (nverbs != 1)
		return "baresip transfers once: the application is not one "
			"sip:refer verb";
	for (i = 0; i < e->answerc; i++)
		if (e->answers[i].body)
			return "a hook answers with verbs (e.g. a fallback "
				"REFER): baresip runs no application";
	return NULL;
}

/* "[::1]" or "127.0.0.1" */
static const char *bracket(const struct case_ctx *x, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s%s%s", x->plan.ipv6 ? "[" : "", x->host,
		 x->plan.ipv6 ? "]" : "");
	return buf;
}

static int write_config(const struct case_ctx *x, const char *dir)
{
	char path[PATH_MAX + 32], h[80];
	const char *auth = x->exp->iut_sip_auth;
	FILE *f;

	bracket(x, h, sizeof(h));
	snprintf(path, sizeof(path), "%s/config", dir);
	f = fopen(path, "w");
	if (!f)
		return errno;
	/* The sine is the audio source because a call is answered only
	 * once a source starts; 48 kHz stereo is what ausine produces. */
	fprintf(f, "poll_method\tepoll\n"
		"sip_listen\t%s:%u\n"
		"sip_trans_def\t%s\n"
		"audio_source\tausine,440\n"
		"ausrc_srate\t48000\n"
		"ausrc_channels\t2\n"
		"rtp_ports\t%u-%u\n"
		"module_path\t/usr/lib/baresip/modules\n"
		"module\tg711.so\n"
		"module\tausine.so\n"
		"module\taccount.so\n"
		"module\tmenu.so\n"
		"module\tctrl_tcp.so\n"
		"ctrl_tcp_listen\t127.0.0.1:%u\n",
		h, x->ports->sim_sip, x->plan.tcp ? "tcp" : "udp",
		x->ports->iut_media, x->ports->iut_media + 3,
		x->ports->iut_ctrl);
	fclose(f);

	snprintf(path, sizeof(path), "%s/accounts", dir);
	f = fopen(path, "w");
	if (!f)
		return errno;
	/* "service": the user SIPp's scenarios call ([service]) */
	fprintf(f, "<sip:service@%s>;regint=0;answermode=auto", h);
	if (auth && strchr(auth, ':'))
		fprintf(f, ";auth_user=%.*s;auth_pass=%s",
			(int)(strchr(auth, ':') - auth), auth,
			strchr(auth, ':') + 1);
	fputc('\n', f);
	fclose(f);
	return 0;
}

int baresip_start(struct case_ctx *x)
{
	char dir[PATH_MAX], log[PATH_MAX + 32], cmd[PATH_MAX + 32];
	char *argv[6];
	FILE *f;
	int err;

	snprintf(dir, sizeof(dir), "%s/baresip", x->dir);
	err = mkdir_p(dir);
	err = err ? err : write_config(x, dir);
	if (err) {
		verdict_error(x->v, "cannot write baresip's configuration in "
			      "%s: %s", dir, strerror(err));
		return err;
	}
	argv[0] = BARESIP_BIN;
	argv[1] = "-f";
	argv[2] = dir;
	argv[3] = "-s";          /* its SIP trace, in baresip.log */
	argv[4] = x->plan.ipv6 ? "-6" : "-4";
	argv[5] = NULL;
	snprintf(cmd, sizeof(cmd), "%s/commands.txt", x->dir);
	f = fopen(cmd, "a");
	if (f) {
		fprintf(f, "%s -f %s -s %s\n", BARESIP_BIN, dir, argv[4]);
		fclose(f);
	}
	snprintf(log, sizeof(log), "%s/baresip.log", x->dir);
	err = proc_spawn(&x->iut, "baresip", log, argv);
	if (err == ENOENT)
		verdict_error(x->v, "baresip not found on PATH: install it "
			      "with 'apt-get install baresip-core'");
	else if (err)
		verdict_error(x->v, "cannot start baresip: %s", strerror(err));
	return err;
}

bool baresip_ready(const struct case_ctx *x)
{
	return proc_log_has(x->iut, "baresip is ready");
}

bool baresip_established(const struct case_ctx *x)
{
	return proc_log_has(x->iut, "Call established");
}

/* ctrl_tcp sends its events ({"event": true, ...}) on the same
 * connection: the netstrings are read until the one that is the
 * command's response (bounded by the socket's timeout and the count). */
static int read_response(int fd, char *reply, size_t sz)
{
	size_t len = 0;
	unsigned i;

	reply[0] = '\0';
	for (i = 0; i < 64; i++) {
		char *resp = strstr(reply, "\"response\":true");
		ssize_t n;

		if (resp)
			return strstr(resp, "\"ok\":true") ? 0 : EPROTO;
		if (len + 1 >= sz) {   /* keep the tail: events can be long */
			memmove(reply, reply + len / 2, len - len / 2 + 1);
			len -= len / 2;
		}
		n = recv(fd, reply + len, sz - 1 - len, 0);
		if (n <= 0)
			return n ? errno : ECONNRESET;
		len += (size_t)n;
		reply[len] = '\0';
	}
	return ETIMEDOUT;
}

/* One ctrl_tcp command: a netstring of {"command", "params", "token"};
 * the answer is a netstring of {"response": true, "ok": ..., "data"}. */
static int ctrl_command(struct case_ctx *x, const char *cmd,
			const char *params)
{
	struct sockaddr_in sin;
	struct timeval tv = {CTRL_TIMEOUT_S, 0};
	cJSON *req = cJSON_CreateObject();
	char *body, reply[1024];
	int fd, err = 0;

	cJSON_AddStringToObject(req, "command", cmd);
	cJSON_AddStringToObject(req, "params", params);
	cJSON_AddStringToObject(req, "token", "referlab");
	body = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (!body || fd < 0) {
		err = ENOMEM;
		goto out;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(x->ports->iut_ctrl);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    dprintf(fd, "%zu:%s,", strlen(body), body) < 0) {
		err = errno;
		goto out;
	}
	err = read_response(fd, reply, sizeof(reply));
 out:
	if (err)
		verdict_error(x->v, "baresip refused '/%s %s' on ctrl_tcp: %s",
			      cmd, params, err == EPROTO ? reply : strerror(err));
	if (fd >= 0)
		close(fd);
	cJSON_free(body);
	return err;
}

int baresip_dial(struct case_ctx *x)
{
	char uri[256], h[80];

	snprintf(uri, sizeof(uri), "sip:%s@%s:%u%s", x->exp->dial_user,
		 bracket(x, h, sizeof(h)), x->ports->peer_sip,
		 x->plan.tcp ? ";transport=tcp" : "");
	return ctrl_command(x, "dial", uri);
}

/* The verb's referTo as sip:refer would send it (spec section 2): URIs
 * and name-addrs as given; a bare number or user becomes a SIP URI at
 * the far end's host, in angle brackets. */
int baresip_transfer(struct case_ctx *x)
{
	const cJSON *verb = cJSON_GetArrayItem(x->exp->app, 0);
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(verb, "referTo");
	char uri[512], h[80], num[32];
	const char *s = "";

	if (cJSON_IsString(to)) {
		s = to->valuestring;
	}
	else if (cJSON_IsNumber(to)) {   /* accepted as its digits */
		snprintf(num, sizeof(num), "%.0f", to->valuedouble);
		s = num;
	}
	if (!strncmp(s, "sip:", 4) || !strncmp(s, "sips:", 5) ||
	    !strncmp(s, "tel:", 4) || s[0] == '<' || s[0] == '"')
		snprintf(uri, sizeof(uri), "%s", s);
	else
		snprintf(uri, sizeof(uri), "<sip:%s@%s>", s,
			 bracket(x, h, sizeof(h)));
	return ctrl_command(x, "transfer", uri);
}
