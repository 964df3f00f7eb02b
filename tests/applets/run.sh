#!/bin/sh
# tests/applets/run.sh VFIOBOX MKFAKESYS [NAME...]: run tests/applets/*.test
# (or the named ones) with the static binary against fresh fake trees.
# VERBOSE=1 prints every passing case too.
set -u
[ $# -ge 2 ] || { echo "usage: $0 VFIOBOX MKFAKESYS [NAME...]" >&2; exit 2; }
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VFIOBOX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MKFAKESYS=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
export TOP VFIOBOX MKFAKESYS

if [ $# -gt 0 ]; then
	files=""
	for n in "$@"; do files="$files $TOP/tests/applets/$n.test"; done
else
	files=$(ls "$TOP"/tests/applets/*.test)
fi

total_p=0 total_f=0 bad=""
for f in $files; do
	T=$(basename "$f" .test)
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-test.$T.XXXXXX")
	res=$( (
		export WORK T
		PASSED=0 FAILED=0
		cd "$TOP" || exit 1
		. "$TOP/tests/applets/lib.sh"
		. "$f"
		echo "RESULT $PASSED $FAILED" >&3
	) 3>&1 >&2 )
	set -- $(echo "$res" | grep '^RESULT' | tail -1)
	if [ "${1:-}" != RESULT ]; then
		echo "FAIL: $T: the test script died before the end" >&2
		bad="$bad $T"
		total_f=$((total_f + 1))
	else
		total_p=$((total_p + $2))
		total_f=$((total_f + $3))
		[ "$3" -gt 0 ] && bad="$bad $T"
		printf '%-14s %3d passed, %d failed\n' "$T" "$2" "$3"
	fi
	rm -rf "$WORK"
done
echo "applet tests: $total_p passed, $total_f failed${bad:+ (in:$bad)}"
[ "$total_f" -eq 0 ]
