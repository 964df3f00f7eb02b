#!/bin/sh
# bench/claim/vfio-pci-override.sh DEV...: the shell way, for comparison.
#
# The loop is the Arch wiki's vfio-pci-override.sh (PCI passthrough via OVMF,
# "Using driver_override", the variant with a DEVS list): if the IOMMU is on,
# driver_override=vfio-pci for each device, then load vfio-pci. The wiki runs
# it as vfio-pci's install command, before any driver is bound (hence its
# `modprobe -i`, which only skips install commands; the guest's busybox
# modprobe has no -i and there are none, so plain modprobe here). On a running
# system the same job also needs an unbind first and a drivers_probe after
# the load, so those are added, and a bounded poll (1 s, as vfio-claim's) of
# the driver links, since drivers_probe says success even when nothing bound.
# It is what vfio-claim does minus its checks (IOMMU group, refusals, undo,
# records, lock) and minus finding the devices: they are given.
DEVS="$*"
if [ ! -z "$(ls -A /sys/class/iommu)" ]; then
	for DEV in $DEVS; do
		echo "vfio-pci" > /sys/bus/pci/devices/$DEV/driver_override
	done
fi
# added for a running system: unbind what holds the devices
for DEV in $DEVS; do
	[ -e /sys/bus/pci/devices/$DEV/driver ] && echo $DEV > /sys/bus/pci/devices/$DEV/driver/unbind
done
modprobe vfio-pci
# added: probe, then verify the driver link
for DEV in $DEVS; do
	echo $DEV > /sys/bus/pci/drivers_probe
done
for DEV in $DEVS; do
	n=0
	until l=$(readlink /sys/bus/pci/devices/$DEV/driver) && [ "${l##*/}" = vfio-pci ]; do
		n=$((n + 1))
		[ $n -gt 1000 ] && { echo "$DEV: not on vfio-pci" >&2; exit 1; }
		sleep 0.001
	done
done
