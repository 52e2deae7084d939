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
if [ -f kunit.sh ]; then
	sh ./kunit.sh || status=1
fi
sh ./suite.sh || status=1
if [ -x buddy_stress ]; then
	sh ./stress.sh || status=1
fi
if [ -x buddy_failnth ]; then
	# Each point alone (-1): make faults also fails all after each.
	sh ./faults.sh -1 || status=1
fi
exit "$status"
