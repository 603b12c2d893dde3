/**
 * @file secret.c  A webhook secret from the command line, a file or the environment
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "secret.h"

/* Whether f, just short of a line end, goes on with more of the line. */
static bool line_goes_on(FILE *f)
{
	int c = fgetc(f);

	return c != EOF && c != '\n' && c != '\r';
}

/* The first line of path into buf, without its line end. */
static int read_line(char *buf, size_t sz, const char *prog,
		     const char *opt, const char *path)
{
	FILE *f = fopen(path, "r");
	char why[64] = "";
	size_t n = 0;

	if (!f) {
		fprintf(stderr, "%s: %s-file %s: cannot read: %s\n", prog, opt,
			path, strerror(errno));
		return EXIT_INPUT;
	}
	if (!fgets(buf, (int)sz, f))
		snprintf(why, sizeof(why), "%s", ferror(f) ? "read error"
			 : "empty");
	else if (!buf[n = strcspn(buf, "\r\n")] && line_goes_on(f))
		snprintf(why, sizeof(why), "its first line is longer than %zu "
			 "bytes", sz - 1);
	else if (!n)
		snprintf(why, sizeof(why), "its first line is empty");
	fclose(f);
	buf[n] = '\0';
	if (*why) {
		fprintf(stderr, "%s: %s-file %s: %s\n", prog, opt, path, why);
		return EXIT_INPUT;
	}

	return EXIT_OK;
}

/* Every program hands the secret on in buffers of SECRET_MAX (the
 * runner to referlab-sim's environment): longer, it would be signed
 * with cut short, and every signature would then be wrong. */
static int check_length(const char **secret, const char *prog,
			const char *from)
{
	size_t n = *secret ? strlen(*secret) : 0;

	if (n < SECRET_MAX)
		return EXIT_OK;
	*secret = NULL;
	return cli_usage_error(prog, "%s: %zu bytes, at most %d", from, n,
			       SECRET_MAX - 1);
}

int secret_resolve(const char **secret, const char *file, char *buf,
		   size_t sz, const char *prog, const char *opt)
{
	const char *env;
	int rc;

	if (*secret && file)
		return cli_usage_error(prog, "%s and %s-file: give one of "
				       "them", opt, opt);
	if (*secret)
		return check_length(secret, prog, opt);
	if (file) {
		rc = read_line(buf, sz, prog, opt, file);
		*secret = rc ? NULL : buf;
		return rc;
	}

	env = getenv(SECRET_ENV);
	*secret = env && *env ? env : NULL;
	return check_length(secret, prog, "$" SECRET_ENV);
}
