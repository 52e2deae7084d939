// SPDX-License-Identifier: GPL-2.0
/*
 * sketch.c - the core's design in its most direct form (see sketch.h)
 *
 * Every order keeps its summaries exact, so any block's insert writes the
 * same words whatever the order holds: its level-0 bit, and the bit of
 * each summary word above it (an OR is the same whether the word was empty
 * or not).  A take clears its level-0 bit and, level by level, the bit
 * above each word it emptied, as a mask (alloc's take of the cursor: the
 * lowest set bit of each word); the next cursor is then found down from
 * the top word.  Nothing branches on the data but whether an order
 * empties, whether alloc splits and whether free merges, which the
 * reference branches on too, and in a split or a merge whether a level's
 * block has a quad of its own (order 3 or more), which the code map
 * needs.  Free reads the order from the code map (below), in place of the
 * core's split bits and head bits, the same way for every order: no
 * dispatch by order class, and no bit for alloc or free to write, since a
 * code says where blocks start, free or not.
 */
#include "buddy_core_shim.h"	/* BIT(), __ffs() as the core has them */
#include "sketch.h"

#define WORD		64
#define NO_BLOCK	(~0UL)

/*
 * Each order's top summary level (level 1 with two levels, 2 with three)
 * has room for SUMMARY words, the most it takes, right below the top word
 * and level 0: one base pointer, o->free, reaches all three, by fixed
 * displacements.  L1() and L2() name them so; o->sum1 and o->sum2 point
 * at the same words, for the code that does not count instructions.
 */
#define SUMMARY		64
#define L2(o)		((o)->free - SUMMARY - 1)
#define L1(o, three)	((three) ? (o)->sum1 : L2(o))

_Static_assert(BITS_PER_LONG == WORD, "the sketch is 64-bit only");
/* alloc() and free_block() find an order's descriptor by a shift. */
_Static_assert(sizeof(struct sketch_order) == 64, "a descriptor is 64 bytes");
/* alloc() and free_block() reach an order's descriptor from @s itself. */
_Static_assert(offsetof(struct sketch, orders) == 0,
	       "the orders open struct sketch");

static unsigned long words(unsigned long bits)
{
	return (bits + WORD - 1) / WORD;
}

/*
 * Lays out each order's level 1 (in pools of three levels), the SUMMARY
 * slot for its top summary level, its top word and level 0, then the code
 * map; with @s NULL, only counts the words.
 */
static size_t layout(struct sketch *s, unsigned long *meta,
		     unsigned long nr_frames, unsigned int max_order)
{
	bool three = nr_frames > 1UL << 18;
	size_t n = 0;
	unsigned int k;

	for (k = 0; k <= max_order; k++) {
		unsigned long w0 = words(nr_frames >> k), w1 = words(w0);
		struct sketch_order *o = s ? &s->orders[k] : NULL;

		if (three) {
			if (o)
				o->sum1 = meta + n;
			n += w1;
		}
		/* The top summary level, then the top word. */
		n += SUMMARY + 1;
		if (o) {
			o->free = meta + n;
			if (three)
				o->sum2 = o->free - SUMMARY - 1;
			else
				o->sum1 = o->free - SUMMARY - 1;
		}
		n += w0;
	}
	if (s)
		s->codes = meta + n;
	return n + words(nr_frames);
}

size_t sketch_meta_size(unsigned long nr_frames, unsigned int max_order)
{
	return layout(NULL, NULL, nr_frames, max_order) * sizeof(long);
}

/* The lowest free block of an order, down from its nonzero top word. */
static __always_inline unsigned long lowest(const struct sketch_order *o,
					    unsigned long top, bool three)
{
	unsigned long nr = __ffs(top);

	if (three)
		nr = nr * WORD + __ffs(L2(o)[nr]);
	nr = nr * WORD + __ffs(L1(o, three)[nr]);
	return nr * WORD + __ffs(o->free[nr]);
}

/*
 * The code map: a 4-bit code per quad of frames (a frame's quad is
 * frame / 4, its code at bit frame % WORD & ~3 of word frame / WORD),
 * saying which blocks start in the quad, free or allocated.  Blocks are
 * aligned, so an aligned quad is inside a block that starts before it, or
 * a block of order 2 or more starts at it, or it is two pairs, each a
 * block of order 1 or two blocks of order 0; up to order 12 that is 16
 * cases, every value of the code (hence SKETCH_MAX_ORDER):
 *
 *   0          none: the quad lies inside a block of order 3 or more
 *   1 + a + 2b two pairs, each a block of order 1 or split into two of
 *              order 0 (a: the first pair is split, b: the second)
 *   k + 3      a block of order k >= 2 starts at the quad
 *
 * That is 1 bit per frame, in place of the split bits (1) and the head
 * bits (1/2), and free reads a block's order from one code and the
 * frame's place in its quad, through order_of[].  Alloc and free change
 * no code: a block's order is the same whether it is free or allocated.
 * Only a split and a merge change them.
 */
#define CODE_ORDER(k)	((k) + 3)
_Static_assert(CODE_ORDER(SKETCH_MAX_ORDER) == 15, "a code is 4 bits");

/* Where @frame's quad's code is in its word, s->codes[frame / WORD]. */
static __always_inline unsigned int code_shift(unsigned long frame)
{
	return frame % WORD & ~3UL;
}

/* The bit of @frame's pair in a code of two pairs: 1 or 2 (a or b). */
static __always_inline unsigned long pair_code(unsigned long frame)
{
	return 1 + (frame / 2 & 1);
}

static __always_inline unsigned int code_at(const struct sketch *s,
					    unsigned long frame)
{
	return s->codes[frame / WORD] >> code_shift(frame) & 15;
}

/* The order of the block that starts at @frame, or 0xff if none does. */
static __always_inline unsigned int order_at(const struct sketch *s,
					     unsigned long frame)
{
	return s->order_of[code_at(s, frame) * 4 + frame % 4];
}

/* Adds @delta, two's complement, to @frame's quad's code: no carry out. */
static __always_inline void code_add(struct sketch *s, unsigned long frame,
				     unsigned long delta)
{
	s->codes[frame / WORD] += delta << code_shift(frame);
}

/*
 * A split from order @from down to @to at @frame changes @frame's quad
 * once, whatever the levels between: each level k >= 3 has a quad of its
 * own, the second half's (set by set_half()).  From order 1 the quad's
 * pair is split; else its code goes from that of a block of order @from
 * to that of @to (orders 1 and 0: a pair of order 1 after the quad's
 * first pair, which is @frame's).
 */
static __always_inline unsigned long quad_code(unsigned int k)
{
	return k >= 2 ? CODE_ORDER(k) : 2 - k;
}

static __always_inline unsigned long split_delta(unsigned int from,
						 unsigned int to,
						 unsigned long frame)
{
	if (from == 1)
		return pair_code(frame);
	return quad_code(to) - quad_code(from);
}

/*
 * A block of order @k >= 2 now starts at @frame, whose quad's code is 0:
 * the upper half of a split, or a merged block once clear_half() has
 * cleared its quad.
 */
static __always_inline void set_half(struct sketch *s, unsigned int k,
				     unsigned long frame)
{
	s->codes[frame / WORD] |= (unsigned long)CODE_ORDER(k) <<
				  code_shift(frame);
}

/*
 * A merge's halves may be blocks merged in the same free, whose quads were
 * not written on the way: each level that makes a block of order 3 or more
 * clears its second half's quad (at @frame), whatever it holds, and the
 * last sets the merged block's quad.
 */
static __always_inline void clear_half(struct sketch *s, unsigned long frame)
{
	s->codes[frame / WORD] &= ~(15UL << code_shift(frame));
}

static __always_inline void set_merged(struct sketch *s, unsigned int k,
				       unsigned long frame)
{
	if (k == 1) {	/* from order 0: the pair joins */
		code_add(s, frame, -pair_code(frame));
	} else {
		clear_half(s, frame);
		set_half(s, k, frame);
	}
}

/* Counts @block of @order allocated; returns its first frame. */
static __always_inline long handed_out(struct sketch *s, unsigned int order,
				       unsigned long block)
{
	s->allocs++;
	return block << order;
}

/*
 * Takes @block, @o's cursor, off its order: its bit is the lowest in its
 * level-0 word, and each summary bit above it the lowest in its word, so
 * each level clears its lowest set bit, a summary word only if the word
 * below emptied (w - !below), no branch.  Then finds the next cursor down
 * from the top word, unless the order emptied (returns 0, cursor left).
 */
static __always_inline unsigned long take_cursor(struct sketch_order *o,
						 unsigned long block,
						 bool three)
{
	unsigned long nr, w, w1, top, *l0 = o->free, *l1 = L1(o, three);

	/* Hidden indices: no lea kept for a load and a store. */
	nr = block / WORD;
	w = l0[nr];
	OPTIMIZER_HIDE_VAR(nr);
	w &= w - 1;
	l0[nr] = w;
	nr /= WORD;
	if (three) {
		w1 = l1[nr];
		OPTIMIZER_HIDE_VAR(nr);
		w1 &= w1 - !w;
		l1[nr] = w1;
	} else {
		/* Level 1 is L2(o): by displacement from l0. */
		w1 = l0[nr - SUMMARY - 1];
		OPTIMIZER_HIDE_VAR(nr);
		w1 &= w1 - !w;
		l0[nr - SUMMARY - 1] = w1;
	}
	if (three) {
		unsigned long w2;

		nr /= WORD;
		w2 = L2(o)[nr];
		OPTIMIZER_HIDE_VAR(nr);
		w2 &= w2 - !w1;
		L2(o)[nr] = w2;
		w1 = w2;
	}
	o->nr_free--;		/* before: the and below sets the flags */
	top = l0[-1];
	top &= top - !w1;
	l0[-1] = top;
	if (unlikely(!top))
		return 0;
	OPTIMIZER_HIDE_VAR(l0);	/* L2(o) by displacement, no lea kept */
	nr = __ffs(top);
	if (three)
		nr = nr * WORD + __ffs(l0[nr - SUMMARY - 1]);
	nr = nr * WORD + __ffs(three ? l1[nr] : l0[nr - SUMMARY - 1]);
	o->cursor = nr * WORD + __ffs(l0[nr]);
	return top;
}

/*
 * No free block of @order: split the lowest of the smallest order above,
 * k.  The orders from @order to k - 1 are empty, so each buddy inserted
 * is its order's only block: its words are stored, not or'ed, its cursor
 * and count set, and their free_orders bits set at once.
 */
static __always_inline long alloc_split(struct sketch *s, unsigned int order,
					bool three)
{
	unsigned long long orders = s->free_orders >> order << order;
	unsigned long block, nr, buddy, frame, half;
	struct sketch_order *o;
	unsigned int k;

	if (order > s->max_order)
		return -EINVAL;
	if (!orders)
		return -ENOMEM;
	k = __ffs64(orders);
	o = &s->orders[k];
	block = o->cursor;
	if (!take_cursor(o, block, three)) {
		o->cursor = NO_BLOCK;
		s->free_orders &= ~(1ULL << k);
	}
	s->free_orders |= (1ULL << k) - (1ULL << order);
	s->splits += k - order;
	frame = block << k;
	half = BIT(k - 1);
	code_add(s, frame, split_delta(k, order, frame));
	do {
		if (k >= 3)
			set_half(s, k - 1, frame + half);
		half /= 2;
		o--;
		block <<= 1;
		buddy = block + 1;
		nr = buddy / WORD;
		o->free[nr] = BIT(buddy % WORD);
		L1(o, three)[nr / WORD] = BIT(nr % WORD);
		if (three) {
			L2(o)[nr / WORD / WORD] = BIT(nr / WORD % WORD);
			o->free[-1] = BIT(nr / WORD / WORD);
		} else {
			o->free[-1] = BIT(nr / WORD);
		}
		o->cursor = buddy;
		o->nr_free = 1;
	} while (--k > order);
	return handed_out(s, order, block);
}

static noinline long alloc_split2(struct sketch *s, unsigned int order)
{
	return alloc_split(s, order, false);
}

static noinline long alloc_split3(struct sketch *s, unsigned int order)
{
	return alloc_split(s, order, true);
}

static __always_inline long alloc(struct sketch *s, unsigned long order,
				  bool three)
{
	struct sketch_order *o;
	unsigned long block;

	/* sketch_alloc() checked the pool of two. */
	if (three && unlikely((unsigned int)order > s->max_order))
		return -EINVAL;
	o = (void *)s + (unsigned int)(order * sizeof(*o));
	block = o->cursor;
	if (unlikely(block == NO_BLOCK))
		return three ? alloc_split3(s, order) : alloc_split2(s, order);
	if (unlikely(!take_cursor(o, block, three))) {
		/* The order emptied: a few stores, in line (churn's case). */
		unsigned long fo = s->free_orders;

		OPTIMIZER_HIDE_VAR(fo);
		s->free_orders = fo & ~(1ULL << order);
		o->cursor = NO_BLOCK;
	}
	return handed_out(s, order, block);
}

/* *@p |= BIT(@nr % WORD), in a register: a bts, no shift count in %cl. */
static __always_inline void set_bit_in(unsigned long *p, unsigned long i,
				       unsigned long nr)
{
	unsigned long v = p[i];

	OPTIMIZER_HIDE_VAR(v);
	p[i] = v | BIT(nr % WORD);
}

/*
 * The rest of marking @block of @o's order free, once its level-0 bit is
 * set: each summary level's bit, the cursor, the count, free_orders.
 */
static __always_inline void mark_free(struct sketch *s, struct sketch_order *o,
				      unsigned long block, bool three)
{
	unsigned long nr = block / WORD, cur;

	set_bit_in(L1(o, three), nr / WORD, nr);
	if (three) {
		set_bit_in(L2(o), nr / WORD / WORD, nr / WORD);
		set_bit_in(o->free, -1, nr / WORD / WORD);
	} else {
		set_bit_in(o->free, -1, nr / WORD);
	}
	cur = o->cursor;
	o->cursor = block < cur ? block : cur;
	o->nr_free++;
	s->free_orders |= o->bit;
}

/*
 * @block of @o's order, no longer allocated, whose level-0 word shows its
 * buddy free: merge while the buddy is free, below the top order.  Each
 * buddy's bits are cleared as alloc's are, without a branch, but by xor:
 * a summary bit above a word with a free block is set, so flipping it
 * when the word empties clears it.
 */
static __always_inline int free_merge(struct sketch *s, struct sketch_order *o,
				      unsigned long block, bool three)
{
	struct sketch_order *top_o = &s->orders[s->max_order];
	unsigned long merges = 0, frame, size;
	unsigned int k = o - s->orders;

	frame = block << k;
	size = BIT(k);

	while (o < top_o &&
	       (o->free[(block ^ 1) / WORD] & BIT((block ^ 1) % WORD))) {
		unsigned long buddy = block ^ 1, nr = buddy / WORD, left, t;
		unsigned long *l1 = L1(o, three);

		left = o->free[nr] ^ BIT(buddy % WORD);
		o->free[nr] = left;
		t = l1[nr / WORD] ^ ((unsigned long)!left << (nr % WORD));
		l1[nr / WORD] = t;
		nr /= WORD;
		if (three) {
			left = t;
			t = L2(o)[nr / WORD] ^
			    ((unsigned long)!left << (nr % WORD));
			L2(o)[nr / WORD] = t;
			nr /= WORD;
		}
		left = t;
		t = o->free[-1] ^ ((unsigned long)!left << nr);
		o->free[-1] = t;
		o->nr_free--;
		if (unlikely(!t)) {
			o->cursor = NO_BLOCK;
			s->free_orders &= ~o->bit;
		} else if (buddy == o->cursor) {
			o->cursor = lowest(o, t, three);
		}
		block >>= 1;
		o++;
		if (++k >= 3)
			clear_half(s, frame | size);
		frame &= ~size;
		size *= 2;
		merges++;
	}
	if (merges)
		set_merged(s, k, frame);
	s->merges += merges;
	set_bit_in(o->free, block / WORD, block);
	mark_free(s, o, block, three);
	s->frees++;
	return 0;
}

/* @o, not the order: the fast path keeps one value fewer live. */
static noinline int free_merge2(struct sketch *s, struct sketch_order *o,
				unsigned long block)
{
	return free_merge(s, o, block, false);
}

static noinline int free_merge3(struct sketch *s, struct sketch_order *o,
				unsigned long block)
{
	return free_merge(s, o, block, true);
}

/*
 * The code map gives the order: 0xff (no block starts at @frame) is over
 * max_order.  A block that starts there and is free is a double free.
 * No other test: every frame where an allocated block starts is a free
 * to take, and every other frame is refused.
 */
static __always_inline int free_block(struct sketch *s, unsigned long frame,
				      bool three)
{
	unsigned long order, block, word;
	struct sketch_order *o;

	/* sketch_free() checked the pool of two. */
	if (three && unlikely(frame >= s->nr_frames))
		return -ERANGE;
	order = order_at(s, frame);
	if (unlikely(order > s->max_order))
		return -EINVAL;
	o = (void *)s + (unsigned int)(order * sizeof(*o));
	block = frame >> order;
	word = o->free[block / WORD];
	if (unlikely(word >> (block % WORD) & 1))
		return -EINVAL;
	if (unlikely(word & BIT((block ^ 1) % WORD)))
		return three ? free_merge3(s, o, block) :
			       free_merge2(s, o, block);
	o->free[block / WORD] = word | BIT(block % WORD);
	mark_free(s, o, block, three);
	s->frees++;
	return 0;
}

/*
 * Each entry point comes in two copies, the number of levels a constant in
 * each, chosen by a test on the pool that is the same on every call.
 */
static noinline long alloc3(struct sketch *s, unsigned int order)
{
	return alloc(s, order, true);
}

/*
 * The pool of two levels runs here; alloc3() takes the pool of three, and
 * an order past the top in the pool of two (alloc3() refuses it first):
 * s->alloc_end2 is max_order + 1 with two levels, else 0.
 */
long sketch_alloc(struct sketch *s, unsigned int order)
{
	if (unlikely(order >= s->alloc_end2))
		return alloc3(s, order);
	return alloc(s, order, false);
}

static noinline int free3(struct sketch *s, unsigned long frame)
{
	return free_block(s, frame, true);
}

/* As sketch_alloc(): s->nr_frames2 is nr_frames with two levels, else 0. */
int sketch_free(struct sketch *s, unsigned long frame)
{
	if (unlikely(frame >= s->nr_frames2))
		return free3(s, frame);
	return free_block(s, frame, false);
}

int sketch_init(struct sketch *s, void *meta, unsigned long nr_frames,
		unsigned int max_order)
{
	unsigned long block;
	struct sketch_order *o;
	unsigned int k, i;

	if (!max_order || max_order > SKETCH_MAX_ORDER || !nr_frames ||
	    nr_frames > 1UL << 24 || nr_frames & (BIT(max_order) - 1))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	memset(meta, 0, sketch_meta_size(nr_frames, max_order));
	layout(s, meta, nr_frames, max_order);
	s->nr_frames = nr_frames;
	s->max_order = max_order;
	s->three = nr_frames > 1UL << 18;
	s->alloc_end2 = s->three ? 0 : max_order + 1;
	s->nr_frames2 = s->three ? 0 : nr_frames;
	for (k = 0; k <= max_order; k++) {
		s->orders[k].cursor = NO_BLOCK;
		s->orders[k].bit = 1ULL << k;
	}
	/* code * 4 + frame % 4 -> the order of the block starting there. */
	for (i = 0; i < 64; i++) {
		unsigned int code = i / 4, r = i % 4;

		if (code >= CODE_ORDER(2))
			s->order_of[i] = r ? 0xff : code - 3;
		else if (code && ((code - 1) >> (r / 2)) & 1)
			s->order_of[i] = 0;
		else
			s->order_of[i] = code && !(r & 1) ? 1 : 0xff;
	}
	o = &s->orders[max_order];
	for (block = 0; block < nr_frames >> max_order; block++) {
		unsigned long frame = block << max_order;

		/* Order 1's roots: a code for two, at the first of them. */
		if (max_order >= 2 || !(frame & 2))
			code_add(s, frame, quad_code(max_order));
		o->free[block / WORD] |= BIT(block % WORD);
		mark_free(s, o, block, s->three);
	}
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

/*
 * The code map tiles the pool with aligned blocks, each quad inside one
 * of them coded 0; each free block is one of those blocks, of its order,
 * and no two free buddies are left unmerged.
 */
static const char *audit_codes(const struct sketch *s,
			       struct buddy_core_fault *fault)
{
	unsigned long frame, end, q, nr, w, block;
	unsigned int k;

	for (frame = 0; frame < s->nr_frames; frame = end) {
		k = order_at(s, frame);
		fault->order = k;
		fault->frame = frame;
		if (k > s->max_order || frame & (BIT(k) - 1) ||
		    frame + BIT(k) > s->nr_frames)
			return "the codes do not tile the pool";
		end = frame + BIT(k);
		/* The quads after the first, whole words at a time. */
		q = frame / 4 + 1;
		while (q < end / 4 && q % 16)
			if (code_at(s, q++ * 4))
				return "a quad inside a block has a code";
		for (; q + 16 <= end / 4; q += 16)
			if (s->codes[q / 16])
				return "a quad inside a block has a code";
	}
	for (k = 0; k <= s->max_order; k++) {
		const struct sketch_order *o = &s->orders[k];

		for (nr = 0; nr < words(s->nr_frames >> k); nr++) {
			for (w = o->free[nr]; w; w &= w - 1) {
				block = nr * WORD + __ffs(w);
				fault->order = k;
				fault->frame = block << k;
				if (order_at(s, block << k) != k)
					return "a free block is not a block of the codes";
				if (k < s->max_order &&
				    o->free[nr] & BIT((block ^ 1) % WORD))
					return "two free buddies";
			}
		}
	}
	return NULL;
}

/*
 * Every level exact, each order's count, cursor and free_orders bit, and
 * the code map (audit_codes()).
 */
int sketch_audit(const struct sketch *s, struct buddy_core_fault *fault)
{
	const char *codes = audit_codes(s, fault);
	unsigned int k;

	if (codes) {
		fault->what = codes;
		return -EUCLEAN;
	}

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
