#!/bin/sh
# tests/e2e/selftest.sh VFIOBOX: prove the harness can fail. Runs the scenarios
# in tests/e2e/selftest/ (a failed assertion, a non-zero exit, no assertion at
# all, a hang past the deadline, a kernel panic, a module that cannot load,
# the IOMMU backend loaded before vfiobox ran,
# QEMU refusing its arguments, and
# two that must pass: header options with a host re-plug, and a scenario with
# an image of its own) and checks that
# each got the verdict its name announces (fail-* / pass-*) and the reason.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${E2E_OUT:-build/e2e}/selftest
export E2E_VFIO_OPEN=${E2E_VFIO_OPEN:-${E2E_OUT:-build/e2e}/vfio-open}
mkdir -p "$out"
E2E_DIR=selftest E2E_OUT=$out "$here/run.sh" "$1" > "$out/summary.txt" 2>&1
rc=$?
bad=0
expect() { # NAME VERDICT [REASON-ERE]
	line=$(grep -E "^(PASS|FAIL) +$1 " "$out/summary.txt")
	case "$line" in
	"$2 "*) ;;
	*) echo "e2e selftest: $1: want $2, got: ${line:-no summary line}"; bad=1; return ;;
	esac
	if [ -n "${3:-}" ] && ! sed -n "/ $1 /,/^[A-Z]/p" "$out/summary.txt" | grep -Eq -- "$3"; then
		echo "e2e selftest: $1: reason /$3/ not reported"
		bad=1
	fi
}
expect fail-assert FAIL "FAIL  this one does not: want '1', got '2'"
expect fail-exit FAIL "scenario exited with status 3"
expect fail-empty FAIL "asserted nothing"
expect fail-hang FAIL "deadline: killed after 8 s"
expect fail-panic FAIL "guest Kernel panic - not syncing"
expect fail-module FAIL "modprobe no_such_module_e2e"
expect fail-preload FAIL "vfio_iommu_type1 was loaded before vfiobox first ran"
expect fail-qemu FAIL "QEMU exit 1: .*no-such-device-e2e"
expect pass-host PASS
expect pass-image PASS
grep -q "^E2E: PASS the image's own /init ran" "$out/logs/pass-image.log" ||
	{ echo "e2e selftest: pass-image: its own /init did not run"; bad=1; }
n=$(ls "$here"/selftest/*.sh | wc -l)
[ "$(grep -cE '^(PASS|FAIL) ' "$out/summary.txt")" = "$n" ] || { echo "e2e selftest: not every scenario reported"; bad=1; }
[ $rc = 1 ] || { echo "e2e selftest: runner exit $rc, want 1"; bad=1; }
if [ $bad = 0 ]; then
	echo "e2e selftest: the harness reported all $n verdicts as expected"
else
	cat "$out/summary.txt"
	exit 1
fi
