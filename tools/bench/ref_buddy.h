/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ref_buddy.h - a Linux-style free-list buddy allocator, for the bench only
 *
 * The shape of mm/page_alloc.c without per-CPU lists, migrate types, zones,
 * debug checks or buddy_merge_likely(): a struct per frame (as struct
 * page), per-order doubly linked free lists, __rmqueue_smallest(),
 * expand(), __free_one_page().  It is the yardstick the bench measures
 * buddy_core.c against; it checks nothing, so a bad free corrupts it, as
 * in the kernel without DEBUG_VM.
 *
 * Built with REF_LEAN, the same functions come from ref_lean.c instead: the
 * same algorithm in less memory and fewer instructions, a second yardstick.
 */
#ifndef _REF_BUDDY_H
#define _REF_BUDDY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define REF_MAX_ORDER	40

#ifdef REF_LEAN
/*
 * The lean reference (ref_lean.c, make bench REF=lean): 12 bytes per
 * frame, the lists linked by frame number.
 */
struct ref_frame {
	uint32_t next, prev;		/* on a free list, if a free head */
	unsigned char order;		/* if a free head */
	bool buddy;			/* head of a free block */
};

struct ref_free_area {
	uint32_t head;			/* first frame, or UINT32_MAX */
	unsigned long nr_free;
};
#else
struct ref_list {
	struct ref_list *next, *prev;
};

/* What struct page holds for the buddy allocator. */
struct ref_frame {
	struct ref_list buddy_list;	/* on a free list, if a free head */
	unsigned char order;		/* buddy_order(), if a free head */
	bool buddy;			/* PageBuddy(): head of a free block */
};

struct ref_free_area {
	struct ref_list free_list;
	unsigned long nr_free;
};
#endif

struct ref_buddy {
	struct ref_frame *frames;	/* the memory map */
	unsigned long nr_frames;
	unsigned int max_order;
	struct ref_free_area free_area[REF_MAX_ORDER + 1];
};

/* What both references' init do first: the pool's fields, a clear map. */
static inline void ref_buddy_setup(struct ref_buddy *ref,
				   struct ref_frame *frames,
				   unsigned long nr_frames,
				   unsigned int max_order)
{
	ref->frames = frames;
	ref->nr_frames = nr_frames;
	ref->max_order = max_order;
	memset(frames, 0, nr_frames * sizeof(*frames));
}

/* The caller provides the memory map: nr_frames struct ref_frame. */
int ref_buddy_init(struct ref_buddy *ref, struct ref_frame *frames,
		   unsigned long nr_frames, unsigned int max_order);

long ref_buddy_alloc(struct ref_buddy *ref, unsigned int order);
void ref_buddy_free(struct ref_buddy *ref, unsigned long frame,
		    unsigned int order);

/* Free frames: the free lists' counts, for the callers' checks. */
static inline unsigned long ref_buddy_free_frames(const struct ref_buddy *ref)
{
	unsigned long frames = 0;
	unsigned int order;

	for (order = 0; order <= ref->max_order; order++)
		frames += ref->free_area[order].nr_free << order;
	return frames;
}

#endif /* _REF_BUDDY_H */
