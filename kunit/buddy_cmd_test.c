// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the buddy control command parser
 *
 * Every command form with the struct it must produce, every refusal with
 * -EINVAL and a reason, and the edges: order 63 against size 64, the
 * largest number of each unit and one past it, tags of 15 and 16
 * characters, one command per write, the longest command.
 *
 * This file #includes the parser so buddy_test.ko carries its own copy.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "../buddy_cmd.c"

#define WHY_LEN		128

/* What a parse produced; the expected values of a table row. */
struct cmd_result {
	enum buddy_cmd_op op;
	unsigned int order;
	unsigned long long bytes;
	unsigned long long pfn;
	const char *tag;
};

/* Messages print "%.*s", len, buf: a command need not end in a NUL. */
static void expect_cmd(struct kunit *test, const char *buf, size_t len,
		       const struct buddy_cmd *cmd,
		       const struct cmd_result *want)
{
	int n = len;

	KUNIT_EXPECT_EQ_MSG(test, cmd->op, want->op, "'%.*s'", n, buf);
	KUNIT_EXPECT_EQ_MSG(test, cmd->order, want->order, "'%.*s'", n, buf);
	KUNIT_EXPECT_EQ_MSG(test, cmd->bytes, want->bytes, "'%.*s'", n, buf);
	KUNIT_EXPECT_EQ_MSG(test, cmd->pfn, want->pfn, "'%.*s'", n, buf);
	KUNIT_EXPECT_STREQ_MSG(test, cmd->tag, want->tag ?: "", "'%.*s'", n,
			       buf);
}

/* @len bytes of @buf must parse to @want. */
static void expect_parse(struct kunit *test, const char *buf, size_t len,
			 const struct cmd_result *want)
{
	char why[WHY_LEN] = "";
	struct buddy_cmd cmd;
	int ret;

	ret = buddy_cmd_parse(buf, len, &cmd, why, sizeof(why));
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "'%.*s': %s", (int)len, buf, why);
	expect_cmd(test, buf, len, &cmd, want);
}

/* @len bytes of @buf must be refused with -EINVAL and a one-line reason. */
static void expect_refused(struct kunit *test, const char *buf, size_t len)
{
	char why[WHY_LEN] = "";
	struct buddy_cmd cmd;
	size_t i;
	int ret;

	ret = buddy_cmd_parse(buf, len, &cmd, why, sizeof(why));
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "'%.*s'", (int)len, buf);
	KUNIT_EXPECT_NE_MSG(test, why[0], '\0', "no reason for '%.*s'",
			    (int)len, buf);
	/* A reason may reach a log or a terminal: printable ASCII only. */
	for (i = 0; why[i]; i++)
		KUNIT_EXPECT_TRUE_MSG(test, why[i] >= ' ' && why[i] <= '~',
				      "byte %#x in the reason for '%.*s'",
				      (unsigned char)why[i], (int)len, buf);
}

/*
 * KTAP descriptions are one line: the command in quotes, so blanks at its
 * ends show, with control characters escaped.
 */
static void escape_desc(const char *buf, size_t len, char *desc)
{
	size_t i, n = 0;

	desc[n++] = '"';
	for (i = 0; i < len && n < KUNIT_PARAM_DESC_SIZE - 6; i++) {
		unsigned char c = buf[i];

		if (c >= ' ' && c < 0x7f && c != '#' && c != '"' && c != '\\')
			desc[n++] = c;
		else
			n += snprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n,
				      "\\x%02x", c);
	}
	desc[n++] = '"';
	desc[n] = '\0';
}

/* === Every command form === */

struct good_case {
	const char *line;
	struct cmd_result want;
};

#define ALLOC_ORDER(o)	{ .op = BUDDY_CMD_ALLOC, .order = (o) }
#define ALLOC_BYTES(b)	{ .op = BUDDY_CMD_ALLOC, .bytes = (b) }

static const struct good_case good_cases[] = {
	{ "alloc 0", ALLOC_ORDER(0) },
	{ "alloc 3", ALLOC_ORDER(3) },
	/* Bare numbers below 64 are orders; from 64 on, sizes in bytes. */
	{ "alloc 63", ALLOC_ORDER(63) },
	{ "alloc 64", ALLOC_BYTES(64) },
	{ "alloc 100", ALLOC_BYTES(100) },
	{ "alloc 007", ALLOC_ORDER(7) },
	{ "alloc 0064", ALLOC_BYTES(64) },
	/* A suffix always means a size, however small. */
	{ "alloc 1B", ALLOC_BYTES(1) },
	{ "alloc 1b", ALLOC_BYTES(1) },
	{ "alloc 63B", ALLOC_BYTES(63) },
	{ "alloc 4K", ALLOC_BYTES(4096) },
	{ "alloc 4k", ALLOC_BYTES(4096) },
	{ "alloc 7K\r\n", ALLOC_BYTES(7 << 10) },
	{ "alloc 7K", ALLOC_BYTES(7 << 10) },
	{ "alloc 7KB", ALLOC_BYTES(7 << 10) },
	{ "alloc 7KiB", ALLOC_BYTES(7 << 10) },
	{ "alloc 2MiB", ALLOC_BYTES(2 << 20) },
	{ "alloc 1GB", ALLOC_BYTES(1 << 30) },
	{ "alloc 1M", ALLOC_BYTES(1 << 20) },
	{ "alloc 2m", ALLOC_BYTES(2 << 20) },
	{ "alloc 1G", ALLOC_BYTES(1ULL << 30) },
	{ "alloc 3g", ALLOC_BYTES(3ULL << 30) },
	{ "alloc 18446744073709551615", ALLOC_BYTES(ULLONG_MAX) },
	{ "alloc 2 tag=x",
	  { .op = BUDDY_CMD_ALLOC, .order = 2, .tag = "x" } },
	{ "alloc 4K tag=page.cache-01_B",
	  { .op = BUDDY_CMD_ALLOC, .bytes = 4096, .tag = "page.cache-01_B" } },
	{ "free 0", { .op = BUDDY_CMD_FREE, .pfn = 0 } },
	{ "free 4097", { .op = BUDDY_CMD_FREE, .pfn = 4097 } },
	{ "free 0x1f", { .op = BUDDY_CMD_FREE, .pfn = 31 } },
	{ "free 0X1F", { .op = BUDDY_CMD_FREE, .pfn = 31 } },
	{ "free 0x0000000000000000000001", { .op = BUDDY_CMD_FREE, .pfn = 1 } },
	{ "free 007", { .op = BUDDY_CMD_FREE, .pfn = 7 } },
	{ "free 18446744073709551615",
	  { .op = BUDDY_CMD_FREE, .pfn = ULLONG_MAX } },
	{ "free 0xffffffffffffffff",
	  { .op = BUDDY_CMD_FREE, .pfn = ULLONG_MAX } },
	{ "free tag=x", { .op = BUDDY_CMD_FREE_TAG, .tag = "x" } },
	{ "free tag=0123456789abcde",
	  { .op = BUDDY_CMD_FREE_TAG, .tag = "0123456789abcde" } },
	{ "reset", { .op = BUDDY_CMD_RESET } },
	/* Blanks: spaces and tabs around and between words. */
	{ "  alloc \t 5\t tag=t  ", { .op = BUDDY_CMD_ALLOC, .order = 5,
				      .tag = "t" } },
	{ "\treset\t", { .op = BUDDY_CMD_RESET } },
	/* One trailing newline, as echo writes. */
	{ "reset\n", { .op = BUDDY_CMD_RESET } },
	{ "alloc 1\n", ALLOC_ORDER(1) },
	{ "free 0x10\n", { .op = BUDDY_CMD_FREE, .pfn = 16 } },
};

static void good_case_desc(const struct good_case *c, char *desc)
{
	escape_desc(c->line, strlen(c->line), desc);
}

KUNIT_ARRAY_PARAM(good_cases, good_cases, good_case_desc);

static void cmd_parse_accepts(struct kunit *test)
{
	const struct good_case *c = test->param_value;

	expect_parse(test, c->line, strlen(c->line), &c->want);
}

/* === Every refusal === */

struct bad_case {
	const char *buf;
	size_t len;		/* 0: strlen(buf) */
};

static const struct bad_case bad_cases[] = {
	/* Empty, blank, unknown. */
	{ "" },
	{ "\n" },
	{ "   \t " },
	{ "frobnicate" },
	{ "allocate 1" },
	{ "ALLOC 1" },
	{ "Reset" },
	{ "alloc" },
	{ "alloc 1 tag=a tag=b" },
	{ "alloc 1 2" },
	{ "alloc tag=x 1" },
	{ "alloc 1 Tag=x" },
	{ "alloc 1 tag" },
	{ "free" },
	{ "free 1 2" },
	{ "free tag=a b" },
	{ "reset 0" },
	/* Orders and sizes. */
	{ "alloc -1" },
	{ "alloc +1" },
	{ "alloc x" },
	{ "alloc 0x10" },
	{ "alloc 1.5K" },
	{ "alloc 4KBB" },
	{ "alloc 4Ki" },
	{ "alloc 4BB" },
	{ "alloc 4iB" },
	{ "alloc 4kb" },
	{ "alloc 4T" },
	{ "alloc 4 K" },
	{ "alloc 0B" },
	{ "alloc 0K" },
	{ "alloc 18446744073709551616" },
	{ "alloc 99999999999999999999999" },
	{ "alloc 18446744073709551616B" },
	/* Frame numbers. */
	{ "free -1" },
	{ "free 0x" },
	{ "free 0xg" },
	{ "free 12abc" },
	{ "free 1K" },
	{ "free x10" },
	{ "free 0x10000000000000000" },
	{ "free 18446744073709551616" },
	/* Tags: empty, too long, bad characters. */
	{ "free tag=" },
	{ "alloc 1 tag=" },
	{ "free tag=0123456789abcdef" },
	{ "alloc 1 tag=0123456789abcdef" },
	{ "free tag=a/b" },
	{ "free tag=a=b" },
	{ "free tag=a:b" },
	{ "free tag=\xc3\xa9t\xc3\xa9" },
	{ "free tag=a\x7f" },
	/* One command per write, printable characters only. */
	{ "alloc 1\nalloc 2" },
	{ "alloc 1\n\n" },
	{ "reset\r\r\n" },
	/* A '\r' is a line ending only before '\n'. */
	{ "reset\r" },
	{ "alloc 1\r" },
	{ "\nreset" },
	{ "alloc\v1" },
	{ "alloc 1\0tag=x", 13 },
	{ "reset\0", 6 },
	/* DEL and bytes from 0x80 up: not ASCII, never echoed in a reason. */
	{ "alloc\x7f\x31" },
	{ "\x9b\x32J" },
	{ "alloc 1 tag=\x9b" },
	{ "\x80lloc 1" },
	{ "bogus\xff" },
	{ "free 0x1\xe9" },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	escape_desc(c->buf, c->len ?: strlen(c->buf), desc);
}

KUNIT_ARRAY_PARAM(bad_cases, bad_cases, bad_case_desc);

static void cmd_parse_refuses(struct kunit *test)
{
	const struct bad_case *c = test->param_value;

	expect_refused(test, c->buf, c->len ?: strlen(c->buf));
}

/* === Edges === */

static void cmd_order_limit(struct kunit *test)
{
	const struct cmd_result order = ALLOC_ORDER(BUDDY_CMD_ORDER_LIMIT - 1);
	const struct cmd_result size = ALLOC_BYTES(BUDDY_CMD_ORDER_LIMIT);
	char line[32];

	/* before: 63 is an order.  after: 64 is a size of 64 bytes. */
	snprintf(line, sizeof(line), "alloc %d", BUDDY_CMD_ORDER_LIMIT - 1);
	expect_parse(test, line, strlen(line), &order);
	snprintf(line, sizeof(line), "alloc %d", BUDDY_CMD_ORDER_LIMIT);
	expect_parse(test, line, strlen(line), &size);
	/* 64 bytes fit in one 4 KiB page: order 0, not order 64. */
	KUNIT_EXPECT_EQ(test, buddy_bytes_to_order(BUDDY_CMD_ORDER_LIMIT, 12),
			0);
}

static void cmd_size_overflow(struct kunit *test)
{
	static const struct {
		char suffix;
		unsigned int shift;
	} units[] = { { 'B', 0 }, { 'K', 10 }, { 'M', 20 }, { 'G', 30 } };
	char line[48];
	unsigned int i;

	/* before: the largest count of each unit.  after: one more fails. */
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		unsigned long long most = ULLONG_MAX >> units[i].shift;
		const struct cmd_result want =
			ALLOC_BYTES(most << units[i].shift);

		snprintf(line, sizeof(line), "alloc %llu%c", most,
			 units[i].suffix);
		expect_parse(test, line, strlen(line), &want);
		if (!units[i].shift)
			continue;	/* ULLONG_MAX + 1 is in the bad table */
		snprintf(line, sizeof(line), "alloc %llu%c", most + 1,
			 units[i].suffix);
		expect_refused(test, line, strlen(line));
	}
}

static void cmd_tag_length(struct kunit *test)
{
	char line[64], tag[BUDDY_TAG_LEN + 1];
	struct cmd_result want = { .op = BUDDY_CMD_FREE_TAG, .tag = tag };

	/* before: BUDDY_TAG_LEN - 1 characters fit.  after: one more fails. */
	memset(tag, 'a', BUDDY_TAG_LEN - 1);
	tag[BUDDY_TAG_LEN - 1] = '\0';
	snprintf(line, sizeof(line), "free tag=%s", tag);
	expect_parse(test, line, strlen(line), &want);
	snprintf(line, sizeof(line), "alloc 1 tag=%s", tag);
	want = (struct cmd_result){ .op = BUDDY_CMD_ALLOC, .order = 1,
				    .tag = tag };
	expect_parse(test, line, strlen(line), &want);

	tag[BUDDY_TAG_LEN - 1] = 'a';
	tag[BUDDY_TAG_LEN] = '\0';
	snprintf(line, sizeof(line), "free tag=%s", tag);
	expect_refused(test, line, strlen(line));
	snprintf(line, sizeof(line), "alloc 1 tag=%s", tag);
	expect_refused(test, line, strlen(line));
}

static void cmd_tag_chars(struct kunit *test)
{
	char tag[2] = "";
	int c;

	/* Exactly [A-Za-z0-9_.-], checked one byte at a time. */
	for (c = 1; c < 256; c++) {
		/* ASCII only: the kernel's isalnum() takes Latin-1 too. */
		bool want = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
			    c == '-';

		tag[0] = c;
		KUNIT_EXPECT_EQ_MSG(test, buddy_tag_valid(tag, 1), want,
				    "character 0x%02x", c);
	}
	KUNIT_EXPECT_FALSE(test, buddy_tag_valid("", 0));
	KUNIT_EXPECT_TRUE(test, buddy_tag_valid("a-b_c.D9", 8));
	/* The length given counts, not the NUL. */
	KUNIT_EXPECT_TRUE(test, buddy_tag_valid("ab/", 2));
	KUNIT_EXPECT_FALSE(test, buddy_tag_valid("0123456789abcdef",
						 BUDDY_TAG_LEN));
	KUNIT_EXPECT_TRUE(test, buddy_tag_valid("0123456789abcdef",
						BUDDY_TAG_LEN - 1));
}

static void cmd_max_length(struct kunit *test)
{
	const struct cmd_result want = ALLOC_ORDER(1);
	char buf[BUDDY_CMD_MAX_LEN + 2];

	/* "alloc 1" padded with blanks to exactly the limit: accepted. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "alloc 1", 7);
	expect_parse(test, buf, BUDDY_CMD_MAX_LEN, &want);

	/* The trailing newline does not count towards the limit. */
	buf[BUDDY_CMD_MAX_LEN] = '\n';
	expect_parse(test, buf, BUDDY_CMD_MAX_LEN + 1, &want);

	/* One byte more is refused, blank or not. */
	buf[BUDDY_CMD_MAX_LEN] = ' ';
	expect_refused(test, buf, BUDDY_CMD_MAX_LEN + 1);
	buf[BUDDY_CMD_MAX_LEN + 1] = '\n';
	expect_refused(test, buf, BUDDY_CMD_MAX_LEN + 2);
}

static void cmd_not_nul_terminated(struct kunit *test)
{
	const struct cmd_result want = ALLOC_ORDER(1);
	static const char buf[] = { 'a', 'l', 'l', 'o', 'c', ' ', '1', '2' };

	/* The parser reads @len bytes and never looks past them. */
	expect_parse(test, buf, 7, &want);
	expect_parse(test, "alloc 12", 7, &want);
}

static void cmd_why_truncated(struct kunit *test)
{
	struct buddy_cmd cmd;
	char why[8];

	/* A short buffer gets a truncated, terminated reason. */
	memset(why, 'x', sizeof(why));
	KUNIT_EXPECT_EQ(test, buddy_cmd_parse("frobnicate", 10, &cmd, why,
					      sizeof(why)), -EINVAL);
	KUNIT_EXPECT_EQ(test, strnlen(why, sizeof(why)), sizeof(why) - 1);

	memset(why, 'x', sizeof(why));
	KUNIT_EXPECT_EQ(test, buddy_cmd_parse("frobnicate", 10, &cmd, why, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, why[0], '\0');
	KUNIT_EXPECT_EQ(test, why[1], 'x');
}

/*
 * The longest reasons, those that quote a word of a 128-byte command,
 * fit BUDDY_CMD_WHY_LEN whole: each ends as it should, not cut short.
 */
static void cmd_why_whole(struct kunit *test)
{
	static const struct {
		const char *head;	/* then filled to 128 bytes with @fill */
		char fill;
		const char *tail;	/* how the whole reason ends */
	} longest[] = {
		{ "alloc 1 tag=", 'A', "1-15 characters of A-Z a-z 0-9 _ . -" },
		{ "alloc 1", 'Q', "(decimal, then B, K, M or G)" },
		{ "alloc ", 'Q', "' is not an order or a size" },
		{ "free 0x", 'g', "' is not a page frame number (0x hex or decimal)" },
		{ "free ", '9', "' is not a page frame number (0x hex or decimal)" },
		{ "alloc 1 ", 'x', "' (expected tag=NAME)" },
		{ "abcdefghijklmnopqrstuvwxy", 'z', "zzz' (alloc, free or reset)" },
	};
	char buf[BUDDY_CMD_MAX_LEN], why[BUDDY_CMD_WHY_LEN];
	struct buddy_cmd cmd;
	size_t i, n, t;

	for (i = 0; i < ARRAY_SIZE(longest); i++) {
		n = strlen(longest[i].head);
		memcpy(buf, longest[i].head, n);
		memset(buf + n, longest[i].fill, sizeof(buf) - n);
		KUNIT_EXPECT_EQ(test, buddy_cmd_parse(buf, sizeof(buf), &cmd, why,
						      sizeof(why)), -EINVAL);
		n = strnlen(why, sizeof(why));
		t = strlen(longest[i].tail);
		KUNIT_EXPECT_LT(test, n, sizeof(why) - 1);
		KUNIT_EXPECT_TRUE_MSG(test, n >= t &&
				      !strcmp(why + n - t, longest[i].tail),
				      "%s... : %s", longest[i].head, why);
	}
}

/* === buddy_bytes_to_order() === */

static const struct {
	unsigned long long bytes;
	unsigned int page_shift;
	unsigned int order;
} bytes_to_order_cases[] = {
	{ 1, 12, 0 },
	{ 4096, 12, 0 },
	{ 4097, 12, 1 },
	{ 7 << 10, 12, 1 },			/* OSTEP's 7 KiB */
	{ 8192, 12, 1 },
	{ 8193, 12, 2 },
	{ 100 << 10, 12, 5 },			/* Stallings' A */
	{ 240 << 10, 12, 6 },			/* Stallings' B */
	{ 75 << 10, 12, 5 },			/* Stallings' E */
	{ 1 << 20, 12, 8 },
	{ (1 << 20) + 1, 12, 9 },
	{ 1ULL << 30, 12, 18 },
	{ ULLONG_MAX, 12, 52 },
	{ 1 << 20, 16, 4 },			/* 64 KiB pages */
	{ 1, 0, 0 },
	{ 2, 0, 1 },
	{ 3, 0, 2 },
	{ 1ULL << 63, 0, 63 },
	{ (1ULL << 63) + 1, 1, 63 },
	{ ULLONG_MAX, 1, 63 },
	{ (1ULL << 63) + 1, 0, 64 },		/* more than 2^63 pages */
	{ ULLONG_MAX, 0, 64 },
};

static void bytes_to_order_boundaries(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bytes_to_order_cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    buddy_bytes_to_order(bytes_to_order_cases[i].bytes,
							 bytes_to_order_cases[i].page_shift),
				    bytes_to_order_cases[i].order,
				    "%llu bytes, page shift %u",
				    bytes_to_order_cases[i].bytes,
				    bytes_to_order_cases[i].page_shift);
}

/*
 * BUDDY_IOC_ALLOC's struct with @tag (shorter than BUDDY_TAG_LEN: its NULs
 * are the memset's), in order mode.
 */
static void alloc_arg(struct buddy_alloc *a, const char *tag)
{
	memset(a, 0, sizeof(*a));
	a->mode = BUDDY_ALLOC_ORDER;
	a->order = 3;
	memcpy(a->tag, tag, strlen(tag));
}

static int alloc_request(const struct buddy_alloc *a)
{
	unsigned long long bytes;
	unsigned int order;

	return buddy_alloc_request(a, &order, &bytes);
}

/*
 * The ioctls' structs: each mode with its own field, each must-be-zero
 * field alone, each kind of bad tag (too long, a bad character, bytes
 * after its NUL); a free with its reserved word or its pad set.
 */
static void ioctl_requests(struct kunit *test)
{
	unsigned long long bytes;
	struct buddy_alloc a;
	struct buddy_free f;
	unsigned int order;

	alloc_arg(&a, "");
	KUNIT_EXPECT_EQ(test, buddy_alloc_request(&a, &order, &bytes), 0);
	KUNIT_EXPECT_EQ(test, order, 3);
	KUNIT_EXPECT_EQ(test, bytes, 0);
	a.bytes = 4096;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	a.mode = BUDDY_ALLOC_BYTES;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);	/* and order */
	a.order = 0;
	KUNIT_EXPECT_EQ(test, buddy_alloc_request(&a, &order, &bytes), 0);
	KUNIT_EXPECT_EQ(test, order, 0);
	KUNIT_EXPECT_EQ(test, bytes, 4096);
	a.bytes = 0;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	a.mode = 2;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);

	alloc_arg(&a, "");
	a.reserved[0] = 1;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	alloc_arg(&a, "");
	a.reserved[1] = 1;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	alloc_arg(&a, "");
	a.pad = 1;
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);

	alloc_arg(&a, "A.b-9_");
	KUNIT_EXPECT_EQ(test, alloc_request(&a), 0);
	alloc_arg(&a, "a b");
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	alloc_arg(&a, "ab");
	a.tag[BUDDY_TAG_LEN - 1] = 'c';		/* after its NUL */
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	memset(a.tag, 'a', sizeof(a.tag));	/* no NUL at all */
	KUNIT_EXPECT_EQ(test, alloc_request(&a), -EINVAL);
	a.tag[BUDDY_TAG_LEN - 1] = '\0';	/* the longest */
	KUNIT_EXPECT_EQ(test, alloc_request(&a), 0);

	memset(&f, 0, sizeof(f));
	KUNIT_EXPECT_EQ(test, buddy_free_request(&f), 0);
	f.reserved = 1;
	KUNIT_EXPECT_EQ(test, buddy_free_request(&f), -EINVAL);
	f.reserved = 0;
	f.pad = 1;
	KUNIT_EXPECT_EQ(test, buddy_free_request(&f), -EINVAL);
}

static struct kunit_case buddy_cmd_test_cases[] = {
	KUNIT_CASE_PARAM(cmd_parse_accepts, good_cases_gen_params),
	KUNIT_CASE_PARAM(cmd_parse_refuses, bad_cases_gen_params),
	KUNIT_CASE(cmd_order_limit),
	KUNIT_CASE(cmd_size_overflow),
	KUNIT_CASE(cmd_tag_length),
	KUNIT_CASE(cmd_tag_chars),
	KUNIT_CASE(cmd_max_length),
	KUNIT_CASE(cmd_not_nul_terminated),
	KUNIT_CASE(cmd_why_truncated),
	KUNIT_CASE(cmd_why_whole),
	KUNIT_CASE(bytes_to_order_boundaries),
	KUNIT_CASE(ioctl_requests),
	{}
};

static struct kunit_suite buddy_cmd_test_suite = {
	.name = "buddy_cmd",
	.test_cases = buddy_cmd_test_cases,
};

kunit_test_suites(&buddy_cmd_test_suite);
