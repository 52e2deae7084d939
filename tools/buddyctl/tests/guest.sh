# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# guest.sh - buddyctl's tests in one boot of the QEMU guest: vm.sh
# (buddyctl against the module) and twin.sh (the twin against the
# module).  Exit status 1 if either failed.

status=0
sh ./vm.sh || status=1
sh ./twin.sh || status=1
exit $status
