# e2e-desc: a mkinitcpio-style busybox image (mkinitcpio is not in Debian): the
#   real build hook run with working add_* functions, /init in mkinitcpio's
#   order (early hooks, MODULES = the drivers of every device here, then the
#   hooks where udev's coldplug would be); vfiobox's early hook claims first
# e2e-image: tests/hooks/boot/e2e-image.sh mkinitcpio
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0
# e2e-timeout: 90
. /e2e/hookcheck.sh
hook_checks "vfiobox: mkinitcpio early hook: vfio-claim starts" "vfiobox: mkinitcpio early hook: vfio-claim exited"
