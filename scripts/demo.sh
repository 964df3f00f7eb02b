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
run "$bin" list
run "$bin" doctor
if has vfio-claim; then
	echo
	echo "# What the initramfs hook would do with vfiobox.ids=10de:249d (dry run):"
	run "$bin" vfio-claim -n ids=10de:249d
fi
exit 0
