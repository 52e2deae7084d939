// SPDX-License-Identifier: GPL-2.0
/*
 * Parse one command of the buddy command language
 *
 * A command arrives as the bytes of one write() (debugfs) or one line
 * (buddyctl).  Parsing is strict: anything unexpected is refused with -EINVAL
 * and a reason, before any state is touched.  Numbers are parsed here, not
 * with kstrto*() or strtoull(), so both worlds accept exactly the same text.
 */

#include "buddy_cmd.h"

#define WHY(...)	snprintf(why, why_len, __VA_ARGS__)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits @line in place into at most @max words; returns the count. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;

	for (;;) {
		while (is_blank(*line))
			*line++ = '\0';
		if (!*line)
			return n;
		if (n == max)
			return max + 1;
		words[n++] = line;
		while (*line && !is_blank(*line))
			line++;
	}
}

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

/*
 * Parses the leading digits of @s in @base into @val; returns the rest of
 * the string, or NULL when there is no digit or the value overflows.
 */
static const char *parse_digits(const char *s, unsigned int base,
				unsigned long long *val)
{
	unsigned long long v = 0;
	const char *start = s;
	int d;

	for (; (d = digit_value(*s, base)) >= 0; s++) {
		if (v > (~0ULL - d) / base)
			return NULL;
		v = v * base + d;
	}
	if (s == start)
		return NULL;
	*val = v;
	return s;
}

static int parse_pfn(const char *s, unsigned long long *pfn, char *why,
		     size_t why_len)
{
	const char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		end = parse_digits(s + 2, 16, pfn);
	else
		end = parse_digits(s, 10, pfn);
	if (!end || *end) {
		WHY("'%s' is not a page frame number (0x hex or decimal)", s);
		return -EINVAL;
	}
	return 0;
}

/* ORDER, or SIZE: >= BUDDY_CMD_ORDER_LIMIT, or with a unit suffix. */
static int parse_amount(const char *s, struct buddy_cmd *cmd, char *why,
			size_t why_len)
{
	unsigned long long val, unit = 0;
	const char *end = parse_digits(s, 10, &val);

	if (!end) {
		WHY("'%s' is not an order or a size", s);
		return -EINVAL;
	}
	if (!*end && val < BUDDY_CMD_ORDER_LIMIT) {
		cmd->order = val;
		return 0;
	}
	if (*end) {
		switch (*end) {
		case 'b': case 'B':
			unit = 1;
			break;
		case 'k': case 'K':
			unit = 1ULL << 10;
			break;
		case 'm': case 'M':
			unit = 1ULL << 20;
			break;
		case 'g': case 'G':
			unit = 1ULL << 30;
			break;
		}
		/* K, KB and KiB all mean 1024, as M, MB, MiB and G, GB, GiB. */
		if (unit > 1 && (!strcmp(end + 1, "B") || !strcmp(end + 1, "iB")))
			end += strlen(end + 1);
		if (!unit) {
			WHY("'%s' is not an order or a size (decimal, then B, K, M or G)",
			    s);
			return -EINVAL;
		}
		if (end[1]) {
			WHY("bad size suffix in '%s' (B, K, M or G)", s);
			return -EINVAL;
		}
	} else {
		unit = 1;
	}
	if (!val) {
		WHY("a size must be at least 1 byte");
		return -EINVAL;
	}
	if (val > ~0ULL / unit) {
		WHY("size '%s' is too large", s);
		return -EINVAL;
	}
	cmd->bytes = val * unit;
	return 0;
}

/**
 * buddy_tag_valid() - Whether a string is a valid tag.
 * @tag: The characters.
 * @len: How many.
 *
 * Return: true for 1 to BUDDY_TAG_LEN - 1 characters of [A-Za-z0-9_.-].
 */
bool buddy_tag_valid(const char *tag, size_t len)
{
	size_t i;

	if (!len || len >= BUDDY_TAG_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = tag[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* "tag=NAME" into @tag; -EINVAL otherwise. */
static int parse_tag(const char *s, char *tag, char *why, size_t why_len)
{
	size_t len;

	if (strncmp(s, "tag=", 4)) {
		WHY("unexpected '%s' (expected tag=NAME)", s);
		return -EINVAL;
	}
	s += 4;
	len = strlen(s);
	if (!buddy_tag_valid(s, len)) {
		/*
		 * A word of a command is shorter than the command: the bound
		 * only tells gcc so (its -Wformat-truncation, in 32-bit
		 * builds, sees a string up to INT_MAX long here).
		 */
		WHY("bad tag '%.*s': 1-%d characters of A-Z a-z 0-9 _ . -",
		    len < BUDDY_CMD_MAX_LEN ? (int)len : BUDDY_CMD_MAX_LEN, s,
		    BUDDY_TAG_LEN - 1);
		return -EINVAL;
	}
	memcpy(tag, s, len + 1);
	return 0;
}

/**
 * buddy_cmd_parse() - Parse one command.
 * @buf: The command's bytes, not necessarily NUL-terminated.
 * @len: How many; one trailing newline ("\n" or "\r\n") is allowed.
 * @cmd: Filled in on success.
 * @why: Filled with a one-line reason on failure.
 * @why_len: Size of @why.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for anything but exactly one well-formed command.
 */
int buddy_cmd_parse(const char *buf, size_t len, struct buddy_cmd *cmd,
		    char *why, size_t why_len)
{
	char line[BUDDY_CMD_MAX_LEN + 1];
	char *word[4];
	int nr_words;
	size_t i;

	memset(cmd, 0, sizeof(*cmd));
	if (why_len)
		why[0] = '\0';
	/* One line ending is fine, a DOS one too; a lone '\r' is not one. */
	if (len && buf[len - 1] == '\n') {
		len--;
		if (len && buf[len - 1] == '\r')
			len--;
	}
	if (len > BUDDY_CMD_MAX_LEN) {
		WHY("command longer than %d bytes", BUDDY_CMD_MAX_LEN);
		return -EINVAL;
	}
	/*
	 * Printable ASCII only: a control byte, DEL or a byte from 0x80 up
	 * (0x9b is an 8-bit terminal escape) never reaches a reason or a log.
	 */
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if ((c < ' ' && c != '\t') || c > '~') {
			WHY("one command per write, printable ASCII only (byte %#x at %zu)",
			    c, i);
			return -EINVAL;
		}
	}
	memcpy(line, buf, len);
	line[len] = '\0';

	nr_words = split_words(line, word, 3);
	if (!nr_words) {
		WHY("empty command (alloc, free or reset)");
		return -EINVAL;
	}
	if (!strcmp(word[0], "alloc")) {
		if (nr_words < 2 || nr_words > 3) {
			WHY("usage: alloc ORDER|SIZE [tag=NAME]");
			return -EINVAL;
		}
		cmd->op = BUDDY_CMD_ALLOC;
		if (nr_words == 3 && parse_tag(word[2], cmd->tag, why, why_len))
			return -EINVAL;
		return parse_amount(word[1], cmd, why, why_len);
	}
	if (!strcmp(word[0], "free")) {
		if (nr_words != 2) {
			WHY("usage: free PFN | free tag=NAME");
			return -EINVAL;
		}
		if (!strncmp(word[1], "tag=", 4)) {
			cmd->op = BUDDY_CMD_FREE_TAG;
			return parse_tag(word[1], cmd->tag, why, why_len);
		}
		cmd->op = BUDDY_CMD_FREE;
		return parse_pfn(word[1], &cmd->pfn, why, why_len);
	}
	if (!strcmp(word[0], "reset")) {
		if (nr_words != 1) {
			WHY("usage: reset");
			return -EINVAL;
		}
		cmd->op = BUDDY_CMD_RESET;
		return 0;
	}
	/* Quoted whole, as the other reasons quote a word: it fits. */
	WHY("unknown command '%s' (alloc, free or reset)", word[0]);
	return -EINVAL;
}

/**
 * buddy_bytes_to_order() - Smallest order whose block holds a size.
 * @bytes: The size, at least 1.
 * @page_shift: log2 of the page size.
 *
 * Return: k such that 2^k pages hold @bytes, 2^(k-1) pages do not.
 */
unsigned int buddy_bytes_to_order(unsigned long long bytes,
				  unsigned int page_shift)
{
	unsigned long long pages = ((bytes - 1) >> page_shift) + 1;
	unsigned int order = 0;

	/* Stop at 63: 2^64 pages is not a number, and no order is that big. */
	while (order < 63 && (1ULL << order) < pages)
		order++;
	return order + ((1ULL << order) < pages);
}

/* A tag field of the ABI: empty, or a valid tag; NUL-padded either way. */
static bool tag_field_valid(const char *tag)
{
	size_t len = strnlen(tag, BUDDY_TAG_LEN);

	if (len == BUDDY_TAG_LEN || (len && !buddy_tag_valid(tag, len)))
		return false;
	while (len < BUDDY_TAG_LEN)
		if (tag[len++])
			return false;
	return true;
}

/**
 * buddy_alloc_request() - Check a BUDDY_IOC_ALLOC request.
 * @arg: The struct as it came from user space.
 * @order: Set to the order asked for (BUDDY_ALLOC_ORDER), else 0.
 * @bytes: Set to the size asked for (BUDDY_ALLOC_BYTES), else 0.
 *
 * Every field the uapi header says must be zero is checked, pad included;
 * the output fields are not looked at.
 *
 * Return: 0, or -EINVAL.
 */
int buddy_alloc_request(const struct buddy_alloc *arg, unsigned int *order,
			unsigned long long *bytes)
{
	*order = 0;
	*bytes = 0;
	if (arg->reserved[0] || arg->reserved[1] || arg->pad ||
	    !tag_field_valid(arg->tag))
		return -EINVAL;
	switch (arg->mode) {
	case BUDDY_ALLOC_ORDER:
		if (arg->bytes)
			return -EINVAL;
		*order = arg->order;
		return 0;
	case BUDDY_ALLOC_BYTES:
		if (arg->order || !arg->bytes)
			return -EINVAL;
		*bytes = arg->bytes;
		return 0;
	}
	return -EINVAL;
}

/**
 * buddy_free_request() - Check a BUDDY_IOC_FREE request.
 * @arg: The struct as it came from user space.
 *
 * Return: 0, or -EINVAL if a must-be-zero field is not.
 */
int buddy_free_request(const struct buddy_free *arg)
{
	return arg->reserved || arg->pad ? -EINVAL : 0;
}
