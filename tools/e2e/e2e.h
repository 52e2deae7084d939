/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e2e.h - what the guest-side test programs share: marked result lines
 * ("BUDDY-TEST: PASS|FAIL name", so kernel noise on the console cannot be
 * mistaken for one) and the ioctl errno.  Each program is one .c file that
 * includes this.
 */
#ifndef _BUDDY_E2E_H
#define _BUDDY_E2E_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>

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

#endif /* _BUDDY_E2E_H */
