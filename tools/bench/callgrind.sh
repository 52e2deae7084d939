#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# callgrind.sh BENCH OUT [ITERATIONS [ARGS...]] - count the bench's instructions
#
# Runs BENCH (buddy_bench) once under callgrind with branch simulation.
# The bench turns counting on only around the timed part of each workload
# and dumps the counts after each run, labelled "bench POOL WORKLOAD KIND
# OPS MIX DRAIN" (see bench.c).  Writes OUT: one line per run, "POOL
# WORKLOAD KIND OPS MIX DRAIN Ir Bcm Bim", for buddy_bench -I.
# Instruction counts repeat exactly from run to run; mispredicts are those
# of callgrind's simple predictor model, not of this CPU, and serve to
# compare, not to predict.
#
# ITERATIONS (default 65536) replaces the timing run's 1048576 churn
# iterations, because callgrind runs about 50 times slower; per-operation
# counts barely depend on it.  Fill/drain does the whole pool, in as many
# cycles as make about that many operations (at least one).
# ARGS go to BENCH too (-q: skip the largest pool).

set -euo pipefail

bench=$1
out=$2
iterations=${3:-65536}
shift $(($# < 3 ? $# : 3))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

command -v valgrind >/dev/null ||
	{ echo "callgrind.sh: valgrind is not installed (scripts/deps.sh bench)" >&2; exit 1; }

if ! valgrind --tool=callgrind --collect-atstart=no --branch-sim=yes \
	--callgrind-out-file="$dir/callgrind.out" \
	"$bench" -r 1 -i "$iterations" "$@" >"$dir/bench.log" 2>"$dir/valgrind.log"; then
	cat "$dir/valgrind.log" >&2
	exit 1
fi

{
	echo "# callgrind --branch-sim=yes, 1 run of $iterations churn iterations," \
	     "$(valgrind --version)"
	# A dump has "desc: Trigger: Client Request: bench P W K OPS MIX
	# DRAIN" and "summary: Ir Bc Bcm Bi Bim" (trailing zero counts left
	# out).
	for f in "$dir"/callgrind.out.*; do
		awk '/^desc: Trigger: Client Request: bench / {
			label = $6 " " $7 " " $8 " " $9 " " $10 " " $11 }
		     /^summary:/ { ir = $2; bcm = $4 + 0; bim = $6 + 0 }
		     END { if (label != "") print label, ir, bcm, bim }' "$f"
	done | sort -n -k1,1 -k2,2 -k3,3
} >"$out.tmp"
mv "$out.tmp" "$out"
