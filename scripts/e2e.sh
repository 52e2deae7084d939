#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e.sh [debian|debug...] - the end-to-end suite (scripts/e2e/suite.sh) in a
# QEMU guest, on Debian's 6.12 kernel, the debug kernel, or both (default).
# The suite loads and unloads buddy.ko itself.  On the debug kernel the
# guest also unloads the module at the end and fails on any kmemleak report.
#
# Exit: 0 if every run passed with a clean kernel log.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT"
[[ $# -gt 0 ]] || set -- debian debug
make -s -C tools e2e buddyctl
status=0
for kernel in "$@"; do
	kmemleak=0
	[[ $kernel == debug ]] && kmemleak=1
	BUDDY_KERNEL=$kernel BUDDY_LOAD=0 BUDDY_KMEMLEAK=$kmemleak scripts/vm-run.sh \
		scripts/e2e/suite.sh scripts/e2e/lib.sh \
		build/user/buddy_write build/user/buddy_dev_test \
		build/user/buddy_harden_test build/user/buddy_steps_test \
		build/user/buddy_mmap_test || status=1
done
exit "$status"
