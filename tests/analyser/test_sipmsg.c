/**
 * @file test_sipmsg.c  The analyser's SIP scanner on every header form a
 *                      peer may send, and on what it must refuse
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "unit.h"
#include "decode/sipframe.h"
#include "decode/sipmsg.h"

static struct sipmsg m;
static const char *why;

static int scan(const char *text)
{
	why = NULL;
	return sipmsg_decode(&m, text, strlen(text), &why);
}

static bool is(const struct pl *pl, const char *want)
{
	bool ok = pl_strcmp(pl, want) == 0;

	if (!ok)
		(void)re_fprintf(stderr, "  got '%r', want '%s'\n", pl, want);
	return ok;
}

static const char notify[] =
	"NOTIFY sip:alice@10.0.0.1:5070;transport=udp SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.2:5080;rport;branch=z9hG4bK-n1\r\n"
	"From: \"Bob B\" <sip:bob@10.0.0.2>;tag=b1\r\n"
	"To: <sip:alice@10.0.0.1>;tag=a1\r\n"
	"Call-ID: c1@test\r\n"
	"CSeq: 7 NOTIFY\r\n"
	"Event: refer;id=3\r\n"
	"Subscription-State: active;expires=60\r\n"
	"Content-Type: message/sipfrag;version=2.0\r\n"
	"Content-Length: 16\r\n"
	"\r\n"
	"SIP/2.0 100 Try\r\n";

static void test_request(void)
{
	struct pl v;

	CU_ASSERT_FATAL(scan(notify) == 0);
	CU_ASSERT(m.req);
	CU_ASSERT(is(&m.met, "NOTIFY"));
	CU_ASSERT(is(&m.ruri, "sip:alice@10.0.0.1:5070;transport=udp"));
	CU_ASSERT(is(&m.ver, "SIP/2.0"));
	CU_ASSERT(is(&m.callid, "c1@test"));
	CU_ASSERT(m.cseq.num == 7);
	CU_ASSERT(is(&m.cseq.met, "NOTIFY"));
	CU_ASSERT(is(&m.from.dname, "\"Bob B\""));
	CU_ASSERT(is(&m.from.auri, "sip:bob@10.0.0.2"));
	CU_ASSERT(is(&m.from.user, "bob"));
	CU_ASSERT(is(&m.from.tag, "b1"));
	CU_ASSERT(is(&m.to.tag, "a1"));
	CU_ASSERT(is(&m.via.sentby, "10.0.0.2:5080"));
	CU_ASSERT(is(&m.via.branch, "z9hG4bK-n1"));
	CU_ASSERT(is(&m.ctyp.type, "message"));
	CU_ASSERT(is(&m.ctyp.subtype, "sipfrag"));
	CU_ASSERT(is(&m.body, "SIP/2.0 100 Try\r\n"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_EVENT, &v) && is(&v, "refer;id=3"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_SUBSCRIPTION_STATE, &v) &&
		  is(&v, "active;expires=60"));
	CU_ASSERT(!sipmsg_first(&m, SIP_HDR_REFER_TO, &v));
	CU_ASSERT(sipmsg_missing(&m) == NULL);
	CU_ASSERT(m.nhdrs == 9);
}

static void test_response(void)
{
	CU_ASSERT_FATAL(scan("SIP/2.0 486 Busy Here\r\n"
			     "Via: SIP/2.0/TCP h:5060;branch=z9hG4bK-1\r\n"
			     "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n"
			     "Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n") == 0);
	CU_ASSERT(!m.req);
	CU_ASSERT(m.scode == 486);
	CU_ASSERT(is(&m.reason, "Busy Here"));
	CU_ASSERT(is(&m.cseq.met, "INVITE"));
	CU_ASSERT(m.body.l == 0);
	/* an empty reason phrase is allowed (RFC 3261 §25.1) */
	CU_ASSERT(scan("SIP/2.0 200 \r\nCall-ID: x\r\n\r\n") == 0);
	CU_ASSERT(m.scode == 200 && m.reason.l == 0);
}

/* RFC 3261 §7.3.3 compact forms, and names in any case (§7.3.1) */
static void test_compact_and_case(void)
{
	struct pl v;

	CU_ASSERT_FATAL(scan("REFER sip:b@h SIP/2.0\r\n"
			     "v: SIP/2.0/UDP h1;branch=z9hG4bK-c\r\n"
			     "f: <sip:a@h>;tag=fa\r\n"
			     "t: <sip:b@h>;tag=tb\r\n"
			     "i: compact@h\r\n"
			     "cseq: 2 REFER\r\n"
			     "m: <sip:a@h:5070>\r\n"
			     "r: <sip:c@h>\r\n"
			     "b: <sip:a@h>\r\n"
			     "o: refer\r\n"
			     "c: Message/SipFrag\r\n"
			     "l: 0\r\n\r\n") == 0);
	CU_ASSERT(is(&m.callid, "compact@h"));
	CU_ASSERT(is(&m.from.tag, "fa") && is(&m.to.tag, "tb"));
	CU_ASSERT(is(&m.via.sentby, "h1") && is(&m.via.branch, "z9hG4bK-c"));
	CU_ASSERT(m.cseq.num == 2);
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_CONTACT, &v) && is(&v, "<sip:a@h:5070>"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_REFER_TO, &v) && is(&v, "<sip:c@h>"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_REFERRED_BY, &v));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_EVENT, &v) && is(&v, "refer"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_CONTENT_LENGTH, &v) && is(&v, "0"));
	CU_ASSERT(is(&m.ctyp.subtype, "SipFrag"));
	CU_ASSERT(is(&m.hdr[0].name, "v"));   /* names kept as written */

	CU_ASSERT_FATAL(scan("BYE sip:b@h SIP/2.0\r\n"
			     "VIA: SIP/2.0/UDP h;BRANCH=z9hG4bK-m\r\n"
			     "fROM: <sip:a@h>;TAG=up\r\nTO: <sip:b@h>\r\n"
			     "cALL-iD: mixed\r\nCSEQ: 3 BYE\r\n"
			     "refer-to: <sip:x@h>\r\n\r\n") == 0);
	CU_ASSERT(is(&m.callid, "mixed"));
	CU_ASSERT(is(&m.from.tag, "up"));     /* parameter names too */
	CU_ASSERT(m.to.tag.l == 0);
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_REFER_TO, NULL));
	/* a name that only begins like a known one is not it */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nCall-IDx: no\r\nTox: <sip:q@h>\r\n\r\n")
		  == 0);
	CU_ASSERT(m.callid.l == 0 && m.to.auri.l == 0);
	CU_ASSERT(m.hdr[0].id == SIP_HDR_NONE);
	/* a compact letter RFC 3261 gives no header we read */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\ns: subject\r\nz: 1\r\n\r\n") == 0);
	CU_ASSERT(m.hdr[0].id == SIP_HDR_NONE && m.hdr[1].id == SIP_HDR_NONE);
}

/* Every name the scanner knows, long form in two spellings, by the
 * common line's reader and by the other (a name whose ':' comes on
 * a folded line): each known name has a slot of its own, and names
 * around them are none of them */
static void test_known_names(void)
{
	static const struct {
		const char *name;
		enum sip_hdrid id;
	} k[] = {
		{"Via", SIP_HDR_VIA}, {"From", SIP_HDR_FROM},
		{"To", SIP_HDR_TO}, {"Call-ID", SIP_HDR_CALL_ID},
		{"CSeq", SIP_HDR_CSEQ}, {"Contact", SIP_HDR_CONTACT},
		{"Content-Type", SIP_HDR_CONTENT_TYPE},
		{"Content-Length", SIP_HDR_CONTENT_LENGTH},
		{"Event", SIP_HDR_EVENT},
		{"Subscription-State", SIP_HDR_SUBSCRIPTION_STATE},
		{"Refer-To", SIP_HDR_REFER_TO},
		{"Referred-By", SIP_HDR_REFERRED_BY},
		{"Refer-Sub", SIP_HDR_REFER_SUB},
		{"Record-Route", SIP_HDR_RECORD_ROUTE},
		{"Route", SIP_HDR_ROUTE},
		{"Authorization", SIP_HDR_AUTHORIZATION},
		{"Proxy-Authorization", SIP_HDR_PROXY_AUTHORIZATION},
		{"Allow-Events", SIP_HDR_ALLOW_EVENTS},
		{"Supported", SIP_HDR_SUPPORTED},
		{"Require", SIP_HDR_REQUIRE}, {"Allow", SIP_HDR_ALLOW},
		{"Max-Forwards", SIP_HDR_NONE}, {"User-Agent", SIP_HDR_NONE},
		{"Content-Disposition", SIP_HDR_NONE}, {"Refer", SIP_HDR_NONE},
	};
	char text[256], upper[32];
	size_t i, j;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		for (j = 0; k[i].name[j]; j++)
			upper[j] = (char)toupper((unsigned char)k[i].name[j]);
		upper[j] = '\0';
		(void)snprintf(text, sizeof(text), "BYE sip:b@h SIP/2.0\r\n"
			       "%s: x\r\n%s\r\n : y\r\n\r\n",
			       k[i].name, upper);
		CU_ASSERT_FATAL(sipmsg_lines(&m, text, strlen(text), &why)
				== 0);
		CU_ASSERT(m.nhdrs == 2);
		CU_ASSERT(m.hdr[0].id == k[i].id);
		CU_ASSERT(m.hdr[1].id == k[i].id);
	}
}

/* LWS around the colon and values, tabs, LF-only line ends */
static void test_whitespace(void)
{
	CU_ASSERT_FATAL(scan("OPTIONS sip:h SIP/2.0\n"
			     "Call-ID \t:   spaced@h  \t\n"
			     "CSeq:\t9 \t OPTIONS  \n"
			     "Via:   SIP/2.0/UDP    h:1  ;  branch = z9hG4bK-w \n"
			     "From:   \"A\"   <sip:a@h> ; tag = t1 \n"
			     "To:sip:b@h\n"
			     "\n"
			     "body") == 0);
	CU_ASSERT(is(&m.callid, "spaced@h"));
	CU_ASSERT(m.cseq.num == 9 && is(&m.cseq.met, "OPTIONS"));
	CU_ASSERT(is(&m.via.sentby, "h:1"));
	CU_ASSERT(is(&m.via.branch, "z9hG4bK-w"));
	CU_ASSERT(is(&m.from.dname, "\"A\""));
	CU_ASSERT(is(&m.from.tag, "t1"));
	CU_ASSERT(is(&m.to.auri, "sip:b@h"));
	CU_ASSERT(is(&m.body, "body"));
}

/* RFC 3261 §7.3.1: a line that begins with SP/HT continues the header */
static void test_folded(void)
{
	struct pl v;

	CU_ASSERT_FATAL(scan("NOTIFY sip:a@h SIP/2.0\r\n"
			     "Subscription-State: terminated;\r\n"
			     "   reason=noresource\r\n"
			     "To:\r\n\t<sip:b@h>;tag=folded\r\n"
			     "Call-ID: f@h\r\n"
			     "\r\n") == 0);
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_SUBSCRIPTION_STATE, &v));
	CU_ASSERT(pl_strcmp(&v, "terminated;\r\n   reason=noresource") == 0);
	CU_ASSERT(is(&m.to.tag, "folded"));
	CU_ASSERT(is(&m.to.auri, "sip:b@h"));
	CU_ASSERT(m.nhdrs == 3);
}

static bool collect_h(const struct pl *val, void *arg)
{
	struct mbuf *mb = arg;

	(void)mbuf_printf(mb, "[%r]", val);
	return false;
}

static bool values(enum sip_hdrid id, const char *want)
{
	struct mbuf *mb = mbuf_alloc(256);
	struct pl got;
	bool ok;

	(void)sipmsg_apply(&m, id, collect_h, mb);
	got.p = (const char *)mb->buf;
	got.l = mb->end;
	ok = is(&got, want);
	mem_deref(mb);
	return ok;
}

/* Route, Record-Route, Contact, Via: lists; others are not split */
static void test_lists(void)
{
	struct pl v;

	CU_ASSERT_FATAL(scan("REFER sip:b@h SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP p1;branch=z9hG4bK-top, "
			     "SIP/2.0/UDP p2;branch=z9hG4bK-2\r\n"
			     "Route: <sip:r1;lr>, <sip:r2;lr>\r\n"
			     "Route: <sip:r3;lr;x=\"a,b\">\r\n"
			     "Contact: \"Smith, John\" <sip:j@h>\r\n"
			     "Refer-To: <sip:c@h>, <sip:d@h>\r\n"
			     "Record-Route: <sip:p,q@h;lr>\r\n"
			     "\r\n") == 0);
	CU_ASSERT(is(&m.via.sentby, "p1") && is(&m.via.branch, "z9hG4bK-top"));
	CU_ASSERT(values(SIP_HDR_ROUTE,
			 "[<sip:r1;lr>][<sip:r2;lr>][<sip:r3;lr;x=\"a,b\">]"));
	CU_ASSERT(values(SIP_HDR_CONTACT, "[\"Smith, John\" <sip:j@h>]"));
	CU_ASSERT(values(SIP_HDR_REFER_TO, "[<sip:c@h>, <sip:d@h>]"));
	CU_ASSERT(values(SIP_HDR_RECORD_ROUTE, "[<sip:p,q@h;lr>]"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_ROUTE, &v) && is(&v, "<sip:r1;lr>"));
}

/* name-addr and addr-spec as From/To/Contact/Refer-To carry them */
static void test_addresses(void)
{
	struct sipmsg_addr a;
	struct pl v;

	pl_set_str(&v, "\"a;tag=x <y>\" <sip:u:pw@h;transport=tcp>;xtag=1;tag=real");
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.dname, "\"a;tag=x <y>\""));
	CU_ASSERT(is(&a.auri, "sip:u:pw@h;transport=tcp"));
	CU_ASSERT(is(&a.user, "u"));
	CU_ASSERT(is(&a.scheme, "sip"));
	CU_ASSERT(is(&a.tag, "real"));

	pl_set_str(&v, "sip:bob@h;tag=spec");    /* addr-spec: ;tag is the header's */
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.auri, "sip:bob@h") && is(&a.tag, "spec"));

	pl_set_str(&v, "Bob <tel:+15550001111>");
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.dname, "Bob") && is(&a.scheme, "tel"));
	CU_ASSERT(a.user.l == 0);

	pl_set_str(&v, "<sip:nobody@h");   /* unclosed: read as addr-spec */
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.auri, "<sip:nobody@h") && a.dname.l == 0);
	/* quotes that do not pair up: any <> holding a URI will do */
	pl_set_str(&v, "\"open <sip:a@h>;tag=q");
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.auri, "sip:a@h") && is(&a.tag, "q"));
	pl_set_str(&v, "\"<b>x(\"y\")</b>\" <sip:+1555@h>;tag=odd");
	CU_ASSERT_FATAL(sipmsg_addr_decode(&a, &v) == 0);
	CU_ASSERT(is(&a.dname, "\"<b>x(\"y\")</b>\""));
	CU_ASSERT(is(&a.auri, "sip:+1555@h") && is(&a.user, "+1555"));
	CU_ASSERT(is(&a.tag, "odd"));
	pl_set_str(&v, "<nothing> <here>");
	CU_ASSERT(sipmsg_addr_decode(&a, &v) == EBADMSG);
	pl_set_str(&v, "just words");
	CU_ASSERT(sipmsg_addr_decode(&a, &v) == EBADMSG);
	pl_set_str(&v, "");
	CU_ASSERT(sipmsg_addr_decode(&a, &v) == EBADMSG);
}

/* Content-Length in all its states: framing cuts, the scanner reads */
static void framed(const char *text, bool stream, enum sipframe_res want,
		   const char *body, bool no_clen)
{
	struct sipframe f;
	enum sipframe_res res;

	res = stream ? sipframe_stream(&f, (const uint8_t *)text, strlen(text))
		     : sipframe_datagram(&f, (const uint8_t *)text,
					 strlen(text));
	CU_ASSERT(res == want);
	if (res != SIPFRAME_MSG || want != SIPFRAME_MSG)
		return;
	CU_ASSERT(f.no_clen == no_clen);
	CU_ASSERT_FATAL(sipmsg_decode(&m, text, f.len, &why) == 0);
	CU_ASSERT(is(&m.body, body));
}

static void test_content_length(void)
{
	const char *h = "MESSAGE sip:b@h SIP/2.0\r\nCall-ID: cl\r\n";
	char buf[256];

	/* body as long as Content-Length */
	re_snprintf(buf, sizeof(buf), "%sContent-Length: 2\r\n\r\nhi", h);
	framed(buf, false, SIPFRAME_MSG, "hi", false);
	/* longer: over a stream the rest is the next message's */
	re_snprintf(buf, sizeof(buf), "%sl: 2\r\n\r\nhiSIP", h);
	framed(buf, true, SIPFRAME_MSG, "hi", false);
	framed(buf, false, SIPFRAME_MSG, "hi", false);
	/* shorter: a datagram is refused, a stream waits for more */
	re_snprintf(buf, sizeof(buf), "%sContent-Length: 9\r\n\r\nhi", h);
	framed(buf, false, SIPFRAME_BAD, NULL, false);
	framed(buf, true, SIPFRAME_MORE, NULL, false);
	/* missing: the datagram's rest is the body; a stream's is empty */
	re_snprintf(buf, sizeof(buf), "%s\r\nrest", h);
	framed(buf, false, SIPFRAME_MSG, "rest", true);
	framed(buf, true, SIPFRAME_MSG, "", true);
	/* twice: the same value is tolerated, two values are not */
	re_snprintf(buf, sizeof(buf), "%sl: 2\r\nContent-Length: 2\r\n\r\nhi", h);
	framed(buf, false, SIPFRAME_MSG, "hi", false);
	re_snprintf(buf, sizeof(buf), "%sl: 2\r\nContent-Length: 3\r\n\r\nhi!", h);
	framed(buf, false, SIPFRAME_BAD, NULL, false);
	re_snprintf(buf, sizeof(buf), "%sContent-Length: two\r\n\r\nhi", h);
	framed(buf, false, SIPFRAME_BAD, NULL, false);
}

static void refused(const char *text, const char *reason)
{
	CU_ASSERT(scan(text) == EBADMSG);
	CU_ASSERT(why && strstr(why, reason) != NULL);
	if (!why || !strstr(why, reason))
		fprintf(stderr, "  why '%s', want '%s'\n", why ? why : "", reason);
}

static void test_garbage(void)
{
	char big[8192];
	size_t i, n;

	refused("", "no empty line");
	refused("INVITE sip:b@h SIP/2.0\r\nCall-ID: x\r\n", "no empty line");
	refused("INVITE sip:b@h SIP/2.0\r\nno colon here\r\n\r\n", "without ':'");
	refused("INVITE sip:b@h SIP/2.0\r\nname\r\nTo: <sip:b@h>\r\n\r\n",
		"without ':'");
	refused("INVITE sip:b@h SIP/2.0\r\n: empty\r\n\r\n", "without a name");
	refused("INVITE\r\n\r\n", "start line");
	refused("INVITE  SIP/2.0\r\n\r\n", "start line");
	refused("INVITE sip:b\t@h SIP/2.0\r\n\r\n", "start line");
	refused("INVITE bob SIP/2.0\r\n\r\n", "Request-URI");
	refused("SIP/2.0 abc OK\r\n\r\n", "status code");
	refused("SIP/2.0 000 OK\r\n\r\n", "status code");
	refused("BYE sip:b@h SIP/2.0\r\nFrom: nobody\r\n\r\n", "From");
	refused("BYE sip:b@h SIP/2.0\r\nTo: <sip>;tag=1\r\n\r\n", "To");
	refused("BYE sip:b@h SIP/2.0\r\nCSeq: BYE\r\n\r\n", "CSeq");
	refused("BYE sip:b@h SIP/2.0\r\nCSeq: 1\r\n\r\n", "CSeq");
	refused("BYE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n", "Via");
	refused("BYE sip:b@h SIP/2.0\r\nv: SIP/2/0/UDP h;branch=1\r\n\r\n",
		"Via");
	refused("BYE sip:b@h SIP/2.0\r\nc: text\r\n\r\n", "Content-Type");
	n = (size_t)re_snprintf(big, sizeof(big), "BYE sip:b@h SIP/2.0\r\n");
	for (i = 0; i < SIPMSG_MAX_HDRS + 1; i++)
		n += (size_t)re_snprintf(big + n, sizeof(big) - n, "X: %zu\r\n", i);
	(void)re_snprintf(big + n, sizeof(big) - n, "\r\n");
	refused(big, "more than 128 header lines");

	/* decodes, but lacks what every message needs (RFC 3261 §8.1.1) */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nCSeq: 1 BYE\r\n\r\n") == 0);
	CU_ASSERT(strcmp(sipmsg_missing(&m), "Call-ID") == 0);
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nCall-ID: a\r\nCSeq: 1 BYE\r\n"
		       "From: <sip:a@h>\r\nTo: <sip:b@h>\r\n\r\n") == 0);
	CU_ASSERT(strcmp(sipmsg_missing(&m), "Via") == 0);
	CU_ASSERT(sipmsg_decode(NULL, "x", 1, NULL) == EINVAL);

	/* bytes of every value never read past the end */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7919 % 251);
	(void)sipmsg_decode(&m, big, sizeof(big), &why);
}

/* What libre's decoder let through, the analyser still reads (its
 * findings were written against it): tested so that it stays so. */
static void test_libre_leniencies(void)
{
	struct pl v;

	/* a name whose ':' comes on the folded line after it */
	CU_ASSERT_FATAL(scan("BYE sip:b@h SIP/2.0\r\nContact\r\n <sip:c@h>\r\n"
			     "Call-ID: x\r\n\r\n") == 0);
	CU_ASSERT(m.nhdrs == 2 && is(&m.callid, "x"));
	/* LWS before the first header, CR at the start of a line */
	CU_ASSERT_FATAL(scan("BYE sip:b@h SIP/2.0\r\n Call-ID: y\r\n"
			     "\rTo: <sip:b@h>;tag=t\r\n\r\n") == 0);
	CU_ASSERT(is(&m.callid, "y") && is(&m.to.tag, "t"));
	/* any status number, a scheme found after a stray ':' */
	CU_ASSERT(scan("SIP/2.0 20 OK\r\nf: <:sip:a@h>;tag=1\r\n\r\n") == 0);
	CU_ASSERT(m.scode == 20 && is(&m.from.scheme, "sip"));
	/* an unclosed '<': the value read as an addr-spec */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nTo: <sip:x@h;tag=u\r\n\r\n")
		  == 0);
	CU_ASSERT(is(&m.to.tag, "u"));
	/* the CSeq number and method are found anywhere in the value;
	 * the number wraps at 2^32 */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nCSeq: n 12 BYE x\r\n\r\n") == 0);
	CU_ASSERT(m.cseq.num == 12 && is(&m.cseq.met, "BYE"));
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nCSeq: 4294967297 BYE\r\n\r\n")
		  == 0);
	CU_ASSERT(m.cseq.num == 1);
	/* Via: protocol and transport in any case, LWS around the '/' */
	CU_ASSERT(scan("BYE sip:b@h SIP/2.0\r\nVia: sip / 2.0 / udp h:1 ;"
		       "branch=z9hG4bK-x\r\n\r\n") == 0);
	CU_ASSERT(is(&m.via.sentby, "h:1") && is(&m.via.branch, "z9hG4bK-x"));
	CU_ASSERT(sipmsg_first(&m, SIP_HDR_VIA, &v));
}

static const struct unit_test tests[] = {
	{"a request: start line, the model's headers, body", test_request},
	{"a response", test_response},
	{"compact forms and names in any case", test_compact_and_case},
	{"every known name, and some unknown", test_known_names},
	{"LWS, tabs and LF-only lines", test_whitespace},
	{"folded header lines", test_folded},
	{"list headers split by comma, others not", test_lists},
	{"name-addr and addr-spec", test_addresses},
	{"Content-Length missing, twice, shorter, longer", test_content_length},
	{"garbage is refused with a reason", test_garbage},
	{"what libre let through still reads", test_libre_leniencies},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"SIP scanner", tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
