# e2e-desc: pci-remove and pci-rescan against the kernel: a function goes
#   (its driver named) and comes back through its bridge's rescan attribute on
#   its driver; --slot takes the HDA .1 before the GPU .0 and both come back; a
#   removed root port takes what is below it and a whole-bus rescan brings it
#   all back; a device that stays away is an error, not a success
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

# timed_to FILE NAME CMD...: timed, with CMD's output in FILE (the TIME line
# stays on the console)
timed_to() { _tf=$1; shift; _tn=$1; shift; timed "$_tn" sh -c '"$@" > "$0" 2>&1' "$_tf" "$@"; }

# --- one function ------------------------------------------------------------------
check_driver $E2E_NIC e1000e
check_eq "plan names the driver" "# $E2E_NIC: e1000e lets go of it first
echo 1 > /sys/bus/pci/devices/$E2E_NIC/remove" "$(vfiobox pci-remove -n $E2E_NIC)"
check "a plan removes nothing" present $E2E_NIC
timed_to /tmp/out pci-remove vfiobox pci-remove $E2E_NIC
check_eq "pci-remove says what it removed" "removed $E2E_NIC (was on e1000e)" "$(cat /tmp/out)"
check_fails "the NIC is gone" present $E2E_NIC
check "its root port stays" present $E2E_NIC_PORT
check_eq "plan: the gone device is found behind its bridge" "# $E2E_NIC sits behind $E2E_NIC_PORT: rescan there
echo 1 > /sys/bus/pci/devices/$E2E_NIC_PORT/rescan" "$(vfiobox pci-rescan -n $E2E_NIC)"
timed_to /tmp/out pci-rescan vfiobox pci-rescan $E2E_NIC
check_eq "pci-rescan says what appeared" "appeared: $E2E_NIC" "$(cat /tmp/out)"
check "back on e1000e" wait_driver $E2E_NIC e1000e

# --- the GPU + HDA slot ----------------------------------------------------------
check "pci-remove --slot" vfiobox pci-remove --slot $E2E_GPU
check_eq "HDA first, then the GPU" "removed $E2E_HDA (was on snd_hda_intel)
removed $E2E_GPU (was on bochs-drm)" "$(cat /tmp/e2e.out)"
check_fails "GPU gone" present $E2E_GPU
check_fails "HDA gone" present $E2E_HDA
check "pci-rescan of the GPU's address" vfiobox pci-rescan $E2E_GPU
check_eq "both appeared" "appeared: $E2E_GPU $E2E_HDA" "$(cat /tmp/e2e.out)"
check "GPU on bochs-drm again" wait_driver $E2E_GPU bochs-drm
check "HDA on snd_hda_intel again" wait_driver $E2E_HDA snd_hda_intel

# Without --slot the other function stays.
check "remove the HDA alone" vfiobox pci-remove $E2E_HDA
check "the GPU stays" present $E2E_GPU
check "rescan where the HDA was" vfiobox pci-rescan $E2E_HDA
check_eq "the HDA appeared" "appeared: $E2E_HDA" "$(cat /tmp/e2e.out)"

# --- a bridge ------------------------------------------------------------------------
check "remove the NIC's root port" vfiobox pci-remove $E2E_NIC_PORT
check_eq "what went with it is named" "removed $E2E_NIC_PORT (was on pcieport), and below it $E2E_NIC" \
	"$(cat /tmp/e2e.out)"
check_fails "root port gone" present $E2E_NIC_PORT
check_fails "NIC gone with it" present $E2E_NIC
timed_to /tmp/out whole-bus-rescan vfiobox pci-rescan
check_eq "both appeared after a whole-bus rescan" "appeared: $E2E_NIC_PORT $E2E_NIC" "$(cat /tmp/out)"
check "NIC on e1000e again" wait_driver $E2E_NIC e1000e

# --- a device that does not come back -----------------------------------------------------
check "unplug the hot-plug slot's device" host unplug hp0
check_fails "pci-rescan of its address fails" vfiobox pci-rescan $E2E_HP
check_match "and says it is still not there" "$E2E_HP: still not there after the rescan" "$(cat /tmp/e2e.out)"
check_fails "pci-remove of an absent device fails" vfiobox pci-remove $E2E_HP
check_match "named" "$E2E_HP: no such device" "$(cat /tmp/e2e.out)"
