# e2e-desc: `vfiobox doctor` on the real kernel with a working setup: IOMMU on,
#   interrupt remapping on, the VGA named as boot console, the GPU's group with
#   its HDA, the vfio modules available then loaded, the GPU on vfio-pci after
#   a plain sysfs bind; exit 0 and no fail line throughout
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

g=$(group_of $E2E_GPU) || die "GPU has no IOMMU group"
out=$(vfiobox doctor); rc=$?
printf '%s\n' "$out"
check_eq "doctor exits 0" 0 $rc
check_match "IOMMU on, with the kernel's group count" "^ok +iommu: on \(Intel VT-d, dmar0\), $(ls /sys/kernel/iommu_groups | wc -l) groups" "$out"
check_match "interrupt remapping visible" "^ok +interrupt remapping: supported by dmar0" "$out"
check_match "the VGA is the boot console" "^ok +console: $E2E_VGA is the boot console \(boot_vga=1\)" "$out"
check_match "GPU held by bochs-drm" "^ok +gpu $E2E_GPU \(1234:1111\): held by bochs-drm" "$out"
check_match "GPU's group names the HDA and its driver" "group: $E2E_GPU's IOMMU group $g .*$E2E_HDA .*snd_hda_intel" "$out"
check_match "vfio modules available, not loaded" "^ok +vfio modules for $E2E_KVER: vfio \(available\).*vfio_pci \(available\)" "$out"
check_nomatch "no fail line" "^fail" "$out"
check_match "summary line" "^doctor: [0-9]+ ok, [0-9]+ warn, 0 fail$" "$out"

check "modprobe vfio_pci" modprobe vfio_pci
check "modprobe vfio_iommu_type1" modprobe vfio_iommu_type1
check "sysfs bind GPU to vfio-pci" sysfs_bind $E2E_GPU vfio-pci
out=$(vfiobox doctor)
printf '%s\n' "$out"
check_match "half the group on vfio-pci: not viable" "^warn +group: $E2E_GPU's IOMMU group $g is not viable now: .*$E2E_HDA .*snd_hda_intel" "$out"
out=$(vfio-open $E2E_GPU 2>&1)
check_match "kernel agrees: group not viable" "not viable" "$out"
check "sysfs bind HDA to vfio-pci" sysfs_bind $E2E_HDA vfio-pci
check "kernel: group $g viable (vfio-open)" vfio-open $E2E_GPU $E2E_HDA
out=$(vfiobox doctor); rc=$?
printf '%s\n' "$out"
check_eq "doctor exits 0 with the pair on vfio-pci" 0 $rc
check_match "vfio modules loaded" "^ok +vfio modules for $E2E_KVER: vfio \(loaded\).*vfio_pci \(loaded\)" "$out"
check_match "GPU held by vfio-pci" "^ok +gpu $E2E_GPU \(1234:1111\): held by vfio-pci" "$out"
check_match "HDA on vfio-pci in the group line" "group $g .*$E2E_HDA .*vfio-pci" "$out"
check_nomatch "no fail line" "^fail" "$out"
