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
 *   events          the last steps of the allocator, oldest first
 *   bitmaps         the tree as the textbook's free and split bit arrays
 *   map             the pool as a memory bar, Stallings' figures in text
 *   compare         this core beside the kernel's allocator (buddy_compare.c)
 *
 * The formats are buddy_view.c's; this file only wires them to seq_file.
 * Every file shows physical page frame numbers, so opening any of them
 * needs CAP_SYS_ADMIN, as /proc/PID/pagemap needs it to show them.
 * Blocks allocated here belong to "debugfs" and live until freed, reset or
 * rmmod.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "buddy_mod.h"
#include "buddy_view.h"

/*
 * Bytes of the result a control file keeps of its last command: it starts
 * small, as most results are a line or two, and grows up to the most.
 */
#define CONTROL_RESULT_MIN	4096
#define CONTROL_RESULT_MAX	262144

static struct dentry *buddy_dir;

/* Only the administrator sees physical addresses, or changes the pool. */
static int may_open(void)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

/* A sink onto a seq_file. */
static void seq_out_write(struct buddy_out *out, const char *s, size_t len)
{
	seq_write(out->priv, s, len);
}

static void seq_out(struct buddy_out *out, struct seq_file *m)
{
	memset(out, 0, sizeof(*out));
	out->write = seq_out_write;
	out->priv = m;
}

/* === Control === */

/*
 * Each open control file keeps the result of the last command written to
 * it, so a writer reads its own result, whatever others do meanwhile, and
 * reads it from the start after every write.  A file that has written
 * nothing reads the pool's last successful result (a shell's echo and cat
 * are two opens), or the list of commands before any: its first read or
 * seek takes a snapshot, and so does every read at offset 0; other reads
 * continue in it.  The position is a plain file's: lseek() and pread()
 * work, and SEEK_END is the end of the text.
 */
struct control_file {
	struct mutex lock;		/* everything below */
	char *buf;			/* from CONTROL_RESULT_MIN, on first use */
	struct buddy_out out;
	bool own;			/* buf holds this file's result */
	bool snapped;			/* buf holds the pool's, for !own */
	bool rewind;			/* a read at rewind_pos starts at 0 */
	loff_t rewind_pos;		/* where a refused write left the file */
};

static int control_open(struct inode *inode, struct file *file)
{
	struct control_file *cf;
	int ret = may_open();

	if (ret)
		return ret;
	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	mutex_init(&cf->lock);
	file->private_data = cf;
	return 0;
}

static int control_release(struct inode *inode, struct file *file)
{
	struct control_file *cf = file->private_data;

	mutex_destroy(&cf->lock);
	kvfree(cf->buf);
	kfree(cf);
	return 0;
}

/*
 * Doubles a control file's result buffer, up to CONTROL_RESULT_MAX.  The
 * pool's lock is held: without memory the result is cut and marked.
 */
static bool control_grow(struct buddy_out *out, size_t size)
{
	struct control_file *cf = container_of(out, struct control_file, out);
	size_t bigger = out->size;
	char *buf;

	while (bigger < size && bigger < CONTROL_RESULT_MAX)
		bigger *= 2;
	if (bigger < size)
		return false;
	buf = kvmalloc(bigger, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return false;
	memcpy(buf, out->buf, out->len + out->line);
	kvfree(out->buf);
	cf->buf = buf;
	out->buf = buf;
	out->size = bigger;
	return true;
}

static int control_buf(struct control_file *cf)
{
	if (cf->buf)
		return 0;
	cf->buf = kvmalloc(CONTROL_RESULT_MIN, GFP_KERNEL);
	if (!cf->buf)
		return -ENOMEM;
	buddy_out_init_buf(&cf->out, cf->buf, CONTROL_RESULT_MIN);
	cf->out.grow = control_grow;
	return 0;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct control_file *cf = file->private_data;
	/* One byte more than a command with "\r\n" can have: "too long". */
	char buf[BUDDY_CMD_MAX_LEN + 3], comm[BUDDY_COMM_LEN];
	char why[BUDDY_CMD_WHY_LEN];
	size_t len = min(count, sizeof(buf));
	struct buddy_who who;
	int ret;

	/* Writing nothing is not a command: nothing happens. */
	if (!count)
		return 0;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buddy_who_current(&who, comm);

	mutex_lock(&cf->lock);
	ret = control_buf(cf);
	if (ret) {
		mutex_unlock(&cf->lock);
		return ret;
	}
	buddy_out_reset(&cf->out);
	mutex_lock(&buddy_lock);
	ret = buddy_pool_command(&buddy_pool, &buddy_pool.debugfs_owner, &who,
				 buf, len, &cf->out, why, sizeof(why));
	mutex_unlock(&buddy_lock);
	buddy_out_finish(&cf->out);
	cf->own = true;
	/*
	 * The next read shows this result from its start.  write(2) keeps
	 * the position only when it succeeds: a refusal's explanation is read
	 * from its start by a read where the refused write left the file
	 * (until a seek, or a read, moves it).
	 */
	cf->rewind = ret != 0;
	cf->rewind_pos = *ppos;
	if (!ret)
		*ppos = 0;
	mutex_unlock(&cf->lock);
	if (ret) {
		buddy_log_refusal("control", buf, len, why, ret);
		return ret;
	}
	return count;
}

/* A file that wrote nothing: the pool's last successful result, now. */
static void control_snapshot(struct control_file *cf)
{
	const struct buddy_out *last = &buddy_pool.last_out;

	buddy_out_reset(&cf->out);
	mutex_lock(&buddy_lock);
	if (last->len)
		buddy_out_write(&cf->out, last->buf, last->len);
	else
		buddy_puts(&cf->out, buddy_view_help_text);
	mutex_unlock(&buddy_lock);
	cf->snapped = true;
}

static ssize_t control_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct control_file *cf = file->private_data;
	ssize_t ret;

	mutex_lock(&cf->lock);
	ret = control_buf(cf);
	if (ret)
		goto out_unlock;
	/* Until a read succeeds: read(2) keeps no position on failure. */
	if (cf->rewind && *ppos == cf->rewind_pos)
		*ppos = 0;
	if (!cf->own && (!*ppos || !cf->snapped))
		control_snapshot(cf);
	ret = simple_read_from_buffer(ubuf, count, ppos, cf->buf, cf->out.len);
	if (ret >= 0)
		cf->rewind = false;
out_unlock:
	mutex_unlock(&cf->lock);
	return ret;
}

/* As a plain file's, over the text a read would give from 0. */
static loff_t control_llseek(struct file *file, loff_t offset, int whence)
{
	struct control_file *cf = file->private_data;
	loff_t ret;

	mutex_lock(&cf->lock);
	ret = control_buf(cf);
	if (ret)
		goto out_unlock;
	if (!cf->own && !cf->snapped)
		control_snapshot(cf);
	/* After a refused write, the position is its explanation's start. */
	if (cf->rewind && whence == SEEK_CUR && file->f_pos == cf->rewind_pos)
		whence = SEEK_SET;
	cf->rewind = false;
	ret = generic_file_llseek_size(file, offset, whence, MAX_LFS_FILESIZE,
				       cf->out.len);
out_unlock:
	mutex_unlock(&cf->lock);
	return ret;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = control_open,
	.release = control_release,
	.read = control_read,
	.write = control_write,
	.llseek = control_llseek,
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

	mutex_lock(&buddy_lock);
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

static void unlock_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&buddy_lock);
}

static int tree_show(struct seq_file *m, void *v)
{
	struct buddy_out out;

	seq_out(&out, m);
	buddy_view_tree_node(&out, &buddy_pool,
			     &((struct tree_iter *)v)->node);
	return 0;
}

static const struct seq_operations tree_sops = {
	.start = tree_start,
	.next = tree_next,
	.stop = unlock_stop,
	.show = tree_show,
};

static int tree_open(struct inode *inode, struct file *file)
{
	return may_open() ?:
	       seq_open_private(file, &tree_sops, sizeof(struct tree_iter));
}

static const struct file_operations tree_fops = {
	.owner = THIS_MODULE,
	.open = tree_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* === Allocations === */

/*
 * A line per record, in pfn order, resumed by pfn as the tree is.  The
 * clock is read with the lock held, so no record is younger than "now".
 */
struct alloc_iter {
	unsigned long frame;		/* of the record to show next */
	bool done;
	u64 now;
};

static void *alloc_start(struct seq_file *m, loff_t *pos)
{
	struct alloc_iter *it = m->private;
	void *rec;

	mutex_lock(&buddy_lock);
	it->now = ktime_get_ns();
	if (!*pos) {
		it->frame = 0;
		it->done = false;
	}
	if (it->done)
		return NULL;
	rec = xa_find(&buddy_pool.recs, &it->frame, ULONG_MAX, XA_PRESENT);
	it->done = !rec;
	return rec;
}

static void *alloc_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct alloc_iter *it = m->private;
	void *rec;

	++*pos;
	rec = xa_find_after(&buddy_pool.recs, &it->frame, ULONG_MAX,
			    XA_PRESENT);
	it->done = !rec;
	return rec;
}

static int alloc_show(struct seq_file *m, void *v)
{
	struct alloc_iter *it = m->private;
	struct buddy_out out;

	seq_out(&out, m);
	buddy_view_allocation(&out, &buddy_pool, v, it->now);
	return 0;
}

static const struct seq_operations alloc_sops = {
	.start = alloc_start,
	.next = alloc_next,
	.stop = unlock_stop,
	.show = alloc_show,
};

static int allocations_open(struct inode *inode, struct file *file)
{
	return may_open() ?:
	       seq_open_private(file, &alloc_sops, sizeof(struct alloc_iter));
}

static const struct file_operations allocations_fops = {
	.owner = THIS_MODULE,
	.open = allocations_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* === Events === */

/*
 * The steps kept, oldest first, resumed by seq.  A listing ends at the
 * last step there was when it began, so a reader keeps up with any writer;
 * steps that roll out of the ring while it reads are skipped (the seqs
 * show the gap).
 */
struct events_iter {
	u64 next;			/* seq of the step to show next */
	u64 end;			/* the last one to show */
};

static void *events_start(struct seq_file *m, loff_t *pos)
{
	struct events_iter *it = m->private;
	u64 first;

	mutex_lock(&buddy_lock);
	first = buddy_pool_first_seq(&buddy_pool);
	if (!*pos) {
		it->next = first;
		it->end = buddy_pool.seq;
	}
	if (it->next < first)
		it->next = first;
	return it->next <= it->end ? (void *)buddy_pool_event(&buddy_pool,
							      it->next) : NULL;
}

static void *events_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct events_iter *it = m->private;

	++*pos;
	return ++it->next <= it->end ?
	       (void *)buddy_pool_event(&buddy_pool, it->next) : NULL;
}

static int events_show(struct seq_file *m, void *v)
{
	struct buddy_out out;

	seq_out(&out, m);
	buddy_view_event(&out, v);
	return 0;
}

static const struct seq_operations events_sops = {
	.start = events_start,
	.next = events_next,
	.stop = unlock_stop,
	.show = events_show,
};

static int events_open(struct inode *inode, struct file *file)
{
	return may_open() ?:
	       seq_open_private(file, &events_sops, sizeof(struct events_iter));
}

static const struct file_operations events_fops = {
	.owner = THIS_MODULE,
	.open = events_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* === One-shot views === */

/*
 * DEFINE_SHOW_ATTRIBUTE(), with the CAP_SYS_ADMIN check at open and the
 * view drawn under the pool's lock into a seq_file sink.
 */
#define BUDDY_VIEW_ATTRIBUTE(__name, __draw)				\
static int __name##_show(struct seq_file *m, void *v)			\
{									\
	struct buddy_out out;						\
									\
	seq_out(&out, m);						\
	mutex_lock(&buddy_lock);					\
	__draw;								\
	mutex_unlock(&buddy_lock);					\
	return 0;							\
}									\
									\
static int __name##_open(struct inode *inode, struct file *file)	\
{									\
	return may_open() ?: single_open(file, __name##_show, NULL);	\
}									\
									\
static const struct file_operations __name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = __name##_open,						\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
}

BUDDY_VIEW_ATTRIBUTE(buddyinfo,
		     buddy_view_vmstat(&out, &buddy_pool,
				       BUDDY_VMSTAT_BUDDYINFO));
BUDDY_VIEW_ATTRIBUTE(unusable_index,
		     buddy_view_vmstat(&out, &buddy_pool,
				       BUDDY_VMSTAT_UNUSABLE));
BUDDY_VIEW_ATTRIBUTE(extfrag_index,
		     buddy_view_vmstat(&out, &buddy_pool,
				       BUDDY_VMSTAT_EXTFRAG));
BUDDY_VIEW_ATTRIBUTE(stats, buddy_view_stats(&out, &buddy_pool));
BUDDY_VIEW_ATTRIBUTE(check, buddy_view_check(&out, &buddy_pool));
BUDDY_VIEW_ATTRIBUTE(bitmaps, buddy_view_bitmaps(&out, &buddy_pool));
BUDDY_VIEW_ATTRIBUTE(map, buddy_view_map(&out, &buddy_pool));

/* === DebugFS Interface === */

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} buddy_files[] = {
	{ "control", 0600, &control_fops },
	{ "tree", 0400, &tree_fops },
	{ "buddyinfo", 0400, &buddyinfo_fops },
	{ "unusable_index", 0400, &unusable_index_fops },
	{ "extfrag_index", 0400, &extfrag_index_fops },
	{ "stats", 0400, &stats_fops },
	{ "allocations", 0400, &allocations_fops },
	{ "check", 0400, &check_fops },
	{ "events", 0400, &events_fops },
	{ "bitmaps", 0400, &bitmaps_fops },
	{ "map", 0400, &map_fops },
	{ "compare", 0400, &buddy_compare_fops },
};

/*
 * Unlike a debugging aid's, these files are the module's interface: a
 * load that cannot make every one of them fails, rather than leave a
 * module without, say, its control file.
 */
int buddy_debugfs_init(void)
{
	struct dentry *file;
	size_t i;

	buddy_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(buddy_dir))
		return PTR_ERR(buddy_dir);
	for (i = 0; i < ARRAY_SIZE(buddy_files); i++) {
		file = debugfs_create_file(buddy_files[i].name,
					   buddy_files[i].mode, buddy_dir, NULL,
					   buddy_files[i].fops);
		if (IS_ERR(file)) {
			debugfs_remove_recursive(buddy_dir);
			return PTR_ERR(file);
		}
	}
	return 0;
}

void buddy_debugfs_exit(void)
{
	debugfs_remove_recursive(buddy_dir);
}
