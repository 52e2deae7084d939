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
#include <linux/sprintf.h>
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
}

static void buf_write(struct buddy_out *out, const char *s, size_t len)
{
	size_t room = out->size - BUDDY_OUT_MARK_LEN, n;
	const char *nl;

	while (len) {
		nl = memchr(s, '\n', len);
		n = nl ? (size_t)(nl - s) + 1 : len;

		/* Once a line is cut, every later one is too: no gaps. */
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
 * If lines were cut, adds "truncated lines=N bytes=LIMIT", in the room kept
 * for it, so a reader always knows.  An unfinished last line is dropped.
 */
void buddy_out_finish(struct buddy_out *out)
{
	if (out->write)
		return;
	out->line = 0;
	if (out->dropped)
		out->len += scnprintf(out->buf + out->len, out->size - out->len,
				      "truncated lines=%lu bytes=%zu\n",
				      out->dropped - 1,
				      out->size - BUDDY_OUT_MARK_LEN);
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
 * which some terminals take as controls) becomes "\ooo" in octal, as
 * /proc/mounts escapes names.  So an escaped string never holds a line
 * break or a terminal escape.
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
	buddy_printf(out, "pfn=%#lx order=%u pages=%lu%s%s",
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
	buddy_printf(out, "%#lx-%#lx order=%u pages=%lu %s", first,
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
		buddy_printf(out, "broken: %s (order %u, pfn %#lx)\n", what,
			     order, pfn);
	else
		buddy_printf(out, "broken: %s (pfn %#lx)\n", what, pfn);
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
		scnprintf(why, len, "pfn %#llx is outside the pool %#lx-%#lx",
			  (unsigned long long)pfn, pool->first_pfn,
			  pool->first_pfn + pool->nr_pages - 1);
		return;
	}
	first = pool->first_pfn + node.frame;
	switch (err) {
	case -EALREADY:
		scnprintf(why, len,
			  "pfn %#llx lies in free block %#lx-%#lx (order %u): double free",
			  (unsigned long long)pfn, first,
			  first + (1UL << node.order) - 1, node.order);
		break;
	case -EINVAL:
		scnprintf(why, len,
			  "pfn %#llx lies inside allocated block %#lx-%#lx (order %u): free its first pfn",
			  (unsigned long long)pfn, first,
			  first + (1UL << node.order) - 1, node.order);
		break;
	case -EPERM:
		rec = xa_load(&pool->recs, node.frame);
		if (rec && rec->owner->id)
			scnprintf(why, len,
				  "block %#lx belongs to /dev/buddy file dev#%llu (pid %d)",
				  first, (unsigned long long)rec->owner->id,
				  pid_vnr(rec->pid));
		else
			scnprintf(why, len,
				  "block %#lx belongs to another owner", first);
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
