// SPDX-License-Identifier: GPL-2.0
/*
 * A buddy allocator over a page range reserved at load
 *
 * At load the module takes a physically contiguous range of "pages" page
 * frames from the kernel's page allocator and hands it to buddy_core, which
 * manages it with an order-indexed buddy allocator.  People then allocate and
 * free blocks of that range through debugfs (buddy_debugfs.c) and /dev/buddy
 * (buddy_dev.c), and watch the tree split and merge.  The frames themselves
 * are never touched: this is a demonstration of page-frame allocation, the
 * blocks are not memory anyone uses.
 *
 * Every block carries a record of who allocated it, how and when; records
 * live in an xarray keyed by frame, and on their owner's list so an owner's
 * blocks can be freed when its file closes.  One mutex covers the core, the
 * records and the counters.
 *
 * The range comes from alloc_pages_exact(), so it is at most
 * MAX_ORDER_NR_PAGES pages (4 MiB with 4 KiB pages): larger physically
 * contiguous ranges need CMA or a boot-time reservation, which a loadable
 * module cannot count on (alloc_contig_pages() is not exported).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "buddy_cmd.h"
#include "buddy_mod.h"

static unsigned long pages = 256;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "Page frames to manage, 1 to 2^MAX_PAGE_ORDER (default 256)");

static unsigned int max_order = 10;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "Largest block order, clamped to the pool (default 10, like MAX_PAGE_ORDER)");

struct buddy_pool buddy_pool = {
	.lock = __MUTEX_INITIALIZER(buddy_pool.lock),
	.debugfs_owner = {
		.blocks = LIST_HEAD_INIT(buddy_pool.debugfs_owner.blocks),
	},
};

/**
 * buddy_request_order() - The order a request needs.
 * @req: The request.
 *
 * Return: the request's order, or for a size the smallest order whose block
 * holds it (possibly above max_order: buddy_core_alloc() then refuses it).
 */
unsigned int buddy_request_order(const struct buddy_request *req)
{
	return req->bytes ? buddy_bytes_to_order(req->bytes, PAGE_SHIFT) :
			    req->order;
}

/**
 * buddy_pool_alloc() - Allocate a block for an owner and record it.
 * @pool: The pool.
 * @owner: Who will hold the block.
 * @req: What is asked for; the tag must be valid (buddy_tag_valid()).
 * @out: Filled with a copy of the new record on success.
 *
 * Context: Process context, pool->lock held.
 * Return: 0; -EINVAL if the order is above max_order; -ENOMEM if no block
 * is free or the record cannot be allocated.  Nothing changes on failure
 * but the failed_allocs counter.
 */
int buddy_pool_alloc(struct buddy_pool *pool, struct buddy_owner *owner,
		     const struct buddy_request *req, struct buddy_rec *out)
{
	struct buddy_rec *rec;
	long frame;
	int ret;

	lockdep_assert_held(&pool->lock);
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;

	rec->order = buddy_request_order(req);
	frame = buddy_core_alloc(&pool->core, rec->order);
	if (frame < 0) {
		if (frame == -ENOMEM)
			pool->failed_allocs++;
		ret = frame;
		goto err_free_rec;
	}
	rec->frame = frame;
	ret = xa_err(xa_store(&pool->recs, frame, rec, GFP_KERNEL));
	if (ret)
		goto err_free_block;

	rec->owner = owner;
	rec->bytes = req->bytes;
	rec->ts_ns = ktime_get_ns();
	rec->pid = task_tgid_nr(current);
	get_task_comm(rec->comm, current);
	if (req->tag)
		strscpy(rec->tag, req->tag);
	list_add_tail(&rec->node, &owner->blocks);
	pool->nr_recs++;
	pool->waste_bytes += buddy_rec_waste(rec);
	*out = *rec;
	return 0;

err_free_block:
	WARN_ON_ONCE(buddy_core_free(&pool->core, frame));
err_free_rec:
	kfree(rec);
	return ret;
}

/**
 * buddy_pool_release() - Free a recorded block, whoever holds it.
 * @pool: The pool.
 * @rec: The block's record; freed.
 *
 * Context: Process context, pool->lock held.
 */
void buddy_pool_release(struct buddy_pool *pool, struct buddy_rec *rec)
{
	lockdep_assert_held(&pool->lock);
	/* A record always names an allocated block: anything else is a bug. */
	WARN_ON_ONCE(buddy_core_free(&pool->core, rec->frame));
	xa_erase(&pool->recs, rec->frame);
	list_del(&rec->node);
	pool->nr_recs--;
	pool->waste_bytes -= buddy_rec_waste(rec);
	kfree(rec);
}

static enum buddy_reject reject_class(int err)
{
	switch (err) {
	case -ERANGE:
		return BUDDY_REJECT_RANGE;
	case -EALREADY:
		return BUDDY_REJECT_DOUBLE;
	case -EPERM:
		return BUDDY_REJECT_PERM;
	default:
		return BUDDY_REJECT_INTERIOR;
	}
}

static int reject(struct buddy_pool *pool, int err)
{
	pool->rejected[reject_class(err)]++;
	return err;
}

/**
 * buddy_pool_free() - Free the block an owner holds at a page frame.
 * @pool: The pool.
 * @owner: Who asks.
 * @pfn: First page frame of the block.
 * @out: Filled with a copy of the freed block's record on success.
 *
 * Context: Process context, pool->lock held.
 * Return: 0; -ERANGE if @pfn is outside the pool; -EALREADY if it lies in
 * a free block; -EINVAL if it lies inside an allocated block but is not its
 * first frame; -EPERM if the block belongs to another owner.  A refused free
 * changes nothing but the rejected counters.
 */
int buddy_pool_free(struct buddy_pool *pool, struct buddy_owner *owner,
		    u64 pfn, struct buddy_rec *out)
{
	struct buddy_rec *rec;
	unsigned long frame;
	int order;

	lockdep_assert_held(&pool->lock);
	if (pfn < pool->first_pfn || pfn - pool->first_pfn >= pool->nr_pages)
		return reject(pool, -ERANGE);
	frame = pfn - pool->first_pfn;

	rec = xa_load(&pool->recs, frame);
	if (!rec) {
		/* Not a block's start: let the core say what it is. */
		order = buddy_core_alloc_order(&pool->core, frame);
		if (WARN_ON_ONCE(order >= 0))
			return -EUCLEAN;
		return reject(pool, order);
	}
	if (rec->owner != owner)
		return reject(pool, -EPERM);

	*out = *rec;
	buddy_pool_release(pool, rec);
	return 0;
}

/**
 * buddy_pool_release_owner() - Free every block an owner holds.
 * @pool: The pool.
 * @owner: The owner, e.g. a /dev/buddy file being closed.
 *
 * Context: Process context, pool->lock held.
 */
void buddy_pool_release_owner(struct buddy_pool *pool,
			      struct buddy_owner *owner)
{
	struct buddy_rec *rec, *next;

	list_for_each_entry_safe(rec, next, &owner->blocks, node)
		buddy_pool_release(pool, rec);
}

/**
 * buddy_pool_release_all() - Free every block, whoever holds it.
 * @pool: The pool.
 * @nr_pages: Set to the number of pages freed.
 *
 * The owners of open files simply find their blocks gone.
 *
 * Context: Process context, pool->lock held.
 * Return: the number of blocks freed.
 */
unsigned long buddy_pool_release_all(struct buddy_pool *pool,
				     unsigned long *nr_pages)
{
	unsigned long frame, blocks = 0;
	struct buddy_rec *rec;

	*nr_pages = 0;
	xa_for_each(&pool->recs, frame, rec) {
		blocks++;
		*nr_pages += 1UL << rec->order;
		buddy_pool_release(pool, rec);
	}
	return blocks;
}

static int __init pool_reserve(struct buddy_pool *pool)
{
	unsigned int order;
	int ret;

	if (!pages) {
		pr_err("pages=0: the pool needs at least one page\n");
		return -EINVAL;
	}
	if (pages > MAX_ORDER_NR_PAGES) {
		pr_err("pages=%lu: at most %lu contiguous pages can be reserved (2^MAX_PAGE_ORDER)\n",
		       pages, (unsigned long)MAX_ORDER_NR_PAGES);
		return -ENOMEM;
	}
	order = min_t(unsigned int, max_order, ilog2(pages));
	if (order != max_order)
		pr_info("max_order=%u clamped to %u for %lu pages\n",
			max_order, order, pages);

	pool->vaddr = alloc_pages_exact(pages << PAGE_SHIFT,
					GFP_KERNEL | __GFP_NOWARN);
	if (!pool->vaddr) {
		pr_err("cannot reserve %lu contiguous pages\n", pages);
		return -ENOMEM;
	}
	pool->nr_pages = pages;
	pool->first_pfn = page_to_pfn(virt_to_page(pool->vaddr));
	pool->nid = page_to_nid(virt_to_page(pool->vaddr));

	pool->meta_bytes = buddy_core_meta_size(pages, order);
	pool->meta = kvzalloc(pool->meta_bytes, GFP_KERNEL);
	if (!pool->meta) {
		ret = -ENOMEM;
		goto err_free_pages;
	}
	ret = buddy_core_init(&pool->core, pool->meta, pages, order);
	if (ret)
		goto err_free_meta;
	return 0;

err_free_meta:
	kvfree(pool->meta);
err_free_pages:
	free_pages_exact(pool->vaddr, pages << PAGE_SHIFT);
	return ret;
}

static void pool_unreserve(struct buddy_pool *pool)
{
	kvfree(pool->meta);
	free_pages_exact(pool->vaddr, pool->nr_pages << PAGE_SHIFT);
}

static int __init buddy_init(void)
{
	struct buddy_pool *pool = &buddy_pool;
	int ret;

	xa_init(&pool->recs);
	ret = pool_reserve(pool);
	if (ret)
		return ret;
	ret = buddy_dev_init();
	if (ret)
		goto err_unreserve;
	buddy_debugfs_init(pool);

	pr_info("managing %lu pages, pfn %#lx-%#lx, %zu meta bytes, max_order %u\n",
		pool->nr_pages, pool->first_pfn,
		pool->first_pfn + pool->nr_pages - 1, pool->meta_bytes,
		buddy_core_max_order(&pool->core));
	return 0;

err_unreserve:
	pool_unreserve(pool);
	return ret;
}

static void __exit buddy_exit(void)
{
	struct buddy_pool *pool = &buddy_pool;
	unsigned long nr_pages;

	buddy_debugfs_exit();
	buddy_dev_exit();
	mutex_lock(&pool->lock);
	buddy_pool_release_all(pool, &nr_pages);
	mutex_unlock(&pool->lock);
	xa_destroy(&pool->recs);
	pool_unreserve(pool);
	pr_info("released %lu pages\n", pool->nr_pages);
}

module_init(buddy_init);
module_exit(buddy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A teaching buddy allocator over a reserved page range");
