#!/bin/sh
# The same answer whatever the context: a role swapped in real 6.1
# functions, sent as a patch with -U0 to -U7 or -W, and with its hunk
# headers naming a label, a struct or nothing instead of the function,
# is found where the review of the exact files finds it.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "$K missing: run 'make kernel-sources'"

G="$T/repo"
mkdir -p "$G/mm"
cp "$K/mm/memory.c" "$K/mm/userfaultfd.c" "$K/mm/mremap.c" "$K/mm/migrate.c" \
	"$K/mm/huge_memory.c" "$G/mm/"
cd "$G" || exit 1
git init -q . && git config user.name T && git config user.email t@example.org
git add -A && git commit -qm base
base=$(git rev-parse HEAD)

# The swaps: file, the line as 6.1 has it, the role and its counterpart.
# A condition behind a comment, a call argument under a label far below
# its signature, a condition through a nested call, a field chain, an
# assignment.
cat >"$T/cases" <<'EOF'
memory.c|	if (userfaultfd_wp(dst_vma))|dst_vma|src_vma
userfaultfd.c|	dst_vma = find_dst_vma(dst_mm, dst_start, len);|dst_mm|src_mm
migrate.c|	if (folio_test_dirty(src)) {|src|dst
memory.c|		if (unlikely(list_empty(&dst_mm->mmlist))) {|dst_mm|src_mm
mremap.c|	if (WARN_ON_ONCE(!pmd_none(*new_pmd)))|new_pmd|old_pmd
huge_memory.c|	pmd = *src_pmd;|src_pmd|dst_pmd
EOF

# findings FILE: "path:line:col" of each role-swap finding, sorted. (A
# comment's words are in a patch only when the context reaches them:
# comment-mismatch depends on -U, role swaps must not.)
findings() {
	sed -n 's/^\([^ ]*:[0-9]*:[0-9]*\): [a-z]*: .*\[role-swap\]$/\1/p' "$1" | sort
}

# reheader PATCH SECTION: every hunk header's section replaced
reheader() {
	perl -pe 's/^(\@\@ -\d+(,\d+)? \+\d+(,\d+)? \@\@).*/$1 . ($ENV{SECTION} ne "" ? " $ENV{SECTION}" : "")/e' "$1"
}

while IFS='|' read -r file line from to; do
	git checkout -q -f "$base"
	n=$(grep -nxF "$line" "mm/$file" | head -n 1 | cut -d: -f1)
	[ -n "$n" ]
	ok $? "$file: the line to swap is there"
	perl -pi -e "s/\\b$from\\b/$to/ if \$. == $n" "mm/$file"
	git commit -qam "mm: swap $from in $file"
	run "$MMREVIEW" check HEAD^..HEAD
	findings "$T/out" >"$T/want"
	grep -q "^mm/$file:$n:[0-9]*$" "$T/want"
	ok $? "$file:$n: found with the exact files"
	for ctx in -U0 -U1 -U2 -U3 -U5 -U7 -W; do
		git format-patch -q --stdout "$ctx" -1 HEAD >"$T/p.patch"
		(cd "$T" && "$MMREVIEW" check p.patch >"$T/out" 2>"$T/err")
		findings "$T/out" >"$T/got"
		if cmp -s "$T/want" "$T/got"; then
			ok 0 "$file:$n $ctx: the same findings as with the files"
		else
			ok 1 "$file:$n $ctx: the same findings as with the files"
			diff "$T/want" "$T/got" | sed 's/^/# /'
		fi
	done
	git format-patch -q --stdout -1 HEAD >"$T/p.patch"
	for section in "out_unlock:" "struct vm_area_struct {" ""; do
		SECTION=$section reheader "$T/p.patch" >"$T/q.patch"
		(cd "$T" && "$MMREVIEW" check q.patch >"$T/out" 2>"$T/err")
		findings "$T/out" >"$T/got"
		if cmp -s "$T/want" "$T/got"; then
			ok 0 "$file:$n @@ ... @@ '$section': the same findings"
		else
			ok 1 "$file:$n @@ ... @@ '$section': the same findings"
			diff "$T/want" "$T/got" | sed 's/^/# /'
		fi
	done
done <"$T/cases"

done_testing
