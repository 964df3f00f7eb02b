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
#     suite                the archive suite it came from (E2E_SUITE, "" the machine's)
#
# Overrides: E2E_KERNEL_DEB=FILE.deb uses that package instead of downloading
# one; E2E_KERNEL_PKG=NAME picks a versioned package by name.
# E2E_SUITE=SUITE (e.g. bookworm-backports, the second kernel of mk/e2e.mk)
# takes linux-image-amd64 from that suite of Debian's archive ($E2E_MIRROR,
# default http://deb.debian.org/debian) through a private apt state in
# $VFIOBOX_CACHE/e2e/apt-SUITE/ (its own sources list, lists and package
# cache, passed with apt-get -o): the machine's own apt configuration, lists
# and cache are neither read for it nor changed.
set -eu
export LC_ALL=C

CACHE=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}
SUITE=${E2E_SUITE:-}
say() { echo "e2e setup: $*" >&2; }
die() { echo "e2e setup: $*" >&2; [ -z "${t:-}" ] || rm -rf "$t"; exit 1; }

# apt-get/apt-cache options: none for the machine's own suites, else the
# private state of $SUITE.
APTO=
if [ -n "$SUITE" ]; then
	case $SUITE in *[!a-z0-9-]*|'') die "E2E_SUITE=$SUITE: not a suite name" ;; esac
	A=$CACHE/e2e/apt-$SUITE
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	printf 'deb %s%s %s main\n' "$([ -f "$kr" ] && echo "[signed-by=$kr] ")" \
		"${E2E_MIRROR:-http://deb.debian.org/debian}" "$SUITE" > "$A/sources.list"
	APTO="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/nonexistent"
	APTO="$APTO -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache"
	APTO="$APTO -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache="
fi
apt_update() {
	# shellcheck disable=SC2086
	apt-get $APTO update -q >/dev/null 2>&1 || true
}

# Which versioned package: linux-image-amd64 depends on linux-image-KVER-amd64.
pkg_name() {
	if [ -n "${E2E_KERNEL_PKG:-}" ]; then
		echo "$E2E_KERNEL_PKG"
		return
	fi
	# shellcheck disable=SC2086
	apt-cache $APTO depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1
}

pkg=
if [ -n "${E2E_KERNEL_DEB:-}" ]; then
	pkg=$(dpkg-deb -f "$E2E_KERNEL_DEB" Package) || die "$E2E_KERNEL_DEB: not a .deb"
else
	pkg=$(pkg_name)
	if [ -z "$pkg" ]; then
		# Package lists absent or stale (fresh container): refresh once.
		say "apt-cache knows no linux-image-amd64${SUITE:+ in $SUITE}, running apt-get update"
		apt_update
		pkg=$(pkg_name)
	fi
	[ -n "$pkg" ] || die "cannot tell which kernel package linux-image-amd64${SUITE:+ of $SUITE} depends on"
fi
kver=${pkg#linux-image-}
dir=$CACHE/e2e/$kver

# The package into directory $1.
fetch() {
	if [ -n "${E2E_KERNEL_DEB:-}" ]; then
		cp "$E2E_KERNEL_DEB" "$1/"
		return
	fi
	# apt-get download writes to the current directory, normally as the
	# unprivileged _apt user, which cannot enter root's home: as root, fetch
	# as root.
	sb=
	[ "$(id -u)" = 0 ] && sb="-o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	if ! (cd "$1" && apt-get $APTO download -q $sb "$pkg" >&2); then
		# Stale lists name a package the archive no longer has: refresh
		# them and start over once (linux-image-amd64 may point elsewhere).
		[ -z "${E2E_SETUP_UPDATED:-}" ] || die "apt-get download $pkg failed"
		say "apt-get download $pkg failed, running apt-get update and trying again"
		rm -rf "$t"
		apt_update
		exec 9>&-
		E2E_SETUP_UPDATED=1 exec "$0"
	fi
}

# Ready: the tree and the kernel's config (a tree cached before the config
# was kept gets it from the package, nothing else of the tree is touched).
ready() {
	[ -f "$dir/.done" ] || return 1
	[ -f "$dir/config" ] && return 0
	[ -n "${1:-}" ] || return 1
	say "$dir: adding the kernel's config"
	t=$dir.cfg
	rm -rf "$t"
	mkdir -p "$t"
	fetch "$t"
	dpkg-deb --fsys-tarfile "$(ls "$t"/*.deb | head -n 1)" |
		tar -x -C "$t" "./boot/config-$kver" || die "$pkg: no boot/config-$kver inside"
	mv "$t/boot/config-$kver" "$dir/config"
	rm -rf "$t"
	t=
}
if ready; then
	echo "$dir"
	exit 0
fi
# Several worktrees may share the cache: one preparation at a time.
mkdir -p "$CACHE/e2e"
exec 9>"$CACHE/e2e/.lock"
flock 9
if ready locked; then
	echo "$dir"
	exit 0
fi

say "preparing kernel $kver in $dir"
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp/dl"
t=$dir.tmp
fetch "$t/dl"
deb=$(ls "$t"/dl/*.deb | head -n 1)
dpkg-deb -x "$deb" "$t/root"
[ -d "$t/root/lib/modules/$kver" ] || die "$deb: no lib/modules/$kver inside"
bz=$(ls "$t/root/boot/vmlinuz-$kver" 2>/dev/null) || die "$deb: no boot/vmlinuz-$kver inside"
depmod -b "$t/root" "$kver"

# The bzImage carries the kernel as an xz stream (Debian 12's 6.1) or a zstd
# one (6.12 and later): find the magic, decompress from there. Trailing bytes
# after the stream: xz -dc --single-stream ignores them, zstd -dc exits 1 on
# them with the ELF already complete, hence the ELF check instead of the
# exit status.
off=$(grep -abo "$(printf '\3757zXZ')" "$bz" 2>/dev/null | head -n 1 | cut -d: -f1) || true
if [ -n "$off" ]; then
	tail -c +"$((off + 1))" "$bz" | xz -dcq --single-stream > "$t/vmlinux" 2>/dev/null || true
else
	off=$(grep -abo "$(printf '\050\265\057\375')" "$bz" 2>/dev/null | head -n 1 | cut -d: -f1) || true
	[ -n "$off" ] || die "$bz: no xz or zstd stream found"
	command -v zstd >/dev/null || die "$bz: zstd-compressed, and there is no zstd (apt-get install zstd)"
	tail -c +"$((off + 1))" "$bz" | zstd -dcq > "$t/vmlinux" 2>/dev/null || true
fi
head -c 4 "$t/vmlinux" | grep -q 'ELF' || die "$bz: the stream at $off did not give an ELF vmlinux"
# The kernel's configuration, for the scenarios that depend on it
# (CONFIG_VFIO_GROUP, CONFIG_VFIO_DEVICE_CDEV: scenarios/vfio-interfaces.sh).
cp "$t/root/boot/config-$kver" "$t/config" 2>/dev/null ||
	cp "$t/root/lib/modules/$kver/config" "$t/config" 2>/dev/null || die "$deb: no kernel config inside"

echo "$kver" > "$t/kver"
echo "$SUITE" > "$t/suite"
rm -rf "$t/dl" "$t/root/boot" "$t/root/usr"
rm -rf "$dir"
mv "$t" "$dir"
touch "$dir/.done"
say "kernel $kver ready ($(du -sh "$dir" | cut -f1))"
# A newer linux-image-amd64 replaces the cached one of the same suite: drop
# the older trees of that suite (a tree without a suite file is the
# machine's own), never another suite's.
if [ -z "${E2E_KERNEL_DEB:-}${E2E_KERNEL_PKG:-}" ]; then
	for old in "$CACHE"/e2e/*/.done; do
		old=${old%/.done}
		[ -f "$old/vmlinux" ] || continue
		[ "$(cat "$old/suite" 2>/dev/null)" = "$SUITE" ] || continue
		[ "$old" = "$dir" ] || { say "removing the older $old"; rm -rf "$old"; }
	done
fi
echo "$dir"
