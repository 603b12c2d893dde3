/**
 * @file slab.c  Objects of one size carved from slabs, kept on a free
 *               list when done and taken again from there; the slabs go
 *               with the pool
 *
 * The model's transactions (one made or found per message) and dialogs:
 * an allocation and a free for each were a tenth of the model's time,
 * and a bounded list of spares still freed most of them when thousands
 * of dialogs ended together. The slabs hold the most objects live at
 * once.
 */
#include <stddef.h>
#include <stdlib.h>
#include "model/model_int.h"

enum { LINE = 64 };   /* bytes of a cache line */

/* Objects start cache lines: an object whose size is a multiple of
 * one (a dialog, a transaction) is read a line less when its first
 * fields are read together */
struct slab {
	struct slab *next;
	_Alignas(LINE) unsigned char data[];
};

/* What a free object holds: the next free one */
struct slab_free {
	struct slab_free *next;
};

void slab_init(struct slab_pool *p, size_t size, unsigned per)
{
	size = MAX(size, sizeof(struct slab_free));
	p->size = (size + LINE - 1) / LINE * LINE;
	p->per = per;
	p->used = per;
	p->slabs = NULL;
	p->free = NULL;
}

void *slab_take(struct slab_pool *p)
{
	struct slab_free *f = p->free;
	struct slab *s;

	if (f) {
		p->free = f->next;
		return f;
	}
	if (p->used == p->per) {
		s = aligned_alloc(LINE, sizeof(*s) + p->size * p->per);
		if (!s)
			return NULL;
		s->next = p->slabs;
		p->slabs = s;
		p->used = 0;
	}
	return (char *)p->slabs->data + p->size * p->used++;
}

void slab_give(struct slab_pool *p, void *obj)
{
	struct slab_free *f = obj;

	f->next = p->free;
	p->free = f;
}

void slab_flush(struct slab_pool *p)
{
	while (p->slabs) {
		struct slab *s = p->slabs;

		p->slabs = s->next;
		free(s);
	}
	p->used = p->per;
	p->free = NULL;
}
