/**
 * @file rules.h  The rule catalogue: what the analyser checks, and why
 *
 * Every finding names one rule; every rule names the RFC section it
 * rests on. `referlab rules` prints this table; `--rules` selects rows.
 */
#ifndef REFERLAB_RULES_H
#define REFERLAB_RULES_H

#include <stdarg.h>
#include <re.h>

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };

enum rule_id {
	R_REFER_TO_COUNT,
	R_REFER_TO_SYNTAX,
	R_REFERRED_BY_SYNTAX,
	R_REFERRED_BY_MISSING,
	R_REFER_CONTACT,
	R_REFER_OUTSIDE_DIALOG,
	R_REFER_DIALOG_TAGS,
	R_DIALOG_CSEQ,
	R_REFER_ROUTE,
	R_REFER_RURI,
	R_REFER_200,
	R_REFER_NO_RESPONSE,
	R_REFER_SUB_SYNTAX,
	R_REFER_SUB_UNREQUESTED,
	R_REFER_SUB_IGNORED,
	R_REFER_SUB_NOTIFY,
	R_NOTIFY_EVENT_MISSING,
	R_NOTIFY_EVENT_ID,
	R_NOTIFY_SUBSTATE_MISSING,
	R_NOTIFY_CONTENT_TYPE,
	R_NOTIFY_SIPFRAG,
	R_NOTIFY_SIPFRAG_LENIENT,
	R_NOTIFY_FINAL_ACTIVE,
	R_NOTIFY_TERMINATED_REASON,
	R_NOTIFY_AFTER_TERMINATED,
	R_NOTIFY_STATUS_REGRESS,
	R_NOTIFY_RESPONSE,
	R_NOTIFY_UNANSWERED,
	R_NOTIFY_UNKNOWN_481,
	R_NOTIFY_FIRST_TIMEOUT,
	R_NOTIFY_FINAL_MISSING,
	R_BYE_BEFORE_FINAL,
	R_HEADER_DUPLICATE,
	R_RETRANSMISSION,
	R_MALFORMED,
	R_NO_CONTENT_LENGTH,
	R__COUNT
};

struct rule {
	enum rule_id id;
	const char *name;        /* "notify.event.missing" */
	enum severity sev;
	const char *rfc;         /* "RFC 6665" */
	const char *section;     /* "4.2.2" */
	const char *summary;
};

/* Which rules are checked; all of them unless --rules narrows it. */
struct ruleset {
	bool on[R__COUNT];
};

/* One rule hit at one frame. */
struct finding {
	struct le le;
	const struct rule *rule;
	uint64_t frame;
	char *text;
};

const struct rule *rule_get(enum rule_id id);
const struct rule *rule_find(const char *name, size_t len);
const char *severity_name(enum severity sev);
void ruleset_all(struct ruleset *rs);
int  ruleset_parse(struct ruleset *rs, const char *list, char *err,
		   size_t errsz);
int  finding_add(struct list *l, const struct ruleset *rs, enum rule_id id,
		 uint64_t frame, const char *fmt, ...);
unsigned findings_count(const struct list *l, enum severity sev);

#endif
