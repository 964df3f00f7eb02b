# e2e-desc: dracut without systemd, vfiobox's module from make install: the
#   claim (a cmdline hook at priority 00) runs before rd.driver.pre= (what
#   dracut's force_drivers writes; loaded by 90kernel-modules' cmdline hook at
#   priority 01) and before udev coldplug, which name the drivers of every
#   device here (bochs, snd_hda_intel, e1000e); the GPU and its HDA stay off
#   their drivers, the VGA and the NIC get theirs
# e2e-image: tests/hooks/boot/e2e-image.sh dracut
# e2e-cmdline: printk.devkmsg=on vfiobox.claim=0000:01:00.0 rd.driver.pre=e1000e,bochs,snd_hda_intel
# e2e-timeout: 120
. /e2e/hookcheck.sh
hook_checks "vfiobox: dracut hook: vfio-claim starts" "vfiobox: dracut hook: vfio-claim exited"
