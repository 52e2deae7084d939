/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of buddy.ko share
 *
 * One pool, one mutex.  buddy_mod.c owns the pool and its allocation records;
 * buddy_debugfs.c and buddy_dev.c are front ends that take the mutex, call
 * the buddy_pool_*() operations and format or copy out the results.
 */
#ifndef _BUDDY_MOD_H
#define _BUDDY_MOD_H

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/buddy.h>

#include "buddy_core.h"

/* Who holds blocks: the debugfs control file, or one open /dev/buddy. */
struct buddy_owner {
	struct list_head blocks;	/* its buddy_rec, under pool->lock */
	unsigned int id;		/* 0: debugfs; N: "dev#N" */
};

/* A live allocation and who made it. */
struct buddy_rec {
	struct list_head node;		/* on owner->blocks */
	struct buddy_owner *owner;
	unsigned long frame;		/* first frame in the core */
	unsigned int order;
	u64 bytes;			/* size asked for; 0 if an order was */
	u64 ts_ns;			/* ktime_get_ns() at allocation */
	pid_t pid;			/* thread group id of the caller */
	char comm[TASK_COMM_LEN];
	char tag[BUDDY_TAG_LEN];	/* "" when untagged */
};

/* Why a free was refused, for the stats counters. */
enum buddy_reject {
	BUDDY_REJECT_RANGE,		/* -ERANGE: pfn outside the pool */
	BUDDY_REJECT_DOUBLE,		/* -EALREADY: inside a free block */
	BUDDY_REJECT_INTERIOR,		/* -EINVAL: inside, not the start */
	BUDDY_REJECT_PERM,		/* -EPERM: another owner's block */
	BUDDY_NR_REJECT,
};

struct buddy_pool {
	struct mutex lock;		/* everything below */
	struct buddy_core core;
	void *meta;
	size_t meta_bytes;
	void *vaddr;			/* the reserved range */
	unsigned long first_pfn;
	unsigned long nr_pages;
	int nid;

	struct xarray recs;		/* frame -> struct buddy_rec */
	unsigned long nr_recs;
	u64 waste_bytes;		/* block bytes beyond sizes asked */
	unsigned long failed_allocs;
	unsigned long rejected[BUDDY_NR_REJECT];
	unsigned long rejected_commands;

	struct buddy_owner debugfs_owner;
};

extern struct buddy_pool buddy_pool;

/* What an allocation asks for: an order, or a size when bytes != 0. */
struct buddy_request {
	unsigned int order;
	u64 bytes;
	const char *tag;		/* may be NULL or "" */
};

int buddy_pool_alloc(struct buddy_pool *pool, struct buddy_owner *owner,
		     const struct buddy_request *req, struct buddy_rec *out);
int buddy_pool_free(struct buddy_pool *pool, struct buddy_owner *owner,
		    u64 pfn, struct buddy_rec *out);
void buddy_pool_release(struct buddy_pool *pool, struct buddy_rec *rec);
void buddy_pool_release_owner(struct buddy_pool *pool,
			      struct buddy_owner *owner);
unsigned long buddy_pool_release_all(struct buddy_pool *pool,
				     unsigned long *nr_pages);
unsigned int buddy_request_order(const struct buddy_request *req);

/* Bytes of the block beyond the size asked for (0 for an order). */
static inline u64 buddy_rec_waste(const struct buddy_rec *rec)
{
	return rec->bytes ? (PAGE_SIZE << rec->order) - rec->bytes : 0;
}

static inline unsigned long buddy_rec_pfn(const struct buddy_pool *pool,
					  const struct buddy_rec *rec)
{
	return pool->first_pfn + rec->frame;
}

void buddy_debugfs_init(struct buddy_pool *pool);
void buddy_debugfs_exit(void);
int buddy_dev_init(void);
void buddy_dev_exit(void);

#endif /* _BUDDY_MOD_H */
