# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The smoke run: a few tests of the end-to-end suite (suite.sh), for the
# kernels make check does not run the whole suite in: load and unload,
# Stallings' example, every malformed command and size, the ioctls' bad
# input (buddy_dev_test).  Runs in the guest like suite.sh, which it needs
# beside it with what suite.sh needs.

# shellcheck disable=SC2034 # read by suite.sh
BUDDY_E2E_TESTS="load_unload stallings bad_commands sizes dev"
# shellcheck disable=SC2034
BUDDY_E2E_NAME=smoke
# shellcheck source=suite.sh
. ./suite.sh
