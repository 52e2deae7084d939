// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_core_test.c - unit tests of buddy_core.c, one behaviour per test
 *
 * Trees are written as their walk: one "S|F|A frame:order/depth" per node,
 * S for split, F for free, A for allocated, in pre-order.  A 16-frame pool
 * after alloc(0), for instance, is
 *
 *   S0:4/0 S0:3/1 S0:2/2 S0:1/3 A0:0/4 F1:0/4 F2:1/3 F4:2/2 F8:3/1
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buddy_diff.h"
#include "buddy_test.h"

#define POOL_INIT(_pool, _frames, _max_order)				\
	ASSERT_EQ(pool_init(&(_pool), (_frames), (_max_order)), 0)

/*
 * The core's audit passes (buddy_core_check()), and if not, what it found
 * first, as the differential tests say it: a bare -EUCLEAN tells a
 * student (make lab) nothing.
 */
#define ASSERT_AUDIT_OK(_core)						\
	do {								\
		struct buddy_core_fault __fault;			\
		int __ret = buddy_core_audit((_core), &__fault);	\
		if (__ret)						\
			fprintf(stderr, "audit: %d: %s (order %u, frame %lu)\n", \
				__ret, __fault.what, __fault.order,	\
				__fault.frame);				\
		ASSERT_EQ(__ret, 0);					\
	} while (0)

/*
 * The free block counts of orders 0..max_order are @want[0..nr-1], then 0.
 * Prints both lists when they differ.
 */
static bool free_blocks_are(const struct buddy_core *core,
			    const unsigned long *want, unsigned int nr)
{
	unsigned int order, max_order = buddy_core_max_order(core);
	bool same = true;

	for (order = 0; order <= max_order; order++)
		same &= buddy_core_free_blocks(core, order) ==
			(order < nr ? want[order] : 0);
	if (same)
		return true;
	fprintf(stderr, "free blocks by order: got");
	for (order = 0; order <= max_order; order++)
		fprintf(stderr, " %lu", buddy_core_free_blocks(core, order));
	fprintf(stderr, ", want");
	for (order = 0; order <= max_order; order++)
		fprintf(stderr, " %lu", order < nr ? want[order] : 0);
	fputc('\n', stderr);
	return false;
}

#define ASSERT_FREE_BLOCKS(_core, ...)					\
	do {								\
		static const unsigned long __want[] = { __VA_ARGS__ };	\
		ASSERT_TRUE(free_blocks_are((_core), __want,		\
					    ARRAY_SIZE(__want)));	\
	} while (0)

static const char state_letters[] = {
	[BUDDY_CORE_SPLIT] = 'S',
	[BUDDY_CORE_FREE] = 'F',
	[BUDDY_CORE_ALLOCATED] = 'A',
};

static void node_append(char *buf, size_t size,
			const struct buddy_core_node *node)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%c%lu:%u/%u", len ? " " : "",
		 state_letters[node->state], node->frame, node->order,
		 node->depth);
}

/* The whole walk as a string; the buffer is reused by the next call. */
static const char *walk_string(const struct buddy_core *core)
{
	static char buf[8192];
	struct buddy_core_node node;
	bool more;

	buf[0] = '\0';
	for (more = buddy_core_walk_first(core, &node); more;
	     more = buddy_core_walk_next(core, &node))
		node_append(buf, sizeof(buf), &node);
	return buf;
}

#define ASSERT_WALK(_core, _want)					\
	do {								\
		const char *__got = walk_string(_core);			\
		const char *__want = (_want);				\
		if (strcmp(__got, __want)) {				\
			fprintf(stderr, "walk: got  \"%s\"\n"		\
					"      want \"%s\"\n",		\
				__got, __want);				\
			ASSERT_TRUE(!strcmp(__got, __want));		\
		}							\
	} while (0)

/*
 * buddy_core_free(@frame) fails with @err and leaves the core and its
 * metadata exactly as they were, byte for byte.
 */
static bool free_fails(struct pool *pool, unsigned long frame, int err)
{
	struct buddy_core before = pool->core;
	void *meta = malloc(pool->meta_size);
	bool same;
	int ret;

	if (!meta)
		return false;
	memcpy(meta, pool->meta, pool->meta_size);
	ret = buddy_core_free(&pool->core, frame);
	same = !memcmp(meta, pool->meta, pool->meta_size) &&
	       !memcmp(&before, &pool->core, sizeof(before));
	free(meta);
	if (ret == err && same)
		return true;
	fprintf(stderr, "free(frame %lu) = %d, want %d%s\n", frame, ret, err,
		same ? "" : "; it changed the core");
	return false;
}

#define ASSERT_FREE_FAILS(_pool, _frame, _err)				\
	ASSERT_TRUE(free_fails(&(_pool), (_frame), (_err)))

/* === Setting up a pool === */

static bool test_init_rejects_bad_arguments(void)
{
	struct buddy_core core;
	unsigned long meta[256];

	ASSERT_EQ(buddy_core_meta_size(0, 0), 0);
	ASSERT_EQ(buddy_core_meta_size(BUDDY_CORE_MAX_FRAMES + 1, 10), 0);
	ASSERT_EQ(buddy_core_meta_size(16, BUDDY_CORE_MAX_ORDER + 1), 0);
	ASSERT_EQ(buddy_core_meta_size(16, UINT_MAX), 0);
	ASSERT_NE(buddy_core_meta_size(BUDDY_CORE_MAX_FRAMES,
				       BUDDY_CORE_MAX_ORDER), 0);
	ASSERT_TRUE(buddy_core_meta_size(16, 4) <= sizeof(meta));

	ASSERT_EQ(buddy_core_init(&core, meta, 0, 0), -EINVAL);
	ASSERT_EQ(buddy_core_init(&core, meta, BUDDY_CORE_MAX_FRAMES + 1, 4),
		  -EINVAL);
	ASSERT_EQ(buddy_core_init(&core, meta, ULONG_MAX, 4), -EINVAL);
	ASSERT_EQ(buddy_core_init(&core, meta, 16,
				  BUDDY_CORE_MAX_ORDER + 1), -EINVAL);
	ASSERT_EQ(buddy_core_init(NULL, meta, 16, 4), -EINVAL);
	ASSERT_EQ(buddy_core_init(&core, NULL, 16, 4), -EINVAL);
	ASSERT_EQ(buddy_core_init(&core, meta, 16, 4), 0);
	ASSERT_AUDIT_OK(&core);
	return true;
}

/* before: nothing; after: one free root of 16 frames */
static bool test_init_power_of_two(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_nr_frames(&pool.core), 16);
	ASSERT_EQ(buddy_core_max_order(&pool.core), 4);
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 16);
	ASSERT_EQ(buddy_core_allocated_frames(&pool.core), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1);
	ASSERT_WALK(&pool.core, "F0:4/0");
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* 100 frames are the roots 64@0, 32@64 and 4@96 */
static bool test_init_not_power_of_two(void)
{
	struct pool pool;

	POOL_INIT(pool, 100, 10);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 1, 0, 0, 1, 1);
	ASSERT_WALK(&pool.core, "F0:6/0 F64:5/0 F96:2/0");
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 100);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* max_order caps the roots: 100 frames at max_order 3 are 12 x 8 + 4 */
static bool test_init_max_order_caps_roots(void)
{
	struct pool pool;
	unsigned long frame;

	POOL_INIT(pool, 100, 3);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 1, 12);
	/* Two order-3 roots side by side never merge: there is no order 4. */
	for (frame = 0; frame < 96; frame += 8)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 3), frame);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 8), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 1, 2);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* Metadata grows linearly, about 3.5 bits per frame (the core says so). */
static bool test_meta_size_growth(void)
{
	size_t previous = 0;
	unsigned int shift;

	for (shift = 0; 1UL << shift <= BUDDY_CORE_MAX_FRAMES; shift++) {
		unsigned long nr_frames = 1UL << shift;
		size_t size = buddy_core_meta_size(nr_frames, 10);
		double bits = 8.0 * size / nr_frames;

		ASSERT_NE(size, 0);
		ASSERT_TRUE(size >= previous);
		/*
		 * At most 4 bits per frame from 2^12 frames (16 MiB of 4 KiB
		 * pages) on, where the bitmaps' part-used last words weigh
		 * 0.3 bits per frame; at least 2 where they weigh nothing.
		 */
		if (shift >= 12)
			ASSERT_TRUE(bits <= 4.0);
		if (shift >= 16) {
			ASSERT_TRUE(bits >= 2.0);
			ASSERT_TRUE(size <= 2 * previous + 256);
		}
		if (test_verbose && shift % 4 == 0)
			printf("  meta_size(2^%u frames) = %zu bytes, %.3f bits/frame\n",
			       shift, size, bits);
		previous = size;
	}
	/* Odd counts cost no more than the next power of two. */
	ASSERT_TRUE(buddy_core_meta_size(100, 10) <=
		    buddy_core_meta_size(128, 10));
	ASSERT_TRUE(buddy_core_meta_size(1000001, 10) <=
		    buddy_core_meta_size(1UL << 20, 10));
	return true;
}

/* === Audit === */

/*
 * The state of a pool after a seeded history of random allocs and frees,
 * its live blocks in @live (room for every frame); their count, or -1 if
 * the pool could not be set up or a free of a live block failed.  The same
 * arguments give the same state, byte for byte.
 */
static long flip_history(struct pool *pool, unsigned long frames,
			 unsigned int max_order, unsigned int ops, long *live)
{
	unsigned long nr = 0;
	struct rng rng;

	if (pool_init(pool, frames, max_order))
		return -1;
	rng_seed(&rng, test_seed + frames);
	while (ops--) {
		if (nr && rng_below(&rng, 3) == 0) {
			unsigned long i = rng_below(&rng, nr);

			if (buddy_core_free(&pool->core, live[i]))
				return -1;
			live[i] = live[--nr];
		} else {
			/* Small orders mostly, so that every order has some. */
			long frame = buddy_core_alloc(&pool->core,
					rng_below(&rng, max_order + 1) *
					rng_below(&rng, 2));

			if (frame >= 0)
				live[nr++] = frame;
		}
	}
	return nr;
}

/*
 * A corrupted pool that the audit passed acts as a correct buddy allocator
 * in the state its walk shows (diff_adopt()): alloc, free of a live block
 * and free of any frame, bad ones included, give what the model gives from
 * that state, and every count agrees after each, and once the live blocks
 * are freed.  (Some flips take one consistent state to another: the split
 * bit of a pair of allocated frames makes an allocated block of two frames
 * two allocated frames, or the other way round.  No audit can tell, and
 * the core must then be right about the new state.)  Takes @a over; false,
 * having said where they first part, if not.
 */
static bool flip_consistent(struct pool *a)
{
	unsigned int step, max_order = buddy_core_max_order(&a->core);
	unsigned long frames = buddy_core_nr_frames(&a->core);
	struct buddy_diff diff;
	struct rng rng;
	bool same = false;

	if (!diff_adopt(&diff, a, "flipped"))
		goto out;
	rng_seed(&rng, test_seed ^ 0xf11b);
	for (step = 0; step < 600; step++) {
		unsigned int what = rng_below(&rng, 4);
		bool ok;

		if (what < 2)
			ok = diff_alloc(&diff, rng_below(&rng, max_order + 2));
		else if (what == 2 && diff.nr_live)
			ok = diff_free_live(&diff, rng_next(&rng));
		else
			ok = diff_free(&diff, rng_below(&rng, frames + 2));
		if (!ok)
			goto out;
	}
	while (diff.nr_live)
		if (!diff_free_live(&diff, 0))
			goto out;
	same = true;
out:
	diff_destroy(&diff);
	return same;
}

/* A field of struct buddy_core to corrupt: where, and how many bits. */
struct flip_field {
	void *at;
	unsigned int bits;
};

/*
 * The pool's own fields, for flip_every_bit(): every order's descriptor
 * that the core reads (up to max_order + 1), and the scalars and pointers
 * after them but the observer and the statistics, which the audit does not
 * claim.  Of a bool, bit 0 only: others would not make a bool.
 */
static unsigned int flip_fields(struct buddy_core *core,
				struct flip_field *f)
{
	unsigned int n = 0, k;

#define FIELD(_x, _bits) (f[n++] = (struct flip_field){ &(_x), (_bits) })
	for (k = 0; k <= core->max_order + 1; k++)
		FIELD(core->orders[k], sizeof(core->orders[k]) * 8);
	FIELD(core->nr_frames, sizeof(core->nr_frames) * 8);
	FIELD(core->free_orders, sizeof(core->free_orders) * 8);
	FIELD(core->max_order, sizeof(core->max_order) * 8);
	FIELD(core->top_order, sizeof(core->top_order) * 8);
	FIELD(core->plain_max, sizeof(core->plain_max) * 8);
	FIELD(core->plain_top, sizeof(core->plain_top) * 8);
	FIELD(core->flat, 1);
	FIELD(core->levels3, 1);
	FIELD(core->top_end, sizeof(core->top_end) * 8);
	FIELD(core->fast_end, sizeof(core->fast_end) * 8);
	FIELD(core->meta, sizeof(core->meta) * 8);
	FIELD(core->head, sizeof(core->head) * 8);
	FIELD(core->pair_split, sizeof(core->pair_split) * 8);
#undef FIELD
	return n;
}

/* One pool under corruption, for flip_one(). */
struct flip_run {
	unsigned long frames;
	unsigned int max_order, ops;
	struct pool a;
	long *live, nr;
	unsigned long caught, consistent;
};

/*
 * Flips bit @bit of @byte in @r->a and audits.  A flip caught is put back
 * (the audit wrote nothing); one not caught must leave a consistent pool
 * (flip_consistent()), and @r->a is then made again.  @what and @where
 * say which bit, if it fails.
 */
static bool flip_one(struct flip_run *r, unsigned char *byte,
		     unsigned int bit, const char *what, unsigned long where)
{
	struct buddy_core_fault fault = { };
	int ret;

	*byte ^= 1 << bit;
	ret = buddy_core_audit(&r->a.core, &fault);
	if (ret) {
		ASSERT_EQ(ret, -EUCLEAN);
		ASSERT_TRUE(fault.what && fault.what[0]);
		ASSERT_EQ(buddy_core_check(&r->a.core), -EUCLEAN);
		*byte ^= 1 << bit;
		r->caught++;
		return true;
	}
	r->consistent++;
	if (!flip_consistent(&r->a)) {
		fprintf(stderr, "%lu frames, max_order %u: %s %lu flipped: the audit found nothing, and the core no longer acts as a buddy allocator\n",
			r->frames, r->max_order, what, where);
		ASSERT_TRUE(false);
	}
	pool_destroy(&r->a);
	ASSERT_EQ(flip_history(&r->a, r->frames, r->max_order, r->ops,
			       r->live), r->nr);
	return true;
}

/*
 * Flips the bits of a pool in the state of flip_history(), one at a time:
 * every bit of its metadata (or @sample of them, at random) and every bit
 * of its own fields (flip_fields()).  Each is caught by the audit, or
 * leaves a pool that acts as a buddy allocator (flip_consistent()).
 */
static bool flip_every_bit(unsigned long frames, unsigned int max_order,
			   unsigned int ops, unsigned long sample)
{
	struct flip_field fields[BUDDY_CORE_MAX_ORDER + 16];
	struct flip_run r = {
		.frames = frames, .max_order = max_order, .ops = ops,
		.live = malloc((frames + 1) * sizeof(long)),
	};
	unsigned long i, nr_bits, bit;
	unsigned int f, nr_fields;
	struct rng rng;

	ASSERT_TRUE(r.live);
	r.nr = flip_history(&r.a, frames, max_order, ops, r.live);
	ASSERT_TRUE(r.nr >= 0);
	ASSERT_AUDIT_OK(&r.a.core);
	nr_bits = r.a.meta_size * 8;
	rng_seed(&rng, test_seed);
	for (i = 0; i < (sample ? sample : nr_bits); i++) {
		bit = sample ? rng_below(&rng, nr_bits) : i;
		if (!flip_one(&r, (unsigned char *)r.a.meta + bit / 8, bit % 8,
			      "metadata bit", bit))
			return false;
	}
	/* The fields stay where they are when r.a is made again. */
	nr_fields = flip_fields(&r.a.core, fields);
	for (f = 0; f < nr_fields; f++) {
		for (bit = 0; bit < fields[f].bits; bit++) {
			unsigned char *byte = (unsigned char *)fields[f].at +
					      bit / 8;
			unsigned long off = (unsigned char *)fields[f].at -
					    (unsigned char *)&r.a.core;

			if (!flip_one(&r, byte, bit % 8,
				      "struct buddy_core bit", off * 8 + bit))
				return false;
		}
	}
	if (test_verbose)
		printf("  %lu frames, max_order %u: %lu flips caught by the audit, %lu consistent\n",
		       frames, max_order, r.caught, r.consistent);
	pool_destroy(&r.a);
	free(r.live);
	return true;
}

/*
 * Every single-bit corruption of a pool, in its metadata or in struct
 * buddy_core, is caught by the audit or leaves a pool that acts exactly as
 * the model does from the state its walk shows: so the audit checks every
 * bit that matters, as buddy_core.h says of the descriptors.  Busy pools
 * of every layout: flat (up to 4096 frames), two summary levels, three (a
 * sample of the metadata's bits there), and the smallest; and fresh ones,
 * whose orders of one free block keep their levels clear.
 */
static bool test_audit_catches_every_harmful_flip(void)
{
	static const struct {
		unsigned long frames;
		unsigned int max_order, ops;
		unsigned long sample;
	} pools[] = {
		{ 1000, 10, 300, 0 },
		{ 4096, 12, 600, 0 },
		{ 5003, 10, 400, 0 },
		{ 100, 3, 60, 0 },
		{ 6, 1, 4, 0 },
		{ 1, 0, 1, 0 },
		{ (1UL << 18) + 7, 10, 2000, 3000 },
		/* Fresh: orders of one free block, their levels lazy. */
		{ 5003, 10, 0, 0 },
		{ (1UL << 18) + 7, 10, 0, 3000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pools); i++)
		if (!flip_every_bit(pools[i].frames, pools[i].max_order,
				    pools[i].ops, pools[i].sample))
			return false;
	return true;
}

/* === Split and merge === */

/* before: F0:4; after alloc(0): 4 splits, the upper halves free */
static bool test_alloc_splits(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 1, 1, 1, 1, 0);
	ASSERT_WALK(&pool.core,
		    "S0:4/0 S0:3/1 S0:2/2 S0:1/3 A0:0/4 F1:0/4 F2:1/3 F4:2/2 F8:3/1");
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->splits, 4);
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 15);
	ASSERT_EQ(buddy_core_allocated_frames(&pool.core), 1);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* before: the tree of test_alloc_splits; after free(0): F0:4 again */
static bool test_free_merges(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1);
	ASSERT_WALK(&pool.core, "F0:4/0");
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 4);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* A merge stops at the first buddy that is not free. */
static bool test_merge_stops_at_allocated_buddy(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 2);
	/* before: A0 A1 A2 F3; free(1): buddy 0 is allocated, no merge */
	ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 2, 0, 1, 1);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 0);
	/* free(2): merges with 3 into 2:1, whose buddy 0:1 is split */
	ASSERT_EQ(buddy_core_free(&pool.core, 2), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 1, 1, 1, 1);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 1);
	ASSERT_WALK(&pool.core,
		    "S0:4/0 S0:3/1 S0:2/2 S0:1/3 A0:0/4 F1:0/4 F2:1/3 F4:2/2 F8:3/1");
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/*
 * Two free blocks of the same order side by side that are not buddies do
 * not merge: 2:1 and 4:1 touch, but the buddy of 2:1 is 0:1 and that of 4:1
 * is 6:1.
 */
static bool test_adjacent_not_buddies(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 2);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 6);
	ASSERT_EQ(buddy_core_free(&pool.core, 2), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 4), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 2, 0, 1);
	ASSERT_WALK(&pool.core,
		    "S0:4/0 S0:3/1 S0:2/2 A0:1/3 F2:1/3 S4:2/2 F4:1/3 A6:1/3 F8:3/1");
	/* Four free frames in a row, yet an order-2 block comes from 8. */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 8);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* === Which block alloc picks === */

static bool test_alloc_lowest_address_first(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 2);	/* splits 2:1 */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 4);	/* splits 4:2 */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 6);
	/* Free order-0 blocks at 1 and 3: the lower one goes first. */
	ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 2, 0, 0, 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 3);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* The smallest sufficient order wins over a lower address. */
static bool test_alloc_smallest_order_first(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 4);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	/* free: 0:2, 5:0, 6:1, 8:3 */
	ASSERT_FREE_BLOCKS(&pool.core, 1, 1, 1, 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 5);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 6);	/* splits 6:1 */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);	/* splits 0:2 */
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* In a 100-frame pool, an order-2 request takes the 4@96 root whole. */
static bool test_alloc_takes_tail_root(void)
{
	struct pool pool;

	POOL_INIT(pool, 100, 10);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 96);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->splits, 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 3), 64);
	ASSERT_WALK(&pool.core,
		    "F0:6/0 S64:5/0 S64:4/1 A64:3/2 F72:3/2 F80:4/1 A96:2/0");
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* Fill to -ENOMEM, then free everything: the pool is as new. */
static bool test_exhaustion_and_recovery(void)
{
	struct pool pool;
	unsigned long frame;
	unsigned int order;

	POOL_INIT(pool, 100, 10);
	/* Smallest order first: the 4@96 root, then 32@64, then 64@0. */
	for (frame = 96; frame < 100; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	for (frame = 64; frame < 96; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	for (frame = 0; frame < 64; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	for (order = 0; order <= 10; order++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, order), -ENOMEM);
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 0);
	ASSERT_EQ(buddy_core_allocated_frames(&pool.core), 100);
	ASSERT_FREE_BLOCKS(&pool.core, 0);
	ASSERT_AUDIT_OK(&pool.core);

	/* Free in an order that makes every merge happen late. */
	for (frame = 1; frame < 100; frame += 2)
		ASSERT_EQ(buddy_core_free(&pool.core, frame), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 50);
	for (frame = 0; frame < 100; frame += 2)
		ASSERT_EQ(buddy_core_free(&pool.core, frame), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 1, 0, 0, 1, 1);
	ASSERT_WALK(&pool.core, "F0:6/0 F64:5/0 F96:2/0");
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 100);
	ASSERT_AUDIT_OK(&pool.core);
	/* And allocation starts over at frame 0. */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 6), 0);
	pool_destroy(&pool);
	return true;
}

/* === Bad frees: each fails with its own errno and changes nothing === */

static bool test_bad_free_out_of_range(void)
{
	struct pool pool;

	POOL_INIT(pool, 100, 10);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 96);
	ASSERT_FREE_FAILS(pool, 100, -ERANGE);
	ASSERT_FREE_FAILS(pool, 101, -ERANGE);
	ASSERT_FREE_FAILS(pool, 128, -ERANGE);
	ASSERT_FREE_FAILS(pool, LONG_MAX, -ERANGE);
	ASSERT_FREE_FAILS(pool, ULONG_MAX, -ERANGE);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 100), -ERANGE);
	pool_destroy(&pool);
	return true;
}

/* Freeing a block twice: the second free finds it (merged) free. */
static bool test_bad_free_double(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 4);
	ASSERT_EQ(buddy_core_free(&pool.core, 4), 0);
	/* 4:2 is a free block of its own */
	ASSERT_FREE_FAILS(pool, 4, -EALREADY);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	/* 0 now lies in the merged free 0:4 */
	ASSERT_FREE_FAILS(pool, 0, -EALREADY);
	ASSERT_FREE_FAILS(pool, 4, -EALREADY);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->frees, 2);
	pool_destroy(&pool);
	return true;
}

/* Any frame of a free block, first or not, is a double free. */
static bool test_bad_free_inside_free_block(void)
{
	struct pool pool;
	unsigned long frame;

	POOL_INIT(pool, 16, 4);
	for (frame = 0; frame < 16; frame++)
		ASSERT_FREE_FAILS(pool, frame, -EALREADY);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	/* free: 1:0, 2:1, 4:2, 8:3 */
	for (frame = 1; frame < 16; frame++) {
		ASSERT_FREE_FAILS(pool, frame, -EALREADY);
		ASSERT_EQ(buddy_core_alloc_order(&pool.core, frame),
			  -EALREADY);
	}
	pool_destroy(&pool);
	return true;
}

/* A frame inside an allocated block that is not its first: -EINVAL. */
static bool test_bad_free_interior(void)
{
	struct pool pool;
	unsigned int order;
	unsigned long frame;

	POOL_INIT(pool, 128, 7);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	for (order = 1; order <= 5; order++) {
		long first = buddy_core_alloc(&pool.core, order);
		unsigned long size = 1UL << order;

		ASSERT_TRUE(first > 0);
		ASSERT_EQ(first % size, 0);
		ASSERT_EQ(buddy_core_alloc_order(&pool.core, first), order);
		for (frame = first + 1; frame < first + size; frame++) {
			ASSERT_FREE_FAILS(pool, frame, -EINVAL);
			ASSERT_EQ(buddy_core_alloc_order(&pool.core, frame),
				  -EINVAL);
		}
	}
	/* The first frame of each is still a good free. */
	ASSERT_EQ(buddy_core_free(&pool.core, 32), 0);		/* order 5 */
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/*
 * A stale frame: once a block is freed and its space handed out again in
 * smaller pieces, its old first frame frees whatever block starts there now
 * (the core cannot know), and its old interior frames are judged afresh.
 */
static bool test_bad_free_stale_frames(void)
{
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
	ASSERT_FREE_FAILS(pool, 2, -EALREADY);		/* in free 2:1 */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 2);
	ASSERT_FREE_FAILS(pool, 3, -EINVAL);		/* inside 2:1 */
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 0), 0);
	pool_destroy(&pool);
	return true;
}

/* === Edge shapes === */

/* max_order 0: every frame is a root; nothing splits, nothing merges. */
static bool test_max_order_zero(void)
{
	struct pool pool;
	unsigned long frame;

	POOL_INIT(pool, 5, 0);
	ASSERT_FREE_BLOCKS(&pool.core, 5);
	ASSERT_WALK(&pool.core, "F0:0/0 F1:0/0 F2:0/0 F3:0/0 F4:0/0");
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), -EINVAL);
	for (frame = 0; frame < 5; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), -ENOMEM);
	for (frame = 0; frame < 5; frame++)
		ASSERT_EQ(buddy_core_free(&pool.core, frame), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 5);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->splits, 0);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 0);
	ASSERT_EQ(buddy_core_free_blocks(&pool.core, 1), 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

static bool test_one_frame_pool(void)
{
	struct pool pool;
	struct buddy_core_node node;

	POOL_INIT(pool, 1, 0);
	ASSERT_WALK(&pool.core, "F0:0/0");
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), -ENOMEM);
	ASSERT_WALK(&pool.core, "A0:0/0");
	ASSERT_FREE_FAILS(pool, 1, -ERANGE);
	ASSERT_EQ(buddy_core_lookup(&pool.core, 1, &node), -ERANGE);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_FREE_FAILS(pool, 0, -EALREADY);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);

	/* max_order far above the pool */
	POOL_INIT(pool, 1, BUDDY_CORE_MAX_ORDER);
	ASSERT_WALK(&pool.core, "F0:0/0");
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), -ENOMEM);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* Orders the pool cannot hold stay empty: -ENOMEM, not -EINVAL. */
static bool test_max_order_above_pool(void)
{
	struct pool pool;
	unsigned int order;

	POOL_INIT(pool, 16, BUDDY_CORE_MAX_ORDER);
	ASSERT_WALK(&pool.core, "F0:4/0");
	for (order = 5; order <= BUDDY_CORE_MAX_ORDER; order++) {
		ASSERT_EQ(buddy_core_alloc(&pool.core, order), -ENOMEM);
		ASSERT_EQ(buddy_core_free_blocks(&pool.core, order), 0);
	}
	ASSERT_EQ(buddy_core_alloc(&pool.core, BUDDY_CORE_MAX_ORDER + 1),
		  -EINVAL);
	ASSERT_EQ(buddy_core_alloc(&pool.core, UINT_MAX), -EINVAL);
	ASSERT_EQ(buddy_core_free_blocks(&pool.core, BUDDY_CORE_MAX_ORDER + 1),
		  0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 4), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);

	/* 100 frames, max_order 10: orders 7..10 never have a block */
	POOL_INIT(pool, 100, 10);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 7), -ENOMEM);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 10), -ENOMEM);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 11), -EINVAL);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 6), 0);
	pool_destroy(&pool);
	return true;
}

/* 2^28 frames (1 TiB of 4 KiB pages): ~3.5 bits per frame, 113 MiB. */
static bool test_huge_pool(void)
{
	const unsigned long nr_frames = 1UL << 28;
	struct pool pool;

	POOL_INIT(pool, nr_frames, BUDDY_CORE_MAX_ORDER);
	ASSERT_TRUE(pool.meta_size * 8.0 / nr_frames < 3.6);
	ASSERT_WALK(&pool.core, "F0:28/0");
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 27), 1UL << 27);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 20), 1UL << 20);
	ASSERT_EQ(buddy_core_free_blocks(&pool.core, 26), 1);
	ASSERT_EQ(buddy_core_free_frames(&pool.core),
		  nr_frames - (1UL << 27) - (1UL << 20) - 1);
	ASSERT_FREE_FAILS(pool, nr_frames - 1, -EINVAL);
	ASSERT_FREE_FAILS(pool, nr_frames, -ERANGE);
	ASSERT_AUDIT_OK(&pool.core);
	ASSERT_EQ(buddy_core_free(&pool.core, 1UL << 27), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 1UL << 20), 0);
	ASSERT_WALK(&pool.core, "F0:28/0");
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/*
 * Pools where an order has four summary levels and more (past W^4 blocks
 * of it, 2^24 on 64-bit), where the searches climb past level 3.  Every
 * frame allocated but the last block of @order in each of five order-10
 * blocks far apart, so the order's free blocks are alone in their words
 * at every level: allocations take them lowest first, frees in any order
 * put them back, the audit holds throughout.
 */
static bool sparse_blocks(unsigned long frames, unsigned int order)
{
	const unsigned long size = 1UL << order, per = 1024 >> order;
	static const unsigned int free_order[] = { 2, 4, 0, 1, 3 };
	unsigned long block[5], frame, roots = frames >> 10, k;
	unsigned int round, o;
	struct pool pool;

	POOL_INIT(pool, frames, 10);
	for (o = 11; o-- > 0; )
		while (buddy_core_alloc(&pool.core, o) >= 0)
			;
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 0);
	block[0] = 3;
	block[1] = roots / 8 + 7;
	block[2] = roots / 4 + 1;
	block[3] = roots / 2 + 5;
	block[4] = roots - 1;
	for (k = 0; k < 5; k++)
		ASSERT_EQ(buddy_core_free(&pool.core, block[k] << 10), 0);
	/* The five blocks refilled with blocks of @order, in order... */
	for (k = 0; k < 5 * per; k++) {
		frame = (block[k / per] << 10) + k % per * size;
		ASSERT_EQ(buddy_core_alloc(&pool.core, order), frame);
	}
	/* ...and the last of each freed: its buddy is allocated. */
	for (k = 0; k < 5; k++)
		ASSERT_EQ(buddy_core_free(&pool.core,
					  (block[k] << 10) + 1024 - size), 0);
	ASSERT_EQ(buddy_core_free_blocks(&pool.core, order), 5);
	ASSERT_AUDIT_OK(&pool.core);
	for (round = 0; round < 2; round++) {
		for (k = 0; k < 5; k++) {
			frame = (block[k] << 10) + 1024 - size;
			ASSERT_EQ(buddy_core_alloc(&pool.core, order), frame);
			ASSERT_AUDIT_OK(&pool.core);
		}
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), -ENOMEM);
		for (k = 0; k < 5; k++) {
			frame = (block[free_order[k]] << 10) + 1024 - size;
			ASSERT_EQ(buddy_core_free(&pool.core, frame), 0);
			ASSERT_AUDIT_OK(&pool.core);
		}
	}
	pool_destroy(&pool);
	return true;
}

/*
 * Order 0 of a fresh pool of 2 W^4 frames and max_order 0, five summary
 * levels all set by init: allocations go on in order across a level-2
 * word (W^3 frames) and find the frames freed behind them.
 */
static bool fresh_four_levels(unsigned long frames)
{
	const unsigned long w3 = frames / 2 / (8 * sizeof(long));
	struct pool pool;
	unsigned long k;

	POOL_INIT(pool, frames, 0);
	for (k = 0; k < w3 + 5; k++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), k);
	ASSERT_EQ(buddy_core_free(&pool.core, w3 - 1), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 3), 0);
	ASSERT_AUDIT_OK(&pool.core);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 3);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), w3 - 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), w3 + 5);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/*
 * Order 0's level 2 ending on a whole word (2 W^4 frames) and not (a tail
 * of smaller roots too); order 1 with more than W^4 blocks (4 W^4 frames);
 * and a fresh pool whose order 0 has them all.
 */
static bool test_sparse_four_levels(void)
{
	const unsigned long w = 8 * sizeof(long), w4 = w * w * w * w;

	ASSERT_TRUE(sparse_blocks(2 * w4, 0));
	ASSERT_TRUE(sparse_blocks(2 * w4 + 3 * w * w * w + 5, 0));
	ASSERT_TRUE(sparse_blocks(4 * w4, 1));
	ASSERT_TRUE(fresh_four_levels(2 * w4));
	return true;
}

/*
 * The layouts that the hot paths have copies for, by pool size, with W
 * bits a word: flat (order 0's level 1 is one word) up to W^2 frames, 4096
 * on 64-bit; three summary levels in every order from W^3 + 1 to W^4
 * frames (2^18 + 1 to 2^24); two in between, and four and more above.
 * Nothing else tells them apart, since the audit asks layout() too: a
 * wrong threshold would only cost speed, where the benchmark's pools are
 * one of each (16 MiB, 1 GiB and 64 GiB of 4 KiB frames).
 */
static bool test_pool_layouts(void)
{
	const unsigned long w = 8 * sizeof(long);
	const struct {
		unsigned long frames;
		bool flat, levels3;
	} pools[] = {
		{ 1, true, false },
		{ w * w, true, false },
		{ w * w + 1, false, false },
		{ w * w * w, false, false },
		{ w * w * w + 1, false, true },
		{ w * w * w * w, false, true },
		{ w * w * w * w + 1, false, false },
	};
	struct pool pool;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pools); i++) {
		POOL_INIT(pool, pools[i].frames, 10);
		if (pool.core.flat != pools[i].flat ||
		    pool.core.levels3 != pools[i].levels3)
			fprintf(stderr, "%lu frames: flat %d, levels3 %d\n",
				pools[i].frames, pool.core.flat,
				pool.core.levels3);
		ASSERT_EQ(pool.core.flat, pools[i].flat);
		ASSERT_EQ(pool.core.levels3, pools[i].levels3);
		/* Flat: order 0 has no level 2; levels3: every order has. */
		ASSERT_EQ(!pool.core.orders[0].upper, pools[i].flat);
		if (pools[i].levels3)
			ASSERT_TRUE(pool.core.orders[10].upper);
		ASSERT_AUDIT_OK(&pool.core);
		pool_destroy(&pool);
	}
	return true;
}

/*
 * The audit says where: the invariant broken, the order and the first
 * frame of the block concerned.  A 16-frame pool with an allocated block
 * of order 2 at frame 0 (free: 4:2, 8:3), corrupted three ways.
 */
static bool test_audit_says_where(void)
{
	struct buddy_core_fault fault = { };
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 0);
	ASSERT_EQ(buddy_core_audit(&pool.core, &fault), 0);

	/* Order 1's block 1 (frames 2-3) marked free inside the block. */
	pool.core.orders[1].free[0] ^= 1UL << 1;
	ASSERT_EQ(buddy_core_audit(&pool.core, &fault), -EUCLEAN);
	ASSERT_TRUE(!strcmp(fault.what, "free block inside a larger block"));
	ASSERT_EQ(fault.order, 1);
	ASSERT_EQ(fault.frame, 2);
	pool.core.orders[1].free[0] ^= 1UL << 1;

	/* Order 3's cursor moved off its one free block, 8:3. */
	pool.core.orders[3].cursor ^= 1;
	ASSERT_EQ(buddy_core_audit(&pool.core, &fault), -EUCLEAN);
	ASSERT_TRUE(!strcmp(fault.what, "cursor is not the lowest free block"));
	ASSERT_EQ(fault.order, 3);
	ASSERT_EQ(fault.frame, 8);
	pool.core.orders[3].cursor ^= 1;

	/* The head run of 0:2 (one bit, pair 0) gone. */
	pool.core.head[0] ^= 1;
	ASSERT_EQ(buddy_core_audit(&pool.core, &fault), -EUCLEAN);
	ASSERT_TRUE(!strcmp(fault.what, "allocated block without its head bits"));
	ASSERT_EQ(fault.order, 2);
	ASSERT_EQ(fault.frame, 0);
	pool.core.head[0] ^= 1;

	ASSERT_EQ(buddy_core_audit(&pool.core, &fault), 0);
	pool_destroy(&pool);
	return true;
}

/*
 * The summary levels of an order are kept only while it has two free
 * blocks or more, and orders of more than 4096 blocks (64-bit words) have
 * levels 2+.  Order 0 of a 2^14-frame pool goes from none to one to two to
 * three free blocks and back, by alloc and by merges, with the blocks in
 * the same level-0 word, the same level-1 word and in different ones, and
 * the audit (which checks the summaries and the cursor) runs after every
 * step.
 */
static bool test_lazy_summary_levels(void)
{
	/* Odd frames: in frame 1's level-0 word, its level-1 word, or not. */
	static const unsigned long other[] = { 7, 101, 4097, 9001 };
	const unsigned long nr_frames = 1UL << 14, last = nr_frames - 1;
	struct pool pool;
	unsigned long frame, i, b;

	POOL_INIT(pool, nr_frames, 10);
	for (frame = 0; frame < nr_frames; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		b = other[i];
		/* before: all taken; after: 1, then b free, then b alone */
		ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_EQ(buddy_core_free(&pool.core, b), 0);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
		ASSERT_AUDIT_OK(&pool.core);
		/* then 1, b and last free */
		ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_EQ(buddy_core_free(&pool.core, last), 0);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_FREE_BLOCKS(&pool.core, 3);
		/* the lowest goes first */
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
		ASSERT_AUDIT_OK(&pool.core);
		/* b leaves order 0 by a merge, then last by an alloc */
		ASSERT_EQ(buddy_core_free(&pool.core, b - 1), 0);
		ASSERT_FREE_BLOCKS(&pool.core, 1, 1);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), last);
		ASSERT_AUDIT_OK(&pool.core);
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), b - 1);
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), b);
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), -ENOMEM);
		ASSERT_AUDIT_OK(&pool.core);
	}
	ASSERT_EQ(buddy_core_free_frames(&pool.core), 0);
	pool_destroy(&pool);
	return true;
}

/* === The textbook examples === */

/*
 * OSTEP ch. 17: a 64 KiB space (16 frames of 4 KiB), a 7 KiB request gets an
 * 8 KiB block (order 1) after splitting 64 -> 32 -> 16 -> 8.  Each buddy
 * pair's addresses differ in one bit, the bit of its order.
 */
static bool test_ostep_example(void)
{
	struct pool pool;
	struct buddy_core_node node;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->splits, 3);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 1, 1, 1, 0);
	ASSERT_WALK(&pool.core,
		    "S0:4/0 S0:3/1 S0:2/2 A0:1/3 F2:1/3 F4:2/2 F8:3/1");
	/* The buddies of 0 at orders 1, 2, 3: frames 2, 4, 8. */
	ASSERT_EQ(buddy_core_lookup(&pool.core, 0 ^ 2, &node), 0);
	ASSERT_TRUE(node.frame == 2 && node.order == 1);
	ASSERT_EQ(buddy_core_lookup(&pool.core, 0 ^ 4, &node), 0);
	ASSERT_TRUE(node.frame == 4 && node.order == 2);
	ASSERT_EQ(buddy_core_lookup(&pool.core, 0 ^ 8, &node), 0);
	ASSERT_TRUE(node.frame == 8 && node.order == 3);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->merges, 3);
	ASSERT_WALK(&pool.core, "F0:4/0");
	pool_destroy(&pool);
	return true;
}

/*
 * Stallings: 1 MiB (256 frames of 4 KiB), A=100K, B=240K, C=64K, D=256K,
 * release B, release A, E=75K, release C, release E, release D.  Requests
 * round up to 128K (order 5), 256K (6), 64K (4), 256K (6), 128K (5).
 * Counts below are free blocks of orders 0..8.
 */
static bool test_stallings_example(void)
{
	struct pool pool;
	long a, b, c, d, e;

	POOL_INIT(pool, 256, 8);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 0, 0, 0, 1);

	/* A: 1M -> 512K -> 256K -> 128K; free 128K@128K 256K@256K 512K@512K */
	a = buddy_core_alloc(&pool.core, 5);
	ASSERT_EQ(a, 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 1, 1, 1, 0);

	/* B takes the free 256K at 256K */
	b = buddy_core_alloc(&pool.core, 6);
	ASSERT_EQ(b, 64);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 1, 0, 1, 0);

	/* C splits the 128K at 128K */
	c = buddy_core_alloc(&pool.core, 4);
	ASSERT_EQ(c, 32);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1, 0, 0, 1, 0);

	/* D splits the 512K at 512K */
	d = buddy_core_alloc(&pool.core, 6);
	ASSERT_EQ(d, 128);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1, 0, 1, 0, 0);
	ASSERT_WALK(&pool.core,
		    "S0:8/0 S0:7/1 S0:6/2 A0:5/3 S32:5/3 A32:4/4 F48:4/4 A64:6/2 S128:7/1 A128:6/2 F192:6/2");

	/* release B: its buddy (A and C) is split, no merge */
	ASSERT_EQ(buddy_core_free(&pool.core, b), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1, 0, 2, 0, 0);

	/* release A: its buddy holds C, no merge */
	ASSERT_EQ(buddy_core_free(&pool.core, a), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1, 1, 2, 0, 0);

	/* E = 75K: the free 128K at 0 */
	e = buddy_core_alloc(&pool.core, 5);
	ASSERT_EQ(e, 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 1, 0, 2, 0, 0);

	/* release C: merges with 64K@192K into 128K@128K, stops at E */
	ASSERT_EQ(buddy_core_free(&pool.core, c), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 1, 2, 0, 0);

	/* release E: 128K + 128K + 256K -> 512K at 0; D holds the rest */
	ASSERT_EQ(buddy_core_free(&pool.core, e), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 0, 1, 1, 0);

	/* release D: everything merges back into one 1M block */
	ASSERT_EQ(buddy_core_free(&pool.core, d), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 0, 0, 0, 0, 0, 0, 0, 0, 1);
	ASSERT_WALK(&pool.core, "F0:8/0");
	ASSERT_EQ(buddy_core_get_stats(&pool.core)->splits,
		  buddy_core_get_stats(&pool.core)->merges);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* === Looking at the tree === */

/* The tree of test_alloc_takes_tail_root, node by node and frame by frame */
static bool setup_known_tree(struct pool *pool)
{
	ASSERT_EQ(pool_init(pool, 100, 10), 0);
	ASSERT_EQ(buddy_core_alloc(&pool->core, 2), 96);
	ASSERT_EQ(buddy_core_alloc(&pool->core, 3), 64);
	ASSERT_WALK(&pool->core,
		    "F0:6/0 S64:5/0 S64:4/1 A64:3/2 F72:3/2 F80:4/1 A96:2/0");
	return true;
}

static bool node_is(const struct buddy_core_node *node, char state,
		    unsigned long frame, unsigned int order, unsigned int depth)
{
	if (state_letters[node->state] == state && node->frame == frame &&
	    node->order == order && node->depth == depth)
		return true;
	fprintf(stderr, "node %c%lu:%u/%u, want %c%lu:%u/%u\n",
		state_letters[node->state], node->frame, node->order,
		node->depth, state, frame, order, depth);
	return false;
}

/* === Steps reported to an observer === */

#define MAX_STEPS	64

struct step_log {
	struct buddy_core_observer obs;
	char text[MAX_STEPS * 24];
	size_t len;
};

static const char *const stop_names[] = {
	[BUDDY_STOP_BUDDY_ALLOCATED] = "allocated",
	[BUDDY_STOP_BUDDY_SPLIT] = "split",
	[BUDDY_STOP_ROOT] = "root",
	[BUDDY_STOP_MAX_ORDER] = "max",
};

/* Each step as "name frame:order[>buddy][!error][?why]", space separated. */
static void log_step(const struct buddy_core_observer *obs,
		     const struct buddy_core_step *st)
{
	struct step_log *log = (struct step_log *)obs;
	char *p = log->text + log->len;
	size_t room = sizeof(log->text) - log->len;
	int n;

	n = snprintf(p, room, "%s%s %lu:%u", log->len ? " " : "",
		     diff_step_names[st->kind], st->frame, st->order);
	if (st->kind == BUDDY_STEP_SPLIT || st->kind == BUDDY_STEP_MERGE ||
	    st->kind == BUDDY_STEP_REJECT)
		n += snprintf(p + n, room - n, ">%lu", st->buddy);
	if (st->kind == BUDDY_STEP_ALLOC_FAIL || st->kind == BUDDY_STEP_REJECT)
		n += snprintf(p + n, room - n, "!%d", -st->error);
	if (st->kind == BUDDY_STEP_STOP)
		n += snprintf(p + n, room - n, "?%s", stop_names[st->why]);
	log->len += n;
}

static bool steps_are(struct step_log *log, const char *want)
{
	bool same = !strcmp(log->text, want);

	if (!same)
		fprintf(stderr, "steps:\n  got  %s\n  want %s\n", log->text,
			want);
	log->len = 0;
	log->text[0] = '\0';
	return same;
}

/* OSTEP's 64 KiB and 7 KiB: three splits, then three merges back. */
static bool test_steps_ostep(void)
{
	static const char alloc_steps[] =
		"request 0:1 take 0:4 split 0:4>8 split 0:3>4 split 0:2>2 alloc 0:1";
	static const char free_steps[] =
		"free 0:1 merge 0:1>2 merge 0:2>4 merge 0:3>8 stop 0:4?max";
	struct step_log log = { .obs.step = log_step };
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	buddy_core_set_observer(&pool.core, &log.obs);
	ASSERT_AUDIT_OK(&pool.core);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);
	ASSERT_TRUE(steps_are(&log, alloc_steps));
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_TRUE(steps_are(&log, free_steps));
	ASSERT_AUDIT_OK(&pool.core);
	/* Without the observer, the fast path again: the same result. */
	buddy_core_set_observer(&pool.core, NULL);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);
	ASSERT_EQ(log.len, 0);
	ASSERT_AUDIT_OK(&pool.core);
	/* A pool initialised again starts without one (the header says so). */
	buddy_core_set_observer(&pool.core, &log.obs);
	ASSERT_EQ(buddy_core_init(&pool.core, pool.meta, 16, 4), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 0);
	ASSERT_EQ(log.len, 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

/* Every reason a merge stops, every refusal, and no split when none is due. */
static bool test_steps_stops_and_refusals(void)
{
	struct step_log log = { .obs.step = log_step };
	struct pool pool;

	/* 12 frames, max_order 3: roots 0(3) and 8(2). */
	POOL_INIT(pool, 12, 3);
	buddy_core_set_observer(&pool.core, &log.obs);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 8);
	ASSERT_TRUE(steps_are(&log, "request 0:2 take 8:2 alloc 8:2"));
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 1), 2);
	log.len = 0;
	ASSERT_EQ(buddy_core_free(&pool.core, 8), 0);
	ASSERT_TRUE(steps_are(&log, "free 8:2 stop 8:2?root"));
	ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);
	ASSERT_TRUE(steps_are(&log, "free 1:0 stop 1:0?allocated"));
	ASSERT_EQ(buddy_core_free(&pool.core, 2), 0);
	ASSERT_TRUE(steps_are(&log, "free 2:1 stop 2:1?split"));
	ASSERT_EQ(buddy_core_free(&pool.core, 1), -EALREADY);
	ASSERT_TRUE(steps_are(&log, "reject 1:0>1!114"));
	ASSERT_EQ(buddy_core_free(&pool.core, 5), -EALREADY);
	ASSERT_TRUE(steps_are(&log, "reject 5:2>4!114"));
	ASSERT_EQ(buddy_core_free(&pool.core, 12), -ERANGE);
	ASSERT_TRUE(steps_are(&log, "reject 12:0>0!34"));
	ASSERT_EQ(buddy_core_alloc(&pool.core, 4), -EINVAL);
	ASSERT_TRUE(steps_are(&log, "request 0:4 fail 0:4!22"));
	ASSERT_EQ(buddy_core_alloc(&pool.core, 3), -ENOMEM);
	ASSERT_TRUE(steps_are(&log, "request 0:3 fail 0:3!12"));
	ASSERT_EQ(buddy_core_alloc(&pool.core, 2), 4);
	log.len = 0;
	log.text[0] = '\0';
	ASSERT_EQ(buddy_core_free(&pool.core, 5), -EINVAL);
	ASSERT_TRUE(steps_are(&log, "reject 5:2>4!22"));
	/* No observer: nothing reported, same results. */
	buddy_core_set_observer(&pool.core, NULL);
	ASSERT_EQ(buddy_core_free(&pool.core, 4), 0);
	ASSERT_EQ(log.len, 0);
	ASSERT_AUDIT_OK(&pool.core);
	pool_destroy(&pool);
	return true;
}

static bool test_lookup(void)
{
	struct pool pool;
	struct buddy_core_node node;

	ASSERT_TRUE(setup_known_tree(&pool));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 0, &node), 0);
	ASSERT_TRUE(node_is(&node, 'F', 0, 6, 0));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 63, &node), 0);
	ASSERT_TRUE(node_is(&node, 'F', 0, 6, 0));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 64, &node), 0);
	ASSERT_TRUE(node_is(&node, 'A', 64, 3, 2));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 71, &node), 0);
	ASSERT_TRUE(node_is(&node, 'A', 64, 3, 2));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 72, &node), 0);
	ASSERT_TRUE(node_is(&node, 'F', 72, 3, 2));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 95, &node), 0);
	ASSERT_TRUE(node_is(&node, 'F', 80, 4, 1));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 99, &node), 0);
	ASSERT_TRUE(node_is(&node, 'A', 96, 2, 0));
	ASSERT_EQ(buddy_core_lookup(&pool.core, 100, &node), -ERANGE);
	ASSERT_EQ(buddy_core_lookup(&pool.core, ULONG_MAX, &node), -ERANGE);
	pool_destroy(&pool);
	return true;
}

static bool test_alloc_order_query(void)
{
	struct pool pool;

	ASSERT_TRUE(setup_known_tree(&pool));
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 64), 3);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 96), 2);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 65), -EINVAL);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 99), -EINVAL);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 0), -EALREADY);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 72), -EALREADY);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 100), -ERANGE);
	/* It only looks: the block is still there to free. */
	ASSERT_EQ(buddy_core_free(&pool.core, 64), 0);
	ASSERT_EQ(buddy_core_alloc_order(&pool.core, 64), -EALREADY);
	pool_destroy(&pool);
	return true;
}

static bool test_walk_seek(void)
{
	struct pool pool;
	struct buddy_core_node node;

	ASSERT_TRUE(setup_known_tree(&pool));
	/* Positions go by frame, then from high order to low. */
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 0, 10, &node));
	ASSERT_TRUE(node_is(&node, 'F', 0, 6, 0));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 0, 6, &node));
	ASSERT_TRUE(node_is(&node, 'F', 0, 6, 0));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 0, 5, &node));
	ASSERT_TRUE(node_is(&node, 'S', 64, 5, 0));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 1, 10, &node));
	ASSERT_TRUE(node_is(&node, 'S', 64, 5, 0));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 64, 4, &node));
	ASSERT_TRUE(node_is(&node, 'S', 64, 4, 1));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 64, 3, &node));
	ASSERT_TRUE(node_is(&node, 'A', 64, 3, 2));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 64, 0, &node));
	ASSERT_TRUE(node_is(&node, 'F', 72, 3, 2));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 65, 40, &node));
	ASSERT_TRUE(node_is(&node, 'F', 72, 3, 2));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 73, 0, &node));
	ASSERT_TRUE(node_is(&node, 'F', 80, 4, 1));
	ASSERT_TRUE(buddy_core_walk_seek(&pool.core, 96, 2, &node));
	ASSERT_TRUE(node_is(&node, 'A', 96, 2, 0));
	ASSERT_FALSE(buddy_core_walk_seek(&pool.core, 96, 1, &node));
	ASSERT_FALSE(buddy_core_walk_seek(&pool.core, 97, 10, &node));
	ASSERT_FALSE(buddy_core_walk_seek(&pool.core, 100, 0, &node));
	ASSERT_FALSE(buddy_core_walk_seek(&pool.core, ULONG_MAX, 0, &node));
	pool_destroy(&pool);
	return true;
}

/*
 * A listing shown a few nodes at a time, resuming each time with walk_seek()
 * at the position of the next node, as a seq_file does.  The tree changes
 * between two pages; the rest of the listing is the new tree's.
 */
static bool test_walk_seek_resume(void)
{
	char listing[1024] = "";
	struct buddy_core_node node = { };
	unsigned long frame = 0;
	unsigned int order = BUDDY_CORE_MAX_ORDER, shown;
	struct pool pool;
	bool more = true;

	ASSERT_TRUE(setup_known_tree(&pool));
	while (more) {
		more = buddy_core_walk_seek(&pool.core, frame, order, &node);
		for (shown = 0; more && shown < 2; shown++) {
			node_append(listing, sizeof(listing), &node);
			more = buddy_core_walk_next(&pool.core, &node);
		}
		frame = node.frame;
		order = node.order;
		/* After the first page, 72:3 is taken and 80:4 split. */
		if (shown && frame == 64 && order == 4) {
			ASSERT_EQ(buddy_core_alloc(&pool.core, 3), 72);
			ASSERT_EQ(buddy_core_alloc(&pool.core, 3), 80);
		}
	}
	if (strcmp(listing,
		   "F0:6/0 S64:5/0 S64:4/1 A64:3/2 A72:3/2 S80:4/1 A80:3/2 F88:3/2 A96:2/0")) {
		fprintf(stderr, "listing: %s\n", listing);
		ASSERT_TRUE(false);
	}
	pool_destroy(&pool);
	return true;
}

/* Stats count successful operations only. */
static bool test_stats_counters(void)
{
	const struct buddy_core_stats *stats;
	struct pool pool;

	POOL_INIT(pool, 16, 4);
	stats = buddy_core_get_stats(&pool.core);
	ASSERT_EQ(stats->allocs + stats->frees + stats->splits + stats->merges,
		  0);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);	/* 4 splits */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 1);	/* none */
	ASSERT_EQ(buddy_core_alloc(&pool.core, 4), -ENOMEM);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 5), -EINVAL);
	ASSERT_EQ(buddy_core_free(&pool.core, 0), 0);	/* buddy is busy */
	ASSERT_EQ(buddy_core_free(&pool.core, 0), -EALREADY);
	ASSERT_EQ(buddy_core_free(&pool.core, 16), -ERANGE);
	ASSERT_EQ(buddy_core_free(&pool.core, 1), 0);	/* 4 merges */
	ASSERT_EQ(stats->allocs, 2);
	ASSERT_EQ(stats->frees, 2);
	ASSERT_EQ(stats->splits, 4);
	ASSERT_EQ(stats->merges, 4);
	/* init resets them */
	ASSERT_EQ(buddy_core_init(&pool.core, pool.meta, 16, 4), 0);
	stats = buddy_core_get_stats(&pool.core);
	ASSERT_EQ(stats->allocs + stats->frees + stats->splits + stats->merges,
		  0);
	pool_destroy(&pool);
	return true;
}

/* === Fragmentation indices (mm/vmstat.c), computed by hand === */

static bool test_frag_index_all_free_or_none(void)
{
	struct pool pool;
	unsigned int order;

	POOL_INIT(pool, 16, 4);
	for (order = 0; order <= 4; order++) {
		ASSERT_EQ(buddy_core_unusable_index(&pool.core, order), 0);
		ASSERT_EQ(buddy_core_extfrag_index(&pool.core, order), -1000);
	}
	ASSERT_EQ(buddy_core_alloc(&pool.core, 4), 0);
	/* nothing free: all unusable, and a failure is lack of memory */
	for (order = 0; order <= 4; order++) {
		ASSERT_EQ(buddy_core_unusable_index(&pool.core, order), 1000);
		ASSERT_EQ(buddy_core_extfrag_index(&pool.core, order), 0);
	}
	/* Orders past max_order are refused (and -EINVAL is not -1000). */
	ASSERT_EQ(buddy_core_unusable_index(&pool.core, 5), -EINVAL);
	ASSERT_EQ(buddy_core_extfrag_index(&pool.core, 5), -EINVAL);
	pool_destroy(&pool);
	return true;
}

/*
 * Every other frame of 16 free: 8 free order-0 blocks.
 * unusable(1..4) = (8 - 0) * 1000 / 8 = 1000
 * extfrag(o) = 1000 - (1000 + 8000 / 2^o) / 8: 375, 625, 750, 813
 */
static bool test_frag_index_checkerboard(void)
{
	static const int extfrag[] = { -1000, 375, 625, 750, 813 };
	struct pool pool;
	unsigned long frame;
	unsigned int order;

	POOL_INIT(pool, 16, 4);
	for (frame = 0; frame < 16; frame++)
		ASSERT_EQ(buddy_core_alloc(&pool.core, 0), frame);
	for (frame = 0; frame < 16; frame += 2)
		ASSERT_EQ(buddy_core_free(&pool.core, frame), 0);
	ASSERT_FREE_BLOCKS(&pool.core, 8);
	ASSERT_EQ(buddy_core_unusable_index(&pool.core, 0), 0);
	for (order = 1; order <= 4; order++)
		ASSERT_EQ(buddy_core_unusable_index(&pool.core, order), 1000);
	for (order = 0; order <= 4; order++)
		ASSERT_EQ(buddy_core_extfrag_index(&pool.core, order),
			  extfrag[order]);
	pool_destroy(&pool);
	return true;
}

/*
 * After alloc(0) in 16 frames: free 1:0, 2:1, 4:2, 8:3; 15 frames, 4 blocks.
 * unusable(o) = (15 - suitable(o) * 2^o) * 1000 / 15 with suitable(1) = 7,
 * suitable(2) = 3, suitable(3) = 1: 66, 200, 466; 1000 at order 4.
 * extfrag(4) = 1000 - (1000 + 15000 / 16) / 4 = 1000 - 1937 / 4 = 516.
 */
static bool test_frag_index_after_split(void)
{
	static const int unusable[] = { 0, 66, 200, 466, 1000 };
	struct pool pool;
	unsigned int order;

	POOL_INIT(pool, 16, 4);
	ASSERT_EQ(buddy_core_alloc(&pool.core, 0), 0);
	for (order = 0; order <= 4; order++)
		ASSERT_EQ(buddy_core_unusable_index(&pool.core, order),
			  unusable[order]);
	for (order = 0; order <= 3; order++)
		ASSERT_EQ(buddy_core_extfrag_index(&pool.core, order), -1000);
	ASSERT_EQ(buddy_core_extfrag_index(&pool.core, 4), 516);
	pool_destroy(&pool);
	return true;
}

const struct buddy_test buddy_unit_tests[] = {
	BUDDY_TEST(init_rejects_bad_arguments),
	BUDDY_TEST(init_power_of_two),
	BUDDY_TEST(init_not_power_of_two),
	BUDDY_TEST(init_max_order_caps_roots),
	BUDDY_TEST(meta_size_growth),
	BUDDY_TEST(audit_catches_every_harmful_flip),
	BUDDY_TEST(audit_says_where),
	BUDDY_TEST(alloc_splits),
	BUDDY_TEST(free_merges),
	BUDDY_TEST(merge_stops_at_allocated_buddy),
	BUDDY_TEST(adjacent_not_buddies),
	BUDDY_TEST(alloc_lowest_address_first),
	BUDDY_TEST(alloc_smallest_order_first),
	BUDDY_TEST(alloc_takes_tail_root),
	BUDDY_TEST(exhaustion_and_recovery),
	BUDDY_TEST(bad_free_out_of_range),
	BUDDY_TEST(bad_free_double),
	BUDDY_TEST(bad_free_inside_free_block),
	BUDDY_TEST(bad_free_interior),
	BUDDY_TEST(bad_free_stale_frames),
	BUDDY_TEST(max_order_zero),
	BUDDY_TEST(one_frame_pool),
	BUDDY_TEST(max_order_above_pool),
	BUDDY_TEST(huge_pool),
	BUDDY_TEST(sparse_four_levels),
	BUDDY_TEST(pool_layouts),
	BUDDY_TEST(lazy_summary_levels),
	BUDDY_TEST(ostep_example),
	BUDDY_TEST(stallings_example),
	BUDDY_TEST(steps_ostep),
	BUDDY_TEST(steps_stops_and_refusals),
	BUDDY_TEST(lookup),
	BUDDY_TEST(alloc_order_query),
	BUDDY_TEST(walk_seek),
	BUDDY_TEST(walk_seek_resume),
	BUDDY_TEST(stats_counters),
	BUDDY_TEST(frag_index_all_free_or_none),
	BUDDY_TEST(frag_index_checkerboard),
	BUDDY_TEST(frag_index_after_split),
};

const unsigned int nr_buddy_unit_tests = ARRAY_SIZE(buddy_unit_tests);
