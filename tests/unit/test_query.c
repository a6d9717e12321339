// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for query rules (rules/query.c, rules/load.c): the header and
 * its problems with line and column, each on: value and mmreview's own
 * predicates on real 6.1 code changed by tests/fixtures/query/kernel.patch
 * (mm/mmap.c and mm/memory.c), messages, marks, loading directories
 * (broken files, clashes, hostile files) and the shipped rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testlib.h"

#include "apply.h"
#include "change.h"
#include "diff.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define FIXTURES "tests/fixtures/"
#define MAX_FILES 4

/* --- a patch made into a change set --------------------------------------- */

struct patch {
	char *text;
	struct diff *d;
	char *old[MAX_FILES], *new[MAX_FILES];
	struct change_set *cs;
};

/* Pre-images from the 6.1 tree when from_tree, else the hunks alone. */
static void patch_load(struct patch *p, const char *name, bool from_tree)
{
	size_t len, i;

	memset(p, 0, sizeof(*p));
	p->text = test_need_file(name, &len);
	assert_int_equal(diff_parse(&p->d, p->text, len), 0);
	p->cs = change_set_new();
	for (i = 0; i < diff_nfiles(p->d); i++) {
		const struct diff_file *df = diff_file(p->d, i);
		char path[512];
		size_t olen = 0, nlen = 0;

		assert_true(i < MAX_FILES);
		if (!from_tree) {
			assert_int_equal(
				change_set_add_file(p->cs, df, NULL, 0, NULL, 0,
						    CHANGE_FROM_HUNKS, "test"),
				0);
			continue;
		}
		snprintf(path, sizeof(path), TEST_KERNEL_61 "%s",
			 diff_file_path(df));
		p->old[i] = test_need_file(path, &olen);
		assert_int_equal(
			apply_file(&p->new[i], &nlen, p->old[i], olen, df), 0);
		assert_int_equal(change_set_add_file(p->cs, df, p->old[i], olen,
						     p->new[i], nlen,
						     CHANGE_FROM_GIT, NULL),
				 0);
	}
}

static void patch_free(struct patch *p)
{
	size_t i;

	change_set_free(p->cs);
	diff_free(p->d);
	for (i = 0; i < MAX_FILES; i++) {
		free(p->old[i]);
		free(p->new[i]);
	}
	free(p->text);
}

/* The 1-based line of the first occurrence of s in text. */
static unsigned line_of(const char *text, const char *s)
{
	const char *at = strstr(text, s), *p;
	unsigned line = 1;

	assert_non_null(at);
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* --- problems ------------------------------------------------------------- */

struct problems {
	struct sbuf out; /* "path:line:col: message\n" */
	unsigned n;
};

static void note_problem(const struct rule_problem *p, void *payload)
{
	struct problems *pr = payload;

	assert_non_null(p->path);
	assert_null(strchr(p->message, '\n'));
	sbuf_addf(&pr->out, "%s:%u:%u: %s\n", p->path, p->line, p->column,
		  p->message);
	pr->n++;
}

static struct rule *make_rule(const char *text)
{
	struct problems pr = { SBUF_INIT, 0 };
	struct rule *r = NULL;
	int err = rule_query_new(&r, "t.scm", text, strlen(text), note_problem,
				 &pr);

	if (err)
		fail_msg("%s", pr.out.buf);
	sbuf_release(&pr.out);
	return r;
}

/* The one problem of loading text, as "line:col: message". */
static char *problem_of(const char *text)
{
	struct problems pr = { SBUF_INIT, 0 };
	struct rule *r = NULL;
	const char *rest;

	assert_true(rule_query_new(&r, "t.scm", text, strlen(text),
				   note_problem, &pr) < 0);
	assert_null(r);
	assert_int_equal(pr.n, 1);
	rest = pr.out.buf + strlen("t.scm:");
	rest = xstrdup(rest);
	sbuf_release(&pr.out);
	return (char *)rest;
}

static void expect_problem(const char *text, const char *want)
{
	char *got = problem_of(text);

	if (strncmp(got, want, strlen(want)))
		fail_msg("got '%s', want '%s...'", got, want);
	free(got);
}

static void test_header_problems(void **state)
{
	static const char q[] = "(identifier) @i\n";

	(void)state;
	expect_problem("; severity: error\n; message: m\n(identifier) @i\n",
		       "1:1: no '; id:' line");
	expect_problem("; id: x\n(identifier) @i\n",
		       "1:1: no '; message:' line");
	expect_problem("; id: Bad_Id\n; message: m\n(identifier) @i\n",
		       "1:7: bad rule id 'Bad_Id'");
	expect_problem(
		"; id: x\n;   severity: fatal\n; message: m\n(identifier) "
		"@i\n",
		"2:15: bad severity 'fatal'");
	expect_problem("; id: x\n; on: sometimes\n; message: m\n(identifier) "
		       "@i\n",
		       "2:7: bad on 'sometimes'");
	expect_problem("; id: x\n; enabled: maybe\n; message: m\n(identifier) "
		       "@i\n",
		       "2:12: bad enabled 'maybe'");
	expect_problem("; id: x\n; message: m\n; id: y\n(identifier) @i\n",
		       "3:3: 'id' given twice (first on line 1)");
	expect_problem("; id: x\n; mesage: m\n(identifier) @i\n",
		       "2:3: unknown header key 'mesage'");
	expect_problem("; id: x\n; message: m\n; mark: nope\n(identifier) @i\n",
		       "3:9: mark 'nope' is not a capture of the query");
	expect_problem("; id: x\n; message: a {nope} b\n(identifier) @i\n",
		       "2:14: '{nope}' is not a capture of the query nor "
		       "{function}");
	expect_problem("; id: x\n; message: a {i.old}\n(identifier) @i\n",
		       "2:14: '{i.old}' needs 'on: changed'");
	expect_problem("; id: x\n; message: a { b\n(identifier) @i\n",
		       "2:14: unbalanced brace");
	expect_problem("; id: x\n; message: a } b\n(identifier) @i\n",
		       "2:14: unbalanced brace");
	expect_problem("; id: x\n; message: m\n",
		       "1:1: no query after the header");
	/* the query's own errors, at their place in the file */
	expect_problem("; id: x\n; message: m\n\n(identifer) @i\n",
		       "4:2: unknown node type 'identifer'");
	expect_problem("; id: x\n; message: m\n((identifier) @i\n"
		       "  (#in-function? @i))\n",
		       "4:4: #in-function? needs one regular expression");
	expect_problem("; id: x\n; message: m\n((identifier) @i\n"
		       "  (#in-function? \"(\"))\n",
		       "4:4: bad regular expression");
	expect_problem(
		"; id: x\n; message: m\n((identifier) @i\n"
		"  (#macro-contains? @i \"not an identifier\"))\n",
		"4:4: #macro-contains? needs a capture and an identifier");
	expect_problem("; id: x\n; message: m\n((identifier) @i\n"
		       "  (#not-in-file? @i))\n",
		       "4:4: #not-in-file? needs one glob");
	(void)q;
}

static void test_header(void **state)
{
	struct rule *r = make_rule("; id: my-rule\n"
				   ";severity: error\n"
				   "; on: gone\n"
				   "; enabled: false\n"
				   "; message: {function}: {{literal}} {i}\n"
				   "; summary: a short line\n"
				   ";\n"
				   ";; Why: prose, even with a key: in it.\n"
				   "; More prose.\n"
				   "\n"
				   "; a comment in the query\n"
				   "(identifier) @i\n");

	(void)state;
	assert_int_equal(r->version, RULE_VERSION);
	assert_string_equal(r->id, "my-rule");
	assert_int_equal(r->severity, RULE_ERROR);
	assert_true(r->off);
	assert_string_equal(r->summary, "a short line");
	assert_non_null(strstr(r->doc, "Why: prose, even with a key: in it.\n"
				       "More prose."));
	assert_non_null(strstr(
		r->doc,
		"(on: gone): it reports a match in the old code with no equal"));
	assert_non_null(strstr(r->doc, "enabled = false"));
	assert_null(r->options);
	assert_non_null(r->free);
	r->free(r);

	r = make_rule("; id: x\n; message: m\n(identifier) @i");
	assert_int_equal(r->severity, RULE_WARNING);
	assert_false(r->off);
	assert_string_equal(r->summary, "m");
	r->free(r);
}

/* --- on: on real kernel code ---------------------------------------------- */

struct judged {
	struct patch p;
	struct rule_set *rs;
	struct rule_findings *f;
};

/* Run the one rule text over kernel.patch on the 6.1 files. */
static void judge(struct judged *j, const char *rule, bool from_tree)
{
	struct rule *r = make_rule(rule);

	patch_load(&j->p, FIXTURES "query/kernel.patch", from_tree);
	j->rs = rule_set_new_empty();
	j->f = NULL;
	assert_int_equal(rule_set_add(j->rs, r, "t.scm"), 0);
	assert_int_equal(rule_set_run(j->rs, j->p.cs, &j->f), 0);
}

static void judged_free(struct judged *j)
{
	rule_findings_free(j->f);
	rule_set_free(j->rs);
	patch_free(&j->p);
}

/* File 0 of kernel.patch is mm/mmap.c, file 1 mm/memory.c. */
static const struct rule_finding *
expect_at(const struct judged *j, size_t i, const char *path,
	  enum change_side side, const char *line_text, const char *message)
{
	const struct rule_finding *f = rule_findings_at(j->f, i);
	size_t file = strcmp(path, "mm/mmap.c") ? 1 : 0;
	const char *image = side == CHANGE_OLD ? j->p.old[file] :
						 j->p.new[file];

	assert_non_null(f);
	assert_string_equal(f->rule, "t");
	assert_string_equal(f->path, path);
	assert_int_equal(f->side, side);
	assert_int_equal(f->line, line_of(image, line_text));
	assert_string_equal(f->message, message);
	return f;
}

/* After "; on: ...". */
static const char assert_rule[] =
	"; message: {function}: {call}\n"
	"; mark: call\n"
	"((call_expression function: (identifier) @_f) @call\n"
	"  (#eq? @_f \"mmap_assert_locked\"))\n";

static void judge_on(struct judged *j, const char *on, const char *rule)
{
	struct sbuf text = SBUF_INIT;

	sbuf_addf(&text, "; id: t\n; on: %s\n%s", on, rule);
	judge(j, text.buf, true);
	sbuf_release(&text);
}

static void test_on_added(void **state)
{
	struct judged j;
	const struct rule_finding *f;

	(void)state;
	if (!test_have_kernel())
		skip();
	/* vma->vm_flags |= VM_SOFTDIRTY was there: only the new write */
	judge(&j,
	      "; id: t\n; message: {function}: {target} written\n"
	      "; mark: target\n"
	      "(assignment_expression left: (field_expression field: "
	      "(field_identifier) @_f (#eq? @_f \"vm_flags\")) @target)\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 1);
	f = expect_at(&j, 0, "mm/mmap.c", CHANGE_NEW,
		      "vma->vm_flags &= ~VM_LOCKED;",
		      "do_brk_flags: vma->vm_flags written");
	assert_int_equal(f->column, 2);
	assert_int_equal(f->end_column, 15);
	assert_null(f->old_code);
	assert_false(f->partial);
	judged_free(&j);

	/* the reformatted assert is on an added line too */
	judge_on(&j, "added", assert_rule);
	assert_int_equal(rule_findings_count(j.f), 1);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_NEW,
		  "mmap_assert_locked(mm); /* the",
		  "find_vma: mmap_assert_locked(mm)");
	judged_free(&j);
}

static void test_on_removed(void **state)
{
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	judge_on(&j, "removed", assert_rule);
	assert_int_equal(rule_findings_count(j.f), 2);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_OLD,
		  "\tmmap_assert_locked(mm);\n\treturn mt_find(&mm->mm_mt, "
		  "&index, end_addr",
		  "find_vma_intersection: mmap_assert_locked(mm)");
	expect_at(&j, 1, "mm/mmap.c", CHANGE_OLD,
		  "\tmmap_assert_locked(mm);\n\treturn mt_find(&mm->mm_mt, "
		  "&index, ULONG_MAX",
		  "find_vma: mmap_assert_locked(mm)");
	judged_free(&j);
}

static void test_on_gone(void **state)
{
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	/* the reformatted one in find_vma() is still there */
	judge_on(&j, "gone", assert_rule);
	assert_int_equal(rule_findings_count(j.f), 1);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_OLD,
		  "\tmmap_assert_locked(mm);\n\treturn mt_find(&mm->mm_mt, "
		  "&index, end_addr",
		  "find_vma_intersection: mmap_assert_locked(mm)");
	judged_free(&j);
}

static void test_on_new(void **state)
{
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	judge_on(&j, "new", assert_rule);
	assert_int_equal(rule_findings_count(j.f), 0);
	judged_free(&j);
	judge(&j,
	      "; id: t\n; on: new\n; message: {function}: new {bug}\n"
	      "((call_expression function: (identifier) @bug)\n"
	      "  (#match? @bug \"^(VM_)?BUG_ON\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 1);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_NEW, "VM_BUG_ON(!mm);",
		  "find_vma: new VM_BUG_ON");
	judged_free(&j);
}

static const char uffd_changed[] =
	"; id: t\n"
	"; on: changed\n"
	"; message: {function}: userfaultfd_wp() of {vma.new}, was {vma.old}\n"
	"; mark: vma\n"
	"(call_expression function: (identifier) @_h\n"
	"  arguments: (argument_list . (identifier) @vma)\n"
	"  (#eq? @_h \"userfaultfd_wp\"))\n";

static void test_on_changed(void **state)
{
	const struct rule_finding *f;
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	/* copy_nonpresent_pte() changed the line but not the vma */
	judge(&j, uffd_changed, true);
	assert_int_equal(rule_findings_count(j.f), 1);
	f = expect_at(&j, 0, "mm/memory.c", CHANGE_NEW,
		      "if (userfaultfd_wp(src_vma))",
		      "vma_needs_copy: userfaultfd_wp() of src_vma, was "
		      "dst_vma");
	assert_int_equal(f->column, 21);
	assert_int_equal(f->end_column, 28);
	assert_string_equal(f->old_code, "\tif (userfaultfd_wp(dst_vma))");
	judged_free(&j);

	/* from the hunks alone, the same place */
	judge(&j, uffd_changed, false);
	assert_int_equal(rule_findings_count(j.f), 1);
	f = rule_findings_at(j.f, 0);
	assert_true(f->partial);
	assert_string_equal(f->path, "mm/memory.c");
	assert_string_equal(f->function, "vma_needs_copy");
	assert_int_equal(f->line, 1259);
	assert_int_equal(f->column, 21);
	judged_free(&j);
}

static void test_on_any(void **state)
{
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	/* each touched function's calls, changed or not; no other function */
	judge(&j,
	      "; id: t\n; on: any\n; message: {function}\n"
	      "((call_expression function: (identifier) @f)\n"
	      "  (#eq? @f \"mt_find\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 2);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_NEW,
		  "mt_find(&mm->mm_mt, &index, end_addr - 1)",
		  "find_vma_intersection");
	expect_at(&j, 1, "mm/mmap.c", CHANGE_NEW,
		  "mt_find(&mm->mm_mt, &index, ULONG_MAX)", "find_vma");
	judged_free(&j);
}

static void test_in_function_in_file(void **state)
{
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	judge(&j,
	      "; id: t\n; on: removed\n; message: {function}\n"
	      "((call_expression function: (identifier) @f)\n"
	      "  (#eq? @f \"mmap_assert_locked\")\n"
	      "  (#in-function? \"intersection$\") (#in-file? \"mm/*.c\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 1);
	expect_at(&j, 0, "mm/mmap.c", CHANGE_OLD,
		  "\tmmap_assert_locked(mm);\n\treturn mt_find(&mm->mm_mt, "
		  "&index, end_addr",
		  "find_vma_intersection");
	judged_free(&j);
	judge(&j,
	      "; id: t\n; on: removed\n; message: {function}\n"
	      "((call_expression function: (identifier) @f)\n"
	      "  (#eq? @f \"mmap_assert_locked\")\n"
	      "  (#not-in-function? \"intersection$\")\n"
	      "  (#not-in-file? \"*/memory.c\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 1);
	assert_string_equal(rule_findings_at(j.f, 0)->function, "find_vma");
	judged_free(&j);
	judge(&j,
	      "; id: t\n; on: removed\n; message: {function}\n"
	      "((call_expression function: (identifier) @f)\n"
	      "  (#in-file? \"include/*\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 0);
	judged_free(&j);
}

/* Through the mask the patch defines, and the helper of the built-in table. */
static void test_macro_contains(void **state)
{
	struct rule_set *rs = rule_set_new_empty();
	struct rule_findings *f = NULL;
	struct patch p;

	(void)state;
	patch_load(&p, FIXTURES "rules/seed-case.patch", false);
	assert_int_equal(rule_set_add(rs,
				      make_rule("; id: mask\n; message: {mask} "
						"on {vma}\n"
						"(binary_expression left: "
						"(field_expression argument: "
						"(identifier) @vma) right: "
						"(identifier) @mask\n"
						"  (#macro-contains? @mask "
						"\"VM_UFFD_WP\"))\n"),
				      NULL),
			 0);
	assert_int_equal(rule_set_add(rs,
				      make_rule("; id: helper\n; on: removed\n"
						"; message: {h}\n"
						"(call_expression function: "
						"(identifier) @h\n"
						"  (#macro-contains? @h "
						"\"VM_UFFD_WP\"))\n"),
				      NULL),
			 0);
	assert_int_equal(
		rule_set_add(rs,
			     make_rule("; id: not-mask\n; message: {m}\n"
				       "(binary_expression right: "
				       "(identifier) @m\n"
				       "  (#not-macro-contains? @m "
				       "\"VM_UFFD_WP\"))\n"),
			     NULL),
		0);
	assert_int_equal(rule_set_run(rs, p.cs, &f), 0);
	assert_int_equal(rule_findings_count(f), 2);
	assert_string_equal(rule_findings_at(f, 0)->rule, "mask");
	assert_string_equal(rule_findings_at(f, 0)->message,
			    "VM_COPY_ON_FORK on src_vma");
	assert_string_equal(rule_findings_at(f, 1)->rule, "helper");
	assert_string_equal(rule_findings_at(f, 1)->message, "userfaultfd_wp");
	assert_int_equal(rule_findings_at(f, 1)->side, CHANGE_OLD);
	rule_findings_free(f);
	rule_set_free(rs);
	patch_free(&p);
}

/* A message shows one line of a capture, bounded, without control bytes. */
static void test_message(void **state)
{
	const struct rule_finding *f;
	struct judged j;

	(void)state;
	if (!test_have_kernel())
		skip();
	judge(&j,
	      "; id: t\n"
	      "; message: {{{function}}}: [{body}]\n"
	      "((function_definition) @body\n"
	      "  (#in-function? \"^vma_needs_copy$\"))\n",
	      true);
	assert_int_equal(rule_findings_count(j.f), 1);
	f = rule_findings_at(j.f, 0);
	assert_true(!strncmp(f->message,
			     "{vma_needs_copy}: [static bool vma_needs_copy"
			     "(struct vm_area_struct *dst_vma, struct",
			     80));
	assert_null(strchr(f->message, '\n'));
	assert_null(strchr(f->message, '\t'));
	assert_non_null(strstr(f->message, "...]"));
	assert_true(strlen(f->message) < 300);
	/* no mark: the whole match, cut at the end of its first line */
	assert_int_equal(f->line,
			 line_of(j.p.new[1], "static bool\nvma_needs"));
	assert_int_equal(f->column, 1);
	assert_int_equal(f->end_column, 12);
	judged_free(&j);
}

/* --- loading -------------------------------------------------------------- */

struct tmp {
	char dir[64];
};

static char *tmp_put(struct tmp *t, const char *name, const char *text)
{
	struct sbuf sb = SBUF_INIT;
	FILE *f;

	sbuf_addf(&sb, "%s/%s", t->dir, name);
	f = fopen(sb.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return sbuf_detach(&sb, NULL);
}

static void tmp_rm(struct tmp *t)
{
	DIR *d = opendir(t->dir);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || de->d_name[1] == '.'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(t->dir);
}

static void test_load_dir(void **state)
{
	struct tmp t = { "/tmp/mmr-query-XXXXXX" };
	struct problems pr = { SBUF_INIT, 0 };
	struct rule_set *rs = rule_set_new();
	size_t nb = rule_set_count(rs); /* the built-in C rules */
	char *a, *b, *c;
	struct sbuf sb = SBUF_INIT;

	(void)state;
	assert_non_null(mkdtemp(t.dir));
	a = tmp_put(&t, "a.scm", "; id: one\n; message: m\n(identifier) @i\n");
	b = tmp_put(&t, "b.scm", "; id: two\n; message: m\n(identifer) @i\n");
	c = tmp_put(&t, "c.scm", "; id: one\n; message: m\n(identifier) @j\n");
	free(tmp_put(&t, "d.scm",
		     "; id: role-swap\n; message: m\n"
		     "(identifier) @i\n"));
	free(tmp_put(&t, "e.txt", "not a rule"));
	free(tmp_put(&t, ".f.scm", "not a rule either"));
	assert_int_equal(rule_set_load_dir(rs, t.dir, 0, note_problem, &pr),
			 MMR_EINVAL);
	assert_int_equal(pr.n, 3);
	sbuf_addf(&sb, "%s:3:2: unknown node type 'identifer'\n", b);
	sbuf_addf(&sb, "%s:0:0: rule id 'one' of %s is already defined by %s\n",
		  c, c, a);
	sbuf_addf(&sb,
		  "%s/d.scm:0:0: rule id 'role-swap' of %s/d.scm is "
		  "already defined by built-in\n",
		  t.dir, t.dir);
	assert_string_equal(pr.out.buf, sb.buf);
	assert_int_equal(rule_set_count(rs), nb + 1);
	assert_string_equal(rule_set_origin(rs, "one"), a);
	assert_string_equal(rule_set_origin(rs, "role-swap"), "built-in");

	/* "rules test": a file replaces the built-in rule of its id only */
	sbuf_reset(&pr.out);
	assert_int_equal(rule_set_load_file(rs, c, RULE_LOAD_REPLACE,
					    note_problem, &pr),
			 MMR_EINVAL);
	sbuf_reset(&pr.out);
	sbuf_reset(&sb);
	sbuf_addf(&sb, "%s/d.scm", t.dir);
	assert_int_equal(rule_set_load_file(rs, sb.buf, RULE_LOAD_REPLACE,
					    note_problem, &pr),
			 0);
	assert_string_equal(pr.out.buf, "");
	assert_string_equal(rule_set_origin(rs, "role-swap"), sb.buf);
	assert_int_equal(rule_set_count(rs), nb + 1);

	sbuf_reset(&pr.out);
	assert_int_equal(rule_set_load_dir(rs, "/nonexistent/rules", 0,
					   note_problem, &pr),
			 MMR_EINVAL);
	assert_non_null(strstr(pr.out.buf, "/nonexistent/rules:0:0: cannot "
					   "read rules directory"));
	free(a);
	free(b);
	free(c);
	tmp_rm(&t);
	sbuf_release(&sb);
	sbuf_release(&pr.out);
	rule_set_free(rs);
}

/* A stranger's directory: no symbolic link, no FIFO, nothing too large. */
static void test_load_hostile(void **state)
{
	struct tmp t = { "/tmp/mmr-query-XXXXXX" };
	struct problems pr = { SBUF_INIT, 0 };
	struct rule_set *rs = rule_set_new_empty();
	struct sbuf big = SBUF_INIT, path = SBUF_INIT;
	char *good;

	(void)state;
	assert_non_null(mkdtemp(t.dir));
	good = tmp_put(&t, "a.scm",
		       "; id: one\n; message: m\n(identifier) @i\n");
	sbuf_addf(&path, "%s/b.scm", t.dir);
	assert_int_equal(symlink(good, path.buf), 0);
	sbuf_reset(&path);
	sbuf_addf(&path, "%s/c.scm", t.dir);
	assert_int_equal(mkfifo(path.buf, 0600), 0);
	sbuf_addstr(&big, "; id: big\n; message: m\n(identifier) @i\n");
	while (big.len <= RULE_MAX_FILE)
		sbuf_addstr(&big, "; padding padding padding padding\n");
	free(tmp_put(&t, "d.scm", big.buf));
	assert_int_equal(rule_set_load_dir(rs, t.dir, RULE_LOAD_UNTRUSTED,
					   note_problem, &pr),
			 MMR_EINVAL);
	assert_int_equal(pr.n, 3);
	assert_non_null(strstr(pr.out.buf, "b.scm:0:0: cannot read"));
	assert_non_null(strstr(pr.out.buf, "symbolic link"));
	assert_non_null(strstr(pr.out.buf, "c.scm:0:0: cannot read"));
	assert_non_null(strstr(pr.out.buf, "not a regular file"));
	assert_non_null(strstr(pr.out.buf, "d.scm' is larger than"));
	assert_int_equal(rule_set_count(rs), 1);
	/* a trusted directory follows the link, and finds the id taken */
	sbuf_reset(&pr.out);
	pr.n = 0;
	assert_int_equal(rule_set_load_dir(rs, t.dir, 0, note_problem, &pr),
			 MMR_EINVAL);
	assert_non_null(strstr(pr.out.buf, "b.scm:0:0: rule id 'one'"));
	free(good);
	tmp_rm(&t);
	sbuf_release(&big);
	sbuf_release(&path);
	sbuf_release(&pr.out);
	rule_set_free(rs);
}

/* Every file of rules/query/ is in the binary and loads. */
static void test_shipped(void **state)
{
	struct problems pr = { SBUF_INIT, 0 };
	struct rule_set *rs = rule_set_new();
	DIR *d = opendir("rules/query");
	struct dirent *de;
	size_t files = 0, i, nb = rule_set_count(rs);

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)))
		files += strlen(de->d_name) > 4 &&
			 !strcmp(de->d_name + strlen(de->d_name) - 4, ".scm");
	closedir(d);
	assert_true(files >= 1);
	assert_int_equal(rule_set_load_shipped(rs, note_problem, &pr), 0);
	assert_int_equal(pr.n, 0);
	assert_int_equal(rule_set_count(rs), nb + files);
	for (i = nb; i < rule_set_count(rs); i++) {
		const struct rule *r = rule_set_at(rs, i);

		assert_string_equal(rule_set_origin(rs, r->id), "built-in");
		assert_non_null(strstr(r->doc, "Example"));
		assert_non_null(strstr(r->doc, "rules/query/"));
	}
	sbuf_release(&pr.out);
	rule_set_free(rs);
}

/* --- rule options ---------------------------------------------------------- */

static const char *seen_option;

static int option_check(const struct rule *self, struct rule_ctx *ctx,
			const struct change *c)
{
	(void)self;
	(void)c;
	seen_option = rule_option(ctx, "limit");
	return 0;
}

static const char *const option_names[] = { "limit", "mode", NULL };

static const struct rule option_rule = {
	.version = RULE_VERSION,
	.id = "opt",
	.summary = "s",
	.doc = "d",
	.options = option_names,
	.check = option_check,
};

static void test_options(void **state)
{
	struct rule_set *rs = rule_set_new_empty();
	struct rule_findings *f = NULL;
	struct patch p;
	struct rule bad = option_rule;

	(void)state;
	patch_load(&p, FIXTURES "rules/seed-case.patch", false);
	assert_int_equal(rule_set_add(rs, &option_rule, NULL), 0);
	assert_int_equal(rule_set_set_option(rs, "opt", "limt", "3"),
			 MMR_ENOTFOUND);
	assert_string_equal(mmr_error_last(),
			    "rule 'opt' has no option 'limt'");
	assert_int_equal(rule_set_set_option(rs, "nope", "limit", "3"),
			 MMR_ENOTFOUND);
	seen_option = "unset";
	assert_int_equal(rule_set_run(rs, p.cs, &f), 0);
	assert_null(seen_option);
	assert_int_equal(rule_set_set_option(rs, "opt", "limit", "3"), 0);
	assert_int_equal(rule_set_run(rs, p.cs, &f), 0);
	assert_string_equal(seen_option, "3");
	/* a rule of another layout is refused */
	bad.id = "bad";
	bad.version = RULE_VERSION + 1;
	assert_int_equal(rule_set_add(rs, &bad, NULL), MMR_EINVAL);
	rule_findings_free(f);
	rule_set_free(rs);
	patch_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_problems),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_on_added),
		cmocka_unit_test(test_on_removed),
		cmocka_unit_test(test_on_gone),
		cmocka_unit_test(test_on_new),
		cmocka_unit_test(test_on_changed),
		cmocka_unit_test(test_on_any),
		cmocka_unit_test(test_in_function_in_file),
		cmocka_unit_test(test_macro_contains),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_hostile),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests_name("query rules", tests, NULL, NULL);
}
