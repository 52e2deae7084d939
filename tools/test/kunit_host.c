// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_host.c - run a KUnit suite in user space (tools/include/kunit/test.h)
 *
 * Runs every case of the suites that the file built with it declares, each
 * parameter of a parameterised case in turn, and prints "ok" or "not ok"
 * per case, the failed parameters by their description, then "N cases, N
 * runs, N failed"; the exit status is 1 if any failed.  -v prints every
 * run.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <kunit/test.h>

extern struct kunit_suite *const kunit_host_suites[];

static const char *current;	/* the suite.case[param] that runs */

void kunit_host_fail(struct kunit *test, const char *file, int line,
		     const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "    # %s: %s:%d: EXPECTATION FAILED: %s; ", current,
		file, line, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	test->failed = true;
}

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");
	unsigned int cases = 0, runs = 0, failed = 0;
	struct kunit_suite *const *suite;

	if (argc > 1 && !verbose) {
		fprintf(stderr, "usage: %s [-v]\n", argv[0]);
		return 2;
	}
	for (suite = kunit_host_suites; *suite; suite++) {
		struct kunit_case *c;

		for (c = (*suite)->test_cases; c->run_case; c++) {
			const void *param = NULL;
			bool run_failed = false;
			const char *verdict;
			char name[256];

			cases++;
			do {
				char desc[KUNIT_PARAM_DESC_SIZE] = "";
				struct kunit test = { };

				if (c->generate_params) {
					param = c->generate_params(param, desc);
					if (!param)
						break;
				}
				test.param_value = param;
				snprintf(name, sizeof(name), "%s.%s%s%s%s",
					 (*suite)->name, c->name,
					 *desc ? "[" : "", desc, *desc ? "]" : "");
				current = name;
				c->run_case(&test);
				runs++;
				run_failed |= test.failed;
				if (verbose || test.failed)
					printf("    %s %s\n",
					       test.failed ? "not ok" : "ok", name);
			} while (c->generate_params);
			failed += run_failed;
			verdict = run_failed ? "not ok" : "ok";
			printf("%s %s.%s\n", verdict, (*suite)->name, c->name);
		}
	}
	printf("%u cases, %u runs, %u failed\n", cases, runs, failed);
	return failed ? 1 : 0;
}
