#!/bin/sh
# mmreview check output formats: JSON, SARIF, and the reply email, whose
# exact bytes are pinned.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
PY=/usr/bin/python3

run "$MMREVIEW" check --format json "$SEED"
is "$rc" 1 "json: exit 1"
"$PY" - "$T/out" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    print(f["rule"], f["severity"], f["file"], f["line"], f["column"],
          f["end_column"], f["function"], f["partial"],
          f["patch"]["message_id"], f["patch"]["commit"])
PYEOF
cat >"$T/want" <<'W'
comment-mismatch warning include/linux/mm.h 430 59 66 VM_COPY_ON_FORK True 5d41b24e7bc6.1763460113.git.ada@example.org None
role-swap warning mm/memory.c 1253 6 13 vma_needs_copy True 5d41b24e7bc6.1763460113.git.ada@example.org None
W
cmp -s "$T/py" "$T/want"
ok $? "json: the two findings with their fields"
[ $? -eq 0 ] || sed 's/^/# /' "$T/py"

run "$MMREVIEW" check --format sarif "$SEED"
is "$rc" 1 "sarif: exit 1"
"$PY" - "$T/out" >"$T/py" 2>&1 <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
run = d["runs"][0]
rules = sorted(r["id"] for r in run["tool"]["driver"]["rules"])
res = [(r["ruleId"], r["level"],
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        r["locations"][0]["physicalLocation"]["region"]["startLine"])
       for r in run["results"]]
print(d["version"], " ".join(rules), res)
PYEOF
# Every rule "rules list" shows, whichever the build has.
ids=$("$MMREVIEW" rules list | awk '{ print $1 }' | LC_ALL=C sort | tr '\n' ' ')
is "$(cat "$T/py")" "2.1.0 ${ids}[('comment-mismatch', 'warning', 'include/linux/mm.h', 430), ('role-swap', 'warning', 'mm/memory.c', 1253)]" \
	"sarif: version, rules in tool.driver.rules, results"

run "$MMREVIEW" check --format email "$SEED"
is "$rc" 1 "email: exit 1"
cmp -s "$T/out" "$SRCDIR/tests/fixtures/seed-case/reply.eml"
ok $? "email: the exact bytes of the reply"
[ $? -eq 0 ] || diff "$SRCDIR/tests/fixtures/seed-case/reply.eml" "$T/out" | sed 's/^/# /' | head -40
cp "$T/out" "$T/first"
run "$MMREVIEW" check --format email "$SEED"
cmp -s "$T/out" "$T/first"
ok $? "email: a second run gives the same bytes (Message-ID included)"
contains "$T/out" "In-Reply-To: <5d41b24e7bc6.1763460113.git.ada@example.org>" "email: threaded under the patch"
contains "$T/out" "	    ^^^^^^^" "email: the caret line keeps the source's tab"

run "$MMREVIEW" -c rule.role-swap.enabled=false check "$SEED"
is "$rc" 1 "one rule disabled: still a finding"
lacks "$T/out" "[role-swap]" "the disabled rule reports nothing"
run "$MMREVIEW" -c rule.role-swap.severity=error check "$SEED"
contains "$T/out" "mm/memory.c:1253:6: error:" "severity from the config"

run "$MMREVIEW" check -o "$T/report.txt" "$SEED"
contains "$T/report.txt" "[role-swap]" "-o writes the report to a file"

# A finding on a line the patch does not show (the kept doc comment of a
# changed macro) is quoted from the file, not dropped from the email.
R="$T/outside"
mkdir -p "$R/mm"
{
	printf '/*\n * Copy the page tables when dst_vma has uffd-wp.\n'
	for i in 1 2 3 4 5 6 7; do printf ' * more words\n'; done
	printf ' */\n#define VM_TOY_COPY (VM_PFNMAP)\n\n'
	printf 'static bool toy(struct vm_area_struct *src_vma, struct vm_area_struct *dst_vma)\n{\n'
	printf '\tif (dst_vma->vm_flags & VM_UFFD_WP)\n\t\treturn true;\n\treturn false;\n}\n'
} >"$R/mm/toy.c"
(cd "$R" && git init -q . && git -c user.name=T -c user.email=t@e.org add -A &&
	git -c user.name=T -c user.email=t@e.org commit -qm base &&
	sed -i -e 's/^#define VM_TOY_COPY (VM_PFNMAP)/#define VM_TOY_COPY (VM_PFNMAP | VM_UFFD_WP)/' \
		-e 's/if (dst_vma->vm_flags \& VM_UFFD_WP)/if (src_vma->vm_flags \& VM_TOY_COPY)/' mm/toy.c &&
	git -c user.name=T -c user.email=t@e.org commit -qam change)
cd "$R"
run "$MMREVIEW" check HEAD^..HEAD
contains "$T/out" "mm/toy.c:2:" "outside: comment-mismatch at the unchanged comment"
run "$MMREVIEW" check --format email HEAD^..HEAD
cd - >/dev/null
contains "$T/out" "In mm/toy.c, line 2, which the patch does not change:" "outside: the email names the line"
contains "$T/out" ">   * Copy the page tables when dst_vma has uffd-wp." "outside: and quotes it"
contains "$T/out" "The comment says \"dst_vma\"" "outside: with the question under it"

done_testing
