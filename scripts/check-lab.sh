#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-lab.sh - grade the allocator core of this tree: every user-space
# test (tools/test: one behaviour each, and the differential tests against
# the model) in a process of its own, so that one crash or endless loop
# fails that behaviour and not the rest.  For the lab (scripts/lab.sh), and
# as a check of the real core.
#
# Prints "PASS NAME" or "FAIL NAME" per test, the first lines of each
# failure, and "N passed, N failed".
# Env:	LAB_TIMEOUT	seconds a test may take (default 120)
# Exit: 0 if every test passed.

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
limit=${LAB_TIMEOUT:-120}
# The core allocates nothing (the caller gives it its metadata), so a leak
# LeakSanitizer finds is the tests' own, after a failed assertion: the
# scan and its report cost a failing test a quarter of a second and show
# nothing of the core's.  Bad accesses and undefined behaviour still stop
# the test.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
# UBSan's report names the line, not how it was reached: a bad index in
# bit_clear() says nothing of the merge that passed it.  The stack does.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# Run in the project itself, this grades the real core, the solution: say
# so, in case a lab was meant (make -C build/lab check-lab).
if [[ ! -f .lab-written ]]; then
	info "grading this tree's own buddy_core.c, not a lab's: a lab is graded with make -C DIR check-lab (DIR: build/lab, from make lab)"
fi
if ! build=$(tools_make ../build/user/buddy_test 2>&1); then
	printf '%s\n' "$build"
	printf '\nFAIL the build: the code does not compile (errors above)\n'
	printf '0 passed, 1 failed\n'
	exit 1
fi
bin=$BUDDY_BUILD/user/buddy_test
mapfile -t tests < <("$bin" -l)
[[ ${#tests[@]} -gt 0 ]] || die "$bin -l lists no test"

passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "${tests[@]}"; do
	timeout -k 5 "$limit" "$bin" "$t" >"$out" 2>&1
	status=$?
	if [[ $status -eq 0 ]]; then
		printf 'PASS  %s\n' "$t"
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$out"; then
		printf 'FAIL  %s: crashed: a bad memory access or undefined behaviour\n' "$t"
		# Where, not the sanitizer's boilerplate.
		grep -m4 'runtime error:\|ERROR: AddressSanitizer\|^ *#[0-2] ' "$out" |
			sed 's/^ */        /'
		continue
	fi
	case $status in
	124 | 137) why="did not finish in $limit s (an endless loop?)" ;;
	1) why="failed" ;;
	*) why="crashed (exit status $status)" ;;
	esac
	printf 'FAIL  %s: %s\n' "$t" "$why"
	# The test's own words: not the summary lines, nor the leak report
	# of a test that gave up half way.
	awk '/^====/ { exit } /^[0-9]+ tests run|^Test .* FAILED$|^$/ { next }
	     { print "        " $0 }' "$out" | head -n 6
done
printf '\n%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
