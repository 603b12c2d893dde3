/**
 * @file expect_msg.c  Pattern tokens, and observed SIP messages as the matchers see them
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "expect.h"

static int parse_code(struct expect_tok *t, const char *s, size_t len)
{
	if (len != 3 || s[0] < '1' || s[0] > '6')
		return EINVAL;
	if (s[1] == 'x' && s[2] == 'x') {
		t->code = s[0] - '0';
		t->code_class = true;
		return 0;
	}
	if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]))
		return EINVAL;
	t->code = (uint16_t)((s[0] - '0') * 100 + (s[1] - '0') * 10
			     + (s[2] - '0'));
	return 0;
}

static size_t method_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && isupper((unsigned char)s[n]))
		++n;
	return n;
}

/* "." | CODE ["/" METHOD] | METHOD ["(" CODE | "-" ")"] */
int expect_tok_parse(struct expect_tok *t, const char *s, size_t len)
{
	size_t m;

	memset(t, 0, sizeof(*t));
	if (len == 1 && s[0] == '.') {
		t->any = true;
		return 0;
	}
	if (len >= 3 && isdigit((unsigned char)s[0])) {
		if (parse_code(t, s, 3))
			return EINVAL;
		if (len == 3)
			return 0;
		m = method_len(s + 4, len - 4);
		if (s[3] != '/' || m == 0 || m != len - 4
		    || m >= sizeof(t->cseq_method))
			return EINVAL;
		memcpy(t->cseq_method, s + 4, m);
		return 0;
	}
	m = method_len(s, len);
	if (m == 0 || m >= sizeof(t->method))
		return EINVAL;
	memcpy(t->method, s, m);
	if (m == len)
		return 0;
	if (s[m] != '(' || s[len - 1] != ')')
		return EINVAL;
	if (len - m - 2 == 1 && s[m + 1] == '-') {
		t->no_frag = true;
		return 0;
	}
	return parse_code(t, s + m + 1, len - m - 2);
}

static bool code_match(const struct expect_tok *t, uint16_t code)
{
	return t->code_class ? code / 100 == t->code : code == t->code;
}

bool expect_tok_match(const struct expect_tok *t, const struct expect_msg *m)
{
	if (t->any)
		return true;
	if (!t->method[0]) {
		if (m->method || !code_match(t, m->scode))
			return false;
		return !t->cseq_method[0] || (m->cseq_method
			&& !strcmp(m->cseq_method, t->cseq_method));
	}
	if (!m->method || strcmp(m->method, t->method))
		return false;
	if (t->no_frag)
		return m->frag_scode == 0;
	return !t->code || code_match(t, m->frag_scode);
}

void expect_tok_print(char *buf, size_t sz, const struct expect_tok *t)
{
	char code[8] = "";

	if (t->code_class)
		snprintf(code, sizeof(code), "%uxx", t->code);
	else if (t->code)
		snprintf(code, sizeof(code), "%u", t->code);

	if (t->any)
		snprintf(buf, sz, "any message");
	else if (!t->method[0])
		snprintf(buf, sz, "%s%s%s", code, t->cseq_method[0] ? "/" : "",
			 t->cseq_method);
	else if (t->no_frag)
		snprintf(buf, sz, "%s(-)", t->method);
	else if (t->code)
		snprintf(buf, sz, "%s(%s)", t->method, code);
	else
		snprintf(buf, sz, "%s", t->method);
}

void expect_msg_print(char *buf, size_t sz, const struct expect_msg *m)
{
	if (!m->method)
		snprintf(buf, sz, "%u", m->scode);
	else if (!strcmp(m->method, "NOTIFY") && m->frag_scode)
		snprintf(buf, sz, "NOTIFY(%u)", m->frag_scode);
	else
		snprintf(buf, sz, "%s", m->method);
}

/* Every occurrence of the header, joined with ", " as RFC 3261 7.3.1
 * allows, truncated to sz. */
bool expect_msg_hdr(const struct expect_msg *m, const char *name,
		    char *buf, size_t sz)
{
	const char *val;
	size_t len, used = 0;
	unsigned idx;

	buf[0] = '\0';
	if (!m->hdrh)
		return false;
	for (idx = 0; idx < 64 && m->hdrh(m->arg, name, idx, &val, &len);
	     idx++) {
		int w = snprintf(buf + used, sz - used, "%s%.*s",
				 idx ? ", " : "", (int)len, val);

		if (w < 0 || (size_t)w >= sz - used)
			return true;
		used += w;
	}
	return idx > 0;
}

static void via_branch(char *buf, size_t sz, const char *via)
{
	const char *b = strstr(via, "branch=");
	size_t n = 0;

	if (b)
		for (b += 7; b[n] && b[n] != ';' && b[n] != ','
			     && !isspace((unsigned char)b[n]); n++)
			;
	snprintf(buf, sz, "%.*s", (int)n, b ? b : "");
}

bool expect_msg_is_retrans(const struct expect_msg *msgv, size_t i)
{
	char cseq[64], via[256], branch[128], c2[64], v2[256], b2[128];
	const struct expect_msg *m = &msgv[i], *o;
	size_t j;

	if (!expect_msg_hdr(m, "CSeq", cseq, sizeof(cseq))
	    || !expect_msg_hdr(m, "Via", via, sizeof(via)))
		return false;
	via_branch(branch, sizeof(branch), via);
	for (j = 0; j < i; j++) {
		o = &msgv[j];
		if (!!o->method != !!m->method || o->scode != m->scode
		    || (m->method && strcmp(o->method, m->method)))
			continue;
		if (!expect_msg_hdr(o, "CSeq", c2, sizeof(c2))
		    || !expect_msg_hdr(o, "Via", v2, sizeof(v2)))
			continue;
		via_branch(b2, sizeof(b2), v2);
		if (!strcmp(c2, cseq) && !strcmp(b2, branch))
			return true;
	}
	return false;
}

