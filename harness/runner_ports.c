/**
 * @file runner_ports.c  The ports of each case, and the run's fixed ones
 */
#include <string.h>
#include "ports.h"
#include "runner.h"

/* Each of a case's ports but the run's fixed ones, which outlive it. */
void case_ports_release(struct case_ports *p, const struct runner_opts *o)
{
	ports_release(p->sim_sip, 2);
	ports_release(p->iut_ctrl, 1);
	ports_release(p->iut_media, 4);
	if (!o->peer_port)
		ports_release(p->peer_sip, 1);
	ports_release(p->peer_ctrl, 1);
	ports_release(p->peer_media, 4);
	if (!o->hook_port)
		ports_release(p->hooks, 1);
	memset(p, 0, sizeof(*p));
}

/* Free ports per case; an external implementation is configured once
 * with the hook URL and the peers' address, so those stay fixed. */
int case_ports_alloc(struct case_ports *p, const struct runner_opts *o)
{
	bool ipv6 = o->ipv6;
	int err;

	memset(p, 0, sizeof(*p));
	p->hooks = o->hook_port;
	p->peer_sip = o->peer_port;
	/* 2: baresip listens for TLS on the port after its SIP port */
	err = ports_alloc(&p->sim_sip, 2, ipv6);
	err = err ? err : ports_alloc(&p->iut_ctrl, 1, ipv6);
	err = err ? err : ports_alloc(&p->iut_media, 4, ipv6);
	if (!err && !o->peer_port)
		err = ports_alloc(&p->peer_sip, 1, ipv6);
	err = err ? err : ports_alloc(&p->peer_ctrl, 1, ipv6);
	err = err ? err : ports_alloc(&p->peer_media, 4, ipv6);
	if (!err && !o->hook_port)
		err = ports_alloc(&p->hooks, 1, ipv6);
	if (err)
		case_ports_release(p, o);
	return err;
}

void run_ports_release(const struct runner_opts *o)
{
	ports_release(o->hook_port, 1);
	ports_release(o->peer_port, 1);
}
