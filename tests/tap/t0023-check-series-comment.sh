#!/bin/sh
# comment-mismatch across a series: patch 1 adds VM_COPY_ON_FORK with a
# comment that speaks of dst_vma, patch 2 uses it on src_vma. The seed
# patch split in two on Debian's 6.1 files, reviewed as an mbox with and
# without the tree, and as commits.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "$K missing: run 'make kernel-sources'"

G="$T/repo"
seed_repo "$G" "$K"
ok $? "the seed patch applies"
git reset -q HEAD^
git add include/linux/mm.h && git commit -qm "mm: add VM_COPY_ON_FORK"
git add mm/memory.c && git commit -qm "mm: use VM_COPY_ON_FORK in vma_needs_copy()"
git format-patch -q --stdout -2 HEAD >"$T/series.mbox"

expect_use() { # expect_use LABEL
	contains "$T/out" "mm/memory.c:1253:6: warning: The comment above VM_COPY_ON_FORK, added by patch \"mm: add VM_COPY_ON_FORK\" (include/linux/mm.h:418), says \"dst_vma\" but this new code checks src_vma->vm_flags. Is this intentional? [comment-mismatch]" "$1: patch 2's use is checked against patch 1's comment"
	contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma for VM_UFFD_WP intentional? [role-swap]" "$1: and the swap is found through patch 1's mask"
	is "$(grep -c 'comment-mismatch' "$T/out" | tr -d ' ')" 1 "$1: one comment question, none on patch 1 alone"
}

run "$MMREVIEW" check HEAD~2..HEAD
is "$rc" 1 "commits: exit 1"
expect_use "commits"
cd "$T" || exit 1
run "$MMREVIEW" check "$T/series.mbox"
expect_use "mbox, no tree"
run "$MMREVIEW" check --tree "$K" "$T/series.mbox"
expect_use "mbox, 6.1 tree"
run "$MMREVIEW" check --format email "$T/series.mbox"
contains "$T/out" "The comment above VM_COPY_ON_FORK, added by patch" "the reply to patch 2 asks about patch 1's comment"

# Patch 2 alone: patch 1's comment is not known, nothing is claimed.
awk '/^From [0-9a-f]+ /{n++} n==2' "$T/series.mbox" >"$T/two.mbox"
run "$MMREVIEW" check --tree "$K" "$T/two.mbox"
# (the split leaves its messages without a Message-ID: warned, reviewed)
lacks "$T/out" "comment-mismatch" "patch 2 alone: no comment to check against"

done_testing
