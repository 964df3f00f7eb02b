# e2e-desc: doctor with interrupt remapping turned off (intremap=off): it says
#   so, with the fix; the kernel agrees: vfio's type1 backend refuses the
#   container (EPERM) unless allow_unsafe_interrupts is set
# e2e-cmdline: intremap=off
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

out=$(vfiobox doctor)
printf '%s\n' "$out"
check_match "IOMMU on" "^ok +iommu: on" "$out"
check_match "interrupt remapping off is a failure" "^fail +interrupt remapping: .*intremap=off" "$out"
check_match "the fix names the command line option" "^ +-> .*intremap=off" "$out"
check "modprobe vfio_pci" modprobe vfio_pci
check "modprobe vfio_iommu_type1" modprobe vfio_iommu_type1
check "sysfs bind NIC to vfio-pci" sysfs_bind $E2E_NIC vfio-pci
out=$(vfio-open $E2E_NIC)
check_match "kernel: type1 refuses the container" "VFIO_SET_IOMMU: Operation not permitted" "$out"
check_match "kernel: says why in dmesg" "No interrupt remapping support" "$(dmesg)"
