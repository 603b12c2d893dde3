/**
 * @file test_cli.c  Unit tests for the shared command-line helpers
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "unit.h"

/* Runs fn with stderr sent to a temporary file; returns what it wrote. */
static int capture_stderr(char *buf, size_t size, int (*fn)(void))
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	CU_ASSERT_FATAL(tmp != NULL && saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return ret;
}

static int usage_error(void)
{
	return cli_usage_error("referlab", "unknown command '%s'", "frob");
}

static void test_usage_error_names_argument(void)
{
	char out[256];

	CU_ASSERT_EQUAL(capture_stderr(out, sizeof(out), usage_error),
			EXIT_USAGE);
	CU_ASSERT_STRING_EQUAL(out, "referlab: unknown command 'frob' "
			       "(try 'referlab --help')\n");
}

static void test_version_line(void)
{
	char line[64] = "";
	FILE *f = tmpfile();

	CU_ASSERT_FATAL(f != NULL);
	cli_print_version(f, "referlab-sim");
	rewind(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(line, "referlab-sim ", 13), 0);
	/* A release number: digits and dots, ending the line. */
	CU_ASSERT_EQUAL(strspn(line + 13, "0123456789."), strlen(line) - 14);
}

static const struct unit_test cli_tests[] = {
	{"usage error names the argument", test_usage_error_names_argument},
	{"version line", test_version_line},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"cli", cli_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
