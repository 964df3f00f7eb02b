#!/bin/sh
# bench/claim/gen.sh [PORTS]: a mkfakesys description of a big machine, on
# stdout: PORTS root ports (default 111), each with a multifunction slot of
# eight functions behind it (1000 devices with the defaults), every function
# on a driver and alone in its IOMMU group, except the benchmark's target:
# the GPU 0000:40:00.0 (10de:249d, nvidia) and its HDA 0000:40:00.1
# (10de:228b, snd_hda_intel), which share a group with their root port (the
# slot has no .2: vfio-pci-override.sh would take a .2 as the GPU's USB). The
# Intel iGPU 0000:00:02.0 is the boot VGA device.
set -eu
ports=${1:-111}
echo "kernel 6.6.10-arch1-1"
echo "iommu intel"
echo "module vfio-pci available"
for m in vfio vfio_iommu_type1 vfio_pci_core irqbypass; do echo "module $m available"; done
for m in nvidia snd_hda_intel e1000e nvme xhci_pci i915; do echo "module $m loaded"; done
echo "dev 0000:00:00.0 id=8086:9a36 class=060000 group=0 caps=pm cfg=256"
echo "dev 0000:00:02.0 id=8086:9a60 class=030000 group=1 driver=i915 boot_vga=1"
awk -v ports="$ports" 'BEGIN {
	g = 2
	for (p = 1; p <= ports; p++) {
		bus = p; slot = 3 + int((p - 1) / 8); fn = (p - 1) % 8
		port = sprintf("0000:00:%02x.%x", slot, fn)
		if (bus == 64) {
			printf "dev %s id=8086:9a01 class=060400 group=%d bus=%02x driver=pcieport\n", port, g, bus
			printf "dev 0000:40:00.0 id=10de:249d sub=103c:88d1 class=030000 parent=%s group=%d driver=nvidia mf\n", port, g
			printf "dev 0000:40:00.1 id=10de:228b sub=103c:88d1 class=040300 parent=%s group=%d driver=snd_hda_intel\n", port, g
			g++
			for (f = 3; f < 8; f++)
				printf "dev 0000:40:00.%d id=8086:10d3 class=020000 parent=%s group=%d driver=e1000e\n", f, port, g++
			continue
		}
		printf "dev %s id=8086:9a01 class=060400 group=%d bus=%02x driver=pcieport\n", port, g++, bus
		for (f = 0; f < 8; f++) {
			if (f % 3 == 0)
				printf "dev 0000:%02x:00.%d id=8086:10d3 class=020000 parent=%s group=%d driver=e1000e%s\n", bus, f, port, g++, f == 0 ? " mf" : ""
			else if (f % 3 == 1)
				printf "dev 0000:%02x:00.%d id=144d:a80a class=010802 parent=%s group=%d driver=nvme\n", bus, f, port, g++
			else
				printf "dev 0000:%02x:00.%d id=8086:43ed class=0c0330 parent=%s group=%d driver=xhci_pci\n", bus, f, port, g++
		}
	}
}'
