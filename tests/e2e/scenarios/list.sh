# e2e-desc: `vfiobox list` on the real kernel: the GPU+HDA pair in one IOMMU
#   group with their drivers, boot_vga, reset methods; the same after vfio-pci
#   took the pair through plain sysfs writes
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

g=$(group_of $E2E_GPU) || die "GPU has no IOMMU group"
# One device per line in --json output: pick a device's object by address.
obj() { printf '%s\n' "$1" | grep "{\"address\":\"$2\""; }

out=$(vfiobox list --json); rc=$?
check_eq "list --json exits 0" 0 $rc
check_match "JSON header" '^\{"version":1,"devices":\[' "$out"
check_match "JSON closes" '^  \]\}$' "$out"
check_match "GPU listed with bochs-drm in group $g" "\"driver\":\"bochs-drm\".*\"iommu_group\":$g,\"group_members\":\[\"$E2E_HDA\"\]" "$(obj "$out" $E2E_GPU)"
check_match "HDA listed with snd_hda_intel in group $g" "\"driver\":\"snd_hda_intel\".*\"iommu_group\":$g,\"group_members\":\[\"$E2E_GPU\"\]" "$(obj "$out" $E2E_HDA)"
check_match "GPU class and ids" '"class":"038000".*"vendor":"1234","device":"1111"' "$(obj "$out" $E2E_GPU)"
check_match "HDA class and ids" '"class":"040300".*"vendor":"8086","device":"293e"' "$(obj "$out" $E2E_HDA)"
check_match "VGA listed as boot_vga" '"boot_vga":true' "$(obj "$out" $E2E_VGA)"
check_match "GPU has no boot_vga (not a VGA-class device)" '"boot_vga":null' "$(obj "$out" $E2E_GPU)"
check_match "GPU reset methods from the kernel" '"reset_methods":\["bus"\]' "$(obj "$out" $E2E_GPU)"
check_match "GPU parent is its root port" "\"parent\":\"$E2E_GPU_PORT\"" "$(obj "$out" $E2E_GPU)"
check_eq "NIC not in the default (display) list" "" "$(obj "$out" $E2E_NIC)"

out=$(vfiobox list -a --json)
check_match "list -a has the NIC on e1000e" '"driver":"e1000e"' "$(obj "$out" $E2E_NIC)"
check_match "list -a has the root port on pcieport" '"driver":"pcieport"' "$(obj "$out" $E2E_GPU_PORT)"

out=$(vfiobox list $E2E_GPU)
check_match "text: GPU's group names the HDA" "iommu group +$g, with $E2E_HDA" "$out"
check_match "text: driver line" "driver +bochs-drm" "$out"

check "modprobe vfio_pci" modprobe vfio_pci
check "sysfs bind GPU to vfio-pci" sysfs_bind $E2E_GPU vfio-pci
check "sysfs bind HDA to vfio-pci" sysfs_bind $E2E_HDA vfio-pci
out=$(vfiobox list --json)
check_match "GPU on vfio-pci with its override" '"driver":"vfio-pci","driver_override":"vfio-pci"' "$(obj "$out" $E2E_GPU)"
check_match "HDA on vfio-pci with its override" '"driver":"vfio-pci","driver_override":"vfio-pci"' "$(obj "$out" $E2E_HDA)"

check_fails "list of an absent address fails" vfiobox list 0000:7f:00.0
check_fails "list of a malformed address fails" vfiobox list 01:00
