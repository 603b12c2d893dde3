/**
 * @file shard.h  Stable sharding of a suite: the same case always lands in the same shard
 *
 * A case belongs to shard I of N (1-based) when the FNV-1a hash of its name
 * (the path below the suite folder, e.g. "carriers/notify-after-bye") is
 * I-1 modulo N. The name, not the machine or the order of discovery,
 * decides, so N machines running shards 1..N run the suite exactly once.
 *
 * Where I/N comes from, first found wins:
 *   --shard I/N
 *   REFERLAB_SHARD=I/N                  (GitHub Actions: from the matrix)
 *   REFERLAB_SHARD_INDEX + REFERLAB_SHARD_TOTAL   (I 1-based)
 *   JOB_COMPLETION_INDEX + REFERLAB_SHARD_TOTAL   (Kubernetes Indexed
 *                                         Job: the index is 0-based)
 */
#ifndef REFERLAB_SHARD_H
#define REFERLAB_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shard {
	unsigned index;   /* 1..total; 0 when not sharded */
	unsigned total;
	const char *source;  /* "--shard", "REFERLAB_SHARD", ... for messages */
};

/* Parses "I/N". On error returns EINVAL and writes why into err. */
int  shard_parse(struct shard *s, const char *text, char *err, size_t errsz);
/* From the environment (see above); no variable set: not sharded, 0. */
int  shard_from_env(struct shard *s, char *err, size_t errsz);
uint32_t shard_hash(const char *name);
bool shard_has(const struct shard *s, const char *name);

#endif
