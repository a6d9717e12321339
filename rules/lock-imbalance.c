// SPDX-License-Identifier: GPL-2.0
/*
 * lock-imbalance: a new exit between a lock and its unlock that leaves
 * without the unlock, and an unlock removed on one path while the others
 * keep it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "rule.h"
#include "util.h"

/* The old exit an unchanged new exit was, or NULL. */
static const struct flow_exit *old_exit(const struct change *c,
					const struct flow_walk *ow,
					const struct flow_exit *y)
{
	size_t i;

	for (i = 0; i < ow->nexits; i++) {
		const struct flow_exit *x = &ow->exits[i];

		if (x->kind == y->kind && !x->changed &&
		    change_map_old_to_new(c, x->line) == y->line)
			return x;
	}
	return NULL;
}

/* Whether old exit x leaked what r releases. */
static bool old_leaked(const struct flow_walk *ow, const struct flow_exit *x,
		       const struct flow_site *r)
{
	size_t i;

	for (i = 0; i < x->nheld; i++) {
		const struct flow_site *h = &ow->acq[x->held[i]];

		if (flow_same(h, r) && flow_exit_leaky(ow, x, h))
			return true;
	}
	return false;
}

static bool in_one_hunk(const struct change *c, enum change_side side,
			unsigned a, unsigned b)
{
	unsigned h = change_hunk_of(c, side, a);

	return !change_partial(c) || (h && h == change_hunk_of(c, side, b));
}

/*
 * The removed release r: an unchanged exit of the new side that now
 * leaves holding what r released, and did not before, while the other
 * paths still release it. Reports once per removed release.
 */
static int check_removed(struct rule_ctx *ctx, const struct change *c,
			 const struct flow_walk *ow, const struct flow_walk *nw,
			 const struct flow_site *r)
{
	size_t i, k;

	for (i = 0; i < nw->nexits; i++) {
		const struct flow_exit *y = &nw->exits[i], *x;

		if (y->changed)
			continue;
		for (k = 0; k < y->nheld; k++) {
			const struct flow_site *a = &nw->acq[y->held[k]], *m;
			char held[256], name[96], *note;
			int err;

			if (!flow_same(a, r) || !flow_exit_leaky(nw, y, a))
				continue;
			x = old_exit(c, ow, y);
			m = flow_release_after(nw, a);
			if (!x || x->start < r->start || !m ||
			    old_leaked(ow, x, r) ||
			    !in_one_hunk(c, CHANGE_OLD, r->line, x->line) ||
			    !in_one_hunk(c, CHANGE_NEW, a->line, y->line))
				continue;
			note = flow_note(a, m);
			err = rule_report(
				ctx, c, CHANGE_OLD, r->start, r->end, NULL,
				note,
				"This %s() is removed from one path only: %s "
				"at line %u now %s with %s (taken by %s() at "
				"line %u), while the other paths still release "
				"it (line %u). Is an unlock missing?",
				r->op, flow_exit_name(y, name, sizeof(name)),
				change_file_line(c, CHANGE_NEW, y->line),
				y->kind == FLOW_END ? "is reached" : "leaves",
				flow_held_text(a, held, sizeof(held)), a->op,
				change_file_line(c, CHANGE_NEW, a->line),
				change_file_line(c, CHANGE_NEW, m->line));
			free(note);
			return err;
		}
	}
	return 0;
}

/* Whether the old side took what r releases before r. */
static bool taken_before(const struct flow_walk *ow, const struct flow_site *r)
{
	size_t i;

	for (i = 0; i < ow->nacq; i++)
		if (flow_same(&ow->acq[i], r) && ow->acq[i].start < r->start)
			return true;
	return false;
}

static int check_removed_all(struct rule_ctx *ctx, const struct change *c,
			     struct flow_walk *nw)
{
	static const char *const unlocks[] = { "unlock", "up_", "_end", NULL };
	struct flow_walk ow = FLOW_WALK_INIT;
	size_t i, tried;
	int err;

	/* Most changes remove no unlock: no walk for them. */
	if (!flow_changed_lines_have(c, CHANGE_OLD, unlocks))
		return 0;
	err = nw->c ? 0 : flow_walk(nw, c, CHANGE_NEW, FLOW_LOCK);
	if (!err)
		err = flow_walk(&ow, c, CHANGE_OLD, FLOW_LOCK);

	for (i = 0, tried = 0;
	     !err && i < ow.nrel && tried < FLOW_MAX_CANDIDATES; i++) {
		if (!ow.rel[i].changed || !taken_before(&ow, &ow.rel[i]))
			continue;
		tried++;
		err = check_removed(ctx, c, &ow, nw, &ow.rel[i]);
	}
	flow_walk_release(&ow);
	return err == MMR_ENOTFOUND ? 0 : err;
}

static int lock_imbalance_check(const struct rule *self __maybe_unused,
				struct rule_ctx *ctx, const struct change *c)
{
	struct flow_walk nw = FLOW_WALK_INIT;
	struct flow_leak *leaks = NULL;
	int i, n, err = 0;

	if (change_kind(c) != CSRC_FUNCTION || !change_def(c, CHANGE_NEW))
		return 0;
	n = flow_new_leaks(c, FLOW_LOCK, &nw, &leaks);
	if (n < 0) {
		/* Past a bound the walk is not trusted: say nothing. */
		err = n == MMR_ELIMIT ? 0 : n;
		goto out;
	}
	for (i = 0; i < n && !err; i++)
		err = flow_report_leak(ctx, c, &leaks[i], "released",
				       "Is an unlock missing?");
	if (!err && change_def(c, CHANGE_OLD))
		err = check_removed_all(ctx, c, &nw);
	if (err == MMR_ELIMIT && nw.c)
		err = 0;
out:
	free(leaks);
	flow_walk_release(&nw);
	return err;
}

const struct rule rule_lock_imbalance = {
	.version = RULE_VERSION,
	.id = "lock-imbalance",
	.severity = RULE_WARNING,
	.summary = "a new exit between a lock and its unlock leaves without "
		   "the unlock",
	.doc = "What: in a changed function, the patch adds a return, a goto\n"
	       "or a break out of a loop between a lock and its unlock, and\n"
	       "that exit leaves with the lock held while the existing exits\n"
	       "after the lock release it; or the patch removes an unlock on\n"
	       "one path while the other paths keep theirs. The function is\n"
	       "walked in order, branch by branch: a goto to a label that\n"
	       "unlocks is fine, a break out of a loop followed by the unlock\n"
	       "is fine, a failed trylock (if (!spin_trylock(l)) return;) or a\n"
	       "failed killable lock holds nothing. An exit that hands the lock\n"
	       "on is no leak: it returns the locked object or a pointer, or\n"
	       "the result of a call that goes on with it; the call right\n"
	       "before it is given the lock; the lock is stored (*ptlp = ptl);\n"
	       "its label is named ...unlocked. A function whose existing exits\n"
	       "keep the lock hands it to its caller: then only a return of a\n"
	       "value the unlocking exits return is questioned. Locks pair by\n"
	       "the text of their argument: spin_lock(&mm->page_table_lock)\n"
	       "with spin_unlock(&mm->page_table_lock),\n"
	       "pte_offset_map_lock(..., &ptl) with pte_unmap_unlock(pte, ptl).\n"
	       "\n"
	       "The pairs come from a built-in table: spin_lock/spin_unlock and\n"
	       "their _irq, _irqsave, _bh and trylock forms, read_lock and\n"
	       "write_lock, mutex_lock (also _interruptible, _killable,\n"
	       "_trylock), down_read/up_read, down_write/up_write,\n"
	       "mmap_read_lock/mmap_write_lock and their unlocks,\n"
	       "pte_offset_map_lock/pte_unmap_unlock, pmd_lock and\n"
	       "pmd_trans_huge_lock, folio_lock/folio_unlock,\n"
	       "lock_page/unlock_page, rcu_read_lock/rcu_read_unlock,\n"
	       "vma_start_read/vma_end_read, i_mmap and anon_vma locks, xa_lock\n"
	       "and the lruvec locks. A helper the table does not know is seen\n"
	       "through when it is a macro or one-expression helper calling one\n"
	       "of them (from the patch, the series or the kernel tree); the\n"
	       "finding's note says so. From the hunks alone, the lock and the\n"
	       "exit must be in one hunk: what is not shown is not judged; when\n"
	       "the unlock is not shown either (nor the function's end, nor an\n"
	       "unlock before the lock), the finding says \"not released in the\n"
	       "lines shown\".\n"
	       "\n"
	       "Why: an error path added in the middle of a locked region is\n"
	       "the classic way to leak a lock; the next taker deadlocks.\n"
	       "\n"
	       "Example:\n"
	       "\t pte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n"
	       "\t+if (!pte_present(*pte))\n"
	       "\t+\treturn -EAGAIN;\n"
	       "\t ...\n"
	       "\t pte_unmap_unlock(pte, ptl);\n"
	       "draws \"This return leaves with ptl held (taken by\n"
	       "pte_offset_map_lock() at line N, released at line M on the\n"
	       "other paths). Is an unlock missing?\"\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"lock-imbalance\"]\n"
	       "\t\tenabled = false\n",
	.check = lock_imbalance_check,
};
