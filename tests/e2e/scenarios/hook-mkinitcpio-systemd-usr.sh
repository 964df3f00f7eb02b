# e2e-desc: hook-mkinitcpio-systemd with vfiobox installed with PREFIX=/usr (as
#   the packages install it): the unit's ExecStart and the build hook's binary
#   are /usr/bin/vfiobox; the claim runs before systemd-udevd, the coldplug
#   trigger and systemd-modules-load
# e2e-image: HOOK_PREFIX=/usr tests/hooks/boot/e2e-image.sh mkinitcpio-systemd
# e2e-cmdline: printk.devkmsg=on systemd.log_target=kmsg vfiobox.claim=0000:01:00.0
# e2e-timeout: 150
. /e2e/hookcheck.sh
hook_checks "Starting vfiobox-claim.service" "vfiobox-claim.service: Deactivated successfully|vfiobox-claim.service: Main process exited|Finished vfiobox-claim.service"
check_match "the unit runs /usr/bin/vfiobox (PREFIX=/usr)" '^ExecStart=/usr/bin/vfiobox vfio-claim$' \
	"$(grep '^ExecStart=' /usr/lib/systemd/system/vfiobox-claim.service)"
check "nothing in /usr/local/bin" test ! -e /usr/local/bin/vfiobox
