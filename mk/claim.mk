# vfio-claim and vfio-release: the fake kernel their applet tests run against
# (tests/tools/fakekernel.c, a host tool like mkfakesys; a test tool only: the
# claim benchmark runs on a real kernel, bench/claim/run.sh).
FAKEKERNEL := $(BUILD)/fakekernel

$(FAKEKERNEL): tests/tools/fakekernel.c | need-build
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(DEFS) $(WARN) -Wno-format-truncation -O2 -o $@ $<

applet-tests: $(FAKEKERNEL)
applet-tests: export FAKEKERNEL := $(abspath $(FAKEKERNEL))
