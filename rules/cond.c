// SPDX-License-Identifier: GPL-2.0
/*
 * cond: a condition before and after a patch, paired and compared; see
 * cond.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "role.h"
#include "sbuf.h"
#include "util.h"

/* Bytes of normal forms built for one condition, all terms together. */
#define COND_MAX_FORM_BYTES ((size_t)1 << 20)

/* --- text ------------------------------------------------------------------ */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * The text of [s, e) without comments and without whitespace, but for
 * one space between two words ("unsigned long"): a new string. quote
 * keeps one space for each run of whitespace instead, for quoting back.
 */
static char *squeeze(const struct csrc *cs, uint32_t s, uint32_t e, bool quote)
{
	size_t len;
	const char *t = csrc_text(cs, &len);
	struct sbuf sb = SBUF_INIT;
	bool space = false;
	uint32_t i;

	if (e > len)
		e = (uint32_t)len;
	for (i = s; i < e; i++) {
		if (t[i] == '/' && i + 1 < e && t[i + 1] == '*') {
			const char *end = strstr(t + i + 2, "*/");

			i = end && end + 1 < t + e ? (uint32_t)(end - t) + 1 :
						     e;
			space = true;
			continue;
		}
		if (t[i] == '/' && i + 1 < e && t[i + 1] == '/') {
			while (i < e && t[i] != '\n')
				i++;
			space = true;
			continue;
		}
		if (isspace((unsigned char)t[i])) {
			space = true;
			continue;
		}
		if (space && sb.len &&
		    (quote ||
		     (ident_char(sb.buf[sb.len - 1]) && ident_char(t[i]))))
			sbuf_addch(&sb, ' ');
		space = false;
		sbuf_addch(&sb, t[i]);
	}
	if (!sb.buf)
		return xstrdup("");
	return sbuf_detach(&sb, NULL);
}

/* The quoted form of a span: squeezed, cut at COND_MAX_QUOTE. */
static char *quote_span(const struct csrc *cs, uint32_t s, uint32_t e)
{
	char *q = squeeze(cs, s, e, true);

	if (strlen(q) > COND_MAX_QUOTE)
		memcpy(q + COND_MAX_QUOTE - 3, "...", 4);
	return q;
}

/* --- normal forms ----------------------------------------------------------- */

enum term_kind {
	T_LEAF, /* an operand tested for truth */
	T_MASK, /* an object tested against flags: x & (A | B) */
	T_CMP, /* a comparison, oriented: a < b, never b > a */
	T_AND,
	T_OR,
};

enum cmp_op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_NONE };

static const char *const op_names[] = { "<", "<=", ">", ">=", "==", "!=" };

/* A span of the text, and the operator that made the term, if any. */
struct at {
	uint32_t start, end;
	uint32_t op_start, op_end;
	bool has_op;
};

struct term {
	enum term_kind kind;
	bool neg; /* T_LEAF, T_MASK: tested for being false */
	enum cmp_op op;
	char *text; /* T_LEAF: the operand; T_MASK: the object; T_CMP: left */
	char *rtext; /* T_CMP: right; T_MASK: the flags, sorted, '|'-joined */
	int l, r; /* T_AND, T_OR: the terms */
	struct at at;
	char *canon, *ncanon; /* the normal form, and that of its negation */
};

struct form {
	const struct csrc *cs;
	struct term *v;
	size_t n, alloc, bytes;
	bool over;
};

static enum cmp_op op_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(s, op_names[i]))
			return (enum cmp_op)i;
	return OP_NONE;
}

static enum cmp_op op_negate(enum cmp_op op)
{
	static const enum cmp_op neg[] = { OP_GE, OP_GT, OP_LE,
					   OP_LT, OP_NE, OP_EQ };

	return neg[op];
}

/* The operator with its operands exchanged: a < b is b > a. */
static enum cmp_op op_mirror(enum cmp_op op)
{
	static const enum cmp_op mir[] = { OP_GT, OP_GE, OP_LT,
					   OP_LE, OP_EQ, OP_NE };

	return mir[op];
}

static TSNode strip_parens(TSNode n)
{
	unsigned depth;

	for (depth = 0; depth < CSRC_MAX_NESTING &&
			csrc_node_is(n, "parenthesized_expression") &&
			csrc_node_named_count(n) == 1;
	     depth++)
		n = csrc_node_named_child(n, 0);
	return n;
}

static const char *op_of(TSNode e)
{
	return csrc_node_type(csrc_node_field(e, "operator"));
}

static bool is_zero(const struct csrc *cs, TSNode n)
{
	n = strip_parens(n);
	return csrc_node_eq(cs, n, "0") || csrc_node_eq(cs, n, "NULL") ||
	       csrc_node_eq(cs, n, "false");
}

/* A flag name: a macro in capitals (VM_WRITE, __GFP_IO) or a number. */
static bool flag_name(const struct csrc *cs, TSNode n)
{
	const char *t;
	char *s;
	bool ok = true;
	size_t i;

	if (csrc_node_is(n, "number_literal"))
		return true;
	if (csrc_node_is(n, "call_expression"))
		n = csrc_node_field(n, "function");
	if (!csrc_node_is(n, "identifier"))
		return false;
	s = csrc_node_text(cs, n);
	for (i = 0, t = s; t[i]; i++)
		if (islower((unsigned char)t[i]))
			ok = false;
	free(s);
	return ok;
}

/*
 * Add the flags of a mask (A, A | B, (A | B), BIT(3)) to sb, '|'-joined;
 * false when m is not a mask. At most COND_MAX_TERMS flags.
 */
static bool mask_flags(const struct csrc *cs, TSNode m, struct sbuf *sb,
		       unsigned depth)
{
	char *s;

	m = strip_parens(m);
	if (depth > COND_MAX_DEPTH)
		return false;
	if (csrc_node_is(m, "binary_expression") && !strcmp(op_of(m), "|"))
		return mask_flags(cs, csrc_node_field(m, "left"), sb,
				  depth + 1) &&
		       mask_flags(cs, csrc_node_field(m, "right"), sb,
				  depth + 1);
	if (!flag_name(cs, m))
		return false;
	s = squeeze(cs, csrc_node_start(m), csrc_node_end(m), false);
	if (sb->len)
		sbuf_addch(sb, '|');
	sbuf_addstr(sb, s);
	free(s);
	return true;
}

static int str_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The flags of s ('|'-joined) sorted and without repeats, in place. */
static void sort_flags(char *s)
{
	char *v[COND_MAX_TERMS], *copy = xstrdup(s), *p = copy;
	struct sbuf sb = SBUF_INIT;
	size_t n = 0, i;

	while (n < COND_MAX_TERMS) {
		v[n++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p++ = '\0';
	}
	qsort(v, n, sizeof(*v), str_order);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		if (sb.len)
			sbuf_addch(&sb, '|');
		sbuf_addstr(&sb, v[i]);
	}
	/* Never longer than s: the same flags, fewer separators. */
	memcpy(s, sb.buf ? sb.buf : "", sb.len + 1);
	sbuf_release(&sb);
	free(copy);
}

static int term_new(struct form *f, enum term_kind kind, struct at at)
{
	struct term *t;

	XGROW(f->v, f->alloc, f->n + 1);
	t = &f->v[f->n];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->at = at;
	t->op = OP_NONE;
	return (int)f->n++;
}

static struct at at_of(TSNode n)
{
	struct at at = { csrc_node_start(n), csrc_node_end(n), 0, 0, false };

	return at;
}

static struct at at_op(struct at at, TSNode op)
{
	at.op_start = csrc_node_start(op);
	at.op_end = csrc_node_end(op);
	at.has_op = true;
	return at;
}

static int leaf(struct form *f, TSNode e, bool neg, struct at at)
{
	int i = term_new(f, T_LEAF, at);

	f->v[i].neg = neg;
	f->v[i].text =
		squeeze(f->cs, csrc_node_start(e), csrc_node_end(e), false);
	return i;
}

static int add_expr(struct form *f, TSNode e, bool neg, struct at at,
		    unsigned depth);

/* a && b, a || b: under a negation, De Morgan. */
static int add_logic(struct form *f, TSNode e, bool neg, struct at at,
		     unsigned depth)
{
	bool and = !strcmp(op_of(e), "&&");
	TSNode l = csrc_node_field(e, "left"), r = csrc_node_field(e, "right");
	int i = term_new(f, and != neg ? T_AND : T_OR,
			 at_op(at, csrc_node_field(e, "operator")));
	int li = add_expr(f, l, neg, at_of(l), depth + 1);
	int ri = add_expr(f, r, neg, at_of(r), depth + 1);

	f->v[i].l = li;
	f->v[i].r = ri;
	return i;
}

static int add_cmp(struct form *f, TSNode e, enum cmp_op op, bool neg,
		   struct at at)
{
	TSNode l = csrc_node_field(e, "left"), r = csrc_node_field(e, "right");
	int i = term_new(f, T_CMP, at_op(at, csrc_node_field(e, "operator")));
	struct term *t = &f->v[i];

	t->op = neg ? op_negate(op) : op;
	t->text = squeeze(f->cs, csrc_node_start(l), csrc_node_end(l), false);
	t->rtext = squeeze(f->cs, csrc_node_start(r), csrc_node_end(r), false);
	return i;
}

/* x & A, A & x: the object and its flags; else a plain operand. */
static int add_and_mask(struct form *f, TSNode e, bool neg, struct at at)
{
	TSNode l = csrc_node_field(e, "left"), r = csrc_node_field(e, "right");
	struct sbuf flags = SBUF_INIT;
	TSNode obj = l;
	int i;

	if (!mask_flags(f->cs, r, &flags, 0)) {
		sbuf_reset(&flags);
		obj = r;
		if (!mask_flags(f->cs, l, &flags, 0)) {
			sbuf_release(&flags);
			return leaf(f, e, neg, at);
		}
	}
	i = term_new(f, T_MASK, at_op(at, csrc_node_field(e, "operator")));
	f->v[i].neg = neg;
	f->v[i].text =
		squeeze(f->cs, csrc_node_start(obj), csrc_node_end(obj), false);
	f->v[i].rtext = sbuf_detach(&flags, NULL);
	sort_flags(f->v[i].rtext);
	return i;
}

static bool is_hint(const struct csrc *cs, TSNode e)
{
	TSNode fn = csrc_node_field(e, "function");

	return csrc_node_named_count(csrc_node_field(e, "arguments")) == 1 &&
	       (csrc_node_eq(cs, fn, "likely") ||
		csrc_node_eq(cs, fn, "unlikely"));
}

/*
 * Add the term of e, tested for being true (false when neg); at is the
 * span it stands for, '!'s and parentheses around it included.
 */
static int add_expr(struct form *f, TSNode e, bool neg, struct at at,
		    unsigned depth)
{
	enum cmp_op op;
	const char *o;

	e = strip_parens(e);
	if (f->n >= COND_MAX_TERMS || depth > COND_MAX_DEPTH) {
		f->over = f->over || f->n >= COND_MAX_TERMS;
		return leaf(f, e, neg, at);
	}
	if (csrc_node_is(e, "unary_expression") && !strcmp(op_of(e), "!"))
		return add_expr(f, csrc_node_field(e, "argument"), !neg,
				at_op(at, csrc_node_field(e, "operator")),
				depth + 1);
	if (csrc_node_is(e, "call_expression") && is_hint(f->cs, e))
		return add_expr(f,
				csrc_node_named_child(
					csrc_node_field(e, "arguments"), 0),
				neg, at, depth + 1);
	if (!csrc_node_is(e, "binary_expression"))
		return leaf(f, e, neg, at);
	o = op_of(e);
	if (!strcmp(o, "&&") || !strcmp(o, "||"))
		return add_logic(f, e, neg, at, depth);
	if (!strcmp(o, "&"))
		return add_and_mask(f, e, neg, at);
	op = op_parse(o);
	if (op == OP_NONE)
		return leaf(f, e, neg, at);
	/* x == 0, x != NULL: x tested for truth. */
	if ((op == OP_EQ || op == OP_NE) &&
	    (is_zero(f->cs, csrc_node_field(e, "right")) ||
	     is_zero(f->cs, csrc_node_field(e, "left")))) {
		TSNode x = is_zero(f->cs, csrc_node_field(e, "right")) ?
				   csrc_node_field(e, "left") :
				   csrc_node_field(e, "right");

		return add_expr(f, x, neg != (op == OP_EQ),
				at_op(at, csrc_node_field(e, "operator")),
				depth + 1);
	}
	return add_cmp(f, e, op, neg, at);
}

/* "a < b" oriented: > and >= mirrored, == and != operands sorted. */
static void add_cmp_form(struct sbuf *sb, enum cmp_op op, const char *l,
			 const char *r)
{
	if (op == OP_GT || op == OP_GE ||
	    ((op == OP_EQ || op == OP_NE) && strcmp(l, r) > 0)) {
		const char *t = l;

		l = r;
		r = t;
		op = op_mirror(op);
	}
	sbuf_addf(sb, "%s%s%s", l, op_names[op], r);
}

/* The normal forms of every term, children (later indexes) first. */
static void form_canon(struct form *f)
{
	size_t k;

	for (k = f->n; k-- > 0;) {
		struct term *t = &f->v[k];
		struct sbuf c = SBUF_INIT, nc = SBUF_INIT;

		switch (t->kind) {
		case T_LEAF:
			sbuf_addf(&c, "%s%s", t->neg ? "!" : "", t->text);
			sbuf_addf(&nc, "%s%s", t->neg ? "" : "!", t->text);
			break;
		case T_MASK:
			sbuf_addf(&c, "%s%s&{%s}", t->neg ? "!" : "", t->text,
				  t->rtext);
			sbuf_addf(&nc, "%s%s&{%s}", t->neg ? "" : "!", t->text,
				  t->rtext);
			break;
		case T_CMP:
			add_cmp_form(&c, t->op, t->text, t->rtext);
			add_cmp_form(&nc, op_negate(t->op), t->text, t->rtext);
			break;
		case T_AND:
		case T_OR:
			sbuf_addf(&c, "(%s%s%s)", f->v[t->l].canon,
				  t->kind == T_AND ? "&&" : "||",
				  f->v[t->r].canon);
			sbuf_addf(&nc, "(%s%s%s)", f->v[t->l].ncanon,
				  t->kind == T_AND ? "||" : "&&",
				  f->v[t->r].ncanon);
			break;
		}
		f->bytes += c.len + nc.len;
		if (f->bytes > COND_MAX_FORM_BYTES) {
			/* Too big to compare: every term reads differently. */
			f->over = true;
			sbuf_reset(&c);
			sbuf_reset(&nc);
			sbuf_addf(&c, "\x01%zu", k);
			sbuf_addf(&nc, "\x02%zu", k);
		}
		t->canon = c.buf ? sbuf_detach(&c, NULL) : xstrdup("");
		t->ncanon = nc.buf ? sbuf_detach(&nc, NULL) : xstrdup("");
	}
}

static void form_release(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].text);
		free(f->v[i].rtext);
		free(f->v[i].canon);
		free(f->v[i].ncanon);
	}
	free(f->v);
}

/* --- comparing ---------------------------------------------------------------- */

struct compare {
	struct form *o, *n;
	struct cond_diff *out;
};

static const struct term *T(const struct form *f, int i)
{
	return &f->v[i];
}

static bool same(const struct compare *x, int o, int n)
{
	return !strcmp(T(x->o, o)->canon, T(x->n, n)->canon);
}

static void set_class(struct compare *x, enum cond_class cls, int o, int n)
{
	const struct term *a = T(x->o, o), *b = T(x->n, n);

	x->out->cls = cls;
	x->out->old_start = a->at.start;
	x->out->old_end = a->at.end;
	x->out->new_start = b->at.start;
	x->out->new_end = b->at.end;
	x->out->at_start = b->at.has_op ? b->at.op_start : b->at.start;
	x->out->at_end = b->at.has_op ? b->at.op_end : b->at.end;
}

/* Point at the first whole word w of the new part, if it shows there. */
static void point_at_word(struct compare *x, const char *w)
{
	size_t len, n = strlen(w);
	const char *t = csrc_text(x->n->cs, &len);
	uint32_t i;

	for (i = x->out->new_start; i + n <= x->out->new_end; i++) {
		if (memcmp(t + i, w, n) || (i > 0 && ident_char(t[i - 1])) ||
		    (i + n < len && ident_char(t[i + n])))
			continue;
		x->out->at_start = i;
		x->out->at_end = i + (uint32_t)n;
		return;
	}
}

/*
 * Two operands that differ: by one identifier that names the
 * counterpart role (src_vma for dst_vma), or otherwise.
 */
static void classify_operand(struct compare *x, const char *a, const char *b,
			     int o, int n)
{
	const char *p = a, *q = b;
	char from[ROLE_MAX_NAME], to[ROLE_MAX_NAME];
	int diffs = 0;

	while (*p && *q && diffs < 2) {
		size_t lp = 1, lq = 1;

		if (ident_char(*p))
			for (lp = 0; ident_char(p[lp]); lp++)
				;
		if (ident_char(*q))
			for (lq = 0; ident_char(q[lq]); lq++)
				;
		if (lp != lq || memcmp(p, q, lp)) {
			if (!ident_char(*p) || !ident_char(*q) ||
			    lp >= ROLE_MAX_NAME || lq >= ROLE_MAX_NAME) {
				diffs = 2;
				break;
			}
			memcpy(from, p, lp);
			from[lp] = '\0';
			memcpy(to, q, lq);
			to[lq] = '\0';
			diffs++;
		}
		p += lp;
		q += lq;
	}
	if (diffs == 1 && !*p && !*q && role_ident_counterparts(from, to)) {
		set_class(x, COND_ROLE, o, n);
		x->out->from = xstrdup(from);
		x->out->to = xstrdup(to);
		point_at_word(x, to);
		return;
	}
	set_class(x, COND_OPERAND, o, n);
}

static void compare_terms(struct compare *x, int o, int n, unsigned depth);

/* Both && or both ||: where do they differ? */
static void compare_logic(struct compare *x, int o, int n, unsigned depth)
{
	const struct term *a = T(x->o, o), *b = T(x->n, n);
	bool l = same(x, a->l, b->l), r = same(x, a->r, b->r);

	if (l && !r)
		compare_terms(x, a->r, b->r, depth + 1);
	else if (r && !l)
		compare_terms(x, a->l, b->l, depth + 1);
	else if (same(x, a->l, b->r) && same(x, a->r, b->l))
		set_class(x, COND_REORDER, o, n);
	else
		set_class(x, COND_REWRITE, o, n);
}

/* A term of one side is the whole of the other: one added or dropped. */
static bool term_added(struct compare *x, int o, int n)
{
	const struct term *a = T(x->o, o), *b = T(x->n, n);

	if ((b->kind == T_AND || b->kind == T_OR) &&
	    (same(x, o, b->l) || same(x, o, b->r))) {
		int added = same(x, o, b->l) ? b->r : b->l;

		set_class(x, COND_TERM, o, n);
		x->out->at_start = T(x->n, added)->at.start;
		x->out->at_end = T(x->n, added)->at.end;
		return true;
	}
	if ((a->kind == T_AND || a->kind == T_OR) &&
	    (!strcmp(T(x->o, a->l)->canon, b->canon) ||
	     !strcmp(T(x->o, a->r)->canon, b->canon))) {
		set_class(x, COND_TERM, o, n);
		return true;
	}
	return false;
}

static bool op_less(enum cmp_op op)
{
	return op == OP_LT || op == OP_LE;
}

static bool op_greater(enum cmp_op op)
{
	return op == OP_GT || op == OP_GE;
}

/* Two comparisons of the same operands (b's in a's order) that differ. */
static void compare_ops(struct compare *x, enum cmp_op a, enum cmp_op b, int o,
			int n)
{
	set_class(x, COND_COMPARISON, o, n);
	x->out->direction = (op_less(a) && op_greater(b)) ||
			    (op_greater(a) && op_less(b));
}

static void compare_cmp(struct compare *x, int o, int n)
{
	const struct term *a = T(x->o, o), *b = T(x->n, n);
	bool l = !strcmp(a->text, b->text), r = !strcmp(a->rtext, b->rtext);

	if (l && r)
		compare_ops(x, a->op, b->op, o, n);
	else if (!strcmp(a->text, b->rtext) && !strcmp(a->rtext, b->text))
		compare_ops(x, a->op, op_mirror(b->op), o, n);
	else if (a->op == b->op && l)
		classify_operand(x, a->rtext, b->rtext, o, n);
	else if (a->op == b->op && r)
		classify_operand(x, a->text, b->text, o, n);
	else
		set_class(x, COND_OPERAND, o, n);
}

static void compare_terms(struct compare *x, int o, int n, unsigned depth)
{
	const struct term *a = T(x->o, o), *b = T(x->n, n);

	if (depth > COND_MAX_DEPTH * 2) {
		set_class(x, COND_REWRITE, o, n);
		return;
	}
	if (!strcmp(a->ncanon, b->canon)) {
		set_class(x, COND_POLARITY, o, n);
		return;
	}
	if (a->kind == b->kind && (a->kind == T_AND || a->kind == T_OR)) {
		compare_logic(x, o, n, depth);
		return;
	}
	if ((a->kind == T_AND || a->kind == T_OR) &&
	    (b->kind == T_AND || b->kind == T_OR) && same(x, a->l, b->l) &&
	    same(x, a->r, b->r)) {
		set_class(x, COND_CONNECTIVE, o, n);
		return;
	}
	if (term_added(x, o, n))
		return;
	if (a->kind != b->kind || a->neg != b->neg) {
		set_class(x, COND_REWRITE, o, n);
		return;
	}
	switch (a->kind) {
	case T_CMP:
		compare_cmp(x, o, n);
		break;
	case T_MASK:
		if (!strcmp(a->text, b->text))
			set_class(x, COND_FLAG, o, n);
		else if (!strcmp(a->rtext, b->rtext))
			classify_operand(x, a->text, b->text, o, n);
		else
			set_class(x, COND_OPERAND, o, n);
		break;
	default:
		classify_operand(x, a->text, b->text, o, n);
		break;
	}
}

int cond_compare(struct cond_diff *out, const struct csrc *old, TSNode old_expr,
		 const struct csrc *new, TSNode new_expr)
{
	struct form fo = { .cs = old }, fn = { .cs = new };
	struct compare x = { &fo, &fn, out };
	int err = 0;

	memset(out, 0, sizeof(*out));
	add_expr(&fo, old_expr, false, at_of(strip_parens(old_expr)), 0);
	add_expr(&fn, new_expr, false, at_of(strip_parens(new_expr)), 0);
	form_canon(&fo);
	form_canon(&fn);
	if (fo.over || fn.over) {
		set_class(&x, COND_REWRITE, 0, 0);
		err = mmr_error_set(MMR_ELIMIT,
				    "a condition of more than %d terms",
				    COND_MAX_TERMS);
	} else if (same(&x, 0, 0)) {
		set_class(&x, COND_SAME, 0, 0);
	} else {
		compare_terms(&x, 0, 0, 0);
	}
	out->old_text = quote_span(old, out->old_start, out->old_end);
	out->new_text = quote_span(new, out->new_start, out->new_end);
	form_release(&fo);
	form_release(&fn);
	return err;
}

void cond_diff_release(struct cond_diff *d)
{
	free(d->old_text);
	free(d->new_text);
	free(d->from);
	free(d->to);
	memset(d, 0, sizeof(*d));
}

const char *cond_class_name(enum cond_class cls)
{
	static const char *const names[] = {
		"same", "polarity", "comparison", "connective", "flag",
		"term", "role",	    "operand",	  "reorder",	"rewrite",
	};

	return (size_t)cls < sizeof(names) / sizeof(names[0]) ? names[cls] :
								"rewrite";
}

const char *cond_question(const struct cond_diff *d)
{
	switch (d->cls) {
	case COND_POLARITY:
		return "Is the inverted test intended?";
	case COND_COMPARISON:
		return d->direction ? "Is the change of direction intended?" :
				      "Is the boundary change intended?";
	case COND_CONNECTIVE:
		return "Is the change of connective intended?";
	case COND_FLAG:
		return "Is the change of flags intended?";
	case COND_TERM:
		return "Is the changed set of tests intended?";
	case COND_ROLE:
		return "Is the change of role intended?";
	default:
		return "Is the change intended?";
	}
}

/* --- pairing ------------------------------------------------------------------ */

/* The changed conditions of one side's definition. */
struct side {
	enum change_side side;
	const struct csrc *cs;
	struct csrc_cond *v;
	size_t n;
	/* Per condition: its first and last changed line, 0 when none. */
	unsigned *first, *last;
	unsigned def_start, def_end;
};

static void side_load(struct side *s, const struct change *c,
		      enum change_side side)
{
	const struct csrc_def *def = change_def(c, side);
	size_t i;

	s->side = side;
	s->cs = change_src(c, side);
	s->n = csrc_conditions(s->cs, def->start, def->end, &s->v);
	if (s->n > COND_MAX_PER_DEF)
		s->n = COND_MAX_PER_DEF;
	s->first = xcalloc(s->n + 1, sizeof(*s->first));
	s->last = xcalloc(s->n + 1, sizeof(*s->last));
	s->def_start = def->start_line;
	s->def_end = def->end_line;
	for (i = 0; i < s->n; i++) {
		TSNode e = s->v[i].expr;
		unsigned l = csrc_line_of(s->cs, csrc_node_start(e));
		unsigned end = csrc_node_end(e) > csrc_node_start(e) ?
				       csrc_node_end(e) - 1 :
				       csrc_node_start(e);
		unsigned last = csrc_line_of(s->cs, end);

		if (s->v[i].kind == CSRC_COND_SWITCH)
			continue;
		for (; l <= last; l++) {
			if (!change_line_changed(c, side, l))
				continue;
			if (!s->first[i])
				s->first[i] = l;
			s->last[i] = l;
		}
	}
}

static void side_release(struct side *s)
{
	free(s->v);
	free(s->first);
	free(s->last);
}

/* The changed conditions of s starting their change in (lo, hi). */
static size_t in_gap(const struct side *s, unsigned lo, unsigned hi,
		     size_t *idx, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < s->n && n < max; i++)
		if (s->first[i] > lo && s->first[i] < hi)
			idx[n++] = i;
	return n;
}

/* The code a condition guards, or a null node. */
static TSNode guarded(const struct csrc_cond *k, bool alternative)
{
	TSNode n;

	switch (k->kind) {
	case CSRC_COND_IF:
	case CSRC_COND_TERNARY:
		if (!alternative)
			return csrc_node_field(k->stmt, "consequence");
		n = csrc_node_field(k->stmt, "alternative");
		if (csrc_node_is(n, "else_clause"))
			n = csrc_node_named_child(n, 0);
		return n;
	case CSRC_COND_WHILE:
	case CSRC_COND_DO:
	case CSRC_COND_FOR:
		if (!alternative)
			return csrc_node_field(k->stmt, "body");
		break;
	default:
		break;
	}
	memset(&n, 0, sizeof(n));
	return n;
}

static bool same_code(const struct csrc *a, TSNode x, const struct csrc *b,
		      TSNode y)
{
	char *s, *t;
	bool eq;

	if (csrc_node_is_null(x) || csrc_node_is_null(y))
		return csrc_node_is_null(x) && csrc_node_is_null(y);
	s = squeeze(a, csrc_node_start(x), csrc_node_end(x), false);
	t = squeeze(b, csrc_node_start(y), csrc_node_end(y), false);
	eq = !strcmp(s, t);
	free(s);
	free(t);
	return eq;
}

/* Whether text calls a function that the patch or the series changes. */
static bool calls_changed(const struct change *c, const char *text)
{
	const struct change_set *set = change_owner(c);
	const char *s = text;

	while (*s) {
		char name[ROLE_MAX_NAME];
		size_t n = 0;

		if (!ident_char(*s) || (s > text && ident_char(s[-1]))) {
			s++;
			continue;
		}
		while (ident_char(s[n]))
			n++;
		if (s[n] == '(' && n < sizeof(name)) {
			memcpy(name, s, n);
			name[n] = '\0';
			if (change_set_find(set, CSRC_FUNCTION, name) ||
			    change_set_find(set, CSRC_FUNC_MACRO, name))
				return true;
		}
		s += n;
	}
	return false;
}

static void pair_add(const struct change *c, struct cond_pairs *out,
		     const struct side *o, size_t i, const struct side *n,
		     size_t j, bool alone)
{
	const struct csrc_cond *a = &o->v[i], *b = &n->v[j];
	struct cond_pair *p;
	bool exchanged;

	XGROW(out->v, out->alloc, out->n + 1);
	p = &out->v[out->n++];
	memset(p, 0, sizeof(*p));
	p->old = *a;
	p->new = *b;
	p->alone = alone;
	p->old_first = o->first[i];
	p->old_last = o->last[i];
	p->new_first = n->first[j];
	p->new_last = n->last[j];
	p->body_same =
		same_code(o->cs, guarded(a, false), n->cs, guarded(b, false)) &&
		same_code(o->cs, guarded(a, true), n->cs, guarded(b, true));
	exchanged =
		a->kind != CSRC_COND_RETURN &&
		!csrc_node_is_null(guarded(a, true)) &&
		same_code(o->cs, guarded(a, false), n->cs, guarded(b, true)) &&
		same_code(o->cs, guarded(a, true), n->cs, guarded(b, false));
	cond_compare(&p->diff, o->cs, a->expr, n->cs, b->expr);
	/* if (x) A else B written as if (!x) B else A */
	if (exchanged && p->diff.cls == COND_POLARITY &&
	    p->diff.old_start == csrc_node_start(a->expr) &&
	    p->diff.old_end == csrc_node_end(a->expr))
		p->diff.cls = COND_SAME;
	p->callee_changed = calls_changed(c, p->diff.old_text) ||
			    calls_changed(c, p->diff.new_text);
}

/* The unchanged lines around the change of old condition i, mapped. */
static bool gap_of(const struct change *c, const struct side *o, size_t i,
		   unsigned *pb, unsigned *pa, unsigned *nb, unsigned *na)
{
	unsigned b = o->first[i] - 1, a = o->last[i] + 1;

	while (b >= o->def_start && change_line_changed(c, CHANGE_OLD, b))
		b--;
	while (a <= o->def_end && change_line_changed(c, CHANGE_OLD, a))
		a++;
	if (b < o->def_start || a > o->def_end)
		return false;
	*pb = b;
	*pa = a;
	*nb = change_map_old_to_new(c, b);
	*na = change_map_old_to_new(c, a);
	return *nb && *na && *nb < *na;
}

static int pair_order(const void *pa, const void *pb)
{
	const struct cond_pair *a = pa, *b = pb;
	uint32_t x = csrc_node_start(a->new.expr),
		 y = csrc_node_start(b->new.expr);

	return x < y ? -1 : x > y;
}

/* Whether the changed lines of (lo, hi) are the condition's alone. */
static bool lines_alone(const struct side *s, size_t i, unsigned lo,
			unsigned hi)
{
	return s->first[i] == lo + 1 && s->last[i] == hi - 1;
}

int cond_pairs_collect(struct cond_pairs *out, const struct change *c)
{
	struct side o = { 0 }, n = { 0 };
	size_t *oi, *ni, i, k;

	/*
	 * The top-level lines outside every definition (hunks that name no
	 * function) span the whole image: which function a test is in is
	 * not known there.
	 */
	if (!change_def(c, CHANGE_OLD) || !change_def(c, CHANGE_NEW) ||
	    change_is_toplevel(c))
		return 0;
	side_load(&o, c, CHANGE_OLD);
	side_load(&n, c, CHANGE_NEW);
	oi = xcalloc(o.n + 1, sizeof(*oi));
	ni = xcalloc(n.n + 1, sizeof(*ni));
	for (i = 0; i < o.n; i++) {
		unsigned pb, pa, nb, na;
		size_t no, nn;

		if (!o.first[i] || !gap_of(c, &o, i, &pb, &pa, &nb, &na))
			continue;
		no = in_gap(&o, pb, pa, oi, o.n);
		nn = in_gap(&n, nb, na, ni, n.n);
		if (no != nn)
			continue;
		for (k = 0; k < no && oi[k] != i; k++)
			;
		if (k == no || o.v[i].kind != n.v[ni[k]].kind)
			continue;
		pair_add(c, out, &o, i, &n, ni[k],
			 no == 1 && lines_alone(&o, i, pb, pa) &&
				 lines_alone(&n, ni[k], nb, na));
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), pair_order);
	free(oi);
	free(ni);
	side_release(&o);
	side_release(&n);
	return 0;
}

/* Whether line l of side is a line of a condition changed alone. */
static bool alone_line(const struct cond_pairs *pairs, enum change_side side,
		       unsigned l)
{
	size_t i;

	for (i = 0; i < pairs->n; i++) {
		const struct cond_pair *p = &pairs->v[i];
		unsigned lo = side == CHANGE_OLD ? p->old_first : p->new_first;
		unsigned hi = side == CHANGE_OLD ? p->old_last : p->new_last;

		if (p->alone && l >= lo && l <= hi)
			return true;
	}
	return false;
}

/* Whether line l of cs is blank or a comment's line, as far as it shows. */
static bool comment_line(const struct csrc *cs, unsigned l)
{
	size_t len;
	const char *t = csrc_text(cs, &len);
	uint32_t s = csrc_line_start(cs, l), e = csrc_line_start(cs, l + 1);

	while (s < e && isspace((unsigned char)t[s]))
		s++;
	return s >= e || t[s] == '*' ||
	       (t[s] == '/' && s + 1 < e &&
		(t[s + 1] == '*' || t[s + 1] == '/'));
}

bool cond_pair_quiet(const struct change *c, const struct cond_pairs *pairs,
		     size_t i, unsigned reach)
{
	const struct cond_pair *p = &pairs->v[i];
	const struct csrc_cond *k[2] = { &p->old, &p->new };
	unsigned first[2] = { p->old_first, p->new_first };
	unsigned last[2] = { p->old_last, p->new_last };
	int side;

	for (side = CHANGE_OLD; side <= CHANGE_NEW; side++) {
		enum change_side sd = (enum change_side)side;
		const struct csrc *cs = change_src(c, sd);
		const struct csrc_def *def = change_def(c, sd);
		unsigned lo = csrc_line_of(cs, csrc_node_start(k[side]->stmt));
		unsigned end = csrc_line_of(cs, csrc_node_end(k[side]->stmt));
		unsigned hi, l;

		lo = lo > def->start_line + reach ? lo - reach :
						    def->start_line;
		hi = end + reach < def->end_line ? end + reach : def->end_line;
		for (l = lo; l <= hi; l++) {
			/* Deep inside the guarded code: body_same says. */
			if (l > last[side] + reach && l < end)
				l = end;
			if ((l < first[side] || l > last[side]) &&
			    change_line_changed(c, sd, l) &&
			    !comment_line(cs, l) && !alone_line(pairs, sd, l))
				return false;
		}
	}
	return true;
}

void cond_pairs_release(struct cond_pairs *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		cond_diff_release(&p->v[i].diff);
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}
