/**
 * @file test_referuri.c  Refer-To / Referred-By normalisation (spec §2)
 */
#include <string.h>
#include <re.h>
#include "referuri.h"
#include "unit.h"

struct ncase {
	const char *value, *host, *want;
};

static void check_refer_to(const struct ncase *c)
{
	char *out = NULL;
	int err = referuri_refer_to(&out, c->value, c->host);

	CU_ASSERT_EQUAL(err, 0);
	if (err || !out || strcmp(out, c->want))
		fprintf(stderr, "\n  referTo '%s' @ %s: want '%s', got '%s' "
			"(err %d)\n", c->value, c->host, c->want,
			out ? out : "(null)", err);
	CU_ASSERT(out && !strcmp(out, c->want));
	mem_deref(out);
}

static void test_refer_to(void)
{
	static const struct ncase cases[] = {
		/* bare numbers and users take the far end's host */
		{"+15083084809", "carrier.example.com",
		 "<sip:+15083084809@carrier.example.com>"},
		{"15083084809", "10.0.0.1", "<sip:15083084809@10.0.0.1>"},
		{"1000", "pbx.local", "<sip:1000@pbx.local>"},
		{"alice", "127.0.0.1", "<sip:alice@127.0.0.1>"},
		{"  +1508  ", "h", "<sip:+1508@h>"},
		{"alice", "[::1]", "<sip:alice@[::1]>"},
		{"*72", "h", "<sip:*72@h>"},
		/* a user with a host already: only the scheme is added */
		{"bob@biloxi.example.com", "other", "<sip:bob@biloxi.example.com>"},
		/* URIs are wrapped, so their parameters stay theirs */
		{"sip:bob@biloxi.example.com", "h", "<sip:bob@biloxi.example.com>"},
		{"sips:bob@biloxi.example.com", "h", "<sips:bob@biloxi.example.com>"},
		{"tel:+15083084809", "h", "<tel:+15083084809>"},
		{"SIP:Bob@B.example", "h", "<SIP:Bob@B.example>"},
		{"sip:bob@b.example;transport=tcp", "h",
		 "<sip:bob@b.example;transport=tcp>"},
		{"sip:bob@b.example?Replaces=abc%3Bto-tag%3D1", "h",
		 "<sip:bob@b.example?Replaces=abc%3Bto-tag%3D1>"},
		{" sip:bob@b.example ", "h", "<sip:bob@b.example>"},
		/* name-addrs are used as given */
		{"<sip:bob@b.example>", "h", "<sip:bob@b.example>"},
		{"\"Bob\" <sip:bob@b.example>", "h", "\"Bob\" <sip:bob@b.example>"},
		{"<sip:bob@b.example;transport=tcp>", "h",
		 "<sip:bob@b.example;transport=tcp>"},
		{"<tel:+1508>", "h", "<tel:+1508>"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_refer_to(&cases[i]);
}

static void test_referred_by(void)
{
	static const struct {
		const char *value, *display, *host, *want;
	} cases[] = {
		{"+15083084809", NULL, "h", "<sip:+15083084809@h>"},
		{"+15083084809", "", "h", "<sip:+15083084809@h>"},
		{"+15083084809", "Main Line", "h",
		 "\"Main Line\" <sip:+15083084809@h>"},
		{"alice", "Al \"the\" \\ One", "h",
		 "\"Al \\\"the\\\" \\\\ One\" <sip:alice@h>"},
		{"sip:alice@a.example", "Alice", "h",
		 "\"Alice\" <sip:alice@a.example>"},
		{"<sip:alice@a.example>", "Ignored", "h", "<sip:alice@a.example>"},
	};
	char *out;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		out = NULL;
		CU_ASSERT_EQUAL(referuri_referred_by(&out, cases[i].value,
						     cases[i].display,
						     cases[i].host), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_STRING_EQUAL(out, cases[i].want);
		mem_deref(out);
	}
}

static void test_refused(void)
{
	static const char *bad[] = {
		"", "   ", "sip:bob@b\r\nX-Evil: 1", "bob\n",
		"<sip:bob@b.example", "\"Bob\" sip:bob@b.example",
		"<sip:bob@b.example> trailing", "bob <sip:bob@b>", "two words",
	};
	char *out = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CU_ASSERT_PTR_NOT_NULL(referuri_invalid(bad[i]));
		CU_ASSERT_EQUAL(referuri_refer_to(&out, bad[i], "h"), EINVAL);
		CU_ASSERT_PTR_NULL(out);
	}
	CU_ASSERT_PTR_NULL(referuri_invalid("+15083084809"));
	/* a bare value needs a host to go with */
	CU_ASSERT_EQUAL(referuri_refer_to(&out, "1000", NULL), EINVAL);
	CU_ASSERT_EQUAL(referuri_refer_to(&out, "1000", ""), EINVAL);
	CU_ASSERT_EQUAL(referuri_refer_to(&out, "1000", "h\r\nX: y"), EINVAL);
	CU_ASSERT_EQUAL(referuri_referred_by(&out, "1000", "A\r\nB", "h"),
			EINVAL);
	CU_ASSERT_PTR_NULL(out);
	/* a URI needs no host */
	CU_ASSERT_EQUAL(referuri_refer_to(&out, "sip:b@c", NULL), 0);
	mem_deref(out);
}

static const struct unit_test referuri_tests[] = {
	{"Refer-To normalisation", test_refer_to},
	{"Referred-By with display names", test_referred_by},
	{"values that cannot go into a header", test_refused},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"referuri", referuri_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
