# Front door of the notify-vmexit libvirt series.  See README.md.
#
#   make deps          install what the build, tests and demo need (apt)
#   make               fetch Debian 12's libvirt 9.0.0, apply patches/, build
#   make check         build, libvirt's meson test suite, our own tests
#   make demo          the main job: a notify VM exit named by libvirt
#   make import        re-create build/libvirt from patches/
#   make export        write patches/ from build/libvirt's commits
#   make check-series  build and test at every patch of the series
#   make bench         benchmarks (not part of 'make check')
#   make fuzz          libFuzzer targets (clang, ASan, UBSan; not in 'make check')
#   make check SANITIZE=1   both suites against an ASan + UBSan build

BUILD      := $(CURDIR)/build
WT         := $(BUILD)/libvirt

# SANITIZE=1: a second build of the same work tree with AddressSanitizer
# and UndefinedBehaviorSanitizer, in libvirt-build-sanitize, installed in
# prefix-sanitize; 'make check SANITIZE=1' tests it (README: Sanitizers).
ifeq ($(SANITIZE),1)
FLAVOUR    := -sanitize
else
FLAVOUR    :=
endif
export NV_FLAVOUR := $(FLAVOUR)
BD         := $(BUILD)/libvirt-build$(FLAVOUR)
PREFIX     := $(BUILD)/prefix$(FLAVOUR)
PATCHES    := $(CURDIR)/patches
SCRIPTS    := $(CURDIR)/scripts

# ccache keys on paths relative to build/, so every clone shares the cache.
export CCACHE_BASEDIR := $(BUILD)

.PHONY: all build deps fetch import export configure tools check check-series \
	demo demo-stop bench fuzz clean distclean

all: build

deps:
	@$(SCRIPTS)/deps.sh

fetch:
	@$(SCRIPTS)/fetch-source.sh $(BUILD)

import: fetch
	@$(SCRIPTS)/import.sh $(BUILD) $(PATCHES)

export:
	@$(SCRIPTS)/export.sh $(BUILD) $(PATCHES)

$(WT)/.git/HEAD:
	@$(SCRIPTS)/fetch-source.sh $(BUILD)
	@$(SCRIPTS)/import.sh $(BUILD) $(PATCHES)

configure: $(WT)/.git/HEAD
	@$(SCRIPTS)/configure.sh $(BUILD)

build: configure
	@$(SCRIPTS)/sync-status.sh $(BUILD) $(PATCHES)
	@echo "build: ninja -C $(BD) (log: $(BUILD)/ninja$(FLAVOUR).log)"
	@ninja -C $(BD) > $(BUILD)/ninja$(FLAVOUR).log 2>&1 || { \
		grep -E -B2 -A12 'error|FAILED' $(BUILD)/ninja$(FLAVOUR).log | head -n 60 >&2; \
		echo "build: error: libvirt did not build; full log: $(BUILD)/ninja$(FLAVOUR).log" >&2; \
		exit 1; }
	@# --only-changed keeps unchanged files (and their ctimes) as they are:
	@# libvirt's QEMU capability cache stays valid across builds
	@meson install -C $(BD) --only-changed > $(BUILD)/install$(FLAVOUR).log 2>&1 || { \
		tail -n 20 $(BUILD)/install$(FLAVOUR).log >&2; \
		echo "build: error: 'meson install' into $(PREFIX) failed; full log: $(BUILD)/install$(FLAVOUR).log" >&2; \
		exit 1; }
	@echo "build: libvirt built in $(BD), installed in $(PREFIX)"
	@$(MAKE) --no-print-directory tools

# our own C programs (injector, test helpers, benchmarks); the benchmark
# helpers use the libvirt installed in build/prefix
export PKG_CONFIG_PATH := $(BUILD)/prefix/lib/x86_64-linux-gnu/pkgconfig
tools:
	@if [ ! -f $(BUILD)/tools/build.ninja ]; then \
		meson setup -Dpkg_config_path=$(PKG_CONFIG_PATH) $(BUILD)/tools $(CURDIR) > $(BUILD)/tools-setup.log 2>&1; \
	elif [ -f $(PKG_CONFIG_PATH)/libvirt.pc ] && \
	     ! grep -q lifecycle-events $(BUILD)/tools/build.ninja; then \
		meson setup --reconfigure -Dpkg_config_path=$(PKG_CONFIG_PATH) $(BUILD)/tools $(CURDIR) > $(BUILD)/tools-setup.log 2>&1; \
	fi || { cat $(BUILD)/tools-setup.log >&2; \
		echo "tools: error: meson setup of our tools failed" >&2; exit 1; }
	@ninja -C $(BUILD)/tools > $(BUILD)/tools.log 2>&1 || { \
		cat $(BUILD)/tools.log >&2; \
		echo "tools: error: our C programs did not build" >&2; exit 1; }
	@echo "tools: built in $(BUILD)/tools"

check: build
	@$(SCRIPTS)/check.sh $(BUILD)

check-series: configure
	@$(SCRIPTS)/check-series.sh $(BUILD)

demo: build
	@$(SCRIPTS)/demo.sh $(BUILD) $(if $(KEEP),keep)

demo-stop:
	@$(SCRIPTS)/demo-stop.sh $(BUILD)

bench: build
	@$(SCRIPTS)/bench.sh $(BUILD)

# libFuzzer targets (clang, ASan, UBSan); not part of 'make check'
fuzz: build
	@$(SCRIPTS)/fuzz.sh $(BUILD)

clean:
	rm -rf $(BUILD)/libvirt-build $(BUILD)/libvirt-build-sanitize \
		$(BUILD)/libvirt-build-fuzz $(BUILD)/results

distclean:
	rm -rf $(BUILD)
