# mk/pciops.mk: the unit tests of lib/pciops, lib/hda and lib/bind build
# their fake sysfs trees with mkfakesys (tests/tools/mkfakesys.c), the same
# builder the applet tests use; they find it through VB_MKFAKESYS.
unit: $(MKFAKESYS)
export VB_MKFAKESYS := $(abspath $(MKFAKESYS))
$(BUILD)/unit/test_pciops $(BUILD)/unit/test_hda: tests/unit/fakesys.h
