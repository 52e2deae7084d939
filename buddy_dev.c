// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/buddy: allocate and free blocks with ioctl()
 *
 * The ABI is include/uapi/linux/buddy.h.  Each open file is an owner: the
 * blocks it allocates are its own, other owners' blocks cannot be freed
 * through it (-EPERM), and whatever it still holds is freed when the file is
 * closed, so a process that dies leaks nothing.
 *
 * A refused ioctl changes nothing.  The reply of ALLOC and FREE is proven
 * writable before the pool is touched, then written with page faults
 * disabled while the lock is held: if that fails after all (another thread
 * unmapped the page), the operation is taken back under the same lock,
 * exactly, and tried again.  The lock is never held across a copy that may
 * fault, so a fault can never wait for it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "buddy_mod.h"
#include "buddy_view.h"

/* Bytes of the text a file keeps of its last ALLOC or FREE. */
#define DEV_RESULT_MAX		8192

/* Tries of an ALLOC or FREE whose reply page vanished under it. */
#define DEV_TRIES		3

static atomic64_t last_owner_id = ATOMIC64_INIT(0);

/* One open /dev/buddy. */
struct dev_file {
	struct buddy_owner owner;
	/* CAP_SYS_ADMIN at open, as /proc/PID/pagemap decides at open. */
	bool privileged;
	struct mutex lock;		/* result and rpos */
	char result[DEV_RESULT_MAX];	/* text of the last ALLOC or FREE */
	struct buddy_out out;
	size_t rpos;			/* where read() is in it */
};

static int buddy_dev_open(struct inode *inode, struct file *file)
{
	struct dev_file *df;

	df = kzalloc(sizeof(*df), GFP_KERNEL);
	if (!df)
		return -ENOMEM;
	INIT_LIST_HEAD(&df->owner.blocks);
	df->owner.id = atomic64_inc_return(&last_owner_id);
	df->privileged = file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	mutex_init(&df->lock);
	buddy_out_init_buf(&df->out, df->result, sizeof(df->result));
	file->private_data = df;
	return stream_open(inode, file);
}

static int buddy_dev_release(struct inode *inode, struct file *file)
{
	struct dev_file *df = file->private_data;

	mutex_lock(&buddy_lock);
	buddy_pool_release_owner(&buddy_pool, &df->owner);
	mutex_unlock(&buddy_lock);
	mutex_destroy(&df->lock);
	kfree(df);
	return 0;
}

/*
 * read(): the text of this file's last ALLOC or FREE, in the format of
 * debugfs control's results; each ALLOC or FREE starts it afresh.
 */
static ssize_t buddy_dev_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct dev_file *df = file->private_data;
	loff_t pos;
	ssize_t ret;

	mutex_lock(&df->lock);
	pos = df->rpos;
	ret = simple_read_from_buffer(ubuf, count, &pos, df->result,
				      df->out.len);
	df->rpos = pos;
	mutex_unlock(&df->lock);
	return ret;
}

/* A tag field: empty, or a valid tag; NUL-padded either way. */
static bool tag_field_valid(const char *tag)
{
	size_t len = strnlen(tag, BUDDY_TAG_LEN);

	if (len == BUDDY_TAG_LEN || (len && !buddy_tag_valid(tag, len)))
		return false;
	return !memchr_inv(tag + len, 0, BUDDY_TAG_LEN - len);
}

/* Changes need a file open for writing, and the right to see pfns. */
static int may_change(struct file *file, const struct dev_file *df)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return df->privileged ? 0 : -EPERM;
}

/* The fields of struct buddy_alloc the kernel writes: the reply. */
#define ALLOC_REPLY_OFF		offsetof(struct buddy_alloc, pfn)
#define ALLOC_REPLY_LEN		(sizeof(struct buddy_alloc) - ALLOC_REPLY_OFF)

static int alloc_request(const struct buddy_alloc *arg,
			 struct buddy_request *req)
{
	if (arg->reserved[0] || arg->reserved[1] || arg->pad ||
	    !tag_field_valid(arg->tag))
		return -EINVAL;
	switch (arg->mode) {
	case BUDDY_ALLOC_ORDER:
		if (arg->bytes)
			return -EINVAL;
		req->order = arg->order;
		break;
	case BUDDY_ALLOC_BYTES:
		if (arg->order || !arg->bytes)
			return -EINVAL;
		req->bytes = arg->bytes;
		break;
	default:
		return -EINVAL;
	}
	req->tag = arg->tag;
	return 0;
}

static long ioctl_alloc(struct file *file, struct dev_file *df,
			struct buddy_alloc __user *uarg)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_request req = { };
	char comm[BUDDY_COMM_LEN];
	struct buddy_pool_mark mark;
	struct buddy_alloc arg;
	struct buddy_rec *rec;
	struct buddy_who who;
	unsigned long pfn;
	int ret, tries;

	ret = may_change(file, df);
	if (ret)
		return ret;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = alloc_request(&arg, &req);
	if (ret)
		return ret;
	buddy_who_current(&who, comm);

	for (tries = 0; tries < DEV_TRIES; tries++) {
		/* Prove the whole reply can be written before any change. */
		if (copy_to_user((void __user *)uarg + ALLOC_REPLY_OFF,
				 (void *)&arg + ALLOC_REPLY_OFF,
				 ALLOC_REPLY_LEN))
			return -EFAULT;

		mutex_lock(&df->lock);
		mutex_lock(&buddy_lock);
		buddy_pool_mark(pool, &mark);
		ret = buddy_pool_alloc(pool, &df->owner, &who, &req, &rec);
		if (!ret) {
			pfn = buddy_rec_pfn(pool, rec);
			arg.pfn = pfn;
			arg.phys_addr = PFN_PHYS(pfn);
			arg.pages = 1UL << rec->order;
			arg.out_order = rec->order;
			if (copy_to_user_nofault((void __user *)uarg +
						 ALLOC_REPLY_OFF,
						 (void *)&arg + ALLOC_REPLY_OFF,
						 ALLOC_REPLY_LEN)) {
				buddy_pool_undo_alloc(pool, rec, &mark);
				ret = -EFAULT;
			} else {
				buddy_out_reset(&df->out);
				buddy_view_alloc_result(&df->out, pool, rec);
				buddy_out_finish(&df->out);
				df->rpos = 0;
			}
		}
		mutex_unlock(&buddy_lock);
		mutex_unlock(&df->lock);
		if (ret != -EFAULT)
			break;
	}
	return ret;
}

/* The fields of struct buddy_free the kernel writes. */
#define FREE_REPLY_OFF		offsetof(struct buddy_free, pages)
#define FREE_REPLY_LEN		(sizeof(struct buddy_free) - FREE_REPLY_OFF)

static long ioctl_free(struct file *file, struct dev_file *df,
		       struct buddy_free __user *uarg)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_free arg;
	struct buddy_rec *rec;
	int ret, tries;

	ret = may_change(file, df);
	if (ret)
		return ret;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || arg.pad)
		return -EINVAL;

	for (tries = 0; tries < DEV_TRIES; tries++) {
		if (copy_to_user((void __user *)uarg + FREE_REPLY_OFF,
				 (void *)&arg + FREE_REPLY_OFF, FREE_REPLY_LEN))
			return -EFAULT;

		mutex_lock(&df->lock);
		mutex_lock(&buddy_lock);
		rec = buddy_pool_find(pool, &df->owner, arg.pfn, &ret);
		if (rec) {
			/* The reply goes first: a free cannot be taken back. */
			arg.order = rec->order;
			arg.pages = 1UL << rec->order;
			if (copy_to_user_nofault((void __user *)uarg +
						 FREE_REPLY_OFF,
						 (void *)&arg + FREE_REPLY_OFF,
						 FREE_REPLY_LEN)) {
				ret = -EFAULT;
			} else {
				buddy_out_reset(&df->out);
				buddy_view_freed(&df->out, pool, rec);
				buddy_out_finish(&df->out);
				df->rpos = 0;
				buddy_pool_release(pool, rec);
				ret = 0;
			}
		}
		mutex_unlock(&buddy_lock);
		mutex_unlock(&df->lock);
		if (ret != -EFAULT)
			break;
	}
	return ret;
}

static long ioctl_info(const struct dev_file *df,
		       struct buddy_info __user *uarg)
{
	const struct buddy_pool *pool = &buddy_pool;
	const struct buddy_core *core = &pool->core;
	struct buddy_info *info;
	unsigned int order;
	long ret = 0;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	if (copy_from_user(info, uarg, sizeof(*info))) {
		ret = -EFAULT;
		goto out;
	}
	if (info->reserved[0] || info->reserved[1]) {
		ret = -EINVAL;
		goto out;
	}
	/*
	 * Prove the whole reply writable first, by writing back what was
	 * read: a struct that runs into a read-only page must fail with
	 * nothing written, not half of it.
	 */
	if (copy_to_user(uarg, info, sizeof(*info))) {
		ret = -EFAULT;
		goto out;
	}
	memset(info, 0, sizeof(*info));

	mutex_lock(&buddy_lock);
	/* Where the pool lies in physical memory is the administrator's. */
	info->first_pfn = df->privileged ? pool->first_pfn : 0;
	info->nr_pages = pool->nr_pages;
	info->page_size = PAGE_SIZE;
	info->max_order = buddy_core_max_order(core);
	info->nr_orders = info->max_order + 1;
	info->free_pages = buddy_core_free_frames(core);
	info->allocated_pages = buddy_core_allocated_frames(core);
	info->nr_allocations = pool->nr_recs;
	info->meta_bytes = pool->meta_bytes;
	for (order = 0; order <= info->max_order; order++)
		info->free_blocks[order] = buddy_core_free_blocks(core, order);
	mutex_unlock(&buddy_lock);

	if (copy_to_user(uarg, info, sizeof(*info)))
		ret = -EFAULT;
out:
	kfree(info);
	return ret;
}

static long buddy_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct dev_file *df = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case BUDDY_IOC_ALLOC:
		return ioctl_alloc(file, df, uarg);
	case BUDDY_IOC_FREE:
		return ioctl_free(file, df, uarg);
	case BUDDY_IOC_INFO:
		return ioctl_info(df, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations buddy_dev_fops = {
	.owner = THIS_MODULE,
	.open = buddy_dev_open,
	.release = buddy_dev_release,
	.read = buddy_dev_read,
	.unlocked_ioctl = buddy_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice buddy_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = BUDDY_DEV_NAME,
	.fops = &buddy_dev_fops,
	.mode = 0600,
};

int buddy_dev_init(void)
{
	return misc_register(&buddy_misc);
}

void buddy_dev_exit(void)
{
	misc_deregister(&buddy_misc);
}
