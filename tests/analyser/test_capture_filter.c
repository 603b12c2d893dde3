/**
 * @file test_capture_filter.c  The live capture's BPF filter: a case's
 *                              capture holds its own ports and hosts only
 *
 * The filter capture_filter builds is compiled by libpcap, as the live
 * capture does, and run on frames as the loopback carries them: the
 * case's packets pass; a neighbour case's, on the ports next to its own,
 * on another address or another protocol, do not.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <re.h>
#include "capture/capture.h"
#include "unit.h"

enum { ETH = 14, IP4 = 20, IP6 = 40, L4 = 20 };

static size_t put_ports(uint8_t *p, const struct sa *src, const struct sa *dst)
{
	uint16_t sp = htons(sa_port(src)), dp = htons(sa_port(dst));

	memcpy(p, &sp, 2);
	memcpy(p + 2, &dp, 2);
	return L4;   /* a UDP header and room for a TCP one */
}

/* Ethernet (what Linux's "lo" carries) + IPv4/IPv6 + ports */
static size_t frame(uint8_t *b, int proto, const struct sa *src,
		    const struct sa *dst)
{
	memset(b, 0, ETH + IP6 + L4);
	if (sa_af(src) == AF_INET) {
		uint32_t s = htonl(sa_in(src)), d = htonl(sa_in(dst));

		b[12] = 0x08;
		b[ETH] = 0x45;
		b[ETH + 3] = IP4 + L4;
		b[ETH + 8] = 64;
		b[ETH + 9] = (uint8_t)proto;
		memcpy(b + ETH + 12, &s, 4);
		memcpy(b + ETH + 16, &d, 4);
		return ETH + IP4 + put_ports(b + ETH + IP4, src, dst);
	}
	b[12] = 0x86;
	b[13] = 0xdd;
	b[ETH] = 0x60;
	b[ETH + 5] = L4;
	b[ETH + 6] = (uint8_t)proto;
	b[ETH + 7] = 64;
	sa_in6(src, b + ETH + 8);
	sa_in6(dst, b + ETH + 24);
	return ETH + IP6 + put_ports(b + ETH + IP6, src, dst);
}

static struct bpf_program prog;
static pcap_t *dead;

static void compile(const struct sa *addrs, size_t na, const uint16_t *ports,
		    size_t np)
{
	char expr[1024];

	CU_ASSERT_EQUAL_FATAL(capture_filter(expr, sizeof(expr), addrs, na,
					     ports, np), 0);
	CU_ASSERT_EQUAL_FATAL(pcap_compile(dead, &prog, expr, 1,
					   PCAP_NETMASK_UNKNOWN), 0);
}

static bool passes(int proto, const char *src, uint16_t sport,
		   const char *dst, uint16_t dport)
{
	struct pcap_pkthdr h;
	uint8_t b[ETH + IP6 + L4];
	struct sa s, d;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(sa_set_str(&s, src, sport), 0);
	CU_ASSERT_EQUAL(sa_set_str(&d, dst, dport), 0);
	h.caplen = h.len = (uint32_t)frame(b, proto, &s, &d);
	return pcap_offline_filter(&prog, &h, b) != 0;
}

static void test_own_ports_only(void)
{
	/* two cases side by side: this one's IUT on 24000, its peer on 24002 */
	const uint16_t ports[] = {24000, 24002};
	struct sa lo;

	sa_set_str(&lo, "127.0.0.1", 0);
	compile(&lo, 1, ports, 2);
	CU_ASSERT_TRUE(passes(IPPROTO_UDP, "127.0.0.1", 24000, "127.0.0.1", 24002));
	CU_ASSERT_TRUE(passes(IPPROTO_UDP, "127.0.0.1", 24002, "127.0.0.1", 24000));
	/* TCP: the dialling side's port is the kernel's */
	CU_ASSERT_TRUE(passes(IPPROTO_TCP, "127.0.0.1", 41234, "127.0.0.1", 24002));
	/* what this case's IUT sends to a wrong port is still its own */
	CU_ASSERT_TRUE(passes(IPPROTO_UDP, "127.0.0.1", 24000, "127.0.0.1", 5060));
	/* the neighbour's call, on the ports next to this case's */
	CU_ASSERT_FALSE(passes(IPPROTO_UDP, "127.0.0.1", 24001, "127.0.0.1", 24003));
	CU_ASSERT_FALSE(passes(IPPROTO_UDP, "127.0.0.1", 23999, "127.0.0.1", 24001));
	CU_ASSERT_FALSE(passes(IPPROTO_TCP, "127.0.0.1", 41234, "127.0.0.1", 24003));
	/* another address, the hook server's HTTP, not SIP transports */
	CU_ASSERT_FALSE(passes(IPPROTO_UDP, "127.0.0.2", 24000, "127.0.0.2", 24002));
	CU_ASSERT_FALSE(passes(132 /* SCTP */, "127.0.0.1", 24000, "127.0.0.1",
			       24002));
	pcap_freecode(&prog);
}

static void test_two_addresses(void)
{
	const uint16_t ports[] = {25010, 25020};
	struct sa a[2];

	sa_set_str(&a[0], "::1", 0);
	sa_set_str(&a[1], "127.0.0.1", 0);
	compile(a, 2, ports, 2);
	CU_ASSERT_TRUE(passes(IPPROTO_UDP, "::1", 25010, "::1", 25020));
	CU_ASSERT_TRUE(passes(IPPROTO_TCP, "127.0.0.1", 25020, "127.0.0.1", 40000));
	CU_ASSERT_FALSE(passes(IPPROTO_UDP, "::1", 25011, "::1", 25021));
	CU_ASSERT_FALSE(passes(IPPROTO_UDP, "::2", 25010, "::2", 25020));
	pcap_freecode(&prog);
}

static void test_text(void)
{
	const uint16_t ports[] = {21000, 21003};
	struct sa a[2];
	char expr[128];

	sa_set_str(&a[0], "127.0.0.1", 0);
	sa_init(&a[1], AF_UNSPEC);   /* no IP: left out */
	CU_ASSERT_EQUAL(capture_filter(expr, sizeof(expr), a, 2, ports, 2), 0);
	CU_ASSERT_STRING_EQUAL(expr, "(udp or tcp) and (host 127.0.0.1) and "
			       "(port 21000 or port 21003)");
	CU_ASSERT_EQUAL(capture_filter(expr, sizeof(expr), NULL, 0, ports, 1),
			0);
	CU_ASSERT_STRING_EQUAL(expr, "(udp or tcp) and (port 21000)");
	CU_ASSERT_EQUAL(capture_filter(expr, sizeof(expr), a, 1, NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(expr, "");
}

/* A filter that does not fit is an error, never a shorter (wider) one */
static void test_too_long(void)
{
	uint16_t ports[64];
	char expr[256];
	size_t i;

	for (i = 0; i < 64; i++)
		ports[i] = (uint16_t)(20000 + i);
	CU_ASSERT_EQUAL(capture_filter(expr, sizeof(expr), NULL, 0, ports, 64),
			ENOSPC);
	CU_ASSERT_EQUAL(capture_filter(expr, 0, NULL, 0, ports, 1), EINVAL);
}

static const struct unit_test filter_tests[] = {
	{"own ports and host only", test_own_ports_only},
	{"two addresses", test_two_addresses},
	{"the expression", test_text},
	{"too long is an error", test_too_long},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"capture_filter", filter_tests},
	{NULL, NULL},
};

int main(void)
{
	int r;

	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead)
		return 2;
	r = unit_run(suites);
	pcap_close(dead);
	return r;
}
