/**
 * @file case.h  One case's folder (or a bare capture) gathered for the writers
 *
 * The ladder is every SIP message of the capture in order, one lane per
 * endpoint address, and every hook request the hook server recorded on a
 * lane of its own, on the same clock (both are UTC). Transfers, findings
 * and the hooks the verb would call come from the analyser.
 */
#ifndef REFERLAB_REPORT_CASE_H
#define REFERLAB_REPORT_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <cjson/cJSON.h>

enum {
	RCASE_LANES_MAX = 8,     /* more endpoints share the last lane */
	RCASE_EVENTS_MAX = 400,  /* arrows drawn per case */
	RCASE_RAW_MAX = 8192,    /* bytes of a message shown */
};

struct rlane {
	char addr[64];           /* "127.0.0.1:5060", or "" for the hooks */
	char name[96];           /* "IUT 127.0.0.1:5060", "peer ...", "hooks" */
};

struct rev {
	uint64_t ts_ns, frame;   /* frame 0: a hook request */
	int from, to;            /* lanes */
	bool hook, retrans;
	char label[96];          /* "REFER", "202 Accepted", "POST /event" */
	char note[160];          /* "sipfrag 180 Ringing", "-> 200" */
	char *raw;               /* the message as captured / the hook body */
};

struct rcase {
	struct rlane lanes[RCASE_LANES_MAX + 1];
	int nlanes;
	struct rev *ev;
	size_t nev, cap;
	unsigned dropped;        /* messages beyond RCASE_EVENTS_MAX */
	uint64_t t0;             /* time of the first event */
	char iut_addr[64];       /* which lane is the implementation */
	cJSON *transfers;        /* analysis transfers (output.h schema) */
	cJSON *findings;         /* findings outside transfers */
	cJSON *hooks_got;        /* hooks.jsonl records */
	cJSON *hooks_want;       /* the expectation's "hooks", or NULL */
	char capture[4096];      /* the capture read, "" if none */
	char problem[5200];       /* why something could not be read */
};

void rcase_init(struct rcase *rc);
void rcase_free(struct rcase *rc);
/* A case folder: capture.pcap (else sim-trace.pcap), hooks.jsonl, and
 * the expectation (case "expect" key, or expect.json in the folder). */
void rcase_load_dir(struct rcase *rc, const char *dir, const cJSON *verdict);
/* How many case folders had a problem: each is said once on stderr, the
 * first time a writer reads the folder, and shown in the case itself. */
unsigned rcase_problems_said(void);
/* Bare captures; 0 or the first read error (rc->problem says it). */
int  rcase_load_captures(struct rcase *rc, const char *const *paths,
			 size_t n);

/* The ladder as text lines, for JUnit's system-out (svg.c) */
void ladder_text(FILE *f, const struct rcase *rc);
/* The ladder as inline SVG; arrows link to #ID-mN, the message N (svg.c) */
void ladder_svg(FILE *f, const struct rcase *rc, const char *id);

#endif
