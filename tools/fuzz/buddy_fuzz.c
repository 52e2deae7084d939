// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_fuzz.c - libFuzzer target: the core against the model
 *
 * The input is a pool shape and a list of operations:
 *
 *   bytes 0-1  little endian: nr_frames - 1 in the low 10 bits, times 16
 *              if the top 6 bits are all set (up to 16384 frames: three
 *              summary levels in the core's bitmaps).  Large pools are
 *              rare because every walk of them costs O(nr_frames).
 *   byte  2    max_order, modulo 42 (41 is invalid: init must fail)
 *   then       an opcode byte each, low 3 bits the operation, followed by
 *              its arguments; missing bytes read as 0
 *
 * Each operation goes through buddy_diff.c, which compares the core with the
 * model (tools/test/buddy_model.c) and returns false on any difference (with
 * the observer on, the steps reported too), and is followed by the core's
 * audit; the target then aborts so libFuzzer
 * keeps the input.  At the end the whole tree is compared, everything is
 * freed, and the tree must be as after init.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "buddy_diff.h"

struct input {
	const uint8_t *data;
	size_t size;
};

static unsigned int get8(struct input *in)
{
	if (!in->size)
		return 0;
	in->size--;
	return *in->data++;
}

static unsigned int get16(struct input *in)
{
	unsigned int low = get8(in);

	return low | get8(in) << 8;
}

enum fuzz_op {
	FUZZ_ALLOC,		/* order: byte, up to max_order + 2 */
	FUZZ_FREE_LIVE,		/* which live block: 2 bytes */
	FUZZ_FREE_FRAME,	/* any frame, maybe past the pool: 2 bytes */
	FUZZ_FREE_INTERIOR,	/* live block, offset: 2 + 2 bytes */
	FUZZ_FREE_FAR,		/* ULONG_MAX - n or nr_frames + n: byte */
	FUZZ_QUERY,		/* frame, order: 2 + 1 bytes */
	FUZZ_SEEK,		/* frame, order: 2 + 1 bytes */
	FUZZ_WALK,		/* with bit 3: the observer on or off */
};

static bool run_op(struct buddy_diff *diff, struct input *in)
{
	unsigned long nr_frames = diff->model.nr_frames;
	unsigned int max_order = diff->model.max_order;
	unsigned int op = get8(in), frame, far;

	switch (op & 7) {
	case FUZZ_ALLOC:
		return diff_alloc(diff, get8(in) % (max_order + 3));
	case FUZZ_FREE_LIVE:
		return diff_free_live(diff, get16(in));
	case FUZZ_FREE_FRAME:
		return diff_free(diff, get16(in));
	case FUZZ_FREE_INTERIOR:
		frame = get16(in);
		return diff_free_interior(diff, frame, get16(in));
	case FUZZ_FREE_FAR:
		far = get8(in);
		return diff_free(diff, op & 8 ? ULONG_MAX - far :
						nr_frames + far);
	case FUZZ_QUERY:
		frame = get16(in) % (nr_frames + 2);
		return diff_query(diff, frame, get8(in) % (max_order + 2));
	case FUZZ_SEEK:
		frame = get16(in) % (nr_frames + 1);
		return diff_seek(diff, frame, get8(in) % (max_order + 2));
	default:
		if (op & 8)
			diff_observe(diff, !diff->observing);
		return diff_compare_walk(diff);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int shape = get16(&in);
	unsigned long nr_frames = (1 + (shape & 0x3ff)) <<
				  ((shape >> 10) == 0x3f ? 4 : 0);
	unsigned int max_order = get8(&in) % (BUDDY_CORE_MAX_ORDER + 2);
	struct buddy_diff diff;
	bool ok;
	int ret;

	if (!diff_init(&diff, nr_frames, max_order, &ret))
		abort();
	if (ret)
		return 0;	/* both refused the shape */

	/* The audit after every operation: stale state may heal later. */
	ok = true;
	while (ok && in.size)
		ok = run_op(&diff, &in) && diff_audit(&diff);
	ok = ok && diff_compare_walk(&diff);
	while (ok && diff.nr_live)
		ok = diff_free_live(&diff, 0);
	ok = ok && diff_compare_walk(&diff) &&
	     buddy_core_free_frames(&diff.pool.core) == nr_frames;
	diff_destroy(&diff);
	if (!ok)
		abort();
	return 0;
}
