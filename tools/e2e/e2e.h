/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e2e.h - what the guest-side test programs share: marked result lines
 * ("BUDDY-TEST: PASS|FAIL name", so kernel noise on the console cannot be
 * mistaken for one), the ioctl errno, whole files, a seeded random
 * generator, and the audit of the pool through debugfs that ends a run.
 * Each program is one .c file that includes this.  result() may be called
 * from several threads.
 */
#ifndef _BUDDY_E2E_H
#define _BUDDY_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define E2E_DBG		"/sys/kernel/debug/buddy/"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int nr_failed;

static inline __attribute__((format(printf, 2, 3)))
void result(int ok, const char *fmt, ...)
{
	va_list ap;

	flockfile(stdout);
	printf("BUDDY-TEST: %s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	funlockfile(stdout);
	if (!ok)
		__atomic_fetch_add(&nr_failed, 1, __ATOMIC_RELAXED);
}

/* The ioctl's errno, or 0 on success. */
static inline int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * Everything @fd reads from where it is to the end, NUL-terminated,
 * malloc()ed; NULL if a read fails or memory runs out.
 */
static inline char *read_all(int fd)
{
	size_t len = 0, size = 1 << 16;
	char *buf = malloc(size), *more;
	ssize_t n;

	while (buf && (n = read(fd, buf + len, size - len - 1)) != 0) {
		if (n < 0) {
			free(buf);
			return NULL;
		}
		len += n;
		if (size - len < 2) {
			size *= 2;
			more = realloc(buf, size);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* A whole file, as read_all(); NULL if it cannot be read. */
static inline char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *text;

	if (fd < 0)
		return NULL;
	text = read_all(fd);
	close(fd);
	return text;
}

/* The value of "KEY value" in the text of the stats file, or -1. */
static inline long long e2e_stat(const char *stats, const char *key)
{
	size_t len = strlen(key);
	const char *p;

	for (p = stats; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoll(p + len, NULL, 10);
	return -1;
}

/* splitmix64: a seed reproduces every draw, on any machine. */
static inline unsigned long long e2e_rand(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A draw below @n (> 0). */
static inline unsigned long long e2e_below(unsigned long long *state,
					   unsigned long long n)
{
	return e2e_rand(state) % n;
}

/*
 * The pool's own account, as debugfs gives it: check is "ok", stats' totals
 * add up, and the allocations listing has stats' count of lines and pages.
 * Meant for a quiet pool (nothing else changing it).  Reports as @who;
 * returns how many of its checks failed.
 */
static inline int e2e_audit(const char *who)
{
	char *check = read_file(E2E_DBG "check");
	char *stats = read_file(E2E_DBG "stats");
	char *allocs = read_file(E2E_DBG "allocations");
	long long lines = 0, pages = 0, total, free_, held, nr;
	const char *p;
	int before = nr_failed;

	result(check && !strcmp(check, "ok\n"), "%s: check says %.*s", who,
	       check ? (int)strcspn(check, "\n") : 12,
	       check ? check : "(unreadable)");
	if (!stats || !allocs) {
		result(0, "%s: stats or allocations unreadable", who);
		goto out;
	}
	/* The first " pages=" of a line: comm, last, is the process's. */
	for (p = allocs; *p; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n'), *q = strstr(p, " pages=");

		if (!nl)
			break;
		lines++;
		if (q && q < nl)
			pages += strtoll(q + 7, NULL, 10);
	}
	total = e2e_stat(stats, "pages_total");
	free_ = e2e_stat(stats, "pages_free");
	held = e2e_stat(stats, "pages_allocated");
	nr = e2e_stat(stats, "allocations");
	result(total > 0 && free_ + held == total,
	       "%s: pages_free %lld + pages_allocated %lld = pages_total %lld",
	       who, free_, held, total);
	result(nr == lines && held == pages,
	       "%s: stats say %lld allocations of %lld pages, allocations lists %lld of %lld",
	       who, nr, held, lines, pages);
out:
	free(check);
	free(stats);
	free(allocs);
	return nr_failed - before;
}

#endif /* _BUDDY_E2E_H */
