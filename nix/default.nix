# nix/default.nix: `nix-build nix` builds the static binary (pkgsStatic: musl,
# libpci from nixpkgs' pciutils). The NixOS module is nix/module.nix.
{
  pkgs ? import <nixpkgs> { },
}:
pkgs.pkgsStatic.callPackage ./package.nix { }
