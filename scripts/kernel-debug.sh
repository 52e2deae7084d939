#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-debug.sh [env|vmlinuz|kdir|release|src] - the debug kernel.
#
# Builds (once) a small x86_64 kernel from Debian's linux-source-6.12 with
# KASAN, lockdep, kmemleak, KUnit and friends: "make tinyconfig", plus
# scripts/debug-kernel.config, plus "make olddefconfig".  Every line of the
# fragment is then checked against the final .config; an option Kconfig
# dropped (missing dependency) fails the build by name.
#
# Output on stdout, for "eval":
#	BUDDY_KFLAVOUR=debug
#	BUDDY_VMLINUZ=<bzImage>
#	BUDDY_KDIR=<O= build tree; make -C $BUDDY_KDIR M=... modules>
#	BUDDY_KRELEASE=<uname -r of the guest>
#	BUDDY_KSRC=<the source tree, for tools/testing/kunit/kunit.py>
# or just one of them with vmlinuz|kdir|release|src.  Logs go to stderr.
#
# With LLVM=1 in the environment the kernel is built with clang and LLVM's
# binutils (kbuild gives an external module the kernel's compiler flags,
# so a clang-built module needs a clang-built kernel), cached apart in
# $BUDDY_CACHE/debug-llvm/.
#
# Cache: $BUDDY_CACHE/debug/<source version>-<hash>/, the hash covering the
# fragment's settings and this script's build recipe number, so changing
# an option rebuilds and nothing else does.  The build tree (~300 MB) is kept:
# modules are built against it.  The three most recent builds are kept, so
# switching between branches with different fragments doesn't rebuild.
# A cold build takes 10-15 minutes on 2 cores; a warm call is instant.
#
# Exit: 0 ok, 1 build or config check failed.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

what=${1:-env}
fragment=$BUDDY_ROOT/scripts/debug-kernel.config

"$BUDDY_ROOT/scripts/deps.sh" kernel

src=$(kernel_source)
srcver=$(pkg_version "linux-source-$BUDDY_KSERIES")
# Bump when the way the kernel is built changes (not for comments): the
# cache key is the source version, the fragment's settings (its comments
# don't count) and this number.
recipe=1
key=$srcver-$( (sed -n -e '/^CONFIG_/p' -e '/^# CONFIG_.* is not set/p' "$fragment"
		echo "recipe $recipe") | sha256_of -)
cache=$BUDDY_CACHE/debug${LLVM:+-llvm}
out=$cache/$key
obj=$out/build
[[ -z ${LLVM:-} ]] || "$BUDDY_ROOT/scripts/deps.sh" llvm

# kmake ARGS...: make in the source tree, objects in $obj.
kmake()
{
	make -C "$src" O="$obj" ARCH=x86_64 ${LLVM:+LLVM="$LLVM"} "$@"
}

# check_config: every CONFIG_X=v in the fragment must read CONFIG_X=v in
# .config; every "# CONFIG_X is not set" must be off.  Kconfig only warns
# (if that) when it overrides a request, so this is where we find out.
check_config()
{
	local bad

	bad=$(awk '
		FNR == NR {
			if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) {
				n = index($0, "=")
				want[substr($0, 1, n - 1)] = substr($0, n + 1)
			} else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) {
				want[$2] = "n"
			}
			next
		}
		/^CONFIG_[A-Za-z0-9_]+=/ {
			n = index($0, "=")
			have[substr($0, 1, n - 1)] = substr($0, n + 1)
		}
		END {
			for (s in want) {
				h = (s in have) ? have[s] : "n"
				if (h != want[s])
					printf "  %s: asked for %s, got %s\n", s, want[s], h
			}
		}' "$fragment" "$obj/.config" | sort)
	if [[ -n $bad ]]; then
		printf '%s\n' "$bad" >&2
		die "$(wc -l <<<"$bad") option(s) of ${fragment#"$BUDDY_ROOT"/} did not survive olddefconfig (missing dependencies?)"
	fi
}

# progress: kbuild prints one "  CC      path" line per step; a CI log
# wants a heartbeat, not 3000 lines.  Show every 200th step and anything
# that looks like a diagnostic.
progress()
{
	local t0=$1
	awk -v t0="$t0" -v prog="$(basename "$0" .sh)" '
		/^  [A-Z]/ {
			if (++n % 200 == 0) {
				"date +%s" | getline t; close("date +%s")
				printf "%s: %5d steps, %4d s: %s\n", prog, n, t - t0, $0
				fflush()
			}
			next
		}
		/warning:|error:|Error|\*\*\*/ { print; fflush() }
		END { printf "%s: %d steps\n", prog, n }' >&2
}

build()
{
	local t0 log

	# Another run may have built it while we waited for the lock.
	[[ -f $out/.built ]] && return 0

	t0=$(now)
	info "building the debug kernel in $out (once per fragment; ~10-15 min on 2 cores)"
	rm -rf "$out"
	mkdir -p "$obj"
	cp "$fragment" "$out/debug-kernel.config"
	log=$out/build.log

	kmake tinyconfig >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "make tinyconfig failed"; }

	# Merge: drop every symbol the fragment names, then append the
	# fragment, so each of its lines is the only assignment left.
	awk 'FNR == NR {
		if (match($0, /^(# )?CONFIG_[A-Za-z0-9_]+/)) {
			s = substr($0, RSTART, RLENGTH); sub(/^# /, "", s); drop[s] = 1
		}
		next
	}
	{
		s = $0
		if (match(s, /^(# )?CONFIG_[A-Za-z0-9_]+/)) {
			s = substr(s, RSTART, RLENGTH); sub(/^# /, "", s)
			if (s in drop) next
		}
		print
	}' "$fragment" "$obj/.config" >"$obj/.config.new"
	cat "$fragment" >>"$obj/.config.new"
	mv "$obj/.config.new" "$obj/.config"

	kmake olddefconfig >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "make olddefconfig failed"; }
	check_config

	info "config ok; compiling with -j$JOBS (full log: $log)"
	if ! kmake -j"$JOBS" all 2>&1 | tee -a "$log" | progress "$t0"; then
		grep -E -B2 -A8 'error:|Error [0-9]' "$log" | tail -n 60 >&2 || true
		die "debug kernel build failed (full log: $log)"
	fi
	[[ -f $obj/arch/x86/boot/bzImage && -f $obj/Module.symvers ]] ||
		die "build finished without bzImage or Module.symvers"

	touch "$out/.built"
	info "debug kernel built in $(($(now) - t0)) s"
	prune
}

# prune: drop all but the three most recently built kernels.  Unfinished
# ones are left alone: another run may be building them.
prune()
{
	local old

	find "$cache" -mindepth 2 -maxdepth 2 -name .built -printf '%T@ %h\n' |
		sort -rn | tail -n +4 | cut -d' ' -f2- |
		while read -r old; do
			info "removing old debug kernel $old"
			rm -rf "$old"
		done
}

[[ -f $out/.built ]] || with_lock "debug${LLVM:+-llvm}-kernel" build

emit_kernel "$what" debug "$obj/arch/x86/boot/bzImage" "$obj" \
	"$(cat "$obj/include/config/kernel.release")" "$src"
