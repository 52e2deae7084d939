// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_pool_test.c - the pool layer (buddy_pool.c, buddy_view.c) in user
 * space: command results, refusals and their reasons, results cut short
 * and marked, escaping, and undone allocations.  The module runs the same
 * code; the VM tests check it there.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "buddy_harness.h"
#include "buddy_pool_fixture.h"
#include "buddy_test.h"

/* The first line of @got is @want (which ends with its newline). */
static bool line_is(const char *got, const char *want)
{
	size_t len = strlen(want);

	if (!strncmp(got, want, len))
		return true;
	fprintf(stderr, "first line:\n--- got\n%.*s\n--- want\n%s---\n",
		(int)strcspn(got, "\n"), got, want);
	return false;
}

static const char *last_result(struct fixture *f)
{
	static char text[BUDDY_LAST_MAX + 1];

	memcpy(text, f->pool.last, f->pool.last_out.len);
	text[f->pool.last_out.len] = '\0';
	return text;
}

/* OSTEP's example: results, their steps, the tree, as the module has them. */
static bool test_pool_results(void)
{
	static const char alloc[] = {
		"pfn=0x2410 order=1 pages=2 tag=A bytes=7168 waste=1024\n"
		"seq=1 split pfn=0x2410 order=4 lower=0x2410 upper=0x2418\n"
		"seq=2 split pfn=0x2410 order=3 lower=0x2410 upper=0x2414\n"
		"seq=3 split pfn=0x2410 order=2 lower=0x2410 upper=0x2412\n"
		"seq=4 alloc pfn=0x2410 order=1 from_order=4 owner=debugfs tag=A\n"
	};
	static const char freed[] = {
		"freed pfn=0x2410 order=1 pages=2 tag=A\n"
		"seq=5 free pfn=0x2410 order=1 owner=debugfs tag=A\n"
		"seq=6 merge pfn=0x2410 buddy=0x2412 order=1 into=0x2410\n"
		"seq=7 merge pfn=0x2410 buddy=0x2414 order=2 into=0x2410\n"
		"seq=8 merge pfn=0x2410 buddy=0x2418 order=3 into=0x2410\n"
		"seq=9 stop pfn=0x2410 order=4 why=max_order\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	ASSERT_EQ(run(f, "alloc 7K tag=A\n"), 0);
	ASSERT_TRUE(text_is(f->buf, alloc));
	/* The last result, for a fresh reader: the result without steps. */
	ASSERT_TRUE(text_is(last_result(f),
			    "pfn=0x2410 order=1 pages=2 tag=A bytes=7168 waste=1024\n"));
	ASSERT_TRUE(text_is(draw(f, view_tree),
			    "0x2410-0x241f order=4 pages=16 split\n"
			    "├─ 0x2410-0x2417 order=3 pages=8 split\n"
			    "│  ├─ 0x2410-0x2413 order=2 pages=4 split\n"
			    "│  │  ├─ 0x2410-0x2411 order=1 pages=2 allocated tag=A pid=42\n"
			    "│  │  └─ 0x2412-0x2413 order=1 pages=2 free\n"
			    "│  └─ 0x2414-0x2417 order=2 pages=4 free\n"
			    "└─ 0x2418-0x241f order=3 pages=8 free\n"));
	ASSERT_EQ(run(f, "free 0x2410"), 0);
	ASSERT_TRUE(text_is(f->buf, freed));
	ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "reset\r\n"), 0);
	ASSERT_TRUE(!strncmp(f->buf, "reset blocks=1 pages=1\n", 23));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* Every line of @text fits 80 columns. */
static bool fits_80(const char *text)
{
	size_t len;

	for (; *text; text += len + (text[len] == '\n')) {
		len = strcspn(text, "\n");
		ASSERT_TRUE(len <= 80);
	}
	return true;
}

/* The textbook's bit arrays, and the memory bar, for known states. */
static bool test_pool_bitmaps_and_map(void)
{
	static const char bits[] = {
		"order=4 free=0 split=1\n"
		"order=3 free=01 split=10\n"
		"order=2 free=0100 split=1000\n"
		"order=1 free=01000000 split=00000000\n"
		"order=0 free=0000000000000000 split=-\n"
	};
	static const char ostep_map[] = {
		"# map of 16 pages from 0x2410: 1 page a cell, 32 cells a row\n"
		"# '.' free, a letter an allocated block (key below), '|' a block's start\n"
		"0x2410 |AA|..|....|........|\n"
		"# A = tag A: 1 block, 2 pages\n"
	};
	static const char stallings_map[] = {
		"0x2410 |AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|\n"
		"0x2430 |CCCCCCCCCCCCCCCC|................|\n"
		"0x2450 |BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n"
		"0x2470 BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB|\n"
		"0x2490 |DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n"
		"0x24b0 DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD|\n"
		"0x24d0 |................................\n"
		"0x24f0 ................................|\n"
		"# A = tag A: 1 block, 32 pages\n"
		"# C = tag C: 1 block, 16 pages\n"
		"# B = tag B: 1 block, 64 pages\n"
		"# D = tag D: 1 block, 64 pages\n"
	};
	static const char labels_map[] = {
		"0x2410 |C|D|A|B|....|\n"
		"# C = tag .: 1 block, 1 page\n"
		"# D = debugfs, untagged: 1 block, 1 page\n"
		"# A = tag A: 1 block, 1 page\n"
		"# B = tag B: 1 block, 1 page\n"
	};
	static const char map_2048[] = {
		"# map of 2048 pages from 0x2410: 2 pages a cell, 32 cells a row\n"
		"# '.' free, a letter an allocated block (key below), '|' a block's start\n"
		"# '*' a cell that holds several blocks\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));
	const char *text;
	unsigned int i;
	char cmd[32];

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	ASSERT_EQ(run(f, "alloc 7K tag=A"), 0);
	ASSERT_TRUE(text_is(draw(f, view_bitmaps), bits));
	ASSERT_TRUE(text_is(draw(f, view_map), ostep_map));
	buddy_pool_destroy(&f->pool);

	ASSERT_TRUE(fixture_init(f, 256, 8));
	ASSERT_EQ(run(f, "alloc 100K tag=A"), 0);
	ASSERT_EQ(run(f, "alloc 240K tag=B"), 0);
	ASSERT_EQ(run(f, "alloc 64K tag=C"), 0);
	ASSERT_EQ(run(f, "alloc 256K tag=D"), 0);
	text = strchr(strchr(draw(f, view_map), '\n') + 1, '\n') + 1;
	ASSERT_TRUE(text_is(text, stallings_map));
	ASSERT_TRUE(fits_80(f->buf));
	buddy_pool_destroy(&f->pool);

	/* A one-character tag is its own letter, whatever came before it. */
	ASSERT_TRUE(fixture_init(f, 8, 3));
	ASSERT_EQ(run(f, "alloc 0 tag=."), 0);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "alloc 0 tag=A"), 0);
	ASSERT_EQ(run(f, "alloc 0 tag=B"), 0);
	text = strchr(strchr(draw(f, view_map), '\n') + 1, '\n') + 1;
	ASSERT_TRUE(text_is(text, labels_map));
	buddy_pool_destroy(&f->pool);

	/* Past 62 keys, a one-character tag still is; the rest are '?'. */
	ASSERT_TRUE(fixture_init(f, 2048, 11));
	for (i = 0; i < 70; i++) {
		snprintf(cmd, sizeof(cmd), "alloc 0 tag=t%u", i);
		ASSERT_EQ(run(f, cmd), 0);
	}
	ASSERT_EQ(run(f, "alloc 0 tag=z"), 0);
	ASSERT_EQ(run(f, "alloc 0 tag=B"), 0);
	text = draw(f, view_map);
	ASSERT_TRUE(!strncmp(text, map_2048, strlen(map_2048)));
	ASSERT_TRUE(strstr(text, "\n# z = tag z: 1 block, 1 page\n"));
	ASSERT_TRUE(strstr(text, "\n# B = tag B: 1 block, 1 page\n"));
	ASSERT_TRUE(strstr(text, "\n# A = tag t0: 1 block, 1 page\n"));
	ASSERT_TRUE(strstr(text, "\n# ? = 10 blocks of other tags and owners (past 62 letters)\n"));
	/* Two pages a cell: t0 and t1 share the first, and 'B' is late. */
	ASSERT_TRUE(strstr(text, "\n0x2410 |*|*|*|*|"));
	ASSERT_TRUE(fits_80(text));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* Why merging stops, and the steps of refusals. */
static bool test_pool_steps(void)
{
	static const char freed_b[] = {
		"freed pfn=0x2450 order=6 pages=64 tag=B\n"
		"seq=10 free pfn=0x2450 order=6 owner=debugfs tag=B\n"
		"seq=11 stop pfn=0x2450 order=6 why=buddy_split buddy=0x2410\n"
	};
	static const char freed_d[] = {
		"freed pfn=0x2490 order=6 pages=64 tag=D\n"
		"seq=15 free pfn=0x2490 order=6 owner=debugfs tag=D\n"
		"seq=16 merge pfn=0x2490 buddy=0x24d0 order=6 into=0x2490\n"
		"seq=17 stop pfn=0x2490 order=7 why=buddy_split buddy=0x2410\n"
	};
	static const char interior[] = {
		"error=EINVAL why=pfn 0x2411 lies inside allocated block 0x2410-0x242f (order 5): free its first pfn\n"
		"seq=12 reject pfn=0x2411 error=EINVAL block=0x2410 block_order=5 owner=debugfs\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));

	ASSERT_TRUE(f && fixture_init(f, 256, 8));
	ASSERT_EQ(run(f, "alloc 100K tag=A"), 0);
	ASSERT_EQ(run(f, "alloc 240K tag=B"), 0);
	ASSERT_EQ(run(f, "alloc 64K tag=C"), 0);
	ASSERT_EQ(run(f, "alloc 256K tag=D"), 0);
	ASSERT_EQ(run(f, "free tag=B"), 0);
	ASSERT_TRUE(text_is(f->buf, freed_b));
	ASSERT_EQ(run(f, "free 0x2411"), -EINVAL);
	ASSERT_TRUE(line_is(f->buf, interior));
	ASSERT_EQ(run(f, "alloc 8"), -ENOMEM);
	ASSERT_TRUE(strstr(f->buf, "\nseq=13 fail order=8 error=ENOMEM owner=debugfs\n"));
	ASSERT_EQ(run(f, "free 0x9999"), -ERANGE);
	ASSERT_TRUE(strstr(f->buf, "\nseq=14 reject pfn=0x9999 error=ERANGE owner=debugfs\n"));
	/* Refused before the allocator: no step. */
	ASSERT_EQ(run(f, "bogus"), -EINVAL);
	ASSERT_FALSE(strstr(f->buf, "seq="));
	ASSERT_EQ(run(f, "free tag=D"), 0);
	ASSERT_TRUE(line_is(f->buf, freed_d));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* A refusal: its reason in the file's result; the last result stays. */
static bool test_pool_refusals(void)
{
	static const char interior[] = {
		"error=EINVAL why=pfn 0x2411 lies inside allocated block 0x2410-0x2411 (order 1): free its first pfn\n"
	};
	static const char twice[] = {
		"error=EALREADY why=pfn 0x2412 lies in free block 0x2412-0x2413 (order 1): double free\n"
	};
	static const char not_ascii[] = {
		"error=EINVAL why=one command per write, printable ASCII only (byte 0x9b at 8)\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	ASSERT_EQ(run(f, "alloc 1 tag=A"), 0);
	ASSERT_EQ(run(f, "free 0x2411"), -EINVAL);
	ASSERT_TRUE(line_is(f->buf, interior));
	ASSERT_EQ(run(f, "free 0x2412"), -EALREADY);
	ASSERT_TRUE(line_is(f->buf, twice));
	ASSERT_EQ(run(f, "free 0x2420"), -ERANGE);
	ASSERT_TRUE(line_is(f->buf,
			    "error=ERANGE why=pfn 0x2420 is outside the pool 0x2410-0x241f\n"));
	ASSERT_EQ(run(f, "alloc 5"), -EINVAL);
	ASSERT_TRUE(line_is(f->buf,
			    "error=EINVAL why=order 5 is above max_order 4\n"));
	ASSERT_EQ(run(f, "alloc 4"), -ENOMEM);
	ASSERT_TRUE(line_is(f->buf,
			    "error=ENOMEM why=no free block of order 4 or above\n"));
	ASSERT_EQ(run(f, "free tag=B"), -ENOENT);
	ASSERT_EQ(run(f, "alloc 1 \x9b"), -EINVAL);
	ASSERT_TRUE(line_is(f->buf, not_ascii));
	ASSERT_TRUE(text_is(last_result(f),
			    "pfn=0x2410 order=1 pages=2 tag=A\n"));
	/*
	 * Nothing changed but the counters of refusals, each refusal in one:
	 * the allocator's two in failed_allocs, the parse error and the tag
	 * no block has in rejected_commands.
	 */
	ASSERT_EQ(f->pool.rejected[BUDDY_REJECT_RANGE], 1);
	ASSERT_EQ(f->pool.rejected[BUDDY_REJECT_DOUBLE], 1);
	ASSERT_EQ(f->pool.rejected[BUDDY_REJECT_INTERIOR], 1);
	ASSERT_EQ(f->pool.rejected_commands, 2);
	ASSERT_EQ(f->pool.failed_allocs, 2);
	ASSERT_EQ(f->pool.nr_recs, 1);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/*
 * Another owner's block (a /dev/buddy file's): EPERM from debugfs, by pfn
 * and by tag, and EBUSY while it is mapped, which comes first.
 */
static bool test_pool_mapped_first(void)
{
	static const char busy[] = {
		"error=EBUSY why=block 0x2410 is mapped: unmap it first (munmap), then free it\n"
	};
	static const char busy_tag[] = {
		"error=EBUSY why=block 0x2410 tagged M is mapped: unmap it first (munmap), then free it\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_rec *rec;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	rec = dev_block(f, 1, "M");
	ASSERT_TRUE(rec);
	ASSERT_EQ(run(f, "free 0x2410"), -EPERM);
	ASSERT_EQ(run(f, "free tag=M"), -EPERM);
	buddy_pool_map(&f->pool, rec);
	ASSERT_EQ(run(f, "free 0x2410"), -EBUSY);
	ASSERT_TRUE(line_is(f->buf, busy));
	ASSERT_EQ(run(f, "free tag=M"), -EBUSY);
	ASSERT_TRUE(line_is(f->buf, busy_tag));
	ASSERT_TRUE(strstr(f->buf, "\nseq=") &&
		    strstr(f->buf, " reject pfn=0x2410 error=EBUSY "));
	ASSERT_EQ(f->pool.rejected[BUDDY_REJECT_PERM], 2);
	ASSERT_EQ(f->pool.rejected[BUDDY_REJECT_BUSY], 2);
	ASSERT_EQ(f->pool.nr_recs, 1);
	buddy_pool_unmap(&f->pool, rec);
	buddy_pool_release_owner(&f->pool, &f->dev);
	ASSERT_EQ(f->pool.nr_recs, 0);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* "free tag=T" over 300 blocks: every line, or a marked cut. */
static bool test_pool_result_cut_and_marked(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned long lines = 0, dropped = 0, all;
	char small[4096], *p;
	struct buddy_out out;
	size_t kept = 0;
	int i, n;

	/* Once with room for everything, to count its lines... */
	ASSERT_TRUE(f && fixture_init(f, 1024, 10));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(run(f, "alloc 0 tag=T"), 0);
	ASSERT_EQ(run(f, "free tag=T"), 0);
	ASSERT_FALSE(strstr(f->buf, "truncated"));
	all = count_lines(f->buf);
	ASSERT_TRUE(all > 600);
	buddy_pool_destroy(&f->pool);

	/* ...then into 4 KiB: whole lines, then the count of the rest. */
	ASSERT_TRUE(fixture_init(f, 1024, 10));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(run(f, "alloc 0 tag=T"), 0);
	buddy_out_init_buf(&out, small, sizeof(small));
	ASSERT_EQ(buddy_pool_command(&f->pool, &f->pool.debugfs_owner,
				     &f->who, "free tag=T", 10, &out, f->why,
				     sizeof(f->why)), 0);
	buddy_out_finish(&out);
	small[out.len] = '\0';
	lines = count_lines(small);
	p = strstr(small, "truncated lines=");
	ASSERT_TRUE(p);
	n = sscanf(p, "truncated lines=%lu bytes=%zu\n", &dropped, &kept);
	ASSERT_EQ(n, 2);
	/* The bytes kept are the whole lines above the mark. */
	ASSERT_EQ(kept, (size_t)(p - small));
	ASSERT_TRUE(kept > sizeof(small) - BUDDY_OUT_MARK_LEN - 64);
	ASSERT_EQ(lines - 1 + dropped, all);
	ASSERT_TRUE(p[-1] == '\n');
	ASSERT_TRUE(out.len <= sizeof(small));
	/* The last result has no steps: 300 lines of 38 or 39 bytes fit. */
	ASSERT_EQ(count_lines(last_result(f)), 300);
	ASSERT_EQ(f->pool.nr_recs, 0);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

static bool test_pool_result_grows(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_out out;
	int i;

	ASSERT_TRUE(f && fixture_init(f, 1024, 10));
	for (i = 0; i < 300; i++)
		ASSERT_EQ(run(f, "alloc 0 tag=T"), 0);
	buddy_out_init_buf(&out, malloc(128), 128);
	out.grow = grow_to;
	ASSERT_EQ(buddy_pool_command(&f->pool, &f->pool.debugfs_owner,
				     &f->who, "free tag=T", 10, &out, f->why,
				     sizeof(f->why)), 0);
	buddy_out_finish(&out);
	ASSERT_TRUE(out.size > 16384);
	ASSERT_EQ(memcmp(out.buf, "freed pfn=0x2410 order=0", 24), 0);
	ASSERT_FALSE(memmem(out.buf, out.len, "truncated", 9));
	ASSERT_EQ(out.buf[out.len - 1], '\n');
	free(out.buf);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* A process names itself: no name can forge a line or reach a terminal. */
static bool test_pool_escape(void)
{
	static const char line[] = {
		"pfn=0x2410 order=0 pages=1 pid=42 age_ms=0 request=order:0 waste=0 owner=debugfs comm=\\012pfn=0x1 order=\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));
	char esc[64];

	ASSERT_EQ(buddy_escape(esc, sizeof(esc), "\npfn=1 order=9", 14), 17);
	ASSERT_TRUE(text_is(esc, "\\012pfn=1 order=9"));
	buddy_escape(esc, sizeof(esc), "a\\b\x9b\x7f\xff~ ", 8);
	ASSERT_TRUE(text_is(esc, "a\\\\b\\233\\177\\377~ "));
	/* Cut at a whole escape, never in the middle of one. */
	ASSERT_EQ(buddy_escape(esc, 7, "ab\x01\x02", 4), 6);
	ASSERT_TRUE(text_is(esc, "ab\\001"));

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	f->who.comm = "\npfn=0x1 order=9";
	ASSERT_EQ(run(f, "alloc 0"), 0);
	buddy_out_reset(&f->out);
	buddy_view_allocations(&f->out, &f->pool, 0);
	buddy_out_finish(&f->out);
	f->buf[f->out.len] = '\0';
	/* One line, the name escaped, and no age from a clock read early. */
	ASSERT_TRUE(text_is(f->buf, line));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* An allocation taken back leaves no trace: tree, counters, records. */
static bool test_pool_undo_alloc(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_request req = { .bytes = 5000 };
	char *stats, *tree;
	struct buddy_pool_mark mark;
	struct buddy_rec *rec;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	ASSERT_EQ(run(f, "alloc 2 tag=A"), 0);
	stats = strdup(draw(f, view_stats));
	tree = strdup(draw(f, view_tree));
	ASSERT_TRUE(stats && tree);
	buddy_pool_mark(&f->pool, &mark);
	ASSERT_EQ(buddy_pool_alloc(&f->pool, &f->pool.debugfs_owner, &f->who,
				   &req, &rec), 0);
	ASSERT_FALSE(strcmp(tree, draw(f, view_tree)) == 0);
	buddy_pool_undo_alloc(&f->pool, rec, &mark);
	ASSERT_TRUE(text_is(draw(f, view_stats), stats));
	ASSERT_TRUE(text_is(draw(f, view_tree), tree));
	ASSERT_EQ(buddy_core_check(&f->pool.core), 0);
	ASSERT_TRUE(buddy_pool_audit(&f->pool, &(unsigned long){ 0 },
				     &(unsigned int){ 0 }) == NULL);
	/* Off its owner's list too: the owner's blocks are A alone. */
	buddy_pool_release_owner(&f->pool, &f->pool.debugfs_owner);
	ASSERT_EQ(f->pool.nr_recs, 0);
	ASSERT_EQ(buddy_core_free_frames(&f->pool.core), 16);
	buddy_pool_destroy(&f->pool);
	free(stats);
	free(tree);
	free(f);
	return true;
}

/*
 * Every allocation init makes, failing in turn (the shim's fail-nth):
 * -ENOMEM, and nothing kept (LeakSanitizer would say); then it succeeds.
 */
static bool test_pool_init_out_of_memory(void)
{
	struct buddy_pool *pool = calloc(1, sizeof(*pool));
	unsigned long nth;
	int ret;

	ASSERT_TRUE(pool);
	for (nth = 1;; nth++) {
		memset(pool, 0, sizeof(*pool));
		buddy_shim_fail_nth = nth;
		ret = buddy_pool_init(pool, BASE, 1000, 8, 12, 0);
		if (!ret)
			break;
		ASSERT_EQ(ret, -ENOMEM);
		ASSERT_EQ(buddy_shim_fail_nth, 0);
	}
	buddy_shim_fail_nth = 0;
	/* The metadata, the last result, the ring. */
	ASSERT_EQ(nth, 4);
	ASSERT_EQ(buddy_core_check(&pool->core), 0);
	ASSERT_EQ(buddy_core_free_frames(&pool->core), 1000);
	buddy_pool_destroy(pool);
	free(pool);
	return true;
}

/*
 * An allocation whose record or its index cannot be had: -ENOMEM with its
 * reason, and the pool as before: tree, counters, steps, records.
 */
static bool test_pool_alloc_out_of_memory(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *stats, *tree;
	unsigned long nth;
	u64 seq;
	int ret;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	ASSERT_EQ(run(f, "alloc 1 tag=A"), 0);
	stats = strdup(draw(f, view_stats));
	tree = strdup(draw(f, view_tree));
	ASSERT_TRUE(stats && tree);
	seq = f->pool.seq;
	for (nth = 1;; nth++) {
		buddy_shim_fail_nth = nth;
		ret = run(f, "alloc 2 tag=B");
		if (!ret)
			break;
		ASSERT_EQ(ret, -ENOMEM);
		ASSERT_EQ(buddy_shim_fail_nth, 0);
		ASSERT_TRUE(text_is(f->buf,
				    "error=ENOMEM why=out of kernel memory for the record\n"));
		ASSERT_TRUE(text_is(draw(f, view_stats), stats));
		ASSERT_TRUE(text_is(draw(f, view_tree), tree));
		ASSERT_EQ(f->pool.seq, seq);
		ASSERT_EQ(f->pool.nr_stage, 0);
		ASSERT_TRUE(buddy_pool_audit(&f->pool, &(unsigned long){ 0 },
					     &(unsigned int){ 0 }) == NULL);
	}
	buddy_shim_fail_nth = 0;
	/* The record, then its place in the index. */
	ASSERT_EQ(nth, 3);
	/* What succeeds after shows its own steps, none of the failures'. */
	ASSERT_TRUE(text_is(f->buf,
			    "pfn=0x2414 order=2 pages=4 tag=B\n"
			    "seq=5 alloc pfn=0x2414 order=2 from_order=2 owner=debugfs tag=B\n"));
	buddy_pool_destroy(&f->pool);
	free(stats);
	free(tree);
	free(f);
	return true;
}

/* mappable()'s verdict on @nr pages from @pfn: 0 for the block, or *err. */
static int mappable(struct fixture *f, struct buddy_owner *owner, u64 pfn,
		    unsigned long nr, const struct buddy_rec *want)
{
	struct buddy_rec *rec;
	int err = 1;

	rec = buddy_pool_mappable(&f->pool, owner, pfn, nr, &err);
	if (rec)
		return rec == want ? 0 : -EUCLEAN;
	return err;
}

/*
 * Which pages a file may map: its own block's, from any page of it up to
 * its end, and nothing else, whatever the numbers.
 */
static bool test_pool_mappable(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_rec *rec, *last;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	/* 0x2410-0x2413 the file's, 0x2414 debugfs's, 0x2418-0x241f free. */
	rec = dev_block(f, 2, "M");
	ASSERT_TRUE(rec);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE, 4, rec), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE, 1, rec), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 1, 3, rec), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 3, 1, rec), 0);
	/* A block that ends the pool: up to its last page, not past. */
	last = dev_block(f, 3, "M");
	ASSERT_TRUE(last);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 8, 8, last), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 15, 1, last), 0);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 15, 2, last), -EINVAL);
	buddy_pool_release(&f->pool, last);
	/* Past the block's end, into the next block or the pool's end. */
	ASSERT_EQ(mappable(f, &f->dev, BASE, 5, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 3, 2, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 2, ~0UL, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE, 17, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE, 0, rec), -EINVAL);
	/* Outside the pool, below and above. */
	ASSERT_EQ(mappable(f, &f->dev, BASE - 1, 1, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 16, 1, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, ~0ULL, 1, rec), -EINVAL);
	/* A free block; another owner's, which is EPERM. */
	ASSERT_EQ(mappable(f, &f->dev, BASE + 8, 1, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 15, 1, rec), -EINVAL);
	ASSERT_EQ(mappable(f, &f->dev, BASE + 4, 1, rec), -EPERM);
	ASSERT_EQ(mappable(f, &f->pool.debugfs_owner, BASE + 1, 1, rec), -EPERM);
	/* Freed while mapped: its pages are nobody's to map any more. */
	buddy_pool_map(&f->pool, rec);
	buddy_pool_release_all(&f->pool, &(unsigned long){ 0 },
			       &(unsigned long){ 0 });
	ASSERT_EQ(mappable(f, &f->dev, BASE, 1, rec), -EINVAL);
	buddy_pool_unmap(&f->pool, rec);
	ASSERT_EQ(f->pool.nr_recs, 0);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* The stats' lines of the mappings, as drawn. */
static bool mapped_is(struct fixture *f, unsigned long mapped,
		      unsigned long deferred)
{
	char want[128];

	snprintf(want, sizeof(want),
		 "mapped_blocks            %lu\ndeferred_blocks          %lu\n",
		 mapped, deferred);
	ASSERT_TRUE(strstr(draw(f, view_stats), want));
	ASSERT_EQ(f->pool.nr_mapped, mapped);
	ASSERT_EQ(f->pool.nr_deferred, deferred);
	return true;
}

/*
 * A mapped block cannot be freed: a reset frees the others and defers it,
 * once however often it is asked, until its last mapping goes.
 */
static bool test_pool_mapped_deferred(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned long pages, deferred;
	struct buddy_rec *rec;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	rec = dev_block(f, 1, "M");
	ASSERT_TRUE(rec);
	ASSERT_EQ(run(f, "alloc 2"), 0);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	buddy_pool_map(&f->pool, rec);
	buddy_pool_map(&f->pool, rec);
	ASSERT_EQ(rec->mapcount, 2);
	ASSERT_TRUE(mapped_is(f, 1, 0));

	ASSERT_EQ(buddy_pool_release_all(&f->pool, &pages, &deferred), 2);
	ASSERT_EQ(pages, 5);
	ASSERT_EQ(deferred, 1);
	ASSERT_TRUE(rec->deferred);
	ASSERT_EQ(f->pool.nr_recs, 1);
	ASSERT_EQ(buddy_core_allocated_frames(&f->pool.core), 2);
	ASSERT_TRUE(mapped_is(f, 1, 1));
	/* Asked again: nothing more to free, and no second deferral. */
	ASSERT_EQ(buddy_pool_release_all(&f->pool, &pages, &deferred), 0);
	ASSERT_EQ(pages, 0);
	ASSERT_EQ(deferred, 0);
	ASSERT_TRUE(mapped_is(f, 1, 1));
	/* The first unmap leaves it; the last frees it. */
	buddy_pool_unmap(&f->pool, rec);
	ASSERT_EQ(f->pool.nr_recs, 1);
	ASSERT_TRUE(mapped_is(f, 1, 1));
	buddy_pool_unmap(&f->pool, rec);
	ASSERT_EQ(f->pool.nr_recs, 0);
	ASSERT_TRUE(mapped_is(f, 0, 0));
	ASSERT_EQ(buddy_core_free_frames(&f->pool.core), 16);
	ASSERT_TRUE(f->dev.blocks.next == &f->dev.blocks);

	/* Unmapped, not deferred: the block stays, its owner's. */
	rec = dev_block(f, 1, "M");
	ASSERT_TRUE(rec);
	buddy_pool_map(&f->pool, rec);
	buddy_pool_unmap(&f->pool, rec);
	ASSERT_TRUE(mapped_is(f, 0, 0));
	ASSERT_EQ(f->pool.nr_recs, 1);
	buddy_pool_release_owner(&f->pool, &f->dev);
	ASSERT_EQ(f->pool.nr_recs, 0);
	ASSERT_TRUE(buddy_pool_audit(&f->pool, &(unsigned long){ 0 },
				     &(unsigned int){ 0 }) == NULL);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* INFO: the pool and its state; where it lies only for those who may see. */
static bool test_pool_info(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_info info;
	unsigned int i;

	ASSERT_TRUE(f && fixture_init(f, 24, 3));
	ASSERT_EQ(run(f, "alloc 1 tag=A"), 0);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	memset(&info, 0xa5, sizeof(info));
	buddy_pool_info(&f->pool, &info, true);
	ASSERT_EQ(info.reserved[0], 0);
	ASSERT_EQ(info.reserved[1], 0);
	ASSERT_EQ(info.first_pfn, BASE);
	ASSERT_EQ(info.nr_pages, 24);
	ASSERT_EQ(info.page_size, 4096);
	ASSERT_EQ(info.max_order, 3);
	ASSERT_EQ(info.nr_orders, 4);
	ASSERT_EQ(info.free_pages, 21);
	ASSERT_EQ(info.allocated_pages, 3);
	ASSERT_EQ(info.nr_allocations, 2);
	ASSERT_EQ(info.meta_bytes, f->pool.meta_bytes);
	/* 0x2410-0x2411 A, 0x2412 taken, 0x2413, 0x2414-0x2417, 0x2418-0x2427. */
	ASSERT_EQ(info.free_blocks[0], 1);
	ASSERT_EQ(info.free_blocks[1], 0);
	ASSERT_EQ(info.free_blocks[2], 1);
	ASSERT_EQ(info.free_blocks[3], 2);
	for (i = 4; i < BUDDY_MAX_ORDERS; i++)
		ASSERT_EQ(info.free_blocks[i], 0);
	buddy_pool_info(&f->pool, &info, false);
	ASSERT_EQ(info.first_pfn, 0);
	ASSERT_EQ(info.nr_pages, 24);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/* What the hooks saw: the module's tracepoints and its zeroing of blocks. */
static struct {
	u64 seq[64];
	unsigned int nr_events;
	unsigned long alloc_frame[8];
	unsigned int nr_allocs;
} hooked;

static void hook_event(const struct buddy_pool *pool,
		       const struct buddy_event *ev)
{
	/* Handed over as kept: the ring's copy, the last one. */
	if (hooked.nr_events < ARRAY_SIZE(hooked.seq) &&
	    ev == buddy_pool_event(pool, pool->seq))
		hooked.seq[hooked.nr_events++] = ev->seq;
}

static void hook_alloc(const struct buddy_pool *pool __maybe_unused,
		       const struct buddy_rec *rec)
{
	if (hooked.nr_allocs < ARRAY_SIZE(hooked.alloc_frame))
		hooked.alloc_frame[hooked.nr_allocs++] = rec->frame;
}

/*
 * Each kept step goes to on_event once, in order, as it is kept; a step
 * never kept (an allocation taken back) never does.  on_alloc sees each
 * block allocated, and no refusal.
 */
static bool test_pool_hooks(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_request req = { .order = 0 };
	struct buddy_pool_mark mark;
	struct buddy_rec *rec;
	unsigned int i;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	memset(&hooked, 0, sizeof(hooked));
	f->pool.on_event = hook_event;
	f->pool.on_alloc = hook_alloc;
	ASSERT_EQ(run(f, "alloc 1 tag=A"), 0);
	ASSERT_EQ(hooked.nr_events, 4);
	ASSERT_EQ(run(f, "alloc 9"), -EINVAL);
	ASSERT_EQ(run(f, "free 0x2411"), -EINVAL);
	ASSERT_EQ(hooked.nr_events, 6);
	/* Taken back: on_alloc saw it, on_event never. */
	buddy_pool_mark(&f->pool, &mark);
	ASSERT_EQ(buddy_pool_alloc(&f->pool, &f->pool.debugfs_owner, &f->who,
				   &req, &rec), 0);
	buddy_pool_undo_alloc(&f->pool, rec, &mark);
	ASSERT_EQ(hooked.nr_events, 6);
	ASSERT_EQ(run(f, "free tag=A"), 0);
	ASSERT_EQ(hooked.nr_events, f->pool.seq);
	for (i = 0; i < hooked.nr_events; i++)
		ASSERT_EQ(hooked.seq[i], i + 1);
	ASSERT_EQ(hooked.nr_allocs, 2);
	ASSERT_EQ(hooked.alloc_frame[0], 0);
	ASSERT_EQ(hooked.alloc_frame[1], 2);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/*
 * What read() gives after a FREE on /dev/buddy: "freed ...", then the
 * steps, each with the file as owner; cut short with its mark.
 */
static bool test_pool_release_told(void)
{
	static const char told[] = {
		"freed pfn=0x2410 order=1 pages=2 tag=M\n"
		"seq=5 free pfn=0x2410 order=1 owner=dev#7 tag=M\n"
		"seq=6 merge pfn=0x2410 buddy=0x2412 order=1 into=0x2410\n"
		"seq=7 merge pfn=0x2410 buddy=0x2414 order=2 into=0x2410\n"
		"seq=8 merge pfn=0x2410 buddy=0x2418 order=3 into=0x2410\n"
		"seq=9 stop pfn=0x2410 order=4 why=max_order\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));
	char small[BUDDY_OUT_MARK_LEN + 100 + 1];
	struct buddy_out out;
	struct buddy_rec *rec;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	rec = dev_block(f, 1, "M");
	ASSERT_TRUE(rec);
	buddy_out_reset(&f->out);
	buddy_puts(&f->out, "an older result\n");
	buddy_pool_release_told(&f->pool, rec, &f->out);
	f->buf[f->out.len] = '\0';
	ASSERT_TRUE(text_is(f->buf, told));
	ASSERT_EQ(f->pool.nr_recs, 0);

	rec = dev_block(f, 1, "M");
	ASSERT_TRUE(rec);
	buddy_out_init_buf(&out, small, sizeof(small) - 1);
	buddy_pool_release_told(&f->pool, rec, &out);
	small[out.len] = '\0';
	ASSERT_TRUE(text_is(small,
			    "freed pfn=0x2410 order=1 pages=2 tag=M\n"
			    "seq=14 free pfn=0x2410 order=1 owner=dev#7 tag=M\n"
			    "truncated lines=4 bytes=88\n"));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/*
 * The waste of requests in bytes, counted up and down; ages from the
 * clock; the node in the vmstat lines; only kept events by number.
 */
static bool test_pool_counts_and_clock(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	u64 seq, before, after;
	struct buddy_rec *rec;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	/* The same pool, on node 3. */
	buddy_pool_destroy(&f->pool);
	memset(&f->pool, 0, sizeof(f->pool));
	ASSERT_EQ(buddy_pool_init(&f->pool, BASE, 16, 4, 12, 3), 0);

	before = ktime_get_ns();
	ASSERT_EQ(run(f, "alloc 7K tag=A"), 0);
	after = ktime_get_ns();
	ASSERT_EQ(run(f, "alloc 5000"), 0);
	ASSERT_TRUE(strstr(draw(f, view_stats), "\nwaste_bytes              4216\n"));
	ASSERT_TRUE(buddy_pool_audit(&f->pool, &(unsigned long){ 0 },
				     &(unsigned int){ 0 }) == NULL);
	rec = xa_load(&f->pool.recs, 0);
	ASSERT_TRUE(rec && rec->ts_ns >= before && rec->ts_ns <= after);
	buddy_out_reset(&f->out);
	buddy_view_allocation(&f->out, &f->pool, rec, rec->ts_ns + 5999999);
	buddy_out_finish(&f->out);
	f->buf[f->out.len] = '\0';
	ASSERT_TRUE(strstr(f->buf, " pid=42 age_ms=5 request=bytes:7168 waste=1024 "));
	ASSERT_EQ(run(f, "free tag=A"), 0);
	ASSERT_TRUE(strstr(draw(f, view_stats), "\nwaste_bytes              3192\n"));
	ASSERT_TRUE(buddy_pool_audit(&f->pool, &(unsigned long){ 0 },
				     &(unsigned int){ 0 }) == NULL);

	buddy_out_reset(&f->out);
	buddy_view_vmstat(&f->out, &f->pool, BUDDY_VMSTAT_BUDDYINFO);
	buddy_out_finish(&f->out);
	ASSERT_EQ(strncmp(f->buf, "Node 3, zone    buddy ", 22), 0);

	seq = f->pool.seq;
	ASSERT_TRUE(buddy_pool_event(&f->pool, seq));
	ASSERT_EQ(buddy_pool_event(&f->pool, seq)->seq, seq);
	ASSERT_EQ(buddy_pool_event(&f->pool, 1)->seq, 1);
	ASSERT_FALSE(buddy_pool_event(&f->pool, 0));
	ASSERT_FALSE(buddy_pool_event(&f->pool, seq + 1));
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

/*
 * "free tag=T" of blocks another owner holds: refused as a free of the
 * first of them would be, mapped before held, its step tagged T.
 */
static bool test_pool_free_tag_refusals(void)
{
	static const char busy[] = {
		"error=EBUSY why=block 0x2412 tagged M is mapped: unmap it first (munmap), then free it\n"
		"seq=8 reject pfn=0x2412 error=EBUSY block=0x2412 block_order=1 owner=debugfs tag=M\n"
	};
	static const char held[] = {
		"error=EPERM why=every block tagged M belongs to another owner\n"
		"seq=9 reject pfn=0x2412 error=EPERM block=0x2412 block_order=1 owner=debugfs tag=M\n"
	};
	struct fixture *f = calloc(1, sizeof(*f));
	struct buddy_rec *rec[3];
	int i;

	ASSERT_TRUE(f && fixture_init(f, 16, 4));
	/* 0x2410 untagged, 0x2412 and 0x2414 tagged M: the file's. */
	for (i = 0; i < 3; i++) {
		rec[i] = dev_block(f, 1, i ? "M" : NULL);
		ASSERT_TRUE(rec[i]);
	}
	buddy_pool_map(&f->pool, rec[1]);
	buddy_pool_map(&f->pool, rec[2]);
	ASSERT_EQ(run(f, "free tag=M"), -EBUSY);
	ASSERT_TRUE(text_is(f->buf, busy));
	buddy_pool_unmap(&f->pool, rec[1]);
	buddy_pool_unmap(&f->pool, rec[2]);
	ASSERT_EQ(run(f, "free tag=M"), -EPERM);
	ASSERT_TRUE(text_is(f->buf, held));
	ASSERT_EQ(f->pool.nr_recs, 3);
	/* A record that no longer matches its block: the audit says so. */
	rec[2]->order++;
	ASSERT_TRUE(text_is(draw(f, view_check),
			    "broken: a record does not match an allocated block (pfn 0x2414)\n"));
	rec[2]->order--;
	buddy_pool_release_owner(&f->pool, &f->dev);
	buddy_pool_destroy(&f->pool);
	free(f);
	return true;
}

const struct buddy_test buddy_pool_tests[] = {
	BUDDY_TEST(pool_results),
	BUDDY_TEST(pool_bitmaps_and_map),
	BUDDY_TEST(pool_steps),
	BUDDY_TEST(pool_refusals),
	BUDDY_TEST(pool_mapped_first),
	BUDDY_TEST(pool_result_cut_and_marked),
	BUDDY_TEST(pool_result_grows),
	BUDDY_TEST(pool_escape),
	BUDDY_TEST(pool_undo_alloc),
	BUDDY_TEST(pool_init_out_of_memory),
	BUDDY_TEST(pool_alloc_out_of_memory),
	BUDDY_TEST(pool_mappable),
	BUDDY_TEST(pool_mapped_deferred),
	BUDDY_TEST(pool_info),
	BUDDY_TEST(pool_hooks),
	BUDDY_TEST(pool_release_told),
	BUDDY_TEST(pool_counts_and_clock),
	BUDDY_TEST(pool_free_tag_refusals),
};

const unsigned int nr_buddy_pool_tests = ARRAY_SIZE(buddy_pool_tests);
