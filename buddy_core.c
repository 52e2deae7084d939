// SPDX-License-Identifier: GPL-2.0
/*
 * An order-indexed buddy allocator in three bits per frame
 *
 * The algorithm is the one in mm/page_alloc.c: a block of order k is split in
 * two buddies of order k - 1 whose frame numbers differ in bit k - 1, and a
 * freed block merges with its buddy for as long as the buddy is free.  What
 * differs is the metadata.  Linux keeps a 64-byte struct page per frame and
 * threads free blocks on per-order lists; this core keeps, for every order k,
 * two bitmaps with a bit per naturally aligned block of that order:
 *
 *   free[k]   the block is a free block of exactly order k
 *   split[k]  the block is split into two buddies (k >= 1)
 *
 * That is 2 bits per frame for all the free bitmaps together (N + N/2 + ...)
 * plus 1 bit for the split bitmaps: 3 bits per frame, plus a 1/64 summary
 * and O(max_order) words of descriptors.  Everything else is derived:
 *
 *  - The block holding frame f is the lowest of f's ancestors whose parent
 *    is split (or which is a root): block (k, f >> k) is real as soon as
 *    block (k + 1, f >> (k + 1)) is split.  A free block has its free bit
 *    set; any other real block that is not split is allocated.  So an
 *    allocated block needs no bits at all.  Along f's ancestors the split
 *    bits are clear up to the block's order and set above it, so a binary
 *    search finds the order in about log2(max_order) bit tests.
 *  - That same search classifies every bad free without extra state: a frame
 *    inside a free block is a double free, a frame inside an allocated block
 *    that is not its first frame is an interior free.
 *
 * Lowest address first: each free bitmap carries a summary hierarchy, a bit
 * per nonzero word of the level below, up to a single word, so the lowest
 * free block of an order is found with one __ffs() per level (4 levels for
 * 16M frames) and never by scanning.  A mask of the orders that have free
 * blocks finds the smallest sufficient order with one __ffs64().  Alloc and
 * free are thus O(max_order) steps of word-sized work, and the working set is
 * dense: a 16M-frame pool has 6 MiB of metadata where a free-list allocator
 * touches 16M list nodes.  Picking the lowest address also keeps
 * fragmentation below that of LIFO free lists under churn.
 *
 * The core allocates nothing, takes no locks and never reads or writes the
 * frames: the caller provides the metadata and serialises calls.
 */

#include "buddy_core_internal.h"

/*
 * Summary levels per free bitmap: enough for BUDDY_CORE_MAX_FRAMES bits in
 * 64-bit words (2^40 -> 2^34 -> ... -> 1 word) and in 32-bit words (2^30).
 */
#define BUDDY_CORE_LEVELS	7

/* The bitmaps of one order; max_order + 2 of these open the metadata. */
struct buddy_core_order {
	/* free[0]: a bit per block; free[l + 1]: a bit per word of free[l] */
	unsigned long *free[BUDDY_CORE_LEVELS];
	unsigned long *split;		/* a bit per block; NULL at order 0 */
	unsigned long nr_blocks;	/* whole blocks that fit: frames >> k */
	unsigned long nr_free;		/* free blocks of this order */
	unsigned int nr_levels;		/* 0 when no block of this order fits */
};

static inline bool bit_test(const unsigned long *map, unsigned long nr)
{
	return map[nr / BITS_PER_LONG] & BIT(nr % BITS_PER_LONG);
}

static inline void bit_set(unsigned long *map, unsigned long nr)
{
	map[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG);
}

static inline void bit_clear(unsigned long *map, unsigned long nr)
{
	map[nr / BITS_PER_LONG] &= ~BIT(nr % BITS_PER_LONG);
}

/* Whole blocks of @order in @nr_frames frames; shifts past the word are 0. */
static unsigned long blocks_of_order(unsigned long nr_frames,
				     unsigned int order)
{
	return order < BITS_PER_LONG ? nr_frames >> order : 0;
}

/*
 * A block is a root when it has no parent inside the pool: it is of
 * max_order, or its parent would run past the last frame.  The descriptor
 * past max_order has nr_blocks == 0, so one comparison covers both.
 */
static inline bool is_root(const struct buddy_core_order *o,
			   unsigned long block)
{
	return (block >> 1) >= o[1].nr_blocks;
}

/* Marks a block free, keeping the summaries and the order mask. */
static inline void free_set(struct buddy_core *core,
			    struct buddy_core_order *o, unsigned int order,
			    unsigned long block)
{
	unsigned long nr = block;
	unsigned int l;

	for (l = 0; l < o->nr_levels; l++) {
		unsigned long *word = &o->free[l][nr / BITS_PER_LONG];
		unsigned long old = *word;

		*word = old | BIT(nr % BITS_PER_LONG);
		if (old)
			break;
		nr /= BITS_PER_LONG;
	}
	if (!o->nr_free++)
		core->free_orders |= 1ULL << order;
}

static inline void free_clear(struct buddy_core *core,
			      struct buddy_core_order *o, unsigned int order,
			      unsigned long block)
{
	unsigned long nr = block;
	unsigned int l;

	for (l = 0; l < o->nr_levels; l++) {
		unsigned long *word = &o->free[l][nr / BITS_PER_LONG];

		*word &= ~BIT(nr % BITS_PER_LONG);
		if (*word)
			break;
		nr /= BITS_PER_LONG;
	}
	if (!--o->nr_free)
		core->free_orders &= ~(1ULL << order);
}

/* The lowest free block of an order that has one: one __ffs() per level. */
static inline unsigned long free_first(const struct buddy_core_order *o)
{
	unsigned long nr = 0;
	unsigned int l;

	for (l = o->nr_levels; l-- > 0; )
		nr = nr * BITS_PER_LONG + __ffs(o->free[l][nr]);
	return nr;
}

/*
 * Lays out the metadata: the order descriptors, then per order its free
 * levels and split bitmap.  With @meta NULL it only measures; with @one
 * non-NULL it writes only order @k_one's descriptor, there, for the audit to
 * compare.  One function for all three, so they cannot disagree.
 */
static size_t layout(void *meta, unsigned long nr_frames,
		     unsigned int max_order, unsigned int k_one,
		     struct buddy_core_order *one)
{
	struct buddy_core_order *orders = meta;
	unsigned long *words = meta ? (void *)(orders + max_order + 2) : NULL;
	size_t nr_words = 0;
	unsigned int k;

	for (k = 0; k <= max_order + 1; k++) {
		struct buddy_core_order o = { };
		unsigned long bits;

		o.nr_blocks = k <= max_order ? blocks_of_order(nr_frames, k) : 0;
		for (bits = o.nr_blocks; bits; bits = BITS_TO_LONGS(bits)) {
			o.free[o.nr_levels++] = words ? words + nr_words : NULL;
			nr_words += BITS_TO_LONGS(bits);
			if (bits <= BITS_PER_LONG)
				break;
		}
		if (k && o.nr_blocks) {
			o.split = words ? words + nr_words : NULL;
			nr_words += BITS_TO_LONGS(o.nr_blocks);
		}
		if (one && k == k_one)
			*one = o;
		else if (orders && !one)
			orders[k] = o;
	}
	return (max_order + 2) * sizeof(*orders) + nr_words * sizeof(long);
}

static bool init_args_valid(unsigned long nr_frames, unsigned int max_order)
{
	return nr_frames && nr_frames <= BUDDY_CORE_MAX_FRAMES &&
	       max_order <= BUDDY_CORE_MAX_ORDER;
}

/**
 * buddy_core_meta_size() - Bytes of metadata a pool needs.
 * @nr_frames: Frames in the pool.
 * @max_order: Largest block order.
 *
 * About 3 bits per frame plus a few words per order.
 *
 * Return: the size to allocate (aligned for unsigned long) and pass to
 * buddy_core_init(), or 0 when buddy_core_init() would refuse the arguments.
 */
size_t buddy_core_meta_size(unsigned long nr_frames, unsigned int max_order)
{
	if (!init_args_valid(nr_frames, max_order))
		return 0;
	return layout(NULL, nr_frames, max_order, 0, NULL);
}

/* The largest order a block of the pool can have. */
static unsigned int top_order(unsigned long nr_frames, unsigned int max_order)
{
	unsigned int order = 0;

	while (order < max_order && blocks_of_order(nr_frames, order + 1))
		order++;
	return order;
}

/* Rebuilds the summary levels and count of an order from its level 0. */
static void rebuild_order(struct buddy_core *core, struct buddy_core_order *o,
			  unsigned int order)
{
	unsigned long words = BITS_TO_LONGS(o->nr_blocks);
	unsigned long i;
	unsigned int l;

	o->nr_free = 0;
	for (i = 0; i < words; i++)
		o->nr_free += hweight_long(o->free[0][i]);
	for (l = 1; l < o->nr_levels; l++, words = BITS_TO_LONGS(words)) {
		for (i = 0; i < words; i++)
			if (o->free[l - 1][i])
				bit_set(o->free[l], i);
	}
	if (o->nr_free)
		core->free_orders |= 1ULL << order;
}

/**
 * buddy_core_init() - Set up a pool with every frame free.
 * @core: The allocator to initialise.
 * @meta: buddy_core_meta_size() bytes, aligned for unsigned long, owned by
 *        the caller until it stops using @core.
 * @nr_frames: Frames in the pool, 1 to BUDDY_CORE_MAX_FRAMES, any count.
 * @max_order: Largest block order, 0 to BUDDY_CORE_MAX_ORDER.  It may exceed
 *             the pool: orders that do not fit simply stay empty.
 *
 * The pool is covered by the largest naturally aligned blocks of order at
 * most @max_order that fit, as Linux covers a zone: 100 frames are free
 * blocks of 64, 32 and 4 frames.  Cost: O(nr_frames / BITS_PER_LONG).
 *
 * Context: Any context; the caller serialises all calls on @core.
 * Return: 0, or -EINVAL for a NULL pointer or out-of-range arguments.
 */
int buddy_core_init(struct buddy_core *core, void *meta,
		    unsigned long nr_frames, unsigned int max_order)
{
	unsigned long full, frame;
	struct buddy_core_order *top;
	unsigned int k;

	if (!core || !meta || !init_args_valid(nr_frames, max_order))
		return -EINVAL;

	memset(meta, 0, layout(NULL, nr_frames, max_order, 0, NULL));
	layout(meta, nr_frames, max_order, 0, NULL);
	memset(core, 0, sizeof(*core));
	core->nr_frames = nr_frames;
	core->nr_free = nr_frames;
	core->max_order = max_order;
	core->top_order = top_order(nr_frames, max_order);
	core->orders = meta;

	/* Whole blocks of the top order first, a word at a time... */
	top = &core->orders[core->top_order];
	full = top->nr_blocks;
	memset(top->free[0], 0xff, full / BITS_PER_LONG * sizeof(long));
	if (full % BITS_PER_LONG)
		top->free[0][full / BITS_PER_LONG] = BIT(full % BITS_PER_LONG) - 1;
	rebuild_order(core, top, core->top_order);
	/* ...then one root per set bit of the remainder, largest first. */
	core->top_end = full << core->top_order;
	frame = core->top_end;
	for (k = core->top_order; k-- > 0; ) {
		if (nr_frames & BIT(k)) {
			free_set(core, &core->orders[k], k, frame >> k);
			frame += BIT(k);
		}
	}
	return 0;
}

/* The root holding @frame (< nr_frames): whole top-order blocks, then tail. */
static void root_of(const struct buddy_core *core, unsigned long frame,
		    unsigned long *first, unsigned int *order)
{
	unsigned int k = core->top_order;
	unsigned long start = core->top_end;

	if (frame < start) {
		*first = frame & ~(BIT(k) - 1);
		*order = k;
		return;
	}
	/* The tail's roots follow the binary digits of nr_frames. */
	while (k-- > 0) {
		if (!(core->nr_frames & BIT(k)))
			continue;
		if (frame < start + BIT(k))
			break;
		start += BIT(k);
	}
	*first = start;
	*order = k;
}

/* The order of the root holding @frame (< nr_frames); O(1) but in the tail. */
static inline unsigned int root_order(const struct buddy_core *core,
				      unsigned long frame)
{
	unsigned long first;
	unsigned int order;

	if (likely(frame < core->top_end))
		return core->top_order;
	root_of(core, frame, &first, &order);
	return order;
}

/* Whether the ancestor of order @order >= 1 of @frame is split. */
static inline bool ancestor_split(const struct buddy_core *core,
				  unsigned long frame, unsigned int order)
{
	return bit_test(core->orders[order].split, frame >> order);
}

/*
 * The order of the real block holding @frame, whose root has order @root.
 * Along the frame's ancestors the split bits are clear up to that order
 * (inside the block) and set above it (up to the root), so one test finds
 * an order-0 block and a binary search any other: about log2(root) tests.
 */
static inline unsigned int leaf_order(const struct buddy_core *core,
				      unsigned long frame, unsigned int root)
{
	unsigned int low = 2, high = root + 1, mid;

	if (!root || ancestor_split(core, frame, 1))
		return 0;
	/* The lowest split ancestor is of order in [low, high]. */
	while (low < high) {
		mid = (low + high) / 2;
		if (ancestor_split(core, frame, mid))
			high = mid;
		else
			low = mid + 1;
	}
	return low - 1;
}

/*
 * What buddy_core_free() makes of @frame: the order of the allocated block
 * starting there, or the error.  *@root is the order of the frame's root.
 */
static inline int classify(const struct buddy_core *core, unsigned long frame,
			   unsigned int *root)
{
	unsigned int order;

	if (unlikely(frame >= core->nr_frames))
		return -ERANGE;
	*root = root_order(core, frame);
	order = leaf_order(core, frame, *root);
	if (unlikely(bit_test(core->orders[order].free[0], frame >> order)))
		return -EALREADY;
	if (unlikely(frame & (BIT(order) - 1)))
		return -EINVAL;
	return order;
}

static enum buddy_core_state block_state(const struct buddy_core *core,
					 unsigned int order,
					 unsigned long block)
{
	const struct buddy_core_order *o = &core->orders[order];

	if (order && bit_test(o->split, block))
		return BUDDY_CORE_SPLIT;
	if (bit_test(o->free[0], block))
		return BUDDY_CORE_FREE;
	return BUDDY_CORE_ALLOCATED;
}

/*
 * Tells the observer, if any, of a step.  @observe is a constant in each
 * copy of the alloc and free paths, so the copy without an observer
 * compiles to exactly the code it would be without this call.
 */
static __always_inline void report(const struct buddy_core *core,
				   bool observe,
				   enum buddy_core_step_kind kind,
				   unsigned int order, unsigned long frame,
				   unsigned long buddy, int error,
				   enum buddy_core_stop_why why)
{
	struct buddy_core_step step = {
		.kind = kind,
		.order = order,
		.frame = frame,
		.buddy = buddy,
		.error = error,
		.why = why,
	};

	if (observe)
		core->observer->step(core->observer, &step);
}

/**
 * buddy_core_set_observer() - Have every step of alloc and free reported.
 * @core: The allocator.
 * @obs: The observer, or NULL for none (the default after init).
 *
 * The core keeps the pointer: @obs must live until it is replaced.  The
 * observer is called synchronously from buddy_core_alloc() and
 * buddy_core_free(), under the caller's serialisation.
 *
 * Context: Any context; the caller serialises all calls on @core.
 */
void buddy_core_set_observer(struct buddy_core *core,
			     const struct buddy_core_observer *obs)
{
	core->observer = obs;
}

static __always_inline long do_alloc(struct buddy_core *core,
				     unsigned int order, bool observe)
{
	struct buddy_core_order *o;
	unsigned long long fits;
	unsigned long block;
	unsigned int k;

	report(core, observe, BUDDY_STEP_REQUEST, order, 0, 0, 0, 0);
	if (unlikely(order > core->max_order)) {
		report(core, observe, BUDDY_STEP_ALLOC_FAIL, order, 0, 0,
		       -EINVAL, 0);
		return -EINVAL;
	}
	fits = core->free_orders >> order;
	if (unlikely(!fits)) {
		report(core, observe, BUDDY_STEP_ALLOC_FAIL, order, 0, 0,
		       -ENOMEM, 0);
		return -ENOMEM;
	}

	k = order + __ffs64(fits);
	o = &core->orders[k];
	block = free_first(o);
	free_clear(core, o, k, block);
	report(core, observe, BUDDY_STEP_TAKE, k, block << k, 0, 0, 0);
	/* Split down, as expand() does: keep the lower half, free the upper. */
	while (k > order) {
		bit_set(o->split, block);
		o--;
		k--;
		block <<= 1;
		free_set(core, o, k, block + 1);
		core->stats.splits++;
		report(core, observe, BUDDY_STEP_SPLIT, k + 1, block << k,
		       (block + 1) << k, 0, 0);
	}
	core->nr_free -= BIT(order);
	core->stats.allocs++;
	report(core, observe, BUDDY_STEP_ALLOC, order, block << order, 0, 0, 0);
	return block << order;
}

static noinline long alloc_observed(struct buddy_core *core,
				    unsigned int order)
{
	return do_alloc(core, order, true);
}

/**
 * buddy_core_alloc() - Allocate a block of 2^@order frames.
 * @core: The allocator.
 * @order: Order of the block.
 *
 * Takes the lowest-addressed free block of the smallest sufficient order and
 * splits it down to @order, lower half kept, upper halves freed: the result
 * is deterministic.  O(max_order) word operations.
 *
 * Context: Any context; the caller serialises all calls on @core.
 * Return: the block's first frame, -ENOMEM if no block of order >= @order is
 * free, -EINVAL if @order > max_order.
 */
long buddy_core_alloc(struct buddy_core *core, unsigned int order)
{
	if (unlikely(core->observer))
		return alloc_observed(core, order);
	return do_alloc(core, order, false);
}

/**
 * buddy_core_alloc_order() - Order of the allocated block starting at a frame.
 * @core: The allocator.
 * @frame: First frame of the block.
 *
 * Classifies @frame exactly as buddy_core_free() does, without freeing.
 *
 * Context: Any context; may run concurrently with other read-only queries.
 * Return: the block's order; -ERANGE if @frame is past the pool, -EALREADY
 * if it lies in a free block, -EINVAL if it lies inside an allocated block
 * but is not the block's first frame.
 */
int buddy_core_alloc_order(const struct buddy_core *core, unsigned long frame)
{
	unsigned int root;

	return classify(core, frame, &root);
}

/* Why a block of @order at @block, which could not merge, stopped. */
static enum buddy_core_stop_why stop_why(const struct buddy_core *core,
					 unsigned int order, unsigned int root,
					 unsigned long block)
{
	if (order == root)
		return order == core->max_order ? BUDDY_STOP_MAX_ORDER :
						  BUDDY_STOP_ROOT;
	if (order && bit_test(core->orders[order].split, block ^ 1))
		return BUDDY_STOP_BUDDY_SPLIT;
	return BUDDY_STOP_BUDDY_ALLOCATED;
}

/* A refused free, told with the block that holds the frame. */
static noinline void report_reject(const struct buddy_core *core,
				   unsigned long frame, int error)
{
	struct buddy_core_node node = { };

	if (error != -ERANGE)
		buddy_core_lookup(core, frame, &node);
	report(core, true, BUDDY_STEP_REJECT, node.order, frame, node.frame,
	       error, 0);
}

static __always_inline int do_free(struct buddy_core *core,
				   unsigned long frame, bool observe)
{
	struct buddy_core_order *o;
	unsigned long block;
	unsigned int root;
	int order;

	order = classify(core, frame, &root);
	if (unlikely(order < 0)) {
		if (observe)
			report_reject(core, frame, order);
		return order;
	}

	report(core, observe, BUDDY_STEP_FREE, order, frame, 0, 0, 0);
	core->nr_free += BIT(order);
	core->stats.frees++;
	o = &core->orders[order];
	block = frame >> order;
	while ((unsigned int)order < root && bit_test(o->free[0], block ^ 1)) {
		free_clear(core, o, order, block ^ 1);
		report(core, observe, BUDDY_STEP_MERGE, order, block << order,
		       (block ^ 1) << order, 0, 0);
		block >>= 1;
		o++;
		order++;
		bit_clear(o->split, block);
		core->stats.merges++;
	}
	free_set(core, o, order, block);
	if (observe)
		report(core, true, BUDDY_STEP_STOP, order, block << order,
		       (block ^ 1) << order, 0,
		       stop_why(core, order, root, block));
	return 0;
}

static noinline int free_observed(struct buddy_core *core, unsigned long frame)
{
	return do_free(core, frame, true);
}

/**
 * buddy_core_free() - Free the allocated block starting at a frame.
 * @core: The allocator.
 * @frame: First frame of the block, as returned by buddy_core_alloc().
 *
 * The core knows the block's order.  The block merges with its buddy while
 * the buddy is free, as __free_one_page() does, up to a root.  Every bad
 * free is caught and changes nothing.
 *
 * Context: Any context; the caller serialises all calls on @core.
 * Return: 0; -ERANGE if @frame is past the pool; -EALREADY if @frame lies in
 * a free block (a double free); -EINVAL if @frame lies inside an allocated
 * block but is not its first frame.
 */
int buddy_core_free(struct buddy_core *core, unsigned long frame)
{
	if (unlikely(core->observer))
		return free_observed(core, frame);
	return do_free(core, frame, false);
}

/* === Queries === */

/**
 * buddy_core_nr_frames() - Frames in the pool.
 * @core: The allocator.
 *
 * Return: the nr_frames given to buddy_core_init().
 */
unsigned long buddy_core_nr_frames(const struct buddy_core *core)
{
	return core->nr_frames;
}

/**
 * buddy_core_max_order() - Largest block order of the pool.
 * @core: The allocator.
 *
 * Return: the max_order given to buddy_core_init().
 */
unsigned int buddy_core_max_order(const struct buddy_core *core)
{
	return core->max_order;
}

/**
 * buddy_core_free_frames() - Frames in free blocks.
 * @core: The allocator.
 *
 * Return: the number of free frames.
 */
unsigned long buddy_core_free_frames(const struct buddy_core *core)
{
	return core->nr_free;
}

/**
 * buddy_core_allocated_frames() - Frames in allocated blocks.
 * @core: The allocator.
 *
 * Return: nr_frames minus the free frames.
 */
unsigned long buddy_core_allocated_frames(const struct buddy_core *core)
{
	return core->nr_frames - core->nr_free;
}

/**
 * buddy_core_free_blocks() - Free blocks of one order.
 * @core: The allocator.
 * @order: The order.
 *
 * These are the numbers /proc/buddyinfo prints for a zone.
 *
 * Return: the count, 0 for an order above max_order.
 */
unsigned long buddy_core_free_blocks(const struct buddy_core *core,
				     unsigned int order)
{
	return order <= core->max_order ? core->orders[order].nr_free : 0;
}

/**
 * buddy_core_get_stats() - Counters of successful operations.
 * @core: The allocator.
 *
 * Return: the counters; valid as long as @core is.
 */
const struct buddy_core_stats *
buddy_core_get_stats(const struct buddy_core *core)
{
	return &core->stats;
}

/* === The tree, node by node === */

static void node_fill(const struct buddy_core *core,
		      struct buddy_core_node *node, unsigned long frame,
		      unsigned int order, unsigned int depth)
{
	node->frame = frame;
	node->order = order;
	node->depth = depth;
	node->state = block_state(core, order, frame >> order);
}

/**
 * buddy_core_lookup() - The block holding a frame.
 * @core: The allocator.
 * @frame: Any frame of the pool.
 * @node: Filled with the free or allocated block that holds @frame.
 *
 * Context: Any context; may run concurrently with other read-only queries.
 * Return: 0, or -ERANGE if @frame is past the pool.
 */
int buddy_core_lookup(const struct buddy_core *core, unsigned long frame,
		      struct buddy_core_node *node)
{
	unsigned long root;
	unsigned int order, root_order;

	if (frame >= core->nr_frames)
		return -ERANGE;
	root_of(core, frame, &root, &root_order);
	order = leaf_order(core, frame, root_order);
	node_fill(core, node, frame & ~(BIT(order) - 1), order,
		  root_order - order);
	return 0;
}

/**
 * buddy_core_walk_first() - The first node of the tree walk.
 * @core: The allocator.
 * @node: Filled with the root at frame 0.
 *
 * The walk visits every root in address order, each in pre-order: a split
 * node, then its lower buddy's subtree, then its upper buddy's.  Free and
 * allocated blocks are leaves, so a fully free subtree is one node.
 *
 * Return: true (a pool is never empty).
 */
bool buddy_core_walk_first(const struct buddy_core *core,
			   struct buddy_core_node *node)
{
	unsigned long root;
	unsigned int order;

	root_of(core, 0, &root, &order);
	node_fill(core, node, root, order, 0);
	return true;
}

/**
 * buddy_core_walk_next() - The node after @node in the tree walk.
 * @core: The allocator.
 * @node: A node from the walk; replaced by its successor.
 *
 * O(max_order).  @node must describe the current tree: after a change, use
 * buddy_core_walk_seek() to resume.
 *
 * Return: false after the last node.
 */
bool buddy_core_walk_next(const struct buddy_core *core,
			  struct buddy_core_node *node)
{
	unsigned long block = node->frame >> node->order;
	unsigned int order = node->order, depth = node->depth;
	unsigned long next;

	if (node->state == BUDDY_CORE_SPLIT) {
		node_fill(core, node, node->frame, order - 1, depth + 1);
		return true;
	}
	/* Climb while this is an upper buddy: its parent's subtree is done. */
	while (depth && (block & 1)) {
		block >>= 1;
		order++;
		depth--;
	}
	if (depth) {
		node_fill(core, node, (block + 1) << order, order, depth);
		return true;
	}
	next = (block + 1) << order;
	if (next >= core->nr_frames)
		return false;
	root_of(core, next, &next, &order);
	node_fill(core, node, next, order, 0);
	return true;
}

/**
 * buddy_core_walk_seek() - Resume the tree walk at a position.
 * @core: The allocator.
 * @frame: Frame of the position.
 * @order: Order of the position.
 * @node: Filled with the first node at or after the position.
 *
 * Positions are ordered as the walk visits them: by frame, then from high
 * order to low.  A listing that stops after node X and resumes with the
 * position of X's successor sees every node of the current tree that it has
 * not shown yet, even if the tree changed in between.
 *
 * Return: false if no node is at or after the position.
 */
bool buddy_core_walk_seek(const struct buddy_core *core, unsigned long frame,
			  unsigned int order, struct buddy_core_node *node)
{
	unsigned long first;
	unsigned int k, depth = 0;

	if (frame >= core->nr_frames)
		return false;
	root_of(core, frame, &first, &k);
	node_fill(core, node, first, k, 0);
	/* Descend towards @frame through nodes the listing has shown. */
	while (node->frame != frame || node->order > order) {
		if (node->state != BUDDY_CORE_SPLIT)
			return buddy_core_walk_next(core, node);
		k--;
		depth++;
		node_fill(core, node, frame & ~(BIT(k) - 1), k, depth);
	}
	return true;
}

/* === Fragmentation indices, as mm/vmstat.c computes them === */

struct contig_info {
	unsigned long long free_pages;
	unsigned long long free_blocks_total;
	unsigned long long free_blocks_suitable;
};

/* fill_contig_page_info() */
static void contig_info(const struct buddy_core *core, unsigned int order,
			struct contig_info *info)
{
	unsigned int k;

	memset(info, 0, sizeof(*info));
	for (k = 0; k <= core->top_order; k++) {
		unsigned long long blocks = core->orders[k].nr_free;

		info->free_blocks_total += blocks;
		info->free_pages += blocks << k;
		if (k >= order)
			info->free_blocks_suitable += blocks << (k - order);
	}
}

/**
 * buddy_core_unusable_index() - The unusable free space index of an order.
 * @core: The allocator.
 * @order: The order, at most max_order.
 *
 * The share of free frames that cannot serve an allocation of @order, in
 * thousandths, as debugfs extfrag/unusable_index reports it.
 *
 * Return: 0..1000 (1000 when nothing is free), -EINVAL for a bad @order.
 */
int buddy_core_unusable_index(const struct buddy_core *core,
			      unsigned int order)
{
	struct contig_info info;

	if (order > core->max_order)
		return -EINVAL;
	contig_info(core, order, &info);
	if (!info.free_pages)
		return 1000;
	return div64_u64((info.free_pages -
			  (info.free_blocks_suitable << order)) * 1000ULL,
			 info.free_pages);
}

/**
 * buddy_core_extfrag_index() - The external fragmentation index of an order.
 * @core: The allocator.
 * @order: The order, at most max_order.
 *
 * As debugfs extfrag/extfrag_index reports it, in thousandths: towards 0 an
 * allocation of @order would fail for lack of memory, towards 1000 for
 * fragmentation; -1000 when it would succeed.
 *
 * Return: -1000..1000, or -EINVAL for a bad @order (distinct from -1000).
 */
int buddy_core_extfrag_index(const struct buddy_core *core, unsigned int order)
{
	struct contig_info info;

	if (order > core->max_order)
		return -EINVAL;
	contig_info(core, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (int)div64_u64(1000 + div64_u64(info.free_pages * 1000ULL,
						      1ULL << order),
				     info.free_blocks_total);
}

/* === Audit === */

static int fault_at(struct buddy_core_fault *fault, const char *what,
		    unsigned int order, unsigned long block)
{
	if (fault) {
		fault->what = what;
		fault->order = order;
		fault->frame = order < BITS_PER_LONG ? block << order : 0;
	}
	return -EUCLEAN;
}

/* Bits past @bits in the last word of a bitmap must be clear. */
static bool tail_clear(const unsigned long *map, unsigned long bits)
{
	if (!(bits % BITS_PER_LONG))
		return true;
	return !(map[bits / BITS_PER_LONG] & ~(BIT(bits % BITS_PER_LONG) - 1));
}

/* Each summary bit is set exactly when the word below it is nonzero. */
static int audit_summaries(const struct buddy_core_order *o,
			   unsigned int order, struct buddy_core_fault *fault)
{
	unsigned long bits = o->nr_blocks, i;
	unsigned int l;

	for (l = 0; l < o->nr_levels; l++, bits = BITS_TO_LONGS(bits)) {
		if (!tail_clear(o->free[l], bits))
			return fault_at(fault, "free bit set past the last block",
					order, bits);
		if (l + 1 == o->nr_levels)
			break;
		for (i = 0; i < BITS_TO_LONGS(bits); i++)
			if (!o->free[l][i] != !bit_test(o->free[l + 1], i))
				return fault_at(fault,
						"free summary disagrees with its bitmap",
						order, i * BITS_PER_LONG);
	}
	if (o->split && !tail_clear(o->split, o->nr_blocks))
		return fault_at(fault, "split bit set past the last block",
				order, o->nr_blocks);
	return 0;
}

static int audit_order(const struct buddy_core *core, unsigned int order,
		       struct buddy_core_fault *fault)
{
	const struct buddy_core_order *o = &core->orders[order];
	unsigned long words = BITS_TO_LONGS(o->nr_blocks), nr_free = 0, i;
	int ret;

	ret = audit_summaries(o, order, fault);
	if (ret)
		return ret;

	for (i = 0; i < words; i++) {
		unsigned long bits = o->free[0][i];

		while (bits) {
			unsigned long block = i * BITS_PER_LONG + __ffs(bits);

			bits &= bits - 1;
			nr_free++;
			if (o->split && bit_test(o->split, block))
				return fault_at(fault,
						"block both free and split",
						order, block);
			if (is_root(o, block))
				continue;
			if (!bit_test(o[1].split, block >> 1))
				return fault_at(fault,
						"free block inside a larger block",
						order, block);
			if (bit_test(o->free[0], block ^ 1))
				return fault_at(fault,
						"free buddies left unmerged",
						order, block);
		}
	}
	for (i = 0; o->split && i < words; i++) {
		unsigned long bits = o->split[i];

		while (bits) {
			unsigned long block = i * BITS_PER_LONG + __ffs(bits);

			bits &= bits - 1;
			if (!is_root(o, block) &&
			    !bit_test(o[1].split, block >> 1))
				return fault_at(fault,
						"split block inside a larger block",
						order, block);
		}
	}
	if (nr_free != o->nr_free)
		return fault_at(fault, "free block count is wrong", order, 0);
	if (!nr_free != !(core->free_orders & (1ULL << order)))
		return fault_at(fault, "free order mask is wrong", order, 0);
	return 0;
}

/*
 * The descriptors hold pointers into the metadata: check them against the
 * layout before following any, so a corrupted one is reported, not used.
 */
static int audit_layout(const struct buddy_core *core,
			struct buddy_core_fault *fault)
{
	struct buddy_core_order want;
	const struct buddy_core_order *o;
	unsigned int k, l;

	if (!init_args_valid(core->nr_frames, core->max_order) ||
	    core->top_order != top_order(core->nr_frames, core->max_order) ||
	    core->top_end != core->orders[core->top_order].nr_blocks <<
			     core->top_order)
		return fault_at(fault, "pool geometry is wrong", 0, 0);
	for (k = 0; k <= core->max_order + 1; k++) {
		o = &core->orders[k];
		layout(core->orders, core->nr_frames, core->max_order, k,
		       &want);
		if (o->nr_blocks != want.nr_blocks ||
		    o->nr_levels != want.nr_levels || o->split != want.split ||
		    (!o->nr_blocks && o->nr_free))
			return fault_at(fault, "order descriptor is corrupt",
					k, 0);
		for (l = 0; l < BUDDY_CORE_LEVELS; l++)
			if (o->free[l] != want.free[l])
				return fault_at(fault,
						"order descriptor is corrupt",
						k, 0);
	}
	return 0;
}

/**
 * buddy_core_audit() - Check every invariant, saying what is broken.
 * @core: The allocator.
 * @fault: Filled with the first broken invariant found; may be NULL.
 *
 * Checks the metadata's own layout first, then that every free or split
 * block hangs from a split parent or is a root (so blocks never overlap and
 * no frame is both free and allocated), that no free block has a free
 * buddy, that no block is both free and split, that the summaries,
 * per-order counts, order mask and free-frame total agree with the bitmaps,
 * and that no bit lies past the pool.  Allocated blocks are the remaining
 * leaves, so they need no check of their own.  O(metadata words + set
 * bits).
 *
 * Context: Any context; may run concurrently with other read-only queries.
 * Return: 0 if consistent, -EUCLEAN otherwise.
 */
int buddy_core_audit(const struct buddy_core *core,
		     struct buddy_core_fault *fault)
{
	unsigned long nr_free = 0;
	unsigned int k;
	int ret;

	ret = audit_layout(core, fault);
	if (ret)
		return ret;
	if (core->free_orders >> core->max_order >> 1)
		return fault_at(fault, "free order mask is wrong",
				core->max_order, 0);
	for (k = 0; k <= core->max_order; k++) {
		ret = audit_order(core, k, fault);
		if (ret)
			return ret;
		if (k <= core->top_order)
			nr_free += core->orders[k].nr_free << k;
	}
	if (nr_free != core->nr_free || nr_free > core->nr_frames)
		return fault_at(fault, "free frame total is wrong", 0, 0);
	return 0;
}

/**
 * buddy_core_check() - Check every invariant.
 * @core: The allocator.
 *
 * buddy_core_audit() without the report.
 *
 * Return: 0 if consistent, -EUCLEAN otherwise.
 */
int buddy_core_check(const struct buddy_core *core)
{
	return buddy_core_audit(core, NULL);
}
