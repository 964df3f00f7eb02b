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
#
# systemd images want a newer systemd than Debian 12's 252 (v41's systemd
# hook adds systemd-executor, tmpfiles.d/20-systemd-stub.conf...):
# MKROOT=DIR mkinitcpio_image ... runs mkinitcpio chrooted in DIR, a minimal
# Debian 13 (trixie, systemd 257) made by mkinitcpio_sdroot, the same way:
# DIR read-only, its /usr a read-only overlay of Arch's paths (from DIR's own
# packages), the DESTDIR's usr and DIR's /usr.
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

# The systemd root: Debian 13's packages mkinitcpio and its systemd hook use,
# made by mmdebstrap (the essential packages and these, from Debian's archive)
# once and kept in the cache (~150 MB, ~2 min on 2 cores), rebuilt when this
# list changes. Nothing is installed on this machine.
MKROOT_SUITE=trixie
MKROOT_PKGS="systemd udev kmod busybox mawk libarchive-tools"

# The files v41's systemd hook adds that the root's systemd 257 has not
# (systemd 258's): mkinitcpio counts an error for each and exits 1, and prints
# only the first (add_systemd_unit and add_udev_rule fail without a word).
MKROOT_MISSING='/usr/lib/systemd/systemd-validatefs
/usr/lib/systemd/system/systemd-validatefs@.service
/usr/lib/udev/rules.d/90-image-dissect.rules
/usr/lib/systemd/system/breakpoint-pre-udev.service'

# mkinitcpio_errors LOG: the ERROR lines of mkinitcpio's LOG but the one
# MKROOT_MISSING accounts for.
mkinitcpio_errors() {
	grep '^==> ERROR' "$1" | grep -Fvx "==> ERROR: file not found: '/usr/lib/systemd/systemd-validatefs'"
}

# mkinitcpio_sdroot: prints the root's directory, making it first if needed
# (its log in the cache, next to it). Several callers at once wait for one.
mkinitcpio_sdroot() {
	_c=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}/hooks
	_r=$_c/mkinitcpio-root-$MKROOT_SUITE
	_key="$MKROOT_SUITE: $MKROOT_PKGS"
	mkdir -p "$_c" || return 1
	(
		flock 9 || exit 1
		[ "$(cat "$_r.key" 2>/dev/null)" = "$_key" ] && [ -x "$_r/usr/lib/systemd/systemd" ] && exit 0
		command -v mmdebstrap >/dev/null ||
			{ echo "mkinitcpio.sh: no mmdebstrap (scripts/need hooks installs it)" >&2; exit 1; }
		rm -rf "$_r" "$_r.tmp" "$_r.key"
		mmdebstrap --mode=root --variant=essential --include="$(echo "$MKROOT_PKGS" | tr ' ' ,)" \
			"$MKROOT_SUITE" "$_r.tmp" >"$_r.log" 2>&1 ||
			{ rm -rf "$_r.tmp"; echo "mkinitcpio.sh: mmdebstrap $MKROOT_SUITE failed: $_r.log" >&2; exit 1; }
		mv "$_r.tmp" "$_r" && echo "$_key" >"$_r.key"
	) 9>"$_c/mkinitcpio-root.lock" || return 1
	echo "$_r"
}

# mkinitcpio_rootx ROOT: $WORK/mkx-root, the Arch paths for ROOT, from ROOT's
# own files (see mkinitcpio_image).
mkinitcpio_rootx() {
	_x=$WORK/mkx-root
	[ -d "$_x" ] && return 0
	mkdir -p "$_x/usr/lib/initcpio" "$_x/usr/bin" "$_x/etc/udev"
	cp "$1/usr/bin/busybox" "$_x/usr/lib/initcpio/busybox" || return 1
	# The libraries systemd dlopen()s (libkmod: systemd-modules-load and
	# udev's kmod builtin) are found by the systemd hook in /usr/lib, where
	# Arch keeps them: copies of Debian's.
	for _l in kmod tss2-esys tss2-rc tss2-mu qrencode seccomp acl blkid mount audit pam; do
		for _f in "$1"/usr/lib/*-linux-gnu/lib$_l.so.[0-9]; do
			[ -e "$_f" ] && cp -L "$_f" "$_x/usr/lib/${_f##*/}"
		done
	done
	for _b in sulogin swapon swapoff; do
		[ -x "$1/usr/sbin/$_b" ] && ln -s "../sbin/$_b" "$_x/usr/bin/$_b"
	done
	[ -f "$1/usr/lib/udev/hwdb.bin" ] && ln -s /usr/lib/udev/hwdb.bin "$_x/etc/udev/hwdb.bin"
	return 0
}

# mkinitcpio_image OUT DESTDIR "HOOKS" ["MODULES"] [EXTRA_HOOK_DIR]: builds OUT
# (uncompressed) with HOOKS=(HOOKS) MODULES=(MODULES); EXTRA_HOOK_DIR holds
# install/ and hooks/ of test-only hooks. mkinitcpio's output in OUT.log, its
# exit status is returned. VFIOBOX_CONF from the environment;
# MKINITCPIO_MODPROBE_CONF=FILE puts FILE alone in a private /etc/modprobe.d
# (a tmpfs in the namespace), which the modconf hook copies into the image
# (not with MKROOT). With MKROOT=DIR (mkinitcpio_sdroot), in that root: OUT
# and VFIOBOX_CONF must be under $WORK, which the chroot sees as /mnt/work.
mkinitcpio_image() {
	_out=$1 _dest=$2 _hooks=$3 _mods=${4:-} _extra=${5:-}
	printf 'MODULES=(%s)\nBINARIES=()\nFILES=()\nHOOKS=(%s)\nCOMPRESSION=cat\n' "$_mods" "$_hooks" >"$_out.conf"
	if [ -z "${MKROOT:-}" ]; then
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
		return
	fi
	_conf=${VFIOBOX_CONF-}
	for _p in "$_out" ${_conf:+"$_conf"}; do
		case $_p in "$WORK"/*) ;; *)
			echo "mkinitcpio_image: $_p is not under $WORK (MKROOT)" >"$_out.log"
			return 2 ;;
		esac
	done
	mkinitcpio_rootx "$MKROOT" || { echo "mkinitcpio_image: no Arch paths for $MKROOT" >"$_out.log"; return 2; }
	unshare -m --propagation private sh -c '
		R=$1 X=$2 DEST=$3 KDIR=$4 KVER=$5 W=$6 OUT=/mnt/work/${7#"$6"/} EXTRA=$8 MK=/mnt/work/${9#"$6"/}
		C=${10:+/mnt/work/${10#"$6"/}}
		mount --bind "$R" "$R" && mount -o remount,bind,ro "$R" || exit 125
		mount -t overlay overlay -o "lowerdir=$X/usr:$DEST/usr:$R/usr" "$R/usr" || exit 125
		mount -t overlay overlay -o "lowerdir=$X/etc/udev:$R/etc/udev" "$R/etc/udev" || exit 125
		mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" &&
			mount -t tmpfs tmpfs "$R/tmp" && mount -t tmpfs tmpfs "$R/mnt" || exit 125
		mkdir "$R/mnt/work" "$R/mnt/kdir" "$R/mnt/extra" &&
			mount --bind "$W" "$R/mnt/work" && mount --bind "$KDIR" "$R/mnt/kdir" || exit 125
		set -- -D "$MK" -D /usr/lib/initcpio
		if [ -n "$EXTRA" ]; then
			mount --bind "$EXTRA" "$R/mnt/extra" || exit 125
			set -- "$@" -D /mnt/extra
		fi
		exec chroot "$R" /usr/bin/env -i PATH=/usr/bin:/usr/sbin HOME=/root ${C:+VFIOBOX_CONF=$C} \
			MKINITCPIO_LIBRARY="$MK" "$MK/mkinitcpio" -c "$OUT.conf" -k "$KVER" -r /mnt/kdir/root "$@" -g "$OUT"
	' mk "$MKROOT" "$WORK/mkx-root" "$_dest" "$KDIR" "$KVER" "$WORK" "$_out" "$_extra" "$MK" "$_conf" >"$_out.log" 2>&1
}

# mkinitcpio_list IMG: unpack IMG into IMG.d; IMG.list has every path,
# IMG.long "path -> target" for links.
mkinitcpio_list() {
	rm -rf "$1.d" && mkdir -p "$1.d"
	(cd "$1.d" && MKINITCPIO_LIBRARY=$MK "$MK/lsinitcpio" -x "$1") || return 1
	(cd "$1.d" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$1.list"
	(cd "$1.d" && find . -type l -printf '%P -> %l\n' | sort) >"$1.long"
}
