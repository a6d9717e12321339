// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for rules/flow: what a walk says each exit holds (branches,
 * trylocks, tested results, loops, switches, labels, #ifdef, ?:), the
 * new leaks it finds, and the lock-imbalance and ref-leak rules on small
 * patches, exact and from the hunks alone; hostile bodies are bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "diff.h"
#include "flow.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

/*
 * A change of one function from an annotated text: each line starts with
 * ' ' (kept), '-' (removed) or '+' (added). The patch is one hunk of it
 * all; exact: the images are given whole too.
 */
struct one {
	char *patch, *old, *new;
	struct diff *d;
	struct change_set *cs;
	struct rule_set *rs;
	struct rule_findings *f;
};

static void one_make(struct one *o, const char *annotated, bool exact)
{
	struct sbuf p = SBUF_INIT, a = SBUF_INIT, b = SBUF_INIT;
	const char *l = annotated;
	unsigned na = 0, nb = 0;
	size_t plen;

	memset(o, 0, sizeof(*o));
	while (*l) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) + 1 : strlen(l);

		if (*l != '+') {
			sbuf_add(&a, l + 1, n - 1);
			na++;
		}
		if (*l != '-') {
			sbuf_add(&b, l + 1, n - 1);
			nb++;
		}
		l += n;
	}
	sbuf_addf(&p,
		  "diff --git a/mm/x.c b/mm/x.c\n--- a/mm/x.c\n"
		  "+++ b/mm/x.c\n@@ -1,%u +1,%u @@\n%s",
		  na, nb, annotated);
	o->patch = sbuf_detach(&p, &plen);
	o->old = sbuf_detach(&a, NULL);
	o->new = sbuf_detach(&b, NULL);
	assert_int_equal(diff_parse(&o->d, o->patch, plen), 0);
	o->cs = change_set_new();
	if (exact)
		assert_int_equal(change_set_add_file(o->cs, diff_file(o->d, 0),
						     o->old, strlen(o->old),
						     o->new, strlen(o->new),
						     CHANGE_FROM_GIT, NULL),
				 0);
	else
		assert_int_equal(change_set_add_file(o->cs, diff_file(o->d, 0),
						     NULL, 0, NULL, 0,
						     CHANGE_FROM_HUNKS, "test"),
				 0);
}

static void one_review(struct one *o)
{
	o->rs = rule_set_new();
	assert_int_equal(rule_set_run(o->rs, o->cs, &o->f), 0);
}

static void one_free(struct one *o)
{
	rule_findings_free(o->f);
	rule_set_free(o->rs);
	change_set_free(o->cs);
	diff_free(o->d);
	free(o->patch);
	free(o->old);
	free(o->new);
}

/* The first change of the set that is a function. */
static const struct change *one_fn(const struct one *o)
{
	size_t i;

	for (i = 0; i < change_set_count(o->cs); i++)
		if (change_kind(change_set_at(o->cs, i)) == CSRC_FUNCTION)
			return change_set_at(o->cs, i);
	fail_msg("no function changed");
	return NULL;
}

/* The findings of rule id, their new-side lines in *lines. */
static size_t found(const struct one *o, const char *id, unsigned *lines,
		    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < rule_findings_count(o->f); i++) {
		const struct rule_finding *f = rule_findings_at(o->f, i);

		if (strcmp(f->rule, id))
			continue;
		if (n < max)
			lines[n] = f->line;
		n++;
	}
	return n;
}

/* The exit of w that starts on image line, or NULL. */
static const struct flow_exit *exit_at(const struct flow_walk *w, unsigned line)
{
	size_t i;

	for (i = 0; i < w->nexits; i++)
		if (w->exits[i].line == line)
			return &w->exits[i];
	return NULL;
}

/* --- the walk --------------------------------------------------------- */

static const char walk_src[] =
	" int f(struct s *s, pmd_t *pmd, struct mm_struct *mm)\n" /* 1 */
	" {\n"
	"+\tspinlock_t *ptl;\n"
	" \tpte_t *pte;\n"
	" \n" /* 5 */
	" \tif (!spin_trylock(&s->a))\n"
	" \t\treturn -EAGAIN;\n" /* 7: nothing */
	" \tpte = pte_offset_map_lock(mm, pmd, 0, &ptl);\n"
	" \tif (!pte)\n"
	" \t\tgoto out_a;\n" /* 10: s->a */
	" \tif (mutex_lock_killable(&s->m))\n"
	" \t\tgoto out_ptl;\n" /* 12: s->a, ptl */
	" \tswitch (s->x) {\n"
	" \tcase 1:\n"
	" \t\tbreak;\n" /* 15: not an exit of a loop */
	" \tdefault:\n"
	" \t\treturn 1;\n" /* 17: s->a, ptl, s->m */
	" \t}\n"
	" \tlist_for_each_entry(s, &s->list, list) {\n"
	" \t\tspin_lock(&s->b);\n" /* 20 */
	" \t\tif (s->y)\n"
	" \t\t\tbreak;\n" /* 22: ... and s->b */
	" \t\tspin_unlock(&s->b);\n"
	" \t}\n"
	" #ifdef CONFIG_X\n" /* 25 */
	" \trcu_read_lock();\n"
	" #else\n"
	" \tspin_lock(&s->c);\n"
	" #endif\n"
	" \ts->p = s->x ? pmd_lock(mm, pmd) : NULL;\n" /* 30 */
	" \tif (s->z)\n"
	" \t\treturn 2;\n" /* 32: s->a, ptl, s->m (no rcu, no c) */
	" \tmutex_unlock(&s->m);\n"
	" out_ptl:\n"
	" \tpte_unmap_unlock(pte, ptl);\n" /* 35 */
	" out_a:\n"
	" \tspin_unlock(&s->a);\n"
	" \treturn 0;\n" /* 38 */
	" }\n";

static void expect_held(const struct flow_walk *w, unsigned line,
			const char *const *keys)
{
	const struct flow_exit *x = exit_at(w, line);
	size_t i, n = 0;

	if (!x)
		fail_msg("no exit at line %u", line);
	for (; keys[n]; n++)
		;
	if (x->nheld != n)
		fail_msg("line %u: %zu held, %zu expected", line, x->nheld, n);
	for (i = 0; i < n; i++)
		assert_string_equal(w->acq[x->held[i]].key, keys[i]);
}

static void test_walk(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const a[] = { "s->a", NULL };
	static const char *const a_ptl[] = { "s->a", "ptl", NULL };
	static const char *const a_ptl_m[] = { "s->a", "ptl", "s->m", NULL };
	static const char *const with_b[] = { "s->a", "ptl", "s->m", "s->b",
					      NULL };
	struct flow_walk w = FLOW_WALK_INIT;
	struct one o;
	const struct flow_exit *x;

	(void)state;
	one_make(&o, walk_src, true);
	assert_int_equal(flow_walk(&w, one_fn(&o), CHANGE_NEW, FLOW_LOCK), 0);
	expect_held(&w, 7, none);
	expect_held(&w, 10, a);
	expect_held(&w, 12, a_ptl);
	assert_null(exit_at(&w, 15));
	expect_held(&w, 17, a_ptl_m);
	expect_held(&w, 22, with_b);
	expect_held(&w, 32, a_ptl_m);
	expect_held(&w, 38, none);
	x = exit_at(&w, 22);
	assert_int_equal(x->kind, FLOW_BREAK);
	/* The break leaves s->b held and nothing after the loop drops it. */
	assert_true(flow_exit_leaks(&w, x, &w.acq[x->held[3]]));
	/* It leaves the others' region neither: they are taken before. */
	assert_false(flow_exit_leaks(&w, x, &w.acq[x->held[0]]));
	x = exit_at(&w, 12);
	assert_string_equal(x->label, "out_ptl");
	assert_false(flow_exit_leaks(&w, x, &w.acq[x->held[1]]));
	flow_walk_release(&w);
	assert_int_equal(flow_walk(&w, one_fn(&o), CHANGE_NEW, FLOW_REF), 0);
	assert_int_equal(w.nacq, 0);
	flow_walk_release(&w);
	one_free(&o);
}

/* --- the rules -------------------------------------------------------- */

static const char leak_src[] = " static int f(struct s *s)\n"
			       " {\n"
			       " \tint ret = 0;\n"
			       " \n"
			       " \tspin_lock(&s->lock);\n"
			       "+\tif (s->dead)\n"
			       "+\t\treturn -ENOENT;\n" /* 7 */
			       "+\tif (s->gone)\n"
			       "+\t\tgoto out_unlock;\n"
			       " \tif (s->busy) {\n"
			       " \t\tret = -EBUSY;\n"
			       " \t\tspin_unlock(&s->lock);\n"
			       " \t\tgoto out;\n"
			       " \t}\n"
			       " \ts->n++;\n"
			       " out_unlock:\n"
			       " \tspin_unlock(&s->lock);\n" /* 17 */
			       " out:\n"
			       " \treturn ret;\n"
			       " }\n";

static const char removed_src[] = " static int f(struct s *s)\n"
				  " {\n"
				  " \tint ret = 0;\n"
				  " \n"
				  " \tspin_lock(&s->lock);\n"
				  " \tif (s->busy) {\n"
				  " \t\tret = -EBUSY;\n"
				  "-\t\tspin_unlock(&s->lock);\n" /* old 8 */
				  " \t\tgoto out;\n" /* new 8 */
				  " \t}\n"
				  " \ts->n++;\n"
				  " \tspin_unlock(&s->lock);\n" /* new 11 */
				  " out:\n"
				  " \treturn ret;\n"
				  " }\n";

static void expect_one(const char *src, bool exact, enum change_side side,
		       unsigned line, const char *message)
{
	const struct rule_finding *f;
	unsigned lines[4];
	struct one o;

	one_make(&o, src, exact);
	one_review(&o);
	assert_int_equal(found(&o, "lock-imbalance", lines, 4), 1);
	f = rule_findings_at(o.f, 0);
	assert_int_equal(f->side, side);
	assert_int_equal(f->line, line);
	assert_string_equal(f->message, message);
	assert_string_equal(f->note, "lock pairs: built-in table");
	one_free(&o);
}

static void test_lock_imbalance(void **state)
{
	int exact;

	(void)state;
	for (exact = 0; exact < 2; exact++) {
		expect_one(leak_src, exact, CHANGE_NEW, 7,
			   "This return leaves with s->lock held (taken by "
			   "spin_lock() at line 5, released at line 12 on the "
			   "other paths). Is an unlock missing?");
		expect_one(removed_src, exact, CHANGE_OLD, 8,
			   "This spin_unlock() is removed from one path only: "
			   "the goto out at line 8 now leaves with s->lock "
			   "held (taken by spin_lock() at line 5), while the "
			   "other paths still release it (line 11). Is an "
			   "unlock missing?");
	}
}

static const char ref_src[] =
	" static struct folio *f(struct folio *folio)\n"
	" {\n"
	" \tif (!folio_try_get(folio))\n"
	" \t\treturn NULL;\n"
	"+\tif (folio_test_large(folio))\n"
	"+\t\treturn NULL;\n" /* 6: the failure value, held */
	"+\tif (folio_test_lru(folio))\n"
	"+\t\treturn folio;\n" /* 8: handed to the caller */
	" \tif (folio->mapping != mapping) {\n"
	" \t\tfolio_put(folio);\n"
	" \t\treturn NULL;\n"
	" \t}\n"
	" \treturn folio;\n"
	" }\n";

static void test_ref_leak(void **state)
{
	unsigned lines[4];
	struct one o;

	(void)state;
	one_make(&o, ref_src, false);
	one_review(&o);
	assert_int_equal(found(&o, "ref-leak", lines, 4), 1);
	assert_int_equal(lines[0], 6);
	assert_int_equal(found(&o, "lock-imbalance", lines, 4), 0);
	one_free(&o);
}

/* A macro the patch adds is seen through, and the note says so. */
static const char macro_src[] = "+#define s_lock(s) spin_lock(&(s)->lock)\n"
				"+#define s_unlock(s) spin_unlock(&(s)->lock)\n"
				"+\n"
				" static void f(struct s *s)\n"
				" {\n"
				"-\tspin_lock(&s->lock);\n"
				"+\ts_lock(s);\n"
				"+\tif (!s->n)\n"
				"+\t\treturn;\n"
				" \ts->n--;\n"
				"-\tspin_unlock(&s->lock);\n"
				"+\ts_unlock(s);\n"
				" }\n";

static void test_seen_through(void **state)
{
	const struct rule_finding *f;
	unsigned lines[4];
	struct one o;

	(void)state;
	one_make(&o, macro_src, true);
	one_review(&o);
	assert_int_equal(found(&o, "lock-imbalance", lines, 4), 1);
	f = rule_findings_at(o.f, 0);
	assert_int_equal(f->line, 8);
	assert_non_null(strstr(f->message, "with s->lock held (taken by "
					   "s_lock() at line 6"));
	assert_non_null(strstr(f->note, "s_lock() seen through (mm/x.c:1, "
					"this patch)"));
	one_free(&o);
}

/* --- bounds ----------------------------------------------------------- */

static void test_bounds(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct one o;
	int i;

	(void)state;
	/* Statements nested past FLOW_MAX_DEPTH: nothing said, no crash. */
	sbuf_addstr(&sb, " void f(struct s *s)\n {\n \tspin_lock(&s->l);\n");
	for (i = 0; i < FLOW_MAX_DEPTH + 10; i++)
		sbuf_addstr(&sb, " \tif (s->x)\n");
	sbuf_addstr(&sb, "+\t\treturn;\n \tspin_unlock(&s->l);\n }\n");
	one_make(&o, sb.buf, true);
	one_review(&o);
	assert_int_equal(rule_findings_count(o.f), 0);
	one_free(&o);
	sbuf_reset(&sb);
	/* More lock calls than FLOW_MAX_SITES. */
	sbuf_addstr(&sb, " void f(struct s *s)\n {\n");
	for (i = 0; i < FLOW_MAX_SITES + 1; i++)
		sbuf_addstr(&sb, " \tspin_lock(&s->l);\n");
	sbuf_addstr(&sb, "+\treturn;\n \tspin_unlock(&s->l);\n }\n");
	one_make(&o, sb.buf, true);
	one_review(&o);
	assert_int_equal(rule_findings_count(o.f), 0);
	one_free(&o);
	sbuf_reset(&sb);
	/* Broken C from the hunks alone. */
	sbuf_addstr(&sb, " \tspin_lock(&s->l)) {{\n+\tgoto ;\n+\tbreak;\n"
			 "+\tcontinue;\n \tif (!spin_trylock(\n");
	one_make(&o, sb.buf, false);
	one_review(&o);
	one_free(&o);
	sbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_lock_imbalance),
		cmocka_unit_test(test_ref_leak),
		cmocka_unit_test(test_seen_through),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
