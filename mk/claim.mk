# vfio-claim and vfio-release: the fake kernel their applet tests and the
# benchmark run against (tests/tools/fakekernel.c, a host tool like mkfakesys).
FAKEKERNEL := $(BUILD)/fakekernel

$(FAKEKERNEL): tests/tools/fakekernel.c | need-build
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(DEFS) $(WARN) -Wno-format-truncation -O2 -o $@ $<

applet-tests: $(FAKEKERNEL)
applet-tests: export FAKEKERNEL := $(abspath $(FAKEKERNEL))
bench: $(FAKEKERNEL)
bench: export FAKEKERNEL := $(abspath $(FAKEKERNEL))
