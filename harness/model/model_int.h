/**
 * @file model_int.h  The model's private state, shared by its files
 */
#ifndef REFERLAB_MODEL_INT_H
#define REFERLAB_MODEL_INT_H

#include <string.h>
#include "model/model.h"

enum {
	MAX_ROUTE = 16,          /* Record-Route entries remembered */
	MAX_TRANS = 64,          /* transactions kept per dialog */
	MAX_CODES = 8,           /* distinct responses kept per transaction */
	BRANCH_ROOM = 48,        /* a branch kept in its transaction */
	TRANS_SLAB = 64,         /* transactions allocated at once */
	DIALOG_SLAB = 32,        /* dialogs allocated at once */
};

/* pl_strcasecmp(pl, lit) == 0 for a literal of 4 to 16 lower-case
 * letters (PL_IS): a byte with its case bit set is the literal's letter
 * only when it is that letter in either case, so two overlapping words
 * compare it all (a strncasecmp call each was a tenth of a NOTIFY) */
static inline bool pl_is_letters(const struct pl *pl, const char *lit,
				 size_t n)
{
	const uint64_t fold = 0x2020202020202020ULL;
	uint64_t a, b, x, y;
	uint32_t c, d, u, v;

	if (pl->l != n)
		return false;
	if (n >= 8) {
		memcpy(&a, pl->p, 8);
		memcpy(&b, pl->p + n - 8, 8);
		memcpy(&x, lit, 8);
		memcpy(&y, lit + n - 8, 8);
		return !(((a | fold) ^ x) | ((b | fold) ^ y));
	}
	memcpy(&c, pl->p, 4);
	memcpy(&d, pl->p + n - 4, 4);
	memcpy(&u, lit, 4);
	memcpy(&v, lit + n - 4, 4);
	return !(((c | (uint32_t)fold) ^ u) | ((d | (uint32_t)fold) ^ v));
}

/* lit all lower-case letters: folded away for a literal when optimised */
static inline bool all_lower(const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lit[i] < 'a' || lit[i] > 'z')
			return false;
	return true;
}

#define PL_IS(pl, lit) \
	(sizeof(lit) >= 5 && sizeof(lit) <= 17 && \
	 all_lower(lit, sizeof(lit) - 1) ? \
	 pl_is_letters(pl, lit, sizeof(lit) - 1) : !pl_strcasecmp(pl, lit))

/* slab.c: objects of one size, taken and given back (not zeroed) */
struct slab_pool {
	size_t size;             /* an object's, rounded up to a cache line */
	unsigned per;            /* objects in a slab */
	unsigned used;           /* taken from the newest slab */
	struct slab *slabs;      /* newest first */
	void *free;              /* given back, to take again */
};

void  slab_init(struct slab_pool *p, size_t size, unsigned per);
void *slab_take(struct slab_pool *p);
void  slab_give(struct slab_pool *p, void *obj);
void  slab_flush(struct slab_pool *p);

struct trans {
	struct le le;            /* in its dialog's trans */
	char *branch;            /* room, or an allocation of its own */
	size_t branch_len;       /* strlen(branch) */
	enum model_method mm;
	uint32_t cseq;
	int side;                /* who sent the request */
	uint16_t codes[MAX_CODES];
	unsigned ncodes;
	bool final;
	uint64_t ts;
	struct transfer *xfer;   /* REFER, or the NOTIFY's transfer */
	struct notify_rec *ntf;  /* NOTIFY of a known subscription */
	bool stray_notify;       /* NOTIFY matching no subscription */
	uint64_t frame;
	char room[BRANCH_ROOM];  /* last: not cleared for a new one */
};

/* A string of a dialog kept in its ladder and set again and again: over
 * the last one where it fits, else in room twice the last, so that it
 * takes at most twice the longest (an allocation each time, and its
 * free, were 3 % of the model) */
struct kept {
	char *s;                 /* NULL: none */
	size_t len, cap;
};

/* What every message reads and writes comes first: a dialog starts a
 * cache line (slab.c), so a message misses two lines of it, not five */
struct dialog {
	struct dialog *hnext;    /* in model.table's chain, by Call-ID */
	struct dialog **hprev;   /* what points to it there; NULL: none */
	uint32_t key;            /* callid_hash() */
	uint32_t cseq[2];
	bool has_cseq[2];
	bool confirmed;          /* the INVITE got a 2xx */
	bool bye_done;           /* a BYE got its final response */
	size_t callid_len;
	char *callid;            /* callid, tag, rroute, call: in the ladder */
	struct ladder *ladder;
	struct list trans;
	unsigned ntrans;         /* in trans (list_count walks it) */
	int uac;                 /* side that sent the initial INVITE, or -1 */
	uint64_t last_ts;
	char *tag[2];
	size_t tag_len[2];       /* strlen(tag[s]) */
	struct le idle_le;       /* in model.idle, least recently active first */
	struct model *m;
	struct list transfers;
	unsigned nrefers;
	unsigned retrans;
	uint64_t first_retrans_frame;
	struct le le;            /* in model.order, oldest first */
	uint64_t seq;            /* order of creation */
	struct kept contact[2];  /* each side's Contact URI (remote target) */
	struct kept contact_line[2];  /* the Contact line it was read from */
	char *rroute[MAX_ROUTE]; /* Record-Route URIs of the INVITE's 2xx */
	unsigned nrroute;
	struct callinfo call;    /* from the initial INVITE and its answer */
};

struct model {
	struct dialog **table;   /* HASH_BUCKETS chains, by callid_hash() */
	struct list order;       /* live dialogs, in order of creation */
	struct list idle;        /* the same, least recently active first */
	struct slab_pool trans_pool;   /* where transactions live */
	struct slab_pool dialog_pool;  /* and dialogs */
	struct ladder_pool *pool;  /* ladder blocks to reuse (ladder.c) */
	struct dialog **due;     /* sweep's scratch: dialogs to release */
	size_t due_cap;
	uint64_t next_seq;
	struct model_opts opts;
	model_transfer_h *th;
	model_finding_h *fh;
	void *arg;
	struct model_stats st;
	unsigned next_num;
	uint64_t now;
	uint64_t last_sweep;
	size_t live;
};

/* ladder.c: a ladder whose blocks go back to pool; n bytes that live
 * as long as the ladder, not zeroed, for a struct or for a string (not
 * aligned); a string there */
struct ladder_pool *ladder_pool_alloc(void);
struct ladder *ladder_alloc(struct ladder_pool *pool);
void *ladder_carve(struct ladder *l, size_t n);
char *ladder_room(struct ladder *l, size_t n);
char *ladder_strdup(struct ladder *l, const struct pl *pl);
struct ladder_line *ladder_line_alloc(struct ladder *l, const struct pl *a,
				      const struct pl *b);

/* transfer.c: the transfer half of the model */
void xfer_refer(struct model *m, struct dialog *d, struct trans *tr,
		const struct wire_msg *wm);
void xfer_refer_response(struct model *m, struct trans *tr,
			 const struct wire_msg *wm);
void xfer_notify(struct model *m, struct dialog *d, struct trans *tr,
		 const struct wire_msg *wm);
void xfer_notify_response(struct model *m, struct trans *tr,
			  const struct wire_msg *wm);
void xfer_bye(struct model *m, struct dialog *d, int side,
	      const struct wire_msg *wm);
void xfer_close(struct model *m, struct dialog *d, struct transfer *t);
bool xfer_done(const struct transfer *t);
void model_global(struct model *m, enum rule_id id, uint64_t frame,
		  const char *fmt, ...);
struct list *model_findings_for(struct dialog *d);

void callinfo_copy(struct callinfo *dst, const struct callinfo *src);

/* checks.c: rules on single messages. What a REFER's headers say, read
 * in one walk over them (a walk per header and question, each testing
 * whether the header is a list, was a tenth of the model): the first
 * value of each, where the count says there is one. */
struct refer_hdrs {
	struct pl refer_to, referred_by, refer_sub;
	unsigned nrefer_to, nreferred_by;   /* values */
	unsigned nrefer_sub, ncontact;      /* lines */
	const struct pl *contact;           /* the first Contact line */
	bool route;                         /* any Route line */
};

void refer_hdrs_read(struct refer_hdrs *rh, const struct sipmsg *msg);
void check_refer_headers(struct model *m, struct transfer *t,
			 const struct sipmsg *msg,
			 const struct refer_hdrs *rh, uint64_t frame);
void check_refer_dialog(struct model *m, struct dialog *d,
			struct transfer *t, const struct sipmsg *msg,
			const struct refer_hdrs *rh, uint64_t frame);
void check_duplicates(struct model *m, struct list *findings,
		      const struct sipmsg *msg, uint64_t frame);

#endif
