/**
 * @file test_hookurl.c  hook_url_resolve(): dot segments removed (RFC 3986 5.2.4), the RFC's own examples
 */
#include <string.h>
#include "hookint.h"
#include "unit.h"

struct resolve_case {
	const char *url, *base, *want;
};

static void check(const struct resolve_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *got = NULL;

		CU_ASSERT_EQUAL_FATAL(hook_url_resolve(&got, cases[i].url,
						       cases[i].base), 0);
		if (strcmp(got, cases[i].want)) {
			fprintf(stderr, "\n%s + %s -> %s, expected %s\n",
				cases[i].base, cases[i].url, got,
				cases[i].want);
			CU_FAIL("wrong resolution");
		}
		mem_deref(got);
	}
}

/* RFC 3986 sections 5.4.1 and 5.4.2 with the base http://a/b/c/d;p?q,
 * every example our URLs can be (http, a host, no empty reference). */
static void test_rfc_examples(void)
{
	static const char *const base = "http://a/b/c/d;p?q";
	static const struct resolve_case cases[] = {
		{"g", base, "http://a/b/c/g"},
		{"./g", base, "http://a/b/c/g"},
		{"g/", base, "http://a/b/c/g/"},
		{"/g", base, "http://a/g"},
		{"//g", base, "http://g"},
		{"?y", base, "http://a/b/c/d;p?y"},
		{"g?y", base, "http://a/b/c/g?y"},
		{"g;x", base, "http://a/b/c/g;x"},
		{"g;x?y#s", base, "http://a/b/c/g;x?y#s"},
		{".", base, "http://a/b/c/"},
		{"./", base, "http://a/b/c/"},
		{"..", base, "http://a/b/"},
		{"../", base, "http://a/b/"},
		{"../g", base, "http://a/b/g"},
		{"../..", base, "http://a/"},
		{"../../", base, "http://a/"},
		{"../../g", base, "http://a/g"},
		{"../../../g", base, "http://a/g"},
		{"../../../../g", base, "http://a/g"},
		{"/./g", base, "http://a/g"},
		{"/../g", base, "http://a/g"},
		{"g.", base, "http://a/b/c/g."},
		{".g", base, "http://a/b/c/.g"},
		{"g..", base, "http://a/b/c/g.."},
		{"..g", base, "http://a/b/c/..g"},
		{"./../g", base, "http://a/b/g"},
		{"./g/.", base, "http://a/b/c/g/"},
		{"g/./h", base, "http://a/b/c/g/h"},
		{"g/../h", base, "http://a/b/c/h"},
		{"g;x=1/./y", base, "http://a/b/c/g;x=1/y"},
		{"g;x=1/../y", base, "http://a/b/c/y"},
		{"g?y/./x", base, "http://a/b/c/g?y/./x"},
		{"g?y/../x", base, "http://a/b/c/g?y/../x"},
		{"g#s/./x", base, "http://a/b/c/g#s/./x"},
		{"g#s/../x", base, "http://a/b/c/g#s/../x"},
	};

	check(cases, ARRAY_SIZE(cases));
}

/* What hook URLs look like: the base's credentials and the retry policy
 * survive; an absolute URL is cleaned too (RFC 3986 5.2.2). */
static void test_hook_urls(void)
{
	static const struct resolve_case cases[] = {
		{"../action", "http://127.0.0.1:3100/v1/hooks/call",
		 "http://127.0.0.1:3100/v1/action"},
		{"../../../action#rp=5xx&rc=2", "http://u:p@h:1/v1/call",
		 "http://u:p@h:1/action#rp=5xx&rc=2"},
		{"./event?x=1", "http://h:1/app", "http://h:1/event?x=1"},
		{"/a/./b/../c", "http://h:1/app", "http://h:1/a/c"},
		{"http://abs:9/x/../y", NULL, "http://abs:9/y"},
		{"http://abs:9", NULL, "http://abs:9"},
		{"action", "http://h:1", "http://h:1/action"},
	};

	check(cases, ARRAY_SIZE(cases));
}

static const struct unit_test hookurl_tests[] = {
	{"RFC 3986 5.4 examples", test_rfc_examples},
	{"hook URLs with dot segments", test_hook_urls},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"hook url resolution", hookurl_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
