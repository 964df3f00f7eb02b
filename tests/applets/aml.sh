# tests/applets/aml.sh: ssdt names against iasl, for ssdt.test and
# ../realfw/realfw.test (sourced after lib.sh).
#
# ns_ours NAMES: the paths ssdt names printed (its output in NAMES), Scope
# lines left out (they define nothing). ns_iasl NSP: the paths of iasl's
# namespace listing (iasl -ln's NAME.nsp), from its table of [depth], name
# and type: the resource descriptor names (ResourceDesc, ResourceFld) left
# out with what is under them (iasl keeps them for its own CreateField
# offsets; the AML has no such object), padding '_' dropped, iasl's
# predefined root names left out. Both with every path's parents (iasl
# adds the parents of an External's path as nodes of their own), sorted.
closure() { awk '{p = $0; while (p != "" && p != "\\") { print p; sub(/\.?[^.\\]*$/, "", p) } }' | LC_ALL=C sort -u; }
ns_ours() { awk '$3 != "Scope" {print $4}' "$1" | closure; }
ns_iasl() {
	awk '/^Contents of ACPI Namespace/ { on = 1; next }
	     /^Namespace pathnames/ { exit }
	     on && /^ *[0-9]+ +\[[0-9]+\] +/ {
		d = $2; gsub(/[][]/, "", d); d += 0
		p[d] = (d == 1 ? "\\" : p[d - 1] ".") $3
		skip[d] = (d > 1 && skip[d - 1]) || $5 == "ResourceDesc" || $5 == "ResourceFld"
		if (!skip[d]) print p[d]
	     }' "$1" |
		grep -v '^\\\(_GPE\|_PR_\|_SB_\|_SI_\|_TZ_\|_REV\|_OS_\|_GL_\|_OSI\)$' |
		sed 's/_*\././g; s/_*$//' | closure
}
# conds_ours NAMES: "PATH COND" of every definition but Scopes and
# Externals (COND "If", "Else", "While" or "-"), sorted. conds_dsl DSL: the
# same from iasl -d's disassembly (tests/tools/dsldefs.awk), sorted.
conds_ours() { awk '$3 != "Scope" && $3 != "External" {print $4, ($5 == "inside" ? $6 : "-")}' "$1" | LC_ALL=C sort; }
conds_dsl() { awk -f "$TOP/tests/tools/dsldefs.awk" "$1" | LC_ALL=C sort; }
