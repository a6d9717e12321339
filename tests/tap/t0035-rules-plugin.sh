#!/bin/sh
# C plugins: the example plugin built against the installed <mmreview/rule.h>
# through pkg-config, loaded from the user's config, tested with its cases
# and run on a Debian linux-source-6.1 file changed at test time; a plugin
# of another ABI version, one that is no plugin, and one named in a tree's
# .mmreview are refused.
. "$SRCDIR/tests/lib.sh"
PREFIX="$T/prefix"
command -v cc >/dev/null || skip_all "no C compiler"

run make -s -C "$SRCDIR" install PREFIX="$PREFIX"
is "$rc" 0 "make install PREFIX=..."
[ -f "$PREFIX/include/mmreview/rule.h" ]
ok $? "the plugin header is installed"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
is "$(pkg-config --cflags mmreview | sed "s/ *$//")" "-I$PREFIX/include" "pkg-config --cflags mmreview"

SO="$T/pte-map-unchecked.so"
# shellcheck disable=SC2046 # the flags are words
run cc $(pkg-config --cflags mmreview) -Wall -Wextra -Werror -shared -fPIC \
	-o "$SO" "$SRCDIR/rules/plugins/pte-map-unchecked.c"
is "$rc" 0 "the example plugin builds with the installed header alone"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"

mkdir -p "$HOME/.config/mmreview"
printf '[rules]\n\tplugin = %s\n' "$SO" >"$HOME/.config/mmreview/config"
run "$MMREVIEW" rules list
is "$rc" 0 "the plugin loads"
grep -q "^pte-map-unchecked .* plugin $SO " "$T/out"
ok $? "its rule is listed, from the plugin"
run "$MMREVIEW" rules show pte-map-unchecked
contains "$T/out" "Options: rule.pte-map-unchecked.functions" "rules show lists its option"

run "$MMREVIEW" rules test "$SRCDIR/rules/plugins"
is "$rc" 0 "the plugin passes its cases"
contains "$T/out" "ok   pte-map-unchecked (4 expectations)" "all of them"

# On real code: a new unchecked pte_offset_map_lock() in 6.1's mm/mincore.c.
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
if [ -f "$K/mm/mincore.c" ]; then
	G="$T/repo"
	mkdir -p "$G/mm"
	cp "$K/mm/mincore.c" "$G/mm/"
	(cd "$G" && git init -q . && git config user.name T &&
		git config user.email t@example.org && git add -A &&
		git commit -qm base &&
		sed -i 's/\tptep = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);/\tptep = pte_offset_map_lock(walk->mm, pmd, addr, \&ptl);\n\tptep = pte_offset_map(pmd, addr);/' mm/mincore.c &&
		git commit -qam "mincore: map twice")
	(cd "$G" && "$MMREVIEW" check HEAD^..HEAD) >"$T/out" 2>"$T/err"
	rc=$?
	is "$rc" 1 "check: the plugin's finding"
	L=$(grep -n "ptep = pte_offset_map(pmd, addr);" "$G/mm/mincore.c" | cut -d: -f1)
	contains "$T/out" "mm/mincore.c:$L:2: warning: mincore_pte_range: pte_offset_map() can return NULL" \
		"with its id, severity and message"
	contains "$T/out" "[pte-map-unchecked]" "under its id"
	(cd "$G" && "$MMREVIEW" -c rule.pte-map-unchecked.functions=kmap check HEAD^..HEAD) \
		>"$T/out" 2>"$T/err"
	lacks "$T/out" "[pte-map-unchecked]" "the rule's option reaches it"
	(cd "$G" && "$MMREVIEW" -c rule.pte-map-unchecked.fnctions=x rules list) \
		>"$T/out" 2>"$T/err"
	contains "$T/err" "rule 'pte-map-unchecked' has no option 'fnctions'" \
		"an unknown option is warned about"

	# A tree's .mmreview may not name a plugin: that would run its code.
	printf '[rules]\n\tplugin = %s\n' "$SO" >"$G/.mmreview"
	printf '' >"$HOME/.config/mmreview/config"
	(cd "$G" && "$MMREVIEW" rules list) >"$T/out" 2>"$T/err"
	lacks "$T/out" "pte-map-unchecked" "a plugin named in a tree's .mmreview is not loaded"
	contains "$T/err" "ignoring 'rules.plugin' from untrusted" "and a warning says so"
	rm -f "$G/.mmreview"
fi

# Another ABI version, and a shared object that is no plugin.
cat >"$T/old.c" <<'X'
#include <mmreview/rule.h>
const unsigned mmr_plugin_abi = MMR_PLUGIN_ABI + 41;
int mmr_plugin_init(const struct mmr_host *h, struct mmr_plugin *p)
{
	(void)h;
	(void)p;
	return 0;
}
X
printf 'int not_a_plugin(void) { return 0; }\n' >"$T/none.c"
# shellcheck disable=SC2046
cc $(pkg-config --cflags mmreview) -shared -fPIC -o "$T/old.so" "$T/old.c" &&
	cc -shared -fPIC -o "$T/none.so" "$T/none.c"
ok $? "two bad plugins build"
run "$MMREVIEW" -c rules.plugin="$T/old.so" rules list
is "$rc" 2 "a plugin of another ABI version is an error"
contains "$T/err" "$T/old.so: built for mmreview plugin ABI 42; this mmreview has ABI 1" \
	"naming both versions"
contains "$T/out" "role-swap" "the other rules still load"
run "$MMREVIEW" -c rules.plugin="$T/none.so" rules list
is "$rc" 2 "a shared object that is no plugin is an error"
contains "$T/err" "not an mmreview plugin" "saying so"
run "$MMREVIEW" -c rules.plugin="$T/missing.so" rules list
is "$rc" 2 "a missing plugin is an error"
contains "$T/err" "$T/missing.so: cannot load the plugin" "naming it"

done_testing
