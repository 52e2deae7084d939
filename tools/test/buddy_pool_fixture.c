// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_pool_fixture.c - the pool the pool layer's and the views' tests
 * share (buddy_pool_fixture.h).
 */
#include <stdlib.h>
#include <string.h>

#include "buddy_pool_fixture.h"
#include "buddy_test.h"

/* A pool of @pages from BASE, every page free; @f's other fields set. */
bool fixture_init(struct fixture *f, unsigned long pages,
		  unsigned int max_order)
{
	memset(&f->pool, 0, sizeof(f->pool));
	ASSERT_EQ(buddy_pool_init(&f->pool, BASE, pages, max_order, 12, 0), 0);
	f->pid.nr = 42;
	f->who.pid = &f->pid;
	f->who.comm = "tester";
	f->dev.id = 7;
	INIT_LIST_HEAD(&f->dev.blocks);
	buddy_out_init_buf(&f->out, f->buf, sizeof(f->buf) - 1);
	return true;
}

struct fixture *fixture_new(unsigned long pages, unsigned int max_order)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f && !fixture_init(f, pages, max_order)) {
		free(f);
		return NULL;
	}
	return f;
}

/* Every block goes with the pool, whoever holds it. */
void fixture_free(struct fixture *f)
{
	buddy_pool_destroy(&f->pool);
	free(f);
}

/* Runs @cmd as debugfs would; the text it printed is left in f->buf. */
int run(struct fixture *f, const char *cmd)
{
	int ret;

	buddy_out_reset(&f->out);
	ret = buddy_pool_command(&f->pool, &f->pool.debugfs_owner, &f->who,
				 cmd, strlen(cmd), &f->out, f->why,
				 sizeof(f->why));
	buddy_out_finish(&f->out);
	f->buf[f->out.len] = '\0';
	return ret;
}

/*
 * A block of @order, tagged @tag if not NULL, for the fixture's /dev/buddy
 * file, its steps kept as an ALLOC keeps them; NULL if refused.
 */
struct buddy_rec *dev_block(struct fixture *f, unsigned int order,
			    const char *tag)
{
	struct buddy_request req = { .order = order, .tag = tag };
	struct buddy_rec *rec;

	if (buddy_pool_alloc(&f->pool, &f->dev, &f->who, &req, &rec))
		return NULL;
	buddy_pool_commit(&f->pool);
	return rec;
}

/* A buffer sink's text, NUL-terminated (its buffer keeps a byte for it). */
const char *text_of(struct buddy_out *out)
{
	out->buf[out->len] = '\0';
	return out->buf;
}

bool text_is(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return true;
	fprintf(stderr, "text:\n--- got\n%s--- want\n%s---\n", got, want);
	return false;
}

unsigned long count_lines(const char *s)
{
	unsigned long n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Text of one view, drawn into f->buf. */
const char *draw(struct fixture *f,
		 void (*view)(struct buddy_out *, struct buddy_pool *))
{
	buddy_out_reset(&f->out);
	view(&f->out, &f->pool);
	buddy_out_finish(&f->out);
	return text_of(&f->out);
}

void view_stats(struct buddy_out *out, struct buddy_pool *pool)
{
	buddy_view_stats(out, pool);
}

void view_check(struct buddy_out *out, struct buddy_pool *pool)
{
	buddy_view_check(out, pool);
}

void view_tree(struct buddy_out *out, struct buddy_pool *pool)
{
	struct buddy_core_node node;
	bool more;

	for (more = buddy_core_walk_first(&pool->core, &node); more;
	     more = buddy_core_walk_next(&pool->core, &node))
		buddy_view_tree_node(out, pool, &node);
}

void view_bitmaps(struct buddy_out *out, struct buddy_pool *pool)
{
	buddy_view_bitmaps(out, pool);
}

void view_map(struct buddy_out *out, struct buddy_pool *pool)
{
	buddy_view_map(out, pool);
}

size_t grow_asked;

bool grow_to(struct buddy_out *out, size_t size)
{
	char *buf;

	grow_asked = size;
	if (size > 1 << 20)
		return false;
	/* A byte more, for text_of()'s NUL. */
	buf = realloc(out->buf, size + 1);
	if (!buf)
		return false;
	out->buf = buf;
	out->size = size;
	return true;
}
