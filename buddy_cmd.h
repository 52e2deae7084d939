/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command language of debugfs "control" and buddyctl
 *
 *   alloc ORDER [tag=NAME]	a block of 2^ORDER pages (ORDER < 64)
 *   alloc SIZE [tag=NAME]	the smallest block holding SIZE bytes: a number
 *				of 64 or more, or with a suffix: B, K, M, G
 *				(KB and KiB are K, and so on)
 *   free PFN			the block starting at PFN (0x hex or decimal)
 *   free tag=NAME		the blocks tagged NAME
 *   reset			free everything
 *
 * Pure C with no kernel dependency beyond the core's seam, so the module and
 * the user-space CLI parse with the same code; so are the checks of the
 * ioctl requests, which the module and buddyctl's in-process twin share.
 */
#ifndef _BUDDY_CMD_H
#define _BUDDY_CMD_H

#include "buddy_core_internal.h"
#include <linux/buddy.h>

#define BUDDY_CMD_MAX_LEN	128	/* longest command, bytes */
/*
 * Room for any reason buddy_cmd_parse() and the pool give, whole: the
 * longest quote all of a command's longest word (about 190 bytes).
 */
#define BUDDY_CMD_WHY_LEN	256
#define BUDDY_CMD_ORDER_LIMIT	64	/* bare numbers below this are orders */

enum buddy_cmd_op {
	BUDDY_CMD_ALLOC = 1,
	BUDDY_CMD_FREE,
	BUDDY_CMD_FREE_TAG,
	BUDDY_CMD_RESET,
};

struct buddy_cmd {
	enum buddy_cmd_op op;
	unsigned int order;		/* ALLOC when bytes == 0 */
	unsigned long long bytes;	/* ALLOC by size, >= 1 */
	unsigned long long pfn;		/* FREE */
	char tag[BUDDY_TAG_LEN];	/* ALLOC (may be empty), FREE_TAG */
};

int buddy_cmd_parse(const char *buf, size_t len, struct buddy_cmd *cmd,
		    char *why, size_t why_len);
bool buddy_tag_valid(const char *tag, size_t len);
unsigned int buddy_bytes_to_order(unsigned long long bytes,
				  unsigned int page_shift);
int buddy_alloc_request(const struct buddy_alloc *arg, unsigned int *order,
			unsigned long long *bytes);
int buddy_free_request(const struct buddy_free *arg);

#endif /* _BUDDY_CMD_H */
