#!/bin/sh
# tests/e2e/mkbase.sh KDIR OUT VFIOBOX VFIO_OPEN [MODULE...]
#
# Build the part of the guest initramfs that every scenario shares, as an
# uncompressed newc cpio (the runner appends a small per-scenario archive; the
# kernel unpacks concatenated archives in order):
#   /bin/busybox (static; /init makes the applet links)   /init
#   /e2e/lib.sh   /e2e/bin/vfiobox   /e2e/bin/vfio-open   /e2e/kconfig
#   /e2e/bin/lspci (pciutils' own, static, built from the pinned source whose
#   libpci the binary links: E2E_PCIUTILS, default build/pciutils-musl; left
#   out with a note when that tree is missing)   /e2e/pci.ids (tests/data's)
#   /lib/modules/KVER/...: MODULE... and everything they depend on, as
#   `modprobe --show-depends` computes it against the unpacked kernel in KDIR,
#   with a fresh depmod index (busybox modprobe reads modules.dep)
# A MODULE that this kernel does not have (vfio_virqfd on 6.2+) is skipped with
# a note on stderr. Not compressed: the guest unpacks it faster than it could
# inflate it under TCG.
set -eu
export LC_ALL=C
KDIR=$1 OUT=$2 VFIOBOX=$3 VFIO_OPEN=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$KDIR/kver")
busybox=${E2E_BUSYBOX:-/bin/busybox}

st=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-e2e-base.XXXXXX")
trap 'rm -rf "$st"' EXIT INT TERM
mkdir -p "$st/bin" "$st/dev" "$st/e2e/bin" "$st/lib/modules/$kver" "$st/proc" "$st/sys" "$st/tmp"
cp "$busybox" "$st/bin/busybox"
ln -s busybox "$st/bin/sh"
cp "$here/guest/init" "$st/init"
cp "$here/guest/lib.sh" "$st/e2e/lib.sh"
cp "$VFIOBOX" "$st/e2e/bin/vfiobox"
cp "$VFIO_OPEN" "$st/e2e/bin/vfio-open"
chmod 0755 "$st/init" "$st/bin/busybox" "$st/e2e/bin/vfiobox" "$st/e2e/bin/vfio-open"
# lspci for the scenarios that compare vfiobox's views with pciutils' own.
pcidir=${E2E_PCIUTILS:-build/pciutils-musl}
if [ -f "$pcidir/lib/libpci.a" ]; then
	if [ ! -x "$pcidir/lspci" ]; then
		khdr=$(cd "$pcidir/../khdr" 2>/dev/null && pwd) || khdr=
		make -s -C "$pcidir" CC="${MUSLCC:-musl-gcc}${khdr:+ -isystem $khdr}" ZLIB=no DNS=no \
			LIBKMOD=no HWDB=no SHARED=no LDFLAGS=-static lspci >"$st/lspci.log" 2>&1 ||
			{ echo "e2e mkbase: building lspci failed:" >&2; tail -5 "$st/lspci.log" >&2; }
		rm -f "$st/lspci.log"
	fi
	[ -x "$pcidir/lspci" ] && cp "$pcidir/lspci" "$st/e2e/bin/lspci" && strip "$st/e2e/bin/lspci" 2>/dev/null
else
	echo "e2e mkbase: no $pcidir/lib/libpci.a: the guest has no lspci" >&2
fi
cp "$here/../data/pci.ids" "$st/e2e/pci.ids"
# The kernel's config (setup.sh keeps the package's boot/config-KVER): for
# the scenarios whose expectations depend on it (vfio-interfaces). Not where
# vfiobox looks (/boot, /lib/modules/KVER): a scenario puts it there if it
# wants an installed system's view.
[ -f "$KDIR/config" ] && cp "$KDIR/config" "$st/e2e/kconfig"
# The kernel opens /dev/console for /init before devtmpfs is mounted.
mknod -m 0600 "$st/dev/console" c 5 1 2>/dev/null || true

mroot=$KDIR/root
for m in "$@"; do
	if ! deps=$(modprobe -d "$mroot" -S "$kver" --show-depends "$m" 2>/dev/null); then
		echo "e2e mkbase: module $m: not in kernel $kver, skipped" >&2
		continue
	fi
	printf '%s\n' "$deps" | while read -r kind path _rest; do
		[ "$kind" = insmod ] || continue # "builtin NAME": nothing to copy
		rel=${path#"$mroot"}
		[ -f "$st$rel" ] && continue
		mkdir -p "$st$(dirname "$rel")"
		cp "$path" "$st$rel"
	done
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$mroot/lib/modules/$kver/$f" ] && cp "$mroot/lib/modules/$kver/$f" "$st/lib/modules/$kver/"
done
depmod -b "$st" "$kver"

mkdir -p "$(dirname "$OUT")"
(cd "$st" && find . | sort | cpio -o -H newc -R 0:0 --quiet) > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
