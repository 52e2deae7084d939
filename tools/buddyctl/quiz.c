// SPDX-License-Identifier: GPL-2.0
/*
 * quiz.c - predict, then see: buddyctl quiz [--seed N] [--steps N]
 *          [--level 1|2|3] [--answers]
 *
 * A sequence of allocations and frees drawn from a seed (the same on
 * every machine, for a pool of the same geometry, in the module or the
 * twin) runs in a session.  Before the allocator's answer to each step is
 * shown, the student predicts it: level 1, the pfn an allocation returns;
 * level 2, also how many splits (or, for a free, merges) it makes; level
 * 3, also the buddyinfo line after it.  Each answer is marked right or
 * wrong, then the step is shown with its steps in words, and the quiz
 * ends with "score: X/Y".  --answers prints the answer key, one answer
 * per line in the order asked, so "quiz --answers > key; quiz < key"
 * scores full marks (a pipe only in the twin: two quizzes at once would
 * share the module's pool).  A blank or malformed answer is asked again,
 * told what an answer looks like; the end of input ends the quiz with the
 * score so far.
 *
 * The allocator is the judge: each step runs before its question (its
 * output kept back), and the answers are what it did: the block the
 * session got, the steps the allocator reported, its buddyinfo, never the
 * printed result, so that --json marks and keys as the text does.
 *
 * With --json every line is a document: {"seed": N, ...} first, then per
 * step {"step": N, "command": "..."}, per question {"step": N,
 * "question": "pfn", "ask": "..."} and, once answered, {..., "answer":
 * "...", "right": true, "key": ...} (or "valid": false, asked again), the
 * step's own result as run --json --explain prints it, and {"right": X,
 * "asked": Y} last.  The key is {"step": N, "command": "...", "question":
 * "pfn", "key": ...} per answer.  Keys are numbers (a pfn, a count), null
 * (no pfn: the allocation fails) or an array of numbers (buddyinfo).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buddyctl.h"

#define QUIZ_HELD	64	/* blocks the quiz holds at most */

struct quiz {
	struct session *s;
	unsigned long long seed;
	unsigned int level;
	unsigned int max_order;
	unsigned int nr_orders;
	unsigned long long held[QUIZ_HELD];
	unsigned int nr_held;
	unsigned int asked, right;
	unsigned int step;		/* the step in hand, from 1 */
	bool failed;			/* the last alloc failed */
	const char *cmd;		/* its command */
	char *input;
	size_t input_cap;
	bool eof;
};

/* One question: what it asks, how an answer is read, how its key is shown. */
struct question {
	const char *name;		/* in JSON: "pfn", "splits", ... */
	const char *prompt;
	bool (*valid)(const char *answer, unsigned int nr_orders);
	/* What a valid answer looks like, in a pool of @nr_orders orders. */
	void (*form)(char *buf, size_t len, unsigned int nr_orders);
	bool (*same)(const char *answer, const char *key);
	void (*json)(struct json *j, const char *name, const char *key);
};

static unsigned long long next_random(unsigned long long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The next step's command, drawn from the seed. */
static void draw_step(struct quiz *q, unsigned int i, char *cmd, size_t len)
{
	unsigned long long r = next_random(&q->seed);
	unsigned int top = q->max_order < 3 ? q->max_order : 3, k;

	/*
	 * A free a third of the time, and always after an alloc that failed:
	 * a full pool would ask "none" again and again.
	 */
	if (q->nr_held &&
	    (q->nr_held == QUIZ_HELD || q->failed || r % 3 == 0)) {
		k = (r >> 8) % q->nr_held;
		snprintf(cmd, len, "free 0x%llx", q->held[k]);
		q->held[k] = q->held[--q->nr_held];
		return;
	}
	/* Small orders mostly, as a system's requests are. */
	k = (r >> 8) % 8;
	snprintf(cmd, len, "alloc %u tag=q%u", k < 4 ? 0 : k < 6 ? 1 % (top + 1) :
		 k < 7 ? 2 % (top + 1) : top, i);
}

static unsigned int count_steps(const char *steps, const char *name)
{
	char pat[16];
	unsigned int n = 0;
	const char *p = steps;

	snprintf(pat, sizeof(pat), " %s ", name);
	while ((p = strstr(p, pat))) {
		n++;
		p++;
	}
	return n;
}

/* A document about the step in hand: {"step": N, then the caller's members. */
static void step_doc(struct quiz *q, struct json *j)
{
	json_begin(j);
	json_open(j, NULL, '{');
	json_u64(j, "step", q->step);
}

static void doc_end(struct json *j)
{
	json_close(j);
	json_end(j);
}

/* The buddyinfo numbers, "0 1 1 1 0", from the module's line. */
static void buddyinfo_numbers(char *out, size_t len)
{
	char *text, *p, *word;
	int n = 0;
	size_t at = 0;

	out[0] = '\0';
	if (bk_file("buddyinfo", &text, NULL))
		return;
	/* "Node 0, zone    buddy      0      1 ...": numbers from the 4th. */
	for (p = text; (word = strtok(n ? NULL : p, " \t\n")); n++)
		if (n >= 4 && at < len)
			at += snprintf(out + at, len - at, "%s%s",
				       at ? " " : "", word);
	free(text);
}

/* One answer line; false at the end of input. */
static bool read_answer(struct quiz *q, const struct question *qn)
{
	struct json j;
	ssize_t n;

	if (opt.json) {
		step_doc(q, &j);
		json_str(&j, "question", qn->name);
		json_str(&j, "ask", qn->prompt);
		doc_end(&j);
	} else {
		printf("  %s > ", qn->prompt);
		flush_stdout();
	}
	n = getline(&q->input, &q->input_cap, stdin);
	if (n < 0) {
		q->eof = true;
		if (!opt.json)
			putchar('\n');
		return false;
	}
	q->input[strcspn(q->input, "\r\n")] = '\0';
	/* Blanks around an answer are not part of it: ask() skips the first. */
	q->input[blank_trimmed_len(q->input, strlen(q->input))] = '\0';
	/* Echo it when it did not come from a person typing; any bytes. */
	if (!isatty(0) && !opt.json) {
		char shown[80];

		sanitize(shown, sizeof(shown), q->input);
		printf("%s\n", shown);
	}
	return true;
}

/* Asks @qn until the answer parses; false at the end of input. */
static bool ask(struct quiz *q, const struct question *qn, const char *key)
{
	char form[80];
	struct json j;
	const char *a;
	bool right;

	for (;;) {
		if (!read_answer(q, qn))
			return false;
		a = q->input + strspn(q->input, " \t");
		if (qn->valid(a, q->nr_orders))
			break;
		if (!opt.json) {
			qn->form(form, sizeof(form), q->nr_orders);
			printf("  (that is not an answer to this: %s; again)\n",
			       form);
			continue;
		}
		step_doc(q, &j);
		json_str(&j, "question", qn->name);
		json_str(&j, "answer", a);
		json_bool(&j, "valid", false);
		doc_end(&j);
	}
	q->asked++;
	right = qn->same(a, key);
	q->right += right;
	if (opt.json) {
		step_doc(q, &j);
		json_str(&j, "question", qn->name);
		json_str(&j, "answer", a);
		json_bool(&j, "right", right);
		qn->json(&j, "key", key);
		doc_end(&j);
	} else if (right) {
		printf("  right: %s\n", key);
	} else {
		printf("  wrong: it is %s\n", key);
	}
	return true;
}

static bool pfn_valid(const char *a, unsigned int nr_orders)
{
	unsigned long long v;

	(void)nr_orders;
	return !strcasecmp(a, "none") || parse_u64(a, &v);
}

static void pfn_form(char *buf, size_t len, unsigned int nr_orders)
{
	(void)nr_orders;
	snprintf(buf, len, "a pfn, 0x hex or decimal, or none");
}

static bool pfn_same(const char *a, const char *key)
{
	unsigned long long x, y;

	if (!strcasecmp(a, "none") || !strcmp(key, "none"))
		return !strcasecmp(a, key);
	return parse_u64(a, &x) && parse_u64(key, &y) && x == y;
}

static void pfn_json(struct json *j, const char *name, const char *key)
{
	unsigned long long pfn;

	if (parse_u64(key, &pfn))
		json_u64(j, name, pfn);
	else
		json_null(j, name);
}

static bool count_valid(const char *a, unsigned int nr_orders)
{
	(void)nr_orders;
	return is_decimal(a) && strlen(a) < 4;
}

static void count_form(char *buf, size_t len, unsigned int nr_orders)
{
	(void)nr_orders;
	snprintf(buf, len, "a number");
}

static bool count_same(const char *a, const char *key)
{
	return strtoul(a, NULL, 10) == strtoul(key, NULL, 10);
}

static void count_json(struct json *j, const char *name, const char *key)
{
	json_u64(j, name, strtoull(key, NULL, 10));
}

/* NR_ORDERS decimal numbers, blank separated. */
static bool counts_valid(const char *a, unsigned int nr_orders)
{
	unsigned int n = 0;
	const char *p = a;

	while (*p) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		if (!strchr("0123456789", *p))
			return false;
		p += strspn(p, "0123456789");
		if (*p && *p != ' ' && *p != '\t')
			return false;
		n++;
	}
	return n == nr_orders;
}

static void counts_form(char *buf, size_t len, unsigned int nr_orders)
{
	snprintf(buf, len, "%u numbers, the free blocks of orders 0 to %u",
		 nr_orders, nr_orders - 1);
}

static bool counts_same(const char *a, const char *key)
{
	const char *x = a, *y = key;
	char *end;

	for (;;) {
		x += strspn(x, " \t");
		y += strspn(y, " \t");
		if (!*x || !*y)
			return !*x && !*y;
		if (strtoul(x, &end, 10) != strtoul(y, NULL, 10))
			return false;
		x = end;
		y += strspn(y, "0123456789");
	}
}

static void counts_json(struct json *j, const char *name, const char *key)
{
	const char *p = key;
	char *end;

	json_open(j, name, '[');
	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		json_u64(j, NULL, strtoull(p, &end, 10));
		p = end;
	}
	json_close(j);
}

static const struct question q_pfn = {
	"pfn", "which pfn does it return? (none if it fails)",
	pfn_valid, pfn_form, pfn_same, pfn_json,
};

static const struct question q_splits = {
	"splits", "how many splits?", count_valid, count_form, count_same,
	count_json,
};

static const struct question q_merges = {
	"merges", "how many merges?", count_valid, count_form, count_same,
	count_json,
};

static const struct question q_buddyinfo = {
	"buddyinfo", "buddyinfo after it? (free blocks per order, order 0 first)",
	counts_valid, counts_form, counts_same, counts_json,
};

/* The answers of one step: what is asked, and what is right. */
struct answers {
	bool alloc;
	char pfn[32];
	char count[8];
	char counts[512];
};

static void answers_of(struct quiz *q, const char *steps, bool alloc,
		       struct answers *a)
{
	unsigned long long pfn;

	a->alloc = alloc;
	snprintf(a->pfn, sizeof(a->pfn), "none");
	q->failed = alloc;
	if (alloc && session_allocated(q->s, &pfn)) {
		q->failed = false;
		snprintf(a->pfn, sizeof(a->pfn), "0x%llx", pfn);
		if (q->nr_held < QUIZ_HELD)
			q->held[q->nr_held++] = pfn;
	}
	snprintf(a->count, sizeof(a->count), "%u",
		 count_steps(steps, alloc ? "split" : "merge"));
	buddyinfo_numbers(a->counts, sizeof(a->counts));
}

/*
 * The questions of one step, in the order the answer key lists them,
 * each with its key; false at @qn's end.
 */
static bool question_of(struct quiz *q, const struct answers *a,
			unsigned int i, const struct question **qn,
			const char **key)
{
	if (!a->alloc)
		i++;			/* no pfn to ask */
	if (i == 0) {
		*qn = &q_pfn;
		*key = a->pfn;
	} else if (i == 1 && q->level >= 2) {
		*qn = a->alloc ? &q_splits : &q_merges;
		*key = a->count;
	} else if (i == 2 && q->level >= 3) {
		*qn = &q_buddyinfo;
		*key = a->counts;
	} else {
		return false;
	}
	return true;
}

static bool ask_step(struct quiz *q, const struct answers *a)
{
	const struct question *qn;
	const char *key;
	unsigned int i;

	for (i = 0; question_of(q, a, i, &qn, &key); i++)
		if (!ask(q, qn, key))
			return false;
	return true;
}

static void key_step(struct quiz *q, const struct answers *a)
{
	const struct question *qn;
	const char *key;
	struct json j;
	unsigned int i;

	for (i = 0; question_of(q, a, i, &qn, &key); i++) {
		if (!opt.json) {
			puts(key);
			continue;
		}
		step_doc(q, &j);
		json_str(&j, "command", q->cmd);
		json_str(&j, "question", qn->name);
		qn->json(&j, "key", key);
		doc_end(&j);
	}
}

/**
 * quiz_run() - The quiz.
 * @seed: The seed of the sequence.
 * @nr_steps: Its length.
 * @level: 1, 2 or 3.
 * @key: Print the answer key instead of asking.
 *
 * Return: the exit status: 0 (whatever the score), 1 if it could not run.
 */
int quiz_run(unsigned long long seed, unsigned int nr_steps,
	     unsigned int level, bool key)
{
	struct quiz q = { .seed = seed * 2654435761ULL + 0x9e3779b9ULL,
			  .level = level };
	char cmd[64], *output = NULL, *steps = NULL;
	bool explain = opt.explain;
	struct buddy_info info = { 0 };
	struct answers a;
	struct json j;
	unsigned int i;
	int ret = 1;

	/* xorshift stays at 0 from 0: the one seed that maps there moves. */
	if (!q.seed)
		q.seed = 0x9e3779b97f4a7c15ULL;
	q.s = session_open();
	if (!q.s)
		return 1;
	if (dev_ioctl(session_fd(q.s), BUDDY_IOC_INFO, &info)) {
		report("quiz", errno, CTX_DEV, NULL);
		goto out;
	}
	q.max_order = info.max_order;
	q.nr_orders = info.nr_orders;
	/* Text tells the steps after the answers; JSON, in the result. */
	opt.explain = opt.json;
	if (!key && opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_u64(&j, "seed", seed);
		json_u64(&j, "steps", nr_steps);
		json_u64(&j, "level", level);
		json_u64(&j, "nr_pages", info.nr_pages);
		json_u64(&j, "first_pfn", info.first_pfn);
		json_u64(&j, "max_order", q.max_order);
		doc_end(&j);
	} else if (!key) {
		printf("quiz: seed %llu, %u step%s, level %u, a pool of %llu pages from 0x%llx, max_order %u\n"
		       "Predict what the allocator does; then see what it did, and why.\n",
		       seed, nr_steps, nr_steps == 1 ? "" : "s", level,
		       (unsigned long long)info.nr_pages,
		       (unsigned long long)info.first_pfn, q.max_order);
	}
	for (i = 1; i <= nr_steps; i++) {
		draw_step(&q, i, cmd, sizeof(cmd));
		q.step = i;
		q.cmd = cmd;
		if (session_exec_captured(q.s, cmd, strlen(cmd), &output, &steps) == -2)
			goto out;
		answers_of(&q, steps ?: "", !strncmp(cmd, "alloc", 5), &a);
		if (key) {
			key_step(&q, &a);
		} else if (opt.json) {
			step_doc(&q, &j);
			json_str(&j, "command", cmd);
			doc_end(&j);
			if (!ask_step(&q, &a))
				break;
			fputs(output ?: "", stdout);
		} else {
			printf("\nstep %u: %s\n", i, cmd);
			if (!ask_step(&q, &a))
				break;
			printf("  what happened:\n");
			fputs(output ?: "", stdout);
			explain_print(steps ?: "", NULL);
		}
		free(output);
		free(steps);
		output = NULL;
		steps = NULL;
	}
	if (!key && opt.json) {
		json_begin(&j);
		json_open(&j, NULL, '{');
		json_u64(&j, "right", q.right);
		json_u64(&j, "asked", q.asked);
		doc_end(&j);
	} else if (!key) {
		printf("\nscore: %u/%u\n", q.right, q.asked);
	}
	ret = 0;
out:
	opt.explain = explain;
	free(output);
	free(steps);
	free(q.input);
	session_close(q.s);
	return ret;
}
