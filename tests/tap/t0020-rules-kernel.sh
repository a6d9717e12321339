#!/bin/sh
# The rules on real kernel code they have never seen: Debian's
# linux-source-6.1 files, changed here at test time, one commit each,
# reviewed from the exact git blobs with the 6.1 tree for definitions.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "no $K (make kernel-sources)"

kernel_repo "$K" mm/memory.c mm/migrate.c mm/mremap.c

# change FILE SED-SCRIPT DESCRIPTION: a commit on the 6.1 base, reviewed.
change() {
	kernel_change "$1" "$2" "$3"
	(cd "$G" && "$MMREVIEW" check --tree "$K" HEAD^..HEAD >"$T/out" 2>"$T/err")
	rc=$?
}


# --- positives ---------------------------------------------------------------

change mm/memory.c 's/if (is_vm_hugetlb_page(src_vma))/if (is_vm_hugetlb_page(dst_vma))/' \
	"copy_page_range: hugetlb test moved from src_vma to dst_vma"
is "$rc" 1 "found"
L=$(line_of mm/memory.c "if (is_vm_hugetlb_page(dst_vma))")
contains "$T/out" "mm/memory.c:$L:25: warning: Was the change from checking src_vma to dst_vma for VM_HUGETLB intentional? [role-swap]" \
	"role-swap names VM_HUGETLB, through is_vm_hugetlb_page() from the tree"

change mm/migrate.c 's/if (folio_test_dirty(src)) {/if (folio_test_dirty(dst)) {/' \
	"folio_migrate_flags: dirty test moved from src to dst folio"
is "$rc" 1 "found"
L=$(line_of mm/migrate.c "if (folio_test_dirty(dst)) {")
contains "$T/out" "mm/migrate.c:$L:" "role-swap at the changed test"
contains "$T/out" "from checking src to dst" "naming the roles"

change mm/mremap.c 's/if (pmd_trans_unstable(old_pmd))/if (pmd_trans_unstable(new_pmd))/' \
	"move_page_tables: old_pmd test now on new_pmd"
is "$rc" 1 "found"
contains "$T/out" "from checking old_pmd to new_pmd" "role-swap on old/new pmds"

change mm/memory.c '/^vma_needs_copy/,/^}/s/if (userfaultfd_wp(dst_vma))/if (userfaultfd_wp(src_vma))/' \
	"vma_needs_copy: uffd-wp test on src_vma under a comment naming dst_vma"
is "$rc" 1 "found"
contains "$T/out" "[role-swap]" "role-swap"
contains "$T/out" "[comment-mismatch]" "and the kept comment that names dst_vma"
L=$(line_of mm/memory.c "Always copy pgtables when dst_vma")
contains "$T/out" "mm/memory.c:$L:" "comment-mismatch at the comment's line"

# --- negatives ---------------------------------------------------------------

change mm/memory.c 's/if (is_vm_hugetlb_page(src_vma))/if (src_vma->vm_flags \& VM_HUGETLB)/' \
	"same-role refactor: helper replaced by its flag test"
is "$rc" 0 "nothing found"

change mm/memory.c 's/dst_vma/child_vma/g; s/src_vma/parent_vma/g' \
	"consistent rename of both roles in the whole file"
is "$rc" 0 "nothing found"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out" | head

change mm/migrate.c 's/^\(\tif (folio_test_dirty(src)) {\)$/\tif (folio_test_young(dst))\n\t\tfolio_set_idle(src);\n\1/' \
	"a new check on one side only"
is "$rc" 0 "nothing found"

change mm/memory.c '/if (is_vm_hugetlb_page(src_vma))/,+1d' \
	"a removed check with no replacement"
is "$rc" 0 "nothing found"

change mm/mremap.c 's/old_pmd/new_pmd_tmp/g; s/\bnew_pmd\b/old_pmd/g; s/new_pmd_tmp/new_pmd/g' \
	"the two roles swapped everywhere, consistently"
[ "$rc" -le 1 ]
ok $? "no crash on a whole-file role exchange (exit $rc)"

done_testing
