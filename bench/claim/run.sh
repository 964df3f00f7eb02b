#!/bin/sh
# bench/claim/run.sh VFIOBOX MKFAKESYS: how long vfio-claim takes from exec
# to a verified claim on a fake tree of 1000 PCI devices (bench/claim/gen.sh),
# next to today's shell approach (bench/claim/vfio-pci-override.sh, the Arch
# wiki's driver_override loop plus the unbind, probe and check a running
# system needs) on the same tree. Prints a table; asserts nothing.
#
# What is measured: each run starts with the GPU 0000:40:00.0 and its HDA
# function on nvidia and snd_hda_intel, vfio-pci loaded (a vfio-release,
# not timed, puts them back). The timed command writes the overrides, unbinds,
# probes and waits until the driver links name vfio-pci. A fake tree binds
# nothing by itself: tests/tools/fakekernel (a daemon, inotify) applies the
# writes, so its reaction time is inside every figure, for both tools. The
# -n row is the plan alone (selection, group expansion, checks; no writes, no
# daemon). BENCH_RUNS (default 40) runs per row, with hyperfine -N, in
# BENCH_ROUNDS (default 4) rounds of all four rows whose times are pooled:
# a burst of load on the machine then falls on every row alike, not on the
# one whose block it hit. The ratio of each round is printed too.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 VFIOBOX MKFAKESYS" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VFIOBOX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MKFAKESYS=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
FK=${FAKEKERNEL:-$TOP/build/fakekernel}
RUNS=${BENCH_RUNS:-40}
ROUNDS=${BENCH_ROUNDS:-4}
case $ROUNDS in '' | *[!0-9]* | 0) echo "bench/claim: BENCH_ROUNDS must be a positive number" >&2; exit 2 ;; esac
PER=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
[ "$PER" -ge 2 ] || PER=2
for t in hyperfine python3; do
	command -v $t >/dev/null || { echo "bench/claim: $t is missing (scripts/need bench)" >&2; exit 2; }
done
[ -x "$FK" ] || { echo "bench/claim: $FK is missing (make build/fakekernel)" >&2; exit 2; }

# The tree lives in memory, as sysfs does: on ext4, every write with O_TRUNC
# to a file that had data starts a writeback when the file is closed
# (auto_da_alloc), block I/O that sysfs never does. BENCH_TMP picks the place.
if [ -z "${BENCH_TMP:-}" ]; then
	BENCH_TMP=${TMPDIR:-/tmp}
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ] && BENCH_TMP=/dev/shm
fi
WORK=$(mktemp -d "$BENCH_TMP/vfiobox-bench-claim.XXXXXX")
cleanup() { "$FK" stop "$WORK/fk" >/dev/null 2>&1 || :; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

"$HERE/gen.sh" >"$WORK/big.desc"
"$MKFAKESYS" "$WORK/big.desc" "$WORK/root"
ndev=$(ls "$WORK/root/sys/bus/pci/devices" | wc -l)
# What a real kernel also has and mkfakesys does not write: /proc/bus/pci/devices
# (bus and devfn, vendor and device, irq), which vfio-claim reads to narrow an
# ids= scan, and /sys/class/pci_bus (one entry per bus, "DDDD:BB"), where it
# finds the domains to look the candidates up in.
python3 - "$WORK/root" <<'PY'
import os, sys
root = sys.argv[1]
base = root + "/sys/bus/pci/devices"
os.makedirs(root + "/proc/bus/pci", exist_ok=True)
with open(root + "/proc/bus/pci/devices", "w") as f:
    for a in sorted(os.listdir(base)):
        dom, bus, sf = a.split(":")
        slot, fn = sf.split(".")
        rd = lambda n: open("%s/%s/%s" % (base, a, n)).read().strip()
        f.write("%s%02x\t%04x%04x\t%x\n" % (bus, int(slot, 16) << 3 | int(fn, 16),
                int(rd("vendor"), 16), int(rd("device"), 16), int(rd("irq"))))
        os.makedirs("%s/sys/class/pci_bus/%s:%s" % (root, dom, bus), exist_ok=True)
PY
"$FK" start "$WORK/root" "$WORK/fk"
export VFIOBOX_SYSROOT="$WORK/root" VFIOBOX_KMSG=0

# Load vfio-pci once (the first claim), then back: every run starts there.
"$VFIOBOX" vfio-claim 0000:40:00.0 >/dev/null 2>&1 || { echo "bench/claim: the first claim failed" >&2; exit 1; }
"$VFIOBOX" vfio-release 0000:40:00.0 >/dev/null 2>&1

r=1
while [ $r -le "$ROUNDS" ]; do
	hyperfine -N --style none --warmup 3 --runs "$PER" \
		--prepare "$VFIOBOX vfio-release 0000:40:00.0" \
		--export-json "$WORK/h$r.json" \
		-n "vfio-claim 0000:40:00.0" "$VFIOBOX vfio-claim 0000:40:00.0" \
		-n "vfio-claim ids=10de:249d" "$VFIOBOX vfio-claim ids=10de:249d" \
		-n "vfio-claim -n ids=10de:249d (plan only)" "$VFIOBOX vfio-claim -n ids=10de:249d" \
		-n "shell: vfio-pci-override.sh" "sh $HERE/vfio-pci-override.sh" >/dev/null
	r=$((r + 1))
done

python3 - "$WORK" "$ROUNDS" "$ndev" "$(stat -f -c %T "$WORK")" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
names, times, per_round = [], {}, []
for k in range(1, rounds + 1):
    res = json.load(open("%s/h%d.json" % (work, k)))["results"]
    med = {}
    for r in res:
        if r["command"] not in times:
            names.append(r["command"])
            times[r["command"]] = []
        times[r["command"]] += r["times"]
        med[r["command"]] = statistics.median(r["times"])
    per_round.append(med)
shell = next(n for n in names if n.startswith("shell"))
ms = lambda v: v * 1000
print("vfio-claim, exec to verified claim, fake tree of %s devices (on %s) through "
      "tests/tools/fakekernel, %d runs each in %d rounds (hyperfine -N)"
      % (sys.argv[3], sys.argv[4], len(times[shell]), rounds))
print("%-42s %9s %9s %9s %9s %10s  %s" % ("", "mean ms", "median", "min", "stddev", "vs shell",
      "per round"))
smed = statistics.median(times[shell])
for n in names:
    t = times[n]
    ratios = [m[shell] / m[n] for m in per_round]
    print("%-42s %9.2f %9.2f %9.2f %9.2f %9.1fx  %.1f-%.1fx" % (n, ms(statistics.mean(t)),
          ms(statistics.median(t)), ms(min(t)), ms(statistics.stdev(t) if len(t) > 1 else 0),
          smed / statistics.median(t), min(ratios), max(ratios)))
for n in ("vfio-claim 0000:40:00.0", "vfio-claim ids=10de:249d"):
    m = statistics.median(times[n])
    print("goal: <= 3 ms and >= 20x faster than the shell loop; %s: median %.2f ms, %.1fx"
          % (n, ms(m), smed / m))
PY
