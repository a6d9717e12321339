// SPDX-License-Identifier: GPL-2.0
/*
 * sleep-in-atomic: a call that may sleep, added inside an atomic section
 * of the same function (spin_lock() .. spin_unlock(), rcu_read_lock() ..,
 * preempt_disable() .., pagefault_disable() .., local_irq_disable() ..,
 * pte_offset_map_lock() .., kmap_atomic() ..), or an existing one the
 * patch puts inside such a section.
 *
 * Whether a section holds at a call is read backwards from the call,
 * statement by statement, through the enclosing blocks: the first op of
 * a section met decides it. A branch that leaves (return, goto, break,
 * continue) does not reach the call; an op inside a branch that falls
 * through, or inside a loop around the call, makes the section unknown,
 * and unknown is never reported.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "sbuf.h"
#include "sleeps.h"
#include "util.h"

#define SIA_MAX_CALLS 4096 /* calls looked at in one function */
#define SIA_MAX_KEYS 64 /* sections told apart in one walk */
#define SIA_MAX_KEY 128 /* bytes of a section's argument */
#define SIA_MAX_NAME 64 /* bytes of a callee's name */
#define SIA_MAX_LEVELS 2 /* helper levels looked through */
#define SIA_MAX_HELPER_CALLS 256 /* calls looked at in one helper */
#define SIA_MAX_LOOKUPS 64 /* definitions read for one function */
#define SIA_MAX_OPENER 80 /* bytes of the opening call quoted */
#define SIA_MAX_CONDS 64 /* ifs around a call whose tests are kept */
#define SIA_MAX_KIDS 64 /* blocks whose statements are kept */
/* Statements and ops one walk looks at: then it gives up, unknown. */
#define SIA_MAX_STEPS 20000
#define SIA_MAX_FN_STEPS 2000000 /* the same for all walks of a function */

/* A call of the function, and the section op it is, if any. */
struct call {
	TSNode node;
	uint32_t start, end;
	char name[SIA_MAX_NAME];
	bool is_op;
	bool is_try; /* spin_trylock() and friends: not an op, op says how */
	struct sleeps_op op;
	char key[SIA_MAX_KEY];
	char result[SIA_MAX_KEY]; /* an opener's: what stores its result */
};

/* The named children of a block, kept for the walks of one function. */
struct kids {
	uintptr_t key; /* csrc_node_key() of the block */
	TSNode *v;
	size_t n;
};

struct calls {
	const struct csrc *cs;
	struct kids kids[SIA_MAX_KIDS];
	size_t nkids;
	struct call *v;
	size_t n;
	size_t *ops; /* indexes in v of the section ops, in text order */
	size_t nops;
	bool any_open;
};

enum state { ST_HELD, ST_FREE, ST_UNKNOWN };

/* One backwards walk: each section decided once, by the first op met. */
struct walk {
	struct calls *calls;
	int only_kind; /* a sleeps_kind, or -1 */
	struct {
		enum sleeps_kind kind;
		const char *key;
		enum state st;
	} seen[SIA_MAX_KEYS];
	size_t nseen;
	const struct call *held; /* the opening op found */
	bool some_unlock; /* a helper that unlocks some lock was met */
	bool cut; /* a jump was met: the code before does not flow here */
	unsigned steps;
	/* The tests of the ifs climbed out of, and from which branch. */
	TSNode conds[SIA_MAX_CONDS];
	bool from_yes[SIA_MAX_CONDS];
	size_t nconds;
};

/* What a helper lookup found, kept for the rest of one function. */
struct helper {
	char name[SIA_MAX_NAME];
	bool sleeps;
	char *note;
};

struct judge {
	const struct change *c;
	struct helper *v;
	size_t n, alloc;
	unsigned lookups;
};

/* --- calls and section ops ----------------------------------------------- */

static bool node_text(const struct csrc *cs, TSNode n, char *buf, size_t size)
{
	const char *text = csrc_text(cs, NULL);
	uint32_t s = csrc_node_start(n), e = csrc_node_end(n);

	if (e - s >= size)
		return false;
	memcpy(buf, text + s, e - s);
	buf[e - s] = '\0';
	return true;
}

/* The callee of a call written with a plain name, into name. */
static bool callee(const struct csrc *cs, TSNode call, char *name, size_t size)
{
	TSNode fn = csrc_node_field(call, "function");

	return csrc_node_is(fn, "identifier") && node_text(cs, fn, name, size);
}

/* The argument i of a call (comments aside), or a null node. */
static TSNode call_arg(TSNode call, int i)
{
	TSNode args = csrc_node_field(call, "arguments"), a;
	uint32_t k, n = csrc_node_named_count(args);

	for (k = 0; k < n; k++) {
		a = csrc_node_named_child(args, k);
		if (csrc_node_is(a, "comment"))
			continue;
		if (i-- == 0)
			return a;
	}
	return csrc_node_named_child(args, n); /* null */
}

/* A section's argument as compared: blanks and a leading '&' dropped. */
static void section_key(const struct csrc *cs, TSNode arg, char *key,
			size_t size)
{
	char buf[SIA_MAX_KEY];
	size_t i, k = 0;

	key[0] = '\0';
	if (csrc_node_is_null(arg) || !node_text(cs, arg, buf, sizeof(buf)))
		return;
	for (i = buf[0] == '&'; buf[i] && k + 1 < size; i++)
		if (!isspace((unsigned char)buf[i]))
			key[k++] = buf[i];
	key[k] = '\0';
}

/* What a call's result is stored in (ptl = pmd_lock(...)), or null. */
static TSNode result_of(TSNode call)
{
	TSNode parent = csrc_node_parent(call), d;
	unsigned depth;

	if (csrc_node_is(parent, "assignment_expression") &&
	    csrc_node_same(csrc_node_field(parent, "right"), call))
		return csrc_node_field(parent, "left");
	if (!csrc_node_is(parent, "init_declarator"))
		return (TSNode){ 0 };
	d = csrc_node_field(parent, "declarator");
	for (depth = 0; depth < 8 && csrc_node_is(d, "pointer_declarator");
	     depth++)
		d = csrc_node_field(d, "declarator");
	return d;
}

static void calls_collect(struct calls *out, const struct csrc *cs,
			  const struct csrc_def *def)
{
	TSNode *nodes = NULL;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	out->cs = cs;
	n = csrc_find_nodes_in(cs, def->node, def->start, def->end,
			       "call_expression", &nodes);
	if (n > SIA_MAX_CALLS)
		n = SIA_MAX_CALLS;
	out->v = xcalloc(n ? n : 1, sizeof(*out->v));
	out->ops = xcalloc(n ? n : 1, sizeof(*out->ops));
	for (i = 0; i < n; i++) {
		struct call *k = &out->v[out->n];

		if (!callee(cs, nodes[i], k->name, sizeof(k->name)))
			continue;
		k->node = nodes[i];
		k->start = csrc_node_start(nodes[i]);
		k->end = csrc_node_end(nodes[i]);
		k->is_op = sleeps_op_of(k->name, &k->op);
		k->is_try = !k->is_op && sleeps_trylock(k->name, &k->op);
		if (k->is_try) {
			section_key(cs, call_arg(nodes[i], k->op.key_arg),
				    k->key, sizeof(k->key));
			out->any_open = true;
		}
		if (!k->is_op && sleeps_unlock_helper(k->name)) {
			/* unlock_cluster(ci): which lock, the rule cannot say. */
			k->is_op = true;
			k->op.kind = SLEEPS_LOCK;
			k->op.key_arg = -1;
			snprintf(k->key, sizeof(k->key), "*");
		}
		if (k->is_op) {
			if (k->op.key_arg >= 0)
				section_key(cs,
					    call_arg(nodes[i], k->op.key_arg),
					    k->key, sizeof(k->key));
			else if (k->op.key_arg == SLEEPS_KEY_RESULT)
				section_key(cs, result_of(nodes[i]), k->key,
					    sizeof(k->key));
			if (k->op.open)
				section_key(cs, result_of(nodes[i]), k->result,
					    sizeof(k->result));
			out->ops[out->nops++] = out->n;
			out->any_open |= k->op.open;
		}
		out->n++;
	}
	free(nodes);
}

static void calls_release(struct calls *calls)
{
	size_t i;

	for (i = 0; i < calls->nkids; i++)
		free(calls->kids[i].v);
	free(calls->v);
	free(calls->ops);
}

/* --- is a section held at a call? -------------------------------------- */

/* Decide the section of op k as st, unless it is decided already. */
static void decide(struct walk *w, const struct call *k, enum state st)
{
	size_t i;

	if (w->only_kind >= 0 && (int)k->op.kind != w->only_kind)
		return;
	if (!strcmp(k->key, "*")) {
		w->some_unlock = true;
		return;
	}
	/* A lock taken before some unlock: maybe that one's. */
	if (k->op.kind == SLEEPS_LOCK && st == ST_HELD && w->some_unlock)
		st = ST_UNKNOWN;
	for (i = 0; i < w->nseen; i++)
		if (w->seen[i].kind == k->op.kind &&
		    !strcmp(w->seen[i].key, k->key))
			return;
	if (w->nseen == SIA_MAX_KEYS)
		return;
	w->seen[w->nseen].kind = k->op.kind;
	w->seen[w->nseen].key = k->key;
	w->seen[w->nseen].st = st;
	w->nseen++;
	if (st == ST_HELD)
		w->held = k;
}

/* The ops in [start, end), last first, as run in sequence. */
/* The first op starting at or after byte start (ops in text order). */
static size_t first_op(const struct calls *calls, uint32_t start)
{
	size_t lo = 0, hi = calls->nops;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (calls->v[calls->ops[mid]].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the walk may take one more step (its budget is bounded). */
static bool step(struct walk *w)
{
	if (w->steps >= SIA_MAX_STEPS)
		return false;
	w->steps++;
	return true;
}

/* The ops in [start, end), last first, as run in sequence. */
static void run_ops(struct walk *w, uint32_t start, uint32_t end)
{
	const struct calls *calls = w->calls;
	size_t first = first_op(calls, start), i = first;

	while (i < calls->nops && calls->v[calls->ops[i]].start < end)
		i++;
	while (i-- > first && !w->held && step(w)) {
		const struct call *k = &calls->v[calls->ops[i]];

		if (k->end <= end)
			decide(w, k, k->op.open ? ST_HELD : ST_FREE);
	}
}

/* The ops in [start, end) may or may not have run: unknown. */
static void unknown_ops(struct walk *w, uint32_t start, uint32_t end)
{
	const struct calls *calls = w->calls;
	size_t i;

	for (i = first_op(calls, start);
	     i < calls->nops && calls->v[calls->ops[i]].start < end && step(w);
	     i++)
		if (calls->v[calls->ops[i]].end <= end)
			decide(w, &calls->v[calls->ops[i]], ST_UNKNOWN);
}

static void unknown_node(struct walk *w, TSNode n)
{
	if (!csrc_node_is_null(n))
		unknown_ops(w, csrc_node_start(n), csrc_node_end(n));
}

static TSNode last_statement(TSNode block)
{
	uint32_t n = csrc_node_named_count(block);

	while (n-- > 0) {
		TSNode s = csrc_node_named_child(block, n);

		if (!csrc_node_is(s, "comment"))
			return s;
	}
	return csrc_node_named_child(block, csrc_node_named_count(block));
}

/* Whether control never falls out of the end of statement s. */
static bool leaves(TSNode s)
{
	const char *t = csrc_node_type(s);

	if (!strcmp(t, "compound_statement"))
		return leaves(last_statement(s));
	if (!strcmp(t, "else_clause") || !strcmp(t, "labeled_statement"))
		return leaves(last_statement(s));
	return !strcmp(t, "return_statement") || !strcmp(t, "goto_statement") ||
	       !strcmp(t, "break_statement") ||
	       !strcmp(t, "continue_statement");
}

static void run_statement(struct walk *w, TSNode s);

/*
 * The named children of n (from the cache of the side's blocks when
 * there is room: *owned false), in text order.
 */
static size_t kids_of(struct calls *calls, TSNode n, TSNode **v, bool *owned)
{
	uintptr_t key = csrc_node_key(n);
	struct kids *k;
	size_t i;

	for (i = 0; i < calls->nkids; i++)
		if (calls->kids[i].key == key) {
			*v = calls->kids[i].v;
			*owned = false;
			return calls->kids[i].n;
		}
	*owned = calls->nkids == SIA_MAX_KIDS;
	if (*owned)
		return csrc_node_named_children(n, v);
	k = &calls->kids[calls->nkids++];
	k->key = key;
	k->n = csrc_node_named_children(n, &k->v);
	*v = k->v;
	return k->n;
}

/* The index of child c in v (by its place in the text), or n. */
static size_t kid_index(TSNode *v, size_t n, TSNode c)
{
	uint32_t start = csrc_node_start(c);
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (csrc_node_start(v[mid]) < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && csrc_node_start(v[lo]) == start; lo++)
		if (csrc_node_same(v[lo], c))
			return lo;
	return n;
}

/* Run the statements of block before stop (null: all), last first. */
static void run_block(struct walk *w, TSNode block, TSNode stop)
{
	TSNode *v;
	bool owned;
	size_t n = kids_of(w->calls, block, &v, &owned);

	if (!csrc_node_is_null(stop))
		n = kid_index(v, n, stop) < n ? kid_index(v, n, stop) : 0;
	while (n-- > 0 && !w->held && !w->cut && step(w)) {
		/* Before a jump: the call is reached by a label, if at all. */
		if (leaves(v[n]))
			w->cut = true;
		else
			run_statement(w, v[n]);
	}
	if (owned)
		free(v);
}

/* Run statement s backwards, as met before the call. */
/*
 * The trylock a condition tests, "(spin_trylock(&l))" (negated: "(!
 * spin_trylock(&l))"), or NULL.
 */
static const struct call *trylock_test(const struct walk *w, TSNode cond,
				       bool negated)
{
	const struct calls *calls = w->calls;
	TSNode e = cond;
	unsigned depth;
	size_t i;

	for (depth = 0; depth < 8; depth++) {
		if (csrc_node_is(e, "parenthesized_expression")) {
			e = csrc_node_named_child(e, 0);
		} else if (negated && csrc_node_is(e, "unary_expression") &&
			   csrc_node_eq(calls->cs,
					csrc_node_field(e, "operator"), "!")) {
			e = csrc_node_field(e, "argument");
			negated = false;
		} else {
			break;
		}
	}
	if (negated || !csrc_node_is(e, "call_expression"))
		return NULL;
	for (i = 0; i < calls->n; i++)
		if (calls->v[i].is_try && csrc_node_same(calls->v[i].node, e))
			return &calls->v[i];
	return NULL;
}

static void run_statement(struct walk *w, TSNode s)
{
	const char *t = csrc_node_type(s);

	if (!strcmp(t, "comment"))
		return;
	if (!strcmp(t, "expression_statement") || !strcmp(t, "declaration")) {
		run_ops(w, csrc_node_start(s), csrc_node_end(s));
	} else if (!strcmp(t, "compound_statement") ||
		   !strcmp(t, "labeled_statement")) {
		run_block(w, s, (TSNode){ 0 });
	} else if (!strcmp(t, "if_statement")) {
		TSNode yes = csrc_node_field(s, "consequence");
		TSNode no = csrc_node_field(s, "alternative");

		const struct call *try;

		unknown_node(w, csrc_node_field(s, "condition"));
		if (!leaves(yes))
			unknown_node(w, yes);
		if (!csrc_node_is_null(no) && !leaves(no))
			unknown_node(w, no);
		/* "if (!spin_trylock(&l)) return;": held after it. */
		try = trylock_test(w, csrc_node_field(s, "condition"), true);
		if (try && leaves(yes) && csrc_node_is_null(no))
			decide(w, try, ST_HELD);
	} else {
		/* Loops, switches, a line the parser did not understand. */
		unknown_node(w, s);
	}
}

static bool is_sequence(TSNode n)
{
	return csrc_node_is(n, "compound_statement") ||
	       csrc_node_is(n, "case_statement") ||
	       csrc_node_is(n, "translation_unit") || csrc_node_is(n, "ERROR");
}

static bool is_loop(TSNode n)
{
	return csrc_node_is(n, "for_statement") ||
	       csrc_node_is(n, "while_statement") ||
	       csrc_node_is(n, "do_statement");
}

/* Whether identifier word is written in text. */
static bool mentions(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while (n && (p = strstr(p, word))) {
		if ((p == text ||
		     !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
			return true;
		p += n;
	}
	return false;
}

/*
 * An opener that may fail (ptl = pmd_trans_huge_lock(...), pte =
 * pte_offset_map_lock(...)) holds in "if (ptl) { here }" but not in its
 * else branch, nor under any other test of what it returned.
 */
static bool opener_certain(const struct walk *w)
{
	const struct call *k = w->held;
	char text[SIA_MAX_KEY * 2], bare[SIA_MAX_KEY * 2];
	size_t i, j, n;

	for (i = 0; i < w->nconds; i++) {
		if (!node_text(w->calls->cs, w->conds[i], text, sizeof(text)))
			return false;
		if (!(k->result[0] && mentions(text, k->result)) &&
		    !(k->key[0] && mentions(text, k->key)))
			continue;
		/* "(ptl)": blanks and parentheses dropped. */
		for (j = n = 0; text[j]; j++)
			if (!isspace((unsigned char)text[j]) &&
			    text[j] != '(' && text[j] != ')')
				bare[n++] = text[j];
		bare[n] = '\0';
		if (!w->from_yes[i] ||
		    (strcmp(bare, k->result) && strcmp(bare, k->key)))
			return false;
	}
	return true;
}

/*
 * The section held at the call (of kind only_kind, or any when -1), or
 * NULL; w says what was seen of the others.
 */
static const struct call *held_at(struct walk *w, struct calls *calls,
				  const struct call *call, TSNode top,
				  int only_kind)
{
	TSNode node = call->node, parent;
	unsigned depth;

	memset(w, 0, sizeof(*w));
	w->calls = calls;
	w->only_kind = only_kind;
	for (depth = 0; depth < CSRC_MAX_NESTING * 2 && !w->held && !w->cut;
	     depth++) {
		parent = csrc_node_parent(node);
		if (csrc_node_is_null(parent))
			break;
		if (is_sequence(parent)) {
			run_block(w, parent, node);
			/* A bare block may be a macro loop's body. */
			if (csrc_node_is(node, "compound_statement"))
				unknown_node(w, node);
		} else if (csrc_node_is(parent, "if_statement")) {
			TSNode cond = csrc_node_field(parent, "condition");

			bool yes = csrc_node_same(
				csrc_node_field(parent, "consequence"), node);
			const struct call *try =
				yes ? trylock_test(w, cond, false) : NULL;

			/* "if (spin_trylock(&l)) { here }" */
			if (try) {
				decide(w, try, ST_HELD);
			} else if (!csrc_node_same(cond, node)) {
				unknown_node(w, cond);
				if (w->nconds < SIA_MAX_CONDS) {
					w->conds[w->nconds] = cond;
					w->from_yes[w->nconds++] =
						csrc_node_same(
							csrc_node_field(
								parent,
								"consequence"),
							node);
				}
			}
		} else if (is_loop(parent)) {
			unknown_node(w, parent);
		}
		if (csrc_node_same(parent, top) ||
		    csrc_node_is(parent, "function_definition"))
			break;
		node = parent;
	}
	/* Out of steps: say nothing rather than guess. */
	if (w->held && (w->steps >= SIA_MAX_STEPS || !opener_certain(w)))
		w->held = NULL;
	return w->held;
}

/* What the walk found of the section (kind, key): unknown or not. */
static bool section_unknown(const struct walk *w, enum sleeps_kind kind,
			    const char *key)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i].kind == kind && !strcmp(w->seen[i].key, key))
			return w->seen[i].st == ST_UNKNOWN;
	return false;
}

/* Whether the call runs only when a test of the context allows it. */
static bool context_guarded(const struct csrc *cs, TSNode node, TSNode top)
{
	TSNode parent;
	unsigned depth;

	for (depth = 0; depth < CSRC_MAX_NESTING * 2; depth++) {
		TSNode cond, *calls = NULL;
		size_t i, n;
		bool found = false;

		parent = csrc_node_parent(node);
		if (csrc_node_is_null(parent) || csrc_node_same(node, top))
			break;
		cond = csrc_node_field(parent, "condition");
		if ((csrc_node_is(parent, "if_statement") ||
		     csrc_node_is(parent, "conditional_expression")) &&
		    !csrc_node_same(cond, node)) {
			n = csrc_find_nodes(cs, cond, "call_expression",
					    &calls);
			for (i = 0; i < n && !found; i++) {
				char name[SIA_MAX_NAME];

				found = callee(cs, calls[i], name,
					       sizeof(name)) &&
					sleeps_context_test(name);
			}
			free(calls);
			if (found)
				return true;
		}
		node = parent;
	}
	return false;
}

/* --- may the call sleep? ------------------------------------------------ */

/*
 * Whether a call may sleep by the built-in facts: *what names it
 * ("kmalloc() with GFP_KERNEL"), *gfp says its gfp mask decided. Returns
 * 1 (sleeps), 0 (does not: a gfp mask that does not allow reclaim, or
 * one the rule cannot read) or -1 (no fact: look at its definition).
 */
static int sleeps_builtin(const struct csrc *cs, TSNode call, const char *name,
			  char *what, size_t size, bool *gfp)
{
	char flag[32], text[256];
	int i;

	*gfp = false;
	if (sleeps_always(name)) {
		snprintf(what, size, "%s()", name);
		return 1;
	}
	for (i = 0; i < 16; i++) {
		TSNode a = call_arg(call, i);
		enum sleeps_gfp g;

		if (csrc_node_is_null(a))
			break;
		if (!node_text(cs, a, text, sizeof(text)) ||
		    !strstr(text, "GFP"))
			continue;
		if (!sleeps_allocator(name))
			return -1;
		g = sleeps_gfp_mask(text, strlen(text), flag, sizeof(flag));
		if (g != SLEEPS_GFP_SLEEPS || sleeps_gfp_exempt(name))
			return 0;
		snprintf(what, size, "%s() with %s", name, flag);
		*gfp = true;
		return 1;
	}
	return -1;
}

/* Text made parseable: a macro's body as a function's. */
static char *helper_source(const char *text, size_t *len)
{
	size_t n = strlen(text), i = 0, body;
	struct sbuf sb = SBUF_INIT;
	int depth = 0;

	while (i < n && isspace((unsigned char)text[i]))
		i++;
	if (text[i] != '#') {
		*len = n;
		return xstrdup(text);
	}
	/* Blank "#define NAME(params)" and the line continuations. */
	i++;
	while (i < n && (isspace((unsigned char)text[i]) ||
			 isalnum((unsigned char)text[i]) || text[i] == '_'))
		i++;
	if (i < n && text[i] == '(') {
		for (; i < n; i++) {
			depth += text[i] == '(';
			depth -= text[i] == ')';
			if (!depth) {
				i++;
				break;
			}
		}
	}
	body = i;
	sbuf_addstr(&sb, "void f(void){");
	for (i = 0; i < n; i++) {
		char ch = text[i];

		if (i < body && ch != '\n')
			ch = ' ';
		else if (ch == '\\' && i + 1 < n && text[i + 1] == '\n')
			ch = ' ';
		sbuf_addch(&sb, ch);
	}
	sbuf_addstr(&sb, "\n;}");
	return sbuf_detach(&sb, len);
}

/* "include/linux/wait.h:300" moved down by lines - 1. */
static void where_at(char *buf, size_t size, const char *where, unsigned line)
{
	const char *colon = strrchr(where, ':');
	unsigned long l;
	char *end;

	if (colon) {
		l = strtoul(colon + 1, &end, 10);
		if (!*end && l) {
			snprintf(buf, size, "%.*s:%lu", (int)(colon - where),
				 where, l + line - 1);
			return;
		}
	}
	snprintf(buf, size, "%s", where);
}

static bool helper_sleeps(struct judge *j, const char *name, unsigned level,
			  char **note);

/* Look through the definition text of name (found at where). */
static bool body_sleeps(struct judge *j, const char *name, const char *text,
			const char *where, unsigned level, char **note)
{
	struct csrc *cs = NULL;
	TSNode *calls = NULL;
	size_t len, i, n = 0;
	char *src = helper_source(text, &len);
	bool found = false;

	if (csrc_parse(&cs, src, len) < 0)
		goto out;
	n = csrc_find_nodes(cs, csrc_root(cs), "call_expression", &calls);
	for (i = 0; i < n && i < SIA_MAX_HELPER_CALLS && !found; i++) {
		char cname[SIA_MAX_NAME], what[128], at[256];
		struct sleeps_op op;
		bool gfp;
		int b;

		if (!callee(cs, calls[i], cname, sizeof(cname)) ||
		    !strcmp(cname, name))
			continue;
		/* A helper that drops a lock to sleep (cond_resched_lock()). */
		if (sleeps_op_of(cname, &op) && !op.open)
			break;
		if (context_guarded(cs, calls[i], csrc_root(cs)))
			continue;
		b = sleeps_builtin(cs, calls[i], cname, what, sizeof(what),
				   &gfp);
		if (b == 1) {
			struct sbuf sb = SBUF_INIT;

			where_at(at, sizeof(at), where,
				 csrc_line_of(cs, csrc_node_start(calls[i])));
			sbuf_addf(&sb, "may sleep: %s in %s", what, at);
			if (level > 1)
				sbuf_addf(&sb, " (through %s())", name);
			*note = sbuf_detach(&sb, NULL);
			found = true;
		} else if (b < 0 && level < SIA_MAX_LEVELS) {
			char *inner = NULL;

			found = helper_sleeps(j, cname, level + 1, &inner);
			if (found)
				*note = xstrdup(inner);
		}
	}
out:
	free(calls);
	csrc_free(cs);
	free(src);
	return found;
}

/*
 * Whether the function or macro name may sleep by its definition, from
 * the patch or the kernel tree; *note says where (the judge owns it).
 */
static bool helper_sleeps(struct judge *j, const char *name, unsigned level,
			  char **note)
{
	struct helper *h;
	char *text, *where = NULL;
	size_t i;

	for (i = 0; i < j->n; i++)
		if (!strcmp(j->v[i].name, name)) {
			*note = j->v[i].note;
			return j->v[i].sleeps;
		}
	if (j->lookups >= SIA_MAX_LOOKUPS)
		return false;
	j->lookups++;
	XGROW(j->v, j->alloc, j->n + 1);
	h = &j->v[j->n++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	text = change_definition(j->c, name, &where);
	if (text) {
		size_t self = (size_t)(h - j->v);
		char *found = NULL;

		/* The callees' lookups may move j->v. */
		if (body_sleeps(j, name, text, where, level, &found)) {
			j->v[self].sleeps = true;
			j->v[self].note = found;
		}
		h = &j->v[self];
	}
	free(text);
	free(where);
	*note = h->note;
	return h->sleeps;
}

static void judge_release(struct judge *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->v[i].note);
	free(j->v);
}

/* --- the rule ------------------------------------------------------------ */

/* The opening call as quoted: blanks squeezed, cut at SIA_MAX_OPENER. */
static void opener_text(const struct csrc *cs, const struct call *k, char *buf,
			size_t size)
{
	const char *text = csrc_text(cs, NULL);
	size_t i, n = 0;
	bool blank = false;

	for (i = k->start; i < k->end && n + 4 < size; i++) {
		if (isspace((unsigned char)text[i])) {
			blank = true;
			continue;
		}
		if (blank && n && buf[n - 1] != '(')
			buf[n++] = ' ';
		blank = false;
		buf[n++] = text[i];
	}
	if (i < k->end)
		buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
	buf[n] = '\0';
}

/* The call of the old image that the new image's call k was. */
static const struct call *
old_call(const struct change *c, const struct calls *old,
	 const struct csrc *ocs, const struct csrc *ncs,
	 const struct calls *new, const struct call *k)
{
	unsigned line = csrc_line_of(ncs, k->start), nth = 0;
	size_t i;

	for (i = 0; i < new->n &&&new->v[i] != k; i++)
		nth += !strcmp(new->v[i].name, k->name) &&
		       csrc_line_of(ncs, new->v[i].start) == line;
	for (i = 0; i < old->n; i++) {
		const struct call *o = &old->v[i];

		if (strcmp(o->name, k->name) ||
		    change_map_old_to_new(c, csrc_line_of(ocs, o->start)) !=
			    line)
			continue;
		if (!nth--)
			return o;
	}
	return NULL;
}

/* Whether the patch adds or removes a section op in the function. */
static bool ops_changed(const struct change *c, const struct calls *calls,
			const struct csrc *cs, enum change_side side)
{
	size_t i;

	for (i = 0; i < calls->n; i++)
		if (calls->v[i].is_op &&
		    change_line_changed(c, side,
					csrc_line_of(cs, calls->v[i].start)))
			return true;
	return false;
}

static int report(struct rule_ctx *ctx, const struct change *c,
		  const struct csrc *cs, const struct call *k,
		  const struct call *opener, const char *what, bool gfp,
		  bool added, const char *note)
{
	TSNode fn = csrc_node_field(k->node, "function");
	char open[SIA_MAX_OPENER + 8], question[128];
	const char *section = sleeps_kind_what(opener->op.kind);
	unsigned line = change_file_line(c, CHANGE_NEW,
					 csrc_line_of(cs, opener->start));

	opener_text(cs, opener, open, sizeof(open));
	if (gfp)
		snprintf(question, sizeof(question),
			 "Should it be GFP_ATOMIC, or moved out of %s?",
			 section);
	else
		snprintf(question, sizeof(question),
			 "Should it be moved out of %s?", section);
	if (added)
		return rule_report(ctx, c, CHANGE_NEW, csrc_node_start(fn),
				   csrc_node_end(fn), NULL, note,
				   "%s may sleep, but this runs under %s %s "
				   "line %u. %s",
				   what, open,
				   opener->op.kind == SLEEPS_LOCK ? "taken at" :
								    "at",
				   line, question);
	return rule_report(
		ctx, c, CHANGE_NEW, csrc_node_start(fn), csrc_node_end(fn),
		NULL, note,
		"%s may sleep, and the patch now runs it under %s "
		"%s line %u%s. %s",
		what, open, opener->op.kind == SLEEPS_LOCK ? "taken at" : "at",
		line,
		change_line_changed(c, CHANGE_NEW,
				    csrc_line_of(cs, opener->start)) ?
			", which it adds" :
			": the section used to end before it",
		question);
}

struct scan {
	const struct change *c;
	const struct csrc *cs, *ocs;
	const struct csrc_def *def, *odef;
	struct calls calls, old;
	bool ops_moved; /* an op added or removed: sections may be new */
	struct judge judge;
	unsigned long steps; /* of the walks so far */
};

/* Whether call k of the new image is reported; 0 or a negative code. */
static int check_call(struct rule_ctx *ctx, struct scan *s,
		      const struct call *k)
{
	const struct change *c = s->c;
	const struct call *opener, *o;
	unsigned line = csrc_line_of(s->cs, k->start);
	bool added = change_line_changed(c, CHANGE_NEW, line), gfp;
	char what[128], *note = NULL;
	struct walk w;
	int b;

	if (k->is_op || (!added && !s->ops_moved) ||
	    s->steps > SIA_MAX_FN_STEPS)
		return 0;
	opener = held_at(&w, &s->calls, k, s->def->node, -1);
	s->steps += w.steps;
	if (!opener)
		return 0;
	/* Hunks alone: the section must open in the call's own hunk. */
	if (change_partial(c) &&
	    change_hunk_of(c, CHANGE_NEW, csrc_line_of(s->cs, opener->start)) !=
		    change_hunk_of(c, CHANGE_NEW, line))
		return 0;
	/* An old call: reported when no section held it before. */
	if (!added) {
		o = s->odef ?
			    old_call(c, &s->old, s->ocs, s->cs, &s->calls, k) :
			    NULL;
		if (!o || held_at(&w, &s->old, o, s->odef->node, -1) ||
		    section_unknown(&w, opener->op.kind, opener->key))
			return 0;
	}
	if (context_guarded(s->cs, k->node, s->def->node))
		return 0;
	b = sleeps_builtin(s->cs, k->node, k->name, what, sizeof(what), &gfp);
	if (b == 0)
		return 0;
	if (b < 0) {
		if (!helper_sleeps(&s->judge, k->name, 1, &note))
			return 0;
		snprintf(what, sizeof(what), "%s()", k->name);
	}
	if (sleeps_uaccess(k->name) &&
	    held_at(&w, &s->calls, k, s->def->node, SLEEPS_PAGEFAULT))
		return 0;
	return report(ctx, c, s->cs, k, opener, what, gfp, added,
		      b > 0 ? (gfp ? "may sleep: the gfp mask allows direct "
				     "reclaim (built-in table)" :
				     "may sleep: built-in table") :
			      note);
}

static int sleep_in_atomic_check(const struct rule *self __maybe_unused,
				 struct rule_ctx *ctx, const struct change *c)
{
	struct scan s = { .c = c };
	size_t i;
	int err = 0;

	if (change_kind(c) != CSRC_FUNCTION)
		return 0;
	s.def = change_def(c, CHANGE_NEW);
	s.cs = change_src(c, CHANGE_NEW);
	if (!s.def || !s.cs)
		return 0;
	calls_collect(&s.calls, s.cs, s.def);
	if (!s.calls.any_open)
		goto out;
	s.odef = change_def(c, CHANGE_OLD);
	s.ocs = change_src(c, CHANGE_OLD);
	if (s.odef && s.ocs)
		calls_collect(&s.old, s.ocs, s.odef);
	else
		s.odef = NULL;
	s.ops_moved = ops_changed(c, &s.calls, s.cs, CHANGE_NEW) ||
		      (s.odef && ops_changed(c, &s.old, s.ocs, CHANGE_OLD));
	s.judge.c = c;
	for (i = 0; i < s.calls.n && !err; i++)
		err = check_call(ctx, &s, &s.calls.v[i]);
	judge_release(&s.judge);
out:
	calls_release(&s.calls);
	calls_release(&s.old);
	return err;
}

const struct rule rule_sleep_in_atomic = {
	.version = RULE_VERSION,
	.id = "sleep-in-atomic",
	.severity = RULE_WARNING,
	.summary = "a call that may sleep, added under a spinlock, in an RCU "
		   "read-side section or with preemption disabled",
	.doc = "What: a call that may sleep, on a line the patch adds, runs\n"
	       "inside an atomic section of the same function: between\n"
	       "spin_lock() (and its _irq, _irqsave, _bh, raw_, read_lock,\n"
	       "write_lock, xa_lock variants; spin_trylock() where it was\n"
	       "tested true) and the unlock of the same lock,\n"
	       "pte_offset_map_lock() and pte_unmap_unlock(), ptl =\n"
	       "pmd_lock() (pud_lock(), huge_pte_lock(), pmd_trans_huge_lock()\n"
	       "where tested true) and the unlock of ptl, rcu_read_lock()\n"
	       "and rcu_read_unlock(), preempt_disable() and preempt_enable(),\n"
	       "pagefault_disable() and pagefault_enable(), local_irq_disable()\n"
	       "or local_irq_save() and their enable/restore, kmap_atomic()\n"
	       "and kunmap_atomic(). Also an existing sleeping call that the\n"
	       "patch puts inside such a section (it adds the lock, or removes\n"
	       "the unlock before the call).\n"
	       "\n"
	       "May sleep: an allocation whose gfp mask, written with\n"
	       "constants, allows direct reclaim (GFP_KERNEL, GFP_NOFS,\n"
	       "GFP_NOIO, GFP_USER, GFP_HIGHUSER*, GFP_KERNEL_ACCOUNT,\n"
	       "__GFP_DIRECT_RECLAIM; not GFP_ATOMIC, GFP_NOWAIT), and the\n"
	       "calls of a built-in table: mutex_lock(), down_read(),\n"
	       "down_write(), mmap_read_lock(), might_sleep(), might_fault(),\n"
	       "cond_resched(), schedule(), msleep(), wait_event*(),\n"
	       "wait_for_completion*(), copy_from_user() and the other user\n"
	       "copies (not under pagefault_disable()), folio_lock(),\n"
	       "lock_page(), synchronize_rcu(), flush_work(), vmalloc(),\n"
	       "vfree()... A call the table does not know is looked up, as a\n"
	       "macro or static inline helper of the kernel tree or a function\n"
	       "of the patched files, and may sleep when its body (or the body\n"
	       "of a helper it calls) calls one of those before any unlock. The\n"
	       "finding's note says which fact was used: \"built-in table\" or\n"
	       "where the sleeping call is (\"might_sleep() in\n"
	       "include/linux/wait.h:300\"). A gfp mask held in a variable is\n"
	       "not judged.\n"
	       "\n"
	       "The section is followed backwards from the call through the\n"
	       "enclosing blocks; an unlock in a branch that returns or jumps\n"
	       "away does not end it, but a lock or unlock in a branch that\n"
	       "falls through, or in a loop around the call (the unlock,\n"
	       "cond_resched(), relock pattern), makes it unknown, and nothing\n"
	       "is said, as after an unlock helper the table does not know\n"
	       "(unlock_cluster()). Calls guarded by gfpflags_allow_blocking(),\n"
	       "preemptible(), in_atomic() and the like are left alone. From\n"
	       "the hunks alone, the section must open in the call's hunk.\n"
	       "\n"
	       "Why: sleeping in atomic context is a bug (\"BUG: sleeping\n"
	       "function called from invalid context\" with\n"
	       "CONFIG_DEBUG_ATOMIC_SLEEP), and a deadlock or a scheduling\n"
	       "while atomic without it.\n"
	       "\n"
	       "Example:\n"
	       "\t\tspin_lock(&mm->page_table_lock);\n"
	       "\t+\tnew = kmalloc(sizeof(*new), GFP_KERNEL);\n"
	       "kmalloc() with GFP_KERNEL may sleep under the page table lock:\n"
	       "should it be GFP_ATOMIC, or moved out of the lock?\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"sleep-in-atomic\"]\n"
	       "\t\tenabled = false\n",
	.check = sleep_in_atomic_check,
};
