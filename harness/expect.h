/**
 * @file expect.h  Expectation files of the peer library, and their matchers
 *
 * Each scenario case is a SIPp XML file plus a JSON expectation beside it
 * (format: scenarios/README.md). expect_load() reads one into a struct
 * expect; the expect_check_*() matchers compare what a run observed with
 * it and explain every mismatch in one line a user can act on.
 *
 * The matchers' inputs are plain lists (struct expect_msg, expect_hookcall,
 * expect_finding) so that any source can feed them: the runner adapts the
 * analyser's dialog model, a test builds them by hand.
 */
#ifndef REFERLAB_EXPECT_H
#define REFERLAB_EXPECT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

enum expect_role {
	EXPECT_CARRIER,   /* the SIPp peer calls the implementation (UAC) */
	EXPECT_PHONE,     /* the implementation calls the peer (--dial)   */
};

enum expect_transport { EXPECT_UDP, EXPECT_TCP };
enum expect_family    { EXPECT_IPV4, EXPECT_IPV6 };

/* One element of a sequence pattern: a request method, a response code
 * or class, optionally qualified (NOTIFY(200), 200/BYE), or any message. */
struct expect_tok {
	char method[24];      /* request method; "" for a response / any   */
	uint16_t code;        /* response code, or NOTIFY sipfrag code      */
	bool code_class;      /* code is a class: 2xx is code 2             */
	bool any;             /* "." : any one message                      */
	bool no_frag;         /* NOTIFY(-): a NOTIFY without sipfrag status */
	char cseq_method[24]; /* 200/BYE: response to this method, or ""    */
};

/* How the hook server answers requests to one path. */
struct expect_answer {
	char *path;           /* e.g. "/action", relative to the hook server */
	uint16_t status;      /* HTTP status; default 200                    */
	char *body;           /* sent as is (JSON text unless given as a
				 JSON string); NULL: empty body             */
	uint32_t delay_ms;    /* wait this long before answering            */
};

enum expect_hdr_op { EXPECT_HDR_EQUALS, EXPECT_HDR_REGEX,
		     EXPECT_HDR_PRESENT, EXPECT_HDR_ABSENT };

/* A header check on chosen messages of the dialog. */
struct expect_header {
	struct expect_tok sel;  /* which messages: "REFER", "NOTIFY(200)"  */
	char *sel_text;
	unsigned nth;           /* 1-based among non-retransmitted matches;
				   0: every matching message               */
	char *name;             /* header name, e.g. "Refer-To"            */
	enum expect_hdr_op op;
	char *value;            /* equals: exact text; regex: the pattern  */
	regex_t re;             /* compiled when op is EXPECT_HDR_REGEX    */
};

/* An expected hook request, in order. */
struct expect_hook {
	char *path;
	char *method;           /* "POST"/"GET", or NULL for either        */
	cJSON *subset;          /* the payload must contain this           */
};

struct expect_seq;

struct expect {
	char *file;             /* the JSON file, as given                 */
	char *name;             /* case name: file name without .json      */
	char *description;
	char *scenario;         /* SIPp XML, path resolved beside the file */

	enum expect_role role;
	enum expect_transport transport;
	unsigned transports;    /* bit 1 << expect_transport per transport
				   the case applies to (default: both)     */
	enum expect_family family;
	char **sipp_args;       /* extra SIPp arguments, e.g. -lost 10     */
	size_t sipp_argc;
	char *dial_user;        /* phone: user part the IUT dials          */

	char *iut_sip_auth;     /* "user:password" for the IUT, or NULL    */
	unsigned iut_refer_timeout_ms; /* referlab-sim --refer-timeout; 0:
				   the IUT's own Timer F                    */
	char *dialect;          /* hook payload dialect: "spec"/"jambonz"  */
	unsigned timeout_s;     /* the whole case                           */

	cJSON *app;             /* the verb array the call hook answers    */
	struct expect_answer *answers;
	size_t answerc;

	char *seq_text;
	struct expect_seq *seq;
	bool seq_skip_retrans;  /* "retransmissions": "ignore"             */

	struct expect_header *headers;
	size_t headerc;
	cJSON *call_hook;       /* subset the call hook request must hold  */
	struct expect_hook *hooks;
	size_t hookc;
	bool hooks_allow_others; /* "other_hooks": "allow": hooks[] need only
				    appear among other requests           */
	bool hooks_any_order;    /* "hooks_order": "any": hooks that fire
				    together arrive in any order          */

	char **findings_must;   /* rule ids that must be reported          */
	size_t mustc;
	char **findings_may;    /* tolerated error-level rule ids          */
	size_t mayc;

	char **tags;            /* labels a run can select on ("timer-64t1") */
	size_t tagc;
};

/* A header accessor: the idx-th (0-based) occurrence of the header name
 * (case-insensitive; compact forms are the accessor's business). Returns
 * false when there is none. val need not be NUL-terminated. */
typedef bool (expect_hdr_h)(void *arg, const char *name, unsigned idx,
			    const char **val, size_t *len);

/* One SIP message of the dialog, in wire order, retransmissions included. */
struct expect_msg {
	const char *method;      /* request method, or NULL for a response   */
	uint16_t scode;          /* response code; 0 for a request           */
	const char *cseq_method; /* response: the method in its CSeq         */
	uint16_t frag_scode;     /* NOTIFY: sipfrag status code, 0 if none   */
	unsigned frame;          /* capture frame number; 0 unknown          */
	expect_hdr_h *hdrh;      /* may be NULL: no header checks possible   */
	void *arg;
};

/* One request the hook server received, in order. */
struct expect_hookcall {
	const char *path;        /* without query string                     */
	const char *method;
	const cJSON *payload;    /* the JSON body, or the query parameters
				    as an object of strings for GET          */
};

struct expect_finding {
	const char *rule;        /* rule id, e.g. "refer.accepted-200"       */
	bool error;              /* error level (warnings may come freely)   */
	unsigned frame;
};

/* Called once per failed assertion with one line of explanation. */
typedef void (expect_fail_h)(const char *line, void *arg);

/* Loading. On failure returns an errno value and err holds one line
 * naming the file and the JSON path ("x.json: hooks[2].expect: must be an
 * object"); a CLI maps any failure to exit code 4 (EXIT_INPUT). */
int  expect_load(struct expect **ep, const char *path, char *err,
		 size_t errsz);
int  expect_parse(struct expect **ep, const char *file, const char *text,
		  char *err, size_t errsz);
void expect_free(struct expect *e);
/* true when the expectation's "tags" hold tag */
bool expect_has_tag(const struct expect *e, const char *tag);

/* Sequence patterns (grammar in scenarios/README.md). */
int  expect_seq_compile(struct expect_seq **sp, const char *text,
			char *err, size_t errsz);
void expect_seq_free(struct expect_seq *s);
/* Returns true on a match; otherwise why says where and what differed. */
bool expect_seq_match(const struct expect_seq *s,
		      const struct expect_msg *msgv, size_t msgc,
		      bool skip_retrans, char *why, size_t whysz);
int  expect_tok_parse(struct expect_tok *t, const char *text, size_t len);
bool expect_tok_match(const struct expect_tok *t,
		      const struct expect_msg *m);
void expect_tok_print(char *buf, size_t sz, const struct expect_tok *t);
void expect_msg_print(char *buf, size_t sz, const struct expect_msg *m);
/* Every occurrence of a header, joined with ", "; false if none. */
bool expect_msg_hdr(const struct expect_msg *m, const char *name,
		    char *buf, size_t sz);
/* A retransmission repeats an earlier message's kind, CSeq and top Via
 * branch; needs the header accessor (false without it). */
bool expect_msg_is_retrans(const struct expect_msg *msgv, size_t i);

/* The matchers. Each returns the number of failed assertions, having
 * called failh with the explanation of each. */
unsigned expect_check_sequence(const struct expect *e,
			       const struct expect_msg *msgv, size_t msgc,
			       expect_fail_h *failh, void *arg);
unsigned expect_check_headers(const struct expect *e,
			      const struct expect_msg *msgv, size_t msgc,
			      expect_fail_h *failh, void *arg);
/* callv: every request except those to the call hook; call: the call hook
 * request (NULL if none came). */
unsigned expect_check_hooks(const struct expect *e,
			    const struct expect_hookcall *call,
			    const struct expect_hookcall *callv, size_t callc,
			    expect_fail_h *failh, void *arg);
unsigned expect_check_findings(const struct expect *e,
			       const struct expect_finding *fv, size_t fc,
			       expect_fail_h *failh, void *arg);

/* Does got contain want? Objects: every key of want, recursively; arrays:
 * same length, element-wise; scalars: equal, same type. In want,
 * {"$regex": "ERE"} matches a string, {"$present": true} any value and
 * {"$absent": true} a missing key. On a mismatch, why says which path. */
bool expect_json_subset(const cJSON *want, const cJSON *got,
			char *why, size_t whysz);

#endif
