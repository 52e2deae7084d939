/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy_harness.h - helpers shared by the tests, the fuzzer and the bench
 *
 * A pool is a struct buddy_core plus the metadata buffer it lives in, which
 * the core leaves to its caller.  The random numbers are xoshiro256** seeded
 * with splitmix64: fast enough that the bench's own victim selection stays
 * small next to an allocation, and the same sequence on every machine, so a
 * failing seed can be replayed.
 */
#ifndef _BUDDY_HARNESS_H
#define _BUDDY_HARNESS_H

#include <stdint.h>

#include "buddy_core.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct pool {
	struct buddy_core core;
	void *meta;
	size_t meta_size;
};

int pool_init(struct pool *pool, unsigned long nr_frames,
	      unsigned int max_order);
void pool_destroy(struct pool *pool);

/* === Random numbers === */

struct rng {
	uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *rng, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/*
 * A number in [0, bound) by multiply-high (Lemire) instead of a division,
 * which costs as much as some allocations.  The bias, bound / 2^32, does not
 * matter to a test.  Larger bounds (never in a hot loop) fall back to a
 * modulo.  bound 0 gives 0.
 */
static inline uint64_t rng_below(struct rng *rng, uint64_t bound)
{
	if (bound <= UINT32_MAX)
		return ((rng_next(rng) >> 32) * bound) >> 32;
	return bound ? rng_next(rng) % bound : 0;
}

/* True with probability 1/2^bits. */
static inline int rng_one_in_pow2(struct rng *rng, unsigned int bits)
{
	return !(rng_next(rng) & ((1ULL << bits) - 1));
}

#endif /* _BUDDY_HARNESS_H */
