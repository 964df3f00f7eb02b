# The early-boot hooks, the libvirt hook, make install and the Nix files:
#   make hooks-check    tests/hooks/*.test: real mkinitcpio v41 (a copy in
#                       tests/hooks), dracut and initramfs-tools images
#                       against Debian's kernel (content), make install into a
#                       DESTDIR, Nix parse + module evaluation, and the boot
#                       tests' negative control
# The boot scenarios are in the e2e suite (tests/e2e/scenarios/hook-*.sh: each
# generator's image boots under QEMU and the claim comes before udev coldplug
# and module loading); their images need dracut-core and initramfs-tools-core,
# hence `e2e: | need-hooks`. The libvirt hook is tested with the applet tests
# (tests/applets/libvirt-hook.test).

need-hooks:
	@scripts/need hooks e2e

hooks-check: vfiobox $(E2E_VFIO_OPEN) | need-hooks
	@tests/hooks/run.sh ./vfiobox

check-extra: hooks-check
e2e: | need-hooks

.PHONY: need-hooks hooks-check
