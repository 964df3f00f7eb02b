#!/bin/sh
# bench/claim/run.sh VFIOBOX [MKFAKESYS]: how long vfio-claim and vfio-release
# take on a real kernel, next to the shell override loop and to
# `modprobe vfio-pci ids=`, on the same two devices (the e2e guest's GPU and
# its HDA function). Boots one e2e guest (TCG) and runs bench/claim/guest.sh
# there; prints a table of medians and ratios (bench/claim/table.py). Asserts
# no timing: the guest's verdict is only that every claim left both functions
# on vfio-pci and every release put them back. docs/bench.md has the figures.
#
# Environment: BENCH_ROUNDS (default 30) rounds of every state and method;
# BENCH_STRACE=1 adds one run of each under strace -f -tt -T to the log (not
# in the figures; needs strace on the host, copied in with its libraries);
# BENCH_OUT (default build/bench/claim) for the log and the image;
# BENCH_BENCHTIME (default build/bench/benchtime, from bench/claim/benchtime.c)
# and E2E_VFIO_OPEN (default build/e2e/vfio-open), both built by `make bench`.
# MKFAKESYS is accepted (make bench passes it to every bench) and not used:
# a fake tree says nothing about a real kernel's bind.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 VFIOBOX [MKFAKESYS]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VFIOBOX=$1
ROUNDS=${BENCH_ROUNDS:-30}
STRACE=${BENCH_STRACE:-0}
OUT=${BENCH_OUT:-build/bench/claim}
BT=${BENCH_BENCHTIME:-build/bench/benchtime}
VFIO_OPEN=${E2E_VFIO_OPEN:-build/e2e/vfio-open}
case $ROUNDS in '' | *[!0-9]* | 0) echo "bench/claim: BENCH_ROUNDS must be a positive number" >&2; exit 2 ;; esac
for f in "$VFIOBOX" "$BT" "$VFIO_OPEN"; do
	[ -x "$f" ] || { echo "bench/claim: $f is missing (make bench builds it)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "bench/claim: python3 is missing (scripts/need bench)" >&2; exit 2; }

mkdir -p "$OUT"
W=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-bench-claim.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
KDIR=$("$TOP/tests/e2e/setup.sh")

# The e2e base image (busybox, vfiobox, the modules), then what the bench
# adds: benchtime, the shell methods, the settings, strace if asked for.
"$TOP/tests/e2e/mkbase.sh" "$KDIR" "$W/base.cpio" "$VFIOBOX" "$VFIO_OPEN" \
	vfio_pci vfio_iommu_type1 vfio_virqfd bochs snd_hda_intel snd_hda_codec_generic
x=$W/extra
mkdir -p "$x/e2e/bench"
cp "$BT" "$x/e2e/bench/benchtime"
cp "$HERE/vfio-pci-override.sh" "$HERE/vfio-pci-release.sh" "$x/e2e/bench/"
printf 'ROUNDS=%s\nSTRACE=%s\n' "$ROUNDS" "$STRACE" >"$x/e2e/bench.conf"
if [ "$STRACE" = 1 ]; then
	st=$(command -v strace) || { echo "bench/claim: BENCH_STRACE=1 needs strace (scripts/need bench)" >&2; exit 2; }
	cp "$st" "$x/e2e/bench/strace"
	# Its shared libraries and loader, at the paths it was linked with.
	for l in $(ldd "$st" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		mkdir -p "$x$(dirname "$l")"
		cp -L "$l" "$x$l"
	done
fi
(cd "$x" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >"$W/extra.cpio"
cat "$W/base.cpio" "$W/extra.cpio" >"$W/bench.cpio"

# The scenario: guest.sh with a deadline that grows with the rounds (one round
# of the eleven timed claims, seven releases and their resets took 4-7 s
# under TCG on a loaded 2-CPU host).
{
	echo "# e2e-timeout: $((90 + ROUNDS * 15 + STRACE * 120))"
	cat "$HERE/guest.sh"
} >"$W/bench-claim.sh"

echo "bench/claim: kernel $(cat "$KDIR/kver"), $ROUNDS rounds, one TCG guest, $(nproc) host CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
python3 "$TOP/tests/e2e/run.py" --kdir "$KDIR" --base "$W/bench.cpio" --out "$OUT" \
	--jobs 1 "$W/bench-claim.sh" || { echo "bench/claim: the guest failed, see $OUT/logs/bench-claim.log" >&2; exit 1; }
python3 "$HERE/table.py" "$OUT/logs/bench-claim.log"
