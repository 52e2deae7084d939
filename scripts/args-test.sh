#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# args-test.sh - the scripts refuse what they cannot run, at once: a
# bad kernel name, a setting out of its range, an argument they do not
# take (and scenarios.sh finds a scenario by its name; mutate.py runs as
# a program).  Each case must end within seconds (nothing built, nothing
# booted), with the status and the message below; --help prints the usage
# and succeeds.  No VM is started: every case fails before one would be.
#
# Exit: 0 if every case held.  Prints "N passed, N failed" last.

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'exit 0\n' > "$tmp/ok.sh"

# check NAME WANT_RC WANT_REGEX [VAR=VALUE...] -- COMMAND...: run it,
# stdin closed, with a 30 s limit; stdout and stderr are taken together.
check()
{
	local name=$1 want_rc=$2 want=$3 rc out line
	local env=()

	shift 3
	while [[ $1 != -- ]]; do
		env+=("$1")
		shift
	done
	shift
	out=$(env "${env[@]}" timeout 30 "$@" 2>&1 </dev/null)
	rc=$?
	if [[ $rc == "$want_rc" ]] && grep -qE -- "$want" <<<"$out" &&
	   ! grep -q ': booting ' <<<"$out"; then
		passed=$((passed + 1))
		[[ ${V:-0} == 1 ]] && echo "PASS $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: status $rc (want $want_rc), output:"
		while IFS= read -r line; do
			echo "    $line"
		done < <(head -20 <<<"$out")
		echo "    want: $want"
	fi
}

vm=scripts/vm-run.sh
check "vm-run: no arguments, the usage" 2 \
	'^vm-run.sh SCRIPT \[FILE...\] - run a test script' -- $vm
check "vm-run: no arguments, the usage's last line, whole" 2 '^just a shell\)\.$' -- $vm
check "vm-run: --help, everything" 0 '^Exit: the script' -- $vm --help
check "vm-run: -h" 0 'VM_TIMEOUT=300' -- $vm -h
check "vm-run: a missing script" 1 'error: no such script: nope' -- $vm nope
check "vm-run: VM_MEM in GB" 1 "VM_MEM is the guest's memory in MiB \\(or with M or G\\), 128 MiB or more, not '2GB'" \
	VM_MEM=2GB -- $vm "$tmp/ok.sh"
# What qemu and timeout take passes: the error is the next setting's.
check "vm-run: VM_MEM=2G and VM_TIMEOUT=15m are taken" 1 "VM_SMP .* not '0'" \
	VM_MEM=2G VM_TIMEOUT=15m VM_SMP=0 -- $vm "$tmp/ok.sh"
check "vm-run: VM_MEM=100M is too small" 1 "VM_MEM .* not '100M'" VM_MEM=100M -- $vm "$tmp/ok.sh"
check "vm-run: VM_MEM too small" 1 "VM_MEM .* not '64'" VM_MEM=64 -- $vm "$tmp/ok.sh"
check "vm-run: VM_TIMEOUT not a number" 1 "VM_TIMEOUT is a time, seconds unless it ends in s, m, h or d \\(300, 15m\\), not 'abc'" \
	VM_TIMEOUT=abc -- $vm "$tmp/ok.sh"
check "vm-run: VM_TIMEOUT 0" 1 "VM_TIMEOUT .* not '0'" VM_TIMEOUT=0 -- $vm "$tmp/ok.sh"
check "vm-run: VM_SMP 0" 1 "VM_SMP is a number of guest CPUs, 1 to 64, not '0'" \
	VM_SMP=0 -- $vm "$tmp/ok.sh"
check "vm-run: BUDDY_LOAD 2" 1 "BUDDY_LOAD is 0 or 1, not '2'" BUDDY_LOAD=2 -- $vm "$tmp/ok.sh"
check "vm-run: BUDDY_KMEMLEAK yes" 1 "BUDDY_KMEMLEAK is 0 or 1, not 'yes'" \
	BUDDY_KMEMLEAK=yes -- $vm "$tmp/ok.sh"
check "vm-run: BUDDY_INTERACTIVE on" 1 "BUDDY_INTERACTIVE is 0 or 1, not 'on'" \
	BUDDY_INTERACTIVE=on -- $vm "$tmp/ok.sh"
check "vm-run: an unknown kernel" 1 "BUDDY_KERNEL is debian, debian-6.1, debian-rt or debug .*not 'bogus'" \
	BUDDY_KERNEL=bogus -- $vm "$tmp/ok.sh"
check "vm-run: arm64's kernel on x86_64" 1 'debian-16k is arm64.s: set BUDDY_ARCH=arm64' \
	BUDDY_KERNEL=debian-16k -- $vm "$tmp/ok.sh"
check "vm-run: an unknown arch" 1 "BUDDY_ARCH must be x86_64 or arm64, not 'riscv'" \
	BUDDY_ARCH=riscv -- $vm "$tmp/ok.sh"

check "stress: an unknown kernel, no replay line" 1 \
	"^stress: error: kernels are debian, debian-6.1, debian-rt and debug, not 'bogus'" \
	-- scripts/stress.sh bogus
check "stress: --help" 0 '^Env:.*STRESS_SEED' -- scripts/stress.sh --help
check "stress: STRESS_PAGES=0" 1 'STRESS_PAGES is the pool, at least 1 page, not 0' \
	STRESS_PAGES=0 -- scripts/stress.sh debian
check "stress: STRESS_OPS not a number" 1 "are numbers, not 'many'" \
	STRESS_OPS=many -- scripts/stress.sh debian
check "faults: an argument" 1 "faults: error: takes no arguments, not 'bogus'" \
	-- scripts/faults.sh bogus
check "faults: --help" 0 '^faults.sh - fault injection' -- scripts/faults.sh --help
check "make fuzz: FUZZ_SECONDS not a number" 2 \
	"FUZZ_SECONDS is a number of seconds, 1 or more, not 'abc'" \
	-- make -s -C tools fuzz FUZZ_SECONDS=abc
check "make fuzz: FUZZ_SECONDS 0 (libFuzzer: for ever)" 2 "not '0'" \
	-- make -s -C tools fuzz FUZZ_SECONDS=0

check "scenarios: --help prints the usage" 0 '^scenarios.sh \[--update\] \[SCENARIO...\]' \
	-- scripts/scenarios.sh --help
check "scenarios: an unknown name" 1 "no scenario 'nope' \(a file, or a name in scenarios/: linux-zone.cmd" \
	-- scripts/scenarios.sh nope
check "scenarios: a name, from another directory" 0 '^PASS scenarios/ostep-64k.cmd$' \
	-- env -C / "$BUDDY_ROOT/scripts/scenarios.sh" ostep-64k
# A scenario without its pool's header, or with a bad one, fails, and
# --update writes nothing for it (buddyctl without --sim would not run
# the twin).
printf '# no header\nalloc 0\n' > "$tmp/nohdr.cmd"
printf '# buddy: pages=abc\nalloc 0\n' > "$tmp/badhdr.cmd"
check "scenarios: no '# buddy:' header" 1 \
	"nohdr.cmd: no '# buddy: pages=N \\[max_order=K\\]' line" \
	-- scripts/scenarios.sh "$tmp/nohdr.cmd"
check "scenarios: a bad header fails, by name" 1 '^FAIL .*/badhdr.cmd$' \
	-- scripts/scenarios.sh "$tmp/badhdr.cmd"
check "scenarios: --update, a bad header" 1 \
	"'# buddy: pages=abc' is not '# buddy: pages=N" \
	-- scripts/scenarios.sh --update "$tmp/badhdr.cmd"
# A header of the right form whose pool buddyctl refuses (no pages, an
# order past 40): the twin ran nothing, so it fails, and nothing is kept.
printf '# buddy: pages=0\nalloc 0\n' > "$tmp/zero.cmd"
printf '# buddy: pages=16 max_order=99\nalloc 0\n' > "$tmp/order99.cmd"
check "scenarios: a pool buddyctl refuses fails, by name" 1 \
	'^FAIL .*/order99.cmd: buddyctl refused its pool \(--sim 16 --max-order 99\)$' \
	-- scripts/scenarios.sh "$tmp/order99.cmd"
check "scenarios: --update, a pool buddyctl refuses" 1 \
	"zero.cmd: buddyctl refused its pool \(--sim 0\): nothing written" \
	-- scripts/scenarios.sh --update "$tmp/zero.cmd"
if [[ -e $tmp/nohdr.out || -e $tmp/badhdr.out || -e $tmp/zero.out ]]; then
	failed=$((failed + 1))
	echo "FAIL scenarios: a .out was written for a scenario without its pool"
else
	passed=$((passed + 1))
fi

# make lab deletes only a lab of its own that nobody has changed: not a
# student's work, nor a directory that is no lab.
scripts/lab.sh "$tmp/lab" >/dev/null 2>&1
check "lab: written again over a lab nobody changed" 0 "^lab: wrote $tmp/lab: 2 parts" \
	-- scripts/lab.sh "$tmp/lab"
echo '/* a student was here */' >>"$tmp/lab/buddy_core.c"
check "lab: a student's work is not written over" 1 \
	"buddy_core.c has changed since the lab was written \(a student's work\?\): move $tmp/lab away, or LAB_FORCE=1" \
	-- scripts/lab.sh "$tmp/lab"
mkdir "$tmp/notlab" && echo keep >"$tmp/notlab/precious"
check "lab: a directory that is no lab is not deleted" 1 \
	"$tmp/notlab is there and is not a lab this script wrote" \
	-- scripts/lab.sh "$tmp/notlab"
if [[ $(tail -1 "$tmp/lab/buddy_core.c") == '/* a student was here */' &&
      $(cat "$tmp/notlab/precious") == keep ]]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL lab: what it refused to write over is as it was"
fi
check "lab: LAB_FORCE=1 writes over it" 0 "^lab: wrote $tmp/lab" LAB_FORCE=1 \
	-- scripts/lab.sh "$tmp/lab"

# The bench's programs: a number is whole and in range, or refused at
# once (strtoul() took -1 as 2^64 - 1: the bench crashed, the floor ran
# for ever); counts that lack a pool this run times are refused.
if tools_make ../build/user/buddy_bench ../build/user/buddy_floor >/dev/null 2>&1; then
	check "bench: -i -1" 1 '^usage: .*buddy_bench \[-r REPEATS\]' \
		-- build/user/buddy_bench -q -r 1 -i -1
	check "bench: -i 12x" 1 'churn iterations per run, 1\.\.67108864' \
		-- build/user/buddy_bench -q -r 1 -i 12x
	check "bench: a word it does not take" 1 '^usage: ' \
		-- build/user/buddy_bench extra
	for w in 0 1 2; do
		for k in 0 1 2; do
			echo "0 $w $k 1000 0 0 50000 10 5"
			echo "1 $w $k 1000 0 0 50000 10 5"
		done
	done >"$tmp/counts-q.txt"
	check "bench: counts without the 64 GiB pool" 1 \
		"has no counts for the 64 GiB pool \(made with -q\?\)" \
		-- build/user/buddy_bench -r 1 -i 256 -I "$tmp/counts-q.txt"
	check "floor: STEPS -5" 2 '^usage: buddy_floor ' \
		-- build/user/buddy_floor fast 3 ours -5
	check "floor: order 3x" 2 '^usage: buddy_floor ' \
		-- build/user/buddy_floor fast 3x ours 100
	check "floor: split 3 says 3 splits" 0 ', 3 splits and merges a step, audit clean$' \
		-- build/user/buddy_floor split 3 ours 10
	check "make bench BENCH_ARGS=-h: the usage at once" 0 '^usage: .*buddy_bench' \
		-- make -s -C tools bench BENCH_ARGS=-h
else
	failed=$((failed + 1))
	echo "FAIL bench: buddy_bench and buddy_floor do not build"
fi

# make mutate runs it as a program: its mode must say so.
check "mutate: an unknown file" 1 "mutate.py: nope.c: not a C file at the top of the project" \
	-- scripts/mutate.py nope.c
check "mutate: --list, the parser's mutants" 0 '^0 [0-9]+ == return c != ' \
	-- scripts/mutate.py --list buddy_cmd.c

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
