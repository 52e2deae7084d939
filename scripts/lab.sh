#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lab.sh [DIR] - write the lab: a copy of the project (default build/lab)
# in which parts of buddy_core.c are left for students to write.
#
# The parts are marked in buddy_core.c itself, so the lab always follows the
# real code:
#
#	/* LAB BEGIN NAME
#	 * What the part must do, for the student ...
#	 * stub: CODE		(optional: what stands in for the part)
#	 */
#	... the real code ...
#	/* LAB END NAME */
#
# In the copy, the real code goes; the comment stays, headed "TODO (lab:
# NAME)", with the stub's code after it, so that the copy builds and runs
# (and fails).  LAB.md in the copy says what to do; `make -C DIR check-lab`
# grades it (scripts/check-lab.sh).
#
# DIR, when it is there, must be a lab this script wrote whose buddy_core.c
# has not changed since (LAB_FORCE=1: any directory, deleted first).
#
# Exit: 0 when the lab was written; 1 if the markers are malformed, or DIR
# holds work of its own.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dest=${1:-$BUDDY_BUILD/lab}
cd "$BUDDY_ROOT"
# A lab has no solution to take the parts from: its buddy_core.c is the
# student's.
[[ ! -f .lab-written ]] ||
	die "$BUDDY_ROOT is a lab already (make lab wrote it): run make lab in the project it came from"

# The real code, not a stale copy: every file git tracks, as it is in the
# working tree, or, outside a git checkout (an unpacked tarball, the lab
# itself), everything but build/.  Untracked files stay out: a teacher's
# solution lying next to the code must not reach the students.
files()
{
	local f

	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# A tracked file deleted from the working tree is not there.
		git ls-files -z --cached | while IFS= read -r -d '' f; do
			[[ ! -e $f ]] || printf '%s\0' "$f"
		done
	else
		find . -path ./build -prune -o -path ./.git -prune -o \
			-type f -print0
	fi
}

# The transformation of one C file, by the markers above.  It checks that
# they pair up and prints the names of the parts on stderr as "part NAME
# LINE" (the line of the TODO in the output).
stub_out()
{
	awk -v file="$1" '
	function fail(msg) {
		printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"
		bad = 1
		exit 1
	}
	state == 0 && /\/\* LAB BEGIN [a-z0-9_-]+$/ {
		name = $NF
		indent = $0
		sub(/\/\*.*/, "", indent)
		if (name in seen)
			fail("part " name " marked twice")
		seen[name] = 1
		print indent "/*"
		print indent " * TODO (lab: " name "): write this part."
		printf "part %s %d\n", name, out + 2 > "/dev/stderr"
		out += 2
		stub = ""
		state = 1
		next
	}
	state == 0 && /LAB (BEGIN|END)/ {
		fail("a LAB marker out of place: " $0)
	}
	state == 1 && /^[ \t]*\*\/$/ {
		print
		out++
		if (stub != "") {
			print indent stub
			out++
		}
		state = 2
		next
	}
	state == 1 && /^[ \t]*\* stub: / {
		stub = $0
		sub(/^[ \t]*\* stub: /, "", stub)
		next
	}
	state == 1 {
		print
		out++
		next
	}
	state == 2 && /\/\* LAB END [a-z0-9_-]+ \*\/$/ {
		if ($(NF - 1) != name)
			fail("LAB END " $(NF - 1) " closes LAB BEGIN " name)
		state = 0
		next
	}
	state == 2 && /LAB (BEGIN|END)/ {
		fail("part " name " is not closed before: " $0)
	}
	state == 2 {
		next
	}
	{
		print
		out++
	}
	END {
		if (!bad && state != 0)
			fail("part " name " is never closed")
		if (!bad && !length(seen))
			fail("no LAB BEGIN marker")
	}
	' "$1"
}

# A directory already there is written over only if it is a lab whose
# buddy_core.c is still the one this script wrote (its checksum is kept in
# .lab-written): a student's work, or a directory that is no lab at all,
# is not deleted, unless LAB_FORCE=1 says to.
if [[ -e $dest && -n $(ls -A "$dest" 2>/dev/null) && ${LAB_FORCE:-0} != 1 ]] &&
   ! (cd "$dest" 2>/dev/null && sha256sum --status -c .lab-written 2>/dev/null); then
	if [[ -f $dest/.lab-written ]]; then
		die "$dest/buddy_core.c has changed since the lab was written (a student's work?): move $dest away, or LAB_FORCE=1 to write over it"
	fi
	die "$dest is there and is not a lab this script wrote: give another directory, or LAB_FORCE=1 to delete it and write the lab there"
fi
rm -rf "$dest"
mkdir -p "$dest"
files | (cd "$BUDDY_ROOT" && xargs -0 cp --parents -t "$dest")
parts=$(stub_out buddy_core.c 2>&1 >"$dest/buddy_core.c") ||
	die "buddy_core.c: the LAB markers: $parts"

{
	cat <<'EOF'
# The buddy allocator lab

This is a copy of the buddy project (README.md) in which parts of the
allocator core, `buddy_core.c`, are missing. Each is a comment headed
`TODO (lab: NAME)` saying what the part must do, where the code was. The
copy builds as it is, and does the wrong thing: every test that needs the
part fails until it is written.

EOF
	while read -r _ name line; do
		# shellcheck disable=SC2016 # the backquotes are Markdown's
		printf -- '- `%s`: `buddy_core.c` line %s\n' "$name" "$line"
	done <<<"$parts"
	cat <<'EOF'

Read the top of `buddy_core.c` first: it explains how the core keeps its
state (no free lists: per order a free bitmap with its summaries and a
cursor, split bits, head bits). Each helper a TODO names
(`free_insert_first()`, `free_remove()`, `report()`, `bit_set()`...) is
explained where it is defined. The rest of the core is complete and is
the best guide to the style expected.

Grade your work with

    make check-lab

here, in this directory (in the project it came from, `make check-lab`
grades the project's own core, the solution, and says so).

It builds the user-space tests with AddressSanitizer and UBSan and runs
every test in a process of its own: the unit tests (one behaviour each:
splitting, merging, refusing bad frees, the OSTEP and Stallings examples,
the steps the allocator reports) and the differential tests, which run
millions of random operations against an independent model and compare
every answer. It prints PASS or FAIL per behaviour, the first lines of
each failure, and ends with "N passed, N failed"; its exit status is 0
only when everything passes. One test alone, built again from your code
first: `make -C tools ../build/user/buddy_test && build/user/buddy_test -v
NAME` (`check-lab` builds it too; `buddy_test` alone may be older than
your last edit).

Reading a failure: a tree is written as its walk, one `S|F|A
frame:order/depth` per block in pre-order (S split, F free, A
allocated): `S0:4/0 A0:3/1 F8:3/1` is a 16-frame pool split once, its
lower half allocated. `audit: ... (order K, frame F)` is the core's own
audit naming the first thing wrong. `audit_catches_every_harmful_flip`
fails for most bugs in a split or a merge, as it checks that the core
still acts as a buddy allocator: mend the tests that name the behaviour
(`alloc_splits`, `free_merges` and the like) first. A crash shows UBSan's or
ASan's line and the calls that led there (`#1 merge_up ...`).

To start over, save your `buddy_core.c` somewhere if you want it, then,
in the project: `LAB_FORCE=1 make lab` writes the lab again over this
one (without `LAB_FORCE=1`, `make lab` refuses to, once `buddy_core.c`
has changed). `make clean` in the project keeps `build/lab`.

To see the allocator work through your code: `make buddyctl`, then
`build/user/buddyctl --sim 16 --explain alloc 7K`, or any scenario of
`scenarios/`: `build/user/buddyctl --sim 256 run scenarios/stallings-1m.cmd`.
EOF
} >"$dest/LAB.md"

(cd "$dest" && sha256sum buddy_core.c >.lab-written)
names=$(awk '{ printf "%s%s", sep, $2; sep = ", " }' <<<"$parts")
info "wrote $dest: $(wc -l <<<"$parts") parts to write: $names"
info "grade it with: make -C ${dest#"$PWD"/} check-lab"
