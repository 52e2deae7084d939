# Silberschatz, Galvin, Gagne: Operating System Concepts, chapter "Main
# Memory"/"Virtual Memory", section "Allocating Kernel Memory", figure
# "Buddy system allocation": a 256 KB segment, a request for 21 KB.  The
# segment splits into two 128 KB buddies, one of them into two 64 KB, one
# of those into two 32 KB, and one 32 KB block satisfies the request.
# Pages of 4 KiB: 256 KB is 64 pages, 21 KB needs 6 pages (order 3, 32 KB).
# buddy: pages=64
explain on
alloc 21K tag=R
tree
bits
buddyinfo
free tag=R
buddyinfo
