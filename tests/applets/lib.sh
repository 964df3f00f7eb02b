# tests/applets/lib.sh: helpers for tests/applets/*.test (sourced by run.sh).
#
# Each .test file is a shell script run with the static binary against fresh
# fake trees. Helpers:
#
#   newtree [DESC]      fresh fake tree from DESC (file, relative to the repo
#                       top; default examples/omen17.desc; "-" reads stdin);
#                       sets ROOT and exports VFIOBOX_SYSROOT=$ROOT.
#                       Exports VFIOBOX_KMSG=0 (no /dev/kmsg copies) unless set.
#   testcmd NAME RC CMD...   run CMD (use `vfiobox ARGS` for the binary); the
#                       expected stdout is read from stdin (heredoc; use
#                       </dev/null for none). Checks stdout exactly and the exit
#                       code. Leaves stdout in $OUT and stderr in $ERR.
#   testrc NAME RC CMD...    like testcmd but does not check stdout.
#   expect_err NAME ERE      $ERR of the last command matches ERE.
#   expect_out NAME ERE      $OUT of the last command matches ERE.
#   expect_file NAME PATH TEXT   ROOT/PATH holds exactly TEXT (plus newline
#                       handling: compared after stripping one trailing \n).
#   snapshot / expect_same NAME  record every file's content under ROOT (but
#                       the lock file run/vfiobox.lock), and
#                       later check nothing changed.
#   check NAME CMD...    pass if CMD succeeds.
#
# vfiobox is a function running the binary under test.

VFIOBOX=${VFIOBOX:?}
MKFAKESYS=${MKFAKESYS:?}
TOP=${TOP:?}
: "${WORK:?}"
export VFIOBOX_KMSG=${VFIOBOX_KMSG:-0}
unset VFIOBOX_MODPROBE
_n=0
OUT=$WORK/out
ERR=$WORK/err

vfiobox() { "$VFIOBOX" "$@"; }

pass() { PASSED=$((PASSED + 1)); [ -n "${VERBOSE:-}" ] && echo "PASS: $T: $1"; return 0; }
fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $T: $1"
	shift
	for l in "$@"; do printf '  %s\n' "$l"; done
	return 0
}

newtree() {
	_n=$((_n + 1))
	ROOT=$WORK/root$_n
	rm -rf "$ROOT"
	desc=${1:-examples/omen17.desc}
	if [ "$desc" = - ]; then
		"$MKFAKESYS" - "$ROOT" || { echo "newtree: mkfakesys failed" >&2; exit 1; }
	else
		case $desc in /*) ;; *) desc=$TOP/$desc ;; esac
		"$MKFAKESYS" "$desc" "$ROOT" || { echo "newtree: mkfakesys $desc failed" >&2; exit 1; }
	fi
	export VFIOBOX_SYSROOT=$ROOT
}

_run() {
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
}

testcmd() {
	name=$1 rc=$2
	shift 2
	cat >"$WORK/expected"
	_run "$@"
	if [ "$RC" != "$rc" ]; then
		fail "$name" "exit code $RC, expected $rc" "stderr: $(head -c 600 "$ERR")"
		return 0
	fi
	if ! cmp -s "$WORK/expected" "$OUT"; then
		fail "$name" "stdout differs (expected vs got):" "$(diff -u "$WORK/expected" "$OUT" | tail -n +3 | head -40)"
		return 0
	fi
	pass "$name"
}

testrc() {
	name=$1 rc=$2
	shift 2
	_run "$@"
	if [ "$RC" != "$rc" ]; then
		fail "$name" "exit code $RC, expected $rc" "stdout: $(head -c 400 "$OUT")" "stderr: $(head -c 600 "$ERR")"
		return 0
	fi
	pass "$name"
}

expect_err() {
	if grep -Eq -- "$2" "$ERR"; then pass "$1"; else fail "$1" "stderr does not match /$2/:" "$(head -c 800 "$ERR")"; fi
}

expect_out() {
	if grep -Eq -- "$2" "$OUT"; then pass "$1"; else fail "$1" "stdout does not match /$2/:" "$(head -c 800 "$OUT")"; fi
}

expect_file() {
	got=$(cat "$ROOT/$2" 2>/dev/null) || { fail "$1" "$2: missing"; return 0; }
	if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "$2: '$got', expected '$3'"; fi
}

# /run/vfiobox.lock is left out: an empty file that every applet which may
# write takes (flock) before it reads the state, refusals included.
_snap() { (cd "$ROOT" && find . \( -type f -o -type l \) ! -path ./run/vfiobox.lock -print | LC_ALL=C sort | while read -r f; do
	if [ -L "$f" ]; then printf '%s -> %s\n' "$f" "$(readlink "$f")"; else printf '%s %s\n' "$f" "$(cksum < "$f")"; fi
done); }
snapshot() { _snap >"$WORK/snap"; }
expect_same() {
	_snap >"$WORK/snap2"
	if cmp -s "$WORK/snap" "$WORK/snap2"; then pass "$1"; else
		fail "$1" "the tree changed:" "$(diff "$WORK/snap" "$WORK/snap2" | head -20)"; fi
}

check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}
