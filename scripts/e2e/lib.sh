# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers for the guest-side tests (busybox sh).  Every result is a marked
# line, "BUDDY-TEST: PASS|FAIL name", so kernel noise on the console cannot
# be mistaken for one.

D=/sys/kernel/debug/buddy
KO=${BUDDY_KO:-/lib/buddy/buddy.ko}

# The textbook examples are drawn in 4 KiB pages.  On a kernel with larger
# pages (arm64's 16 KiB) their sizes scale by S, so that they take the same
# numbers of pages and draw the same trees: "sz 7" is 7K with 4 KiB pages,
# 28K with 16 KiB ones.  KMAX is the kernel's MAX_PAGE_ORDER (the columns
# of /proc/buddyinfo), buddy.ko's default max_order.
PAGE=$(($(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps) * 1024))
S=$((PAGE / 4096))
# shellcheck disable=SC2034 # for the scripts that source this
KMAX=$(awk 'NR == 1 { print NF - 5 }' /proc/buddyinfo)
sz() { echo "$(($1 * S))K"; }
FAILED=0
PASSED=0

# TEST_PREFIX, if set, starts every test name ("buddyctl: ").
pass() { echo "BUDDY-TEST: PASS ${TEST_PREFIX:-}$*"; PASSED=$((PASSED + 1)); }
fail() { echo "BUDDY-TEST: FAIL ${TEST_PREFIX:-}$*"; FAILED=$((FAILED + 1)); }

# expect NAME GOT WANT: exact comparison, with both sides shown on failure.
expect() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '  got:\n%s\n  want:\n%s\n' "$2" "$3" | sed 's/^/    /'
	fi
}

# ok NAME COMMAND...: the command succeeds.
ok() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

load() { insmod "$KO" "$@"; }
unload() { rmmod buddy; }

# refused NAME PARAM...: insmod with these parameters must fail.
refused() {
	name=$1
	shift
	if load "$@" 2>/dev/null; then
		fail "$name accepted"
		unload
	else
		pass "$name refused"
	fi
}

# logged TEXT: the kernel log has a line containing TEXT.
logged() { dmesg | grep -qF -- "$1"; }

# ctl TEXT: one write to control; prints OK or the errno name.
ctl() { buddy_write "$D/control" "$1"; }

# ctl_times N TEXT: TEXT written N times on one open control file (an
# open costs an allocation; a shell loop of echos would open N times).
ctl_times() {
	n=$1
	shift
	exec 3> "$D/control"
	while [ "$n" -gt 0 ]; do
		echo "$*" >&3
		n=$((n - 1))
	done
	exec 3>&-
}

# fails COMMAND...: the command fails (its messages are not shown).
fails() { ! "$@" 2>/dev/null; }

# The first pfn of the pool: the tree's first line starts with it.
base() { sed -n '1s/-.*//p' "$D/tree"; }

# Rewrites every 0x number from the pool's first pfn up as "+offset" from
# it ($BASE if set, else read from the tree), pids as "pid=P" and ages as
# "age_ms=A", so expected output does not depend on where the pool landed
# or when.  Smaller 0x numbers (masks like the 0x8 of "0x2410 ^ 0x8") stay.
norm() {
	awk -v base="${BASE:-$(($(base)))}" '
	function hex(s,    i, v) {
		v = 0
		s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	{
		line = $0
		out = ""
		while (match(line, /0x[0-9a-f]+/)) {
			v = hex(substr(line, RSTART, RLENGTH))
			# Below the pool it is no pfn of it (a mask, a size).
			out = out substr(line, 1, RSTART - 1) \
			      (v >= base ? "+" (v - base) : substr(line, RSTART, RLENGTH))
			line = substr(line, RSTART + RLENGTH)
		}
		out = out line
		gsub(/pid=[0-9]+/, "pid=P", out)
		gsub(/age_ms=[0-9]+/, "age_ms=A", out)
		print out
	}'
}

tree() { norm < "$D/tree"; }
buddyinfo() { cat "$D/buddyinfo"; }
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$D/stats"; }
# pfn of the block tagged $1, from the allocations listing.
pfn_of() { sed -n "s/^pfn=\(0x[0-9a-f]*\) .* tag=$1 .*/\1/p" "$D/allocations"; }

# The pool and the audit after a step: both must be sane.
check_ok() { expect "$1: check ok" "$(cat "$D/check")" "ok"; }

# OSTEP's example, 16 pages after "alloc 7K tag=A", as the tree file shows
# it (normalized): 16 -> 8 -> 4 -> 2 split, the lowest half kept each time.
ostep_tree() {
	cat <<'EOT'
+0-+15 order=4 pages=16 split
├─ +0-+7 order=3 pages=8 split
│  ├─ +0-+3 order=2 pages=4 split
│  │  ├─ +0-+1 order=1 pages=2 allocated tag=A pid=P
│  │  └─ +2-+3 order=1 pages=2 free
│  └─ +4-+7 order=2 pages=4 free
└─ +8-+15 order=3 pages=8 free
EOT
}

# bi ORDER0 ORDER1 ...: the buddyinfo line with those free block counts.
bi() {
	printf 'Node 0, zone %8s ' buddy
	for n in "$@"; do printf '%6lu ' "$n"; done
	printf '\n'
}

# finish [NAME]: the totals line; the exit status says if all passed.
finish() {
	echo "${1:-e2e}: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
