/**
 * @file runner_plan.c  From a case's expectation to how the runner runs it
 *
 * The expectation file (expect.h, scenarios/README.md) says what the case
 * is; the run's options may override its transport and family, and cap
 * its timeout. A file that does not load is the case's ERROR, with the
 * loader's message naming the file and the JSON path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "runner_case.h"

int plan_load(struct case_plan *p, struct expect **ep,
	      const struct runner_opts *o, const struct runner_case *c,
	      char *err, size_t errsz)
{
	struct expect *e = NULL;
	int r;

	memset(p, 0, sizeof(*p));
	r = expect_load(&e, c->expect_path, err, errsz);
	if (r)
		return r;
	p->role = e->role == EXPECT_PHONE ? PLAN_PHONE : PLAN_CARRIER;
	p->tcp = o->transport ? !strcmp(o->transport, "tcp") :
		e->transport == EXPECT_TCP;
	p->ipv6 = o->ipv6 || e->family == EXPECT_IPV6;
	p->timeout_s = e->timeout_s && e->timeout_s < o->timeout_s ?
		e->timeout_s : o->timeout_s;
	/* The implementation speaks --dialect; the built-in one, unless
	 * told, the case's own. */
	p->dialect = o->dialect ? o->dialect :
		e->dialect ? e->dialect : "spec";
	dialect_apply(e, p->dialect);
	*ep = e;
	return 0;
}
