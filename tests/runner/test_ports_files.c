/**
 * @file test_ports_files.c  The ports' lock files: removed on release, one
 *                           holder at a time, another user's, a folder
 *                           not to trust, and what is not a lock file
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
#include <sys/mman.h>
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

/* 0 when the file of port p in folder dir/sub exists (want) or not */
static int lock_file_is(const char *dir, const char *sub, uint16_t p,
			bool want)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%u", dir, sub, p);
	return (lstat(path, &st) == 0) == want ? 0 : 1;
}

/* Taken, the port has its file; released, the file is gone. Forgotten
 * (a forked worker's copy), the file stays: the lock is the parent's. */
static int take_release(const char *dir)
{
	uint16_t p = free_port(), q;

	if (!p || ports_take(p, 1, false))
		return 101;
	if (lock_file_is(dir, "referlab-ports", p, true))
		return 102;
	ports_release(p, 1);
	if (lock_file_is(dir, "referlab-ports", p, false))
		return 103;
	if (ports_alloc(&q, 3, false))
		return 104;
	ports_forget();
	if (lock_file_is(dir, "referlab-ports", q, true))
		return 105;
	return 0;
}

static void test_release_removes(void)
{
	char path[sizeof(tmpdir) + 64], err[1024];

	snprintf(path, sizeof(path), "%s/release", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(in_child("release", take_release, err, sizeof(err)),
			0);
	CU_ASSERT_STRING_EQUAL(err, "");
}

/* A child of the holder, forgetting what it inherited, cannot take the
 * port: the lock is another process's. */
static int take_held(const char *dir)
{
	uint16_t p = free_port();
	int status;
	pid_t pid;

	(void)dir;
	if (!p || ports_take(p, 1, false))
		return 101;
	pid = fork();
	if (pid == 0) {
		ports_forget();
		_exit(ports_take(p, 1, false) == EADDRINUSE ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		return 102;
	ports_release(p, 1);
	return 0;
}

enum { RACERS = 4, RACE_ROUNDS = 2000, RACE_TAKES_MIN = 20 };

/* RACERS processes take and release one port RACE_ROUNDS times each,
 * counting the holders in shared memory: never two at once, though each
 * release removes the file that the others are opening and locking.
 * holders: [0] now, [1] times there were two, [2] takes (the port was
 * taken at all, most tries finding it held: a test where nobody gets it
 * proves nothing). */
static int race(const char *dir)
{
	int *holders = mmap(NULL, 3 * sizeof(int), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint16_t p = free_port();
	int i, r, status, bad = 0;

	(void)dir;
	if (holders == MAP_FAILED || !p)
		return 101;
	holders[0] = holders[1] = holders[2] = 0;
	for (r = 0; r < RACERS; r++) {
		if (fork())
			continue;
		for (i = 0; i < RACE_ROUNDS; i++) {
			if (ports_take(p, 1, false))
				continue;
			if (__atomic_add_fetch(&holders[0], 1,
					       __ATOMIC_SEQ_CST) > 1)
				__atomic_add_fetch(&holders[1], 1,
						   __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&holders[2], 1, __ATOMIC_SEQ_CST);
			usleep(20);
			__atomic_sub_fetch(&holders[0], 1, __ATOMIC_SEQ_CST);
			ports_release(p, 1);
		}
		_exit(0);
	}
	for (r = 0; r < RACERS; r++)
		bad |= wait(&status) < 0 || !WIFEXITED(status) ||
			WEXITSTATUS(status);
	if (bad)
		return 102;
	if (holders[1])
		fprintf(stderr, "%d times two holders\n", holders[1]);
	if (holders[2] < RACE_TAKES_MIN)
		fprintf(stderr, "taken %d times only\n", holders[2]);
	return holders[1] ? 103 : holders[2] < RACE_TAKES_MIN ? 104 : 0;
}

static void test_one_holder(void)
{
	char path[sizeof(tmpdir) + 64], err[1024];

	snprintf(path, sizeof(path), "%s/held", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(in_child("held", take_held, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	snprintf(path, sizeof(path), "%s/race", tmpdir);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(in_child("race", race, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
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

/* Taken through a shared folder not to trust: the lock file is in this
 * user's own folder, 0700, and not in the shared one. */
static int take_untrusted(const char *dir)
{
	char own[64], path[PATH_MAX];
	uint16_t p = free_port(), q;
	struct stat st;

	snprintf(own, sizeof(own), "referlab-ports-%u", (unsigned)geteuid());
	snprintf(path, sizeof(path), "%s/%s", dir, own);
	if (!p || ports_take(p, 1, false) || ports_alloc(&q, 1, false))
		return 101;
	if (lock_file_is(dir, own, p, true) ||
	    lock_file_is(dir, "referlab-ports", p, false))
		return 102;
	if (stat(path, &st) || st.st_uid != geteuid() ||
	    (st.st_mode & 07777) != 0700)
		return 103;
	return 0;
}

/* TMPDIR=tmpdir/sub with its referlab-ports made as uid:mode */
static void shared_folder(const char *sub, uid_t uid, mode_t mode)
{
	char path[sizeof(tmpdir) + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, sub);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/referlab-ports", tmpdir, sub);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	CU_ASSERT_EQUAL_FATAL(chown(path, uid, uid), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(path, mode), 0);
}

static void test_folder_untrusted(void)
{
	char want[256], err[1024];

	if (geteuid() != 0) {
		printf("(needs root to make another user's folder: not run) ");
		return;
	}
	/* another user's: they could remove and replace our files */
	shared_folder("owned", OTHER_UID, 01777);
	CU_ASSERT_EQUAL(in_child("owned", take_untrusted, err, sizeof(err)),
			0);
	snprintf(want, sizeof(want), "referlab: %s/owned/referlab-ports: owned "
		 "by uid %u, not by this user or root: ports are locked in "
		 "%s/owned/referlab-ports-0 instead, seen by this user's runs "
		 "only\n", tmpdir, OTHER_UID, tmpdir);
	CU_ASSERT_STRING_EQUAL(err, want);

	/* root's, but anyone's to write in without the sticky bit */
	shared_folder("open", 0, 0777);
	CU_ASSERT_EQUAL(in_child("open", take_untrusted, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "open/referlab-ports: writable by "
				      "others, without the sticky bit: ports "
				      "are locked in "));
	CU_ASSERT_EQUAL(lines(err), 1);
}

static const struct unit_test lockfile_tests[] = {
	{"a symlinked folder is not used, and said so",
	 test_folder_symlink},
	{"a file for a folder is not used, and said so",
	 test_folder_not_folder},
	{"a lock file that is not a file is not used", test_lock_not_a_file},
	{"another user's lock file is locked", test_lock_of_another_user},
	{"a released port's lock file is removed", test_release_removes},
	{"one holder at a time, files removed meanwhile", test_one_holder},
	{"another user's shared folder is not used, and said so",
	 test_folder_untrusted},
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
