#!/bin/sh
# A user's own query rules: loaded from [rules] directory, --rules-dir and a
# tree's .mmreview, listed with their origin, run on Debian's
# linux-source-6.1 files changed at test time (one commit each), reported
# with their own id, severity and message in every format; broken and
# clashing rule files named with line and column, the rest still running.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "no $K (make kernel-sources)"
PY=/usr/bin/python3

R="$T/rules"
mkdir -p "$R" "$HOME/.config/mmreview"
printf '[rules]\n\tdirectory = %s\n' "$R" >"$HOME/.config/mmreview/config"

cat >"$R/uffd-role.scm" <<'EOF'
; id: uffd-role
; severity: error
; on: changed
; message: {function}: uffd-wp now tested on {vma.new}, was {vma.old}
; mark: vma
;; The user's own role-swap: userfaultfd_wp() of another VMA.
(call_expression function: (identifier) @_h
  arguments: (argument_list . (identifier) @vma)
  (#eq? @_h "userfaultfd_wp"))
EOF
cat >"$R/assert-removed.scm" <<'EOF'
; id: assert-removed
; on: removed
; message: {function}: {call} removed
; mark: call
((call_expression function: (identifier) @_f) @call
  (#eq? @_f "mmap_assert_locked"))
EOF
cat >"$R/assert-gone.scm" <<'EOF'
; id: assert-gone
; on: gone
; severity: info
; message: {function}: no {call} any more
; mark: call
((call_expression function: (identifier) @_f) @call
  (#eq? @_f "mmap_assert_locked"))
EOF
cat >"$R/bug-new.scm" <<'EOF'
; id: bug-new
; on: new
; message: {function}: new {b}
(call_expression function: (identifier) @b
  (#match? @b "^(VM_)?BUG_ON$"))
EOF
cat >"$R/mt-find-added.scm" <<'EOF'
; id: mt-find-added
; on: added
; message: {function}: mt_find() called
((call_expression function: (identifier) @f) (#eq? @f "mt_find"))
EOF

kernel_repo "$K" mm/memory.c mm/mmap.c

# change FILE SED-SCRIPT DESCRIPTION [ARGS...]: a commit on the base, checked
change() {
	f=$1 script=$2 what=$3
	shift 3
	kernel_change "$f" "$script" "$what"
	(cd "$G" && "$MMREVIEW" check --tree "$K" "$@" HEAD^..HEAD >"$T/out" \
		2>"$T/err")
	rc=$?
}


# --- listing ------------------------------------------------------------------

run "$MMREVIEW" rules list
is "$rc" 0 "rules list exits 0 with the user's rules"
grep "^uffd-role " "$T/out" | grep -q " error .*$R/uffd-role.scm"
ok $? "a user's rule is listed with its severity and file"
grep -q "^role-swap .* built-in " "$T/out"
ok $? "the built-in rules say so"
run "$MMREVIEW" rules show uffd-role
contains "$T/out" "The user's own role-swap" "rules show prints the rule's prose"
contains "$T/out" "(on: changed)" "and when it reports"

# --- on: changed ---------------------------------------------------------------

change mm/memory.c '/^vma_needs_copy/,/^}/s/if (userfaultfd_wp(dst_vma))/if (userfaultfd_wp(src_vma))/' \
	"vma_needs_copy: uffd-wp on src_vma"
is "$rc" 1 "changed: found"
L=$(line_of mm/memory.c "if (userfaultfd_wp(src_vma))")
contains "$T/out" "mm/memory.c:$L:21: error: vma_needs_copy: uffd-wp now tested on src_vma, was dst_vma [uffd-role]" \
	"changed: the rule's id, severity and message, at the capture"

change mm/memory.c '/^vma_needs_copy/,/^}/s/if (userfaultfd_wp(dst_vma))/if (userfaultfd_wp(dst_vma) \&\& dst_vma->anon_vma)/' \
	"vma_needs_copy: the uffd-wp test extended, still on dst_vma"
lacks "$T/out" "[uffd-role]" "changed: silent when the capture's text is the same"

# --- on: removed, gone, new, added ---------------------------------------------------

change mm/mmap.c '/^struct vm_area_struct \*find_vma_intersection/,/^}/{/mmap_assert_locked(mm);/d}; /^struct vm_area_struct \*find_vma(/,/^}/{s/\tmmap_assert_locked(mm);/\tVM_BUG_ON(!mm);\n\tmmap_assert_locked(mm); \/\* needed \*\//; s/return mt_find(/return (void)mt_find(\&mm->mm_mt, \&index, ULONG_MAX), mt_find(/}' \
	"find_vma*: an assert gone, one rewritten, a BUG_ON and a call added"
OLD=$(grep -n "mmap_assert_locked(mm);" "$K/mm/mmap.c" | sed -n 1,2p | cut -d: -f1 | tr '\n' ' ')
set -- $OLD
contains "$T/out" "mm/mmap.c:$1:2: warning: find_vma_intersection: mmap_assert_locked(mm) removed [assert-removed]" \
	"removed: on the old file's line"
contains "$T/out" "mm/mmap.c:$2:2: warning: find_vma: mmap_assert_locked(mm) removed [assert-removed]" \
	"removed: also the rewritten line"
contains "$T/out" "mm/mmap.c:$1:2: info: find_vma_intersection: no mmap_assert_locked(mm) any more [assert-gone]" \
	"gone: the assert that went"
lacks "$T/out" "find_vma: no mmap_assert_locked" "gone: not the one rewritten"
L=$(line_of mm/mmap.c "VM_BUG_ON(!mm);")
contains "$T/out" "mm/mmap.c:$L:2: warning: find_vma: new VM_BUG_ON [bug-new]" "new: the added VM_BUG_ON"
L=$(line_of mm/mmap.c "return (void)mt_find(")
contains "$T/out" "mm/mmap.c:$L:15: warning: find_vma: mt_find() called [mt-find-added]" \
	"added: the call on an added line"
[ "$(grep -c "\[mt-find-added\]" "$T/out")" = 2 ]
ok $? "added: both calls of the added line, none of the unchanged ones"

# --- every format ------------------------------------------------------------------

change mm/memory.c '/^vma_needs_copy/,/^}/s/if (userfaultfd_wp(dst_vma))/if (userfaultfd_wp(src_vma))/' \
	"vma_needs_copy: uffd-wp on src_vma" --format json
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print([(f["rule"], f["severity"], f["message"]) for f in d["findings"]
       if f["rule"] == "uffd-role"])
PYEOF
is "$(cat "$T/py")" "[('uffd-role', 'error', 'vma_needs_copy: uffd-wp now tested on src_vma, was dst_vma')]" \
	"json: the rule's id, severity and message"
(cd "$G" && "$MMREVIEW" check --tree "$K" --format sarif HEAD^..HEAD) >"$T/out"
"$PY" - "$T/out" >"$T/py" <<'PYEOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rule = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "uffd-role"]
res = [(r["ruleId"], r["level"]) for r in run["results"]]
print(rule[0]["defaultConfiguration"]["level"], ("uffd-role", "error") in res)
PYEOF
is "$(cat "$T/py")" "error True" "sarif: the rule in tool.driver.rules and its result"
(cd "$G" && "$MMREVIEW" check --tree "$K" --format email HEAD^..HEAD) >"$T/out"
contains "$T/out" "uffd-wp now tested on src_vma, was dst_vma" "email: the message"
printf '   \t%19s^^^^^^^\n' '' >"$T/caret"
grep -A1 -F "> +	if (userfaultfd_wp(src_vma))" "$T/out" | grep -qxF -f "$T/caret"
ok $? "email: the caret line under the marked capture"

# --- --rules-dir, broken files and clashes -------------------------------------------------

R2="$T/more-rules"
R3="$T/even-more"
mkdir -p "$R2" "$R3"
cat >"$R2/migrate.scm" <<'EOF'
; id: copy-range-changed
; message: {function}: changed
((function_definition) @f (#in-function? "^copy_page_range$"))
EOF
cat >"$R3/broken.scm" <<'EOF'
; id: broken
; message: m
;; line 4 below has a node type that does not exist
((call_expression
  function: (identifer) @f))
EOF
cat >"$R3/uffd-role.scm" <<'EOF'
; id: uffd-role
; message: m
(identifier) @i
EOF
run "$MMREVIEW" rules list --rules-dir "$R2" --rules-dir "$R3"
is "$rc" 2 "a broken rule file exits 2"
contains "$T/out" "$R2/migrate.scm" "--rules-dir: its rules are listed with their file"
contains "$T/err" "$R3/broken.scm:5:14: unknown node type 'identifer'" \
	"the broken file, with line and column"
contains "$T/err" "rule id 'uffd-role' of $R3/uffd-role.scm is already defined by $R/uffd-role.scm" \
	"a clash names both files"
contains "$T/out" "uffd-role" "the other rules still load"

change mm/memory.c '/^vma_needs_copy/,/^}/s/if (userfaultfd_wp(dst_vma))/if (userfaultfd_wp(src_vma))/' \
	"vma_needs_copy: uffd-wp on src_vma" --rules-dir "$R3"
is "$rc" 2 "check with a broken rule file exits 2"
contains "$T/out" "[uffd-role]" "and the other rules still run"
contains "$T/err" "broken.scm:5:14:" "naming the file on stderr"

# --- a tree's own rules: untrusted -------------------------------------------------------------

git -C "$G" checkout -q -f "$BASE"
mkdir -p "$G/tools/rules"
cat >"$G/tools/rules/tree-rule.scm" <<'EOF'
; id: tree-rule
; message: {function}: the tree's rule
((identifier) @i (#eq? @i "never_there"))
EOF
ln -s "$R/bug-new.scm" "$G/tools/rules/linked.scm"
printf '[rules]\n\tdirectory = tools/rules\n' >"$G/.mmreview"
(cd "$G" && "$MMREVIEW" rules list) >"$T/out" 2>"$T/err"
grep -q "^tree-rule .*tools/rules/tree-rule.scm" "$T/out"
ok $? "a tree's rules.directory is loaded"
contains "$T/err" "linked.scm: cannot read" "a symbolic link in a tree's rule directory is refused"
rm -f "$G/.mmreview"

done_testing
