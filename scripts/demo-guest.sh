# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The narrated tour `make demo` runs in the guest, with buddy.ko loaded on a
# 16-page pool (64 KiB, OSTEP's example).  Plain busybox sh, debugfs and
# buddyctl: what is shown here is what a user can type.
#
# The headings only introduce a step.  Every split, merge and refusal the
# tour tells of comes from the module itself: its steps, read back from
# the control file that took the command, told in words by
# "buddyctl --explain", and its events file.

D=/sys/kernel/debug/buddy

# Bold headings and cyan commands on a terminal; plain text into a file or
# a pipe (make demo says which on the kernel's command line).
case " $(cat /proc/cmdline) " in
*" demo_color=0 "*) bold='' cyan='' off='' ;;
*) bold='\033[1m' cyan='\033[36m' off='\033[0m' ;;
esac
say() { printf "\n${bold}== %s${off}\n" "$*"; }
run() {
	printf "${cyan}# %s${off}\n" "$*"
	sh -c "$*"
}
# Stop between steps only when someone is watching.
pause() { [ -t 0 ] && [ "${BUDDY_DEMO_FAST:-0}" = 0 ] && sleep 2; }

say "buddy.ko manages 16 page frames it reserved at load: one free block"
run "dmesg | grep 'buddy: managing'"
run "cat $D/tree"
run "cat $D/buddyinfo"
pause

say "Ask for 7 KiB, as OSTEP does; the allocator says what it does"
run "buddyctl --explain alloc 7K tag=A"
A=$(sed -n 's/^pfn=\(0x[0-9a-f]*\) .*/\1/p' "$D/control")
run "cat $D/tree"
run "cat $D/map"
pause

say "The same steps, as the allocator keeps them: debugfs events"
run "cat $D/events"
pause

say "Ask for one page"
run "buddyctl --explain alloc 0 tag=B"
pause

say "Ask for 16 KiB"
run "buddyctl --explain alloc 16K tag=C"
run "cat $D/bitmaps"
run "cat $D/allocations"
pause

say "Free A"
run "buddyctl --explain free tag=A"
pause

say "Free B"
run "buddyctl --explain free tag=B"
run "cat $D/tree"
pause

say "Bad frees change nothing: A again, and a page inside C"
C=$(sed -n 's/^pfn=\(0x[0-9a-f]*\) .*tag=C.*/\1/p' "$D/allocations")
run "buddyctl --explain free $A"
run "buddyctl --explain free $(printf '%#x' $((C + 1)))"
run "cat $D/check"
pause

say "Free the rest"
run "buddyctl --explain free tag=C"
run "cat $D/map"
run "cat $D/stats"

say "Real pages: a /dev/buddy session maps a block, writes it, asks pagemap"
BASE=$(sed -n '1s/-.*//p' "$D/tree")
run "printf 'alloc 2 tag=M\\nmap $BASE\\n' | buddyctl run -"
pause

say "This core beside the kernel's own allocator, in this boot"
run "cat $D/compare"

# The tour again, as a page to step through in a browser: made here by the
# module itself, handed to the host on the console (make demo saves it to
# build/demo.html).
cat > tour.txt <<EOT
# make demo's tour, OSTEP's 64 KiB pool
alloc 7K tag=A
alloc 0 tag=B
alloc 16K tag=C
free tag=A
free tag=B
free $BASE
free $(printf '%#x' $((BASE + 5)))
free tag=C
EOT
if buddyctl html tour.txt -o /tmp/demo.html; then
	echo "BUDDY-DEMOHTML-BEGIN"
	base64 /tmp/demo.html
	echo "BUDDY-DEMOHTML-END"
fi

say "That was debugfs.  /dev/buddy does the same through ioctl(); try"
echo "    buddyctl shell        (alloc 7K tag=A, free tag=A, tree, show tree on, help)"
echo "    buddyctl watch map    (in a second terminal: redrawn on every change)"
echo "    buddyctl --json events"
echo "    echo 'alloc 3 tag=X' > $D/control; cat $D/tree"
