#!/bin/sh
# tests/hooks/run.sh VFIOBOX [NAME...]: the hook tests, tests/hooks/*.test (or
# the named ones). Installs every hook into a staging tree once (make
# install-hooks DESTDIR=...), fetches the Debian kernel the image tests build
# against (kernel.sh), runs each file with tests/hooks/lib.sh sourced.
# VERBOSE=1 prints the passing cases too; KEEP=1 keeps the work directories.
set -u
[ $# -ge 1 ] || { echo "usage: $0 VFIOBOX [NAME...]" >&2; exit 2; }
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VFIOBOX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
export TOP VFIOBOX

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-hooks-stage.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$STAGE"' EXIT INT TERM
${MAKE:-make} -s -C "$TOP" install install-hooks PREFIX=/usr DESTDIR="$STAGE" >"$STAGE.log" 2>&1 || {
	cat "$STAGE.log" >&2
	echo "hooks tests: make install into $STAGE failed" >&2
	exit 1
}
rm -f "$STAGE.log"
KDIR=$("$TOP/tests/hooks/kernel.sh") || { echo "hooks tests: no kernel (tests/hooks/kernel.sh failed)" >&2; exit 1; }
KVER=$(cat "$KDIR/kver")
export STAGE KDIR KVER

if [ $# -gt 0 ]; then
	files=""
	for n in "$@"; do files="$files $TOP/tests/hooks/$n.test"; done
else
	files=$(ls "$TOP"/tests/hooks/*.test)
fi
total_p=0 total_f=0 bad=""
for f in $files; do
	T=$(basename "$f" .test)
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-hooks.$T.XXXXXX")
	t0=$(date +%s)
	res=$( (
		export WORK T
		cd "$TOP" || exit 1
		. "$TOP/tests/hooks/lib.sh"
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
		printf '%-16s %3d passed, %d failed (%d s)\n' "$T" "$2" "$3" "$(( $(date +%s) - t0 ))"
	fi
	[ -n "${KEEP:-}" ] && echo "  kept $WORK" || rm -rf "$WORK"
done
echo "hooks tests: $total_p passed, $total_f failed${bad:+ (in:$bad)}"
[ "$total_f" -eq 0 ]
