/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The /dev/buddy ioctl ABI
 *
 * Rules (Documentation/driver-api/ioctl.rst): fixed-width fields, naturally
 * aligned, explicit padding; fields the kernel writes come last.  Every
 * reserved or padding field ("must be zero") is checked on input: non-zero
 * fails with -EINVAL, so it can gain a meaning later.  Output fields are
 * ignored on input; they are written only when the ioctl succeeds, and a
 * failed ioctl leaves the whole struct as it was.  Unknown commands fail
 * with -ENOTTY and bad pointers with -EFAULT; a refused ioctl changes
 * nothing, -EFAULT included (the reply is proven writable first).
 *
 * Blocks allocated through an open file belong to that file: freeing another
 * file's block fails with -EPERM, and closing the file frees what it holds.
 *
 * Permissions.  Opening needs the device node's mode (0600, root).
 * BUDDY_IOC_INFO works on any open file.  BUDDY_IOC_ALLOC and BUDDY_IOC_FREE
 * change the pool: they need a file open for writing (-EBADF otherwise)
 * and, since their results are physical page frame numbers, an opener with
 * CAP_SYS_ADMIN (-EPERM otherwise), as /proc/PID/pagemap shows pfns only to
 * CAP_SYS_ADMIN (checked at open, as pagemap does).  Without it INFO
 * reports first_pfn as 0.
 *
 * read() on the file returns the text of its last ALLOC or FREE that
 * reached the pool, in the format of debugfs control's results: the result
 * ("pfn=0x... order=K ...", "freed pfn=0x...") or why it was refused
 * ("error=ENAME why=..."), then the allocator's steps for it, a line each
 * in the format of debugfs events ("seq=N split pfn=0x... ...").  Each
 * ALLOC or FREE starts it afresh, so a file reads its own steps only.
 *
 * ioctl number: registered here as Documentation/userspace-api/ioctl/
 * ioctl-number.rst lists them (0xBD is free there as of Linux 6.12):
 *
 *	0xBD  01-03  linux/buddy.h  buddy teaching allocator (out of tree)
 */
#ifndef _UAPI_LINUX_BUDDY_H
#define _UAPI_LINUX_BUDDY_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define BUDDY_DEV_NAME		"buddy"
/* The release of buddy.ko and buddyctl (MODULE_VERSION, --version, dkms.conf). */
#define BUDDY_VERSION		"1.0"
#define BUDDY_TAG_LEN		16	/* bytes, including the NUL */
#define BUDDY_MAX_ORDERS	64	/* room in struct buddy_info */

/* struct buddy_alloc.mode */
#define BUDDY_ALLOC_ORDER	0	/* @order is the order */
#define BUDDY_ALLOC_BYTES	1	/* @bytes is a size, rounded up to 2^k pages */

struct buddy_alloc {
	/* in */
	__u32 mode;			/* BUDDY_ALLOC_ORDER or _BYTES */
	__u32 order;			/* BUDDY_ALLOC_ORDER: the order */
	__u64 bytes;			/* BUDDY_ALLOC_BYTES: 1 .. pool size */
	char tag[BUDDY_TAG_LEN];	/* optional name: [A-Za-z0-9_.-], NUL-padded */
	__u64 reserved[2];		/* must be zero */
	/* out */
	__u64 pfn;			/* first page frame of the block */
	__u64 phys_addr;		/* its physical address */
	__u64 pages;			/* 2^out_order */
	__u32 out_order;
	__u32 pad;			/* must be zero, stays zero */
};

struct buddy_free {
	/* in */
	__u64 pfn;			/* first page frame of a block this file holds */
	__u64 reserved;			/* must be zero */
	/* out */
	__u64 pages;			/* pages given back */
	__u32 order;
	__u32 pad;			/* must be zero, stays zero */
};

struct buddy_info {
	/* in */
	__u64 reserved[2];		/* must be zero */
	/* out: the pool */
	__u64 first_pfn;
	__u64 nr_pages;
	__u64 page_size;
	__u32 max_order;
	__u32 nr_orders;		/* max_order + 1: valid free_blocks[] */
	/* out: its state */
	__u64 free_pages;
	__u64 allocated_pages;
	__u64 nr_allocations;		/* live blocks, all owners */
	__u64 meta_bytes;		/* the core's metadata */
	__u64 free_blocks[BUDDY_MAX_ORDERS];	/* per order, as in buddyinfo */
};

#define BUDDY_IOC_MAGIC		0xBD
#define BUDDY_IOC_ALLOC		_IOWR(BUDDY_IOC_MAGIC, 1, struct buddy_alloc)
#define BUDDY_IOC_FREE		_IOWR(BUDDY_IOC_MAGIC, 2, struct buddy_free)
#define BUDDY_IOC_INFO		_IOWR(BUDDY_IOC_MAGIC, 3, struct buddy_info)

#endif /* _UAPI_LINUX_BUDDY_H */
