#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUTPUT KMOD_DIR SCRIPT [FILE...] - the guest's initramfs.
#
# A gzip'd newc cpio holding:
#	/init			scripts/guest-init.sh
#	/etc/buddy.conf		BUDDY_* settings for /init (see below)
#	/bin/busybox		busybox-static, with a link per applet
#	/bin/buddyctl		build/user/buddyctl, if "make buddyctl" builds it
#	/lib/buddy/*.ko		every module in KMOD_DIR (buddy.ko, buddy_test.ko)
#	/test/			SCRIPT and the FILEs (files or directories);
#				SCRIPT "-" means none
#
# Env, recorded in /etc/buddy.conf for the guest:
#	BUDDY_LOAD=0		don't insmod buddy.ko before SCRIPT
#	BUDDY_PARAMS		buddy.ko's module parameters, "pages=16 max_order=4"
#	BUDDY_KMEMLEAK=1	check for leaks after SCRIPT (debug kernel)
#	BUDDY_INTERACTIVE=1	root shell on the console after SCRIPT
#	BUDDY_CTL=0		don't build or include buddyctl
#	BUDDY_KARCH=arm64	an arm64 guest: busybox-static's arm64 build
#				(downloaded into the cache), and buddyctl
#				and every FILE under build/user/ taken from
#				build/user-arm64/ (make -C tools BUILD=arm64)
#
# Exit: 0 ok, 1 failure, 2 usage.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -lt 3 ]]; then
	header_usage "${BASH_SOURCE[0]}" 4 >&2
	exit 2
fi
output=$1 kmod_dir=$2 script=$3
shift 3

[[ $script == - || -f $script ]] || die "no such script: $script"
[[ -f $kmod_dir/buddy.ko || ${BUDDY_LOAD:-1} == 0 ]] ||
	die "no buddy.ko in $kmod_dir"
# The guest has no libc: busybox must be busybox-static's.
busybox=/bin/busybox
[[ -x $busybox ]] || die "$busybox missing: scripts/deps.sh vm"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi
# The applets to link: the host's busybox lists them (the arm64 one cannot
# run here; both are Debian's busybox-static build of one version).
applets=$("$busybox" --list)
user=$BUDDY_BUILD/user
tools_build=""
arm64=0
if [[ ${BUDDY_KARCH:-x86_64} == arm64 ]]; then
	arm64=1
	busybox=$(busybox_arm64)
	user=$BUDDY_BUILD/user-arm64
	tools_build=arm64
	tools_make BUILD=arm64 e2e >&2
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/buddy-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,dev,etc,lib/buddy,proc,sys,tmp,root,test,usr}
ln -s bin "$stage/sbin"
ln -s ../bin "$stage/usr/bin"
ln -s ../bin "$stage/usr/sbin"

cp "$busybox" "$stage/bin/busybox"
for applet in $applets; do
	[[ $applet == busybox ]] || ln -s busybox "$stage/bin/$applet"
done

# The kernel opens /dev/console for init's stdio before anything is
# mounted; without the node init starts deaf and dumb ("unable to open an
# initial console") until it mounts devtmpfs.  mknod needs root; /init
# copes without it.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

install -m 755 "$BUDDY_ROOT/scripts/guest-init.sh" "$stage/init"

shopt -s nullglob
for ko in "$kmod_dir"/*.ko; do
	cp "$ko" "$stage/lib/buddy/"
done
shopt -u nullglob

# buddyctl is optional until it exists: a missing CLI is a note, not an
# error; scripts that need it fail on their own.
if [[ ${BUDDY_CTL:-1} != 0 ]]; then
	if tools_make BUILD="$tools_build" buddyctl \
		>"$stage/.buddyctl.log" 2>&1 && [[ -x $user/buddyctl ]]; then
		cp "$user/buddyctl" "$stage/bin/buddyctl"
		! ldd "$user/buddyctl" >/dev/null 2>&1 ||
			warn "build/user/buddyctl is dynamically linked: it won't run in the guest"
	else
		info "note: no buddyctl in the guest ('make buddyctl' failed: $(tail -n 1 "$stage/.buddyctl.log"))"
	fi
	rm -f "$stage/.buddyctl.log"
fi

[[ $script == - ]] || cp "$script" "$stage/test/"
for f in "$@"; do
	# The guest's programs are built for its architecture.
	if [[ $arm64 == 1 ]]; then
		f=$(realpath -m "$f")
		[[ $f == "$BUDDY_BUILD/user/"* ]] && f=$user/${f#"$BUDDY_BUILD/user/"}
	fi
	[[ -e $f ]] || die "no such file: $f"
	cp -r "$f" "$stage/test/"
done

{
	echo "# written by mkinitramfs.sh"
	if [[ $script == - ]]; then
		echo "BUDDY_SCRIPT="
	else
		printf 'BUDDY_SCRIPT=%s\n' "$(shell_quote "$(basename "$script")")"
	fi
	printf 'BUDDY_LOAD=%s\n' "$(shell_quote "${BUDDY_LOAD:-1}")"
	printf 'BUDDY_PARAMS=%s\n' "$(shell_quote "${BUDDY_PARAMS:-}")"
	printf 'BUDDY_KMEMLEAK=%s\n' "$(shell_quote "${BUDDY_KMEMLEAK:-0}")"
	printf 'BUDDY_INTERACTIVE=%s\n' "$(shell_quote "${BUDDY_INTERACTIVE:-0}")"
} >"$stage/etc/buddy.conf"

mkdir -p "$(dirname "$output")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
