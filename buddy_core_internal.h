/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between buddy_core.c and its two worlds
 *
 * buddy_core.c and buddy_cmd.c include only this header.  In the kernel it
 * pulls in the real kernel headers; in user space
 * tools/include/buddy_core_shim.h maps the few kernel names they use onto
 * libc, so the same sources build in both.
 */
#ifndef _BUDDY_CORE_INTERNAL_H
#define _BUDDY_CORE_INTERNAL_H

#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include "buddy_compat.h"
#include <linux/string.h>
#include <linux/types.h>
#else
#include "buddy_core_shim.h"
#endif

#include "buddy_core.h"

#endif /* _BUDDY_CORE_INTERNAL_H */
