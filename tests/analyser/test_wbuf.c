/**
 * @file test_wbuf.c  The analyser's output writer prints what printf and
 *                    cJSON printed before it: padded fields, integers,
 *                    terminal-safe text, JSON strings and integers
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "unit.h"
#include "output/output.h"
#include "output/wbuf.h"

static char *text;
static size_t textlen;
static FILE *mf;
static struct wbuf w;

static void open_w(void)
{
	free(text);
	text = NULL;
	mf = open_memstream(&text, &textlen);
	wb_init(&w, mf);
}

static const char *close_w(void)
{
	wb_flush(&w);
	fclose(mf);
	return text;
}

static void test_printf_fields(void)
{
	static const uint64_t nums[] = {0, 7, 1234567, 12345678,
					18446744073709551615ULL};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		open_w();
		wb_u64(&w, nums[i], 7);
		wb_pad(&w, "ab", 9);
		wb_pad(&w, "A -> B", -7);
		wb_pad(&w, "10.0.0.1:5060 -> 10.0.0.2:5060", -7);
		wb_chr(&w, '|');
		snprintf(want, sizeof(want), "%7llu%9s%-7s%-7s|",
			 (unsigned long long)nums[i], "ab", "A -> B",
			 "10.0.0.1:5060 -> 10.0.0.2:5060");
		CU_ASSERT_STRING_EQUAL(close_w(), want);
	}
}

static void test_vis(void)
{
	char big[3000];

	open_w();
	wb_vis(&w, "a\x1b[2Jb\x7f\tc", 1023);
	wb_vis(&w, NULL, 1023);
	CU_ASSERT_STRING_EQUAL(close_w(), "a?[2Jb??c");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	open_w();
	wb_vis(&w, big, 1023);
	CU_ASSERT_EQUAL(strlen(close_w()), 1023);
}

/* Random strings against the byte-by-byte rule, control characters at
 * every offset of the 8-byte steps, cut at random lengths */
static void test_vis_random(void)
{
	static const char alpha[] = {1, 0x1f, 0x20, 'a', '~', 0x7f,
				     (char)0x80, (char)0xff, '\t', 'Z'};
	char in[48], want[48];
	unsigned round;

	srand(3);
	for (round = 0; round < 5000; round++) {
		size_t len = (size_t)(rand() % 40), max = (size_t)(rand() % 45);
		size_t i, n = 0;

		for (i = 0; i < len; i++)
			in[i] = rand() % 4 ? 'x' : alpha[rand() % 10];
		in[len] = '\0';
		for (i = 0; i < len && i < max; i++)
			want[n++] = (unsigned char)in[i] < 0x20 ||
				in[i] == 0x7f ? '?' : in[i];
		want[n] = '\0';
		open_w();
		wb_vis(&w, in, max);
		CU_ASSERT_STRING_EQUAL(close_w(), want);
	}
}

/* Longer than the buffer, so the writer flushes on the way */
static void test_flush(void)
{
	size_t i;

	open_w();
	for (i = 0; i < 3 * WBUF_SIZE; i++)
		wb_chr(&w, 'y');
	wb_fill(&w, 'z', WBUF_SIZE + 5);
	(void)close_w();
	CU_ASSERT_EQUAL(textlen, 4 * WBUF_SIZE + 5);
	CU_ASSERT_EQUAL(text[textlen - 1], 'z');
}

static void test_json_like_cjson(void)
{
	static const char *const strs[] = {
		"", "plain", "q\"b\\s", "\b\f\n\r\t", "\x01\x1f\x7f",
		"caf\xc3\xa9", "\xff\xfe",
	};
	static const uint16_t ints[] = {0, 1, 100, 202, 408, 699, 65535};
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		cJSON *s = cJSON_CreateString(strs[i]);
		char *want = cJSON_PrintUnformatted(s);

		open_w();
		wb_json_str(&w, strs[i]);
		CU_ASSERT_STRING_EQUAL(close_w(), want);
		cJSON_free(want);
		cJSON_Delete(s);
	}
	open_w();
	wb_json_str(&w, NULL);
	CU_ASSERT_STRING_EQUAL(close_w(), "null");
	/* the hook payloads' integers (status codes) */
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		cJSON *n = cJSON_CreateNumber(ints[i]);
		char *want = cJSON_PrintUnformatted(n);

		open_w();
		wb_u64(&w, ints[i], 0);
		CU_ASSERT_STRING_EQUAL(close_w(), want);
		cJSON_free(want);
		cJSON_Delete(n);
	}
}

/* Strings longer than the pieces the writer escapes them in (a sixth
 * of the buffer), escapes at every offset of the 8-byte steps */
static void test_json_long(void)
{
	static const char alpha[] = {'"', '\\', '\n', 1, 0x1f, 0x7f,
				     (char)0xc3, 'x'};
	enum { LEN = 3 * WBUF_SIZE };
	char *in = malloc(LEN + 1);
	unsigned round;

	if (!in) {
		CU_FAIL("out of memory");
		return;
	}
	srand(5);
	for (round = 0; round < 4; round++) {
		size_t i, len = LEN - (size_t)(rand() % 64);
		cJSON *s;
		char *want;

		for (i = 0; i < len; i++)
			in[i] = round && rand() % 5 == 0 ? alpha[rand() % 8]
							  : 'a';
		in[len] = '\0';
		s = cJSON_CreateString(in);
		want = cJSON_PrintUnformatted(s);
		open_w();
		wb_json_str(&w, in);
		CU_ASSERT_STRING_EQUAL(close_w(), want);
		cJSON_free(want);
		cJSON_Delete(s);
	}
	free(in);
}

static void test_addr_like_libre(void)
{
	static const struct {
		const char *ip;
		uint16_t port;
	} addrs[] = {
		{"0.0.0.0", 0}, {"10.0.0.1", 5060}, {"192.168.100.2", 5080},
		{"255.255.255.255", 65535}, {"1.22.133.4", 7}, {"::1", 5060},
		{"2001:db8::10", 5070},
	};
	char got[64], want[64];
	struct sa sa;
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		CU_ASSERT_EQUAL(sa_set_str(&sa, addrs[i].ip, addrs[i].port), 0);
		addr_text(got, sizeof(got), &sa);
		(void)re_snprintf(want, sizeof(want), "%J", &sa);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
	sa_init(&sa, AF_UNSPEC);
	addr_text(got, sizeof(got), &sa);
	(void)re_snprintf(want, sizeof(want), "%J", &sa);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_done(void)
{
	free(text);
	text = NULL;
}

static const struct unit_test tests[] = {
	{"padded strings and integers as printf", test_printf_fields},
	{"control characters shown as '?', 1023 at most", test_vis},
	{"the same on random strings", test_vis_random},
	{"output longer than the buffer", test_flush},
	{"JSON strings and integers as cJSON", test_json_like_cjson},
	{"JSON strings longer than the buffer", test_json_long},
	{"addresses as libre's %J", test_addr_like_libre},
	{"cleanup", test_done},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"output writer", tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
