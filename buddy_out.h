/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where text goes: a seq_file, a FILE, or a bounded buffer
 *
 * Every text the module produces is written once, in buddy_view.c, against
 * this small sink, so that debugfs (a seq_file), the results kept per open
 * file (a bounded buffer) and buddyctl's in-process twin (a FILE) print the
 * same bytes by construction.
 *
 * A buffer sink keeps whole lines only: a line that does not fit is rolled
 * back, and so is every line after it, and buddy_out_finish() says how many
 * were cut.  Nothing is ever cut silently.
 */
#ifndef _BUDDY_OUT_H
#define _BUDDY_OUT_H

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/types.h>
#else
#include "buddy_pool_shim.h"
#endif

/* Room kept at the end of a buffer for the "truncated" line. */
#define BUDDY_OUT_MARK_LEN	64

struct buddy_out {
	/* A sink other than a buffer (seq_file, FILE) sets this. */
	void (*write)(struct buddy_out *out, const char *s, size_t len);
	/*
	 * A buffer sink may set this: called when a line does not fit, to
	 * make buf at least @size bytes (keeping its contents); false if it
	 * cannot, and the line is cut as usual.
	 */
	bool (*grow)(struct buddy_out *out, size_t size);
	void *priv;			/* the sink's own: a seq_file, a FILE */
	char *buf;			/* buffer sinks */
	size_t size;			/* bytes of buf */
	size_t len;			/* bytes of whole lines kept */
	size_t line;			/* bytes of the current line so far */
	unsigned long dropped;		/* lines cut off, plus one */
	unsigned long missing;		/* lines lost before they came */
};

void buddy_out_init_buf(struct buddy_out *out, char *buf, size_t size);
void buddy_out_reset(struct buddy_out *out);
void buddy_out_write(struct buddy_out *out, const char *s, size_t len);
__printf(2, 3) void buddy_printf(struct buddy_out *out, const char *fmt, ...);
void buddy_puts(struct buddy_out *out, const char *s);
void buddy_out_finish(struct buddy_out *out);
void buddy_out_missing(struct buddy_out *out, unsigned long lines);

size_t buddy_escape(char *dst, size_t size, const char *src, size_t len);

#endif /* _BUDDY_OUT_H */
