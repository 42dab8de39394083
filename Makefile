# Front door of the notify-vmexit libvirt series.  See README.md.
#
#   make deps          install what the build, tests and demo need (apt)
#   make               fetch Debian 12's libvirt 9.0.0 and QEMU 7.2, apply
#                      patches/deb12/libvirt and patches/deb12/qemu, build both
#   make qemu          only the patched QEMU
#   make qemu-next     BASE=deb13: the QEMU series on QEMU 10.2.2 (qemu-next)
#   make check         build, libvirt's meson test suite, our own suites
#   make demo          the main job: a notify VM exit named by libvirt
#                      (QEMU=stock: on Debian's QEMU, the log path;
#                      SYSTEM=1: on the system's libvirt, the packages)
#   make import        re-create build/libvirt and build/qemu from patches/
#   make export        write patches/ from the work trees' commits
#   make check-series  build and test at every patch of every series
#   make bench         benchmarks (not part of 'make check'; ONLY=scale,...
#                      runs some of its sections)
#   make fuzz          libFuzzer targets (clang, ASan, UBSan; not in 'make check')
#   make deb           Debian 12's libvirt packages with the series
#   make check-deb     those packages in a clean Debian 12 root (upgrade,
#                      demo, notify-exit scenarios, downgrade, lintian)
#   make deb-qemu-estimate  how long Debian's own QEMU package builds here
#
# Parameters: SANITIZE=1 selects the ASan + UBSan flavour of libvirt (make,
# check, check-series, demo, bench); BASE=deb13 the Debian 13 base (libvirt
# 11.3.0, QEMU 10.0.13; builds under build/deb13); BUILD=DIR moves everything
# generated; QUEUE=libvirt, QUEUE=qemu, ... limits import, export and
# check-series to one queue.  pipeline/layout.sh maps them to every path.

SHELL := /bin/bash

ifeq ($(SANITIZE),1)
export FLAVOUR := sanitize
else
export FLAVOUR :=
endif
ifdef BUILD
export BUILD
endif
# ccache keys on paths relative to the build directory, so every clone
# shares the cache
export CCACHE_BASEDIR := $(or $(BUILD),$(CURDIR)/build)

.PHONY: all build qemu qemu-next deps fetch import export configure check check-series \
	demo demo-stop bench deb check-deb deb-qemu-estimate fuzz clean distclean

# a base's queues, lower ones first (pipeline/layout.sh)
QUEUES := $(or $(QUEUE),$(shell BASE=$(BASE) bash pipeline/layout.sh --queues))

all: build

deps:
	@pipeline/deps.sh

fetch:
	@for q in $(QUEUES); do QUEUE=$$q pipeline/fetch-source.sh || exit 1; done

import: fetch
	@for q in $(QUEUES); do QUEUE=$$q pipeline/import.sh || exit 1; done

export:
	@for q in $(QUEUES); do QUEUE=$$q pipeline/export.sh || exit 1; done

configure:
	@pipeline/configure.sh

build:
	@pipeline/qemu-build.sh
	@pipeline/qemu-build.sh stock
	@pipeline/build.sh

qemu:
	@pipeline/qemu-build.sh
	@pipeline/qemu-build.sh stock

qemu-next:
	@pipeline/qemu-build.sh next

check: build
	@pipeline/check.sh

check-series:
	@$(if $(FROM),FROM=$(FROM)) pipeline/check-series.sh "$(QUEUES)"

demo: build
	@demo/demo.sh $(if $(KEEP),keep) $(if $(QEMU),qemu=$(QEMU)) $(if $(SYSTEM),system)

demo-stop:
	@demo/demo-stop.sh $(if $(SYSTEM),system)

bench: build
	@$(if $(ONLY),ONLY=$(ONLY)) bench/bench.sh

# Debian 12's libvirt package rebuilt with the series; not part of 'make check'
deb: fetch
	@pipeline/deb.sh

# a clean Debian 12 root: upgrade to the packages of 'make deb', the
# notify-exit scenarios on the packaged daemons, downgrade; lintian
check-deb:
	@pipeline/check-deb.sh

# how long Debian's own QEMU package would build here (a bounded run in a
# build root of its own; LIMIT=seconds of build, default 900)
deb-qemu-estimate: fetch
	@$(if $(LIMIT),LIMIT=$(LIMIT)) pipeline/deb-qemu-estimate.sh

# libFuzzer targets (clang, ASan, UBSan); not part of 'make check'
fuzz:
	@FLAVOUR=fuzz pipeline/build.sh
	@FLAVOUR=fuzz fuzz/fuzz.sh

clean:
	@for f in '' sanitize fuzz; do \
		FLAVOUR=$$f bash -c '. pipeline/layout.sh && rm -rf "$$LIBVIRT_BUILD" "$$TOOLS_BUILD" "$$RESULTS"'; \
	done

distclean:
	@bash -c '. pipeline/layout.sh && rm -rf "$$BUILD"'
