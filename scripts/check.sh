#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything `make check` runs, in order, on a fresh machine or a
# warm one.  Each step is a suite of its own with its own output; a failed
# step does not stop the next ones.  The last line is "N passed, N failed"
# (steps), and the exit status is 1 if any step failed.
#
# Env:	CHECK_FUZZ_SECONDS	libFuzzer run time (default 20)
#	STRESS_OPS		buddy_stress operations (default 4000)
#	FUZZ_IOCTLS		buddy_ioctl_fuzz ioctls (default 50000)
#	CHECK_ONLY		a regex: run only the steps whose name matches

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
logs=$BUDDY_BUILD/check
# Every module build of the run with W=1: the W=1 steps compile each
# kernel's objects from scratch (FRESH=1) and the VM steps then reuse them,
# instead of compiling everything again without it.
export W=1
# And no warning in user space either (tools/Makefile: -Werror), in any
# build: the 32-bit one found a warning the 64-bit ones do not give.
export BUDDY_WERROR=1
rm -rf "$logs"
mkdir -p "$logs"

passed=0
failed=0
summary=()
check_start=$(now)
check_ticks=0 check_end=0
children_ticks check_ticks

# build_w1 KERNEL...: a kbuild run must print no warning at all under W=1
# (with LLVM=1 in the environment: clang's).  Every object is compiled
# (FRESH=1).  Two kernels at a time (a module's kbuild run is mostly
# serial: 56 s instead of 76 for all nine builds), once packages and
# kernels are in place, which go one at a time.
build_w1()
{
	local k i out pids=() status=0

	for k in "$@"; do
		(kernel_env "$k" &&
		 scripts/deps.sh build kernel ${LLVM:+llvm} >/dev/null &&
		 "$(kernel_script "$k")" env >/dev/null) || return 1
	done
	out=$(mktemp -d)
	for i in $(seq 0 $(($# - 1))); do
		[[ $i -ge 2 ]] && wait "${pids[i - 2]}"
		k=${*:i+1:1}
		{
			W=1 FRESH=1 scripts/build-module.sh "$k" \
				>"$out/$i" 2>&1
			echo $? >"$out/$i.status"
		} &
		pids+=($!)
	done
	wait
	for i in $(seq 0 $(($# - 1))); do
		k=${*:i+1:1}
		if [[ $(cat "$out/$i.status") != 0 ]]; then
			cat "$out/$i"
			status=1
			continue
		fi
		grep -v '^  [A-Z]' "$out/$i"
		if grep -E 'warning:|error:' "$out/$i"; then
			echo "W=1 build against $k${LLVM:+ with LLVM} printed the warnings above"
			status=1
		fi
	done
	rm -rf "$out"
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
# libFuzzer's CamelCase entry point, strings split across lines (the
# style and script of the page buddyctl html writes, kept readable), and
# ENOSYS, which a syscall the kernel lacks returns to user space: the e2e
# tests say so instead of failing on the debug kernel (tinyconfig).
# buddy_compat.h alone may test LINUX_VERSION_CODE: an out-of-tree module
# that builds on several kernels has to, and that header is where it does
# (checkpatch also reads the version macro as a constant on the left).  The
# three runs go side by side, each with the other's core.
checkpatch()
{
	local src kernel user pids=() pid status=0
	src=$(kernel_source) || return 1
	mapfile -t kernel < <(git ls-files '*.c' '*.h' ':!tools/*' \
		':!buddy_compat.h')
	mapfile -t user < <(git ls-files 'tools/*.c' 'tools/*.h')
	"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		-f "${kernel[@]}" & pids+=($!)
	"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		-f buddy_compat.h & pids+=($!)
	"$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore PREFER_DEFINED_ATTRIBUTE_MACRO,STRNCPY \
		--ignore MACRO_WITH_FLOW_CONTROL,LONG_LINE_STRING \
		--ignore MACRO_ARG_REUSE,CAMELCASE,SPLIT_STRING,ENOSYS \
		-f "${user[@]}" & pids+=($!)
	for pid in "${pids[@]}"; do
		wait "$pid" || status=1
	done
	return "$status"
}

step "deps" scripts/deps.sh
# Steps that need no guest run beside those that boot one guest, which
# keeps one of the two CPUs busy, and the lint beside the unit tests, which
# run in one process.  beside NAME FN: FN's steps, in the
# background ($! is its pid), their output in $logs/NAME.out and their
# counts and summary for join_beside NAME PID, which shows them when they
# are done.  Nothing they build is shared with a guest's run (tools/ was
# built by the steps before, the fuzzer's objects are its own, the lab and
# DKMS work on copies, the clang builds go to build/kmod/KERNEL-llvm).
beside_run()
{
	# shellcheck disable=SC2034 # log_prefix is read by step (lib.sh)
	local name=$1 passed=0 failed=0 summary=() log_prefix=$1-

	"$2"
	echo "$passed $failed" >"$logs/$name.counts"
	if [[ ${#summary[@]} -gt 0 ]]; then
		printf '%s\n' "${summary[@]}"
	fi >"$logs/$name.summary"
}

beside()
{
	# Until they say otherwise, they failed: written before they start.
	echo "FAIL  the steps run beside others ($1) did not finish" \
		"(log ${logs#"$BUDDY_ROOT"/}/$1.out)" >"$logs/$1.summary"
	echo "0 1" >"$logs/$1.counts"
	# At a lower priority: the guest's step beside them is the one the
	# run waits for, and they fill the CPU it leaves.
	(
		renice -n 10 -p "$BASHPID" >/dev/null
		beside_run "$@"
	) >"$logs/$1.out" 2>&1 &
}

join_beside()
{
	local p f

	wait "$2"
	cat "$logs/$1.out"
	read -r p f <"$logs/$1.counts"
	passed=$((passed + p))
	failed=$((failed + f))
	mapfile -t -O "${#summary[@]}" summary <"$logs/$1.summary"
}

# The lint: checkpatch and shellcheck read the sources, and build nothing.
lint_steps()
{
	step "checkpatch --strict" checkpatch
	step "shellcheck" make -s shellcheck
}

beside lint lint_steps
lint_pid=$!
step "unit + differential tests (ASan, UBSan)" make -j"$JOBS" -C tools test
join_beside lint "$lint_pid"
w1_kernels=(debian debug debian-6.1 debian-rt arm64 arm64-16k)
steps_before=${#summary[@]}
step "W=1 build: Debian 6.12, debug, 6.1, 6.12-rt, arm64, arm64 16K" \
	build_w1 "${w1_kernels[@]}"
# The guests' steps take these modules as they are: nothing has changed
# since, and kbuild took 3 s a guest to say so (21 s of the run).  Not
# after a failed build, which may have left some, nor when CHECK_ONLY
# skipped it.
if [[ ${#summary[@]} -gt $steps_before && ${summary[-1]} == PASS* ]]; then
	export BUDDY_KMOD_BUILT="${w1_kernels[*]}"
fi

# The builds: clang's W=1 builds and DKMS, beside the guests of one CPU
# after the smoke runs (which keep both busy, two guests at a time).
build_steps()
{
	# 6.1's clang build is make matrix's: here one x86-64 kernel and
	# arm64, whose clang cross build differs the most (22 CPU-s less).
	step "W=1 build with LLVM=1, Debian 6.12 and arm64" \
		build_w1_llvm debian arm64
	# One kernel's headers here, three in make matrix: what differs
	# between kernels is KDIR and the release, and the W=1 builds above
	# already compile against each (6.1's: 40 CPU-s of the run).
	step "make install, uninstall and DKMS: 6.12 headers" \
		scripts/install-test.sh debian
	step "the core's tests, 32-bit x86 (all but three diff_ tests)" tests_32
}

# The 32-bit build, in short: make matrix runs every test, and for arm64
# too; here all but the three longest random runs against the model (46 s
# of 55 under qemu-i386), which the 64-bit step runs under the sanitizers.
# diff_edge_pools and diff_fill_and_drain_all_small_pools still run here.
tests_32()
{
	TEST_ARGS="-x diff_odd_pools -x diff_power_of_two_pools -x diff_observed_pools" \
		tests_on 32 qemu-i386 -L /
}

# The host's tests (libFuzzer, the shell-driven buddyctl tests, the lab's
# builds and tests, the bench's workloads) beside the longest guest.
host_steps()
{
	step "fuzz ${CHECK_FUZZ_SECONDS:-20} s" \
		make -C tools fuzz FUZZ_SECONDS="${CHECK_FUZZ_SECONDS:-20}"
	step "buddyctl host tests" tools/buddyctl/tests/run.sh
	step "textbook scenarios in the twin" scripts/scenarios.sh
	step "the scripts refuse bad arguments at once" scripts/args-test.sh
	step "the lab: stubs fail, the real bodies pass" scripts/lab-selftest.sh
	step "the bench's workloads, variants and floor loops, audited (untimed)" \
		make -C tools bench-smoke
}

step "smoke, Debian 6.1, 6.12-rt, arm64 and arm64 16K" env E2E_JOBS=2 \
	scripts/e2e.sh --smoke debian-6.1 debian-rt arm64 arm64-16k
beside builds build_steps
builds_pid=$!
step "e2e + stress, Debian 6.12 kernel" scripts/e2e.sh --all debian
step "buddyctl and its twin in the guest" scripts/vm-run.sh \
	tools/buddyctl/tests/guest.sh tools/buddyctl/tests/vm.sh \
	tools/buddyctl/tests/twin.sh tools/buddyctl/tests/twin scenarios \
	scripts/e2e/lib.sh
step "the page in headless Chromium" tools/browser/run.sh
beside host host_steps
host_pid=$!

# One boot of the debug kernel for four suites: KUnit, the e2e suite, the
# stress and ioctl fuzz, short and with the fixed seed 1, and fault
# injection (make kunit, make stress with a random seed and long, and make
# faults run them alone).
step "KUnit + e2e + stress + faults, debug kernel (KASAN, lockdep, kmemleak)" \
	scripts/e2e.sh --all debug

join_beside builds "$builds_pid"
join_beside host "$host_pid"

printf '\n===== summary =====\n'
printf '%s\n' "${summary[@]}"
# Every step's CPU is counted here: the steps run beside were waited for.
children_ticks check_end
echo "all: $(($(now) - check_start)) s," \
	"$(cpu_seconds $((check_end - check_ticks))) CPU-s on $(nproc) CPUs"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
