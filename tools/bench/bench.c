// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - buddy_core.c against a Linux-style free-list buddy allocator
 *
 * Usage: buddy_bench [-r REPEATS] [-i ITERATIONS] [-q] [-p] [-I FILE]
 *                    [-m uniform|geometric] [-d fifo|lifo|random]
 *        (-h: help)
 *
 * Three workloads at three pool sizes (16 MiB, 1 GiB and 64 GiB of 4 KiB
 * frames, max_order 10), each run by three allocators in the same process:
 *
 *   ours     buddy_core.c, from build/user/libbuddycore.a; built with
 *            BENCH_SKETCH (make bench CORE=sketch), sketch.c: the core's
 *            design in its most direct form, every summary level exact,
 *            a code map in place of split and head bits
 *   ref      tools/bench/ref_buddy.c: per-order lists, as mm/page_alloc.c;
 *            built with REF_LEAN (make bench REF=lean), ref_lean.c: the
 *            same algorithm in 12 bytes per frame and fewer instructions
 *   harness  a no-op allocator: the same loop, PRNG, victim choice and
 *            array traffic, with allocations that cost (almost) nothing
 *
 * The harness's own cost is kept small and then measured.  The random
 * numbers (victims, orders) are drawn before the clock starts into an array
 * read in sequence, so the timed loop pays a load and a multiply, not a
 * PRNG step.  What remains, mostly a likely cache miss in the array of live
 * blocks and the mispredicted alloc-or-free branch, is what the harness row
 * measures; "net" figures subtract it.  The subtraction is approximate:
 * with a real allocator some of those stalls overlap with its work.
 *
 * Every figure is a median over REPEATS runs, and the three allocators
 * take turns within each run, so a noisy neighbour hurts them alike and
 * the ratios stay meaningful.  Nothing is asserted about time.
 *
 * The loops are written once, as always-inline functions of the allocator
 * kind; each kind gets its own copy with direct calls (ours and ref live in
 * other translation units, so neither is inlined into the loop).
 *
 * -m and -d vary two workloads, so that conclusions do not hang on one
 * pattern: the mixed churn's orders (uniform by default, or geometric:
 * order k with probability 2^-(k+1), half of them order 0) and the order
 * in which fill/drain frees (fifo, the order of allocation, by default;
 * lifo; or random, a permutation drawn before the clock starts).
 *
 * After every run, outside the clock, ours passes its full audit and both
 * allocators hold exactly the frames the workload has allocated, so the
 * bench also tests each workload it runs (make bench-smoke, in make check).
 *
 * Instructions and branch mispredicts, which unlike time repeat exactly:
 * run under valgrind --tool=callgrind --collect-atstart=no, the timed part
 * of each workload is the only code callgrind counts (client requests turn
 * collection on and off around it), and each run dumps its counts with a
 * label naming pool, workload, allocator, operations and the variant
 * (order mix, drain order).  callgrind.sh does that and writes one line
 * per run; -I FILE reads those lines back and prints them beside the
 * timings, net of the harness as they are.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if __has_include("valgrind/callgrind.h")
#include <valgrind/callgrind.h>
#else
/* Without valgrind's headers the counts are simply not taken. */
#define CALLGRIND_TOGGLE_COLLECT	((void)0)
#define CALLGRIND_DUMP_STATS_AT(label)	((void)(label))
#endif

#include "bench_args.h"
#include "buddy_harness.h"
#include "ref_buddy.h"
/* Last: with BENCH_SKETCH, it renames struct buddy_core and its calls. */
#include "sketch.h"

#ifdef BENCH_SKETCH
#define OURS_FILE	"tools/bench/sketch.c (the design, direct, with a code map)"
#else
#define OURS_FILE	"buddy_core.c"
#endif

#ifdef REF_LEAN
#define REF_NAME	"lean free lists"
#define REF_FILE	"ref_lean.c"
#else
#define REF_NAME	"Linux-style free lists"
#define REF_FILE	"ref_buddy.c"
#endif

#define BENCH_MAX_ORDER		10
#define BENCH_SEED		0x62656e6368ULL		/* "bench" */

enum kind { OURS, REF, HARNESS, NR_KINDS };

/* The variants of -m and -d. */
enum order_mix { MIX_UNIFORM, MIX_GEOMETRIC, NR_MIXES };
enum drain_order { DRAIN_FIFO, DRAIN_LIFO, DRAIN_RANDOM, NR_DRAINS };

static const char *const mix_names[NR_MIXES] = { "uniform", "geometric" };
static const char *const drain_names[NR_DRAINS] = { "fifo", "lifo", "random" };

static enum order_mix order_mix;
static enum drain_order drain_order;

static const struct {
	const char *name;
	unsigned long nr_frames;
} pools[] = {
	{ "16 MiB", 1UL << 12 },
	{ "1 GiB", 1UL << 18 },
	{ "64 GiB", 1UL << 24 },
};

#define NR_POOLS ARRAY_SIZE(pools)

/* Everything a workload touches. */
struct bench {
	struct buddy_core ours;
	void *meta;
	size_t meta_size;
	struct ref_buddy ref;
	struct ref_frame *memmap;
	/* the no-op allocator: a count of free frames and a cursor */
	unsigned long null_free, null_cursor;
	unsigned long nr_frames;
	/* Live blocks: first frame and order.  32 bits are plenty here. */
	uint32_t *live_frame;
	unsigned char *live_order;
	unsigned long nr_live;
	/* Uniform 32-bit numbers, drawn before the clock starts. */
	uint32_t *random;
	/* -d random: the order of the drain, a permutation of the frames */
	uint32_t *drain;
	unsigned long iterations;
	unsigned long failed;		/* allocations that found no block */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The timed part of a workload: the clock, and callgrind's counting (a
 * no-op natively: a few instructions outside the loop).
 */
static __always_inline uint64_t timed_start(void)
{
	uint64_t start = now_ns();

	CALLGRIND_TOGGLE_COLLECT;
	return start;
}

static __always_inline uint64_t timed_stop(uint64_t start)
{
	CALLGRIND_TOGGLE_COLLECT;
	return now_ns() - start;
}

/* === The three allocators, chosen at compile time === */

static __always_inline long bench_alloc(struct bench *b, enum kind which,
					unsigned int order)
{
	long frame;

	switch (which) {
	case OURS:
		return buddy_core_alloc(&b->ours, order);
	case REF:
		return ref_buddy_alloc(&b->ref, order);
	default:
		/* Opaque to the compiler, as a call into another file is. */
		__asm__ volatile("" : : : "memory");
		if (b->null_free < 1UL << order)
			return -ENOMEM;
		b->null_free -= 1UL << order;
		frame = b->null_cursor;
		b->null_cursor = (frame + (1UL << order)) & (b->nr_frames - 1);
		return frame;
	}
}

static __always_inline void bench_free(struct bench *b, enum kind which,
				       unsigned long frame, unsigned int order)
{
	switch (which) {
	case OURS:
		buddy_core_free(&b->ours, frame);
		break;
	case REF:
		ref_buddy_free(&b->ref, frame, order);
		break;
	default:
		__asm__ volatile("" : : "r"(frame) : "memory");
		b->null_free += 1UL << order;
		break;
	}
}

static void bench_reset(struct bench *b, enum kind kind)
{
	switch (kind) {
	case OURS:
		buddy_core_init(&b->ours, b->meta, b->nr_frames,
				BENCH_MAX_ORDER);
		break;
	case REF:
		ref_buddy_init(&b->ref, b->memmap, b->nr_frames,
			       BENCH_MAX_ORDER);
		break;
	default:
		b->null_free = b->nr_frames;
		b->null_cursor = 0;
		break;
	}
	b->nr_live = 0;
	b->failed = 0;
}

/* The same numbers for every allocator and every run. */
static void bench_draw_random(struct bench *b)
{
	struct rng rng;
	unsigned long i;

	rng_seed(&rng, BENCH_SEED);
	for (i = 0; i < 2 * b->iterations; i++)
		b->random[i] = rng_next(&rng) >> 32;
}

/* -d random: a uniform permutation of the frames (Fisher-Yates). */
static void bench_draw_drain(struct bench *b)
{
	struct rng rng;
	unsigned long i, j;
	uint32_t swap;

	rng_seed(&rng, BENCH_SEED + 1);
	for (i = 0; i < b->nr_frames; i++)
		b->drain[i] = i;
	for (i = b->nr_frames - 1; i > 0; i--) {
		j = rng_below(&rng, i + 1);
		swap = b->drain[i];
		b->drain[i] = b->drain[j];
		b->drain[j] = swap;
	}
}

/* A number in [0, bound) from a uniform 32-bit one, by multiply-high. */
static __always_inline unsigned long scale(uint32_t random,
					   unsigned long bound)
{
	return ((uint64_t)random * bound) >> 32;
}

/* === Workloads: each returns the nanoseconds of its timed part === */

static __always_inline void live_push(struct bench *b, long frame,
				      unsigned int order)
{
	b->live_frame[b->nr_live] = frame;
	b->live_order[b->nr_live++] = order;
}

/*
 * Order-0 churn at half occupancy: fill half the pool (untimed), then free
 * a random live block and allocate one in its slot, over and over.
 */
static __always_inline uint64_t churn0(struct bench *b, enum kind kind)
{
	unsigned long i, slot;
	uint64_t start;

	for (i = 0; i < b->nr_frames / 2; i++)
		live_push(b, bench_alloc(b, kind, 0), 0);
	start = timed_start();
	for (i = 0; i < b->iterations; i++) {
		slot = scale(b->random[i], b->nr_live);
		bench_free(b, kind, b->live_frame[slot], 0);
		b->live_frame[slot] = bench_alloc(b, kind, 0);
	}
	return timed_stop(start);
}

/*
 * A random order 0..10: uniformly (most frames end up in large blocks), or
 * geometric, order k with probability 2^-(k+1) (2^-10 for order 10), as
 * the number of trailing zeros of a uniform number.
 */
static __always_inline unsigned int mixed_order(uint32_t random,
						enum order_mix mix)
{
	if (mix == MIX_GEOMETRIC)
		return __builtin_ctz(random | 1U << BENCH_MAX_ORDER);
	return scale(random, BENCH_MAX_ORDER + 1);
}

static __always_inline uint64_t mixed(struct bench *b,
				      enum kind kind, enum order_mix mix)
{
	unsigned long i, target = b->nr_frames / 2, allocated = 0, slot;
	unsigned int order;
	uint64_t start = 0;
	long frame;

	/*
	 * Geometric orders average 6 frames a block: half a 64 GiB pool
	 * takes 1.4M allocations, more than the first pass makes.  They
	 * fill it first, untimed, from numbers of their own.
	 */
	if (mix == MIX_GEOMETRIC) {
		struct rng rng;

		rng_seed(&rng, BENCH_SEED + 2);
		while (allocated < target) {
			order = mixed_order(rng_next(&rng) >> 32, mix);
			frame = bench_alloc(b, kind, order);
			if (frame < 0)
				break;
			live_push(b, frame, order);
			allocated += 1UL << order;
		}
	}
	/* The first pass fills to half, untimed; the second is measured. */
	for (i = 0; i < 2 * b->iterations; i++) {
		if (i == b->iterations) {
			b->failed = 0;
			start = timed_start();
		}
		if (allocated < target) {
			order = mixed_order(b->random[i], mix);
			frame = bench_alloc(b, kind, order);
			if (frame < 0) {
				b->failed++;
				continue;
			}
			live_push(b, frame, order);
			allocated += 1UL << order;
		} else {
			slot = scale(b->random[i], b->nr_live);
			order = b->live_order[slot];
			bench_free(b, kind, b->live_frame[slot], order);
			allocated -= 1UL << order;
			b->nr_live--;
			b->live_frame[slot] = b->live_frame[b->nr_live];
			b->live_order[slot] = b->live_order[b->nr_live];
		}
	}
	return timed_stop(start);
}

/*
 * Fill and drain cycles in one timed run: at least one, and as many as
 * make about as many operations as a churn run, so that a small pool's
 * run (8193 operations at 16 MiB, some 60 us) is not mostly timer and
 * scheduling noise.  A drain merges everything back, so each cycle starts
 * from the state init left.
 */
static unsigned long fill_drain_cycles(const struct bench *b)
{
	unsigned long cycles = b->iterations / b->nr_frames;

	return cycles ? cycles : 1;
}

/*
 * Allocate order 0 until -ENOMEM, then free everything: in the same order,
 * the reverse, or a random one.  Every frame is allocated at the end of a
 * fill, so the permutation of the frames indexes the live blocks.
 */
static __always_inline uint64_t fill_drain(struct bench *b,
					   enum kind kind,
					   enum drain_order drain)
{
	unsigned long i, cycle, cycles = fill_drain_cycles(b);
	uint64_t start = timed_start();
	long frame;

	for (cycle = 0; cycle < cycles; cycle++) {
		b->nr_live = 0;
		while ((frame = bench_alloc(b, kind, 0)) >= 0)
			live_push(b, frame, 0);
		for (i = 0; i < b->nr_live; i++) {
			unsigned long slot = i;

			if (drain == DRAIN_LIFO)
				slot = b->nr_live - 1 - i;
			else if (drain == DRAIN_RANDOM)
				slot = b->drain[i];
			bench_free(b, kind, b->live_frame[slot], 0);
		}
	}
	return timed_stop(start);
}

/*
 * Every variant of a workload is a function of its own for each kind, so
 * that the default's loops compile as they would alone.
 */
#define INSTANTIATE(name, workload, ...)				\
	static uint64_t name##_ours(struct bench *b)			\
	{ return workload(b, OURS, ##__VA_ARGS__); }			\
	static uint64_t name##_ref(struct bench *b)			\
	{ return workload(b, REF, ##__VA_ARGS__); }			\
	static uint64_t name##_harness(struct bench *b)			\
	{ return workload(b, HARNESS, ##__VA_ARGS__); }

INSTANTIATE(churn0, churn0)
INSTANTIATE(mixed, mixed, MIX_UNIFORM)
INSTANTIATE(geometric, mixed, MIX_GEOMETRIC)
INSTANTIATE(fill_drain, fill_drain, DRAIN_FIFO)
INSTANTIATE(drain_lifo, fill_drain, DRAIN_LIFO)
INSTANTIATE(drain_random, fill_drain, DRAIN_RANDOM)

/* A workload's timed part, for one kind of allocator: nanoseconds. */
typedef uint64_t (*workload_fn)(struct bench *b);

struct workload {
	const char *name;
	workload_fn run[NR_KINDS];
};

#define WORKLOAD(name, fn) { name, { fn##_ours, fn##_ref, fn##_harness } }

static const struct workload churn0_workload =
	WORKLOAD("order-0 churn, 50% full", churn0);

static const struct workload mixed_workloads[NR_MIXES] = {
	WORKLOAD("orders 0-10 churn, 50%", mixed),
	WORKLOAD("geometric orders, 50%", geometric),
};

static const struct workload fill_drain_workloads[NR_DRAINS] = {
	WORKLOAD("fill order 0, drain", fill_drain),
	WORKLOAD("fill order 0, drain LIFO", drain_lifo),
	WORKLOAD("fill 0, drain random", drain_random),
};

enum { CHURN0, MIXED, FILL_DRAIN, NR_WORKLOADS };

/* The three workloads of this run, in the variants -m and -d chose. */
static const struct workload *workloads[NR_WORKLOADS];

/* Operations (allocs, frees, failed allocs) in one run of a workload. */
static double workload_ops(unsigned int w, const struct bench *b)
{
	switch (w) {
	case CHURN0:
		return 2.0 * b->iterations;
	case MIXED:
		return b->iterations;
	default:
		return (2.0 * b->nr_frames + 1) * fill_drain_cycles(b);
	}
}

/* === Running and reporting === */

#define MAX_REPEATS 15
/* Churn draws 2 victims an iteration before the clock: 1 GiB of them. */
#define MAX_ITERATIONS 67108864UL	/* 2^26 */

struct samples {
	double ns_per_op[NR_POOLS][NR_WORKLOADS][NR_KINDS][MAX_REPEATS];
	double init_ns[NR_POOLS][2][MAX_REPEATS];
	double init_touched_ns[NR_POOLS][2][MAX_REPEATS];
	double failed[NR_POOLS][2];	/* mixed churn, fraction of allocs */
	size_t meta_bytes[NR_POOLS][2];
	/* From callgrind (-I): instructions and mispredicts per operation */
	bool have_counts;
	double ir[NR_POOLS][NR_WORKLOADS][NR_KINDS];
	double mispredicts[NR_POOLS][NR_WORKLOADS][NR_KINDS];
	char counts_note[160];
	/* kB resident and in huge pages, at the end of the last run */
	unsigned long rss_kb[NR_POOLS], huge_kb[NR_POOLS];
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *values, unsigned int nr)
{
	double sorted[MAX_REPEATS];

	memcpy(sorted, values, nr * sizeof(*values));
	qsort(sorted, nr, sizeof(*sorted), cmp_double);
	return nr % 2 ? sorted[nr / 2] :
			(sorted[nr / 2 - 1] + sorted[nr / 2]) / 2;
}

/* (max - min) / median: how noisy a figure was */
static double spread(const double *values, unsigned int nr)
{
	double lo = values[0], hi = values[0];
	unsigned int i;

	for (i = 1; i < nr; i++) {
		lo = values[i] < lo ? values[i] : lo;
		hi = values[i] > hi ? values[i] : hi;
	}
	return (hi - lo) / median(values, nr);
}

/*
 * Memory for the arrays.  Unless -p, those of 2 MiB or more are backed by
 * transparent huge pages: in the kernel both the core's metadata (kmalloc,
 * in the direct map) and the memory map (vmemmap) are mapped with huge
 * pages, and with 4 KiB pages the TLB misses of a random walk over a large
 * pool swamp everything else.  Smaller arrays fit the TLB anyway, and a
 * huge page would add its 2 MiB of zeroing to the init time.
 */
#define BENCH_HUGE_PAGE	(2UL << 20)

static bool use_thp = true;

/* Whether an array of @size bytes goes in whole, aligned huge pages. */
static bool bench_huge(size_t size)
{
	return use_thp && size >= BENCH_HUGE_PAGE;
}

/* @size as allocated: rounded up to whole huge pages if it goes in them. */
static size_t bench_huge_size(size_t size)
{
	if (!bench_huge(size))
		return size;
	return (size + BENCH_HUGE_PAGE - 1) & ~(BENCH_HUGE_PAGE - 1);
}

static void *bench_mem(size_t size)
{
	void *mem;

	if (!bench_huge(size))
		return malloc(size);
	size = bench_huge_size(size);
	if (posix_memalign(&mem, BENCH_HUGE_PAGE, size))
		return NULL;
	madvise(mem, size, MADV_HUGEPAGE);
	return mem;
}

/*
 * Memory no one has touched, for the allocators' metadata and memory map,
 * whose init is timed with its page faults: malloc() hands back memory
 * already faulted in when it reuses its heap (ours' small metadata, every
 * repeat but the first), so it would time one init without faults and the
 * other with.  Anonymous mmap() memory faults on first touch, for both.
 * As in bench_mem(), big arrays are whole huge pages, 2 MiB-aligned here
 * by hand: the kernel aligns an anonymous mapping only when its length is
 * a multiple of 2 MiB, and only from 6.7 on.
 */
static void *bench_fresh(size_t size)
{
	size_t len = bench_huge_size(size), extra = 0, head;
	char *mem;

	if (bench_huge(size))
		extra = BENCH_HUGE_PAGE;	/* room to align */
	mem = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return NULL;
	if (!extra)
		return mem;
	/* Keep the 2 MiB-aligned part; give back what is before and after. */
	head = -(uintptr_t)mem & (BENCH_HUGE_PAGE - 1);
	if (head)
		munmap(mem, head);
	if (extra - head)
		munmap(mem + head + len, extra - head);
	madvise(mem + head, len, MADV_HUGEPAGE);
	return mem + head;
}

static void bench_fresh_free(void *mem, size_t size)
{
	if (mem)
		munmap(mem, bench_huge_size(size));
}

/* Resident memory and how much of it huge pages back: did THP work? */
static void memory_use(unsigned long *rss_kb, unsigned long *huge_kb)
{
	FILE *smaps = fopen("/proc/self/smaps_rollup", "r");
	char line[128];

	*rss_kb = *huge_kb = 0;
	if (!smaps)
		return;
	while (fgets(line, sizeof(line), smaps)) {
		unsigned long kb;

		if (sscanf(line, "Rss: %lu kB", &kb) == 1)
			*rss_kb = kb;
		else if (sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			*huge_kb = kb;
	}
	fclose(smaps);
}

/*
 * @init_ns: each allocator's init on fresh memory, page faults included;
 * @touched_ns: init again on the same memory, the algorithm alone.  A host
 * can make a 4 KiB page fault cost 10-25 us (round 20's did), and ours'
 * metadata is in 4 KiB pages up to 2 MiB (29 of them at 1 GiB) where the
 * reference's memory map is in huge pages: the first figure is then
 * mostly the host's.
 */
static int bench_create(struct bench *b, unsigned long nr_frames,
			unsigned long iterations, double *init_ns[2],
			double *touched_ns[2])
{
	uint64_t start;

	memset(b, 0, sizeof(*b));
	b->nr_frames = nr_frames;
	b->iterations = iterations;
	b->live_frame = bench_mem(nr_frames * sizeof(*b->live_frame));
	b->live_order = bench_mem(nr_frames);
	b->random = bench_mem(2 * iterations * sizeof(*b->random));
	if (!b->live_frame || !b->live_order)
		return -ENOMEM;
	/*
	 * Faulted in now, not by the first workload that reaches past what
	 * the ones before it used (the fill of fill/drain, ours' turn).
	 */
	memset(b->live_frame, 0, nr_frames * sizeof(*b->live_frame));
	memset(b->live_order, 0, nr_frames);
	if (drain_order == DRAIN_RANDOM) {
		b->drain = bench_mem(nr_frames * sizeof(*b->drain));
		if (!b->drain)
			return -ENOMEM;
		bench_draw_drain(b);
	}
	b->meta_size = buddy_core_meta_size(nr_frames, BENCH_MAX_ORDER);
	b->meta = bench_fresh(b->meta_size);
	b->memmap = bench_fresh(nr_frames * sizeof(*b->memmap));
	if (!b->random || !b->meta || !b->memmap)
		return -ENOMEM;
	bench_draw_random(b);
	/* Init on fresh memory: page faults included, for both. */
	start = now_ns();
	buddy_core_init(&b->ours, b->meta, nr_frames, BENCH_MAX_ORDER);
	*init_ns[0] = now_ns() - start;
	start = now_ns();
	ref_buddy_init(&b->ref, b->memmap, nr_frames, BENCH_MAX_ORDER);
	*init_ns[1] = now_ns() - start;
	/* Again, on memory now faulted in; the state is the same. */
	start = now_ns();
	buddy_core_init(&b->ours, b->meta, nr_frames, BENCH_MAX_ORDER);
	*touched_ns[0] = now_ns() - start;
	start = now_ns();
	ref_buddy_init(&b->ref, b->memmap, nr_frames, BENCH_MAX_ORDER);
	*touched_ns[1] = now_ns() - start;
	return 0;
}

static void bench_destroy(struct bench *b)
{
	bench_fresh_free(b->meta, b->meta_size);
	bench_fresh_free(b->memmap, b->nr_frames * sizeof(*b->memmap));
	free(b->live_frame);
	free(b->live_order);
	free(b->random);
	free(b->drain);
}

/*
 * After a run, outside the clock: ours passes its full audit, and each
 * allocator has exactly the frames allocated that the workload holds (none
 * after a drain, which also needs every frame to have been handed out).
 * A refused or lost free, or a block handed out twice, shows here.
 */
static int bench_verify(struct bench *b, unsigned int p, unsigned int w,
			enum kind kind)
{
	static const char *const kind_names[] = { "ours", "ref" };
	unsigned long live = 0, free_frames, i;
	struct buddy_core_fault fault;

	if (kind == HARNESS)
		return 0;
	if (w == FILL_DRAIN && b->nr_live != b->nr_frames) {
		fprintf(stderr, "bench: %s, %s, %s: the fill allocated %lu frames of %lu\n",
			kind_names[kind], workloads[w]->name, pools[p].name,
			b->nr_live, b->nr_frames);
		return -1;
	}
	if (w != FILL_DRAIN)
		for (i = 0; i < b->nr_live; i++)
			live += 1UL << b->live_order[i];
	if (kind == OURS && buddy_core_audit(&b->ours, &fault)) {
		fprintf(stderr, "bench: ours, %s, %s: audit: %s (order %u, frame %lu)\n",
			workloads[w]->name, pools[p].name, fault.what,
			fault.order, fault.frame);
		return -1;
	}
	free_frames = kind == OURS ? buddy_core_free_frames(&b->ours) :
				     ref_buddy_free_frames(&b->ref);
	if (free_frames != b->nr_frames - live) {
		fprintf(stderr, "bench: %s, %s, %s: %lu frames free, %lu expected\n",
			kind_names[kind], workloads[w]->name, pools[p].name,
			free_frames, b->nr_frames - live);
		return -1;
	}
	return 0;
}

static int run_pool(unsigned int p, unsigned int repeats,
		    unsigned long iterations, struct samples *s)
{
	unsigned int r, w, turn, k;
	struct bench b;

	for (r = 0; r < repeats; r++) {
		double *init_ns[2] = { &s->init_ns[p][0][r],
				       &s->init_ns[p][1][r] };
		double *touched_ns[2] = { &s->init_touched_ns[p][0][r],
					  &s->init_touched_ns[p][1][r] };

		if (bench_create(&b, pools[p].nr_frames, iterations, init_ns,
				 touched_ns)) {
			fprintf(stderr, "bench: out of memory for %s\n",
				pools[p].name);
			bench_destroy(&b);
			return -ENOMEM;
		}
		for (w = 0; w < NR_WORKLOADS; w++) {
			/*
			 * The kinds take turns in an order that rotates from
			 * repeat to repeat, so that none always runs first
			 * after the pool is made or after the same one.
			 */
			for (turn = 0; turn < NR_KINDS; turn++) {
				uint64_t ns;
				char label[64];

				k = (turn + r) % NR_KINDS;
				bench_reset(&b, k);
				ns = workloads[w]->run[k](&b);
				s->ns_per_op[p][w][k][r] = ns /
							   workload_ops(w, &b);
				/* For callgrind.sh: what was just counted. */
				snprintf(label, sizeof(label),
					 "bench %u %u %u %.0f %u %u", p, w, k,
					 workload_ops(w, &b), order_mix,
					 drain_order);
				CALLGRIND_DUMP_STATS_AT(label);
				if (bench_verify(&b, p, w, k)) {
					bench_destroy(&b);
					return -EUCLEAN;
				}
				if (w == MIXED && k != HARNESS)
					s->failed[p][k] += (double)b.failed /
						iterations / repeats;
			}
		}
		s->meta_bytes[p][0] = b.meta_size;
		s->meta_bytes[p][1] = pools[p].nr_frames * sizeof(struct ref_frame);
		memory_use(&s->rss_kb[p], &s->huge_kb[p]);
		bench_destroy(&b);
	}
	return 0;
}

/*
 * Reads callgrind.sh's lines, "POOL WORKLOAD KIND OPS MIX DRAIN Ir Bcm
 * Bim", into per-operation figures; lines starting with '#' describe the
 * run.  Counts of another variant than this run's are refused: they would
 * sit beside timings of other workloads.
 */
static int read_counts(const char *path, struct samples *s,
		       unsigned int nr_pools)
{
	bool counted[NR_POOLS] = { false };
	FILE *file = fopen(path, "r");
	unsigned int p;
	char line[256];

	if (!file) {
		perror(path);
		return -errno;
	}
	while (fgets(line, sizeof(line), file)) {
		unsigned int w, k, mix, drain;
		double ops, ir, bcm, bim;

		if (line[0] == '#') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(s->counts_note, sizeof(s->counts_note), "%s",
				 line + 1 + (line[1] == ' '));
			continue;
		}
		if (sscanf(line, "%u %u %u %lf %u %u %lf %lf %lf", &p, &w, &k,
			   &ops, &mix, &drain, &ir, &bcm, &bim) != 9 ||
		    p >= NR_POOLS || w >= NR_WORKLOADS || k >= NR_KINDS ||
		    ops <= 0)
			continue;
		if (mix != order_mix || drain != drain_order) {
			fprintf(stderr, "bench: %s counts another variant (-m %s -d %s); pass the variant in BENCH_VARIANT\n",
				path, mix_names[mix % NR_MIXES],
				drain_names[drain % NR_DRAINS]);
			fclose(file);
			return -EINVAL;
		}
		s->ir[p][w][k] = ir / ops;
		s->mispredicts[p][w][k] = (bcm + bim) / ops;
		s->have_counts = true;
		counted[p] = true;
	}
	fclose(file);
	/* A pool this run times but the file never counted: no 0.0 columns. */
	for (p = 0; p < nr_pools; p++) {
		if (!counted[p]) {
			fprintf(stderr, "bench: %s has no counts for the %s pool (made with -q?); count with the same -q as this run\n",
				path, pools[p].name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Net of the harness, as the timings: ours and ref, one figure each. */
static double net(const double (*by_kind)[NR_KINDS], unsigned int w,
		  enum kind k)
{
	return by_kind[w][k] - by_kind[w][HARNESS];
}

/*
 * NaN when either net time is not above zero (the harness as slow as an
 * allocator, in a burst of noise): no target is met on such a figure.
 */
static double net_ratio(const struct samples *s, unsigned int p,
			unsigned int w, unsigned int repeats)
{
	double h = median(s->ns_per_op[p][w][HARNESS], repeats);
	double ours = median(s->ns_per_op[p][w][OURS], repeats) - h;
	double ref = median(s->ns_per_op[p][w][REF], repeats) - h;

	if (ours <= 0 || ref <= 0)
		return NAN;
	return ours / ref;
}

/* The targets of the ratio ours/ref, net: order-0 1.0x, mixed 1.5x. */
static const double target_ratio[NR_WORKLOADS] = { 1.0, 1.5, 1.0 };

static void print_times(const struct samples *s, unsigned int nr_pools,
			unsigned int repeats)
{
	double worst_spread = 0;
	unsigned int p, w, k;

	printf("%-24s %-6s %6s %6s %7s %6s %6s %7s", "workload", "pool",
	       "ours", "ref", "harness", "ours", "ref", "ours");
	if (s->have_counts)
		printf(" | %6s %6s %6s | %5s %5s", "ours", "ref", "ours",
		       "ours", "ref");
	printf("\n%-24s %-6s %6s %6s %7s %6s %6s %7s", "", "", "", "", "",
	       "net", "net", "/ref");
	if (s->have_counts)
		printf(" | %6s %6s %6s | %5s %5s", "instr", "instr", "/ref",
		       "mispr", "mispr");
	putchar('\n');
	for (w = 0; w < NR_WORKLOADS; w++) {
		for (p = 0; p < nr_pools; p++) {
			double m[NR_KINDS];

			for (k = 0; k < NR_KINDS; k++) {
				m[k] = median(s->ns_per_op[p][w][k], repeats);
				if (k != HARNESS &&
				    spread(s->ns_per_op[p][w][k], repeats) >
				    worst_spread)
					worst_spread = spread(s->ns_per_op[p][w][k],
							      repeats);
			}
			printf("%-24s %-6s %6.1f %6.1f %7.1f %6.1f %6.1f %6.2fx",
			       p ? "" : workloads[w]->name, pools[p].name,
			       m[OURS], m[REF], m[HARNESS],
			       m[OURS] - m[HARNESS], m[REF] - m[HARNESS],
			       net_ratio(s, p, w, repeats));
			if (s->have_counts)
				printf(" | %6.1f %6.1f %5.2fx | %5.2f %5.2f",
				       net(s->ir[p], w, OURS),
				       net(s->ir[p], w, REF),
				       net(s->ir[p], w, OURS) /
				       net(s->ir[p], w, REF),
				       net(s->mispredicts[p], w, OURS),
				       net(s->mispredicts[p], w, REF));
			putchar('\n');
		}
	}
	printf("(ns per alloc or free, median of %u runs; net = minus the harness; worst run-to-run spread of ours or ref %.0f%%)\n",
	       repeats, 100 * worst_spread);
	if (s->have_counts)
		printf("(instr, mispr: instructions and branch mispredicts per operation, net of the harness,\n %s)\n",
		       s->counts_note[0] ? s->counts_note :
					   "from callgrind");
}

static void print_targets(const struct samples *s, unsigned int nr_pools,
			  unsigned int repeats)
{
	unsigned int p, w;

	printf("\ntargets (net ours/ref): order-0 churn and fill/drain <= 1.0x, mixed <= 1.5x at every\n"
	       "pool; the ratio at %s no worse than at %s\n",
	       pools[nr_pools - 1].name, pools[0].name);
	for (w = 0; w < NR_WORKLOADS; w++) {
		bool met = true;
		double first = net_ratio(s, 0, w, repeats);
		double last = net_ratio(s, nr_pools - 1, w, repeats);

		for (p = 0; p < nr_pools; p++)
			met &= net_ratio(s, p, w, repeats) <= target_ratio[w];
		printf("  %-24s <= %.1fx: %-7s  %s %.2fx -> %s %.2fx: %s\n",
		       workloads[w]->name, target_ratio[w],
		       met ? "met" : "not met", pools[0].name, first,
		       pools[nr_pools - 1].name, last,
		       isnan(first) || isnan(last) ? "unknown" :
		       last <= first ? "no worse" : "worse");
	}
}

static void print_table(const struct samples *s, unsigned int nr_pools,
			unsigned int repeats)
{
	unsigned int p;

	print_times(s, nr_pools, repeats);
	print_targets(s, nr_pools, repeats);

	printf("\n%-8s %11s %11s %9s %9s %11s %11s %8s\n", "pool",
	       "ours meta", "ref meta", "ours b/f", "ref b/f", "ours init",
	       "ref init", "o/r");
	for (p = 0; p < nr_pools; p++) {
		double frames = pools[p].nr_frames;

		printf("%-8s %10.0fK %10.0fK %9.2f %9.0f %9.0fus %9.0fus %7.3fx\n",
		       pools[p].name, s->meta_bytes[p][0] / 1024.0,
		       s->meta_bytes[p][1] / 1024.0,
		       8 * s->meta_bytes[p][0] / frames,
		       8 * s->meta_bytes[p][1] / frames,
		       median(s->init_ns[p][0], repeats) / 1e3,
		       median(s->init_ns[p][1], repeats) / 1e3,
		       median(s->init_ns[p][0], repeats) /
		       median(s->init_ns[p][1], repeats));
	}
	printf("(init: allocate + init on fresh memory, page faults included; b/f = bits per frame)\n");
	printf("(init again on that memory, faulted in:");
	for (p = 0; p < nr_pools; p++)
		printf("%s %s %.1f / %.1f us %.3fx", p ? ";" : "",
		       pools[p].name,
		       median(s->init_touched_ns[p][0], repeats) / 1e3,
		       median(s->init_touched_ns[p][1], repeats) / 1e3,
		       median(s->init_touched_ns[p][0], repeats) /
		       median(s->init_touched_ns[p][1], repeats));
	printf(")\n");
	/*
	 * What does not grow with the pool is in each allocator's struct,
	 * not in its per-frame metadata: ours' order descriptors, the
	 * reference's free-area list heads.
	 */
	printf("(meta: per-frame metadata; the structs, whatever the pool: ours %zu bytes, ref %zu)\n",
	       sizeof(struct buddy_core), sizeof(struct ref_buddy));
	printf("resident with the %s pool: %lu MiB, %lu MiB of it in huge pages\n",
	       pools[nr_pools - 1].name, s->rss_kb[nr_pools - 1] / 1024,
	       s->huge_kb[nr_pools - 1] / 1024);

	printf("\nfailed allocations in the %s orders 0-10 churn (fragmentation):\n",
	       mix_names[order_mix]);
	for (p = 0; p < nr_pools; p++)
		printf("  %-7s ours %5.2f%%   ref %5.2f%% of operations\n",
		       pools[p].name, 100 * s->failed[p][OURS],
		       100 * s->failed[p][REF]);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-i ITERATIONS] [-q] [-p] [-I FILE]\n"
		"       [-m uniform|geometric] [-d fifo|lifo|random]\n"
		"  -r  runs per figure, 1..%d (default 7)\n"
		"  -i  churn iterations per run, 1..%lu (default 1048576)\n"
		"  -q  quick: skip the 64 GiB pool\n"
		"  -p  plain 4 KiB pages, no transparent huge pages\n"
		"  -I  print the instruction counts of FILE (callgrind.sh) too\n"
		"  -m  the mixed churn's orders: uniform (default), or geometric\n"
		"      (order k with probability 2^-(k+1))\n"
		"  -d  the order fill/drain frees in: fifo (allocation order,\n"
		"      default), lifo, or random\n",
		prog, MAX_REPEATS, MAX_ITERATIONS);
}

/* The index of @arg among @nr @names, or @nr (refused) with a message. */
static unsigned int pick(const char *arg, const char *const *names,
			 unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(arg, names[i]))
			return i;
	fprintf(stderr, "bench: no such variant: %s\n", arg);
	return nr;
}

int main(int argc, char **argv)
{
	unsigned long iterations = 1UL << 20;
	unsigned int repeats = 7, nr_pools = NR_POOLS, p;
	const char *counts = NULL;
	struct samples *s;
	unsigned long n;
	int opt;

	while ((opt = getopt(argc, argv, "r:i:qpI:m:d:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = bench_number(optarg, 1, MAX_REPEATS, &n) ?
				  n : 0;
			break;
		case 'i':
			iterations = bench_number(optarg, 1, MAX_ITERATIONS,
						  &n) ? n : 0;
			break;
		case 'q':
			nr_pools = NR_POOLS - 1;
			break;
		case 'p':
			use_thp = false;
			break;
		case 'I':
			counts = optarg;
			break;
		case 'm':
			order_mix = pick(optarg, mix_names, NR_MIXES);
			break;
		case 'd':
			drain_order = pick(optarg, drain_names, NR_DRAINS);
			break;
		default:
			print_usage(argv[0]);
			return opt == 'h' ? 0 : 1;
		}
	}
	/* No operand: an extra word is a mistake, not ignored. */
	if (!repeats || !iterations || optind != argc ||
	    order_mix >= NR_MIXES || drain_order >= NR_DRAINS) {
		print_usage(argv[0]);
		return 1;
	}

	workloads[CHURN0] = &churn0_workload;
	workloads[MIXED] = &mixed_workloads[order_mix];
	workloads[FILL_DRAIN] = &fill_drain_workloads[drain_order];
	s = calloc(1, sizeof(*s));
	if (!s || (counts && read_counts(counts, s, nr_pools)))
		return 1;
	printf("buddy bench: max_order %u, 4 KiB frames, %lu churn iterations, %u runs, %s pages\n",
	       BENCH_MAX_ORDER, iterations, repeats,
	       use_thp ? "huge (THP)" : "4 KiB");
	printf("mixed churn's orders %s, fill/drain frees %s\n",
	       mix_names[order_mix], drain_names[drain_order]);
	printf("ours = %s, ref = %s (tools/bench/%s, %zu bytes per frame),\n"
	       "harness = the same loops with a no-op allocator (victim choice, arrays)\n\n",
	       OURS_FILE, REF_NAME, REF_FILE, sizeof(struct ref_frame));
	fflush(stdout);
	for (p = 0; p < nr_pools; p++)
		if (run_pool(p, repeats, iterations, s))
			return 1;
	print_table(s, nr_pools, repeats);
	free(s);
	return 0;
}
