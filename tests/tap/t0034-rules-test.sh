#!/bin/sh
# mmreview rules test: the built-in rules and the shipped query rules pass
# their cases; an unmet expectation, an unexpected finding, an unknown
# rule and a broken case fail, each named.
. "$SRCDIR/tests/lib.sh"

run "$MMREVIEW" rules test "$SRCDIR/rules/query" "$SRCDIR/rules/cases"
is "$rc" 0 "the built-in and shipped rules pass their cases"
for r in role-swap comment-mismatch vm-flags-write kmap-atomic-new \
	mmap-assert-gone bug-on-new folio-test-changed lock-imbalance \
	ref-leak; do
	grep -q "^ok   $r (" "$T/out"
	ok $? "$r is tested and passes"
done
contains "$T/out" "9 rules tested, 0 failed" "a count at the end"

run "$MMREVIEW" rules test "$SRCDIR/rules/query/vm-flags-write.scm"
is "$rc" 0 "a rule file: its own cases"
is "$(grep -c '^ok' "$T/out")" 1 "only that rule"

run "$MMREVIEW" rules test --help
is "$rc" 0 "rules test --help"
contains "$T/out" "expect-none" "says how cases are written"

# A rule of the user's with cases that do not all hold.
D="$T/mine"
mkdir -p "$D"
cat >"$D/mt-find.scm" <<'X'
; id: mt-find
; message: mt_find() added
((call_expression function: (identifier) @f) (#eq? @f "mt_find"))
X
cat >"$D/mt-find.before.c" <<'X'
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	unsigned long index = addr;

	return NULL;
}
X
cat >"$D/mt-find.after.c" <<'X'
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	unsigned long index = addr;

	mmap_assert_locked(mm);	/* expect: mt-find */
	return mt_find(&mm->mm_mt, &index, ULONG_MAX);	/* expect-none: mt-find */
}
X
run "$MMREVIEW" rules test "$D"
is "$rc" 1 "unmet expectations exit 1"
contains "$T/out" "FAIL mt-find (2 expectations)" "the rule fails"
contains "$T/out" "mt-find.before.c:5: expected on mt-find.after.c:5, not found" \
	"an expect: without a finding, named"
contains "$T/out" "expect-none, but found on mt-find.after.c:6: mt_find() added" \
	"an expect-none: with a finding, named"

sed -i 's|/\* expect: mt-find \*/||; s|expect-none: mt-find|expect: mt-find|' "$D/mt-find.after.c"
run "$MMREVIEW" rules test "$D/mt-find.after.c"
is "$rc" 0 "a before/after pair, fixed, passes (named by either file)"

printf '\n\tmt_find(NULL, NULL, 0);\n' >>"$D/mt-find.after.c"
sed -i 's/^}$//' "$D/mt-find.after.c"
printf '}\n' >>"$D/mt-find.after.c"
run "$MMREVIEW" rules test "$D/mt-find.scm"
is "$rc" 1 "a finding on a line with no expectation fails"
contains "$T/out" ": unexpected on mt-find.after.c:" "named as unexpected"

cat >"$D/other.patch" <<'X'
--- a/mm/x.c
+++ b/mm/x.c
@@ -1,3 +1,3 @@ void f(void)
 {
-	g();
+	h();	/* expect: no-such-rule */
 }
X
run "$MMREVIEW" rules test "$D/other.patch"
is "$rc" 1 "an expectation of an unknown rule fails"
contains "$T/out" "other.patch:6: no rule 'no-such-rule'" "naming it"

printf 'not a patch at all\n' >"$D/bad.patch"
run "$MMREVIEW" rules test "$D/bad.patch"
is "$rc" 2 "a case without expectations exits 2"
contains "$T/err" "bad.patch' has no expect:" "naming it"
printf -- '--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n-a\n' >"$D/bad.patch"
run "$MMREVIEW" rules test "$D/bad.patch"
is "$rc" 2 "a case that does not parse exits 2"
contains "$T/err" "case '$D/bad.patch': " "naming it"

mkdir -p "$T/empty"
run "$MMREVIEW" rules test "$T/empty"
is "$rc" 2 "no case to run is an error"

# docs/rules.md is also the man page mmreview-rules(7).
awk -v version=test -f "$SRCDIR/mk/md2man.awk" "$SRCDIR/docs/rules.md" >"$T/rules.7"
run man -l "$T/rules.7"
is "$rc" 0 "mmreview-rules(7) renders"
contains "$T/out" "MMREVIEW-RULES(7)" "with its title"
contains "$T/out" "(#macro-contains? @mask \"VM_UFFD_WP\"))" "and the examples as written"
grep -q "^   *\* a query rule\|^ *• a  *query rule" "$T/out"
ok $? "items become items"

done_testing
