/**
 * @file proc.h  Child processes of a run: spawn, readiness, bounded waits, cleanup
 *
 * Every child runs in its own process group with stdout and stderr in one
 * log file and stdin from /dev/null, and dies with the process that
 * started it (PR_SET_PDEATHSIG), so nothing outlives the runner even when
 * the runner itself is killed with SIGKILL. Waits never block forever:
 * each takes a timeout, and a child still running at the end is stopped
 * (SIGTERM to its group, then SIGKILL) and reaped.
 */
#ifndef REFERLAB_PROC_H
#define REFERLAB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct proc;

/* Runs in the child after fork; its return value is the exit status. */
typedef int (proc_main_h)(void *arg);

/* Start argv[0] (searched in PATH). Returns 0, or the errno of a failed
 * exec (ENOENT: no such program), known before the call returns. */
int  proc_spawn(struct proc **pp, const char *name, const char *log_path,
		char *const argv[]);
/* As proc_spawn(), with env ("NAME=VALUE", NULL-terminated) set in the
 * child's environment over this process's own: how a secret reaches a
 * child, since any user can read a command line (ps) but only the same
 * user a process's environment. */
int  proc_spawn_env(struct proc **pp, const char *name, const char *log_path,
		    char *const argv[], char *const env[]);
/* Fork a child running mainh(arg) (a worker of the runner itself). */
int  proc_fork(struct proc **pp, const char *name, const char *log_path,
	       proc_main_h *mainh, void *arg);

/* Non-blocking: reaps the child if it has ended. */
bool  proc_exited(struct proc *p);
/* Blocking, bounded: 0 once exited, ETIMEDOUT if still running. */
int   proc_wait(struct proc *p, unsigned timeout_ms);
/* Ends the process group (SIGTERM, grace_ms, SIGKILL) and reaps. */
void  proc_stop(struct proc *p, unsigned grace_ms);
/* Frees; a child still running is stopped first (1 s grace). */
void  proc_free(struct proc *p);

pid_t       proc_pid(const struct proc *p);
const char *proc_name(const struct proc *p);
const char *proc_log(const struct proc *p);
/* Valid once exited: the raw wait status, and the exit code (or -1 when
 * the child died by a signal). */
int   proc_wstatus(const struct proc *p);
int   proc_exit_code(const struct proc *p);
/* "exited with status 1", "killed by signal 11 (Segmentation fault)" */
const char *proc_describe(const struct proc *p, char *buf, size_t sz);
/* true once the child's log holds `needle` (its readiness line) */
bool  proc_log_has(const struct proc *p, const char *needle);

/* The folder this program is in: build/bin/, or BINDIR once installed. */
int  proc_self_dir(char *buf, size_t sz);
/* Where referlab-sim is: $REFERLAB_SIM, else beside this program. 0, or
 * the errno of reading /proc/self/exe (buf is then empty). */
int  proc_sim_path(char *buf, size_t sz);

/* Async-signal-safe: sends sig to the group of every live child spawned
 * by this process. For SIGINT/SIGTERM handlers. */
void proc_signal_all(int sig);

#endif
