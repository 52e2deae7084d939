/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kunit/test.h - the part of KUnit that kunit/'s suites use, for the host:
 * tools/test/kunit_host.c runs kunit/buddy_cmd_test.c and
 * kunit/buddy_core_test.c unchanged, in user space, beside the tests of
 * tools/test (under ASan and UBSan, on 32-bit and arm64 too, and under
 * scripts/mutate.py).  The kernel's KUnit runs them in the debug kernel, as
 * before.
 *
 * As in KUnit: an expectation that fails prints where and why and marks
 * the run failed; an assertion that fails also leaves the whole run
 * (kunit_host.c longjmp()s back to where it started it); what
 * kunit_kmalloc() and kunit_alloc_resource() gave is freed when the run
 * ends, either way, the last first.
 */
#ifndef _BUDDY_KUNIT_HOST_H
#define _BUDDY_KUNIT_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define KUNIT_PARAM_DESC_SIZE	128

/* What the kernel's headers that KUnit pulls in give the suites. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
/* <linux/log2.h>'s, for the values the suites give it: not 0. */
#define ilog2(n)	((int)(sizeof(long) * CHAR_BIT - 1) - __builtin_clzl(n))

struct kunit_host_resource;

struct kunit {
	const void *param_value;	/* this run's parameter, or NULL */
	bool failed;
	void *abort;			/* kunit_host.c's jmp_buf, or NULL */
	struct kunit_host_resource *resources;	/* the newest first */
};

enum kunit_speed { KUNIT_SPEED_UNSET, KUNIT_SPEED_VERY_SLOW, KUNIT_SPEED_SLOW,
		   KUNIT_SPEED_NORMAL };

struct kunit_attributes {
	enum kunit_speed speed;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	struct kunit_attributes attr;	/* kept, not acted on: all run */
};

/* What kunit_alloc_resource() hands init() and free(). */
struct kunit_resource {
	void *data;
};

typedef int (*kunit_resource_init_t)(struct kunit_resource *res, void *ctx);
typedef void (*kunit_resource_free_t)(struct kunit_resource *res);

void *kunit_alloc_resource(struct kunit *test, kunit_resource_init_t init,
			   kunit_resource_free_t free, int gfp, void *context);
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, int gfp);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, int gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

/* kunit_host.c's memory is zeroed whatever the flags say. */
static inline void *kunit_kzalloc(struct kunit *test, size_t size, int gfp)
{
	return kunit_kmalloc(test, size, gfp);
}

/* Leaves the run: back to kunit_host.c, which frees its resources. */
void kunit_host_abort(struct kunit *test) __attribute__((noreturn));

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

void kunit_host_fail(struct kunit *test, const char *file, int line,
		     const char *what, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Both values compared in a type that holds either exactly (long long
 * would turn an unsigned long past LLONG_MAX negative on 64-bit), and
 * printed as long long: KUnit's own prints them in their types.
 */
#ifdef __SIZEOF_INT128__
#define KUNIT_HOST_CMP_T	__int128
#else
#define KUNIT_HOST_CMP_T	long long	/* 32-bit: a long fits */
#endif

#define KUNIT_HOST_CMP(test, a, op, b, fmt, ...)				\
	({								\
		KUNIT_HOST_CMP_T __a = (KUNIT_HOST_CMP_T)(a);		\
		KUNIT_HOST_CMP_T __b = (KUNIT_HOST_CMP_T)(b);		\
		bool __ok = __a op __b;					\
		if (!__ok)						\
			kunit_host_fail(test, __FILE__, __LINE__,	\
					#a " " #op " " #b, "%lld vs %lld; " fmt, \
					(long long)__a, (long long)__b,	\
					##__VA_ARGS__);			\
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

/* The first byte at which @a and @b differ, and both bytes, when they do. */
#define KUNIT_HOST_MEMEQ(test, a, b, size, fmt, ...)			\
	({								\
		const unsigned char *__a = (const void *)(a);		\
		const unsigned char *__b = (const void *)(b);		\
		size_t __n = (size), __i = 0;				\
									\
		while (__i < __n && __a[__i] == __b[__i])		\
			__i++;						\
		if (__i < __n)						\
			kunit_host_fail(test, __FILE__, __LINE__,	\
					"memcmp(" #a ", " #b ", " #size ") == 0", \
					"byte %zu of %zu: 0x%02x vs 0x%02x; " fmt, \
					__i, __n, __a[__i], __b[__i],	\
					##__VA_ARGS__);			\
		__i == __n;						\
	})

/* An assertion: its expectation, and out of the run if it failed. */
#define KUNIT_HOST_ASSERT(test, ok)					\
	do {								\
		if (!(ok))						\
			kunit_host_abort(test);				\
	} while (0)

#define KUNIT_EXPECT_EQ_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_CMP(test, a, ==, b, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_NE_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_CMP(test, a, !=, b, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_EQ(test, a, b)	KUNIT_EXPECT_EQ_MSG(test, a, b, "%s", "")
#define KUNIT_EXPECT_NE(test, a, b)	KUNIT_EXPECT_NE_MSG(test, a, b, "%s", "")
#define KUNIT_EXPECT_LT(test, a, b)					\
	((void)KUNIT_HOST_CMP(test, a, <, b, "%s", ""))
#define KUNIT_EXPECT_LE(test, a, b)					\
	((void)KUNIT_HOST_CMP(test, a, <=, b, "%s", ""))
#define KUNIT_EXPECT_GT(test, a, b)					\
	((void)KUNIT_HOST_CMP(test, a, >, b, "%s", ""))
#define KUNIT_EXPECT_GE(test, a, b)					\
	((void)KUNIT_HOST_CMP(test, a, >=, b, "%s", ""))
#define KUNIT_EXPECT_TRUE_MSG(test, cond, fmt, ...)			\
	((void)KUNIT_HOST_TRUE(test, cond, fmt, ##__VA_ARGS__))
#define KUNIT_EXPECT_TRUE(test, cond)					\
	KUNIT_EXPECT_TRUE_MSG(test, cond, "%s", "")
#define KUNIT_EXPECT_FALSE(test, cond)					\
	KUNIT_EXPECT_TRUE_MSG(test, !(cond), "%s", "")
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, fmt, ...)			\
	KUNIT_EXPECT_TRUE_MSG(test, (p) != NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(test, a, b, fmt, ...)			\
	((void)KUNIT_HOST_TRUE(test, !strcmp((a), (b)), "\"%s\" vs \"%s\"; " \
			       fmt, (a), (b), ##__VA_ARGS__))
#define KUNIT_EXPECT_MEMEQ(test, a, b, size)				\
	((void)KUNIT_HOST_MEMEQ(test, a, b, size, "%s", ""))
#define KUNIT_FAIL(test, fmt, ...)					\
	kunit_host_fail(test, __FILE__, __LINE__, "KUNIT_FAIL", fmt,	\
			##__VA_ARGS__)
#define KUNIT_FAIL_AND_ABORT(test, fmt, ...)				\
	do {								\
		KUNIT_FAIL(test, fmt, ##__VA_ARGS__);			\
		kunit_host_abort(test);					\
	} while (0)

#define KUNIT_ASSERT_EQ_MSG(test, a, b, fmt, ...)			\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_CMP(test, a, ==, b, fmt,	\
					       ##__VA_ARGS__))
#define KUNIT_ASSERT_GT_MSG(test, a, b, fmt, ...)			\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_CMP(test, a, >, b, fmt,	\
					       ##__VA_ARGS__))
#define KUNIT_ASSERT_GE_MSG(test, a, b, fmt, ...)			\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_CMP(test, a, >=, b, fmt,	\
					       ##__VA_ARGS__))
#define KUNIT_ASSERT_EQ(test, a, b)	KUNIT_ASSERT_EQ_MSG(test, a, b, "%s", "")
#define KUNIT_ASSERT_GT(test, a, b)	KUNIT_ASSERT_GT_MSG(test, a, b, "%s", "")
#define KUNIT_ASSERT_GE(test, a, b)	KUNIT_ASSERT_GE_MSG(test, a, b, "%s", "")
#define KUNIT_ASSERT_LT(test, a, b)					\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_CMP(test, a, <, b, "%s", ""))
#define KUNIT_ASSERT_LE(test, a, b)					\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_CMP(test, a, <=, b, "%s", ""))
#define KUNIT_ASSERT_TRUE(test, cond)					\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_TRUE(test, cond, "%s", ""))
#define KUNIT_ASSERT_NOT_NULL(test, p)					\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_TRUE(test, (p) != NULL, "%s", ""))
#define KUNIT_ASSERT_MEMEQ_MSG(test, a, b, size, fmt, ...)		\
	KUNIT_HOST_ASSERT(test, KUNIT_HOST_MEMEQ(test, a, b, size, fmt,	\
						 ##__VA_ARGS__))
#define KUNIT_ASSERT_MEMEQ(test, a, b, size)				\
	KUNIT_ASSERT_MEMEQ_MSG(test, a, b, size, "%s", "")

#define KUNIT_CASE(fn)			{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn)						\
	{ .run_case = fn, .name = #fn, .attr.speed = KUNIT_SPEED_SLOW }
#define KUNIT_CASE_PARAM(fn, gen)					\
	{ .run_case = fn, .name = #fn, .generate_params = gen }
#define KUNIT_CASE_PARAM_ATTR(fn, gen, attributes)			\
	{ .run_case = fn, .name = #fn, .generate_params = gen,		\
	  .attr = attributes }

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
