#!/bin/sh
# The rules that read the patch's text: fixes-tag on real commits of a git
# repository (the commit looked up in its history), spelling from the
# 6.1 tree's scripts/spelling.txt, codespell's dictionary and the built-in
# list, on Debian's linux-source-6.1 mm/memory.c changed at test time; and
# a finding on the changelog in the text, JSON, SARIF and email reports.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "no $K (make kernel-sources)"
[ -f "$K/scripts/spelling.txt" ] ||
	skip_all "no $K/scripts/spelling.txt (make kernel-sources)"

G="$T/repo"
mkdir -p "$G/mm" "$G/include/linux"
cp "$K/mm/memory.c" "$G/mm/"
cp "$K/include/linux/mm.h" "$G/include/linux/"
cd "$G" && git init -q . && git config user.name T &&
	git config user.email t@example.org && git add -A &&
	git commit -qm "6.1 files" && cd - >/dev/null
ORIG=$(git -C "$G" rev-parse HEAD)

# The commit the Fixes: tags name: a real change with a real subject.
sed -i 's/^\tif (is_vm_hugetlb_page(src_vma))$/\tif (is_vm_hugetlb_page(src_vma) \&\& true)/' \
	"$G/mm/memory.c"
git -C "$G" commit -qam "mm: test hugetlb first in copy_page_range()"
FIXED=$(git -C "$G" rev-parse HEAD)
ID=$(echo "$FIXED" | cut -c1-12)
BASE=$FIXED

# commit MESSAGE-FILE: a change to copy_page_range() on the base, with the
# changelog of the file; then review it with the repository as its tree.
commit() {
	git -C "$G" checkout -q -f "$BASE"
	sed -i 's/^\tif (is_vm_hugetlb_page(src_vma) && true)$/\tif (is_vm_hugetlb_page(src_vma) \&\& !false)/' \
		"$G/mm/memory.c"
	git -C "$G" commit -qa -F "$1"
	(cd "$G" && "$MMREVIEW" check --tree "$G" HEAD^..HEAD >"$T/out" 2>"$T/err")
	rc=$?
}

msg() { # msg SUBJECT FIXES-LINE: a changelog in $T/msg
	printf '%s\n\nTest hugetlb differently in copy_page_range().\n\n%s\nSigned-off-by: T <t@example.org>\n' \
		"$1" "$2" >"$T/msg"
}

# --- fixes-tag, with the history --------------------------------------------

msg "mm: fix the hugetlb test" "Fixes: $ID (\"mm: test hugetlb first in copy_page_range()\")"
commit "$T/msg"
is "$rc" 0 "right id and subject: nothing found"
lacks "$T/out" "[fixes-tag]" "right id and subject: no fixes-tag"

SHORT=$(echo "$FIXED" | cut -c1-7)
msg "mm: fix the hugetlb test" "Fixes: $SHORT (\"mm: test hugetlb first in copy_page_range()\")"
commit "$T/msg"
is "$rc" 1 "short id: found"
contains "$T/out" "COMMIT_MSG:5:8: warning: Fixes: names commit $SHORT by 7 hex digits; give at least 12 [fixes-tag]" \
	"short id: on the changelog's line 5, the id's column"
is "$(grep -c '\[fixes-tag\]' "$T/out")" 1 "short id: the commit is found, its subject right"

msg "mm: fix the hugetlb test" "Fixes: $ID"
commit "$T/msg"
contains "$T/out" "COMMIT_MSG:5:8: warning: Fixes: tag without the commit's subject: 'Fixes: $ID (\"<subject>\")' [fixes-tag]" \
	"no (\"subject\"): found"

msg "mm: fix the hugetlb test" "Fixes: $ID (\"mm: test hugetlb last\")"
commit "$T/msg"
contains "$T/out" "COMMIT_MSG:5:23: warning: Fixes: names 'mm: test hugetlb last', but commit $ID is 'mm: test hugetlb first in copy_page_range()' [fixes-tag]" \
	"wrong subject: the real one given, the caret on the quoted one"

msg "mm: fix the hugetlb test" "Fixes: 0123456789ab (\"mm: test hugetlb last\")"
commit "$T/msg"
contains "$T/out" "COMMIT_MSG:5:8: warning: Fixes: names commit 0123456789ab, which the kernel tree does not have [fixes-tag]" \
	"unknown commit: found"
(cd "$G" && "$MMREVIEW" check -v --tree "$G" HEAD^..HEAD >"$T/out" 2>&1)
contains "$T/out" "note: Looked up in the kernel tree's git history" \
	"unknown commit: the note says the history was read"

# Without a tree (a mail outside one): the form only, and the note says so.
msg "mm: fix the hugetlb test" "Fixes: $SHORT (\"mm: test hugetlb last\")"
commit "$T/msg"
contains "$T/out" "but commit $SHORT is" "a git range: its own history is read"
git -C "$G" format-patch -q --stdout -1 HEAD >"$T/fixes.mbox"
(cd "$T" && "$MMREVIEW" check -v fixes.mbox >"$T/out" 2>&1)
contains "$T/out" "COMMIT_MSG:5:8: warning: Fixes: names commit $SHORT by 7 hex digits" \
	"no tree: the form is checked"
contains "$T/out" "note: Only the form was checked: no kernel tree with git history" \
	"no tree: the note says only the form was checked"
lacks "$T/out" "but commit" "no tree: no subject compared"

# --- the reports of a finding on the changelog -----------------------------

msg "mm: fix the hugetlb test" "Fixes: $ID (\"mm: test hugetlb last\")"
commit "$T/msg"
(cd "$G" && "$MMREVIEW" check --tree "$G" --format json HEAD^..HEAD >"$T/json")
python3 - "$T/json" <<'PY' >"$T/out"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"]
     if x["rule"] == "fixes-tag"][0]
print(f["file"], f["changelog"], f["line"], f["column"], f["end_column"],
      f["function"])
PY
is "$(cat "$T/out")" "COMMIT_MSG True 5 23 44 None" "JSON: file COMMIT_MSG, changelog, line, columns"
(cd "$G" && "$MMREVIEW" check --tree "$G" --format sarif HEAD^..HEAD >"$T/sarif")
python3 - "$T/sarif" <<'PY' >"$T/out"
import json, sys
r = [x for x in json.load(open(sys.argv[1]))["runs"][0]["results"]
     if x["ruleId"] == "fixes-tag"][0]
loc = r["locations"][0]["physicalLocation"]
print(loc["artifactLocation"]["uri"], loc["region"]["startLine"],
      loc["region"]["startColumn"], r["properties"]["changelog"])
PY
is "$(cat "$T/out")" "COMMIT_MSG 5 23 True" "SARIF: uri COMMIT_MSG, line, column, changelog"
(cd "$G" && "$MMREVIEW" check --tree "$G" --format email HEAD^..HEAD >"$T/mail")
contains "$T/mail" "> Fixes: $ID (\"mm: test hugetlb last\")" \
	"email: the changelog's line quoted"
contains "$T/mail" "                        ^^^^^^^^^^^^^^^^^^^^^" \
	"email: the caret line under the quoted subject"
contains "$T/mail" "Fixes: names 'mm: test hugetlb last', but commit $ID is" \
	"email: the question under it"
awk '/^> Fixes:/ { f = NR } /^> diff --git/ { d = NR } END { exit !(f && (!d || f < d)) }' "$T/mail"
ok $? "email: the changelog quoted before any file"

# --- spelling ------------------------------------------------------------------

# A comment added to copy_page_range(), and a misspelt changelog.
cat >"$T/msg" <<'EOF'
mm: a maangement fix that occured twice

The test occured on teh wrong vma.
    occured in an indented log line
Signed-off-by: T <t@example.org>
EOF
git -C "$G" checkout -q -f "$ORIG"
sed -i 's|^\tif (is_vm_hugetlb_page(src_vma))$|\t/* the maangement of the copy occured here */\n&|' \
	"$G/mm/memory.c"
git -C "$G" commit -qa -F "$T/msg"
L=$(grep -n "the maangement of the copy" "$G/mm/memory.c" | cut -d: -f1)
git -C "$G" format-patch -q --stdout -1 HEAD >"$T/p.mbox"

cd "$T" || exit 1
run "$MMREVIEW" check -v --tree "$K" p.mbox
is "$rc" 1 "spelling: a warning, the run fails as checkpatch's would"
contains "$T/out" "COMMIT_MSG:1:7: warning: 'maangement' may be misspelled - perhaps 'management'? [spelling]" \
	"tree: in the subject, from the tree's scripts/spelling.txt"
contains "$T/out" "note: From the kernel tree's scripts/spelling.txt ($K/scripts/spelling.txt)." \
	"tree: the note names the tree's dictionary"
contains "$T/out" "COMMIT_MSG:3:10: warning: 'occured' may be misspelled - perhaps 'occurred'? [spelling]" \
	"tree: in the body"
contains "$T/out" "COMMIT_MSG:3:21: warning: 'teh' may be misspelled - perhaps 'the'? [spelling]" \
	"tree: two on one line"
lacks "$T/out" "COMMIT_MSG:4:" "tree: not in an indented line"
lacks "$T/out" "COMMIT_MSG:5:" "tree: not in a trailer"
contains "$T/out" "mm/memory.c:$L:9: warning: 'maangement' may be misspelled - perhaps 'management'? [spelling]" \
	"tree: in the added comment of real 6.1 code"
contains "$T/out" "mm/memory.c:$L:32: warning: 'occured' may be misspelled" \
	"tree: the second word of the comment"
is "$(grep -c '\[spelling\]' "$T/out")" 6 "tree: nothing else in memory.c"

run "$MMREVIEW" -c rule.spelling.codespell=none check -v p.mbox
lacks "$T/out" "'maangement'" "no tree: a word only the tree's list has is not known"
contains "$T/out" "COMMIT_MSG:3:10: warning: 'occured' may be misspelled - perhaps 'occurred'? [spelling]" \
	"built-in list: found"
contains "$T/out" "note: From mmreview's built-in list of common misspellings" \
	"built-in list: the note says so"

CS=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
if [ -f "$CS" ]; then
	run "$MMREVIEW" check -v p.mbox
	contains "$T/out" "note: From codespell's dictionary ($CS)." \
		"codespell installed: its dictionary is read"
	lacks "$T/out" "built-in list" "codespell installed: not the built-in list"
fi

run "$MMREVIEW" check --format email --tree "$K" p.mbox
contains "$T/out" "> mm: a maangement fix that occured twice" \
	"email: the subject line quoted"
contains "$T/out" "        ^^^^^^^^^^" "email: the caret under the word"
contains "$T/out" "> +	/* the maangement of the copy occured here */" \
	"email: the added comment quoted"
run "$MMREVIEW" -c rule.spelling.severity=info check --format email --tree "$K" p.mbox
lacks "$T/out" "maangement" "email: lowered to info, not posted"

done_testing
