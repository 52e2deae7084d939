# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# bigpool.sh - a pool of 1 GiB (BIG_PAGES, default 262144 pages of 4 KiB)
# in a guest with 2 GiB of memory: `make bigpool`.  Taken with
# alloc_contig_range(), filled with blocks of the top order, a block mapped
# and proved with pagemap, unloaded.  Runs with buddy.ko not loaded
# (BUDDY_LOAD=0); needs lib.sh and buddy_mmap_test beside it.

# shellcheck source=lib.sh
. ./lib.sh
PATH=.:$PATH
P=${BIG_PAGES:-262144}
TOP=$((P / 1024))

start=$(date +%s)
load pages="$P" || { fail "insmod pages=$P"; finish bigpool; exit 1; }
pass "$P pages loaded in $(($(date +%s) - start)) s"
ok "$P pages: taken with alloc_contig_range" logged 'with alloc_contig_range()'
expect "$P pages: buddyinfo" "$(buddyinfo)" "$(bi 0 0 0 0 0 0 0 0 0 0 $TOP)"
ctl_times "$TOP" "alloc 10"
expect "$P pages: $TOP blocks of order 10 fill it" \
	"$(stat_of pages_free) $(ctl 'alloc 0')" "0 ENOMEM"
check_ok "$P pages, full"
ctl reset > /dev/null
ok "$P pages: the top-order block, mapped and proved" buddy_mmap_test big
check_ok "$P pages"
ok "$P pages: unload" unload
ok "$P pages: given back" logged "released $P pages"
finish bigpool
