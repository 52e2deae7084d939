// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/buddy ABI from user space: every ioctl, every rejected input,
 * ownership between files, and cleanup when a file closes or its process is
 * killed.  Runs in the VM as root with buddy.ko loaded on an empty pool;
 * prints "BUDDY-TEST: PASS|FAIL name" lines and exits non-zero on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

static const char *dev_path = "/dev/buddy";

static void expect_errno(const char *name, int got, int want)
{
	result(got == want, "%s (errno %d, want %d)", name, got, want);
}

static int dev_open(void)
{
	int fd = open(dev_path, O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", dev_path, strerror(errno));
		exit(2);
	}
	return fd;
}

static struct buddy_info info_of(int fd)
{
	struct buddy_info info;

	memset(&info, 0, sizeof(info));
	if (ioc(fd, BUDDY_IOC_INFO, &info))
		result(0, "BUDDY_IOC_INFO failed: %s", strerror(errno));
	return info;
}

/* Fills a request for a block of @order; the test then alters it. */
static void prep_order(struct buddy_alloc *out, unsigned int order,
		       const char *tag)
{
	memset(out, 0, sizeof(*out));
	out->mode = BUDDY_ALLOC_ORDER;
	out->order = order;
	if (tag)
		strncpy(out->tag, tag, sizeof(out->tag) - 1);
}

static int alloc_order(int fd, unsigned int order, const char *tag,
		       struct buddy_alloc *out)
{
	prep_order(out, order, tag);
	return ioc(fd, BUDDY_IOC_ALLOC, out);
}

static int free_pfn(int fd, unsigned long long pfn)
{
	struct buddy_free arg = { .pfn = pfn };

	return ioc(fd, BUDDY_IOC_FREE, &arg);
}

static void test_info(int fd)
{
	struct buddy_info info = info_of(fd);
	unsigned long long sum = 0;
	unsigned int k;

	for (k = 0; k < info.nr_orders; k++)
		sum += info.free_blocks[k] << k;
	result(info.nr_pages > 0 && info.page_size == (unsigned long)
	       sysconf(_SC_PAGESIZE), "info geometry: %llu pages of %llu bytes",
	       info.nr_pages, info.page_size);
	result(info.nr_orders == info.max_order + 1 &&
	       info.nr_orders <= BUDDY_MAX_ORDERS, "info nr_orders %u",
	       info.nr_orders);
	result(info.free_pages == info.nr_pages && sum == info.free_pages &&
	       info.allocated_pages == 0 && info.nr_allocations == 0,
	       "info on an empty pool: free %llu = sum of blocks %llu",
	       info.free_pages, sum);
	result(info.meta_bytes > 0, "info meta_bytes %llu", info.meta_bytes);
}

static void test_alloc_free(int fd)
{
	struct buddy_info before = info_of(fd), after;
	struct buddy_alloc a, b;
	struct buddy_free f;
	int err;

	err = alloc_order(fd, 1, "A", &a);
	result(!err && a.pages == 2 && a.out_order == 1 &&
	       a.pfn == before.first_pfn &&
	       a.phys_addr == a.pfn * before.page_size,
	       "alloc order 1: pfn %#llx phys %#llx pages %llu", a.pfn,
	       a.phys_addr, a.pages);

	memset(&b, 0, sizeof(b));
	b.mode = BUDDY_ALLOC_BYTES;
	b.bytes = 3 * before.page_size + 1;
	err = ioc(fd, BUDDY_IOC_ALLOC, &b);
	result(!err && b.out_order == 2 && b.pages == 4 &&
	       b.pfn == before.first_pfn + 4,
	       "alloc 3 pages + 1 byte by size: order %u at +%llu",
	       b.out_order, b.pfn - before.first_pfn);

	after = info_of(fd);
	result(after.allocated_pages == 6 && after.nr_allocations == 2,
	       "info after two allocs: %llu pages in %llu blocks",
	       after.allocated_pages, after.nr_allocations);

	memset(&f, 0, sizeof(f));
	f.pfn = b.pfn;
	err = ioc(fd, BUDDY_IOC_FREE, &f);
	result(!err && f.order == 2 && f.pages == 4, "free reports order %u",
	       f.order);
	expect_errno("double free", free_pfn(fd, b.pfn), EALREADY);
	expect_errno("free inside a free block", free_pfn(fd, b.pfn + 1),
		     EALREADY);
	expect_errno("interior free", free_pfn(fd, a.pfn + 1), EINVAL);
	expect_errno("free below the pool", free_pfn(fd, before.first_pfn - 1),
		     ERANGE);
	expect_errno("free past the pool",
		     free_pfn(fd, before.first_pfn + before.nr_pages), ERANGE);
	expect_errno("free of pfn 2^64-1", free_pfn(fd, ~0ULL), ERANGE);
	expect_errno("free A", free_pfn(fd, a.pfn), 0);
	after = info_of(fd);
	result(after.free_pages == before.free_pages &&
	       !memcmp(after.free_blocks, before.free_blocks,
		       sizeof(after.free_blocks)),
	       "everything merged back");
}

static void test_bad_alloc(int fd)
{
	struct buddy_info before = info_of(fd), after;
	struct buddy_alloc a;
	char *text;
	int err;

	prep_order(&a, before.max_order + 1, NULL);
	expect_errno("order above max_order",
		     ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	prep_order(&a, ~0U, NULL);
	expect_errno("order 2^32-1", ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	/* The reason and the fail step name the order asked, all 32 bits. */
	text = read_all(fd);
	err = text && strstr(text, "why=order 4294967295 is above max_order") &&
	      strstr(text, " fail order=4294967295 error=EINVAL owner=dev#");
	result(err, "order 2^32-1: read() names it whole, in the step too");
	if (!err)
		fprintf(stderr, "read() gave:\n%s", text ? text : "nothing\n");
	free(text);
	prep_order(&a, 0, NULL);
	a.mode = 7;
	expect_errno("unknown mode", ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	prep_order(&a, 0, NULL);
	a.reserved[1] = 1;
	expect_errno("reserved field set", ioc(fd, BUDDY_IOC_ALLOC, &a),
		     EINVAL);
	prep_order(&a, 0, NULL);
	a.bytes = 4096;
	expect_errno("bytes given with mode ORDER",
		     ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	prep_order(&a, 0, NULL);
	a.mode = BUDDY_ALLOC_BYTES;
	expect_errno("size 0", ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	a.bytes = ~0ULL;
	expect_errno("size 2^64-1", ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	a.bytes = 1;
	a.order = 1;
	expect_errno("order given with mode BYTES",
		     ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	prep_order(&a, 0, NULL);
	memset(a.tag, 'x', sizeof(a.tag));
	expect_errno("tag without a NUL", ioc(fd, BUDDY_IOC_ALLOC, &a),
		     EINVAL);
	prep_order(&a, 0, "a b");
	expect_errno("tag with a space", ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	prep_order(&a, 0, "ok");
	a.tag[5] = 'z';
	expect_errno("garbage after the tag's NUL",
		     ioc(fd, BUDDY_IOC_ALLOC, &a), EINVAL);
	expect_errno("alloc from a NULL pointer",
		     ioc(fd, BUDDY_IOC_ALLOC, NULL), EFAULT);
	expect_errno("alloc from a wild pointer",
		     ioc(fd, BUDDY_IOC_ALLOC, (void *)16), EFAULT);
	expect_errno("unknown ioctl", ioc(fd, _IO(BUDDY_IOC_MAGIC, 99), &a),
		     ENOTTY);
	expect_errno("ioctl with a wrong size",
		     ioc(fd, _IOWR(BUDDY_IOC_MAGIC, 1, int), &a), ENOTTY);

	after = info_of(fd);
	result(after.free_pages == before.free_pages &&
	       after.nr_allocations == before.nr_allocations,
	       "rejected allocs changed nothing");
}

/* A reply that cannot be written must not leave a block behind. */
static void test_readonly_reply(int fd)
{
	struct buddy_info before = info_of(fd), after;
	long page = sysconf(_SC_PAGESIZE);
	struct buddy_alloc *a;
	struct buddy_free *f;

	a = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		result(0, "mmap: %s", strerror(errno));
		return;
	}
	memset(a, 0, page);
	a->mode = BUDDY_ALLOC_ORDER;
	mprotect(a, page, PROT_READ);
	expect_errno("alloc into a read-only struct",
		     ioc(fd, BUDDY_IOC_ALLOC, a), EFAULT);
	f = (struct buddy_free *)a;
	expect_errno("free into a read-only struct",
		     ioc(fd, BUDDY_IOC_FREE, f), EFAULT);
	expect_errno("info into a read-only struct",
		     ioc(fd, BUDDY_IOC_INFO, a), EFAULT);
	munmap(a, page);
	after = info_of(fd);
	result(after.free_pages == before.free_pages &&
	       after.nr_allocations == before.nr_allocations,
	       "EFAULT changed nothing");
}

static void test_bad_free_info(int fd)
{
	struct buddy_free f;
	struct buddy_info info;

	memset(&f, 0, sizeof(f));
	f.pfn = info_of(fd).first_pfn;
	f.reserved = 1;
	expect_errno("free with reserved set", ioc(fd, BUDDY_IOC_FREE, &f),
		     EINVAL);
	expect_errno("free from a NULL pointer",
		     ioc(fd, BUDDY_IOC_FREE, NULL), EFAULT);
	memset(&info, 0, sizeof(info));
	info.reserved[0] = 1;
	expect_errno("info with reserved set", ioc(fd, BUDDY_IOC_INFO, &info),
		     EINVAL);
	expect_errno("info into a NULL pointer",
		     ioc(fd, BUDDY_IOC_INFO, NULL), EFAULT);
}

static void test_ownership(void)
{
	int fd1 = dev_open(), fd2 = dev_open();
	struct buddy_alloc a;
	struct buddy_info info;

	alloc_order(fd1, 0, "mine", &a);
	expect_errno("free of another file's block", free_pfn(fd2, a.pfn),
		     EPERM);
	info = info_of(fd2);
	result(info.nr_allocations == 1, "the block survived");
	alloc_order(fd1, 2, NULL, &a);
	alloc_order(fd2, 3, NULL, &a);
	close(fd1);
	info = info_of(fd2);
	result(info.nr_allocations == 1 && info.allocated_pages == 8,
	       "closing a file frees its 2 blocks, not the other file's: %llu left",
	       info.nr_allocations);
	close(fd2);
	fd1 = dev_open();
	info = info_of(fd1);
	result(info.nr_allocations == 0 && info.free_pages == info.nr_pages,
	       "closing the other file frees the rest");
	close(fd1);
}

/* A process killed while holding blocks gives them all back. */
static void test_killed_process(void)
{
	int pipefd[2], fd, status;
	struct buddy_info info;
	char c;
	pid_t pid;

	if (pipe(pipefd))
		exit(2);
	pid = fork();
	if (!pid) {
		struct buddy_alloc a;
		int cfd = dev_open();

		alloc_order(cfd, 0, "victim", &a);
		alloc_order(cfd, 3, "victim", &a);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(pipefd[0], &c, 1) != 1)
		exit(2);
	fd = dev_open();
	info = info_of(fd);
	result(info.nr_allocations == 2, "child holds 2 blocks");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	info = info_of(fd);
	result(WIFSIGNALED(status) && info.nr_allocations == 0 &&
	       info.free_pages == info.nr_pages,
	       "SIGKILL freed the child's blocks");
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Two processes hammer one pool; nothing is lost or doubled. */
static void test_concurrent(void)
{
	pid_t pids[2];
	struct buddy_info info;
	int i, fd, status, ok = 1;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			int cfd = dev_open(), n;
			struct buddy_alloc a;

			for (n = 0; n < 2000; n++) {
				if (!alloc_order(cfd, n % 3, NULL, &a) &&
				    free_pfn(cfd, a.pfn))
					_exit(1);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		waitpid(pids[i], &status, 0);
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	}
	fd = dev_open();
	info = info_of(fd);
	close(fd);
	result(ok && info.free_pages == info.nr_pages,
	       "two processes, 4000 alloc/free pairs, pool whole again");
}

int main(int argc, char **argv)
{
	int fd;

	if (argc > 1)
		dev_path = argv[1];
	fd = dev_open();
	test_info(fd);
	test_alloc_free(fd);
	test_bad_alloc(fd);
	test_readonly_reply(fd);
	test_bad_free_info(fd);
	close(fd);
	test_ownership();
	test_killed_process();
	test_concurrent();
	printf("buddy_dev_test: %d failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
