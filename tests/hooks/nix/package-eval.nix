# Evaluate nix/package.nix with stand-ins for what it takes from nixpkgs:
# stdenv.mkDerivation returns its attributes, pciutils.overrideAttrs applies
# the override to pciutils' own makeFlags as nixpkgs declares them under
# pkgsStatic (pkgs/by-name/pc/pciutils/package.nix: SHARED from isStatic,
# DNS=yes). Returns the derivation's attributes and `libpci` (the overridden
# pciutils).
let
  lib = (import ./lib.nix) // {
    cleanSourceWith = a: a;
    removePrefix = p: s: if builtins.substring 0 (builtins.stringLength p) s == p then builtins.substring (builtins.stringLength p) (-1) s else s;
    getDev = p: p;
    getLib = p: p;
    platforms.linux = [ "x86_64-linux" ];
  };
  pciutils = rec {
    makeFlags = [
      "SHARED=no"
      "PREFIX=\${out}"
      "STRIP="
      "HOST=x86_64-unknown-linux-musl"
      "CROSS_COMPILE=x86_64-unknown-linux-musl-"
      "DNS=yes"
    ];
    outPath = "/nix/store/00000000000000000000000000000000-pciutils";
    overrideAttrs = f: pciutils // f pciutils // { outPath = "/nix/store/11111111111111111111111111111111-pciutils"; };
  };
  d = import ../../../nix/package.nix {
    inherit lib pciutils;
    stdenv = {
      mkDerivation = a: a;
      cc.targetPrefix = "x86_64-unknown-linux-musl-";
    };
    pkg-config = { };
    linuxHeaders = "/nix/store/22222222222222222222222222222222-linux-headers";
  };
in
d // { libpci = builtins.head d.buildInputs; }
