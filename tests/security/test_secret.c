/**
 * @file test_secret.c  secret_resolve(): the option, else a file's first line, else the environment
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "secret.h"
#include "unit.h"

static char path[] = "/tmp/referlab-secret-XXXXXX";

/* path gets exactly these bytes */
static void file_with(const char *bytes, size_t n)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(bytes, 1, n, f), n);
	fclose(f);
}

/* secret_resolve() from path with a buffer of sz; *got the secret. */
static int from_file(const char **got, size_t sz)
{
	static char buf[SECRET_MAX];

	*got = NULL;
	return secret_resolve(got, path, buf, sz, "test", "--secret");
}

static void test_file(void)
{
	char line[SECRET_MAX + 1];
	const char *got;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);

	file_with("s3cr3t\r\nsecond line\n", 21);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_OK);
	CU_ASSERT_STRING_EQUAL(got, "s3cr3t");
	file_with("no line end", 11);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_OK);
	CU_ASSERT_STRING_EQUAL(got, "no line end");

	/* 1023 bytes fit, with or without the line end; 1024 do not */
	memset(line, 'a', sizeof(line));
	line[SECRET_MAX - 1] = '\n';
	file_with(line, SECRET_MAX);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_OK);
	CU_ASSERT_EQUAL(strlen(got), SECRET_MAX - 1);
	file_with(line, SECRET_MAX - 1);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_OK);
	line[SECRET_MAX - 1] = 'a';
	file_with(line, SECRET_MAX);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_INPUT);
	CU_ASSERT_PTR_NULL(got);

	file_with("", 0);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_INPUT);
	file_with("\nlater\n", 7);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_INPUT);
	unlink(path);
	CU_ASSERT_EQUAL(from_file(&got, SECRET_MAX), EXIT_INPUT);
}

static void test_precedence(void)
{
	char buf[16];
	const char *got = "given";

	setenv(SECRET_ENV, "from-env", 1);
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_OK);
	CU_ASSERT_STRING_EQUAL(got, "given");
	CU_ASSERT_EQUAL(secret_resolve(&got, "f", buf, sizeof(buf), "test",
				       "--secret"), EXIT_USAGE);
	got = NULL;
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_OK);
	CU_ASSERT_STRING_EQUAL(got, "from-env");
	setenv(SECRET_ENV, "", 1);
	got = NULL;
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_OK);
	CU_ASSERT_PTR_NULL(got);
	unsetenv(SECRET_ENV);
	got = NULL;
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_OK);
	CU_ASSERT_PTR_NULL(got);
}

/* what the programs cannot hand on whole is refused, never cut */
static void test_too_long(void)
{
	static char big[SECRET_MAX + 1];
	char buf[16];
	const char *got = big;

	memset(big, 's', SECRET_MAX - 1);
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_OK);
	CU_ASSERT_PTR_EQUAL(got, big);
	big[SECRET_MAX - 1] = 's';
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_USAGE);
	CU_ASSERT_PTR_NULL(got);
	setenv(SECRET_ENV, big, 1);
	CU_ASSERT_EQUAL(secret_resolve(&got, NULL, buf, sizeof(buf), "test",
				       "--secret"), EXIT_USAGE);
	CU_ASSERT_PTR_NULL(got);
	unsetenv(SECRET_ENV);
}

static const struct unit_test tests[] = {
	{"first line of a file", test_file},
	{"longer than SECRET_MAX - 1", test_too_long},
	{"option, file, environment", test_precedence},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"secret", tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
