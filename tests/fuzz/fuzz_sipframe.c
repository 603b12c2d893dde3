/**
 * @file fuzz_sipframe.c  libFuzzer target: SIP framing over a stream and a
 *                        datagram, and resynchronisation after a hole
 *
 * The stream is fed the way tcp.c feeds it: frame, consume what was
 * framed, resync on garbage, until nothing is left. Every length the
 * framer returns must lie inside the bytes it was given.
 */
#include <stdlib.h>
#include "decode/sipframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipframe f;
	size_t off = 0, skip;
	unsigned rounds;

	(void)sipframe_datagram(&f, data, size);

	for (rounds = 0; off < size && rounds < 100000; rounds++) {
		switch (sipframe_stream(&f, data + off, size - off)) {

		case SIPFRAME_MSG:
		case SIPFRAME_KEEPALIVE:
			if (f.len == 0 || f.len > size - off)
				abort();
			off += f.len;
			break;

		case SIPFRAME_MORE:
			return 0;

		default:
			skip = sipframe_resync(data + off + 1, size - off - 1);
			if (skip > size - off - 1)
				abort();
			off += 1 + skip;
			break;
		}
	}
	return 0;
}
