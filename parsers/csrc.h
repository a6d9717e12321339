/* SPDX-License-Identifier: GPL-2.0 */
/*
 * csrc: C source parsed with tree-sitter (the C grammar), made fit for
 * kernel code: annotations such as __init, __user, __rcu, __must_check are
 * blanked to spaces of the same length before parsing, so every byte
 * offset and line/column is that of the original text. Comments, strings
 * and preprocessor lines are left alone, except a comment followed by a
 * line continuation inside a #define, which is blanked too (tree-sitter
 * loses the macro around it).
 *
 * A struct csrc owns its copy of the text, the tree and every string or
 * array it hands out (valid until csrc_free()) unless a function says the
 * caller frees. Nodes (TSNode) are valid while the csrc lives.
 */
#ifndef MMR_CSRC_H
#define MMR_CSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tree_sitter/api.h>

/* Bytes of one file: tree-sitter needs some 60 bytes of memory a byte. */
#define CSRC_MAX_INPUT ((size_t)4 << 20)
#define CSRC_MAX_DEFS 100000
/*
 * Brackets ( [ { open at once, plus prefix operators (! ~ - + * &) in a
 * row, outside comments and literals (a #if line counts on its own).
 * Tree-sitter's time and memory grow fast with the nesting (3 million
 * "(" took 1 GB), so deeper input is refused before parsing; kernel code
 * stays far below.
 */
#define CSRC_MAX_NESTING 256
/*
 * Comments in a row, with nothing but white space between them:
 * tree-sitter 0.20.7 (Debian 12's) frees memory it did not allocate from
 * 65535 on, so longer runs are refused before parsing.
 */
#define CSRC_MAX_COMMENT_RUN 60000
/* Wall time one parse may take, a last guard (microseconds). */
#define CSRC_MAX_PARSE_MICROS (20ULL * 1000 * 1000)

struct csrc;

enum csrc_kind {
	CSRC_FUNCTION, /* function definition */
	CSRC_MACRO, /* #define NAME value */
	CSRC_FUNC_MACRO, /* #define NAME(args) value */
	CSRC_STRUCT,
	CSRC_UNION,
	CSRC_ENUM,
	CSRC_TYPEDEF,
	CSRC_DECL, /* a global or a prototype */
};

/*
 * A top-level definition (also inside #if/#ifdef blocks, extern "C" and
 * ERROR nodes). Two kinds of function tree-sitter does not see whole get
 * a def too: "SYSCALL_DEFINEn(name, ...) { }" (named by its first
 * argument, else by the macro; node is the body) and a function header
 * followed by "{" inside an ERROR node (node is the ERROR node, up to
 * whose end it spans).
 */
struct csrc_def {
	enum csrc_kind kind;
	const char *name; /* never NULL; "" when it has none */
	TSNode node;
	uint32_t start, end; /* bytes of the definition */
	unsigned start_line, end_line; /* 1-based, inclusive */
	/*
	 * Start of the comment block directly above it (no blank line
	 * between), or start when there is none.
	 */
	uint32_t doc_start;
	unsigned doc_line;
};

/*
 * Parse len bytes of C. Returns 0 and *out (free with csrc_free()), or
 * MMR_ELIMIT when len > CSRC_MAX_INPUT, when the text nests deeper than
 * CSRC_MAX_NESTING ("nesting deeper than 256 at line 12"), has more than
 * CSRC_MAX_COMMENT_RUN comments in a row, or when parsing
 * takes longer than CSRC_MAX_PARSE_MICROS, MMR_EIO when the grammar does
 * not load.
 * Syntax errors are not failures: see csrc_errors().
 */
int csrc_parse(struct csrc **out, const char *text, size_t len);
/* A byte range [start, end) of a text. */
struct csrc_range {
	uint32_t start, end;
};

/*
 * The same, for a part of the text: every byte outside the keep ranges
 * (sorted, not overlapping) is a space, lines and offsets kept, so the
 * tree holds only those parts (tree-sitter's memory follows the tokens,
 * not the bytes). csrc_text() returns the text so blanked. keep NULL
 * parses it all.
 */
int csrc_parse_ranges(struct csrc **out, const char *text, size_t len,
		      const struct csrc_range *keep, size_t nkeep);
/*
 * Parse a C expression (a macro body, a helper's return value) on its
 * own; *expr is its node. Returns as csrc_parse(); MMR_EINVAL when the
 * text is not one expression.
 */
int csrc_parse_expression(struct csrc **out, TSNode *expr, const char *text,
			  size_t len);
void csrc_free(struct csrc *cs);

/* The text as parsed (annotations blanked), NUL-terminated. */
const char *csrc_text(const struct csrc *cs, size_t *len);
TSNode csrc_root(const struct csrc *cs);
/* ERROR nodes and MISSING nodes in the tree. */
void csrc_errors(const struct csrc *cs, size_t *errors, size_t *missing);

unsigned csrc_nlines(const struct csrc *cs);
/* 1-based line of a byte offset. */
unsigned csrc_line_of(const struct csrc *cs, uint32_t byte);
/* Byte offset where a 1-based line starts (len for lines past the end). */
uint32_t csrc_line_start(const struct csrc *cs, unsigned line);
/* 1-based column (in bytes) of a byte offset. */
unsigned csrc_column_of(const struct csrc *cs, uint32_t byte);

/* Node text: a new NUL-terminated string the caller frees. */
char *csrc_node_text(const struct csrc *cs, TSNode n);
/* True when the node's text is exactly s. */
bool csrc_node_eq(const struct csrc *cs, TSNode n, const char *s);

/*
 * Node access. Nodes are tree-sitter's TSNode values, but outside this
 * module they are read only through these functions, which accept a null
 * node (tree-sitter 0.20 dereferences one): a null node has type "", no
 * children, no fields and offsets 0.
 */
bool csrc_node_is_null(TSNode n);
const char *csrc_node_type(TSNode n);
bool csrc_node_is(TSNode n, const char *type);
/* The child in field name ("left", "condition"), or a null node. */
TSNode csrc_node_field(TSNode n, const char *name);
uint32_t csrc_node_named_count(TSNode n);
TSNode csrc_node_named_child(TSNode n, uint32_t i);
TSNode csrc_node_parent(TSNode n);
TSNode csrc_node_next_named_sibling(TSNode n);
/* Byte offsets of the node in the csrc's text, end exclusive. */
uint32_t csrc_node_start(TSNode n);
uint32_t csrc_node_end(TSNode n);
/* The same node (not only the same span). */
bool csrc_node_same(TSNode a, TSNode b);
/* A number telling nodes of one tree apart, for sorting and hashing. */
uintptr_t csrc_node_key(TSNode n);
/* The smallest node spanning [start, end). */
TSNode csrc_node_at(const struct csrc *cs, uint32_t start, uint32_t end);
/*
 * Nodes of the given type under n that lie inside [start, end), in text
 * order, walking only the subtrees that reach into the range; *out is
 * caller-freed.
 */
size_t csrc_find_nodes_in(const struct csrc *cs, TSNode n, uint32_t start,
			  uint32_t end, const char *type, TSNode **out);

/* Top-level definitions in text order. */
size_t csrc_defs(const struct csrc *cs, const struct csrc_def **defs);
/* The innermost definition containing byte, or NULL. */
const struct csrc_def *csrc_def_at(const struct csrc *cs, uint32_t byte);
/* The first definition named name of the given kind (any kind if < 0). */
const struct csrc_def *csrc_def_find(const struct csrc *cs, const char *name,
				     int kind);

/* What a condition belongs to. */
enum csrc_cond_kind {
	CSRC_COND_IF,
	CSRC_COND_WHILE,
	CSRC_COND_DO,
	CSRC_COND_FOR,
	CSRC_COND_SWITCH,
	CSRC_COND_TERNARY,
	CSRC_COND_RETURN, /* return of a boolean-looking expression */
};

struct csrc_cond {
	enum csrc_cond_kind kind;
	TSNode stmt; /* the if/while/... statement or return */
	TSNode expr; /* the tested expression, parentheses stripped */
};

/*
 * Conditions whose tested expression starts inside [start, end), in text
 * order. *out is a new array the caller frees; returns the count.
 */
size_t csrc_conditions(const struct csrc *cs, uint32_t start, uint32_t end,
		       struct csrc_cond **out);

struct csrc_comment {
	uint32_t start, end;
	unsigned start_line, end_line;
};

/* Comments inside [start, end); *out is caller-freed. */
size_t csrc_comments(const struct csrc *cs, uint32_t start, uint32_t end,
		     struct csrc_comment **out);

/*
 * Nodes of the given type ("call_expression", "identifier",
 * "field_expression"...) under n, in text order; *out is caller-freed.
 */
size_t csrc_find_nodes(const struct csrc *cs, TSNode n, const char *type,
		       TSNode **out);

/*
 * A macro or a one-expression static inline helper, as a rule needs it to
 * see through a name: "#define VM_COPY_ON_FORK (VM_PFNMAP | VM_UFFD_WP)" or
 * "static inline bool userfaultfd_wp(struct vm_area_struct *vma)
 * { return vma->vm_flags & VM_UFFD_WP; }".
 */
struct csrc_expansion {
	enum csrc_kind kind; /* CSRC_MACRO, CSRC_FUNC_MACRO or CSRC_FUNCTION */
	unsigned nparams;
	char *params[16]; /* parameter names */
	char *body; /* the value / returned expression, continuations joined */
	unsigned line; /* where it is defined */
};

/*
 * Find name as a macro or one-expression static function in cs (the
 * first such definition: the #ifdef branch before its #else stub).
 * Function bodies are "{ return expr; }", comments aside. name NULL or ""
 * takes the first macro or helper of any name. Returns 0 and fills *out
 * (release with csrc_expansion_release()), or MMR_ENOTFOUND.
 */
int csrc_expansion_find(const struct csrc *cs, const char *name,
			struct csrc_expansion *out);
/*
 * The same from a definition's text alone (one "#define ..." or one
 * function); used for definitions found in a kernel tree by the caller.
 */
int csrc_expansion_parse(const char *text, size_t len, const char *name,
			 struct csrc_expansion *out);
void csrc_expansion_release(struct csrc_expansion *e);

/*
 * The named children of n, in order, in a new array the caller frees
 * (with a cursor: csrc_node_named_child(n, k) and the sibling functions
 * cost k steps each). Returns the count.
 */
size_t csrc_node_named_children(TSNode n, TSNode **out);

#endif
