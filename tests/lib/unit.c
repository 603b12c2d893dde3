/**
 * @file unit.c  The CUnit runner shared by every unit-test binary
 */
#include <stdio.h>
#include <CUnit/Basic.h>
#include "unit.h"

static int add_suite(const struct unit_suite *s)
{
	CU_pSuite suite = CU_add_suite(s->name, NULL, NULL);
	const struct unit_test *t;

	if (!suite)
		return -1;
	for (t = s->tests; t->name; t++) {
		if (!CU_add_test(suite, t->name, t->fn))
			return -1;
	}
	return 0;
}

/* Returns 0 only when every assertion passed, so ctest sees failures. */
int unit_run(const struct unit_suite *suites)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (; suites->name; suites++) {
		if (add_suite(suites)) {
			fprintf(stderr, "unit: %s\n", CU_get_error_msg());
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
