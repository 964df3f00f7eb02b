# tests/hooks/lib.sh: helpers for tests/hooks/*.test (sourced by run.sh).
#
#   STAGE               a `make install PREFIX=/usr DESTDIR=$STAGE` tree with
#                       every hook (install-hooks), made once per run
#   KDIR, KVER          the unpacked Debian kernel (tests/hooks/kernel.sh):
#                       $KDIR/root/lib/modules/$KVER, $KDIR/root/boot/config-$KVER
#   check NAME CMD...   pass if CMD succeeds
#   has NAME FILE ERE   pass if a line of FILE matches ERE
#   hasnt NAME FILE ERE pass if no line of FILE matches ERE
#   before NAME FILE ERE1 ERE2   the first line matching ERE1 comes before the
#                       first matching ERE2 (both present)
#   skip WHY            say why the rest of the file is skipped, count nothing
: "${WORK:?}" "${TOP:?}" "${STAGE:?}"
PASSED=0 FAILED=0

pass() { PASSED=$((PASSED + 1)); [ -n "${VERBOSE:-}" ] && echo "PASS: $T: $1"; return 0; }
fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $T: $1"
	shift
	for l in "$@"; do printf '  %s\n' "$l"; done
	return 0
}
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}
has() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then pass "$1"; else
		fail "$1" "$2 has no line matching /$3/:" "$(head -c 1500 "$2" 2>&1)"; fi
}
hasnt() {
	if grep -Eq -- "$3" "$2" 2>/dev/null; then
		fail "$1" "$2 has a line matching /$3/:" "$(grep -E -- "$3" "$2" | head -5)"; else pass "$1"; fi
}
before() {
	a=$(grep -nE -- "$3" "$2" | head -n 1 | cut -d: -f1)
	b=$(grep -nE -- "$4" "$2" | head -n 1 | cut -d: -f1)
	if [ -z "$a" ] || [ -z "$b" ]; then
		fail "$1" "$2: /$3/ at line ${a:-none}, /$4/ at line ${b:-none}"
	elif [ "$a" -lt "$b" ]; then pass "$1"
	else fail "$1" "$2: /$3/ (line $a) is not before /$4/ (line $b)"; fi
}
skip() { echo "SKIP: $T: $*"; }
