# Linux: a pool shaped like a small zone.  mm/page_alloc.c covers a zone
# with the largest naturally aligned blocks that fit, up to MAX_PAGE_ORDER
# (10): 1000 pages are blocks of 512, 256, 128, 64, 32 and 8.  Mixed
# orders come and go, as a running system's would; at the end the pool's
# /proc/buddyinfo line and the two fragmentation indices of debugfs
# extfrag/ (mm/vmstat.c), whose formats the module copies.
# buddy: pages=1000 max_order=10
buddyinfo
alloc 0 tag=a
alloc 3 tag=b
alloc 1 tag=c
alloc 0 tag=d
alloc 5 tag=e
alloc 2 tag=f
alloc 0 tag=g
alloc 9 tag=h
alloc 4 tag=i
free tag=b
free tag=d
alloc 2 tag=j
free tag=a
alloc 6 tag=k
free tag=g
alloc 8 tag=l
free tag=e
alloc 0 tag=m
alloc 1 tag=n
free tag=c
buddyinfo
frag
stats
check
