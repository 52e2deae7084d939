// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_stress - many processes and threads on one pool at once
 *
 * PROCS processes of THREADS threads each (default 4 x 3) run OPS operations
 * between them, each thread its own share, drawn from a generator seeded
 * with the seed and the thread's number, so a thread's sequence of
 * operations is the same in every run (what they meet is not):
 *
 *   - ALLOC and FREE on a private /dev/buddy file, and on one file the
 *     threads of a process share; read() of the result, in small pieces
 *   - debugfs control commands on each thread's own control file (alloc,
 *     free PFN, free tag=, reset), each result read back from that file:
 *     results are per open file, so each must be the writer's own
 *   - reset while everyone allocates: then blocks are gone, and EALREADY,
 *     EPERM, EINVAL and ENOENT are legitimate answers for them
 *   - a file replaced under the threads allocating on it: dup2() of a
 *     fresh /dev/buddy or of /dev/null over a "doomed" fd number, which
 *     closes the old file while siblings are inside ioctls on it (dup2,
 *     not close, so the number never comes back as another file)
 *   - fork() with the fds inherited: the child allocates and frees on
 *     them, leaves a block behind on the shared file, closes them, and
 *     exits holding a file of its own
 *   - every debugfs file read 1 to 7 bytes at a time, each line parsed
 *   - rmmod (delete_module, O_NONBLOCK) while files are open: EAGAIN or
 *     EBUSY, and the module goes on as before
 *
 * What is checked as it runs: every errno is one the ABI allows for what
 * may have happened meanwhile; a block whose life no reset or stale free
 * overlapped frees exactly (its order, its result line); every result line
 * is well formed and a file's own; every listing parses.  A block's life
 * is known from shared counts and a process-shared lock (free_lock()):
 * resets and frees of pfns that may be stale take it for writing and
 * count themselves; frees of blocks known alive take it for reading.
 *
 * Afterwards, all processes gone: check is "ok", the counts agree, every
 * block left belongs to debugfs, a final reset frees them, and buddyinfo
 * is what it was at the start (the pool must be empty then).
 *
 * Runs as root with buddy.ko loaded.  Prints "BUDDY-TEST: PASS|FAIL name"
 * lines and exits non-zero on a failure.
 * Usage: buddy_stress [-s SEED] [-n OPS] [-p PROCS] [-t THREADS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

#define DEV		"/dev/buddy"
#define MAX_PROCS	16
#define MAX_THREADS	16
#define MAX_HELD	12		/* blocks a thread keeps per kind */
#define TEXT_MAX	65536

/* === Shared by every process === */

static struct shared {
	/*
	 * Frees of blocks known to be alive hold it for reading; resets and
	 * frees of blocks that may be gone hold it for writing, and count
	 * themselves, once done, in resets or their scope's risky count.
	 */
	pthread_rwlock_t lock;
	unsigned long resets;
	unsigned long dfs_risky;		/* debugfs's blocks */
	unsigned long proc_risky[MAX_PROCS];	/* a process's shared file */
	unsigned long long first_pfn, nr_pages;
	unsigned int max_order;
	unsigned long counts[16];
} *sh;

enum {
	N_ALLOC, N_ENOMEM, N_FREE, N_GONE, N_RESET, N_DOOM, N_FORK, N_READ,
	N_RMMOD, N_REOPEN, N_PROVEN,
};

static const char *const count_name[] = {
	"allocs", "ENOMEM", "frees", "frees of vanished blocks", "resets",
	"doomed files", "forks", "files read", "rmmod refused",
	"files reopened", "frees proven exact",
};

static void count(unsigned int what)
{
	__atomic_fetch_add(&sh->counts[what], 1, __ATOMIC_RELAXED);
}

static unsigned long load(const unsigned long *v)
{
	return __atomic_load_n(v, __ATOMIC_SEQ_CST);
}

/* === A thread === */

/* A block this thread holds, and the counts before it was allocated. */
struct held {
	unsigned long long pfn;
	unsigned int order;
	bool tagged;
	unsigned long long bytes;
	unsigned long resets;		/* sh->resets */
	unsigned long risky;		/* its scope's risky count */
};

/*
 * Locks for a free of @h.  Nothing that began after the counts of @h were
 * read can be running while the lock is held, so @h's block is alive if
 * no reset and no risky free of its scope (@risky, NULL for a private
 * file) ended since: then returns true, holding the lock for reading.
 * Otherwise the pfn may be free or another block's by now: returns false,
 * holding it for writing, so that this free, risky, cannot hit a block
 * another thread is about to free as known alive.
 */
static bool free_lock(const struct held *h, const unsigned long *risky)
{
	pthread_rwlock_rdlock(&sh->lock);
	if (load(&sh->resets) == h->resets && (!risky || load(risky) == h->risky))
		return true;
	pthread_rwlock_unlock(&sh->lock);
	pthread_rwlock_wrlock(&sh->lock);
	return false;
}

static void free_unlock(bool alive, unsigned long *risky)
{
	if (!alive && risky)
		__atomic_fetch_add(risky, 1, __ATOMIC_SEQ_CST);
	pthread_rwlock_unlock(&sh->lock);
}

struct list {
	struct held b[MAX_HELD];
	unsigned int n;
};

struct worker {
	unsigned int p, t;
	unsigned long long rng;
	unsigned long ops;
	int priv_fd, ctl_fd;
	int *shared_fd, *doomed_fd;	/* the process's */
	char dtag[BUDDY_TAG_LEN];	/* debugfs blocks */
	char itag[BUDDY_TAG_LEN];	/* ioctl blocks */
	struct list priv, shared, dfs;
	char text[TEXT_MAX];
};

static __attribute__((format(printf, 2, 3)))
void failf(struct worker *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	result(0, "stress: proc %u thread %u op %lu: %s", w->p, w->t, w->ops,
	       msg);
}

static void die(const char *what)
{
	printf("BUDDY-TEST: FAIL stress: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die(path);
	return fd;
}

static struct held held_take(struct list *l, unsigned int i)
{
	struct held h = l->b[i];

	l->b[i] = l->b[--l->n];
	return h;
}

/* Drops every entry of @l at @pfn: the block there is gone. */
static void held_forget(struct list *l, unsigned long long pfn)
{
	unsigned int i;

	for (i = 0; i < l->n;)
		if (l->b[i].pfn == pfn)
			held_take(l, i);
		else
			i++;
}

/*
 * A new block.  An older entry at its pfn is of a block that is gone (one
 * file cannot hold two blocks there), whatever the counts say: forgotten,
 * so that freeing it cannot free the new one.  Callers allocate only below
 * MAX_HELD: a block is never forgotten.
 */
static void held_add(struct list *l, const struct held *h)
{
	held_forget(l, h->pfn);
	if (l->n < MAX_HELD)
		l->b[l->n++] = *h;
	else
		result(0, "stress: a list of held blocks overflowed");
}

/* A pfn as a block of @order can start: inside the pool, aligned. */
static bool block_ok(unsigned long long pfn, unsigned int order)
{
	unsigned long long frame = pfn - sh->first_pfn;

	return pfn >= sh->first_pfn && order <= sh->max_order &&
	       frame + (1ULL << order) <= sh->nr_pages &&
	       !(frame & ((1ULL << order) - 1));
}

/* Reads all of @fd, 1 to 7 bytes at a time, into w->text. */
static ssize_t read_tiny(struct worker *w, int fd)
{
	size_t len = 0;
	ssize_t n;

	do {
		size_t chunk = 1 + e2e_below(&w->rng, 7);

		if (len + chunk >= sizeof(w->text))
			return -1;
		n = read(fd, w->text + len, chunk);
		if (n > 0)
			len += n;
	} while (n > 0);
	w->text[len] = '\0';
	return n < 0 ? n : (ssize_t)len;
}

/* The kernel's page size: 4 KiB, or 16 KiB on some arm64 kernels. */
static unsigned long long page_size;

/*
 * Whether @text is the result @want, then the allocator's steps for it,
 * a "seq=..." line each (struct buddy_alloc's comment in the uapi).
 */
static bool result_is(const char *text, const char *want)
{
	size_t len = strlen(want);

	if (strncmp(text, want, len))
		return false;
	for (text += len; *text; text = strchr(text, '\n') + 1)
		if (strncmp(text, "seq=", 4) || !strchr(text, '\n'))
			return false;
	return true;
}

/* "pfn=0x12 order=1 pages=2[ tag=T][ bytes=B waste=W]\n", as expected. */
static void block_text(char *buf, size_t size, const char *prefix,
		       const struct held *h, const char *tag)
{
	int n = snprintf(buf, size, "%spfn=%#llx order=%u pages=%llu", prefix,
			 h->pfn, h->order, 1ULL << h->order);

	if (h->tagged)
		n += snprintf(buf + n, size - n, " tag=%s", tag);
	if (h->bytes && !*prefix)
		n += snprintf(buf + n, size - n, " bytes=%llu waste=%llu",
			      h->bytes, (page_size << h->order) - h->bytes);
	snprintf(buf + n, size - n, "\n");
}

/* A request: an order, or sometimes a size; returns the order it needs. */
static unsigned int pick_request(struct worker *w, unsigned long long *bytes)
{
	unsigned int order = e2e_below(&w->rng, 4);

	*bytes = 0;
	if (!e2e_below(&w->rng, 4)) {
		*bytes = 1 + e2e_below(&w->rng, page_size << order);
		order = 0;
		while ((page_size << order) < *bytes)
			order++;
	}
	return order;
}

/* === /dev/buddy: private and shared files === */

static void dev_alloc(struct worker *w, int fd, struct list *l,
		      const unsigned long *risky, bool priv)
{
	struct buddy_alloc a = { 0 };
	unsigned long long bytes;
	struct held h = { 0 };
	char want[128];
	int err;

	h.order = pick_request(w, &bytes);
	a.mode = bytes ? BUDDY_ALLOC_BYTES : BUDDY_ALLOC_ORDER;
	a.order = bytes ? 0 : h.order;
	a.bytes = bytes;
	h.tagged = e2e_below(&w->rng, 2);
	if (h.tagged)
		memcpy(a.tag, w->itag, sizeof(a.tag));
	h.resets = load(&sh->resets);
	h.risky = risky ? load(risky) : 0;
	err = ioc(fd, BUDDY_IOC_ALLOC, &a);
	if (err == ENOMEM) {
		count(N_ENOMEM);
		return;
	}
	if (err || a.out_order != h.order || a.pages != 1ULL << h.order ||
	    !block_ok(a.pfn, h.order) || a.phys_addr != a.pfn * page_size) {
		failf(w, "ALLOC order %u bytes %llu: %s, pfn %#llx order %u pages %llu",
		      h.order, bytes, strerror(err), a.pfn, a.out_order, a.pages);
		return;
	}
	count(N_ALLOC);
	h.pfn = a.pfn;
	h.bytes = bytes;
	held_add(l, &h);
	if (!priv)
		return;
	/* Only this thread uses the file: its result is this one. */
	block_text(want, sizeof(want), "", &h, w->itag);
	if (read_tiny(w, fd) < 0 || !result_is(w->text, want))
		failf(w, "private read() after ALLOC: \"%s\", want \"%s\" and steps",
		      w->text, want);
}

/*
 * Frees a block of @l through @fd.  A block known to be alive (free_lock())
 * must free exactly; one that may be gone may give EALREADY, EINVAL or
 * EPERM, or free whatever block of this file starts there now.  @risky is
 * the scope's risky count; NULL for the private file, where the thread
 * knows every block (held_add() keeps one entry per pfn), so a block that
 * frees is the entry's.
 */
static void dev_free(struct worker *w, int fd, struct list *l,
		     unsigned long *risky, bool priv)
{
	struct held h = held_take(l, e2e_below(&w->rng, l->n));
	struct buddy_free f = { .pfn = h.pfn };
	char want[128];
	bool alive;
	int err;

	alive = free_lock(&h, risky);
	err = ioc(fd, BUDDY_IOC_FREE, &f);
	free_unlock(alive, risky);

	if (alive && (err || f.order != h.order || f.pages != 1ULL << h.order)) {
		failf(w, "FREE %#llx of a live block (order %u): %s, order %u pages %llu",
		      h.pfn, h.order, strerror(err), f.order, f.pages);
		return;
	}
	if (err && err != EALREADY && err != EINVAL && err != EPERM) {
		failf(w, "FREE %#llx: %s", h.pfn, strerror(err));
		return;
	}
	count(err ? N_GONE : N_FREE);
	if (alive)
		count(N_PROVEN);
	if (!err)
		held_forget(l, h.pfn);
	if (!priv || err)
		return;
	if (f.order != h.order)
		failf(w, "private FREE %#llx: order %u, want %u", h.pfn, f.order,
		      h.order);
	block_text(want, sizeof(want), "freed ", &h, w->itag);
	if (read_tiny(w, fd) < 0 || !result_is(w->text, want))
		failf(w, "private read() after FREE: \"%s\", want \"%s\" and steps",
		      w->text, want);
}

/* ALLOC or FREE on the doomed fd: whatever file it is now, if any. */
static void doomed_op(struct worker *w)
{
	struct buddy_alloc a = { .mode = BUDDY_ALLOC_ORDER };
	struct buddy_free f = { 0 };
	int fd = *w->doomed_fd, err;

	a.order = e2e_below(&w->rng, 3);
	err = ioc(fd, BUDDY_IOC_ALLOC, &a);
	if (err && err != ENOMEM && err != ENOTTY) {
		failf(w, "ALLOC on a doomed file: %s", strerror(err));
		return;
	}
	if (err || e2e_below(&w->rng, 2))
		return;
	f.pfn = a.pfn;
	err = ioc(fd, BUDDY_IOC_FREE, &f);
	/* Replaced meanwhile: another file, or /dev/null. */
	if (err && err != EPERM && err != EALREADY && err != EINVAL &&
	    err != ENOTTY)
		failf(w, "FREE on a doomed file: %s", strerror(err));
}

/* Replaces the doomed file: the old one closes under its users. */
static void doom(struct worker *w)
{
	int fd = e2e_below(&w->rng, 4) ? open_or_die(DEV, O_RDWR) :
					 open_or_die("/dev/null", O_RDWR);

	if (dup2(fd, *w->doomed_fd) < 0)
		die("dup2");
	close(fd);
	count(N_DOOM);
}

static void reopen_private(struct worker *w)
{
	close(w->priv_fd);
	w->priv.n = 0;
	w->priv_fd = open_or_die(DEV, O_RDWR);
	count(N_REOPEN);
}

/* === debugfs control === */

/* Writes @cmd to @fd and reads the result back; the errno. */
static int command(struct worker *w, int fd, const char *cmd)
{
	ssize_t n = write(fd, cmd, strlen(cmd));
	int err = n < 0 ? errno : 0;

	if (read_tiny(w, fd) < 0)
		failf(w, "read control after \"%s\": %s", cmd, strerror(errno));
	else if (err && strncmp(w->text, "error=", 6))
		failf(w, "\"%s\" refused (%s) but control reads \"%s\"", cmd,
		      strerror(err), w->text);
	return err;
}

static void dfs_alloc(struct worker *w, int fd)
{
	unsigned long long bytes, pfn, pages;
	struct held h = { .tagged = true };
	char cmd[96], tag[BUDDY_TAG_LEN + 1], rest[64] = "";
	unsigned int order;
	int err;

	h.order = pick_request(w, &bytes);
	if (bytes)
		snprintf(cmd, sizeof(cmd), "alloc %lluB tag=%s", bytes, w->dtag);
	else
		snprintf(cmd, sizeof(cmd), "alloc %u tag=%s", h.order, w->dtag);
	h.resets = load(&sh->resets);
	h.risky = load(&sh->dfs_risky);
	err = command(w, fd, cmd);
	if (err == ENOMEM) {
		count(N_ENOMEM);
		return;
	}
	/* Its own result, whatever the other writers do. */
	if (err || sscanf(w->text, "pfn=%llx order=%u pages=%llu tag=%16s%63[^\n]",
			  &pfn, &order, &pages, tag, rest) < 4 ||
	    order != h.order || pages != 1ULL << order ||
	    strcmp(tag, w->dtag) || !block_ok(pfn, order)) {
		failf(w, "\"%s\": %s, result \"%s\"", cmd, strerror(err),
		      w->text);
		return;
	}
	count(N_ALLOC);
	h.pfn = pfn;
	h.bytes = bytes;
	held_add(&w->dfs, &h);
}

/* free PFN of a debugfs block; see dev_free() for what is known. */
static void dfs_free(struct worker *w, int fd)
{
	struct held h = held_take(&w->dfs, e2e_below(&w->rng, w->dfs.n));
	char cmd[64], want[128];
	bool alive;
	int err;

	snprintf(cmd, sizeof(cmd), "free %#llx", h.pfn);
	alive = free_lock(&h, &sh->dfs_risky);
	err = command(w, fd, cmd);
	free_unlock(alive, &sh->dfs_risky);

	block_text(want, sizeof(want), "freed ", &h, w->dtag);
	snprintf(cmd, sizeof(cmd), "freed pfn=%#llx ", h.pfn);
	if ((alive && (err || !result_is(w->text, want))) ||
	    (err && err != EALREADY && err != EINVAL && err != EPERM) ||
	    (!err && strncmp(w->text, cmd, strlen(cmd)))) {
		snprintf(cmd, sizeof(cmd), "free %#llx", h.pfn);
		failf(w, "\"%s\" (%s block of order %u): %s, result \"%s\"",
		      cmd, alive ? "a live" : "a maybe vanished", h.order,
		      strerror(err), w->text);
		return;
	}
	count(err ? N_GONE : N_FREE);
	if (alive)
		count(N_PROVEN);
	if (!err && strstr(w->text, w->dtag))
		held_forget(&w->dfs, h.pfn);
}

/* free tag=MINE: every line one of this thread's blocks. */
static void dfs_free_tag(struct worker *w, int fd)
{
	unsigned long long pfn, pages;
	unsigned int i, order, lines = 0, live = 0;
	char cmd[64], tag[BUDDY_TAG_LEN + 1], *line;
	bool found;
	int err;

	snprintf(cmd, sizeof(cmd), "free tag=%s", w->dtag);
	pthread_rwlock_rdlock(&sh->lock);
	err = command(w, fd, cmd);
	for (i = 0; i < w->dfs.n; i++)
		live += load(&sh->resets) == w->dfs.b[i].resets &&
			load(&sh->dfs_risky) == w->dfs.b[i].risky;
	pthread_rwlock_unlock(&sh->lock);

	if (err && (err != ENOENT || live)) {
		failf(w, "\"%s\" with %u live blocks: %s", cmd, live,
		      strerror(err));
		return;
	}
	for (line = err ? NULL : w->text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		/* The steps follow the results. */
		if (!strncmp(line, "seq=", 4))
			continue;
		found = false;
		if (sscanf(line, "freed pfn=%llx order=%u pages=%llu tag=%16s",
			   &pfn, &order, &pages, tag) == 4 &&
		    !strcmp(tag, w->dtag) && pages == 1ULL << order)
			for (i = 0; i < w->dfs.n; i++)
				found |= w->dfs.b[i].pfn == pfn &&
					 w->dfs.b[i].order == order;
		if (!found) {
			failf(w, "\"%s\": a line not of this thread's blocks: %.80s",
			      cmd, line);
			return;
		}
		lines++;
	}
	if (lines < live)
		failf(w, "\"%s\" freed %u blocks, %u were live", cmd, lines, live);
	count(N_FREE);
	w->dfs.n = 0;
}

static void reset_pool(struct worker *w, int fd)
{
	unsigned long blocks, pages;
	int err;

	pthread_rwlock_wrlock(&sh->lock);
	err = command(w, fd, "reset");
	__atomic_fetch_add(&sh->resets, 1, __ATOMIC_SEQ_CST);
	pthread_rwlock_unlock(&sh->lock);
	if (err || sscanf(w->text, "reset blocks=%lu pages=%lu\n", &blocks,
			  &pages) != 2 || pages > sh->nr_pages)
		failf(w, "reset: %s, result \"%s\"", strerror(err), w->text);
	count(N_RESET);
}

/* A control file of its own for one command, then closed. */
static void fresh_control(struct worker *w)
{
	int fd = open_or_die(E2E_DBG "control", O_RDWR);

	if (w->dfs.n && (w->dfs.n == MAX_HELD || e2e_below(&w->rng, 2)))
		dfs_free(w, fd);
	else
		dfs_alloc(w, fd);
	close(fd);
}

/* === Readers: every file, 1 to 7 bytes at a time, every line parsed === */

static bool parse_tree(char *line, unsigned long long *last,
		       unsigned int *last_order)
{
	unsigned long long first, end, pages;
	unsigned int order;
	char state[16];
	int n = 0;

	/* The drawing: "│  ", "   ", "├─ ", "└─ ". */
	while (!strncmp(line, "\xe2\x94\x82  ", 5) || !strncmp(line, "   ", 3) ||
	       !strncmp(line, "\xe2\x94\x9c\xe2\x94\x80 ", 7) ||
	       !strncmp(line, "\xe2\x94\x94\xe2\x94\x80 ", 7))
		line += *line == ' ' ? 3 : line[2] == '\x82' ? 5 : 7;
	if (sscanf(line, "%llx-%llx order=%u pages=%llu %15s%n", &first, &end,
		   &order, &pages, state, &n) != 5 ||
	    pages != 1ULL << order || end - first + 1 != pages ||
	    !block_ok(first, order))
		return false;
	if (strcmp(state, "free") && strcmp(state, "split") &&
	    strcmp(state, "allocated"))
		return false;
	if (strcmp(state, "allocated") ? line[n] != '\0' :
	    !strstr(line + n, " pid="))
		return false;
	/* Pre-order: by first pfn, then from the larger block down. */
	if (first < *last || (first == *last && order >= *last_order))
		return false;
	*last = first;
	*last_order = order;
	return true;
}

/* A zone line of mm/vmstat.c: a value per order, each from @lo to @hi. */
static bool parse_vmstat(const char *line, double lo, double hi)
{
	unsigned int k = 0;
	const char *p;
	double v;
	int n;

	p = strstr(line, ", zone    buddy ");
	if (strncmp(line, "Node ", 5) || !p)
		return false;
	for (p += 16; *p; p += n, k++) {
		if (sscanf(p, "%lf %n", &v, &n) != 1)
			return false;
		if (v < lo || v > hi)
			return false;
	}
	return k == sh->max_order + 1;
}

static bool parse_stats(char *text)
{
	static const char *const keys[] = {
		"pages_total", "pages_free", "pages_allocated", "allocations",
		"waste_bytes", "meta_bytes", "max_order", "allocs", "frees",
		"failed_allocs", "splits", "merges", "rejected_free_range",
		"rejected_free_double", "rejected_free_interior",
		"rejected_free_perm", "rejected_commands", "rejected_free_busy",
		"mapped_blocks", "deferred_blocks",
	};
	unsigned long long v[ARRAY_SIZE(keys)];
	char key[32], *line = text;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		if (sscanf(line, "%31s %llu", key, &v[k]) != 2 ||
		    strcmp(key, keys[k]) || !strchr(line, '\n'))
			return false;
		line = strchr(line, '\n') + 1;
	}
	/* One snapshot: the totals add up. */
	return !*line && v[0] == sh->nr_pages && v[1] + v[2] == v[0];
}

static bool parse_allocation(const char *line, unsigned long long *last)
{
	unsigned long long pfn, pages, age, req, waste;
	unsigned int order;
	const char *p = strstr(line, " pid=");
	char kind[8];

	if (sscanf(line, "pfn=%llx order=%u pages=%llu", &pfn, &order,
		   &pages) != 3 || pages != 1ULL << order ||
	    !block_ok(pfn, order) || (*last != ~0ULL && pfn <= *last) || !p)
		return false;
	*last = pfn;
	p = strstr(p, " age_ms=");
	if (!p || sscanf(p, " age_ms=%llu request=%7[a-z]:%llu waste=%llu",
			 &age, kind, &req, &waste) != 4 || age > 100000000)
		return false;
	if (!strcmp(kind, "order") ? req != order || waste :
	    strcmp(kind, "bytes") || waste != (page_size << order) - req)
		return false;
	return strstr(p, " owner=debugfs comm=") || strstr(p, " owner=dev#");
}

static bool parse_result_line(const char *line)
{
	static const char *const ok[] = {
		"pfn=0x", "freed pfn=0x", "reset blocks=", "truncated lines=",
		"commands (", "  ", "then read",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strncmp(line, ok[i], strlen(ok[i])))
			return true;
	return false;
}

static const char *const files[] = {
	"tree", "buddyinfo", "unusable_index", "extfrag_index", "stats",
	"allocations", "check", "control", "/dev/buddy",
};

static void read_random_file(struct worker *w)
{
	unsigned int which = e2e_below(&w->rng, ARRAY_SIZE(files));
	unsigned long long last = ~0ULL;
	unsigned int last_order = 0;
	char path[96], *line, *next, *bad = NULL;
	bool ok = true;
	int fd;

	if (which == ARRAY_SIZE(files) - 1) {
		fd = dup(*w->shared_fd);
	} else {
		snprintf(path, sizeof(path), E2E_DBG "%s", files[which]);
		fd = open_or_die(path, O_RDONLY);
	}
	if (fd < 0 || read_tiny(w, fd) < 0) {
		failf(w, "read %s: %s", files[which], strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	count(N_READ);
	if (which == 4) {
		ok = parse_stats(w->text);
		line = NULL;
	} else if (which == 6) {
		ok = !strcmp(w->text, "ok\n");
		line = NULL;
	} else if (which == ARRAY_SIZE(files) - 1) {
		/*
		 * The shared file's result restarts at each sibling's ALLOC
		 * or FREE, so pieces of two results may meet: only text.
		 */
		for (line = w->text; *line; line++)
			ok &= (*line >= ' ' && *line <= '~') || *line == '\n';
		line = NULL;
	} else {
		line = w->text;
		if (which == 0)
			last = 0;
	}
	for (; ok && line && *line; line = next) {
		next = strchr(line, '\n');
		if (!next) {
			ok = false;
			break;
		}
		*next++ = '\0';
		bad = line;
		switch (which) {
		case 0:
			ok = parse_tree(line, &last, &last_order);
			break;
		case 1:
			ok = parse_vmstat(line, 0, sh->nr_pages);
			break;
		case 2:
			ok = parse_vmstat(line, 0, 1);
			break;
		case 3:		/* -1 "would succeed", else -0.5 to 1 */
			ok = parse_vmstat(line, -1, 1);
			break;
		case 5:
			ok = parse_allocation(line, &last);
			break;
		default:
			ok = parse_result_line(line);
		}
	}
	if (!ok)
		failf(w, "%s, read 1-7 bytes at a time, has a bad line: %.160s",
		      files[which], bad ? bad : w->text);
}

/* === rmmod while files are open === */

static void try_rmmod(struct worker *w)
{
	struct buddy_info info = { 0 };
	char *state;
	long ret;

	/* This thread's files are open: the module cannot go. */
	ret = syscall(SYS_delete_module, "buddy", O_NONBLOCK);
	if (!ret || (errno != EAGAIN && errno != EBUSY)) {
		failf(w, "rmmod with files open: %ld (%s), want EAGAIN or EBUSY",
		      ret, ret ? strerror(errno) : "unloaded");
		return;
	}
	state = read_file("/sys/module/buddy/initstate");
	if (!state || strcmp(state, "live\n") ||
	    ioc(w->priv_fd, BUDDY_IOC_INFO, &info) ||
	    info.nr_pages != sh->nr_pages)
		failf(w, "after a refused rmmod: initstate %s, INFO %llu pages",
		      state ? state : "(none)", info.nr_pages);
	free(state);
	count(N_RMMOD);
}

/* === fork with inherited fds === */

static int child(struct worker *w)
{
	int fd, failed = nr_failed;
	unsigned int i;

	/* The parent thread waits: the private file is the child's now. */
	w->priv.n = 0;
	w->shared.n = 0;
	w->dfs.n = 0;
	w->ops = 0;
	snprintf(w->dtag, sizeof(w->dtag), "c%ut%u", w->p, w->t);
	for (i = 0; i < 3; i++) {
		dev_alloc(w, w->priv_fd, &w->priv, NULL, true);
		dev_alloc(w, *w->shared_fd, &w->shared,
			  &sh->proc_risky[w->p], false);
		dfs_alloc(w, w->ctl_fd);
	}
	while (w->priv.n)
		dev_free(w, w->priv_fd, &w->priv, NULL, true);
	/* One block stays on the shared file, for its last close. */
	while (w->shared.n > 1)
		dev_free(w, *w->shared_fd, &w->shared, &sh->proc_risky[w->p],
			 false);
	if (w->dfs.n)
		dfs_free_tag(w, w->ctl_fd);
	close(w->priv_fd);
	close(*w->shared_fd);
	close(w->ctl_fd);
	close(*w->doomed_fd);
	/* And one of its own, closed by exit. */
	fd = open_or_die(DEV, O_RDWR);
	dev_alloc(w, fd, &w->priv, NULL, false);
	return nr_failed != failed;
}

static void fork_child(struct worker *w)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(child(w));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		failf(w, "forked child: status %#x", status);
	count(N_FORK);
}

/* === The threads === */

static void one_op(struct worker *w)
{
	/* Per 10000: rmmod 8, fork 40, reset 25; the rest by these weights. */
	static const unsigned char weights[] = {
		14, 12, 12, 10, 10, 6, 2, 1, 4, 2, 1, 1, 11,
	};
	unsigned int rare = e2e_below(&w->rng, 10000), op = 0, r;
	unsigned long *prisky = &sh->proc_risky[w->p];
	struct buddy_info info = { 0 };

	if (rare < 8 + 40 + 25) {
		if (rare < 8)
			try_rmmod(w);
		else if (rare < 8 + 40)
			fork_child(w);
		else
			reset_pool(w, w->ctl_fd);
		return;
	}
	for (r = 0; op < ARRAY_SIZE(weights); op++)
		r += weights[op];
	r = e2e_below(&w->rng, r);
	for (op = 0; r >= weights[op]; op++)
		r -= weights[op];

	switch (op) {
	case 0:
	case 1:		/* alloc or free, on the thread's own file */
		if (!w->priv.n || (!op && w->priv.n < MAX_HELD))
			dev_alloc(w, w->priv_fd, &w->priv, NULL, true);
		else
			dev_free(w, w->priv_fd, &w->priv, NULL, true);
		break;
	case 2:
	case 3:		/* on the file the process's threads share */
		if (!w->shared.n || (op == 2 && w->shared.n < MAX_HELD))
			dev_alloc(w, *w->shared_fd, &w->shared, prisky, false);
		else
			dev_free(w, *w->shared_fd, &w->shared, prisky, false);
		break;
	case 4:
	case 5:		/* through control */
		if (!w->dfs.n || (op == 4 && w->dfs.n < MAX_HELD))
			dfs_alloc(w, w->ctl_fd);
		else
			dfs_free(w, w->ctl_fd);
		break;
	case 6:
		dfs_free_tag(w, w->ctl_fd);
		break;
	case 7:
		if (!w->t)
			doom(w);
		break;
	case 8:
		doomed_op(w);
		break;
	case 9:
		fresh_control(w);
		break;
	case 10:
		reopen_private(w);
		break;
	case 11:
		if (ioc(w->priv_fd, BUDDY_IOC_INFO, &info) ||
		    info.free_pages + info.allocated_pages != info.nr_pages)
			failf(w, "INFO: %llu free + %llu allocated of %llu",
			      info.free_pages, info.allocated_pages,
			      info.nr_pages);
		break;
	default:
		read_random_file(w);
	}
}

static unsigned long ops_per_thread;
static unsigned long long base_seed;

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	w->rng = base_seed ^ (0x1000003ULL * (w->p * MAX_THREADS + w->t + 1));
	w->priv_fd = open_or_die(DEV, O_RDWR);
	w->ctl_fd = open_or_die(E2E_DBG "control", O_RDWR);
	snprintf(w->dtag, sizeof(w->dtag), "d%ut%u", w->p, w->t);
	snprintf(w->itag, sizeof(w->itag), "i%ut%u", w->p, w->t);
	for (w->ops = 0; w->ops < ops_per_thread; w->ops++)
		one_op(w);
	close(w->priv_fd);
	close(w->ctl_fd);
	return NULL;
}

static int process_run(unsigned int p, unsigned int nr_threads)
{
	static struct worker workers[MAX_THREADS];
	pthread_t threads[MAX_THREADS];
	int shared_fd = open_or_die(DEV, O_RDWR);
	int doomed_fd = open_or_die(DEV, O_RDWR);
	unsigned int t;

	for (t = 0; t < nr_threads; t++) {
		workers[t].p = p;
		workers[t].t = t;
		workers[t].shared_fd = &shared_fd;
		workers[t].doomed_fd = &doomed_fd;
		if (pthread_create(&threads[t], NULL, worker_run, &workers[t]))
			die("pthread_create");
	}
	for (t = 0; t < nr_threads; t++)
		pthread_join(threads[t], NULL);
	close(shared_fd);
	close(doomed_fd);
	return nr_failed ? 1 : 0;
}

/* === The start and the end === */

static char *pool_state(const char *file)
{
	char path[96], *text;

	snprintf(path, sizeof(path), E2E_DBG "%s", file);
	text = read_file(path);
	if (!text)
		die(path);
	return text;
}

static void setup(void)
{
	struct buddy_info info = { 0 };
	pthread_rwlockattr_t attr;
	int fd = open_or_die(DEV, O_RDONLY);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	/* Resets are rare: readers must not starve them. */
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&sh->lock, &attr);
	if (ioc(fd, BUDDY_IOC_INFO, &info))
		die("BUDDY_IOC_INFO");
	close(fd);
	sh->first_pfn = info.first_pfn;
	sh->nr_pages = info.nr_pages;
	sh->max_order = info.max_order;
}

/* After everyone: the audit, debugfs's blocks only, a reset, as at start. */
static void final_checks(const char *buddyinfo0)
{
	char *allocs, *text, *stats;
	unsigned long long nr, blocks, pages;
	int fd;

	e2e_audit("stress, every file closed");
	allocs = pool_state("allocations");
	stats = pool_state("stats");
	nr = e2e_stat(stats, "allocations");
	result(!strstr(allocs, "owner=dev#"),
	       "stress: no block of a closed /dev/buddy file is left (%llu debugfs blocks)",
	       nr);
	fd = open_or_die(E2E_DBG "control", O_RDWR);
	text = calloc(1, 256);
	if (!text || write(fd, "reset", 5) != 5 || read(fd, text, 255) < 0)
		die("the final reset");
	close(fd);
	result(sscanf(text, "reset blocks=%llu pages=%llu", &blocks, &pages) == 2 &&
	       blocks == nr && pages == (unsigned long long)e2e_stat(stats, "pages_allocated"),
	       "stress: the final reset frees the %llu blocks left: %s", nr, text);
	free(text);
	free(stats);
	free(allocs);
	e2e_audit("stress, after the final reset");
	stats = pool_state("stats");
	result(e2e_stat(stats, "pages_free") == e2e_stat(stats, "pages_total") &&
	       !e2e_stat(stats, "allocations"),
	       "stress: every block back: %lld of %lld pages free",
	       e2e_stat(stats, "pages_free"), e2e_stat(stats, "pages_total"));
	free(stats);
	text = pool_state("buddyinfo");
	result(!strcmp(text, buddyinfo0), "stress: buddyinfo as at the start: %s",
	       text);
	free(text);
}

int main(int argc, char **argv)
{
	unsigned long long ops = 20000;
	unsigned int procs = 4, threads = 3, p, k;
	char *buddyinfo0, *stats;
	pid_t pids[MAX_PROCS];
	int opt, status, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "s:n:p:t:")) != -1) {
		switch (opt) {
		case 's':
			base_seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			ops = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			procs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			threads = strtoul(optarg, NULL, 0);
			break;
		default:
			procs = 0;
		}
	}
	if (!procs || procs > MAX_PROCS || !threads || threads > MAX_THREADS) {
		fprintf(stderr, "usage: %s [-s SEED] [-n OPS] [-p PROCS <= %d] [-t THREADS <= %d]\n",
			argv[0], MAX_PROCS, MAX_THREADS);
		return 2;
	}
	ops_per_thread = (ops + procs * threads - 1) / (procs * threads);
	printf("buddy_stress: seed %llu, %llu ops: %u processes x %u threads x %lu (replay: buddy_stress -s %llu -n %llu -p %u -t %u)\n",
	       base_seed, ops, procs, threads, ops_per_thread, base_seed, ops,
	       procs, threads);
	setup();
	stats = pool_state("stats");
	buddyinfo0 = pool_state("buddyinfo");
	result(!e2e_stat(stats, "allocations"), "stress: the pool is empty at the start");
	free(stats);

	for (p = 0; p < procs; p++) {
		fflush(stdout);
		pids[p] = fork();
		if (pids[p] < 0)
			die("fork");
		if (!pids[p])
			_exit(process_run(p, threads));
	}
	for (p = 0; p < procs; p++) {
		if (waitpid(pids[p], &status, 0) != pids[p] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	result(!bad, "stress: %u processes x %u threads ran %lu ops each; %d of them failed",
	       procs, threads, ops_per_thread, bad);
	for (k = 0; k < ARRAY_SIZE(count_name); k++)
		printf("buddy_stress: %s: %lu\n", count_name[k], sh->counts[k]);
	final_checks(buddyinfo0);
	free(buddyinfo0);
	printf("buddy_stress: seed %llu, %d failed\n", base_seed, nr_failed);
	return nr_failed || bad ? 1 : 0;
}
