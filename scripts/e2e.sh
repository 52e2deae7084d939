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
# 4000, FUZZ_IOCTLS 50000) and, on the debug kernel, KUnit before the suite
# (scripts/e2e/kunit.sh, its report as scripts/kunit.sh prints it, results
# in build/kunit/) and fault injection after (scripts/e2e/faults.sh): one
# boot and one kmemleak scan for all four.
# The suite loads and unloads buddy.ko itself.  On the debug kernel the
# guest also unloads the module at the end and fails on any kmemleak report.
#
# Env:	E2E_JOBS=N	N guests side by side (default 1): everything they
#			need is built first, one kernel at a time, and
#			each guest boots the initramfs made then; each
#			guest's output is shown whole, in the order of the
#			kernels.  Side by side, each guest gets one vCPU
#			unless VM_SMP says otherwise (two guests of two
#			vCPUs on two cores are slower than one after the
#			other).  make check's smoke step uses 2: 52 s
#			instead of 75 for its four kernels.
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
tools_make e2e buddyctl
# run KERNEL: the guest run on KERNEL, VM_PREPARE as vm-run.sh's.
run()
{
	local kernel=$1 kmemleak=0 more=() kunit=0 rc=0

	if [[ $kernel == debug ]]; then
		kmemleak=1
		if [[ $all == 1 ]]; then
			kunit=1
			more=(scripts/e2e/kunit.sh scripts/e2e/faults.sh
			      build/user/buddy_failnth)
		fi
	fi
	# arm64 guests are slower under TCG, and --all does three runs' work;
	# side by side, every guest is slower.
	(kernel_env "$kernel"
	 [[ $BUDDY_ARCH == arm64 || $all == 1 || $jobs -gt 1 ]] &&
		export VM_TIMEOUT=${VM_TIMEOUT:-900}
	 BUDDY_LOAD=0 BUDDY_KMEMLEAK=$kmemleak scripts/vm-run.sh \
		"$script" "${extra[@]}" "${more[@]}" scripts/e2e/lib.sh \
		build/user/buddy_write build/user/buddy_dev_test \
		build/user/buddy_harden_test build/user/buddy_steps_test \
		build/user/buddy_mmap_test) || rc=$?
	if [[ $kunit == 1 && ${VM_PREPARE:-0} != 1 ]]; then
		mkdir -p "$BUDDY_BUILD/kunit"
		kunit_report "$BUDDY_BUILD/vm/debug-all.log" \
			"$BUDDY_BUILD/kunit" "$rc" || rc=1
	fi
	return "$rc"
}

jobs=${E2E_JOBS:-1}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "E2E_JOBS must be a positive number"
status=0
if [[ $jobs -eq 1 ]]; then
	for kernel in "$@"; do
		run "$kernel" || status=1
	done
	exit "$status"
fi

export VM_SMP=${VM_SMP:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Each guest boots the initramfs prepared for it here (VM_INITRD).
for i in $(seq 0 $(($# - 1))); do
	VM_PREPARE=1 VM_INITRD=$out/$i.initrd run "${*:i+1:1}" >/dev/null ||
		status=1
done
[[ $status -eq 0 ]] || exit 1
pids=()
for i in $(seq 0 $(($# - 1))); do
	# At most $jobs at once: wait for the oldest still running.
	if [[ $i -ge $jobs ]]; then
		wait "${pids[i - jobs]}" || echo 1 >"$out/$((i - jobs)).failed"
	fi
	kernel=${*:i+1:1}
	VM_INITRD=$out/$i.initrd run "$kernel" >"$out/$i.out" 2>&1 &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	if [[ $i -ge $(($# - jobs)) ]]; then
		wait "${pids[i]}" || echo 1 >"$out/$i.failed"
	fi
	cat "$out/$i.out"
	[[ -e $out/$i.failed ]] && status=1
done
exit "$status"
