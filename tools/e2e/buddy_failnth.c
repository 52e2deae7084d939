// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_failnth - every allocation of an operation fails in turn
 *
 * For each operation on buddy.ko (insmod, each kind of control command,
 * the open of every file, the read of every view, each ioctl, mmap of a
 * block, the close of a file holding blocks) and for N = 1, 2, ...: /proc/thread-self/fail-nth
 * makes the Nth fault-injection point of that one syscall fail (a slab or
 * page allocation), until a run completes with the Nth not reached.
 * Then again, with every allocation after the Nth failing too (the task's
 * make-it-fail), so that where the kernel absorbs the first failure (a
 * retry, a fallback on another allocation) the fallback fails as well.
 * After every run:
 *
 *   failed     the errno is ENOMEM, and everything the module shows (tree,
 *              buddyinfo, the vmstat indices, stats with every counter,
 *              allocations, the last result) is as before, and check says
 *              ok; a failed insmod leaves no module, no /dev/buddy, no
 *              debugfs directory
 *   succeeded  the result is that of a run with nothing injected, to the
 *              byte (ages and /dev/buddy file numbers aside), and the
 *              counters moved by as much
 *
 * Which allocations count: for insmod, those made with module code on the
 * stack (the fault-injection stack filter, up to 32 frames deep, set to
 * the module area): buddy_init()'s and the kernel's on its behalf, not
 * the few hundred of load_module() itself; for everything else, every
 * allocation of the syscall, the kernel's around the module's callbacks
 * included.  Never kmemleak's own record of an allocation (a reject
 * range): it falls back on an emergency pool, so it only doubled the
 * points and never failed anything.
 *
 * Only this task fails anything.  fail-nth counts the task's own
 * allocations, so the program locks its memory first: a page fault of
 * its own must not be the one that fails.  Needs CONFIG_FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS and
 * FAULT_INJECTION_STACKTRACE_FILTER.  Sets the fault-injection
 * attributes itself.  A buddy.ko already loaded (by hand, by a run with
 * -k or one that died) is unloaded first; at the end buddy.ko is unloaded
 * too, so that a run can follow a run.  The kmemleak scan after rmmod is
 * the caller's.
 *
 * Usage: buddy_failnth [-1] [-k] [-v] [-m KO] [OP...]
 *	-1	each point fails alone only, not again with all after it: the
 *		short run of make check (scripts/e2e/all.sh), half the time
 *	-k	keep buddy.ko loaded at the end, its pool reset: for the
 *		runner's rmmod (scripts/e2e/faults.sh), or a look around
 *	-v	a line per injection point; twice: and the kernel logs the
 *		stack of each failure it injects (fault-injection verbose=2;
 *		for debugging: the stack dumps fail the log scan)
 *	-m KO	the module (default /lib/buddy/buddy.ko)
 *	-h, --help  the usage and the names of the operations
 *	OP	run only the operations whose names start with OP, an exact
 *		name or its first words ("insmod", "control: reset", "read",
 *		"ioctl INFO", ...); --help lists the names.  An OP that
 *		starts no name is an error (exit 2).
 * Prints a "BUDDY-TEST: PASS|FAIL name" line per operation with its counts
 * of injection points; exits 1 on a failure, 2 if the test could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/buddy.h>

#include "e2e.h"

#define FI		"/sys/kernel/debug/"
#define DBG		FI "buddy/"
#define DEV		"/dev/" BUDDY_DEV_NAME
#define PARAMS		"pages=256"
/* More injection points than any one syscall here has. */
#define MAX_POINTS	5000
/* x86_64: modules live above the kernel image, below MODULES_END. */
#define MODULES_END	"0xffffffffff000000"

/* Every file of the module's debugfs directory. */
static const char *const files[] = {
	"control", "tree", "buddyinfo", "unusable_index", "extfrag_index",
	"stats", "allocations", "check", "events", "bitmaps", "map",
	"compare",
};

/*
 * What a run is compared by: the pool's state and its last result (a
 * fresh control file shows it).  The other views are drawn from the same
 * core state as tree and buddyinfo.
 */
static const char *const shown[] = {
	"control", "tree", "buddyinfo", "stats", "allocations", "check",
	"events",
};

enum { CONTROL, TREE, BUDDYINFO, STATS, ALLOCATIONS, CHECK, EVENTS };

static int fail_nth = -1;
static int verbose;
static char *image;		/* buddy.ko */
static size_t image_len;

/* A failure of the test itself; @err, an errno, says why if not 0. */
static void __attribute__((noreturn)) die_err(int err, const char *what)
{
	printf("BUDDY-TEST: FAIL %s%s%s\n", what, err ? ": " : "",
	       err ? strerror(err) : "");
	exit(2);
}

/* A syscall or libc call failed with errno (if it set one). */
static void __attribute__((noreturn)) die(const char *what)
{
	die_err(errno, what);
}

/* === Injection === */

/* How a run fails its Nth injection point. */
enum pass {
	ALONE,		/* the Nth allocation fails, the others succeed */
	ONWARD,		/* the Nth fails, and so does every one after it */
};

static const char *const pass_name[] = {
	[ALONE] = "each alone",
	[ONWARD] = "each with all after it",
};

static enum pass pass;
/* -1: the ALONE pass only (make check's short run). */
static bool alone_only;
static int make_it_fail = -1;

static void write_knob(int fd, const char *val, const char *what)
{
	ssize_t len = strlen(val);

	errno = 0;		/* a short write sets none */
	if (pwrite(fd, val, len, 0) != len)
		die(what);
}

/*
 * The @n-th fault-injection point from now on, of this thread, fails;
 * ONWARD: after it, the task's make-it-fail fails all the others (the
 * attributes' probability is 100 for tasks that have it).
 */
static void fail_at(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pass == ONWARD)
		write_knob(make_it_fail, "1", "make-it-fail");
	write_knob(fail_nth, buf, "fail-nth");
}

/* Stops injecting; says whether the Nth point was reached. */
static bool fail_stop(void)
{
	char buf[16] = "";

	if (pass == ONWARD)
		write_knob(make_it_fail, "0", "make-it-fail");
	errno = 0;
	if (pread(fail_nth, buf, sizeof(buf) - 1, 0) <= 0)
		die("read fail-nth");
	write_knob(fail_nth, "0", "fail-nth");
	return strtoul(buf, NULL, 10) == 0;
}

/* A line in the kernel log (info level), to find a report's place. */
static __attribute__((format(printf, 1, 2)))
void mark_log(const char *fmt, ...)
{
	int fd = open("/dev/kmsg", O_WRONLY), len;
	char buf[160] = "<6>buddy_failnth: ";
	va_list ap;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	len = strlen(buf);
	len += vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	va_end(ap);
	if (write(fd, buf, len) != len)
		perror("/dev/kmsg");
	close(fd);
}

static const char *const fault_attrs[] = { "failslab", "fail_page_alloc" };

static void fi_write(const char *attr, const char *knob, const char *val)
{
	ssize_t len = strlen(val);
	char path[96];
	int fd;

	snprintf(path, sizeof(path), FI "%s/%s", attr, knob);
	errno = 0;
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, len) != len)
		die(path);
	close(fd);
}

/* The first address past the kernel image, where modules may start. */
static char modules_start[32];
/* kmemleak's function that allocates its own record of an allocation. */
static char kmemleak_start[32], kmemleak_end[32];

/* Reads what fi_setup() needs of /proc/kallsyms (sorted by address). */
static void read_symbols(void)
{
	unsigned long long addr, end = 0, start = 0, after = 0;
	FILE *syms = fopen("/proc/kallsyms", "r");
	char line[256], name[128];

	if (!syms)
		die("/proc/kallsyms");
	while (fgets(line, sizeof(line), syms)) {
		if (sscanf(line, "%llx %*s %127s", &addr, name) != 2)
			continue;
		if (start && !after && addr > start)
			after = addr;
		if (!strcmp(name, "__alloc_object"))
			start = addr;
		if (!strcmp(name, "_end"))
			end = addr;
	}
	fclose(syms);
	if (!end)
		die_err(0, "no _end in /proc/kallsyms (kptr_restrict?)");
	snprintf(modules_start, sizeof(modules_start), "%#llx", end);
	if (start && after) {
		snprintf(kmemleak_start, sizeof(kmemleak_start), "%#llx",
			 start);
		snprintf(kmemleak_end, sizeof(kmemleak_end), "%#llx", after);
	}
}

/*
 * Only this task fails anything: through fail-nth, and with make-it-fail
 * set (every time, probability 100).  Every allocation counts, also those
 * that may not sleep, of order 0, of highmem: the defaults skip them.
 * But not kmemleak's record of each slab allocation: half the points,
 * all of them absorbed by its emergency pool, and none the module's.
 */
static void fi_setup(void)
{
	size_t i;

	read_symbols();
	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		fi_write(fault_attrs[i], "task-filter", "Y");
		fi_write(fault_attrs[i], "probability", "100");
		fi_write(fault_attrs[i], "interval", "1");
		fi_write(fault_attrs[i], "times", "-1");
		fi_write(fault_attrs[i], "space", "0");
		fi_write(fault_attrs[i], "verbose", verbose > 1 ? "2" : "0");
		fi_write(fault_attrs[i], "ignore-gfp-wait", "N");
		if (kmemleak_start[0]) {
			fi_write(fault_attrs[i], "reject-start",
				 kmemleak_start);
			fi_write(fault_attrs[i], "reject-end", kmemleak_end);
		}
	}
	fi_write("failslab", "cache-filter", "N");
	fi_write("fail_page_alloc", "ignore-gfp-highmem", "N");
	fi_write("fail_page_alloc", "min-order", "0");
}

/* Back to the kernel's defaults: nothing fails, for anyone. */
static void fi_reset(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		fi_write(fault_attrs[i], "probability", "0");
		fi_write(fault_attrs[i], "task-filter", "N");
		fi_write(fault_attrs[i], "require-start", "0");
		fi_write(fault_attrs[i], "require-end", "0xffffffffffffffff");
		fi_write(fault_attrs[i], "reject-start", "0");
		fi_write(fault_attrs[i], "reject-end", "0");
	}
}

/*
 * What fail-nth counts: the allocations made with module code on the
 * stack (up to stacktrace-depth, 32 frames, from the allocation), or all.
 */
static void fi_scope(bool module_only)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		fi_write(fault_attrs[i], "require-start",
			 module_only ? modules_start : "0");
		fi_write(fault_attrs[i], "require-end",
			 module_only ? MODULES_END : "0xffffffffffffffff");
	}
}

/* === What the module shows === */

/*
 * Everything the module shows of its pool, ages and /dev/buddy file
 * numbers masked: they differ between two runs that did the same.
 */
struct snap {
	char *file[ARRAY_SIZE(shown)];
	char *result;		/* what the caller reads back, if anything */
};

/*
 * Drops the digits after every "age_ms=" and "dev#" of @s, in place, and
 * with @seqs after every "seq=".
 */
static void mask(char *s, bool seqs)
{
	static const char *const keys[] = { "age_ms=", "dev#", "seq=" };
	size_t i, nr = seqs ? 3 : 2;
	char *in = s, *out = s;

	while (*in) {
		for (i = 0; i < nr; i++) {
			size_t len = strlen(keys[i]);

			if (!strncmp(in, keys[i], len)) {
				memmove(out, in, len);
				out += len;
				in += len;
				while (*in >= '0' && *in <= '9')
					in++;
				break;
			}
		}
		if (i == nr)
			*out++ = *in++;
	}
	*out = '\0';
}

static void snap_take(struct snap *s)
{
	char path[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		snprintf(path, sizeof(path), DBG "%s", shown[i]);
		s->file[i] = read_file(path);
		if (!s->file[i])
			die(path);
		mask(s->file[i], false);
	}
	s->result = NULL;
}

static void snap_free(struct snap *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shown); i++)
		free(s->file[i]);
	free(s->result);
	memset(s, 0, sizeof(*s));
}

/* The seq of the last step of an events listing, 0 if none. */
static unsigned long long last_seq(const char *events)
{
	size_t len = strlen(events);
	unsigned long long seq = 0;
	const char *p;

	if (len && events[len - 1] == '\n')
		len--;
	p = events + len;
	while (p > events && p[-1] != '\n')
		p--;
	return sscanf(p, "seq=%llu", &seq) == 1 ? seq : 0;
}

/* The steps of an events listing after @seq, without their seqs. */
static char *events_after(const char *events, unsigned long long seq)
{
	char *out = malloc(strlen(events) + 1), *o = out;
	const char *line, *end, *rest;
	unsigned long long n;

	if (!out)
		die("malloc");
	for (line = events; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		rest = strchr(line, ' ');
		if (sscanf(line, "seq=%llu", &n) == 1 && n > seq && rest &&
		    rest < end) {
			memcpy(o, rest, end - rest);
			o += end - rest;
		}
	}
	*o = '\0';
	return out;
}

/* The value of a "name value" line of stats, or -1. */
static long long stat_in(const char *stats, const char *key)
{
	size_t len = strlen(key);
	const char *p;

	for (p = stats; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	return -1;
}

/* Every stats counter moved from @a0 to @a as from @b0 to @b. */
static bool stats_moved_alike(const char *a, const char *a0, const char *b,
			      const char *b0)
{
	const char *p;
	char key[32];

	for (p = a; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "%31s", key) != 1 ||
		    stat_in(a, key) - stat_in(a0, key) !=
		    stat_in(b, key) - stat_in(b0, key))
			return false;
	return true;
}

/* Says how @what differs, on stdout, the texts cut short. */
static void show_diff(const char *what, const char *was, const char *is)
{
	printf("  %s differs:\n--- was\n%.2000s--- is\n%.2000s---\n", what,
	       was, is);
}

/*
 * A result read back after a success is a clean run's, or its first
 * lines and the mark of a cut (a result buffer that could not grow).
 */
static bool result_alike(const char *a, const char *b)
{
	const char *cut = strstr(a, "truncated lines="), *end;

	if (!strcmp(a, b))
		return true;
	if (!cut || (cut != a && cut[-1] != '\n'))
		return false;
	end = strchr(cut, '\n');
	return end && !end[1] && !strncmp(a, b, cut - a);
}

/*
 * @a and @b differ: says where, on stdout, and returns true.  Without
 * @a0 and @b0 (a failure) all must be the same, to the byte.  With them
 * (a success, compared with a clean run), the counters of stats and the
 * steps of events are compared as what changed from @a0 to @a and from
 * @b0 to @b, and so is the result read back, but for its seqs.
 */
static bool snap_differs(const struct snap *a, const struct snap *b,
			 const struct snap *a0, const struct snap *b0)
{
	bool differs = false, same;
	char *new_a, *new_b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		if (a0 && i == STATS) {
			same = stats_moved_alike(a->file[i], a0->file[i],
						 b->file[i], b0->file[i]);
		} else if (a0 && i == EVENTS) {
			new_a = events_after(a->file[i], last_seq(a0->file[i]));
			new_b = events_after(b->file[i], last_seq(b0->file[i]));
			same = !strcmp(new_a, new_b);
			if (!same)
				show_diff("the new events", new_b, new_a);
			free(new_a);
			free(new_b);
			differs |= !same;
			continue;
		} else {
			same = !strcmp(a->file[i], b->file[i]);
		}
		if (!same)
			show_diff(shown[i], b->file[i], a->file[i]);
		differs |= !same;
	}
	if (a0 && a->result && b->result && !result_alike(a->result, b->result)) {
		show_diff("the result read back", b->result, a->result);
		differs = true;
	}
	return differs;
}

/* === Control commands, as a shell would send them === */

static int ctl(const char *cmd)
{
	int fd = open(DBG "control", O_WRONLY), err = 0;
	ssize_t len = strlen(cmd);

	if (fd < 0)
		die("open control");
	if (write(fd, cmd, len) != len)
		err = errno;
	close(fd);
	return err;
}

static void ctl_ok(const char *cmd)
{
	int err = ctl(cmd);

	if (err) {
		errno = err;
		die(cmd);
	}
}

/* === The operations === */

/*
 * An operation: @prepare makes the state it starts from (again after a
 * success), @setup readies a run without injection, @run is the one
 * syscall under test, returning 0 or an errno, @teardown closes what
 * setup or run opened.  @module_scope: count only the allocations with
 * module code on the stack.
 */
struct op {
	const char *name;
	void (*prepare)(void);
	void (*setup)(void);
	int (*run)(void);
	void (*teardown)(void);
	const char *arg;		/* the command, the file */
	unsigned long flag;		/* the open flags, the ioctl */
	bool module_scope;
	bool insmod;			/* checked as a load, not a pool */
	bool readback;			/* op_fd reads back the result */
	bool setup_allocates;		/* setup changes the pool */
	unsigned int max_points;	/* 0, or fail only the first so many */
};

static const struct op *cur;		/* the operation under test */
static struct snap ref0, ref1;		/* a clean run: before, after */

static int op_fd = -1;
static void *op_map = MAP_FAILED;
static unsigned long long op_phys;	/* of the block setup_dev_held() made */
static char pfn_arg[64];		/* "free 0x..." */
static struct buddy_alloc op_alloc;
static struct buddy_free op_free;
static struct buddy_info op_info;

static void close_op_fd(void)
{
	if (op_fd >= 0)
		close(op_fd);
	op_fd = -1;
}

/*
 * Blocks over the first 64 frames, lowest first: a split tree, and records
 * that fill one xarray node, so the next allocation (frame 64) needs new
 * nodes and xa_store() can fail.
 */
static void prepare_base(void)
{
	close_op_fd();
	ctl_ok("reset");
	ctl_ok("alloc 5 tag=base");
	ctl_ok("alloc 4 tag=T");
	ctl_ok("alloc 3 tag=T");
	ctl_ok("alloc 2 tag=U");
	ctl_ok("alloc 2 tag=U");
}

/*
 * The base, and 32 one-page blocks tagged L: freeing them all makes a
 * result of more than the 4 KiB a control file starts with.
 */
static void prepare_long(void)
{
	int i;

	prepare_base();
	for (i = 0; i < 32; i++)
		ctl_ok("alloc 0 tag=L");
}

/* The base, and the pfn of its order-3 block to free. */
static void prepare_free_pfn(void)
{
	char *allocs, *line;
	unsigned long pfn = 0;
	unsigned int order;

	prepare_base();
	allocs = read_file(DBG "allocations");
	if (!allocs)
		die("allocations");
	for (line = strtok(allocs, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "pfn=%lx order=%u", &pfn, &order) == 2 &&
		    order == 3)
			break;
	if (!line)
		die_err(0, "no order-3 block in allocations");
	snprintf(pfn_arg, sizeof(pfn_arg), "free %#lx", pfn);
	free(allocs);
}

static void setup_ctl(void)
{
	op_fd = open(DBG "control", O_RDWR);
	if (op_fd < 0)
		die("open control");
}

static int run_write(void)
{
	const char *cmd = cur->arg ? cur->arg : pfn_arg;
	ssize_t len = strlen(cmd);

	return write(op_fd, cmd, len) == len ? 0 : errno;
}

static int run_open(void)
{
	op_fd = open(cur->arg, cur->flag);
	return op_fd < 0 ? errno : 0;
}

static void setup_read(void)
{
	op_fd = open(cur->arg, O_RDONLY);
	if (op_fd < 0)
		die(cur->arg);
}

static int run_read(void)
{
	static char buf[1 << 16];

	return read(op_fd, buf, sizeof(buf)) < 0 ? errno : 0;
}

static void setup_dev(void)
{
	op_fd = open(DEV, O_RDWR);
	if (op_fd < 0)
		die("open " DEV);
}

static void setup_dev_alloc(void)
{
	setup_dev();
	memset(&op_alloc, 0, sizeof(op_alloc));
	op_alloc.mode = BUDDY_ALLOC_BYTES;
	op_alloc.bytes = 3 << 12;
	memcpy(op_alloc.tag, "dev", 4);
}

/* A file holding two blocks, one of them to free. */
static void setup_dev_held(void)
{
	struct buddy_alloc a = { .mode = BUDDY_ALLOC_ORDER, .order = 2 };

	setup_dev();
	if (ioc(op_fd, BUDDY_IOC_ALLOC, &a))
		die("ALLOC");
	memset(&op_free, 0, sizeof(op_free));
	op_free.pfn = a.pfn;
	op_phys = a.phys_addr;
	a.order = 0;
	if (ioc(op_fd, BUDDY_IOC_ALLOC, &a))
		die("ALLOC");
}

static int run_ioctl(void)
{
	void *arg = cur->flag == BUDDY_IOC_ALLOC ? (void *)&op_alloc :
		    cur->flag == BUDDY_IOC_FREE ? (void *)&op_free :
		    (void *)&op_info;

	memset(&op_info, 0, sizeof(op_info));
	return ioc(op_fd, cur->flag, arg);
}

/* The 4 pages of the order-2 block setup_dev_held() made. */
#define MAP_LEN		(4 << 12)

static int run_mmap(void)
{
	op_map = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, op_fd,
		      op_phys);
	return op_map == MAP_FAILED ? errno : 0;
}

static void unmap_close(void)
{
	if (op_map != MAP_FAILED)
		munmap(op_map, MAP_LEN);
	op_map = MAP_FAILED;
	close_op_fd();
}

static int run_close(void)
{
	int ret = close(op_fd);

	op_fd = -1;
	return ret ? errno : 0;
}

/* --- insmod --- */

static bool loaded(void)
{
	char *mods = read_file("/proc/modules");
	bool yes;

	if (!mods)
		die("/proc/modules");
	yes = !strncmp(mods, "buddy ", 6) || strstr(mods, "\nbuddy ");
	free(mods);
	return yes;
}

static int run_insmod(void)
{
	return syscall(SYS_init_module, image, image_len, PARAMS) ? errno : 0;
}

static void unload(void)
{
	if (loaded() && syscall(SYS_delete_module, "buddy", O_NONBLOCK))
		die("rmmod buddy");
}

/* A failed insmod leaves nothing at all. */
static bool left_nothing(unsigned int n)
{
	static const char *const paths[] = {
		"/sys/module/buddy", DBG, DEV, "/sys/class/misc/buddy",
	};
	bool clean = !loaded();
	struct stat st;
	size_t i;

	if (!clean)
		printf("  insmod: point %u failed but buddy is loaded\n", n);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (!stat(paths[i], &st)) {
			printf("  insmod: point %u failed but left %s\n", n,
			       paths[i]);
			clean = false;
		}
	}
	return clean;
}

/* A load that succeeded has everything a clean load (@ref) has. */
static bool loaded_whole(unsigned int n, const struct snap *ref)
{
	bool whole = true;
	struct stat st;
	struct snap s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[64];

		snprintf(path, sizeof(path), DBG "%s", files[i]);
		if (stat(path, &st)) {
			printf("  insmod: point %u: loaded without %s\n", n,
			       path);
			whole = false;
		}
	}
	if (stat(DEV, &st) || !S_ISCHR(st.st_mode)) {
		printf("  insmod: point %u: loaded without " DEV "\n", n);
		whole = false;
	}
	if (!whole)
		return false;
	snap_take(&s);
	/* The pool may land elsewhere: its tree shows where. */
	for (i = 0; i < ARRAY_SIZE(shown); i++) {
		if (i != TREE && strcmp(s.file[i], ref->file[i])) {
			printf("  insmod: point %u: %s is\n%s--- not\n%s---\n",
			       n, shown[i], s.file[i], ref->file[i]);
			whole = false;
		}
	}
	snap_free(&s);
	return whole;
}

#define CTL(_name, _cmd, _prepare) {					\
	.name = "control: " _name, .prepare = _prepare,			\
	.setup = setup_ctl, .run = run_write, .teardown = close_op_fd,	\
	.arg = _cmd, .readback = true }
#define OPEN(_path, _flags) {						\
	.name = "open " _path, .prepare = prepare_base,			\
	.run = run_open, .teardown = close_op_fd, .arg = _path,		\
	.flag = _flags }
#define READ(_file) {							\
	.name = "read " _file, .prepare = prepare_base,			\
	.setup = setup_read, .run = run_read, .teardown = close_op_fd,	\
	.arg = DBG _file }
#define IOCTL(_name, _setup, _ioctl) {					\
	.name = "ioctl " _name, .prepare = prepare_base,		\
	.setup = _setup, .run = run_ioctl, .teardown = close_op_fd,	\
	.flag = _ioctl, .readback = _ioctl != BUDDY_IOC_INFO }

/*
 * insmod counts the module's allocations only: load_module()'s few
 * hundred are the kernel's business, and each costs a whole load.
 */
static const struct op ops[] = {
	{ .name = "insmod " PARAMS, .prepare = unload, .run = run_insmod,
	  .module_scope = true, .insmod = true },
	CTL("alloc ORDER", "alloc 2 tag=F", prepare_base),
	CTL("alloc SIZE", "alloc 7K tag=F", prepare_base),
	CTL("free PFN", NULL, prepare_free_pfn),
	CTL("free tag=", "free tag=T", prepare_base),
	CTL("free tag=, a result that outgrows 4 KiB", "free tag=L",
	    prepare_long),
	CTL("reset", "reset", prepare_base),
	OPEN(DBG "control", O_RDWR),
	OPEN(DBG "tree", O_RDONLY),
	OPEN(DBG "buddyinfo", O_RDONLY),
	OPEN(DBG "unusable_index", O_RDONLY),
	OPEN(DBG "extfrag_index", O_RDONLY),
	OPEN(DBG "stats", O_RDONLY),
	OPEN(DBG "allocations", O_RDONLY),
	OPEN(DBG "check", O_RDONLY),
	OPEN(DBG "events", O_RDONLY),
	OPEN(DBG "bitmaps", O_RDONLY),
	OPEN(DBG "map", O_RDONLY),
	OPEN(DBG "compare", O_RDONLY),
	OPEN(DEV, O_RDWR),
	READ("control"),
	READ("tree"),
	READ("buddyinfo"),
	READ("unusable_index"),
	READ("extfrag_index"),
	READ("stats"),
	READ("allocations"),
	READ("check"),
	READ("events"),
	READ("bitmaps"),
	READ("map"),
	/*
	 * After the seq_file buffer and its own two allocations (and a new
	 * slab page, maybe), compare runs a benchmark of thousands of
	 * alloc_pages(), whose failures only show as a "-" in their rows:
	 * only the first points fail.
	 */
	{ .name = "read compare", .prepare = prepare_base,
	  .setup = setup_read, .run = run_read, .teardown = close_op_fd,
	  .arg = DBG "compare", .max_points = 5 },
	IOCTL("ALLOC", setup_dev_alloc, BUDDY_IOC_ALLOC),
	{ .name = "ioctl FREE", .prepare = prepare_base,
	  .setup = setup_dev_held, .run = run_ioctl, .teardown = close_op_fd,
	  .flag = BUDDY_IOC_FREE, .readback = true, .setup_allocates = true },
	IOCTL("INFO", setup_dev, BUDDY_IOC_INFO),
	{ .name = "mmap of a block", .prepare = prepare_base,
	  .setup = setup_dev_held, .run = run_mmap, .teardown = unmap_close,
	  .setup_allocates = true },
	{ .name = "close " DEV " holding blocks", .prepare = prepare_base,
	  .setup = setup_dev_held, .run = run_close,
	  .teardown = close_op_fd, .setup_allocates = true },
};

/* === Runs === */

/*
 * The state after a refused run, which is the state before the next one
 * when setting up and tearing down leave the pool alone: one snapshot
 * less per run.  A run that differs from it fails all the same.
 */
static struct snap carry;

/* A pool operation with its @n-th point failing (0: none) went right. */
static bool run_pool_op(const struct op *op, unsigned int n, bool *fired,
			int *err)
{
	struct snap before, after, *now;
	bool ok = true;

	if (op->setup)
		op->setup();
	if (n && carry.file[0]) {
		before = carry;
		memset(&carry, 0, sizeof(carry));
	} else {
		snap_take(n ? &before : &ref0);
	}
	if (n)
		fail_at(n);
	*err = op->run();
	*fired = n && fail_stop();
	now = n ? &after : &ref1;
	snap_take(now);
	if (op->readback && !*err) {
		now->result = read_all(op_fd);
		if (!now->result)
			die("reading the result back");
		mask(now->result, true);
	}
	if (op->teardown)
		op->teardown();
	if (!n)
		return true;

	if (*fired && *err) {
		if (snap_differs(&after, &before, NULL, NULL)) {
			printf("  %s: point %u failed but changed the pool\n",
			       op->name, n);
			ok = false;
		}
		if (strcmp(after.file[CHECK], "ok\n")) {
			printf("  %s: point %u: check says %s", op->name, n,
			       after.file[CHECK]);
			ok = false;
		}
	} else if (!*err && snap_differs(&after, &ref1, &before, &ref0)) {
		printf("  %s: point %u %s, but not as a clean run does\n",
		       op->name, n, *fired ? "absorbed" : "not reached");
		ok = false;
	}
	snap_free(&before);
	if (*err && !op->setup_allocates)
		carry = after;
	else
		snap_free(&after);
	return ok;
}

/* insmod with its @n-th point failing (0: none) went right. */
static bool run_insmod_op(const struct op *op, unsigned int n, bool *fired,
			  int *err)
{
	if (n)
		fail_at(n);
	*err = op->run();
	*fired = n && fail_stop();
	if (!n) {
		if (!*err)
			snap_take(&ref1);
		return true;
	}
	return *err ? left_nothing(n) : loaded_whole(n, &ref1);
}

/*
 * One run of @op with its @n-th point failing (0: none, the reference);
 * true if all went right.  *@absorbed: the point failed and yet the
 * syscall succeeded.
 */
static bool run_point(const struct op *op, unsigned int n, bool *fired,
		      bool *absorbed)
{
	bool ok;
	int err;

	if (verbose)
		mark_log("%s, %s, point %u\n", op->name, pass_name[pass], n);
	ok = op->insmod ? run_insmod_op(op, n, fired, &err) :
			  run_pool_op(op, n, fired, &err);
	if (verbose)
		printf("  %s, %s: point %u: %s, %s\n", op->name,
		       pass_name[pass], n, *fired ? "failed" : "not reached",
		       err ? strerror(err) : "success");
	if (err && !*fired) {
		printf("  %s: %s with nothing injected\n", op->name,
		       strerror(err));
		ok = false;
	} else if (err && err != ENOMEM) {
		printf("  %s: point %u: %s, not ENOMEM\n", op->name, n,
		       strerror(err));
		ok = false;
	}
	*absorbed = *fired && !err;
	/* A success changed the state: back to where the runs start. */
	if (!err)
		op->prepare();
	if (!err || !ok)
		snap_free(&carry);
	return ok;
}

struct tally {
	unsigned int points, refused, absorbed;
};

/* @op with its points 1, 2, ... failing in turn, until one is not reached. */
static bool run_points(const struct op *op, struct tally *t)
{
	bool fired, absorbed, ok = true;
	unsigned int n;

	for (n = 1; ok && n <= MAX_POINTS; n++) {
		if (op->max_points && n > op->max_points)
			return ok;
		ok = run_point(op, n, &fired, &absorbed);
		if (!fired)
			return ok;
		t->points++;
		t->absorbed += absorbed;
		t->refused += !absorbed;
	}
	if (ok)
		printf("  %s: still failing after %u points\n", op->name,
		       MAX_POINTS);
	return false;
}

/*
 * Every injection point of @op fails alone, in turn: each failure the
 * kernel does not absorb (with a retry, or by falling back on another
 * allocation) fails the operation.  Then every point fails in turn with
 * every allocation after it failing too, so that no retry or fallback
 * succeeds.  The counts of the two differ a little: where an allocation
 * needs a new slab or page table page, say, depends on what came before.
 */
static bool test_op(const struct op *op)
{
	struct tally alone = { 0 }, onward = { 0 };
	bool fired, absorbed, ok;

	cur = op;
	memset(&ref0, 0, sizeof(ref0));
	memset(&ref1, 0, sizeof(ref1));
	mark_log("%s\n", op->name);
	fi_scope(op->module_scope);
	pass = ALONE;
	op->prepare();
	ok = run_point(op, 0, &fired, &absorbed);
	ok = ok && run_points(op, &alone);
	if (!alone_only) {
		pass = ONWARD;
		ok = ok && run_points(op, &onward);
		pass = ALONE;
	}
	snap_free(&carry);
	snap_free(&ref0);
	snap_free(&ref1);
	result(ok, "faults: %s: %u allocations%s failed in turn: %u refused with ENOMEM and nothing %s, %u absorbed; each with all after it: %u, %u refused, %u absorbed",
	       op->name, alone.points,
	       op->module_scope ? " (module code on the stack)" : "",
	       alone.refused, op->insmod ? "left" : "changed",
	       alone.absorbed, onward.points, onward.refused,
	       onward.absorbed);

	return ok;
}

/* === Main === */

static void read_image(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die(path);
	image_len = st.st_size;
	errno = 0;		/* a short read sets none */
	image = malloc(image_len);
	if (!image || read(fd, image, image_len) != (ssize_t)image_len)
		die(path);
	close(fd);
}

/* Touches the stack it will use, so that no page fault is injected. */
static void prefault_stack(void)
{
	char stack[256 << 10];

	memset(stack, 0, sizeof(stack));
	__asm__ __volatile__("" : : "r" (stack) : "memory");
}

/* @name is selected by @names[0..@nr): none, or one a prefix of it. */
static bool wanted(char **names, int nr, const char *name)
{
	int i;

	if (!nr)
		return true;
	for (i = 0; i < nr; i++)
		if (!strncmp(name, names[i], strlen(names[i])))
			return true;
	return false;
}

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: buddy_failnth [-1] [-k] [-v] [-m KO] [OP...]\n"
		"Every allocation of each operation on buddy.ko fails in turn.\n"
		"  -1       each point fails alone only, not again with all after it\n"
		"  -k       keep buddy.ko loaded at the end (else it is unloaded)\n"
		"  -v       a line per injection point; twice: the kernel logs each stack\n"
		"  -m KO    the module (default /lib/buddy/buddy.ko)\n"
		"  -h, --help  this help\n"
		"  OP       only the operations whose names start with OP: a whole name\n"
		"           or its first words ('control: reset', read, 'ioctl INFO');\n"
		"           without OP, every one of these:\n");
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fprintf(out, "    %s\n", ops[i].name);
}

/* Every one of @names[0..@nr) selects an operation, or exit 2. */
static void check_names(char **names, int nr)
{
	size_t j;
	int i;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < ARRAY_SIZE(ops); j++)
			if (wanted(&names[i], 1, ops[j].name))
				break;
		if (j == ARRAY_SIZE(ops)) {
			fprintf(stderr, "buddy_failnth: '%s' is no operation's name nor the start of one\n",
				names[i]);
			print_usage(stderr);
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ko = "/lib/buddy/buddy.ko";
	bool keep = false;
	size_t i;
	int opt;

	while ((opt = getopt_long(argc, argv, "1hkvm:", longopts, NULL)) != -1) {
		switch (opt) {
		case '1':
			alone_only = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'k':
			keep = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'm':
			ko = optarg;
			break;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	check_names(argv, argc);
	read_image(ko);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (alone_only)
		printf("faults: -1: every point fails alone; not again with all after it\n");
	prefault_stack();
	/*
	 * What a syscall under test touches of this program's memory (its
	 * buffers, the module image, the stack) exists by now: locked, none
	 * of it faults in during one.
	 */
	if (mlockall(MCL_CURRENT))
		die("mlockall");
	fail_nth = open("/proc/thread-self/fail-nth", O_RDWR);
	make_it_fail = open("/proc/thread-self/make-it-fail", O_RDWR);
	if (fail_nth < 0 || make_it_fail < 0)
		die("/proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");
	/* An earlier run's (-k, or one that died), or loaded by hand. */
	if (loaded()) {
		printf("faults: buddy.ko is loaded: unloading it first\n");
		unload();
	}
	fi_setup();

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!ops[i].insmod && !loaded() && run_insmod())
			die("insmod");
		if (wanted(argv, argc, ops[i].name))
			test_op(&ops[i]);
	}
	fi_reset();
	if (keep) {
		if (!loaded() && run_insmod())
			die("insmod");
		ctl_ok("reset");
	} else {
		unload();
	}
	return nr_failed ? 1 : 0;
}
