#!/bin/sh
# sleep-in-atomic on real kernel code: Debian's linux-source-6.1 mm files,
# changed here at test time, one commit each, reviewed from the exact git
# blobs with the 6.1 tree (helpers looked up there), and as a mail from
# the hunks alone outside any tree (the built-in table only).
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/memory.c" ] || skip_all "no $K (make kernel-sources)"

mkdir -p "$T/away"
kernel_repo "$K" mm/memory.c mm/mmap.c mm/memcontrol.c mm/swapfile.c

# change FILE SED-SCRIPT DESCRIPTION: a commit on the 6.1 base, reviewed
# with the tree ($rc, $T/out) and from its mail outside a tree, with 30
# lines of context so that the sections open inside the hunks ($rc2,
# $T/out2).
change() {
	kernel_change "$1" "$2" "$3"
	(cd "$G" && "$MMREVIEW" check -v --tree "$K" HEAD^..HEAD \
		>"$T/out" 2>"$T/err")
	rc=$?
	git -C "$G" format-patch -q -U30 --stdout -1 HEAD >"$T/away/p.mbox"
	(cd "$T/away" && "$MMREVIEW" check -v p.mbox >"$T/out2" 2>"$T/err2")
	rc2=$?
}


# --- positives ---------------------------------------------------------------

# expand_upwards(): the page table lock around the VMA's new end.
change mm/mmap.c '0,/^\t\t\t\tvm_stat_account(mm, vma->vm_flags, grow);$/s//&\n\t\t\t\tvma->vm_private_data = kmalloc(64, GFP_KERNEL);/' \
	"expand_upwards: kmalloc(GFP_KERNEL) under page_table_lock"
is "$rc" 1 "found with the tree"
L=$(line_of mm/mmap.c "kmalloc(64, GFP_KERNEL)")
LOCK=$((L - 4))
contains "$T/out" "mm/mmap.c:$L:28: warning: kmalloc() with GFP_KERNEL may sleep, but this runs under spin_lock(&mm->page_table_lock) taken at line $LOCK. Should it be GFP_ATOMIC, or moved out of the lock? [sleep-in-atomic]" \
	"the reviewer's question, at the call, naming the lock and its line"
contains "$T/out" "note: may sleep: the gfp mask allows direct reclaim (built-in table)" \
	"the note names the fact source"
is "$rc2" 1 "found from the hunks alone"
contains "$T/out2" "mm/mmap.c:$L:28: warning: kmalloc() with GFP_KERNEL may sleep" \
	"the same finding from the hunks alone"
git -C "$G" format-patch -q --stdout -1 HEAD >"$T/away/p3.mbox"
(cd "$T/away" && "$MMREVIEW" check p3.mbox >"$T/out3" 2>&1)
is "$?" 0 "with 3 lines of context the lock is not in the hunk: nothing"

# do_swap_page(): in the pte_offset_map_lock() section.
change mm/memory.c 's/^\tBUG_ON(folio_test_anon(folio) && PageAnonExclusive(page));$/&\n\tcond_resched();/' \
	"do_swap_page: cond_resched() under the pte lock"
is "$rc" 1 "found"
L=$(line_of mm/memory.c "BUG_ON(folio_test_anon(folio) && PageAnonExclusive(page));")
L=$((L + 1))
contains "$T/out" "mm/memory.c:$L:2: warning: cond_resched() may sleep, but this runs under pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &vmf->ptl) taken at line" \
	"cond_resched() in the pte lock section"
contains "$T/out" "note: may sleep: built-in table" "from the built-in table"
is "$rc2" 1 "found from the hunks alone too"

# kmap() is not in the table: its might_sleep() is found in the tree.
change mm/memory.c 's/^\tBUG_ON(folio_test_anon(folio) && PageAnonExclusive(page));$/&\n\tkmap(page);/' \
	"do_swap_page: kmap() under the pte lock"
is "$rc" 1 "found with the tree"
L=$(line_of mm/memory.c "	kmap(page);")
contains "$T/out" "mm/memory.c:$L:2: warning: kmap() may sleep, but this runs under pte_offset_map_lock(" \
	"kmap() flagged"
contains "$T/out" "note: may sleep: might_sleep() in include/linux/highmem-internal.h:" \
	"the note says where the tree's helper sleeps"
is "$rc2" 0 "nothing from the hunks alone: no tree, no fact about kmap()"

# zap_pmd_range(): a lock the patch puts around an existing cond_resched().
change mm/memory.c '/^static inline unsigned long zap_pmd_range/,/^}/s/^\t\tcond_resched();$/\t\tspin_lock(\&tlb->mm->page_table_lock);\n&\n\t\tspin_unlock(\&tlb->mm->page_table_lock);/' \
	"zap_pmd_range: the existing cond_resched() now under a lock"
is "$rc" 1 "found"
L=$(line_of mm/memory.c "spin_lock(&tlb->mm->page_table_lock);")
contains "$T/out" "mm/memory.c:$((L + 1)):3: warning: cond_resched() may sleep, and the patch now runs it under spin_lock(&tlb->mm->page_table_lock) taken at line $L, which it adds." \
	"the old call flagged, the section said to be new"

# __mod_lruvec_page_state(): RCU, with an unlock in a branch that returns.
change mm/memcontrol.c '/^void __mod_lruvec_page_state/,/^}/s/^\tlruvec = mem_cgroup_lruvec(memcg, pgdat);$/&\n\tmutex_lock(\&memcg->thresholds_lock);/' \
	"__mod_lruvec_page_state: mutex_lock() under rcu_read_lock()"
is "$rc" 1 "found past the early return's rcu_read_unlock()"
L=$(line_of mm/memcontrol.c "	mutex_lock(&memcg->thresholds_lock);")
contains "$T/out" "mm/memcontrol.c:$L:2: warning: mutex_lock() may sleep, but this runs under rcu_read_lock() at line $((L - 10)). Should it be moved out of the RCU read-side critical section? [sleep-in-atomic]" \
	"the RCU section named"
is "$rc2" 1 "found from the hunks alone"

# --- negatives ---------------------------------------------------------------

change mm/memcontrol.c '/^void __mod_lruvec_page_state/,/^}/s/^\t\trcu_read_unlock();$/&\n\t\tcond_resched();/' \
	"__mod_lruvec_page_state: cond_resched() after the early rcu_read_unlock()"
is "$rc" 0 "after the unlock in the branch: nothing"
is "$rc2" 0 "nor from the hunks alone"

# get_swap_pages(): the loop drops swap_avail_lock, takes and drops si->lock.
change mm/swapfile.c '/^int get_swap_pages/,/^}/s/^\t\tspin_unlock(&si->lock);$/&\n\t\tmight_sleep();/' \
	"get_swap_pages: might_sleep() after the loop's unlocks"
is "$rc" 0 "between unlock and relock in a loop: nothing"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out" | head
is "$rc2" 0 "nor from the hunks alone"

change mm/mmap.c '0,/^\t\t\t\tvm_stat_account(mm, vma->vm_flags, grow);$/s//&\n\t\t\t\tvma->vm_private_data = kmalloc(64, GFP_ATOMIC);/' \
	"expand_upwards: kmalloc(GFP_ATOMIC) under page_table_lock"
is "$rc" 0 "GFP_ATOMIC: nothing with the tree"
is "$rc2" 0 "nor from the hunks alone"

change mm/mmap.c '0,/^\t\t\t\tperf_event_mmap(vma);$/s//&\n\t\t\t\tvma->vm_private_data = kmalloc(64, GFP_KERNEL);/' \
	"expand_upwards: kmalloc(GFP_KERNEL) after the unlock"
is "$rc" 0 "after the unlock: nothing"
is "$rc2" 0 "nor from the hunks alone"

change mm/mmap.c '0,/^\t\t\t\tvm_stat_account(mm, vma->vm_flags, grow);$/s//&\n\t\t\t\tvma->vm_private_data = kmalloc(64, gfp);/' \
	"expand_upwards: kmalloc(gfp) with a variable mask"
is "$rc" 0 "a gfp variable is not judged"

change mm/memory.c 's/^\tpte_unmap_unlock(vmf->pte, vmf->ptl);$/&\n\tcond_resched();/' \
	"cond_resched() after each pte_unmap_unlock()"
is "$rc" 0 "after the unlock: nothing"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out" | head
is "$rc2" 0 "nor from the hunks alone"

change mm/memory.c '/^static inline unsigned long zap_pmd_range/,/^}/s/^\t\tcond_resched();$/\t\tspin_lock(\&tlb->mm->page_table_lock);\n\t\tspin_unlock(\&tlb->mm->page_table_lock);\n&/' \
	"zap_pmd_range: lock and unlock before the existing cond_resched()"
is "$rc" 0 "locked and unlocked before the call: nothing"

done_testing
