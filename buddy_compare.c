// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "compare": this module's core beside the kernel's own allocator
 *
 * Reading the file runs the same fixed sequences on both, in the same boot
 * and the same context: alloc+free pairs of each order 0..MAX_PAGE_ORDER,
 * then a churn of mixed orders 0..3 around a set of live blocks, on a
 * scratch core of COMPARE_FRAMES frames (metadata only: the pool is not
 * touched) and on alloc_pages()/__free_pages().  It prints ns per pair for both and their
 * ratio (the kernel's time over this core's).
 *
 * Higher orders run fewer pairs (half for every two orders): the kernel
 * may zero what it hands out (init_on_alloc, Debian's default), which
 * costs in proportion to the block, and the file says so.  The kernel
 * serves small orders from its per-CPU lists, as it does for everyone;
 * this core has no such cache.  In a VM under emulation the absolute
 * times mean little: compare the ratio.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "buddy_mod.h"

#define COMPARE_FRAMES		(4UL << COMPARE_MAX_ORDER)
#define COMPARE_MAX_ORDER	MAX_PAGE_ORDER
#define COMPARE_PAIRS		1024	/* alloc+free pairs of order 0 */
#define COMPARE_CHURN		4000	/* operations of the mixed churn */
#define COMPARE_LIVE		64	/* blocks the churn keeps live */

struct churn {
	u64 seed;
	long frame[COMPARE_LIVE];	/* the core's blocks, or -1 */
	struct page *page[COMPARE_LIVE];	/* the kernel's, or NULL */
	unsigned int order[COMPARE_LIVE];
};

static u64 next_random(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static unsigned int nr_pairs(unsigned int order)
{
	return COMPARE_PAIRS >> (order / 2);
}

/* ns per pair of @order on the core; 0 if a pair failed. */
static u64 core_pairs(struct buddy_core *core, unsigned int order)
{
	u64 start = ktime_get_ns();
	unsigned int i;
	long frame;

	for (i = 0; i < nr_pairs(order); i++) {
		frame = buddy_core_alloc(core, order);
		if (frame < 0 || buddy_core_free(core, frame))
			return 0;
	}
	return div_u64(ktime_get_ns() - start, nr_pairs(order));
}

/* ns per pair of @order from the page allocator; 0 if one failed. */
static u64 kernel_pairs(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	u64 start = ktime_get_ns();
	struct page *page;
	unsigned int i;

	for (i = 0; i < nr_pairs(order); i++) {
		page = alloc_pages(gfp, order);
		if (!page)
			return 0;
		__free_pages(page, order);
	}
	return div_u64(ktime_get_ns() - start, nr_pairs(order));
}

/*
 * The churn: each step frees a random live block or allocates one of a
 * random order 0..3 in a random slot, the same steps for both sides.
 * Return: ns per operation.
 */
static u64 churn_run(struct churn *c, struct buddy_core *core, bool kernel)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	u64 state = c->seed, start, r;
	unsigned int i, slot;

	for (i = 0; i < COMPARE_LIVE; i++) {
		c->frame[i] = -1;
		c->page[i] = NULL;
	}
	start = ktime_get_ns();
	for (i = 0; i < COMPARE_CHURN; i++) {
		r = next_random(&state);
		slot = r % COMPARE_LIVE;
		if (kernel && c->page[slot]) {
			__free_pages(c->page[slot], c->order[slot]);
			c->page[slot] = NULL;
		} else if (kernel) {
			c->order[slot] = (r >> 8) % 4;
			c->page[slot] = alloc_pages(gfp, c->order[slot]);
		} else if (c->frame[slot] >= 0) {
			buddy_core_free(core, c->frame[slot]);
			c->frame[slot] = -1;
		} else {
			c->order[slot] = (r >> 8) % 4;
			c->frame[slot] = buddy_core_alloc(core, c->order[slot]);
		}
	}
	start = ktime_get_ns() - start;
	for (i = 0; i < COMPARE_LIVE; i++) {
		if (c->page[i])
			__free_pages(c->page[i], c->order[i]);
		if (c->frame[i] >= 0)
			buddy_core_free(core, c->frame[i]);
	}
	return div_u64(start, COMPARE_CHURN);
}

static void compare_row(struct seq_file *m, const char *what, u64 ours,
			u64 theirs)
{
	seq_printf(m, "%-6s %11llu %12llu", what, ours, theirs);
	/* How many times this core's time the kernel's is, 1 decimal. */
	if (ours && theirs)
		seq_printf(m, " %10llu.%01llu\n", div64_u64(theirs, ours),
			   div64_u64(theirs * 10, ours) % 10);
	else
		seq_puts(m, "          -\n");
}

static int compare_show(struct seq_file *m, void *v)
{
	size_t meta_bytes = buddy_core_meta_size(COMPARE_FRAMES,
						 COMPARE_MAX_ORDER);
	struct buddy_core *core;
	struct churn *c;
	unsigned int order;
	char what[8];
	void *meta;
	int ret = 0;

	/* The core is kilobytes (its order descriptors): not on the stack. */
	core = kzalloc(sizeof(*core), GFP_KERNEL);
	meta = kvzalloc(meta_bytes, GFP_KERNEL);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!core || !meta || !c ||
	    buddy_core_init(core, meta, COMPARE_FRAMES, COMPARE_MAX_ORDER)) {
		ret = -ENOMEM;
		goto out;
	}
	seq_printf(m, "# ns per alloc+free pair, this boot: buddy_core on a scratch pool of %lu frames, the kernel's alloc_pages()/__free_pages()\n",
		   COMPARE_FRAMES);
	seq_puts(m, "# under emulation (a VM without KVM) absolute times mean little: compare the ratio\n");
	if (want_init_on_alloc(GFP_KERNEL))
		seq_puts(m, "# this kernel zeroes the pages it hands out (init_on_alloc): its times grow with the order\n");
	seq_printf(m, "%-6s %11s %12s %12s\n", "order", "buddy_core",
		   "alloc_pages", "kernel/core");
	for (order = 0; order <= COMPARE_MAX_ORDER; order++) {
		snprintf(what, sizeof(what), "%u", order);
		compare_row(m, what, core_pairs(core, order),
			    kernel_pairs(order));
		cond_resched();
	}
	c->seed = 0x636f6d70617265ULL;	/* "compare" */
	compare_row(m, "mixed", churn_run(c, core, false),
		    churn_run(c, core, true));
	seq_printf(m, "# mixed: %d operations, orders 0-3 around %d live blocks, ns per operation\n",
		   COMPARE_CHURN, COMPARE_LIVE);
out:
	kfree(c);
	kvfree(meta);
	kfree(core);
	return ret;
}

static int compare_open(struct inode *inode, struct file *file)
{
	return capable(CAP_SYS_ADMIN) ? single_open(file, compare_show, NULL) :
					-EPERM;
}

const struct file_operations buddy_compare_fops = {
	.owner = THIS_MODULE,
	.open = compare_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};
