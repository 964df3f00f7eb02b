#!/bin/sh
# dracut hook (cmdline, priority 00) of the vfiobox module: sourced by dracut's
# /init, so it must not exit. Claims the devices selected on the kernel
# command line (vfiobox.ids=, vfiobox.claim=, vfiobox.hda=) or in
# /etc/vfiobox.conf for vfio-pci, before udev starts and before rd.driver.pre=
# modules load. When the claim does not run or fails, one line in the kernel
# log says so and the boot goes on (the host drivers then take the devices).

if [ ! -x /usr/bin/vfiobox ]; then
	[ -w /dev/kmsg ] && echo "<3>vfiobox: dracut hook: /usr/bin/vfiobox is not in the image (rebuild it: dracut -f); nothing claimed" > /dev/kmsg
else
	[ -w /dev/kmsg ] && echo "<6>vfiobox: dracut hook: vfio-claim starts" > /dev/kmsg
	/usr/bin/vfiobox vfio-claim
	_vfiobox_rc=$?
	if [ -w /dev/kmsg ]; then
		case $_vfiobox_rc in
		0) echo "<6>vfiobox: dracut hook: vfio-claim exited 0" ;;
		3) echo "<3>vfiobox: dracut hook: vfio-claim exited 3 (a claim failed and so did its undo: its messages above say what state is left)" ;;
		*) echo "<3>vfiobox: dracut hook: vfio-claim exited $_vfiobox_rc (its messages above say why); nothing claimed" ;;
		esac > /dev/kmsg
	fi
	unset _vfiobox_rc
fi
return 0
