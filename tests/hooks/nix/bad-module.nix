# Negative control of the option check (tests/hooks/nix.test): a module with
# the mistakes nixos-options.nix must catch, one per line of its config.
{ lib, ... }:
{
  options.boot.initrd.vfiobox = { };
  config = {
    boot.initrd.availableKernelModules = "vfio_pci";
    boot.initrd.preDeviceCommands = [ "vfiobox vfio-claim" ];
    boot.initrd.systemd.service.x = { };
    boot.initrd.systemd.extraBin.vfiobox = "bin/vfiobox";
    boot.initrd.systemd.services.x = {
      description = "two\nlines";
      before = [ "systemd-udevd" ];
      restartTriggers = [ ];
      serviceConfig.Type = "one-shot";
      unitConfig.DefaultDependencies = { };
    };
  };
}
