#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# stress.sh [KERNEL...] - the concurrency stress (buddy_stress) and the
# ioctl fuzzer (buddy_ioctl_fuzz) in a QEMU guest, on Debian's 6.12
# kernel (debian), the debug kernel (debug: KASAN, lockdep, kmemleak, hung
# tasks), or both (default); debian-6.1 and debian-rt run too.  The guest
# script is scripts/e2e/stress.sh; on the debug kernel the guest also
# unloads the module and fails on kmemleak reports.
#
# Env:	STRESS_SEED	seed of both programs (default: a random one, printed)
#	STRESS_OPS	buddy_stress operations (default 200000)
#	FUZZ_IOCTLS	buddy_ioctl_fuzz ioctls (default 1000000)
#	STRESS_PAGES	the pool, buddy.ko pages= (default 512)
#
# A run prints its seed; the same seed and sizes replay it:
#	STRESS_SEED=N STRESS_OPS=... FUZZ_IOCTLS=... scripts/stress.sh debug
#
# Exit: 0 if every run passed with a clean kernel log.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT"
case ${1:-} in
-h | --help)
	header_usage "${BASH_SOURCE[0]}"
	exit 0 ;;
esac
[[ $# -gt 0 ]] || set -- debian debug
for kernel in "$@"; do
	# Refused before the seed is drawn: no replay line for a run that
	# cannot be.
	case $kernel in
	debian | debian-6.1 | debian-rt | debug) ;;
	*) die "kernels are debian, debian-6.1, debian-rt and debug, not '$kernel' (usage: scripts/stress.sh [KERNEL...], default debian debug)" ;;
	esac
done
seed=${STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
ops=${STRESS_OPS:-200000}
ioctls=${FUZZ_IOCTLS:-1000000}
pages=${STRESS_PAGES:-512}
for n in "$seed" "$ops" "$ioctls" "$pages"; do
	[[ $n =~ ^[0-9]+$ ]] || die "STRESS_SEED, STRESS_OPS, FUZZ_IOCTLS and STRESS_PAGES are numbers, not '$n'"
done
# buddy.ko refuses pages=0: a run of it would only fail its insmod.
[[ $pages -ge 1 ]] || die "STRESS_PAGES is the pool, at least 1 page, not $pages"
replay="STRESS_SEED=$seed STRESS_OPS=$ops FUZZ_IOCTLS=$ioctls STRESS_PAGES=$pages scripts/stress.sh"
info "seed $seed: $ops stress operations, $ioctls fuzzed ioctls, $pages pages (replay: $replay $*)"

tools_make e2e
conf=$BUDDY_BUILD/stress/stress.conf
stress_conf "$conf" "$seed" "$ops" "$ioctls" "$pages"

status=0
for kernel in "$@"; do
	kmemleak=0 slow=1
	# The debug kernel runs the same work several times slower (KASAN,
	# lockdep); the timeout is generous: the guest's checks fail first.
	[[ $kernel == debug ]] && kmemleak=1 slow=4
	timeout=$((120 + (ops / 100 + ioctls / 1000) * slow))
	if ! BUDDY_KERNEL=$kernel BUDDY_LOAD=0 BUDDY_KMEMLEAK=$kmemleak \
		VM_TIMEOUT=${VM_TIMEOUT:-$timeout} scripts/vm-run.sh \
		scripts/e2e/stress.sh scripts/e2e/lib.sh build/user/buddy_stress \
		build/user/buddy_ioctl_fuzz "$conf"; then
		warn "$kernel: FAILED; replay: $replay $kernel"
		status=1
	fi
done
exit "$status"
