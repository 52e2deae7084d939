// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - runs the user-space tests of buddy_core.c and buddy_pool.c
 *
 * Usage: buddy_test [-v] [-s SEED] [-x TEST]... [TEST...] | buddy_test -l
 * With no TEST, runs them all; -l lists their names, one per line (the
 * lab's grader runs each in a process of its own); -x skips a test (make
 * check's short run of the 32-bit build skips the longest).  Ends with
 * "N tests run, N passed, N failed." and exits non-zero if any failed, as
 * tools/testing/vma does.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buddy_harness.h"
#include "buddy_test.h"

bool test_verbose;
uint64_t test_seed = 0x6275646479ULL;	/* "buddy" */

static const struct {
	const struct buddy_test *tests;
	const unsigned int *nr_tests;
} suites[] = {
	{ buddy_unit_tests, &nr_buddy_unit_tests },
	{ buddy_diff_tests, &nr_buddy_diff_tests },
	{ buddy_pool_tests, &nr_buddy_pool_tests },
	{ buddy_view_tests, &nr_buddy_view_tests },
};

#define NR_SUITES ARRAY_SIZE(suites)

/* The names given to -x, room for more than there are tests. */
static const char *skipped[64];
static unsigned int nr_skipped;

static bool selected(const char *name, int argc, char **argv)
{
	unsigned int k;
	int i;

	for (k = 0; k < nr_skipped; k++)
		if (!strcmp(skipped[k], name))
			return false;
	if (!argc)
		return true;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static bool known(const char *name)
{
	unsigned int s, i;

	for (s = 0; s < NR_SUITES; s++)
		for (i = 0; i < *suites[s].nr_tests; i++)
			if (!strcmp(suites[s].tests[i].name, name))
				return true;
	return false;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) +
	       (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void print_usage(const char *prog)
{
	unsigned int s, i;

	fprintf(stderr, "usage: %s [-v] [-s SEED] [-x TEST]... [TEST...] | %s -l\ntests:",
		prog, prog);
	for (s = 0; s < NR_SUITES; s++)
		for (i = 0; i < *suites[s].nr_tests; i++)
			fprintf(stderr, " %s", suites[s].tests[i].name);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	int num_tests = 0, num_fail = 0, opt;
	unsigned int s, i;

	while ((opt = getopt(argc, argv, "vs:x:lh")) != -1) {
		switch (opt) {
		case 'l':
			for (s = 0; s < NR_SUITES; s++)
				for (i = 0; i < *suites[s].nr_tests; i++)
					puts(suites[s].tests[i].name);
			return EXIT_SUCCESS;
		case 'v':
			test_verbose = true;
			break;
		case 's':
			test_seed = strtoull(optarg, NULL, 0);
			break;
		case 'x':
			if (!known(optarg)) {
				fprintf(stderr, "buddy_test: -x %s: no such test\n",
					optarg);
				return EXIT_FAILURE;
			}
			if (nr_skipped == ARRAY_SIZE(skipped)) {
				fprintf(stderr, "buddy_test: more than %zu -x\n",
					ARRAY_SIZE(skipped));
				return EXIT_FAILURE;
			}
			skipped[nr_skipped++] = optarg;
			break;
		default:
			print_usage(argv[0]);
			return opt == 'h' ? EXIT_SUCCESS : EXIT_FAILURE;
		}
	}
	argc -= optind;
	argv += optind;

	for (s = 0; s < NR_SUITES; s++) {
		for (i = 0; i < *suites[s].nr_tests; i++) {
			const struct buddy_test *test = &suites[s].tests[i];
			struct timespec start;
			bool ok;

			if (!selected(test->name, argc, argv))
				continue;
			clock_gettime(CLOCK_MONOTONIC, &start);
			num_tests++;
			ok = test->run();
			if (!ok) {
				num_fail++;
				fprintf(stderr, "Test %s FAILED\n", test->name);
			}
			if (test_verbose)
				printf("%-4s %-36s %8.3f s\n", ok ? "ok" : "FAIL",
				       test->name, seconds_since(&start));
		}
	}
	if (!num_tests) {
		print_usage("buddy_test");
		return EXIT_FAILURE;
	}

	printf("%d tests run, %d passed, %d failed.\n",
	       num_tests, num_tests - num_fail, num_fail);

	return num_fail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
