# e2e-desc: vfio-claim of devices their drivers hold, and vfio-release back:
#   the -n plan is exact and changes nothing; bochs-drm and snd_hda_intel
#   unbound, vfio_iommu_type1 and vfio-pci loaded by vfio-claim, verified and
#   the group opened as QEMU does (SET_IOMMU); vfio-release
#   clears the overrides, unbinds vfio-pci, reprobes, names the driver that
#   took each function back and removes the records; both are idempotent;
#   two identical NICs: an address claims one, ids= picks both
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

# Result lines: stdout on a terminal; here (no terminal, a ramfs root: early
# boot as far as vfiobox can tell) they are messages on stderr and in dmesg.
R="^(vfiobox vfio-(claim|release): )?"

g=$(group_of $E2E_GPU) || die "the GPU has no IOMMU group"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel

plan=$(vfiobox vfio-claim -n $E2E_GPU 2>/dev/null)
check_eq "the -n plan" "# IOMMU group $g: $E2E_GPU bochs-drm -> vfio-pci, $E2E_HDA snd_hda_intel -> vfio-pci
modprobe vfio_iommu_type1
echo vfio-pci > /sys/bus/pci/devices/$E2E_GPU/driver_override
echo vfio-pci > /sys/bus/pci/devices/$E2E_HDA/driver_override
echo $E2E_GPU > /sys/bus/pci/drivers/bochs-drm/unbind
echo $E2E_HDA > /sys/bus/pci/drivers/snd_hda_intel/unbind
modprobe vfio-pci
echo $E2E_GPU > /sys/bus/pci/drivers_probe
echo $E2E_HDA > /sys/bus/pci/drivers_probe
# then: verify the driver links and /dev/vfio/GROUP, open the group as QEMU does (up to VFIO_SET_IOMMU) and close it, record in /run/vfiobox/" "$plan"
check_driver $E2E_GPU bochs-drm
check_eq "-n wrote no override" "(null)" "$(sysattr $E2E_GPU driver_override)"

out=$(timed claim-bound vfiobox vfio-claim $E2E_GPU 2>&1)
check_eq "vfio-claim exits 0" 0 $?
check_match "the GPU taken from bochs-drm" "$R$E2E_GPU: vfio-pci \(was bochs-drm\), /dev/vfio/$g$" "$out"
check_match "the HDA taken from snd_hda_intel" "$R$E2E_HDA: vfio-pci \(was snd_hda_intel\), /dev/vfio/$g$" "$out"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
check_match "vfio-claim opened the group as QEMU does" "${R}IOMMU group $g: opened as QEMU opens it: viable, container set, IOMMU type1v2; closed again$" "$out"
check "vfio_iommu_type1 loaded by vfio-claim" test -d /sys/module/vfio_iommu_type1
check "the group is viable, SET_IOMMU works (vfio-open)" vfio-open $E2E_GPU $E2E_HDA
check_match "claim record: it came from bochs-drm" "^driver=bochs-drm$" "$(cat /run/vfiobox/$E2E_GPU)"

out=$(timed release vfiobox vfio-release $E2E_GPU 2>&1)
check_eq "vfio-release exits 0" 0 $?
check_match "the GPU back on bochs-drm, said" "$R$E2E_GPU: bochs-drm \(was vfio-pci\)$" "$out"
check_match "the HDA back on snd_hda_intel, said" "$R$E2E_HDA: snd_hda_intel \(was vfio-pci\)$" "$out"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
check_eq "override cleared" "(null)" "$(sysattr $E2E_GPU driver_override)"
check_fails "records removed" ls /run/vfiobox/$E2E_GPU
out=$(vfiobox vfio-release $E2E_GPU 2>&1)
check_eq "release again exits 0" 0 $?
check_match "release again: nothing to do" "$E2E_GPU: not held by vfio-pci \(on bochs-drm, no driver_override\): nothing to release" "$out"

# Two identical e1000e NICs, each alone in its group.
check_eq "the NICs are identical" "$(sysattr $E2E_NIC vendor):$(sysattr $E2E_NIC device)" \
	"$(sysattr $E2E_HP vendor):$(sysattr $E2E_HP device)"
check "claim one NIC by its address" vfiobox vfio-claim $E2E_NIC
check_driver $E2E_NIC vfio-pci
check_driver $E2E_HP e1000e
check "the claimed NIC's group opens" vfio-open $E2E_NIC
plan=$(vfiobox vfio-claim -n ids=8086:10d3 2>/dev/null)
check_match "ids= picks the other one too" "^echo vfio-pci > /sys/bus/pci/devices/$E2E_HP/driver_override$" "$plan"
check_match "ids=: the claimed one needs nothing" "^# $E2E_NIC: already on vfio-pci" "$plan"
check "release the NIC" vfiobox vfio-release $E2E_NIC
check_driver $E2E_NIC e1000e
