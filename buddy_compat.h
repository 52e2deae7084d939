/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels buddy.ko builds on
 *
 * The module is written against 6.12; the oldest kernel it supports is 6.1
 * (the LTS of Debian 12, tested in QEMU like 6.12).  Every difference lives
 * here, as a LINUX_VERSION_CODE test with a note of what changed and when,
 * so that the sources keep no #if of their own.  The files of the module
 * include this (through buddy_core_internal.h) instead of the headers
 * that moved.
 */
#ifndef _BUDDY_COMPAT_H
#define _BUDDY_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "buddy.ko needs Linux 6.1 or later"
#endif

/* 6.7 moved sprintf(), snprintf() and friends from kernel.h to sprintf.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#include <linux/sprintf.h>
#else
#include <linux/kernel.h>
#endif

/*
 * 6.3 made vma->vm_flags read-only outside mm, behind vm_flags_set() and
 * vm_flags_clear() (for the per-VMA locks); before, the flags were set
 * directly.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#include <linux/mm_types.h>
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/*
 * The kernel's largest block order, buddy.ko's default max_order: 10 with
 * 4 KiB pages, 11 with arm64's 16 KiB pages.  6.8 renamed it
 * MAX_PAGE_ORDER; from 6.4 MAX_ORDER was that order itself; before 6.4
 * MAX_ORDER was one more (the number of orders).
 */
#include <linux/mmzone.h>
#ifndef MAX_PAGE_ORDER
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MAX_PAGE_ORDER	MAX_ORDER
#else
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif
#endif

#endif /* _BUDDY_COMPAT_H */
