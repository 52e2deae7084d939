// SPDX-License-Identifier: GPL-2.0
/*
 * ref_buddy.c - a Linux-style free-list buddy allocator, for the bench only
 *
 * Follows mm/page_alloc.c (6.12) function by function, names included, so
 * the bench compares buddy_core.c against the kernel's algorithm and data
 * layout rather than against a strawman.  Left out: per-CPU lists,
 * migrate types, pageblocks, guard pages, compaction capture, shuffling,
 * every debug check, and buddy_merge_likely(): __free_one_page() asks it
 * whether the freed block's parent's buddy is free, to put the block at
 * the tail of its list if so.  That is a policy against fragmentation, not
 * free-list allocation; it costs a branch on the data per free (with it,
 * the mixed workload at 16 MiB ran 1.23-1.24x this reference's time:
 * tools/bench/NOTES.md, round 15), and a free-list allocator without it is
 * the harder yardstick.  So every free goes to the head of its list.  Like a
 * zone, the pool starts with its frames freed to the tail of the lists in
 * max_order chunks (__free_pages_core() with FPI_TO_TAIL), so that the
 * first allocations come from low addresses.
 */
#include <errno.h>
#include <stddef.h>

#include "ref_buddy.h"

static void list_init(struct ref_list *list)
{
	list->next = list;
	list->prev = list;
}

static void list_insert(struct ref_list *entry, struct ref_list *prev,
			struct ref_list *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

static void list_del(struct ref_list *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
}

static struct ref_frame *list_to_frame(struct ref_list *entry)
{
	return (struct ref_frame *)((char *)entry -
				    offsetof(struct ref_frame, buddy_list));
}

static unsigned long frame_nr(const struct ref_buddy *ref,
			      const struct ref_frame *frame)
{
	return frame - ref->frames;
}

/* __add_to_free_list() and set_buddy_order() */
static void add_to_free_list(struct ref_buddy *ref, struct ref_frame *frame,
			     unsigned int order, bool tail)
{
	struct ref_free_area *area = &ref->free_area[order];

	if (tail)
		list_insert(&frame->buddy_list, area->free_list.prev,
			    &area->free_list);
	else
		list_insert(&frame->buddy_list, &area->free_list,
			    area->free_list.next);
	area->nr_free++;
	frame->order = order;
	frame->buddy = true;
}

/* __del_page_from_free_list() */
static void del_from_free_list(struct ref_buddy *ref, struct ref_frame *frame,
			       unsigned int order)
{
	list_del(&frame->buddy_list);
	frame->buddy = false;
	frame->order = 0;
	ref->free_area[order].nr_free--;
}

/*
 * find_buddy_page_pfn(): the buddy of (@pfn, @order) if it is the head of a
 * free block of the same order.  Outside the pool there is no buddy.
 */
static struct ref_frame *find_buddy(struct ref_buddy *ref, unsigned long pfn,
				    unsigned int order)
{
	unsigned long buddy_pfn = pfn ^ (1UL << order);
	struct ref_frame *buddy;

	if (buddy_pfn >= ref->nr_frames)
		return NULL;
	buddy = &ref->frames[buddy_pfn];
	if (!buddy->buddy || buddy->order != order)
		return NULL;
	return buddy;
}

/*
 * Without buddy_merge_likely() (see the comment at the top), every block
 * goes to the head of its list.  Its one caller is free: init puts its
 * blocks on the lists itself, so no flag of init's is carried and tested
 * at run time.
 */
static void __free_one_page(struct ref_buddy *ref, unsigned long pfn,
			    unsigned int order)
{
	while (order < ref->max_order) {
		struct ref_frame *buddy = find_buddy(ref, pfn, order);

		if (!buddy)
			break;
		del_from_free_list(ref, buddy, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_to_free_list(ref, &ref->frames[pfn], order, false);
}

void ref_buddy_free(struct ref_buddy *ref, unsigned long frame,
		    unsigned int order)
{
	__free_one_page(ref, frame, order);
}

/* expand(): split down to @low, the upper halves to the list heads */
static void expand(struct ref_buddy *ref, struct ref_frame *frame,
		   unsigned int low, unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(ref, &frame[size], high, false);
	}
}

/* __rmqueue_smallest(): the head of the first non-empty list upwards */
long ref_buddy_alloc(struct ref_buddy *ref, unsigned int order)
{
	unsigned int current_order;

	for (current_order = order; current_order <= ref->max_order;
	     current_order++) {
		struct ref_free_area *area = &ref->free_area[current_order];
		struct ref_frame *frame;

		if (area->free_list.next == &area->free_list)
			continue;
		frame = list_to_frame(area->free_list.next);
		del_from_free_list(ref, frame, current_order);
		expand(ref, frame, order, current_order);
		return frame_nr(ref, frame);
	}
	return -ENOMEM;
}

/*
 * Every frame allocated (the memory map zeroed), then the pool freed in the
 * largest chunks that fit, as a zone is at boot, each to the tail of its
 * list (FPI_TO_TAIL).  A chunk's buddy is never a free chunk of its order
 * (the two would have made one chunk, but at max_order), so nothing
 * merges, and each goes on its list directly.
 */
int ref_buddy_init(struct ref_buddy *ref, struct ref_frame *frames,
		   unsigned long nr_frames, unsigned int max_order)
{
	unsigned long frame = 0;
	unsigned int order;

	if (!nr_frames || max_order > REF_MAX_ORDER)
		return -EINVAL;
	ref_buddy_setup(ref, frames, nr_frames, max_order);
	for (order = 0; order <= REF_MAX_ORDER; order++) {
		list_init(&ref->free_area[order].free_list);
		ref->free_area[order].nr_free = 0;
	}
	while (frame < nr_frames) {
		order = max_order;
		while (frame & ((1UL << order) - 1) ||
		       nr_frames - frame < 1UL << order)
			order--;
		add_to_free_list(ref, &ref->frames[frame], order, true);
		frame += 1UL << order;
	}
	return 0;
}
