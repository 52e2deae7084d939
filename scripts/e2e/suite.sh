# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The end-to-end suite: runs in the guest as root with buddy.ko NOT loaded
# (BUDDY_LOAD=0); each test loads the module with the parameters it needs.
# Needs lib.sh, buddy_write and buddy_dev_test beside it, buddyctl in PATH.

# shellcheck source=lib.sh
. ./lib.sh
PATH=.:$PATH

test_load_unload() {
	load pages=256 || fail "insmod pages=256"
	line=$(dmesg | grep 'buddy: managing' | tail -1)
	case "$line" in
	*"managing 256 pages, pfn 0x"*"-0x"*", "*" meta bytes, max_order 8")
		pass "load message: ${line#*] }" ;;
	*) fail "load message: '$line'" ;;
	esac
	ok "max_order clamped in the log" \
		logged "max_order=$KMAX clamped to 8 for 256 pages"
	expect "control before any command lists the commands" \
		"$(head -1 "$D/control")" \
		"commands (one per write, e.g. echo alloc 3 tag=A > control):"
	expect "device node mode" "$(stat -c '%a %F' /dev/buddy)" \
		"600 character special file"
	expect "debugfs files" "$(cd "$D" && echo *)" \
		"allocations bitmaps buddyinfo check compare control events extfrag_index map stats tree unusable_index"
	ctl "alloc 3 tag=kept" >/dev/null
	ok "rmmod with a live block" unload
	ok "insmod again" load pages=256
	expect "second load starts empty" "$(stat_of allocations)" 0
	ok "rmmod again" unload
	ok "insmod a third time, 1 page" load pages=1 max_order=0
	expect "one-page pool" "$(tree)" "+0-+0 order=0 pages=1 free"
	expect "one-page alloc" "$(ctl 'alloc 0')" OK
	expect "one-page pool exhausted" "$(ctl 'alloc 0')" ENOMEM
	unload

	# Parameters the kernel cannot satisfy fail the insmod, leaving nothing.
	refused "pages=0" pages=0
	ok "pages=0 says why" logged 'pages=0: the pool needs at least one page'
	refused "pages=1000000" pages=1000000
	expect "pages=1000000 is EINVAL" \
		"$(load pages=1000000 2>&1 | grep -c 'Invalid argument')" 1
	ok "pages=1000000 says why" \
		logged 'pages=1000000: more than the '
	# All but 16 of the guest's pages: under the limit, but the kernel's
	# own memory sits in any range that large.  (Most of the memory,
	# 200000 of 247000 pages, can succeed: alloc_contig_range() migrates.)
	most=$(($(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 4 - 16))
	refused "pages=all but 16" "pages=$most"
	ok "pages=all but 16 says why" logged "pages=$most: "
	ok "pages=all but 16: nothing left reserved" \
		test "$(awk '/MemFree/ { print $2 }' /proc/meminfo)" -gt 400000
	refused "pages=banana" pages=banana
	ok "no debugfs dir left behind" test ! -e $D
	ok "no device left behind" test ! -e /dev/buddy
}

# OSTEP ch. 17: 64 KiB, a 7 KiB request is served by an 8 KiB block after
# splitting 64 -> 32 -> 16 -> 8.
test_ostep() {
	load pages=16
	b=$(base)
	expect "OSTEP: alloc $(sz 7)" "$(ctl "alloc $(sz 7) tag=A")" OK
	expect "OSTEP: result" "$(norm < "$D/control")" \
		"pfn=+0 order=1 pages=2 tag=A bytes=$((7168 * S)) waste=$((1024 * S))"
	expect "OSTEP: tree" "$(tree)" "$(ostep_tree)"
	expect "OSTEP: buddyinfo" "$(buddyinfo)" "$(bi 0 1 1 1 0)"
	expect "OSTEP: stats splits" "$(stat_of splits)" 3
	expect "OSTEP: waste" "$(stat_of waste_bytes)" $((1024 * S))
	# Buddies differ in exactly the bit of their order.
	expect "OSTEP: buddy of +0 at order 1 is +2" \
		"$(tree | grep -c '^│  │  └─ +2-+3 order=1')" 1
	expect "OSTEP: free" "$(ctl "free $(printf '%#x' "$b")")" OK
	expect "OSTEP: merged back" "$(tree)" "+0-+15 order=4 pages=16 free"
	expect "OSTEP: merges" "$(stat_of merges)" 3
	check_ok OSTEP
	unload
}

# Stallings: 1 MiB, A=100K B=240K C=64K D=256K, release B, release A,
# E=75K, release C, release E, release D.
test_stallings() {
	load pages=256
	step() {
		expect "Stallings: $1" "$(ctl "$1")" OK
		# shellcheck disable=SC2086 # $2 is the list of counts
		expect "Stallings: buddyinfo after $1" "$(buddyinfo)" "$(bi $2)"
		check_ok "Stallings: $1"
	}
	step "alloc $(sz 100) tag=A" "0 0 0 0 0 1 1 1 0"
	step "alloc $(sz 240) tag=B" "0 0 0 0 0 1 0 1 0"
	step "alloc $(sz 64) tag=C" "0 0 0 0 1 0 0 1 0"
	step "alloc $(sz 256) tag=D" "0 0 0 0 1 0 1 0 0"
	expect "Stallings: tree after D" "$(tree)" "$(cat <<'EOT'
+0-+255 order=8 pages=256 split
├─ +0-+127 order=7 pages=128 split
│  ├─ +0-+63 order=6 pages=64 split
│  │  ├─ +0-+31 order=5 pages=32 allocated tag=A pid=P
│  │  └─ +32-+63 order=5 pages=32 split
│  │     ├─ +32-+47 order=4 pages=16 allocated tag=C pid=P
│  │     └─ +48-+63 order=4 pages=16 free
│  └─ +64-+127 order=6 pages=64 allocated tag=B pid=P
└─ +128-+255 order=7 pages=128 split
   ├─ +128-+191 order=6 pages=64 allocated tag=D pid=P
   └─ +192-+255 order=6 pages=64 free
EOT
)"
	step "free tag=B" "0 0 0 0 1 0 2 0 0"
	step "free tag=A" "0 0 0 0 1 1 2 0 0"
	step "alloc $(sz 75) tag=E" "0 0 0 0 1 0 2 0 0"
	expect "Stallings: E reuses A's block" "$(norm < "$D/control")" \
		"pfn=+0 order=5 pages=32 tag=E bytes=$((76800 * S)) waste=$((54272 * S))"
	step "free tag=C" "0 0 0 0 0 1 2 0 0"
	step "free tag=E" "0 0 0 0 0 0 1 1 0"
	step "free tag=D" "0 0 0 0 0 0 0 0 1"
	expect "Stallings: one block again" "$(tree)" \
		"+0-+255 order=8 pages=256 free"
	unload
}

# Adjacent free blocks of the same size that are not buddies stay apart.
test_not_buddies() {
	load pages=4
	for i in 0 1 2 3; do ctl "alloc 0 tag=f$i" >/dev/null; done
	ctl "free tag=f1" >/dev/null
	ctl "free tag=f2" >/dev/null
	expect "not buddies: +1 and +2 stay apart" "$(tree)" "$(cat <<'EOT'
+0-+3 order=2 pages=4 split
├─ +0-+1 order=1 pages=2 split
│  ├─ +0-+0 order=0 pages=1 allocated tag=f0 pid=P
│  └─ +1-+1 order=0 pages=1 free
└─ +2-+3 order=1 pages=2 split
   ├─ +2-+2 order=0 pages=1 free
   └─ +3-+3 order=0 pages=1 allocated tag=f3 pid=P
EOT
)"
	expect "not buddies: buddyinfo" "$(buddyinfo)" "$(bi 2 0 0)"
	ctl "free tag=f0" >/dev/null
	expect "not buddies: +0 merges with +1" "$(buddyinfo)" "$(bi 1 1 0)"
	unload
}

# Every malformed or impossible command: its errno, nothing changed.
test_bad_commands() {
	load pages=256
	ctl "alloc 3 tag=X" >/dev/null
	ctl "alloc 0 tag=Y" >/dev/null
	b=$(base)
	x=$(pfn_of X)
	tree_before=$(cat "$D/tree")
	alloc_before=$(sed 's/age_ms=[0-9]*//' "$D/allocations")
	result_before=$(cat "$D/control")
	while IFS='|' read -r want text; do
		[ -n "$want" ] || continue
		expect "bad command '$text'" "$(ctl "$text")" "$want"
	done <<EOT
OK|
EINVAL|\n
EINVAL|bogus
EINVAL|alloc
EINVAL|alloc 1 2 3
EINVAL|alloc 9
EINVAL|alloc 63
EINVAL|alloc $((2 * S))M
EINVAL|alloc 0B
EINVAL|alloc -1
EINVAL|alloc 1.5K
EINVAL|alloc 4X
EINVAL|alloc 99999999999999999999999
EINVAL|alloc 18446744073709551615G
EINVAL|alloc 1 tag=
EINVAL|alloc 1 tag=bad!tag
EINVAL|alloc 1 tag=sixteen-chars-xx
EINVAL|alloc 1 label=x
EINVAL|alloc 1\nalloc 2
EINVAL|alloc 1\x00
EINVAL|\xff\xfe
EINVAL|free
EINVAL|free xyz
EINVAL|free 0x
EINVAL|free 0x1 0x2
EINVAL|free tag=
EINVAL|reset now
EINVAL|ALLOC 1
EINVAL|$(printf 'alloc 1 %0200d' 0)
ERANGE|free 0
ERANGE|free $(printf '%#x' $((b - 1)))
ERANGE|free $(printf '%#x' $((b + 256)))
ERANGE|free 0xffffffffffffffff
EINVAL|free 0x10000000000000000
EALREADY|free $(printf '%#x' $((b + 255)))
EALREADY|free $(printf '%#x' $((b + 9)))
EINVAL|free $(printf '%#x' $((x + 1)))
EINVAL|free $(printf '%#x' $((x + 7)))
ENOENT|free tag=nobody
ENOMEM|alloc 8
EOT
	expect "bad commands: tree unchanged" "$(cat "$D/tree")" "$tree_before"
	expect "bad commands: allocations unchanged" \
		"$(sed 's/age_ms=[0-9]*//' "$D/allocations")" "$alloc_before"
	expect "bad commands: last result unchanged" "$(cat "$D/control")" \
		"$result_before"
	check_ok "bad commands"
	expect "bad commands: rejected_free_range" "$(stat_of rejected_free_range)" 4
	expect "bad commands: rejected_free_double" "$(stat_of rejected_free_double)" 2
	expect "bad commands: rejected_free_interior" "$(stat_of rejected_free_interior)" 2
	# The allocator's refusals: alloc 8 (no block); 9, 63 and 2S M
	# (above max_order).
	expect "bad commands: failed_allocs" "$(stat_of failed_allocs)" 4
	expect "bad commands: no warning in the log" \
		"$(dmesg | grep -c -e WARNING -e 'BUG:')" 0
	# The 26 malformed ones and free tag=nobody (an empty write is none).
	expect "bad commands: rejected_commands (an empty write is none)" \
		"$(stat_of rejected_commands)" 27
	# Files used the wrong way: refused, nothing changes.
	for f in tree buddyinfo unusable_index extfrag_index stats \
		 allocations check; do
		expect "write to read-only $f" "$(buddy_write "$D/$f" x)" EINVAL
	done
	expect "write to /dev/buddy" "$(buddy_write /dev/buddy x)" EINVAL
	expect "read from a fresh /dev/buddy: nothing yet" "$(cat /dev/buddy)" ""
	head -c 1048576 /dev/zero | tr '\0' a > big
	ok "a 1 MiB write to control fails" \
		fails dd if=big of="$D/control" bs=1M
	rm -f big
	expect "misuse: tree unchanged" "$(cat "$D/tree")" "$tree_before"
	# Exhaustion and recovery.
	ctl reset >/dev/null
	expect "exhaust: alloc 8" "$(ctl 'alloc 8 tag=all')" OK
	expect "exhaust: nothing left" "$(ctl 'alloc 0')" ENOMEM
	expect "exhaust: free" "$(ctl 'free tag=all')" OK
	expect "exhaust: recovered" "$(ctl 'alloc 8')" OK
	unload
}

# A size: bytes with an optional suffix, rounded up to 2^k pages.
test_sizes() {
	load pages=256
	# In pages of PAGE bytes (4096 or more): a page, a byte more, 64
	# bytes, one byte, two pages in K, 1K more, 256 pages in M.
	for c in "$PAGE:0:0" "$((PAGE + 1)):1:$((PAGE - 1))" \
		 "64:0:$((PAGE - 64))" "1B:0:$((PAGE - 1))" \
		 "$((2 * PAGE / 1024))K:1:0" \
		 "$((2 * PAGE / 1024 + 1))K:2:$((2 * PAGE - 1024))" \
		 "${S}M:8:0"; do
		size=${c%%:*}
		rest=${c#*:}
		expect "size $size" "$(ctl "alloc $size"; norm < "$D/control" |
			sed 's/.* order=\([0-9]*\) .* waste=\([0-9]*\)/\1:\2/')" \
			"OK
$rest"
		ctl reset >/dev/null
	done
	unload
}

test_views() {
	load pages=100 max_order=10
	expect "100 pages: roots 64+32+4" "$(tree)" "$(cat <<'EOT'
+0-+63 order=6 pages=64 free
+64-+95 order=5 pages=32 free
+96-+99 order=2 pages=4 free
EOT
)"
	expect "100 pages: buddyinfo" "$(buddyinfo)" "$(bi 0 0 1 0 0 1 1)"
	ctl "alloc 0 tag=one" >/dev/null
	# The writer reads why from the same open file; the log stays quiet
	# unless verbose=1.
	lines=$(dmesg | wc -l)
	exec 3<> "$D/control"
	echo "free $(printf '%#x' $(($(base) + 97)))" >&3 2>/dev/null
	expect "a refused command: why, on the same open file" "$(norm <&3)" \
		"error=EALREADY why=pfn +97 lies in free block +97-+97 (order 0): double free
seq=4 reject pfn=+97 error=EALREADY block=+97 block_order=0 owner=debugfs"
	# After a result was read to its end, a refusal reads from its start.
	echo "free $(printf '%#x' $(($(base) + 97)))" >&3 2>/dev/null
	expect "a refused command after a read result: why, from its start" \
		"$(head -c 14 <&3)" "error=EALREADY"
	exec 3>&-
	expect "a refused command: nothing in the log by default" \
		"$(dmesg | wc -l)" "$lines"
	echo 1 > /sys/module/buddy/parameters/verbose
	ctl "free $(printf '%#x' $(($(base) + 97)))" >/dev/null
	ctl "alloc 1 \x9b2J\x80" >/dev/null
	ctl "alloc 1 tag=$(printf '%070d' 0)" >/dev/null
	echo 0 > /sys/module/buddy/parameters/verbose
	expect "verbose=1: a refused command is explained in the log" \
		"$(dmesg | tail -3 | head -1 | sed 's/^\[[ 0-9.]*\] //' | norm)" \
		'buddy: control: refused "free +97": pfn +97 lies in free block +97-+97 (order 0): double free (-114)'
	expect "verbose=1: bytes outside ASCII reach the log escaped" \
		"$(dmesg | tail -2 | head -1 | sed 's/^\[[ 0-9.]*\] //')" \
		'buddy: control: refused "alloc 1 \2332J\200": one command per write, printable ASCII only (byte 0x9b at 8) (-22)'
	expect "verbose=1: a long command's first 64 bytes, marked as cut" \
		"$(dmesg | tail -1 | sed 's/^\[[ 0-9.]*\] //; s/\.\.\.: bad tag .*/.../')" \
		"buddy: control: refused \"alloc 1 tag=$(printf '%052d' 0)\"..."
	expect "100 pages: lowest address of the smallest order" \
		"$(norm < "$D/control")" "pfn=+96 order=0 pages=1 tag=one"
	expect "unusable_index" "$(cat "$D/unusable_index")" \
		"Node 0, zone    buddy 0.000 0.010 0.030 0.030 0.030 0.030 0.353 "
	expect "extfrag_index" "$(cat "$D/extfrag_index")" \
		"Node 0, zone    buddy -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 "
	line=$(norm < "$D/allocations")
	case "$line" in
	"pfn=+96 order=0 pages=1 tag=one pid=P age_ms="*" request=order:0 waste=0 owner=debugfs comm=buddy_write")
		pass "allocations line" ;;
	*) fail "allocations line: $line" ;;
	esac
	expect "stats keys" "$(awk '{print $1}' "$D/stats" | tr '\n' ' ')" \
		"pages_total pages_free pages_allocated allocations waste_bytes meta_bytes max_order allocs frees failed_allocs splits merges rejected_free_range rejected_free_double rejected_free_interior rejected_free_perm rejected_commands rejected_free_busy mapped_blocks deferred_blocks "
	expect "stats totals" "$(stat_of pages_total) $(stat_of pages_free) $(stat_of pages_allocated)" \
		"100 99 1"
	unload
}

# One free page, smaller than every request of order 1 up: mm/vmstat.c's
# extfrag index is negative there; the module prints it with its sign
# first ("-0.500", where the kernel's "%2d.%03d" gives " 0.-500").
test_extfrag_negative() {
	load pages=16
	for c in "alloc 0" "alloc 3" "alloc 2" "alloc 1"; do ctl "$c" >/dev/null; done
	expect "extfrag_index below zero" "$(cat "$D/extfrag_index")" \
		"Node 0, zone    buddy -1.000 -0.500 -0.250 -0.125 -0.062 "
	unload
}

# The largest pool, fragmented to the last page: bounded, correct output.
test_large_pool() {
	load pages=1024
	ctl_times 1024 "alloc 0"
	expect "1024 pages: full" "$(ctl 'alloc 0')" ENOMEM
	expect "1024 pages: tree lines" "$(wc -l < "$D/tree")" 2047
	expect "1024 pages: allocations lines" "$(wc -l < "$D/allocations")" 1024
	# Read the tree in small chunks: the resumable walk must not skip or
	# repeat lines across read() calls.
	expect "1024 pages: tree read 100 bytes at a time" \
		"$(dd if="$D/tree" bs=100 2>/dev/null | md5sum)" \
		"$(md5sum < "$D/tree")"
	check_ok "1024 pages"
	expect "1024 pages: reset" "$(ctl reset; cat "$D/control")" \
		"OK
reset blocks=1024 pages=1024"
	expect "1024 pages: one block again" "$(tree)" \
		"+0-+1023 order=10 pages=1024 free"
	unload
}

# Blocks held through /dev/buddy: EPERM from debugfs, freed when the holder
# is killed; reset frees them too.
test_ownership() {
	load pages=64
	mkfifo hold
	buddyctl shell < hold > holder.out 2>&1 &
	holder=$!
	exec 3> hold
	echo "alloc 2 tag=held" >&3
	i=0
	while ! grep -q 'tag=held' "$D/allocations" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "held: owner is a file" \
		"$(grep -c 'tag=held .*owner=dev#' "$D/allocations")" 1
	p=$(pfn_of held)
	expect "held: debugfs free is EPERM" "$(ctl "free $p")" EPERM
	expect "held: free tag is EPERM" "$(ctl 'free tag=held')" EPERM
	kill -9 $holder
	wait $holder 2>/dev/null
	exec 3>&-
	expect "held: killed holder's block is gone" "$(stat_of allocations)" 0
	expect "held: pool whole" "$(tree)" "+0-+63 order=6 pages=64 free"
	rm -f hold holder.out
	check_ok held
	unload
}

test_dev() {
	T=/sys/kernel/tracing
	[ -e $T/trace ] || mount -t tracefs nodev $T
	load pages=64
	echo > $T/trace
	echo 1 > $T/events/buddy/buddy_alloc_fail/enable
	echo 1 > $T/events/buddy/buddy_reject/enable
	ok "buddy_dev_test" buddy_dev_test
	echo 0 > $T/events/buddy/enable
	check_ok "after buddy_dev_test"
	# Its ALLOC of order 2^32-1 and its FREE of pfn 2^64-1, traced: the
	# order whole, the errnos by name.
	expect "trace: an ioctl's order of 2^32-1, whole" \
		"$(grep -c 'buddy_alloc_fail: order=4294967295 error=EINVAL$' $T/trace)" 1
	expect "trace: a FREE past the pool, ERANGE by name" \
		"$(grep -c 'buddy_reject: pfn=0xffffffffffffffff error=ERANGE$' $T/trace)" 1
	# The error field is the errno, positive, as its table names it:
	# trace-cmd and perf (libtraceevent) match no negative value there.
	expect "trace: no negative value in the error tables" \
		"$(cat $T/events/buddy/buddy_alloc_fail/format \
			$T/events/buddy/buddy_reject/format | grep -c '{ -')" 0
	unload
}

# The allocator explains itself: the steps of OSTEP's example in a file's
# result, in events and in the trace buffer; the textbook's bitmaps and the
# memory bar; refusals.
test_steps() {
	load pages=16 max_order=4
	T=/sys/kernel/tracing
	[ -e $T/trace ] || mount -t tracefs nodev $T
	echo 0 > $T/tracing_on
	echo > $T/trace
	echo 1 > $T/events/buddy/enable
	echo 1 > $T/tracing_on
	exec 3<> "$D/control"
	echo "alloc $(sz 7) tag=A" >&3
	expect "steps: alloc 7K, its result and steps on the same file" \
		"$(norm <&3)" "$(cat <<EOT
pfn=+0 order=1 pages=2 tag=A bytes=$((7168 * S)) waste=$((1024 * S))
seq=1 split pfn=+0 order=4 lower=+0 upper=+8
seq=2 split pfn=+0 order=3 lower=+0 upper=+4
seq=3 split pfn=+0 order=2 lower=+0 upper=+2
seq=4 alloc pfn=+0 order=1 from_order=4 owner=debugfs tag=A
EOT
)"
	expect "steps: a fresh open reads the result alone" \
		"$(norm < "$D/control")" \
		"pfn=+0 order=1 pages=2 tag=A bytes=$((7168 * S)) waste=$((1024 * S))"
	expect "steps: bitmaps after alloc 7K" "$(cat "$D/bitmaps")" "$(cat <<'EOT'
order=4 free=0 split=1
order=3 free=01 split=10
order=2 free=0100 split=1000
order=1 free=01000000 split=00000000
order=0 free=0000000000000000 split=-
EOT
)"
	expect "steps: map after alloc 7K" "$(norm < "$D/map")" "$(cat <<'EOT'
# map of 16 pages from +0: 1 page a cell, 32 cells a row
# '.' free, a letter an allocated block (key below), '|' a block's start
+0 |AA|..|....|........|
# A = tag A: 1 block, 2 pages
EOT
)"
	echo "alloc 3 tag=B" >&3
	echo "alloc 3 tag=C" >&3 2>/dev/null
	expect "steps: an exhausted order" "$(norm <&3)" "$(cat <<'EOT'
error=ENOMEM why=no free block of order 3 or above
seq=6 fail order=3 error=ENOMEM owner=debugfs tag=C
EOT
)"
	echo "free $(printf '%#x' $(($(base) + 8)))" >&3
	echo "free $(printf '%#x' $(($(base) + 8)))" >&3 2>/dev/null
	expect "steps: a double free" "$(norm <&3)" "$(cat <<'EOT'
error=EALREADY why=pfn +8 lies in free block +8-+15 (order 3): double free
seq=9 reject pfn=+8 error=EALREADY block=+8 block_order=3 owner=debugfs
EOT
)"
	echo "free $(printf '%#x' "$(base)")" >&3
	expect "steps: free, three merges, why it stopped" "$(norm <&3)" \
		"$(cat <<'EOT'
freed pfn=+0 order=1 pages=2 tag=A
seq=10 free pfn=+0 order=1 owner=debugfs tag=A
seq=11 merge pfn=+0 buddy=+2 order=1 into=+0
seq=12 merge pfn=+0 buddy=+4 order=2 into=+0
seq=13 merge pfn=+0 buddy=+8 order=3 into=+0
seq=14 stop pfn=+0 order=4 why=max_order
EOT
)"
	exec 3>&-
	expect "steps: events, oldest first" "$(norm < "$D/events")" "$(cat <<'EOT'
seq=1 split pfn=+0 order=4 lower=+0 upper=+8
seq=2 split pfn=+0 order=3 lower=+0 upper=+4
seq=3 split pfn=+0 order=2 lower=+0 upper=+2
seq=4 alloc pfn=+0 order=1 from_order=4 owner=debugfs tag=A
seq=5 alloc pfn=+8 order=3 from_order=3 owner=debugfs tag=B
seq=6 fail order=3 error=ENOMEM owner=debugfs tag=C
seq=7 free pfn=+8 order=3 owner=debugfs tag=B
seq=8 stop pfn=+8 order=3 why=buddy_split buddy=+0
seq=9 reject pfn=+8 error=EALREADY block=+8 block_order=3 owner=debugfs
seq=10 free pfn=+0 order=1 owner=debugfs tag=A
seq=11 merge pfn=+0 buddy=+2 order=1 into=+0
seq=12 merge pfn=+0 buddy=+4 order=2 into=+0
seq=13 merge pfn=+0 buddy=+8 order=3 into=+0
seq=14 stop pfn=+0 order=4 why=max_order
EOT
)"
	echo 0 > $T/events/buddy/enable
	expect "steps: the trace buffer, event by event" \
		"$(grep -v '^#' $T/trace | sed 's/.*: buddy_/buddy_/' | norm)" \
		"$(cat <<'EOT'
buddy_split: pfn=+0 order=4 lower=+0 upper=+8
buddy_split: pfn=+0 order=3 lower=+0 upper=+4
buddy_split: pfn=+0 order=2 lower=+0 upper=+2
buddy_alloc: pfn=+0 order=1 from_order=4
buddy_alloc: pfn=+8 order=3 from_order=3
buddy_alloc_fail: order=3 error=ENOMEM
buddy_free: pfn=+8 order=3
buddy_stop: pfn=+8 order=3 why=buddy_split
buddy_reject: pfn=+8 error=EALREADY
buddy_free: pfn=+0 order=1
buddy_merge: pfn=+0 buddy=+2 order=1 into=+0
buddy_merge: pfn=+0 buddy=+4 order=2 into=+0
buddy_merge: pfn=+0 buddy=+8 order=3 into=+0
buddy_stop: pfn=+0 order=4 why=max_order
EOT
)"
	expect "steps: the tracepoints' fields, for bpftrace's args->pfn" \
		"$(grep -c -e 'field:unsigned long pfn;' -e 'field:unsigned int order;' \
			$T/events/buddy/buddy_alloc/format)" 2
	unload

	# Stallings' sequence: every step, as the figure has it.
	load pages=256
	for c in "alloc $(sz 100) tag=A" "alloc $(sz 240) tag=B" \
		 "alloc $(sz 64) tag=C" "alloc $(sz 256) tag=D" "free tag=B" \
		 "free tag=A" "alloc $(sz 75) tag=E" "free tag=C" "free tag=E" \
		 "free tag=D"; do
		ctl "$c" > /dev/null
	done
	expect "steps: Stallings, every split, merge and stop" \
		"$(norm < "$D/events")" "$(cat <<'EOT'
seq=1 split pfn=+0 order=8 lower=+0 upper=+128
seq=2 split pfn=+0 order=7 lower=+0 upper=+64
seq=3 split pfn=+0 order=6 lower=+0 upper=+32
seq=4 alloc pfn=+0 order=5 from_order=8 owner=debugfs tag=A
seq=5 alloc pfn=+64 order=6 from_order=6 owner=debugfs tag=B
seq=6 split pfn=+32 order=5 lower=+32 upper=+48
seq=7 alloc pfn=+32 order=4 from_order=5 owner=debugfs tag=C
seq=8 split pfn=+128 order=7 lower=+128 upper=+192
seq=9 alloc pfn=+128 order=6 from_order=7 owner=debugfs tag=D
seq=10 free pfn=+64 order=6 owner=debugfs tag=B
seq=11 stop pfn=+64 order=6 why=buddy_split buddy=+0
seq=12 free pfn=+0 order=5 owner=debugfs tag=A
seq=13 stop pfn=+0 order=5 why=buddy_split buddy=+32
seq=14 alloc pfn=+0 order=5 from_order=5 owner=debugfs tag=E
seq=15 free pfn=+32 order=4 owner=debugfs tag=C
seq=16 merge pfn=+32 buddy=+48 order=4 into=+32
seq=17 stop pfn=+32 order=5 why=buddy_allocated buddy=+0
seq=18 free pfn=+0 order=5 owner=debugfs tag=E
seq=19 merge pfn=+0 buddy=+32 order=5 into=+0
seq=20 merge pfn=+0 buddy=+64 order=6 into=+0
seq=21 stop pfn=+0 order=7 why=buddy_split buddy=+128
seq=22 free pfn=+128 order=6 owner=debugfs tag=D
seq=23 merge pfn=+128 buddy=+192 order=6 into=+128
seq=24 merge pfn=+128 buddy=+0 order=7 into=+0
seq=25 stop pfn=+0 order=8 why=max_order
EOT
)"
	# The ring keeps the last 1024 steps; seq goes on.
	i=0
	exec 3> "$D/control"
	while [ $i -lt 60 ]; do
		echo "alloc 0" >&3
		echo reset >&3
		i=$((i + 1))
	done
	exec 3>&-
	expect "steps: the last 1024 steps are kept" "$(wc -l < "$D/events")" 1024
	# 25 steps, then 60 times 9 (8 splits, an alloc) and 10 (a free,
	# 8 merges, a stop).
	expect "steps: seq goes on, one by one, to the last" \
		"$(awk -F'[= ]' 'NR > 1 && $2 != prev + 1 { bad++ }
			{ prev = $2 } END { print prev, bad + 0 }' "$D/events")" \
		"1165 0"
	ok "steps: interleaved /dev/buddy users each get their own steps" \
		buddy_steps_test
	check_ok steps
	unload
}

# Real pages: blocks mapped into user space, proved with pagemap, and
# their lifetime.
test_mmap() {
	load pages=64
	ok "buddy_mmap_test" buddy_mmap_test
	check_ok "after buddy_mmap_test"
	# The kernel's allocator beside this one: a row per order, then mixed.
	allocs=$(stat_of allocs)
	expect "compare: its rows" "$(awk '!/^#/ && $1 != "order" {
		ok = $2 > 0 && $3 > 0 && $4 ~ /^[0-9]+\.[0-9]$/
		print $1 (ok ? " ok" : " BAD") }' "$D/compare" | tr '\n' ' ')" \
		"$(i=0; while [ $i -le "$KMAX" ]; do printf '%s ok ' $i
			i=$((i + 1)); done)mixed ok "
	expect "compare: the pool is not touched" "$(stat_of allocs)" "$allocs"
	unload
}

# A pool of 256 MiB: past what one block of the kernel's allocator can be.
# Blocks of the kernel's largest order (KMAX: 10 with 4 KiB pages, 11 with
# 16 KiB), buddy.ko's default.
test_big_pool() {
	big=$((65536 / S))
	n=$((big >> KMAX))
	load pages=$big || { fail "insmod pages=$big"; return; }
	ok "$big pages: taken with alloc_contig_range" \
		logged 'with alloc_contig_range()'
	# shellcheck disable=SC2046 # a list of counts
	expect "$big pages: buddyinfo, as a zone would show it" \
		"$(buddyinfo)" "$(bi $(counts "$KMAX:$n"))"
	ctl_times $n "alloc $KMAX"
	expect "$big pages: $n blocks of order $KMAX fill it" \
		"$(stat_of pages_free) $(ctl 'alloc 0')" "0 ENOMEM"
	ctl "free $(printf '%#x' $(($(base) + (4 << KMAX))))" > /dev/null
	ctl "alloc 3" > /dev/null
	# shellcheck disable=SC2046 # a list of counts
	expect "$big pages: a split in the middle" "$(buddyinfo)" \
		"$(bi $(counts 3:1 "$((KMAX - 1)):1"))"
	ctl reset > /dev/null
	ok "$big pages: the top-order block, mapped and proved" \
		buddy_mmap_test big
	check_ok "$big pages"
	ok "$big pages: unload" unload
	ok "$big pages: given back" logged "released $big pages"
}

# counts ORDER:N [LOW:1 HIGH:1]: KMAX + 1 buddyinfo counts, N at ORDER, or
# with two arguments 1 at every order from LOW to HIGH.
counts() {
	if [ $# -eq 1 ]; then
		lo=${1%%:*} hi=$lo v=${1#*:}
	else
		lo=${1%%:*} hi=${2%%:*} v=1
	fi
	i=0
	while [ $i -le "$KMAX" ]; do
		if [ $i -ge "$lo" ] && [ $i -le "$hi" ]; then
			printf '%s ' "$v"
		else
			printf '0 '
		fi
		i=$((i + 1))
	done
}

# The defects of the review, each reproduced as it was found.
test_harden() {
	load pages=1024
	ok "buddy_harden_test" buddy_harden_test
	check_ok "after buddy_harden_test"
	expect "after buddy_harden_test: every block back" \
		"$(stat_of pages_free)" 1024
	unload
}

# BUDDY_E2E_TESTS names the tests to run (smoke.sh: a few); all by default.
for t in ${BUDDY_E2E_TESTS:-load_unload ostep stallings not_buddies \
	bad_commands sizes views extfrag_negative large_pool ownership dev \
	steps mmap big_pool harden}; do
	"test_$t"
done
finish "${BUDDY_E2E_NAME:-e2e}"
