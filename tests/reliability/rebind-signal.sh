# Helpers of tests/reliability/rebind-*.test (issue 20 Musts 2 and 3):
# signals and kill -9 during a claim or a release. The journal
# (/run/vfiobox/journal) is written before the first write; a SIGINT, SIGTERM
# or SIGHUP undoes the transaction before its point of no return (the unbinds
# over) and finishes it after, exit 128+N naming the state; a kill -9 at any
# point leaves the journal, and the next vfio-release or recover puts every
# device back from it. The runs get the signals' default actions (env
# --default-signal): a background job of sh starts with SIGINT ignored, and
# vfiobox keeps what it finds ignored. Sourced by each test, which is run by
# tests/applets/run.sh (make reliability-rebind, part of make check); split so
# that no file runs over ~60 s.
. "$TOP/tests/applets/claim.sh"

GPU=0000:01:00.0 HDA=0000:01:00.1
J=run/vfiobox/journal

# The group in one word: claimed (both on vfio-pci with records), host
# (both on their drivers, no override, no record), or what it is.
group_state() {
	g=$(drv $GPU)/$(ovr $GPU) h=$(drv $HDA)/$(ovr $HDA)
	rg=$([ -e "$ROOT/run/vfiobox/$GPU" ] && echo r) rh=$([ -e "$ROOT/run/vfiobox/$HDA" ] && echo r)
	case "$g $h $rg$rh" in
	"vfio-pci/vfio-pci vfio-pci/vfio-pci rr") echo claimed ;;
	"nvidia/(null) snd_hda_intel/(null) ") echo host ;;
	*) echo "between: $GPU $g, $HDA $h, records '$rg$rh'" ;;
	esac
}
fkpid() { cat "$FKS/pid"; }
run_bg() {	# run_bg APPLET ARGS...: in the background, default signal actions, pid in $P
	env --default-signal=INT,TERM,HUP "$VFIOBOX" "$@" >"$OUT" 2>"$ERR" & P=$!
}
stop_with() {	# stop_with SIG: send it to $P, wait, exit code in $RC
	kill -s "$1" $P 2>/dev/null
	wait $P; RC=$?
}
until_ok() {	# until_ok CMD...: wait (up to 10 s) until CMD succeeds
	_i=0
	until "$@" || [ $_i -ge 200 ]; do sleep 0.05; _i=$((_i + 1)); done
}
at_phase() { grep -qx "phase=$1" "$ROOT/$J" 2>/dev/null; }
sig_in_modprobe() {	# sig_in_modprobe SIG [PHASE]: vfio-claim $GPU with the fake
	# kernel paused, SIG sent while its modprobe child waits on it (after the
	# journal reached PHASE); exit code in $RC
	kill -STOP "$(fkpid)"
	run_bg vfio-claim $GPU
	[ -z "${2:-}" ] || until_ok at_phase "$2"
	until_ok pgrep -P $P >/dev/null
	kill -s "$1" $P
	sleep 0.2
	kill -CONT "$(fkpid)"
	wait $P; RC=$?
	fk sync
}
sleep_ms() { sleep "$(awk "BEGIN { print $1 / 1000 }")"; }

# signal_steps SIG N: SIG (INT, TERM, HUP; N its number) sent at each step of
# a claim and of a release: waiting for the lock, in the modprobe of the IOMMU
# backend (before the first write), in the unbind (undone), in modprobe
# vfio-pci (past the point of no return: finished), in a release's unbind.
signal_steps() {
	S=$1 N=$2 W=$((128 + $2))

	# waiting for the lock: nothing changed
	newtree
	fk_start
	mkdir -p "$ROOT/run" && : >"$ROOT/run/vfiobox.lock"
	snapshot
	flock "$ROOT/run/vfiobox.lock" sh -c ": >'$WORK/locked'; sleep 3" & L=$!
	_i=0; while [ ! -e "$WORK/locked" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	rm -f "$WORK/locked"
	run_bg vfio-claim --timeout=5 $GPU
	sleep 0.3
	stop_with $S
	check "SIG$S waiting for the lock: exit $W (got $RC)" test $RC = $W
	expect_err "SIG$S waiting for the lock: said" "interrupted while waiting for /run/vfiobox.lock; nothing claimed"
	expect_err "SIG$S waiting for the lock: stopped by" "stopped by SIG$S \\(signal $N\\)"
	expect_same "SIG$S waiting for the lock: nothing changed"
	wait $L	# the holder lets go by itself

	# loading the IOMMU backend (before the first write): nothing changed
	sig_in_modprobe $S
	check "SIG$S in modprobe vfio_iommu_type1: exit $W (got $RC)" test $RC = $W
	expect_err "SIG$S in modprobe vfio_iommu_type1: nothing changed" "IOMMU group: nothing was changed"
	check "SIG$S in modprobe vfio_iommu_type1: host, no journal" test "$(group_state)" = host -a ! -e "$ROOT/$J"

	# in the unbind (nvidia does not let go for 0.5 s): undone
	fk hang nvidia
	run_bg vfio-claim $GPU
	until_ok at_phase unbind
	sleep 0.2
	kill -s $S $P
	sleep 0.3
	fk release nvidia
	wait $P; RC=$?
	fk sync
	check "SIG$S in the unbind: exit $W (got $RC)" test $RC = $W
	expect_err "SIG$S in the unbind: the signal is the step" "$GPU: signal: SIG$S \\(signal $N\\) arrived"
	expect_err "SIG$S in the unbind: undone, named" "undone, every device is back as it was \\($GPU nvidia -> vfio-pci, $HDA snd_hda_intel -> vfio-pci\\)"
	check "SIG$S in the unbind: host, no journal ($(group_state))" test "$(group_state)" = host -a ! -e "$ROOT/$J"

	# in modprobe vfio-pci (the unbinds are over: past the point of no
	# return): finished, on vfio-pci with the records
	sig_in_modprobe $S probe
	check "SIG$S in modprobe vfio-pci: exit $W (got $RC)" test $RC = $W
	expect_out "SIG$S in modprobe vfio-pci: finished" "^$GPU: vfio-pci \\(was nvidia\\)"
	check "SIG$S in modprobe vfio-pci: claimed, no journal ($(group_state))" test "$(group_state)" = claimed -a ! -e "$ROOT/$J"

	# a release in its unbind from vfio-pci: undone, still claimed
	fk hang vfio-pci
	run_bg vfio-release $GPU
	until_ok at_phase unbind
	sleep 0.2
	kill -s $S $P
	sleep 0.3
	fk release vfio-pci
	wait $P; RC=$?
	fk sync
	check "SIG$S in a release's unbind: exit $W (got $RC)" test $RC = $W
	expect_err "SIG$S in a release's unbind: undone" "undone, every device is back as it was"
	check "SIG$S in a release's unbind: claimed, records kept ($(group_state))" test "$(group_state)" = claimed -a ! -e "$ROOT/$J"
	vfiobox vfio-release $GPU >/dev/null 2>&1
	fk sync
	check "SIG$S: released after all" test "$(group_state)" = host
}
