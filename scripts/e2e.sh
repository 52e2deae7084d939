#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e.sh [KERNEL...] - the end-to-end suite (scripts/e2e/suite.sh) in a
# QEMU guest, on each KERNEL (default: debian and debug; all of them:
# debian debian-6.1 debian-rt debug arm64 arm64-16k, see kernel_id in
# lib.sh).  With --smoke, the smoke run (scripts/e2e/smoke.sh: load and
# unload, Stallings, bad commands, sizes and ioctls) instead of the suite.
# With --all, in the same boot after the suite: the short stress and ioctl
# fuzz (scripts/e2e/stress.sh: seed STRESS_SEED, default 1, STRESS_OPS
# 4000, FUZZ_IOCTLS 50000) and, on the debug kernel, fault injection
# (scripts/e2e/faults.sh); one boot and one kmemleak scan for all three.
# The suite loads and unloads buddy.ko itself.  On the debug kernel the
# guest also unloads the module at the end and fails on any kmemleak report.
#
# Exit: 0 if every run passed with a clean kernel log.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT"
script=scripts/e2e/suite.sh
extra=()
all=0
case ${1:-} in
--smoke)
	script=scripts/e2e/smoke.sh
	extra=(scripts/e2e/suite.sh)
	shift ;;
--all)
	all=1
	script=scripts/e2e/all.sh
	extra=(scripts/e2e/suite.sh scripts/e2e/stress.sh build/user/buddy_stress
	       build/user/buddy_ioctl_fuzz "$BUDDY_BUILD/stress/stress.conf")
	stress_conf "$BUDDY_BUILD/stress/stress.conf" "${STRESS_SEED:-1}" \
		"${STRESS_OPS:-4000}" "${FUZZ_IOCTLS:-50000}" 512
	shift ;;
esac
[[ $# -gt 0 ]] || set -- debian debug
make -s -C tools e2e buddyctl
status=0
for kernel in "$@"; do
	kmemleak=0 more=()
	if [[ $kernel == debug ]]; then
		kmemleak=1
		[[ $all == 1 ]] &&
			more=(scripts/e2e/faults.sh build/user/buddy_failnth)
	fi
	# arm64 guests are slower under TCG, and --all does three runs' work.
	(kernel_env "$kernel"
	 [[ $BUDDY_ARCH == arm64 || $all == 1 ]] &&
		export VM_TIMEOUT=${VM_TIMEOUT:-900}
	 BUDDY_LOAD=0 BUDDY_KMEMLEAK=$kmemleak scripts/vm-run.sh \
		"$script" "${extra[@]}" "${more[@]}" scripts/e2e/lib.sh \
		build/user/buddy_write build/user/buddy_dev_test \
		build/user/buddy_harden_test build/user/buddy_steps_test \
		build/user/buddy_mmap_test) || status=1
done
exit "$status"
