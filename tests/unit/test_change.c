// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/change.c; fixtures in tests/fixtures/change/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testlib.h"

#include "apply.h"
#include "change.h"
#include "diff.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/change/"

static struct diff *parse_patch(const char *path)
{
	struct diff *d = NULL;
	size_t len;
	char *buf = test_need_file(path, &len);

	if (diff_parse(&d, buf, len))
		fail_msg("%s: %s", path, mmr_error_last());
	free(buf);
	return d;
}

/* Add file i of d with the given images (paths, or NULL: from hunks). */
static void add_file(struct change_set *set, const struct diff *d, size_t i,
		     const char *old_path, const char *new_path)
{
	char *old = NULL, *new = NULL;
	size_t olen = 0, nlen = 0;
	int err;

	if (old_path)
		old = test_need_file(old_path, &olen);
	if (new_path)
		new = test_need_file(new_path, &nlen);
	err = change_set_add_file(set, diff_file(d, i), old, olen, new, nlen,
				  old ? CHANGE_FROM_BLOB : CHANGE_FROM_HUNKS,
				  NULL);
	if (err)
		fail_msg("add file %zu: %s", i, mmr_error_last());
	free(old);
	free(new);
}

/* The image line holding text s at or after byte from, or 0. */
static unsigned line_of_text(const struct csrc *cs, uint32_t from,
			     const char *s)
{
	size_t len;
	const char *t = csrc_text(cs, &len), *p = strstr(t + from, s);

	return p ? csrc_line_of(cs, p - t) : 0;
}

/* Image lines changed on side within [from, to]. */
static unsigned count_changed(const struct change *c, enum change_side side,
			      unsigned from, unsigned to)
{
	unsigned n = 0, l;

	for (l = from; l <= to; l++)
		n += change_line_changed(c, side, l);
	return n;
}

static bool comment_names(const struct change *c, const char *word)
{
	const struct csrc *cs = change_src(c, CHANGE_NEW);
	const struct csrc_def *d = change_def(c, CHANGE_NEW);
	struct csrc_comment *cm;
	size_t n = csrc_comments(cs, d->doc_start, d->end, &cm), i;
	const char *t = csrc_text(cs, NULL);
	bool found = false;

	for (i = 0; i < n; i++)
		if (memmem(t + cm[i].start, cm[i].end - cm[i].start, word,
			   strlen(word)))
			found = true;
	free(cm);
	return found;
}

/*
 * The seed case's expectations, on either kind of image: line numbers
 * are image lines, file lines are given for the file.
 */
static void check_seed(const struct change_set *set, unsigned rm_file_line,
		       unsigned macro_file_line)
{
	const struct change *m, *f;
	const struct csrc_def *od, *nd;
	unsigned l;

	assert_int_equal(change_set_count(set), 2);
	m = change_set_at(set, 0);
	assert_string_equal(change_name(m), "VM_COPY_ON_FORK");
	assert_int_equal(change_kind(m), CSRC_MACRO);
	assert_string_equal(change_path(m), "include/linux/mm.h");
	assert_null(change_def(m, CHANGE_OLD));
	nd = change_def(m, CHANGE_NEW);
	assert_non_null(nd);
	assert_int_equal(change_file_line(m, CHANGE_NEW, nd->start_line),
			 macro_file_line);
	assert_int_equal(nd->end_line - nd->doc_line, 19);
	assert_int_equal(
		count_changed(m, CHANGE_NEW, nd->doc_line, nd->end_line), 20);
	assert_true(comment_names(m, "dst_vma"));
	assert_false(comment_names(m, "src_vma"));

	f = change_set_at(set, 1);
	assert_string_equal(change_name(f), "vma_needs_copy");
	assert_int_equal(change_kind(f), CSRC_FUNCTION);
	assert_string_equal(change_path(f), "mm/memory.c");
	od = change_def(f, CHANGE_OLD);
	nd = change_def(f, CHANGE_NEW);
	assert_non_null(od);
	assert_non_null(nd);
	assert_string_equal(od->name, "vma_needs_copy");
	assert_string_equal(nd->name, "vma_needs_copy");
	l = line_of_text(change_src(f, CHANGE_OLD), od->start,
			 "\tif (userfaultfd_wp(dst_vma))\n");
	assert_true(l >= od->start_line && l <= od->end_line);
	assert_true(change_line_changed(f, CHANGE_OLD, l));
	assert_int_equal(change_file_line(f, CHANGE_OLD, l), rm_file_line);
	assert_int_equal(change_map_old_to_new(f, l), 0);
	assert_int_equal(
		count_changed(f, CHANGE_OLD, od->start_line, od->end_line), 10);
	l = line_of_text(change_src(f, CHANGE_NEW), nd->start,
			 "\tif (src_vma->vm_flags & VM_COPY_ON_FORK)\n");
	assert_true(l >= nd->start_line && l <= nd->end_line);
	assert_true(change_line_changed(f, CHANGE_NEW, l));
	assert_false(change_line_changed(f, CHANGE_NEW, l + 1));
	assert_int_equal(
		count_changed(f, CHANGE_NEW, nd->start_line, nd->end_line), 1);
	/* "{" is unchanged: old line start+2 is new line start+2. */
	assert_int_equal(change_map_old_to_new(f, od->start_line + 2),
			 nd->start_line + 2);
}

static void check_resolve_in_patch(const struct change_set *set)
{
	const struct change *c = change_set_at(set, 1);
	const struct change_expansion *x;

	x = change_resolve(c, "VM_COPY_ON_FORK");
	assert_non_null(x);
	assert_int_equal(x->found, CHANGE_FOUND_PATCH);
	assert_int_equal(x->exp.kind, CSRC_MACRO);
	assert_string_equal(x->exp.body,
			    "(VM_PFNMAP | VM_MIXEDMAP | VM_UFFD_WP)");
	assert_string_equal(x->where, "include/linux/mm.h:437");
	assert_ptr_equal(change_resolve(c, "VM_COPY_ON_FORK"), x);
	x = change_resolve(c, "userfaultfd_wp");
	assert_non_null(x);
	assert_int_equal(x->found, CHANGE_FOUND_BUILTIN);
	assert_string_equal(x->where, "built-in");
	assert_string_equal(x->exp.body, "vma->vm_flags & VM_UFFD_WP");
	assert_int_equal(x->exp.nparams, 1);
	assert_string_equal(x->exp.params[0], "vma");
	x = change_resolve(c, "is_cow_mapping");
	assert_non_null(x);
	assert_string_equal(
		x->exp.body,
		"(flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE");
	assert_null(change_resolve(c, "no_such_helper"));
	assert_null(change_resolve(c, "no_such_helper"));
	assert_null(change_resolve(c, "a->b"));
	assert_null(change_resolve(c, ""));
	assert_null(change_resolve(c, "1abc"));
}

static void test_seed_hunks(void **state)
{
	struct diff *d = parse_patch(FIXTURES "seed.mbox");
	struct change_set *set = change_set_new();
	const struct change *c;

	(void)state;
	add_file(set, d, 0, NULL, NULL);
	add_file(set, d, 1, NULL, NULL);
	check_seed(set, 1259, 437);
	c = change_set_at(set, 1);
	assert_true(change_partial(c));
	assert_int_equal(change_origin(c), CHANGE_FROM_HUNKS);
	assert_string_equal(change_partial_reason(c),
			    "mm/memory.c: built from the hunks alone");
	/*
	 * The fragment is the hunk, 16 old lines and 7 new, and a closer
	 * for what it leaves open: the body of the last if, the function.
	 */
	assert_int_equal(csrc_nlines(change_src(c, CHANGE_OLD)), 18);
	assert_int_equal(csrc_nlines(change_src(c, CHANGE_NEW)), 9);
	assert_int_equal(change_file_line(c, CHANGE_NEW, 1), 1250);
	assert_int_equal(change_file_line(c, CHANGE_NEW, 7), 1256);
	assert_int_equal(change_file_line(c, CHANGE_NEW, 8), 0);
	assert_int_equal(change_file_line(c, CHANGE_NEW, 9), 0);
	check_resolve_in_patch(set);
	change_set_free(set);
	diff_free(d);
}

static void test_seed_full(void **state)
{
	struct diff *d = parse_patch(FIXTURES "seed.mbox");
	struct change_set *set = change_set_new();
	const struct change *c;

	(void)state;
	/*
	 * Hand-written images holding the hunks' lines: they stand far from
	 * their header's lines (mm.h's hunk at 11, memory.c's at 25).
	 */
	add_file(set, d, 0, FIXTURES "mm-old.h", FIXTURES "mm-new.h");
	add_file(set, d, 1, FIXTURES "memory-old.c", FIXTURES "memory-new.c");
	/* Lines are the patch's, as its author knows them. */
	check_seed(set, 1259, 437);
	c = change_set_at(set, 1);
	assert_false(change_partial(c));
	assert_null(change_partial_reason(c));
	assert_int_equal(change_origin(c), CHANGE_FROM_BLOB);
	assert_string_equal(change_origin_name(change_origin(c)), "blob");
	/*
	 * copy_toy_slots is whole and untouched: no change for it, and the
	 * tree keeps only what rules read, so not even a def.
	 */
	assert_null(change_set_find(set, CSRC_FUNCTION, "copy_toy_slots"));
	assert_null(csrc_def_find(change_src(c, CHANGE_OLD), "copy_toy_slots",
				  CSRC_FUNCTION));
	assert_non_null(csrc_def_find(change_src(c, CHANGE_OLD),
				      "vma_needs_copy", CSRC_FUNCTION));
	assert_int_equal(change_map_old_to_new(c, 5), 5);
	assert_int_equal(change_map_old_to_new(c, 45), 36);
	change_set_free(set);
	diff_free(d);
}

/*
 * A line outside every def of its side that the hunk header gives to a
 * function (here a stray body line after foo's end, as a moved function
 * end gave in 6.12's slub.c) makes a span of foo's change, while the
 * other side has foo's real def: both must follow the trees when they
 * are made again, sparse or woken.
 */
static void test_span_and_def(void **state)
{
	struct diff *d = parse_patch(FIXTURES "span.patch");
	struct change_set *set = change_set_new();
	const struct change *c;
	const struct csrc_def *def;
	enum change_side s;
	size_t i, k;
	char *text;

	(void)state;
	for (k = 0; k < 2; k++) {
		if (k)
			change_set_sleep(set);
		else
			add_file(set, d, 0, FIXTURES "span-old.c",
				 FIXTURES "span-new.c");
		for (i = 0; i < change_set_count(set); i++) {
			c = change_set_at(set, i);
			for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
				def = change_def(c, s);
				if (!def)
					continue;
				/* Read what the def points at. */
				text = csrc_node_text(change_src(c, s),
						      def->node);
				assert_true(def->start <= def->end);
				free(text);
			}
		}
	}
	c = change_set_find(set, CSRC_FUNCTION, "foo");
	assert_non_null(c);
	def = change_def(c, CHANGE_OLD);
	assert_non_null(def);
	assert_string_equal(def->name, "foo");
	change_set_free(set);
	diff_free(d);
}

/*
 * A reviewed set sleeps: its trees go, its texts stay, and whatever asks
 * for a tree makes it again, the changes pointing at the same defs; a
 * later patch still resolves the earlier one's macro.
 */
static void test_sleep_and_wake(void **state)
{
	struct diff *d = parse_patch(FIXTURES "seed.mbox");
	struct diff *d2 = parse_patch(FIXTURES "cut.patch");
	struct change_set *set = change_set_new();
	struct change_set *next = change_set_new();
	const struct change_expansion *x;
	const struct change *c;
	const struct csrc_def *od;
	uint32_t start;
	char *text, *again;

	(void)state;
	add_file(set, d, 0, FIXTURES "mm-old.h", FIXTURES "mm-new.h");
	add_file(set, d, 1, FIXTURES "memory-old.c", FIXTURES "memory-new.c");
	c = change_set_at(set, 1);
	od = change_def(c, CHANGE_OLD);
	start = od->start;
	text = csrc_node_text(change_src(c, CHANGE_OLD), od->node);
	change_set_link(next, set);
	add_file(next, d2, 0, NULL, NULL);
	change_set_sleep(next);
	/* Awake again on asking: the same def, the same text. */
	od = change_def(c, CHANGE_OLD);
	assert_non_null(od);
	assert_int_equal(od->start, start);
	assert_string_equal(od->name, "vma_needs_copy");
	again = csrc_node_text(change_src(c, CHANGE_OLD), od->node);
	assert_string_equal(again, text);
	free(again);
	check_seed(set, 1259, 437);
	change_set_sleep(next);
	x = change_resolve(change_set_at(next, 0), "VM_COPY_ON_FORK");
	assert_non_null(x);
	assert_int_equal(x->found, CHANGE_FOUND_SERIES);
	change_set_sleep(next);
	change_set_free(next);
	change_set_free(set);
	free(text);
	diff_free(d);
	diff_free(d2);
}

static char *lookup_fixture(void *ctx, const char *name, char **where)
{
	size_t len;
	int *calls = ctx;

	(*calls)++;
	if (strcmp(name, "userfaultfd_wp") &&
	    strcmp(name, "userfaultfd_toy_armed"))
		return NULL;
	*where = xstrdup("include/linux/userfaultfd_k.h:119");
	return test_need_file(FIXTURES "userfaultfd_k.h", &len);
}

static void test_resolve_lookup_and_links(void **state)
{
	struct diff *d = parse_patch(FIXTURES "seed.mbox");
	struct diff *d2 = parse_patch(FIXTURES "cut.patch");
	struct change_set *set = change_set_new();
	struct change_set *next = change_set_new();
	const struct change_expansion *x;
	int calls = 0;

	(void)state;
	add_file(set, d, 0, NULL, NULL);
	add_file(set, d, 1, NULL, NULL);
	change_set_set_lookup(set, lookup_fixture, &calls);
	x = change_resolve(change_set_at(set, 1), "userfaultfd_wp");
	assert_non_null(x);
	assert_int_equal(x->found, CHANGE_FOUND_TREE);
	assert_string_equal(x->where, "include/linux/userfaultfd_k.h:119");
	assert_string_equal(x->exp.body, "vma->vm_flags & VM_UFFD_WP");
	assert_int_equal(calls, 1);
	/* Cached, misses too. */
	assert_ptr_equal(
		change_resolve(change_set_at(set, 0), "userfaultfd_wp"), x);
	assert_null(change_resolve(change_set_at(set, 0), "nothing_here"));
	assert_null(change_resolve(change_set_at(set, 0), "nothing_here"));
	assert_int_equal(calls, 2);
	/* The built-in table comes after the tree. */
	x = change_resolve(change_set_at(set, 0), "vma_is_anonymous");
	assert_int_equal(x->found, CHANGE_FOUND_BUILTIN);
	assert_string_equal(x->exp.body, "!vma->vm_ops");

	/* A later patch sees the earlier one's macro. */
	add_file(next, d2, 0, NULL, NULL);
	change_set_link(next, set);
	x = change_resolve(change_set_at(next, 0), "VM_COPY_ON_FORK");
	assert_non_null(x);
	assert_int_equal(x->found, CHANGE_FOUND_SERIES);
	assert_string_equal(x->where, "include/linux/mm.h:437");
	change_set_free(next);
	change_set_free(set);
	diff_free(d);
	diff_free(d2);
}

static void assert_span(const struct change *c, enum change_side side,
			unsigned first, unsigned last)
{
	const struct csrc_def *d = change_def(c, side);

	assert_non_null(d);
	assert_int_equal(d->start_line, first);
	assert_int_equal(d->end_line, last);
}

/* Cut functions in fragments: named from the hunk's section. */
static void test_cut_hunks(void **state)
{
	struct diff *d = parse_patch(FIXTURES "cut.patch");
	struct change_set *set = change_set_new();
	const struct change *c;
	const struct csrc_def *def;

	(void)state;
	add_file(set, d, 0, NULL, NULL);
	assert_int_equal(change_set_count(set), 3);
	c = change_set_at(set, 0);
	assert_string_equal(change_name(c), "alpha");
	assert_int_equal(change_kind(c), CSRC_FUNCTION);
	/*
	 * Both hunks start inside alpha's body: one frame named by the
	 * section holds them, up to the second hunk's closing brace.
	 */
	assert_span(c, CHANGE_OLD, 1, 11);
	assert_span(c, CHANGE_NEW, 1, 11);
	def = change_def(c, CHANGE_OLD);
	assert_true(csrc_node_is(def->node, "function_definition"));
	assert_int_equal(change_file_line(c, CHANGE_OLD, 1), 0);
	assert_true(change_line_changed(c, CHANGE_OLD, 6));
	assert_int_equal(change_file_line(c, CHANGE_OLD, 6), 13);
	assert_int_equal(change_file_line(c, CHANGE_OLD, 10), 0);
	assert_int_equal(change_file_line(c, CHANGE_OLD, 11), 30);

	c = change_set_at(set, 1);
	assert_string_equal(change_name(c), "");
	assert_int_equal(change_kind(c), CSRC_DECL);
	assert_null(change_def(c, CHANGE_OLD));
	assert_span(c, CHANGE_NEW, 13, 13);
	assert_int_equal(change_file_line(c, CHANGE_NEW, 13), 32);

	/* delta is whole in the second hunk: not alpha's, not swallowed. */
	c = change_set_at(set, 2);
	assert_string_equal(change_name(c), "delta");
	assert_span(c, CHANGE_OLD, 13, 16);
	assert_span(c, CHANGE_NEW, 14, 17);
	change_set_free(set);
	diff_free(d);
}

/* Full images where the hunks stand at other lines than the headers say. */
static void test_cut_full_offsets(void **state)
{
	struct diff *d = parse_patch(FIXTURES "cut.patch");
	struct change_set *set = change_set_new();
	const struct change *c;

	(void)state;
	add_file(set, d, 0, FIXTURES "foo-old.c", FIXTURES "foo-new.c");
	assert_int_equal(change_set_count(set), 3);
	c = change_set_at(set, 0);
	assert_string_equal(change_name(c), "alpha");
	assert_span(c, CHANGE_OLD, 12, 21);
	assert_int_equal(change_def(c, CHANGE_OLD)->doc_line, 11);
	assert_true(change_line_changed(c, CHANGE_OLD, 17));
	assert_true(change_line_changed(c, CHANGE_NEW, 17));
	assert_false(change_line_changed(c, CHANGE_OLD, 16));
	/* Image line 17 is the patch's line 13: the hunk stood 4 lower. */
	assert_int_equal(change_file_line(c, CHANGE_OLD, 17), 13);
	assert_int_equal(change_map_old_to_new(c, 16), 16);
	assert_int_equal(change_map_old_to_new(c, 17), 0);
	assert_int_equal(change_map_old_to_new(c, 22), 22);
	assert_int_equal(change_map_old_to_new(c, 23), 24);
	assert_int_equal(change_map_old_to_new(c, 1), 1);
	c = change_set_at(set, 1);
	assert_string_equal(change_name(c), "");
	assert_span(c, CHANGE_NEW, 23, 23);
	c = change_set_at(set, 2);
	assert_string_equal(change_name(c), "delta");
	assert_span(c, CHANGE_OLD, 23, 26);
	assert_span(c, CHANGE_NEW, 24, 27);
	change_set_free(set);
	diff_free(d);
}

/* A hunk not in the given image: fall back to the hunks, say why. */
static void test_fallback(void **state)
{
	struct diff *d = parse_patch(FIXTURES "cut.patch");
	struct change_set *set = change_set_new();
	const struct change *c;
	static const char other[] = "int unrelated;\n";

	(void)state;
	assert_int_equal(change_set_add_file(
				 set, diff_file(d, 0), other, strlen(other),
				 other, strlen(other), CHANGE_FROM_GIT, NULL),
			 0);
	assert_int_equal(change_set_count(set), 3);
	c = change_set_at(set, 0);
	assert_true(change_partial(c));
	assert_int_equal(change_origin(c), CHANGE_FROM_GIT);
	assert_string_equal(change_partial_reason(c),
			    "mm/foo.c: hunk 1 (@@ -10,7 +10,7 @@) not found "
			    "in the pre-image");
	assert_string_equal(change_name(c), "alpha");
	/* The caller's reason is kept. */
	assert_int_equal(change_set_add_file(set, diff_file(d, 0), NULL, 0,
					     NULL, 0, CHANGE_FROM_HUNKS,
					     "mm/foo.c: blob 1111111 missing"),
			 0);
	assert_string_equal(change_partial_reason(change_set_at(set, 3)),
			    "mm/foo.c: blob 1111111 missing");
	change_set_free(set);
	diff_free(d);
}

/*
 * Many definitions of one name (#if'd variants of foo): copy i stands at
 * lines 6i+1 (#if) to 6i+6 (#endif), foo at 6i+2. The patch changes every
 * fifth copy, only removes a line from copy DUP_REMOVED and appends one
 * more foo with a hunk of no context (nothing on the old side).
 */
#define DUP_N 200
#define DUP_REMOVED 102
#define DUP_CHANGES (DUP_N / 5 + 2)

static void dup_build(struct sbuf *old, struct sbuf *new, struct diff **d)
{
	struct sbuf patch = SBUF_INIT;
	int i, delta = 0;

	sbuf_init(old, 0);
	sbuf_init(new, 0);
	sbuf_init(&patch, 0);
	sbuf_addstr(&patch, "diff --git a/mm/dup.c b/mm/dup.c\n"
			    "index 1111111..2222222 100644\n"
			    "--- a/mm/dup.c\n+++ b/mm/dup.c\n");
	for (i = 0; i < DUP_N; i++) {
		sbuf_addf(old,
			  "#if V == %d\nstatic int foo(int x)\n{\n"
			  "\treturn x + %d;\n}\n#endif\n",
			  i, i);
		sbuf_addf(new, "#if V == %d\nstatic int foo(int x)\n{\n", i);
		if (i % 5 == 0) {
			sbuf_addf(new, "\treturn x - %d;\n", i);
			sbuf_addf(&patch,
				  "@@ -%d,5 +%d,5 @@\n static int foo(int x)\n"
				  " {\n-\treturn x + %d;\n+\treturn x - %d;\n"
				  " }\n #endif\n",
				  6 * i + 2, 6 * i + 2 + delta, i, i);
		} else if (i == DUP_REMOVED) {
			sbuf_addf(&patch,
				  "@@ -%d,5 +%d,4 @@\n static int foo(int x)\n"
				  " {\n-\treturn x + %d;\n }\n #endif\n",
				  6 * i + 2, 6 * i + 2 + delta, i);
			delta--;
		} else {
			sbuf_addf(new, "\treturn x + %d;\n", i);
		}
		sbuf_addstr(new, "}\n#endif\n");
	}
	sbuf_addstr(new, "static int foo(int x)\n{\n\treturn x;\n}\n");
	sbuf_addf(&patch,
		  "@@ -%d,0 +%d,4 @@\n+static int foo(int x)\n+{\n"
		  "+\treturn x;\n+}\n",
		  6 * DUP_N, 6 * DUP_N + delta + 1);
	if (diff_parse(d, patch.buf, patch.len))
		fail_msg("dup patch: %s", mmr_error_last());
	sbuf_release(&patch);
}

/* The copy the k-th change is about (DUP_N: the appended foo). */
static int dup_copy(size_t k)
{
	if (k == DUP_CHANGES - 1)
		return DUP_N;
	if (k <= DUP_REMOVED / 5)
		return 5 * k;
	if (k == DUP_REMOVED / 5 + 1)
		return DUP_REMOVED;
	return 5 * (k - 1);
}

/* Each change pairs the same copy of foo on both sides, by occurrence. */
static void check_dup(const struct change_set *set)
{
	const struct csrc_def *od, *nd;
	const struct change *c;
	unsigned ol, nl;
	size_t k;
	int i;

	assert_int_equal(change_set_count(set), DUP_CHANGES);
	for (k = 0; k < DUP_CHANGES; k++) {
		c = change_set_at(set, k);
		i = dup_copy(k);
		assert_string_equal(change_name(c), "foo");
		assert_int_equal(change_kind(c), CSRC_FUNCTION);
		od = change_def(c, CHANGE_OLD);
		nd = change_def(c, CHANGE_NEW);
		assert_non_null(nd);
		nl = change_file_line(c, CHANGE_NEW, nd->start_line);
		/* The appended foo follows copy DUP_N - 1, one line short. */
		assert_int_equal(nl, i == DUP_N ?
					     6 * DUP_N :
					     6 * i + 2 - (i > DUP_REMOVED));
		assert_int_equal(change_hunk_of(c, CHANGE_NEW, nd->start_line),
				 k + 1);
		if (i == DUP_N) {
			assert_null(od);
			continue;
		}
		assert_non_null(od);
		ol = change_file_line(c, CHANGE_OLD, od->start_line);
		assert_int_equal(ol, 6 * i + 2);
		assert_int_equal(change_hunk_of(c, CHANGE_OLD, od->start_line),
				 k + 1);
		assert_int_equal(change_hunk_of(c, CHANGE_OLD, od->end_line),
				 k + 1);
		assert_int_equal(count_changed(c, CHANGE_NEW, nd->start_line,
					       nd->end_line),
				 i == DUP_REMOVED ? 0 : 1);
	}
}

static void test_duplicate_names_full(void **state)
{
	struct sbuf old = SBUF_INIT, new = SBUF_INIT;
	struct change_set *set = change_set_new();
	const struct change *c;
	struct diff *d;

	(void)state;
	dup_build(&old, &new, &d);
	assert_int_equal(change_set_add_file(set, diff_file(d, 0), old.buf,
					     old.len, new.buf, new.len,
					     CHANGE_FROM_BLOB, NULL),
			 0);
	assert_false(change_partial(change_set_at(set, 0)));
	check_dup(set);
	/* Lines between hunks, and past the end, are in no hunk. */
	c = change_set_at(set, 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 1), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 2), 1);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 6), 1);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 7), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 32), 2);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 6 * DUP_N), 0);
	/* The appended lines: new lines 6 * DUP_N to 6 * DUP_N + 3. */
	assert_int_equal(change_hunk_of(c, CHANGE_NEW, 6 * DUP_N - 1), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_NEW, 6 * DUP_N), DUP_CHANGES);
	assert_int_equal(change_hunk_of(c, CHANGE_NEW, 6 * DUP_N + 3),
			 DUP_CHANGES);
	assert_int_equal(change_hunk_of(c, CHANGE_NEW, 6 * DUP_N + 4), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 0), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 100000), 0);
	change_set_free(set);
	diff_free(d);
	sbuf_release(&old);
	sbuf_release(&new);
}

static void test_duplicate_names_hunks(void **state)
{
	struct sbuf old = SBUF_INIT, new = SBUF_INIT;
	struct change_set *set = change_set_new();
	const struct change *c;
	struct diff *d;
	unsigned l;

	(void)state;
	dup_build(&old, &new, &d);
	add_file(set, d, 0, NULL, NULL);
	assert_true(change_partial(change_set_at(set, 0)));
	check_dup(set);
	/* Fragments: 5 lines a hunk, an empty line between hunks. */
	c = change_set_at(set, 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 5), 1);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 6), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, 7), 2);
	/*
	 * The last hunk has no old line: the old fragment ends with the
	 * empty line before it, after the hunk before.
	 */
	l = csrc_nlines(change_src(c, CHANGE_OLD));
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, l), 0);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, l - 1), DUP_CHANGES - 1);
	assert_int_equal(change_hunk_of(c, CHANGE_OLD, l + 1), 0);
	change_set_free(set);
	diff_free(d);
	sbuf_release(&old);
	sbuf_release(&new);
}

/* Too deep C in one file: an error naming it; the set stays usable. */
static void test_too_deep(void **state)
{
	struct change_set *set = change_set_new();
	struct diff *deep, *cut = parse_patch(FIXTURES "cut.patch");
	struct sbuf sb = SBUF_INIT;
	int i;

	(void)state;
	sbuf_init(&sb, 0);
	sbuf_addstr(&sb, "diff --git a/mm/deep.c b/mm/deep.c\n"
			 "index 1111111..2222222 100644\n"
			 "--- a/mm/deep.c\n+++ b/mm/deep.c\n"
			 "@@ -1,2 +1,3 @@\n int f(void)\n {\n+\tx = ");
	for (i = 0; i < 300; i++)
		sbuf_addch(&sb, '(');
	sbuf_addstr(&sb, "a;\n");
	if (diff_parse(&deep, sb.buf, sb.len))
		fail_msg("deep patch: %s", mmr_error_last());
	add_file(set, cut, 0, NULL, NULL);
	assert_int_equal(change_set_add_file(set, diff_file(deep, 0), NULL, 0,
					     NULL, 0, CHANGE_FROM_HUNKS, NULL),
			 MMR_ELIMIT);
	assert_string_equal(mmr_error_last(),
			    "mm/deep.c (post image built from the hunks): "
			    "nesting deeper than 256 at line 3");
	assert_int_equal(change_set_count(set), 3);
	add_file(set, cut, 0, NULL, NULL);
	assert_int_equal(change_set_count(set), 6);
	assert_string_equal(change_name(change_set_at(set, 5)), "delta");
	change_set_free(set);
	diff_free(deep);
	diff_free(cut);
	sbuf_release(&sb);
}

/* The seed patch on Debian's 6.1 files, which are its exact pre-image. */
static void test_seed_kernel_tree(void **state)
{
	static const char *const paths[] = { TEST_KERNEL_61
					     "include/linux/mm.h",
					     TEST_KERNEL_61 "mm/memory.c" };
	struct diff *d = parse_patch(FIXTURES "seed.mbox");
	struct change_set *set = change_set_new();
	size_t i, olen, nlen;
	char *old, *new;

	(void)state;
	if (!test_have_kernel()) {
		change_set_free(set);
		diff_free(d);
		skip();
	}
	for (i = 0; i < 2; i++) {
		old = test_need_file(paths[i], &olen);
		assert_int_equal(
			apply_file(&new, &nlen, old, olen, diff_file(d, i)), 0);
		assert_int_equal(change_set_add_file(set, diff_file(d, i), old,
						     olen, new, nlen,
						     CHANGE_FROM_BLOB, NULL),
				 0);
		free(old);
		free(new);
	}
	check_seed(set, 1259, 437);
	assert_int_equal(
		change_def(change_set_at(set, 1), CHANGE_OLD)->doc_line, 1245);
	check_resolve_in_patch(set);
	change_set_free(set);
	diff_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_hunks),
		cmocka_unit_test(test_seed_full),
		cmocka_unit_test(test_sleep_and_wake),
		cmocka_unit_test(test_span_and_def),
		cmocka_unit_test(test_resolve_lookup_and_links),
		cmocka_unit_test(test_cut_hunks),
		cmocka_unit_test(test_cut_full_offsets),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_duplicate_names_full),
		cmocka_unit_test(test_duplicate_names_hunks),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_seed_kernel_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
