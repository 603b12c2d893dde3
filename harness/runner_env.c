/**
 * @file runner_env.c  What a run needs from the machine, and its report folder
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cli.h"
#include "ports.h"
#include "proc.h"
#include "runner.h"
#include "iut_baresip.h"

static const char *prog = "referlab run";

int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return errno;
	return 0;
}

static bool on_path(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		const char *end = strchrnul(path, ':');

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - path),
			 path, tool);
		if (!access(buf, X_OK))
			return true;
		path = *end ? end + 1 : end;
	}
	return false;
}

/* referlab-sim lives beside referlab (build/bin/, or BINDIR installed);
 * REFERLAB_SIM wins. */
static int find_sim(struct runner_opts *o)
{
	int err = proc_sim_path(o->sim_bin, sizeof(o->sim_bin));

	return err ? err : access(o->sim_bin, X_OK) ? errno : 0;
}

/* The suite installed with this program, found from the program's own
 * folder (BINDIR/../share/referlab/scenarios as installed), not from the
 * prefix it was configured with: a staged (DESTDIR) or moved install, or
 * one made with `cmake --install --prefix`, finds its own. */
void runner_installed_suite(char *buf, size_t sz)
{
	char self[PATH_MAX], path[PATH_MAX + 64], *real;

	if (proc_self_dir(self, sizeof(self)))
		snprintf(self, sizeof(self), "/proc/self/exe: unreadable");
	snprintf(path, sizeof(path), "%s/%s/scenarios", self,
		 REFERLAB_DATA_FROM_BIN);
	real = realpath(path, NULL);   /* bin/../share: shown to users */
	snprintf(buf, sz, "%s", real ? real : path);
	free(real);
}

int runner_default_suite(char *buf, size_t sz)
{
	struct stat st;

	if (!lstat("scenarios", &st)) {
		snprintf(buf, sz, "scenarios");
		return 0;
	}
	runner_installed_suite(buf, sz);
	if (!stat(buf, &st))
		return 0;
	fprintf(stderr, "%s: no suite to run: no scenarios/ in the current "
		"folder, and none installed at %s (%s): name a folder or case "
		"file\n", prog, buf, strerror(errno));
	return EXIT_USAGE;
}

/* "referlab-sim 0.1.0", for the reports */
static void sim_version(struct runner_opts *o)
{
	char cmd[sizeof(o->sim_bin) + 32];
	FILE *f;

	if (strchr(o->sim_bin, '\''))
		return;   /* not worth quoting: the version is a nicety */
	snprintf(cmd, sizeof(cmd), "'%s' --version 2>/dev/null", o->sim_bin);
	f = popen(cmd, "r");
	if (!f)
		return;
	if (fgets(o->iut_version, sizeof(o->iut_version), f))
		o->iut_version[strcspn(o->iut_version, "\r\n")] = '\0';
	pclose(f);
}

/* The built-in implementation signs its hooks with a secret of the run
 * unless one is given, so every case checks Jambonz-Signature too. */
static void random_secret(struct runner_opts *o)
{
	uint8_t b[16];
	FILE *f;
	size_t i;

	if (o->secret)
		return;
	f = fopen("/dev/urandom", "r");
	if (!f)
		return;
	if (fread(b, 1, sizeof(b), f) == sizeof(b)) {
		for (i = 0; i < sizeof(b); i++)
			snprintf(o->secret_buf + 2 * i, 3, "%02x", b[i]);
		o->secret = o->secret_buf;
	}
	fclose(f);
}

/* Everything a case needs from the machine, checked once, up front: a
 * missing tool would otherwise turn every case into the same ERROR. */
int check_environment(struct runner_opts *o)
{
	if (!on_path("sipp")) {
		fprintf(stderr, "%s: sipp not found on PATH: install it with "
			"'apt-get install sip-tester' (or ./dev.sh deps)\n", prog);
		return EXIT_ENVIRONMENT;
	}
	if (o->iut == RUNNER_IUT_BUILTIN && find_sim(o)) {
		fprintf(stderr, "%s: %s: not found: build it with "
			"'./dev.sh build', or set REFERLAB_SIM to its path\n",
			prog, o->sim_bin);
		return EXIT_ENVIRONMENT;
	}
	if (o->iut == RUNNER_IUT_BARESIP &&
	    baresip_version(o->iut_version, sizeof(o->iut_version))) {
		fprintf(stderr, "%s: baresip not found on PATH: install it "
			"with 'apt-get install baresip-core' (or ./dev.sh deps)\n",
			prog);
		return EXIT_ENVIRONMENT;
	}
	if (o->iut == RUNNER_IUT_BUILTIN) {
		sim_version(o);
		random_secret(o);
	}
	o->capture = runner_capture_allowed();
	if (!o->capture && o->iut != RUNNER_IUT_BUILTIN) {
		char self[PATH_MAX];

		if (proc_self_dir(self, sizeof(self)))
			snprintf(self, sizeof(self), "build/bin");
		fprintf(stderr, "%s: no capture rights, and an external "
			"implementation leaves no trace to analyse: run as root, "
			"or 'sudo setcap cap_net_raw,cap_net_admin+eip "
			"%s/referlab'\n", prog, self);
		return EXIT_ENVIRONMENT;
	}
	if (!o->capture)
		fprintf(stderr, "%s: no capture rights: the built-in "
			"implementation's own trace (--trace) is analysed instead "
			"(run as root for a capture of the wire)\n", prog);
	return 0;
}

int prepare_out(struct runner_opts *o, char *buf, size_t sz)
{
	time_t t = time(NULL);
	struct tm tm;
	int err;

	if (!o->out) {
		gmtime_r(&t, &tm);
		strftime(buf, sz, "reports/%Y%m%dT%H%M%SZ", &tm);
		o->out = buf;
		o->out_is_default = true;
	}
	err = mkdir_p(o->out);
	if (err)
		fprintf(stderr, "%s: --out %s: %s\n", prog, o->out,
			strerror(err));
	return err;
}

/* reports/latest -> <timestamp>, replaced atomically. */
void link_latest(const struct runner_opts *o)
{
	const char *base = strrchr(o->out, '/') + 1;

	unlink("reports/latest.tmp");
	if (symlink(base, "reports/latest.tmp") ||
	    rename("reports/latest.tmp", "reports/latest"))
		fprintf(stderr, "%s: reports/latest: %s\n", prog,
			strerror(errno));
}

const char *runner_local_ip(const struct runner_opts *o, bool ipv6)
{
	if (o->local_ip)
		return o->local_ip;
	return ipv6 ? "::1" : "127.0.0.1";
}

int external_setup(struct runner_opts *o)
{
	const char *ip = runner_local_ip(o, o->ipv6);
	const char *lb = strchr(ip, ':') ? "[" : "", *rb = *lb ? "]" : "";

	/* the user's, for the whole run: never a case's other port */
	ports_keep(o->hook_port);
	ports_keep(o->peer_port);
	if ((!o->hook_port && ports_alloc(&o->hook_port, 1, o->ipv6)) ||
	    (!o->peer_port && ports_alloc(&o->peer_port, 1, o->ipv6))) {
		fprintf(stderr, "%s: no free port for the hook server or the "
			"peers: give --hook-port and --peer-port\n", prog);
		return EXIT_ENVIRONMENT;
	}
	if (!o->dialect)
		o->dialect = "spec";
	if (o->jobs > 1)
		fprintf(stderr, "%s: --iut external: one case at a time (the "
			"implementation has one call hook)\n", prog);
	o->jobs = 1;
	printf("implementation under test: %s\n"
	       "  its application's call hook: http://%s%s%s:%u/call "
	       "(relative hooks resolve against it)\n"
	       "  carrier cases call it from %s%s%s; phone cases wait for its "
	       "call to sip:USER@%s%s%s:%u\n\n",
	       o->iut_sip, lb, ip, rb, o->hook_port, lb, ip, rb, lb, ip, rb,
	       o->peer_port);
	fflush(stdout);
	return 0;
}
