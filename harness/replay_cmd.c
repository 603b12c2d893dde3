/**
 * @file replay_cmd.c  referlab replay: emit a captured transfer as a case, or run it now
 *
 * Without --emit the case folder goes to a work folder and `referlab run`
 * runs it as a child process (the runner's own workers, ports, capture
 * and verdicts, untouched); then the replay's capture is read back and
 * shown beside the original (replay_cmp.c).
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "runner.h"
#include "replay.h"
#include "replay_cmp.h"
#include "secret.h"

extern char **environ;

static const char *prog = "referlab replay";

struct replay_args {
	const char *capture;
	unsigned transfer;        /* 0: every transfer's dialog */
	const char *emit;
	const char *out;
	const char *iut;          /* "builtin" | "external" */
	const char *iut_sip;
	const char *secret, *secret_file;  /* for `referlab run`, in its env */
	char *pass[4];            /* handed to `referlab run` as they are */
	size_t npass;
	struct replay_opts o;
};

/* Options of `referlab run` an external implementation may need. */
static const char *const passed[] = {"--hook-port", "--local-ip", NULL};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: referlab replay CAPTURE [--transfer N] [--emit DIR]\n"
		"           [--timing recorded|fast] [--out DIR]\n"
		"           [--iut builtin | --iut baresip |\n"
		"            --iut external --iut-sip URI]\n\n"
		"Turns the far end of a captured transfer (the side that did "
		"not send\nthe REFER) into a SIPp peer, the referrer's part "
		"into an application and\nthe capture into an expectation: a "
		"regression case.\n\n"
		"  --transfer N   only the dialog of transfer N (numbers as "
		"`referlab analyze`\n"
		"                 shows them); default: every dialog with a "
		"REFER\n"
		"  --emit DIR     write DIR/<capture>-t<N>.{json,xml}, a case "
		"`referlab run DIR`\n"
		"                 takes as is, and stop\n"
		"  --timing T     recorded: the far end pauses as in the "
		"capture (default);\n"
		"                 fast: no pauses\n"
		"  --out DIR      without --emit: the work folder (cases/, run/);"
		"\n                 default: a new /tmp/referlab-replay-XXXXXX\n"
		"  --iut ...      as for `referlab run`; with --iut external "
		"also --hook-port,\n"
		"                 --local-ip (passed on)\n"
		"  --webhook-secret S, --webhook-secret-file FILE\n"
		"                 as for `referlab run` (it gets the secret in its\n"
		"                 environment, never on its command line)\n\n"
		"Without --emit the case runs now and the original and the "
		"replay are shown\nside by side: sequence, status codes, hooks.\n"
		"Exit: 0 replay passed, 1 it failed, 2 usage or unknown "
		"transfer,\n      3 environment, 4 unreadable capture or no "
		"REFER in it.\n");
}

static int need(int argc, char **argv, int i)
{
	if (i + 1 >= argc)
		return cli_usage_error(prog, "%s needs a value", argv[i]);
	return 0;
}

/* Every option takes a value. */
static bool known(const char *opt)
{
	static const char *const opts[] = {"--transfer", "--emit", "--out",
		"--timing", "--iut", "--iut-sip", "--webhook-secret",
		"--webhook-secret-file", NULL};
	size_t i;

	for (i = 0; opts[i]; i++)
		if (!strcmp(opt, opts[i]))
			return true;
	for (i = 0; passed[i]; i++)
		if (!strcmp(opt, passed[i]))
			return true;
	return false;
}

static int parse_args(struct replay_args *a, int argc, char **argv)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->iut = "builtin";
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		char *end;

		if (!strcmp(s, "--help") || !strcmp(s, "-h"))
			return usage(stdout), -1;
		if (s[0] == '-' && s[1] && !known(s))
			return cli_usage_error(prog, "unknown option '%s'", s);
		if (s[0] == '-' && s[1] && need(argc, argv, i))
			return EXIT_USAGE;
		if (!strcmp(s, "--transfer")) {
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || !n || n > 1000000 || argv[i][0] == '-')
				return cli_usage_error(prog, "--transfer: '%s' "
						       "is not a transfer "
						       "number (1, 2, ...)",
						       argv[i]);
			a->transfer = (unsigned)n;
		}
		else if (!strcmp(s, "--emit")) {
			a->emit = argv[++i];
		}
		else if (!strcmp(s, "--out")) {
			a->out = argv[++i];
		}
		else if (!strcmp(s, "--timing")) {
			++i;
			if (!strcmp(argv[i], "recorded"))
				a->o.timing = REPLAY_RECORDED;
			else if (!strcmp(argv[i], "fast"))
				a->o.timing = REPLAY_FAST;
			else
				return cli_usage_error(prog, "--timing: '%s': "
						       "use recorded or fast",
						       argv[i]);
		}
		else if (!strcmp(s, "--iut")) {
			a->iut = argv[++i];
			if (strcmp(a->iut, "builtin") &&
			    strcmp(a->iut, "external") &&
			    strcmp(a->iut, "baresip"))
				return cli_usage_error(prog, "--iut: '%s': use "
						       "builtin, external or "
						       "baresip", a->iut);
		}
		else if (!strcmp(s, "--iut-sip")) {
			a->iut_sip = argv[++i];
		}
		else if (!strcmp(s, "--webhook-secret")) {
			a->secret = argv[++i];
		}
		else if (!strcmp(s, "--webhook-secret-file")) {
			a->secret_file = argv[++i];
		}
		else if (s[0] == '-' && s[1]) {
			if (a->npass + 2 > sizeof(a->pass) / sizeof(a->pass[0]))
				return cli_usage_error(prog, "%s given twice", s);
			a->pass[a->npass++] = argv[i];
			a->pass[a->npass++] = argv[++i];
		}
		else if (a->capture) {
			return cli_usage_error(prog, "one capture at a time "
					       "('%s' and '%s')", a->capture, s);
		}
		else {
			a->capture = s;
		}
	}
	if (!a->capture)
		return cli_usage_error(prog, "which capture? (referlab replay "
				       "CAPTURE)");
	if (!strcmp(a->iut, "external") != !!a->iut_sip)
		return cli_usage_error(prog, "--iut external goes with "
				       "--iut-sip sip:HOST:PORT (and only it)");
	if (a->emit && (a->out || a->npass || a->secret || a->secret_file))
		return cli_usage_error(prog, "%s is for running; --emit only "
				       "writes the case", a->out ? "--out" :
				       a->npass ? a->pass[0] : a->secret ?
				       "--webhook-secret" :
				       "--webhook-secret-file");
	return 0;
}

/* The dialogs to replay: the one of --transfer N, or all. */
static int select_dialogs(const struct replay_args *a,
			  const struct replay_src *rs,
			  const struct replay_dialog **dv, size_t *dc)
{
	const struct replay_dialog *bad[64];
	size_t nbad = 0, i;
	char why[512];
	struct le *le;

	*dc = 0;
	if (a->transfer) {
		dv[0] = replay_dialog_of(rs, a->transfer);
		if (!dv[0])
			return cli_usage_error(prog, "%s: no transfer %u (the "
					       "capture has transfers 1..%u)",
					       a->capture, a->transfer,
					       rs->a->ntransfers);
		*dc = 1;
		return 0;
	}
	/* Every dialog: those that cannot be replayed are left out, and
	 * said so; with none left, the first one's error is the capture's. */
	for (le = list_head(&rs->dialogs); le && *dc + nbad < 64;
	     le = le->next) {
		const struct replay_dialog *d = le->data;

		if (replay_unplayable(d, why, sizeof(why)))
			bad[nbad++] = d;
		else
			dv[(*dc)++] = d;
	}
	for (i = 0; *dc && i < nbad; i++)
		fprintf(stderr, "%s: left out: %s\n", prog,
			replay_unplayable(bad[i], why, sizeof(why)));
	if (!*dc && nbad)
		dv[(*dc)++] = bad[0];
	return 0;
}

static int emit_all(const struct replay_args *a,
		    const struct replay_dialog *const *dv, size_t dc,
		    const char *dir, bool quiet)
{
	char err[512], name[128];
	size_t i;

	for (i = 0; i < dc; i++) {
		if (replay_emit(dv[i], &a->o, dir, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", prog, err);
			return EXIT_INPUT;
		}
		replay_case_name(dv[i], name, sizeof(name));
		if (!quiet)
			printf("%s/%s.json, %s/%s.xml: transfer %u (%s)\n",
			       dir, name, dir, name, dv[i]->tv[0]->num,
			       dv[i]->phone ? "phone: the implementation "
			       "dials the peer" : "carrier: the peer calls "
			       "the implementation");
	}
	return 0;
}

/* `referlab run WORK/cases --out WORK/run ...` as a child. */
static int run_child(const struct replay_args *a, const char *work)
{
	char cases[PATH_MAX], out[PATH_MAX];
	char *argv[20];
	size_t n = 0, i;
	pid_t pid;
	int st, e;

	snprintf(cases, sizeof(cases), "%s/cases", work);
	snprintf(out, sizeof(out), "%s/run", work);
	argv[n++] = "referlab";
	argv[n++] = "run";
	argv[n++] = cases;
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n++] = "--keep-going";
	argv[n++] = "--iut";
	argv[n++] = (char *)a->iut;
	if (a->iut_sip) {
		argv[n++] = "--iut-sip";
		argv[n++] = (char *)a->iut_sip;
	}
	for (i = 0; i < a->npass; i++)
		argv[n++] = a->pass[i];
	argv[n] = NULL;
	fflush(stdout);
	/* the secret in the child's environment: not in ps, as argv is */
	if (a->secret && setenv(SECRET_ENV, a->secret, 1))
		e = errno;
	else
		e = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv,
				environ);
	if (e) {
		fprintf(stderr, "%s: cannot run referlab run: %s\n", prog,
			strerror(e));
		return EXIT_ENVIRONMENT;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return EXIT_ENVIRONMENT;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_ENVIRONMENT;
}

static int work_dir(const struct replay_args *a, char *buf, size_t sz)
{
	if (a->out) {
		snprintf(buf, sz, "%s", a->out);
		return mkdir_p(buf);
	}
	snprintf(buf, sz, "%s/referlab-replay-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(buf) ? 0 : errno;
}

static int run_now(const struct replay_args *a,
		   const struct replay_dialog *const *dv, size_t dc)
{
	char work[PATH_MAX - 64], cases[PATH_MAX];
	int code, e;
	size_t i;

	if ((e = work_dir(a, work, sizeof(work)))) {
		fprintf(stderr, "%s: %s: cannot create the work folder: %s\n",
			prog, work, strerror(e));
		return EXIT_ENVIRONMENT;
	}
	snprintf(cases, sizeof(cases), "%s/cases", work);
	if ((code = emit_all(a, dv, dc, cases, true)))
		return code;
	printf("replaying %zu case(s) from %s in %s\n", dc, a->capture, work);
	code = run_child(a, work);
	if (code > EXIT_FINDINGS)
		return code;
	for (i = 0; i < dc; i++)
		replay_compare(stdout, dv[i], work);
	return code;
}

/* A capture that breaks off after its transfers is still replayed; say
 * so. */
static void warn_partial(const struct replay_src *rs)
{
	struct le *le;

	for (le = list_head(&rs->a->files); le; le = le->next) {
		const struct analysis_file_info *fi = le->data;

		if (fi->error)
			fprintf(stderr, "%s: warning: %s: %s (replaying what "
				"was read before)\n", prog, fi->path, fi->error);
	}
}

int replay_main(int argc, char **argv)
{
	const struct replay_dialog *dv[64];
	struct replay_args a;
	struct replay_src *rs = NULL;
	char err[512];
	size_t dc = 0;
	static char secret[SECRET_MAX];
	int code, e;

	code = parse_args(&a, argc, argv);
	if (!code && !a.emit)
		code = secret_resolve(&a.secret, a.secret_file, secret,
				      sizeof(secret), prog,
				      "--webhook-secret");
	if (code)
		return code < 0 ? EXIT_OK : code;
	e = replay_load(&rs, a.capture, err, sizeof(err));
	if (e) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_INPUT;
	}
	warn_partial(rs);
	code = select_dialogs(&a, rs, dv, &dc);
	if (!code)
		code = a.emit ? emit_all(&a, dv, dc, a.emit, false) :
			run_now(&a, dv, dc);
	mem_deref(rs);
	return code;
}
