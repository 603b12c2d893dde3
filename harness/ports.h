/**
 * @file ports.h  Free loopback ports for the cases of one run
 *
 * No fixed port numbers anywhere: every case gets the ports it needs from
 * here. A port handed out is free on 127.0.0.1 (and ::1 when asked) for
 * both UDP and TCP at the time of the check, and stays reserved in this
 * process until released, so cases running in parallel never share one.
 * Ports come from below the kernel's ephemeral range (32768+), where the
 * outgoing connections of the children pick their source ports.
 */
#ifndef REFERLAB_PORTS_H
#define REFERLAB_PORTS_H

#include <stdbool.h>
#include <stdint.h>

enum {
	PORTS_MIN = 20000,
	PORTS_MAX = 32767,
	PORTS_TRIES = 500,   /* random picks before giving up: exhaustion */
};

/* Reserve one free port (or `span` consecutive ones, the first returned)
 * Returns 0, or EADDRNOTAVAIL when PORTS_TRIES picks found none. */
int  ports_alloc(uint16_t *port, unsigned span, bool ipv6);
/* Reserve exactly first..first+span-1: 0, EADDRINUSE when one is taken
 * (here, by another process, or bound), EINVAL outside the range. */
int  ports_take(uint16_t first, unsigned span, bool ipv6);
/* Keep a port the user fixed (--hook-port, --peer-port) out of what
 * ports_alloc() and ports_take() hand out, until released: host-wide when
 * its lock can be had, else within this process (another run holds it;
 * the user's choice stands). Ports outside the range need nothing. */
void ports_keep(uint16_t port);
/* Let go of ports this process reserved, removing their lock files. */
void ports_release(uint16_t port, unsigned span);
/* In a child forked without exec (a worker): forget the parent's
 * reservations, closing this process's copies of the lock files so that
 * a port the parent releases is free to others at once, not once the
 * child ends. The parent's locks stay: the child only lets go of its
 * references, never unlocks. */
void ports_forget(void);
/* true if nothing on this host is bound to the port (UDP and TCP);
 * it binds to find out, so never ask about a port a child is binding */
bool ports_is_free(uint16_t port, bool ipv6);
/* true once something listens on the port (a UDP socket bound to it, or
 * a TCP listener), read from /proc/net without touching the port: the
 * readiness of a child that prints nothing when ready (SIPp) */
bool ports_listening(uint16_t port);

#endif
