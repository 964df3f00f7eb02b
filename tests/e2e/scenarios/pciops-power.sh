# e2e-desc: power against the kernel: status of a device and its root port;
#   auto lets the kernel runtime-suspend an idle (unbound) NIC, on resumes it
#   before returning (runtime_status active); plans write nothing
# e2e-load: e1000e

# timed_to FILE NAME CMD...: timed, with CMD's output in FILE (the TIME line
# stays on the console)
timed_to() { _tf=$1; shift; _tn=$1; shift; timed "$_tn" sh -c '"$@" > "$0" 2>&1' "$_tf" "$@"; }

out=$(vfiobox power $E2E_NIC)
check_match "status: power_state" "^  power_state     D0$" "$out"
check_match "status: control" "^  control         on$" "$out"
check_match "status: runtime_status" "^  runtime_status  active$" "$out"
check_match "status: the root port" "^  parent          $E2E_NIC_PORT: D0, control on, runtime active, d3cold_allowed [01]$" "$out"
echo $E2E_NIC > /sys/bus/pci/devices/$E2E_NIC/driver/unbind
check_eq "plan" "echo auto > /sys/bus/pci/devices/$E2E_NIC/power/control" "$(vfiobox power -n $E2E_NIC auto)"
check_eq "a plan writes nothing" on "$(sysattr $E2E_NIC power/control)"
check "auto" vfiobox power $E2E_NIC auto
check "the idle NIC is suspended" wait_for 3 sh -c "[ \$(cat /sys/bus/pci/devices/$E2E_NIC/power/runtime_status) = suspended ]"
timed_to /tmp/out power-on vfiobox power $E2E_NIC on
check_match "on: active when it returns" "^  runtime_status  active$" "$(cat /tmp/out)"
check_eq "control on" on "$(sysattr $E2E_NIC power/control)"
check_eq "runtime_status active" active "$(sysattr $E2E_NIC power/runtime_status)"
d3=$(sysattr $E2E_NIC d3cold_allowed)
check "--d3cold=0" vfiobox power --d3cold=0 $E2E_NIC on
check_eq "d3cold_allowed 0" 0 "$(sysattr $E2E_NIC d3cold_allowed)"
check "--d3cold back" vfiobox power --d3cold=$d3 $E2E_NIC on
check_eq "d3cold_allowed back" "$d3" "$(sysattr $E2E_NIC d3cold_allowed)"
