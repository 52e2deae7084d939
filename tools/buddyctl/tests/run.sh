#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - host-side tests of buddyctl, no module needed.
#
# Builds buddyctl twice: as tools/Makefile does (-O2, static, here with
# -Werror) to prove it builds clean and static, and with ASan + UBSan for
# the runs.  Then runs it against fixture debugfs directories (--debugfs):
#
#	fixtures/ostep     16 pages after "alloc 7K tag=A" (OSTEP ch. 17)
#	fixtures/busy      16 pages, 2 blocks, one held by dev#3 with a comm
#	                   that has blanks, a tag that looks like a number
#	fixtures/empty100  100 pages: three roots, 64 + 32 + 4
#	fixtures/broken    ostep, with a "broken:" check
#
# ostep and busy were captured from buddy.ko in the QEMU guest
# (scripts/vm-run.sh), busy then edited; malformed files are made here.
# Sessions run with --dev /dev/null (ENOTTY) or a missing path: everything
# up to the ioctl is tested; the ioctls themselves need the module (see
# tests/vm.sh).  One-shot alloc/free/reset talk to a FIFO standing in for
# control.  Every run has a 10 s timeout: a hang is a failure.
#
# Env:	BUDDYCTL=PATH	test that binary instead of building one
#	CC=cc		the compiler (default gcc)
#	PYTHON=PATH	the python3 for the JSON and SVG checks (default
#			/usr/bin/python3, Debian's, if there is one)
#	V=1		list passing tests too
#
# Prints "N passed, N failed" last; exit status 1 if any failed.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
root=$(cd "$src/../.." && pwd)
fix=$here/fixtures
CC=${CC:-gcc}
# Debian's python3 (scripts/deps.sh installs it): a python3 found first on
# PATH may be a version manager's shim, which took 0.5 s a run here.
if [[ -n ${PYTHON:-} ]]; then
	py=$PYTHON
elif [[ -x /usr/bin/python3 ]]; then
	py=/usr/bin/python3
else
	py=python3
fi

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
export PYTHONUTF8=1
export ASAN_OPTIONS=abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99:print_stacktrace=1

passed=0
failed=0

pass() {
	passed=$((passed + 1))
	[[ ${V:-0} == 1 ]] && echo "PASS $1"
	return 0
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	[[ $# -gt 0 ]] && printf '%s\n' "$@" | sed 's/^/    /'
	return 0
}

# === Build ===

cflags=(-std=gnu11 -Wall -Wextra -I"$root" -I"$root/tools/include"
	-I"$root/include/uapi")
sources=("$src"/*.c "$root/buddy_cmd.c" "$root/buddy_pool.c" "$root/buddy_view.c"
	"$root/buddy_core.c")

if [[ -n ${BUDDYCTL:-} ]]; then
	BC=$(realpath "$BUDDYCTL")
else
	if $CC "${cflags[@]}" -O2 -Werror -static -o "$tmp/buddyctl-static" \
		"${sources[@]}" 2> "$tmp/build.log"; then
		pass "static -O2 -Wall -Wextra build is warning-free"
		if file "$tmp/buddyctl-static" | grep -q 'statically linked'; then
			pass "the binary is statically linked"
		else
			fail "the binary is statically linked" "$(file "$tmp/buddyctl-static")"
		fi
	else
		fail "static -O2 -Wall -Wextra build is warning-free" "$(cat "$tmp/build.log")"
	fi
	BC=$tmp/buddyctl
	if ! $CC "${cflags[@]}" -O1 -g -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -o "$BC" \
		"${sources[@]}" 2> "$tmp/build.log"; then
		fail "sanitizer build" "$(cat "$tmp/build.log")"
		echo "$passed passed, $failed failed"
		exit 1
	fi
fi

# === Helpers ===

# bc ARGS...: run buddyctl, stdin from $IN (default /dev/null); sets out,
# err and rc.
bc() {
	timeout 10 "$BC" "$@" < "${IN:-/dev/null}" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# match TEXT WANT: WANT is '*' (anything), '~REGEX' (grep -E), or exact.
match() {
	case $2 in
	'*') return 0 ;;
	'~'*) grep -qE -- "${2#\~}" <<< "$1" ;;
	*) [[ $1 == "$2" ]] ;;
	esac
}

# Problems every run is checked for; appended to the array "why".
sane() {
	[[ $rc == 124 ]] && why+=("timed out: a hang")
	[[ $rc == 99 ]] || grep -qE 'Sanitizer|runtime error' "$tmp/err" &&
		why+=("sanitizer report:" "$(head -20 "$tmp/err")")
}

# t NAME WANT_RC WANT_STDOUT WANT_STDERR ARGS...
t() {
	local name=$1 wrc=$2 wout=$3 werr=$4
	local why=()

	shift 4
	bc "$@"
	[[ $rc == "$wrc" ]] || why+=("exit status $rc, want $wrc")
	match "$out" "$wout" || why+=("stdout:" "$out" "want:" "$wout")
	match "$err" "$werr" || why+=("stderr:" "$err" "want:" "$werr")
	sane
	if [[ ${#why[@]} == 0 ]]; then pass "$name"; else fail "$name" "${why[@]}"; fi
}

# tj NAME WANT_RC PYEXPR ARGS...: stdout is JSON, one document per line
# (as python3 -m json.tool --json-lines reads it), and PYEXPR holds, with d
# the list of documents and j the first.  One python run for both.
tj() {
	local name=$1 wrc=$2 expr=$3 st=0
	local why=()

	shift 3
	bc "$@"
	[[ $rc == "$wrc" ]] || why+=("exit status $rc, want $wrc")
	"$py" -c '
import json, sys
try:
	d = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
except ValueError as e:
	print(e, file=sys.stderr)
	sys.exit(2)
j = d[0] if d else None
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$tmp/out" "$expr" 2> "$tmp/json.err" || st=$?
	if [[ $st == 2 ]]; then
		why+=("not JSON lines:" "$(head -c 600 "$tmp/out")" "$(cat "$tmp/json.err")")
	elif [[ $st != 0 ]]; then
		why+=("does not hold: $expr" "stdout:" "$(head -c 1500 "$tmp/out")" "$(cat "$tmp/json.err")")
	fi
	sane
	if [[ ${#why[@]} == 0 ]]; then pass "$name"; else fail "$name" "${why[@]}"; fi
}

# A copy of a fixture in $tmp/NAME, to break.
copy_fixture() {
	rm -rf "${tmp:?}/$2"
	cp -r "$fix/$1" "$tmp/$2"
}

D=(--debugfs "$fix/ostep")
B=(--debugfs "$fix/busy")

# === The twin (--sim): the module's own code in buddyctl ===

t "--sim: the tree of an empty pool" 0 "0x1000-0x13ff order=10 pages=1024 free" "" \
	--sim 1024 --base 0x1000 tree
t "--sim: 100 pages, as the module covers them" 0 "$(cat <<'EOT'
0x0-0x3f order=6 pages=64 free
0x40-0x5f order=5 pages=32 free
0x60-0x63 order=2 pages=4 free
EOT
)" "" --sim 100 tree
t "--sim: max_order clamped to the pool" 0 "$(cat <<'EOT'
                order      0      1      2      3 
Node 0, zone    buddy      0      0      1      1 
EOT
)" "" --sim 12 --max-order 3 buddyinfo
t "--sim: a one-shot alloc" 0 "pfn=0x2000 order=1 pages=2 tag=T bytes=7168 waste=1024" "" \
	--sim 16 --base 0x2000 alloc 7K tag=T
t "--sim: a refusal, with the module's errno" 1 "" \
	"~free 3: EALREADY: that block is already free" --sim 16 free 3
# --explain tells a refusal's steps; with --json, in the error's document.
t "--explain: a refusal's steps" 1 \
	"  refused (EALREADY): 0x3 lies in free block 0x0 (order 4): a double free; nothing changes" \
	"~free 3: EALREADY" --sim 16 --explain free 3
tj "--json --explain: a refusal's steps in its document" 1 \
	'j["errno_name"] == "EALREADY" and j["explain"] == ["refused (EALREADY): 0x3 lies in free block 0x0 (order 4): a double free; nothing changes"] and
	j["steps"][0]["step"] == "reject" and j["steps"][0]["pfn"] == 3' \
	--sim 16 --json --explain free 3
printf 'alloc 9\nfree 5\nalloc 4\nalloc 0\n' > "$tmp/refused.txt"
tj "run --json --explain: each refusal's steps in its document" 1 \
	'[x.get("errno_name") for x in d] == ["EINVAL", "EALREADY", None, "ENOMEM"] and
	all(x["explain"] and x["steps"] for x in d) and d[0]["steps"][0]["step"] == "fail" and
	d[3]["explain"] == ["no free block of order 0 or above: the allocation fails (ENOMEM); nothing changes"]' \
	--sim 16 --json --explain -k run "$tmp/refused.txt"
# A command of thousands of steps is told whole: 3000 blocks freed by tag,
# 8999 steps (a free and the merges), a sentence each.
for i in $(seq 3000); do echo "alloc 0 tag=T"; done > "$tmp/many.txt"
echo "free tag=T" >> "$tmp/many.txt"
tj "run --json --explain: 8999 steps, 8999 sentences" 0 \
	'len(d[-1]["steps"]) == 8999 and len(d[-1]["explain"]) == 8999 and
	d[-1]["explain"][-1] == "0x800 (order 10) has max_order: it has no buddy to merge with, and stays free"' \
	--sim 4096 --json --explain run "$tmp/many.txt"
tj "run --json: no steps without --explain" 1 \
	'all("explain" not in x and "steps" not in x for x in d)' \
	--sim 16 --json -k run "$tmp/refused.txt"
t "--sim: no pages" 2 "" "~--sim takes a number of pages" --sim 0 tree
t "--sim: --base alone" 2 "" "~--max-order and --base go with --sim" --base 0x10 tree
t "--sim: --base 0 alone, the default, still needs --sim" 2 "" "~--max-order and --base go with --sim" --base 0 tree
t "--sim: --max-order 10 alone, the default, still needs --sim" 2 "" \
	"~--max-order and --base go with --sim" --max-order 10 tree
t "--sim: watch needs the module" 2 "" "~watch needs the module" --sim 16 watch tree
# No memory for the pool is no usage error: status 1.
if [[ $(getconf LONG_BIT) == 64 ]]; then
	ASAN_OPTIONS=$ASAN_OPTIONS:allocator_may_return_null=1 \
		t "--sim: no memory for the pool is status 1" 1 "" \
		"--sim: ENOMEM: the pool could not be made" --sim 1099511627776 tree
fi
# A pool's every byte has a 64-bit physical address.
t "--base: past the last physical address" 2 "" \
	"~^--base: EINVAL: the pool runs past the last physical address" \
	--sim 16 --base 0x10000000000000 info
t "--base: its last page past the last physical address" 2 "" \
	"~^--base: EINVAL: the pool runs past the last physical address" \
	--sim 16 --base 0xfffffffffffff info
t "--base: past the last pfn" 2 "" "--base: EINVAL: the pool runs past the last pfn" \
	--sim 16 --base 0xfffffffffffffff0 info
# The module's first pfn is a multiple of 2^max_order (clamped to the
# pool): a twin's base that is not could never be a module's.
# (6 pages: 4 + 2, max_order 2; order 0 comes from splitting the 2 at 0x1008.)
t "--base: not a multiple of 2^max_order" 2 "" \
	"--base: EINVAL: 0x1001 is not a multiple of 2^max_order = 16 pages, as the module's first pfn always is (a buddy is pfn ^ 2^order)" \
	--sim 16 --base 0x1001 --explain alloc 0
t "--base: a multiple of 2^max_order, max_order clamped to the pool" 0 \
	"pfn=0x1008 order=0 pages=1" "" --sim 6 --base 0x1004 alloc 0
if [[ $(getconf PAGESIZE) == 4096 ]]; then
	t "--base: up to the last physical address" 0 \
		"~phys        0xffffffffffff0000-0xffffffffffffffff" "" \
		--sim 16 --base 0xffffffffffff0 info
fi
# max_order 20 and more: as many columns as the module prints, up to 41.
t "--sim: buddyinfo of max_order 20" 0 "$(
	printf '                order'; printf ' %6d' {0..20}; printf ' \n'
	printf 'Node 0, zone    buddy'; printf ' %6d' 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1
	printf ' \n')" "" --sim 1048576 --max-order 20 buddyinfo
tj "--sim: frag of max_order 20" 0 \
	'len(j["unusable_index"]) == 21 and len(j["extfrag_index"]) == 21' \
	--json --sim 1048576 --max-order 20 frag
printf 'buddyinfo\nalloc 0\nfrag\n' > "$tmp/bi.txt"
t "--sim: buddyinfo of max_order 20 in run" 0 "~order=0 pages=1" "" \
	--sim 1048576 --max-order 20 run "$tmp/bi.txt"
"$BC" --sim 1048576 --max-order 20 html "$tmp/bi.txt" -o "$tmp/bi.html"
rc=$?
if [[ $rc == 0 ]] && ! grep -q 'class="failed"' "$tmp/bi.html" &&
   grep -q ' 19     20 $' "$tmp/bi.html"; then
	pass "--sim: html of max_order 20: its buddyinfo step"
else
	fail "--sim: html of max_order 20: its buddyinfo step" "rc=$rc" \
		"$(grep -A2 'class="failed"' "$tmp/bi.html")"
fi
mkdir -p "$tmp/mo40"
cp -r "$fix/ostep/." "$tmp/mo40/"
"$py" -c 'print("Node 0, zone    buddy " + "".join("%6d " % i for i in range(41)))' \
	> "$tmp/mo40/buddyinfo"
tj "buddyinfo: max_order 40, 41 columns" 0 'j["free_blocks"] == list(range(41))' \
	--json --debugfs "$tmp/mo40" buddyinfo
"$py" -c 'print("Node 0, zone    buddy " + "".join("%6d " % i for i in range(42)))' \
	> "$tmp/mo40/buddyinfo"
t "buddyinfo: 42 columns, more than max_order 40 has" 1 "" \
	"~buddyinfo:1: EBADMSG: .*more orders than max_order 40 has" \
	--debugfs "$tmp/mo40" buddyinfo
printf '%s\n' "alloc 1 tag=m" "map 0x0" > "$tmp/map.txt"
t "--sim: no pages to map" 1 "pfn=0x0 order=1 pages=2 tag=m" \
	"~ENODEV: the twin has no pages to map" --sim 16 run "$tmp/map.txt"

# === Pictures: svg and html ===

svg_ok() {
	"$py" -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
rects = t.findall(".//{http://www.w3.org/2000/svg}rect")
print(len(rects), int(t.get("width")) <= 1100)' "$1"
}
for p in 1 16 1000; do
	"$BC" --sim $p svg -o "$tmp/p$p.svg"
	r=$(svg_ok "$tmp/p$p.svg" 2>&1)
	case $r in
	*" True") pass "svg of $p pages: well-formed, $r" ;;
	*) fail "svg of $p pages" "$r" ;;
	esac
done
# A million pages, fragmented: blocks under a pixel are added up, and the
# picture says so; it stays small.
{
	i=0
	while [ $i -lt 3000 ]; do echo "alloc $((i % 5))"; i=$((i + 1)); done
	echo "svg $tmp/big.svg"
} > "$tmp/big.txt"
"$BC" --sim 1048576 run "$tmp/big.txt" > /dev/null
r=$(svg_ok "$tmp/big.svg" 2>&1)
size=$(wc -c < "$tmp/big.svg")
if [[ $r == *" True" ]] && grep -q 'narrower than a pixel' "$tmp/big.svg" &&
   [[ $size -lt 4000000 ]]; then
	pass "svg of a fragmented million-page pool: $r, $size bytes, columns noted"
else
	fail "svg of a fragmented million-page pool" "$r, $size bytes"
fi
printf '%s\n' "alloc 7K tag=A" "free 0x1" "free tag=A" > "$tmp/page.txt"
"$BC" --sim 16 html "$tmp/page.txt" -o "$tmp/page.html"
if [[ $(grep -c 'data-step=' "$tmp/page.html") == 4 ]] &&
   ! grep -qiE 'https?:|//[a-z]|src=|href=' "$tmp/page.html"; then
	pass "html: a section per step, 0 to 3, and no address of anything"
else
	fail "html: sections and addresses" "$(grep -c 'data-step=' "$tmp/page.html")"
fi
if grep -q 'class="failed"' "$tmp/page.html" &&
   grep -q 'lies inside allocated block' "$tmp/page.html"; then
	pass "html: the refused command is shown refused, with the module's words"
else
	fail "html: the refused command"
fi
# Columns of blocks narrower than a pixel: a fresh pool is all free green,
# and the blocks an alloc changed are outlined there too.
"$BC" --sim 1048576 svg > "$tmp/fresh.svg"
printf 'alloc 0\n' > "$tmp/a0.txt"
"$BC" --sim 1048576 html "$tmp/a0.txt" -o "$tmp/a0.html"
if grep -q 'class="agg"' "$tmp/fresh.svg" &&
   ! grep 'class="agg' "$tmp/fresh.svg" | grep -vq 'fill="rgb(205,236,205)"' &&
   grep -q 'class="agg changed"' "$tmp/a0.html"; then
	pass "svg: narrow columns green when free, outlined when changed"
else
	fail "svg: narrow columns" \
		"$(grep 'class="agg' "$tmp/fresh.svg" | grep -v 'rgb(205,236,205)' | head -3)"
fi
# The legend names what the picture holds: tags one letter apart in hues
# far apart, "allocated, untagged" only when a block is.
printf '%s\n' "alloc 0 tag=A" "alloc 0 tag=B" "svg $tmp/ab.svg" \
	"alloc 0" "svg $tmp/ab0.svg" | "$BC" --sim 16 run - >/dev/null
hues=$(sed -n 's/.*fill="hsl(\([0-9]*\),.*/\1/p' "$tmp/ab.svg" | uniq)
hue_a=$(sed -n 1p <<<"$hues")
hue_b=$(sed -n 2p <<<"$hues")
if ! grep -q 'untagged' "$tmp/ab.svg" && grep -q 'untagged' "$tmp/ab0.svg" &&
   [[ -n $hue_a && -n $hue_b ]] &&
   (((hue_a - hue_b + 360) % 360 >= 100 &&
     (hue_b - hue_a + 360) % 360 >= 100)); then
	pass "svg: legend: A and B far apart in hue, untagged only when there is one"
else
	fail "svg: legend" "$hue_a $hue_b"
fi
# Many tags: the legend names every one up to 24, in lines within the
# picture, counts the blocks of the rest, and gives t1 and t10 (sums 48
# apart) different colours; the last tick's label ends at its tick.
{
	for i in $(seq 0 29); do echo "alloc 0 tag=t$i"; done
	echo "alloc 0"
	echo "svg $tmp/tags.svg"
	for i in $(seq 20 29); do echo "free 0x$(printf %x "$i")"; done
	echo "svg $tmp/tags20.svg"
} | "$BC" --sim 64 run - >/dev/null
legend_ok() {
	"$py" -c 'import sys, re, xml.etree.ElementTree as E
ns = "{http://www.w3.org/2000/svg}"
t = E.parse(sys.argv[1]).getroot()
w, h = int(t.get("width")), int(t.get("height"))
g = [e for e in t.iter(ns + "g") if e.get("class") == "legend"][0]
texts = [(x.text, float(x.get("x")), float(x.get("y"))) for x in g.iter(ns + "text")]
names = [x[0] for x in texts]
# 7 px a character is wider than the text; all of it within the picture.
inside = all(x + 7 * len(n) <= w and y + 4 <= h for n, x, y in texts)
fills = {r.find(ns + "title").text.split("tag ")[1]: r.get("fill")
	 for r in t.iter(ns + "rect") if r.find(ns + "title") is not None
	 and "tag " in r.find(ns + "title").text}
lines = len({y for n, x, y in texts})
print(" ".join(n for n in names if n.startswith("t")), "|", inside, lines,
      fills["t1"] != fills["t10"], [n for n in names if "other" in n or "untagged" in n])
' "$1"
}
all24=$(for i in $(seq 0 23); do printf 't%s ' "$i"; done)
r=$(legend_ok "$tmp/tags.svg" 2>&1)
r20=$(legend_ok "$tmp/tags20.svg" 2>&1)
if [[ $r == "${all24}| True "[2-9]" True ['and 6 blocks of other tags', 'allocated, untagged']" &&
      $r20 == "$(for i in $(seq 0 19); do printf 't%s ' "$i"; done)| True "[2-9]" True ['allocated, untagged']" ]]; then
	pass "svg: a legend of 30 tags: 24 named in lines within the picture, 6 blocks counted"
else
	fail "svg: a legend of 30 tags" "$r" "$r20"
fi
"$BC" --sim 1048576 svg -o "$tmp/axis.svg"
if grep -q 'class="tick end">0x100000<' "$tmp/axis.svg" &&
   grep -q 'class="tick">0x80000<' "$tmp/axis.svg"; then
	pass "svg: the last tick's label ends at its tick, within the picture"
else
	fail "svg: the last tick's label" "$(grep -o '<text[^>]*tick[^<]*' "$tmp/axis.svg" | tail -2)"
fi
# A page is UTF-8 text: control bytes and bytes of no UTF-8 sequence in a
# command are escaped as \ooo, the tree's box drawing is kept.
printf 'show tree on\nalloc 0\n\001\033[31m\177\n\377\376\n' > "$tmp/raw.txt"
"$BC" --sim 16 html "$tmp/raw.txt" -o "$tmp/raw.html"
if grep -qF '<code>\001\033[31m\177</code>' "$tmp/raw.html" &&
   grep -qF '<code>\377\376</code>' "$tmp/raw.html" &&
   grep -qF '├─' "$tmp/raw.html" &&
   ! LC_ALL=C grep -q $'[\001-\010\013-\037\177]' "$tmp/raw.html" &&
   iconv -f UTF-8 -t UTF-8 "$tmp/raw.html" >/dev/null 2>&1; then
	pass "html: raw bytes escaped, valid UTF-8 kept, the page is UTF-8"
else
	fail "html: raw bytes in a page" \
		"$(grep -a '<h2>' "$tmp/raw.html" | cat -v)"
fi
# "explain on" in FILE: the page tells each step once, in its list, as
# it does without it (not again in the command's text).
printf 'explain on\nalloc 0\n' > "$tmp/ex1.txt"
"$BC" --sim 16 html "$tmp/ex1.txt" -o "$tmp/ex1.html"
"$BC" --sim 16 html <(echo 'alloc 0') -o "$tmp/ex0.html"
n1=$(grep -c 'hand out' "$tmp/ex1.html")
n0=$(grep -c 'hand out' "$tmp/ex0.html")
if [[ $n1 == 1 && $n0 == 1 ]] &&
   sed -n '/<ul class="said">/,/<\/ul>/p' "$tmp/ex1.html" | grep -q 'hand out'; then
	pass "html: 'explain on' in FILE: each step told once, in the page's list"
else
	fail "html: 'explain on' in FILE" "told $n1 times, $n0 without it"
fi
# A NUL byte in a command is shown, as the error shows it, not the end of it.
printf '\000x\n' > "$tmp/nul.txt"
"$BC" --sim 16 html "$tmp/nul.txt" -o "$tmp/nul.html"
if grep -qF '<h2>Step 1: <code>\000x</code></h2>' "$tmp/nul.html"; then
	pass "html: a NUL byte in a command shown as \\000"
else
	fail "html: a NUL byte in a command" "$(grep -a '<h2>Step 1' "$tmp/nul.html")"
fi
# The steps are hidden before the browser lays them out, not after.
if [[ $(grep -o "className='js'" "$tmp/page.html" | wc -l) -ge 1 ]] &&
   [[ $(grep -n "className='js'" "$tmp/page.html" | head -1 | cut -d: -f1) -lt \
      $(grep -n '<body>' "$tmp/page.html" | cut -d: -f1) ]]; then
	pass "html: the class that hides the steps is set in the head"
else
	fail "html: the class that hides the steps is set in the head"
fi

# === The quiz ===

# The seed that xorshift's state would be 0 from draws a quiz as any other
# (it was "alloc 0", "free 0x0" for ever); an alloc that fails is followed
# by a free, not by another "none"; one step is "1 step".
cmds=$("$BC" --sim 32 --seed 9429082585921127799 --steps 12 --answers --json quiz |
	"$py" -c 'import sys, json; print(len({json.loads(l)["command"].split(" tag")[0] for l in sys.stdin}))')
# Level 1 asks about allocs only: a step after a failed one is no question.
full=$("$BC" --sim 4 --seed 3 --steps 24 --answers --json quiz | "$py" -c '
import sys, json
d = [json.loads(l) for l in sys.stdin]
asked = {j["step"] for j in d}
failed = [j["step"] for j in d if j["key"] is None]
print(len(failed), [s for s in failed if s + 1 in asked])')
one=$("$BC" --sim 4 --steps 1 quiz < /dev/null | head -1)
if [[ $cmds -ge 3 && $full =~ ^[1-9][0-9]*\ \[\]$ &&
      $one == "quiz: seed 1, 1 step, level 1,"* ]]; then
	pass "quiz: the seed of state 0 draws ($cmds commands), no none after none, 1 step"
else
	fail "quiz: seed of state 0, full pools, 1 step" "$cmds commands" "$full" "$one"
fi

for seed in 1 7 42 1000; do
	for level in 1 2 3; do
		key=$("$BC" --sim 32 --seed $seed --level $level --steps 12 --answers quiz)
		again=$("$BC" --sim 32 --seed $seed --level $level --steps 12 --answers quiz)
		score=$("$BC" --sim 32 --seed $seed --level $level --steps 12 quiz <<<"$key" |
			tail -1)
		n=$(wc -l <<<"$key")
		if [[ $key == "$again" && $score == "score: $n/$n" && $n -ge 6 ]]; then
			pass "quiz seed $seed level $level: the key ($n answers) scores full marks"
		else
			fail "quiz seed $seed level $level" "key of $n lines, $score"
		fi
	done
done
# quiz_key_as NAME RIGHT SED SEED LEVEL: the key of that quiz, changed by
# sed's script SED, as the answers: RIGHT of the key's N lines ("all" for
# N) must be marked right.
quiz_key_as() {
	local name=$1 right=$2 script=$3 seed=$4 level=$5 key score n

	key=$("$BC" --sim 32 --seed "$seed" --level "$level" --answers quiz)
	n=$(wc -l <<<"$key")
	[[ $right == all ]] && right=$n
	score=$("$BC" --sim 32 --seed "$seed" --level "$level" quiz \
		<<<"$(sed "$script" <<<"$key")" | tail -1)
	if [[ $score == "score: $right/$n" ]]; then
		pass "$name ($score)"
	else
		fail "$name" "$score, want $right/$n"
	fi
}
quiz_key_as "quiz: every answer wrong scores 0" 0 \
	's/^[0-9]*$/99/; s/^0x.*/0x7777/' 9 2
# Blanks around an answer are not part of it, at either end, in every
# kind of question.
quiz_key_as "quiz: the key with blanks around each answer scores full marks" \
	all $'s/^/ \t/; s/$/ \t /' 7 3
out=$(head -c 4000 /dev/urandom | "$BC" --sim 32 --seed 3 --level 3 quiz 2>&1)
rc=$?
if [[ $rc == 0 && $(tail -1 <<<"$out") =~ ^score:\ [0-9]+/[0-9]+$ ]] &&
   iconv -f UTF-8 -t UTF-8 <<<"$out" >/dev/null 2>&1 &&
   ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out"; then
	pass "quiz: garbage on stdin is asked again, echoed escaped, ends with the score"
else
	fail "quiz: garbage on stdin" "rc=$rc $(tail -1 <<<"$out")"
fi
out=$(printf 'zz\n\n' | "$BC" --sim 32 --seed 3 quiz 2>&1)
if [[ $(grep -c 'not an answer' <<<"$out") == 2 &&
      $(tail -1 <<<"$out") == "score: 0/0" ]]; then
	pass "quiz: blank and malformed answers asked again; end of input ends it"
else
	fail "quiz: blank answers" "$out"
fi
t "quiz: a level that is not one" 2 "" "~--level takes 1, 2 or 3" --sim 16 --level 4 quiz
# NONE is none; a malformed answer is told what an answer looks like here
# (32 pages: 6 orders); info says "1 block".
out=$(printf 'NONE\n' | "$BC" --sim 32 --seed 3 quiz 2>&1)
out3=$(printf '0x0\n3\n0 1\n' | "$BC" --sim 32 --seed 3 --level 3 quiz 2>&1)
info=$(printf 'alloc 2\ninfo\n' | "$BC" --sim 16 run - 2>&1)
if grep -q '^  wrong: it is 0x0$' <<<"$out" && ! grep -q 'not an answer' <<<"$out" &&
   grep -q 'not an answer to this: 6 numbers, the free blocks of orders 0 to 5; again' <<<"$out3" &&
   grep -q '^allocated   4 pages in 1 block$' <<<"$info"; then
	pass "quiz: NONE is an answer, a malformed one told its form; info: 1 block"
else
	fail "quiz: NONE, the form of an answer; info: 1 block" "$out" "$out3" "$info"
fi

# --json: the same marks and the same key as the text, every line JSON.
printf '0x0\n' > "$tmp/q.in"
IN=$tmp/q.in tj "quiz --json: a right pfn is right, every line a document" 0 \
	'd[0]["seed"] == 7 and d[1] == {"step": 1, "command": "alloc 2 tag=q1"} and
	d[3] == {"step": 1, "question": "pfn", "answer": "0x0", "right": True, "key": 0} and
	d[4]["op"] == "alloc" and d[4]["pfn"] == 0 and "split 0x0 (order 5)" in d[4]["explain"][1] and
	d[-1] == {"right": 1, "asked": 1}' \
	--sim 32 --json quiz --seed 7 --steps 1
for args in "--seed 7 --level 3 --steps 12" "--seed 5 --level 2 --steps 40"; do
	# shellcheck disable=SC2086 # the words of $args are options
	key=$("$BC" --sim 32 $args --answers quiz)
	# shellcheck disable=SC2086
	"$BC" --sim 32 $args --json --answers quiz > "$tmp/key.json"
	# shellcheck disable=SC2086
	"$BC" --sim 32 $args --json quiz <<<"$key" > "$tmp/quiz.json"
	r=$("$py" -c '
import json, sys
lines = []
for d in map(json.loads, open(sys.argv[1])):
	k = d["key"]
	if k is None:
		lines.append("none")
	elif isinstance(k, list):
		lines.append(" ".join(map(str, k)))
	else:
		lines.append("0x%x" % k if d["question"] == "pfn" else str(k))
quiz = [json.loads(l) for l in open(sys.argv[2])]
marks = [d for d in quiz if "right" in d and "step" in d]
print(lines == sys.argv[3].split("\n"), "none" in lines,
      quiz[-1] == {"right": len(lines), "asked": len(lines)} and all(m["right"] for m in marks))' \
		"$tmp/key.json" "$tmp/quiz.json" "$key" 2>&1)
	if [[ $r == "True "*" True" ]]; then
		pass "quiz --json $args: the key is the text's, and scores full marks ($r)"
	else
		fail "quiz --json $args: the key is the text's, and scores full marks" "$r"
	fi
done

# === Command line ===

t "--version" 0 "~^buddyctl [0-9]" "" --version
t "--help" 0 "~^usage: buddyctl" "" --help
t "help is --help" 0 "$(cat "$tmp/out")" "" help
t "--help says one-shot changes go through debugfs control" 0 \
	"~owned by \"debugfs\"" "" --help
t "no command: usage on stderr, status 2" 2 "" "~^usage: buddyctl"
t "unknown command" 2 "" \
	"buddyctl: EINVAL: unknown command 'frob' (see buddyctl --help)" frob
t "unknown option" 2 "" \
	"buddyctl: EINVAL: unknown option '--frob' (see buddyctl --help)" --frob tree
# A word too long to quote whole ends in "...", here and in a session.
long=abcdefghijklmnopqrstuvwxyz0123456789abcdefghij
t "unknown command of 46 bytes: its quote cut with ..." 2 "" \
	"buddyctl: EINVAL: unknown command 'abcdefghijklmnopqrstuvwxyz0123456789a...' (see buddyctl --help)" \
	"$long" foo
printf '%s\n' "$long foo" "${long:0:40}" > "$tmp/long.in"
IN=$tmp/long.in t "unknown commands in a session: 46 bytes cut, 40 whole" 1 "" \
	"stdin:1: $long foo: EINVAL: unknown command 'abcdefghijklmnopqrstuvwxyz0123456789a...' (try help)
stdin:2: ${long:0:40}: EINVAL: unknown command '${long:0:40}' (try help)" --sim 16 -k run -
t "unknown short option" 2 "" "~unknown option '-x'" -x tree
t "option without its value" 2 "" "~option --dev needs a value" tree --dev
t "a view takes no arguments" 2 "" "~tree takes no arguments" "${D[@]}" tree 3
t "list is for sessions" 2 "" "~'list' is a command of shell and run sessions" list
t "run needs a file" 2 "" "~usage: run FILE" run
t "shell takes no file" 2 "" "~shell takes no arguments" shell x
tj "--json usage error is JSON on stdout" 2 \
	'j["errno_name"] == "EINVAL" and "unknown command" in j["error"]' --json frob

# Every command and option of the README's synopsis of buddyctl (its first
# block, and `buddyctl ...` in the text of "buddyctl" and "Pictures and the
# twin") is in --help.
"$BC" --help > "$tmp/help.txt"
missing=$("$py" - "$root/README.md" "$tmp/help.txt" <<'EOF'
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
help_text = open(sys.argv[2], encoding="utf-8").read()
part = readme.split("\n## buddyctl\n", 1)[1].split("\n## For teachers", 1)[0]
synopsis = re.findall(r"```\n(.*?)```", part, re.S)[0].splitlines()
synopsis += re.findall(r"`(buddyctl [^`]*)`", part)
words = set()
for line in synopsis:
	line = re.sub(r"\s#.*", "", line)
	if not line.startswith("buddyctl "):
		continue
	for w in re.split(r"[\s|\[\]]+", line[len("buddyctl "):]):
		if re.fullmatch(r"-{0,2}[a-z][a-z-]*", w):
			words.add(w)
if len(words) < 20:
	print("only", len(words), "words in the synopsis:", " ".join(sorted(words)))
print(" ".join(sorted(w for w in words
	if not re.search(r"(^|[\s\[(|])" + re.escape(w) + r"($|[\s\]),|])", help_text, re.M))))
EOF
)
if [[ -z $missing ]]; then
	pass "--help has every command and option of the README's synopsis"
else
	fail "--help has every command and option of the README's synopsis" "missing: $missing"
fi
for want in "watch VIEW" "--interval" "--count" "svg [-o FILE]" "html FILE [-o OUT]" \
	    "--explain" "events" "bits" "map" "quiz"; do
	if grep -qF -- "$want" "$tmp/help.txt"; then
		pass "--help names '$want'"
	else
		fail "--help names '$want'"
	fi
done
printf 'help\n' > "$tmp/help.in"
IN=$tmp/help.in t "shell help: every view" 0 \
	"~tree, buddyinfo, frag, stats, allocations, check, events, bits, map" "" --sim 16 shell

# Output that cannot be written is an error, whatever wrote it.
printf 'tree\nstats\n' > "$tmp/full.txt"
if [[ -w /dev/full ]]; then
	full=()
	for args in "tree" "stats" "--json tree" "run $tmp/full.txt" "bits" \
		    "quiz --answers" "--help" "help" "--version" "--json stats" "svg" \
		    "html $tmp/full.txt"; do
		full+=("--sim 16 $args")
	done
	# watch would poll for ever: nobody reads its drawings any more.
	full+=("--debugfs $fix/ostep --interval 0.1 watch tree")
	for args in "${full[@]}"; do
		# shellcheck disable=SC2086 # the words of $args
		timeout 10 "$BC" $args > /dev/full 2> "$tmp/err"
		rc=$?
		err=$(cat "$tmp/err")
		if [[ $rc == 1 && $err == "stdout: ENOSPC: no space left on device" ]]; then
			pass "${args#--sim 16 } > /dev/full: ENOSPC, status 1"
		else
			fail "${args#--sim 16 } > /dev/full: ENOSPC, status 1" "rc=$rc" "$err"
		fi
	done
	t "svg -o /dev/full: the errno's name" 1 "" \
		"/dev/full: ENOSPC: no space left on device" --sim 16 svg -o /dev/full
	t "html -o /dev/full: the errno's name" 1 "" \
		"/dev/full: ENOSPC: no space left on device" --sim 16 html "$tmp/full.txt" -o /dev/full
fi
# A picture or a page that cannot be written whole (past ulimit -f, which
# does not kill buddyctl: it ignores SIGXFSZ) leaves the old file as
# it was, and nothing beside it; a written one keeps the old file's mode,
# and a link to it stays a link.
mkdir "$tmp/keep"
"$BC" --sim 16 svg -o "$tmp/keep/p.svg"
"$BC" --sim 16 html "$tmp/full.txt" -o "$tmp/keep/p.html"
cp "$tmp/keep/p.svg" "$tmp/keep.svg"
cp "$tmp/keep/p.html" "$tmp/keep.html"
chmod 640 "$tmp/keep/p.svg"
( ulimit -f 1; "$BC" --sim 64 svg -o "$tmp/keep/p.svg" ) 2> "$tmp/err"
rc_svg=$?
( ulimit -f 1; "$BC" --sim 64 html "$tmp/full.txt" -o "$tmp/keep/p.html" ) \
	2>> "$tmp/err"
rc_html=$?
if [[ $rc_svg == 1 && $rc_html == 1 ]] &&
   [[ $(grep -c ': EFBIG: file too large' "$tmp/err") == 2 ]] &&
   cmp -s "$tmp/keep/p.svg" "$tmp/keep.svg" && cmp -s "$tmp/keep/p.html" "$tmp/keep.html" &&
   [[ $(find "$tmp/keep" -mindepth 1 | wc -l) == 2 ]]; then
	pass "svg -o, html -o: a file too large leaves the old one whole, nothing beside it"
else
	fail "svg -o, html -o: a file too large" "rc $rc_svg $rc_html" "$(cat "$tmp/err")" \
		"$(ls -A "$tmp/keep")"
fi
ln -s p.svg "$tmp/keep/link.svg"
"$BC" --sim 64 svg -o "$tmp/keep/link.svg"
if [[ -L $tmp/keep/link.svg && $(stat -c %a "$tmp/keep/p.svg") == 640 ]] &&
   ! cmp -s "$tmp/keep/p.svg" "$tmp/keep.svg"; then
	pass "svg -o: written through a link, the file's mode kept"
else
	fail "svg -o: a link and a mode" "$(ls -l "$tmp/keep")"
fi
# Only a file of ours with one name is replaced: a hard link is written
# in place (both names see the new picture), and so is another user's
# file (its owner kept; as root, the one who can write it).
ln "$tmp/keep/p.svg" "$tmp/keep/hard.svg"
"$BC" --sim 32 svg -o "$tmp/keep/p.svg"
if cmp -s "$tmp/keep/p.svg" "$tmp/keep/hard.svg" &&
   [[ $(stat -c %h "$tmp/keep/p.svg") == 2 ]]; then
	pass "svg -o a hard link: written in place, both names see it"
else
	fail "svg -o a hard link" "$(ls -li "$tmp/keep")"
fi
if [[ $EUID == 0 ]]; then
	"$BC" --sim 16 svg -o "$tmp/theirs.svg"
	chown 65534:65534 "$tmp/theirs.svg"
	"$BC" --sim 64 svg -o "$tmp/theirs.svg"
	if [[ $(stat -c %u:%g "$tmp/theirs.svg") == 65534:65534 ]] &&
	   grep -q '0x40<' "$tmp/theirs.svg"; then
		pass "svg -o another user's file: written in place, its owner kept"
	else
		fail "svg -o another user's file" "$(ls -l "$tmp/theirs.svg")"
	fi
fi
t "svg -o '': named as ''" 1 "" "'': ENOENT: an empty name is no file" --sim 16 svg -o ''
long=$(printf 'x%.0s' {1..300})END.svg
t "svg -o NAME of 307 bytes: its end kept" 1 "" \
	"~^\\.\\.\\.x+END\\.svg: ENAMETOOLONG: file name too long$" --sim 16 svg -o "$long"
# "-o -" is stdout, as "-" is stdin: no file named "-".
mkdir "$tmp/dash"
svg=$(cd "$tmp/dash" && "$BC" --sim 16 svg -o - | head -c 4)
page=$(cd "$tmp/dash" && echo alloc 0 | "$BC" --sim 16 html - -o - | head -c 15)
if [[ $svg == "<svg" && $page == "<!DOCTYPE html>" && ! -e $tmp/dash/- ]]; then
	pass "svg -o - and html -o -: stdout"
else
	fail "svg -o -, html -o -" "svg: $svg" "html: $page" "$(ls -A "$tmp/dash")"
fi
# A FILE that cannot be read is refused as run refuses it, and no page of
# half a lesson is written.
t "html: FILE a directory, refused as run refuses it" 1 "" \
	"$tmp:0: $tmp: EISDIR: is a directory" --sim 16 html "$tmp" -o "$tmp/dir.html"
if [[ -e $tmp/dir.html ]]; then
	fail "html: no page for a FILE that cannot be read"
else
	pass "html: no page for a FILE that cannot be read"
fi
t "html: an output file that cannot be made is not FILE's fault" 1 "" \
	"$tmp/nonexistent/x.html: ENOENT: no such file or directory" \
	--sim 16 html "$tmp/full.txt" -o "$tmp/nonexistent/x.html"
timeout 10 "$BC" --sim 16 shell <&- > "$tmp/out" 2> "$tmp/err"
rc=$?
if [[ $rc == 1 && $(cat "$tmp/err") == "stdin: EBADF: bad file descriptor" ]]; then
	pass "shell, stdin closed: EBADF by name"
else
	fail "shell, stdin closed: EBADF by name" "rc=$rc" "$(cat "$tmp/err")"
fi

# === Views, human ===

t "tree: as the module writes it" 0 "$(cat "$fix/ostep/tree")" "" "${D[@]}" tree
t "tree: options after the command" 0 "$(cat "$fix/busy/tree")" "" tree "${B[@]}"
t "buddyinfo: with an order header" 0 "$(cat <<'EOT'
                order      0      1      2      3      4 
Node 0, zone    buddy      0      1      1      1      0 
EOT
)" "" "${D[@]}" buddyinfo
t "buddyinfo: 7 orders" 0 "$(cat <<'EOT'
                order      0      1      2      3      4      5      6 
Node 0, zone    buddy      0      0      1      0      0      1      1 
EOT
)" "" --debugfs "$fix/empty100" buddyinfo
t "frag: both indices under an order header" 0 "$(cat <<'EOT'
Node 0, zone buddy
         order      0      1      2      3      4 
unusable_index  0.000  0.000  0.142  0.428  1.000 
extfrag_index  -1.000 -1.000 -1.000 -1.000  0.375 
EOT
)" "" "${D[@]}" frag
t "stats: name value" 0 "$(sed 's/  *\([0-9]\)/ \1/' "$fix/ostep/stats" |
	awk '{ printf "%-24s %s\n", $1, $2 }')" "" "${D[@]}" stats
t "allocations: a table, comm with blanks" 0 "$(cat <<'EOT'
PFN     ORDER  PAGES  TAG   PID  AGE_MS  REQUEST     WASTE  OWNER    COMM
0x2210      1      2  A     147     373  bytes:7168   1024  debugfs  sh
0x2212      0      1  42   1234     147  order:0         0  dev#3    my prog: v2
EOT
)" "" "${B[@]}" allocations
t "allocations: none" 0 "no allocations" "" --debugfs "$fix/empty100" allocations
t "check: ok" 0 "ok" "" "${D[@]}" check
t "check: broken is exit status 1" 1 \
	"broken: a record does not match an allocated block (pfn 0x2210)" "" \
	--debugfs "$fix/broken" check

t "events: as the module writes them" 0 "$(cat "$fix/ostep/events")" "" "${D[@]}" events
t "bits: as the module writes them" 0 "$(cat "$fix/ostep/bitmaps")" "" "${D[@]}" bits
t "map: as the module writes it" 0 "$(cat "$fix/ostep/map")" "" "${D[@]}" map
# Every line of the map fits 80 columns, pfns of 13 hex digits too: a
# row of 16 cells then, not 32 (max_order 0: a '|' before every cell).
for base in 0xfffffffff000 0xffffffffff000; do
	bc --sim 64 --max-order 0 --base $base map
	cells=16
	[[ $base == 0xfffffffff000 ]] && cells=32
	longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' <<<"$out")
	if [[ $rc == 0 && $longest -le 80 && $out == *", $cells cells a row"* &&
	      $(grep -c '^0x' <<<"$out") == $((64 / cells)) ]]; then
		pass "map: pfns from $base, $cells cells a row, $longest columns"
	else
		fail "map: pfns from $base" "rc=$rc, longest $longest" "$out"
	fi
done
t "events: a step the module never reports" 1 "" \
	"~events:5: EBADMSG: unexpected line 'seq=5 frobnicate pfn=0x2210'" \
	--debugfs "$fix/broken" events
t "bits: a bad order" 1 "" "~bitmaps:6: EBADMSG: unexpected line 'order=x free=1 split=0'" \
	--debugfs "$fix/broken" bits
t "map: a bad cell" 1 "" "~map:5: EBADMSG: unexpected line '0x2210 |AA|&&|'" \
	--debugfs "$fix/broken" map
# A path too long to show keeps its end: the file and the line number.
deep=$tmp/$(printf 'directory-%.0s' {1..8})
deep=$deep/${deep#"$tmp"/}/${deep#"$tmp"/}/broken
mkdir -p "$deep" && cp "$fix"/broken/* "$deep"/
t "bits: a long path keeps its file and line" 1 "" \
	"~^\.\.\.[^ ]*directory-/broken/bitmaps:6: EBADMSG: unexpected line 'order=x free=1 split=0'" \
	--debugfs "$deep" bits
# run's FILE:LINE before an error is a path too: escaped, one line, and
# when long, its end kept in 159 bytes; html's title and heading too.
odd=$tmp/$'odd\nname\033[31m.cmd'
echo bogus > "$odd"
t "run: FILE:LINE escaped, on one line" 1 "" \
	"$tmp/odd\\012name\\033[31m.cmd:1: bogus: EINVAL: unknown command 'bogus' (try help)" \
	--sim 16 run "$odd"
"$BC" --sim 16 html "$odd" -o "$tmp/odd.html"
if grep -qF '<title>buddy: odd\012name\033[31m.cmd</title>' "$tmp/odd.html" &&
   grep -qF '<h1>buddy: odd\012name\033[31m.cmd</h1>' "$tmp/odd.html" &&
   grep -qF "$tmp/odd\\012name\\033[31m.cmd:1: bogus: EINVAL" "$tmp/odd.html"; then
	pass "html: FILE's name escaped in the title, heading and errors"
else
	fail "html: FILE's name escaped" "$(grep -a -E '<title>buddy|<h1>|bogus' "$tmp/odd.html" | cat -v)"
fi
echo bogus > "$deep/x.cmd"
bc --sim 16 run "$deep/x.cmd"
if [[ $rc == 1 && $err =~ ^\.\.\.[^\ ]*directory-/broken/x\.cmd:1:\ bogus:\ EINVAL ]] &&
   [[ ${#err} -lt $((159 + 70)) ]] && [[ ${err%%: bogus*} =~ ^.{159}$ ]]; then
	pass "run: a long FILE keeps its end, 159 bytes, and the line"
else
	fail "run: a long FILE" "$err"
fi

# === Views, JSON ===

tj "events --json: seq, step, then the step's keys as numbers" 0 \
	'[(e["seq"], e["step"], e["pfn"], e["order"]) for e in j["events"]] == [(1, "split", 0x2210, 4), (2, "split", 0x2210, 3), (3, "split", 0x2210, 2), (4, "alloc", 0x2210, 1)] and
	j["events"][0]["upper"] == 0x2218 and j["events"][3]["owner"] == "debugfs" and j["events"][3]["tag"] == "A" and
	list(j["events"][0])[:2] == ["seq", "step"]' \
	--json "${D[@]}" events
tj "bits --json" 0 \
	'j == {"orders": [{"order": 4, "free": "0", "split": "1"}, {"order": 3, "free": "01", "split": "10"}, {"order": 2, "free": "0100", "split": "1000"}, {"order": 1, "free": "01000000", "split": "00000000"}, {"order": 0, "free": "0000000000000000", "split": "-"}]}' \
	--json "${D[@]}" bits
tj "map --json: rows and the legend" 0 \
	'j["rows"] == [{"pfn": 0x2210, "cells": "|AA|..|....|........|"}] and j["legend"][-1] == "A = tag A: 1 block, 2 pages"' \
	--json "${D[@]}" map

tj "tree --json: nodes in pre-order with depth" 0 \
	'[(n["pfn_first"], n["pfn_last"], n["order"], n["pages"], n["state"], n["depth"]) for n in j] == [
	(0x2210, 0x221f, 4, 16, "split", 0), (0x2210, 0x2217, 3, 8, "split", 1),
	(0x2210, 0x2213, 2, 4, "split", 2), (0x2210, 0x2211, 1, 2, "allocated", 3),
	(0x2212, 0x2213, 1, 2, "free", 3), (0x2214, 0x2217, 2, 4, "free", 2),
	(0x2218, 0x221f, 3, 8, "free", 1)] and j[3]["tag"] == "A" and
	j[3]["pid"] == 147 and "tag" not in j[0] and "pid" not in j[4] and len(d) == 1' \
	--json "${D[@]}" tree
tj "tree --json: a blank indent, a numeric-looking tag is a string" 0 \
	'[n["depth"] for n in j] == [0, 1, 2, 3, 3, 4, 4, 2, 1] and j[5]["tag"] == "42" and j[5]["pid"] == 1234' \
	--json "${B[@]}" tree
tj "tree --json: three roots" 0 '[n["depth"] for n in j] == [0, 0, 0] and [n["order"] for n in j] == [6, 5, 2]' \
	--json --debugfs "$fix/empty100" tree
tj "buddyinfo --json" 0 'j == {"node": 0, "zone": "buddy", "free_blocks": [0, 1, 1, 1, 0]}' \
	--json "${D[@]}" buddyinfo
tj "frag --json: numbers" 0 'j == {"node": 0, "zone": "buddy", "unusable_index": [0, 0, 0.142, 0.428, 1], "extfrag_index": [-1, -1, -1, -1, 0.375]}' \
	--json "${D[@]}" frag
tj "stats --json: every line, numbers" 0 \
	'len(j) == 17 and j["pages_total"] == 16 and j["waste_bytes"] == 1024 and j["rejected_commands"] == 0 and list(j)[0] == "pages_total"' \
	--json "${D[@]}" stats
tj "allocations --json" 0 \
	'j == [{"pfn": 0x2210, "order": 1, "pages": 2, "tag": "A", "pid": 147, "age_ms": 373, "request": {"bytes": 7168}, "waste": 1024, "owner": "debugfs", "comm": "sh"},
	{"pfn": 0x2212, "order": 0, "pages": 1, "tag": "42", "pid": 1234, "age_ms": 147, "request": {"order": 0}, "waste": 0, "owner": "dev#3", "comm": "my prog: v2"}]' \
	--json "${B[@]}" allocations
tj "allocations --json: none" 0 'j == []' --json --debugfs "$fix/empty100" allocations
tj "check --json: ok" 0 'j == {"ok": True}' --json "${D[@]}" check
tj "check --json: broken" 1 \
	'j == {"ok": False, "broken": "a record does not match an allocated block (pfn 0x2210)"}' \
	--json --debugfs "$fix/broken" check

# A large pool, fragmented to the last page: 1024 leaves, depth 10.
mkdir -p "$tmp/big"
"$py" - "$tmp/big/tree" <<'EOF'
import sys
out = []
def node(first, order, prefix, last):
	pages = 1 << order
	state = "split" if order else "allocated pid=1"
	branch = "" if prefix is None else prefix + ("└─ " if last else "├─ ")
	out.append("%s0x%x-0x%x order=%d pages=%d %s" % (branch, first, first + pages - 1, order, pages, state))
	if order:
		child = "" if prefix is None else prefix + ("   " if last else "│  ")
		node(first, order - 1, child, False)
		node(first + pages // 2, order - 1, child, True)
node(0x100000, 10, None, True)
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
t "tree: 2047 lines as is" 0 "$(cat "$tmp/big/tree")" "" --debugfs "$tmp/big" tree
tj "tree --json: 2047 nodes, depth 10" 0 \
	'len(j) == 2047 and max(n["depth"] for n in j) == 10 and sum(n["state"] == "allocated" for n in j) == 1024' \
	--json --debugfs "$tmp/big" tree

# === What the module wrote is not what we expect ===

copy_fixture ostep bad
printf '0x2210-0x221f order=4 pages=16 split\n├─ 0x2210-0x2217 pages=8 free\n' > "$tmp/bad/tree"
t "tree: a line without order is EBADMSG at FILE:LINE" 1 "" \
	"$tmp/bad/tree:2: EBADMSG: unexpected line '├─ 0x2210-0x2217 pages=8 free' (buddyctl and the module out of step?)" \
	--debugfs "$tmp/bad" tree
printf '0x2210-0x221f order=4 pages=16 split\n│  │  ├─ 0x2210-0x2211 order=1 pages=2 free\n' > "$tmp/bad/tree"
t "tree: a depth jump" 1 "" "~tree:2: EBADMSG" --debugfs "$tmp/bad" tree
printf '0x2210-0x221f order=4 pages=8 free\n' > "$tmp/bad/tree"
t "tree: pages that do not match the order" 1 "" "~tree:1: EBADMSG" --debugfs "$tmp/bad" tree
printf '0x2210-0x221f order=4 pages=16 full\n' > "$tmp/bad/tree"
t "tree: an unknown state" 1 "" "~tree:1: EBADMSG" --debugfs "$tmp/bad" tree
printf 'Node 0, zone buddy 1 x 2\n' > "$tmp/bad/buddyinfo"
t "buddyinfo: a value that is not a number" 1 "" "~buddyinfo:1: EBADMSG: unexpected line 'Node 0, zone buddy 1 x 2'" \
	--debugfs "$tmp/bad" buddyinfo
: > "$tmp/bad/unusable_index"
t "frag: an empty file" 1 "" "~unusable_index: EBADMSG: empty" --debugfs "$tmp/bad" frag
printf 'pages_total 16\npages_free lots\n' > "$tmp/bad/stats"
t "stats: a value that is not a number" 1 "" \
	"~stats:2: EBADMSG: unexpected line 'pages_free lots'" --debugfs "$tmp/bad" stats
printf '%s\n' "pfn=0x1 order=0 pages=1 pid=1 age_ms=5 request=order:0 waste=0 owner=debugfs comm=x" \
	"order=3 pages=8 owner=debugfs comm=sh" > "$tmp/bad/allocations"
t "allocations: a line without pfn" 1 "" \
	"~allocations:2: EBADMSG: unexpected line 'order=3 pages=8 owner=debugfs comm=sh'" \
	--debugfs "$tmp/bad" allocations
echo maybe > "$tmp/bad/check"
t "check: neither ok nor broken" 1 "" "~check:1: EBADMSG" --debugfs "$tmp/bad" check
printf 'broken: a record \033[2J\n' > "$tmp/bad/check"
t "check: a control byte in the reason" 1 "" \
	"~check:1: EBADMSG: unexpected line 'broken: a record \\\\033\\[2J'" --debugfs "$tmp/bad" check
{ head -1 "$fix/ostep/map"; printf '# A = tag \033]0;x\007\n'; } > "$tmp/bad/map"
t "map: a control byte in a legend line" 1 "" \
	"~map:2: EBADMSG: unexpected line '# A = tag \\\\033\\]0;x\\\\007'" --debugfs "$tmp/bad" map
{ printf '# \x9b2J\n'; cat "$fix/ostep/bitmaps"; } > "$tmp/bad/bitmaps"
t "bits: a byte outside ASCII in a note" 1 "" \
	"~bitmaps:1: EBADMSG: unexpected line '# \\\\233" --debugfs "$tmp/bad" bits
rm "$tmp/bad/stats"
t "a missing file in the directory" 1 "" \
	"~stats: ENOENT: no such file: not the buddy module's debugfs directory" \
	--debugfs "$tmp/bad" stats

# Only what the module can never write (buddy_view.c) is refused: it always
# writes a tree, stats, a buddyinfo line, bitmaps and a map; allocations
# and events are empty when nothing is allocated, nothing happened yet.
for f in tree stats buddyinfo bitmaps map; do
	copy_fixture ostep empty
	: > "$tmp/empty/$f"
	view=$f
	[[ $f == bitmaps ]] && view=bits
	t "$view: an empty file" 1 "" \
		"$tmp/empty/$f: EBADMSG: empty, and the module always writes at least one line (buddyctl and the module out of step?)" \
		--debugfs "$tmp/empty" "$view"
done
copy_fixture ostep empty
: > "$tmp/empty/allocations"
: > "$tmp/empty/events"
t "allocations: empty is nothing allocated" 0 "no allocations" "" \
	--debugfs "$tmp/empty" allocations
t "events: empty is nothing done yet" 0 "" "" --debugfs "$tmp/empty" events

# The module never writes a NUL byte: what follows one is not skipped.
copy_fixture ostep nul
printf '\0000x2210-0x221f order=4 pages=16 free\n' > "$tmp/nul/tree"
t "tree: a line starting with a NUL byte" 1 "" \
	"$tmp/nul/tree:1: EBADMSG: unexpected line '': a NUL byte after it (buddyctl and the module out of step?)" \
	--debugfs "$tmp/nul" tree
printf 'pages_total 16\npages_free 14\000 junk\nallocs 1\n' > "$tmp/nul/stats"
t "stats: a NUL byte inside a line" 1 "" \
	"~stats:2: EBADMSG: unexpected line 'pages_free 14': a NUL byte after it" \
	--debugfs "$tmp/nul" stats
tj "stats --json: a NUL byte inside a line" 1 'j["errno_name"] == "EBADMSG"' \
	--json --debugfs "$tmp/nul" stats

copy_fixture ostep bad2
cat "$fix/ostep/buddyinfo" "$fix/ostep/buddyinfo" > "$tmp/bad2/buddyinfo"
t "buddyinfo: a second line" 1 "" \
	"~buddyinfo:2: EBADMSG: unexpected line 'Node 0, zone    buddy .*': the module writes one line" \
	--debugfs "$tmp/bad2" buddyinfo
printf 'Node 0, zone buddy 0.000 1.5 0.142\n' > "$tmp/bad2/unusable_index"
t "frag: an index not as the module prints one" 1 "" \
	"~unusable_index:1: EBADMSG" --debugfs "$tmp/bad2" frag
head -1 "$fix/ostep/tree" > "$tmp/bad2/tree"
t "tree: a split block without its halves" 1 "" \
	"$tmp/bad2/tree:1: EBADMSG: unexpected line '0x2210-0x221f order=4 pages=16 split': the tree ends before the halves of a split block (buddyctl and the module out of step?)" \
	--debugfs "$tmp/bad2" tree
sed 4d "$fix/ostep/tree" > "$tmp/bad2/tree"
t "tree: a split block with one half" 1 "" \
	"~tree:4: EBADMSG: unexpected line '│  │  └─ 0x2212-0x2213 order=1 pages=2 free': not the block the tree has here" \
	--debugfs "$tmp/bad2" tree
{ cat "$fix/ostep/tree"; echo "└─ 0x2220-0x2227 order=3 pages=8 free"; } > "$tmp/bad2/tree"
t "tree: a third half" 1 "" "~tree:8: EBADMSG: .*not the block the tree has here" \
	--debugfs "$tmp/bad2" tree
{ cat "$fix/ostep/tree"; echo "0x2230-0x2233 order=2 pages=4 free"; } > "$tmp/bad2/tree"
t "tree: roots with a gap between them" 1 "" "~tree:8: EBADMSG" \
	--debugfs "$tmp/bad2" tree
{ cat "$fix/ostep/tree"; echo "0x2220-0x2223 order=2 pages=4 free"; } > "$tmp/bad2/tree"
t "tree: roots one after the other" 0 "$(cat "$tmp/bad2/tree")" "" \
	--debugfs "$tmp/bad2" tree
for bits in "order=0 free=0x split=-" "order=1 free=01 split=0" \
	    "order=1 free=01 split=-" "order=0 free=0101 split=01" \
	    "order=2 free=3/2 split=0/2" "order=2 free=1/4 split=01"; do
	echo "$bits" > "$tmp/bad2/bitmaps"
	t "bits: '$bits' is refused" 1 "" "~bitmaps:1: EBADMSG: unexpected line '$bits'" \
		--debugfs "$tmp/bad2" bits
done
printf '%s\n' "# 8192 pages: counts" "order=1 free=2/4096 split=1/4096" \
	"order=0 free=0/8192 split=-" > "$tmp/bad2/bitmaps"
t "bits: counts" 0 "$(cat "$tmp/bad2/bitmaps")" "" --debugfs "$tmp/bad2" bits
for line in "pfn=0x2210 order=1" \
	    "pfn=0x2210 order=1 pages=4 pid=1 age_ms=5 request=order:1 waste=0 owner=debugfs comm=sh" \
	    "pfn=0x2210 order=1 pages=2 pid=x age_ms=5 request=order:1 waste=0 owner=debugfs comm=sh"; do
	echo "$line" > "$tmp/bad2/allocations"
	t "allocations: '${line:0:40}...' is refused" 1 "" \
		"~allocations:1: EBADMSG" --debugfs "$tmp/bad2" allocations
done
# comm as the module escapes it (\ooo, and \\ for a backslash) stays as
# it is; a byte it would have escaped is escaped, never sent raw.
printf 'pfn=0x2210 order=1 pages=2 pid=1 age_ms=5 request=order:1 waste=0 owner=debugfs comm=a\033[2J\\\\b\\012c \351\n' \
	> "$tmp/bad2/allocations"
t "allocations: raw bytes in comm are escaped" 0 "$(cat <<'EOT'
PFN     ORDER  PAGES  TAG  PID  AGE_MS  REQUEST  WASTE  OWNER    COMM
0x2210      1      2  -      1       5  order:1      0  debugfs  a\033[2J\\b\012c \351
EOT
)" "" --debugfs "$tmp/bad2" allocations
tj "allocations --json: raw bytes in comm are escaped" 0 \
	'j[0]["comm"] == "a\\033[2J\\\\b\\012c \\351"' --json --debugfs "$tmp/bad2" allocations

# === No module, no debugfs, not root ===

t "no debugfs directory: is the module loaded? is debugfs mounted?" 1 "" \
	"$tmp/nonexistent: ENOENT: not found: is the buddy module loaded? is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)" \
	--debugfs "$tmp/nonexistent" tree
tj "no debugfs directory, --json: the error on stdout" 1 \
	'j["errno"] == 2 and j["errno_name"] == "ENOENT" and "is the buddy module loaded?" in j["error"]' \
	--json --debugfs "$tmp/nonexistent" stats
t "no device: is the module loaded?" 1 "" \
	"$tmp/nodev: ENOENT: no such device: is the buddy module loaded? (insmod buddy.ko)" \
	--dev "$tmp/nodev" info
t "not the device: ENOTTY" 1 "" \
	"info: ENOTTY: /dev/null is not the buddy device: it does not know the buddy ioctls" \
	--dev /dev/null info
t "--debugfs a file: ENOTDIR" 1 "" "~ENOTDIR" --debugfs /dev/null tree

if [[ $(id -u) == 0 ]] && command -v setpriv > /dev/null; then
	copy_fixture ostep rootonly
	chmod 700 "$tmp/rootonly"
	touch "$tmp/rootdev"
	chmod 600 "$tmp/rootdev"
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	run_as_nobody() {
		timeout 10 "${nobody[@]}" "$BC" "$@" > "$tmp/out" 2> "$tmp/err"
		rc=$?
		out=$(cat "$tmp/out")
		err=$(cat "$tmp/err")
	}
	run_as_nobody --debugfs "$tmp/rootonly" tree
	if [[ $rc == 1 && $err == "$tmp/rootonly/tree: EACCES: permission denied: debugfs is root-only: run buddyctl as root" ]]; then
		pass "not root, debugfs: EACCES"
	else
		fail "not root, debugfs: EACCES" "rc=$rc" "$err"
	fi
	run_as_nobody --dev "$tmp/rootdev" shell
	if [[ $rc == 1 && $err == "$tmp/rootdev: EACCES: permission denied: the device is root-only (mode 0600): run buddyctl as root" ]]; then
		pass "not root, device: EACCES"
	else
		fail "not root, device: EACCES" "rc=$rc" "$err"
	fi
else
	echo "SKIP not root, or no setpriv: the EACCES tests"
fi

# === One-shot alloc, free, reset ===
# They write and read one open debugfs control file, which keeps its own
# result: no plain file or FIFO behaves so, and a fake would test the fake.
# tools/buddyctl/tests/vm.sh runs them against the real module.

copy_fixture ostep ctl
# Refused by the shared parser before anything is written: control is
# not even there.
rm -f "$tmp/ctl/control"
t "alloc: size 0" 1 "" "alloc 0B: EINVAL: a size must be at least 1 byte" \
	--debugfs "$tmp/ctl" alloc 0B
t "alloc: not a number" 1 "" "alloc banana: EINVAL: 'banana' is not an order or a size" \
	--debugfs "$tmp/ctl" alloc banana
t "alloc: a huge number" 1 "" \
	"alloc 99999999999999999999999: EINVAL: '99999999999999999999999' is not an order or a size" \
	--debugfs "$tmp/ctl" alloc 99999999999999999999999
t "alloc: a huge size" 1 "" "alloc 99999999999G: EINVAL: size '99999999999G' is too large" \
	--debugfs "$tmp/ctl" alloc 99999999999G
t "alloc: a bad tag" 1 "" \
	"alloc 3 tag=a/b: EINVAL: bad tag 'a/b': 1-15 characters of A-Z a-z 0-9 _ . -" \
	--debugfs "$tmp/ctl" alloc 3 tag=a/b
t "alloc: nothing to allocate" 1 "" "alloc: EINVAL: usage: alloc ORDER|SIZE [tag=NAME]" \
	--debugfs "$tmp/ctl" alloc
t "free: not a pfn" 1 "" "free 12abc: EINVAL: '12abc' is not a page frame number (0x hex or decimal)" \
	--debugfs "$tmp/ctl" free 12abc
t "reset: no arguments" 1 "" "reset all: EINVAL: usage: reset" --debugfs "$tmp/ctl" reset all
t "a newline in an argument" 1 "" \
	"~EINVAL: one command per write, printable ASCII only" \
	--debugfs "$tmp/ctl" alloc $'3\nreset'
tj "alloc --json: the error" 1 \
	'j == {"error": "alloc 0B: EINVAL: a size must be at least 1 byte", "errno": 22, "errno_name": "EINVAL"}' \
	--json --debugfs "$tmp/ctl" alloc 0B
t "alloc: no control file" 1 "" "~control: ENOENT: no such file" --debugfs "$tmp/ctl" alloc 3
t "alloc: no debugfs" 1 "" "~is debugfs mounted" --debugfs "$tmp/nonexistent" alloc 3

# === Sessions: bad input never crashes, hangs or gets past the parser ===

cat > "$tmp/bad.txt" <<'EOF'
# a comment, then blank lines

   	
alloc
alloc banana
alloc 0B
alloc 99999999999999999999999
alloc 3 tag=waytoolongtagname
free
free -1
free 0x
free tag=
reset now
frobnicate
show tree maybe
tree now
alloc 3
free 0x2210
free tag=A
reset
list
show tree on
quit
alloc 1
EOF
IN=$tmp/bad.txt t "shell: a clear line per bad input, status 1" 1 "$(cat <<'EOT'
reset blocks=0 pages=0
this session holds no blocks
EOT
)" "$(cat <<'EOT'
alloc: EINVAL: usage: alloc ORDER|SIZE [tag=NAME]
alloc banana: EINVAL: 'banana' is not an order or a size
alloc 0B: EINVAL: a size must be at least 1 byte
alloc 99999999999999999999999: EINVAL: '99999999999999999999999' is not an order or a size
alloc 3 tag=waytoolongtagname: EINVAL: bad tag 'waytoolongtagname': 1-15 characters of A-Z a-z 0-9 _ . -
free: EINVAL: usage: free PFN | free tag=NAME
free -1: EINVAL: '-1' is not a page frame number (0x hex or decimal)
free 0x: EINVAL: '0x' is not a page frame number (0x hex or decimal)
free tag=: EINVAL: bad tag '': 1-15 characters of A-Z a-z 0-9 _ . -
reset now: EINVAL: usage: reset
frobnicate: EINVAL: unknown command 'frobnicate' (try help)
show tree maybe: EINVAL: usage: show tree on|off
tree now: EINVAL: tree takes no arguments
alloc 3: ENOTTY: /dev/null is not the buddy device: it does not know the buddy ioctls
free 0x2210: ENOTTY: /dev/null is not the buddy device: it does not know the buddy ioctls
free tag=A: ENOENT: no block of this session has that tag (see 'list')
EOT
)" --dev /dev/null "${D[@]}" shell

printf 'alloc 3\001\nalloc\0003\n%s\nlist\r\nhelp me\nfree 0x2211' \
	"$(printf 'a%.0s' {1..3000})" > "$tmp/bytes.txt"
IN=$tmp/bytes.txt t "shell: control characters, NUL, a long line, CRLF, no final newline" 1 \
	"this session holds no blocks" "$(cat <<'EOT'
alloc 3\001: EINVAL: one command per write, printable ASCII only (byte 0x1 at 7)
alloc\000...: EINVAL: a NUL byte in the line
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: EINVAL: line longer than 1024 bytes
help me: EINVAL: help takes no arguments
free 0x2211: ENOTTY: /dev/null is not the buddy device: it does not know the buddy ioctls
EOT
)" --dev /dev/null "${D[@]}" shell

# The module's commands reach its parser as debugfs would get them: one
# "\n" or "\r\n" taken off, nothing else.  Blanks are fine, a '\r' left is
# refused, and so is a line over 128 bytes made of blanks.
printf 'alloc 3   \r\nalloc 1\r\r\nalloc 0%130s\n  free 0x0\t\nalloc 2\r' "" \
	> "$tmp/crlf.txt"
IN=$tmp/crlf.txt t "run: the module's commands as debugfs takes them, endings and blanks" 1 \
	"$(printf 'pfn=0x0 order=3 pages=8\nfreed pfn=0x0 order=3 pages=8')" \
	"$(printf 'stdin:2: alloc 1\\015: EINVAL: one command per write, printable ASCII only (byte 0xd at 7)
stdin:3: alloc 0%61s...: EINVAL: command longer than 128 bytes
stdin:5: alloc 2\\015: EINVAL: one command per write, printable ASCII only (byte 0xd at 7)' "")" \
	--sim 16 -k run -
"$BC" --sim 16 html "$tmp/crlf.txt" -o "$tmp/crlf.html"
if [[ $(grep -c '<pre class="failed">' "$tmp/crlf.html") == 3 &&
      $(grep -c 'data-step=' "$tmp/crlf.html") == 6 ]] &&
   grep -qF '<code>alloc 1\015</code>' "$tmp/crlf.html" &&
   grep -qF '<code>alloc 3</code>' "$tmp/crlf.html"; then
	pass "html: the same lines as run, refused the same"
else
	fail "html: the lines run refuses" "$(grep -a -E '<h2>|class="failed"' "$tmp/crlf.html" | cat -v)"
fi

printf '# views only\n\ntree\nbuddyinfo\ncheck\nlist\nshow tree off\nexit\nfrob\n' > "$tmp/good.txt"
IN=$tmp/good.txt t "shell: views in a session, exit stops, status 0" 0 "$(cat "$fix/ostep/tree"
	printf '                order      0      1      2      3      4 \n'
	cat "$fix/ostep/buddyinfo"
	printf 'ok\nthis session holds no blocks')" "" --dev /dev/null "${D[@]}" shell
printf 'help\n' > "$tmp/help.txt"
IN=$tmp/help.txt t "shell: help lists the session commands" 0 \
	"~show tree on\\|off" "" --dev /dev/null "${D[@]}" shell
IN=/dev/null t "shell: empty input is a clean end" 0 "" "" --dev /dev/null shell
IN=$tmp/bad.txt t "shell: no device, before reading anything" 1 "" \
	"$tmp/nodev: ENOENT: no such device: is the buddy module loaded? (insmod buddy.ko)" \
	--dev "$tmp/nodev" shell
IN=$tmp/bad.txt t "shell: no debugfs is a per-command error" 1 "~^reset blocks=0" \
	"~^tree now: EINVAL" --dev /dev/null --debugfs "$tmp/nonexistent" shell

printf 'tree\nbuddyinfo\nalloc 0K\nfrob\ncheck\nstats\n' > "$tmp/json.txt"
IN=$tmp/json.txt tj "shell --json: one document per command, errors included" 1 \
	'len(d) == 6 and isinstance(d[0], list) and d[1]["free_blocks"] == [0, 1, 1, 1, 0] and
	d[2]["errno_name"] == "EINVAL" and "size must be at least 1 byte" in d[2]["error"] and
	"file" not in d[2] and d[3]["errno"] == 22 and d[4] == {"ok": True} and d[5]["pages_total"] == 16' \
	--json --dev /dev/null "${D[@]}" shell
printf 'help\nshow tree on\nlist\nreset\n' > "$tmp/json2.txt"
IN=$tmp/json2.txt tj "shell --json: help, show, list, reset" 0 \
	'"alloc ORDER" in d[0]["help"] and d[1] == {"show_tree": True} and d[2] == [] and
	d[3]["op"] == "reset" and d[3]["blocks"] == 0 and isinstance(d[3]["tree"], list)' \
	--json --dev /dev/null "${D[@]}" shell

# Seeded garbage: no crash, no hang, every output line still JSON.
"$py" -c '
import random, sys
random.seed(7)
words = [b"alloc", b"free", b"reset", b"tag=", b"0x", b"7K", b"18446744073709551616",
	 b"show", b"tree", b"list", b"\xff\xfe", b"\xe2\x94", b"\t", b" ", b"\n", b"#"]
out = bytearray()
for _ in range(3000):
	out += random.choice(words) if random.random() < 0.7 else bytes([random.randrange(256)])
sys.stdout.buffer.write(bytes(out))' > "$tmp/garbage"
IN=$tmp/garbage tj "shell --json: seeded garbage stays valid JSON" 1 'len(d) > 50' \
	--json --dev /dev/null "${D[@]}" shell
IN=$tmp/garbage t "shell: seeded garbage, human" 1 "*" "~EINVAL" --dev /dev/null "${D[@]}" shell

# === Batch: run FILE ===

printf 'tree\n# fine so far\nalloc 0B\nbuddyinfo\nfrob\n' > "$tmp/batch.txt"
t "run: stops at the first error, FILE:LINE" 1 "$(cat "$fix/ostep/tree")" \
	"$tmp/batch.txt:3: alloc 0B: EINVAL: a size must be at least 1 byte" \
	--dev /dev/null "${D[@]}" run "$tmp/batch.txt"
t "run -k: goes on, reports each error, status 1" 1 "$(cat "$fix/ostep/tree"
	printf '                order      0      1      2      3      4 \n'
	cat "$fix/ostep/buddyinfo")" "$(cat <<EOT
$tmp/batch.txt:3: alloc 0B: EINVAL: a size must be at least 1 byte
$tmp/batch.txt:5: frob: EINVAL: unknown command 'frob' (try help)
EOT
)" --dev /dev/null "${D[@]}" run -k "$tmp/batch.txt"
t "run --keep-going before the command" 1 "*" "~batch.txt:5: frob" \
	--keep-going --dev /dev/null "${D[@]}" run "$tmp/batch.txt"
IN=$tmp/batch.txt t "run -: stdin" 1 "*" "stdin:3: alloc 0B: EINVAL: a size must be at least 1 byte" \
	--dev /dev/null "${D[@]}" run -
tj "run --json: errors carry file and line" 1 \
	'd[1] == {"error": "alloc 0B: EINVAL: a size must be at least 1 byte", "errno": 22, "errno_name": "EINVAL", "file": "'"$tmp/batch.txt"'", "line": 3} and len(d) == 2' \
	--json --dev /dev/null "${D[@]}" run "$tmp/batch.txt"
t "run: a good file, status 0" 0 "*" "" --dev /dev/null "${D[@]}" run "$tmp/good.txt"
t "run: no such file" 1 "" "$tmp/nofile: ENOENT: no such file or directory" \
	--dev /dev/null run "$tmp/nofile"
t "run: no device" 1 "" "~nodev: ENOENT: no such device" --dev "$tmp/nodev" run "$tmp/good.txt"

# A session's blocks, by the thousand: each free finds its own block (its
# tag in the "freed" line), list keeps them in the order they came, and
# holds what the pool's records say this session holds, and no more.
"$py" - > "$tmp/many.txt" <<'EOF'
n = 5000
for i in range(n):
	print("alloc 0 tag=t%d" % (i % 7))
for pfn in range(n - 1, -1, -3):
	print("free 0x%x" % pfn)
print("free tag=t2")
print("list")
for i in range(n // 2):
	print("alloc 0 tag=u%d" % (i % 5))
for pfn in range(1, n, 4):
	print("free %d" % pfn)
print("free tag=u3")
print("list")
print("allocations")
print("reset")
print("list")
EOF
"$BC" --json --sim 8192 run "$tmp/many.txt" > "$tmp/many.json" 2>&1
rc=$?
r=$("$py" - "$tmp/many.json" <<'EOF' 2>&1
import json, sys
held = {}			# pfn: tag, in the order allocated
checked = 0
for n, x in enumerate(map(json.loads, open(sys.argv[1]))):
	if isinstance(x, list) and x and "phys_addr" in x[0]:
		ok = [(b["pfn"], b.get("tag")) for b in x] == list(held.items())
	elif isinstance(x, list) and x:
		ok = sorted((b["pfn"], b.get("tag")) for b in x
			    if b["owner"] == "dev#1") == sorted(held.items())
	elif isinstance(x, list):
		ok = not held
	elif x.get("op") == "alloc":
		ok = x["pfn"] not in held
		held[x["pfn"]] = x["tag"]
	elif x.get("op") == "free":
		ok = all(held.pop(f["pfn"], None) == f.get("tag") for f in x["freed"])
	elif x.get("op") == "reset":
		ok = x["blocks"] == len(held)
		held.clear()
	else:
		ok = False
	if not ok:
		print("document", n + 1, "is not what the session held:", str(x)[:300])
		sys.exit(1)
	checked += 1
print(checked)
EOF
)
if [[ $rc == 0 && $r =~ ^[0-9]+$ ]] && ((r > 9000)); then
	pass "run: $r allocs, frees and lists, each as the session held its blocks"
else
	fail "run: thousands of allocs, frees and lists" "rc=$rc" "$r"
fi

# === make lab: what git tracks, nothing else ===

# A repository of its own with lab.sh, its library and buddy_core.c
# tracked, and a teacher's solution beside them, untracked; a tracked file
# deleted from the working tree is no error, and not copied.
if command -v git > /dev/null; then
	mkdir -p "$tmp/labrepo/scripts"
	cp "$root/scripts/lab.sh" "$root/scripts/lib.sh" "$tmp/labrepo/scripts/"
	cp "$root/buddy_core.c" "$tmp/labrepo/"
	echo "gone" > "$tmp/labrepo/old.txt"
	(cd "$tmp/labrepo" && git init -q && git add -A &&
	 echo "the answer" > solution.c && mkdir notes &&
	 echo "the answer" > notes/merge.txt && rm old.txt) > /dev/null 2>&1
	"$tmp/labrepo/scripts/lab.sh" "$tmp/labout" > "$tmp/lab.log" 2>&1
	rc=$?
	got=$(cd "$tmp/labout" 2> /dev/null && find . -type f | sort | tr '\n' ' ')
	if [[ $rc == 0 && $got == "./.lab-written ./LAB.md ./buddy_core.c ./scripts/lab.sh ./scripts/lib.sh " ]]; then
		pass "make lab copies the tracked files, not an untracked solution"
	else
		fail "make lab copies the tracked files, not an untracked solution" \
			"rc=$rc: $got" "$(cat "$tmp/lab.log")"
	fi
fi

# === A terminal: the prompt ===

if command -v script > /dev/null; then
	printf 'list\nquit\n' > "$tmp/tty.txt"
	script -qec "$BC --dev /dev/null shell < /dev/tty" /dev/null < "$tmp/tty.txt" > "$tmp/tty.out" 2>&1
	if grep -q 'buddy> ' "$tmp/tty.out"; then
		pass "shell on a terminal: prompt 'buddy> '"
	else
		fail "shell on a terminal: prompt 'buddy> '" "$(cat -A "$tmp/tty.out" | head)"
	fi
fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
