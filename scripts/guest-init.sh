#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest-init.sh - /init of the QEMU guest (busybox sh, not bash).
#
# mkinitramfs.sh installs this as /init next to /etc/buddy.conf, which
# sets:
#	BUDDY_SCRIPT		the test script, in /test (run with sh, cwd /test)
#	BUDDY_LOAD		0: don't insmod buddy.ko before the script
#	BUDDY_PARAMS		module parameters for buddy.ko
#	BUDDY_KMEMLEAK		1: after the script, unload buddy and fail on
#				anything kmemleak reports
#	BUDDY_INTERACTIVE	1: after the script, a root shell on the console
#
# The host reads the console.  It sees the script's output, then
#	BUDDY-EXIT: <status>
# then the whole kernel log between BUDDY-DMESG-BEGIN and BUDDY-DMESG-END
# (the console only shows warnings and worse as they happen), and then the
# guest reboots, which with qemu -no-reboot ends the VM.  No exit line
# means the guest crashed or hung.

PATH=/bin
HOME=/root
export PATH HOME
BUDDY_LOAD=1
BUDDY_PARAMS=
BUDDY_KMEMLEAK=0
BUDDY_INTERACTIVE=0
BUDDY_SCRIPT=
# shellcheck source=/dev/null # written by mkinitramfs.sh
. /etc/buddy.conf

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# If the initramfs had no /dev/console we started without stdio: take the
# console now that devtmpfs provides it.
exec </dev/console >/dev/console 2>&1

# Never return from here: a dead init panics the kernel, which would make
# any mistake in this file look like a kernel crash.
finish()
{
	echo "BUDDY-EXIT: $1"
	echo "BUDDY-DMESG-BEGIN"
	dmesg
	echo "BUDDY-DMESG-END"
	sync
	reboot -f
	# reboot -f only returns if it failed; sleep is better than a panic.
	sleep 3600
}

echo "BUDDY-BOOT: $(uname -r), $(nproc) cpu(s), $(awk '/MemTotal/ { print $2 / 1024 " MiB" }' /proc/meminfo)"

kmemleak=/sys/kernel/debug/kmemleak
if [ "$BUDDY_KMEMLEAK" = 1 ] && [ -e $kmemleak ]; then
	# Whatever boot itself leaked (or kmemleak thinks it did) is not
	# ours: report it now and forget it.
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

status=0
loaded=0
if [ "$BUDDY_LOAD" != 0 ]; then
	# Word splitting of BUDDY_PARAMS is intended: one word per parameter.
	# shellcheck disable=SC2086
	if insmod /lib/buddy/buddy.ko $BUDDY_PARAMS; then
		loaded=1
	else
		status=$?
		echo "BUDDY-TEST: FAIL insmod buddy.ko $BUDDY_PARAMS (status $status)"
	fi
fi

if [ "$status" = 0 ] && [ -n "$BUDDY_SCRIPT" ]; then
	cd /test || finish 1
	sh "./$BUDDY_SCRIPT"
	status=$?
	cd /
fi

if [ "$BUDDY_KMEMLEAK" = 1 ]; then
	if [ -e $kmemleak ]; then
		# Unload first, so that whatever the module leaked has no
		# owner left.  kmemleak ignores objects younger than 5 s and
		# wants an object unreferenced in two scans before it says so.
		if grep -q '^buddy ' /proc/modules; then
			rmmod buddy || { echo "BUDDY-TEST: FAIL rmmod buddy"; status=1; }
		fi
		sleep 6
		echo scan >$kmemleak
		echo scan >$kmemleak
		leaks=$(cat $kmemleak)
		if [ -n "$leaks" ]; then
			echo "$leaks"
			echo "BUDDY-TEST: FAIL kmemleak"
			[ "$status" = 0 ] && status=1
		else
			echo "BUDDY-TEST: PASS kmemleak"
		fi
	else
		echo "BUDDY-NOTE: no kmemleak in this kernel (use BUDDY_KERNEL=debug)"
	fi
fi

if [ "$BUDDY_INTERACTIVE" = 1 ]; then
	echo "BUDDY-NOTE: script status $status; buddy.ko $([ $loaded = 1 ] && echo loaded || echo not loaded)"
	echo "BUDDY-NOTE: root shell; 'exit' or Ctrl-D powers off (Ctrl-A x kills qemu)"
	# cttyhack makes the real console (ttyS0) the shell's controlling
	# tty, so job control and Ctrl-C work; setsid gives it a session.
	cd /test 2>/dev/null || cd /
	setsid cttyhack sh -l
	cd /
	# The shell leaves its prompt on the line: start a fresh one.
	echo
fi

finish "$status"
