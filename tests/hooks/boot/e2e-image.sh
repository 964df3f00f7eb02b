#!/bin/sh
# tests/hooks/boot/e2e-image.sh FLAVOUR OUT: the "# e2e-image:" command of the
# hook scenarios (tests/e2e/scenarios/hook-*.sh). Builds a whole initramfs the
# way a user's system would, with vfiobox's hooks as `make install` puts them:
#   dracut            Debian's dracut, no systemd (cmdline hook)
#   dracut-systemd    Debian's dracut with systemd (vfiobox-claim.service)
#   initramfs-tools   Debian's mkinitramfs (init-top/00vfiobox), the drivers in
#                     its module list (/etc/initramfs-tools/modules)
#   mkinitcpio        the real mkinitcpio v41 (tests/hooks/mkinitcpio.sh), a
#                     busybox image, HOOKS=(base e2emisorder vfiobox udev
#                     e2erun) (the test-only hooks in boot/mkinitcpio), the
#                     drivers in MODULES
# FLAVOUR-plain (dracut, dracut-systemd, initramfs-tools, mkinitcpio): the
# same generator without vfiobox, doing what the guides say instead (the
# conventional image of bench/hooks): a modprobe.d file with `options vfio-pci
# ids=$E2E_VFIO_IDS` and `softdep DRIVER pre: vfio-pci` for bochs and
# snd_hda_intel, and vfio_pci vfio vfio_iommu_type1 loaded early, first:
#   dracut*-plain     force_drivers+=" vfio_pci vfio vfio_iommu_type1 " in a
#                     dracut.conf.d file (rd.driver.pre=, loaded before udev);
#                     the modprobe.d file as /etc/modprobe.d/vfio.conf (what a
#                     hostonly image copies from the host; --include here)
#   initramfs-tools-plain  the three first in the module list, the file in
#                     /usr/lib/modprobe.d (copied by Debian's kmod hook; udev
#                     coldplug in init-top loads bochs and snd_hda_intel before
#                     the list: the softdeps are what keeps them off)
#   mkinitcpio-plain  MODULES=(vfio_pci vfio vfio_iommu_type1 DRIVERS...),
#                     HOOKS=(base e2emisorder modconf udev e2erun), the file
#                     as /etc/modprobe.d/vfio.conf (modconf copies it)
#   mkinitcpio-systemd  the real mkinitcpio v41, a systemd image built in a
#                     Debian 13 root (MKROOT, tests/hooks/mkinitcpio.sh: v41's
#                     systemd hook wants a newer systemd than Debian 12's),
#                     HOOKS=(base systemd vfiobox e2esdrun): vfiobox-claim.service
#                     before systemd-udevd, the coldplug trigger and
#                     systemd-modules-load (MODULES, the drivers); e2esdrun adds
#                     the boot test's unit (dracut-test/vfiobox-e2e.service)
# FLAVOUR-nobin: the same image with vfiobox removed after the build (unpacked,
# the binary deleted, packed again uncompressed): the negative control.
# vfiobox is installed with the default PREFIX (/usr/local), as a user who
# runs `make install` without arguments has it; HOOK_PREFIX=DIR installs with
# PREFIX=DIR instead (PREFIX=/usr: the packages).
# Each image carries the host drivers of the e2e guest's devices (bochs,
# snd_hda_intel, e1000e) and a test-only step that runs /e2e/run once coldplug
# and module loading are done. Appended to it, uncompressed: /e2e/run,
# /e2e/lib.sh, /e2e/hookcheck.sh, the scenario, a static busybox, vfio-open.
# Environment from the e2e runner: E2E_KVER, E2E_SCENARIO, E2E_NAME,
# E2E_GUEST, E2E_TMP; nothing outside E2E_TMP and OUT is written (see
# tests/hooks/images.sh for how the generators are kept off this machine).
set -eu
flavour=$1 out=$2
nobin= plain=
case $flavour in
*-nobin) nobin=1 flavour=${flavour%-nobin} ;;
*-plain) plain=1 flavour=${flavour%-plain} ;;
esac
top=$(pwd)
here=$top/tests/hooks/boot
drivers="bochs snd_hda_intel snd_hda_codec_generic e1000e"
WORK=$E2E_TMP/hookimg
rm -rf "$WORK"
mkdir -p "$WORK"
STAGE=$WORK/stage
${MAKE:-make} -s -C "$top" install install-hooks ${HOOK_PREFIX:+PREFIX="$HOOK_PREFIX"} DESTDIR="$STAGE" >"$WORK/install.log" 2>&1 ||
	{ cat "$WORK/install.log"; exit 1; }
# The generators want the kernel's config too (the e2e cache drops /boot):
# the same package through tests/hooks/kernel.sh.
KDIR=$(E2E_KERNEL_PKG=linux-image-$E2E_KVER "$top/tests/hooks/kernel.sh")
KVER=$E2E_KVER
export STAGE KDIR KVER WORK
. "$top/tests/hooks/images.sh"
export VFIOBOX_CONF=$WORK/no-conf # selectors from the kernel command line
vfio_mods="vfio_pci vfio vfio_iommu_type1"
if [ -n "$plain" ]; then
	printf 'options vfio-pci ids=%s\nsoftdep bochs pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n' \
		"${E2E_VFIO_IDS:?}" >"$WORK/vfio.conf"
fi

case $flavour in
dracut | dracut-systemd)
	DRACUT_EXTRA_MODULE=$here/dracut-test
	mods="base udev-rules vfiobox vfioboxtest"
	set -- --add-drivers "$drivers"
	if [ -n "$plain" ]; then
		mods="base udev-rules vfioboxtest"
		mkdir -p "$WORK/dracut-conf.d"
		printf 'force_drivers+=" %s "\n' "$vfio_mods" >"$WORK/dracut-conf.d/10-vfio.conf"
		set -- "$@" --include "$WORK/vfio.conf" /etc/modprobe.d/vfio.conf
	fi
	[ "$flavour" = dracut-systemd ] && mods="systemd-initrd systemd-modules-load dracut-systemd $mods"
	dracut_image "$WORK/img" "$mods" "$@" || { tail -30 "$WORK/img.log"; exit 1; }
	;;
initramfs-tools)
	[ "$(id -u)" = 0 ] || { echo "initramfs-tools image: needs root (private mounts over /usr/lib and /boot)"; exit 1; }
	cp -r "$here/initramfs-tools" "$WORK/conf"
	printf 'MODULES=list\nBUSYBOX=y\nCOMPRESS=gzip\n' >"$WORK/conf/initramfs.conf"
	if [ -n "$plain" ]; then
		rm -f "$STAGE/usr/share/initramfs-tools/hooks/vfiobox" \
			"$STAGE/usr/share/initramfs-tools/scripts/init-top/00vfiobox"
		drivers="$vfio_mods $drivers"
		export ITOOLS_MODPROBE_CONF=$WORK/vfio.conf
	fi
	printf '%s\n' $drivers >"$WORK/conf/modules"
	itools_image "$WORK/img" "$WORK/conf" || { tail -30 "$WORK/img.log"; exit 1; }
	;;
mkinitcpio)
	TOP=$top
	. "$top/tests/hooks/mkinitcpio.sh"
	hooks="base e2emisorder vfiobox udev e2erun"
	if [ -n "$plain" ]; then
		hooks="base e2emisorder modconf udev e2erun"
		drivers="$vfio_mods $drivers"
		export MKINITCPIO_MODPROBE_CONF=$WORK/vfio.conf
	fi
	mkinitcpio_image "$WORK/img" "$STAGE" "$hooks" "$drivers" "$here/mkinitcpio" ||
		{ cat "$WORK/img.log"; exit 1; }
	;;
mkinitcpio-systemd)
	TOP=$top
	. "$top/tests/hooks/mkinitcpio.sh"
	MKROOT=$(mkinitcpio_sdroot) || exit 1
	cp -r "$here/mkinitcpio" "$WORK/mkhooks"
	cp "$here/dracut-test/vfiobox-e2e.service" "$WORK/mkhooks/"
	# Exit 1 for systemd 258's files that Debian 13's 257 has not
	# (MKROOT_MISSING; mkinitcpio.test checks them); no other ERROR.
	rc=0
	MKROOT=$MKROOT mkinitcpio_image "$WORK/img" "$STAGE" "base systemd vfiobox e2esdrun" "$drivers" "$WORK/mkhooks" || rc=$?
	[ $rc -le 1 ] && ! mkinitcpio_errors "$WORK/img.log" >/dev/null || { cat "$WORK/img.log"; exit 1; }
	;;
*)
	echo "e2e-image.sh: unknown flavour '$flavour'" >&2
	exit 2
	;;
esac

if [ -n "$nobin" ]; then
	u=$WORK/unpacked
	rm -rf "$u" "$u.x" && mkdir -p "$u" "$u.x"
	case $flavour in
	dracut*) (cd "$u" && lsinitrd --unpack "$WORK/img") ;;
	initramfs-tools)
		unmkinitramfs "$WORK/img" "$u.x"
		if [ -d "$u.x/main" ]; then cp -a "$u.x/early/." "$u/" && cp -a "$u.x/main/." "$u/"
		else cp -a "$u.x/." "$u/"; fi
		;;
	mkinitcpio*) (cd "$u" && MKINITCPIO_LIBRARY=$MK "$MK/lsinitcpio" -x "$WORK/img") ;;
	esac
	[ -x "$u/usr/bin/vfiobox" ] || { echo "e2e-image.sh: no usr/bin/vfiobox in the unpacked $flavour image"; exit 1; }
	rm -f "$u/usr/bin/vfiobox" "$u/usr/local/bin/vfiobox"
	(cd "$u" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$WORK/img"
fi

p=$WORK/payload
mkdir -p "$p/e2e/bin"
cp /bin/busybox "$p/e2e/bin/busybox"
cp "$here/e2e-run" "$p/e2e/run"
cp "$here/hookcheck.sh" "$p/e2e/hookcheck.sh"
cp "$E2E_GUEST/lib.sh" "$p/e2e/lib.sh"
cp "$E2E_SCENARIO" "$p/e2e/scenario.sh"
echo "$E2E_NAME" >"$p/e2e/name"
vo=${E2E_VFIO_OPEN:-build/e2e/vfio-open}
[ -x "$vo" ] && cp "$vo" "$p/e2e/bin/vfio-open"
chmod 0755 "$p/e2e/run" "$p/e2e/bin/busybox"
cp "$WORK/img" "$out"
# The kernel takes the next archive only at a 4-byte aligned offset after a
# compressed one, skipping zeros to get there.
sz=$(stat -c %s "$out")
head -c $(((4 - sz % 4) % 4)) /dev/zero >>"$out"
(cd "$p" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >>"$out"
