// SPDX-License-Identifier: GPL-2.0
/*
 * role-swap: a property the old code tested on one role of a counterpart
 * pair (dst/src, old/new, ...) is tested on the other role by the new code.
 */
#include <stdlib.h>
#include <string.h>

#include "role.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define SWAP_MAX_TEXT ((size_t)16 << 10)

/* The removed atoms of one role that the added atom may have replaced. */
struct swap {
	const struct change *c;
	const struct role_atoms *old, *new;
	/* The added tests of one statement on the new role, in text order. */
	const struct role_atom *added[ROLE_MAX_PROPS];
	size_t nadded;
	const char *to; /* the new role */
	const char *from; /* the old role */
	const struct role_atom *removed[ROLE_MAX_PROPS];
	size_t nremoved;
	const char *props[ROLE_MAX_PROPS]; /* tested on from, now on added */
	size_t nprops;
};

static bool name_listed(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/*
 * Whether the property moved from the old role to the new one: tested on
 * the old role in a removed line, and the function now tests it fewer
 * times on the old role and more times on the new one. Counting, rather
 * than asking whether a test exists at all, keeps a swap visible in a
 * function that tests the property on both roles elsewhere.
 */
static bool prop_moved(const struct swap *sw, const struct role_atom *b,
		       const char *prop)
{
	return role_atom_has(b, prop) &&
	       role_atoms_count(sw->new, sw->from, prop) <
		       role_atoms_count(sw->old, sw->from, prop) &&
	       role_atoms_count(sw->new, sw->to, prop) >
		       role_atoms_count(sw->old, sw->to, prop);
}

/*
 * From the hunks alone, lines of different functions can share a change;
 * a swap is then only believed within one hunk, where a replacement is.
 */
static bool same_hunk(const struct swap *sw, const struct role_atom *b,
		      const struct role_atom *a)
{
	return !change_partial(sw->c) ||
	       change_hunk_of(sw->c, CHANGE_OLD, b->line) ==
		       change_hunk_of(sw->c, CHANGE_NEW, a->line);
}

static void swap_add_removed(struct swap *sw, const struct role_atom *b)
{
	bool used = false;
	size_t i, j;

	for (j = 0; j < sw->nadded; j++) {
		const struct role_atom *a = sw->added[j];

		if (!same_hunk(sw, b, a))
			continue;
		for (i = 0; i < a->nprops && sw->nprops < ROLE_MAX_PROPS; i++) {
			const char *p = a->props[i].name;

			if (!prop_moved(sw, b, p))
				continue;
			used = true;
			if (!name_listed(sw->props, sw->nprops, p))
				sw->props[sw->nprops++] = p;
		}
	}
	if (used && sw->nremoved < ROLE_MAX_PROPS)
		sw->removed[sw->nremoved++] = b;
}

/* Collect what moved from role from to the added atom. */
static void swap_collect(struct swap *sw)
{
	size_t i;

	for (i = 0; i < sw->old->n; i++) {
		const struct role_atom *b = &sw->old->v[i];

		if (b->changed && !strcmp(b->role, sw->from))
			swap_add_removed(sw, b);
	}
}

/* The property as some atom of the swap has it (for its helper). */
static const struct role_prop *swap_prop(const struct swap *sw,
					 const char *name)
{
	const struct role_prop *p = NULL;
	size_t i;

	for (i = 0; !p && i < sw->nadded; i++)
		p = role_atom_prop(sw->added[i], name);
	for (i = 0; !p && i < sw->nremoved; i++)
		p = role_atom_prop(sw->removed[i], name);
	return p;
}

/*
 * Whether a property is worth naming: a helper's call is left out when
 * what the helper tests (VM_HUGETLB for is_vm_hugetlb_page()) is listed.
 */
static bool prop_shown(const struct swap *sw, const char *name)
{
	size_t i, n;

	for (i = 0; i < sw->nprops; i++) {
		const struct role_prop *q = swap_prop(sw, sw->props[i]);

		if (!q || !q->helper)
			continue;
		n = strlen(q->helper);
		if (!strncmp(name, q->helper, n) && name[n] == '(')
			return false;
	}
	return true;
}

/* "A", "A and B", "A, B and C". */
static void add_list(struct sbuf *sb, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			sbuf_addstr(sb, i + 1 == n ? " and " : ", ");
		sbuf_addstr(sb, v[i]);
	}
}

/* Add a line unless one with the same key ("\nkey\n" in seen) was. */
static void add_line_once(struct sbuf *sb, struct sbuf *seen, const char *key,
			  const char *line)
{
	struct sbuf k = SBUF_INIT;

	sbuf_addf(&k, "\n%s\n", key);
	if (!strstr(seen->buf, k.buf)) {
		sbuf_addf(seen, "\n%s\n", key);
		sbuf_addf(sb, "\n%s", line);
	}
	sbuf_release(&k);
}

/*
 * "userfaultfd_wp(dst_vma) tests ...", once per helper (the old call
 * when both sides call it), and "VM_COPY_ON_FORK includes ...".
 */
static void add_explanations(struct sbuf *sb, const struct swap *sw,
			     const struct role_atom *a, struct sbuf *seen)
{
	size_t i;

	for (i = 0; i < a->nprops; i++) {
		const struct role_prop *p = &a->props[i];
		struct sbuf line = SBUF_INIT;

		if (!name_listed(sw->props, sw->nprops, p->name) ||
		    !prop_shown(sw, p->name))
			continue;
		if (p->helper && a->explain) {
			sbuf_addf(&line, "%s.", a->explain);
			add_line_once(sb, seen, p->helper, line.buf);
		} else if (p->mask) {
			sbuf_addf(&line, "%s includes %s.", p->mask, p->name);
			add_line_once(sb, seen, line.buf, line.buf);
		}
		sbuf_release(&line);
	}
}

static char *swap_message(const struct swap *sw)
{
	struct sbuf sb = SBUF_INIT, seen = SBUF_INIT;
	const char *shown[ROLE_MAX_PROPS];
	size_t i, n = 0, before;

	sbuf_init(&sb, SWAP_MAX_TEXT);
	for (i = 0; i < sw->nprops; i++)
		if (prop_shown(sw, sw->props[i]))
			shown[n++] = sw->props[i];
	sbuf_addf(&sb, "Was the change from checking %s to %s for ", sw->from,
		  sw->to);
	add_list(&sb, shown, n);
	sbuf_addstr(&sb, " intentional?\n");
	before = sb.len;
	for (i = 0; i < sw->nremoved; i++)
		add_explanations(&sb, sw, sw->removed[i], &seen);
	for (i = 0; i < sw->nadded; i++)
		add_explanations(&sb, sw, sw->added[i], &seen);
	if (sb.len == before)
		sbuf_setlen(&sb, before - 1);
	sbuf_release(&seen);
	return sbuf_detach(&sb, NULL);
}

static void add_builtins(const char **v, size_t *n, const struct role_atom *a)
{
	size_t i;

	for (i = 0; i < a->nbuiltin && *n < ROLE_MAX_PROPS; i++)
		if (!name_listed(v, *n, a->builtin[i]))
			v[(*n)++] = a->builtin[i];
}

/* Say so when a helper's meaning came from the built-in table. */
static char *swap_note(const struct swap *sw)
{
	const char *names[ROLE_MAX_PROPS];
	struct sbuf sb = SBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < sw->nremoved; i++)
		add_builtins(names, &n, sw->removed[i]);
	for (i = 0; i < sw->nadded; i++)
		add_builtins(names, &n, sw->added[i]);
	if (!n)
		return NULL;
	add_list(&sb, names, n);
	sbuf_addf(&sb,
		  " %s resolved from mmreview's built-in table of mm helpers, "
		  "not from the kernel tree",
		  n == 1 ? "was" : "were");
	return sbuf_detach(&sb, NULL);
}

/* The old statements holding the removed tests, as they were written. */
static char *swap_old_code(const struct change *c, const struct swap *sw)
{
	struct sbuf sb = SBUF_INIT;
	size_t i, j;

	sbuf_init(&sb, SWAP_MAX_TEXT);
	for (i = 0; i < sw->nremoved; i++) {
		const struct role_atom *b = sw->removed[i];
		char *lines;

		for (j = 0; j < i; j++)
			if (ts_node_eq(sw->removed[j]->stmt, b->stmt))
				break;
		if (j < i)
			continue;
		lines = role_stmt_lines(c, CHANGE_OLD, b->stmt, b->expr);
		if (sb.len)
			sbuf_addch(&sb, '\n');
		sbuf_addstr(&sb, lines);
		free(lines);
	}
	return sbuf_detach(&sb, NULL);
}

static int swap_report(struct rule_ctx *ctx, const struct change *c,
		       const struct swap *sw)
{
	char *msg = swap_message(sw);
	char *note = swap_note(sw);
	char *old_code = swap_old_code(c, sw);
	int err;

	err = rule_report(ctx, c, CHANGE_NEW, sw->added[0]->role_start,
			  sw->added[0]->role_end, old_code, note, "%s", msg);
	free(old_code);
	free(note);
	free(msg);
	return err;
}

/* The distinct old roles, counterparts of a, tested in removed lines. */
static size_t removed_roles(const struct role_atoms *old,
			    const struct role_atom *a, const char **roles,
			    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < old->n && n < max; i++) {
		const struct role_atom *b = &old->v[i];

		if (b->changed && role_counterparts(&b->rn, &a->rn) &&
		    !name_listed(roles, n, b->role))
			roles[n++] = b->role;
	}
	return n;
}

static bool same_test_site(const struct role_atom *a, const struct role_atom *b)
{
	return b->changed && ts_node_eq(a->stmt, b->stmt) &&
	       !strcmp(a->role, b->role);
}

/* The added tests on a's role in a's statement, a first. */
static void swap_group(struct swap *sw, const struct role_atoms *new,
		       const struct role_atom *a)
{
	size_t i;

	sw->to = a->role;
	sw->added[sw->nadded++] = a;
	for (i = (size_t)(a - new->v) + 1;
	     i < new->n && sw->nadded < ROLE_MAX_PROPS; i++)
		if (same_test_site(a, &new->v[i]))
			sw->added[sw->nadded++] = &new->v[i];
}

/* Whether one role is made from the other (new = mpol_dup(old)). */
static bool roles_derived(const struct change *c, const char *a, const char *b)
{
	return role_derived(c, CHANGE_OLD, a, b) ||
	       role_derived(c, CHANGE_OLD, b, a) ||
	       role_derived(c, CHANGE_NEW, a, b) ||
	       role_derived(c, CHANGE_NEW, b, a);
}

/*
 * A bare variable tested where the old code had none of that name is a
 * rewrite (a new "next" in an iterator), not a swap of two roles.
 */
static bool new_variable(const struct change *c, const struct swap *sw)
{
	return sw->added[0]->bare && !role_in_def(c, CHANGE_OLD, sw->to);
}

static int check_added(struct rule_ctx *ctx, const struct change *c,
		       const struct role_atoms *old,
		       const struct role_atoms *new, const struct role_atom *a)
{
	const char *roles[ROLE_MAX_PROPS];
	size_t i, n = removed_roles(old, a, roles, ROLE_MAX_PROPS);
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		struct swap sw = { .c = c, .old = old, .new = new };

		swap_group(&sw, new, a);
		sw.from = roles[i];
		swap_collect(&sw);
		if (sw.nprops && !roles_derived(c, sw.from, sw.to) &&
		    !new_variable(c, &sw))
			err = swap_report(ctx, c, &sw);
	}
	return err;
}

/* Whether an earlier added test of the statement covered this one. */
static bool grouped_before(const struct role_atoms *new,
			   const struct role_atom *a)
{
	size_t i;

	for (i = 0; &new->v[i] < a; i++)
		if (same_test_site(a, &new->v[i]))
			return true;
	return false;
}

static int role_swap_check(struct rule_ctx *ctx, const struct change *c)
{
	struct role_atoms old = ROLE_ATOMS_INIT, new = ROLE_ATOMS_INIT;
	size_t i;
	int err;

	if (!change_def(c, CHANGE_OLD) || !change_def(c, CHANGE_NEW))
		return 0;
	err = role_atoms_collect(&old, c, CHANGE_OLD);
	if (!err)
		err = role_atoms_collect(&new, c, CHANGE_NEW);
	for (i = 0; !err && i < new.n; i++)
		if (new.v[i].changed && !grouped_before(&new, &new.v[i]))
			err = check_added(ctx, c, &old, &new, &new.v[i]);
	role_atoms_release(&old);
	role_atoms_release(&new);
	return err;
}

const struct rule rule_role_swap = {
	.id = "role-swap",
	.severity = RULE_WARNING,
	.summary = "a property once tested on one role (dst, old, child...) "
		   "is now tested on its counterpart",
	.doc = "What: in a changed function, a removed line tested a property\n"
	       "(a flag through a mask, a helper such as userfaultfd_wp(), a\n"
	       "field, or a bare variable being set) on one role of a\n"
	       "counterpart pair - dst/src, old/new, orig/new, from/to,\n"
	       "parent/child, prev/next - and an added line\n"
	       "tests the same property on the other role, so that the function\n"
	       "now tests it fewer times on the first role and more times on\n"
	       "the second. Masks and one-line helpers are seen\n"
	       "through, from the patch, the kernel tree or a built-in table.\n"
	       "\n"
	       "Why: the two roles of a copy or a fork are different objects.\n"
	       "On fork the child VMA may already differ from the parent (its\n"
	       "VM_UFFD_WP can be cleared), so moving a test from dst_vma to\n"
	       "src_vma changes behaviour even when the code looks equivalent.\n"
	       "\n"
	       "Example:\n"
	       "\t-\tif (userfaultfd_wp(dst_vma))\n"
	       "\t+\tif (src_vma->vm_flags & VM_COPY_ON_FORK)\n"
	       "where VM_COPY_ON_FORK includes VM_UFFD_WP: the flag used to be\n"
	       "tested on dst_vma and is now tested on src_vma.\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"role-swap\"]\n"
	       "\t\tenabled = false\n",
	.check = role_swap_check,
};
