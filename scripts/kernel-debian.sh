#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-debian.sh [env|vmlinuz|kdir|release|src] - one of Debian's kernels.
#
# Which one: BUDDY_KERNEL and BUDDY_ARCH (kernel_id in lib.sh names it):
#	debian		Debian 12's backported 6.12, amd64 (the default)
#	debian-6.1	Debian 12's own 6.1 LTS, amd64 (the oldest we support)
#	debian-rt	the 6.12 PREEMPT_RT kernel, amd64
#	BUDDY_ARCH=arm64 debian		the 6.12 arm64 kernel (4 KiB pages)
#	BUDDY_ARCH=arm64 debian-16k	the 6.12 arm64 kernel with 16 KiB pages
#
# Resolves the current versioned packages behind the meta-packages
# (linux-image-6.12-amd64 and linux-headers-6.12-amd64 for debian), downloads
# the image, the headers (arch + common) and linux-kbuild-* with "apt-get
# download" (nothing is installed: no kernel lands in /boot), and unpacks
# them with "dpkg -x" into one root under the cache.  Within that root the
# headers' relative symlinks resolve; the one absolute path (the arch
# headers' Makefile includes /usr/src/...-common/Makefile) is rewritten to
# point into the cache.  For arm64 the image and headers are arm64
# packages (dpkg --add-architecture arm64, done by deps.sh arm64) and
# linux-kbuild is the host's: its fixdep and modpost run here, and the
# module is cross-compiled with aarch64-linux-gnu-gcc.
#
# Output on stdout, for "eval":
#	BUDDY_KFLAVOUR=<kernel id: debian, debian-6.1, debian-rt, arm64, arm64-16k>
#	BUDDY_VMLINUZ=<root>/boot/vmlinuz-<release>
#	BUDDY_KDIR=<root>/usr/src/linux-headers-<release>
#		(make -C $BUDDY_KDIR M=... modules; Debian builds with gcc-12)
#	BUDDY_KRELEASE=<release>, e.g. 6.12.117+deb12-amd64
#	BUDDY_KSRC=<the common headers; no full source for this flavour>
#	BUDDY_KARCH=<x86_64 or arm64>
# or just one of them with vmlinuz|kdir|release|src.  Logs go to stderr.
#
# Cache: $BUDDY_CACHE/<kernel id>/<release>_<package version>/root.  A warm
# call reads only the local apt lists: no network.  With no usable apt
# lists it falls back to the last kernel unpacked, else runs apt-get update.
#
# Exit: 0 ok, 1 on failure.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what=${1:-env}
id=$(kernel_id)
case $id in
debian)		meta=$BUDDY_KSERIES-amd64 ;;
debian-6.1)	meta=amd64 ;;
debian-rt)	meta=$BUDDY_KSERIES-rt-amd64 ;;
arm64)		meta=$BUDDY_KSERIES-arm64 ;;
arm64-16k)	meta=$BUDDY_KSERIES-arm64-16k ;;
*)		die "no Debian kernel '$id' (see the top of ${BASH_SOURCE[0]})" ;;
esac
# apt's name of a package of the kernel's architecture: the native one
# needs no qualifier.
qual=""
karch=x86_64
if [[ $id == arm64* ]]; then
	qual=:arm64
	karch=arm64
	"$BUDDY_ROOT/scripts/deps.sh" arm64
fi
meta_image=linux-image-$meta$qual
meta_headers=linux-headers-$meta$qual
base=$BUDDY_CACHE/$id

# resolve: set image, headers and version from the meta-packages, whose
# Depends pin the versioned packages exactly:
#	Depends: linux-image-6.12.117+deb12-amd64 (= 6.12.117-1~deb12u1)
# apt here keeps no binary cache, so each apt-cache call parses all the
# lists (~1 s); remember the answer until the lists change.
resolve()
{
	local memo=$base/resolved

	if [[ -f $memo && -z $(find /var/lib/apt/lists -maxdepth 1 -newer "$memo" -print -quit) ]]; then
		read -r image headers version <"$memo"
		return 0
	fi
	# The signed image's meta-package may name the -unsigned one as an
	# alternative; the first name is the one it wants.
	read -r image headers version < <(
		apt-cache show --no-all-versions "$meta_image" "$meta_headers" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { i = $2; v = $4 }
		     $1 == "Depends:" && $2 ~ /^linux-headers-/ { h = $2 }
		     END { sub(/,$/, "", v); sub(/\)$/, "", v); print i, h, v }') || true
	if [[ -n $image && -n $headers && -n $version ]]; then
		mkdir -p "$base"
		printf '%s %s %s\n' "$image" "$headers" "$version" >"$memo"
	fi
}

# Read the lists we have; only if they know nothing, fall back to the last
# kernel we unpacked (offline), or refresh them.
image="" headers="" version=""
resolve
if [[ -z $image || -z $headers || -z $version ]]; then
	if [[ -f $base/current/.unpacked ]]; then
		warn "apt lists don't know $meta_image; using the cached $(readlink "$base/current")"
		dir=$base/$(readlink "$base/current")
	else
		info "apt lists don't know $meta_image: apt-get update"
		as_root apt-get update -qq </dev/null
		resolve
		[[ -n $image && -n $headers && -n $version ]] ||
			die "can't resolve $meta_image / $meta_headers from apt"
	fi
fi

if [[ -z ${dir:-} ]]; then
	release=${image#linux-image-}
	release=${release%-unsigned}
	dir=$base/${release}_$version
fi

fetch()
{
	local debs tmp common kbuild pkgs deb

	[[ -f $dir/.unpacked ]] && return 0

	# The arch headers depend on the common headers and on kbuild (the
	# host tools: fixdep, modpost, objtool); take their exact names
	# from the package rather than guessing the naming scheme.
	common=$(apt-cache show --no-all-versions "$headers$qual" |
		sed -n 's/^Depends: //p' | tr ',' '\n' |
		awk '$1 ~ /^linux-headers-.*-common(-rt)?$/ { print $1; exit }')
	kbuild=$(apt-cache show --no-all-versions "$headers$qual" |
		sed -n 's/^Depends: //p' | tr ',' '\n' |
		awk '$1 ~ /^linux-kbuild-/ { print $1; exit }')
	[[ -n $common && -n $kbuild ]] || die "can't find the -common/kbuild packages of $headers"
	# kbuild's programs run on this machine: the native package, in the
	# version apt has (its own source version may differ: 6.1's kbuild
	# is a package of its own).  The common headers are "all".
	pkgs=("$image$qual=$version" "$headers$qual=$version" "$common=$version"
		"$kbuild")

	info "downloading ${pkgs[*]}"
	rm -rf "$dir"
	mkdir -p "$base"
	tmp=$(mktemp -d "$base/.fetch.XXXXXX")
	debs=$tmp/debs
	mkdir -p "$debs" "$tmp/root"
	# apt's download sandbox user can't write into root's home.
	if ! (cd "$debs" && as_root apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" </dev/null) >/dev/null; then
		rm -rf "$tmp"
		return 3
	fi
	for deb in "$debs"/*.deb; do
		dpkg -x "$deb" "$tmp/root"
	done
	rm -rf "$debs"

	# Debian's arch headers Makefile is one line,
	#	include /usr/src/linux-headers-<release>-common/Makefile
	# and the top Makefile finds the source tree from its own location,
	# so pointing the include into our root is all it takes.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
		"$tmp/root/usr/src/linux-headers-$release/Makefile"

	mv "$tmp" "$dir"
	touch "$dir/.unpacked"
	ln -sfn "$(basename "$dir")" "$base/current"
	info "unpacked into $dir"
}

release=$(basename "$dir")
release=${release%%_*}
if [[ ! -f $dir/.unpacked ]]; then
	"$BUDDY_ROOT/scripts/deps.sh" kernel
	rc=0
	with_lock "$id-kernel" fetch || rc=$?
	if [[ $rc -eq 3 && -z ${__BUDDY_DEBIAN_RETRY:-} ]]; then
		# The lists named a version the archive no longer has (a
		# security update replaced it): refresh them and start over.
		warn "apt-get download failed; refreshing the apt lists and retrying"
		as_root apt-get update -qq </dev/null
		rm -f "$base/resolved"
		__BUDDY_DEBIAN_RETRY=1 exec "$0" "$what"
	fi
	[[ $rc -eq 0 ]] || die "can't download the Debian kernel packages"
fi
# Keep "current" on the kernel we last used, for the offline fallback.
[[ $(readlink "$base/current" 2>/dev/null) == "$(basename "$dir")" ]] ||
	ln -sfn "$(basename "$dir")" "$base/current"

root=$dir/root
kdir=$root/usr/src/linux-headers-$release
[[ -f $root/boot/vmlinuz-$release && -f $kdir/Makefile ]] ||
	die "$dir is incomplete: remove it and run again"

# The common headers are where the arch Makefile's include points.
common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile")
BUDDY_KARCH=$karch emit_kernel "$what" "$id" "$root/boot/vmlinuz-$release" \
	"$kdir" "$release" "$common"
