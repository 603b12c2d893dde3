/**
 * @file relike.h  What three libre decoders read, without their regular
 *                 expressions, for the plain shapes nearly every message
 *                 has; any other shape still goes to libre, so findings
 *                 (and their leniency) stay exactly libre's
 *
 * relike_addr_valid: sip_addr_decode() succeeds with a URI scheme.
 * relike_event_decode: sipevent_event_decode().
 * relike_param: msg_param_decode().
 */
#ifndef REFERLAB_RELIKE_H
#define REFERLAB_RELIKE_H

#include <re.h>

bool relike_addr_valid(const struct pl *val);
int  relike_event_decode(struct sipevent_event *ev, const struct pl *val);
int  relike_param(const struct pl *val, const char *name, struct pl *pv);

#endif
