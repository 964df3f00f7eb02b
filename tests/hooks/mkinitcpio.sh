# tests/hooks/mkinitcpio.sh: build images with the real mkinitcpio v41
# (tests/hooks/mkinitcpio-v41, see its NOTE) against the unpacked kernel, with
# vfiobox installed by `make install` into a DESTDIR. Sourced.
#
# mkinitcpio looks at the host: hooks in /usr/lib/initcpio, binaries on its PATH
# (/usr/bin:/usr/sbin:/bin here), units in /usr/lib/systemd/system. So it runs
# in a private mount namespace where /usr is a read-only overlay of, top first:
# Arch's paths mkinitcpio wants that Debian lacks ($WORK/mkx: the busybox of
# the base hook as /usr/lib/initcpio/busybox (Debian's dynamic busybox, as
# Arch's: busybox-static's shell would run its own modprobe applet, which
# wants the text modules.dep mkinitcpio drops; fetched with `apt-get
# download` and unpacked, never installed, cached under VFIOBOX_CACHE), /usr/lib/libkmod.so.2 for the
# udev hook, /usr/bin/{sulogin,swapon,swapoff} for the systemd hook; /etc/udev/hwdb.bin, where Arch's systemd-hwdb writes it, is a link
# to Debian's /usr/lib/udev/hwdb.bin in an overlay of /etc/udev), the DESTDIR's usr (what `make install` put there, as if
# installed), and the host's /usr. Nothing on this machine changes.
: "${KDIR:?}" "${KVER:?}" "${WORK:?}" "${TOP:?}"

MK=$WORK/mkinitcpio-v41
if [ ! -x "$MK/mkinitcpio" ]; then
	"$TOP/tests/hooks/mkinitcpio-prepare.sh" "$MK" >/dev/null || return 1 2>/dev/null || exit 1
	mkdir -p "$WORK/mkx/usr/lib/initcpio"
	_bb=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}/hooks/busybox
	if [ ! -x "$_bb/bin/busybox" ]; then
		rm -rf "$_bb.tmp" && mkdir -p "$_bb.tmp/dl"
		(cd "$_bb.tmp/dl" && apt-get download -q busybox >/dev/null 2>&1) &&
			dpkg-deb -x "$_bb.tmp"/dl/busybox_*.deb "$_bb.tmp/root" &&
			rm -rf "$_bb" && mv "$_bb.tmp/root" "$_bb" && rm -rf "$_bb.tmp" ||
			{ echo "mkinitcpio.sh: could not fetch Debian's busybox package (apt-get download busybox)" >&2; return 1 2>/dev/null || exit 1; }
	fi
	cp "$_bb/bin/busybox" "$WORK/mkx/usr/lib/initcpio/busybox"
	_k=$(ls /usr/lib/*-linux-gnu/libkmod.so.2 2>/dev/null | head -n 1)
	[ -n "$_k" ] && ln -s "${_k#/usr/lib/}" "$WORK/mkx/usr/lib/libkmod.so.2"
	# Arch has one bin directory: the systemd hook adds these by /usr/bin paths.
	mkdir -p "$WORK/mkx/usr/bin"
	for _b in sulogin swapon swapoff; do
		[ -x "/usr/sbin/$_b" ] && ln -s "../sbin/$_b" "$WORK/mkx/usr/bin/$_b"
	done
	mkdir -p "$WORK/mkx/etc/udev"
	[ -f /usr/lib/udev/hwdb.bin ] && ln -s /usr/lib/udev/hwdb.bin "$WORK/mkx/etc/udev/hwdb.bin"
fi

# mkinitcpio_image OUT DESTDIR "HOOKS" ["MODULES"] [EXTRA_HOOK_DIR]: builds OUT
# (uncompressed) with HOOKS=(HOOKS) MODULES=(MODULES); EXTRA_HOOK_DIR holds
# install/ and hooks/ of test-only hooks. mkinitcpio's output in OUT.log, its
# exit status is returned. VFIOBOX_CONF from the environment;
# MKINITCPIO_MODPROBE_CONF=FILE puts FILE alone in a private /etc/modprobe.d
# (a tmpfs in the namespace), which the modconf hook copies into the image.
mkinitcpio_image() {
	_out=$1 _dest=$2 _hooks=$3 _mods=${4:-} _extra=${5:-}
	printf 'MODULES=(%s)\nBINARIES=()\nFILES=()\nHOOKS=(%s)\nCOMPRESSION=cat\n' "$_mods" "$_hooks" >"$_out.conf"
	unshare -m --propagation private sh -c '
		MK=$1 X=$2 DEST=$3 KDIR=$4 KVER=$5 OUT=$6 EXTRA=$7 MPC=$8
		mount -t overlay overlay -o "lowerdir=$X/usr:$DEST/usr:/usr" /usr || exit 125
		mount -t overlay overlay -o "lowerdir=$X/etc/udev:/etc/udev" /etc/udev || exit 125
		if [ -n "$MPC" ]; then
			[ -d /etc/modprobe.d ] || { echo "mkinitcpio.sh: no /etc/modprobe.d here to mount over" >&2; exit 125; }
			mount -t tmpfs tmpfs /etc/modprobe.d && cp "$MPC" /etc/modprobe.d/ || exit 125
		fi
		set -- -D "$MK" -D /usr/lib/initcpio
		[ -n "$EXTRA" ] && set -- "$@" -D "$EXTRA"
		MKINITCPIO_LIBRARY=$MK "$MK/mkinitcpio" -c "$OUT.conf" -k "$KVER" -r "$KDIR/root" "$@" -g "$OUT"
	' mk "$MK" "$WORK/mkx" "$_dest" "$KDIR" "$KVER" "$_out" "$_extra" "${MKINITCPIO_MODPROBE_CONF:-}" >"$_out.log" 2>&1
}

# mkinitcpio_list IMG: unpack IMG into IMG.d; IMG.list has every path,
# IMG.long "path -> target" for links.
mkinitcpio_list() {
	rm -rf "$1.d" && mkdir -p "$1.d"
	(cd "$1.d" && MKINITCPIO_LIBRARY=$MK "$MK/lsinitcpio" -x "$1") || return 1
	(cd "$1.d" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$1.list"
	(cd "$1.d" && find . -type l -printf '%P -> %l\n' | sort) >"$1.long"
}
