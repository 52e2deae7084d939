# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# twin.sh - the in-process twin against the module, in the QEMU guest:
#
#	scripts/vm-run.sh tools/buddyctl/tests/twin.sh scripts/e2e/lib.sh \
#		tools/buddyctl/tests/twin scenarios
#
# Each script of twin/ runs as a buddyctl session on a freshly loaded
# buddy.ko, and again in "buddyctl --sim PAGES --base BASE" with the
# module's base, human and --json; the outputs must be the same, byte for
# byte, once pids and ages (which cannot match) are masked.  So must
# one-shot commands and views.  Prints "BUDDY-TEST: PASS|FAIL" lines.

# shellcheck source=scripts/e2e/lib.sh
. ./lib.sh
TEST_PREFIX="twin: "

# Pids and ages differ; in a table, squeeze the blanks and mask the PID
# and AGE_MS columns of allocations rows.
mask() {
	sed -E 's/pid=[0-9]+/pid=P/g; s/age_ms=[0-9]+/age_ms=A/g;
		s/"pid":[0-9]+/"pid":P/g; s/"age_ms":[0-9]+/"age_ms":A/g' |
		tr -s ' ' | awk 'NF == 10 && $1 != "PFN" { $5 = "P"; $6 = "A" } 1'
}

# same NAME PAGES[:MAX_ORDER] ARGS...: buddyctl ARGS on a fresh module
# and in the twin.
same() {
	name=$1 pages=${2%:*} order=10
	case $2 in *:*) order=${2#*:} ;; esac
	shift 2
	unload 2>/dev/null
	load pages="$pages" max_order="$order" || { fail "$name: insmod"; return; }
	b=$(base)
	buddyctl "$@" < /dev/null > mod.out 2>&1
	echo "rc=$?" >> mod.out
	buddyctl --sim "$pages" --max-order "$order" --base "$b" "$@" \
		< /dev/null > sim.out 2>&1
	echo "rc=$?" >> sim.out
	expect "$name" "$(mask < sim.out)" "$(mask < mod.out)"
}

for s in twin/*.txt; do
	n=$(basename "$s" .txt)
	case $n in
	stallings) p=256 ;;
	*) p=16 ;;
	esac
	same "$n ($p pages)" "$p" -k run "$s"
	# Not two empty outputs: each script says a lot.
	[ "$(wc -l < mod.out)" -gt 10 ] || fail "$n: too little output"
	same "$n, --json ($p pages)" "$p" --json -k run "$s"
done
same "churn on 1000 pages" 1000 -k run twin/churn.txt
# The same quiz in the module and the twin: its key, and a run of it.
# The module's own key, answered in both: full marks in both.  One load:
# a quiz's blocks are its session's, freed when it ends, so the second
# quiz starts from the pool the key was made on.
for seed in 2 5; do
	same "quiz key, seed $seed" 32 --seed $seed --level 3 --answers quiz
	grep -v '^rc=' mod.out > key.txt
	buddyctl --seed $seed --level 3 quiz < key.txt > mod.out 2>&1
	buddyctl --sim 32 --base "$(base)" --seed $seed --level 3 quiz \
		< key.txt > sim.out 2>&1
	expect "quiz, seed $seed, answered with the key" \
		"$(mask < sim.out)" "$(mask < mod.out)"
	score=$(grep '^score: ' mod.out)
	expect "quiz, seed $seed: the module's key scores full marks" \
		"$score" "$(echo "$score" |
			awk -F'[ /]' '$2 > 0 { print "score: " $3 "/" $3 }')"
done
# The textbook scenarios (scenarios/), each on the pool its header asks.
for s in scenarios/*.cmd; do
	[ -e "$s" ] || continue
	line=$(grep -m1 '^# buddy: ' "$s")
	p=$(echo "$line" | sed -n 's/.*pages=\([0-9]*\).*/\1/p')
	o=$(echo "$line" | sed -n 's/.*max_order=\([0-9]*\).*/\1/p')
	same "scenario $(basename "$s" .cmd)" "$p:${o:-10}" -k run "$s"
done
same "one-shot alloc --explain" 16 --explain alloc 7K tag=A
same "one-shot free of a free page" 16 free "$(printf '%#x' $(($(base) + 3)))"
same "one-shot alloc above max_order" 100 alloc 7
for v in tree buddyinfo frag stats allocations check events bits map info; do
	same "view $v" 100 "$v"
	same "view $v --json" 100 --json "$v"
done
unload
finish twin
