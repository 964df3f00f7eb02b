# e2e-desc: the guest's topology and the kernel facts the other scenarios rely on:
#   the GPU+HDA pair share one IOMMU group, the VGA is boot_vga, vfio-pci binds
#   with plain sysfs writes (no vfiobox) and /dev/vfio/N appears, the group is
#   viable only while every member is off its host driver, config 0x488 of the
#   GPU function is writable (where the hda applet writes on NVIDIA hardware)
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

# --- the devices are where the runner put them --------------------------------
check_eq "GPU class (bochs-display)" 0x038000 "$(sysattr $E2E_GPU class)"
check_eq "HDA class (ich9-intel-hda)" 0x040300 "$(sysattr $E2E_HDA class)"
check_eq "VGA class" 0x030000 "$(sysattr $E2E_VGA class)"
check_eq "NIC class" 0x020000 "$(sysattr $E2E_NIC class)"
check_eq "hot-plug slot device class" 0x020000 "$(sysattr $E2E_HP class)"
check_eq "boot_vga of the standard VGA" 1 "$(sysattr $E2E_VGA boot_vga)"
check_fails "no boot_vga attribute on the GPU (class 0380, not VGA)" test -e /sys/bus/pci/devices/$E2E_GPU/boot_vga

# --- host drivers bound at boot -------------------------------------------------
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
check_driver $E2E_NIC e1000e

# --- IOMMU groups -----------------------------------------------------------------
check "IOMMU on: /sys/kernel/iommu_groups is populated" test -n "$(ls /sys/kernel/iommu_groups)"
check_match "interrupt remapping enabled (dmesg)" "Enabled IRQ remapping" "$(dmesg)"
g=$(group_of $E2E_GPU) || die "GPU has no IOMMU group"
check_eq "HDA in the GPU's group" "$g" "$(group_of $E2E_HDA)"
check_eq "GPU group holds exactly the pair" "$(printf '%s\n%s' $E2E_GPU $E2E_HDA)" "$(group_members $g)"
gn=$(group_of $E2E_NIC)
check_fails "NIC in another group ($gn)" test "$gn" = "$g"

# --- vfio-pci through plain sysfs writes -------------------------------------------
check "modprobe vfio_pci" modprobe vfio_pci
check "modprobe vfio_iommu_type1 (soft dependency, loaded explicitly)" modprobe vfio_iommu_type1
check "/dev/vfio/vfio exists" test -c /dev/vfio/vfio
check_fails "/dev/vfio/$g absent before a bind" test -e /dev/vfio/$g
check "sysfs bind GPU to vfio-pci" sysfs_bind $E2E_GPU vfio-pci
check "/dev/vfio/$g appeared with the first member on vfio-pci" wait_for 2 test -c /dev/vfio/$g
out=$(vfio-open $E2E_GPU)
check_match "group not viable while the HDA is on snd_hda_intel" "^group $g: not viable" "$out"
check "sysfs bind HDA to vfio-pci" sysfs_bind $E2E_HDA vfio-pci
out=$(vfio-open $E2E_GPU $E2E_HDA); rc=$?
check_eq "vfio-open of the whole group exits 0" 0 $rc
check_match "group viable" "^group $g: viable" "$out"
check_match "container and type1 IOMMU set" "^group $g: container set, iommu type1" "$out"
check_match "GPU device fd" "^device $E2E_GPU: fd ok" "$out"
check_match "HDA device fd" "^device $E2E_HDA: fd ok" "$out"

# A member back on its host driver makes the group non-viable again.
echo > /sys/bus/pci/devices/$E2E_HDA/driver_override
echo $E2E_HDA > /sys/bus/pci/drivers/vfio-pci/unbind
echo $E2E_HDA > /sys/bus/pci/drivers_probe
check_driver $E2E_HDA snd_hda_intel
check_fails "vfio-open fails with the HDA back on its driver" vfio-open $E2E_GPU

# drivers_probe says success even when nothing binds (FACTS.md): an override
# naming no loaded driver leaves the device unbound while the write succeeds.
echo $E2E_NIC > /sys/bus/pci/devices/$E2E_NIC/driver/unbind
echo no-such-driver > /sys/bus/pci/devices/$E2E_NIC/driver_override
check "drivers_probe write succeeds though nothing can bind" sh -c "echo $E2E_NIC > /sys/bus/pci/drivers_probe"
check_driver $E2E_NIC none

# --- config space -----------------------------------------------------------------------
check_eq "GPU config space is 4096 bytes (extended)" 4096 "$(wc -c < /sys/bus/pci/devices/$E2E_GPU/config)"
note "HDA config space is $(wc -c < /sys/bus/pci/devices/$E2E_HDA/config) bytes: 0x488 exists on the GPU function only"
v0=$(cfg_read $E2E_GPU $((0x488)))
v1=$(printf %08x $(( 0x$v0 ^ 0x02000000 )))
cfg_write $E2E_GPU $((0x488)) $v1
check_eq "GPU config 0x488 bit 25 written and read back" $v1 "$(cfg_read $E2E_GPU $((0x488)))"
cfg_write $E2E_GPU $((0x488)) $v0
check_eq "GPU config 0x488 restored" $v0 "$(cfg_read $E2E_GPU $((0x488)))"
check_eq "vendor id intact" 0x1234 "$(sysattr $E2E_GPU vendor)"
