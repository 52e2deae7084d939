#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# faults.sh - fault injection in the debug kernel: every allocation that
# buddy.ko makes (itself, or through the kernel functions it calls) fails
# in turn, at insmod and in every operation on its files: control
# commands, opens, reads, ioctls, close.  /proc/thread-self/fail-nth picks
# the allocation (tools/e2e/buddy_failnth.c, run by scripts/e2e/faults.sh
# in the guest).  Each failure must return ENOMEM and change nothing; at
# the end rmmod, and kmemleak must find nothing.
#
# Exit: 0 if the run passed with a clean kernel log.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
'') ;;
-h | --help)
	header_usage "${BASH_SOURCE[0]}"
	exit 0 ;;
*)
	die "takes no arguments, not '$1' (it runs every point; see README, Fault injection)" ;;
esac
cd "$BUDDY_ROOT"
tools_make e2e
start=$(now)
status=0
BUDDY_KERNEL=debug BUDDY_LOAD=0 BUDDY_KMEMLEAK=1 scripts/vm-run.sh \
	scripts/e2e/faults.sh scripts/e2e/lib.sh build/user/buddy_failnth ||
	status=$?
info "took $(($(now) - start)) s"
exit "$status"
