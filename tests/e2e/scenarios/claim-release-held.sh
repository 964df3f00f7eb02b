# e2e-desc: vfio-release of a group a running VM holds (vfio-open): the
#   unbind from vfio-pci blocks in the kernel; vfio-release gives up after
#   --timeout, exits 3 and names the pending unbind's pid; that process is a
#   separate one, so vfio-release returns while it waits; once the VM lets
#   go it finishes that one unbind and stops there: the HDA function, next in
#   the batch, stays on vfio-pci; a vfio-claim meanwhile says the group is in
#   use (EBUSY on /dev/vfio/N), not a failure
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic

g=$(group_of $E2E_GPU) || die "the GPU has no IOMMU group"
check "claim the GPU group" vfiobox vfio-claim $E2E_GPU
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci

vfio-open -s 5 $E2E_GPU $E2E_HDA > /tmp/held &
held=$!
check "vfio-open holds the group" wait_for 5 grep -q holding /tmp/held
out=$(vfiobox vfio-claim $E2E_GPU 2>&1)
check_eq "claim again while the VM holds the group: exit 0" 0 $?
check_match "the group is said to be in use, not an error" "IOMMU group $g: in use: /dev/vfio/$g is open already" "$out"
out=$(vfiobox vfio-release --timeout=1 $E2E_GPU 2>&1)
check_eq "vfio-release without --force refuses: exit 1" 1 $?
check_match "the VM is named before any write" "held by vfio-open \(pid $held: /dev/vfio/$g\).*nothing changed" "$out"
check_driver $E2E_GPU vfio-pci
t0=$(cut -d' ' -f1 /proc/uptime)
out=$(vfiobox vfio-release --force --timeout=1 $E2E_GPU 2>&1)
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "$out"
check_eq "vfio-release exits 3" 3 $rc
check "it gave up after about the timeout, not the VM's 5 s" \
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 3) }'
check_match "the pending unbind is named, with its pid" \
	"an unbind \(pid [0-9]+\) is still waiting in the kernel and holds the device" "$out"
pid=$(printf '%s\n' "$out" | sed -n 's/.*an unbind (pid \([0-9]*\)).*/\1/p' | head -n 1)
check "the pending unbind is a process of its own, still there" test -d /proc/$pid
check_match "it waits in the kernel" "^State:.*[DS]" "$(grep State /proc/$pid/status)"
check_driver $E2E_HDA vfio-pci

wait $held
_done() { [ ! -d /proc/$pid ] || grep -q "^State:.*Z" /proc/$pid/status; }
check "once the VM let go, the pending unbind finished" wait_for 10 _done
check_driver $E2E_GPU none
check_driver $E2E_HDA vfio-pci
# Nothing holds the group now: vfio-release finishes the job.
out=$(vfiobox vfio-release $E2E_GPU 2>&1)
check_eq "vfio-release again exits 0" 0 $?
echo "$out"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
