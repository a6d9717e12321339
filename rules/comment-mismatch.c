// SPDX-License-Identifier: GPL-2.0
/*
 * comment-mismatch: a comment names one role of a counterpart pair
 * (dst_vma) next to code that now tests the other one (src_vma).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "role.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define MISMATCH_MAX_WORDS 256 /* role words looked at in one comment */

/* A role name written in a comment. */
struct word {
	char text[ROLE_MAX_NAME];
	struct role_name rn;
	uint32_t start, end;
};

/*
 * The new-side atoms of the changes of the set, collected when first
 * asked for and kept for the rest of one check.
 */
struct atoms_cache {
	const struct change *c; /* the change checked */
	struct role_atoms own; /* c's */
	bool own_done;
	struct role_atoms *v; /* per change of the set */
	bool *done;
	size_t n;
};

/* What the code a comment describes tests, against one word of it. */
struct described {
	const struct change *c; /* where the first counterpart use is */
	char *object; /* what that use tests: "src_vma->vm_flags" */
	char *role; /* the role it tests it on: "src_vma" */
	bool names_word; /* the code also uses the comment's role */
};

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/*
 * The role names written in [start, end) of text, each once, skipping
 * fields ("->src"): words that can only be the identifier they spell.
 */
static size_t comment_words(const char *text, uint32_t start, uint32_t end,
			    struct word *out, size_t max)
{
	uint32_t i = start;
	size_t n = 0, k;

	while (i < end && n < max) {
		uint32_t s = i;
		size_t len;

		if (!ident_char(text[i]) ||
		    (i > start && ident_char(text[i - 1]))) {
			i++;
			continue;
		}
		while (i < end && ident_char(text[i]))
			i++;
		len = i - s;
		if (len >= ROLE_MAX_NAME ||
		    (s > start + 1 && text[s - 1] == '>' &&
		     text[s - 2] == '-') ||
		    (s > start && text[s - 1] == '.'))
			continue;
		memcpy(out[n].text, text + s, len);
		out[n].text[len] = '\0';
		if (!role_is_code_word(out[n].text))
			continue;
		for (k = 0; k < n; k++)
			if (!strcmp(out[k].text, out[n].text))
				break;
		if (k < n)
			continue;
		role_parse(out[n].text, &out[n].rn);
		out[n].start = s;
		out[n].end = i;
		n++;
	}
	return n;
}

static bool lines_changed(const struct change *c, enum change_side side,
			  unsigned first, unsigned last)
{
	unsigned l;

	for (l = first; l <= last; l++)
		if (change_line_changed(c, side, l))
			return true;
	return false;
}

/* Whether identifier name occurs under node n of cs. */
static bool node_mentions(const struct csrc *cs, TSNode n, const char *name)
{
	TSNode *ids = NULL;
	size_t i, k;
	bool found = false;

	if (csrc_node_is_null(n))
		return false;
	k = csrc_find_nodes(cs, n, "identifier", &ids);
	for (i = 0; i < k && !found; i++)
		found = csrc_node_eq(cs, ids[i], name);
	free(ids);
	return found;
}

/* The part of a statement that says what it tests. */
static TSNode stmt_head(TSNode stmt)
{
	TSNode cond;

	if (csrc_node_is_null(stmt))
		return stmt;
	cond = csrc_node_field(stmt, "condition");

	return csrc_node_is_null(cond) ? stmt : cond;
}

/* Weigh one test of the code against the comment's word. */
static void describe(struct described *d, const struct change *c,
		     const struct role_atom *a, const struct word *w)
{
	const struct csrc *cs = change_src(c, CHANGE_NEW);

	/* A comment speaks of what the code tests, not of what it passes. */
	if (a->use != ROLE_TESTED)
		return;

	if (!strcmp(a->role, w->text) ||
	    node_mentions(cs, stmt_head(a->stmt), w->text)) {
		d->names_word = true;
	} else if (!d->object && role_counterparts(&a->rn, &w->rn)) {
		d->object = xstrdup(a->object);
		d->role = xstrdup(a->role);
		d->c = c;
	}
}

/* Whether the comment also names word (then it is about both roles). */
static bool comment_has_word(const struct change *c,
			     const struct csrc_comment *cm, const char *word)
{
	const char *text = csrc_text(change_src(c, CHANGE_NEW), NULL);
	const char *p = text + cm->start, *end = text + cm->end;
	size_t n = strlen(word);

	while (p < end && (p = memmem(p, (size_t)(end - p), word, n))) {
		if ((p == text + cm->start || !ident_char(p[-1])) &&
		    (p + n >= end || !ident_char(p[n])))
			return true;
		p += n;
	}
	return false;
}

static int report_word(struct rule_ctx *ctx, const struct change *c,
		       const struct csrc_comment *cm, const struct word *w,
		       const struct described *d)
{
	const char *name;
	bool fn;

	if (!d->object || d->names_word || comment_has_word(c, cm, d->role))
		return 0;
	name = change_name(d->c);
	fn = change_kind(d->c) == CSRC_FUNCTION ||
	     change_kind(d->c) == CSRC_FUNC_MACRO;
	return rule_report(ctx, c, CHANGE_NEW, w->start, w->end, NULL, NULL,
			   "The comment says \"%s\" but the new code%s%s%s "
			   "checks %s. Is this intentional?",
			   w->text, *name ? " in " : "", name,
			   *name && fn ? "()" : "", d->object);
}

/* --- a definition's doc comment: the code that uses the definition ------ */

/* A quick look before parsing tests: is name in c's new definition? */
static bool def_mentions(const struct change *c, const char *name)
{
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	const char *text = csrc_text(change_src(c, CHANGE_NEW), NULL);

	return def && memmem(text + def->start, def->end - def->start, name,
			     strlen(name));
}

/* The atoms of change u (at index i of the set): 0 or a negative code. */
static int cache_get(struct atoms_cache *ac, size_t i, const struct change *u,
		     const struct role_atoms **out)
{
	int err = 0;

	if (u == ac->c) {
		if (!ac->own_done)
			err = role_atoms_collect(&ac->own, u, CHANGE_NEW);
		ac->own_done = true;
		*out = &ac->own;
		return err;
	}
	if (!ac->v) {
		ac->n = change_set_count(change_owner(ac->c));
		ac->v = xcalloc(ac->n, sizeof(*ac->v));
		ac->done = xcalloc(ac->n, sizeof(*ac->done));
	}
	if (!ac->done[i])
		err = role_atoms_collect(&ac->v[i], u, CHANGE_NEW);
	ac->done[i] = true;
	*out = &ac->v[i];
	return err;
}

static void cache_release(struct atoms_cache *ac)
{
	size_t i;

	role_atoms_release(&ac->own);
	for (i = 0; ac->v && i < ac->n; i++)
		role_atoms_release(&ac->v[i]);
	free(ac->v);
	free(ac->done);
}

/*
 * The added tests, in the functions of the set, that use name, against
 * each of the n words: d[k] for words[k].
 */
static int describe_uses(struct described *d, struct atoms_cache *ac,
			 const char *name, const struct word *words, size_t n)
{
	const struct change_set *set = change_owner(ac->c);
	size_t i, j, k;
	int err = 0;

	for (i = 0; i < change_set_count(set) && !err; i++) {
		const struct change *u = change_set_at(set, i);
		const struct csrc *cs = change_src(u, CHANGE_NEW);
		const struct role_atoms *atoms;

		if (change_kind(u) != CSRC_FUNCTION || !def_mentions(u, name))
			continue;
		err = cache_get(ac, i, u, &atoms);
		for (j = 0; j < atoms->n && !err; j++) {
			const struct role_atom *a = &atoms->v[j];

			if (!a->changed || !node_mentions(cs, a->expr, name))
				continue;
			for (k = 0; k < n; k++)
				describe(&d[k], u, a, &words[k]);
		}
	}
	return err;
}

static int check_doc(struct rule_ctx *ctx, struct atoms_cache *ac,
		     const struct csrc_comment *cm)
{
	const struct change *c = ac->c;
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	const char *text = csrc_text(change_src(c, CHANGE_NEW), NULL);
	struct word words[MISMATCH_MAX_WORDS];
	struct described d[MISMATCH_MAX_WORDS] = { { 0 } };
	size_t i, n;
	int err = 0;

	if (!*def->name)
		return 0;
	if (!lines_changed(c, CHANGE_NEW, cm->start_line, cm->end_line) &&
	    !lines_changed(c, CHANGE_NEW, def->start_line, def->end_line))
		return 0;
	n = comment_words(text, cm->start, cm->end, words, MISMATCH_MAX_WORDS);
	if (n)
		err = describe_uses(d, ac, def->name, words, n);
	for (i = 0; i < n; i++) {
		if (!err)
			err = report_word(ctx, c, cm, &words[i], &d[i]);
		free(d[i].object);
		free(d[i].role);
	}
	return err;
}

/* --- a comment inside a function: the statement below it ---------------- */

/* The statement right below the comment at [start, end), or null. */
static TSNode stmt_below(const struct csrc *cs, uint32_t start, uint32_t end)
{
	TSNode n = csrc_node_at(cs, start, end);
	int steps;

	if (strcmp(csrc_node_type(n), "comment"))
		return (TSNode){ 0 };
	for (steps = 0; steps < MISMATCH_MAX_WORDS; steps++) {
		n = csrc_node_next_named_sibling(n);
		if (csrc_node_is_null(n) ||
		    strcmp(csrc_node_type(n), "comment"))
			return n;
	}
	return (TSNode){ 0 };
}

/* Tests of the statement itself (not of blocks nested in it). */
static bool atom_of_stmt(const struct role_atom *a, TSNode stmt)
{
	return csrc_node_start(a->stmt) == csrc_node_start(stmt) &&
	       csrc_node_end(a->stmt) == csrc_node_end(stmt);
}

/* The tests of the statement stmt, against each of the n words. */
static void describe_stmt(struct described *d, const struct change *c,
			  const struct role_atoms *atoms, TSNode stmt,
			  const struct word *words, size_t n, bool *changed)
{
	size_t i, k;

	for (i = 0; i < atoms->n; i++) {
		const struct role_atom *a = &atoms->v[i];

		if (!atom_of_stmt(a, stmt))
			continue;
		*changed |= a->changed;
		for (k = 0; k < n; k++)
			describe(&d[k], c, a, &words[k]);
	}
}

static int check_inner(struct rule_ctx *ctx, struct atoms_cache *ac,
		       const struct csrc_comment *cm)
{
	const struct change *c = ac->c;
	const struct csrc *cs = change_src(c, CHANGE_NEW);
	const char *text = csrc_text(cs, NULL);
	struct word words[MISMATCH_MAX_WORDS];
	struct described d[MISMATCH_MAX_WORDS] = { { 0 } };
	const struct role_atoms *atoms;
	TSNode stmt = stmt_below(cs, cm->start, cm->end);
	bool changed;
	size_t i, n;
	int err = 0;

	if (csrc_node_is_null(stmt))
		return 0;
	changed = lines_changed(c, CHANGE_NEW, cm->start_line, cm->end_line);
	n = comment_words(text, cm->start, cm->end, words, MISMATCH_MAX_WORDS);
	if (!n)
		return 0;
	err = cache_get(ac, 0, c, &atoms);
	if (!err)
		describe_stmt(d, c, atoms, stmt, words, n, &changed);
	for (i = 0; i < n; i++) {
		if (!err && changed)
			err = report_word(ctx, c, cm, &words[i], &d[i]);
		free(d[i].object);
		free(d[i].role);
	}
	return err;
}

/* --- a comment an earlier patch of the series added ------------------------ */

/*
 * The change of an earlier patch of the series that defines name (a
 * macro or helper this patch's code uses), or NULL.
 */
static const struct change *earlier_definition(const struct change *c,
					       const char *name)
{
	static const enum csrc_kind kinds[] = { CSRC_MACRO, CSRC_FUNC_MACRO,
						CSRC_FUNCTION };
	const struct change_set *set = change_owner(c);
	const struct change *e = NULL;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && !e; i++)
		e = change_set_find(set, kinds[i], name);
	return e && change_owner(e) != set ? e : NULL;
}

/* The doc comment of e's new definition, when e's patch added it. */
static bool added_doc(const struct change *e, struct csrc_comment *out)
{
	const struct csrc_def *def = change_def(e, CHANGE_NEW);
	struct csrc_comment *cms = NULL;
	size_t n;
	bool found = false;

	if (!def || def->doc_start == def->start)
		return false;
	n = csrc_comments(change_src(e, CHANGE_NEW), def->doc_start, def->start,
			  &cms);
	if (n && lines_changed(e, CHANGE_NEW, cms[n - 1].start_line,
			       cms[n - 1].end_line)) {
		*out = cms[n - 1];
		found = true;
	}
	free(cms);
	return found;
}

/*
 * The added test a tests, through name, what the comment above name says
 * of the other role: "The comment above VM_COPY_ON_FORK (added by patch
 * ...) says dst_vma, but this code checks src_vma->vm_flags."
 */
static int check_use_of(struct rule_ctx *ctx, const struct change *c,
			const struct role_atom *a, const struct change *e)
{
	const char *text = csrc_text(change_src(e, CHANGE_NEW), NULL);
	struct word words[MISMATCH_MAX_WORDS];
	struct csrc_comment cm;
	size_t i, n;

	if (!added_doc(e, &cm) || comment_has_word(e, &cm, a->role))
		return 0;
	n = comment_words(text, cm.start, cm.end, words, MISMATCH_MAX_WORDS);
	for (i = 0; i < n; i++) {
		if (!role_counterparts(&a->rn, &words[i].rn))
			continue;
		return rule_report(
			ctx, c, CHANGE_NEW, a->role_start, a->role_end, NULL,
			NULL,
			"The comment above %s, added by patch \"%s\" (%s:%u), "
			"says \"%s\" but this new code checks %s. Is this "
			"intentional?",
			change_name(e), change_set_subject(change_owner(e)),
			change_path(e),
			change_file_line(e, CHANGE_NEW, cm.start_line),
			words[i].text, a->object);
	}
	return 0;
}

/* Added tests that use a macro or helper an earlier patch commented. */
static int check_series_uses(struct rule_ctx *ctx, struct atoms_cache *ac)
{
	const struct change *c = ac->c;
	const struct csrc *cs = change_src(c, CHANGE_NEW);
	const struct role_atoms *atoms;
	size_t i, j, k;
	TSNode *ids;
	int err;

	if (!change_set_nlinks(change_owner(c)) ||
	    change_kind(c) != CSRC_FUNCTION)
		return 0;
	err = cache_get(ac, 0, c, &atoms);
	for (i = 0; i < atoms->n && !err; i++) {
		const struct role_atom *a = &atoms->v[i];

		if (!a->changed || a->use != ROLE_TESTED)
			continue;
		k = csrc_find_nodes(cs, a->expr, "identifier", &ids);
		for (j = 0; j < k && !err; j++) {
			char *name = csrc_node_text(cs, ids[j]);
			const struct change *e = earlier_definition(c, name);

			if (e)
				err = check_use_of(ctx, c, a, e);
			free(name);
		}
		free(ids);
	}
	return err;
}

/* --- the rule ------------------------------------------------------------ */

static int comment_mismatch_check(struct rule_ctx *ctx, const struct change *c)
{
	const struct csrc_def *def = change_def(c, CHANGE_NEW);
	struct atoms_cache ac = { .c = c };
	struct csrc_comment *cms = NULL;
	size_t i, n;
	int err = 0;

	if (!def || change_is_toplevel(c))
		return 0;
	n = csrc_comments(change_src(c, CHANGE_NEW), def->doc_start, def->end,
			  &cms);
	for (i = 0; i < n && !err; i++) {
		if (cms[i].end <= def->start)
			err = check_doc(ctx, &ac, &cms[i]);
		else if (change_kind(c) == CSRC_FUNCTION)
			err = check_inner(ctx, &ac, &cms[i]);
	}
	if (!err)
		err = check_series_uses(ctx, &ac);
	cache_release(&ac);
	free(cms);
	return err;
}

const struct rule rule_comment_mismatch = {
	.id = "comment-mismatch",
	.severity = RULE_WARNING,
	.summary = "a comment names one role (dst_vma) where the code now "
		   "uses its counterpart (src_vma)",
	.doc = "What: a comment that the patch adds or changes, or that sits\n"
	       "right above changed code, names a role object such as dst_vma,\n"
	       "old_pmd or src, while the code it describes tests the\n"
	       "counterpart role (src_vma, new_pmd, dst) and not the one the\n"
	       "comment names. For the comment above a macro or function, the\n"
	       "code is every added test in the patch that uses that macro or\n"
	       "function, and in the later patches of the series, which are\n"
	       "asked about the comment an earlier patch added; for a comment\n"
	       "inside a function, the statement right below it. Only what\n"
	       "the code tests counts, not what it passes to calls.\n"
	       "\n"
	       "Why: either the comment is stale or the code tests the wrong\n"
	       "object; both deserve a second look, the second is a bug.\n"
	       "\n"
	       "Example:\n"
	       "\t+ * We always copy pgtables when dst_vma has uffd-wp\n"
	       "\t+#define VM_COPY_ON_FORK (VM_PFNMAP | VM_UFFD_WP)\n"
	       "\t+\tif (src_vma->vm_flags & VM_COPY_ON_FORK)\n"
	       "The comment says dst_vma; the code that uses the mask tests\n"
	       "src_vma.\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"comment-mismatch\"]\n"
	       "\t\tenabled = false\n",
	.check = comment_mismatch_check,
};
