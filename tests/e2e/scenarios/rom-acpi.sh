# e2e-desc: a laptop's vBIOS through ACPI on the real kernel: the guest's
#   "dGPU" (the bochs-display behind rp1, ACPI node \_SB_.PCI0.S18_.S00_) gets
#   the _ROM of `vfiobox ssdt rom` (QEMU -acpitable) serving a ROM laid out as
#   NVIDIA's from the fw_cfg file the guide names (QEMU -fw_cfg); acpi_call
#   built from Debian's acpi-call-dkms for this kernel. ssdt find and names
#   see the table's _ROM; rom --acpi without the module names it and writes
#   nothing; with it, rom --acpi dumps exactly the bytes fw_cfg serves (in
#   acpi_call's 42-byte replies), so the table's _ROM returns the file's bytes;
#   the GPU has no ROM BAR (rombar=0): plain rom falls back to ACPI, doctor
#   names the _ROM and the next command
# e2e-image: sh tests/e2e/acpicall-image.sh
# e2e-cmdline: rdinit=/init
# e2e-qemu: -acpitable file=build/e2e/romssdt.aml
# e2e-qemu: -fw_cfg name=opt/com.lion328/nvidia-rom,file=build/e2e/nvbochs.rom
# e2e-qemu: -global bochs-display.rombar=0
# e2e-timeout: 120

GPU=0000:01:00.0
check_eq "the GPU's ACPI node" '\_SB_.PCI0.S18_.S00_' "$(cat /sys/bus/pci/devices/$GPU/firmware_node/path)"
out=$(vfiobox ssdt find _ROM); rc=$?
check_eq "find _ROM exits 0" 0 $rc
check_match "find _ROM: the table's method at the GPU's path" '^SSDT[0-9]* +0x[0-9a-f]{6}  Method +\\_SB\.PCI0\.S18\.S00\._ROM$' "$out"
tbl=$(printf '%s\n' "$out" | awk '/Method/ {print $1; exit}')
out=$(vfiobox ssdt names "$tbl" 2>&1); rc=$?
check_eq "names of the rom table exits 0 (nothing it could not decode)" 0 $rc
check_match "names: FBE, FFND and _ROM under the path" '  Method +\\_SB\.PCI0\.S18\.S00\.FFND$' "$out"
out=$(vfiobox ssdt names DSDT 2>&1); rc=$?
check_eq "names of QEMU's DSDT exits 0 (every term decoded)" 0 $rc
check_match "QEMU's DSDT: the GPU's node" '  Device +\\_SB\.PCI0\.S18\.S00$' "$out"

out=$(vfiobox rom --acpi -o /tmp/none.rom $GPU 2>&1); rc=$?
check_eq "rom --acpi without acpi_call exits 1" 1 $rc
check_match "the module named" "acpi_call module is not loaded; install it \\(Debian, Ubuntu: apt install acpi-call-dkms\\) and load it: modprobe acpi_call; nothing written" "$out"
check "nothing written" test ! -e /tmp/none.rom

check "acpi_call loads" insmod /e2e/acpi_call.ko
check "/proc/acpi/call is there" test -e /proc/acpi/call
t0=$(date +%s)
out=$(vfiobox rom --acpi -o /tmp/acpi.rom $GPU 2>&1); rc=$?
note "rom --acpi took $(( $(date +%s) - t0 )) s"
printf '%s\n' "$out" | while read -r l; do note "$l"; done
check_eq "rom --acpi exits 0" 0 $rc
check_match "through /proc/acpi/call" '^0000:01:00\.0: ACPI \\_SB\.PCI0\.S18\.S00\._ROM \(SSDT[0-9]* Method at 0x[0-9a-f]{6}\) through /proc/acpi/call$' "$out"
check_match "acpi_call's 42-byte replies" "9216 bytes in 220 _ROM calls" "$out"
check "the bytes fw_cfg serves, exactly" cmp /tmp/acpi.rom /e2e/vbios.rom
echo '\_SB.PCI0.S18.S00._ROM 0x1000 0x10' >/proc/acpi/call
r=$(cat /proc/acpi/call)
want=$(od -An -tx1 -j 4096 -N 16 /e2e/vbios.rom | tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /, 0x/g; s/^/{0x/; s/$/}/')
check_eq "_ROM (0x1000, 16) by hand, back from the end: the file's bytes there" "$want" "$r"
echo '\_SB.PCI0.S18.S00._ROM 0x10000 0x4' >/proc/acpi/call
check_eq "_ROM past the file's end: zeros" "{0x00, 0x00, 0x00, 0x00}" "$(cat /proc/acpi/call)"
out=$(vfiobox doctor 2>&1)
printf '%s\n' "$out" | grep -A1 'vBIOS' | while read -r l; do note "$l"; done
check "the GPU has no ROM BAR" test ! -e /sys/bus/pci/devices/$GPU/rom
check_match "doctor: no ROM BAR, the _ROM and its table" "gpu $GPU: vBIOS: no ROM BAR; ACPI \\\\_SB\\.PCI0\\.S18\\.S00\\._ROM in SSDT" "$out"
check_match "doctor: the next command" "-> vfiobox rom --acpi -o vbios\\.rom $GPU, then ssdt rom" "$out"
out=$(vfiobox rom -o /tmp/plain.rom $GPU 2>&1); rc=$?
check_eq "plain rom exits 0" 0 $rc
check_match "plain rom: no ROM BAR, the firmware next" "no ROM BAR \\(the device has no rom attribute\\); trying VFCT and its ACPI _ROM" "$out"
check "plain rom: the same bytes" cmp /tmp/plain.rom /e2e/vbios.rom
