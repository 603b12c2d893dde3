/**
 * @file fieldgen.c  Field traces from text: captures/field/NAME.txt -> .pcap / .pcapng
 *
 *   fieldgen IN.txt OUT.pcap|OUT.pcapng
 *
 * The text is what a user would paste from a field trace: a header of
 * "transport udp|tcp", then messages, each after a line
 *   @SECONDS SRC_IP:PORT > DST_IP:PORT
 * Lines get CRLF endings; Content-Length is recomputed from the body
 * (hand-edited traces get it wrong). Lines starting with '#' before the
 * first message are comments. Time 0 is 2026-01-01T00:00:00Z, so the
 * output is the same byte for byte on every machine.
 *
 * pcap files are written with common/pcapw (what referlab-sim's --trace
 * uses); pcapng with the analyser tests' pcapgen (Ethernet frames).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "pcapgen.h"
#include "pcapw.h"

enum { MAX_TEXT = 1 << 20, MAX_MSG = 16384 };

static const uint64_t T0_US = 1767225600ULL * 1000000ULL;

struct out {
	struct pcapw *pw;
	struct pcapgen *pg;
	FILE *f;
	bool tcp;
	struct sa dir_src[4];
	uint32_t dir_seq[4];
	size_t ndir;
};

static uint32_t *tcp_seq(struct out *o, const struct sa *src)
{
	size_t i;

	for (i = 0; i < o->ndir; i++)
		if (sa_cmp(&o->dir_src[i], src, SA_ALL))
			return &o->dir_seq[i];
	if (o->ndir == 4)
		return &o->dir_seq[3];
	o->dir_src[o->ndir] = *src;
	o->dir_seq[o->ndir] = 1000u + 100000u * (uint32_t)o->ndir;
	return &o->dir_seq[o->ndir++];
}

static int emit(struct out *o, uint64_t us, const struct sa *src,
		const struct sa *dst, const char *msg, size_t len)
{
	uint32_t *seq;
	int err;

	if (o->pw)
		return pcapw_write(o->pw, T0_US + us, o->tcp ? PCAPW_TCP :
				   PCAPW_UDP, src, dst, (const uint8_t *)msg,
				   len);
	if (!o->tcp)
		return pcapgen_udp(o->pg, 0, (T0_US + us) * 1000, src, dst,
				   msg, len, 1500);
	seq = tcp_seq(o, src);
	err = pcapgen_tcp(o->pg, 0, (T0_US + us) * 1000, src, dst, *seq,
			  PG_ACK | PG_PSH, msg, len);
	*seq += (uint32_t)len;
	return err;
}

/* Text lines -> a SIP message with CRLFs and a true Content-Length. */
static size_t build(char *out, size_t sz, const char *text, size_t len)
{
	char body[MAX_MSG], hdrs[MAX_MSG];
	size_t hl = 0, bl = 0, n;
	const char *p = text, *end = text + len;
	bool in_body = false;

	while (len && (end[-1] == '\n' || end[-1] == ' '))
		end--, len--;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = (nl ? nl : end) - p;
		char *dst = in_body ? body : hdrs;
		size_t *dl = in_body ? &bl : &hl;

		if (!in_body && l == 0) {
			in_body = true;
		}
		else if (in_body || strncasecmp(p, "Content-Length:", 15)) {
			if (*dl + l + 2 < MAX_MSG) {
				memcpy(dst + *dl, p, l);
				memcpy(dst + *dl + l, "\r\n", 2);
				*dl += l + 2;
			}
		}
		p += l + (nl ? 1 : 0);
	}
	n = (size_t)snprintf(out, sz, "%.*sContent-Length: %zu\r\n\r\n%.*s",
			     (int)hl, hdrs, bl, (int)bl, body);
	return n < sz ? n : 0;
}

static int parse_at(const char *line, uint64_t *us, struct sa *src,
		    struct sa *dst)
{
	char a[80], b[80];
	double t;

	if (sscanf(line, "@%lf %79s > %79s", &t, a, b) != 3 || t < 0)
		return EINVAL;
	*us = (uint64_t)(t * 1e6 + 0.5);
	return sa_decode(src, a, strlen(a)) || sa_decode(dst, b, strlen(b)) ?
		EINVAL : 0;
}

static int convert(struct out *o, char *text, const char *in)
{
	char *p = text, *at = NULL, msg[MAX_MSG + 64];
	struct sa src, dst;
	uint64_t us = 0;
	unsigned line = 1, at_line = 0;
	int err = 0;

	for (;;) {
		char *nl = strchr(p, '\n');
		bool last = !nl || !*p;

		if (last || p[0] == '@') {
			if (at) {
				size_t n = build(msg, sizeof(msg), at, p - at);

				if (!n)
					return fprintf(stderr, "%s:%u: message "
						       "too long\n", in, at_line),
						EINVAL;
				err = emit(o, us, &src, &dst, msg, n);
				if (err)
					return err;
			}
			if (last)
				break;
			if (parse_at(p, &us, &src, &dst))
				return fprintf(stderr, "%s:%u: want '@SECONDS "
					       "IP:PORT > IP:PORT'\n", in, line),
					EINVAL;
			at = nl + 1;
			at_line = line;
		}
		else if (!at && !strncmp(p, "transport ", 10)) {
			o->tcp = !strncmp(p + 10, "tcp", 3);
		}
		else if (!at && p[0] != '#' && p[0] != '\n') {
			return fprintf(stderr, "%s:%u: before the first message "
				       "only '# ...' and 'transport udp|tcp'\n",
				       in, line), EINVAL;
		}
		p = nl + 1;
		line++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct out o;
	char *text;
	size_t n, l;
	FILE *f;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: fieldgen IN.txt OUT.pcap|OUT.pcapng\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	text = calloc(1, MAX_TEXT + 1);
	if (!f || !text) {
		fprintf(stderr, "fieldgen: %s: cannot read\n", argv[1]);
		return 4;
	}
	n = fread(text, 1, MAX_TEXT, f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	l = strlen(argv[2]);
	if (l > 7 && !strcmp(argv[2] + l - 7, ".pcapng")) {
		o.f = fopen(argv[2], "wb");
		err = o.f ? pcapgen_open(&o.pg, o.f, PG_PCAPNG, 1) : errno;
	}
	else {
		err = pcapw_open(&o.pw, argv[2]);
	}
	if (!err)
		err = convert(&o, text, argv[1]);
	(void)n;
	mem_deref(o.pw);
	mem_deref(o.pg);
	if (o.f)
		fclose(o.f);
	free(text);
	if (err)
		fprintf(stderr, "fieldgen: %s: %s\n", argv[2], strerror(err));
	return err ? 1 : 0;
}
