#!/bin/bash
# Test-only dracut module (tests/hooks/boot/e2e-image.sh): runs the e2e
# scenario (/e2e/run, appended to the image) once udev coldplug is done, and
# gives dracut's /init a root= stand-in so it gets that far without a root.
# Without systemd it also installs what loads rd.driver.pre= there: the
# cmdline hook (priority 01) of dracut's own 90kernel-modules, which a real
# image always has; the whole module would add some 30 MB of drivers to
# every boot (with systemd, dracut-pre-udev.service loads them).
check() { return 255; }
# No depends on vfiobox: the images name it in -m, and the conventional image
# (e2e-image.sh dracut-plain, bench/hooks) has this module without vfiobox.
depends() { return 0; }
install() {
    inst_hook cmdline 99 "$moddir/e2e-root.sh"
    if dracut_module_included "systemd"; then
        inst_simple "$moddir/vfiobox-e2e.service" "$systemdsystemunitdir/vfiobox-e2e.service"
        $SYSTEMCTL -q --root "$initdir" add-wants sysinit.target vfiobox-e2e.service
    else
        inst_hook pre-mount 99 "$moddir/e2e-premount.sh"
        dracut_module_included kernel-modules ||
            inst_hook cmdline 01 "$dracutbasedir/modules.d/90kernel-modules/parse-kernel.sh"
    fi
}
