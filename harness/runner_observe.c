/**
 * @file runner_observe.c  What the capture shows: the case's dialog as the matchers see it
 *
 * The capture goes through the analyser's decoder (pcap -> link -> IP ->
 * UDP/TCP -> SIP) once for the messages of the dialog — methods, status
 * codes, sipfrag status of NOTIFYs, frame numbers and every header, for
 * the sequence and header checks — and through the analysis for the
 * findings of the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "analysis.h"
#include "decode/decoder.h"
#include "decode/pcapfile.h"
#include "sipfrag.h"
#include "runner_observe.h"

struct obs_hdr {
	char *name;
	char *val;
};

struct obs_msg {
	char *method;           /* request method, or NULL */
	uint16_t scode;
	char *cseq_method;
	uint16_t frag_scode;
	uint64_t frame;
	char *callid;
	struct obs_hdr *hdrs;
	size_t hdrc;
};

/* RFC 3261 7.3.3 and later RFCs' compact forms */
static const char *const compact[][2] = {
	{"i", "Call-ID"}, {"m", "Contact"}, {"e", "Content-Encoding"},
	{"l", "Content-Length"}, {"c", "Content-Type"}, {"f", "From"},
	{"s", "Subject"}, {"k", "Supported"}, {"t", "To"}, {"v", "Via"},
	{"r", "Refer-To"}, {"b", "Referred-By"}, {"o", "Event"},
	{"u", "Allow-Events"}, {"x", "Session-Expires"},
	{"a", "Accept-Contact"}, {"j", "Reject-Contact"},
	{"d", "Request-Disposition"}, {"y", "Identity"},
	{"n", "Identity-Info"},
};

static const char *long_name(const char *name)
{
	size_t i;

	if (strlen(name) != 1)
		return name;
	for (i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		if (!strcasecmp(name, compact[i][0]))
			return compact[i][1];
	}
	return name;
}

static char *pl_dup0(const struct pl *pl)
{
	return pl && pl->p ? strndup(pl->p, pl->l) : strdup("");
}

static bool hdr_h(void *arg, const char *name, unsigned idx,
		  const char **val, size_t *len)
{
	const struct obs_msg *m = arg;
	const char *want = long_name(name);
	size_t i;

	for (i = 0; i < m->hdrc; i++) {
		if (strcasecmp(long_name(m->hdrs[i].name), want))
			continue;
		if (idx--)
			continue;
		*val = m->hdrs[i].val;
		*len = strlen(m->hdrs[i].val);
		return true;
	}
	return false;
}

static int obs_grow(struct observed *ob)
{
	void *v;
	size_t cap;

	if (ob->n < ob->cap)
		return 0;
	cap = ob->cap ? ob->cap * 2 : 32;
	v = realloc(ob->msgs, cap * sizeof(*ob->msgs));
	if (!v)
		return ENOMEM;
	ob->msgs = v;
	ob->cap = cap;
	return 0;
}

static uint16_t frag_status(const struct wire_msg *wm)
{
	const struct sip_msg *msg = wm->msg;
	struct sipfrag_status st;

	if (!sipfrag_is_content_type(&msg->ctyp.type, &msg->ctyp.subtype) ||
	    sipfrag_status_decode(&st, wm->body.p, wm->body.l))
		return 0;
	return st.scode;
}

static void msg_h(const struct wire_msg *wm, void *arg)
{
	struct observed *ob = arg;
	const struct sip_msg *msg = wm->msg;
	struct obs_msg *m;
	struct le *le;
	size_t i = 0;

	if (ob->err || (ob->err = obs_grow(ob)))
		return;
	m = calloc(1, sizeof(*m));
	if (!m) {
		ob->err = ENOMEM;
		return;
	}
	ob->msgs[ob->n++] = m;
	m->frame = wm->frame;
	m->callid = pl_dup0(&msg->callid);
	m->cseq_method = pl_dup0(&msg->cseq.met);
	if (msg->req)
		m->method = pl_dup0(&msg->met);
	else
		m->scode = msg->scode;
	if (msg->req && !pl_strcasecmp(&msg->met, "NOTIFY"))
		m->frag_scode = frag_status(wm);
	m->hdrs = calloc(list_count(&msg->hdrl) + 1, sizeof(*m->hdrs));
	if (!m->hdrs) {
		ob->err = ENOMEM;
		return;
	}
	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *h = le->data;

		m->hdrs[i].name = pl_dup0(&h->name);
		m->hdrs[i].val = pl_dup0(&h->val);
		m->hdrc = ++i;
	}
}

static void obs_msg_free(struct obs_msg *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->hdrc; i++) {
		free(m->hdrs[i].name);
		free(m->hdrs[i].val);
	}
	free(m->hdrs);
	free(m->method);
	free(m->cseq_method);
	free(m->callid);
	free(m);
}

bool callids_has(const struct callids *ids, const char *callid)
{
	size_t i;

	for (i = 0; ids && i < ids->n; i++) {
		if (!strcmp(ids->v[i], callid))
			return true;
	}
	return false;
}

bool callids_add(struct callids *ids, const char *callid, size_t len)
{
	char id[CALLID_LEN];

	if (len >= sizeof(id))
		return false;
	memcpy(id, callid, len);
	id[len] = '\0';
	if (callids_has(ids, id))
		return true;
	if (ids->n >= CALLIDS_MAX)
		return false;
	memcpy(ids->v[ids->n++], id, sizeof(id));
	return true;
}

static bool is_own(const struct callids *own, const char *callid)
{
	return !own || !own->n || callids_has(own, callid);
}

/* Distinct Call-IDs, and the messages of calls not the case's */
static void count_calls(struct observed *ob, const struct callids *own)
{
	size_t i, j;

	for (i = 0; i < ob->n; i++) {
		const char *id = ob->msgs[i]->callid;

		for (j = 0; j < i && strcmp(ob->msgs[j]->callid, id); j++)
			;
		ob->calls += j == i;
		if (is_own(own, id))
			continue;
		ob->foreign++;
		if (!ob->foreign_callid)
			ob->foreign_callid = id;
	}
}

/* The matchers' view: the messages of the dialog of the first INVITE
 * of the case's own calls (a REFER and its NOTIFYs share its Call-ID). */
static int build_view(struct observed *ob, const struct callids *own)
{
	const char *callid = NULL;
	size_t i;

	for (i = 0; i < ob->n && !callid; i++) {
		if (ob->msgs[i]->method && !strcmp(ob->msgs[i]->method, "INVITE")
		    && is_own(own, ob->msgs[i]->callid))
			callid = ob->msgs[i]->callid;
	}
	ob->view = calloc(ob->n + 1, sizeof(*ob->view));
	if (!ob->view)
		return ENOMEM;
	for (i = 0; i < ob->n; i++) {
		struct obs_msg *m = ob->msgs[i];
		struct expect_msg *v;

		if (callid ? strcmp(m->callid, callid) != 0 :
		    !is_own(own, m->callid))
			continue;
		v = &ob->view[ob->viewc++];
		v->method = m->method;
		v->scode = m->scode;
		v->cseq_method = m->cseq_method;
		v->frag_scode = m->frag_scode;
		v->frame = (unsigned)m->frame;
		v->hdrh = hdr_h;
		v->arg = m;
	}
	return 0;
}

static void err_h(uint64_t frame, const char *what, void *arg)
{
	(void)frame;
	(void)what;
	(void)arg;   /* the analysis reports malformed messages as findings */
}

static int decode_messages(struct observed *ob, const char *pcap,
			   char *err, size_t errsz)
{
	struct pcapfile *pf = NULL;
	struct decoder *dec = NULL;
	struct pcap_frame fr;
	int e;

	e = pcapfile_open(&pf, pcap, err, errsz);
	if (e)
		return e;
	e = decoder_alloc(&dec, msg_h, err_h, ob);
	while (!e && !ob->err && !(e = pcapfile_next(pf, &fr)))
		decoder_frame(dec, &fr);
	if (e == ENOENT)
		e = 0;
	else if (e)
		snprintf(err, errsz, "%s: %s", pcap, pcapfile_error(pf));
	if (dec)
		decoder_flush(dec);
	mem_deref(dec);
	mem_deref(pf);
	return e ? e : ob->err;
}

/* A finding outside any transfer belongs to the call of its frame's
 * message; one with no message (a malformed frame) to the case. */
static bool frame_is_own(const struct observed *ob, uint64_t frame,
			 const struct callids *own)
{
	size_t i;

	for (i = 0; i < ob->n; i++) {
		if (ob->msgs[i]->frame == frame)
			return is_own(own, ob->msgs[i]->callid);
	}
	return true;
}

static void add_findings(struct observed *ob, const struct list *l,
			 const struct callids *own)
{
	struct le *le;

	for (le = list_head(l); le; le = le->next) {
		const struct finding *f = le->data;
		struct expect_finding *ef;

		if (!frame_is_own(ob, f->frame, own))
			continue;
		if (ob->findingc == ob->findingcap) {
			size_t cap = ob->findingcap ? ob->findingcap * 2 : 16;
			void *v = realloc(ob->findings, cap * sizeof(*ef));

			if (!v)
				return;
			ob->findings = v;
			ob->findingcap = cap;
		}
		ef = &ob->findings[ob->findingc++];
		ef->rule = f->rule->name;
		ef->error = f->rule->sev == SEV_ERROR;
		ef->frame = (unsigned)f->frame;
	}
}

/* Other calls' transfers go: the checks (and baresip's derived hooks)
 * see the case's only. */
static void drop_foreign_transfers(struct analysis *a,
				   const struct callids *own)
{
	struct le *le = list_head(&a->transfers);

	while (le) {
		struct transfer *t = le->data;

		le = le->next;
		if (is_own(own, t->callid))
			continue;
		list_unlink(&t->le);
		mem_deref(t);
		--a->ntransfers;
	}
}

int observe_pcap(struct observed *ob, const char *pcap,
		 uint32_t notify_timeout_ms, const struct callids *own,
		 char *err, size_t errsz)
{
	struct analysis_opts ao = ANALYSIS_OPTS_DEFAULT;
	struct le *le;
	int e;

	memset(ob, 0, sizeof(*ob));
	e = decode_messages(ob, pcap, err, errsz);
	if (!e)
		e = build_view(ob, own);
	if (e)
		return e;
	count_calls(ob, own);
	if (notify_timeout_ms)
		ao.notify_timeout_ms = notify_timeout_ms;
	e = analysis_file(&ob->analysis, pcap, &ao, err, errsz);
	if (e)
		return e;
	drop_foreign_transfers(ob->analysis, own);
	for (le = list_head(&ob->analysis->transfers); le; le = le->next) {
		const struct transfer *t = le->data;

		add_findings(ob, &t->findings, own);
	}
	add_findings(ob, &ob->analysis->findings, own);
	return 0;
}

void observe_free(struct observed *ob)
{
	size_t i;

	for (i = 0; i < ob->n; i++)
		obs_msg_free(ob->msgs[i]);
	free(ob->msgs);
	free(ob->view);
	free(ob->findings);
	mem_deref(ob->analysis);   /* the findings' rule names are static */
	memset(ob, 0, sizeof(*ob));
}
