# e2e-desc: recover against the kernel, devices present: the NIC removed and
#   found again on e1000e; with a claim record saying vfio-pci it comes back,
#   e1000e takes it at once (the kernel forgot driver_override), recover says
#   so and moves it to vfio-pci; selected by /etc/vfiobox.conf the same; the
#   --power-cycle where the root port cannot reach D3cold (QEMU): said,
#   exit 1, the NIC back all the same; the
#   GPU+HDA pair with --sbr (the root port's secondary bus reset between the
#   removal and the rescan) back on vfio-pci with a viable group; --bridge
#   removes the root port and rescans above it; the pair gone with no claim
#   records and the GPU selected by the conf file: the HDA nobody knew of is
#   found with the GPU and follows hda= to vfio-pci too; with no argument and
#   no NVIDIA GPU there is nothing to do
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

# timed_to FILE NAME CMD...: timed, with CMD's output in FILE (the TIME line
# stays on the console)
timed_to() { _tf=$1; shift; _tn=$1; shift; timed "$_tn" sh -c '"$@" > "$0" 2>&1' "$_tf" "$@"; }

# record ADDR IDS CLASS HOSTDRIVER TARGET: a claim record in record.h's format
record() {
	mkdir -p /run/vfiobox
	printf 'addr=%s\nids=%s\nclass=%s\ndriver=%s\ntarget=%s\nhda=vfio\n' "$@" > /run/vfiobox/$1
}

# --- the NIC, on the driver it has ------------------------------------------------------
check_match "plan names where it should end" "should end on e1000e \(the driver it has now\)" \
	"$(vfiobox recover -n $E2E_NIC)"
timed_to /tmp/out recover-nic vfiobox recover $E2E_NIC
check_match "removed" "\] removed $E2E_NIC \(was on e1000e\)$" "$(cat /tmp/out)"
check_match "rescanned through its root port" "\] rescan /sys/bus/pci/devices/$E2E_NIC_PORT/rescan$" "$(cat /tmp/out)"
check_match "back with its ids" "\] $E2E_NIC back \(8086:10d3\), taken by e1000e$" "$(cat /tmp/out)"
check_match "verified" "\] $E2E_NIC: on e1000e \(verified\)$" "$(cat /tmp/out)"
check_match "summary" "^recovered $E2E_NIC in [0-9.]+ s: $E2E_NIC on e1000e$" "$(cat /tmp/out)"
check_driver $E2E_NIC e1000e

# --- a claim record: vfio-pci ---------------------------------------------------------------
record $E2E_NIC 8086:10d3:8086:0000 020000 e1000e vfio-pci
plan=$(vfiobox recover -n $E2E_NIC)
check_match "plan: the record" "should end on vfio-pci \(claim record /run/vfiobox/$E2E_NIC\)" "$plan"
check_match "plan: unbind e1000e if it takes it back" "^echo $E2E_NIC > /sys/bus/pci/drivers/e1000e/unbind$" "$plan"
timed_to /tmp/out recover-nic-record vfiobox recover $E2E_NIC
check_eq "exit 0" 0 $?
check_match "the host driver took it, said" \
	"\] $E2E_NIC: e1000e took it when it came back \(the kernel forgot driver_override\); moving it to vfio-pci$" \
	"$(cat /tmp/out)"
check_match "verified on vfio-pci" "\] $E2E_NIC: on vfio-pci \(verified\)$" "$(cat /tmp/out)"
check "vfio_iommu_type1 loaded by recover" test -d /sys/module/vfio_iommu_type1
check_match "recover opened the group as QEMU does" "\] IOMMU group [0-9]+: opened as QEMU opens it: viable, container set, IOMMU type1v2; closed again$" "$(cat /tmp/out)"
check_driver $E2E_NIC vfio-pci
check_eq "driver_override set on the new device" vfio-pci "$(sysattr $E2E_NIC driver_override)"
check "the group opens" vfio-open $E2E_NIC
rm /run/vfiobox/$E2E_NIC

# --- selected by the conf file ---------------------------------------------------------------
# From its host driver, as when the GPU fell off the bus while on nvidia: the
# claim record recover writes lets vfio-release give it back.
check "back on e1000e first" sysfs_bind $E2E_NIC e1000e
echo > /sys/bus/pci/devices/$E2E_NIC/driver_override
mkdir -p /etc && echo "claim=$E2E_NIC" > /etc/vfiobox.conf
check "recover: selected by the conf file" vfiobox recover $E2E_NIC
check_match "intention from the conf file" "should end on vfio-pci \(selected by /etc/vfiobox.conf\)" "$(cat /tmp/e2e.out)"
check_driver $E2E_NIC vfio-pci
check_match "claim record written, with the host driver" "^driver=e1000e\$" "$(cat /run/vfiobox/$E2E_NIC 2>&1)"
check_match "claim record: target" "^target=vfio-pci\$" "$(cat /run/vfiobox/$E2E_NIC 2>&1)"
check "vfio-release gives it back" vfiobox vfio-release $E2E_NIC
check_driver $E2E_NIC e1000e
check "vfio-claim it again for what follows" vfiobox vfio-claim $E2E_NIC
rm /etc/vfiobox.conf

# --- --power-cycle where the port cannot power down (QEMU's root ports have no D3cold) ---------
ctl=$(sysattr $E2E_NIC_PORT power/control)
timed_to /tmp/out recover-power-cycle vfiobox recover --power-cycle $E2E_NIC
rc=$?
note "$(cat /tmp/out)"
check_eq "exit 1: the power was not cut" 1 $rc
check_match "said, with the state the port stayed in" \
	"$E2E_NIC_PORT: --power-cycle: the bridge did not reach D3cold in 5 s \(power_state D0\): the power was not cut" \
	"$(cat /tmp/out)"
check_match "the NIC came back all the same" "\] $E2E_NIC: on vfio-pci \(verified\)$" "$(cat /tmp/out)"
check_driver $E2E_NIC vfio-pci
check_eq "the root port's power/control as before" "$ctl" "$(sysattr $E2E_NIC_PORT power/control)"

# --- the GPU + HDA pair with --sbr ---------------------------------------------------------------
check "GPU on vfio-pci" sysfs_bind $E2E_GPU vfio-pci
check "HDA on vfio-pci" sysfs_bind $E2E_HDA vfio-pci
record $E2E_GPU 1234:1111:1af4:1100 038000 bochs-drm vfio-pci
record $E2E_HDA 8086:293e:1af4:1100 040300 snd_hda_intel vfio-pci
bc0=$(cfg_read $E2E_GPU_PORT 60)
timed_to /tmp/out recover-sbr vfiobox recover --sbr $E2E_GPU
rc=$?
note "$(cat /tmp/out)"
check_eq "recover --sbr exits 0" 0 $rc
check_match "HDA removed first" "\] removed $E2E_HDA \(was on vfio-pci\)$" "$(cat /tmp/out)"
check_match "secondary bus reset" "\] secondary bus reset of $E2E_GPU_PORT done$" "$(cat /tmp/out)"
check_match "GPU back" "\] $E2E_GPU back \(1234:1111\)" "$(cat /tmp/out)"
check_match "HDA back" "\] $E2E_HDA back \(8086:293e\)" "$(cat /tmp/out)"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
check_eq "bridge control as before" "$bc0" "$(cfg_read $E2E_GPU_PORT 60)"
check_match "recover --sbr opened the group once both were back" "\] IOMMU group [0-9]+: opened as QEMU opens it" "$(cat /tmp/out)"
out=$(vfio-open $E2E_GPU $E2E_HDA)
check_match "the group is viable again" "^group [0-9]+: viable" "$out"
check_match "device fd" "^device $E2E_GPU: fd ok" "$out"

# --- --bridge: the root port goes too, rescan above it --------------------------------------------
timed_to /tmp/out recover-bridge vfiobox recover --bridge $E2E_GPU
rc=$?
note "$(cat /tmp/out)"
check_eq "recover --bridge exits 0" 0 $rc
check_match "the root port removed" "\] removed $E2E_GPU_PORT \(the bridge\)$" "$(cat /tmp/out)"
check_match "rescan above it" "\] rescan /sys/(class/pci_bus/0000:00|bus/pci)/rescan$" "$(cat /tmp/out)"
check "root port back" present $E2E_GPU_PORT
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci

# --- gone, no records, selected by the conf file: the HDA nobody knew of ------------------------
rm -f /run/vfiobox/$E2E_GPU /run/vfiobox/$E2E_HDA
check "the slot removed" vfiobox pci-remove --slot $E2E_GPU
echo "claim=$E2E_GPU" > /etc/vfiobox.conf
timed_to /tmp/out recover-unknown-hda vfiobox recover $E2E_GPU
rc=$?
note "$(cat /tmp/out)"
check_eq "recover exits 0" 0 $rc
check_match "only the GPU was known" "^  $E2E_GPU ids unknown: gone; should end on vfio-pci \(selected by /etc/vfiobox.conf\)$" "$(cat /tmp/out)"
check_match "the HDA appeared with it and follows hda=" \
	"\] $E2E_HDA appeared with the GPU \(8086:293e\), taken by snd_hda_intel; should end on vfio-pci \(its GPU is selected by /etc/vfiobox.conf, hda=vfio\)$" \
	"$(cat /tmp/out)"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
out=$(vfio-open $E2E_GPU $E2E_HDA)
check_match "the group is viable" "^group [0-9]+: viable" "$out"
rm /etc/vfiobox.conf

# --- no argument: nothing NVIDIA, nothing missing ---------------------------------------------
check "recover with nothing to do" vfiobox recover
check_eq "says so" "nothing to recover: no NVIDIA display function is missing or reads all-ones" "$(cat /tmp/e2e.out)"
