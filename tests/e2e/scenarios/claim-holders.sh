# e2e-desc: a process holding the emulated GPU's DRM node (bochs-drm) makes
#   vfio-claim refuse before any write, naming its pid and the node: exit 1,
#   the GPU and its HDA still on their drivers, no driver_override written;
#   -n lists the holder and still shows the plan; --force claims the group
#   while the holder is still there, and the pair ends on vfio-pci
# e2e-load: bochs snd_hda_intel snd_hda_codec_generic vfio_pci

card=$(ls /sys/bus/pci/devices/$E2E_GPU/drm | grep '^card' | head -n 1)
check "the GPU has a DRM card node" test -n "$card" -a -e /dev/dri/$card
(exec 3< /dev/dri/$card; exec sleep 30) &
holder=$!
check "the holder has the node open" wait_for 5 sh -c "ls -l /proc/$holder/fd | grep -q /dev/dri/$card"

out=$(vfiobox vfio-claim $E2E_GPU 2>&1); rc=$?
printf '%s\n' "$out"
check_eq "refused: exit 1" 1 $rc
check_match "the holder named with its pid and node" "$E2E_GPU: holders: held by sleep \(pid $holder: /dev/dri/$card\).*stop them first, or --force" "$out"
check_driver $E2E_GPU bochs-drm
check_driver $E2E_HDA snd_hda_intel
check_eq "no driver_override written" "(null)" "$(sysattr $E2E_GPU driver_override)"

plan=$(vfiobox vfio-claim -n $E2E_GPU 2>&1)
check_match "-n lists the holder" "^# $E2E_GPU: held by sleep \(pid $holder: /dev/dri/$card\)" "$plan"
check_match "-n shows the plan" "^echo $E2E_GPU > /sys/bus/pci/drivers/bochs-drm/unbind$" "$plan"

out=$(vfiobox vfio-claim --force --timeout=10 $E2E_GPU 2>&1); rc=$?
printf '%s\n' "$out"
check_eq "--force: claimed" 0 $rc
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
kill $holder 2>/dev/null
wait $holder 2>/dev/null || :
