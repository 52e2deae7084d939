/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy_diff.h - run the core and the model side by side and compare
 *
 * The differential test draws operations from a PRNG, the fuzzer decodes
 * them from its input; both drive them through these functions, which apply
 * each operation to the core and to the model and compare every return value
 * and the state that follows.  Each returns false, after printing what
 * differed, on the first disagreement.
 */
#ifndef _BUDDY_DIFF_H
#define _BUDDY_DIFF_H

#include <stdbool.h>

#include "buddy_harness.h"
#include "buddy_model.h"

/* The steps the core reports for one operation (diff_observe()). */
#define DIFF_MAX_STEPS	(BUDDY_CORE_MAX_ORDER + 8)

struct diff_steps {
	struct buddy_core_observer obs;		/* first: see diff_log_step() */
	struct buddy_core_step step[DIFF_MAX_STEPS];
	unsigned int nr;
};

struct buddy_diff {
	struct pool pool;
	struct buddy_model model;
	/* First frames of the allocated blocks, and where each one is. */
	unsigned long *live;
	unsigned long *live_slot;	/* per frame */
	unsigned long nr_live;
	/* The model's walk, rebuilt when the tree has changed. */
	struct buddy_core_node *model_nodes;
	unsigned long nr_model_nodes;
	bool model_nodes_stale;
	struct buddy_core_node *core_nodes;
	unsigned long nodes_room;	/* of each of the two */
	/* A copy of the core taken before a free that must fail. */
	void *meta_copy;
	struct buddy_core core_copy;
	unsigned long ops;		/* operations so far, for messages */
	const char *label;		/* what the caller is running, or NULL */
	bool quiet;			/* no messages (the fuzzer's choice) */
	/* While observing, each alloc's and free's steps against the model. */
	bool observing;
	struct diff_steps steps;
};

bool diff_init(struct buddy_diff *diff, unsigned long nr_frames,
	       unsigned int max_order, int *ret);
bool diff_adopt(struct buddy_diff *diff, struct pool *pool, const char *label);
void diff_destroy(struct buddy_diff *diff);
void diff_observe(struct buddy_diff *diff, bool on);
/* The steps' names, as the tests write them. */
extern const char *const diff_step_names[BUDDY_STEP_REJECT + 1];

bool diff_alloc(struct buddy_diff *diff, unsigned int order);
bool diff_free(struct buddy_diff *diff, unsigned long frame);
bool diff_free_live(struct buddy_diff *diff, unsigned long index);
bool diff_free_interior(struct buddy_diff *diff, unsigned long index,
			unsigned long offset);
bool diff_query(struct buddy_diff *diff, unsigned long frame,
		unsigned int order);
bool diff_seek(struct buddy_diff *diff, unsigned long frame,
	       unsigned int order);
bool diff_compare_counts(struct buddy_diff *diff);
bool diff_audit(struct buddy_diff *diff);
bool diff_compare_walk(struct buddy_diff *diff);

#endif /* _BUDDY_DIFF_H */
