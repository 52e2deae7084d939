// SPDX-License-Identifier: GPL-2.0
/*
 * ref_lean.c - a lean free-list buddy allocator, for the bench only
 *
 * ref_buddy.c's algorithm (per-order free lists, the smallest order that
 * has a block, expand(), merge while the buddy is free), with less of the
 * kernel's shape: 12 bytes per frame (96 bits, the lean end of what a
 * free-list allocator spends; ref_buddy.c's struct is 24, as struct page's
 * share), the lists linked by 32-bit frame numbers, and the list
 * operations inline (out of line, they cost it 15% of fill and drain's
 * time at 16 MiB).  Like ref_buddy.c, it puts every freed block at the
 * head of its list, without the kernel's buddy_merge_likely().  So it
 * runs fewer instructions than the kernel's way, and in small pools, where
 * nothing misses the cache, that is most of the time.  make bench REF=lean
 * measures ours against it, with the same API and checks as ref_buddy.c.
 */
#include <errno.h>
#include <stdint.h>

#include "ref_buddy.h"

#define REF_NIL	UINT32_MAX

static inline void add_to_free_list(struct ref_buddy *ref,
				    unsigned long pfn, unsigned int order)
{
	struct ref_free_area *area = &ref->free_area[order];
	struct ref_frame *frame = &ref->frames[pfn];
	uint32_t head = area->head;

	frame->next = head;
	frame->prev = REF_NIL;
	frame->order = order;
	frame->buddy = true;
	if (head != REF_NIL)
		ref->frames[head].prev = pfn;
	area->head = pfn;
	area->nr_free++;
}

static inline void del_from_free_list(struct ref_buddy *ref,
				      unsigned long pfn, unsigned int order)
{
	struct ref_frame *frame = &ref->frames[pfn];

	if (frame->prev != REF_NIL)
		ref->frames[frame->prev].next = frame->next;
	else
		ref->free_area[order].head = frame->next;
	if (frame->next != REF_NIL)
		ref->frames[frame->next].prev = frame->prev;
	frame->buddy = false;
	ref->free_area[order].nr_free--;
}

long ref_buddy_alloc(struct ref_buddy *ref, unsigned int order)
{
	unsigned int current_order;
	unsigned long pfn;

	for (current_order = order; current_order <= ref->max_order;
	     current_order++) {
		pfn = ref->free_area[current_order].head;
		if (pfn == REF_NIL)
			continue;
		del_from_free_list(ref, pfn, current_order);
		/* expand(): the upper halves go free, the lower is kept. */
		while (current_order > order) {
			current_order--;
			add_to_free_list(ref, pfn + (1UL << current_order),
					 current_order);
		}
		return pfn;
	}
	return -ENOMEM;
}

void ref_buddy_free(struct ref_buddy *ref, unsigned long pfn,
		    unsigned int order)
{
	while (order < ref->max_order) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		const struct ref_frame *buddy;

		if (buddy_pfn >= ref->nr_frames)
			break;
		buddy = &ref->frames[buddy_pfn];
		if (!buddy->buddy || buddy->order != order)
			break;
		del_from_free_list(ref, buddy_pfn, order);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(ref, pfn, order);
}

/*
 * The pool is covered by the largest aligned blocks that fit, as in
 * ref_buddy.c: max_order blocks, then the tail's in falling orders.  They
 * go to their lists' heads from the top down, so that each list starts
 * with its lowest block and the first allocations come from low addresses.
 */
int ref_buddy_init(struct ref_buddy *ref, struct ref_frame *frames,
		   unsigned long nr_frames, unsigned int max_order)
{
	unsigned long end = nr_frames, tail;
	unsigned int order;

	if (!nr_frames || nr_frames >= REF_NIL || max_order > REF_MAX_ORDER)
		return -EINVAL;
	ref_buddy_setup(ref, frames, nr_frames, max_order);
	for (order = 0; order <= REF_MAX_ORDER; order++) {
		ref->free_area[order].head = REF_NIL;
		ref->free_area[order].nr_free = 0;
	}
	tail = nr_frames & ((1UL << max_order) - 1);
	for (order = 0; order < max_order; order++) {
		if (tail & (1UL << order)) {
			end -= 1UL << order;
			add_to_free_list(ref, end, order);
		}
	}
	while (end) {
		end -= 1UL << max_order;
		add_to_free_list(ref, end, max_order);
	}
	return 0;
}
