// SPDX-License-Identifier: GPL-2.0
/* Placeholder: the real module lands with issue 3. */
#include <linux/module.h>

#include "buddy_core.h"

static int __init buddy_init(void)
{
	pr_info("buddy: placeholder loaded\n");
	return 0;
}

static void __exit buddy_exit(void)
{
}

module_init(buddy_init);
module_exit(buddy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A teaching buddy allocator over a reserved page range");
