/**
 * @file fuzz_hookreq.c  libFuzzer target: an HTTP request to the hook
 *                       server, as its record is made
 *
 * The input is what an implementation under test sends to `referlab
 * hooks`: request line, headers, body. When libre decodes it, its record
 * is built (path and query unescaped, headers, the body as JSON or text)
 * and written as one line, and the Jambonz-Signature is checked against
 * the body. Credentials must never reach a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "hookrec.h"
#include "hooksig.h"

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

/* Authorization keeps its scheme only: "Basic (redacted)". */
static void check_redacted(const cJSON *rec)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(rec, "headers"),
		"authorization");
	const char *s = cJSON_GetStringValue(a);
	size_t n = s ? strlen(s) : 0;

	if (a && (n < 10 || strcmp(s + n - 10, "(redacted)"))) {
		fprintf(stderr, "credentials in a record: [%s]\n", s ? s : "");
		abort();
	}
}

static void one_request(const struct http_msg *msg, const struct pl *body)
{
	const struct http_hdr *sig = http_msg_xhdr(msg, "Jambonz-Signature");
	struct hookrec_src src = {1, 1, NULL};
	const char *verdict = "absent";
	cJSON *rec;

	if (sig)
		verdict = hooksig_verdict_str(hooksig_verify(&sig->val,
			"fuzz-secret", body->p, body->l));
	rec = hookrec_request(&src, msg, body, verdict, "unchecked");
	if (rec) {
		check_redacted(rec);
		(void)hookrec_write(devnull(), rec);
		cJSON_Delete(rec);
	}
	rec = hookrec_error(&src, msg, "fuzz");
	(void)hookrec_write(devnull(), rec);
	cJSON_Delete(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbuf *mb = mbuf_alloc(size ? size : 1);
	struct http_msg *msg = NULL;
	struct pl body;

	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (!http_msg_decode(&msg, mb, true)) {
		/* the rest as the body: its length is the server's concern */
		body.p = (const char *)mbuf_buf(mb);
		body.l = mbuf_get_left(mb);
		one_request(msg, &body);
	}
	mem_deref(msg);
	mem_deref(mb);
	return 0;
}
