# OSTEP: Operating Systems: Three Easy Pieces (Arpaci-Dusseau), chapter 17
# "Free-Space Management", section 17.4, figure 17.8 "Example Buddy-managed
# Heap": a 64 KB free space; a request for 7 KB splits it 64 -> 32 -> 16 ->
# 8 and the leftmost 8 KB block is returned; freed, it merges back.
# Pages of 4 KiB: 64 KB is 16 pages, 7 KB needs 2 pages (order 1, 8 KB).
# buddy: pages=16
explain on
tree
alloc 7K tag=A
tree
map
free tag=A
tree
