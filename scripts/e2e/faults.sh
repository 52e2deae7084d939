# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# faults.sh - fault injection: every allocation of every operation on
# buddy.ko fails in turn (buddy_failnth does the work).  Runs in the guest
# on the debug kernel, as root, with buddy.ko NOT loaded (BUDDY_LOAD=0);
# leaves it loaded for the runner's rmmod and kmemleak scan
# (BUDDY_KMEMLEAK=1).  Needs lib.sh and buddy_failnth beside it.
# Arguments go to buddy_failnth: "-v", operation names.

# shellcheck source=lib.sh
. ./lib.sh
PATH=.:$PATH

start=$(date +%s)
ok "every allocation fails in turn" buddy_failnth -m "$KO" "$@"
echo "faults: took $(($(date +%s) - start)) s in the guest"
finish faults
