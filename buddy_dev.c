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
#include <linux/personality.h>
#include <linux/pfn_t.h>
#include <linux/sched.h>
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
 * read(): the text of this file's last ALLOC or FREE that reached the
 * pool, in the format of debugfs control's results: the result or why it
 * was refused, then its steps.  Each ALLOC or FREE starts it afresh, so a
 * file sees its own steps only, whatever other files do.
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

static long ioctl_alloc(struct file *file, struct dev_file *df,
			struct buddy_alloc __user *uarg)
{
	struct buddy_pool *pool = &buddy_pool;
	struct buddy_request req = { };
	char comm[BUDDY_COMM_LEN];
	struct buddy_pool_mark mark;
	struct buddy_alloc arg;
	struct buddy_rec *rec = NULL;
	unsigned long pfn, failed;
	struct buddy_who who;
	int ret, tries;
	u64 seq;

	ret = may_change(file, df);
	if (ret)
		return ret;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = buddy_alloc_request(&arg, &req.order, &req.bytes);
	req.tag = arg.tag;
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
		seq = pool->seq;
		failed = pool->failed_allocs;
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
				/* Never happened: no step of it is kept. */
				buddy_pool_undo_alloc(pool, rec, &mark);
				ret = -EFAULT;
			} else {
				buddy_pool_commit(pool);
			}
		}
		/* What read() gives: the result or why not, then the steps. */
		if (ret != -EFAULT) {
			buddy_view_alloc_told(&df->out, pool, seq, ret, rec,
					      buddy_request_order(pool, &req),
					      pool->failed_allocs != failed);
			df->rpos = 0;
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
	u64 seq;

	ret = may_change(file, df);
	if (ret)
		return ret;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = buddy_free_request(&arg);
	if (ret)
		return ret;

	for (tries = 0; tries < DEV_TRIES; tries++) {
		if (copy_to_user((void __user *)uarg + FREE_REPLY_OFF,
				 (void *)&arg + FREE_REPLY_OFF, FREE_REPLY_LEN))
			return -EFAULT;

		mutex_lock(&df->lock);
		mutex_lock(&buddy_lock);
		seq = pool->seq;
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
				buddy_pool_release_told(pool, rec, &df->out);
				df->rpos = 0;
				ret = 0;
			}
		} else {
			buddy_view_free_refused(&df->out, pool, seq, ret,
						arg.pfn);
			df->rpos = 0;
		}
		mutex_unlock(&buddy_lock);
		mutex_unlock(&df->lock);
		if (ret != -EFAULT)
			break;
	}
	return ret;
}

/* === mmap() === */

/*
 * A mapping holds its block: the block cannot be freed (-EBUSY) while any
 * mapping of it lives, and a reset frees it when the last one goes.
 * fork(), mremap() and a partial munmap() each open or close a vma, and
 * are counted alike.  The vma holds the file, and the file the module:
 * rmmod cannot happen while anything is mapped.
 *
 * Nothing but a mapping can hold the pages: they are mapped as pfns in a
 * VM_IO | VM_MIXEDMAP vma, which get_user_pages() refuses, fast or not.
 * Mapped as ordinary pages, they could be pinned past munmap() (vmsplice()
 * into a pipe, O_DIRECT, io_uring), and a block freed after munmap() would
 * go to its next owner with another still reading it.
 */
static void buddy_vm_open(struct vm_area_struct *vma)
{
	mutex_lock(&buddy_lock);
	buddy_pool_map(&buddy_pool, vma->vm_private_data);
	mutex_unlock(&buddy_lock);
}

static void buddy_vm_close(struct vm_area_struct *vma)
{
	mutex_lock(&buddy_lock);
	buddy_pool_unmap(&buddy_pool, vma->vm_private_data);
	mutex_unlock(&buddy_lock);
}

/*
 * The pages are all in place from mmap(); a fault comes only after
 * madvise(MADV_DONTNEED) took some out, and puts back the same frame.  The
 * offset is the pfn, and the vma never runs past its block, which cannot
 * be freed while the vma lives: no lock is needed.
 */
static vm_fault_t buddy_vm_fault(struct vm_fault *vmf)
{
	return vmf_insert_mixed(vmf->vma, vmf->address,
				__pfn_to_pfn_t(vmf->pgoff, 0));
}

static const struct vm_operations_struct buddy_vm_ops = {
	.open = buddy_vm_open,
	.close = buddy_vm_close,
	.fault = buddy_vm_fault,
};

/*
 * The pages from @pfn into @vma, as pfns: special entries, which pagemap
 * shows but get_user_pages() refuses (VM_PFNMAP would hide them from
 * pagemap too), and which take no reference on the pages.
 */
static int insert_pfns(struct vm_area_struct *vma, unsigned long pfn)
{
	unsigned long i, nr = vma_pages(vma);
	vm_fault_t fault;

	for (i = 0; i < nr; i++) {
		fault = vmf_insert_mixed(vma, vma->vm_start + (i << PAGE_SHIFT),
					 __pfn_to_pfn_t(pfn + i, 0));
		if (fault & VM_FAULT_ERROR)
			return fault & VM_FAULT_OOM ? -ENOMEM : -EFAULT;
	}
	return 0;
}

/*
 * mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, phys_addr):
 * pages of a block this file holds, from its physical address (pfn * page
 * size, as ALLOC returns it) or a page of it, not past its end.
 */
static int buddy_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dev_file *df = file->private_data;
	struct buddy_rec *rec;
	int ret;

	/* The offset is a physical address: the administrator's. */
	if (!df->privileged)
		return -EPERM;
	/* Private copies of shared pages would hide what the pool holds. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/*
	 * The pool's pages are data to look at, never code: no PROT_EXEC now
	 * (EPERM, as a noexec mount gives), and none by mprotect() later
	 * (EACCES, the kernel's answer without VM_MAYEXEC).  A process with
	 * READ_IMPLIES_EXEC (setarch -X, old binaries) gets PROT_EXEC with
	 * every PROT_READ, asked or not: it is dropped, as a noexec mount
	 * would not add it.
	 */
	if (vma->vm_flags & VM_EXEC) {
		if (!(current->personality & READ_IMPLIES_EXEC))
			return -EPERM;
		vm_flags_clear(vma, VM_EXEC);
	}

	mutex_lock(&buddy_lock);
	rec = buddy_pool_mappable(&buddy_pool, &df->owner, vma->vm_pgoff,
				  vma_pages(vma), &ret);
	if (!rec)
		goto out_unlock;
	vm_flags_set(vma, VM_MIXEDMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vm_flags_clear(vma, VM_MAYEXEC);
	ret = insert_pfns(vma, vma->vm_pgoff);
	if (ret)
		goto out_unlock;
	/* Only a mapping made whole gets the ops that count it. */
	vma->vm_ops = &buddy_vm_ops;
	vma->vm_private_data = rec;
	buddy_pool_map(&buddy_pool, rec);
out_unlock:
	mutex_unlock(&buddy_lock);
	return ret;
}

static long ioctl_info(const struct dev_file *df,
		       struct buddy_info __user *uarg)
{
	struct buddy_info *info;
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
	buddy_pool_info(&buddy_pool, info, df->privileged);
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
	.mmap = buddy_dev_mmap,
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
