# e2e-desc: initramfs-tools (Debian's mkinitramfs), vfiobox's hooks from make
#   install: init-top/00vfiobox runs before init-top/udev (coldplug) and before
#   load_modules, which lists the drivers of every device here (bochs,
#   snd_hda_intel, e1000e); only the unclaimed devices get them
# e2e-image: tests/hooks/boot/e2e-image.sh initramfs-tools
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0
# e2e-timeout: 120
. /e2e/hookcheck.sh
hook_checks "vfiobox: initramfs-tools init-top: vfio-claim starts" "vfiobox: initramfs-tools init-top: vfio-claim exited"
