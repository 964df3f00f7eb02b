# nix/module.nix: claim PCI devices for vfio-pci in NixOS stage 1, before udev
# coldplug and before boot.initrd.kernelModules load, with `vfiobox vfio-claim`.
#
#   imports = [ /path/to/vfiobox/nix/module.nix ];
#   boot.initrd.vfiobox = {
#     enable = true;
#     ids = [ "10de:249d" "10de:228b" ];     # and/or
#     devices = [ "0000:01:00.0" ];
#     hda = "vfio";                          # null: vfio-claim's default
#   };
#
# The options become /etc/vfiobox.conf in the initrd; vfiobox.ids=,
# vfiobox.claim= and vfiobox.hda= on the kernel command line take precedence.
#
# systemd stage 1 (boot.initrd.systemd.enable, the default): a unit
# vfiobox-claim.service ordered before systemd-udevd, the coldplug trigger and
# systemd-modules-load; the binary through storePaths and extraBin.
# Scripted stage 1: the binary through extraUtilsCommands (copy_bin_and_libs)
# and the claim in preDeviceCommands, which run after boot.initrd.kernelModules
# load and before udev: keep the GPU's drivers out of kernelModules there.
# Never both: systemd stage 1 rejects preDeviceCommands and extraUtilsCommands.
# Either way the vfio modules go in availableKernelModules (in the image, loaded
# by vfio-claim when it needs them).
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.boot.initrd.vfiobox;
  useSystemd = config.boot.initrd.systemd.enable;
  kernelVersion = config.boot.kernelPackages.kernel.version;
  vfiobox = "${cfg.package}/bin/vfiobox";

  # vfio_pci_core exists since 5.15; vfio_virqfd was folded into vfio in 6.2
  # (naming a missing module fails the systemd initrd build);
  # vfio_iommu_type1 is only a soft dependency of vfio.
  vfioModules =
    [
      "vfio"
      "vfio_iommu_type1"
      "vfio_pci"
      "irqbypass"
    ]
    ++ lib.optional (lib.versionAtLeast kernelVersion "5.15") "vfio_pci_core"
    ++ lib.optional (lib.versionOlder kernelVersion "6.2") "vfio_virqfd";

  confText = lib.concatStrings (
    lib.optional (cfg.ids != [ ]) "ids=${lib.concatStringsSep "," cfg.ids}\n"
    ++ lib.optional (cfg.devices != [ ]) "claim=${lib.concatStringsSep "," cfg.devices}\n"
    ++ lib.optional (cfg.hda != null) "hda=${cfg.hda}\n"
  );

  # Drivers that would take the devices first when loaded from kernelModules
  # before a scripted stage 1 runs preDeviceCommands.
  hostDrivers = [
    "nvidia"
    "nvidia_drm"
    "nvidia_modeset"
    "nouveau"
    "amdgpu"
    "radeon"
    "snd_hda_intel"
  ];
  earlyHostDrivers = lib.filter (m: lib.elem m hostDrivers) config.boot.initrd.kernelModules;

  hex = n: "[0-9a-fA-F]{1,${toString n}}";
  idPattern = "${hex 4}:${hex 4}(:${hex 4}(:${hex 4}(:${hex 6}(:${hex 6})?)?)?)?";
  devicePattern = "([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\\.[0-7]";
in
{
  options.boot.initrd.vfiobox = {
    enable = lib.mkEnableOption "claiming PCI devices for vfio-pci in stage 1 with vfiobox";

    ids = lib.mkOption {
      type = lib.types.listOf (lib.types.strMatching idPattern);
      default = [ ];
      example = [
        "10de:249d"
        "10de:228b"
      ];
      description = "vfio-pci ids (vendor:device[:subvendor[:subdevice[:class[:mask]]]]) of the devices to claim.";
    };

    devices = lib.mkOption {
      type = lib.types.listOf (lib.types.strMatching devicePattern);
      default = [ ];
      example = [ "0000:01:00.0" ];
      description = "PCI addresses of the devices to claim (with the rest of their IOMMU groups).";
    };

    hda = lib.mkOption {
      type = lib.types.nullOr (
        lib.types.enum [
          "vfio"
          "none"
          "host"
        ]
      );
      default = null;
      description = "What happens to an NVIDIA GPU's HDA function: vfio-pci, no driver, or left to the host (null: vfiobox's default).";
    };

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.pkgsStatic.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.pkgsStatic.callPackage ./package.nix { }";
      description = "The vfiobox package (a static binary).";
    };
  };

  config = lib.mkIf cfg.enable (
    lib.mkMerge [
      {
        boot.initrd.availableKernelModules = vfioModules;
        environment.systemPackages = [ cfg.package ];
      }

      (lib.mkIf useSystemd {
        boot.initrd.systemd.storePaths = [ vfiobox ];
        boot.initrd.systemd.extraBin.vfiobox = vfiobox;
        boot.initrd.systemd.contents = lib.mkIf (confText != "") {
          "/etc/vfiobox.conf".text = confText;
        };
        boot.initrd.systemd.services.vfiobox-claim = {
          description = "vfiobox: claim passthrough devices for vfio-pci";
          wantedBy = [ "sysinit.target" ];
          before = [
            "systemd-udevd.service"
            "systemd-udev-trigger.service"
            "systemd-modules-load.service"
            "sysinit.target"
            "shutdown.target"
          ];
          conflicts = [ "shutdown.target" ];
          unitConfig.DefaultDependencies = false;
          serviceConfig = {
            Type = "oneshot";
            RemainAfterExit = true;
            ExecStart = "${vfiobox} vfio-claim";
          };
        };
      })

      (lib.mkIf (!useSystemd) {
        boot.initrd.extraUtilsCommands = ''
          copy_bin_and_libs ${vfiobox}
        '';
        boot.initrd.preDeviceCommands =
          lib.optionalString (confText != "") ''
            mkdir -p /etc
            printf '%s' ${lib.escapeShellArg confText} > /etc/vfiobox.conf
          ''
          + ''
            echo "<6>vfiobox: NixOS stage 1: vfio-claim starts" > /dev/kmsg
            vfiobox vfio-claim
            echo "<6>vfiobox: NixOS stage 1: vfio-claim exited $?" > /dev/kmsg
          '';
        warnings = lib.optional (earlyHostDrivers != [ ]) (
          "boot.initrd.vfiobox: with scripted stage 1, boot.initrd.kernelModules "
          + "(${lib.concatStringsSep " " earlyHostDrivers}) load before preDeviceCommands "
          + "and may bind the devices before vfiobox claims them; use systemd stage 1 "
          + "(boot.initrd.systemd.enable) or load them later"
        );
      })
    ]
  );
}
