// SPDX-License-Identifier: GPL-2.0
/*
 * fragment: hunks framed as C; see fragment.h. Each hunk is scanned with
 * a small lexer (comments, strings, brackets) on each side, the two
 * scans decide one frame, and each side is written out in that frame.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragment.h"
#include "sbuf.h"
#include "util.h"

#define FRAGMENT_MAX_NAME 128
#define FRAGMENT_MAX_SIGNATURES 4096 /* remembered per file and side */

/* --- one line at a time ------------------------------------------------- */

struct lex {
	bool comment; /* inside a block comment */
	bool directive; /* inside a preprocessor line continued with '\' */
};

/* What one line adds to the running balances. */
struct line_sum {
	int paren, brace; /* opened minus closed */
	int paren_low, brace_low; /* lowest running balance in the line */
	bool stray_close; /* a comment closer outside any comment */
	bool opens_comment; /* a comment opener outside any comment */
	bool code; /* something else than blanks and comments */
	bool directive;
};

/* Past a string or character literal starting at s[i]. */
static size_t skip_literal(const char *s, size_t n, size_t i)
{
	char q = s[i++];

	while (i < n && s[i] != q)
		i += s[i] == '\\' ? 2 : 1;
	return i;
}

static void count_bracket(struct line_sum *ls, char c)
{
	if (c == '(') {
		ls->paren++;
	} else if (c == ')') {
		if (--ls->paren < ls->paren_low)
			ls->paren_low = ls->paren;
	} else if (c == '{') {
		ls->brace++;
	} else if (c == '}') {
		if (--ls->brace < ls->brace_low)
			ls->brace_low = ls->brace;
	}
}

static void scan_line(struct lex *lx, const char *s, size_t n,
		      struct line_sum *ls)
{
	size_t i = 0;

	memset(ls, 0, sizeof(*ls));
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (!lx->comment && !lx->directive && i < n && s[i] == '#')
		lx->directive = true;
	ls->directive = lx->directive;
	for (; i < n; i++) {
		char c = s[i], d = i + 1 < n ? s[i + 1] : '\0';

		if (lx->comment) {
			if (c == '*' && d == '/') {
				lx->comment = false;
				i++;
			}
			continue;
		}
		if (c == '/' && d == '*') {
			lx->comment = true;
			ls->opens_comment = true;
			i++;
		} else if (c == '/' && d == '/') {
			break;
		} else if (c == '*' && d == '/') {
			ls->stray_close = true;
			i++;
		} else if (c == '"' || c == '\'') {
			i = skip_literal(s, n, i);
			ls->code = true;
		} else if (!isspace((unsigned char)c)) {
			ls->code = true;
			if (!lx->directive)
				count_bracket(ls, c);
		}
	}
	lx->directive = lx->directive && n && s[n - 1] == '\\';
}

/* --- names ----------------------------------------------------------------- */

static bool is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = { "if",	     "for",    "while",
					  "switch",  "return", "sizeof",
					  "defined", "do",     "else" };
	size_t i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && !memcmp(kw[i], s, n))
			return true;
	return false;
}

/*
 * The function a line names ("static int foo(int x" -> foo, as a hunk
 * header's section or a signature line shows it), or "".
 * SYSCALL_DEFINEn(name, ...) is named by its first argument.
 */
void fragment_function_name(const char *line, size_t len, char *name,
			    size_t size)
{
	const char *p = memchr(line, '(', len), *end, *s;
	size_t n = len;

	name[0] = '\0';
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (!p || (n && line[n - 1] == ';'))
		return;
	end = p;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (s = end;
	     s > line && (isalnum((unsigned char)s[-1]) || s[-1] == '_'); s--)
		;
	if (s == end || (size_t)(end - s) >= size ||
	    isdigit((unsigned char)*s) || is_keyword(s, (size_t)(end - s)))
		return;
	memcpy(name, s, end - s);
	name[end - s] = '\0';
	if (!strncmp(name, "SYSCALL_DEFINE", 14) ||
	    !strncmp(name, "COMPAT_SYSCALL_DEFINE", 21))
		fragment_function_name(p + 1, len - (size_t)(p + 1 - line),
				       name, size);
}

bool fragment_is_anon(const char *name)
{
	return !strncmp(name, FRAGMENT_ANON_PREFIX,
			strlen(FRAGMENT_ANON_PREFIX));
}

/* --- one hunk, one side ----------------------------------------------------- */

/* A function signature or end seen at column 1 of a real line. */
struct mark {
	unsigned line; /* the file's */
	char name[FRAGMENT_MAX_NAME]; /* "" for a closing brace */
};

/* What the frame of a hunk needs to know of one side. */
struct side_scan {
	bool start_comment, end_comment;
	bool start_directive, end_directive;
	int paren_low, paren_end; /* running paren balance over the hunk */
	int brace_low, brace_end;
	int brace_at_close; /* balance after a "}" at column 1, or INT_MIN */
	int indent; /* depth by indentation of the first code line, or -1 */
	unsigned first_line; /* file line of the first real line, or 0 */
	bool head_is_stmt; /* the unmatched ')' ends an if/while head */
	/*
	 * The hunk starts in a function's parameters: the line closing
	 * them is followed by the body's "{" at column 1.
	 */
	bool signature_tail;
	bool first_is_op; /* the hunk starts with a binary operator */
	bool needs_operand; /* the last code line ends with an operator */
	bool needs_body; /* the last code line is "if (x)", "else"... */
	/* The hunk ends in a function's signature, before its body. */
	bool ends_in_signature;
};

static bool on_side(const struct diff_line *dl, int side)
{
	return dl->origin == ' ' || dl->origin == (side ? '+' : '-');
}

static unsigned file_line_of(const struct diff_line *dl, int side)
{
	return side ? dl->new_lineno : dl->old_lineno;
}

static bool starts_with_op(const char *s, size_t n)
{
	static const char *const ops[] = {
		"&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "->", "?",
		":",  "|",  "^",  "/",	"%",  ",",  ".",  "<",	">",  "="
	};
	size_t i, k;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		k = strlen(ops[i]);
		if (n >= k && !memcmp(s, ops[i], k))
			return true;
	}
	return false;
}

/* "if (x)", "} else", "for (;;)": a head whose body the hunk cuts off. */
static bool is_open_head(const char *s, size_t n)
{
	static const char *const heads[] = { "if",   "while",  "for",
					     "else", "} else", "switch" };
	size_t i, k;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (!n || s[n - 1] == ';' || s[n - 1] == '{' || s[n - 1] == '}')
		return false;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		k = strlen(heads[i]);
		if (n >= k && !memcmp(s, heads[i], k) &&
		    (n == k || s[k] == ' ' || s[k] == '('))
			return s[n - 1] == ')' || (n == k && s[k - 1] == 'e');
	}
	return false;
}

static bool ends_with_op(const char *s, size_t n)
{
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n && strchr("+-*/%&|^<>=?:,", s[n - 1]) &&
	       !(n >= 2 && s[n - 2] == '-' && s[n - 1] == '>') &&
	       !(n >= 2 && s[n - 2] == '+' && s[n - 1] == '+') &&
	       !(n >= 2 && s[n - 2] == '-' && s[n - 1] == '-');
}

/* Depth by indentation: tabs, a case label one deeper than it looks. */
static int indent_depth(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] == '\t')
		i++;
	if ((n - i >= 5 && !memcmp(s + i, "case ", 5)) ||
	    (n - i >= 8 && !memcmp(s + i, "default:", 8)))
		return (int)i + 1;
	return (int)i;
}

/* A goto label on its own at column 1: says nothing of the depth. */
static bool is_label(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	return i && i < n && s[i] == ':' && (i + 1 == n || s[i + 1] != ':');
}

/* Whether the hunk's first line looks like the inside of a comment. */
static bool looks_like_comment(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '*' &&
	       (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t' ||
		s[i + 1] == '*');
}

/*
 * A function signature at column 1 is pending until its body's '{' or a
 * ';' (a prototype). The balances are the hunk's own, which may start
 * below zero: what counts is that nothing opens or closes after it.
 */
struct signature {
	bool pending;
	int brace; /* the running brace balance at the signature */
};

static void track_signature(const struct diff_line *dl,
			    const struct line_sum *ls, bool in_comment,
			    int paren, int brace, struct signature *sig)
{
	char name[FRAGMENT_MAX_NAME];

	if (!in_comment && dl->len && dl->text[0] != '#' &&
	    !isspace((unsigned char)dl->text[0]) && ls->brace == 0 &&
	    !memchr(dl->text, '{', dl->len) && paren == ls->paren) {
		fragment_function_name(dl->text, dl->len, name, sizeof(name));
		if (name[0]) {
			sig->pending = true;
			sig->brace = brace;
			return;
		}
	}
	if (sig->pending &&
	    (brace != sig->brace || paren < 0 ||
	     memchr(dl->text, ';', dl->len) || memchr(dl->text, '{', dl->len)))
		sig->pending = false;
}

/* Walk the side's lines of h from the lexer state lx. */
static void scan_side(const struct diff_hunk *h, int side, struct lex lx,
		      struct side_scan *sc, bool *stray)
{
	int paren = 0, brace = 0;
	bool first_code = true, first_real = true;
	const struct diff_line *last_code = NULL;
	struct signature sig = { false, 0 };
	bool low_seen = false;
	struct line_sum ls;
	size_t i;

	sc->paren_low = sc->brace_low = 0;
	sc->brace_at_close = INT_MIN;
	sc->indent = -1;
	*stray = false;
	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];
		bool in_comment = lx.comment;

		if (!on_side(dl, side))
			continue;
		if (first_real) {
			sc->first_line = file_line_of(dl, side);
			sc->start_directive = !lx.comment && dl->len &&
					      dl->text[dl->len - 1] == '\\' &&
					      dl->text[0] != '#';
			if (sc->start_directive)
				lx.directive = true;
			first_real = false;
		}
		scan_line(&lx, dl->text, dl->len, &ls);
		if (ls.stray_close && !in_comment)
			*stray = true;
		if (ls.code && first_code && !ls.directive && !in_comment) {
			sc->first_is_op = starts_with_op(dl->text, dl->len);
			if (!is_label(dl->text, dl->len))
				sc->indent = indent_depth(dl->text, dl->len);
			first_code = false;
		}
		if (low_seen && ls.code && !in_comment) {
			/* The next code line after the parameters' end. */
			sc->signature_tail = dl->len == 1 && dl->text[0] == '{';
			low_seen = false;
		}
		if (paren + ls.paren_low < sc->paren_low) {
			sc->paren_low = paren + ls.paren_low;
			sc->head_is_stmt = !memchr(dl->text, ';', dl->len);
			low_seen = true;
			sc->signature_tail = false;
		}
		if (brace + ls.brace_low < sc->brace_low)
			sc->brace_low = brace + ls.brace_low;
		paren += ls.paren;
		brace += ls.brace;
		if (sc->brace_at_close == INT_MIN && dl->len &&
		    dl->text[0] == '}')
			sc->brace_at_close = brace;
		if (ls.code && !ls.directive) {
			last_code = dl;
			track_signature(dl, &ls, in_comment, paren, brace,
					&sig);
		}
	}
	sc->paren_end = paren;
	sc->brace_end = brace;
	sc->end_comment = lx.comment;
	sc->end_directive = lx.directive;
	sc->needs_operand = last_code &&
			    ends_with_op(last_code->text, last_code->len);
	sc->ends_in_signature = sig.pending;
	sc->needs_body = last_code && paren == 0 &&
			 is_open_head(last_code->text, last_code->len);
}

/*
 * Scan one side: from outside any comment first; a comment closer met
 * outside a comment says the hunk began inside one, so scan again so.
 */
static void scan(const struct diff_hunk *h, int side, struct side_scan *sc)
{
	struct lex lx = { false, false };
	bool stray;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < h->nlines; i++)
		if (on_side(&h->lines[i], side))
			break;
	if (i < h->nlines &&
	    looks_like_comment(h->lines[i].text, h->lines[i].len))
		lx.comment = true;
	scan_side(h, side, lx, sc, &stray);
	if (stray && !lx.comment) {
		lx.comment = true;
		scan_side(h, side, lx, sc, &stray);
	}
	sc->start_comment = lx.comment;
}

/*
 * The depth the hunk starts at: a "}" at column 1 ends a function, so
 * the balance there says it; else the most the hunk closes, or the
 * indentation of its first code line.
 */
static int start_depth(const struct side_scan *sc)
{
	int d = -sc->brace_low;

	if (sc->signature_tail)
		return 0;
	if (sc->brace_at_close != INT_MIN)
		return -sc->brace_at_close > 0 ? -sc->brace_at_close : 0;
	if (sc->indent > d)
		d = sc->indent;
	return d > FRAGMENT_MAX_DEPTH ? FRAGMENT_MAX_DEPTH : d;
}

/* --- writing a side ---------------------------------------------------------- */

struct writer {
	struct fragment *fr;
	struct sbuf sb;
	size_t alloc, palloc;
	int side;
	int error;
	/* The frame: a function open at depth 1 after the last hunk. */
	bool open;
	char name[FRAGMENT_MAX_NAME];
	/* Signatures and function ends seen, in file order. */
	struct mark *marks;
	size_t nmarks, amarks;
};

static void put_line(struct writer *w, const char *text, size_t len,
		     unsigned file_line, unsigned patch_line)
{
	if (w->error)
		return;
	if (sbuf_add(&w->sb, text, len) || sbuf_addch(&w->sb, '\n')) {
		w->error = MMR_ELIMIT;
		return;
	}
	w->fr->nlines++;
	XGROW(w->fr->file_line, w->alloc, w->fr->nlines + 1);
	XGROW(w->fr->patch_line, w->palloc, w->fr->nlines + 1);
	w->fr->file_line[w->fr->nlines] = file_line;
	w->fr->patch_line[w->fr->nlines] = patch_line;
}

static void synth(struct writer *w, const char *text)
{
	put_line(w, text, strlen(text), 0, 0);
}

static void synth_repeat(struct writer *w, const char *text, int n)
{
	while (n-- > 0)
		synth(w, text);
}

static void add_mark(struct writer *w, unsigned line, const char *name)
{
	struct mark *m;

	if (w->nmarks >= FRAGMENT_MAX_SIGNATURES)
		return;
	XGROW(w->marks, w->amarks, w->nmarks + 1);
	m = &w->marks[w->nmarks++];
	m->line = line;
	snprintf(m->name, sizeof(m->name), "%s", name);
}

/*
 * The function around file line `line` as earlier hunks show it: the last
 * signature before it with no function end between; "" when none.
 */
static const char *function_before(const struct writer *w, unsigned line)
{
	size_t i = w->nmarks;

	while (i-- > 0) {
		if (w->marks[i].line >= line)
			continue;
		return w->marks[i].name;
	}
	return "";
}

/* Remember the signatures and ends a real line shows at column 1. */
static void note_line(struct writer *w, const struct diff_line *dl)
{
	char name[FRAGMENT_MAX_NAME];

	if (!dl->len || isspace((unsigned char)dl->text[0]))
		return;
	if (dl->text[0] == '}') {
		add_mark(w, file_line_of(dl, w->side), "");
		return;
	}
	if (dl->text[0] == '#' || is_label(dl->text, dl->len))
		return;
	fragment_function_name(dl->text, dl->len, name, sizeof(name));
	if (name[0])
		add_mark(w, file_line_of(dl, w->side), name);
}

/* Parentheses a line leaves open. */
static int paren_balance(const char *s)
{
	struct lex lx = { false, false };
	struct line_sum ls;

	scan_line(&lx, s, strlen(s), &ls);
	return ls.paren;
}

/*
 * The head of the statement the hunk starts in the middle of; of the
 * signature, when it starts in a function's parameters: the section's
 * line when it is that signature's first (fname is the function it
 * names), else a line naming the function.
 */
static void open_statement(struct writer *w, const struct side_scan *sc,
			   const char *fname, const char *section)
{
	struct sbuf sb = SBUF_INIT;
	int k = -sc->paren_low, i;

	if (k <= 0)
		return;
	if (sc->signature_tail && *fname)
		add_mark(w, sc->first_line ? sc->first_line - 1 : 0, fname);
	if (sc->signature_tail && *fname && paren_balance(section) == k) {
		/* "foo(int a," from a "type\nfoo(" signature: a type first. */
		if (!strncmp(section, fname, strlen(fname)))
			synth(w, "int");
		synth(w, section);
		return;
	}
	if (sc->signature_tail)
		sbuf_addf(&sb, "int %s(",
			  *fname ? fname : FRAGMENT_ANON_PREFIX "fn");
	else
		sbuf_addstr(&sb, sc->head_is_stmt ? "if (" :
						    FRAGMENT_ANON_PREFIX
					 "call(");
	for (i = 1; i < k && i < FRAGMENT_MAX_DEPTH; i++)
		sbuf_addch(&sb, '(');
	if (sc->first_is_op)
		sbuf_addch(&sb, '1');
	synth(w, sb.buf);
	sbuf_release(&sb);
}

/* What the hunk leaves open of a statement: an operand, ')', ';'. */
static void close_statement(struct writer *w, const struct side_scan *sc)
{
	struct sbuf sb = SBUF_INIT;
	int k = sc->paren_end - sc->paren_low, i;

	if (sc->needs_operand)
		sbuf_addch(&sb, '0');
	for (i = 0; i < k && i < FRAGMENT_MAX_DEPTH; i++)
		sbuf_addch(&sb, ')');
	if (sb.len || sc->needs_body) {
		sbuf_addch(&sb, ';');
		synth(w, sb.buf);
	}
	sbuf_release(&sb);
}

/*
 * The end of a signature the hunk cut off, and its body's opening: the
 * next hunk goes on in that function.
 */
static void close_signature(struct writer *w, const struct side_scan *sc)
{
	struct sbuf sb = SBUF_INIT;
	int k = sc->paren_end - sc->paren_low, i;

	if (sc->needs_operand)
		sbuf_addstr(&sb, "int " FRAGMENT_ANON_PREFIX "arg");
	for (i = 0; i < k && i < FRAGMENT_MAX_DEPTH; i++)
		sbuf_addch(&sb, ')');
	if (sb.len)
		synth(w, sb.buf);
	synth(w, "{");
	sbuf_release(&sb);
}

/* Open the function frame of a hunk that starts inside a body. */
static void open_function(struct writer *w, const char *name)
{
	struct sbuf sb = SBUF_INIT;

	snprintf(w->name, sizeof(w->name), "%s", name);
	sbuf_addf(&sb, "void %s(void)", w->name);
	synth(w, sb.buf);
	synth(w, "{");
	sbuf_release(&sb);
	w->open = true;
}

/* The joint decisions for one hunk. */
struct frame {
	int depth; /* where the hunk starts; 0 is the top level */
	char section[FRAGMENT_MAX_NAME]; /* the function the @@ names */
	bool section_specifiers; /* "static bool": a signature's first line */
	size_t index;
};

/*
 * Whether the hunk goes on in the function the last hunk left open: it
 * starts inside a body, and its header names no other function.
 */
static bool continues(const struct writer *w, const struct frame *fr)
{
	return w->open && fr->depth >= 1 &&
	       (!fr->section[0] || !strcmp(fr->section, w->name));
}

/* The first real line of the side is a declarator: "foo(int x)". */
static bool starts_with_declarator(const struct diff_hunk *h, int side)
{
	size_t i, k;

	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];

		if (!on_side(dl, side))
			continue;
		for (k = 0;
		     k < dl->len && (isalnum((unsigned char)dl->text[k]) ||
				     dl->text[k] == '_');
		     k++)
			;
		return k && !isdigit((unsigned char)dl->text[0]) &&
		       k < dl->len && dl->text[k] == '(';
	}
	return false;
}

/* Lines of one hunk on one side, in its frame. */
static void write_hunk(struct writer *w, const struct diff_hunk *h,
		       const struct frame *fr, const struct side_scan *sc,
		       const char *section, size_t hunk)
{
	char anon[FRAGMENT_MAX_NAME];
	int depth, i;
	size_t j;

	if (hunk)
		synth(w, "");
	if (continues(w, fr)) {
		synth_repeat(w, "{", fr->depth - 1);
	} else {
		if (w->open)
			synth(w, "}");
		w->open = false;
		if (fr->depth >= 1) {
			const char *name =
				fr->section[0] ?
					fr->section :
					function_before(w, sc->first_line);

			snprintf(anon, sizeof(anon), FRAGMENT_ANON_PREFIX "%zu",
				 fr->index + 1);
			open_function(w, name[0] ? name : anon);
			synth_repeat(w, "{", fr->depth - 1);
		} else if (fr->section_specifiers &&
			   starts_with_declarator(h, w->side)) {
			synth(w, section);
		}
	}
	if (sc->start_comment)
		synth(w, "/*");
	if (sc->start_directive)
		synth(w, "#define " FRAGMENT_ANON_PREFIX "macro \\");
	open_statement(w, sc, fr->section, section);
	w->fr->first[hunk] = w->fr->nlines + 1;
	for (j = 0; j < h->nlines; j++) {
		const struct diff_line *dl = &h->lines[j];

		if (!on_side(dl, w->side))
			continue;
		put_line(w, dl->text, dl->len, file_line_of(dl, w->side),
			 dl->patch_lineno);
		note_line(w, dl);
	}
	w->fr->last[hunk] = w->fr->nlines;
	if (sc->end_directive)
		synth(w, "");
	if (sc->end_comment)
		synth(w, " */");
	/* The function around the hunk's start ended inside it. */
	if (fr->depth + sc->brace_low <= 0)
		w->open = false;
	depth = fr->depth + sc->brace_end;
	if (sc->ends_in_signature) {
		close_signature(w, sc);
		depth = 1;
	} else {
		close_statement(w, sc);
	}
	if (depth > FRAGMENT_MAX_DEPTH)
		depth = FRAGMENT_MAX_DEPTH;
	/* Back to the function's body, which the next hunk may go on in. */
	for (i = depth; i > 1; i--)
		synth(w, "}");
	if (depth >= 1 && !w->open) {
		/* A function this hunk began: named by its signature. */
		snprintf(w->name, sizeof(w->name), "%s",
			 function_before(w, UINT_MAX));
		w->open = true;
	}
	if (depth < 1)
		w->open = false;
}

/* --- the file -------------------------------------------------------------- */

/* Whether a section is a signature's first line: "static bool". */
static bool specifiers_only(const char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n && !strpbrk(s, "();{}=:,#\"") &&
	       (isalpha((unsigned char)s[0]) || s[0] == '_');
}

static void frame_of(struct frame *fr, const struct diff_hunk *h,
		     const struct side_scan sc[2], size_t index)
{
	int d0 = start_depth(&sc[0]), d1 = start_depth(&sc[1]);

	memset(fr, 0, sizeof(*fr));
	fr->index = index;
	fr->depth = d0 > d1 ? d0 : d1;
	fragment_function_name(h->section, strlen(h->section), fr->section,
			       sizeof(fr->section));
	fr->section_specifiers = specifiers_only(h->section);
}

int fragment_build(struct fragment out[2], const struct diff_file *f,
		   size_t max)
{
	struct writer w[2];
	struct side_scan sc[2];
	struct frame fr;
	size_t i;
	int s, err = 0;

	memset(out, 0, 2 * sizeof(*out));
	memset(w, 0, sizeof(w));
	for (s = 0; s < 2; s++) {
		out[s].first = xcalloc(f->nhunks + 1, sizeof(unsigned));
		out[s].last = xcalloc(f->nhunks + 1, sizeof(unsigned));
		w[s].fr = &out[s];
		w[s].side = s;
		sbuf_init(&w[s].sb, max);
		XGROW(out[s].file_line, w[s].alloc, 1);
		XGROW(out[s].patch_line, w[s].palloc, 1);
		out[s].file_line[0] = out[s].patch_line[0] = 0;
	}
	for (i = 0; i < f->nhunks; i++) {
		scan(&f->hunks[i], 0, &sc[0]);
		scan(&f->hunks[i], 1, &sc[1]);
		frame_of(&fr, &f->hunks[i], sc, i);
		for (s = 0; s < 2; s++)
			write_hunk(&w[s], &f->hunks[i], &fr, &sc[s],
				   f->hunks[i].section, i);
	}
	for (s = 0; s < 2; s++) {
		if (w[s].open)
			synth(&w[s], "}");
		if (w[s].error)
			err = w[s].error;
		out[s].text = sbuf_detach(&w[s].sb, &out[s].len);
		free(w[s].marks);
	}
	return err;
}

void fragment_release(struct fragment *fr)
{
	free(fr->text);
	free(fr->file_line);
	free(fr->patch_line);
	free(fr->first);
	free(fr->last);
	memset(fr, 0, sizeof(*fr));
}
