// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_harden_test - the defects a kernel review found, each reproduced
 * the way it was found, against the real module in the VM:
 *
 *   age       allocations read the clock before the lock: an age of 2^64 ms
 *   comm      a process name with a newline forged a line of allocations
 *   pad       the uapi's "must be zero" pad fields were never checked
 *   straddle  a reply half in a read-only page: EFAULT after the change
 *   results   one global result: cut silently, swapped between writers,
 *             EOF on read/write/read
 *   perms     ALLOC/FREE on a read-only fd; pfns to anyone who can open
 *   pidns     pids from the initial namespace in a container
 *   command   128 characters + CRLF refused; an empty write counted
 *
 * Runs as root with buddy.ko loaded (pages=1024 for "results").  Prints
 * "BUDDY-TEST: PASS|FAIL name" lines and exits non-zero on a failure.
 * Usage: buddy_harden_test [TEST...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

#define DBG		"/sys/kernel/debug/buddy/"
#define CMD_MAX		128	/* BUDDY_CMD_MAX_LEN */
#define DEV		"/dev/buddy"

static void die(const char *what)
{
	printf("BUDDY-TEST: FAIL %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A whole debugfs file, NUL-terminated, malloc()ed. */
static char *slurp(const char *path)
{
	char *text = read_file(path);

	if (!text)
		die(path);
	return text;
}

/* Everything that says what the pool is: tree, stats, allocations. */
static char *state(void)
{
	char *tree = slurp(DBG "tree"), *stats = slurp(DBG "stats");
	char *out = malloc(strlen(tree) + strlen(stats) + 2);

	if (!out)
		die("malloc");
	sprintf(out, "%s\n%s", tree, stats);
	free(tree);
	free(stats);
	return out;
}

static unsigned long stat_of(const char *key)
{
	char *stats = slurp(DBG "stats"), *p = stats;
	unsigned long v = ~0UL;
	size_t len = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == ' ') {
			v = strtoul(p + len, NULL, 10);
			break;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(stats);
	return v;
}

static int ctl_fd(void)
{
	int fd = open(DBG "control", O_RDWR);

	if (fd < 0)
		die("open control");
	return fd;
}

/* Writes @cmd on @fd; returns 0 or the errno. */
static int ctl_write(int fd, const char *cmd, size_t len)
{
	return write(fd, cmd, len) == (ssize_t)len ? 0 : errno;
}

static int ctl(const char *cmd)
{
	int fd = ctl_fd(), err = ctl_write(fd, cmd, strlen(cmd));

	close(fd);
	return err;
}

/* What @fd reads from where it is to the end. */
static char *read_fd(int fd)
{
	static char buf[1 << 17];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, sizeof(buf) - len - 1)) > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

static int dev_open(int flags)
{
	int fd = open(DEV, flags);

	if (fd < 0)
		die("open " DEV);
	return fd;
}

static int dev_alloc(int fd, unsigned int order, struct buddy_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->mode = BUDDY_ALLOC_ORDER;
	a->order = order;
	return ioc(fd, BUDDY_IOC_ALLOC, a);
}

static int dev_free(int fd, unsigned long long pfn)
{
	struct buddy_free f = { .pfn = pfn };

	return ioc(fd, BUDDY_IOC_FREE, &f);
}

static unsigned long count_lines(const char *s)
{
	unsigned long n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Lines starting with @prefix. */
static unsigned long count_prefixed(const char *s, const char *prefix)
{
	unsigned long n = 0;
	size_t len = strlen(prefix);

	for (; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		n += !strncmp(s, prefix, len);
	return n;
}

/* === age: the clock read after the lock === */

static void test_age(void)
{
	unsigned long long age, worst = 0;
	unsigned int reads = 0, seen = 0;
	pid_t pid;
	int status;

	pid = fork();
	if (!pid) {
		struct buddy_alloc a;
		int fd = dev_open(O_RDWR), i;

		for (i = 0; i < 5000; i++)
			if (!dev_alloc(fd, 0, &a))
				dev_free(fd, a.pfn);
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		char *text = slurp(DBG "allocations"), *p = text;

		reads++;
		while ((p = strstr(p, " age_ms="))) {
			age = strtoull(p + 8, &p, 10);
			seen++;
			if (age > worst)
				worst = age;
		}
		free(text);
	}
	/* A few seconds at most: anything near 2^64 / 10^6 is a wrap. */
	result(worst < 100000,
	       "age: %u reads while another process allocates: %u records seen, oldest %llu ms",
	       reads, seen, worst);
}

/* === comm: a process name cannot forge a line === */

static void test_comm(void)
{
	static const char forged[] = "\npfn=0x1 order=9";
	unsigned long lines, recs;
	char *text, *line;
	bool escaped = false, forged_line = false;
	pid_t pid;
	int status;

	pid = fork();
	if (!pid) {
		prctl(PR_SET_NAME, forged);
		_exit(ctl("alloc 0 tag=forger") ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	result(WIFEXITED(status) && !WEXITSTATUS(status),
	       "comm: a process named \"\\npfn=0x1 order=9\" allocates");
	text = slurp(DBG "allocations");
	lines = count_lines(text);
	recs = stat_of("allocations");
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "pfn=0x1 ", 8))
			forged_line = true;
		if (strstr(line, "tag=forger") &&
		    strstr(line, " comm=\\012pfn=0x1 order="))
			escaped = true;
	}
	free(text);
	result(lines == recs && !forged_line,
	       "comm: %lu lines for %lu allocations, none forged", lines, recs);
	result(escaped, "comm: the newline shows as \\012");
	ctl("free tag=forger");
}

/* === pad: every "must be zero" field is checked === */

static void test_pad(void)
{
	char *before = state(), *after;
	struct buddy_alloc a;
	struct buddy_free f;
	int fd = dev_open(O_RDWR);

	memset(&a, 0, sizeof(a));
	a.mode = BUDDY_ALLOC_ORDER;
	a.pad = 0xdeadbeef;
	result(ioc(fd, BUDDY_IOC_ALLOC, &a) == EINVAL,
	       "pad: ALLOC with pad=0xdeadbeef is EINVAL");
	result(a.pad == 0xdeadbeef && !a.pfn, "pad: the refused struct is as it was");
	memset(&f, 0, sizeof(f));
	f.pad = 1;
	result(ioc(fd, BUDDY_IOC_FREE, &f) == EINVAL,
	       "pad: FREE with pad=1 is EINVAL");
	after = state();
	result(!strcmp(before, after), "pad: refusals changed nothing");
	free(after);

	/* Output fields are ignored on input and written on success. */
	memset(&a, 0, sizeof(a));
	a.mode = BUDDY_ALLOC_ORDER;
	a.pfn = 123;
	a.phys_addr = 456;
	a.pages = 789;
	a.out_order = 9;
	result(!ioc(fd, BUDDY_IOC_ALLOC, &a) && a.pages == 1 &&
	       !a.out_order && a.pfn != 123 && !a.pad,
	       "pad: output fields given non-zero are ignored and overwritten");
	memset(&f, 0, sizeof(f));
	f.pfn = a.pfn;
	f.pages = 77;
	f.order = 5;
	result(!ioc(fd, BUDDY_IOC_FREE, &f) && f.pages == 1 && !f.order,
	       "pad: FREE's output fields likewise");
	close(fd);
	free(before);
}

/* === straddle: a reply that cannot be written changes nothing === */

/*
 * A struct that starts in a read-only page and ends in a writable one:
 * its input reads fine, its last field (pad) is writable, and some of its
 * reply is not, the case a one-word probe of pad let through.  And one
 * that ends in a read-only page, the other way round.
 */
struct sibling {
	int fd;
	bool stop;			/* read and set atomically */
	unsigned long lost;		/* its blocks that vanished */
	unsigned long pairs;
};

static void *sibling_run(void *arg)
{
	struct sibling *s = arg;
	struct buddy_alloc a;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		if (dev_alloc(s->fd, 0, &a))
			continue;
		s->pairs++;
		if (dev_free(s->fd, a.pfn))
			s->lost++;
	}
	return NULL;
}

/* INFO into a half read-only struct: EFAULT, and not half written. */
static void test_straddle_info(int fd)
{
	long page = sysconf(_SC_PAGESIZE);
	struct buddy_info *info, before;
	char *mem;
	int err;

	mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 0x5a, 2 * page);
	info = (void *)(mem + page - sizeof(*info) / 2);
	memset(info->reserved, 0, sizeof(info->reserved));
	before = *info;
	if (mprotect(mem + page, page, PROT_READ))
		die("mprotect");
	err = ioc(fd, BUDDY_IOC_INFO, info);
	result(err == EFAULT && !memcmp(&before, info, sizeof(before)),
	       "straddle: INFO, reply half read-only: EFAULT (%s), nothing written",
	       strerror(err));
	munmap(mem, 2 * page);
}

static void test_straddle(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct sibling sib = { 0 };
	struct buddy_alloc *a_head, *a_tail, ok;
	struct buddy_free *f_head, *f_tail;
	char *before, *after, *mem;
	pthread_t thread;
	int fd = dev_open(O_RDWR), i, efault = 0, err;

	/* Read-only, writable, read-only, writable, read-only. */
	mem = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 0, 5 * page);
	result(!dev_alloc(fd, 1, &ok), "straddle: a block to free");
	/*
	 * ALLOC: 52 bytes in the read-only page (the input and half of pfn),
	 * the rest, pad included, writable.  FREE: 20 bytes read-only (pfn,
	 * reserved and half of pages).
	 */
	a_head = (void *)(mem + page - 52);
	a_head->mode = BUDDY_ALLOC_ORDER;
	a_head->order = 3;
	f_head = (void *)(mem + 3 * page - 20);
	f_head->pfn = ok.pfn;
	/* And the other way: only the last bytes run into read-only. */
	a_tail = (void *)(mem + 2 * page - (sizeof(*a_tail) - 1));
	a_tail->mode = BUDDY_ALLOC_ORDER;
	f_tail = (void *)(mem + 4 * page - (sizeof(*f_tail) - 4));
	f_tail->pfn = ok.pfn;
	if (mprotect(mem, page, PROT_READ) ||
	    mprotect(mem + 2 * page, page, PROT_READ) ||
	    mprotect(mem + 4 * page, page, PROT_READ))
		die("mprotect");

	before = state();
	err = ioc(fd, BUDDY_IOC_ALLOC, a_head);
	result(err == EFAULT,
	       "straddle: ALLOC, reply half read-only, pad writable: EFAULT (%s)",
	       strerror(err));
	err = ioc(fd, BUDDY_IOC_ALLOC, a_tail);
	result(err == EFAULT,
	       "straddle: ALLOC, last reply byte read-only: EFAULT (%s)",
	       strerror(err));
	err = ioc(fd, BUDDY_IOC_FREE, f_head);
	result(err == EFAULT,
	       "straddle: FREE, reply half read-only, pad writable: EFAULT (%s)",
	       strerror(err));
	err = ioc(fd, BUDDY_IOC_FREE, f_tail);
	result(err == EFAULT,
	       "straddle: FREE, last reply bytes read-only: EFAULT (%s)",
	       strerror(err));
	after = state();
	result(!strcmp(before, after),
	       "straddle: the EFAULTs changed nothing (tree, counters), the block is still held");
	free(after);
	free(before);
	result(!dev_free(fd, ok.pfn), "straddle: the block frees normally");

	/* A sibling thread of the same file never loses a block to it. */
	sib.fd = fd;
	pthread_create(&thread, NULL, sibling_run, &sib);
	for (i = 0; i < 3000; i++)
		efault += ioc(fd, BUDDY_IOC_ALLOC, a_head) == EFAULT;
	__atomic_store_n(&sib.stop, true, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	result(efault == 3000 && !sib.lost,
	       "straddle: 3000 EFAULTs beside a sibling's %lu alloc/free pairs: %lu of its blocks lost",
	       sib.pairs, sib.lost);
	test_straddle_info(fd);
	close(fd);
	before = slurp(DBG "check");
	result(!strcmp(before, "ok\n"), "straddle: check says %s", before);
	free(before);
	munmap(mem, 5 * page);
}

/* === seek: control's position is a plain file's === */

/* A fresh open of control, lseek()ed to @off from @whence (where: @at), read. */
static char *fresh_at(off_t off, int whence, off_t *at)
{
	int fd = ctl_fd();
	char *text;

	*at = lseek(fd, off, whence);
	text = strdup(read_fd(fd));
	if (!text)
		die("strdup");
	close(fd);
	return text;
}

static void test_seek(void)
{
	char *whole, *why, buf[64], *text;
	int fd = ctl_fd(), fd2;
	off_t at;
	ssize_t n;

	/* A successful write: the pool's last result, what a fresh open reads. */
	result(!ctl("alloc 1 tag=seek"), "seek: alloc 1 tag=seek");
	fd2 = ctl_fd();
	whole = strdup(read_fd(fd2));
	if (!whole)
		die("strdup");
	close(fd2);
	result(strlen(whole) > 12, "seek: a fresh open reads %zu bytes",
	       strlen(whole));

	/* Its first read or seek takes the snapshot, at any offset. */
	text = fresh_at(5, SEEK_SET, &at);
	result(at == 5 && !strcmp(text, whole + 5),
	       "seek: a fresh open, lseek to 5, read: from byte 5 (%zu bytes)",
	       strlen(text));
	free(text);
	text = fresh_at(-3, SEEK_END, &at);
	result(at == (off_t)strlen(whole) - 3 &&
	       !strcmp(text, whole + strlen(whole) - 3),
	       "seek: SEEK_END is the text's end (%lld of %zu)", (long long)at,
	       strlen(whole));
	free(text);
	fd2 = ctl_fd();
	n = pread(fd2, buf, 4, 2);
	result(n == 4 && !memcmp(buf, whole + 2, 4),
	       "seek: a fresh open, pread of 4 at 2");
	close(fd2);

	/* A writer: read from 0 after its write, or where it seeks. */
	result(!ctl_write(fd, "alloc 0 tag=seek", 16) &&
	       !strncmp(read_fd(fd), "pfn=", 4),
	       "seek: alloc 0 on one file, which reads its result");
	result(!ctl_write(fd, "free tag=seek", 13), "seek: free tag=seek");
	result(!ctl_write(fd, "alloc 0 tag=seek", 16) &&
	       lseek(fd, 4, SEEK_SET) == 4 && !strncmp(read_fd(fd), "0x", 2),
	       "seek: write, lseek to 4, read: from byte 4 (\"pfn=\" left out)");
	result(lseek(fd, 0, SEEK_CUR) > 4 && lseek(fd, 0, SEEK_SET) == 0 &&
	       !strncmp(read_fd(fd), "pfn=", 4),
	       "seek: lseek to 0: the result again");

	/* A refused write leaves the position; a read there starts at 0. */
	result(ctl_write(fd, "alloc banana", 12) == EINVAL,
	       "seek: a refused write");
	why = strdup(read_fd(fd));
	if (!why)
		die("strdup");
	result(!strncmp(why, "error=EINVAL why=", 17),
	       "seek: the refusal, read from its start: %.40s", why);
	result(ctl_write(fd, "alloc banana", 12) == EINVAL &&
	       lseek(fd, 6, SEEK_SET) == 6 && !strcmp(read_fd(fd), why + 6),
	       "seek: a refused write, lseek to 6, read: from byte 6");
	result(ctl_write(fd, "alloc banana", 12) == EINVAL &&
	       lseek(fd, 2, SEEK_CUR) == 2 && !strcmp(read_fd(fd), why + 2),
	       "seek: after a refused write, SEEK_CUR counts from its start");
	result(!ctl("free tag=seek"), "seek: free tag=seek");
	close(fd);
	free(whole);
	free(why);
}

/* === results: per open file, never cut silently === */

static void test_results(void)
{
	unsigned long lines, dropped = 0, kept;
	int fd = ctl_fd(), i, n = 0;
	char *text, *mark;
	pid_t pids[2];
	int status, ok = 1;

	ctl("reset");
	for (i = 0; i < 300; i++)
		n += !ctl_write(fd, "alloc 0 tag=T", 13);
	result(n == 300, "results: 300 blocks tagged T");
	result(!ctl_write(fd, "free tag=T", 10), "results: free tag=T");
	text = read_fd(fd);
	lines = count_prefixed(text, "freed ");
	result(lines == 300 && !strstr(text, "truncated"),
	       "results: the writer reads all 300 freed lines and their steps (%lu)",
	       lines);

	/* More than the last result keeps: marked, never cut silently. */
	n = 0;
	for (i = 0; i < 1024; i++)
		n += !ctl_write(fd, "alloc 0 tag=U", 13);
	result(n == 1024, "results: 1024 blocks tagged U");
	result(!ctl_write(fd, "free tag=U", 10), "results: free tag=U");
	text = read_fd(fd);
	lines = count_prefixed(text, "freed ");
	mark = strstr(text, "truncated lines=");
	result(lines == 1024 && mark && !mark[strcspn(mark, "\n") + 1],
	       "results: the writer reads all 1024 freed lines (%lu), then as many steps as fit and a mark",
	       lines);
	text = slurp(DBG "control");
	mark = strstr(text, "truncated lines=");
	kept = count_lines(text) - 1;
	if (mark)
		dropped = strtoul(mark + 16, NULL, 10);
	result(mark && kept + dropped == 1024 && mark[-1] == '\n',
	       "results: a fresh open gets %lu lines and a mark for %lu more",
	       kept, dropped);
	free(text);

	/* read, write, read on one file: each read shows its write. */
	result(!ctl_write(fd, "alloc 2 tag=rw", 14) &&
	       strstr(read_fd(fd), "order=2 pages=4 tag=rw\n"),
	       "results: write, read");
	result(!ctl_write(fd, "free tag=rw", 11) &&
	       !strncmp(read_fd(fd), "freed ", 6), "results: write, read again");
	result(!*read_fd(fd), "results: then EOF, as a file");
	close(fd);

	/* Two writers at once each read their own results. */
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			char cmd[64], tag[16], *res;
			int cfd = ctl_fd(), k;

			snprintf(tag, sizeof(tag), "w%d", i);
			for (k = 0; k < 500; k++) {
				snprintf(cmd, sizeof(cmd), "alloc %d tag=%s",
					 i, tag);
				if (ctl_write(cfd, cmd, strlen(cmd)))
					_exit(1);
				res = read_fd(cfd);
				if (!strstr(res, tag))
					_exit(3);
				snprintf(cmd, sizeof(cmd), "free %.*s",
					 (int)strcspn(res + 4, " "), res + 4);
				if (ctl_write(cfd, cmd, strlen(cmd)))
					_exit(4);
				res = read_fd(cfd);
				if (strncmp(res, "freed ", 6) || !strstr(res, tag))
					_exit(5);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		waitpid(pids[i], &status, 0);
		ok &= WIFEXITED(status) && !WEXITSTATUS(status);
	}
	result(ok, "results: two writers, 1000 commands each, only their own results");
}

/* === perms: changes need a writable fd and CAP_SYS_ADMIN === */

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1U << CAP_SYS_ADMIN);
	data[0].inheritable &= ~(1U << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, data);
}

/* Runs @fn in a child with fewer rights; its exit status. */
static int as_child(int (*drop)(void), int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (!pid)
		_exit(drop() ? 100 : fn());
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

/* Bit i of the result: check i failed. */
static int no_admin_checks(void)
{
	struct buddy_info info = { 0 };
	struct buddy_alloc a;
	int fd = open(DEV, O_RDWR), bad = 0;

	bad |= (fd < 0) << 0;
	bad |= (dev_alloc(fd, 0, &a) != EPERM) << 1;
	bad |= (dev_free(fd, 1) != EPERM) << 2;
	bad |= (ioc(fd, BUDDY_IOC_INFO, &info) || info.first_pfn ||
		!info.nr_pages) << 3;
	bad |= (open(DBG "control", O_RDWR) >= 0 || errno != EPERM) << 4;
	bad |= (open(DBG "tree", O_RDONLY) >= 0 || errno != EPERM) << 5;
	bad |= (open(DBG "allocations", O_RDONLY) >= 0 || errno != EPERM) << 6;
	return bad;
}

static int to_nobody(void)
{
	return setgroups(0, NULL) || setgid(65534) || setuid(65534);
}

static int nobody_checks(void)
{
	int bad = 0;

	bad |= (open(DEV, O_RDONLY) >= 0 || errno != EACCES) << 0;
	bad |= (open(DBG "control", O_WRONLY) >= 0 || errno != EACCES) << 1;
	bad |= (open(DBG "tree", O_RDONLY) >= 0 || errno != EACCES) << 2;
	return bad;
}

static void test_perms(void)
{
	char *before = state(), *after;
	struct buddy_info info = { 0 };
	struct buddy_alloc a;
	int fd = dev_open(O_RDONLY), bad;

	result(dev_alloc(fd, 0, &a) == EBADF,
	       "perms: ALLOC on a read-only fd is EBADF");
	result(dev_free(fd, 1) == EBADF, "perms: FREE on a read-only fd is EBADF");
	result(!ioc(fd, BUDDY_IOC_INFO, &info) && info.first_pfn,
	       "perms: INFO on a read-only fd works, with the pfn for root");
	close(fd);
	bad = as_child(drop_cap_sys_admin, no_admin_checks);
	result(!bad,
	       "perms: root without CAP_SYS_ADMIN: ALLOC/FREE EPERM, INFO first_pfn 0, debugfs EPERM (failed checks: %#x)",
	       bad);
	bad = as_child(to_nobody, nobody_checks);
	result(!bad, "perms: user nobody: EACCES on /dev/buddy and debugfs (failed checks: %#x)",
	       bad);
	after = state();
	result(!strcmp(before, after), "perms: nothing changed");
	free(before);
	free(after);
}

/* === pidns: pids as the reader's namespace sees them === */

static void test_pidns(void)
{
	int pipefd[2], status;
	char buf[64] = "", *text;
	pid_t outer;

	if (pipe(pipefd))
		die("pipe");
	outer = fork();
	if (!outer) {
		pid_t inner;

		if (unshare(CLONE_NEWPID))
			_exit(100);
		inner = fork();
		if (!inner) {
			char *line, *res;

			/* Pid 1 of its namespace; reads its own line. */
			if (ctl("alloc 0 tag=inns"))
				_exit(1);
			res = slurp(DBG "allocations");
			line = strstr(res, "tag=inns ");
			if (!line)
				_exit(2);
			/* "tag=inns pid=N" */
			if (write(pipefd[1], line,
				  9 + strcspn(line + 9, " ")) < 0)
				_exit(3);
			_exit(0);
		}
		waitpid(inner, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	}
	close(pipefd[1]);
	waitpid(outer, &status, 0);
	if (read(pipefd[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(pipefd[0]);
	result(WIFEXITED(status) && !WEXITSTATUS(status) &&
	       !strcmp(buf, "tag=inns pid=1"),
	       "pidns: inside a pid namespace the allocator is pid 1 (%s, status %d)",
	       buf, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	text = slurp(DBG "allocations");
	result(strstr(text, "tag=inns pid=") && !strstr(text, "tag=inns pid=1 "),
	       "pidns: outside, its real pid");
	free(text);
	ctl("free tag=inns");
}

/* === command: lengths and empty writes === */

static void test_command(void)
{
	char cmd[CMD_MAX + 3];
	unsigned long rejected = stat_of("rejected_commands");
	int fd = ctl_fd();

	/* "alloc 0 tag=L" and blanks: exactly 128 characters. */
	memset(cmd, ' ', sizeof(cmd));
	memcpy(cmd, "alloc 0 tag=L", 13);
	memcpy(cmd + CMD_MAX, "\r\n", 2);
	result(!ctl_write(fd, cmd, CMD_MAX + 2),
	       "command: 128 characters and CRLF");
	memcpy(cmd + CMD_MAX, "\n", 1);
	result(!ctl_write(fd, cmd, CMD_MAX + 1),
	       "command: 128 characters and LF");
	cmd[CMD_MAX] = ' ';
	cmd[CMD_MAX + 1] = '\n';
	result(ctl_write(fd, cmd, CMD_MAX + 2) == EINVAL,
	       "command: 129 characters are too many");
	result(stat_of("rejected_commands") == rejected + 1,
	       "command: counted once");
	result(write(fd, "", 0) == 0 &&
	       stat_of("rejected_commands") == rejected + 1,
	       "command: an empty write does nothing and is not counted");

	/* The longest reason, quoting a 115-byte tag, is read whole. */
	memcpy(cmd, "alloc 1 tag=", 12);
	memset(cmd + 12, 'A', CMD_MAX - 1 - 12);
	result(ctl_write(fd, cmd, CMD_MAX - 1) == EINVAL &&
	       strstr(read_fd(fd), "A': 1-15 characters of A-Z a-z 0-9 _ . -\n"),
	       "command: a bad tag of 115 bytes, its reason whole");
	close(fd);
	ctl("free tag=L");
}

static const struct {
	const char *name;
	void (*run)(void);
} tests[] = {
	{ "age", test_age },
	{ "comm", test_comm },
	{ "pad", test_pad },
	{ "straddle", test_straddle },
	{ "results", test_results },
	{ "seek", test_seek },
	{ "perms", test_perms },
	{ "pidns", test_pidns },
	{ "command", test_command },
};

int main(int argc, char **argv)
{
	unsigned int i;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		bool run = argc < 2;

		for (k = 1; k < argc; k++)
			run |= !strcmp(argv[k], tests[i].name);
		if (run)
			tests[i].run();
	}
	printf("buddy_harden_test: %d failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
