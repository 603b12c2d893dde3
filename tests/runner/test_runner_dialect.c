/**
 * @file test_runner_dialect.c  Expected hook payloads translated between dialects
 */
#include <stdlib.h>
#include <string.h>
#include "runner_case.h"
#include "unit.h"

static void expect_json(cJSON *obj, const char *want)
{
	char *got = cJSON_PrintUnformatted(obj);

	CU_ASSERT_STRING_EQUAL(got, want);
	cJSON_free(got);
}

static void test_spec_to_jambonz(void)
{
	cJSON *action = cJSON_Parse("{\"referStatus\":202,"
		"\"final_referred_call_status\":200,\"callSid\":{\"$present\":true},"
		"\"direction\":\"inbound\",\"callStatus\":\"in-progress\"}");
	cJSON *event = cJSON_Parse("{\"event\":\"transfer-status\","
				   "\"call_status\":\"180\"}");

	dialect_translate(action, true);
	dialect_translate(event, true);
	expect_json(action, "{\"refer_status\":202,"
		"\"final_referred_call_status\":200,\"call_sid\":{\"$present\":true},"
		"\"direction\":\"inbound\",\"call_status\":\"in-progress\"}");
	expect_json(event, "{\"event\":\"transfer-status\",\"call_status\":180}");
	cJSON_Delete(action);
	cJSON_Delete(event);
}

static void test_jambonz_to_spec(void)
{
	cJSON *action = cJSON_Parse("{\"refer_status\":202,"
		"\"call_status\":\"completed\",\"sip\":{\"call_id\":\"x\"}}");
	cJSON *event = cJSON_Parse("{\"event\":\"transfer-status\","
				   "\"call_status\":486}");

	dialect_translate(action, false);
	dialect_translate(event, false);
	/* nested objects are the wire's own: untouched */
	expect_json(action, "{\"referStatus\":202,\"callStatus\":\"completed\","
		    "\"sip\":{\"call_id\":\"x\"}}");
	expect_json(event, "{\"event\":\"transfer-status\",\"call_status\":\"486\"}");
	cJSON_Delete(action);
	cJSON_Delete(event);
}

static const struct unit_test tests[] = {
	{"spec to jambonz", test_spec_to_jambonz},
	{"jambonz to spec", test_jambonz_to_spec},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"dialect", tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
