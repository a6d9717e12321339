/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sleeps: what mmreview knows, built in, about sleeping in the kernel:
 * which calls open and close an atomic section (spin_lock() ..
 * spin_unlock(), rcu_read_lock() .. rcu_read_unlock(), ...), which calls
 * may sleep whatever their arguments (mutex_lock(), cond_resched(),
 * copy_from_user()...) and whether a gfp mask written with constants
 * allows direct reclaim. The kernel tree's helpers are looked at by the
 * rule (rules/sleep-in-atomic.c), this table is its base.
 */
#ifndef MMR_SLEEPS_H
#define MMR_SLEEPS_H

#include <stdbool.h>
#include <stddef.h>

/* The kinds of atomic section; only ops of one kind pair. */
enum sleeps_kind {
	SLEEPS_LOCK, /* spinlock, rwlock, xa_lock, page table lock */
	SLEEPS_RCU,
	SLEEPS_PREEMPT,
	SLEEPS_PAGEFAULT,
	SLEEPS_IRQ, /* local_irq_disable() .. local_irq_enable() */
	SLEEPS_IRQSAVE, /* local_irq_save(f) .. local_irq_restore(f) */
	SLEEPS_KMAP, /* kmap_atomic() .. kunmap_atomic() */
};

/* A call that opens or closes an atomic section. */
struct sleeps_op {
	enum sleeps_kind kind;
	bool open;
	/*
	 * The argument (0-based) naming the section, as in
	 * spin_lock(&mm->page_table_lock) and pte_offset_map_lock(mm, pmd,
	 * addr, &ptl); -1 when the kind has one section (rcu_read_lock()),
	 * SLEEPS_KEY_RESULT when the call returns the lock it took (ptl =
	 * pmd_lock(mm, pmd)): the section is what the result is stored in.
	 */
	int key_arg;
};

#define SLEEPS_KEY_RESULT (-2)

/* Whether a call of name opens or closes an atomic section (*op). */
bool sleeps_op_of(const char *name, struct sleeps_op *op);

/*
 * Whether a call of name, not an op of the table, may release a spinlock
 * (unlock_cluster(), double_pt_unlock()): "unlock" in its name, and not
 * the unlock of a sleeping lock or of a page (folio_unlock(),
 * mutex_unlock(), mmap_read_unlock()...).
 */
bool sleeps_unlock_helper(const char *name);

/*
 * Whether name takes a lock when it returns true (spin_trylock()): *op
 * says which, as for an opening op.
 */
bool sleeps_trylock(const char *name, struct sleeps_op *op);

/* What the section is, for a message: "RCU read-side critical section". */
const char *sleeps_kind_what(enum sleeps_kind kind);

/* Whether a call of name may sleep, whatever its arguments. */
bool sleeps_always(const char *name);

/*
 * Whether name is a user copy (copy_from_user()...), which faults instead
 * of sleeping under pagefault_disable().
 */
bool sleeps_uaccess(const char *name);

enum sleeps_gfp {
	SLEEPS_GFP_UNKNOWN, /* a variable, or more than constants and '|' */
	SLEEPS_GFP_NOSLEEP, /* GFP_ATOMIC, GFP_NOWAIT | __GFP_NOWARN ... */
	SLEEPS_GFP_SLEEPS, /* GFP_KERNEL, __GFP_DIRECT_RECLAIM ... */
};

/*
 * Judge the len bytes of a gfp mask as written (an argument's text). For
 * SLEEPS_GFP_SLEEPS the first flag allowing reclaim is copied to flag
 * (size n, truncated).
 */
enum sleeps_gfp sleeps_gfp_mask(const char *text, size_t len, char *flag,
				size_t n);

/*
 * Whether a call of name allocates with the gfp mask it is given
 * (kmalloc(), alloc_pages(), kstrdup(), xa_store()...): node_zonelist()
 * and the like take one to choose, not to allocate.
 */
bool sleeps_allocator(const char *name);

/*
 * Whether a call of name takes a gfp mask without allocating under the
 * caller's locks: it computes a mask (mapping_gfp_constraint()), is a
 * lockdep annotation (fs_reclaim_acquire()), or drops the lock to
 * allocate (__xa_store(), xas_nomem()).
 */
bool sleeps_gfp_exempt(const char *name);

/*
 * Whether a condition naming name makes the code it guards depend on the
 * context (gfpflags_allow_blocking(), preemptible(), in_atomic()...).
 */
bool sleeps_context_test(const char *name);

#endif
