#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything `make check` runs, in order, on a fresh machine or a
# warm one.  Each step is a suite of its own with its own output; a failed
# step does not stop the next ones.  The last line is "N passed, N failed"
# (steps), and the exit status is 1 if any step failed.
#
# Env:	CHECK_FUZZ_SECONDS	libFuzzer run time (default 30)
#	STRESS_OPS		buddy_stress operations (default 4000)
#	FUZZ_IOCTLS		buddy_ioctl_fuzz ioctls (default 50000)
#	CHECK_ONLY		a regex: run only the steps whose name matches

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
logs=$BUDDY_BUILD/check
rm -rf "$logs"
mkdir -p "$logs"

passed=0
failed=0
summary=()

# step NAME CMD...: run CMD, its output to the terminal and to a log.
step()
{
	local name=$1 start status log
	shift
	if [[ -n ${CHECK_ONLY:-} ]] && ! [[ $name =~ $CHECK_ONLY ]]; then
		return 0
	fi
	log=$logs/$(printf '%02d' $((passed + failed + 1)))-${name//[^a-zA-Z0-9]/_}.log
	printf '\n===== %s =====\n' "$name"
	start=$(now)
	"$@" </dev/null 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	if [[ $status -eq 0 ]]; then
		passed=$((passed + 1))
		summary+=("PASS  $name ($(($(now) - start)) s)")
	else
		failed=$((failed + 1))
		summary+=("FAIL  $name ($(($(now) - start)) s, status $status, log ${log#"$BUDDY_ROOT"/})")
	fi
}

# build_w1 KERNEL...: a kbuild run must print no warning at all under W=1
# (with LLVM=1 in the environment: clang's).
build_w1()
{
	local out k status=0
	for k in "$@"; do
		if ! out=$(W=1 scripts/build-module.sh "$k" 2>&1); then
			printf '%s\n' "$out"
			status=1
			continue
		fi
		printf '%s\n' "$out" | grep -v '^  [A-Z]'
		if grep -E 'warning:|error:' <<<"$out"; then
			echo "W=1 build against $k${LLVM:+ with LLVM} printed the warnings above"
			status=1
		fi
	done
	return "$status"
}

# build_w1_llvm KERNEL...: the same with clang and LLVM's binutils.
build_w1_llvm()
{
	LLVM=1 build_w1 "$@"
}

# checkpatch --strict on every C file and header of the project.  User
# space (tools/) skips the rules that point at kernel-only APIs (__printf,
# __noreturn, strscpy), the test harness's ASSERT macros that return (as
# tools/testing/vma's do), long user-visible strings, token-pasting macros,
# libFuzzer's CamelCase entry point, and strings split across lines (the
# style and script of the page buddyctl html writes, kept readable).
checkpatch()
{
	local src kernel user status=0
	src=$(kernel_source) || return 1
	mapfile -t kernel < <(git ls-files '*.c' '*.h' ':!tools/*')
	mapfile -t user < <(git ls-files 'tools/*.c' 'tools/*.h')
	"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		-f "${kernel[@]}" || status=1
	"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore PREFER_DEFINED_ATTRIBUTE_MACRO,STRNCPY \
		--ignore MACRO_WITH_FLOW_CONTROL,LONG_LINE_STRING \
		--ignore MACRO_ARG_REUSE,CAMELCASE,SPLIT_STRING \
		-f "${user[@]}" || status=1
	return "$status"
}

step "deps" scripts/deps.sh
step "unit + differential tests (ASan, UBSan)" make -C tools test
step "fuzz ${CHECK_FUZZ_SECONDS:-30} s" \
	make -C tools fuzz FUZZ_SECONDS="${CHECK_FUZZ_SECONDS:-30}"
step "buddyctl host tests" tools/buddyctl/tests/run.sh
step "textbook scenarios in the twin" scripts/scenarios.sh
step "the lab: stubs fail, the real bodies pass" scripts/lab-selftest.sh
step "checkpatch --strict" checkpatch
step "shellcheck" make -s shellcheck
step "W=1 build, Debian 6.12 headers" build_w1 debian
step "W=1 build, debug kernel" build_w1 debug
step "W=1 build, Debian 6.1, 6.12-rt, arm64 and arm64 16K" \
	build_w1 debian-6.1 debian-rt arm64 arm64-16k
step "W=1 build with LLVM=1, Debian 6.12, 6.1 and arm64" \
	build_w1_llvm debian debian-6.1 arm64
step "make install, uninstall and DKMS: 6.12 and 6.1 headers" \
	scripts/install-test.sh debian debian-6.1
step "e2e + stress, Debian 6.12 kernel" scripts/e2e.sh --all debian
step "smoke, Debian 6.1, 6.12-rt, arm64 and arm64 16K" scripts/e2e.sh --smoke \
	debian-6.1 debian-rt arm64 arm64-16k
step "buddyctl and its twin in the guest" scripts/vm-run.sh \
	tools/buddyctl/tests/guest.sh tools/buddyctl/tests/vm.sh \
	tools/buddyctl/tests/twin.sh tools/buddyctl/tests/twin scenarios \
	scripts/e2e/lib.sh
step "the page in headless Chromium" tools/browser/run.sh
step "KUnit, debug kernel" scripts/kunit.sh
# One boot of the debug kernel for three suites: the e2e suite, fault
# injection, and the stress and ioctl fuzz, short and with the fixed seed 1
# (make stress runs them long with a random one; make faults alone).
step "e2e + faults + stress, debug kernel (KASAN, lockdep, kmemleak)" \
	scripts/e2e.sh --all debug

printf '\n===== summary =====\n'
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
