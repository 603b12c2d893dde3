/**
 * @file synth.c  `referlab synth`: a deterministic capture of N transfers
 *
 * The benchmarks need captures of any size that look like production:
 * a carrier calls a feature server, the feature server's sip:refer verb
 * sends a REFER, the carrier answers and reports the referred call in
 * NOTIFYs, somebody hangs up. Outcomes are mixed (completed with two or
 * three NOTIFYs, a busy target, a rejected REFER, a 200 instead of a
 * 202) and 64 calls are in progress at a time, their messages
 * interleaved, so the analyser holds dialogs the way it would on a real
 * capture. Everything (addresses, tags, branches, times) derives from
 * the transfer's number: two runs give identical bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "pcapw.h"
#include "synth.h"

static const char *prog = "referlab synth";

enum {
	SYNTH_WINDOW   = 64,        /* calls in progress at a time */
	SYNTH_CARRIERS = 4,         /* carrier addresses */
	SYNTH_MAX      = 50000000,  /* about 300 GB: a typo, not a wish */
};

/* 2026-01-01T00:00:00Z: fixed, so the bytes never change */
static const uint64_t synth_epoch_us = 1767225600ull * 1000000;

enum kind {
	K_INVITE, K_TRYING, K_RINGING, K_INVITE_OK, K_ACK, K_REFER,
	K_REFER_ANSWER, K_NOTIFY, K_NOTIFY_OK, K_BYE_CARRIER, K_BYE_REFERRER,
	K_BYE_OK, K_END,
};

struct step {
	enum kind kind;
	uint16_t code;       /* REFER answer / sipfrag status */
};

#define CALL_SETUP {K_INVITE, 0}, {K_TRYING, 0}, {K_RINGING, 0}, \
	{K_INVITE_OK, 0}, {K_ACK, 0}, {K_REFER, 0}

/* The outcomes, in the proportions of the table below. */
static const struct step s_three[] = { CALL_SETUP, {K_REFER_ANSWER, 202},
	{K_NOTIFY, 100}, {K_NOTIFY_OK, 0}, {K_NOTIFY, 180}, {K_NOTIFY_OK, 0},
	{K_NOTIFY, 200}, {K_NOTIFY_OK, 0}, {K_BYE_CARRIER, 0}, {K_BYE_OK, 0},
	{K_END, 0} };
static const struct step s_two[] = { CALL_SETUP, {K_REFER_ANSWER, 202},
	{K_NOTIFY, 100}, {K_NOTIFY_OK, 0}, {K_NOTIFY, 200}, {K_NOTIFY_OK, 0},
	{K_BYE_CARRIER, 0}, {K_BYE_OK, 0}, {K_END, 0} };
static const struct step s_busy[] = { CALL_SETUP, {K_REFER_ANSWER, 202},
	{K_NOTIFY, 100}, {K_NOTIFY_OK, 0}, {K_NOTIFY, 486}, {K_NOTIFY_OK, 0},
	{K_BYE_REFERRER, 0}, {K_BYE_OK, 0}, {K_END, 0} };
static const struct step s_rejected[] = { CALL_SETUP,
	{K_REFER_ANSWER, 403}, {K_BYE_REFERRER, 0}, {K_BYE_OK, 0},
	{K_END, 0} };
static const struct step s_ok200[] = { CALL_SETUP, {K_REFER_ANSWER, 200},
	{K_NOTIFY, 200}, {K_NOTIFY_OK, 0}, {K_BYE_CARRIER, 0}, {K_BYE_OK, 0},
	{K_END, 0} };

/* 10 transfers: 5 completed with three NOTIFYs, 2 with two, one busy,
 * one rejected, one accepted with 200 (RFC 7647) */
static const struct step *const outcomes[10] = {
	s_three, s_two, s_three, s_busy, s_three, s_two, s_rejected, s_three,
	s_ok200, s_three,
};

struct xfer {
	uint64_t num;              /* 1-based */
	const struct step *step;   /* next message */
	struct sa carrier, fs;     /* addresses as the packets carry them */
	uint32_t carrier_cseq, fs_cseq;
	uint32_t h;                /* hash of num: tags, Call-ID */
};

struct synth {
	struct pcapw *pw;
	struct mbuf *mb;
	bool tcp;
	uint64_t now_us;
	uint64_t messages;
};

static uint32_t hash32(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static const char *reason(uint16_t code)
{
	switch (code) {
	case 100: return "Trying";
	case 180: return "Ringing";
	case 200: return "OK";
	case 202: return "Accepted";
	case 403: return "Forbidden";
	case 486: return "Busy Here";
	default:  return "Unknown";
	}
}

static void xfer_init(struct xfer *x, uint64_t num, bool tcp)
{
	unsigned c = (unsigned)(num % SYNTH_CARRIERS);

	memset(x, 0, sizeof(*x));
	x->num = num;
	x->h = hash32(num);
	x->step = outcomes[num % 10];
	/* over TCP the carrier keeps one connection from an ephemeral port */
	sa_set_in(&x->carrier, 0xc0a86401u + c, tcp ? 41000 + c : 5060);
	sa_set_in(&x->fs, 0x0a0a0005u, 5060);
}

/* The dialog's identity, the same in every message of the call. */
static int put_dialog(struct mbuf *mb, const struct xfer *x, bool from_fs)
{
	char ct[32], ft[32];

	re_snprintf(ct, sizeof(ct), "%08x-%llu", x->h, (unsigned long long)x->num);
	re_snprintf(ft, sizeof(ft), "fs%08x", hash32(x->h));
	if (from_fs)
		return mbuf_printf(mb,
			"From: <sip:+15083081000@10.10.0.5>;tag=%s\r\n"
			"To: \"Carrier\" <sip:+1617555%04u@192.168.100.%u>;tag=%s\r\n"
			"Call-ID: %08x%08x@192.168.100.%u\r\n",
			ft, x->h % 10000, 1 + x->num % SYNTH_CARRIERS, ct,
			x->h, hash32(x->num + 7), 1 + x->num % SYNTH_CARRIERS);
	return mbuf_printf(mb,
		"From: \"Carrier\" <sip:+1617555%04u@192.168.100.%u>;tag=%s\r\n"
		"To: <sip:+15083081000@10.10.0.5>%s%s\r\n"
		"Call-ID: %08x%08x@192.168.100.%u\r\n",
		x->h % 10000, 1 + x->num % SYNTH_CARRIERS, ct,
		x->step->kind == K_INVITE ? "" : ";tag=",
		x->step->kind == K_INVITE ? "" : ft,
		x->h, hash32(x->num + 7), 1 + x->num % SYNTH_CARRIERS);
}

static int put_via(struct synth *s, const struct xfer *x, bool from_fs,
		   unsigned branch)
{
	return mbuf_printf(s->mb,
		"Via: SIP/2.0/%s %j:5060;branch=z9hG4bK%08x%04x;rport\r\n",
		s->tcp ? "TCP" : "UDP", from_fs ? &x->fs : &x->carrier,
		hash32(x->num * 131 + branch), branch);
}

static int put_body(struct mbuf *mb, const char *ctype, const char *body)
{
	if (!body)
		return mbuf_printf(mb, "Content-Length: 0\r\n\r\n");
	return mbuf_printf(mb, "Content-Type: %s\r\nContent-Length: %zu\r\n"
			   "\r\n%s", ctype, strlen(body), body);
}

static int put_sdp(struct mbuf *mb, const struct xfer *x, bool fs)
{
	char sdp[320];

	re_snprintf(sdp, sizeof(sdp),
		"v=0\r\no=%s %u %u IN IP4 %j\r\ns=-\r\nc=IN IP4 %j\r\nt=0 0\r\n"
		"m=audio %u RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
		fs ? "jambonz" : "carrier", x->h, x->h,
		fs ? &x->fs : &x->carrier, fs ? &x->fs : &x->carrier,
		10000 + (x->h % 20000) * 2);
	return put_body(mb, "application/sdp", sdp);
}

static const char *transport(const struct synth *s)
{
	return s->tcp ? "tcp" : "udp";
}

/* A request from one side of the dialog to the other's Contact. */
static int request(struct synth *s, struct xfer *x, const char *method,
		   bool from_fs, uint32_t cseq)
{
	const struct sa *to = from_fs ? &x->carrier : &x->fs;
	int err;

	if (x->step->kind == K_INVITE)
		err = mbuf_printf(s->mb, "INVITE sip:+15083081000@10.10.0.5;"
				  "transport=%s SIP/2.0\r\n", transport(s));
	else
		err = mbuf_printf(s->mb, "%s sip:%s@%j:5060;transport=%s "
				  "SIP/2.0\r\n", method, from_fs ? "carrier"
				  : "fs", to, transport(s));
	err |= put_via(s, x, from_fs, (unsigned)(x->step - outcomes[x->num % 10]));
	err |= mbuf_printf(s->mb, "Max-Forwards: 70\r\n");
	err |= put_dialog(s->mb, x, from_fs);
	err |= mbuf_printf(s->mb, "CSeq: %u %s\r\n", cseq, method);
	if (strcmp(method, "ACK") && strcmp(method, "BYE"))
		err |= mbuf_printf(s->mb, "Contact: <sip:%s@%j:5060;"
				   "transport=%s>\r\n", from_fs ? "fs" :
				   "carrier", from_fs ? &x->fs : &x->carrier,
				   transport(s));
	err |= mbuf_printf(s->mb, "User-Agent: %s\r\n", from_fs ?
			   "Jambonz feature-server 0.9.2" :
			   "Carrier SBC 4.2");
	return err;
}

static int refer(struct synth *s, struct xfer *x)
{
	int err = request(s, x, "REFER", true, ++x->fs_cseq);

	err |= mbuf_printf(s->mb,
		"Refer-To: <sip:+1508308%04u@192.168.100.%u>\r\n"
		"Referred-By: <sip:+1617555%04u@192.168.100.%u>\r\n"
		"X-Reason: blind transfer\r\n",
		x->h % 7919, 1 + x->num % SYNTH_CARRIERS, x->h % 10000,
		1 + x->num % SYNTH_CARRIERS);
	return err | put_body(s->mb, NULL, NULL);
}

static int notify(struct synth *s, struct xfer *x, uint16_t code)
{
	char frag[64];
	int err = request(s, x, "NOTIFY", false, ++x->carrier_cseq);

	err |= mbuf_printf(s->mb, "Event: refer\r\nSubscription-State: %s\r\n",
			   code >= 200 ? "terminated;reason=noresource" :
			   "active;expires=60");
	re_snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", code,
		    reason(code));
	return err | put_body(s->mb, "message/sipfrag;version=2.0", frag);
}

/* A response to the request of the previous step: same Via, same CSeq. */
static int response(struct synth *s, struct xfer *x, uint16_t code,
		    const char *method, uint32_t cseq, bool from_fs)
{
	const struct step *req = x->step - 1;
	int err;

	while (req->kind == K_TRYING || req->kind == K_RINGING)
		--req;
	err = mbuf_printf(s->mb, "SIP/2.0 %u %s\r\n", code, reason(code));
	err |= put_via(s, x, !from_fs,
		       (unsigned)(req - outcomes[x->num % 10]));
	err |= put_dialog(s->mb, x, !from_fs);
	err |= mbuf_printf(s->mb, "CSeq: %u %s\r\n", cseq, method);
	if ((!strcmp(method, "INVITE") && code >= 180) ||
	    !strcmp(method, "REFER"))
		err |= mbuf_printf(s->mb, "Contact: <sip:%s@%j:5060;"
				   "transport=%s>\r\n", from_fs ? "fs" :
				   "carrier", from_fs ? &x->fs : &x->carrier,
				   transport(s));
	err |= mbuf_printf(s->mb, "Server: %s\r\n", from_fs ?
			   "Jambonz feature-server 0.9.2" :
			   "Carrier SBC 4.2");
	return err;
}

/* Builds the message of x's current step into s->mb; from_fs says who
 * sends it. */
static int build(struct synth *s, struct xfer *x, bool *from_fs)
{
	const struct step *st = x->step;
	int err = 0;

	*from_fs = false;
	switch (st->kind) {
	case K_INVITE:
		err = request(s, x, "INVITE", false, ++x->carrier_cseq);
		err |= mbuf_printf(s->mb, "Allow: INVITE, ACK, CANCEL, BYE, "
				   "OPTIONS, NOTIFY, REFER\r\n"
				   "Supported: replaces, timer\r\n");
		return err | put_sdp(s->mb, x, false);
	case K_TRYING:
	case K_RINGING:
	case K_INVITE_OK:
		*from_fs = true;
		err = response(s, x, st->kind == K_TRYING ? 100 :
			       st->kind == K_RINGING ? 180 : 200, "INVITE",
			       1, true);
		if (st->kind != K_INVITE_OK)
			return err | put_body(s->mb, NULL, NULL);
		err |= mbuf_printf(s->mb, "Allow: INVITE, ACK, BYE, CANCEL, "
				   "OPTIONS, NOTIFY, REFER\r\n");
		return err | put_sdp(s->mb, x, true);
	case K_ACK:
		return request(s, x, "ACK", false, 1) |
			put_body(s->mb, NULL, NULL);
	case K_REFER:
		*from_fs = true;
		return refer(s, x);
	case K_REFER_ANSWER:
		return response(s, x, st->code, "REFER", x->fs_cseq, false) |
			put_body(s->mb, NULL, NULL);
	case K_NOTIFY:
		return notify(s, x, st->code);
	case K_NOTIFY_OK:
		*from_fs = true;
		return response(s, x, 200, "NOTIFY", x->carrier_cseq, true) |
			put_body(s->mb, NULL, NULL);
	case K_BYE_CARRIER:
		return request(s, x, "BYE", false, ++x->carrier_cseq) |
			mbuf_printf(s->mb, "Reason: Q.850;cause=16\r\n") |
			put_body(s->mb, NULL, NULL);
	case K_BYE_REFERRER:
		*from_fs = true;
		return request(s, x, "BYE", true, ++x->fs_cseq) |
			put_body(s->mb, NULL, NULL);
	case K_BYE_OK:
		*from_fs = (st - 1)->kind == K_BYE_CARRIER;
		return response(s, x, 200, "BYE", *from_fs ? x->carrier_cseq
				: x->fs_cseq, *from_fs) |
			put_body(s->mb, NULL, NULL);
	default:
		return EINVAL;
	}
}

/* Writes x's next message; false once x is over. */
static int step(struct synth *s, struct xfer *x, bool *more)
{
	bool from_fs;
	int err;

	*more = x->step->kind != K_END;
	if (!*more)
		return 0;
	mbuf_rewind(s->mb);
	err = build(s, x, &from_fs);
	if (err)
		return err;
	/* 0.1 to 1.6 ms between messages: ~1300 messages/s on the wire */
	s->now_us += 100 + hash32(s->messages) % 1500;
	err = pcapw_write(s->pw, s->now_us, s->tcp ? PCAPW_TCP : PCAPW_UDP,
			  from_fs ? &x->fs : &x->carrier,
			  from_fs ? &x->carrier : &x->fs, s->mb->buf,
			  s->mb->end);
	++s->messages;
	++x->step;
	return err;
}

int synth_write(const char *path, uint64_t transfers, bool tcp,
		struct synth_stats *st)
{
	struct xfer win[SYNTH_WINDOW];
	struct synth s = {.tcp = tcp, .now_us = synth_epoch_us};
	uint64_t next = 1;
	unsigned live = 0, i;
	int err;

	memset(st, 0, sizeof(*st));
	s.mb = mbuf_alloc(2048);
	if (!s.mb)
		return ENOMEM;
	err = pcapw_open(&s.pw, path);
	if (err)
		goto out;
	/* a window of calls, each advancing one message per round; a slot
	 * whose call is over takes the next call */
	for (i = 0; i < SYNTH_WINDOW && next <= transfers; i++, live++)
		xfer_init(&win[i], next++, tcp);
	while (live) {
		for (i = 0; i < live; i++) {
			bool more;

			err = step(&s, &win[i], &more);
			if (err)
				goto out;
			if (more)
				continue;
			if (next <= transfers)
				xfer_init(&win[i], next++, tcp);
			else
				win[i--] = win[--live];
		}
	}
	st->transfers = transfers;
	st->messages = s.messages;
 out:
	mem_deref(s.pw);
	mem_deref(s.mb);
	return err;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: referlab synth --transfers N [--tcp] [--out FILE]\n\n"
"Writes a pcap of N complete blind transfers between a carrier and a\n"
"feature server (INVITE, 100, 180, 200, ACK, REFER, its answer, NOTIFYs\n"
"and their 200s, BYE, 200), 64 calls interleaved, mixed outcomes: per 10\n"
"transfers 5 with NOTIFY 100/180/200, 2 with NOTIFY 100/200, 1 busy (486),\n"
"1 REFER rejected 403, 1 REFER accepted 200. The same N gives the same\n"
"bytes. About 6.5 KB per transfer: 165000 transfers make 1 GiB.\n\n"
"  --transfers N   1..%d\n"
"  --tcp           SIP over TCP (one connection per carrier), not UDP\n"
"  --out FILE      where to write (default: stdout, unless a terminal)\n\n"
"Exit codes: 0 written, 2 usage, 3 cannot write FILE.\n", SYNTH_MAX);
}

int cmd_synth(int argc, char **argv)
{
	struct synth_stats st;
	const char *out = "-";
	uint64_t n = 0;
	bool tcp = false;
	char *end;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), EXIT_OK;
		if (!strcmp(argv[i], "--tcp"))
			tcp = true;
		else if (!strcmp(argv[i], "--transfers") && i + 1 < argc) {
			errno = 0;
			n = strtoull(argv[++i], &end, 10);
			if (errno || *end || !*argv[i] || n < 1 ||
			    n > SYNTH_MAX || argv[i][0] == '-')
				return cli_usage_error(prog, "--transfers: "
					"'%s' is not a number in 1..%d",
					argv[i], SYNTH_MAX);
		}
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else
			return cli_usage_error(prog, "unknown or incomplete "
					       "argument '%s'", argv[i]);
	}
	if (!n)
		return cli_usage_error(prog, "--transfers N is required");
	if (!strcmp(out, "-") && isatty(STDOUT_FILENO))
		return cli_usage_error(prog, "will not write a capture to a "
				       "terminal: give --out FILE or redirect");
	err = synth_write(out, n, tcp, &st);
	if (err) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog,
			strcmp(out, "-") ? out : "stdout", strerror(err));
		return EXIT_ENVIRONMENT;
	}
	fprintf(stderr, "%s: %llu transfers, %llu messages written to %s\n",
		prog, (unsigned long long)st.transfers,
		(unsigned long long)st.messages,
		strcmp(out, "-") ? out : "stdout");
	return EXIT_OK;
}
