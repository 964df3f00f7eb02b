# bench/claim/guest.sh: the claim benchmark's guest side, an e2e scenario
# (sourced by the guest's /init with tests/e2e/guest/lib.sh loaded).
# bench/claim/run.sh adds the header lines (image, timeout) and the settings
# in /e2e/bench.conf (ROUNDS, STRACE).
#
# The devices: the guest's GPU (bochs-display, on bochs-drm) and its HDA
# function (ich9-intel-hda, on snd_hda_intel), one slot, one IOMMU group.
# Three starting states, re-made before every timed command:
#   warm  both on their host drivers, vfio-pci loaded
#   cold  both on their host drivers, no vfio module loaded
#   boot  both unbound (as in an initramfs before their driver), no vfio
#         module loaded: the only state `modprobe vfio-pci ids=` works from
# Methods: vfio-claim ADDR / vfio-release ADDR; vfio-claim ids= /
# vfio-release ids=; the shell loop (vfio-pci-override.sh,
# vfio-pci-release.sh); in boot, `modprobe vfio-pci ids=` as well. Each claim
# and release is timed alone by benchtime (static: fork, exec, wait4); the
# resets, and the checks that every claim left both functions on vfio-pci and
# every release put them back, are outside the figures. The order of the
# methods turns each round. Result lines on the console:
#   BENCH STATE METHOD claim|release WALL_US USER_US SYS_US
# e2e-desc: claim benchmark (bench/claim/run.sh), not a test
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic
# e2e-cmdline: rdinit=/init

. /e2e/bench.conf
PATH=/e2e/bench:$PATH
GPU=$E2E_GPU HDA=$E2E_HDA
HOST_GPU=$(driver_of $GPU) HOST_HDA=$(driver_of $HDA)
[ "$HOST_GPU" != none ] && [ "$HOST_HDA" != none ] || die "the GPU ($HOST_GPU) or HDA ($HOST_HDA) has no host driver"
# The boot VGA (QEMU's std VGA) has the GPU's ids, 1234:1111: the class
# (0x038000 against 0x030000) tells them apart, for vfio-pci as for vfiobox.
h() { sysattr $1 $2 | sed 's/^0x//'; }
id_of() { echo "$(h $1 vendor):$(h $1 device):ffffffff:ffffffff:$(h $1 class):ffffff"; }
IDS=$(id_of $GPU),$(id_of $HDA)
VFIO_MODS="vfio_pci vfio_pci_core vfio_iommu_type1 vfio_virqfd vfio irqbypass"
note "bench: $GPU ($HOST_GPU) + $HDA ($HOST_HDA), ids=$IDS, $ROUNDS rounds"
bad=0

both_on() { [ "$(driver_of $GPU)" = "$1" ] && [ "$(driver_of $HDA)" = "$2" ]; }
loaded() { [ -d /sys/module/vfio_pci ]; }

# reset STATE: the devices back to STATE, or fail (nothing timed here).
reset() {
	for d in $GPU $HDA; do
		echo > /sys/bus/pci/devices/$d/driver_override
		[ "$(driver_of $d)" = vfio-pci ] && echo $d > /sys/bus/pci/drivers/vfio-pci/unbind
	done
	rm -rf /run/vfiobox	# a fresh boot has no claim records
	case $1 in
	warm) loaded || modprobe vfio_pci || return 1 ;;
	*) for _mod in $VFIO_MODS; do [ -d /sys/module/$_mod ] && rmmod $_mod; done
	   ! loaded || return 1 ;;
	esac
	for d in $GPU $HDA; do
		[ "$(driver_of $d)" = none ] && echo $d > /sys/bus/pci/drivers_probe
	done
	wait_for 5 both_on $HOST_GPU $HOST_HDA || return 1
	if [ "$1" = boot ]; then
		echo $GPU > /sys/bus/pci/drivers/$HOST_GPU/unbind
		echo $HDA > /sys/bus/pci/drivers/$HOST_HDA/unbind
		both_on none none || return 1
	fi
	return 0
}

# run STATE METHOD STEP CMD...: time CMD, print its BENCH line.
run() {
	local s=$1 m=$2 st=$3 t
	shift 3
	if t=$(benchtime -q "$@"); then
		echo "BENCH $s $m $st $t"
	else
		fail "$s $m $st: $* exited $?"
		bad=$((bad + 1))
	fi
}

# one STATE METHOD: reset, claim, check, release (not from boot), check.
one() {
	local s=$1 m=$2 sel
	reset $s || { fail "$s: could not reset the devices (GPU $(driver_of $GPU), HDA $(driver_of $HDA))"; bad=$((bad + 1)); return; }
	case $m in
	addr) run $s $m claim vfiobox vfio-claim $GPU ;;
	ids) run $s $m claim vfiobox vfio-claim ids=$IDS ;;
	shell) run $s $m claim sh /e2e/bench/vfio-pci-override.sh $GPU $HDA ;;
	modprobe) run $s $m claim modprobe vfio-pci ids=$IDS ;;
	esac
	if ! both_on vfio-pci vfio-pci; then
		fail "$s $m claim: GPU on $(driver_of $GPU), HDA on $(driver_of $HDA)"
		bad=$((bad + 1))
		return
	fi
	[ $s = boot ] && return
	case $m in
	addr) run $s $m release vfiobox vfio-release $GPU ;;
	ids) run $s $m release vfiobox vfio-release ids=$IDS ;;
	shell) run $s $m release sh /e2e/bench/vfio-pci-release.sh $GPU $HDA ;;
	esac
	if ! both_on $HOST_GPU $HOST_HDA; then
		fail "$s $m release: GPU on $(driver_of $GPU), HDA on $(driver_of $HDA)"
		bad=$((bad + 1))
	fi
}

# rot N WORD...: the words turned left by N.
rot() {
	local n=$(($1 % ($# - 1)))
	shift
	while [ $n -gt 0 ]; do
		local f=$1
		shift
		set -- "$@" "$f"
		n=$((n - 1))
	done
	echo "$@"
}

r=1
while [ $r -le $ROUNDS ]; do
	for m in $(rot $r addr ids shell); do one warm $m; done
	for m in $(rot $r addr ids shell); do one cold $m; done
	for m in $(rot $r addr ids shell modprobe); do one boot $m; done
	r=$((r + 1))
done
[ $bad = 0 ] && pass "$ROUNDS rounds: every claim left both functions on vfio-pci, every release put them back on $HOST_GPU and $HOST_HDA"

# One more of each under strace, for where the time goes (not in the figures).
if [ "$STRACE" = 1 ] && [ -x /e2e/bench/strace ]; then
	for s in warm cold; do
		for m in addr shell; do
			reset $s || continue
			case $m in
			addr) c="vfiobox vfio-claim $GPU" ;;
			shell) c="sh /e2e/bench/vfio-pci-override.sh $GPU $HDA" ;;
			esac
			echo "BENCH-STRACE BEGIN $s $m"
			strace -f -tt -T -o /tmp/st $c >/dev/null 2>&1
			cat /tmp/st
			echo "BENCH-STRACE END $s $m"
		done
	done
	reset warm
fi
reset warm || :
