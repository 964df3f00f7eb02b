# e2e-desc: harness self-test: extra QEMU args, cmdline and modules from the
#   header; host unplug and re-plug of a device the scenario added itself (a
#   multifunction=on property survives device_add); an unplug of a device held
#   open by vfio-open times out with the reason, and completes once released
# e2e-qemu: -device pcie-root-port,id=hp2,bus=pcie.0,addr=0x6,chassis=4
# e2e-qemu: -device e1000e,id=extra,bus=hp2,addr=0x0,multifunction=on
# e2e-cmdline: e2e.selftest=yes
# e2e-modules: dummy
# e2e-load: e1000e dummy
check_match "cmdline from the header" "e2e.selftest=yes" "$(cat /proc/cmdline)"
extra=$(e2e_behind 0000:00:06.0 0)
check "extra device present" present $extra
check "unplug it" host unplug extra
check "gone" wait_gone $extra
check "plug it back" host plug extra
check "back" wait_present $extra 10
check "a module from e2e-modules is in the image and loaded" test -d /sys/module/dummy
# A device held open (a running VM) does not go: the unplug times out.
check "modprobe vfio_pci" modprobe vfio_pci
check "modprobe vfio_iommu_type1" modprobe vfio_iommu_type1
check "bind it to vfio-pci" sysfs_bind $extra vfio-pci
vfio-open -s 8 $extra > /tmp/held &
check "vfio-open holds it" wait_for 5 grep -q holding /tmp/held
check_fails "unplug of a held device times out" host unplug extra 2
check_match "the host says why" "no DEVICE_DELETED for extra within 2 s" "$HOST_REPLY"
wait
check "released: the pending unplug completes" wait_gone $extra 10
