#!/bin/sh
# bench/hooks/run.sh VFIOBOX [MKFAKESYS]: what vfiobox's initramfs hook adds to
# a boot, against an image that does the conventional thing, for every
# generator of tests/hooks/boot/e2e-image.sh (BENCH_HOOKS, default all four:
# initramfs-tools dracut dracut-systemd mkinitcpio). For each generator:
#   vfiobox  its hook claims the GPU (vfiobox.claim= on the command line)
#   plain    no vfiobox; what the guides write instead: options vfio-pci ids=
#            and softdep bochs/snd_hda_intel pre: vfio-pci in modprobe.d,
#            vfio_pci vfio vfio_iommu_type1 loaded early and first (dracut's
#            force_drivers, initramfs-tools' module list, mkinitcpio's
#            MODULES; e2e-image.sh FLAVOUR-plain)
# BENCH_BOOTS (default 3) boots of each. Each round boots every generator's
# two images back to back, plain first in odd rounds and vfiobox first in
# even ones, so that the host's load falls on both alike; every boot builds
# its image again. The figures are the kernel's own timestamps
# (bench/hooks/guest.sh), not host wall time; bench/hooks/table.py prints the
# medians, the ratio, and (--steps) where the time went. A boot fails only if
# the GPU or its HDA function did not end on vfio-pci or a control (VGA, NIC)
# not on its driver: the table says so per image, and the run exits 1.
# BENCH_CMDLINE adds to both images' kernel command line (initcall_debug: the
# time of each module's init in the kernel log, for table.py --steps).
# MKFAKESYS is accepted (make bench passes it) and not used.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VFIOBOX [MKFAKESYS]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VFIOBOX=$1
BOOTS=${BENCH_BOOTS:-3}
HOOKS=${BENCH_HOOKS:-initramfs-tools dracut dracut-systemd mkinitcpio}
OUT=${BENCH_OUT:-build/bench/hooks}
VFIO_OPEN=${E2E_VFIO_OPEN:-build/e2e/vfio-open}
case $BOOTS in '' | *[!0-9]* | 0) echo "bench/hooks: BENCH_BOOTS must be a positive number" >&2; exit 2 ;; esac
for h in $HOOKS; do
	case $h in
	initramfs-tools | dracut | dracut-systemd | mkinitcpio) ;;
	*) echo "bench/hooks: BENCH_HOOKS: unknown generator '$h' (initramfs-tools, dracut, dracut-systemd, mkinitcpio)" >&2; exit 2 ;;
	esac
done
[ -n "$(echo $HOOKS)" ] || { echo "bench/hooks: BENCH_HOOKS is empty" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/hooks: needs root (the images are built in private mount namespaces)" >&2; exit 2; }
for f in "$VFIOBOX" "$VFIO_OPEN"; do
	[ -x "$f" ] || { echo "bench/hooks: $f is missing (make bench builds it)" >&2; exit 2; }
done
mkdir -p "$OUT"
rm -rf "$OUT/logs" "$OUT/img"
W=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-bench-hooks.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
KDIR=$("$TOP/tests/e2e/setup.sh")
"$TOP/tests/e2e/mkbase.sh" "$KDIR" "$W/base.cpio" "$VFIOBOX" "$VFIO_OPEN" vfio_pci
# The guest's GPU and HDA (tests/e2e/run.py's topology), by ids and class:
# the boot VGA has the GPU's ids 1234:1111 (docs/bench.md).
IDS=1234:1111:ffffffff:ffffffff:038000:ffffff,8086:293e:ffffffff:ffffffff:040300:ffffff
# header HOOK VARIANT: the scenario's image and command line lines.
header() {
	cl="printk.devkmsg=on${BENCH_CMDLINE:+ $BENCH_CMDLINE}"
	[ "$1" = dracut-systemd ] && cl="$cl systemd.log_target=kmsg"
	case $2 in
	vfiobox) printf '# e2e-image: tests/hooks/boot/e2e-image.sh %s\n# e2e-cmdline: %s vfiobox.claim=0000:01:00.0\n' "$1" "$cl" ;;
	plain) printf '# e2e-image: E2E_VFIO_IDS=%s tests/hooks/boot/e2e-image.sh %s-plain\n# e2e-cmdline: %s\n' "$IDS" "$1" "$cl" ;;
	esac
}
files=""
i=1
while [ $i -le "$BOOTS" ]; do
	order="plain vfiobox"
	[ $((i % 2)) = 0 ] && order="vfiobox plain"
	for h in $HOOKS; do
		for v in $order; do
			f=$W/${h}_${v}_$i.sh
			header "$h" "$v" >"$f"
			cat "$HERE/guest.sh" >>"$f"
			files="$files $f"
		done
	done
	i=$((i + 1))
done
echo "bench/hooks: kernel $(cat "$KDIR/kver"), $(echo $HOOKS), $BOOTS boots of each image${BENCH_CMDLINE:+, command line + $BENCH_CMDLINE}, $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
rc=0
python3 "$TOP/tests/e2e/run.py" --kdir "$KDIR" --base "$W/base.cpio" --out "$OUT" --jobs 1 $files || rc=1
echo "bench/hooks: load at the end $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%H:%M UTC')"
python3 "$HERE/table.py" "$OUT" || rc=1
python3 "$HERE/table.py" --steps "$OUT" || rc=1
[ $rc = 0 ] || echo "bench/hooks: a boot failed (its line above says which), logs in $OUT/logs" >&2
exit $rc
