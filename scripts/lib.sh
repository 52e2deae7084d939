# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - helpers shared by the scripts in this directory.  Source it, don't
# run it:
#
#	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It sets:
#	BUDDY_ROOT	the repository's top-level directory
#	BUDDY_CACHE	where kernels and sources are kept between runs:
#			${BUDDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/buddy}
#	BUDDY_BUILD	$BUDDY_ROOT/build (git-ignored outputs)
#	JOBS		parallel make jobs, $(nproc) unless already set
#
# Logging goes to stderr so that scripts whose stdout is a result (the
# kernel-*.sh "env" output) can still talk.

# Guard against double inclusion: scripts source each other's helpers.
[[ -n ${__BUDDY_LIB_SH:-} ]] && return 0
__BUDDY_LIB_SH=1

BUDDY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUDDY_CACHE=${BUDDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/buddy}
BUDDY_BUILD=$BUDDY_ROOT/build
JOBS=${JOBS:-$(nproc)}
export BUDDY_ROOT BUDDY_CACHE BUDDY_BUILD

# The kernel series everything here is pinned to: Debian 12's backported 6.12.
BUDDY_KSERIES=6.12

__buddy_prog=$(basename "$0" .sh)

info()
{
	printf '%s: %s\n' "$__buddy_prog" "$*" >&2
}

warn()
{
	printf '%s: warning: %s\n' "$__buddy_prog" "$*" >&2
}

die()
{
	printf '%s: error: %s\n' "$__buddy_prog" "$*" >&2
	exit 1
}

# header_usage FILE [LAST]: a script's usage, the comment at its top from
# line 4 (the synopsis) to line LAST, or to the first blank line (all of
# it: Env and Exit too), without the comment marks.
header_usage()
{
	local last=${2:-'/^$/'}

	sed -n "4,${last}p" "$1" | sed 's/^#[ \t]\{0,1\}//'
}

# Seconds since the epoch, for "took N s" messages.
now()
{
	date +%s
}

# children_ticks VAR: VAR = the CPU time (user + system, clock ticks) of
# the children this shell has waited for, read from /proc without a fork
# (a command substitution would read its own subshell; $BASHPID: in a
# subshell run beside others, that subshell).  The steps share two CPUs,
# so a step's CPU, more than its time, says what it costs a run.
children_ticks()
{
	local st

	read -r -a st <"/proc/$BASHPID/stat"
	# Fields 16 and 17, cutime and cstime; the name (field 2) is "bash".
	printf -v "$1" '%d' $((st[15] + st[16]))
}

# cpu_seconds TICKS: TICKS (children_ticks's unit) in whole seconds, rounded.
cpu_seconds()
{
	local tck

	tck=$(getconf CLK_TCK)
	echo $((($1 + tck / 2) / tck))
}

# step NAME CMD...: one step of check.sh or matrix.sh: run CMD, its output
# to the terminal and to a log in $logs ($log_prefix first), and count it,
# with its time and CPU, in the caller's passed, failed and summary.  With
# CHECK_ONLY set, only the steps whose NAME matches that regex run.
# shellcheck disable=SC2154 # logs, passed, failed: the caller's
step()
{
	local name=$1 start status log ticks took
	shift
	if [[ -n ${CHECK_ONLY:-} ]] && ! [[ $name =~ $CHECK_ONLY ]]; then
		return 0
	fi
	log=$logs/${log_prefix:-}$(printf '%02d' $((passed + failed + 1)))-${name//[^a-zA-Z0-9]/_}.log
	printf '\n===== %s =====\n' "$name"
	start=$(now)
	# The CPU is counted in a subshell of the step's own: this shell also
	# reaps the steps run beside it whenever they end.
	(
		"$@"
		status=$?
		children_ticks ticks
		echo "$ticks" >"$log.ticks"
		exit "$status"
	) </dev/null 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	ticks=$(cat "$log.ticks" 2>/dev/null || echo 0)
	rm -f "$log.ticks"
	took="$(($(now) - start)) s, $(cpu_seconds "$ticks") CPU-s"
	if [[ $status -eq 0 ]]; then
		passed=$((passed + 1))
		summary+=("PASS  $name ($took)")
	else
		failed=$((failed + 1))
		summary+=("FAIL  $name ($took, status $status, log ${log#"$BUDDY_ROOT"/})")
	fi
}

# tools_make TARGET...: build user-space programs (tools/Makefile), quietly,
# JOBS at a time: the Makefile sets no -j, so that make bench and make
# floor never time themselves beside another job.
tools_make()
{
	make -s -j"$JOBS" -C "$BUDDY_ROOT/tools" "$@"
}

# tests_on BUILD RUNNER...: the user-space tools built for BUILD (tools/
# Makefile: arm64, everything the guests run; 32, the core's library), and
# the core's tests run, without sanitizers (ASan does not run under
# qemu's user mode): natively where this kernel runs the binaries, else
# under RUNNER.  This machine's kernel has no IA32 emulation, and none
# here runs arm64 code.  TEST_ARGS (the environment's) go to buddy_test:
# make check skips its longest test there.
tests_on()
{
	local build=$1 dir=user-$1 group=$1 targets=(lib buddyctl e2e) run=()
	shift
	if [[ $build == 32 ]]; then
		dir=user32 group=build32 targets=(lib)
	fi
	"$BUDDY_ROOT/scripts/deps.sh" "$group" >/dev/null &&
		tools_make BUILD="$build" SAN=0 "${targets[@]}" \
			"../build/$dir/buddy_test" || return 1
	if ! "$BUDDY_BUILD/$dir/buddy_test" -l >/dev/null 2>&1; then
		run=("$@")
		echo "tests_on: this kernel does not run them: under ${run[*]}"
	fi
	tools_make BUILD="$build" SAN=0 TEST_RUN="${run[*]}" test
}

# as_root CMD...: apt and dpkg need root; use sudo when we are not.
as_root()
{
	if [[ $(id -u) -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo -n "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# pkg_version PKG: the installed version of a Debian package, or nothing.
pkg_version()
{
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 == "ii" { print $2 }'
}

# with_lock NAME CMD...: run CMD holding $BUDDY_CACHE/NAME.lock, so that
# two runs sharing a cache (make -j, two terminals) don't both unpack or
# build the same tree.  flock(1) is in util-linux, which is essential.
with_lock()
{
	local name=$1
	shift
	mkdir -p "$BUDDY_CACHE"
	(
		flock 9
		"$@"
	) 9>"$BUDDY_CACHE/$name.lock"
}

# sha256_of FILE...: one short hash over the contents of all FILEs.
sha256_of()
{
	cat "$@" | sha256sum | cut -c1-16
}

# kernel_source: print the path of Debian's linux-source-6.12 unpacked in
# the cache, unpacking it first if needed.  Keyed by the package version,
# so a Debian update gets a fresh tree and never a half-patched one.
kernel_source()
{
	local ver dir tarball

	ver=$(pkg_version "linux-source-$BUDDY_KSERIES")
	[[ -n $ver ]] ||
		die "linux-source-$BUDDY_KSERIES is not installed (scripts/deps.sh kernel)"
	dir=$BUDDY_CACHE/src/$ver/linux-source-$BUDDY_KSERIES
	tarball=/usr/src/linux-source-$BUDDY_KSERIES.tar.xz

	if [[ ! -f $dir/.buddy-unpacked ]]; then
		with_lock src __kernel_source_unpack "$dir" "$tarball"
	fi
	printf '%s\n' "$dir"
}

__kernel_source_unpack()
{
	local dir=$1 tarball=$2 tmp

	# Another run may have finished while we waited for the lock.
	[[ -f $dir/.buddy-unpacked ]] && return 0
	[[ -f $tarball ]] || die "$tarball missing: reinstall linux-source-$BUDDY_KSERIES"

	info "unpacking $tarball into $(dirname "$dir") (once per source version)"
	rm -rf "$dir"
	mkdir -p "$(dirname "$dir")"
	# Unpack beside the final place and rename: an interrupted unpack
	# must not look like a complete tree.
	tmp=$(mktemp -d "$(dirname "$dir")/.unpack.XXXXXX")
	tar -C "$tmp" -xf "$tarball"
	mv "$tmp/linux-source-$BUDDY_KSERIES" "$dir"
	rmdir "$tmp"
	touch "$dir/.buddy-unpacked"
}

# busybox_arm64: the path of busybox-static's arm64 binary, downloaded
# (never installed) and unpacked into the cache, keyed by its version.
busybox_arm64()
{
	local ver dir

	ver=$(apt-cache show --no-all-versions busybox-static:arm64 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1)
	[[ -n $ver ]] || die "apt knows no busybox-static:arm64 (scripts/deps.sh arm64)"
	dir=$BUDDY_CACHE/busybox-arm64/$ver
	[[ -x $dir/bin/busybox ]] ||
		with_lock busybox-arm64 __busybox_arm64_fetch "$dir" "$ver"
	printf '%s\n' "$dir/bin/busybox"
}

__busybox_arm64_fetch()
{
	local dir=$1 ver=$2 tmp

	[[ -x $dir/bin/busybox ]] && return 0
	info "downloading busybox-static:arm64 $ver"
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$(dirname "$dir")/.fetch.XXXXXX")
	(cd "$tmp" && as_root apt-get download -q -o APT::Sandbox::User=root \
		"busybox-static:arm64=$ver" </dev/null >/dev/null) ||
		die "can't download busybox-static:arm64"
	dpkg -x "$tmp"/*.deb "$tmp/root"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rm -rf "$tmp"
}

# stress_conf FILE SEED OPS IOCTLS PAGES: the settings scripts/e2e/stress.sh
# reads in the guest (the stress and the fuzzer share the seed).
stress_conf()
{
	mkdir -p "$(dirname "$1")"
	{
		echo "STRESS_SEED=$2"
		echo "STRESS_OPS=$3"
		echo "FUZZ_SEED=$2"
		echo "FUZZ_IOCTLS=$4"
		echo "STRESS_PAGES=$5"
	} >"$1"
}

# shell_quote ARG...: print ARGs quoted for a POSIX shell (busybox sh reads
# what we write), one per line.
shell_quote()
{
	local a
	for a in "$@"; do
		printf "'%s'\n" "${a//\'/\'\\\'\'}"
	done
}

# kernel_id: the kernel BUDDY_KERNEL and BUDDY_ARCH name, as the cache, the
# module builds (build/kmod/ID) and the VM logs know it: debian (6.12),
# debian-6.1, debian-rt, debug, and for BUDDY_ARCH=arm64, arm64 (Debian's
# 6.12) and arm64-16k.
kernel_id()
{
	local k=${BUDDY_KERNEL:-debian}

	case ${BUDDY_ARCH:-x86_64} in
	x86_64 | amd64)
		case $k in
		debian | debian-6.1 | debian-rt | debug) echo "$k" ;;
		debian-16k) die "BUDDY_KERNEL=debian-16k is arm64's: set BUDDY_ARCH=arm64 too" ;;
		*) die "BUDDY_KERNEL is debian, debian-6.1, debian-rt or debug (debian or debian-16k with BUDDY_ARCH=arm64), not '$k'" ;;
		esac ;;
	arm64 | aarch64)
		case $k in
		debian) echo arm64 ;;
		debian-16k) echo arm64-16k ;;
		*) die "BUDDY_ARCH=arm64 takes BUDDY_KERNEL=debian or debian-16k, not '$k'" ;;
		esac ;;
	*)
		die "BUDDY_ARCH must be x86_64 or arm64, not '$BUDDY_ARCH'" ;;
	esac
}

# kernel_env ID: set BUDDY_KERNEL and BUDDY_ARCH (exported) to name kernel
# ID, the inverse of kernel_id.
kernel_env()
{
	case $1 in
	arm64) BUDDY_KERNEL=debian BUDDY_ARCH=arm64 ;;
	arm64-16k) BUDDY_KERNEL=debian-16k BUDDY_ARCH=arm64 ;;
	debian | debian-6.1 | debian-rt | debug)
		BUDDY_KERNEL=$1 BUDDY_ARCH=x86_64 ;;
	*) die "unknown kernel '$1' (debian, debian-6.1, debian-rt, debug, arm64, arm64-16k)" ;;
	esac
	export BUDDY_KERNEL BUDDY_ARCH
}

# The kernels, for loops and messages.
# shellcheck disable=SC2034 # for the scripts that source this
BUDDY_KERNELS="debian debian-6.1 debian-rt debug arm64 arm64-16k"

# kernel_script ID: the script that provides kernel ID.
kernel_script()
{
	case $1 in
	debug) echo "$BUDDY_ROOT/scripts/kernel-debug.sh" ;;
	*) echo "$BUDDY_ROOT/scripts/kernel-debian.sh" ;;
	esac
}

# emit_kernel WHAT FLAVOUR VMLINUZ KDIR RELEASE SRC: the output of the
# kernel-*.sh scripts (and BUDDY_KARCH from the environment, x86_64 if
# unset).  WHAT is "env" (shell assignments for eval), or one
# of vmlinuz, kdir, release, src to print just that path.
emit_kernel()
{
	local what=$1 flavour=$2 vmlinuz=$3 kdir=$4 release=$5 src=$6

	case $what in
	env)
		printf 'BUDDY_KFLAVOUR=%s\n' "$(shell_quote "$flavour")"
		printf 'BUDDY_VMLINUZ=%s\n' "$(shell_quote "$vmlinuz")"
		printf 'BUDDY_KDIR=%s\n' "$(shell_quote "$kdir")"
		printf 'BUDDY_KRELEASE=%s\n' "$(shell_quote "$release")"
		printf 'BUDDY_KSRC=%s\n' "$(shell_quote "$src")"
		printf 'BUDDY_KARCH=%s\n' "${BUDDY_KARCH:-x86_64}"
		;;
	vmlinuz)	printf '%s\n' "$vmlinuz" ;;
	kdir)		printf '%s\n' "$kdir" ;;
	release)	printf '%s\n' "$release" ;;
	src)		printf '%s\n' "$src" ;;
	*)		die "unknown output '$what' (env|vmlinuz|kdir|release|src)" ;;
	esac
}

# __kunit_count WORD REPORT: the number after "WORD: " in kunit.py's
# "Ran N tests: passed: P, failed: F" line.
__kunit_count()
{
	sed -n "s/.*Ran [0-9]* tests:.*$1: \([0-9]*\).*/\1/p" <<<"$2" | tail -n 1
}

# kunit_report LOG OUT RC: the KUnit results in guest console LOG (printed
# by scripts/e2e/kunit.sh) joined into OUT/results.ktap and handed to the
# kernel's own parser, kunit.py parse; RC is the guest run's status.  If
# the guest died before printing them, the KTAP the console showed as the
# suites ran is parsed instead, to show how far it got.  Prints kunit.py's
# report, then "kunit: P passed, F failed, S skipped".
# Returns 0 if every test passed and RC is 0; RC, or 1, otherwise.
kunit_report()
{
	local log=$1 out=$2 rc=$3 ktap report parse_rc passed failed crashed skipped

	# vm-run.sh removes the log before each boot: none, no guest ran
	# (it has said why), so there is nothing to parse.
	if [[ ! -e $log ]]; then
		info "FAIL: no guest ran, so no KUnit results (vm-run: status $rc)"
		return $((rc ? rc : 1))
	fi
	# One document out of the per-suite ones: each is
	#	KTAP version 1 / 1..1 / <suite, indented> / ok 1 <suite>
	# so drop the first two lines of each, renumber the last, and add one
	# header with the suite count.
	ktap=$out/results.ktap
	tr -d '\r' <"$log" | awk '
		/^BUDDY-KTAP-BEGIN/ { on = 1; next }
		/^BUDDY-KTAP-END/ { on = 0; done = 1; next }
		!on { next }
		/^BUDDY-KTAP-SUITE / { n++; skip = 2; next }
		skip > 0 { skip--; next }
		/^(not )?ok 1 / { sub(/ 1 /, " " n " ") }
		{ body = body $0 "\n" }
		END {
			if (!done || n == 0)
				exit 1
			printf "KTAP version 1\n1..%d\n%s", n, body
		}' >"$ktap" || {
		# No results from debugfs: the guest died or the module
		# never got there.  Take the KTAP the console showed as the
		# suites ran, without timestamps, to see how far they got.
		warn "no KTAP results from the guest; parsing the console log"
		tr -d '\r' <"$log" |
			awk '/^BUDDY-DMESG-BEGIN/ { exit }
			     { sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "") }
			     /^KTAP version/ { on = 1 }
			     on' >"$ktap"
	}

	if ! grep -q 'KTAP version' "$ktap"; then
		echo "kunit: no KTAP output at all: the tests never ran, or the run crashed (log ${log#"$BUDDY_ROOT"/})"
		return $((rc ? rc : 1))
	fi

	parse_rc=0
	report=$(python3 "$(kernel_source)/tools/testing/kunit/kunit.py" parse "$ktap" 2>&1) || parse_rc=$?
	printf '%s\n' "$report"

	# "Ran 7 tests: passed: 6, failed: 1" -> the plain closing line CI reads.
	passed=$(__kunit_count passed "$report")
	failed=$(__kunit_count failed "$report")
	crashed=$(__kunit_count crashed "$report")
	skipped=$(__kunit_count skipped "$report")
	echo "kunit: ${passed:-0} passed, $((${failed:-0} + ${crashed:-0})) failed, ${skipped:-0} skipped"

	if [[ $parse_rc -ne 0 || ${failed:-0} -ne 0 || ${crashed:-0} -ne 0 ]] ||
	   ! grep -q 'Ran [1-9][0-9]* tests' <<<"$report"; then
		info "FAIL: KUnit reported failures (results: ${ktap#"$BUDDY_ROOT"/}, log: ${log#"$BUDDY_ROOT"/})"
		return $((rc ? rc : 1))
	fi
	if [[ $rc -ne 0 ]]; then
		info "FAIL: the tests passed but the run did not (see above; log: ${log#"$BUDDY_ROOT"/})"
		return "$rc"
	fi
	return 0
}
