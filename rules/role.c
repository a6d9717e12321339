// SPDX-License-Identifier: GPL-2.0
/*
 * Roles and the property tests made on them; see role.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fragment.h"
#include "role.h"
#include "sbuf.h"
#include "util.h"

#define ROLE_MAX_EXPR_DEPTH 64 /* nesting of one expression walked */
#define ROLE_MAX_ROOT_STEPS 32 /* ->, [], *, & followed to a root */
#define ROLE_MAX_TEXT 160 /* longest value or explanation quoted */
#define ROLE_MAX_PARAMS 16
#define ROLE_MEMO_MIN_SLOTS 64 /* hash tables start so: a power of two */

/* --- role names ---------------------------------------------------------- */

static const struct {
	const char *word;
	enum role_word role;
	bool english; /* also a word of prose */
} role_words[] = {
	{ "src", ROLE_SRC, false },    { "source", ROLE_SRC, true },
	{ "dst", ROLE_DST, false },    { "dest", ROLE_DST, false },
	{ "old", ROLE_OLD, true },     { "new", ROLE_NEW, true },
	{ "orig", ROLE_ORIG, false },  { "from", ROLE_FROM, true },
	{ "to", ROLE_TO, true },       { "parent", ROLE_PARENT, true },
	{ "child", ROLE_CHILD, true }, { "prev", ROLE_PREV, false },
	{ "next", ROLE_NEXT, true },
};

static const enum role_word role_pairs[][2] = {
	{ ROLE_SRC, ROLE_DST },	     { ROLE_OLD, ROLE_NEW },
	{ ROLE_ORIG, ROLE_NEW },     { ROLE_FROM, ROLE_TO },
	{ ROLE_PARENT, ROLE_CHILD }, { ROLE_PREV, ROLE_NEXT },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The role word spelled by [s, s+n), or -1. */
static int role_word_index(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(role_words); i++)
		if (strlen(role_words[i].word) == n &&
		    !memcmp(role_words[i].word, s, n))
			return (int)i;
	return -1;
}

static bool ident_valid(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= ROLE_MAX_NAME || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Append component [s, s+n) to the stem, '_'-joined. */
static void stem_add(struct role_name *out, bool *first, const char *s,
		     size_t n)
{
	size_t len = strlen(out->stem);

	if (!*first)
		out->stem[len++] = '_';
	memcpy(out->stem + len, s, n);
	out->stem[len + n] = '\0';
	*first = false;
}

/*
 * Words that start with a role word but are something else: "newpage"
 * is new + page, "prevent" is not prev + ent.
 */
static const char *const not_prefixed[] = {
	"newer",   "newest",   "newly",	   "older",	 "oldest",
	"prevent", "prevents", "previous", "previously", "nextline",
};

/*
 * A component spelled as a role word run into its stem, as kernel code
 * writes newpage, oldmm, srcaddr: the role word, and the stem's length.
 */
static int role_prefix(const char *s, size_t n, size_t *skip)
{
	static const char *const prefixes[] = { "old", "new",  "src",
						"dst", "prev", "next" };
	size_t i, k;
	int w;

	for (i = 0; i < ARRAY_SIZE(not_prefixed); i++)
		if (strlen(not_prefixed[i]) == n &&
		    !memcmp(not_prefixed[i], s, n))
			return -1;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		k = strlen(prefixes[i]);
		/* Two letters at least after it: "srcu" is not src + u. */
		if (n < k + 2 || memcmp(s, prefixes[i], k) ||
		    !isalpha((unsigned char)s[k]))
			continue;
		w = role_word_index(s, k);
		*skip = k;
		return w;
	}
	return -1;
}

bool role_parse(const char *ident, struct role_name *out)
{
	size_t n = ident ? strlen(ident) : 0;
	const char *p = ident, *end = ident + n;
	bool first = true;
	int found = -1;

	out->word = ROLE_NONE;
	out->stem[0] = '\0';
	if (!ident_valid(ident, n))
		return false;
	while (p <= end) {
		const char *us = memchr(p, '_', (size_t)(end - p));
		size_t len = us ? (size_t)(us - p) : (size_t)(end - p),
		       skip = 0;
		int w = role_word_index(p, len);

		if (w < 0)
			w = role_prefix(p, len, &skip);
		if (w >= 0 && found >= 0)
			goto out_none; /* two role words: ambiguous */
		if (w >= 0)
			found = w;
		if (w < 0 || skip)
			stem_add(out, &first, p + skip, len - skip);
		if (!us)
			break;
		p = us + 1;
	}
	if (found < 0)
		goto out_none;
	out->word = role_words[found].role;
	return true;
out_none:
	out->word = ROLE_NONE;
	out->stem[0] = '\0';
	return false;
}

bool role_counterparts(const struct role_name *a, const struct role_name *b)
{
	size_t i;

	if (a->word == ROLE_NONE || b->word == ROLE_NONE)
		return false;
	if (strcmp(a->stem, b->stem))
		return false;
	for (i = 0; i < ARRAY_SIZE(role_pairs); i++) {
		if (role_pairs[i][0] == a->word && role_pairs[i][1] == b->word)
			return true;
		if (role_pairs[i][1] == a->word && role_pairs[i][0] == b->word)
			return true;
	}
	return false;
}

bool role_ident_counterparts(const char *a, const char *b)
{
	struct role_name ra, rb;

	return role_parse(a, &ra) && role_parse(b, &rb) &&
	       role_counterparts(&ra, &rb);
}

bool role_is_code_word(const char *word)
{
	struct role_name rn;
	int w;

	if (!role_parse(word, &rn))
		return false;
	if (strchr(word, '_'))
		return true;
	w = role_word_index(word, strlen(word));
	/* "newpage" is code; "new" may be English. */
	return w < 0 || !role_words[w].english;
}

/* --- atoms: bookkeeping -------------------------------------------------- */

static void atom_release(struct role_atom *a)
{
	size_t i;

	free(a->role);
	free(a->object);
	free(a->target);
	free(a->explain);
	for (i = 0; i < a->nprops; i++) {
		free(a->props[i].name);
		free(a->props[i].helper);
		free(a->props[i].mask);
	}
	free(a->props);
	for (i = 0; i < a->nbuiltin; i++)
		free(a->builtin[i]);
	free(a->builtin);
}

void role_atoms_release(struct role_atoms *atoms)
{
	size_t i;

	for (i = 0; i < atoms->n; i++)
		atom_release(&atoms->v[i]);
	free(atoms->v);
	free(atoms->keys);
	atoms->v = NULL;
	atoms->n = atoms->alloc = 0;
	atoms->keys = NULL;
	atoms->nkeys = 0;
	atoms->truncated = false;
}

const struct role_prop *role_atom_prop(const struct role_atom *a,
				       const char *name)
{
	size_t i;

	for (i = 0; i < a->nprops; i++)
		if (!strcmp(a->props[i].name, name))
			return &a->props[i];
	return NULL;
}

bool role_atom_has(const struct role_atom *a, const char *name)
{
	return role_atom_prop(a, name) != NULL;
}

/* The nodes of type in the definition's own bytes. */
static size_t find_in_def(const struct csrc *cs, const struct csrc_def *def,
			  const char *type, TSNode **out)
{
	return csrc_find_nodes_in(cs, def->node, def->start, def->end, type,
				  out);
}

bool role_in_def(const struct change *c, enum change_side side,
		 const char *ident)
{
	const struct csrc_def *def = change_def(c, side);
	const struct csrc *cs = change_src(c, side);
	TSNode *ids = NULL;
	size_t i, n;
	bool found = false;

	if (!def)
		return false;
	n = find_in_def(cs, def, "identifier", &ids);
	for (i = 0; i < n && !found; i++)
		found = csrc_node_eq(cs, ids[i], ident);
	free(ids);
	return found;
}

static int key_cmp(const struct role_key *a, const char *role, const char *prop)
{
	int d = strcmp(a->role, role);

	return d ? d : strcmp(a->prop, prop);
}

static int key_sort(const void *pa, const void *pb)
{
	const struct role_key *a = pa, *b = pb;
	int d = key_cmp(a, b->role, b->prop);

	if (d)
		return d;
	return a->atom < b->atom ? -1 : a->atom > b->atom;
}

/* Index every (role, property) of the atoms, for role_atoms_find(). */
static void atoms_index(struct role_atoms *atoms)
{
	size_t i, j, n = 0;

	for (i = 0; i < atoms->n; i++)
		n += atoms->v[i].nprops;
	atoms->keys = xcalloc(n ? n : 1, sizeof(*atoms->keys));
	for (i = 0; i < atoms->n; i++) {
		const struct role_atom *a = &atoms->v[i];

		for (j = 0; j < a->nprops; j++) {
			struct role_key *k = &atoms->keys[atoms->nkeys++];

			k->role = a->role;
			k->prop = a->props[j].name;
			k->atom = a;
		}
	}
	qsort(atoms->keys, atoms->nkeys, sizeof(*atoms->keys), key_sort);
}

/* The first key not below (role, prop), or above it when after. */
static size_t key_bound(const struct role_atoms *atoms, const char *role,
			const char *prop, bool after)
{
	size_t lo = 0, hi = atoms->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = key_cmp(&atoms->keys[mid], role, prop);

		if (d < 0 || (after && !d))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t role_atoms_find(const struct role_atoms *atoms, const char *ident,
		       const char *name, const struct role_key **out)
{
	size_t lo = key_bound(atoms, ident, name, false);

	*out = atoms->keys + lo;
	return key_bound(atoms, ident, name, true) - lo;
}

size_t role_atoms_count(const struct role_atoms *atoms, const char *ident,
			const char *name)
{
	const struct role_key *k;

	return role_atoms_find(atoms, ident, name, &k);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void atom_add_prop(struct role_atom *a, const char *name,
			  const char *helper, const char *mask)
{
	struct role_prop *p;

	if (role_atom_has(a, name) || a->nprops >= ROLE_MAX_PROPS)
		return;
	a->props = xrealloc(a->props, (a->nprops + 1) * sizeof(*a->props));
	p = &a->props[a->nprops++];
	p->name = xstrdup(name);
	p->helper = dup_or_null(helper);
	p->mask = dup_or_null(mask);
}

static void atom_add_builtin(struct role_atom *a, const char *display)
{
	size_t i;

	for (i = 0; i < a->nbuiltin; i++)
		if (!strcmp(a->builtin[i], display))
			return;
	a->builtin = xrealloc(a->builtin, (a->nbuiltin + 1) * sizeof(char *));
	a->builtin[a->nbuiltin++] = xstrdup(display);
}

/* --- the walk ------------------------------------------------------------ */

/* A helper parameter standing for a role object of the caller. */
struct role_param {
	const char *param;
	const char *arg; /* the argument's text, for explanations */
};

/*
 * A helper (on one role parameter) or a mask macro seen through: parsed
 * once, its body walked once per collect and what it tests kept, so that
 * helpers calling helpers cost their number, not the number of paths.
 */
struct expansion_memo {
	char *name;
	int param; /* the role parameter's index; -1: a mask macro */
	struct csrc *body; /* NULL when it is not one expression */
	TSNode expr;
	struct role_atom found; /* the properties and built-in names found */
	bool done; /* found is filled */
	bool busy; /* being walked: seen again, it refers to itself */
	bool cut; /* something under it was not seen through */
	int depth; /* the depth it was walked at */
};

/* What one role_atoms_collect() shares across its walks. */
struct collect {
	/* The expansions seen through: a hash table of memos. */
	struct expansion_memo **slots;
	size_t nslots, n;
	unsigned walked; /* bodies walked, up to ROLE_MAX_EXPANSIONS */
	unsigned cuts; /* expansions refused, by depth, budget or recursion */
	bool over_budget;
	/* The spans of the atoms' tests: a hash set of start << 32 | end. */
	uint64_t *spans;
	size_t nspans, aspans;
};

/*
 * One expression being walked: the definition's own code (top level), or
 * the body of a helper or macro called on a role (then every property
 * found on a parameter goes to the caller's atom).
 */
struct walk {
	const struct change *c;
	enum change_side side;
	const struct csrc *cs; /* the csrc the nodes below belong to */
	struct role_atoms *atoms; /* top level: where atoms go */
	TSNode stmt; /* top level: the statement being walked */
	/* In a helper body: */
	struct role_atom *sink;
	const char *helper; /* the outermost helper seen through */
	const struct role_param *params;
	size_t nparams;
	int depth; /* helpers and macros seen through */
	struct collect *col; /* shared by the whole collect */
	int error;
};

/* The role object an expression is rooted at. */
struct root_ref {
	TSNode id; /* its identifier (in w->cs) */
	char *name; /* top level: the identifier; in a body: the parameter */
};

/* The operator of a binary or unary expression, as text. */
static bool node_op_is(const struct csrc *cs, TSNode n, const char *op)
{
	TSNode o = csrc_node_field(n, "operator");

	return !csrc_node_is_null(o) && csrc_node_eq(cs, o, op);
}

static TSNode first_named(TSNode n)
{
	uint32_t i;

	for (i = 0; i < csrc_node_named_count(n); i++) {
		TSNode ch = csrc_node_named_child(n, i);

		if (!csrc_node_is(ch, "comment"))
			return ch;
	}
	return (TSNode){ 0 };
}

/* An ALL_CAPS name: a macro such as READ_ONCE or a flag. */
static bool name_is_caps(const char *s)
{
	bool alpha = false;

	for (; *s; s++) {
		if (islower((unsigned char)*s))
			return false;
		if (isupper((unsigned char)*s))
			alpha = true;
	}
	return alpha;
}

/* One step from an expression towards the object it is about. */
static bool root_step(const struct csrc *cs, TSNode *n)
{
	const char *t = csrc_node_type(*n);
	char *fn;
	bool ident;

	if (!strcmp(t, "field_expression") ||
	    !strcmp(t, "subscript_expression") ||
	    !strcmp(t, "pointer_expression")) {
		*n = csrc_node_field(*n, "argument");
		return true;
	}
	if (!strcmp(t, "parenthesized_expression")) {
		*n = first_named(*n);
		return true;
	}
	if (!strcmp(t, "cast_expression")) {
		*n = csrc_node_field(*n, "value");
		return true;
	}
	if (strcmp(t, "call_expression"))
		return false;
	/*
	 * Calls of one argument are about that argument's object: wrappers
	 * (READ_ONCE(x->f), data_race(x)) and conversions (page_folio(old),
	 * virt_to_page(dst_pte)).
	 */
	fn = csrc_node_text(cs, csrc_node_field(*n, "function"));
	ident = ident_valid(fn, strlen(fn));
	free(fn);
	if (!ident ||
	    csrc_node_named_count(csrc_node_field(*n, "arguments")) != 1)
		return false;
	*n = first_named(csrc_node_field(*n, "arguments"));
	return true;
}

/* The identifier an expression is rooted at (src in &src->a.b[1]). */
static bool expr_root(const struct csrc *cs, TSNode n, TSNode *id)
{
	int steps;

	for (steps = 0; steps < ROLE_MAX_ROOT_STEPS && !csrc_node_is_null(n);
	     steps++) {
		if (csrc_node_is(n, "identifier")) {
			*id = n;
			return true;
		}
		if (!root_step(cs, &n))
			return false;
	}
	return false;
}

/* The role object of n: a role identifier, or a parameter in a body. */
static bool walk_root(struct walk *w, TSNode n, struct root_ref *r)
{
	struct role_name rn;
	size_t i;

	r->name = NULL;
	if (!expr_root(w->cs, n, &r->id))
		return false;
	r->name = csrc_node_text(w->cs, r->id);
	if (w->sink) {
		for (i = 0; i < w->nparams; i++)
			if (!strcmp(w->params[i].param, r->name))
				return true;
	} else if (role_parse(r->name, &rn)) {
		return true;
	}
	free(r->name);
	r->name = NULL;
	return false;
}

/* The slot of key in the set of spans: where it is, or would go. */
static uint64_t *span_slot(const struct collect *col, uint64_t key)
{
	size_t mask = col->aspans - 1;
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & mask;

	while (col->spans[i] && col->spans[i] != key)
		i = (i + 1) & mask;
	return &col->spans[i];
}

/* Whether a test of the span of expr was seen already; remember it if not. */
static bool atom_seen(struct collect *col, TSNode expr)
{
	/* Never 0, the empty slot: the offsets are below 4 GiB. */
	uint64_t key =
		((uint64_t)csrc_node_start(expr) << 32 | csrc_node_end(expr)) +
		1;
	uint64_t *slot;
	size_t i, nold = col->aspans;
	uint64_t *old = col->spans;

	if (2 * (col->nspans + 1) > col->aspans) {
		col->aspans = nold ? 2 * nold : ROLE_MEMO_MIN_SLOTS;
		col->spans = xcalloc(col->aspans, sizeof(*col->spans));
		for (i = 0; i < nold; i++)
			if (old[i])
				*span_slot(col, old[i]) = old[i];
		free(old);
	}
	slot = span_slot(col, key);
	if (*slot)
		return true;
	*slot = key;
	col->nspans++;
	return false;
}

/* Whether a line of n was removed (old side) or added (new side). */
static bool span_changed(const struct walk *w, TSNode n)
{
	unsigned first = csrc_line_of(w->cs, csrc_node_start(n));
	unsigned last = csrc_line_of(w->cs, csrc_node_end(n));
	unsigned l;

	for (l = first; l <= last; l++)
		if (change_line_changed(w->c, w->side, l))
			return true;
	return false;
}

/*
 * The atom that properties found on r go to: a new one at top level,
 * the caller's in a helper body. NULL when there is no room or the test
 * was seen already.
 */
static struct role_atom *atom_for(struct walk *w, const struct root_ref *r,
				  TSNode expr, TSNode object)
{
	struct role_atom *a;
	unsigned line;

	if (w->sink)
		return w->sink;
	if (atom_seen(w->col, expr))
		return NULL;
	if (w->atoms->n >= ROLE_MAX_ATOMS) {
		w->error = mmr_error_set(MMR_ELIMIT,
					 "more than %d property tests in %s()",
					 ROLE_MAX_ATOMS, change_name(w->c));
		return NULL;
	}
	XGROW(w->atoms->v, w->atoms->alloc, w->atoms->n + 1);
	a = &w->atoms->v[w->atoms->n++];
	memset(a, 0, sizeof(*a));
	a->role = xstrdup(r->name);
	role_parse(a->role, &a->rn);
	a->role_start = csrc_node_start(r->id);
	a->role_end = csrc_node_end(r->id);
	line = csrc_line_of(w->cs, a->role_start);
	a->line = line;
	a->changed = span_changed(w, expr);
	a->expr = expr;
	a->stmt = w->stmt;
	a->object = csrc_node_text(w->cs, object);
	return a;
}

/* Add a property, marked with the helper being seen through. */
static void walk_prop(struct walk *w, struct role_atom *a, const char *name,
		      const char *mask)
{
	atom_add_prop(a, name, w->sink ? w->helper : NULL, mask);
}

static void walk_test(struct walk *w, TSNode n, int level);

static bool is_or(const struct csrc *cs, TSNode n)
{
	return csrc_node_is(n, "binary_expression") && node_op_is(cs, n, "|");
}

static bool is_logical(const struct csrc *cs, TSNode n)
{
	return csrc_node_is(n, "binary_expression") &&
	       (node_op_is(cs, n, "&&") || node_op_is(cs, n, "||"));
}

/*
 * The operands of a left-leaning chain of the operators is_op accepts
 * (a, b, c of a && b || c), in text order, found without recursion: such
 * a chain is as deep as it is long. *out is a new array the caller frees.
 */
static size_t chain_operands(const struct csrc *cs, TSNode n,
			     bool (*is_op)(const struct csrc *, TSNode),
			     TSNode **out)
{
	TSNode *v = NULL, t;
	size_t k = 0, alloc = 0, i;

	for (; is_op(cs, n); n = csrc_node_field(n, "left")) {
		XGROW(v, alloc, k + 1);
		v[k++] = csrc_node_field(n, "right");
	}
	XGROW(v, alloc, k + 1);
	v[k++] = n;
	for (i = 0; i < k / 2; i++) {
		t = v[i];
		v[i] = v[k - 1 - i];
		v[k - 1 - i] = t;
	}
	*out = v;
	return k;
}

/* --- expansions ---------------------------------------------------------- */

/* Parse a macro or helper body into *cs and *expr: 0 or negative. */
static int parse_body(const char *body, struct csrc **cs, TSNode *expr)
{
	*cs = NULL;
	if (!body || !*body)
		return MMR_EINVAL;
	return csrc_parse_expression(cs, expr, body, strlen(body));
}

static size_t memo_hash(const char *name, int param)
{
	size_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h ^ ((size_t)(param + 1) * 0x9e3779b9u);
}

/* The slot of (name, param): its memo, or the free slot it would take. */
static struct expansion_memo **memo_slot(const struct collect *col,
					 const char *name, int param)
{
	size_t mask = col->nslots - 1, i = memo_hash(name, param) & mask;

	for (;; i = (i + 1) & mask) {
		struct expansion_memo *m = col->slots[i];

		if (!m || (m->param == param && !strcmp(m->name, name)))
			return &col->slots[i];
	}
}

static void memo_grow(struct collect *col)
{
	struct expansion_memo **old = col->slots;
	size_t i, nold = col->nslots;

	col->nslots = nold ? 2 * nold : ROLE_MEMO_MIN_SLOTS;
	col->slots = xcalloc(col->nslots, sizeof(*col->slots));
	for (i = 0; i < nold; i++)
		if (old[i])
			*memo_slot(col, old[i]->name, old[i]->param) = old[i];
	free(old);
}

static void collect_release(struct collect *col)
{
	size_t i;

	for (i = 0; i < col->nslots; i++) {
		struct expansion_memo *m = col->slots[i];

		if (!m)
			continue;
		free(m->name);
		csrc_free(m->body);
		atom_release(&m->found);
		free(m);
	}
	free(col->slots);
	free(col->spans);
}

/*
 * The memo of a helper or macro, parsed on first use; NULL when it is
 * being walked already (a definition that refers to itself). Memos live
 * apart from the table, so a pointer stays valid while the table grows.
 */
static struct expansion_memo *memo_get(struct walk *w, const char *name,
				       int param, const char *body)
{
	struct collect *col = w->col;
	struct expansion_memo **slot, *m;

	if (2 * (col->n + 1) > col->nslots)
		memo_grow(col);
	slot = memo_slot(col, name, param);
	m = *slot;
	if (m && m->busy) {
		col->cuts++;
		return NULL;
	}
	if (m)
		return m;
	m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(name);
	m->param = param;
	if (parse_body(body, &m->body, &m->expr) < 0) {
		csrc_free(m->body);
		m->body = NULL;
	}
	*slot = m;
	col->n++;
	return m;
}

enum memo_use {
	MEMO_NONE, /* not to be seen through: the budget is spent */
	MEMO_READY, /* found holds what it tests */
	MEMO_WALK, /* walk the body into found, then call memo_end() */
};

/*
 * Whether m can be used as it is or must be walked now: for the first
 * time, or again when its walk was cut short deeper down than depth.
 */
static enum memo_use memo_begin(struct walk *w, struct expansion_memo *m,
				int depth, unsigned *cuts)
{
	struct collect *col = w->col;

	if (m->done && (!m->cut || depth >= m->depth ||
			col->walked >= ROLE_MAX_EXPANSIONS)) {
		if (m->cut)
			col->cuts++;
		return MEMO_READY;
	}
	if (col->walked >= ROLE_MAX_EXPANSIONS) {
		col->over_budget = true;
		col->cuts++;
		return MEMO_NONE;
	}
	col->walked++;
	atom_release(&m->found);
	memset(&m->found, 0, sizeof(m->found));
	m->busy = true;
	*cuts = col->cuts;
	return MEMO_WALK;
}

static void memo_end(struct walk *w, struct expansion_memo *m, int depth,
		     unsigned cuts)
{
	m->busy = false;
	m->done = true;
	m->depth = depth;
	m->cut = w->col->cuts != cuts;
}

/* Give a what m found, as seen through helper, from mask when not NULL. */
static void memo_replay(struct role_atom *a, const struct expansion_memo *m,
			const char *helper, const char *mask)
{
	size_t i;

	for (i = 0; i < m->found.nprops; i++) {
		const struct role_prop *p = &m->found.props[i];

		atom_add_prop(a, p->name, helper, mask ? mask : p->mask);
	}
	for (i = 0; i < m->found.nbuiltin; i++)
		atom_add_builtin(a, m->found.builtin[i]);
}

/* --- masks --------------------------------------------------------------- */

static bool is_or_combination(const struct csrc *cs, TSNode n)
{
	while (csrc_node_is(n, "parenthesized_expression"))
		n = first_named(n);
	return is_or(cs, n);
}

static void mask_flags(struct walk *w, struct role_atom *a,
		       const struct csrc *cs, TSNode n, const char *via,
		       int depth);

/* An object-like macro (a function-like one always has parameters here). */
static bool macro_is_object(const struct change_expansion *x)
{
	return x->exp.kind == CSRC_MACRO ||
	       (x->exp.kind == CSRC_FUNC_MACRO && !x->exp.nparams);
}

/*
 * A mask named by a macro: its flags when it is an '|' combination,
 * itself otherwise (a bit, or an alias that may depend on the config).
 */
static void mask_ident(struct walk *w, struct role_atom *a, const char *name,
		       const char *via, int depth)
{
	const struct change_expansion *x = change_resolve(w->c, name);
	struct expansion_memo *m = NULL;
	enum memo_use use = MEMO_NONE;
	unsigned cuts = 0;

	if (x && macro_is_object(x) && depth >= ROLE_MAX_RESOLVE_DEPTH)
		w->col->cuts++;
	else if (x && macro_is_object(x))
		m = memo_get(w, name, -1, x->exp.body);
	if (m && m->body && is_or_combination(m->body, m->expr))
		use = memo_begin(w, m, depth, &cuts);
	if (use == MEMO_WALK) {
		mask_flags(w, &m->found, m->body, m->expr, name, depth + 1);
		memo_end(w, m, depth, cuts);
	}
	if (use == MEMO_NONE) {
		walk_prop(w, a, name, via);
		return;
	}
	if (x->found == CHANGE_FOUND_BUILTIN)
		atom_add_builtin(a, name);
	memo_replay(a, m, w->sink ? w->helper : NULL, via ? via : name);
}

static void mask_flags(struct walk *w, struct role_atom *a,
		       const struct csrc *cs, TSNode n, const char *via,
		       int depth)
{
	char *text;

	if (depth > ROLE_MAX_EXPR_DEPTH || csrc_node_is_null(n))
		return;
	if (csrc_node_is(n, "parenthesized_expression")) {
		mask_flags(w, a, cs, first_named(n), via, depth + 1);
		return;
	}
	if (is_or(cs, n)) {
		TSNode *ops;
		size_t i, k = chain_operands(cs, n, is_or, &ops);

		for (i = 0; i < k; i++)
			mask_flags(w, a, cs, ops[i], via, depth + 1);
		free(ops);
		return;
	}
	text = csrc_node_text(cs, n);
	if (csrc_node_is(n, "identifier"))
		mask_ident(w, a, text, via, depth);
	else if (strlen(text) <= ROLE_MAX_TEXT)
		walk_prop(w, a, text, via);
	free(text);
}

/* A mask is not a test when complemented: x->flags & ~VM_X clears. */
static bool mask_is_test(const struct csrc *cs, TSNode mask)
{
	while (csrc_node_is(mask, "parenthesized_expression"))
		mask = first_named(mask);
	return !(csrc_node_is(mask, "unary_expression") &&
		 node_op_is(cs, mask, "~"));
}

/* x->flags & MASK (or MASK & x->flags) on a role object. */
static bool mask_atom(struct walk *w, TSNode n)
{
	TSNode obj = csrc_node_field(n, "left"),
	       mask = csrc_node_field(n, "right");
	struct root_ref r;
	struct role_atom *a;

	if (!walk_root(w, obj, &r)) {
		TSNode t = obj;

		obj = mask;
		mask = t;
		if (!walk_root(w, obj, &r))
			return false;
	}
	if (mask_is_test(w->cs, mask)) {
		a = atom_for(w, &r, n, obj);
		if (a)
			mask_flags(w, a, w->cs, mask, NULL, 0);
	}
	free(r.name);
	return true;
}

/* --- fields -------------------------------------------------------------- */

/* "->f.g" of x->f.g: the text after the root identifier. */
static char *field_path(const struct csrc *cs, TSNode field, TSNode root)
{
	size_t len;
	const char *text = csrc_text(cs, &len);
	uint32_t from = csrc_node_end(root), to = csrc_node_end(field);
	struct sbuf sb = SBUF_INIT;
	uint32_t i;

	for (i = from; i < to && i < len; i++)
		if (!isspace((unsigned char)text[i]))
			sbuf_addch(&sb, text[i]);
	return sbuf_detach(&sb, NULL);
}

static bool is_null_or_zero(const struct csrc *cs, TSNode n)
{
	return csrc_node_eq(cs, n, "NULL") || csrc_node_eq(cs, n, "0") ||
	       csrc_node_eq(cs, n, "false");
}

/* x->f (truth) or x->f OP value, where value does not name a role. */
static bool field_atom(struct walk *w, TSNode field, TSNode op_node,
		       TSNode value)
{
	struct root_ref r;
	struct role_atom *a;
	TSNode expr = csrc_node_is_null(op_node) ? field : op_node;
	char *path, *op = NULL, *val = NULL;
	struct sbuf name = SBUF_INIT;

	if (!csrc_node_is(field, "field_expression") ||
	    !walk_root(w, field, &r))
		return false;
	path = field_path(w->cs, field, r.id);
	sbuf_addstr(&name, path);
	if (!csrc_node_is_null(value) && !is_null_or_zero(w->cs, value)) {
		op = csrc_node_text(w->cs,
				    csrc_node_field(op_node, "operator"));
		val = csrc_node_text(w->cs, value);
		sbuf_addf(&name, " %s %s", op, val);
	}
	a = atom_for(w, &r, expr, field);
	if (a && name.len <= ROLE_MAX_TEXT)
		walk_prop(w, a, name.buf, NULL);
	sbuf_release(&name);
	free(path);
	free(op);
	free(val);
	free(r.name);
	return true;
}

static bool is_comparison(const struct csrc *cs, TSNode n)
{
	static const char *const ops[] = { "==", "!=", "<", ">", "<=", ">=" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (node_op_is(cs, n, ops[i]))
			return true;
	return false;
}

/* Whether n mentions a role object (or a mapped parameter) anywhere. */
static bool mentions_role(struct walk *w, TSNode n)
{
	TSNode *ids = NULL;
	size_t i, k = csrc_find_nodes(w->cs, n, "identifier", &ids);
	bool found = false;

	for (i = 0; i < k && !found; i++) {
		struct root_ref r;

		found = walk_root(w, ids[i], &r);
		free(r.name);
	}
	free(ids);
	return found;
}

static bool compare_atom(struct walk *w, TSNode n)
{
	TSNode l = csrc_node_field(n, "left"), rt = csrc_node_field(n, "right");

	while (csrc_node_is(l, "parenthesized_expression"))
		l = first_named(l);
	while (csrc_node_is(rt, "parenthesized_expression"))
		rt = first_named(rt);
	if (csrc_node_is(l, "field_expression") && !mentions_role(w, rt))
		return field_atom(w, l, n, rt);
	if (csrc_node_is(rt, "field_expression") && !mentions_role(w, l))
		return field_atom(w, rt, n, l);
	return false;
}

/* --- helpers ------------------------------------------------------------- */

/* Collapse runs of white space into one space. */
static void add_squeezed(struct sbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			if (sb->len && sb->buf[sb->len - 1] != ' ')
				sbuf_addch(sb, ' ');
			continue;
		}
		sbuf_addch(sb, s[i]);
	}
}

/* The body with each parameter replaced by its argument's text. */
static char *body_substituted(const struct csrc *body, TSNode expr,
			      const struct role_param *params, size_t np)
{
	size_t len, i, k, j;
	const char *text = csrc_text(body, &len);
	TSNode *ids = NULL;
	struct sbuf sb = SBUF_INIT;
	uint32_t at = csrc_node_start(expr);

	k = csrc_find_nodes(body, expr, "identifier", &ids);
	for (i = 0; i < k; i++) {
		for (j = 0; j < np; j++)
			if (csrc_node_eq(body, ids[i], params[j].param))
				break;
		if (j == np)
			continue;
		add_squeezed(&sb, text + at, csrc_node_start(ids[i]) - at);
		sbuf_addstr(&sb, params[j].arg);
		at = csrc_node_end(ids[i]);
	}
	add_squeezed(&sb, text + at, csrc_node_end(expr) - at);
	free(ids);
	return sbuf_detach(&sb, NULL);
}

/* The arguments of a call (comments skipped), at most max. */
static size_t call_args(TSNode call, TSNode *args, size_t max)
{
	TSNode list = csrc_node_field(call, "arguments");
	uint32_t i;
	size_t n = 0;

	for (i = 0; i < csrc_node_named_count(list) && n < max; i++) {
		TSNode ch = csrc_node_named_child(list, i);

		if (!csrc_node_is(ch, "comment"))
			args[n++] = ch;
	}
	return n;
}

/*
 * Which argument is the one role object of a call; -1 when none or when
 * two different role objects are passed (f(dst, src) tests neither).
 */
static int call_role_arg(struct walk *w, TSNode *args, size_t n,
			 struct root_ref *r)
{
	int which = -1;
	size_t i;

	r->name = NULL;
	for (i = 0; i < n; i++) {
		struct root_ref ri;

		if (!walk_root(w, args[i], &ri))
			continue;
		if (which < 0) {
			*r = ri;
			which = (int)i;
		} else if (strcmp(ri.name, r->name)) {
			free(ri.name);
			free(r->name);
			r->name = NULL;
			return -1;
		} else {
			free(ri.name);
		}
	}
	return which;
}

struct call_info {
	char *fn;
	TSNode args[ROLE_MAX_PARAMS];
	size_t nargs;
	int role_arg;
};

/* The explanation of a helper call: "f(dst) tests dst->flags & VM_X". */
static void helper_explain(struct walk *w, struct role_atom *a,
			   const struct call_info *ci,
			   const struct expansion_memo *m,
			   const struct change_expansion *x)
{
	struct role_param all[ROLE_MAX_PARAMS];
	struct sbuf sb = SBUF_INIT;
	size_t i, nall = 0;
	char *text;

	if (csrc_node_end(m->expr) - csrc_node_start(m->expr) > ROLE_MAX_TEXT)
		return;
	for (i = 0; i < x->exp.nparams && i < ci->nargs; i++) {
		all[nall].param = x->exp.params[i];
		all[nall].arg = csrc_node_text(w->cs, ci->args[i]);
		nall++;
	}
	text = body_substituted(m->body, m->expr, all, nall);
	sbuf_addf(&sb, "%s tests %s", a->object, text);
	/* Where it was read, so the reader can check: not for the table. */
	if (x->found == CHANGE_FOUND_TREE && x->where)
		sbuf_addf(&sb, " (%s)", x->where);
	free(text);
	free(a->explain);
	a->explain = sbuf_detach(&sb, NULL);
	for (i = 0; i < nall; i++)
		free((char *)all[i].arg);
}

/* Walk a helper's body, its role parameter standing for the role. */
static void helper_walk(struct walk *w, struct expansion_memo *m,
			const struct call_info *ci,
			const struct change_expansion *x)
{
	struct role_param p = { .param = x->exp.params[ci->role_arg],
				.arg = "" };
	struct walk sub = *w;

	sub.cs = m->body;
	sub.sink = &m->found;
	sub.helper = NULL;
	sub.params = &p;
	sub.nparams = 1;
	sub.depth = w->depth + 1;
	walk_test(&sub, m->expr, 0);
	if (sub.error)
		w->error = sub.error;
}

/*
 * The memo of a resolved helper called on a role, its body walked when
 * it was not yet; NULL when it is not to be seen through.
 */
static struct expansion_memo *helper_memo(struct walk *w,
					  const struct call_info *ci,
					  const struct change_expansion *x)
{
	struct expansion_memo *m;
	enum memo_use use;
	unsigned cuts = 0;

	if (w->depth >= ROLE_MAX_RESOLVE_DEPTH) {
		w->col->cuts++;
		return NULL;
	}
	m = memo_get(w, ci->fn, ci->role_arg, x->exp.body);
	if (!m || !m->body)
		return m;
	use = memo_begin(w, m, w->depth, &cuts);
	if (use == MEMO_WALK) {
		helper_walk(w, m, ci, x);
		memo_end(w, m, w->depth, cuts);
	}
	return use == MEMO_NONE ? NULL : m;
}

/*
 * The property a call tests: its text without the role object, up to its
 * name, the conversions on the way kept: "folio_test_dirty()",
 * "pmd_none()" for pmd_none(*old_pmd), "list_empty(->lru)" for
 * list_empty(&src->lru), "folio_test_dirty(page_folio())" for
 * folio_test_dirty(page_folio(old)).
 */
static char *call_prop(const struct csrc *cs, TSNode call, TSNode arg,
		       TSNode root)
{
	size_t len;
	const char *text = csrc_text(cs, &len);
	uint32_t s = csrc_node_start(call), e = csrc_node_end(call);
	struct sbuf sb = SBUF_INIT;
	TSNode n = arg;
	int steps;

	add_squeezed(&sb, text + s, csrc_node_start(arg) - s);
	for (steps = 0; steps < ROLE_MAX_ROOT_STEPS &&
			!csrc_node_same(n, root) && !csrc_node_is_null(n);
	     steps++) {
		TSNode fn = csrc_node_field(n, "function");

		if (csrc_node_is(n, "call_expression"))
			sbuf_addf(
				&sb, "%.*s(",
				(int)(csrc_node_end(fn) - csrc_node_start(fn)),
				text + csrc_node_start(fn));
		if (!root_step(cs, &n))
			break;
	}
	add_squeezed(&sb, text + csrc_node_end(root), e - csrc_node_end(root));
	if (sb.len > ROLE_MAX_TEXT) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, NULL);
}

/* helper(x, ...) where x is a role object: the helper is the property. */
static bool call_atom(struct walk *w, TSNode call)
{
	const struct change_expansion *x = NULL;
	struct expansion_memo *m = NULL;
	struct call_info ci = { 0 };
	struct root_ref r;
	struct role_atom *a;
	char *prop = NULL, *display = NULL;
	TSNode fn = csrc_node_field(call, "function");

	if (!csrc_node_is(fn, "identifier"))
		return false;
	ci.nargs = call_args(call, ci.args, ROLE_MAX_PARAMS);
	ci.role_arg = call_role_arg(w, ci.args, ci.nargs, &r);
	if (ci.role_arg < 0)
		return false;
	ci.fn = csrc_node_text(w->cs, fn);
	a = atom_for(w, &r, call, call);
	if (!a)
		goto out_free;
	/* In a helper body only what the inner helpers resolve to counts. */
	prop = w->sink ? NULL :
			 call_prop(w->cs, call, ci.args[ci.role_arg], r.id);
	if (prop)
		walk_prop(w, a, prop, NULL);
	x = change_resolve(w->c, ci.fn);
	if (x &&
	    (x->exp.kind == CSRC_FUNCTION || x->exp.kind == CSRC_FUNC_MACRO) &&
	    ci.role_arg < (int)x->exp.nparams)
		m = helper_memo(w, &ci, x);
	if (m && x->found == CHANGE_FOUND_BUILTIN) {
		struct sbuf sb = SBUF_INIT;

		sbuf_addf(&sb, "%s()", ci.fn);
		display = sbuf_detach(&sb, NULL);
		atom_add_builtin(a, display);
	}
	if (m && m->body) {
		if (!w->sink)
			helper_explain(w, a, &ci, m, x);
		memo_replay(a, m, w->sink ? w->helper : ci.fn, NULL);
	}
out_free:
	free(display);
	free(prop);
	free(ci.fn);
	free(r.name);
	return true;
}

/* --- tests --------------------------------------------------------------- */

static void walk_children(struct walk *w, TSNode n, int level)
{
	uint32_t i;

	for (i = 0; i < csrc_node_named_count(n); i++)
		walk_test(w, csrc_node_named_child(n, i), level + 1);
}

static void walk_binary(struct walk *w, TSNode n, int level)
{
	const struct csrc *cs = w->cs;

	if (node_op_is(cs, n, "&") && mask_atom(w, n))
		return;
	if (is_comparison(cs, n) && compare_atom(w, n))
		return;
	walk_children(w, n, level);
}

static void walk_call(struct walk *w, TSNode n, int level)
{
	if (!call_atom(w, n))
		walk_children(w, n, level);
}

/* a && b || c: each operand one level down, however long the chain. */
static void walk_chain(struct walk *w, TSNode n, int level,
		       void (*walk_one)(struct walk *, TSNode, int))
{
	TSNode *ops;
	size_t i, k = chain_operands(w->cs, n, is_logical, &ops);

	for (i = 0; i < k && !w->error; i++)
		walk_one(w, ops[i], level + 1);
	free(ops);
}

/* Find the atoms of a tested expression. */
static void walk_test(struct walk *w, TSNode n, int level)
{
	const char *t = csrc_node_type(n);

	if (level > ROLE_MAX_EXPR_DEPTH || csrc_node_is_null(n) || w->error)
		return;
	if (is_logical(w->cs, n))
		walk_chain(w, n, level, walk_test);
	else if (!strcmp(t, "binary_expression"))
		walk_binary(w, n, level);
	else if (!strcmp(t, "call_expression"))
		walk_call(w, n, level);
	else if (!strcmp(t, "field_expression"))
		field_atom(w, n, (TSNode){ 0 }, (TSNode){ 0 });
	else
		walk_children(w, n, level);
}

/* --- bare role variables -------------------------------------------------- */

/* A value a role variable is compared with: a constant, not another role. */
static bool is_constant(const struct csrc *cs, TSNode n)
{
	char *text;
	bool caps;

	if (csrc_node_is(n, "number_literal") || csrc_node_is(n, "null") ||
	    csrc_node_is(n, "true") || csrc_node_is(n, "false"))
		return true;
	if (!csrc_node_is(n, "identifier"))
		return false;
	text = csrc_node_text(cs, n);
	caps = name_is_caps(text);
	free(text);
	return caps;
}

/* if (new_page), if (!old_ext): a role variable tested for being set. */
static void bare_atom(struct walk *w, TSNode id, TSNode expr, const char *prop)
{
	struct root_ref r = { .id = id, .name = csrc_node_text(w->cs, id) };
	struct role_name rn;
	struct role_atom *a;

	if (!w->sink && role_parse(r.name, &rn)) {
		a = atom_for(w, &r, expr, id);
		if (a) {
			a->bare = true;
			walk_prop(w, a, prop, NULL);
		}
	}
	free(r.name);
}

/* new_gen < 0, old_flags == LRU_REFS_MASK: compared with a constant. */
static void bare_compare(struct walk *w, TSNode n)
{
	TSNode l = csrc_node_field(n, "left"), rt = csrc_node_field(n, "right");
	char *op, *val;
	struct sbuf name = SBUF_INIT;

	if (!csrc_node_is(l, "identifier")) {
		TSNode t = l;

		l = rt;
		rt = t;
	}
	if (!csrc_node_is(l, "identifier") ||
	    (!is_constant(w->cs, rt) && mentions_role(w, rt)))
		return;
	op = csrc_node_text(w->cs, csrc_node_field(n, "operator"));
	val = csrc_node_text(w->cs, rt);
	if (is_null_or_zero(w->cs, rt) || csrc_node_eq(w->cs, rt, "null"))
		sbuf_addstr(&name, "being set");
	else
		sbuf_addf(&name, "%s %s", op, val);
	if (name.len <= ROLE_MAX_TEXT)
		bare_atom(w, l, n, name.buf);
	sbuf_release(&name);
	free(op);
	free(val);
}

/* likely(x), unlikely(!x): wrappers that keep a truth test a truth test. */
static bool is_truth_wrapper(const struct csrc *cs, TSNode call)
{
	TSNode fn = csrc_node_field(call, "function");

	return (csrc_node_eq(cs, fn, "likely") ||
		csrc_node_eq(cs, fn, "unlikely")) &&
	       csrc_node_named_count(csrc_node_field(call, "arguments")) == 1;
}

/*
 * The tests of a condition on bare role variables: reached from the top
 * only through !, &&, ||, parentheses and likely()/unlikely(), so that a
 * variable passed to a function or used in arithmetic is not one.
 */
static void walk_truth(struct walk *w, TSNode n, int level)
{
	const struct csrc *cs = w->cs;

	if (level > ROLE_MAX_EXPR_DEPTH || csrc_node_is_null(n) || w->error)
		return;
	if (csrc_node_is(n, "identifier")) {
		bare_atom(w, n, n, "being set");
	} else if (csrc_node_is(n, "parenthesized_expression")) {
		walk_truth(w, first_named(n), level + 1);
	} else if (csrc_node_is(n, "unary_expression") &&
		   node_op_is(cs, n, "!")) {
		walk_truth(w, csrc_node_field(n, "argument"), level + 1);
	} else if (csrc_node_is(n, "call_expression") &&
		   is_truth_wrapper(cs, n)) {
		walk_truth(w, first_named(csrc_node_field(n, "arguments")),
			   level + 1);
	} else if (is_logical(cs, n)) {
		walk_chain(w, n, level, walk_truth);
	} else if (csrc_node_is(n, "binary_expression") &&
		   is_comparison(cs, n)) {
		bare_compare(w, n);
	}
}

/*
 * The statement n belongs to: the closest ancestor that is a statement or
 * a declaration (a compound statement is a block, not one statement).
 */
static TSNode enclosing_stmt(TSNode n, TSNode top)
{
	int steps;

	for (steps = 0;
	     steps < 4 * ROLE_MAX_EXPR_DEPTH && !csrc_node_is_null(n);
	     steps++) {
		const char *t = csrc_node_type(n);
		size_t len = strlen(t);

		if (csrc_node_same(n, top))
			break;
		if ((len > 10 && !strcmp(t + len - 10, "_statement") &&
		     strcmp(t, "compound_statement")) ||
		    !strcmp(t, "declaration"))
			return n;
		n = csrc_node_parent(n);
	}
	return n;
}

/*
 * Masks tested outside conditions: bool wp = vma->vm_flags & VM_UFFD_WP.
 * Only nodes overlapping the definition's bytes: a synthesized
 * definition's node is the whole image.
 */
static void walk_masks(struct walk *w, const struct csrc_def *def, TSNode n,
		       int level)
{
	uint32_t i;

	if (level > 4 * ROLE_MAX_EXPR_DEPTH || w->error ||
	    csrc_node_end(n) <= def->start || csrc_node_start(n) >= def->end)
		return;
	if (csrc_node_is(n, "binary_expression") && node_op_is(w->cs, n, "&")) {
		w->stmt = enclosing_stmt(n, def->node);
		if (mask_atom(w, n))
			return;
	}
	for (i = 0; i < csrc_node_named_count(n); i++)
		walk_masks(w, def, csrc_node_named_child(n, i), level + 1);
}

/* --- uses outside tests: arguments and assigned values ------------------ */

/* Whether node lies inside the tested expression of one of the conds. */
static bool in_condition(const struct csrc_cond *conds, size_t n, TSNode node)
{
	uint32_t s = csrc_node_start(node), e = csrc_node_end(node);
	size_t i;

	for (i = 0; i < n; i++)
		if (s >= csrc_node_start(conds[i].expr) &&
		    e <= csrc_node_end(conds[i].expr))
			return true;
	return false;
}

/* The text of n without the role identifier: "&->mmlist". */
static char *without_root(const struct csrc *cs, TSNode n, TSNode root)
{
	const char *text = csrc_text(cs, NULL);
	struct sbuf sb = SBUF_INIT;

	add_squeezed(&sb, text + csrc_node_start(n),
		     csrc_node_start(root) - csrc_node_start(n));
	add_squeezed(&sb, text + csrc_node_end(root),
		     csrc_node_end(n) - csrc_node_end(root));
	return sbuf_detach(&sb, NULL);
}

/*
 * A call of one argument that is itself an argument or an assigned value
 * is a conversion (page_folio(old)): the outer use is seen through it.
 */
static bool conversion_in_use(TSNode call, size_t nargs)
{
	TSNode parent = csrc_node_parent(call);

	return nargs == 1 && (csrc_node_is(parent, "argument_list") ||
			      csrc_node_is(parent, "init_declarator") ||
			      csrc_node_is(parent, "assignment_expression"));
}

/* How many different role objects the arguments are rooted at. */
static size_t role_args(struct walk *w, const TSNode *args, size_t n)
{
	char *seen = NULL;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		struct root_ref r;

		if (!walk_root(w, args[i], &r))
			continue;
		if (!seen || strcmp(seen, r.name)) {
			k++;
			free(seen);
			seen = r.name;
		} else {
			free(r.name);
		}
	}
	free(seen);
	return k;
}

/* f(dst_mm, addr): each argument rooted at a role is passed to f. */
static void arg_atoms(struct walk *w, TSNode call,
		      const struct csrc_cond *conds, size_t nconds)
{
	TSNode args[ROLE_MAX_PARAMS], fn = csrc_node_field(call, "function");
	size_t i, n = call_args(call, args, ROLE_MAX_PARAMS);
	char *name;

	if (!csrc_node_is(fn, "identifier") || conversion_in_use(call, n))
		return;
	/* A test of one role in a condition is the helper's (call_atom). */
	if (in_condition(conds, nconds, call) && role_args(w, args, n) < 2)
		return;
	name = csrc_node_text(w->cs, fn);
	/* The head a fragment gave a statement it cut: not a real call. */
	if (fragment_is_anon(name)) {
		free(name);
		return;
	}
	for (i = 0; i < n && !w->error; i++) {
		struct sbuf prop = SBUF_INIT;
		struct root_ref r;
		struct role_atom *a;
		char *rest;

		if (!walk_root(w, args[i], &r))
			continue;
		a = atom_for(w, &r, args[i], args[i]);
		if (a) {
			rest = without_root(w->cs, args[i], r.id);
			a->use = ROLE_PASSED;
			a->arg = (unsigned)i + 1;
			a->target = xstrdup(name);
			/* With the arity: a dropped argument shifts the rest. */
			sbuf_addf(&prop, "argument %zu of %zu of %s(): %s",
				  i + 1, n, name, rest);
			if (prop.len <= ROLE_MAX_TEXT)
				walk_prop(w, a, prop.buf, NULL);
			free(rest);
		}
		sbuf_release(&prop);
		free(r.name);
	}
	free(name);
}

/* x = old, struct y *x = old->y: the value's role is assigned to x. */
static void assign_atom(struct walk *w, TSNode target, TSNode value)
{
	struct sbuf prop = SBUF_INIT;
	struct root_ref r;
	struct role_atom *a;
	char *lhs, *rest;

	if (csrc_node_is_null(target) ||
	    csrc_node_is(value, "initializer_list") || !walk_root(w, value, &r))
		return;
	a = atom_for(w, &r, value, value);
	if (a) {
		lhs = csrc_node_text(w->cs, target);
		rest = without_root(w->cs, value, r.id);
		a->use = ROLE_ASSIGNED;
		a->target = xstrdup(lhs);
		sbuf_addf(&prop, "assigned to %s: %s", lhs, rest);
		if (prop.len <= ROLE_MAX_TEXT)
			walk_prop(w, a, prop.buf, NULL);
		free(rest);
		free(lhs);
	}
	sbuf_release(&prop);
	free(r.name);
}

static TSNode declared_name(TSNode n);

/* Calls and assignments of the definition, wherever they stand. */
static void walk_uses(struct walk *w, const struct csrc_def *def,
		      const struct csrc_cond *conds, size_t nconds)
{
	static const char *const types[] = { "call_expression",
					     "assignment_expression",
					     "init_declarator" };
	size_t t, i, n;
	TSNode *v;

	for (t = 0; t < ARRAY_SIZE(types) && !w->error; t++) {
		n = csrc_find_nodes_in(w->cs, def->node, def->start, def->end,
				       types[t], &v);
		for (i = 0; i < n && !w->error; i++) {
			w->stmt = enclosing_stmt(v[i], def->node);
			if (t == 0)
				arg_atoms(w, v[i], conds, nconds);
			else if (t == 1 && node_op_is(w->cs, v[i], "="))
				assign_atom(w, csrc_node_field(v[i], "left"),
					    csrc_node_field(v[i], "right"));
			else if (t == 2)
				assign_atom(w,
					    declared_name(csrc_node_field(
						    v[i], "declarator")),
					    csrc_node_field(v[i], "value"));
		}
		free(v);
	}
}

int role_atoms_collect(struct role_atoms *out, const struct change *c,
		       enum change_side side)
{
	const struct csrc_def *def = change_def(c, side);
	struct csrc_cond *conds = NULL;
	struct collect col = { 0 };
	struct walk w = { 0 };
	size_t i, n;

	/*
	 * The nameless change gathers top-level lines outside every
	 * definition; its span is not one piece of code to compare.
	 */
	if (!def || change_is_toplevel(c))
		return 0;
	w.c = c;
	w.side = side;
	w.cs = change_src(c, side);
	w.atoms = out;
	w.col = &col;
	n = csrc_conditions(w.cs, def->start, def->end, &conds);
	for (i = 0; i < n && !w.error; i++) {
		w.stmt = conds[i].stmt;
		walk_test(&w, conds[i].expr, 0);
		walk_truth(&w, conds[i].expr, 0);
	}
	if (!w.error)
		walk_masks(&w, def, def->node, 0);
	if (!w.error)
		walk_uses(&w, def, conds, n);
	free(conds);
	out->truncated = col.over_budget;
	collect_release(&col);
	if (!w.error)
		atoms_index(out);
	return w.error;
}

/* --- derived roles -------------------------------------------------------- */

/* The identifier a declarator declares: a in "*a", "a[4]". */
static TSNode declared_name(TSNode n)
{
	int steps;

	for (steps = 0; steps < ROLE_MAX_ROOT_STEPS && !csrc_node_is_null(n);
	     steps++) {
		if (csrc_node_is(n, "identifier"))
			return n;
		n = csrc_node_field(n, "declarator");
	}
	return (TSNode){ 0 };
}

/*
 * Whether the nodes of type in the definition give identifier a a value
 * rooted at b: "a = b", "a = mpol_dup(b)", "a = (void *)b->x". A value
 * that only mentions b (a = alloc(gfp, folio_order(b))) is another object.
 */
static bool assigns_from(const struct csrc *cs, const struct csrc_def *def,
			 const char *type, const char *lhs, const char *rhs,
			 const char *a, const char *b)
{
	TSNode *v = NULL, root;
	size_t i, n = find_in_def(cs, def, type, &v);
	bool found = false;

	for (i = 0; i < n && !found; i++) {
		TSNode left = csrc_node_field(v[i], lhs);

		if (!strcmp(lhs, "declarator"))
			left = declared_name(left);
		if (csrc_node_is_null(left) ||
		    !csrc_node_is(left, "identifier") ||
		    !csrc_node_eq(cs, left, a))
			continue;
		found = expr_root(cs, csrc_node_field(v[i], rhs), &root) &&
			csrc_node_eq(cs, root, b);
	}
	free(v);
	return found;
}

bool role_derived(const struct change *c, enum change_side side, const char *a,
		  const char *b)
{
	const struct csrc_def *def = change_def(c, side);
	const struct csrc *cs = change_src(c, side);

	if (!def)
		return false;
	return assigns_from(cs, def, "assignment_expression", "left", "right",
			    a, b) ||
	       assigns_from(cs, def, "init_declarator", "declarator", "value",
			    a, b);
}

/* --- declarations ------------------------------------------------------------ */

static bool is_declarator(TSNode n)
{
	static const char *const types[] = {
		"identifier",
		"pointer_declarator",
		"init_declarator",
		"array_declarator",
		"parenthesized_declarator",
		"attributed_declarator",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (csrc_node_is(n, types[i]))
			return true;
	return false;
}

/* Whether a declaration or parameter node declares ident. */
static bool declares(const struct csrc *cs, TSNode decl, const char *ident)
{
	uint32_t i;

	for (i = 0; i < csrc_node_named_count(decl); i++) {
		TSNode d = csrc_node_named_child(decl, i);

		if (is_declarator(d) &&
		    csrc_node_eq(cs, declared_name(d), ident))
			return true;
	}
	return false;
}

bool role_declares(const struct change *c, enum change_side side,
		   const char *ident)
{
	static const char *const types[] = { "parameter_declaration",
					     "declaration" };
	const struct csrc_def *def = change_def(c, side);
	const struct csrc *cs = change_src(c, side);
	bool found = false;
	size_t t, i, n;
	TSNode *v;

	for (t = 0; def && t < ARRAY_SIZE(types) && !found; t++) {
		n = find_in_def(cs, def, types[t], &v);
		for (i = 0; i < n && !found; i++)
			found = declares(cs, v[i], ident);
		free(v);
	}
	return found;
}

bool role_renamed(const struct change *c, const char *from, const char *to)
{
	return role_declares(c, CHANGE_OLD, from) &&
	       !role_declares(c, CHANGE_NEW, from) &&
	       role_declares(c, CHANGE_NEW, to) &&
	       !role_declares(c, CHANGE_OLD, to);
}

/* The parameter list of a function definition, or a null node. */
static TSNode params_of(TSNode fn)
{
	TSNode d = csrc_node_field(fn, "declarator");
	int steps;

	for (steps = 0; steps < ROLE_MAX_ROOT_STEPS && !csrc_node_is_null(d);
	     steps++) {
		if (csrc_node_is(d, "function_declarator"))
			return csrc_node_field(d, "parameters");
		d = csrc_node_field(d, "declarator");
	}
	return (TSNode){ 0 };
}

/* The names of the parameters of c's function on side, at most max. */
static size_t param_names(const struct change *c, enum change_side side,
			  char **names, size_t max)
{
	const struct csrc_def *def = change_def(c, side);
	const struct csrc *cs = change_src(c, side);
	TSNode list = def ? params_of(def->node) : (TSNode){ 0 };
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < csrc_node_named_count(list) && n < max; i++) {
		TSNode p = csrc_node_named_child(list, i);

		if (csrc_node_is(p, "parameter_declaration"))
			names[n++] = csrc_node_text(
				cs, declared_name(
					    csrc_node_field(p, "declarator")));
	}
	return n;
}

static int str_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same names in another order: a permutation. */
static bool permuted(char **a, char **b, size_t n)
{
	bool same_order = true, same_set = true;
	size_t i;

	for (i = 0; i < n; i++)
		same_order &= !strcmp(a[i], b[i]);
	if (same_order)
		return false;
	qsort(a, n, sizeof(*a), str_order);
	qsort(b, n, sizeof(*b), str_order);
	for (i = 0; i < n; i++)
		same_set &= !strcmp(a[i], b[i]);
	return same_set;
}

bool role_params_exchanged(const struct change *c, const char *fn)
{
	const struct change *f =
		change_set_find(change_owner(c), CSRC_FUNCTION, fn);
	char *old[ROLE_MAX_PARAMS], *new[ROLE_MAX_PARAMS];
	size_t i, nold = 0, nnew = 0;
	bool exchanged = false;

	if (f) {
		nold = param_names(f, CHANGE_OLD, old, ROLE_MAX_PARAMS);
		nnew = param_names(f, CHANGE_NEW, new, ROLE_MAX_PARAMS);
		exchanged = nold == nnew && permuted(old, new, nold);
	}
	for (i = 0; i < nold; i++)
		free(old[i]);
	for (i = 0; i < nnew; i++)
		free(new[i]);
	return exchanged;
}

/* --- old code ------------------------------------------------------------ */

#define ROLE_MAX_STMT_LINES 6

char *role_stmt_lines(const struct change *c, enum change_side side,
		      TSNode stmt, TSNode cond)
{
	const struct csrc *cs = change_src(c, side);
	size_t len;
	const char *text = csrc_text(cs, &len);
	unsigned first, last;
	uint32_t from, to;

	first = csrc_line_of(cs, csrc_node_start(stmt));
	last = csrc_line_of(cs,
			    csrc_node_end(stmt) ? csrc_node_end(stmt) - 1 : 0);
	if (last >= first + ROLE_MAX_STMT_LINES && !csrc_node_is_null(cond))
		last = csrc_line_of(cs, csrc_node_end(cond));
	if (last >= first + ROLE_MAX_STMT_LINES)
		last = first + ROLE_MAX_STMT_LINES - 1;
	from = csrc_line_start(cs, first);
	to = csrc_line_start(cs, last + 1);
	if (to > len)
		to = (uint32_t)len;
	while (to > from && (text[to - 1] == '\n' || text[to - 1] == '\r'))
		to--;
	return xstrndup(text + from, to - from);
}
