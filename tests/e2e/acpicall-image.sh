#!/bin/sh
# tests/e2e/acpicall-image.sh OUT: the "# e2e-image:" command of
# tests/e2e/scenarios/rom-acpi.sh. The shared e2e image (its /init runs the
# scenario as usual) plus the scenario, its name, acpi_call.ko built for the
# guest's kernel (tests/e2e/acpicall.sh) as /e2e/acpi_call.ko, and the ROM
# QEMU serves through fw_cfg as /e2e/vbios.rom, to compare with.
set -eu
out=$1
ko=$(sh tests/e2e/acpicall.sh "$E2E_KVER")
st=$E2E_TMP/acpicall
rm -rf "$st"
mkdir -p "$st/e2e"
cp "$ko" "$st/e2e/acpi_call.ko"
cp "${E2E_OUT_DIR:-build/e2e}/nvbochs.rom" "$st/e2e/vbios.rom"
cp "$E2E_SCENARIO" "$st/e2e/scenario.sh"
echo "$E2E_NAME" >"$st/e2e/name"
cp "$E2E_BASE" "$out"
(cd "$st" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >>"$out"
