#!/bin/sh
# tests/hooks/boot/check.sh NAME: runs in the guest once udev coldplug and the
# image's module loading are done (dracut pre-mount hook or unit,
# initramfs-tools init-premount, the mkinitcpio-style /init after its hooks).
# Judges from the kernel log and sysfs whether vfiobox's hook claimed before
# the drivers came, prints E2E: lines on the console, powers the guest off.
#
# Kernel command line: vfiobox.claim=ADDR (the device the hook claims),
# e2e.control=ADDR (same model, not selected: the driver must take it),
# e2e.driver=NAME (their host driver).
name=${1:-unnamed}
nfail=0
say() { echo "E2E: $*" >/dev/console 2>/dev/null || echo "E2E: $*"; }
pass() { say "PASS $*"; }
fail() { say "FAIL $*"; nfail=$((nfail + 1)); }
arg() { for w in $(cat /proc/cmdline); do case $w in "$1="*) echo "${w#*=}"; return ;; esac; done; }
# ts LINE: the kernel timestamp of a dmesg line, in microseconds
ts() {
	set -- $(echo "$1" | sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\].*/\1 \2/p')
	_u=$(echo "$2" | sed 's/^0*//')
	echo $(($1 * 1000000 + ${_u:-0}))
}

claim=$(arg vfiobox.claim)
control=$(arg e2e.control)
drv=$(arg e2e.driver)
command -v udevadm >/dev/null 2>&1 && udevadm settle --timeout=30 >/dev/null 2>&1
dmesg >/tmp/e2e.dmesg 2>/dev/null || cat /dev/kmsg >/tmp/e2e.dmesg
D=/tmp/e2e.dmesg

start=$(grep -m1 -E 'vfiobox: .*vfio-claim starts|Starting .*vfiobox-claim\.service' "$D")
end=$(grep -m1 -E 'vfiobox: .*vfio-claim exited|Finished .*vfiobox-claim\.service|vfiobox-claim\.service: (Main process exited|Failed)' "$D")
load=$(grep -m1 -E "^\\[[ 0-9.]*\\] $drv: " "$D")
if [ -n "$start" ]; then pass "the hook ran: ${start#*] }"; else fail "no trace of the vfiobox hook in the kernel log"; fi
if [ -n "$end" ]; then pass "the hook finished: ${end#*] }"; else fail "the vfiobox hook did not finish"; fi
if [ -n "$load" ]; then pass "$drv was loaded: ${load#*] }"; else fail "$drv was never loaded (no '$drv:' line)"; fi
if [ -n "$start" ] && [ -n "$load" ]; then
	a=$(grep -n -m1 -F "$start" "$D" | cut -d: -f1)
	b=$(grep -n -m1 -F "$load" "$D" | cut -d: -f1)
	if [ "$a" -lt "$b" ]; then pass "the hook started before $drv was loaded"
	else fail "the hook started after $drv was loaded"; fi
fi
if [ -n "$start" ] && [ -n "$end" ]; then
	t0=$(ts "$start") t1=$(ts "$end")
	say "TIME claim-hook $(( (t1 - t0) / 1000 )) ms (kernel timestamps, hook start to end)"
	say "TIME boot-to-claim $(( t0 / 1000 )) ms"
fi
# Nothing of udev before the hook: no udevd process may have logged earlier.
u=$(grep -m1 -n -E 'systemd-udevd\[[0-9]+\]|Starting systemd-udevd\.service|[^-]udevd\[[0-9]+\]' "$D" | cut -d: -f1)
if [ -n "$u" ] && [ -n "$start" ]; then
	a=$(grep -n -m1 -F "$start" "$D" | cut -d: -f1)
	if [ "$a" -lt "$u" ]; then pass "the hook started before udevd logged anything"
	else fail "udevd logged before the hook started"; fi
fi

cdrv=$(readlink "/sys/bus/pci/devices/$control/driver" 2>/dev/null)
if [ "${cdrv##*/}" = "$drv" ]; then pass "control $control is on $drv (coldplug happened)"
else fail "control $control is on '${cdrv##*/}', not $drv"; fi

if /usr/bin/vfiobox --list 2>/dev/null | grep -qx vfio-claim; then
	vdrv=$(readlink "/sys/bus/pci/devices/$claim/driver" 2>/dev/null)
	if [ "${vdrv##*/}" = vfio-pci ]; then pass "$claim is on vfio-pci"
	else fail "$claim is on '${vdrv##*/}', not vfio-pci"; fi
	if grep -q -E "$drv $claim: " "$D"; then fail "$drv probed $claim at some point:" "$(grep -E "$drv $claim: " "$D" | head -n 2)"
	else pass "$drv never probed $claim"; fi
else
	say "NOTE this vfiobox has no vfio-claim applet yet: the hook's order is checked, not the claim"
fi

if [ "$nfail" -gt 0 ]; then
	say "DMESG BEGIN"
	cat "$D"
	say "DMESG END"
	say "RESULT FAIL $name"
else
	say "RESULT PASS $name"
fi
sync
echo 1 >/proc/sys/kernel/sysrq 2>/dev/null
echo o >/proc/sysrq-trigger
sleep 30
