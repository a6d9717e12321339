// SPDX-License-Identifier: GPL-2.0
/*
 * Rule tests: the expectations written in a case's comments
 * ("/" "* expect: ID *" "/" on a line a rule must flag, "expect-none:" on
 * one it must not; "# expect: ID" at the end of a changelog's line), and
 * the findings judged against them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "util.h"

void rule_expects_release(struct rule_expects *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->v[i].rule);
		free(e->v[i].path);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->alloc = 0;
}

static const char *find_in(const char *s, size_t n, const char *what)
{
	size_t m = strlen(what), i;

	for (i = 0; i + m <= n; i++)
		if (!memcmp(s + i, what, m))
			return s + i;
	return NULL;
}

/* The keyword of a comment at s: "expect:" or "expect-none:". */
static const char *expect_keyword(const char *s, size_t n, bool *none)
{
	const char *c = find_in(s, n, "/*"), *k;
	const char *line = find_in(s, n, "//");

	if (!c || (line && line < c))
		c = line;
	if (!c)
		return NULL;
	for (k = c + 2; k < s + n && (*k == ' ' || *k == '\t');)
		k++;
	*none = mmr_starts_with(k, s + n - k, "expect-none:");
	if (*none)
		return k + strlen("expect-none:");
	if (mmr_starts_with(k, s + n - k, "expect:"))
		return k + strlen("expect:");
	return NULL;
}

static int add_expect(struct rule_expects *e, const char *id, size_t n,
		      const struct rule_expect *where)
{
	struct rule_expect *x;

	if (e->n >= RULE_MAX_EXPECTS)
		return mmr_error_set(MMR_ELIMIT, "more than %d expectations",
				     RULE_MAX_EXPECTS);
	XGROW(e->v, e->alloc, e->n + 1);
	x = &e->v[e->n++];
	*x = *where;
	x->rule = xstrndup(id, n);
	x->path = xstrdup(where->path);
	return 0;
}

/* The ids after the keyword, to the comment's end, separated by , or blanks. */
static int parse_line(struct rule_expects *e, const char *s, size_t n,
		      const struct rule_expect *where)
{
	struct rule_expect w = *where;
	const char *p = expect_keyword(s, n, &w.none), *end = s + n;
	const char *close;
	int err = 0;

	if (!p)
		return 0;
	close = find_in(p, end - p, "*/");
	if (close)
		end = close;
	while (p < end && !err) {
		const char *id;

		while (p < end && (isspace((unsigned char)*p) || *p == ','))
			p++;
		for (id = p;
		     p < end && !isspace((unsigned char)*p) && *p != ',';)
			p++;
		if (p > id)
			err = add_expect(e, id, p - id, &w);
	}
	return err;
}

int rule_expects_from_diff(struct rule_expects *e, const struct diff *d)
{
	size_t i, j, k;
	int err = 0;

	for (i = 0; i < diff_nfiles(d) && !err; i++) {
		const struct diff_file *f = diff_file(d, i);
		struct rule_expect w = { .path = (char *)diff_file_path(f) };

		for (j = 0; j < f->nhunks && !err; j++) {
			const struct diff_hunk *h = &f->hunks[j];

			for (k = 0; k < h->nlines && !err; k++) {
				const struct diff_line *l = &h->lines[k];

				w.side = l->origin == '-' ? CHANGE_OLD :
							    CHANGE_NEW;
				w.line = l->origin == '-' ? l->old_lineno :
							    l->new_lineno;
				w.src_line = l->patch_lineno;
				err = parse_line(e, l->text, l->len, &w);
			}
		}
	}
	return err;
}

int rule_expects_from_text(struct rule_expects *e, const char *text, size_t len,
			   const char *path, enum change_side side)
{
	struct rule_expect w = { .path = (char *)path, .side = side };
	const char *p = text, *end = text + len;
	int err = 0;

	while (p < end && !err) {
		const char *nl = memchr(p, '\n', end - p);
		const char *e_ = nl ? nl : end;

		w.line++;
		w.src_line = w.line;
		err = parse_line(e, p, e_ - p, &w);
		p = nl ? nl + 1 : end;
	}
	return err;
}

/*
 * Where a changelog annotation "# expect..." starts in line s[0..n): the
 * '#' of the last one whose keyword follows, else NULL.
 */
static const char *changelog_mark(const char *s, size_t n, bool *none)
{
	const char *hash = NULL, *k;
	size_t i;

	for (i = n; i-- > 0 && !hash;) {
		if (s[i] != '#')
			continue;
		for (k = s + i + 1; k < s + n && (*k == ' ' || *k == '\t');)
			k++;
		*none = mmr_starts_with(k, s + n - k, "expect-none:");
		if (*none || mmr_starts_with(k, s + n - k, "expect:"))
			hash = s + i;
	}
	return hash;
}

int rule_expects_from_changelog(struct rule_expects *e, char *text, size_t *len,
				unsigned first_line, unsigned src_line)
{
	struct rule_expect w = { .path = (char *)RULE_CHANGELOG_PATH,
				 .side = CHANGE_NEW,
				 .changelog = true };
	size_t in = 0, out = 0;
	int err = 0;

	w.line = first_line;
	w.src_line = src_line;
	while (in < *len && !err) {
		const char *nl = memchr(text + in, '\n', *len - in);
		size_t n = nl ? (size_t)(nl - (text + in)) : *len - in;
		size_t keep = n;
		const char *hash = changelog_mark(text + in, n, &w.none);

		if (hash) {
			/* "# expect: x" reads as the comment "// expect: x" */
			size_t m = text + in + n - hash;
			char *c = xmalloc(m + 2);

			memcpy(c, "//", 2);
			memcpy(c + 2, hash + 1, m - 1);
			err = parse_line(e, c, m + 1, &w);
			free(c);
			keep = hash - (text + in);
			while (keep && (text[in + keep - 1] == ' ' ||
					text[in + keep - 1] == '\t'))
				keep--;
		}
		memmove(text + out, text + in, keep);
		out += keep;
		in += n;
		if (nl) {
			text[out++] = '\n';
			in++;
		}
		w.line++;
		w.src_line++;
	}
	*len = out;
	text[out] = '\0';
	return err;
}

static bool found_on(const struct rule_findings *f, const struct rule_expect *x,
		     const struct rule_finding **out)
{
	size_t i;

	for (i = 0; i < rule_findings_count(f); i++) {
		const struct rule_finding *fd = rule_findings_at(f, i);

		if (!strcmp(fd->rule, x->rule) && !strcmp(fd->path, x->path) &&
		    fd->changelog == x->changelog && fd->side == x->side &&
		    fd->line == x->line) {
			*out = fd;
			return true;
		}
	}
	return false;
}

static bool named(const struct rule_expects *e, const char *rule)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].rule, rule))
			return true;
	return false;
}

/* Whether the finding's line has an expectation of its rule. */
static bool expect_at(const struct rule_expects *e,
		      const struct rule_finding *fd)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		const struct rule_expect *x = &e->v[i];

		if (!strcmp(x->rule, fd->rule) && !strcmp(x->path, fd->path) &&
		    x->changelog == fd->changelog && x->side == fd->side &&
		    x->line == fd->line)
			return true;
	}
	return false;
}

size_t rule_expects_judge(const struct rule_expects *e,
			  const struct rule_set *rs,
			  const struct rule_findings *f, rule_miss_fn fn,
			  void *payload)
{
	size_t i, misses = 0;

	for (i = 0; i < e->n; i++) {
		const struct rule_expect *x = &e->v[i];
		const struct rule_finding *fd = NULL;
		struct rule_miss m = {
			RULE_MISS_MISSING, x->rule,	x->path, x->side,
			x->line,	   x->src_line, NULL
		};

		if (!rule_set_find(rs, x->rule))
			m.kind = RULE_MISS_UNKNOWN;
		else if (found_on(f, x, &fd) == !x->none)
			continue;
		else if (x->none)
			m.kind = RULE_MISS_FORBIDDEN;
		m.message = fd ? fd->message : NULL;
		fn(&m, payload);
		misses++;
	}
	for (i = 0; i < rule_findings_count(f); i++) {
		const struct rule_finding *fd = rule_findings_at(f, i);
		struct rule_miss m = { RULE_MISS_UNEXPECTED,
				       fd->rule,
				       fd->path,
				       fd->side,
				       fd->line,
				       0,
				       fd->message };

		/* expect-none lines are judged above */
		if (!named(e, fd->rule) || expect_at(e, fd))
			continue;
		fn(&m, payload);
		misses++;
	}
	return misses;
}
