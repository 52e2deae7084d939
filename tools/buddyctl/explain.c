// SPDX-License-Identifier: GPL-2.0
/*
 * explain.c - the steps of a command, told in plain words
 *
 * The module reports every step of an allocation or a free ("seq=N STEP
 * key=value ...", the format of debugfs events); this turns them into
 * sentences with the arithmetic a student checks by hand: which order was
 * asked, why that block was taken, each split and its halves, each buddy
 * as block ^ 2^order, and why merging stopped.  Nothing here is made up:
 * every sentence comes from a step the allocator reported.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buddyctl.h"

struct step {
	char *text;			/* the line, cut up by l */
	struct kv_line l;
	const char *name;		/* "split", "alloc", ... */
};

static unsigned long long num(const struct step *st, const char *key)
{
	unsigned long long v = 0;
	const char *s = kv_get(&st->l, key);

	if (s)
		parse_u64(s, &v);
	return v;
}

static __printf(3, 4) void say(void (*out)(void *ctx, const char *text),
			       void *ctx, const char *fmt, ...)
{
	char text[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	out(ctx, text);
}

/* "0x2412 = 0x2410 ^ 0x2", or the buddy alone when the XOR is not it. */
static const char *buddy_sum(char *buf, size_t len, unsigned long long pfn,
			     unsigned long long buddy, unsigned int order)
{
	unsigned long long bit = 1ULL << (order & 63);

	if ((pfn ^ bit) == buddy)
		snprintf(buf, len, "0x%llx = 0x%llx ^ 0x%llx", buddy, pfn, bit);
	else
		snprintf(buf, len, "0x%llx", buddy);
	return buf;
}

static const char *pages(char *buf, size_t len, unsigned int order)
{
	unsigned long long n = 1ULL << (order & 63);

	snprintf(buf, len, "%llu page%s", n, n == 1 ? "" : "s");
	return buf;
}

/* The order of the next "alloc" step from @i on, and whether there is one. */
static bool next_alloc(const struct step *steps, size_t nr, size_t i,
		       unsigned int *order)
{
	for (; i < nr; i++) {
		if (!strcmp(steps[i].name, "alloc")) {
			*order = num(&steps[i], "order");
			return true;
		}
		if (strcmp(steps[i].name, "split"))
			return false;
	}
	return false;
}

static void tell_stop(const struct step *st,
		      void (*out)(void *ctx, const char *text), void *ctx)
{
	unsigned long long pfn = num(st, "pfn"), buddy = num(st, "buddy");
	unsigned int order = num(st, "order");
	const char *why = kv_get(&st->l, "why");
	char sum[96];

	if (!why)
		why = "";
	if (!strcmp(why, "max_order"))
		say(out, ctx,
		    "0x%llx (order %u) has max_order: it has no buddy to merge with, and stays free",
		    pfn, order);
	else if (!strcmp(why, "root"))
		say(out, ctx,
		    "0x%llx (order %u) is a root: its buddy would lie past the end of the pool; it stays free",
		    pfn, order);
	else if (!strcmp(why, "buddy_allocated"))
		say(out, ctx,
		    "its buddy %s is allocated: merging stops; 0x%llx (order %u) stays free",
		    buddy_sum(sum, sizeof(sum), pfn, buddy, order), pfn,
		    order);
	else if (!strcmp(why, "buddy_split"))
		say(out, ctx,
		    "its buddy %s is split into smaller blocks, not all free: merging stops; 0x%llx (order %u) stays free",
		    buddy_sum(sum, sizeof(sum), pfn, buddy, order), pfn,
		    order);
	else
		say(out, ctx, "merging stops at 0x%llx (order %u)", pfn, order);
}

static void tell_reject(const struct step *st,
			void (*out)(void *ctx, const char *text), void *ctx)
{
	const char *err = kv_get(&st->l, "error");
	unsigned long long pfn = num(st, "pfn"), block = num(st, "block");
	unsigned int order = num(st, "block_order");

	if (!err)
		err = "";
	if (!strcmp(err, "EALREADY"))
		say(out, ctx,
		    "refused (EALREADY): 0x%llx lies in free block 0x%llx (order %u): a double free; nothing changes",
		    pfn, block, order);
	else if (!strcmp(err, "EINVAL"))
		say(out, ctx,
		    "refused (EINVAL): 0x%llx lies inside allocated block 0x%llx (order %u) but is not its first page; nothing changes",
		    pfn, block, order);
	else if (!strcmp(err, "ERANGE"))
		say(out, ctx,
		    "refused (ERANGE): 0x%llx is not a page of the pool; nothing changes",
		    pfn);
	else if (!strcmp(err, "EBUSY"))
		say(out, ctx,
		    "refused (EBUSY): the block at 0x%llx is mapped: its pages are in use until unmapped; nothing changes",
		    pfn);
	else if (!strcmp(err, "EPERM"))
		say(out, ctx,
		    "refused (EPERM): the block at 0x%llx belongs to another owner; nothing changes",
		    pfn);
	else
		say(out, ctx, "refused (%s): nothing changes", err);
}

static void tell(const struct step *steps, size_t nr, size_t i,
		 bool *splitting, void (*out)(void *ctx, const char *text),
		 void *ctx)
{
	const struct step *st = &steps[i];
	unsigned long long pfn = num(st, "pfn"), other;
	unsigned int order = num(st, "order"), asked;
	char a[32], sum[96];

	if (!strcmp(st->name, "split")) {
		if (!*splitting && next_alloc(steps, nr, i, &asked))
			say(out, ctx,
			    "no free block of order %u; the smallest free block that fits is 0x%llx (order %u, %s)",
			    asked, pfn, order, pages(a, sizeof(a), order));
		*splitting = true;
		other = num(st, "upper");
		say(out, ctx,
		    "split 0x%llx (order %u) in two buddies of order %u: 0x%llx and %s; keep 0x%llx, %s goes free",
		    pfn, order, order - 1, pfn,
		    buddy_sum(sum, sizeof(sum), pfn, other, order - 1), pfn,
		    kv_get(&st->l, "upper"));
	} else if (!strcmp(st->name, "alloc")) {
		if (!*splitting)
			say(out, ctx,
			    "a free block of order %u is there: the lowest is 0x%llx, no split needed",
			    order, pfn);
		*splitting = false;
		say(out, ctx, "hand out 0x%llx (order %u, %s)", pfn, order,
		    pages(a, sizeof(a), order));
	} else if (!strcmp(st->name, "fail")) {
		*splitting = false;
		if (!strcmp(kv_get(&st->l, "error") ?: "", "EINVAL"))
			say(out, ctx,
			    "order %u is above the pool's max_order: refused (EINVAL); nothing changes",
			    order);
		else
			say(out, ctx,
			    "no free block of order %u or above: the allocation fails (ENOMEM); nothing changes",
			    order);
	} else if (!strcmp(st->name, "free")) {
		say(out, ctx,
		    "0x%llx starts an allocated block of order %u (%s): free it",
		    pfn, order, pages(a, sizeof(a), order));
	} else if (!strcmp(st->name, "merge")) {
		other = num(st, "buddy");
		say(out, ctx,
		    "its buddy %s is free and of order %u too: merge them into %s (order %u)",
		    buddy_sum(sum, sizeof(sum), pfn, other, order), order,
		    kv_get(&st->l, "into") ?: "?", order + 1);
	} else if (!strcmp(st->name, "stop")) {
		tell_stop(st, out, ctx);
	} else if (!strcmp(st->name, "reject")) {
		tell_reject(st, out, ctx);
	}
}

/**
 * explain_steps() - Tell the steps of a command in words.
 * @text: The module's text for it: result lines, then "seq=..." step lines;
 *        cut up in place.
 * @out: Called with each sentence, in order.
 * @ctx: For @out.
 *
 * Return: the number of sentences.
 */
int explain_steps(char *text, void (*out)(void *ctx, const char *sentence),
		  void *ctx)
{
	unsigned long lost = 0;
	bool splitting = false;
	size_t nr = 0, max = 0, i;
	struct step *steps;
	char said[160];
	const char *p;
	char *line;

	/*
	 * Room for every step line, however many: a "free tag=" of thousands
	 * of blocks is told whole, as its steps are printed whole.
	 */
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		max += !strncmp(p, "seq=", 4);
	steps = calloc(max ? max : 1, sizeof(*steps));
	if (!steps)
		return 0;
	while ((line = next_line(&text))) {
		struct step *st = &steps[nr];

		/* Lines the module could not keep: said, not left out. */
		if (!strncmp(line, "truncated lines=", 16))
			lost = strtoul(line + 16, NULL, 10);
		if (strncmp(line, "seq=", 4) || nr == max)
			continue;
		st->text = line;
		if (kv_split(line, &st->l, NULL) || st->l.n < 2)
			continue;
		st->name = st->l.kv[1].key;
		nr++;
	}
	for (i = 0; i < nr; i++)
		tell(steps, nr, i, &splitting, out, ctx);
	free(steps);
	if (lost) {
		snprintf(said, sizeof(said),
			 "and %lu more line%s that the module did not keep (a ring of 1024 steps, a result of a set size): not every step is told above",
			 lost, lost == 1 ? "" : "s");
		out(ctx, said);
	}
	return nr + !!lost;
}

static void say_line(void *ctx, const char *sentence)
{
	(void)ctx;
	printf("  %s\n", sentence);
}

static void say_json(void *ctx, const char *sentence)
{
	json_str(ctx, NULL, sentence);
}

/**
 * explain_print() - Print the steps of a command in words.
 * @text: The module's text for the command (results, then steps).
 * @j: A JSON object being written: the sentences go in its "explain"
 *     array; NULL: printed, a sentence per line, indented.
 */
void explain_print(const char *text, struct json *j)
{
	char *copy = strdup(text);

	if (!copy)
		return;
	if (j) {
		json_open(j, "explain", '[');
		explain_steps(copy, say_json, j);
		json_close(j);
	} else {
		explain_steps(copy, say_line, NULL);
	}
	free(copy);
}
