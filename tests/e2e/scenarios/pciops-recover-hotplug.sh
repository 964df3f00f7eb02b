# e2e-desc: recover of a device that fell off the bus: the hot-plug slot's
#   e1000e, on vfio-pci with a claim record, is unplugged through QMP; recover
#   starts while it is gone (planned from the record and the root port its bus
#   number names), the device is plugged back meanwhile, e1000e takes it at
#   once, recover says so and ends with it on vfio-pci, verified, group usable.
#   Unplugged again and left out: recover times out with a clear message,
#   exit 1, the root port as it was
# e2e-load: e1000e
# Claimed by vfiobox (which loads vfio_iommu_type1 and vfio-pci itself).
check "hp0 on vfio-pci" vfiobox vfio-claim $E2E_HP
mkdir -p /run/vfiobox
printf 'addr=%s\nids=8086:10d3:8086:0000\nclass=020000\ndriver=e1000e\ntarget=vfio-pci\nhda=vfio\n' \
	$E2E_HP > /run/vfiobox/$E2E_HP
check "unplug hp0" host unplug hp0
check "gone" wait_gone $E2E_HP 5

plan=$(vfiobox recover -n $E2E_HP)
check_match "plan: gone, from its record" "^#   $E2E_HP 8086:10d3: gone; should end on vfio-pci \(claim record /run/vfiobox/$E2E_HP\)$" "$plan"
check_match "plan: rescan behind the root port its bus names" "^echo 1 > /sys/bus/pci/devices/$E2E_HP_PORT/rescan$" "$plan"

t0=$(kmark "recover starts")
vfiobox recover --timeout=30 $E2E_HP > /tmp/rec.out 2>&1 &
pid=$!
usleep 800000
check "plug hp0 back while recover waits" host plug hp0
wait $pid
rc=$?
t1=$(kmark "recover done")
report_time recover-replug "$(ms_between "$t0" "$t1")"
note "$(cat /tmp/rec.out)"
check_eq "recover exits 0" 0 $rc
check_match "it came back" "\] $E2E_HP back \(8086:10d3\), (taken by e1000e|no driver)$" "$(cat /tmp/rec.out)"
# The re-plug adds the device from the kernel's hot-plug thread: recover may
# see it before e1000e's probe is done. Either way the host driver taking it
# must be said, and it must end on vfio-pci.
if grep -q "back (8086:10d3), taken by e1000e$" /tmp/rec.out; then
	check_match "the host driver taking it is said" \
		"\] $E2E_HP: e1000e took it when it came back \(the kernel forgot driver_override\); moving it to vfio-pci$" \
		"$(cat /tmp/rec.out)"
elif grep -q "took it meanwhile" /tmp/rec.out; then
	check_match "the host driver taking it meanwhile is said" \
		"\] $E2E_HP: e1000e took it meanwhile \(its probe was still running\); moving it to vfio-pci$" \
		"$(cat /tmp/rec.out)"
else
	note "recover was first: the override was set before e1000e's probe matched"
fi
check_match "verified" "\] $E2E_HP: on vfio-pci \(verified\)$" "$(cat /tmp/rec.out)"
check_match "recover opened the group as QEMU does" "\] IOMMU group [0-9]+: opened as QEMU opens it: viable, container set, IOMMU type1v2; closed again$" "$(cat /tmp/rec.out)"
check_driver $E2E_HP vfio-pci
check "its group opens" vfio-open $E2E_HP

# Gone and staying gone: a timeout, said clearly, exit 1.
ctl=$(sysattr $E2E_HP_PORT power/control)
check "unplug hp0 again" host unplug hp0
check "gone again" wait_gone $E2E_HP 5
t0=$(kmark "recover of an empty slot")
vfiobox recover --timeout=2 $E2E_HP > /tmp/rec.out 2>&1
rc=$?
t1=$(kmark "recover gave up")
report_time recover-timeout "$(ms_between "$t0" "$t1")"
note "$(cat /tmp/rec.out)"
check_eq "exit 1: nothing changed" 1 $rc
check_match "the timeout is named" \
	"$E2E_HP: not back after 2.0 s \([0-9]+ rescans of /sys/bus/pci/devices/$E2E_HP_PORT/rescan\): the slot is empty, or the device does not answer config reads" \
	"$(cat /tmp/rec.out)"
check_match "the state left is named" "$E2E_HP: state left: still gone, as it was" "$(cat /tmp/rec.out)"
check_eq "root port power/control as it was" "$ctl" "$(sysattr $E2E_HP_PORT power/control)"
ms=$(ms_between "$t0" "$t1")
check "it waited about the timeout" test "$ms" -ge 1900 -a "$ms" -lt 6000
