#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scenarios.sh [--update] [SCENARIO...] - the textbook scenarios of
# scenarios/ in buddyctl's twin, against the output kept beside each one.
#
# A scenario is a file of commands for "buddyctl run", with a header that
# names its source and a line "# buddy: pages=N [max_order=K]" saying the
# pool it needs.  Its expected output, pids masked, is SCENARIO.out: the
# twin's run must match it byte for byte.  --update rewrites the .out files
# (look at the diff before committing it).  The module runs the same files
# in the guest (tools/buddyctl/tests/twin.sh), and must print what the twin
# prints.
#
# Exit: 0 if every scenario matched.

set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

update=0
if [[ ${1:-} == --update ]]; then
	update=1
	shift
fi
# A scenario by its path from here, or by its name in scenarios/
# (ostep-64k.cmd, or ostep-64k): --update must write NAME.out beside it.
files=()
for f in "$@"; do
	if [[ -f $f ]]; then
		f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
	elif [[ -f $BUDDY_ROOT/scenarios/$f ]]; then
		f=$BUDDY_ROOT/scenarios/$f
	elif [[ -f $BUDDY_ROOT/scenarios/$f.cmd ]]; then
		f=$BUDDY_ROOT/scenarios/$f.cmd
	else
		die "no scenario '$f' (a file, or a name in scenarios/: $(cd "$BUDDY_ROOT/scenarios" && echo ./*.cmd | sed 's|\./||g'))"
	fi
	[[ $f == *.cmd ]] || die "$f: a scenario is a .cmd file"
	# Relative to the root, as run's FILE:LINE prefixes in the .out say it.
	files+=("${f#"$BUDDY_ROOT"/}")
done
cd "$BUDDY_ROOT"
[[ ${#files[@]} -gt 0 ]] || files=(scenarios/*.cmd)
set -- "${files[@]}"
tools_make buddyctl

# The pool a scenario needs, as buddyctl --sim options.
sim_args() {
	local line pages order
	line=$(grep -m1 '^# buddy: ' "$1") || die "$1: no '# buddy: pages=N' line"
	pages=$(sed -n 's/.*pages=\([0-9]*\).*/\1/p' <<<"$line")
	order=$(sed -n 's/.*max_order=\([0-9]*\).*/\1/p' <<<"$line")
	echo "--sim $pages${order:+ --max-order $order}"
}

passed=0
failed=0
for f in "$@"; do
	want=${f%.cmd}.out
	# shellcheck disable=SC2046 # the options are words
	got=$(build/user/buddyctl $(sim_args "$f") -k run "$f" 2>&1 |
		sed -E 's/pid=[0-9]+/pid=P/g'; echo "rc=${PIPESTATUS[0]}")
	if [[ $update == 1 ]]; then
		printf '%s\n' "$got" > "$want"
		echo "wrote $want"
	elif [[ -f $want && $got == "$(cat "$want")" ]]; then
		echo "PASS $f"
		passed=$((passed + 1))
	else
		echo "FAIL $f"
		diff -u "$want" - <<<"$got" | head -40 || true
		failed=$((failed + 1))
	fi
done
[[ $update == 1 ]] && exit 0
echo "scenarios: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
