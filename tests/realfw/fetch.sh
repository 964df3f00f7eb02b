#!/bin/sh
# tests/realfw/fetch.sh: the ACPI tables of real machines, from sources in
# Debian's archive, for realfw.test; prints the directory that holds them,
# one subdirectory per machine laid out as /sys/firmware/acpi/tables.
#
# - qemu (tests/data/acpi/{pc,q35,microvm,virt}/): the tables QEMU's own
#   test suite expects its machines to have, as QEMU built them; one machine
#   per variant (the variant's files replace the base ones, as QEMU's
#   bios-tables-test reads them);
# - u-boot (board/*/*/dsdt.asl): the DSDTs of the boards whose firmware
#   U-Boot builds for x86, among them a laptop (Google's Chromebook Coral),
#   preprocessed as U-Boot's build does (cpp with its Kconfig values: the
#   board's defconfig, then the Kconfig defaults) and compiled with iasl -ln;
#   iasl's namespace listing of the source is kept beside it (DSDT.nsp).
#
# The source packages are fetched with apt-get source --download-only
# through a private sources list (deb-src for the machine's release; the
# host's apt configuration is never touched) and unpacked in
# $VFIOBOX_CACHE/realfw/. Exit 77 with the reason when the archive cannot
# be reached (the caller decides whether that is a skip).
set -eu
cache=${VFIOBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfiobox}/realfw
out=$cache/tables
[ -f "$out/.done" ] && { echo "$out"; exit 0; }
for c in iasl cpp tar apt-get; do
	command -v $c >/dev/null || { echo "fetch.sh: $c missing (scripts/need check)" >&2; exit 1; }
done
t=$cache.tmp
rm -rf "$t"
mkdir -p "$t/apt/lists/partial" "$t/apt/cache/archives/partial" "$t/dl"
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite main" >"$t/apt/sources.list"
cat >"$t/apt/apt.conf" <<EOC
Dir::Etc::SourceList "$t/apt/sources.list";
Dir::Etc::SourceParts "$t/apt/none";
Dir::State::Lists "$t/apt/lists";
Dir::Cache "$t/apt/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Sandbox::User "root";
EOC
export APT_CONFIG="$t/apt/apt.conf"
if ! apt-get update -q >"$t/update.log" 2>&1 || grep -q '^\(Err\|W: Failed\)' "$t/update.log"; then
	echo "fetch.sh: Debian's archive (deb-src $suite) cannot be reached: $(grep -m1 '^\(Err\|W\|E\):' "$t/update.log" || echo 'apt-get update failed')" >&2
	exit 77
fi
(cd "$t/dl" && apt-get source --download-only -q qemu u-boot >"$t/source.log" 2>&1) || {
	cat "$t/source.log" >&2
	echo "fetch.sh: apt-get source --download-only qemu u-boot failed" >&2
	grep -q 'Failed to fetch\|Could not resolve\|Temporary failure' "$t/source.log" && exit 77
	exit 1
}
mkdir -p "$t/src" "$t/tables"
q=$(ls "$t"/dl/qemu_*.orig.tar.* | head -1)
u=$(ls "$t"/dl/u-boot_*.orig.tar.* | head -1)
tar -C "$t/src" -xf "$q" --wildcards '*/tests/data/acpi/*'
tar -C "$t/src" -xf "$u" --wildcards '*/arch/x86/*' '*/board/*' '*/include/*' '*/configs/*'

# qemu: machine M, variant V: T.V where there is one, else T
for md in "$t"/src/qemu-*/tests/data/acpi/*/; do
	m=$(basename "$md")
	ls "$md" | grep -q '^DSDT' || continue
	for v in "" $(ls "$md" | sed -n 's/^[A-Z0-9]\{4\}\.//p' | sort -u); do
		d=$t/tables/qemu-$m${v:+-$v}
		mkdir -p "$d"
		for f in $(ls "$md" | grep '^[A-Z0-9]\{4\}$'); do cp "$md/$f" "$d/$f"; done
		[ -n "$v" ] && for f in "$md"/*."$v"; do cp "$f" "$d/$(basename "$f" ".$v")"; done
	done
done

# u-boot: each x86 board with a dsdt.asl, its SoC's ASL as arch/ (from the
# board's Kconfig: SYS_SOC), preprocessed as scripts/Makefile.lib does
ub=$(ls -d "$t"/src/u-boot-*)
kdefaults() {	# the first numeric default of each option, first file first
	awk '/^(menu)?config /{n = $2; d = 0; next}
	     !d && $1 == "default" && $2 ~ /^(0x[0-9a-fA-F]+|[0-9]+)$/ { d = 1; if (!(n in s)) { s[n] = 1; print "#define CONFIG_" n " " $2 } }' "$@"
}
for asl in "$ub"/board/*/*/dsdt.asl; do
	bd=$(dirname "$asl")
	b=$(basename "$bd")
	soc=$(awk '/^config SYS_SOC/{f = 1; next} f && /^[ \t]+default /{gsub(/"/, "", $2); print $2; exit}' "$bd/Kconfig")
	cfg=$(grep -l "^CONFIG_TARGET_$(echo "$b" | tr a-z- A-Z_)=y" "$ub"/configs/*_defconfig 2>/dev/null | head -1)
	[ -n "$soc" ] && [ -d "$ub/arch/x86/include/asm/arch-$soc" ] && [ -n "$cfg" ] || {
		echo "fetch.sh: u-boot board $b: no SoC or defconfig found; left out" >&2; continue; }
	w=$t/ub/$b
	mkdir -p "$w/inc/asm" "$w/inc/generated"
	for f in "$ub"/arch/x86/include/asm/*; do ln -s "$f" "$w/inc/asm/"; done
	ln -s "$ub/arch/x86/include/asm/arch-$soc" "$w/inc/asm/arch"
	{
		sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/#define \1 1/p; s/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/#define \1 \2/p' "$cfg"
		kdefaults "$bd/Kconfig" $(find "$ub/arch/x86" -name Kconfig | sort)
	} | awk '!s[$2]++' >"$w/inc/generated/autoconf.h"
	cpp -x assembler-with-cpp -D__ASSEMBLY__ -D__ACPI__ -P -include "$ub/include/linux/kconfig.h" \
		-I"$w/inc" -I"$ub/include" -I"$ub/arch/x86/include" -I"$bd" -o "$w/dsdt.asl" "$asl" 2>"$w/cpp.log" &&
	(cd "$w" && iasl -ln -p dsdt dsdt.asl >iasl.log 2>&1) || {
		echo "fetch.sh: u-boot board $b: $(grep -m1 -h 'rror' "$w/cpp.log" "$w/iasl.log" 2>/dev/null || echo 'does not build'); left out" >&2
		continue; }
	mkdir -p "$t/tables/u-boot-$b"
	cp "$w/dsdt.aml" "$t/tables/u-boot-$b/DSDT"
	cp "$w/dsdt.nsp" "$t/tables/u-boot-$b/DSDT.nsp"
done
ls "$t"/tables/u-boot-* >/dev/null 2>&1 || { echo "fetch.sh: no u-boot board built" >&2; exit 1; }
ls "$t"/tables/qemu-* >/dev/null 2>&1 || { echo "fetch.sh: no qemu tables" >&2; exit 1; }
( cd "$t/dl" && ls *.dsc ) >"$t/tables/SOURCES"
touch "$t/tables/.done"
rm -rf "$out"
mkdir -p "$cache"
mv "$t/tables" "$out"
rm -rf "$t"
echo "$out"
