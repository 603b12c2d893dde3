/**
 * @file test_verb.c  Decoding and checking the application's verbs
 */
#include <string.h>
#include <re.h>
#include "hook.h"
#include "verb.h"
#include "unit.h"

static struct verb_diag diag;

static int decode(struct verb_app **appp, const char *text)
{
	*appp = NULL;
	return verb_app_parse(appp, text, strlen(text), &diag);
}

/* text must be refused, with an error containing every one of needles */
static void refused(const char *text, const char *needle1,
		    const char *needle2)
{
	struct verb_app *app;

	CU_ASSERT_EQUAL(decode(&app, text), EBADMSG);
	CU_ASSERT_PTR_NULL(app);
	if (!strstr(diag.err, needle1) ||
	    (needle2 && !strstr(diag.err, needle2)))
		fprintf(stderr, "\n  %s\n  -> '%s'\n", text, diag.err);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.err, needle1));
	if (needle2)
		CU_ASSERT_PTR_NOT_NULL(strstr(diag.err, needle2));
	CU_ASSERT_PTR_NULL(strpbrk(diag.err, "\r\n"));
}

static void test_full_refer(void)
{
	struct verb_app *app;
	const struct verb *v;

	CU_ASSERT_EQUAL_FATAL(decode(&app,
		"[{\"verb\":\"sip:refer\",\"referTo\":\"+15083084809\","
		"\"referredBy\":\"1000\",\"referredByDisplayName\":\"Desk\","
		"\"headers\":{\"X-Reason\":\"transfer\",\"Refer-Sub\":\"false\"},"
		"\"actionHook\":\"/action\",\"eventHook\":{\"url\":\"/event\","
		"\"method\":\"POST\"},\"notifyTimeout\":2.5},"
		"{\"verb\":\"pause\",\"length\":1},{\"verb\":\"hangup\"}]"), 0);
	CU_ASSERT_EQUAL(list_count(&app->verbs), 3);
	v = list_ledata(list_head(&app->verbs));
	CU_ASSERT_EQUAL(v->kind, VERB_SIP_REFER);
	CU_ASSERT_EQUAL(v->index, 1);
	CU_ASSERT_STRING_EQUAL(v->refer_to, "+15083084809");
	CU_ASSERT_STRING_EQUAL(v->referred_by, "1000");
	CU_ASSERT_STRING_EQUAL(v->referred_by_name, "Desk");
	CU_ASSERT_STRING_EQUAL(v->headers,
			       "X-Reason: transfer\r\nRefer-Sub: false\r\n");
	CU_ASSERT(v->refer_sub_false);
	CU_ASSERT(!v->has_supported);
	CU_ASSERT_PTR_NOT_NULL(v->action_hook);
	CU_ASSERT_PTR_NOT_NULL(v->event_hook);
	CU_ASSERT_EQUAL(v->notify_timeout_ms, 2500);
	v = list_ledata(list_head(&app->verbs)->next);
	CU_ASSERT_EQUAL(v->kind, VERB_PAUSE);
	CU_ASSERT_EQUAL(v->pause_ms, 1000);
	CU_ASSERT_STRING_EQUAL(diag.err, "");
	CU_ASSERT_STRING_EQUAL(diag.warn, "");
	mem_deref(app);
}

static void test_defaults(void)
{
	struct verb_app *app;
	const struct verb *v;

	CU_ASSERT_EQUAL_FATAL(decode(&app, "[{\"verb\":\"sip:refer\","
				     "\"referTo\":\"sip:bob@b\"}]"), 0);
	v = list_ledata(list_head(&app->verbs));
	CU_ASSERT_EQUAL(v->notify_timeout_ms, VERB_NOTIFY_TIMEOUT_DEFAULT_MS);
	CU_ASSERT_PTR_NULL(v->referred_by);
	CU_ASSERT_PTR_NULL(v->headers);
	CU_ASSERT_PTR_NULL(v->action_hook);
	mem_deref(app);
	CU_ASSERT_EQUAL(decode(&app, "[]"), 0);
	CU_ASSERT_EQUAL(list_count(&app->verbs), 0);
	mem_deref(app);
}

/* The documentation's own example is not JSON. */
static void test_docs_unquoted_number(void)
{
	refused("{\n  \"verb\": \"sip:refer\",\n  \"referTo\": +15083084809,\n"
		"  \"actionHook\": \"/action\"\n}",
		"\"referTo\": +15083084809 is not JSON",
		"write \"referTo\": \"+15083084809\"");
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.err, "offset 38 (line 3, column 14)"));
}

static void test_number_refer_to_warns(void)
{
	struct verb_app *app;
	const struct verb *v;

	CU_ASSERT_EQUAL_FATAL(decode(&app, "[{\"verb\":\"sip:refer\","
				     "\"referTo\":15083084809}]"), 0);
	v = list_ledata(list_head(&app->verbs));
	CU_ASSERT_STRING_EQUAL(v->refer_to, "15083084809");
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.warn, "JSON number"));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag.warn, "\"referTo\": \"15083084809\""));
	mem_deref(app);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":1.5}]", "\"referTo\"",
		"must be a string");
	refused("[{\"verb\":\"sip:refer\",\"referTo\":-1}]", "\"referTo\"",
		NULL);
}

static void test_unknown_verb_and_keys(void)
{
	refused("[{\"verb\":\"say\",\"text\":\"hi\"}]", "unknown verb \"say\"",
		"verb 1");
	refused("[{\"verb\":\"pause\",\"length\":1},{\"verb\":\"dial\"}]",
		"verb 2", "unknown verb \"dial\"");
	refused("[{\"verb\":\"sip:refer\",\"referto\":\"1\"}]",
		"\"referto\" is not a key of sip:refer", NULL);
	refused("[{\"verb\":\"pause\",\"length\":1,\"foo\":1}]",
		"\"foo\" is not a key of pause", NULL);
	refused("[{\"verb\":\"hangup\",\"reason\":\"x\"}]",
		"\"reason\" is not a key of hangup", NULL);
	refused("[{\"referTo\":\"1\"}]", "\"verb\" is required", NULL);
	refused("[{\"verb\":7}]", "\"verb\" must be a string", NULL);
	refused("[\"sip:refer\"]", "must be an object", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\",\"referTo\":\"2\"}]",
		"\"referTo\" is given twice", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\",\"actionHook\":\"/a\","
		"\"actionHook\":\"/b\"}]", "\"actionHook\" is given twice", NULL);
}

static void test_wrong_types(void)
{
	refused("[{\"verb\":\"sip:refer\",\"referTo\":{\"a\":1}}]",
		"\"referTo\" must be a string, not an object", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\",\"referredBy\":5}]",
		"\"referredBy\" must be a string", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"notifyTimeout\":\"15\"}]", "\"notifyTimeout\"",
		"number of seconds");
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"notifyTimeout\":0}]", "\"notifyTimeout\"", "more than 0");
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\",\"headers\":[]}]",
		"\"headers\" must be an object", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"headers\":{\"X-A\":1}}]", "value of \"X-A\" must be a string",
		NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\",\"actionHook\":3}]",
		"actionHook", NULL);
	refused("[{\"verb\":\"pause\",\"length\":\"2\"}]", "\"length\"", NULL);
	refused("[{\"verb\":\"pause\",\"length\":-2}]", "\"length\"", NULL);
	refused("[{\"verb\":\"pause\"}]", "\"length\" is required", NULL);
	refused("{\"verb\":\"pause\",\"length\":1}", "must be a JSON array",
		"not an object");
}

static void test_header_override_refused(void)
{
	static const char *names[] = {
		"Refer-To", "refer-to", "Referred-By", "r", "b", "Call-ID",
		"i", "CSeq", "From", "To", "Via", "Contact", "Route",
		"Max-Forwards", "Content-Length", "Event",
	};
	char text[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(text, sizeof(text), "[{\"verb\":\"sip:refer\","
			 "\"referTo\":\"1\",\"headers\":{\"%s\":\"x\"}}]",
			 names[i]);
		refused(text, "must not set", names[i]);
	}
	refused("[{\"verb\":\"hangup\",\"headers\":{\"Call-ID\":\"x\"}}]",
		"must not set \"Call-ID\"", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"headers\":{\"X-A\":\"a\\r\\nRefer-To: <sip:evil@x>\"}}]",
		"line break", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"headers\":{\"X A\":\"a\"}}]", "not a valid SIP header name",
		NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"sip:a@b\\r\\nX: y\"}]",
		"\"referTo\"", "line break");
}

static void test_refer_to_checked(void)
{
	refused("[{\"verb\":\"sip:refer\"}]", "\"referTo\" is required", NULL);
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"  \"}]", "\"referTo\"",
		"empty");
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"<sip:a@b\"}]",
		"\"referTo\"", "closing");
	refused("[{\"verb\":\"sip:refer\",\"referTo\":\"1\","
		"\"referredBy\":\"two words\"}]", "\"referredBy\"", NULL);
}

static void test_syntax_errors(void)
{
	refused("[{\"verb\":\"pause\",\"length\":1}", "offset",
		"not valid JSON");
	refused("[{\"verb\":\"pause\"\n,,}]", "line 2", "not valid JSON near");
	refused("", "not valid JSON", NULL);
}

static void test_supported_and_refer_sub(void)
{
	struct verb_app *app;
	const struct verb *v;

	CU_ASSERT_EQUAL_FATAL(decode(&app, "[{\"verb\":\"sip:refer\","
		"\"referTo\":\"1\",\"headers\":{\"Supported\":\"norefersub\","
		"\"Refer-Sub\":\"true\"}}]"), 0);
	v = list_ledata(list_head(&app->verbs));
	CU_ASSERT(v->has_supported);
	CU_ASSERT(!v->refer_sub_false);
	mem_deref(app);
}

static const struct unit_test verb_tests[] = {
	{"a full sip:refer", test_full_refer},
	{"defaults", test_defaults},
	{"the documentation's unquoted +15083084809", test_docs_unquoted_number},
	{"a JSON number referTo is its digits, with a warning",
	 test_number_refer_to_warns},
	{"unknown verbs and keys are named", test_unknown_verb_and_keys},
	{"wrong types name the key", test_wrong_types},
	{"header override attempts are errors", test_header_override_refused},
	{"referTo and referredBy are checked", test_refer_to_checked},
	{"JSON syntax errors give an offset", test_syntax_errors},
	{"Supported and Refer-Sub headers", test_supported_and_refer_sub},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"verb", verb_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
