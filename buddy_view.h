/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text formats of a pool: one function per view
 *
 * buddy_view.c is the only place that decides what the module prints; the
 * module's debugfs files and buddyctl's in-process twin both call it, so
 * their outputs match byte for byte.  The caller holds whatever lock
 * protects the pool.
 */
#ifndef _BUDDY_VIEW_H
#define _BUDDY_VIEW_H

#include "buddy_out.h"
#include "buddy_pool.h"

/* The mm/vmstat.c lines: "Node N, zone    buddy " and a value per order. */
enum buddy_vmstat {
	BUDDY_VMSTAT_BUDDYINFO,		/* /proc/buddyinfo */
	BUDDY_VMSTAT_UNUSABLE,		/* extfrag/unusable_index */
	BUDDY_VMSTAT_EXTFRAG,		/* extfrag/extfrag_index */
};

extern const char buddy_view_help_text[];
extern const char *const buddy_stop_word[];

const char *buddy_errno_name(int err);

void buddy_view_block(struct buddy_out *out, const struct buddy_pool *pool,
		      const struct buddy_rec *rec);
void buddy_view_alloc_result(struct buddy_out *out,
			     const struct buddy_pool *pool,
			     const struct buddy_rec *rec);
void buddy_view_freed(struct buddy_out *out, const struct buddy_pool *pool,
		      const struct buddy_rec *rec);
void buddy_view_error(struct buddy_out *out, int err, const char *why);
void buddy_view_tree_node(struct buddy_out *out, struct buddy_pool *pool,
			  const struct buddy_core_node *node);
void buddy_view_vmstat(struct buddy_out *out, const struct buddy_pool *pool,
		       enum buddy_vmstat which);
void buddy_view_stats(struct buddy_out *out, const struct buddy_pool *pool);
void buddy_view_allocation(struct buddy_out *out,
			   const struct buddy_pool *pool,
			   const struct buddy_rec *rec, u64 now_ns);
void buddy_view_allocations(struct buddy_out *out, struct buddy_pool *pool,
			    u64 now_ns);
void buddy_view_check(struct buddy_out *out, struct buddy_pool *pool);
void buddy_view_event(struct buddy_out *out, const struct buddy_event *ev);
void buddy_view_events_since(struct buddy_out *out,
			     const struct buddy_pool *pool, u64 seq);
void buddy_view_alloc_told(struct buddy_out *out, struct buddy_pool *pool,
			   u64 seq, int err, const struct buddy_rec *rec,
			   unsigned int order, bool no_block);
void buddy_view_free_refused(struct buddy_out *out, struct buddy_pool *pool,
			     u64 seq, int err, u64 pfn);
void buddy_view_bitmaps(struct buddy_out *out, const struct buddy_pool *pool);
void buddy_view_map(struct buddy_out *out, struct buddy_pool *pool);

void buddy_why_alloc(const struct buddy_pool *pool, int err,
		     unsigned int order, bool no_block, char *why, size_t len);
void buddy_why_free(struct buddy_pool *pool, u64 pfn, int err, char *why,
		    size_t len);

#endif /* _BUDDY_VIEW_H */
