/**
 * @file runner_opts.c  referlab run: the command line and its --help
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "runner.h"
#include "secret.h"

enum {
	TIMEOUT_DEFAULT_S = 60,
};

static const char *prog = "referlab run";

static void usage(FILE *f)
{
	char suite[PATH_MAX];

	runner_installed_suite(suite, sizeof(suite));
	fprintf(f,
"usage: referlab run [PATH...] [OPTIONS]\n"
"Runs conformance cases (NAME.json + NAME.xml). Without a PATH: scenarios/\n"
"in the current folder if there is one (a source checkout), else the suite\n"
"installed with referlab: %s\n\n"
"  --iut builtin|external|baresip  implementation under test (default\n"
"                         builtin: referlab-sim, started per case; baresip:\n"
"                         configured and started per case, hooks derived)\n"
"  --iut-sip sip:HOST:PORT  where the external implementation listens\n"
"  --jobs N               cases at a time (default: the number of CPUs,\n"
"                         at most 64)\n"
"  --shard I/N            only shard I of N (stable by case name); without\n"
"                         it, REFERLAB_SHARD=I/N, or JOB_COMPLETION_INDEX\n"
"                         (0-based) with REFERLAB_SHARD_TOTAL=N\n"
"  --filter GLOB          only cases whose name matches (carriers/*)\n"
"  --transport udp|tcp    override the cases' transport\n"
"  --ipv6                 run over ::1\n"
"  --local-ip ADDR        where the hook server and the SIPp peers listen\n"
"                         (default 127.0.0.1, or ::1 with --ipv6)\n"
"  --hook-port P          fixed port of the hook server (external IUT)\n"
"  --peer-port P          fixed SIP port of the SIPp peers (external IUT)\n"
"  --out DIR              report folder (default reports/<timestamp>,\n"
"                         and reports/latest points at it)\n"
"  --dialect spec|jambonz the hook payload names the implementation uses\n"
"                         (default: each case's; external: spec); cases\n"
"                         written in the other are translated\n"
"  --webhook-secret S     hooks must carry a valid Jambonz-Signature\n"
"                         (built-in: a random secret per run)\n"
"  --webhook-secret-file FILE  the secret is the first line of FILE;\n"
"                         without either: $REFERLAB_WEBHOOK_SECRET if set\n"
"                         (neither shows in ps, as --webhook-secret does)\n"
"  --no-hooks             the implementation calls no webhooks (a plain SIP\n"
"                         referrer): check the SIP side only\n"
"  --keep-going           go on after 3 ERRORs in a row (default: stop)\n"
"  --quick                leave out the cases tagged " RUNNER_TAG_SLOW " (they\n"
"                         wait out RFC 3261 Timer F: 32 s with T1 = 500 ms);\n"
"                         listed apart\n"
"  --list                 print the names of the selected cases, run none\n"
"  --timeout S            upper bound per case, seconds (default %d)\n\n"
"Exit: 0 all pass, 1 a case failed or errored, 2 usage, 3 environment,\n"
"      4 a case folder or file cannot be read, 128+N stopped by signal N\n"
"      (130 SIGINT, 143 SIGTERM).\n",
		suite, TIMEOUT_DEFAULT_S);
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n < lo || n > hi || *s == '-')
		return EINVAL;
	*v = (unsigned)n;
	return 0;
}

/* sip:HOST:PORT or sip:[v6]:PORT */
static int parse_iut_sip(struct runner_opts *o)
{
	const char *s = o->iut_sip, *colon;
	unsigned port;
	size_t n;

	if (strncmp(s, "sip:", 4))
		return EINVAL;
	s += 4;
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return EINVAL;
		n = (size_t)(rb - s - 1);
		s++;
		colon = rb + 1;
	}
	else {
		colon = strrchr(s, ':');
		if (!colon)
			return EINVAL;
		n = (size_t)(colon - s);
	}
	if (!n || n >= sizeof(o->iut_host) ||
	    parse_uint(colon + 1, 1, 65535, &port))
		return EINVAL;
	memcpy(o->iut_host, s, n);
	o->iut_host[n] = '\0';
	o->iut_port = (uint16_t)port;
	return 0;
}

/* An option with two possible values; 0, or the usage error said. */
static int one_of(const char *opt, const char *val, const char *a,
		  const char *b)
{
	if (!strcmp(val, a) || !strcmp(val, b))
		return 0;
	return cli_usage_error(prog, "%s: '%s' is neither %s nor %s", opt,
			       val, a, b);
}

int runner_opts_parse(struct runner_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"iut", required_argument, NULL, 'i'},
		{"iut-sip", required_argument, NULL, 's'},
		{"jobs", required_argument, NULL, 'j'},
		{"shard", required_argument, NULL, 'S'},
		{"filter", required_argument, NULL, 'f'},
		{"transport", required_argument, NULL, 't'},
		{"ipv6", no_argument, NULL, '6'},
		{"local-ip", required_argument, NULL, 'L'},
		{"hook-port", required_argument, NULL, 'H'},
		{"peer-port", required_argument, NULL, 'P'},
		{"out", required_argument, NULL, 'o'},
		{"dialect", required_argument, NULL, 'd'},
		{"webhook-secret", required_argument, NULL, 'W'},
		{"webhook-secret-file", required_argument, NULL, 'F'},
		{"keep-going", no_argument, NULL, 'k'},
		{"no-hooks", no_argument, NULL, 'N'},
		{"list", no_argument, NULL, 'l'},
		{"quick", no_argument, NULL, 'Q'},
		{"timeout", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static char secret_buf[SECRET_MAX];
	const char *secret_file = NULL;
	char err[256];
	bool shard_given = false;
	unsigned port;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	/* as many cases at once as CPUs, up to what --jobs allows */
	o->jobs = ncpu <= 0 ? 2 : ncpu > RUNNER_JOBS_MAX ? RUNNER_JOBS_MAX
						 : (unsigned)ncpu;
	o->timeout_s = TIMEOUT_DEFAULT_S;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!strcmp(optarg, "builtin"))
				o->iut = RUNNER_IUT_BUILTIN;
			else if (!strcmp(optarg, "external"))
				o->iut = RUNNER_IUT_EXTERNAL;
			else if (!strcmp(optarg, "baresip"))
				o->iut = RUNNER_IUT_BARESIP;
			else
				return cli_usage_error(prog, "--iut: '%s' is "
					"not builtin, external or baresip",
					optarg);
			break;
		case 's': o->iut_sip = optarg; break;
		case 'j':
			if (parse_uint(optarg, 1, RUNNER_JOBS_MAX, &o->jobs))
				return cli_usage_error(prog, "--jobs: '%s' is "
					"not a number from 1 to %d", optarg, RUNNER_JOBS_MAX);
			break;
		case 'S':
			if (shard_parse(&o->shard, optarg, err, sizeof(err)))
				return cli_usage_error(prog, "%s", err);
			shard_given = true;
			break;
		case 'f': o->filter = optarg; break;
		case 't':
			if (one_of("--transport", optarg, "udp", "tcp"))
				return EXIT_USAGE;
			o->transport = optarg;
			break;
		case '6': o->ipv6 = true; break;
		case 'L': o->local_ip = optarg; break;
		case 'H':
		case 'P':
			if (parse_uint(optarg, 1, 65535, &port))
				return cli_usage_error(prog, "--%s: '%s' is not "
					"a port number", c == 'H' ? "hook-port" :
					"peer-port", optarg);
			*(c == 'H' ? &o->hook_port : &o->peer_port) =
				(uint16_t)port;
			break;
		case 'o': o->out = optarg; break;
		case 'd':
			if (one_of("--dialect", optarg, "spec", "jambonz"))
				return EXIT_USAGE;
			o->dialect = optarg;
			break;
		case 'W': o->secret = optarg; break;
		case 'F': secret_file = optarg; break;
		case 'k': o->keep_going = true; break;
		case 'N': o->no_hooks = true; break;
		case 'l': o->list = true; break;
		case 'Q': o->quick = true; break;
		case 'T':
			if (parse_uint(optarg, 1, 3600, &o->timeout_s))
				return cli_usage_error(prog, "--timeout: '%s' is "
					"not a number of seconds (1-3600)", optarg);
			break;
		case 'h': usage(stdout); return -1;
		default:  return cli_usage_error(prog, "bad option");
		}
	}
	/* --shard wins: the environment is only read without it, so a
	 * stale variable of the CI job cannot fail an explicit run */
	if (!shard_given && shard_from_env(&o->shard, err, sizeof(err)))
		return cli_usage_error(prog, "%s", err);
	if (o->iut == RUNNER_IUT_EXTERNAL && !o->iut_sip)
		return cli_usage_error(prog, "--iut external needs "
				       "--iut-sip sip:HOST:PORT");
	if (o->iut_sip && o->iut != RUNNER_IUT_EXTERNAL)
		return cli_usage_error(prog, "--iut-sip is only for "
				       "--iut external");
	if (o->iut_sip && parse_iut_sip(o))
		return cli_usage_error(prog, "--iut-sip: '%s' is not "
				       "sip:HOST:PORT", o->iut_sip);
	if ((o->hook_port || o->peer_port) && o->iut != RUNNER_IUT_EXTERNAL)
		return cli_usage_error(prog, "--hook-port and --peer-port are "
				       "for --iut external");
	o->paths = argv + optind;
	o->npaths = (size_t)(argc - optind);
	return secret_resolve(&o->secret, secret_file, secret_buf,
			      sizeof(secret_buf), prog, "--webhook-secret");
}
