// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_ioctl_fuzz - throw random and mutated ioctls at /dev/buddy and
 * random bytes at debugfs control, and predict every answer.
 *
 * Each step picks an fd (read-write or read-only /dev/buddy files, or the
 * control file), a command number (a valid one, the right type and number
 * with a wrong size or direction, the valid number with junk in the upper
 * 32 bits, a bit flip, or anything), a struct (valid, mutated or random
 * bytes) and a pointer (good, NULL, unmapped, PROT_NONE, read-only, a struct
 * straddling a read-only or PROT_NONE page in either direction, kernel and
 * non-canonical addresses).  Between ioctls it writes 0..300 random bytes,
 * mutated commands or valid ones to control, reads results back in small
 * pieces, and closes and reopens files.
 *
 * The fuzzer is the pool's only user, so a model predicts each result
 * exactly: the errno, every byte of the struct afterwards (a refused ioctl
 * leaves it as it was), the pfn of each allocation (the allocator core,
 * which is deterministic), the text read() returns, and at the end the
 * counters of stats and the buddyinfo line.  The model keeps its own
 * records of who holds what; only the core and the command parser are the
 * module's code.  The first difference stops the run and is printed with
 * the step number: "-s SEED -n N" replays it exactly.
 *
 * Runs as root with buddy.ko loaded; starts with a reset.  Prints
 * "BUDDY-TEST: PASS|FAIL name" lines and exits non-zero on a failure.
 * Usage: buddy_ioctl_fuzz [-s SEED] [-n IOCTLS] [-v]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "buddy_cmd.h"
#include "buddy_core.h"
#include "e2e.h"

#define DEV		"/dev/buddy"
#define CONTROL		E2E_DBG "control"
#define NR_RW		3		/* read-write /dev/buddy files */
#define NR_DEV		5		/* and two read-only ones */
#define DEBUGFS		NR_DEV		/* the owner of control's blocks */
#define NOBODY		(-1)
#define CMD_BYTES	(BUDDY_CMD_MAX_LEN + 3)	/* what control reads */
#define TEXT_MAX	65536
#define LAST_MAX	16000		/* below the pool's 16384-byte copy */

/* The arena: per-page protections, written through a read-write alias. */
enum { PG_RW0, PG_RO, PG_RW1, PG_NONE, PG_RW2, NR_PAGES };
static const int page_prot[NR_PAGES] = {
	PROT_READ | PROT_WRITE, PROT_READ, PROT_READ | PROT_WRITE, PROT_NONE,
	PROT_READ | PROT_WRITE,
};

/* Never mapped: checked at start. */
#define UNMAPPED_BASE	0x100000000000ULL
#define UNMAPPED_SIZE	BIT_ULL(30)

static long page_size;
static char *arena, *alias;
static unsigned long long rng;
static unsigned long step;
static bool verbose;

/* === The model === */

struct rec {
	int owner;			/* fd index, DEBUGFS or NOBODY */
	unsigned int order;
	unsigned long long bytes;
	char tag[BUDDY_TAG_LEN];
};

/*
 * What read() of a file returns: the text of its last result.  A result
 * of ALLOC or FREE is followed by the allocator's steps (seq=... lines),
 * which the model does not print: with @tail, buf is what comes before
 * them, and read() past it is only checked to be text.
 */
struct text {
	char buf[TEXT_MAX];
	size_t len, pos;
	bool known;			/* else read() is not checked */
	bool tail;			/* steps may follow buf */
};

static struct {
	struct buddy_core core;
	unsigned long long first_pfn, nr_pages, meta_bytes;
	unsigned int max_order;
	struct rec *recs;		/* by frame */
	unsigned long nr_recs, failed_allocs, rejected_commands;
	unsigned long rejected[4];	/* range, double, interior, perm */
	struct text last;		/* control's last successful result */
} m;

enum { REJ_RANGE, REJ_DOUBLE, REJ_INTERIOR, REJ_PERM };

static int fds[NR_DEV], ctl_fd;
static struct text dev_text[NR_DEV], ctl_text;

static void die(const char *what)
{
	printf("BUDDY-TEST: FAIL fuzz: %s: %s\n", what, strerror(errno));
	exit(2);
}

static bool failed;

/* A difference from the model: say where, then stop the run. */
static __attribute__((format(printf, 1, 2))) void diff(const char *fmt, ...)
{
	va_list ap;

	if (failed)
		return;
	failed = true;
	flockfile(stdout);
	printf("BUDDY-TEST: FAIL fuzz: step %lu: ", step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	funlockfile(stdout);
	__atomic_fetch_add(&nr_failed, 1, __ATOMIC_RELAXED);
}

static void text_reset(struct text *t)
{
	t->len = 0;
	t->pos = 0;
	t->known = true;
	t->tail = false;
}

static __attribute__((format(printf, 2, 3)))
void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->known = false;
	else
		t->len += n;
}

/* The start of a result the steps follow. */
static void text_result(struct text *t)
{
	text_reset(t);
	t->tail = true;
}

/* A refusal that reached the pool: "error=ENAME why=...", then steps. */
static void text_refused(struct text *t, int err)
{
	text_result(t);
	text_add(t, "error=%s why=", strerrorname_np(-err));
}

/* "pfn=0x2410 order=1 pages=2 tag=A", as results print a block. */
static void text_block(struct text *t, unsigned long frame)
{
	const struct rec *r = &m.recs[frame];

	text_add(t, "pfn=%#llx order=%u pages=%llu%s%s", m.first_pfn + frame,
		 r->order, 1ULL << r->order, r->tag[0] ? " tag=" : "", r->tag);
}

static void text_alloc(struct text *t, unsigned long frame)
{
	const struct rec *r = &m.recs[frame];

	text_block(t, frame);
	if (r->bytes)
		text_add(t, " bytes=%llu waste=%llu", r->bytes,
			 ((unsigned long long)page_size << r->order) - r->bytes);
	text_add(t, "\n");
}

static void text_freed(struct text *t, unsigned long frame)
{
	text_add(t, "freed ");
	text_block(t, frame);
	text_add(t, "\n");
}

/* Allocates in the model; 0 with *frame, or the -errno the module gives. */
static int model_alloc(int owner, unsigned int order,
		       unsigned long long bytes, const char *tag,
		       unsigned long *frame)
{
	long f = buddy_core_alloc(&m.core, order);
	struct rec *r;

	if (f < 0) {
		m.failed_allocs++;
		return (int)f;
	}
	r = &m.recs[f];
	r->owner = owner;
	r->order = order;
	r->bytes = bytes;
	memset(r->tag, 0, sizeof(r->tag));
	if (tag)
		strncpy(r->tag, tag, sizeof(r->tag) - 1);
	m.nr_recs++;
	*frame = f;
	return 0;
}

static void model_release(unsigned long frame)
{
	if (buddy_core_free(&m.core, frame))
		diff("the model cannot free frame %lu", frame);
	m.recs[frame].owner = NOBODY;
	m.nr_recs--;
}

/* The block @owner may free at @pfn: 0 with *frame, or the -errno. */
static int model_find(int owner, unsigned long long pfn, unsigned long *frame)
{
	int order;

	if (pfn < m.first_pfn || pfn - m.first_pfn >= m.nr_pages) {
		m.rejected[REJ_RANGE]++;
		return -ERANGE;
	}
	*frame = pfn - m.first_pfn;
	if (m.recs[*frame].owner == NOBODY) {
		order = buddy_core_alloc_order(&m.core, *frame);
		if (order == -EALREADY) {
			m.rejected[REJ_DOUBLE]++;
			return -EALREADY;
		}
		m.rejected[REJ_INTERIOR]++;
		return -EINVAL;
	}
	if (m.recs[*frame].owner != owner) {
		m.rejected[REJ_PERM]++;
		return -EPERM;
	}
	return 0;
}

static void model_release_owner(int owner)
{
	unsigned long f;

	for (f = 0; f < m.nr_pages; f++)
		if (m.recs[f].owner == owner)
			model_release(f);
}

/* === Memory: where a struct may be put === */

/* Whether the byte at @p lies in the arena. */
static bool in_arena(const char *p)
{
	return (uintptr_t)p - (uintptr_t)arena < (uintptr_t)NR_PAGES * page_size;
}

static bool page_has(const char *p, int prot)
{
	return in_arena(p) &&
	       (page_prot[((uintptr_t)p - (uintptr_t)arena) / page_size] &
		prot) == prot;
}

/* Every byte of [@p, @p + @len) has @prot (len 0: true). */
static bool range_has(const char *p, size_t len, int prot)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!page_has(p + i, prot))
			return false;
	return true;
}

/*
 * What read(2) and write(2) say of @count bytes at @p before the file sees
 * them (access_ok()): 1 refused (EFAULT), 0 passed, -1 it depends on the
 * kernel (the end of user space moves with 5-level paging).
 */
static int access_refused(const char *p, size_t count)
{
	uintptr_t end = (uintptr_t)p + count;

	if (end < (uintptr_t)p || end > 1ULL << 63)
		return 1;
	return end <= 0x00007ffffffff000ULL ? 0 : -1;
}

/* How many bytes from @p on are writable, up to @len. */
static size_t writable_prefix(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && page_has(p + n, PROT_READ | PROT_WRITE))
		n++;
	return n;
}

static const char *const place_name[] = {
	"good", "NULL", "low", "unmapped", "PROT_NONE", "read-only",
	"rw|ro", "ro|rw", "rw|none", "none|rw", "kernel", "non-canonical",
	"end of user space",
};

/* An address for @size bytes, of class @place. */
static char *place_at(int place, size_t size)
{
	static const unsigned long long kernel[] = {
		0xffffffff81000000ULL, 0xffff888000001000ULL, ~0ULL,
		0xfffffffffffff000ULL,
	};
	static const unsigned long long noncanon[] = {
		0x0000800000000000ULL, 0x8000000000000000ULL,
		0x00007ffffffff800ULL,
	};
	static const int rw_pages[] = { PG_RW0, PG_RW1, PG_RW2 };
	size_t k = 1 + e2e_below(&rng, size > 1 ? size - 1 : 1);
	char *base;

	switch (place) {
	case 0:
		base = arena + rw_pages[e2e_below(&rng, 3)] * page_size;
		return base + e2e_below(&rng, page_size - size + 1);
	case 1:
		return NULL;
	case 2:
		return (char *)(uintptr_t)(1 + e2e_below(&rng, 0xffff));
	case 3:
		return (char *)(uintptr_t)(UNMAPPED_BASE +
					   e2e_below(&rng, UNMAPPED_SIZE - size));
	case 4:
		return arena + PG_NONE * page_size +
		       e2e_below(&rng, page_size - size + 1);
	case 5:
		return arena + PG_RO * page_size +
		       e2e_below(&rng, page_size - size + 1);
	case 6:
		return arena + PG_RO * page_size - k;
	case 7:
		return arena + PG_RW1 * page_size - k;
	case 8:
		return arena + PG_NONE * page_size - k;
	case 9:
		return arena + PG_RW2 * page_size - k;
	case 10:
		return (char *)(uintptr_t)(kernel[e2e_below(&rng, 4)] -
					   e2e_below(&rng, 2) * size);
	case 11:
		return (char *)(uintptr_t)noncanon[e2e_below(&rng, 3)];
	default:
		return (char *)(uintptr_t)(0x00007ffffffff000ULL - k);
	}
}

/* A place: mostly good, often a bad one. */
static int pick_place(void)
{
	return e2e_below(&rng, 2) ? 0 :
	       (int)e2e_below(&rng, ARRAY_SIZE(place_name));
}

/* Where the arena bytes at @p can be written and read back: the alias. */
static char *alias_of(char *p)
{
	return alias + (p - arena);
}

/* Puts @len bytes at @p wherever it lies in the arena. */
static void poke(char *p, const void *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (in_arena(p + i))
			*alias_of(p + i) = ((const char *)src)[i];
}

/* Reads back what the arena holds at @p (outside it: @fallback's bytes). */
static void peek(void *dst, char *p, size_t len, const void *fallback)
{
	size_t i;

	for (i = 0; i < len; i++)
		((char *)dst)[i] = in_arena(p + i) ? *alias_of(p + i) :
						     ((const char *)fallback)[i];
}

/* === Random inputs === */

static unsigned long long interesting(void)
{
	static const unsigned long long v[] = {
		0, 1, 2, 7, 63, 64, 4095, 4096, 4097, 65536, 1ULL << 31,
		(1ULL << 32) - 1, 1ULL << 32, (1ULL << 63), ~0ULL, ~0ULL - 1,
	};

	switch (e2e_below(&rng, 3)) {
	case 0:
		return v[e2e_below(&rng, ARRAY_SIZE(v))];
	case 1:
		return e2e_rand(&rng);
	default:
		return e2e_below(&rng, 1ULL << e2e_below(&rng, 64));
	}
}

static void random_bytes(void *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		((unsigned char *)p)[i] = e2e_rand(&rng);
}

static void random_tag(char *tag)
{
	static const char ok[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
	size_t len = e2e_below(&rng, BUDDY_TAG_LEN + 1), i;

	memset(tag, 0, BUDDY_TAG_LEN);
	switch (e2e_below(&rng, 10)) {
	case 0:		/* anything, maybe no NUL */
		random_bytes(tag, BUDDY_TAG_LEN);
		return;
	case 1:		/* a valid tag with junk after its NUL */
		tag[0] = 'j';
		tag[2 + e2e_below(&rng, BUDDY_TAG_LEN - 2)] = 1 + e2e_below(&rng, 255);
		return;
	case 2: case 3: case 4:
		return;
	}
	for (i = 0; i < len && i < BUDDY_TAG_LEN; i++)
		tag[i] = e2e_below(&rng, 20) ? ok[e2e_below(&rng, sizeof(ok) - 1)] :
					       (char)e2e_rand(&rng);
}

/* The order to ask for: mostly those that fit, some that don't. */
static unsigned int random_order(void)
{
	unsigned int small = m.max_order < 3 ? m.max_order : 3;

	if (e2e_below(&rng, 10) < 8)
		return e2e_below(&rng, small + 1);
	if (e2e_below(&rng, 2))
		return e2e_below(&rng, m.max_order + 1);
	return e2e_below(&rng, 2) ? m.max_order + 1 : (unsigned int)interesting();
}

/* A pfn to free through @owner: its own, someone else's, any other. */
static unsigned long long random_pfn(int owner)
{
	unsigned long f, start = e2e_below(&rng, m.nr_pages), i;
	unsigned int kind = e2e_below(&rng, 12);

	/* 0-5: its own block, 6: another's, 7: inside another's block */
	if (kind < 8) {
		for (i = 0; i < m.nr_pages; i++) {
			f = (start + i) % m.nr_pages;
			if (m.recs[f].owner == NOBODY)
				continue;
			if (kind < 6 ? m.recs[f].owner == owner :
				       m.recs[f].owner != owner)
				return m.first_pfn + f +
				       (kind == 7 ? e2e_below(&rng, 1UL << m.recs[f].order) : 0);
		}
	}
	switch (kind) {
	case 8:
		return m.first_pfn - 1 - e2e_below(&rng, 2) * e2e_below(&rng, m.first_pfn);
	case 9:
		return m.first_pfn + m.nr_pages + e2e_below(&rng, 3);
	case 10:
		return interesting();
	}
	return m.first_pfn + start;
}

static void fill_alloc(struct buddy_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = e2e_below(&rng, 2);
	if (a->mode == BUDDY_ALLOC_ORDER)
		a->order = random_order();
	else
		a->bytes = e2e_below(&rng, 4) ?
			   1 + e2e_below(&rng, (unsigned long long)page_size <<
						   random_order() % 52) :
			   interesting();
	random_tag(a->tag);
	/* Output fields are ignored on input. */
	random_bytes(&a->pfn, offsetof(struct buddy_alloc, pad) -
			      offsetof(struct buddy_alloc, pfn));
	switch (e2e_below(&rng, 16)) {
	case 0:
		a->reserved[e2e_below(&rng, 2)] = interesting();
		break;
	case 1:
		a->pad = interesting();
		break;
	case 2:
		a->mode = interesting();
		break;
	case 3:
		if (a->mode)
			a->order = interesting();
		else
			a->bytes = interesting();
		break;
	case 4:
		random_bytes(a, sizeof(*a));
		break;
	}
}

static void fill_free(struct buddy_free *f, int owner)
{
	memset(f, 0, sizeof(*f));
	f->pfn = random_pfn(owner);
	random_bytes(&f->pages, offsetof(struct buddy_free, pad) -
				offsetof(struct buddy_free, pages));
	switch (e2e_below(&rng, 12)) {
	case 0:
		f->reserved = interesting();
		break;
	case 1:
		f->pad = interesting();
		break;
	case 2:
		random_bytes(f, sizeof(*f));
		break;
	}
}

/* === The ioctls and their predictions === */

static const unsigned int valid_cmds[] = {
	BUDDY_IOC_ALLOC, BUDDY_IOC_FREE, BUDDY_IOC_INFO,
};

/*
 * Commands the VFS may answer itself before the driver sees them
 * (do_vfs_ioctl(): FIOCLEX, FIONBIO, FIFREEZE, FS_IOC_*, FICLONE,
 * FIGETBSZ...): every command of their types is left out.
 */
static bool vfs_cmd(unsigned int cmd)
{
	switch (_IOC_TYPE(cmd)) {
	case 0x00: case 0x15: case 'T': case 'X': case 'f': case 0x94:
		return true;
	}
	return false;
}

static unsigned long random_cmd(void)
{
	unsigned int valid = valid_cmds[e2e_below(&rng, 3)], cmd;
	static const unsigned int sizes[] = {
		0, 1, 8, 31, 32, 33, 79, 80, 81, 591, 592, 593, 0x3fff,
	};

	switch (e2e_below(&rng, 12)) {
	case 0: case 1: case 2: case 3: case 9: case 10:
		return valid;
	case 4: case 5:		/* our type and number, another size or direction */
		cmd = _IOC(e2e_below(&rng, 4), BUDDY_IOC_MAGIC,
			   _IOC_NR(valid), e2e_below(&rng, 2) ?
			   sizes[e2e_below(&rng, ARRAY_SIZE(sizes))] :
			   (unsigned int)e2e_below(&rng, 1 << _IOC_SIZEBITS));
		break;
	case 6:
		cmd = _IOC(e2e_below(&rng, 4), BUDDY_IOC_MAGIC,
			   e2e_below(&rng, 256), e2e_below(&rng, 1 << _IOC_SIZEBITS));
		break;
	case 7:			/* the kernel takes the low 32 bits */
		return valid | (e2e_rand(&rng) << 32);
	case 8:
		cmd = valid ^ (1U << e2e_below(&rng, 32));
		if (e2e_below(&rng, 2))
			cmd ^= 1U << e2e_below(&rng, 32);
		break;
	default:
		cmd = e2e_rand(&rng);
	}
	return vfs_cmd(cmd) ? valid : cmd;
}

/* The -errno and struct an ALLOC on fd @i should give; 0 on success. */
static int predict_alloc(int i, char *p, struct buddy_alloc *a)
{
	const size_t reply = offsetof(struct buddy_alloc, pfn);
	size_t len = strnlen(a->tag, BUDDY_TAG_LEN);
	unsigned int order;
	unsigned long frame;
	int err;

	if (i >= NR_RW)
		return -EBADF;
	if (!range_has(p, sizeof(*a), PROT_READ))
		return -EFAULT;
	if (a->reserved[0] || a->reserved[1] || a->pad ||
	    len == BUDDY_TAG_LEN || (len && !buddy_tag_valid(a->tag, len)))
		return -EINVAL;
	for (; len < BUDDY_TAG_LEN; len++)
		if (a->tag[len])
			return -EINVAL;
	if (a->mode == BUDDY_ALLOC_ORDER && !a->bytes)
		order = a->order;
	else if (a->mode == BUDDY_ALLOC_BYTES && !a->order && a->bytes)
		order = buddy_bytes_to_order(a->bytes, __builtin_ctzl(page_size));
	else
		return -EINVAL;
	if (!range_has(p + reply, sizeof(*a) - reply, PROT_READ | PROT_WRITE))
		return -EFAULT;
	err = model_alloc(i, order, a->mode ? a->bytes : 0, a->tag, &frame);
	if (err) {
		text_refused(&dev_text[i], err);
		return err;
	}
	a->pfn = m.first_pfn + frame;
	a->phys_addr = a->pfn * page_size;
	a->pages = 1ULL << order;
	a->out_order = order;
	text_result(&dev_text[i]);
	text_alloc(&dev_text[i], frame);
	return 0;
}

static int predict_free(int i, char *p, struct buddy_free *f)
{
	const size_t reply = offsetof(struct buddy_free, pages);
	unsigned long frame;
	int err;

	if (i >= NR_RW)
		return -EBADF;
	if (!range_has(p, sizeof(*f), PROT_READ))
		return -EFAULT;
	if (f->reserved || f->pad)
		return -EINVAL;
	if (!range_has(p + reply, sizeof(*f) - reply, PROT_READ | PROT_WRITE))
		return -EFAULT;
	err = model_find(i, f->pfn, &frame);
	if (err) {
		text_refused(&dev_text[i], err);
		return err;
	}
	f->order = m.recs[frame].order;
	f->pages = 1ULL << f->order;
	text_result(&dev_text[i]);
	text_freed(&dev_text[i], frame);
	model_release(frame);
	return 0;
}

static int predict_info(char *p, struct buddy_info *info)
{
	unsigned int k;

	if (!range_has(p, sizeof(*info), PROT_READ))
		return -EFAULT;
	if (info->reserved[0] || info->reserved[1])
		return -EINVAL;
	if (!range_has(p, sizeof(*info), PROT_READ | PROT_WRITE))
		return -EFAULT;
	memset(info, 0, sizeof(*info));
	info->first_pfn = m.first_pfn;
	info->nr_pages = m.nr_pages;
	info->page_size = page_size;
	info->max_order = m.max_order;
	info->nr_orders = m.max_order + 1;
	info->free_pages = buddy_core_free_frames(&m.core);
	info->allocated_pages = buddy_core_allocated_frames(&m.core);
	info->nr_allocations = m.nr_recs;
	info->meta_bytes = m.meta_bytes;
	for (k = 0; k <= m.max_order; k++)
		info->free_blocks[k] = buddy_core_free_blocks(&m.core, k);
	return 0;
}

union arg {
	struct buddy_alloc alloc;
	struct buddy_free free;
	struct buddy_info info;
	char raw[sizeof(struct buddy_info)];
};

static void fuzz_ioctl(void)
{
	unsigned long cmd = random_cmd();
	unsigned int i = e2e_below(&rng, NR_DEV + 1), kind;
	union arg in, want, got;
	int place = pick_place(), expect, err;
	size_t size, k;
	char *p;

	/* What the struct holds. */
	switch ((unsigned int)cmd) {
	case BUDDY_IOC_ALLOC:
		fill_alloc(&in.alloc);
		size = sizeof(in.alloc);
		break;
	case BUDDY_IOC_FREE:
		fill_free(&in.free, i);
		size = sizeof(in.free);
		break;
	case BUDDY_IOC_INFO:
		random_bytes(&in.info, sizeof(in.info));
		if (e2e_below(&rng, 8))
			memset(in.info.reserved, 0, sizeof(in.info.reserved));
		size = sizeof(in.info);
		break;
	default:
		kind = e2e_below(&rng, 3);
		if (kind == 0)
			fill_alloc(&in.alloc);
		else if (kind == 1)
			fill_free(&in.free, i);
		else
			random_bytes(&in, sizeof(in));
		size = e2e_below(&rng, 2) ? sizeof(in) : _IOC_SIZE(cmd);
		if (size > sizeof(in))
			size = sizeof(in);
	}
	p = place_at(place, size);
	poke(p, &in, size);
	want = in;

	if (i == NR_DEV) {	/* control has no ioctls */
		expect = -ENOTTY;
	} else {
		switch ((unsigned int)cmd) {
		case BUDDY_IOC_ALLOC:
			expect = predict_alloc(i, p, &want.alloc);
			break;
		case BUDDY_IOC_FREE:
			expect = predict_free(i, p, &want.free);
			break;
		case BUDDY_IOC_INFO:
			expect = predict_info(p, &want.info);
			break;
		default:
			expect = -ENOTTY;
		}
	}
	err = ioctl(i == NR_DEV ? ctl_fd : fds[i], cmd, p) ? -errno : 0;
	if (verbose)
		printf("step %lu: fd %u cmd %#lx at %s %p: %d (want %d)\n",
		       step, i, cmd, place_name[place], p, err, expect);
	if (err != expect) {
		diff("ioctl(fd %u, %#lx, %s pointer %p): %s, want %s", i, cmd,
		     place_name[place], p, strerror(-err), strerror(-expect));
		return;
	}
	/* Each byte as predicted: a refused ioctl changes nothing. */
	peek(&got, p, size, &want);
	for (k = 0; k < size && got.raw[k] == want.raw[k]; k++)
		;
	if (k < size)
		diff("ioctl(fd %u, %#lx, %s pointer %p) gave %s, but byte %zu of the struct is %#x, want %#x",
		     i, cmd, place_name[place], p, strerror(-err), k,
		     got.raw[k] & 0xff, want.raw[k] & 0xff);
}

/* === read(): a file's last result, in small pieces, any pointer === */

/*
 * read() of a result the steps follow: the model's text where it has it,
 * then any lines of text; a short read only past the model's text.
 */
static void fuzz_read_tail(int fd, struct text *t, const char *name,
			   int place, char *p, size_t count)
{
	static char buf[TEXT_MAX];
	static const char none[TEXT_MAX];
	size_t avail = t->len > t->pos ? t->len - t->pos : 0, w, k;
	ssize_t n;

	n = read(fd, p, count);
	w = writable_prefix(p, count);
	if (n < 0) {
		if (errno != EFAULT || w == count)
			diff("read(%s, %s pointer, %zu): %s", name,
			     place_name[place], count, strerror(errno));
		return;
	}
	if ((size_t)n > w || (!n && avail && count) ||
	    (w == count && (size_t)n < count && (size_t)n < avail)) {
		diff("read(%s, %s pointer, %zu) gave %zd bytes, %zu writable, %zu known to come",
		     name, place_name[place], count, n, w, avail);
		return;
	}
	/* Only writable places (the arena's) take bytes: none is not read. */
	peek(buf, p, n, none);
	k = (size_t)n < avail ? (size_t)n : avail;
	if (memcmp(buf, t->buf + t->pos, k))
		diff("read(%s) gave \"%.*s\", want \"%.*s\"", name, (int)k, buf,
		     (int)k, t->buf + t->pos);
	for (; k < (size_t)n; k++)
		if (buf[k] != '\n' && (buf[k] < ' ' || buf[k] > '~')) {
			diff("read(%s): steps with byte %#x", name,
			     buf[k] & 0xff);
			break;
		}
	t->pos += n;
}

static void fuzz_read(int fd, struct text *t, const char *name)
{
	size_t count = e2e_below(&rng, 4) ? 1 + e2e_below(&rng, 64) :
					    e2e_below(&rng, page_size + 1);
	int place = e2e_below(&rng, 4) ? 0 : pick_place();
	size_t avail = t->len > t->pos ? t->len - t->pos : 0, w;
	char *p = place_at(place, count ? count : 1);
	char buf[4096];
	int refused;
	ssize_t n;

	if (t->known && t->tail) {
		fuzz_read_tail(fd, t, name, place, p, count);
		return;
	}
	n = read(fd, p, count);
	if (!t->known) {
		/* Nothing to compare: skip to the end, as the file does. */
		if (n > 0)
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		return;
	}
	if (count > avail || !count) {
		/* Nothing to copy: 0, unless the VFS refuses the pointer. */
		refused = access_refused(p, count);
		if (avail && count)
			count = avail;
		else if (n && !(n < 0 && errno == EFAULT && refused))
			diff("read(%s, %s pointer, %zu) at the end gave %zd, want 0",
			     name, place_name[place], count, n);
		else if (!n && refused == 1)
			diff("read(%s, %s pointer, %zu) gave 0, want EFAULT",
			     name, place_name[place], count);
		if (!avail || !count)
			return;
	}
	w = writable_prefix(p, count);
	if (n < 0) {
		if (errno != EFAULT || w == count)
			diff("read(%s, %s pointer, %zu): %s", name,
			     place_name[place], count, strerror(errno));
		return;
	}
	if ((size_t)n > w || (w == count && (size_t)n != count) || !n) {
		diff("read(%s, %s pointer, %zu) gave %zd bytes, %zu writable",
		     name, place_name[place], count, n, w);
		return;
	}
	peek(buf, p, n, t->buf + t->pos);
	if (memcmp(buf, t->buf + t->pos, n))
		diff("read(%s) gave \"%.*s\", want \"%.*s\"", name, (int)n, buf,
		     (int)n, t->buf + t->pos);
	t->pos += n;
}

/* === control: random bytes, mutated and valid commands === */

static size_t random_command(char *buf)
{
	static const char *const verbs[] = {
		"alloc %u", "alloc %uK", "alloc %llu", "alloc %uB tag=%s",
		"alloc %u tag=%s", "free %#llx", "free %llu", "free tag=%s",
		"reset",
	};
	unsigned int v = e2e_below(&rng, ARRAY_SIZE(verbs));
	char tag[BUDDY_TAG_LEN + 1] = "";
	int n;

	random_tag(tag);
	tag[BUDDY_TAG_LEN] = '\0';
	if (!tag[0] || e2e_below(&rng, 2))
		snprintf(tag, sizeof(tag), "t%u", (unsigned int)e2e_below(&rng, 4));
	if (v == 8 && e2e_below(&rng, 8))	/* resets: rare */
		v = 0;
	if (v < 5 && v != 2)
		n = snprintf(buf, 160, verbs[v],
			     v == 1 ? (unsigned int)e2e_below(&rng, 5000) :
				      random_order(), tag);
	else if (v == 2)
		n = snprintf(buf, 160, verbs[v], interesting());
	else if (v < 7)
		n = snprintf(buf, 160, verbs[v], random_pfn(DEBUGFS));
	else
		n = snprintf(buf, 160, verbs[v], tag);
	if (e2e_below(&rng, 2))
		buf[n++] = '\n';
	return n;
}

static void mutate(char *buf, size_t *len)
{
	unsigned int k, nr = 1 + e2e_below(&rng, 3);
	size_t at;

	for (k = 0; k < nr && *len; k++) {
		at = e2e_below(&rng, *len);
		switch (e2e_below(&rng, 4)) {
		case 0:
			buf[at] ^= 1 << e2e_below(&rng, 8);
			break;
		case 1:
			buf[at] = e2e_rand(&rng);
			break;
		case 2:
			*len = at;
			break;
		default:
			if (*len < 300) {
				memmove(buf + at + 1, buf + at, *len - at);
				buf[at] = e2e_rand(&rng);
				(*len)++;
			}
		}
	}
}

/* What control should do with @buf: the -errno; the text is in ctl_text. */
static int predict_command(const char *buf, size_t len)
{
	struct buddy_cmd cmd;
	unsigned long frame, f, blocks = 0, pages = 0, held = 0;
	unsigned int order;
	char why[160];
	int err;

	if (buddy_cmd_parse(buf, len < CMD_BYTES ? len : CMD_BYTES, &cmd, why,
			    sizeof(why))) {
		m.rejected_commands++;
		return -EINVAL;
	}
	text_result(&ctl_text);
	switch (cmd.op) {
	case BUDDY_CMD_ALLOC:
		order = cmd.bytes ?
			buddy_bytes_to_order(cmd.bytes, __builtin_ctzl(page_size)) :
			cmd.order;
		err = model_alloc(DEBUGFS, order, cmd.bytes, cmd.tag, &frame);
		if (!err)
			text_alloc(&ctl_text, frame);
		break;
	case BUDDY_CMD_FREE:
		err = model_find(DEBUGFS, cmd.pfn, &frame);
		if (!err) {
			text_freed(&ctl_text, frame);
			model_release(frame);
		}
		break;
	case BUDDY_CMD_FREE_TAG:
		for (f = 0; f < m.nr_pages; f++) {
			if (m.recs[f].owner == NOBODY || strcmp(m.recs[f].tag, cmd.tag))
				continue;
			if (m.recs[f].owner != DEBUGFS) {
				held++;
				continue;
			}
			text_freed(&ctl_text, f);
			model_release(f);
			blocks++;
		}
		err = blocks ? 0 : held ? -EPERM : -ENOENT;
		if (err == -EPERM)
			m.rejected[REJ_PERM]++;
		else if (err == -ENOENT)
			m.rejected_commands++;
		break;
	default:
		for (f = 0; f < m.nr_pages; f++) {
			if (m.recs[f].owner == NOBODY)
				continue;
			blocks++;
			pages += 1UL << m.recs[f].order;
			model_release(f);
		}
		text_add(&ctl_text, "reset blocks=%lu pages=%lu\n", blocks, pages);
		err = 0;
	}
	if (!err) {
		/* A fresh open reads the result without its steps. */
		m.last = ctl_text;
		m.last.known = ctl_text.len < LAST_MAX;
		m.last.tail = false;
	}
	return err;
}

static void fuzz_control(void)
{
	char buf[400], got[256];
	size_t len;
	ssize_t n;
	int expect, err, place = 0;
	char *p;

	switch (e2e_below(&rng, 4)) {
	case 0:			/* any bytes */
		len = e2e_below(&rng, 301);
		random_bytes(buf, len);
		break;
	case 1:			/* a command, mutated */
		len = random_command(buf);
		mutate(buf, &len);
		break;
	default:
		len = random_command(buf);
	}
	if (!e2e_below(&rng, 16))
		place = pick_place();
	p = place_at(place, len ? len : 1);
	if (!place && len > (size_t)page_size / 2)
		p = arena + PG_RW0 * page_size;
	poke(p, buf, len);

	if (!len)
		expect = access_refused(p, 0) == 1 ? -EFAULT : 0;
	else if (!range_has(p, len < CMD_BYTES ? len : CMD_BYTES, PROT_READ))
		expect = -EFAULT;
	else
		expect = predict_command(buf, len);
	n = write(ctl_fd, p, len);
	err = n < 0 ? -errno : 0;
	if (!len && access_refused(p, 0) < 0)
		expect = err;	/* either */
	if (err != expect || (!err && (size_t)n != len)) {
		diff("write(control, \"%.*s\" (%zu bytes), %s pointer): %zd %s, want %s",
		     (int)len, buf, len, place_name[place], n, strerror(-err),
		     strerror(-expect));
		return;
	}
	if (!len || expect == -EFAULT)
		return;
	if (!expect) {
		ctl_text.pos = 0;
		return;
	}
	/* A refusal: the same file reads why. */
	ctl_text.known = false;
	n = read(ctl_fd, got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	if (strncmp(got, "error=", 6) || strncmp(got + 6, strerrorname_np(-expect),
						 strlen(strerrorname_np(-expect))))
		diff("control after a refused write reads \"%s\", want error=%s",
		     got, strerrorname_np(-expect));
}

/* A control file opened afresh reads the pool's last result. */
static void fuzz_fresh_control(void)
{
	char *text = read_file(CONTROL);

	if (!text)
		die("read control");
	if (m.last.known && (strlen(text) != m.last.len ||
			     memcmp(text, m.last.buf, m.last.len)))
		diff("a fresh control reads \"%.200s\", want \"%.*s\"", text,
		     (int)(m.last.len > 200 ? 200 : m.last.len), m.last.buf);
	free(text);
}

/* Closes a file and opens it again: a read-write one gives its blocks back. */
static void reopen(unsigned int i)
{
	if (close(fds[i]))
		die("close");
	if (i < NR_RW)
		model_release_owner(i);
	fds[i] = open(DEV, i < NR_RW ? O_RDWR : O_RDONLY);
	if (fds[i] < 0)
		die("open " DEV);
	text_reset(&dev_text[i]);
}

/* === Setup and the final accounts === */

static void setup(void)
{
	struct buddy_info info = { 0 };
	void *probe, *meta;
	unsigned int i;
	int mfd;

	page_size = sysconf(_SC_PAGESIZE);
	probe = mmap((void *)(uintptr_t)UNMAPPED_BASE, UNMAPPED_SIZE, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (probe != (void *)(uintptr_t)UNMAPPED_BASE)
		die("the unmapped range is in use");
	munmap(probe, UNMAPPED_SIZE);

	mfd = memfd_create("buddy_ioctl_fuzz", 0);
	if (mfd < 0 || ftruncate(mfd, NR_PAGES * page_size))
		die("memfd");
	alias = mmap(NULL, NR_PAGES * page_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED, mfd, 0);
	arena = mmap(NULL, NR_PAGES * page_size, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alias == MAP_FAILED || arena == MAP_FAILED)
		die("mmap");
	for (i = 0; i < NR_PAGES; i++)
		if (mmap(arena + i * page_size, page_size, page_prot[i],
			 MAP_SHARED | MAP_FIXED, mfd, i * page_size) == MAP_FAILED)
			die("mmap arena");
	close(mfd);

	for (i = 0; i < NR_DEV; i++) {
		fds[i] = open(DEV, i < NR_RW ? O_RDWR : O_RDONLY);
		if (fds[i] < 0)
			die("open " DEV);
		text_reset(&dev_text[i]);
	}
	ctl_fd = open(CONTROL, O_RDWR);
	if (ctl_fd < 0 || write(ctl_fd, "reset", 5) != 5)
		die("reset through control");
	if (ioctl(fds[0], BUDDY_IOC_INFO, &info))
		die("BUDDY_IOC_INFO");
	m.first_pfn = info.first_pfn;
	m.nr_pages = info.nr_pages;
	m.max_order = info.max_order;
	m.meta_bytes = info.meta_bytes;
	meta = malloc(buddy_core_meta_size(m.nr_pages, m.max_order));
	m.recs = calloc(m.nr_pages, sizeof(*m.recs));
	if (!meta || !m.recs ||
	    buddy_core_init(&m.core, meta, m.nr_pages, m.max_order))
		die("the model");
	for (i = 0; i < m.nr_pages; i++)
		m.recs[i].owner = NOBODY;
	text_reset(&ctl_text);
	ctl_text.known = false;	/* the reset's result, read or not */
	m.last.known = false;
}

static const char *const counters[] = {
	"allocs", "frees", "splits", "merges", "failed_allocs",
	"rejected_free_range", "rejected_free_double",
	"rejected_free_interior", "rejected_free_perm", "rejected_commands",
};

/* What the model says each counter of stats grew by. */
static long long model_counter(unsigned int k)
{
	const struct buddy_core_stats *st = buddy_core_get_stats(&m.core);

	switch (k) {
	case 0: return st->allocs;
	case 1: return st->frees;
	case 2: return st->splits;
	case 3: return st->merges;
	case 4: return m.failed_allocs;
	case 9: return m.rejected_commands;
	}
	return m.rejected[k - 5];
}

static void compare_stats(const char *stats0, const char *when)
{
	char *stats = read_file(E2E_DBG "stats"), *bi = read_file(E2E_DBG "buddyinfo");
	char want[1024];
	unsigned int k;
	int n;

	if (!stats || !bi)
		die("read stats");
	for (k = 0; k < ARRAY_SIZE(counters); k++) {
		long long got = e2e_stat(stats, counters[k]) -
				e2e_stat(stats0, counters[k]);

		result(got == model_counter(k),
		       "fuzz %s: stats %s grew by %lld, the model says %lld",
		       when, counters[k], got, model_counter(k));
	}
	result(e2e_stat(stats, "pages_allocated") ==
	       (long long)buddy_core_allocated_frames(&m.core) &&
	       e2e_stat(stats, "allocations") == (long long)m.nr_recs,
	       "fuzz %s: %lld allocations of %lld pages, the model holds %lu of %lu",
	       when, e2e_stat(stats, "allocations"),
	       e2e_stat(stats, "pages_allocated"), m.nr_recs,
	       buddy_core_allocated_frames(&m.core));
	n = snprintf(want, sizeof(want), "Node %d, zone %8s ", 0, "buddy");
	for (k = 0; k <= m.max_order; k++)
		n += snprintf(want + n, sizeof(want) - n, "%6lu ",
			      buddy_core_free_blocks(&m.core, k));
	snprintf(want + n, sizeof(want) - n, "\n");
	/* The node number is the machine's: compare from the zone on. */
	result(strstr(bi, ", zone") && !strcmp(strstr(bi, ", zone"),
					       strstr(want, ", zone")),
	       "fuzz %s: buddyinfo as the model's: %s", when, bi);
	free(stats);
	free(bi);
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0, nr = 100000, ioctls = 0;
	char *stats0;
	unsigned int i;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "s:n:v")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			nr = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n IOCTLS] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	rng = seed;
	printf("buddy_ioctl_fuzz: seed %llu, %llu ioctls (replay: buddy_ioctl_fuzz -s %llu -n %llu)\n",
	       seed, nr, seed, nr);
	setup();
	stats0 = read_file(E2E_DBG "stats");
	if (!stats0)
		die("read stats");

	for (step = 0; ioctls < nr && !failed; step++) {
		unsigned int what = e2e_below(&rng, 100);

		if (what < 80) {
			fuzz_ioctl();
			ioctls++;
		} else if (what < 90) {
			fuzz_control();
		} else if (what < 94) {
			i = e2e_below(&rng, NR_DEV);
			fuzz_read(fds[i], &dev_text[i], "/dev/buddy");
		} else if (what < 97) {
			fuzz_read(ctl_fd, &ctl_text, "control");
		} else if (what < 98) {
			fuzz_fresh_control();
		} else {
			reopen(e2e_below(&rng, NR_DEV));
		}
	}
	result(!failed, "fuzz: %llu ioctls in %lu steps, every result as predicted (seed %llu)",
	       ioctls, step, seed);

	/* The accounts, with the files still open, then after they close. */
	e2e_audit("fuzz, files open");
	compare_stats(stats0, "with files open");
	for (i = 0; i < NR_DEV; i++) {
		close(fds[i]);
		if (i < NR_RW)
			model_release_owner(i);
	}
	e2e_audit("fuzz, files closed");
	compare_stats(stats0, "files closed");
	if (write(ctl_fd, "reset", 5) != 5)
		die("reset");
	close(ctl_fd);
	e2e_audit("fuzz, after a reset");
	free(stats0);
	stats0 = read_file(E2E_DBG "stats");
	result(stats0 && e2e_stat(stats0, "pages_free") ==
	       e2e_stat(stats0, "pages_total") &&
	       !e2e_stat(stats0, "allocations"),
	       "fuzz: every block back after closing the files and a reset");
	free(stats0);
	printf("buddy_ioctl_fuzz: seed %llu, %d failed\n", seed, nr_failed);
	return nr_failed ? 1 : 0;
}
