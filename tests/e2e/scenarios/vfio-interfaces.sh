# e2e-desc: the vfio interfaces of this kernel against its own config
#   (/e2e/kconfig, the package's boot/config-KVER): a vfio-pci device has
#   vfio-dev/vfioN on every kernel since 6.1, but a `dev` number there and
#   /dev/vfio/devices/vfioN only with CONFIG_VFIO_DEVICE_CDEV; /dev/vfio/vfio
#   and /dev/vfio/N only with CONFIG_VFIO_GROUP; doctor says which from the
#   config before vfio is loaded (once /boot has it, as on an installed
#   Debian) and from the nodes after the claim; list shows the device's node;
#   the claim is verified through the group where there is one, else through
#   the cdevs and /dev/iommu; vfio-release removes the nodes
# e2e-load: e1000e

R="^(vfiobox vfio-(claim|release): )?"
kc() { grep -q "^$1=[ym]" /e2e/kconfig; }
[ -f /e2e/kconfig ] || die "no /e2e/kconfig in the image (setup.sh keeps the config)"
# Before 6.2 there is no CONFIG_VFIO_GROUP: groups are all vfio has.
grp=1 cdev=0
grep -q "^# CONFIG_VFIO_GROUP is not set" /e2e/kconfig && grp=0
kc CONFIG_VFIO_DEVICE_CDEV && cdev=1
note "kernel $E2E_KVER: CONFIG_VFIO_GROUP=$grp CONFIG_VFIO_DEVICE_CDEV=$cdev"
if [ $grp = 1 ] && [ $cdev = 1 ]; then
	want="groups \(/dev/vfio/vfio, /dev/vfio/GROUP: every QEMU and libvirt\), device cdev"
	lvl=ok
elif [ $grp = 1 ]; then
	want="groups \(/dev/vfio/vfio, /dev/vfio/GROUP: every QEMU and libvirt\)$"
	lvl=ok
else
	want="no group interface \(CONFIG_VFIO_GROUP=n\), only device cdev"
	lvl=warn
fi

out=$(vfiobox doctor 2>&1)
check_nomatch "vfio not loaded, no config where vfiobox looks: no interface line" "vfio interfaces" "$out"
mkdir -p /boot && cp /e2e/kconfig "/boot/config-$E2E_KVER"
out=$(vfiobox doctor 2>&1)
check_match "vfio not loaded: doctor says it from the config" \
	"^$lvl +vfio interfaces \(from the kernel's config\): $want" "$out"

g=$(group_of $E2E_NIC) || die "the NIC has no IOMMU group"
out=$(vfiobox vfio-claim $E2E_NIC 2>&1)
check_eq "vfio-claim exits 0" 0 $?
check_driver $E2E_NIC vfio-pci
vd=$(ls /sys/bus/pci/devices/$E2E_NIC/vfio-dev 2>/dev/null | head -n 1)
check_match "vfio-dev/vfioN under the device (every kernel since 6.1)" "^vfio[0-9]+$" "$vd"
if [ $cdev = 1 ]; then
	check "its dev number (the cdev)" test -f /sys/bus/pci/devices/$E2E_NIC/vfio-dev/$vd/dev
	check "/dev/vfio/devices/$vd is a character device" test -c /dev/vfio/devices/$vd
	check_eq "the node is the device's" "$(cat /sys/bus/pci/devices/$E2E_NIC/vfio-dev/$vd/dev)" \
		"$(stat -c '%t:%T' /dev/vfio/devices/$vd | { IFS=: read a b; echo $((0x$a)):$((0x$b)); })"
else
	check_fails "no dev number: no cdev" test -e /sys/bus/pci/devices/$E2E_NIC/vfio-dev/$vd/dev
	check_fails "no /dev/vfio/devices" test -e /dev/vfio/devices
fi
if [ $grp = 1 ]; then
	check "/dev/vfio/$g is a character device" test -c /dev/vfio/$g
	check_match "verified through the group, as QEMU opens it" \
		"${R}IOMMU group $g: opened as QEMU opens it: viable, container set, IOMMU type1v2; closed again$" "$out"
	check "the group opens again the QEMU way" vfio-open $E2E_NIC
else
	check_fails "no /dev/vfio/vfio" test -e /dev/vfio/vfio
	check_match "verified through the cdev" \
		"${R}IOMMU group $g: no group interface \(/dev/vfio/vfio\): verified through the device cdev: viable, /dev/vfio/devices/$vd opened, /dev/iommu gave an IO address space" "$out"
fi

out=$(vfiobox list $E2E_NIC 2>&1)
if [ $grp = 1 ] && [ $cdev = 1 ]; then
	check_match "list: both nodes" "^  vfio +/dev/vfio/$g \(group\), /dev/vfio/devices/$vd \(cdev\)$" "$out"
elif [ $grp = 1 ]; then
	check_match "list: the group node" "^  vfio +/dev/vfio/$g \(group\)$" "$out"
else
	check_match "list: the cdev" "^  vfio +/dev/vfio/devices/$vd \(cdev\)$" "$out"
fi
rm "/boot/config-$E2E_KVER"
out=$(vfiobox doctor 2>&1)
check_match "vfio loaded: doctor says it from the nodes" "^$lvl +vfio interfaces: $want" "$out"

check "vfio-release" vfiobox vfio-release $E2E_NIC
check_driver $E2E_NIC e1000e
check_fails "vfio-dev gone with vfio-pci" test -e /sys/bus/pci/devices/$E2E_NIC/vfio-dev
