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
for a in $("$bin" --list); do
	case $a in
	list) run "$bin" list ;;
	doctor) run "$bin" doctor ;;
	vfio-claim) run "$bin" vfio-claim -n ids=10de:249d ;;
	esac
done
exit 0
