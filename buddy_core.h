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

struct buddy_core_observer;

/*
 * The bitmaps of one order, private to the core.  All fields are words, so
 * a descriptor has no padding and every bit of it is state the audit
 * checks; eight of them make 64 bytes on 64-bit, a power of two, so finding
 * an order's descriptor is a shift (a shift saved measured 1-4 instructions
 * per operation).
 */
struct buddy_core_order {
	unsigned long *free;		/* level 0: a bit per block */
	unsigned long *summary;		/* level 1: a bit per word of level 0 */
	unsigned long *split;		/* a bit per block; NULL at order 0 */
	unsigned long cursor;		/* lowest free block, or NO_BLOCK */
	unsigned long nr_free;		/* free blocks of this order */
	unsigned long head;		/* head_run(k): alloc's head bits */
	unsigned long nr_blocks;	/* whole blocks that fit: frames >> k */
	unsigned long *upper;		/* levels 2, 3...; NULL if none */
};

/* Counters of successful operations (monotonic, reset by init only). */
struct buddy_core_stats {
	unsigned long allocs;		/* blocks handed out */
	unsigned long frees;		/* blocks given back */
	unsigned long splits;		/* blocks split in two by alloc */
	unsigned long merges;		/* buddy pairs merged by free */
};

/*
 * The allocator.  Callers embed it and treat it as opaque: use the functions
 * below, never the fields.  It holds what does not grow with the pool, as a
 * zone holds its free-area heads: the order descriptors, one per order up to
 * BUDDY_CORE_MAX_ORDER and one past it.  That makes it 2.8 KiB on 64-bit
 * (1.4 KiB on 32-bit), too big for a kernel stack frame: allocate it or
 * embed it in something allocated.
 */
struct buddy_core {
	/*
	 * First, so that an order's descriptor is @core plus a shift: about
	 * 2 instructions per mixed operation and 1 per fill/drain operation
	 * less than after the other fields.
	 * Entries max_order + 2 and up stay zero.
	 */
	struct buddy_core_order orders[BUDDY_CORE_MAX_ORDER + 2];
	unsigned long nr_frames;
	unsigned long long free_orders;	/* bit k: order k has a free block */
	unsigned int max_order;
	unsigned int top_order;		/* largest order a block can have */
	unsigned int plain_max;		/* max_order, 0 if flat: see alloc */
	unsigned int plain_top;		/* top_order, 1 if flat: see free */
	bool flat;			/* every order's level 1 is one word */
	bool levels3;			/* every order's top is level 3: set3() */
	unsigned long top_end;		/* frames in whole top-order blocks */
	unsigned long fast_end;		/* top_end; 0 if top_order is 0 or observed */
	unsigned long *meta;		/* the caller's metadata */
	unsigned long *head;		/* a bit per frame pair, in meta */
	unsigned long *pair_split;	/* order 1's split bits, in meta */
	const struct buddy_core_observer *observer;	/* NULL: none */
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

/*
 * The steps of an alloc or a free, as they happen, for an observer the
 * caller supplies (buddy_core_set_observer()).  An alloc reports REQUEST,
 * then TAKE (the block it starts from), a SPLIT per halving and ALLOC, or
 * REQUEST and ALLOC_FAIL.  A free reports FREE (the block found), a MERGE
 * per buddy pair joined and STOP, or a single REJECT.
 */
enum buddy_core_step_kind {
	/* alloc of @order asked for */
	BUDDY_STEP_REQUEST,
	/* @frame of @order: the lowest free block of the smallest order
	 * that fits the request, taken off the free blocks
	 */
	BUDDY_STEP_TAKE,
	/* @frame of @order becomes @frame and @buddy = @frame +
	 * 2^(@order - 1), both of order - 1
	 */
	BUDDY_STEP_SPLIT,
	/* @frame of @order handed out */
	BUDDY_STEP_ALLOC,
	/* alloc of @order refused: @error (-EINVAL or -ENOMEM) */
	BUDDY_STEP_ALLOC_FAIL,
	/* @frame of @order, an allocated block, is being freed */
	BUDDY_STEP_FREE,
	/* @frame and @buddy = @frame ^ 2^@order, both free and of @order,
	 * become min(@frame, @buddy) of order + 1
	 */
	BUDDY_STEP_MERGE,
	/* @frame of @order merges no further, for reason @why; @buddy is
	 * where its buddy is or would be
	 */
	BUDDY_STEP_STOP,
	/* free of @frame refused: @error; @buddy and @order are the block
	 * that holds @frame (0 and 0 for -ERANGE)
	 */
	BUDDY_STEP_REJECT,
};

/* Why a freed block stopped merging. */
enum buddy_core_stop_why {
	BUDDY_STOP_BUDDY_ALLOCATED,	/* its buddy is allocated */
	BUDDY_STOP_BUDDY_SPLIT,		/* its buddy is split into smaller blocks */
	BUDDY_STOP_ROOT,		/* its buddy would lie past the pool */
	BUDDY_STOP_MAX_ORDER,		/* it has max_order */
};

struct buddy_core_step {
	enum buddy_core_step_kind kind;
	unsigned int order;
	unsigned long frame;
	unsigned long buddy;		/* SPLIT, MERGE, STOP, REJECT */
	int error;			/* ALLOC_FAIL, REJECT: -errno */
	enum buddy_core_stop_why why;	/* STOP */
};

/*
 * Called for each step, synchronously, inside buddy_core_alloc() and
 * buddy_core_free(); the core is mid-change, so the callback must not call
 * back into it.  Embed it in your own structure and use container_of().
 */
struct buddy_core_observer {
	void (*step)(const struct buddy_core_observer *obs,
		     const struct buddy_core_step *step);
};

size_t buddy_core_meta_size(unsigned long nr_frames, unsigned int max_order);
int buddy_core_init(struct buddy_core *core, void *meta,
		    unsigned long nr_frames, unsigned int max_order);

void buddy_core_set_observer(struct buddy_core *core,
			     const struct buddy_core_observer *obs);
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
