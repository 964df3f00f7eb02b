# e2e-desc: doctor with the IOMMU turned off on the kernel command line: it
#   fails the IOMMU check and exits 1; the kernel agrees (no groups, vfio-pci
#   cannot bind although drivers_probe says success)
# e2e-cmdline: intel_iommu=off
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

check_eq "kernel: no IOMMU groups" "" "$(ls /sys/kernel/iommu_groups)"
out=$(vfiobox doctor); rc=$?
printf '%s\n' "$out"
check_eq "doctor exits 1" 1 $rc
check_match "IOMMU reported off" "^fail +iommu: off" "$out"
check_match "the fix names the command line option" "^ +-> .*intel_iommu=off" "$out"
check_match "the boot console is still reported" "^ok +console: $E2E_VGA is the boot console" "$out"
check "modprobe vfio_pci" modprobe vfio_pci
check_fails "kernel: vfio-pci cannot bind without an IOMMU" sysfs_bind $E2E_NIC vfio-pci
check_driver $E2E_NIC none
