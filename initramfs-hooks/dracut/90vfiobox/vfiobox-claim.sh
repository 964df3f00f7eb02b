#!/bin/sh
# dracut hook (cmdline, priority 00) of the vfiobox module: sourced by dracut's
# /init, so it must not exit. Claims the devices selected on the kernel
# command line (vfiobox.ids=, vfiobox.claim=, vfiobox.hda=) or in
# /etc/vfiobox.conf for vfio-pci, before udev starts and before rd.driver.pre=
# modules load.

[ -w /dev/kmsg ] && echo "<6>vfiobox: dracut hook: vfio-claim starts" > /dev/kmsg
/usr/bin/vfiobox vfio-claim
_vfiobox_rc=$?
[ -w /dev/kmsg ] && echo "<6>vfiobox: dracut hook: vfio-claim exited $_vfiobox_rc" > /dev/kmsg
unset _vfiobox_rc
return 0
