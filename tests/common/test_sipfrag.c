/**
 * @file test_sipfrag.c  Unit tests for sipfrag status-line reading
 */
#include <string.h>
#include "sipfrag.h"
#include "unit.h"

static int decode(struct sipfrag_status *st, const char *body)
{
	return sipfrag_status_decode(st, body, strlen(body));
}

static void test_plain_status_lines(void)
{
	static const struct { const char *body; uint16_t code; const char *reason; } cases[] = {
		{"SIP/2.0 100 Trying\r\n", 100, "Trying"},
		{"SIP/2.0 180 Ringing\r\n", 180, "Ringing"},
		{"SIP/2.0 200 OK\r\n", 200, "OK"},
		{"SIP/2.0 486 Busy Here\r\n", 486, "Busy Here"},
		{"SIP/2.0 603 Declined\r\nContact: <sip:x@y>\r\n\r\n", 603, "Declined"},
	};
	struct sipfrag_status st;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(decode(&st, cases[i].body), 0);
		CU_ASSERT_EQUAL(st.scode, cases[i].code);
		CU_ASSERT_EQUAL(pl_strcmp(&st.reason, cases[i].reason), 0);
		CU_ASSERT_EQUAL(st.leniency, 0);
	}
}

static void test_lenient_forms_are_flagged(void)
{
	struct sipfrag_status st;

	CU_ASSERT_EQUAL(decode(&st, "\r\n  SIP/2.0 200 OK\r\n"), 0);
	CU_ASSERT_EQUAL(st.scode, 200);
	CU_ASSERT_EQUAL(st.leniency, SIPFRAG_LEADING_SPACE);

	CU_ASSERT_EQUAL(decode(&st, "sip/2.0 180 Ringing\r\n"), 0);
	CU_ASSERT_EQUAL(st.leniency, SIPFRAG_VERSION_CASE);

	CU_ASSERT_EQUAL(decode(&st, "SIP/2.0 200\r\n"), 0);
	CU_ASSERT_EQUAL(st.leniency, SIPFRAG_NO_REASON);

	CU_ASSERT_EQUAL(decode(&st, "SIP/2.0 200 OK"), 0);
	CU_ASSERT_EQUAL(st.leniency, SIPFRAG_NO_CRLF);
	CU_ASSERT_EQUAL(pl_strcmp(&st.reason, "OK"), 0);

	CU_ASSERT_EQUAL(decode(&st, "SIP/2.0 100 Trying\n"), 0);
	CU_ASSERT_EQUAL(st.leniency, SIPFRAG_NO_CRLF);
	CU_ASSERT_EQUAL(pl_strcmp(&st.reason, "Trying"), 0);
}

static void test_not_a_status_line(void)
{
	static const char *bad[] = {
		"", "\r\n", "SIP/2.0", "SIP/2.0 ", "SIP/2.0 OK\r\n",
		"SIP/2.0 20 OK\r\n", "SIP/2.0 2000 OK\r\n", "SIP/2.0 099 X\r\n",
		"SIP/2.0 700 X\r\n", "SIP/2.0 180x Ringing\r\n",
		"INVITE sip:bob@example.com SIP/2.0\r\n", "HTTP/1.1 200 OK\r\n",
		"SIP/3.0 200 OK\r\n", "<html>200 OK</html>",
	};
	struct sipfrag_status st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(decode(&st, bad[i]), EBADMSG);
}

static void test_body_is_not_read_past_len(void)
{
	struct sipfrag_status st;
	const char body[] = "SIP/2.0 180 Ringing\r\n";

	/* Cut inside the code: the bytes after len must not be looked at. */
	CU_ASSERT_EQUAL(sipfrag_status_decode(&st, body, 10), EBADMSG);
	CU_ASSERT_EQUAL(sipfrag_status_decode(&st, body, 11), 0);
	CU_ASSERT_EQUAL(st.scode, 180);
}

static void test_content_type(void)
{
	struct pl msg = PL("message"), frag = PL("sipfrag");
	struct pl odd_t = PL("Message"), odd_s = PL("SIPFRAG");
	struct pl text = PL("text"), plain = PL("plain");

	CU_ASSERT_TRUE(sipfrag_is_content_type(&msg, &frag));
	CU_ASSERT_TRUE(sipfrag_is_content_type(&odd_t, &odd_s));
	CU_ASSERT_FALSE(sipfrag_is_content_type(&text, &plain));
	CU_ASSERT_FALSE(sipfrag_is_content_type(&msg, &plain));
	CU_ASSERT_FALSE(sipfrag_is_content_type(NULL, &frag));
}

static const struct unit_test sipfrag_tests[] = {
	{"plain status lines", test_plain_status_lines},
	{"lenient forms are flagged", test_lenient_forms_are_flagged},
	{"not a status line", test_not_a_status_line},
	{"body is not read past len", test_body_is_not_read_past_len},
	{"content type", test_content_type},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"sipfrag", sipfrag_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
