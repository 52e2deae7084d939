#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# matrix.sh - everything, everywhere: make check covers Debian 6.12 and the
# debug kernel in full and the others with a smoke run; this runs
#	- W=1 builds of buddy.ko (and buddy_test.ko where KUnit is) with gcc
#	  and with LLVM=1 against every kernel: debian (6.12), debian-6.1,
#	  debian-rt, debug, arm64, arm64-16k (the LLVM debug kernel is built
#	  once, with clang, into the cache: 10-15 minutes the first time);
#	- the user-space tools with clang; the core's tests built for arm64
#	  and for 32-bit x86 and run (under qemu's user mode where this
#	  kernel cannot run them);
#	- make install, make uninstall and DKMS against 6.12, 6.1 and rt;
#	- the whole e2e suite in every kernel, each arch, and in the
#	  clang-built debug kernel with the clang-built module.
# Prints a summary, each step's time, and "N passed, N failed".
# Env: CHECK_ONLY, a regex: run only the steps whose name matches (as
# check.sh; both use step() from lib.sh).
#
# Exit: 0 if everything passed.

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
logs=$BUDDY_BUILD/matrix
# No warning in any user-space build (tools/Makefile), as in make check:
# each compiler and arch warns of its own things.
export BUDDY_WERROR=1
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
summary=()

# w1 KERNEL: a W=1 build that prints no warning.
w1()
{
	local out
	# FRESH=1: every object compiled, so every file's warnings are seen.
	out=$(W=1 FRESH=1 scripts/build-module.sh "$1" 2>&1) || { printf '%s\n' "$out"; return 1; }
	printf '%s\n' "$out" | grep -v '^  [A-Z]'
	! grep -E 'warning:|error:' <<<"$out"
}

w1_llvm()
{
	LLVM=1 w1 "$1"
}

# tools CC [BUILD]: the user-space tools and tests with another compiler.
tools()
{
	make -C tools clean >/dev/null &&
		make -C tools CC="$1" SAN=0 BUILD="${2:-}" all buddyctl e2e bench
}

read -ra kernels <<<"$BUDDY_KERNELS"
for k in "${kernels[@]}"; do
	step "W=1 build, $k (gcc)" w1 "$k"
	step "W=1 build, $k (LLVM=1)" w1_llvm "$k"
done
step "user-space tools with clang" tools clang
step "user-space tools for arm64, the core's tests run" tests_on arm64 \
	qemu-aarch64 -L /usr/aarch64-linux-gnu
step "user-space tools for 32-bit x86, the core's tests run" tests_on 32 \
	qemu-i386 -L /
# Back to gcc for what follows (make check's objects).
step "user-space tools with gcc again" tools gcc
step "install, uninstall, DKMS" scripts/install-test.sh debian debian-6.1 debian-rt
for k in "${kernels[@]}"; do
	step "e2e suite, $k" scripts/e2e.sh "$k"
done
# The clang-built debug kernel with the clang-built module.
step "e2e suite, debug (LLVM=1)" env LLVM=1 scripts/e2e.sh debug

printf '\n===== summary =====\n'
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
