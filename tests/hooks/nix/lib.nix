# A small stand-in for the parts of nixpkgs' lib that nix/module.nix uses
# (nixpkgs is not available offline here). Same names and meanings; types
# carry a check so option values are validated as NixOS would.
let
  inherit (builtins)
    all
    concatStringsSep
    filter
    elem
    isAttrs
    isBool
    isList
    isString
    match
    compareVersions
    replaceStrings
    foldl'
    attrNames
    ;
in
rec {
  inherit concatStringsSep filter elem;
  concatStrings = concatStringsSep "";
  optional = c: x: if c then [ x ] else [ ];
  optionalString = c: s: if c then s else "";
  versionAtLeast = v: w: compareVersions v w >= 0;
  versionOlder = v: w: compareVersions v w < 0;
  escapeShellArg = s: "'" + replaceStrings [ "'" ] [ "'\\''" ] s + "'";
  literalExpression = text: {
    _type = "literalExpression";
    inherit text;
  };

  mkOption = attrs: attrs // { _type = "option"; };
  mkEnableOption = name: mkOption {
    type = types.bool;
    default = false;
    description = "Whether to enable ${name}.";
  };
  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };
  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };

  types = {
    bool = { name = "bool"; check = isBool; };
    str = { name = "str"; check = isString; };
    package = { name = "package"; check = v: isAttrs v && v ? outPath; };
    strMatching = re: {
      name = "strMatching ${re}";
      check = v: isString v && match re v != null;
    };
    enum = vs: {
      name = "enum";
      check = v: elem v vs;
    };
    nullOr = t: {
      name = "nullOr ${t.name}";
      check = v: v == null || t.check v;
    };
    listOf = t: {
      name = "listOf ${t.name}";
      check = v: isList v && all t.check v;
    };
  };

  # What the module system does with a config value: drop mkIf false, merge
  # mkMerge (attribute sets recursively, lists concatenated, strings joined).
  merge =
    a: b:
    if isAttrs a && isAttrs b then
      foldl' (acc: n: acc // { ${n} = if acc ? ${n} then merge acc.${n} b.${n} else b.${n}; }) a (attrNames b)
    else if isList a && isList b then
      a ++ b
    else if isString a && isString b then
      a + b
    else
      throw "conflicting definitions";
  resolve =
    v:
    if isAttrs v && (v._type or null) == "if" then
      (if v.condition then resolve v.content else null)
    else if isAttrs v && (v._type or null) == "merge" then
      foldl' (acc: c: if c == null then acc else merge acc c) { } (map resolve v.contents)
    else if isAttrs v && !(v ? outPath) then
      builtins.listToAttrs (
        filter (p: p.value != null) (
          map (n: {
            name = n;
            value = resolve v.${n};
          }) (attrNames v)
        )
      )
    else
      v;
}
