# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# faults.sh - fault injection: every allocation of every operation on
# buddy.ko fails in turn (buddy_failnth does the work).  Runs in the guest
# on the debug kernel, as root, with buddy.ko NOT loaded (BUDDY_LOAD=0);
# leaves it loaded (-k) for the runner's rmmod and kmemleak scan
# (BUDDY_KMEMLEAK=1).  Needs lib.sh and buddy_failnth beside it.
# Arguments go to buddy_failnth: "-v", operation names.

# shellcheck source=lib.sh
. ./lib.sh
PATH=.:$PATH

start=$(date +%s)
ok "every allocation fails in turn" buddy_failnth -k -m "$KO" "$@"

# As a user runs it by hand: the names it takes, and a run after a run.
out=$(buddy_failnth bogus 2>&1)
rc=$?
expect "an unknown operation: exit 2, the names listed" \
	"$rc,$(echo "$out" | grep -c "^buddy_failnth: 'bogus' is no operation"),$(echo "$out" | grep -cxF '    control: reset')" \
	"2,1,1"
out=$(buddy_failnth --help 2>&1)
rc=$?
expect "--help: exit 0, the names listed, no complaint" \
	"$rc,$(echo "$out" | grep -cxF '    ioctl INFO'),$(echo "$out" | grep -c invalid)" \
	"0,1,0"
ok "a run with buddy.ko left loaded (-k above)" \
	buddy_failnth -1 -m "$KO" "control: reset"
expect "without -k, a run unloads buddy.ko at its end" \
	"$(grep -c '^buddy ' /proc/modules)" "0"
# -k: for the runner's rmmod, as above.
ok "a run after a run" buddy_failnth -1 -k -m "$KO" "control: reset"
echo "faults: took $(($(date +%s) - start)) s in the guest"
finish faults
