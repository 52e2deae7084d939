// SPDX-License-Identifier: GPL-2.0
/*
 * sim.c - the in-process twin of buddy.ko (buddyctl --sim PAGES)
 *
 * A pool made of the module's own code: buddy_core.c for the allocator,
 * buddy_pool.c for the records, counters, commands and steps, buddy_view.c
 * for every text, buddy_cmd.c for the parser and the checks of the ioctl
 * structs.  Nothing here decides what an answer is; it only stands where
 * debugfs and /dev/buddy stand: the files' texts (sim_file()), a write to
 * control (sim_command()), and the ioctls and read() of an open device
 * (sim_ioctl(), sim_read()).  So the twin prints what the module prints,
 * byte for byte, apart from what cannot match: pids, process names, ages.
 *
 * The pool lives as long as the process: a script run by "run" or
 * "shell" sees one pool; a one-shot command starts from a new one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddy_pool.h"
#include "buddy_view.h"
#include "buddyctl.h"

#define SIM_FILES	16	/* /dev/buddy files open at once */
#define SIM_TEXT	8192	/* a file's read() text, as the module's */

struct sim_file {
	bool open;
	struct buddy_owner owner;
	char text[SIM_TEXT];
	struct buddy_out out;
	size_t rpos;
};

static struct sim {
	struct buddy_pool pool;
	struct pid pid;
	struct buddy_who who;
	u64 last_owner;
	struct sim_file files[SIM_FILES];
} *sim;

/* A text made whole: a buffer that grows as the view writes. */
static bool grow(struct buddy_out *out, size_t size)
{
	char *buf;

	if (size < 2 * out->size)
		size = 2 * out->size;
	buf = realloc(out->buf, size);
	if (!buf)
		return false;
	out->buf = buf;
	out->size = size;
	return true;
}

static int text_out(struct buddy_out *out)
{
	buddy_out_init_buf(out, malloc(4096), 4096);
	if (!out->buf)
		return -ENOMEM;
	out->grow = grow;
	return 0;
}

static char *text_done(struct buddy_out *out)
{
	buddy_out_finish(out);
	out->buf[out->len] = '\0';
	return out->buf;
}

/**
 * sim_start() - Make the twin's pool.
 * @pages: Its pages, as buddy.ko's "pages=".
 * @max_order: As "max_order=": clamped to the pool as the module does.
 * @base: The pfn of its first page, to print what a module there prints.
 *
 * Return: 0, or a negative errno after reporting it: -EINVAL for a pool
 * that cannot be, -ENOMEM for one there is no memory for.
 */
int sim_start(unsigned long long pages, unsigned int max_order,
	      unsigned long long base)
{
	unsigned int order = 0, shift = page_shift();
	int err;

	if (!pages || pages > BUDDY_CORE_MAX_FRAMES) {
		report("--sim", EINVAL, CTX_ANY,
		       "a pool of 1 to %lu pages", BUDDY_CORE_MAX_FRAMES);
		return -EINVAL;
	}
	if (base > ~0UL - pages) {
		report("--base", EINVAL, CTX_ANY, "the pool runs past the last pfn");
		return -EINVAL;
	}
	/* As a module's pages, each byte has a 64-bit physical address. */
	if (shift && base + pages > 1ULL << (64 - shift)) {
		report("--base", EINVAL, CTX_ANY,
		       "the pool runs past the last physical address: with pages of %u bytes, pfns end at 0x%llx",
		       1U << shift, (1ULL << (64 - shift)) - 1);
		return -EINVAL;
	}
	while (order < max_order && pages >> (order + 1))
		order++;
	/*
	 * The module's first pfn is a multiple of 2^max_order (of the
	 * pool's, clamped as here), so that a buddy is pfn ^ 2^order in real
	 * pfns too: a twin's base that is not could never be the module's.
	 */
	if (base & ((1ULL << order) - 1)) {
		report("--base", EINVAL, CTX_ANY,
		       "0x%llx is not a multiple of 2^max_order = %llu pages, as the module's first pfn always is (a buddy is pfn ^ 2^order)",
		       base, 1ULL << order);
		return -EINVAL;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim) {
		report("--sim", ENOMEM, CTX_ANY, NULL);
		return -ENOMEM;
	}
	err = buddy_pool_init(&sim->pool, base, pages, order, shift, 0);
	if (err) {
		report("--sim", -err, CTX_ANY, "the pool could not be made");
		free(sim);
		sim = NULL;
		return err;
	}
	sim->pid.nr = getpid();
	sim->who.pid = &sim->pid;
	sim->who.comm = "buddyctl";
	return 0;
}

/**
 * sim_file() - What a debugfs file of the twin reads.
 * @name: "tree", "buddyinfo", ... as in /sys/kernel/debug/buddy.
 * @text: Set to a malloc()ed copy.
 *
 * Return: 0, -ENOENT for a file the module does not have, -ENOMEM.
 */
int sim_file(const char *name, char **text)
{
	struct buddy_pool *pool = &sim->pool;
	struct buddy_core_node node;
	struct buddy_out out;
	bool more;
	u64 seq;

	if (text_out(&out))
		return -ENOMEM;
	if (!strcmp(name, "tree")) {
		for (more = buddy_core_walk_first(&pool->core, &node); more;
		     more = buddy_core_walk_next(&pool->core, &node))
			buddy_view_tree_node(&out, pool, &node);
	} else if (!strcmp(name, "buddyinfo")) {
		buddy_view_vmstat(&out, pool, BUDDY_VMSTAT_BUDDYINFO);
	} else if (!strcmp(name, "unusable_index")) {
		buddy_view_vmstat(&out, pool, BUDDY_VMSTAT_UNUSABLE);
	} else if (!strcmp(name, "extfrag_index")) {
		buddy_view_vmstat(&out, pool, BUDDY_VMSTAT_EXTFRAG);
	} else if (!strcmp(name, "stats")) {
		buddy_view_stats(&out, pool);
	} else if (!strcmp(name, "allocations")) {
		buddy_view_allocations(&out, pool, ktime_get_ns());
	} else if (!strcmp(name, "check")) {
		buddy_view_check(&out, pool);
	} else if (!strcmp(name, "events")) {
		for (seq = buddy_pool_first_seq(pool); seq <= pool->seq; seq++)
			buddy_view_event(&out, buddy_pool_event(pool, seq));
	} else if (!strcmp(name, "bitmaps")) {
		buddy_view_bitmaps(&out, pool);
	} else if (!strcmp(name, "map")) {
		buddy_view_map(&out, pool);
	} else if (!strcmp(name, "control")) {
		if (pool->last_out.len)
			buddy_out_write(&out, pool->last, pool->last_out.len);
		else
			buddy_puts(&out, buddy_view_help_text);
	} else {
		free(out.buf);
		return -ENOENT;
	}
	*text = text_done(&out);
	return 0;
}

/**
 * sim_command() - A command written to the twin's debugfs control.
 * @line: The command.
 * @len: Its length.
 * @text: Set to a malloc()ed copy of what the same open control file then
 *        reads: the result, or why it was refused, and the steps.
 *
 * Return: 0, or the negative errno the write() would have failed with.
 */
int sim_command(const char *line, size_t len, char **text)
{
	struct buddy_pool *pool = &sim->pool;
	struct buddy_out out;
	char why[BUDDY_CMD_WHY_LEN];
	int err;

	*text = NULL;
	if (text_out(&out))
		return -ENOMEM;
	/* An empty write is no command, as in the module. */
	if (!len) {
		*text = text_done(&out);
		return 0;
	}
	err = buddy_pool_command(pool, &pool->debugfs_owner, &sim->who, line,
				 len, &out, why, sizeof(why));
	*text = text_done(&out);
	return err;
}

/* === /dev/buddy === */

static struct sim_file *sim_fd(int fd)
{
	return fd >= 0 && fd < SIM_FILES && sim->files[fd].open ?
	       &sim->files[fd] : NULL;
}

/**
 * sim_open() - Open the twin's /dev/buddy.
 *
 * Return: a descriptor of the twin's own (not the process's), or -EMFILE.
 */
int sim_open(void)
{
	struct sim_file *f;
	int fd;

	for (fd = 0; fd < SIM_FILES; fd++) {
		f = &sim->files[fd];
		if (f->open)
			continue;
		memset(f, 0, sizeof(*f));
		f->open = true;
		INIT_LIST_HEAD(&f->owner.blocks);
		/* As the module numbers its files: dev#1 is the first. */
		f->owner.id = ++sim->last_owner;
		buddy_out_init_buf(&f->out, f->text, sizeof(f->text));
		return fd;
	}
	return -EMFILE;
}

/* Closing frees what the file holds, as release() does. */
void sim_close(int fd)
{
	struct sim_file *f = sim_fd(fd);

	if (!f)
		return;
	buddy_pool_release_owner(&sim->pool, &f->owner);
	f->open = false;
}

static int sim_alloc(struct sim_file *f, struct buddy_alloc *arg)
{
	struct buddy_pool *pool = &sim->pool;
	unsigned long failed = pool->failed_allocs;
	struct buddy_request req = { .tag = arg->tag };
	struct buddy_rec *rec = NULL;
	u64 seq = pool->seq;
	int ret;

	ret = buddy_alloc_request(arg, &req.order, &req.bytes);
	if (ret)
		return ret;
	ret = buddy_pool_alloc(pool, &f->owner, &sim->who, &req, &rec);
	if (!ret) {
		buddy_pool_commit(pool);
		arg->pfn = buddy_rec_pfn(pool, rec);
		arg->phys_addr = arg->pfn << pool->page_shift;
		arg->pages = 1ULL << rec->order;
		arg->out_order = rec->order;
	}
	buddy_view_alloc_told(&f->out, pool, seq, ret, rec,
			      buddy_request_order(pool, &req),
			      pool->failed_allocs != failed);
	f->rpos = 0;
	return ret;
}

static int sim_free(struct sim_file *f, struct buddy_free *arg)
{
	struct buddy_pool *pool = &sim->pool;
	struct buddy_rec *rec;
	u64 seq = pool->seq;
	int ret;

	ret = buddy_free_request(arg);
	if (ret)
		return ret;
	rec = buddy_pool_find(pool, &f->owner, arg->pfn, &ret);
	if (rec) {
		arg->order = rec->order;
		arg->pages = 1ULL << rec->order;
		buddy_pool_release_told(pool, rec, &f->out);
	} else {
		buddy_view_free_refused(&f->out, pool, seq, ret, arg->pfn);
	}
	f->rpos = 0;
	return ret;
}

static int sim_info(struct buddy_info *info)
{
	if (info->reserved[0] || info->reserved[1])
		return -EINVAL;
	buddy_pool_info(&sim->pool, info, true);
	return 0;
}

/**
 * sim_ioctl() - An ioctl on a file of the twin's /dev/buddy.
 * @fd: From sim_open().
 * @cmd: BUDDY_IOC_ALLOC, _FREE or _INFO.
 * @arg: Its struct, in and out, as the module reads and writes it.
 *
 * Return: 0, or a negative errno: those of the module.
 */
int sim_ioctl(int fd, unsigned long cmd, void *arg)
{
	struct sim_file *f = sim_fd(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case BUDDY_IOC_ALLOC:
		return sim_alloc(f, arg);
	case BUDDY_IOC_FREE:
		return sim_free(f, arg);
	case BUDDY_IOC_INFO:
		return sim_info(arg);
	}
	return -ENOTTY;
}

/**
 * sim_read() - read() on a file of the twin's /dev/buddy, to its end.
 * @fd: From sim_open().
 * @text: Set to a malloc()ed copy of the file's last ALLOC or FREE text.
 *
 * Return: 0, or a negative errno.
 */
int sim_read(int fd, char **text)
{
	struct sim_file *f = sim_fd(fd);
	size_t len;

	if (!f)
		return -EBADF;
	len = f->out.len - f->rpos;
	*text = malloc(len + 1);
	if (!*text)
		return -ENOMEM;
	memcpy(*text, f->text + f->rpos, len);
	(*text)[len] = '\0';
	f->rpos = f->out.len;
	return 0;
}
