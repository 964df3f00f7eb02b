#!/bin/sh
# tests/e2e/acpicall.sh KVER: build the acpi_call module for the guest kernel
# KVER from Debian's own packages, as a user of acpi-call-dkms gets it: the
# module's source from acpi-call-dkms, the kernel's headers from
# linux-headers-KVER (and the -common and linux-kbuild packages it depends
# on), fetched with apt-get download and unpacked with dpkg-deb -x (nothing
# is installed), built with the host's gcc (Debian 12's gcc 12 is the guest
# kernel's compiler). Cached in $VFIOBOX_CACHE/e2e/acpi_call-KVER/; prints
# the path of acpi_call.ko.
set -eu
kver=$1
cache=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}/e2e/acpi_call-$kver
ko=$cache/acpi_call.ko
[ -f "$ko" ] && { echo "$ko"; exit 0; }
t=$cache.tmp
rm -rf "$t"
mkdir -p "$t/dl" "$t/root" "$t/src"
sb=
[ "$(id -u)" = 0 ] && sb="-o APT::Sandbox::User=root"
pkgs="acpi-call-dkms linux-headers-$kver $(apt-cache depends "linux-headers-$kver" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-headers-.*-common\|linux-kbuild-.*\)$/\1/p' | tr '\n' ' ')"
(cd "$t/dl" && apt-get download -q $sb $pkgs >"$t/dl.log" 2>&1) ||
	{ cat "$t/dl.log" >&2; echo "acpicall.sh: apt-get download $pkgs failed" >&2; exit 1; }
for d in "$t"/dl/*.deb; do dpkg-deb -x "$d" "$t/root"; done
hdr=$t/root/usr/src/linux-headers-$kver
[ -f "$hdr/Makefile" ] || { echo "acpicall.sh: no headers for $kver" >&2; exit 1; }
# the -arch Makefile includes the -common one by its absolute /usr/src path
sed -i "s|/usr/src/|$t/root/usr/src/|" "$hdr/Makefile"
cp "$t"/root/usr/src/acpi-call-*/acpi_call.c "$t/src/"
echo 'obj-m := acpi_call.o' >"$t/src/Kbuild"
make -C "$hdr" M="$t/src" modules >"$t/build.log" 2>&1 ||
	{ tail -20 "$t/build.log" >&2; echo "acpicall.sh: building acpi_call failed" >&2; exit 1; }
mkdir -p "$cache"
cp "$t/src/acpi_call.ko" "$ko"
rm -rf "$t"
echo "$ko"
