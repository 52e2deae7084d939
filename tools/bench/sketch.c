// SPDX-License-Identifier: GPL-2.0
/*
 * sketch.c - the core's design in its most direct form (see sketch.h)
 *
 * Every order keeps its summaries exact, so any block's insert writes the
 * same words whatever the order holds: its level-0 bit, and the bit of
 * each summary word above it (an OR is the same whether the word was empty
 * or not).  A take clears its level-0 bit and, level by level, the bit
 * above each word it emptied, as a mask; the next cursor is then found
 * down from the top word.  Nothing branches on the data but whether an
 * order empties, whether alloc splits and whether free merges, which the
 * reference branches on too.  Free reads the order from the head bits and
 * confirms it the same way for every order: no dispatch by order class.
 */
#include "buddy_core_shim.h"	/* BIT(), __ffs() as the core has them */
#include "sketch.h"

#define WORD		64
#define NO_BLOCK	(~0UL)

_Static_assert(BITS_PER_LONG == WORD, "the sketch is 64-bit only");

static unsigned long words(unsigned long bits)
{
	return (bits + WORD - 1) / WORD;
}

/*
 * Lays out each order's top word, levels 0, 1 and 2, and split bits, then
 * the head bits; with @s NULL, only counts the words.  Level 2 is laid out
 * in pools of two levels too (a word or so an order), unused there.
 */
static size_t layout(struct sketch *s, unsigned long *meta,
		     unsigned long nr_frames, unsigned int max_order)
{
	size_t n = 0;
	unsigned int k;

	for (k = 0; k <= max_order + 1; k++) {
		unsigned long w0 = words(nr_frames >> k), w1 = words(w0);
		struct sketch_order *o = s ? &s->orders[k] : NULL;

		if (k <= max_order) {
			n++;			/* the top word */
			if (o)
				o->free = meta + n;
			n += w0;
			if (o)
				o->sum1 = meta + n;
			n += w1;
			if (o)
				o->sum2 = meta + n;
			n += words(w1);
		}
		if (k >= 1) {
			if (o)
				o->split = meta + n;
			n += w0 ? w0 : 1;
		}
	}
	if (s)
		s->head = meta + n;
	return n + words(nr_frames / 2);
}

size_t sketch_meta_size(unsigned long nr_frames, unsigned int max_order)
{
	return layout(NULL, NULL, nr_frames, max_order) * sizeof(long);
}

/* Sets @block's bit in every level of its order. */
static __always_inline void set_levels(struct sketch_order *o,
				       unsigned long block, bool three)
{
	unsigned long nr = block / WORD, nr1 = nr / WORD;

	o->free[nr] |= BIT(block % WORD);
	o->sum1[nr1] |= BIT(nr % WORD);
	if (three) {
		o->sum2[nr1 / WORD] |= BIT(nr1 % WORD);
		o->free[-1] |= BIT(nr1 / WORD);
	} else {
		o->free[-1] |= BIT(nr1);
	}
}

/*
 * Clears @block's bit, and each summary bit whose word below emptied, with
 * a mask rather than a branch.  Returns the top word as left.
 */
static __always_inline unsigned long clear_levels(struct sketch_order *o,
						  unsigned long block,
						  bool three)
{
	unsigned long nr = block / WORD, nr1 = nr / WORD, *word, left;

	word = &o->free[nr];
	left = *word & ~BIT(block % WORD);
	*word = left;
	word = &o->sum1[nr1];
	left = *word & ~((unsigned long)!left << (nr % WORD));
	*word = left;
	if (three) {
		word = &o->sum2[nr1 / WORD];
		left = *word & ~((unsigned long)!left << (nr1 % WORD));
		*word = left;
		nr1 /= WORD;
	}
	left = o->free[-1] & ~((unsigned long)!left << nr1);
	o->free[-1] = left;
	return left;
}

/* The lowest free block of an order, down from its nonzero top word. */
static __always_inline unsigned long lowest(const struct sketch_order *o,
					    unsigned long top, bool three)
{
	unsigned long nr = __ffs(top);

	if (three)
		nr = nr * WORD + __ffs(o->sum2[nr]);
	nr = nr * WORD + __ffs(o->sum1[nr]);
	return nr * WORD + __ffs(o->free[nr]);
}

static __always_inline void insert(struct sketch *s, unsigned int order,
				   unsigned long block, bool three)
{
	struct sketch_order *o = &s->orders[order];
	unsigned long cursor = o->cursor;

	set_levels(o, block, three);
	o->cursor = block < cursor ? block : cursor;
	o->nr_free++;
	s->free_orders |= 1ULL << order;
}

/* Takes @block off @order; @cursor: it is the order's cursor. */
static __always_inline void take(struct sketch *s, unsigned int order,
				 unsigned long block, bool cursor, bool three)
{
	struct sketch_order *o = &s->orders[order];
	unsigned long top = clear_levels(o, block, three);

	o->nr_free--;
	if (unlikely(!top)) {
		o->cursor = NO_BLOCK;
		s->free_orders &= ~(1ULL << order);
	} else if (cursor || block == o->cursor) {
		o->cursor = lowest(o, top, three);
	}
}

/* Marks @block of @order allocated in the head bits (none for order 0). */
static __always_inline long handed_out(struct sketch *s, unsigned int order,
				       unsigned long block)
{
	unsigned long frame = block << order, pair = frame / 2;

	s->head[pair / WORD] |= s->orders[order].head << (pair % WORD);
	s->allocs++;
	return frame;
}

/* No free block of @order: split the lowest of the smallest order above. */
static __always_inline long alloc_split(struct sketch *s, unsigned int order,
					bool three)
{
	unsigned long long orders = s->free_orders >> order << order;
	unsigned long block;
	unsigned int k;

	if (order > s->max_order)
		return -EINVAL;
	if (!orders)
		return -ENOMEM;
	k = __ffs64(orders);
	block = s->orders[k].cursor;
	take(s, k, block, true, three);
	s->splits += k - order;
	while (k > order) {
		s->orders[k].split[block / WORD] |= BIT(block % WORD);
		k--;
		block <<= 1;
		insert(s, k, block + 1, three);
	}
	return handed_out(s, order, block);
}

static __always_inline long alloc(struct sketch *s, unsigned int order,
				  bool three)
{
	unsigned long block;

	if (unlikely(order > s->max_order ||
		     !(s->free_orders & (1ULL << order))))
		return alloc_split(s, order, three);
	block = s->orders[order].cursor;
	take(s, order, block, true, three);
	return handed_out(s, order, block);
}

/*
 * @block of @order, no longer allocated, whose level-0 word shows its
 * buddy free: merge while the buddy is free, below the top order.
 */
static __always_inline int free_merge(struct sketch *s, unsigned int order,
				      unsigned long block, bool three)
{
	while (order < s->max_order &&
	       (s->orders[order].free[(block ^ 1) / WORD] &
		BIT((block ^ 1) % WORD))) {
		take(s, order, block ^ 1, false, three);
		block >>= 1;
		order++;
		s->orders[order].split[block / WORD] &= ~BIT(block % WORD);
		s->merges++;
	}
	insert(s, order, block, three);
	s->frees++;
	return 0;
}

static noinline int free_merge2(struct sketch *s, unsigned int order,
				unsigned long block)
{
	return free_merge(s, order, block, false);
}

static noinline int free_merge3(struct sketch *s, unsigned int order,
				unsigned long block)
{
	return free_merge(s, order, block, true);
}

/*
 * The order is 0 if the pair is split, else the head run's length plus
 * one, taken without a branch.  One test confirms it for every order: the
 * run starts here (the pair before has no head bit, @frame is even), the
 * parent is split (order 1's need; always so for the others), and the
 * block is not free (order 0's and 1's need).
 */
static __always_inline int free_block(struct sketch *s, unsigned long frame,
				      bool three)
{
	unsigned long pair = frame / 2, shift = pair % WORD, *head, heads;
	unsigned long block, word, split, parent, bad;
	struct sketch_order *o;
	unsigned int order;

	if (unlikely(frame >= s->nr_frames))
		return -ERANGE;
	head = &s->head[pair / WORD];
	heads = (*head << 1) >> shift;
	split = (s->pair_split[pair / WORD] >> shift) & 1;
	order = __ffs(~(heads | 1)) & (split - 1);
	if (unlikely(order > s->max_order))
		return -EINVAL;
	o = &s->orders[order];
	block = frame >> order;
	word = o->free[block / WORD];
	parent = o[1].split[block / 2 / WORD] >> (block / 2 % WORD);
	bad = ((split ^ 1) & (heads | frame)) | (~parent & 1) |
	      (word >> (block % WORD));
	if (unlikely(bad & 1))
		return -EINVAL;
	*head &= ~(o->head << shift);
	if (unlikely(word & BIT((block ^ 1) % WORD)))
		return three ? free_merge3(s, order, block) :
			       free_merge2(s, order, block);
	insert(s, order, block, three);
	s->frees++;
	return 0;
}

/*
 * Each entry point comes in two copies, the number of levels a constant in
 * each, chosen by a test on the pool that is the same on every call.
 */
static noinline long alloc2(struct sketch *s, unsigned int order)
{
	return alloc(s, order, false);
}

static noinline long alloc3(struct sketch *s, unsigned int order)
{
	return alloc(s, order, true);
}

long sketch_alloc(struct sketch *s, unsigned int order)
{
	return s->three ? alloc3(s, order) : alloc2(s, order);
}

static noinline int free2(struct sketch *s, unsigned long frame)
{
	return free_block(s, frame, false);
}

static noinline int free3(struct sketch *s, unsigned long frame)
{
	return free_block(s, frame, true);
}

int sketch_free(struct sketch *s, unsigned long frame)
{
	return s->three ? free3(s, frame) : free2(s, frame);
}

int sketch_init(struct sketch *s, void *meta, unsigned long nr_frames,
		unsigned int max_order)
{
	unsigned long block, top_words;
	unsigned int k;

	if (!max_order || max_order > BUDDY_CORE_MAX_ORDER || !nr_frames ||
	    nr_frames > 1UL << 24 || nr_frames & (BIT(max_order) - 1))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memset(meta, 0, sketch_meta_size(nr_frames, max_order));
	layout(s, meta, nr_frames, max_order);
	s->nr_frames = nr_frames;
	s->max_order = max_order;
	s->three = nr_frames > 1UL << 18;
	s->pair_split = s->orders[1].split;
	for (k = 0; k <= max_order; k++) {
		s->orders[k].cursor = NO_BLOCK;
		s->orders[k].head = k ? BIT(k - 1) - 1 : 0;
	}
	/* The roots' parent, past the top order, counts as split. */
	top_words = words(nr_frames >> (max_order + 1));
	memset(s->orders[max_order + 1].split, 0xff,
	       (top_words ? top_words : 1) * sizeof(long));
	for (block = 0; block < nr_frames >> max_order; block++)
		insert(s, max_order, block, s->three);
	return 0;
}

unsigned long sketch_free_frames(const struct sketch *s)
{
	unsigned long frames = 0;
	unsigned int k;

	for (k = 0; k <= s->max_order; k++)
		frames += s->orders[k].nr_free << k;
	return frames;
}

/* Whether a summary word's bit says exactly whether @below is nonzero. */
static bool marks(const unsigned long *sum, unsigned long nr,
		  unsigned long below)
{
	return !!(sum[nr / WORD] & BIT(nr % WORD)) == !!below;
}

/* Every level exact, and each order's count, cursor and free_orders bit. */
int sketch_audit(const struct sketch *s, struct buddy_core_fault *fault)
{
	unsigned int k;

	for (k = 0; k <= s->max_order; k++) {
		const struct sketch_order *o = &s->orders[k];
		unsigned long w0 = words(s->nr_frames >> k), w1 = words(w0);
		unsigned long nr, count = 0, low = NO_BLOCK;
		const unsigned long *top = s->three ? o->sum2 : o->free - 1;
		const char *what = NULL;

		for (nr = 0; nr < w0; nr++) {
			count += __builtin_popcountl(o->free[nr]);
			if (low == NO_BLOCK && o->free[nr])
				low = nr * WORD + __ffs(o->free[nr]);
			if (!marks(o->sum1, nr, o->free[nr]))
				what = "level 1 is not exact";
		}
		for (nr = 0; nr < w1; nr++)
			if (!marks(top, nr, o->sum1[nr]))
				what = "level 2 is not exact";
		for (nr = 0; s->three && nr < words(w1); nr++)
			if (!marks(o->free - 1, nr, o->sum2[nr]))
				what = "level 3 is not exact";
		if (count != o->nr_free)
			what = "the count is wrong";
		if (low != o->cursor)
			what = "the cursor is not the lowest free block";
		if (!count != !(s->free_orders & (1ULL << k)))
			what = "free_orders is wrong";
		if (what) {
			fault->what = what;
			fault->order = k;
			fault->frame = low == NO_BLOCK ? 0 : low << k;
			return -EUCLEAN;
		}
	}
	return 0;
}
