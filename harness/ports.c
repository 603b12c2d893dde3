/**
 * @file ports.c  Free loopback ports for the cases of one run
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "ports.h"

static uint8_t reserved[(PORTS_MAX + 1) / 8 + 1];

static bool is_reserved(uint16_t p)
{
	return reserved[p / 8] & (1u << (p % 8));
}

static void set_reserved(uint16_t p, bool on)
{
	if (on)
		reserved[p / 8] |= (uint8_t)(1u << (p % 8));
	else
		reserved[p / 8] &= (uint8_t)~(1u << (p % 8));
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

static bool span_free(uint16_t first, unsigned span, bool ipv6)
{
	unsigned i;

	for (i = 0; i < span; i++) {
		if (is_reserved((uint16_t)(first + i)) ||
		    !ports_is_free((uint16_t)(first + i), ipv6))
			return false;
	}
	return true;
}

int ports_alloc(uint16_t *port, unsigned span, bool ipv6)
{
	static bool seeded;
	unsigned i, try;

	if (!port || span == 0 || span > 16)
		return EINVAL;
	if (!seeded) {
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		seeded = true;
	}

	for (try = 0; try < PORTS_TRIES; try++) {
		uint16_t first = (uint16_t)(PORTS_MIN + random() %
				 (PORTS_MAX - PORTS_MIN + 1 - span));

		if (!span_free(first, span, ipv6))
			continue;
		for (i = 0; i < span; i++)
			set_reserved((uint16_t)(first + i), true);
		*port = first;
		return 0;
	}
	return EADDRNOTAVAIL;
}

void ports_release(uint16_t port, unsigned span)
{
	unsigned i;

	for (i = 0; i < span && port + i <= PORTS_MAX; i++)
		set_reserved((uint16_t)(port + i), false);
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
