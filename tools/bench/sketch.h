/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sketch.h - the core's design in its most direct form, for the bench only
 *
 * What issue 9 proposed, with none of the core's trade-offs, and with a
 * code map in place of the core's split bits and head bits: a 4-bit code
 * per quad of frames gives free the order (1 bit per frame; 3 for the
 * whole), each order keeps a cursor on its lowest free block, and every
 * summary level is exact at all times, written without a branch on the
 * data (no lazy rule, no copies per order class, no modes per pool).
 * It hands out the same blocks as buddy_core.c, which bench/sketch_check.c
 * checks in lockstep.  `make bench CORE=sketch` times it in ours' place, to
 * measure the design apart from ours' trade-offs for the order-0 targets.
 *
 * 64-bit only; max_order at most 12; nr_frames a multiple of 2^max_order,
 * at most 2^24 (two summary levels up to 2^18 frames, three above).  A
 * bad free returns -EINVAL, unclassified: the core's exact search is not
 * here.
 */
#ifndef _SKETCH_H
#define _SKETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buddy_core.h"

/* A code of the map names orders up to 12 (sketch.c). */
#define SKETCH_MAX_ORDER	12

struct sketch_order {
	unsigned long *free;	/* level 0; free[-1] is the top word */
	unsigned long *sum1;	/* level 1: a bit per word of level 0 */
	unsigned long *sum2;	/* level 2, in pools of three levels */
	unsigned long cursor;	/* lowest free block, or ~0UL */
	unsigned long nr_free;
	unsigned long long bit;	/* 1 << k */
	unsigned long pad[2];	/* 64 bytes: a shift away */
};

struct sketch {
	struct sketch_order orders[SKETCH_MAX_ORDER + 1];
	unsigned long nr_frames;
	unsigned long long free_orders;	/* bit k: order k has a free block */
	unsigned long *codes;		/* 4 bits per quad of frames */
	unsigned char order_of[64];	/* code * 4 + frame % 4 -> order */
	unsigned int max_order;
	bool three;			/* three summary levels, not two */
	unsigned int alloc_end2;	/* max_order + 1 with two levels, else 0 */
	unsigned long nr_frames2;	/* nr_frames with two levels, else 0 */
	unsigned long allocs, frees, splits, merges;
};

size_t sketch_meta_size(unsigned long nr_frames, unsigned int max_order);
int sketch_init(struct sketch *s, void *meta, unsigned long nr_frames,
		unsigned int max_order);
long sketch_alloc(struct sketch *s, unsigned int order);
int sketch_free(struct sketch *s, unsigned long frame);
unsigned long sketch_free_frames(const struct sketch *s);
int sketch_audit(const struct sketch *s, struct buddy_core_fault *fault);

/*
 * The bench and the floor built with -DBENCH_SKETCH run the sketch in
 * ours' place.
 */
#ifdef BENCH_SKETCH
#define buddy_core		sketch
#define buddy_core_meta_size	sketch_meta_size
#define buddy_core_init		sketch_init
#define buddy_core_alloc	sketch_alloc
#define buddy_core_free		sketch_free
#define buddy_core_free_frames	sketch_free_frames
#define buddy_core_audit	sketch_audit
/* Its counters are fields of struct sketch, named as in the core's stats. */
#define buddy_core_get_stats(s)	(s)
#endif

#endif /* _SKETCH_H */
