/**
 * @file test_ports_files.c  The ports' lock files: another user's, and
 *                           what is not a lock file at all
 *
 * The ports module opens its lock folder once per process, so each test
 * runs in a child forked from a main that never reserved a port, with
 * $TMPDIR of its own and its stderr in a file; what it says there is
 * part of what is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "ports.h"
#include "unit.h"

static char tmpdir[] = "/tmp/referlab-portfiles-XXXXXX";

/* What a fresh process with TMPDIR=tmpdir/sub got: fn's exit code (or
 * -1 when it did not exit, as a hang killed by the alarm) and what it
 * wrote to stderr. */
static int in_child(const char *sub, int (*fn)(const char *dir),
		    char *err, size_t errsz)
{
	char dir[sizeof(tmpdir) + 32], errpath[sizeof(dir) + 16];
	int status = -1, fd;
	pid_t pid;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, sub);
	snprintf(errpath, sizeof(errpath), "%s.stderr", dir);
	pid = fork();
	if (pid == 0) {
		alarm(5);   /* a lock file that blocks its open */
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 2) < 0 || setenv("TMPDIR", dir, 1))
			_exit(100);
		_exit(fn(dir));
	}
	err[0] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	f = fopen(errpath, "r");
	if (f) {
		err[fread(err, 1, errsz - 1, f)] = '\0';
		fclose(f);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A port nothing is bound to, to plant a lock file for: 0 if none. */
static uint16_t free_port(void)
{
	unsigned i;

	for (i = 0; i < PORTS_TRIES; i++) {
		uint16_t p = (uint16_t)(PORTS_MIN + (getpid() + i * 7919) %
					(PORTS_MAX - PORTS_MIN + 1));

		if (ports_is_free(p, false))
			return p;
	}
	return 0;
}

/* two reservations: the second must not say it again */
static int alloc_twice(const char *dir)
{
	uint16_t a, b;

	(void)dir;
	return ports_alloc(&a, 1, false) || ports_alloc(&b, 1, false);
}

static void test_folder_symlink(void)
{
	char path[sizeof(tmpdir) + 64], target[sizeof(path)], err[1024];

	snprintf(path, sizeof(path), "%s/sym", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(target, sizeof(target), "%s/sym/elsewhere", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(target, 0755), 0);
	snprintf(path, sizeof(path), "%s/sym/referlab-ports", tmpdir);
	CU_ASSERT_EQUAL_FATAL(symlink("elsewhere", path), 0);

	CU_ASSERT_EQUAL(in_child("sym", alloc_twice, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "sym/referlab-ports: a symbolic "
				      "link, not a folder: ports are reserved "
				      "for this process only"));
	CU_ASSERT_EQUAL(lines(err), 1);
	CU_ASSERT_EQUAL(rmdir(target), 0);   /* nothing written there */
}

static void test_folder_not_folder(void)
{
	char path[sizeof(tmpdir) + 64], err[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/file", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/file/referlab-ports", tmpdir);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fclose(f);

	CU_ASSERT_EQUAL(in_child("file", alloc_twice, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "file/referlab-ports: not a "
				      "folder: ports are reserved"));
	CU_ASSERT_EQUAL(lines(err), 1);
}

/* a symlink as a port's lock file, to a file that does not exist */
static int take_symlinked(const char *dir)
{
	char path[PATH_MAX], target[PATH_MAX];
	uint16_t p = free_port();

	snprintf(path, sizeof(path), "%s/referlab-ports/%u", dir, p);
	snprintf(target, sizeof(target), "%s/victim", dir);
	if (!p || symlink(target, path))
		return 101;
	return ports_take(p, 1, false);
}

/* a FIFO as a port's lock file: an open that waits for a writer */
static int take_fifo(const char *dir)
{
	char path[PATH_MAX];
	uint16_t p = free_port();

	snprintf(path, sizeof(path), "%s/referlab-ports/%u", dir, p);
	if (!p || mkfifo(path, 0644))
		return 101;
	return ports_take(p, 1, false);
}

static void test_lock_not_a_file(void)
{
	char path[sizeof(tmpdir) + 64], err[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/link", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/link/referlab-ports", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(in_child("link", take_symlinked, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": not a regular file: the port "
				      "is reserved for this process only"));
	snprintf(path, sizeof(path), "%s/link/victim", tmpdir);
	CU_ASSERT_NOT_EQUAL(lstat(path, &st), 0);   /* not created */

	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/fifo/referlab-ports", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(in_child("fifo", take_fifo, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": not a regular file"));
}

enum { OTHER_UID = 65533, OPENER_UID = 65534 };

/* As OPENER_UID, take a port whose lock file OTHER_UID made, in the
 * shared sticky folder root made: it must lock that file (a second open
 * of it cannot), not fall back to this process. With fs.protected_regular
 * an O_CREAT on that file fails, whatever its mode. */
static int take_others(const char *dir)
{
	char path[PATH_MAX];
	uint16_t p = free_port();
	int fd;

	snprintf(path, sizeof(path), "%s/referlab-ports/%u", dir, p);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (!p || fd < 0 || fchown(fd, OTHER_UID, OTHER_UID) ||
	    setgid(OPENER_UID) || setuid(OPENER_UID))
		return 101;
	close(fd);
	if (ports_take(p, 1, false))
		return 102;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 103;
	return flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK ?
		0 : 104;
}

static void test_lock_of_another_user(void)
{
	char path[sizeof(tmpdir) + 64], err[1024];
	FILE *f;
	int pr = -1;

	if (geteuid() != 0) {
		printf("(needs root to make another user's file: not run) ");
		return;
	}
	f = fopen("/proc/sys/fs/protected_regular", "r");
	if (f) {
		if (fscanf(f, "%d", &pr) != 1)
			pr = -1;
		fclose(f);
	}
	if (pr < 1)
		printf("(fs.protected_regular is %d here: the file is another "
		       "user's, but an O_CREAT on it would not fail) ", pr);
	CU_ASSERT_EQUAL_FATAL(chmod(tmpdir, 0755), 0);
	snprintf(path, sizeof(path), "%s/shared", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/shared/referlab-ports", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0777), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(path, 01777), 0);
	CU_ASSERT_EQUAL(in_child("shared", take_others, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
}

static const struct unit_test lockfile_tests[] = {
	{"a symlinked folder is not used, and said so",
	 test_folder_symlink},
	{"a file for a folder is not used, and said so",
	 test_folder_not_folder},
	{"a lock file that is not a file is not used", test_lock_not_a_file},
	{"another user's lock file is locked", test_lock_of_another_user},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"lock files", lockfile_tests},
	{NULL, NULL},
};

int main(void)
{
	char cmd[64];
	int r;

	if (!mkdtemp(tmpdir))
		return 2;
	r = unit_run(suites);
	if (!r) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		(void)!system(cmd);
	}
	return r;
}
