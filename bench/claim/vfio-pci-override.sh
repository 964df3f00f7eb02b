#!/bin/sh
# bench/claim/vfio-pci-override.sh: today's shell approach, for comparison.
#
# The loop is the Arch wiki's vfio-pci-override.sh (PCI passthrough via OVMF,
# "Using driver_override": every display device that is not boot_vga gets
# driver_override=vfio-pci, with its .1 and .2 functions, then
# `modprobe -i vfio-pci`), rooted at $VFIOBOX_SYSROOT. The wiki's script runs
# before any driver is bound; on a running system the same job also needs the
# unbind, a drivers_probe and a look at the driver link, so those are added,
# with the same bounded poll vfio-claim does (1 s). It is what vfio-claim
# does, minus the checks (IOMMU group, refusals, undo, records, lock).
R=${VFIOBOX_SYSROOT:-}
claimed=""
for i in "$R"/sys/bus/pci/devices/*/boot_vga; do
	if [ "$(cat "$i")" -eq 0 ]; then
		GPU="${i%/boot_vga}"
		AUDIO="$(echo "$GPU" | sed -e "s/0$/1/")"
		USB="$(echo "$GPU" | sed -e "s/0$/2/")"
		echo "vfio-pci" > "$GPU/driver_override"
		claimed="$claimed $GPU"
		if [ -d "$AUDIO" ]; then
			echo "vfio-pci" > "$AUDIO/driver_override"
			claimed="$claimed $AUDIO"
		fi
		if [ -d "$USB" ]; then
			echo "vfio-pci" > "$USB/driver_override"
			claimed="$claimed $USB"
		fi
	fi
done
# added for a running system: unbind what holds the devices
for d in $claimed; do
	[ -e "$d/driver" ] && echo "${d##*/}" > "$d/driver/unbind"
done
"$R"/sbin/modprobe -i vfio-pci
# added: probe, then verify the driver link
for d in $claimed; do
	echo "${d##*/}" > "$R"/sys/bus/pci/drivers_probe
done
for d in $claimed; do
	n=0
	until [ "$(basename "$(readlink "$d/driver")")" = vfio-pci ]; do
		n=$((n + 1))
		[ $n -gt 1000 ] && { echo "${d##*/}: not on vfio-pci" >&2; exit 1; }
		sleep 0.001
	done
done
