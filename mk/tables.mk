# mk/tables.mk: the fake-battery SSDT as a file, for the ssdt e2e scenario:
# QEMU reads it with -acpitable file=build/e2e/battery.dat (a path relative
# to the top, like the rest of the e2e suite's output).
$(BUILD)/e2e/battery.dat: vfiobox
	@mkdir -p $(dir $@)
	@./vfiobox ssdt battery -o $@ >/dev/null

e2e: $(BUILD)/e2e/battery.dat
