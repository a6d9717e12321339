#!/bin/sh
# lock-imbalance and ref-leak on real kernel code they have never seen:
# Debian's linux-source-6.1 functions, changed here at test time, one
# commit each, reviewed from the exact git blobs and as a patch from its
# hunks alone (git format-patch, "mmreview check FILE" outside a tree).
. "$SRCDIR/tests/lib.sh"
K="${KERNEL_DIR:-$SRCDIR/build/kernel}/6.1"
[ -f "$K/mm/mincore.c" ] || skip_all "no $K (make kernel-sources)"

mkdir -p "$T/out-of-tree"
kernel_repo "$K" mm/mincore.c mm/memory.c mm/workingset.c

# change FILE SED-SCRIPT DESCRIPTION [CHECK-OPTIONS...]: a commit on the
# 6.1 base, reviewed from the exact blobs into $T/out.
change() {
	f=$1 script=$2 what=$3
	shift 3
	kernel_change "$f" "$script" "$what"
	(cd "$G" && "$MMREVIEW" check "$@" HEAD^..HEAD >"$T/out" 2>"$T/err")
	rc=$?
}

# hunks FORMAT-PATCH-OPTION: the commit as a patch, reviewed outside any
# tree from its hunks alone, into $T/out.
hunks() {
	git -C "$G" format-patch -q --stdout "$1" -1 HEAD >"$T/out-of-tree/p.mbox"
	(cd "$T/out-of-tree" && "$MMREVIEW" check p.mbox >"$T/out" 2>"$T/err")
	rc=$?
}


old_line_of() { # the same in the 6.1 file
	grep -nF -- "$2" "$K/$1" | head -1 | cut -d: -f1
}

run "$MMREVIEW" rules list
contains "$T/out" "lock-imbalance           warning  enabled   built-in" \
	"lock-imbalance is listed, a warning, enabled"
contains "$T/out" "ref-leak                 warning  enabled   built-in" \
	"ref-leak is listed, a warning, enabled"
run "$MMREVIEW" rules show lock-imbalance
contains "$T/out" "Example:" "lock-imbalance is documented, with an example"
run "$MMREVIEW" rules show ref-leak
contains "$T/out" "[rule \"ref-leak\"]" "ref-leak says how to silence it"

MINCORE='/^static int mincore_pte_range/,/^}/'

# --- lock-imbalance: positives -----------------------------------------------

change mm/mincore.c "${MINCORE}s/^\t\tpte_t pte = \*ptep;\$/&\n\n\t\tif (pte_special(pte))\n\t\t\treturn -EAGAIN;/" \
	"mincore_pte_range: an early return inside the pte_offset_map_lock() loop"
is "$rc" 1 "found"
L=$(line_of mm/mincore.c "return -EAGAIN;")
A=$(line_of mm/mincore.c "ptep = pte_offset_map_lock(walk->mm, pmd, addr, &ptl);")
U=$(line_of mm/mincore.c "pte_unmap_unlock(ptep - 1, ptl);")
contains "$T/out" "mm/mincore.c:$L:4: warning: This return leaves with ptl held (taken by pte_offset_map_lock() at line $A, released at line $U on the other paths). Is an unlock missing? [lock-imbalance]" \
	"the new return is marked, with the lock, where it is taken and released"
hunks -W
contains "$T/out" "mm/mincore.c:$L:4: warning: This return leaves with ptl held" \
	"from the hunks alone (whole function shown), the same finding"
hunks -U3
lacks "$T/out" "[lock-imbalance]" \
	"from three lines of context the lock is out of sight: nothing said"

change mm/mincore.c "${MINCORE}s/^\t\tpte_t pte = \*ptep;\$/&\n\n\t\tif (pte_special(pte))\n\t\t\tgoto out;/" \
	"mincore_pte_range: a goto that skips the unlock"
is "$rc" 1 "found"
L=$(line_of mm/mincore.c "if (pte_special(pte))")
contains "$T/out" "mm/mincore.c:$((L + 1)):4: warning: This goto out leaves with ptl held" \
	"the goto to a label that does not unlock"

change mm/mincore.c "${MINCORE}{/^\t\tspin_unlock(ptl);\$/d}" \
	"mincore_pte_range: the unlock of the huge pmd path removed"
is "$rc" 1 "found"
L=$(old_line_of mm/mincore.c "		spin_unlock(ptl);")
contains "$T/out" "mm/mincore.c:$L:3: warning: This spin_unlock() is removed from one path only: the goto out at line $L now leaves with ptl held" \
	"the removed unlock is marked in the old file, naming the path"

change mm/memory.c '/^static vm_fault_t insert_pfn(/,/^}/s/^\tif (!pte_none(\*pte)) {$/\tif (pfn_t_devmap(pfn))\n\t\treturn VM_FAULT_SIGBUS;\n&/' \
	"insert_pfn: a return between get_locked_pte() and the unlock"
is "$rc" 1 "found"
L=$(line_of mm/memory.c "return VM_FAULT_SIGBUS;")
contains "$T/out" "mm/memory.c:$L:3: warning: This return leaves with ptl held (taken by get_locked_pte() at line" \
	"ptl taken by get_locked_pte(), after its failure test"

change mm/memory.c '/^void print_vma_addr/,/^}/s/^\tvma = find_vma(mm, ip);$/&\n\tif (!vma)\n\t\treturn;/' \
	"print_vma_addr: a return after a successful mmap_read_trylock()"
is "$rc" 1 "found"
contains "$T/out" "This return leaves with the mmap lock of mm held for read (taken by mmap_read_trylock()" \
	"the mmap read lock, taken by a trylock"
hunks -W
contains "$T/out" "This return leaves with the mmap lock of mm held for read" \
	"from the hunks alone too"

# xa_trylock() is a macro of include/linux/xarray.h: seen through with a
# tree, the built-in table otherwise; the note says which.
WS='/^static enum lru_status shadow_lru_isolate/,/^}/'
change mm/workingset.c "${WS}s/^\tlist_lru_isolate(lru, item);\$/\tif (!mapping->nrpages)\n\t\treturn LRU_SKIP;\n&/" \
	"shadow_lru_isolate: a return with the i_pages lock held" \
	--tree "$K" --format json
is "$rc" 1 "found"
contains "$T/out" "This return leaves with mapping->i_pages.xa_lock held (taken by xa_trylock()" \
	"with the kernel tree, the lock xa_trylock() takes"
contains "$T/out" "xa_trylock() seen through (include/linux/xarray.h:" \
	"the note says the helper was seen through, where"
contains "$T/out" "kernel tree)" "and that it came from the kernel tree"
(cd "$G" && "$MMREVIEW" check --format json HEAD^..HEAD >"$T/out" 2>"$T/err")
contains "$T/out" "This return leaves with the lock of mapping->i_pages held" \
	"without a tree, from the built-in table"
contains "$T/out" '"note": "lock pairs: built-in table"' "and the note says so"

# --- lock-imbalance: negatives -----------------------------------------------

change mm/mincore.c "${MINCORE}s/^\tpte_unmap_unlock(ptep - 1, ptl);\$/&\n\tif (nr < 0)\n\t\treturn -EINVAL;/" \
	"mincore_pte_range: a new return after the unlock"
lacks "$T/out" "[lock-imbalance]" "nothing found"
hunks -W
lacks "$T/out" "[lock-imbalance]" "nothing from the hunks either"

change mm/memory.c '/^static vm_fault_t insert_pfn(/,/^}/s/^\tif (!pte_none(\*pte)) {$/\tif (pfn_t_devmap(pfn))\n\t\tgoto out_unlock;\n&/' \
	"insert_pfn: a new goto to the label that unlocks"
lacks "$T/out" "[lock-imbalance]" "nothing found"

change mm/memory.c '/^int __pud_alloc/,/^}/s/^\tspin_lock(&mm->page_table_lock);$/\tif (!spin_trylock(\&mm->page_table_lock)) {\n\t\tpud_free(mm, new);\n\t\treturn -EAGAIN;\n\t}/' \
	"__pud_alloc: a new return when the trylock fails"
lacks "$T/out" "[lock-imbalance]" "nothing found: the failed trylock holds nothing"
hunks -U3
lacks "$T/out" "[lock-imbalance]" "nothing from the hunks either"

change mm/mincore.c "${MINCORE}s/^\t\tpte_t pte = \*ptep;\$/&\n\n\t\tif (pte_special(pte))\n\t\t\treturn -EAGAIN;/" \
	"the first positive, the rule disabled" -c rule.lock-imbalance.enabled=false
lacks "$T/out" "[lock-imbalance]" "a disabled rule says nothing"

# --- ref-leak ----------------------------------------------------------------

APV='/^int access_process_vm/,/^}/'
change mm/memory.c "${APV}s/^\t\treturn 0;\$/&\n\tif (len <= 0)\n\t\treturn -EINVAL;/" \
	"access_process_vm: a return after get_task_mm() that does not mmput()"
is "$rc" 1 "found"
L=$(($(line_of mm/memory.c "if (len <= 0)") + 1))
A=$(line_of mm/memory.c "mm = get_task_mm(tsk);")
P=$(grep -n "mmput(mm);" "$G/mm/memory.c" | awk -F: -v a="$A" '$1 > a { print $1; exit }')
contains "$T/out" "mm/memory.c:$L:3: warning: This return leaves with the mm_users reference on mm held (taken by get_task_mm() at line $A, dropped at line $P on the other paths). Is a mmput() missing? [ref-leak]" \
	"the new return is marked, with the get and the put"
hunks -W
contains "$T/out" "mm/memory.c:$L:3: warning: This return leaves with the mm_users reference on mm held" \
	"from the hunks alone, the same finding"
hunks -U3
contains "$T/out" "mm/memory.c:$L:3: warning: This return leaves with the mm_users reference on mm held (taken by get_task_mm() at line $A, not dropped in the lines shown). Is a mmput() missing? [ref-leak]" \
	"from three lines of context, the put out of sight: said so"

change mm/memory.c "${APV}s/^\t\treturn 0;\$/&\n\tif (len <= 0)\n\t\treturn -EINVAL;/" \
	"the same, severity raised" -c rule.ref-leak.severity=error
contains "$T/out" "error: This return leaves with the mm_users reference" \
	"configurable like every rule"

change mm/memory.c "${APV}s/^\tmm = get_task_mm(tsk);\$/\tif (len <= 0)\n\t\treturn 0;\n&/" \
	"access_process_vm: a new return before the get"
lacks "$T/out" "[ref-leak]" "nothing found"

change mm/memory.c "${APV}s/^\t\treturn 0;\$/\t\treturn -ESRCH;/" \
	"access_process_vm: the return of a failed get_task_mm() changed"
lacks "$T/out" "[ref-leak]" "nothing found: a failed get holds nothing"
hunks -U3
lacks "$T/out" "[ref-leak]" "nothing from the hunks either"

change mm/memory.c "${APV}s/^\tmmput(mm);\$/&\n\tif (ret < 0)\n\t\treturn ret;/" \
	"access_process_vm: a new return after the put"
lacks "$T/out" "[ref-leak]" "nothing found"

done_testing
