// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "sbuf.h"
#include "util.h"

/* Start offsets of the lines of a text; line i is [start[i], start[i+1]). */
struct lines {
	const char *text;
	size_t len;
	size_t n;
	size_t *start; /* n + 1 entries */
	size_t budget; /* line comparisons left for all searches in it */
};

static void lines_init(struct lines *l, const char *text, size_t len)
{
	size_t alloc = 0, i;

	l->text = text;
	l->len = len;
	l->n = 0;
	l->budget = APPLY_MAX_COMPARE;
	l->start = NULL;
	XGROW(l->start, alloc, 1);
	l->start[0] = 0;
	for (i = 0; i < len; i++) {
		if (text[i] != '\n' && i + 1 != len)
			continue;
		XGROW(l->start, alloc, l->n + 2);
		l->start[++l->n] = i + 1;
	}
}

static void lines_release(struct lines *l)
{
	free(l->start);
	l->start = NULL;
}

/* Line i (0-based) without its newline. */
static const char *line_at(const struct lines *l, size_t i, size_t *len)
{
	size_t b = l->start[i], e = l->start[i + 1];

	if (e > b && l->text[e - 1] == '\n')
		e--;
	*len = e - b;
	return l->text + b;
}

static bool on_side(const struct diff_line *dl, bool new_side)
{
	return dl->origin == ' ' || dl->origin == (new_side ? '+' : '-');
}

static size_t side_count(const struct diff_hunk *h, bool new_side)
{
	size_t i, n = 0;

	for (i = 0; i < h->nlines; i++)
		n += on_side(&h->lines[i], new_side);
	return n;
}

/*
 * Do the hunk's side lines stand at 0-based line pos? *budget counts down
 * the line comparisons a search may make.
 */
static bool hunk_matches(const struct lines *l, const struct diff_hunk *h,
			 bool new_side, size_t pos, size_t *budget)
{
	size_t i;

	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];
		const char *s;
		size_t len;

		if (!on_side(dl, new_side))
			continue;
		if (pos >= l->n || !*budget)
			return false;
		(*budget)--;
		s = line_at(l, pos++, &len);
		if (len != dl->len || memcmp(s, dl->text, len))
			return false;
	}
	return true;
}

/*
 * Search outwards from the expected 0-based line, never before min (0-based).
 * An empty side (pure insertion) stands where its header says.
 */
static int find_hunk(struct lines *l, const struct diff_hunk *h, bool new_side,
		     size_t expect, size_t min, size_t *pos)
{
	size_t count = side_count(h, new_side);
	size_t *budget = &l->budget;
	size_t d;

	if (!count) {
		*pos = expect < min ? min : expect;
		return *pos <= l->n ? 0 : MMR_EAPPLY;
	}
	for (d = 0; d <= APPLY_MAX_OFFSET; d++) {
		bool in_range = false;

		if (expect + d + count <= l->n) {
			in_range = true;
			if (expect + d >= min &&
			    hunk_matches(l, h, new_side, expect + d, budget)) {
				*pos = expect + d;
				return 0;
			}
		}
		if (d && expect >= d && expect - d >= min) {
			in_range = true;
			if (hunk_matches(l, h, new_side, expect - d, budget)) {
				*pos = expect - d;
				return 0;
			}
		}
		if ((!in_range && (expect < d || expect - d < min)) || !*budget)
			break;
	}
	return MMR_EAPPLY;
}

/* The 0-based line a hunk's header points at, for one side. */
static size_t expected_line(const struct diff_hunk *h, bool new_side)
{
	unsigned start = new_side ? h->new_start : h->old_start;
	unsigned count = new_side ? h->new_count : h->old_count;

	/* An empty side names the line after which it goes. */
	if (!count)
		return start;
	return start ? start - 1 : 0;
}

struct apply_index {
	struct lines l;
};

struct apply_index *apply_index_new(const char *text, size_t len)
{
	struct apply_index *ix = xmalloc(sizeof(*ix));

	lines_init(&ix->l, text, len);
	return ix;
}

void apply_index_free(struct apply_index *ix)
{
	if (!ix)
		return;
	lines_release(&ix->l);
	free(ix);
}

int apply_index_find_hunk(struct apply_index *ix, const struct diff_hunk *h,
			  bool new_side, unsigned min_line, unsigned *line)
{
	size_t pos;

	if (find_hunk(&ix->l, h, new_side, expected_line(h, new_side),
		      min_line ? min_line - 1 : 0, &pos))
		return mmr_error_set(MMR_EAPPLY,
				     "hunk @@ -%u,%u +%u,%u @@ not found",
				     h->old_start, h->old_count, h->new_start,
				     h->new_count);
	*line = (unsigned)pos + 1;
	return 0;
}

int apply_find_hunk(const char *text, size_t len, const struct diff_hunk *h,
		    bool new_side, unsigned min_line, unsigned *line)
{
	struct apply_index *ix = apply_index_new(text, len);
	int error = apply_index_find_hunk(ix, h, new_side, min_line, line);

	apply_index_free(ix);
	return error;
}

/* Append old lines [from, to) verbatim. */
static int copy_lines(struct sbuf *out, const struct lines *l, size_t from,
		      size_t to)
{
	if (from >= to)
		return 0;
	return sbuf_add(out, l->text + l->start[from],
			l->start[to] - l->start[from]);
}

static int add_new_side(struct sbuf *out, const struct diff_hunk *h)
{
	size_t i;

	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];

		if (!on_side(dl, true))
			continue;
		if (sbuf_add(out, dl->text, dl->len))
			return MMR_ELIMIT;
		if (!dl->no_newline && sbuf_addch(out, '\n'))
			return MMR_ELIMIT;
	}
	return 0;
}

int apply_file(char **out, size_t *out_len, const char *old_text,
	       size_t old_len, const struct diff_file *f)
{
	struct sbuf sb = SBUF_INIT;
	struct lines l;
	size_t done = 0, i;
	long delta = 0;
	int error = 0;

	lines_init(&l, old_text ? old_text : "", old_text ? old_len : 0);
	for (i = 0; i < f->nhunks; i++) {
		const struct diff_hunk *h = &f->hunks[i];
		long want = (long)expected_line(h, false) + delta;
		size_t pos;

		error = find_hunk(&l, h, false, want < 0 ? 0 : (size_t)want,
				  done, &pos);
		if (error) {
			error = mmr_error_set(
				MMR_EAPPLY,
				"hunk %zu of '%s' (@@ -%u,%u +%u,%u @@) does not apply",
				i + 1, diff_file_path(f), h->old_start,
				h->old_count, h->new_start, h->new_count);
			goto out_release;
		}
		delta = (long)pos - (long)expected_line(h, false);
		if (copy_lines(&sb, &l, done, pos) || add_new_side(&sb, h)) {
			error = mmr_error_set(MMR_ELIMIT,
					      "'%s' grows too large",
					      diff_file_path(f));
			goto out_release;
		}
		done = pos + side_count(h, false);
	}
	if (copy_lines(&sb, &l, done, l.n)) {
		error = mmr_error_set(MMR_ELIMIT, "'%s' grows too large",
				      diff_file_path(f));
		goto out_release;
	}
	*out = sbuf_detach(&sb, out_len);
out_release:
	sbuf_release(&sb);
	lines_release(&l);
	return error;
}
