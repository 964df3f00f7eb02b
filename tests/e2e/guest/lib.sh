# tests/e2e/guest/lib.sh: helpers for e2e scenarios (busybox ash, in the guest).
#
# /init sources this file, then sources the scenario in a child shell, so a
# scenario may `exit` or `die` without killing PID 1. Every helper is listed in
# tests/e2e/README.md; the console protocol the host runner parses is:
#   E2E: PASS text        an assertion held
#   E2E: FAIL text        an assertion failed (the scenario goes on)
#   E2E: NOTE text        information for the log and the summary
#   E2E: TIME name N ms   a measured step, shown in the summary
#   E2E: HOST SEQ VERB ARGS  a request for the host (see host())
#   E2E: RESULT PASS|FAIL NAME   printed once by /init at the end

# --- topology -----------------------------------------------------------------
# The runner (tests/e2e/run.py, QEMU_TOPOLOGY) puts these on the root bus:
#   00:02.0 VGA (boot_vga)   00:03.0 root port -> GPU .0 + HDA .1
#   00:04.0 root port -> NIC  00:05.0 root port (hot-plug slot) -> e1000e .0
E2E_VGA=0000:00:02.0
E2E_GPU_PORT=0000:00:03.0
E2E_NIC_PORT=0000:00:04.0
E2E_HP_PORT=0000:00:05.0
E2E_RESULTS=/tmp/e2e.results
E2E_HOST_SEQ=/tmp/e2e.hostseq

# The address of function FN behind root port PORT (even when nothing is
# plugged there: the bridge's secondary bus number says where it would be).
e2e_behind() {
	_b=$(cat "/sys/bus/pci/devices/$1/secondary_bus_number" 2>/dev/null) || return 1
	printf '0000:%02x:00.%s\n' "$_b" "$2"
}

e2e_topology() {
	E2E_GPU=$(e2e_behind $E2E_GPU_PORT 0)
	E2E_HDA=$(e2e_behind $E2E_GPU_PORT 1)
	E2E_NIC=$(e2e_behind $E2E_NIC_PORT 0)
	E2E_HP=$(e2e_behind $E2E_HP_PORT 0)
	E2E_KVER=$(uname -r)
	E2E_NAME=$(cat /e2e/name 2>/dev/null)
	export E2E_VGA E2E_GPU E2E_HDA E2E_NIC E2E_HP E2E_GPU_PORT E2E_NIC_PORT \
		E2E_HP_PORT E2E_KVER E2E_NAME
}

# --- results ------------------------------------------------------------------
pass() { echo "E2E: PASS $*"; echo "PASS $*" >> $E2E_RESULTS; }
fail() { echo "E2E: FAIL $*"; echo "FAIL $*" >> $E2E_RESULTS; }
note() { echo "E2E: NOTE $*"; }
# die MSG: a failure the scenario cannot go on from.
die() { fail "$*"; exit 1; }

# check DESC CMD [ARG...]: PASS if CMD exits 0, FAIL with its output if not.
# CMD runs in this shell (a function's variables, e.g. HOST_REPLY, survive).
check() {
	local _d=$1; shift
	if "$@" > /tmp/e2e.out 2>&1; then
		pass "$_d"
	else
		fail "$_d (exit $?: $(tail -n 3 /tmp/e2e.out | tr '\n' ' '))"
		return 1
	fi
}

# check_fails DESC CMD [ARG...]: PASS if CMD exits non-zero.
check_fails() {
	local _d=$1; shift
	if "$@" > /tmp/e2e.out 2>&1; then
		fail "$_d (expected a failure, got exit 0: $(tail -n 3 /tmp/e2e.out | tr '\n' ' '))"
		return 1
	fi
	pass "$_d"
}

# check_eq DESC WANT GOT (multi-line values are shown joined with spaces)
check_eq() {
	_g=$(printf '%s' "$3" | tr '\n' ' ')
	if [ "$2" = "$3" ]; then
		pass "$1 ($_g)"
	else
		fail "$1: want '$(printf '%s' "$2" | tr '\n' ' ')', got '$_g'"
		return 1
	fi
}

# check_match DESC ERE TEXT: PASS if TEXT has a line matching the extended regex.
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1: no line matches /$2/ in: $(printf '%s' "$3" | head -c 600 | tr '\n' '|')"
		return 1
	fi
}

# check_nomatch DESC ERE TEXT: PASS if no line of TEXT matches.
check_nomatch() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		fail "$1: a line matches /$2/: $(printf '%s\n' "$3" | grep -E -- "$2" | head -n 2 | tr '\n' '|')"
		return 1
	fi
	pass "$1"
}

# check_driver BDF WANT: the device's driver link names WANT ("none": unbound).
check_driver() {
	check_eq "$1 driver" "$2" "$(driver_of "$1")"
}

# --- what vfiobox is responsible for -------------------------------------------
# vfiobox loads the IOMMU backend a VM needs (vfio_iommu_type1, only a soft
# dependency of vfio, which busybox's modprobe does not follow) itself. A
# scenario that had it loaded before vfiobox first ran (an e2e-load line, an
# explicit modprobe) proves nothing about that and fails, unless it says why
# with a "# e2e-preloaded: REASON" header line. Every scenario calls the
# binary as `vfiobox`, so this function sees the first call.
vfiobox() {
	if [ ! -e /tmp/e2e.vfiobox-ran ]; then
		: > /tmp/e2e.vfiobox-ran
		if [ -e /sys/module/vfio_iommu_type1 ] &&
		   ! grep -q '^# e2e-preloaded: ..*' /e2e/scenario.sh 2>/dev/null; then
			# To the console itself: the caller may capture stdout.
			fail "vfio_iommu_type1 was loaded before vfiobox first ran: vfiobox must load it itself (a scenario that means it says why: # e2e-preloaded: REASON)" > /dev/console
		fi
	fi
	/e2e/bin/vfiobox "$@"
}

# --- PCI in sysfs ---------------------------------------------------------------
# driver_of BDF: the bound driver's name, or "none".
driver_of() {
	_l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || { echo none; return 0; }
	echo "${_l##*/}"
}

# group_of BDF: the IOMMU group number (fails when there is none).
group_of() {
	_l=$(readlink "/sys/bus/pci/devices/$1/iommu_group" 2>/dev/null) || return 1
	echo "${_l##*/}"
}

# group_members N: the addresses in IOMMU group N, one a line, sorted.
group_members() {
	ls "/sys/kernel/iommu_groups/$1/devices" 2>/dev/null | sort
}

# present BDF: the device is on the bus.
present() { [ -e "/sys/bus/pci/devices/$1" ]; }

# sysattr BDF ATTR: a sysfs attribute of the device, whitespace trimmed.
sysattr() { cat "/sys/bus/pci/devices/$1/$2" 2>/dev/null; }

# wait_for SECONDS CMD [ARG...]: poll CMD every 50 ms until it succeeds.
wait_for() {
	local _n=$(( $1 * 20 )); shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		usleep 50000
	done
}

_driver_is() { [ "$(driver_of "$1")" = "$2" ]; }
# wait_driver BDF DRIVER [SECONDS]: wait until the device is bound to DRIVER.
wait_driver() { wait_for "${3:-5}" _driver_is "$1" "$2"; }
_gone() { ! present "$1"; }
# wait_gone BDF [SECONDS] / wait_present BDF [SECONDS]
wait_gone() { wait_for "${2:-5}" _gone "$1"; }
wait_present() { wait_for "${2:-5}" present "$1"; }

# cfg_read BDF OFFSET: the config-space dword at OFFSET (multiple of 4) as
# 8 hex digits (needs root; offsets >= 0x100 need the 4096-byte config).
cfg_read() {
	dd if="/sys/bus/pci/devices/$1/config" bs=4 skip=$(( $2 / 4 )) count=1 2>/dev/null |
		od -An -tx4 | tr -d ' \n'
}

# cfg_write BDF OFFSET VALUE: write a dword (VALUE in hex, no 0x) at OFFSET.
cfg_write() {
	_v=$(( 0x$3 ))
	printf "\\$(printf %o $((_v & 255)))\\$(printf %o $(((_v >> 8) & 255)))\\$(printf %o $(((_v >> 16) & 255)))\\$(printf %o $(((_v >> 24) & 255)))" |
		dd of="/sys/bus/pci/devices/$1/config" bs=4 seek=$(( $2 / 4 )) count=1 conv=notrunc 2>/dev/null
}

# sysfs_bind BDF DRIVER: bind with plain sysfs writes, no vfiobox involved:
# driver_override, unbind from the current driver, drivers_probe. Returns
# non-zero if the driver link does not name DRIVER afterwards.
sysfs_bind() {
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override" || return 1
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind" || return 1
	fi
	echo "$1" > /sys/bus/pci/drivers_probe
	_driver_is "$1" "$2"
}

# --- time, from the kernel's own printk timestamps --------------------------------
# ktime_of TEXT: the timestamp (seconds, 6 decimals) of the first dmesg line
# containing TEXT; fails if there is none.
ktime_of() {
	dmesg | awk -v t="$1" 'index($0, t) { s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s); print s; f = 1; exit } END { exit !f }'
}

# kmark TEXT: log "e2e: TEXT" to the kernel log and print its timestamp.
kmark() {
	echo "e2e: $*" > /dev/kmsg
	dmesg | awk -v t="e2e: $*" 'index($0, t) { s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s); v = s } END { if (v == "") exit 1; print v }'
}

# ms_between T1 T2: milliseconds from timestamp T1 to T2 (as from ktime_of).
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 + 0.5 }'; }

# report_time NAME MS: print a timing line the runner shows in its summary.
report_time() { echo "E2E: TIME $1 $2 ms"; }

# timed NAME CMD [ARG...]: run CMD between two kernel-log marks, report how long
# it took by the kernel's clock, return CMD's status. Its output goes to stdout.
timed() {
	local _tn=$1 _t0 _t1 _ts; shift
	_t0=$(kmark "begin $_tn")
	"$@"
	_ts=$?
	_t1=$(kmark "end $_tn")
	report_time "$_tn" "$(ms_between "$_t0" "$_t1")"
	return $_ts
}

# boot_ms: milliseconds from the kernel's first timestamp to /init starting.
boot_ms() {
	_ti=$(ktime_of "as init process") || return 1
	ms_between 0 "$_ti"
}

# --- host actions ---------------------------------------------------------------------
# host VERB [ARG...]: ask the runner to do something to the VM and wait for the
# answer on the second serial port (/dev/ttyS1, opened by /init as fd 3).
# Sets HOST_REPLY to the answer's text; returns 0 if the host said OK. Call it
# directly or through check/check_fails, not in $(...): a subshell loses
# HOST_REPLY.
# Verbs (tests/e2e/README.md): echo TEXT, unplug ID, plug ID, qmp JSON.
# HOST_TIMEOUT (seconds, default 30) bounds the wait.
host() {
	if ! { true <&3; } 2>/dev/null; then
		HOST_REPLY="fd 3 is not open on /dev/ttyS1 (the host's answers): see /init"
		return 1
	fi
	_seq=$(( $(cat $E2E_HOST_SEQ 2>/dev/null || echo 0) + 1 ))
	echo $_seq > $E2E_HOST_SEQ
	# To the console itself, even when the caller captures stdout.
	echo "E2E: HOST $_seq $*" > /dev/console
	_end=$(( $(cut -d. -f1 /proc/uptime) + ${HOST_TIMEOUT:-30} ))
	# One read with all the time that is left, not a poll every second: busybox's
	# read drops what it has of a line when its timeout ends (fd 3 is raw), so
	# an answer arriving on a one-second boundary was lost. An unplug with a
	# 2 s limit answered right on one.
	while :; do
		_left=$(( _end - $(cut -d. -f1 /proc/uptime) ))
		[ $_left -ge 1 ] || _left=1
		if IFS= read -r -t $_left _line <&3; then
			_line=$(printf '%s' "$_line" | tr -d '\r')
			case "$_line" in
			"ACK $_seq OK"*) HOST_REPLY=${_line#"ACK $_seq OK"}; HOST_REPLY=${HOST_REPLY# }; return 0 ;;
			"ACK $_seq ERR"*) HOST_REPLY=${_line#"ACK $_seq ERR"}; HOST_REPLY=${HOST_REPLY# }; return 1 ;;
			esac
		fi
		if [ "$(cut -d. -f1 /proc/uptime)" -ge $_end ]; then
			HOST_REPLY="no answer from the host within ${HOST_TIMEOUT:-30} s"
			return 1
		fi
	done
}
