# The NixOS options nix/module.nix defines, declared with the names and types
# nixpkgs gives them (nixpkgs itself is not available offline here), read from:
#   nixos/modules/system/boot/kernel.nix     boot.initrd.{availableKernelModules,
#                                            kernelModules}
#   nixos/modules/system/boot/stage-1.nix    boot.initrd.{preDeviceCommands,
#                                            extraUtilsCommands} (types.lines)
#   nixos/modules/system/boot/systemd/initrd.nix
#                                            boot.initrd.systemd.{enable,
#                                            storePaths,extraBin,contents,services}
#   nixos/lib/systemd-types.nix              initrdStorePath, initrdContents,
#                                            initrdServices
#   nixos/lib/systemd-unit-options.nix       the unit and service options of
#                                            stage 1 (no restartTriggers there)
#   nixos/lib/systemd-lib.nix                unitNameType
#   nixos/modules/config/system-path.nix     environment.systemPackages
#   nixos/modules/misc/assertions.nix        warnings
# Only what the module may set; tests/hooks/nix/eval.nix checks every value
# the module's config defines against these (lib.checkOptions).
{ lib }:
let
  inherit (lib) mkOption types;
  opt = type: mkOption { inherit type; };

  unitNameType = types.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";
  # unitOption: what a unit file line can hold (systemd-lib's attrsToSection
  # writes atoms, and lists as repeated lines).
  atom = types.oneOf [
    types.bool
    types.int
    types.str
    types.path
    types.package
  ];
  unitOption = types.leaf "systemd option" (v: atom.check v || (builtins.isList v && builtins.all atom.check v));
  # checkService in systemd-unit-options.nix: assertValueOneOf Type and Restart.
  checkService =
    c:
    builtins.elem (c.Type or "simple") [
      "exec"
      "simple"
      "forking"
      "oneshot"
      "dbus"
      "notify"
      "idle"
    ]
    && builtins.elem (c.Restart or "no") [
      "no"
      "on-success"
      "on-failure"
      "on-abnormal"
      "on-abort"
      "always"
    ];
  units = opt (types.listOf unitNameType);

  # stage1ServiceOptions = commonUnitOptions + serviceOptions.
  serviceOptions = {
    enable = opt types.bool;
    description = opt types.singleLineStr;
    documentation = opt (types.listOf types.str);
    requires = units;
    wants = units;
    after = units;
    before = units;
    bindsTo = units;
    partOf = units;
    conflicts = units;
    requisite = units;
    onFailure = units;
    wantedBy = units;
    requiredBy = units;
    aliases = units;
    unitConfig = opt (types.attrsOf unitOption);
    environment = opt (
      types.attrsOf (
        types.nullOr (
          types.oneOf [
            types.str
            types.path
            types.package
          ]
        )
      )
    );
    path = opt (
      types.listOf (
        types.oneOf [
          types.package
          types.str
        ]
      )
    );
    serviceConfig = opt (types.addCheck (types.attrsOf unitOption) checkService);
    script = opt types.lines;
    scriptArgs = opt types.str;
    preStart = opt types.lines;
    postStart = opt types.lines;
    reload = opt types.lines;
    preStop = opt types.lines;
    postStop = opt types.lines;
  };

  # initrdStorePathModule (+ text for contents).
  storePathOptions = {
    enable = opt types.bool;
    target = opt (types.nullOr types.path);
    source = opt types.path;
  };
in
{
  boot.initrd = {
    # kernel.nix: newer nixpkgs (attrNamesToTrue) take a list of names or an
    # attribute set of bools, older ones listOf str; a list of names fits both.
    availableKernelModules = opt (types.listOf types.str);
    kernelModules = opt (types.listOf types.str);
    preDeviceCommands = opt types.lines;
    extraUtilsCommands = opt types.lines;
    systemd = {
      enable = opt types.bool;
      # coercedTo (oneOf [ singleLineStr package ]) (source: { inherit source; })
      # (submodule initrdStorePathModule)
      storePaths = opt (
        types.listOf (
          types.oneOf [
            types.singleLineStr
            types.package
            (types.submodule storePathOptions)
          ]
        )
      );
      extraBin = opt (types.attrsOf types.path);
      contents = opt (types.attrsOf (types.submodule (storePathOptions // { text = opt (types.nullOr types.lines); })));
      services = opt (types.attrsOf (types.submodule serviceOptions));
    };
  };
  environment.systemPackages = opt (types.listOf types.package);
  warnings = opt (types.listOf types.str);
}
