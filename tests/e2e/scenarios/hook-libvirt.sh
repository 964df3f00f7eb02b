# e2e-desc: the libvirt qemu hook as make install-libvirt installs it, run the
#   way libvirt runs a qemu.d script (DOMAIN OPERATION SUBOPERATION EXTRA, the
#   domain XML on stdin) with the seed's domain XML, whose one PCI hostdev is
#   the "GPU": other operations change nothing; prepare begin takes the GPU and
#   its HDA function from bochs-drm and snd_hda_intel to vfio-pci (the group is
#   viable) and writes nothing on stdout; release end gives both back (here
#   vfiobox reports on stderr anyway, a ramfs root looking like early boot:
#   tests/applets/libvirt-hook.test checks the hook's own redirection)
# e2e-image: tests/hooks/boot/libvirt-image.sh
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic
H=/e2e/libvirt/etc/libvirt/hooks/qemu.d/vfiobox
X=/e2e/libvirt/seed-win11.xml
check "the hook is installed executable" test -x $H
check_match "the seed's hostdev is the GPU" "^$E2E_GPU\$" "$(vfiobox domxml --list-hostdevs < $X)"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel

for op in "start begin -" "started begin -" "stopped end -" "migrate begin -" "reconnect begin -"; do
	out=$($H Windows11 $op < $X 2>&1)
	check_eq "$op: exit 0, says nothing" "0:" "$?:$out"
done
check_driver $E2E_GPU bochs-drm

# hook OP SUB EXTRA: as libvirt runs it; stdout in /tmp/hook.out, stderr in /tmp/hook.err
hook() { $H Windows11 "$@" < $X > /tmp/hook.out 2> /tmp/hook.err; }
timed libvirt-prepare hook prepare begin -
check_eq "prepare begin: exit 0" 0 $?
check_eq "prepare begin: nothing on stdout (libvirt passes it on as the XML)" "" "$(cat /tmp/hook.out)"
check_match "prepare begin: vfio-claim's report on stderr" "$E2E_HDA: vfio-pci \(was snd_hda_intel\)" "$(cat /tmp/hook.err)"
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
check "the group is viable" vfio-open $E2E_GPU $E2E_HDA

timed libvirt-release hook release end shutdown
check_eq "release end: exit 0" 0 $?
check_eq "release end: nothing on stdout" "" "$(cat /tmp/hook.out)"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
