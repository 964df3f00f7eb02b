#!/bin/sh
# tests/hooks/boot/libvirt-image.sh OUT: the "# e2e-image:" command of
# tests/e2e/scenarios/hook-libvirt.sh. The shared e2e image (its /init runs
# the scenario as usual) plus the scenario, its name, the libvirt hook as
# `make install-libvirt` installs it (/e2e/libvirt/etc/libvirt/hooks/qemu.d/vfiobox)
# and the seed's domain XML (/e2e/libvirt/seed-win11.xml).
set -eu
out=$1
top=$(pwd)
st=$E2E_TMP/libvirt
rm -rf "$st"
mkdir -p "$st/e2e/libvirt"
${MAKE:-make} -s -C "$top" install-libvirt DESTDIR="$st/e2e/libvirt" >"$E2E_TMP/install.log" 2>&1 ||
	{ cat "$E2E_TMP/install.log"; exit 1; }
cp "$top/tests/data/hooks/seed-win11.xml" "$st/e2e/libvirt/"
cp "$E2E_SCENARIO" "$st/e2e/scenario.sh"
echo "$E2E_NAME" >"$st/e2e/name"
cp "$E2E_BASE" "$out"
(cd "$st" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >>"$out"
