/**
 * @file ladder.c  Where a dialog's ladder lines and strings live: blocks
 *                 carved in order, freed with the ladder
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "model/model_int.h"

/* Ladder lines are carved from blocks of the ladder, one allocation for
 * many lines (an allocation per line and its text was a tenth of a
 * run in malloc and free). The first block holds a whole call with a
 * transfer (~14 lines of ~220 bytes): one malloc per dialog, and less
 * peak RSS than three growing blocks. */
enum { BLOCK_MIN = 4096, BLOCK_MAX = 16384 };

struct ladder_block {
	struct ladder_block *next;
	size_t used, size;
	max_align_t data[];
};

/* First blocks of released ladders, for the next dialogs: a malloc and
 * a free of a block per dialog were 1.4 % of a run. The model and its
 * ladders share it (a transfer kept by its handler can keep a ladder
 * past the model). */
struct ladder_pool {
	struct ladder_block *spare;
	unsigned n;
};

enum { POOL_MAX = 256 };  /* blocks: 1 MiB, a few sweeps' worth */

static void pool_destructor(void *arg)
{
	struct ladder_pool *p = arg;

	while (p->spare) {
		struct ladder_block *b = p->spare;

		p->spare = b->next;
		free(b);
	}
}

static void ladder_destructor(void *arg)
{
	struct ladder *l = arg;
	struct ladder_pool *p = l->pool;

	while (l->blocks) {
		struct ladder_block *b = l->blocks;

		l->blocks = b->next;
		if (p && b->size == BLOCK_MIN && p->n < POOL_MAX) {
			b->next = p->spare;
			p->spare = b;
			++p->n;
		}
		else {
			free(b);
		}
	}
	mem_deref(p);
}

struct ladder_pool *ladder_pool_alloc(void)
{
	return mem_zalloc(sizeof(struct ladder_pool), pool_destructor);
}

struct ladder *ladder_alloc(struct ladder_pool *pool)
{
	struct ladder *l = mem_zalloc(sizeof(*l), ladder_destructor);

	if (l)
		l->pool = mem_ref(pool);
	return l;
}

static struct ladder_block *block_alloc(struct ladder *l, size_t size)
{
	struct ladder_pool *p = l->pool;
	struct ladder_block *b;

	if (p && p->spare && size == BLOCK_MIN) {
		b = p->spare;
		p->spare = b->next;
		--p->n;
		return b;
	}
	b = malloc(sizeof(*b) + size);
	if (b)
		b->size = size;
	return b;
}

/* A new block for n bytes, the last one being full */
static void *carve_block(struct ladder *l, size_t n)
{
	struct ladder_block *b = l->blocks;
	size_t size = b ? MIN(b->size * 2, (size_t)BLOCK_MAX)
			: (size_t)BLOCK_MIN;

	b = block_alloc(l, MAX(size, n));
	if (!b)
		return NULL;
	b->next = l->blocks;
	b->used = n;
	l->blocks = b;
	return b->data;
}

/* n bytes of the last block at a multiple of align (a power of two), not
 * zeroed: the caller sets every field (a memset per line was a tenth of
 * ladder_add). Strings take align 1: rounding each up to 16 bytes took
 * a dialog's ladder past its first block. Inline for the lines and
 * strings carved here (a call per carve was a tenth of ladder_add). */
static inline void *carve(struct ladder *l, size_t n, size_t align)
{
	struct ladder_block *b = l->blocks;

	if (b) {
		size_t at = (b->used + align - 1) & ~(align - 1);

		if (at <= b->size && b->size - at >= n) {
			b->used = at + n;
			return (char *)b->data + at;
		}
	}
	return carve_block(l, n);
}

void *ladder_carve(struct ladder *l, size_t n)
{
	return carve(l, n, sizeof(max_align_t));
}

char *ladder_room(struct ladder *l, size_t n)
{
	return carve(l, n, 1);
}

/* pl_strdup into the ladder: NULL for a pl without a pointer, as
 * pl_strdup leaves its target. The strings that are set once per
 * dialog or transfer live here, with the transfers that hold the
 * ladder, not in an allocation each. */
char *ladder_strdup(struct ladder *l, const struct pl *pl)
{
	char *s;

	if (!pl->p)
		return NULL;
	s = carve(l, pl->l + 1, 1);
	if (!s)
		return NULL;
	memcpy(s, pl->p, pl->l);
	s[pl->l] = '\0';
	return s;
}

/* A ladder line and its text ("a b": method and Request-URI, or code
 * and reason) in one piece of the ladder's block; the caller sets the
 * other fields */
struct ladder_line *ladder_line_alloc(struct ladder *l, const struct pl *a,
				      const struct pl *b)
{
	struct ladder_line *ln = carve(l, sizeof(*ln) + a->l + 1 + b->l + 1,
				       sizeof(max_align_t));

	if (!ln)
		return NULL;
	ln->le = (struct le)LE_INIT;
	ln->note = NULL;
	ln->note_len = 0;
	ln->text = (char *)(ln + 1);
	if (a->p + a->l + 1 == b->p && a->p[a->l] == ' ') {
		/* "METHOD URI" as the request line has it: one copy */
		memcpy(ln->text, a->p, a->l + 1 + b->l);
	}
	else {
		memcpy(ln->text, a->p, a->l);
		ln->text[a->l] = ' ';
		memcpy(ln->text + a->l + 1, b->p, b->l);
	}
	ln->text[a->l + 1 + b->l] = '\0';
	ln->text_len = (uint32_t)(a->l + 1 + b->l);
	return ln;
}
