#!/bin/sh
# tests/tools/nvrom.sh OUT VENDOR DEVICE [cut]: an option ROM laid out as
# NVIDIA's are, made small (a Quadro K2000M's as rom-parser lists it: the
# legacy image with its PCIR at 0x190, NVIDIA's image of type 0xe0 for
# device 0ff0 with class 0 and a revision 0 PCIR, then the EFI image, marked
# last). Each image has NVIDIA's NPDE after its PCIR; the legacy checksum
# covers the initialization size (7 of 8 blocks), whose code returns at once
# (a guest's SeaBIOS runs it). VENDOR and DEVICE are hex.
#
# cut: the legacy image's NPDE says 10 blocks where its PCIR says 8, and 2
# blocks of other data come first, as on the cards whose sysfs rom gives only
# the legacy image: the kernel's walk (pci_get_rom_size) follows the PCIR
# length, finds no 0x55AA at 0x1000 and stops there.
set -eu
out=$1 ven=$((0x$2)) dev=$3 cut=${4:-}

le16() { printf '\\%03o\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)); }
oct() { printf '\\%03o' "$1"; }

# img BLOCKS CODE DEVICE LAST PCIR REV CLASS INIT NPDE-BLOCKS (CLASS: 6 hex)
img() {
	slen=$((0x18)); [ "$6" -lt 3 ] || slen=$((0x1c))
	npde=$((($5 + slen + 15) / 16 * 16))
	f=$(mktemp)
	{
		printf '\125\252'
		if [ "$2" = 3 ]; then
			printf "$(le16 "$8")$(le16 $((0x0ef1)))\\000\\000$(le16 11)$(le16 $((0x8664)))$(le16 1)"
			head -c 8 /dev/zero
			printf "$(le16 $(($5 + slen)))"
		else
			printf "$(oct "$8")\\313"	# entry point: retf (SeaBIOS runs it)
			head -c 20 /dev/zero
		fi
		printf "$(le16 "$5")"
		head -c $(($5 - 0x1a)) /dev/zero
		printf "PCIR$(le16 $ven)$(le16 $((0x$3)))$(le16 0)$(le16 $slen)$(oct "$6")"
		printf "$(oct $((0x$7 & 255)))$(oct $((0x$7 >> 8 & 255)))$(oct $((0x$7 >> 16)))"
		printf "$(le16 "$1")$(le16 1)$(oct "$2")$(oct $(($4 ? 128 : 0)))"
		head -c $((npde - $5 - 0x16)) /dev/zero
		printf "NPDE$(le16 $((0x101)))$(le16 $((0x0e)))$(le16 "$9")$(oct $(($4 ? 128 : 0)))\\000"
		head -c $(($1 * 512 - npde - 12)) /dev/zero
	} >"$f"
	if [ "$2" = 0 ]; then		# the byte before the end of INIT blocks
		s=$(od -An -v -tu1 -N $(($8 * 512 - 1)) "$f" | awk '{for (i = 1; i <= NF; i++) s += $i} END {print s % 256}')
		printf "$(oct $(( (256 - s) % 256 )))" | dd of="$f" bs=1 seek=$(($8 * 512 - 1)) conv=notrunc 2>/dev/null
	fi
	cat "$f"
	rm -f "$f"
}

{
	if [ "$cut" = cut ]; then
		img 8 0 "$dev" 0 $((0x190)) 3 030000 7 10
		head -c 1024 /dev/zero | tr '\000' '\377'
	else
		img 8 0 "$dev" 0 $((0x190)) 3 030000 7 8
	fi
	img 4 $((0xe0)) 0ff0 0 $((0x40)) 0 000000 0 4
	img 6 3 "$dev" 1 $((0x1c)) 3 030000 6 6
} >"$out"
