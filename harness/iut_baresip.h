/**
 * @file iut_baresip.h  baresip as an implementation under test
 *
 * Private to runner_case*.c. baresip (Debian's baresip-core) performs
 * blind transfer by REFER when told to (`/transfer <uri>` over its
 * ctrl_tcp module); it runs no application and calls no webhooks. Per
 * case it gets a private configuration (its own ports on loopback, an
 * auto-answering account, a sine as audio source so calls are answered)
 * and the runner plays the part of its user: dial (phone cases), wait
 * for the call, transfer to the case's referTo. The case's hook
 * expectations are then checked against the hooks the analyser derives
 * from the wire: what sip:refer would have reported.
 */
#ifndef REFERLAB_IUT_BARESIP_H
#define REFERLAB_IUT_BARESIP_H

#include <stdbool.h>
#include <stddef.h>
#include "runner_case.h"

#define BARESIP_BIN "baresip"

/* "1.0.0" from `baresip -h`'s banner; 0, or ENOENT: not installed. */
int  baresip_version(char *buf, size_t sz);

/* Why the case's application cannot be played by baresip, or NULL. */
const char *baresip_not_applicable(const struct expect *e);

/* Writes DIR/baresip/{config,accounts} and starts it (log baresip.log). */
int  baresip_start(struct case_ctx *x);
bool baresip_ready(const struct case_ctx *x);
/* true once baresip logged the call as established */
bool baresip_established(const struct case_ctx *x);

/* Commands over ctrl_tcp; a refused command is the case's ERROR. */
int  baresip_dial(struct case_ctx *x);
int  baresip_transfer(struct case_ctx *x);

/* runner_check for baresip: the expectation's hooks against the hooks
 * derived from the capture's transfers (struct analysis). */
struct analysis;
void baresip_check_hooks(struct case_ctx *x, const struct analysis *a);

#endif
