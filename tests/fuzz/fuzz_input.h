/**
 * @file fuzz_input.h  Splitting one fuzzer input into NUL-terminated strings
 *
 * Targets that take several strings (a value and a host, a URL and its
 * base) cut the input at NUL bytes; missing parts are empty strings.
 */
#ifndef REFERLAB_FUZZ_INPUT_H
#define REFERLAB_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Copies data into a buffer it returns (free it) and points strv[0..n-1]
 * at its NUL-separated parts. */
static inline char *fuzz_split(const uint8_t *data, size_t size,
			       const char **strv, size_t n)
{
	char *buf = malloc(size + n + 1);
	size_t i, off = 0;

	if (!buf)
		return NULL;
	memcpy(buf, data, size);
	memset(buf + size, 0, n + 1);
	for (i = 0; i < n; i++) {
		strv[i] = buf + off;
		off += strlen(buf + off);
		if (off < size)
			off++;
		else
			off = size;
	}
	return buf;
}

#endif
