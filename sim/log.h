/**
 * @file log.h  referlab-sim's log: one line per event, text or JSON
 *
 * Lines go to stderr; the readiness lines go to stdout. Messages may use
 * libre's format extensions (%r for a struct pl, %J for a struct sa).
 */
#ifndef REFERLAB_SIM_LOG_H
#define REFERLAB_SIM_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_INFO,
	LOG_WARN,    /* a leniency or a finding: the peer did something odd */
	LOG_ERROR,   /* something failed: a verb error, a hook, a socket     */
};

void simlog_json(bool json);
/* call: the call's sid, or NULL for the program itself */
void simlog(enum log_level level, const char *call, const char *fmt, ...);

#endif
