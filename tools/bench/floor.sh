#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# floor.sh FLOOR [STEPS [sketch]] - ours' paths one by one, against the
# reference (with "sketch": FLOOR is buddy_floor_sketch, bench/sketch.c's)
#
# Runs FLOOR (buddy_floor) under callgrind with branch simulation, once per
# path and allocator, and prints instructions and mispredicts per alloc+free
# pair: the inclusive counts of the allocators' own alloc and free (what
# they call and tail-call included, the loop around them not), divided by
# the steps.  Counts repeat exactly from run to run; mispredicts are those
# of callgrind's predictor model.  See floor.c for the paths.

set -euo pipefail

floor=$1
steps=${2:-100000}
# The functions whose counts are ours', and the column's name.
if [[ ${3:-} == sketch ]]; then
	ours_fns=(sketch_alloc sketch_free)
	ours=sketch ratio=s/r
else
	ours_fns=(buddy_core_alloc buddy_core_free)
	ours=ours ratio=o/r
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

command -v valgrind >/dev/null ||
	{ echo "floor.sh: valgrind is not installed (scripts/deps.sh bench)" >&2; exit 1; }

# "Ir Bcm" of alloc + free in a callgrind output file, inclusive.
counts()
{
	# Lines are "Ir (%) Bc (%) Bcm (%) Bi Bim file:fn [object]".  A
	# function can have several: one per file its code comes from (the
	# helpers inlined from buddy_core_shim.h), and, as paths resolve from
	# the current directory, its own file twice, with the object and
	# without.  The largest is the inclusive count, which holds the rest.
	# (Until round 15 this took the line with the object, which run from
	# tools/ left out the inlined helpers: 3 instructions of ours' pair.)
	callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$1" |
	awk -v a="$2" -v f="$3" '
		{ line = $0; gsub(/\([^)]*\)/, "", line); gsub(/,/, "", line)
		  n = split(line, t, " ")
		  id = t[n] ~ /^\[/ ? t[n - 1] : t[n]
		  name = id; sub(/^.*:/, "", name) }
		n >= 2 && (name == a || name == f) && t[1] + 0 > ir[name] {
			ir[name] = t[1] + 0; bcm[name] = t[3] + 0 }
		END { if (!(a in ir) || !(f in ir)) exit 1
		      print ir[a] + ir[f], bcm[a] + bcm[f] }'
}

run()
{
	local kind=$1 out
	out=$dir/cg.$kind
	shift
	if ! valgrind --tool=callgrind --collect-atstart=no --branch-sim=yes \
		--callgrind-out-file="$out" "$floor" "$@" "$kind" "$steps" \
		>"$dir/log" 2>"$dir/vg"; then
		cat "$dir/log" "$dir/vg" >&2
		exit 1
	fi
	if [[ $kind == ours ]]; then
		counts "$out" "${ours_fns[@]}"
	else
		counts "$out" ref_buddy_alloc ref_buddy_free
	fi
}

printf '%-34s %8s %8s %7s | %6s %6s\n' "path (per alloc+free pair)" \
	"$ours" "ref" "$ratio" "$ours" "ref"
printf '%-34s %8s %8s %7s | %6s %6s\n' "" "instr" "instr" "" "mispr" "mispr"
while read -r -a words; do
	what=${words[0]//_/ }
	args=("${words[@]:1}")
	read -r ours_ir ours_bcm < <(run ours "${args[@]}") ||
		{ echo "floor.sh: no counts for ours, ${args[*]}" >&2; exit 1; }
	read -r ref_ir ref_bcm < <(run ref "${args[@]}") ||
		{ echo "floor.sh: no counts for ref, ${args[*]}" >&2; exit 1; }
	awk -v w="$what" -v s="$steps" -v oi="$ours_ir" -v ri="$ref_ir" \
	    -v ob="$ours_bcm" -v rb="$ref_bcm" 'BEGIN {
		printf "%-34s %8.1f %8.1f %6.2fx | %6.2f %6.2f\n",
		       w, oi / s, ri / s, oi / ri, ob / s, rb / s }'
done <<'EOF'
fast:_order_0 fast 0
fast:_order_1 fast 1
fast:_order_3 fast 3
fast:_order_6 fast 6
sparse_level_1:_order_0 sparse 0 1
sparse_level_1:_order_3 sparse 3 1
sparse_level_1:_order_6 sparse 6 1
sparse_level_2:_order_0 sparse 0 2
sparse_level_2:_order_3 sparse 3 2
split+merge:_1_level split 1
split+merge:_2_levels split 2
split+merge:_10_levels split 10
EOF
echo "(callgrind --branch-sim=yes, $steps steps each, $(valgrind --version);"
echo " fast: 1 GiB, no summary word changes; sparse level L: 64 GiB, each"
echo " block alone in its level-L word, whose words empty and fill each step;"
echo " split+merge: 16 MiB, order 0 split from the one free block and merged back)"
