// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for rules/cond: comparing a condition before and after
 * (rewrites that keep the meaning, each class of change, where it is
 * pointed at) and pairing the conditions of a changed function.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testlib.h"

#include "change.h"
#include "cond.h"
#include "csrc.h"
#include "diff.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

/* Compare two expressions; new-side offsets in *d are offsets in b. */
static enum cond_class compare(const char *a, const char *b,
			       struct cond_diff *d)
{
	struct csrc *ca, *cb;
	TSNode ea, eb;
	enum cond_class cls;

	assert_int_equal(csrc_parse_expression(&ca, &ea, a, strlen(a)), 0);
	assert_int_equal(csrc_parse_expression(&cb, &eb, b, strlen(b)), 0);
	assert_int_equal(cond_compare(d, ca, ea, cb, eb), 0);
	cls = d->cls;
	/* Offsets into b, not into the text it was parsed in. */
	d->at_start -= csrc_node_start(eb);
	d->at_end -= csrc_node_start(eb);
	d->new_start -= csrc_node_start(eb);
	d->new_end -= csrc_node_start(eb);
	/* The caret lies inside the new part. */
	assert_true(d->at_start >= d->new_start && d->at_end <= d->new_end);
	assert_true(d->at_start < d->at_end);
	csrc_free(ca);
	csrc_free(cb);
	return cls;
}

static enum cond_class cls_of(const char *a, const char *b)
{
	struct cond_diff d;
	enum cond_class cls = compare(a, b, &d);

	cond_diff_release(&d);
	return cls;
}

static void test_same_meaning(void **state)
{
	(void)state;
	assert_int_equal(cls_of("a < b", "a < b"), COND_SAME);
	assert_int_equal(cls_of("a < b", "a  <\n b"), COND_SAME);
	assert_int_equal(cls_of("!(a < b)", "a >= b"), COND_SAME);
	assert_int_equal(cls_of("a < b", "b > a"), COND_SAME);
	assert_int_equal(cls_of("a <= b", "!(b < a)"), COND_SAME);
	assert_int_equal(cls_of("!(a && b)", "!a || !b"), COND_SAME);
	assert_int_equal(cls_of("!(a || !b)", "(!a && b)"), COND_SAME);
	assert_int_equal(cls_of("x == 0", "!x"), COND_SAME);
	assert_int_equal(cls_of("p != NULL", "p"), COND_SAME);
	assert_int_equal(cls_of("NULL == p", "!p"), COND_SAME);
	assert_int_equal(cls_of("!!x", "x"), COND_SAME);
	assert_int_equal(cls_of("unlikely(a > b)", "b < a"), COND_SAME);
	assert_int_equal(cls_of("a == b", "b == a"), COND_SAME);
	assert_int_equal(cls_of("(f & VM_A) == 0", "!(f & VM_A)"), COND_SAME);
	assert_int_equal(cls_of("f & (VM_A | VM_B)", "f & (VM_B|VM_A)"),
			 COND_SAME);
	assert_int_equal(cls_of("a /* why */ < b", "a < b"), COND_SAME);
}

static void test_polarity(void **state)
{
	struct cond_diff d;

	(void)state;
	assert_int_equal(compare("x && y", "x && !y", &d), COND_POLARITY);
	assert_string_equal(d.old_text, "y");
	assert_string_equal(d.new_text, "!y");
	assert_int_equal(d.at_end - d.at_start, 1); /* the '!' */
	cond_diff_release(&d);
	assert_int_equal(compare("a == b", "a != b", &d), COND_POLARITY);
	assert_int_equal(d.at_start, 2); /* under "!=" */
	assert_int_equal(d.at_end, 4);
	cond_diff_release(&d);
	assert_int_equal(cls_of("!PageLRU(page)", "PageLRU(page)"),
			 COND_POLARITY);
	assert_int_equal(cls_of("a < b", "a >= b"), COND_POLARITY);
	assert_int_equal(cls_of("a && b", "!a || !b"), COND_POLARITY);
	assert_int_equal(cls_of("x == 0", "x"), COND_POLARITY);
}

static void test_comparison(void **state)
{
	struct cond_diff d;

	(void)state;
	assert_int_equal(compare("i < n", "i <= n", &d), COND_COMPARISON);
	assert_false(d.direction);
	assert_string_equal(d.old_text, "i < n");
	assert_string_equal(d.new_text, "i <= n");
	assert_int_equal(d.at_start, 2);
	assert_int_equal(d.at_end, 4);
	cond_diff_release(&d);
	assert_int_equal(compare("a < b", "a > b", &d), COND_COMPARISON);
	assert_true(d.direction);
	cond_diff_release(&d);
	assert_int_equal(compare("a > b", "b > a", &d), COND_COMPARISON);
	assert_true(d.direction);
	cond_diff_release(&d);
	assert_int_equal(cls_of("a > b", "b >= a"), COND_POLARITY);
	assert_int_equal(cls_of("a >= b", "b >= a"), COND_COMPARISON);
	assert_int_equal(compare("x && a >= b", "x && a > b", &d),
			 COND_COMPARISON);
	assert_false(d.direction);
	assert_string_equal(d.new_text, "a > b");
	cond_diff_release(&d);
}

static void test_connective_term_flag(void **state)
{
	struct cond_diff d;

	(void)state;
	assert_int_equal(compare("a && b", "a || b", &d), COND_CONNECTIVE);
	assert_int_equal(d.at_start, 2);
	assert_int_equal(d.at_end, 4);
	cond_diff_release(&d);
	assert_int_equal(cls_of("a && b && c", "a && b || c"), COND_CONNECTIVE);
	assert_int_equal(compare("a", "a && b", &d), COND_TERM);
	assert_string_equal(d.new_text, "a && b");
	cond_diff_release(&d);
	assert_int_equal(cls_of("a && b && c", "a && c"), COND_TERM);
	assert_int_equal(cls_of("x || y", "y"), COND_TERM);
	assert_int_equal(compare("vma->vm_flags & (VM_A | VM_B)",
				 "vma->vm_flags & VM_A", &d),
			 COND_FLAG);
	assert_string_equal(d.old_text, "vma->vm_flags & (VM_A | VM_B)");
	cond_diff_release(&d);
	assert_int_equal(cls_of("f & VM_A", "f & (VM_A | BIT(3))"), COND_FLAG);
}

static void test_role_operand_rewrite(void **state)
{
	struct cond_diff d;

	(void)state;
	assert_int_equal(compare("userfaultfd_wp(dst_vma)",
				 "userfaultfd_wp(src_vma)", &d),
			 COND_ROLE);
	assert_string_equal(d.from, "dst_vma");
	assert_string_equal(d.to, "src_vma");
	assert_int_equal(d.at_start, 15); /* under src_vma */
	assert_int_equal(d.at_end, 22);
	cond_diff_release(&d);
	assert_int_equal(cls_of("old->index < end", "new->index < end"),
			 COND_ROLE);
	assert_int_equal(cls_of("src->f & VM_A", "dst->f & VM_A"), COND_ROLE);
	assert_int_equal(cls_of("a < b", "a < c"), COND_OPERAND);
	assert_int_equal(cls_of("foo(x)", "bar(x)"), COND_OPERAND);
	assert_int_equal(cls_of("a && b", "b && a"), COND_REORDER);
	assert_int_equal(cls_of("a < b", "f(a, b)"), COND_REWRITE);
	assert_int_equal(cls_of("a < b", "a"), COND_REWRITE);
}

/* Hostile input: deep and wide conditions end, bounded. */
static void test_bounds(void **state)
{
	struct csrc *ca, *cb;
	struct cond_diff d;
	TSNode ea, eb;
	size_t n = 3 * COND_MAX_TERMS, i;
	struct sbuf sb = SBUF_INIT;
	char *a, *b;

	(void)state;
	sbuf_addstr(&sb, "x0");
	for (i = 1; i < n; i++)
		sbuf_addstr(&sb, " &&x");
	a = sbuf_detach(&sb, NULL);
	b = xstrdup(a);
	b[strlen(b) - 3] = '|';
	b[strlen(b) - 4] = '|';
	assert_int_equal(csrc_parse_expression(&ca, &ea, a, strlen(a)), 0);
	assert_int_equal(csrc_parse_expression(&cb, &eb, b, strlen(b)), 0);
	assert_true(cond_compare(&d, ca, ea, cb, eb) == 0 ||
		    d.cls == COND_REWRITE);
	assert_true(strlen(d.old_text) <= COND_MAX_QUOTE);
	cond_diff_release(&d);
	csrc_free(ca);
	csrc_free(cb);
	free(a);
	free(b);
}

/* --- pairing ----------------------------------------------------------------- */

struct set {
	struct diff *d;
	struct change_set *cs;
	struct cond_pairs p;
};

/* The pairs of the first change of a patch read from its hunks alone. */
static void pairs_of(struct set *s, const char *patch)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(diff_parse(&s->d, patch, strlen(patch)), 0);
	s->cs = change_set_new();
	assert_int_equal(change_set_add_file(s->cs, diff_file(s->d, 0), NULL, 0,
					     NULL, 0, CHANGE_FROM_HUNKS,
					     "test"),
			 0);
	assert_true(change_set_count(s->cs) > 0);
	assert_int_equal(cond_pairs_collect(&s->p, change_set_at(s->cs, 0)), 0);
}

static void set_release(struct set *s)
{
	cond_pairs_release(&s->p);
	change_set_free(s->cs);
	diff_free(s->d);
}

static const char flip_patch[] =
	"--- a/mm/x.c\n+++ b/mm/x.c\n"
	"@@ -1,15 +1,17 @@\n"
	" int f(int a, int b, int *p)\n {\n"
	"-\tif (a < b)\n+\tif (a <= b)\n"
	" \t\treturn 1;\n"
	"-\twhile (p && !*p)\n+\twhile (p && *p)\n"
	" \t\tp++;\n"
	"-\tif (a)\n-\t\treturn 2;\n+\tif (b)\n+\t\treturn 3;\n"
	"-\tif (b == 0)\n+\tif (!b) {\n+\t\tpr_info(\"b\");\n"
	" \t\treturn 4;\n+\t}\n"
	"-\tif (a > 0)\n+\tif (a <= 0)\n \t\treturn 5;\n"
	" \telse\n \t\treturn 6;\n }\n";

static void test_pairs(void **state)
{
	struct set s;

	(void)state;
	pairs_of(&s, flip_patch);
	assert_int_equal(s.p.n, 5);
	assert_int_equal(s.p.v[0].diff.cls, COND_COMPARISON);
	assert_true(s.p.v[0].body_same);
	assert_true(s.p.v[0].alone);
	assert_int_equal(s.p.v[1].diff.cls, COND_POLARITY);
	assert_true(s.p.v[1].body_same);
	assert_int_equal(s.p.v[1].old.kind, CSRC_COND_WHILE);
	/* Test and body rewritten together. */
	assert_int_equal(s.p.v[2].diff.cls, COND_OPERAND);
	assert_false(s.p.v[2].body_same);
	assert_false(s.p.v[2].alone);
	/* The same test, its body grown. */
	assert_int_equal(s.p.v[3].diff.cls, COND_SAME);
	assert_false(s.p.v[3].body_same);
	assert_int_equal(s.p.v[4].diff.cls, COND_POLARITY);
	assert_true(s.p.v[4].body_same);
	set_release(&s);
}

static const char exchange_patch[] =
	"--- a/mm/x.c\n+++ b/mm/x.c\n"
	"@@ -1,8 +1,8 @@\n"
	" int f(int a)\n {\n"
	"-\tif (a)\n-\t\tg();\n+\tif (!a)\n+\t\th();\n"
	" \telse\n"
	"-\t\th();\n+\t\tg();\n"
	" \treturn 0;\n }\n";

static void test_exchanged_branches(void **state)
{
	struct set s;

	(void)state;
	pairs_of(&s, exchange_patch);
	assert_int_equal(s.p.n, 1);
	assert_int_equal(s.p.v[0].diff.cls, COND_SAME);
	set_release(&s);
}

/* --- the claim of no-functional-change ---------------------------------------- */

/* Findings of rule id on the flip patch with this subject and changelog. */
static size_t nfc_findings(const char *subject, const char *message)
{
	struct set s;
	struct rule_set *rs = rule_set_new();
	struct rule_findings *f = NULL;
	size_t i, n = 0;

	pairs_of(&s, flip_patch);
	change_set_set_patch(s.cs, subject, message, strlen(message));
	assert_int_equal(rule_set_run(rs, s.cs, &f), 0);
	for (i = 0; i < rule_findings_count(f); i++)
		n += !strcmp(rule_findings_at(f, i)->rule,
			     "no-functional-change");
	rule_findings_free(f);
	rule_set_free(rs);
	set_release(&s);
	return n;
}

static void test_nfc_claim(void **state)
{
	(void)state;
	/* The boundary, the '!' dropped and the inverted a > 0. */
	assert_int_equal(
		nfc_findings("mm: x", "No functional change intended."), 3);
	assert_int_equal(
		nfc_findings("mm: x", "Tidy.\n\nNo functional changes\n"), 3);
	assert_int_equal(nfc_findings("mm: x (NFC)", ""), 3);
	assert_int_equal(nfc_findings("mm: x", "no behaviour change."), 3);
	assert_int_equal(nfc_findings("mm: x", "No behavior changes."), 3);
	assert_int_equal(nfc_findings("mm: x", "A non-functional change."), 3);
	assert_int_equal(nfc_findings("mm: x", "No Functional Modification."),
			 3);
	assert_int_equal(nfc_findings("mm: x", "no intended functional change"),
			 3);
	/* Not the claim. */
	assert_int_equal(nfc_findings("mm: x", ""), 0);
	assert_int_equal(nfc_findings("mm: x", "A functional change."), 0);
	assert_int_equal(nfc_findings("mm: x", "No functional change except "
					       "for the bound."),
			 0);
	assert_int_equal(nfc_findings("mm: nfcs", "the nfc_dev code"), 0);
	assert_int_equal(nfc_findings("mm: x", "no functionality changes"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_meaning),
		cmocka_unit_test(test_polarity),
		cmocka_unit_test(test_comparison),
		cmocka_unit_test(test_connective_term_flag),
		cmocka_unit_test(test_role_operand_rewrite),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_exchanged_branches),
		cmocka_unit_test(test_nfc_claim),
	};

	return cmocka_run_group_tests_name("cond", tests, NULL, NULL);
}
