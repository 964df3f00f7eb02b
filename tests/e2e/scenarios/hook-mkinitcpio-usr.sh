# e2e-desc: hook-mkinitcpio with vfiobox installed with PREFIX=/usr (as the
#   packages install it): the build hook finds /usr/bin/vfiobox (the BINDIR
#   `make install` wrote into it), and the busybox image's early hook claims
#   before MODULES and udev's coldplug
# e2e-image: HOOK_PREFIX=/usr tests/hooks/boot/e2e-image.sh mkinitcpio
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0
# e2e-timeout: 90
. /e2e/hookcheck.sh
hook_checks "vfiobox: mkinitcpio early hook: vfio-claim starts" "vfiobox: mkinitcpio early hook: vfio-claim exited"
