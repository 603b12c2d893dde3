/**
 * @file test_relike.c  The model's fast paths for libre's address, Event
 *                      and parameter decoders, and its literal compare
 *                      PL_IS, give libre's answer on every string of a
 *                      dense random set built from the characters those
 *                      decoders care about
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "unit.h"
#include "model/relike.h"
#include "model/model_int.h"

enum { ROUNDS = 300000, MAXLEN = 24 };

/* Pieces the three regexes and their quirks turn on */
static const char *const pieces[] = {
	"<", ">", ":", ";", "\"", "\\", " ", "\t", "=", "@", "/", "?", "a",
	"B", "1", "sip", "sip:", "<sip:", "id", "ID", "reason", "Reason",
	"refer", "id=", "reason=", ";id=", ";reason=", "[", "]", "::1",
	"bob@h", "~", "'",
};

static size_t gen(char *buf, size_t sz)
{
	size_t len = 0, n = (size_t)(rand() % 8);

	while (n--) {
		const char *p = pieces[rand() % (int)(sizeof(pieces) /
						      sizeof(pieces[0]))];
		size_t l = strlen(p);

		if (len + l >= sz)
			break;
		memcpy(buf + len, p, l);
		len += l;
	}
	return len;
}

static bool same_pl(const struct pl *a, const struct pl *b)
{
	return a->l == b->l && (!a->l || a->p == b->p);
}

static void test_differential(void)
{
	char buf[MAXLEN * 8];
	unsigned i, differ = 0;

	srand(8);
	for (i = 0; i < ROUNDS; i++) {
		struct pl val = {buf, gen(buf, sizeof(buf))};
		struct sipevent_event e1, e2;
		struct sip_addr addr;
		struct pl v1 = PL_INIT, v2 = PL_INIT;
		int r1, r2;
		bool ok;

		ok = !sip_addr_decode(&addr, &val) &&
		     pl_isset(&addr.uri.scheme);
		if (ok != relike_addr_valid(&val))
			differ++;
		memset(&e1, 0, sizeof(e1));
		memset(&e2, 0, sizeof(e2));
		r1 = sipevent_event_decode(&e1, &val);
		r2 = relike_event_decode(&e2, &val);
		if (r1 != r2 || (!r1 && (!same_pl(&e1.event, &e2.event) ||
					 !same_pl(&e1.params, &e2.params) ||
					 !same_pl(&e1.id, &e2.id))))
			differ++;
		r1 = msg_param_decode(&val, "reason", &v1);
		r2 = relike_param(&val, "reason", &v2);
		if (r1 != r2 || (!r1 && !same_pl(&v1, &v2)))
			differ++;
		if (differ) {
			fprintf(stderr, "  differs on '%.*s'\n", (int)val.l,
				buf);
			break;
		}
	}
	CU_ASSERT_EQUAL(differ, 0);
}

/* lit with random bytes flipped in case, or in the case bit whatever
 * they are ('/' to 0x0f), or replaced: PL_IS answers pl_strcasecmp's,
 * for literals of letters (the word compare) and of others (the call) */
static bool pl_is_agrees(const char *text, size_t n)
{
	struct pl pl = {text, n};
	bool want_t = !pl_strcasecmp(&pl, "terminated");
	bool want_m = !pl_strcasecmp(&pl, "message/sipfrag");
	bool want_r = !pl_strcasecmp(&pl, "refer");

	return PL_IS(&pl, "terminated") == want_t &&
		PL_IS(&pl, "message/sipfrag") == want_m &&
		PL_IS(&pl, "refer") == want_r;
}

static void test_pl_is(void)
{
	static const char *const lits[] = {"terminated", "message/sipfrag",
					   "refer", "Refer-To"};
	const struct pl upper = PL("MESSAGE/SIPFRAG");
	const struct pl ctrl = PL("message\x0fsipfrag");   /* '/' ^ 0x20 */
	const struct pl mixed = PL("TeRmInAtEd");
	unsigned i, bad = 0;
	char buf[32];

	srand(7);
	for (i = 0; i < ROUNDS; i++) {
		const char *lit = lits[rand() % 4];
		size_t n = strlen(lit), k;

		memcpy(buf, lit, n);
		for (k = rand() % 3; k; k--) {
			size_t at = (size_t)rand() % n;

			buf[at] = rand() % 4 ? (char)(buf[at] ^ 0x20)
					     : (char)(rand() % 256);
		}
		if (!pl_is_agrees(buf, n - (rand() % 8 == 0)))
			++bad;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(PL_IS(&upper, "message/sipfrag"));
	CU_ASSERT(!PL_IS(&ctrl, "message/sipfrag"));
	CU_ASSERT(PL_IS(&mixed, "terminated"));
}

static const struct unit_test tests[] = {
	{"libre's answer on random strings", test_differential},
	{"PL_IS as pl_strcasecmp, letters or not", test_pl_is},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"libre decoders' fast paths", tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
