/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy_pool_fixture.h - a pool as debugfs and one /dev/buddy file use it,
 * for the tests of the pool layer (buddy_pool_test.c) and of its texts
 * (buddy_view_test.c): commands run as debugfs runs them, views drawn into
 * a buffer, and texts compared with what is wanted, both printed if not.
 */
#ifndef _BUDDY_POOL_FIXTURE_H
#define _BUDDY_POOL_FIXTURE_H

#include <stdbool.h>

#include "buddy_pool.h"
#include "buddy_view.h"

#define BASE		0x2410UL	/* the pool's first pfn */
#define FIXTURE_OUT_MAX	131072		/* a 4096-page pool's bitmaps fit */

struct fixture {
	struct buddy_pool pool;
	struct buddy_who who;		/* pid 42, "tester" */
	struct pid pid;
	struct buddy_owner dev;		/* a /dev/buddy file's, dev#7 */
	struct buddy_out out;
	char buf[FIXTURE_OUT_MAX];
	char why[160];
};

bool fixture_init(struct fixture *f, unsigned long pages,
		  unsigned int max_order);
struct fixture *fixture_new(unsigned long pages, unsigned int max_order);
void fixture_free(struct fixture *f);
int run(struct fixture *f, const char *cmd);
struct buddy_rec *dev_block(struct fixture *f, unsigned int order,
			    const char *tag);

const char *text_of(struct buddy_out *out);
bool text_is(const char *got, const char *want);
unsigned long count_lines(const char *s);
const char *draw(struct fixture *f,
		 void (*view)(struct buddy_out *, struct buddy_pool *));

/* The views that take only the pool, for draw(). */
void view_stats(struct buddy_out *out, struct buddy_pool *pool);
void view_check(struct buddy_out *out, struct buddy_pool *pool);
void view_tree(struct buddy_out *out, struct buddy_pool *pool);
void view_bitmaps(struct buddy_out *out, struct buddy_pool *pool);
void view_map(struct buddy_out *out, struct buddy_pool *pool);

/* A sink's grow(), as control's: up to 1 MiB; the last size asked. */
extern size_t grow_asked;
bool grow_to(struct buddy_out *out, size_t size);

#endif /* _BUDDY_POOL_FIXTURE_H */
