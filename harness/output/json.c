/**
 * @file json.c  An analysis as JSON (schema in output.h)
 */
#include <string.h>
#include "output/output.h"

static const char *const method_names[] = {
	"other", "INVITE", "ACK", "BYE", "CANCEL", "REFER", "NOTIFY",
	"OPTIONS",
};

const char *substate_name(enum substate s)
{
	switch (s) {
	case SUBST_ACTIVE:     return "active";
	case SUBST_PENDING:    return "pending";
	case SUBST_TERMINATED: return "terminated";
	case SUBST_OTHER:      return "other";
	default:               return NULL;
	}
}

const char *transport_name(enum sip_transp tp)
{
	return tp == SIP_TRANSP_TCP ? "tcp" : "udp";
}

double transfer_time(const struct transfer *t, uint64_t ts)
{
	return ts >= t->file_t0 ? (double)(ts - t->file_t0) / 1e9 : 0.0;
}

/* An octet's digits, without put_u64's call: four to an address */
static char *put_octet(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	}
	else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

/* libre's "%J": an IPv4 address written by hand (sa_ntop and
 * inet_ntop's sprintf were a twentieth of a run), the rest by libre.
 * Written straight into buf, when it has room for the longest IPv4 form
 * plus what put_u64 may write past the port's digits (a copy from a
 * scratch buffer was a call of variable size per address). */
void addr_text(char *buf, size_t sz, const struct sa *sa)
{
	char *p = buf;
	uint32_t a;
	int i;

	if (sa_af(sa) != AF_INET ||
	    sz < sizeof("255.255.255.255:") - 1 + PUT_U64_ROOM(0)) {
		(void)re_snprintf(buf, sz, "%J", sa);
		return;
	}
	a = ntohl(sa->u.in.sin_addr.s_addr);
	for (i = 3; i >= 0; i--) {
		p = put_octet(p, (a >> (8 * i)) & 0xff);
		*p++ = i ? '.' : ':';
	}
	p = put_u64(p, sa_port(sa), 0);
	*p = '\0';
}

void json_add_addr(cJSON *o, const char *key, const struct sa *sa)
{
	char buf[64];

	addr_text(buf, sizeof(buf), sa);
	cJSON_AddStringToObject(o, key, buf);
}

void json_add_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

void json_add_num_or_null(cJSON *o, const char *key, uint64_t v)
{
	if (v)
		cJSON_AddNumberToObject(o, key, (double)v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *finding_json(const struct finding *f)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "rule", f->rule->name);
	cJSON_AddStringToObject(o, "severity", severity_name(f->rule->sev));
	cJSON_AddStringToObject(o, "rfc", f->rule->rfc);
	cJSON_AddStringToObject(o, "section", f->rule->section);
	json_add_num_or_null(o, "frame", f->frame);
	json_add_str(o, "message", f->text);
	return o;
}

static cJSON *refer_json(const struct transfer *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "frame", (double)t->refer_frame);
	cJSON_AddNumberToObject(o, "time", transfer_time(t, t->refer_ts));
	cJSON_AddNumberToObject(o, "cseq", t->cseq);
	json_add_str(o, "refer_to", t->refer_to);
	json_add_str(o, "referred_by", t->referred_by);
	cJSON_AddBoolToObject(o, "refer_sub_false", t->sub_false_asked);
	return o;
}

static cJSON *response_json(const struct transfer *t)
{
	cJSON *o;

	if (!t->scode)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "frame", (double)t->resp_frame);
	cJSON_AddNumberToObject(o, "time", transfer_time(t, t->resp_ts));
	cJSON_AddNumberToObject(o, "status", t->scode);
	json_add_str(o, "reason", t->reason);
	cJSON_AddBoolToObject(o, "refer_sub_false", t->sub_false_granted);
	return o;
}

static cJSON *notify_json(const struct transfer *t, const struct notify_rec *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "frame", (double)n->frame);
	cJSON_AddNumberToObject(o, "time", transfer_time(t, n->ts_ns));
	cJSON_AddNumberToObject(o, "cseq", n->cseq);
	json_add_num_or_null(o, "status", n->status);
	json_add_str(o, "subscription_state", substate_name(n->substate));
	json_add_str(o, "reason", n->reason[0] ? n->reason : NULL);
	json_add_num_or_null(o, "answer", n->answer);
	json_add_num_or_null(o, "answer_frame", n->answer_frame);
	cJSON_AddNumberToObject(o, "retransmissions", n->retrans);
	cJSON_AddBoolToObject(o, "before_accept", n->before_accept);
	cJSON_AddBoolToObject(o, "after_bye", n->after_bye);
	return o;
}

static cJSON *bye_json(const struct transfer *t)
{
	cJSON *o;

	if (!t->bye_frame)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "frame", (double)t->bye_frame);
	cJSON_AddNumberToObject(o, "time", transfer_time(t, t->bye_ts));
	cJSON_AddStringToObject(o, "by", t->bye_by_referrer ? "referrer"
							     : "referee");
	return o;
}

static cJSON *ladder_json(const struct transfer *t)
{
	cJSON *arr = cJSON_CreateArray();
	struct le *le;

	for (le = list_head(&t->ladder->lines); le; le = le->next) {
		const struct ladder_line *ln = le->data;
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "frame", (double)ln->frame);
		cJSON_AddNumberToObject(o, "time", transfer_time(t, ln->ts_ns));
		json_add_addr(o, "src", &ln->src);
		json_add_addr(o, "dst", &ln->dst);
		cJSON_AddStringToObject(o, "transport", transport_name(ln->tp));
		json_add_str(o, "text", ln->text);
		json_add_str(o, "note", ln->note);
		cJSON_AddStringToObject(o, "method", ln->method);
		cJSON_AddNumberToObject(o, "status", ln->scode);
		cJSON_AddNumberToObject(o, "cseq", ln->cseq);
		cJSON_AddBoolToObject(o, "retransmission", ln->retrans);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *transfer_json_dialect(const struct transfer *t,
			    enum hook_dialect dialect)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	struct derived dv;
	struct le *le;

	derive_outcome(t, &dv);
	cJSON_AddNumberToObject(o, "index", t->num);
	json_add_str(o, "file", t->file);
	json_add_str(o, "call_id", t->callid);
	cJSON_AddStringToObject(o, "transport", transport_name(t->tp));
	json_add_addr(o, "referrer", &t->referrer);
	json_add_addr(o, "recipient", &t->recipient);
	cJSON_AddItemToObject(o, "refer", refer_json(t));
	cJSON_AddItemToObject(o, "response", response_json(t));
	arr = cJSON_AddArrayToObject(o, "notifies");
	for (le = list_head(&t->notifies); le; le = le->next)
		cJSON_AddItemToArray(arr, notify_json(t, le->data));
	cJSON_AddItemToObject(o, "bye", bye_json(t));
	cJSON_AddStringToObject(o, "outcome", outcome_name(dv.outcome));
	cJSON_AddItemToObject(o, "hooks", hooks_json(t, dialect));
	cJSON_AddItemToObject(o, "ladder", ladder_json(t));
	arr = cJSON_AddArrayToObject(o, "findings");
	for (le = list_head(&t->findings); le; le = le->next)
		cJSON_AddItemToArray(arr, finding_json(le->data));
	cJSON_AddNumberToObject(o, "retransmissions", t->retrans);
	return o;
}

cJSON *transfer_json(const struct transfer *t)
{
	return transfer_json_dialect(t, DIALECT_SPEC);
}

static cJSON *file_json(const struct analysis_file_info *fi)
{
	const struct decoder_stats *d = &fi->dec;
	const struct model_stats *m = &fi->model;
	cJSON *o = cJSON_CreateObject(), *req;
	size_t i;

	cJSON_AddStringToObject(o, "path", fi->path);
	json_add_str(o, "format", fi->format);
	json_add_str(o, "error", fi->error);
	cJSON_AddNumberToObject(o, "frames", (double)d->frames);
	cJSON_AddNumberToObject(o, "sip_messages", (double)d->sip);
	cJSON_AddNumberToObject(o, "malformed", (double)d->malformed);
	req = cJSON_AddObjectToObject(o, "requests");
	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		cJSON_AddNumberToObject(req, method_names[i],
					(double)m->requests[i]);
	cJSON_AddNumberToObject(o, "responses", (double)m->responses);
	cJSON_AddNumberToObject(o, "retransmissions",
				(double)m->retransmissions);
	cJSON_AddNumberToObject(o, "ip_fragments", (double)d->ip.fragments);
	cJSON_AddNumberToObject(o, "ip_reassembled",
				(double)d->ip.reassembled);
	cJSON_AddNumberToObject(o, "tcp_segments", (double)d->tcps.segments);
	cJSON_AddNumberToObject(o, "tcp_retransmitted",
				(double)d->tcps.retransmitted);
	cJSON_AddNumberToObject(o, "tcp_out_of_order",
				(double)d->tcps.out_of_order);
	cJSON_AddNumberToObject(o, "tcp_gaps", (double)d->tcps.gaps);
	cJSON_AddNumberToObject(o, "dialogs", (double)m->dialogs);
	cJSON_AddNumberToObject(o, "dialogs_live_max",
				(double)m->dialogs_live_max);
	cJSON_AddNumberToObject(o, "transfers", (double)m->transfers);
	return o;
}

cJSON *files_json(const struct analysis *a)
{
	cJSON *arr = cJSON_CreateArray();
	struct le *le;

	for (le = list_head(&a->files); le; le = le->next)
		cJSON_AddItemToArray(arr, file_json(le->data));
	return arr;
}

static void print_item(FILE *f, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s)
		fputs(s, f);
	cJSON_free(s);
	cJSON_Delete(o);
}

void out_json_begin(FILE *f, enum hook_dialect dialect)
{
	fprintf(f, "{\"schema\":\"referlab-analysis/1\",\"dialect\":\"%s\","
		"\"transfers\":[", dialect_name(dialect));
}

void out_json_transfer_dialect(FILE *f, const struct transfer *t,
			       bool first, enum hook_dialect dialect)
{
	if (!first)
		fputs(",\n", f);
	print_item(f, transfer_json_dialect(t, dialect));
}

void out_json_transfer(FILE *f, const struct transfer *t, bool first)
{
	out_json_transfer_dialect(f, t, first, DIALECT_SPEC);
}

void out_json_end(FILE *f, const struct analysis *a)
{
	cJSON *arr = cJSON_CreateArray(), *sum = cJSON_CreateObject();
	struct le *le;

	for (le = list_head(&a->findings); le; le = le->next)
		cJSON_AddItemToArray(arr, finding_json(le->data));
	fputs("],\n\"findings\":", f);
	print_item(f, arr);
	fputs(",\n\"files\":", f);
	print_item(f, files_json(a));
	cJSON_AddNumberToObject(sum, "transfers", a->ntransfers);
	cJSON_AddNumberToObject(sum, "errors", a->count[SEV_ERROR]);
	cJSON_AddNumberToObject(sum, "warnings", a->count[SEV_WARNING]);
	cJSON_AddNumberToObject(sum, "infos", a->count[SEV_INFO]);
	fputs(",\n\"summary\":", f);
	print_item(f, sum);
	fputs("}\n", f);
}
