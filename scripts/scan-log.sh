#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scan-log.sh LOG - find kernel error reports in a guest console log.
#
# Looks for what the kernel's checkers print when they catch something:
# BUG:/WARNING:/Oops, KASAN, UBSAN, lockdep, RCU, kmemleak, slab and list
# debugging, panics, stalls.  A test passing while one of these fired is a
# test that failed.
#
# Only kernel lines are scanned (those with a printk timestamp, "[ 1.234]",
# anywhere in them: console output interleaves), so a test script saying
# "WARNING:" itself is not a report; kmemleak's report is scanned wherever
# it is, as the guest prints it with cat.  A log without a single
# timestamp is scanned whole.
#
# Env:	BUDDY_SCAN_ALLOW	an extended regex; a matching line is ignored,
#				and so is the rest of its report, up to
#				"---[ end trace" (for a test that triggers
#				a WARN on purpose)
#
# Output: the offending lines, with their line numbers, on stdout.
# Exit: 0 clean, 1 reports found, 2 usage or unreadable log.

set -euo pipefail

if [[ $# -ne 1 || ! -r $1 ]]; then
	echo "usage: scan-log.sh LOG" >&2
	exit 2
fi

# Not reports: loading an unsigned out-of-tree module on Debian's kernel
# says "module verification failed: signature and/or required key
# missing - tainting kernel" and "loading out-of-tree module taints
# kernel"; neither matches below, and neither is an error.
kernel_re='BUG:|WARNING:|Oops|general protection fault|Call Trace:|'
kernel_re+='kernel BUG at|invalid opcode:|Kernel panic|Unable to handle|'
kernel_re+='double fault|stack segment|stack-protector|'
kernel_re+='KASAN:|UBSAN:|KFENCE:|'
kernel_re+='possible circular locking|possible recursive locking|'
kernel_re+='inconsistent lock state|INFO: possible|INFO: trying to register non-static key|'
kernel_re+='suspicious RCU usage|lock held when returning|bad unlock balance|'
kernel_re+='sleeping function called from invalid context|scheduling while atomic|'
kernel_re+='list_add corruption|list_del corruption|'
kernel_re+='BUG [-_a-z0-9]+ \(|Poison overwritten|Redzone overwritten|Object padding overwritten|'
kernel_re+='Bad page state|Bad page map|page dumped because|refcount_t:|'
kernel_re+='rcu: INFO:|detected stalls|soft lockup|hard LOCKUP|blocked for more than'
leak_re='unreferenced object|suspected memory leak'

LC_ALL=C awk -v kre="$kernel_re" -v lre="$leak_re" -v allow="${BUDDY_SCAN_ALLOW:-}" '
	{ sub(/\r$/, ""); line[NR] = $0 }
	/\[ *[0-9]+\.[0-9]+\]/ { stamped = 1 }
	END {
		for (i = 1; i <= NR; i++) {
			l = line[i]
			# An allowed line silences the rest of its splat too
			# (the Call Trace of an intended WARN), up to its end.
			if (allow != "" && l ~ allow)
				allowed = 1
			if (allowed) {
				if (l ~ /---\[ end trace/)
					allowed = 0
				continue
			}
			kernel = !stamped || l ~ /\[ *[0-9]+\.[0-9]+\]/
			if (!((kernel && l ~ kre) || l ~ lre))
				continue
			# The live console and the dmesg dump both carry a report;
			# show it once (ignoring the timestamp).
			key = l
			sub(/^.*\[ *[0-9]+\.[0-9]+\] */, "", key)
			if (key in seen)
				continue
			seen[key] = 1
			if (++n <= 40)
				printf "%6d: %s\n", i, l
		}
		if (n > 40)
			printf "(%d more)\n", n - 40
		exit n > 0
	}' "$1"
