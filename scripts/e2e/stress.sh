# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The concurrency stress and the ioctl fuzzer, in the guest as root with
# buddy.ko NOT loaded (BUDDY_LOAD=0): loads it, notes its buddyinfo, runs
# buddy_stress, then buddy_ioctl_fuzz, checks the pool is as loaded, and
# unloads.  stress.conf beside it (written by scripts/stress.sh) sets:
#	STRESS_SEED STRESS_OPS	buddy_stress -s -n
#	FUZZ_SEED FUZZ_IOCTLS	buddy_ioctl_fuzz -s -n
#	STRESS_PAGES		the pool (buddy.ko pages=)
# Needs lib.sh, buddy_stress and buddy_ioctl_fuzz beside it.

# shellcheck source=lib.sh
. ./lib.sh
PATH=.:$PATH
STRESS_SEED=1 STRESS_OPS=20000 FUZZ_SEED=1 FUZZ_IOCTLS=100000 STRESS_PAGES=512
# shellcheck disable=SC1091 # written by scripts/stress.sh
[ -f stress.conf ] && . ./stress.conf

# Nothing below means anything without the module: one failure, not eight.
if ! load pages="$STRESS_PAGES" max_order=10; then
	fail "insmod pages=$STRESS_PAGES"
	finish stress
	exit 1
fi
loaded=$(buddyinfo)

# pool_as_loaded NAME: every block back, the audit ok, buddyinfo as at load.
pool_as_loaded() {
	check_ok "$1"
	expect "$1: pages_free = pages_total" "$(stat_of pages_free)" \
		"$(stat_of pages_total)"
	expect "$1: no allocation left" "$(stat_of allocations)" 0
	expect "$1: buddyinfo as right after load" "$(buddyinfo)" "$loaded"
}

# timed NAME COMMAND...: ok, and how long it took (a note, not a check).
timed() {
	t0=$(date +%s)
	ok "$@"
	echo "stress: $1 took $(($(date +%s) - t0)) s"
}

if [ "$STRESS_OPS" -gt 0 ]; then
	timed "buddy_stress -s $STRESS_SEED -n $STRESS_OPS" \
		buddy_stress -s "$STRESS_SEED" -n "$STRESS_OPS"
	pool_as_loaded "after the stress"
fi
if [ "$FUZZ_IOCTLS" -gt 0 ]; then
	timed "buddy_ioctl_fuzz -s $FUZZ_SEED -n $FUZZ_IOCTLS" \
		buddy_ioctl_fuzz -s "$FUZZ_SEED" -n "$FUZZ_IOCTLS"
	pool_as_loaded "after the fuzzer"
fi
ok "rmmod after the stress and the fuzzer" unload
finish stress
