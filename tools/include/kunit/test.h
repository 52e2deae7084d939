/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kunit/test.h - the part of KUnit that kunit/buddy_cmd_test.c uses, for
 * the host: tools/test/kunit_host.c runs that suite unchanged, in user
 * space, beside the tests of tools/test (under ASan and UBSan, on 32-bit
 * and arm64 too, and under scripts/mutate.py).  The kernel's KUnit runs it
 * in the debug kernel, as before.
 *
 * An expectation that fails prints where and why, and marks the case
 * failed; an assertion also returns from the function it is in (KUnit
 * leaves the whole case; here the case goes on, and fails all the same).
 */
#ifndef _BUDDY_KUNIT_HOST_H
#define _BUDDY_KUNIT_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define KUNIT_PARAM_DESC_SIZE	128

/* What the kernel's headers that KUnit pulls in give the suite. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct kunit {
	const void *param_value;	/* this run's parameter, or NULL */
	bool failed;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

void kunit_host_fail(struct kunit *test, const char *file, int line,
		     const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Both values as long long: KUnit's own prints them in their types. */
#define KUNIT_HOST_CMP(test, a, op, b, fmt, ...)				\
	({								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		bool __ok = __a op __b;					\
		if (!__ok)						\
			kunit_host_fail(test, __FILE__, __LINE__,	\
					#a " " #op " " #b, "%lld vs %lld; " fmt, \
					__a, __b, ##__VA_ARGS__);	\
		__ok;							\
	})

#define KUNIT_HOST_TRUE(test, cond, fmt, ...)				\
	({								\
		bool __ok = (cond);					\
		if (!__ok)						\
			kunit_host_fail(test, __FILE__, __LINE__, #cond, \
					fmt, ##__VA_ARGS__);		\
		__ok;							\
	})

#define KUNIT_EXPECT_EQ_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_CMP(test, a, ==, b, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_NE_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_CMP(test, a, !=, b, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_EQ(test, a, b)	KUNIT_EXPECT_EQ_MSG(test, a, b, "%s", "")
#define KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ...)			\
	((void)KUNIT_HOST_TRUE(test, cond, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_TRUE(test, cond)					\
	KUNIT_EXPECT_TRUE_MSG(test, cond, "%s", "")
#define KUNIT_EXPECT_FALSE(test, cond)					\
	KUNIT_EXPECT_TRUE_MSG(test, !(cond), "%s", "")
#define KUNIT_EXPECT_STREQ_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_TRUE(test, !strcmp((a), (b)), "\"%s\" vs \"%s\"; " \
			       fmt, (a), (b), ##__VA_ARGS__))
#define KUNIT_ASSERT_EQ_MSG(test, a, b, fmt, ...)			\
	do {								\
		if (!KUNIT_HOST_CMP(test, a, ==, b, fmt, ##__VA_ARGS__)) \
			return;						\
	} while (0)

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen)					\
	{ .run_case = fn, .name = #fn, .generate_params = gen }

/* As the kernel's: the array's elements in turn, each described. */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		__auto_type __next = prev ?				\
			(typeof(&(array)[0]))prev + 1 : &(array)[0];	\
		void (*__get_desc)(typeof(__next), char *) = get_desc;	\
									\
		if (__next - (array) >= (long)(sizeof(array) /		\
					       sizeof((array)[0])))	\
			return NULL;					\
		if (__get_desc)						\
			__get_desc(__next, desc);			\
		return __next;						\
	}

/* The suites of the one file built with this header, for kunit_host.c. */
#define kunit_test_suites(...)						\
	struct kunit_suite *const kunit_host_suites[] = { __VA_ARGS__, NULL }

#endif /* _BUDDY_KUNIT_HOST_H */
