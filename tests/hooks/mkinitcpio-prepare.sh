#!/bin/sh
# mkinitcpio-prepare.sh DEST
# Makes DEST a runnable copy of the real mkinitcpio v41 (mkinitcpio-v41/ here, from
# archlinux/mkinitcpio tag v41, GPL-2.0: see its LICENSE), with the @VAR@
# placeholders filled in as its meson build fills them on Arch (prefix /usr).
# One change for Debian hosts: PATH gets /usr/sbin after /usr/bin (Arch has one
# bin directory; Debian keeps depmod and ldconfig in /usr/sbin). /usr/local is
# left out, as on Arch: mkinitcpio v41 exports PATH="@BINDIR@:/bin".
# Run it as DEST/mkinitcpio with -D for every hook directory (see tests/hooks/mkinitcpio.sh).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
src=$(cd "$(dirname "$0")/mkinitcpio-v41" && pwd)
dest=$1
mkdir -p "$dest"
cp -R "$src"/. "$dest"/
hooks='base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck'
find "$dest" -type f ! -name LICENSE ! -name NOTE ! -name meson.build | while read -r f; do
	sed -i \
		-e 's|@VERSION@|41|g' \
		-e 's|@INITCPIO_LIBDIR@|/usr/lib/initcpio|g' \
		-e 's|@INITCPIO_SYSCONFDIR@|/etc/initcpio|g' \
		-e 's|@SYSCONFDIR@|/etc|g' \
		-e 's|@BINDIR@|/usr/bin:/usr/sbin|g' \
		-e "s|@MKINITCPIO_HOOKS@|$hooks|g" \
		-e 's|@TMPFILES_PATH@|/usr/bin/systemd-tmpfiles|g' \
		-e 's|@UDEVD_PATH@|/usr/lib/systemd/systemd-udevd|g' \
		-e 's|@VCONSOLE_CONF@|/etc/vconsole.conf|g' \
		"$f"
done
chmod +x "$dest/mkinitcpio" "$dest/lsinitcpio"
if grep -rl '@[A-Z_]*@' "$dest" --exclude=meson.build --exclude=LICENSE --exclude=NOTE >/dev/null 2>&1; then
	echo "$0: placeholders left:" >&2
	grep -rn '@[A-Z_]*@' "$dest" --exclude=meson.build --exclude=LICENSE --exclude=NOTE >&2
	exit 1
fi
echo "mkinitcpio v41 ready: MKINITCPIO_LIBRARY=$dest $dest/mkinitcpio"
