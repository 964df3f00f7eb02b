# mk/tables.mk: the ssdt and rom applets' extras: files for their e2e
# scenarios, and the fuzz target for lib/acpi and lib/rom.
#
# The fake-battery SSDT as a file, for the ssdt e2e scenario: QEMU reads it
# with -acpitable file=build/e2e/battery.dat (a path relative to the top,
# like the rest of the e2e suite's output).
$(BUILD)/e2e/battery.dat: vfiobox
	@mkdir -p $(dir $@)
	@./vfiobox ssdt battery -o $@ >/dev/null

e2e: $(BUILD)/e2e/battery.dat

# ROMs laid out as NVIDIA's, for the e1000e NICs of the rom e2e scenario
# (romfile=build/e2e/nvlayout.rom): the whole chain, and one the kernel's own
# walk cuts short after the legacy image.
$(BUILD)/e2e/nvlayout.rom $(BUILD)/e2e/nvcut.rom: tests/tools/nvrom.sh
	@mkdir -p $(dir $@)
	@sh tests/tools/nvrom.sh $@ 8086 10d3 $(if $(findstring cut,$@),cut)

e2e: $(BUILD)/e2e/nvlayout.rom $(BUILD)/e2e/nvcut.rom

# make fuzz-tables-smoke: the libFuzzer target for lib/acpi, lib/aml, lib/rom, a
# short run (FUZZ_TABLES_SMOKE_TIME=15 s, part of make check); make fuzz runs
# it FUZZ_TIME s. Seeds: the battery and rom tables' bodies and an
# NVIDIA-layout ROM.
FUZZ_TABLES     := $(BUILD)/fuzz/fuzz_tables
FUZZ_TABLES_SRC := tests/fuzz/fuzz_tables.c lib/fw/acpi.c lib/fw/aml.c lib/fw/rom.c lib/fw/vfct.c lib/base/util.c
FUZZ_TABLES_SMOKE_TIME ?= 15
FUZZ_TABLES_RUN  = $(FUZZ_TABLES) -artifact_prefix=$(BUILD)/fuzz/ -max_len=8192 \
		   -print_final_stats=1 $(BUILD)/fuzz/tables-corpus

$(FUZZ_TABLES): $(FUZZ_TABLES_SRC) lib/fw/acpi.h lib/fw/aml.h lib/fw/rom.h lib/fw/vfct.h tests/tools/nvrom.sh vfiobox | need-check
	@mkdir -p $(dir $@) $(BUILD)/fuzz/tables-corpus
	@echo "  FUZZ    $@"
	@$(CLANG) $(DEFS) -Ilib -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(FUZZ_TABLES_SRC)
	@./vfiobox ssdt battery | tail -c +37 >$(BUILD)/fuzz/tables-corpus/battery
	@./vfiobox ssdt rom --path '\_SB.PCI0.PEG0.PEGP' | tail -c +37 >$(BUILD)/fuzz/tables-corpus/romssdt
	@sh tests/tools/nvrom.sh $(BUILD)/fuzz/tables-corpus/nvidia.rom 10de 249d

fuzz-tables-smoke: $(FUZZ_TABLES)
	@echo "  FUZZ    tables for $(FUZZ_TABLES_SMOKE_TIME) s"
	@$(FUZZ_TABLES_RUN) -max_total_time=$(FUZZ_TABLES_SMOKE_TIME) >$(BUILD)/fuzz/tables-smoke.log 2>&1 || \
	  { tail -40 $(BUILD)/fuzz/tables-smoke.log; echo "fuzz-tables-smoke: FAIL"; exit 1; }
	@grep -h 'number_of_executed_units' $(BUILD)/fuzz/tables-smoke.log | tr -dc 0-9 | sed 's/^/  FUZZ    tables: /; s/$$/ inputs, no failure\n/'

fuzz-tables: $(FUZZ_TABLES)
	@$(FUZZ_TABLES_RUN) -max_total_time=$(FUZZ_TIME)

check-extra: fuzz-tables-smoke
fuzz: fuzz-tables

.PHONY: fuzz-tables fuzz-tables-smoke

# The acpi_call module's /proc/acpi/call on a fake tree, for rom --acpi's
# applet tests (tests/tools/fakeacpicall.c, a host tool like mkfakesys).
FAKEACPICALL := $(BUILD)/fakeacpicall
$(FAKEACPICALL): tests/tools/fakeacpicall.c | need-build
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOSTCC) $(DEFS) $(WARN) -O2 -o $@ $<

applet-tests: $(FAKEACPICALL)
applet-tests: export FAKEACPICALL := $(abspath $(FAKEACPICALL))

# rom-acpi's e2e scenario: the guest's _ROM table for the bochs-display's
# ACPI node, and the ROM (NVIDIA's layout, its ids) QEMU serves by fw_cfg.
$(BUILD)/e2e/romssdt.aml: vfiobox
	@mkdir -p $(dir $@)
	@./vfiobox ssdt rom --path '\_SB.PCI0.S18.S00' -o $@ >/dev/null
$(BUILD)/e2e/nvbochs.rom: tests/tools/nvrom.sh
	@mkdir -p $(dir $@)
	@sh tests/tools/nvrom.sh $@ 1234 1111

e2e: $(BUILD)/e2e/romssdt.aml $(BUILD)/e2e/nvbochs.rom
