/**
 * @file cli.h  Exit codes and small command-line helpers shared by both programs
 */
#ifndef REFERLAB_CLI_H
#define REFERLAB_CLI_H

#include <stdio.h>

/* Exit codes, documented in README.md and the programs' --help. */
enum cli_exit {
	EXIT_OK          = 0,  /* success, or no error-level finding       */
	EXIT_FINDINGS    = 1,  /* a case failed / error-level findings      */
	EXIT_USAGE       = 2,  /* bad command line                          */
	EXIT_ENVIRONMENT = 3,  /* missing tool, capture rights, ports       */
	EXIT_INPUT       = 4,  /* unreadable or malformed input file        */
};

void cli_print_version(FILE *out, const char *prog);
int  cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
