#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SHOT.png [STEP]] - the step-through page of "buddyctl html" in Debian's
# headless Chromium: installs what it needs (chromium from Debian,
# playwright-core from npm, pinned by package-lock.json, into
# tools/browser/node_modules), makes the page of Stallings' example in the
# twin, and runs page_test.mjs on it.  With SHOT, a screenshot of step STEP
# (default: the last) is also saved there as a PNG (make screenshot).
#
# Exit: 0 if every check passed.

set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$root/build/browser

"$root/scripts/deps.sh" build browser
make -s -C "$root/tools" buddyctl
# node_modules/.buddy-lock: the lock npm ci last installed from.
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.buddy-lock"; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error &&
		cp package-lock.json node_modules/.buddy-lock)
fi
mkdir -p "$out"
"$root/build/user/buddyctl" --sim 256 html \
	"$root/tools/buddyctl/tests/twin/stallings.txt" -o "$out/stallings.html"
echo "page: ${out#"$root"/}/stallings.html ($(wc -c < "$out/stallings.html") bytes)"
# A screenshot's path is the caller's, not ours: make it absolute.
shot=()
if [[ $# -gt 0 ]]; then
	shot=("$(realpath -m "$1")" "${@:2}")
fi
# Tags of capitals and a narrow one, for the legend's widths.
{
	for i in 1 2 3 4 5 6 7 8 9; do echo "alloc 0 tag=WWWWWWWWWWWWWW$i"; done
	echo "alloc 0 tag=iiiiiiiiiiiiiii"
	echo "alloc 0 tag=MmMmMmMmMmMmMm1"
	echo "svg $out/legend.svg"
} | "$root/build/user/buddyctl" --sim 32 run - >/dev/null
cd "$here"
LEGEND_SVG=$out/legend.svg node page_test.mjs "$out/stallings.html" "${shot[@]}"
