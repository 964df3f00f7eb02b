#!/bin/bash
# tests/hooks/boot/mkinitcpio/build.sh OUT: a busybox image built the way
# mkinitcpio builds one (mkinitcpio is not packaged in Debian): the real build
# hook $STAGE/usr/lib/initcpio/install/vfiobox is sourced and its build() runs
# against working versions of mkinitcpio's add_* functions that copy into a
# buildroot with mkinitcpio's layout; /config lists EARLYHOOKS/HOOKS/MODULES as
# mkinitcpio's parse_config writes them; /init (init next to this file) runs
# them in mkinitcpio's order, then the e2e scenario (/e2e/run).
# HOOKS=(base vfiobox udev) with MODULES=($MKINITCPIO_MODULES, default e1000e):
# "base" is busybox + kmod, "udev" a stand-in (hooks/udev here) that does the
# coldplug by modalias, since udevd itself is not copied in.
# Environment: STAGE (make install DESTDIR), KDIR (kernel tree: root/lib/modules/KVER), KVER.
# The e2e scenario is appended by tests/hooks/boot/e2e-image.sh; /init runs it last.
set -eu
OUT=$1
here=$(cd "$(dirname "$0")" && pwd)
BUILDROOT=$(mktemp -d "${TMPDIR:-/tmp}/vfiobox-mkinitcpio.XXXXXX")
trap 'rm -rf "$BUILDROOT"' EXIT
KMOD_ROOT=$KDIR/root
declare -A runhooks=([early]="" [hooks]="" [late]="")
errors=0
error() { echo "==> ERROR: $*" >&2; errors=$((errors + 1)); return 1; }

# The layout of mkinitcpio's initialize_buildroot.
install -dm755 "$BUILDROOT"/{new_root,proc,sys,dev,run,tmp,var,etc,usr/{local,lib,bin},hooks}
ln -s usr/lib "$BUILDROOT/lib"
ln -s ../lib "$BUILDROOT/usr/local/lib"
ln -s bin "$BUILDROOT/usr/sbin"
ln -s usr/bin "$BUILDROOT/bin"
ln -s usr/bin "$BUILDROOT/sbin"
ln -s ../bin "$BUILDROOT/usr/local/bin"
ln -s ../bin "$BUILDROOT/usr/local/sbin"
ln -s lib "$BUILDROOT/usr/lib64"
ln -s usr/lib "$BUILDROOT/lib64"
: >"$BUILDROOT/etc/initrd-release"
install -dm755 "$BUILDROOT/usr/lib/modules/$KVER/kernel"

add_dir() { install -dm"${2:-755}" "$BUILDROOT$1"; }
add_file() {
	local src=$1 dest=${2:-$1} mode=${3:-}
	[[ -f $src ]] || { error "file not found: $src"; return 1; }
	mode=${mode:-$(stat -c %a "$src")}
	install -Dm"$mode" "$src" "$BUILDROOT$dest"
}
add_symlink() {
	local name=$1 target=${2:-}
	[[ $target ]] || target=$(readlink -f "$name")
	add_dir "${name%/*}"
	ln -sfn "$target" "$BUILDROOT$name"
}
add_binary() {
	local bin=$1 dest=${2:-} lib
	[[ $bin = /* ]] || bin=$(type -P "$bin") || { error "binary not found: $1"; return 1; }
	add_file "$bin" "${dest:-$bin}" "$(stat -c %a "$bin")" || return 1
	for lib in $(ldd "$bin" 2>/dev/null | sed -n 's/.*[ \t]\(\/[^ ]*\) (0x.*/\1/p'); do
		[[ -e $BUILDROOT$lib ]] || add_file "$lib" "$lib" "$(stat -Lc %a "$lib")"
	done
	return 0
}
add_module() {
	local name=$1 optional=0 kind path found=0
	[[ $name = *\? ]] && { optional=1; name=${name%?}; }
	while read -r kind path _; do
		[[ $kind = insmod ]] || continue
		found=1
		[[ -e $BUILDROOT${path#"$KMOD_ROOT"} ]] || add_file "$path" "${path#"$KMOD_ROOT"}" 644
	done < <(modprobe -d "$KMOD_ROOT" -S "$KVER" --show-depends "$name" 2>/dev/null)
	(( found || optional )) || { error "module not found: $name"; return 1; }
	return 0
}
add_runscript() {
	local hook=${BASH_SOURCE[1]##*/} fn src
	src=$HOOKSRC/$hook
	add_file "$src" "/hooks/$hook" 755 || return 1
	for fn in $(awk -v funcmatch='^run_[[:alnum:]_]+' '
	    /^[[:space:]]*[[:alnum:]_]+[[:space:]]*\([[:space:]]*\)/ {
	        match($1, funcmatch); print substr($1, RSTART, RLENGTH) }' "$src"); do
		case $fn in
		run_earlyhook) runhooks[early]+=" $hook" ;;
		run_hook) runhooks[hooks]+=" $hook" ;;
		run_latehook) runhooks[late]+=" $hook" ;;
		esac
	done
}

# HOOKS=(base vfiobox udev)
# base: busybox and its applets, then kmod's tools over them.
add_binary /bin/busybox /usr/bin/busybox
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || add_symlink "/usr/bin/$a" busybox; done
add_binary kmod /usr/bin/kmod
for a in depmod insmod rmmod lsmod modprobe modinfo; do add_symlink "/usr/bin/$a" kmod; done
add_file "$here/init" /init 755
# vfiobox: the hook under test, as installed, sourced into this shell as
# mkinitcpio does (no add_systemd_unit here: the busybox flavour).
PATH=$STAGE/usr/bin:$PATH
HOOKSRC=$STAGE/usr/lib/initcpio/hooks
. "$STAGE/usr/lib/initcpio/install/vfiobox"
build || errors=$((errors + 1))
# udev (stand-in)
add_file "$here/udev" /hooks/udev 755
runhooks[hooks]+=" udev"
# MODULES=(...)
MODULES=${MKINITCPIO_MODULES:-e1000e}
for m in $MODULES; do add_module "$m"; done

(( errors == 0 )) || { echo "mkinitcpio-style build: $errors error(s)" >&2; exit 1; }
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$KMOD_ROOT/lib/modules/$KVER/$f" ] && cp "$KMOD_ROOT/lib/modules/$KVER/$f" "$BUILDROOT/usr/lib/modules/$KVER/"
done
depmod -b "$BUILDROOT" "$KVER"
# As mkinitcpio's install_modules: only the binary indexes stay (no text
# modules.dep for a busybox modprobe applet to read).
shopt -s extglob
rm "$BUILDROOT/usr/lib/modules/$KVER"/modules.!(*.bin|devname|softdep)
printf '%s="%s"\n' MODULES "$MODULES" EARLYHOOKS "${runhooks[early]# }" HOOKS "${runhooks[hooks]# }" \
	LATEHOOKS "${runhooks[late]# }" CLEANUPHOOKS "" >"$BUILDROOT/config"
mknod -m 0600 "$BUILDROOT/dev/console" c 5 1 2>/dev/null || true
# Uncompressed, as mkinitcpio with COMPRESSION="cat" (the test appends the
# e2e payload; the kernel unpacks the concatenation faster than gzip under TCG).
(cd "$BUILDROOT" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$OUT"
cp "$BUILDROOT/config" "$OUT.config"
