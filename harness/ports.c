/**
 * @file ports.c  Free loopback ports for the cases of one run
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "ports.h"

/* Ports reserved by this process: 0 when not, else the fd of its lock
 * file + 1, or HELD_UNLOCKED when no lock file could be had. */
enum { HELD_UNLOCKED = -1 };
static int held[PORTS_MAX - PORTS_MIN + 1];

/* Other processes on the host (referlab runs side by side, ctest -j, CI
 * jobs) pick from the same range, and a port is only theirs once their
 * child has bound it: between the check and that bind, two processes
 * could pick the same one, and one case then captured the other's call.
 * An exclusive flock on $TMPDIR/referlab-ports/PORT, held while the port
 * is reserved, makes the reservation host-wide; the kernel drops it when
 * the process ends, however it ends. The holder removes the file when it
 * releases the port (a run that is killed leaves its files, empty and
 * unlocked, for the next holder to remove).
 * Whoever owns the folder can remove and replace the files in it, so a
 * folder that is neither ours nor root's, or that anyone may write to
 * without the sticky bit, is not used: $TMPDIR/referlab-ports-EUID (0700)
 * is, seen by this user's runs only, and stderr says so once.
 * Where no lock file can be had (no writable $TMPDIR, the folder is a
 * symlink), ports are still reserved within the process, and stderr says
 * so once. */
static char lock_path[PATH_MAX];   /* $TMPDIR/referlab-ports[-EUID] */

/* Tries at a lock file that others create and remove meanwhile, as
 * they take and release the port: then it is theirs, for now. */
enum { LOCK_TRIES = 8, LOCK_AGAIN = -2 };

/* name: the lock file's, or NULL for the folder */
static void local_only(const char *name, const char *why)
{
	static bool said;

	if (said)
		return;
	said = true;
	fprintf(stderr, "referlab: %s%s%s: %s: %s reserved for this process "
		"only, not host-wide\n", lock_path, name ? "/" : "",
		name ? name : "", why, name ? "the port is" : "ports are");
}

/* lock_path as a folder (made with mode when missing), or -1 and
 * errno; not through a symlink: that is someone else's choice of where
 * we write */
static int open_folder(mode_t mode)
{
	bool made = !mkdir(lock_path, mode);
	int fd = open(lock_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		      O_CLOEXEC);

	if (fd >= 0 && made)
		(void)fchmod(fd, mode);   /* the umask took bits off */
	return fd;
}

/* NULL when the folder's files can be trusted to be what their holders
 * left: it is ours or root's, and nobody else can remove or replace
 * them (not writable by others, or sticky, as /tmp); else why not */
static const char *untrusted(int fd, char *why, size_t sz)
{
	struct stat st;

	if (fstat(fd, &st))
		return strerror(errno);
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		snprintf(why, sz, "owned by uid %u, not by this user or root",
			 (unsigned)st.st_uid);
		return why;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return "writable by others, without the sticky bit";
	return NULL;
}

/* The shared folder is another user's, or anyone's to replace files in:
 * this user's own instead, 0700. */
static int own_lock_dir(const char *tmp, const char *why)
{
	char own[sizeof(lock_path)], why2[64];
	int fd;

	snprintf(own, sizeof(own), "%s/referlab-ports-%u", tmp,
		 (unsigned)geteuid());
	fprintf(stderr, "referlab: %s: %s: ports are locked in %s instead, "
		"seen by this user's runs only\n", lock_path, why, own);
	memcpy(lock_path, own, sizeof(lock_path));
	fd = open_folder(0700);
	if (fd >= 0 && (why = untrusted(fd, why2, sizeof(why2)))) {
		close(fd);
		local_only(NULL, why);
		return -1;
	}
	return fd;
}

/* The folder's fd, or -1 when there is none to use. Opened once and by
 * fd from then on, so that what was checked is what is used. */
static int lock_dir(void)
{
	static int fd = -2;
	const char *tmp = getenv("TMPDIR");
	const char *why;
	char whybuf[64];
	struct stat st;

	if (fd != -2)
		return fd;
	tmp = tmp && *tmp ? tmp : "/tmp";
	snprintf(lock_path, sizeof(lock_path), "%s/referlab-ports", tmp);
	/* shared by every user, as /tmp is: sticky, writable by all */
	fd = open_folder(01777);
	if (fd >= 0 && (why = untrusted(fd, whybuf, sizeof(whybuf)))) {
		close(fd);
		fd = own_lock_dir(tmp, why);
	}
	if (fd < 0) {
		int e = errno;

		local_only(NULL, !lstat(lock_path, &st) && S_ISLNK(st.st_mode) ?
			   "a symbolic link, not a folder" : e == ENOTDIR ?
			   "not a folder" : strerror(e));
	}
	return fd;
}

/* The file may be another user's: in a sticky folder with
 * fs.protected_regular, O_CREAT fails on it (EACCES) though it exists,
 * so what exists is opened as it is and only what does not is created
 * (O_EXCL). Read-only is enough for flock. Not through a symlink, and
 * not a FIFO (its open would wait for a writer) or anything else but a
 * file. The fd; LOCK_AGAIN when another process created it between our
 * two opens (it is taking the port); or -1, said. */
static int open_lock(int dir, const char *name)
{
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int fd = openat(dir, name, flags);

	if (fd < 0 && errno == ENOENT) {
		fd = openat(dir, name, flags | O_CREAT | O_EXCL, 0644);
		if (fd < 0 && errno == EEXIST)
			return LOCK_AGAIN;
	}
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		return fd;
	local_only(name, fd < 0 && errno != ELOOP ? strerror(errno) :
		   "not a regular file");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Whether the folder still names the file fd is: a holder removes its
 * file before it lets go of the lock, so a lock won on a file opened
 * just before is a lock on a file nobody else will look at, while a
 * newcomer creates and locks a fresh one: two holders. */
static bool still_named(int dir, const char *name, int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) &&
		!fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) &&
		a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* 0 when another process holds p, else the value for held[] */
static int lock_port(uint16_t p)
{
	const int dir = lock_dir();
	char name[8];
	int fd, e, i;

	if (dir < 0)
		return HELD_UNLOCKED;
	snprintf(name, sizeof(name), "%u", p);
	for (i = 0; i < LOCK_TRIES; i++) {
		fd = open_lock(dir, name);
		if (fd == LOCK_AGAIN)
			continue;
		if (fd < 0)
			return HELD_UNLOCKED;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return 0;
			local_only(name, strerror(e));
			return HELD_UNLOCKED;
		}
		if (still_named(dir, name, fd))
			return fd + 1;
		close(fd);   /* removed by its last holder: the next one */
	}
	return 0;   /* replaced each time: held by others */
}

/* remove: the file goes too (a release); not in ports_forget, where the
 * lock is the parent's. Removed while still locked: whoever opened it
 * meanwhile fails its flock, or wins it after our close and finds the
 * name gone (still_named). Another user's file in a sticky folder is
 * not ours to remove, and stays. */
static void unreserve(uint16_t p, bool remove)
{
	int *h = &held[p - PORTS_MIN];
	char name[8];

	if (*h > 0) {
		snprintf(name, sizeof(name), "%u", p);
		if (remove && still_named(lock_dir(), name, *h - 1))
			(void)unlinkat(lock_dir(), name, 0);
		close(*h - 1);
	}
	*h = 0;
}

/* Binding is the only honest test of "free": a listener on 0.0.0.0 or a
 * socket in TIME_WAIT would not show in a table we parse. SO_REUSEADDR
 * stays off on purpose so that TIME_WAIT counts as taken. */
static bool bind_ok(int family, int type, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool ok;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_loopback;
		len = sizeof(*s6);
	}
	else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*s4);
	}

	fd = socket(family, type, 0);
	if (fd < 0)
		return false;
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}

bool ports_is_free(uint16_t port, bool ipv6)
{
	if (!bind_ok(AF_INET, SOCK_DGRAM, port) ||
	    !bind_ok(AF_INET, SOCK_STREAM, port))
		return false;
	if (ipv6 && (!bind_ok(AF_INET6, SOCK_DGRAM, port) ||
		     !bind_ok(AF_INET6, SOCK_STREAM, port)))
		return false;
	return true;
}

int ports_take(uint16_t first, unsigned span, bool ipv6)
{
	unsigned i;

	if (span == 0 || span > 16 || first < PORTS_MIN ||
	    first + span - 1 > PORTS_MAX)
		return EINVAL;
	for (i = 0; i < span; i++) {
		uint16_t p = (uint16_t)(first + i);
		int *h = &held[p - PORTS_MIN];
		bool mine = false;

		if (!*h) {
			*h = lock_port(p);
			mine = *h != 0;
		}
		if (!mine || !ports_is_free(p, ipv6)) {
			/* undo what this call took: ports first..i-1, and i */
			ports_release(first, i + (mine ? 1 : 0));
			return EADDRINUSE;
		}
	}
	return 0;
}

int ports_alloc(uint16_t *port, unsigned span, bool ipv6)
{
	static bool seeded;
	unsigned try;

	if (!port || span == 0 || span > 16)
		return EINVAL;
	if (!seeded) {
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		seeded = true;
	}

	for (try = 0; try < PORTS_TRIES; try++) {
		uint16_t first = (uint16_t)(PORTS_MIN + random() %
				 (PORTS_MAX - PORTS_MIN + 1 - span));

		if (!ports_take(first, span, ipv6)) {
			*port = first;
			return 0;
		}
	}
	return EADDRNOTAVAIL;
}

void ports_keep(uint16_t port)
{
	int *h;

	if (port < PORTS_MIN || port > PORTS_MAX)
		return;
	h = &held[port - PORTS_MIN];
	if (!*h)
		*h = lock_port(port);
	if (!*h)
		*h = HELD_UNLOCKED;
}

void ports_release(uint16_t port, unsigned span)
{
	unsigned i;

	for (i = 0; i < span && port + i <= PORTS_MAX; i++)
		if (port + i >= PORTS_MIN)
			unreserve((uint16_t)(port + i), true);
}

/* A flock belongs to the open file description, which a fork shares:
 * the child's fd keeps the parent's lock alive until the child closes
 * it, and LOCK_UN here would drop the parent's lock as well. O_CLOEXEC
 * only helps children that exec. */
void ports_forget(void)
{
	unsigned p;

	for (p = PORTS_MIN; p <= PORTS_MAX; p++)
		unreserve((uint16_t)p, false);
}

/* "  711: 0100007F:BE9E 00000000:0000 07 ..." : local port in hex, then
 * after the remote address the state (TCP: 0A is LISTEN). */
static bool proc_net_has(const char *file, uint16_t port, bool tcp)
{
	char line[512], local[64], remote[64];
	unsigned st, p;
	bool found = false;
	FILE *f = fopen(file, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *colon;

		if (sscanf(line, "%*s %63s %63s %x", local, remote, &st) != 3)
			continue;
		colon = strrchr(local, ':');
		if (!colon || sscanf(colon + 1, "%x", &p) != 1)
			continue;
		found = p == port && (!tcp || st == 0x0A);
	}
	fclose(f);
	return found;
}

bool ports_listening(uint16_t port)
{
	return proc_net_has("/proc/net/udp", port, false) ||
		proc_net_has("/proc/net/udp6", port, false) ||
		proc_net_has("/proc/net/tcp", port, true) ||
		proc_net_has("/proc/net/tcp6", port, true);
}
