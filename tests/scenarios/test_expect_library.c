/**
 * @file test_expect_library.c  Every expectation of the peer library loads,
 *                              and every SIPp scenario belongs to a case
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"
#include "unit.h"

enum { MAXFILES = 256 };

static char *jsons[MAXFILES], *xmls[MAXFILES];
static size_t njson, nxml;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int collect(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (ends_with(path, ".json") && njson < MAXFILES)
		jsons[njson++] = strdup(path);
	else if (ends_with(path, ".xml") && nxml < MAXFILES)
		xmls[nxml++] = strdup(path);
	return 0;
}

static void test_every_case_loads(void)
{
	bool used[MAXFILES] = {false};
	unsigned carriers = 0, phones = 0;
	struct expect *e;
	char err[400];
	size_t i, k;

	CU_ASSERT_EQUAL_FATAL(nftw("../../scenarios", collect, 8, FTW_PHYS), 0);
	CU_ASSERT_TRUE(njson >= 32);
	for (i = 0; i < njson; i++) {
		e = NULL;
		if (expect_load(&e, jsons[i], err, sizeof(err))) {
			fprintf(stderr, "\n%s\n", err);
			CU_FAIL("an expectation of the library does not load");
			continue;
		}
		for (k = 0; k < nxml; k++) {
			if (!strcmp(xmls[k], e->scenario))
				used[k] = true;
		}
		carriers += e->role == EXPECT_CARRIER;
		phones += e->role == EXPECT_PHONE;
		expect_free(e);
	}
	for (k = 0; k < nxml; k++) {
		if (!used[k])
			fprintf(stderr, "\n%s: no expectation uses it\n", xmls[k]);
		CU_ASSERT_TRUE(used[k]);
	}
	CU_ASSERT_TRUE(carriers >= 32);
	CU_ASSERT_TRUE(phones >= 3);
	for (i = 0; i < njson; i++)
		free(jsons[i]);
	for (k = 0; k < nxml; k++)
		free(xmls[k]);
}

static const struct unit_test tests[] = {
	{"every case loads, every scenario is used", test_every_case_loads},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"peer library", tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
