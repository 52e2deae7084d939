// SPDX-License-Identifier: GPL-2.0
/*
 * Every text format of a pool, written once
 *
 * debugfs shows these through seq_file sinks, the results kept per open
 * file are buffer sinks, and buddyctl's in-process twin writes them to a
 * FILE: one function per view, so the module and the twin cannot drift.
 * The formats copy the kernel's where one exists (mm/vmstat.c for the
 * buddyinfo and extfrag lines); everything a user controls is escaped
 * (buddy_escape()) before it is printed, so no name can forge a line.
 */

#include "buddy_view.h"

#ifdef __KERNEL__
#include <linux/math64.h>
#include <linux/slab.h>
#include "buddy_compat.h"
#include <linux/string.h>
#include <linux/time64.h>
#endif

/* === Sinks === */

/**
 * buddy_out_init_buf() - Make a sink that keeps whole lines in a buffer.
 * @out: The sink.
 * @buf: Its memory; BUDDY_OUT_MARK_LEN bytes of it are kept for the
 *       "truncated" line of buddy_out_finish().
 * @size: Bytes of @buf, more than BUDDY_OUT_MARK_LEN.
 */
void buddy_out_init_buf(struct buddy_out *out, char *buf, size_t size)
{
	memset(out, 0, sizeof(*out));
	out->buf = buf;
	out->size = size;
}

/**
 * buddy_out_reset() - Empty a buffer sink.
 * @out: The sink.
 */
void buddy_out_reset(struct buddy_out *out)
{
	out->len = 0;
	out->line = 0;
	out->dropped = 0;
	out->missing = 0;
}

static void buf_write(struct buddy_out *out, const char *s, size_t len)
{
	size_t room = out->size - BUDDY_OUT_MARK_LEN, n;
	const char *nl;

	while (len) {
		nl = memchr(s, '\n', len);
		n = nl ? (size_t)(nl - s) + 1 : len;

		/* Once a line is cut, every later one is too: no gaps. */
		if (!out->dropped && out->len + out->line + n > room &&
		    out->grow &&
		    out->grow(out, out->len + out->line + n + BUDDY_OUT_MARK_LEN))
			room = out->size - BUDDY_OUT_MARK_LEN;
		if (!out->dropped && out->len + out->line + n <= room) {
			memcpy(out->buf + out->len + out->line, s, n);
			out->line += n;
		} else if (!out->dropped) {
			out->dropped = 1;
			out->line = 0;
		}
		if (nl) {
			if (out->dropped)
				out->dropped++;
			else
				out->len += out->line;
			out->line = 0;
		}
		s += n;
		len -= n;
	}
}

/**
 * buddy_out_write() - Write bytes to a sink.
 * @out: The sink.
 * @s: The bytes.
 * @len: How many.
 */
void buddy_out_write(struct buddy_out *out, const char *s, size_t len)
{
	if (out->write)
		out->write(out, s, len);
	else
		buf_write(out, s, len);
}

/**
 * buddy_printf() - Format text into a sink.
 * @out: The sink.
 * @fmt: printf format; a single call writes at most 255 bytes.
 */
void buddy_printf(struct buddy_out *out, const char *fmt, ...)
{
	char text[256];
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	buddy_out_write(out, text, n);
}

/**
 * buddy_puts() - Write a string to a sink.
 * @out: The sink.
 * @s: The string.
 */
void buddy_puts(struct buddy_out *out, const char *s)
{
	buddy_out_write(out, s, strlen(s));
}

/**
 * buddy_out_finish() - End a buffer sink's text.
 * @out: The sink.
 *
 * If lines were cut (or were missing, buddy_out_missing()), adds
 * "truncated lines=N bytes=KEPT", in the room kept for it, so a reader
 * always knows: N lines are not there, and the KEPT bytes above the mark
 * are whole lines.  An unfinished last line is dropped.
 */
void buddy_out_finish(struct buddy_out *out)
{
	unsigned long lines = out->missing + (out->dropped ? out->dropped - 1 : 0);

	if (out->write)
		return;
	out->line = 0;
	if (lines)
		out->len += scnprintf(out->buf + out->len, out->size - out->len,
				      "truncated lines=%lu bytes=%zu\n", lines,
				      out->len);
}

/**
 * buddy_out_missing() - Count lines a text should have had but lost.
 * @out: The sink.
 * @lines: How many, e.g. steps no longer kept when they were asked for.
 *
 * buddy_out_finish() counts them with the lines cut.
 */
void buddy_out_missing(struct buddy_out *out, unsigned long lines)
{
	out->missing += lines;
}

/**
 * buddy_escape() - Make a user-controlled string safe to print.
 * @dst: Where the escaped string goes, NUL-terminated.
 * @size: Bytes of @dst, at least 1; 4 * @len + 1 always suffice.
 * @src: The bytes.
 * @len: How many (a NUL ends them earlier).
 *
 * Printable ASCII other than the backslash stays; a backslash becomes
 * "\\" and any other byte (control characters, DEL, bytes from 0x80 up,
 * which some terminals take as controls) becomes "\ooo" in octal, in the
 * style of /proc/mounts (which escapes only space, tab, newline, '#' and
 * the backslash).  So an escaped string never holds a line break or a
 * terminal escape.
 *
 * Return: the length of the escaped string.
 */
size_t buddy_escape(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len && src[i]; i++) {
		unsigned char c = src[i];
		char seq[5];
		size_t k;

		if (c == '\\')
			k = scnprintf(seq, sizeof(seq), "\\\\");
		else if (c < ' ' || c > '~')
			k = scnprintf(seq, sizeof(seq), "\\%03o", c);
		else
			k = scnprintf(seq, sizeof(seq), "%c", c);
		if (n + k >= size)
			break;
		memcpy(dst + n, seq, k);
		n += k;
	}
	dst[n] = '\0';
	return n;
}

/* === Results === */

/**
 * buddy_errno_name() - The name of an errno the pool returns.
 * @err: A negative errno.
 *
 * Return: "EINVAL" and the like, or "E?" for one the pool never returns.
 */
const char *buddy_errno_name(int err)
{
	switch (err) {
	case -EINVAL:	return "EINVAL";
	case -ERANGE:	return "ERANGE";
	case -EALREADY:	return "EALREADY";
	case -ENOMEM:	return "ENOMEM";
	case -EPERM:	return "EPERM";
	case -ENOENT:	return "ENOENT";
	case -EFAULT:	return "EFAULT";
	case -EBUSY:	return "EBUSY";
	case -EUCLEAN:	return "EUCLEAN";
	}
	return "E?";
}

/* "pfn=0x12340 order=3 pages=8 tag=A": a block in results and listings. */
void buddy_view_block(struct buddy_out *out, const struct buddy_pool *pool,
		      const struct buddy_rec *rec)
{
	buddy_printf(out, "pfn=0x%lx order=%u pages=%lu%s%s",
		     buddy_rec_pfn(pool, rec), rec->order, 1UL << rec->order,
		     rec->tag[0] ? " tag=" : "", rec->tag);
}

/* "pfn=0x2410 order=1 pages=2 tag=A bytes=7168 waste=1024" */
void buddy_view_alloc_result(struct buddy_out *out,
			     const struct buddy_pool *pool,
			     const struct buddy_rec *rec)
{
	buddy_view_block(out, pool, rec);
	if (rec->bytes)
		buddy_printf(out, " bytes=%llu waste=%llu",
			     (unsigned long long)rec->bytes,
			     (unsigned long long)buddy_rec_waste(pool, rec));
	buddy_puts(out, "\n");
}

/* "freed pfn=0x2410 order=1 pages=2 tag=A" */
void buddy_view_freed(struct buddy_out *out, const struct buddy_pool *pool,
		      const struct buddy_rec *rec)
{
	buddy_puts(out, "freed ");
	buddy_view_block(out, pool, rec);
	buddy_puts(out, "\n");
}

/* "error=EALREADY why=pfn 0x2411 lies in free block ...": a refusal. */
void buddy_view_error(struct buddy_out *out, int err, const char *why)
{
	buddy_printf(out, "error=%s why=%s\n", buddy_errno_name(err), why);
}

/* === The tree === */

static const char *const state_name[] = {
	[BUDDY_CORE_SPLIT] = "split",
	[BUDDY_CORE_FREE] = "free",
	[BUDDY_CORE_ALLOCATED] = "allocated",
};

/*
 * "│  ├─ 0x12300-0x12307 order=3 pages=8 allocated tag=A pid=97".  The lower
 * buddy of a pair has bit "order" of its frame clear and is drawn with a
 * continuing branch; so are the ancestors it hangs from.
 */
void buddy_view_tree_node(struct buddy_out *out, struct buddy_pool *pool,
			  const struct buddy_core_node *n)
{
	unsigned long first = pool->first_pfn + n->frame;
	const struct buddy_rec *rec;
	unsigned int depth;

	for (depth = 1; depth < n->depth; depth++)
		buddy_puts(out, (n->frame >> (n->order + n->depth - depth)) & 1 ?
			   "   " : "│  ");
	if (n->depth)
		buddy_puts(out, (n->frame >> n->order) & 1 ? "└─ " : "├─ ");
	buddy_printf(out, "0x%lx-0x%lx order=%u pages=%lu %s", first,
		     first + (1UL << n->order) - 1, n->order, 1UL << n->order,
		     state_name[n->state]);
	if (n->state == BUDDY_CORE_ALLOCATED) {
		rec = xa_load(&pool->recs, n->frame);
		if (rec && rec->tag[0])
			buddy_printf(out, " tag=%s", rec->tag);
		if (rec)
			buddy_printf(out, " pid=%d", pid_vnr(rec->pid));
	}
	buddy_puts(out, "\n");
}

/* === The mm/vmstat.c views === */

/*
 * One line as mm/vmstat.c prints it for a zone: "Node %d, zone %8s ", then
 * a value per order 0..max_order, each followed by a space, as
 * frag_show_print(), unusable_show_print() and extfrag_show_print() do.
 */
void buddy_view_vmstat(struct buddy_out *out, const struct buddy_pool *pool,
		       enum buddy_vmstat which)
{
	const struct buddy_core *core = &pool->core;
	unsigned int order;
	int index, mag;

	buddy_printf(out, "Node %d, zone %8s ", pool->nid, "buddy");
	for (order = 0; order <= buddy_core_max_order(core); order++) {
		switch (which) {
		case BUDDY_VMSTAT_BUDDYINFO:
			buddy_printf(out, "%6lu ",
				     buddy_core_free_blocks(core, order));
			break;
		case BUDDY_VMSTAT_UNUSABLE:
			index = buddy_core_unusable_index(core, order);
			buddy_printf(out, "%d.%03d ", index / 1000,
				     index % 1000);
			break;
		case BUDDY_VMSTAT_EXTFRAG:
			/*
			 * mm/vmstat.c prints "%2d.%03d": between -1000 and 0
			 * (one free block, smaller than the request) that
			 * gives " 0.-500".  The sign goes first here, so
			 * -500 reads "-0.500"; every other value as there.
			 */
			index = buddy_core_extfrag_index(core, order);
			mag = index < 0 ? -index : index;
			buddy_printf(out, "%s%d.%03d ", index < 0 ? "-" : " ",
				     mag / 1000, mag % 1000);
			break;
		}
	}
	buddy_puts(out, "\n");
}

/* === Stats, allocations, check === */

static void stat_line(struct buddy_out *out, const char *name,
		      unsigned long long value)
{
	buddy_printf(out, "%-24s %llu\n", name, value);
}

/* "name value" lines: totals, then counters of what happened. */
void buddy_view_stats(struct buddy_out *out, const struct buddy_pool *pool)
{
	const struct buddy_core *core = &pool->core;
	const struct buddy_core_stats *st = buddy_core_get_stats(core);
	const struct buddy_core_stats *undone = &pool->undone;

	stat_line(out, "pages_total", buddy_core_nr_frames(core));
	stat_line(out, "pages_free", buddy_core_free_frames(core));
	stat_line(out, "pages_allocated", buddy_core_allocated_frames(core));
	stat_line(out, "allocations", pool->nr_recs);
	stat_line(out, "waste_bytes", pool->waste_bytes);
	stat_line(out, "meta_bytes", pool->meta_bytes);
	stat_line(out, "max_order", buddy_core_max_order(core));
	/* Less what undone operations did: they never happened. */
	stat_line(out, "allocs", st->allocs - undone->allocs);
	stat_line(out, "frees", st->frees - undone->frees);
	stat_line(out, "failed_allocs", pool->failed_allocs);
	stat_line(out, "splits", st->splits - undone->splits);
	stat_line(out, "merges", st->merges - undone->merges);
	stat_line(out, "rejected_free_range",
		  pool->rejected[BUDDY_REJECT_RANGE]);
	stat_line(out, "rejected_free_double",
		  pool->rejected[BUDDY_REJECT_DOUBLE]);
	stat_line(out, "rejected_free_interior",
		  pool->rejected[BUDDY_REJECT_INTERIOR]);
	stat_line(out, "rejected_free_perm", pool->rejected[BUDDY_REJECT_PERM]);
	stat_line(out, "rejected_commands", pool->rejected_commands);
	stat_line(out, "rejected_free_busy", pool->rejected[BUDDY_REJECT_BUSY]);
	stat_line(out, "mapped_blocks", pool->nr_mapped);
	stat_line(out, "deferred_blocks", pool->nr_deferred);
}

/*
 * "pfn=0x2410 order=1 pages=2 tag=A pid=97 age_ms=1234 request=bytes:7168
 * waste=1024 owner=debugfs comm=sh".  comm is last and escaped: a process
 * names itself, and nothing it picks may look like a line of its own.
 */
void buddy_view_allocation(struct buddy_out *out,
			   const struct buddy_pool *pool,
			   const struct buddy_rec *rec, u64 now_ns)
{
	char comm[4 * BUDDY_COMM_LEN + 1];
	/* A record is never younger than the clock read after it. */
	u64 age = now_ns > rec->ts_ns ? now_ns - rec->ts_ns : 0;

	buddy_view_block(out, pool, rec);
	buddy_printf(out, " pid=%d age_ms=%llu", pid_vnr(rec->pid),
		     (unsigned long long)div_u64(age, NSEC_PER_MSEC));
	if (rec->bytes)
		buddy_printf(out, " request=bytes:%llu",
			     (unsigned long long)rec->bytes);
	else
		buddy_printf(out, " request=order:%u", rec->order);
	buddy_printf(out, " waste=%llu",
		     (unsigned long long)buddy_rec_waste(pool, rec));
	if (rec->owner->id)
		buddy_printf(out, " owner=dev#%llu",
			     (unsigned long long)rec->owner->id);
	else
		buddy_puts(out, " owner=debugfs");
	if (rec->mapcount)
		buddy_printf(out, " mapped=%u", rec->mapcount);
	if (rec->deferred)
		buddy_puts(out, " deferred=1");
	buddy_escape(comm, sizeof(comm), rec->comm, sizeof(rec->comm));
	buddy_printf(out, " comm=%s\n", comm);
}

/* Every live allocation, by pfn.  @now_ns: read after the pool's lock. */
void buddy_view_allocations(struct buddy_out *out, struct buddy_pool *pool,
			    u64 now_ns)
{
	struct buddy_rec *rec;
	unsigned long frame;

	xa_for_each(&pool->recs, frame, rec)
		buddy_view_allocation(out, pool, rec, now_ns);
}

/* "ok", or "broken: what (where)". */
void buddy_view_check(struct buddy_out *out, struct buddy_pool *pool)
{
	unsigned long pfn;
	unsigned int order;
	const char *what = buddy_pool_audit(pool, &pfn, &order);

	if (!what)
		buddy_puts(out, "ok\n");
	else if (order != -1U)
		buddy_printf(out, "broken: %s (order %u, pfn 0x%lx)\n", what,
			     order, pfn);
	else
		buddy_printf(out, "broken: %s (pfn 0x%lx)\n", what, pfn);
}

/* === Steps === */

static const char *const event_name[] = {
	[BUDDY_EV_ALLOC] = "alloc",
	[BUDDY_EV_FREE] = "free",
	[BUDDY_EV_SPLIT] = "split",
	[BUDDY_EV_MERGE] = "merge",
	[BUDDY_EV_STOP] = "stop",
	[BUDDY_EV_FAIL] = "fail",
	[BUDDY_EV_REJECT] = "reject",
};

/* Why merging stopped, in one word each. */
const char *const buddy_stop_word[] = {
	[BUDDY_STOP_BUDDY_ALLOCATED] = "buddy_allocated",
	[BUDDY_STOP_BUDDY_SPLIT] = "buddy_split",
	[BUDDY_STOP_ROOT] = "root",
	[BUDDY_STOP_MAX_ORDER] = "max_order",
};

/* " owner=debugfs" or " owner=dev#N", then " tag=T" if tagged. */
static void event_who(struct buddy_out *out, const struct buddy_event *ev)
{
	if (ev->owner)
		buddy_printf(out, " owner=dev#%llu",
			     (unsigned long long)ev->owner);
	else
		buddy_puts(out, " owner=debugfs");
	if (ev->tag[0])
		buddy_printf(out, " tag=%s", ev->tag);
}

/**
 * buddy_view_event() - One step: "seq=N STEP key=value ...".
 * @out: The sink.
 * @ev: The event.
 *
 * The keys every step has come first (pfns in 0x hex), then the optional
 * ones: "alloc pfn=P order=K", "free pfn=P order=K", "split pfn=P order=K
 * lower=P upper=Q", "merge pfn=P buddy=Q order=K into=R", "stop pfn=P
 * order=K why=WORD", "fail order=K error=ENAME", "reject pfn=P
 * error=ENAME".
 */
void buddy_view_event(struct buddy_out *out, const struct buddy_event *ev)
{
	unsigned long long pfn = ev->pfn, other = ev->other;

	buddy_printf(out, "seq=%llu %s", (unsigned long long)ev->seq,
		     event_name[ev->kind]);
	switch (ev->kind) {
	case BUDDY_EV_ALLOC:
		buddy_printf(out, " pfn=0x%llx order=%u from_order=%u", pfn,
			     ev->order, ev->from_order);
		event_who(out, ev);
		break;
	case BUDDY_EV_FREE:
		buddy_printf(out, " pfn=0x%llx order=%u", pfn, ev->order);
		event_who(out, ev);
		break;
	case BUDDY_EV_SPLIT:
		buddy_printf(out, " pfn=0x%llx order=%u lower=0x%llx upper=0x%llx",
			     pfn, ev->order, pfn, other);
		break;
	case BUDDY_EV_MERGE:
		buddy_printf(out, " pfn=0x%llx buddy=0x%llx order=%u into=0x%llx",
			     pfn, other, ev->order, pfn < other ? pfn : other);
		break;
	case BUDDY_EV_STOP:
		buddy_printf(out, " pfn=0x%llx order=%u why=%s", pfn, ev->order,
			     buddy_stop_word[ev->why]);
		if (ev->has_other)
			buddy_printf(out, " buddy=0x%llx", other);
		break;
	case BUDDY_EV_FAIL:
		buddy_printf(out, " order=%u error=%s", ev->order,
			     buddy_errno_name(ev->error));
		event_who(out, ev);
		break;
	case BUDDY_EV_REJECT:
		buddy_printf(out, " pfn=0x%llx error=%s", pfn,
			     buddy_errno_name(ev->error));
		if (ev->has_other)
			buddy_printf(out, " block=0x%llx block_order=%u", other,
				     ev->order);
		event_who(out, ev);
		break;
	}
	buddy_puts(out, "\n");
}

/**
 * buddy_view_events_since() - The events after one, as far as kept.
 * @out: The sink.
 * @pool: The pool.
 * @seq: The last event not to show (pool->seq before an operation).
 *
 * Steps of the operation that the ring no longer keeps are counted as
 * missing lines (buddy_out_missing()), never left out silently.
 */
void buddy_view_events_since(struct buddy_out *out,
			     const struct buddy_pool *pool, u64 seq)
{
	u64 first = buddy_pool_first_seq(pool);

	if (first > seq + 1) {
		buddy_out_missing(out, first - seq - 1);
		seq = first - 1;
	}
	while (seq < pool->seq)
		buddy_view_event(out, buddy_pool_event(pool, ++seq));
}

/* === What /dev/buddy's read() tells of an ALLOC or a FREE === */

/**
 * buddy_view_alloc_told() - The text of an allocation, made or refused.
 * @out: A buffer sink; emptied first, finished after.
 * @pool: The pool.
 * @seq: pool->seq before the allocation: its steps follow.
 * @err: 0 or what buddy_pool_alloc() returned.
 * @rec: The block made, when @err is 0.
 * @order: The order asked for.
 * @no_block: The allocator had no block (failed_allocs moved).
 */
void buddy_view_alloc_told(struct buddy_out *out, struct buddy_pool *pool,
			   u64 seq, int err, const struct buddy_rec *rec,
			   unsigned int order, bool no_block)
{
	char why[160];

	buddy_out_reset(out);
	if (err) {
		buddy_why_alloc(pool, err, order, no_block, why, sizeof(why));
		buddy_view_error(out, err, why);
	} else {
		buddy_view_alloc_result(out, pool, rec);
	}
	buddy_view_events_since(out, pool, seq);
	buddy_out_finish(out);
}

/**
 * buddy_view_free_refused() - The text of a refused free.
 * @out: A buffer sink; emptied first, finished after.
 * @pool: The pool.
 * @seq: pool->seq before the free: the refusal's step follows.
 * @err: What buddy_pool_find() said.
 * @pfn: The pfn asked for.
 */
void buddy_view_free_refused(struct buddy_out *out, struct buddy_pool *pool,
			     u64 seq, int err, u64 pfn)
{
	char why[160];

	buddy_out_reset(out);
	buddy_why_free(pool, pfn, err, why, sizeof(why));
	buddy_view_error(out, err, why);
	buddy_view_events_since(out, pool, seq);
	buddy_out_finish(out);
}

/* === The bitmaps of the textbook implementation === */

/* Above this many pages, "bitmaps" gives counts instead of bits. */
#define BITMAPS_MAX_PAGES	4096

/*
 * The bits of one order: a 0 or a 1 per naturally aligned block, lowest
 * first; 1 where a real block of this order is @state.  Drawn from the
 * tree, not from the core's own bitmaps, so the view means what a textbook
 * means whatever layout the core uses.
 */
static unsigned long order_bits(struct buddy_out *out,
				const struct buddy_pool *pool,
				unsigned int order,
				enum buddy_core_state state)
{
	unsigned long next = 0, ones = 0, nr = pool->nr_pages >> order;
	struct buddy_core_node node;
	char chunk[64];
	size_t n = 0;
	bool more;

	for (more = buddy_core_walk_first(&pool->core, &node);; ) {
		/* Where the next 1 goes, or the end of the order. */
		unsigned long one = nr;

		for (; more; more = buddy_core_walk_next(&pool->core, &node)) {
			if (node.order == order && node.state == state) {
				one = node.frame >> order;
				more = buddy_core_walk_next(&pool->core, &node);
				break;
			}
		}
		for (; next < one; next++) {
			chunk[n++] = '0';
			if (n == sizeof(chunk)) {
				if (out)
					buddy_out_write(out, chunk, n);
				n = 0;
			}
		}
		if (one == nr)
			break;
		chunk[n++] = '1';
		next++;
		ones++;
		if (n == sizeof(chunk)) {
			if (out)
				buddy_out_write(out, chunk, n);
			n = 0;
		}
	}
	if (out)
		buddy_out_write(out, chunk, n);
	return ones;
}

/**
 * buddy_view_bitmaps() - The tree as per-order free and split bit arrays.
 * @out: The sink.
 * @pool: The pool.
 *
 * "order=K free=BITS split=BITS", from max_order down to 0, a bit per
 * naturally aligned block of order K; "split=-" at order 0.  Pools of more
 * than BITMAPS_MAX_PAGES pages get the count of ones and of blocks
 * instead ("free=ONES/BLOCKS"), and a first line that says so.
 */
void buddy_view_bitmaps(struct buddy_out *out, const struct buddy_pool *pool)
{
	unsigned int order = buddy_core_max_order(&pool->core);
	bool bits = pool->nr_pages <= BITMAPS_MAX_PAGES;

	if (!bits)
		buddy_printf(out,
			     "# %lu pages: counts of ones per order, ones/blocks (the bits up to %d pages)\n",
			     pool->nr_pages, BITMAPS_MAX_PAGES);
	do {
		unsigned long nr = pool->nr_pages >> order;

		buddy_printf(out, "order=%u free=", order);
		if (bits)
			order_bits(out, pool, order, BUDDY_CORE_FREE);
		else
			buddy_printf(out, "%lu/%lu",
				     buddy_core_free_blocks(&pool->core, order),
				     nr);
		buddy_puts(out, " split=");
		if (!order)
			buddy_puts(out, "-");
		else if (bits)
			order_bits(out, pool, order, BUDDY_CORE_SPLIT);
		else
			buddy_printf(out, "%lu/%lu",
				     order_bits(NULL, pool, order,
						BUDDY_CORE_SPLIT), nr);
		buddy_puts(out, "\n");
	} while (order--);
}

/* === The memory bar === */

#define MAP_CELLS	32	/* cells per row */
#define MAP_MAX_CELLS	1024	/* above this, more pages per cell */
#define MAP_LABELS	62	/* A-Z a-z 0-9 */

static const char map_label_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* Who a label stands for: a tag, or an untagged owner. */
struct map_key {
	char label;
	char tag[BUDDY_TAG_LEN];	/* "" for an untagged owner's blocks */
	u64 owner;
	unsigned long first;		/* its lowest block: the key's order */
	unsigned long blocks, pages;
};

struct map {
	struct map_key key[MAP_LABELS];
	unsigned int nr_keys;
	unsigned long others;		/* blocks past the last label */
	unsigned long per_row;		/* cells a row: map_per_row() */
};

static bool label_used(const struct map *map, char c)
{
	unsigned int i;

	for (i = 0; i < map->nr_keys; i++)
		if (map->key[i].label == c)
			return true;
	return false;
}

/* A one-character tag that can be its own label, as in Stallings' figures. */
static bool own_label(const char *tag)
{
	return tag[0] && !tag[1] && strchr(map_label_chars, tag[0]);
}

/* The key of an allocated block, its tag's or its untagged owner's: if any. */
static struct map_key *map_key_find(struct map *map,
				    const struct buddy_rec *rec)
{
	struct map_key *k;
	unsigned int i;

	for (i = 0; i < map->nr_keys; i++) {
		k = &map->key[i];
		if (!strcmp(k->tag, rec->tag) &&
		    (rec->tag[0] || k->owner == rec->owner->id))
			return k;
	}
	return NULL;
}

/*
 * Counts an allocated block (at @frame) under its key, making the key if
 * there is room; a block with no key counts in map->others.
 */
static void map_count(struct map *map, unsigned long frame,
		      const struct buddy_rec *rec)
{
	struct map_key *k = map_key_find(map, rec);
	unsigned int i;

	if (!k) {
		if (map->nr_keys == MAP_LABELS) {
			map->others++;
			return;
		}
		k = &map->key[map->nr_keys++];
		strscpy(k->tag, rec->tag, sizeof(k->tag));
		k->owner = rec->owner->id;
		k->first = frame;
		/* The one-character tags took their own labels first. */
		k->label = own_label(rec->tag) ? rec->tag[0] : 0;
		for (i = 0; !k->label; i++)
			if (!label_used(map, map_label_chars[i]))
				k->label = map_label_chars[i];
	}
	k->blocks++;
	k->pages += 1UL << rec->order;
}

/* The keys in the order of their lowest blocks, as the rows show them. */
static void map_sort(struct map *map)
{
	struct map_key k;
	unsigned int i, j;

	for (i = 1; i < map->nr_keys; i++) {
		k = map->key[i];
		for (j = i; j && map->key[j - 1].first > k.first; j--)
			map->key[j] = map->key[j - 1];
		map->key[j] = k;
	}
}

/*
 * One cell: the pages [@first, @first + 2^@shift).  '.' if they lie in one
 * free block, the block's label if in one allocated block, '*' if they
 * hold several blocks.  *@starts: a block starts at @first.
 */
static char map_cell(struct map *map, struct buddy_pool *pool,
		     unsigned long first, unsigned int shift, bool *starts)
{
	unsigned long end = first + (1UL << shift);
	struct buddy_core_node node;
	struct map_key *key;

	if (end > pool->nr_pages)
		end = pool->nr_pages;
	buddy_core_lookup(&pool->core, first, &node);
	*starts = node.frame == first;
	if (node.frame + (1UL << node.order) < end)
		return '*';
	if (node.state == BUDDY_CORE_FREE)
		return '.';
	key = map_key_find(map, xa_load(&pool->recs, node.frame));
	return key ? key->label : '?';
}

/* Hex digits of the pool's last pfn. */
static int map_digits(const struct buddy_pool *pool)
{
	unsigned long last = pool->first_pfn + pool->nr_pages - 1;
	int digits = 1;

	while (last >>= 4)
		digits++;
	return digits;
}

/*
 * Cells a row: MAP_CELLS, or half as many when the pfns take more than 12
 * hex digits: a row is "0x", the label, a blank and up to 2 * cells + 1
 * characters, and must fit 80 columns (only a twin with a --base near the
 * last pfn gets there).
 */
static unsigned long map_per_row(const struct buddy_pool *pool)
{
	return map_digits(pool) > 80 - 3 - (2 * MAP_CELLS + 1) ?
	       MAP_CELLS / 2 : MAP_CELLS;
}

/* The row of cells from @cell: "0x2410 |AA|..|....|........|". */
static void map_row(struct buddy_out *out, struct map *map,
		    struct buddy_pool *pool, unsigned long cell,
		    unsigned long nr_cells, unsigned int shift)
{
	char row[2 * MAP_CELLS + 2];
	unsigned long end = cell + map->per_row < nr_cells ?
			    cell + map->per_row : nr_cells;
	size_t n = 0;
	bool starts;
	char c;

	/* Every label as wide as the last: the rows line up. */
	buddy_printf(out, "0x%0*lx ", map_digits(pool),
		     pool->first_pfn + (cell << shift));
	for (; cell < end; cell++) {
		c = map_cell(map, pool, cell << shift, shift, &starts);
		if (starts)
			row[n++] = '|';
		row[n++] = c;
	}
	/* Close the row where a block ends with it. */
	if (cell == nr_cells)
		row[n++] = '|';
	else if (map_cell(map, pool, cell << shift, shift, &starts), starts)
		row[n++] = '|';
	row[n++] = '\n';
	buddy_out_write(out, row, n);
}

/**
 * buddy_view_map() - The pool as a memory bar, as in Stallings' figures.
 * @out: The sink.
 * @pool: The pool.
 *
 * Rows of MAP_CELLS cells (half as many past 12 hex digits of pfn), each
 * labelled with its first pfn; a cell is a page, or 2^k pages when the
 * pool has more than MAP_MAX_CELLS pages.
 * '.' is free, a letter an allocated block (the key after the rows names
 * its tag or, untagged, its owner), '|' a block's first page, '*' a cell
 * of several blocks.  Every page is in a cell; every line fits 80 columns.
 */
void buddy_view_map(struct buddy_out *out, struct buddy_pool *pool)
{
	unsigned long nr_cells, cell, frame;
	unsigned int shift = 0, i;
	struct buddy_rec *rec;
	struct map_key *k;
	struct map *map;

	while (((pool->nr_pages - 1) >> shift) + 1 > MAP_MAX_CELLS)
		shift++;
	nr_cells = ((pool->nr_pages - 1) >> shift) + 1;
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map) {
		buddy_puts(out, "# map: out of memory\n");
		return;
	}
	/*
	 * The keys, with what each stands for: the one-character tags first,
	 * so that each gets its own letter whatever comes before it; then
	 * the others in pfn order, as long as letters last.
	 */
	xa_for_each(&pool->recs, frame, rec)
		if (own_label(rec->tag))
			map_count(map, frame, rec);
	xa_for_each(&pool->recs, frame, rec)
		if (!own_label(rec->tag))
			map_count(map, frame, rec);
	map_sort(map);
	map->per_row = map_per_row(pool);

	buddy_printf(out, "# map of %lu page%s from 0x%lx: %lu page%s a cell, %lu cells a row\n",
		     pool->nr_pages, pool->nr_pages == 1 ? "" : "s",
		     pool->first_pfn, 1UL << shift, shift ? "s" : "",
		     map->per_row);
	buddy_printf(out, "# %s\n",
		     "'.' free, a letter an allocated block (key below), '|' a block's start");
	/* A line of its own: the legend stays within 80 columns. */
	if (shift)
		buddy_puts(out, "# '*' a cell that holds several blocks\n");
	for (cell = 0; cell < nr_cells; cell += map->per_row)
		map_row(out, map, pool, cell, nr_cells, shift);
	for (i = 0; i < map->nr_keys; i++) {
		k = &map->key[i];
		buddy_printf(out, "# %c = ", k->label);
		if (k->tag[0])
			buddy_printf(out, "tag %s", k->tag);
		else if (k->owner)
			buddy_printf(out, "dev#%llu, untagged",
				     (unsigned long long)k->owner);
		else
			buddy_puts(out, "debugfs, untagged");
		buddy_printf(out, ": %lu block%s, %lu page%s\n", k->blocks,
			     k->blocks == 1 ? "" : "s", k->pages,
			     k->pages == 1 ? "" : "s");
	}
	if (map->others)
		buddy_printf(out, "# ? = %lu block%s of other tags and owners (past %d letters)\n",
			     map->others, map->others == 1 ? "" : "s",
			     MAP_LABELS);
	kfree(map);
}

/* === Why a command was refused === */

/**
 * buddy_why_alloc() - Why an allocation was refused.
 * @pool: The pool.
 * @err: What buddy_pool_alloc() returned.
 * @order: The order asked for.
 * @no_block: The allocator had no block (else a record could not be made).
 * @why: Filled with one line.
 * @len: Bytes of @why.
 */
void buddy_why_alloc(const struct buddy_pool *pool, int err,
		     unsigned int order, bool no_block, char *why, size_t len)
{
	if (err == -EINVAL)
		scnprintf(why, len, "order %u is above max_order %u", order,
			  buddy_core_max_order(&pool->core));
	else if (no_block)
		scnprintf(why, len, "no free block of order %u or above",
			  order);
	else
		scnprintf(why, len, "out of kernel memory for the record");
}

/**
 * buddy_why_free() - Why a free was refused, in terms of the block.
 * @pool: The pool.
 * @pfn: The pfn asked for.
 * @err: What buddy_pool_find() said.
 * @why: Filled with one line.
 * @len: Bytes of @why.
 */
void buddy_why_free(struct buddy_pool *pool, u64 pfn, int err, char *why,
		    size_t len)
{
	struct buddy_core_node node;
	struct buddy_rec *rec;
	unsigned long first;

	if (err == -ERANGE || pfn < pool->first_pfn ||
	    buddy_core_lookup(&pool->core, pfn - pool->first_pfn, &node)) {
		scnprintf(why, len, "pfn 0x%llx is outside the pool 0x%lx-0x%lx",
			  (unsigned long long)pfn, pool->first_pfn,
			  pool->first_pfn + pool->nr_pages - 1);
		return;
	}
	first = pool->first_pfn + node.frame;
	switch (err) {
	case -EALREADY:
		scnprintf(why, len,
			  "pfn 0x%llx lies in free block 0x%lx-0x%lx (order %u): double free",
			  (unsigned long long)pfn, first,
			  first + (1UL << node.order) - 1, node.order);
		break;
	case -EINVAL:
		scnprintf(why, len,
			  "pfn 0x%llx lies inside allocated block 0x%lx-0x%lx (order %u): free its first pfn",
			  (unsigned long long)pfn, first,
			  first + (1UL << node.order) - 1, node.order);
		break;
	case -EBUSY:
		scnprintf(why, len,
			  "block 0x%lx is mapped: unmap it first (munmap), then free it",
			  first);
		break;
	case -EPERM:
		rec = xa_load(&pool->recs, node.frame);
		if (rec && rec->owner->id)
			scnprintf(why, len,
				  "block 0x%lx belongs to /dev/buddy file dev#%llu (pid %d)",
				  first, (unsigned long long)rec->owner->id,
				  pid_vnr(rec->pid));
		else
			scnprintf(why, len,
				  "block 0x%lx belongs to another owner", first);
		break;
	default:
		scnprintf(why, len, "refused");
	}
}

/* === Help === */

const char buddy_view_help_text[] =
	"commands (one per write, e.g. echo alloc 3 tag=A > control):\n"
	"  alloc ORDER [tag=NAME]  a block of 2^ORDER pages (ORDER < 64)\n"
	"  alloc SIZE [tag=NAME]   the smallest block holding SIZE bytes:\n"
	"                          64 or more, or with a B, K, M or G suffix\n"
	"  free PFN                the block starting at PFN (0x hex or decimal)\n"
	"  free tag=NAME           the blocks tagged NAME\n"
	"  reset                   free every block, whoever holds it\n"
	"then read the same open file for the result and its steps.\n";
