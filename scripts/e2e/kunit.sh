# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# KUnit in the guest: loads the test module, which runs its suites as it
# loads, prints every suite's /sys/kernel/debug/kunit/<suite>/results
# between BUDDY-KTAP-BEGIN and BUDDY-KTAP-END (kunit_report in
# scripts/lib.sh reads them from the console log), and unloads it: the
# exit path is tested too, and kmemleak wants the module gone.  The module
# is the .ko beside this script (scripts/kunit.sh MODULE.ko puts it there),
# else /lib/buddy/buddy_test.ko (the debug kernel's initramfs has it).

set -- ./*.ko
[ -e "$1" ] || set -- /lib/buddy/buddy_test.ko
ko=$1
name=$(basename "$ko" .ko)

# KTAP to the console as it is printed, so a crash mid-suite still shows
# how far the suites got.
echo 7 >/proc/sys/kernel/printk
insmod "$ko" || { echo "BUDDY-TEST: FAIL insmod $name.ko"; exit 1; }
echo 5 >/proc/sys/kernel/printk
echo BUDDY-KTAP-BEGIN
for r in /sys/kernel/debug/kunit/*/results; do
	[ -e "$r" ] || continue
	echo "BUDDY-KTAP-SUITE $(basename "$(dirname "$r")")"
	cat "$r"
done
echo BUDDY-KTAP-END
rmmod "$name" || { echo "BUDDY-TEST: FAIL rmmod $name"; exit 1; }
