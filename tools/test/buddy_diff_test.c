// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_diff_test.c - the core against the model, over random operations
 *
 * Each run drives one pool shape with a seeded PRNG through phases that
 * lean towards allocating (to reach exhaustion) or freeing (to drain and
 * merge), mixing good frees with bad frees of every class and queries.
 * buddy_diff.c compares every return value and the counts after every step,
 * and the whole tree (walk, seek, check) every few hundred steps.  A failure
 * prints the shape, the seed and the step; `buddy_test -s SEED` replays it.
 */
#include <limits.h>
#include <time.h>

#include "buddy_diff.h"
#include "buddy_test.h"

struct diff_shape {
	unsigned long nr_frames;
	unsigned int max_order;
	unsigned long nr_steps;		/* per seed */
};

/* Each shape runs with this many seeds, derived from test_seed. */
#define NR_SEEDS	3

static unsigned long long total_steps;

/* Mostly small orders, some of every order, a few above max_order. */
static unsigned int random_order(struct rng *rng, unsigned int max_order)
{
	uint64_t r = rng_next(rng);
	unsigned int order;

	switch (r % 16) {
	case 0:
		return max_order + 1 + (r >> 8) % 3;
	case 1: case 2: case 3: case 4:
		return (r >> 8) % (max_order + 1);
	default:
		order = __builtin_ctzll((r >> 8) | (1ULL << 48));
		return order < max_order ? order : max_order;
	}
}

static bool diff_step(struct buddy_diff *diff, struct rng *rng,
		      unsigned int alloc_percent, unsigned long *last_freed)
{
	unsigned long nr_frames = diff->model.nr_frames;
	unsigned int max_order = diff->model.max_order;
	unsigned long r = rng_below(rng, 100), frame;

	if (r < 80) {
		if (rng_below(rng, 100) < alloc_percent || !diff->nr_live)
			return diff_alloc(diff, random_order(rng, max_order));
		frame = diff->live[rng_below(rng, diff->nr_live)];
		*last_freed = frame;
		return diff_free(diff, frame);
	}
	if (r < 85)		/* any frame: good, double or interior */
		return diff_free(diff, rng_below(rng, nr_frames));
	if (r < 88)
		return diff_free_interior(diff, rng_next(rng), rng_next(rng));
	if (r < 90) {
		frame = rng_below(rng, 4);
		return diff_free(diff, r & 1 ? nr_frames + frame :
					       ULONG_MAX - frame);
	}
	if (r < 92)		/* double free, unless reallocated since */
		return diff_free(diff, *last_freed);
	return diff_query(diff, rng_below(rng, nr_frames + 2),
			  rng_below(rng, max_order + 2));
}

static bool diff_run(const struct diff_shape *shape, uint64_t seed,
		     bool observe)
{
	unsigned long walk_every, step, last_freed = 0, i;
	static const unsigned int phases[] = { 50, 90, 50, 20, 70 };
	unsigned int alloc_percent = 50;
	struct buddy_diff diff;
	struct rng rng;
	char label[64];
	bool ok = true;
	int ret;

	snprintf(label, sizeof(label), "seed %#llx", (unsigned long long)seed);
	if (!diff_init(&diff, shape->nr_frames, shape->max_order, &ret))
		return false;
	ASSERT_EQ(ret, 0);
	diff.label = label;
	rng_seed(&rng, seed);
	diff_observe(&diff, observe);

	/* The tree costs O(frames) to compare: keep it a small share. */
	walk_every = shape->nr_frames / 2 > 256 ? shape->nr_frames / 2 : 256;
	for (step = 1; ok && step <= shape->nr_steps; step++) {
		if (step % 512 == 0)
			alloc_percent = phases[rng_below(&rng,
							 ARRAY_SIZE(phases))];
		/* The observer comes and goes: fast paths in between. */
		if (observe && step % 512 == 0)
			diff_observe(&diff, rng_below(&rng, 4));
		ok = diff_step(&diff, &rng, alloc_percent, &last_freed);
		if (ok && step % 64 == 0)
			ok = diff_audit(&diff);
		if (ok && step % walk_every == 0) {
			ok = diff_compare_walk(&diff);
			for (i = 0; ok && i < 8; i++)
				ok = diff_seek(&diff,
					       rng_below(&rng, shape->nr_frames + 1),
					       rng_below(&rng, shape->max_order + 2));
		}
	}
	total_steps += step - 1;

	/* Free everything: all must merge back to the roots of init. */
	while (ok && diff.nr_live)
		ok = diff_free_live(&diff, rng_next(&rng));
	if (ok)
		ok = diff_compare_walk(&diff);
	if (ok && buddy_core_free_frames(&diff.pool.core) != shape->nr_frames)
		ok = false;
	diff_destroy(&diff);
	return ok;
}

static bool run_shapes(const struct diff_shape *shapes, unsigned int nr,
		       uint64_t salt, bool observe)
{
	unsigned long long steps_before = total_steps;
	struct timespec start, end;
	unsigned int i, s;
	uint64_t seeds = test_seed ^ salt;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < nr; i++) {
		for (s = 0; s < NR_SEEDS; s++) {
			uint64_t seed = splitmix64(&seeds);

			if (!diff_run(&shapes[i], seed, observe)) {
				fprintf(stderr, "diff: %lu frames, max_order %u, seed %#llx failed (test seed %#llx)\n",
					shapes[i].nr_frames,
					shapes[i].max_order,
					(unsigned long long)seed,
					(unsigned long long)test_seed);
				return false;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (test_verbose)
		printf("  %llu random steps in %.2f s (%llu so far)\n",
		       total_steps - steps_before,
		       (end.tv_sec - start.tv_sec) +
		       (end.tv_nsec - start.tv_nsec) / 1e9, total_steps);
	return true;
}

static bool test_diff_power_of_two_pools(void)
{
	static const struct diff_shape shapes[] = {
		{ 2, 1, 20000 },
		{ 16, 4, 40000 },
		{ 256, 8, 80000 },
		{ 1024, 10, 100000 },
		{ 4096, 10, 60000 },
		{ 1024, 3, 30000 },
		{ 1UL << 20, 20, 30000 },	/* levels 0-3: set3(), take3() */
		/* Two top-order blocks, where init keeps the summaries. */
		{ 1UL << 13, 12, 20000 },
		{ 1UL << 19, 18, 10000 },
	};

	return run_shapes(shapes, ARRAY_SIZE(shapes), 1, false);
}

static bool test_diff_odd_pools(void)
{
	static const struct diff_shape shapes[] = {
		{ 3, 1, 10000 },
		{ 100, 10, 60000 },
		{ 255, 3, 30000 },
		{ 1000, 10, 60000 },
		{ 4097, 12, 40000 },
		{ 12345, 6, 20000 },
		{ (1UL << 20) + 12345, BUDDY_CORE_MAX_ORDER, 20000 },
		/* Levels 0-4 (64-bit): the walks that levels3 pools skip. */
		{ (1UL << 24) + 12345, 12, 4000 },
	};

	return run_shapes(shapes, ARRAY_SIZE(shapes), 2, false);
}

/* One frame, max_order 0, and max_order far beyond the pool */
static bool test_diff_edge_pools(void)
{
	static const struct diff_shape shapes[] = {
		{ 1, 0, 5000 },
		{ 1, BUDDY_CORE_MAX_ORDER, 5000 },
		{ 2, 0, 5000 },
		{ 100, 0, 20000 },
		{ 5, BUDDY_CORE_MAX_ORDER, 10000 },
		{ 96, 40, 30000 },
		{ 1023, 20, 30000 },
	};

	return run_shapes(shapes, ARRAY_SIZE(shapes), 3, false);
}

/*
 * The steps that the core reports to an observer (buddyctl's --explain,
 * the module's events and tracepoints) are exactly what the model's state
 * implies, in every layout: flat, two summary levels and three (set3()
 * and take3()), where the observed paths leave the fast ones at different
 * places.  The observer is on for three quarters of the phases.
 */
static bool test_diff_observed_pools(void)
{
	static const struct diff_shape shapes[] = {
		{ 16, 4, 20000 },
		{ 1000, 10, 30000 },
		{ 4096, 12, 30000 },
		{ 4097, 12, 20000 },
		{ 12345, 6, 20000 },
		{ 1UL << 20, 20, 20000 },
		{ (1UL << 20) + 12345, BUDDY_CORE_MAX_ORDER, 10000 },
	};

	return run_shapes(shapes, ARRAY_SIZE(shapes), 5, true);
}

/*
 * Every pool of 1..80 frames at several max_orders: fill with random orders
 * until even order 0 fails, then free everything in random order, comparing
 * the whole tree after every step.
 */
static bool test_diff_fill_and_drain_all_small_pools(void)
{
	static const unsigned int max_orders[] = { 0, 1, 2, 3, 5, 40 };
	unsigned long nr_frames;
	unsigned int i;
	struct rng rng;
	int ret;

	rng_seed(&rng, test_seed ^ 4);
	for (nr_frames = 1; nr_frames <= 80; nr_frames++) {
		for (i = 0; i < ARRAY_SIZE(max_orders); i++) {
			struct buddy_diff diff;
			bool ok = true;

			if (!diff_init(&diff, nr_frames, max_orders[i], &ret))
				return false;
			ASSERT_EQ(ret, 0);
			while (ok && buddy_core_free_frames(&diff.pool.core)) {
				ok = diff_alloc(&diff,
						random_order(&rng, max_orders[i])) &&
				     diff_compare_walk(&diff);
			}
			ok = ok && diff_alloc(&diff, 0);
			while (ok && diff.nr_live)
				ok = diff_free_live(&diff, rng_next(&rng)) &&
				     diff_compare_walk(&diff);
			total_steps += diff.ops;
			diff_destroy(&diff);
			ASSERT_TRUE(ok);
		}
	}
	if (test_verbose)
		printf("  every pool of 1..80 frames filled and drained (%llu steps so far)\n",
		       total_steps);
	return true;
}

const struct buddy_test buddy_diff_tests[] = {
	BUDDY_TEST(diff_power_of_two_pools),
	BUDDY_TEST(diff_odd_pools),
	BUDDY_TEST(diff_edge_pools),
	BUDDY_TEST(diff_observed_pools),
	BUDDY_TEST(diff_fill_and_drain_all_small_pools),
};

const unsigned int nr_buddy_diff_tests = ARRAY_SIZE(buddy_diff_tests);
