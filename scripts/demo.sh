#!/bin/sh
# scripts/demo.sh VFIOBOX ROOT: what `make demo` shows, on the bundled example
# laptop (examples/omen17.desc, built into ROOT by mkfakesys).
set -u
bin=$1 root=$2
export VFIOBOX_SYSROOT=$root VFIOBOX_KMSG=0
run() {
	echo
	echo "\$ VFIOBOX_SYSROOT=$root $*"
	"$@"
	rc=$?
	[ $rc -eq 0 ] || echo "(exit $rc)"
}
echo "vfiobox demo: an HP OMEN 17 (Optimus: Intel iGPU + NVIDIA RTX 3070 Laptop GPU)"
echo "as a fake sysfs tree in $root. Nothing on this machine is touched."
has() { "$bin" --list | grep -qx "$1"; }
# The example laptop has a modprobe (the dry run only looks for it, never runs it).
mkdir -p "$root/sbin" && printf '#!/bin/sh\nexit 0\n' >"$root/sbin/modprobe" && chmod 755 "$root/sbin/modprobe"
# ...and a pci.ids where Debian's pciutils puts it, so devices have their names (an
# initramfs has none: the output then shows the numbers only).
mkdir -p "$root/usr/share/misc" && cp tests/data/pci.ids "$root/usr/share/misc/pci.ids"
run "$bin" list
echo
echo "# The guides' IOMMU-group loop, and the PCI tree with each bridge's ACS:"
run "$bin" list --groups
run "$bin" list --tree
run "$bin" doctor
if has vfio-claim; then
	echo
	echo "# What the initramfs hook would do with vfiobox.ids=10de:249d (dry run):"
	run "$bin" vfio-claim -n ids=10de:249d
fi
if has recover; then
	echo
	echo "# The GPU's HDMI audio function, and the plan to bring the GPU back if it fell off the bus:"
	run "$bin" hda status
	run "$bin" recover -n 01:00.0
fi
if has shmem; then
	echo
	echo "# Looking Glass shared memory for a 2560x1440 guest (the guides' formula gives too little):"
	run "$bin" shmem 2560x1440
fi
if has domxml; then
	xml=tests/data/domxml/virt-manager-win11.xml
	echo
	echo "# The guide's libvirt edits on a plain virt-manager domain (the diff of what changes):"
	echo
	echo "\$ VFIOBOX_SYSROOT=$root $bin domxml --preset=laptop $xml | diff -u $xml -"
	"$bin" domxml --preset=laptop "$xml" 2>&1 >"$root/demo-domain.xml"
	diff -u "$xml" "$root/demo-domain.xml" | tail -n +3
fi
exit 0
