# Evaluate nix/module.nix the way NixOS would for the options it touches:
# user settings for boot.initrd.vfiobox (checked against the option types),
# a stage-1 flavour, a kernel version and boot.initrd.kernelModules. Returns
# the module's resolved config, plus `options` (the declared option names),
# `package` (the option's value) and `violations`: what in that config is not
# an option NixOS declares, or not of its type (nixos-options.nix).
{
  module ? ../../../nix/module.nix,
  systemd ? true,
  kernelVersion ? "6.6.10",
  kernelModules ? [ ],
  settings ? { },
}:
let
  lib = import ./lib.nix;
  pkgs.pkgsStatic.callPackage = path: args: {
    type = "derivation";
    name = "vfiobox";
    outPath = "/nix/store/00000000000000000000000000000000-vfiobox";
    built-from = baseNameOf (toString path);
  };
  declared = (import module { inherit lib pkgs config; }).options.boot.initrd.vfiobox;
  value =
    n: o:
    if settings ? ${n} then
      (if o.type.check settings.${n} then settings.${n} else throw "boot.initrd.vfiobox.${n}: not a ${o.type.name}")
    else
      o.default;
  unknown = builtins.filter (n: !(declared ? ${n})) (builtins.attrNames settings);
  config = {
    boot.initrd.vfiobox =
      if unknown != [ ] then
        throw "boot.initrd.vfiobox: no option ${builtins.head unknown}"
      else
        builtins.mapAttrs value declared;
    boot.initrd.systemd.enable = systemd;
    boot.initrd.kernelModules = kernelModules;
    boot.kernelPackages.kernel.version = kernelVersion;
  };
  m = import module { inherit lib pkgs config; };
  resolved =
    let
      r = lib.resolve m.config;
    in
    if r == null then { } else r;
in
resolved
// {
  options = builtins.attrNames declared;
  inherit (config.boot.initrd.vfiobox) package;
  violations = lib.checkOptions (import ./nixos-options.nix { inherit lib; }) "" resolved;
}
