# nix/package.nix: vfiobox, the static musl binary, built with the project's
# own Makefile. Call it from pkgsStatic (default.nix and module.nix do): the
# stdenv is musl and static, and nixpkgs' pciutils provides a static libpci.a.
#
# The Makefile normally fetches and builds a pinned libpci and links Debian's
# kernel headers; inside the Nix sandbox nixpkgs' pciutils and linuxHeaders
# take their place. nixpkgs builds libpci.a when the platform is static
# (`static ? stdenv.hostPlatform.isStatic`) but with DNS=yes (and zlib, kmod,
# hwdb as found): it is rebuilt here with the flags scripts/libpci.sh uses
# (ZLIB=no DNS=no LIBKMOD=no HWDB=no SHARED=no; on make's command line the
# last assignment wins), so the binary matches the one built outside Nix.
# MUSL_PCI points at a directory whose lib/libpci.a is a GNU
# ld linker script (GROUP) naming that libpci.a together with whatever
# libraries its libpci.pc lists (`pkg-config --static`: none with these flags), and
# KHDR at the kernel uapi headers. `-o need-build` skips the Debian package
# check (scripts/need).
{
  lib,
  stdenv,
  pciutils,
  pkg-config,
  linuxHeaders,
}:

let
  libpci = pciutils.overrideAttrs (old: {
    makeFlags = (old.makeFlags or [ ]) ++ [
      "ZLIB=no"
      "DNS=no"
      "LIBKMOD=no"
      "HWDB=no"
      "SHARED=no"
    ];
  });
  makefile = builtins.readFile ../Makefile;
  versionMatch = builtins.match ".*\nVERSION[ \t]*:=[ \t]*([^ \t\n]+).*" makefile;
in
stdenv.mkDerivation {
  pname = "vfiobox";
  version = if versionMatch == null then "0" else builtins.head versionMatch;

  src = lib.cleanSourceWith {
    src = ../.;
    # Not the build directory or a binary built outside Nix.
    filter =
      path: type:
      let
        rel = lib.removePrefix (toString ../. + "/") (toString path);
      in
      !(rel == "build" || rel == "vfiobox" || rel == "vfiobox.tmp");
  };

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ libpci ];

  preBuild = ''
    mkdir -p nixbuild/pci/lib nixbuild/khdr
    ln -s ${lib.getDev libpci}/include nixbuild/pci/include
    for d in linux asm asm-generic; do
      ln -s ${linuxHeaders}/include/$d nixbuild/khdr/$d
    done
    touch nixbuild/khdr/.stamp
    libs=$(pkg-config --static --libs-only-l libpci | sed 's/\(^\| \)-lpci\( \|$\)/ /')
    echo "GROUP ( ${lib.getLib libpci}/lib/libpci.a $libs )" > nixbuild/pci/lib/libpci.a
  '';

  makeFlags = [
    "-o"
    "need-build"
    "MUSLCC=${stdenv.cc.targetPrefix}cc"
    "MUSL_PCI=nixbuild/pci"
    "KHDR=nixbuild/khdr"
    "PREFIX=${placeholder "out"}"
  ];
  buildFlags = [ "vfiobox" ];
  installTargets = [ "install" ];
  # make check needs Debian packages, fake sysfs trees and QEMU: run it
  # outside the sandbox.
  doCheck = false;

  meta = {
    description = "VFIO GPU passthrough chores in one static binary (initramfs claim, rescue applets)";
    platforms = lib.platforms.linux;
    mainProgram = "vfiobox";
  };
}
