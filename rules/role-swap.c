// SPDX-License-Identifier: GPL-2.0
/*
 * role-swap: a property the old code tested on one role of a counterpart
 * pair (dst/src, old/new, ...) is tested on the other role by the new code.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "role.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

#define SWAP_MAX_TEXT ((size_t)16 << 10)
/*
 * Lines of a patch between a removed use and the added one that replaces
 * it, when only the hunks are known: a block of one statement and its
 * comment, not a rewritten function.
 */
#define SWAP_MAX_REPLACE_DISTANCE 16

/* A pair of roles role_derived() was asked about, and its answer. */
struct derived_memo {
	const char *a, *b;
	bool derived;
};

/* What one change's check works from: each computed once. */
struct swap_state {
	const struct change *c;
	struct role_atoms old, new;
	/* The changed atoms of new, grouped by statement and role. */
	const struct role_atom **grouped;
	size_t ngrouped;
	/* The distinct roles tested in removed lines, in text order. */
	const struct role_atom **removed_roles;
	size_t nremoved_roles;
	/* The changed atoms of old sorted by role, then text order. */
	const struct role_atom **by_role;
	size_t nby_role;
	struct derived_memo *derived;
	size_t nderived, aderived;
};

/* The removed atoms of one role that the added atom may have replaced. */
struct swap {
	const struct change *c;
	const struct swap_state *st;
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
	/* Per added atom and property: whether the counts say it moved. */
	bool moved[ROLE_MAX_PROPS][ROLE_MAX_PROPS];
	const char *moved_names[ROLE_MAX_PROPS + 1];
	size_t nmoved; /* distinct properties that moved, up to one past */
	/* The patch says why: state the change, do not ask about it. */
	bool explained;
};

/* "Was the change from X to Y intentional?", or a statement. */
static const char *ask_head(const struct swap *sw)
{
	return sw->explained ? "The change" : "Was the change";
}

static const char *ask_tail(const struct swap *sw)
{
	return sw->explained ? " is explained by the patch.\n" :
			       " intentional?\n";
}

static bool name_listed(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/*
 * Whether the property may have moved from the old role to the new one:
 * the function now tests it fewer times on the old role and more times
 * on the new one. Counting, rather than asking whether a test exists at
 * all, keeps a swap visible in a function that tests the property on
 * both roles elsewhere. It moved when a removed line tested it on the
 * old role, too.
 */
static bool prop_counts_moved(const struct swap *sw, const char *prop)
{
	return role_atoms_count(sw->new, sw->from, prop) <
		       role_atoms_count(sw->old, sw->from, prop) &&
	       role_atoms_count(sw->new, sw->to, prop) >
		       role_atoms_count(sw->old, sw->to, prop);
}

/* Count once what moved, per property of each added atom. */
static void swap_count_moved(struct swap *sw)
{
	size_t i, j;

	for (j = 0; j < sw->nadded; j++) {
		const struct role_atom *a = sw->added[j];

		for (i = 0; i < a->nprops; i++) {
			const char *p = a->props[i].name;

			sw->moved[j][i] = prop_counts_moved(sw, p);
			/* Past ROLE_MAX_PROPS, how many more does not matter. */
			if (sw->moved[j][i] && sw->nmoved <= ROLE_MAX_PROPS &&
			    !name_listed(sw->moved_names, sw->nmoved, p))
				sw->moved_names[sw->nmoved++] = p;
		}
	}
}

/*
 * From the hunks alone, lines of different functions can share a change
 * (a hunk that rewrites one function into another); a swap is then only
 * believed where a replacement is: within one hunk, the added line near
 * the removed one in the patch.
 */
/* The patch lines of the changed lines of an atom's test, first to last. */
static void changed_span(const struct change *c, enum change_side side,
			 const struct role_atom *x, unsigned *lo, unsigned *hi)
{
	const struct csrc *cs = change_src(c, side);
	unsigned l = csrc_line_of(cs, csrc_node_start(x->expr));
	unsigned last = csrc_line_of(cs, csrc_node_end(x->expr)), p;

	*lo = UINT_MAX;
	*hi = 0;
	for (; l <= last; l++) {
		if (!change_line_changed(c, side, l) ||
		    !(p = change_patch_line(c, side, l)))
			continue;
		*lo = p < *lo ? p : *lo;
		*hi = p > *hi ? p : *hi;
	}
}

static bool replaces(const struct swap *sw, const struct role_atom *b,
		     const struct role_atom *a)
{
	unsigned blo, bhi, alo, ahi;

	if (!change_partial(sw->c))
		return true;
	if (change_hunk_of(sw->c, CHANGE_OLD, b->line) !=
	    change_hunk_of(sw->c, CHANGE_NEW, a->line))
		return false;
	changed_span(sw->c, CHANGE_OLD, b, &blo, &bhi);
	changed_span(sw->c, CHANGE_NEW, a, &alo, &ahi);
	if (!bhi || !ahi)
		return true;
	/* The lines between them, none when they interleave. */
	if (alo > bhi)
		return alo - bhi <= SWAP_MAX_REPLACE_DISTANCE;
	if (blo > ahi)
		return blo - ahi <= SWAP_MAX_REPLACE_DISTANCE;
	return true;
}

static void swap_add_removed(struct swap *sw, const struct role_atom *b)
{
	bool used = false;
	size_t i, j;

	for (j = 0; j < sw->nadded; j++) {
		const struct role_atom *a = sw->added[j];

		if (!replaces(sw, b, a))
			continue;
		for (i = 0; i < a->nprops && sw->nprops < ROLE_MAX_PROPS; i++) {
			const char *p = a->props[i].name;

			if (!sw->moved[j][i] || !role_atom_has(b, p))
				continue;
			used = true;
			if (!name_listed(sw->props, sw->nprops, p))
				sw->props[sw->nprops++] = p;
		}
	}
	if (used && sw->nremoved < ROLE_MAX_PROPS)
		sw->removed[sw->nremoved++] = b;
}

/* The first of by_role not below role, or above it when after. */
static size_t role_bound(const struct swap_state *st, const char *role,
			 bool after)
{
	size_t lo = 0, hi = st->nby_role;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(st->by_role[mid]->role, role);

		if (d < 0 || (after && !d))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The removed tests of role from, in text order: *out points into st. */
static size_t removed_of(const struct swap_state *st, const char *from,
			 const struct role_atom *const **out)
{
	size_t lo = role_bound(st, from, false);

	*out = st->by_role + lo;
	return role_bound(st, from, true) - lo;
}

static int ptr_order(const void *pa, const void *pb)
{
	const struct role_atom *a = *(const struct role_atom *const *)pa;
	const struct role_atom *b = *(const struct role_atom *const *)pb;

	return a < b ? -1 : a > b;
}

/*
 * The removed tests of role from that test a property that moved, in
 * text order, when at most max: a new array in *out. Else -1.
 */
static long removed_with_moved(const struct swap *sw, size_t max,
			       const struct role_atom ***out)
{
	const struct role_key *k[ROLE_MAX_PROPS];
	size_t nk[ROLE_MAX_PROPS], i, j, total = 0, n = 0;

	if (sw->nmoved > ROLE_MAX_PROPS)
		return -1;
	for (i = 0; i < sw->nmoved; i++) {
		nk[i] = role_atoms_find(sw->old, sw->from, sw->moved_names[i],
					&k[i]);
		total += nk[i];
		if (total > max)
			return -1;
	}
	*out = xcalloc(total + 1, sizeof(**out));
	for (i = 0; i < sw->nmoved; i++)
		for (j = 0; j < nk[i]; j++)
			(*out)[n++] = k[i][j].atom;
	qsort(*out, n, sizeof(**out), ptr_order);
	for (i = j = 0; i < n; i++)
		if (!j || (*out)[j - 1] != (*out)[i])
			(*out)[j++] = (*out)[i];
	return (long)j;
}

/*
 * Whether nothing more can change: the properties are full, or the
 * removed tests are and every property that moved is listed.
 */
static bool swap_full(const struct swap *sw)
{
	return sw->nprops == ROLE_MAX_PROPS ||
	       (sw->nremoved == ROLE_MAX_PROPS && sw->nprops == sw->nmoved);
}

/* Offer the removed tests of v, in order, while anything can change. */
static void swap_offer(struct swap *sw, const struct role_atom *const *v,
		       size_t n)
{
	size_t i;

	for (i = 0; i < n && !swap_full(sw); i++)
		if (v[i]->changed)
			swap_add_removed(sw, v[i]);
}

/*
 * Collect what moved from role from to the added atoms. Only removed
 * tests of a property that moved can count: when those are fewer, they
 * are looked at rather than every removed test of from.
 */
static void swap_collect(struct swap *sw)
{
	const struct role_atom *const *v;
	const struct role_atom **few = NULL;
	const struct role_key *k;
	size_t j, n, nk;
	long nfew;

	swap_count_moved(sw);
	if (!sw->nmoved)
		return;
	n = removed_of(sw->st, sw->from, &v);
	if (sw->nmoved == 1) {
		nk = role_atoms_find(sw->old, sw->from, sw->moved_names[0], &k);
		if (nk < n) {
			for (j = 0; j < nk && !swap_full(sw); j++)
				if (k[j].atom->changed)
					swap_add_removed(sw, k[j].atom);
			return;
		}
	}
	/* Sorting the few must cost less than walking them all. */
	nfew = removed_with_moved(sw, n / 8, &few);
	if (nfew >= 0)
		swap_offer(sw, few, (size_t)nfew);
	else
		swap_offer(sw, v, n);
	free(few);
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

/* The first atom of v[0..n) that has the property, or NULL. */
static const struct role_atom *atom_with(const struct role_atom *const *v,
					 size_t n, const char *prop)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (role_atom_has(v[i], prop))
			return v[i];
	return NULL;
}

/*
 * The question about a role passed to a call or assigned: "Was the change
 * from passing dst_mm to passing src_mm to find_dst_vma() intentional?"
 * Returns false when no property of that use moved.
 */
static bool add_use_question(struct sbuf *sb, const struct swap *sw,
			     enum role_use use)
{
	const struct role_atom *a = NULL, *b = NULL;
	size_t i;

	for (i = 0; i < sw->nprops && !a; i++) {
		a = atom_with(sw->added, sw->nadded, sw->props[i]);
		b = atom_with(sw->removed, sw->nremoved, sw->props[i]);
		if (a && (a->use != use || !b))
			a = NULL;
	}
	if (!a)
		return false;
	if (use == ROLE_PASSED)
		sbuf_addf(sb,
			  "%s from passing %s to passing %s as argument %u of "
			  "%s()%s",
			  ask_head(sw), b->object, a->object, a->arg, a->target,
			  ask_tail(sw));
	else
		sbuf_addf(sb, "%s from assigning %s to assigning %s to %s%s",
			  ask_head(sw), b->object, a->object, a->target,
			  ask_tail(sw));
	return true;
}

/* Whether the property was found on a role tested, not passed or assigned. */
static bool prop_tested(const struct swap *sw, const char *name)
{
	const struct role_atom *a = atom_with(sw->added, sw->nadded, name);

	return a && a->use == ROLE_TESTED;
}

static char *swap_message(const struct swap *sw)
{
	struct sbuf sb = SBUF_INIT, seen = SBUF_INIT;
	const char *shown[ROLE_MAX_PROPS];
	size_t i, n = 0, before;

	sbuf_init(&sb, SWAP_MAX_TEXT);
	for (i = 0; i < sw->nprops; i++)
		if (prop_tested(sw, sw->props[i]) &&
		    prop_shown(sw, sw->props[i]))
			shown[n++] = sw->props[i];
	if (n) {
		sbuf_addf(&sb, "%s from checking %s to %s for ", ask_head(sw),
			  sw->from, sw->to);
		add_list(&sb, shown, n);
		sbuf_addstr(&sb, ask_tail(sw));
	}
	add_use_question(&sb, sw, ROLE_PASSED);
	add_use_question(&sb, sw, ROLE_ASSIGNED);
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

/*
 * Say so when a helper's meaning came from the built-in table, and when
 * some helpers were not seen through (ROLE_MAX_EXPANSIONS).
 */
static char *swap_note(const struct swap *sw)
{
	const char *names[ROLE_MAX_PROPS];
	struct sbuf sb = SBUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < sw->nremoved; i++)
		add_builtins(names, &n, sw->removed[i]);
	for (i = 0; i < sw->nadded; i++)
		add_builtins(names, &n, sw->added[i]);
	if (n) {
		add_list(&sb, names, n);
		sbuf_addf(&sb,
			  " %s resolved from mmreview's built-in table of mm "
			  "helpers, not from the kernel tree",
			  n == 1 ? "was" : "were");
	}
	if (sw->old->truncated || sw->new->truncated)
		sbuf_addf(&sb,
			  "%sonly the first %d helper and macro bodies used "
			  "in %s%s were looked into",
			  sb.len ? "; " : "", ROLE_MAX_EXPANSIONS,
			  *change_name(sw->c) ? change_name(sw->c) :
						"this function",
			  *change_name(sw->c) ? "()" : "");
	if (!sb.len) {
		sbuf_release(&sb);
		return NULL;
	}
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
			if (csrc_node_same(sw->removed[j]->stmt, b->stmt))
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

/* What an earlier change is searched for: the swap the other way. */
struct reverse_search {
	const struct swap *sw;
	char *what;
	bool fixes;
};

/*
 * Whether the earlier change moved one of the swap's properties from the
 * swap's new role to its old one: this swap puts it back.
 */
static bool moved_back(const struct change *e, const char *what, bool fixes,
		       void *payload)
{
	struct reverse_search *rs = payload;
	const struct swap *sw = rs->sw;
	struct role_atoms old = ROLE_ATOMS_INIT, new = ROLE_ATOMS_INIT;
	bool found = false;
	size_t i;

	if (!role_atoms_collect(&old, e, CHANGE_OLD) &&
	    !role_atoms_collect(&new, e, CHANGE_NEW)) {
		for (i = 0; i < sw->nprops && !found; i++) {
			const char *p = sw->props[i];

			found = role_atoms_count(&old, sw->to, p) >
					role_atoms_count(&new, sw->to, p) &&
				role_atoms_count(&new, sw->from, p) >
					role_atoms_count(&old, sw->from, p);
		}
	}
	role_atoms_release(&old);
	role_atoms_release(&new);
	if (found) {
		rs->what = xstrdup(what);
		rs->fixes = fixes;
	}
	return found;
}

/*
 * What the patch says of the swap: a sentence of its changelog or of a
 * comment it adds that says why (then the finding is info), or an
 * earlier change this one puts back; added to *note.
 */
static void swap_context(const struct change *c, struct swap *sw,
			 struct sbuf *note)
{
	struct reverse_search rs = { .sw = sw };
	char *sentence, *where;

	if (explain_find(c, sw->to, sw->added[0]->line, &sentence, &where)) {
		sw->explained = true;
		sbuf_addf(note, "%sthe patch explains it in %s: \"%s\"",
			  note->len ? "; " : "", where, sentence);
		free(sentence);
		free(where);
	}
	if (explain_earlier(c, moved_back, &rs)) {
		/* Undoing what a Fixes: commit did is the fix it says it is. */
		if (rs.fixes)
			sw->explained = true;
		sbuf_addf(note, "%sthis puts back what %s changed",
			  note->len ? "; " : "", rs.what);
		free(rs.what);
	}
}

static int swap_report(struct rule_ctx *ctx, const struct change *c,
		       struct swap *sw)
{
	struct sbuf note = SBUF_INIT;
	char *msg, *more = swap_note(sw), *old_code = swap_old_code(c, sw);
	int err;

	if (more)
		sbuf_addstr(&note, more);
	swap_context(c, sw, &note);
	msg = swap_message(sw);
	if (sw->explained)
		err = rule_report_info(ctx, c, CHANGE_NEW,
				       sw->added[0]->role_start,
				       sw->added[0]->role_end, old_code,
				       note.len ? note.buf : NULL, "%s", msg);
	else
		err = rule_report(ctx, c, CHANGE_NEW, sw->added[0]->role_start,
				  sw->added[0]->role_end, old_code,
				  note.len ? note.buf : NULL, "%s", msg);
	free(old_code);
	free(more);
	free(msg);
	sbuf_release(&note);
	return err;
}

/* The distinct old roles, counterparts of a, tested in removed lines. */
static size_t removed_roles(const struct swap_state *st,
			    const struct role_atom *a, const char **roles,
			    size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < st->nremoved_roles && n < max; i++) {
		const struct role_atom *b = st->removed_roles[i];

		if (role_counterparts(&b->rn, &a->rn))
			roles[n++] = b->role;
	}
	return n;
}

/* Whether one role is made from the other (new = mpol_dup(old)). */
static bool roles_derived(struct swap_state *st, const char *a, const char *b)
{
	const struct change *c = st->c;
	struct derived_memo *d;
	size_t i;

	for (i = 0; i < st->nderived; i++)
		if (!strcmp(st->derived[i].a, a) &&
		    !strcmp(st->derived[i].b, b))
			return st->derived[i].derived;
	XGROW(st->derived, st->aderived, st->nderived + 1);
	d = &st->derived[st->nderived++];
	d->a = a;
	d->b = b;
	d->derived = role_derived(c, CHANGE_OLD, a, b) ||
		     role_derived(c, CHANGE_OLD, b, a) ||
		     role_derived(c, CHANGE_NEW, a, b) ||
		     role_derived(c, CHANGE_NEW, b, a);
	return d->derived;
}

/*
 * A bare variable tested where the old code had none of that name is a
 * rewrite (a new "next" in an iterator), not a swap of two roles.
 */
static bool new_variable(const struct change *c, const struct swap *sw)
{
	return sw->added[0]->bare && !role_in_def(c, CHANGE_OLD, sw->to);
}

/*
 * Every property that moved is an argument of a function whose
 * parameters the patch reorders: the calls follow the new order.
 */
static bool params_exchanged(const struct swap *sw)
{
	size_t i;

	for (i = 0; i < sw->nprops; i++) {
		const struct role_atom *a =
			atom_with(sw->added, sw->nadded, sw->props[i]);

		if (!a || a->use != ROLE_PASSED ||
		    !role_params_exchanged(sw->c, a->target))
			return false;
	}
	return sw->nprops > 0;
}

/*
 * The added tests on one role in one statement, grouped[0..n) in text
 * order: does any removed test of a counterpart role say they swapped?
 */
static int check_added(struct rule_ctx *ctx, struct swap_state *st,
		       const struct role_atom *const *grouped, size_t n)
{
	const char *roles[ROLE_MAX_PROPS];
	size_t i, j,
		nroles = removed_roles(st, grouped[0], roles, ROLE_MAX_PROPS);
	int err = 0;

	for (i = 0; i < nroles && !err; i++) {
		struct swap sw = {
			.c = st->c, .st = st, .old = &st->old, .new = &st->new
		};

		sw.to = grouped[0]->role;
		for (j = 0; j < n && j < ROLE_MAX_PROPS; j++)
			sw.added[sw.nadded++] = grouped[j];
		sw.from = roles[i];
		swap_collect(&sw);
		if (sw.nprops && !roles_derived(st, sw.from, sw.to) &&
		    !new_variable(st->c, &sw) &&
		    !role_renamed(st->c, sw.from, sw.to) &&
		    !params_exchanged(&sw))
			err = swap_report(ctx, st->c, &sw);
	}
	return err;
}

/* Statement, role, text order: the tests of one site together. */
static int site_order(const void *pa, const void *pb)
{
	const struct role_atom *a = *(const struct role_atom *const *)pa;
	const struct role_atom *b = *(const struct role_atom *const *)pb;
	uintptr_t sa = csrc_node_key(a->stmt), sb = csrc_node_key(b->stmt);
	int d;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	d = strcmp(a->role, b->role);
	return d ? d : ptr_order(pa, pb);
}

/* Role, then text order. */
static int role_order(const void *pa, const void *pb)
{
	const struct role_atom *a = *(const struct role_atom *const *)pa;
	const struct role_atom *b = *(const struct role_atom *const *)pb;
	int d = strcmp(a->role, b->role);

	return d ? d : ptr_order(pa, pb);
}

/* The changed atoms of atoms, in text order. */
static size_t changed_atoms(const struct role_atoms *atoms,
			    const struct role_atom ***out)
{
	size_t i, n = 0;

	*out = xcalloc(atoms->n ? atoms->n : 1, sizeof(**out));
	for (i = 0; i < atoms->n; i++)
		if (atoms->v[i].changed)
			(*out)[n++] = &atoms->v[i];
	return n;
}

/* Sort and group what the checks of one change look things up in. */
static void swap_state_index(struct swap_state *st)
{
	size_t i;

	st->ngrouped = changed_atoms(&st->new, &st->grouped);
	qsort(st->grouped, st->ngrouped, sizeof(*st->grouped), site_order);
	st->nby_role = changed_atoms(&st->old, &st->by_role);
	qsort(st->by_role, st->nby_role, sizeof(*st->by_role), role_order);
	/* The first removed test of each role, then back in text order. */
	st->removed_roles = xcalloc(st->nby_role ? st->nby_role : 1,
				    sizeof(*st->removed_roles));
	for (i = 0; i < st->nby_role; i++)
		if (!i ||
		    strcmp(st->by_role[i - 1]->role, st->by_role[i]->role))
			st->removed_roles[st->nremoved_roles++] =
				st->by_role[i];
	qsort(st->removed_roles, st->nremoved_roles, sizeof(*st->removed_roles),
	      ptr_order);
}

static void swap_state_release(struct swap_state *st)
{
	role_atoms_release(&st->old);
	role_atoms_release(&st->new);
	free(st->grouped);
	free(st->by_role);
	free(st->removed_roles);
	free(st->derived);
}

/* Whether grouped[i] and grouped[i - 1] are tests of one site. */
static bool same_site(const struct swap_state *st, size_t i)
{
	return i &&
	       csrc_node_same(st->grouped[i - 1]->stmt, st->grouped[i]->stmt) &&
	       !strcmp(st->grouped[i - 1]->role, st->grouped[i]->role);
}

/* Check each site's added tests, in the text order of their first. */
static int check_sites(struct rule_ctx *ctx, struct swap_state *st)
{
	const struct role_atom **firsts;
	size_t i, k, n = 0;
	int err = 0;

	/* Each site's first test, to order the sites by. */
	firsts = xcalloc(st->ngrouped + 1, sizeof(*firsts));
	for (i = 0; i < st->ngrouped; i++)
		if (!same_site(st, i))
			firsts[n++] = st->grouped[i];
	qsort(firsts, n, sizeof(*firsts), ptr_order);
	for (k = 0; k < n && !err; k++) {
		const struct role_atom *const *g =
			bsearch(&firsts[k], st->grouped, st->ngrouped,
				sizeof(*st->grouped), site_order);
		size_t at = (size_t)(g - st->grouped), len = 1;

		while (at + len < st->ngrouped && same_site(st, at + len))
			len++;
		err = check_added(ctx, st, g, len);
	}
	free(firsts);
	return err;
}

static int role_swap_check(const struct rule *self __maybe_unused,
			   struct rule_ctx *ctx, const struct change *c)
{
	struct swap_state st = { .c = c,
				 .old = ROLE_ATOMS_INIT,
				 .new = ROLE_ATOMS_INIT };
	int err;

	if (!change_def(c, CHANGE_OLD) || !change_def(c, CHANGE_NEW))
		return 0;
	err = role_atoms_collect(&st.old, c, CHANGE_OLD);
	if (!err)
		err = role_atoms_collect(&st.new, c, CHANGE_NEW);
	if (!err) {
		swap_state_index(&st);
		err = check_sites(ctx, &st);
	}
	swap_state_release(&st);
	return err;
}

const struct rule rule_role_swap = {
	.version = RULE_VERSION,
	.id = "role-swap",
	.severity = RULE_WARNING,
	.summary = "a role (dst, old, child...) once tested, passed or "
		   "assigned is now its counterpart",
	.doc = "What: in a changed function, a removed line used one role of a\n"
	       "counterpart pair - dst/src, old/new, orig/new, from/to,\n"
	       "parent/child, prev/next, also written newpage/oldpage - and an\n"
	       "added line uses the other role in the same way, so that the\n"
	       "function now does it fewer times with the first role and more\n"
	       "times with the second. The ways: a test of a property (a flag\n"
	       "through a mask, a helper such as userfaultfd_wp(), a field, a\n"
	       "comparison, a bare variable being set), also through\n"
	       "conversions and field chains (folio_test_dirty(page_folio(old)),\n"
	       "list_empty(&dst_mm->mmlist)); an argument of a call\n"
	       "(find_dst_vma(dst_mm, ...)); the value given to something\n"
	       "(shrinker->name = old). Masks and one-line helpers are seen\n"
	       "through, from the patch, the series, the kernel tree or a\n"
	       "built-in table. A rename (the declaration renamed too), a\n"
	       "helper whose parameters the patch reorders with its calls, and\n"
	       "a role made from the other (new = mpol_dup(old)) are not swaps.\n"
	       "\n"
	       "A swap the patch explains - a sentence of its changelog or of a\n"
	       "comment it adds above the change names the new role and says\n"
	       "why, or it undoes what its Fixes: commit did - is info, not a\n"
	       "warning, and the finding quotes the sentence. A swap that puts\n"
	       "back what an earlier patch of the series did says so.\n"
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
