# SPDX-License-Identifier: GPL-2.0
#
# buddy: a teaching buddy allocator as a kernel module.
# The kernel build itself is described by Kbuild; this file is for people.

KDIR ?= /lib/modules/$(shell uname -r)/build
FUZZ_SECONDS ?= 60

.PHONY: all modules clean help lib test fuzz bench buddyctl deps \
	debug-kernel e2e kunit check demo checkpatch

all: modules

## modules: build buddy.ko against KDIR (default: the running kernel)
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

## lib: build build/user/libbuddycore.a (the core, for user space)
lib:
	$(MAKE) -C tools lib

## test: user-space unit and differential tests (ASan + UBSan)
test:
	$(MAKE) -C tools test

## fuzz: libFuzzer run of the core for FUZZ_SECONDS (default 60)
fuzz:
	$(MAKE) -C tools fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

## bench: ns/op table against a Linux-style free-list allocator
bench:
	$(MAKE) -C tools bench

## buddyctl: the user-space CLI, linked statically (build/user/buddyctl)
buddyctl:
	$(MAKE) -C tools buddyctl

## deps: install the Debian packages the build and tests need
deps:
	scripts/deps.sh

## clean: remove build outputs (the kernel cache in ~/.cache/buddy stays)
clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C tools clean
	rm -rf build

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
