// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for rules/: the engine (set, severities, reports, sorting,
 * bounds), the role analysis, and the role-swap and comment-mismatch
 * rules on small patches in tests/fixtures/rules/, from the hunks alone
 * and from full pre-images. Run from the repository root.
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
#include <unistd.h>

#include "apply.h"
#include "change.h"
#include "diff.h"
#include "role.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/rules/"
#define MAX_FILES 4

/* --- helpers -------------------------------------------------------------- */

static char *read_fixture(const char *name, size_t *len)
{
	char path[256];
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = test_read_file(path, len);
	if (!text)
		fail_msg("cannot open %s", path);
	return text;
}

/* A patch made into a change set and reviewed by the built-in rules. */
struct run {
	char *patch;
	struct diff *d;
	char *old[MAX_FILES], *new[MAX_FILES];
	struct change_set *cs;
	struct rule_set *rs;
	struct rule_findings *f;
	int err;
};

/*
 * Review a patch's text, which r takes over; olds[i] is the full
 * pre-image of file i (read with test_read_file() from that path) or NULL for
 * the hunks alone.
 */
static void run_text(struct run *r, char *patch, size_t len,
		     const char *const *olds, change_lookup_fn fn, void *ctx)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->patch = patch;
	assert_int_equal(diff_parse(&r->d, r->patch, len), 0);
	r->cs = change_set_new();
	if (fn)
		change_set_set_lookup(r->cs, fn, ctx);
	for (i = 0; i < diff_nfiles(r->d); i++) {
		const struct diff_file *df = diff_file(r->d, i);
		size_t olen = 0, nlen = 0;

		assert_true(i < MAX_FILES);
		if (olds && olds[i]) {
			r->old[i] = test_read_file(olds[i], &olen);
			assert_non_null(r->old[i]);
			assert_int_equal(apply_file(&r->new[i], &nlen,
						    r->old[i], olen, df),
					 0);
			assert_int_equal(
				change_set_add_file(r->cs, df, r->old[i], olen,
						    r->new[i], nlen,
						    CHANGE_FROM_GIT, NULL),
				0);
		} else {
			assert_int_equal(
				change_set_add_file(r->cs, df, NULL, 0, NULL, 0,
						    CHANGE_FROM_HUNKS,
						    "no pre-image in the test"),
				0);
		}
	}
	r->rs = rule_set_new();
	r->err = rule_set_run(r->rs, r->cs, &r->f);
}

/* The same with fixture patch. */
static void run_with(struct run *r, const char *patch, const char *const *olds,
		     change_lookup_fn fn, void *ctx)
{
	size_t len;
	char *text = read_fixture(patch, &len);

	run_text(r, text, len, olds, fn, ctx);
}

static void run_patch(struct run *r, const char *patch)
{
	run_with(r, patch, NULL, NULL, NULL);
	assert_int_equal(r->err, 0);
}

static void run_free(struct run *r)
{
	size_t i;

	rule_findings_free(r->f);
	rule_set_free(r->rs);
	change_set_free(r->cs);
	diff_free(r->d);
	for (i = 0; i < MAX_FILES; i++) {
		free(r->old[i]);
		free(r->new[i]);
	}
	free(r->patch);
}

static const struct rule_finding *expect(const struct run *r, size_t i,
					 const char *rule, const char *path,
					 unsigned line, unsigned col,
					 unsigned end_col, const char *message)
{
	const struct rule_finding *f = rule_findings_at(r->f, i);

	assert_non_null(f);
	assert_string_equal(f->rule, rule);
	assert_string_equal(f->path, path);
	assert_int_equal(f->side, CHANGE_NEW);
	assert_int_equal(f->line, line);
	assert_int_equal(f->column, col);
	assert_int_equal(f->end_column, end_col);
	assert_string_equal(f->message, message);
	assert_int_equal(f->severity, RULE_WARNING);
	return f;
}

/* The text a finding points at, from its change's image. */
static void expect_span(const struct rule_finding *f, const char *text)
{
	const struct csrc *cs = change_src(f->change, f->side);
	const char *src = csrc_text(cs, NULL);

	assert_int_equal(f->end - f->start, strlen(text));
	assert_memory_equal(src + f->start, text, strlen(text));
}

/* --- the seed case ------------------------------------------------------- */

static const char seed_swap_msg[] =
	"Was the change from checking dst_vma to src_vma for VM_UFFD_WP "
	"intentional?\n"
	"\n"
	"userfaultfd_wp(dst_vma) tests dst_vma->vm_flags & VM_UFFD_WP.\n"
	"VM_COPY_ON_FORK includes VM_UFFD_WP.";
static const char seed_comment_msg[] =
	"The comment says \"dst_vma\" but the new code in vma_needs_copy() "
	"checks src_vma->vm_flags. Is this intentional?";
static const char seed_old_code[] = "\tif (userfaultfd_wp(dst_vma))\n"
				    "\t\treturn true;";
/* With the tree, the helper's explanation says where it was read. */
static const char seed_swap_msg_tree[] =
	"Was the change from checking dst_vma to src_vma for VM_UFFD_WP "
	"intentional?\n"
	"\n"
	"userfaultfd_wp(dst_vma) tests dst_vma->vm_flags & VM_UFFD_WP "
	"(include/linux/userfaultfd_k.h:119).\n"
	"VM_COPY_ON_FORK includes VM_UFFD_WP.";
static const char builtin_note[] =
	"userfaultfd_wp() was resolved from mmreview's built-in table of mm "
	"helpers, not from the kernel tree";

static void test_seed_partial(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "seed-case.patch");
	assert_int_equal(rule_findings_count(r.f), 2);

	f = expect(&r, 0, "comment-mismatch", "include/linux/mm.h", 430, 59, 66,
		   seed_comment_msg);
	expect_span(f, "dst_vma");
	assert_string_equal(f->function, "VM_COPY_ON_FORK");
	assert_null(f->old_code);
	assert_true(f->partial);
	assert_string_equal(f->partial_reason, "no pre-image in the test");

	f = expect(&r, 1, "role-swap", "mm/memory.c", 1253, 6, 13,
		   seed_swap_msg);
	expect_span(f, "src_vma");
	assert_string_equal(f->function, "vma_needs_copy");
	assert_string_equal(f->old_code, seed_old_code);
	assert_string_equal(f->note, builtin_note);
	assert_true(f->partial);
	run_free(&r);
}

/*
 * Full pre-images: the hand-written files of the change tests, holding
 * the hunks' lines (mm.h's at line 11, memory.c's at 25), far from the
 * headers' 415 and 1250.
 */
static void test_seed_full(void **state)
{
	static const char *const olds[] = {
		"tests/fixtures/change/mm-old.h",
		"tests/fixtures/change/memory-old.c"
	};
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_with(&r, "seed-case.patch", olds, NULL, NULL);
	assert_int_equal(r.err, 0);
	assert_int_equal(rule_findings_count(r.f), 2);
	/* The images hold the hunks elsewhere: lines are the patch's. */
	f = expect(&r, 0, "comment-mismatch", "include/linux/mm.h", 430, 59, 66,
		   seed_comment_msg);
	assert_false(f->partial);
	assert_null(f->partial_reason);
	f = expect(&r, 1, "role-swap", "mm/memory.c", 1253, 6, 13,
		   seed_swap_msg);
	assert_string_equal(f->old_code, seed_old_code);
	assert_string_equal(f->note, builtin_note);
	assert_false(f->partial);
	run_free(&r);
}

/* A base tree: names are looked up in a few kernel headers. */
struct tree {
	const char *files[2];
	struct csrc *cs[2];
	char *text[2];
	unsigned lookups;
};

static char *tree_lookup(void *ctx, const char *name, char **where)
{
	struct tree *t = ctx;
	const struct csrc_def *def;
	struct sbuf sb = SBUF_INIT;
	size_t i, len;

	t->lookups++;
	for (i = 0; i < 2; i++) {
		if (!t->cs[i]) {
			char path[256];

			snprintf(path, sizeof(path), TEST_KERNEL_61 "%s",
				 t->files[i]);
			t->text[i] = test_read_file(path, &len);
			assert_non_null(t->text[i]);
			assert_int_equal(csrc_parse(&t->cs[i], t->text[i], len),
					 0);
		}
		def = csrc_def_find(t->cs[i], name, -1);
		if (!def)
			continue;
		sbuf_addf(&sb, "%s:%u", t->files[i], def->start_line);
		*where = sbuf_detach(&sb, NULL);
		return xstrndup(csrc_text(t->cs[i], NULL) + def->start,
				def->end - def->start);
	}
	return NULL;
}

/* With the real 6.1 files, when "make kernel-sources" has run. */
static void test_seed_kernel_tree(void **state)
{
	static const char *const olds[] = { TEST_KERNEL_61 "include/linux/mm.h",
					    TEST_KERNEL_61 "mm/memory.c" };
	struct tree t = { { "include/linux/userfaultfd_k.h",
			    "include/linux/mm.h" } };
	const struct rule_finding *f;
	struct run r;
	size_t i;

	(void)state;
	if (!test_have_kernel())
		skip();
	run_with(&r, "seed-case.patch", olds, tree_lookup, &t);
	assert_int_equal(r.err, 0);
	assert_int_equal(rule_findings_count(r.f), 2);
	expect(&r, 0, "comment-mismatch", "include/linux/mm.h", 430, 59, 66,
	       seed_comment_msg);
	f = expect(&r, 1, "role-swap", "mm/memory.c", 1253, 6, 13,
		   seed_swap_msg_tree);
	assert_string_equal(f->old_code, seed_old_code);
	assert_null(f->note); /* found in the tree, not the built-in table */
	assert_true(t.lookups > 0);
	run_free(&r);
	for (i = 0; i < 2; i++) {
		csrc_free(t.cs[i]);
		free(t.text[i]);
	}
}

/* --- role-swap: other positives ----------------------------------------- */

static void test_swap_migrate_folios(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "migrate-dirty.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/migrate.c", 104, 23, 26,
		   "Was the change from checking src to dst for "
		   "folio_test_dirty() intentional?");
	expect_span(f, "dst");
	assert_string_equal(f->old_code, "\tif (folio_test_dirty(src))\n"
					 "\t\tfolio_set_dirty(dst);");
	assert_null(f->note);
	run_free(&r);
}

static void test_swap_mremap_pmds(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "mremap-pmd.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/mremap.c", 257, 30, 37,
		   "Was the change from checking new_pmd to old_pmd for "
		   "pmd_none() intentional?");
	expect_span(f, "old_pmd");
	assert_string_equal(f->old_code,
			    "\tif (WARN_ON_ONCE(!pmd_none(*new_pmd)))\n"
			    "\t\treturn false;");
	run_free(&r);
}

static void test_swap_hugetlb_vmas(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "hugetlb-wp.patch");
	assert_int_equal(rule_findings_count(r.f), 2);
	f = expect(&r, 0, "role-swap", "mm/hugetlb.c", 4803, 21, 28,
		   "Was the change from checking dst_vma to src_vma for "
		   "VM_UFFD_WP intentional?\n"
		   "\n"
		   "userfaultfd_wp(dst_vma) tests dst_vma->vm_flags & "
		   "VM_UFFD_WP.");
	assert_string_equal(
		f->old_code,
		"\tif (userfaultfd_wp(dst_vma) && huge_pte_uffd_wp(entry))\n"
		"\t\treturn true;");
	assert_string_equal(f->note, builtin_note);
	f = expect(&r, 1, "role-swap", "mm/hugetlb.c", 4805, 21, 28,
		   "Was the change from checking src_vma to dst_vma for "
		   "VM_SHARED and VM_MAYWRITE intentional?\n"
		   "\n"
		   "is_cow_mapping(src_vma->vm_flags) tests (src_vma->vm_flags "
		   "& (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE.");
	expect_span(f, "dst_vma");
	assert_string_equal(f->note,
			    "is_cow_mapping() was resolved from mmreview's "
			    "built-in table of mm helpers, not from the "
			    "kernel tree");
	run_free(&r);
}

/* The helper is a static inline the same patch adds. */
static void test_swap_helper_from_patch(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "inline-helper.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/mremap.c", 903, 29, 36,
		   "Was the change from checking old_vma to new_vma for "
		   "VM_SOFTDIRTY intentional?\n"
		   "\n"
		   "vma_soft_dirty_enabled(new_vma) tests new_vma->vm_flags "
		   "& VM_SOFTDIRTY.");
	assert_string_equal(f->old_code,
			    "\tif (old_vma->vm_flags & VM_SOFTDIRTY)\n"
			    "\t\treturn true;");
	assert_null(f->note);
	run_free(&r);
}

/* Two tests of one statement moved together: one finding. */
static void test_swap_grouped(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "group-props.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/mempolicy.c", 2402, 6, 9,
		   "Was the change from checking dst to src for ->mode != "
		   "MPOL_BIND and ->mode != MPOL_PREFERRED_MANY intentional?");
	expect_span(f, "src");
	assert_string_equal(f->old_code, "\tif (dst->mode != MPOL_BIND && "
					 "dst->mode != MPOL_PREFERRED_MANY)\n"
					 "\t\treturn false;");
	run_free(&r);
}

/* Only the mask's line of a two-line test was removed: still a test. */
static void test_swap_multiline_test(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "multiline-mask.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/memory.c", 306, 6, 13,
		   "Was the change from checking dst_vma to src_vma for "
		   "VM_UFFD_WP intentional?");
	assert_string_equal(f->old_code, "\tif (dst_vma->vm_flags &\n"
					 "\t    (VM_UFFD_WP | VM_PFNMAP))\n"
					 "\t\treturn true;");
	run_free(&r);
}

/*
 * The function tests VM_PFNMAP on src_vma elsewhere too: the swap of one
 * of its tests is still a swap (fewer tests on src_vma, more on dst_vma).
 */
static void test_swap_with_tests_on_both_roles(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "swap-both-tested.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/toy.c", 28, 6, 13,
		   "Was the change from checking src_vma to dst_vma for "
		   "VM_PFNMAP intentional?");
	expect_span(f, "dst_vma");
	run_free(&r);
}

/* A bare variable's test moved to its counterpart: if (old_page). */
static void test_swap_bare_variable(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "bare-page.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/toy.c", 65, 6, 14,
		   "Was the change from checking old_page to new_page for "
		   "being set intentional?");
	expect_span(f, "new_page");
	assert_string_equal(f->old_code, "\tif (old_page)\n"
					 "\t\ttoy_put(old_page);");
	run_free(&r);
}

/* An assignment in another function of the hunks does not derive roles. */
static void test_swap_derived_elsewhere(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "derived-elsewhere.patch");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = expect(&r, 0, "role-swap", "mm/toy.c", 102, 6, 13,
		   "Was the change from checking dst_vma to src_vma for VM_A "
		   "intentional?");
	assert_string_equal(f->function, "a_fn");
	run_free(&r);
}

/* --- bounds --------------------------------------------------------------- */

#define TOY_FN                                            \
	" static bool f(struct vm_area_struct *src_vma, " \
	"struct vm_area_struct *dst_vma)\n {\n"

/* Append a file's diff of one hunk at line 10: body is " ", "-", "+" lines. */
static void add_file_diff(struct sbuf *sb, const char *path, const char *body)
{
	unsigned nold = 0, nnew = 0;
	const char *p;

	for (p = body; *p; p = strchr(p, '\n') + 1) {
		nold += *p != '+';
		nnew += *p != '-';
	}
	sbuf_addf(sb,
		  "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n"
		  "@@ -10,%u +10,%u @@\n%s",
		  path, path, path, path, nold, nnew, body);
}

/*
 * Review a generated patch: defs, when not NULL, are added to
 * include/linux/toy.h, and f() of mm/toy.c has the hunk body fn.
 */
static void run_generated(struct run *r, const char *defs, const char *fn)
{
	struct sbuf sb = SBUF_INIT;
	size_t len;
	char *text;

	sbuf_addstr(&sb, "From: Test <test@example.org>\n"
			 "Subject: [PATCH] generated\n\n---\n");
	if (defs)
		add_file_diff(&sb, "include/linux/toy.h", defs);
	add_file_diff(&sb, "mm/toy.c", fn);
	text = sbuf_detach(&sb, &len);
	run_text(r, text, len, NULL, NULL, NULL);
	assert_int_equal(r->err, 0);
}

/* Hn(v) calls Hn-1(v) 12 times: each body is walked once, not 12^n times. */
static void test_bound_fanout(void **state)
{
	struct sbuf defs = SBUF_INIT;
	const struct rule_finding *f;
	struct run r;
	int k, i;

	(void)state;
	sbuf_addstr(&defs, " x\n+#define H0(v) ((v)->vm_flags & VM_A)\n");
	for (k = 1; k <= 6; k++) {
		sbuf_addf(&defs, "+#define H%d(v) (", k);
		for (i = 0; i < 12; i++)
			sbuf_addf(&defs, "%sH%d(v)", i ? " || " : "", k - 1);
		sbuf_addstr(&defs, ")\n");
	}
	run_generated(&r, defs.buf,
		      TOY_FN "-\tif (dst_vma->vm_flags & VM_A)\n"
			     "+\tif (H6(src_vma))\n"
			     " \t\treturn true;\n \treturn false;\n }\n");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = rule_findings_at(r.f, 0);
	assert_string_equal(f->rule, "role-swap");
	assert_non_null(strstr(f->message, "from checking dst_vma to src_vma "
					   "for VM_A intentional?"));
	assert_null(f->note);
	run_free(&r);
	sbuf_release(&defs);
}

/*
 * 300 helpers called from one: past ROLE_MAX_EXPANSIONS bodies the rest
 * are not seen through (h299's VM_299 is not found), and the note says so.
 */
static void test_bound_expansions(void **state)
{
	struct sbuf defs = SBUF_INIT;
	const struct rule_finding *f;
	struct run r;
	int k;

	(void)state;
	sbuf_addstr(&defs, " x\n");
	for (k = 0; k < 300; k++)
		sbuf_addf(&defs, "+#define h%d(v) ((v)->vm_flags & VM_%d)\n", k,
			  k);
	sbuf_addstr(&defs, "+#define TOP(v) (");
	for (k = 0; k < 300; k++)
		sbuf_addf(&defs, "%sh%d(v)", k ? " || " : "", k);
	sbuf_addstr(&defs, ")\n");
	run_generated(&r, defs.buf,
		      TOY_FN "-\tif (dst_vma->vm_flags & (VM_0 | VM_299))\n"
			     "+\tif (TOP(src_vma))\n"
			     " \t\treturn true;\n \treturn false;\n }\n");
	assert_int_equal(rule_findings_count(r.f), 1);
	f = rule_findings_at(r.f, 0);
	assert_string_equal(f->rule, "role-swap");
	assert_string_equal(f->message, "Was the change from checking dst_vma "
					"to src_vma for VM_0 intentional?");
	assert_string_equal(f->note, "only the first 256 helper and macro "
				     "bodies used in f() were looked into");
	run_free(&r);
	sbuf_release(&defs);
}

/* The test is the first of 100 operands of &&: the chain is walked whole. */
static void test_bound_long_chain(void **state)
{
	struct sbuf fn = SBUF_INIT;
	struct run r;
	int k;

	(void)state;
	sbuf_addstr(&fn, TOY_FN "-\tif (dst_vma->anon_vma)\n"
				"+\tif (src_vma->anon_vma");
	for (k = 1; k < 100; k++)
		sbuf_addf(&fn, " && a%d", k);
	sbuf_addstr(&fn, ")\n \t\treturn true;\n \treturn false;\n }\n");
	run_generated(&r, NULL, fn.buf);
	assert_int_equal(rule_findings_count(r.f), 1);
	expect(&r, 0, "role-swap", "mm/toy.c", 12, 6, 13,
	       "Was the change from checking dst_vma to src_vma for "
	       "->anon_vma intentional?");
	run_free(&r);
	sbuf_release(&fn);
}

/* Only the 73rd line of a 73-line test was removed: still a removed test. */
static void test_bound_long_test(void **state)
{
	struct sbuf fn = SBUF_INIT;
	struct run r;
	int k;

	(void)state;
	sbuf_addstr(&fn, TOY_FN " \tif (dst_vma->vm_flags &\n"
				" \t    (VM_A |\n");
	for (k = 0; k < 70; k++)
		sbuf_addf(&fn, " \t     /* %d */\n", k);
	sbuf_addstr(&fn, "-\t     VM_Z))\n"
			 "+\t     VM_Y))\n"
			 " \t\treturn true;\n"
			 "+\tif (src_vma->vm_flags & VM_Z)\n"
			 "+\t\treturn true;\n"
			 " \treturn false;\n }\n");
	run_generated(&r, NULL, fn.buf);
	assert_int_equal(rule_findings_count(r.f), 1);
	expect(&r, 0, "role-swap", "mm/toy.c", 86, 6, 13,
	       "Was the change from checking dst_vma to src_vma for VM_Z "
	       "intentional?");
	run_free(&r);
	sbuf_release(&fn);
}

/* --- negatives ------------------------------------------------------------ */

static void expect_silent(const char *patch)
{
	struct run r;

	run_patch(&r, patch);
	if (rule_findings_count(r.f)) {
		const struct rule_finding *f = rule_findings_at(r.f, 0);

		fail_msg("%s: unexpected %s at %s:%u: %s", patch, f->rule,
			 f->path, f->line, f->message);
	}
	run_free(&r);
}

/*
 * From the hunks alone, a test removed at the top of a long function and
 * a test on the counterpart added 360 lines below, in another hunk: the
 * hunks cannot tell a swap from two unrelated edits; stay silent.
 */
static void test_silent_across_hunks(void **state)
{
	(void)state;
	expect_silent("cross-hunk.patch");
}

/* A new "next" tested where the old code had only "prev": a rewrite. */
static void test_silent_new_variable(void **state)
{
	(void)state;
	expect_silent("bare-new-variable.patch");
}

/* src_vma->vm_flags & (A | B) becomes src_vma->vm_flags & MASK(A | B). */
static void test_silent_same_role_mask(void **state)
{
	(void)state;
	expect_silent("same-role-mask.patch");
}

/* src/dst renamed src_folio/dst_folio everywhere. */
static void test_silent_consistent_rename(void **state)
{
	(void)state;
	expect_silent("rename-both.patch");
}

/* A new test on dst_vma, nothing removed. */
static void test_silent_added_only(void **state)
{
	(void)state;
	expect_silent("added-only.patch");
}

/* A test on dst_vma removed, nothing in its place. */
static void test_silent_removed_only(void **state)
{
	(void)state;
	expect_silent("removed-only.patch");
}

/* Comments naming dst_vma above code that uses dst_vma too. */
static void test_silent_comment_role_used(void **state)
{
	(void)state;
	expect_silent("comment-both.patch");
}

/* new = mpol_dup(old): testing old before the copy is the same test. */
static void test_silent_derived_copy(void **state)
{
	(void)state;
	expect_silent("derived-copy.patch");
}

/* "If we cannot delete next, merge prev": the comment names both. */
static void test_silent_comment_names_both(void **state)
{
	(void)state;
	expect_silent("comment-names-both.patch");
}

/* --- comment-mismatch inside a function ---------------------------------- */

static void test_comment_above_statement(void **state)
{
	const struct rule_finding *f;
	struct run r;

	(void)state;
	run_patch(&r, "comment-inner.patch");
	assert_int_equal(rule_findings_count(r.f), 2);
	f = expect(&r, 0, "comment-mismatch", "mm/migrate.c", 102, 26, 29,
		   "The comment says \"src\" but the new code in "
		   "migrate_folio_flags() checks folio_test_dirty(dst). Is "
		   "this intentional?");
	expect_span(f, "src");
	expect(&r, 1, "role-swap", "mm/migrate.c", 103, 23, 26,
	       "Was the change from checking src to dst for "
	       "folio_test_dirty() intentional?");
	run_free(&r);
}

/* Disabling a rule in the set silences it. */
static void test_rule_disabled(void **state)
{
	struct diff *d = NULL;
	struct change_set *cs = change_set_new();
	struct rule_set *rs = rule_set_new();
	struct rule_findings *f = NULL;
	size_t len, i;
	char *patch = read_fixture("seed-case.patch", &len);

	(void)state;
	assert_int_equal(diff_parse(&d, patch, len), 0);
	for (i = 0; i < diff_nfiles(d); i++)
		assert_int_equal(change_set_add_file(cs, diff_file(d, i), NULL,
						     0, NULL, 0,
						     CHANGE_FROM_HUNKS, "test"),
				 0);
	assert_int_equal(rule_set_enable(rs, "role-swap", false), 0);
	assert_int_equal(
		rule_set_set_severity(rs, "comment-mismatch", RULE_ERROR), 0);
	assert_int_equal(rule_set_run(rs, cs, &f), 0);
	assert_int_equal(rule_findings_count(f), 1);
	assert_string_equal(rule_findings_at(f, 0)->rule, "comment-mismatch");
	assert_int_equal(rule_findings_at(f, 0)->severity, RULE_ERROR);
	rule_findings_free(f);
	rule_set_free(rs);
	change_set_free(cs);
	diff_free(d);
	free(patch);
}

/* --- roles ---------------------------------------------------------------- */

static void test_role_parse(void **state)
{
	struct role_name rn;

	(void)state;
	assert_true(role_parse("dst_vma", &rn));
	assert_int_equal(rn.word, ROLE_DST);
	assert_string_equal(rn.stem, "vma");
	assert_true(role_parse("src", &rn));
	assert_int_equal(rn.word, ROLE_SRC);
	assert_string_equal(rn.stem, "");
	assert_true(role_parse("source_folio", &rn));
	assert_int_equal(rn.word, ROLE_SRC);
	assert_true(role_parse("vma_dest", &rn));
	assert_int_equal(rn.word, ROLE_DST);
	assert_string_equal(rn.stem, "vma");
	assert_true(role_parse("new_addr", &rn));
	assert_int_equal(rn.word, ROLE_NEW);
	assert_string_equal(rn.stem, "addr");

	assert_false(role_parse("mpnt", &rn));
	assert_false(role_parse("tmp", &rn));
	assert_false(role_parse("vma", &rn));
	/* A role word run into its stem, as in newpage and oldmm. */
	assert_true(role_parse("dstvma", &rn));
	assert_int_equal(rn.word, ROLE_DST);
	assert_string_equal(rn.stem, "vma");
	assert_true(role_ident_counterparts("newpage", "oldpage"));
	assert_true(role_ident_counterparts("newpage", "old_page"));
	assert_false(role_parse("prevent", &rn)); /* a word, not prev + ent */
	assert_false(role_parse("newly", &rn));
	assert_false(role_parse("oldest", &rn));
	assert_false(role_parse("srcu", &rn)); /* too short a stem */
	assert_false(role_parse("SRC_VMA", &rn)); /* a macro */
	assert_false(role_parse("src_to_dst", &rn)); /* ambiguous */
	assert_false(role_parse("", &rn));
	assert_false(role_parse("a->b", &rn));
	assert_int_equal(rn.word, ROLE_NONE);
}

static void test_role_counterparts(void **state)
{
	(void)state;
	assert_true(role_ident_counterparts("dst_vma", "src_vma"));
	assert_true(role_ident_counterparts("src", "dst"));
	assert_true(role_ident_counterparts("dest", "source"));
	assert_true(role_ident_counterparts("old_pmd", "new_pmd"));
	assert_true(role_ident_counterparts("new", "orig"));
	assert_true(role_ident_counterparts("orig_pte", "new_pte"));
	assert_true(role_ident_counterparts("from", "to"));
	assert_true(role_ident_counterparts("parent_mm", "child_mm"));
	assert_true(role_ident_counterparts("prev", "next"));
	assert_true(role_ident_counterparts("vma_src", "dst_vma"));

	assert_false(role_ident_counterparts("old", "orig"));
	assert_false(role_ident_counterparts("dst_vma", "src_mm"));
	assert_false(role_ident_counterparts("dst_vma", "dst_vma"));
	assert_false(role_ident_counterparts("src", "src_folio"));
	assert_false(role_ident_counterparts("mpnt", "tmp"));
	assert_false(role_ident_counterparts("prev", "new"));
}

static void test_role_code_words(void **state)
{
	(void)state;
	assert_true(role_is_code_word("dst_vma"));
	assert_true(role_is_code_word("src"));
	assert_true(role_is_code_word("prev"));
	assert_true(role_is_code_word("new_page"));
	assert_false(role_is_code_word("new"));
	assert_false(role_is_code_word("to"));
	assert_false(role_is_code_word("parent"));
	assert_false(role_is_code_word("copy"));
}

/* --- the engine ----------------------------------------------------------- */

/* A rule that reports what the test asks for on every change. */
static unsigned fake_reports;
static uint32_t fake_start, fake_end;

static int fake_check(const struct rule *self __maybe_unused,
		      struct rule_ctx *ctx, const struct change *c)
{
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	unsigned i;
	int err = 0;

	if (!def)
		return 0;
	for (i = 0; i < fake_reports && !err; i++)
		err = rule_report(ctx, c, CHANGE_NEW, def->start + fake_start,
				  def->start + fake_end, "old", NULL,
				  "report %u of %s", i, change_name(c));
	return err;
}

static int failing_check(const struct rule *self __maybe_unused,
			 struct rule_ctx *ctx, const struct change *c)
{
	(void)ctx;
	(void)c;
	return mmr_error_set(MMR_EINVAL, "broken rule");
}

static const struct rule fake_rule = {
	.version = RULE_VERSION,
	.id = "a-fake",
	.severity = RULE_INFO,
	.summary = "test",
	.doc = "test",
	.check = fake_check,
};

static const struct rule failing_rule = {
	.version = RULE_VERSION,
	.id = "z-failing",
	.severity = RULE_ERROR,
	.summary = "test",
	.doc = "test",
	.check = failing_check,
};

static void test_set_builtins(void **state)
{
	struct rule_set *rs = rule_set_new();
	size_t i, nb = rule_set_count(rs); /* the built-in C rules */
	const struct rule *r;

	(void)state;
	/* The C rules: the first ones, whichever are added later. */
	assert_string_equal(rule_set_at(rs, 0)->id, "role-swap");
	assert_string_equal(rule_set_at(rs, 1)->id, "comment-mismatch");
	assert_non_null(rule_set_find(rs, "condition-flip"));
	assert_non_null(rule_set_find(rs, "no-functional-change"));
	assert_non_null(rule_set_find(rs, "fixes-tag"));
	assert_non_null(rule_set_find(rs, "spelling"));
	assert_non_null(rule_set_find(rs, "sleep-in-atomic"));
	assert_non_null(rule_set_find(rs, "lock-imbalance"));
	assert_non_null(rule_set_find(rs, "ref-leak"));
	for (i = 0; i < rule_set_count(rs); i++) {
		r = rule_set_at(rs, i);
		assert_non_null(r->summary);
		assert_non_null(strstr(r->doc, "Example"));
		assert_non_null(strstr(r->doc, "enabled = false"));
		assert_true(rule_set_enabled(rs, r->id) == !r->off);
	}
	assert_null(rule_set_at(rs, rule_set_count(rs)));
	assert_int_equal(rule_set_severity(rs, "role-swap"), RULE_WARNING);
	assert_int_equal(rule_set_severity(rs, "comment-mismatch"),
			 RULE_WARNING);
	r = rule_set_find(rs, "role-swap");
	assert_non_null(r);
	assert_string_equal(r->id, "role-swap");
	assert_non_null(rule_set_find(rs, "comment-mismatch"));
	assert_non_null(rule_set_find(rs, "sleep-in-atomic"));
	assert_non_null(rule_set_find(rs, "lock-imbalance"));
	assert_non_null(rule_set_find(rs, "ref-leak"));
	assert_null(rule_set_find(rs, "src-dst-swap"));
	assert_false(rule_set_enabled(rs, "nope"));

	assert_int_equal(rule_set_add(rs, &fake_rule, NULL), 0);
	assert_int_equal(rule_set_add(rs, &fake_rule, NULL), MMR_EINVAL);
	assert_int_equal(rule_set_count(rs), nb + 1);
	assert_int_equal(rule_set_severity(rs, "a-fake"), RULE_INFO);
	assert_int_equal(rule_set_enable(rs, "nope", false), MMR_ENOTFOUND);
	assert_int_equal(rule_set_set_severity(rs, "nope", RULE_ERROR),
			 MMR_ENOTFOUND);
	assert_int_equal(rule_set_enable(rs, "a-fake", false), 0);
	assert_false(rule_set_enabled(rs, "a-fake"));
	rule_set_free(rs);
}

static void test_bad_ids(void **state)
{
	struct rule_set *rs = rule_set_new();
	struct rule bad = fake_rule;

	(void)state;
	bad.id = "Upper";
	assert_int_equal(rule_set_add(rs, &bad, NULL), MMR_EINVAL);
	bad.id = "with space";
	assert_int_equal(rule_set_add(rs, &bad, NULL), MMR_EINVAL);
	bad.id = "";
	assert_int_equal(rule_set_add(rs, &bad, NULL), MMR_EINVAL);
	bad.id = "ok-1";
	bad.check = NULL;
	assert_int_equal(rule_set_add(rs, &bad, NULL), MMR_EINVAL);
	rule_set_free(rs);
}

static void test_severities(void **state)
{
	enum rule_severity sev = RULE_INFO;

	(void)state;
	assert_string_equal(rule_severity_name(RULE_ERROR), "error");
	assert_string_equal(rule_severity_name(RULE_WARNING), "warning");
	assert_string_equal(rule_severity_name(RULE_INFO), "info");
	assert_int_equal(rule_severity_parse("error", &sev), 0);
	assert_int_equal(sev, RULE_ERROR);
	assert_int_equal(rule_severity_parse("Warning", &sev), 0);
	assert_int_equal(sev, RULE_WARNING);
	assert_int_equal(rule_severity_parse("info", &sev), 0);
	assert_int_equal(sev, RULE_INFO);
	assert_int_equal(rule_severity_parse("fatal", &sev), MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "fatal"));
	assert_int_equal(rule_severity_parse(NULL, &sev), MMR_EINVAL);
	assert_int_equal(sev, RULE_INFO);
}

/* A set with only the fake rule, run over the seed patch's hunks. */
static struct rule_findings *run_fake(struct run *r, const struct rule *extra,
				      int *err)
{
	size_t len, i;

	memset(r, 0, sizeof(*r));
	r->patch = read_fixture("seed-case.patch", &len);
	assert_int_equal(diff_parse(&r->d, r->patch, len), 0);
	r->cs = change_set_new();
	for (i = 0; i < diff_nfiles(r->d); i++)
		assert_int_equal(change_set_add_file(r->cs, diff_file(r->d, i),
						     NULL, 0, NULL, 0,
						     CHANGE_FROM_HUNKS, "test"),
				 0);
	r->rs = rule_set_new();
	assert_int_equal(rule_set_enable(r->rs, "role-swap", false), 0);
	assert_int_equal(rule_set_enable(r->rs, "comment-mismatch", false), 0);
	assert_int_equal(rule_set_add(r->rs, &fake_rule, NULL), 0);
	if (extra)
		assert_int_equal(rule_set_add(r->rs, extra, NULL), 0);
	*err = rule_set_run(r->rs, r->cs, &r->f);
	return r->f;
}

static void test_report_location(void **state)
{
	const struct rule_finding *f;
	struct run r;
	int err;

	(void)state;
	fake_reports = 1;
	fake_start = 0; /* "#define" of VM_COPY_ON_FORK; "static" */
	fake_end = 7;
	run_fake(&r, NULL, &err);
	assert_int_equal(err, 0);
	assert_int_equal(rule_findings_count(r.f), 2);
	f = rule_findings_at(r.f, 0);
	assert_string_equal(f->rule, "a-fake");
	assert_int_equal(f->severity, RULE_INFO);
	assert_string_equal(f->path, "include/linux/mm.h");
	assert_int_equal(f->line, 437);
	assert_int_equal(f->column, 1);
	assert_int_equal(f->end_column, 8);
	assert_string_equal(f->function, "VM_COPY_ON_FORK");
	assert_string_equal(f->message, "report 0 of VM_COPY_ON_FORK");
	assert_string_equal(f->old_code, "old");
	assert_null(f->note);
	assert_true(f->partial);
	assert_string_equal(f->partial_reason, "test");
	f = rule_findings_at(r.f, 1);
	assert_string_equal(f->path, "mm/memory.c");
	assert_int_equal(f->line, 1250);
	assert_string_equal(f->function, "vma_needs_copy");
	assert_null(rule_findings_at(r.f, 2));
	run_free(&r);
}

/* A span over a line end stops at the end of its first line. */
static void test_report_multiline(void **state)
{
	const struct rule_finding *f;
	struct run r;
	int err;

	(void)state;
	fake_reports = 1;
	fake_start = 6; /* " bool\nvma_needs_copy" */
	fake_end = 20;
	run_fake(&r, NULL, &err);
	f = rule_findings_at(r.f, 1);
	assert_string_equal(f->path, "mm/memory.c");
	assert_int_equal(f->line, 1250);
	assert_int_equal(f->column, 7);
	assert_int_equal(f->end_column, 12); /* "static bool" is 11 bytes */
	run_free(&r);
}

/* Same rule, path, line and column: one finding; errors do not stop. */
static void test_dedup_and_errors(void **state)
{
	struct run r;
	int err;
	size_t i;

	(void)state;
	fake_reports = 3;
	fake_start = 0;
	fake_end = 1;
	run_fake(&r, &failing_rule, &err);
	assert_int_equal(err, MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "broken rule"));
	assert_non_null(strstr(mmr_error_last(), "z-failing"));
	assert_int_equal(rule_findings_count(r.f), 2);
	/* The first report of each place is the one kept. */
	for (i = 0; i < 2; i++)
		assert_non_null(
			strstr(rule_findings_at(r.f, i)->message, "report 0"));
	run_free(&r);
}

static void test_findings_bound(void **state)
{
	struct run r;
	int err;

	(void)state;
	fake_reports = RULE_MAX_FINDINGS + 5;
	fake_start = 0;
	fake_end = 1;
	run_fake(&r, NULL, &err);
	assert_int_equal(err, MMR_ELIMIT);
	assert_non_null(strstr(mmr_error_last(), "findings"));
	/* The bound is on reports: the first change used it all up. */
	assert_int_equal(rule_findings_count(r.f), 1);
	assert_string_equal(rule_findings_at(r.f, 0)->path,
			    "include/linux/mm.h");
	run_free(&r);
}

/* Findings are sorted by path, line, column, then rule. */
static int early_check(const struct rule *self __maybe_unused,
		       struct rule_ctx *ctx, const struct change *c)
{
	const struct csrc_def *def = change_def(c, CHANGE_NEW);

	if (!def)
		return 0;
	/* Report the end first, then the start: the list sorts them. */
	rule_report(ctx, c, CHANGE_NEW, def->end - 1, def->end, NULL, NULL,
		    "end");
	return rule_report(ctx, c, CHANGE_NEW, def->start, def->start + 1, NULL,
			   NULL, "start");
}

static const struct rule early_rule = {
	.version = RULE_VERSION,
	.id = "0-early",
	.severity = RULE_WARNING,
	.summary = "test",
	.doc = "test",
	.check = early_check,
};

static void test_sorted(void **state)
{
	const struct rule_finding *prev = NULL;
	struct run r;
	int err;
	size_t i;

	(void)state;
	fake_reports = 1;
	fake_start = 0;
	fake_end = 1;
	run_fake(&r, &early_rule, &err);
	assert_int_equal(err, 0);
	assert_int_equal(rule_findings_count(r.f), 6);
	for (i = 0; i < rule_findings_count(r.f); i++) {
		const struct rule_finding *f = rule_findings_at(r.f, i);

		if (prev && !strcmp(prev->path, f->path)) {
			assert_true(prev->line < f->line ||
				    (prev->line == f->line &&
				     (prev->column < f->column ||
				      (prev->column == f->column &&
				       strcmp(prev->rule, f->rule) < 0))));
		}
		prev = f;
	}
	/* "0-early" sorts before "a-fake" at the same place. */
	assert_string_equal(rule_findings_at(r.f, 0)->rule, "0-early");
	assert_string_equal(rule_findings_at(r.f, 0)->message, "start");
	assert_string_equal(rule_findings_at(r.f, 1)->rule, "a-fake");
	assert_string_equal(rule_findings_at(r.f, 2)->message, "end");
	assert_string_equal(rule_findings_at(r.f, 3)->path, "mm/memory.c");
	run_free(&r);
}

/* --- findings on the changelog ---------------------------------------------- */

#define MSG_TEXT                \
	"mm: fix the teh bug\n" \
	"\n"                    \
	"A body line.\n"        \
	"Fixes: 0123 (\"mm: foo\")\n"

/* Reports on the changelog: line 4 twice (deduplicated), 1, and past it. */
static int msg_check_patch(const struct rule *self __maybe_unused,
			   struct rule_ctx *ctx, const struct change_set *cs)
{
	int err;

	err = rule_report_message(ctx, cs, 4, 9, 13, "a note", "short hash");
	if (!err)
		err = rule_report_message(ctx, cs, 4, 9, 13, NULL, "again");
	if (!err)
		err = rule_report_message(ctx, cs, 1, 13, 16, NULL,
					  "'teh' may be misspelled");
	if (!err) /* the column past the line: clamped to it */
		err = rule_report_message(ctx, cs, 3, 40, 90, NULL, "past");
	if (!err) /* a line the changelog does not have */
		err = rule_report_message(ctx, cs, 99, 1, 2, NULL, "nowhere");
	return err;
}

static const struct rule msg_rule = {
	.version = RULE_VERSION,
	.id = "b-msg",
	.severity = RULE_WARNING,
	.summary = "test",
	.doc = "test",
	.check_patch = msg_check_patch,
};

/* The seed patch's hunks with the changelog MSG_TEXT, and the rules. */
static void run_msg(struct run *r, const struct rule *const *rules, size_t n,
		    int *err)
{
	size_t len, i;

	memset(r, 0, sizeof(*r));
	r->patch = read_fixture("seed-case.patch", &len);
	assert_int_equal(diff_parse(&r->d, r->patch, len), 0);
	r->cs = change_set_new();
	change_set_set_patch(r->cs, "mm: fix the teh bug", MSG_TEXT,
			     strlen(MSG_TEXT));
	for (i = 0; i < diff_nfiles(r->d); i++)
		assert_int_equal(change_set_add_file(r->cs, diff_file(r->d, i),
						     NULL, 0, NULL, 0,
						     CHANGE_FROM_HUNKS, "test"),
				 0);
	r->rs = rule_set_new_empty();
	for (i = 0; i < n; i++)
		assert_int_equal(rule_set_add(r->rs, rules[i], NULL), 0);
	*err = rule_set_run(r->rs, r->cs, &r->f);
}

static void test_changelog_findings(void **state)
{
	const struct rule *rules[] = { &fake_rule, &msg_rule };
	const struct rule_finding *f;
	struct run r;
	int err;

	(void)state;
	fake_reports = 1;
	fake_start = 0;
	fake_end = 1;
	run_msg(&r, rules, 2, &err);
	assert_int_equal(err, 0);
	/* 4 on the changelog (one deduplicated), 2 on the files */
	assert_int_equal(rule_findings_count(r.f), 6);
	f = rule_findings_at(r.f, 0);
	assert_true(f->changelog);
	assert_string_equal(f->path, RULE_CHANGELOG_PATH);
	assert_string_equal(f->path, "COMMIT_MSG");
	assert_int_equal(f->line, 1);
	assert_int_equal(f->column, 13);
	assert_int_equal(f->end_column, 16);
	assert_string_equal(f->line_text, "mm: fix the teh bug");
	assert_int_equal(f->side, CHANGE_NEW);
	assert_int_equal(f->severity, RULE_WARNING);
	assert_null(f->function);
	assert_null(f->change);
	f = rule_findings_at(r.f, 1);
	assert_int_equal(f->line, 3);
	assert_int_equal(f->column, 13); /* "A body line." is 12 bytes */
	assert_int_equal(f->end_column, 14);
	f = rule_findings_at(r.f, 2);
	assert_int_equal(f->line, 4);
	assert_string_equal(f->message, "short hash");
	assert_string_equal(f->note, "a note");
	assert_string_equal(f->line_text, "Fixes: 0123 (\"mm: foo\")");
	f = rule_findings_at(r.f, 3);
	assert_int_equal(f->line, 99);
	assert_string_equal(f->line_text, "");
	/* the files' findings after the changelog's */
	f = rule_findings_at(r.f, 4);
	assert_false(f->changelog);
	assert_string_equal(f->path, "include/linux/mm.h");
	run_free(&r);
}

/* A patch rule is configured like the others: off, and severity. */
static void test_changelog_config(void **state)
{
	const struct rule *rules[] = { &msg_rule };
	struct rule_set *rs;
	struct run r;
	int err;

	(void)state;
	run_msg(&r, rules, 1, &err);
	rs = r.rs;
	rule_findings_free(r.f);
	r.f = NULL;
	assert_int_equal(rule_set_set_severity(rs, "b-msg", RULE_INFO), 0);
	assert_int_equal(rule_set_run(rs, r.cs, &r.f), 0);
	assert_int_equal(rule_findings_count(r.f), 4);
	assert_int_equal(rule_findings_at(r.f, 0)->severity, RULE_INFO);
	rule_findings_free(r.f);
	r.f = NULL;
	assert_int_equal(rule_set_enable(rs, "b-msg", false), 0);
	assert_int_equal(rule_set_run(rs, r.cs, &r.f), 0);
	assert_int_equal(rule_findings_count(r.f), 0);
	run_free(&r);
}

static int failing_patch(const struct rule *self __maybe_unused,
			 struct rule_ctx *ctx, const struct change_set *cs)
{
	(void)ctx;
	(void)cs;
	return mmr_error_set(MMR_EINVAL, "broken patch rule");
}

/* A rule with neither hook is refused; a failing patch rule is named. */
static void test_changelog_errors(void **state)
{
	struct rule bad = msg_rule, failing = msg_rule;
	const struct rule *rules[] = { &msg_rule, &failing };
	struct run r;
	int err;

	(void)state;
	failing.id = "c-failing";
	failing.check_patch = failing_patch;
	run_msg(&r, rules, 2, &err);
	assert_int_equal(err, MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "c-failing"));
	assert_non_null(strstr(mmr_error_last(), "mm: fix the teh bug"));
	assert_int_equal(rule_findings_count(r.f), 4);
	bad.id = "d-bad";
	bad.check_patch = NULL;
	assert_int_equal(rule_set_add(r.rs, &bad, NULL), MMR_EINVAL);
	run_free(&r);
}

static void note_miss_count(const struct rule_miss *m, void *payload)
{
	size_t *n = payload;

	(void)m;
	(*n)++;
}

/* "# expect:" at the end of a changelog line, cut from what rules read. */
static void test_changelog_expects(void **state)
{
	const struct rule *rules[] = { &msg_rule };
	struct rule_expects e = RULE_EXPECTS_INIT;
	char text[] = "mm: fix the teh bug # expect: b-msg\n"
		      "\n"
		      "A body line.\t# expect: b-msg\n"
		      "Fixes: 0123 (\"mm: foo\")  #expect-none: b-msg\n"
		      "a # sign, # expect something";
	size_t len = strlen(text), misses = 0;
	struct run r;
	int err;

	(void)state;
	assert_int_equal(rule_expects_from_changelog(&e, text, &len, 1, 7), 0);
	assert_string_equal(text, "mm: fix the teh bug\n"
				  "\n"
				  "A body line.\n"
				  "Fixes: 0123 (\"mm: foo\")\n"
				  "a # sign, # expect something");
	assert_int_equal(len, strlen(text));
	assert_int_equal(e.n, 3);
	assert_true(e.v[0].changelog);
	assert_string_equal(e.v[0].path, RULE_CHANGELOG_PATH);
	assert_int_equal(e.v[0].line, 1);
	assert_int_equal(e.v[0].src_line, 7);
	assert_int_equal(e.v[1].line, 3);
	assert_int_equal(e.v[2].line, 4);
	assert_true(e.v[2].none);
	run_msg(&r, rules, 1, &err);
	/* line 4 is flagged (expect-none), 99 has no expectation */
	assert_int_equal(
		rule_expects_judge(&e, r.rs, r.f, note_miss_count, &misses), 2);
	assert_int_equal(misses, 2);
	rule_expects_release(&e);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_partial),
		cmocka_unit_test(test_seed_full),
		cmocka_unit_test(test_seed_kernel_tree),
		cmocka_unit_test(test_swap_migrate_folios),
		cmocka_unit_test(test_swap_mremap_pmds),
		cmocka_unit_test(test_swap_hugetlb_vmas),
		cmocka_unit_test(test_swap_helper_from_patch),
		cmocka_unit_test(test_swap_grouped),
		cmocka_unit_test(test_swap_multiline_test),
		cmocka_unit_test(test_swap_with_tests_on_both_roles),
		cmocka_unit_test(test_silent_across_hunks),
		cmocka_unit_test(test_swap_bare_variable),
		cmocka_unit_test(test_swap_derived_elsewhere),
		cmocka_unit_test(test_bound_fanout),
		cmocka_unit_test(test_bound_expansions),
		cmocka_unit_test(test_bound_long_chain),
		cmocka_unit_test(test_bound_long_test),
		cmocka_unit_test(test_silent_new_variable),
		cmocka_unit_test(test_silent_same_role_mask),
		cmocka_unit_test(test_silent_consistent_rename),
		cmocka_unit_test(test_silent_added_only),
		cmocka_unit_test(test_silent_removed_only),
		cmocka_unit_test(test_silent_comment_role_used),
		cmocka_unit_test(test_silent_derived_copy),
		cmocka_unit_test(test_silent_comment_names_both),
		cmocka_unit_test(test_comment_above_statement),
		cmocka_unit_test(test_rule_disabled),
		cmocka_unit_test(test_role_parse),
		cmocka_unit_test(test_role_counterparts),
		cmocka_unit_test(test_role_code_words),
		cmocka_unit_test(test_set_builtins),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_severities),
		cmocka_unit_test(test_report_location),
		cmocka_unit_test(test_report_multiline),
		cmocka_unit_test(test_dedup_and_errors),
		cmocka_unit_test(test_findings_bound),
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_changelog_findings),
		cmocka_unit_test(test_changelog_config),
		cmocka_unit_test(test_changelog_errors),
		cmocka_unit_test(test_changelog_expects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
