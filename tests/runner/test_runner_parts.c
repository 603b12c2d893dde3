/**
 * @file test_runner_parts.c  Unit tests for the runner's parts: shards, ports,
 *                            child processes, verdicts and the JUnit writer
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "ports.h"
#include "proc.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "shard.h"
#include "unit.h"

/* ---- shards ---- */

static void test_shard_parse(void)
{
	struct shard s;
	char err[256];

	CU_ASSERT_EQUAL(shard_parse(&s, "2/4", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.index, 2);
	CU_ASSERT_EQUAL(s.total, 4);
	CU_ASSERT_EQUAL(shard_parse(&s, "0/4", err, sizeof(err)), EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--shard: shard 0 of 4 does not exist "
			       "(want I/N with 1 <= I <= N)");
	CU_ASSERT_EQUAL(shard_parse(&s, "5/4", err, sizeof(err)), EINVAL);
	CU_ASSERT_EQUAL(shard_parse(&s, "two/4", err, sizeof(err)), EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--shard: 'two/4' is not I/N (e.g. 2/4)");
	CU_ASSERT_EQUAL(shard_parse(&s, "1/", err, sizeof(err)), EINVAL);
	CU_ASSERT_EQUAL(shard_parse(&s, "-1/4", err, sizeof(err)), EINVAL);
}

static void clear_env(void)
{
	unsetenv("REFERLAB_SHARD");
	unsetenv("REFERLAB_SHARD_INDEX");
	unsetenv("REFERLAB_SHARD_TOTAL");
	unsetenv("JOB_COMPLETION_INDEX");
}

static void test_shard_env(void)
{
	struct shard s;
	char err[256];

	clear_env();
	CU_ASSERT_EQUAL(shard_from_env(&s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.total, 0);

	setenv("REFERLAB_SHARD", "3/5", 1);
	CU_ASSERT_EQUAL(shard_from_env(&s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.index, 3);
	CU_ASSERT_STRING_EQUAL(s.source, "REFERLAB_SHARD");
	clear_env();

	/* Kubernetes Indexed Job: 0-based index */
	setenv("JOB_COMPLETION_INDEX", "0", 1);
	setenv("REFERLAB_SHARD_TOTAL", "3", 1);
	CU_ASSERT_EQUAL(shard_from_env(&s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.index, 1);
	CU_ASSERT_EQUAL(s.total, 3);
	setenv("JOB_COMPLETION_INDEX", "3", 1);
	CU_ASSERT_EQUAL(shard_from_env(&s, err, sizeof(err)), EINVAL);
	clear_env();

	setenv("REFERLAB_SHARD_INDEX", "2", 1);
	CU_ASSERT_EQUAL(shard_from_env(&s, err, sizeof(err)), EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "REFERLAB_SHARD_INDEX is set but "
			       "REFERLAB_SHARD_TOTAL is not (set it to the "
			       "number of shards)");
	clear_env();
}

/* Every name is in exactly one shard, and the hash does not depend on
 * anything but the name (a fixed value pins it across machines). */
static void test_shard_partition(void)
{
	char name[64];
	unsigned i, k, n, in[4] = {0};

	CU_ASSERT_EQUAL(shard_hash("carriers/notify-after-bye"),
			shard_hash("carriers/notify-after-bye"));
	CU_ASSERT_EQUAL(shard_hash(""), 2166136261u);
	CU_ASSERT_EQUAL(shard_hash("a"), 0xe40c292cu);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "group%u/case-%u", i % 7, i);
		for (n = 0, k = 1; k <= 4; k++) {
			struct shard s = {k, 4, "test"};

			if (shard_has(&s, name)) {
				n++;
				in[k - 1]++;
			}
		}
		CU_ASSERT_EQUAL(n, 1);
	}
	for (k = 0; k < 4; k++)
		CU_ASSERT(in[k] > 20);   /* roughly balanced */
}

/* ---- ports ---- */

static int bind_udp(uint16_t port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_ports_unique_and_free(void)
{
	uint16_t p[40];
	unsigned i, j;

	for (i = 0; i < 40; i++) {
		CU_ASSERT_EQUAL_FATAL(ports_alloc(&p[i], 1, false), 0);
		CU_ASSERT(p[i] >= PORTS_MIN && p[i] <= PORTS_MAX);
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(p[i], p[j]);
	}
	for (i = 0; i < 40; i++)
		ports_release(p[i], 1);
}

static void test_ports_taken_is_not_free(void)
{
	uint16_t p;
	int fd;

	CU_ASSERT_EQUAL_FATAL(ports_alloc(&p, 4, false), 0);
	CU_ASSERT(ports_is_free(p + 3, false));
	CU_ASSERT_FALSE(ports_listening(p + 3));
	fd = bind_udp(p + 3);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FALSE(ports_is_free(p + 3, false));
	CU_ASSERT(ports_listening(p + 3));
	close(fd);
	ports_release(p, 4);
}

/* What another process gets from ports_take(first, span): its exit
 * status carries the error (0, EADDRINUSE). A fork that forgot ours
 * asks the lock files, as an unrelated process would. */
static int take_in_child(uint16_t first, unsigned span)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		ports_forget();
		_exit(ports_take(first, span, false));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A port this process holds is taken for every other process on the
 * host too (referlab runs side by side), until released; a span that
 * overlaps it is refused whole and leaves nothing reserved. */
static void test_ports_host_wide(void)
{
	uint16_t p;

	CU_ASSERT_EQUAL_FATAL(ports_alloc(&p, 2, false), 0);
	CU_ASSERT_EQUAL(take_in_child(p, 1), EADDRINUSE);
	CU_ASSERT_EQUAL(take_in_child(p + 1, 1), EADDRINUSE);
	CU_ASSERT_EQUAL(ports_take(p, 1, false), EADDRINUSE);   /* ours */
	ports_release(p + 1, 1);
	CU_ASSERT_EQUAL(take_in_child(p + 1, 1), 0);
	ports_release(p, 1);
	CU_ASSERT_EQUAL(take_in_child(p, 2), 0);
	if (p > PORTS_MIN) {
		CU_ASSERT_EQUAL_FATAL(ports_take(p, 1, false), 0);
		CU_ASSERT_EQUAL(take_in_child(p - 1, 2), EADDRINUSE);
		CU_ASSERT_EQUAL(take_in_child(p - 1, 1), 0);   /* undone */
		ports_release(p, 1);
	}
	CU_ASSERT_EQUAL(ports_take(PORTS_MAX, 2, false), EINVAL);
}

/* A child that lives on until holder_end(): a forked worker that forgot
 * the run's reservations, or, given a port, another process holding it.
 * Returns the child's answer: 'y' (it holds the port, or none asked). */
struct holder {
	pid_t pid;
	int ready[2], hold[2];
};

static char holder_start(struct holder *h, uint16_t take)
{
	char c = 'n';

	CU_ASSERT_EQUAL_FATAL(pipe(h->ready), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(h->hold), 0);
	h->pid = fork();
	CU_ASSERT_FATAL(h->pid >= 0);
	if (h->pid == 0) {
		ports_forget();
		close(h->ready[0]);
		close(h->hold[1]);
		c = take && ports_take(take, 1, false) ? 'n' : 'y';
		(void)!write(h->ready[1], &c, 1);
		(void)!read(h->hold[0], &c, 1);   /* until the parent says */
		_exit(0);
	}
	close(h->ready[1]);
	close(h->hold[0]);
	if (read(h->ready[0], &c, 1) != 1)
		c = 'n';
	return c;
}

static void holder_end(struct holder *h)
{
	close(h->hold[1]);
	close(h->ready[0]);
	waitpid(h->pid, NULL, 0);
}

/* A worker forked while the run held port p (no exec, so O_CLOEXEC does
 * not apply): once it has forgotten the reservations, p is the run's
 * alone, taken for others while the run holds it, free once the run
 * releases it, though the worker lives on. */
static void test_ports_forgotten_by_fork(void)
{
	struct holder w;
	uint16_t p;

	CU_ASSERT_EQUAL_FATAL(ports_alloc(&p, 1, false), 0);
	CU_ASSERT_EQUAL(holder_start(&w, 0), 'y');
	CU_ASSERT_EQUAL(take_in_child(p, 1), EADDRINUSE);   /* still locked */
	ports_release(p, 1);
	CU_ASSERT_EQUAL(take_in_child(p, 1), 0);            /* not kept */
	CU_ASSERT_EQUAL(kill(w.pid, 0), 0);                 /* still alive */
	holder_end(&w);
}

/* --iut external: the hook and peer ports are the run's, configured
 * once in the implementation; every case uses them and none releases
 * them, or they lose their host-wide reservation after the first. */
static void test_ports_fixed_for_the_run(void)
{
	struct runner_opts o;
	struct case_ports c;
	uint16_t own;
	int i;

	memset(&o, 0, sizeof(o));
	o.iut = RUNNER_IUT_EXTERNAL;
	CU_ASSERT_EQUAL_FATAL(ports_alloc(&o.hook_port, 1, false), 0);
	CU_ASSERT_EQUAL_FATAL(ports_alloc(&o.peer_port, 1, false), 0);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL_FATAL(case_ports_alloc(&c, &o), 0);
		CU_ASSERT_EQUAL(c.hooks, o.hook_port);
		CU_ASSERT_EQUAL(c.peer_sip, o.peer_port);
		own = c.peer_ctrl;
		CU_ASSERT_EQUAL(take_in_child(own, 1), EADDRINUSE);
		case_ports_release(&c, &o);
		CU_ASSERT_EQUAL(take_in_child(own, 1), 0);
		CU_ASSERT_EQUAL(take_in_child(o.hook_port, 1), EADDRINUSE);
		CU_ASSERT_EQUAL(take_in_child(o.peer_port, 1), EADDRINUSE);
	}
	run_ports_release(&o);
	CU_ASSERT_EQUAL(take_in_child(o.hook_port, 1), 0);
	CU_ASSERT_EQUAL(take_in_child(o.peer_port, 1), 0);
}

/* --hook-port/--peer-port: the user's port is never handed out as
 * another, by this run (ports_take refuses it like one of ours) or by
 * others (its lock), until the run ends; one another run holds is still
 * kept out of this run's picks. */
static void test_ports_kept_for_the_user(void)
{
	struct holder other;
	uint16_t p, q;

	CU_ASSERT_EQUAL_FATAL(ports_alloc(&p, 2, false), 0);
	ports_release(p, 2);
	ports_keep(p);
	CU_ASSERT_EQUAL(ports_take(p, 1, false), EADDRINUSE);
	CU_ASSERT_EQUAL(take_in_child(p, 1), EADDRINUSE);
	ports_release(p, 1);
	CU_ASSERT_EQUAL(take_in_child(p, 1), 0);

	/* q, held by another process (a run beside this one) */
	q = p + 1;
	CU_ASSERT_EQUAL(holder_start(&other, q), 'y');
	ports_keep(q);
	holder_end(&other);
	/* the other run has let go of it: still not one of this run's */
	CU_ASSERT_EQUAL(ports_take(q, 1, false), EADDRINUSE);
	ports_release(q, 1);
	CU_ASSERT_EQUAL(ports_take(q, 1, false), 0);
	ports_release(q, 1);
	ports_keep(0);             /* out of the range: nothing to do */
	ports_keep(PORTS_MAX + 1u);
}

/* ---- child processes ---- */

static char tmpdir[] = "/tmp/referlab-unit-XXXXXX";

static void logpath(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tmpdir, name);
}

static void test_proc_exit_and_log(void)
{
	char *argv[] = {"sh", "-c", "echo ready on port; exit 3", NULL};
	char log[256], how[128];
	struct proc *p = NULL;

	logpath(log, sizeof(log), "exit.log");
	CU_ASSERT_EQUAL_FATAL(proc_spawn(&p, "sh", log, argv), 0);
	CU_ASSERT_EQUAL(proc_wait(p, 5000), 0);
	CU_ASSERT_EQUAL(proc_exit_code(p), 3);
	CU_ASSERT_STRING_EQUAL(proc_describe(p, how, sizeof(how)),
			       "exited with status 3");
	CU_ASSERT(proc_log_has(p, "ready on port"));
	CU_ASSERT_FALSE(proc_log_has(p, "not there"));
	proc_free(p);
}

static void test_proc_missing_program(void)
{
	char *argv[] = {"referlab-no-such-program", NULL};
	char log[256];
	struct proc *p = NULL;

	logpath(log, sizeof(log), "missing.log");
	CU_ASSERT_EQUAL(proc_spawn(&p, "x", log, argv), ENOENT);
	CU_ASSERT_PTR_NULL(p);
}

/* A child that ignores SIGTERM and has a grandchild: the wait times out,
 * the stop kills the whole group, nothing is left. */
static void test_proc_stop_group(void)
{
	char *argv[] = {"sh", "-c", "trap '' TERM; sleep 30 & echo $!; "
			"echo started; wait", NULL};
	char log[256], line[64];
	struct proc *p = NULL;
	pid_t grandchild;
	FILE *f;
	int i;

	logpath(log, sizeof(log), "stop.log");
	CU_ASSERT_EQUAL_FATAL(proc_spawn(&p, "sh", log, argv), 0);
	for (i = 0; i < 500 && !proc_log_has(p, "started"); i++)
		usleep(10000);
	CU_ASSERT_FATAL(proc_log_has(p, "started"));
	f = fopen(log, "r");
	CU_ASSERT_FATAL(f && fgets(line, sizeof(line), f));
	fclose(f);
	grandchild = (pid_t)atoi(line);
	CU_ASSERT(grandchild > 0 && kill(grandchild, 0) == 0);

	CU_ASSERT_EQUAL(proc_wait(p, 100), ETIMEDOUT);
	proc_stop(p, 200);
	CU_ASSERT(proc_exited(p));
	CU_ASSERT_EQUAL(proc_exit_code(p), -1);   /* SIGKILLed */
	for (i = 0; i < 200 && kill(grandchild, 0) == 0; i++)
		usleep(10000);   /* reaped by init: give it a moment */
	CU_ASSERT_NOT_EQUAL(kill(grandchild, 0), 0);
	proc_free(p);
}

static int forked_main(void *arg)
{
	printf("worker %s\n", (const char *)arg);
	return 7;
}

static void test_proc_fork(void)
{
	char log[256];
	struct proc *p = NULL;

	logpath(log, sizeof(log), "fork.log");
	CU_ASSERT_EQUAL_FATAL(proc_fork(&p, "w", log, forked_main, "one"), 0);
	CU_ASSERT_EQUAL(proc_wait(p, 5000), 0);
	CU_ASSERT_EQUAL(proc_exit_code(p), 7);
	CU_ASSERT(proc_log_has(p, "worker one"));
	proc_free(p);
}

/* ---- verdicts and reports ---- */

static void test_verdict_kinds(void)
{
	struct verdict *v = verdict_new("carriers/x");

	CU_ASSERT_EQUAL(verdict_kind(v), VERDICT_PASS);
	verdict_fail(v, "sequence", "REFER 202", "REFER 405", 7,
		     "expected %s, got %s at frame %u", "202", "405", 7);
	CU_ASSERT_EQUAL(verdict_kind(v), VERDICT_FAIL);
	CU_ASSERT_STRING_EQUAL(verdict_first_reason(v),
			       "expected 202, got 405 at frame 7");
	verdict_error(v, "the SIPp peer crashed");
	CU_ASSERT_EQUAL(verdict_kind(v), VERDICT_ERROR);
	CU_ASSERT_STRING_EQUAL(verdict_first_reason(v), "the SIPp peer crashed");
	CU_ASSERT_EQUAL(verdict_failures(v), 2);
	verdict_free(v);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Text from the wire ends up in failure messages: it must be escaped in
 * the junit.xml the runner writes (by the report's writer) from
 * results.json. */
static void test_junit_escapes(void)
{
	struct verdict *v = verdict_new("carriers/<x>");
	cJSON *cases = cJSON_CreateArray(), *meta = cJSON_CreateObject();
	char path[256], vpath[256], why[512];
	const char *xml;

	verdict_fail(v, "header", "a", "b", 0, "Refer-To: \"<script>&'\x01");
	logpath(vpath, sizeof(vpath), "verdict.json");
	CU_ASSERT_EQUAL(verdict_write(v, vpath), 0);
	cJSON_AddItemToArray(cases, verdict_read(vpath, why, sizeof(why)));
	logpath(path, sizeof(path), "results.json");
	CU_ASSERT_EQUAL(results_write_json(path, meta, cases), 0);
	CU_ASSERT_EQUAL(report_run_junit(tmpdir), 0);
	logpath(path, sizeof(path), "junit.xml");
	xml = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<testsuite name=\"carriers\" "
				      "tests=\"1\" failures=\"1\" errors=\"0\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "name=\"&lt;x&gt;\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "Refer-To: &quot;&lt;script&gt;"
				      "&amp;&#39;?"));
	CU_ASSERT_PTR_NULL(strstr(xml, "<script>"));
	cJSON_Delete(cases);
	cJSON_Delete(meta);
	verdict_free(v);
}

/* A verdict.json with more after its object is not that object: cJSON
 * alone stopped after it, so two verdicts run together read as the
 * first. The problem names the file and the offset. */
static void test_verdict_read_whole(void)
{
	static const char text[] = "{\"verdict\":\"PASS\"}\n{\"verdict\":"
		"\"FAIL\"}\n";
	char path[256], why[512], want[512];
	cJSON *v;
	FILE *f;

	logpath(path, sizeof(path), "two-verdicts.json");
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
	v = verdict_read(path, why, sizeof(why));
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(errno, EINVAL);
	snprintf(want, sizeof(want), "%s: offset 19 (of %zu bytes): not "
		 "valid JSON", path, strlen(text));
	CU_ASSERT_STRING_EQUAL(why, want);
	cJSON_Delete(v);

	logpath(path, sizeof(path), "no-such-verdict.json");
	CU_ASSERT_PTR_NULL(verdict_read(path, why, sizeof(why)));
	CU_ASSERT_EQUAL(errno, ENOENT);
}

static const struct unit_test shard_tests[] = {
	{"parse I/N", test_shard_parse},
	{"from the environment", test_shard_env},
	{"every name in exactly one shard", test_shard_partition},
	{NULL, NULL},
};

static const struct unit_test port_tests[] = {
	{"unique and free", test_ports_unique_and_free},
	{"a bound port is not free", test_ports_taken_is_not_free},
	{"reserved for every process on the host", test_ports_host_wide},
	{"a forked worker lets go of the locks", test_ports_forgotten_by_fork},
	{"an external IUT's ports are the run's", test_ports_fixed_for_the_run},
	{"ports the user fixed are never handed out", test_ports_kept_for_the_user},
	{NULL, NULL},
};

static const struct unit_test proc_tests[] = {
	{"exit status and log", test_proc_exit_and_log},
	{"missing program is ENOENT", test_proc_missing_program},
	{"stop kills the group", test_proc_stop_group},
	{"fork a worker", test_proc_fork},
	{NULL, NULL},
};

static const struct unit_test result_tests[] = {
	{"verdict kinds", test_verdict_kinds},
	{"junit escapes wire text", test_junit_escapes},
	{"a verdict is the whole file", test_verdict_read_whole},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"shard", shard_tests},
	{"ports", port_tests},
	{"proc", proc_tests},
	{"results", result_tests},
	{NULL, NULL},
};

int main(void)
{
	int r;

	if (!mkdtemp(tmpdir))
		return 2;
	r = unit_run(suites);
	if (!r) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		(void)!system(cmd);
	}
	return r;
}
