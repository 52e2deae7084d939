// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_core_host.c - kunit/buddy_core_test.c, unchanged, for the host
 *
 * A file of its own only for its object's name: tools/test/ has a
 * buddy_core_test.c too.  The suite brings its own copy of the core, as
 * buddy_test.ko does; kunit_host.c runs it (make -C tools test).
 */
#include "../../kunit/buddy_core_test.c"
