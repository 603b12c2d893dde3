/**
 * @file fuzz_sipfrag.c  libFuzzer target: message/sipfrag bodies and the
 *                       Content-Type test of a NOTIFY
 */
#include <stdlib.h>
#include <string.h>
#include "sipfrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipfrag_status st;
	struct pl type, subtype;
	const uint8_t *slash;
	/* A copy of exactly size bytes, so ASan sees any read past the end
	 * of the body (a NOTIFY body is not NUL-terminated). */
	char *body = malloc(size ? size : 1);

	if (!body)
		return 0;
	memcpy(body, data, size);
	if (!sipfrag_status_decode(&st, body, size)) {
		if (st.scode < 100 || st.scode > 699)
			abort();
		if (st.reason.l && (st.reason.p < body ||
				    st.reason.p + st.reason.l > body + size))
			abort();
	}

	slash = memchr(data, '/', size);
	type.p = body;
	type.l = slash ? (size_t)(slash - data) : size;
	subtype.p = slash ? body + type.l + 1 : body;
	subtype.l = slash ? size - type.l - 1 : 0;
	(void)sipfrag_is_content_type(&type, &subtype);
	free(body);
	return 0;
}
