/**
 * @file shard.c  Stable sharding of a suite
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shard.h"

enum { SHARD_MAX = 10000 };

static int parse_uint(const char *s, unsigned long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v > SHARD_MAX)
		return EINVAL;
	return 0;
}

static int check(struct shard *s, unsigned long i, unsigned long n,
		 const char *src, char *err, size_t errsz)
{
	if (n < 1 || i < 1 || i > n) {
		snprintf(err, errsz, "%s: shard %lu of %lu does not exist "
			 "(want I/N with 1 <= I <= N)", src, i, n);
		return EINVAL;
	}
	s->index = (unsigned)i;
	s->total = (unsigned)n;
	s->source = src;
	return 0;
}

static int parse_as(struct shard *s, const char *text, const char *src,
		    char *err, size_t errsz)
{
	unsigned long i, n;
	const char *slash = text ? strchr(text, '/') : NULL;
	char head[16];

	if (!slash || (size_t)(slash - text) >= sizeof(head))
		goto bad;
	memcpy(head, text, (size_t)(slash - text));
	head[slash - text] = '\0';
	if (parse_uint(head, &i) || parse_uint(slash + 1, &n))
		goto bad;
	return check(s, i, n, src, err, errsz);

 bad:
	snprintf(err, errsz, "%s: '%s' is not I/N (e.g. 2/4)", src,
		 text ? text : "");
	return EINVAL;
}

int shard_parse(struct shard *s, const char *text, char *err, size_t errsz)
{
	return parse_as(s, text, "--shard", err, errsz);
}

/* An index variable with REFERLAB_SHARD_TOTAL; base is 1 for our own
 * variable and 0 for Kubernetes' JOB_COMPLETION_INDEX. */
static int from_index(struct shard *s, const char *var, unsigned base,
		      char *err, size_t errsz)
{
	const char *iv = getenv(var), *nv = getenv("REFERLAB_SHARD_TOTAL");
	unsigned long i, n;

	if (parse_uint(iv, &i)) {
		snprintf(err, errsz, "%s='%s' is not a number", var, iv);
		return EINVAL;
	}
	if (!nv) {
		snprintf(err, errsz, "%s is set but REFERLAB_SHARD_TOTAL is not "
			 "(set it to the number of shards)", var);
		return EINVAL;
	}
	if (parse_uint(nv, &n)) {
		snprintf(err, errsz, "REFERLAB_SHARD_TOTAL='%s' is not a number",
			 nv);
		return EINVAL;
	}
	return check(s, i + 1 - base, n, var, err, errsz);
}

int shard_from_env(struct shard *s, char *err, size_t errsz)
{
	const char *v;

	memset(s, 0, sizeof(*s));
	v = getenv("REFERLAB_SHARD");
	if (v && *v)
		return parse_as(s, v, "REFERLAB_SHARD", err, errsz);
	v = getenv("REFERLAB_SHARD_INDEX");
	if (v && *v)
		return from_index(s, "REFERLAB_SHARD_INDEX", 1, err, errsz);
	v = getenv("JOB_COMPLETION_INDEX");
	if (v && *v && getenv("REFERLAB_SHARD_TOTAL"))
		return from_index(s, "JOB_COMPLETION_INDEX", 0, err, errsz);
	return 0;
}

uint32_t shard_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; name && *name; name++) {
		h ^= (uint8_t)*name;
		h *= 16777619u;
	}
	return h;
}

bool shard_has(const struct shard *s, const char *name)
{
	if (!s || s->total <= 1)
		return true;
	return shard_hash(name) % s->total == s->index - 1;
}
