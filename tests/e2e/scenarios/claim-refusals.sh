# e2e-desc: vfio-claim refuses the boot VGA device (the console) and a bridge
#   without --force, says why, exit 2, nothing written; -n --force shows the
#   plan; a VM holding the group blocks vfio-release's unbind: bounded wait,
#   the holder named from /proc, exit 3 with the state left, and the unbind
#   completes when the VM lets go
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

# Result lines: stdout on a terminal; here (no terminal, a ramfs root: early
# boot as far as vfiobox can tell) they are messages on stderr and in dmesg.
R="^(vfiobox vfio-(claim|release): )?"

check_eq "the VGA is the boot VGA device" 1 "$(sysattr $E2E_VGA boot_vga)"
out=$(vfiobox vfio-claim $E2E_VGA 2>&1)
check_eq "boot VGA: exit 2" 2 $?
check_match "boot VGA: why" "$E2E_VGA is the boot VGA device \(the firmware console\): claiming it blanks the host console; refused \(--force claims it anyway\)" "$out"
check_driver $E2E_VGA bochs-drm
check_eq "boot VGA: no override written" "(null)" "$(sysattr $E2E_VGA driver_override)"
plan=$(vfiobox vfio-claim -n --force $E2E_VGA 2>&1)
check_match "-n --force: the plan" "^echo $E2E_VGA > /sys/bus/pci/drivers/bochs-drm/unbind$" "$plan"
check_match "-n --force: warned" "warning: $E2E_VGA is the boot VGA device" "$plan"
check_driver $E2E_VGA bochs-drm

out=$(vfiobox vfio-claim $E2E_NIC_PORT 2>&1)
check_eq "a root port: exit 2" 2 $?
check_match "a root port: why" "$E2E_NIC_PORT is not an endpoint \(PCI bridge\)" "$out"
check_driver $E2E_NIC_PORT pcieport

# A VM (vfio-open holding the group and the device) blocks the unbind.
check "claim the NIC" vfiobox vfio-claim $E2E_NIC
g=$(group_of $E2E_NIC)
vfio-open -s 6 $E2E_NIC > /tmp/vm.out 2>&1 &
vm=$!
wait_for 5 grep -q "device $E2E_NIC: fd ok" /tmp/vm.out || fail "vfio-open did not open the device: $(cat /tmp/vm.out)"
out=$(vfiobox vfio-release --timeout=1 $E2E_NIC 2>&1)
check_eq "release while the VM runs, without --force: refused, exit 1" 1 $?
check_match "the VM named, nothing changed" "held by vfio-open \(pid $vm: /dev/vfio/$g\).*nothing changed" "$out"
check_driver $E2E_NIC vfio-pci
out=$(vfiobox vfio-release --force --timeout=1 $E2E_NIC 2>&1)
check_eq "release while the VM runs, --force: exit 3" 3 $?
check_match "vfio-pci and the holder named" \
	"$E2E_NIC: unbind: vfio-pci did not let go within 1.000 s: the driver is in use \(vfio-open \(pid $vm: /dev/vfio/$g" "$out"
check_match "the state left is said" "$E2E_NIC: undo failed, state left: no driver_override, no driver link \(the kernel drops it before the driver's remove\(\) returns\) \(before: driver_override vfio-pci, bound to vfio-pci\); an unbind \(pid [0-9]+\) is still waiting in the kernel and holds the device" "$out"
check_driver $E2E_NIC none
check "vfio-pci's remove() is still waiting" test -c /dev/vfio/$g
wait $vm
check "once the VM lets go, the unbind completes" wait_driver $E2E_NIC none 10
check_eq "the override stays cleared" "(null)" "$(sysattr $E2E_NIC driver_override)"
out=$(vfiobox vfio-release $E2E_NIC 2>&1)
check_match "a second release finishes" "$R$E2E_NIC: e1000e \(was no driver\)$" "$out"
check_driver $E2E_NIC e1000e
