# e2e-desc: ssdt against the kernel's /sys/firmware/acpi/tables: QEMU's own
#   tables listed with good checksums and extracted byte for byte; the guides'
#   battery table, given to the guest with -acpitable as the guides do, is
#   loaded by the kernel's ACPI interpreter (a PNP0C0A device appears) and is
#   found by name, listed and extracted as vfiobox wrote it
# e2e-qemu: -acpitable file=build/e2e/battery.dat

T=/sys/firmware/acpi/tables
out=$(vfiobox ssdt list); rc=$?
check_eq "list exits 0" 0 $rc
printf '%s\n' "$out" | while read -r l; do note "$l"; done
check_match "the DSDT is listed, checksum ok" "^DSDT +DSDT +[0-9]+ +[0-9]+ BOCHS  BXPC +[0-9A-F]{8}  ok$" "$out"
check_nomatch "every table is sound" "  (bad checksum|truncated|length mismatch|no table header)" "$out"
bat=$(printf '%s\n' "$out" | sed -n 's/^\([^ ]*\) .* BOCHS  BXPCSSDT .*/\1/p' | head -1)
check_match "the battery table is listed with its header" \
	"^$bat +SSDT +161 +1 BOCHS  BXPCSSDT 00000001  ok$" "$out"

# The kernel's ACPI interpreter loaded it: \_SB.PCI0.BAT0 is a device.
check "a PNP0C0A battery device exists" sh -c 'ls /sys/bus/acpi/devices | grep -q "^PNP0C0A:"'
p=$(cat /sys/bus/acpi/devices/PNP0C0A:00/path 2>/dev/null)
check_eq "its ACPI path" '\_SB_.PCI0.BAT0' "$p"

out=$(vfiobox ssdt find BAT0); rc=$?
check_eq "find BAT0 exits 0" 0 $rc
check_match "find BAT0: the device in the battery table" "^$bat +0x[0-9a-f]+  Device +\\\\_SB\\.PCI0\\.BAT0$" "$out"
out=$(vfiobox ssdt find PCI0)
check_match "find PCI0: the host bridge in the DSDT" '^DSDT +0x[0-9a-f]+  Device +\\_SB\.PCI0$' "$out"
check_match "find PCI0: the battery's scope" "^$bat +0x[0-9a-f]+  Scope +\\\\_SB\\.PCI0$" "$out"
out=$(vfiobox ssdt find '\_SB.PCI0._HID')
check_match "find \\_SB.PCI0._HID: QEMU's host bridge id, Name (_HID) in Device (PCI0)" '^DSDT +0x[0-9a-f]+  Name +\\_SB\.PCI0\._HID$' "$out"
out=$(vfiobox ssdt find PCI0.BAT0._STA)
check_match "find PCI0.BAT0._STA: the battery's method by its path" "^$bat +0x[0-9a-f]+  Method +\\\\_SB\\.PCI0\\.BAT0\\._STA$" "$out"
check_fails "find a name nobody has" vfiobox ssdt find _ROX

mkdir -p /tmp/x
out=$(vfiobox ssdt extract -d /tmp/x SSDT DSDT); rc=$?
check_eq "extract exits 0" 0 $rc
vfiobox ssdt battery > /tmp/battery.dat
lower=$(echo "$bat" | tr A-Z a-z)
check "the battery extracted as vfiobox wrote it" cmp /tmp/x/$lower.dat /tmp/battery.dat
check "dsdt.dat is the kernel's DSDT" cmp /tmp/x/dsdt.dat $T/DSDT
for f in $T/SSDT*; do
	n=$(basename $f | tr A-Z a-z)
	check "$n.dat is the kernel's $(basename $f)" cmp /tmp/x/$n.dat $f
done
