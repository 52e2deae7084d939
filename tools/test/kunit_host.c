// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_host.c - run a KUnit suite in user space (tools/include/kunit/test.h)
 *
 * Runs every case of the suites that the file built with it declares, each
 * parameter of a parameterised case in turn, and prints "ok" or "not ok"
 * per case, the failed parameters by their description, then "N cases, N
 * runs, N failed"; the exit status is 1 if any failed.  -v prints every
 * run.  A failed assertion leaves its run (longjmp() back to the loop), and
 * each run's resources are freed after it, the newest first, as KUnit
 * does; LeakSanitizer then finds whatever a case leaked past them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <kunit/test.h>

extern struct kunit_suite *const kunit_host_suites[];

static const char *current;	/* the suite.case[param] that runs */

/* One resource of a run: what it holds, and how to let it go. */
struct kunit_host_resource {
	struct kunit_resource res;
	kunit_resource_free_t free;	/* NULL: res.data is ours to free() */
	struct kunit_host_resource *next;
};

static struct kunit_host_resource *resource_add(struct kunit *test)
{
	struct kunit_host_resource *r = calloc(1, sizeof(*r));

	if (r) {
		r->next = test->resources;
		test->resources = r;
	}
	return r;
}

void *kunit_alloc_resource(struct kunit *test, kunit_resource_init_t init,
			   kunit_resource_free_t free_fn, int gfp, void *context)
{
	struct kunit_host_resource *r = resource_add(test);

	(void)gfp;
	if (!r)
		return NULL;
	r->free = free_fn;
	if (init(&r->res, context)) {
		test->resources = r->next;
		free(r);
		return NULL;
	}
	return r->res.data;
}

/* Zeroed whatever @gfp says: the core's metadata wants it so anyway. */
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, int gfp)
{
	struct kunit_host_resource *r;
	void *p;

	(void)gfp;
	p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		return NULL;
	r = resource_add(test);
	if (!r) {
		free(p);
		return NULL;
	}
	r->res.data = p;
	return p;
}

static void resources_free(struct kunit *test)
{
	while (test->resources) {
		struct kunit_host_resource *r = test->resources;

		test->resources = r->next;
		if (r->free)
			r->free(&r->res);
		else
			free(r->res.data);
		free(r);
	}
}

void kunit_host_abort(struct kunit *test)
{
	fprintf(stderr, "    # %s: ASSERTION FAILED: the run stops here\n",
		current);
	test->failed = true;
	longjmp(*(jmp_buf *)test->abort, 1);
}

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

/*
 * One run of @c, its resources freed after it.  A function of its own so
 * that nothing setjmp() returns to changes after it: @test is the caller's.
 */
static void run_one(const struct kunit_case *c, struct kunit *test)
{
	jmp_buf abort;

	test->abort = &abort;
	if (!setjmp(abort))
		c->run_case(test);
	test->abort = NULL;
	resources_free(test);
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
				run_one(c, &test);
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
