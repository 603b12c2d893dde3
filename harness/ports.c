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
 * the process ends, however it ends, so nothing is left to clean up.
 * Where no lock file can be had (no writable $TMPDIR, the folder is a
 * symlink), ports are still reserved within the process, and stderr says
 * so once. */
static char lock_path[PATH_MAX];   /* $TMPDIR/referlab-ports */

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

/* The folder's fd, or -1 when there is none to use. Opened once and by
 * fd from then on, so that what was checked is what is used: a symlink
 * there is someone else's choice of where we write. */
static int lock_dir(void)
{
	static int fd = -2;
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (fd != -2)
		return fd;
	snprintf(lock_path, sizeof(lock_path), "%s/referlab-ports",
		 tmp && *tmp ? tmp : "/tmp");
	/* shared by every user, as /tmp is: sticky, writable by all */
	if (!mkdir(lock_path, 0777))
		(void)chmod(lock_path, 01777);
	fd = open(lock_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
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
 * (O_EXCL: if another process creates it meanwhile, theirs is opened).
 * Read-only is enough for flock. Not through a symlink, and not a FIFO
 * (its open would wait for a writer) or anything else but a file. */
static int open_lock(int dir, const char *name)
{
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int i, fd = -1;

	for (i = 0; i < 2 && fd < 0; i++) {
		fd = openat(dir, name, flags);
		if (fd >= 0 || errno != ENOENT)
			break;
		fd = openat(dir, name, flags | O_CREAT | O_EXCL, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		return fd;
	local_only(name, fd < 0 && errno != ELOOP ? strerror(errno) :
		   "not a regular file");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* 0 when another process holds p, else the value for held[] */
static int lock_port(uint16_t p)
{
	const int dir = lock_dir();
	char name[8];
	int fd, e;

	if (dir < 0)
		return HELD_UNLOCKED;
	snprintf(name, sizeof(name), "%u", p);
	fd = open_lock(dir, name);
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
	return fd + 1;
}

static void unreserve(uint16_t p)
{
	int *h = &held[p - PORTS_MIN];

	if (*h > 0)
		close(*h - 1);
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

void ports_release(uint16_t port, unsigned span)
{
	unsigned i;

	for (i = 0; i < span && port + i <= PORTS_MAX; i++)
		if (port + i >= PORTS_MIN)
			unreserve((uint16_t)(port + i));
}

/* A flock belongs to the open file description, which a fork shares:
 * the child's fd keeps the parent's lock alive until the child closes
 * it, and LOCK_UN here would drop the parent's lock as well. O_CLOEXEC
 * only helps children that exec. */
void ports_forget(void)
{
	unsigned p;

	for (p = PORTS_MIN; p <= PORTS_MAX; p++)
		unreserve((uint16_t)p);
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
