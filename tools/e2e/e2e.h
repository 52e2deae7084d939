/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e2e.h - what the guest-side test programs share: marked result lines
 * ("BUDDY-TEST: PASS|FAIL name", so kernel noise on the console cannot be
 * mistaken for one), the ioctl errno, whole files.  Each program is one .c
 * file that includes this.
 */
#ifndef _BUDDY_E2E_H
#define _BUDDY_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int nr_failed;

static inline __attribute__((format(printf, 2, 3)))
void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("BUDDY-TEST: %s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		nr_failed++;
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

#endif /* _BUDDY_E2E_H */
