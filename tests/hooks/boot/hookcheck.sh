# /e2e/hookcheck.sh in the hook test images: the checks every hook scenario
# (tests/e2e/scenarios/hook-*.sh) makes, with tests/e2e/guest/lib.sh loaded.
#
# The kernel command line selects the "GPU" (vfiobox.claim=0000:01:00.0: the
# claim takes its IOMMU group, the HDA function too). The image carries the
# host drivers of every device (bochs, snd_hda_intel, e1000e), loaded by udev
# coldplug or by the image's module list. The VGA (bochs-drm) and the NIC
# (e1000e) are the controls: they must end up on their drivers.
#
# hook_checks START END: extended regular expressions matching the kernel log
# lines that mark the hook's start and its end.
hook_checks() {
	_start=$1 _end=$2
	command -v udevadm >/dev/null 2>&1 && udevadm settle --timeout=30 >/dev/null 2>&1
	wait_driver $E2E_NIC e1000e 20
	wait_driver $E2E_VGA bochs-drm 20
	check_eq "vfiobox.claim= names the GPU" "$E2E_GPU" "$(sed -n 's/.*vfiobox\.claim=\([^ ]*\).*/\1/p' /proc/cmdline)"
	dmesg > /tmp/hook.dmesg
	_ls=$(grep -n -m1 -E "$_start" /tmp/hook.dmesg | cut -d: -f1)
	_le=$(grep -n -m1 -E "$_end" /tmp/hook.dmesg | cut -d: -f1)
	if [ -n "$_ls" ]; then pass "the hook ran: $(sed -n "${_ls}s/^\[[^]]*\] //p" /tmp/hook.dmesg)"
	else fail "no '$_start' in the kernel log: the hook did not run"; fi
	if [ -n "$_le" ]; then pass "the hook finished: $(sed -n "${_le}s/^\[[^]]*\] //p" /tmp/hook.dmesg)"
	else fail "no '$_end' in the kernel log"; fi
	# Before the drivers: the first line of each in the kernel log comes
	# after the hook's start (e1000e announces itself when loaded; bochs-drm
	# and snd_hda_intel when they probe the controls).
	for _d in "e1000e: Intel(R) PRO/1000 Network Driver" "bochs-drm $E2E_VGA" "e1000e $E2E_NIC"; do
		_ld=$(grep -n -m1 -F "$_d" /tmp/hook.dmesg | cut -d: -f1)
		if [ -z "$_ld" ]; then fail "no '$_d' in the kernel log"
		elif [ -n "$_ls" ] && [ "$_ls" -lt "$_ld" ]; then pass "the hook started before '$_d'"
		else fail "the hook started after '$_d' (log lines ${_ls:-none} and $_ld)"; fi
	done
	_lu=$(grep -n -m1 -E 'systemd-udevd\[[0-9]+\]|Starting systemd-udevd\.service|[^-]udevd\[[0-9]+\]' /tmp/hook.dmesg | cut -d: -f1)
	if [ -n "$_lu" ] && [ -n "$_ls" ]; then
		if [ "$_ls" -lt "$_lu" ]; then pass "the hook started before udevd logged anything"
		else fail "udevd logged before the hook started"; fi
	fi
	if [ -n "$_ls" ] && [ -n "$_le" ]; then
		_ts=$(sed -n "${_ls}s/^\[ *\([0-9.]*\)\].*/\1/p" /tmp/hook.dmesg)
		_te=$(sed -n "${_le}s/^\[ *\([0-9.]*\)\].*/\1/p" /tmp/hook.dmesg)
		report_time claim-hook "$(ms_between "$_ts" "$_te")"
		report_time boot-to-claim "$(ms_between 0 "$_ts")"
	fi
	check_driver $E2E_NIC e1000e
	check_driver $E2E_VGA bochs-drm
	if /usr/bin/vfiobox --list 2>/dev/null | grep -qx vfio-claim; then
		check_driver $E2E_GPU vfio-pci
		check_driver $E2E_HDA vfio-pci
		check_nomatch "bochs-drm never probed the GPU" "bochs-drm $E2E_GPU" "$(cat /tmp/hook.dmesg)"
		check_nomatch "snd_hda_intel never probed the HDA" "snd_hda_intel $E2E_HDA" "$(cat /tmp/hook.dmesg)"
		# The hook's own report went to the console (or the journal); the
		# same claim again writes nothing and opens the group as QEMU does.
		check "the IOMMU backend is loaded" test -d /sys/module/vfio_iommu_type1
		check_match "vfio-claim again: the group opens as QEMU opens it" \
			"IOMMU group [0-9]+: opened as QEMU opens it: viable, container set, IOMMU type1" \
			"$(/usr/bin/vfiobox vfio-claim 2>&1)"
		if command -v vfio-open >/dev/null 2>&1; then
			check "the group is viable (VFIO_GROUP_GET_STATUS)" vfio-open $E2E_GPU $E2E_HDA
		fi
	else
		note "this vfiobox has no vfio-claim applet yet: the hook's place is checked, not the claim"
	fi
}
