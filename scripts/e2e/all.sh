# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# In one boot: KUnit when kunit.sh is here (the debug kernel's; the host
# reads its results from the log), the e2e suite, then, when their
# programs are here, the short stress and ioctl fuzz (buddy_stress, with
# stress.conf; it loads and unloads buddy.ko) and fault injection
# (buddy_failnth, the debug kernel's; last, as it leaves buddy.ko loaded
# for the runner's rmmod).  scripts/e2e.sh --all packs them; make check
# runs it so that the debug kernel boots, and kmemleak scans, once for
# all four.  Each part says its own "N passed, N failed".

status=0
# part NAME SCRIPT [ARGS...]: run it, then say how long it took (a note,
# not a check: where a slow make check spends its guest's time).
part()
{
	t0=$(date +%s)
	name=$1
	shift
	sh "$@" || status=1
	echo "all: $name took $(($(date +%s) - t0)) s in the guest"
}

if [ -f kunit.sh ]; then
	part KUnit ./kunit.sh
fi
part "the e2e suite" ./suite.sh
if [ -x buddy_stress ]; then
	part "the stress and ioctl fuzz" ./stress.sh
fi
if [ -x buddy_failnth ]; then
	# Each point alone (-1): make faults also fails all after each.
	part "fault injection" ./faults.sh -1
fi
exit "$status"
