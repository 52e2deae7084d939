#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lab-selftest.sh - the lab grades what it should: a lab is generated
# (scripts/lab.sh); its stubs must fail check-lab, splitting and merging
# by name; with the real split body put back where its TODO is, the split
# tests pass and the merge tests still fail; with both bodies back, every
# test passes.  The rest of the copy must be the project's files unchanged.
#
# Exit: 0 if all of that holds.

set -uo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$BUDDY_ROOT" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lab=$tmp/lab
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
	[[ -z ${2:-} ]] || printf '%s\n' "$2" | head -n 40 | sed 's/^/    /'
	failed=$((failed + 1))
}

# put_back NAME...: the real body of each part, from buddy_core.c, in the
# lab's buddy_core.c right after its TODO comment, as a student would.
put_back()
{
	local names=" $* "

	awk -v names="$names" '
	FNR == NR {
		if ($0 ~ /\/\* LAB BEGIN /) { name = $NF; inbody = 0; next }
		if (name != "" && !inbody && $0 ~ /^[ \t]*\*\/$/) { inbody = 1; next }
		if ($0 ~ /\/\* LAB END /) { name = ""; next }
		if (name != "" && inbody) body[name] = body[name] $0 "\n"
		next
	}
	{ print }
	/ \* TODO \(lab: [a-z0-9_-]+\)/ {
		todo = $0
		sub(/.*\(lab: /, "", todo)
		sub(/\).*/, "", todo)
	}
	todo != "" && /^[ \t]*\*\/$/ {
		if (index(names, " " todo " "))
			printf "%s", body[todo]
		todo = ""
	}
	' buddy_core.c "$lab/buddy_core.c.stubs" >"$lab/buddy_core.c"
}

grade()
{
	make -s -C "$lab" check-lab >"$tmp/out" 2>&1
}

if ! scripts/lab.sh "$lab" 2>"$tmp/gen"; then
	fail "make lab writes the lab" "$(cat "$tmp/gen")"
	printf '\n%d passed, %d failed\n' "$passed" "$failed"
	exit 1
fi
pass "make lab writes the lab: $(tail -n 2 "$tmp/gen" | head -n 1)"
cp "$lab/buddy_core.c" "$lab/buddy_core.c.stubs"

# Every file of the project is in the lab as it is, but buddy_core.c.
changed=$(git ls-files | while read -r f; do
	cmp -s "$f" "$lab/$f" || echo "$f"
done)
if [[ $changed == buddy_core.c ]]; then
	pass "the lab has every file of the project, the same but buddy_core.c"
else
	fail "the lab has every file of the project, the same but buddy_core.c" \
		"differ or missing: $changed"
fi
if grep -q 'LAB BEGIN\|LAB END' "$lab/buddy_core.c" ||
   [[ $(grep -c 'TODO (lab: ' "$lab/buddy_core.c") != 2 ]]; then
	fail "the lab's buddy_core.c has two TODOs and no marker left"
else
	pass "the lab's buddy_core.c has two TODOs and no marker left"
fi

# The stubs as generated.
if grade; then
	fail "the stubs fail check-lab" "$(cat "$tmp/out")"
elif grep -q '^FAIL  alloc_splits' "$tmp/out" &&
     grep -q '^FAIL  free_merges' "$tmp/out" &&
     grep -q '^FAIL  diff_odd_pools' "$tmp/out" &&
     grep -q '^[0-9]* passed, [1-9][0-9]* failed$' "$tmp/out"; then
	pass "the stubs fail check-lab: $(grep "^[0-9]* passed" "$tmp/out")"
else
	fail "the stubs fail check-lab, by name" "$(cat "$tmp/out")"
fi

# The split body back: splitting works, merging still does not.
put_back split
if ! grade && grep -q '^PASS  alloc_splits' "$tmp/out" &&
   grep -q '^FAIL  free_merges' "$tmp/out"; then
	pass "the split body alone: alloc_splits passes, free_merges fails: $(grep "^[0-9]* passed" "$tmp/out")"
else
	fail "the split body alone" "$(cat "$tmp/out")"
fi

# Both bodies back: everything passes.
put_back split merge
if grade && ! grep -q "own buddy_core.c, not a lab's" "$tmp/out"; then
	pass "the real bodies put back pass check-lab: $(grep "^[0-9]* passed" "$tmp/out")"
else
	fail "the real bodies put back pass check-lab, graded as a lab" "$(cat "$tmp/out")"
fi

# make lab in a lab has no solution to take the parts from: it stops,
# and changes nothing; make clean keeps a lab's work in build/lab.
cp "$lab/buddy_core.c" "$tmp/before.c"
if ! make -s -C "$lab" lab >"$tmp/out" 2>&1 &&
   grep -q 'is a lab already (make lab wrote it)' "$tmp/out" &&
   cmp -s "$lab/buddy_core.c" "$tmp/before.c" && [[ ! -e $lab/build/lab ]]; then
	pass "make lab in a lab stops, nothing written"
else
	fail "make lab in a lab stops, nothing written" "$(cat "$tmp/out")"
fi
mkdir -p "$lab/build/lab" && echo work >"$lab/build/lab/buddy_core.c"
if make -s -C "$lab" clean >"$tmp/out" 2>&1 && [[ -f $lab/build/lab/buddy_core.c &&
   ! -e $lab/build/user ]] && grep -q 'kept build/lab' "$tmp/out"; then
	pass "make clean keeps build/lab, and says so"
else
	fail "make clean keeps build/lab, and says so" "$(cat "$tmp/out"; ls "$lab/build")"
fi

printf '\n%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
