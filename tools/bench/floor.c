// SPDX-License-Identifier: GPL-2.0
/*
 * floor.c - where the mixed workload's floor is: ours' paths one by one
 *
 * The mixed churn of the bench goes through all of ours' paths at once.
 * This program runs them one at a time, against the free-list reference
 * (bench/ref_buddy.c, or ref_lean.c built with REF_LEAN), in loops where
 * the pattern repeats, so that neither allocator mispredicts for want of
 * history, and where nothing splits or merges but in split K: what is
 * left is each path's cost:
 *
 *   fast K      1 GiB (2^18 frames): every block of order K allocated,
 *               then every fourth freed (its buddy stays allocated).  Each
 *               step allocates order K and frees what it got: ours takes
 *               the lowest free block and puts it back, in a level-0 word
 *               that keeps 15 others, so no summary word changes.
 *   sparse K L  64 GiB (2^24 frames): 2S blocks of order K, each alone in
 *               its level-1 word (L = 1) or its level-2 word (L = 2), S of
 *               them free; the rest of the pool allocated.  Each step
 *               allocates order K (ours: the lowest free block, whose
 *               level-0 and level-1 words, and with L = 2 its level-2
 *               word, empty) and frees the oldest of the allocated ones
 *               (the same words fill).  The reference's lists do not care
 *               where a block is.
 *   split K     16 MiB (2^12 frames, a flat pool): all allocated but one
 *               block of order K.  Each step allocates order 0 and frees
 *               what it got: K splits and K merges, as in fill and drain
 *               (a step per level, against the reference's).  Counted
 *               once per K, the rows' slope is the cost of a level.
 *
 * Under floor.sh (callgrind) only the loop is counted, and the script
 * reads the allocators' own functions' inclusive counts: instructions and
 * mispredicts inside alloc and free, none of the loop's.  Run alone, it
 * checks itself: nothing split or merged (split K: K of each per step),
 * the free frames unchanged, ours' audit clean; exit 1 otherwise.
 *
 * Built with -DBENCH_SKETCH (make floor CORE=sketch), bench/sketch.c takes
 * ours' place, as in the bench: the same paths of the design's direct
 * form, checked the same way.
 *
 * usage: buddy_floor fast K | sparse K L | split K  [ours|ref]  [STEPS]
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if __has_include("valgrind/callgrind.h")
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT	((void)0)
#endif

#include "bench_args.h"
#include "buddy_core.h"
#include "ref_buddy.h"
#ifdef BENCH_SKETCH
#include "sketch.h"
#endif

#define FLOOR_MAX_ORDER	10
#define FAST_FRAMES	(256UL * 1024)		/* 2^18: 1 GiB of 4 KiB frames */
#define SPARSE_FRAMES	(16UL * 1024 * 1024)	/* 2^24: 64 GiB */
#define SPLIT_FRAMES	4096UL			/* 2^12: 16 MiB */
/* Blocks per level-1 word, and per level-2 word, of a 64-bit core. */
#define LEVEL1_SPAN	(64UL * 64)
#define LEVEL2_SPAN	(64UL * 64 * 64)
#define MAX_CANDIDATES	64

struct floor {
	bool ref;
	unsigned int order;
	struct buddy_core *ours;
	struct ref_buddy *theirs;
	/* sparse: the allocated candidates, oldest at @head, in a ring */
	unsigned long queue[MAX_CANDIDATES];
	unsigned long nr_queued, head;
};

static void *zalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		fprintf(stderr, "buddy_floor: out of memory\n");
		exit(2);
	}
	return p;
}

static void floor_init(struct floor *f, unsigned long nr_frames)
{
	if (f->ref) {
		f->theirs = zalloc(sizeof(*f->theirs));
		ref_buddy_init(f->theirs,
			       zalloc(nr_frames * sizeof(struct ref_frame)),
			       nr_frames, FLOOR_MAX_ORDER);
	} else {
		f->ours = zalloc(sizeof(*f->ours));
		buddy_core_init(f->ours,
				zalloc(buddy_core_meta_size(nr_frames,
							    FLOOR_MAX_ORDER)),
				nr_frames, FLOOR_MAX_ORDER);
	}
}

/* Setup only: the loops call the allocators directly. */
static long floor_alloc(struct floor *f, unsigned int order)
{
	long frame = f->ref ? ref_buddy_alloc(f->theirs, order) :
			      buddy_core_alloc(f->ours, order);

	if (frame < 0) {
		fprintf(stderr, "buddy_floor: setup alloc of order %u failed\n",
			order);
		exit(2);
	}
	return frame;
}

static void floor_free(struct floor *f, unsigned long frame,
		       unsigned int order)
{
	if (f->ref) {
		ref_buddy_free(f->theirs, frame, order);
	} else if (buddy_core_free(f->ours, frame)) {
		fprintf(stderr, "buddy_floor: setup free of %lu refused\n",
			frame);
		exit(2);
	}
}

static unsigned long floor_free_frames(const struct floor *f)
{
	return f->ref ? ref_buddy_free_frames(f->theirs) :
			buddy_core_free_frames(f->ours);
}

/* fast K: every fourth block of order K free. */
static void setup_fast(struct floor *f)
{
	unsigned int k = f->order;
	unsigned long i;

	floor_init(f, FAST_FRAMES);
	for (i = 0; i < FAST_FRAMES >> k; i++)
		floor_alloc(f, k);
	for (i = 0; i < FAST_FRAMES >> k; i += 4)
		floor_free(f, i << k, k);
}

/*
 * split K: the pool allocated in order-0 blocks, then the first 2^K freed,
 * which merge into one block of order K, the only free one.
 */
static void setup_split(struct floor *f)
{
	unsigned long i;

	floor_init(f, SPLIT_FRAMES);
	for (i = 0; i < SPLIT_FRAMES; i++)
		floor_alloc(f, 0);
	for (i = 0; i < 1UL << f->order; i++)
		floor_free(f, i, 0);
}

/*
 * Alloc and free of order @k: in fast K, no summary word changing; in
 * split K, order 0, split from order K and merged back.
 */
static void loop_pair(struct floor *f, unsigned int k, unsigned long steps)
{
	unsigned long i;
	long frame;

	CALLGRIND_TOGGLE_COLLECT;
	if (f->ref) {
		for (i = 0; i < steps; i++) {
			frame = ref_buddy_alloc(f->theirs, k);
			ref_buddy_free(f->theirs, frame, k);
		}
	} else {
		for (i = 0; i < steps; i++)
			buddy_core_free(f->ours, buddy_core_alloc(f->ours, k));
	}
	CALLGRIND_TOGGLE_COLLECT;
}

/*
 * sparse K L: the candidates are blocks c * span of order K.  The pool is
 * allocated in blocks of max_order; each max_order block that holds a
 * candidate is freed and allocated again in blocks of order K (it is then
 * the only free space, so both allocators fill it); then the first half
 * of the candidates is freed.  Their buddies stay allocated: nothing
 * merges.
 */
static void setup_sparse(struct floor *f, unsigned int level)
{
	unsigned int k = f->order, top = FLOOR_MAX_ORDER;
	unsigned long span = level == 1 ? LEVEL1_SPAN : LEVEL2_SPAN;
	unsigned long nr = (SPARSE_FRAMES >> k) / span, half, i, j;

	if (nr > MAX_CANDIDATES)
		nr = MAX_CANDIDATES;
	if (nr < 4) {
		fprintf(stderr, "buddy_floor: order %u has room for %lu blocks alone in their level-%u words; 4 at least\n",
			k, nr, level);
		exit(2);
	}
	half = nr / 2;
	floor_init(f, SPARSE_FRAMES);
	for (i = 0; i < SPARSE_FRAMES >> top; i++)
		floor_alloc(f, top);
	for (i = 0; i < nr; i++) {
		unsigned long first = (i * span) << k;

		floor_free(f, first >> top << top, top);
		for (j = 0; j < 1UL << (top - k); j++)
			floor_alloc(f, k);
		f->queue[i] = first;
	}
	for (i = 0; i < half; i++)
		floor_free(f, f->queue[i], k);
	for (i = 0; i < nr - half; i++)
		f->queue[i] = f->queue[half + i];
	f->nr_queued = nr - half;
}

/* Alloc the lowest free candidate, free the oldest allocated one. */
static void loop_sparse(struct floor *f, unsigned long steps)
{
	unsigned int k = f->order;
	unsigned long i, oldest;
	long frame;

	CALLGRIND_TOGGLE_COLLECT;
	for (i = 0; i < steps; i++) {
		oldest = f->queue[f->head];
		frame = f->ref ? ref_buddy_alloc(f->theirs, k) :
				 buddy_core_alloc(f->ours, k);
		f->queue[f->head] = frame;
		f->head = f->head + 1 == f->nr_queued ? 0 : f->head + 1;
		if (f->ref)
			ref_buddy_free(f->theirs, oldest, k);
		else
			buddy_core_free(f->ours, oldest);
	}
	CALLGRIND_TOGGLE_COLLECT;
}

static void print_usage(void)
{
	fprintf(stderr, "usage: buddy_floor fast K | sparse K L | split K  [ours|ref]  [STEPS]\n"
			"  fast K      alloc+free of order K (0-%u), no summary word changing\n"
			"  sparse K L  blocks of order K alone in their level-L words (L 1 or 2)\n"
			"  split K     alloc+free of order 0 from the one free block, of order K\n",
		FLOOR_MAX_ORDER);
	exit(2);
}

int main(int argc, char **argv)
{
	struct floor f = { };
	struct buddy_core_fault fault;
	unsigned long steps = 100000, before, splits = 0, merges = 0, n = 0;
	unsigned int level = 0;
	bool sparse, split;
	int arg = 1;

	if (argc < 3)
		print_usage();
	sparse = !strcmp(argv[arg], "sparse");
	split = !strcmp(argv[arg], "split");
	if (!sparse && !split && strcmp(argv[arg], "fast"))
		print_usage();
	if (!bench_number(argv[++arg], 0, FLOOR_MAX_ORDER, &n))
		print_usage();
	f.order = n;
	if (sparse) {
		if (++arg >= argc || !bench_number(argv[arg], 1, 2, &n))
			print_usage();
		level = n;
	}
	if (++arg < argc) {
		if (strcmp(argv[arg], "ours") && strcmp(argv[arg], "ref"))
			print_usage();
		f.ref = !strcmp(argv[arg], "ref");
	}
	if (++arg < argc && !bench_number(argv[arg], 1, ULONG_MAX, &steps))
		print_usage();
	if (++arg < argc)
		print_usage();

	if (sparse)
		setup_sparse(&f, level);
	else if (split)
		setup_split(&f);
	else
		setup_fast(&f);
	before = floor_free_frames(&f);
	if (!f.ref) {
		splits = buddy_core_get_stats(f.ours)->splits;
		merges = buddy_core_get_stats(f.ours)->merges;
	}
	if (sparse)
		loop_sparse(&f, steps);
	else
		loop_pair(&f, split ? 0 : f.order, steps);
	/* What the loop should have split and merged: split K, K a step. */
	if (split) {
		splits += f.order * steps;
		merges += f.order * steps;
	}

	if (floor_free_frames(&f) != before) {
		fprintf(stderr, "buddy_floor: %lu frames free after the loop, %lu before\n",
			floor_free_frames(&f), before);
		return 1;
	}
	if (!f.ref && (buddy_core_get_stats(f.ours)->splits != splits ||
		       buddy_core_get_stats(f.ours)->merges != merges)) {
		fprintf(stderr, "buddy_floor: the loop split or merged%s\n",
			split ? " other than K times a step" : "");
		return 1;
	}
	if (!f.ref && buddy_core_audit(f.ours, &fault)) {
		fprintf(stderr, "buddy_floor: ours fails its audit: %s\n",
			fault.what);
		return 1;
	}
	printf("%s %u%s%.0u %s: %lu steps, %lu frames free throughout",
	       argv[1], f.order, sparse ? " " : "", level,
	       f.ref ? "ref" : "ours", steps, before);
	if (split && !f.ref)
		printf(", %u splits and merges a step, audit clean\n", f.order);
	else
		printf("%s\n", f.ref ? "" : ", no split or merge, audit clean");
	return 0;
}
