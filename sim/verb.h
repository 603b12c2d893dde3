/**
 * @file verb.h  The application: a JSON array of verbs, decoded and checked
 *
 * Everything a verb can get wrong is found here, before the call acts on
 * it, and named: the verb's position, its name and the key.
 */
#ifndef REFERLAB_VERB_H
#define REFERLAB_VERB_H

#include <re.h>
#include <cjson/cJSON.h>

struct hook_target;

enum verb_kind {
	VERB_SIP_REFER,
	VERB_PAUSE,
	VERB_HANGUP,
};

enum {
	VERB_NOTIFY_TIMEOUT_DEFAULT_MS = 15000,
	VERB_MAX_COUNT                 = 256,   /* verbs per application */
};

struct verb {
	struct le le;
	enum verb_kind kind;
	unsigned index;               /* 1-based position in its array      */
	char *headers;                /* "Name: value\r\n"..., or NULL      */

	/* sip:refer */
	char *refer_to;               /* as given (digits for a number)     */
	char *referred_by;            /* NULL: the default identity         */
	char *referred_by_name;
	bool refer_sub_false;         /* headers ask for Refer-Sub: false   */
	bool has_supported;           /* headers carry their own Supported  */
	struct hook_target *action_hook, *event_hook;
	uint32_t notify_timeout_ms;

	/* pause */
	uint32_t pause_ms;
};

/* What went wrong (err) and what was accepted leniently (warn); both are
 * one line, empty when there is nothing to say. */
struct verb_diag {
	char err[384];
	char warn[256];
};

/* Decodes text (a JSON array of verbs) into verbs (struct verb, appended
 * in order). On error nothing is appended; diag->err says why, with a byte
 * offset for JSON syntax errors. */
int  verb_app_decode(struct list *verbs, const char *text, size_t len,
		     struct verb_diag *diag);
int  verb_app_decode_json(struct list *verbs, const cJSON *arr,
			  struct verb_diag *diag);

/* An application shared by every call that runs it: calls keep a
 * reference and a cursor, never a copy. */
struct verb_app {
	struct list verbs;
};

int  verb_app_parse(struct verb_app **appp, const char *text, size_t len,
		    struct verb_diag *diag);
int  verb_app_from_json(struct verb_app **appp, const cJSON *arr,
			struct verb_diag *diag);

const char *verb_name(enum verb_kind kind);

/* Calls fn for every hook target of every verb (for checks such as
 * "relative URL needs a base"); stops at the first non-zero return. */
typedef int (verb_hook_h)(const struct verb *v, const char *key,
			  const struct hook_target *t, void *arg);
int  verb_apply_hooks(const struct list *verbs, verb_hook_h *fn, void *arg);

#endif
