# e2e-desc: a busybox image from the real mkinitcpio v41, vfiobox installed
#   with the default PREFIX: mkinitcpio's /init runs the early hooks (vfiobox,
#   then udev's, which starts udevd), MODULES (the drivers of every device
#   here), then udev's coldplug; vfiobox's early hook claims first
# e2e-image: tests/hooks/boot/e2e-image.sh mkinitcpio
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0
# e2e-timeout: 90
. /e2e/hookcheck.sh
hook_checks "vfiobox: mkinitcpio early hook: vfio-claim starts" "vfiobox: mkinitcpio early hook: vfio-claim exited"
