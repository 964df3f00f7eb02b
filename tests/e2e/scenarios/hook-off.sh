# e2e-desc: the one-boot off switch in an initramfs-tools image (kmod's
#   modprobe): vfiobox.claim=0000:01:00.0 vfiobox.claim=off on the kernel
#   command line; the hook runs, vfio-claim claims nothing and says so in the
#   kernel log, and udev/load_modules give the GPU and its HDA to their host
#   drivers as if vfiobox were not there: the way back from a black screen
# e2e-image: tests/hooks/boot/e2e-image.sh initramfs-tools
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0 vfiobox.claim=off
# e2e-timeout: 120
command -v udevadm >/dev/null 2>&1 && udevadm settle --timeout=30 >/dev/null 2>&1
wait_driver $E2E_GPU bochs-drm 20
wait_driver $E2E_HDA snd_hda_intel 20
dmesg > /tmp/hook.dmesg
check_match "the hook ran" "vfiobox: initramfs-tools init-top: vfio-claim starts" "$(cat /tmp/hook.dmesg)"
check_match "the hook finished" "vfiobox: initramfs-tools init-top: vfio-claim exited 0" "$(cat /tmp/hook.dmesg)"
# The hook's message went to the console; the same command says it again.
check_match "vfio-claim says the off switch is on" \
	"vfiobox.claim=off on the kernel command line: nothing claimed this boot" "$(/usr/bin/vfiobox vfio-claim 2>&1)"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
check_eq "no driver_override written on the GPU" "(null)" "$(sysattr $E2E_GPU driver_override)"
check_fails "no claim record" test -e /run/vfiobox/$E2E_GPU
