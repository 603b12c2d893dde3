/**
 * @file load_scen.c  The SIPp scenarios of `referlab load`
 *
 * Built into the program so `referlab load` works from any directory: a
 * carrier that calls in and completes one blind transfer per call, and a
 * SIPp referrer, the baseline that shows what this machine and this
 * carrier can do without the implementation under test. The carrier
 * checks nothing it does not need: a load run measures, the conformance
 * suites judge.
 */
#include <errno.h>
#include <stdio.h>
#include "load.h"

#define CARRIER_DIALOG \
	"Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n" \
	"From: \"Carrier\" <sip:+15551230000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n" \
	"To: <sip:[service]@[remote_ip]:[remote_port]>;tag=[$iuttag]\n" \
	"Call-ID: [call_id]\n"

#define CARRIER_NOTIFY(cseq, state, frag) \
	"  <send retrans=\"500\"><![CDATA[\n" \
	"NOTIFY [$iutcontact] SIP/2.0\n" CARRIER_DIALOG \
	"CSeq: " cseq " NOTIFY\n" \
	"Contact: <sip:carrier@[local_ip]:[local_port];transport=[transport]>\n" \
	"Event: refer;id=[$refercseq]\n" \
	"Subscription-State: " state "\n" \
	"Content-Type: message/sipfrag;version=2.0\n" \
	"Max-Forwards: 70\n" \
	"Content-Length: [len]\n\n" \
	frag "\n" \
	"  ]]></send>\n" \
	"  <recv response=\"200\"/>\n"

/* %s: the pause between the 202 and the final NOTIFY (or nothing) */
static const char carrier_fmt[] =
"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
"<scenario name=\"referlab load: carrier completing one transfer\">\n"
"  <send retrans=\"500\"><![CDATA[\n"
"INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n"
"Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
"From: \"Carrier\" <sip:+15551230000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]\n"
"To: <sip:[service]@[remote_ip]:[remote_port]>\n"
"Call-ID: [call_id]\n"
"CSeq: 1 INVITE\n"
"Contact: <sip:carrier@[local_ip]:[local_port];transport=[transport]>\n"
"Max-Forwards: 70\n"
"Content-Type: application/sdp\n"
"Content-Length: [len]\n\n"
"v=0\n"
"o=carrier 1 1 IN IP[local_ip_type] [local_ip]\n"
"s=-\n"
"c=IN IP[media_ip_type] [media_ip]\n"
"t=0 0\n"
"m=audio [media_port] RTP/AVP 0\n"
"a=rtpmap:0 PCMU/8000\n"
"  ]]></send>\n"
"  <recv response=\"100\" optional=\"true\"/>\n"
"  <recv response=\"180\" optional=\"true\"/>\n"
"  <recv response=\"200\">\n"
"    <action>\n"
"      <ereg regexp=\";tag=([^;&gt;]+)\" search_in=\"hdr\" header=\"To:\" assign_to=\"x,iuttag\"/>\n"
"      <ereg regexp=\"&lt;([^&gt;]+)&gt;\" search_in=\"hdr\" header=\"Contact:\" assign_to=\"y,iutcontact\"/>\n"
"    </action>\n"
"  </recv>\n"
"  <send><![CDATA[\n"
"ACK [$iutcontact] SIP/2.0\n" CARRIER_DIALOG
"CSeq: 1 ACK\n"
"Max-Forwards: 70\n"
"Content-Length: 0\n"
"  ]]></send>\n"
"  <recv request=\"REFER\">\n"
"    <action>\n"
"      <ereg regexp=\"CSeq: *([0-9]+) REFER\" search_in=\"msg\" assign_to=\"z,refercseq\"/>\n"
"    </action>\n"
"  </recv>\n"
"  <send><![CDATA[\n"
"SIP/2.0 202 Accepted\n"
"[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
"Contact: <sip:carrier@[local_ip]:[local_port];transport=[transport]>\n"
"Content-Length: 0\n"
"  ]]></send>\n"
CARRIER_NOTIFY("2", "active;expires=60", "SIP/2.0 100 Trying")
CARRIER_NOTIFY("3", "active;expires=60", "SIP/2.0 180 Ringing")
"%s"
CARRIER_NOTIFY("4", "terminated;reason=noresource", "SIP/2.0 200 OK")
"  <recv request=\"BYE\"/>\n"
"  <send><![CDATA[\n"
"SIP/2.0 200 OK\n"
"[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
"Content-Length: 0\n"
"  ]]></send>\n"
"  <Reference variables=\"x,y,z\"/>\n"
"</scenario>\n";

/* What the sip:refer verb does, played by SIPp: answer, REFER, answer
 * the NOTIFYs, hang up once the final one came. */
static const char referrer[] =
"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n"
"<scenario name=\"referlab load: SIPp referrer (baseline)\">\n"
"  <recv request=\"INVITE\" rrs=\"true\">\n"
"    <action>\n"
"      <ereg regexp=\".*\" search_in=\"hdr\" header=\"From:\" assign_to=\"peer\"/>\n"
"    </action>\n"
"  </recv>\n"
"  <send><![CDATA[\n"
"SIP/2.0 180 Ringing\n"
"[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]SIPpTag01[call_number]\n"
"[last_Call-ID:]\n[last_CSeq:]\n"
"Contact: <sip:referrer@[local_ip]:[local_port];transport=[transport]>\n"
"Content-Length: 0\n"
"  ]]></send>\n"
"  <send retrans=\"500\"><![CDATA[\n"
"SIP/2.0 200 OK\n"
"[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]SIPpTag01[call_number]\n"
"[last_Call-ID:]\n[last_CSeq:]\n"
"Contact: <sip:referrer@[local_ip]:[local_port];transport=[transport]>\n"
"Content-Type: application/sdp\n"
"Content-Length: [len]\n\n"
"v=0\n"
"o=referrer 1 1 IN IP[local_ip_type] [local_ip]\n"
"s=-\n"
"c=IN IP[media_ip_type] [media_ip]\n"
"t=0 0\n"
"m=audio [media_port] RTP/AVP 0\n"
"a=rtpmap:0 PCMU/8000\n"
"  ]]></send>\n"
"  <recv request=\"ACK\"/>\n"
"  <send retrans=\"500\"><![CDATA[\n"
"REFER [next_url] SIP/2.0\n"
"[routes]\n"
"Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
"From: <sip:referrer@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]\n"
"To:[$peer]\n"
"Call-ID: [call_id]\n"
"CSeq: 1 REFER\n"
"Contact: <sip:referrer@[local_ip]:[local_port];transport=[transport]>\n"
"Refer-To: <sip:+15083084809@[remote_ip]>\n"
"Referred-By: <sip:+15551230000@[remote_ip]>\n"
"Max-Forwards: 70\n"
"Content-Length: 0\n"
"  ]]></send>\n"
"  <recv response=\"202\"/>\n"
#define REFERRER_NOTIFY_OK \
"  <recv request=\"NOTIFY\"/>\n" \
"  <send><![CDATA[\n" \
"SIP/2.0 200 OK\n" \
"[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n" \
"Content-Length: 0\n" \
"  ]]></send>\n"
REFERRER_NOTIFY_OK REFERRER_NOTIFY_OK REFERRER_NOTIFY_OK
"  <send retrans=\"500\"><![CDATA[\n"
"BYE [next_url] SIP/2.0\n"
"[routes]\n"
"Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n"
"From: <sip:referrer@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]\n"
"To:[$peer]\n"
"Call-ID: [call_id]\n"
"CSeq: 2 BYE\n"
"Max-Forwards: 70\n"
"Content-Length: 0\n"
"  ]]></send>\n"
"  <recv response=\"200\"/>\n"
"</scenario>\n";

int load_write_scenarios(const char *dir, uint32_t hold_ms)
{
	char path[PATH_MAX], pause[64] = "";
	FILE *f;
	int err = 0;

	if (hold_ms)
		snprintf(pause, sizeof(pause),
			 "  <pause milliseconds=\"%u\"/>\n", hold_ms);
	snprintf(path, sizeof(path), "%s/carrier.xml", dir);
	f = fopen(path, "w");
	if (!f)
		return errno;
	if (fprintf(f, carrier_fmt, pause) < 0)
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/referrer.xml", dir);
	f = fopen(path, "w");
	if (!f)
		return errno;
	if (fputs(referrer, f) < 0)
		err = EIO;
	if (fclose(f) && !err)
		err = errno;
	return err;
}
