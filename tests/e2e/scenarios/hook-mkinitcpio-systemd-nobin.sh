# e2e-desc: negative control of hook-mkinitcpio-systemd: the same image with vfiobox
#   removed from it after the build; the boot goes on, one kernel log line says
#   the claim did not run, the GPU is left to the host drivers
# e2e-image: tests/hooks/boot/e2e-image.sh mkinitcpio-systemd-nobin
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0
# e2e-timeout: 150
. /e2e/hookcheck.sh
hook_missing_checks '^vfiobox: vfiobox-claim.service: the vfiobox binary could not be run \(not in the image\? rebuild it\)'
