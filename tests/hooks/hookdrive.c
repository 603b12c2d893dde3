/**
 * @file hookdrive.c  Test driver: sends hooks with the sim's client, prints what happened
 *
 *   hookdrive [--base URL] [--method GET|POST] [--user U:P] [--secret S]
 *             [--timeout MS] [--payload JSON] [--repeat N] [--cancel MS] URL
 *
 * Sends the payload N times (one after the other, so keep-alive is used),
 * prints every attempt's log line as "log: ..." and each result as
 * "done: err=<errno name|0> status=<code> body=<body>", then exits 0.
 * --cancel MS cancels what is in flight after MS and prints
 * "cancelled: <n> pending=<n>".
 * Exit 2 on bad arguments, 1 if hook_send() refused the hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hook.h"

struct drive {
	struct hookcli *hc;
	struct hook_target *t;
	const char *base;
	cJSON *payload;
	unsigned left;
	int status;
	uint32_t cancel_ms;
	struct tmr tmr;
};

static void log_h(const char *line, void *arg)
{
	(void)arg;
	printf("log: %s\n", line);
	fflush(stdout);
}

static int send_next(struct drive *dr);

static void done_h(int err, uint16_t status, const char *body, void *arg)
{
	struct drive *dr = arg;

	printf("done: err=%s status=%u pending=%u body=%s\n",
	       err == ECONNREFUSED ? "ECONNREFUSED" : err == ETIMEDOUT
	       ? "ETIMEDOUT" : err ? "other" : "0", status,
	       hookcli_pending(dr->hc), body ? body : "");
	fflush(stdout);

	if (--dr->left && !send_next(dr))
		return;
	re_cancel();
}

static int send_next(struct drive *dr)
{
	int err = hook_send(dr->hc, dr->t, dr->base, dr->payload, done_h, dr);

	if (err) {
		printf("refused: %s\n", strerror(err));
		dr->status = 1;
	}
	return err;
}

static void cancel_h(void *arg)
{
	struct drive *dr = arg;
	unsigned n = hookcli_cancel(dr->hc, dr);

	printf("cancelled: %u pending=%u\n", n, hookcli_pending(dr->hc));
	re_cancel();
}

static int set_user(struct hook_target *t, const char *up)
{
	const char *colon = strchr(up, ':');

	if (!colon)
		return EINVAL;
	return re_sdprintf(&t->username, "%b", up, (size_t)(colon - up))
		|| str_dup(&t->password, colon + 1);
}

static int parse(struct drive *dr, struct hook_conf *conf, int argc,
		 char **argv)
{
	const char *method = NULL, *user = NULL, *json = "{\"a\":1}";
	int i, err;

	dr->left = 1;
	for (i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "--base"))         dr->base = v;
		else if (!strcmp(k, "--method"))  method = v;
		else if (!strcmp(k, "--user"))    user = v;
		else if (!strcmp(k, "--secret"))  conf->secret = v;
		else if (!strcmp(k, "--timeout")) conf->timeout_ms = atoi(v);
		else if (!strcmp(k, "--payload")) json = v;
		else if (!strcmp(k, "--repeat"))  dr->left = atoi(v);
		else if (!strcmp(k, "--cancel"))  dr->cancel_ms = atoi(v);
		else return EINVAL;
	}
	if (i != argc - 1 || !dr->left)
		return EINVAL;

	err = hook_target_alloc(&dr->t, argv[i]);
	if (!err && method)
		err = str_dup(&dr->t->method, method);
	if (!err && user)
		err = set_user(dr->t, user);
	dr->payload = cJSON_Parse(json);
	return err ? err : dr->payload ? 0 : EINVAL;
}

int main(int argc, char **argv)
{
	struct hook_conf conf = {.logh = log_h};
	struct drive dr = {0};
	int err;

	if (parse(&dr, &conf, argc, argv)) {
		fprintf(stderr, "usage: hookdrive [--base URL] [--method M] "
			"[--user U:P] [--secret S] [--timeout MS] "
			"[--payload JSON] [--repeat N] [--cancel MS] URL\n");
		return 2;
	}

	err = libre_init();
	if (!err)
		err = hookcli_alloc(&dr.hc, &conf);
	if (err) {
		fprintf(stderr, "hookdrive: %s\n", strerror(err));
		return 3;
	}

	if (dr.cancel_ms)
		tmr_start(&dr.tmr, dr.cancel_ms, cancel_h, &dr);
	if (!send_next(&dr))
		re_main(NULL);
	tmr_cancel(&dr.tmr);

	printf("pending at exit: %u\n", hookcli_pending(dr.hc));
	mem_deref(dr.hc);
	mem_deref(dr.t);
	cJSON_Delete(dr.payload);
	libre_close();
	return dr.status;
}
