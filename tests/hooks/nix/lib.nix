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

  # Types: `check` says whether a value fits (what module.nix's own options
  # need); `errs PATH VALUE` lists what is wrong with it, descending into
  # attribute sets, lists and submodules (what nixos-options.nix needs).
  types = rec {
    leaf = name: pred: {
      inherit name;
      check = pred;
      errs = p: v: if pred v then [ ] else [ "${p}: not a ${name}" ];
    };
    bool = leaf "bool" isBool;
    int = leaf "int" builtins.isInt;
    str = leaf "str" isString;
    # nixpkgs: lines and singleLineStr are strings, singleLineStr without \n.
    lines = leaf "lines" isString;
    singleLineStr = leaf "singleLineStr" (v: isString v && match "[^\n]*" v != null);
    package = leaf "package" (v: isAttrs v && v ? outPath);
    # nixpkgs: an absolute path, or a string (or package) that is one.
    path = leaf "path" (
      v: builtins.typeOf v == "path" || ((isString v || v ? outPath) && builtins.substring 0 1 (toString v) == "/")
    );
    strMatching = re: leaf "strMatching ${re}" (v: isString v && match re v != null);
    enum = vs: leaf "one of ${concatStringsSep ", " vs}" (v: elem v vs);
    nullOr = t: {
      name = "nullOr ${t.name}";
      check = v: v == null || t.check v;
      errs = p: v: if v == null then [ ] else t.errs p v;
    };
    oneOf = ts: leaf "one of ${concatStringsSep ", " (map (t: t.name) ts)}" (v: builtins.any (t: t.check v) ts);
    listOf = t: {
      name = "listOf ${t.name}";
      check = v: isList v && all t.check v;
      errs =
        p: v:
        if isList v then builtins.concatLists (builtins.genList (i: t.errs "${p}.${toString i}" (builtins.elemAt v i)) (builtins.length v))
        else [ "${p}: not a list" ];
    };
    attrsOf = t: {
      name = "attrsOf ${t.name}";
      check = v: isAttrs v && all (n: t.check v.${n}) (attrNames v);
      errs = p: v: if isAttrs v then builtins.concatMap (n: t.errs "${p}.${n}" v.${n}) (attrNames v) else [ "${p}: not an attribute set" ];
    };
    # A submodule: its options, each an mkOption with a type.
    submodule = options: {
      name = "submodule";
      check = v: isAttrs v && (submodule options).errs "" v == [ ];
      errs = p: v: if isAttrs v then checkOptions options p v else [ "${p}: not an attribute set" ];
    };
    addCheck = t: more: t // {
      check = v: t.check v && more v;
      errs = p: v: let e = t.errs p v; in if e != [ ] then e else if more v then [ ] else [ "${p}: rejected by the type's check" ];
    };
  };

  # checkOptions DECLS PATH VALUE: every attribute of VALUE must be declared
  # in DECLS (nested attribute sets of mkOption), with a value of its type.
  checkOptions =
    decls: p: v:
    builtins.concatMap (
      n:
      let
        q = if p == "" then n else "${p}.${n}";
      in
      if !(decls ? ${n}) then
        [ "${q}: no such option" ]
      else if (decls.${n}._type or null) == "option" then
        decls.${n}.type.errs q v.${n}
      else if isAttrs v.${n} then
        checkOptions decls.${n} q v.${n}
      else
        [ "${q}: a set of options, not a value" ]
    ) (attrNames v);

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
