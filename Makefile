# Front door of the notify-vmexit libvirt series.  See README.md.
#
#   make deps          install what the build, tests and demo need (apt)
#   make               fetch Debian 12's libvirt 9.0.0, apply patches/, build
#   make check         build, libvirt's meson test suite, our own suites
#   make demo          the main job: a notify VM exit named by libvirt
#   make import        re-create build/libvirt from patches/
#   make export        write patches/ from build/libvirt's commits
#   make check-series  build and test at every patch of the series
#   make bench         benchmarks (not part of 'make check')
#   make fuzz          libFuzzer targets (clang, ASan, UBSan; not in 'make check')
#
# Parameters: SANITIZE=1 selects the ASan + UBSan flavour (make, check,
# check-series, demo, bench); BUILD=DIR moves everything generated.
# pipeline/layout.sh maps them to every path.

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

.PHONY: all build deps fetch import export configure check check-series \
	demo demo-stop bench fuzz clean distclean

all: build

deps:
	@pipeline/deps.sh

fetch:
	@pipeline/fetch-source.sh

import: fetch
	@pipeline/import.sh

export:
	@pipeline/export.sh

configure:
	@pipeline/configure.sh

build:
	@pipeline/build.sh

check: build
	@pipeline/check.sh

check-series:
	@pipeline/check-series.sh

demo: build
	@demo/demo.sh $(if $(KEEP),keep)

demo-stop:
	@demo/demo-stop.sh

bench: build
	@bench/bench.sh

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
