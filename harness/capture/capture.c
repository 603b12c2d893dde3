/**
 * @file capture.c  Live capture with libpcap
 *
 * A reader thread moves packets from libpcap to the dump file; the
 * caller's thread only starts and stops it. Immediate mode keeps the
 * file current, so stopping needs no long drain. Buffered mode (Linux:
 * TPACKET_V3 blocks) wakes the reader once per filled block or per
 * TIMEOUT_MS, not once per packet; the time stamps are the kernel's
 * either way, so only when the frames reach us changes. The block being
 * filled is handed over by the kernel's block timer only, so stopping
 * waits out one TIMEOUT_MS (and a margin) before the last read.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "capture/capture.h"

enum {
	SNAPLEN = 65535,
	TIMEOUT_MS = 50,         /* buffered: a block's longest wait */
	DRAIN_MARGIN_MS = 50,    /* the kernel's block timer runs late */
	DRAIN_POLL_US = 5000,
	DRAIN_READS_MAX = 1000,
	BUFFER = 8 << 20,
};

struct capture {
	pcap_t *pc;
	pcap_dumper_t *dump;
	pthread_t thread;
	bool running;
	bool buffered;
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

/* "(udp or tcp) and (host A or host B) and (port X or port Y)": the
 * given addresses (one with no IP is left out) and ports only, either
 * end. */
int capture_filter(char *buf, size_t sz, const struct sa *addrs,
		   size_t naddrs, const uint16_t *ports, size_t nports)
{
	struct mbuf *mb;
	size_t i, nh = 0;
	int e;

	if (!buf || !sz || (nports && !ports) || (naddrs && !addrs))
		return EINVAL;
	buf[0] = '\0';
	if (!nports)
		return 0;
	mb = mbuf_alloc(256);
	if (!mb)
		return ENOMEM;
	e = mbuf_printf(mb, "(udp or tcp) and ");
	for (i = 0; i < naddrs && !e; i++) {
		if (sa_isset(&addrs[i], SA_ADDR))
			e = mbuf_printf(mb, "%shost %j", nh++ ? " or " : "(",
					&addrs[i]);
	}
	for (i = 0; i < nports && !e; i++)
		e = mbuf_printf(mb, "%sport %u", i ? " or " :
				nh ? ") and (" : "(", ports[i]);
	e = e ? e : mbuf_printf(mb, ")");
	if (!e && mb->end >= sz)
		e = ENOSPC;   /* never a wider filter than asked for */
	if (!e) {
		memcpy(buf, mb->buf, mb->end);
		buf[mb->end] = '\0';
	}
	mem_deref(mb);
	return e;
}

static int set_filter(struct capture *c, const struct sa *addrs,
		      size_t naddrs, const uint16_t *ports, size_t n,
		      char *err, size_t errsz)
{
	struct bpf_program prog;
	char expr[2048];
	int e;

	e = capture_filter(expr, sizeof(expr), addrs, naddrs, ports, n);
	if (e) {
		re_snprintf(err, errsz, "capture filter for %zu ports: %s", n,
			    strerror(e));
		return e;
	}
	if (!expr[0])
		return 0;
	if (pcap_compile(c->pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		re_snprintf(err, errsz, "capture filter '%s': %s", expr,
			    pcap_geterr(c->pc));
		return EINVAL;
	}
	e = pcap_setfilter(c->pc, &prog);
	pcap_freecode(&prog);
	if (e)
		re_snprintf(err, errsz, "capture filter: %s", pcap_geterr(c->pc));
	return e ? EINVAL : 0;
}

static int activate(struct capture *c, char *err, size_t errsz)
{
	int r;

	(void)pcap_set_snaplen(c->pc, SNAPLEN);
	(void)pcap_set_timeout(c->pc, TIMEOUT_MS);
	(void)pcap_set_immediate_mode(c->pc, !c->buffered);
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

static int start(struct capture **cp, const char *file,
		 const struct sa *addrs, size_t naddrs, const uint16_t *ports,
		 size_t nports, bool buffered, capture_frame_h *frameh,
		 void *arg, char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c;
	int e;

	if (!cp || !file)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), destructor);
	if (!c)
		return ENOMEM;
	c->buffered = buffered;
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
		e = set_filter(c, addrs, naddrs, ports, nports, err, errsz);
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

int capture_start(struct capture **cp, const char *file,
		  const struct sa *addrs, size_t naddrs,
		  const uint16_t *ports, size_t nports,
		  enum capture_mode mode, char *err, size_t errsz)
{
	return start(cp, file, addrs, naddrs, ports, nports,
		     mode == CAPTURE_BUFFERED, NULL, NULL, err, errsz);
}

int capture_start_live(struct capture **cp, const char *file,
		       const struct sa *addrs, size_t naddrs,
		       const uint16_t *ports, size_t nports,
		       capture_frame_h *frameh, void *arg, char *err,
		       size_t errsz)
{
	return start(cp, file, addrs, naddrs, ports, nports, false, frameh,
		     arg, err, errsz);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What the kernel still holds. Immediate: until a read finds nothing.
 * Buffered: the block being filled is only handed over when the
 * kernel's block timer retires it, up to TIMEOUT_MS after its last
 * packet; reading on until then loses none. Bounded in reads and time. */
static void drain(struct capture *c)
{
	uint64_t until = mono_ms() +
		(c->buffered ? TIMEOUT_MS + DRAIN_MARGIN_MS : 0);
	int n, reads = 0;

	(void)pcap_setnonblock(c->pc, 1, NULL);
	while (reads++ < DRAIN_READS_MAX) {
		n = pcap_dispatch(c->pc, -1, dump_h, (u_char *)c);
		/* the first call may only clear the breakloop flag (-2) */
		if (n > 0 || n == PCAP_ERROR_BREAK)
			continue;
		if (n < 0 || mono_ms() >= until)
			break;
		usleep(DRAIN_POLL_US);
	}
}

/* Stop reading, take what the kernel still holds, flush and close. */
int capture_stop(struct capture *c, struct capture_stats *st)
{
	struct pcap_stat ps;

	if (!c)
		return EINVAL;
	c->stop = true;
	pcap_breakloop(c->pc);
	pthread_join(c->thread, NULL);
	c->running = false;
	drain(c);
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
