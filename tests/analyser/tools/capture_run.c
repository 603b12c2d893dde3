/**
 * @file capture_run.c  Run a command under a live capture (test tool)
 *
 *   capture_run OUT.pcap ADDR[,ADDR] PORT[,PORT...] -- CMD [ARGS...]
 *
 * Starts the harness capture (capture_start_live), runs CMD, stops the
 * capture (capture_stop) and prints "capture: IFACE packets N dropped D
 * live-sip M": M SIP messages decoded live, frame by frame, by the same
 * decoder `referlab analyze` runs on files.
 * Exits with CMD's status; 77 without capture rights; 3 on other
 * capture errors.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <re.h>
#include "capture/capture.h"
#include "decode/decoder.h"

enum { MAX = 16 };

static size_t split_addrs(struct sa *out, char *list)
{
	size_t n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok && n < MAX;
	     tok = strtok_r(NULL, ",", &save))
		if (!sa_set_str(&out[n], tok, 0))
			++n;
	return n;
}

static size_t split_ports(uint16_t *out, char *list)
{
	size_t n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok && n < MAX;
	     tok = strtok_r(NULL, ",", &save))
		out[n++] = (uint16_t)atoi(tok);
	return n;
}

static void live_frame_h(const struct pcap_frame *fr, void *arg)
{
	decoder_frame(arg, fr);
}

static void live_msg_h(const struct wire_msg *wm, void *arg)
{
	(void)wm;
	(void)arg;
}

int main(int argc, char **argv)
{
	struct sa addrs[MAX];
	uint16_t ports[MAX];
	struct capture_stats st;
	struct capture *cap;
	struct decoder *dec;
	char err[512];
	size_t na, np;
	int e, status = 0;
	pid_t pid;

	if (argc < 6 || strcmp(argv[4], "--")) {
		fprintf(stderr, "usage: capture_run OUT.pcap ADDRS PORTS -- "
			"CMD [ARGS...]\n");
		return 2;
	}
	na = split_addrs(addrs, argv[2]);
	np = split_ports(ports, argv[3]);
	if (decoder_alloc(&dec, live_msg_h, NULL, NULL))
		return 3;
	e = capture_start_live(&cap, argv[1], addrs, na, ports, np,
			       live_frame_h, dec, err, sizeof(err));
	if (e) {
		fprintf(stderr, "capture_run: %s\n", err);
		mem_deref(dec);
		return e == EPERM ? 77 : 3;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, &status, 0);
	capture_stop(cap, &st);
	decoder_flush(dec);
	printf("capture: %s packets %llu dropped %llu live-sip %llu\n",
	       st.iface, (unsigned long long)st.packets,
	       (unsigned long long)(st.dropped + st.if_dropped),
	       (unsigned long long)decoder_stats(dec)->sip);
	mem_deref(dec);
	return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
