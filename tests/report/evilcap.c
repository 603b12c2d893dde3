/**
 * @file evilcap.c  Writes a capture of one transfer whose headers carry markup
 *
 *   evilcap OUT.pcap
 *
 * A carrier (127.0.0.1:5070) calls the implementation (127.0.0.1:5060),
 * which REFERs it; every string a report shows from the wire (From
 * display name, Refer-To, reason phrases, sipfrag, extra headers) tries
 * to break out of HTML text, an attribute or the SVG.
 */
#include <stdio.h>
#include <string.h>
#include <re.h>
#include "pcapw.h"

#define XSS_A "<script>document.title='pwned-a'</script>"
#define XSS_B "\"><img src=x onerror=\"document.title='pwned-b'\">"
#define XSS_C "</svg><script>document.title='pwned-c'</script>"

static const char *const msgs[][2] = {
	{"c", "INVITE sip:iut@127.0.0.1:5060 SIP/2.0\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
	 "From: \"</svg><img src=x onerror=alert(5)>\" "
	 "<sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>\r\n"
	 "Call-ID: evil-1\r\nCSeq: 1 INVITE\r\n"
	 "Contact: <sip:carrier@127.0.0.1:5070>\r\n"
	 "X-Evil: " XSS_A "\r\nX-Evil-B: " XSS_B "\r\n"
	 "Content-Length: 0\r\n\r\n"},
	{"i", "SIP/2.0 200 " XSS_C "\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n"
	 "From: \"</svg><img src=x onerror=alert(5)>\" "
	 "<sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 1 INVITE\r\n"
	 "Contact: <sip:iut@127.0.0.1:5060>\r\nContent-Length: 0\r\n\r\n"},
	{"c", "ACK sip:iut@127.0.0.1:5060 SIP/2.0\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2\r\n"
	 "From: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"},
	{"i", "REFER sip:carrier@127.0.0.1:5070 SIP/2.0\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-3\r\n"
	 "From: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "To: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 1 REFER\r\n"
	 "Refer-To: <sip:bob@example.com?X=" XSS_A XSS_C ">\r\n"
	 "Referred-By: <sip:iut@127.0.0.1>\r\n"
	 "Contact: <sip:iut@127.0.0.1:5060>\r\nContent-Length: 0\r\n\r\n"},
	{"c", "SIP/2.0 202 " XSS_B "\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-3\r\n"
	 "From: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "To: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 1 REFER\r\nContent-Length: 0\r\n\r\n"},
	{"c", "NOTIFY sip:iut@127.0.0.1:5060 SIP/2.0\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-4\r\n"
	 "From: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 2 NOTIFY\r\nEvent: refer\r\n"
	 "Subscription-State: terminated;reason=noresource\r\n"
	 "Content-Type: message/sipfrag\r\nContent-Length: 48\r\n\r\n"
	 "SIP/2.0 200 <img src=x onerror=alert(1)>xx</svg>"},
	{"i", "SIP/2.0 200 OK\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-4\r\n"
	 "From: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 2 NOTIFY\r\nContent-Length: 0\r\n\r\n"},
	{"c", "BYE sip:iut@127.0.0.1:5060 SIP/2.0\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-5\r\n"
	 "From: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n"},
	{"i", "SIP/2.0 200 OK\r\n"
	 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-5\r\n"
	 "From: <sip:carrier@127.0.0.1:5070>;tag=c1\r\n"
	 "To: <sip:iut@127.0.0.1:5060>;tag=i1\r\n"
	 "Call-ID: evil-1\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n"},
};

int main(int argc, char **argv)
{
	struct sa carrier, iut;
	struct pcapw *pw = NULL;
	uint64_t t = 1795598355000000ull;   /* fixed: the test is repeatable */
	size_t i;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: evilcap OUT.pcap\n");
		return 2;
	}
	sa_set_str(&carrier, "127.0.0.1", 5070);
	sa_set_str(&iut, "127.0.0.1", 5060);
	err = pcapw_open(&pw, argv[1]);
	for (i = 0; !err && i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		bool from_carrier = msgs[i][0][0] == 'c';

		t += 20000;
		err = pcapw_write(pw, t, PCAPW_UDP, from_carrier ? &carrier :
				  &iut, from_carrier ? &iut : &carrier,
				  (const uint8_t *)msgs[i][1], strlen(msgs[i][1]));
	}
	mem_deref(pw);
	if (err)
		fprintf(stderr, "evilcap: %s: %s\n", argv[1], strerror(err));
	return err ? 1 : 0;
}
