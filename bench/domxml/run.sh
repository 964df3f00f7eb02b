#!/bin/sh
# bench/domxml/run.sh VFIOBOX MKFAKESYS: a generated domain XML of 40+ MB
# (the virt-manager test domain with thousands of disks and NICs) through
# `vfiobox domxml --preset=laptop`, side by side with xmlstarlet ed and
# Python's ElementTree making the same kind of edit (hyperv, kvm hidden,
# a PCI hostdev with rom bar off, a looking-glass shmem, memballoon none, an
# -acpitable argument). Prints, best of BENCH_RUNS: wall time and input
# MB per second of it, CPU time (user + system: what the tool costs when
# other work shares the CPUs) and MB per CPU second, and the peak RSS (from
# wait4, bench/domxml/measure.c). Never asserts timings.
#
# BENCH_MB=42 sets the size; BENCH_RUNS=5 the repetitions.
set -u
[ $# -ge 2 ] || { echo "usage: $0 VFIOBOX MKFAKESYS" >&2; exit 2; }
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VFIOBOX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MKFAKESYS=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
MB=${BENCH_MB:-42}
RUNS=${BENCH_RUNS:-5}
W=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-bench-domxml.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM

# The input: the fixture with blocks of <disk> and <interface> before
# </devices> until it passes MB megabytes.
gen() {
	awk -v target="$1" '
	/^  <\/devices>/ && !done {
		n = 0
		while (size < target) {
			b = sprintf("    <disk type=\x27file\x27 device=\x27disk\x27>\n" \
			    "      <driver name=\x27qemu\x27 type=\x27qcow2\x27 discard=\x27unmap\x27/>\n" \
			    "      <source file=\x27/var/lib/libvirt/images/data%d.qcow2\x27/>\n" \
			    "      <target dev=\x27vd%d\x27 bus=\x27virtio\x27/>\n" \
			    "      <!-- data disk %d -->\n" \
			    "      <address type=\x27drive\x27 controller=\x270\x27 bus=\x270\x27 target=\x270\x27 unit=\x27%d\x27/>\n" \
			    "    </disk>\n" \
			    "    <interface type=\x27network\x27>\n" \
			    "      <mac address=\x2752:54:00:%02x:%02x:%02x\x27/>\n" \
			    "      <source network=\x27default\x27/>\n" \
			    "      <model type=\x27virtio\x27/>\n" \
			    "    </interface>\n", n, n, n, n % 8, int(n / 65536) % 256, int(n / 256) % 256, n % 256)
			printf "%s", b
			size += length(b)
			n++
		}
		done = 1
	}
	{ print; size += length($0) + 1 }' "$TOP/tests/data/domxml/virt-manager-win11.xml"
}
gen $((MB * 1000 * 1000)) >"$W/big.xml"
cp "$TOP/tests/data/domxml/virt-manager-win11.xml" "$W/small.xml"
BYTES=$(wc -c <"$W/big.xml")
SMALL=$(wc -c <"$W/small.xml")
"$MKFAKESYS" "$TOP/examples/omen17.desc" "$W/root" || exit 1
export VFIOBOX_SYSROOT="$W/root"

# The timer: bench/domxml/measure.c, static (see there why).
CC=${CC:-$(command -v musl-gcc || echo cc)}
$CC -O2 -static -o "$W/measure" "$TOP/bench/domxml/measure.c" 2>/dev/null ||
	cc -O2 -o "$W/measure" "$TOP/bench/domxml/measure.c" || exit 1
best() {	# TAG RUNS IN OUT CMD...
	tag=$1
	shift
	"$W/measure" "$@" 2>"$W/err" || { echo "bench/domxml: $tag failed: $(head -c 300 "$W/err")" >&2; return 1; }
}

row() {	# TOOL BYTES "WALL CPU RSS"
	set -- "$1" "$2" $3
	awk -v tool="$1" -v bytes="$2" -v t="$3" -v c="$4" -v rss="$5" 'BEGIN {
		mbc = c > 0 ? bytes / 1e6 / c : 0
		printf "%-38s %6.1f MB %8.3f s %7.0f MB/s %8.3f s %7.0f MB/s %7.1f MiB\n", tool, bytes / 1e6, t, bytes / 1e6 / t, c, mbc, rss / 1024 }'
}

QNS=http://libvirt.org/schemas/domain/qemu/1.0
XS="xmlstarlet ed -N qemu=$QNS
 -s /domain/features -t elem -n hyperv -i /domain/features/hyperv -t attr -n mode -v custom
 -s /domain/features/hyperv -t elem -n relaxed -i /domain/features/hyperv/relaxed -t attr -n state -v on
 -s /domain/features/hyperv -t elem -n vendor_id -i /domain/features/hyperv/vendor_id -t attr -n state -v on
 -i /domain/features/hyperv/vendor_id -t attr -n value -v GenuineIntel
 -s /domain/features -t elem -n kvm -s /domain/features/kvm -t elem -n hidden
 -i /domain/features/kvm/hidden -t attr -n state -v on
 -s /domain/devices -t elem -n hostdev -i /domain/devices/hostdev -t attr -n type -v pci
 -s /domain/devices/hostdev -t elem -n rom -i /domain/devices/hostdev/rom -t attr -n bar -v off
 -u /domain/devices/memballoon/@model -v none
 -s /domain/devices -t elem -n shmem -i /domain/devices/shmem -t attr -n name -v looking-glass
 -s /domain/devices/shmem -t elem -n size -v 128
 -s /domain -t elem -n qemu:commandline
 -s /domain/qemu:commandline -t elem -n qemu:arg -i /domain/qemu:commandline/qemu:arg -t attr -n value -v -acpitable"

cat >"$W/et.py" <<'PY'
import sys
import xml.etree.ElementTree as ET
Q = "http://libvirt.org/schemas/domain/qemu/1.0"
ET.register_namespace("qemu", Q)
tree = ET.parse(sys.argv[1])
d = tree.getroot()
f = d.find("features")
hv = ET.SubElement(f, "hyperv", mode="custom")
for n in ("relaxed", "vapic", "vpindex", "runtime", "synic", "stimer", "reset", "frequencies", "tlbflush"):
    ET.SubElement(hv, n, state="on")
ET.SubElement(hv, "vendor_id", state="on", value="GenuineIntel")
ET.SubElement(ET.SubElement(f, "kvm"), "hidden", state="on")
dev = d.find("devices")
h = ET.SubElement(dev, "hostdev", mode="subsystem", type="pci", managed="yes")
ET.SubElement(ET.SubElement(h, "source"), "address", domain="0x0000", bus="0x01", slot="0x00", function="0x0")
ET.SubElement(h, "rom", bar="off")
dev.find("memballoon").set("model", "none")
s = ET.SubElement(dev, "shmem", name="looking-glass")
ET.SubElement(s, "model", type="ivshmem-plain")
ET.SubElement(s, "size", unit="M").text = "128"
c = ET.SubElement(d, "{%s}commandline" % Q)
ET.SubElement(c, "{%s}arg" % Q, value="-acpitable")
ET.SubElement(c, "{%s}arg" % Q, value="file=/etc/ssdt1.dat")
tree.write(sys.argv[2], encoding="unicode")
PY

command -v python3 >/dev/null 2>&1 || { echo "bench/domxml: needs python3 (scripts/need bench)" >&2; exit 2; }
echo "domxml benchmark: $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB generated domain XML ($(grep -c '<disk' "$W/big.xml") disks), best of $RUNS runs, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-38s %9s %10s %12s %10s %12s %11s\n' "tool" "input" "wall" "MB/s" "cpu" "MB/cpu-s" "peak RSS"
V=$VFIOBOX B=$W/big.xml
r=$(best vfiobox "$RUNS" "$B" /dev/null "$V" domxml --preset=laptop) && row "vfiobox domxml --preset=laptop" "$BYTES" "$r"
r=$(best vfiobox "$RUNS" "$B" "$W/out.xml" "$V" domxml --preset=laptop) && row "  same, stdout to a file" "$BYTES" "$r"
r=$(best vfiobox "$RUNS" - /dev/null "$V" domxml --preset=laptop -o "$W/out2.xml" "$B") && row "  same, -o FILE (fsync + rename)" "$BYTES" "$r"
r=$(best vfiobox "$RUNS" "|$B" /dev/null "$V" domxml --preset=laptop) && row "  same, from a pipe (spooled)" "$BYTES" "$r"
r=$(best vfiobox "$RUNS" - /dev/null "$V" domxml --list-hostdevs "$B") && row "vfiobox domxml --list-hostdevs" "$BYTES" "$r"
r=$(best vfiobox "$RUNS" "$W/small.xml" /dev/null "$V" domxml --preset=laptop) && row "vfiobox, the 9 KB domain" "$SMALL" "$r"
r=$(best cp "$RUNS" - /dev/null cp "$B" "$W/copy.xml") && row "cp (a plain file copy, for scale)" "$BYTES" "$r"
if command -v xmlstarlet >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	r=$(best xmlstarlet 1 - "$W/xs.xml" $XS "$B") && row "xmlstarlet ed (similar edits)" "$BYTES" "$r"
else
	echo "xmlstarlet: not installed (scripts/need bench)"
fi
r=$(best python3 1 - /dev/null python3 "$W/et.py" "$B" "$W/et.xml") && row "python3 xml.etree.ElementTree" "$BYTES" "$r"
if "$VFIOBOX" domxml --preset=laptop "$W/out.xml" 2>/dev/null | cmp -s - "$W/out.xml"; then
	echo "second vfiobox run on its own output: byte-identical"
else
	echo "second vfiobox run on its own output: DIFFERS" >&2
fi
