# e2e-desc: vfio-claim before the host drivers load (the early-boot case):
#   driver_override first, vfio_iommu_type1 (a soft dependency busybox's
#   modprobe does not follow) and vfio-pci loaded by vfio-claim itself,
#   the GPU and its HDA function (pulled in by the IOMMU group) on vfio-pci,
#   the root port left alone, /dev/vfio/N there; bochs and snd_hda_intel load
#   afterwards and take neither; the group opens viable the QEMU way; claim
#   records written; a second claim writes nothing

# Result lines: stdout on a terminal; here (no terminal, a ramfs root: early
# boot as far as vfiobox can tell) they are messages on stderr and in dmesg.
R="^(vfiobox vfio-(claim|release): )?"

g=$(group_of $E2E_GPU) || die "the GPU has no IOMMU group"
check_driver $E2E_GPU none
check_driver $E2E_HDA none
check_fails "vfio-pci is not loaded yet" test -d /sys/module/vfio_pci
check_fails "vfio_iommu_type1 is not loaded yet" test -d /sys/module/vfio_iommu_type1

out=$(timed claim-before-driver vfiobox vfio-claim $E2E_GPU 2>&1)
check_eq "vfio-claim exits 0" 0 $?
check_match "the GPU is claimed" "$R$E2E_GPU: vfio-pci \(was no driver\), /dev/vfio/$g$" "$out"
check_match "the HDA function with it" "$R$E2E_HDA: vfio-pci \(was no driver\), /dev/vfio/$g$" "$out"
check_match "the HDA joins by the group, said" "$E2E_HDA \(Audio device, 8086:293e, no driver\) joins: same IOMMU group $g as $E2E_GPU" "$out"
check "vfio-pci was loaded by vfio-claim" test -d /sys/module/vfio_pci
check "vfio_iommu_type1 was loaded by vfio-claim" test -d /sys/module/vfio_iommu_type1
check_match "vfio-claim opened the group as QEMU does" "${R}IOMMU group $g: opened as QEMU opens it: viable, container set, IOMMU type1v2; closed again$" "$out"
check "/dev/vfio/$g exists" test -c /dev/vfio/$g
check_eq "driver_override of the GPU" vfio-pci "$(sysattr $E2E_GPU driver_override)"
check_eq "driver_override of the HDA" vfio-pci "$(sysattr $E2E_HDA driver_override)"

check "bochs loads afterwards" modprobe bochs
check "snd_hda_intel loads afterwards" modprobe snd_hda_intel
check_driver $E2E_VGA bochs-drm
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
check_nomatch "bochs-drm never probed the GPU" "bochs-drm $E2E_GPU" "$(dmesg)"
check "the group is viable, opened as QEMU does" vfio-open $E2E_GPU $E2E_HDA
check_match "vfio-open: viable" "group $g: viable" "$(cat /tmp/e2e.out)"

check_match "claim record of the GPU: no driver before" "^driver=$" "$(cat /run/vfiobox/$E2E_GPU)"
check_match "claim record of the HDA: target vfio-pci" "^target=vfio-pci$" "$(cat /run/vfiobox/$E2E_HDA)"

out=$(vfiobox vfio-claim $E2E_GPU 2>&1)
check_eq "claim again exits 0" 0 $?
check_match "claim again: already there" "$R$E2E_GPU: vfio-pci already, /dev/vfio/$g$" "$out"
check_match "claim again: the group opened again" "${R}IOMMU group $g: opened as QEMU opens it" "$out"
check_eq "-n again: nothing to do" "# $E2E_GPU: already on vfio-pci with driver_override set, nothing to do
# $E2E_HDA: already on vfio-pci with driver_override set, nothing to do
# vfio_iommu_type1 (the IOMMU backend a VM needs) is loaded already
# then: open IOMMU group $g as QEMU does and close it" "$(vfiobox vfio-claim -n $E2E_GPU 2>/dev/null)"
