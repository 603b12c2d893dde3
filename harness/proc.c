/**
 * @file proc.c  Child processes of a run: spawn, readiness, bounded waits, cleanup
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "proc.h"

extern char **environ;

enum {
	PROC_MAX = 64,        /* live children of one process            */
	POLL_MS = 10,         /* waits poll the child this often         */
	LOG_SCAN_MAX = 1 << 20, /* readiness lines come early in a log   */
};

struct proc {
	pid_t pid;
	char *name;
	char *log;
	bool exited;
	int wstatus;
};

/* Pids of live children, read by signal handlers: plain ints, written
 * only with signals of this process in mind (set before, cleared after). */
static volatile sig_atomic_t live[PROC_MAX];
static pid_t live_owner;

static void live_add(pid_t pid)
{
	int i;

	if (live_owner != getpid()) {
		/* a forked worker inherits its parent's table: not its kids */
		for (i = 0; i < PROC_MAX; i++)
			live[i] = 0;
		live_owner = getpid();
	}
	for (i = 0; i < PROC_MAX; i++) {
		if (!live[i]) {
			live[i] = pid;
			return;
		}
	}
}

static void live_del(pid_t pid)
{
	int i;

	for (i = 0; i < PROC_MAX; i++) {
		if (live[i] == pid)
			live[i] = 0;
	}
}

void proc_signal_all(int sig)
{
	int i;

	if (live_owner != getpid())
		return;
	for (i = 0; i < PROC_MAX; i++) {
		if (live[i] > 0)
			kill(-(pid_t)live[i], sig);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* In the child, before it runs anything: own group, die with the parent,
 * default signal dispositions, output to the log. Failures are reported
 * through errfd (close-on-exec), so the parent learns them at once. */
static void child_setup(pid_t parent, const char *log, int errfd)
{
	sigset_t none;
	int fd, sig;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)   /* the parent died before prctl */
		_exit(127);

	for (sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;

		(void)!write(errfd, &e, sizeof(e));
		_exit(127);
	}
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* Whether the variable "NAME=..." is the one env sets ("NAME=VALUE"). */
static bool env_same(const char *var, const char *set)
{
	size_t n = strcspn(set, "=");

	return !strncmp(var, set, n) && var[n] == '=';
}

/* environ with env over it, built before fork: the child of a process
 * with threads (live capture) may not allocate. Strings are shared. */
static char **env_merge(char *const env[])
{
	size_t n = 0, m = 0, i, j, k = 0;
	char **v;

	while (environ[n])
		n++;
	while (env[m])
		m++;
	v = calloc(n + m + 1, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		for (j = 0; j < m && !env_same(environ[i], env[j]); j++)
			;
		if (j == m)
			v[k++] = environ[i];
	}
	for (j = 0; v && j < m; j++)
		v[k++] = env[j];
	return v;
}

static int start(struct proc **pp, const char *name, const char *log,
		 char *const argv[], char *const env[], proc_main_h *mainh,
		 void *arg)
{
	pid_t parent = getpid();
	char **envp = NULL;
	struct proc *p;
	int pfd[2], e = 0;
	ssize_t n;

	if (!pp || !name || !log || (!argv && !mainh))
		return EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->name = strdup(name);
	p->log = strdup(log);
	envp = env ? env_merge(env) : environ;
	if (!p->name || !p->log || !envp || pipe2(pfd, O_CLOEXEC)) {
		e = p->name && p->log && envp ? errno : ENOMEM;
		goto out;
	}

	fflush(NULL);   /* or the child would flush our buffers again */
	p->pid = fork();
	if (p->pid < 0) {
		e = errno;
		close(pfd[0]);
		close(pfd[1]);
		goto out;
	}
	if (p->pid == 0) {
		close(pfd[0]);
		child_setup(parent, log, pfd[1]);
		if (mainh) {
			close(pfd[1]);
			_exit(mainh(arg));
		}
		execvpe(argv[0], argv, envp);
		e = errno;
		(void)!write(pfd[1], &e, sizeof(e));
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(e));
		_exit(127);
	}

	if (envp != environ)
		free(envp);
	envp = NULL;
	setpgid(p->pid, p->pid);  /* whichever of us runs first */
	live_add(p->pid);
	close(pfd[1]);
	do
		n = read(pfd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(e)) {
		proc_wait(p, 5000);
		goto out;
	}
	e = 0;
	*pp = p;
	return 0;

 out:
	if (envp != environ)
		free(envp);
	proc_free(p);
	return e ? e : EIO;
}

int proc_spawn(struct proc **pp, const char *name, const char *log_path,
	       char *const argv[])
{
	return start(pp, name, log_path, argv, NULL, NULL, NULL);
}

int proc_spawn_env(struct proc **pp, const char *name, const char *log_path,
		   char *const argv[], char *const env[])
{
	return start(pp, name, log_path, argv, env, NULL, NULL);
}

int proc_fork(struct proc **pp, const char *name, const char *log_path,
	      proc_main_h *mainh, void *arg)
{
	return start(pp, name, log_path, NULL, NULL, mainh, arg);
}

bool proc_exited(struct proc *p)
{
	pid_t r;

	if (!p || p->exited || p->pid <= 0)
		return true;
	do
		r = waitpid(p->pid, &p->wstatus, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	p->exited = true;
	live_del(p->pid);
	return true;
}

int proc_wait(struct proc *p, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;

	while (!proc_exited(p)) {
		if (now_ms() >= end)
			return ETIMEDOUT;
		sleep_ms(POLL_MS);
	}
	return 0;
}

void proc_stop(struct proc *p, unsigned grace_ms)
{
	if (!p || proc_exited(p)) {
		/* the leader is gone; stragglers of its group may not be */
		if (p && p->pid > 0)
			kill(-p->pid, SIGKILL);
		return;
	}
	kill(-p->pid, SIGTERM);
	if (proc_wait(p, grace_ms) == 0) {
		kill(-p->pid, SIGKILL);
		return;
	}
	kill(-p->pid, SIGKILL);
	proc_wait(p, 5000);   /* SIGKILL cannot be refused: this ends */
}

void proc_free(struct proc *p)
{
	if (!p)
		return;
	if (p->pid > 0)
		proc_stop(p, 1000);
	free(p->name);
	free(p->log);
	free(p);
}

pid_t proc_pid(const struct proc *p)
{
	return p ? p->pid : -1;
}

const char *proc_name(const struct proc *p)
{
	return p ? p->name : "";
}

const char *proc_log(const struct proc *p)
{
	return p ? p->log : "";
}

int proc_wstatus(const struct proc *p)
{
	return p ? p->wstatus : 0;
}

int proc_exit_code(const struct proc *p)
{
	if (!p || !p->exited || !WIFEXITED(p->wstatus))
		return -1;
	return WEXITSTATUS(p->wstatus);
}

const char *proc_describe(const struct proc *p, char *buf, size_t sz)
{
	if (!p || !p->exited)
		snprintf(buf, sz, "still running");
	else if (WIFSIGNALED(p->wstatus))
		snprintf(buf, sz, "killed by signal %d (%s)",
			 WTERMSIG(p->wstatus), strsignal(WTERMSIG(p->wstatus)));
	else
		snprintf(buf, sz, "exited with status %d",
			 WEXITSTATUS(p->wstatus));
	return buf;
}

bool proc_log_has(const struct proc *p, const char *needle)
{
	char *buf;
	bool found = false;
	size_t n;
	FILE *f;

	if (!p || !needle)
		return false;
	f = fopen(p->log, "r");
	if (!f)
		return false;
	buf = malloc(LOG_SCAN_MAX + 1);
	if (buf) {
		n = fread(buf, 1, LOG_SCAN_MAX, f);
		buf[n] = '\0';
		found = memmem(buf, n, needle, strlen(needle)) != NULL;
		free(buf);
	}
	fclose(f);
	return found;
}

int proc_self_dir(char *buf, size_t sz)
{
	ssize_t n = readlink("/proc/self/exe", buf, sz - 1);
	char *slash;

	if (n < 0) {
		buf[0] = '\0';
		return errno;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

int proc_sim_path(char *buf, size_t sz)
{
	const char *env = getenv("REFERLAB_SIM");
	char self[PATH_MAX];
	int err;

	if (env && *env) {
		snprintf(buf, sz, "%s", env);
		return 0;
	}
	err = proc_self_dir(self, sizeof(self));
	if (err) {
		buf[0] = '\0';
		return err;
	}
	snprintf(buf, sz, "%s/referlab-sim", self);
	return 0;
}
