/**
 * @file test_sdpoffer.c  sdpoffer_check(): which offers the sim answers, and why not
 */
#include <string.h>
#include "sdpoffer.h"
#include "unit.h"

static const char *check(const char *sdp)
{
	static char why[128];
	struct pl pl;

	pl_set_str(&pl, sdp);
	why[0] = '\0';
	return sdpoffer_check(&pl, why, sizeof(why)) ? why : "ok";
}

static void test_good(void)
{
	CU_ASSERT_STRING_EQUAL(check("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
				     "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				     "m=audio 4000 RTP/AVP 0 8\r\n"
				     "a=rtpmap:0 PCMU/8000\r\n"), "ok");
	/* LF line ends, no final one, c= in the media section */
	CU_ASSERT_STRING_EQUAL(check("v=0\no=- 1 1 IN IP6 ::1\ns=\nt=0 0\n"
				     "m=audio 4000 RTP/AVP 0\nc=IN IP6 ::1"),
			       "ok");
	CU_ASSERT_STRING_EQUAL(check("v=0\r\nm=audio 1 RTP/AVP 0\r\n"
				     "c=IN IP4 192.0.2.1\r\n\r\n\r\n"), "ok");
}

static void test_refused(void)
{
	CU_ASSERT_STRING_EQUAL(check(" not sdp \r\n"),
			       "line 1 is not TYPE=VALUE");
	CU_ASSERT_STRING_EQUAL(check(""), "it is empty");
	CU_ASSERT_STRING_EQUAL(check("\r\n"), "it is empty");
	CU_ASSERT_STRING_EQUAL(check("v=1\r\nm=audio 1 RTP/AVP 0\r\n"),
			       "it does not begin with v=0");
	CU_ASSERT_STRING_EQUAL(check("o=- 1 1 IN IP4 192.0.2.1\r\nv=0\r\n"),
			       "it does not begin with v=0");
	CU_ASSERT_STRING_EQUAL(check("v=0\r\nc=IN IP4 192.0.2.1\r\n\r\n"
				     "m=audio 1 RTP/AVP 0\r\n"),
			       "line 3 is not TYPE=VALUE");
	CU_ASSERT_STRING_EQUAL(check("v=0\r\nM=audio 1 RTP/AVP 0\r\n"),
			       "line 2 is not TYPE=VALUE");
	CU_ASSERT_STRING_EQUAL(check("v=0\r\nc=IN IP4 192.0.2.1\r\n"),
			       "it has no m= line (no media)");
	CU_ASSERT_STRING_EQUAL(check("v=0\r\nm=audio 1 RTP/AVP 0\r\n"),
			       "it has no c= line (no address)");
	CU_ASSERT_STRING_EQUAL(check("{\"sdp\": true}"),
			       "line 1 is not TYPE=VALUE");
}

static const struct unit_test sdpoffer_tests[] = {
	{"offers answered", test_good},
	{"offers refused, with the reason", test_refused},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"sdpoffer", sdpoffer_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
