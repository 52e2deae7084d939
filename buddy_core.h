/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An order-indexed buddy allocator over a range of page frames
 *
 * The core keeps metadata only: it never touches the frames it manages.  The
 * caller provides the metadata memory (buddy_core_meta_size() bytes, aligned
 * for an unsigned long) and serialises every call; read-only queries may run
 * concurrently with each other.  The same file builds in the kernel and, via
 * tools/include, in user space.
 *
 * Frames are numbered 0 .. nr_frames - 1.  A block of order k is 2^k frames
 * starting at a multiple of 2^k.  The pool is covered by the largest naturally
 * aligned blocks of order <= max_order that fit: its "roots".
 */
#ifndef _BUDDY_CORE_H
#define _BUDDY_CORE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#endif

/* Largest max_order and nr_frames buddy_core_init() accepts. */
#define BUDDY_CORE_MAX_ORDER	40
#define BUDDY_CORE_MAX_FRAMES	(1UL << (sizeof(long) > 4 ? 40 : 30))

struct buddy_core_order;

/* Counters of successful operations (monotonic, reset by init only). */
struct buddy_core_stats {
	unsigned long allocs;		/* blocks handed out */
	unsigned long frees;		/* blocks given back */
	unsigned long splits;		/* blocks split in two by alloc */
	unsigned long merges;		/* buddy pairs merged by free */
};

/*
 * The allocator.  Callers embed it and treat it as opaque: use the functions
 * below, never the fields.
 */
struct buddy_core {
	unsigned long nr_frames;
	unsigned long nr_free;		/* free frames */
	unsigned long long free_orders;	/* bit k: order k has a free block */
	unsigned int max_order;
	unsigned int top_order;		/* largest order a block can have */
	unsigned long top_end;		/* frames in whole top-order blocks */
	struct buddy_core_order *orders; /* max_order + 2 entries, in meta */
	struct buddy_core_stats stats;
};

/* What a node of the tree is. */
enum buddy_core_state {
	BUDDY_CORE_SPLIT,		/* divided into two buddies */
	BUDDY_CORE_FREE,
	BUDDY_CORE_ALLOCATED,
};

/*
 * A node of the buddy tree: a block, its position and what it is.  depth is 0
 * for a root; the root above a node has order @order + @depth.
 */
struct buddy_core_node {
	unsigned long frame;		/* first frame of the block */
	unsigned int order;
	unsigned int depth;
	enum buddy_core_state state;
};

/* Where buddy_core_audit() found the first broken invariant. */
struct buddy_core_fault {
	const char *what;		/* a short sentence, never NULL */
	unsigned int order;
	unsigned long frame;		/* first frame of the block concerned */
};

size_t buddy_core_meta_size(unsigned long nr_frames, unsigned int max_order);
int buddy_core_init(struct buddy_core *core, void *meta,
		    unsigned long nr_frames, unsigned int max_order);

long buddy_core_alloc(struct buddy_core *core, unsigned int order);
int buddy_core_free(struct buddy_core *core, unsigned long frame);

int buddy_core_check(const struct buddy_core *core);
int buddy_core_audit(const struct buddy_core *core,
		     struct buddy_core_fault *fault);

unsigned long buddy_core_nr_frames(const struct buddy_core *core);
unsigned int buddy_core_max_order(const struct buddy_core *core);
unsigned long buddy_core_free_frames(const struct buddy_core *core);
unsigned long buddy_core_allocated_frames(const struct buddy_core *core);
unsigned long buddy_core_free_blocks(const struct buddy_core *core,
				     unsigned int order);
const struct buddy_core_stats *
buddy_core_get_stats(const struct buddy_core *core);

int buddy_core_alloc_order(const struct buddy_core *core, unsigned long frame);
int buddy_core_lookup(const struct buddy_core *core, unsigned long frame,
		      struct buddy_core_node *node);

bool buddy_core_walk_first(const struct buddy_core *core,
			   struct buddy_core_node *node);
bool buddy_core_walk_next(const struct buddy_core *core,
			  struct buddy_core_node *node);
bool buddy_core_walk_seek(const struct buddy_core *core, unsigned long frame,
			  unsigned int order, struct buddy_core_node *node);

int buddy_core_unusable_index(const struct buddy_core *core,
			      unsigned int order);
int buddy_core_extfrag_index(const struct buddy_core *core,
			     unsigned int order);

#endif /* _BUDDY_CORE_H */
