# e2e-desc: --hda=none parks the HDA function (driver_override none, no driver;
#   seed 001's Code 43 workaround) and the group stays viable; --hda=host and
#   --no-group leave the HDA on snd_hda_intel, a non-viable group, and say so
#   (VFIO_GROUP_GET_STATUS agrees); release brings the parked HDA back
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic

# Result lines: stdout on a terminal; here (no terminal, a ramfs root: early
# boot as far as vfiobox can tell) they are messages on stderr and in dmesg.
R="^(vfiobox vfio-(claim|release): )?"

g=$(group_of $E2E_GPU) || die "the GPU has no IOMMU group"
out=$(vfiobox vfio-claim --hda=none $E2E_GPU 2>&1)
check_eq "--hda=none exits 0" 0 $?
check_match "the HDA parked, said" "$R$E2E_HDA: parked: driver_override none, no driver \(was snd_hda_intel\)$" "$out"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA none
check_eq "the HDA's override is none" none "$(sysattr $E2E_HDA driver_override)"
echo $E2E_HDA > /sys/bus/pci/drivers_probe
check_driver $E2E_HDA none
check "the group with a parked HDA is viable" vfio-open $E2E_GPU
check_nomatch "no viability warning" "not viable" "$out"
out=$(vfiobox vfio-release $E2E_GPU 2>&1)
check_match "release: the parked HDA back on snd_hda_intel" "$R$E2E_HDA: snd_hda_intel \(was no driver, driver_override none\)$" "$out"
check_driver $E2E_HDA snd_hda_intel

out=$(vfiobox vfio-claim --no-group $E2E_GPU 2>&1)
check_eq "--no-group exits 0" 0 $?
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA snd_hda_intel
check_match "--no-group: the non-viable group is said" \
	"warning: IOMMU group $g is not viable for a VM: $E2E_HDA on snd_hda_intel \(--no-group left it there\)" "$out"
check_fails "the kernel agrees: the group does not open" vfio-open $E2E_GPU
check_match "vfio-open: not viable" "group $g: not viable" "$(cat /tmp/e2e.out)"
check "release" vfiobox vfio-release $E2E_GPU
check_driver $E2E_GPU bochs-drm

out=$(vfiobox vfio-claim --hda=host $E2E_GPU 2>&1)
check_eq "--hda=host exits 0" 0 $?
check_driver $E2E_HDA snd_hda_intel
check_match "--hda=host: said" "$E2E_HDA .* stays on its driver: --hda=host" "$out"
check_match "--hda=host: the non-viable group is said" "IOMMU group $g is not viable for a VM: $E2E_HDA on snd_hda_intel \(--hda=host left it there\)" "$out"
check "release" vfiobox vfio-release $E2E_GPU
check_driver $E2E_GPU bochs-drm
