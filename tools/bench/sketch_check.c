// SPDX-License-Identifier: GPL-2.0
/*
 * sketch_check.c - the sketch (sketch.c) against buddy_core.c, in lockstep
 *
 * Both hand out the lowest free block of the smallest sufficient order, so
 * on the same calls they must return the same frames.  Random allocs of
 * orders 0-10 and frees of live blocks, in phases that fill, churn and
 * drain, with a bad free (a random frame, often past the pool) one step in
 * eight: both must refuse it or both take it.  The free frames must agree
 * after every step, and the sketch's audit (every level exact, counts,
 * cursors) must pass every AUDIT_EVERY steps and at the end; ours' at the
 * end.  Pools of two summary levels and of three.
 *
 * Usage: sketch_check [STEPS]   (default 200000 a pool)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buddy_harness.h"
#include "sketch.h"

#define MAX_ORDER	10
#define AUDIT_EVERY	97

static int check_pool(unsigned long nr_frames, unsigned long steps,
		      uint64_t seed)
{
	struct pool *pool = calloc(1, sizeof(*pool));
	struct buddy_core *ours;
	struct sketch *sk = malloc(sizeof(*sk));
	void *meta_sk = malloc(sketch_meta_size(nr_frames, MAX_ORDER));
	long *live = malloc(nr_frames * sizeof(*live));
	unsigned long nr_live = 0, refused = 0, i;
	struct buddy_core_fault fault;
	struct rng rng;
	int err = 1;

	if (!pool || !sk || !meta_sk || !live) {
		printf("2^%d frames: out of memory\n", __builtin_ctzl(nr_frames));
		goto out;
	}
	ours = &pool->core;
	rng_seed(&rng, seed);
	if (pool_init(pool, nr_frames, MAX_ORDER) ||
	    sketch_init(sk, meta_sk, nr_frames, MAX_ORDER)) {
		printf("2^%d frames: init failed\n", __builtin_ctzl(nr_frames));
		goto out;
	}
	for (i = 0; i < steps; i++) {
		/* Fill (3 allocs in 4), churn (1 in 2), drain (1 in 4). */
		unsigned int phase = i / 20000 % 3, odds = 3 - phase;
		bool alloc = rng_below(&rng, 4) < odds;
		unsigned long slot, frame;
		long a, b;

		if (!alloc && nr_live && rng_one_in_pow2(&rng, 3)) {
			frame = rng_below(&rng, nr_frames + nr_frames / 8);
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
			unsigned int order = rng_below(&rng, MAX_ORDER + 1);

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
		if (i % AUDIT_EVERY == 0 && sketch_audit(sk, &fault)) {
			printf("step %lu: sketch audit: %s (order %u)\n", i,
			       fault.what, fault.order);
			goto out;
		}
	}
	if (sketch_audit(sk, &fault) || buddy_core_audit(ours, &fault)) {
		printf("final audit: %s (order %u)\n", fault.what, fault.order);
		goto out;
	}
	printf("2^%d frames, %s levels: %lu steps, same blocks, %lu bad frees refused by both\n",
	       __builtin_ctzl(nr_frames), sk->three ? "three" : "two", steps,
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
	static const unsigned int shifts[] = { 10, 12, 18, 19, 24 };
	unsigned long steps = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(shifts); i++)
		if (check_pool(1UL << shifts[i], steps, 0x5ce7c4 + i))
			return 1;
	return 0;
}
