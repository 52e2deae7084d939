// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_mmap_test - real pages: map blocks of /dev/buddy and prove them
 *
 * Maps blocks every way the ABI allows and every way it refuses, writes
 * patterns, and checks with /proc/self/pagemap that every mapped page is
 * the frame the tree shows.  Then the lifetime: free while mapped, reset
 * while mapped, fork, mremap, partial munmap, a killed holder, rmmod while
 * mapped, and that a block comes back zeroed.  Runs as root in the VM with
 * buddy.ko loaded; "big" maps a block of the top order of a large pool.
 * Prints "BUDDY-TEST: PASS|FAIL" lines; exit status 1 on a failure.
 *
 * Usage: buddy_mmap_test [big]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

#define DBG	"/sys/kernel/debug/buddy/"

static long page;

static int dev_open(void)
{
	int fd = open("/dev/buddy", O_RDWR);

	if (fd < 0) {
		printf("BUDDY-TEST: FAIL open /dev/buddy: %s\n", strerror(errno));
		exit(2);
	}
	return fd;
}

static struct buddy_alloc alloc_order(int fd, unsigned int order,
				      const char *tag)
{
	struct buddy_alloc a;

	memset(&a, 0, sizeof(a));
	a.mode = BUDDY_ALLOC_ORDER;
	a.order = order;
	if (tag)
		strncpy(a.tag, tag, sizeof(a.tag) - 1);
	if (ioc(fd, BUDDY_IOC_ALLOC, &a))
		result(0, "alloc order %u: %s", order, strerror(errno));
	return a;
}

static int free_pfn(int fd, unsigned long long pfn)
{
	struct buddy_free f = { .pfn = pfn };

	return ioc(fd, BUDDY_IOC_FREE, &f);
}

/* mmap()'s errno, or 0 with *@p set. */
static int map(int fd, unsigned long long pfn, unsigned long pages,
	       int flags, void **p)
{
	*p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, flags, fd,
		  (off_t)(pfn * page));
	return *p == MAP_FAILED ? errno : 0;
}

/* The pfn behind a virtual address, from /proc/self/pagemap; 0 if none. */
static unsigned long long pagemap_pfn(const void *addr)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (uintptr_t)addr / page * sizeof(entry);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), off) != sizeof(entry))
		entry = 0;
	close(fd);
	/* Bit 63: present; bits 0-54: the pfn. */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/* Every page of a mapping is the frame it should be. */
static bool pagemap_is(const char *p, unsigned long long pfn,
		       unsigned long pages, unsigned long step)
{
	unsigned long i;

	for (i = 0; i < pages; i += step) {
		unsigned long long got = pagemap_pfn(p + i * page);

		if (got != pfn + i) {
			printf("  page %lu: pagemap says pfn %#llx, want %#llx\n",
			       i, got, pfn + i);
			return false;
		}
	}
	return true;
}

static void fill(char *p, unsigned long pages, unsigned long long pfn)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		memset(p + i * page, (int)((pfn + i) & 0xff) | 1, page);
}

static bool filled(const char *p, unsigned long pages, unsigned long long pfn)
{
	unsigned long i, k;

	for (i = 0; i < pages; i++)
		for (k = 0; k < (unsigned long)page; k += 512)
			if ((unsigned char)p[i * page + k] !=
			    (((pfn + i) & 0xff) | 1))
				return false;
	return true;
}

/* A stats value, or -1. */
static long stat_of(const char *key)
{
	char buf[4096], *p;
	long v = -1;
	ssize_t n;
	int fd = open(DBG "stats", O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strstr(buf, key);
	if (p && p[strlen(key)] == ' ')
		v = strtol(p + strlen(key), NULL, 10);
	return v;
}

static bool file_has(const char *path, const char *text)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, text);
}

static int ctl(const char *cmd)
{
	int fd = open(DBG "control", O_WRONLY), err = 0;

	if (write(fd, cmd, strlen(cmd)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Map, write, prove: pagemap, a second mapping, a page inside. */
static void test_proof(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 2, "proof");
	char *p, *q, *r;

	result(!map(fd, a.pfn, 4, MAP_SHARED, (void **)&p),
	       "map the 4 pages of block %#llx at its physical address",
	       a.pfn);
	fill(p, 4, a.pfn);
	result(pagemap_is(p, a.pfn, 4, 1),
	       "pagemap: every mapped page is the block's frame");
	result(!map(fd, a.pfn, 4, MAP_SHARED, (void **)&q) && q != p &&
	       filled(q, 4, a.pfn),
	       "a second mapping of the block sees the same bytes");
	result(!map(fd, a.pfn + 1, 2, MAP_SHARED, (void **)&r) &&
	       filled(r, 2, a.pfn + 1) && pagemap_is(r, a.pfn + 1, 2, 1),
	       "a mapping from a page inside the block: its pages 1 and 2");
	result(stat_of("mapped_blocks") == 1,
	       "stats: one block mapped (three mappings)");
	munmap(p, 4 * page);
	munmap(q, 4 * page);
	munmap(r, 2 * page);
	result(stat_of("mapped_blocks") == 0 && !free_pfn(fd, a.pfn),
	       "unmapped: the block frees");
}

/* Every mapping the ABI refuses, each with its errno, changing nothing. */
/* Whether /proc/self/maps shows the mapping at @p executable. */
static bool maps_has_exec(const void *p)
{
	char line[256], start[32];
	bool exec = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return true;
	snprintf(start, sizeof(start), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, start, strlen(start)))
			exec = strchr(line, ' ')[3] == 'x';
	fclose(f);
	return exec;
}

static void test_refusals(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 1, "mine");
	struct buddy_alloc b = alloc_order(fd, 1, "next");
	struct buddy_info info = { 0 };
	int other = dev_open();
	struct buddy_alloc o = alloc_order(other, 0, "other");
	long rejected = stat_of("rejected_free_busy");
	int old_persona;
	bool ok;
	void *p;

	ioc(fd, BUDDY_IOC_INFO, &info);
	result(b.pfn == a.pfn + 2, "two adjacent blocks of this file");
	result(map(fd, a.pfn, 2, MAP_PRIVATE, &p) == EINVAL,
	       "MAP_PRIVATE: EINVAL");
	result(map(fd, a.pfn, 3, MAP_SHARED, &p) == EINVAL,
	       "past the block's end: EINVAL");
	result(map(fd, a.pfn, 4, MAP_SHARED, &p) == EINVAL,
	       "over two blocks: EINVAL");
	result(map(fd, info.first_pfn + info.nr_pages, 1, MAP_SHARED, &p) ==
	       EINVAL, "outside the pool: EINVAL");
	result(map(fd, info.first_pfn - 1, 1, MAP_SHARED, &p) == EINVAL,
	       "just below the pool: EINVAL");
	result(map(fd, info.first_pfn + info.nr_pages - 1, 1, MAP_SHARED,
		   &p) == EINVAL, "a free page: EINVAL");
	result(map(fd, o.pfn, 1, MAP_SHARED, &p) == EPERM,
	       "another file's block: EPERM");
	/* Data, never code: no PROT_EXEC, at mmap() or by mprotect(). */
	p = mmap(NULL, 2 * page, PROT_READ | PROT_EXEC, MAP_SHARED, fd,
		 (off_t)(a.pfn * page));
	result(p == MAP_FAILED && errno == EPERM, "PROT_EXEC: EPERM");
	result(stat_of("mapped_blocks") == 0, "refusals mapped nothing");
	result(!map(fd, a.pfn, 2, MAP_SHARED, &p) &&
	       mprotect(p, page, PROT_READ | PROT_EXEC) == -1 &&
	       errno == EACCES && !mprotect(p, page, PROT_READ),
	       "mprotect(PROT_EXEC): EACCES; PROT_READ alone still works");
	munmap(p, 2 * page);
	/*
	 * READ_IMPLIES_EXEC (setarch -X) adds PROT_EXEC to every PROT_READ:
	 * the mapping is made, without it.
	 */
	old_persona = personality(0xffffffff);
	personality(old_persona | READ_IMPLIES_EXEC);
	ok = !map(fd, a.pfn, 2, MAP_SHARED, &p);
	personality(old_persona);
	result(ok && !maps_has_exec(p),
	       "READ_IMPLIES_EXEC: mapped, and not executable");
	if (ok)
		munmap(p, 2 * page);

	/* A mapped block cannot be freed; its pages are in use. */
	result(!map(fd, a.pfn, 2, MAP_SHARED, &p), "map block a");
	result(free_pfn(fd, a.pfn) == EBUSY, "free while mapped: EBUSY");
	result(stat_of("rejected_free_busy") == rejected + 1,
	       "counted in rejected_free_busy");
	result(file_has(DBG "allocations", "tag=mine pid=") &&
	       file_has(DBG "allocations", "mapped=1"),
	       "allocations shows it mapped");
	munmap(p, 2 * page);
	result(!free_pfn(fd, a.pfn) && !free_pfn(fd, b.pfn) &&
	       !free_pfn(other, o.pfn), "unmapped, all three free");
	close(other);
}

/* reset while mapped: freed when the last mapping goes, never before. */
static void test_reset_deferred(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 1, "kept");
	char *p;

	result(!map(fd, a.pfn, 2, MAP_SHARED, (void **)&p), "map a block");
	fill(p, 2, a.pfn);
	result(!ctl("reset"), "debugfs reset while it is mapped");
	result(file_has(DBG "control", " deferred=1"),
	       "the reset says one free is deferred");
	result(file_has(DBG "allocations", "deferred=1") &&
	       stat_of("deferred_blocks") == 1,
	       "allocations and stats show it deferred");
	result(filled(p, 2, a.pfn) && pagemap_is(p, a.pfn, 2, 1),
	       "its pages are still the mapping's");
	result(free_pfn(fd, a.pfn) == EBUSY, "and cannot be freed twice");
	munmap(p, 2 * page);
	result(stat_of("allocations") == 0 && stat_of("deferred_blocks") == 0,
	       "the last munmap freed it");
	result(file_has(DBG "events", "free pfn="), "the free is a step");
}

/* fork() shares the mapping; mremap() and a partial munmap are counted. */
static void test_fork_mremap(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 2, "shared");
	char *p, *q, *hole;
	int status;
	pid_t pid;

	result(!map(fd, a.pfn, 4, MAP_SHARED, (void **)&p), "map 4 pages");
	pid = fork();
	if (!pid) {
		p[0] = 'c';
		_exit(pagemap_is(p, a.pfn, 4, 1) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status) && p[0] == 'c',
	       "fork: the child maps the same frames; its write shows here");
	result(free_pfn(fd, a.pfn) == EBUSY, "still mapped after the child");

	/* Move it elsewhere. */
	hole = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	q = mremap(p, 4 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   hole + 2 * page);
	result(q != MAP_FAILED && q[0] == 'c' && pagemap_is(q, a.pfn, 4, 1),
	       "mremap moves it: same frames, same bytes");
	result(mremap(q, 4 * page, 8 * page, 0) == MAP_FAILED,
	       "mremap cannot grow it past its block");
	/* Unmap the middle: two mappings left, then none. */
	munmap(q + page, page);
	result(free_pfn(fd, a.pfn) == EBUSY && stat_of("mapped_blocks") == 1,
	       "a partial munmap leaves it mapped");
	munmap(q, page);
	munmap(q + 2 * page, 2 * page);
	munmap(hole, 8 * page);
	result(stat_of("mapped_blocks") == 0 && !free_pfn(fd, a.pfn),
	       "every piece unmapped: it frees");
}

/*
 * Nothing but a mapping holds the pages: get_user_pages() refuses them, so
 * a page spliced into a pipe cannot outlive munmap() and the free, and be
 * read there once the block is another file's.
 */
static void test_pinned(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 0, "pinned");
	struct iovec local, remote;
	char buf[16] = "";
	int pipefd[2];
	char *p;
	ssize_t n;

	result(!map(fd, a.pfn, 1, MAP_SHARED, (void **)&p), "map a page");
	memcpy(p, "written", 8);
	result(!pipe(pipefd), "a pipe");
	local.iov_base = p;
	local.iov_len = 8;
	n = vmsplice(pipefd[1], &local, 1, 0);
	result(n < 0 && errno == EFAULT,
	       "vmsplice() of the mapped page into a pipe: EFAULT (%zd, %s)",
	       n, n < 0 ? strerror(errno) : "taken");
	local.iov_base = buf;
	local.iov_len = sizeof(buf);
	remote.iov_base = p;
	remote.iov_len = 8;
	n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	/* The debug kernel is built without CROSS_MEMORY_ATTACH. */
	if (n < 0 && errno == ENOSYS)
		printf("  process_vm_readv(): not in this kernel, not checked\n");
	else
		result(n < 0 && errno == EFAULT,
		       "process_vm_readv() of the mapped page: EFAULT (%zd, %s)",
		       n, n < 0 ? strerror(errno) : "read");
	/* MADV_DONTNEED takes the page out; a touch puts the same one back. */
	if (madvise(p, page, MADV_DONTNEED) && errno == ENOSYS)
		printf("  madvise(): not in this kernel, not checked\n");
	else
		result(!memcmp(p, "written", 8) && pagemap_is(p, a.pfn, 1, 1),
		       "MADV_DONTNEED, then a read: the same frame, the same bytes");
	munmap(p, page);
	result(!free_pfn(fd, a.pfn), "unmapped, the block frees");
	close(pipefd[0]);
	close(pipefd[1]);
}

/* debugfs cannot free a mapped block either: EBUSY, before EPERM. */
static void test_debugfs_busy(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 1, "dbusy");
	long busy = stat_of("rejected_free_busy");
	char cmd[64];
	void *p;

	snprintf(cmd, sizeof(cmd), "free %#llx", a.pfn);
	result(ctl(cmd) == EPERM, "debugfs free of the file's block: EPERM");
	result(ctl("free tag=dbusy") == EPERM,
	       "debugfs free tag= of the file's block: EPERM");
	result(!map(fd, a.pfn, 2, MAP_SHARED, &p), "map it");
	result(ctl(cmd) == EBUSY, "debugfs free of it, mapped: EBUSY");
	result(ctl("free tag=dbusy") == EBUSY,
	       "debugfs free tag= of it, mapped: EBUSY");
	result(stat_of("rejected_free_busy") == busy + 2,
	       "both counted in rejected_free_busy");
	munmap(p, 2 * page);
	result(!free_pfn(fd, a.pfn), "unmapped, the file frees it");
}

/* What one user wrote never reaches the next. */
static void test_zeroed(int fd)
{
	struct buddy_alloc a = alloc_order(fd, 3, "dirty"), b;
	int other;
	char *p;
	unsigned long i;
	bool zero = true;

	result(!map(fd, a.pfn, 8, MAP_SHARED, (void **)&p), "map 8 pages");
	memset(p, 0xa5, 8 * page);
	munmap(p, 8 * page);
	result(!free_pfn(fd, a.pfn), "write 0xa5 everywhere, free it");
	other = dev_open();
	b = alloc_order(other, 3, "clean");
	result(b.pfn == a.pfn, "another file gets the same block (%#llx)",
	       b.pfn);
	result(!map(other, b.pfn, 8, MAP_SHARED, (void **)&p), "map it");
	for (i = 0; i < 8 * (unsigned long)page; i++)
		zero &= !p[i];
	result(zero, "every byte is zero");
	munmap(p, 8 * page);
	close(other);
}

/* A holder killed with its block mapped leaves nothing behind. */
static void test_killed(void)
{
	int pipefd[2], status;
	pid_t pid;
	char c;

	if (pipe(pipefd))
		exit(2);
	pid = fork();
	if (!pid) {
		int cfd = dev_open();
		struct buddy_alloc a = alloc_order(cfd, 2, "victim");
		char *p;

		if (map(cfd, a.pfn, 4, MAP_SHARED, (void **)&p))
			_exit(1);
		fill(p, 4, a.pfn);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(pipefd[0], &c, 1) != 1)
		exit(2);
	result(stat_of("mapped_blocks") == 1, "a child holds a mapped block");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	result(stat_of("allocations") == 0 && stat_of("mapped_blocks") == 0 &&
	       file_has(DBG "check", "ok"),
	       "SIGKILL: unmapped, freed, check ok");
	close(pipefd[0]);
	close(pipefd[1]);
}

/*
 * rmmod while a mapping lives, its file closed: refused, the module stays;
 * the mapping holds the file, which is released (and its block freed)
 * with the last munmap.
 */
static void test_rmmod(void)
{
	int fd = dev_open(), err;
	struct buddy_alloc a = alloc_order(fd, 0, "pin");
	char *p;

	result(!map(fd, a.pfn, 1, MAP_SHARED, (void **)&p), "map a page");
	close(fd);
	result(stat_of("allocations") == 1,
	       "its file closed, the mapping keeps the block");
	err = syscall(SYS_delete_module, "buddy", O_NONBLOCK) ? errno : 0;
	result(err == EBUSY || err == EWOULDBLOCK,
	       "rmmod while mapped: refused (%s)", strerror(err));
	result(!access(DBG "check", R_OK), "the module is still there");
	munmap(p, page);
	result(stat_of("allocations") == 0,
	       "the last munmap released the file and its block");
}

/* A pool of many pages: the top order's block, mapped and proved. */
static void test_big(void)
{
	struct buddy_info info = { 0 };
	int fd = dev_open();
	unsigned long pages;
	struct buddy_alloc a;
	char *p;

	ioc(fd, BUDDY_IOC_INFO, &info);
	a = alloc_order(fd, info.max_order, "top");
	pages = 1UL << info.max_order;
	result(!map(fd, a.pfn, pages, MAP_SHARED, (void **)&p),
	       "map the top-order block: %lu pages at %#llx", pages, a.pfn);
	fill(p, pages, a.pfn);
	result(filled(p, pages, a.pfn) && pagemap_is(p, a.pfn, pages, 1),
	       "every page written, read back, and its pfn the block's");
	munmap(p, pages * page);
	result(!free_pfn(fd, a.pfn), "unmapped: it frees");
	close(fd);
}

int main(int argc, char **argv)
{
	int fd;

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "big")) {
		test_big();
	} else {
		fd = dev_open();
		test_proof(fd);
		test_refusals(fd);
		test_reset_deferred(fd);
		test_fork_mremap(fd);
		test_pinned(fd);
		test_debugfs_busy(fd);
		test_zeroed(fd);
		test_killed();
		close(fd);
		test_rmmod();
		result(file_has(DBG "check", "ok") &&
		       stat_of("allocations") == 0, "in the end: check ok, nothing held");
	}
	printf("buddy_mmap_test: %d failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
