# vfiobox: one plain Makefile, no configure step.
#
#   make            the static musl binary ./vfiobox (libpci linked in), size printed
#   make demo       build it and run it on the bundled example laptop (a fake sysfs)
#   make check      unit tests (cmocka, ASan+UBSan), applet tests, fuzz smoke, e2e
#   make e2e        the real-kernel suite in QEMU guests (tests/e2e)
#   make bench      benchmarks against the tools people use today
#   make fuzz       longer fuzzing runs
#   make install    PREFIX=/usr DESTDIR=... (see README "Install")
#
# Missing Debian packages are installed by scripts/need when run as root.

VERSION   := 0.1.0
BUILD     ?= build
CACHE     ?= $(or $(VFIOBOX_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vfiobox)
export VFIOBOX_CACHE := $(CACHE)

MUSLCC    ?= musl-gcc
HOSTCC    ?= gcc
CLANG     ?= clang

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral
DEFS      := -std=c11 -D_GNU_SOURCE -DVFIOBOX_VERSION='"$(VERSION)"'
INC       := -Ilib -Iapplets

LIB_SRC    := $(sort $(wildcard lib/*/*.c))
APPLET_SRC := $(sort $(wildcard applets/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))

# --- the static binary ------------------------------------------------------
MUSL_PCI   := $(BUILD)/pciutils-musl
HOST_PCI   := $(BUILD)/pciutils-host
KHDR       := $(BUILD)/khdr
REL_CFLAGS := $(DEFS) $(WARN) $(INC) -I$(MUSL_PCI)/include -isystem $(KHDR) \
              -Oz -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -MMD -MP
REL_LDFLAGS := -static -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,--build-id=none -s
REL_OBJ    := $(patsubst %.c,$(BUILD)/rel/%.o,$(LIB_SRC) $(APPLET_SRC))

all: vfiobox

need-build:
	@scripts/need build
need-check:
	@scripts/need build check
need-e2e:
	@scripts/need build e2e
need-bench:
	@scripts/need build e2e hooks bench
# make check runs every suite: all their packages at once, so that a user who
# is not root gets one complete apt-get line, not one per suite.
need-check-all:
	@scripts/need build check e2e hooks

# Only the kernel uapi headers go on musl-gcc's include path, never glibc's.
$(KHDR)/.stamp: | need-build
	@rm -rf $(KHDR) && mkdir -p $(KHDR)
	@ln -s /usr/include/linux $(KHDR)/linux
	@ln -s /usr/include/asm-generic $(KHDR)/asm-generic
	@ma=$$($(HOSTCC) -print-multiarch 2>/dev/null); \
	 if [ -n "$$ma" ] && [ -d /usr/include/$$ma/asm ]; then ln -s /usr/include/$$ma/asm $(KHDR)/asm; \
	 elif [ -d /usr/include/asm ]; then ln -s /usr/include/asm $(KHDR)/asm; \
	 else echo "vfiobox: no kernel asm headers under /usr/include (linux-libc-dev)" >&2; exit 1; fi
	@touch $@

$(MUSL_PCI)/lib/libpci.a: scripts/libpci.sh $(KHDR)/.stamp | need-build
	@echo "  LIBPCI  musl ($@)"
	@scripts/libpci.sh "$(MUSLCC) -isystem $(abspath $(KHDR))" $(MUSL_PCI)

$(HOST_PCI)/lib/libpci.a: scripts/libpci.sh | need-build
	@echo "  LIBPCI  host ($@)"
	@scripts/libpci.sh "$(HOSTCC)" $(HOST_PCI)

$(BUILD)/rel/%.o: %.c $(MUSL_PCI)/lib/libpci.a $(KHDR)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(MUSLCC) $(REL_CFLAGS) -c -o $@ $<

vfiobox: $(REL_OBJ) $(MUSL_PCI)/lib/libpci.a
	@echo "  LD      $@"
	@$(MUSLCC) $(REL_LDFLAGS) -o $@.tmp $(REL_OBJ) $(MUSL_PCI)/lib/libpci.a
	@mv $@.tmp $@
	@echo "  SIZE    $@: $$(wc -c < $@) bytes ($$(( ($$(wc -c < $@) + 1023) / 1024 )) KiB, static, stripped)"

# --- host builds for tests: glibc, ASan+UBSan ------------------------------
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_CFLAGS := $(DEFS) $(WARN) $(INC) -I$(HOST_PCI)/include -g -O1 $(SAN) -MMD -MP
HOST_LIBOBJ := $(patsubst %.c,$(BUILD)/host/%.o,$(LIB_SRC))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))

$(BUILD)/host/%.o: %.c $(HOST_PCI)/lib/libpci.a | need-check
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(HOST_LIBOBJ) $(HOST_PCI)/lib/libpci.a | need-check
	@mkdir -p $(dir $@)
	@echo "  UNIT    $@"
	@$(HOSTCC) $(HOST_CFLAGS) -Itests/unit -o $@ $< $(HOST_LIBOBJ) $(HOST_PCI)/lib/libpci.a -lcmocka

.SECONDARY: $(HOST_LIBOBJ)

# The fake-sysfs builder used by the demo and the applet tests.
MKFAKESYS := $(BUILD)/mkfakesys
$(MKFAKESYS): tests/tools/mkfakesys.c | need-build
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(DEFS) $(WARN) -Wno-format-truncation -O2 -o $@ $<

# --- demo, tests ------------------------------------------------------------
DEMO_ROOT := $(BUILD)/demo-root

demo: vfiobox $(MKFAKESYS)
	@rm -rf $(DEMO_ROOT) && $(MKFAKESYS) examples/omen17.desc $(DEMO_ROOT)
	@scripts/demo.sh ./vfiobox $(DEMO_ROOT)

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do \
	  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t >$$t.log 2>&1; then \
	    cat $$t.log; echo "unit: FAIL: $$t (log $$t.log)"; exit 1; fi; \
	  printf '  %-22s %s passed\n' "$${t##*/}" "$$(sed -n 's/.*PASSED *\] *\([0-9]*\) test.*/\1/p' $$t.log | tail -1)"; done

applet-tests: vfiobox $(MKFAKESYS)
	@tests/applets/run.sh ./vfiobox $(MKFAKESYS)

check: need-check-all
	@$(MAKE) --no-print-directory vfiobox
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory applet-tests
	@$(MAKE) --no-print-directory check-extra
	@echo "make check: all passed"

# Suites added by later parts (fuzz smoke, hooks, e2e) hang off check-extra.
check-extra:
	@:

e2e: vfiobox | need-e2e
	@tests/e2e/run.sh ./vfiobox

bench: vfiobox $(MKFAKESYS) | need-bench
	@set -e; for b in bench/*/run.sh; do [ -x $$b ] && $$b ./vfiobox $(MKFAKESYS); done

clean:
	rm -rf $(BUILD)/rel $(BUILD)/host $(BUILD)/unit $(MKFAKESYS) $(DEMO_ROOT) vfiobox vfiobox.tmp

distclean:
	rm -rf $(BUILD) vfiobox vfiobox.tmp

.PHONY: all need-build need-check need-check-all need-e2e need-bench demo unit applet-tests check check-extra e2e bench clean distclean

# Topic makefiles (fuzz, hooks, e2e...) add targets and hang checks off check-extra.
include $(sort $(wildcard mk/*.mk))

-include $(REL_OBJ:.o=.d) $(HOST_LIBOBJ:.o=.d)
