// SPDX-License-Identifier: GPL-2.0
/*
 * sleeps: the built-in facts about sleeping and atomic sections, from
 * include/linux (spinlock.h, rcupdate.h, preempt.h, uaccess.h, gfp_types.h,
 * wait.h...) as of 6.1 to 6.12.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sleeps.h"
#include "util.h"

struct op_entry {
	const char *name;
	enum sleeps_kind kind;
	bool open;
	int key_arg;
};

/* Sorted by name (bsearch). */
static const struct op_entry ops[] = {
	{ "folio_lruvec_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "folio_lruvec_lock_irq", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "folio_lruvec_lock_irqsave", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "get_cpu", SLEEPS_PREEMPT, true, -1 },
	{ "huge_pte_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "kmap_atomic", SLEEPS_KMAP, true, -1 },
	{ "kunmap_atomic", SLEEPS_KMAP, false, -1 },
	{ "local_irq_disable", SLEEPS_IRQ, true, -1 },
	{ "local_irq_enable", SLEEPS_IRQ, false, -1 },
	{ "local_irq_restore", SLEEPS_IRQSAVE, false, 0 },
	{ "local_irq_save", SLEEPS_IRQSAVE, true, 0 },
	{ "pagefault_disable", SLEEPS_PAGEFAULT, true, -1 },
	{ "pagefault_enable", SLEEPS_PAGEFAULT, false, -1 },
	{ "pmd_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "pmd_trans_huge_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "preempt_disable", SLEEPS_PREEMPT, true, -1 },
	{ "preempt_enable", SLEEPS_PREEMPT, false, -1 },
	{ "preempt_enable_no_resched", SLEEPS_PREEMPT, false, -1 },
	{ "pte_offset_map_lock", SLEEPS_LOCK, true, 3 },
	{ "pte_unmap_unlock", SLEEPS_LOCK, false, 1 },
	{ "pud_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "pud_trans_huge_lock", SLEEPS_LOCK, true, SLEEPS_KEY_RESULT },
	{ "put_cpu", SLEEPS_PREEMPT, false, -1 },
	{ "raw_spin_lock", SLEEPS_LOCK, true, 0 },
	{ "raw_spin_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "raw_spin_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "raw_spin_unlock", SLEEPS_LOCK, false, 0 },
	{ "raw_spin_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "raw_spin_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "rcu_read_lock", SLEEPS_RCU, true, -1 },
	{ "rcu_read_unlock", SLEEPS_RCU, false, -1 },
	{ "read_lock", SLEEPS_LOCK, true, 0 },
	{ "read_lock_bh", SLEEPS_LOCK, true, 0 },
	{ "read_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "read_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "read_unlock", SLEEPS_LOCK, false, 0 },
	{ "read_unlock_bh", SLEEPS_LOCK, false, 0 },
	{ "read_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "read_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "spin_lock", SLEEPS_LOCK, true, 0 },
	{ "spin_lock_bh", SLEEPS_LOCK, true, 0 },
	{ "spin_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "spin_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "spin_lock_nested", SLEEPS_LOCK, true, 0 },
	{ "spin_unlock", SLEEPS_LOCK, false, 0 },
	{ "spin_unlock_bh", SLEEPS_LOCK, false, 0 },
	{ "spin_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "spin_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "unlock_page_lruvec", SLEEPS_LOCK, false, 0 },
	{ "unlock_page_lruvec_irq", SLEEPS_LOCK, false, 0 },
	{ "unlock_page_lruvec_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "write_lock", SLEEPS_LOCK, true, 0 },
	{ "write_lock_bh", SLEEPS_LOCK, true, 0 },
	{ "write_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "write_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "write_unlock", SLEEPS_LOCK, false, 0 },
	{ "write_unlock_bh", SLEEPS_LOCK, false, 0 },
	{ "write_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "write_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "xa_lock", SLEEPS_LOCK, true, 0 },
	{ "xa_lock_bh", SLEEPS_LOCK, true, 0 },
	{ "xa_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "xa_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "xa_unlock", SLEEPS_LOCK, false, 0 },
	{ "xa_unlock_bh", SLEEPS_LOCK, false, 0 },
	{ "xa_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "xa_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
	{ "xas_lock", SLEEPS_LOCK, true, 0 },
	{ "xas_lock_bh", SLEEPS_LOCK, true, 0 },
	{ "xas_lock_irq", SLEEPS_LOCK, true, 0 },
	{ "xas_lock_irqsave", SLEEPS_LOCK, true, 0 },
	{ "xas_unlock", SLEEPS_LOCK, false, 0 },
	{ "xas_unlock_bh", SLEEPS_LOCK, false, 0 },
	{ "xas_unlock_irq", SLEEPS_LOCK, false, 0 },
	{ "xas_unlock_irqrestore", SLEEPS_LOCK, false, 0 },
};

/* Locks that may fail, taken where tested true; sorted. */
static const char *const trylocks[] = {
	"raw_spin_trylock", "read_trylock",	"spin_trylock",
	"spin_trylock_bh",  "spin_trylock_irq", "spin_trylock_irqsave",
	"write_trylock",
};

/* Calls that may sleep whatever their arguments; sorted. */
static const char *const always[] = {
	"__vmalloc",
	"cancel_delayed_work_sync",
	"cancel_work_sync",
	"clear_user",
	"cond_resched",
	"copy_from_user",
	"copy_to_user",
	"down",
	"down_interruptible",
	"down_killable",
	"down_read",
	"down_read_interruptible",
	"down_read_killable",
	"down_write",
	"down_write_killable",
	"drain_workqueue",
	"flush_delayed_work",
	"flush_work",
	"flush_workqueue",
	"folio_lock",
	"folio_lock_killable",
	"folio_wait_locked",
	"folio_wait_writeback",
	"get_user",
	"kthread_stop",
	"kvfree",
	"lock_page",
	"lru_add_drain_all",
	"might_fault",
	"might_sleep",
	"mmap_read_lock",
	"mmap_read_lock_killable",
	"mmap_write_lock",
	"mmap_write_lock_killable",
	"msleep",
	"msleep_interruptible",
	"mutex_lock",
	"mutex_lock_interruptible",
	"mutex_lock_killable",
	"mutex_lock_nested",
	"percpu_down_read",
	"percpu_down_write",
	"put_user",
	"rcu_barrier",
	"schedule",
	"schedule_timeout",
	"schedule_timeout_interruptible",
	"schedule_timeout_killable",
	"schedule_timeout_uninterruptible",
	"ssleep",
	"synchronize_rcu",
	"synchronize_rcu_expedited",
	"synchronize_srcu",
	"usleep_range",
	"vfree",
	"vmalloc",
	"vmalloc_node",
	"vmalloc_user",
	"vzalloc",
	"vzalloc_node",
	"wait_for_completion",
	"wait_for_completion_interruptible",
	"wait_for_completion_killable",
	"wait_for_completion_timeout",
	"wait_on_page_locked",
	"wait_on_page_writeback",
};

/* Prefixes of families that all may sleep. */
static const char *const always_prefix[] = {
	"wait_event", /* wait_event(), _interruptible, _timeout... */
	"wait_for_completion",
};

/* gfp flags that allow direct reclaim; sorted. */
static const char *const gfp_sleeps[] = {
	"GFP_HIGHUSER",
	"GFP_HIGHUSER_MOVABLE",
	"GFP_KERNEL",
	"GFP_KERNEL_ACCOUNT",
	"GFP_NOFS",
	"GFP_NOIO",
	"GFP_TRANSHUGE",
	"GFP_USER",
	"__GFP_DIRECT_RECLAIM",
	"__GFP_RECLAIM",
};

/* Allocators whose name does not say "alloc"; sorted. */
static const char *const allocators[] = {
	"__get_free_page",    "__get_free_pages", "get_zeroed_page",
	"idr_preload",	      "kmemdup",	  "kmemdup_nul",
	"krealloc",	      "krealloc_array",	  "kstrdup",
	"kstrdup_const",      "kstrndup",	  "kvrealloc",
	"radix_tree_preload",
};

/* Calls taking a gfp mask that do not allocate under the caller's locks. */
static const char *const gfp_exempt[] = {
	"fs_reclaim_acquire",
	"fs_reclaim_release",
	"memalloc_noreclaim_save",
	"xas_nomem",
};

static const char *const gfp_exempt_prefix[] = {
	"__xa_", /* __xa_store() and friends drop xa_lock to allocate */
	"__xas_", "current_gfp", "gfp", "mapping_gfp",
};

/* User copies: they fault instead of sleeping under pagefault_disable(). */
static const char *const uaccess[] = {
	"clear_user", "copy_from_user", "copy_to_user",
	"get_user",   "might_fault",	"put_user",
};

/* Unlocks of sleeping locks and pages: they end no atomic section. */
static const char *const sleeping_unlocks[] = {
	"anon_vma_unlock", "folio_unlock",     "hugetlb_vma_unlock",
	"i_mmap_unlock",   "inode_unlock",     "mmap_",
	"mutex_unlock",	   "srcu_read_unlock", "unlock_page",
	"vma_end",
};

/* Conditions that make the code they guard depend on the context. */
static const char *const context_tests[] = {
	"gfpflags_allow_blocking", "in_atomic",	  "in_interrupt", "in_task",
	"irqs_disabled",	   "preemptible",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char *const *v, size_t n, const char *name)
{
	return bsearch(&name, v, n, sizeof(*v), cmp_str) != NULL;
}

static bool has_prefix(const char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(name, v[i], strlen(v[i])))
			return true;
	return false;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_op(const void *key, const void *e)
{
	return strcmp(key, ((const struct op_entry *)e)->name);
}

bool sleeps_op_of(const char *name, struct sleeps_op *op)
{
	const struct op_entry *e =
		bsearch(name, ops, N(ops), sizeof(ops[0]), cmp_op);

	if (!e)
		return false;
	op->kind = e->kind;
	op->open = e->open;
	op->key_arg = e->key_arg;
	return true;
}

bool sleeps_trylock(const char *name, struct sleeps_op *op)
{
	if (!in_sorted(trylocks, N(trylocks), name))
		return false;
	op->kind = SLEEPS_LOCK;
	op->open = true;
	op->key_arg = 0;
	return true;
}

const char *sleeps_kind_what(enum sleeps_kind kind)
{
	switch (kind) {
	case SLEEPS_LOCK:
		return "the lock";
	case SLEEPS_RCU:
		return "the RCU read-side critical section";
	case SLEEPS_PREEMPT:
		return "the preempt-disabled section";
	case SLEEPS_PAGEFAULT:
		return "the pagefault-disabled section";
	case SLEEPS_IRQ:
	case SLEEPS_IRQSAVE:
		return "the irq-disabled section";
	case SLEEPS_KMAP:
		return "the kmap_atomic() section";
	}
	return "the atomic section";
}

bool sleeps_always(const char *name)
{
	return in_sorted(always, N(always), name) ||
	       has_prefix(always_prefix, N(always_prefix), name);
}

bool sleeps_uaccess(const char *name)
{
	return in_sorted(uaccess, N(uaccess), name);
}

bool sleeps_allocator(const char *name)
{
	return strstr(name, "alloc") ||
	       in_sorted(allocators, N(allocators), name) ||
	       !strncmp(name, "xa_", 3);
}

bool sleeps_unlock_helper(const char *name)
{
	struct sleeps_op op;

	return strstr(name, "unlock") && !sleeps_op_of(name, &op) &&
	       !has_prefix(sleeping_unlocks, N(sleeping_unlocks), name);
}

bool sleeps_gfp_exempt(const char *name)
{
	return in_sorted(gfp_exempt, N(gfp_exempt), name) ||
	       has_prefix(gfp_exempt_prefix, N(gfp_exempt_prefix), name);
}

bool sleeps_context_test(const char *name)
{
	return in_sorted(context_tests, N(context_tests), name);
}

enum sleeps_gfp sleeps_gfp_mask(const char *text, size_t len, char *flag,
				size_t n)
{
	char word[64];
	size_t i = 0, w;
	bool sleeps = false, any = false;

	while (i < len) {
		char ch = text[i];

		if (isspace((unsigned char)ch) || ch == '|' || ch == '(' ||
		    ch == ')') {
			i++;
			continue;
		}
		/* ~, &, ?, casts, calls: not a plain union of flags. */
		if (!isalpha((unsigned char)ch) && ch != '_')
			return SLEEPS_GFP_UNKNOWN;
		for (w = 0; i < len &&
			    (isalnum((unsigned char)text[i]) || text[i] == '_');
		     i++, w++)
			if (w < sizeof(word) - 1)
				word[w] = text[i];
		if (w >= sizeof(word))
			return SLEEPS_GFP_UNKNOWN;
		word[w] = '\0';
		if (strncmp(word, "GFP_", 4) && strncmp(word, "__GFP_", 6))
			return SLEEPS_GFP_UNKNOWN;
		any = true;
		if (!sleeps && in_sorted(gfp_sleeps, N(gfp_sleeps), word)) {
			sleeps = true;
			if (n)
				snprintf(flag, n, "%s", word);
		}
	}
	if (!any)
		return SLEEPS_GFP_UNKNOWN;
	return sleeps ? SLEEPS_GFP_SLEEPS : SLEEPS_GFP_NOSLEEP;
}
