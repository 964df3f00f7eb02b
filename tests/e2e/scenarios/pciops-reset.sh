# e2e-desc: pci-reset against the kernel: -m pm resets the e1000e and puts its
#   reset_method list back; an unsupported method is refused with the list
#   kept; the kernel's own bus reset of the NIC (it works, or the kernel gives
#   up and pci-reset says why) leaves the list as it was. The GPU+HDA slot:
#   the kernel refuses a reset of the GPU (ENOTTY: the HDA shares its bus),
#   pci-reset -m bus refuses under bochs-drm/snd_hda_intel, and with both on
#   vfio-pci resets the root port's secondary bus itself: registers had to be
#   written back (the reset cleared them), COMMAND and BAR0 of both functions
#   as before, bridge control as before, the group still opens. By hand, the
#   same bit without the restore clears COMMAND and BAR0.
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e vfio_pci vfio_iommu_type1
# e2e-preloaded: no claim here; vfio-open after the bus reset needs vfio-pci and the backend

# timed_to FILE NAME CMD...: timed, with CMD's output in FILE (the TIME line
# stays on the console)
timed_to() { _tf=$1; shift; _tn=$1; shift; timed "$_tn" sh -c '"$@" > "$0" 2>&1' "$_tf" "$@"; }

# --- the NIC: the kernel's resets ----------------------------------------------------
check_eq "e1000e offers pm and bus" "pm bus" "$(sysattr $E2E_NIC reset_method)"
check_eq "plan" "echo pm > /sys/bus/pci/devices/$E2E_NIC/reset_method
echo 1 > /sys/bus/pci/devices/$E2E_NIC/reset
echo 'pm bus' > /sys/bus/pci/devices/$E2E_NIC/reset_method" "$(vfiobox pci-reset -n -m pm $E2E_NIC)"
timed_to /tmp/out reset-pm vfiobox pci-reset -m pm $E2E_NIC
check_eq "reset with pm" "$E2E_NIC: reset (pm)" "$(cat /tmp/out)"
check_eq "reset_method list put back" "pm bus" "$(sysattr $E2E_NIC reset_method)"
check_driver $E2E_NIC e1000e
check_fails "-m flr: the NIC has no FLR" vfiobox pci-reset -m flr $E2E_NIC
check_match "the refusal explained" "reset_method flr: this device does not support that method" "$(cat /tmp/e2e.out)"
check_eq "list untouched" "pm bus" "$(sysattr $E2E_NIC reset_method)"
if vfiobox pci-reset -m bus $E2E_NIC > /tmp/out 2>&1; then
	pass "the kernel's bus reset of the NIC worked"
else
	note "the kernel's bus reset of the NIC failed: $(cat /tmp/out)"
	check_match "and pci-reset says why" "the kernel's bus reset gave up|$E2E_NIC: reset: " "$(cat /tmp/out)"
fi
check_eq "list put back after -m bus" "pm bus" "$(sysattr $E2E_NIC reset_method)"

# --- the GPU + HDA slot ------------------------------------------------------------------
check_fails "the kernel refuses to reset the GPU" vfiobox pci-reset $E2E_GPU
check_match "because the HDA shares its bus" \
	"the kernel refuses a bus reset while other functions share the bus \($E2E_HDA\); -m bus" \
	"$(cat /tmp/e2e.out)"
check_fails "-m bus under bochs-drm and snd_hda_intel" vfiobox pci-reset -m bus $E2E_GPU
check_match "refused, naming the drivers" "$E2E_GPU \(bochs-drm\), $E2E_HDA \(snd_hda_intel\) are bound" "$(cat /tmp/e2e.out)"
check_driver $E2E_GPU bochs-drm
check "GPU on vfio-pci (plain sysfs)" sysfs_bind $E2E_GPU vfio-pci
check "HDA on vfio-pci (plain sysfs)" sysfs_bind $E2E_HDA vfio-pci
gpu0="$(cfg_read $E2E_GPU 4) $(cfg_read $E2E_GPU 16)"
hda0="$(cfg_read $E2E_HDA 4) $(cfg_read $E2E_HDA 16)"
bc0=$(cfg_read $E2E_GPU_PORT 60)
note "before: GPU COMMAND/STATUS, BAR0 $gpu0; HDA $hda0; root port 0x3c $bc0"
timed_to /tmp/out secondary-bus-reset vfiobox pci-reset -m bus $E2E_GPU
check_match "one bus reset of the root port" \
	"^$E2E_GPU_PORT: secondary bus reset: $E2E_GPU $E2E_HDA reset, back after [0-9]+ ms, config restored \([1-9][0-9]* registers written back\)$" \
	"$(cat /tmp/out)"
note "$(cat /tmp/out)"
check_eq "GPU COMMAND and BAR0 as before" "$gpu0" "$(cfg_read $E2E_GPU 4) $(cfg_read $E2E_GPU 16)"
check_eq "HDA COMMAND and BAR0 as before" "$hda0" "$(cfg_read $E2E_HDA 4) $(cfg_read $E2E_HDA 16)"
check_eq "bridge control as before (bit 0x40 clear)" "$bc0" "$(cfg_read $E2E_GPU_PORT 60)"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
out=$(vfio-open $E2E_GPU $E2E_HDA)
check_match "the group still opens after the reset" "^device $E2E_GPU: fd ok" "$out"

# What the bit does without the restore: COMMAND and BAR0 cleared.
v=$(( 0x$bc0 ))
cfg_write $E2E_GPU_PORT 60 $(printf %08x $(( v | 0x00400000 )))
usleep 2000
cfg_write $E2E_GPU_PORT 60 $(printf %08x $v)
usleep 200000
check_eq "by hand: GPU COMMAND cleared" 0000 "$(cfg_read $E2E_GPU 4 | cut -c5-8)"
check_eq "by hand: GPU BAR0 cleared" 00000008 "$(cfg_read $E2E_GPU 16)"
