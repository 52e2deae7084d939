#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KERNEL [MAKE_ARG...] - build buddy.ko (and buddy_test.ko)
# against a QEMU kernel.
#
# KERNEL is one of Debian's (debian: the packaged 6.12, debian-6.1,
# debian-rt, arm64, arm64-16k; kernel-debian.sh) or debug (our
# KASAN/lockdep kernel, kernel-debug.sh).  arm64 modules are cross-built
# with aarch64-linux-gnu-gcc (ARCH=arm64 CROSS_COMPILE=...).
#
# Kbuild writes its objects next to the sources in M=, so the module is
# built in a mirror, build/kmod/<flavour>/, made of symlinks to the
# repository's top-level *.c, *.h and Kbuild, a symlink to include/, and
# real directories of symlinks for source subdirectories (kunit/), which
# get objects of their own.  Two flavours and an in-tree "make" never
# share an object file.  The mirror is relinked on every run, so added
# and removed sources are picked up.
#
# Env:	W=1 (or 2, 3, any combination kbuild accepts) for extra warnings
#	LLVM=1	build with clang and LLVM's binutils (build/kmod/KERNEL-llvm)
#	JOBS	parallel jobs (default: nproc)
#	FRESH=1	drop the mirror's objects first: every file is compiled (a
#		W=1 check must see every file's warnings, not only the
#		changed ones')
#	BUDDY_KMOD_BUILT="KERNEL..."	kernels whose modules were built
#		from these sources a moment ago (check.sh's W=1 step): their
#		mirror is taken as it is, without kbuild's 3 s of finding
#		nothing to do
# MAKE_ARGs are passed to kbuild as they are (e.g. V=1, C=1).
#
# Output: build/kmod/<kernel>[-llvm]/buddy.ko, plus buddy_test.ko when the
# kernel has CONFIG_KUNIT (and Kbuild knows it); the mirror directory's
# path on stdout.
# Exit: 0 ok, 1 build failed or an expected module is missing, 2 usage.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage()
{
	header_usage "${BASH_SOURCE[0]}" 5 >&2
	exit 2
}

[[ $# -ge 1 ]] || usage
flavour=$1
shift
kernel_env "$flavour"

"$BUDDY_ROOT/scripts/deps.sh" build kernel
eval "$("$(kernel_script "$flavour")" env)"

kmake=()
if [[ $BUDDY_KARCH == arm64 ]]; then
	kmake+=(ARCH=arm64)
	[[ ${LLVM:-} ]] || kmake+=(CROSS_COMPILE=aarch64-linux-gnu-)
fi
if [[ ${LLVM:-} ]]; then
	"$BUDDY_ROOT/scripts/deps.sh" llvm
	kmake+=(LLVM="$LLVM")
	flavour+=-llvm
fi

mirror=$BUDDY_BUILD/kmod/$flavour
if [[ " ${BUDDY_KMOD_BUILT:-} " == *" $flavour "* &&
      -f $mirror/buddy.ko ]]; then
	printf '%s\n' "$mirror"
	exit 0
fi

# link_files SRCDIR DSTDIR PATTERN...: symlink SRCDIR's regular files that
# match a PATTERN into DSTDIR.  Kbuild's generated *.mod.c is skipped: a
# stray in-tree build leaves one, and kbuild would write through the link.
link_files()
{
	local src=$1 dst=$2 f
	shift 2

	for f in "$src"/*; do
		[[ -f $f && ! -L $f ]] || continue
		[[ $f == *.mod.c ]] && continue
		for pat in "$@"; do
			# shellcheck disable=SC2053 # $pat is a glob on purpose
			if [[ ${f##*/} == $pat ]]; then
				ln -sfn "$f" "$dst/${f##*/}"
				break
			fi
		done
	done
}

mkdir -p "$mirror"
# Two runs at once (make -j check) would both write the same objects.
exec 9>"$mirror.lock"
flock 9
# Start from no links at all: a source removed from the repository must
# not live on in the mirror.  Objects stay, for incremental builds.
find "$mirror" -type l -delete
[[ ${FRESH:-0} == 1 ]] && find "$mirror" -type f ! -name '*.lock' -delete

link_files "$BUDDY_ROOT" "$mirror" '*.c' '*.h' Kbuild
[[ -d $BUDDY_ROOT/include ]] && ln -sfn "$BUDDY_ROOT/include" "$mirror/include"
# shellcheck disable=SC2043 # one today; a list so that more can join
for sub in kunit; do
	[[ -d $BUDDY_ROOT/$sub ]] || continue
	mkdir -p "$mirror/$sub"
	link_files "$BUDDY_ROOT/$sub" "$mirror/$sub" '*.c' '*.h' Kbuild Makefile
done

[[ -e $mirror/Kbuild ]] || die "no Kbuild in $BUDDY_ROOT"

info "building against $BUDDY_KFLAVOUR $BUDDY_KRELEASE${W:+ (W=$W)}${LLVM:+ with LLVM}"
make --no-print-directory -C "$BUDDY_KDIR" M="$mirror" -j"$JOBS" \
	"${kmake[@]}" ${W:+W="$W"} "$@" modules >&2 ||
	die "module build failed ($flavour)"

want=(buddy.ko)
if grep -Eq '^CONFIG_KUNIT=(y|m)' "$BUDDY_KDIR/.config" &&
   grep -Eq '^[^#]*buddy_test' "$mirror/Kbuild"; then
	want+=(buddy_test.ko)
fi
for ko in "${want[@]}"; do
	[[ -f $mirror/$ko ]] || die "$ko was not built (is it in Kbuild?)"
done
info "built ${want[*]} in ${mirror#"$BUDDY_ROOT"/}"
printf '%s\n' "$mirror"
