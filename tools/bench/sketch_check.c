// SPDX-License-Identifier: GPL-2.0
/*
 * sketch_check.c - the sketch (sketch.c) against buddy_core.c, in lockstep
 *
 * Both hand out the lowest free block of the smallest sufficient order, so
 * on the same calls they must return the same frames.  Random allocs of
 * orders 0 to max_order + 1 (which both must refuse) and frees of live
 * blocks, in phases that fill, churn and drain, with a bad free (a random
 * frame, often past the pool) one step in eight: both must refuse it or
 * both take it.  The free frames must agree after every step, and the
 * sketch's audit (every level exact, counts, cursors, the code map) must
 * pass after every step in small pools, every AUDIT_EVERY steps in the
 * others, and at the end; ours' at the end.  Pools of two summary levels
 * and of three, max_order 1 to 12 (see main()).
 *
 * Usage: sketch_check [STEPS]   (default 200000 a pool)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buddy_harness.h"
#include "sketch.h"

#define AUDIT_EVERY	97
#define SMALL_POOL	4096	/* audited after every step */

static int check_pool(unsigned long nr_frames, unsigned int max_order,
		      unsigned long steps, uint64_t seed)
{
	struct pool *pool = calloc(1, sizeof(*pool));
	struct buddy_core *ours;
	struct sketch *sk = malloc(sizeof(*sk));
	void *meta_sk = malloc(sketch_meta_size(nr_frames, max_order));
	long *live = malloc(nr_frames * sizeof(*live));
	unsigned long nr_live = 0, refused = 0, i;
	struct buddy_core_fault fault;
	struct rng rng;
	int err = 1;

	if (!pool || !sk || !meta_sk || !live) {
		printf("%lu frames: out of memory\n", nr_frames);
		goto out;
	}
	ours = &pool->core;
	rng_seed(&rng, seed);
	if (pool_init(pool, nr_frames, max_order) ||
	    sketch_init(sk, meta_sk, nr_frames, max_order)) {
		printf("%lu frames: init failed\n", nr_frames);
		goto out;
	}
	for (i = 0; i < steps; i++) {
		/* Fill (3 allocs in 4), churn (1 in 2), drain (1 in 4). */
		unsigned int phase = i / 20000 % 3, odds = 3 - phase;
		bool alloc = rng_below(&rng, 4) < odds;
		unsigned long slot, frame;
		long a, b;

		if (!alloc && nr_live && rng_one_in_pow2(&rng, 3)) {
			frame = rng_below(&rng, nr_frames + nr_frames / 8 + 8);
			a = buddy_core_free(ours, frame);
			b = sketch_free(sk, frame);
			if (!!(a < 0) ^ !!(b < 0)) {
				printf("step %lu: free of frame %lu: ours %ld, sketch %ld\n",
				       i, frame, a, b);
				goto out;
			}
			refused += a < 0;
			for (slot = 0; !a && slot < nr_live; slot++) {
				if (live[slot] == (long)frame) {
					live[slot] = live[--nr_live];
					break;
				}
			}
		} else if (alloc || !nr_live) {
			/* One order past the top: both must refuse it. */
			unsigned int order = rng_below(&rng, max_order + 2);

			a = buddy_core_alloc(ours, order);
			b = sketch_alloc(sk, order);
			if (a != b) {
				printf("step %lu: alloc of order %u: ours %ld, sketch %ld\n",
				       i, order, a, b);
				goto out;
			}
			if (a >= 0)
				live[nr_live++] = a;
		} else {
			slot = rng_below(&rng, nr_live);
			a = buddy_core_free(ours, live[slot]);
			b = sketch_free(sk, live[slot]);
			if (a || b) {
				printf("step %lu: free of block %ld: ours %ld, sketch %ld\n",
				       i, live[slot], a, b);
				goto out;
			}
			live[slot] = live[--nr_live];
		}
		if (buddy_core_free_frames(ours) != sketch_free_frames(sk)) {
			printf("step %lu: free frames %lu (ours) against %lu\n", i,
			       buddy_core_free_frames(ours), sketch_free_frames(sk));
			goto out;
		}
		if ((nr_frames <= SMALL_POOL || i % AUDIT_EVERY == 0) &&
		    sketch_audit(sk, &fault)) {
			printf("step %lu: sketch audit: %s (order %u)\n", i,
			       fault.what, fault.order);
			goto out;
		}
	}
	if (sketch_audit(sk, &fault) || buddy_core_audit(ours, &fault)) {
		printf("final audit: %s (order %u)\n", fault.what, fault.order);
		goto out;
	}
	printf("%lu frames, max_order %u, %s levels: %lu steps, same blocks, %lu bad frees refused by both\n",
	       nr_frames, max_order, sk->three ? "three" : "two", steps,
	       refused);
	err = 0;
out:
	if (pool)
		pool_destroy(pool);
	free(live);
	free(meta_sk);
	free(sk);
	free(pool);
	return err;
}

int main(int argc, char **argv)
{
	/*
	 * The bench's max_order in pools of two and three levels, then the
	 * code map's own cases: max_order 1 and 2 (no quad of a block's
	 * own), pools of one top block, odd multiples of one (the last quad
	 * half past the pool at 6 frames), and the largest order a code names.
	 */
	static const struct {
		unsigned long nr_frames;
		unsigned int max_order;
	} pools[] = {
		{ 1UL << 10, 10 }, { 1UL << 12, 10 }, { 1UL << 18, 10 },
		{ 1UL << 19, 10 }, { 1UL << 24, 10 }, { 6, 1 }, { 1UL << 10, 1 },
		{ 4, 2 }, { 12 << 2, 2 }, { 3 << 3, 3 }, { 1UL << 12, 12 },
		{ 3UL << 12, 12 },
	};
	unsigned long steps = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pools); i++)
		if (check_pool(pools[i].nr_frames, pools[i].max_order, steps,
			       0x5ce7c4 + i))
			return 1;
	return 0;
}
