/**
 * @file test_decode.c  Every decoder layer on captures built here:
 *                      pcap/pcapng reading, link types, IP fragments,
 *                      TCP streams, SIP framing
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <re.h>
#include "unit.h"
#include "pcapgen.h"
#include "decode/decoder.h"
#include "decode/ip.h"
#include "decode/link.h"
#include "decode/pcapfile.h"
#include "decode/sipframe.h"
#include "decode/sipmsg.h"

enum { MAX_GOT = 32 };

static const char invite[] =
	"INVITE sip:bob@127.0.0.2 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
	"From: <sip:alice@127.0.0.1>;tag=a1\r\n"
	"To: <sip:bob@127.0.0.2>\r\n"
	"Call-ID: c1@test\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@127.0.0.1:5070>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"v=0\n";

static const char ok[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
	"From: <sip:alice@127.0.0.1>;tag=a1\r\n"
	"To: <sip:bob@127.0.0.2>;tag=b1\r\n"
	"Call-ID: c1@test\r\n"
	"CSeq: 1 INVITE\r\n"
	"l: 0\r\n"
	"\r\n";

struct cap {
	char *buf;
	size_t len;
	FILE *w;
	struct pcapgen *g;
};

struct got {
	unsigned n, errors;
	char line[MAX_GOT][48];
	uint64_t frame[MAX_GOT];
	enum sip_transp tp[MAX_GOT];
	size_t body[MAX_GOT];
	char last_error[160];
};

static struct sa a4, b4, a6, b6;

static void addrs(void)
{
	sa_set_str(&a4, "127.0.0.1", 5070);
	sa_set_str(&b4, "127.0.0.2", 5080);
	sa_set_str(&a6, "2001:db8::1", 5070);
	sa_set_str(&b6, "2001:db8::2", 5080);
}

static void cap_begin(struct cap *c, enum pg_format fmt, uint32_t lt)
{
	memset(c, 0, sizeof(*c));
	addrs();
	c->w = open_memstream(&c->buf, &c->len);
	CU_ASSERT_FATAL(c->w != NULL);
	CU_ASSERT_FATAL(pcapgen_open(&c->g, c->w, fmt, lt) == 0);
}

static void cap_end(struct cap *c)
{
	c->g = mem_deref(c->g);
	fclose(c->w);
}

static void msg_h(const struct wire_msg *wm, void *arg)
{
	struct got *g = arg;
	const struct sip_msg *m = wm->msg;

	if (g->n >= MAX_GOT)
		return;
	/* the scanner's view and libre's agree on what each layer needs */
	CU_ASSERT_FATAL(wm->sm != NULL);
	CU_ASSERT(wm->sm->req == m->req && wm->sm->scode == m->scode);
	CU_ASSERT(!pl_cmp(&wm->sm->callid, &m->callid));
	CU_ASSERT(!pl_cmp(&wm->sm->via.branch, &m->via.branch));
	CU_ASSERT(wm->sm->body.l == wm->body.l);
	if (m->req)
		re_snprintf(g->line[g->n], sizeof(g->line[0]), "%r", &m->met);
	else
		re_snprintf(g->line[g->n], sizeof(g->line[0]), "%u",
			    m->scode);
	g->frame[g->n] = wm->frame;
	g->tp[g->n] = wm->tp;
	g->body[g->n] = wm->body.l;
	++g->n;
}

static void err_h(uint64_t frame, const char *what, void *arg)
{
	struct got *g = arg;

	(void)frame;
	snprintf(g->last_error, sizeof(g->last_error), "%s", what);
	++g->errors;
}

/* Read the capture back through the whole pipeline. */
static int decode(struct cap *c, struct got *g)
{
	struct pcapfile *pf = NULL;
	struct decoder *d = NULL;
	struct pcap_frame fr;
	char why[256];
	FILE *r;
	int err;

	memset(g, 0, sizeof(*g));
	r = fmemopen(c->buf, c->len, "rb");
	CU_ASSERT_FATAL(r != NULL);
	err = pcapfile_fopen(&pf, r, why, sizeof(why));
	if (!err)
		err = decoder_alloc(&d, msg_h, err_h, g);
	while (!err && !(err = pcapfile_next(pf, &fr)))
		decoder_frame(d, &fr);
	decoder_flush(d);
	mem_deref(d);
	mem_deref(pf);
	fclose(r);
	free(c->buf);
	return err == ENOENT ? 0 : err;
}

static void two_messages(enum pg_format fmt, uint32_t lt, bool v6)
{
	struct cap c;
	struct got g;

	cap_begin(&c, fmt, lt);
	CU_ASSERT(!pcapgen_udp(c.g, 0, 1000000001, v6 ? &a6 : &a4,
			       v6 ? &b6 : &b4, invite, strlen(invite), 1500));
	CU_ASSERT(!pcapgen_udp(c.g, 0, 1000000002, v6 ? &b6 : &b4,
			       v6 ? &a6 : &a4, ok, strlen(ok), 1500));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.line[0], "INVITE");
	CU_ASSERT_STRING_EQUAL(g.line[1], "200");
	CU_ASSERT_EQUAL(g.frame[1], 2);
	CU_ASSERT_EQUAL(g.body[0], 4);
	CU_ASSERT_EQUAL(g.errors, 0);
}

static void test_pcap_formats(void)
{
	two_messages(PG_PCAP, LINKTYPE_ETHERNET, false);
	two_messages(PG_PCAP_NS, LINKTYPE_ETHERNET, false);
	two_messages(PG_PCAP_SWAPPED, LINKTYPE_ETHERNET, true);
	two_messages(PG_PCAPNG, LINKTYPE_ETHERNET, true);
	two_messages(PG_PCAPNG_SWAPPED, LINKTYPE_RAW, false);
}

static void test_link_types(void)
{
	static const uint32_t lts[] = {
		LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
		LINKTYPE_NULL, LINKTYPE_LOOP, LINKTYPE_RAW,
	};
	size_t i;

	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++) {
		two_messages(PG_PCAP, lts[i], false);
		two_messages(PG_PCAP, lts[i], true);
	}
	two_messages(PG_PCAP, LINKTYPE_IPV4, false);
	two_messages(PG_PCAP, LINKTYPE_IPV6, true);
}

/* Two interfaces with different link types and timestamp resolutions,
 * with a block type no reader knows in between. */
static void test_pcapng_two_interfaces(void)
{
	static const uint8_t custom[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct pcapfile *pf;
	struct pcap_frame fr;
	struct cap c;
	struct got g;
	char why[128];
	FILE *r;
	int sll;

	cap_begin(&c, PG_PCAPNG, LINKTYPE_ETHERNET);
	sll = pcapgen_iface(c.g, LINKTYPE_LINUX_SLL, 6);
	CU_ASSERT_EQUAL(sll, 1);
	CU_ASSERT(!pcapgen_udp(c.g, 0, 5000000123ULL, &a4, &b4, invite,
			       strlen(invite), 1500));
	CU_ASSERT(!pcapgen_block(c.g, 0x0bad, custom, sizeof(custom)));
	CU_ASSERT(!pcapgen_udp(c.g, (unsigned)sll, 5000001000ULL, &b4, &a4,
			       ok, strlen(ok), 1500));
	cap_end(&c);

	r = fmemopen(c.buf, c.len, "rb");
	CU_ASSERT_FATAL(!pcapfile_fopen(&pf, r, why, sizeof(why)));
	CU_ASSERT(!pcapfile_next(pf, &fr));
	CU_ASSERT_EQUAL(fr.linktype, LINKTYPE_ETHERNET);
	CU_ASSERT_EQUAL(fr.ts_ns, 5000000123ULL);     /* ns resolution */
	CU_ASSERT(!pcapfile_next(pf, &fr));
	CU_ASSERT_EQUAL(fr.num, 2);
	CU_ASSERT_EQUAL(fr.linktype, LINKTYPE_LINUX_SLL);
	CU_ASSERT_EQUAL(fr.ts_ns, 5000001000ULL);     /* µs resolution */
	CU_ASSERT_EQUAL(pcapfile_next(pf, &fr), ENOENT);
	mem_deref(pf);
	fclose(r);
	CU_ASSERT_STRING_EQUAL(pcapfile_format(NULL), "?");

	c.w = NULL;
	{
		struct cap c2 = c;

		CU_ASSERT_EQUAL(decode(&c2, &g), 0);
	}
	CU_ASSERT_EQUAL(g.n, 2);
}

static void test_bad_files(void)
{
	static char junk[] = "GET / HTTP/1.1\r\n";
	struct pcapfile *pf = NULL;
	struct pcap_frame fr;
	char why[128] = "";
	struct cap c;
	FILE *r;

	r = fmemopen(junk, sizeof(junk) - 1, "rb");
	CU_ASSERT_EQUAL(pcapfile_fopen(&pf, r, why, sizeof(why)), EBADMSG);
	CU_ASSERT(strstr(why, "offset 0: not a pcap") != NULL);
	fclose(r);

	/* a record cut short: the error names its offset */
	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	CU_ASSERT(!pcapgen_udp(c.g, 0, 1, &a4, &b4, invite, strlen(invite),
			       1500));
	cap_end(&c);
	r = fmemopen(c.buf, c.len - 10, "rb");
	CU_ASSERT_FATAL(!pcapfile_fopen(&pf, r, why, sizeof(why)));
	CU_ASSERT_EQUAL(pcapfile_next(pf, &fr), EBADMSG);
	CU_ASSERT(strstr(pcapfile_error(pf), "truncated") != NULL);
	CU_ASSERT(strstr(pcapfile_error(pf), "offset 24: frame 1") != NULL);
	mem_deref(pf);
	fclose(r);
	free(c.buf);
}

static char big_refer[4000];

static const char *make_big_refer(void)
{
	int n = snprintf(big_refer, sizeof(big_refer),
		"REFER sip:bob@127.0.0.2 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2\r\n"
		"From: <sip:alice@127.0.0.1>;tag=a1\r\n"
		"To: <sip:bob@127.0.0.2>;tag=b1\r\n"
		"Call-ID: c1@test\r\nCSeq: 2 REFER\r\n"
		"Refer-To: <sip:carol@127.0.0.3>\r\n");

	while (n < 3000)
		n += snprintf(big_refer + n, sizeof(big_refer) - (size_t)n,
			      "X-Padding-%d: %060d\r\n", n, 0);
	snprintf(big_refer + n, sizeof(big_refer) - (size_t)n,
		 "Content-Length: 0\r\n\r\n");
	return big_refer;
}

static void fragments(bool v6, const unsigned *order, size_t n,
		      uint64_t complete)
{
	struct cap c;
	struct got g;
	const char *m = make_big_refer();

	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	CU_ASSERT(!pcapgen_udp_frags(c.g, 0, 1000, v6 ? &a6 : &a4,
				     v6 ? &b6 : &b4, m, strlen(m), 1000,
				     order, n));
	CU_ASSERT(!pcapgen_udp(c.g, 0, 2000000, &b4, &a4, ok, strlen(ok),
			       1500));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 2);
	CU_ASSERT_STRING_EQUAL(g.line[0], "REFER");
	CU_ASSERT_EQUAL(g.frame[0], complete); /* the last fragment needed */
}

/* A datagram whose last fragment never comes is given up after
 * IP_FRAG_TIMEOUT seconds of capture time: memory stays bounded. */
static void test_ip_fragment_expiry(void)
{
	uint8_t frag[36] = {
		0x45, 0, 0, 36, 0x12, 0x34, 0x20, 0x00, 64, 17, 0, 0,
		127, 0, 0, 1, 127, 0, 0, 2,
	};
	uint8_t whole[28] = {
		0x45, 0, 0, 28, 0x12, 0x35, 0, 0, 64, 17, 0, 0,
		127, 0, 0, 1, 127, 0, 0, 2, 0x13, 0xc4, 0x13, 0xc4, 0, 8,
	};
	struct ipreasm *r = NULL;
	struct ip_pkt ip;

	CU_ASSERT_FATAL(!ipreasm_alloc(&r));
	CU_ASSERT_EQUAL(ip_decode(r, &ip, AF_INET, frag, sizeof(frag), 0),
			EAGAIN);
	CU_ASSERT_EQUAL(ipreasm_pending(r), 1);
	CU_ASSERT_EQUAL(ip_decode(r, &ip, AF_INET, whole, sizeof(whole),
				  5000000000ULL), 0);
	CU_ASSERT_EQUAL(ip.len, 8);
	CU_ASSERT_EQUAL(ipreasm_pending(r), 1);     /* 5 s: still waiting */
	frag[5] = 0x99;                              /* another datagram */
	CU_ASSERT_EQUAL(ip_decode(r, &ip, AF_INET, frag, sizeof(frag),
				  31000000000ULL), EAGAIN);
	CU_ASSERT_EQUAL(ipreasm_pending(r), 1);     /* the first one gone */
	CU_ASSERT_EQUAL(ipreasm_stats(r)->expired, 1);
	whole[3] = 200;                              /* longer than captured */
	CU_ASSERT_EQUAL(ip_decode(r, &ip, AF_INET, whole, sizeof(whole), 0),
			EBADMSG);
	CU_ASSERT_EQUAL(ipreasm_stats(r)->bad, 1);
	mem_deref(r);
}

/* pcapng Simple Packet Blocks belong to interface 0. */
static void test_pcapng_simple_block(void)
{
	static const uint8_t raw[] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
		127, 0, 0, 1, 127, 0, 0, 2, 0x13, 0xc4, 0x13, 0xc4, 0, 8, 0, 0,
	};
	uint8_t spb[4 + sizeof(raw)];
	uint32_t len = sizeof(raw);
	struct pcapfile *pf;
	struct pcap_frame fr;
	struct cap c;
	char why[64];
	FILE *r;

	memcpy(spb, &len, 4);
	memcpy(spb + 4, raw, sizeof(raw));
	cap_begin(&c, PG_PCAPNG, LINKTYPE_RAW);
	CU_ASSERT(!pcapgen_block(c.g, 3, spb, sizeof(spb)));
	cap_end(&c);
	r = fmemopen(c.buf, c.len, "rb");
	CU_ASSERT_FATAL(!pcapfile_fopen(&pf, r, why, sizeof(why)));
	CU_ASSERT_EQUAL(pcapfile_next(pf, &fr), 0);
	CU_ASSERT_EQUAL(fr.caplen, sizeof(raw));
	CU_ASSERT_EQUAL(fr.linktype, LINKTYPE_RAW);
	CU_ASSERT_STRING_EQUAL(pcapfile_format(pf), "pcapng");
	mem_deref(pf);
	fclose(r);
	free(c.buf);
}

static void test_ip_fragments(void)
{
	static const unsigned shuffled[] = {2, 0, 3, 1};
	static const unsigned dup[] = {0, 1, 1, 2, 3};

	fragments(false, NULL, 0, 4);
	fragments(true, NULL, 0, 4);
	fragments(false, shuffled, 4, 4);
	fragments(true, shuffled, 4, 4);
	fragments(false, dup, 5, 5);          /* a fragment seen twice */
}

/* A TCP stream: two messages in one segment, one message over three,
 * a retransmission, an early segment and CRLF keep-alives. */
static void test_tcp_streams(void)
{
	const char *m = make_big_refer();
	size_t ml = strlen(m), il = strlen(invite), third = ml / 3;
	char both[1024];
	struct cap c;
	struct got g;
	uint32_t seq = 1000;

	snprintf(both, sizeof(both), "%s%s", invite, invite);
	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 1, &a4, &b4, seq - 1, PG_SYN, NULL, 0));
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 2, &a4, &b4, seq, PG_ACK, both,
			       2 * il));
	seq += (uint32_t)(2 * il);
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 3, &a4, &b4, seq, PG_ACK,
			       "\r\n\r\n", 4));
	seq += 4;
	/* the REFER: part 1, part 3 (early), part 1 again, part 2 */
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 4, &a4, &b4, seq, PG_ACK, m, third));
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 5, &a4, &b4, seq + (uint32_t)(2 * third),
			       PG_ACK, m + 2 * third, ml - 2 * third));
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 6, &a4, &b4, seq, PG_ACK, m, third));
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 7, &a4, &b4, seq + (uint32_t)third,
			       PG_ACK, m + third, third));
	cap_end(&c);

	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 3);
	CU_ASSERT_STRING_EQUAL(g.line[0], "INVITE");
	CU_ASSERT_STRING_EQUAL(g.line[1], "INVITE");
	CU_ASSERT_EQUAL(g.frame[1], 2);
	CU_ASSERT_STRING_EQUAL(g.line[2], "REFER");
	CU_ASSERT_EQUAL(g.frame[2], 7);
	CU_ASSERT_EQUAL(g.tp[2], SIP_TRANSP_TCP);
	CU_ASSERT_EQUAL(g.errors, 0);
}

/* Bytes that never arrive: the stream resumes at the next message. */
static void test_tcp_gap(void)
{
	struct cap c;
	struct got g;
	size_t il = strlen(invite);

	cap_begin(&c, PG_PCAP, LINKTYPE_RAW);
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 1, &a4, &b4, 500, PG_ACK, invite, 20));
	/* bytes 20..il lost; then a whole 200 OK */
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 2, &a4, &b4, 500 + (uint32_t)il,
			       PG_ACK, ok, strlen(ok)));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_STRING_EQUAL(g.line[0], "200");
}

/* SIP is found by content: hook traffic (HTTP) in the same capture,
 * on any port, is neither SIP nor malformed; SIP on port 80 is SIP. */
static void test_by_content(void)
{
	static const char http[] =
		"POST /action HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		"Content-Type: application/json\r\nContent-Length: 17\r\n\r\n"
		"{\"referStatus\":1}";
	struct sa web;
	struct cap c;
	struct got g;

	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	sa_set_str(&web, "127.0.0.2", 80);
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 1, &a4, &b4, 1, PG_ACK, http,
			       strlen(http)));
	CU_ASSERT(!pcapgen_udp(c.g, 0, 2, &a4, &b4, http, strlen(http), 1500));
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 3, &a4, &web, 9, PG_ACK, invite,
			       strlen(invite)));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL(g.errors, 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 1);
	CU_ASSERT_STRING_EQUAL(g.line[0], "INVITE");
}

/* A capture that joins a connection in the middle of a NOTIFY: its
 * sipfrag body is not taken for a message; the next message is found. */
static void test_tcp_midstream(void)
{
	char buf[512];
	struct cap c;
	struct got g;
	int n;

	n = snprintf(buf, sizeof(buf), "ype: message/sipfrag\r\n"
		     "Content-Length: 16\r\n\r\nSIP/2.0 200 OK\r\n%s", ok);
	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	CU_ASSERT(!pcapgen_tcp(c.g, 0, 1, &a4, &b4, 777, PG_ACK, buf,
			       (size_t)n));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL(g.errors, 0);
	CU_ASSERT_EQUAL_FATAL(g.n, 1);
	CU_ASSERT_STRING_EQUAL(g.line[0], "200");
}

static void test_sipframe(void)
{
	struct sipframe f;
	const uint8_t *p = (const uint8_t *)invite;

	CU_ASSERT_EQUAL(sipframe_stream(&f, p, 10), SIPFRAME_MORE);
	CU_ASSERT_EQUAL(sipframe_stream(&f, p, strlen(invite) - 1),
			SIPFRAME_MORE);
	CU_ASSERT_EQUAL(sipframe_stream(&f, p, strlen(invite)), SIPFRAME_MSG);
	CU_ASSERT_EQUAL(f.len, strlen(invite));
	CU_ASSERT_EQUAL(sipframe_stream(&f, (const uint8_t *)"\r\n\r\nS", 5),
			SIPFRAME_KEEPALIVE);
	CU_ASSERT_EQUAL(f.len, 4);
	CU_ASSERT_EQUAL(sipframe_stream(&f, (const uint8_t *)"SIP/2", 5),
			SIPFRAME_MORE);
	CU_ASSERT_EQUAL(sipframe_stream(&f,
			(const uint8_t *)"HTTP/1.1 200 OK\r\n\r\n", 19),
			SIPFRAME_NOT_SIP);
	CU_ASSERT_EQUAL(sipframe_datagram(&f, (const uint8_t *)ok, strlen(ok)),
			SIPFRAME_MSG);           /* compact "l: 0" */
	CU_ASSERT_EQUAL(sipframe_datagram(&f, p, strlen(invite) - 2),
			SIPFRAME_BAD);           /* body shorter than CL */
	CU_ASSERT(strstr(f.why, "Content-Length 4") != NULL);
	CU_ASSERT_EQUAL(sipframe_resync((const uint8_t *)"xx\r\nyy\r\nSIP/2.0 1",
					17), 8);
	CU_ASSERT_EQUAL(sipframe_resync((const uint8_t *)
			"SIP/2.0 200 OK\r\n\r\nSIP/2.0 200 OK\r\nVia: x\r\n",
			40), 18);
}

/* The spellings of Content-Length a datagram's framing must read (RFC
 * 3261 §7.3.1: any case, whitespace before the colon; §7.3.3: "l"), and
 * names that only start like it. */
static void test_sipframe_clen(void)
{
	static const struct {
		const char *hdr;
		size_t len;             /* framed length: body bytes counted */
	} cases[] = {
		{"Content-Length: 2", 2},
		{"content-length:2", 2},
		{"CONTENT-LENGTH \t: 2", 2},
		{"l: 2", 2},
		{"L :2", 2},
		{"Content-Lengthy: 2", 4},   /* not it: the whole datagram */
		{"Content-Type: 2", 4},
		{"lx: 2", 4},
	};
	struct sipframe f;
	char buf[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = snprintf(buf, sizeof(buf), "BYE sip:a@b SIP/2.0\r\n"
				 "%s\r\n\r\nabcd", cases[i].hdr);
		size_t hlen = (size_t)n - 4;

		CU_ASSERT_EQUAL(sipframe_datagram(&f, (const uint8_t *)buf,
						  (size_t)n), SIPFRAME_MSG);
		CU_ASSERT_EQUAL(f.len, hlen + cases[i].len);
	}
	/* two that differ; one that is not a number */
	for (i = 0; i < 2; i++) {
		const char *m = i ? "BYE sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n"
				    "\r\nab"
				  : "BYE sip:a@b SIP/2.0\r\nContent-Length: x"
				    "\r\n\r\n";

		CU_ASSERT_EQUAL(sipframe_datagram(&f, (const uint8_t *)m,
						  strlen(m)), SIPFRAME_BAD);
		CU_ASSERT(strstr(f.why, i ? "twice" : "not a number") != NULL);
	}
}

/* f2, framed from the scanner's reading of whole, is f1, framed the
 * old way (res), and the message framed reads as whole does */
static bool frames_agree(enum sipframe_res res, const struct sipframe *f1,
			 const struct sipframe *f2, struct sipmsg *whole,
			 const char *text)
{
	static struct sipmsg framed;

	if (res != SIPFRAME_MSG || f1->len != f2->len ||
	    f1->no_clen != f2->no_clen)
		return false;
	sipmsg_cut(whole, f2->len);
	return !sipmsg_lines(&framed, text, f1->len, NULL) &&
		sipmsg_size(whole) == sipmsg_size(&framed) &&
		!memcmp(whole, &framed, sipmsg_size(whole));
}

/* sipframe_scanned: framing from the scanner's reading of the whole
 * datagram (its lines, as the decoder frames) says what
 * sipframe_datagram says, and the message cut there reads as the
 * scanner reads the framed bytes; cases it cannot settle it leaves to
 * sipframe_datagram (false). */
static bool scanned_agrees(const char *text, bool *settled)
{
	static struct sipmsg whole;
	struct sipframe f1, f2;
	size_t n = strlen(text);
	const uint8_t *p = (const uint8_t *)text;
	enum sipframe_res res = sipframe_datagram(&f1, p, n);

	*settled = false;
	if (sipframe_datagram_start(&f2, p, n) != SIPFRAME_MORE)
		return res != SIPFRAME_MSG;
	memset(&f2, 0xa5, sizeof(f2));   /* all of it filled anew */
	if (sipmsg_lines(&whole, text, n, NULL) ||
	    !sipframe_scanned(&f2, &whole, n))
		return true;
	*settled = true;
	return frames_agree(res, &f1, &f2, &whole, text);
}

static void test_sipframe_scanned(void)
{
	static const struct {
		const char *text;
		bool settled;           /* by the scanner's reading */
	} cases[] = {
		{"BYE sip:a@b SIP/2.0\r\nl: 2\r\n\r\nabcd", true},
		{"BYE sip:a@b SIP/2.0\r\nCONTENT-LENGTH \t: 0\r\n\r\n", true},
		{"BYE sip:a@b SIP/2.0\nContent-Length:1\n\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nFrom: x\r\nl: 1\r\n\r\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nl: 1\r\nl: 1\r\n\r\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nl\r: 1\r\n\r\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nl: 1x\r\n\r\nab", true},
		{"BYE sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\nab", false},
		{"BYE sip:a@b SIP/2.0\r\nl: x\r\n\r\nab", false},
		{"BYE sip:a@b SIP/2.0\r\nl: 9\r\n\r\nab", false},
		{"BYE sip:a@b SIP/2.0\r\nl:\r\n 1\r\n\r\nab", false},
		{"BYE sip:a@b SIP/2.0\r\nX: y\r\n\r\r\nl: 1\r\n\r\nab",
		 false},
		{"BYE sip:a@b SIP/2.0\r\n\rl: 1\r\n\r\nab", false},
		{"BYE sip:a@b SIP/2.0\r\nno colon\r\n\r\n", false},
		{"SIP/2.0 200 OK", false},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool settled;

		CU_ASSERT(scanned_agrees(cases[i].text, &settled));
		CU_ASSERT_EQUAL(settled, cases[i].settled);
	}
}

/* The same for a stream (sipframe_stream_starts, _scanned) read only
 * as far as n bytes, as the decoder reads ahead: where it settles, as
 * sipframe_stream frames all the bytes, and the message reads the same */
static bool stream_scanned_agrees(const char *text, size_t n, bool *settled)
{
	static struct sipmsg whole;
	struct sipframe f1, f2;
	const uint8_t *p = (const uint8_t *)text;
	enum sipframe_res res = sipframe_stream(&f1, p, strlen(text));

	*settled = false;
	if (!sipframe_stream_starts(p, strlen(text)) ||
	    sipmsg_lines(&whole, text, n, NULL) ||
	    !sipframe_stream_scanned(&f2, &whole, n))
		return true;
	*settled = true;
	return frames_agree(res, &f1, &f2, &whole, text);
}

static void test_sipframe_stream_scanned(void)
{
	static const char two[] = "BYE sip:a@b SIP/2.0\r\nl: 2\r\n\r\nab"
		"BYE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n";
	static const struct {
		const char *text;
		size_t n;               /* bytes read; 0: all */
		bool settled;
	} cases[] = {
		{two, 0, true},
		{two, 31, true},        /* the first message, just */
		{two, 30, false},       /* its body cut short: more */
		{two, 20, false},       /* no blank line yet */
		{"BYE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nab", 0, true},
		{"BYE sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\nab", 0,
		 false},
		{"\r\n\r\nBYE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n", 0, false},
		{"BYE sip:a@b SIP/2.0", 0, false},
		{"BYE sip:a@b SIP/2.0\r\nno colon\r\n\r\n", 0, false},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].text);
		bool settled;

		CU_ASSERT(stream_scanned_agrees(cases[i].text, n, &settled));
		CU_ASSERT_EQUAL(settled, cases[i].settled);
	}
}

static void test_link_errors(void)
{
	struct link_pkt lp;
	static const uint8_t arp[14] = {[12] = 0x08, [13] = 0x06};

	CU_ASSERT_EQUAL(link_decode(&lp, LINKTYPE_ETHERNET, arp, 14), ENOENT);
	CU_ASSERT_EQUAL(link_decode(&lp, LINKTYPE_ETHERNET, arp, 10), EBADMSG);
	CU_ASSERT_EQUAL(link_decode(&lp, 147, arp, 14), ENOTSUP);
	CU_ASSERT(link_supported(LINKTYPE_LINUX_SLL2));
	CU_ASSERT(!link_supported(147));
}

/* A SIP start line with a body that cannot be framed is reported with
 * its frame; the next message still decodes. */
static void test_malformed(void)
{
	static const char bad[] =
		"NOTIFY sip:a@b SIP/2.0\r\nContent-Length: 99\r\n\r\nx";
	struct cap c;
	struct got g;

	cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
	CU_ASSERT(!pcapgen_udp(c.g, 0, 1, &a4, &b4, bad, strlen(bad), 1500));
	CU_ASSERT(!pcapgen_udp(c.g, 0, 2, &a4, &b4, "SIP/2.0 200 OK\r\n\r\n",
			       18, 1500));
	CU_ASSERT(!pcapgen_udp(c.g, 0, 3, &a4, &b4, invite, strlen(invite),
			       1500));
	cap_end(&c);
	CU_ASSERT_EQUAL(decode(&c, &g), 0);
	CU_ASSERT_EQUAL(g.errors, 2);  /* bad CL; 200 without Call-ID etc. */
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.frame[0], 3);
}

/* A request line whose method holds a byte no token has (RFC 3261
 * §25.1), NUL included, is SIP that is malformed, over UDP and TCP
 * alike: said, never passed by as something else nor taken as good. */
static void test_method_not_token(void)
{
	static const char *const method[] = {"OPTxIONS", "REF@ER"};
	char msg[256];
	size_t i, len;

	for (i = 0; i < 2 * 2; i++) {
		bool tcp = i >= 2;
		struct cap c;
		struct got g;

		len = (size_t)snprintf(msg, sizeof(msg), "%s sip:b@x SIP/2.0"
			"\r\nCall-ID: m\r\nContent-Length: 0\r\n\r\n",
			method[i % 2]);
		if (i % 2 == 0)
			msg[3] = '\0';   /* OPT\0IONS */
		cap_begin(&c, PG_PCAP, LINKTYPE_ETHERNET);
		CU_ASSERT(tcp ?
			  !pcapgen_tcp(c.g, 0, 1, &a4, &b4, 1, PG_ACK, msg, len) :
			  !pcapgen_udp(c.g, 0, 1, &a4, &b4, msg, len, 1500));
		CU_ASSERT(tcp ?
			  !pcapgen_tcp(c.g, 0, 2, &a4, &b4, 1 + (uint32_t)len,
				       PG_ACK, invite, strlen(invite)) :
			  !pcapgen_udp(c.g, 0, 2, &a4, &b4, invite,
				       strlen(invite), 1500));
		cap_end(&c);
		CU_ASSERT_EQUAL(decode(&c, &g), 0);
		CU_ASSERT_EQUAL(g.errors, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(g.last_error,
					      "method is not a token"));
		CU_ASSERT_EQUAL_FATAL(g.n, 1);
		CU_ASSERT_STRING_EQUAL(g.line[0], "INVITE");
	}
}

static const struct unit_test files_tests[] = {
	{"pcap and pcapng, both byte orders, us and ns", test_pcap_formats},
	{"pcapng with two link types and an unknown block",
	 test_pcapng_two_interfaces},
	{"unreadable files name the offset", test_bad_files},
	{"pcapng simple packet block", test_pcapng_simple_block},
	{NULL, NULL}
};

static const struct unit_test layer_tests[] = {
	{"link types", test_link_types},
	{"link errors", test_link_errors},
	{"IPv4 and IPv6 fragments, in and out of order", test_ip_fragments},
	{"IP fragments never completed expire", test_ip_fragment_expiry},
	{"TCP: several per segment, one over many, retransmits, early",
	 test_tcp_streams},
	{"TCP: a hole is skipped", test_tcp_gap},
	{"TCP: a capture joining midway", test_tcp_midstream},
	{"SIP framing", test_sipframe},
	{"SIP framing: Content-Length spellings", test_sipframe_clen},
	{"SIP framing of a datagram from the scanner's reading",
	 test_sipframe_scanned},
	{"stream framing from the scanner's reading, read ahead",
	 test_sipframe_stream_scanned},
	{"SIP recognised by content, HTTP ignored", test_by_content},
	{"malformed messages are reported and skipped", test_malformed},
	{"a method that is no token is malformed", test_method_not_token},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"capture files", files_tests},
	{"decoder layers", layer_tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
