#!/bin/sh
# scripts/libpci.sh CC OUTDIR: build pciutils' libpci.a from its pinned source.
#
# The source is the upstream pciutils-3.9.0 tarball, which Debian ships unchanged
# as pciutils_3.9.0.orig.tar.gz (its .asc is upstream's signature). It is taken,
# first found wins, from: the cache, Debian's archive, upstream, `apt-get source`
# (needs a deb-src entry). Every copy is checked against the same sha256.
set -eu
CC=$1 OUT=$2
VER=3.9.0
SHA=8953a785b2e3af414434b8fdcbfb75c90758819631001e60dd3afb89b22b2331
CACHE=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}
TGZ=$CACHE/pciutils-$VER.tar.gz

ok() { [ -f "$1" ] && echo "$SHA  $1" | sha256sum -c --status; }

mkdir -p "$CACHE"
if ! ok "$TGZ"; then
	rm -f "$TGZ.part"
	for url in \
		http://deb.debian.org/debian/pool/main/p/pciutils/pciutils_$VER.orig.tar.gz \
		https://mj.ucw.cz/download/linux/pci/pciutils-$VER.tar.gz \
		https://www.kernel.org/pub/software/utils/pciutils/pciutils-$VER.tar.gz
	do
		if curl -fsSL --retry 2 -m 120 -o "$TGZ.part" "$url" 2>/dev/null && ok "$TGZ.part"; then
			mv "$TGZ.part" "$TGZ"
			break
		fi
		rm -f "$TGZ.part"
	done
fi
if ! ok "$TGZ"; then
	d=$(mktemp -d)
	( cd "$d" && apt-get source --download-only pciutils=1:$VER-4 >/dev/null 2>&1 ) || true
	[ -f "$d/pciutils_$VER.orig.tar.gz" ] && cp "$d/pciutils_$VER.orig.tar.gz" "$TGZ"
	rm -rf "$d"
fi
if ! ok "$TGZ"; then
	echo "libpci.sh: cannot get pciutils-$VER with sha256 $SHA" >&2
	echo "libpci.sh: put the tarball at $TGZ, or add a deb-src entry for apt-get source" >&2
	exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT"
tar -xzf "$TGZ" -C "$OUT" --strip-components=1
# vfiobox reads and writes config space through sysfs only, so the library is
# configured with just the linux-sysfs access method (the /proc, I/O-port,
# memory-mapped and dump methods are left out of config.h) and built with
# function sections: the static binary keeps only what it calls.
OPTS="ZLIB=no DNS=no LIBKMOD=no HWDB=no SHARED=no"
make -s -C "$OUT" CC="$CC" $OPTS lib/config.h >"$OUT/build.log" 2>&1 || {
	echo "libpci.sh: configuring libpci failed; log:" >&2; tail -30 "$OUT/build.log" >&2; exit 1; }
sed -i '/PCI_HAVE_PM_LINUX_PROC\|PCI_HAVE_PM_MMIO_CONF\|PCI_HAVE_PM_INTEL_CONF\|PCI_HAVE_PM_DUMP/d' "$OUT/lib/config.h"
grep -q PCI_HAVE_PM_LINUX_SYSFS "$OUT/lib/config.h" || { echo "libpci.sh: no linux-sysfs method in config.h" >&2; exit 1; }
make -s -C "$OUT" CC="$CC" $OPTS OPT="-Os -ffunction-sections -fdata-sections -fno-strict-aliasing" \
	lib/libpci.a >>"$OUT/build.log" 2>&1 || {
	echo "libpci.sh: building libpci failed; log:" >&2; tail -30 "$OUT/build.log" >&2; exit 1; }
# Headers as <pci/pci.h>, the way the library is installed.
mkdir -p "$OUT/include/pci"
cp "$OUT"/lib/pci.h "$OUT"/lib/header.h "$OUT"/lib/types.h "$OUT"/lib/config.h "$OUT/include/pci/"
