# bench/hooks/guest.sh: one boot of the hook boot-cost bench (bench/hooks/run.sh
# adds the image and command line headers), run by the image's own boot flow
# through /e2e/run once its module loading is done. Reports, by the kernel's
# clock (ms from its start): to-init, when the image handed over to /e2e/run
# (where the real root's init would start); claim-done, the vfiobox hook's
# "vfio-claim exited" line, when the image has one. Checks that the GPU and
# its HDA function are on vfio-pci, whichever way got them there.
# e2e-desc: hook boot cost bench (bench/hooks/run.sh), not a test
# e2e-timeout: 150
t=$(kmark "bench: to init") && report_time to-init "$(ms_between 0 "$t")"
c=$(dmesg | sed -n 's/^\[ *\([0-9.]*\)\] vfiobox: .*vfio-claim exited.*/\1/p' | head -n 1)
[ -n "$c" ] && report_time claim-done "$(ms_between 0 "$c")"
wait_driver $E2E_GPU vfio-pci 10
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
