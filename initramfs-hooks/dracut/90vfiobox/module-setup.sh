#!/bin/bash
# dracut module "vfiobox": claims the PCI devices meant for a VM for vfio-pci
# before udev coldplug and before any driver named by rd.driver.pre= /
# force_drivers is loaded. Enable it with add_dracutmodules+=" vfiobox " in
# /etc/dracut.conf.d/vfiobox.conf (hostonly images pick it up by themselves
# when /etc/vfiobox.conf exists).
#
# Without systemd: a cmdline hook at priority 00. dracut's pre-udev hooks would
# run too late here: 90kernel-modules loads rd.driver.pre= / force_drivers
# modules in its cmdline hook (priority 01), before any pre-udev hook.
# With systemd: vfiobox-claim.service, ordered before systemd-udevd,
# systemd-modules-load and dracut-pre-udev (which loads rd.driver.pre= there).
#
# VFIOBOX_CONF=FILE puts FILE into the image as /etc/vfiobox.conf instead of
# the host's /etc/vfiobox.conf (an image for another machine).
#
# The binary: dracut's PATH is /sbin /bin /usr/sbin /usr/bin, so `make install`
# writes the directory it installed vfiobox into (BINDIR) on the next line; the
# usual bin directories are tried after it. In the image it is /usr/bin/vfiobox
# (and BINDIR/vfiobox too in systemd images, where the unit runs that).
vfiobox_bindir=/usr/bin

# vfiobox_dirs: the directories looked in, in order, once each.
vfiobox_dirs() {
    local dir dirs=()
    for dir in "$vfiobox_bindir" /usr/bin /usr/sbin /bin /sbin /usr/local/bin /usr/local/sbin; do
        [[ " ${dirs[*]} " == *" $dir "* ]] || dirs+=("$dir")
    done
    echo "${dirs[@]}"
}

# vfiobox_binary: print the path of the binary to put into the image.
vfiobox_binary() {
    local dir
    for dir in $(vfiobox_dirs); do
        [[ -x $dir/vfiobox ]] && echo "$dir/vfiobox" && return 0
    done
    return 1
}

# called by dracut
check() {
    [[ $hostonly ]] && [[ -f ${VFIOBOX_CONF:-/etc/vfiobox.conf} ]] && return 0
    return 255
}

# called by dracut
depends() {
    # Nothing: the module installs modprobe and the vfio modules itself.
    return 0
}

# called by dracut
installkernel() {
    # vfio_pci_core exists since 5.15; vfio_virqfd was folded into vfio in 6.2;
    # vfio_iommu_type1 is only a soft dependency of vfio. instmods without -c
    # says nothing when this kernel lacks one of them; hostonly='': all of
    # them, not only those loaded on the machine building the image.
    hostonly='' instmods vfio vfio_iommu_type1 vfio_pci_core vfio_pci irqbypass vfio_virqfd
}

# called by dracut
install() {
    local unit bin src

    if ! src=$(vfiobox_binary); then
        # dracut 059 ignores install()'s status (and a check() failing in a
        # hostonly image drops the module without a word): stop the build.
        derror "vfiobox: no vfiobox binary in $(vfiobox_dirs | sed 's/ /, /g'): an image without it claims nothing at boot. Install it ('make install' with the PREFIX the hooks were installed with, or the vfiobox package), then run dracut -f again"
        exit 1
    fi
    inst_binary "$src" /usr/bin/vfiobox
    inst_multiple modprobe
    local conf=${VFIOBOX_CONF:-/etc/vfiobox.conf}
    [[ -f $conf ]] && inst_simple "$conf" /etc/vfiobox.conf

    if dracut_module_included "systemd"; then
        # make install-dracut puts the unit next to this file; else the host's.
        unit="$moddir/vfiobox-claim.service"
        [[ -f $unit ]] || unit="$systemdsystemunitdir/vfiobox-claim.service"
        inst_simple "$unit" "$systemdsystemunitdir/vfiobox-claim.service"
        # The unit names the binary where make install put it (PREFIX).
        bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
        [[ $bin && $bin != /usr/bin/vfiobox ]] && inst_binary "$src" "$bin"
        $SYSTEMCTL -q --root "$initdir" add-wants sysinit.target vfiobox-claim.service
    else
        inst_hook cmdline 00 "$moddir/vfiobox-claim.sh"
    fi
}
