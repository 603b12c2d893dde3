/**
 * @file sdpoffer.h  Whether an INVITE's SDP offer is one the sim can answer
 */
#ifndef REFERLAB_SIM_SDPOFFER_H
#define REFERLAB_SIM_SDPOFFER_H

#include <re.h>

/* 0 when sdp reads as a session description (RFC 8866 section 5): v=0
 * first, every line TYPE=VALUE (CRLF or LF ends), at least one m= and
 * one c= line. Else EBADMSG and one line in why saying what is wrong
 * ("line 1 is not TYPE=VALUE"), for a log line and a Warning header. */
int sdpoffer_check(const struct pl *sdp, char *why, size_t sz);

#endif
