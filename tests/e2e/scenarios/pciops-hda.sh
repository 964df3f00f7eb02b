# e2e-desc: hda against the kernel, on the emulated GPU+HDA pair with --force
#   (the GPU is bochs-display, not NVIDIA: the 0x488 write path and the
#   remove/rescan sequence run, but function 1 comes back only because QEMU
#   really has it; on NVIDIA hardware the bit is what makes it appear): off
#   removes function 1; on sets bit 25 of 0x488 and rescans: the kernel took
#   the GPU for multifunction when it created it, so function 1 is found
#   again without re-enumerating the GPU, which stays on vfio-pci (the plan
#   shows the fallback: remove the GPU, rescan, driver_override again);
#   power/control of the GPU and its root port put back
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic vfio_pci

# timed_to FILE NAME CMD...: timed, with CMD's output in FILE (the TIME line
# stays on the console)
timed_to() { _tf=$1; shift; _tn=$1; shift; timed "$_tn" sh -c '"$@" > "$0" 2>&1' "$_tf" "$@"; }

check_fails "not NVIDIA: refused without --force" vfiobox hda status $E2E_GPU
check_match "said" "is not an NVIDIA GPU \(--force to write 0x488 anyway\)" "$(cat /tmp/e2e.out)"
out=$(vfiobox hda --force status $E2E_GPU)
check_match "status: bit clear" "^  config 0x488   0x00000000 \(bit 25 clear\)$" "$out"
check_match "status: multifunction" "^  multifunction  yes$" "$out"
check_match "status: function 1 and its driver" "^  function 1     $E2E_HDA 8086:293e, driver snd_hda_intel$" "$out"

check_eq "plan: off" "# remove the HDA function, then clear bit 25 of 0x488 on $E2E_GPU
echo 1 > /sys/bus/pci/devices/$E2E_HDA/remove" "$(vfiobox hda --force -n off $E2E_GPU)"
timed_to /tmp/out hda-off vfiobox hda --force off $E2E_GPU
check_eq "off" "$E2E_GPU: hda off" "$(cat /tmp/out)"
check_fails "function 1 gone" present $E2E_HDA
check_match "status: off" "hda off$" "$(vfiobox hda --force status $E2E_GPU)"

# The GPU on vfio-pci, GPU and root port at power/control=auto.
check "GPU on vfio-pci" sysfs_bind $E2E_GPU vfio-pci
echo auto > /sys/bus/pci/devices/$E2E_GPU/power/control
echo auto > /sys/bus/pci/devices/$E2E_GPU_PORT/power/control
plan=$(vfiobox hda --force -n on $E2E_GPU)
check_match "plan: the bit" "^setpci -s $E2E_GPU 0x488.L=0x02000000:0x02000000$" "$plan"
check_match "plan: a rescan first" "^# a rescan finds $E2E_HDA if the kernel took $E2E_GPU for multifunction" "$plan"
check_match "plan: rescan its bridge" "^echo 1 > /sys/bus/pci/devices/$E2E_GPU_PORT/rescan$" "$plan"
check_match "plan: else remove the GPU" "^echo 1 > /sys/bus/pci/devices/$E2E_GPU/remove$" "$plan"
check_match "plan: and driver_override again" "^echo vfio-pci > /sys/bus/pci/devices/$E2E_GPU/driver_override$" "$plan"
check_eq "a plan writes nothing" 00000000 "$(cfg_read $E2E_GPU $((0x488)))"
# The kernel logs "pci ADDR: [VVVV:DDDD] type 00 class ..." each time it creates the device.
created() { dmesg | grep -c "pci $E2E_GPU: \[1234:1111\]"; }
n0=$(created)
timed_to /tmp/out hda-on vfiobox hda --force on $E2E_GPU
note "$(cat /tmp/out)"
check_match "on: function 1 back" "^$E2E_GPU: hda on, $E2E_HDA present \(driver snd_hda_intel\)$" "$(cat /tmp/out)"
check_eq "the GPU was not created again (a rescan was enough)" "$n0" "$(created)"
check_match "on: the group is not viable with the HDA on its host driver" \
	"its IOMMU group is not viable until vfio-claim takes $E2E_HDA too" "$(cat /tmp/out)"
check_driver $E2E_GPU vfio-pci
check_eq "driver_override kept" vfio-pci "$(sysattr $E2E_GPU driver_override)"
check_eq "bit 25 of 0x488 set" 02000000 "$(cfg_read $E2E_GPU $((0x488)))"
check "function 1 present" present $E2E_HDA
out=$(vfiobox hda --force status $E2E_GPU)
check_match "status: on" "hda on$" "$out"
check_match "status: multifunction after the rescan" "^  multifunction  yes$" "$out"
check_eq "GPU power/control put back" auto "$(sysattr $E2E_GPU power/control)"
check_eq "root port power/control put back" auto "$(sysattr $E2E_GPU_PORT power/control)"
check_match "on again: nothing to do" "hda on already$" "$(vfiobox hda --force on $E2E_GPU)"
