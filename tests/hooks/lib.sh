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

# off_switch NAME HOW FILE [FUNC]: the one-boot off switch as the image runs
# the hook. A fake tree (build/mkfakesys, examples/omen17.desc) whose
# /proc/cmdline selects the dGPU (vfiobox.claim=0000:01:00.0) and then says
# vfiobox.claim=off; FILE is the hook from the image with every .../bin/vfiobox
# pointed at the binary under test (a bare `vfiobox` finds it on PATH) and
# /dev/kmsg at the tree's. HOW: "source" (sourced by /init, then FUNC called
# if given), "exec" (run as a script), "unit" (FILE is a systemd unit: its
# ExecStart= runs). Passes when it exits 0, says the off switch on stderr and
# in the tree's /dev/kmsg (vfiobox as in early boot), and the tree is otherwise
# as it was (nothing claimed, no driver_override written).
off_switch() {
	_on=$1 how=$2 file=$3 func=${4:-}
	r=$WORK/off-root
	mk=${MKFAKESYS:-$TOP/build/mkfakesys}
	if [ ! -x "$mk" ]; then
		fail "$_on: off switch" "no $mk (make build/mkfakesys)"
		return 0
	fi
	rm -rf "$r" "$WORK/off-bin"
	"$mk" "$TOP/examples/omen17.desc" "$r" || { fail "$_on: off switch" "mkfakesys failed"; return 0; }
	sed -i 's/$/ vfiobox.claim=0000:01:00.0 vfiobox.claim=off/' "$r/proc/cmdline"
	mkdir -p "$r/dev" "$WORK/off-bin"
	: >"$r/dev/kmsg"
	ln -s "$VFIOBOX" "$WORK/off-bin/vfiobox"
	if [ "$how" = unit ]; then
		sed -n 's/^ExecStart=//p' "$file" >"$WORK/off-hook"
	else
		cp "$file" "$WORK/off-hook"
	fi
	# A hook's `> /dev/kmsg` appends to the kernel log; here, to a file.
	sed -i "s|[^ \"'=]*/bin/vfiobox|$VFIOBOX|g; s|>[[:space:]]*/dev/kmsg|>> @KMSG@|g; s|/dev/kmsg|@KMSG@|g; s|@KMSG@|$r/dev/kmsg|g" "$WORK/off-hook"
	snap() { (cd "$r" && find . \( -type f -o -type l \) ! -path ./dev/kmsg ! -path './run/*' | LC_ALL=C sort |
		while read -r f; do if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f $(cksum <"$f")"; fi; done); }
	snap >"$WORK/off-before"
	case $how in
	source) (export PATH="$WORK/off-bin:$PATH" VFIOBOX_SYSROOT="$r" VFIOBOX_KMSG=1
		. "$WORK/off-hook"; [ -z "$func" ] || "$func") >"$WORK/off-out" 2>"$WORK/off-err" ;;
	exec) PATH=$WORK/off-bin:$PATH VFIOBOX_SYSROOT=$r VFIOBOX_KMSG=1 sh "$WORK/off-hook" >"$WORK/off-out" 2>"$WORK/off-err" ;;
	unit) PATH=$WORK/off-bin:$PATH VFIOBOX_SYSROOT=$r VFIOBOX_KMSG=1 sh -c "$(cat "$WORK/off-hook")" >"$WORK/off-out" 2>"$WORK/off-err" ;;
	esac
	rc=$?
	snap >"$WORK/off-after"
	line='vfiobox.claim=off on the kernel command line: nothing claimed this boot'
	check "$_on: off switch: exits 0" test "$rc" -eq 0
	has "$_on: off switch: the line on stderr" "$WORK/off-err" "^vfiobox vfio-claim: $line"
	has "$_on: off switch: and in the kernel log" "$r/dev/kmsg" "^<6>vfiobox vfio-claim: $line"
	hasnt "$_on: off switch: no plan, no claim" "$WORK/off-err" 'driver_override|vfio-pci \(was'
	if cmp -s "$WORK/off-before" "$WORK/off-after"; then pass "$_on: off switch: the tree is untouched"; else
		fail "$_on: off switch: the tree is untouched" "$(diff "$WORK/off-before" "$WORK/off-after" | head -10)"; fi
}
