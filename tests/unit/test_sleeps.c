// SPDX-License-Identifier: GPL-2.0
/* Unit tests for rules/sleeps.c: the built-in facts about sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sleeps.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every op of the table is found (the table is searched by halves). */
static void test_ops(void **state)
{
	static const char *const names[] = {
		"folio_lruvec_lock",
		"folio_lruvec_lock_irq",
		"folio_lruvec_lock_irqsave",
		"get_cpu",
		"huge_pte_lock",
		"kmap_atomic",
		"kunmap_atomic",
		"local_irq_disable",
		"local_irq_enable",
		"local_irq_restore",
		"local_irq_save",
		"pagefault_disable",
		"pagefault_enable",
		"pmd_lock",
		"pmd_trans_huge_lock",
		"preempt_disable",
		"preempt_enable",
		"preempt_enable_no_resched",
		"pte_offset_map_lock",
		"pte_unmap_unlock",
		"pud_lock",
		"pud_trans_huge_lock",
		"put_cpu",
		"raw_spin_lock",
		"raw_spin_lock_irq",
		"raw_spin_lock_irqsave",
		"raw_spin_unlock",
		"raw_spin_unlock_irq",
		"raw_spin_unlock_irqrestore",
		"rcu_read_lock",
		"rcu_read_unlock",
		"read_lock",
		"read_lock_bh",
		"read_lock_irq",
		"read_lock_irqsave",
		"read_unlock",
		"read_unlock_bh",
		"read_unlock_irq",
		"read_unlock_irqrestore",
		"spin_lock",
		"spin_lock_bh",
		"spin_lock_irq",
		"spin_lock_irqsave",
		"spin_lock_nested",
		"spin_unlock",
		"spin_unlock_bh",
		"spin_unlock_irq",
		"spin_unlock_irqrestore",
		"unlock_page_lruvec",
		"unlock_page_lruvec_irq",
		"unlock_page_lruvec_irqrestore",
		"write_lock",
		"write_lock_bh",
		"write_lock_irq",
		"write_lock_irqsave",
		"write_unlock",
		"write_unlock_bh",
		"write_unlock_irq",
		"write_unlock_irqrestore",
		"xa_lock",
		"xa_lock_bh",
		"xa_lock_irq",
		"xa_lock_irqsave",
		"xa_unlock",
		"xa_unlock_bh",
		"xa_unlock_irq",
		"xa_unlock_irqrestore",
		"xas_lock",
		"xas_lock_bh",
		"xas_lock_irq",
		"xas_lock_irqsave",
		"xas_unlock",
		"xas_unlock_bh",
		"xas_unlock_irq",
		"xas_unlock_irqrestore",
	};
	struct sleeps_op op;
	size_t i;

	(void)state;
	for (i = 0; i < N(names); i++)
		assert_true(sleeps_op_of(names[i], &op));
	assert_true(sleeps_op_of("spin_lock_irqsave", &op));
	assert_true(op.open);
	assert_int_equal(op.kind, SLEEPS_LOCK);
	assert_int_equal(op.key_arg, 0);
	assert_true(sleeps_op_of("pte_offset_map_lock", &op));
	assert_int_equal(op.key_arg, 3);
	assert_true(sleeps_op_of("pte_unmap_unlock", &op));
	assert_false(op.open);
	assert_int_equal(op.key_arg, 1);
	assert_true(sleeps_op_of("pmd_lock", &op));
	assert_int_equal(op.key_arg, SLEEPS_KEY_RESULT);
	assert_true(sleeps_op_of("rcu_read_unlock", &op));
	assert_int_equal(op.kind, SLEEPS_RCU);
	assert_int_equal(op.key_arg, -1);
	assert_false(sleeps_op_of("spin_trylock", &op));
	assert_true(sleeps_trylock("spin_trylock", &op));
	assert_true(op.open);
	assert_int_equal(op.key_arg, 0);
	assert_true(sleeps_trylock("write_trylock", &op));
	assert_true(sleeps_trylock("raw_spin_trylock", &op));
	assert_false(sleeps_trylock("folio_trylock", &op));
	assert_false(sleeps_trylock("spin_lock", &op));
	assert_false(sleeps_op_of("mutex_lock", &op));
	assert_false(sleeps_op_of("", &op));
}

static void test_always(void **state)
{
	static const char *const names[] = {
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
	size_t i;

	(void)state;
	for (i = 0; i < N(names); i++)
		assert_true(sleeps_always(names[i]));
	assert_true(sleeps_always("wait_event_interruptible_timeout"));
	assert_false(sleeps_always("down_read_trylock"));
	assert_false(sleeps_always("mutex_trylock"));
	assert_false(sleeps_always("spin_lock"));
	assert_false(sleeps_always("kmalloc"));
	assert_true(sleeps_uaccess("copy_from_user"));
	assert_false(sleeps_uaccess("mutex_lock"));
}

static enum sleeps_gfp gfp(const char *s, char *flag, size_t n)
{
	return sleeps_gfp_mask(s, strlen(s), flag, n);
}

static void test_gfp(void **state)
{
	static const char *const reclaim[] = {
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
	char flag[32];
	size_t i;

	(void)state;
	for (i = 0; i < N(reclaim); i++) {
		assert_int_equal(gfp(reclaim[i], flag, sizeof(flag)),
				 SLEEPS_GFP_SLEEPS);
		assert_string_equal(flag, reclaim[i]);
	}
	assert_int_equal(gfp("(GFP_NOFS | __GFP_NOWARN)", flag, sizeof(flag)),
			 SLEEPS_GFP_SLEEPS);
	assert_string_equal(flag, "GFP_NOFS");
	assert_int_equal(gfp("__GFP_NOWARN | GFP_KERNEL", flag, 5),
			 SLEEPS_GFP_SLEEPS);
	assert_string_equal(flag, "GFP_");
	assert_int_equal(gfp("GFP_ATOMIC", flag, sizeof(flag)),
			 SLEEPS_GFP_NOSLEEP);
	assert_int_equal(gfp("__GFP_NOWARN | GFP_NOWAIT", flag, sizeof(flag)),
			 SLEEPS_GFP_NOSLEEP);
	assert_int_equal(gfp("GFP_TRANSHUGE_LIGHT", flag, sizeof(flag)),
			 SLEEPS_GFP_NOSLEEP);
	/* Variables, masks taken away, calls: not judged. */
	assert_int_equal(gfp("gfp", flag, sizeof(flag)), SLEEPS_GFP_UNKNOWN);
	assert_int_equal(gfp("gfp | GFP_KERNEL", flag, sizeof(flag)),
			 SLEEPS_GFP_UNKNOWN);
	assert_int_equal(gfp("GFP_KERNEL & ~__GFP_DIRECT_RECLAIM", flag,
			     sizeof(flag)),
			 SLEEPS_GFP_UNKNOWN);
	assert_int_equal(gfp("current_gfp_context(GFP_KERNEL)", flag,
			     sizeof(flag)),
			 SLEEPS_GFP_UNKNOWN);
	assert_int_equal(gfp("", flag, sizeof(flag)), SLEEPS_GFP_UNKNOWN);
	assert_int_equal(gfp("GFP_KERNEL", flag, 0), SLEEPS_GFP_SLEEPS);
}

static void test_allocators(void **state)
{
	(void)state;
	assert_true(sleeps_allocator("kmalloc"));
	assert_true(sleeps_allocator("alloc_pages"));
	assert_true(sleeps_allocator("kstrdup"));
	assert_true(sleeps_allocator("xa_store"));
	assert_false(sleeps_allocator("node_zonelist"));
	assert_true(sleeps_gfp_exempt("__xa_store"));
	assert_true(sleeps_gfp_exempt("mapping_gfp_constraint"));
	assert_true(sleeps_gfp_exempt("xas_nomem"));
	assert_false(sleeps_gfp_exempt("kmalloc"));
	assert_true(sleeps_unlock_helper("unlock_cluster"));
	assert_true(sleeps_unlock_helper("double_pt_unlock"));
	assert_false(sleeps_unlock_helper("spin_unlock"));
	assert_false(sleeps_unlock_helper("folio_unlock"));
	assert_false(sleeps_unlock_helper("mmap_read_unlock"));
	assert_false(sleeps_unlock_helper("mutex_unlock"));
	assert_false(sleeps_unlock_helper("folio_put"));
	assert_true(sleeps_context_test("gfpflags_allow_blocking"));
	assert_false(sleeps_context_test("kmalloc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_always),
		cmocka_unit_test(test_gfp),
		cmocka_unit_test(test_allocators),
	};

	return cmocka_run_group_tests_name("sleeps", tests, NULL, NULL);
}
