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

case ${1:-} in
-h | --help)
	header_usage "${BASH_SOURCE[0]}"
	exit 0 ;;
esac
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

# The pool a scenario needs, as buddyctl --sim options; status 1, and a
# message, when its header is missing or not of that form.  Called in a
# command substitution, whose die() ends only the substitution: the caller
# tests the status.
sim_args() {
	local line re='^# buddy: pages=([0-9]+)( max_order=([0-9]+))?[[:space:]]*$'
	line=$(grep -m1 '^# buddy:' "$1") ||
		die "$1: no '# buddy: pages=N [max_order=K]' line"
	[[ $line =~ $re ]] ||
		die "$1: '$line' is not '# buddy: pages=N [max_order=K]'"
	echo "--sim ${BASH_REMATCH[1]}${BASH_REMATCH[3]:+ --max-order ${BASH_REMATCH[3]}}"
}

passed=0
failed=0
for f in "$@"; do
	want=${f%.cmd}.out
	# Without its pool, buddyctl would not run the twin at all: nothing is
	# written, and the scenario fails.
	if ! sim=$(sim_args "$f"); then
		[[ $update == 1 ]] && exit 1
		echo "FAIL $f"
		failed=$((failed + 1))
		continue
	fi
	# shellcheck disable=SC2086 # the options are words
	got=$(build/user/buddyctl $sim -k run "$f" 2>&1 |
		sed -E 's/pid=[0-9]+/pid=P/g'; echo "rc=${PIPESTATUS[0]}")
	# Status 2 is buddyctl's usage: it refused the pool (pages=0,
	# max_order=99) and ran nothing, so there is nothing to keep.
	if [[ ${got##*rc=} == 2 ]]; then
		printf '%s\n' "$got" | head -3 >&2
		[[ $update == 1 ]] && die "$f: buddyctl refused its pool ($sim): nothing written"
		echo "FAIL $f: buddyctl refused its pool ($sim)"
		failed=$((failed + 1))
		continue
	fi
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
