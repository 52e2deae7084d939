// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_view_test.c - the paths of buddy_view.c that only the module takes,
 * run on the host: the buffer sink's whole lines and its "truncated" mark,
 * steps the ring no longer keeps, the text /dev/buddy's read() gives after
 * an ALLOC or a refused FREE, the bitmaps of the largest pools drawn bit by
 * bit, and the reasons of refused frees.  The twin prints with the same
 * file, so comparing the two cannot find a bug here; each test below says
 * what the text must be on its own terms.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buddy_harness.h"
#include "buddy_pool_fixture.h"
#include "buddy_test.h"

/*
 * A buffer sink keeps whole lines: one that fits exactly is kept, the first
 * that does not is cut with every line after it, an unfinished line is
 * dropped, and the mark says how many lines are gone and how many bytes
 * of whole lines stand above it.  A reset forgets all of it.
 */
static bool test_view_sink_whole_lines(void)
{
	/* 20 bytes for lines, the rest for the mark, 1 for our NUL. */
	char buf[BUDDY_OUT_MARK_LEN + 20 + 1];
	struct buddy_out out;

	buddy_out_init_buf(&out, buf, sizeof(buf) - 1);
	buddy_out_write(&out, "abc", 3);
	buddy_out_write(&out, "def\n", 4);
	/* A line written in two pieces, ending exactly at the room's end. */
	buddy_out_write(&out, "0123", 4);
	buddy_puts(&out, "45678901\n");
	ASSERT_EQ(out.len, 20);
	buddy_puts(&out, "x\n");
	buddy_printf(&out, "%s\n", "y");
	buddy_puts(&out, "unfinished");
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out),
			    "abcdef\n012345678901\ntruncated lines=2 bytes=20\n"));

	/* After a reset, nothing of the cut remains; nor a partial line. */
	buddy_out_reset(&out);
	buddy_puts(&out, "half a li");
	buddy_out_reset(&out);
	buddy_puts(&out, "ok\n");
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out), "ok\n"));

	/* Lines lost before they came count with those cut. */
	buddy_out_reset(&out);
	buddy_puts(&out, "one\n");
	buddy_out_missing(&out, 3);
	buddy_out_missing(&out, 2);
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out), "one\ntruncated lines=5 bytes=4\n"));
	buddy_out_reset(&out);
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out), ""));

	/* Several lines in one write: each kept or cut on its own. */
	buddy_out_write(&out, "0123456789\n0123456\n89\nzz\n", 25);
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out),
			    "0123456789\n0123456\ntruncated lines=2 bytes=19\n"));

	/* A sink that grows is asked for just enough, and only when needed. */
	buddy_out_init_buf(&out, malloc(BUDDY_OUT_MARK_LEN + 8 + 1),
			   BUDDY_OUT_MARK_LEN + 8);
	out.grow = grow_to;
	grow_asked = 0;
	buddy_puts(&out, "1234567\n");
	ASSERT_EQ(grow_asked, 0);
	buddy_puts(&out, "abc\n");
	ASSERT_EQ(grow_asked, 12 + BUDDY_OUT_MARK_LEN);
	buddy_out_finish(&out);
	ASSERT_TRUE(text_is(text_of(&out), "1234567\nabc\n"));
	free(out.buf);
	return true;
}

/* buddy_escape() stops at @len, and never writes past @size. */
static bool test_view_escape_bounds(void)
{
	char esc[16];

	memset(esc, '#', sizeof(esc));
	ASSERT_EQ(buddy_escape(esc, sizeof(esc), "abc", 2), 2);
	ASSERT_TRUE(text_is(esc, "ab"));
	/* "\001" needs 4 bytes and the NUL one more: 6 is one short. */
	memset(esc, '#', sizeof(esc));
	ASSERT_EQ(buddy_escape(esc, 6, "ab\x01", 3), 2);
	ASSERT_TRUE(text_is(esc, "ab"));
	ASSERT_EQ(esc[6], '#');
	ASSERT_EQ(buddy_escape(esc, 7, "ab\x01", 3), 6);
	ASSERT_TRUE(text_is(esc, "ab\\001"));
	ASSERT_EQ(buddy_escape(esc, 1, "ab", 2), 0);
	ASSERT_TRUE(text_is(esc, ""));
	return true;
}

/* The seq of each "seq=N ..." line of @text, in order, into @seqs. */
static unsigned long seqs_of(const char *text, unsigned long long *seqs,
			     unsigned long max)
{
	unsigned long n = 0;

	for (; *text; text = strchr(text, '\n') + 1)
		if (n < max && sscanf(text, "seq=%llu ", &seqs[n]) == 1)
			n++;
	return n;
}

/*
 * The steps after a given one, as far as the ring keeps them; the ones it
 * has let go are counted in the mark, never left out silently.
 */
static bool test_view_events_missing(void)
{
	static unsigned long long seqs[BUDDY_EVENTS + 8];
	struct fixture *f = fixture_new(64, 6);
	unsigned long n, i;
	u64 last, from;

	ASSERT_TRUE(f);
	/* Each alloc 0 and free: a step or two, well past the ring's size. */
	while (f->pool.seq < 3 * BUDDY_EVENTS) {
		ASSERT_EQ(run(f, "alloc 0 tag=T"), 0);
		ASSERT_EQ(run(f, "alloc 1 tag=T"), 0);
		ASSERT_EQ(run(f, "free tag=T"), 0);
	}
	last = f->pool.seq;
	ASSERT_EQ(buddy_pool_first_seq(&f->pool), last - BUDDY_EVENTS + 1);

	/* From the oldest kept: every kept step, nothing missing. */
	for (from = last - BUDDY_EVENTS; from >= last - BUDDY_EVENTS - 2;
	     from--) {
		unsigned long lost = last - BUDDY_EVENTS - from;

		buddy_out_reset(&f->out);
		buddy_view_events_since(&f->out, &f->pool, from);
		buddy_out_finish(&f->out);
		n = seqs_of(text_of(&f->out), seqs, ARRAY_SIZE(seqs));
		ASSERT_EQ(n, BUDDY_EVENTS);
		for (i = 0; i < n; i++)
			ASSERT_EQ(seqs[i], last - BUDDY_EVENTS + 1 + i);
		if (!lost) {
			ASSERT_FALSE(strstr(f->out.buf, "truncated"));
		} else {
			char mark[64];

			snprintf(mark, sizeof(mark),
				 "\ntruncated lines=%lu bytes=", lost);
			ASSERT_TRUE(strstr(f->out.buf, mark));
		}
	}
	/* The last three; none after the last. */
	buddy_out_reset(&f->out);
	buddy_view_events_since(&f->out, &f->pool, last - 3);
	buddy_out_finish(&f->out);
	ASSERT_EQ(seqs_of(text_of(&f->out), seqs, 8), 3);
	ASSERT_EQ(seqs[0], last - 2);
	ASSERT_EQ(seqs[2], last);
	ASSERT_EQ(count_lines(f->out.buf), 3);
	buddy_out_reset(&f->out);
	buddy_view_events_since(&f->out, &f->pool, last);
	buddy_out_finish(&f->out);
	ASSERT_TRUE(text_is(text_of(&f->out), ""));
	fixture_free(f);
	return true;
}

/* Allocates as ioctl_alloc() does, and draws what read() then gives. */
static int dev_alloc_told(struct fixture *f, struct buddy_out *out,
			  unsigned int order, struct buddy_rec **rec)
{
	struct buddy_request req = { .order = order };
	unsigned long failed = f->pool.failed_allocs;
	u64 seq = f->pool.seq;
	int ret;

	ret = buddy_pool_alloc(&f->pool, &f->dev, &f->who, &req, rec);
	if (!ret)
		buddy_pool_commit(&f->pool);
	buddy_view_alloc_told(out, &f->pool, seq, ret, *rec, order,
			      f->pool.failed_allocs != failed);
	return ret;
}

/* What /dev/buddy's read() gives after an ALLOC, made or refused. */
static bool test_view_alloc_told(void)
{
	static const char made[] = {
		"pfn=0x2410 order=1 pages=2\n"
		"seq=1 split pfn=0x2410 order=2 lower=0x2410 upper=0x2412\n"
		"seq=2 alloc pfn=0x2410 order=1 from_order=2 owner=dev#7\n"
	};
	static const char none[] = {
		"error=ENOMEM why=no free block of order 2 or above\n"
		"seq=5 fail order=2 error=ENOMEM owner=dev#7\n"
	};
	static const char above[] = {
		"error=EINVAL why=order 3 is above max_order 2\n"
		"seq=6 fail order=3 error=EINVAL owner=dev#7\n"
	};
	/* An ioctl's order is 32 bits: the step says it whole. */
	static const char far_above[] = {
		"error=EINVAL why=order 256 is above max_order 2\n"
		"seq=7 fail order=256 error=EINVAL owner=dev#7\n"
	};
	static const char top[] = {
		"error=EINVAL why=order 4294967295 is above max_order 2\n"
		"seq=8 fail order=4294967295 error=EINVAL owner=dev#7\n"
	};
	char small[BUDDY_OUT_MARK_LEN + 40 + 1];
	struct fixture *f = fixture_new(4, 2);
	struct buddy_rec *rec = NULL;
	struct buddy_out out;

	ASSERT_TRUE(f);
	/* Whatever the sink held before is gone: read() gives this alone. */
	buddy_puts(&f->out, "an older result\n");
	ASSERT_EQ(dev_alloc_told(f, &f->out, 1, &rec), 0);
	ASSERT_TRUE(text_is(text_of(&f->out), made));
	ASSERT_EQ(dev_alloc_told(f, &f->out, 0, &rec), 0);
	ASSERT_EQ(dev_alloc_told(f, &f->out, 2, &rec), -ENOMEM);
	ASSERT_TRUE(text_is(text_of(&f->out), none));
	ASSERT_EQ(dev_alloc_told(f, &f->out, 3, &rec), -EINVAL);
	ASSERT_TRUE(text_is(text_of(&f->out), above));
	ASSERT_EQ(dev_alloc_told(f, &f->out, 256, &rec), -EINVAL);
	ASSERT_TRUE(text_is(text_of(&f->out), far_above));
	ASSERT_EQ(dev_alloc_told(f, &f->out, UINT_MAX, &rec), -EINVAL);
	ASSERT_TRUE(text_is(text_of(&f->out), top));

	/* A sink too small for the steps: the result, then the mark. */
	buddy_pool_release_owner(&f->pool, &f->dev);
	buddy_out_init_buf(&out, small, sizeof(small) - 1);
	ASSERT_EQ(dev_alloc_told(f, &out, 0, &rec), 0);
	ASSERT_TRUE(text_is(text_of(&out),
			    "pfn=0x2410 order=0 pages=1\n"
			    "truncated lines=3 bytes=27\n"));
	fixture_free(f);
	return true;
}

/* What read() gives after a refused FREE: why, then the refusal's step. */
static bool test_view_free_refused(void)
{
	static const char twice[] = {
		"error=EALREADY why=pfn 0x2412 lies in free block 0x2412-0x2413 (order 1): double free\n"
		"seq=4 reject pfn=0x2412 error=EALREADY block=0x2412 block_order=1 owner=dev#7\n"
	};
	char small[BUDDY_OUT_MARK_LEN + 100 + 1];
	struct fixture *f = fixture_new(4, 2);
	struct buddy_rec *rec = NULL;
	struct buddy_out out;
	u64 seq;
	int err;

	ASSERT_TRUE(f);
	ASSERT_EQ(dev_alloc_told(f, &f->out, 0, &rec), 0);
	buddy_puts(&f->out, "an older result\n");
	seq = f->pool.seq;
	ASSERT_FALSE(buddy_pool_find(&f->pool, &f->dev, BASE + 2, &err));
	ASSERT_EQ(err, -EALREADY);
	buddy_view_free_refused(&f->out, &f->pool, seq, err, BASE + 2);
	ASSERT_TRUE(text_is(text_of(&f->out), twice));

	/* The reason alone fits; the step does not, and is counted. */
	buddy_out_init_buf(&out, small, sizeof(small) - 1);
	seq = f->pool.seq;
	ASSERT_FALSE(buddy_pool_find(&f->pool, &f->dev, BASE + 3, &err));
	ASSERT_EQ(err, -EALREADY);
	buddy_view_free_refused(&out, &f->pool, seq, err, BASE + 3);
	ASSERT_TRUE(text_is(text_of(&out),
			    "error=EALREADY why=pfn 0x2413 lies in free block 0x2412-0x2413 (order 1): double free\n"
			    "truncated lines=1 bytes=86\n"));
	fixture_free(f);
	return true;
}

/* Why a free was refused, for each refusal the pool makes. */
static bool test_view_why_free(void)
{
	static const char inside[] = {
		"pfn 0x2415 lies inside allocated block 0x2414-0x2417 (order 2): free its first pfn"
	};
	static const char twice[] = {
		"pfn 0x2419 lies in free block 0x2418-0x241f (order 3): double free"
	};
	struct fixture *f = fixture_new(16, 4);

	ASSERT_TRUE(f);
	ASSERT_TRUE(dev_block(f, 2, "M"));
	/* 0x2414-0x2417: debugfs's, as a /dev/buddy file sees it. */
	ASSERT_EQ(run(f, "alloc 2"), 0);
	/* Below the pool, whatever the error: never a lookup of it. */
	buddy_why_free(&f->pool, BASE - 1, -EINVAL, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "pfn 0x240f is outside the pool 0x2410-0x241f"));
	buddy_why_free(&f->pool, BASE + 16, -EINVAL, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "pfn 0x2420 is outside the pool 0x2410-0x241f"));
	buddy_why_free(&f->pool, BASE + 1, -ERANGE, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "pfn 0x2411 is outside the pool 0x2410-0x241f"));
	buddy_why_free(&f->pool, BASE + 2, -EPERM, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "block 0x2410 belongs to /dev/buddy file dev#7 (pid 42)"));
	buddy_why_free(&f->pool, BASE + 2, -EBUSY, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why,
			    "block 0x2410 is mapped: unmap it first (munmap), then free it"));
	buddy_why_free(&f->pool, BASE + 5, -EINVAL, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, inside));
	buddy_why_free(&f->pool, BASE + 9, -EALREADY, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, twice));
	/* debugfs is no file: it has no number or pid to give. */
	buddy_why_free(&f->pool, BASE + 4, -EPERM, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "block 0x2414 belongs to another owner"));
	buddy_why_free(&f->pool, BASE, -ENOENT, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "refused"));
	buddy_why_alloc(&f->pool, -ENOMEM, 1, false, f->why, sizeof(f->why));
	ASSERT_TRUE(text_is(f->why, "out of kernel memory for the record"));
	fixture_free(f);
	return true;
}

/*
 * Bit i of order k, as a textbook draws it, from a lookup of its first
 * frame: free if a free block of order k starts there, split if the leaf
 * there is smaller (every block above a leaf is split).
 */
static char bit_of(struct buddy_pool *pool, unsigned int order,
		   unsigned long i, enum buddy_core_state state)
{
	struct buddy_core_node node;

	if (buddy_core_lookup(&pool->core, i << order, &node))
		return 'x';
	if (state == BUDDY_CORE_SPLIT)
		return node.order < order ? '1' : '0';
	return node.frame == i << order && node.order == order &&
	       node.state == BUDDY_CORE_FREE ? '1' : '0';
}

/* The row "order=K free=BITS split=BITS" as bit_of() has it. */
static void row_of(struct buddy_pool *pool, unsigned int order, char *row)
{
	unsigned long i, nr = pool->nr_pages >> order;

	row += sprintf(row, "order=%u free=", order);
	for (i = 0; i < nr; i++)
		*row++ = bit_of(pool, order, i, BUDDY_CORE_FREE);
	row += sprintf(row, " split=");
	if (!order)
		*row++ = '-';
	for (i = 0; order && i < nr; i++)
		*row++ = bit_of(pool, order, i, BUDDY_CORE_SPLIT);
	memcpy(row, "\n", 2);
}

/*
 * The bitmaps of the largest pool drawn bit by bit (4096 pages: rows of
 * many chunks), each bit as a lookup has it; one page more, the counts.
 */
static bool test_view_bitmaps_largest(void)
{
	static char row[2 * 4096 + 64];
	struct fixture *f = fixture_new(4096, 12);
	char line[32];
	unsigned int order, k;
	const char *text, *p;

	ASSERT_TRUE(f);
	/* Blocks of every order, freed again here and there. */
	for (k = 0; k < 200; k++) {
		snprintf(line, sizeof(line), "alloc %u", k % 7);
		ASSERT_EQ(run(f, line), 0);
	}
	for (k = 0; k < 4096; k += 37) {
		snprintf(line, sizeof(line), "free %#lx", BASE + k);
		run(f, line);
	}
	text = draw(f, view_bitmaps);
	ASSERT_EQ(count_lines(text), 13);
	for (p = text, order = 12; order <= 12; order--) {
		row_of(&f->pool, order, row);
		ASSERT_EQ(strncmp(p, row, strlen(row)), 0);
		p += strlen(row);
	}
	fixture_free(f);

	/*
	 * A 1 that ends a chunk of 64 and one that ends the row, at order 0;
	 * at order 1, 63 ones and a 0 end the first chunk.
	 */
	f = fixture_new(256, 8);
	ASSERT_TRUE(f);
	for (k = 0; k < 126; k++)
		ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "alloc 1"), 0);
	for (k = 0; k < 128; k++)
		ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "free 0x244f"), 0);
	ASSERT_EQ(run(f, "free 0x250f"), 0);
	text = draw(f, view_bitmaps);
	for (order = 1; order <= 1; order--) {
		row_of(&f->pool, order, row);
		p = strstr(text, row);
		ASSERT_TRUE(p && (p == text || p[-1] == '\n'));
	}
	ASSERT_EQ(strlen(p), strlen(row));
	fixture_free(f);

	f = fixture_new(4097, 12);
	ASSERT_TRUE(f);
	/* The tail page first, then the first page of the pool's first root. */
	ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	text = draw(f, view_bitmaps);
	ASSERT_TRUE(!strncmp(text,
			     "# 4097 pages: counts of ones per order, ones/blocks (the bits up to 4096 pages)\n"
			     "order=12 free=0/1 split=1/1\n"
			     "order=11 free=1/2 split=1/2\n", 112));
	ASSERT_TRUE(strstr(text, "\norder=1 free=1/2048 split=1/2048\n"
				 "order=0 free=1/4097 split=-\n"));
	fixture_free(f);
	return true;
}

/* The lines of @text from the @n-th (0 for the first) on. */
static const char *line_at(const char *text, unsigned int n)
{
	while (n-- && text)
		text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
	return text;
}

/*
 * Past 1024 pages a cell holds more than one: each row's label is the pfn
 * of its first cell, the last row holds what is left, and rows close
 * where a block ends.  Untagged blocks of different owners get keys of
 * their own.
 */
static bool test_view_map_cells(void)
{
	static const char full[] = {
		"# map of 1024 pages from 0x2410: 1 page a cell, 32 cells a row\n"
	};
	static const char head[] = {
		"# map of 1025 pages from 0x2410: 2 pages a cell, 32 cells a row\n"
		"# '.' free, a letter an allocated block (key below), '|' a block's start\n"
		"# '*' a cell that holds several blocks\n"
		"0x2410 |AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
		"0x2450 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	};
	static const char tail[] = {
		"0x27d0 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|\n"
		"0x2810 |Z|\n"
		"# A = tag A: 1 block, 1024 pages\n"
		"# Z = tag Z: 1 block, 1 page\n"
	};
	static const char owners[] = {
		"0x2410 |A|B|..|\n"
		"# A = debugfs, untagged: 1 block, 1 page\n"
		"# B = dev#7, untagged: 1 block, 1 page\n"
	};
	struct fixture *f = fixture_new(1024, 10);
	const char *text;

	ASSERT_TRUE(f);
	text = draw(f, view_map);
	ASSERT_TRUE(!strncmp(text, full, strlen(full)));
	/* Two lines of legend, then 1024 cells in 32 rows. */
	ASSERT_EQ(count_lines(text), 2 + 32);
	ASSERT_TRUE(!strcmp(line_at(text, 33), "0x27f0 ................................|\n"));
	fixture_free(f);

	f = fixture_new(1025, 10);
	ASSERT_TRUE(f);
	/* The tail page first (the smallest block that fits), then the rest. */
	ASSERT_EQ(run(f, "alloc 0 tag=Z"), 0);
	ASSERT_EQ(run(f, "alloc 10 tag=A"), 0);
	text = draw(f, view_map);
	/* 513 cells: 16 rows of 32 and one of one. */
	ASSERT_EQ(count_lines(text), 3 + 17 + 2);
	ASSERT_TRUE(!strncmp(text, head, strlen(head)));
	ASSERT_TRUE(!strcmp(line_at(text, 18), tail));
	fixture_free(f);

	f = fixture_new(4, 2);
	ASSERT_TRUE(f);
	ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_TRUE(dev_block(f, 0, NULL));
	ASSERT_TRUE(!strcmp(line_at(draw(f, view_map), 2), owners));
	/* Without memory for the keys: says so, and draws nothing. */
	buddy_shim_fail_nth = 1;
	text = draw(f, view_map);
	buddy_shim_fail_nth = 0;
	ASSERT_TRUE(text_is(text, "# map: out of memory\n"));
	fixture_free(f);
	return true;
}

/*
 * The tree below an upper buddy (no branch goes on past it), the extfrag
 * index at exactly 0, and check's two kinds of fault.
 */
static bool test_view_tree_vmstat_check(void)
{
	/* Each value followed by a space, the last too. */
	static const char extfrag[] = "Node 0, zone    buddy -1.000  0.000  0.250  0.375 ";
	static const char tree[] = {
		"0x2410-0x241f order=4 pages=16 split\n"
		"├─ 0x2410-0x2417 order=3 pages=8 allocated tag=A pid=42\n"
		"└─ 0x2418-0x241f order=3 pages=8 split\n"
		"   ├─ 0x2418-0x241b order=2 pages=4 split\n"
		"   │  ├─ 0x2418-0x2419 order=1 pages=2 split\n"
		"   │  │  ├─ 0x2418-0x2418 order=0 pages=1 allocated tag=B pid=42\n"
		"   │  │  └─ 0x2419-0x2419 order=0 pages=1 free\n"
		"   │  └─ 0x241a-0x241b order=1 pages=2 free\n"
		"   └─ 0x241c-0x241f order=2 pages=4 free\n"
	};
	struct fixture *f = fixture_new(16, 4);
	unsigned int order;
	void *saved;
	const char *text;
	char what[64];
	int n;
	unsigned long pfn;
	int i;

	ASSERT_TRUE(f);
	ASSERT_EQ(run(f, "alloc 3 tag=A"), 0);
	ASSERT_EQ(run(f, "alloc 0 tag=B"), 0);
	ASSERT_TRUE(text_is(draw(f, view_tree), tree));
	fixture_free(f);

	/*
	 * Two free pages, not buddies: order 0 would succeed (-1.000); for
	 * order 1, 1000 - (1000 + 1000 * 2 / 2) / 2 = 0, as mm/vmstat.c has it.
	 */
	f = fixture_new(8, 3);
	ASSERT_TRUE(f);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(run(f, "alloc 0"), 0);
	ASSERT_EQ(run(f, "free 0x2410"), 0);
	ASSERT_EQ(run(f, "free 0x2412"), 0);
	buddy_out_reset(&f->out);
	buddy_view_vmstat(&f->out, &f->pool, BUDDY_VMSTAT_EXTFRAG);
	buddy_out_finish(&f->out);
	text = text_of(&f->out);
	ASSERT_TRUE(!strncmp(text, extfrag, strlen(extfrag)));
	ASSERT_TRUE(text_is(text + strlen(extfrag), "\n"));

	ASSERT_TRUE(text_is(draw(f, view_check), "ok\n"));
	/* The pool's own counts: no order to give. */
	f->pool.nr_recs++;
	ASSERT_TRUE(text_is(draw(f, view_check),
			    "broken: the allocation count is wrong (pfn 0x2410)\n"));
	f->pool.nr_recs--;
	/* The core's: with the order where it lies. */
	saved = malloc(f->pool.meta_bytes);
	ASSERT_TRUE(saved);
	memcpy(saved, f->pool.meta, f->pool.meta_bytes);
	memset(f->pool.meta, 0xff, f->pool.meta_bytes);
	n = sscanf(draw(f, view_check), "broken: %63[^(](order %u, pfn %lx)\n",
		   what, &order, &pfn);
	ASSERT_EQ(n, 3);
	ASSERT_TRUE(order <= 3 && pfn >= BASE && pfn < BASE + 8);
	memcpy(f->pool.meta, saved, f->pool.meta_bytes);
	free(saved);
	ASSERT_TRUE(text_is(draw(f, view_check), "ok\n"));
	fixture_free(f);
	return true;
}

const struct buddy_test buddy_view_tests[] = {
	BUDDY_TEST(view_sink_whole_lines),
	BUDDY_TEST(view_escape_bounds),
	BUDDY_TEST(view_events_missing),
	BUDDY_TEST(view_alloc_told),
	BUDDY_TEST(view_free_refused),
	BUDDY_TEST(view_why_free),
	BUDDY_TEST(view_bitmaps_largest),
	BUDDY_TEST(view_map_cells),
	BUDDY_TEST(view_tree_vmstat_check),
};

const unsigned int nr_buddy_view_tests = ARRAY_SIZE(buddy_view_tests);
