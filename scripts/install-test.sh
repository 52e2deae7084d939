#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# install-test.sh [KERNEL...] - make install, make uninstall and DKMS, from
# a fresh copy of the project, against Debian's headers in the cache
# (default: debian and debian-6.1, the 6.12 and 6.1 kernels).
#
# Nothing lands on this machine: make install and uninstall run staged
# (DESTDIR alone, as packagers stage, in a temporary directory; the
# module follows it, and depmod -b; checked below), and
# DKMS runs on a tree of its own (--dkmstree, --sourcetree), with "dkms
# build -k RELEASE --kernelsourcedir KDIR", as on a machine that has that
# kernel.  Prints PASS or FAIL lines and "N passed, N failed".
#
# Exit: 0 if everything passed.

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
[[ $# -gt 0 ]] || set -- debian debian-6.1
"$BUDDY_ROOT/scripts/deps.sh" build kernel dkms || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass()
{
	printf 'PASS %s\n' "$1"
	passed=$((passed + 1))
}

fail()
{
	printf 'FAIL %s\n' "$1"
	[[ -z ${2:-} ]] || printf '%s\n' "$2" | tail -n 30 | sed 's/^/    /'
	failed=$((failed + 1))
}

# check NAME CMD...: CMD succeeds.
check()
{
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		pass "$name"
	else
		fail "$name" "$(cat "$tmp/out")"
	fi
}

version=$(sed -n 's/^#define BUDDY_VERSION[^"]*"\(.*\)"/\1/p' \
	include/uapi/linux/buddy.h)
check "dkms.conf's PACKAGE_VERSION is BUDDY_VERSION ($version)" \
	grep -qx "PACKAGE_VERSION=\"$version\"" dkms.conf

# A fresh copy, as a user unpacks it: what git has, nothing built.  One
# for every kernel (kbuild rebuilds what another KDIR compiled).
mkdir -p "$tmp/src"
git ls-files -z | xargs -0 cp --parents -t "$tmp/src"

for k in "$@"; do
	(
		kernel_env "$k"
		"$(kernel_script "$k")" env
	) >"$tmp/env" || { fail "$k: the kernel's headers"; continue; }
	# shellcheck disable=SC1091 # written just above
	. "$tmp/env"
	rel=$BUDDY_KRELEASE
	stage=$tmp/stage-$k

	live=/lib/modules/$rel/extra
	before=$(find "$live" -name 'buddy*' 2>/dev/null)
	check "$k: make install, staged with DESTDIR" make -j"$JOBS" \
		-C "$tmp/src" install KDIR="$BUDDY_KDIR" DESTDIR="$stage"
	check "$k: nothing in the live $live" \
		test "$(find "$live" -name 'buddy*' 2>/dev/null)" = "$before"
	ko=$(find "$stage/lib/modules/$rel/extra" -name 'buddy.ko*' 2>/dev/null)
	check "$k: buddy.ko in lib/modules/$rel/extra" test -n "$ko"
	check "$k: depmod knows it" \
		grep -q '^extra/buddy\.ko[^:]*:' "$stage/lib/modules/$rel/modules.dep"
	check "$k: its vermagic is $rel" \
		bash -c "modinfo -F vermagic '$ko' | grep -q '^$rel '"
	check "$k: its version is $version" \
		test "$(modinfo -F version "$ko")" = "$version"
	check "$k: buddyctl in PREFIX/bin" \
		test "$("$stage/usr/local/bin/buddyctl" --version)" = "buddyctl $version"
	check "$k: make uninstall" make -C "$tmp/src" uninstall \
		KDIR="$BUDDY_KDIR" DESTDIR="$stage"
	check "$k: nothing left of it" bash -c "
		! find '$stage/lib/modules/$rel/extra' -name 'buddy*' | grep -q . &&
		! grep -q buddy '$stage/lib/modules/$rel/modules.dep' &&
		test ! -e '$stage/usr/local/bin/buddyctl'"

	# DKMS, from the sources make dkms copies.
	root=$tmp/dkms-$k
	check "$k: make dkms, staged" make -C "$tmp/src" dkms DESTDIR="$root"
	# The tree was built by make install just above: none of that goes.
	check "$k: only sources in /usr/src/buddy-$version" bash -c "
		cd '$root/usr/src/buddy-$version' &&
		test -f kunit/buddy_core_test.c &&
		! find . -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
			-o -name '.*.cmd' -o -name 'modules.order' | grep -q ."
	dk=(--sourcetree "$root/usr/src" --dkmstree "$root/var/lib/dkms")
	mkdir -p "$root/var/lib/dkms"
	check "$k: dkms add" dkms add -m buddy -v "$version" "${dk[@]}"
	check "$k: dkms build -k $rel" dkms build -m buddy -v "$version" \
		-k "$rel" --kernelsourcedir "$BUDDY_KDIR" "${dk[@]}"
	built=$(find "$root/var/lib/dkms/buddy/$version/$rel" -name 'buddy.ko*' \
		2>/dev/null | head -n 1)
	check "$k: dkms built buddy.ko for $rel" \
		bash -c "test -n '$built' && modinfo -F vermagic '$built' | grep -q '^$rel '"
	check "$k: dkms remove" dkms remove -m buddy -v "$version" --all "${dk[@]}"
done

printf '\n%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
