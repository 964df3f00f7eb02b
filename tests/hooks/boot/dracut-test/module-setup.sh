#!/bin/bash
# Test-only dracut module (tests/hooks/boot.test): the guest-side checker
# (check.sh) run after udev coldplug, and a root= stand-in so dracut's /init
# gets that far without a root device.
check() { return 255; }
depends() { echo vfiobox; }
install() {
    inst_script "$moddir/check.sh" /usr/bin/e2e-check
    inst_multiple grep sed readlink dmesg cat cut sync sleep
    inst_hook cmdline 99 "$moddir/e2e-root.sh"
    if dracut_module_included "systemd"; then
        inst_simple "$moddir/vfiobox-e2e.service" "$systemdsystemunitdir/vfiobox-e2e.service"
        $SYSTEMCTL -q --root "$initdir" add-wants sysinit.target vfiobox-e2e.service
    else
        inst_hook pre-mount 99 "$moddir/e2e-premount.sh"
    fi
}
