# e2e-desc: the reset verdict against what the kernel then does: doctor says
#   the GPU and its HDA function come back only by a bus reset with their
#   group (no FLR, the HDA on the same bus), and the kernel refuses a reset of
#   the GPU alone (ENOTTY: the HDA shares its bus); list says the NIC survives
#   by its pm reset, and the kernel's reset of it works; the GPU+HDA pair on
#   vfio-pci: the bus reset of their root port (pci-reset -m bus) works, as
#   the verdict says it must
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e vfio_pci

out=$(vfiobox doctor)
printf '%s\n' "$out"
check_match "GPU: only by a bus reset with its group" "^ok +reset: $E2E_GPU only by a bus reset with its group \(the VM must get $E2E_HDA too\): .*no FLR.*a bus reset of $E2E_GPU_PORT also resets $E2E_HDA \(same IOMMU group\)" "$out"
check_match "HDA: the same" "^ok +reset: $E2E_HDA only by a bus reset with its group \(the VM must get $E2E_GPU too\)" "$out"
check_fails "kernel: a reset of the GPU alone is refused" sh -c "echo 1 > /sys/bus/pci/devices/$E2E_GPU/reset"

out=$(vfiobox list $E2E_NIC)
printf '%s\n' "$out"
check_match "NIC: survives by pm" "^  vm reboot +survives a VM reboot \(pm\): reset_method pm bus" "$out"
check "kernel: the NIC's reset works" sh -c "echo 1 > /sys/bus/pci/devices/$E2E_NIC/reset"
check_driver $E2E_NIC e1000e

check "modprobe vfio_iommu_type1" modprobe vfio_iommu_type1
check "GPU to vfio-pci" sysfs_bind $E2E_GPU vfio-pci
check "HDA to vfio-pci" sysfs_bind $E2E_HDA vfio-pci
check "the bus reset with its group works" vfiobox pci-reset -m bus $E2E_GPU
check "the group still opens" vfio-open $E2E_GPU $E2E_HDA
