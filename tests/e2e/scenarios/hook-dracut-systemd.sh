# e2e-desc: dracut with systemd: vfiobox-claim.service runs before
#   systemd-udevd, the coldplug trigger and systemd-modules-load; the drivers in
#   the image (bochs, snd_hda_intel, e1000e) come later and take only the
#   devices that were not claimed (systemd logs to the kernel log here, so the
#   unit's start and end carry kernel timestamps)
# e2e-image: tests/hooks/boot/e2e-image.sh dracut-systemd
# e2e-cmdline: printk.devkmsg=on systemd.log_target=kmsg vfiobox.claim=0000:01:00.0
# e2e-timeout: 150
. /e2e/hookcheck.sh
hook_checks "Starting vfiobox-claim.service" "vfiobox-claim.service: Deactivated successfully|vfiobox-claim.service: Main process exited|Finished vfiobox-claim.service"
