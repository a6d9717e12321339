#!/bin/sh
# A swap the patch explains is not questioned: on Debian's 6.1 files, the
# seed patch (dst_vma -> src_vma, a bug) and a fix in the manner of
# 35e247032606 (src_vma -> dst_vma, with a changelog sentence, an added
# comment saying why, and Fixes:). The fix's finding is info, names the
# sentence, says what it puts back, and is not posted; without the
# explanation it is a warning again.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "$K missing: run 'make kernel-sources'"

G="$T/repo"
seed_repo "$G" "$K"
ok $? "the seed patch applies to the 6.1 files"
seed=$(git rev-parse --short=12 HEAD)

# fix [COMMENT] [SENTENCE]: the fix as a commit, with or without its words
fix() {
	git reset -q --hard "$seed"
	COMMENT=$1 perl -0pi -e '
		my $c = $ENV{COMMENT} ? "\t/*\n\t * We check against dst_vma as it is the child whose page tables\n\t * would lose their uffd-wp bits if they were not copied.\n\t */\n" : "";
		s/\tif \(src_vma->vm_flags & VM_COPY_ON_FORK\)\n/${c}\tif (dst_vma->vm_flags & VM_COPY_ON_FORK)\n/' mm/memory.c
	{
		echo "mm: test VM_COPY_ON_FORK on the child VMA"
		echo
		echo "vma_needs_copy() tests the copy-on-fork flags on src_vma since"
		echo "the flags were gathered into one mask."
		[ -n "$2" ] && echo "$2"
		echo
		echo "Fixes: $seed (\"mm: introduce copy-on-fork VMAs\")"
		echo "Signed-off-by: T <t@example.org>"
	} >"$T/msg"
	git commit -qa -F "$T/msg"
}

SENTENCE="On fork the child may have VM_UFFD_WP cleared, so we check against dst_vma as it is the one whose page tables are copied."

fix 1 "$SENTENCE"
run "$MMREVIEW" check -v HEAD^..HEAD
is "$rc" 0 "explained fix: exit 0, an info finding does not fail a run"
contains "$T/out" "mm/memory.c:1257:6: info: The change from checking src_vma to dst_vma for" "explained fix: info at the new test, below the added comment, stated, not asked"
contains "$T/out" "the patch explains it in the changelog: \"On fork the child may have VM_UFFD_WP cleared, so we check against dst_vma as it is the one whose page tables are copied.\"" "and it quotes the sentence that explains it"
contains "$T/out" "this puts back what commit $seed (\"mm: introduce copy-on-fork VMAs\") changed" "and says it puts back what the Fixes: commit changed"
lacks "$T/out" "warning:" "explained fix: no warning"

fix 1 ""
run "$MMREVIEW" check -v HEAD^..HEAD
is "$rc" 0 "comment only: exit 0"
contains "$T/out" "info: The change from checking src_vma to dst_vma" "comment only: still info"
contains "$T/out" "the patch explains it in the comment at mm/memory.c:1253" "the added comment is named as the explanation"

# Without a word of why, the Fixes: commit still says it is a fix.
fix "" ""
run "$MMREVIEW" check -v HEAD^..HEAD
is "$rc" 0 "Fixes: only: exit 0"
lacks "$T/out" "the patch explains it" "Fixes: only: no sentence claimed"
contains "$T/out" "puts back what commit $seed" "Fixes: only: what it puts back"

# Nothing at all: a Fixes: naming a commit the tree does not have.
fix "" ""
git commit -q --amend -m "mm: test the flags on dst_vma" -m "Fixes: 0123456789ab (\"mm: something else\")"
run "$MMREVIEW" check -v HEAD^..HEAD
is "$rc" 1 "unexplained: exit 1"
contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking src_vma to dst_vma for" "unexplained: a warning question"

# The series as mail, no tree: patch 2 explains itself and puts back 1.
fix 1 "$SENTENCE"
git format-patch -q --stdout -2 HEAD >"$T/series.mbox"
cd "$T" || exit 1
run "$MMREVIEW" check -v series.mbox
is "$rc" 1 "series: exit 1 (patch 1's warning)"
contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma" "series: patch 1 is questioned"
contains "$T/out" "info: The change from checking src_vma to dst_vma" "series: patch 2 is info"
contains "$T/out" "this puts back what patch \"mm: introduce copy-on-fork VMAs\" changed" "series: patch 2 puts back patch 1"
run "$MMREVIEW" check --format email series.mbox
is "$(grep -c '^Subject: Re:' "$T/out" | tr -d ' ')" 1 "email: one reply, to patch 1 only: info is not posted"
lacks "$T/out" "test VM_COPY_ON_FORK on the child" "email: nothing to patch 2"
run "$MMREVIEW" -c post.min-severity=info check --format email series.mbox
is "$(grep -c '^Subject: Re:' "$T/out" | tr -d ' ')" 2 "post.min-severity=info: patch 2 gets its reply too"
run "$MMREVIEW" check --format json series.mbox
contains "$T/out" '"severity": "info"' "JSON: the severity is info"

done_testing
