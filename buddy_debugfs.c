// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/buddy: poke the pool and watch it
 *
 *   control         write a command (buddy_cmd.h), read its result
 *   tree            the buddy tree, a node per line
 *   buddyinfo       /proc/buddyinfo's line for the pool, zone "buddy"
 *   unusable_index  extfrag/unusable_index's line
 *   extfrag_index   extfrag/extfrag_index's line
 *   stats           totals and counters, "name value"
 *   allocations     a line per live allocation
 *   check           audit the core and the records: "ok" or what is broken
 *
 * Every output format of the module is produced in this file.  Blocks
 * allocated here belong to "debugfs" and live until freed, reset or rmmod.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "buddy_cmd.h"
#include "buddy_mod.h"

#define RESULT_LEN	1024

static struct dentry *buddy_dir;

/* The result of the last successful command, under pool->lock. */
static char result[RESULT_LEN];
static size_t result_len;

static const char control_help[] =
	"commands (one per write, e.g. echo alloc 3 tag=A > control):\n"
	"  alloc ORDER [tag=NAME]  a block of 2^ORDER pages (ORDER < 64)\n"
	"  alloc SIZE [tag=NAME]   the smallest block holding SIZE bytes:\n"
	"                          64 or more, or with a B, K, M or G suffix\n"
	"  free PFN                the block starting at PFN (0x hex or decimal)\n"
	"  free tag=NAME           the blocks tagged NAME\n"
	"  reset                   free every block, whoever holds it\n"
	"then read this file for the result.\n";

static const char *const state_name[] = {
	[BUDDY_CORE_SPLIT] = "split",
	[BUDDY_CORE_FREE] = "free",
	[BUDDY_CORE_ALLOCATED] = "allocated",
};

/* "pfn=0x12340 order=3 pages=8 tag=A": a block in results and listings. */
static int format_block(char *buf, size_t len, const struct buddy_pool *pool,
			const struct buddy_rec *rec)
{
	return scnprintf(buf, len, "pfn=%#lx order=%u pages=%lu%s%s",
			 buddy_rec_pfn(pool, rec), rec->order, 1UL << rec->order,
			 rec->tag[0] ? " tag=" : "", rec->tag);
}

/* === Control === */

static __printf(1, 2) void result_append(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	result_len += vscnprintf(result + result_len, RESULT_LEN - result_len,
				 fmt, args);
	va_end(args);
}

static void result_block(const char *prefix, const struct buddy_pool *pool,
			 const struct buddy_rec *rec)
{
	result_append("%s", prefix);
	result_len += format_block(result + result_len,
				   RESULT_LEN - result_len, pool, rec);
}

/* Why a free was refused, in terms of the block the pfn lies in. */
static void explain_free(struct buddy_pool *pool, u64 pfn,
			 int err, char *why, size_t len)
{
	struct buddy_core_node node;
	struct buddy_rec *rec;
	unsigned long first;

	if (err == -ERANGE ||
	    buddy_core_lookup(&pool->core, pfn - pool->first_pfn, &node)) {
		scnprintf(why, len, "pfn %#llx is outside the pool %#lx-%#lx",
			  pfn, pool->first_pfn,
			  pool->first_pfn + pool->nr_pages - 1);
		return;
	}
	first = pool->first_pfn + node.frame;
	switch (err) {
	case -EALREADY:
		scnprintf(why, len,
			  "pfn %#llx lies in free block %#lx-%#lx (order %u): double free",
			  pfn, first, first + (1UL << node.order) - 1,
			  node.order);
		break;
	case -EINVAL:
		scnprintf(why, len,
			  "pfn %#llx lies inside allocated block %#lx-%#lx (order %u): free its first pfn",
			  pfn, first, first + (1UL << node.order) - 1,
			  node.order);
		break;
	case -EPERM:
		rec = xa_load(&pool->recs, node.frame);
		scnprintf(why, len,
			  "block %#lx belongs to /dev/buddy file dev#%u (pid %d)",
			  first, rec ? rec->owner->id : 0, rec ? rec->pid : 0);
		break;
	}
}

static int exec_alloc(struct buddy_pool *pool, const struct buddy_cmd *cmd,
		      char *why, size_t len)
{
	struct buddy_request req = {
		.order = cmd->order,
		.bytes = cmd->bytes,
		.tag = cmd->tag,
	};
	unsigned int max = buddy_core_max_order(&pool->core);
	unsigned int order = buddy_request_order(&req);
	struct buddy_rec rec;
	int ret;

	ret = buddy_pool_alloc(pool, &pool->debugfs_owner, &req, &rec);
	if (ret == -EINVAL)
		scnprintf(why, len, "order %u is above max_order %u", order,
			  max);
	else if (ret == -ENOMEM)
		scnprintf(why, len, "no free block of order %u or above",
			  order);
	if (ret)
		return ret;

	result_len = 0;
	result_block("", pool, &rec);
	if (rec.bytes)
		result_append(" bytes=%llu waste=%llu", rec.bytes,
			      buddy_rec_waste(&rec));
	result_append("\n");
	return 0;
}

static int exec_free(struct buddy_pool *pool, const struct buddy_cmd *cmd,
		     char *why, size_t len)
{
	struct buddy_rec rec;
	int ret;

	ret = buddy_pool_free(pool, &pool->debugfs_owner, cmd->pfn, &rec);
	if (ret) {
		explain_free(pool, cmd->pfn, ret, why, len);
		return ret;
	}
	result_len = 0;
	result_block("freed ", pool, &rec);
	result_append("\n");
	return 0;
}

/* Frees every debugfs block tagged cmd->tag. */
static int exec_free_tag(struct buddy_pool *pool, const struct buddy_cmd *cmd,
			 char *why, size_t len)
{
	unsigned long frame, nr_freed = 0, nr_held = 0;
	struct buddy_rec *rec;

	xa_for_each(&pool->recs, frame, rec) {
		if (strcmp(rec->tag, cmd->tag))
			continue;
		if (rec->owner != &pool->debugfs_owner) {
			nr_held++;
			continue;
		}
		if (!nr_freed++)
			result_len = 0;
		result_block("freed ", pool, rec);
		result_append("\n");
		buddy_pool_release(pool, rec);
	}
	if (nr_freed)
		return 0;
	if (nr_held) {
		pool->rejected[BUDDY_REJECT_PERM]++;
		scnprintf(why, len,
			  "every block tagged %s belongs to a /dev/buddy file",
			  cmd->tag);
		return -EPERM;
	}
	scnprintf(why, len, "no block is tagged %s", cmd->tag);
	return -ENOENT;
}

static int exec_reset(struct buddy_pool *pool)
{
	unsigned long nr_pages, blocks;

	blocks = buddy_pool_release_all(pool, &nr_pages);
	result_len = 0;
	result_append("reset blocks=%lu pages=%lu\n", blocks, nr_pages);
	return 0;
}

static int control_exec(struct buddy_pool *pool, const struct buddy_cmd *cmd,
			char *why, size_t len)
{
	switch (cmd->op) {
	case BUDDY_CMD_ALLOC:
		return exec_alloc(pool, cmd, why, len);
	case BUDDY_CMD_FREE:
		return exec_free(pool, cmd, why, len);
	case BUDDY_CMD_FREE_TAG:
		return exec_free_tag(pool, cmd, why, len);
	case BUDDY_CMD_RESET:
		return exec_reset(pool);
	}
	return -EINVAL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct buddy_pool *pool = &buddy_pool;
	char buf[BUDDY_CMD_MAX_LEN + 1];
	struct buddy_cmd cmd;
	char why[160];
	size_t len = min(count, sizeof(buf));
	int ret;

	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	if (count > sizeof(buf)) {
		snprintf(why, sizeof(why), "command longer than %d bytes",
			 BUDDY_CMD_MAX_LEN);
		ret = -EINVAL;
	} else {
		ret = buddy_cmd_parse(buf, len, &cmd, why, sizeof(why));
	}

	mutex_lock(&pool->lock);
	if (ret)
		pool->rejected_commands++;
	else
		ret = control_exec(pool, &cmd, why, sizeof(why));
	mutex_unlock(&pool->lock);

	if (ret) {
		/* The errno says what class; the log says exactly why. */
		if (len && buf[len - 1] == '\n')
			len--;
		pr_info_ratelimited("control: refused \"%*pE\": %s (%d)\n",
				    (int)min_t(size_t, len, 64), buf, why, ret);
		return ret;
	}
	return count;
}

static ssize_t control_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char *buf;
	size_t len;
	ssize_t ret;

	BUILD_BUG_ON(sizeof(control_help) > RESULT_LEN);
	buf = kmalloc(RESULT_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&buddy_pool.lock);
	len = result_len;
	if (len) {
		memcpy(buf, result, len);
	} else {
		len = sizeof(control_help) - 1;
		memcpy(buf, control_help, len);
	}
	mutex_unlock(&buddy_pool.lock);

	ret = simple_read_from_buffer(ubuf, count, ppos, buf, len);
	kfree(buf);
	return ret;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.read = control_read,
	.write = control_write,
	.llseek = default_llseek,
};

/* === Tree === */

/*
 * The listing resumes from the position of the next node, not from a count
 * of lines, so it stays correct and O(nodes) across read() calls even when
 * the tree changes in between.
 */
struct tree_iter {
	struct buddy_core_node node;
	bool done;
};

static void *tree_start(struct seq_file *m, loff_t *pos)
{
	const struct buddy_core *core = &buddy_pool.core;
	struct tree_iter *it = m->private;

	mutex_lock(&buddy_pool.lock);
	if (!*pos) {
		it->done = !buddy_core_walk_first(core, &it->node);
	} else if (!it->done) {
		it->done = !buddy_core_walk_seek(core, it->node.frame,
						 it->node.order, &it->node);
	}
	return it->done ? NULL : it;
}

static void *tree_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tree_iter *it = v;

	++*pos;
	it->done = !buddy_core_walk_next(&buddy_pool.core, &it->node);
	return it->done ? NULL : it;
}

static void tree_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&buddy_pool.lock);
}

/*
 * "│  ├─ 0x12300-0x12307 order=3 pages=8 allocated tag=A pid=97".  The lower
 * buddy of a pair has bit "order" of its frame clear and is drawn with a
 * continuing branch; so are the ancestors it hangs from.
 */
static int tree_show(struct seq_file *m, void *v)
{
	const struct buddy_core_node *n = &((struct tree_iter *)v)->node;
	struct buddy_pool *pool = &buddy_pool;
	unsigned long first = pool->first_pfn + n->frame;
	unsigned int depth;
	struct buddy_rec *rec;

	for (depth = 1; depth < n->depth; depth++)
		seq_puts(m, (n->frame >> (n->order + n->depth - depth)) & 1 ?
			 "   " : "│  ");
	if (n->depth)
		seq_puts(m, (n->frame >> n->order) & 1 ? "└─ " : "├─ ");
	seq_printf(m, "%#lx-%#lx order=%u pages=%lu %s", first,
		   first + (1UL << n->order) - 1, n->order, 1UL << n->order,
		   state_name[n->state]);
	if (n->state == BUDDY_CORE_ALLOCATED) {
		rec = xa_load(&pool->recs, n->frame);
		if (rec && rec->tag[0])
			seq_printf(m, " tag=%s", rec->tag);
		if (rec)
			seq_printf(m, " pid=%d", rec->pid);
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations tree_sops = {
	.start = tree_start,
	.next = tree_next,
	.stop = tree_stop,
	.show = tree_show,
};

static int tree_open(struct inode *inode, struct file *file)
{
	return seq_open_private(file, &tree_sops, sizeof(struct tree_iter));
}

static const struct file_operations tree_fops = {
	.owner = THIS_MODULE,
	.open = tree_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* === The mm/vmstat.c views === */

/*
 * One line as mm/vmstat.c prints it for a zone: "Node %d, zone %8s ", then
 * a value per order 0..max_order, each followed by a space.
 */
static int vmstat_line(struct seq_file *m,
		       void (*show)(struct seq_file *m,
				    const struct buddy_core *core,
				    unsigned int order))
{
	const struct buddy_pool *pool = &buddy_pool;
	unsigned int order;

	mutex_lock(&buddy_pool.lock);
	seq_printf(m, "Node %d, zone %8s ", pool->nid, "buddy");
	for (order = 0; order <= buddy_core_max_order(&pool->core); order++)
		show(m, &pool->core, order);
	seq_putc(m, '\n');
	mutex_unlock(&buddy_pool.lock);
	return 0;
}

/* frag_show_print() */
static void free_blocks_show(struct seq_file *m, const struct buddy_core *core,
			     unsigned int order)
{
	seq_printf(m, "%6lu ", buddy_core_free_blocks(core, order));
}

/* unusable_show_print() */
static void unusable_show(struct seq_file *m, const struct buddy_core *core,
			  unsigned int order)
{
	int index = buddy_core_unusable_index(core, order);

	seq_printf(m, "%d.%03d ", index / 1000, index % 1000);
}

/* extfrag_show_print() */
static void extfrag_show(struct seq_file *m, const struct buddy_core *core,
			 unsigned int order)
{
	int index = buddy_core_extfrag_index(core, order);

	seq_printf(m, "%2d.%03d ", index / 1000, index % 1000);
}

static int buddyinfo_show(struct seq_file *m, void *v)
{
	return vmstat_line(m, free_blocks_show);
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static int unusable_index_show(struct seq_file *m, void *v)
{
	return vmstat_line(m, unusable_show);
}
DEFINE_SHOW_ATTRIBUTE(unusable_index);

static int extfrag_index_show(struct seq_file *m, void *v)
{
	return vmstat_line(m, extfrag_show);
}
DEFINE_SHOW_ATTRIBUTE(extfrag_index);

/* === Stats, allocations, check === */

static int stats_show(struct seq_file *m, void *v)
{
	const struct buddy_pool *pool = &buddy_pool;
	const struct buddy_core *core = &pool->core;
	const struct buddy_core_stats *st;

	mutex_lock(&buddy_pool.lock);
	st = buddy_core_get_stats(core);
	seq_printf(m, "%-24s %lu\n", "pages_total", buddy_core_nr_frames(core));
	seq_printf(m, "%-24s %lu\n", "pages_free",
		   buddy_core_free_frames(core));
	seq_printf(m, "%-24s %lu\n", "pages_allocated",
		   buddy_core_allocated_frames(core));
	seq_printf(m, "%-24s %lu\n", "allocations", pool->nr_recs);
	seq_printf(m, "%-24s %llu\n", "waste_bytes", pool->waste_bytes);
	seq_printf(m, "%-24s %zu\n", "meta_bytes", pool->meta_bytes);
	seq_printf(m, "%-24s %u\n", "max_order", buddy_core_max_order(core));
	seq_printf(m, "%-24s %lu\n", "allocs", st->allocs);
	seq_printf(m, "%-24s %lu\n", "frees", st->frees);
	seq_printf(m, "%-24s %lu\n", "failed_allocs", pool->failed_allocs);
	seq_printf(m, "%-24s %lu\n", "splits", st->splits);
	seq_printf(m, "%-24s %lu\n", "merges", st->merges);
	seq_printf(m, "%-24s %lu\n", "rejected_free_range",
		   pool->rejected[BUDDY_REJECT_RANGE]);
	seq_printf(m, "%-24s %lu\n", "rejected_free_double",
		   pool->rejected[BUDDY_REJECT_DOUBLE]);
	seq_printf(m, "%-24s %lu\n", "rejected_free_interior",
		   pool->rejected[BUDDY_REJECT_INTERIOR]);
	seq_printf(m, "%-24s %lu\n", "rejected_free_perm",
		   pool->rejected[BUDDY_REJECT_PERM]);
	seq_printf(m, "%-24s %lu\n", "rejected_commands",
		   pool->rejected_commands);
	mutex_unlock(&buddy_pool.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int allocations_show(struct seq_file *m, void *v)
{
	struct buddy_pool *pool = &buddy_pool;
	u64 now = ktime_get_ns();
	struct buddy_rec *rec;
	unsigned long frame;
	char line[96];

	mutex_lock(&buddy_pool.lock);
	xa_for_each(&pool->recs, frame, rec) {
		format_block(line, sizeof(line), pool, rec);
		seq_printf(m, "%s pid=%d age_ms=%llu", line, rec->pid,
			   div_u64(now - rec->ts_ns, NSEC_PER_MSEC));
		if (rec->bytes)
			seq_printf(m, " request=bytes:%llu", rec->bytes);
		else
			seq_printf(m, " request=order:%u", rec->order);
		seq_printf(m, " waste=%llu", buddy_rec_waste(rec));
		if (rec->owner->id)
			seq_printf(m, " owner=dev#%u", rec->owner->id);
		else
			seq_puts(m, " owner=debugfs");
		/* Last: a comm may contain spaces. */
		seq_printf(m, " comm=%s\n", rec->comm);
	}
	mutex_unlock(&buddy_pool.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(allocations);

/* The records must describe exactly the allocated blocks of the core. */
static const char *audit_records(struct buddy_pool *pool,
				 unsigned long *bad_frame)
{
	unsigned long frame, nr = 0, nr_pages = 0;
	const struct buddy_rec *rec;
	u64 waste = 0;

	xa_for_each(&pool->recs, frame, rec) {
		*bad_frame = frame;
		if (rec->frame != frame ||
		    buddy_core_alloc_order(&pool->core, frame) != rec->order)
			return "a record does not match an allocated block";
		nr++;
		nr_pages += 1UL << rec->order;
		waste += buddy_rec_waste(rec);
	}
	*bad_frame = 0;
	if (nr != pool->nr_recs)
		return "the allocation count is wrong";
	if (nr_pages != buddy_core_allocated_frames(&pool->core))
		return "allocated pages without a record";
	if (waste != pool->waste_bytes)
		return "the waste total is wrong";
	return NULL;
}

static int check_show(struct seq_file *m, void *v)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_core_fault fault;
	unsigned long frame;
	const char *what;

	mutex_lock(&buddy_pool.lock);
	if (buddy_core_audit(&pool->core, &fault)) {
		seq_printf(m, "broken: %s (order %u, pfn %#lx)\n", fault.what,
			   fault.order, pool->first_pfn + fault.frame);
	} else {
		what = audit_records(pool, &frame);
		if (what)
			seq_printf(m, "broken: %s (pfn %#lx)\n", what,
				   pool->first_pfn + frame);
		else
			seq_puts(m, "ok\n");
	}
	mutex_unlock(&buddy_pool.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(check);

/* === DebugFS Interface === */

void buddy_debugfs_init(struct buddy_pool *pool)
{
	buddy_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("control", 0600, buddy_dir, NULL, &control_fops);
	debugfs_create_file("tree", 0400, buddy_dir, NULL, &tree_fops);
	debugfs_create_file("buddyinfo", 0400, buddy_dir, NULL,
			    &buddyinfo_fops);
	debugfs_create_file("unusable_index", 0400, buddy_dir, NULL,
			    &unusable_index_fops);
	debugfs_create_file("extfrag_index", 0400, buddy_dir, NULL,
			    &extfrag_index_fops);
	debugfs_create_file("stats", 0400, buddy_dir, NULL, &stats_fops);
	debugfs_create_file("allocations", 0400, buddy_dir, NULL,
			    &allocations_fops);
	debugfs_create_file("check", 0400, buddy_dir, NULL, &check_fops);
}

void buddy_debugfs_exit(void)
{
	debugfs_remove_recursive(buddy_dir);
}
