/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pool: the allocator core, the records of who holds which block, the
 * counters, and the command language acted out on them
 *
 * buddy_pool.c is shared by buddy.ko and buddyctl's in-process twin, as
 * buddy_core.c and buddy_cmd.c are, so both refuse, count and report exactly
 * alike.  It takes no lock and knows nothing of files or processes: the
 * module serialises every call with its mutex and says who asks; the twin
 * is single-threaded.  Under __KERNEL__ it uses the kernel's xarray, lists
 * and slab; in user space tools/include/buddy_pool_shim.h stands in.
 */
#ifndef _BUDDY_POOL_H
#define _BUDDY_POOL_H

#ifdef __KERNEL__
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/types.h>
#include <linux/xarray.h>
#else
#include "buddy_pool_shim.h"
#endif

#include "buddy_cmd.h"
#include "buddy_core.h"
#include "buddy_out.h"

#define BUDDY_COMM_LEN		16	/* as TASK_COMM_LEN */
#define BUDDY_LAST_MAX		16384	/* bytes of the last result kept */
#define BUDDY_EVENTS		1024	/* steps kept for debugfs events */
/* Steps one alloc or free of the core can make: splits or merges, 2 more. */
#define BUDDY_STAGE_MAX		(BUDDY_CORE_MAX_ORDER + 2)

/* Who holds blocks: the debugfs control file, or one open /dev/buddy. */
struct buddy_owner {
	struct list_head blocks;	/* its buddy_rec */
	u64 id;				/* 0: debugfs; N: "dev#N" */
};

/* A live allocation and who made it. */
struct buddy_rec {
	struct list_head node;		/* on owner->blocks */
	struct buddy_owner *owner;
	unsigned long frame;		/* first frame in the core */
	unsigned int order;
	u64 bytes;			/* size asked for; 0 if an order was */
	u64 ts_ns;			/* ktime_get_ns() at allocation */
	struct pid *pid;		/* thread group of the caller */
	unsigned int mapcount;		/* mappings of its pages (the module's) */
	bool deferred;			/* freed while mapped: goes when unmapped */
	char comm[BUDDY_COMM_LEN];	/* raw: escape it to print it */
	char tag[BUDDY_TAG_LEN];	/* "" when untagged */
};

/* Who asks for an allocation: recorded with it. */
struct buddy_who {
	struct pid *pid;		/* the pool takes its own reference */
	const char *comm;
};

/* Why a free was refused, for the stats counters. */
enum buddy_reject {
	BUDDY_REJECT_RANGE,		/* -ERANGE: pfn outside the pool */
	BUDDY_REJECT_DOUBLE,		/* -EALREADY: inside a free block */
	BUDDY_REJECT_INTERIOR,		/* -EINVAL: inside, not the start */
	BUDDY_REJECT_PERM,		/* -EPERM: another owner's block */
	BUDDY_REJECT_BUSY,		/* -EBUSY: the block is mapped */
	BUDDY_NR_REJECT,
};

/*
 * A step of the allocator, as debugfs "events" and the tracepoints show
 * it.  The core reports its steps (struct buddy_core_step); the pool adds
 * who asked, and refusals of its own (pfns outside the pool, another
 * owner's block), and numbers them.
 */
enum buddy_event_kind {
	BUDDY_EV_ALLOC,			/* pfn, order, from_order: handed out */
	BUDDY_EV_FREE,			/* pfn, order: found allocated, freed */
	BUDDY_EV_SPLIT,			/* pfn, order -> lower pfn, upper other */
	BUDDY_EV_MERGE,			/* pfn + buddy other, order -> min() */
	BUDDY_EV_STOP,			/* pfn, order: merged no further, why */
	BUDDY_EV_FAIL,			/* order: alloc refused, error */
	/* pfn: free refused, error; other and order: its block, if any */
	BUDDY_EV_REJECT,
};

struct buddy_event {
	u64 seq;			/* 1, 2, ... over the pool's life */
	u64 owner;			/* id of the owner asking or freed */
	u64 pfn;
	u64 other;			/* see enum buddy_event_kind */
	int error;			/* FAIL, REJECT: -errno */
	/* All 32 bits: an ioctl's FAIL may ask for any order (EINVAL). */
	unsigned int order;
	u8 kind;			/* enum buddy_event_kind */
	u8 from_order;			/* ALLOC: order of the block taken */
	u8 why;				/* STOP: enum buddy_core_stop_why */
	bool has_other;			/* STOP, REJECT: other is a block */
	char tag[BUDDY_TAG_LEN];	/* of the block, "" if none */
};

/* What an allocation asks for: an order, or a size when bytes != 0. */
struct buddy_request {
	unsigned int order;
	u64 bytes;
	const char *tag;		/* may be NULL or ""; must be valid */
};

struct buddy_pool {
	struct buddy_core core;
	void *meta;
	size_t meta_bytes;
	unsigned long first_pfn;	/* pfn of frame 0 */
	unsigned long nr_pages;
	unsigned int page_shift;
	int nid;

	struct xarray recs;		/* frame -> struct buddy_rec */
	unsigned long nr_recs;
	u64 waste_bytes;		/* block bytes beyond sizes asked */
	unsigned long failed_allocs;
	unsigned long rejected[BUDDY_NR_REJECT];
	unsigned long rejected_commands;
	/* What undone allocations added to the core's counters. */
	struct buddy_core_stats undone;
	struct buddy_owner debugfs_owner;

	/* The last successful command's result, for a fresh read of control. */
	char *last;
	struct buddy_out last_out;

	/* Steps: the last BUDDY_EVENTS kept, by seq, in a ring. */
	struct buddy_core_observer observer;
	struct buddy_event *ring;
	u64 seq;			/* of the last event; 0 before any */
	/* Called for each event as it is kept (the module's tracepoints). */
	void (*on_event)(const struct buddy_pool *pool,
			 const struct buddy_event *ev);
	/* Called with each new block (the module zeroes its pages). */
	void (*on_alloc)(const struct buddy_pool *pool,
			 const struct buddy_rec *rec);
	unsigned long nr_mapped;	/* records with mappings */
	unsigned long nr_deferred;	/* of them, freed: go when unmapped */
	/* The core operation in progress: its steps, not yet kept. */
	struct buddy_event stage[BUDDY_STAGE_MAX];
	unsigned int nr_stage;
	const struct buddy_owner *op_owner;
	const char *op_tag;
	unsigned int op_from_order;
};

/* The counters before an allocation that may be undone. */
struct buddy_pool_mark {
	struct buddy_core_stats stats;
};

int buddy_pool_init(struct buddy_pool *pool, unsigned long first_pfn,
		    unsigned long nr_pages, unsigned int max_order,
		    unsigned int page_shift, int nid);
void buddy_pool_destroy(struct buddy_pool *pool);

unsigned int buddy_request_order(const struct buddy_pool *pool,
				 const struct buddy_request *req);
int buddy_pool_alloc(struct buddy_pool *pool, struct buddy_owner *owner,
		     const struct buddy_who *who,
		     const struct buddy_request *req, struct buddy_rec **out);
struct buddy_rec *buddy_pool_find(struct buddy_pool *pool,
				  struct buddy_owner *owner, u64 pfn, int *err);
void buddy_pool_release(struct buddy_pool *pool, struct buddy_rec *rec);
void buddy_pool_release_told(struct buddy_pool *pool, struct buddy_rec *rec,
			     struct buddy_out *out);
void buddy_pool_release_owner(struct buddy_pool *pool,
			      struct buddy_owner *owner);
unsigned long buddy_pool_release_all(struct buddy_pool *pool,
				     unsigned long *nr_pages,
				     unsigned long *nr_deferred);
struct buddy_rec *buddy_pool_mappable(struct buddy_pool *pool,
				      const struct buddy_owner *owner, u64 pfn,
				      unsigned long nr, int *err);
void buddy_pool_map(struct buddy_pool *pool, struct buddy_rec *rec);
void buddy_pool_unmap(struct buddy_pool *pool, struct buddy_rec *rec);

void buddy_pool_mark(const struct buddy_pool *pool,
		     struct buddy_pool_mark *mark);
void buddy_pool_commit(struct buddy_pool *pool);
void buddy_pool_undo_alloc(struct buddy_pool *pool, struct buddy_rec *rec,
			   const struct buddy_pool_mark *mark);
const struct buddy_event *buddy_pool_event(const struct buddy_pool *pool,
					   u64 seq);
u64 buddy_pool_first_seq(const struct buddy_pool *pool);

int buddy_pool_command(struct buddy_pool *pool, struct buddy_owner *owner,
		       const struct buddy_who *who, const char *buf, size_t len,
		       struct buddy_out *out, char *why, size_t why_len);

void buddy_pool_info(const struct buddy_pool *pool, struct buddy_info *info,
		     bool show_pfn);
const char *buddy_pool_audit(struct buddy_pool *pool,
			     unsigned long *pfn, unsigned int *order);

/* Bytes of the block beyond the size asked for (0 for an order). */
static inline u64 buddy_rec_waste(const struct buddy_pool *pool,
				  const struct buddy_rec *rec)
{
	return rec->bytes ?
	       ((u64)1 << (pool->page_shift + rec->order)) - rec->bytes : 0;
}

static inline unsigned long buddy_rec_pfn(const struct buddy_pool *pool,
					  const struct buddy_rec *rec)
{
	return pool->first_pfn + rec->frame;
}

#endif /* _BUDDY_POOL_H */
