/**
 * @file test_pcapw.c  The pcap writer, read back with libpcap
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include <re.h>
#include "pcapw.h"
#include "unit.h"

static const char *invite = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n\r\n";
static const char *ok = "SIP/2.0 200 OK\r\n\r\n";

static char path[64];

static void write_sample(void)
{
	struct pcapw *pw = NULL;
	struct sa a, b, a6, b6;

	snprintf(path, sizeof(path), "/tmp/referlab-pcapw-%d.pcap",
		 (int)getpid());
	sa_set_str(&a, "127.0.0.1", 5060);
	sa_set_str(&b, "127.0.0.2", 5070);
	sa_set_str(&a6, "::1", 5060);
	sa_set_str(&b6, "fe80::1", 5071);
	CU_ASSERT_EQUAL_FATAL(pcapw_open(&pw, path), 0);
	CU_ASSERT_EQUAL(pcapw_write(pw, 1000000, PCAPW_UDP, &a, &b,
				    (const uint8_t *)invite, strlen(invite)), 0);
	CU_ASSERT_EQUAL(pcapw_write(pw, 2000001, PCAPW_UDP, &a6, &b6,
				    (const uint8_t *)invite, strlen(invite)), 0);
	CU_ASSERT_EQUAL(pcapw_write(pw, 3000000, PCAPW_TCP, &a, &b,
				    (const uint8_t *)invite, strlen(invite)), 0);
	CU_ASSERT_EQUAL(pcapw_write(pw, 3000001, PCAPW_TCP, &b, &a,
				    (const uint8_t *)ok, strlen(ok)), 0);
	CU_ASSERT_EQUAL(pcapw_write(pw, 3000002, PCAPW_TCP, &a, &b,
				    (const uint8_t *)ok, strlen(ok)), 0);
	/* mixed families and missing arguments are refused */
	CU_ASSERT_EQUAL(pcapw_write(pw, 0, PCAPW_UDP, &a, &b6,
				    (const uint8_t *)ok, 2), EAFNOSUPPORT);
	CU_ASSERT_EQUAL(pcapw_write(pw, 0, PCAPW_UDP, &a, NULL,
				    (const uint8_t *)ok, 2), EINVAL);
	CU_ASSERT_EQUAL(pcapw_count(pw), 5);
	mem_deref(pw);
}

static uint32_t get32(const u_char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static void test_read_back(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *p;
	uint32_t seq1 = 0;
	pcap_t *pc;
	int n = 0;

	write_sample();
	pc = pcap_open_offline(path, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pc);
	CU_ASSERT_EQUAL(pcap_datalink(pc), DLT_RAW);
	while (pcap_next_ex(pc, &h, &p) == 1) {
		++n;
		CU_ASSERT_EQUAL(h->caplen, h->len);
		if (n == 1) {      /* IPv4 UDP 5060 -> 5070 */
			CU_ASSERT_EQUAL(h->ts.tv_sec, 1);
			CU_ASSERT_EQUAL(p[0], 0x45);
			CU_ASSERT_EQUAL(p[9], 17);
			CU_ASSERT_EQUAL(p[20] << 8 | p[21], 5060);
			CU_ASSERT_EQUAL(p[22] << 8 | p[23], 5070);
			CU_ASSERT_EQUAL(h->caplen, 28 + strlen(invite));
			CU_ASSERT_EQUAL(memcmp(p + 28, invite, strlen(invite)), 0);
		}
		if (n == 2) {      /* IPv6 UDP */
			CU_ASSERT_EQUAL(h->ts.tv_usec, 1);
			CU_ASSERT_EQUAL(p[0] >> 4, 6);
			CU_ASSERT_EQUAL(p[6], 17);
			CU_ASSERT_EQUAL(h->caplen, 48 + strlen(invite));
		}
		if (n == 3) {      /* TCP: sequence numbers advance */
			CU_ASSERT_EQUAL(p[9], 6);
			seq1 = get32(p + 24);
		}
		if (n == 4)        /* the answer acknowledges the request */
			CU_ASSERT_EQUAL(get32(p + 28),
					seq1 + (uint32_t)strlen(invite));
		if (n == 5)
			CU_ASSERT_EQUAL(get32(p + 24),
					seq1 + (uint32_t)strlen(invite));
	}
	CU_ASSERT_EQUAL(n, 5);
	pcap_close(pc);
	unlink(path);
}

static void test_open_errors(void)
{
	struct pcapw *pw = NULL;

	CU_ASSERT_NOT_EQUAL(pcapw_open(&pw, "/dev/null/x.pcap"), 0);
	CU_ASSERT_PTR_NULL(pw);
	CU_ASSERT_EQUAL(pcapw_open(&pw, ""), EINVAL);
	CU_ASSERT_EQUAL(pcapw_count(NULL), 0);
}

static const struct unit_test pcapw_tests[] = {
	{"records read back with libpcap", test_read_back},
	{"open errors", test_open_errors},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"pcapw", pcapw_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
