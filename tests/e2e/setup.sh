#!/bin/sh
# tests/e2e/setup.sh: fetch and unpack the guest kernel, print its cache dir.
#
# The kernel is Debian's own (the package linux-image-amd64 depends on), fetched
# with `apt-get download` and unpacked with `dpkg-deb -x`: nothing is installed,
# /boot and /lib/modules of this machine are never touched. Cached under
#   $VFIOBOX_CACHE/e2e/KVER/   (VFIOBOX_CACHE defaults to ~/.cache/vfiobox)
#     vmlinux              uncompressed ELF kernel (QEMU boots it directly: PVH)
#     root/lib/modules/KVER  the package's modules, with depmod's indexes
#     kver                 the version string
# Prints that directory on stdout. Progress goes to stderr.
#
# Overrides: E2E_KERNEL_DEB=FILE.deb uses that package instead of downloading
# one; E2E_KERNEL_PKG=NAME picks a versioned package by name.
set -eu
export LC_ALL=C

CACHE=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}
say() { echo "e2e setup: $*" >&2; }
die() { echo "e2e setup: $*" >&2; [ -z "${t:-}" ] || rm -rf "$t"; exit 1; }

# Which versioned package: linux-image-amd64 depends on linux-image-KVER-amd64.
pkg_name() {
	if [ -n "${E2E_KERNEL_PKG:-}" ]; then
		echo "$E2E_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}

pkg=
if [ -n "${E2E_KERNEL_DEB:-}" ]; then
	pkg=$(dpkg-deb -f "$E2E_KERNEL_DEB" Package) || die "$E2E_KERNEL_DEB: not a .deb"
else
	pkg=$(pkg_name)
	if [ -z "$pkg" ]; then
		# Package lists absent or stale (fresh container): refresh once.
		say "apt-cache knows no linux-image-amd64, running apt-get update"
		apt-get update -q >/dev/null 2>&1 || true
		pkg=$(pkg_name)
	fi
	[ -n "$pkg" ] || die "cannot tell which kernel package linux-image-amd64 depends on"
fi
kver=${pkg#linux-image-}
dir=$CACHE/e2e/$kver
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
# Several worktrees may share the cache: one preparation at a time.
mkdir -p "$CACHE/e2e"
exec 9>"$CACHE/e2e/.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

say "preparing kernel $kver in $dir"
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/dl"
t=$dir.tmp
if [ -n "${E2E_KERNEL_DEB:-}" ]; then
	cp "$E2E_KERNEL_DEB" "$t/dl/"
else
	# apt-get download writes to the current directory, normally as the
	# unprivileged _apt user, which cannot enter root's home: as root, fetch
	# as root.
	sb=
	[ "$(id -u)" = 0 ] && sb="-o APT::Sandbox::User=root"
	if ! (cd "$t/dl" && apt-get download -q $sb "$pkg" >&2); then
		# Stale lists name a package the archive no longer has: refresh
		# them and start over once (linux-image-amd64 may point elsewhere).
		[ -z "${E2E_SETUP_UPDATED:-}" ] || die "apt-get download $pkg failed"
		say "apt-get download $pkg failed, running apt-get update and trying again"
		rm -rf "$t"
		apt-get update -q >/dev/null 2>&1 || true
		exec 9>&-
		E2E_SETUP_UPDATED=1 exec "$0"
	fi
fi
deb=$(ls "$t"/dl/*.deb | head -n 1)
dpkg-deb -x "$deb" "$t/root"
[ -d "$t/root/lib/modules/$kver" ] || die "$deb: no lib/modules/$kver inside"
bz=$(ls "$t/root/boot/vmlinuz-$kver" 2>/dev/null) || die "$deb: no boot/vmlinuz-$kver inside"
depmod -b "$t/root" "$kver"

# The bzImage carries the kernel as an xz stream: find the magic, decompress
# from there (trailing bytes after the stream are ignored by xz -dc with -q).
off=$(grep -abo "$(printf '\3757zXZ')" "$bz" 2>/dev/null | head -n 1 | cut -d: -f1) || true
[ -n "$off" ] || die "$bz: no xz stream found (kernel not xz-compressed?)"
tail -c +"$((off + 1))" "$bz" | xz -dcq --single-stream > "$t/vmlinux" 2>/dev/null || true
head -c 4 "$t/vmlinux" | grep -q 'ELF' || die "$bz: xz stream at $off did not give an ELF vmlinux"

echo "$kver" > "$t/kver"
rm -rf "$t/dl" "$t/root/boot" "$t/root/usr"
rm -rf "$dir"
mv "$t" "$dir"
touch "$dir/.done"
say "kernel $kver ready ($(du -sh "$dir" | cut -f1))"
# A newer linux-image-amd64 replaces the cached one: drop the older trees.
if [ -z "${E2E_KERNEL_DEB:-}${E2E_KERNEL_PKG:-}" ]; then
	for old in "$CACHE"/e2e/*/.done; do
		old=${old%/.done}
		[ "$old" = "$dir" ] || { say "removing the older $old"; rm -rf "$old"; }
	done
fi
echo "$dir"
