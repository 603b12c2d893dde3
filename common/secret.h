/**
 * @file secret.h  A webhook secret from the command line, a file or the environment
 *
 * Any user can read another's command line (`ps`, /proc/PID/cmdline), so
 * a secret given as an argument is as good as published on a shared
 * machine. Each command that takes a secret also takes it from a file
 * (--OPT-file FILE, its first line) or from $REFERLAB_WEBHOOK_SECRET,
 * which only the same user can read.
 */
#ifndef REFERLAB_SECRET_H
#define REFERLAB_SECRET_H

#include <stddef.h>

#define SECRET_ENV "REFERLAB_WEBHOOK_SECRET"
/* referlab-sim's SIP credentials (USER:PASSWORD) when --sip-auth is not
 * given: how the runner hands them over without a command line */
#define SIP_AUTH_ENV "REFERLAB_SIP_AUTH"

/* SIP_AUTH_MAX: the longest USER:PASSWORD, with its NUL, that the runner
 * hands over (expectation files are held to it, harness/expect.c) */
enum { SECRET_MAX = 1024, SIP_AUTH_MAX = 512 };   /* with their NUL */

/* *secret: the value of OPT when given (*secret already set), else the
 * first line of file (when not NULL, read into buf), else $SECRET_ENV
 * when set and not empty, else NULL. opt names the option ("--secret")
 * in messages; its file option is opt with "-file". Returns EXIT_OK, or
 * prints one line and returns EXIT_USAGE (both options given, or the
 * option's or the environment's secret is SECRET_MAX bytes or longer) or
 * EXIT_INPUT (the file cannot be read, is empty, or its line is longer
 * than buf). */
int secret_resolve(const char **secret, const char *file, char *buf,
		   size_t sz, const char *prog, const char *opt);

#endif
