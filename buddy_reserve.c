// SPDX-License-Identifier: GPL-2.0
/*
 * The physically contiguous range of page frames the pool manages
 *
 * A pool of at most MAX_ORDER_NR_PAGES pages (4 MiB with 4 KiB pages) is
 * one block of the kernel's own buddy allocator: alloc_pages_exact() takes
 * it and gives the unused tail back.  A larger one is no block of the
 * kernel's: the module looks for a range itself, as alloc_contig_pages()
 * does (which is not exported), and takes it with alloc_contig_range(),
 * which migrates whatever movable pages are in the way.  Candidates are
 * aligned to 2^max_order pages, so that the pool's blocks are naturally
 * aligned in pfns too (a buddy is pfn ^ 2^order), and to a pageblock; they
 * lie in one zone, are online and hold no reserved page.  The highest
 * zones and addresses are tried first, where a booted system is least
 * busy; a candidate that cannot be taken is skipped for the next.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/memory_hotplug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/page-flags.h>

#include "buddy_mod.h"

/* Ranges alloc_contig_range() may try before the load gives up. */
#define RESERVE_TRIES		64

/*
 * The highest pfn of [@start, @start + @nr) that is offline, in another
 * zone or reserved, or @start - 1 when there is none.
 */
static unsigned long last_unusable(struct zone *zone, unsigned long start,
				   unsigned long nr)
{
	unsigned long pfn;

	for (pfn = start + nr; pfn-- > start; ) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || page_zone(page) != zone || PageReserved(page))
			return pfn;
		if (!(pfn & 1023))
			cond_resched();
	}
	return start - 1;
}

/* Candidates in @zone, from its top down; 0 when found, else why not. */
static int reserve_in_zone(struct buddy_range *r, struct zone *zone,
			   unsigned long nr, unsigned long align, int *tries)
{
	unsigned long first = zone->zone_start_pfn, end = zone_end_pfn(zone);
	unsigned long start, bad;
	int err = -ENOMEM;

	if (!populated_zone(zone) || end - first < nr)
		return -ENOMEM;
	start = ALIGN_DOWN(end - nr, align);
	while (start >= first && *tries < RESERVE_TRIES) {
		bad = last_unusable(zone, start, nr);
		if (bad >= start) {
			/* The next candidate ends below the bad page. */
			if (bad < first + nr)
				break;
			start = ALIGN_DOWN(bad - nr, align);
			continue;
		}
		++*tries;
		err = alloc_contig_range(start, start + nr, MIGRATE_MOVABLE,
					 GFP_KERNEL | __GFP_NOWARN);
		if (!err) {
			r->first_pfn = start;
			r->nid = zone_to_nid(zone);
			pr_info("reserved pfn %#lx-%#lx in zone %s with alloc_contig_range() (%d tries)\n",
				start, start + nr - 1, zone->name, *tries);
			return 0;
		}
		if (start < first + align)
			break;
		start -= align;
	}
	return err;
}

static int reserve_contig(struct buddy_range *r, unsigned long nr,
			  unsigned int align_order)
{
	unsigned long align = max(1UL << align_order, pageblock_nr_pages);
	int nid, z, tries = 0, err, last = 0;

	for_each_online_node(nid) {
		for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
			err = reserve_in_zone(r, &NODE_DATA(nid)->node_zones[z],
					      nr, align, &tries);
			if (!err)
				return 0;
			if (err != -ENOMEM || !last)
				last = err;
		}
	}
	if (!tries) {
		pr_err("pages=%lu: no zone has that many online, unreserved, contiguous pages aligned to %lu pages (2^max_order)\n",
		       nr, align);
		return -ENOMEM;
	}
	pr_err("pages=%lu: alloc_contig_range() failed on %d ranges (last error %d): their pages could not all be moved\n",
	       nr, tries, last);
	return last == -ENOMEM ? -ENOMEM : -EBUSY;
}

/**
 * buddy_reserve() - Take a physically contiguous range of pages.
 * @r: Filled in.
 * @nr: Pages, at least 1.
 * @align_order: log2 of the alignment the first pfn needs, in pages.
 *
 * Context: Process context; may sleep.
 * Return: 0; -ENOMEM if no range that large is free or movable, -EBUSY if
 * candidates were found but their pages could not be moved.  The log says
 * which, and nothing stays reserved.
 */
int buddy_reserve(struct buddy_range *r, unsigned long nr,
		  unsigned int align_order)
{
	struct page *page;

	memset(r, 0, sizeof(*r));
	r->nr_pages = nr;
	if (nr <= MAX_ORDER_NR_PAGES) {
		r->vaddr = alloc_pages_exact(nr << PAGE_SHIFT,
					     GFP_KERNEL | __GFP_NOWARN);
		if (!r->vaddr) {
			pr_err("pages=%lu: the page allocator has no free block that large\n",
			       nr);
			return -ENOMEM;
		}
		page = virt_to_page(r->vaddr);
		r->first_pfn = page_to_pfn(page);
		r->nid = page_to_nid(page);
		return 0;
	}
	return reserve_contig(r, nr, align_order);
}

/**
 * buddy_unreserve() - Give a range back to the kernel.
 * @r: What buddy_reserve() took.
 */
void buddy_unreserve(struct buddy_range *r)
{
	if (r->vaddr)
		free_pages_exact(r->vaddr, r->nr_pages << PAGE_SHIFT);
	else
		free_contig_range(r->first_pfn, r->nr_pages);
}
