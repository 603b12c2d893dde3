/**
 * @file casepcap.c  Turn a rule case (tests/analyser/cases/NAME.case) into
 *                   a capture (test tool)
 *
 *   casepcap CASE OUT.pcap [REPEAT]
 *
 * A case is a few header lines ("expect: ...", read by rules.sh) and
 * messages, each opened by "=== A>B SECONDS" or "=== B>A SECONDS". A is
 * 127.0.0.1:5070 (the referrer), B 127.0.0.2:5080. Lines become CRLF;
 * "Content-Length: auto" gets the body's length; a last line "%noeol"
 * drops the body's final CRLF. "transport: tcp" sends each message as
 * one segment of a TCP connection per direction. With REPEAT, the whole
 * case is written REPEAT times, each copy 10 s later with its Call-IDs
 * and branches made unique (for the memory test).
 */
#include <stdlib.h>
#include <string.h>
#include "pcapgen.h"

enum { MAX_MSGS = 64, MAX_MSG = 16384 };

struct msg {
	bool a2b;
	uint64_t ts_ns;
	char text[MAX_MSG];
	size_t len;
};

static struct msg msgs[MAX_MSGS];
static size_t nmsgs;
static bool tcp;

/* Content-Length: auto -> the real length, now that the body is known */
static void fix_length(struct msg *m)
{
	char *hdr = strstr(m->text, "Content-Length: auto\r\n");
	char *body = strstr(m->text, "\r\n\r\n");
	char num[16];
	size_t blen, nl;

	if (!hdr || !body)
		return;
	blen = m->len - (size_t)(body + 4 - m->text);
	nl = (size_t)snprintf(num, sizeof(num), "%zu", blen);
	memmove(hdr + 16 + nl, hdr + 20, m->len - (size_t)(hdr + 20 - m->text) + 1);
	memcpy(hdr + 16, num, nl);
	m->len = m->len - 4 + nl;
}

static void finish(struct msg *m, bool noeol)
{
	if (!m)
		return;
	if (noeol && m->len >= 2)
		m->len -= 2;
	m->text[m->len] = '\0';
	fix_length(m);
}

static int parse(FILE *f)
{
	char line[4096];
	struct msg *m = NULL;
	bool noeol = false;

	while (fgets(line, sizeof(line), f)) {
		size_t l = strcspn(line, "\n");
		double secs;
		char dir[8];

		line[l] = '\0';
		if (!strncmp(line, "=== ", 4)) {
			finish(m, noeol);
			noeol = false;
			if (nmsgs >= MAX_MSGS ||
			    sscanf(line + 4, "%7s %lf", dir, &secs) != 2)
				return EINVAL;
			m = &msgs[nmsgs++];
			m->a2b = !strcmp(dir, "A>B");
			m->ts_ns = (uint64_t)(secs * 1e9) + 1700000000000000000ULL;
			m->len = 0;
			continue;
		}
		if (!m) {
			if (!strcmp(line, "transport: tcp"))
				tcp = true;
			continue;
		}
		if (!strcmp(line, "%noeol")) {
			noeol = true;
			continue;
		}
		if (m->len + l + 2 >= MAX_MSG)
			return EINVAL;
		memcpy(m->text + m->len, line, l);
		memcpy(m->text + m->len + l, "\r\n", 2);
		m->len += l + 2;
	}
	finish(m, noeol);
	return nmsgs ? 0 : EINVAL;
}

/* Make copy k of the case its own calls: "c1@case" -> "c1@case-k",
 * "z9hG4bK-" -> "z9hG4bKk-" (same length changes for every copy). */
static size_t personalise(char *out, const struct msg *m, unsigned k)
{
	const char *p = m->text;
	size_t n = 0;

	while (*p && n < MAX_MSG - 32) {
		if (!strncmp(p, "@case", 5)) {
			n += (size_t)sprintf(out + n, "@case-%u", k);
			p += 5;
		}
		else if (!strncmp(p, "z9hG4bK-", 8)) {
			n += (size_t)sprintf(out + n, "z9hG4bK%u-", k);
			p += 8;
		}
		else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	static char text[MAX_MSG + 64];
	struct pcapgen *g = NULL;
	struct sa a, b;
	uint32_t seq[2] = {1000, 5000};
	unsigned rep, k;
	FILE *in, *out;
	size_t i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: casepcap CASE OUT.pcap [REPEAT]\n");
		return 2;
	}
	rep = argc == 4 ? (unsigned)atoi(argv[3]) : 1;
	in = fopen(argv[1], "r");
	if (!in || parse(in)) {
		fprintf(stderr, "casepcap: %s: cannot read the case\n", argv[1]);
		return 4;
	}
	fclose(in);
	out = fopen(argv[2], "wb");
	if (!out || pcapgen_open(&g, out, PG_PCAP, 1))
		return 3;
	sa_set_str(&a, "127.0.0.1", 5070);
	sa_set_str(&b, "127.0.0.2", 5080);
	if (tcp) {
		(void)pcapgen_tcp(g, 0, msgs[0].ts_ns - 2000, &a, &b,
				  seq[0]++, PG_SYN, NULL, 0);
		(void)pcapgen_tcp(g, 0, msgs[0].ts_ns - 1000, &b, &a,
				  seq[1]++, PG_SYN | PG_ACK, NULL, 0);
	}
	for (k = 0; k < rep; k++) {
		for (i = 0; i < nmsgs; i++) {
			const struct msg *m = &msgs[i];
			uint64_t ts = m->ts_ns + k * 10000000000ULL;
			const struct sa *s = m->a2b ? &a : &b, *d = m->a2b ? &b : &a;
			size_t len = rep > 1 ? personalise(text, m, k)
					     : (memcpy(text, m->text, m->len),
						m->len);

			if (tcp) {
				(void)pcapgen_tcp(g, 0, ts, s, d, seq[!m->a2b],
						  PG_ACK | PG_PSH, text, len);
				seq[!m->a2b] += (uint32_t)len;
			}
			else {
				(void)pcapgen_udp(g, 0, ts, s, d, text, len,
						  1500);
			}
		}
	}
	mem_deref(g);
	return fclose(out) ? 3 : 0;
}
