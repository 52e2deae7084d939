// SPDX-License-Identifier: GPL-2.0
/*
 * buddyctl - look at and drive the buddy allocator module
 *
 * Views read /sys/kernel/debug/buddy; "info" asks /dev/buddy.  One-shot
 * alloc, free and reset go through debugfs "control", because blocks
 * allocated through a /dev/buddy file die with it: a one-shot command's file
 * would close, and free them, as buddyctl exits.  "shell" and "run" keep one
 * /dev/buddy file open for a whole session instead.  Both sides parse
 * commands with buddy_cmd_parse(), so they accept exactly the same text.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buddyctl.h"

struct options opt = {
	.interval = 0.5,
	.dev = DEFAULT_DEV,
	.debugfs = DEFAULT_DEBUGFS,
};

static const char usage_text[] =
"usage: buddyctl [OPTIONS] COMMAND [ARGS]\n"
"\n"
"Look at and drive the buddy allocator module (buddy.ko).\n"
"\n"
"Views (read " DEFAULT_DEBUGFS "; root only):\n"
"  tree             the buddy tree, one block per line\n"
"  buddyinfo        free blocks per order: /proc/buddyinfo, orders above\n"
"  frag             unusable and extfrag indices per order\n"
"  stats            totals and counters\n"
"  allocations      live blocks: owner, tag, pid, age, request, waste\n"
"  check            audit the allocator: \"ok\", or what is broken (exit 1)\n"
"  events           the allocator's last steps: split, merge, alloc, ...\n"
"  bits             the tree as the textbook's free and split bit arrays\n"
"  map              the pool as a memory bar, a letter per block\n"
"  info             pool geometry and free blocks per order (ioctl on --dev)\n"
"  watch VIEW       draw VIEW, then again whenever the pool changes (polled\n"
"                   every --interval S seconds, default 0.5; --count N stops\n"
"                   after N drawings); the module's only, not the twin's\n"
"\n"
"Changes, one at a time, through debugfs control.  The blocks persist after\n"
"buddyctl exits, owned by \"debugfs\", until freed, reset or rmmod:\n"
"  alloc ORDER [tag=NAME]  a block of 2^ORDER pages (ORDER < 64)\n"
"  alloc SIZE [tag=NAME]   the smallest block holding SIZE bytes: 64 or\n"
"                          more, or with a suffix: 1B, 7K, 2M, 1G\n"
"  free PFN                the block starting at PFN (0x hex or decimal)\n"
"  free tag=NAME           the debugfs blocks tagged NAME\n"
"  reset                   free every block, whoever holds it\n"
"\n"
"Sessions: one /dev/buddy file for the whole session; the blocks allocated\n"
"in it belong to it and are freed when it ends:\n"
"  shell            read commands from stdin (prompt \"buddy> \" on a terminal)\n"
"  run FILE|-       run the commands in FILE (- for stdin); stop at the\n"
"                   first error, which is reported as FILE:LINE\n"
"  In a session: alloc, free PFN, free tag=NAME (this session's blocks),\n"
"  reset (this session's blocks), list, map PFN, svg FILE, show tree on|off,\n"
"  explain on|off, the views, help, quit; lines starting with # are\n"
"  comments.  'help' in a shell says more.\n"
"\n"
"Pictures:\n"
"  svg [-o FILE]    the pool as one SVG picture, a row per order (stdout\n"
"                   without -o)\n"
"  html FILE [-o OUT]\n"
"                   run FILE's commands as run does, and write one HTML page\n"
"                   to step through them: a picture, the result and the\n"
"                   steps of each (stdout without -o)\n"
"\n"
"A quiz: predict each step, then see what the allocator did, and why:\n"
"  quiz [--seed N] [--steps N] [--level 1|2|3] [--answers]\n"
"                   the same allocs and frees for a seed on every machine\n"
"                   (default seed 1, 10 steps); level 1 asks the pfn an\n"
"                   alloc returns, 2 also the splits or merges, 3 also the\n"
"                   buddyinfo line after it; ends with \"score: X/Y\".\n"
"                   --answers prints the key, one answer per line: quiz\n"
"                   --answers > key.txt, then quiz < key.txt, scores full marks\n"
"\n"
"The twin: with --sim, no module is needed; a pool of PAGES pages lives in\n"
"buddyctl itself, run by the module's own code, and every command and view\n"
"prints what the module would (pids, names and ages aside):\n"
"  --sim PAGES      PAGES pages, as insmod buddy.ko pages=PAGES\n"
"  --max-order K    as max_order=K (default 10, clamped to the pool)\n"
"  --base PFN       the pfn of the first page (default 0): the module's base\n"
"                   makes the twin print the module's pfns\n"
"  e.g. buddyctl --sim 16 run lesson.txt; buddyctl --sim 1024 shell\n"
"\n"
"Options:\n"
"  --json           JSON output: one document per line on stdout\n"
"  --explain        tell each command's steps in words (with --json:\n"
"                   \"explain\" and \"steps\" in its result)\n"
"  --dev PATH       the device (default " DEFAULT_DEV ")\n"
"  --debugfs DIR    the debugfs directory (default " DEFAULT_DEBUGFS ")\n"
"  -k, --keep-going run: go on after an error (exit status 1 at the end)\n"
"  -h, --help       this text (also: buddyctl help)\n"
"  --version        buddyctl's version\n"
"\n"
"Errors are one line, \"WHAT: ENAME: explanation\", on stderr; with --json\n"
"they are {\"error\": \"...\", \"errno\": N, \"errno_name\": \"ENAME\"} on stdout\n"
"(plus \"file\" and \"line\" in run).  Exit status: 0 success, 1 failure\n"
"(a refused command, a broken check, no module, no permission), 2 usage.\n";

enum {
	OPT_JSON = 256,
	OPT_EXPLAIN,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_SIM,
	OPT_MAX_ORDER,
	OPT_BASE,
	OPT_SEED,
	OPT_STEPS,
	OPT_LEVEL,
	OPT_ANSWERS,
	OPT_DEV,
	OPT_DEBUGFS,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "sim", required_argument, NULL, OPT_SIM },
	{ "max-order", required_argument, NULL, OPT_MAX_ORDER },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "steps", required_argument, NULL, OPT_STEPS },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "answers", no_argument, NULL, OPT_ANSWERS },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "debugfs", required_argument, NULL, OPT_DEBUGFS },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ }
};

/* A mistake on the command line: exit status 2. */
static int usage_error(const char *what)
{
	report("buddyctl", EINVAL, CTX_ANY, "%s (see buddyctl --help)", what);
	return 2;
}

/* The pool's max_order from stats, for a message; -1 if not to be had. */
static int stats_max_order(void)
{
	char *text, *p, *line;
	unsigned long long v;
	struct kv_line l;
	int ret = -1;

	if (bk_file("stats", &text, NULL))
		return -1;
	for (p = text; (line = next_line(&p));)
		if (!kv_split(line, &l, NULL) && l.n == 2 &&
		    !strcmp(l.kv[0].key, "max_order") &&
		    parse_u64(l.kv[1].key, &v) && v < 64)
			ret = v;
	free(text);
	return ret;
}

/* alloc, free, reset: one write to debugfs control, then read the result. */
static int control_run(int argc, char **argv)
{
	static const enum err_ctx ctx[] = {
		[BUDDY_CMD_ALLOC] = CTX_ALLOC,
		[BUDDY_CMD_FREE] = CTX_FREE,
		[BUDDY_CMD_FREE_TAG] = CTX_FREE_TAG,
		[BUDDY_CMD_RESET] = CTX_ANY,
	};
	char *line, *text, why[BUDDY_CMD_WHY_LEN];
	struct buddy_cmd cmd;
	const char *path;
	int err, ret = 1;
	size_t len;

	line = str_join(argc, argv);
	if (!line) {
		report(argv[0], ENOMEM, CTX_ANY, NULL);
		return 1;
	}
	len = strlen(line);
	if (buddy_cmd_parse(line, len, &cmd, why, sizeof(why))) {
		report(line, EINVAL, CTX_ANY, "%s", why);
		goto out;
	}

	err = bk_command(line, len, &text, &path);
	if (err < 0) {
		debugfs_report(path, -err);
		goto out;
	}
	/* The file says why, and the steps of the refusal: --explain tells. */
	if (err)
		report_told(text);
	if (err && cmd.op == BUDDY_CMD_ALLOC)
		report_alloc(line, err, &cmd,
			     err == EINVAL ? stats_max_order() : -1);
	else if (err && cmd.op == BUDDY_CMD_FREE)
		report_free(line, err, CTX_FREE, cmd.pfn);
	else if (err == EIO)
		report(line, EIO, CTX_ANY, "short write to %s", path);
	else if (err)
		report(line, err, ctx[cmd.op], NULL);
	if (err) {
		free(text);
		goto out;
	}
	if (!text) {
		report(path, EIO, CTX_DEBUGFS, "the result could not be read");
		goto out;
	}
	result_print(cmd.op, text, NULL);
	free(text);
	ret = 0;
out:
	free(line);
	return ret;
}

static int info_run(void)
{
	int fd, ret;

	if (dev_open(&fd))
		return 1;
	ret = info_show(fd);
	dev_close(fd);
	return ret ? 1 : 0;
}

static int buddyctl_run(int argc, char **argv)
{
	unsigned long long sim_pages = 0, sim_max_order = 10, sim_base = 0;
	unsigned long long quiz_seed = 1, quiz_steps = 10, quiz_level = 1;
	bool quiz_answers = false, sim_shape = false;
	const char *cmd;
	char *end;
	int c, nr_args, err;
	char what[96], cut[41];

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hko:", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			opt.json = true;
			break;
		case OPT_EXPLAIN:
			opt.explain = true;
			break;
		case OPT_INTERVAL:
			opt.interval = strtod(optarg, &end);
			if (*end || !(opt.interval >= 0.05 &&
				      opt.interval <= 3600))
				return usage_error("--interval takes 0.05 to 3600 seconds");
			break;
		case OPT_SIM:
			opt.sim = true;
			if (!parse_u64(optarg, &sim_pages) || !sim_pages)
				return usage_error("--sim takes a number of pages, 1 or more");
			break;
		case OPT_MAX_ORDER:
			if (!parse_u64(optarg, &sim_max_order) ||
			    sim_max_order > BUDDY_CORE_MAX_ORDER)
				return usage_error("--max-order takes 0 to 40");
			sim_shape = true;
			break;
		case OPT_BASE:
			if (!parse_u64(optarg, &sim_base))
				return usage_error("--base takes a pfn (0x hex or decimal)");
			sim_shape = true;
			break;
		case OPT_SEED:
			if (!parse_u64(optarg, &quiz_seed))
				return usage_error("--seed takes a number");
			break;
		case OPT_STEPS:
			if (!parse_u64(optarg, &quiz_steps) || !quiz_steps ||
			    quiz_steps > 1000)
				return usage_error("--steps takes 1 to 1000");
			break;
		case OPT_LEVEL:
			if (!parse_u64(optarg, &quiz_level) || !quiz_level ||
			    quiz_level > 3)
				return usage_error("--level takes 1, 2 or 3");
			break;
		case OPT_ANSWERS:
			quiz_answers = true;
			break;
		case OPT_COUNT:
			opt.count = strtoul(optarg, &end, 10);
			if (*end || !opt.count || !is_decimal(optarg))
				return usage_error("--count takes a number of drawings, 1 or more");
			break;
		case OPT_DEV:
			opt.dev = optarg;
			break;
		case OPT_DEBUGFS:
			opt.debugfs = optarg;
			break;
		case 'k':
			opt.keep_going = true;
			break;
		case 'o':
			opt.out = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("buddyctl %s\n", BUDDY_VERSION);
			return 0;
		case ':':
			snprintf(what, sizeof(what), "option %.40s needs a value",
				 argv[optind - 1]);
			return usage_error(what);
		default:
			if (optopt > 0 && optopt < 128)
				snprintf(what, sizeof(what),
					 "unknown option '-%c'", optopt);
			else
				snprintf(what, sizeof(what),
					 "unknown option '%.40s'",
					 argv[optind - 1]);
			return usage_error(what);
		}
	}
	if (optind == argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	cmd = argv[optind];
	nr_args = argc - optind - 1;
	/* Given at all, even as the defaults (--base 0), they need --sim. */
	if (!opt.sim && sim_shape)
		return usage_error("--max-order and --base go with --sim");
	if (opt.sim) {
		/* Numbers that make no pool are usage; no memory for one is not. */
		err = sim_start(sim_pages, sim_max_order, sim_base);
		if (err)
			return err == -EINVAL ? 2 : 1;
	}

	if (!strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "alloc") || !strcmp(cmd, "free") ||
	    !strcmp(cmd, "reset"))
		return control_run(argc - optind, argv + optind);
	if (!strcmp(cmd, "shell") || !strcmp(cmd, "run")) {
		if (cmd[0] == 's' && nr_args)
			return usage_error("shell takes no arguments");
		if (cmd[0] == 'r' && nr_args != 1)
			return usage_error("usage: run FILE (- for stdin)");
		return session_run(nr_args ? argv[optind + 1] : NULL,
				   cmd[0] == 's');
	}
	if (view_exists(cmd) || !strcmp(cmd, "info")) {
		if (nr_args) {
			snprintf(what, sizeof(what), "%s takes no arguments",
				 cmd);
			return usage_error(what);
		}
		if (!strcmp(cmd, "info"))
			return info_run();
		return view_run(cmd) ? 1 : 0;
	}
	if (!strcmp(cmd, "quiz")) {
		if (nr_args)
			return usage_error("usage: quiz [--seed N] [--steps N] [--level 1|2|3] [--answers]");
		return quiz_run(quiz_seed, quiz_steps, quiz_level,
				quiz_answers);
	}
	if (!strcmp(cmd, "svg")) {
		if (nr_args)
			return usage_error("usage: svg [-o FILE]");
		return svg_run(opt.out);
	}
	if (!strcmp(cmd, "html")) {
		if (nr_args != 1)
			return usage_error("usage: html FILE [-o OUT] (FILE: commands, as for run)");
		return html_run(argv[optind + 1], opt.out);
	}
	if (!strcmp(cmd, "watch") && opt.sim)
		return usage_error("watch needs the module: a twin changes only by its own commands");
	if (!strcmp(cmd, "watch")) {
		if (nr_args != 1 || !view_exists(argv[optind + 1]))
			return usage_error("usage: watch VIEW (tree, buddyinfo, frag, stats, allocations, check, events, bits, map)");
		return watch_run(argv[optind + 1]);
	}
	if (!strcmp(cmd, "list") || !strcmp(cmd, "show") ||
	    !strcmp(cmd, "explain") || !strcmp(cmd, "map")) {
		snprintf(what, sizeof(what),
			 "'%s' is a command of shell and run sessions", cmd);
		return usage_error(what);
	}
	snprintf(what, sizeof(what), "unknown command '%s'",
		 word_cut(cut, sizeof(cut), cmd));
	return usage_error(what);
}

int main(int argc, char **argv)
{
	/*
	 * Past a file size limit (ulimit -f), a write is to fail with EFBIG
	 * and be reported, the old picture kept, not kill buddyctl half way.
	 */
	signal(SIGXFSZ, SIG_IGN);
	return close_stdout(buddyctl_run(argc, argv));
}
