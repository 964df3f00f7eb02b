# The early-boot hooks, the libvirt hook, make install and the Nix files:
#   make hooks-check    tests/hooks/*.test: mkinitcpio build hook (recorded
#                       add_* calls), real dracut and initramfs-tools images
#                       against Debian's kernel (content), make install into a
#                       DESTDIR, Nix parse + module evaluation, and boot tests:
#                       each image booted under QEMU (TCG) shows the hook
#                       claims before udev coldplug and module loading
# The libvirt hook is tested with the applet tests (tests/applets/libvirt-hook.test).

need-hooks:
	@scripts/need hooks e2e

hooks-check: vfiobox | need-hooks
	@tests/hooks/run.sh ./vfiobox

check-extra: hooks-check

.PHONY: need-hooks hooks-check
