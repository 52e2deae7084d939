/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddy_test.h - the assertions and the test table of the user-space tests
 *
 * As in tools/testing/vma: a test is a function returning bool, and an
 * assertion that fails prints where and returns false from it.
 */
#ifndef _BUDDY_TEST_H
#define _BUDDY_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define ASSERT_TRUE(_expr)						\
	do {								\
		if (!(_expr)) {						\
			fprintf(stderr,					\
				"Assert FAILED at %s:%d:%s(): %s is FALSE.\n", \
				__FILE__, __LINE__, __func__, #_expr);	\
			return false;					\
		}							\
	} while (0)
#define ASSERT_FALSE(_expr) ASSERT_TRUE(!(_expr))

/* Prints both values: most of ours are frame numbers and errnos. */
#define ASSERT_EQ(_val1, _val2)						\
	do {								\
		long long __v1 = (long long)(_val1);			\
		long long __v2 = (long long)(_val2);			\
		if (__v1 != __v2) {					\
			fprintf(stderr,					\
				"Assert FAILED at %s:%d:%s(): %s == %s: %lld != %lld.\n", \
				__FILE__, __LINE__, __func__, #_val1,	\
				#_val2, __v1, __v2);			\
			return false;					\
		}							\
	} while (0)
#define ASSERT_NE(_val1, _val2) ASSERT_TRUE((_val1) != (_val2))

struct buddy_test {
	const char *name;
	bool (*run)(void);
};

#define BUDDY_TEST(_name) { #_name, test_##_name }

extern const struct buddy_test buddy_unit_tests[];
extern const unsigned int nr_buddy_unit_tests;
extern const struct buddy_test buddy_diff_tests[];
extern const unsigned int nr_buddy_diff_tests;
extern const struct buddy_test buddy_pool_tests[];
extern const unsigned int nr_buddy_pool_tests;
extern const struct buddy_test buddy_view_tests[];
extern const unsigned int nr_buddy_view_tests;

/* Set by the runner: -v prints details, -s SEED reseeds random tests. */
extern bool test_verbose;
extern uint64_t test_seed;

#endif /* _BUDDY_TEST_H */
