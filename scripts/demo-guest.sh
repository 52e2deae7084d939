# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The narrated tour `make demo` runs in the guest, with buddy.ko loaded on a
# 16-page pool (64 KiB, OSTEP's example).  Plain busybox sh and debugfs: what
# is shown here is what a user can type.

D=/sys/kernel/debug/buddy

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() {
	printf '\033[36m# %s\033[0m\n' "$*"
	sh -c "$*"
}
show() {
	run "cat "$D/tree""
	run "cat "$D/buddyinfo""
}
# Stop between steps only when someone is watching.
pause() { [ -t 0 ] && [ "${BUDDY_DEMO_FAST:-0}" = 0 ] && sleep 2; }

say "buddy.ko manages 16 page frames it reserved at load: one free block of order 4"
run "dmesg | grep 'buddy: managing'"
show
pause

say "Ask for 7 KiB: 2 pages are needed, so order 1.  Nothing of order 1 is free:"
say "the order-4 block splits 16 -> 8 -> 4 -> 2, the lowest half is kept at each step"
run "echo 'alloc 7K tag=A' > "$D/control""
run "cat "$D/control""
A=$(sed -n 's/^pfn=\(0x[0-9a-f]*\) .*/\1/p' "$D/control")
show
pause

say "Ask for one page: A's buddy (2 pages) is the smallest free block, it splits"
run "echo 'alloc 0 tag=B' > "$D/control""
show
pause

say "Ask for 16 KiB (order 2): the free order-2 block right after them fits as is"
run "echo 'alloc 16K tag=C' > "$D/control""
show
run "cat "$D/allocations""
pause

say "Free A: its buddy (the pfn that differs in bit 1) is split, so A cannot merge"
run "echo 'free tag=A' > "$D/control""
show
pause

say "Free B: B's buddy is free, they merge to order 1, which merges with A to order 2"
run "echo 'free tag=B' > "$D/control""
show
pause

say "Bad frees are caught and change nothing: A again (a double free), inside C"
C=$(sed -n 's/^pfn=\(0x[0-9a-f]*\) .*tag=C.*/\1/p' "$D/allocations")
run "echo 'free $A' > "$D/control""
run "echo 'free $(printf '%#x' $((C + 1)))' > "$D/control""
run "dmesg | grep 'control: refused' | tail -2"
run "cat "$D/tree"; cat "$D/check""
pause

say "Free the rest: everything merges back into one block"
run "echo 'free tag=C' > "$D/control""
show
run "cat "$D/stats""

say "That was debugfs.  /dev/buddy does the same through ioctl(); try"
echo "    buddyctl shell        (alloc 7K tag=A, free tag=A, tree, show tree on, help)"
echo "    buddyctl --json tree"
echo "    echo 'alloc 3 tag=X' > "$D/control"; cat "$D/tree""
