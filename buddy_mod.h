/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of buddy.ko share
 *
 * One pool, one mutex.  buddy_pool.c does everything to the pool (it is
 * shared with buddyctl's in-process twin); buddy_mod.c reserves the pages
 * and owns the mutex; buddy_debugfs.c and buddy_dev.c are front ends that
 * take the mutex, call the pool and copy out the results.
 */
#ifndef _BUDDY_MOD_H
#define _BUDDY_MOD_H

#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/types.h>

#include "buddy_pool.h"

/* The page frames the pool manages (buddy_reserve.c). */
struct buddy_range {
	unsigned long first_pfn;
	unsigned long nr_pages;
	int nid;
	void *vaddr;			/* from alloc_pages_exact(), or NULL */
};

int buddy_reserve(struct buddy_range *r, unsigned long nr,
		  unsigned int align_order);
void buddy_unreserve(struct buddy_range *r);

extern struct buddy_pool buddy_pool;
extern struct mutex buddy_lock;		/* buddy_pool, and its records */
extern bool buddy_verbose;		/* log refused commands at info */

/* Who the current task is, for the records: its thread group, its name. */
static inline void buddy_who_current(struct buddy_who *who,
				     char comm[BUDDY_COMM_LEN])
{
	__get_task_comm(comm, BUDDY_COMM_LEN, current);
	who->pid = task_tgid(current);
	who->comm = comm;
}

void buddy_log_refusal(const char *what, const char *buf, size_t len,
		       const char *why, int err);

extern const struct file_operations buddy_compare_fops;

int buddy_debugfs_init(void);
void buddy_debugfs_exit(void);
int buddy_dev_init(void);
void buddy_dev_exit(void);

#endif /* _BUDDY_MOD_H */
