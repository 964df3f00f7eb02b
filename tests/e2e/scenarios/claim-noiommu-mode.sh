# e2e-desc: no-IOMMU mode asked for on the kernel command line of a kernel
#   that lacks CONFIG_VFIO_NOIOMMU: vfio-pci's probe fails (-22) while
#   drivers_probe reports success; vfio-claim says so, does not call it a
#   claim, exit 1, the NIC back on e1000e with no override
# e2e-cmdline: intel_iommu=off vfio.enable_unsafe_noiommu_mode=1
# e2e-load: e1000e

if [ -e /sys/module/vfio/parameters/enable_unsafe_noiommu_mode ] ||
   { modprobe vfio && [ -e /sys/module/vfio/parameters/enable_unsafe_noiommu_mode ]; }; then
	note "this kernel has CONFIG_VFIO_NOIOMMU: the claim goes through without isolation"
	out=$(vfiobox vfio-claim $E2E_NIC 2>&1)
	check_eq "no-IOMMU mode: exit 0" 0 $?
	check_match "no-IOMMU mode: /dev/vfio/noiommu-N" "^$E2E_NIC: vfio-pci \(was e1000e\), /dev/vfio/noiommu-[0-9]+$" "$out"
	check_match "no-IOMMU mode: warned" "warning: no-IOMMU mode: $E2E_NIC gets no isolation" "$out"
else
	out=$(vfiobox vfio-claim $E2E_NIC 2>&1)
	check_eq "no-IOMMU mode missing: exit 1" 1 $?
	check_match "warned about no isolation first" "warning: no-IOMMU mode: $E2E_NIC gets no isolation" "$out"
	check_match "the failed probe is said, not a claim" \
		"$E2E_NIC: verify: vfio-pci did not bind it: without an IOMMU group its probe fails unless no-IOMMU mode is on and the kernel has CONFIG_VFIO_NOIOMMU \(drivers_probe reported success; this is not a claim\)" "$out"
	check_match "undone" "undone, every device is back as it was" "$out"
	check_driver $E2E_NIC e1000e
	check_eq "the override is cleared again" "(null)" "$(sysattr $E2E_NIC driver_override)"
	check_fails "no claim record" test -e /run/vfiobox/$E2E_NIC
fi
