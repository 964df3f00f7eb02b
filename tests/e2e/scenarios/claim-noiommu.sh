# e2e-desc: without an IOMMU (intel_iommu=off) vfio-claim stops before any
#   write and says vfio needs one or no-IOMMU mode; with no-IOMMU mode asked
#   for (vfio.enable_unsafe_noiommu_mode=1) on a kernel without
#   CONFIG_VFIO_NOIOMMU, vfio-pci's probe fails while drivers_probe succeeds:
#   vfio-claim says so, does not call it a claim, and restores the driver
# e2e-cmdline: intel_iommu=off
# e2e-load: e1000e

check_fails "no IOMMU groups" test -e /sys/bus/pci/devices/$E2E_NIC/iommu_group
out=$(vfiobox vfio-claim $E2E_NIC 2>&1)
check_eq "no IOMMU: exit 1" 1 $?
check_match "no IOMMU: said, with no-IOMMU mode" "$E2E_NIC: no IOMMU: vfio needs one .*no-IOMMU mode \(vfio.enable_unsafe_noiommu_mode=1" "$out"
check_driver $E2E_NIC e1000e
check_eq "no IOMMU: nothing written" "(null)" "$(sysattr $E2E_NIC driver_override)"
check_fails "no IOMMU: vfio-pci not even loaded" test -d /sys/module/vfio_pci
