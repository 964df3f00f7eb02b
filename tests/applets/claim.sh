# tests/applets/claim.sh: helpers shared by vfio-claim.test and
# vfio-release.test (sourced after lib.sh, so ROOT, WORK and friends exist).
#
#   fk_start          start tests/tools/fakekernel on $ROOT (state in $WORK/fkN);
#                     without it a fake tree binds nothing by itself
#   fk WORDS...       a fakekernel command: native, refuse, allow, hang,
#                     release, vanish, modfail, noiommu, rmmod, sync (see the
#                     top of tests/tools/fakekernel.c)
#   fk_stop           stop it (blocked unbinds are let through first)
#   fk_log            what the fake kernel did so far, one action a line
#   drv ADDR          the device's driver, "" when unbound
#   ovr ADDR          its driver_override ("(null)" when unset)
#   expect_dev NAME ADDR DRIVER OVERRIDE   both at once
#   wait_drv ADDR DRIVER  wait (up to 5 s) until ADDR's driver is DRIVER ("" none):
#                     a blocked unbind finishes on its own time once released
#   expect_same_but_backend NAME  expect_same, except that the IOMMU backend
#                     (vfio_iommu_type1) may be loaded now: the claim loads it
#                     before its first write, and a module is not unloaded
#   variant SED-ARGS...  a fresh tree from examples/omen17.desc edited by sed
#                     (newtree cannot be the end of a pipeline: that would run
#                     it in a subshell and lose ROOT)
FK=${FAKEKERNEL:-$TOP/build/fakekernel}
[ -x "$FK" ] || { echo "claim.sh: $FK is missing (make build/fakekernel)" >&2; exit 1; }
FK_ALL=""
FKS=""

fk_start() {
	FKS=$WORK/fk$_n
	"$FK" start "$ROOT" "$FKS" || { echo "claim.sh: fakekernel did not start" >&2; exit 1; }
	FK_ALL="$FK_ALL $FKS"
}
fk() { "$FK" ctl "$FKS" "$@" 2>"$WORK/fk.err" || fail "fakekernel $*" "$(cat "$WORK/fk.err")" "$(tail -5 "$FKS/log")"; }
fk_stop() { "$FK" stop "$FKS"; }
fk_log() { cat "$FKS/log"; }
trap 'for s in $FK_ALL; do "$FK" stop "$s" >/dev/null 2>&1; done' EXIT

drv() { l=$(readlink "$ROOT/sys/bus/pci/devices/$1/driver") && echo "${l##*/}"; return 0; }
ovr() {	# the kernel shows an unset override as "(null)"; fakekernel keeps "\n"
	v=$(head -n 1 "$ROOT/sys/bus/pci/devices/$1/driver_override")
	echo "${v:-(null)}"
}
expect_dev() {
	got="$(drv "$2")/$(ovr "$2")"
	if [ "$got" = "$3/$4" ]; then pass "$1"; else fail "$1" "$2: driver/override '$got', expected '$3/$4'"; fi
}
expect_same_but_backend() {
	_snap | grep -v '^\./sys/module/vfio_iommu_type1/' >"$WORK/snap2"
	grep -v '^\./sys/module/vfio_iommu_type1/' "$WORK/snap" >"$WORK/snap1"
	if cmp -s "$WORK/snap1" "$WORK/snap2"; then pass "$1"; else
		fail "$1" "the tree changed:" "$(diff "$WORK/snap1" "$WORK/snap2" | head -20)"; fi
}
variant() {
	sed "$@" "$TOP/examples/omen17.desc" >"$WORK/variant.desc" || exit 1
	newtree "$WORK/variant.desc"
}
wait_drv() {
	_i=0
	while [ "$(drv "$1")" != "$2" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
}
