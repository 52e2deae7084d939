#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-run.sh SCRIPT [FILE...] - run a test script as root in a QEMU guest
# with buddy.ko loaded.  SCRIPT "-" runs nothing (with BUDDY_INTERACTIVE=1:
# just a shell).
#
# Does everything a fresh machine needs: installs packages, fetches or
# builds the kernel, builds the module against it, builds buddyctl, packs
# an initramfs (scripts/mkinitramfs.sh) with SCRIPT and the FILEs in /test,
# and boots it under TCG (never KVM).  The guest (scripts/guest-init.sh)
# loads buddy.ko, runs "sh SCRIPT" in /test and reports its status.
#
# Env:
#	BUDDY_KERNEL=debian	Debian's 6.12 (default); debian-6.1: Debian
#				12's 6.1 LTS; debian-rt: 6.12 PREEMPT_RT;
#				debug: our KASAN, lockdep, kmemleak, KUnit
#				build (kernel-debian.sh, kernel-debug.sh)
#	BUDDY_ARCH=x86_64	or arm64: Debian's arm64 6.12 (BUDDY_KERNEL
#				debian, or debian-16k for 16 KiB pages) in
#				qemu-system-aarch64; buddyctl and FILEs from
#				build/user/ come from build/user-arm64/
#	BUDDY_PARAMS		buddy.ko parameters, e.g. "pages=16 max_order=4"
#	BUDDY_LOAD=0		don't load buddy.ko (the script does)
#	BUDDY_KMEMLEAK=1	after the script, unload buddy.ko and fail on
#				kmemleak reports (debug kernel only; the scans
#				add ~20 s under TCG)
#	BUDDY_INTERACTIVE=1	then a root shell on the console (needs a tty)
#	BUDDY_SCAN_ALLOW	regex of kernel lines not to count as reports
#	BUDDY_KMOD_DIR		take the modules from here, built for this kernel,
#				instead of building the repository's
#	BUDDY_VM_LOG		where to save the console log
#				(default: build/vm/<kernel>-<script>.log)
#	VM_TIMEOUT=300		seconds before the guest is declared hung
#	VM_MEM=1024		guest memory, MiB
#	VM_SMP=2		guest CPUs
#	VM_APPEND		extra kernel command line
#	VM_PREPARE=1		get everything ready (packages, kernel, module,
#				the initramfs's programs) and exit 0 without
#				booting: runs that go side by side then share
#				nothing they would build or install at once
#	VM_INITRD=PATH		with VM_PREPARE=1, keep the initramfs there;
#				without, boot the one such a run left there,
#				as it is (no module build, no initramfs)
#
# Output: the guest console on stdout (kernel messages of warning level
# and above interleave; scripts should mark results, "BUDDY-TEST: PASS x"),
# except blocks between "BUDDY-<NAME>-BEGIN" and "BUDDY-<NAME>-END" lines
# (the kernel log dump, KTAP), which only the saved log has.  Then a
# verdict on stderr.
#
# Exit: the script's status if it failed; otherwise
#	0	passed, and the kernel log is clean
#	1	the kernel reported something (scripts/scan-log.sh), or setup failed
#	124	the guest timed out
#	125	the guest crashed (panic, oops with oops=panic) or died
#	2	usage

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
'') header_usage "${BASH_SOURCE[0]}" 6 >&2; exit 2 ;;
-h | --help) header_usage "${BASH_SOURCE[0]}"; exit 0 ;;
esac
script=$1
shift
[[ $script == - || -f $script ]] || die "no such script: $script"

flavour=$(kernel_id)
export BUDDY_KMEMLEAK=${BUDDY_KMEMLEAK:-0}
export BUDDY_LOAD=${BUDDY_LOAD:-1}
export BUDDY_PARAMS=${BUDDY_PARAMS:-}
export BUDDY_INTERACTIVE=${BUDDY_INTERACTIVE:-0}
timeout_s=${VM_TIMEOUT:-300}
mem=${VM_MEM:-1024}
smp=${VM_SMP:-2}
# Checked before anything is built or booted: a value qemu or timeout
# refuses would otherwise end the run before the guest exists.  What they
# take stays taken: timeout's 90s, 15m; qemu's 2G, 2048M.
[[ $timeout_s =~ ^[0-9]+(\.[0-9]+)?[smhd]?$ && $timeout_s =~ [1-9] ]] ||
	die "VM_TIMEOUT is a time, seconds unless it ends in s, m, h or d (300, 15m), not '$timeout_s'"
mib=0
if [[ $mem =~ ^([1-9][0-9]{0,6})(M?|G)$ ]]; then
	mib=${BASH_REMATCH[1]}
	[[ ${BASH_REMATCH[2]} == G ]] && mib=$((mib * 1024))
fi
[[ $mib -ge 128 ]] ||
	die "VM_MEM is the guest's memory in MiB (or with M or G), 128 MiB or more, not '$mem'"
[[ $smp =~ ^[1-9][0-9]*$ && $smp -le 64 ]] ||
	die "VM_SMP is a number of guest CPUs, 1 to 64, not '$smp'"
for v in BUDDY_KMEMLEAK BUDDY_LOAD BUDDY_INTERACTIVE; do
	[[ ${!v} == [01] ]] || die "$v is 0 or 1, not '${!v}'"
done

if [[ $BUDDY_INTERACTIVE == 1 && ! -t 0 ]]; then
	warn "BUDDY_INTERACTIVE=1 but stdin is not a terminal: running non-interactively"
	BUDDY_INTERACTIVE=0
fi

"$BUDDY_ROOT/scripts/deps.sh" build kernel vm
kenv=$("$(kernel_script "$flavour")" env)
eval "$kenv"
export BUDDY_KARCH
[[ $BUDDY_KARCH == arm64 ]] && "$BUDDY_ROOT/scripts/deps.sh" arm64

name=$(basename "$script")
name=${name%.*}
[[ $script == - ]] && name=shell
log=${BUDDY_VM_LOG:-$BUDDY_BUILD/vm/$flavour-$name.log}
mkdir -p "$BUDDY_BUILD/vm" "$(dirname "$log")"
# qemu writes the log only once it runs: an earlier run's must not stand
# in for this one's.
rm -f "$log"
initrd=${VM_INITRD:-}
if [[ -n $initrd && ${VM_PREPARE:-0} != 1 ]]; then
	# Prepared a moment ago (e2e.sh's guests side by side): building the
	# module and the initramfs again took each guest 4-6 s.
	[[ -s $initrd ]] || die "VM_INITRD: no initramfs at $initrd"
else
	kmod_dir=${BUDDY_KMOD_DIR:-$("$BUDDY_ROOT/scripts/build-module.sh" "$flavour")}
	if [[ -z $initrd ]]; then
		initrd=$(mktemp "$BUDDY_BUILD/vm/.initrd.XXXXXX")
		trap 'rm -f "$initrd"' EXIT
	fi
	"$BUDDY_ROOT/scripts/mkinitramfs.sh" "$initrd" "$kmod_dir" "$script" "$@"
	[[ ${VM_PREPARE:-0} == 1 ]] && exit 0
fi

# quiet console: warnings and worse as they happen (loglevel=5), the rest
# in the dump at the end.  oops=panic + panic=-1 + -no-reboot: a crashed
# guest ends the VM at once instead of sitting out VM_TIMEOUT.
console=ttyS0
[[ $BUDDY_KARCH == arm64 ]] && console=ttyAMA0
append="console=$console loglevel=5 panic=-1 oops=panic"
# Only the debug kernel knows this; an unknown bare word would be handed
# to /init as an argument.
[[ $flavour == debug ]] && append+=" kasan_multi_shot"
append+=" ${VM_APPEND:-}"

# The console goes to stdio and, through qemu's own logfile, to $log.
# signal=off: Ctrl-C belongs to the guest's shell; Ctrl-A x quits qemu.
# No display and no VGA rather than -nographic, which also makes SeaBIOS
# write its banner and terminal resets to the serial line.
# arm64: QEMU's "virt" board, whose PL011 UART is ttyAMA0; -cpu max has
# every page size Debian's arm64 kernels use (4 and 16 KiB).
# shellcheck disable=SC2054 # the commas are qemu option syntax
case $BUDDY_KARCH in
arm64) qemu=(qemu-system-aarch64 -M virt -cpu max) ;;
*) qemu=(qemu-system-x86_64 -cpu max -vga none) ;;
esac
# shellcheck disable=SC2054 # the commas are qemu option syntax
qemu+=(-smp "$smp" -m "$mem" -display none -no-reboot -nic none
	-chardev "stdio,id=con,mux=on,signal=off,logfile=$log"
	-serial chardev:con -mon chardev=con,mode=readline
	-kernel "$BUDDY_VMLINUZ" -initrd "$initrd" -append "$append")

info "booting $BUDDY_KFLAVOUR $BUDDY_KRELEASE: $name${BUDDY_PARAMS:+ ($BUDDY_PARAMS)}, log ${log#"$BUDDY_ROOT"/}"
t0=$(now)
for boot in 1 2; do
	rc=0
	if [[ $BUDDY_INTERACTIVE == 1 ]]; then
		"${qemu[@]}" || rc=$?
		break
	fi
	# Show the console without the serial line's carriage returns and
	# without BUDDY-<NAME>-BEGIN ... BUDDY-<NAME>-END blocks: those are
	# for parsers (the kernel log dump, KTAP) and are in $log.
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null |
		awk '{ sub(/\r$/, "") }
		     /^BUDDY-[A-Z]+-BEGIN/ { hide = 1 }
		     !hide { print; fflush() }
		     /^BUDDY-[A-Z]+-END/ { hide = 0 }' || rc=$?
	# Under TCG, x86 kernels very rarely die in their own boot, before
	# /init: an int3 oops while jump labels are patched, seen in Debian's
	# kernel with no module loaded.  Nothing of ours has run then: boot
	# once more, and say so.  A crash after /init started always counts.
	if [[ $boot == 1 ]] && ! grep -aq 'BUDDY-BOOT:' "$log" &&
	   grep -aq 'Kernel panic' "$log"; then
		mv "$log" "$log.boot1"
		warn "the guest crashed while booting, before /init (kept in ${log#"$BUDDY_ROOT"/}.boot1): booting again"
		continue
	fi
	break
done
elapsed=$(($(now) - t0))
[[ -e $log ]] || die "qemu did not start (status $rc): nothing was booted"

# Anywhere on a line: a kernel message or a prompt may come first.
status=$(tr -d '\r' <"$log" | sed -n 's/.*BUDDY-EXIT: \([0-9][0-9]*\)$/\1/p' | tail -n 1)

verdict=0
if [[ -z $status ]]; then
	if grep -aq 'Kernel panic' "$log"; then
		warn "the guest panicked: $(grep -a -m1 -o 'Kernel panic.*' "$log" | tr -d '\r')"
		verdict=125
	elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
		warn "the guest timed out after $timeout_s$([[ $timeout_s == *[0-9] ]] && echo ' s') (VM_TIMEOUT)"
		verdict=124
	else
		warn "the guest died without an exit status (qemu status $rc)"
		verdict=125
	fi
elif [[ $status -ne 0 ]]; then
	verdict=$status
fi

if ! reports=$("$BUDDY_ROOT/scripts/scan-log.sh" "$log"); then
	warn "kernel reports in the guest log:"
	printf '%s\n' "$reports" >&2
	[[ $verdict -eq 0 ]] && verdict=1
fi

if [[ $verdict -eq 0 ]]; then
	info "PASS ($flavour, $elapsed s, log ${log#"$BUDDY_ROOT"/})"
else
	info "FAIL ($flavour, script status ${status:-none}, $elapsed s, log ${log#"$BUDDY_ROOT"/})"
fi
exit "$verdict"
