#!/bin/sh
# condition-flip and no-functional-change on real kernel code: Debian's
# linux-source-6.1 mm files, a condition changed here at test time, one
# commit each, reviewed from the exact git blobs with the 6.1 tree, and
# the same commit as a patch file from its hunks alone, outside any tree.
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/mlock.c" ] || skip_all "no $K (make kernel-sources)"

mkdir -p "$T/away"
kernel_repo "$K" mm/mlock.c mm/mremap.c

NFC="No functional change intended."

# change FILE SED-SCRIPT SUBJECT [BODY]: a commit on the 6.1 base,
# reviewed exactly ($T/out, $rc) and from its hunks alone ($T/hunks,
# $hrc).
change() {
	kernel_change "$1" "$2" "$3${4:+

$4}"
	(cd "$G" && "$MMREVIEW" check --tree "$K" HEAD^..HEAD >"$T/out" 2>"$T/err")
	rc=$?
	git -C "$G" format-patch -q --stdout -1 HEAD >"$T/away/x.patch"
	(cd "$T/away" && "$MMREVIEW" check x.patch >"$T/hunks" 2>"$T/err")
	hrc=$?
}


# both FIXED-STRING DESCRIPTION: in the exact and the hunks-only review
both() {
	contains "$T/out" "$1" "$2 (exact blobs)"
	contains "$T/hunks" "$1" "$2 (hunks alone)"
}

neither() { # neither FIXED-STRING DESCRIPTION
	lacks "$T/out" "$1" "$2 (exact blobs)"
	lacks "$T/hunks" "$1" "$2 (hunks alone)"
}

# --- condition-flip: positives -------------------------------------------------

change mm/mlock.c 's/if (nstart < prev->vm_end)/if (nstart <= prev->vm_end)/' \
	"mm/mlock: apply_vma_lock_flags bound"
is "$rc" 1 "found"
L=$(line_of mm/mlock.c "if (nstart <= prev->vm_end)")
both "mm/mlock.c:$L:14: warning: The condition changed from 'nstart < prev->vm_end' to 'nstart <= prev->vm_end' but the code it guards did not. Is the boundary change intended? [condition-flip]" \
	"a < made <=, the caret under the operator"
neither "[no-functional-change]" "no claim in the changelog, no no-functional-change"

change mm/mlock.c 's/if (!pmd_present(\*pmd))/if (pmd_present(*pmd))/' \
	"mm/mlock: mlock_pte_range pmd test"
L=$(line_of mm/mlock.c "if (pmd_present(*pmd))")
both "mm/mlock.c:$L:" "a '!' removed is found at its line"
both "changed from '!pmd_present(*pmd)' to 'pmd_present(*pmd)' but the code it guards did not. Is the inverted test intended? [condition-flip]" \
	"a '!' removed: an inverted test"

change mm/mremap.c 's/if (need_clear_uffd_wp && pte_marker_uffd_wp(pte))/if (need_clear_uffd_wp || pte_marker_uffd_wp(pte))/' \
	"mm/mremap: move_ptes uffd-wp marker test"
L=$(line_of mm/mremap.c "if (need_clear_uffd_wp || pte_marker_uffd_wp(pte))")
both "mm/mremap.c:$L:26: warning: The condition changed from 'need_clear_uffd_wp && pte_marker_uffd_wp(pte)' to 'need_clear_uffd_wp || pte_marker_uffd_wp(pte)'" \
	"&& made ||, the caret under ||"

# --- no-functional-change: positives --------------------------------------------

change mm/mlock.c 's/if (nstart < prev->vm_end)/if (nstart <= prev->vm_end)/' \
	"mm/mlock: tidy apply_vma_lock_flags" "$NFC"
is "$rc" 1 "found"
L=$(line_of mm/mlock.c "if (nstart <= prev->vm_end)")
both "mm/mlock.c:$L:14: warning: The changelog says \"No functional change intended\", but this condition changed from 'nstart < prev->vm_end' to 'nstart <= prev->vm_end'. [no-functional-change]" \
	"the claim quoted over a boundary change"
both "[condition-flip]" "condition-flip asks too"

change mm/mremap.c 's/if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))/if (vma->vm_flags \& VM_PFNMAP)/' \
	"mm/mremap: simplify vma_to_resize" "Use one flag test.

No functional changes."
L=$(line_of mm/mremap.c "if (vma->vm_flags & VM_PFNMAP)")
both "mm/mremap.c:$L:" "a flag removed from a mask test is found at its line"
both "No functional changes\", but this condition changed from 'vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)' to 'vma->vm_flags & VM_PFNMAP'. [no-functional-change]" \
	"a flag removed from a mask test"
neither "[condition-flip]" "a flag removed is not a flip"

change mm/mlock.c 's/if (!pmd_present(\*pmd))/if (pmd_present(*pmd))/' \
	"mm/mlock: NFC cleanup of mlock_pte_range"
both "The subject says \"mm/mlock: NFC cleanup of mlock_pte_range\", but this condition changed" \
	"the claim in the subject"

# --- negatives --------------------------------------------------------------------

change mm/mlock.c 's/if (end < start)/if (start > end)/; s/^\tif (!vma)$/\tif (vma == NULL)/; s/if (nstart < prev->vm_end)/if (!(nstart >= prev->vm_end))/' \
	"mm/mlock: rewrite tests, same meaning" "$NFC"
is "$rc" 0 "operands mirrored, !x as x == NULL, !(a >= b) for a < b: nothing"

change mm/mremap.c 's/if (need_clear_uffd_wp && pte_marker_uffd_wp(pte))/if (!(!need_clear_uffd_wp || !pte_marker_uffd_wp(pte)))/' \
	"mm/mremap: De Morgan" "$NFC"
is "$rc" 0 "De Morgan: nothing"
is "$hrc" 0 "De Morgan: nothing from the hunks either"

change mm/mlock.c '/if (end < start)/{s/</<=/;n;s/-EINVAL/-ENOMEM/}' \
	"mm/mlock: a bound and its result changed together"
L=$(line_of mm/mlock.c "if (end <= start)")
lacks "$T/out" "mm/mlock.c:$L:" "a flip whose guarded code changed too: nothing (exact blobs)"
lacks "$T/hunks" "mm/mlock.c:$L:" "a flip whose guarded code changed too: nothing (hunks alone)"

change mm/mlock.c '/^static int apply_vma_lock_flags/,/^}/s/\bnstart\b/next_start/g' \
	"mm/mlock: rename nstart" "$NFC"
is "$rc" 0 "a rename under the claim: nothing"
is "$hrc" 0 "a rename under the claim: nothing from the hunks either"

done_testing
