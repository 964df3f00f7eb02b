# e2e-desc: `vfiobox list --groups` and `--tree` against the guest's own sysfs
#   and pciutils' lspci (static, from the same pinned source): the guides' loop
#   over /sys/kernel/iommu_groups with `lspci -nns` prints the same lines; the
#   drivers, the boot VGA mark and the not-viable mark agree with sysfs and
#   with VFIO_GROUP_GET_STATUS; the tree's nesting is the sysfs device paths,
#   lspci -tv's names are in it, and each bridge's ACS word agrees with
#   lspci -vvv's ACSCtl
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic e1000e

IDS=/e2e/pci.ids
command -v lspci >/dev/null || die "no lspci in the guest image (tests/e2e/mkbase.sh)"
g=$(group_of $E2E_GPU) || die "GPU has no IOMMU group"
ng=$(group_of $E2E_NIC) || die "NIC has no IOMMU group"
vg=$(group_of $E2E_VGA) || die "VGA has no IOMMU group"

# --- --groups: what the guides' loop prints -----------------------------------------
want=$(for n in $(ls /sys/kernel/iommu_groups | sort -n); do
	echo "IOMMU Group $n:"
	for d in $(ls /sys/kernel/iommu_groups/$n/devices); do
		printf '\t%s\n' "$(lspci -i $IDS -nns $d)"
	done
done)
out=$(vfiobox list --groups --ids-file $IDS); rc=$?
check_eq "list --groups exits 0" 0 $rc
got=$(printf '%s\n' "$out" | grep -v '^		driver: ' | sed 's/^\(IOMMU Group [0-9]*:\).*/\1/')
check_eq "groups and device lines are the guides' loop over lspci -nns" "$want" "$got"
note "lspci -nns lines compared: $(printf '%s\n' "$want" | grep -c '^	')"
wantd=$(for n in $(ls /sys/kernel/iommu_groups | sort -n); do
	for d in $(ls /sys/kernel/iommu_groups/$n/devices); do driver_of $d; done
done)
gotd=$(printf '%s\n' "$out" | sed -n 's/^		driver: \([^ ]*\).*/\1/p')
check_eq "each device's driver is its sysfs driver link" "$wantd" "$gotd"
check_match "GPU group not viable: both functions on host drivers" \
	"^IOMMU Group $g: not viable for vfio: $E2E_GPU on bochs-drm, $E2E_HDA on snd_hda_intel\$" "$out"
check_match "the VGA's group holds the boot VGA" "^IOMMU Group $vg: boot VGA \(the firmware console\)" "$out"
check_match "NIC group not viable on e1000e" "^IOMMU Group $ng: not viable for vfio: $E2E_NIC on e1000e\$" "$out"
check_nomatch "no colour when stdout is not a terminal" "$(printf '\033')" "$out"
# Without a pci.ids: the same lines with numbers only, as lspci prints the ids.
out2=$(vfiobox list -g)
check_match "without pci.ids: the GPU by its ids" "^	${E2E_GPU#0000:} Display controller \[0380\]: Device \[1234:1111\]" "$out2"

check "modprobe vfio_pci" modprobe vfio_pci
check "modprobe vfio_iommu_type1" modprobe vfio_iommu_type1
check "sysfs bind GPU to vfio-pci" sysfs_bind $E2E_GPU vfio-pci
out=$(vfiobox list -g $E2E_HDA)
check_match "one function on vfio-pci: still not viable, the HDA named" \
	"^IOMMU Group $g: not viable for vfio: $E2E_HDA on snd_hda_intel\$" "$out"
check_fails "the kernel agrees: vfio-open fails" vfio-open $E2E_GPU
check "sysfs bind HDA to vfio-pci" sysfs_bind $E2E_HDA vfio-pci
out=$(vfiobox list -g $E2E_GPU)
check_eq "both on vfio-pci: the group has no mark" "IOMMU Group $g:" "$(printf '%s\n' "$out" | head -n 1)"
check_match "the kernel agrees: group viable" "^group $g: viable" "$(vfio-open $E2E_GPU $E2E_HDA)"
out=$(vfiobox list -g -j $E2E_GPU)
check_match "JSON: viable, members on vfio-pci" "^    \{\"group\":$g,\"viable\":true,\"boot_vga\":false," "$out"
check_match "JSON: the GPU keeps nothing from vfio" "\"address\":\"$E2E_GPU\".*\"driver\":\"vfio-pci\".*\"keeps_group_from_vfio\":false" "$out"

# --- --tree: nesting from sysfs, names from lspci -tv, ACS from lspci -vvv -------------
out=$(vfiobox list --tree --ids-file $IDS); rc=$?
check_eq "list --tree exits 0" 0 $rc
check_match "one root bus, 0000:00" '^\[0000:00\]$' "$out"
# "ADDR DEPTH" from the drawing (two columns a level) and from the sysfs path.
got=$(printf '%s\n' "$out" | awk 'match($0, /[+\\]-[0-9a-f]+:[0-9a-f]+\.[0-7]  /) {
	a = substr($0, RSTART + 2, RLENGTH - 4); print "0000:" a, (RSTART - 1) / 2 }' | sort)
want=$(for d in $(ls /sys/bus/pci/devices); do
	p=$(readlink /sys/bus/pci/devices/$d)
	echo "$d $(( $(echo "$p" | tr '/' '\n' | grep -c '^[0-9a-f]*:[0-9a-f]*:[0-9a-f]*\.[0-7]$') - 1 ))"
done | sort)
check_eq "every device at its sysfs depth" "$want" "$got"
lt=$(lspci -i $IDS -tv)
note "lspci -tv: $(printf '%s' "$lt" | tr '\n' '|')"
missing=$(printf '%s\n' "$lt" | sed -n 's/.*[0-9a-f][0-9a-f]\.[0-7]  //p' | while read -r name; do
	printf '%s\n' "$out" | grep -qF "]: $name [" || echo "$name"
done)
check_eq "every name lspci -tv prints is in the tree" "" "$missing"
check_match "GPU line: group, driver" "^\| [+]-${E2E_GPU#0000:}  Display controller \[0380\]: Technical Corp. QEMU Virtual Video Controller \[1234:1111\]( \(rev [0-9a-f]+\))?  group $g  driver vfio-pci" "$out"
for b in $E2E_GPU_PORT $E2E_NIC_PORT $E2E_HP_PORT; do
	v=$(lspci -vvv -s $b)
	ctl=$(printf '%s\n' "$v" | sed -n 's/.*ACSCtl:[[:space:]]*//p')
	if [ -z "$ctl" ]; then
		w="no ACS"
	elif printf '%s' "$ctl" | grep -q 'SrcValid+.*ReqRedir+ CmpltRedir+ UpstreamFwd+'; then
		w="ACS on"
	else
		w="ACS (off|partial)"
	fi
	note "$b ACSCtl: ${ctl:-none}"
	check_match "$b: $w, as lspci -vvv says" "${b#0000:}  PCI bridge .*  ${w}( |\$)" "$out"
done
out=$(vfiobox list -t $E2E_HDA)
check_eq "--tree of the HDA: the root bus, its port, the HDA" 3 "$(printf '%s\n' "$out" | wc -l)"
check_match "the port on the root bus" "^\\\\-${E2E_GPU_PORT#0000:}  PCI bridge" "$out"
check_match "the HDA under it" "^  \\\\-${E2E_HDA#0000:}  Audio device \[0403\]" "$out"
out=$(vfiobox list -t -j $E2E_GPU_PORT)
check_match "JSON: the port's line holds both functions as children" \
	"\"address\":\"$E2E_GPU_PORT\".*\"children\":\[\{\"address\":\"$E2E_GPU\".*\{\"address\":\"$E2E_HDA\"" "$out"
