// SPDX-License-Identifier: GPL-2.0
/* Unit tests for parsers/csrc.c; fixtures in tests/fixtures/csrc/. */
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

#include "csrc.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/csrc/"

static struct csrc *parse_file(const char *path, char **orig, size_t *olen)
{
	struct csrc *cs = NULL;
	size_t len;
	char *buf = test_need_file(path, &len);
	int err = csrc_parse(&cs, buf, len);

	if (err)
		fail_msg("%s: %d: %s", path, err, mmr_error_last());
	if (orig) {
		*orig = buf;
		*olen = len;
	} else {
		free(buf);
	}
	return cs;
}

static struct csrc *parse_fixture(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	return parse_file(path, NULL, NULL);
}

static struct csrc *parse_str(const char *s)
{
	struct csrc *cs = NULL;

	assert_int_equal(csrc_parse(&cs, s, strlen(s)), 0);
	return cs;
}

/* The byte offset of the n-th (0-based) occurrence of s in text. */
static size_t offset_of(const char *text, const char *s, unsigned n)
{
	const char *p = text;

	for (;;) {
		p = strstr(p, s);
		if (!p)
			fail_msg("'%s' not in the text", s);
		if (!n--)
			return p - text;
		p++;
	}
}

static void assert_blank(const char *t, size_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[off + i] != ' ')
			fail_msg("byte %zu is '%c', not blank", off + i,
				 t[off + i]);
}

static void test_annotations_blanked(void **state)
{
	struct csrc *cs;
	const char *t;
	char *orig;
	size_t len, olen, off, errors, missing;

	(void)state;
	cs = parse_file(FIXTURES "annotations.c", &orig, &olen);
	t = csrc_text(cs, &len);
	assert_int_equal(len, olen);
	assert_int_equal(strlen(t), len);
	/* Same lines and offsets: only annotation bytes differ. */
	off = offset_of(orig, "static int __init __must_check", 0);
	assert_memory_equal(t + off, "static int ", 11);
	assert_blank(t, off + 11, strlen("__init __must_check"));
	off = offset_of(orig, "void __user *buf", 0);
	assert_memory_equal(t + off, "void        *buf", 16);
	/* Comments, strings, macro definitions and longer names stay. */
	assert_non_null(strstr(t, "/* Annotations are blanked; __init in"));
	assert_non_null(strstr(t, "char *s = \"__init\";"));
	assert_non_null(strstr(t, "int my__init = __init_task_x;"));
	assert_non_null(strstr(t, "#define __init __section(\".init.text\")"));
	/* Arguments go with the annotation. */
	off = offset_of(orig, "__packed __aligned(sizeof(long));", 0);
	assert_blank(t, off, strlen("__packed __aligned(sizeof(long))"));
	assert_int_equal(t[off + strlen("__packed __aligned(sizeof(long))")],
			 ';');
	off = offset_of(orig, "__printf(1, 2) say", 0);
	assert_blank(t, off, strlen("__printf(1, 2)"));
	off = offset_of(orig, "__releases(lock)", 0);
	assert_blank(t, off, strlen("__releases(lock)"));
	off = offset_of(orig, "__exit noinline notrace", 0);
	assert_blank(t, off, strlen("__exit noinline notrace"));
	/* Only DEFINE_PER_CPU(int, pcpu) is left for tree-sitter to trip on. */
	csrc_errors(cs, &errors, &missing);
	assert_int_equal(errors, 1);
	assert_int_equal(missing, 1);
	assert_non_null(csrc_def_find(cs, "setup_thing", CSRC_FUNCTION));
	assert_non_null(csrc_def_find(cs, "cleanup_thing", CSRC_FUNCTION));
	assert_non_null(csrc_def_find(cs, "__init", CSRC_MACRO));
	assert_non_null(csrc_def_find(cs, "foo", CSRC_STRUCT));
	free(orig);
	csrc_free(cs);
}

/* Every annotation of the list is blanked (checks the table's order). */
static void test_annotations_all(void **state)
{
	static const char *const names[] = {
		"__init",
		"__exit",
		"__initdata",
		"__initconst",
		"__meminit",
		"__meminitdata",
		"__ref",
		"__refdata",
		"__user",
		"__kernel",
		"__iomem",
		"__percpu",
		"__rcu",
		"__force",
		"__bitwise",
		"__must_check",
		"__always_inline",
		"__maybe_unused",
		"__always_unused",
		"__read_mostly",
		"__ro_after_init",
		"__cold",
		"__hot",
		"__pure",
		"__noreturn",
		"noinline",
		"__noinline",
		"notrace",
		"__weak",
		"__packed",
		"__cacheline_aligned",
		"__cacheline_aligned_in_smp",
		"__visible",
		"asmlinkage",
		"__latent_entropy",
		"__nocfi",
		"__safe",
		"____cacheline_aligned",
		"__randomize_layout",
		"__no_sanitize_address",
		"__attribute_const__",
		"__malloc",
		"__used",
		"__aligned(8)",
		"__section(\".x\")",
		"__printf(1, 2)",
		"__acquires(a)",
		"__releases(b)",
		"__must_hold(c)",
		"__counted_by(n)",
	};
	struct sbuf sb = SBUF_INIT;
	struct csrc *cs;
	size_t i, len, errors, missing;
	const char *t;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sbuf_addf(&sb, "static int %s v%zu;\n", names[i], i);
	assert_int_equal(csrc_parse(&cs, sb.buf, sb.len), 0);
	t = csrc_text(cs, &len);
	assert_int_equal(len, sb.len);
	for (i = 0; i < len; i++)
		if (t[i] == '_' || t[i] == '(')
			fail_msg("not blanked at %zu: %.40s", i, t + i);
	csrc_errors(cs, &errors, &missing);
	assert_int_equal(errors, 0);
	assert_int_equal(missing, 0);
	assert_int_equal(csrc_nlines(cs), sizeof(names) / sizeof(names[0]));
	csrc_free(cs);
	sbuf_release(&sb);
}

struct want_def {
	enum csrc_kind kind;
	const char *name;
	unsigned start_line, end_line, doc_line;
};

static void assert_defs(const struct csrc *cs, const struct want_def *want,
			size_t n)
{
	const struct csrc_def *defs;
	size_t i, got = csrc_defs(cs, &defs);

	for (i = 0; i < got && i < n; i++) {
		if (defs[i].kind != want[i].kind ||
		    strcmp(defs[i].name, want[i].name) ||
		    defs[i].start_line != want[i].start_line ||
		    defs[i].end_line != want[i].end_line ||
		    defs[i].doc_line != want[i].doc_line)
			fail_msg("def %zu: got %d %s %u-%u doc %u, want %d %s "
				 "%u-%u doc %u",
				 i, defs[i].kind, defs[i].name,
				 defs[i].start_line, defs[i].end_line,
				 defs[i].doc_line, want[i].kind, want[i].name,
				 want[i].start_line, want[i].end_line,
				 want[i].doc_line);
		assert_int_equal(defs[i].doc_start,
				 csrc_line_start(cs, defs[i].doc_line));
	}
	assert_int_equal(got, n);
}

static void test_defs_kernel(void **state)
{
	static const struct want_def want[] = {
		{ CSRC_MACRO, "ONE", 4, 4, 4 },
		{ CSRC_FUNC_MACRO, "ADD", 5, 5, 5 },
		{ CSRC_FUNCTION, "first", 11, 17, 7 },
		{ CSRC_FUNCTION, "in_ifdef", 20, 23, 20 },
		{ CSRC_FUNCTION, "in_else", 25, 28, 25 },
		{ CSRC_STRUCT, "tagged", 31, 33, 31 },
		{ CSRC_UNION, "u_tag", 35, 38, 35 },
		{ CSRC_ENUM, "e_tag", 40, 40, 40 },
		{ CSRC_TYPEDEF, "cb_t", 42, 42, 42 },
		{ CSRC_DECL, "global_count", 44, 44, 44 },
		{ CSRC_DECL, "proto", 45, 45, 45 },
		{ CSRC_FUNCTION, "fixture", 47, 50, 47 },
		{ CSRC_FUNCTION, "get_cb", 52, 55, 52 },
	};
	struct csrc *cs = parse_fixture("kernel.c");
	const struct csrc_def *d;

	(void)state;
	assert_defs(cs, want, sizeof(want) / sizeof(want[0]));
	d = csrc_def_find(cs, "first", -1);
	assert_non_null(d);
	assert_true(csrc_node_eq(cs, d->node,
				 "static struct page *\n"
				 "first(struct vm_area_struct *vma)\n{\n"
				 "\tstruct page *p = container_of(vma, struct "
				 "page, lru);\n\n\treturn p;\n}"));
	assert_ptr_equal(csrc_def_at(cs, csrc_line_start(cs, 14)), d);
	assert_null(csrc_def_at(cs, csrc_line_start(cs, 2)));
	assert_null(csrc_def_find(cs, "first", CSRC_MACRO));
	assert_ptr_equal(csrc_def_find(cs, "ONE", CSRC_MACRO),
			 csrc_def_at(cs, csrc_line_start(cs, 4) + 3));
	csrc_free(cs);
}

/* A function tree-sitter puts in an ERROR node (a cut fragment). */
static void test_defs_in_error(void **state)
{
	struct csrc *cs =
		parse_str("/* doc */\n"
			  "static bool\n"
			  "vma_needs_copy(struct vm_area_struct *dst_vma)\n"
			  "{\n"
			  "\tif (dst_vma->vm_flags & VM_X)\n"
			  "\t\treturn true;\n"
			  "\n"
			  "\tif (dst_vma->anon_vma)\n");
	static const struct want_def want[] = {
		{ CSRC_FUNCTION, "vma_needs_copy", 2, 8, 1 },
	};
	struct csrc_cond *conds;
	const struct csrc_def *d;
	size_t errors;

	(void)state;
	csrc_errors(cs, &errors, NULL);
	assert_int_equal(errors, 1);
	assert_defs(cs, want, 1);
	csrc_defs(cs, &d);
	/* The last "if" has no body yet: not an if_statement. */
	assert_int_equal(csrc_conditions(cs, d->start, d->end, &conds), 1);
	assert_true(
		csrc_node_eq(cs, conds[0].expr, "dst_vma->vm_flags & VM_X"));
	free(conds);
	csrc_free(cs);
}

static void test_lines(void **state)
{
	struct csrc *cs = parse_str("int a;\n\nint b;");
	struct csrc *empty = parse_str("");

	(void)state;
	assert_int_equal(csrc_nlines(cs), 3);
	assert_int_equal(csrc_line_of(cs, 0), 1);
	assert_int_equal(csrc_line_of(cs, 6), 1);
	assert_int_equal(csrc_line_of(cs, 7), 2);
	assert_int_equal(csrc_line_of(cs, 9), 3);
	assert_int_equal(csrc_line_start(cs, 3), 8);
	assert_int_equal(csrc_line_start(cs, 4), 14);
	assert_int_equal(csrc_column_of(cs, 12), 5);
	assert_int_equal(csrc_nlines(empty), 0);
	assert_int_equal(csrc_line_start(empty, 1), 0);
	csrc_free(cs);
	csrc_free(empty);
}

static void assert_cond(const struct csrc *cs, const struct csrc_cond *c,
			enum csrc_cond_kind kind, const char *expr)
{
	char *got = csrc_node_text(cs, c->expr);

	if (c->kind != kind || strcmp(got, expr))
		fail_msg("got %d '%s', want %d '%s'", c->kind, got, kind, expr);
	free(got);
}

static void test_conditions(void **state)
{
	struct csrc *cs = parse_fixture("conditions.c");
	const struct csrc_def *f = csrc_def_find(cs, "f", CSRC_FUNCTION);
	struct csrc_cond *c;
	size_t n, len;

	(void)state;
	csrc_text(cs, &len);
	n = csrc_conditions(cs, 0, len, &c);
	assert_int_equal(n, 9);
	assert_cond(cs, &c[0], CSRC_COND_IF, "vma->vm_flags & VM_WRITE");
	assert_true(strncmp(ts_node_type(c[0].stmt), "if_statement", 12) == 0);
	assert_cond(cs, &c[1], CSRC_COND_WHILE, "a < b");
	assert_cond(cs, &c[2], CSRC_COND_DO, "b > 0");
	assert_cond(cs, &c[3], CSRC_COND_FOR, "a != 10");
	assert_cond(cs, &c[4], CSRC_COND_TERNARY, "a");
	assert_cond(cs, &c[5], CSRC_COND_SWITCH, "a");
	assert_cond(cs, &c[6], CSRC_COND_RETURN, "!a");
	/* "return a + 1" is not boolean-looking. */
	assert_cond(cs, &c[7], CSRC_COND_RETURN, "userfaultfd_wp(vma)");
	assert_cond(cs, &c[8], CSRC_COND_RETURN, "vma->vm_ops");
	free(c);
	/* Only the ones inside f(). */
	n = csrc_conditions(cs, f->start, f->end, &c);
	assert_int_equal(n, 7);
	free(c);
	/* The range is of the expression's start. */
	n = csrc_conditions(
		cs, f->start,
		offset_of(csrc_text(cs, NULL), "while (a < b)", 0) + 8, &c);
	assert_int_equal(n, 2);
	free(c);
	assert_int_equal(csrc_conditions(cs, 5, 5, &c), 0);
	free(c);
	csrc_free(cs);
}

static void test_comments_and_nodes(void **state)
{
	struct csrc *cs = parse_fixture("kernel.c");
	const struct csrc_def *d = csrc_def_find(cs, "first", CSRC_FUNCTION);
	struct csrc_comment *cm;
	TSNode *nodes;
	size_t n;

	(void)state;
	n = csrc_comments(cs, d->doc_start, d->end, &cm);
	assert_int_equal(n, 1);
	assert_int_equal(cm[0].start_line, 7);
	assert_int_equal(cm[0].end_line, 10);
	assert_int_equal(cm[0].start, d->doc_start);
	free(cm);
	n = csrc_comments(cs, d->start, d->end, &cm);
	assert_int_equal(n, 0);
	free(cm);
	n = csrc_find_nodes(cs, d->node, "identifier", &nodes);
	/* first vma p container_of vma struct page lru p: "struct page" */
	assert_int_equal(n, 9); /* as a macro argument is an ERROR */
	assert_true(csrc_node_eq(cs, nodes[0], "first"));
	assert_true(csrc_node_eq(cs, nodes[3], "container_of"));
	assert_true(csrc_node_eq(cs, nodes[8], "p"));
	free(nodes);
	n = csrc_find_nodes(cs, d->node, "call_expression", &nodes);
	assert_int_equal(n, 1);
	free(nodes);
	csrc_free(cs);
}

static void test_parse_expression(void **state)
{
	struct csrc *cs;
	TSNode e;

	(void)state;
	assert_int_equal(csrc_parse_expression(&cs, &e, "((a & b))", 9), 0);
	assert_string_equal(ts_node_type(e), "binary_expression");
	assert_true(csrc_node_eq(cs, e, "a & b"));
	csrc_free(cs);
	assert_int_equal(csrc_parse_expression(
				 &cs, &e, "(__force gfp_t)vma->vm_flags", 28),
			 0);
	assert_string_equal(ts_node_type(e), "cast_expression");
	csrc_free(cs);
	assert_int_equal(csrc_parse_expression(&cs, &e, "x // c", 6), 0);
	assert_true(csrc_node_eq(cs, e, "x"));
	csrc_free(cs);
	assert_int_equal(csrc_parse_expression(&cs, &e, "a); int b = (c", 14),
			 MMR_EINVAL);
	assert_null(cs);
	assert_int_equal(csrc_parse_expression(&cs, &e, "", 0), MMR_EINVAL);
	assert_int_equal(csrc_parse_expression(&cs, &e, "a b", 3), MMR_EINVAL);
	assert_int_equal(csrc_parse(&cs, "", CSRC_MAX_INPUT + 1), MMR_ELIMIT);
	assert_null(cs);
}

static void assert_expansion(const struct csrc *cs, const char *name,
			     enum csrc_kind kind, const char *body,
			     unsigned line, unsigned nparams, const char *p0,
			     const char *p1)
{
	struct csrc_expansion e;

	if (csrc_expansion_find(cs, name, &e))
		fail_msg("%s not found: %s", name, mmr_error_last());
	assert_int_equal(e.kind, kind);
	assert_string_equal(e.body, body);
	assert_int_equal(e.line, line);
	assert_int_equal(e.nparams, nparams);
	if (p0)
		assert_string_equal(e.params[0], p0);
	if (p1)
		assert_string_equal(e.params[1], p1);
	csrc_expansion_release(&e);
}

static void test_expansions(void **state)
{
	struct csrc *cs = parse_fixture("expansions.h");
	struct csrc_expansion e;

	(void)state;
	assert_expansion(cs, "VM_SIMPLE", CSRC_MACRO, "0x10", 2, 0, NULL, NULL);
	assert_expansion(cs, "VM_MULTI", CSRC_MACRO, "(VM_A | VM_B | VM_C)", 3,
			 0, NULL, NULL);
	assert_expansion(cs, "twice", CSRC_FUNC_MACRO, "((x) * 2 + (y))", 6, 2,
			 "x", "y");
	assert_expansion(cs, "vararg", CSRC_FUNC_MACRO,
			 "printk(fmt, __VA_ARGS__)", 7, 2, "fmt", "...");
	assert_expansion(cs, "userfaultfd_wp", CSRC_FUNCTION,
			 "vma->vm_flags & VM_UFFD_WP", 9, 1, "vma", NULL);
	assert_expansion(cs, "no_args", CSRC_FUNCTION, "42", 14, 0, NULL, NULL);
	assert_expansion(cs, "is_cow", CSRC_FUNCTION,
			 "(flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE",
			 31, 1, "flags", NULL);
	assert_int_equal(csrc_expansion_find(cs, "two_statements", &e),
			 MMR_ENOTFOUND);
	assert_int_equal(csrc_expansion_find(cs, "not_static", &e),
			 MMR_ENOTFOUND);
	assert_int_equal(csrc_expansion_find(cs, "nothing", &e), MMR_ENOTFOUND);
	csrc_free(cs);
}

static void test_expansion_parse(void **state)
{
	static const char fn[] =
		"static inline bool userfaultfd_wp(struct vm_area_struct *vma)"
		"\n{\n\treturn vma->vm_flags & VM_UFFD_WP;\n}\n";
	static const char mac[] = "#define VM_COPY_ON_FORK (VM_PFNMAP | \\\n"
				  "\tVM_UFFD_WP)\n";
	struct csrc_expansion e;

	(void)state;
	assert_int_equal(
		csrc_expansion_parse(fn, strlen(fn), "userfaultfd_wp", &e), 0);
	assert_int_equal(e.kind, CSRC_FUNCTION);
	assert_int_equal(e.nparams, 1);
	assert_string_equal(e.params[0], "vma");
	assert_string_equal(e.body, "vma->vm_flags & VM_UFFD_WP");
	csrc_expansion_release(&e);
	assert_int_equal(csrc_expansion_parse(mac, strlen(mac), NULL, &e), 0);
	assert_int_equal(e.kind, CSRC_MACRO);
	assert_string_equal(e.body, "(VM_PFNMAP | VM_UFFD_WP)");
	csrc_expansion_release(&e);
	assert_int_equal(csrc_expansion_parse(mac, strlen(mac), "other", &e),
			 MMR_ENOTFOUND);
}

static void test_kernel_tree(void **state)
{
	struct csrc *cs;
	const struct csrc_def *d;
	struct csrc_expansion e;
	size_t errors;

	(void)state;
	if (!test_have_kernel())
		skip();
	cs = parse_file(TEST_KERNEL_61 "mm/memory.c", NULL, NULL);
	d = csrc_def_find(cs, "vma_needs_copy", CSRC_FUNCTION);
	assert_non_null(d);
	assert_int_equal(d->start_line, 1250);
	assert_int_equal(d->end_line, 1275);
	assert_int_equal(d->doc_line, 1245);
	assert_non_null(csrc_def_find(cs, "copy_page_range", CSRC_FUNCTION));
	csrc_errors(cs, &errors, NULL);
	assert_true(errors < 20);
	csrc_free(cs);
	cs = parse_file(TEST_KERNEL_61 "include/linux/userfaultfd_k.h", NULL,
			NULL);
	assert_int_equal(csrc_expansion_find(cs, "userfaultfd_wp", &e), 0);
	assert_int_equal(e.kind, CSRC_FUNCTION);
	assert_string_equal(e.body, "vma->vm_flags & VM_UFFD_WP");
	assert_string_equal(e.params[0], "vma");
	assert_int_equal(e.line, 119);
	csrc_expansion_release(&e);
	csrc_free(cs);
	cs = parse_file(TEST_KERNEL_61 "mm/mmap.c", NULL, NULL);
	assert_non_null(csrc_def_find(cs, "brk", CSRC_FUNCTION));
	assert_non_null(csrc_def_find(cs, "mmap_pgoff", CSRC_FUNCTION));
	csrc_free(cs);
}

/* Parse s, expecting MMR_ELIMIT with message msg. */
static void assert_too_deep(const char *s, const char *msg)
{
	struct csrc *cs = NULL;

	assert_int_equal(csrc_parse(&cs, s, strlen(s)), MMR_ELIMIT);
	assert_null(cs);
	assert_string_equal(mmr_error_last(), msg);
}

/* prefix, n copies of open, "a", n copies of close, suffix. */
static char *nested(const char *prefix, const char *open, unsigned n,
		    const char *close, const char *suffix)
{
	struct sbuf sb = SBUF_INIT;
	unsigned i;

	sbuf_init(&sb, 0);
	sbuf_addstr(&sb, prefix);
	for (i = 0; i < n; i++)
		sbuf_addstr(&sb, open);
	sbuf_addstr(&sb, "a");
	for (i = 0; i < n; i++)
		sbuf_addstr(&sb, close);
	sbuf_addstr(&sb, suffix);
	return sbuf_detach(&sb, NULL);
}

/* n copies of piece between prefix and suffix. */
static char *repeated(const char *prefix, const char *piece, unsigned n,
		      const char *suffix)
{
	return nested(prefix, piece, n, "", suffix);
}

/*
 * Past 65535 comments in a row tree-sitter 0.20.7 frees what it did not
 * allocate: such runs are refused before parsing, anywhere in the file,
 * and a token between two runs ends the first.
 */
static void test_comment_run_bound(void **state)
{
	static const char fn[] = "int f(void)\n{\n";
	struct csrc *cs;
	char *t;

	(void)state;
	t = repeated("int x;\n", "/* c */\n", CSRC_MAX_COMMENT_RUN, "");
	cs = parse_str(t);
	assert_non_null(csrc_def_find(cs, "x", CSRC_DECL));
	csrc_free(cs);
	free(t);
	t = repeated("int x;\n", "// c\n", 70000, "");
	assert_too_deep(t, "more than 60000 comments in a row at line 60002");
	free(t);
	t = repeated(fn, "/* c */ ", 70000, "\n}\n");
	assert_too_deep(t, "more than 60000 comments in a row at line 3");
	free(t);
	t = repeated("", "/* a */\n/* b */ ;\n", 40000, "");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
}

static void test_nesting_bound(void **state)
{
	static const char fn[] = "int f(void)\n{\n\tx = ";
	struct csrc *cs;
	char *t;

	(void)state;
	/* Exactly the bound: f's "{" and 255 parentheses. */
	t = nested(fn, "(", CSRC_MAX_NESTING - 1, ")", ";\n}\n");
	cs = parse_str(t);
	assert_non_null(csrc_def_find(cs, "f", CSRC_FUNCTION));
	csrc_free(cs);
	free(t);
	t = nested(fn, "(", CSRC_MAX_NESTING, ")", ";\n}\n");
	assert_too_deep(t, "nesting deeper than 256 at line 3");
	free(t);
	/* Brackets of every kind, over lines: 257 open in copy 86's "[". */
	t = nested("int x;\n\n\n", "{\n[(", 100, ")]}", "");
	assert_too_deep(t, "nesting deeper than 256 at line 90");
	free(t);
	/* Prefix operators nest as deeply as brackets. */
	t = nested(fn, "!", 300, "", ";\n}\n");
	assert_too_deep(t, "nesting deeper than 256 at line 3");
	free(t);
	t = nested(fn, "- ", 300, "", ";\n}\n");
	assert_too_deep(t, "nesting deeper than 256 at line 3");
	free(t);
	/* A #if expression counts apart from the code around it. */
	t = nested("int x;\n#if ", "(", 300, ")", "\n#endif\n");
	assert_too_deep(t, "nesting deeper than 256 at line 2");
	free(t);
	t = nested("int y = ", "(", 200, ")", ";\n");
	cs = parse_str(t);
	free(t);
	csrc_free(cs);
}

static void test_nesting_not_counted(void **state)
{
	struct csrc *cs;
	char *t;

	(void)state;
	/* Comments, strings and character literals do not nest. */
	t = nested("/* ", "(", 1000, ")", " */\nint x;\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	t = nested("// ", "{[(", 1000, "", "\nint x;\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	t = nested("char *s = \"", "((", 1000, "", "\";\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	t = nested("int f(void)\n{\n\tg(", "'(', ", 1000, "", "0);\n}\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	/* Siblings are not nested; operators apart are not in a row. */
	t = nested("int f(void)\n{\n", "\tg((a), [1], {2});\n", 1000, "",
		   "}\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	t = nested("int y = ", "!a && -b - *c + ", 1000, "", "0;\n");
	cs = parse_str(t);
	csrc_free(cs);
	free(t);
	/*
	 * A fragment that starts inside a function closes more than it
	 * opens: depth stops at 0, and what follows still counts.
	 */
	t = nested("", "}\n", 1000, "", "\nint f(void)\n{\n\treturn 0;\n}\n");
	cs = parse_str(t);
	assert_non_null(csrc_def_find(cs, "f", CSRC_FUNCTION));
	csrc_free(cs);
	free(t);
	t = nested(")]}\n", "(", 300, ")", "");
	assert_too_deep(t, "nesting deeper than 256 at line 2");
	free(t);
}

/* Real kernel code stays below the bound. */
static void test_nesting_kernel(void **state)
{
	static const char *const files[] = {
		TEST_KERNEL_61 "mm/memory.c",
		TEST_KERNEL_61 "mm/page_alloc.c",
		TEST_KERNEL_61 "include/linux/mm.h",
		TEST_KERNEL_61 "mm/huge_memory.c",
	};
	struct csrc *cs;
	size_t i;

	(void)state;
	if (!test_have_kernel())
		skip();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (access(files[i], R_OK))
			continue;
		cs = parse_file(files[i], NULL, NULL);
		assert_true(csrc_nlines(cs) > 1000);
		csrc_free(cs);
	}
}

/* The named children of a block, comments too, unnamed tokens not. */
static void test_named_children(void **state)
{
	struct csrc *cs = parse_str("void f(void)\n{\n\ta();\n\t/* c */\n"
				    "\tif (x)\n\t\tb();\n}\n");
	const struct csrc_def *def = csrc_def_find(cs, "f", CSRC_FUNCTION);
	TSNode body, *v = NULL;
	size_t n;

	(void)state;
	assert_non_null(def);
	body = csrc_node_field(def->node, "body");
	n = csrc_node_named_children(body, &v);
	assert_int_equal(n, 3);
	assert_string_equal(csrc_node_type(v[0]), "expression_statement");
	assert_string_equal(csrc_node_type(v[1]), "comment");
	assert_string_equal(csrc_node_type(v[2]), "if_statement");
	assert_true(csrc_node_same(v[2], csrc_node_named_child(body, 2)));
	free(v);
	n = csrc_node_named_children(csrc_node_parent(csrc_root(cs)), &v);
	assert_int_equal(n, 0);
	assert_null(v);
	csrc_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_annotations_blanked),
		cmocka_unit_test(test_annotations_all),
		cmocka_unit_test(test_defs_kernel),
		cmocka_unit_test(test_defs_in_error),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_comments_and_nodes),
		cmocka_unit_test(test_parse_expression),
		cmocka_unit_test(test_expansions),
		cmocka_unit_test(test_expansion_parse),
		cmocka_unit_test(test_kernel_tree),
		cmocka_unit_test(test_nesting_bound),
		cmocka_unit_test(test_comment_run_bound),
		cmocka_unit_test(test_nesting_not_counted),
		cmocka_unit_test(test_nesting_kernel),
		cmocka_unit_test(test_named_children),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
