# e2e-desc: SIGTERM and kill -9 of vfio-claim mid-claim in the real kernel
#   (issue 20): a process holding the HDA's sound card makes its unbind wait
#   in the kernel (snd_card_free waits for the last close); vfio-claim --force
#   has written both overrides and the journal and unbound the GPU when
#   SIGTERM arrives: it waits for that unbind (bounded), undoes the group,
#   exit 143, both functions back on bochs-drm and snd_hda_intel, no override,
#   no journal; kill -9 at the same point leaves /run/vfiobox/journal, doctor
#   reports it, the next vfio-release settles it (both back), and once more
#   the next recover; then SIGTERM at
#   spread times of a plain claim: the group ends on its drivers or on
#   vfio-pci with its records, never between, no journal left
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic
# e2e-timeout: 180

J=/run/vfiobox/journal
R="^(vfiobox [a-z-]+: )?"

# host (both on their drivers, no override, no record), claimed (both on
# vfio-pci, records), or what it is
group_state() {
	local g h r
	g="$(driver_of $E2E_GPU)/$(sysattr $E2E_GPU driver_override)"
	h="$(driver_of $E2E_HDA)/$(sysattr $E2E_HDA driver_override)"
	r="$([ -e /run/vfiobox/$E2E_GPU ] && echo r)$([ -e /run/vfiobox/$E2E_HDA ] && echo r)"
	case "$g $h $r" in
	"bochs-drm/(null) snd_hda_intel/(null) ") echo host ;;
	"vfio-pci/vfio-pci vfio-pci/vfio-pci rr") echo claimed ;;
	*) echo "between: $E2E_GPU $g, $E2E_HDA $h, records '$r'" ;;
	esac
}
at_phase() { grep -qx "phase=$1" $J 2>/dev/null; }
# claim_bg ARGS...: vfio-claim in the background (its pid in $P, output in /tmp/claim)
claim_bg() { ( exec /e2e/bin/vfiobox vfio-claim "$@" > /tmp/claim 2>&1 ) & P=$!; }
# hold_card: a process with the HDA's sound card control node open ($H)
hold_card() {
	(exec 3< /dev/snd/$ctl; exec sleep 60) &
	H=$!
	wait_for 5 sh -c "ls -l /proc/$H/fd | grep -q /dev/snd/$ctl"
}
# the unbind of the HDA waits in the kernel: both driver links gone (the
# kernel removes the link before the driver's remove, which waits), the claim
# still at unbind a second later
unbind_waits() {
	wait_for 20 at_phase unbind && wait_driver $E2E_GPU none 20 &&
	wait_driver $E2E_HDA none 20 && sleep 1 && at_phase unbind && test -d /proc/$P
}
list_quiet() { vfiobox list > /dev/null; }

check_eq "the group starts on its drivers" host "$(group_state)"
check "list runs (vfiobox's first call)" list_quiet
# snd_hda_intel registers the card from its async probe: under load (two TCG
# guests on two CPUs) that can come after list; wait for it, do not assume it.
card_ctl() {
	ctl=$(ls /sys/bus/pci/devices/$E2E_HDA/sound/card*/ 2>/dev/null | grep '^controlC' | head -n 1)
	test -n "$ctl" -a -e "/dev/snd/$ctl"
}
check "the HDA has a sound card control node" wait_for 30 card_ctl
card_ctl

# ---- SIGTERM while the HDA's unbind waits on a holder: undone --------------
check "a holder has the card open" hold_card
claim_bg --force --timeout=30 $E2E_GPU
check "the claim waits in the HDA's unbind" unbind_waits
check_eq "the journal names both devices' drivers before" 2 \
	"$(grep -cE "^dev=($E2E_GPU .*driver=bochs-drm|$E2E_HDA .*driver=snd_hda_intel) " $J)"
kill -TERM $P
usleep 500000
check "the claim waits for the unbind it is in (still running)" test -d /proc/$P
kill $H; wait $H 2>/dev/null
wait $P; rc=$?
out=$(cat /tmp/claim); printf '%s\n' "$out"
check_eq "SIGTERM: exit 143" 143 $rc
check_match "the signal is the failed step" "${R}$E2E_GPU: signal: SIGTERM \(signal 15\) arrived" "$out"
check_match "undone, the state named" "${R}IOMMU group: undone, every device is back as it was \\($E2E_GPU bochs-drm -> vfio-pci, $E2E_HDA snd_hda_intel -> vfio-pci\\)" "$out"
check_match "stopped by SIGTERM" "${R}stopped by SIGTERM \(signal 15\)" "$out"
wait_driver $E2E_HDA snd_hda_intel 10
check_eq "SIGTERM: the group is back on its drivers" host "$(group_state)"
check "SIGTERM: no journal left" test ! -e $J

# ---- kill -9 at the same point: the journal stays, vfio-release settles it -
check "a holder has the card open again" hold_card
claim_bg --force --timeout=30 $E2E_GPU
check "the claim is in the HDA's unbind again" unbind_waits
kill -9 $P; wait $P 2>/dev/null
# the unbind child (a process of its own, with vfio-claim's command line)
# waits on in the kernel; it ends the HDA's unbind once the holder is gone,
# then finds no one to report to
_child_there() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		tr '\0' ' ' < $f 2>/dev/null | grep -q '^/e2e/bin/vfiobox vfio-claim ' && return 0
	done
	return 1
}
_child_gone() { ! _child_there; }
check "kill -9: the unbind child still waits in the kernel" _child_there
kill $H; wait $H 2>/dev/null
check "the unbind child is gone" wait_for 20 _child_gone
check "kill -9: the journal stays" test -f $J
check_match "kill -9: the journal is at unbind" "^phase=unbind$" "$(cat $J)"
out=$(vfiobox doctor 2>&1); rc=$?
check_eq "doctor: a pending journal is a failure (exit 1)" 1 $rc
check_match "doctor names it" "^fail  journal: vfio-claim \(pid $P\) did not finish: at unbind, $E2E_GPU bochs-drm -> vfio-pci, $E2E_HDA snd_hda_intel -> vfio-pci" "$out"
out=$(vfiobox vfio-release $E2E_GPU 2>&1); rc=$?
printf '%s\n' "$out"
check_eq "vfio-release after kill -9: exit 0" 0 $rc
check_match "it undoes the claim first" "vfio-claim \(pid $P\) did not finish \($J, at unbind\): undoing it first" "$out"
check_match "the GPU named back" "$E2E_GPU: back as it was: .*bochs-drm" "$out"
wait_driver $E2E_HDA snd_hda_intel 10
check_eq "kill -9 settled: the group is back on its drivers" host "$(group_state)"
check "kill -9 settled: no journal" test ! -e $J
out=$(vfiobox doctor 2>&1)
check_nomatch "doctor: no journal line" "journal:" "$out"

# ---- kill -9 again, settled by recover ------------------------------------
check "a holder has the card open a third time" hold_card
claim_bg --force --timeout=30 $E2E_GPU
check "the claim is in the HDA's unbind a third time" unbind_waits
kill -9 $P; wait $P 2>/dev/null
kill $H; wait $H 2>/dev/null
check "the unbind child is gone again" wait_for 20 _child_gone
check "kill -9 again: the journal stays" test -f $J
out=$(vfiobox recover 2>&1); rc=$?
printf '%s\n' "$out"
check_eq "recover after kill -9: exit 0" 0 $rc
check_match "recover undoes the claim first" "vfio-claim \(pid $P\) did not finish \($J, at unbind\): undoing it first" "$out"
wait_driver $E2E_HDA snd_hda_intel 10
check_eq "recover settled: the group is back on its drivers" host "$(group_state)"
check "recover settled: no journal" test ! -e $J

# ---- SIGTERM at spread times of a plain claim: never between ---------------
bad="" undone=0 finished=0 rounds=0
for ms in 5 10 20 30 45 60 80 100 130 170 220 300; do
	rounds=$((rounds + 1))
	claim_bg $E2E_GPU
	usleep $((ms * 1000))
	kill -TERM $P 2>/dev/null
	wait $P; rc=$?
	s=$(group_state)
	case "$rc $s" in
	"143 host") undone=$((undone + 1)) ;;
	"143 claimed") finished=$((finished + 1)) ;;
	"0 claimed") ;;
	*) bad="$bad; ${ms} ms: exit $rc, $s: $(tr '\n' '|' < /tmp/claim)" ;;
	esac
	[ -e $J ] && bad="$bad; ${ms} ms: journal left"
	[ "$s" = claimed ] && { vfiobox vfio-release $E2E_GPU > /dev/null 2>&1 || bad="$bad; ${ms} ms: release failed"; }
	wait_driver $E2E_HDA snd_hda_intel 10
	[ "$(group_state)" = host ] || { bad="$bad; ${ms} ms: after release $(group_state)"; break; }
done
note "SIGTERM rounds: $rounds, $undone undone, $finished finished past the point of no return, the others done before the signal"
check_eq "SIGTERM at spread times: on its drivers or on vfio-pci, never between" "" "$bad"
