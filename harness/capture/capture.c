/**
 * @file capture.c  Live capture with libpcap
 *
 * A reader thread moves packets from libpcap to the dump file; the
 * caller's thread only starts and stops it. Immediate mode keeps the
 * file current, so stopping needs no long drain.
 */
#include <pthread.h>
#include <string.h>
#include <pcap/pcap.h>
#include "capture/capture.h"

enum { SNAPLEN = 65535, TIMEOUT_MS = 50, BUFFER = 8 << 20 };

struct capture {
	pcap_t *pc;
	pcap_dumper_t *dump;
	pthread_t thread;
	bool running;
	volatile bool stop;
	uint64_t packets;
	capture_frame_h *frameh;
	void *arg;
	uint32_t linktype;
	char iface[64];
};

static void dump_h(u_char *arg, const struct pcap_pkthdr *h,
		   const u_char *bytes)
{
	struct capture *c = (struct capture *)arg;

	pcap_dump((u_char *)c->dump, h, bytes);
	++c->packets;
	if (c->frameh) {
		struct pcap_frame fr = {
			.num = c->packets,
			.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL +
				 (uint64_t)h->ts.tv_usec * 1000ULL,
			.linktype = c->linktype,
			.data = bytes,
			.caplen = h->caplen,
			.origlen = h->len,
		};

		c->frameh(&fr, c->arg);
	}
}

static void *reader(void *arg)
{
	struct capture *c = arg;

	while (!c->stop) {
		if (pcap_dispatch(c->pc, -1, dump_h, (u_char *)c) < 0)
			break;
	}
	return NULL;
}

static bool iface_has(const pcap_if_t *d, const struct sa *a)
{
	const pcap_addr_t *pa;

	for (pa = d->addresses; pa; pa = pa->next) {
		struct sa s;

		if (!pa->addr || sa_set_sa(&s, pa->addr))
			continue;
		if (sa_cmp(&s, a, SA_ADDR))
			return true;
	}
	return false;
}

/* The one interface that carries every address, else "any". */
static void choose_iface(char *name, size_t sz, const struct sa *addrs,
			 size_t n)
{
	pcap_if_t *all = NULL, *d;
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *found = NULL;
	size_t i;

	str_ncpy(name, "any", sz);
	if (pcap_findalldevs(&all, ebuf) || !n)
		goto out;
	for (i = 0; i < n; i++) {
		const char *here = NULL;

		for (d = all; d && !here; d = d->next)
			if (iface_has(d, &addrs[i]))
				here = d->name;
		if (!here || (found && strcmp(found, here)))
			goto out;
		found = here;
	}
	str_ncpy(name, found, sz);
 out:
	if (all)
		pcap_freealldevs(all);
}

static int set_filter(struct capture *c, const uint16_t *ports, size_t n,
		      char *err, size_t errsz)
{
	struct bpf_program prog;
	char expr[1024] = "";
	size_t i, len = 0;

	if (!n)
		return 0;
	len += (size_t)re_snprintf(expr, sizeof(expr), "(udp or tcp) and (");
	for (i = 0; i < n && len < sizeof(expr) - 32; i++)
		len += (size_t)re_snprintf(expr + len, sizeof(expr) - len,
					   "%sport %u", i ? " or " : "",
					   ports[i]);
	re_snprintf(expr + len, sizeof(expr) - len, ")");
	if (pcap_compile(c->pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		re_snprintf(err, errsz, "capture filter '%s': %s", expr,
			    pcap_geterr(c->pc));
		return EINVAL;
	}
	i = (size_t)pcap_setfilter(c->pc, &prog);
	pcap_freecode(&prog);
	if (i)
		re_snprintf(err, errsz, "capture filter: %s", pcap_geterr(c->pc));
	return i ? EINVAL : 0;
}

static int activate(struct capture *c, char *err, size_t errsz)
{
	int r;

	(void)pcap_set_snaplen(c->pc, SNAPLEN);
	(void)pcap_set_timeout(c->pc, TIMEOUT_MS);
	(void)pcap_set_immediate_mode(c->pc, 1);
	(void)pcap_set_buffer_size(c->pc, BUFFER);
	r = pcap_activate(c->pc);
	if (r == PCAP_ERROR_PERM_DENIED || r == PCAP_ERROR_PROMISC_PERM_DENIED) {
		re_snprintf(err, errsz, "no capture rights on '%s': run as "
			    "root or grant CAP_NET_RAW (setcap "
			    "cap_net_raw,cap_net_admin=eip on the program); "
			    "without capture, use the sim's --trace file",
			    c->iface);
		return EPERM;
	}
	if (r < 0) {
		re_snprintf(err, errsz, "cannot capture on '%s': %s",
			    c->iface, pcap_geterr(c->pc));
		return ENODEV;
	}
	return 0;
}

static void destructor(void *arg)
{
	struct capture *c = arg;

	if (c->running) {
		c->stop = true;
		pcap_breakloop(c->pc);
		pthread_join(c->thread, NULL);
	}
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->pc)
		pcap_close(c->pc);
}

int capture_start(struct capture **cp, const char *file,
		  const struct sa *addrs, size_t naddrs,
		  const uint16_t *ports, size_t nports, char *err,
		  size_t errsz)
{
	return capture_start_live(cp, file, addrs, naddrs, ports, nports,
				  NULL, NULL, err, errsz);
}

int capture_start_live(struct capture **cp, const char *file,
		       const struct sa *addrs, size_t naddrs,
		       const uint16_t *ports, size_t nports,
		       capture_frame_h *frameh, void *arg, char *err,
		       size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c;
	int e;

	if (!cp || !file)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	c->frameh = frameh;
	c->arg = arg;
	choose_iface(c->iface, sizeof(c->iface), addrs, naddrs);
	c->pc = pcap_create(c->iface, ebuf);
	if (!c->pc) {
		re_snprintf(err, errsz, "cannot capture on '%s': %s",
			    c->iface, ebuf);
		e = ENODEV;
		goto out;
	}
	e = activate(c, err, errsz);
	if (!e)
		e = set_filter(c, ports, nports, err, errsz);
	if (e)
		goto out;
	c->linktype = (uint32_t)pcap_datalink(c->pc);
	c->dump = pcap_dump_open(c->pc, file);
	if (!c->dump) {
		/* libpcap's message names the file already */
		re_snprintf(err, errsz, "%s", pcap_geterr(c->pc));
		e = EIO;
		goto out;
	}
	e = pthread_create(&c->thread, NULL, reader, c);
	c->running = !e;
	if (e)
		re_snprintf(err, errsz, "capture thread: %m", e);
 out:
	if (e)
		mem_deref(c);
	else
		*cp = c;
	return e;
}

/* Stop reading, take what the kernel still holds, flush and close. */
int capture_stop(struct capture *c, struct capture_stats *st)
{
	struct pcap_stat ps;
	int n, guard = 0;

	if (!c)
		return EINVAL;
	c->stop = true;
	pcap_breakloop(c->pc);
	pthread_join(c->thread, NULL);
	c->running = false;
	(void)pcap_setnonblock(c->pc, 1, NULL);
	/* the first call may only clear the breakloop flag (-2) */
	do {
		n = pcap_dispatch(c->pc, -1, dump_h, (u_char *)c);
	} while ((n > 0 || n == PCAP_ERROR_BREAK) && ++guard < 1000);
	if (st) {
		memset(st, 0, sizeof(*st));
		st->packets = c->packets;
		str_ncpy(st->iface, c->iface, sizeof(st->iface));
		if (!pcap_stats(c->pc, &ps)) {
			st->dropped = ps.ps_drop;
			st->if_dropped = ps.ps_ifdrop;
		}
	}
	pcap_dump_flush(c->dump);
	mem_deref(c);
	return 0;
}
