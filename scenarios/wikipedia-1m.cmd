# Wikipedia, "Buddy memory allocation", section "Example": the smallest
# block is 64 K and the largest order 4, so the largest block is 1024 K;
# program A requests 34 K, B 66 K, C 35 K, D 67 K (orders 0, 1, 0, 1 in
# 64 K units), then C, A, B and D release theirs.  The table there shows
# the blocks after each line: A | 64 | 128 | 256 | 512 after A, and so on,
# until the 1024 K block is whole again.
# (Knuth's and Tanenbaum's figures are not here: they could not be checked
# against the books.  This one can be against the article.)
# Pages of 4 KiB: 1024 K is 256 pages; a 64 K block is 16 pages (order 4),
# which no request here goes below.
# buddy: pages=256
alloc 34K tag=A
map
alloc 66K tag=B
map
alloc 35K tag=C
map
alloc 67K tag=D
map
free tag=C
map
free tag=A
map
free tag=B
map
free tag=D
map
