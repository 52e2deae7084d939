// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_model.c - an obviously correct buddy allocator to check the core
 *
 * Every fact is stored per frame, in bytes, and every decision is a linear
 * scan written straight from the specification:
 *
 *  - allocated[f]   frame f is in an allocated block;
 *  - order[f]       a block (free or allocated) of that order starts at f,
 *                   or MODEL_NO_BLOCK;
 *  - root_order[f]  the order of the root covering f, fixed at init: the
 *                   pool is covered greedily by the largest naturally
 *                   aligned blocks of order <= max_order that fit.
 *
 * Nothing here is shared with buddy_core.c, so the two can only agree by
 * both being right (or by both misreading the specification the same way).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buddy_model.h"

#define BUDDY_MODEL_LONG_BITS	(8 * sizeof(long))

static unsigned long frames_of(unsigned int order)
{
	return 1UL << order;
}

int model_init(struct buddy_model *model, unsigned long nr_frames,
	       unsigned int max_order)
{
	unsigned int top_order = max_order;
	unsigned long frame = 0;

	memset(model, 0, sizeof(*model));
	if (!nr_frames || nr_frames > BUDDY_CORE_MAX_FRAMES ||
	    max_order > BUDDY_CORE_MAX_ORDER)
		return -EINVAL;

	model->nr_frames = nr_frames;
	model->max_order = max_order;
	model->allocated = calloc(nr_frames, 1);
	model->order = malloc(nr_frames);
	model->root_order = malloc(nr_frames);
	if (!model->allocated || !model->order || !model->root_order) {
		model_destroy(model);
		return -ENOMEM;
	}
	memset(model->order, MODEL_NO_BLOCK, nr_frames);

	/* No block is larger than the pool (nor than a long can count). */
	while (top_order >= BUDDY_MODEL_LONG_BITS - 1 ||
	       frames_of(top_order) > nr_frames)
		top_order--;
	while (frame < nr_frames) {
		unsigned int order = top_order;

		/* Shrink until aligned at @frame and inside the pool. */
		while (frame % frames_of(order) ||
		       nr_frames - frame < frames_of(order))
			order--;
		model->order[frame] = order;
		memset(model->root_order + frame, order, frames_of(order));
		model->free_blocks[order]++;
		frame += frames_of(order);
	}
	model->nr_free = nr_frames;
	return 0;
}

void model_destroy(struct buddy_model *model)
{
	free(model->allocated);
	free(model->order);
	free(model->root_order);
	memset(model, 0, sizeof(*model));
}

long model_alloc(struct buddy_model *model, unsigned int order)
{
	unsigned long frame, best = 0;
	unsigned int best_order = MODEL_NO_BLOCK;

	if (order > model->max_order)
		return -EINVAL;

	/*
	 * One pass over the blocks in address order: keep the first free
	 * block of the smallest order that is large enough.
	 */
	for (frame = 0; frame < model->nr_frames;
	     frame += frames_of(model->order[frame])) {
		unsigned int block_order = model->order[frame];

		if (model->allocated[frame] || block_order < order ||
		    block_order >= best_order)
			continue;
		best = frame;
		best_order = block_order;
		if (block_order == order)
			break;
	}
	if (best_order == MODEL_NO_BLOCK)
		return -ENOMEM;

	model->free_blocks[best_order]--;
	while (best_order > order) {
		best_order--;
		model->order[best + frames_of(best_order)] = best_order;
		model->free_blocks[best_order]++;
		model->stats.splits++;
	}
	model->order[best] = order;
	memset(model->allocated + best, 1, frames_of(order));
	model->nr_free -= frames_of(order);
	model->stats.allocs++;
	return best;
}

int model_alloc_order(const struct buddy_model *model, unsigned long frame)
{
	if (frame >= model->nr_frames)
		return -ERANGE;
	if (!model->allocated[frame])
		return -EALREADY;
	if (model->order[frame] == MODEL_NO_BLOCK)
		return -EINVAL;
	return model->order[frame];
}

int model_free(struct buddy_model *model, unsigned long frame)
{
	int ret = model_alloc_order(model, frame);
	unsigned int order;

	if (ret < 0)
		return ret;
	order = ret;
	memset(model->allocated + frame, 0, frames_of(order));
	model->nr_free += frames_of(order);
	model->stats.frees++;

	/* A root has no buddy; below it the buddy is always in the pool. */
	while (order < model->root_order[frame]) {
		unsigned long buddy = frame ^ frames_of(order);

		if (model->allocated[buddy] || model->order[buddy] != order)
			break;
		model->free_blocks[order]--;
		model->order[frame > buddy ? frame : buddy] = MODEL_NO_BLOCK;
		frame = frame < buddy ? frame : buddy;
		order++;
		model->order[frame] = order;
		model->stats.merges++;
	}
	model->free_blocks[order]++;
	return 0;
}

int model_lookup(const struct buddy_model *model, unsigned long frame,
		 struct buddy_core_node *node)
{
	unsigned int order;

	if (frame >= model->nr_frames)
		return -ERANGE;
	/* Exactly one block covers @frame; it starts at a multiple of 2^k. */
	for (order = 0; ; order++) {
		unsigned long first = frame & ~(frames_of(order) - 1);

		if (model->order[first] != order)
			continue;
		node->frame = first;
		node->order = order;
		node->depth = model->root_order[frame] - order;
		node->state = model->allocated[first] ? BUDDY_CORE_ALLOCATED :
							BUDDY_CORE_FREE;
		return 0;
	}
}

unsigned long model_walk_max(const struct buddy_model *model)
{
	/* A binary tree with L leaves has 2L - 1 nodes, and L <= frames. */
	return 2 * model->nr_frames;
}

static unsigned long walk_subtree(const struct buddy_model *model,
				  struct buddy_core_node *nodes,
				  unsigned long frame, unsigned int order,
				  unsigned int depth)
{
	struct buddy_core_node *node = nodes;
	unsigned long nr;

	node->frame = frame;
	node->order = order;
	node->depth = depth;
	if (model->order[frame] == order) {
		node->state = model->allocated[frame] ? BUDDY_CORE_ALLOCATED :
							BUDDY_CORE_FREE;
		return 1;
	}
	node->state = BUDDY_CORE_SPLIT;
	nr = 1 + walk_subtree(model, nodes + 1, frame, order - 1, depth + 1);
	return nr + walk_subtree(model, nodes + nr, frame + frames_of(order - 1),
				 order - 1, depth + 1);
}

/* Fills @nodes (room for twice the blocks) in pre-order; returns the count. */
unsigned long model_walk(const struct buddy_model *model,
			 struct buddy_core_node *nodes)
{
	unsigned long frame, nr = 0;

	for (frame = 0; frame < model->nr_frames;
	     frame += frames_of(model->root_order[frame]))
		nr += walk_subtree(model, nodes + nr, frame,
				   model->root_order[frame], 0);
	return nr;
}

/*
 * The index of the first node at or after position (@frame, @order): frame
 * ascending, then order descending.  @nr_nodes if there is none.
 */
unsigned long model_seek(const struct buddy_core_node *nodes,
			 unsigned long nr_nodes, unsigned long frame,
			 unsigned int order)
{
	unsigned long i;

	for (i = 0; i < nr_nodes; i++) {
		if (nodes[i].frame > frame ||
		    (nodes[i].frame == frame && nodes[i].order <= order))
			break;
	}
	return i;
}

/* mm/vmstat.c fill_contig_page_info(), over the model's counts */
static void model_contig_info(const struct buddy_model *model,
			      unsigned int suitable_order,
			      unsigned long long *free_pages,
			      unsigned long long *free_blocks_total,
			      unsigned long long *free_blocks_suitable)
{
	unsigned int order;

	*free_pages = *free_blocks_total = *free_blocks_suitable = 0;
	for (order = 0; order <= model->max_order; order++) {
		unsigned long long blocks = model->free_blocks[order];

		*free_blocks_total += blocks;
		*free_pages += blocks << order;
		if (order >= suitable_order)
			*free_blocks_suitable += blocks <<
						 (order - suitable_order);
	}
}

/* mm/vmstat.c unusable_free_index() */
int model_unusable_index(const struct buddy_model *model, unsigned int order)
{
	unsigned long long free_pages, total, suitable;

	if (order > model->max_order)
		return -EINVAL;
	model_contig_info(model, order, &free_pages, &total, &suitable);
	if (!free_pages)
		return 1000;
	return (free_pages - (suitable << order)) * 1000ULL / free_pages;
}

/* mm/vmstat.c __fragmentation_index() */
int model_extfrag_index(const struct buddy_model *model, unsigned int order)
{
	unsigned long long free_pages, total, suitable;

	if (order > model->max_order)
		return -EINVAL;
	model_contig_info(model, order, &free_pages, &total, &suitable);
	if (!total)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (1000 + free_pages * 1000ULL / (1ULL << order)) / total;
}
