#!/bin/sh
# bench/claim/vfio-pci-release.sh DEV...: the shell way back, for comparison
# with vfio-release: what guides' VM teardown hooks do (clear driver_override,
# unbind from vfio-pci, drivers_probe so the host driver takes the device),
# plus the same bounded poll as vfio-pci-override.sh for a driver other than
# vfio-pci on each device.
DEVS="$*"
for DEV in $DEVS; do
	echo > /sys/bus/pci/devices/$DEV/driver_override
	echo $DEV > /sys/bus/pci/drivers/vfio-pci/unbind
done
for DEV in $DEVS; do
	echo $DEV > /sys/bus/pci/drivers_probe
done
for DEV in $DEVS; do
	n=0
	until l=$(readlink /sys/bus/pci/devices/$DEV/driver) && [ "${l##*/}" != vfio-pci ]; do
		n=$((n + 1))
		[ $n -gt 1000 ] && { echo "$DEV: no host driver took it" >&2; exit 1; }
		sleep 0.001
	done
done
