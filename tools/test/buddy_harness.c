// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_harness.c - pools for the tests, the fuzzer and the bench
 */
#include <errno.h>
#include <stdlib.h>

#include "buddy_harness.h"

/*
 * Sets up @pool with every frame free.  The metadata comes from calloc(),
 * which is aligned for any type, as buddy_core_init() requires.
 * Return: 0; -EINVAL for arguments the core refuses; -ENOMEM.
 */
int pool_init(struct pool *pool, unsigned long nr_frames,
	      unsigned int max_order)
{
	int ret;

	pool->meta = NULL;
	pool->meta_size = buddy_core_meta_size(nr_frames, max_order);
	if (!pool->meta_size)
		return -EINVAL;
	pool->meta = calloc(1, pool->meta_size);
	if (!pool->meta)
		return -ENOMEM;
	ret = buddy_core_init(&pool->core, pool->meta, nr_frames, max_order);
	if (ret)
		pool_destroy(pool);
	return ret;
}

void pool_destroy(struct pool *pool)
{
	free(pool->meta);
	pool->meta = NULL;
	pool->meta_size = 0;
}
