/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/slab.h for kunit/buddy_core_test.c on the host: the allocations it
 * makes itself (its resources' own, which kunit_host.c frees), on libc.
 * Only that suite's objects see this directory (tools/Makefile).
 */
#ifndef _BUDDY_KUNIT_HOST_SLAB_H
#define _BUDDY_KUNIT_HOST_SLAB_H

#include <stdlib.h>

/* From <linux/types.h>, which the kernel's <linux/slab.h> includes. */
typedef unsigned char u8;

#define GFP_KERNEL	0

static inline void *kmalloc(size_t size, int gfp)
{
	(void)gfp;
	return malloc(size);
}

/* As the kernel's: NULL when @n * @size does not fit a size_t. */
static inline void *kvmalloc_array(size_t n, size_t size, int gfp)
{
	(void)gfp;
	if (size && n > (size_t)-1 / size)
		return NULL;
	return malloc(n * size);
}

static inline void *kvmalloc(size_t size, int gfp)
{
	return kvmalloc_array(1, size, gfp);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

#endif /* _BUDDY_KUNIT_HOST_SLAB_H */
