/**
 * @file main.c  referlab-sim: a libre implementation of the sip:refer verb
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <re.h>
#include "cli.h"
#include "log.h"
#include "opts.h"
#include "pcapw.h"
#include "secret.h"
#include "sim.h"
#include "verb.h"

enum {
	MAX_APP_SIZE       = 1024 * 1024,
	SIGNAL_TIMEOUT_MS  = 5000,   /* SIGINT/SIGTERM: hang up, then go */
};

static const char *prog = "referlab-sim";

/* The signal handler's way to the simulator; the program has one. */
static struct sim *the_sim;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s --sip PROTO:ADDR:PORT... (--app FILE | --call-hook URL)\n"
		"       [--hook-base URL] [--dial URI] [--dialect spec|jambonz]\n"
		"       [--webhook-secret S | --webhook-secret-file FILE]\n"
		"       [--sip-auth USER:PASSWORD]\n"
		"       [--trace FILE.pcap] [--log text|json]\n"
		"       [--max-calls N] [--exit-after-calls N] [--refer-timeout MS]\n"
		"       %s --help | --version\n\n"
		"Holds SIP calls and runs the jambonz sip:refer verb on them.\n\n"
		"  --sip udp:127.0.0.1:5070   listen (udp or tcp, IPv4 or [IPv6]);\n"
		"                             repeat for several; port 0 picks one\n"
		"  --app FILE                 the application: a JSON array of verbs\n"
		"  --call-hook URL            POST each new call there; run the\n"
		"                             verbs it answers\n"
		"  --hook-base URL            base of relative hook URLs with --app\n"
		"  --dial URI                 place a call instead of waiting\n"
		"  --dialect spec|jambonz     hook payload names (default spec)\n"
		"  --webhook-secret S         sign hooks (Jambonz-Signature);\n"
		"                             any user sees it in ps: prefer\n"
		"  --webhook-secret-file FILE the secret is FILE's first line;\n"
		"                             without either, $REFERLAB_WEBHOOK_SECRET\n"
		"                             (when set and not empty)\n"
		"  --sip-auth USER:PASSWORD   answer one digest challenge;\n"
		"                             without it, $REFERLAB_SIP_AUTH\n"
		"                             (out of ps) when set and not empty\n"
		"  --trace FILE.pcap          write every SIP message sent or\n"
		"                             received to a pcap file\n"
		"  --log text|json            log format on stderr (default text)\n"
		"  --max-calls N              refuse calls beyond N (503)\n"
		"  --exit-after-calls N       exit 0 once N calls ended and their\n"
		"                             hooks are delivered\n"
		"  --refer-timeout MS         give up on a REFER without a final\n"
		"                             response after MS (below 32000), as\n"
		"                             a server with a smaller T1 does\n"
		"                             (RFC 3261 §17.1.2.2 Timer F = 64*T1;\n"
		"                             default libre's 32 s); reported 408\n\n"
		"Prints 'referlab-sim: listening PROTO:ADDR:PORT' per address\n"
		"on stdout when ready; logs to stderr.\n"
		"Exit codes: 0 ok, 2 usage, 3 environment (ports, files),\n"
		"            4 unreadable or invalid application, or secret file.\n",
		prog, prog);
}

static void signal_handler(int sig)
{
	static bool twice;

	if (twice || !the_sim) {
		re_cancel();
		return;
	}
	twice = true;
	simlog(LOG_INFO, NULL, "signal %d: hanging up", sig);
	sim_shutdown(the_sim, SIGNAL_TIMEOUT_MS);
}

static int read_file(const char *path, char **textp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	struct mbuf *mb;
	char buf[4096];
	size_t n;
	int err = 0;

	if (!f)
		return errno;
	mb = mbuf_alloc(sizeof(buf));
	while (mb && !err && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		err = mbuf_write_mem(mb, (uint8_t *)buf, n);
		if (mb->end > MAX_APP_SIZE)
			err = EFBIG;
	}
	if (!err && ferror(f))
		err = EIO;
	fclose(f);
	if (!mb)
		return ENOMEM;
	*lenp = mb->end;
	mb->pos = 0;
	if (!err)
		err = mbuf_strdup(mb, textp, mb->end);
	mem_deref(mb);
	return err;
}

struct base_check {
	const char *path;
	bool has_base;
};

static int relative_check(const struct verb *v, const char *key,
			  const struct hook_target *t, void *arg)
{
	struct base_check *bc = arg;

	if (bc->has_base || !strncasecmp(t->url, "http://", 7) ||
	    !strncasecmp(t->url, "https://", 8))
		return 0;
	fprintf(stderr, "%s: %s: verb %u (%s): \"%s\" URL '%s' is relative: "
		"give --hook-base\n", prog, bc->path, v->index,
		verb_name(v->kind), key, t->url);
	return EINVAL;
}

static int load_app(struct sim *sim, const struct sim_conf *conf)
{
	struct base_check bc = {conf->app_path, conf->hook_base != NULL};
	struct verb_diag diag;
	char *text = NULL;
	size_t len = 0;
	int err;

	err = read_file(conf->app_path, &text, &len);
	if (err) {
		fprintf(stderr, "%s: --app %s: %s\n", prog, conf->app_path,
			strerror(err));
		return EXIT_INPUT;
	}
	err = verb_app_parse(&sim->app, text, len, &diag);
	mem_deref(text);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, conf->app_path,
			diag.err);
		return EXIT_INPUT;
	}
	if (diag.warn[0])
		simlog(LOG_WARN, NULL, "%s: %s", conf->app_path, diag.warn);
	if (verb_apply_hooks(&sim->app->verbs, relative_check, &bc))
		return EXIT_USAGE;
	return EXIT_OK;
}

static int setup(struct sim *sim, const struct sim_conf *conf)
{
	int err, rc;

	if (conf->app_path) {
		rc = load_app(sim, conf);
		if (rc)
			return rc;
	}
	if (conf->trace) {
		err = pcapw_open(&sim->trace, conf->trace);
		if (err) {
			fprintf(stderr, "%s: --trace %s: %s\n", prog,
				conf->trace, strerror(err));
			return EXIT_ENVIRONMENT;
		}
	}
	if (sim_listen(sim))
		return EXIT_ENVIRONMENT;
	if (conf->dial && sim_dial(sim)) {
		fprintf(stderr, "%s: --dial %s: the call could not be placed\n",
			prog, conf->dial);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* libre watches 1024 fds unless told more, and a peer that opens a TCP
 * connection per call (SIPp -t tn) holds one per call: as many as this
 * process may open, within reason. */
static void fds_allow(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur > 1024)
		(void)fd_setsize(rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536);
}

static int run(const struct sim_conf *conf)
{
	struct sim *sim = NULL;
	int err, rc;

	err = libre_init();
	if (err) {
		fprintf(stderr, "%s: libre: %s\n", prog, strerror(err));
		return EXIT_ENVIRONMENT;
	}
	fds_allow();
	simlog_json(conf->log_json);
	err = sim_alloc(&sim, conf);
	if (err) {
		fprintf(stderr, "%s: SIP stack: %s\n", prog, strerror(err));
		rc = EXIT_ENVIRONMENT;
		goto out;
	}
	rc = setup(sim, conf);
	if (rc)
		goto out;
	the_sim = sim;
	(void)re_main(signal_handler);
	the_sim = NULL;
	simlog(LOG_INFO, NULL, "exiting: %u calls, %u ended", sim->started,
	       sim->ended);
 out:
	mem_deref(sim);
	libre_close();
	return rc;
}

int main(int argc, char **argv)
{
	static char secret[SECRET_MAX];
	struct sim_conf conf;
	char err[256];
	int rc;

	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cli_print_version(stdout, prog), EXIT_OK;
	if (opts_parse(&conf, argc - 1, argv + 1, err, sizeof(err))) {
		opts_reset(&conf);
		return cli_usage_error(prog, "%s", err);
	}
	rc = secret_resolve(&conf.secret, conf.secret_file, secret,
			    sizeof(secret), prog, "--webhook-secret");
	if (!rc)
		rc = run(&conf);
	memset(secret, 0, sizeof(secret));
	opts_reset(&conf);
	return rc;
}
