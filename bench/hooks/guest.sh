# bench/hooks/guest.sh: one boot of the hook boot-cost bench (bench/hooks/run.sh
# adds the image and command line headers), run by the image's own boot flow
# through /e2e/run once its module loading is done. Reports, by the kernel's
# clock (ms from its start, `E2E: TIME NAME MS`):
#   to-init     the image handed over to /e2e/run (where the real root's init
#               would start; for dracut with systemd: the unit after the
#               coldplug trigger)
#   run-init    the kernel started the image's /init ("Run /init as init
#               process"): before it, the kernel's own boot and the unpacking
#   claim-start, claim-done  vfiobox's hook: its "vfio-claim starts" and
#               "vfio-claim exited" lines (with systemd, the unit's Starting
#               and Finished lines, systemd.log_target=kmsg)
#   vfio-load   vfio.ko's first line ("VFIO - User Level meta-driver"): the
#               first of the vfio modules loading, in either image
#   vfio-ids    vfio-pci registering with ids= (its "add [" line), when the
#               image loads it with options vfio-pci ids=
# Then checks, whichever way the image got there, that the GPU and its HDA
# function are on vfio-pci and that the controls (the boot VGA, the NIC) have
# their drivers, and prints the kernel log as BENCH-DMESG lines (where the
# time went: bench/hooks/table.py --steps).
# e2e-desc: hook boot cost bench (bench/hooks/run.sh), not a test
# e2e-timeout: 240
t=$(kmark "bench: to init") && report_time to-init "$(ms_between 0 "$t")"
dmesg >/tmp/bench.dmesg
# first_ts ERE: the timestamp of the first kernel log line matching ERE.
first_ts() {
	grep -m1 -E "$1" /tmp/bench.dmesg | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}
for m in "run-init|Run /init as init process" \
	"claim-start|vfiobox: .*vfio-claim starts|Starting vfiobox-claim\.service" \
	"claim-done|vfiobox: .*vfio-claim exited|Finished vfiobox-claim\.service" \
	"vfio-load|VFIO - User Level meta-driver" \
	"vfio-ids|vfio_pci: add \["; do
	c=$(first_ts "${m#*|}")
	[ -n "$c" ] && report_time "${m%%|*}" "$(ms_between 0 "$c")"
done
wait_driver $E2E_GPU vfio-pci 20
wait_driver $E2E_HDA vfio-pci 20
wait_driver $E2E_VGA bochs-drm 20
wait_driver $E2E_NIC e1000e 20
check_driver $E2E_GPU vfio-pci
check_driver $E2E_HDA vfio-pci
check_driver $E2E_VGA bochs-drm
check_driver $E2E_NIC e1000e
dmesg | sed 's/^/BENCH-DMESG /'
