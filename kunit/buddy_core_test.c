// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the buddy allocator core
 *
 * Two kinds of case.  Small ones pin one behaviour each on a pool drawn by
 * hand, with the expected per-order free counts and the expected tree (the
 * walk, node by node) after every step.  Parameterised ones run over several
 * pool shapes and compare the core against an independent model, as
 * fs/ext4/mballoc-test.c does for its buddy bitmap: the model keeps a state
 * byte and a block order per frame and finds blocks by linear scans, so it
 * shares no data structure and no search with buddy_core.c.
 *
 * This file #includes the core so buddy_test.ko carries its own copy and no
 * object is linked into two modules.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../buddy_core.c"
#include "../buddy_cmd.h"

/* The page size of the teaching examples, whatever the kernel's is. */
#define EXAMPLE_PAGE_SHIFT	12

/* === Helpers: pools, trees, counts === */

struct pool {
	struct buddy_core core;
	void *meta;
	size_t meta_size;
};

static struct pool *pool_create(struct kunit *test, unsigned long nr_frames,
				unsigned int max_order)
{
	struct pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	pool->meta_size = buddy_core_meta_size(nr_frames, max_order);
	KUNIT_ASSERT_GT(test, pool->meta_size, 0);
	/* kmalloc memory is aligned for unsigned long, as the core needs. */
	pool->meta = kunit_kzalloc(test, pool->meta_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool->meta);
	KUNIT_ASSERT_EQ(test, buddy_core_init(&pool->core, pool->meta,
					      nr_frames, max_order), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_check(&pool->core), 0);
	return pool;
}

#define NODE(f, o, d, s)						\
	{ .frame = (f), .order = (o), .depth = (d), .state = BUDDY_CORE_##s }

static const char *const state_names[] = {
	[BUDDY_CORE_SPLIT] = "split",
	[BUDDY_CORE_FREE] = "free",
	[BUDDY_CORE_ALLOCATED] = "allocated",
};

#define NODE_TEXT_LEN	64

/* A node as failure messages show it. */
static const char *node_text(char *buf, const struct buddy_core_node *n)
{
	snprintf(buf, NODE_TEXT_LEN, "(frame %lu, order %u, depth %u, %s)",
		 n->frame, n->order, n->depth,
		 n->state < ARRAY_SIZE(state_names) ? state_names[n->state] :
						      "bad state");
	return buf;
}

static bool node_eq(const struct buddy_core_node *a,
		    const struct buddy_core_node *b)
{
	return a->frame == b->frame && a->order == b->order &&
	       a->depth == b->depth && a->state == b->state;
}

static void expect_node(struct kunit *test, const struct buddy_core_node *got,
			const struct buddy_core_node *want)
{
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];

	if (!node_eq(got, want))
		KUNIT_FAIL(test, "node is %s, want %s", node_text(a, got),
			   node_text(b, want));
}

#define EXPECT_NODE(test, got, f, o, d, s)				\
	expect_node(test, got, &(struct buddy_core_node)NODE(f, o, d, s))

/* Every node of the walk, in walk order; at most 2 * nr_frames of them. */
static unsigned long walk_all(const struct buddy_core *core,
			      struct buddy_core_node *nodes, unsigned long max)
{
	struct buddy_core_node node;
	unsigned long nr = 0;
	bool more;

	for (more = buddy_core_walk_first(core, &node); more && nr < max;
	     more = buddy_core_walk_next(core, &node))
		nodes[nr++] = node;
	return nr;
}

static int walk_buf_init(struct kunit_resource *res, void *context)
{
	res->data = kvmalloc_array(*(unsigned long *)context,
				   sizeof(struct buddy_core_node), GFP_KERNEL);
	return res->data ? 0 : -ENOMEM;
}

static void walk_buf_free(struct kunit_resource *res)
{
	kvfree(res->data);
}

/*
 * Room for any tree of @nr_frames: kvmalloc(), as a pool of three summary
 * levels needs more than kmalloc() gives (12 MiB), freed with the test.
 */
static struct buddy_core_node *walk_alloc(struct kunit *test,
					  unsigned long nr_frames)
{
	unsigned long nr_nodes = 2 * nr_frames;
	struct buddy_core_node *nodes;

	nodes = kunit_alloc_resource(test, walk_buf_init, walk_buf_free,
				     GFP_KERNEL, &nr_nodes);
	KUNIT_ASSERT_NOT_NULL(test, nodes);
	return nodes;
}

/* The walk must be exactly @want, node by node. */
static void expect_tree(struct kunit *test, const struct buddy_core *core,
			const struct buddy_core_node *want, unsigned int nr_want)
{
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];
	struct buddy_core_node node;
	unsigned int i = 0;
	bool more;

	for (more = buddy_core_walk_first(core, &node); more;
	     more = buddy_core_walk_next(core, &node), i++) {
		if (i == nr_want) {
			KUNIT_FAIL(test, "walk goes on past %u nodes: %s",
				   nr_want, node_text(a, &node));
			return;
		}
		if (!node_eq(&node, &want[i])) {
			KUNIT_FAIL(test, "node %u is %s, want %s", i,
				   node_text(a, &node), node_text(b, &want[i]));
			return;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, i, nr_want, "walk ends early");
}

#define EXPECT_TREE(test, core, ...)					\
	do {								\
		static const struct buddy_core_node tree_want[] = {	\
			__VA_ARGS__					\
		};							\
		expect_tree(test, core, tree_want, ARRAY_SIZE(tree_want)); \
	} while (0)

/* Free blocks of orders 0..max_order must be @want[0..max_order]. */
static void expect_counts(struct kunit *test, const struct buddy_core *core,
			  const unsigned long *want, unsigned int nr_want)
{
	unsigned int order;

	KUNIT_ASSERT_EQ(test, nr_want, buddy_core_max_order(core) + 1);
	for (order = 0; order < nr_want; order++)
		KUNIT_EXPECT_EQ_MSG(test, buddy_core_free_blocks(core, order),
				    want[order], "free blocks of order %u",
				    order);
}

#define EXPECT_COUNTS(test, core, ...)					\
	do {								\
		static const unsigned long counts_want[] = {		\
			__VA_ARGS__					\
		};							\
		expect_counts(test, core, counts_want,			\
			      ARRAY_SIZE(counts_want));			\
	} while (0)

/*
 * Everything a bad call must leave alone: the core, every metadata byte,
 * and (derived from those, but checked on their own for readable failures)
 * the per-order counts and the walk.
 */
struct pool_snapshot {
	struct buddy_core core;
	void *meta;
	unsigned long counts[BUDDY_CORE_MAX_ORDER + 1];
	struct buddy_core_node *nodes;
	unsigned long nr_nodes;
};

static struct pool_snapshot *snapshot_take(struct kunit *test,
					   const struct pool *pool)
{
	struct pool_snapshot *snap;
	unsigned int order;

	snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	snap->meta = kunit_kmalloc(test, pool->meta_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap->meta);
	snap->nodes = walk_alloc(test, pool->core.nr_frames);
	memcpy(&snap->core, &pool->core, sizeof(snap->core));
	memcpy(snap->meta, pool->meta, pool->meta_size);
	for (order = 0; order <= pool->core.max_order; order++)
		snap->counts[order] = buddy_core_free_blocks(&pool->core, order);
	snap->nr_nodes = walk_all(&pool->core, snap->nodes,
				  2 * pool->core.nr_frames);
	return snap;
}

static void expect_unchanged(struct kunit *test, const struct pool *pool,
			     const struct pool_snapshot *snap)
{
	struct buddy_core_node *nodes = walk_alloc(test, pool->core.nr_frames);
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];
	unsigned long nr_nodes, i;
	unsigned int order;

	KUNIT_EXPECT_EQ(test, buddy_core_check(&pool->core), 0);
	for (order = 0; order <= pool->core.max_order; order++)
		KUNIT_EXPECT_EQ_MSG(test,
				    buddy_core_free_blocks(&pool->core, order),
				    snap->counts[order],
				    "free blocks of order %u", order);
	nr_nodes = walk_all(&pool->core, nodes, 2 * pool->core.nr_frames);
	KUNIT_EXPECT_EQ(test, nr_nodes, snap->nr_nodes);
	for (i = 0; i < min(nr_nodes, snap->nr_nodes); i++)
		if (!node_eq(&nodes[i], &snap->nodes[i])) {
			KUNIT_FAIL(test, "node %lu is %s, was %s", i,
				   node_text(a, &nodes[i]),
				   node_text(b, &snap->nodes[i]));
			break;
		}
	KUNIT_EXPECT_MEMEQ(test, &pool->core, &snap->core, sizeof(snap->core));
	KUNIT_EXPECT_MEMEQ(test, pool->meta, snap->meta, pool->meta_size);
}

/* === Pool shapes for the parameterised cases === */

struct pool_shape {
	unsigned long nr_frames;
	unsigned int max_order;
	const char *what;
};

static const struct pool_shape pool_shapes[] = {
	{ 1024, 10, "power of two, one root" },
	{ 64, 3, "power of two, eight roots" },
	{ 100, 10, "odd: roots of 64, 32 and 4" },
	{ 1000, 10, "odd: roots of 512 down to 8" },
	{ 4097, 12, "odd: 4096 and a lone frame" },
	{ 1, 0, "one frame" },
	{ 37, 0, "max_order 0: every frame a root" },
	{ 16, 40, "max_order far above the pool" },
	{ 100, 8, "max_order just above the pool" },
};

static void pool_shape_desc(const struct pool_shape *shape, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu frames, max_order %u (%s)",
		 shape->nr_frames, shape->max_order, shape->what);
}

KUNIT_ARRAY_PARAM(pool_shapes, pool_shapes, pool_shape_desc);

static struct pool *pool_from_param(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;

	return pool_create(test, shape->nr_frames, shape->max_order);
}

/*
 * Roots of @order in a pool, computed apart from the core: whole max_order
 * blocks, then one root per set bit of nr_frames below max_order.
 */
static unsigned long roots_of_order(unsigned long nr_frames,
				    unsigned int max_order, unsigned int order)
{
	if (order > max_order || order >= BITS_PER_LONG)
		return 0;
	if (order == max_order)
		return nr_frames >> order;
	return (nr_frames >> order) & 1;
}

/* === The model: a state byte and a block order per frame === */

#define MODEL_NO_BLOCK	0xff

struct buddy_model {
	unsigned long nr_frames;
	unsigned int max_order;
	u8 *free;		/* per frame: 1 if in a free block, else 0 */
	u8 *order;		/* per frame: order of the block it starts */
	unsigned long nr_free[BUDDY_CORE_MAX_ORDER + 1];
	struct buddy_core_stats stats;
};

static void model_add_block(struct buddy_model *m, unsigned long frame,
			    unsigned int order, bool free)
{
	m->order[frame] = order;
	memset(m->free + frame, free, 1UL << order);
	if (free)
		m->nr_free[order]++;
}

/* The parent of block (@frame, @order) exists: order allowed, in the pool. */
static bool model_parent_fits(const struct buddy_model *m, unsigned long frame,
			      unsigned int order)
{
	unsigned int up = order + 1;

	return up <= m->max_order && up < BITS_PER_LONG &&
	       ((frame >> up) + 1) << up <= m->nr_frames;
}

static struct buddy_model *model_create(struct kunit *test,
					unsigned long nr_frames,
					unsigned int max_order)
{
	struct buddy_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned long frame = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->nr_frames = nr_frames;
	m->max_order = max_order;
	m->free = kunit_kzalloc(test, nr_frames, GFP_KERNEL);
	m->order = kunit_kmalloc(test, nr_frames, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->free);
	KUNIT_ASSERT_NOT_NULL(test, m->order);
	memset(m->order, MODEL_NO_BLOCK, nr_frames);
	/* Greedy: the largest aligned block that fits at each frame. */
	while (frame < nr_frames) {
		unsigned int k = min_t(unsigned int, max_order,
				       BITS_PER_LONG - 1);

		while ((frame & ((1UL << k) - 1)) ||
		       frame + (1UL << k) > nr_frames)
			k--;
		model_add_block(m, frame, k, true);
		frame += 1UL << k;
	}
	return m;
}

static long model_alloc(struct buddy_model *m, unsigned int order)
{
	unsigned long frame, best = ULONG_MAX;
	unsigned int k, best_order = 0;

	if (order > m->max_order)
		return -EINVAL;
	/* Blocks tile the pool: hop from one block's start to the next. */
	for (frame = 0; frame < m->nr_frames; frame += 1UL << k) {
		k = m->order[frame];
		if (m->free[frame] && k >= order &&
		    (best == ULONG_MAX || k < best_order)) {
			best = frame;
			best_order = k;
		}
	}
	if (best == ULONG_MAX)
		return -ENOMEM;
	m->nr_free[best_order]--;
	while (best_order > order) {
		best_order--;
		model_add_block(m, best + (1UL << best_order), best_order,
				true);
		m->stats.splits++;
	}
	model_add_block(m, best, order, false);
	m->stats.allocs++;
	return best;
}

/* The block holding @frame: its order, and its first frame in @start. */
static unsigned int model_block_of(const struct buddy_model *m,
				   unsigned long frame, unsigned long *start)
{
	unsigned int k, top = min_t(unsigned int, m->max_order,
				    BITS_PER_LONG - 1);

	for (k = 0; k < top; k++) {
		*start = frame & ~((1UL << k) - 1);
		if (m->order[*start] == k)
			return k;
	}
	*start = frame & ~((1UL << k) - 1);
	return k;
}

static int model_free(struct buddy_model *m, unsigned long frame)
{
	unsigned long start, buddy;
	unsigned int k;

	if (frame >= m->nr_frames)
		return -ERANGE;
	k = model_block_of(m, frame, &start);
	if (m->free[start])
		return -EALREADY;
	if (start != frame)
		return -EINVAL;
	memset(m->free + start, 1, 1UL << k);
	m->stats.frees++;
	while (model_parent_fits(m, start, k)) {
		buddy = start ^ (1UL << k);
		if (m->order[buddy] != k || !m->free[buddy])
			break;
		m->nr_free[k]--;
		m->order[max(start, buddy)] = MODEL_NO_BLOCK;
		start = min(start, buddy);
		k++;
		m->stats.merges++;
	}
	m->order[start] = k;
	m->nr_free[k]++;
	return 0;
}

/* The pre-order walk of the subtree at (@frame, @order), into @nodes. */
static unsigned long model_walk_node(const struct buddy_model *m,
				     unsigned long frame, unsigned int order,
				     unsigned int depth,
				     struct buddy_core_node *nodes,
				     unsigned long nr)
{
	struct buddy_core_node *node = &nodes[nr++];

	node->frame = frame;
	node->order = order;
	node->depth = depth;
	if (m->order[frame] == order) {
		node->state = m->free[frame] ? BUDDY_CORE_FREE :
					       BUDDY_CORE_ALLOCATED;
		return nr;
	}
	node->state = BUDDY_CORE_SPLIT;
	nr = model_walk_node(m, frame, order - 1, depth + 1, nodes, nr);
	return model_walk_node(m, frame + (1UL << (order - 1)), order - 1,
			       depth + 1, nodes, nr);
}

static unsigned long model_walk(const struct buddy_model *m,
				struct buddy_core_node *nodes)
{
	unsigned long frame = 0, nr = 0;

	/* A root is a block whose parent does not fit: climb to it. */
	while (frame < m->nr_frames) {
		unsigned long start;
		unsigned int k = model_block_of(m, frame, &start);

		while (model_parent_fits(m, start, k)) {
			k++;
			start &= ~((1UL << k) - 1);
		}
		nr = model_walk_node(m, start, k, 0, nodes, nr);
		frame = start + (1UL << k);
	}
	return nr;
}

/* === Comparing the core with the model === */

static void expect_walks_equal(struct kunit *test,
			       const struct buddy_core_node *got,
			       unsigned long nr_got,
			       const struct buddy_core_node *want,
			       unsigned long nr_want)
{
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];
	unsigned long i;

	for (i = 0; i < min(nr_got, nr_want); i++) {
		if (!node_eq(&got[i], &want[i])) {
			KUNIT_FAIL(test, "node %lu is %s, want %s", i,
				   node_text(a, &got[i]),
				   node_text(b, &want[i]));
			return;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, nr_got, nr_want, "walk length");
}

struct model_check {
	struct buddy_model *model;
	unsigned long counts[BUDDY_CORE_MAX_ORDER + 1];
	u8 *free_map;
	struct buddy_core_node *got, *want;
};

static struct model_check *model_check_create(struct kunit *test,
					      unsigned long nr_frames,
					      unsigned int max_order)
{
	struct model_check *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->model = model_create(test, nr_frames, max_order);
	c->free_map = kunit_kmalloc(test, nr_frames, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->free_map);
	c->got = walk_alloc(test, nr_frames);
	c->want = walk_alloc(test, nr_frames);
	return c;
}

/*
 * The core against the model: invariants, per-order counts, counters and,
 * when @full, the whole tree and the map of free frames.
 */
static void expect_matches_model(struct kunit *test,
				 const struct buddy_core *core,
				 struct model_check *c, bool full)
{
	const struct buddy_model *m = c->model;
	unsigned long nr_got, nr_want, i, free_frames = 0;
	unsigned int order;

	KUNIT_ASSERT_EQ(test, buddy_core_check(core), 0);
	for (order = 0; order <= m->max_order; order++) {
		c->counts[order] = buddy_core_free_blocks(core, order);
		free_frames += m->nr_free[order] << order;
	}
	KUNIT_ASSERT_MEMEQ(test, c->counts, m->nr_free,
			   (m->max_order + 1) * sizeof(c->counts[0]));
	KUNIT_ASSERT_EQ(test, buddy_core_free_frames(core), free_frames);
	KUNIT_ASSERT_EQ(test, buddy_core_allocated_frames(core),
			m->nr_frames - free_frames);
	KUNIT_ASSERT_MEMEQ(test, buddy_core_get_stats(core), &m->stats,
			   sizeof(m->stats));
	if (!full)
		return;

	nr_got = walk_all(core, c->got, 2 * m->nr_frames);
	nr_want = model_walk(m, c->want);
	expect_walks_equal(test, c->got, nr_got, c->want, nr_want);
	memset(c->free_map, 0, m->nr_frames);
	for (i = 0; i < nr_got; i++)
		if (c->got[i].state == BUDDY_CORE_FREE)
			memset(c->free_map + c->got[i].frame, 1,
			       1UL << c->got[i].order);
	KUNIT_ASSERT_MEMEQ(test, c->free_map, m->free, m->nr_frames);
}

/* === Replaying the reported steps === */

/*
 * An observer that applies every step the core reports to a second model,
 * the shadow, using only what the step says.  Each step is first checked
 * against the shadow (a TAKE takes a free block of that order, a SPLIT's
 * upper half is frame + 2^(order - 1), a MERGE's buddy is frame ^ 2^order
 * and free, a STOP's reason is true), so after every call the shadow must
 * equal the model the call was checked against: the steps are the whole
 * story of each state change, no more and no less.
 */
struct replay {
	struct buddy_core_observer obs;
	struct kunit *test;
	struct buddy_model *shadow;
	unsigned long frame;		/* the block being moved */
	unsigned int order;
	unsigned int asked;		/* REQUEST's order */
	int error;			/* ALLOC_FAIL's or REJECT's */
	unsigned int nr_steps;
};

static void replay_expect_moving(struct replay *r,
				 const struct buddy_core_step *step)
{
	KUNIT_EXPECT_EQ(r->test, step->frame, r->frame);
	KUNIT_EXPECT_EQ(r->test, step->order, r->order);
}

static void replay_stop(struct replay *r, const struct buddy_core_step *step)
{
	struct buddy_model *s = r->shadow;
	unsigned long buddy = step->frame ^ (1UL << step->order);
	bool fits = model_parent_fits(s, step->frame, step->order);

	replay_expect_moving(r, step);
	switch (step->why) {
	case BUDDY_STOP_MAX_ORDER:
		KUNIT_EXPECT_EQ(r->test, step->order, s->max_order);
		break;
	case BUDDY_STOP_ROOT:
		KUNIT_EXPECT_FALSE(r->test, fits);
		KUNIT_EXPECT_LT(r->test, step->order, s->max_order);
		break;
	case BUDDY_STOP_BUDDY_ALLOCATED:
		KUNIT_EXPECT_TRUE(r->test, fits);
		KUNIT_EXPECT_EQ(r->test, s->order[buddy], step->order);
		KUNIT_EXPECT_FALSE(r->test, s->free[buddy]);
		break;
	case BUDDY_STOP_BUDDY_SPLIT:
		KUNIT_EXPECT_TRUE(r->test, fits);
		KUNIT_EXPECT_LT(r->test, s->order[buddy], step->order);
		break;
	}
	model_add_block(s, step->frame, step->order, true);
}

static void replay_step(const struct buddy_core_observer *obs,
			const struct buddy_core_step *step)
{
	struct replay *r = container_of(obs, struct replay, obs);
	struct buddy_model *s = r->shadow;
	struct kunit *test = r->test;
	unsigned long half;

	r->nr_steps++;
	switch (step->kind) {
	case BUDDY_STEP_REQUEST:
		r->asked = step->order;
		break;
	case BUDDY_STEP_TAKE:
		KUNIT_EXPECT_EQ(test, s->order[step->frame], step->order);
		KUNIT_EXPECT_TRUE(test, s->free[step->frame]);
		KUNIT_EXPECT_GE(test, step->order, r->asked);
		s->nr_free[step->order]--;
		model_add_block(s, step->frame, step->order, false);
		r->frame = step->frame;
		r->order = step->order;
		break;
	case BUDDY_STEP_SPLIT:
		replay_expect_moving(r, step);
		half = 1UL << (step->order - 1);
		KUNIT_EXPECT_EQ(test, step->buddy, step->frame + half);
		model_add_block(s, step->buddy, step->order - 1, true);
		s->order[step->frame] = step->order - 1;
		s->stats.splits++;
		r->order--;
		break;
	case BUDDY_STEP_ALLOC:
		replay_expect_moving(r, step);
		KUNIT_EXPECT_EQ(test, step->order, r->asked);
		s->stats.allocs++;
		break;
	case BUDDY_STEP_ALLOC_FAIL:
	case BUDDY_STEP_REJECT:
		r->error = step->error;
		break;
	case BUDDY_STEP_FREE:
		KUNIT_EXPECT_EQ(test, s->order[step->frame], step->order);
		KUNIT_EXPECT_FALSE(test, s->free[step->frame]);
		s->stats.frees++;
		r->frame = step->frame;
		r->order = step->order;
		break;
	case BUDDY_STEP_MERGE:
		replay_expect_moving(r, step);
		KUNIT_EXPECT_EQ(test, step->buddy,
				step->frame ^ (1UL << step->order));
		KUNIT_EXPECT_EQ(test, s->order[step->buddy], step->order);
		KUNIT_EXPECT_TRUE(test, s->free[step->buddy]);
		s->nr_free[step->order]--;
		s->order[max(step->frame, step->buddy)] = MODEL_NO_BLOCK;
		s->stats.merges++;
		r->frame = min(step->frame, step->buddy);
		r->order++;
		break;
	case BUDDY_STEP_STOP:
		replay_stop(r, step);
		break;
	}
}

/* The shadow, built from steps alone, equals the model after a call. */
static void expect_replayed(struct kunit *test, struct replay *r,
			    const struct buddy_model *m, long ret,
			    unsigned int op)
{
	const struct buddy_model *s = r->shadow;

	KUNIT_ASSERT_GT_MSG(test, r->nr_steps, 0, "op %u reported nothing",
			    op);
	if (ret < 0)
		KUNIT_ASSERT_EQ_MSG(test, r->error, ret, "op %u", op);
	KUNIT_ASSERT_MEMEQ_MSG(test, s->free, m->free, m->nr_frames,
			       "op %u", op);
	KUNIT_ASSERT_MEMEQ_MSG(test, s->order, m->order, m->nr_frames,
			       "op %u", op);
	KUNIT_ASSERT_MEMEQ_MSG(test, s->nr_free, m->nr_free,
			       sizeof(m->nr_free), "op %u", op);
	KUNIT_ASSERT_MEMEQ_MSG(test, &s->stats, &m->stats, sizeof(m->stats),
			       "op %u", op);
	r->nr_steps = 0;
	r->error = 0;
}

static u64 xorshift64(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/*
 * Random allocations and frees, in phases that lean towards allocating
 * (to reach exhaustion) then towards freeing (to merge back), with frees of
 * random frames mixed in so every bad-free class comes up.  The model says
 * what each call must return; the state is compared after every call, and
 * in full every 32 calls and at the end.
 */
static void churn(struct kunit *test, struct buddy_core *core,
		  struct model_check *c, unsigned int nr_ops, u64 seed,
		  struct replay *replay)
{
	struct buddy_model *m = c->model;
	unsigned long nr_frames = m->nr_frames, nr_live = 0, frame, i;
	unsigned int span = min_t(unsigned int, m->max_order, ilog2(nr_frames));
	unsigned long *live = kunit_kmalloc_array(test, nr_frames,
						  sizeof(*live), GFP_KERNEL);
	unsigned int op, order, pct;
	u64 rnd = seed;
	long got, want;

	KUNIT_ASSERT_NOT_NULL(test, live);
	for (op = 0; op < nr_ops; op++) {
		u64 r = xorshift64(&rnd);

		pct = (op / 64) % 2 ? 30 : 75;
		if (r % 16 == 0) {
			/* A frame anywhere, a few past the pool. */
			frame = (r >> 8) % (nr_frames + 2);
			want = model_free(m, frame);
			got = buddy_core_free(core, frame);
			KUNIT_ASSERT_EQ_MSG(test, got, want, "op %u: free(%lu)",
					    op, frame);
			if (replay)
				expect_replayed(test, replay, m, got, op);
			for (i = 0; !want && i < nr_live; i++)
				if (live[i] == frame)
					live[i] = live[--nr_live];
		} else if (!nr_live || (r >> 8) % 100 < pct) {
			/* Small orders mostly, now and then one too large. */
			order = (r >> 16) % 8 ? (r >> 24) % (min(span, 3U) + 1) :
						(r >> 24) % (span + 2);
			want = model_alloc(m, order);
			got = buddy_core_alloc(core, order);
			KUNIT_ASSERT_EQ_MSG(test, got, want,
					    "op %u: alloc(%u)", op, order);
			if (replay)
				expect_replayed(test, replay, m, got, op);
			if (got >= 0)
				live[nr_live++] = got;
		} else {
			i = (r >> 8) % nr_live;
			frame = live[i];
			live[i] = live[--nr_live];
			KUNIT_ASSERT_EQ(test, model_free(m, frame), 0);
			KUNIT_ASSERT_EQ_MSG(test, buddy_core_free(core, frame),
					    0, "op %u: free(%lu)", op, frame);
			if (replay)
				expect_replayed(test, replay, m, 0, op);
		}
		expect_matches_model(test, core, c, op % 32 == 31);
	}
	expect_matches_model(test, core, c, true);
}

/* === Hand-drawn behaviours === */

static void init_every_shape(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	const struct buddy_core_stats *stats = buddy_core_get_stats(core);
	unsigned long frame = 0, words;
	struct buddy_core_node node;
	unsigned int order;
	bool more;

	/* before: nothing.  after: every frame free, in roots only. */
	KUNIT_EXPECT_EQ(test, buddy_core_nr_frames(core), shape->nr_frames);
	KUNIT_EXPECT_EQ(test, buddy_core_max_order(core), shape->max_order);
	KUNIT_EXPECT_EQ(test, buddy_core_free_frames(core), shape->nr_frames);
	KUNIT_EXPECT_EQ(test, buddy_core_allocated_frames(core), 0);
	for (order = 0; order <= shape->max_order + 1; order++)
		KUNIT_EXPECT_EQ_MSG(test, buddy_core_free_blocks(core, order),
				    roots_of_order(shape->nr_frames,
						   shape->max_order, order),
				    "free blocks of order %u", order);
	KUNIT_EXPECT_EQ(test, stats->allocs + stats->frees + stats->splits +
			stats->merges, 0);

	/* The walk: the roots in address order, largest first, all free. */
	for (more = buddy_core_walk_first(core, &node); more;
	     more = buddy_core_walk_next(core, &node)) {
		KUNIT_EXPECT_EQ(test, node.frame, frame);
		KUNIT_EXPECT_EQ(test, node.depth, 0);
		KUNIT_EXPECT_EQ(test, node.state, BUDDY_CORE_FREE);
		KUNIT_EXPECT_LE(test, node.order, shape->max_order);
		KUNIT_EXPECT_EQ(test, node.frame & ((1UL << node.order) - 1), 0);
		frame += 1UL << node.order;
	}
	KUNIT_EXPECT_EQ(test, frame, shape->nr_frames);

	/* About 3.5 bits per frame, plus a few words per order. */
	words = 7 * shape->nr_frames / 2 / BITS_PER_LONG +
		10 * (shape->max_order + 2);
	KUNIT_EXPECT_LE(test, pool->meta_size, words * sizeof(long));
}

static void init_bad_args(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;

	/* No frames, too many frames, too large an order: refused. */
	KUNIT_EXPECT_EQ(test, buddy_core_meta_size(0, 4), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_init(core, pool->meta, 0, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_meta_size(BUDDY_CORE_MAX_FRAMES + 1, 4),
			0);
	KUNIT_EXPECT_EQ(test, buddy_core_init(core, pool->meta,
					      BUDDY_CORE_MAX_FRAMES + 1, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_meta_size(16, BUDDY_CORE_MAX_ORDER + 1),
			0);
	KUNIT_EXPECT_EQ(test, buddy_core_init(core, pool->meta, 16,
					      BUDDY_CORE_MAX_ORDER + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_meta_size(16, UINT_MAX), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_init(NULL, pool->meta, 16, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_init(core, NULL, 16, 4), -EINVAL);

	/* The limits themselves are accepted (measured, not allocated). */
	KUNIT_EXPECT_GT(test, buddy_core_meta_size(BUDDY_CORE_MAX_FRAMES,
						   BUDDY_CORE_MAX_ORDER), 0);
	KUNIT_EXPECT_GT(test, buddy_core_meta_size(1, BUDDY_CORE_MAX_ORDER), 0);

	/* The refusals left the pool as it was. */
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free_blocks(core, 4), 1);
}

static void alloc_split_step_by_step(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;

	/* before: one free order-4 block.  after: split 4->3->2->1->0. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 0), 0);
	EXPECT_COUNTS(test, core, 1, 1, 1, 1, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, SPLIT),
		    NODE(0, 2, 2, SPLIT), NODE(0, 1, 3, SPLIT),
		    NODE(0, 0, 4, ALLOCATED), NODE(1, 0, 4, FREE),
		    NODE(2, 1, 3, FREE), NODE(4, 2, 2, FREE),
		    NODE(8, 3, 1, FREE));
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->splits, 4);

	/* before: free 1(0) 2(1) 4(2) 8(3).  after: 2(1) taken, no split. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 1), 2);
	EXPECT_COUNTS(test, core, 1, 0, 1, 1, 0);

	/* before: free 1(0) 4(2) 8(3).  after: 4(2) split, lower half kept. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 1), 4);
	EXPECT_COUNTS(test, core, 1, 1, 0, 1, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, SPLIT),
		    NODE(0, 2, 2, SPLIT), NODE(0, 1, 3, SPLIT),
		    NODE(0, 0, 4, ALLOCATED), NODE(1, 0, 4, FREE),
		    NODE(2, 1, 3, ALLOCATED), NODE(4, 2, 2, SPLIT),
		    NODE(4, 1, 3, ALLOCATED), NODE(6, 1, 3, FREE),
		    NODE(8, 3, 1, FREE));

	/* before: free 1(0) 6(1) 8(3).  after: 1(0) taken, the only order 0. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 0), 1);
	EXPECT_COUNTS(test, core, 0, 1, 0, 1, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->splits, 5);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
}

static void free_merge_step_by_step(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), 1);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 1), 2);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 3), 8);
	EXPECT_COUNTS(test, core, 0, 0, 0, 0, 0);

	/* before: all allocated.  after: 1(0) free, its buddy 0 is not. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 1), 0);
	EXPECT_COUNTS(test, core, 1, 0, 0, 0, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, SPLIT),
		    NODE(0, 2, 2, SPLIT), NODE(0, 1, 3, SPLIT),
		    NODE(0, 0, 4, ALLOCATED), NODE(1, 0, 4, FREE),
		    NODE(2, 1, 3, ALLOCATED), NODE(4, 2, 2, ALLOCATED),
		    NODE(8, 3, 1, ALLOCATED));

	/* before: 0(2) split.  after: 4(2) free, no merge with a split buddy. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 4), 0);
	EXPECT_COUNTS(test, core, 1, 0, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 0);

	/* before: 1(0) free.  after: 0 and 1 merge into 0(1); 2(1) is taken. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
	EXPECT_COUNTS(test, core, 0, 1, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 1);

	/* before: 0(1) and 4(2) free.  after: 2 merges twice, into 0(3). */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 2), 0);
	EXPECT_COUNTS(test, core, 0, 0, 0, 1, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, FREE),
		    NODE(8, 3, 1, ALLOCATED));
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 3);

	/* before: 0(3) free.  after: one free root again. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 8), 0);
	EXPECT_COUNTS(test, core, 0, 0, 0, 0, 1);
	EXPECT_TREE(test, core, NODE(0, 4, 0, FREE));
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 4);
	KUNIT_EXPECT_EQ(test, buddy_core_free_frames(core), 16);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
}

static void free_past_pool(struct kunit *test)
{
	struct pool *pool = pool_create(test, 100, 10);
	struct pool_snapshot *snap;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(&pool->core, 0), 96);
	snap = snapshot_take(test, pool);

	/* before: frames 0..99.  after: -ERANGE, nothing changed. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(&pool->core, 100), -ERANGE);
	KUNIT_EXPECT_EQ(test, buddy_core_free(&pool->core, 101), -ERANGE);
	KUNIT_EXPECT_EQ(test, buddy_core_free(&pool->core, 128), -ERANGE);
	KUNIT_EXPECT_EQ(test, buddy_core_free(&pool->core, ULONG_MAX),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc_order(&pool->core, 100),
			-ERANGE);
	expect_unchanged(test, pool, snap);
}

static void free_double(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_snapshot *snap;

	/* before: 0(2) allocated, then freed.  after: -EALREADY, no change. */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 0), 0);
	snap = snapshot_take(test, pool);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), -EALREADY);
	/* Any frame of a free block, not only its first. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 3), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 8), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 15), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc_order(core, 2), -EALREADY);
	expect_unchanged(test, pool, snap);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->frees, 1);
}

static void free_interior(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_snapshot *snap;

	/* before: 0(3) allocated.  after: -EINVAL for 1..7, no change. */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 3), 0);
	snap = snapshot_take(test, pool);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 7), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc_order(core, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc_order(core, 0), 3);
	expect_unchanged(test, pool, snap);

	/* The block itself still frees, and merges back to one root. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
	EXPECT_TREE(test, core, NODE(0, 4, 0, FREE));
}

static void bad_free_every_shape(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	unsigned long nr_frames = shape->nr_frames;
	unsigned int top = min_t(unsigned int, shape->max_order,
				 ilog2(nr_frames));
	struct pool_snapshot *snap = snapshot_take(test, pool);

	/* before: all free.  after: -EALREADY or -ERANGE, nothing changed. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, nr_frames - 1), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, nr_frames), -ERANGE);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, ULONG_MAX), -ERANGE);
	expect_unchanged(test, pool, snap);

	/*
	 * before: the first root, the largest block, allocated.
	 * after: its interior frames are -EINVAL, nothing changed.
	 */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, top), 0);
	snap = snapshot_take(test, pool);
	if (top) {
		KUNIT_EXPECT_EQ(test, buddy_core_free(core, 1), -EINVAL);
		KUNIT_EXPECT_EQ(test, buddy_core_free(core, (1UL << top) - 1),
				-EINVAL);
	}
	if (nr_frames > 1UL << top)
		KUNIT_EXPECT_EQ(test, buddy_core_free(core, nr_frames - 1),
				-EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, nr_frames), -ERANGE);
	expect_unchanged(test, pool, snap);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
}

static void alloc_exhaustion_and_recovery(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	unsigned long nr_frames = shape->nr_frames, want, got = 0, i;
	unsigned int order, top = min_t(unsigned int, shape->max_order,
					 ilog2(nr_frames));
	void *initial = kunit_kmalloc(test, pool->meta_size, GFP_KERNEL);
	struct buddy_core_order *orders = kunit_kmalloc(test,
							sizeof(core->orders),
							GFP_KERNEL);
	long frame;

	KUNIT_ASSERT_NOT_NULL(test, initial);
	KUNIT_ASSERT_NOT_NULL(test, orders);
	memcpy(initial, pool->meta, pool->meta_size);
	memcpy(orders, core->orders, sizeof(core->orders));

	for (order = 0; order <= top; order++) {
		/* before: all free.  after: every block of @order taken. */
		want = 0;
		for (i = order; i <= shape->max_order; i++)
			want += roots_of_order(nr_frames, shape->max_order, i)
				<< (i - order);
		for (got = 0; got < want; got++) {
			frame = buddy_core_alloc(core, order);
			KUNIT_ASSERT_GE_MSG(test, frame, 0,
					    "allocation %lu of order %u",
					    got, order);
			KUNIT_ASSERT_EQ(test, frame & ((1L << order) - 1), 0);
		}
		KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, order), -ENOMEM);
		KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 0) == -ENOMEM,
				want << order == nr_frames);
		KUNIT_ASSERT_EQ(test, buddy_core_check(core), 0);

		/*
		 * before: exhausted.  after: all free again, byte for byte
		 * as init left it (the leftover order-0 frames go too).
		 */
		while (buddy_core_alloc(core, 0) >= 0)
			;
		for (i = 0; i < nr_frames; i++)
			buddy_core_free(core, i);
		KUNIT_EXPECT_EQ(test, buddy_core_free_frames(core), nr_frames);
		KUNIT_EXPECT_MEMEQ(test, pool->meta, initial, pool->meta_size);
		KUNIT_EXPECT_MEMEQ(test, core->orders, orders,
				   sizeof(core->orders));
	}
	/* Recovered: the largest order is served again, from frame 0. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, top), 0);
}

static void alloc_lowest_address_first(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 8);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 12);

	/*
	 * before: 4 then 12 freed, so a LIFO free list would hand out 12.
	 * after: 4 first, the lower address; 12 next.
	 */
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 12), 0);
	EXPECT_COUNTS(test, core, 0, 0, 2, 0, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 12);

	/* before: 12 freed last.  after: an order-0 request splits 4, not 12. */
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 12), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 0), 4);
	EXPECT_COUNTS(test, core, 1, 1, 1, 0, 0);
}

static void alloc_smallest_order_first(struct kunit *test)
{
	struct pool *pool = pool_create(test, 100, 10);
	struct buddy_core *core = &pool->core;

	/*
	 * before: roots 0(6), 64(5), 96(2).  after: an order-2 request takes
	 * 96(2) whole rather than split a lower, larger root.
	 */
	EXPECT_COUNTS(test, core, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 96);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->splits, 0);

	/* before: 0(6), 64(5).  after: 64(5) split to 64(2); 68 72 80 free. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 64);
	EXPECT_COUNTS(test, core, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 68);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 72);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 76);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 2), 80);
	EXPECT_TREE(test, core,
		    NODE(0, 6, 0, FREE),
		    NODE(64, 5, 0, SPLIT), NODE(64, 4, 1, SPLIT),
		    NODE(64, 3, 2, SPLIT), NODE(64, 2, 3, ALLOCATED),
		    NODE(68, 2, 3, ALLOCATED), NODE(72, 3, 2, SPLIT),
		    NODE(72, 2, 3, ALLOCATED), NODE(76, 2, 3, ALLOCATED),
		    NODE(80, 4, 1, SPLIT), NODE(80, 3, 2, SPLIT),
		    NODE(80, 2, 3, ALLOCATED), NODE(84, 2, 3, FREE),
		    NODE(88, 3, 2, FREE), NODE(96, 2, 0, ALLOCATED));
}

static void free_adjacent_not_buddies(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 8);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 12);

	/*
	 * before: four order-2 blocks taken.  after: 4 and 8 free, side by
	 * side and of one size, but 4's buddy is 0 and 8's is 12: no merge.
	 */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 4), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 8), 0);
	EXPECT_COUNTS(test, core, 0, 0, 2, 0, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, SPLIT),
		    NODE(0, 2, 2, ALLOCATED), NODE(4, 2, 2, FREE),
		    NODE(8, 3, 1, SPLIT), NODE(8, 2, 2, FREE),
		    NODE(12, 2, 2, ALLOCATED));
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 0);

	/* before: 4 free.  after: 0 merges with 4 only, 8 stays apart. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
	EXPECT_COUNTS(test, core, 0, 0, 1, 1, 0);

	/* before: 0(3) and 8(2) free.  after: 12 completes both merges. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 12), 0);
	EXPECT_TREE(test, core, NODE(0, 4, 0, FREE));
}

static void free_adjacent_roots(struct kunit *test)
{
	struct pool *pool = pool_create(test, 48, 4);
	struct buddy_core *core = &pool->core;

	/* before: three order-4 roots.  after: taken and freed, still three. */
	EXPECT_TREE(test, core, NODE(0, 4, 0, FREE), NODE(16, 4, 0, FREE),
		    NODE(32, 4, 0, FREE));
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 4), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 4), 16);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 4), 32);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 16), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 32), 0);
	EXPECT_COUNTS(test, core, 0, 0, 0, 0, 3);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 0);

	/*
	 * 0(4) and 16(4) would be buddies in a 0(5) that max_order 4 rules
	 * out; 16(4) and 32(4) are neighbours, not buddies.  With max_order
	 * 6 the same 48 frames are two roots, 0(5) and 32(4).
	 */
	pool = pool_create(test, 48, 6);
	EXPECT_TREE(test, &pool->core, NODE(0, 5, 0, FREE),
		    NODE(32, 4, 0, FREE));
}

/*
 * OSTEP ch. 17: a 64 KiB space (16 frames of 4 KiB) and a 7 KiB request,
 * served by an 8 KiB block after splitting 64 -> 32 -> 16 -> 8.
 */
static void ostep_64k_7k_example(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	unsigned int order = buddy_bytes_to_order(7 * 1024, EXAMPLE_PAGE_SHIFT);
	struct buddy_core_node node;

	KUNIT_ASSERT_EQ(test, order, 1);
	/* before: one free 64 KiB block.  after: 8 KiB at 0, three splits. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, order), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->splits, 3);
	EXPECT_COUNTS(test, core, 0, 1, 1, 1, 0);
	EXPECT_TREE(test, core,
		    NODE(0, 4, 0, SPLIT), NODE(0, 3, 1, SPLIT),
		    NODE(0, 2, 2, SPLIT), NODE(0, 1, 3, ALLOCATED),
		    NODE(2, 1, 3, FREE), NODE(4, 2, 2, FREE),
		    NODE(8, 3, 1, FREE));

	/* Each buddy pair differs in one bit, which depends on the level. */
	for (order = 1; order <= 3; order++) {
		KUNIT_ASSERT_EQ(test, buddy_core_lookup(core, 0 ^ (1UL << order),
							&node), 0);
		KUNIT_EXPECT_EQ(test, node.frame, 1UL << order);
		KUNIT_EXPECT_EQ(test, node.order, order);
		KUNIT_EXPECT_EQ(test, node.state, BUDDY_CORE_FREE);
	}

	/* before: the 8 KiB block.  after: three merges, 64 KiB again. */
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 3);
	EXPECT_TREE(test, core, NODE(0, 4, 0, FREE));
}

/*
 * Stallings: 1 MiB (256 frames of 4 KiB).  A=100K, B=240K, C=64K, D=256K,
 * release B, release A, E=75K, release C, release E, release D.
 */
struct stallings_step {
	char what;		/* letter of the request */
	unsigned long long bytes;	/* nonzero: an allocation */
	unsigned int order;		/* the order those bytes need */
	unsigned long frame;	/* where the block is (both steps) */
	unsigned long counts[9];	/* free blocks of order 0..8, after */
};

static const struct stallings_step stallings_steps[] = {
	/* 0: A(128K) | 32(5) 64(6) 128(7) free */
	{ 'A', 100 << 10, 5, 0, { 0, 0, 0, 0, 0, 1, 1, 1, 0 } },
	/* B takes 64(6) whole */
	{ 'B', 240 << 10, 6, 64, { 0, 0, 0, 0, 0, 1, 0, 1, 0 } },
	/* C splits 32(5): C at 32, 48(4) free */
	{ 'C', 64 << 10, 4, 32, { 0, 0, 0, 0, 1, 0, 0, 1, 0 } },
	/* D splits 128(7): D at 128, 192(6) free */
	{ 'D', 256 << 10, 6, 128, { 0, 0, 0, 0, 1, 0, 1, 0, 0 } },
	/* release B: its buddy 0(6) is split, no merge */
	{ 'B', 0, 6, 64, { 0, 0, 0, 0, 1, 0, 2, 0, 0 } },
	/* release A: its buddy 32(5) is split, no merge */
	{ 'A', 0, 5, 0, { 0, 0, 0, 0, 1, 1, 2, 0, 0 } },
	/* E takes A's old 0(5), the lowest of the smallest sufficient */
	{ 'E', 75 << 10, 5, 0, { 0, 0, 0, 0, 1, 0, 2, 0, 0 } },
	/* release C: merges with 48(4) into 32(5); E blocks more */
	{ 'C', 0, 4, 32, { 0, 0, 0, 0, 0, 1, 2, 0, 0 } },
	/* release E: 0(5)+32(5), then +64(6): 0(7); D blocks more */
	{ 'E', 0, 5, 0, { 0, 0, 0, 0, 0, 0, 1, 1, 0 } },
	/* release D: 128(6)+192(6), then +0(7): the whole 1 MiB */
	{ 'D', 0, 6, 128, { 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
};

static void stallings_1m_sequence(struct kunit *test)
{
	struct pool *pool = pool_create(test, 256, 8);
	struct buddy_core *core = &pool->core;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stallings_steps); i++) {
		const struct stallings_step *s = &stallings_steps[i];

		if (s->bytes) {
			KUNIT_EXPECT_EQ_MSG(test,
					    buddy_bytes_to_order(s->bytes,
								 EXAMPLE_PAGE_SHIFT),
					    s->order, "%c: %llu bytes",
					    s->what, s->bytes);
			KUNIT_EXPECT_EQ_MSG(test,
					    buddy_core_alloc(core, s->order),
					    s->frame, "%c: request", s->what);
		} else {
			KUNIT_EXPECT_EQ_MSG(test,
					    buddy_core_alloc_order(core,
								   s->frame),
					    s->order, "%c: order", s->what);
			KUNIT_EXPECT_EQ_MSG(test, buddy_core_free(core, s->frame),
					    0, "%c: release", s->what);
		}
		expect_counts(test, core, s->counts, ARRAY_SIZE(s->counts));
		KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);

		/*
		 * After "release A": A's 128K hole sits next to C, 64K free,
		 * B's 256K hole, D and 256K free: as in Stallings' figure.
		 */
		if (i == 5)
			EXPECT_TREE(test, core,
				    NODE(0, 8, 0, SPLIT), NODE(0, 7, 1, SPLIT),
				    NODE(0, 6, 2, SPLIT), NODE(0, 5, 3, FREE),
				    NODE(32, 5, 3, SPLIT),
				    NODE(32, 4, 4, ALLOCATED),
				    NODE(48, 4, 4, FREE), NODE(64, 6, 2, FREE),
				    NODE(128, 7, 1, SPLIT),
				    NODE(128, 6, 2, ALLOCATED),
				    NODE(192, 6, 2, FREE));
	}
	KUNIT_EXPECT_EQ(test, buddy_core_get_stats(core)->merges, 5);
}

static void order_above_max(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	unsigned int max_order = shape->max_order, order;
	struct pool_snapshot *snap = snapshot_take(test, pool);

	/* before: all free.  after: refusals only, nothing changed. */
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, max_order + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, UINT_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_free_blocks(core, max_order + 1), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_unusable_index(core, max_order + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_extfrag_index(core, max_order + 1),
			-EINVAL);
	/* Orders allowed but larger than the pool: no block, -ENOMEM. */
	for (order = 0; order <= max_order; order++)
		if (order >= BITS_PER_LONG ||
		    (1UL << order) > shape->nr_frames)
			KUNIT_EXPECT_EQ_MSG(test, buddy_core_alloc(core, order),
					    -ENOMEM, "order %u", order);
	expect_unchanged(test, pool, snap);
}

static void walk_seek_resume(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct buddy_core_node node;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), 0);
	/* A listing shows five nodes, down to 0(0), and stops. */
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_first(core, &node));
	for (i = 1; i < 5; i++)
		KUNIT_ASSERT_TRUE(test, buddy_core_walk_next(core, &node));
	EXPECT_NODE(test, &node, 0, 0, 4, ALLOCATED);

	/*
	 * before: next would be 1(0) free.  after: 1(0) and 4(2) taken in
	 * between; resuming at position (1, 0) shows the current nodes.
	 */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), 1);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_seek(core, 1, 0, &node));
	EXPECT_NODE(test, &node, 1, 0, 4, ALLOCATED);
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_next(core, &node));
	EXPECT_NODE(test, &node, 2, 1, 3, FREE);
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_next(core, &node));
	EXPECT_NODE(test, &node, 4, 2, 2, ALLOCATED);

	/* A position inside a leaf resumes after that leaf: 8(3). */
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_seek(core, 5, 0, &node));
	EXPECT_NODE(test, &node, 8, 3, 1, FREE);
	/* A position above a root comes before it. */
	KUNIT_ASSERT_TRUE(test, buddy_core_walk_seek(core, 0, 9, &node));
	EXPECT_NODE(test, &node, 0, 4, 0, SPLIT);

	/*
	 * before: the listing stopped before 2(1).  after: everything merged
	 * into 0(4), which it has shown: nothing is left to show.
	 */
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 0), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 1), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	KUNIT_EXPECT_FALSE(test, buddy_core_walk_seek(core, 2, 1, &node));
	KUNIT_EXPECT_FALSE(test, buddy_core_walk_seek(core, 16, 0, &node));
	KUNIT_EXPECT_FALSE(test, buddy_core_walk_seek(core, ULONG_MAX, 0,
						      &node));
}

static void walk_seek_every_position(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);
	struct buddy_core_node *nodes = c->got, node;
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];
	unsigned long nr_nodes, frame, i = 0;
	unsigned int order;
	bool found;

	churn(test, core, c, 300, 0x5eed, NULL);
	nr_nodes = walk_all(core, nodes, 2 * shape->nr_frames);

	/*
	 * Positions in walk order: frame up, then order down.  The answer
	 * for each is the first node of the full walk at or after it.
	 */
	for (frame = 0; frame < shape->nr_frames; frame++) {
		for (order = shape->max_order + 1; order-- > 0; ) {
			while (i < nr_nodes &&
			       (nodes[i].frame < frame ||
				(nodes[i].frame == frame &&
				 nodes[i].order > order)))
				i++;
			found = buddy_core_walk_seek(core, frame, order, &node);
			KUNIT_ASSERT_EQ_MSG(test, found, i < nr_nodes,
					    "seek(%lu, %u)", frame, order);
			if (found && !node_eq(&node, &nodes[i]))
				KUNIT_FAIL_AND_ABORT(test,
						     "seek(%lu, %u) is %s, want %s",
						     frame, order,
						     node_text(a, &node),
						     node_text(b, &nodes[i]));
		}
	}
}

static void lookup_every_frame(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);
	struct buddy_core_node *nodes = c->got, node, *leaf;
	char a[NODE_TEXT_LEN], b[NODE_TEXT_LEN];
	unsigned long nr_nodes, frame, i = 0;
	int want;

	churn(test, core, c, 300, 0x100c, NULL);
	nr_nodes = walk_all(core, nodes, 2 * shape->nr_frames);

	/* Each frame's block is the leaf of the walk that covers it. */
	for (frame = 0; frame < shape->nr_frames; frame++) {
		while (i < nr_nodes &&
		       (nodes[i].state == BUDDY_CORE_SPLIT ||
			nodes[i].frame + (1UL << nodes[i].order) <= frame))
			i++;
		KUNIT_ASSERT_LT(test, i, nr_nodes);
		leaf = &nodes[i];
		KUNIT_ASSERT_EQ(test, buddy_core_lookup(core, frame, &node), 0);
		if (!node_eq(&node, leaf))
			KUNIT_FAIL_AND_ABORT(test, "lookup(%lu) is %s, want %s",
					     frame, node_text(a, &node),
					     node_text(b, leaf));
		if (leaf->state == BUDDY_CORE_FREE)
			want = -EALREADY;
		else
			want = frame == leaf->frame ? leaf->order : -EINVAL;
		KUNIT_ASSERT_EQ_MSG(test, buddy_core_alloc_order(core, frame),
				    want, "alloc_order(%lu)", frame);
	}
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, shape->nr_frames, &node),
			-ERANGE);
}

static void lookup_by_hand(struct kunit *test)
{
	struct pool *pool = pool_create(test, 100, 10);
	struct buddy_core *core = &pool->core;
	struct buddy_core_node node;

	/* before: roots 0(6), 64(5), 96(2).  after: 64(5) split for 64(3). */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 3), 64);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 99, &node), 0);
	EXPECT_NODE(test, &node, 96, 2, 0, FREE);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 70, &node), 0);
	EXPECT_NODE(test, &node, 64, 3, 2, ALLOCATED);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 72, &node), 0);
	EXPECT_NODE(test, &node, 72, 3, 2, FREE);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 95, &node), 0);
	EXPECT_NODE(test, &node, 80, 4, 1, FREE);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 0, &node), 0);
	EXPECT_NODE(test, &node, 0, 6, 0, FREE);
	KUNIT_EXPECT_EQ(test, buddy_core_lookup(core, 100, &node), -ERANGE);
}

static void stats_count_successes(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	const struct buddy_core_stats *stats = buddy_core_get_stats(core);
	const struct buddy_core_stats want = {
		.allocs = 2, .frees = 2, .splits = 4, .merges = 4,
	};

	/* before: zero.  after: only what succeeded is counted. */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, buddy_core_alloc(core, 4), -ENOMEM);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 0), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 16), -ERANGE);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 4), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 1), -EINVAL);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 0), 0);
	KUNIT_EXPECT_EQ(test, stats->allocs, want.allocs);
	KUNIT_EXPECT_EQ(test, stats->frees, want.frees);
	KUNIT_EXPECT_EQ(test, stats->splits, want.splits);
	KUNIT_EXPECT_EQ(test, stats->merges, want.merges);

	/* Only init resets them. */
	KUNIT_ASSERT_EQ(test, buddy_core_init(core, pool->meta, 16, 4), 0);
	KUNIT_EXPECT_EQ(test, stats->allocs + stats->frees + stats->splits +
			stats->merges, 0);
}

/* Indices of orders 0..max_order, in thousandths as mm/vmstat.c has them. */
static void expect_frag(struct kunit *test, const struct buddy_core *core,
			const int *unusable, const int *extfrag)
{
	unsigned int order;

	for (order = 0; order <= buddy_core_max_order(core); order++) {
		KUNIT_EXPECT_EQ_MSG(test, buddy_core_unusable_index(core, order),
				    unusable[order], "unusable, order %u",
				    order);
		KUNIT_EXPECT_EQ_MSG(test, buddy_core_extfrag_index(core, order),
				    extfrag[order], "extfrag, order %u", order);
	}
}

static void frag_index_by_hand(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	unsigned long frame;

	/* All free: every order has a suitable block. */
	expect_frag(test, core, (const int []){ 0, 0, 0, 0, 0 },
		    (const int []){ -1000, -1000, -1000, -1000, -1000 });

	/* Nothing free: unusable 1000, extfrag 0 (no memory at all). */
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 4), 0);
	expect_frag(test, core, (const int []){ 1000, 1000, 1000, 1000, 1000 },
		    (const int []){ 0, 0, 0, 0, 0 });
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 0), 0);

	/*
	 * Free blocks 1(0), 2(0), 4(2): free_pages 6, blocks 3.
	 * unusable(o) = (6 - suitable(o) << o) * 1000 / 6, suitable 6, 2, 1,
	 * 0, 0; extfrag(o) = 1000 - (1000 + 6000 / 2^o) / 3 with no suitable
	 * block: 1000 - 1750 / 3 = 417 and 1000 - 1375 / 3 = 542.
	 */
	for (frame = 0; frame < 4; frame++)
		KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), frame);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 2), 4);
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 3), 8);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 1), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 2), 0);
	EXPECT_COUNTS(test, core, 2, 0, 1, 0, 0);
	expect_frag(test, core, (const int []){ 0, 333, 333, 1000, 1000 },
		    (const int []){ -1000, -1000, -1000, 417, 542 });
}

static void frag_index_checkerboard(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 6);
	struct buddy_core *core = &pool->core;
	unsigned long frame;

	/*
	 * Every other frame free: 8 order-0 blocks whose buddies are taken.
	 * From order 1 on nothing is suitable: unusable 1000, and extfrag
	 * 1000 - (1000 + 8000 / 2^o) / 8 in integer steps: 375, 625, 750,
	 * 813 (1500 / 8 = 187), 844 and 860 for orders 5 and 6, which are
	 * larger than the pool.
	 */
	for (frame = 0; frame < 16; frame++)
		KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 0), frame);
	for (frame = 0; frame < 16; frame += 2)
		KUNIT_ASSERT_EQ(test, buddy_core_free(core, frame), 0);
	EXPECT_COUNTS(test, core, 8, 0, 0, 0, 0, 0, 0);
	expect_frag(test, core,
		    (const int []){ 0, 1000, 1000, 1000, 1000, 1000, 1000 },
		    (const int []){ -1000, 375, 625, 750, 813, 844, 860 });
}

static void frag_index_above_pool(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 6);

	/*
	 * One free 16-frame block and requests of 32 and 64 frames: as
	 * __fragmentation_index() computes it, 1000 - (1000 + 16000 / 32) / 1
	 * = -500 and 1000 - (1000 + 16000 / 64) = -250: below zero, since
	 * fewer frames are free than one block of the order holds.
	 */
	expect_frag(test, &pool->core,
		    (const int []){ 0, 0, 0, 0, 0, 1000, 1000 },
		    (const int []){ -1000, -1000, -1000, -1000, -1000, -500,
				    -250 });
}

/* === Audit === */

/*
 * The metadata is handled as bytes, all bitmaps, and the order descriptors
 * in the core (max_order + 2 of them, pointers and counts) as words, so
 * these cases hold whatever the layout.
 */
static size_t descriptor_words(const struct pool *pool)
{
	return (pool->core.max_order + 2) * sizeof(struct buddy_core_order) /
	       sizeof(long);
}

/*
 * A state of a pool, byte for byte.  The states of one pool share its
 * metadata buffer, so the pointers in them agree and any of them can be
 * put back.
 */
struct pool_image {
	struct buddy_core core;
	u8 *meta;
};

static struct pool_image *image_take(struct kunit *test,
				     const struct pool *pool)
{
	struct pool_image *img = kunit_kzalloc(test, sizeof(*img), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, img);
	img->meta = kunit_kmalloc(test, pool->meta_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img->meta);
	memcpy(&img->core, &pool->core, sizeof(img->core));
	memcpy(img->meta, pool->meta, pool->meta_size);
	return img;
}

static void image_put(struct pool *pool, const struct pool_image *img)
{
	memcpy(&pool->core, &img->core, sizeof(pool->core));
	memcpy(pool->meta, img->meta, pool->meta_size);
}

/*
 * Applies to @pool the change from state @from to state @to: bitmap bits
 * set or cleared, counters (descriptor words) moved by the same amount,
 * order mask bits set or cleared.  The change that marks a block free,
 * carried over to a state where that block must not be free, breaks
 * exactly one invariant: where the block is.  Counts, summaries and masks
 * stay right, so the audit has to name that invariant.
 */
static void apply_delta(struct pool *pool, const struct pool_image *from,
			const struct pool_image *to)
{
	const unsigned long *wf = (const void *)from->core.orders;
	const unsigned long *wt = (const void *)to->core.orders;
	unsigned long *w = (void *)pool->core.orders;
	u8 *b = pool->meta;
	size_t i;

	for (i = 0; i < descriptor_words(pool); i++)
		w[i] += wt[i] - wf[i];
	for (i = 0; i < pool->meta_size; i++) {
		b[i] |= to->meta[i] & ~from->meta[i];
		b[i] &= ~(from->meta[i] & ~to->meta[i]);
	}
	pool->core.free_orders |= to->core.free_orders &
				  ~from->core.free_orders;
	pool->core.free_orders &= ~(from->core.free_orders &
				    ~to->core.free_orders);
}

static void expect_fault(struct kunit *test, const struct buddy_core *core,
			 const char *what, unsigned int order,
			 unsigned long frame)
{
	struct buddy_core_fault fault = { };

	KUNIT_ASSERT_EQ(test, buddy_core_audit(core, &fault), -EUCLEAN);
	KUNIT_ASSERT_NOT_NULL(test, fault.what);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(fault.what, what),
				  "fault '%s', want '%s'", fault.what, what);
	KUNIT_EXPECT_EQ(test, fault.order, order);
	KUNIT_EXPECT_EQ(test, fault.frame, frame);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
}

static void pool_restart(struct kunit *test, struct pool *pool)
{
	KUNIT_ASSERT_EQ(test, buddy_core_init(&pool->core, pool->meta,
					      pool->core.nr_frames,
					      pool->core.max_order), 0);
}

static void alloc_expect(struct kunit *test, struct buddy_core *core,
			 unsigned int order, long frame)
{
	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, order), frame);
}

static void audit_unmerged_buddies(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_image *taken, *freed;
	unsigned long frame;

	/*
	 * before: 0(1) 2(1) 4(1) 6(1) taken, then 6(1) freed.
	 * after: 4(1) marked free too, as freeing it alone would: two free
	 * buddies, unmerged, with every count right.
	 */
	for (frame = 0; frame < 8; frame += 2)
		alloc_expect(test, core, 1, frame);
	taken = image_take(test, pool);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	freed = image_take(test, pool);
	image_put(pool, taken);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 6), 0);
	KUNIT_ASSERT_EQ(test, buddy_core_check(core), 0);
	apply_delta(pool, taken, freed);
	KUNIT_EXPECT_EQ(test, buddy_core_free_blocks(core, 1), 2);
	expect_fault(test, core, "unmerged", 1, 4);
}

static void audit_free_inside_block(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_image *taken, *freed;

	/*
	 * before: 0(1) allocated whole.  after: 1(0) marked free as if 0(1)
	 * were split: a free block inside an allocated one.
	 */
	alloc_expect(test, core, 0, 0);
	alloc_expect(test, core, 0, 1);
	taken = image_take(test, pool);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 1), 0);
	freed = image_take(test, pool);
	pool_restart(test, pool);
	alloc_expect(test, core, 1, 0);
	apply_delta(pool, taken, freed);
	expect_fault(test, core, "free block inside", 0, 1);
}

static void audit_free_and_split(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_image *taken, *freed;
	unsigned long frame;

	/* before: 4(2) split into 4(1) 6(1).  after: 4(2) also marked free. */
	alloc_expect(test, core, 2, 0);
	alloc_expect(test, core, 2, 4);
	taken = image_take(test, pool);
	KUNIT_ASSERT_EQ(test, buddy_core_free(core, 4), 0);
	freed = image_take(test, pool);
	pool_restart(test, pool);
	for (frame = 0; frame < 8; frame += 2)
		alloc_expect(test, core, 1, frame);
	apply_delta(pool, taken, freed);
	expect_fault(test, core, "both free and split", 2, 4);
}

static void audit_split_inside_block(struct kunit *test)
{
	struct pool *pool = pool_create(test, 16, 4);
	struct buddy_core *core = &pool->core;
	struct pool_image *whole, *split;

	/*
	 * before: 0(3) allocated whole.  after: 0(2) marked split as if it
	 * held 0(1) and 2(1): a split block inside an allocated one.
	 */
	alloc_expect(test, core, 2, 0);
	alloc_expect(test, core, 2, 4);
	whole = image_take(test, pool);
	pool_restart(test, pool);
	alloc_expect(test, core, 1, 0);
	alloc_expect(test, core, 1, 2);
	alloc_expect(test, core, 2, 4);
	split = image_take(test, pool);
	pool_restart(test, pool);
	alloc_expect(test, core, 3, 0);
	apply_delta(pool, whole, split);
	expect_fault(test, core, "split block inside a larger block", 2, 0);
}

static void audit_every_bit_flip(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct buddy_core *core = &pool->core;
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);
	struct pool_image *initial = image_take(test, pool);
	size_t descriptor_bytes = descriptor_words(pool) * sizeof(long);
	struct buddy_core_fault fault;
	size_t byte;
	u8 *bytes = pool->meta;
	unsigned long frame;
	int bit;

	churn(test, core, c, 200, 0xb17, NULL);
	for (frame = 0; frame < shape->nr_frames; frame++)
		buddy_core_free(core, frame);
	/* Freeing everything leaves the metadata exactly as init did. */
	KUNIT_ASSERT_MEMEQ(test, pool->meta, initial->meta, pool->meta_size);
	KUNIT_ASSERT_MEMEQ(test, core->orders, initial->core.orders,
			   sizeof(core->orders));

	/*
	 * Every byte is state, with no padding: the bitmaps (free bits,
	 * their summaries, split bits, head bits), then, in the core, the
	 * order descriptors (pointers and sizes the layout fixes, a count, a
	 * cursor).  With
	 * every frame free each bit is pinned: a free bit is a root
	 * (flipping it breaks the order's count or summary), a split bit is
	 * zero (set, it is a split root that is also free, or a split block
	 * under an unsplit parent), a summary bit mirrors a word (or, in
	 * an order with fewer than two free blocks, is zero), a head bit is
	 * zero (no block is allocated), a cursor is the lowest free block,
	 * and bits past the last block must be zero.  So every single flip
	 * must be caught.  (With blocks allocated it is not so: a split bit
	 * set on an allocated block of order 1 makes two allocated blocks of
	 * it, which is consistent.)
	 */
	for (byte = 0; byte < pool->meta_size + descriptor_bytes; byte++) {
		u8 *at = byte < pool->meta_size ? &bytes[byte] :
			 (u8 *)core->orders + byte - pool->meta_size;

		for (bit = 0; bit < 8; bit++) {
			*at ^= 1 << bit;
			fault.what = NULL;
			if (buddy_core_audit(core, &fault) != -EUCLEAN)
				KUNIT_FAIL_AND_ABORT(test,
						     "flip of %s byte %zu bit %d not caught",
						     byte < pool->meta_size ?
						     "metadata" : "descriptor",
						     byte < pool->meta_size ? byte :
						     byte - pool->meta_size, bit);
			KUNIT_ASSERT_NOT_NULL(test, fault.what);
			/* The descriptor past max_order counts as one more. */
			KUNIT_ASSERT_LE(test, fault.order,
					shape->max_order + 1);
			*at ^= 1 << bit;
		}
	}
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
}

/* Flips bit @bit of @word: the audit must catch it, then it is undone. */
static void expect_flip_caught(struct kunit *test,
			       const struct buddy_core *core,
			       unsigned long *word, unsigned int bit,
			       const char *what, unsigned int order)
{
	*word ^= BIT(bit);
	if (buddy_core_check(core) != -EUCLEAN)
		KUNIT_FAIL_AND_ABORT(test, "flip of %s bit %u (order %u) not caught",
				     what, bit, order);
	*word ^= BIT(bit);
}

/*
 * In a busy pool, the metadata that only speeds things up is still pinned
 * by the audit: every bit of every summary level (exact, or clear in an
 * order with fewer than two free blocks), of every cursor and of the head
 * bits (exactly the runs of the allocated blocks of order >= 2).  The pool
 * is large enough for summary levels 2+ in orders 0 and 1, and is checked
 * after allocating and again after freeing much of it.
 */
static void audit_flips_busy_pool(struct kunit *test)
{
	const unsigned long nr_frames = 1UL << 14;
	struct pool *pool = pool_create(test, nr_frames, 10);
	struct buddy_core *core = &pool->core;
	unsigned long *live = kunit_kmalloc_array(test, nr_frames,
						  sizeof(*live), GFP_KERNEL);
	unsigned long *maps[BUDDY_CORE_LEVELS], nr_live = 0, bits, i;
	unsigned int round, order, l, bit, nr_levels;
	u64 rnd = 0x1a2b3c4dULL;
	long frame;

	KUNIT_ASSERT_NOT_NULL(test, live);
	KUNIT_ASSERT_NOT_NULL(test, core->orders[0].upper);
	for (round = 0; round < 2; round++) {
		/* before: as left; after: 3/4 allocated, then 1/2 freed */
		while (buddy_core_free_frames(core) > nr_frames / 4) {
			frame = buddy_core_alloc(core, xorshift64(&rnd) % 6);
			if (frame >= 0)
				live[nr_live++] = frame;
		}
		for (i = 0; round && nr_live && i < nr_live / 2; i++) {
			unsigned long j = xorshift64(&rnd) % nr_live;

			KUNIT_ASSERT_EQ(test, buddy_core_free(core, live[j]), 0);
			live[j] = live[--nr_live];
		}
		KUNIT_ASSERT_EQ(test, buddy_core_check(core), 0);

		for (order = 0; order <= 10; order++) {
			struct buddy_core_order *o = &core->orders[order];

			nr_levels = level_maps(o, maps);
			bits = BITS_TO_LONGS(o->nr_blocks);
			for (l = 1; l < nr_levels; l++) {
				for (i = 0; i < bits; i++)
					expect_flip_caught(test, core,
							   &maps[l][i / BITS_PER_LONG],
							   i % BITS_PER_LONG,
							   "summary", order);
				bits = BITS_TO_LONGS(bits);
			}
			for (bit = 0; bit < BITS_PER_LONG; bit++)
				expect_flip_caught(test, core, &o->cursor, bit,
						   "cursor", order);
		}
		for (i = 0; i < nr_frames / 2 + 1; i++)
			expect_flip_caught(test, core,
					   &core->head[i / BITS_PER_LONG],
					   i % BITS_PER_LONG, "head", 0);
		KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
	}
}

static void ignore_step(const struct buddy_core_observer *obs,
			const struct buddy_core_step *step)
{
}

static void audit_core_fields(struct kunit *test)
{
	static const struct buddy_core_observer ignore = { ignore_step };
	struct pool *pool = pool_create(test, 100, 10);
	struct buddy_core *core = &pool->core;

	KUNIT_ASSERT_EQ(test, buddy_core_alloc(core, 1), 96);

	/* The order mask, above max_order too. */
	core->free_orders ^= 1ULL << 7;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->free_orders ^= 1ULL << 7;
	core->free_orders ^= 1ULL << 1;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->free_orders ^= 1ULL << 1;
	core->free_orders ^= 1ULL << 11;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->free_orders ^= 1ULL << 11;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);

	/* The pool's mode: 100 frames make a flat pool. */
	KUNIT_ASSERT_TRUE(test, core->flat);
	core->flat = false;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->flat = true;
	core->plain_max ^= 1;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->plain_max ^= 1;
	core->plain_top ^= 2;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->plain_top ^= 2;
	core->levels3 = true;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->levels3 = false;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);

	/*
	 * Free's fast range: the whole top-order blocks (64 frames here),
	 * none with an observer, whose frees all leave the fast path by it.
	 */
	KUNIT_ASSERT_EQ(test, core->fast_end, 64);
	core->fast_end ^= 1;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->fast_end ^= 1;
	buddy_core_set_observer(core, &ignore);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
	core->fast_end = 64;
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), -EUCLEAN);
	core->fast_end = 0;
	KUNIT_EXPECT_EQ(test, buddy_core_free(core, 96), 0);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
	buddy_core_set_observer(core, NULL);
	KUNIT_EXPECT_EQ(test, buddy_core_check(core), 0);
	KUNIT_EXPECT_EQ(test, core->fast_end, 64);
}

/* === Against the model === */

static void random_ops_match_model(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);

	expect_matches_model(test, &pool->core, c, true);
	churn(test, &pool->core, c, 1000, 0x0b0dd1e5, NULL);
}

/*
 * The same random run with an observer: replaying the reported steps on a
 * second model reproduces every state change of the first.
 */
static void steps_replay_match_model(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);
	struct replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->obs.step = replay_step;
	r->test = test;
	r->shadow = model_create(test, shape->nr_frames, shape->max_order);
	buddy_core_set_observer(&pool->core, &r->obs);
	churn(test, &pool->core, c, 1000, 0x5eed5eedULL, r);
}

/*
 * A pool whose order 0 has three summary levels, where every order is
 * padded to three and sets and clears them without branching (set3(),
 * take3()): the churn against the model, audited after every call.
 */
static void random_ops_levels3_pool(struct kunit *test)
{
	const unsigned long nr_frames = (1UL << 18) + 4097;
	struct pool *pool = pool_create(test, nr_frames, 10);
	struct model_check *c = model_check_create(test, nr_frames, 10);

	KUNIT_ASSERT_TRUE(test, pool->core.levels3);
	churn(test, &pool->core, c, 2000, 0x1e7e15ULL, NULL);
}

static void random_ops_match_model_long(struct kunit *test)
{
	const struct pool_shape *shape = test->param_value;
	struct pool *pool = pool_from_param(test);
	struct model_check *c = model_check_create(test, shape->nr_frames,
						   shape->max_order);

	churn(test, &pool->core, c, 6000, 0xfeedfacecafef00dULL, NULL);
}

static struct kunit_case buddy_core_test_cases[] = {
	KUNIT_CASE_PARAM(init_every_shape, pool_shapes_gen_params),
	KUNIT_CASE(init_bad_args),
	KUNIT_CASE(alloc_split_step_by_step),
	KUNIT_CASE(free_merge_step_by_step),
	KUNIT_CASE(free_past_pool),
	KUNIT_CASE(free_double),
	KUNIT_CASE(free_interior),
	KUNIT_CASE_PARAM(bad_free_every_shape, pool_shapes_gen_params),
	KUNIT_CASE_PARAM(alloc_exhaustion_and_recovery, pool_shapes_gen_params),
	KUNIT_CASE(alloc_lowest_address_first),
	KUNIT_CASE(alloc_smallest_order_first),
	KUNIT_CASE(free_adjacent_not_buddies),
	KUNIT_CASE(free_adjacent_roots),
	KUNIT_CASE(ostep_64k_7k_example),
	KUNIT_CASE(stallings_1m_sequence),
	KUNIT_CASE_PARAM(order_above_max, pool_shapes_gen_params),
	KUNIT_CASE(walk_seek_resume),
	KUNIT_CASE_PARAM(walk_seek_every_position, pool_shapes_gen_params),
	KUNIT_CASE(lookup_by_hand),
	KUNIT_CASE_PARAM(lookup_every_frame, pool_shapes_gen_params),
	KUNIT_CASE(stats_count_successes),
	KUNIT_CASE(frag_index_by_hand),
	KUNIT_CASE(frag_index_checkerboard),
	KUNIT_CASE(frag_index_above_pool),
	KUNIT_CASE_PARAM(audit_every_bit_flip, pool_shapes_gen_params),
	KUNIT_CASE_SLOW(audit_flips_busy_pool),
	KUNIT_CASE(audit_unmerged_buddies),
	KUNIT_CASE(audit_free_inside_block),
	KUNIT_CASE(audit_free_and_split),
	KUNIT_CASE(audit_split_inside_block),
	KUNIT_CASE(audit_core_fields),
	KUNIT_CASE_PARAM(random_ops_match_model, pool_shapes_gen_params),
	KUNIT_CASE_PARAM(steps_replay_match_model, pool_shapes_gen_params),
	KUNIT_CASE(random_ops_levels3_pool),
	KUNIT_CASE_PARAM_ATTR(random_ops_match_model_long,
			      pool_shapes_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite buddy_core_test_suite = {
	.name = "buddy_core",
	.test_cases = buddy_core_test_cases,
};

kunit_test_suites(&buddy_core_test_suite);

MODULE_DESCRIPTION("KUnit tests of the buddy allocator core and command parser");
MODULE_LICENSE("GPL");
