/**
 * @file test_analysis.c  The in-process analysis API (what the runner
 *                        calls) and the derivation of the verb's hooks
 */
#include <string.h>
#include <re.h>
#include "unit.h"
#include "analysis.h"
#include "output/output.h"

static const char *udp4 = "../../captures/transfer-udp4.pcap";

static void test_kept(void)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct analysis *a = NULL;
	const struct transfer *t;
	struct derived dv;
	char err[256] = "";
	cJSON *j;

	CU_ASSERT_EQUAL_FATAL(analysis_file(&a, udp4, &o, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(list_count(&a->transfers), 1);
	t = list_head(&a->transfers)->data;
	CU_ASSERT_EQUAL(t->num, 1);
	CU_ASSERT_EQUAL(t->scode, 202);
	CU_ASSERT_EQUAL(list_count(&t->notifies), 2);
	CU_ASSERT_STRING_EQUAL(t->file, udp4);
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_COMPLETED);
	CU_ASSERT_EQUAL(dv.refer_status, 202);
	CU_ASSERT_EQUAL(dv.final_status, 200);
	CU_ASSERT_EQUAL(a->count[SEV_ERROR] + a->count[SEV_WARNING], 0);

	j = transfer_json(t);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(j, "outcome")->valuestring,
			       "completed");
	CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItem(j, "hooks")), 3);
	cJSON_Delete(j);
	mem_deref(a);
}

static void count_h(struct transfer *t, void *arg)
{
	(void)t;
	++*(unsigned *)arg;
}

static void test_streamed(void)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	const char *files[] = {udp4, "../../captures/transfer-tcp6.pcap"};
	struct analysis *a = NULL;
	unsigned n = 0;

	o.transferh = count_h;
	o.arg = &n;
	CU_ASSERT_EQUAL(analysis_files(&a, files, 2, &o, NULL, 0), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(a->ntransfers, 2);
	CU_ASSERT(list_isempty(&a->transfers));
	CU_ASSERT_EQUAL(list_count(&a->files), 2);
	mem_deref(a);
}

static void test_errors(void)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct analysis *a = NULL;
	char err[256] = "";

	o.rules = "notify.event.missing,no.such.rule";
	CU_ASSERT_EQUAL(analysis_file(&a, udp4, &o, err, sizeof(err)), EINVAL);
	CU_ASSERT(strstr(err, "'no.such.rule'") != NULL);
	CU_ASSERT_PTR_NULL(a);

	o.rules = NULL;
	CU_ASSERT_EQUAL(analysis_file(&a, "none.pcap", &o, err, sizeof(err)),
			ENOENT);
	CU_ASSERT(strstr(err, "none.pcap: cannot open") != NULL);
	CU_ASSERT_PTR_NOT_NULL(a);
	mem_deref(a);
}

/* A transfer as the model leaves it, without a capture. */
static struct transfer *xfer(uint16_t scode)
{
	struct transfer *t = mem_zalloc(sizeof(*t), NULL);

	t->refer_frame = 10;
	t->refer_ts = 1000000000ULL;
	t->scode = scode;
	t->resp_frame = scode ? 11 : 0;
	t->resp_ts = scode ? 1100000000ULL : 0;
	t->notify_timeout_ms = 15000;
	return t;
}

static struct notify_rec *notify(struct transfer *t, uint64_t frame,
				 uint64_t ts, uint16_t status)
{
	struct notify_rec *n = mem_zalloc(sizeof(*n), NULL);

	n->frame = frame;
	n->ts_ns = ts;
	n->status = status;
	list_append(&t->notifies, &n->le, n);
	return n;
}

static void release(struct transfer *t)
{
	list_flush(&t->notifies);
	mem_deref(t);
}

static void test_derive(void)
{
	struct transfer *t;
	struct derived dv;

	t = xfer(0);                       /* Timer F: 408 */
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_NO_RESPONSE);
	CU_ASSERT_EQUAL(dv.refer_status, 408);
	CU_ASSERT_EQUAL(dv.action_frame, 0);
	release(t);

	t = xfer(603);
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_REJECTED);
	CU_ASSERT_EQUAL(dv.refer_status, 603);
	CU_ASSERT_EQUAL(dv.action_frame, 11);
	release(t);

	t = xfer(202);                     /* NOTIFY before the 202 counts */
	notify(t, 9, 1050000000ULL, 100);
	notify(t, 12, 2000000000ULL, 180);
	notify(t, 13, 3000000000ULL, 486);
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_COMPLETED);
	CU_ASSERT_EQUAL(dv.final_status, 486);
	CU_ASSERT_EQUAL(dv.action_frame, 13);
	CU_ASSERT(derive_fires_event(t, list_head(&t->notifies)->data));
	release(t);

	t = xfer(202);                     /* the final NOTIFY comes too late */
	notify(t, 12, 17000000000ULL, 200);
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_NO_FINAL);
	CU_ASSERT_EQUAL(dv.final_status, 0);
	CU_ASSERT_EQUAL(dv.action_ts, 16100000000ULL);
	release(t);

	t = xfer(200);                     /* BYE first */
	t->bye_frame = 14;
	t->bye_ts = 2000000000ULL;
	notify(t, 15, 3000000000ULL, 200);
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_CALL_ENDED);
	CU_ASSERT_EQUAL(dv.refer_status, 200);
	CU_ASSERT_EQUAL(dv.action_frame, 14);
	release(t);

	t = xfer(202);
	t->sub_false_granted = true;
	derive_outcome(t, &dv);
	CU_ASSERT_EQUAL(dv.outcome, OUTCOME_NO_SUBSCRIPTION);
	release(t);

	t = xfer(486);                     /* rejected: no eventHook */
	CU_ASSERT(!derive_fires_event(t, notify(t, 12, 1, 100)));
	release(t);
}

static const struct unit_test api_tests[] = {
	{"analysis_file keeps the model", test_kept},
	{"transfers streamed across files", test_streamed},
	{"bad rules and missing files", test_errors},
	{NULL, NULL}
};

static const struct unit_test derive_tests[] = {
	{"outcome and actionHook per spec section 4", test_derive},
	{NULL, NULL}
};

static const struct unit_suite suites[] = {
	{"in-process analysis", api_tests},
	{"derived hooks", derive_tests},
	{NULL, NULL}
};

int main(void)
{
	return unit_run(suites);
}
