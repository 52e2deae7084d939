# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# guest.sh - buddyctl's tests in one boot of the QEMU guest: vm.sh
# (buddyctl against the module) and twin.sh (the twin against the
# module).  Exit status 1 if either failed.  Alone:
#
#	scripts/vm-run.sh tools/buddyctl/tests/guest.sh \
#		tools/buddyctl/tests/vm.sh tools/buddyctl/tests/twin.sh \
#		tools/buddyctl/tests/twin scenarios scripts/e2e/lib.sh
#
# make check runs it in the Debian kernel's one boot instead, after the
# e2e suite (scripts/e2e.sh --all, scripts/e2e/all.sh).

status=0
sh ./vm.sh || status=1
sh ./twin.sh || status=1
exit $status
