# tests/tools/dsldefs.awk: the definitions in an iasl -d disassembly (iasl
# writes one term a line, each brace on its own line) with their absolute
# paths and the innermost If, Else or While they stand in since the Method
# that holds them, as ssdt names reports them: "PATH COND" lines, COND "-"
# outside any (ElseIf and Case are an If, Default an Else, Switch a While:
# the terms iasl compiled them to). Externals, Scopes and the resource
# descriptor names only the compiler knows are left out.
function indent(s) { match(s, /^ */); return RLENGTH }
function norm(p,   n, i, s, out) {	# drop padding '_' of each segment
	n = split(p, s, ".")
	out = ""
	for (i = 1; i <= n; i++) { sub(/_+$/, "", s[i]); out = out (i > 1 ? "." : "") s[i] }
	return out
}
function resolve(nm, scope,   up) {
	if (substr(nm, 1, 1) == "\\") return norm(nm == "\\" ? "\\" : nm)
	while (substr(nm, 1, 1) == "^") { nm = substr(nm, 2); sub(/\.?[^.\\]*$/, "", scope); if (scope == "") scope = "\\" }
	return norm((scope == "\\" ? "\\" : scope ".") nm)
}
function args(s,   a) { a = s; sub(/^[^(]*\(/, "", a); sub(/\)[^)]*$/, "", a); return a }
function out(p, c) { print p, (c == "" ? "-" : c) }
BEGIN { sp = 0; st[0] = "\\"; ty[0] = "S"; cd[0] = ""; ind[0] = -1; pend = "" }
{
	line = $0; sub(/\/\/.*$/, "", line); sub(/[ \t]+$/, "", line)
	if (line ~ /^ *\/?\*/ || line ~ /^ *$/) next
	i = indent(line); w = line; sub(/^ */, "", w)
	if (w == "{") {
		# the block the previous line opened
		sp++; ind[sp] = i; ty[sp] = ptype; st[sp] = ppath; cd[sp] = pcond
		ptype = "X"; ppath = st[sp]; pcond = cd[sp]
		next
	}
	if (w ~ /^}/) { if (sp > 0 && ind[sp] == i) sp--; ptype = "X"; next }
	scope = st[sp]; cond = cd[sp]
	ptype = "X"; ppath = scope; pcond = cond	# by default a block is data
	if (ty[sp] == "X") next				# inside Package, Buffer, ResourceTemplate...
	kw = w; sub(/[ (].*$/, "", kw)
	if (ty[sp] == "F") {				# field units
		if (w ~ /^[A-Z_][A-Z0-9_]*, /) { u = w; sub(/,.*$/, "", u); out(resolve(u, scope), cond) }
		next
	}
	if (kw == "If" || kw == "ElseIf" || kw == "Case") { ptype = "C"; pcond = "If"; next }
	if (kw == "Else" || kw == "Default") { ptype = "C"; pcond = "Else"; next }
	if (kw == "While" || kw == "Switch") { ptype = "C"; pcond = "While"; next }
	if (kw ~ /^(Field|IndexField|BankField)$/) { ptype = "F"; next }
	a = args(w); n = split(a, av, / *, */)
	if (kw == "DefinitionBlock") { ptype = "S"; ppath = "\\"; next }
	if (kw == "Scope") { ptype = "S"; ppath = resolve(av[1], scope); next }
	if (kw ~ /^(Device|Processor|PowerResource|ThermalZone)$/) {
		p = resolve(av[1], scope); out(p, cond); ptype = "S"; ppath = p; next
	}
	if (kw == "Method") { p = resolve(av[1], scope); out(p, cond); ptype = "S"; ppath = p; pcond = ""; next }
	if (kw ~ /^(Name|OperationRegion|Mutex|Event|DataTableRegion)$/) { out(resolve(av[1], scope), cond); next }
	if (kw ~ /^Create(Bit|Byte|Word|DWord|QWord)?Field$/) { out(resolve(av[n], scope), cond); next }
	if (kw == "Alias") { out(resolve(av[2], scope), cond); next }
}
