/**
 * @file cmd_hooks.c  `referlab hooks`: run the hook server on its own
 *
 * For running referlab-sim (or a jambonz) by hand and for tests: the same
 * server the runner uses in-process, with its answers from the command
 * line. Prints one readiness line with the URL, records until SIGINT or
 * SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "cli.h"
#include "hooksrv.h"
#include "jsonpl.h"
#include "secret.h"
#include "cmd_hooks.h"

static const char *prog = "referlab hooks";

enum { FILE_MAX = 1048576 };

struct opts {
	const char *listen, *record, *secret, *secret_file, *user;
	char secret_buf[SECRET_MAX];
	struct hooksrv *srv;
	FILE *rec;
	bool have_app_route;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: referlab hooks [--listen ADDR:PORT] [--record FILE]\n"
"                      [--app [PATH=]FILE] [--answer PATH=FILE]...\n"
"                      [--status PATH=CODE]... [--delay PATH=MS]...\n"
"                      [--secret S | --secret-file FILE]\n"
"                      [--user USER:PASSWORD]\n\n"
"A webhook server playing the jambonz application: serves the app on its\n"
"call hook, records every request as one JSON line, answers by path.\n\n"
"  --listen ADDR:PORT   where to listen, port 0 = any free (default 127.0.0.1:0)\n"
"  --record FILE        JSON lines, one per request (default: stdout)\n"
"  --app [PATH=]FILE    JSON array of verbs, the answer at PATH (default /app)\n"
"  --answer PATH=FILE   body of the answers at PATH\n"
"  --status PATH=CODE   HTTP status at PATH (100..599)\n"
"  --delay PATH=MS      wait before answering at PATH (0..600000)\n"
"  --secret S           webhook secret: a request whose Jambonz-Signature is\n"
"                       absent, malformed or wrong gets 403 (still recorded)\n"
"  --secret-file FILE   the webhook secret is the first line of FILE; without\n"
"                       either: $REFERLAB_WEBHOOK_SECRET if set (neither shows\n"
"                       in ps, as --secret does)\n"
"  --user USER:PASSWORD require this basic auth (401 otherwise)\n\n"
"Repeating --answer/--status/--delay for a path gives its answers in order,\n"
"the last one repeating; paths with none answer 200 with no body.\n"
"Prints 'referlab hooks: listening http://ADDR:PORT' when ready.\n"
"Exit codes: 0 stopped by SIGINT/SIGTERM, 2 usage, 3 cannot listen or\n"
"write the record, 4 unreadable or malformed file.\n");
}

/* The whole file as a string; a one-line error and EXIT_INPUT if not. */
static int read_file(char **out, const char *opt, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s %s: cannot read: %s\n", prog, opt,
			path, strerror(errno));
		return EXIT_INPUT;
	}
	buf = malloc(FILE_MAX + 1);
	n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	if (!buf || ferror(f) || n > FILE_MAX) {
		fprintf(stderr, "%s: %s %s: %s\n", prog, opt, path,
			!buf ? "out of memory" : n > FILE_MAX
			? "larger than 1 MiB" : "read error");
		free(buf);
		fclose(f);
		return EXIT_INPUT;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	return EXIT_OK;
}

/* A file that starts like JSON must be JSON: catches typos in answers.
 * The app must be an array of verbs. */
static int check_json(const char *opt, const char *path, const char *txt,
		      bool must_be_array)
{
	const char *p = txt + strspn(txt, " \t\r\n");
	size_t off;
	cJSON *j;
	int ok;

	if (!must_be_array && *p != '[' && *p != '{')
		return EXIT_OK;

	j = jsonpl_parse_all(txt, strlen(txt), &off);
	if (!j) {
		fprintf(stderr, "%s: %s %s: not valid JSON at offset %zu\n",
			prog, opt, path, off);
		return EXIT_INPUT;
	}
	ok = !must_be_array || cJSON_IsArray(j);
	cJSON_Delete(j);
	if (!ok) {
		fprintf(stderr, "%s: %s %s: must be a JSON array of verbs\n",
			prog, opt, path);
		return EXIT_INPUT;
	}

	return EXIT_OK;
}

/* "PATH=VALUE": path into buf; EXIT_USAGE with a message if malformed. */
static int split(char *path, size_t sz, const char **val, const char *opt,
		 const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || arg[0] != '/' || !eq[1] || (size_t)(eq - arg) >= sz)
		return cli_usage_error(prog, "%s: expected PATH=VALUE with "
				       "PATH starting with '/', got '%s'",
				       opt, arg);
	memcpy(path, arg, eq - arg);
	path[eq - arg] = '\0';
	*val = eq + 1;
	return EXIT_OK;
}

static int add_body(struct opts *o, const char *opt, const char *arg,
		    bool app)
{
	char path[256] = "/app", *txt = NULL;
	const char *file = arg;
	int rc = EXIT_OK;

	if (!app || strchr(arg, '='))
		rc = split(path, sizeof(path), &file, opt, arg);
	if (!rc)
		rc = read_file(&txt, opt, file);
	if (!rc)
		rc = check_json(opt, file, txt, app);
	if (!rc && hooksrv_add_body(o->srv, path, txt))
		rc = cli_usage_error(prog, "%s: cannot use '%s'", opt, arg);
	free(txt);
	return rc;
}

static int add_number(struct opts *o, const char *opt, const char *arg,
		      unsigned long lo, unsigned long hi)
{
	char path[256], *end;
	const char *val = NULL;   /* set when split() succeeds; -O3 cannot tell */
	unsigned long n;
	int rc = split(path, sizeof(path), &val, opt, arg);

	if (rc)
		return rc;
	errno = 0;
	n = strtoul(val, &end, 10);
	if (errno || *end || *val < '0' || *val > '9' || n < lo || n > hi)
		return cli_usage_error(prog, "%s: '%s' is not a number "
				       "%lu..%lu", opt, val, lo, hi);

	if (!strcmp(opt, "--status") ? hooksrv_add_status(o->srv, path,
							   (uint16_t)n)
	    : hooksrv_add_delay(o->srv, path, (uint32_t)n))
		return cli_usage_error(prog, "%s: cannot use '%s'", opt, arg);
	return EXIT_OK;
}

static int parse_routes(struct opts *o, int argc, char **argv)
{
	int i, rc = EXIT_OK;

	for (i = 1; i < argc && !rc; i += 2) {
		const char *opt = argv[i], *arg = argv[i + 1];

		if (!strcmp(opt, "--app"))
			rc = add_body(o, opt, arg, true);
		else if (!strcmp(opt, "--answer"))
			rc = add_body(o, opt, arg, false);
		else if (!strcmp(opt, "--status"))
			rc = add_number(o, opt, arg, 100, 599);
		else if (!strcmp(opt, "--delay"))
			rc = add_number(o, opt, arg, 0, 600000);
	}

	return rc;
}

/* First pass: plain options and the shape of the command line. */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const char *const routed[] = {"--app", "--answer", "--status",
					     "--delay"};
	int i;
	size_t k;

	for (i = 1; i < argc; i += 2) {
		const char *opt = argv[i];
		const char **slot = !strcmp(opt, "--listen") ? &o->listen
			: !strcmp(opt, "--record") ? &o->record
			: !strcmp(opt, "--secret") ? &o->secret
			: !strcmp(opt, "--secret-file") ? &o->secret_file
			: !strcmp(opt, "--user") ? &o->user : NULL;

		for (k = 0; !slot && k < sizeof(routed) / sizeof(*routed); k++)
			if (!strcmp(opt, routed[k]))
				break;
		if (!slot && k == sizeof(routed) / sizeof(*routed))
			return cli_usage_error(prog, "unknown option '%s'",
					       opt);
		if (i + 1 >= argc)
			return cli_usage_error(prog, "%s needs a value", opt);
		if (slot)
			*slot = argv[i + 1];
	}
	if (o->user && !strchr(o->user, ':'))
		return cli_usage_error(prog, "--user: expected USER:PASSWORD");
	if (o->secret && !*o->secret)
		return cli_usage_error(prog, "--secret: empty");

	return secret_resolve(&o->secret, o->secret_file, o->secret_buf,
			      sizeof(o->secret_buf), prog, "--secret");
}

static const char *str(const cJSON *rec, const char *key)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(rec, key));

	return v ? v : "?";
}

static int num(const cJSON *rec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(rec, key);

	return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* "#3 POST /action -> 200 (signature valid)", "#4 error: ... -> 400" or
 * "#5 POST /action -> 403 (signature invalid), refused: ..." */
static void log_h(const cJSON *rec, void *arg)
{
	bool err = cJSON_HasObjectItem(rec, "error");
	bool refused = cJSON_HasObjectItem(rec, "refused");
	(void)arg;

	if (err)
		fprintf(stderr, "%s: #%d error: %s -> %d\n", prog,
			num(rec, "seq"), str(rec, "error"), num(rec, "status"));
	else
		fprintf(stderr, "%s: #%d %s %s -> %d (signature %s)%s%s\n",
			prog, num(rec, "seq"), str(rec, "method"),
			str(rec, "path"), num(rec, "status"),
			str(rec, "signature"), refused ? ", refused: " : "",
			refused ? str(rec, "refused") : "");
}

static void signal_h(int sig)
{
	(void)sig;
	re_cancel();
}

static int serve(struct opts *o)
{
	struct sa laddr;
	char url[80];
	int err;

	if (addr_decode(&laddr, o->listen))
		return cli_usage_error(prog, "--listen: expected ADDR:PORT "
				       "(e.g. 127.0.0.1:0 or [::1]:0), got "
				       "'%s'", o->listen);

	err = hooksrv_start(o->srv, &laddr);
	if (err) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n", prog,
			o->listen, strerror(err));
		return EXIT_ENVIRONMENT;
	}

	hooksrv_url(o->srv, url, sizeof(url));
	printf("%s: listening %s\n", prog, url);
	fflush(stdout);

	re_main(signal_h);
	fprintf(stderr, "%s: stopped, %u requests recorded\n", prog,
		hooksrv_count(o->srv));
	return EXIT_OK;
}

static int run(struct opts *o, int argc, char **argv)
{
	struct hooksrv_conf conf = {.recordh = log_h};
	int rc;

	if (!o->record || !strcmp(o->record, "-")) {
		o->rec = stdout;
	}
	else {
		o->rec = fopen(o->record, "w");
		if (!o->rec) {
			fprintf(stderr, "%s: --record %s: cannot write: %s\n",
				prog, o->record, strerror(errno));
			return EXIT_ENVIRONMENT;
		}
	}
	conf.record = o->rec;
	conf.secret = o->secret;
	conf.user = o->user;

	if (hooksrv_alloc(&o->srv, &conf))
		return EXIT_ENVIRONMENT;
	rc = parse_routes(o, argc, argv);
	if (!rc)
		rc = serve(o);

	o->srv = mem_deref(o->srv);
	if (o->rec != stdout)
		fclose(o->rec);
	return rc;
}

int cmd_hooks(int argc, char **argv)
{
	struct opts o = {.listen = "127.0.0.1:0"};
	int rc, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), EXIT_OK;
	}

	rc = parse_opts(&o, argc, argv);
	if (rc)
		return rc;

	if (libre_init()) {
		fprintf(stderr, "%s: cannot start the event loop\n", prog);
		return EXIT_ENVIRONMENT;
	}
	rc = run(&o, argc, argv);
	libre_close();
	return rc;
}
