// SPDX-License-Identifier: GPL-2.0
/*
 * An order-indexed buddy allocator in three and a half bits per frame
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
 * and one bitmap for the whole pool, a bit per pair of frames:
 *
 *   head      an allocated block of order k >= 1 writes its order there,
 *             from its first pair: k - 1 ones, then a zero
 *
 * That is 2 bits per frame for all the free bitmaps together (N + N/2 + ...),
 * 1 for the split bitmaps and 1/2 for the head bits: 3.5 bits per frame, plus
 * a 1/64 summary.  The order descriptors (pointers to those bitmaps, counts,
 * cursors) do not grow with the pool: they live in struct buddy_core, as a
 * zone's free-area heads live in the zone.
 *
 * Free finds the order itself; the caller never says it.  The block holding
 * frame f is the lowest of f's ancestors whose parent is split (or which is
 * a root), a free block has its free bit set, and any other real block that
 * is not split is allocated: allocated blocks need no state of their own,
 * and along f's ancestors the split bits are clear up to the block's order
 * and set above it, so a binary search over them finds the order of any
 * frame, and classifies every bad free: a frame inside a free block is a
 * double free, a frame inside an allocated block but not its first is an
 * interior free.  The head bits make the common case one word: free(f)
 * reads, in the word of f's pair, the run of ones from that pair and the
 * bit of the pair before.  Head bits are set only in the runs of allocated
 * blocks, and a run never crosses a word (a block of 2^k frames starts at
 * a multiple of 2^(k - 1) pairs), so a run of k - 1 >= 1 ones with a zero
 * before it starts at the first pair of an allocated block of order k; for
 * an even f that block starts at f.  A one before the run would put f
 * inside a block.  With no run (k = 1) the pair's parent's split bit and
 * its free bit decide; a split pair is order 0.  Whatever does not confirm,
 * every bad free among it, goes to the exact binary search, so refusals
 * are what they always were.
 *
 * Lowest address first: a cursor holds the lowest free block of each
 * order, and each free bitmap has summary levels, a bit per nonzero word
 * of the level below, up to a single word.  Taking the cursor leaves the
 * next lowest block in the lowest word that the cursor's level-1 word still
 * marks (nothing below the cursor is free): one __ffs() there and one in
 * level 0, no search; only when that level-1 word empties do the levels
 * above come in.  Adding a block takes the minimum.  The summaries are kept
 * only while the order has two free blocks or more: with one, the cursor
 * is the block, so an order that goes between none and one free block, as
 * order 0 does under churn and every order does in fill and drain, touches
 * one bitmap word and the cursor.  A mask of the orders that have free
 * blocks finds the smallest sufficient order with one __ffs64().  Alloc and
 * free are thus O(max_order) steps of word-sized work and never scan, and
 * the working set is dense: a 16M-frame pool has 7 MiB of metadata where a
 * free-list allocator touches 16M list nodes.  Picking the lowest address
 * also keeps fragmentation below that of LIFO free lists under churn.
 *
 * Flat pools, up to 4096 frames (1024 on 32-bit; the module's default
 * pool is one), have a single level-1 word per order, and keep it exact
 * in orders >= 1 even with one free block or none: there, alloc and free
 * do not branch on how many free blocks an order has, a branch that
 * random orders mispredict.  Order 0 keeps the lazy rule, for churn.
 *
 * The hot paths (an alloc that needs no split, a free that needs no merge,
 * each changing at most one summary word) are inline and call nothing;
 * splits, merges, the other summary changes and every refusal are out of
 * line, reached by tail calls.  Flat pools have copies of their own for
 * orders >= 1, reached by the tests for an order too large, so that the
 * larger pools pay nothing for them.
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

/* The cursor of an order without free blocks: above every block. */
#define NO_BLOCK		(~0UL)

/* Shifted down, not masked: gcc then tests with one bt, no mask to build. */
static inline bool bit_test(const unsigned long *map, unsigned long nr)
{
	return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}

static inline void bit_set(unsigned long *map, unsigned long nr)
{
	map[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG);
}

/* ~BIT(n) as ~1 rotated left by n: gcc emits one rol, not shl and not. */
static inline unsigned long bit_off(unsigned long nr)
{
	unsigned int n = nr % BITS_PER_LONG;

	return ~1UL << n | ~1UL >> (-n % BITS_PER_LONG);
}

static inline void bit_clear(unsigned long *map, unsigned long nr)
{
	map[nr / BITS_PER_LONG] &= bit_off(nr);
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

/* The head bits an allocated block of @order writes: order - 1 ones. */
static inline unsigned long head_run(unsigned int order)
{
	return (BIT(order) - 1) / 2;
}

/* The lowest free block in level-0 word @nr of an order: a nonzero word. */
static __always_inline unsigned long
lowest_in(const struct buddy_core_order *o, unsigned long nr)
{
	return nr * BITS_PER_LONG + __ffs(o->free[nr]);
}

/* === Summary levels, kept while an order has two free blocks or more === */

/*
 * The levels of an order, bottom up, in @maps: level l + 1 has a bit per
 * word of level l, up to one word (at least levels 0 and 1), then, in a
 * pool of three levels (see layout()), one-word levels up to level 3.
 * Levels 1 and up lie one after another, the top just before level 0.
 * Returns how many, 0 if no block of the order fits.
 */
static unsigned int level_maps(const struct buddy_core_order *o,
			       unsigned long **maps)
{
	unsigned long bits = BITS_TO_LONGS(o->nr_blocks);
	unsigned int l = 1;

	if (!o->nr_blocks)
		return 0;
	maps[0] = o->free;
	maps[1] = o->summary;
	while (maps[l] + BITS_TO_LONGS(bits) < o->free) {
		maps[l + 1] = maps[l] + BITS_TO_LONGS(bits);
		bits = BITS_TO_LONGS(bits);
		l++;
	}
	return l + 1;
}

/* A walk up the summary levels of an order, along one block's path. */
struct level_walk {
	unsigned long *map;		/* this level */
	unsigned long *end;		/* level 0, just past the top */
	unsigned long bits;		/* its number of bits */
	unsigned long nr;		/* the path's bit in it */
};

/* Starts at level 1, whose bits stand for the words of level 0. */
static __always_inline void walk_start(const struct buddy_core_order *o,
				       unsigned long block,
				       struct level_walk *w)
{
	w->map = o->summary;
	w->end = o->free;
	w->bits = BITS_TO_LONGS(o->nr_blocks);
	w->nr = block / BITS_PER_LONG;
}

/* One level up; false at the top, the word just before level 0. */
static __always_inline bool walk_up(struct level_walk *w)
{
	if (w->map + BITS_TO_LONGS(w->bits) == w->end)
		return false;
	w->map += BITS_TO_LONGS(w->bits);
	w->bits = BITS_TO_LONGS(w->bits);
	w->nr /= BITS_PER_LONG;
	return true;
}

/* Sets @block's summary path, up to a word that was already nonzero. */
static __always_inline void path_set(const struct buddy_core_order *o,
				     unsigned long block, unsigned int from)
{
	unsigned long *word, old;
	struct level_walk w;

	walk_start(o, block, &w);
	while (--from)
		walk_up(&w);
	do {
		word = &w.map[w.nr / BITS_PER_LONG];
		old = *word;
		*word = old | BIT(w.nr % BITS_PER_LONG);
	} while (!old && walk_up(&w));
}

/* Zeroes the words of @block's summary path: its bits are their only ones. */
static __always_inline void path_zero(const struct buddy_core_order *o,
				      unsigned long block)
{
	struct level_walk w;

	walk_start(o, block, &w);
	do {
		w.map[w.nr / BITS_PER_LONG] = 0;
	} while (walk_up(&w));
}

/*
 * @block's level-0 word has emptied and the summaries are exact: clear its
 * path up to a word that stays nonzero, the words below level @from
 * without a look (the caller knows that they empty).  If @block was the
 * cursor, nothing below it is free, so the next lowest block lies under
 * the lowest bit of that word: down from there.
 */
static __always_inline void path_clear(struct buddy_core_order *o,
				       unsigned long block, unsigned int from)
{
	unsigned long *maps[BUDDY_CORE_LEVELS], *word, nr;
	struct level_walk w;
	unsigned int l = 1;

	maps[0] = o->free;
	walk_start(o, block, &w);
	for (; l < from; l++) {
		maps[l] = w.map;
		w.map[w.nr / BITS_PER_LONG] = 0;
		walk_up(&w);
	}
	for (;;) {
		maps[l] = w.map;
		word = &w.map[w.nr / BITS_PER_LONG];
		*word &= ~BIT(w.nr % BITS_PER_LONG);
		if (*word || !walk_up(&w))
			break;
		l++;
	}
	if (block != o->cursor)
		return;
	nr = w.nr / BITS_PER_LONG * BITS_PER_LONG + __ffs(*word);
	while (l-- > 0)
		nr = nr * BITS_PER_LONG + __ffs(maps[l][nr]);
	o->cursor = nr;
}

/*
 * The words of level 2 of an order, a bit per level-1 word each, where
 * level 3 begins: BITS_TO_LONGS() three times over is one rounded division.
 */
static __always_inline unsigned long
level2_words(const struct buddy_core_order *o)
{
	unsigned long per = BITS_PER_LONG * BITS_PER_LONG * BITS_PER_LONG;

	return (o->nr_blocks + per - 1) / per;
}

/* path_set() from level 4, for a block whose level-3 word was empty. */
static noinline int path_set_climb(const struct buddy_core_order *o,
				   unsigned long block)
{
	path_set(o, block, 4);
	return 0;
}

/*
 * path_set() from level 3, for a block whose level-2 word was empty, at
 * the end of a free (so it returns free's 0).  Level 3 is the top in pools
 * up to 2^30 blocks of the order: one word to set, no walk.  Above it, a
 * level-3 word that was empty goes on up, out of line.
 */
static noinline int path_set_high(const struct buddy_core_order *o,
				  unsigned long block)
{
	unsigned long nr = block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG;
	unsigned long words2 = level2_words(o), *word, old;

	word = &o->upper[words2 + nr / BITS_PER_LONG];
	old = *word;
	*word = old | BIT(nr % BITS_PER_LONG);
	if (!old && words2 > BITS_PER_LONG)
		return path_set_climb(o, block);
	return 0;
}

/*
 * path_set() for the common shapes: @block's level-1 word is nonzero, or
 * it is empty but its level-2 word is not, as with sparse blocks.  False,
 * having written nothing, for any other.
 */
static __always_inline bool path_set_near(const struct buddy_core_order *o,
					  unsigned long block)
{
	unsigned long *sum = &o->summary[block / BITS_PER_LONG / BITS_PER_LONG];
	unsigned long *up, old = *sum;

	if (old) {
		*sum = old | BIT(block / BITS_PER_LONG % BITS_PER_LONG);
		return true;
	}
	if (!o->upper)
		return false;
	up = &o->upper[block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG];
	if (!*up)
		return false;
	*sum = BIT(block / BITS_PER_LONG % BITS_PER_LONG);
	*up |= BIT(block / BITS_PER_LONG / BITS_PER_LONG % BITS_PER_LONG);
	return true;
}

/*
 * @block's level-1 word is emptying (the caller writes it) and the
 * summaries are exact: if its level-2 word stays nonzero, clears the bit
 * there and gives in *@next the lowest nonzero level-0 word under that
 * word, which holds the next lowest block if @block was the lowest.
 * False, having written nothing, if the level-2 word would empty too.
 */
static __always_inline bool level2_clear(const struct buddy_core_order *o,
					 unsigned long block,
					 unsigned long *next)
{
	unsigned long *up, left;

	up = &o->upper[block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG];
	left = *up & bit_off(block / BITS_PER_LONG / BITS_PER_LONG);
	if (!left)
		return false;
	*up = left;
	*next = block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG *
		BITS_PER_LONG + __ffs(left);
	*next = *next * BITS_PER_LONG + __ffs(o->summary[*next]);
	return true;
}

/*
 * @block has left its level-0 word, which keeps @left (written already),
 * in an order whose summaries are exact: if that changes at most one
 * summary word (the level-1 word stays nonzero, or empties, as it does
 * when @left is 0 and it marked that word alone, but its level-2 word
 * does not), writes it and moves the cursor on if it was @block: nothing
 * below the cursor is free, so the next lowest block is in the lowest word
 * that the nonzero word marks, the cursor's own if it keeps one.  False,
 * having written nothing, otherwise; path_clear() does the rest.
 */
static __always_inline bool level1_clear(struct buddy_core_order *o,
					 unsigned long block,
					 unsigned long left)
{
	unsigned long *sum = &o->summary[block / BITS_PER_LONG / BITS_PER_LONG];
	unsigned long sum_left, next;

	sum_left = *sum & ~((unsigned long)!left <<
			    (block / BITS_PER_LONG % BITS_PER_LONG));
	if (sum_left) {
		next = block / BITS_PER_LONG / BITS_PER_LONG * BITS_PER_LONG +
		       __ffs(sum_left);
	} else if (!o->upper || !level2_clear(o, block, &next)) {
		return false;
	}
	*sum = sum_left;
	if (block == o->cursor)
		o->cursor = lowest_in(o, next);
	return true;
}

/*
 * Flat pools, up to BITS_PER_LONG^2 frames: every order's level 1 is a
 * single word, the top, and in orders >= 1 it is kept exact even with one
 * free block or none.  Then nothing branches on how many free blocks such
 * an order has: the level-1 bit is ORed in, or cleared with a mask, and
 * the cursor is the lowest block under that word's lowest bit, or
 * NO_BLOCK if it is 0.  Order 0 keeps the lazy rule: under churn and in
 * fill and drain it has one free block at most, and its copies serve both
 * kinds of pool.  @flat is a constant in each copy of alloc and free.
 */

/*
 * Whether @order keeps its level 1 exact whatever its count of free
 * blocks: orders >= 1 of a flat pool.  (The copies of alloc and free
 * test their constant @flat and the order instead.)
 */
static inline bool level1_exact(const struct buddy_core *core,
				unsigned int order)
{
	return core->flat && order;
}

/* Level 1 of an order of a flat pool: one word, just before level 0. */
static __always_inline unsigned long *
flat_level1(const struct buddy_core_order *o)
{
	return o->free - 1;
}

/*
 * The lowest free block of an order of a flat pool, its level-1 word @sum,
 * or NO_BLOCK if @sum is 0 (which only @may_empty allows).  Without a
 * branch: with @sum 0, word 0 is read (it exists), and what __ffs() gives
 * is dropped.
 */
static __always_inline unsigned long
flat_lowest(const struct buddy_core_order *o, unsigned long sum,
	    bool may_empty)
{
	unsigned long nr, low;

	if (!may_empty)
		return lowest_in(o, __ffs(sum));
	nr = __ffs(sum | BIT(BITS_PER_LONG - 1)) & -(unsigned long)!!sum;
	low = nr * BITS_PER_LONG + __ffs(o->free[nr] | BIT(BITS_PER_LONG - 1));
	return sum ? low : NO_BLOCK;
}

/*
 * Takes @block off the free blocks of @order in a flat pool, without a
 * branch.  @cursor: @block is the cursor, as in alloc.  @may_empty: it may
 * be the order's last block, which then leaves free_orders.
 */
static __always_inline void flat_remove(struct buddy_core *core,
					struct buddy_core_order *o,
					unsigned int order, unsigned long block,
					bool cursor, bool may_empty)
{
	unsigned long *word = &o->free[block / BITS_PER_LONG], left, sum;
	unsigned long next;

	left = *word & bit_off(block);
	*word = left;
	sum = *flat_level1(o) & ~((unsigned long)!left << (block / BITS_PER_LONG));
	*flat_level1(o) = sum;
	o->nr_free--;
	next = flat_lowest(o, sum, may_empty);
	if (cursor)
		o->cursor = next;
	else
		o->cursor = block == o->cursor ? next : o->cursor;
	if (may_empty)
		core->free_orders &= ~((unsigned long long)!sum << order);
}

/* === Free blocks of an order === */

/*
 * Pools of three summary levels (levels3, 2^18 < frames <= 2^24 on
 * 64-bit): where order 0 has three, the other orders are padded to three
 * (layout()), so the top is always level 3, the word just before level 0.
 * Then an order of two free blocks or more writes all three summary words
 * on every insert and take, changed or not, without a branch on the data.
 * In such pools the low orders' free blocks are sparse, and whether a
 * word filled or emptied went either way: at 2^24 frames those branches
 * were 0.46 mispredicts per operation of the mixed workload.
 */

/* Sets @block's bit in each level, 1 to 3, of an order of levels3. */
static __always_inline void set3(const struct buddy_core_order *o,
				 unsigned long block)
{
	unsigned long nr = block / BITS_PER_LONG;

	o->summary[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG);
	nr /= BITS_PER_LONG;
	o->upper[nr / BITS_PER_LONG] |= BIT(nr % BITS_PER_LONG);
	nr /= BITS_PER_LONG;
	o->free[-1] |= BIT(nr);
}

/*
 * Takes the cursor @block off an order of levels3 that keeps two free
 * blocks or more: each level loses the path's bit if the word below it
 * emptied, and the next cursor is the lowest block down from the top.
 */
static __always_inline void take3(struct buddy_core_order *o,
				  unsigned long block)
{
	unsigned long nr = block / BITS_PER_LONG, *word, left;

	word = &o->free[nr];
	left = *word & bit_off(block);
	*word = left;
	word = &o->summary[nr / BITS_PER_LONG];
	left = *word & ~((unsigned long)!left << (nr % BITS_PER_LONG));
	*word = left;
	nr /= BITS_PER_LONG;
	word = &o->upper[nr / BITS_PER_LONG];
	left = *word & ~((unsigned long)!left << (nr % BITS_PER_LONG));
	*word = left;
	nr /= BITS_PER_LONG;
	left = o->free[-1] & ~((unsigned long)!left << nr);
	o->free[-1] = left;
	nr = __ffs(left);
	nr = nr * BITS_PER_LONG + __ffs(o->upper[nr]);
	nr = nr * BITS_PER_LONG + __ffs(o->summary[nr]);
	o->cursor = lowest_in(o, nr);
	o->nr_free--;
}

/*
 * Marks @block of @order free, if that changes at most one summary word:
 * the order had no free block (then it has no summaries, and the block is
 * the cursor), or it had two or more and @block's level-1 word is nonzero
 * (then that word takes the level-0 word's bit, without a branch, and the
 * cursor the minimum); in a pool of levels3, any block but the order's
 * second (set3()).  Otherwise returns false, having written nothing:
 * free_insert_slow() does the rest.
 */
static __always_inline bool insert_fast(struct buddy_core *core,
					struct buddy_core_order *o,
					unsigned int order, unsigned long block,
					bool flat)
{
	unsigned long *word = &o->free[block / BITS_PER_LONG], old = *word;
	unsigned long n = o->nr_free, *sum, sum_old, cursor;

	/* No test for none: its branch is what random orders mispredict. */
	if (flat && order) {
		*word = old | BIT(block % BITS_PER_LONG);
		*flat_level1(o) |= BIT(block / BITS_PER_LONG);
		cursor = o->cursor;
		o->cursor = block < cursor ? block : cursor;
		o->nr_free = n + 1;
		core->free_orders |= BIT_ULL(order);
		return true;
	}
	if (!n) {
		*word = old | BIT(block % BITS_PER_LONG);
		o->cursor = block;
		o->nr_free = 1;
		core->free_orders |= BIT_ULL(order);
		return true;
	}
	/*
	 * A test on the pool, the same for every call: no mispredict.  The
	 * branch ends on its own copy of the tail below: shared, gcc merges
	 * the paths and keeps more registers, 3.4-3.9 instructions per mixed
	 * operation at 2^18 and 2^24 frames.
	 */
	if (core->levels3) {
		if (n == 1)
			return false;
		*word = old | BIT(block % BITS_PER_LONG);
		set3(o, block);
		cursor = o->cursor;
		o->cursor = block < cursor ? block : cursor;
		o->nr_free = n + 1;
		return true;
	}
	sum = &o->summary[block / BITS_PER_LONG / BITS_PER_LONG];
	sum_old = *sum;
	/*
	 * An empty level-1 word: the order's second block (with one, the
	 * summaries are clear) or a sparse block.
	 */
	if (!sum_old)
		return false;
	*word = old | BIT(block % BITS_PER_LONG);
	*sum |= (unsigned long)!old << (block / BITS_PER_LONG % BITS_PER_LONG);
	cursor = o->cursor;
	o->cursor = block < cursor ? block : cursor;
	o->nr_free = n + 1;
	return true;
}

/*
 * @block joins the one free block of an order whose level 1 is a single
 * word, the top: their summaries are that word's bits for their level-0
 * words.  No walk.
 */
static __always_inline void top_pair(struct buddy_core_order *o,
				     unsigned long block)
{
	o->summary[0] = BIT(o->cursor / BITS_PER_LONG) |
			BIT(block / BITS_PER_LONG);
}

/* Whether the order's level 2 is the top: the word just before level 0. */
static __always_inline bool upper_is_top(const struct buddy_core_order *o)
{
	return o->upper == o->free - 1;
}

/*
 * top_pair() for an order whose level 2 is the top: the two blocks'
 * level-1 words, clear until now, and the top word take their bits.
 */
static __always_inline void top2_pair(struct buddy_core_order *o,
				      unsigned long block)
{
	unsigned long cursor = o->cursor;

	o->summary[cursor / BITS_PER_LONG / BITS_PER_LONG] |=
		BIT(cursor / BITS_PER_LONG % BITS_PER_LONG);
	o->summary[block / BITS_PER_LONG / BITS_PER_LONG] |=
		BIT(block / BITS_PER_LONG % BITS_PER_LONG);
	o->upper[0] = BIT(cursor / BITS_PER_LONG / BITS_PER_LONG) |
		      BIT(block / BITS_PER_LONG / BITS_PER_LONG);
}

/* Marks @block free in an order that has some, its summaries written. */
static __always_inline void insert_end(struct buddy_core_order *o,
				       unsigned long block)
{
	unsigned long cursor = o->cursor;

	bit_set(o->free, block);
	o->nr_free++;
	o->cursor = block < cursor ? block : cursor;
}

/*
 * The order's second free block, when its level 1 is more than a word:
 * the summaries appear, for both blocks.
 */
static __always_inline void insert_second(struct buddy_core_order *o,
					  unsigned long block)
{
	unsigned long *word = &o->free[block / BITS_PER_LONG], old = *word;

	*word = old | BIT(block % BITS_PER_LONG);
	o->nr_free = 2;
	if (upper_is_top(o)) {
		top2_pair(o, block);
	} else {
		path_set(o, o->cursor, 1);
		if (!old && !path_set_near(o, block))
			path_set(o, block, 1);
	}
	if (block < o->cursor)
		o->cursor = block;
}

/*
 * Marks @block free in an order that had none, as alloc's splits do (the
 * caller sets the order's bit in free_orders).  @flat: the order keeps its
 * level 1 exact, as orders >= 1 of a flat pool do.
 */
static __always_inline void free_insert_first(struct buddy_core_order *o,
					      unsigned long block, bool flat)
{
	bit_set(o->free, block);
	if (flat)
		*flat_level1(o) = BIT(block / BITS_PER_LONG);
	o->cursor = block;
	o->nr_free = 1;
}

/*
 * Takes the cursor @block of @order, as alloc does, if that changes at
 * most one summary word: it is the order's only free block, or three or
 * more remain and its level-1 word stays nonzero; in a pool of levels3,
 * with three or more, whatever it empties (take3()).  Nothing below the
 * cursor is free, so the lowest bit of that level-1 word marks the next
 * lowest block's word, the cursor's own if it keeps a block.  Otherwise
 * returns false, having written nothing but, with three blocks or more,
 * the cursor's level-0 word, emptied (which frees a register here, and
 * spares alloc_take_slow() the write).
 */
static __always_inline bool take_fast(struct buddy_core *core,
				      struct buddy_core_order *o,
				      unsigned int order, unsigned long block,
				      bool flat)
{
	unsigned long *word = &o->free[block / BITS_PER_LONG], left;
	unsigned long n = o->nr_free, *sum, sum_left, next;

	if (flat && order) {
		flat_remove(core, o, order, block, true, true);
		return true;
	}
	if (n == 1) {
		*word = 0;		/* the block's bit was its only one */
		o->cursor = NO_BLOCK;
		o->nr_free = 0;
		core->free_orders -= BIT_ULL(order);
		return true;
	}
	/* With two, the one left loses its summaries: not here. */
	if (n == 2)
		return false;
	if (core->levels3) {
		take3(o, block);
		return true;
	}
	/*
	 * No branch on whether the word keeps a block: under random orders
	 * it went either way, and mispredicted 40% of the time at 1 GiB.
	 * The level-1 word loses the word's bit only if it empties.  The
	 * level-0 word is written at once and the count decremented in
	 * memory, so that fewer values are live: gcc saves one register on
	 * this path, not four.
	 */
	left = *word & bit_off(block);
	*word = left;
	sum = &o->summary[block / BITS_PER_LONG / BITS_PER_LONG];
	sum_left = *sum & ~((unsigned long)!left <<
			    (block / BITS_PER_LONG % BITS_PER_LONG));
	if (!sum_left)
		return false;
	*sum = sum_left;
	next = block / BITS_PER_LONG / BITS_PER_LONG * BITS_PER_LONG +
	       __ffs(sum_left);
	o->nr_free--;
	o->cursor = lowest_in(o, next);
	return true;
}

/*
 * @block leaves an order with two free blocks whose level 1 is a single
 * word, the top: that word clears, and if @block was the cursor, the other
 * block is the lowest left in its level-0 word (@left, written already)
 * or under the level-1 word's other bit.  No walk.
 */
static __always_inline void top_drop(struct buddy_core_order *o,
				     unsigned long block, unsigned long left)
{
	unsigned long next;

	if (block == o->cursor) {
		next = o->summary[0] & bit_off(block / BITS_PER_LONG);
		next = left ? block / BITS_PER_LONG : __ffs(next);
		o->cursor = lowest_in(o, next);
	}
	o->summary[0] = 0;
	o->nr_free = 1;
}

/*
 * top_drop() for an order whose level 2 is the top: the other block is
 * found down from the lowest level that still marks it, and the two
 * blocks' level-1 words and the top word clear.
 */
static __always_inline void top2_drop(struct buddy_core_order *o,
				      unsigned long block, unsigned long left)
{
	unsigned long next, sum;

	if (block == o->cursor) {
		next = block / BITS_PER_LONG;
		sum = o->summary[next / BITS_PER_LONG] & bit_off(next);
		if (!left && sum) {
			next = next / BITS_PER_LONG * BITS_PER_LONG +
			       __ffs(sum);
		} else if (!left) {
			next = __ffs(o->upper[0] &
				     bit_off(next / BITS_PER_LONG));
			next = next * BITS_PER_LONG + __ffs(o->summary[next]);
		}
		o->cursor = lowest_in(o, next);
	}
	o->summary[block / BITS_PER_LONG / BITS_PER_LONG] = 0;
	o->summary[o->cursor / BITS_PER_LONG / BITS_PER_LONG] = 0;
	o->upper[0] = 0;
	o->nr_free = 1;
}

/*
 * Takes @block off the free blocks of an order that has two or more (its
 * summaries exact).  With two whose top is level 1 or 2, the few words
 * directly; otherwise the level-1 step, or the walk if level 2 empties
 * too; then, with one block left, that one loses its summaries.
 */
static noinline void remove_slow(struct buddy_core_order *o,
				 unsigned long block)
{
	unsigned long *word = &o->free[block / BITS_PER_LONG], left;
	unsigned long n = o->nr_free;

	left = *word & bit_off(block);
	*word = left;
	if (n == 2 && !o->upper) {
		top_drop(o, block, left);
		return;
	}
	if (n == 2 && upper_is_top(o)) {
		top2_drop(o, block, left);
		return;
	}
	if (!level1_clear(o, block, left))
		path_clear(o, block, 1);
	o->nr_free = n - 1;
	if (n == 2)
		path_zero(o, o->cursor);
}

/*
 * Takes @block off the free blocks of @order.  Only the order's last free
 * block is taken inline, as every split and merge of fill and drain takes
 * it: the rest is out of line, so that the split and merge loops keep few
 * registers.
 */
static __always_inline void free_remove(struct buddy_core *core,
					struct buddy_core_order *o,
					unsigned int order, unsigned long block,
					bool flat)
{
	if (likely(o->nr_free == 1)) {
		/* The block's bit is the only one in its word: no read. */
		o->free[block / BITS_PER_LONG] = 0;
		/* Order 0's level 1 is clear already: no test on the order. */
		if (flat)
			*flat_level1(o) = 0;
		o->cursor = NO_BLOCK;
		o->nr_free = 0;
		core->free_orders -= BIT_ULL(order);
		return;
	}
	if (flat && order)
		flat_remove(core, o, order, block, false, false);
	else
		remove_slow(o, block);
}

/* === Setting up === */

/* The summary levels (1 and up) of @nr_blocks blocks, unpadded. */
static unsigned int levels_of(unsigned long nr_blocks)
{
	unsigned long bits = BITS_TO_LONGS(nr_blocks);
	unsigned int levels = 1;

	for (; bits > BITS_PER_LONG; bits = BITS_TO_LONGS(bits))
		levels++;
	return levels;
}

/* A pool whose order 0 has three levels: see set3(). */
static bool layout_is_levels3(unsigned long nr_frames)
{
	return levels_of(nr_frames) == 3;
}

/*
 * Lays out the metadata: per order its free levels (at least two) and split
 * bitmap, then the head bits, and fills the order descriptors that point
 * there, max_order + 2 of them.  With @meta NULL it only measures; with
 * @orders NULL it writes no descriptor, but order @k_one's into @one, for
 * the audit to compare; @head, if not NULL, gets where the head bits go.
 * One function for all, so they cannot disagree.
 */
static size_t layout(unsigned long *meta, unsigned long nr_frames,
		     unsigned int max_order, struct buddy_core_order *orders,
		     unsigned int k_one, struct buddy_core_order *one,
		     unsigned long **head)
{
	unsigned int k, pad = layout_is_levels3(nr_frames) ? 3 : 0;
	size_t nr_words = 0;

	for (k = 0; k <= max_order + 1; k++) {
		struct buddy_core_order o = { .cursor = NO_BLOCK };
		unsigned long bits, *map;
		unsigned int levels = 0;

		o.nr_blocks = k <= max_order ? blocks_of_order(nr_frames, k) : 0;
		/*
		 * Levels 1 and up first, one after another, then level 0:
		 * in a flat pool, level 1 is the word just before level 0,
		 * found from the free pointer that every path loads anyway
		 * (flat_level1()).  Where order 0 has three levels, so has
		 * every order, the missing ones a word each (set3()).
		 */
		if (o.nr_blocks) {
			bits = BITS_TO_LONGS(o.nr_blocks);
			for (;;) {
				map = meta ? meta + nr_words : NULL;
				if (++levels == 1)
					o.summary = map;
				else if (levels == 2)
					o.upper = map;
				nr_words += BITS_TO_LONGS(bits);
				if (bits <= BITS_PER_LONG && levels >= pad)
					break;
				bits = BITS_TO_LONGS(bits);
			}
			o.free = meta ? meta + nr_words : NULL;
			nr_words += BITS_TO_LONGS(o.nr_blocks);
		}
		o.head = k < BITS_PER_LONG ? head_run(k) : 0;
		if (k && o.nr_blocks) {
			o.split = meta ? meta + nr_words : NULL;
			nr_words += BITS_TO_LONGS(o.nr_blocks);
		}
		if (orders)
			orders[k] = o;
		else if (one && k == k_one)
			*one = o;
	}
	/* A bit per pair of frames, the last one maybe half a pair. */
	if (head)
		*head = meta ? meta + nr_words : NULL;
	nr_words += BITS_TO_LONGS(nr_frames / 2 + 1);
	return nr_words * sizeof(long);
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
 * About 3.5 bits per frame plus a few words per order: the bitmaps.  The
 * order descriptors are in struct buddy_core.
 *
 * Return: the size to allocate (aligned for unsigned long) and pass to
 * buddy_core_init(), or 0 when buddy_core_init() would refuse the arguments.
 */
size_t buddy_core_meta_size(unsigned long nr_frames, unsigned int max_order)
{
	if (!init_args_valid(nr_frames, max_order))
		return 0;
	return layout(NULL, nr_frames, max_order, NULL, 0, NULL, NULL);
}

/*
 * Where free's fast path ends: the whole top-order blocks, none if the top
 * order is 0 (no head bits) or with an observer, whose frees all take the
 * exact search (free_exact_plain() sends them on).
 */
static unsigned long fast_range_end(const struct buddy_core *core)
{
	return core->top_order && !core->observer ? core->top_end : 0;
}

/* A flat pool: order 0, so every order, has no summary level above 1. */
static bool layout_is_flat(const struct buddy_core *core)
{
	return !core->orders[0].upper;
}

/*
 * The orders the plain copies of alloc and free serve: all but in a flat
 * pool, where alloc keeps order 0 only and free orders 0 and 1 (whose
 * functions ask for a flat pool themselves); the others go to the flat
 * copies by the tests for an order too large.
 */
static unsigned int plain_max_order(const struct buddy_core *core)
{
	return core->flat ? 0 : core->max_order;
}

static unsigned int plain_top_order(const struct buddy_core *core)
{
	return core->flat ? 1 : core->top_order;
}

/* The largest order a block of the pool can have. */
static unsigned int top_order(unsigned long nr_frames, unsigned int max_order)
{
	unsigned int order = 0;

	while (order < max_order && blocks_of_order(nr_frames, order + 1))
		order++;
	return order;
}

/*
 * Sets up the summary levels, count and cursor of an order whose level 0
 * holds @full blocks from block 0 on (there is at least one).  Levels 1+
 * only with two blocks or more, as everywhere but in a flat pool.
 */
static void fill_order(struct buddy_core *core, struct buddy_core_order *o,
		       unsigned int order, unsigned long full)
{
	unsigned long *maps[BUDDY_CORE_LEVELS], bits = full, i;
	unsigned int l, nr_levels = level_maps(o, maps);

	memset(maps[0], 0xff, full / BITS_PER_LONG * sizeof(long));
	if (full % BITS_PER_LONG)
		maps[0][full / BITS_PER_LONG] = BIT(full % BITS_PER_LONG) - 1;
	for (l = 1; l < nr_levels && (full >= 2 || level1_exact(core, order));
	     l++) {
		bits = BITS_TO_LONGS(bits);
		for (i = 0; i < bits; i++)
			bit_set(maps[l], i);
	}
	o->nr_free = full;
	o->cursor = 0;
	core->free_orders |= BIT_ULL(order);
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
 * Nothing of what @core held before survives, its observer included: a
 * caller that re-initialises a pool sets the observer again after (a
 * stale observer would otherwise outlive the pool's owner).
 *
 * Context: Any context; the caller serialises all calls on @core.
 * Return: 0, or -EINVAL for a NULL pointer or out-of-range arguments.
 */
int buddy_core_init(struct buddy_core *core, void *meta,
		    unsigned long nr_frames, unsigned int max_order)
{
	unsigned long frame;
	unsigned int k;

	if (!core || !meta || !init_args_valid(nr_frames, max_order))
		return -EINVAL;

	memset(meta, 0, layout(NULL, nr_frames, max_order, NULL, 0, NULL,
			       NULL));
	memset(core, 0, sizeof(*core));
	core->meta = meta;
	layout(meta, nr_frames, max_order, core->orders, 0, NULL, &core->head);
	core->nr_frames = nr_frames;
	core->max_order = max_order;
	core->top_order = top_order(nr_frames, max_order);
	core->flat = layout_is_flat(core);
	core->levels3 = layout_is_levels3(nr_frames);
	core->plain_max = plain_max_order(core);
	core->plain_top = plain_top_order(core);
	/* What free reads first, one load nearer. */
	core->pair_split = core->orders[1].split;

	/* Whole blocks of the top order first, a word at a time... */
	k = core->top_order;
	fill_order(core, &core->orders[k], k, core->orders[k].nr_blocks);
	core->top_end = core->orders[k].nr_blocks << k;
	core->fast_end = fast_range_end(core);
	/* ...then one root per set bit of the remainder, largest first. */
	frame = core->top_end;
	while (k-- > 0) {
		if (nr_frames & BIT(k)) {
			/* Each order below the top gets one root at most. */
			free_insert_first(&core->orders[k], frame >> k,
					  level1_exact(core, k));
			core->free_orders |= BIT_ULL(k);
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
 * What buddy_core_free() makes of @frame, exactly, without the head bits:
 * the order of the allocated block starting there, or the error.  *@root is
 * the order of the frame's root.
 */
static int classify(const struct buddy_core *core, unsigned long frame,
		    unsigned int *root)
{
	unsigned int order;

	if (frame >= core->nr_frames)
		return -ERANGE;
	*root = root_order(core, frame);
	order = leaf_order(core, frame, *root);
	if (bit_test(core->orders[order].free, frame >> order))
		return -EALREADY;
	if (frame & (BIT(order) - 1))
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
	if (bit_test(o->free, block))
		return BUDDY_CORE_FREE;
	return BUDDY_CORE_ALLOCATED;
}

/* === Alloc and free === */

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
	/*
	 * With an observer, free's fast path has no range: every free
	 * leaves it by the test it makes first, and free_exact_plain()
	 * asks for the observer there.  buddy_core_free() then needs no
	 * test of its own for it (one compare and branch less per free).
	 */
	core->fast_end = fast_range_end(core);
}

/*
 * The end of every alloc: head bits, the count, the block's first frame.
 * The order's run comes from its descriptor: empty for order 1 (just its
 * zero) and for order 0, whose copies, with the order a constant, leave
 * the OR out.  Where the order is not a constant it is ORed in all the
 * same, as the run of order 0 is 0: a test there would branch on the
 * order, which may be random (13-20% of those tests mispredicted).
 */
static __always_inline long alloc_done(struct buddy_core *core,
				       const struct buddy_core_order *o,
				       unsigned int order,
				       unsigned long frame, bool observe)
{
	unsigned long pair = frame / 2;

	if (!__builtin_constant_p(order) || order)
		core->head[pair / BITS_PER_LONG] |=
			o->head << (pair % BITS_PER_LONG);
	core->stats.allocs++;
	report(core, observe, BUDDY_STEP_ALLOC, order, frame, 0, 0, 0);
	return frame;
}

/*
 * Takes the lowest free block of order @k, the smallest order that has one,
 * and splits it down to @order as expand() does: keep the lower half, free
 * the upper.  Orders @order to @k - 1 had no free block, so each upper half
 * is its order's first.  The hot path below comes here for splits.  @last:
 * the block is its order's last free block (a constant in the plain
 * copies, so that the copy for that case, every split of fill and drain,
 * calls nothing).
 */
static __always_inline long alloc_from(struct buddy_core *core,
				       unsigned int order, unsigned int k,
				       bool last, bool observe, bool flat)
{
	struct buddy_core_order *o = &core->orders[k];
	unsigned long block = o->cursor;
	unsigned int splits = k - order;

	/*
	 * Orders @order to @k - 1 gain their first block; order @k loses
	 * its only one, if so: then, with bit k set and the bits below it
	 * clear, the mask loses BIT(order) in all.
	 */
	if (last) {
		o->free[block / BITS_PER_LONG] = 0;	/* its only bit */
		if (flat)
			*flat_level1(o) = 0;
		o->cursor = NO_BLOCK;
		o->nr_free = 0;
		core->free_orders -= BIT_ULL(order);
	} else {
		if (flat)
			flat_remove(core, o, k, block, true, false);
		else
			remove_slow(o, block);
		core->free_orders += BIT_ULL(k) - BIT_ULL(order);
	}
	report(core, observe, BUDDY_STEP_TAKE, k, block << k, 0, 0, 0);
	/* LAB BEGIN split
	 * Split the block down to the order asked.  @block is the index of
	 * the taken block in order @k (its first frame is block << k) and @o
	 * is &core->orders[k].  While @k > @order, one split: mark the block
	 * split in its order's split bitmap (bit_set(o->split, block)); go
	 * down an order (o, k, and the block's index, which doubles); the
	 * lower half, the doubled index, stays taken, and the upper half,
	 * that index + 1, joins its order's free blocks, as the first since
	 * the order had none: free_insert_first(o, block + 1, flat).  Report
	 * each split: report(core, observe, BUDDY_STEP_SPLIT, order of the
	 * block split, its first frame, the upper half's first frame, 0, 0).
	 * At the end @o, @k and @block are the kept block's (@o is
	 * &core->orders[order]).  (The code around counts the splits.)
	 */
	while (k > order) {
		bit_set(o->split, block);
		o--;
		k--;
		block <<= 1;
		free_insert_first(o, block + 1, flat);
		report(core, observe, BUDDY_STEP_SPLIT, k + 1, block << k,
		       (block + 1) << k, 0, 0);
	}
	/* LAB END split */
	/*
	 * Order 0's summary stays clear, its one free block the cursor: the
	 * loop wrote it, as it writes every order's (no test in the loop).
	 */
	if (flat && !order)
		*flat_level1(o) = 0;
	core->stats.splits += splits;
	return alloc_done(core, o, order, block << order, observe);
}

/* A split from an order with more free blocks than the one taken. */
static noinline long alloc_split_slow(struct buddy_core *core,
				      unsigned int order, unsigned int k)
{
	return alloc_from(core, order, k, false, false, false);
}

static noinline long alloc_split_flat(struct buddy_core *core,
				      unsigned int order, unsigned int k)
{
	return alloc_from(core, order, k, false, false, true);
}

/* Any alloc, once REQUEST is told: the refusals, and alloc_from(). */
static __always_inline long alloc_any(struct buddy_core *core,
				      unsigned int order, bool observe,
				      bool flat)
{
	unsigned long long fits;
	unsigned int k;
	bool last;

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
	/*
	 * alloc_block() comes here only when @order itself has no free
	 * block, so the search starts above it: gcc then knows there is a
	 * split to make and does not test for none.
	 */
	k = order + 1 + __ffs64(fits >> 1);
	last = core->orders[k].nr_free == 1;
	if (observe)
		return alloc_from(core, order, k, last, true, flat);
	if (last)
		return alloc_from(core, order, k, true, false, flat);
	if (flat)
		return alloc_split_flat(core, order, k);
	return alloc_split_slow(core, order, k);
}

static noinline long alloc_slow(struct buddy_core *core, unsigned int order)
{
	return alloc_any(core, order, false, false);
}

/* Orders >= 1 only, as alloc_flat() (order 0's copy is shared). */
static noinline long alloc_slow_flat(struct buddy_core *core,
				     unsigned int order)
{
	if (!order)
		__builtin_unreachable();
	return alloc_any(core, order, false, true);
}

/*
 * What take_fast() leaves of an order with two free blocks whose level 1
 * is more than a word: the one left loses its summaries.
 */
static noinline long alloc_take_walk(struct buddy_core *core,
				     struct buddy_core_order *o,
				     unsigned int order, unsigned long block)
{
	remove_slow(o, block);
	return alloc_done(core, o, order, block << order, false);
}

/* alloc_take_high() when the cursor's level-3 word empties too: the walk. */
static noinline long alloc_take_climb(struct buddy_core *core,
				      struct buddy_core_order *o,
				      unsigned int order, unsigned long block)
{
	path_clear(o, block, 3);
	return alloc_done(core, o, order, block << order, false);
}

/*
 * alloc_take_slow() when the cursor's level-0, level-1 and level-2 words all
 * empty, with three free blocks or more: level 2 is not the top, so there
 * is a level 3, the top in pools up to 2^30 blocks of the order.  If the
 * cursor's word there stays nonzero, the next cursor lies under its lowest
 * bit, as in level2_clear(); otherwise the walk climbs on from level 3, in
 * a function of its own so that this one saves no registers.
 */
static noinline long alloc_take_high(struct buddy_core *core,
				     struct buddy_core_order *o,
				     unsigned int order, unsigned long block)
{
	unsigned long *up3, left, nr;

	/* take_fast() has emptied the cursor's level-0 word already. */
	o->nr_free--;
	nr = block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG;
	up3 = &o->upper[level2_words(o) + nr / BITS_PER_LONG];
	left = *up3 & bit_off(nr);
	if (!left)
		return alloc_take_climb(core, o, order, block);
	*up3 = left;
	o->upper[nr] = 0;
	o->summary[block / BITS_PER_LONG / BITS_PER_LONG] = 0;
	nr = nr / BITS_PER_LONG * BITS_PER_LONG + __ffs(left);
	nr = nr * BITS_PER_LONG + __ffs(o->upper[nr]);
	nr = nr * BITS_PER_LONG + __ffs(o->summary[nr]);
	o->cursor = lowest_in(o, nr);
	return alloc_done(core, o, order, block << order, false);
}

/*
 * alloc_take_slow() for an order whose level 1 is one word: take_fast()
 * leaves only two blocks in such an order.  A function of its own, so
 * that the sparse cases of large pools save no registers for it.
 */
static noinline long alloc_take_top(struct buddy_core *core,
				    struct buddy_core_order *o,
				    unsigned int order, unsigned long block)
{
	bit_clear(o->free, block);
	top_drop(o, block, o->free[block / BITS_PER_LONG]);
	return alloc_done(core, o, order, block << order, false);
}

/*
 * Takes the cursor @block of @order when take_fast() could not, and ends
 * the alloc.  No registers saved and no walk in the common cases: an order
 * of two free blocks whose level 1 is one word, as in small pools
 * (alloc_take_top()), and a cursor whose level-1 word empties but whose
 * level-2 word does not, as a third of the allocs of a large pool.  The
 * observed copy comes here too, and tells its steps after.
 */
static noinline long alloc_take_slow(struct buddy_core *core,
				     struct buddy_core_order *o,
				     unsigned int order, unsigned long block)
{
	unsigned long next;

	if (!o->upper)
		return alloc_take_top(core, o, order, block);
	if (o->nr_free == 2)
		return alloc_take_walk(core, o, order, block);
	if (!level2_clear(o, block, &next))
		return alloc_take_high(core, o, order, block);
	/* With three or more, take_fast() emptied level 0's word. */
	o->summary[block / BITS_PER_LONG / BITS_PER_LONG] = 0;
	o->nr_free--;
	o->cursor = lowest_in(o, next);
	return alloc_done(core, o, order, block << order, false);
}

static noinline long alloc_many(struct buddy_core *core, unsigned int order);
static noinline long alloc_split0_flat(struct buddy_core *core);
static noinline long alloc_flat(struct buddy_core *core, unsigned int order);

/*
 * The hot path: the order asked has a free block (no split), and taking
 * the lowest changes at most one summary word.  Then nothing is called;
 * otherwise alloc_any() or alloc_take_slow(), out of line, as tail calls
 * in the plain copy.  With @lean, only the order's last free block is
 * taken here, and any other to alloc_many(), but splits are inline.
 */
static __always_inline long alloc_block(struct buddy_core *core,
					unsigned int order, bool observe,
					bool lean, bool flat)
{
	struct buddy_core_order *o;
	unsigned long block;
	/*
	 * The plain copy serves orders up to plain_max: in a flat pool only
	 * order 0, whose copy both kinds of pool share.  The others leave by
	 * the test that catches an order too large, at no cost to the
	 * larger pools.
	 */
	unsigned int max = observe || flat ? core->max_order : core->plain_max;

	if (unlikely(order > max || !(core->free_orders & BIT_ULL(order)))) {
		if (observe)
			return alloc_any(core, order, true, flat);
		if (!flat && unlikely(core->flat) && order)
			return alloc_flat(core, order);
		/*
		 * The lean copy, order 0's, splits inline: gcc saves its one
		 * register on that path only, and the split of the order's
		 * last block calls nothing (fill and drain, 1 instruction
		 * per op less than a tail call to a copy of its own).
		 */
		if (lean && unlikely(core->flat))	/* a test per split */
			return alloc_split0_flat(core);
		if (lean)
			return alloc_any(core, order, false, false);
		if (flat)
			return alloc_slow_flat(core, order);
		return alloc_slow(core, order);
	}
	o = &core->orders[order];
	/*
	 * Else gcc forms o->head anew from @order at the end, as an offset
	 * into @core, and keeps @order alive for it: one more register
	 * saved per alloc, 1.7 instructions per mixed operation at 2^18
	 * frames.  Order 0's offset is a constant, which the hiding would
	 * cost.
	 */
	if (!lean)
		OPTIMIZER_HIDE_VAR(o);
	block = o->cursor;
	if (lean && o->nr_free != 1)
		return alloc_many(core, order);
	/*
	 * Sparse orders inline, but for order 0: its copy stays small (gcc
	 * would save registers for the bigger code on every order-0 alloc).
	 */
	if (unlikely(!take_fast(core, o, order, block, flat))) {
		if (!observe)
			return alloc_take_slow(core, o, order, block);
		alloc_take_slow(core, o, order, block);
		report(core, true, BUDDY_STEP_TAKE, order, block << order, 0,
		       0, 0);
		report(core, true, BUDDY_STEP_ALLOC, order, block << order, 0,
		       0, 0);
		return block << order;
	}
	report(core, observe, BUDDY_STEP_TAKE, order, block << order, 0, 0,
	       0);
	return alloc_done(core, o, order, block << order, observe);
}

static noinline long alloc_many(struct buddy_core *core, unsigned int order)
{
	return alloc_block(core, order, false, false, false);
}

/* The split of order 0's alloc in a flat pool. */
static noinline long alloc_split0_flat(struct buddy_core *core)
{
	return alloc_any(core, 0, false, true);
}

/*
 * Order 0 gets a copy of its own, with the order a constant, out of line
 * in the plain copy so that it needs no registers saved for the others,
 * and lean: under churn, and in fill and drain, order 0 has one free block
 * at most.  Order 0 keeps the lazy rule in flat pools too, so this copy
 * serves both kinds of pool, but for the split.
 */
static noinline long alloc_order0(struct buddy_core *core)
{
	return alloc_block(core, 0, false, true, false);
}

/* The other orders of a flat pool: gcc is told so. */
static noinline long alloc_flat(struct buddy_core *core, unsigned int order)
{
	if (!order)
		__builtin_unreachable();
	return alloc_block(core, order, false, false, true);
}

static __always_inline long do_alloc(struct buddy_core *core,
				     unsigned int order, bool observe,
				     bool flat)
{
	report(core, observe, BUDDY_STEP_REQUEST, order, 0, 0, 0, 0);
	if (!order) {
		if (observe)
			return alloc_block(core, 0, true, false, flat);
		return alloc_order0(core);
	}
	return alloc_block(core, order, observe, false, flat);
}

/* The observed copy reads flat: it is slow anyway. */
static noinline long alloc_observed(struct buddy_core *core,
				    unsigned int order)
{
	return do_alloc(core, order, true, core->flat);
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
	return do_alloc(core, order, false, false);
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

/* Tells the observer where a free's merges stopped, and why. */
static __always_inline void report_stop(const struct buddy_core *core,
					unsigned int order, unsigned long block,
					unsigned int root, bool observe)
{
	if (observe)
		report(core, true, BUDDY_STEP_STOP, order, block << order,
		       (block ^ 1) << order, 0,
		       stop_why(core, order, root, block));
}

/* Counts a free whose block is marked free; returns free's 0. */
static __always_inline int free_counted(struct buddy_core *core)
{
	core->stats.frees++;
	return 0;
}

/* The order's second block, when its level 1 is more than a word. */
static noinline int free_insert_walk(struct buddy_core *core,
				     struct buddy_core_order *o,
				     unsigned long block)
{
	insert_second(o, block);
	return free_counted(core);
}

/* The end of free_insert_slow(), its summaries written. */
static __always_inline int free_insert_end(struct buddy_core *core,
					   struct buddy_core_order *o,
					   unsigned long block)
{
	insert_end(o, block);
	return free_counted(core);
}

/*
 * Marks @block free and counts the free, when insert_fast() could not:
 * the order's second block, or a block whose level-1 word is empty.  Few
 * registers and no walk in the common cases: the second block when level
 * 1 is one word, as in small pools, and a block whose level-1 word is
 * empty but whose level-2 word is not, as most frees into a large pool.
 * It takes the order's descriptor, not the order, and @block second: the
 * inline path then keeps no order for the call, and @block stays in the
 * register that the merge calls take it in.
 */
static noinline int free_insert_slow(struct buddy_core *core,
				     unsigned long block,
				     struct buddy_core_order *o)
{
	unsigned long *up, old, cursor;

	if (!o->upper) {
		/* insert_fast() leaves only the order's second block. */
		top_pair(o, block);
		return free_insert_end(core, o, block);
	}
	if (o->nr_free == 1)
		return free_insert_walk(core, o, block);
	/* Counted first: @core is then dead, and a register free. */
	free_counted(core);
	up = &o->upper[block / BITS_PER_LONG / BITS_PER_LONG / BITS_PER_LONG];
	old = *up;
	*up = old | BIT(block / BITS_PER_LONG / BITS_PER_LONG % BITS_PER_LONG);
	o->summary[block / BITS_PER_LONG / BITS_PER_LONG] =
		BIT(block / BITS_PER_LONG % BITS_PER_LONG);
	/* The level-0 word is empty too, as its level-1 word was: a store. */
	o->free[block / BITS_PER_LONG] = BIT(block % BITS_PER_LONG);
	cursor = o->cursor;
	o->cursor = block < cursor ? block : cursor;
	o->nr_free++;
	/* An empty level-2 word is not the top: a tail call for the rest. */
	if (!old)
		return path_set_high(o, block);
	return 0;
}

/*
 * The end of every free: marks @block of @order free and counts it, the
 * shapes that change more than one summary word out of line, a tail call
 * in the plain copy, which the observed copy shares and then tells where
 * the merges stopped (at the root's order @root at most).
 */
static __always_inline int free_end(struct buddy_core *core,
				    struct buddy_core_order *o,
				    unsigned int order, unsigned long block,
				    unsigned int root, bool observe, bool flat)
{
	if (likely(insert_fast(core, o, order, block, flat))) {
		free_counted(core);
	} else {
		if (!observe)
			return free_insert_slow(core, block, o);
		free_insert_slow(core, block, o);
	}
	report_stop(core, order, block, root, observe);
	return 0;
}

/*
 * The end of every free of @block of @order, which is no longer allocated:
 * merge while the buddy is free, as __free_one_page() does, up to the
 * root's order @root, then mark the result free.
 */
static __always_inline int merge_up(struct buddy_core *core,
				    unsigned int order, unsigned long block,
				    unsigned int root, bool observe, bool flat)
{
	struct buddy_core_order *o = &core->orders[order];
	unsigned int first = order;

	/* LAB BEGIN merge
	 * Merge the freed block with its buddy for as long as the buddy is
	 * free.  @block is the freed block's index in @order (its first
	 * frame is block << order; its buddy's index is block ^ 1) and @o
	 * is &core->orders[order].  Blocks of the root's order @root have no
	 * buddy: stop there.  While the buddy is free (bit_test(o->free,
	 * block ^ 1)): take the buddy out of its order's free blocks
	 * (free_remove(core, o, order, block ^ 1, flat)); report the merge
	 * (report(core, observe, BUDDY_STEP_MERGE, order, the block's first
	 * frame, the buddy's first frame, 0, 0)); go up an order to the
	 * parent (o, order, and the index, which halves), which is no longer
	 * split: bit_clear(o->split, block).  At the end @o, @order and
	 * @block are the merged block's, and the code after this counts the
	 * merges and puts the block among its order's free blocks.
	 */
	while (order < root && bit_test(o->free, block ^ 1)) {
		free_remove(core, o, order, block ^ 1, flat);
		report(core, observe, BUDDY_STEP_MERGE, order, block << order,
		       (block ^ 1) << order, 0, 0);
		block >>= 1;
		o++;
		order++;
		bit_clear(o->split, block);
	}
	/* LAB END merge */
	core->stats.merges += order - first;
	return free_end(core, o, order, block, root, observe, flat);
}

/*
 * The plain copies of merge_up().  Their one caller, free_block(), comes
 * here only when it has seen the buddy free: told so, gcc drops that
 * first test of the loop.  Order 0, every merge of fill and drain, has a
 * copy of its own with the order a constant; free_order0() runs only
 * below fast_end, so with top_order >= 1, and told that too, gcc starts
 * its loop with the first merge, untested (1.2 instructions per op in
 * fill and drain).
 */
static __always_inline int merge_known(struct buddy_core *core,
				       unsigned int order, unsigned long block,
				       bool flat)
{
	if (!bit_test(core->orders[order].free, block ^ 1))
		__builtin_unreachable();
	return merge_up(core, order, block, core->top_order, false, flat);
}

static __always_inline int merge_known0(struct buddy_core *core,
					unsigned long block, bool flat)
{
	if (!bit_test(core->orders[0].free, block ^ 1) || !core->top_order)
		__builtin_unreachable();
	return merge_up(core, 0, block, core->top_order, false, flat);
}

static noinline int merge_plain(struct buddy_core *core, unsigned int order,
				unsigned long block)
{
	return merge_known(core, order, block, false);
}

static noinline int merge_plain0(struct buddy_core *core, unsigned long block)
{
	return merge_known0(core, block, false);
}

/* Orders >= 1: order 0's copy has merge_flat0(). */
static noinline int merge_flat(struct buddy_core *core, unsigned int order,
			       unsigned long block)
{
	if (!order)
		__builtin_unreachable();
	return merge_known(core, order, block, true);
}

static noinline int merge_flat0(struct buddy_core *core, unsigned long block)
{
	return merge_known0(core, block, true);
}

/*
 * Free by the exact search, for everything the head bits did not confirm:
 * every refusal, and blocks in the tail of the pool or of a max_order 0
 * pool, which the fast path leaves alone.
 */
static __always_inline int free_exact(struct buddy_core *core,
				      unsigned long frame, bool observe,
				      bool flat)
{
	unsigned long pair = frame / 2;
	unsigned int root;
	int order;

	order = classify(core, frame, &root);
	if (unlikely(order < 0)) {
		if (observe)
			report_reject(core, frame, order);
		return order;
	}
	report(core, observe, BUDDY_STEP_FREE, order, frame, 0, 0, 0);
	core->head[pair / BITS_PER_LONG] &=
		~(head_run(order) << (pair % BITS_PER_LONG));
	return merge_up(core, order, frame >> order, root, observe, flat);
}

/*
 * Anything the fast path does not confirm, every refusal among it, and
 * with an observer every free (fast_end is 0 then): the exact search, in
 * both kinds of pool, as it is slow anyway.  The observed copy reports
 * each step.
 */
static noinline int free_exact_plain(struct buddy_core *core,
				     unsigned long frame)
{
	if (unlikely(core->observer))
		return free_exact(core, frame, true, core->flat);
	return free_exact(core, frame, false, core->flat);
}

/*
 * The fast path's end, once @frame's order is known and, if @allocated,
 * that the block is allocated.  Always inline: the copies for orders 0 and
 * 1 are compiled with the order a constant.
 */
static __always_inline int free_block(struct buddy_core *core,
				      unsigned int order, unsigned long frame,
				      bool allocated, bool flat)
{
	struct buddy_core_order *o = &core->orders[order];
	unsigned long block = frame >> order;
	unsigned long word = o->free[block / BITS_PER_LONG];

	if (!allocated && unlikely(word & BIT(block % BITS_PER_LONG)))
		return free_exact_plain(core, frame);
	/*
	 * A free buddy (merge_up() checks for a root), or more summary words
	 * to change: out of line, as tail calls.
	 */
	if (unlikely(word & BIT((block ^ 1) % BITS_PER_LONG))) {
		/* Order 0's copy is shared: it asks. */
		if (!order && unlikely(core->flat))
			return merge_flat0(core, block);
		if (!order)
			return merge_plain0(core, block);
		if (flat)
			return merge_flat(core, order, block);
		return merge_plain(core, order, block);
	}
	/* Sparse orders out of line, for the same reason. */
	return free_end(core, o, order, block, core->top_order, false, flat);
}

static noinline int free_order0(struct buddy_core *core, unsigned long frame)
{
	return free_block(core, 0, frame, false, false);
}

/*
 * An even @frame whose pair is neither split nor in a run: an order-1
 * block if its parent is split (or it is a root), which is then free or
 * allocated.  Anything else has no block of order 1 at @frame.
 */
static __always_inline int free_pair(struct buddy_core *core,
				     unsigned long frame, bool flat)
{
	if (core->top_order > 1 &&
	    !bit_test(core->orders[2].split, frame >> 2))
		return free_exact_plain(core, frame);
	return free_block(core, 1, frame, false, flat);
}

static noinline int free_order1_flat(struct buddy_core *core,
				     unsigned long frame)
{
	return free_pair(core, frame, true);
}

/*
 * Order 1 is the one order >= 1 that the plain copy sends to a function of
 * its own before any test for an order too large: the test for a flat pool
 * is here.
 */
static noinline int free_order1(struct buddy_core *core, unsigned long frame)
{
	if (unlikely(core->flat))
		return free_order1_flat(core, frame);
	return free_pair(core, frame, false);
}

/* The orders above 1 of a flat pool: head bits, then free_block(). */
static noinline int free_flat(struct buddy_core *core, unsigned int order,
			      unsigned long frame)
{
	unsigned long pair = frame / 2;

	if (order < 2)
		__builtin_unreachable();
	core->head[pair / BITS_PER_LONG] &=
		~(core->orders[order].head << (pair % BITS_PER_LONG));
	return free_block(core, order, frame, true, true);
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
 * The fast path serves blocks in whole top-order blocks (below fast_end,
 * which an observer empties); anything else goes to free_exact_plain().
 * Order 0 (a split pair) and order 1 (a pair with no run) go to functions
 * of their own; the rest, blocks with head bits, stays here.
 *
 * Context: Any context; the caller serialises all calls on @core.
 * Return: 0; -ERANGE if @frame is past the pool; -EALREADY if @frame lies in
 * a free block (a double free); -EINVAL if @frame lies inside an allocated
 * block but is not its first frame.
 */
int buddy_core_free(struct buddy_core *core, unsigned long frame)
{
	unsigned long pair = frame / 2, *head, heads;
	unsigned int shift = pair % BITS_PER_LONG, order;

	if (unlikely(frame >= core->fast_end))
		return free_exact_plain(core, frame);
	if (bit_test(core->pair_split, pair))
		return free_order0(core, frame);
	/*
	 * The head bit of the pair before, then the run from this pair: a
	 * run of ones with a zero before it, in the same word (no run
	 * crosses one), starts there, at the first pair of an allocated
	 * block whose order it gives.  The zero at a run's end is always in
	 * its block, so ~ is never 0 below.
	 */
	head = &core->head[pair / BITS_PER_LONG];
	heads = (*head << 1) >> shift;
	if (unlikely((heads | frame) & 1))
		return free_exact_plain(core, frame);
	order = __ffs(~(heads | 1));
	if (order == 1)
		return free_order1(core, frame);
	/*
	 * As in alloc, this path serves orders up to plain_top: in a flat
	 * pool, the others leave by the test for an order too large.
	 */
	if (unlikely(order > core->plain_top)) {
		if (order <= core->top_order)
			return free_flat(core, order, frame);
		return free_exact_plain(core, frame);
	}
	/* The run is the order's, which its descriptor holds. */
	*head &= ~(core->orders[order].head << shift);
	return free_block(core, order, frame, true, false);
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
	unsigned long nr_free = 0;
	unsigned int k;

	/*
	 * Counted here, not on every alloc and free.  The second bound is
	 * always true, but tells gcc the loop stays in the array.
	 */
	for (k = 0; k <= core->top_order && k <= BUDDY_CORE_MAX_ORDER; k++)
		nr_free += core->orders[k].nr_free << k;
	return nr_free;
}

/**
 * buddy_core_allocated_frames() - Frames in allocated blocks.
 * @core: The allocator.
 *
 * Return: nr_frames minus the free frames.
 */
unsigned long buddy_core_allocated_frames(const struct buddy_core *core)
{
	return core->nr_frames - buddy_core_free_frames(core);
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

/*
 * Summary levels are kept only with two free blocks or more, but in a flat
 * pool, whose one summary level is always exact above order 0.
 */
static bool level_kept(const struct buddy_core *core, unsigned int order,
		       unsigned int l, unsigned long nr_free)
{
	return !l || nr_free >= 2 || level1_exact(core, order);
}

/*
 * Each summary bit is set exactly when the word below it is nonzero, with
 * two free blocks or more (@nr_free, counted from level 0) or in a flat
 * pool; otherwise the summaries are clear.
 */
static int audit_summaries(const struct buddy_core *core,
			   const struct buddy_core_order *o,
			   unsigned int order, unsigned long nr_free,
			   struct buddy_core_fault *fault)
{
	unsigned long *maps[BUDDY_CORE_LEVELS], bits = o->nr_blocks, i;
	unsigned int l, nr_levels = level_maps(o, maps);

	for (l = 0; l < nr_levels; l++, bits = BITS_TO_LONGS(bits)) {
		if (!tail_clear(maps[l], bits))
			return fault_at(fault, "free bit set past the last block",
					order, bits);
		if (!level_kept(core, order, l, nr_free)) {
			for (i = 0; i < BITS_TO_LONGS(bits); i++)
				if (maps[l][i])
					return fault_at(fault,
							"free summary set with fewer than two free blocks",
							order, 0);
			continue;
		}
		if (l + 1 == nr_levels ||
		    !level_kept(core, order, l + 1, nr_free))
			continue;
		for (i = 0; i < BITS_TO_LONGS(bits); i++)
			if (!maps[l][i] != !bit_test(maps[l + 1], i))
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
	unsigned long lowest = NO_BLOCK;
	int ret;

	for (i = 0; i < words; i++) {
		unsigned long bits = o->free[i];

		while (bits) {
			unsigned long block = i * BITS_PER_LONG + __ffs(bits);

			bits &= bits - 1;
			if (!nr_free++)
				lowest = block;
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
			if (bit_test(o->free, block ^ 1))
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
	/* The tree first, then what only speeds it up: summaries, cursor. */
	ret = audit_summaries(core, o, order, nr_free, fault);
	if (ret)
		return ret;
	if (nr_free != o->nr_free)
		return fault_at(fault, "free block count is wrong", order, 0);
	if (!nr_free != !(core->free_orders & (1ULL << order)))
		return fault_at(fault, "free order mask is wrong", order, 0);
	if (o->cursor != lowest)
		return fault_at(fault, "cursor is not the lowest free block",
				order, lowest == NO_BLOCK ? 0 : lowest);
	return 0;
}

/* An allocated block of @order >= 2 at @block: its run of head bits. */
static bool head_run_ok(const struct buddy_core *core, unsigned int order,
			unsigned long block)
{
	unsigned long pair = (block << order) / 2;
	unsigned long run = head_run(order);

	return (core->head[pair / BITS_PER_LONG] >> (pair % BITS_PER_LONG) &
		run) == run;
}

/*
 * @block of @order (>= 2) is real: if allocated, its run must be there.
 * Adds the run's length to *@ones.
 */
static bool head_check_block(const struct buddy_core *core,
			     unsigned int order, unsigned long block,
			     unsigned long *ones)
{
	if (block_state(core, order, block) != BUDDY_CORE_ALLOCATED)
		return true;
	*ones += order - 1;
	return head_run_ok(core, order, block);
}

/*
 * The head bits are exactly the runs of the allocated blocks of order 2 or
 * more: each such block has its run (found through its split parent, or as
 * a root), and no other bit is set, which the count of set bits shows
 * once every run is known to be there.  The runs are what free's fast
 * path trusts, so an error here is reported even if nothing else is wrong.
 */
static int audit_head(const struct buddy_core *core,
		      struct buddy_core_fault *fault)
{
	unsigned long pairs = core->nr_frames / 2 + 1, ones = 0, set = 0, i;
	unsigned long frame = core->top_end, bits, child;
	unsigned int top = core->top_order, k;
	const struct buddy_core_order *o;

	if (!tail_clear(core->head, pairs))
		return fault_at(fault, "head bit set past the last pair", 0,
				core->nr_frames);
	for (k = 2; k <= top; k++) {
		o = &core->orders[k];
		/* Children of split blocks of order k + 1. */
		for (i = 0; k < top && i < BITS_TO_LONGS(o[1].nr_blocks); i++) {
			for (bits = o[1].split[i]; bits; bits &= bits - 1) {
				child = 2 * (i * BITS_PER_LONG + __ffs(bits));
				if (!head_check_block(core, k, child, &ones) ||
				    !head_check_block(core, k, ++child, &ones))
					return fault_at(fault,
							"allocated block without its head bits",
							k, child);
			}
		}
	}
	/* The roots: whole top-order blocks, then the tail's. */
	o = &core->orders[top];
	for (i = 0; top >= 2 && i < BITS_TO_LONGS(o->nr_blocks); i++) {
		bits = ~(o->free[i] | o->split[i]);
		if (i == o->nr_blocks / BITS_PER_LONG)
			bits &= BIT(o->nr_blocks % BITS_PER_LONG) - 1;
		for (; bits; bits &= bits - 1) {
			unsigned long block = i * BITS_PER_LONG + __ffs(bits);

			ones += top - 1;
			if (!head_run_ok(core, top, block))
				return fault_at(fault,
						"allocated block without its head bits",
						top, block);
		}
	}
	for (k = top; k-- > 2; ) {
		if (!(core->nr_frames & BIT(k)))
			continue;
		if (!head_check_block(core, k, frame >> k, &ones))
			return fault_at(fault,
					"allocated block without its head bits",
					k, frame >> k);
		frame += BIT(k);
	}
	for (i = 0; i < BITS_TO_LONGS(pairs); i++)
		set += hweight_long(core->head[i]);
	if (set != ones)
		return fault_at(fault, "head bit set outside an allocated block",
				0, 0);
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
	unsigned long *head;
	unsigned int k;

	if (!init_args_valid(core->nr_frames, core->max_order) ||
	    core->top_order != top_order(core->nr_frames, core->max_order) ||
	    core->top_end != core->orders[core->top_order].nr_blocks <<
			     core->top_order ||
	    core->fast_end != fast_range_end(core))
		return fault_at(fault, "pool geometry is wrong", 0, 0);
	if (core->flat != layout_is_flat(core) ||
	    core->levels3 != layout_is_levels3(core->nr_frames) ||
	    core->plain_max != plain_max_order(core) ||
	    core->plain_top != plain_top_order(core))
		return fault_at(fault, "pool mode is wrong", 0, 0);
	for (k = 0; k <= core->max_order + 1; k++) {
		o = &core->orders[k];
		layout(core->meta, core->nr_frames, core->max_order, NULL, k,
		       &want, &head);
		if (o->nr_blocks != want.nr_blocks || o->head != want.head ||
		    o->free != want.free || o->summary != want.summary ||
		    o->upper != want.upper || o->split != want.split ||
		    (!o->nr_blocks && (o->nr_free || o->cursor != NO_BLOCK)))
			return fault_at(fault, "order descriptor is corrupt",
					k, 0);
	}
	if (core->head != head || core->pair_split != core->orders[1].split)
		return fault_at(fault, "head or pair split bits misplaced", 0,
				0);
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
 * buddy, that no block is both free and split, that the summaries (levels
 * 1+ clear while an order has fewer than two free blocks, but in a flat
 * pool), per-order
 * counts (the free-frame total is their sum), cursors (the lowest free
 * block) and order mask agree with the bitmaps, that the head bits are
 * exactly the runs of the allocated blocks, and that no bit lies past the
 * pool.  O(metadata words + set bits).
 *
 * Context: Any context; may run concurrently with other read-only queries.
 * Return: 0 if consistent, -EUCLEAN otherwise.
 */
int buddy_core_audit(const struct buddy_core *core,
		     struct buddy_core_fault *fault)
{
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
	}
	return audit_head(core, fault);
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
