// SPDX-License-Identifier: GPL-2.0
/*
 * Tree-sitter queries over a csrc, with their predicates evaluated here:
 * the C library parses them and leaves the rest to its caller.
 */
#include <assert.h>
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tree_sitter/api.h>

#include "cquery.h"
#include "sbuf.h"
#include "util.h"

const TSLanguage *tree_sitter_c(void);

/* Matches in progress at once: tree-sitter keeps a state for each. */
#define CQUERY_MAX_IN_PROGRESS 1024

enum pred_kind {
	PRED_EQ,
	PRED_MATCH,
	PRED_ANY_OF,
	PRED_CUSTOM,
};

struct pred {
	const char *name; /* as written, without '#' */
	enum pred_kind kind;
	bool negate;
	unsigned pattern;
	size_t nargs;
	struct cquery_arg *args;
	struct cquery_regex *re; /* for PRED_MATCH */
	size_t custom; /* index in q->custom, for PRED_CUSTOM */
};

struct cquery {
	TSQuery *ts;
	const char *src; /* during cquery_new() only */
	size_t len;
	struct pred *preds; /* in pattern order */
	size_t npreds, preds_alloc;
	size_t *first; /* preds of pattern i: [first[i], first[i + 1]) */
	struct cquery_pred *custom;
	size_t ncustom, custom_alloc;
};

/* --- positions in the query source ---------------------------------------- */

static void position(const char *src, size_t len, size_t at, unsigned *line,
		     unsigned *column)
{
	size_t i;

	*line = 1;
	*column = 1;
	for (i = 0; i < at && i < len; i++) {
		if (src[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

/* Skip a ';' comment or a "string" at i; returns where scanning goes on. */
static size_t skip_lexeme(const char *s, size_t len, size_t i)
{
	if (s[i] == ';') {
		while (i < len && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '"') {
		for (i++; i < len && s[i] != '"'; i++)
			if (s[i] == '\\' && i + 1 < len)
				i++;
		return i + 1;
	}
	return i + 1;
}

/* As tree-sitter scans a name (0.20.7 query.c), from its first char. */
static bool name_start(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '?' ||
	       c == '!' || c == '.';
}

/*
 * The shape of a query, before tree-sitter compiles it: its analysis
 * takes seconds, then minutes, as node patterns, siblings (alternatives
 * counted) and quantifiers grow, and has no timeout of its own.
 */
struct shape {
	unsigned depth;
	unsigned children[CQUERY_MAX_NESTING + 1]; /* by paren group */
	bool bracket[CQUERY_MAX_NESTING + 1]; /* [ ] counts into its parent */
	bool is_node[CQUERY_MAX_NESTING + 1]; /* "(name": a node pattern */
	bool has_node[CQUERY_MAX_NESTING + 1]; /* a node somewhere inside */
	bool has_quantifier[CQUERY_MAX_NESTING + 1]; /* one inside */
	bool pred[CQUERY_MAX_NESTING + 1]; /* a predicate's arguments */
	unsigned nodes, quantifiers;
	bool quantified; /* a quantifier last, captures and blanks aside */
	bool closed_empty; /* a group without a node closed last, likewise */
	bool closed_quantified; /* one with a quantifier in it, likewise */
};

/* The paren group a node pattern at the current depth belongs to. */
static unsigned *owner(struct shape *sh)
{
	unsigned d = sh->depth;

	while (d > 0 && sh->bracket[d])
		d--;
	return &sh->children[d];
}

static int shape_node(struct shape *sh)
{
	unsigned *n = owner(sh);

	if (++sh->nodes > CQUERY_MAX_NODES)
		return mmr_error_set(MMR_ELIMIT,
				     "more than %d node patterns in a query",
				     CQUERY_MAX_NODES);
	if (sh->depth && ++*n > CQUERY_MAX_CHILDREN)
		return mmr_error_set(MMR_ELIMIT,
				     "more than %d node patterns (alternatives "
				     "counted) in one node pattern",
				     CQUERY_MAX_CHILDREN);
	return 0;
}

static int shape_open(struct shape *sh, const char *s, size_t len, size_t i)
{
	size_t k = i + 1;

	while (k < len && isspace((unsigned char)s[k]))
		k++;
	/* a predicate is no node pattern */
	if (s[i] == '(' && (k == len || s[k] != '#')) {
		int err = shape_node(sh);

		if (err)
			return err;
	}
	if (++sh->depth > CQUERY_MAX_NESTING)
		return mmr_error_set(MMR_ELIMIT, "query nested deeper than %d",
				     CQUERY_MAX_NESTING);
	sh->children[sh->depth] = 0;
	sh->bracket[sh->depth] = s[i] == '[';
	sh->pred[sh->depth] = s[i] == '(' && k < len && s[k] == '#';
	/* "(name" and "(_" are nodes; "((", "([" and "(#" only groups */
	sh->is_node[sh->depth] = s[i] == '(' && k < len && name_start(s[k]);
	sh->has_node[sh->depth] = sh->is_node[sh->depth];
	return 0;
}

/*
 * A field must be of a node pattern: "(x field: (y))", also through
 * alternatives; tree-sitter 0.20.7 crashes on "body:(._)".
 */
static int shape_field(const struct shape *sh)
{
	unsigned d = sh->depth;

	while (d > 0 && sh->bracket[d])
		d--;
	if (!d || !sh->is_node[d])
		return mmr_error_set(MMR_EINVAL,
				     "a field outside a node pattern");
	return 0;
}

static int shape_close(struct shape *sh)
{
	if (!sh->depth)
		return 0;
	sh->closed_empty = !sh->has_node[sh->depth];
	sh->closed_quantified = sh->has_quantifier[sh->depth];
	if (sh->has_node[sh->depth])
		sh->has_node[sh->depth - 1] = true;
	if (sh->has_quantifier[sh->depth])
		sh->has_quantifier[sh->depth - 1] = true;
	sh->depth--;
	/* tree-sitter 0.20.7 loops on "[(identifier) (#p)]*" */
	if (sh->closed_empty && sh->depth && sh->bracket[sh->depth])
		return mmr_error_set(MMR_EINVAL,
				     "an alternative without a node");
	return 0;
}

static int shape_quantifier(struct shape *sh)
{
	sh->quantified = true;
	sh->has_quantifier[sh->depth] = true;
	if (++sh->quantifiers > CQUERY_MAX_QUANTIFIERS)
		return mmr_error_set(MMR_ELIMIT,
				     "more than %d quantifiers (?, *, +) in a "
				     "query",
				     CQUERY_MAX_QUANTIFIERS);
	return 0;
}

static int shape_step(struct shape *sh, const char *s, size_t len, size_t i)
{
	char c = s[i];

	if (c == '(' || c == '[')
		return shape_open(sh, s, len, i);
	if (c == ')' || c == ']')
		return shape_close(sh);
	if (sh->pred[sh->depth])
		return 0;
	/* a name alone is "_", the wildcard node, or a field's */
	if (c == '"' || (c == '_' && (i + 1 == len || !name_char(s[i + 1])))) {
		sh->has_node[sh->depth] = true;
		return shape_node(sh);
	}
	if (c == '?' || c == '*' || c == '+')
		return shape_quantifier(sh);
	/* tree-sitter 0.20.7 loops on "(x f: (._)@a*)" */
	if (c == '.' && !sh->is_node[sh->depth])
		return mmr_error_set(MMR_EINVAL,
				     "an anchor (.) outside a node pattern");
	return 0;
}

/* The end of a name (a node type, a field, a capture's, a predicate's). */
static size_t name_end(const char *s, size_t len, size_t i)
{
	while (i < len && name_char(s[i]))
		i++;
	return i;
}

static bool followed_by_colon(const char *s, size_t len, size_t i)
{
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i < len && s[i] == ':';
}

static int check_shape(const char *s, size_t len, size_t *at)
{
	struct shape sh = { 0 };
	size_t i = 0;
	int err;

	while (i < len) {
		bool was = sh.quantified, empty = sh.closed_empty;
		bool nested = sh.closed_quantified;

		if (isspace((unsigned char)s[i]) || s[i] == ';') {
			i = skip_lexeme(s, len, i);
			continue;
		}
		if (s[i] == '@') { /* a capture */
			i = name_end(s, len, i + 1);
			continue;
		}
		sh.quantified = sh.closed_empty = sh.closed_quantified = false;
		if (s[i] != '#' && name_start(s[i]) &&
		    followed_by_colon(s, len, name_end(s, len, i)) &&
		    shape_field(&sh)) {
			*at = i;
			return MMR_EINVAL;
		}
		/* names end with the ? of "#eq?": not a quantifier */
		if (s[i] == '#' ||
		    (name_start(s[i]) && name_end(s, len, i) > i + 1)) {
			i = name_end(s, len, i + 1);
			continue;
		}
		err = shape_step(&sh, s, len, i);
		/* tree-sitter 0.20.7 crashes on "(x)*?", loops on "[(#p)]*" */
		if (!err && was && sh.quantified)
			err = mmr_error_set(MMR_EINVAL,
					    "a quantifier of a quantifier");
		/* and loops on "[(x)* @a]*" */
		if (!err && nested && sh.quantified)
			err = mmr_error_set(MMR_EINVAL,
					    "a quantifier of a group with a "
					    "quantifier in it");
		if (!err && empty && sh.quantified)
			err = mmr_error_set(MMR_EINVAL,
					    "a quantifier of a group without "
					    "a node");
		if (err) {
			*at = i;
			return err;
		}
		i = skip_lexeme(s, len, i);
	}
	return 0;
}

/*
 * Where the nth (0-based) "#name" after byte from is, outside comments and
 * strings; from when there is none.
 */
static size_t find_predicate(const char *s, size_t len, size_t from,
			     const char *name, unsigned nth)
{
	size_t n = strlen(name), i = from;

	while (i < len) {
		if (s[i] == '#' && i + 1 + n <= len &&
		    !memcmp(s + i + 1, name, n) &&
		    (i + 1 + n == len || !name_char(s[i + 1 + n])) && !nth--)
			return i;
		i = skip_lexeme(s, len, i);
	}
	return from;
}

/*
 * Node types and fields are plain names, and every "field:" (and "!field")
 * names a field of the grammar. Checked before tree-sitter sees the query:
 * its own check (0.20.7) leaks what it allocated for a capture after an
 * unknown field, and it loops on some names with . - ? ! in them.
 */
static int check_fields(const char *s, size_t len, size_t *at)
{
	const TSLanguage *lang = tree_sitter_c();
	size_t i = 0;

	while (i < len) {
		size_t j = i, k, n;

		if (!name_start(s[i])) {
			i = skip_lexeme(s, len, i);
			continue;
		}
		while (j < len && name_char(s[j]))
			j++;
		for (k = j; k < len && isspace((unsigned char)s[k]);)
			k++;
		if (i && (s[i - 1] == '@' || s[i - 1] == '#')) {
			i = j; /* a capture's or a predicate's name */
			continue;
		}
		/* tree-sitter 0.20.7 loops on "[(e!)]*" */
		for (n = i;
		     n < j && (isalnum((unsigned char)s[n]) || s[n] == '_');)
			n++;
		if (n < j) {
			*at = i;
			return mmr_error_set(MMR_EINVAL,
					     "bad node type or field '%.*s' "
					     "(letters, digits and _)",
					     (int)(j - i < 64 ? j - i : 64),
					     s + i);
		}
		if (((k < len && s[k] == ':') || (i && s[i - 1] == '!')) &&
		    !ts_language_field_id_for_name(lang, s + i,
						   (uint32_t)(j - i))) {
			*at = i;
			return mmr_error_set(MMR_EINVAL, "unknown field '%.*s'",
					     (int)(j - i < 64 ? j - i : 64),
					     s + i);
		}
		i = j;
	}
	return 0;
}

/* --- compiling ------------------------------------------------------------ */

static const char *const ts_errors[] = {
	[TSQueryErrorNone] = "no error",
	[TSQueryErrorSyntax] = "syntax error",
	[TSQueryErrorNodeType] = "unknown node type",
	[TSQueryErrorField] = "unknown field",
	[TSQueryErrorCapture] = "unknown capture",
	[TSQueryErrorStructure] = "impossible pattern",
	[TSQueryErrorLanguage] = "grammar of another version",
};

static int ts_error(const char *src, size_t len, uint32_t off,
		    TSQueryError type)
{
	const char *what =
		(unsigned)type < sizeof(ts_errors) / sizeof(*ts_errors) ?
			ts_errors[type] :
			"invalid query";
	size_t n = 0;

	if (type == TSQueryErrorNodeType || type == TSQueryErrorField ||
	    type == TSQueryErrorCapture) {
		while (off + n < len && n < 64 &&
		       (isalnum((unsigned char)src[off + n]) ||
			src[off + n] == '_' || src[off + n] == '-' ||
			src[off + n] == '.'))
			n++;
	}
	if (n)
		return mmr_error_set(MMR_EINVAL, "%s '%.*s'", what, (int)n,
				     src + off);
	return mmr_error_set(MMR_EINVAL, "%s", what);
}

/* Reject what makes glibc's matcher slow or huge: \N and big intervals. */
static int regex_check(const char *re)
{
	unsigned long product = 1;
	const char *p;

	if (strlen(re) > CQUERY_MAX_REGEX)
		return mmr_error_set(MMR_ELIMIT,
				     "regular expression longer than %d bytes",
				     CQUERY_MAX_REGEX);
	for (p = re; *p; p++) {
		unsigned long lo = 0, hi = 0;
		size_t used;

		if (*p == '\\' && p[1]) {
			if (isdigit((unsigned char)p[1]))
				return mmr_error_set(MMR_EINVAL,
						     "back-references are not "
						     "supported: '%s'",
						     re);
			p++;
			continue;
		}
		if (*p != '{')
			continue;
		used = mmr_parse_uint(p + 1, strlen(p + 1), 100000, &lo);
		hi = lo;
		if (used && p[1 + used] == ',') {
			size_t more = mmr_parse_uint(p + 2 + used,
						     strlen(p + 2 + used),
						     100000, &hi);

			if (!more)
				hi = CQUERY_MAX_REGEX_REPEAT + 1;
		}
		product *= hi ? hi : 1;
		if (product > CQUERY_MAX_REGEX_REPEAT)
			return mmr_error_set(MMR_ELIMIT,
					     "repetitions in '%s' exceed %d",
					     re, CQUERY_MAX_REGEX_REPEAT);
	}
	return 0;
}

struct cquery_regex {
	regex_t re;
};

int cquery_regex_new(struct cquery_regex **out, const char *re)
{
	struct cquery_regex *r;
	char msg[256];
	int err = regex_check(re);

	*out = NULL;
	if (err)
		return err;
	r = xcalloc(1, sizeof(*r));
	err = regcomp(&r->re, re, REG_EXTENDED | REG_NOSUB);
	if (err) {
		regerror(err, &r->re, msg, sizeof(msg));
		free(r);
		return mmr_error_set(
			MMR_EINVAL, "bad regular expression '%s': %s", re, msg);
	}
	*out = r;
	return 0;
}

bool cquery_regex_match(const struct cquery_regex *re, const char *text,
			size_t len)
{
	char subject[CQUERY_MAX_SUBJECT + 1];

	if (len > CQUERY_MAX_SUBJECT)
		len = CQUERY_MAX_SUBJECT;
	memcpy(subject, text, len);
	subject[len] = '\0';
	return !regexec(&re->re, subject, 0, NULL, 0);
}

void cquery_regex_free(struct cquery_regex *re)
{
	if (!re)
		return;
	regfree(&re->re);
	free(re);
}

static bool is_custom(const char *const *custom, const char *name)
{
	size_t i;

	for (i = 0; custom && custom[i]; i++)
		if (!strcmp(custom[i], name))
			return true;
	return false;
}

/* The kind of a standard predicate name, with its "not-" prefix. */
static int std_kind(const char *name, bool *negate)
{
	static const struct {
		const char *name;
		enum pred_kind kind;
	} std[] = {
		{ "eq?", PRED_EQ },
		{ "match?", PRED_MATCH },
		{ "any-of?", PRED_ANY_OF },
	};
	size_t i;

	*negate = !strncmp(name, "not-", 4);
	if (*negate)
		name += 4;
	for (i = 0; i < sizeof(std) / sizeof(*std); i++)
		if (!strcmp(name, std[i].name))
			return std[i].kind;
	return -1;
}

static int check_std_args(const struct pred *p, const char *name)
{
	size_t i;

	if (!p->nargs || !p->args[0].capture)
		return mmr_error_set(MMR_EINVAL, "#%s needs a capture first",
				     name);
	switch (p->kind) {
	case PRED_EQ:
		if (p->nargs != 2)
			return mmr_error_set(MMR_EINVAL,
					     "#%s needs a capture and a string "
					     "or capture",
					     name);
		return 0;
	case PRED_MATCH:
		if (p->nargs != 2 || p->args[1].capture)
			return mmr_error_set(MMR_EINVAL,
					     "#%s needs a capture and a "
					     "regular expression",
					     name);
		return 0;
	default:
		if (p->nargs < 2)
			return mmr_error_set(MMR_EINVAL,
					     "#%s needs a capture and strings",
					     name);
		for (i = 1; i < p->nargs; i++)
			if (p->args[i].capture)
				return mmr_error_set(MMR_EINVAL,
						     "#%s takes strings after "
						     "the capture",
						     name);
		return 0;
	}
}

/* Read the predicate at steps[*at] into a new pred of q. */
static int read_predicate(struct cquery *q, unsigned pattern,
			  const TSQueryPredicateStep *steps, uint32_t nsteps,
			  uint32_t *at, const char *const *custom,
			  const char **name)
{
	struct pred *p;
	uint32_t len, i;
	int kind;
	bool negate;

	if (steps[*at].type != TSQueryPredicateStepTypeString)
		return mmr_error_set(MMR_EINVAL, "a predicate without a name");
	*name = ts_query_string_value_for_id(q->ts, steps[*at].value_id, &len);
	kind = std_kind(*name, &negate);
	if (kind < 0 && !is_custom(custom, *name))
		return mmr_error_set(MMR_EINVAL, "unknown predicate '#%s'",
				     *name);
	XGROW(q->preds, q->preds_alloc, q->npreds + 1);
	p = &q->preds[q->npreds++];
	memset(p, 0, sizeof(*p));
	p->name = *name;
	p->kind = kind < 0 ? PRED_CUSTOM : (enum pred_kind)kind;
	p->negate = kind >= 0 && negate;
	p->pattern = pattern;
	for (i = *at + 1;
	     i < nsteps && steps[i].type != TSQueryPredicateStepTypeDone; i++)
		p->nargs++;
	p->args = xcalloc(p->nargs + 1, sizeof(*p->args));
	for (i = 0; i < p->nargs; i++) {
		const TSQueryPredicateStep *st = &steps[*at + 1 + i];
		struct cquery_arg *a = &p->args[i];

		a->capture = st->type == TSQueryPredicateStepTypeCapture;
		a->id = st->value_id;
		a->text = a->capture ? ts_query_capture_name_for_id(
					       q->ts, st->value_id, &len) :
				       ts_query_string_value_for_id(
					       q->ts, st->value_id, &len);
	}
	*at += 1 + (uint32_t)p->nargs + 1;
	if (p->kind == PRED_CUSTOM)
		return 0;
	if (check_std_args(p, *name))
		return MMR_EINVAL;
	if (p->kind == PRED_MATCH)
		return cquery_regex_new(&p->re, p->args[1].text);
	return 0;
}

static void add_custom(struct cquery *q, struct pred *p, const char *name,
		       unsigned line, unsigned column)
{
	struct cquery_pred *c;

	XGROW(q->custom, q->custom_alloc, q->ncustom + 1);
	c = &q->custom[q->ncustom];
	c->name = name;
	c->pattern = p->pattern;
	c->index = (unsigned)q->ncustom;
	c->line = line;
	c->column = column;
	c->nargs = p->nargs;
	c->args = p->args;
	p->custom = q->ncustom++;
}

/* How many predicates of this name the pattern has before index i. */
static unsigned same_name_before(const struct cquery *q, size_t first, size_t i,
				 const char *name)
{
	unsigned n = 0;

	for (; first < i; first++)
		n += !strcmp(q->preds[first].name, name);
	return n;
}

static int read_pattern(struct cquery *q, unsigned pattern,
			const char *const *custom, unsigned *line,
			unsigned *column)
{
	uint32_t nsteps = 0, at = 0;
	const TSQueryPredicateStep *steps =
		ts_query_predicates_for_pattern(q->ts, pattern, &nsteps);
	size_t from = ts_query_start_byte_for_pattern(q->ts, pattern);
	int err = 0;

	while (at < nsteps && !err) {
		const char *name = "";
		size_t i = q->npreds, where;

		err = read_predicate(q, pattern, steps, nsteps, &at, custom,
				     &name);
		where = find_predicate(q->src, q->len, from, name,
				       same_name_before(q, q->first[pattern], i,
							name));
		position(q->src, q->len, where, line, column);
		if (!err && q->preds[i].kind == PRED_CUSTOM)
			add_custom(q, &q->preds[i], name, *line, *column);
	}
	return err;
}

int cquery_new(struct cquery **out, const char *src, size_t len,
	       const char *const *custom, unsigned *line, unsigned *column)
{
	struct cquery *q;
	uint32_t off = 0;
	TSQueryError type = TSQueryErrorNone;
	size_t at = 0;
	unsigned i, npatterns;
	int err;

	assert(out && (src || !len) && line && column);
	*out = NULL;
	*line = *column = 0;
	if (len > CQUERY_MAX_SOURCE)
		return mmr_error_set(MMR_ELIMIT, "query longer than %zu bytes",
				     CQUERY_MAX_SOURCE);
	err = check_shape(src, len, &at);
	if (!err)
		err = check_fields(src, len, &at);
	if (err) {
		position(src, len, at, line, column);
		return err;
	}
	q = xcalloc(1, sizeof(*q));
	q->src = src;
	q->len = len;
	q->ts = ts_query_new(tree_sitter_c(), src, (uint32_t)len, &off, &type);
	if (!q->ts) {
		err = ts_error(src, len, off, type);
		position(src, len, off, line, column);
		goto fail;
	}
	npatterns = ts_query_pattern_count(q->ts);
	q->first = xcalloc(npatterns + 1, sizeof(*q->first));
	for (i = 0; i < npatterns; i++) {
		q->first[i] = q->npreds;
		err = read_pattern(q, i, custom, line, column);
		if (err)
			goto fail;
	}
	q->first[npatterns] = q->npreds;
	*line = *column = 0;
	q->src = NULL;
	*out = q;
	return 0;
fail:
	cquery_free(q);
	return err;
}

void cquery_free(struct cquery *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->npreds; i++) {
		cquery_regex_free(q->preds[i].re);
		free(q->preds[i].args);
	}
	free(q->preds);
	free(q->first);
	free(q->custom);
	if (q->ts)
		ts_query_delete(q->ts);
	free(q);
}

unsigned cquery_pattern_count(const struct cquery *q)
{
	return ts_query_pattern_count(q->ts);
}

unsigned cquery_capture_count(const struct cquery *q)
{
	return ts_query_capture_count(q->ts);
}

const char *cquery_capture_name(const struct cquery *q, unsigned id)
{
	uint32_t len;

	if (id >= ts_query_capture_count(q->ts))
		return "";
	return ts_query_capture_name_for_id(q->ts, id, &len);
}

int cquery_capture_id(const struct cquery *q, const char *name)
{
	unsigned i;

	for (i = 0; name && i < cquery_capture_count(q); i++)
		if (!strcmp(cquery_capture_name(q, i), name))
			return (int)i;
	return -1;
}

size_t cquery_custom_preds(const struct cquery *q,
			   const struct cquery_pred **out)
{
	*out = q->custom;
	return q->ncustom;
}

/* --- running -------------------------------------------------------------- */

struct run {
	const struct cquery *q;
	const struct csrc *cs;
	const char *text;
	size_t len;
	struct cquery_capture caps[CQUERY_MAX_MATCH_CAPTURES];
	struct cquery_match m;
};

const struct cquery_capture *cquery_match_find(const struct cquery_match *m,
					       unsigned id)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->captures[i].id == id)
			return &m->captures[i];
	return NULL;
}

static bool text_eq(const struct run *r, const struct cquery_capture *c,
		    const char *s, size_t n)
{
	return c->end - c->start == n && !memcmp(r->text + c->start, s, n);
}

/* Whether node c passes the standard predicate p (before negation). */
static bool node_passes(struct run *r, const struct pred *p,
			const struct cquery_capture *c)
{
	const struct cquery_arg *a = &p->args[1];
	size_t i;

	switch (p->kind) {
	case PRED_EQ:
		if (a->capture) {
			const struct cquery_capture *o =
				cquery_match_find(&r->m, a->id);

			return !o || text_eq(r, c, r->text + o->start,
					     o->end - o->start);
		}
		return text_eq(r, c, a->text, strlen(a->text));
	case PRED_MATCH:
		return cquery_regex_match(p->re, r->text + c->start,
					  c->end - c->start);
	case PRED_ANY_OF:
		for (i = 1; i < p->nargs; i++)
			if (text_eq(r, c, p->args[i].text,
				    strlen(p->args[i].text)))
				return true;
		return false;
	default:
		return true;
	}
}

/* A standard predicate holds when each node of its capture passes. */
static bool std_holds(struct run *r, const struct pred *p)
{
	size_t i;

	for (i = 0; i < r->m.n; i++)
		if (r->m.captures[i].id == p->args[0].id &&
		    node_passes(r, p, &r->m.captures[i]) == p->negate)
			return false;
	return true;
}

/* 1 when every predicate of the match's pattern holds, 0, or an error. */
static int match_holds(struct run *r, cquery_pred_fn pred, void *payload)
{
	const struct cquery *q = r->q;
	size_t i;

	for (i = q->first[r->m.pattern]; i < q->first[r->m.pattern + 1]; i++) {
		const struct pred *p = &q->preds[i];
		int ok;

		if (p->kind != PRED_CUSTOM) {
			ok = std_holds(r, p);
		} else {
			if (!pred)
				return 0;
			ok = pred(&r->m, &q->custom[p->custom], payload);
		}
		if (ok <= 0)
			return ok;
	}
	return 1;
}

static int capture_order(const void *a, const void *b)
{
	const struct cquery_capture *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Fill r->m from tree-sitter's match; false when it has no node. */
static bool fill_match(struct run *r, const TSQueryMatch *tm)
{
	size_t i, n = tm->capture_count;

	if (n > CQUERY_MAX_MATCH_CAPTURES)
		n = CQUERY_MAX_MATCH_CAPTURES;
	for (i = 0; i < n; i++) {
		TSNode node = tm->captures[i].node;
		struct cquery_capture *c = &r->caps[i];

		c->id = tm->captures[i].index;
		c->name = cquery_capture_name(r->q, c->id);
		c->type = ts_node_is_null(node) ? "" : ts_node_type(node);
		c->start = ts_node_start_byte(node);
		c->end = ts_node_end_byte(node);
		if (c->end > r->len || c->start > c->end)
			c->start = c->end = (uint32_t)r->len;
	}
	qsort(r->caps, n, sizeof(*r->caps), capture_order);
	r->m.pattern = tm->pattern_index;
	r->m.n = n;
	r->m.captures = r->caps;
	r->m.start = n ? r->caps[0].start : 0;
	r->m.end = 0;
	for (i = 0; i < n; i++)
		if (r->caps[i].end > r->m.end)
			r->m.end = r->caps[i].end;
	return n > 0;
}

static unsigned long long now_micros(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int cquery_run(const struct cquery *q, const struct csrc *cs, uint32_t start,
	       uint32_t end, cquery_pred_fn pred, cquery_match_fn fn,
	       void *payload)
{
	struct run *r = xcalloc(1, sizeof(*r));
	TSQueryCursor *cur = ts_query_cursor_new();
	unsigned long long t0 = now_micros();
	TSQueryMatch tm;
	size_t seen = 0;
	int err = 0;

	assert(q && cs && fn);
	r->q = q;
	r->cs = cs;
	r->text = csrc_text(cs, &r->len);
	if (end > r->len)
		end = (uint32_t)r->len;
	ts_query_cursor_set_match_limit(cur, CQUERY_MAX_IN_PROGRESS);
	ts_query_cursor_set_byte_range(cur, start, end);
	ts_query_cursor_exec(cur, q->ts, csrc_root(cs));
	while (start < end && ts_query_cursor_next_match(cur, &tm)) {
		if (++seen > CQUERY_MAX_MATCHES) {
			err = mmr_error_set(MMR_ELIMIT,
					    "query stopped after %d matches",
					    CQUERY_MAX_MATCHES);
			break;
		}
		if (now_micros() - t0 > CQUERY_MAX_MICROS) {
			err = mmr_error_set(MMR_ELIMIT,
					    "query stopped after %llu ms",
					    CQUERY_MAX_MICROS / 1000);
			break;
		}
		if (!fill_match(r, &tm) || r->m.start < start || r->m.end > end)
			continue;
		err = match_holds(r, pred, payload);
		if (err > 0)
			err = fn(&r->m, payload);
		if (err)
			break;
	}
	ts_query_cursor_delete(cur);
	free(r);
	return err < 0 ? err : 0;
}
