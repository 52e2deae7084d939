// SPDX-License-Identifier: GPL-2.0
/*
 * A buddy allocator over a page range reserved at load
 *
 * At load the module takes a physically contiguous range of "pages" page
 * frames from the kernel (buddy_reserve.c) and hands it to a pool
 * (buddy_pool.c), whose core (buddy_core.c) manages it with an
 * order-indexed buddy allocator.  People then allocate and free blocks of
 * that range through debugfs (buddy_debugfs.c) and /dev/buddy
 * (buddy_dev.c), watch the tree split and merge, and map the pages of
 * their blocks into their own address space.  Every block is zeroed when
 * it is handed out, so nothing one user wrote reaches the next.
 *
 * One mutex, buddy_lock, covers the pool: its core, its records and its
 * counters.  It is never held while user memory is touched, except by the
 * non-faulting copies of buddy_dev.c; mmap() takes it under mmap_lock, so
 * nothing may take mmap_lock under it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "buddy_mod.h"

#define CREATE_TRACE_POINTS
#include "buddy_trace.h"

static unsigned long pages = 256;
module_param(pages, ulong, 0444);
MODULE_PARM_DESC(pages, "Page frames to manage: 1 up to what the kernel can give contiguous (default 256)");

static unsigned int max_order = MAX_PAGE_ORDER;
module_param(max_order, uint, 0444);
MODULE_PARM_DESC(max_order, "Largest block order, clamped to the pool (default MAX_PAGE_ORDER: 10 with 4 KiB pages)");

bool buddy_verbose;
module_param_named(verbose, buddy_verbose, bool, 0644);
MODULE_PARM_DESC(verbose, "Log every refused command at info level (default: debug level only)");

struct buddy_pool buddy_pool;
/* Serialises every use of buddy_pool: the core and the records. */
DEFINE_MUTEX(buddy_lock);

static struct buddy_range pool_range;

/**
 * buddy_log_refusal() - Log why user input was refused.
 * @what: Where it came from, e.g. "control".
 * @buf: The input, as written; escaped here.
 * @len: Its length.
 * @why: The reason.
 * @err: The errno returned.
 *
 * Refusals are the user's business, not the system's: they go to the log
 * at debug level (dynamic debug), or at info level with verbose=1, and are
 * rate-limited either way.  The one who sent the command reads the reason
 * from the same open file.  Every byte of the input is escaped: a command
 * may hold any byte, and none may reach a terminal raw.
 */
void buddy_log_refusal(const char *what, const char *buf, size_t len,
		       const char *why, int err)
{
	char text[4 * 64 + 1];
	const char *more;

	if (len && buf[len - 1] == '\n')
		len--;
	/* The first 64 bytes, and a mark when there were more. */
	more = len > 64 ? "..." : "";
	buddy_escape(text, sizeof(text), buf, min_t(size_t, len, 64));
	if (buddy_verbose)
		pr_info_ratelimited("%s: refused \"%s\"%s: %s (%d)\n", what,
				    text, more, why, err);
	else
		pr_debug("%s: refused \"%s\"%s: %s (%d)\n", what, text, more,
			 why, err);
}

/* Each step the pool keeps goes to its tracepoint too. */
static void buddy_trace_step(const struct buddy_pool *pool,
			     const struct buddy_event *ev)
{
	switch (ev->kind) {
	case BUDDY_EV_ALLOC:
		trace_buddy_alloc(ev->pfn, ev->order, ev->from_order);
		break;
	case BUDDY_EV_FREE:
		trace_buddy_free(ev->pfn, ev->order);
		break;
	case BUDDY_EV_SPLIT:
		trace_buddy_split(ev->pfn, ev->order, ev->other);
		break;
	case BUDDY_EV_MERGE:
		trace_buddy_merge(ev->pfn, ev->other, ev->order);
		break;
	case BUDDY_EV_STOP:
		trace_buddy_stop(ev->pfn, ev->order, ev->why);
		break;
	case BUDDY_EV_FAIL:
		trace_buddy_alloc_fail(ev->order, ev->error);
		break;
	case BUDDY_EV_REJECT:
		trace_buddy_reject(ev->pfn, ev->error);
		break;
	}
}

/* Every block is zeroed as it is handed out: no one reads another's data. */
static void zero_block(const struct buddy_pool *pool,
		       const struct buddy_rec *rec)
{
	unsigned long pfn = buddy_rec_pfn(pool, rec), i;

	for (i = 0; i < 1UL << rec->order; i++) {
		clear_highpage(pfn_to_page(pfn + i));
		if ((i & 255) == 255)
			cond_resched();
	}
}

static int __init pool_reserve(struct buddy_pool *pool)
{
	unsigned int order;
	int ret;

	if (!pages) {
		pr_err("pages=0: the pool needs at least one page\n");
		return -EINVAL;
	}
	if (pages > totalram_pages() || pages > BUDDY_CORE_MAX_FRAMES) {
		pr_err("pages=%lu: more than the %lu pages of this machine\n",
		       pages, totalram_pages());
		return -EINVAL;
	}
	order = min_t(unsigned int, max_order, ilog2(pages));
	if (order != max_order)
		pr_info("max_order=%u clamped to %u for %lu pages\n",
			max_order, order, pages);

	ret = buddy_reserve(&pool_range, pages, order);
	if (ret)
		return ret;
	ret = buddy_pool_init(pool, pool_range.first_pfn, pages, order,
			      PAGE_SHIFT, pool_range.nid);
	pool->on_event = buddy_trace_step;
	pool->on_alloc = zero_block;
	if (ret) {
		pr_err("no memory for the pool's metadata\n");
		buddy_unreserve(&pool_range);
	}
	return ret;
}

static void pool_unreserve(struct buddy_pool *pool)
{
	buddy_pool_destroy(pool);
	buddy_unreserve(&pool_range);
}

static int __init buddy_init(void)
{
	struct buddy_pool *pool = &buddy_pool;
	int ret;

	/* struct buddy_info has room for every order the core can have. */
	BUILD_BUG_ON(BUDDY_CORE_MAX_ORDER + 1 > BUDDY_MAX_ORDERS);

	ret = pool_reserve(pool);
	if (ret)
		return ret;
	ret = buddy_dev_init();
	if (ret)
		goto err_unreserve;
	ret = buddy_debugfs_init();
	if (ret) {
		pr_err("cannot create /sys/kernel/debug/%s (%d)\n",
		       KBUILD_MODNAME, ret);
		goto err_dev_exit;
	}

	pr_info("managing %lu page%s, pfn %#lx-%#lx, %zu meta bytes, max_order %u\n",
		pool->nr_pages, pool->nr_pages == 1 ? "" : "s", pool->first_pfn,
		pool->first_pfn + pool->nr_pages - 1, pool->meta_bytes,
		buddy_core_max_order(&pool->core));
	return 0;

err_dev_exit:
	buddy_dev_exit();
err_unreserve:
	pool_unreserve(pool);
	return ret;
}

static void __exit buddy_exit(void)
{
	struct buddy_pool *pool = &buddy_pool;

	/* No file is open (each holds a module reference): no one is left. */
	buddy_debugfs_exit();
	buddy_dev_exit();
	pool_unreserve(pool);
	pr_info("released %lu page%s\n", pool->nr_pages,
		pool->nr_pages == 1 ? "" : "s");
}

module_init(buddy_init);
module_exit(buddy_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(BUDDY_VERSION);
MODULE_DESCRIPTION("A teaching buddy allocator over a reserved page range");
