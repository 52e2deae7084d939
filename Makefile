# SPDX-License-Identifier: GPL-2.0
#
# buddy: a teaching buddy allocator as a kernel module.
# The kernel build itself is described by Kbuild; this file is for people.

KDIR ?= /lib/modules/$(shell uname -r)/build
FUZZ_SECONDS ?= 60
MUTATE_FILE ?= buddy_core.c
MUTATE_JOBS ?= 2
PREFIX ?= /usr/local
# The release of the kernel in KDIR, as uname -r and vermagic say it: where
# install puts buddy.ko.  (Debian's headers have only the upstream version
# in include/config/kernel.release.)
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	     $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
# modules_install signs modules when the kernel's config says so, with the
# key of the kernel's build, which distributions do not ship: only with
# MODULE_SIGN=1 (a kernel built here).  On Secure Boot, DKMS signs.
SIGN = $(if $(MODULE_SIGN),,CONFIG_MODULE_SIG_ALL=)
VERSION := $(shell sed -n 's/^\#define BUDDY_VERSION[^"]*"\(.*\)"/\1/p' \
	     include/uapi/linux/buddy.h)
# What DKMS builds from: the module's sources, nothing of tools/, and
# nothing a build in this tree left (buddy.mod.c, objects, .cmd files).
DKMS_SRC := $(filter-out %.mod.c,$(wildcard *.c *.h kunit/*.c)) \
	    kunit/Makefile kunit/Kconfig Kbuild dkms.conf include
# A staged install (DESTDIR) stages the module too, unless told otherwise.
INSTALL_MOD_PATH ?= $(DESTDIR)

.PHONY: all modules clean help lib test fuzz bench floor buddyctl deps \
	debug-kernel e2e kunit faults check demo vm-shell kmod shellcheck \
	bigpool screenshot lab check-lab stress install uninstall dkms \
	install-udev matrix mutate

all: modules

## modules: build buddy.ko against KDIR (default: the running kernel)
modules:
	@test -d $(KDIR) || { \
		echo "no kernel build tree at KDIR=$(KDIR)"; \
		echo "install the running kernel's headers (Debian: linux-headers-$$(uname -r))"; \
		echo "or pass KDIR=/path/to/build; to try buddy.ko in a VM: make demo"; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

## install: buddy.ko into KDIR's kernel's extra/ (depmod), buddyctl into PREFIX/bin
install: modules buddyctl
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra $(SIGN) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	install -D -m 755 build/user/buddyctl $(DESTDIR)$(PREFIX)/bin/buddyctl

## uninstall: what install put there, and depmod again
uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/extra/buddy.ko* \
	      $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/extra/buddy_test.ko*
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	rm -f $(DESTDIR)$(PREFIX)/bin/buddyctl

## install-udev: /dev/buddy for group "buddy", mode 0660 (udev/60-buddy.rules)
install-udev:
	install -D -m 644 udev/60-buddy.rules $(DESTDIR)/etc/udev/rules.d/60-buddy.rules
	@# The rule names group buddy: without it udev would leave root's.
	$(if $(DESTDIR),,getent group buddy >/dev/null || groupadd --system buddy)
	-udevadm control --reload
	@echo "install-udev: group buddy may open /dev/buddy once the module is loaded again; add a user with: usermod -aG buddy USER"

## dkms: the sources into /usr/src/buddy-VERSION and "dkms add" (then dkms build, install)
dkms:
	rm -rf $(DESTDIR)/usr/src/buddy-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/buddy-$(VERSION)
	cp -r --parents $(DKMS_SRC) $(DESTDIR)/usr/src/buddy-$(VERSION)/
	$(if $(DESTDIR),,dkms add -m buddy -v $(VERSION))

## lib: build build/user/libbuddycore.a (the core, for user space)
lib:
	$(MAKE) -C tools lib

## test: user-space unit and differential tests, and both KUnit suites (ASan + UBSan)
test:
	$(MAKE) -C tools test

## fuzz: libFuzzer run of the core for FUZZ_SECONDS (default 60)
fuzz:
	$(MAKE) -C tools fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

## mutate: mutation testing of MUTATE_FILE (buddy_core.c) against the host tests, about 35 min (MUTATE_JOBS)
mutate:
	scripts/mutate.py -j $(MUTATE_JOBS) $(MUTATE_FILE)

## bench: ns/op and instructions/op (callgrind) against a Linux-style free-list allocator (REF=lean: a lean one; CORE=sketch: the design direct, in ours' place)
bench:
	$(MAKE) -C tools bench

## floor: where the mixed orders' floor is: ours' paths one by one against the reference (callgrind; REF=lean too; CORE=sketch: the sketch's)
floor:
	$(MAKE) -C tools floor

## buddyctl: the user-space CLI, linked statically (build/user/buddyctl)
buddyctl:
	$(MAKE) -C tools buddyctl

## demo: boot a VM, load buddy.ko, a narrated tour, then a shell in the guest
demo:
	BUDDY_PARAMS="pages=16" BUDDY_VM_LOG=build/vm/demo.log \
	BUDDY_INTERACTIVE=$$([ -t 0 ] && echo 1 || echo 0) \
	VM_APPEND="demo_color=$$([ -t 1 ] && echo 1 || echo 0)" \
		scripts/vm-run.sh scripts/demo-guest.sh
	@tr -d '\r' < build/vm/demo.log | \
		sed -n '/^BUDDY-DEMOHTML-BEGIN/,/^BUDDY-DEMOHTML-END/p' | \
		grep -v '^BUDDY-' | base64 -d > build/demo.html && \
		test -s build/demo.html && \
		echo "make demo: the tour as a page to step through: build/demo.html"

## lab: build/lab, a copy with parts of buddy_core.c for students to write
lab:
	scripts/lab.sh

## check-lab: grade this tree's core, test by test (make -C build/lab check-lab)
check-lab:
	scripts/check-lab.sh

## matrix: the whole e2e suite and W=1 builds (gcc, LLVM) in every kernel and arch
matrix:
	scripts/matrix.sh

## check: every test, as CI runs it; ends with "N passed, N failed"
check:
	scripts/check.sh

## e2e: the end-to-end suite in Debian's 6.12 kernel and the debug kernel
e2e:
	scripts/e2e.sh

## screenshot: regenerate docs/page.png, the README's picture of a page
screenshot:
	mkdir -p docs
	tools/browser/run.sh docs/page.png 4

## bigpool: a 1 GiB pool (262144 pages) in 2 GiB guests, both kernels
bigpool:
	$(MAKE) -s -C tools e2e buddyctl
	for k in debian debug; do \
		BUDDY_KERNEL=$$k BUDDY_LOAD=0 VM_MEM=2048 VM_TIMEOUT=900 \
		scripts/vm-run.sh scripts/e2e/bigpool.sh scripts/e2e/lib.sh \
			build/user/buddy_mmap_test build/user/buddy_write || exit 1; \
	done

## stress: concurrency stress + ioctl fuzzer, both kernels, long (STRESS_SEED: random; STRESS_OPS, FUZZ_IOCTLS)
stress:
	scripts/stress.sh

## kunit: buddy_test.ko in the debug kernel, KTAP checked by kunit.py parse
kunit:
	scripts/kunit.sh

## faults: every allocation of insmod and of each command fails in turn (debug kernel)
faults:
	scripts/faults.sh

## debug-kernel: build the KASAN/lockdep/KUnit kernel (cached)
debug-kernel:
	scripts/kernel-debug.sh env >/dev/null

## vm-shell: a root shell in a guest with buddy.ko loaded (BUDDY_KERNEL, BUDDY_PARAMS)
vm-shell:
	BUDDY_INTERACTIVE=1 scripts/vm-run.sh -

## kmod: W=1 builds against every kernel (build/kmod/; LLVM=1 too); a warning fails
kmod:
	CHECK_ONLY='^W=1 build' scripts/check.sh

## shellcheck: lint the shell scripts
shellcheck:
	scripts/deps.sh lint
	shellcheck -x -P scripts/e2e scripts/*.sh scripts/e2e/*.sh .ci/run \
		tools/buddyctl/tests/*.sh tools/browser/run.sh tools/bench/*.sh

## deps: install the Debian packages the build and tests need
deps:
	scripts/deps.sh

## clean: remove build outputs (the kernel cache in ~/.cache/buddy and a student's build/lab stay)
clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	@# What kbuild left, also when KDIR (the kernel it was built for) is gone.
	rm -f *.o .*.o *.ko *.mod *.mod.c .*.cmd .*.d Module.symvers modules.order \
		kunit/*.o kunit/*.ko kunit/*.mod kunit/*.mod.c kunit/.*.cmd \
		kunit/.*.d kunit/modules.order
	rm -rf .tmp_versions
	$(MAKE) -C tools clean
	@# build/lab may hold a student's work: it goes only by hand.
	find build -mindepth 1 -maxdepth 1 ! -name lab -exec rm -rf {} + 2>/dev/null || true
	@if [ -d build/lab ]; then echo "clean: kept build/lab (make lab's copy, maybe a student's work): rm -rf build/lab to remove it"; fi

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
