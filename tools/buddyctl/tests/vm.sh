# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# vm.sh - buddyctl against the real buddy.ko, in the QEMU guest (busybox sh):
#
#	scripts/vm-run.sh tools/buddyctl/tests/vm.sh scripts/e2e/lib.sh \
#		[build/user/buddyctl]
#
# Uses buddyctl from PATH (the initramfs has it when "make buddyctl"
# builds), else ./buddyctl (a FILE given to vm-run.sh).  Reloads buddy.ko
# with pages=16 max_order=4 whatever vm-run loaded.  Prints
# "BUDDY-TEST: PASS|FAIL name" lines; exit status 1 if any failed.

# pass, fail, expect, norm, load, unload: shared with the e2e suite.
# shellcheck source=scripts/e2e/lib.sh
. ./lib.sh
TEST_PREFIX="buddyctl: "
if command -v buddyctl > /dev/null; then B=buddyctl; else B=./buddyctl; fi

# run ARGS...: buddyctl's stdout and stderr, normalized, then "rc=N".
run() {
	"$B" "$@" > out.txt 2>&1
	rc=$?
	sed 's/ at 0x[0-9a-f]*$/ at ADDR/' out.txt | norm
	echo "rc=$rc"
}

pfn() { printf '%#x' $((BASE + $1)); }

# Tables are aligned on the real pfns: squeeze the blanks, and mask the
# PID and AGE_MS columns of allocations rows.
table() {
	tr -s ' ' | awk 'NF == 10 && $1 != "PFN" { $5 = "P"; $6 = "A" } 1' |
		sed 's/dev#[0-9]*/dev#N/g'
}

unload 2> /dev/null
load pages=16 max_order=4 || { fail "insmod"; exit 1; }
BASE=$(($(base)))

# === One-shot, through debugfs control ===

expect "info" "$(run info | sed -n '1p;3p;$p')" "pool        pfn +0-+15: 16 pages of 4 KiB (64 KiB)
max_order   4: blocks of 1 to 16 pages (64 KiB)
rc=0"
expect "alloc 7K" "$(run alloc 7K tag=A)" \
	"pfn=+0 order=1 pages=2 tag=A bytes=7168 waste=1024
rc=0"
expect "tree after alloc 7K (OSTEP)" "$(run tree)" "$(ostep_tree; echo rc=0)"
expect "buddyinfo" "$(run buddyinfo)" \
	"                order      0      1      2      3      4 
Node 0, zone    buddy      0      1      1      1      0 
rc=0"
expect "allocations" "$(run allocations | table)" \
	"PFN ORDER PAGES TAG PID AGE_MS REQUEST WASTE OWNER COMM
+0 1 2 A P A bytes:7168 1024 debugfs buddyctl
rc=0"
expect "stats --json" "$(run --json stats | grep -o '"waste_bytes":[0-9]*,"meta_bytes":[0-9]*,"max_order":4')" \
	"$(printf '"waste_bytes":1024,"meta_bytes":%s,"max_order":4' "$(awk '$1 == "meta_bytes" { print $2 }' $D/stats)")"
expect "interior free" "$(run free "$(pfn 1)")" \
	"free +1: EINVAL: that pfn lies inside an allocated block but is not its first page (interior free); the block is +0-+1 (order 1, allocated)
rc=1"
expect "double free" "$(run free "$(pfn 2)")" \
	"free +2: EALREADY: that block is already free (double free); the block is +2-+3 (order 1, free)
rc=1"
expect "free outside the pool" "$(run free "$(pfn 16)")" \
	"free +16: ERANGE: that pfn is outside the pool (see 'info' or 'tree'): the pool is +0-+15
rc=1"
expect "alloc above max_order" "$(run alloc 5)" \
	"alloc 5: EINVAL: order 5 (32 pages) is above the pool's max_order, 4
rc=1"
expect "alloc when full" "$(run alloc 4)" \
	"alloc 4: ENOMEM: no free block of order 4 (16 pages) or larger: the pool is full or too fragmented
rc=1"
expect "free tag --json" "$(run --json free tag=A)" \
	'{"op":"free","freed":[{"pfn":'"$BASE"',"order":1,"pages":2,"tag":"A"}]}
rc=0'
expect "free a tag nobody has" "$(run free tag=A)" \
	"free tag=A: ENOENT: no block has that tag (untagged blocks are freed by pfn)
rc=1"
expect "alloc --json" "$(run --json alloc '7K tag=A')" \
	'{"op":"alloc","pfn":'"$BASE"',"order":1,"pages":2,"tag":"A","bytes":7168,"waste":1024}
rc=0'
run alloc 0 > /dev/null
expect "reset" "$(run reset)" "reset blocks=2 pages=3
rc=0"
run alloc 0 > /dev/null
expect "reset --json" "$(run --json reset)" '{"op":"reset","blocks":1,"pages":1}
rc=0'
# Each run reads the result of its own write, whatever others write: a
# second file writing between our write and read cannot swap it.
exec 4<> "$D/control"
echo "alloc 0 tag=mine" >&4
echo "alloc 1 tag=theirs" > "$D/control"
expect "control: results per open file" "$(norm <&4 | head -1)" "pfn=+0 order=0 pages=1 tag=mine"
expect "control: a fresh open reads the last result" "$(norm < "$D/control")" \
	"pfn=+2 order=1 pages=2 tag=theirs"
echo "free tag=mine" >&4
expect "control: read, write, read on one open file" "$(norm <&4 | head -1)" \
	"freed pfn=+0 order=0 pages=1 tag=mine"
exec 4>&-
run reset > /dev/null
expect "check" "$(run check)" "ok
rc=0"

# === The steps: told in words, and the views of them ===

run reset > /dev/null
expect "alloc 7K --explain: every split, from the module's own steps" \
	"$(run --explain alloc 7K tag=A)" "$(cat <<'EOT'
pfn=+0 order=1 pages=2 tag=A bytes=7168 waste=1024
  no free block of order 1; the smallest free block that fits is +0 (order 4, 16 pages)
  split +0 (order 4) in two buddies of order 3: +0 and +8 = +0 ^ 0x8; keep +0, +8 goes free
  split +0 (order 3) in two buddies of order 2: +0 and +4 = +0 ^ 0x4; keep +0, +4 goes free
  split +0 (order 2) in two buddies of order 1: +0 and +2 = +0 ^ 0x2; keep +0, +2 goes free
  hand out +0 (order 1, 2 pages)
rc=0
EOT
)"
expect "free --explain: three merges and why it stopped" \
	"$(run --explain free "$(pfn 0)")" "$(cat <<'EOT'
freed pfn=+0 order=1 pages=2 tag=A
  +0 starts an allocated block of order 1 (2 pages): free it
  its buddy +2 = +0 ^ 0x2 is free and of order 1 too: merge them into +0 (order 2)
  its buddy +4 = +0 ^ 0x4 is free and of order 2 too: merge them into +0 (order 3)
  its buddy +8 = +0 ^ 0x8 is free and of order 3 too: merge them into +0 (order 4)
  +0 (order 4) has max_order: it has no buddy to merge with, and stays free
rc=0
EOT
)"
expect "free --explain: a double free, refused" \
	"$(run --explain free "$(pfn 3)")" "$(cat <<'EOT'
free +3: EALREADY: that block is already free (double free); the block is +0-+15 (order 4, free)
  refused (EALREADY): +3 lies in free block +0 (order 4): a double free; nothing changes
rc=1
EOT
)"
expect "alloc --json --explain: the steps and the words" \
	"$(run --json --explain alloc 3 | sed 's/"explain":\[[^]]*\],//')" \
	'{"op":"alloc","pfn":'"$BASE"',"order":3,"pages":8,"steps":[{"seq":'"$(($(tail -1 "$D/events" | sed 's/seq=\([0-9]*\).*/\1/') - 1))"',"step":"split","pfn":'"$BASE"',"order":4,"lower":'"$BASE"',"upper":'"$((BASE + 8))"'},{"seq":'"$(tail -1 "$D/events" | sed 's/seq=\([0-9]*\).*/\1/')"',"step":"alloc","pfn":'"$BASE"',"order":3,"from_order":4,"owner":"debugfs"}]}
rc=0'
expect "bits" "$(run bits)" "$(cat "$D/bitmaps"; echo rc=0)"
expect "map" "$(run map)" "$(norm < "$D/map"; echo rc=0)"
expect "map --json" "$(run --json map | sed 's/"legend".*//')" \
	'{"rows":[{"pfn":'"$BASE"',"cells":"|AAAAAAAA|........|"}],
rc=0'
expect "events: the last one" "$(run events | tail -2)" \
	"$(norm < "$D/events" | tail -1; echo rc=0)"
# watch: a drawing, then another when the pool changes.
(sleep 2; echo "alloc 0 tag=W" > "$D/control") &
expect "watch: redrawn when the pool changes" \
	"$(run --interval 0.2 --count 2 watch buddyinfo | cat)" "$(cat <<'EOT'
                order      0      1      2      3      4 
Node 0, zone    buddy      0      0      0      1      0 
---
                order      0      1      2      3      4 
Node 0, zone    buddy      1      1      1      0      0 
rc=0
EOT
)"
wait
expect "watch: a view it does not know" "$(run watch frob 2>&1 | tail -1)" "rc=2"
printf '%s\n' "explain on" "alloc 0 tag=s" "explain off" "alloc 0 tag=s" \
	> explain.txt
expect "run: explain on and off in a session" "$(run run explain.txt)" \
	"$(cat <<'EOT'
pfn=+9 order=0 pages=1 tag=s
  a free block of order 0 is there: the lowest is +9, no split needed
  hand out +9 (order 0, 1 page)
pfn=+10 order=0 pages=1 tag=s
rc=0
EOT
)"
run reset > /dev/null
printf '%s\n' "alloc 2 tag=m" "map $(pfn 0)" > map.txt
expect "shell: map PFN proves the block's frames" "$(run run map.txt)" \
	"$(cat <<'EOT'
pfn=+0 order=2 pages=4 tag=m
mapped pfn=+0 pages=4 at ADDR
pattern: written to every page and read back
pagemap: every page is its frame, +0-+3
rc=0
EOT
)" 2>/dev/null
printf '%s\n' "map $(pfn 0)" > map.txt
expect "shell: map of a block not the session's" "$(run run map.txt)" \
	"map.txt:1: map +0: ENOENT: no block of this session starts at +0 (see list)
rc=1"

# === Sessions: one /dev/buddy file ===

printf '%s\n' "alloc 1 tag=s" "alloc 7K" "list" "free tag=s" "allocations" \
	"reset" > batch.txt
phys=$((BASE * 4096))
expect "run: a session" "$(run run batch.txt | table)" "$(cat <<EOT
pfn=+0 order=1 pages=2 tag=s
pfn=+2 order=1 pages=2 bytes=7168 waste=1024
PFN ORDER PAGES TAG REQUEST WASTE PHYS_ADDR
+0 1 2 s order:1 0 +$((phys - BASE))
+2 1 2 - bytes:7168 1024 +$((phys + 8192 - BASE))
freed pfn=+0 order=1 pages=2 tag=s
PFN ORDER PAGES TAG PID AGE_MS REQUEST WASTE OWNER COMM
+2 1 2 - P A bytes:7168 1024 dev#N buddyctl
reset blocks=1 pages=2
rc=0
EOT
)"
printf '%s\n' "alloc 2 tag=kept" "free $(pfn 1)" "free $(pfn 8)" "free 0" \
	"alloc 9" "free tag=gone" "show tree on" "alloc 3" > errors.txt
expect "run -k: the module's refusals, as FILE:LINE" "$(run -k run errors.txt)" "$(cat <<'EOT'
pfn=+0 order=2 pages=4 tag=kept
errors.txt:2: free +1: EINVAL: that pfn lies inside an allocated block but is not its first page (interior free); the block is +0-+3 (order 2, allocated)
errors.txt:3: free +8: EALREADY: that block is already free (double free); the block is +8-+15 (order 3, free)
errors.txt:4: free 0: ERANGE: that pfn is outside the pool (see 'info' or 'tree'): the pool is +0-+15
errors.txt:5: alloc 9: EINVAL: order 9 (512 pages) is above the pool's max_order, 4
errors.txt:6: free tag=gone: ENOENT: no block of this session has that tag (see 'list')
pfn=+8 order=3 pages=8
+0-+15 order=4 pages=16 split
├─ +0-+7 order=3 pages=8 split
│  ├─ +0-+3 order=2 pages=4 allocated tag=kept pid=P
│  └─ +4-+7 order=2 pages=4 free
└─ +8-+15 order=3 pages=8 allocated pid=P
rc=1
EOT
)"
expect "a session's blocks are freed when it ends" "$(run tree)" \
	"+0-+15 order=4 pages=16 free
rc=0"

# A session holding a block: debugfs may not free it; a debugfs reset
# does, and the session notices.
mkfifo hold
"$B" shell < hold > holder.out 2>&1 &
holder=$!
exec 3> hold
echo "alloc 2 tag=held" >&3
i=0
while ! grep -q 'tag=held' $D/allocations && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect "debugfs free of a session's block" "$(run free "$(pfn 0)")" \
	"free +0: EPERM: that block belongs to an open /dev/buddy file; it is freed when that file is closed
rc=1"
expect "debugfs free tag of a session's block" "$(run free tag=held)" \
	"free tag=held: EPERM: every block with that tag belongs to an open /dev/buddy file
rc=1"
echo reset > $D/control
printf '%s\n' "free $(pfn 0)" "list" "quit" >&3
exec 3>&-
wait $holder
expect "session: its block freed behind its back" "$(norm < holder.out; echo "rc=$?")" \
	"pfn=+0 order=2 pages=4 tag=held
free +0: EALREADY: this session's block there is gone: freed behind its back (a debugfs reset?) and forgotten
this session holds no blocks
rc=0"
rm -f hold

printf '%s\n' "alloc 0 tag=j" "list" "bogus" "info" > json.txt
"$B" --json -k run json.txt > json.out 2>&1
expect "run --json: a document per command" "$(sed 's/[0-9][0-9]*/N/g' json.out)" \
	"$(sed 's/[0-9][0-9]*/N/g' <<'EOT'
{"op":"alloc","pfn":1,"order":0,"pages":1,"tag":"j"}
[{"pfn":1,"order":0,"pages":1,"tag":"j","request":{"order":0},"waste":0,"phys_addr":1}]
{"error":"bogus: EINVAL: unknown command 'bogus' (try help)","errno":22,"errno_name":"EINVAL","file":"json.txt","line":3}
{"first_pfn":1,"last_pfn":1,"nr_pages":16,"page_size":4096,"max_order":4,"nr_orders":5,"free_pages":15,"allocated_pages":1,"nr_allocations":1,"meta_bytes":1,"free_blocks":[1,1,1,1,0]}
EOT
)"
expect "check after everything" "$(run check)" "ok
rc=0"

# A one-shot free tag= of more steps than the module's ring keeps (600
# blocks, a free and a stop each): the words say that some were not kept.
unload
load pages=1024 max_order=0 || fail "insmod pages=1024 max_order=0"
BASE=$(($(base)))
i=0
while [ $i -lt 600 ]; do
	echo "alloc 0 tag=T" > "$D/control"
	i=$((i + 1))
done
run --explain free tag=T > many.out
expect "free tag= of 1200 steps --explain: the steps not kept are said" \
	"$(head -1 many.out; grep -c '^  ' many.out; tail -2 many.out)" \
	"freed pfn=+0 order=0 pages=1 tag=T
1025
  and 176 more lines that the module did not keep (a ring of 1024 steps, a result of a set size): not every step is told above
rc=0"

rmmod buddy
expect "no module: views" "$(run tree)" \
	"/sys/kernel/debug/buddy: ENOENT: not found: is the buddy module loaded? is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)
rc=1"
expect "no module: shell" "$(echo list | run shell)" \
	"/dev/buddy: ENOENT: no such device: is the buddy module loaded? (insmod buddy.ko)
rc=1"

finish buddyctl
