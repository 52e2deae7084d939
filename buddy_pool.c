// SPDX-License-Identifier: GPL-2.0
/*
 * A pool of page frames: the core, who holds what, and the commands
 *
 * buddy_core.c knows blocks; this file knows allocations.  Every block
 * handed out gets a record (struct buddy_rec) of its owner, the size or
 * order asked for, an optional tag, when, and by which process.  Records
 * live in an xarray keyed by frame, for the listings in pfn order and the
 * lookup of a free, and on their owner's list, so an owner's blocks go when
 * its file closes.  The records describe exactly the core's allocated
 * blocks: buddy_pool_audit() checks it.
 *
 * The command language (buddy_cmd.c) is acted out here too, with its
 * results and explanations (buddy_view.c), so the module and buddyctl's
 * in-process twin behave alike by construction.
 *
 * Every step of the allocator is kept as an event (struct buddy_event):
 * the core reports its steps to the pool's observer, which stages them
 * while the core operation runs and keeps them when it is done
 * (buddy_pool_commit()): numbered, in a ring of the last BUDDY_EVENTS, and
 * handed to on_event (the module's tracepoints).  An allocation that is
 * taken back is never kept, so nothing shows it happened.
 *
 * Nothing here locks: the module holds its mutex across every call, the
 * twin is single-threaded.  A refused operation changes nothing but the
 * counters of refusals and the events that tell of it.
 */

#include "buddy_pool.h"
#include "buddy_view.h"

#ifdef __KERNEL__
#include <linux/bug.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#endif

/* === Steps === */

static struct buddy_event *stage(struct buddy_pool *pool,
				 enum buddy_event_kind kind, u64 pfn,
				 unsigned int order)
{
	struct buddy_event *ev;

	/* The core makes at most BUDDY_STAGE_MAX steps per operation. */
	if (WARN_ON_ONCE(pool->nr_stage == BUDDY_STAGE_MAX))
		return &pool->stage[BUDDY_STAGE_MAX - 1];
	ev = &pool->stage[pool->nr_stage++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->pfn = pfn;
	ev->order = order;
	if (pool->op_owner)
		ev->owner = pool->op_owner->id;
	if (pool->op_tag)
		strscpy(ev->tag, pool->op_tag, sizeof(ev->tag));
	return ev;
}

/* The core's observer: its steps, told in pfns, with who asked. */
static void pool_step(const struct buddy_core_observer *obs,
		      const struct buddy_core_step *step)
{
	struct buddy_pool *pool = container_of(obs, struct buddy_pool,
					       observer);
	u64 pfn = pool->first_pfn + step->frame;
	u64 other = pool->first_pfn + step->buddy;
	struct buddy_event *ev;

	switch (step->kind) {
	case BUDDY_STEP_REQUEST:
		/* The order asked is the ALLOC's or the FAIL's. */
		break;
	case BUDDY_STEP_TAKE:
		pool->op_from_order = step->order;
		break;
	case BUDDY_STEP_SPLIT:
		stage(pool, BUDDY_EV_SPLIT, pfn, step->order)->other = other;
		break;
	case BUDDY_STEP_ALLOC:
		ev = stage(pool, BUDDY_EV_ALLOC, pfn, step->order);
		ev->from_order = pool->op_from_order;
		break;
	case BUDDY_STEP_ALLOC_FAIL:
		stage(pool, BUDDY_EV_FAIL, 0, step->order)->error = step->error;
		break;
	case BUDDY_STEP_FREE:
		stage(pool, BUDDY_EV_FREE, pfn, step->order);
		break;
	case BUDDY_STEP_MERGE:
		stage(pool, BUDDY_EV_MERGE, pfn, step->order)->other = other;
		break;
	case BUDDY_STEP_STOP:
		ev = stage(pool, BUDDY_EV_STOP, pfn, step->order);
		ev->why = step->why;
		ev->other = other;
		ev->has_other = step->why == BUDDY_STOP_BUDDY_ALLOCATED ||
				step->why == BUDDY_STOP_BUDDY_SPLIT;
		break;
	case BUDDY_STEP_REJECT:
		ev = stage(pool, BUDDY_EV_REJECT, pfn, step->order);
		ev->error = step->error;
		ev->other = other;
		ev->has_other = step->error != -ERANGE;
		break;
	}
}

/**
 * buddy_pool_commit() - Keep the steps of the operation just done.
 * @pool: The pool.
 *
 * Numbers them, puts them in the ring (the oldest go) and hands each to
 * on_event.  Every operation that changes the pool ends with this, or, for
 * an allocation taken back, with buddy_pool_undo_alloc().
 */
void buddy_pool_commit(struct buddy_pool *pool)
{
	unsigned int i;

	for (i = 0; i < pool->nr_stage; i++) {
		struct buddy_event *ev = &pool->ring[++pool->seq % BUDDY_EVENTS];

		*ev = pool->stage[i];
		ev->seq = pool->seq;
		if (pool->on_event)
			pool->on_event(pool, ev);
	}
	pool->nr_stage = 0;
	pool->op_owner = NULL;
	pool->op_tag = NULL;
}

/* A refusal of the pool's own, kept at once. */
static void reject_event(struct buddy_pool *pool, u64 pfn, int err,
			 const struct buddy_owner *owner, const char *tag)
{
	struct buddy_core_node node;
	struct buddy_event *ev;

	pool->op_owner = owner;
	pool->op_tag = tag;
	ev = stage(pool, BUDDY_EV_REJECT, pfn, 0);
	ev->error = err;
	if (err != -ERANGE &&
	    !buddy_core_lookup(&pool->core, pfn - pool->first_pfn, &node)) {
		ev->has_other = true;
		ev->other = pool->first_pfn + node.frame;
		ev->order = node.order;
	}
	buddy_pool_commit(pool);
}

/**
 * buddy_pool_first_seq() - The oldest event still kept.
 * @pool: The pool.
 *
 * Return: its seq; more than pool->seq when none is.
 */
u64 buddy_pool_first_seq(const struct buddy_pool *pool)
{
	return pool->seq > BUDDY_EVENTS ? pool->seq - BUDDY_EVENTS + 1 : 1;
}

/**
 * buddy_pool_event() - An event by its number.
 * @pool: The pool.
 * @seq: Its seq.
 *
 * Return: the event, or NULL if it is not kept (too old, or to come).
 */
const struct buddy_event *buddy_pool_event(const struct buddy_pool *pool,
					   u64 seq)
{
	if (seq < buddy_pool_first_seq(pool) || seq > pool->seq)
		return NULL;
	return &pool->ring[seq % BUDDY_EVENTS];
}

/**
 * buddy_pool_init() - Set up a pool with every page free.
 * @pool: The pool, zeroed.
 * @first_pfn: The pfn of the pool's first page.
 * @nr_pages: Pages in the pool.
 * @max_order: Largest block order.
 * @page_shift: log2 of the page size, for sizes in bytes.
 * @nid: NUMA node, for the vmstat lines.
 *
 * Context: Process context; may sleep.
 * Return: 0, -EINVAL for arguments the core refuses, -ENOMEM.
 */
int buddy_pool_init(struct buddy_pool *pool, unsigned long first_pfn,
		    unsigned long nr_pages, unsigned int max_order,
		    unsigned int page_shift, int nid)
{
	int ret = -ENOMEM;

	xa_init(&pool->recs);
	INIT_LIST_HEAD(&pool->debugfs_owner.blocks);
	pool->first_pfn = first_pfn;
	pool->nr_pages = nr_pages;
	pool->page_shift = page_shift;
	pool->nid = nid;

	pool->meta_bytes = buddy_core_meta_size(nr_pages, max_order);
	if (!pool->meta_bytes)
		return -EINVAL;
	/*
	 * The caller says in its own words that there was no memory: a
	 * vmalloc() fallback that fails must not dump a stack as well.
	 */
	pool->meta = kvzalloc(pool->meta_bytes, GFP_KERNEL | __GFP_NOWARN);
	if (!pool->meta)
		return -ENOMEM;
	pool->last = kvmalloc(BUDDY_LAST_MAX, GFP_KERNEL | __GFP_NOWARN);
	if (!pool->last)
		goto err_free_meta;
	buddy_out_init_buf(&pool->last_out, pool->last, BUDDY_LAST_MAX);
	pool->ring = kvcalloc(BUDDY_EVENTS, sizeof(*pool->ring),
			      GFP_KERNEL | __GFP_NOWARN);
	if (!pool->ring)
		goto err_free_last;
	ret = buddy_core_init(&pool->core, pool->meta, nr_pages, max_order);
	if (ret)
		goto err_free_ring;
	pool->observer.step = pool_step;
	buddy_core_set_observer(&pool->core, &pool->observer);
	return 0;

err_free_ring:
	kvfree(pool->ring);
err_free_last:
	kvfree(pool->last);
err_free_meta:
	kvfree(pool->meta);
	return ret;
}

/**
 * buddy_pool_destroy() - Free every block and the pool's memory.
 * @pool: The pool.
 */
void buddy_pool_destroy(struct buddy_pool *pool)
{
	struct buddy_rec *rec;
	unsigned long frame;

	/* Nothing is mapped any more: every mapping holds the module. */
	xa_for_each(&pool->recs, frame, rec) {
		WARN_ON_ONCE(rec->mapcount);
		buddy_pool_release(pool, rec);
	}
	xa_destroy(&pool->recs);
	kvfree(pool->ring);
	kvfree(pool->last);
	kvfree(pool->meta);
}

/**
 * buddy_request_order() - The order a request needs.
 * @pool: The pool.
 * @req: The request.
 *
 * Return: the request's order, or for a size the smallest order whose block
 * holds it (possibly above max_order: the core then refuses it).
 */
unsigned int buddy_request_order(const struct buddy_pool *pool,
				 const struct buddy_request *req)
{
	return req->bytes ? buddy_bytes_to_order(req->bytes, pool->page_shift) :
			    req->order;
}

/**
 * buddy_pool_mark() - Note the counters before an allocation.
 * @pool: The pool.
 * @mark: Filled in, for buddy_pool_undo_alloc().
 */
void buddy_pool_mark(const struct buddy_pool *pool,
		     struct buddy_pool_mark *mark)
{
	mark->stats = *buddy_core_get_stats(&pool->core);
}

/* Frees a block taken back: no step of it is staged, none is kept. */
static void unseen_free(struct buddy_pool *pool, unsigned long frame)
{
	buddy_core_set_observer(&pool->core, NULL);
	WARN_ON_ONCE(buddy_core_free(&pool->core, frame));
	buddy_core_set_observer(&pool->core, &pool->observer);
	pool->nr_stage = 0;
	pool->op_owner = NULL;
	pool->op_tag = NULL;
}

/* What the core counted since @mark goes to pool->undone. */
static void count_undone(struct buddy_pool *pool,
			 const struct buddy_pool_mark *mark)
{
	const struct buddy_core_stats *st = buddy_core_get_stats(&pool->core);

	pool->undone.allocs += st->allocs - mark->stats.allocs;
	pool->undone.frees += st->frees - mark->stats.frees;
	pool->undone.splits += st->splits - mark->stats.splits;
	pool->undone.merges += st->merges - mark->stats.merges;
}

/**
 * buddy_pool_undo_alloc() - Take back the allocation just made.
 * @pool: The pool.
 * @rec: What buddy_pool_alloc() made, with nothing else done since.
 * @mark: The counters before it (buddy_pool_mark()).
 *
 * For an allocation whose caller could not be told of it.  Freeing the
 * block merges back exactly what the allocation split, so the tree is as
 * before; what the pair added to the counters is kept in pool->undone and
 * subtracted wherever they are shown, so nothing shows it happened.
 */
void buddy_pool_undo_alloc(struct buddy_pool *pool, struct buddy_rec *rec,
			   const struct buddy_pool_mark *mark)
{
	unsigned long frame = rec->frame;

	/* Its steps were staged, never kept: they go, and so does the rest. */
	pool->nr_stage = 0;
	xa_erase(&pool->recs, frame);
	list_del(&rec->node);
	pool->nr_recs--;
	pool->waste_bytes -= buddy_rec_waste(pool, rec);
	put_pid(rec->pid);
	kfree(rec);
	unseen_free(pool, frame);
	count_undone(pool, mark);
}

/**
 * buddy_pool_alloc() - Allocate a block for an owner and record it.
 * @pool: The pool.
 * @owner: Who will hold the block.
 * @who: The process asking.
 * @req: What is asked for; the tag must be valid (buddy_tag_valid()).
 * @out: Set to the new record on success.
 *
 * The steps of a successful allocation are staged, not kept: the caller
 * keeps them with buddy_pool_commit() or takes the allocation back with
 * buddy_pool_undo_alloc(), before anything else is done to the pool.
 *
 * Return: 0; -EINVAL if the order is above max_order; -ENOMEM if no block
 * is free or a record cannot be allocated.  A refusal of the allocator (the
 * first two) counts in failed_allocs and is a "fail" step; nothing else
 * changes on failure.
 */
int buddy_pool_alloc(struct buddy_pool *pool, struct buddy_owner *owner,
		     const struct buddy_who *who,
		     const struct buddy_request *req, struct buddy_rec **out)
{
	struct buddy_pool_mark mark;
	struct buddy_rec *rec;
	long frame;
	int ret;

	/* Everything that can fail for want of memory comes first. */
	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	rec->order = buddy_request_order(pool, req);
	buddy_pool_mark(pool, &mark);
	pool->op_owner = owner;
	pool->op_tag = req->tag;
	frame = buddy_core_alloc(&pool->core, rec->order);
	if (frame < 0) {
		/* Every refusal of the core: each is a "fail" step too. */
		pool->failed_allocs++;
		buddy_pool_commit(pool);
		kfree(rec);
		return frame;
	}
	rec->frame = frame;
	ret = xa_err(xa_store(&pool->recs, frame, rec, GFP_KERNEL));
	if (ret) {
		/* The core's part goes back as if it never happened. */
		unseen_free(pool, frame);
		count_undone(pool, &mark);
		kfree(rec);
		return ret;
	}

	rec->owner = owner;
	rec->bytes = req->bytes;
	rec->ts_ns = ktime_get_ns();
	rec->pid = get_pid(who->pid);
	strscpy(rec->comm, who->comm, sizeof(rec->comm));
	if (req->tag)
		strscpy(rec->tag, req->tag, sizeof(rec->tag));
	list_add_tail(&rec->node, &owner->blocks);
	pool->nr_recs++;
	pool->waste_bytes += buddy_rec_waste(pool, rec);
	if (pool->on_alloc)
		pool->on_alloc(pool, rec);
	*out = rec;
	return 0;
}

/**
 * buddy_pool_release() - Free a recorded block, whoever holds it.
 * @pool: The pool.
 * @rec: The block's record; freed.
 */
void buddy_pool_release(struct buddy_pool *pool, struct buddy_rec *rec)
{
	pool->op_owner = rec->owner;
	pool->op_tag = rec->tag;
	/* A record always names an allocated block: anything else is a bug. */
	WARN_ON_ONCE(buddy_core_free(&pool->core, rec->frame));
	buddy_pool_commit(pool);
	xa_erase(&pool->recs, rec->frame);
	list_del(&rec->node);
	pool->nr_recs--;
	pool->waste_bytes -= buddy_rec_waste(pool, rec);
	put_pid(rec->pid);
	kfree(rec);
}

/**
 * buddy_pool_release_told() - Free a recorded block and say so.
 * @pool: The pool.
 * @rec: The block's record; freed.
 * @out: A buffer sink: gets "freed ..." and the free's steps, the text
 *       /dev/buddy's read() gives after a FREE.
 */
void buddy_pool_release_told(struct buddy_pool *pool, struct buddy_rec *rec,
			     struct buddy_out *out)
{
	u64 seq = pool->seq;

	buddy_out_reset(out);
	buddy_view_freed(out, pool, rec);
	buddy_pool_release(pool, rec);
	buddy_view_events_since(out, pool, seq);
	buddy_out_finish(out);
}

static enum buddy_reject reject_class(int err)
{
	switch (err) {
	case -ERANGE:
		return BUDDY_REJECT_RANGE;
	case -EALREADY:
		return BUDDY_REJECT_DOUBLE;
	case -EPERM:
		return BUDDY_REJECT_PERM;
	case -EBUSY:
		return BUDDY_REJECT_BUSY;
	default:
		return BUDDY_REJECT_INTERIOR;
	}
}

/* A refused free, by pfn or by tag: counted by its class, and a step. */
static void refuse_free(struct buddy_pool *pool, u64 pfn, int err,
			const struct buddy_owner *owner, const char *tag)
{
	pool->rejected[reject_class(err)]++;
	reject_event(pool, pfn, err, owner, tag);
}

static struct buddy_rec *reject(struct buddy_pool *pool, u64 pfn, int err,
				const struct buddy_owner *owner, int *ret)
{
	refuse_free(pool, pfn, err, owner, NULL);
	*ret = err;
	return NULL;
}

/**
 * buddy_pool_find() - The block an owner may free at a page frame.
 * @pool: The pool.
 * @owner: Who asks, or NULL for anyone.
 * @pfn: First page frame of the block.
 * @err: Set to the error when there is no such block.
 *
 * A refusal is counted; a block found is left as it is, for the caller to
 * release with buddy_pool_release().
 *
 * Return: the record; NULL with *@err -ERANGE if @pfn is outside the pool,
 * -EALREADY if it lies in a free block, -EINVAL if it lies inside an
 * allocated block but is not its first frame, -EPERM if the block belongs
 * to another owner, -EBUSY if it is mapped (its pages are in use).
 */
struct buddy_rec *buddy_pool_find(struct buddy_pool *pool,
				  struct buddy_owner *owner, u64 pfn, int *err)
{
	struct buddy_rec *rec;
	unsigned long frame;
	int order;

	if (pfn < pool->first_pfn || pfn - pool->first_pfn >= pool->nr_pages)
		return reject(pool, pfn, -ERANGE, owner, err);
	frame = pfn - pool->first_pfn;

	rec = xa_load(&pool->recs, frame);
	if (!rec) {
		/* Not a block's start: let the core say what it is. */
		order = buddy_core_alloc_order(&pool->core, frame);
		if (WARN_ON_ONCE(order >= 0))
			order = -EUCLEAN;
		return reject(pool, pfn, order, owner, err);
	}
	/* Mapped comes first: whoever asks, the pages are in use. */
	if (rec->mapcount)
		return reject(pool, pfn, -EBUSY, owner, err);
	if (owner && rec->owner != owner)
		return reject(pool, pfn, -EPERM, owner, err);
	return rec;
}

/**
 * buddy_pool_release_owner() - Free every block an owner holds.
 * @pool: The pool.
 * @owner: The owner, e.g. a /dev/buddy file being closed.
 */
void buddy_pool_release_owner(struct buddy_pool *pool,
			      struct buddy_owner *owner)
{
	struct buddy_rec *rec, *next;

	list_for_each_entry_safe(rec, next, &owner->blocks, node)
		buddy_pool_release(pool, rec);
}

/**
 * buddy_pool_release_all() - Free every block, whoever holds it.
 * @pool: The pool.
 * @nr_pages: Set to the number of pages freed.
 * @nr_deferred: Set to the number of mapped blocks whose free waits for
 *               their last mapping to go (buddy_pool_unmap()).
 *
 * The owners of open files simply find their blocks gone.  A mapped block
 * cannot go back to the pool while someone can still touch its pages: it
 * is freed, deferred, when the last mapping goes.
 *
 * Return: the number of blocks freed now.
 */
unsigned long buddy_pool_release_all(struct buddy_pool *pool,
				     unsigned long *nr_pages,
				     unsigned long *nr_deferred)
{
	unsigned long frame, blocks = 0;
	struct buddy_rec *rec;

	*nr_pages = 0;
	*nr_deferred = 0;
	xa_for_each(&pool->recs, frame, rec) {
		if (rec->mapcount) {
			*nr_deferred += !rec->deferred;
			if (!rec->deferred)
				pool->nr_deferred++;
			rec->deferred = true;
			continue;
		}
		blocks++;
		*nr_pages += 1UL << rec->order;
		buddy_pool_release(pool, rec);
	}
	return blocks;
}

/**
 * buddy_pool_mappable() - The block an owner may map pages of.
 * @pool: The pool.
 * @owner: Who asks.
 * @pfn: The first page to map.
 * @nr: How many pages.
 * @err: Set to why not, when there is none.
 *
 * The pages must lie in one allocated block that @owner holds, from @pfn
 * (its first page or one inside it) for @nr pages, and not past its end.
 *
 * Return: the block's record; NULL with *@err -EINVAL for pages outside
 * the pool, in a free block, past the block's end (or over two blocks) or
 * of a block freed while mapped; -EPERM for another owner's block.
 */
struct buddy_rec *buddy_pool_mappable(struct buddy_pool *pool,
				      const struct buddy_owner *owner, u64 pfn,
				      unsigned long nr, int *err)
{
	struct buddy_core_node node;
	struct buddy_rec *rec;
	unsigned long frame;

	*err = -EINVAL;
	if (!nr || pfn < pool->first_pfn ||
	    pfn - pool->first_pfn >= pool->nr_pages ||
	    nr > pool->nr_pages - (pfn - pool->first_pfn))
		return NULL;
	frame = pfn - pool->first_pfn;
	if (buddy_core_lookup(&pool->core, frame, &node) ||
	    node.state != BUDDY_CORE_ALLOCATED)
		return NULL;
	rec = xa_load(&pool->recs, node.frame);
	if (!rec || rec->deferred ||
	    frame + nr > node.frame + (1UL << node.order))
		return NULL;
	if (rec->owner != owner) {
		*err = -EPERM;
		return NULL;
	}
	return rec;
}

/**
 * buddy_pool_map() - Count a mapping of a block's pages.
 * @pool: The pool.
 * @rec: The block.
 *
 * A mapped block cannot be freed (-EBUSY); a reset defers its free until
 * the last mapping goes.
 */
void buddy_pool_map(struct buddy_pool *pool, struct buddy_rec *rec)
{
	if (!rec->mapcount++)
		pool->nr_mapped++;
}

/**
 * buddy_pool_unmap() - A mapping of a block's pages went.
 * @pool: The pool.
 * @rec: The block; freed if it was the last mapping of a deferred free.
 */
void buddy_pool_unmap(struct buddy_pool *pool, struct buddy_rec *rec)
{
	if (WARN_ON_ONCE(!rec->mapcount) || --rec->mapcount)
		return;
	pool->nr_mapped--;
	if (rec->deferred) {
		pool->nr_deferred--;
		buddy_pool_release(pool, rec);
	}
}

/* === Commands === */

/*
 * What a command does to the pool.  Its result goes to the caller's sink
 * and, since only a successful command has one, to pool->last_out: the
 * first result line empties the latter (result_begin()).
 */
struct exec {
	struct buddy_pool *pool;
	struct buddy_owner *owner;
	const struct buddy_who *who;
	const struct buddy_cmd *cmd;
	struct buddy_out *sinks[2];	/* the caller's (or NULL), the last */
	struct buddy_out result;	/* writes to both */
	char *why;
	size_t why_len;
};

static void result_write(struct buddy_out *out, const char *s, size_t len)
{
	struct buddy_out **sinks = out->priv;

	if (sinks[0])
		buddy_out_write(sinks[0], s, len);
	buddy_out_write(sinks[1], s, len);
}

/* The result starts: the pool's last one goes. */
static struct buddy_out *result_begin(struct exec *x)
{
	buddy_out_reset(&x->pool->last_out);
	return &x->result;
}

static int exec_alloc(struct exec *x)
{
	struct buddy_pool *pool = x->pool;
	struct buddy_request req = {
		.order = x->cmd->order,
		.bytes = x->cmd->bytes,
		.tag = x->cmd->tag,
	};
	unsigned long failed = pool->failed_allocs;
	struct buddy_rec *rec;
	int ret;

	ret = buddy_pool_alloc(pool, x->owner, x->who, &req, &rec);
	if (!ret)
		buddy_pool_commit(pool);
	if (ret) {
		buddy_why_alloc(pool, ret, buddy_request_order(pool, &req),
				pool->failed_allocs != failed, x->why,
				x->why_len);
		return ret;
	}
	buddy_view_alloc_result(result_begin(x), pool, rec);
	return 0;
}

static int exec_free(struct exec *x)
{
	struct buddy_pool *pool = x->pool;
	struct buddy_rec *rec;
	int ret;

	rec = buddy_pool_find(pool, x->owner, x->cmd->pfn, &ret);
	if (!rec) {
		buddy_why_free(pool, x->cmd->pfn, ret, x->why, x->why_len);
		return ret;
	}
	buddy_view_freed(result_begin(x), pool, rec);
	buddy_pool_release(pool, rec);
	return 0;
}

/*
 * Frees every block of the asking owner tagged cmd->tag: all the "freed"
 * lines first, then the frees, so a result reads as one list.
 */
static int exec_free_tag(struct exec *x)
{
	struct buddy_pool *pool = x->pool;
	unsigned long frame, nr_mine = 0, nr_held = 0, held = 0;
	unsigned long nr_mapped = 0, mapped = 0;
	struct buddy_rec *rec;

	xa_for_each(&pool->recs, frame, rec) {
		if (strcmp(rec->tag, x->cmd->tag))
			continue;
		if (rec->mapcount && !nr_mapped++)
			mapped = frame;
		if (rec->owner != x->owner) {
			if (!nr_held++)
				held = frame;
			continue;
		}
		buddy_view_freed(nr_mine++ ? &x->result : result_begin(x),
				 pool, rec);
	}
	if (!nr_mine) {
		/* As a free of one pfn: mapped pages first, then the owner. */
		if (nr_mapped) {
			refuse_free(pool, pool->first_pfn + mapped, -EBUSY,
				    x->owner, x->cmd->tag);
			scnprintf(x->why, x->why_len,
				  "block 0x%lx tagged %s is mapped: unmap it first (munmap), then free it",
				  pool->first_pfn + mapped, x->cmd->tag);
			return -EBUSY;
		}
		if (nr_held) {
			refuse_free(pool, pool->first_pfn + held, -EPERM,
				    x->owner, x->cmd->tag);
			scnprintf(x->why, x->why_len,
				  "every block tagged %s belongs to another owner",
				  x->cmd->tag);
			return -EPERM;
		}
		/* Nothing to refuse a free of: the command itself is. */
		pool->rejected_commands++;
		scnprintf(x->why, x->why_len, "no block is tagged %s",
			  x->cmd->tag);
		return -ENOENT;
	}
	xa_for_each(&pool->recs, frame, rec)
		if (!strcmp(rec->tag, x->cmd->tag) && rec->owner == x->owner)
			buddy_pool_release(pool, rec);
	return 0;
}

static int exec_reset(struct exec *x)
{
	struct buddy_pool *pool = x->pool;
	unsigned long nr_pages, blocks, deferred;

	blocks = buddy_pool_release_all(pool, &nr_pages, &deferred);
	buddy_printf(result_begin(x), "reset blocks=%lu pages=%lu", blocks,
		     nr_pages);
	if (deferred)
		buddy_printf(&x->result, " deferred=%lu", deferred);
	buddy_puts(&x->result, "\n");
	return 0;
}

/**
 * buddy_pool_command() - Parse and carry out one command.
 * @pool: The pool.
 * @owner: Who the blocks of "alloc" go to, and whose "free" may free.
 * @who: The process asking.
 * @buf: The command's bytes (a trailing "\n" or "\r\n" is fine).
 * @len: How many.
 * @out: Gets the result, or "error=ENAME why=..." on refusal, then the
 *       steps of the command in the format of debugfs events; may be
 *       NULL.  The caller ends it (buddy_out_finish()).
 * @why: Filled with why a command was refused, for a log line.
 * @why_len: Bytes of @why.
 *
 * A successful command's result also becomes the pool's last result
 * (pool->last_out), for readers that did not send the command.  A refused
 * command changes nothing but the counters of refusals.
 *
 * Return: 0, or the negative errno of the refusal.
 */
int buddy_pool_command(struct buddy_pool *pool, struct buddy_owner *owner,
		       const struct buddy_who *who, const char *buf, size_t len,
		       struct buddy_out *out, char *why, size_t why_len)
{
	struct buddy_cmd cmd;
	struct exec x = {
		.pool = pool,
		.owner = owner,
		.who = who,
		.cmd = &cmd,
		.sinks = { out, &pool->last_out },
		.result = {
			.write = result_write,
			.priv = x.sinks,
		},
		.why = why,
		.why_len = why_len,
	};
	u64 seq = pool->seq;
	int ret;

	ret = buddy_cmd_parse(buf, len, &cmd, why, why_len);
	if (ret) {
		pool->rejected_commands++;
	} else {
		switch (cmd.op) {
		case BUDDY_CMD_ALLOC:
			ret = exec_alloc(&x);
			break;
		case BUDDY_CMD_FREE:
			ret = exec_free(&x);
			break;
		case BUDDY_CMD_FREE_TAG:
			ret = exec_free_tag(&x);
			break;
		case BUDDY_CMD_RESET:
			ret = exec_reset(&x);
			break;
		}
	}
	if (!ret)
		buddy_out_finish(&pool->last_out);
	else if (out)
		buddy_view_error(out, ret, why);
	if (out)
		buddy_view_events_since(out, pool, seq);
	return ret;
}

/**
 * buddy_pool_info() - The pool as BUDDY_IOC_INFO reports it.
 * @pool: The pool.
 * @info: Filled in, zeroed first.
 * @show_pfn: Whether the caller may see where the pool is (first_pfn);
 *            else it reads 0.
 */
void buddy_pool_info(const struct buddy_pool *pool, struct buddy_info *info,
		     bool show_pfn)
{
	const struct buddy_core *core = &pool->core;
	unsigned int order;

	memset(info, 0, sizeof(*info));
	info->first_pfn = show_pfn ? pool->first_pfn : 0;
	info->nr_pages = pool->nr_pages;
	info->page_size = 1ULL << pool->page_shift;
	info->max_order = buddy_core_max_order(core);
	info->nr_orders = info->max_order + 1;
	info->free_pages = buddy_core_free_frames(core);
	info->allocated_pages = buddy_core_allocated_frames(core);
	info->nr_allocations = pool->nr_recs;
	info->meta_bytes = pool->meta_bytes;
	for (order = 0; order <= info->max_order; order++)
		info->free_blocks[order] = buddy_core_free_blocks(core, order);
}

/* === Audit === */

/**
 * buddy_pool_audit() - Check the core and the records.
 * @pool: The pool.
 * @pfn: Set to where the first broken invariant is.
 * @order: Set to the order concerned, or -1U when there is none.
 *
 * The core audits itself (buddy_core_audit()); the records must then
 * describe exactly its allocated blocks, and the totals must agree.
 *
 * Return: NULL when all is well, else what is broken.
 */
const char *buddy_pool_audit(struct buddy_pool *pool, unsigned long *pfn,
			     unsigned int *order)
{
	unsigned long frame, nr = 0, nr_pages = 0;
	struct buddy_core_fault fault;
	const struct buddy_rec *rec;
	u64 waste = 0;

	if (buddy_core_audit(&pool->core, &fault)) {
		*pfn = pool->first_pfn + fault.frame;
		*order = fault.order;
		return fault.what;
	}
	*order = -1U;
	xa_for_each(&pool->recs, frame, rec) {
		*pfn = pool->first_pfn + frame;
		if (rec->frame != frame ||
		    buddy_core_alloc_order(&pool->core, frame) != (int)rec->order)
			return "a record does not match an allocated block";
		nr++;
		nr_pages += 1UL << rec->order;
		waste += buddy_rec_waste(pool, rec);
	}
	*pfn = pool->first_pfn;
	if (nr != pool->nr_recs)
		return "the allocation count is wrong";
	if (nr_pages != buddy_core_allocated_frames(&pool->core))
		return "allocated pages without a record";
	if (waste != pool->waste_bytes)
		return "the waste total is wrong";
	return NULL;
}
