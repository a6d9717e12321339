// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for parsers/cquery.c: compiling queries (errors with their
 * line and column, bounds), every standard predicate, the caller's
 * predicates, byte ranges and bounds of a run, on small C and on Debian's
 * linux-source-6.1 mm/memory.c.
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

#include "cquery.h"
#include "csrc.h"
#include "sbuf.h"
#include "util.h"

static const char code[] =
	"static int f(struct vm_area_struct *vma, int x)\n" /* line 1 */
	"{\n"
	"\tvma->vm_flags = x;\n"
	"\tvma->vm_start = 0;\n"
	"\tfoo(a, b, c);\n" /* 5 */
	"\tbar(a);\n"
	"\tif (userfaultfd_wp(vma))\n"
	"\t\treturn 1;\n"
	"\treturn 0;\n"
	"}\n";

static struct csrc *parse(const char *s)
{
	struct csrc *cs = NULL;

	assert_int_equal(csrc_parse(&cs, s, strlen(s)), 0);
	return cs;
}

static struct cquery *compile(const char *src, const char *const *custom)
{
	struct cquery *q = NULL;
	unsigned line, col;
	int err = cquery_new(&q, src, strlen(src), custom, &line, &col);

	if (err)
		fail_msg("%u:%u: %s", line, col, mmr_error_last());
	return q;
}

/* The error of compiling src, with where it is. */
static int compile_error(const char *src, unsigned *line, unsigned *col)
{
	struct cquery *q = NULL;
	int err = cquery_new(&q, src, strlen(src), NULL, line, col);

	assert_null(q);
	return err;
}

/* Each match as "capture=text ..." lines, for one run. */
struct collected {
	const struct csrc *cs;
	struct sbuf out;
	size_t n;
	int stop_at; /* return 1 at this match (1-based), 0: never */
};

static int collect(const struct cquery_match *m, void *payload)
{
	struct collected *c = payload;
	const char *text = csrc_text(c->cs, NULL);
	size_t i;

	c->n++;
	for (i = 0; i < m->n; i++)
		sbuf_addf(&c->out, "%s%s=%.*s", i ? " " : "",
			  m->captures[i].name,
			  (int)(m->captures[i].end - m->captures[i].start),
			  text + m->captures[i].start);
	sbuf_addch(&c->out, '\n');
	return c->stop_at && (int)c->n == c->stop_at;
}

static char *run(const char *query, const char *c_code)
{
	struct csrc *cs = parse(c_code);
	struct cquery *q = compile(query, NULL);
	struct collected col = { cs, SBUF_INIT, 0, 0 };

	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, NULL, collect, &col),
			 0);
	cquery_free(q);
	csrc_free(cs);
	return sbuf_detach(&col.out, NULL);
}

static void expect(const char *query, const char *want)
{
	char *got = run(query, code);

	assert_string_equal(got, want);
	free(got);
}

/* --- compiling ------------------------------------------------------------ */

static void test_compile_errors(void **state)
{
	unsigned line, col;

	(void)state;
	assert_int_equal(compile_error("(identifier) @a\n\n  (call_expression",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "syntax error");
	assert_int_equal(line, 3);
	assert_true(col >= 1);

	assert_int_equal(compile_error("; c\n(identifer) @a", &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown node type 'identifer'");
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);

	assert_int_equal(compile_error("(call_expression fn: (identifier))",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown field 'fn'");
	assert_int_equal(line, 1);
	assert_int_equal(col, 18);
	/* tree-sitter's own check of these leaks: refused before */
	assert_int_equal(compile_error("(call_expression i.:(E)@a)", &line,
				       &col),
			 MMR_EINVAL);
	assert_string_equal(
		mmr_error_last(),
		"bad node type or field 'i.' (letters, digits and _)");
	assert_int_equal(compile_error("(call_expression 4:_@m)", &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown field '4'");
	assert_int_equal(compile_error("(call_expression -:(E)@a)", &line,
				       &col),
			 MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "bad node type or field '-'"));
	assert_int_equal(compile_error("(call_expression !fn)", &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown field 'fn'");

	assert_int_equal(compile_error("((identifier) @a (#eq? @b \"x\"))",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown capture 'b'");
	assert_int_equal(col, 25);
}

static void test_predicate_errors(void **state)
{
	unsigned line, col;

	(void)state;
	assert_int_equal(compile_error("(identifier) @a\n"
				       "((identifier) @b\n"
				       "  (#eq? @b \"x\") (#frob? @b))",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown predicate '#frob?'");
	assert_int_equal(line, 3);
	assert_int_equal(col, 18);

	/* the second #eq? of a pattern is the wrong one */
	assert_int_equal(compile_error("((identifier) @a (#eq? @a \"x\")\n"
				       " (#eq? @a))",
				       &line, &col),
			 MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "#eq? needs a capture"));
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);

	assert_int_equal(compile_error("((identifier) @a (#match? \"x\" @a))",
				       &line, &col),
			 MMR_EINVAL);
	assert_int_equal(compile_error("((identifier) @a (#any-of? @a))", &line,
				       &col),
			 MMR_EINVAL);
	assert_int_equal(compile_error("((identifier) @a (#any-of? @a @a))",
				       &line, &col),
			 MMR_EINVAL);
	assert_int_equal(compile_error("((identifier) @a (#match? @a \"(\"))",
				       &line, &col),
			 MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "bad regular expression"));
	assert_int_equal(compile_error("((identifier) @a (#set! x y))", &line,
				       &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "unknown predicate '#set!'");
}

static void test_regex_bounds(void **state)
{
	unsigned line, col;
	struct sbuf long_re = SBUF_INIT;
	struct cquery_regex *re;
	size_t i;

	(void)state;
	assert_int_equal(compile_error("((identifier) @a "
				       "(#match? @a \"(a)\\\\1\"))",
				       &line, &col),
			 MMR_EINVAL);
	assert_non_null(strstr(mmr_error_last(), "back-references"));
	assert_int_equal(compile_error("((identifier) @a "
				       "(#match? @a \"(a{1,100}){1,100}\"))",
				       &line, &col),
			 MMR_ELIMIT);
	assert_int_equal(cquery_regex_new(&re, "a{2,}"), MMR_ELIMIT);
	assert_null(re);
	assert_int_equal(cquery_regex_new(&re, "[0-9]{1,3}x{2}"), 0);
	assert_true(cquery_regex_match(re, "12xx", 4));
	assert_false(cquery_regex_match(re, "12x", 3));
	cquery_regex_free(re);
	for (i = 0; i <= CQUERY_MAX_REGEX; i++)
		sbuf_addch(&long_re, 'a');
	assert_int_equal(cquery_regex_new(&re, long_re.buf), MMR_ELIMIT);
	sbuf_release(&long_re);
}

static void test_source_bounds(void **state)
{
	struct sbuf sb = SBUF_INIT;
	unsigned line, col;
	size_t i;

	(void)state;
	sbuf_addstr(&sb, "(identifier) @a\n");
	while (sb.len <= CQUERY_MAX_SOURCE)
		sbuf_addstr(&sb, "; a comment to make the query long\n");
	assert_int_equal(compile_error(sb.buf, &line, &col), MMR_ELIMIT);
	sbuf_reset(&sb);
	sbuf_addstr(&sb, "\n ");
	for (i = 0; i < 1000; i++)
		sbuf_addch(&sb, '(');
	assert_int_equal(compile_error(sb.buf, &line, &col), MMR_ELIMIT);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2 + CQUERY_MAX_NESTING);
	/* brackets in strings and comments do not count */
	sbuf_reset(&sb);
	sbuf_addstr(&sb, "; ");
	for (i = 0; i < 100; i++)
		sbuf_addch(&sb, '(');
	sbuf_addstr(&sb, "\n((identifier) @a (#eq? @a \"");
	for (i = 0; i < 100; i++)
		sbuf_addch(&sb, '[');
	sbuf_addstr(&sb, "\"))");
	cquery_free(compile(sb.buf, NULL));

	/* what makes tree-sitter's compile slow, refused before it runs */
	sbuf_reset(&sb);
	for (i = 0; i <= CQUERY_MAX_NODES; i++)
		sbuf_addstr(&sb, "(identifier) @a\n");
	assert_int_equal(compile_error(sb.buf, &line, &col), MMR_ELIMIT);
	assert_non_null(strstr(mmr_error_last(), "node patterns in a query"));
	assert_int_equal(line, CQUERY_MAX_NODES + 1);
	sbuf_reset(&sb);
	sbuf_addstr(&sb, "(compound_statement\n");
	for (i = 0; i <= CQUERY_MAX_CHILDREN / 2; i++)
		sbuf_addstr(&sb, " [(declaration) \"x\"]\n");
	sbuf_addstr(&sb, ")");
	assert_int_equal(compile_error(sb.buf, &line, &col), MMR_ELIMIT);
	assert_non_null(strstr(mmr_error_last(), "in one node pattern"));
	assert_int_equal(line, CQUERY_MAX_CHILDREN / 2 + 2);
	sbuf_reset(&sb);
	sbuf_addstr(&sb,
		    "((identifier) @a (#eq? @a \"x\") (#match? @a \"?*+\"))\n");
	for (i = 0; i <= CQUERY_MAX_QUANTIFIERS; i++)
		sbuf_addstr(&sb, "(compound_statement (_)? @q)\n");
	assert_int_equal(compile_error(sb.buf, &line, &col), MMR_ELIMIT);
	assert_non_null(strstr(mmr_error_last(), "quantifiers"));
	assert_int_equal(line, CQUERY_MAX_QUANTIFIERS + 2);
	sbuf_release(&sb);
	/* tree-sitter 0.20.7 crashes on these */
	assert_int_equal(compile_error("(identifier)* @a ; x\n ?", &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "a quantifier of a quantifier");
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	assert_int_equal(compile_error("[(_)]+*", &line, &col), MMR_EINVAL);
	assert_int_equal(compile_error("((_) @a)??", &line, &col), MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "a quantifier of a quantifier");
	assert_int_equal(compile_error("(identifier [(identifier)* @n]*)",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(),
			    "a quantifier of a group with a quantifier in it");
	/* and loops on these */
	assert_int_equal(compile_error("((#eq? @a \"x\"))*", &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(),
			    "a quantifier of a group without a node");
	assert_int_equal(compile_error("(((#a)) @c)\n ?", &line, &col),
			 MMR_EINVAL);
	assert_int_equal(line, 2);
	assert_int_equal(compile_error("((identifier) [(identifier) (#p)]*)",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "an alternative without a node");
	assert_int_equal(col, 32);
	assert_int_equal(compile_error("(field_expression argument:(._)@a*)",
				       &line, &col),
			 MMR_EINVAL);
	assert_string_equal(mmr_error_last(),
			    "an anchor (.) outside a node pattern");
	assert_int_equal(compile_error("body:(._)", &line, &col), MMR_EINVAL);
	assert_string_equal(mmr_error_last(), "a field outside a node pattern");
	assert_int_equal(compile_error("((_) body: (_))", &line, &col),
			 MMR_EINVAL);
	cquery_free(compile("(if_statement [condition: (_) consequence: (_)] "
			    "@c)",
			    NULL));
	assert_int_equal(compile_error("[(e!)]*", &line, &col), MMR_EINVAL);
	assert_non_null(
		strstr(mmr_error_last(), "bad node type or field 'e!'"));
	/* capture and predicate names may have them */
	cquery_free(
		compile("((identifier) @a.b-c (#not-eq? @a.b-c \"x\"))", NULL));
	cquery_free(compile("(compound_statement (_)* @a (_)? @b)", NULL));
}

static void test_captures(void **state)
{
	struct cquery *q = compile("(call_expression function: (identifier) "
				   "@fn arguments: (argument_list) @args)",
				   NULL);

	(void)state;
	assert_int_equal(cquery_pattern_count(q), 1);
	assert_int_equal(cquery_capture_count(q), 2);
	assert_string_equal(cquery_capture_name(q, 0), "fn");
	assert_string_equal(cquery_capture_name(q, 1), "args");
	assert_string_equal(cquery_capture_name(q, 9), "");
	assert_int_equal(cquery_capture_id(q, "args"), 1);
	assert_int_equal(cquery_capture_id(q, "nope"), -1);
	cquery_free(q);
}

/* --- running -------------------------------------------------------------- */

static void test_no_predicates(void **state)
{
	(void)state;
	expect("(field_expression field: (field_identifier) @f)",
	       "f=vm_flags\nf=vm_start\n");
	/* a pattern that captures nothing never matches */
	expect("(field_expression)", "");
}

static void test_eq(void **state)
{
	(void)state;
	expect("((field_identifier) @f (#eq? @f \"vm_flags\"))",
	       "f=vm_flags\n");
	expect("((field_identifier) @f (#not-eq? @f \"vm_flags\"))",
	       "f=vm_start\n");
	/* two captures: the call's argument is the same name as the callee */
	expect("(call_expression function: (identifier) @f "
	       "arguments: (argument_list (identifier) @a) (#eq? @a @f))",
	       "");
	expect("(assignment_expression left: (field_expression argument: "
	       "(identifier) @v) right: (identifier) @x (#not-eq? @v @x))",
	       "v=vma x=x\n");
}

static void test_match(void **state)
{
	(void)state;
	expect("((field_identifier) @f (#match? @f \"^vm_f\"))",
	       "f=vm_flags\n");
	expect("((field_identifier) @f (#not-match? @f \"^vm_f\"))",
	       "f=vm_start\n");
	expect("((identifier) @f (#match? @f \"^(foo|bar)$\"))",
	       "f=foo\nf=bar\n");
}

static void test_any_of(void **state)
{
	(void)state;
	expect("(call_expression function: (identifier) @f "
	       "(#any-of? @f \"foo\" \"userfaultfd_wp\"))",
	       "f=foo\nf=userfaultfd_wp\n");
	expect("(call_expression function: (identifier) @f "
	       "(#not-any-of? @f \"foo\" \"userfaultfd_wp\"))",
	       "f=bar\n");
}

/* A capture with several nodes: a predicate must hold for each. */
static void test_several_nodes(void **state)
{
	(void)state;
	expect("(call_expression function: (identifier) @f "
	       "arguments: (argument_list (identifier) @a (identifier) @a))",
	       "f=foo a=a a=b\nf=foo a=a a=c\nf=foo a=b a=c\n");
	expect("(call_expression function: (identifier) @f "
	       "arguments: (argument_list (identifier) @a (identifier) @a) "
	       "(#match? @a \"^[ab]$\"))",
	       "f=foo a=a a=b\n");
	expect("(call_expression function: (identifier) @f "
	       "arguments: (argument_list (identifier) @a (identifier) @a) "
	       "(#not-eq? @a \"c\"))",
	       "f=foo a=a a=b\n");
	/* an optional capture that is absent passes */
	expect("(return_statement (number_literal)? @n (#eq? @n \"7\")) @r",
	       "");
	expect("(if_statement condition: (_) @c (else_clause)? @e "
	       "(#eq? @e \"nothing\"))",
	       "c=(userfaultfd_wp(vma))\n");
}

static void test_byte_range(void **state)
{
	struct csrc *cs = parse(code);
	struct cquery *q = compile("(field_identifier) @f", NULL);
	struct collected col = { cs, SBUF_INIT, 0, 0 };
	const char *from = strstr(code, "vma->vm_start");

	(void)state;
	assert_int_equal(cquery_run(q, cs, (uint32_t)(from - code),
				    (uint32_t)strlen(code), NULL, collect,
				    &col),
			 0);
	assert_string_equal(col.out.buf, "f=vm_start\n");
	/* a match only partly inside the range does not count */
	sbuf_reset(&col.out);
	cquery_free(q);
	q = compile("(expression_statement) @s", NULL);
	assert_int_equal(cquery_run(q, cs, (uint32_t)(from - code) + 1,
				    (uint32_t)strlen(code), NULL, collect,
				    &col),
			 0);
	assert_string_equal(col.out.buf, "s=foo(a, b, c);\ns=bar(a);\n");
	/* an empty range, and one past the end */
	sbuf_reset(&col.out);
	assert_int_equal(cquery_run(q, cs, 5, 5, NULL, collect, &col), 0);
	assert_int_equal(cquery_run(q, cs, 100000, 200000, NULL, collect, &col),
			 0);
	assert_string_equal(col.out.buf, "");
	cquery_free(q);
	sbuf_release(&col.out);
	csrc_free(cs);
}

static void test_stop_and_fail(void **state)
{
	struct csrc *cs = parse(code);
	struct cquery *q = compile("(identifier) @i", NULL);
	struct collected col = { cs, SBUF_INIT, 0, 2 };

	(void)state;
	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, NULL, collect, &col),
			 0);
	assert_int_equal(col.n, 2);
	cquery_free(q);
	sbuf_release(&col.out);
	csrc_free(cs);
}

/* The caller's predicates: found, with where they are, and evaluated. */
struct custom {
	const struct csrc *cs;
	unsigned calls;
	struct sbuf out;
};

static int eval_custom(const struct cquery_match *m,
		       const struct cquery_pred *p, void *payload)
{
	struct custom *c = payload;
	const struct cquery_capture *cap;

	c->calls++;
	if (!strcmp(p->name, "fail?"))
		return mmr_error_set(MMR_EIO, "custom failure");
	cap = cquery_match_find(m, p->args[0].id);
	return cap && cap->end - cap->start == strlen(p->args[1].text);
}

static int keep(const struct cquery_match *m, void *payload)
{
	struct custom *c = payload;
	const struct cquery_capture *cap = &m->captures[0];

	sbuf_addf(&c->out, "%s:%.*s ", cap->type, (int)(cap->end - cap->start),
		  csrc_text(c->cs, NULL) + cap->start);
	return 0;
}

static void test_custom(void **state)
{
	static const char *const custom[] = { "len?", "fail?", NULL };
	struct csrc *cs = parse(code);
	struct cquery *q =
		compile("((identifier) @i (#eq? @i \"vma\"))\n"
			"((field_identifier) @f\n  (#len? @f \"12345678\"))\n",
			custom);
	struct custom c = { cs, 0, SBUF_INIT };
	const struct cquery_pred *p;

	(void)state;
	assert_int_equal(cquery_custom_preds(q, &p), 1);
	assert_string_equal(p[0].name, "len?");
	assert_int_equal(p[0].pattern, 1);
	assert_int_equal(p[0].index, 0);
	assert_int_equal(p[0].line, 3);
	assert_int_equal(p[0].column, 4);
	assert_int_equal(p[0].nargs, 2);
	assert_true(p[0].args[0].capture);
	assert_string_equal(p[0].args[0].text, "f");
	assert_false(p[0].args[1].capture);
	assert_string_equal(p[0].args[1].text, "12345678");
	assert_int_equal(
		cquery_run(q, cs, 0, UINT32_MAX, eval_custom, keep, &c), 0);
	assert_string_equal(c.out.buf,
			    "identifier:vma identifier:vma "
			    "field_identifier:vm_flags identifier:vma "
			    "field_identifier:vm_start identifier:vma ");
	assert_int_equal(c.calls, 2);
	/* without a callback, a pattern with the caller's predicate fails */
	sbuf_reset(&c.out);
	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, NULL, keep, &c), 0);
	assert_string_equal(c.out.buf, "identifier:vma identifier:vma "
				       "identifier:vma identifier:vma ");
	cquery_free(q);

	q = compile("((identifier) @i (#fail? @i \"x\"))", custom);
	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, eval_custom, keep,
				    &c),
			 MMR_EIO);
	cquery_free(q);
	sbuf_release(&c.out);
	csrc_free(cs);
}

static int count(const struct cquery_match *m, void *payload)
{
	(void)m;
	(*(size_t *)payload)++;
	return 0;
}

static void test_match_bound(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct csrc *cs;
	struct cquery *q = compile("(identifier) @i", NULL);
	size_t i, n = 0;

	(void)state;
	sbuf_addstr(&sb, "void f(void)\n{\n");
	for (i = 0; i < CQUERY_MAX_MATCHES + 10; i++)
		sbuf_addstr(&sb, "x;");
	sbuf_addstr(&sb, "\n}\n");
	assert_int_equal(csrc_parse(&cs, sb.buf, sb.len), 0);
	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, NULL, count, &n),
			 MMR_ELIMIT);
	assert_non_null(strstr(mmr_error_last(), "matches"));
	assert_int_equal(n, CQUERY_MAX_MATCHES);
	cquery_free(q);
	csrc_free(cs);
	sbuf_release(&sb);
}

/* Every call of pte_offset_map_lock() in 6.1's mm/memory.c, none else. */
static void test_kernel(void **state)
{
	struct csrc *cs;
	struct cquery *q;
	char *text;
	size_t len, want = 0, n = 0;
	const char *p;

	(void)state;
	if (!test_have_kernel())
		skip();
	text = test_need_file(TEST_KERNEL_61 "mm/memory.c", &len);
	assert_int_equal(csrc_parse(&cs, text, len), 0);
	/* each call is the name, then "(", in code (no comment names it) */
	for (p = text; (p = strstr(p, "pte_offset_map_lock(")); p++)
		want++;
	assert_true(want >= 5);
	q = compile("(call_expression function: (identifier) @f "
		    "(#eq? @f \"pte_offset_map_lock\"))",
		    NULL);
	assert_int_equal(cquery_run(q, cs, 0, UINT32_MAX, NULL, count, &n), 0);
	assert_int_equal(n, want);
	cquery_free(q);
	csrc_free(cs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_predicate_errors),
		cmocka_unit_test(test_regex_bounds),
		cmocka_unit_test(test_source_bounds),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_no_predicates),
		cmocka_unit_test(test_eq),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_any_of),
		cmocka_unit_test(test_several_nodes),
		cmocka_unit_test(test_byte_range),
		cmocka_unit_test(test_stop_and_fail),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_match_bound),
		cmocka_unit_test(test_kernel),
	};

	return cmocka_run_group_tests_name("cquery", tests, NULL, NULL);
}
