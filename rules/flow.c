// SPDX-License-Identifier: GPL-2.0
/*
 * flow: the locks and references a function holds at each of its exits,
 * from a walk of its body in text order (see flow.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define FLOW_MAX_TEXT 512 /* bytes of an exit's or a key's text kept */
#define FLOW_MAX_EFFECTS 8 /* what one branch of a test settles */

/* --- the table of pairs ----------------------------------------------------- */

/* Where the lock or object is: an argument, none, or the call's result. */
#define ARG_NONE (-1)
#define ARG_RESULT (-2)

/* How an acquisition that may fail says so. */
enum fail {
	ALWAYS, /* it cannot fail */
	FAIL_ZERO, /* 0, false or NULL: not taken (trylock, try_get) */
	FAIL_NONZERO, /* non-zero: not taken (mutex_lock_killable) */
};

enum fam {
	F_SPIN,
	F_READ_LOCK,
	F_WRITE_LOCK,
	F_MUTEX,
	F_RWSEM_READ,
	F_RWSEM_WRITE,
	F_MMAP_READ,
	F_MMAP_WRITE,
	F_PAGE_LOCK,
	F_RCU,
	F_SRCU,
	F_VMA_READ,
	F_I_MMAP_READ,
	F_I_MMAP_WRITE,
	F_ANON_VMA_READ,
	F_ANON_VMA_WRITE,
	F_HUGETLB_VMA_READ,
	F_HUGETLB_VMA_WRITE,
	F_XA,
	F_LRUVEC,
	F_MEMCG,
	F_CPUS_READ,
	F_INODE,
	F_INODE_SHARED,
	F_INVALIDATE,
	F_INVALIDATE_SHARED,
	F_LOCAL,
	F_MEMS,
	F_PERCPU_READ,
	F_REF_FOLIO,
	F_REF_PAGE,
	F_REF_MM_USERS,
	F_REF_MM_COUNT,
	F_REF_KREF,
	F_REF_TASK,
	F_REF_FILE,
	F_REF_CSS,
	F_REF_ANON_VMA,
	F_REF_SWAP,
	F_REF_PID,
	F_REF_MPOL,
	F_REF_MEMCG,
	F_REF_PGMAP,
	F_COUNT
};

static const struct flow_family families[F_COUNT] = {
	[F_SPIN] = { FLOW_LOCK, "%s held", "spin_unlock" },
	[F_READ_LOCK] = { FLOW_LOCK, "%s read-locked", "read_unlock" },
	[F_WRITE_LOCK] = { FLOW_LOCK, "%s write-locked", "write_unlock" },
	[F_MUTEX] = { FLOW_LOCK, "%s held", "mutex_unlock" },
	[F_RWSEM_READ] = { FLOW_LOCK, "%s held for read", "up_read" },
	[F_RWSEM_WRITE] = { FLOW_LOCK, "%s held for write", "up_write" },
	[F_MMAP_READ] = { FLOW_LOCK, "the mmap lock of %s held for read",
			  "mmap_read_unlock" },
	[F_MMAP_WRITE] = { FLOW_LOCK, "the mmap lock of %s held for write",
			   "mmap_write_unlock" },
	[F_PAGE_LOCK] = { FLOW_LOCK, "%s locked", "folio_unlock" },
	[F_RCU] = { FLOW_LOCK, "the RCU read lock held", "rcu_read_unlock" },
	[F_SRCU] = { FLOW_LOCK, "the SRCU read lock of %s held",
		     "srcu_read_unlock" },
	[F_VMA_READ] = { FLOW_LOCK, "%s read-locked", "vma_end_read" },
	[F_I_MMAP_READ] = { FLOW_LOCK, "the i_mmap lock of %s held for read",
			    "i_mmap_unlock_read" },
	[F_I_MMAP_WRITE] = { FLOW_LOCK, "the i_mmap lock of %s held for write",
			     "i_mmap_unlock_write" },
	[F_ANON_VMA_READ] = { FLOW_LOCK, "%s locked for read",
			      "anon_vma_unlock_read" },
	[F_ANON_VMA_WRITE] = { FLOW_LOCK, "%s locked for write",
			       "anon_vma_unlock_write" },
	[F_HUGETLB_VMA_READ] = { FLOW_LOCK,
				 "the hugetlb vma lock of %s held "
				 "for read",
				 "hugetlb_vma_unlock_read" },
	[F_HUGETLB_VMA_WRITE] = { FLOW_LOCK,
				  "the hugetlb vma lock of %s held "
				  "for write",
				  "hugetlb_vma_unlock_write" },
	[F_XA] = { FLOW_LOCK, "the lock of %s held", "xa_unlock" },
	[F_LRUVEC] = { FLOW_LOCK, "the lru lock of %s held",
		       "unlock_page_lruvec" },
	[F_MEMCG] = { FLOW_LOCK, "the memcg of %s locked",
		      "folio_memcg_unlock" },
	[F_CPUS_READ] = { FLOW_LOCK, "the CPU hotplug lock held",
			  "cpus_read_unlock" },
	[F_PERCPU_READ] = { FLOW_LOCK, "%s held for read", "percpu_up_read" },
	[F_REF_FOLIO] = { FLOW_REF, "the reference on %s held", "folio_put" },
	[F_REF_PAGE] = { FLOW_REF, "the reference on %s held", "put_page" },
	[F_REF_MM_USERS] = { FLOW_REF, "the mm_users reference on %s held",
			     "mmput" },
	[F_REF_MM_COUNT] = { FLOW_REF, "the mm_count reference on %s held",
			     "mmdrop" },
	[F_REF_KREF] = { FLOW_REF, "the reference on %s held", "kref_put" },
	[F_REF_TASK] = { FLOW_REF, "the reference on %s held",
			 "put_task_struct" },
	[F_REF_FILE] = { FLOW_REF, "the reference on %s held", "fput" },
	[F_REF_CSS] = { FLOW_REF, "the reference on %s held", "css_put" },
	[F_REF_ANON_VMA] = { FLOW_REF, "the reference on %s held",
			     "put_anon_vma" },
	[F_REF_SWAP] = { FLOW_REF, "the reference on the swap device %s held",
			 "put_swap_device" },
	[F_REF_PID] = { FLOW_REF, "the reference on %s held", "put_pid" },
	[F_REF_MPOL] = { FLOW_REF, "the reference on %s held", "mpol_put" },
	[F_REF_MEMCG] = { FLOW_REF, "the reference on %s held",
			  "mem_cgroup_put" },
	[F_REF_PGMAP] = { FLOW_REF, "the reference on %s held",
			  "put_dev_pagemap" },
	[F_INODE] = { FLOW_LOCK, "the inode lock of %s held", "inode_unlock" },
	[F_INODE_SHARED] = { FLOW_LOCK, "the inode lock of %s held shared",
			     "inode_unlock_shared" },
	[F_INVALIDATE] = { FLOW_LOCK, "the invalidate lock of %s held",
			   "filemap_invalidate_unlock" },
	[F_INVALIDATE_SHARED] = { FLOW_LOCK,
				  "the invalidate lock of %s held shared",
				  "filemap_invalidate_unlock_shared" },
	[F_LOCAL] = { FLOW_LOCK, "%s held", "local_unlock" },
	[F_MEMS] = { FLOW_LOCK, "the memory hotplug lock held",
		     "put_online_mems" },
};

struct op {
	const char *name;
	unsigned char fam;
	bool acquire;
	signed char arg;
	unsigned char fail;
	/* A macro or helper: seen through when the tree defines it. */
	bool wrap;
};

#define ACQ(n, f, a)                  \
	{                             \
		n, f, true, a, ALWAYS \
	}
#define TRY(n, f, a)                     \
	{                                \
		n, f, true, a, FAIL_ZERO \
	}
#define KILL(n, f, a)                       \
	{                                   \
		n, f, true, a, FAIL_NONZERO \
	}
#define REL(n, f, a)                   \
	{                              \
		n, f, false, a, ALWAYS \
	}
#define WACQ(n, f, a)                       \
	{                                   \
		n, f, true, a, ALWAYS, true \
	}
#define WTRY(n, f, a)                          \
	{                                      \
		n, f, true, a, FAIL_ZERO, true \
	}
#define WREL(n, f, a)                        \
	{                                    \
		n, f, false, a, ALWAYS, true \
	}

/* As in include/linux of 6.1 to 6.12; a name may be listed twice. */
static const struct op ops[] = {
	ACQ("spin_lock", F_SPIN, 0),
	ACQ("spin_lock_irq", F_SPIN, 0),
	ACQ("spin_lock_irqsave", F_SPIN, 0),
	ACQ("spin_lock_bh", F_SPIN, 0),
	ACQ("spin_lock_nested", F_SPIN, 0),
	ACQ("spin_lock_irqsave_nested", F_SPIN, 0),
	TRY("spin_trylock", F_SPIN, 0),
	TRY("spin_trylock_irq", F_SPIN, 0),
	TRY("spin_trylock_irqsave", F_SPIN, 0),
	TRY("spin_trylock_bh", F_SPIN, 0),
	ACQ("raw_spin_lock", F_SPIN, 0),
	ACQ("raw_spin_lock_irq", F_SPIN, 0),
	ACQ("raw_spin_lock_irqsave", F_SPIN, 0),
	TRY("raw_spin_trylock", F_SPIN, 0),
	TRY("pte_offset_map_lock", F_SPIN, 3), /* NULL since 6.5 */
	TRY("get_locked_pte", F_SPIN, 2),
	ACQ("pmd_lock", F_SPIN, ARG_RESULT),
	ACQ("pud_lock", F_SPIN, ARG_RESULT),
	ACQ("huge_pte_lock", F_SPIN, ARG_RESULT),
	TRY("pmd_trans_huge_lock", F_SPIN, ARG_RESULT),
	TRY("pud_trans_huge_lock", F_SPIN, ARG_RESULT),
	TRY("atomic_dec_and_lock", F_SPIN, 1),
	TRY("refcount_dec_and_lock", F_SPIN, 1),
	REL("spin_unlock", F_SPIN, 0),
	REL("spin_unlock_irq", F_SPIN, 0),
	REL("spin_unlock_irqrestore", F_SPIN, 0),
	REL("spin_unlock_bh", F_SPIN, 0),
	REL("raw_spin_unlock", F_SPIN, 0),
	REL("raw_spin_unlock_irq", F_SPIN, 0),
	REL("raw_spin_unlock_irqrestore", F_SPIN, 0),
	REL("pte_unmap_unlock", F_SPIN, 1),
	ACQ("read_lock", F_READ_LOCK, 0),
	ACQ("read_lock_irq", F_READ_LOCK, 0),
	ACQ("read_lock_irqsave", F_READ_LOCK, 0),
	ACQ("read_lock_bh", F_READ_LOCK, 0),
	TRY("read_trylock", F_READ_LOCK, 0),
	REL("read_unlock", F_READ_LOCK, 0),
	REL("read_unlock_irq", F_READ_LOCK, 0),
	REL("read_unlock_irqrestore", F_READ_LOCK, 0),
	REL("read_unlock_bh", F_READ_LOCK, 0),
	ACQ("write_lock", F_WRITE_LOCK, 0),
	ACQ("write_lock_irq", F_WRITE_LOCK, 0),
	ACQ("write_lock_irqsave", F_WRITE_LOCK, 0),
	ACQ("write_lock_bh", F_WRITE_LOCK, 0),
	TRY("write_trylock", F_WRITE_LOCK, 0),
	REL("write_unlock", F_WRITE_LOCK, 0),
	REL("write_unlock_irq", F_WRITE_LOCK, 0),
	REL("write_unlock_irqrestore", F_WRITE_LOCK, 0),
	REL("write_unlock_bh", F_WRITE_LOCK, 0),
	ACQ("mutex_lock", F_MUTEX, 0),
	ACQ("mutex_lock_nested", F_MUTEX, 0),
	KILL("mutex_lock_interruptible", F_MUTEX, 0),
	KILL("mutex_lock_killable", F_MUTEX, 0),
	TRY("mutex_trylock", F_MUTEX, 0),
	REL("mutex_unlock", F_MUTEX, 0),
	ACQ("down_read", F_RWSEM_READ, 0),
	ACQ("down_read_nested", F_RWSEM_READ, 0),
	KILL("down_read_killable", F_RWSEM_READ, 0),
	KILL("down_read_interruptible", F_RWSEM_READ, 0),
	TRY("down_read_trylock", F_RWSEM_READ, 0),
	REL("up_read", F_RWSEM_READ, 0),
	ACQ("down_write", F_RWSEM_WRITE, 0),
	ACQ("down_write_nested", F_RWSEM_WRITE, 0),
	KILL("down_write_killable", F_RWSEM_WRITE, 0),
	TRY("down_write_trylock", F_RWSEM_WRITE, 0),
	REL("up_write", F_RWSEM_WRITE, 0),
	REL("downgrade_write", F_RWSEM_WRITE, 0),
	ACQ("downgrade_write", F_RWSEM_READ, 0),
	ACQ("mmap_read_lock", F_MMAP_READ, 0),
	KILL("mmap_read_lock_killable", F_MMAP_READ, 0),
	TRY("mmap_read_trylock", F_MMAP_READ, 0),
	REL("mmap_read_unlock", F_MMAP_READ, 0),
	REL("mmap_read_unlock_non_owner", F_MMAP_READ, 0),
	/* Since 6.5: NULL when it failed, having dropped the mmap lock. */
	{ "expand_stack", F_MMAP_READ, false, 0, FAIL_ZERO },
	TRY("lock_mm_and_find_vma", F_MMAP_READ, 0),
	ACQ("mmap_write_lock", F_MMAP_WRITE, 0),
	ACQ("mmap_write_lock_nested", F_MMAP_WRITE, 0),
	KILL("mmap_write_lock_killable", F_MMAP_WRITE, 0),
	TRY("mmap_write_trylock", F_MMAP_WRITE, 0),
	REL("mmap_write_unlock", F_MMAP_WRITE, 0),
	REL("mmap_write_downgrade", F_MMAP_WRITE, 0),
	ACQ("mmap_write_downgrade", F_MMAP_READ, 0),
	ACQ("folio_lock", F_PAGE_LOCK, 0),
	KILL("folio_lock_killable", F_PAGE_LOCK, 0),
	TRY("folio_trylock", F_PAGE_LOCK, 0),
	ACQ("lock_page", F_PAGE_LOCK, 0),
	TRY("trylock_page", F_PAGE_LOCK, 0),
	REL("folio_unlock", F_PAGE_LOCK, 0),
	REL("unlock_page", F_PAGE_LOCK, 0),
	ACQ("rcu_read_lock", F_RCU, ARG_NONE),
	REL("rcu_read_unlock", F_RCU, ARG_NONE),
	ACQ("srcu_read_lock", F_SRCU, 0),
	REL("srcu_read_unlock", F_SRCU, 0),
	TRY("vma_start_read", F_VMA_READ, 0),
	REL("vma_end_read", F_VMA_READ, 0),
	ACQ("i_mmap_lock_read", F_I_MMAP_READ, 0),
	TRY("i_mmap_trylock_read", F_I_MMAP_READ, 0),
	REL("i_mmap_unlock_read", F_I_MMAP_READ, 0),
	ACQ("i_mmap_lock_write", F_I_MMAP_WRITE, 0),
	REL("i_mmap_unlock_write", F_I_MMAP_WRITE, 0),
	ACQ("anon_vma_lock_read", F_ANON_VMA_READ, 0),
	TRY("anon_vma_trylock_read", F_ANON_VMA_READ, 0),
	REL("anon_vma_unlock_read", F_ANON_VMA_READ, 0),
	REL("page_unlock_anon_vma_read", F_ANON_VMA_READ, 0),
	ACQ("anon_vma_lock_write", F_ANON_VMA_WRITE, 0),
	TRY("anon_vma_trylock_write", F_ANON_VMA_WRITE, 0),
	REL("anon_vma_unlock_write", F_ANON_VMA_WRITE, 0),
	ACQ("hugetlb_vma_lock_read", F_HUGETLB_VMA_READ, 0),
	TRY("hugetlb_vma_trylock_read", F_HUGETLB_VMA_READ, 0),
	REL("hugetlb_vma_unlock_read", F_HUGETLB_VMA_READ, 0),
	ACQ("hugetlb_vma_lock_write", F_HUGETLB_VMA_WRITE, 0),
	TRY("hugetlb_vma_trylock_write", F_HUGETLB_VMA_WRITE, 0),
	REL("hugetlb_vma_unlock_write", F_HUGETLB_VMA_WRITE, 0),
	/* Macros of xarray.h: spin_lock(&(xa)->xa_lock)... */
	WACQ("xa_lock", F_XA, 0),
	WTRY("xa_trylock", F_XA, 0),
	WACQ("xa_lock_irq", F_XA, 0),
	WACQ("xa_lock_irqsave", F_XA, 0),
	WACQ("xa_lock_bh", F_XA, 0),
	WREL("xa_unlock", F_XA, 0),
	WREL("xa_unlock_irq", F_XA, 0),
	WREL("xa_unlock_irqrestore", F_XA, 0),
	WREL("xa_unlock_bh", F_XA, 0),
	ACQ("xas_lock", F_XA, 0),
	ACQ("xas_lock_irq", F_XA, 0),
	ACQ("xas_lock_irqsave", F_XA, 0),
	ACQ("xas_lock_bh", F_XA, 0),
	REL("xas_unlock", F_XA, 0),
	REL("xas_unlock_irq", F_XA, 0),
	REL("xas_unlock_irqrestore", F_XA, 0),
	REL("xas_unlock_bh", F_XA, 0),
	ACQ("folio_lruvec_lock", F_LRUVEC, ARG_RESULT),
	ACQ("folio_lruvec_lock_irq", F_LRUVEC, ARG_RESULT),
	ACQ("folio_lruvec_lock_irqsave", F_LRUVEC, ARG_RESULT),
	REL("unlock_page_lruvec", F_LRUVEC, 0),
	REL("unlock_page_lruvec_irq", F_LRUVEC, 0),
	REL("unlock_page_lruvec_irqrestore", F_LRUVEC, 0),
	REL("lruvec_unlock", F_LRUVEC, 0),
	REL("lruvec_unlock_irq", F_LRUVEC, 0),
	REL("lruvec_unlock_irqrestore", F_LRUVEC, 0),
	ACQ("folio_memcg_lock", F_MEMCG, 0),
	REL("folio_memcg_unlock", F_MEMCG, 0),
	ACQ("lock_page_memcg", F_MEMCG, 0),
	REL("unlock_page_memcg", F_MEMCG, 0),
	ACQ("cpus_read_lock", F_CPUS_READ, ARG_NONE),
	REL("cpus_read_unlock", F_CPUS_READ, ARG_NONE),
	ACQ("percpu_down_read", F_PERCPU_READ, 0),
	REL("percpu_up_read", F_PERCPU_READ, 0),
	ACQ("inode_lock", F_INODE, 0),
	KILL("inode_lock_killable", F_INODE, 0),
	TRY("inode_trylock", F_INODE, 0),
	REL("inode_unlock", F_INODE, 0),
	ACQ("inode_lock_shared", F_INODE_SHARED, 0),
	KILL("inode_lock_shared_killable", F_INODE_SHARED, 0),
	TRY("inode_trylock_shared", F_INODE_SHARED, 0),
	REL("inode_unlock_shared", F_INODE_SHARED, 0),
	ACQ("filemap_invalidate_lock", F_INVALIDATE, 0),
	REL("filemap_invalidate_unlock", F_INVALIDATE, 0),
	ACQ("filemap_invalidate_lock_shared", F_INVALIDATE_SHARED, 0),
	TRY("filemap_invalidate_trylock_shared", F_INVALIDATE_SHARED, 0),
	REL("filemap_invalidate_unlock_shared", F_INVALIDATE_SHARED, 0),
	ACQ("local_lock", F_LOCAL, 0),
	ACQ("local_lock_irq", F_LOCAL, 0),
	ACQ("local_lock_irqsave", F_LOCAL, 0),
	REL("local_unlock", F_LOCAL, 0),
	REL("local_unlock_irq", F_LOCAL, 0),
	REL("local_unlock_irqrestore", F_LOCAL, 0),
	ACQ("get_online_mems", F_MEMS, ARG_NONE),
	REL("put_online_mems", F_MEMS, ARG_NONE),
	ACQ("mutex_lock_io", F_MUTEX, 0),
	KILL("lock_page_killable", F_PAGE_LOCK, 0),
	TRY("lock_vma_under_rcu", F_VMA_READ, ARG_RESULT),
	TRY("folio_lock_anon_vma_read", F_ANON_VMA_READ, ARG_RESULT),
	TRY("page_lock_anon_vma_read", F_ANON_VMA_READ, ARG_RESULT),
	/* Page cache lookups that return the folio locked (and referenced). */
	TRY("filemap_lock_folio", F_PAGE_LOCK, ARG_RESULT),
	TRY("find_lock_page", F_PAGE_LOCK, ARG_RESULT),

	ACQ("folio_get", F_REF_FOLIO, 0),
	TRY("folio_try_get", F_REF_FOLIO, 0),
	TRY("folio_try_get_rcu", F_REF_FOLIO, 0),
	REL("folio_put", F_REF_FOLIO, 0),
	REL("folio_put_refs", F_REF_FOLIO, 0),
	ACQ("get_page", F_REF_PAGE, 0),
	TRY("get_page_unless_zero", F_REF_PAGE, 0),
	TRY("try_get_page", F_REF_PAGE, 0),
	REL("put_page", F_REF_PAGE, 0),
	ACQ("mmget", F_REF_MM_USERS, 0),
	TRY("mmget_not_zero", F_REF_MM_USERS, 0),
	TRY("get_task_mm", F_REF_MM_USERS, ARG_RESULT),
	REL("mmput", F_REF_MM_USERS, 0),
	REL("mmput_async", F_REF_MM_USERS, 0),
	ACQ("mmgrab", F_REF_MM_COUNT, 0),
	REL("mmdrop", F_REF_MM_COUNT, 0),
	ACQ("kref_get", F_REF_KREF, 0),
	TRY("kref_get_unless_zero", F_REF_KREF, 0),
	REL("kref_put", F_REF_KREF, 0),
	ACQ("get_task_struct", F_REF_TASK, 0),
	REL("put_task_struct", F_REF_TASK, 0),
	ACQ("get_file", F_REF_FILE, 0),
	REL("fput", F_REF_FILE, 0),
	ACQ("css_get", F_REF_CSS, 0),
	TRY("css_tryget", F_REF_CSS, 0),
	TRY("css_tryget_online", F_REF_CSS, 0),
	REL("css_put", F_REF_CSS, 0),
	ACQ("get_anon_vma", F_REF_ANON_VMA, 0),
	REL("put_anon_vma", F_REF_ANON_VMA, 0),
	TRY("get_swap_device", F_REF_SWAP, ARG_RESULT),
	REL("put_swap_device", F_REF_SWAP, 0),
	ACQ("get_pid", F_REF_PID, 0),
	REL("put_pid", F_REF_PID, 0),
	ACQ("mpol_get", F_REF_MPOL, 0),
	REL("mpol_put", F_REF_MPOL, 0),
	ACQ("get_mem_cgroup_from_mm", F_REF_MEMCG, ARG_RESULT),
	ACQ("get_mem_cgroup_from_folio", F_REF_MEMCG, ARG_RESULT),
	REL("mem_cgroup_put", F_REF_MEMCG, 0),
	TRY("get_dev_pagemap", F_REF_PGMAP, ARG_RESULT),
	REL("put_dev_pagemap", F_REF_PGMAP, 0),
	/* Page cache lookups: NULL or an ERR_PTR(), else referenced. */
	TRY("filemap_get_folio", F_REF_FOLIO, ARG_RESULT),
	TRY("__filemap_get_folio", F_REF_FOLIO, ARG_RESULT),
	TRY("filemap_lock_folio", F_REF_FOLIO, ARG_RESULT),
	TRY("find_get_page", F_REF_PAGE, ARG_RESULT),
	TRY("find_lock_page", F_REF_PAGE, ARG_RESULT),
};

/* The ops named name of kind, up to max; returns the count. */
static size_t ops_find(const char *name, enum flow_kind kind,
		       const struct op **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]) && n < max; i++)
		if (families[ops[i].fam].kind == kind &&
		    !strcmp(ops[i].name, name))
			out[n++] = &ops[i];
	return n;
}

/* --- text ------------------------------------------------------------------- */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether s is a chain of names, fields and indexes: mm->mmap_lock. */
static bool is_chain(const char *s)
{
	int depth = 0;

	if (!ident_char(*s))
		return false;
	while (*s) {
		if (*s == '[') {
			depth++;
		} else if (*s == ']') {
			if (--depth < 0)
				return false;
		} else if (s[0] == '-' && s[1] == '>') {
			s += 2;
			continue;
		} else if (!ident_char(*s) && *s != '.' && !depth) {
			return false;
		}
		s++;
	}
	return !depth;
}

/* [s, s + n) without blanks, at most FLOW_MAX_TEXT bytes: a new string. */
static char *squeeze(const char *s, size_t n)
{
	char *out = xmalloc(n < FLOW_MAX_TEXT ? n + 1 : FLOW_MAX_TEXT + 1);
	size_t i, k = 0;

	for (i = 0; i < n && k < FLOW_MAX_TEXT; i++)
		if (!mmr_is_space(s[i]))
			out[k++] = s[i];
	out[k] = '\0';
	return out;
}

/*
 * In a squeezed key, "(&x->a)->b" becomes "x->a.b" and "(x->a)" becomes
 * "x->a", so that a lock written through a macro and written out match.
 */
/* Collapse one "(&x)->f" or "(x)" of k; false when there is none. */
static bool key_collapse(char *k)
{
	char *open = NULL, *p, inner[FLOW_MAX_TEXT + 1];
	size_t n;

	for (p = k; *p; p++) {
		if (*p == '(')
			open = p;
		if (*p != ')' || !open)
			continue;
		n = (size_t)(p - open - 1);
		memcpy(inner, open + 1, n);
		inner[n] = '\0';
		if (inner[0] == '&' && is_chain(inner + 1) &&
		    !strncmp(p + 1, "->", 2)) {
			memmove(open, inner + 1, n - 1);
			open[n - 1] = '.';
			memmove(open + n, p + 3, strlen(p + 3) + 1);
			return true;
		}
		if (is_chain(inner) && (open == k || !ident_char(open[-1]))) {
			memmove(open, inner, n);
			memmove(open + n, p + 1, strlen(p + 1) + 1);
			return true;
		}
		open = NULL;
	}
	return false;
}

static void key_canonical(char *k)
{
	unsigned rounds;

	for (rounds = 0; rounds < 16 && key_collapse(k); rounds++)
		;
}

/* A lock or object as a key: blanks, a leading '&' and parentheses off. */
static char *key_of(const char *s, size_t n)
{
	char *k = squeeze(s, n), *p = k;
	size_t len;

	key_canonical(k);
	len = strlen(k);

	for (;;) {
		if (*p == '&') {
			p++;
			len--;
		} else if (len >= 2 && p[0] == '(' && p[len - 1] == ')') {
			p++;
			len -= 2;
		} else {
			break;
		}
	}
	memmove(k, p, len);
	k[len] = '\0';
	return k;
}

/* --- the walk ----------------------------------------------------------- */

/* Something held: an acquisition, settled or waiting for its test. */
struct held {
	size_t acq;
	const char *var; /* the variable its result is in, until tested */
	unsigned char fail;
	/* The result of a call that released it if it failed, until tested. */
	const char *relvar;
};

struct state {
	bool dead; /* not reached */
	size_t n;
	struct held v[FLOW_MAX_HELD];
};

struct frame {
	bool loop; /* else a switch */
	uint32_t start, end;
	struct state brk; /* what the breaks out of it hold */
	struct state in; /* what a loop holds when it is entered */
};

struct walker {
	struct flow_walk *w;
	const struct csrc *cs;
	const char *text;
	size_t len;
	struct state *label_st; /* per w->labels, what gotos to it hold */
	struct frame *frames;
	size_t nframes;
	unsigned depth;
	int err;
};

/* A test's effect on one branch. */
enum effect_kind {
	EFF_ACQ, /* the call succeeded: it holds */
	EFF_TRUE, /* var is true (non-zero, not NULL) */
	EFF_FALSE,
};

struct effect {
	enum effect_kind kind;
	TSNode call;
	char *var; /* EFF_ACQ: its result's variable; or the var tested */
};

struct effects {
	size_t n;
	struct effect v[FLOW_MAX_EFFECTS];
};

static void effects_release(struct effects *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].var);
	e->n = 0;
}

static void effects_add(struct effects *e, enum effect_kind kind, TSNode call,
			const char *var)
{
	if (e->n >= FLOW_MAX_EFFECTS)
		return;
	e->v[e->n].kind = kind;
	e->v[e->n].call = call;
	e->v[e->n].var = var ? xstrdup(var) : NULL;
	e->n++;
}

static char *node_squeezed(const struct walker *wk, TSNode n)
{
	uint32_t s = csrc_node_start(n), e = csrc_node_end(n);

	if (e > wk->len || s > e)
		return xstrdup("");
	return squeeze(wk->text + s, e - s);
}

static unsigned line_of(const struct walker *wk, uint32_t byte)
{
	return csrc_line_of(wk->cs, byte);
}

static bool changed_at(const struct walker *wk, uint32_t byte)
{
	return change_line_changed(wk->w->c, wk->w->side, line_of(wk, byte));
}

/* The n-th named argument of a call, comments aside; or a null node. */
static TSNode call_arg(TSNode call, int n)
{
	TSNode args = csrc_node_field(call, "arguments"), null = { 0 };
	uint32_t i, k = 0, cnt = csrc_node_named_count(args);

	for (i = 0; i < cnt; i++) {
		TSNode a = csrc_node_named_child(args, i);

		if (csrc_node_is(a, "comment"))
			continue;
		if ((int)k++ == n)
			return a;
	}
	return null;
}

/* The name a declarator declares ("*pte" -> "pte"). */
static TSNode declarator_name(TSNode d)
{
	unsigned depth;

	for (depth = 0; depth < 16 && !csrc_node_is_null(d); depth++) {
		if (csrc_node_is(d, "identifier"))
			return d;
		d = csrc_node_field(d, "declarator");
	}
	return d;
}

/*
 * The variables a call's result is stored in, innermost first and comma
 * separated ("pte,start_pte" for start_pte = pte = call()), or NULL: a
 * new string.
 */
static char *result_vars(const struct walker *wk, TSNode n)
{
	struct sbuf sb = SBUF_INIT;
	unsigned depth;

	sbuf_init(&sb, FLOW_MAX_TEXT);
	for (depth = 0; depth < 8; depth++) {
		TSNode p = csrc_node_parent(n), name;
		char *v;

		while (csrc_node_is(p, "parenthesized_expression") ||
		       csrc_node_is(p, "cast_expression"))
			p = csrc_node_parent(p);
		if (csrc_node_is(p, "assignment_expression") &&
		    csrc_node_end(csrc_node_field(p, "right")) ==
			    csrc_node_end(p))
			name = csrc_node_field(p, "left");
		else if (csrc_node_is(p, "init_declarator"))
			name = declarator_name(
				csrc_node_field(p, "declarator"));
		else
			break;
		v = node_squeezed(wk, name);
		if (sb.len)
			sbuf_addch(&sb, ',');
		sbuf_addstr(&sb, v);
		free(v);
		n = p;
	}
	if (!sb.len || sbuf_failed(&sb)) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, NULL);
}

/* The innermost variable a call's result is stored in, or NULL. */
static char *result_var(const struct walker *wk, TSNode call)
{
	char *v = result_vars(wk, call), *comma;

	if (v && (comma = strchr(v, ',')))
		*comma = '\0';
	return v;
}

/* Whether var is one of the comma-separated list. */
static bool var_listed(const char *list, const char *var)
{
	size_t n = strlen(var);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, var, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Whether the call is one branch of a ?: (taken or not). */
static bool in_ternary_branch(TSNode call)
{
	TSNode n = call, p = csrc_node_parent(call);
	unsigned depth;

	for (depth = 0; depth < 8; depth++) {
		if (csrc_node_is(p, "conditional_expression"))
			return !csrc_node_same(n,
					       csrc_node_field(p, "condition"));
		if (!csrc_node_is(p, "parenthesized_expression") &&
		    !csrc_node_is(p, "cast_expression"))
			return false;
		n = p;
		p = csrc_node_parent(p);
	}
	return false;
}

static int add_site(struct walker *wk, bool acquire, const struct op *op,
		    const char *name, char *key, TSNode call)
{
	struct flow_walk *w = wk->w;
	struct flow_site **v = acquire ? &w->acq : &w->rel;
	size_t *n = acquire ? &w->nacq : &w->nrel;
	struct flow_site *s;

	if (*n >= FLOW_MAX_SITES) {
		free(key);
		return wk->err = mmr_error_set(MMR_ELIMIT,
					       "more than %d lock sites",
					       FLOW_MAX_SITES);
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	s = &(*v)[*n];
	memset(s, 0, sizeof(*s));
	s->family = &families[op->fam];
	s->op = name;
	s->key = key;
	s->start = csrc_node_start(call);
	s->end = csrc_node_end(call);
	s->line = line_of(wk, s->start);
	s->changed = changed_at(wk, s->start);
	return (int)(*n)++;
}

static void held_push(struct walker *wk, struct state *st, size_t acq,
		      unsigned char fail)
{
	if (st->dead || st->n >= FLOW_MAX_HELD)
		return;
	st->v[st->n].acq = acq;
	st->v[st->n].var = fail != ALWAYS ? wk->w->acq[acq].var : NULL;
	st->v[st->n].fail = fail;
	st->v[st->n].relvar = NULL;
	st->n++;
}

static void held_remove(struct state *st, size_t i)
{
	memmove(&st->v[i], &st->v[i + 1], (st->n - i - 1) * sizeof(st->v[0]));
	st->n--;
}

/* Release the latest held acquisition that rel pairs with. */
static void held_release(struct walker *wk, struct state *st,
			 const struct flow_site *rel)
{
	size_t i;

	for (i = st->n; i-- > 0;) {
		if (flow_same(&wk->w->acq[st->v[i].acq], rel)) {
			held_remove(st, i);
			return;
		}
	}
}

/* The latest held acquisition rel pairs with is released if var is 0. */
static void held_release_later(struct walker *wk, struct state *st,
			       struct flow_site *rel, char *var)
{
	size_t i;

	rel->var = var;
	if (!var)
		return;
	for (i = st->n; i-- > 0;) {
		if (flow_same(&wk->w->acq[st->v[i].acq], rel)) {
			st->v[i].relvar = var;
			return;
		}
	}
}

static const char *call_name(const struct walker *wk, TSNode call, char *buf,
			     size_t size)
{
	TSNode fn = csrc_node_field(call, "function");
	uint32_t s = csrc_node_start(fn), e = csrc_node_end(fn);

	if (!csrc_node_is(fn, "identifier") || e - s >= size || e > wk->len)
		return NULL;
	memcpy(buf, wk->text + s, e - s);
	buf[e - s] = '\0';
	return buf;
}

/* The name as the table knows it: the pair name or the resolved call. */
struct resolved {
	const char *name; /* in the table */
	char *arg_text[8]; /* the table call's arguments, substituted */
	unsigned nargs;
	const struct change_expansion *x;
};

/*
 * Split the arguments of the call "name(...)" that body is, at its
 * top-level commas; false when body is not exactly one call.
 */
static bool split_call(const char *body, char *name, size_t size,
		       const char **args, size_t *lens, unsigned *nargs)
{
	const char *p = body, *start;
	int depth = 0;
	size_t n;

	while (mmr_is_space(*p))
		p++;
	start = p;
	while (ident_char(*p))
		p++;
	n = (size_t)(p - start);
	if (!n || n >= size || *p != '(')
		return false;
	memcpy(name, start, n);
	name[n] = '\0';
	*nargs = 0;
	start = ++p;
	for (; *p; p++) {
		if (*p == '(' || *p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ',' && !depth) || ((*p == ')') && !depth)) {
			if (*nargs < 8) {
				args[*nargs] = start;
				lens[*nargs] = (size_t)(p - start);
				(*nargs)++;
			}
			start = p + 1;
			if (*p == ')')
				break;
		} else if (*p == ')' || *p == ']' || *p == '}') {
			depth--;
		}
	}
	if (*p != ')')
		return false;
	for (p++; *p; p++)
		if (!mmr_is_space(*p) && *p != ';')
			return false;
	return true;
}

/* text with each parameter of x replaced by the call's argument. */
static char *substitute(const struct walker *wk, const struct csrc_expansion *x,
			TSNode call, const char *text, size_t len)
{
	struct sbuf sb = SBUF_INIT;
	size_t i = 0;

	sbuf_init(&sb, FLOW_MAX_TEXT * 4);
	while (i < len) {
		size_t s = i;
		unsigned p;

		if (!ident_char(text[i]) || (i && ident_char(text[i - 1]))) {
			sbuf_addch(&sb, text[i++]);
			continue;
		}
		while (i < len && ident_char(text[i]))
			i++;
		for (p = 0; p < x->nparams; p++)
			if (strlen(x->params[p]) == i - s &&
			    !memcmp(x->params[p], text + s, i - s))
				break;
		if (p < x->nparams) {
			char *a = node_squeezed(wk, call_arg(call, (int)p));
			bool plain = is_chain(*a == '&' ? a + 1 : a);

			sbuf_addstr(&sb, plain ? "" : "(");
			sbuf_addstr(&sb, a);
			sbuf_addstr(&sb, plain ? "" : ")");
			free(a);
		} else {
			sbuf_add(&sb, text + s, i - s);
		}
	}
	return sbuf_detach(&sb, NULL);
}

/* Whether a name may wrap a pair: helpers are looked up sparingly. */
static bool worth_resolving(const char *name, enum flow_kind kind)
{
	static const char *const lock_words[] = { "lock", NULL };
	static const char *const ref_words[] = { "get", "put", "grab", "drop",
						 NULL };
	const char *const *w = kind == FLOW_LOCK ? lock_words : ref_words;

	for (; *w; w++)
		if (strstr(name, *w))
			return true;
	return false;
}

/* See name through to a call of the table, via change_resolve(). */
static bool resolve_helper(struct walker *wk, const char *name, TSNode call,
			   struct resolved *r)
{
	const struct change_expansion *x;
	const char *args[8];
	size_t lens[8];
	char target[64];
	unsigned i, nargs;
	const struct op *found[2];

	if (!worth_resolving(name, wk->w->kind))
		return false;
	x = change_resolve(wk->w->c, name);
	if (!x || x->exp.kind == CSRC_MACRO || !x->exp.body)
		return false;
	if (!split_call(x->exp.body, target, sizeof(target), args, lens,
			&nargs) ||
	    !strcmp(target, name) || !ops_find(target, wk->w->kind, found, 2))
		return false;
	memset(r, 0, sizeof(*r));
	r->name = found[0]->name;
	r->x = x;
	r->nargs = nargs;
	for (i = 0; i < nargs; i++)
		r->arg_text[i] =
			substitute(wk, &x->exp, call, args[i], lens[i]);
	return true;
}

static void resolved_release(struct resolved *r)
{
	unsigned i;

	for (i = 0; i < r->nargs; i++)
		free(r->arg_text[i]);
}

/* The key of op's lock or object in call (seen through r), or NULL. */
static char *site_key(const struct walker *wk, const struct op *op, TSNode call,
		      const struct resolved *r)
{
	TSNode a;

	if (op->arg == ARG_NONE)
		return xstrdup("");
	if (op->arg == ARG_RESULT)
		return result_var(wk, call);
	if (r)
		return (unsigned)op->arg < r->nargs ?
			       key_of(r->arg_text[op->arg],
				      strlen(r->arg_text[op->arg])) :
			       NULL;
	a = call_arg(call, op->arg);
	if (csrc_node_is_null(a))
		return NULL;
	return key_of(wk->text + csrc_node_start(a),
		      csrc_node_end(a) - csrc_node_start(a));
}

/*
 * A call of the table: record it and hold or release. cond: the call is
 * a test's atom that succeeded (the branch where it holds).
 */
static void handle_call(struct walker *wk, struct state *st, TSNode call,
			bool cond)
{
	char buf[64];
	const char *name = call_name(wk, call, buf, sizeof(buf));
	const struct op *found[2];
	struct resolved r = { 0 };
	bool via = false;
	size_t n, i;

	if (!name || wk->err)
		return;
	n = ops_find(name, wk->w->kind, found, 2);
	if ((!n || found[0]->wrap) && resolve_helper(wk, name, call, &r)) {
		n = ops_find(r.name, wk->w->kind, found, 2);
		via = true;
	}
	if (n && found[0]->acquire && in_ternary_branch(call))
		n = 0; /* maybe taken, maybe not */
	for (i = 0; i < n && !wk->err; i++) {
		const struct op *op = found[i];
		char *key = site_key(wk, op, call, via ? &r : NULL);
		int at;

		if (!key)
			continue;
		at = add_site(wk, op->acquire, op, op->name, key, call);
		if (at < 0)
			break;
		if (via) {
			struct flow_site *s = op->acquire ? &wk->w->acq[at] :
							    &wk->w->rel[at];

			s->op = xstrdup(name);
			s->via_where = r.x->where ? r.x->where : "";
			s->via_found = r.x->found;
		}
		if (!op->acquire && op->fail != ALWAYS && !cond) {
			/* Released if it fails: ask the test of its result. */
			held_release_later(wk, st, &wk->w->rel[at],
					   result_vars(wk, call));
			continue;
		}
		if (!op->acquire) {
			held_release(wk, st, &wk->w->rel[at]);
			continue;
		}
		wk->w->acq[at].var = result_vars(wk, call);
		held_push(wk, st, (size_t)at, cond ? ALWAYS : op->fail);
	}
	resolved_release(&r);
}

/* Record and apply each call of the table in n, in text order. */
static void scan_calls(struct walker *wk, struct state *st, TSNode n)
{
	TSNode *calls = NULL;
	size_t i, k = csrc_find_nodes(wk->cs, n, "call_expression", &calls);

	for (i = 0; i < k && !wk->err; i++)
		handle_call(wk, st, calls[i], false);
	free(calls);
}

/* --- tests: which branch holds what ----------------------------------------- */

static TSNode strip_test(const struct walker *wk, TSNode n)
{
	char buf[16];
	unsigned depth;

	for (depth = 0; depth < 32; depth++) {
		if (csrc_node_is(n, "parenthesized_expression")) {
			n = csrc_node_named_child(n, 0);
		} else if (csrc_node_is(n, "call_expression") &&
			   call_name(wk, n, buf, sizeof(buf)) &&
			   (!strcmp(buf, "unlikely") ||
			    !strcmp(buf, "likely"))) {
			n = call_arg(n, 0);
		} else {
			break;
		}
	}
	return n;
}

/* The operator between a binary expression's operands, squeezed. */
static void binary_op(const struct walker *wk, TSNode n, char *op, size_t size)
{
	uint32_t s = csrc_node_end(csrc_node_field(n, "left"));
	uint32_t e = csrc_node_start(csrc_node_field(n, "right"));
	size_t k = 0;

	for (; s < e && s < wk->len && k + 1 < size; s++)
		if (!mmr_is_space(wk->text[s]))
			op[k++] = wk->text[s];
	op[k] = '\0';
}

static bool is_zero(const struct walker *wk, TSNode n)
{
	return csrc_node_eq(wk->cs, n, "NULL") ||
	       csrc_node_eq(wk->cs, n, "0") || csrc_node_eq(wk->cs, n, "false");
}

static bool is_table_test(const struct walker *wk, TSNode call,
			  unsigned char *fail, bool *acquire)
{
	char buf[64];
	const struct op *found[2];

	if (!call_name(wk, call, buf, sizeof(buf)) ||
	    ops_find(buf, wk->w->kind, found, 2) != 1 ||
	    found[0]->fail == ALWAYS)
		return false;
	*fail = found[0]->fail;
	*acquire = found[0]->acquire;
	return true;
}

/*
 * What holds when test n is true (*t) and when false (*f): a call of the
 * table that may fail, or a variable holding its result, tested.
 */
static void eval_test(const struct walker *wk, TSNode n, struct effects *t,
		      struct effects *f, unsigned depth)
{
	unsigned char fail;
	bool acquire;
	char op[8];

	n = strip_test(wk, n);
	if (depth > 16 || csrc_node_is_null(n))
		return;
	if (csrc_node_is(n, "unary_expression") &&
	    wk->text[csrc_node_start(n)] == '!') {
		eval_test(wk, csrc_node_field(n, "argument"), f, t, depth + 1);
	} else if (csrc_node_is(n, "binary_expression")) {
		TSNode l = csrc_node_field(n, "left");
		TSNode r = csrc_node_field(n, "right");
		struct effects none = { 0 };

		binary_op(wk, n, op, sizeof(op));
		if (!strcmp(op, "&&")) {
			eval_test(wk, l, t, &none, depth + 1);
			effects_release(&none);
			eval_test(wk, r, t, &none, depth + 1);
		} else if (!strcmp(op, "||")) {
			eval_test(wk, l, &none, f, depth + 1);
			effects_release(&none);
			eval_test(wk, r, &none, f, depth + 1);
		} else if (!strcmp(op, "==") && is_zero(wk, r)) {
			eval_test(wk, l, f, t, depth + 1);
		} else if ((!strcmp(op, "!=") && is_zero(wk, r)) ||
			   (!strcmp(op, "<") && csrc_node_eq(wk->cs, r, "0"))) {
			eval_test(wk, l, t, f, depth + 1);
		}
		effects_release(&none);
	} else if (csrc_node_is(n, "assignment_expression")) {
		TSNode r = strip_test(wk, csrc_node_field(n, "right"));

		if (csrc_node_is(r, "call_expression"))
			eval_test(wk, r, t, f, depth + 1);
	} else if (csrc_node_is(n, "call_expression") &&
		   is_table_test(wk, n, &fail, &acquire)) {
		char *var = result_var(wk, n);

		/* A release that may fail releases when it returns 0. */
		if (!acquire)
			effects_add(f, EFF_ACQ, n, var);
		else
			effects_add(fail == FAIL_ZERO ? t : f, EFF_ACQ, n, var);
		free(var);
	} else if (csrc_node_is(n, "call_expression")) {
		char buf[16];

		/* IS_ERR(v): a failed lookup that returns an ERR_PTR(). */
		if (call_name(wk, n, buf, sizeof(buf)) &&
		    (!strcmp(buf, "IS_ERR_OR_NULL") || !strcmp(buf, "IS_ERR")))
			eval_test(wk, call_arg(n, 0), f, t, depth + 1);
	} else if (csrc_node_is(n, "identifier") ||
		   csrc_node_is(n, "field_expression")) {
		char *v = node_squeezed(wk, n);

		effects_add(t, EFF_TRUE, n, v);
		effects_add(f, EFF_FALSE, n, v);
		free(v);
	}
}

static void apply_effects(struct walker *wk, struct state *st,
			  const struct effects *e)
{
	size_t i, k;

	for (i = 0; i < e->n; i++) {
		const struct effect *ef = &e->v[i];

		if (ef->kind == EFF_ACQ) {
			handle_call(wk, st, ef->call, true);
			continue;
		}
		for (k = st->n; k-- > 0;) {
			struct held *h = &st->v[k];
			bool ok;

			if (h->relvar && var_listed(h->relvar, ef->var)) {
				if (ef->kind == EFF_TRUE)
					h->relvar = NULL;
				else
					held_remove(st, k);
				continue;
			}
			if (!h->var || !var_listed(h->var, ef->var))
				continue;
			ok = (ef->kind == EFF_TRUE) == (h->fail == FAIL_ZERO);
			if (ok)
				h->var = NULL;
			else
				held_remove(st, k);
		}
	}
}

/* --- statements --------------------------------------------------------- */

static bool held_has(const struct walker *wk, const struct state *st,
		     const struct flow_site *a)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (flow_same(&wk->w->acq[st->v[i].acq], a))
			return true;
	return false;
}

/* Where branches meet: what both hold. */
static void merge(const struct walker *wk, struct state *a,
		  const struct state *b)
{
	size_t i, k = 0;

	if (b->dead)
		return;
	if (a->dead) {
		*a = *b;
		return;
	}
	for (i = 0; i < a->n; i++)
		if (held_has(wk, b, &wk->w->acq[a->v[i].acq]))
			a->v[k++] = a->v[i];
	a->n = k;
}

static int label_index(const struct walker *wk, const char *name)
{
	size_t i;

	for (i = 0; i < wk->w->nlabels; i++)
		if (!strcmp(wk->w->labels[i], name))
			return (int)i;
	return -1;
}

/* Whether call is one of the table's (of any kind) or a site seen. */
static bool is_site(const struct walker *wk, TSNode call)
{
	const struct flow_walk *w = wk->w;
	uint32_t at = csrc_node_start(call);
	const struct op *found[2];
	char buf[64];
	size_t i;

	for (i = 0; i < w->nacq; i++)
		if (w->acq[i].start == at)
			return true;
	for (i = 0; i < w->nrel; i++)
		if (w->rel[i].start == at)
			return true;
	return call_name(wk, call, buf, sizeof(buf)) &&
	       (ops_find(buf, FLOW_LOCK, found, 2) ||
		ops_find(buf, FLOW_REF, found, 2));
}

/* The named sibling before n, comments aside; or a null node. */
static TSNode prev_stmt(TSNode n)
{
	TSNode p = csrc_node_parent(n), prev = { 0 };
	uint32_t i, cnt = csrc_node_named_count(p);

	for (i = 0; i < cnt; i++) {
		TSNode c = csrc_node_named_child(p, i);

		if (csrc_node_same(c, n))
			return prev;
		if (!csrc_node_is(c, "comment"))
			prev = c;
	}
	return (TSNode){ 0 };
}

/*
 * The arguments of the call statement right before exit n (before the
 * if that guards it when it is first in its block), one a line.
 */
static char *near_args(const struct walker *wk, TSNode n)
{
	TSNode p = csrc_node_parent(n), s, call, args;
	struct sbuf sb = SBUF_INIT;
	uint32_t i, cnt;

	s = csrc_node_is(p, "if_statement") ? (TSNode){ 0 } : prev_stmt(n);
	if (csrc_node_is_null(s) && csrc_node_is(p, "compound_statement"))
		p = csrc_node_parent(p);
	if (csrc_node_is_null(s) && csrc_node_is(p, "if_statement"))
		s = prev_stmt(p);
	call = csrc_node_named_child(s, 0);
	if (!csrc_node_is(s, "expression_statement") ||
	    !csrc_node_is(call, "call_expression") || is_site(wk, call))
		return NULL;
	sbuf_init(&sb, FLOW_MAX_TEXT * 2);
	args = csrc_node_field(call, "arguments");
	cnt = csrc_node_named_count(args);
	for (i = 0; i < cnt; i++) {
		char *a = node_squeezed(wk, csrc_node_named_child(args, i));

		sbuf_addf(&sb, "%s\n", a);
		free(a);
	}
	if (sbuf_failed(&sb)) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, NULL);
}

/* Record the values assigned in n (x = v, T x = v). */
static void scan_assigns(struct walker *wk, TSNode n)
{
	static const char *const types[] = { "assignment_expression",
					     "init_declarator" };
	struct flow_walk *w = wk->w;
	size_t t, i, k;

	for (t = 0; t < 2; t++) {
		TSNode *v = NULL;

		k = csrc_find_nodes(wk->cs, n, types[t], &v);
		for (i = 0; i < k && w->nassigns < FLOW_MAX_SITES; i++) {
			TSNode val =
				csrc_node_field(v[i], t ? "value" : "right");

			if (csrc_node_is_null(val) ||
			    csrc_node_end(val) - csrc_node_start(val) > 128)
				continue;
			w->assigns = xrealloc(w->assigns,
					      (w->nassigns + 1) *
						      sizeof(*w->assigns));
			w->assigns[w->nassigns].start = csrc_node_start(v[i]);
			w->assigns[w->nassigns++].value =
				node_squeezed(wk, val);
		}
		free(v);
	}
}

static void add_exit(struct walker *wk, const struct state *st, TSNode n,
		     enum flow_exit_kind kind)
{
	struct flow_walk *w = wk->w;
	struct flow_exit *x;
	uint32_t end = csrc_node_end(n);
	size_t i;

	if (st->dead || wk->err)
		return;
	if (w->nexits >= FLOW_MAX_SITES) {
		wk->err = mmr_error_set(MMR_ELIMIT, "more than %d exits",
					FLOW_MAX_SITES);
		return;
	}
	w->exits = xrealloc(w->exits, (w->nexits + 1) * sizeof(*w->exits));
	x = &w->exits[w->nexits++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->start = csrc_node_start(n);
	if (end > x->start && end <= wk->len && wk->text[end - 1] == ';')
		end--;
	x->end = end;
	x->line = line_of(wk, x->start);
	x->changed = changed_at(wk, x->start);
	x->text = node_squeezed(wk, n);
	for (i = 0; i < st->n; i++)
		x->held[x->nheld++] = st->v[i].acq;
	if (kind == FLOW_RETURN &&
	    !csrc_node_is_null(csrc_node_named_child(n, 0)))
		x->value = node_squeezed(wk, csrc_node_named_child(n, 0));
	if (kind == FLOW_GOTO)
		x->label = node_squeezed(wk, csrc_node_field(n, "label"));
	if (kind != FLOW_END)
		x->near = near_args(wk, n);
	if (kind == FLOW_BREAK || kind == FLOW_CONTINUE) {
		for (i = wk->nframes; i-- > 0;) {
			const struct frame *f = &wk->frames[i];
			size_t k;

			if (!f->loop)
				continue;
			x->loop_start = f->start;
			x->loop_end = f->end;
			for (k = 0; k < x->nheld; k++)
				if (held_has(wk, &f->in, &w->acq[x->held[k]]))
					x->loop_held |= (uint32_t)1 << k;
			break;
		}
	}
}

static void walk_stmt(struct walker *wk, TSNode n, struct state *st);

/* A loop macro: "list_for_each_entry(...)" with no ';', a body after it. */
static bool is_loop_macro(const struct walker *wk, TSNode n)
{
	TSNode call = csrc_node_named_child(n, 0);
	uint32_t e = csrc_node_end(n);
	char buf[64];

	if (!csrc_node_is(n, "expression_statement") ||
	    !csrc_node_is(call, "call_expression") || e == 0 || e > wk->len ||
	    wk->text[e - 1] == ';' || !call_name(wk, call, buf, sizeof(buf)))
		return false;
	return strstr(buf, "for_each") || !strncmp(buf, "for_", 4);
}

static void walk_loop(struct walker *wk, TSNode loop, TSNode body,
		      struct state *st, bool may_skip, bool back)
{
	struct state in = *st;
	struct frame *f;

	if (wk->nframes >= FLOW_MAX_DEPTH) {
		wk->err = mmr_error_set(MMR_ELIMIT, "loops nested too deep");
		return;
	}
	f = &wk->frames[wk->nframes++];
	f->loop = true;
	f->start = csrc_node_start(loop);
	f->end = csrc_node_end(body) > csrc_node_end(loop) ?
			 csrc_node_end(body) :
			 csrc_node_end(loop);
	f->brk.dead = true;
	f->brk.n = 0;
	f->in = in;
	walk_stmt(wk, body, st);
	f = &wk->frames[wk->nframes - 1];
	/* An endless loop leaves only by its breaks. */
	if (!back)
		st->dead = true;
	if (may_skip)
		merge(wk, st, &in);
	merge(wk, st, &f->brk);
	wk->nframes--;
}

static bool endless(const struct walker *wk, TSNode cond)
{
	char *t;
	bool yes;

	if (csrc_node_is_null(cond))
		return true;
	t = node_squeezed(wk, cond);
	yes = !strcmp(t, "(1)") || !strcmp(t, "(true)") || !strcmp(t, "1") ||
	      !strcmp(t, "true");
	free(t);
	return yes;
}

static void walk_seq(struct walker *wk, TSNode parent, struct state *st,
		     uint32_t from)
{
	uint32_t i, n = csrc_node_named_count(parent);

	for (i = from; i < n && !wk->err; i++) {
		TSNode c = csrc_node_named_child(parent, i);

		if (is_loop_macro(wk, c) && i + 1 < n) {
			TSNode body = csrc_node_named_child(parent, ++i);

			while (csrc_node_is(body, "comment") && i + 1 < n)
				body = csrc_node_named_child(parent, ++i);
			walk_loop(wk, c, body, st, true, true);
			continue;
		}
		walk_stmt(wk, c, st);
	}
}

static void walk_if(struct walker *wk, TSNode n, struct state *st)
{
	struct effects t = { 0 }, f = { 0 };
	struct state other;
	TSNode alt = csrc_node_field(n, "alternative");

	eval_test(wk, csrc_node_field(n, "condition"), &t, &f, 0);
	other = *st;
	apply_effects(wk, st, &t);
	walk_stmt(wk, csrc_node_field(n, "consequence"), st);
	apply_effects(wk, &other, &f);
	if (csrc_node_is(alt, "else_clause"))
		walk_seq(wk, alt, &other, 0);
	else if (!csrc_node_is_null(alt))
		walk_stmt(wk, alt, &other);
	merge(wk, st, &other);
	effects_release(&t);
	effects_release(&f);
}

static void walk_switch(struct walker *wk, TSNode n, struct state *st)
{
	TSNode body = csrc_node_field(n, "body");
	struct state in = *st, fall;
	uint32_t i, cnt = csrc_node_named_count(body);
	bool has_default = false;
	struct frame *f;

	if (wk->nframes >= FLOW_MAX_DEPTH) {
		wk->err = mmr_error_set(MMR_ELIMIT, "switches nested too deep");
		return;
	}
	f = &wk->frames[wk->nframes++];
	f->loop = false;
	f->brk.dead = true;
	f->brk.n = 0;
	fall.dead = true;
	fall.n = 0;
	for (i = 0; i < cnt && !wk->err; i++) {
		TSNode c = csrc_node_named_child(body, i);

		if (!csrc_node_is(c, "case_statement")) {
			walk_stmt(wk, c, &fall);
			continue;
		}
		if (csrc_node_is_null(csrc_node_field(c, "value")))
			has_default = true;
		merge(wk, &fall, &in);
		walk_seq(wk, c, &fall,
			 csrc_node_is_null(csrc_node_field(c, "value")) ? 0 :
									  1);
	}
	*st = fall;
	merge(wk, st, &wk->frames[wk->nframes - 1].brk);
	if (!has_default)
		merge(wk, st, &in);
	wk->nframes--;
}

static void jump(struct walker *wk, TSNode n, struct state *st)
{
	size_t i;

	if (csrc_node_is(n, "goto_statement")) {
		char *label = node_squeezed(wk, csrc_node_field(n, "label"));
		int li = label_index(wk, label);

		add_exit(wk, st, n, FLOW_GOTO);
		if (li >= 0)
			merge(wk, &wk->label_st[li], st);
		free(label);
	} else if (csrc_node_is(n, "break_statement")) {
		if (wk->nframes) {
			struct frame *f = &wk->frames[wk->nframes - 1];

			if (f->loop)
				add_exit(wk, st, n, FLOW_BREAK);
			merge(wk, &f->brk, st);
		}
	} else if (csrc_node_is(n, "continue_statement")) {
		for (i = wk->nframes; i-- > 0;)
			if (wk->frames[i].loop)
				break;
		if (i != (size_t)-1)
			add_exit(wk, st, n, FLOW_CONTINUE);
	} else {
		scan_calls(wk, st, n);
		add_exit(wk, st, n, FLOW_RETURN);
	}
	st->dead = true;
	st->n = 0;
}

/* #if/#ifdef in a body: each branch from the same state. */
static void walk_preproc(struct walker *wk, TSNode n, struct state *st)
{
	TSNode alt = csrc_node_field(n, "alternative");
	TSNode name = csrc_node_field(n, "name");
	TSNode cond = csrc_node_field(n, "condition");
	struct state other = *st;
	uint32_t i, cnt = csrc_node_named_count(n);

	for (i = 0; i < cnt && !wk->err; i++) {
		TSNode c = csrc_node_named_child(n, i);

		if (csrc_node_same(c, alt) || csrc_node_same(c, name) ||
		    csrc_node_same(c, cond))
			continue;
		walk_stmt(wk, c, st);
	}
	if (!csrc_node_is_null(alt))
		walk_stmt(wk, alt, &other);
	merge(wk, st, &other);
}

static void walk_stmt(struct walker *wk, TSNode n, struct state *st)
{
	const char *t = csrc_node_type(n);

	if (csrc_node_is_null(n) || wk->err)
		return;
	if (++wk->depth > FLOW_MAX_DEPTH) {
		wk->err = mmr_error_set(MMR_ELIMIT,
					"statements nested deeper "
					"than %d",
					FLOW_MAX_DEPTH);
		wk->depth--;
		return;
	}
	if (!strcmp(t, "compound_statement") || !strcmp(t, "preproc_else") ||
	    !strcmp(t, "ERROR")) {
		walk_seq(wk, n, st, 0);
	} else if (!strcmp(t, "if_statement")) {
		walk_if(wk, n, st);
	} else if (!strcmp(t, "for_statement") ||
		   !strcmp(t, "while_statement")) {
		bool e = endless(wk, csrc_node_field(n, "condition"));

		walk_loop(wk, n, csrc_node_field(n, "body"), st, !e, !e);
	} else if (!strcmp(t, "do_statement")) {
		walk_loop(wk, n, csrc_node_field(n, "body"), st, false,
			  !endless(wk, csrc_node_field(n, "condition")));
	} else if (!strcmp(t, "switch_statement")) {
		walk_switch(wk, n, st);
	} else if (!strcmp(t, "return_statement") ||
		   !strcmp(t, "goto_statement") ||
		   !strcmp(t, "break_statement") ||
		   !strcmp(t, "continue_statement")) {
		jump(wk, n, st);
	} else if (!strcmp(t, "labeled_statement")) {
		char *label = node_squeezed(wk, csrc_node_field(n, "label"));
		int li = label_index(wk, label);

		if (li >= 0)
			merge(wk, st, &wk->label_st[li]);
		free(label);
		walk_seq(wk, n, st, 1);
	} else if (!strcmp(t, "preproc_if") || !strcmp(t, "preproc_ifdef") ||
		   !strcmp(t, "preproc_elif") ||
		   !strcmp(t, "preproc_elifdef")) {
		walk_preproc(wk, n, st);
	} else if (!strcmp(t, "comment") || !strcmp(t, "preproc_call") ||
		   !strcmp(t, "preproc_def") ||
		   !strcmp(t, "preproc_function_def")) {
		/* nothing */
	} else if (!strcmp(t, "case_statement") ||
		   !strcmp(t, "attributed_statement")) {
		walk_seq(wk, n, st, 0);
	} else {
		scan_calls(wk, st, n);
		scan_assigns(wk, n);
	}
	wk->depth--;
}

/* The body of a definition node, or a null node. */
static TSNode body_of(TSNode n)
{
	TSNode null = { 0 };

	if (csrc_node_is(n, "function_definition"))
		return csrc_node_field(n, "body");
	if (csrc_node_is(n, "compound_statement"))
		return n;
	return null;
}

static void collect_labels(struct walker *wk, TSNode body)
{
	TSNode *v = NULL;
	size_t i, k = csrc_find_nodes(wk->cs, body, "labeled_statement", &v);
	struct flow_walk *w = wk->w;

	for (i = 0; i < k && w->nlabels < FLOW_MAX_LABELS; i++) {
		char *name = node_squeezed(wk, csrc_node_field(v[i], "label"));

		if (label_index(wk, name) >= 0) {
			free(name);
			continue;
		}
		w->labels[w->nlabels] = name;
		w->label_at[w->nlabels++] = csrc_node_start(v[i]);
	}
	free(v);
}

static void judge_exits(struct flow_walk *w);

int flow_walk(struct flow_walk *w, const struct change *c,
	      enum change_side side, enum flow_kind kind)
{
	const struct csrc_def *def = change_def(c, side);
	struct walker wk = { 0 };
	struct state st = { 0 };
	TSNode body;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->c = c;
	w->side = side;
	if (!def || change_kind(c) != CSRC_FUNCTION)
		return MMR_ENOTFOUND;
	body = body_of(def->node);
	if (csrc_node_is_null(body) && change_partial(c) &&
	    csrc_node_is(def->node, "translation_unit")) {
		/* A span of a fragment: the functions framing it. */
		const struct csrc_def *d =
			csrc_def_at(change_src(c, side), def->start);

		body = d ? body_of(d->node) : body;
	}
	if (csrc_node_is_null(body))
		return MMR_ENOTFOUND;
	wk.w = w;
	wk.cs = change_src(c, side);
	wk.text = csrc_text(wk.cs, &wk.len);
	w->body_start = csrc_node_start(body);
	w->body_end = csrc_node_end(body);
	collect_labels(&wk, body);
	wk.label_st = xcalloc(FLOW_MAX_LABELS, sizeof(*wk.label_st));
	for (i = 0; i < FLOW_MAX_LABELS; i++)
		wk.label_st[i].dead = true;
	wk.frames = xcalloc(FLOW_MAX_DEPTH, sizeof(*wk.frames));
	walk_seq(&wk, body, &st, 0);
	w->end_seen = w->body_end > w->body_start &&
		      change_file_line(c, side, line_of(&wk, w->body_end - 1));
	if (!st.dead && w->body_end > w->body_start &&
	    change_file_line(c, side, line_of(&wk, w->body_end - 1))) {
		TSNode close =
			csrc_node_at(wk.cs, w->body_end - 1, w->body_end);

		add_exit(&wk, &st, close, FLOW_END);
		if (w->nexits && w->exits[w->nexits - 1].kind == FLOW_END) {
			struct flow_exit *x = &w->exits[w->nexits - 1];

			free(x->text);
			x->text = xstrdup("}");
			x->start = w->body_end - 1;
			x->end = w->body_end;
			x->line = line_of(&wk, x->start);
			x->changed = changed_at(&wk, x->start);
		}
	}
	free(wk.label_st);
	free(wk.frames);
	if (!wk.err)
		judge_exits(w);
	return wk.err;
}

void flow_walk_release(struct flow_walk *w)
{
	size_t i;

	for (i = 0; i < w->nacq; i++) {
		free(w->acq[i].key);
		free(w->acq[i].var);
		if (w->acq[i].via_where)
			free((char *)w->acq[i].op);
	}
	for (i = 0; i < w->nrel; i++) {
		free(w->rel[i].key);
		free(w->rel[i].var);
		if (w->rel[i].via_where)
			free((char *)w->rel[i].op);
	}
	for (i = 0; i < w->nexits; i++) {
		free(w->exits[i].text);
		free(w->exits[i].value);
		free(w->exits[i].label);
		free(w->exits[i].near);
	}
	for (i = 0; i < w->nassigns; i++)
		free(w->assigns[i].value);
	free(w->assigns);
	free(w->returns);
	for (i = 0; i < w->nlabels; i++)
		free(w->labels[i]);
	free(w->acq);
	free(w->rel);
	free(w->exits);
	memset(w, 0, sizeof(*w));
}

/* --- judging exits ------------------------------------------------------ */

bool flow_same(const struct flow_site *a, const struct flow_site *s)
{
	return a->family == s->family && !strcmp(a->key, s->key);
}

bool flow_exit_holds(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a)
{
	size_t i;

	for (i = 0; i < x->nheld; i++)
		if (flow_same(&w->acq[x->held[i]], a))
			return true;
	return false;
}

/* Whether a's lock is released from byte from up to the next return. */
static uint32_t next_return(const struct flow_walk *w, uint32_t from);

static bool released_after(const struct flow_walk *w, const struct flow_site *a,
			   uint32_t from)
{
	uint32_t to = next_return(w, from);
	size_t i;

	for (i = 0; i < w->nrel; i++)
		if (flow_same(a, &w->rel[i]) && w->rel[i].start >= from &&
		    w->rel[i].start < to)
			return true;
	return false;
}

bool flow_exit_leaks(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a)
{
	size_t i;
	bool inside = a->start > x->loop_start && a->start < x->loop_end;

	if (!flow_exit_holds(w, x, a))
		return false;
	/* Held when the loop was entered: going round keeps the invariant. */
	for (i = 0; i < x->nheld; i++)
		if ((x->loop_held >> i & 1) &&
		    flow_same(&w->acq[x->held[i]], a))
			inside = false;
	switch (x->kind) {
	case FLOW_RETURN:
	case FLOW_END:
		return true;
	case FLOW_CONTINUE:
		return inside;
	case FLOW_BREAK:
		return inside && !released_after(w, a, x->loop_end);
	case FLOW_GOTO:
		for (i = 0; i < w->nlabels; i++)
			if (!strcmp(w->labels[i], x->label))
				return !released_after(w, a, w->label_at[i]);
		return false; /* a label we cannot see */
	}
	return false;
}

/* Whether identifier id occurs in text as a whole word. */
static bool mentions(const char *text, const char *id, size_t n)
{
	const char *p = text;

	if (!n)
		return false;
	while ((p = strstr(p, id))) {
		if ((p == text || !ident_char(p[-1])) && !ident_char(p[n]))
			return true;
		p++;
	}
	return false;
}

/* The identifier a key starts with: "vmf" of "vmf->ptl"; its length. */
static size_t key_base(const char *key)
{
	size_t n = 0;

	while (ident_char(key[n]))
		n++;
	return n;
}

static bool returns_handoff(const struct flow_exit *x,
			    const struct flow_site *a)
{
	static const char *const errors[] = {
		"ret",	  "err",    "error", "rc",    "retval", "rv", "res",
		"result", "status", "r",     "false", "true",	NULL
	};
	static const char *const err_calls[] = { "ERR_PTR", "PTR_ERR",
						 "ERR_CAST", "PTR_ERR_OR_ZERO",
						 NULL };
	const char *v = x->value;
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyz"
			     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	const char *const *e;
	char base[64];
	bool lower = false;
	size_t i;

	for (i = 0; i < n; i++)
		lower |= islower((unsigned char)v[i]);
	if (n && !v[n] && lower && !isdigit((unsigned char)v[0])) {
		/* A variable: an object handed back, unless an error code. */
		for (e = errors; *e; e++)
			if (!strcmp(v, *e))
				return false;
		return true;
	}
	if (n && v[n] == '(' && lower) {
		for (e = err_calls; *e; e++)
			if (strlen(*e) == n && !strncmp(v, *e, n))
				break;
		if (!*e)
			return true; /* the callee goes on with it */
	}
	i = key_base(a->key);
	if (i && i < sizeof(base)) {
		memcpy(base, a->key, i);
		base[i] = '\0';
		if (mentions(v, base, i))
			return true;
	}
	return false;
}

/* Whether the call right before x is given a's lock or object. */
static bool near_handoff(const struct flow_exit *x, const struct flow_site *a)
{
	size_t b = key_base(a->key), klen = strlen(a->key);
	const char *p = x->near;

	if (!p || !klen)
		return false;
	for (; *p; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "\n");
		const char *q = *p == '&' ? p + 1 : p;
		size_t qn = *p == '&' ? n - 1 : n;

		if ((qn == klen && !strncmp(q, a->key, klen)) ||
		    (qn == b && !strncmp(q, a->key, b)))
			return true;
	}
	return false;
}

/* Whether a's lock or object is stored somewhere in [from, to). */
static bool stored(const struct flow_walk *w, const struct flow_site *a,
		   uint32_t from, uint32_t to)
{
	size_t i;

	if (!*a->key)
		return false;
	for (i = 0; i < w->nassigns; i++) {
		const struct flow_assign *s = &w->assigns[i];
		const char *v = *s->value == '&' ? s->value + 1 : s->value;

		if (s->start >= from && s->start < to && !strcmp(v, a->key))
			return true;
	}
	return false;
}

/* The next return at or after from, or the end of the body. */
static uint32_t next_return(const struct flow_walk *w, uint32_t from)
{
	size_t lo = 0, hi = w->nreturns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->returns[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nreturns ? w->returns[lo] : w->body_end;
}

bool flow_exit_handoff(const struct flow_walk *w, const struct flow_exit *x,
		       const struct flow_site *a)
{
	size_t i;

	if (x->kind == FLOW_GOTO && a->family->kind == FLOW_LOCK &&
	    strstr(x->label, "unlocked"))
		return true;
	if (x->value && returns_handoff(x, a))
		return true;
	if (near_handoff(x, a) || stored(w, a, a->end, x->start))
		return true;
	if (x->kind == FLOW_GOTO)
		for (i = 0; i < w->nlabels; i++)
			if (!strcmp(w->labels[i], x->label))
				return stored(w, a, w->label_at[i],
					      next_return(w, w->label_at[i]));
	return false;
}

bool flow_exit_leaky(const struct flow_walk *w, const struct flow_exit *x,
		     const struct flow_site *a)
{
	size_t k;

	for (k = 0; k < x->nheld; k++)
		if ((x->leaky >> k & 1) && flow_same(&w->acq[x->held[k]], a))
			return true;
	return false;
}

static bool leaks(const struct flow_walk *w, const struct flow_exit *x,
		  const struct flow_site *a)
{
	return flow_exit_leaky(w, x, a);
}

static int u32_order(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Index the returns, then judge once what each exit leaks. */
static void judge_exits(struct flow_walk *w)
{
	size_t i, k;

	w->returns = xcalloc(w->nexits + 1, sizeof(*w->returns));
	for (i = 0; i < w->nexits; i++)
		if (w->exits[i].kind == FLOW_RETURN)
			w->returns[w->nreturns++] = w->exits[i].start;
	qsort(w->returns, w->nreturns, sizeof(*w->returns), u32_order);
	for (i = 0; i < w->nexits; i++) {
		struct flow_exit *x = &w->exits[i];

		for (k = 0; k < x->nheld; k++) {
			const struct flow_site *a = &w->acq[x->held[k]];

			if (flow_exit_leaks(w, x, a) &&
			    !flow_exit_handoff(w, x, a))
				x->leaky |= (uint32_t)1 << k;
		}
	}
}

/* How many exits of w with text (or of x's kind) leak what a takes. */
static size_t count_leaky(const struct flow_walk *w, const char *text,
			  enum flow_exit_kind kind, const struct flow_site *a)
{
	size_t i, k, n = 0;

	for (i = 0; i < w->nexits; i++) {
		const struct flow_exit *x = &w->exits[i];

		if (text ? strcmp(x->text, text) != 0 : x->kind != kind)
			continue;
		for (k = 0; k < x->nheld; k++) {
			const struct flow_site *h = &w->acq[x->held[k]];

			if (flow_same(h, a) && leaks(w, x, h)) {
				n++;
				break;
			}
		}
	}
	return n;
}

/* The release of a's lock the other paths use, after a; or NULL. */
const struct flow_site *flow_release_after(const struct flow_walk *w,
					   const struct flow_site *a)
{
	const struct flow_site *best = NULL;
	size_t i;

	for (i = 0; i < w->nrel; i++) {
		const struct flow_site *r = &w->rel[i];

		if (!flow_same(a, r) || r->start < a->end)
			continue;
		if (!best || (best->changed && !r->changed))
			best = r;
	}
	return best;
}

/*
 * Whether the existing exits after a say the function keeps a's lock or
 * reference by design: one of them leaves holding it, and x returns no
 * value that an exit releasing it returns.
 */
static bool kept_by_design(const struct flow_walk *w, const struct flow_exit *x,
			   const struct flow_site *a)
{
	bool held = false, same_as_held = false, same_as_released = false;
	bool existing = false;
	size_t i;

	/* In new code, the other new exits are the ones to compare with. */
	for (i = 0; i < w->nexits; i++)
		existing |= !w->exits[i].changed && w->exits[i].start > a->end;
	for (i = 0; i < w->nexits; i++) {
		const struct flow_exit *y = &w->exits[i];
		bool same = x->value && y->value && !strcmp(x->value, y->value);

		if (y == x || (existing && y->changed) || y->start < a->end)
			continue;
		if (leaks(w, y, a)) {
			held = true;
			same_as_held |= same;
		} else if (y->kind == FLOW_RETURN) {
			same_as_released |= same;
		}
	}
	return held && (same_as_held || !same_as_released);
}

/* Whether a's lock is released somewhere before a. */
static bool released_before(const struct flow_walk *w,
			    const struct flow_site *a)
{
	size_t i;

	for (i = 0; i < w->nrel; i++)
		if (flow_same(a, &w->rel[i]) && w->rel[i].start < a->start)
			return true;
	return false;
}

static bool same_hunk(const struct change *c, enum change_side side, unsigned a,
		      unsigned b)
{
	unsigned h = change_hunk_of(c, side, a);

	return h && h == change_hunk_of(c, side, b);
}

bool flow_changed_lines_have(const struct change *c, enum change_side side,
			     const char *const *words)
{
	const struct csrc_def *def = change_def(c, side);
	const struct csrc *cs = change_src(c, side);
	const char *text;
	unsigned l;

	if (!def)
		return false;
	text = csrc_text(cs, NULL);
	for (l = def->start_line; l <= def->end_line; l++) {
		uint32_t s = csrc_line_start(cs, l),
			 e = csrc_line_start(cs, l + 1);
		const char *const *w;

		if (!change_line_changed(c, side, l))
			continue;
		for (w = words; *w; w++)
			if (memmem(text + s, e - s, *w, strlen(*w)))
				return true;
	}
	return false;
}

int flow_new_leaks(const struct change *c, enum flow_kind kind,
		   struct flow_walk *nw, struct flow_leak **out)
{
	static const char *const exits[] = { "return", "goto", "break",
					     "continue", NULL };
	struct flow_walk ow = FLOW_WALK_INIT;
	size_t i, k, n = 0, tried = 0;
	int err;

	*out = NULL;
	memset(nw, 0, sizeof(*nw));
	/* Most changes add no exit: no walk for them. */
	if (!flow_changed_lines_have(c, CHANGE_NEW, exits))
		return 0;
	err = flow_walk(nw, c, CHANGE_NEW, kind);
	if (err < 0)
		return err == MMR_ENOTFOUND ? 0 : err;
	for (i = 0; i < nw->nexits && tried < FLOW_MAX_CANDIDATES; i++) {
		const struct flow_exit *x = &nw->exits[i];

		if (!x->changed || x->kind == FLOW_END || !x->leaky)
			continue;
		tried++;
		for (k = 0; k < x->nheld; k++) {
			const struct flow_site *a = &nw->acq[x->held[k]];
			const struct flow_site *r;

			if (!leaks(nw, x, a) ||
			    (change_partial(c) &&
			     !same_hunk(c, CHANGE_NEW, a->line, x->line)))
				continue;
			r = flow_release_after(nw, a);
			/*
			 * Only a fragment may have its unlock out of sight,
			 * and not when it drops the lock before retaking it.
			 */
			if ((!r && (nw->end_seen || released_before(nw, a))) ||
			    kept_by_design(nw, x, a))
				continue;
			if (!ow.c && flow_walk(&ow, c, CHANGE_OLD, kind) < 0)
				ow.nexits = 0;
			if (count_leaky(&ow, x->text, 0, a) >=
				    count_leaky(nw, x->text, 0, a) ||
			    count_leaky(&ow, NULL, x->kind, a) >=
				    count_leaky(nw, NULL, x->kind, a))
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n].exit = x;
			(*out)[n].acq = a;
			(*out)[n].rel = r;
			n++;
			break;
		}
	}
	flow_walk_release(&ow);
	return (int)n;
}

const char *flow_exit_what(const struct flow_exit *x, char *buf, size_t size)
{
	switch (x->kind) {
	case FLOW_RETURN:
		return "This return leaves";
	case FLOW_GOTO:
		snprintf(buf, size, "This goto %s leaves", x->label);
		return buf;
	case FLOW_BREAK:
		return "This break leaves the loop";
	case FLOW_CONTINUE:
		return "This continue goes round the loop";
	case FLOW_END:
		break;
	}
	return "The end of the function is reached";
}

const char *flow_exit_name(const struct flow_exit *x, char *buf, size_t size)
{
	switch (x->kind) {
	case FLOW_RETURN:
		return "the return";
	case FLOW_GOTO:
		snprintf(buf, size, "the goto %s", x->label);
		return buf;
	case FLOW_BREAK:
		return "the break";
	case FLOW_CONTINUE:
		return "the continue";
	case FLOW_END:
		break;
	}
	return "the end of the function";
}

const char *flow_held_text(const struct flow_site *a, char *buf, size_t size)
{
	const char *fmt = a->family->held, *at = strstr(fmt, "%s");

	if (!at)
		snprintf(buf, size, "%s", fmt);
	else
		snprintf(buf, size, "%.*s%s%s", (int)(at - fmt), fmt, a->key,
			 at + 2);
	return buf;
}

static const char *found_name(enum change_found f)
{
	switch (f) {
	case CHANGE_FOUND_PATCH:
		return "this patch";
	case CHANGE_FOUND_SERIES:
		return "an earlier patch";
	case CHANGE_FOUND_TREE:
		return "kernel tree";
	case CHANGE_FOUND_BUILTIN:
		break;
	}
	return "built-in";
}

char *flow_note(const struct flow_site *a, const struct flow_site *r)
{
	struct sbuf sb = SBUF_INIT;
	const struct flow_site *s[2] = { a, r };
	size_t i;

	sbuf_addf(&sb, "%s pairs: built-in table",
		  a->family->kind == FLOW_LOCK ? "lock" : "reference");
	for (i = 0; i < 2; i++)
		if (s[i] && s[i]->via_where)
			sbuf_addf(&sb, "; %s() seen through (%s, %s)", s[i]->op,
				  s[i]->via_where, found_name(s[i]->via_found));
	return sbuf_detach(&sb, NULL);
}

int flow_report_leak(struct rule_ctx *ctx, const struct change *c,
		     const struct flow_leak *l, const char *released,
		     const char *question)
{
	char what[96], held[256], rel[96];
	char *note = flow_note(l->acq, l->rel);
	int err;

	if (l->rel)
		snprintf(rel, sizeof(rel), "%s at line %u on the other paths",
			 released,
			 change_file_line(c, CHANGE_NEW, l->rel->line));
	else
		snprintf(rel, sizeof(rel), "not %s in the lines shown",
			 released);
	err = rule_report(
		ctx, c, CHANGE_NEW, l->exit->start, l->exit->end, NULL, note,
		"%s with %s (taken by %s() at line %u, %s). %s",
		flow_exit_what(l->exit, what, sizeof(what)),
		flow_held_text(l->acq, held, sizeof(held)), l->acq->op,
		change_file_line(c, CHANGE_NEW, l->acq->line), rel, question);
	free(note);
	return err;
}
