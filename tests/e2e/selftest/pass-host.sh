# e2e-desc: harness self-test: extra QEMU args and cmdline from the header, host
#   re-plug of a device the scenario added itself
# e2e-qemu: -device pcie-root-port,id=hp2,bus=pcie.0,addr=0x6,chassis=4
# e2e-qemu: -device e1000e,id=extra,bus=hp2,addr=0x0
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
