/**
 * @file expect_seq.c  SIP sequence patterns: compile, and match a dialog
 *
 * A pattern such as "INVITE 100? 200 ACK REFER 202|200 NOTIFY(100)+ 200"
 * is parsed into a small tree, compiled into instructions for a Pike-style
 * VM (token, split, jump, match) and run over the observed messages. The
 * VM follows every possible path at once, so patterns never backtrack
 * exponentially, and when all paths die at message i the live tokens are
 * exactly what was expected there: that is the explanation we print.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"

enum { MAX_DEPTH = 16, MAX_REPEAT = 50, MAX_CODE = 4096, MAX_KIDS = 256 };
#define REP_INF UINT_MAX

enum node_type { N_TOK, N_SEQ, N_ALT, N_REP };

struct node {
	enum node_type type;
	struct expect_tok tok;
	struct node **kidv;
	size_t kidc;
	unsigned min, max;
};

enum op { OP_TOK, OP_SPLIT, OP_JMP, OP_MATCH };

struct inst {
	enum op op;
	int x, y;
	struct expect_tok tok;
};

struct expect_seq {
	struct inst *code;
	size_t len;
};

struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errsz;
};

static void node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->kidc; i++)
		node_free(n->kidv[i]);
	free(n->kidv);
	free(n);
}

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errsz, "column %zu: ", p->pos + 1);
	if (n < 0 || (size_t)n >= p->errsz)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errsz - n, fmt, ap);
	va_end(ap);
	return EINVAL;
}

static void skip_ws(struct parser *p)
{
	while (isspace((unsigned char)p->s[p->pos]))
		++p->pos;
}

static struct node *node_new(enum node_type type)
{
	struct node *n = calloc(1, sizeof(*n));

	if (n)
		n->type = type;
	return n;
}

static int node_add(struct node *n, struct node *kid)
{
	struct node **v;

	if (n->kidc >= MAX_KIDS)
		return E2BIG;
	v = realloc(n->kidv, (n->kidc + 1) * sizeof(*v));
	if (!v)
		return ENOMEM;
	n->kidv = v;
	n->kidv[n->kidc++] = kid;
	return 0;
}

static int parse_seq(struct parser *p, unsigned depth, struct node **np);

static bool is_tok_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '/' || c == '-';
}

static int parse_atom(struct parser *p, unsigned depth, struct node **np)
{
	size_t start = p->pos, len;
	struct node *n;
	int err;

	if (p->s[p->pos] == '(') {
		if (depth >= MAX_DEPTH)
			return perr(p, "groups nested deeper than %d", MAX_DEPTH);
		++p->pos;
		err = parse_seq(p, depth + 1, np);
		if (err)
			return err;
		skip_ws(p);
		if (p->s[p->pos] != ')') {
			node_free(*np);
			return perr(p, "expected ')' to close the group "
				    "opened at column %zu", start + 1);
		}
		++p->pos;
		return 0;
	}
	while (is_tok_char(p->s[p->pos]))
		++p->pos;
	/* NOTIFY(200): a qualifier glued to the method */
	if (p->pos > start && isupper((unsigned char)p->s[start])
	    && p->s[p->pos] == '(') {
		while (p->s[p->pos] && p->s[p->pos] != ')'
		       && !isspace((unsigned char)p->s[p->pos]))
			++p->pos;
		if (p->s[p->pos] == ')')
			++p->pos;
	}
	len = p->pos - start;
	if (len == 0) {
		if (!p->s[p->pos])
			return perr(p, "expected a message, got the end");
		return perr(p, "expected a message, got '%c'", p->s[p->pos]);
	}
	n = node_new(N_TOK);
	if (!n)
		return ENOMEM;
	if (expect_tok_parse(&n->tok, p->s + start, len)) {
		free(n);
		p->pos = start;
		return perr(p, "'%.*s' is not a message: write a METHOD, "
			    "METHOD(code), a code like 202 or 2xx, "
			    "code/METHOD, or '.'", (int)len, p->s + start);
	}
	*np = n;
	return 0;
}

static int parse_bounds(struct parser *p, unsigned *min, unsigned *max)
{
	char *end;
	unsigned long a, b;

	++p->pos;                                  /* '{' */
	a = strtoul(p->s + p->pos, &end, 10);
	if (end == p->s + p->pos)
		return perr(p, "expected a number after '{'");
	b = a;
	p->pos = end - p->s;
	if (p->s[p->pos] == ',') {
		++p->pos;
		b = strtoul(p->s + p->pos, &end, 10);
		if (end == p->s + p->pos)
			b = REP_INF;
		p->pos = end - p->s;
	}
	if (p->s[p->pos] != '}')
		return perr(p, "expected '}' to close the repetition");
	++p->pos;
	if (a > MAX_REPEAT || (b != REP_INF && (b > MAX_REPEAT || b < a)))
		return perr(p, "repetition {%lu,%lu} out of range 0..%d, "
			    "min <= max", a, b, MAX_REPEAT);
	*min = (unsigned)a;
	*max = b == REP_INF ? REP_INF : (unsigned)b;
	return 0;
}

static int parse_quant(struct parser *p, unsigned depth, struct node **np)
{
	unsigned min = 0, max = 0;
	struct node *rep;
	char c;
	int err;

	err = parse_atom(p, depth, np);
	if (err)
		return err;
	c = p->s[p->pos];
	switch (c) {
	case '?': min = 0; max = 1; ++p->pos; break;
	case '*': min = 0; max = REP_INF; ++p->pos; break;
	case '+': min = 1; max = REP_INF; ++p->pos; break;
	case '{':
		err = parse_bounds(p, &min, &max);
		if (err)
			goto out;
		break;
	default:
		return 0;
	}
	if (p->s[p->pos] && strchr("?*+{", p->s[p->pos])) {
		err = perr(p, "a second repetition; group with ( ) first");
		goto out;
	}
	rep = node_new(N_REP);
	if (!rep || node_add(rep, *np)) {
		free(rep);
		err = ENOMEM;
		goto out;
	}
	rep->min = min;
	rep->max = max;
	*np = rep;
	return 0;
 out:
	node_free(*np);
	*np = NULL;
	return err;
}

/* '|' binds tighter than juxtaposition: "A B|C D" is A (B|C) D. */
static int parse_alt(struct parser *p, unsigned depth, struct node **np)
{
	struct node *alt = NULL, *n;
	int err;

	err = parse_quant(p, depth, np);
	for (skip_ws(p); !err && p->s[p->pos] == '|'; skip_ws(p)) {
		++p->pos;
		skip_ws(p);
		if (!alt) {
			alt = node_new(N_ALT);
			if (!alt)
				return node_free(*np), ENOMEM;
			err = node_add(alt, *np);
			if (err) {
				node_free(*np);
				break;
			}
		}
		err = parse_quant(p, depth, &n);
		if (!err && (err = node_add(alt, n)))
			node_free(n);
	}
	if (alt) {
		if (err)
			node_free(alt);
		*np = err ? NULL : alt;
	}
	else if (err) {
		*np = NULL;
	}
	return err;
}

static int parse_seq(struct parser *p, unsigned depth, struct node **np)
{
	struct node *seq = node_new(N_SEQ), *n;
	int err = 0;

	if (!seq)
		return ENOMEM;
	for (skip_ws(p); p->s[p->pos] && p->s[p->pos] != ')'; skip_ws(p)) {
		err = parse_alt(p, depth, &n);
		if (err)
			break;
		err = node_add(seq, n);
		if (err) {
			node_free(n);
			break;
		}
	}
	if (err) {
		node_free(seq);
		return err;
	}
	*np = seq;
	return 0;
}

static int emit(struct expect_seq *s, enum op op, int x, int y)
{
	if (s->len >= MAX_CODE)
		return -1;
	s->code[s->len] = (struct inst){.op = op, .x = x, .y = y};
	return (int)s->len++;
}

static int compile(struct expect_seq *s, const struct node *n);

static int compile_alt(struct expect_seq *s, const struct node *n)
{
	int jumps[MAX_KIDS], split, i, err = 0;
	size_t k;

	for (k = 0; k < n->kidc; k++) {
		split = -1;
		if (k + 1 < n->kidc && (split = emit(s, OP_SPLIT, 0, 0)) < 0)
			return E2BIG;
		if (split >= 0)
			s->code[split].x = (int)s->len;
		err = compile(s, n->kidv[k]);
		if (err)
			return err;
		jumps[k] = -1;
		if (k + 1 < n->kidc && (jumps[k] = emit(s, OP_JMP, 0, 0)) < 0)
			return E2BIG;
		if (split >= 0)
			s->code[split].y = (int)s->len;
	}
	for (i = 0; i + 1 < (int)n->kidc; i++)
		s->code[jumps[i]].x = (int)s->len;
	return 0;
}

static int compile_rep(struct expect_seq *s, const struct node *n)
{
	int splits[MAX_REPEAT], loop, split;
	unsigned i;
	int err;

	for (i = 0; i < n->min; i++) {
		err = compile(s, n->kidv[0]);
		if (err)
			return err;
	}
	if (n->max == REP_INF) {
		loop = split = emit(s, OP_SPLIT, 0, 0);
		if (split < 0)
			return E2BIG;
		s->code[split].x = (int)s->len;
		err = compile(s, n->kidv[0]);
		if (err || emit(s, OP_JMP, loop, 0) < 0)
			return err ? err : E2BIG;
		s->code[split].y = (int)s->len;
		return 0;
	}
	for (i = 0; i < n->max - n->min; i++) {
		splits[i] = emit(s, OP_SPLIT, 0, 0);
		if (splits[i] < 0)
			return E2BIG;
		s->code[splits[i]].x = (int)s->len;
		err = compile(s, n->kidv[0]);
		if (err)
			return err;
	}
	for (i = 0; i < n->max - n->min; i++)
		s->code[splits[i]].y = (int)s->len;
	return 0;
}

static int compile(struct expect_seq *s, const struct node *n)
{
	size_t k;
	int pc, err;

	switch (n->type) {
	case N_TOK:
		pc = emit(s, OP_TOK, 0, 0);
		if (pc < 0)
			return E2BIG;
		s->code[pc].tok = n->tok;
		return 0;
	case N_SEQ:
		for (k = 0; k < n->kidc; k++) {
			err = compile(s, n->kidv[k]);
			if (err)
				return err;
		}
		return 0;
	case N_ALT:
		return compile_alt(s, n);
	case N_REP:
		return compile_rep(s, n);
	}
	return EINVAL;
}

void expect_seq_free(struct expect_seq *s)
{
	if (!s)
		return;
	free(s->code);
	free(s);
}

int expect_seq_compile(struct expect_seq **sp, const char *text, char *err,
		       size_t errsz)
{
	struct parser p = {.s = text, .err = err, .errsz = errsz};
	struct expect_seq *s;
	struct node *root = NULL;
	int e;

	e = parse_seq(&p, 0, &root);
	if (!e && p.s[p.pos] == ')')
		e = perr(&p, "')' without a matching '('");
	if (e) {
		node_free(root);
		if (e == ENOMEM || e == E2BIG)
			snprintf(err, errsz, "pattern too large");
		return e;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->code = calloc(MAX_CODE, sizeof(*s->code));
	if (!s || !s->code) {
		e = ENOMEM;
		goto out;
	}
	e = compile(s, root);
	if (!e && emit(s, OP_MATCH, 0, 0) < 0)
		e = E2BIG;
	if (e == E2BIG)
		snprintf(err, errsz, "pattern too large: more than %d "
			 "steps once repetitions are expanded", MAX_CODE);
 out:
	node_free(root);
	if (e)
		expect_seq_free(s);
	else
		*sp = s;
	return e;
}

/* The live threads of the VM at one step: program counters, each once. */
struct threads {
	int *pcv;
	size_t pcc;
	unsigned *mark;     /* shared: mark[pc] == gen means already added */
	unsigned gen;
};

static void thread_add(const struct expect_seq *s, struct threads *t, int pc)
{
	int stack[2 * MAX_CODE + 1];
	size_t sp = 0;

	stack[sp++] = pc;
	while (sp > 0) {
		pc = stack[--sp];
		if (t->mark[pc] == t->gen)
			continue;
		t->mark[pc] = t->gen;
		switch (s->code[pc].op) {
		case OP_JMP:
			stack[sp++] = s->code[pc].x;
			break;
		case OP_SPLIT:
			/* y first on the stack: x is explored first */
			stack[sp++] = s->code[pc].y;
			stack[sp++] = s->code[pc].x;
			break;
		default:
			t->pcv[t->pcc++] = pc;
			break;
		}
	}
}

static bool threads_match(const struct expect_seq *s, const struct threads *t)
{
	size_t i;

	for (i = 0; i < t->pcc; i++) {
		if (s->code[t->pcv[i]].op == OP_MATCH)
			return true;
	}
	return false;
}

/* "NOTIFY(200) or BYE" from the tokens the live threads wait for. */
static void print_expected(char *buf, size_t sz, const struct expect_seq *s,
			   const struct threads *t)
{
	char tok[64], *seen = NULL;
	size_t i, n = 0, used = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < t->pcc; i++) {
		const struct inst *in = &s->code[t->pcv[i]];

		if (in->op == OP_MATCH)
			snprintf(tok, sizeof(tok), "the end of the dialog");
		else
			expect_tok_print(tok, sizeof(tok), &in->tok);
		seen = strstr(buf, tok);
		if (seen && (seen == buf || seen[-1] == ' ')
		    && (seen[strlen(tok)] == '\0' || seen[strlen(tok)] == ' '))
			continue;
		w = snprintf(buf + used, sz - used, "%s%s", n ? " or " : "",
			     tok);
		if (w < 0 || (size_t)w >= sz - used)
			return;
		used += w;
		++n;
	}
}

/* The last few messages before index i, to show where the dialog was. */
static void print_context(char *buf, size_t sz, const struct expect_msg **v,
			  size_t i)
{
	size_t k = i > 12 ? i - 12 : 0, used = 0;
	char m[32];
	int w;

	buf[0] = '\0';
	if (i == 0) {
		snprintf(buf, sz, "(nothing)");
		return;
	}
	if (k > 0)
		used = snprintf(buf, sz, "... ");
	for (; k < i && used < sz; k++) {
		expect_msg_print(m, sizeof(m), v[k]);
		w = snprintf(buf + used, sz - used, "%s%s",
			     used && buf[used - 1] != ' ' ? " " : "", m);
		if (w < 0)
			return;
		used += w;
	}
}

static void explain(char *why, size_t whysz, const struct expect_seq *s,
		    const struct threads *t, const struct expect_msg **v,
		    size_t n, size_t i)
{
	char want[256], before[320], got[48];

	print_expected(want, sizeof(want), s, t);
	print_context(before, sizeof(before), v, i);
	if (i == n) {
		snprintf(why, whysz, "expected %s at message %zu, got the end "
			 "of the dialog (after: %s)", want, i + 1, before);
		return;
	}
	expect_msg_print(got, sizeof(got), v[i]);
	snprintf(why, whysz, "expected %s at message %zu, got %s (frame %u)"
		 " (after: %s)", want, i + 1, got, v[i]->frame, before);
}

static bool run(const struct expect_seq *s, const struct expect_msg **v,
		size_t n, char *why, size_t whysz)
{
	struct threads a = {0}, b = {0}, *cur = &a, *next = &b, *tmp;
	unsigned *mark = calloc(s->len, sizeof(*mark));
	bool ok = false;
	size_t i, k;

	a.pcv = calloc(s->len, sizeof(int));
	b.pcv = calloc(s->len, sizeof(int));
	if (!mark || !a.pcv || !b.pcv) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	a.mark = b.mark = mark;
	a.gen = 1;
	thread_add(s, cur, 0);
	for (i = 0; i < n; i++) {
		next->pcc = 0;
		next->gen = (unsigned)i + 2;
		for (k = 0; k < cur->pcc; k++) {
			const struct inst *in = &s->code[cur->pcv[k]];

			if (in->op == OP_TOK && expect_tok_match(&in->tok, v[i]))
				thread_add(s, next, cur->pcv[k] + 1);
		}
		if (next->pcc == 0)
			break;
		tmp = cur, cur = next, next = tmp;
	}
	ok = i == n && threads_match(s, cur);
	if (!ok)
		explain(why, whysz, s, cur, v, n, i);
 out:
	free(mark);
	free(a.pcv);
	free(b.pcv);
	return ok;
}

bool expect_seq_match(const struct expect_seq *s,
		      const struct expect_msg *msgv, size_t msgc,
		      bool skip_retrans, char *why, size_t whysz)
{
	const struct expect_msg **v;
	size_t i, n = 0;
	bool ok;

	v = calloc(msgc + 1, sizeof(*v));
	if (!v) {
		snprintf(why, whysz, "out of memory");
		return false;
	}
	for (i = 0; i < msgc; i++) {
		if (!skip_retrans || !expect_msg_is_retrans(msgv, i))
			v[n++] = &msgv[i];
	}
	ok = run(s, v, n, why, whysz);
	free(v);
	return ok;
}
