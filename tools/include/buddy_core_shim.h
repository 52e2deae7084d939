/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel names buddy_core.c uses, on top of libc
 *
 * Keep this tiny: every name here is a place where user-space tests could
 * drift from the kernel build.  The VM tests are the truth.
 */
#ifndef _BUDDY_CORE_SHIM_H
#define _BUDDY_CORE_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef unsigned long long u64;

#define BITS_PER_LONG		(__SIZEOF_LONG__ * 8)
#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BITS_TO_LONGS(nr)	(((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* __always_inline comes from glibc's <sys/cdefs.h>, as in the kernel. */
#define noinline		__attribute__((__noinline__))

/* As the kernel's <linux/compiler.h>: gcc forgets where @var came from. */
#define OPTIMIZER_HIDE_VAR(var)	({ __asm__ ("" : "=r" (var) : "0" (var)); })

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

/*
 * Index of the lowest set bit; undefined for 0, as in the kernel.  On
 * x86-64 the kernel's own asm (arch/x86/include/asm/bitops.h): a word-wide
 * result, where __builtin_ctzl()'s int costs a sign extension per call.
 * Sanitised builds keep the builtin, so that UBSan still catches a 0.
 */
static inline unsigned long __ffs(unsigned long word)
{
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
	asm("rep; bsf %1,%0" : "=r" (word) : "rm" (word));
	return word;
#else
	return __builtin_ctzl(word);
#endif
}

static inline unsigned int __ffs64(unsigned long long word)
{
	return __builtin_ctzll(word);
}

static inline unsigned int hweight_long(unsigned long w)
{
	return __builtin_popcountl(w);
}

static inline unsigned long long div64_u64(unsigned long long dividend,
					   unsigned long long divisor)
{
	return dividend / divisor;
}

#endif /* _BUDDY_CORE_SHIM_H */
