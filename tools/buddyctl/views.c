// SPDX-License-Identifier: GPL-2.0
/*
 * The views: debugfs files and BUDDY_IOC_INFO, read, checked and rendered
 *
 * Each view reads what the module wrote, parses all of it (a line that is
 * not in the module's format is an EBADMSG error naming FILE:LINE, never a
 * guess), and only then prints, as text or as one JSON document.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buddyctl.h"

/* === Reading debugfs === */

static int bad_line_why(const char *name, unsigned long nr, const char *line,
			const char *why);

/* DEBUGFS/NAME, in a static buffer. */
char *debugfs_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", opt.debugfs, name);
	return path;
}

/* What messages call a debugfs file: its path, or the twin's "NAME (twin)". */
const char *view_source(const char *name)
{
	static char twin[64];

	if (!opt.sim)
		return debugfs_path(name);
	snprintf(twin, sizeof(twin), "%s (twin)", name);
	return twin;
}

/**
 * debugfs_read() - Read a file of the module's debugfs directory.
 * @name: The file, e.g. "tree".
 * @text: Set to its malloc()ed contents on success.
 *
 * The module never writes a NUL byte: a file that holds one is refused
 * here, for every view, rather than cut short at it.
 *
 * Return: 0, or -1 after reporting why not (the module is not loaded,
 * debugfs is not mounted, we are not root, a NUL byte).
 */
int debugfs_read(const char *name, char **text)
{
	unsigned long nr = 1;
	const char *nul, *p;
	size_t size;
	int err;

	err = -bk_file(name, text, &size);
	if (err) {
		debugfs_report(view_source(name), err);
		return -1;
	}
	nul = memchr(*text, '\0', size);
	if (!nul)
		return 0;
	for (p = *text; (p = memchr(p, '\n', nul - p)); p++)
		nr++;
	for (p = nul; p > *text && p[-1] != '\n'; p--)
		;
	bad_line_why(name, nr, p, "a NUL byte after it");
	free(*text);
	*text = NULL;
	return -1;
}

/**
 * debugfs_report() - Report a failure to open a debugfs file.
 * @path: The file.
 * @err: Why (positive errno).
 *
 * A missing directory means no module or no debugfs; a missing file in it,
 * a directory that is not the module's.
 */
void debugfs_report(const char *path, int err)
{
	struct stat st;

	if (opt.sim)
		report(path, err, CTX_ANY, NULL);
	else if (err == ENOENT && stat(opt.debugfs, &st))
		report(opt.debugfs, errno, CTX_DEBUGFS, NULL);
	else if (err == ENOENT)
		report(path, err, CTX_DEBUGFS,
		       "no such file: not the buddy module's debugfs directory, or another version of the module");
	else
		report(path, err, CTX_DEBUGFS, NULL);
}

/*
 * Line @nr of @name is not in the module's format; @why says how, if the
 * line itself does not show it.
 */
static int bad_line_why(const char *name, unsigned long nr, const char *line,
			const char *why)
{
	char subject[PATH_MAX + 24], first[80], shown[64];

	/* @line may point into the whole text: only up to its newline. */
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(line, "\n"), line);
	sanitize(shown, sizeof(shown), first);
	snprintf(subject, sizeof(subject), "%s:%lu", view_source(name), nr);
	report(subject, EBADMSG, CTX_ANY,
	       "unexpected line '%s'%s%s (buddyctl and the module out of step?)",
	       shown, why ? ": " : "", why ? why : "");
	return -1;
}

static int bad_line(const char *name, unsigned long nr, const char *line)
{
	return bad_line_why(name, nr, line, NULL);
}

/* @name is empty: the module never leaves it so. */
static int empty_file(const char *name)
{
	report(view_source(name), EBADMSG, CTX_ANY,
	       "empty, and the module always writes at least one line (buddyctl and the module out of step?)");
	return -1;
}

/* === Tree === */

static const char *const tree_indent[] = { "│  ", "   " };
static const char *const tree_branch[] = { "├─ ", "└─ " };

/* Skips one of @prefixes at *@s; false if none is there. */
static bool skip_prefix(char **s, const char *const prefixes[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!strncmp(*s, prefixes[i], strlen(prefixes[i]))) {
			*s += strlen(prefixes[i]);
			return true;
		}
	}
	return false;
}

/*
 * "│  ├─ 0x1000-0x1003 order=2 pages=4 allocated tag=A pid=97": a node.
 * The depth is the count of indents, plus one for the branch.
 */
static bool tree_parse_line(char *line, struct tree_node *n)
{
	unsigned long long order;
	struct kv_line l;
	const char *val;
	char *dash;
	int i;

	memset(n, 0, sizeof(*n));
	while (skip_prefix(&line, tree_indent))
		n->depth++;
	if (skip_prefix(&line, tree_branch))
		n->depth++;
	else if (n->depth)
		return false;
	if (kv_split(line, &l, NULL) || l.n < 4 || l.kv[0].val)
		return false;

	dash = strchr(l.kv[0].key, '-');
	if (!dash)
		return false;
	*dash = '\0';
	if (!parse_u64(l.kv[0].key, &n->pfn_first) ||
	    !parse_u64(dash + 1, &n->pfn_last))
		return false;
	val = kv_get(&l, "order");
	if (!val || !parse_u64(val, &order) || order >= 64)
		return false;
	n->order = order;
	val = kv_get(&l, "pages");
	if (!val || !parse_u64(val, &n->pages) || n->pages != 1ULL << order ||
	    n->pfn_last - n->pfn_first + 1 != n->pages)
		return false;
	for (i = 1; i < l.n; i++) {
		if (l.kv[i].val)
			continue;
		if (n->state)
			return false;
		n->state = l.kv[i].key;
	}
	if (!n->state || (strcmp(n->state, "split") &&
			  strcmp(n->state, "free") &&
			  strcmp(n->state, "allocated")))
		return false;
	n->tag = kv_get(&l, "tag");
	n->pid = kv_get(&l, "pid");
	return !n->pid || is_decimal(n->pid);
}

/* Line @nr of @text, counting from 0. */
static const char *line_at(const char *text, size_t nr)
{
	for (; nr && (text = strchr(text, '\n')); nr--)
		text++;
	return text ? text : "";
}

/*
 * The block at t->nodes[*@i], and if it is split, its two halves after it,
 * lower then upper, each with what hangs from it: as the module walks the
 * tree.  Return: true, with *@i past them; false, with *@i at the node out
 * of place (t->nr if the text ends first).
 */
static bool tree_check(const struct tree *t, size_t *i)
{
	const struct tree_node *n = &t->nodes[*i], *half;
	int k;

	if (strcmp(n->state, "split")) {
		++*i;
		return true;
	}
	if (!n->order)
		return false;
	++*i;
	for (k = 0; k < 2; k++) {
		half = &t->nodes[*i];
		if (*i == t->nr || half->depth != n->depth + 1 ||
		    half->order != n->order - 1 ||
		    half->pfn_first != n->pfn_first + k * (n->pages / 2))
			return false;
		if (!tree_check(t, i))
			return false;
	}
	return true;
}

/* Cuts t->text into t->nodes; -1 on a bad line, reported unless @quiet. */
static int tree_parse(struct tree *t, bool quiet)
{
	char *p, *line;
	size_t cap = 0, i;
	void *bigger;

	t->parsed = strdup(t->text);
	if (!t->parsed)
		goto err_nomem;
	p = t->parsed;
	while ((line = next_line(&p))) {
		if (t->nr == cap) {
			cap = cap ? cap * 2 : 64;
			bigger = realloc(t->nodes, cap * sizeof(*t->nodes));
			if (!bigger)
				goto err_nomem;
			t->nodes = bigger;
		}
		if (!tree_parse_line(line, &t->nodes[t->nr]) ||
		    t->nodes[t->nr].depth >
		    (t->nr ? t->nodes[t->nr - 1].depth + 1 : 0))
			return quiet ? -1 : bad_line("tree", t->nr + 1,
					t->text + (line - t->parsed));
		t->nr++;
	}
	/* The pool has a page at least: there is always a root. */
	if (!t->nr)
		return quiet ? -1 : empty_file("tree");
	/* Roots, one after the other, each with its subtree. */
	for (i = 0; i < t->nr; ) {
		if (!t->nodes[i].depth &&
		    (!i || t->nodes[i].pfn_first == t->nodes[i - 1].pfn_last + 1) &&
		    tree_check(t, &i))
			continue;
		if (quiet)
			return -1;
		if (i == t->nr)
			return bad_line_why("tree", i, line_at(t->text, i - 1),
					    "the tree ends before the halves of a split block");
		return bad_line_why("tree", i + 1, line_at(t->text, i),
				    "not the block the tree has here (a split block is followed by its two halves, lower first)");
	}
	return 0;

err_nomem:
	if (!quiet)
		report("tree", ENOMEM, CTX_ANY, NULL);
	return -1;
}

/**
 * tree_load() - Read and parse the tree.
 * @t: Filled in; tree_release() it, whatever the result.
 *
 * Return: 0, or -1 after reporting the problem.
 */
int tree_load(struct tree *t)
{
	memset(t, 0, sizeof(*t));
	if (debugfs_read("tree", &t->text))
		return -1;
	return tree_parse(t, false);
}

void tree_release(struct tree *t)
{
	free(t->text);
	free(t->parsed);
	free(t->nodes);
}

/* The tree as an array of nodes, a member @key of the open object or not. */
void tree_json(struct json *j, const char *key, const struct tree *t)
{
	unsigned long long pid;
	size_t i;

	json_open(j, key, '[');
	for (i = 0; i < t->nr; i++) {
		const struct tree_node *n = &t->nodes[i];

		json_open(j, NULL, '{');
		json_u64(j, "pfn_first", n->pfn_first);
		json_u64(j, "pfn_last", n->pfn_last);
		json_u64(j, "order", n->order);
		json_u64(j, "pages", n->pages);
		json_str(j, "state", n->state);
		json_u64(j, "depth", n->depth);
		if (n->tag)
			json_str(j, "tag", n->tag);
		if (n->pid && parse_u64(n->pid, &pid))
			json_u64(j, "pid", pid);
		json_close(j);
	}
	json_close(j);
}

static int view_tree(void)
{
	struct json j;
	struct tree t;
	int ret;

	ret = tree_load(&t);
	if (!ret && opt.json) {
		json_begin(&j);
		tree_json(&j, NULL, &t);
		json_end(&j);
	} else if (!ret) {
		fputs(t.text, stdout);
	}
	tree_release(&t);
	return ret;
}

/* === The mm/vmstat.c lines: buddyinfo, unusable_index, extfrag_index === */

/* "Node N, zone NAME", then a value per order 0..max_order. */
#define ZONE_WORDS	(4 + BUDDY_CORE_MAX_ORDER + 1)

/* "Node 0, zone    buddy      1      0 ...", cut up. */
struct zone_line {
	char *text;
	char line[160];			/* as read, for errors */
	char *word[ZONE_WORDS];
	char node[16];
	const char *zone;
	int nr;				/* values, one per order */
	char **val;			/* word + 4 */
};

/*
 * Reads the one line of @name and cuts it into words; the values are the
 * caller's to check.  As many as the module can print, max_order 40.
 */
static int zone_read(const char *name, struct zone_line *z)
{
	char *p, *line, *w;
	int n = 0;
	size_t len;

	memset(z, 0, sizeof(*z));
	if (debugfs_read(name, &z->text))
		return -1;
	p = z->text;
	line = next_line(&p);
	if (!line)
		return empty_file(name);
	snprintf(z->line, sizeof(z->line), "%s", line);
	if (*p)
		return bad_line_why(name, 2, p, "the module writes one line");
	for (w = line; *(w += strspn(w, " \t")); n++) {
		if (n == ZONE_WORDS)
			return bad_line_why(name, 1, z->line,
					    "more orders than max_order 40 has");
		z->word[n] = w;
		w += strcspn(w, " \t");
		if (*w)
			*w++ = '\0';
	}
	if (n < 5 || strcmp(z->word[0], "Node") || strcmp(z->word[2], "zone"))
		return bad_line(name, 1, z->line);
	len = strlen(z->word[1]);
	if (len < 2 || len >= sizeof(z->node) || z->word[1][len - 1] != ',')
		return bad_line(name, 1, z->line);
	memcpy(z->node, z->word[1], len - 1);
	z->node[len - 1] = '\0';
	if (!is_decimal(z->node))
		return bad_line(name, 1, z->line);
	z->zone = z->word[3];
	z->nr = n - 4;
	z->val = z->word + 4;
	return 0;
}

static void zone_release(struct zone_line *z)
{
	free(z->text);
}

/* "0.142", "1.000", "-1.000", "-0.500": an index as the module prints it. */
static bool is_index(const char *s)
{
	const char *dot;

	s += *s == '-';
	dot = strchr(s, '.');
	return dot && dot > s && strspn(s, "0123456789") == (size_t)(dot - s) &&
	       strspn(dot + 1, "0123456789") == 3 && !dot[4];
}

/* "order      0      1 ...": a header over values printed "%6s ". */
static void order_header(int width, int nr)
{
	int i;

	printf("%*s ", width - 1, "order");
	for (i = 0; i < nr; i++)
		printf("%6d ", i);
	putchar('\n');
}

static int view_buddyinfo(void)
{
	unsigned long long v;
	struct zone_line z;
	struct json j;
	int i, width;

	if (zone_read("buddyinfo", &z))
		goto err;
	for (i = 0; i < z.nr; i++)
		if (!is_decimal(z.val[i]) || !parse_u64(z.val[i], &v))
			goto bad;
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_u64(&j, "node", strtoull(z.node, NULL, 10));
		json_str(&j, "zone", z.zone);
		json_open(&j, "free_blocks", '[');
		for (i = 0; i < z.nr; i++) {
			parse_u64(z.val[i], &v);
			json_u64(&j, NULL, v);
		}
		json_close(&j);
		json_close(&j);
		json_end(&j);
	} else {
		width = snprintf(NULL, 0, "Node %s, zone %8s ", z.node, z.zone);
		order_header(width, z.nr);
		printf("Node %s, zone %8s ", z.node, z.zone);
		for (i = 0; i < z.nr; i++)
			printf("%6s ", z.val[i]);
		putchar('\n');
	}
	zone_release(&z);
	return 0;
bad:
	bad_line("buddyinfo", 1, z.line);
err:
	zone_release(&z);
	return -1;
}

/* unusable_index and extfrag_index, one row each under an order header. */
static int view_frag(void)
{
	static const char *const name[] = { "unusable_index", "extfrag_index" };
	struct zone_line z[2];
	struct json j;
	int i, k, ret = -1;

	memset(z, 0, sizeof(z));
	for (k = 0; k < 2; k++) {
		if (zone_read(name[k], &z[k]))
			goto out;
		for (i = 0; i < z[k].nr; i++) {
			if (!is_index(z[k].val[i])) {
				bad_line(name[k], 1, z[k].line);
				goto out;
			}
		}
	}
	if (z[1].nr != z[0].nr) {
		bad_line_why(name[1], 1, z[1].line,
			     "not as many orders as in unusable_index");
		goto out;
	}
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_u64(&j, "node", strtoull(z[0].node, NULL, 10));
		json_str(&j, "zone", z[0].zone);
		for (k = 0; k < 2; k++) {
			json_open(&j, name[k], '[');
			for (i = 0; i < z[k].nr; i++)
				json_num(&j, NULL, z[k].val[i]);
			json_close(&j);
		}
		json_close(&j);
		json_end(&j);
	} else {
		printf("Node %s, zone %s\n", z[0].node, z[0].zone);
		order_header(15, z[0].nr);
		for (k = 0; k < 2; k++) {
			printf("%-14s ", name[k]);
			for (i = 0; i < z[k].nr; i++)
				printf("%6s ", z[k].val[i]);
			putchar('\n');
		}
	}
	ret = 0;
out:
	for (k = 0; k < 2; k++)
		zone_release(&z[k]);
	return ret;
}

/* === Stats: "name value" lines === */

static int view_stats(void)
{
	unsigned long long v;
	char *text, *p, *line, saved[160];
	struct kv_line *l = NULL;
	unsigned long nr = 0, i;
	struct json j;
	void *bigger;
	int ret = -1;

	if (debugfs_read("stats", &text))
		return -1;
	for (p = text; (line = next_line(&p)); nr++) {
		bigger = realloc(l, (nr + 1) * sizeof(*l));
		if (!bigger) {
			report("stats", ENOMEM, CTX_ANY, NULL);
			goto out;
		}
		l = bigger;
		snprintf(saved, sizeof(saved), "%s", line);
		if (kv_split(line, &l[nr], NULL) || l[nr].n != 2 ||
		    l[nr].kv[0].val || l[nr].kv[1].val ||
		    strspn(l[nr].kv[0].key, "abcdefghijklmnopqrstuvwxyz_0123456789") !=
		    strlen(l[nr].kv[0].key) ||
		    !is_decimal(l[nr].kv[1].key) ||
		    !parse_u64(l[nr].kv[1].key, &v)) {
			bad_line("stats", nr + 1, saved);
			goto out;
		}
	}
	if (!nr) {
		empty_file("stats");
		goto out;
	}
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
	}
	for (i = 0; i < nr; i++) {
		if (opt.json) {
			parse_u64(l[i].kv[1].key, &v);
			json_u64(&j, l[i].kv[0].key, v);
		} else {
			printf("%-24s %s\n", l[i].kv[0].key, l[i].kv[1].key);
		}
	}
	if (opt.json) {
		json_close(&j);
		json_end(&j);
	}
	ret = 0;
out:
	free(l);
	free(text);
	return ret;
}

/* === Tables of key=value lines: allocations, a session's blocks === */

struct column {
	const char *key;
	const char *header;
	bool right;			/* numbers: aligned right */
};

static const struct column alloc_columns[] = {
	{ "pfn", "PFN", false },
	{ "order", "ORDER", true },
	{ "pages", "PAGES", true },
	{ "tag", "TAG", false },
	{ "pid", "PID", true },
	{ "age_ms", "AGE_MS", true },
	{ "request", "REQUEST", false },
	{ "waste", "WASTE", true },
	{ "owner", "OWNER", false },
	{ "comm", "COMM", false },
	{ }
};

static const struct column session_columns[] = {
	{ "pfn", "PFN", false },
	{ "order", "ORDER", true },
	{ "pages", "PAGES", true },
	{ "tag", "TAG", false },
	{ "request", "REQUEST", false },
	{ "waste", "WASTE", true },
	{ "phys_addr", "PHYS_ADDR", false },
	{ }
};

static const struct {
	const char *name;		/* for errors */
	const char *empty;		/* human output of no rows */
	const struct column *columns;
	const char *const *keys;	/* those every line has */
} row_kinds[] = {
	[ROWS_ALLOCATIONS] = { "allocations", "no allocations\n",
			       alloc_columns, (const char *const[]){
		"pfn", "order", "pages", "pid", "age_ms", "request", "waste",
		"owner", "comm", NULL } },
	[ROWS_SESSION] = { "list", "this session holds no blocks\n",
			   session_columns, (const char *const[]){
		"pfn", "order", "pages", "request", "waste", "phys_addr",
		NULL } },
};

/*
 * A line of a table, as the module writes one: every key of @keys, a pfn,
 * an order, its pages, and numbers where numbers go.
 */
static bool row_valid(const struct kv_line *l, const char *const *keys)
{
	static const char *const numbers[] = {
		"pfn", "order", "pages", "pid", "age_ms", "waste", "phys_addr",
	};
	unsigned long long order, pages, v;
	const char *val;
	size_t i;

	for (; *keys; keys++)
		if (!kv_get(l, *keys))
			return false;
	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		val = kv_get(l, numbers[i]);
		if (val && !parse_u64(val, &v))
			return false;
	}
	parse_u64(kv_get(l, "order"), &order);
	parse_u64(kv_get(l, "pages"), &pages);
	return order < 64 && pages == 1ULL << order;
}

static void rows_table(const struct column *col, const struct kv_line *l,
		       size_t nr)
{
	size_t width[16], c, i, len;
	const char *val;

	for (c = 0; col[c].key; c++) {
		width[c] = strlen(col[c].header);
		for (i = 0; i < nr; i++) {
			val = kv_get(&l[i], col[c].key);
			len = val ? strlen(val) : 1;
			if (len > width[c])
				width[c] = len;
		}
	}
	for (i = 0; i <= nr; i++) {
		for (c = 0; col[c].key; c++) {
			val = i ? kv_get(&l[i - 1], col[c].key) : col[c].header;
			if (!val)
				val = "-";
			if (!col[c + 1].key)
				printf("%s\n", val);
			else
				printf(col[c].right ? "%*s  " : "%-*s  ",
				       (int)width[c], val);
		}
	}
}

/**
 * rows_print() - Print key=value lines as a table or a JSON array.
 * @subject: What they are, for errors (a debugfs file name).
 * @text: The lines; cut up in place.
 * @rest_key: The key whose value is the rest of a line, or NULL.
 * @which: ROWS_ALLOCATIONS or ROWS_SESSION: the columns and wording.
 *
 * Return: 0, or -1 after reporting a malformed line.
 */
int rows_print(const char *subject, char *text, const char *rest_key,
	       enum rows_kind which)
{
	struct kv_line *l = NULL;
	char *line, *copy, *start = text;
	size_t nr = 0, cap = 0, i;
	struct json j;
	void *bigger;
	int ret = -1;

	copy = strdup(text);
	if (!copy)
		goto err_nomem;
	while ((line = next_line(&text))) {
		/* Doubling: a session may list a million blocks. */
		if (nr == cap) {
			cap = cap ? 2 * cap : 64;
			bigger = realloc(l, cap * sizeof(*l));
			if (!bigger)
				goto err_nomem;
			l = bigger;
		}
		if (kv_split(line, &l[nr], rest_key) ||
		    !row_valid(&l[nr], row_kinds[which].keys)) {
			/* The original line: kv_split() cut this one up. */
			bad_line(subject, nr + 1, copy + (line - start));
			goto out;
		}
		nr++;
	}
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '[');
		for (i = 0; i < nr; i++) {
			json_open(&j, NULL, '{');
			json_kv(&j, &l[i]);
			json_close(&j);
		}
		json_close(&j);
		json_end(&j);
	} else if (!nr) {
		fputs(row_kinds[which].empty, stdout);
	} else {
		rows_table(row_kinds[which].columns, l, nr);
	}
	ret = 0;
	goto out;

err_nomem:
	report(row_kinds[which].name, ENOMEM, CTX_ANY, NULL);
out:
	free(copy);
	free(l);
	return ret;
}

/*
 * @text, with every byte outside printable ASCII but newlines written as
 * "\ooo" (shown_len()), malloc()ed; NULL if out of memory.  The module
 * escapes comm so, and a raw byte there is none it wrote: it must not
 * reach the terminal as it is, a terminal escape least of all.
 * Backslashes stay: the module's own are already "\\".
 */
static char *escape_raw(const char *text)
{
	char *out = malloc(4 * strlen(text) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *text; text++) {
		if (shown_len(text, SHOW_NL))
			*o++ = *text;
		else
			o += sprintf(o, ESC_BYTE, (unsigned char)*text);
	}
	*o = '\0';
	return out;
}

static int view_allocations(void)
{
	char *text, *shown;
	int ret;

	if (debugfs_read("allocations", &text))
		return -1;
	shown = escape_raw(text);
	free(text);
	if (!shown) {
		report("allocations", ENOMEM, CTX_ANY, NULL);
		return -1;
	}
	ret = rows_print("allocations", shown, "comm", ROWS_ALLOCATIONS);
	free(shown);
	return ret;
}

/*
 * A line the module wrote from its own strings (a note, a legend, check's
 * reason): printable ASCII only.  Anything else is not the module's, and
 * must not reach the terminal.
 */
static bool plain_text(const char *s)
{
	while (*s && shown_len(s, 0))
		s++;
	return !*s;
}

/* === Check === */

/* "ok", or "broken: ...": the latter is a failure (exit status 1). */
static int view_check(void)
{
	char *text, *p, *line;
	struct json j;
	int ret = -1;

	if (debugfs_read("check", &text))
		return -1;
	p = text;
	line = next_line(&p);
	if (line && !strcmp(line, "ok")) {
		ret = 0;
	} else if (!line || strncmp(line, "broken:", 7) || !plain_text(line)) {
		bad_line("check", 1, line ? line : "");
		goto out;
	}
	if (opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_bool(&j, "ok", !ret);
		if (ret)
			json_str(&j, "broken", line + 7 + strspn(line + 7, " "));
		json_close(&j);
		json_end(&j);
	} else {
		printf("%s\n", line);
	}
out:
	free(text);
	return ret;
}

/* === The allocator's steps, bitmaps and memory bar === */

/*
 * A view of lines: each is checked by @parse (which may cut it up) before
 * anything is printed; then the text as is, or one JSON document whose
 * members @json writes line by line.
 */
struct lines_view {
	const char *file;		/* in debugfs */
	const char *array;		/* the JSON array of lines */
	bool (*parse)(char *line, struct kv_line *l);
	void (*json)(struct json *j, const struct kv_line *l);
	void (*json_end)(struct json *j, char *text);	/* may be NULL */
	bool never_empty;		/* the module always writes a line */
};

static int lines_view(const struct lines_view *v)
{
	char *text, *copy = NULL, *p, *line;
	unsigned long nr = 0;
	struct kv_line l;
	struct json j;
	int ret = -1;

	if (debugfs_read(v->file, &text))
		return -1;
	copy = strdup(text);
	if (!copy) {
		report(v->file, ENOMEM, CTX_ANY, NULL);
		goto out;
	}
	for (p = copy; (line = next_line(&p)); ) {
		char shown[160];

		nr++;
		/* The parser cuts the line up: show it as it was read. */
		snprintf(shown, sizeof(shown), "%s", line);
		if (!v->parse(line, &l)) {
			bad_line(v->file, nr, shown);
			goto out;
		}
	}
	if (!nr && v->never_empty) {
		empty_file(v->file);
		goto out;
	}
	ret = 0;
	if (!opt.json) {
		fputs(text, stdout);
		goto out;
	}
	memcpy(copy, text, strlen(text) + 1);
	json_begin(&j);
	json_open(&j, NULL, '{');
	json_open(&j, v->array, '[');
	for (p = copy; (line = next_line(&p)); ) {
		v->parse(line, &l);
		v->json(&j, &l);
	}
	json_close(&j);
	if (v->json_end) {
		memcpy(copy, text, strlen(text) + 1);
		v->json_end(&j, copy);
	}
	json_close(&j);
	json_end(&j);
out:
	free(copy);
	free(text);
	return ret;
}

/* "seq=N STEP key=value ..." with a STEP the module reports. */
static bool event_parse(char *line, struct kv_line *l)
{
	static const char *const steps[] = {
		"alloc", "free", "split", "merge", "stop", "fail", "reject",
	};
	size_t i;

	if (kv_split(line, l, NULL) || l->n < 2 ||
	    strcmp(l->kv[0].key, "seq") || !l->kv[0].val ||
	    !is_decimal(l->kv[0].val) || l->kv[1].val)
		return false;
	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (!strcmp(l->kv[1].key, steps[i]))
			return true;
	return false;
}

static void event_json(struct json *j, const struct kv_line *l)
{
	struct kv_line rest = *l;

	/* seq and the step first, then the step's keys. */
	rest.n = l->n - 2;
	memmove(rest.kv, l->kv + 2, rest.n * sizeof(rest.kv[0]));
	json_open(j, NULL, '{');
	json_u64(j, "seq", strtoull(l->kv[0].val, NULL, 10));
	json_str(j, "step", l->kv[1].key);
	json_kv(j, &rest);
	json_close(j);
}

/* The blocks of "0100" (a bit per block) or "1/4" (ones/blocks); 0: neither. */
static unsigned long long bits_blocks(const char *s)
{
	unsigned long long ones, blocks;
	const char *slash = strchr(s, '/');
	char num[24];

	if (!slash)
		return *s && !s[strspn(s, "01")] ? strlen(s) : 0;
	if ((size_t)(slash - s) >= sizeof(num))
		return 0;
	memcpy(num, s, slash - s);
	num[slash - s] = '\0';
	if (!is_decimal(num) || !is_decimal(slash + 1) ||
	    !parse_u64(num, &ones) || !parse_u64(slash + 1, &blocks) ||
	    ones > blocks)
		return 0;
	return blocks;
}

/*
 * "order=K free=BITS split=BITS", or a "# ..." note.  BITS are as many 0s
 * and 1s as blocks of order K, or ONES/BLOCKS; split is "-" at order 0.
 */
static bool bits_parse(char *line, struct kv_line *l)
{
	unsigned long long order, blocks;
	const char *free_bits, *split_bits;

	if (line[0] == '#') {
		l->n = 0;
		return plain_text(line);
	}
	if (kv_split(line, l, NULL) || l->n != 3 ||
	    strcmp(l->kv[0].key, "order") || !l->kv[0].val ||
	    !is_decimal(l->kv[0].val) || !parse_u64(l->kv[0].val, &order) ||
	    strcmp(l->kv[1].key, "free") || !l->kv[1].val ||
	    strcmp(l->kv[2].key, "split") || !l->kv[2].val)
		return false;
	free_bits = l->kv[1].val;
	split_bits = l->kv[2].val;
	blocks = bits_blocks(free_bits);
	if (!blocks)
		return false;
	if (!order)
		return !strcmp(split_bits, "-");
	return bits_blocks(split_bits) == blocks &&
	       !strchr(free_bits, '/') == !strchr(split_bits, '/');
}

static void bits_json(struct json *j, const struct kv_line *l)
{
	if (!l->n)
		return;
	json_open(j, NULL, '{');
	json_u64(j, "order", strtoull(l->kv[0].val, NULL, 10));
	json_str(j, "free", l->kv[1].val);
	json_str(j, "split", l->kv[2].val);
	json_close(j);
}

static const char map_cell_chars[] =
	"|.*?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* "0x2410 |AA|..|....|", or a "# ..." legend or key line. */
static bool map_parse(char *line, struct kv_line *l)
{
	unsigned long long pfn;
	char *cells;

	l->n = 0;
	if (line[0] == '#')
		return plain_text(line);
	cells = strchr(line, ' ');
	if (!cells)
		return false;
	*cells++ = '\0';
	l->kv[0].key = line;
	l->kv[0].val = cells;
	l->n = 1;
	return parse_u64(line, &pfn) && *cells &&
	       !cells[strspn(cells, map_cell_chars)];
}

static void map_json(struct json *j, const struct kv_line *l)
{
	unsigned long long pfn;

	if (!l->n || !parse_u64(l->kv[0].key, &pfn))
		return;
	json_open(j, NULL, '{');
	json_u64(j, "pfn", pfn);
	json_str(j, "cells", l->kv[0].val);
	json_close(j);
}

static void map_json_end(struct json *j, char *text)
{
	char *line;

	json_open(j, "legend", '[');
	while ((line = next_line(&text)))
		if (line[0] == '#')
			json_str(j, NULL, line + 1 + strspn(line + 1, " "));
	json_close(j);
}

static int view_events(void)
{
	static const struct lines_view v = {
		"events", "events", event_parse, event_json, NULL, false,
	};

	return lines_view(&v);
}

static int view_bits(void)
{
	static const struct lines_view v = {
		"bitmaps", "orders", bits_parse, bits_json, NULL, true,
	};

	return lines_view(&v);
}

static int view_map(void)
{
	static const struct lines_view v = {
		"map", "rows", map_parse, map_json, map_json_end, true,
	};

	return lines_view(&v);
}

/* === Dispatch === */

static const struct {
	const char *name;
	int (*show)(void);
} views[] = {
	{ "tree", view_tree },
	{ "buddyinfo", view_buddyinfo },
	{ "frag", view_frag },
	{ "stats", view_stats },
	{ "allocations", view_allocations },
	{ "check", view_check },
	{ "events", view_events },
	{ "bits", view_bits },
	{ "map", view_map },
};

bool view_exists(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(views); i++)
		if (!strcmp(views[i].name, name))
			return true;
	return false;
}

/**
 * view_run() - Show a debugfs view.
 * @name: "tree", "buddyinfo", "frag", "stats", "allocations", "check",
 *        "events", "bits" or "map".
 *
 * Return: 0, or -1 after reporting the failure (or a broken check).
 */
int view_run(const char *name)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(views); i++) {
		if (!strcmp(views[i].name, name)) {
			ret = views[i].show();
			flush_stdout();
			return ret;
		}
	}
	return -1;
}

/* === /dev/buddy === */

/* "4 KiB", "1 MiB", or bytes when no binary unit divides the size. */
static const char *size_str(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB" };
	int u = 0;

	while (u < 6 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", bytes, unit[u]);
	return buf;
}

static void info_human(const struct buddy_info *info, unsigned int nr)
{
	unsigned long long last = info->first_pfn + info->nr_pages - 1;
	unsigned long long ps = info->page_size;
	char a[32], b[32];
	unsigned int order;

	printf("pool        pfn %#llx-%#llx: %llu pages of %s (%s)\n",
	       (unsigned long long)info->first_pfn, last,
	       (unsigned long long)info->nr_pages, size_str(ps, a, sizeof(a)),
	       size_str(info->nr_pages * ps, b, sizeof(b)));
	printf("phys        %#llx-%#llx\n",
	       (unsigned long long)info->first_pfn * ps, (last + 1) * ps - 1);
	printf("max_order   %u: blocks of 1 to %llu pages (%s)\n",
	       info->max_order, 1ULL << (info->max_order & 63),
	       size_str(ps << (info->max_order & 63), a, sizeof(a)));
	printf("free        %llu pages (%.1f%%)\n",
	       (unsigned long long)info->free_pages,
	       info->nr_pages ? 100.0 * info->free_pages / info->nr_pages : 0);
	printf("allocated   %llu pages in %llu block%s\n",
	       (unsigned long long)info->allocated_pages,
	       (unsigned long long)info->nr_allocations,
	       info->nr_allocations == 1 ? "" : "s");
	printf("metadata    %llu bytes\n", (unsigned long long)info->meta_bytes);
	printf("\n%5s  %10s  %11s  %10s\n", "order", "block", "free blocks",
	       "free pages");
	for (order = 0; order < nr; order++)
		printf("%5u  %10s  %11llu  %10llu\n", order,
		       size_str(ps << order, a, sizeof(a)),
		       (unsigned long long)info->free_blocks[order],
		       (unsigned long long)info->free_blocks[order] << order);
}

static void info_json(const struct buddy_info *info, unsigned int nr)
{
	unsigned int order;
	struct json j;

	json_begin(&j);
	json_open(&j, NULL, '{');
	json_u64(&j, "first_pfn", info->first_pfn);
	json_u64(&j, "last_pfn", info->first_pfn + info->nr_pages - 1);
	json_u64(&j, "nr_pages", info->nr_pages);
	json_u64(&j, "page_size", info->page_size);
	json_u64(&j, "max_order", info->max_order);
	json_u64(&j, "nr_orders", info->nr_orders);
	json_u64(&j, "free_pages", info->free_pages);
	json_u64(&j, "allocated_pages", info->allocated_pages);
	json_u64(&j, "nr_allocations", info->nr_allocations);
	json_u64(&j, "meta_bytes", info->meta_bytes);
	json_open(&j, "free_blocks", '[');
	for (order = 0; order < nr; order++)
		json_u64(&j, NULL, info->free_blocks[order]);
	json_close(&j);
	json_close(&j);
	json_end(&j);
}

/**
 * info_show() - BUDDY_IOC_INFO, printed.
 * @fd: An open /dev/buddy.
 *
 * Return: 0, or -1 after reporting the failure.
 */
int info_show(int fd)
{
	struct buddy_info info;
	unsigned int nr;

	memset(&info, 0, sizeof(info));
	if (dev_ioctl(fd, BUDDY_IOC_INFO, &info)) {
		report("info", errno, CTX_DEV, NULL);
		return -1;
	}
	nr = info.nr_orders;
	if (nr > BUDDY_MAX_ORDERS || nr != info.max_order + 1 ||
	    !info.nr_pages || !info.page_size) {
		report("info", EBADMSG, CTX_ANY,
		       "the module answered nonsense (nr_orders %u, max_order %u, nr_pages %llu, page_size %llu)",
		       info.nr_orders, info.max_order,
		       (unsigned long long)info.nr_pages,
		       (unsigned long long)info.page_size);
		return -1;
	}
	if (opt.json)
		info_json(&info, nr);
	else
		info_human(&info, nr);
	flush_stdout();
	return 0;
}

/* === Results of alloc, free and reset === */

/* Where the steps start in a command's text: its first "seq=" line. */
static char *steps_of(char *text)
{
	char *p = text;

	while (*p && strncmp(p, "seq=", 4) && strncmp(p, "truncated ", 10)) {
		p = strchr(p, '\n');
		if (!p)
			return text + strlen(text);
		p++;
	}
	return p;
}

/**
 * result_print() - Print what a successful command did.
 * @op: The command.
 * @text: Its text in control's format: the result, e.g. "pfn=0x12340
 *        order=3 pages=8 tag=A", a "freed ..." line per block, "reset
 *        blocks=N pages=P", then its steps ("seq=..."); cut up in place.
 * @t: The tree to show after it, or NULL.
 *
 * Human: the result as is, then with --explain its steps in words.  JSON:
 * {"op": "alloc", "pfn": ..., ...}, {"op": "free", "freed": [{...},
 * ...]}, {"op": "reset", "blocks": N, "pages": P}, with "tree": [...] when
 * @t is given, and with --explain "steps": [{"seq": N, "step": ...}, ...]
 * and "explain": ["...", ...].
 */
void result_print(enum buddy_cmd_op op, char *text, const struct tree *t)
{
	bool many = op == BUDDY_CMD_FREE || op == BUDDY_CMD_FREE_TAG;
	char *steps = strdup(steps_of(text)), *line;
	struct kv_line l;
	struct json j;

	*steps_of(text) = '\0';
	if (!opt.json) {
		fputs(text, stdout);
		if (opt.explain && steps)
			explain_print(steps, NULL);
		if (t)
			fputs(t->text, stdout);
		flush_stdout();
		free(steps);
		return;
	}
	json_begin(&j);
	json_open(&j, NULL, '{');
	json_str(&j, "op", op == BUDDY_CMD_ALLOC ? "alloc" :
			   op == BUDDY_CMD_RESET ? "reset" : "free");
	if (many)
		json_open(&j, "freed", '[');
	while ((line = next_line(&text))) {
		if (kv_split(line, &l, NULL))
			continue;
		if (many)
			json_open(&j, NULL, '{');
		json_kv(&j, &l);
		if (many)
			json_close(&j);
		else
			break;
	}
	if (many)
		json_close(&j);
	if (t)
		tree_json(&j, "tree", t);
	if (opt.explain && steps)
		json_told(&j, steps);
	json_close(&j);
	json_end(&j);
	free(steps);
}

/**
 * json_told() - A command's steps, as members of the open JSON object.
 * @j: The object.
 * @text: The module's text of the command: its result or error line, then
 *        its steps ("seq=...").
 *
 * "explain": the steps in words, then "steps": [{"seq": N, "step": ...}].
 */
void json_told(struct json *j, const char *text)
{
	char *copy = strdup(text), *p = copy, *line;
	struct kv_line l;

	explain_print(text, j);
	json_open(j, "steps", '[');
	while (copy && (line = next_line(&p)))
		if (event_parse(line, &l))
			event_json(j, &l);
	json_close(j);
	free(copy);
}

/* log2 of the page size: the kernel's PAGE_SHIFT. */
unsigned int page_shift(void)
{
	long size = sysconf(_SC_PAGESIZE);

	return size > 0 ? __builtin_ctzl(size) : 12;
}

/**
 * report_alloc() - Report a refused allocation, with the order it needed.
 * @subject: The command as typed.
 * @err: Why (positive errno).
 * @cmd: The parsed command.
 * @max_order: The pool's max_order, or -1 if not known.
 */
void report_alloc(const char *subject, int err, const struct buddy_cmd *cmd,
		  int max_order)
{
	unsigned int order = cmd->bytes ?
		buddy_bytes_to_order(cmd->bytes, page_shift()) : cmd->order;
	char what[48], max[24] = "";

	snprintf(what, sizeof(what), "order %u (%llu pages)", order,
		 1ULL << order);
	if (max_order >= 0)
		snprintf(max, sizeof(max), ", %d", max_order);
	if (err == EINVAL)
		report(subject, err, CTX_ALLOC,
		       "%s is above the pool's max_order%s", what, max);
	else if (err == ENOMEM)
		report(subject, err, CTX_ALLOC,
		       "no free block of %s or larger: the pool is full or too fragmented",
		       what);
	else
		report(subject, err, CTX_ALLOC, NULL);
}

/**
 * report_free() - Report a refused free, saying where the pfn lies.
 * @subject: The command as typed.
 * @err: Why (positive errno).
 * @ctx: CTX_FREE (debugfs) or CTX_DEV_FREE (a session).
 * @pfn: The pfn asked for.
 *
 * The tree, if it can be read, tells which block @pfn lies in: the block to
 * free instead, or the free block that makes this a double free.
 */
void report_free(const char *subject, int err, enum err_ctx ctx,
		 unsigned long long pfn)
{
	const struct tree_node *n;
	struct tree t = { };
	size_t i;

	if ((err != EINVAL && err != EALREADY && err != ERANGE) ||
	    bk_file("tree", &t.text, NULL) || tree_parse(&t, true) ||
	    !t.nr)
		goto plain;
	if (err == ERANGE) {
		/* Roots come in pfn order. */
		report(subject, err, ctx, "%s: the pool is 0x%llx-0x%llx",
		       errno_text(err, ctx), t.nodes[0].pfn_first,
		       t.nodes[t.nr - 1].pfn_last);
		goto out;
	}
	for (i = 0; i < t.nr; i++) {
		n = &t.nodes[i];
		if (strcmp(n->state, "split") && n->pfn_first <= pfn &&
		    pfn <= n->pfn_last) {
			report(subject, err, ctx,
			       "%s; the block is 0x%llx-0x%llx (order %u, %s)",
			       errno_text(err, ctx), n->pfn_first,
			       n->pfn_last, n->order, n->state);
			goto out;
		}
	}
plain:
	report(subject, err, ctx, NULL);
out:
	tree_release(&t);
}
