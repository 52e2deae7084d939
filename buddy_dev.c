// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/buddy: allocate and free blocks with ioctl()
 *
 * The ABI is include/uapi/linux/buddy.h.  Each open file is an owner: the
 * blocks it allocates are its own, other owners' blocks cannot be freed
 * through it (-EPERM), and whatever it still holds is freed when the file is
 * closed, so a process that dies leaks nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buddy_cmd.h"
#include "buddy_mod.h"

static atomic_t last_owner_id = ATOMIC_INIT(0);

static int buddy_dev_open(struct inode *inode, struct file *file)
{
	struct buddy_owner *owner;

	owner = kzalloc(sizeof(*owner), GFP_KERNEL);
	if (!owner)
		return -ENOMEM;
	INIT_LIST_HEAD(&owner->blocks);
	owner->id = atomic_inc_return(&last_owner_id);
	file->private_data = owner;
	return stream_open(inode, file);
}

static int buddy_dev_release(struct inode *inode, struct file *file)
{
	struct buddy_owner *owner = file->private_data;

	mutex_lock(&buddy_pool.lock);
	buddy_pool_release_owner(&buddy_pool, owner);
	mutex_unlock(&buddy_pool.lock);
	kfree(owner);
	return 0;
}

/* A tag field: empty, or a valid tag; NUL-padded either way. */
static bool tag_field_valid(const char *tag)
{
	size_t len = strnlen(tag, BUDDY_TAG_LEN);

	if (len == BUDDY_TAG_LEN || (len && !buddy_tag_valid(tag, len)))
		return false;
	return !memchr_inv(tag + len, 0, BUDDY_TAG_LEN - len);
}

static long ioctl_alloc(struct buddy_owner *owner, struct buddy_alloc __user *uarg)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_request req = { };
	struct buddy_alloc arg;
	struct buddy_rec rec;
	unsigned long pfn;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved[0] || arg.reserved[1] || !tag_field_valid(arg.tag))
		return -EINVAL;
	switch (arg.mode) {
	case BUDDY_ALLOC_ORDER:
		if (arg.bytes)
			return -EINVAL;
		req.order = arg.order;
		break;
	case BUDDY_ALLOC_BYTES:
		if (arg.order || !arg.bytes)
			return -EINVAL;
		req.bytes = arg.bytes;
		break;
	default:
		return -EINVAL;
	}
	req.tag = arg.tag;
	/* Prove the reply can be written before anything changes. */
	if (put_user(0, &uarg->pad))
		return -EFAULT;

	mutex_lock(&pool->lock);
	ret = buddy_pool_alloc(pool, owner, &req, &rec);
	mutex_unlock(&pool->lock);
	if (ret)
		return ret;

	pfn = buddy_rec_pfn(pool, &rec);
	arg.pfn = pfn;
	arg.phys_addr = PFN_PHYS(pfn);
	arg.pages = 1UL << rec.order;
	arg.out_order = rec.order;
	arg.pad = 0;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		mutex_lock(&pool->lock);
		buddy_pool_free(pool, owner, pfn, &rec);
		mutex_unlock(&pool->lock);
		return -EFAULT;
	}
	return 0;
}

static long ioctl_free(struct buddy_owner *owner, struct buddy_free __user *uarg)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_free arg;
	struct buddy_rec rec;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;
	if (put_user(0, &uarg->pad))
		return -EFAULT;

	mutex_lock(&pool->lock);
	ret = buddy_pool_free(pool, owner, arg.pfn, &rec);
	mutex_unlock(&pool->lock);
	if (ret)
		return ret;

	arg.order = rec.order;
	arg.pages = 1UL << rec.order;
	arg.pad = 0;
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static long ioctl_info(struct buddy_info __user *uarg)
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
	memset(info, 0, sizeof(*info));

	mutex_lock(&buddy_pool.lock);
	info->first_pfn = pool->first_pfn;
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
	mutex_unlock(&buddy_pool.lock);

	if (copy_to_user(uarg, info, sizeof(*info)))
		ret = -EFAULT;
out:
	kfree(info);
	return ret;
}

static long buddy_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct buddy_owner *owner = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case BUDDY_IOC_ALLOC:
		return ioctl_alloc(owner, uarg);
	case BUDDY_IOC_FREE:
		return ioctl_free(owner, uarg);
	case BUDDY_IOC_INFO:
		return ioctl_info(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations buddy_dev_fops = {
	.owner = THIS_MODULE,
	.open = buddy_dev_open,
	.release = buddy_dev_release,
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
