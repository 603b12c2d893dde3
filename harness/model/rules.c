/**
 * @file rules.c  The rule catalogue: what the analyser checks, and why
 *
 * Sections were checked against the RFC texts. The severity follows the
 * RFC: its MUSTs are errors, its SHOULDs warnings, behaviour that is
 * legal but worth knowing is info. Where the contract
 * (../shared/spec/sip-refer.md) is stricter than the RFC, the summary
 * says so.
 */
#include <string.h>
#include "model/rules.h"

static const struct rule catalogue[R__COUNT] = {
	{R_REFER_TO_COUNT, "refer.refer-to.count", SEV_ERROR, "RFC 3515",
	 "2.4.1", "a REFER carries exactly one Refer-To value"},
	{R_REFER_TO_SYNTAX, "refer.refer-to.syntax", SEV_ERROR, "RFC 3515",
	 "2.1", "Refer-To is a name-addr or addr-spec with a valid URI"},
	{R_REFERRED_BY_SYNTAX, "refer.referred-by.syntax", SEV_ERROR,
	 "RFC 3892", "3", "Referred-By is one name-addr/addr-spec with a "
	 "valid URI"},
	{R_REFERRED_BY_MISSING, "refer.referred-by.missing", SEV_INFO,
	 "RFC 3892", "2.1", "the REFER names its referrer in Referred-By "
	 "(optional in the RFC; the verb always sends one)"},
	{R_REFER_CONTACT, "refer.contact", SEV_ERROR, "RFC 3515", "2",
	 "a REFER carries exactly one Contact value"},
	{R_REFER_OUTSIDE_DIALOG, "refer.outside-dialog", SEV_INFO,
	 "RFC 3515", "2", "the REFER is sent inside the call's INVITE dialog "
	 "(as the verb does; the RFC also allows it outside)"},
	{R_REFER_DIALOG_TAGS, "refer.dialog.tags", SEV_ERROR, "RFC 3261",
	 "12.2.1.1", "an in-dialog REFER carries the dialog's local tag in "
	 "From and remote tag in To"},
	{R_DIALOG_CSEQ, "dialog.cseq-order", SEV_ERROR, "RFC 3261",
	 "12.2.1.1", "CSeq numbers of one side's in-dialog requests increase"},
	{R_REFER_ROUTE, "refer.dialog.route", SEV_ERROR, "RFC 3261",
	 "12.2.1.1", "an in-dialog REFER follows the dialog's route set "
	 "(Record-Route of the INVITE)"},
	{R_REFER_RURI, "refer.dialog.request-uri", SEV_WARNING, "RFC 3261",
	 "12.2.1.1", "the REFER's Request-URI is the remote target (the "
	 "peer's Contact)"},
	{R_REFER_200, "refer.accepted-not-202", SEV_INFO, "RFC 7647", "5",
	 "the REFER was accepted with a 2xx other than 202 (legal: RFC 7647 "
	 "asks for 200; jambonz only treats 202 as accepted)"},
	{R_REFER_NO_RESPONSE, "refer.no-response", SEV_ERROR, "RFC 3261",
	 "17.1.2.2", "the REFER gets a final response before Timer F "
	 "(the verb reports 408)"},
	{R_REFER_SUB_SYNTAX, "refer-sub.syntax", SEV_ERROR, "RFC 4488", "4",
	 "Refer-Sub is \"true\" or \"false\""},
	{R_REFER_SUB_UNREQUESTED, "refer-sub.unrequested", SEV_WARNING,
	 "RFC 4488", "4", "a 2xx carries Refer-Sub: false only when the "
	 "REFER asked for it"},
	{R_REFER_SUB_IGNORED, "refer-sub.ignored", SEV_INFO, "RFC 4488", "4",
	 "the REFER asked for no subscription (Refer-Sub: false) and the 2xx "
	 "did not grant it"},
	{R_REFER_SUB_NOTIFY, "refer-sub.notify-sent", SEV_ERROR, "RFC 4488",
	 "4", "no NOTIFY is sent once Refer-Sub: false was accepted"},
	{R_NOTIFY_EVENT_MISSING, "notify.event.missing", SEV_ERROR,
	 "RFC 3515", "2.4.4", "a NOTIFY carries an Event header (\"refer\")"},
	{R_NOTIFY_EVENT_ID, "notify.event.id", SEV_ERROR, "RFC 3515", "2.4.6",
	 "from the second REFER in a dialog on, its NOTIFYs' Event carries "
	 "id=<CSeq of that REFER>"},
	{R_NOTIFY_SUBSTATE_MISSING, "notify.substate.missing", SEV_ERROR,
	 "RFC 6665", "4.2.2", "a NOTIFY carries Subscription-State"},
	{R_NOTIFY_CONTENT_TYPE, "notify.content-type", SEV_ERROR, "RFC 3515",
	 "2.4.5", "a refer NOTIFY's body is message/sipfrag"},
	{R_NOTIFY_SIPFRAG, "notify.sipfrag.status-line", SEV_ERROR,
	 "RFC 3515", "2.4.5", "the sipfrag body begins with a SIP status line "
	 "(RFC 3420)"},
	{R_NOTIFY_SIPFRAG_LENIENT, "notify.sipfrag.lenient", SEV_WARNING,
	 "RFC 3420", "2", "the sipfrag status line is well formed (no leading "
	 "blank lines, \"SIP/2.0\", reason phrase, CRLF)"},
	{R_NOTIFY_FINAL_ACTIVE, "notify.final.not-terminated", SEV_ERROR,
	 "RFC 3515", "2.4.7", "the NOTIFY carrying a final status terminates "
	 "the subscription"},
	{R_NOTIFY_TERMINATED_REASON, "notify.terminated.reason", SEV_WARNING,
	 "RFC 6665", "4.2.2", "Subscription-State: terminated gives a reason"},
	{R_NOTIFY_AFTER_TERMINATED, "notify.after-terminated", SEV_ERROR,
	 "RFC 6665", "4.4.1", "no NOTIFY follows the one that terminated (and "
	 "so destroyed) the subscription"},
	{R_NOTIFY_STATUS_REGRESS, "notify.status.regress", SEV_WARNING,
	 "RFC 3515", "2.4.5", "after a final status no NOTIFY reports a "
	 "provisional one (each body is the complete status)"},
	{R_NOTIFY_RESPONSE, "notify.response.not-2xx", SEV_WARNING,
	 "RFC 6665", "4.1.3", "the referrer answers every NOTIFY of its "
	 "subscription 2xx (the RFC's SHOULD; the contract requires it, also "
	 "after BYE)"},
	{R_NOTIFY_UNANSWERED, "notify.unanswered", SEV_ERROR, "RFC 6665",
	 "4.1.3", "every NOTIFY gets a final response"},
	{R_NOTIFY_UNKNOWN_481, "notify.unknown-subscription", SEV_ERROR,
	 "RFC 6665", "4.1.3", "a NOTIFY matching no subscription is answered "
	 "481, or a more fitting 4xx/5xx"},
	{R_NOTIFY_FIRST_TIMEOUT, "notify.first.timeout", SEV_ERROR, "RFC 6665",
	 "4.2.1.2", "the first NOTIFY follows the accepted REFER promptly "
	 "(within the notify timeout)"},
	{R_NOTIFY_FINAL_MISSING, "notify.final.missing", SEV_INFO,
	 "RFC 3515", "2.4.4", "an accepted REFER's NOTIFYs report a final "
	 "status (the RFC lets the notifier end the subscription before)"},
	{R_BYE_BEFORE_FINAL, "bye.before-final-notify", SEV_INFO, "RFC 5589",
	 "6", "the call was hung up before the final NOTIFY (legal; the "
	 "subscription outlives the BYE, RFC 5057 §5.5)"},
	{R_HEADER_DUPLICATE, "header.duplicate", SEV_WARNING, "RFC 3261",
	 "7.3.1", "a single-valued (custom) header appears once"},
	{R_RETRANSMISSION, "sip.retransmission", SEV_INFO, "RFC 3261",
	 "17", "retransmitted requests/responses, counted apart from "
	 "protocol errors"},
	{R_MALFORMED, "sip.malformed", SEV_ERROR, "RFC 3261", "7",
	 "a message that starts like SIP can be decoded (it is skipped)"},
	{R_NO_CONTENT_LENGTH, "sip.content-length.missing", SEV_WARNING,
	 "RFC 3261", "18.3", "a message over TCP carries Content-Length"},
};

const struct rule *rule_get(enum rule_id id)
{
	return id < R__COUNT ? &catalogue[id] : NULL;
}

const struct rule *rule_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < R__COUNT; i++) {
		if (strlen(catalogue[i].name) == len &&
		    !strncmp(catalogue[i].name, name, len))
			return &catalogue[i];
	}
	return NULL;
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_ERROR:   return "error";
	case SEV_WARNING: return "warning";
	default:          return "info";
	}
}

void ruleset_all(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < R__COUNT; i++)
		rs->on[i] = true;
}

/* "notify.event.missing,refer.refer-to.count": only these. */
int ruleset_parse(struct ruleset *rs, const char *list, char *err,
		  size_t errsz)
{
	const char *p = list;

	memset(rs, 0, sizeof(*rs));
	while (p && *p) {
		size_t n = strcspn(p, ",");
		const struct rule *r = rule_find(p, n);

		if (!r && n) {
			re_snprintf(err, errsz, "--rules: unknown rule '%b' "
				    "(see 'referlab rules')", p, n);
			return EINVAL;
		}
		if (r)
			rs->on[r->id] = true;
		p += n + (p[n] == ',');
	}
	return 0;
}

static void finding_destructor(void *arg)
{
	struct finding *f = arg;

	list_unlink(&f->le);
	mem_deref(f->text);
}

int finding_add(struct list *l, const struct ruleset *rs, enum rule_id id,
		uint64_t frame, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;
	int err;

	if (!l || id >= R__COUNT || (rs && !rs->on[id]))
		return 0;
	f = mem_zalloc(sizeof(*f), finding_destructor);
	if (!f)
		return ENOMEM;
	f->rule = &catalogue[id];
	f->frame = frame;
	va_start(ap, fmt);
	err = re_vsdprintf(&f->text, fmt, ap);
	va_end(ap);
	if (err) {
		mem_deref(f);
		return err;
	}
	list_append(l, &f->le, f);
	return 0;
}

unsigned findings_count(const struct list *l, enum severity sev)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(l); le; le = le->next) {
		const struct finding *f = le->data;

		n += f->rule->sev == sev;
	}
	return n;
}
