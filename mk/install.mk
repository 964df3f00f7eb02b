# make install: the binary, its applet links, the man page and the systemd unit;
# the early-boot and libvirt hooks with install-SYSTEM or HOOKS="...".
#
#   make install PREFIX=/usr [DESTDIR=...] [HOOKS="mkinitcpio dracut ..."]
#   make install-mkinitcpio | install-dracut | install-initramfs-tools |
#        install-libvirt | install-nix | install-hooks (all of them)
#   make uninstall [PREFIX=...] [DESTDIR=...] [HOOKS="..."], uninstall-SYSTEM,
#        uninstall-hooks: with the same variables as the install, removes what
#        it put there (the applet links only if they point at the binary), and
#        the directories only vfiobox uses (APPLETDIR, 90vfiobox, NIXDIR)
#
# PREFIX (default /usr/local) holds bin/vfiobox, the applet links (APPLETDIR,
# default PREFIX/libexec/vfiobox: names like `list` and `power` do not belong
# in bin; APPLETDIR=$(BINDIR) puts them there), share/man/man1/vfiobox.1 and
# lib/systemd/system/vfiobox-claim.service. The hooks go where their systems
# look, whatever PREFIX is (each directory can be overridden):
#   INITCPIODIR        /usr/lib/initcpio            install/vfiobox hooks/vfiobox
#   DRACUTMODDIR       /usr/lib/dracut/modules.d    90vfiobox/
#   INITRAMFSTOOLSDIR  /usr/share/initramfs-tools   hooks/vfiobox scripts/init-top/00vfiobox
#   LIBVIRTHOOKDIR     /etc/libvirt/hooks/qemu.d    vfiobox (libvirt >= 6.5; for older
#                      libvirt: LIBVIRTHOOK=/etc/libvirt/hooks/qemu)
#   NIXDIR             PREFIX/share/vfiobox         src/ (the source tree nix/ builds from)
# mkinitcpio's add_systemd_unit only searches /usr/lib/systemd/system, so
# install-mkinitcpio also puts the unit there (SYSTEMDSYSTEMDIR). Every copy
# of the unit runs BINDIR/vfiobox, and the build hooks (mkinitcpio, dracut,
# initramfs-tools) look for the binary in BINDIR first: the generators' own
# PATHs leave out /usr/local/bin.

PREFIX            ?= /usr/local
DESTDIR           ?=
BINDIR            ?= $(PREFIX)/bin
APPLETDIR         ?= $(PREFIX)/libexec/vfiobox
MANDIR            ?= $(PREFIX)/share/man
UNITDIR           ?= $(PREFIX)/lib/systemd/system
SYSTEMDSYSTEMDIR  ?= /usr/lib/systemd/system
INITCPIODIR       ?= /usr/lib/initcpio
DRACUTMODDIR      ?= /usr/lib/dracut/modules.d
INITRAMFSTOOLSDIR ?= /usr/share/initramfs-tools
LIBVIRTHOOKDIR    ?= /etc/libvirt/hooks/qemu.d
LIBVIRTHOOK       ?= $(LIBVIRTHOOKDIR)/vfiobox
NIXDIR            ?= $(PREFIX)/share/vfiobox
HOOKS             ?=
INSTALL           ?= install

HOOK_SRC := initramfs-hooks
UNIT_SRC := $(HOOK_SRC)/systemd/vfiobox-claim.service
# The unit with ExecStart pointing at where the binary is installed.
define install_unit
	@$(INSTALL) -d $(DESTDIR)$(1)
	@sed 's|^ExecStart=/usr/bin/vfiobox |ExecStart=$(BINDIR)/vfiobox |' $(UNIT_SRC) > $(DESTDIR)$(1)/vfiobox-claim.service.tmp
	@chmod 644 $(DESTDIR)$(1)/vfiobox-claim.service.tmp
	@mv $(DESTDIR)$(1)/vfiobox-claim.service.tmp $(DESTDIR)$(1)/vfiobox-claim.service
	@echo "  INSTALL $(DESTDIR)$(1)/vfiobox-claim.service"
endef
# A build hook (SRC, DEST, MODE) with its vfiobox_bindir= line set to BINDIR.
define install_hook
	@$(INSTALL) -d $(dir $(DESTDIR)$(2))
	@sed 's|^vfiobox_bindir=.*|vfiobox_bindir=$(BINDIR)|' $(1) > $(DESTDIR)$(2).tmp
	@grep -qx 'vfiobox_bindir=$(BINDIR)' $(DESTDIR)$(2).tmp || { rm -f $(DESTDIR)$(2).tmp; echo "$(1): no vfiobox_bindir= line to set" >&2; exit 1; }
	@chmod $(3) $(DESTDIR)$(2).tmp
	@mv $(DESTDIR)$(2).tmp $(DESTDIR)$(2)
endef

install: install-bin $(addprefix install-,$(HOOKS))

install-bin: vfiobox
	@$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(APPLETDIR)
	@$(INSTALL) -m 755 vfiobox $(DESTDIR)$(BINDIR)/vfiobox
	@echo "  INSTALL $(DESTDIR)$(BINDIR)/vfiobox"
	@rel=$$(realpath -m --relative-to=$(APPLETDIR) $(BINDIR)/vfiobox) && \
	 for a in $$(./vfiobox --list); do ln -sfn $$rel $(DESTDIR)$(APPLETDIR)/$$a || exit 1; done && \
	 echo "  LINK    $(DESTDIR)$(APPLETDIR)/{$$(./vfiobox --list | paste -sd, -)} -> $$rel"
	@if [ -f docs/vfiobox.1 ]; then \
	   $(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 && \
	   $(INSTALL) -m 644 docs/vfiobox.1 $(DESTDIR)$(MANDIR)/man1/vfiobox.1 && \
	   echo "  INSTALL $(DESTDIR)$(MANDIR)/man1/vfiobox.1"; fi
	$(call install_unit,$(UNITDIR))

install-mkinitcpio:
	@$(INSTALL) -d $(DESTDIR)$(INITCPIODIR)/install $(DESTDIR)$(INITCPIODIR)/hooks
	$(call install_hook,$(HOOK_SRC)/mkinitcpio/install/vfiobox,$(INITCPIODIR)/install/vfiobox,644)
	@$(INSTALL) -m 644 $(HOOK_SRC)/mkinitcpio/hooks/vfiobox $(DESTDIR)$(INITCPIODIR)/hooks/vfiobox
	@echo "  INSTALL $(DESTDIR)$(INITCPIODIR)/{install,hooks}/vfiobox"
	$(call install_unit,$(SYSTEMDSYSTEMDIR))

install-dracut:
	@$(INSTALL) -d $(DESTDIR)$(DRACUTMODDIR)/90vfiobox
	$(call install_hook,$(HOOK_SRC)/dracut/90vfiobox/module-setup.sh,$(DRACUTMODDIR)/90vfiobox/module-setup.sh,755)
	@$(INSTALL) -m 755 $(HOOK_SRC)/dracut/90vfiobox/vfiobox-claim.sh $(DESTDIR)$(DRACUTMODDIR)/90vfiobox/
	@echo "  INSTALL $(DESTDIR)$(DRACUTMODDIR)/90vfiobox/{module-setup.sh,vfiobox-claim.sh}"
	$(call install_unit,$(DRACUTMODDIR)/90vfiobox)

install-initramfs-tools:
	@$(INSTALL) -d $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top
	$(call install_hook,$(HOOK_SRC)/initramfs-tools/hooks/vfiobox,$(INITRAMFSTOOLSDIR)/hooks/vfiobox,755)
	@$(INSTALL) -m 755 $(HOOK_SRC)/initramfs-tools/scripts/init-top/00vfiobox \
	  $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top/00vfiobox
	@echo "  INSTALL $(DESTDIR)$(INITRAMFSTOOLSDIR)/{hooks/vfiobox,scripts/init-top/00vfiobox}"

install-libvirt:
	@$(INSTALL) -d $(DESTDIR)$(dir $(LIBVIRTHOOK))
	@$(INSTALL) -m 755 $(HOOK_SRC)/libvirt/vfiobox $(DESTDIR)$(LIBVIRTHOOK)
	@echo "  INSTALL $(DESTDIR)$(LIBVIRTHOOK)"

# NixOS builds vfiobox from source: install the tree nix/package.nix builds
# from, so `imports = [ NIXDIR/src/nix/module.nix ];` works.
NIX_TREE := Makefile mk scripts lib applets docs initramfs-hooks nix
install-nix:
	@rm -rf $(DESTDIR)$(NIXDIR)/src && $(INSTALL) -d $(DESTDIR)$(NIXDIR)/src
	@for f in $(NIX_TREE); do [ -e $$f ] && cp -R $$f $(DESTDIR)$(NIXDIR)/src/ || true; done
	@echo "  INSTALL $(DESTDIR)$(NIXDIR)/src/{$$(echo $(NIX_TREE) | tr ' ' ,)}"

install-hooks: install-mkinitcpio install-dracut install-initramfs-tools install-libvirt install-nix

# uninstall: the same files, the same variables.
define uninstall_unit
	@rm -f $(DESTDIR)$(1)/vfiobox-claim.service
	@echo "  RM      $(DESTDIR)$(1)/vfiobox-claim.service"
endef

uninstall: uninstall-bin $(addprefix uninstall-,$(HOOKS))

uninstall-bin:
	@rel=$$(realpath -m --relative-to=$(APPLETDIR) $(BINDIR)/vfiobox) && n=0 && \
	 for l in $(DESTDIR)$(APPLETDIR)/*; do \
	   if [ -L "$$l" ] && [ "$$(readlink "$$l")" = "$$rel" ]; then rm -f "$$l" && n=$$((n + 1)) || exit 1; fi; \
	 done && echo "  RM      $$n applet links in $(DESTDIR)$(APPLETDIR)"
	@[ "$(APPLETDIR)" = "$(BINDIR)" ] || rmdir $(DESTDIR)$(APPLETDIR) 2>/dev/null || true
	@rm -f $(DESTDIR)$(BINDIR)/vfiobox $(DESTDIR)$(MANDIR)/man1/vfiobox.1
	@echo "  RM      $(DESTDIR)$(BINDIR)/vfiobox $(DESTDIR)$(MANDIR)/man1/vfiobox.1"
	$(call uninstall_unit,$(UNITDIR))

uninstall-mkinitcpio:
	@rm -f $(DESTDIR)$(INITCPIODIR)/install/vfiobox $(DESTDIR)$(INITCPIODIR)/hooks/vfiobox
	@echo "  RM      $(DESTDIR)$(INITCPIODIR)/{install,hooks}/vfiobox"
	$(call uninstall_unit,$(SYSTEMDSYSTEMDIR))

uninstall-dracut:
	@rm -f $(addprefix $(DESTDIR)$(DRACUTMODDIR)/90vfiobox/,module-setup.sh vfiobox-claim.sh vfiobox-claim.service)
	@rmdir $(DESTDIR)$(DRACUTMODDIR)/90vfiobox 2>/dev/null || true
	@echo "  RM      $(DESTDIR)$(DRACUTMODDIR)/90vfiobox/"

uninstall-initramfs-tools:
	@rm -f $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/vfiobox $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top/00vfiobox
	@echo "  RM      $(DESTDIR)$(INITRAMFSTOOLSDIR)/{hooks/vfiobox,scripts/init-top/00vfiobox}"

uninstall-libvirt:
	@rm -f $(DESTDIR)$(LIBVIRTHOOK)
	@echo "  RM      $(DESTDIR)$(LIBVIRTHOOK)"

uninstall-nix:
	@rm -rf $(DESTDIR)$(NIXDIR)/src
	@rmdir $(DESTDIR)$(NIXDIR) 2>/dev/null || true
	@echo "  RM      $(DESTDIR)$(NIXDIR)/src"

uninstall-hooks: uninstall-mkinitcpio uninstall-dracut uninstall-initramfs-tools uninstall-libvirt uninstall-nix

.PHONY: uninstall uninstall-bin uninstall-mkinitcpio uninstall-dracut uninstall-initramfs-tools uninstall-libvirt uninstall-nix uninstall-hooks
.PHONY: install install-bin install-mkinitcpio install-dracut install-initramfs-tools install-libvirt install-nix install-hooks
