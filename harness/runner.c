/**
 * @file runner.c  referlab run: the schedule of workers, progress and summary
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "cli.h"
#include "ports.h"
#include "proc.h"
#include "report.h"
#include "results.h"
#include "runner.h"

enum {
	WORKER_SLACK_S = 30,   /* a worker's own cleanup after its timeout */
	POLL_MS = 10,
	REASONS_SHOWN = 4,     /* failed assertions printed per case */
	ERRORS_STOP = 3,       /* ERRORs in a row that stop the run */
	ORPHANS_WAIT_S = 3,
};

static const char *prog = "referlab run";
static volatile sig_atomic_t interrupted;

/* A case while it runs: its worker and its ports. */
struct slot {
	struct proc *worker;
	size_t index;
	struct case_ports ports;
	double started;
};

struct run {
	struct runner_opts o;
	struct case_list cases;
	struct case_list left;   /* selected, but not for this run */
	size_t *order;           /* start order: indexes into cases */
	cJSON *verdicts;         /* index-aligned with cases, NULL until done */
	struct slot slots[RUNNER_JOBS_MAX];
	size_t next, done;
	unsigned n[3];
	unsigned errors_in_row;
	bool stop;               /* ERRORs in a row, without --keep-going */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	interrupted = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: waits wake up */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

struct worker_arg {
	const struct run *r;
	const struct runner_case *c;
	const struct case_ports *ports;
	char dir[PATH_MAX];
};

static void worker_signal(int sig)
{
	proc_signal_all(SIGKILL);
	_exit(128 + sig);
}

/* The worker: its own group; a SIGTERM from the runner ends its
 * children with it. It holds no port reservation of its own: the run
 * holds the case's, and a port the run releases must not stay locked
 * for as long as some worker that was forked before lives. */
static int worker_main(void *arg)
{
	const struct worker_arg *w = arg;
	struct sigaction sa;

	ports_forget();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return case_run(&w->r->o, w->c, w->ports, w->dir) ? 1 : 0;
}

static void case_dir(const struct run *r, size_t i, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/%s", r->o.out, r->cases.v[i].name);
}

static int start_case(struct run *r, struct slot *s)
{
	struct worker_arg w;
	char log[PATH_MAX + 16];
	int err;

	memset(&w, 0, sizeof(w));
	s->index = r->order[r->next];
	case_dir(r, s->index, w.dir, sizeof(w.dir));
	err = mkdir_p(w.dir);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, w.dir, strerror(err));
		return EXIT_ENVIRONMENT;
	}
	if (case_ports_alloc(&s->ports, &r->o)) {
		fprintf(stderr, "%s: no free loopback ports in %d-%d after %d "
			"tries: stop what holds them, or lower --jobs\n", prog,
			PORTS_MIN, PORTS_MAX, PORTS_TRIES);
		return EXIT_ENVIRONMENT;
	}
	/* The worker is a fork: it gets its own copy of w before we return. */
	w.r = r;
	w.c = &r->cases.v[s->index];
	w.ports = &s->ports;
	snprintf(log, sizeof(log), "%s/runner.log", w.dir);
	unlink(log);
	err = proc_fork(&s->worker, w.c->name, log, worker_main, &w);
	if (err) {
		case_ports_release(&s->ports, &r->o);
		fprintf(stderr, "%s: cannot start a worker: %s\n", prog,
			strerror(err));
		return EXIT_ENVIRONMENT;
	}
	s->started = now_s();
	r->next++;
	return 0;
}

/* The case's own timeout (its expectation's, capped by --timeout): the
 * worker ends its children by then; WORKER_SLACK_S more and the run
 * stops the worker itself. */
static unsigned case_timeout(const struct run *r, const struct slot *s)
{
	unsigned t = r->cases.v[s->index].timeout_s;

	return t && t < r->o.timeout_s ? t : r->o.timeout_s;
}

/* The worker's verdict.json, or an ERROR saying why there is none. */
static cJSON *collect(struct run *r, struct slot *s, bool timed_out)
{
	const struct runner_case *c = &r->cases.v[s->index];
	char path[PATH_MAX + 16], dir[PATH_MAX], how[128];
	char why[sizeof(path) + 64] = "";
	struct verdict *v;
	cJSON *json = NULL;

	case_dir(r, s->index, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/verdict.json", dir);
	if (!timed_out)
		json = verdict_read(path, why, sizeof(why));
	if (json)
		return json;
	if (errno == ENOENT)
		why[0] = '\0';   /* no verdict at all: said below */

	v = verdict_new(c->name);
	if (timed_out)
		verdict_error(v, "the case did not end within its %u s timeout "
			      "plus %d s for cleanup; it was stopped. See %s/",
			      case_timeout(r, s), WORKER_SLACK_S, dir);
	else if (why[0])
		verdict_error(v, "the case's worker %s; its verdict is "
			      "unreadable: %s",
			      proc_describe(s->worker, how, sizeof(how)), why);
	else
		verdict_error(v, "the case's worker %s without a verdict; see "
			      "%s/runner.log",
			      proc_describe(s->worker, how, sizeof(how)), dir);
	verdict_set_duration(v, now_s() - s->started);
	verdict_write(v, path);
	json = verdict_read(path, why, sizeof(why));
	verdict_free(v);
	return json;
}

/* Under a case that did not pass: each error and failed assertion, one
 * per line, the first few; verdict.json has them all. */
static void print_reasons(const cJSON *vj)
{
	static const char *const lists[] = {"errors", "failures"};
	const cJSON *item, *msg;
	unsigned shown = 0, total = 0, i;

	for (i = 0; i < 2; i++) {
		cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
					   vj, lists[i])) {
			msg = cJSON_IsString(item) ? item :
				cJSON_GetObjectItemCaseSensitive(item, "message");
			if (++total > REASONS_SHOWN || !cJSON_IsString(msg))
				continue;
			printf("        %s\n", msg->valuestring);
			shown++;
		}
	}
	if (total > shown)
		printf("        (%u more in verdict.json)\n", total - shown);
}

static void progress(struct run *r, const cJSON *vj, size_t width)
{
	enum verdict_kind k = verdict_kind_of(vj);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(vj, "duration_s");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(vj, "case");

	r->done++;
	r->n[k]++;
	printf("[%zu/%zu] %-*s  %-5s  %.2f s\n", r->done, r->cases.n,
	       (int)width, cJSON_IsString(name) ? name->valuestring : "?",
	       verdict_kind_str(k), cJSON_IsNumber(d) ? d->valuedouble : 0.0);
	if (k != VERDICT_PASS)
		print_reasons(vj);
	fflush(stdout);
}

static void finish(struct run *r, struct slot *s, bool timed_out,
		   size_t width)
{
	cJSON *vj;

	if (timed_out)
		proc_stop(s->worker, 3000);
	vj = collect(r, s, timed_out);
	if (!vj) {   /* even our own ERROR could not be written */
		vj = cJSON_CreateObject();
		cJSON_AddStringToObject(vj, "case", r->cases.v[s->index].name);
		cJSON_AddStringToObject(vj, "verdict", "ERROR");
		cJSON_AddItemToObject(vj, "errors", cJSON_CreateStringArray(
			(const char *[]){"cannot write the case folder"}, 1));
	}
	cJSON_ReplaceItemInArray(r->verdicts, (int)s->index, vj);
	/* One ERROR is that case's; several in a row are the machine's, and
	 * every case after them would end the same way. */
	if (verdict_kind_of(vj) != VERDICT_ERROR)
		r->errors_in_row = 0;
	else if (++r->errors_in_row >= ERRORS_STOP && !r->o.keep_going)
		r->stop = true;
	progress(r, vj, width);
	proc_free(s->worker);
	s->worker = NULL;
	case_ports_release(&s->ports, &r->o);
}

static size_t name_width(const struct case_list *cl)
{
	size_t i, w = 0;

	for (i = 0; i < cl->n; i++) {
		size_t n = strlen(cl->v[i].name);

		w = n > w ? n : w;
	}
	return w;
}

/* Start cases while slots are free, collect the ones that ended, stop the
 * ones past their time; until all are done or the user interrupts. */
static int schedule(struct run *r)
{
	size_t width = name_width(&r->cases);
	unsigned i, running;
	int err;

	for (;;) {
		running = 0;
		for (i = 0; i < r->o.jobs; i++) {
			struct slot *s = &r->slots[i];

			if (!s->worker) {
				if (interrupted || r->stop ||
				    r->next >= r->cases.n)
					continue;
				err = start_case(r, s);
				if (err)
					return err;
			}
			if (proc_exited(s->worker))
				finish(r, s, false, width);
			else if (now_s() - s->started >
				 case_timeout(r, s) + WORKER_SLACK_S)
				finish(r, s, true, width);
			else
				running++;
		}
		if (interrupted) {
			for (i = 0; i < r->o.jobs; i++) {
				if (r->slots[i].worker)
					proc_stop(r->slots[i].worker, 3000);
			}
			return 0;
		}
		if (!running && (r->stop || r->next >= r->cases.n))
			return 0;
		usleep(POLL_MS * 1000);
	}
}

/* The children of a worker that was killed come to us, the subreaper,
 * and die of PR_SET_PDEATHSIG, a moment later: wait for them, bounded,
 * so that none is left when the run returns. */
static void reap_orphans(void)
{
	double end = now_s() + ORPHANS_WAIT_S;
	pid_t p;

	while ((p = waitpid(-1, NULL, WNOHANG)) >= 0 && now_s() < end) {
		if (p == 0)
			usleep(POLL_MS * 1000);
	}
}

static void stop_all(struct run *r)
{
	unsigned i;

	for (i = 0; i < RUNNER_JOBS_MAX; i++) {
		if (r->slots[i].worker) {
			proc_free(r->slots[i].worker);
			r->slots[i].worker = NULL;
			case_ports_release(&r->slots[i].ports, &r->o);
		}
	}
}

static cJSON *meta_of(const struct run *r, double secs)
{
	cJSON *m = cJSON_CreateObject(), *iut;
	char shard[32], when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(m, "finished", when);
	cJSON_AddNumberToObject(m, "duration_s", (double)(long)(secs * 1000) / 1000);
	iut = cJSON_AddObjectToObject(m, "iut");
	cJSON_AddStringToObject(iut, "kind", r->o.iut == RUNNER_IUT_BUILTIN ?
				"builtin" : r->o.iut == RUNNER_IUT_BARESIP ?
				"baresip" : "external");
	if (r->o.iut == RUNNER_IUT_BARESIP) {
		cJSON_AddStringToObject(iut, "name", "baresip");
		cJSON_AddStringToObject(iut, "hooks_source", "derived");
	}
	if (r->o.iut_sip)
		cJSON_AddStringToObject(iut, "sip", r->o.iut_sip);
	if (r->o.iut_version[0])
		cJSON_AddStringToObject(iut, "version", r->o.iut_version);
	cJSON_AddStringToObject(iut, "dialect", r->o.dialect ? r->o.dialect :
				"each case's own");
	cJSON_AddStringToObject(m, "transport", r->o.transport ?
				r->o.transport : "as each case says");
	cJSON_AddStringToObject(m, "family", r->o.ipv6 ? "ipv6" : "ipv4");
	if (r->o.shard.total) {
		snprintf(shard, sizeof(shard), "%u/%u", r->o.shard.index,
			 r->o.shard.total);
		cJSON_AddStringToObject(m, "shard", shard);
	}
	if (r->o.filter)
		cJSON_AddStringToObject(m, "filter", r->o.filter);
	if (r->o.no_hooks)
		cJSON_AddBoolToObject(m, "no_hooks", true);
	if (r->left.n)
		cJSON_AddItemToObject(m, "left_out", cases_left_json(&r->left));
	cJSON_AddBoolToObject(m, "interrupted", interrupted != 0);
	return m;
}

/* The verdicts of the cases that ran, in suite order. */
static cJSON *ran_cases(const struct run *r)
{
	cJSON *arr = cJSON_CreateArray(), *v;

	cJSON_ArrayForEach(v, r->verdicts) {
		if (!cJSON_IsNull(v))
			cJSON_AddItemReferenceToArray(arr, v);
	}
	return arr;
}

static int write_results(struct run *r, double secs)
{
	char path[PATH_MAX + 16];
	cJSON *meta = meta_of(r, secs), *cases = ran_cases(r);
	int err;

	snprintf(path, sizeof(path), "%s/results.json", r->o.out);
	err = results_write_json(path, meta, cases);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(err));
	else
		err = report_run_junit(r->o.out);   /* says why itself */
	if (!err)
		report_run_html(r->o.out);
	cJSON_Delete(cases);
	cJSON_Delete(meta);
	return err;
}

static void summary(const struct run *r, double secs)
{
	size_t skipped = r->cases.n - r->done;
	char html[PATH_MAX + 16];

	printf("\n%zu case%s: %u PASS, %u FAIL, %u ERROR", r->cases.n,
	       r->cases.n == 1 ? "" : "s", r->n[VERDICT_PASS],
	       r->n[VERDICT_FAIL], r->n[VERDICT_ERROR]);
	if (skipped)
		printf(", %zu not run (%s)", skipped, interrupted ?
		       "interrupted" : "stopped after 3 ERRORs in a row; "
		       "--keep-going runs them");
	snprintf(html, sizeof(html), "%s/report.html", r->o.out);
	printf(" in %.1f s\n", secs);
	cases_left_print(&r->left, stdout);
	if (!access(html, F_OK))
		printf("report: %s  ", html);
	printf("results: %s/results.json  junit: %s/junit.xml\n", r->o.out,
	       r->o.out);
}

static int select_cases(struct run *r)
{
	char err[512], suite[PATH_MAX];
	char *dflt[] = {suite};
	size_t found;
	int e;

	if (!r->o.npaths) {
		e = runner_default_suite(suite, sizeof(suite));
		if (e)
			return e;
		r->o.paths = dflt;
		r->o.npaths = 1;
	}
	e = cases_discover(&r->cases, r->o.paths, r->o.npaths, err,
			   sizeof(err));
	if (e) {
		/* a file that is not a case is a usage error; a folder or
		 * file that cannot be read is unreadable input, as for
		 * `referlab analyze` */
		fprintf(stderr, "%s: %s\n", prog, err);
		return e == EINVAL ? EXIT_USAGE : EXIT_INPUT;
	}
	r->o.paths = NULL;   /* dflt goes out of scope */
	found = r->cases.n;
	if (!found) {
		fprintf(stderr, "%s: no cases found (a case is an expectation "
			"file NAME.json with its SIPp scenario NAME.xml)\n", prog);
		return EXIT_USAGE;
	}
	cases_select(&r->cases, r->o.filter, NULL);
	if (!r->cases.n) {
		fprintf(stderr, "%s: --filter '%s' matches none of the %zu "
			"cases\n", prog, r->o.filter, found);
		return EXIT_USAGE;
	}
	cases_select(&r->cases, NULL, &r->o.shard);
	if (r->o.shard.total)
		fprintf(r->o.list ? stderr : stdout,
			"shard %u/%u (%s): %zu of %zu cases\n",
			r->o.shard.index, r->o.shard.total, r->o.shard.source,
			r->cases.n, found);
	if (cases_schedule(&r->cases, &r->left, &r->order, &r->o)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_ENVIRONMENT;
	}
	return 0;
}

int runner_main(int argc, char **argv)
{
	char outbuf[64];
	struct run *r;
	double t0 = now_s();
	size_t i;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return EXIT_ENVIRONMENT;
	err = runner_opts_parse(&r->o, argc, argv);
	if (err)
		goto out;
	err = select_cases(r);
	if (err)
		goto out;
	if (r->o.list) {
		for (i = 0; i < r->cases.n; i++)
			printf("%s\n", r->cases.v[i].name);
		cases_left_print(&r->left, stderr);
		goto out;
	}
	err = check_environment(&r->o);
	if (err)
		goto out;
	if (prepare_out(&r->o, outbuf, sizeof(outbuf))) {
		err = EXIT_ENVIRONMENT;
		goto out;
	}
	if (r->o.iut == RUNNER_IUT_EXTERNAL) {
		err = external_setup(&r->o);
		if (err)
			goto out;
	}
	if (r->o.jobs > r->cases.n)
		r->o.jobs = r->cases.n ? (unsigned)r->cases.n : 1;

	/* Orphans of a dying worker come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	catch_signals();
	r->verdicts = cJSON_CreateArray();
	for (i = 0; i < r->cases.n; i++)
		cJSON_AddItemToArray(r->verdicts, cJSON_CreateNull());

	err = schedule(r);
	stop_all(r);
	run_ports_release(&r->o);
	reap_orphans();
	if (write_results(r, now_s() - t0) && !err)
		err = EXIT_ENVIRONMENT;
	if (r->o.out_is_default)
		link_latest(&r->o);
	summary(r, now_s() - t0);
	if (!err && interrupted)
		err = 128 + interrupted;
	else if (!err && (r->n[VERDICT_FAIL] || r->n[VERDICT_ERROR] ||
			  r->done < r->cases.n))
		err = EXIT_FINDINGS;
 out:
	cJSON_Delete(r->verdicts);
	cases_free(&r->cases);
	cases_free(&r->left);
	free(r->order);
	free(r);
	return err < 0 ? EXIT_OK : err;
}
