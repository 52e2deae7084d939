// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_diff.c - run the core and the model side by side and compare
 *
 * Every mutation is followed by a comparison of everything cheap: the return
 * value, the per-order free counts, the frame totals and the counters.  The
 * core's audit and the tree itself (walk, seek) are compared when the
 * caller asks, since they cost O(metadata) and O(nr_frames).  A free that
 * must fail is also checked to leave the core bit for bit as it was: the
 * metadata is compared as bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buddy_diff.h"

static const char *const state_names[] = {
	[BUDDY_CORE_SPLIT] = "split",
	[BUDDY_CORE_FREE] = "free",
	[BUDDY_CORE_ALLOCATED] = "allocated",
};

static const char *state_name(enum buddy_core_state state)
{
	if ((unsigned int)state < ARRAY_SIZE(state_names))
		return state_names[state];
	return "?";
}

static bool __attribute__((format(printf, 2, 3)))
diff_fail(const struct buddy_diff *diff, const char *fmt, ...)
{
	va_list ap;

	if (diff->quiet)
		return false;
	fprintf(stderr, "diff: %s%s%lu frames, max_order %u, op %lu: ",
		diff->label ? diff->label : "", diff->label ? ": " : "",
		diff->model.nr_frames, diff->model.max_order, diff->ops);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static bool nodes_equal(const struct buddy_core_node *a,
			const struct buddy_core_node *b)
{
	return a->frame == b->frame && a->order == b->order &&
	       a->depth == b->depth && a->state == b->state;
}

static bool node_mismatch(const struct buddy_diff *diff, const char *what,
			  const struct buddy_core_node *core,
			  const struct buddy_core_node *model)
{
	return diff_fail(diff,
			 "%s: core {frame %lu order %u depth %u %s}, model {frame %lu order %u depth %u %s}",
			 what, core->frame, core->order, core->depth,
			 state_name(core->state), model->frame, model->order,
			 model->depth, state_name(model->state));
}

/* The live list and the copy of the metadata, for a pool in diff->pool. */
static bool diff_room(struct buddy_diff *diff, unsigned long nr_frames)
{
	diff->live = calloc(nr_frames, sizeof(*diff->live));
	diff->live_slot = calloc(nr_frames, sizeof(*diff->live_slot));
	diff->meta_copy = malloc(diff->pool.meta_size);
	return diff->live && diff->live_slot && diff->meta_copy;
}

/*
 * Sets up a pool of the given shape in both.  Returns false if they disagree
 * on whether the shape is valid; otherwise *@ret is the common result of
 * init and, if it is 0, @diff is ready for use.
 */
bool diff_init(struct buddy_diff *diff, unsigned long nr_frames,
	       unsigned int max_order, int *ret)
{
	int core_ret, model_ret;

	memset(diff, 0, sizeof(*diff));
	model_ret = model_init(&diff->model, nr_frames, max_order);
	core_ret = pool_init(&diff->pool, nr_frames, max_order);
	if (core_ret == -EINVAL) {
		/* meta_size() said no; init must say the same. */
		unsigned long meta[64];

		core_ret = buddy_core_init(&diff->pool.core, meta, nr_frames,
					   max_order);
	}
	*ret = model_ret;
	if (core_ret != model_ret) {
		diff->model.nr_frames = nr_frames;
		diff->model.max_order = max_order;
		diff_fail(diff, "init: core %d, model %d", core_ret, model_ret);
		diff_destroy(diff);
		return false;
	}
	if (core_ret)
		return true;

	if (!diff_room(diff, nr_frames)) {
		diff_destroy(diff);
		*ret = -ENOMEM;
		return true;
	}
	diff->model_nodes_stale = true;
	return diff_compare_counts(diff);
}

void diff_destroy(struct buddy_diff *diff)
{
	pool_destroy(&diff->pool);
	model_destroy(&diff->model);
	free(diff->live);
	free(diff->live_slot);
	free(diff->model_nodes);
	free(diff->core_nodes);
	free(diff->meta_copy);
	memset(diff, 0, sizeof(*diff));
}

bool diff_compare_counts(struct buddy_diff *diff)
{
	const struct buddy_core *core = &diff->pool.core;
	const struct buddy_model *model = &diff->model;
	const struct buddy_core_stats *stats = buddy_core_get_stats(core);
	unsigned int order;

	if (buddy_core_nr_frames(core) != model->nr_frames ||
	    buddy_core_max_order(core) != model->max_order)
		return diff_fail(diff, "shape: core %lu frames, max_order %u",
				 buddy_core_nr_frames(core),
				 buddy_core_max_order(core));
	if (buddy_core_free_frames(core) != model->nr_free)
		return diff_fail(diff, "free frames: core %lu, model %lu",
				 buddy_core_free_frames(core), model->nr_free);
	if (buddy_core_allocated_frames(core) !=
	    model->nr_frames - model->nr_free)
		return diff_fail(diff, "allocated frames: core %lu, model %lu",
				 buddy_core_allocated_frames(core),
				 model->nr_frames - model->nr_free);
	for (order = 0; order <= model->max_order; order++) {
		if (buddy_core_free_blocks(core, order) !=
		    model->free_blocks[order])
			return diff_fail(diff,
					 "free blocks of order %u: core %lu, model %lu",
					 order, buddy_core_free_blocks(core, order),
					 model->free_blocks[order]);
	}
	if (buddy_core_free_blocks(core, model->max_order + 1))
		return diff_fail(diff, "free blocks above max_order");
	if (memcmp(stats, &model->stats, sizeof(*stats)))
		return diff_fail(diff,
				 "stats: core %lu/%lu/%lu/%lu, model %lu/%lu/%lu/%lu (allocs/frees/splits/merges)",
				 stats->allocs, stats->frees, stats->splits,
				 stats->merges, model->stats.allocs,
				 model->stats.frees, model->stats.splits,
				 model->stats.merges);
	return true;
}

static void live_add(struct buddy_diff *diff, unsigned long frame)
{
	diff->live_slot[frame] = diff->nr_live;
	diff->live[diff->nr_live++] = frame;
}

static void live_remove(struct buddy_diff *diff, unsigned long frame)
{
	unsigned long slot = diff->live_slot[frame];
	unsigned long last = diff->live[--diff->nr_live];

	diff->live[slot] = last;
	diff->live_slot[last] = slot;
}

/*
 * The model (buddy_model.c) in the state that @core's walk shows: its
 * leaves, free and allocated, tiling the pool in order.  False if they do
 * not: then the walk itself is broken.
 */
static bool model_from_walk(struct buddy_model *model,
			    const struct buddy_core *core)
{
	unsigned long frame = 0, nodes = 0;
	unsigned long nr_frames = buddy_core_nr_frames(core);
	struct buddy_core_node node;
	bool more;

	if (model_init(model, nr_frames, buddy_core_max_order(core)))
		return false;
	memset(model->order, MODEL_NO_BLOCK, nr_frames);
	memset(model->free_blocks, 0, sizeof(model->free_blocks));
	model->nr_free = 0;
	for (more = buddy_core_walk_first(core, &node); more;
	     more = buddy_core_walk_next(core, &node)) {
		unsigned long size;

		if (++nodes > 2 * nr_frames + 64)
			return false;
		if (node.state == BUDDY_CORE_SPLIT)
			continue;
		if (node.frame != frame || node.order >= 8 * sizeof(long) ||
		    node.order > buddy_core_max_order(core))
			return false;
		size = 1UL << node.order;
		if (size > nr_frames - frame)
			return false;
		model->order[frame] = node.order;
		if (node.state == BUDDY_CORE_ALLOCATED) {
			memset(model->allocated + frame, 1, size);
		} else {
			model->free_blocks[node.order]++;
			model->nr_free += size;
		}
		frame += size;
	}
	return frame == nr_frames;
}

/*
 * Takes @pool over (zeroed here; @diff destroys it) and compares from its
 * state on: the model is put in the state the pool's walk shows, the live
 * blocks are the walk's allocated ones and the model's counters are the
 * core's.  For a pool changed behind the core's back, a bit flipped that
 * the audit let pass: from here on it must act as the model does.  False,
 * having said why, if the walk does not tile the pool or a count already
 * differs; @diff is then still to be destroyed.
 */
bool diff_adopt(struct buddy_diff *diff, struct pool *pool, const char *label)
{
	unsigned long nr_frames = buddy_core_nr_frames(&pool->core), frame;

	memset(diff, 0, sizeof(*diff));
	diff->pool = *pool;
	memset(pool, 0, sizeof(*pool));
	diff->label = label;
	if (!diff_room(diff, nr_frames))
		return diff_fail(diff, "adopt: out of memory");
	if (!model_from_walk(&diff->model, &diff->pool.core)) {
		diff->model.nr_frames = nr_frames;
		return diff_fail(diff, "adopt: the walk does not tile the pool");
	}
	for (frame = 0; frame < nr_frames; frame++)
		if (diff->model.allocated[frame] &&
		    diff->model.order[frame] != MODEL_NO_BLOCK)
			live_add(diff, frame);
	diff->model.stats = *buddy_core_get_stats(&diff->pool.core);
	diff->model_nodes_stale = true;
	return diff_compare_counts(diff);
}

static void diff_log_step(const struct buddy_core_observer *obs,
			  const struct buddy_core_step *step)
{
	struct diff_steps *steps = (struct diff_steps *)obs;

	/* One more than room is kept count of: the comparison then fails. */
	if (steps->nr < DIFF_MAX_STEPS)
		steps->step[steps->nr] = *step;
	steps->nr++;
}

/*
 * From now on, with @on, the core reports every step of every alloc and
 * free, and each operation's steps must be exactly those that the model's
 * state before it implies (see diff_alloc() and diff_free()).  Without, the
 * core has no observer, as after init.
 */
void diff_observe(struct buddy_diff *diff, bool on)
{
	diff->steps.obs.step = diff_log_step;
	diff->observing = on;
	buddy_core_set_observer(&diff->pool.core, on ? &diff->steps.obs : NULL);
}

const char *const diff_step_names[BUDDY_STEP_REJECT + 1] = {
	[BUDDY_STEP_REQUEST] = "request",
	[BUDDY_STEP_TAKE] = "take",
	[BUDDY_STEP_SPLIT] = "split",
	[BUDDY_STEP_ALLOC] = "alloc",
	[BUDDY_STEP_ALLOC_FAIL] = "fail",
	[BUDDY_STEP_FREE] = "free",
	[BUDDY_STEP_MERGE] = "merge",
	[BUDDY_STEP_STOP] = "stop",
	[BUDDY_STEP_REJECT] = "reject",
};

static void print_steps(const char *who, const struct buddy_core_step *s,
			unsigned int nr)
{
	unsigned int i;

	fprintf(stderr, "  %s:", who);
	for (i = 0; i < nr && i < DIFF_MAX_STEPS; i++)
		fprintf(stderr, " %s(order %u, frame %lu, buddy %lu, error %d, why %d)",
			(unsigned int)s[i].kind < ARRAY_SIZE(diff_step_names) ?
			diff_step_names[s[i].kind] : "?", s[i].order, s[i].frame,
			s[i].buddy, s[i].error, s[i].why);
	if (nr > DIFF_MAX_STEPS)
		fprintf(stderr, " ... %u steps in all", nr);
	fputc('\n', stderr);
}

/* The core's steps are @want's @nr, every field of each. */
static bool steps_match(struct buddy_diff *diff, const char *op,
			const struct buddy_core_step *want, unsigned int nr)
{
	const struct diff_steps *got = &diff->steps;
	unsigned int i;

	for (i = 0; got->nr == nr && i < nr; i++) {
		const struct buddy_core_step *a = &got->step[i], *b = &want[i];

		if (a->kind != b->kind || a->order != b->order ||
		    a->frame != b->frame || a->buddy != b->buddy ||
		    a->error != b->error || a->why != b->why)
			break;
	}
	if (got->nr == nr && i == nr)
		return true;
	if (!diff_fail(diff, "%s: the steps reported differ from the model's", op))
		return false;
	print_steps("core ", got->step, got->nr);
	print_steps("model", want, nr);
	return false;
}

static void add_step(struct buddy_core_step *s, unsigned int *nr,
		     enum buddy_core_step_kind kind, unsigned int order,
		     unsigned long frame, unsigned long buddy, int error,
		     enum buddy_core_stop_why why)
{
	s[(*nr)++] = (struct buddy_core_step){
		.kind = kind, .order = order, .frame = frame, .buddy = buddy,
		.error = error, .why = why,
	};
}

/*
 * An alloc's steps, from @k, the smallest order >= @order that had a free
 * block before it, and its result @frame: REQUEST, then ALLOC_FAIL, or TAKE
 * of the order-@k block at @frame (the lowest free one, as the result
 * shows: splits keep the lower half), a SPLIT per order down to @order,
 * and ALLOC.
 */
static bool alloc_steps_match(struct buddy_diff *diff, unsigned int order,
			      unsigned int k, long frame)
{
	struct buddy_core_step want[DIFF_MAX_STEPS];
	char op[48];
	unsigned int nr = 0;

	add_step(want, &nr, BUDDY_STEP_REQUEST, order, 0, 0, 0, 0);
	if (frame < 0) {
		add_step(want, &nr, BUDDY_STEP_ALLOC_FAIL, order, 0, 0, frame,
			 0);
	} else {
		add_step(want, &nr, BUDDY_STEP_TAKE, k, frame, 0, 0, 0);
		for (; k > order; k--)
			add_step(want, &nr, BUDDY_STEP_SPLIT, k, frame,
				 frame + (1UL << (k - 1)), 0, 0);
		add_step(want, &nr, BUDDY_STEP_ALLOC, order, frame, 0, 0, 0);
	}
	snprintf(op, sizeof(op), "alloc(order %u)", order);
	return steps_match(diff, op, want, nr);
}

bool diff_alloc(struct buddy_diff *diff, unsigned int order)
{
	long core_ret, model_ret;
	unsigned int k = order;

	diff->ops++;
	/* The order an alloc takes from, before it changes anything. */
	while (diff->observing && k <= diff->model.max_order &&
	       !diff->model.free_blocks[k])
		k++;
	diff->steps.nr = 0;
	model_ret = model_alloc(&diff->model, order);
	core_ret = buddy_core_alloc(&diff->pool.core, order);
	if (core_ret != model_ret)
		return diff_fail(diff, "alloc(order %u): core %ld, model %ld",
				 order, core_ret, model_ret);
	if (diff->observing && !alloc_steps_match(diff, order, k, core_ret))
		return false;
	if (core_ret >= 0) {
		live_add(diff, core_ret);
		diff->model_nodes_stale = true;
	}
	return diff_compare_counts(diff);
}

/*
 * A free's steps: a single REJECT of @frame with @error and the block that
 * held it (@held, from before the free; none for -ERANGE), or FREE of the
 * block of @order at @frame, a MERGE per merge the model made (@merges),
 * and STOP where the block ended, with why, from the model's state after.
 */
static bool free_steps_match(struct buddy_diff *diff, unsigned long frame,
			     int error, const struct buddy_core_node *held,
			     unsigned int order, unsigned long merges)
{
	const struct buddy_model *model = &diff->model;
	struct buddy_core_step want[DIFF_MAX_STEPS];
	enum buddy_core_stop_why why;
	unsigned long buddy;
	unsigned int nr = 0;
	char op[48];

	snprintf(op, sizeof(op), "free(frame %lu)", frame);
	if (error) {
		add_step(want, &nr, BUDDY_STEP_REJECT, held->order, frame,
			 held->frame, error, 0);
		return steps_match(diff, op, want, nr);
	}
	add_step(want, &nr, BUDDY_STEP_FREE, order, frame, 0, 0, 0);
	for (; merges; merges--, order++) {
		buddy = frame ^ (1UL << order);
		add_step(want, &nr, BUDDY_STEP_MERGE, order, frame, buddy, 0,
			 0);
		frame &= ~(1UL << order);
	}
	buddy = frame ^ (1UL << order);
	if (order == model->root_order[frame])
		why = order == model->max_order ? BUDDY_STOP_MAX_ORDER :
						  BUDDY_STOP_ROOT;
	else if (model->order[buddy] != order)
		why = BUDDY_STOP_BUDDY_SPLIT;
	else
		why = BUDDY_STOP_BUDDY_ALLOCATED;
	add_step(want, &nr, BUDDY_STEP_STOP, order, frame, buddy, 0, why);
	return steps_match(diff, op, want, nr);
}

bool diff_free(struct buddy_diff *diff, unsigned long frame)
{
	struct buddy_core *core = &diff->pool.core;
	bool must_fail = model_alloc_order(&diff->model, frame) < 0;
	unsigned long merges = diff->model.stats.merges;
	struct buddy_core_node held = { };
	unsigned int order = 0;
	int core_ret, model_ret;

	diff->ops++;
	/* What the steps tell, before the free changes it. */
	if (diff->observing && !model_lookup(&diff->model, frame, &held) &&
	    held.frame == frame)
		order = held.order;
	diff->steps.nr = 0;
	if (must_fail) {
		memcpy(diff->meta_copy, diff->pool.meta, diff->pool.meta_size);
		diff->core_copy = *core;
	}
	model_ret = model_free(&diff->model, frame);
	core_ret = buddy_core_free(core, frame);
	if (core_ret != model_ret)
		return diff_fail(diff, "free(frame %lu): core %d, model %d",
				 frame, core_ret, model_ret);
	if (diff->observing &&
	    !free_steps_match(diff, frame, core_ret, &held, order,
			      diff->model.stats.merges - merges))
		return false;
	if (must_fail) {
		if (memcmp(diff->meta_copy, diff->pool.meta,
			   diff->pool.meta_size) ||
		    memcmp(&diff->core_copy, core, sizeof(*core)))
			return diff_fail(diff,
					 "free(frame %lu) failed with %d but changed the core",
					 frame, core_ret);
	} else {
		live_remove(diff, frame);
		diff->model_nodes_stale = true;
	}
	return diff_compare_counts(diff);
}

bool diff_free_live(struct buddy_diff *diff, unsigned long index)
{
	if (!diff->nr_live)
		return true;
	return diff_free(diff, diff->live[index % diff->nr_live]);
}

/*
 * Frees a frame inside the allocated block live[@index] that is not its
 * first: an interior free, which must fail with -EINVAL.
 */
bool diff_free_interior(struct buddy_diff *diff, unsigned long index,
			unsigned long offset)
{
	unsigned long frame, size;

	if (!diff->nr_live)
		return true;
	frame = diff->live[index % diff->nr_live];
	size = 1UL << diff->model.order[frame];
	if (size == 1)
		return true;
	frame += 1 + offset % (size - 1);
	if (model_alloc_order(&diff->model, frame) != -EINVAL)
		return diff_fail(diff, "model: frame %lu is not interior",
				 frame);
	return diff_free(diff, frame);
}

/* The read-only queries, at one frame and one order. */
bool diff_query(struct buddy_diff *diff, unsigned long frame,
		unsigned int order)
{
	const struct buddy_core *core = &diff->pool.core;
	const struct buddy_model *model = &diff->model;
	struct buddy_core_node core_node = { }, model_node = { };
	int core_ret, model_ret;

	core_ret = buddy_core_alloc_order(core, frame);
	model_ret = model_alloc_order(model, frame);
	if (core_ret != model_ret)
		return diff_fail(diff, "alloc_order(frame %lu): core %d, model %d",
				 frame, core_ret, model_ret);

	core_ret = buddy_core_lookup(core, frame, &core_node);
	model_ret = model_lookup(model, frame, &model_node);
	if (core_ret != model_ret)
		return diff_fail(diff, "lookup(frame %lu): core %d, model %d",
				 frame, core_ret, model_ret);
	if (!core_ret && !nodes_equal(&core_node, &model_node))
		return node_mismatch(diff, "lookup", &core_node, &model_node);

	if (buddy_core_free_blocks(core, order) !=
	    (order <= model->max_order ? model->free_blocks[order] : 0))
		return diff_fail(diff, "free_blocks(order %u)", order);

	core_ret = buddy_core_unusable_index(core, order);
	model_ret = model_unusable_index(model, order);
	if (core_ret != model_ret)
		return diff_fail(diff, "unusable_index(order %u): core %d, model %d",
				 order, core_ret, model_ret);
	core_ret = buddy_core_extfrag_index(core, order);
	model_ret = model_extfrag_index(model, order);
	if (core_ret != model_ret)
		return diff_fail(diff, "extfrag_index(order %u): core %d, model %d",
				 order, core_ret, model_ret);
	return true;
}

/*
 * Room for the walks of the tree as it is now: B blocks (leaves) make at
 * most 2B - 1 nodes.  Grown when needed, not sized once for the largest
 * tree: that is 48 bytes a frame, 1.6 GB at 2^24 frames, and ASan poisons
 * the shadow of all of it at every malloc() and free(), which was most of
 * the differential tests' time in pools that large.
 */
static bool nodes_room(struct buddy_diff *diff)
{
	unsigned long blocks = diff->nr_live, room;
	struct buddy_core_node *m, *c;
	unsigned int o;

	for (o = 0; o < ARRAY_SIZE(diff->model.free_blocks); o++)
		blocks += diff->model.free_blocks[o];
	if (2 * blocks <= diff->nodes_room)
		return true;
	room = 2 * blocks > 2 * diff->nodes_room ? 2 * blocks :
						   2 * diff->nodes_room;
	if (room > model_walk_max(&diff->model))
		room = model_walk_max(&diff->model);
	m = realloc(diff->model_nodes, room * sizeof(*m));
	if (m)
		diff->model_nodes = m;
	c = realloc(diff->core_nodes, room * sizeof(*c));
	if (c)
		diff->core_nodes = c;
	if (!m || !c)
		return diff_fail(diff, "no memory for a walk of %lu nodes",
				 room);
	diff->nodes_room = room;
	return true;
}

static bool refresh_model_nodes(struct buddy_diff *diff)
{
	if (!nodes_room(diff))
		return false;
	if (!diff->model_nodes_stale)
		return true;
	diff->nr_model_nodes = model_walk(&diff->model, diff->model_nodes);
	diff->model_nodes_stale = false;
	return true;
}

bool diff_seek(struct buddy_diff *diff, unsigned long frame,
	       unsigned int order)
{
	struct buddy_core_node node = { };
	unsigned long i;
	bool found, model_found;

	if (!refresh_model_nodes(diff))
		return false;
	found = buddy_core_walk_seek(&diff->pool.core, frame, order, &node);
	i = model_seek(diff->model_nodes, diff->nr_model_nodes, frame, order);
	model_found = i < diff->nr_model_nodes;
	if (found != model_found)
		return diff_fail(diff, "seek(frame %lu, order %u): core %s, model %s",
				 frame, order, found ? "found" : "end",
				 found ? "end" : "found");
	if (found && !nodes_equal(&node, &diff->model_nodes[i]))
		return node_mismatch(diff, "seek", &node, &diff->model_nodes[i]);
	return true;
}

/*
 * The whole tree: check(), the walk node by node, and a seek to each node
 * (which must land on that very node, or a listing could not resume).
 */
/*
 * The core's own audit: O(metadata words + set bits), cheap enough to run
 * far more often than the walk, which the lazy summary levels need (a
 * stale bit there can heal by itself a few steps later).
 */
bool diff_audit(struct buddy_diff *diff)
{
	const struct buddy_core *core = &diff->pool.core;
	struct buddy_core_fault fault;
	int ret;

	ret = buddy_core_audit(core, &fault);
	if (ret)
		return diff_fail(diff, "audit: %d: %s (order %u, frame %lu)",
				 ret, fault.what, fault.order, fault.frame);
	ret = buddy_core_check(core);
	if (ret)
		return diff_fail(diff, "check: %d after a clean audit", ret);
	return true;
}

bool diff_compare_walk(struct buddy_diff *diff)
{
	const struct buddy_core *core = &diff->pool.core;
	struct buddy_core_node node = { };
	unsigned long nr = 0, i;
	bool more;

	if (!diff_audit(diff) || !refresh_model_nodes(diff))
		return false;
	for (more = buddy_core_walk_first(core, &node); more;
	     more = buddy_core_walk_next(core, &node)) {
		if (nr == diff->nodes_room)
			return diff_fail(diff, "walk: more than %lu nodes, the most %lu blocks make",
					 nr, diff->nodes_room / 2);
		diff->core_nodes[nr++] = node;
	}
	for (i = 0; i < nr && i < diff->nr_model_nodes; i++) {
		if (!nodes_equal(&diff->core_nodes[i], &diff->model_nodes[i]))
			return node_mismatch(diff, "walk", &diff->core_nodes[i],
					     &diff->model_nodes[i]);
	}
	if (nr != diff->nr_model_nodes)
		return diff_fail(diff, "walk: core %lu nodes, model %lu",
				 nr, diff->nr_model_nodes);

	/* Every node of a small tree; about 1024 spread over a large one. */
	for (i = 0; i < nr; i += 1 + nr / 1024) {
		const struct buddy_core_node *want = &diff->core_nodes[i];

		if (!buddy_core_walk_seek(core, want->frame, want->order,
					  &node))
			return diff_fail(diff, "seek(frame %lu, order %u) to a node: end",
					 want->frame, want->order);
		if (!nodes_equal(&node, want))
			return node_mismatch(diff, "seek to a node", &node,
					     want);
	}
	return true;
}
