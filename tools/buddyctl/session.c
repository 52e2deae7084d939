// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions: "shell" and "run" over one /dev/buddy file
 *
 * A session opens the device once and keeps it open: the blocks it
 * allocates (BUDDY_IOC_ALLOC) belong to that file and are freed when it
 * closes, at the end of the session.  The session remembers its blocks, so
 * that "free tag=NAME", "reset" and "list" can work on them alone; the
 * module is still the judge of every free.
 *
 * Input is a line at a time; each line is one command, and each command
 * gets exactly one answer: its output, or a one-line error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buddyctl.h"

#define LINE_MAX_LEN	1024	/* longer lines are refused */

/* A block this session holds, or held (gone). */
struct block {
	unsigned long long pfn;
	unsigned long long phys_addr;
	unsigned long long bytes;	/* the size asked for, 0 for an order */
	unsigned int order;
	bool gone;			/* freed: the slot waits for pack() */
	char tag[BUDDY_TAG_LEN];
};

/*
 * The blocks stay in the order they were allocated, as list, free tag=NAME
 * and reset show them; a hash of their pfns finds one in O(1), so that a
 * session of a million frees takes seconds, not hours.  A freed block only
 * leaves a gone slot behind, until add_block() packs them.
 */
struct session {
	int fd;
	bool show_tree;			/* print the tree after a change */
	struct strbuf *steps;		/* the steps of the command in hand */
	char *last_steps;		/* those of the last command, or NULL */
	unsigned int page_shift;
	struct block *blocks;
	size_t nr, cap;			/* slots used (gone ones too), allocated */
	size_t live;			/* blocks held: slots not gone */
	size_t *index;			/* by pfn: slot + 1 of a live block, or 0 */
	size_t index_cap;		/* a power of 2, 2 * cap or more; or 0 */
	bool allocated;			/* the line in hand allocated a block */
	unsigned long long allocated_pfn;	/* its pfn */
};

static const char session_help[] =
"Commands, one per line (blank lines and lines starting with # are skipped):\n"
"  alloc ORDER [tag=NAME]  a block of 2^ORDER pages (ORDER < 64)\n"
"  alloc SIZE [tag=NAME]   the smallest block holding SIZE bytes: 64 or\n"
"                          more, or with a suffix: 1B, 7K, 2M, 1G\n"
"  free PFN                free a block of this session (0x hex or decimal)\n"
"  free tag=NAME           free this session's blocks tagged NAME\n"
"  reset                   free all of this session's blocks\n"
"  list                    this session's blocks\n"
"  svg FILE                the pool now as one picture, written to FILE\n"
"  map PFN                 map a block of this session, write and check a\n"
"                          pattern, and prove its frames with pagemap\n"
"                          (map alone is the memory bar view)\n"
"  show tree on|off        print the tree after each alloc and free\n"
"  explain on|off          tell each command's steps in words (on in a shell)\n"
"  tree, buddyinfo, frag, stats, allocations, check, events, bits, map\n"
"                          the debugfs views, as buddyctl VIEW shows them\n"
"  info                    pool geometry and free blocks (BUDDY_IOC_INFO)\n"
"  help                    this text\n"
"  quit, exit              end the session (so does end of input)\n"
"The session's blocks belong to its /dev/buddy file: they are freed when\n"
"the session ends.\n";

/* === Text built a piece at a time === */

struct strbuf {
	char *s;
	size_t len, cap;
	bool nomem;
};

static __printf(2, 3) void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list args;
	size_t need;
	char *bigger;
	int n;

	va_start(args, fmt);
	n = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	need = sb->len + n + 1;
	if (need > sb->cap) {
		bigger = realloc(sb->s, need * 2);
		if (!bigger) {
			sb->nomem = true;
			return;
		}
		sb->s = bigger;
		sb->cap = need * 2;
	}
	va_start(args, fmt);
	vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, args);
	va_end(args);
	sb->len += n;
}

/* "pfn=0x12340 order=3 pages=8 tag=A", as the module writes a block. */
static void sb_block(struct strbuf *sb, unsigned long long pfn,
		     unsigned int order, const char *tag)
{
	sb_printf(sb, "pfn=0x%llx order=%u pages=%llu", pfn, order,
		  1ULL << order);
	if (tag && tag[0])
		sb_printf(sb, " tag=%s", tag);
}

/* === The blocks this session holds === */

static size_t pfn_hash(unsigned long long pfn, size_t cap)
{
	unsigned long long h = pfn * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h ^ h >> 32) & (cap - 1);
}

/* The slot of the block held at @pfn, or -1. */
static long find_block(const struct session *s, unsigned long long pfn)
{
	size_t mask = s->index_cap - 1, i, slot;

	if (!s->index_cap)
		return -1;
	for (i = pfn_hash(pfn, s->index_cap); s->index[i]; i = (i + 1) & mask) {
		slot = s->index[i] - 1;
		if (s->blocks[slot].pfn == pfn)
			return slot;
	}
	return -1;
}

static void index_add(struct session *s, size_t slot)
{
	size_t mask = s->index_cap - 1, i;

	i = pfn_hash(s->blocks[slot].pfn, s->index_cap);
	while (s->index[i])
		i = (i + 1) & mask;
	s->index[i] = slot + 1;
}

/* Linear probing without tombstones: the entries after it move back. */
static void index_del(struct session *s, size_t slot)
{
	size_t mask = s->index_cap - 1, i, k, h;

	i = pfn_hash(s->blocks[slot].pfn, s->index_cap);
	while (s->index[i] != slot + 1)
		i = (i + 1) & mask;
	for (k = i;;) {
		s->index[i] = 0;
		for (;;) {
			k = (k + 1) & mask;
			if (!s->index[k])
				return;
			h = pfn_hash(s->blocks[s->index[k] - 1].pfn,
				     s->index_cap);
			/* Stays unless its home is outside (i, k]. */
			if (i <= k ? h <= i || h > k : h <= i && h > k)
				break;
		}
		s->index[i] = s->index[k];
		i = k;
	}
}

/* Index the live slots again, in a table of @cap entries. */
static int index_build(struct session *s, size_t cap)
{
	size_t *index = s->index, i;

	if (cap != s->index_cap) {
		index = calloc(cap, sizeof(*index));
		if (!index)
			return -1;
		free(s->index);
		s->index = index;
		s->index_cap = cap;
	} else {
		memset(index, 0, cap * sizeof(*index));
	}
	for (i = 0; i < s->nr; i++)
		if (!s->blocks[i].gone)
			index_add(s, i);
	return 0;
}

/* Closes up the gone slots, keeping the order of the others. */
static void pack(struct session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nr; i++)
		if (!s->blocks[i].gone)
			s->blocks[n++] = s->blocks[i];
	s->nr = n;
	index_build(s, s->index_cap);
}

static void drop_block(struct session *s, size_t i)
{
	index_del(s, i);
	s->blocks[i].gone = true;
	s->live--;
	while (s->nr && s->blocks[s->nr - 1].gone)
		s->nr--;
}

static int add_block(struct session *s, const struct block *b)
{
	long old = find_block(s, b->pfn);
	struct block *bigger;
	size_t cap, index_cap;

	/*
	 * The module just handed out that pfn: the block the session
	 * remembers there was freed behind its back (a debugfs reset).
	 */
	if (old >= 0)
		drop_block(s, old);
	if (s->nr == s->cap && s->live < s->nr / 2) {
		pack(s);
	} else if (s->nr == s->cap) {
		cap = s->cap * 2 + 16;
		for (index_cap = 64; index_cap < 2 * cap; index_cap *= 2)
			;
		/* The index first: it must never be full. */
		if (index_build(s, index_cap))
			return -1;
		bigger = realloc(s->blocks, cap * sizeof(*b));
		if (!bigger)
			return -1;
		s->blocks = bigger;
		s->cap = cap;
	}
	s->blocks[s->nr] = *b;
	s->blocks[s->nr].gone = false;
	index_add(s, s->nr++);
	s->live++;
	return 0;
}

static void forget_blocks(struct session *s)
{
	free(s->blocks);
	free(s->index);
}

/*
 * A free refused for a block the session thought it held: the module no
 * longer has it as ours, so somebody freed it (a debugfs reset frees every
 * block) and perhaps reallocated the pages.
 */
static bool is_stale(int err)
{
	return err == EALREADY || err == EPERM || err == EINVAL;
}

/* === Commands === */

/*
 * The text the module keeps for this file's last ALLOC or FREE: the result
 * or why it was refused, then the steps.  Appends the steps to the
 * session's, and returns the text (malloc()ed) or NULL.
 */
static char *module_text(struct session *s)
{
	char *text, *steps;

	if (dev_read(s->fd, &text))
		return NULL;
	steps = strstr(text, "seq=");
	if (steps && (steps == text || steps[-1] == '\n'))
		sb_printf(s->steps, "%s", steps);
	return text;
}

/*
 * The result of a change, its steps (told with "explain on"), and the tree
 * after it if "show tree on".
 */
static void show_result(struct session *s, enum buddy_cmd_op op,
			struct strbuf *sb)
{
	struct tree t;
	bool with_tree = s->show_tree && !tree_load(&t);

	if (s->steps->s)
		sb_printf(sb, "%s", s->steps->s);
	if (sb->nomem || s->steps->nomem)
		report("result", ENOMEM, CTX_ANY, NULL);
	else
		result_print(op, sb->s, with_tree ? &t : NULL);
	if (s->show_tree)
		tree_release(&t);
	free(sb->s);
}

/* The pool's max_order, for an error message; -1 if it cannot be had. */
static int max_order(const struct session *s)
{
	struct buddy_info info;

	memset(&info, 0, sizeof(info));
	if (dev_ioctl(s->fd, BUDDY_IOC_INFO, &info))
		return -1;
	return info.max_order;
}

static int do_alloc(struct session *s, const char *line,
		    const struct buddy_cmd *cmd)
{
	struct strbuf sb = { };
	struct buddy_alloc arg;
	struct block b;
	char *told;
	int err;

	memset(&arg, 0, sizeof(arg));
	if (cmd->bytes) {
		arg.mode = BUDDY_ALLOC_BYTES;
		arg.bytes = cmd->bytes;
	} else {
		arg.mode = BUDDY_ALLOC_ORDER;
		arg.order = cmd->order;
	}
	memcpy(arg.tag, cmd->tag, sizeof(arg.tag));
	if (dev_ioctl(s->fd, BUDDY_IOC_ALLOC, &arg)) {
		err = errno;
		/* With "explain on", why: the module's own steps. */
		told = err == EINVAL || err == ENOMEM ? module_text(s) : NULL;
		report_told(told);
		report_alloc(line, err, cmd, err == EINVAL ? max_order(s) : -1);
		free(told);
		return -1;
	}
	free(module_text(s));
	s->allocated = true;
	s->allocated_pfn = arg.pfn;

	memset(&b, 0, sizeof(b));
	b.pfn = arg.pfn;
	b.phys_addr = arg.phys_addr;
	b.bytes = cmd->bytes;
	b.order = arg.out_order;
	memcpy(b.tag, cmd->tag, sizeof(b.tag));
	if (add_block(s, &b))
		note("out of memory: 'list' will miss block 0x%llx", b.pfn);

	sb_block(&sb, b.pfn, b.order, b.tag);
	if (b.bytes)
		sb_printf(&sb, " bytes=%llu waste=%llu", b.bytes,
			  (1ULL << (b.order + s->page_shift)) - b.bytes);
	sb_printf(&sb, "\n");
	show_result(s, BUDDY_CMD_ALLOC, &sb);
	return 0;
}

/*
 * Frees the block at @pfn through the session's file and appends its
 * "freed ..." line to @sb.  Return: 0 or a positive errno.
 */
static int free_one(struct session *s, unsigned long long pfn,
		    struct strbuf *sb)
{
	long i = find_block(s, pfn);
	struct buddy_free arg;
	int err;

	memset(&arg, 0, sizeof(arg));
	arg.pfn = pfn;
	if (dev_ioctl(s->fd, BUDDY_IOC_FREE, &arg)) {
		err = errno;
		if (i >= 0 && is_stale(err))
			drop_block(s, i);
		return err;
	}
	free(module_text(s));
	sb_printf(sb, "freed ");
	sb_block(sb, pfn, arg.order, i >= 0 ? s->blocks[i].tag : NULL);
	sb_printf(sb, "\n");
	if (i >= 0)
		drop_block(s, i);
	return 0;
}

static int do_free(struct session *s, const char *line,
		   const struct buddy_cmd *cmd)
{
	bool ours = find_block(s, cmd->pfn) >= 0;
	struct strbuf sb = { };
	char *told;
	int err;

	err = free_one(s, cmd->pfn, &sb);
	if (err) {
		/* With "explain on", why: the module's own steps. */
		told = err != EFAULT && err != EBADF ? module_text(s) : NULL;
		report_told(told);
		if (ours && is_stale(err))
			report(line, err, CTX_DEV_FREE,
			       "this session's block there is gone: freed behind its back (a debugfs reset?) and forgotten");
		else
			report_free(line, err, CTX_DEV_FREE, cmd->pfn);
		free(told);
		free(sb.s);
		return -1;
	}
	show_result(s, BUDDY_CMD_FREE, &sb);
	return 0;
}

/*
 * free tag=NAME and reset: free this session's blocks, those tagged @tag or
 * all of them.  Blocks freed behind the session's back are forgotten.
 */
static int do_free_many(struct session *s, const char *line,
			const struct buddy_cmd *cmd)
{
	bool all = cmd->op == BUDDY_CMD_RESET;
	unsigned long nr_freed = 0, nr_gone = 0, pages = 0;
	struct strbuf sb = { };
	size_t i;
	int err;

	for (i = 0; i < s->nr; i++) {
		const struct block *b = &s->blocks[i];
		unsigned int order = b->order;

		if (b->gone || (!all && strcmp(b->tag, cmd->tag)))
			continue;
		err = free_one(s, b->pfn, &sb);
		if (!err) {
			nr_freed++;
			pages += 1UL << order;
		} else if (is_stale(err)) {
			nr_gone++;
		} else {
			report(line, err, CTX_DEV_FREE, NULL);
			free(sb.s);
			return -1;
		}
	}
	if (all) {
		free(sb.s);
		sb = (struct strbuf){ };
		sb_printf(&sb, "reset blocks=%lu pages=%lu\n", nr_freed, pages);
	} else if (!nr_freed) {
		if (nr_gone)
			report(line, ENOENT, CTX_DEV_FREE_TAG,
			       "this session's blocks with that tag are gone: freed behind its back (a debugfs reset?)");
		else
			report(line, ENOENT, CTX_DEV_FREE_TAG, NULL);
		free(sb.s);
		return -1;
	}
	if (nr_gone)
		note("%lu block(s) of this session were already freed behind its back (a debugfs reset?)",
		     nr_gone);
	show_result(s, cmd->op, &sb);
	return 0;
}

static int do_list(struct session *s)
{
	struct strbuf sb = { };
	const struct block *b;
	size_t i;
	int ret;

	sb_printf(&sb, "%s", "");
	for (i = 0; i < s->nr; i++) {
		b = &s->blocks[i];
		if (b->gone)
			continue;
		sb_block(&sb, b->pfn, b->order, b->tag);
		if (b->bytes)
			sb_printf(&sb, " request=bytes:%llu waste=%llu",
				  b->bytes,
				  (1ULL << (b->order + s->page_shift)) -
				  b->bytes);
		else
			sb_printf(&sb, " request=order:%u waste=0", b->order);
		sb_printf(&sb, " phys_addr=0x%llx\n", b->phys_addr);
	}
	if (sb.nomem) {
		report("list", ENOMEM, CTX_ANY, NULL);
		free(sb.s);
		return -1;
	}
	ret = rows_print("list", sb.s, NULL, ROWS_SESSION);
	free(sb.s);
	return ret;
}

/* The pfn behind @addr, from /proc/self/pagemap; 0 if unknown. */
static unsigned long long pagemap_pfn(int fd, const void *addr, long page)
{
	unsigned long long entry = 0;
	off_t off = (uintptr_t)addr / page * sizeof(entry);

	if (pread(fd, &entry, sizeof(entry), off) != sizeof(entry))
		return 0;
	/* Bit 63: present; bits 0-54: the pfn (0 without CAP_SYS_ADMIN). */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/*
 * map PFN: map a block this session holds, write a pattern (each page
 * its own byte) and read it back, then ask /proc/self/pagemap which
 * frame each page is: the block's, one by one, or the check fails.
 */
static int do_map(struct session *s, const char *line, char **arg, int n)
{
	unsigned long long pfn, got, bad_pfn = 0;
	long page = sysconf(_SC_PAGESIZE);
	unsigned long pages, i, bad = 0, k;
	unsigned char *p;
	struct json j;
	long b;
	int pm;

	if (n != 1 || !parse_u64(arg[0], &pfn)) {
		report(line, EINVAL, CTX_ANY, "usage: map PFN (a block of this session; see list)");
		return -1;
	}
	if (opt.sim) {
		report(line, ENODEV, CTX_ANY,
		       "the twin has no pages to map: map needs the module");
		return -1;
	}
	b = find_block(s, pfn);
	if (b < 0) {
		report(line, ENOENT, CTX_ANY,
		       "no block of this session starts at 0x%llx (see list)",
		       pfn);
		return -1;
	}
	pages = 1UL << s->blocks[b].order;
	p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_SHARED,
		 s->fd, (off_t)(pfn * page));
	if (p == MAP_FAILED) {
		report(line, errno, CTX_DEV, "mmap of the block failed");
		return -1;
	}
	for (i = 0; i < pages; i++)
		memset(p + i * page, (int)(0x5a ^ (i & 0xff)), page);
	for (i = 0; i < pages && !bad; i++)
		for (k = 0; k < (unsigned long)page; k++)
			if (p[i * page + k] != (0x5a ^ (i & 0xff)))
				bad = i + 1;
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	for (i = 0; i < pages; i++) {
		got = pm < 0 ? 0 : pagemap_pfn(pm, p + i * page, page);
		if (got != pfn + i) {
			bad_pfn = got ? got : ~0ULL;
			break;
		}
	}
	if (pm >= 0)
		close(pm);
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_u64(&j, "map", pfn);
		json_u64(&j, "pages", pages);
		json_u64(&j, "addr", (uintptr_t)p);
		json_bool(&j, "pattern", !bad);
		json_bool(&j, "pagemap", !bad_pfn);
		json_close(&j);
		json_end(&j);
	} else {
		printf("mapped pfn=0x%llx pages=%lu at %p\n", pfn, pages,
		       (void *)p);
		printf("pattern: %s\n", bad ? "MISMATCH" :
		       "written to every page and read back");
		if (!bad_pfn)
			printf("pagemap: every page is its frame, 0x%llx-0x%llx\n",
			       pfn, pfn + pages - 1);
		else if (bad_pfn == ~0ULL)
			printf("pagemap: page %lu shows no pfn (CAP_SYS_ADMIN is needed to see them)\n",
			       i);
		else
			printf("pagemap: page %lu is pfn 0x%llx, not 0x%llx\n",
			       i, bad_pfn, pfn + i);
	}
	munmap(p, pages * page);
	return bad || bad_pfn ? -1 : 0;
}

static int do_show(struct session *s, const char *line, char **arg, int n)
{
	struct json j;

	if (n != 2 || strcmp(arg[0], "tree") ||
	    (strcmp(arg[1], "on") && strcmp(arg[1], "off"))) {
		report(line, EINVAL, CTX_ANY, "usage: show tree on|off");
		return -1;
	}
	s->show_tree = !strcmp(arg[1], "on");
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_bool(&j, "show_tree", s->show_tree);
		json_close(&j);
		json_end(&j);
	}
	return 0;
}

static int do_explain(struct session *s, const char *line, char **arg,
		      int n)
{
	struct json j;

	(void)s;
	if (n != 1 || (strcmp(arg[0], "on") && strcmp(arg[0], "off"))) {
		report(line, EINVAL, CTX_ANY, "usage: explain on|off");
		return -1;
	}
	opt.explain = !strcmp(arg[0], "on");
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_bool(&j, "explain", opt.explain);
		json_close(&j);
		json_end(&j);
	}
	return 0;
}

static void do_help(void)
{
	struct json j;

	if (!opt.json) {
		fputs(session_help, stdout);
		return;
	}
	json_begin(&j);
	json_open(&j, NULL, '{');
	json_str(&j, "help", session_help);
	json_close(&j);
	json_end(&j);
}

/* A command of the shared language, parsed as debugfs control parses it. */
static int do_command(struct session *s, const char *line)
{
	struct buddy_cmd cmd;
	char why[BUDDY_CMD_WHY_LEN];

	struct strbuf steps = { };
	int ret = -1;

	if (buddy_cmd_parse(line, strlen(line), &cmd, why, sizeof(why))) {
		report(line, EINVAL, CTX_ANY, "%s", why);
		return -1;
	}
	s->steps = &steps;
	switch (cmd.op) {
	case BUDDY_CMD_ALLOC:
		ret = do_alloc(s, line, &cmd);
		break;
	case BUDDY_CMD_FREE:
		ret = do_free(s, line, &cmd);
		break;
	case BUDDY_CMD_FREE_TAG:
	case BUDDY_CMD_RESET:
		ret = do_free_many(s, line, &cmd);
		break;
	}
	s->steps = NULL;
	free(s->last_steps);
	s->last_steps = steps.s;
	return ret;
}

/**
 * session_body_len() - A line's length without its line ending.
 * @line: The line, as read.
 * @len: Its length.
 *
 * Return: @len less one "\n" or "\r\n", as buddy_cmd_parse() takes it off.
 */
size_t session_body_len(const char *line, size_t len)
{
	if (len && line[len - 1] == '\n') {
		len--;
		if (len && line[len - 1] == '\r')
			len--;
	}
	return len;
}

/**
 * session_line_runs() - Whether a line of input is more than a blank line
 * or a comment, which sessions skip.
 * @line: The line, as read (its line ending too).
 * @len: Its length; it may hold a NUL, which runs (and is refused).
 *
 * Return: true if session_exec() would run it.
 */
bool session_line_runs(const char *line, size_t len)
{
	size_t i;

	if (memchr(line, '\0', len))
		return true;
	len = session_body_len(line, len);
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i < len && line[i] != '#';
}

/*
 * Runs one line of input.  Return: 0 done (or nothing to do), -1 failed
 * (reported), 1 the session is to end.
 */
static int session_line(struct session *s, char *line, size_t len)
{
	char *word[4], *p, copy[LINE_MAX_LEN + 1], cut[41];
	int n = 0;
	size_t i;

	if (memchr(line, '\0', len)) {
		snprintf(copy, sizeof(copy), "%.64s\\000...", line);
		report(copy, EINVAL, CTX_ANY, "a NUL byte in the line");
		return -1;
	}
	if (!session_line_runs(line, len))
		return 0;
	len = session_body_len(line, len);
	line[len] = '\0';
	p = line + strspn(line, " \t");
	/*
	 * The module's commands go to its parser as they are, blanks and all,
	 * as a write to debugfs would: what it refuses (a '\r' left, a line
	 * over 128 bytes), the session refuses, with its reason.
	 */
	n = strcspn(p, " \t");
	if ((n == 5 && (!strncmp(p, "alloc", n) || !strncmp(p, "reset", n))) ||
	    (n == 4 && !strncmp(p, "free", n)))
		return do_command(s, line);
	/* The session's own commands: blanks around them do not matter. */
	line[blank_trimmed_len(line, len)] = '\0';
	line = p;
	n = 0;
	for (i = 0; line[i]; i++) {
		if ((unsigned char)line[i] < ' ' && line[i] != '\t') {
			report(line, EINVAL, CTX_ANY,
			       "control character in the line");
			return -1;
		}
	}
	if (strlen(line) > LINE_MAX_LEN) {
		report(line, EINVAL, CTX_ANY, "line longer than %d bytes",
		       LINE_MAX_LEN);
		return -1;
	}

	/* Cut a copy into words; @line stays whole for messages. */
	memcpy(copy, line, strlen(line) + 1);
	for (p = copy; *p && n < 4; n++) {
		word[n] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
		p += strspn(p, " \t");
	}
	if (*p)
		n++;			/* more than 4 words: too many anyway */
	if (!n)
		return 0;		/* not reached: @line has a word */

	if (!strcmp(word[0], "show"))
		return do_show(s, line, word + 1, n - 1);
	if (!strcmp(word[0], "explain"))
		return do_explain(s, line, word + 1, n - 1);
	if (!strcmp(word[0], "svg")) {
		if (n != 2) {
			report(line, EINVAL, CTX_ANY, "usage: svg FILE");
			return -1;
		}
		return svg_run(word[1]) ? -1 : 0;
	}
	/* "map" alone is the view; "map PFN" maps a block. */
	if (!strcmp(word[0], "map") && n > 1)
		return do_map(s, line, word + 1, n - 1);
	if (n > 1 && (view_exists(word[0]) || !strcmp(word[0], "info") ||
		      !strcmp(word[0], "list") || !strcmp(word[0], "help") ||
		      !strcmp(word[0], "quit") || !strcmp(word[0], "exit"))) {
		report(line, EINVAL, CTX_ANY, "%s takes no arguments", word[0]);
		return -1;
	}
	if (view_exists(word[0]))
		return view_run(word[0]);
	if (!strcmp(word[0], "info"))
		return info_show(s->fd);
	if (!strcmp(word[0], "list"))
		return do_list(s);
	if (!strcmp(word[0], "help")) {
		do_help();
		return 0;
	}
	if (!strcmp(word[0], "quit") || !strcmp(word[0], "exit"))
		return 1;
	report(line, EINVAL, CTX_ANY, "unknown command '%s' (try help)",
	       word_cut(cut, sizeof(cut), word[0]));
	return -1;
}

/**
 * session_open() - A session for a program driving it line by line.
 *
 * Return: the session, or NULL after reporting why not.
 */
struct session *session_open(void)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s) {
		report("session", ENOMEM, CTX_ANY, NULL);
		return NULL;
	}
	s->page_shift = page_shift();
	if (dev_open(&s->fd)) {
		free(s);
		return NULL;
	}
	return s;
}

/**
 * session_exec() - Run one line of a session, as run does.
 * @s: The session.
 * @line: The line, its line ending too if it has one; cut up in place.
 * @len: Its length.
 * @steps: Set to the steps the module reported for it (malloc()ed, "" if
 *         none), for the caller to free.
 *
 * Return: 0 done, -1 failed (reported), 1 the session is to end.
 */
int session_exec(struct session *s, char *line, size_t len, char **steps)
{
	int ret;

	free(s->last_steps);
	s->last_steps = NULL;
	s->allocated = false;
	ret = session_line(s, line, len);
	*steps = strdup(s->last_steps ? s->last_steps : "");
	return ret;
}

/**
 * session_exec_captured() - Run one line, keeping what it prints.
 * @s: The session.
 * @line: The line; cut up in place.
 * @len: Its length.
 * @output: Set to what it printed on stdout and stderr, malloc()ed: the
 *          words "run" would have shown.
 * @steps: As for session_exec().
 *
 * Return: as session_exec(), or -2 if the output could not be kept.
 */
int session_exec_captured(struct session *s, char *line, size_t len,
			  char **output, char **steps)
{
	FILE *tmp = tmpfile();
	int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO), ret;
	long kept;

	*output = NULL;
	*steps = NULL;
	if (!tmp || out < 0 || err < 0) {
		report("session", errno, CTX_ANY,
		       "cannot keep what a command prints");
		if (tmp)
			fclose(tmp);
		return -2;
	}
	flush_stdout();
	fflush(stderr);
	dup2(fileno(tmp), STDOUT_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = session_exec(s, line, len, steps);
	fflush(stdout);
	fflush(stderr);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	close(out);
	close(err);
	kept = ftell(tmp);
	*output = calloc(1, kept > 0 ? kept + 1 : 1);
	if (*output && kept > 0) {
		rewind(tmp);
		if (fread(*output, 1, kept, tmp) != (size_t)kept)
			(*output)[0] = '\0';
	}
	fclose(tmp);
	return ret;
}

/* The session's descriptor of /dev/buddy (or of the twin's). */
int session_fd(const struct session *s)
{
	return s->fd;
}

/**
 * session_allocated() - The block the last line allocated, if it did.
 * @s: The session.
 * @pfn: Set to its first pfn, as the module handed it out.
 *
 * Return: true if the last line of session_exec() allocated a block.
 */
bool session_allocated(const struct session *s, unsigned long long *pfn)
{
	*pfn = s->allocated_pfn;
	return s->allocated;
}

/* Ends a session: its blocks are freed, as when its file closes. */
void session_close(struct session *s)
{
	dev_close(s->fd);
	free(s->last_steps);
	forget_blocks(s);
	free(s);
}

/**
 * session_run() - Run a shell or a batch file over one /dev/buddy file.
 * @file: The batch file, "-" for stdin; NULL for the shell.
 * @shell: A shell: go on after errors; prompt if stdin is a terminal.
 *
 * A batch stops at its first error unless opt.keep_going; errors are
 * reported as FILE:LINE.
 *
 * Return: the exit status: 0, or 1 if any command failed.
 */
int session_run(const char *file, bool shell)
{
	bool prompt = shell && isatty(STDIN_FILENO);
	struct session s = { .page_shift = page_shift() };
	unsigned long nr_failed = 0;
	size_t line_cap = 0;
	char *line = NULL;
	FILE *in = stdin;
	ssize_t len;
	int ret;

	if (file && strcmp(file, "-")) {
		in = fopen(file, "r");
		if (!in) {
			report(file, errno, CTX_PATH, NULL);
			return 1;
		}
	}
	if (dev_open(&s.fd)) {
		if (in != stdin)
			fclose(in);
		return 1;
	}
	if (!shell)
		where_file = in == stdin ? "stdin" : file;
	if (prompt) {
		printf("buddy shell on %s: 'help' lists the commands; the blocks allocated here are freed when it ends\n",
		       opt.sim ? "the twin (--sim)" : opt.dev);
		/* A person at a terminal is there to learn: tell the steps. */
		opt.explain = true;
	}

	for (;;) {
		if (prompt) {
			fputs("buddy> ", stdout);
			flush_stdout();
		}
		errno = 0;
		len = getline(&line, &line_cap, in);
		if (len < 0) {
			if (errno && errno != EINTR) {
				report(file ? file : "stdin", errno, CTX_PATH,
				       NULL);
				nr_failed++;
			}
			if (prompt)
				putchar('\n');
			break;
		}
		where_line++;
		ret = session_line(&s, line, len);
		flush_stdout();
		if (ret > 0)
			break;
		if (ret < 0) {
			nr_failed++;
			if (!shell && !opt.keep_going)
				break;
		}
	}

	if (prompt && s.live)
		printf("closing %s frees this session's %zu block(s)\n",
		       opt.dev, s.live);
	flush_stdout();
	dev_close(s.fd);
	free(s.last_steps);
	forget_blocks(&s);
	free(line);
	if (in != stdin)
		fclose(in);
	where_file = NULL;
	return nr_failed ? 1 : 0;
}
