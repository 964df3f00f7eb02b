# e2e-desc: `vfiobox rom` against the kernel's rom attribute: the NIC's iPXE
#   ROM (legacy x86 + EFI) read, checked, saved byte for byte as a manual
#   `echo 1; cat; echo 0` gets it, and reads off again afterwards (EINVAL);
#   another device's ROM refused (vendor mismatch); a ROM BAR with no image in
#   it (the kernel's EIO); a device without a ROM BAR; the dry run; ROMs laid
#   out as NVIDIA's (tests/tools/nvrom.sh): the whole chain with NVIDIA's
#   type 0xe0 image accepted, and one whose legacy image the kernel's walk
#   cannot get past refused as cut short
# e2e-load: e1000e
# e2e-qemu: -device pcie-root-port,id=rp9,bus=pcie.0,addr=0x9,chassis=9
# e2e-qemu: -device e1000e,id=nicv,bus=rp9,addr=0x0,romfile=efi-virtio.rom
# e2e-qemu: -device pcie-root-port,id=rp10,bus=pcie.0,addr=0xa,chassis=10
# e2e-qemu: -device e1000e,id=nicb,bus=rp10,addr=0x0,romfile=/etc/os-release
# e2e-qemu: -device pcie-root-port,id=rp11,bus=pcie.0,addr=0xb,chassis=11
# e2e-qemu: -device e1000e,id=nicn,bus=rp11,addr=0x0,romfile=
# e2e-qemu: -device pcie-root-port,id=rp12,bus=pcie.0,addr=0xc,chassis=12
# e2e-qemu: -device e1000e,id=nicl,bus=rp12,addr=0x0,romfile=build/e2e/nvlayout.rom
# e2e-qemu: -device pcie-root-port,id=rp13,bus=pcie.0,addr=0xd,chassis=13
# e2e-qemu: -device e1000e,id=nicc,bus=rp13,addr=0x0,romfile=build/e2e/nvcut.rom

NICV=$(e2e_behind 0000:00:09.0 0)
NICB=$(e2e_behind 0000:00:0a.0 0)
NICN=$(e2e_behind 0000:00:0b.0 0)
NICL=$(e2e_behind 0000:00:0c.0 0)
NICC=$(e2e_behind 0000:00:0d.0 0)
rom=/sys/bus/pci/devices/$E2E_NIC/rom

# Reads are off until 1 is written: the kernel's EINVAL.
check "rom attribute exists" test -e $rom
err=$(cat $rom 2>&1 >/dev/null)
check_match "reading before enabling: Invalid argument" "Invalid argument" "$err"

out=$(vfiobox rom -o /tmp/nic.rom $E2E_NIC 2>&1); rc=$?
printf '%s\n' "$out" | while read -r l; do note "$l"; done
check_eq "rom of the NIC exits 0" 0 $rc
check_match "summary names the device" "^$E2E_NIC  8086:10d3  option ROM [0-9]+ bytes" "$out"
check_match "a legacy x86 image for 8086:10d3 with a good checksum" \
	"^  0  0x000000 +[0-9]+  legacy x86 +8086:10d3  checksum ok$" "$out"
check_match "an EFI image" "  EFI [A-Za-z0-9-]+.* +8086:10d3  ok$" "$out"
check_match "saved" "^wrote /tmp/nic.rom \\([0-9]+ bytes\\)$" "$out"
err=$(cat $rom 2>&1 >/dev/null)
check_match "reads are off again afterwards" "Invalid argument" "$err"

echo 1 > $rom
cat $rom > /tmp/manual.rom
echo 0 > $rom
check "the saved ROM is what the kernel gives" cmp /tmp/nic.rom /tmp/manual.rom
n=$(wc -c < /tmp/nic.rom)
check_match "the size in the summary is the file's" "option ROM $n bytes" "$out"

out=$(vfiobox rom -n -o /tmp/dry.rom $E2E_NIC); rc=$?
check_eq "dry run exits 0" 0 $rc
check_match "dry run: enable" "^echo 1 > $rom$" "$out"
check_match "dry run: disable" "^echo '?0(\\\\n)?'? > $rom$" "$out"
check_fails "dry run wrote no file" test -e /tmp/dry.rom
err=$(cat $rom 2>&1 >/dev/null)
check_match "dry run left reads off" "Invalid argument" "$err"

# efi-virtio.rom in an e1000e: the images name virtio-net (1af4:1041)
out=$(vfiobox rom -o /tmp/v.rom $NICV 2>&1); rc=$?
check_eq "another device's ROM: exit 1" 1 $rc
check_match "mismatch named" "image 0 is for 1af4:1041, not this device \\(8086:10d3\\)" "$out"
check_match "not saved" "did not pass the checks; /tmp/v.rom not written" "$out"
check_fails "no file" test -e /tmp/v.rom
err=$(cat /sys/bus/pci/devices/$NICV/rom 2>&1 >/dev/null)
check_match "reads off after a failed check" "Invalid argument" "$err"

# a text file as the ROM: no 0x55AA, the kernel's read fails with EIO
out=$(vfiobox rom $NICB 2>&1); rc=$?
check_eq "ROM BAR without an image: exit 1" 1 $rc
check_match "the kernel found nothing" "the kernel found no ROM image" "$out"
err=$(cat /sys/bus/pci/devices/$NICB/rom 2>&1 >/dev/null)
check_match "reads off after the kernel's error" "Invalid argument" "$err"

# romfile= (empty): no ROM BAR, no rom attribute
check_fails "no rom attribute without a ROM BAR" test -e /sys/bus/pci/devices/$NICN/rom
out=$(vfiobox rom $NICN 2>&1); rc=$?
check_eq "no ROM BAR: exit 1" 1 $rc
check_match "no ROM BAR said" "no ROM BAR" "$out"

# NVIDIA's layout through the kernel's walk: legacy, type 0xe0, EFI (last)
out=$(vfiobox rom -o /tmp/nvl.rom $NICL 2>&1); rc=$?
printf '%s\n' "$out" | while read -r l; do note "$l"; done
check_eq "NVIDIA layout: exit 0" 0 $rc
check_match "three images, 9216 bytes" "option ROM 9216 bytes, 3 images$" "$out"
check_match "the legacy image, its PCIR at 0x190" "^  0  0x000000 +4096  legacy x86 +8086:10d3  checksum ok$" "$out"
check_match "NVIDIA's image for another device" "^  1  0x001000 +2048  type 0xe0 +8086:0ff0  ok, not this device$" "$out"
check_match "the EFI image" "^  2  0x001800 +3072  EFI x64 compressed +8086:10d3  ok$" "$out"
check "saved as the kernel gives it" sh -c 'echo 1 > $1/rom; cat $1/rom > /tmp/nvl.manual; echo 0 > $1/rom; cmp /tmp/nvl.rom /tmp/nvl.manual' sh /sys/bus/pci/devices/$NICL

# the kernel stops where the legacy image's PCIR length ends: no 0x55AA there
out=$(vfiobox rom -o /tmp/nvc.rom $NICC 2>&1); rc=$?
printf '%s\n' "$out" | while read -r l; do note "$l"; done
check_eq "cut short by the kernel: exit 1" 1 $rc
check_match "only the legacy image came" "option ROM 4096 bytes, 1 image$" "$out"
check_match "cut short said" "after image 0, at offset 0x1000: the data ends before an image marked last" "$out"
check_fails "not saved" test -e /tmp/nvc.rom
err=$(cat /sys/bus/pci/devices/$NICC/rom 2>&1 >/dev/null)
check_match "reads off after the refusal" "Invalid argument" "$err"
