#!/bin/sh
# mmreview check on the seed case: with no tree, with Debian's 6.1 tree,
# and as a commit in a git repository; the same two findings each time.
. "$SRCDIR/tests/lib.sh"
SEED="$SRCDIR/tests/fixtures/seed-case/patch.mbox"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"

expect_findings() { # expect_findings DESCRIPTION
	contains "$T/out" "mm/memory.c:1253:6: warning: Was the change from checking dst_vma to src_vma for VM_UFFD_WP intentional? [role-swap]" "$1: role-swap at the new test"
	contains "$T/out" "include/linux/mm.h:430:59: warning: The comment says \"dst_vma\"" "$1: comment-mismatch at the comment's dst_vma"
	lacks "$T/out" "VM_PFNMAP" "$1: nothing about VM_PFNMAP | VM_MIXEDMAP becoming the mask"
	is "$(grep -c ': warning: ' "$T/out" | tr -d ' ')" 2 "$1: exactly two findings"
}

run "$MMREVIEW" check "$SEED"
is "$rc" 1 "no tree: exit 1 (findings)"
expect_findings "no tree"

run "$MMREVIEW" check -v "$SEED"
contains "$T/out" "images from hunks" "no tree: -v says the images came from the hunks"
contains "$T/out" "no kernel tree" "and why"
contains "$T/out" "built-in table" "and that userfaultfd_wp() came from the built-in table"

if [ -f "$K/mm/memory.c" ]; then
	run "$MMREVIEW" check -v --tree "$K" "$SEED"
	is "$rc" 1 "6.1 tree: exit 1"
	expect_findings "6.1 tree"
	contains "$T/out" "mm/memory.c: images from blob" "6.1 tree: exact pre-image from the index blob"
	contains "$T/out" "userfaultfd_wp(dst_vma) tests dst_vma->vm_flags & VM_UFFD_WP (include/linux/userfaultfd_k.h:119)." \
		"6.1 tree: userfaultfd_wp() read from the tree, and where"
	lacks "$T/out" "built-in table" "6.1 tree: no built-in table"

	# The same patch as a commit in a git repository.
	G="$T/repo"
	mkdir -p "$G/mm" "$G/include/linux"
	cp "$K/mm/memory.c" "$G/mm/"
	cp "$K/include/linux/mm.h" "$K/include/linux/userfaultfd_k.h" "$G/include/linux/"
	(
		cd "$G" && git init -q . && git config user.name T &&
		git config user.email t@example.org && git add -A &&
		git commit -qm base && git am -q "$SEED"
	) >"$T/git.log" 2>&1
	ok $? "git am applies the seed patch to the 6.1 files"
	cd "$G"
	run "$MMREVIEW" check HEAD^..HEAD
	is "$rc" 1 "git range: exit 1"
	expect_findings "git range"
	run "$MMREVIEW" check -v
	contains "$T/out" "images from git" "git: the default range is HEAD, from git blobs"
	# The root commit adds 6.1's files: the shipped "new" rules see
	# their kmap_atomic() calls as added code, the role rules nothing.
	run "$MMREVIEW" check HEAD^
	lacks "$T/out" "[role-swap]" "git: the base commit alone has no role-swap finding"
	lacks "$T/out" "[comment-mismatch]" "git: nor a comment-mismatch one"
	cd - >/dev/null
else
	echo "# $K missing: run 'make kernel-sources'"
	ok 1 "the 6.1 kernel sources are there"
fi

done_testing
