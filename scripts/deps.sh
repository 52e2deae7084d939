#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [GROUP...] - install the Debian packages a group of tasks needs.
#
# Groups:
#	build	compile the module and the user-space tools
#	build32	the same tools for 32-bit x86 (make -C tools BUILD=32), and
#		qemu-i386 to run them on a kernel without IA32 emulation
#	bench	callgrind, for the instruction counts of make bench
#	fuzz	libFuzzer and the sanitizer runtimes (clang)
#	vm	boot a kernel in QEMU with a busybox initramfs
#	kernel	build a kernel from Debian's linux-source-6.12, and build
#		modules against Debian's packaged 6.12 headers
#	lint	checkpatch.pl (from the kernel source) and shellcheck
#	browser	Chromium for the page tests (and Node.js with npm, if missing)
#	llvm	clang and LLVM's binutils, for LLVM=1 module builds
#	dkms	DKMS, for the test of dkms.conf
#	arm64	cross-compilers, qemu-system-aarch64, qemu-aarch64 (user
#		mode, for the user-space tests), and apt's arm64 lists
#		(dpkg --add-architecture arm64), for BUDDY_ARCH=arm64
# No GROUP means all of them.
#
# Idempotent and silent when everything is installed; otherwise runs
# "apt-get update" once and installs what is missing, non-interactively,
# without recommends.  Safe with no stdin (CI).
#
# Never installs linux-image-* or linux-headers-*: the headers package
# depends on the image, which would put a kernel into /boot.  The Debian
# kernel we boot in QEMU is unpacked into the cache by kernel-debian.sh.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -A groups=(
	[build]="gcc make libc6-dev"
	[build32]="gcc-12-multilib qemu-user"
	[bench]="valgrind"
	[fuzz]="clang libclang-rt-14-dev"
	[vm]="qemu-system-x86 busybox-static cpio gzip"
	[kernel]="linux-source-$BUDDY_KSERIES gcc-12 make libc6-dev flex bison bc
		  libelf-dev libssl-dev python3 dwarves kmod xz-utils cpio"
	[lint]="perl shellcheck linux-source-$BUDDY_KSERIES"
	[browser]="chromium"
	[llvm]="clang llvm lld"
	[dkms]="dkms"
	[arm64]="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
		 qemu-user"
)

if [[ $# -eq 0 ]]; then
	set -- build build32 bench fuzz vm kernel lint browser llvm arm64 dkms
fi

want=()
for g in "$@"; do
	[[ -n ${groups[$g]:-} ]] ||
		die "unknown group '$g' (known: ${!groups[*]})"
	# Word splitting of the package list is the point here.
	# shellcheck disable=SC2206
	want+=(${groups[$g]})
	# Node.js may come from elsewhere than Debian: only if there is none.
	if [[ $g == browser ]] && ! command -v npm >/dev/null; then
		want+=(nodejs npm)
	fi
done

# arm64 kernels and busybox come from apt's arm64 lists: the architecture
# must be known to dpkg (the packages are downloaded, never installed).
fresh_lists=0
if [[ " $* " == *" arm64 "* ]] &&
   ! dpkg --print-foreign-architectures | grep -qx arm64; then
	info "adding arm64 to dpkg's architectures, for its kernel packages"
	as_root dpkg --add-architecture arm64
	as_root apt-get update -qq </dev/null
	fresh_lists=1
fi

# One dpkg-query for the lot: this runs at the start of every vm-run.
installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${want[@]}" 2>/dev/null |
	awk '$1 == "ii" { printf "%s ", $2 }' || true)"
missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
	[[ $installed == *" $p "* ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

info "installing: ${missing[*]}"
# Package lists may be absent on a fresh machine or stale on an old one:
# refresh them, but only now that we know we need to download something.
[[ $fresh_lists == 1 ]] || as_root apt-get update -qq </dev/null
as_root env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null >/dev/null
info "installed: ${missing[*]}"
