/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy_model.h - an obviously correct buddy allocator to check the core
 *
 * The model shares no code and no data structure with buddy_core.c: a state
 * byte per frame, the order of the block starting at each frame, and linear
 * scans.  It is slow (O(blocks) per allocation, O(nr_frames) per walk) and
 * meant for pools of at most a few hundred thousand frames.
 */
#ifndef _BUDDY_MODEL_H
#define _BUDDY_MODEL_H

#include "buddy_core.h"

/* model.order[frame] when no block starts at that frame */
#define MODEL_NO_BLOCK	0xff

struct buddy_model {
	unsigned long nr_frames;
	unsigned int max_order;
	unsigned char *allocated;	/* per frame: 1 if in an allocated block */
	unsigned char *order;		/* per frame: order of the block there */
	unsigned char *root_order;	/* per frame: order of its root */
	unsigned long nr_free;		/* free frames */
	unsigned long free_blocks[BUDDY_CORE_MAX_ORDER + 1];
	struct buddy_core_stats stats;
};

int model_init(struct buddy_model *model, unsigned long nr_frames,
	       unsigned int max_order);
void model_destroy(struct buddy_model *model);

long model_alloc(struct buddy_model *model, unsigned int order);
int model_free(struct buddy_model *model, unsigned long frame);
int model_alloc_order(const struct buddy_model *model, unsigned long frame);
int model_lookup(const struct buddy_model *model, unsigned long frame,
		 struct buddy_core_node *node);

/* Upper bound on the nodes of any tree over the model's pool. */
unsigned long model_walk_max(const struct buddy_model *model);
unsigned long model_walk(const struct buddy_model *model,
			 struct buddy_core_node *nodes);
unsigned long model_seek(const struct buddy_core_node *nodes,
			 unsigned long nr_nodes, unsigned long frame,
			 unsigned int order);

int model_unusable_index(const struct buddy_model *model, unsigned int order);
int model_extfrag_index(const struct buddy_model *model, unsigned int order);

#endif /* _BUDDY_MODEL_H */
