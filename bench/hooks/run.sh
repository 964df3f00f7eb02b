#!/bin/sh
# bench/hooks/run.sh VFIOBOX [MKFAKESYS]: what vfiobox's initramfs hook adds to
# a boot, against an image that does the conventional thing. For now one
# generator, initramfs-tools (Debian's mkinitramfs, tests/hooks/boot/e2e-image.sh):
#   vfiobox  its init-top hook claims the GPU (vfiobox.claim= on the command line)
#   plain    no vfiobox; vfio_pci first in the module list, and in modprobe.d
#            `options vfio-pci ids=...` with `softdep bochs pre: vfio-pci` (and
#            snd_hda_intel): the guides' way
# BENCH_BOOTS (default 3) boots of each, alternating; every boot builds its
# image again. The figures are the kernel's own timestamps (bench/hooks/guest.sh),
# not host wall time: ms from the kernel's start to the image handing over
# (to-init) and, with vfiobox, to the hook's end (claim-done). Medians printed;
# the guest fails only if the GPU or its HDA function is not on vfio-pci.
# MKFAKESYS is accepted (make bench passes it) and not used.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VFIOBOX [MKFAKESYS]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VFIOBOX=$1
BOOTS=${BENCH_BOOTS:-3}
OUT=${BENCH_OUT:-build/bench/hooks}
VFIO_OPEN=${E2E_VFIO_OPEN:-build/e2e/vfio-open}
case $BOOTS in '' | *[!0-9]* | 0) echo "bench/hooks: BENCH_BOOTS must be a positive number" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench/hooks: needs root (the initramfs-tools image is built in a private mount namespace)" >&2; exit 2; }
for f in "$VFIOBOX" "$VFIO_OPEN"; do
	[ -x "$f" ] || { echo "bench/hooks: $f is missing (make bench builds it)" >&2; exit 2; }
done
mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-bench-hooks.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
KDIR=$("$TOP/tests/e2e/setup.sh")
"$TOP/tests/e2e/mkbase.sh" "$KDIR" "$W/base.cpio" "$VFIOBOX" "$VFIO_OPEN" vfio_pci
# The guest's GPU and HDA (tests/e2e/run.py's topology), by ids and class:
# the boot VGA has the GPU's ids 1234:1111 (docs/bench.md).
IDS=1234:1111:ffffffff:ffffffff:038000:ffffff,8086:293e:ffffffff:ffffffff:040300:ffffff
files=""
i=1
while [ $i -le "$BOOTS" ]; do
	for v in plain vfiobox; do
		f=$W/itools-$v-$i.sh
		case $v in
		vfiobox) printf '# e2e-image: tests/hooks/boot/e2e-image.sh initramfs-tools\n# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0\n' ;;
		plain) printf '# e2e-image: E2E_VFIO_IDS=%s tests/hooks/boot/e2e-image.sh initramfs-tools-plain\n# e2e-cmdline: printk.devkmsg=on\n' "$IDS" ;;
		esac >"$f"
		cat "$HERE/guest.sh" >>"$f"
		files="$files $f"
	done
	i=$((i + 1))
done
echo "bench/hooks: kernel $(cat "$KDIR/kver"), initramfs-tools, $BOOTS boots of each image, $(nproc) host CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
python3 "$TOP/tests/e2e/run.py" --kdir "$KDIR" --base "$W/base.cpio" --out "$OUT" --jobs 1 $files ||
	{ echo "bench/hooks: a boot failed, logs in $OUT/logs" >&2; exit 1; }
python3 - "$OUT/logs" "$BOOTS" <<'PY'
import glob, os, re, statistics, sys
logs, boots = sys.argv[1], int(sys.argv[2])
t = {}
for p in glob.glob(os.path.join(logs, "itools-*-*.log")):
    v = os.path.basename(p).split("-")[1]
    for line in open(p, errors="replace"):
        m = re.search(r"E2E: TIME (\S+) (\d+) ms", line)
        if m:
            t.setdefault((v, m.group(1)), []).append(int(m.group(2)))
med = lambda k: statistics.median(t[k]) if k in t else None
print("ms from the kernel's start (median of %d boots, min-max), initramfs-tools" % boots)
for v, desc in (("plain", "conventional: options vfio-pci ids= + softdep"),
                ("vfiobox", "vfiobox init-top hook, vfiobox.claim=")):
    for k in ("claim-done", "to-init"):
        if (v, k) in t:
            x = t[(v, k)]
            print("  %-52s %-10s %7.0f (%d-%d)" % (desc, k, med((v, k)), min(x), max(x)))
a, b = med(("vfiobox", "to-init")), med(("plain", "to-init"))
if a and b:
    print("  vfiobox's image reaches init %+.0f ms (%.2fx) against the conventional one" % (a - b, a / b))
PY
