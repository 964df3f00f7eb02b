#!/bin/sh
# tests/hooks/kernel.sh: fetch and unpack Debian's kernel for the initramfs
# generator tests, print its cache directory on stdout (progress on stderr).
#
# The package linux-image-amd64 depends on is fetched with `apt-get download`
# and unpacked with `dpkg-deb -x`: nothing is installed, this machine's /boot
# and /lib/modules are never touched. Cached under
#   $VFIOBOX_CACHE/hooks/KVER/  (VFIOBOX_CACHE defaults to ~/.cache/vfiobox)
#     root/lib/modules/KVER   the modules with depmod's indexes
#     root/boot/config-KVER   the kernel config (mkinitramfs reads it)
#     vmlinux                 the uncompressed ELF kernel (QEMU boots it: PVH)
#     kver                    the version string
# E2E_KERNEL_DEB=FILE.deb uses that package; E2E_KERNEL_PKG=NAME picks one.
set -eu
export LC_ALL=C
CACHE=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}
say() { echo "hooks kernel: $*" >&2; }
die() { echo "hooks kernel: $*" >&2; exit 1; }

pkg_name() {
	if [ -n "${E2E_KERNEL_PKG:-}" ]; then echo "$E2E_KERNEL_PKG"; return; fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}

if [ -n "${E2E_KERNEL_DEB:-}" ]; then
	pkg=$(dpkg-deb -f "$E2E_KERNEL_DEB" Package) || die "$E2E_KERNEL_DEB: not a .deb"
else
	pkg=$(pkg_name)
	if [ -z "$pkg" ]; then
		apt-get update -q >/dev/null 2>&1 || true
		pkg=$(pkg_name)
	fi
	[ -n "$pkg" ] || die "cannot tell which kernel package linux-image-amd64 depends on"
fi
kver=${pkg#linux-image-}
dir=$CACHE/hooks/$kver
# The e2e runner builds images two at a time: one fetch, the others wait.
mkdir -p "$CACHE/hooks"
exec 9>"$CACHE/hooks/.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
say "preparing kernel $kver in $dir"
t=$dir.tmp
rm -rf "$t"
mkdir -p "$t/dl"
if [ -n "${E2E_KERNEL_DEB:-}" ]; then
	cp "$E2E_KERNEL_DEB" "$t/dl/"
else
	chmod 0777 "$t/dl" # apt-get download may run as _apt
	(cd "$t/dl" && apt-get download -q "$pkg" >&2) ||
		{ apt-get update -q >/dev/null 2>&1 || true; (cd "$t/dl" && apt-get download -q "$pkg" >&2); } ||
		die "apt-get download $pkg failed"
fi
dpkg-deb -x "$t"/dl/*.deb "$t/root"
[ -d "$t/root/lib/modules/$kver" ] || die "no lib/modules/$kver in the package"
[ -f "$t/root/boot/config-$kver" ] || die "no boot/config-$kver in the package"
depmod -b "$t/root" "$kver"
bz=$t/root/boot/vmlinuz-$kver
off=$(grep -abo "$(printf '\3757zXZ')" "$bz" | head -n 1 | cut -d: -f1) || true
[ -n "$off" ] || die "$bz: no xz stream"
tail -c +"$((off + 1))" "$bz" | xz -dcq --single-stream > "$t/vmlinux" 2>/dev/null || true
head -c 4 "$t/vmlinux" | grep -q ELF || die "$bz: no ELF vmlinux in its xz stream"
echo "$kver" > "$t/kver"
rm -rf "$t/dl" "$t/root/usr"
rm -rf "$dir"
mv "$t" "$dir"
touch "$dir/.done"
say "kernel $kver ready ($(du -sh "$dir" | cut -f1))"
echo "$dir"
