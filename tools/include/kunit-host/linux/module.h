/* SPDX-License-Identifier: GPL-2.0 */
/*
 * linux/module.h for kunit/'s suites on the host: a program, not a module,
 * so the module's tags are kept as strings that nothing reads.
 */
#ifndef _BUDDY_KUNIT_HOST_MODULE_H
#define _BUDDY_KUNIT_HOST_MODULE_H

#define MODULE_DESCRIPTION(text)					\
	static const char kunit_host_description[] __attribute__((unused)) = text
#define MODULE_LICENSE(text)						\
	static const char kunit_host_license[] __attribute__((unused)) = text

#endif /* _BUDDY_KUNIT_HOST_MODULE_H */
