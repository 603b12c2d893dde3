/**
 * @file cli.c  Exit codes and small command-line helpers shared by both programs
 */
#include <stdarg.h>
#include "cli.h"
#include "version.h"

void cli_print_version(FILE *out, const char *prog)
{
	fprintf(out, "%s %s\n", prog, REFERLAB_VERSION);
}

/* One line naming what was wrong, then a pointer to --help: the user
 * should never have to guess which argument was refused. */
int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s --help')\n", prog);
	return EXIT_USAGE;
}
