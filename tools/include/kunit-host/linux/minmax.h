/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/minmax.h for kunit/buddy_core_test.c on the host.  min() and max()
 * compare in the type the two values promote to, without the kernel's
 * compile-time check that their signs agree (the kernel build makes it).
 */
#ifndef _BUDDY_KUNIT_HOST_MINMAX_H
#define _BUDDY_KUNIT_HOST_MINMAX_H

#define min(a, b)							\
	({ __auto_type __x = (a); __auto_type __y = (b); __x < __y ? __x : __y; })
#define max(a, b)							\
	({ __auto_type __x = (a); __auto_type __y = (b); __x > __y ? __x : __y; })
#define min_t(type, a, b)						\
	({ type __x = (a), __y = (b); __x < __y ? __x : __y; })
#define max_t(type, a, b)						\
	({ type __x = (a), __y = (b); __x > __y ? __x : __y; })

#endif /* _BUDDY_KUNIT_HOST_MINMAX_H */
