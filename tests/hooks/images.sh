# tests/hooks/images.sh: build initramfs images with Debian's dracut and
# initramfs-tools against the unpacked kernel, with vfiobox's hooks as
# `make install` put them in $STAGE. Sourced. Nothing on this machine changes:
# both run in a private mount namespace where /usr is a read-only overlay of
# $STAGE's usr on the host's (vfiobox where `make install` put it, as if
# installed: the build hooks look in BINDIR); dracut runs from a private module
# tree (dracutbasedir) with its own conf; for mkinitramfs /usr/lib has a
# further overlay (upper dir in $WORK) holding the unpacked modules and /boot
# is a tmpfs holding the kernel config.
: "${STAGE:?}" "${KDIR:?}" "${KVER:?}" "${WORK:?}"

# dracut_image OUT MODULES [DRACUT_ARGS...]: with VFIOBOX_CONF from the
# environment (unset: no conf), vfiobox from $STAGE (STAGE=DIR dracut_image...
# for another one). Log in OUT.log.
dracut_image() {
	_out=$1 _mods=$2
	shift 2
	_b=$WORK/dracut-base.${STAGE##*/}
	if [ ! -d "$_b" ]; then
		mkdir -p "$_b/modules.d" "$WORK/dracut-conf.d"
		for _f in /usr/lib/dracut/*; do
			[ "${_f##*/}" = modules.d ] || ln -s "$_f" "$_b/"
		done
		for _f in /usr/lib/dracut/modules.d/*; do ln -s "$_f" "$_b/modules.d/"; done
		ln -s "$STAGE/usr/lib/dracut/modules.d/90vfiobox" "$_b/modules.d/"
		[ -n "${DRACUT_EXTRA_MODULE:-}" ] && ln -s "$DRACUT_EXTRA_MODULE" "$_b/modules.d/99vfioboxtest"
		: >"$WORK/dracut.conf"
	fi
	mkdir -p "$WORK/dracut-tmp"
	dracutbasedir=$_b unshare -m --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=$1/usr:/usr" /usr || exit 125
		shift
		exec "$@"' dracut "$STAGE" \
		dracut --conf "$WORK/dracut.conf" --confdir "$WORK/dracut-conf.d" --kver "$KVER" \
		--kmoddir "$KDIR/root/lib/modules/$KVER" --no-hostonly -m "$_mods" \
		--tmpdir "$WORK/dracut-tmp" --force "$@" "$_out" >"$_out.log" 2>&1
}

# itools_image OUT CONFDIR: mkinitramfs -d CONFDIR, with VFIOBOX_CONF from the
# environment; ITOOLS_MODPROBE_CONF=FILE puts FILE in the private
# /usr/lib/modprobe.d, which Debian's kmod hook copies into the image. Log in
# OUT.log.
itools_image() {
	_out=$1 _conf=$2
	mkdir -p "$_conf/scripts" "$_conf/hooks"
	rm -rf "$WORK/ov"
	mkdir -p "$WORK/ov/upper" "$WORK/ov/work"
	unshare -m --propagation private sh -e -c '
		W=$1 KDIR=$2 KVER=$3 STAGE=$4 OUT=$5 CONF=$6
		mount -t overlay overlay -o lowerdir=$STAGE/usr:/usr /usr
		mount -t overlay overlay -o lowerdir=/usr/lib,upperdir=$W/ov/upper,workdir=$W/ov/work /usr/lib
		mkdir -p /usr/lib/modules/$KVER
		mount --bind "$KDIR/root/lib/modules/$KVER" /usr/lib/modules/$KVER
		if [ -n "$7" ]; then mkdir -p /usr/lib/modprobe.d && cp "$7" /usr/lib/modprobe.d/; fi
		mount -t tmpfs tmpfs /boot
		cp "$KDIR/root/boot/config-$KVER" /boot/
		unset VFIOBOX # the hook looks for the binary itself, as when installed
		mkinitramfs -d "$CONF" -o "$OUT" "$KVER"
	' itools "$WORK" "$KDIR" "$KVER" "$STAGE" "$_out" "$_conf" "${ITOOLS_MODPROBE_CONF:-}" >"$_out.log" 2>&1
}
