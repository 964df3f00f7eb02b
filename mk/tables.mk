# mk/tables.mk: the fake-battery SSDT as a file, for the ssdt e2e scenario:
# QEMU reads it with -acpitable file=build/e2e/battery.dat (a path relative
# to the top, like the rest of the e2e suite's output).
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
