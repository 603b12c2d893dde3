/**
 * @file unit.h  The CUnit runner shared by every unit-test binary
 *
 * A test file lists its tests in arrays and ends with
 *     int main(void) { return unit_run(suites); }
 * where suites is a { name, tests } array closed by { NULL, NULL }.
 */
#ifndef REFERLAB_UNIT_H
#define REFERLAB_UNIT_H

#include <CUnit/CUnit.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	const struct unit_test *tests;  /* closed by { NULL, NULL } */
};

int unit_run(const struct unit_suite *suites);

#endif
