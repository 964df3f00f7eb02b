# e2e-desc: dracut with systemd: vfiobox-claim.service runs before
#   systemd-modules-load (rd.modules_load=), dracut-pre-udev (rd.driver.pre=,
#   what force_drivers writes), systemd-udevd and the coldplug trigger, which
#   all name the drivers of every device here (bochs, snd_hda_intel, e1000e);
#   they take only the devices that were not claimed (systemd logs to the
#   kernel log here, so the unit's start and end carry kernel timestamps)
# e2e-image: tests/hooks/boot/e2e-image.sh dracut-systemd
# e2e-cmdline: printk.devkmsg=on systemd.log_target=kmsg vfiobox.claim=0000:01:00.0 rd.driver.pre=e1000e,bochs,snd_hda_intel rd.modules_load=e1000e,bochs,snd_hda_intel
# e2e-timeout: 150
. /e2e/hookcheck.sh
hook_checks "Starting vfiobox-claim.service" "vfiobox-claim.service: Deactivated successfully|vfiobox-claim.service: Main process exited|Finished vfiobox-claim.service"
