// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/diff.c; fixtures in tests/fixtures/diff/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testlib.h"

#include "diff.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/diff/"

static char *read_fixture(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	return test_need_file(path, len);
}

static struct diff *parse_fixture(const char *name)
{
	struct diff *d = NULL;
	size_t len;
	char *buf = read_fixture(name, &len);
	int err = diff_parse(&d, buf, len);

	free(buf);
	if (err)
		fail_msg("%s: %d: %s", name, err, mmr_error_last());
	assert_non_null(d);
	return d;
}

/* Parse a fixture that must fail; check the code and the message. */
static void expect_error(const char *name, int code, const char *msg)
{
	struct diff *d = (struct diff *)1;
	size_t len;
	char *buf = read_fixture(name, &len);
	int err = diff_parse(&d, buf, len);

	free(buf);
	assert_int_equal(err, code);
	assert_null(d);
	assert_string_equal(mmr_error_last(), msg);
}

static void expect_error_buf(const char *buf, size_t len, int code,
			     const char *msg)
{
	struct diff *d = (struct diff *)1;
	int err = diff_parse(&d, buf, len);

	assert_int_equal(err, code);
	assert_null(d);
	if (msg)
		assert_string_equal(mmr_error_last(), msg);
}

static void assert_text(const struct diff_line *l, char origin,
			const char *text)
{
	assert_int_equal(l->origin, origin);
	assert_int_equal(l->len, strlen(text));
	assert_memory_equal(l->text, text, l->len);
}

static size_t count_origin(const struct diff_hunk *h, char origin)
{
	size_t i, n = 0;

	for (i = 0; i < h->nlines; i++)
		n += h->lines[i].origin == origin;
	return n;
}

/* --- the real case ------------------------------------------------------ */

static void test_seed_case(void **state)
{
	struct diff *d = parse_fixture("seed-case.patch");
	const struct diff_file *f;
	const struct diff_hunk *h;
	const char *msg;
	size_t len, added, removed;

	(void)state;
	assert_int_equal(diff_nfiles(d), 2);
	msg = diff_message(d, &len);
	assert_true(len > 0);
	assert_int_equal(strlen(msg), len);
	assert_non_null(strstr(msg, "Signed-off-by: Ada Developer"));
	assert_null(strstr(msg, "include/linux/mm.h |"));
	assert_int_equal(msg[len - 1], '\n');

	f = diff_file(d, 0);
	assert_string_equal(f->old_path, "include/linux/mm.h");
	assert_string_equal(f->new_path, "include/linux/mm.h");
	assert_string_equal(diff_file_path(f), "include/linux/mm.h");
	assert_int_equal(f->status, DIFF_MODIFIED);
	assert_string_equal(diff_status_name(f->status), "modified");
	assert_string_equal(f->old_id, "279c121");
	assert_string_equal(f->new_id, "04293c8");
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->new_mode, 0100644);
	assert_false(f->binary);
	assert_int_equal(f->patch_lineno, 28);
	assert_int_equal(f->nhunks, 1);
	h = &f->hunks[0];
	assert_int_equal(h->old_start, 415);
	assert_int_equal(h->old_count, 6);
	assert_int_equal(h->new_start, 415);
	assert_int_equal(h->new_count, 27);
	assert_string_equal(h->section,
			    "extern unsigned int kobjsize(const void *objp);");
	assert_int_equal(h->patch_lineno, 32);
	assert_int_equal(h->nlines, 27);
	assert_int_equal(count_origin(h, '+'), 21);
	assert_int_equal(count_origin(h, '-'), 0);
	assert_text(&h->lines[0], ' ',
		    "/* VMA basic access permission flags */");
	assert_int_equal(h->lines[0].old_lineno, 415);
	assert_int_equal(h->lines[0].new_lineno, 415);
	assert_int_equal(h->lines[0].patch_lineno, 33);
	assert_text(&h->lines[3], '+', "/*");
	assert_int_equal(h->lines[3].old_lineno, 0);
	assert_int_equal(h->lines[3].new_lineno, 418);
	assert_text(&h->lines[22], '+',
		    "#define VM_COPY_ON_FORK (VM_PFNMAP | VM_MIXEDMAP | "
		    "VM_UFFD_WP)");
	assert_int_equal(h->lines[22].new_lineno, 437);
	assert_int_equal(h->lines[22].patch_lineno, 55);
	assert_text(&h->lines[24], ' ', "");
	assert_int_equal(h->lines[24].old_lineno, 418);
	assert_int_equal(h->lines[24].new_lineno, 439);
	assert_int_equal(h->lines[26].old_lineno, 420);
	assert_int_equal(h->lines[26].new_lineno, 441);

	f = diff_file(d, 1);
	assert_string_equal(diff_file_path(f), "mm/memory.c");
	assert_string_equal(f->old_id, "eba719e");
	assert_string_equal(f->new_id, "0ab7dc0");
	assert_int_equal(f->nhunks, 1);
	h = &f->hunks[0];
	assert_int_equal(h->old_start, 1250);
	assert_int_equal(h->old_count, 16);
	assert_int_equal(h->new_start, 1250);
	assert_int_equal(h->new_count, 7);
	assert_string_equal(h->section,
			    "copy_p4d_range(struct vm_area_struct *dst_vma, "
			    "struct vm_area_struct *src_vma,");
	assert_int_equal(h->patch_lineno, 64);
	assert_int_equal(count_origin(h, '-'), 10);
	assert_int_equal(count_origin(h, '+'), 1);
	assert_int_equal(h->nlines, 17);
	assert_text(&h->lines[3], '-', "\t/*");
	assert_int_equal(h->lines[3].old_lineno, 1253);
	assert_int_equal(h->lines[3].new_lineno, 0);
	assert_int_equal(h->lines[3].patch_lineno, 68);
	assert_text(&h->lines[12], '-',
		    "\tif (src_vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))");
	assert_int_equal(h->lines[12].old_lineno, 1262);
	assert_text(&h->lines[13], '+',
		    "\tif (src_vma->vm_flags & VM_COPY_ON_FORK)");
	assert_int_equal(h->lines[13].new_lineno, 1253);
	assert_int_equal(h->lines[13].patch_lineno, 78);
	assert_text(&h->lines[14], ' ', "\t\treturn true;");
	assert_int_equal(h->lines[14].old_lineno, 1263);
	assert_int_equal(h->lines[14].new_lineno, 1254);
	assert_text(&h->lines[16], ' ', "\tif (src_vma->anon_vma)");
	assert_int_equal(h->lines[16].old_lineno, 1265);
	assert_int_equal(h->lines[16].new_lineno, 1256);
	assert_false(h->lines[16].no_newline);

	diff_stats(d, &added, &removed);
	assert_int_equal(added, 22);
	assert_int_equal(removed, 10);
	assert_null(diff_file(d, 2));
	diff_free(d);
}

/* --- formats ---------------------------------------------------------- */

static void test_plain(void **state)
{
	struct diff *d = parse_fixture("plain.patch");
	const struct diff_file *f;
	size_t len;

	(void)state;
	assert_int_equal(diff_nfiles(d), 2);
	assert_string_equal(diff_message(d, &len), "Fix two typos.\n\n"
						   "diff -urN linux.orig/mm/a.c"
						   " linux/mm/a.c\n");
	f = diff_file(d, 0);
	assert_string_equal(f->old_path, "mm/a.c");
	assert_string_equal(f->new_path, "mm/a.c");
	assert_null(f->old_id);
	assert_int_equal(f->patch_lineno, 4);
	assert_int_equal(f->hunks[0].old_start, 10);
	assert_string_equal(f->hunks[0].section, "int a(void)");
	assert_text(&f->hunks[0].lines[2], '+', "two");
	assert_int_equal(f->hunks[0].lines[2].new_lineno, 11);
	f = diff_file(d, 1);
	assert_string_equal(f->new_path, "mm/b.c");
	assert_int_equal(f->patch_lineno, 11);
	assert_int_equal(f->nhunks, 1);
	assert_string_equal(f->hunks[0].section, "");
	assert_int_equal(f->hunks[0].lines[2].old_lineno, 2);
	assert_int_equal(f->hunks[0].lines[2].new_lineno, 3);
	diff_free(d);
}

static void test_new_file(void **state)
{
	struct diff *d = parse_fixture("new-file.patch");
	const struct diff_file *f = diff_file(d, 0);
	const struct diff_hunk *h = &f->hunks[0];
	size_t len;

	(void)state;
	assert_int_equal(diff_nfiles(d), 1);
	assert_string_equal(diff_message(d, &len), "Subject: add a file\n");
	assert_int_equal(len, 20);
	assert_int_equal(f->status, DIFF_ADDED);
	assert_string_equal(diff_status_name(f->status), "added");
	assert_null(f->old_path);
	assert_string_equal(f->new_path, "mm/new.c");
	assert_string_equal(diff_file_path(f), "mm/new.c");
	assert_int_equal(f->new_mode, 0100644);
	assert_int_equal(f->old_mode, 0);
	assert_string_equal(f->old_id, "0000000");
	assert_string_equal(f->new_id, "e69de29");
	assert_int_equal(h->old_start, 0);
	assert_int_equal(h->old_count, 0);
	assert_int_equal(h->new_start, 1);
	assert_int_equal(h->new_count, 2);
	assert_int_equal(h->nlines, 2);
	assert_text(&h->lines[1], '+', "int y;");
	assert_int_equal(h->lines[1].new_lineno, 2);
	assert_int_equal(h->lines[1].old_lineno, 0);
	diff_free(d);
}

static void test_deleted_file(void **state)
{
	struct diff *d = parse_fixture("deleted-file.patch");
	const struct diff_file *f = diff_file(d, 0);
	size_t len;

	(void)state;
	assert_int_equal(diff_message(d, &len)[0], '\0');
	assert_int_equal(len, 0);
	assert_int_equal(f->status, DIFF_DELETED);
	assert_string_equal(diff_status_name(f->status), "deleted");
	assert_string_equal(f->old_path, "mm/old.c");
	assert_null(f->new_path);
	assert_string_equal(diff_file_path(f), "mm/old.c");
	assert_int_equal(f->old_mode, 0100755);
	assert_int_equal(f->hunks[0].old_start, 1);
	assert_int_equal(f->hunks[0].old_count, 1);
	assert_int_equal(f->hunks[0].new_start, 0);
	assert_int_equal(f->hunks[0].new_count, 0);
	assert_text(&f->hunks[0].lines[0], '-', "hello");
	assert_int_equal(f->hunks[0].lines[0].old_lineno, 1);
	diff_free(d);
}

static void test_rename(void **state)
{
	struct diff *d = parse_fixture("rename.patch");
	const struct diff_file *f = diff_file(d, 0);
	size_t len;

	(void)state;
	assert_string_equal(diff_message(d, &len), "mm: rename\n\n");
	assert_int_equal(f->status, DIFF_RENAMED);
	assert_string_equal(diff_status_name(f->status), "renamed");
	assert_int_equal(f->similarity, 90);
	assert_string_equal(f->old_path, "mm/old name.c");
	assert_string_equal(f->new_path, "mm/new name.c");
	assert_string_equal(f->old_id, "1111111");
	assert_int_equal(f->nhunks, 1);
	assert_string_equal(f->hunks[0].section, "static int f(void)");
	assert_int_equal(f->hunks[0].lines[2].old_lineno, 4);
	diff_free(d);
}

static void test_rename_pure_and_copy(void **state)
{
	struct diff *d = parse_fixture("rename-pure.patch");
	const struct diff_file *f;

	(void)state;
	assert_int_equal(diff_nfiles(d), 2);
	f = diff_file(d, 0);
	assert_int_equal(f->status, DIFF_RENAMED);
	assert_int_equal(f->similarity, 100);
	assert_string_equal(f->old_path, "x/y.c");
	assert_string_equal(f->new_path, "z/y.c");
	assert_int_equal(f->nhunks, 0);
	assert_null(f->hunks);
	f = diff_file(d, 1);
	assert_int_equal(f->status, DIFF_COPIED);
	assert_string_equal(diff_status_name(f->status), "copied");
	assert_int_equal(f->similarity, 75);
	assert_string_equal(f->old_path, "p.c");
	assert_string_equal(f->new_path, "q.c");
	assert_int_equal(f->patch_lineno, 5);
	diff_free(d);
}

static void test_mode_change(void **state)
{
	struct diff *d = parse_fixture("mode.patch");
	const struct diff_file *f = diff_file(d, 0);

	(void)state;
	assert_int_equal(diff_nfiles(d), 2);
	assert_int_equal(f->status, DIFF_MODIFIED);
	assert_string_equal(f->old_path, "scripts/run.sh");
	assert_int_equal(f->old_mode, 0100644);
	assert_int_equal(f->new_mode, 0100755);
	assert_int_equal(f->nhunks, 0);
	f = diff_file(d, 1);
	assert_string_equal(f->old_id, "abcdef0");
	assert_int_equal(f->hunks[0].old_count, 1);
	assert_int_equal(f->hunks[0].new_count, 1);
	assert_int_equal(f->hunks[0].nlines, 2);
	diff_free(d);
}

static void test_binary(void **state)
{
	struct diff *d = parse_fixture("binary.patch");
	const struct diff_file *f;

	(void)state;
	assert_int_equal(diff_nfiles(d), 3);
	f = diff_file(d, 0);
	assert_true(f->binary);
	assert_int_equal(f->nhunks, 0);
	assert_string_equal(f->new_path, "img.png");
	assert_string_equal(f->new_id, "89abcde");
	f = diff_file(d, 1);
	assert_true(f->binary);
	assert_int_equal(f->status, DIFF_ADDED);
	assert_int_equal(f->nhunks, 0);
	assert_string_equal(f->old_id,
			    "0000000000000000000000000000000000000000");
	f = diff_file(d, 2);
	assert_false(f->binary);
	assert_string_equal(f->new_path, "mm/d.c");
	assert_int_equal(f->nhunks, 1);
	assert_int_equal(f->hunks[0].old_start, 2);
	assert_int_equal(f->hunks[0].lines[1].new_lineno, 2);
	diff_free(d);
}

static void test_no_newline(void **state)
{
	struct diff *d = parse_fixture("no-newline.patch");
	const struct diff_hunk *h = &diff_file(d, 0)->hunks[0];

	(void)state;
	assert_int_equal(h->nlines, 3);
	assert_false(h->lines[0].no_newline);
	assert_text(&h->lines[1], '-', "last");
	assert_true(h->lines[1].no_newline);
	assert_text(&h->lines[2], '+', "last");
	assert_true(h->lines[2].no_newline);
	assert_int_equal(h->lines[2].patch_lineno, 8);
	diff_free(d);
}

static void test_quoted(void **state)
{
	struct diff *d = parse_fixture("quoted.patch");
	const struct diff_file *f = diff_file(d, 0);

	(void)state;
	assert_int_equal(f->status, DIFF_RENAMED);
	assert_string_equal(f->old_path, "dir/sp ace\xc3\xa9.c");
	assert_string_equal(f->new_path, "dir/tab\there.c");
	assert_text(&f->hunks[0].lines[0], '-', "\"x\"");
	diff_free(d);
}

static void test_signature(void **state)
{
	struct diff *d = parse_fixture("signature.patch");
	const struct diff_file *f = diff_file(d, 0);
	const struct diff_hunk *h = &f->hunks[0];

	(void)state;
	/* "-- " inside the counts is a removed "- " line; after, the end. */
	assert_int_equal(diff_nfiles(d), 1);
	assert_int_equal(h->nlines, 3);
	assert_text(&h->lines[0], '-', "- ");
	assert_text(&h->lines[1], '+', "--");
	assert_text(&h->lines[2], ' ', "keep");
	diff_free(d);
}

static void test_new_file_signature(void **state)
{
	struct diff *d = parse_fixture("new-file.patch");

	(void)state;
	assert_int_equal(diff_nfiles(d), 1);
	assert_int_equal(diff_file(d, 0)->hunks[0].nlines, 2);
	diff_free(d);
}

static void test_empty_context(void **state)
{
	struct diff *d = parse_fixture("empty-context.patch");
	const struct diff_hunk *h = &diff_file(d, 0)->hunks[0];

	(void)state;
	assert_int_equal(h->nlines, 6);
	assert_text(&h->lines[1], ' ', "");
	assert_int_equal(h->lines[1].old_lineno, 8);
	assert_int_equal(h->lines[1].new_lineno, 8);
	assert_text(&h->lines[4], ' ', "");
	assert_text(&h->lines[5], ' ', "}");
	assert_int_equal(h->lines[5].old_lineno, 11);
	assert_int_equal(h->lines[5].new_lineno, 11);
	diff_free(d);
}

static void test_crlf(void **state)
{
	struct diff *d = parse_fixture("crlf.patch");
	const struct diff_file *f = diff_file(d, 0);
	size_t len;

	(void)state;
	assert_string_equal(diff_message(d, &len), "msg\r\n");
	assert_string_equal(f->new_path, "w.c");
	assert_string_equal(f->new_id, "789abcd");
	assert_int_equal(f->new_mode, 0100644);
	assert_text(&f->hunks[0].lines[0], '-', "a");
	assert_text(&f->hunks[0].lines[2], ' ', "c");
	diff_free(d);
}

static void test_multi_hunk(void **state)
{
	struct diff *d = parse_fixture("multi-hunk.patch");
	const struct diff_file *f = diff_file(d, 0);
	const struct diff_hunk *h;

	(void)state;
	assert_int_equal(f->nhunks, 3);
	h = &f->hunks[1];
	assert_int_equal(h->old_start, 20);
	assert_int_equal(h->old_count, 0);
	assert_int_equal(h->new_start, 22);
	assert_int_equal(h->new_count, 2);
	assert_string_equal(h->section, "second");
	assert_int_equal(h->lines[1].new_lineno, 23);
	h = &f->hunks[2];
	assert_int_equal(h->old_count, 2);
	assert_int_equal(h->new_count, 1);
	assert_int_equal(h->nlines, 2);
	assert_int_equal(h->lines[1].old_lineno, 31);
	assert_int_equal(h->lines[1].new_lineno, 33);
	assert_int_equal(h->patch_lineno, 13);
	diff_free(d);
}

static void test_message_only(void **state)
{
	struct diff *d = parse_fixture("message-only.patch");
	size_t len;

	(void)state;
	assert_int_equal(diff_nfiles(d), 0);
	assert_non_null(strstr(diff_message(d, &len), "> +++ b/quoted"));
	assert_int_equal(len, 53);
	diff_free(d);
}

static void test_empty_input(void **state)
{
	struct diff *d = NULL;
	size_t len = 1, a = 1, r = 1;

	(void)state;
	assert_int_equal(diff_parse(&d, "", 0), 0);
	assert_int_equal(diff_nfiles(d), 0);
	assert_string_equal(diff_message(d, &len), "");
	assert_int_equal(len, 0);
	diff_stats(d, &a, &r);
	assert_int_equal(a, 0);
	assert_int_equal(r, 0);
	diff_free(d);
	diff_free(NULL);
}

static void test_count_omitted(void **state)
{
	static const char p[] = "diff --git a/c b/c\n"
				"--- a/c\n+++ b/c\n"
				"@@ -5 +5 @@\n-x\n+y\n";
	struct diff *d = NULL;
	const struct diff_hunk *h;

	(void)state;
	assert_int_equal(diff_parse(&d, p, sizeof(p) - 1), 0);
	h = &diff_file(d, 0)->hunks[0];
	assert_int_equal(h->old_start, 5);
	assert_int_equal(h->old_count, 1);
	assert_int_equal(h->new_count, 1);
	assert_int_equal(h->lines[0].old_lineno, 5);
	assert_int_equal(h->lines[1].new_lineno, 5);
	diff_free(d);
}

static void test_separator_not_header(void **state)
{
	/* "---" and a diffstat line that starts like a header */
	static const char p[] = "msg\n---\n--- a/x | 2 +-\n"
				"diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				"@@ -1 +1 @@\n-a\n+b\n";
	struct diff *d = NULL;
	size_t len;

	(void)state;
	assert_int_equal(diff_parse(&d, p, sizeof(p) - 1), 0);
	assert_int_equal(diff_nfiles(d), 1);
	assert_string_equal(diff_message(d, &len), "msg\n");
	assert_int_equal(diff_file(d, 0)->patch_lineno, 4);
	diff_free(d);
}

static void test_header_names(void **state)
{
	/* spaces, no prefix, " b/" inside a name, a quoted second name */
	static const char p[] = "diff --git a/x y b/x y\nold mode 100644\n"
				"new mode 100755\n"
				"diff --git mm/a.c mm/a.c\nold mode 100644\n"
				"new mode 100755\n"
				"diff --git a/p b/q b/r\nold mode 100644\n"
				"new mode 100755\n"
				"diff --git a/s \"b/t\\tu\"\nold mode 100644\n"
				"new mode 100755\n";
	struct diff *d = NULL;

	(void)state;
	assert_int_equal(diff_parse(&d, p, sizeof(p) - 1), 0);
	assert_int_equal(diff_nfiles(d), 4);
	assert_string_equal(diff_file(d, 0)->old_path, "x y");
	assert_string_equal(diff_file(d, 0)->new_path, "x y");
	assert_string_equal(diff_file(d, 1)->old_path, "mm/a.c");
	assert_string_equal(diff_file(d, 1)->new_path, "mm/a.c");
	assert_string_equal(diff_file(d, 2)->old_path, "p");
	assert_string_equal(diff_file(d, 2)->new_path, "q b/r");
	assert_string_equal(diff_file(d, 3)->old_path, "s");
	assert_string_equal(diff_file(d, 3)->new_path, "t\tu");
	assert_int_equal(diff_file(d, 3)->new_mode, 0100755);
	diff_free(d);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(diff_status_name(DIFF_MODIFIED), "modified");
	assert_string_equal(diff_status_name((enum diff_status)99), "unknown");
}

/* --- bad input -------------------------------------------------------- */

static void test_short_hunk(void **state)
{
	(void)state;
	expect_error("short-hunk.patch", MMR_EINVAL,
		     "hunk 2 of 'mm/memory.c' (line 8): "
		     "header says 7 old lines, found 6");
}

static void test_short_hunk_eof(void **state)
{
	static const char p[] = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				"@@ -1,2 +1,3 @@\n a\n+b\n";

	(void)state;
	expect_error_buf(p, sizeof(p) - 1, MMR_EINVAL,
			 "hunk 1 of 'x' (line 4): "
			 "header says 2 old lines, found 1");
}

static void test_short_hunk_new(void **state)
{
	static const char p[] = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				"@@ -1,1 +1,3 @@\n a\n+b\n\n-- \n2.43.0\n";

	(void)state;
	expect_error_buf(p, sizeof(p) - 1, MMR_EINVAL,
			 "hunk 1 of 'x' (line 4): "
			 "header says 3 new lines, found 2");
}

static void test_long_hunk(void **state)
{
	(void)state;
	expect_error("long-hunk.patch", MMR_EINVAL,
		     "hunk 1 of 'l.c' (line 4): "
		     "header says 1 old lines, found more at line 6");
}

static void test_bad_line(void **state)
{
	(void)state;
	expect_error("bad-line.patch", MMR_EINVAL,
		     "hunk 1 of 'b.c' (line 4): "
		     "header says 3 old lines, found 1");
}

static void test_overlap(void **state)
{
	(void)state;
	expect_error("overlap.patch", MMR_EINVAL,
		     "hunk 2 of 'o.c' (line 9): "
		     "overlaps or comes before hunk 1");
}

static void test_overflow(void **state)
{
	static const char p2[] = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				 "@@ -1,1 +4294967295,2 @@\n";

	(void)state;
	expect_error("overflow.patch", MMR_EINVAL,
		     "hunk 1 of 'v.c' (line 4): invalid hunk header "
		     "'@@ -99999999999,1 +1,1 @@'");
	/* start + count does not fit */
	expect_error_buf(p2, sizeof(p2) - 1, MMR_EINVAL, NULL);
}

static void test_bad_hunk_headers(void **state)
{
	static const char *const bad[] = {
		"@@ -1,1 +1,1\n-a\n+b\n",
		"@@ -a +1 @@\n",
		"@@ -1, +1 @@\n",
		"@@ 1 +1 @@\n",
		"@@ -1 -1 @@\n",
		"@@ -0,1 +1 @@\n-a\n", /* line 0 with lines */
		"@@ -1 +1 @\n",
	};
	struct sbuf sb = SBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sbuf_reset(&sb);
		sbuf_addstr(&sb, "diff --git a/x b/x\n--- a/x\n+++ b/x\n");
		sbuf_addstr(&sb, bad[i]);
		expect_error_buf(sb.buf, sb.len, MMR_EINVAL, NULL);
		assert_non_null(strstr(mmr_error_last(), "hunk 1 of 'x'"));
	}
	sbuf_release(&sb);
}

static void test_bad_mode(void **state)
{
	(void)state;
	expect_error("bad-mode.patch", MMR_EINVAL,
		     "'m' (line 3): invalid mode in 'new mode 10x755'");
}

static void test_bad_index(void **state)
{
	(void)state;
	expect_error("bad-index.patch", MMR_EINVAL,
		     "'i' (line 2): invalid index line "
		     "'index zzzz..1234 100644'");
}

static void test_bad_header_lines(void **state)
{
	static const char *const bad[] = {
		"similarity index 101%\n", "similarity index 50\n",
		"new file mode 999\n",	   "old mode 1777777\n",
		"index 123..\n",	   "rename from \"unterminated\n",
		"rename to \"bad\\q\"\n",
	};
	struct sbuf sb = SBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sbuf_reset(&sb);
		sbuf_addstr(&sb, "diff --git a/x b/x\n");
		sbuf_addstr(&sb, bad[i]);
		expect_error_buf(sb.buf, sb.len, MMR_EINVAL, NULL);
		assert_true(mmr_starts_with(mmr_error_last(),
					    strlen(mmr_error_last()),
					    "'x' (line 2): "));
	}
	sbuf_release(&sb);
}

static void test_no_file_name(void **state)
{
	static const char p[] = "diff --git \n";

	(void)state;
	expect_error_buf(p, sizeof(p) - 1, MMR_EINVAL,
			 "line 1: cannot find the file name in the header");
}

static void test_long_line(void **state)
{
	struct sbuf sb = SBUF_INIT;
	char msg[256];

	(void)state;
	sbuf_addstr(&sb, "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
			 "@@ -1 +1 @@\n-");
	while (sb.len < DIFF_MAX_LINE + 100)
		sbuf_addstr(&sb, "0123456789");
	snprintf(msg, sizeof(msg),
		 "hunk 1 of 'x' (line 4): line 5 is too long "
		 "(%zu bytes, limit %zu)",
		 sb.len - strlen("diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				 "@@ -1 +1 @@\n"),
		 DIFF_MAX_LINE);
	expect_error_buf(sb.buf, sb.len, MMR_ELIMIT, msg);

	/* in the message, before any file */
	sbuf_setlen(&sb, 0);
	sbuf_addstr(&sb, "subject\n");
	while (sb.len < DIFF_MAX_LINE + 100)
		sbuf_addstr(&sb, "0123456789");
	expect_error_buf(sb.buf, sb.len, MMR_ELIMIT, NULL);
	assert_true(mmr_starts_with(mmr_error_last(), 20, "line 2: line 2 is"));
	sbuf_release(&sb);
}

static void test_too_many_files(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	(void)state;
	for (i = 0; i <= DIFF_MAX_FILES; i++)
		sbuf_addf(&sb,
			  "diff --git a/f%d b/f%d\nold mode 100644\n"
			  "new mode 100755\n",
			  i, i);
	expect_error_buf(sb.buf, sb.len, MMR_ELIMIT,
			 "line 12289: more than 4096 files");
	sbuf_release(&sb);
}

static void test_max_files_ok(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct diff *d = NULL;
	int i;

	(void)state;
	for (i = 0; i < DIFF_MAX_FILES; i++)
		sbuf_addf(&sb, "diff --git a/f%d b/f%d\n", i, i);
	assert_int_equal(diff_parse(&d, sb.buf, sb.len), 0);
	assert_int_equal(diff_nfiles(d), DIFF_MAX_FILES);
	assert_string_equal(diff_file(d, 4095)->new_path, "f4095");
	diff_free(d);
	sbuf_release(&sb);
}

static void test_too_many_hunks(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	(void)state;
	sbuf_addstr(&sb, "diff --git a/x b/x\n--- a/x\n+++ b/x\n");
	for (i = 0; i <= DIFF_MAX_HUNKS; i++)
		sbuf_addf(&sb, "@@ -%d +%d @@\n-a\n+b\n", i + 1, i + 1);
	expect_error_buf(sb.buf, sb.len, MMR_ELIMIT,
			 "'x' (line 196612): more than 65536 hunks");
	sbuf_release(&sb);
}

static void test_too_many_lines(void **state)
{
	struct sbuf sb = SBUF_INIT;
	char msg[128];
	size_t i;

	(void)state;
	sbuf_addstr(&sb, "diff --git a/x b/x\n@@ -0,0 +1,4194305 @@\n");
	for (i = 0; i <= DIFF_MAX_LINES; i++)
		sbuf_addstr(&sb, "+\n");
	snprintf(msg, sizeof(msg),
		 "hunk 1 of 'x' (line 2): more than %zu lines in hunks at "
		 "line %zu",
		 DIFF_MAX_LINES, DIFF_MAX_LINES + 3);
	expect_error_buf(sb.buf, sb.len, MMR_ELIMIT, msg);
	sbuf_release(&sb);
}

static void test_too_big(void **state)
{
	struct diff *d = (struct diff *)1;

	(void)state;
	/* the length is checked before the buffer is read */
	assert_int_equal(diff_parse(&d, "", DIFF_MAX_INPUT + 1), MMR_ELIMIT);
	assert_null(d);
}

static void test_nul_bytes(void **state)
{
	static const char p[] = "msg\0\n---\ndiff --git a/x b/x\n"
				"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\0a\n+b\0\n";
	static const char junk[] = "\0\0\xff\xfe@@ -1 +1 @@\n\0diff --git "
				   "\"\\\n--- \"\n+++ \n@@ -1 +1 @@\n";
	struct diff *d = NULL;
	const struct diff_hunk *h;
	int err;

	(void)state;
	err = diff_parse(&d, p, sizeof(p) - 1);
	assert_int_equal(err, 0);
	h = &diff_file(d, 0)->hunks[0];
	assert_int_equal(h->lines[0].len, 2);
	assert_memory_equal(h->lines[0].text, "\0a", 2);
	assert_int_equal(h->lines[1].len, 2);
	diff_free(d);

	d = NULL;
	err = diff_parse(&d, junk, sizeof(junk) - 1);
	assert_true(err == 0 || err == MMR_EINVAL);
	diff_free(d);
}

static void test_quadratic_guard(void **state)
{
	/* many "---" lines without "+++" must not be re-scanned */
	struct sbuf sb = SBUF_INIT;
	struct diff *d = NULL;
	int i;

	(void)state;
	sbuf_addstr(&sb, "diff --git a/x b/x\n");
	for (i = 0; i < 200000; i++)
		sbuf_addstr(&sb, "--- a\n");
	assert_int_equal(diff_parse(&d, sb.buf, sb.len), 0);
	assert_int_equal(diff_nfiles(d), 1);
	diff_free(d);
	sbuf_release(&sb);
}

static void test_rename_invariants(void **state)
{
	static const char null_src[] = "diff --git a/mm/x.c b/mm/y.c\n"
				       "similarity index 90%\n"
				       "rename to mm/y.c\n"
				       "--- /dev/null\n+++ b/mm/y.c\n"
				       "@@ -1 +1 @@\n-a\n+b\n";
	static const char lone_to[] = "diff --git x y\nrename to y\n";
	static const char lone_copy[] = "diff --git x y\ncopy to y\n";
	static const char new_rename[] = "diff --git a/a b/b\n"
					 "new file mode 100644\n"
					 "rename to b\n";
	static const char del_rename[] = "diff --git a/a b/b\n"
					 "deleted file mode 100644\n"
					 "rename from a\n";
	static const char both[] = "diff --git a/a b/b\n"
				   "rename from a\nrename to b\n"
				   "diff --git a/n b/n\n"
				   "new file mode 100644\n"
				   "diff --git a/o b/o\n"
				   "deleted file mode 100644\n";
	struct diff *d = NULL;

	(void)state;
	expect_error_buf(null_src, sizeof(null_src) - 1, MMR_EINVAL,
			 "'mm/y.c' (line 1): rename without a source path");
	expect_error_buf(lone_to, sizeof(lone_to) - 1, MMR_EINVAL,
			 "'y' (line 1): rename without a source path");
	expect_error_buf(lone_copy, sizeof(lone_copy) - 1, MMR_EINVAL,
			 "'y' (line 1): copy without a source path");
	expect_error_buf(new_rename, sizeof(new_rename) - 1, MMR_EINVAL,
			 "'b' (line 1): rename without a source path");
	expect_error_buf(del_rename, sizeof(del_rename) - 1, MMR_EINVAL,
			 "'a' (line 1): rename without a destination path");
	assert_int_equal(diff_parse(&d, both, sizeof(both) - 1), 0);
	assert_int_equal(diff_nfiles(d), 3);
	assert_int_equal(diff_file(d, 0)->status, DIFF_RENAMED);
	assert_string_equal(diff_file(d, 0)->old_path, "a");
	assert_string_equal(diff_file(d, 0)->new_path, "b");
	assert_int_equal(diff_file(d, 1)->status, DIFF_ADDED);
	assert_null(diff_file(d, 1)->old_path);
	assert_string_equal(diff_file(d, 1)->new_path, "n");
	assert_int_equal(diff_file(d, 2)->status, DIFF_DELETED);
	assert_string_equal(diff_file(d, 2)->old_path, "o");
	assert_null(diff_file(d, 2)->new_path);
	diff_free(d);
}

static void test_bad_paths(void **state)
{
	static const char nl[] =
		"diff --git \"a/mm/a\\nFrom x\" \"b/mm/a\\nFrom x\"\n"
		"old mode 100644\nnew mode 100755\n";
	static const char del[] =
		"msg\n---\ndiff --git a/x b/x\n"
		"--- a/x\n+++ \"b/x\\177\"\n@@ -1 +1 @@\n-a\n+b\n";
	static const char empty[] =
		"diff --git a/x b/x\nrename from \nrename to x\n";
	static const char abs[] = "--- /etc/passwd\n+++ /etc/passwd\n"
				  "@@ -1 +1 @@\n-a\n+b\n";
	static const char dots[] = "diff --git a/x b/x\n"
				   "rename from mm/../../etc/x\nrename to x\n";
	static const char dots_end[] =
		"diff --git a/x b/mm/..\nold mode 100644\n";
	static const char ok[] = "diff --git a/..x/y.. b/..x/y..\n"
				 "old mode 100644\nnew mode 100755\n";
	struct diff *d = NULL;

	(void)state;
	expect_error_buf(nl, sizeof(nl) - 1, MMR_EINVAL,
			 "line 1: path 'mm/a\\x0aFrom x' contains a control "
			 "character (file header at line 1)");
	expect_error_buf(del, sizeof(del) - 1, MMR_EINVAL,
			 "line 5: path 'x\\x7f' contains a control character "
			 "(file header at line 3)");
	expect_error_buf(empty, sizeof(empty) - 1, MMR_EINVAL,
			 "line 2: path '' is empty (file header at line 1)");
	expect_error_buf(abs, sizeof(abs) - 1, MMR_EINVAL,
			 "line 1: path '/etc/passwd' is absolute "
			 "(file header at line 1)");
	expect_error_buf(dots, sizeof(dots) - 1, MMR_EINVAL,
			 "line 2: path 'mm/../../etc/x' has a '..' component "
			 "(file header at line 1)");
	expect_error_buf(dots_end, sizeof(dots_end) - 1, MMR_EINVAL,
			 "line 1: path 'mm/..' has a '..' component "
			 "(file header at line 1)");
	assert_int_equal(diff_parse(&d, ok, sizeof(ok) - 1), 0);
	assert_string_equal(diff_file(d, 0)->new_path, "..x/y..");
	diff_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_case),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_deleted_file),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_rename_pure_and_copy),
		cmocka_unit_test(test_mode_change),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_new_file_signature),
		cmocka_unit_test(test_empty_context),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_multi_hunk),
		cmocka_unit_test(test_message_only),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_count_omitted),
		cmocka_unit_test(test_separator_not_header),
		cmocka_unit_test(test_header_names),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_short_hunk),
		cmocka_unit_test(test_short_hunk_eof),
		cmocka_unit_test(test_short_hunk_new),
		cmocka_unit_test(test_long_hunk),
		cmocka_unit_test(test_bad_line),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_bad_hunk_headers),
		cmocka_unit_test(test_bad_mode),
		cmocka_unit_test(test_bad_index),
		cmocka_unit_test(test_bad_header_lines),
		cmocka_unit_test(test_no_file_name),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_too_many_files),
		cmocka_unit_test(test_max_files_ok),
		cmocka_unit_test(test_too_many_hunks),
		cmocka_unit_test(test_too_many_lines),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_quadratic_guard),
		cmocka_unit_test(test_rename_invariants),
		cmocka_unit_test(test_bad_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
