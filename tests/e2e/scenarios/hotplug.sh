# e2e-desc: the host-action channel: hot-unplug and re-plug of the hot-plug slot
#   through QMP (device_del / device_add), answered on the second serial port,
#   timed by the kernel's clock; what the kernel does to driver_override on
#   re-plug (lost: the host driver takes the device back)
# e2e-load: e1000e

check "host answers on the ack channel" host echo ping 1
check_eq "echo reply" "ping 1" "$HOST_REPLY"
check_fails "an unknown device is refused by the host" host unplug no-such-device
check_match "the refusal says why" "no-such-device|not found|DeviceNotFound" "$HOST_REPLY"
check "raw QMP request" host qmp '{"execute":"query-status"}'
check_match "QMP reply carries the VM state" '"status":"running"' "$HOST_REPLY"

check "hot-plug slot device present" present $E2E_HP
check_driver $E2E_HP e1000e
# An override does not survive an unplug: it belongs to the struct pci_dev.
echo vfio-pci > /sys/bus/pci/devices/$E2E_HP/driver_override

t0=$(kmark "unplug $E2E_HP")
check "unplug hp0 (QMP device_del until DEVICE_DELETED)" host unplug hp0
note "host: $HOST_REPLY"
check "device left the bus" wait_gone $E2E_HP 5
t1=$(kmark "unplugged $E2E_HP")
report_time unplug "$(ms_between "$t0" "$t1")"
check "the slot's root port stays" present $E2E_HP_PORT

t0=$(kmark "plug $E2E_HP")
check "plug hp0 (QMP device_add with the original properties)" host plug hp0
check "device back without a rescan" wait_present $E2E_HP 10
check "host driver bound again" wait_driver $E2E_HP e1000e 10
t1=$(kmark "plugged $E2E_HP")
report_time plug "$(ms_between "$t0" "$t1")"
check_eq "driver_override lost on re-plug" "(null)" "$(sysattr $E2E_HP driver_override)"
check_eq "same ids after re-plug" "0x8086:0x10d3" "$(sysattr $E2E_HP vendor):$(sysattr $E2E_HP device)"

# The timing helper other scenarios use: a step timed by the kernel's clock.
timed "remove-rescan" sh -c "echo 1 > /sys/bus/pci/devices/$E2E_HP/remove && echo 1 > /sys/bus/pci/rescan"
check "device back after remove + rescan" wait_present $E2E_HP 5
