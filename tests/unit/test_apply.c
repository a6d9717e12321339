// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/apply.c: hunks onto texts, at offsets or not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apply.h"
#include "diff.h"
#include "sbuf.h"
#include "util.h"

static const char base[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";

/* A one-file patch of the given hunks on "f.c". */
static struct diff *patch(const char *hunks)
{
	struct sbuf sb = SBUF_INIT;
	struct diff *d = NULL;

	sbuf_addf(&sb, "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n%s",
		  hunks);
	assert_int_equal(diff_parse(&d, sb.buf, sb.len), 0);
	assert_int_equal(diff_nfiles(d), 1);
	sbuf_release(&sb);
	return d;
}

static char *apply_ok(const char *text, const char *hunks)
{
	struct diff *d = patch(hunks);
	char *out = NULL;
	size_t len = 0;

	assert_int_equal(
		apply_file(&out, &len, text, strlen(text), diff_file(d, 0)), 0);
	assert_int_equal(len, strlen(out));
	diff_free(d);
	return out;
}

static void test_exact(void **state)
{
	char *out = apply_ok(base,
			     "@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n");

	(void)state;
	assert_string_equal(out, "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\n");
	free(out);
}

static void test_offset_both_ways(void **state)
{
	/* The header says line 1, the lines stand at 4: found below. */
	char *out = apply_ok(base, "@@ -1,2 +1,2 @@\n four\n-five\n+5\n");

	(void)state;
	assert_string_equal(out, "one\ntwo\nthree\nfour\n5\nsix\nseven\n");
	free(out);
	/* The header says 6, the lines stand at 1: found above. */
	out = apply_ok(base, "@@ -6,2 +6,2 @@\n-one\n+1\n two\n");
	assert_string_equal(out, "1\ntwo\nthree\nfour\nfive\nsix\nseven\n");
	free(out);
}

static void test_two_hunks_carry_the_offset(void **state)
{
	char *out = apply_ok("x\nx\n"
			     "a\nb\n"
			     "x\nx\n"
			     "a\nb\n",
			     "@@ -1,2 +1,2 @@\n-a\n+A\n b\n"
			     "@@ -3,2 +3,2 @@\n-a\n+C\n b\n");

	(void)state;
	/* The second hunk is searched after the first, not on it. */
	assert_string_equal(out, "x\nx\nA\nb\nx\nx\nC\nb\n");
	free(out);
}

static void test_insert_and_new_file(void **state)
{
	static const char added[] =
		"diff --git a/n.c b/n.c\n"
		"new file mode 100644\n"
		"--- /dev/null\n+++ b/n.c\n@@ -0,0 +1,2 @@\n"
		"+int a;\n+int b;\n";
	struct diff *d;
	char *out;
	size_t len;

	(void)state;
	out = apply_ok(base, "@@ -7,0 +8,1 @@\n+eight\n");
	assert_string_equal(out, "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
				 "eight\n");
	free(out);
	assert_int_equal(diff_parse(&d, added, sizeof(added) - 1), 0);
	assert_int_equal(apply_file(&out, &len, NULL, 0, diff_file(d, 0)), 0);
	assert_string_equal(out, "int a;\nint b;\n");
	free(out);
	diff_free(d);
}

static void test_no_newline_at_end(void **state)
{
	char *out = apply_ok("a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
				       "\\ No newline at end of file\n");

	(void)state;
	assert_string_equal(out, "a\nc");
	free(out);
}

static void test_does_not_apply(void **state)
{
	struct diff *d = patch("@@ -2,2 +2,2 @@\n two\n-THREE\n+3\n");
	char *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(apply_file(&out, &len, base, strlen(base),
				    diff_file(d, 0)),
			 MMR_EAPPLY);
	assert_null(out);
	assert_string_equal(mmr_error_last(),
			    "hunk 1 of 'f.c' (@@ -2,2 +2,2 @@) does not apply");
	diff_free(d);
}

static void test_find_hunk_sides(void **state)
{
	struct diff *d = patch("@@ -1,2 +1,2 @@\n six\n-seven\n+7\n");
	const struct diff_hunk *h = &diff_file(d, 0)->hunks[0];
	static const char after[] = "one\nsix\n7\n";
	unsigned line = 0;

	(void)state;
	assert_int_equal(
		apply_find_hunk(base, strlen(base), h, false, 0, &line), 0);
	assert_int_equal(line, 6);
	assert_int_equal(
		apply_find_hunk(after, strlen(after), h, true, 0, &line), 0);
	assert_int_equal(line, 2);
	/* Not before min_line. */
	assert_int_equal(apply_find_hunk(after, strlen(after), h, true, 3,
					 &line),
			 MMR_EAPPLY);
	diff_free(d);
}

/*
 * 200000 equal lines and a 20000-line hunk that almost matches anywhere:
 * the search gives up within its budget and says the hunk does not apply.
 */
static void test_search_budget(void **state)
{
	struct sbuf text = SBUF_INIT, p = SBUF_INIT;
	struct diff *d = NULL;
	char *out = NULL;
	size_t len, i;

	(void)state;
	for (i = 0; i < 200000; i++)
		assert_int_equal(sbuf_addstr(&text, "a\n"), 0);
	sbuf_addstr(&p, "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n"
			"@@ -1,20000 +1,20000 @@\n");
	for (i = 0; i < 19999; i++)
		sbuf_addstr(&p, " a\n");
	sbuf_addstr(&p, "-b\n+c\n");
	assert_int_equal(diff_parse(&d, p.buf, p.len), 0);
	assert_int_equal(apply_file(&out, &len, text.buf, text.len,
				    diff_file(d, 0)),
			 MMR_EAPPLY);
	assert_null(out);
	diff_free(d);
	sbuf_release(&p);
	sbuf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_offset_both_ways),
		cmocka_unit_test(test_two_hunks_carry_the_offset),
		cmocka_unit_test(test_insert_and_new_file),
		cmocka_unit_test(test_no_newline_at_end),
		cmocka_unit_test(test_does_not_apply),
		cmocka_unit_test(test_find_hunk_sides),
		cmocka_unit_test(test_search_budget),
	};

	return cmocka_run_group_tests_name("apply", tests, NULL, NULL);
}
