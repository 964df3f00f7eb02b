# e2e-desc: a systemd image from the real mkinitcpio v41 (built in a Debian 13
#   root: systemd 257), vfiobox installed with the default PREFIX,
#   HOOKS=(base systemd vfiobox ...): vfiobox-claim.service (found by
#   add_systemd_unit) runs before systemd-udevd, the coldplug trigger and
#   systemd-modules-load, which loads MODULES (the drivers of every device
#   here); they take only the devices that were not claimed
# e2e-image: tests/hooks/boot/e2e-image.sh mkinitcpio-systemd
# e2e-cmdline: printk.devkmsg=on systemd.log_target=kmsg vfiobox.claim=0000:01:00.0
# e2e-timeout: 150
. /e2e/hookcheck.sh
hook_checks "Starting vfiobox-claim.service" "vfiobox-claim.service: Deactivated successfully|vfiobox-claim.service: Main process exited|Finished vfiobox-claim.service"
# The unit add_systemd_unit found runs PREFIX/bin/vfiobox, which it added.
check_match "the unit runs /usr/local/bin/vfiobox (the default PREFIX)" '^ExecStart=/usr/local/bin/vfiobox vfio-claim$' \
	"$(grep '^ExecStart=' /usr/lib/systemd/system/vfiobox-claim.service)"
check "/usr/local/bin/vfiobox is in the image" test -x /usr/local/bin/vfiobox
