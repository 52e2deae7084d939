#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [MODULE.ko] - run buddy's KUnit suites on the debug kernel.
#
# Boots the debug kernel (KASAN, lockdep, kmemleak) with vm-run.sh and loads
# MODULE (default: build/kmod/debug/buddy_test.ko, built by
# build-module.sh debug), which runs its suites as it loads.  The guest
# prints each suite's /sys/kernel/debug/kunit/<suite>/results; they are
# joined into one KTAP document (build/kunit/results.ktap) and handed to the
# kernel's own parser, tools/testing/kunit/kunit.py parse, from the source
# the kernel was built from.  If the guest died before printing them, the
# KTAP in the kernel log is parsed instead, to show how far it got.
# buddy.ko is loaded first only if MODULE depends on it (modinfo depends=).
#
# Env: as vm-run.sh (VM_TIMEOUT, VM_MEM, BUDDY_SCAN_ALLOW...); BUDDY_KMEMLEAK
# defaults to 1 here.
#
# Output: kunit.py's report, then "kunit: P passed, F failed, S skipped".
# Exit: 0 all passed and the kernel log is clean; 1 a test failed or
# crashed, no KTAP at all, or a KASAN/lockdep/WARNING/BUG/kmemleak report;
# vm-run.sh's status (124 timeout, 125 crash) when the guest died; 2 usage.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -le 1 ]] || { echo "usage: kunit.sh [MODULE.ko]" >&2; exit 2; }

export BUDDY_KERNEL=debug
# Leaks are test failures too (the scans cost ~20 s under TCG).
export BUDDY_KMEMLEAK=${BUDDY_KMEMLEAK:-1}
out=$BUDDY_BUILD/kunit
mkdir -p "$out"

"$BUDDY_ROOT/scripts/deps.sh" build kernel vm
eval "$("$BUDDY_ROOT/scripts/kernel-debug.sh" env)"

if [[ $# -eq 1 ]]; then
	module=$(realpath "$1")
	# A module of its own needs nothing of the repository's build.
	if ! modinfo -F depends "$module" | tr ',' '\n' | grep -qx buddy; then
		BUDDY_KMOD_DIR=$(mktemp -d)
		trap 'rmdir "$BUDDY_KMOD_DIR"' EXIT
		export BUDDY_KMOD_DIR
	fi
else
	module=$("$BUDDY_ROOT/scripts/build-module.sh" debug)/buddy_test.ko
fi
[[ -f $module ]] || die "no $module"

if modinfo -F depends "$module" | tr ',' '\n' | grep -qx buddy; then
	export BUDDY_LOAD=1
else
	export BUDDY_LOAD=0
fi

log=$out/console.log
rc=0
BUDDY_VM_LOG=$log "$BUDDY_ROOT/scripts/vm-run.sh" \
	"$BUDDY_ROOT/scripts/e2e/kunit.sh" "$module" || rc=$?
kunit_report "$log" "$out" "$rc"

