# e2e-desc: negative control for the hook scenarios (must FAIL): the
#   mkinitcpio image with e2e.misorder, where the test-only early hook
#   e2emisorder (before vfiobox in HOOKS) loads MODULES (the drivers) first, as
#   a claim placed too late would run; the
#   checks of tests/hooks/boot/hookcheck.sh must catch it
# e2e-image: tests/hooks/boot/e2e-image.sh mkinitcpio
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0 e2e.misorder
# e2e-timeout: 90
. /e2e/hookcheck.sh
hook_checks "vfiobox: mkinitcpio early hook: vfio-claim starts" "vfiobox: mkinitcpio early hook: vfio-claim exited"
