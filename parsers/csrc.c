// SPDX-License-Identifier: GPL-2.0
/*
 * csrc: the tree-sitter C layer. Kernel annotations are blanked in place
 * (same length), the tree is parsed once, then the top-level definitions,
 * the line table and the error counts are computed in linear walks.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "csrc.h"
#include "sbuf.h"
#include "util.h"

const TSLanguage *tree_sitter_c(void);

#define CSRC_MAX_DEPTH 256 /* nesting of #if blocks and ERROR nodes */

struct csrc {
	char *text; /* annotations blanked, NUL-terminated */
	size_t len;
	TSTree *tree;
	uint32_t *line_starts;
	unsigned nlines;
	struct csrc_def *defs;
	size_t ndefs;
	char *names; /* every def name, NUL-separated */
	size_t nerrors, nmissing;
};

/* --- blanking kernel annotations ---------------------------------------- */

struct annotation {
	const char *name;
	bool args; /* takes a parenthesised argument list */
};

/* Sorted by name (strcmp order) for bsearch. */
static const struct annotation annotations[] = {
	{ "____cacheline_aligned", false },
	{ "____cacheline_aligned_in_smp", false },
	{ "__acquires", true },
	{ "__aligned", true },
	{ "__always_inline", false },
	{ "__always_unused", false },
	{ "__attribute_const__", false },
	{ "__bitwise", false },
	{ "__cacheline_aligned", false },
	{ "__cacheline_aligned_in_smp", false },
	{ "__cold", false },
	{ "__counted_by", true },
	{ "__cpuidle", false },
	{ "__deprecated", false },
	{ "__exit", false },
	{ "__exitdata", false },
	{ "__flatten", false },
	{ "__force", false },
	{ "__free", true },
	{ "__hot", false },
	{ "__init", false },
	{ "__init_memblock", false },
	{ "__init_or_module", false },
	{ "__initconst", false },
	{ "__initdata", false },
	{ "__initdata_memblock", false },
	{ "__iomem", false },
	{ "__kernel", false },
	{ "__kprobes", false },
	{ "__latent_entropy", false },
	{ "__lockfunc", false },
	{ "__malloc", false },
	{ "__maybe_unused", false },
	{ "__meminit", false },
	{ "__meminitdata", false },
	{ "__must_check", false },
	{ "__must_hold", true },
	{ "__no_sanitize_address", false },
	{ "__nocfi", false },
	{ "__noclone", false },
	{ "__noinline", false },
	{ "__noreturn", false },
	{ "__packed", false },
	{ "__page_aligned_bss", false },
	{ "__page_aligned_data", false },
	{ "__percpu", false },
	{ "__printf", true },
	{ "__private", false },
	{ "__pure", false },
	{ "__randomize_layout", false },
	{ "__rcu", false },
	{ "__read_mostly", false },
	{ "__ref", false },
	{ "__refdata", false },
	{ "__releases", true },
	{ "__ro_after_init", false },
	{ "__safe", false },
	{ "__sched", false },
	{ "__section", true },
	{ "__used", false },
	{ "__user", false },
	{ "__visible", false },
	{ "__weak", false },
	{ "asmlinkage", false },
	{ "noinline", false },
	{ "noinstr", false },
	{ "notrace", false },
};

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int annotation_cmp(const void *key, const void *elem)
{
	const struct annotation *a = elem;

	return strcmp(key, a->name);
}

static const struct annotation *annotation_find(const char *s, size_t n)
{
	char name[32];

	if (n >= sizeof(name) || n < 4)
		return NULL;
	memcpy(name, s, n);
	name[n] = '\0';
	return bsearch(name, annotations,
		       sizeof(annotations) / sizeof(annotations[0]),
		       sizeof(annotations[0]), annotation_cmp);
}

/*
 * How deep the text nests as it is read: brackets open, and prefix
 * operators in a row (tree-sitter nests "!!!!x" as deeply as "((((x").
 * A fragment may start inside a function: closing brackets stop at 0.
 */
struct nesting {
	unsigned depth, run;
	bool over; /* past CSRC_MAX_NESTING, first at byte at */
	size_t at;
};

static void nest_char(struct nesting *n, const char *t, size_t i)
{
	char c = t[i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return;
	if (c == '(' || c == '[' || c == '{')
		n->depth++;
	else if ((c == ')' || c == ']' || c == '}') && n->depth)
		n->depth--;
	if (c == '!' || c == '~' || c == '-' || c == '+' || c == '*' ||
	    c == '&')
		n->run++;
	else
		n->run = 0;
	if (!n->over && n->depth + n->run > CSRC_MAX_NESTING) {
		n->over = true;
		n->at = i;
	}
}

/* Blank [i, j) except newlines, so lines and offsets stay put. */
static void blank(char *t, size_t i, size_t j)
{
	for (; i < j; i++)
		if (t[i] != '\n')
			t[i] = ' ';
}

/* Index just past a quoted literal starting at i (t[i] is the quote). */
static size_t skip_quoted(const char *t, size_t len, size_t i)
{
	char q = t[i++];

	while (i < len && t[i] != q && t[i] != '\n') {
		if (t[i] == '\\' && i + 1 < len)
			i++;
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Index just past a comment starting at i, or i when there is none. */
static size_t skip_comment(const char *t, size_t len, size_t i)
{
	const char *end;

	if (i + 1 >= len || t[i] != '/')
		return i;
	if (t[i + 1] == '/') {
		end = memchr(t + i, '\n', len - i);
		return end ? (size_t)(end - t) : len;
	}
	if (t[i + 1] != '*')
		return i;
	end = memmem(t + i + 2, len - i - 2, "*/", 2);
	return end ? (size_t)(end - t) + 2 : len;
}

/* Blank a balanced argument list starting at or after i; return its end. */
static size_t blank_args(char *t, size_t len, size_t i)
{
	size_t j = i, depth = 0;

	while (j < len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	if (j >= len || t[j] != '(')
		return i;
	for (; j < len; j++) {
		if (t[j] == '"' || t[j] == '\'') {
			j = skip_quoted(t, len, j) - 1;
		} else if (t[j] == '(') {
			depth++;
		} else if (t[j] == ')' && --depth == 0) {
			j++;
			break;
		}
	}
	blank(t, i, j);
	return j;
}

/* True when the physical line holding i ends with a line continuation. */
static bool line_continues(const char *t, size_t len, size_t i)
{
	const char *nl = memchr(t + i, '\n', len - i);
	size_t e = nl ? (size_t)(nl - t) : len;

	while (e > i && t[e - 1] == '\r')
		e--;
	return nl && e > i && t[e - 1] == '\\';
}

/*
 * Skip a preprocessor directive from its '#' (macro bodies are opaque to
 * tree-sitter: nothing in them is blanked). A comment followed by a line
 * continuation is blanked, as tree-sitter loses the macro around it. The
 * directive's own nesting (a #if expression) is checked apart from the
 * code around it.
 */
static size_t skip_directive(char *t, size_t len, size_t i, struct nesting *n)
{
	struct nesting saved = *n;
	size_t j;

	n->depth = 0;
	n->run = 0;
	while (i < len && t[i] != '\n') {
		if (t[i] == '\\' && i + 1 < len && t[i + 1] == '\n') {
			i += 2;
		} else if (t[i] == '"' || t[i] == '\'') {
			i = skip_quoted(t, len, i);
		} else if ((j = skip_comment(t, len, i)) != i) {
			if (t[i + 1] == '*' && line_continues(t, len, j))
				blank(t, i, j);
			i = j;
		} else {
			nest_char(n, t, i);
			i++;
		}
	}
	n->depth = saved.depth;
	n->run = saved.run;
	return i;
}

/* The 1-based line of byte at, counted (only for an error message). */
static size_t line_number(const char *t, size_t at)
{
	size_t line = 1;
	const char *p = t, *end = t + at, *nl;

	while ((nl = memchr(p, '\n', end - p))) {
		line++;
		p = nl + 1;
	}
	return line;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/*
 * Blank the annotations, in one pass that also measures the nesting and
 * the runs of comments. Returns 0, or MMR_ELIMIT past CSRC_MAX_NESTING or
 * CSRC_MAX_COMMENT_RUN (the rest is not blanked).
 */
static int blank_annotations(char *t, size_t len)
{
	struct nesting nest = { 0 };
	const struct annotation *a;
	bool line_start = true;
	size_t i = 0, j, comments = 0;

	while (i < len && !nest.over) {
		char c = t[i];
		size_t comment_end = c == '/' ? skip_comment(t, len, i) : i;

		if (comment_end == i && !is_space(c))
			comments = 0;
		if (c == '\n') {
			line_start = true;
			i++;
		} else if (c == ' ' || c == '\t') {
			i++;
		} else if (comment_end != i) {
			if (++comments > CSRC_MAX_COMMENT_RUN)
				return mmr_error_set(
					MMR_ELIMIT,
					"more than %d comments in a row at "
					"line %zu",
					CSRC_MAX_COMMENT_RUN,
					line_number(t, i));
			i = comment_end;
		} else if (c == '#' && line_start) {
			i = skip_directive(t, len, i, &nest);
		} else if (c == '"' || c == '\'') {
			i = skip_quoted(t, len, i);
			nest.run = 0;
			line_start = false;
		} else if (is_ident_start(c)) {
			for (j = i + 1; j < len && is_ident_char(t[j]); j++)
				;
			a = annotation_find(t + i, j - i);
			if (a) {
				blank(t, i, j);
				if (a->args)
					j = blank_args(t, len, j);
			}
			nest.run = 0;
			line_start = false;
			i = j;
		} else if (c >= '0' && c <= '9') {
			while (i < len && is_ident_char(t[i]))
				i++; /* 0x__init is a (bad) number */
			nest.run = 0;
			line_start = false;
		} else {
			nest_char(&nest, t, i);
			line_start = false;
			i++;
		}
	}
	if (nest.over)
		return mmr_error_set(MMR_ELIMIT,
				     "nesting deeper than %d at line %zu",
				     CSRC_MAX_NESTING, line_number(t, nest.at));
	return 0;
}

/* --- walking ------------------------------------------------------------- */

/* Visit n and its descendants in text order; visit returns false to prune. */
typedef bool (*visit_fn)(TSNode n, void *arg);

static void walk_range(TSNode root, uint32_t start, uint32_t end,
		       visit_fn visit, void *arg)
{
	TSTreeCursor cur = ts_tree_cursor_new(root);

	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&cur);

		/* Jump to the first child reaching start: no sibling walk. */
		if (visit(n, arg) &&
		    ts_tree_cursor_goto_first_child_for_byte(&cur, start) >= 0)
			continue;
		for (;;) {
			if (ts_tree_cursor_goto_next_sibling(&cur)) {
				TSNode next = ts_tree_cursor_current_node(&cur);

				if (ts_node_start_byte(next) < end)
					break;
			}
			if (!ts_tree_cursor_goto_parent(&cur))
				goto out;
		}
	}
out:
	ts_tree_cursor_delete(&cur);
}

static void walk(TSNode root, visit_fn visit, void *arg)
{
	walk_range(root, 0, UINT32_MAX, visit, arg);
}

static uint32_t child_count(TSNode n)
{
	return ts_node_is_null(n) ? 0 : ts_node_child_count(n);
}

static bool count_errors(TSNode n, void *arg)
{
	struct csrc *cs = arg;

	if (ts_node_is_missing(n))
		cs->nmissing++;
	else if (ts_node_symbol(n) == (TSSymbol)-1)
		cs->nerrors++;
	return ts_node_has_error(n);
}

/* --- lines --------------------------------------------------------------- */

static void build_lines(struct csrc *cs)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < cs->len; i++)
		if (cs->text[i] == '\n')
			n++;
	if (cs->len && cs->text[cs->len - 1] != '\n')
		n++;
	cs->nlines = n;
	cs->line_starts = xmalloc((n + 1) * sizeof(*cs->line_starts));
	cs->line_starts[0] = 0;
	n = 1;
	for (i = 0; i < cs->len; i++)
		if (cs->text[i] == '\n' && n < cs->nlines)
			cs->line_starts[n++] = i + 1;
}

unsigned csrc_nlines(const struct csrc *cs)
{
	return cs->nlines;
}

unsigned csrc_line_of(const struct csrc *cs, uint32_t byte)
{
	unsigned lo = 0, hi = cs->nlines;

	if (!cs->nlines)
		return 1;
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (cs->line_starts[mid] <= byte)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

uint32_t csrc_line_start(const struct csrc *cs, unsigned line)
{
	if (line == 0)
		return 0;
	if (line > cs->nlines)
		return cs->len;
	return cs->line_starts[line - 1];
}

unsigned csrc_column_of(const struct csrc *cs, uint32_t byte)
{
	return byte - csrc_line_start(cs, csrc_line_of(cs, byte)) + 1;
}

/* Last line of a node: a node ending in a newline ends on the line before. */
static unsigned end_line_of(const struct csrc *cs, uint32_t start, uint32_t end)
{
	return csrc_line_of(cs, end > start ? end - 1 : end);
}

/* --- definitions --------------------------------------------------------- */

struct def_name {
	uint32_t off, len;
};

struct collect {
	struct csrc *cs;
	struct def_name *names;
	size_t alloc;
	size_t names_len;
	bool full;
};

/* The identifier a declarator declares, or a null node. */
static TSNode declarator_name(TSNode d)
{
	unsigned depth;

	for (depth = 0; depth < 64 && !ts_node_is_null(d); depth++) {
		const char *t = csrc_node_type(d);

		if (!strcmp(t, "identifier") || !strcmp(t, "type_identifier") ||
		    !strcmp(t, "field_identifier") ||
		    !strcmp(t, "primitive_type"))
			return d;
		if (!strcmp(t, "parenthesized_declarator") ||
		    !strcmp(t, "attributed_declarator"))
			d = csrc_node_named_child(d, 0);
		else
			d = csrc_node_field(d, "declarator");
	}
	return (TSNode){ 0 };
}

static int tag_kind(TSNode n)
{
	const char *t = csrc_node_type(n);

	if (!strcmp(t, "struct_specifier"))
		return CSRC_STRUCT;
	if (!strcmp(t, "union_specifier"))
		return CSRC_UNION;
	if (!strcmp(t, "enum_specifier"))
		return CSRC_ENUM;
	return -1;
}

/* The kind and name node of a definition node; kind < 0 if it is none. */
static int def_kind(TSNode n, TSNode *name)
{
	const char *t = csrc_node_type(n);
	TSNode type;
	int kind;

	*name = (TSNode){ 0 };
	if (!strcmp(t, "function_definition")) {
		*name = declarator_name(csrc_node_field(n, "declarator"));
		return CSRC_FUNCTION;
	}
	if (!strcmp(t, "preproc_def") || !strcmp(t, "preproc_function_def")) {
		*name = csrc_node_field(n, "name");
		return strcmp(t, "preproc_def") ? CSRC_FUNC_MACRO : CSRC_MACRO;
	}
	if (!strcmp(t, "type_definition")) {
		*name = declarator_name(csrc_node_field(n, "declarator"));
		return CSRC_TYPEDEF;
	}
	kind = tag_kind(n);
	if (kind >= 0) {
		if (ts_node_is_null(csrc_node_field(n, "body")))
			return -1;
		*name = csrc_node_field(n, "name");
		return kind;
	}
	if (strcmp(t, "declaration"))
		return -1;
	*name = declarator_name(csrc_node_field(n, "declarator"));
	type = csrc_node_field(n, "type");
	kind = tag_kind(type);
	if (ts_node_is_null(*name) && kind >= 0 &&
	    !ts_node_is_null(csrc_node_field(type, "body"))) {
		*name = csrc_node_field(type, "name");
		return kind;
	}
	return CSRC_DECL;
}

static bool is_container(TSNode n)
{
	const char *t = csrc_node_type(n);

	return !strncmp(t, "preproc_if", 10) || !strncmp(t, "preproc_el", 10) ||
	       !strcmp(t, "linkage_specification") ||
	       !strcmp(t, "declaration_list") ||
	       ts_node_symbol(n) == (TSSymbol)-1;
}

static void add_def(struct collect *co, TSNode n, uint32_t start, int kind,
		    TSNode name, uint32_t doc_start)
{
	struct csrc *cs = co->cs;
	struct csrc_def *d;
	struct def_name *nm;

	if (cs->ndefs >= CSRC_MAX_DEFS) {
		co->full = true;
		return;
	}
	XGROW(cs->defs, co->alloc, cs->ndefs + 1);
	co->names = xrealloc(co->names, co->alloc * sizeof(*co->names));
	d = &cs->defs[cs->ndefs];
	nm = &co->names[cs->ndefs++];
	d->kind = kind;
	d->name = "";
	d->node = n;
	d->start = start;
	d->end = ts_node_end_byte(n);
	d->start_line = csrc_line_of(cs, d->start);
	d->end_line = end_line_of(cs, d->start, d->end);
	d->doc_start = doc_start < d->start ? doc_start : d->start;
	d->doc_line = csrc_line_of(cs, d->doc_start);
	nm->off = 0;
	nm->len = 0;
	if (!ts_node_is_null(name)) {
		nm->off = ts_node_start_byte(name);
		nm->len = ts_node_end_byte(name) - nm->off;
		co->names_len += nm->len + 1;
	}
}

/* A run of comments directly above the next sibling. */
struct doc_run {
	bool active;
	uint32_t start;
	unsigned end_line;
	unsigned prev_end_line; /* last line of the previous non-comment */
};

static void doc_comment(const struct csrc *cs, struct doc_run *run, TSNode n)
{
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	unsigned sl = csrc_line_of(cs, s);

	if (run->active && sl <= run->end_line + 1) {
		run->end_line = end_line_of(cs, s, e);
	} else if (sl != run->prev_end_line) {
		run->active = true;
		run->start = s;
		run->end_line = end_line_of(cs, s, e);
	} else {
		run->active = false;
	}
}

/*
 * "SYSCALL_DEFINE3(mprotect, unsigned long, start, ...)" parses as a call
 * statement followed by a block: the name of such a macro-made function is
 * its first argument for SYSCALL_DEFINEn, else the macro's name.
 */
static bool macro_function_head(const struct csrc *cs, TSNode n, TSNode *name)
{
	TSNode call, first;
	uint32_t off;

	if (!csrc_node_is(n, "expression_statement"))
		return false;
	call = csrc_node_named_child(n, 0);
	if (!csrc_node_is(call, "call_expression") ||
	    ts_node_start_byte(call) != ts_node_start_byte(n) ||
	    csrc_column_of(cs, ts_node_start_byte(n)) != 1)
		return false;
	*name = csrc_node_field(call, "function");
	if (!csrc_node_is(*name, "identifier"))
		return false;
	off = ts_node_start_byte(*name);
	if (!strncmp(cs->text + off, "COMPAT_", 7))
		off += 7;
	first = csrc_node_named_child(csrc_node_field(call, "arguments"), 0);
	if (!strncmp(cs->text + off, "SYSCALL_DEFINE", 14) &&
	    csrc_node_is(first, "identifier"))
		*name = first;
	return true;
}

static bool is_specifier(TSNode n)
{
	static const char *const types[] = {
		"storage_class_specifier", "type_qualifier",
		"primitive_type",	   "type_identifier",
		"sized_type_specifier",	   "struct_specifier",
		"union_specifier",	   "enum_specifier",
		"attribute_specifier",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (csrc_node_is(n, types[i]))
			return true;
	return false;
}

/* A function's declarator, possibly under pointer declarators. */
static bool is_function_declarator(TSNode d)
{
	unsigned depth;

	for (depth = 0; depth < 16 && csrc_node_is(d, "pointer_declarator");
	     depth++)
		d = csrc_node_field(d, "declarator");
	return csrc_node_is(d, "function_declarator");
}

/* State of one list of siblings. */
struct level {
	TSNode parent;
	struct doc_run run;
	TSNode head, head_name; /* a macro-made function's head */
	uint32_t head_doc;
	bool in_spec; /* after specifiers, inside an ERROR */
	uint32_t spec_start, spec_doc;
};

static void collect_defs(struct collect *co, TSNode parent, unsigned depth,
			 const struct doc_run *inherit);

/*
 * In an ERROR node, "static bool foo(args) {" followed by statements is a
 * function whose end tree-sitter lost: it spans to the ERROR's end.
 */
static bool error_function(struct collect *co, struct level *lv, TSNode n,
			   uint32_t doc_start)
{
	TSNode next;

	if (ts_node_symbol(lv->parent) != (TSSymbol)-1 ||
	    !is_function_declarator(n))
		return false;
	next = ts_node_next_sibling(n);
	if (!csrc_node_is(next, "{"))
		return false;
	if (!lv->in_spec) {
		lv->spec_start = ts_node_start_byte(n);
		lv->spec_doc = doc_start;
	}
	add_def(co, lv->parent, lv->spec_start, CSRC_FUNCTION,
		declarator_name(n), lv->spec_doc);
	return true;
}

static void collect_child(struct collect *co, struct level *lv, TSNode n,
			  unsigned depth)
{
	uint32_t s = ts_node_start_byte(n);
	bool doc = lv->run.active &&
		   lv->run.end_line + 1 >= csrc_line_of(co->cs, s);
	uint32_t doc_start = doc ? lv->run.start : s;
	struct doc_run inherit = lv->run;
	TSNode name;
	int kind = def_kind(n, &name);

	if (kind >= 0)
		add_def(co, n, s, kind, name, doc_start);
	else if (!ts_node_is_null(lv->head) &&
		 csrc_node_is(n, "compound_statement"))
		add_def(co, n, ts_node_start_byte(lv->head), CSRC_FUNCTION,
			lv->head_name, lv->head_doc);
	else if (!error_function(co, lv, n, doc_start) && is_container(n))
		collect_defs(co, n, depth + 1, doc ? &inherit : NULL);
	lv->head = (TSNode){ 0 };
	if (macro_function_head(co->cs, n, &lv->head_name)) {
		lv->head = n;
		lv->head_doc = doc_start;
	}
	if (is_specifier(n) && !lv->in_spec) {
		lv->spec_start = s;
		lv->spec_doc = doc_start;
	}
	lv->in_spec = is_specifier(n);
	lv->run.active = false;
	lv->run.prev_end_line = end_line_of(co->cs, s, ts_node_end_byte(n));
}

/*
 * Definitions among parent's children, and inside the #if blocks, extern
 * "C" blocks and ERROR nodes among them. inherit: the comment run above
 * parent, which documents a definition at its very start.
 */
static void collect_defs(struct collect *co, TSNode parent, unsigned depth,
			 const struct doc_run *inherit)
{
	struct level lv = { .parent = parent };
	TSTreeCursor cur;
	TSNode n;

	if (depth > CSRC_MAX_DEPTH)
		return;
	if (inherit && ts_node_symbol(parent) == (TSSymbol)-1)
		lv.run = *inherit;
	cur = ts_tree_cursor_new(parent);
	if (!ts_tree_cursor_goto_first_child(&cur))
		goto out;
	do {
		n = ts_tree_cursor_current_node(&cur);
		if (!ts_node_is_named(n))
			continue;
		if (csrc_node_is(n, "comment"))
			doc_comment(co->cs, &lv.run, n);
		else
			collect_child(co, &lv, n, depth);
	} while (ts_tree_cursor_goto_next_sibling(&cur) && !co->full);
out:
	ts_tree_cursor_delete(&cur);
}

static void build_defs(struct csrc *cs)
{
	struct collect co = { .cs = cs };
	char *p;
	size_t i;

	collect_defs(&co, ts_tree_root_node(cs->tree), 0, NULL);
	cs->names = xmalloc(co.names_len + 1);
	p = cs->names;
	for (i = 0; i < cs->ndefs; i++) {
		if (!co.names[i].len)
			continue;
		memcpy(p, cs->text + co.names[i].off, co.names[i].len);
		p[co.names[i].len] = '\0';
		cs->defs[i].name = p;
		p += co.names[i].len + 1;
	}
	free(co.names);
}

/* --- parsing ------------------------------------------------------------- */

static int parse_text(struct csrc *cs)
{
	TSParser *parser = ts_parser_new();
	int err = 0;

	if (!parser || !ts_parser_set_language(parser, tree_sitter_c())) {
		err = mmr_error_set(MMR_EIO, "cannot load the C grammar");
		goto cleanup;
	}
	ts_parser_set_timeout_micros(parser, CSRC_MAX_PARSE_MICROS);
	cs->tree = ts_parser_parse_string(parser, NULL, cs->text, cs->len);
	/* Without a cancellation flag, only the timeout stops a parse. */
	if (!cs->tree)
		err = mmr_error_set(MMR_ELIMIT,
				    "parsing took longer than %llu s",
				    CSRC_MAX_PARSE_MICROS / 1000000);
cleanup:
	if (parser)
		ts_parser_delete(parser);
	return err;
}

/* Spaces for every byte outside the ranges, lines and offsets kept. */
static void blank_outside(char *t, size_t len, const struct csrc_range *keep,
			  size_t nkeep)
{
	size_t i, k = 0;

	for (i = 0; i < len; i++) {
		while (k < nkeep && keep[k].end <= i)
			k++;
		if ((k == nkeep || i < keep[k].start) && t[i] != '\n')
			t[i] = ' ';
	}
}

int csrc_parse(struct csrc **out, const char *text, size_t len)
{
	return csrc_parse_ranges(out, text, len, NULL, 0);
}

int csrc_parse_ranges(struct csrc **out, const char *text, size_t len,
		      const struct csrc_range *keep, size_t nkeep)
{
	struct csrc *cs;
	int err;

	assert(out && (text || !len));
	*out = NULL;
	if (len > CSRC_MAX_INPUT)
		return mmr_error_set(MMR_ELIMIT,
				     "C source of %zu bytes exceeds %zu", len,
				     CSRC_MAX_INPUT);
	cs = xcalloc(1, sizeof(*cs));
	cs->text = xmalloc(len + 1);
	if (len)
		memcpy(cs->text, text, len);
	cs->text[len] = '\0';
	cs->len = len;
	if (keep)
		blank_outside(cs->text, len, keep, nkeep);
	err = blank_annotations(cs->text, len);
	if (err < 0)
		goto cleanup;
	build_lines(cs);
	err = parse_text(cs);
	if (err < 0)
		goto cleanup;
	walk(ts_tree_root_node(cs->tree), count_errors, cs);
	build_defs(cs);
	*out = cs;
	return 0;
cleanup:
	csrc_free(cs);
	return err;
}

void csrc_free(struct csrc *cs)
{
	if (!cs)
		return;
	if (cs->tree)
		ts_tree_delete(cs->tree);
	free(cs->text);
	free(cs->line_starts);
	free(cs->defs);
	free(cs->names);
	free(cs);
}

const char *csrc_text(const struct csrc *cs, size_t *len)
{
	if (len)
		*len = cs->len;
	return cs->text;
}

TSNode csrc_root(const struct csrc *cs)
{
	return ts_tree_root_node(cs->tree);
}

void csrc_errors(const struct csrc *cs, size_t *errors, size_t *missing)
{
	if (errors)
		*errors = cs->nerrors;
	if (missing)
		*missing = cs->nmissing;
}

char *csrc_node_text(const struct csrc *cs, TSNode n)
{
	uint32_t s, e;

	/* The offsets of a null node are read through a null pointer. */
	if (ts_node_is_null(n))
		return xstrdup("");
	s = ts_node_start_byte(n);
	e = ts_node_end_byte(n);
	if (e > cs->len || s > e)
		return xstrdup("");
	return xstrndup(cs->text + s, e - s);
}

bool csrc_node_eq(const struct csrc *cs, TSNode n, const char *s)
{
	uint32_t b, e;

	if (ts_node_is_null(n))
		return false;
	b = ts_node_start_byte(n);
	e = ts_node_end_byte(n);
	return e <= cs->len && strlen(s) == e - b &&
	       !memcmp(cs->text + b, s, e - b);
}

size_t csrc_defs(const struct csrc *cs, const struct csrc_def **defs)
{
	*defs = cs->defs;
	return cs->ndefs;
}

const struct csrc_def *csrc_def_at(const struct csrc *cs, uint32_t byte)
{
	const struct csrc_def *best = NULL;
	size_t lo = 0, hi = cs->ndefs, i, k;

	/* The last def starting at or before byte, then a few before it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cs->defs[mid].start <= byte)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo, k = 0; i > 0 && k < 16; i--, k++) {
		const struct csrc_def *d = &cs->defs[i - 1];

		if (byte >= d->start && byte < d->end &&
		    (!best || d->end - d->start < best->end - best->start))
			best = d;
	}
	return best;
}

const struct csrc_def *csrc_def_find(const struct csrc *cs, const char *name,
				     int kind)
{
	size_t i;

	for (i = 0; i < cs->ndefs; i++)
		if ((kind < 0 || (int)cs->defs[i].kind == kind) &&
		    !strcmp(cs->defs[i].name, name))
			return &cs->defs[i];
	return NULL;
}

/* --- conditions, comments, nodes ----------------------------------------- */

static TSNode strip_parens(TSNode n)
{
	unsigned depth;

	for (depth = 0; depth < 256 && !ts_node_is_null(n) &&
			csrc_node_is(n, "parenthesized_expression");
	     depth++) {
		TSNode inner = csrc_node_named_child(n, 0);

		if (ts_node_is_null(inner))
			break;
		n = inner;
	}
	return n;
}

static bool is_boolean_looking(TSNode e)
{
	static const char *const ops[] = { "&&", "||", "&",  "==", "!=",
					   "<",	 ">",  "<=", ">=" };
	const char *t = csrc_node_type(e), *op;
	size_t i;

	if (!strcmp(t, "call_expression") || !strcmp(t, "field_expression"))
		return true;
	if (strcmp(t, "binary_expression") && strcmp(t, "unary_expression"))
		return false;
	op = csrc_node_type(csrc_node_field(e, "operator"));
	if (t[0] == 'u')
		return !strcmp(op, "!");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i]))
			return true;
	return false;
}

struct range_walk {
	const struct csrc *cs;
	uint32_t start, end;
	const char *type; /* for csrc_find_nodes */
	void *items;
	size_t n, alloc;
};

static bool overlaps(const struct range_walk *w, TSNode n)
{
	return ts_node_end_byte(n) > w->start && ts_node_start_byte(n) < w->end;
}

static bool cond_of(TSNode n, enum csrc_cond_kind *kind, TSNode *expr)
{
	static const struct {
		const char *type;
		enum csrc_cond_kind kind;
	} stmts[] = {
		{ "if_statement", CSRC_COND_IF },
		{ "while_statement", CSRC_COND_WHILE },
		{ "do_statement", CSRC_COND_DO },
		{ "for_statement", CSRC_COND_FOR },
		{ "switch_statement", CSRC_COND_SWITCH },
		{ "conditional_expression", CSRC_COND_TERNARY },
	};
	const char *t = csrc_node_type(n);
	size_t i;

	if (!strcmp(t, "return_statement")) {
		*kind = CSRC_COND_RETURN;
		*expr = strip_parens(csrc_node_named_child(n, 0));
		return !ts_node_is_null(*expr) && is_boolean_looking(*expr);
	}
	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		if (strcmp(t, stmts[i].type))
			continue;
		*kind = stmts[i].kind;
		*expr = strip_parens(csrc_node_field(n, "condition"));
		return !ts_node_is_null(*expr);
	}
	return false;
}

static bool visit_cond(TSNode n, void *arg)
{
	struct range_walk *w = arg;
	struct csrc_cond *conds;
	enum csrc_cond_kind kind;
	TSNode expr;
	uint32_t s;

	if (!overlaps(w, n))
		return false;
	if (!cond_of(n, &kind, &expr))
		return true;
	s = ts_node_start_byte(expr);
	if (s < w->start || s >= w->end)
		return true;
	conds = w->items;
	XGROW(conds, w->alloc, w->n + 1);
	conds[w->n].kind = kind;
	conds[w->n].stmt = n;
	conds[w->n].expr = expr;
	w->items = conds;
	w->n++;
	return true;
}

static int cond_cmp(const void *a, const void *b)
{
	const struct csrc_cond *x = a, *y = b;
	uint32_t xs = ts_node_start_byte(x->expr);
	uint32_t ys = ts_node_start_byte(y->expr);

	if (xs != ys)
		return xs < ys ? -1 : 1;
	xs = ts_node_start_byte(x->stmt);
	ys = ts_node_start_byte(y->stmt);
	return xs < ys ? -1 : xs > ys;
}

size_t csrc_conditions(const struct csrc *cs, uint32_t start, uint32_t end,
		       struct csrc_cond **out)
{
	struct range_walk w = { .cs = cs, .start = start, .end = end };

	if (start < end)
		walk_range(csrc_root(cs), start, end, visit_cond, &w);
	if (w.n > 1)
		qsort(w.items, w.n, sizeof(struct csrc_cond), cond_cmp);
	*out = w.items ? w.items : xmalloc(1);
	return w.n;
}

static bool visit_comment(TSNode n, void *arg)
{
	struct range_walk *w = arg;
	struct csrc_comment *c;
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);

	if (!overlaps(w, n))
		return false;
	if (!csrc_node_is(n, "comment"))
		return true;
	if (s < w->start)
		return false;
	c = w->items;
	XGROW(c, w->alloc, w->n + 1);
	c[w->n].start = s;
	c[w->n].end = e;
	c[w->n].start_line = csrc_line_of(w->cs, s);
	c[w->n].end_line = end_line_of(w->cs, s, e);
	w->items = c;
	w->n++;
	return false;
}

size_t csrc_comments(const struct csrc *cs, uint32_t start, uint32_t end,
		     struct csrc_comment **out)
{
	struct range_walk w = { .cs = cs, .start = start, .end = end };

	if (start < end)
		walk_range(csrc_root(cs), start, end, visit_comment, &w);
	*out = w.items ? w.items : xmalloc(1);
	return w.n;
}

static bool visit_type(TSNode n, void *arg)
{
	struct range_walk *w = arg;
	TSNode *nodes;

	if (!csrc_node_is(n, w->type))
		return true;
	nodes = w->items;
	XGROW(nodes, w->alloc, w->n + 1);
	nodes[w->n++] = n;
	w->items = nodes;
	return true;
}

size_t csrc_find_nodes(const struct csrc *cs, TSNode n, const char *type,
		       TSNode **out)
{
	struct range_walk w = { .cs = cs, .type = type };

	if (!ts_node_is_null(n))
		walk(n, visit_type, &w);
	*out = w.items ? w.items : xmalloc(1);
	return w.n;
}

/* --- expressions and expansions ------------------------------------------ */

#define EXPR_PREFIX "int __mmr_expr = ("
#define EXPR_SUFFIX "\n);\n"

int csrc_parse_expression(struct csrc **out, TSNode *expr, const char *text,
			  size_t len)
{
	const size_t plen = sizeof(EXPR_PREFIX) - 1;
	struct sbuf sb = SBUF_INIT;
	struct csrc *cs = NULL;
	TSNode root, decl, paren;
	int err;

	*out = NULL;
	*expr = (TSNode){ 0 };
	if (len > CSRC_MAX_INPUT - 64)
		return mmr_error_set(MMR_ELIMIT, "expression too long");
	sbuf_init(&sb, 0);
	sbuf_addstr(&sb, EXPR_PREFIX);
	sbuf_add(&sb, text, len);
	sbuf_addstr(&sb, EXPR_SUFFIX);
	err = csrc_parse(&cs, sb.buf, sb.len);
	if (err < 0)
		goto cleanup;
	root = csrc_root(cs);
	decl = csrc_node_named_child(root, 0);
	paren = csrc_node_field(csrc_node_field(decl, "declarator"), "value");
	if (ts_node_has_error(root) || csrc_node_named_count(root) != 1 ||
	    !csrc_node_is(paren, "parenthesized_expression") ||
	    ts_node_start_byte(paren) != plen - 1 ||
	    ts_node_end_byte(paren) != plen + len + 2) {
		err = mmr_error_set(MMR_EINVAL, "not one C expression: '%.*s'",
				    (int)(len > 80 ? 80 : len), text);
		goto cleanup;
	}
	*expr = strip_parens(paren);
	*out = cs;
	cs = NULL;
cleanup:
	csrc_free(cs);
	sbuf_release(&sb);
	return err;
}

/*
 * A definition's text as one line: comments dropped, line continuations
 * joined, whitespace runs outside literals made one space, trimmed.
 */
static char *normalize(const char *t, size_t len)
{
	struct sbuf sb = SBUF_INIT;
	bool space = false;
	size_t i = 0, j;

	sbuf_init(&sb, 0);
	while (i < len) {
		char c = t[i];

		if (c == '/' && (j = skip_comment(t, len, i)) != i) {
			space = true;
			i = j;
		} else if (c == '\\' && i + 1 < len && t[i + 1] == '\n') {
			space = true;
			i += 2;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			i++;
		} else {
			if (space && sb.len)
				sbuf_addch(&sb, ' ');
			space = false;
			j = (c == '"' || c == '\'') ? skip_quoted(t, len, i) :
						      i + 1;
			sbuf_add(&sb, t + i, j - i);
			i = j;
		}
	}
	return sbuf_detach(&sb, NULL);
}

static char *node_normalized(const struct csrc *cs, TSNode n)
{
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);

	return normalize(cs->text + s, e - s);
}

static bool add_param(const struct csrc *cs, struct csrc_expansion *e,
		      TSNode name)
{
	size_t max = sizeof(e->params) / sizeof(e->params[0]);

	if (e->nparams >= max)
		return false;
	e->params[e->nparams++] = csrc_node_text(cs, name);
	return true;
}

static bool macro_params(const struct csrc *cs, TSNode params,
			 struct csrc_expansion *e)
{
	uint32_t i, n = child_count(params);

	for (i = 0; i < n; i++) {
		TSNode p = ts_node_child(params, i);

		if (csrc_node_is(p, "identifier") || csrc_node_is(p, "..."))
			if (!add_param(cs, e, p))
				return false;
	}
	return true;
}

static bool has_storage(const struct csrc *cs, TSNode fn, const char *word)
{
	uint32_t i, n = csrc_node_named_count(fn);

	for (i = 0; i < n; i++) {
		TSNode c = csrc_node_named_child(fn, i);

		if (csrc_node_is(c, "storage_class_specifier") &&
		    csrc_node_eq(cs, c, word))
			return true;
	}
	return false;
}

/* The returned expression of a body that is exactly "{ return expr; }". */
static TSNode single_return(TSNode fn)
{
	TSNode body = csrc_node_field(fn, "body"), st = { 0 };
	uint32_t i, n = csrc_node_named_count(body);

	for (i = 0; i < n; i++) {
		TSNode c = csrc_node_named_child(body, i);

		if (csrc_node_is(c, "comment"))
			continue;
		if (!ts_node_is_null(st))
			return (TSNode){ 0 };
		st = c;
	}
	if (ts_node_is_null(st) || !csrc_node_is(st, "return_statement") ||
	    ts_node_has_error(st))
		return (TSNode){ 0 };
	return csrc_node_named_child(st, 0);
}

static bool function_params(const struct csrc *cs, TSNode fn,
			    struct csrc_expansion *e)
{
	TSNode d = csrc_node_field(fn, "declarator");
	TSNode params = { 0 };
	uint32_t i, n;
	unsigned depth;

	for (depth = 0; depth < 64 && !ts_node_is_null(d); depth++) {
		if (csrc_node_is(d, "function_declarator")) {
			params = csrc_node_field(d, "parameters");
			break;
		}
		d = csrc_node_is(d, "parenthesized_declarator") ?
			    csrc_node_named_child(d, 0) :
			    csrc_node_field(d, "declarator");
	}
	n = csrc_node_named_count(params);
	for (i = 0; i < n; i++) {
		TSNode p = csrc_node_named_child(params, i), name;

		if (csrc_node_is(p, "variadic_parameter"))
			name = p;
		else if (csrc_node_is(p, "parameter_declaration"))
			name = declarator_name(
				csrc_node_field(p, "declarator"));
		else
			continue;
		if (ts_node_is_null(name))
			continue; /* (void) or an unnamed parameter */
		if (!add_param(cs, e, name))
			return false;
	}
	return true;
}

/* Fill e from d when d is a macro or a one-return static function. */
static bool expansion_of(const struct csrc *cs, const struct csrc_def *d,
			 struct csrc_expansion *e)
{
	TSNode value;

	memset(e, 0, sizeof(*e));
	e->kind = d->kind;
	e->line = d->start_line;
	if (d->kind == CSRC_MACRO || d->kind == CSRC_FUNC_MACRO) {
		if (d->kind == CSRC_FUNC_MACRO &&
		    !macro_params(cs, csrc_node_field(d->node, "parameters"),
				  e))
			goto fail;
		value = csrc_node_field(d->node, "value");
		e->body = ts_node_is_null(value) ? xstrdup("") :
						   node_normalized(cs, value);
		return true;
	}
	if (d->kind != CSRC_FUNCTION || !has_storage(cs, d->node, "static"))
		return false;
	value = single_return(d->node);
	if (ts_node_is_null(value) || !function_params(cs, d->node, e))
		goto fail;
	e->body = node_normalized(cs, value);
	return true;
fail:
	csrc_expansion_release(e);
	return false;
}

int csrc_expansion_find(const struct csrc *cs, const char *name,
			struct csrc_expansion *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cs->ndefs; i++) {
		const struct csrc_def *d = &cs->defs[i];

		if (name && *name && strcmp(d->name, name))
			continue;
		if (expansion_of(cs, d, out))
			return 0;
	}
	return mmr_error_set(MMR_ENOTFOUND, "no macro or helper '%s'",
			     name ? name : "");
}

int csrc_expansion_parse(const char *text, size_t len, const char *name,
			 struct csrc_expansion *out)
{
	struct csrc *cs;
	int err;

	memset(out, 0, sizeof(*out));
	err = csrc_parse(&cs, text, len);
	if (err < 0)
		return err;
	err = csrc_expansion_find(cs, name, out);
	csrc_free(cs);
	return err;
}

void csrc_expansion_release(struct csrc_expansion *e)
{
	unsigned i;

	if (!e)
		return;
	for (i = 0; i < e->nparams; i++)
		free(e->params[i]);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

/* --- node access ----------------------------------------------------------- */

bool csrc_node_is_null(TSNode n)
{
	return ts_node_is_null(n);
}

const char *csrc_node_type(TSNode n)
{
	return ts_node_is_null(n) ? "" : ts_node_type(n);
}

bool csrc_node_is(TSNode n, const char *type)
{
	return !strcmp(csrc_node_type(n), type);
}

TSNode csrc_node_field(TSNode n, const char *name)
{
	if (ts_node_is_null(n))
		return n;
	return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name));
}

uint32_t csrc_node_named_count(TSNode n)
{
	return ts_node_is_null(n) ? 0 : ts_node_named_child_count(n);
}

TSNode csrc_node_named_child(TSNode n, uint32_t i)
{
	return ts_node_is_null(n) ? n : ts_node_named_child(n, i);
}

TSNode csrc_node_parent(TSNode n)
{
	return ts_node_is_null(n) ? n : ts_node_parent(n);
}

TSNode csrc_node_next_named_sibling(TSNode n)
{
	return ts_node_is_null(n) ? n : ts_node_next_named_sibling(n);
}

uint32_t csrc_node_start(TSNode n)
{
	return ts_node_is_null(n) ? 0 : ts_node_start_byte(n);
}

uint32_t csrc_node_end(TSNode n)
{
	return ts_node_is_null(n) ? 0 : ts_node_end_byte(n);
}

bool csrc_node_same(TSNode a, TSNode b)
{
	return ts_node_eq(a, b);
}

uintptr_t csrc_node_key(TSNode n)
{
	return (uintptr_t)n.id;
}

TSNode csrc_node_at(const struct csrc *cs, uint32_t start, uint32_t end)
{
	return ts_node_descendant_for_byte_range(csrc_root(cs), start, end);
}

static bool visit_type_in(TSNode n, void *arg)
{
	struct range_walk *w = arg;

	if (!overlaps(w, n))
		return false;
	if (csrc_node_start(n) >= w->start && csrc_node_end(n) <= w->end)
		visit_type(n, arg);
	return true;
}

size_t csrc_find_nodes_in(const struct csrc *cs, TSNode n, uint32_t start,
			  uint32_t end, const char *type, TSNode **out)
{
	struct range_walk w = {
		.cs = cs, .type = type, .start = start, .end = end
	};

	if (!ts_node_is_null(n) && start < end)
		walk_range(n, start, end, visit_type_in, &w);
	*out = w.items ? w.items : xmalloc(1);
	return w.n;
}

size_t csrc_node_named_children(TSNode n, TSNode **out)
{
	TSTreeCursor cur;
	size_t k = 0, alloc = 0;

	*out = NULL;
	if (ts_node_is_null(n))
		return 0;
	cur = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&cur)) {
		do {
			TSNode c = ts_tree_cursor_current_node(&cur);

			if (!ts_node_is_named(c))
				continue;
			XGROW(*out, alloc, k + 1);
			(*out)[k++] = c;
		} while (ts_tree_cursor_goto_next_sibling(&cur));
	}
	ts_tree_cursor_delete(&cur);
	return k;
}
