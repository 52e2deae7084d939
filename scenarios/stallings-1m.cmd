# Stallings: Operating Systems: Internals and Design Principles, chapter
# "Memory Management", figure "Example of Buddy System": a 1 MB block;
# requests A = 100K, B = 240K, C = 64K, D = 256K, then release B, release
# A, request E = 75K, release C, release E, release D.  After every line
# the memory as the figure draws it: a bar of blocks, letters for what is
# allocated (here 1 cell = one 4 KiB page, 32 to a row).
# Pages of 4 KiB: 1 MB is 256 pages; A takes 128K, B 256K, C 64K, D 256K,
# E 128K, as in the figure.
# buddy: pages=256
map
alloc 100K tag=A
map
alloc 240K tag=B
map
alloc 64K tag=C
map
alloc 256K tag=D
map
free tag=B
map
free tag=A
map
alloc 75K tag=E
map
free tag=C
map
free tag=E
map
free tag=D
map
buddyinfo
