/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_args.h - the numbers buddy_bench and buddy_floor take on their
 * command lines: whole, unsigned, in range, or refused.  strtoul() alone
 * took "-1" as 2^64 - 1 (buddy_bench sized its arrays from it and crashed;
 * buddy_floor ran for ever) and "3x" as 3.
 */
#ifndef _BUDDY_BENCH_ARGS_H
#define _BUDDY_BENCH_ARGS_H

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

/*
 * @s as a number from @min to @max (decimal, or 0x hex) in @v; false, and
 * @v untouched, if it is anything else.
 */
static inline bool bench_number(const char *s, unsigned long min,
				unsigned long max, unsigned long *v)
{
	unsigned long n;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || n < min || n > max)
		return false;
	*v = n;
	return true;
}

#endif /* _BUDDY_BENCH_ARGS_H */
