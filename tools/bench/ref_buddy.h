/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ref_buddy.h - a Linux-style free-list buddy allocator, for the bench only
 *
 * The shape of mm/page_alloc.c without per-CPU lists, migrate types, zones
 * or debug checks: a struct per frame (as struct page), per-order doubly
 * linked free lists, __rmqueue_smallest(), expand(), __free_one_page().  It
 * is the yardstick the bench measures buddy_core.c against; it checks
 * nothing, so a bad free corrupts it, as in the kernel without DEBUG_VM.
 */
#ifndef _REF_BUDDY_H
#define _REF_BUDDY_H

#include <stdbool.h>

#define REF_MAX_ORDER	40

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

struct ref_buddy {
	struct ref_frame *frames;	/* the memory map */
	unsigned long nr_frames;
	unsigned int max_order;
	struct ref_free_area free_area[REF_MAX_ORDER + 1];
};

/* The caller provides the memory map: nr_frames struct ref_frame. */
int ref_buddy_init(struct ref_buddy *ref, struct ref_frame *frames,
		   unsigned long nr_frames, unsigned int max_order);

long ref_buddy_alloc(struct ref_buddy *ref, unsigned int order);
void ref_buddy_free(struct ref_buddy *ref, unsigned long frame,
		    unsigned int order);
unsigned long ref_buddy_free_frames(const struct ref_buddy *ref);

#endif /* _REF_BUDDY_H */
