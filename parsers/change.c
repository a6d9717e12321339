// SPDX-License-Identifier: GPL-2.0
/*
 * change: the change model. For each file the old and new images are
 * parsed (full files, or fragments made of the hunks), every removed and
 * added line is attributed to the definition that covers it, and the
 * definitions are paired across sides by kind, name and occurrence.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "change.h"
#include "sbuf.h"
#include "util.h"

#define CHANGE_MAX_NAME 128 /* bytes of a name change_resolve() accepts */
#define CHANGE_MAX_LINKS 64 /* linked sets searched, transitively */

/* --- (kind, name, occurrence) maps ---------------------------------------- */

/*
 * An open-addressing hash map from (kind, name, occurrence) to an index,
 * so that attributing lines and pairing definitions cost O(1) per lookup.
 * Names are borrowed: they must outlive the map.
 */
struct key_slot {
	const char *name; /* NULL: free */
	unsigned kind, occ;
	size_t val;
};

struct keymap {
	struct key_slot *slots;
	size_t cap, n; /* cap is 0 or a power of two */
};

static size_t key_hash(unsigned kind, const char *name, unsigned occ)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= ((uint64_t)kind << 32) ^ occ;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h ^ (h >> 29));
}

static struct key_slot *keymap_probe(struct key_slot *slots, size_t cap,
				     unsigned kind, const char *name,
				     unsigned occ)
{
	size_t i = key_hash(kind, name, occ) & (cap - 1);

	while (slots[i].name && (slots[i].kind != kind || slots[i].occ != occ ||
				 strcmp(slots[i].name, name)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void keymap_grow(struct keymap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct key_slot *slots = xcalloc(cap, sizeof(*slots));

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].name)
			*keymap_probe(slots, cap, m->slots[i].kind,
				      m->slots[i].name,
				      m->slots[i].occ) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

/* The value of a key, or NULL. */
static size_t *keymap_get(const struct keymap *m, unsigned kind,
			  const char *name, unsigned occ)
{
	struct key_slot *s;

	if (!m->cap)
		return NULL;
	s = keymap_probe(m->slots, m->cap, kind, name, occ);
	return s->name ? &s->val : NULL;
}

/* The value of a key, added as 0 when absent. */
static size_t *keymap_put(struct keymap *m, unsigned kind, const char *name,
			  unsigned occ)
{
	struct key_slot *s;

	if ((m->n + 1) * 2 > m->cap)
		keymap_grow(m);
	s = keymap_probe(m->slots, m->cap, kind, name, occ);
	if (!s->name) {
		s->name = name;
		s->kind = kind;
		s->occ = occ;
		s->val = 0;
		m->n++;
	}
	return &s->val;
}

static void keymap_release(struct keymap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

struct image {
	struct csrc *cs;
	unsigned nlines;
	unsigned *file_line; /* per image line; NULL: the image is the file */
	unsigned char *changed; /* per image line, 1-based */
	unsigned *def_of; /* per image line: 1 + index of the covering def */
	unsigned *occ; /* per def: occurrence of its (kind, name), eligible */
	struct keymap nth; /* (kind, name, occ) -> index of the eligible def */
};

/* Image lines [first, last] of one hunk on each side (first > last: none). */
struct span {
	unsigned first[2], last[2];
};

struct change_file {
	struct change_set *set;
	const struct diff_file *diff; /* while being added */
	char *path;
	enum change_origin origin;
	bool partial;
	char *why;
	struct image img[2];
	unsigned *old_to_new; /* per old image line */
	struct span *spans; /* per hunk */
	size_t nhunks;
	/* Per side: the hunks with lines on it, in line order. */
	size_t *order[2];
	size_t norder[2];
	/* The def of the last changed line per side: already attributed. */
	const struct csrc_def *last_def[2];
};

struct change {
	struct change_file *file;
	const char *name; /* a def's name, or owned_name */
	char *owned_name;
	enum csrc_kind kind;
	unsigned occ; /* occurrence of (kind, name) among the side's defs */
	const struct csrc_def *def[2];
	bool synth_used[2];
	struct csrc_def synth[2]; /* a span without a def of its own */
};

struct cache_entry {
	char *name;
	struct change_expansion *exp; /* NULL: not found */
	char *where;
};

struct change_set {
	struct change_file **files;
	size_t nfiles, afiles;
	struct change **changes;
	size_t nchanges, achanges;
	/* (kind, name, occ) -> index in changes, of the file being added. */
	struct keymap index;
	const struct change_set **links;
	size_t nlinks, alinks;
	change_lookup_fn lookup;
	void *lookup_ctx;
	struct cache_entry *cache; /* sorted by name */
	size_t ncache, acache;
};

/* --- the set ------------------------------------------------------------- */

struct change_set *change_set_new(void)
{
	return xcalloc(1, sizeof(struct change_set));
}

static void image_release(struct image *img)
{
	csrc_free(img->cs);
	free(img->file_line);
	free(img->changed);
	free(img->def_of);
	free(img->occ);
	keymap_release(&img->nth);
	memset(img, 0, sizeof(*img));
}

static void file_free(struct change_file *f)
{
	if (!f)
		return;
	image_release(&f->img[CHANGE_OLD]);
	image_release(&f->img[CHANGE_NEW]);
	free(f->old_to_new);
	free(f->spans);
	free(f->order[CHANGE_OLD]);
	free(f->order[CHANGE_NEW]);
	free(f->path);
	free(f->why);
	free(f);
}

static void change_free(struct change *c)
{
	if (!c)
		return;
	free(c->owned_name);
	free(c);
}

static void cache_entry_release(struct cache_entry *e)
{
	free(e->name);
	free(e->where);
	if (e->exp)
		csrc_expansion_release(&e->exp->exp);
	free(e->exp);
}

void change_set_free(struct change_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nchanges; i++)
		change_free(set->changes[i]);
	for (i = 0; i < set->nfiles; i++)
		file_free(set->files[i]);
	for (i = 0; i < set->ncache; i++)
		cache_entry_release(&set->cache[i]);
	free(set->changes);
	free(set->files);
	free(set->links);
	free(set->cache);
	keymap_release(&set->index);
	free(set);
}

void change_set_link(struct change_set *set, const struct change_set *prev)
{
	if (!prev || prev == set || set->nlinks >= CHANGE_MAX_LINKS)
		return;
	XGROW(set->links, set->alinks, set->nlinks + 1);
	set->links[set->nlinks++] = prev;
}

void change_set_set_lookup(struct change_set *set, change_lookup_fn fn,
			   void *ctx)
{
	set->lookup = fn;
	set->lookup_ctx = ctx;
}

size_t change_set_count(const struct change_set *set)
{
	return set->nchanges;
}

const struct change *change_set_at(const struct change_set *set, size_t i)
{
	return i < set->nchanges ? set->changes[i] : NULL;
}

/* --- images -------------------------------------------------------------- */

static bool on_side(const struct diff_line *dl, enum change_side side)
{
	return dl->origin == ' ' || dl->origin == (side ? '+' : '-');
}

static unsigned side_count(const struct diff_hunk *h, enum change_side side)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < h->nlines; i++)
		n += on_side(&h->lines[i], side);
	return n;
}

static void image_alloc(struct image *img)
{
	img->nlines = csrc_nlines(img->cs);
	img->changed = xcalloc(img->nlines + 2, 1);
	img->def_of = xcalloc(img->nlines + 2, sizeof(*img->def_of));
}

static int parse_image(struct change_file *f, enum change_side side,
		       const char *text, size_t len)
{
	int err = csrc_parse(&f->img[side].cs, text, len);

	if (err < 0) {
		/* Lines of a partial image are the fragment's. */
		mmr_error_prefix("%s (%s image%s)", f->path,
				 side ? "post" : "pre",
				 f->partial ? " built from the hunks" : "");
		return err;
	}
	image_alloc(&f->img[side]);
	return 0;
}

/* True when the hunk's lines of side stand at image line `line`. */
static bool hunk_at(const char *text, const struct csrc *cs,
		    const struct diff_hunk *h, enum change_side side,
		    unsigned line)
{
	uint32_t s, e;
	size_t i;

	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];

		if (!on_side(dl, side))
			continue;
		if (line > csrc_nlines(cs))
			return false;
		s = csrc_line_start(cs, line);
		e = csrc_line_start(cs, line + 1);
		if (e > s && text[e - 1] == '\n')
			e--;
		if (e - s != dl->len || memcmp(text + s, dl->text, dl->len))
			return false;
		line++;
	}
	return true;
}

/* Walks one full image hunk by hunk. */
struct locator {
	const char *text;
	size_t len;
	const struct csrc *cs;
	long delta; /* where the last hunk stood minus its header's line */
	unsigned min; /* the next hunk starts at or after this line */
	struct apply_index *ix; /* the text's lines, made on the first search */
};

/*
 * Where hunk h stands in a full image of that side, or MMR_EAPPLY. The
 * header's line shifted by the last hunk's offset is tried first; only
 * then apply_find_hunk() searches.
 */
static int locate(struct locator *lc, const struct diff_hunk *h,
		  enum change_side side, unsigned *line)
{
	unsigned start = side ? h->new_start : h->old_start;
	unsigned n = side_count(h, side);
	long want = (long)start + lc->delta;
	int err;

	if (!n) {
		/* Nothing of this side: the hunk sits after line start. */
		*line = want + 1 > (long)lc->min ? (unsigned)(want + 1) :
						   lc->min;
		return 0;
	}
	if (want < (long)lc->min || !hunk_at(lc->text, lc->cs, h, side, want)) {
		if (!lc->ix)
			lc->ix = apply_index_new(lc->text, lc->len);
		err = apply_index_find_hunk(lc->ix, h, side == CHANGE_NEW,
					    lc->min, line);
		if (err < 0)
			return err;
	} else {
		*line = want;
	}
	lc->delta = (long)*line - start;
	lc->min = *line + n;
	return 0;
}

/* Find every hunk in the full images; false when one is not found. */
static bool locate_full(struct change_file *f, struct locator lc[2],
			size_t *bad, enum change_side *bad_side)
{
	const struct diff_file *df = f->diff;
	enum change_side s;
	unsigned at;
	size_t i;

	for (i = 0; i < df->nhunks; i++) {
		const struct diff_hunk *h = &df->hunks[i];

		for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
			*bad = i;
			*bad_side = s;
			if (locate(&lc[s], h, s, &at))
				return false;
			f->spans[i].first[s] = at;
			f->spans[i].last[s] = at + side_count(h, s) - 1;
		}
	}
	return true;
}

/* Mark changed lines and map unchanged ones, hunk by hunk. */
static void mark_lines(struct change_file *f)
{
	const struct diff_file *df = f->diff;
	struct image *o = &f->img[CHANGE_OLD], *n = &f->img[CHANGE_NEW];
	unsigned po = 1, pn = 1, ol, nl, k;
	size_t i, j;

	f->old_to_new = xcalloc(o->nlines + 2, sizeof(*f->old_to_new));
	for (i = 0; i <= df->nhunks; i++) {
		ol = i < df->nhunks ? f->spans[i].first[0] : o->nlines + 1;
		nl = i < df->nhunks ? f->spans[i].first[1] : n->nlines + 1;
		/* Lines between hunks keep their distance to the last one. */
		for (k = po; k < ol && k <= o->nlines; k++)
			if (pn + (k - po) < nl && pn + (k - po) <= n->nlines)
				f->old_to_new[k] = pn + (k - po);
		if (i == df->nhunks)
			break;
		for (j = 0; j < df->hunks[i].nlines; j++) {
			char origin = df->hunks[i].lines[j].origin;

			if (origin == ' ' && ol <= o->nlines && nl <= n->nlines)
				f->old_to_new[ol] = nl;
			if (origin != '+' && ol <= o->nlines)
				o->changed[ol] = origin == '-';
			if (origin != '-' && nl <= n->nlines)
				n->changed[nl] = origin == '+';
			ol += origin != '+';
			nl += origin != '-';
		}
		po = ol;
		pn = nl;
	}
}

static char *not_found(const struct change_file *f, size_t bad,
		       enum change_side side)
{
	const struct diff_hunk *h = &f->diff->hunks[bad];
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb,
		  "%s: hunk %zu (@@ -%u,%u +%u,%u @@) not found in the "
		  "%s-image",
		  f->path, bad + 1, h->old_start, h->old_count, h->new_start,
		  h->new_count, side ? "post" : "pre");
	return sbuf_detach(&sb, NULL);
}

/*
 * Parse the full images and find the hunks in them. Returns 0, a negative
 * code, or 1 when a hunk is not found (f->why says which).
 */
static int build_full(struct change_file *f, const char *old_text,
		      size_t old_len, const char *new_text, size_t new_len)
{
	struct locator lc[2] = {
		{ old_text ? old_text : "", old_text ? old_len : 0, NULL, 0, 1,
		  NULL },
		{ new_text ? new_text : "", new_text ? new_len : 0, NULL, 0, 1,
		  NULL },
	};
	enum change_side bad_side;
	size_t bad;
	bool found;
	int err;

	err = parse_image(f, CHANGE_OLD, lc[0].text, lc[0].len);
	if (!err)
		err = parse_image(f, CHANGE_NEW, lc[1].text, lc[1].len);
	if (err < 0)
		return err;
	lc[0].cs = f->img[CHANGE_OLD].cs;
	lc[1].cs = f->img[CHANGE_NEW].cs;
	found = locate_full(f, lc, &bad, &bad_side);
	apply_index_free(lc[0].ix);
	apply_index_free(lc[1].ix);
	if (!found) {
		f->why = not_found(f, bad, bad_side);
		image_release(&f->img[CHANGE_OLD]);
		image_release(&f->img[CHANGE_NEW]);
		return 1;
	}
	mark_lines(f);
	return 0;
}

/* The fragment of one side: the hunks' lines, an empty line between. */
static int fragment(struct change_file *f, enum change_side side,
		    struct sbuf *sb, unsigned **file_line)
{
	const struct diff_file *df = f->diff;
	unsigned line = 0;
	size_t alloc = 0, i, j;

	*file_line = NULL;
	XGROW(*file_line, alloc, 1);
	(*file_line)[0] = 0;
	for (i = 0; i < df->nhunks; i++) {
		const struct diff_hunk *h = &df->hunks[i];

		if (i && sbuf_addch(sb, '\n'))
			return MMR_ELIMIT;
		if (i) {
			XGROW(*file_line, alloc, ++line + 1);
			(*file_line)[line] = 0;
		}
		f->spans[i].first[side] = line + 1;
		for (j = 0; j < h->nlines; j++) {
			const struct diff_line *dl = &h->lines[j];

			if (!on_side(dl, side))
				continue;
			if (sbuf_add(sb, dl->text, dl->len) ||
			    sbuf_addch(sb, '\n'))
				return MMR_ELIMIT;
			XGROW(*file_line, alloc, ++line + 1);
			(*file_line)[line] = side ? dl->new_lineno :
						    dl->old_lineno;
		}
		f->spans[i].last[side] = line;
	}
	return 0;
}

static int build_side_partial(struct change_file *f, enum change_side side)
{
	struct sbuf sb = SBUF_INIT;
	unsigned *map = NULL;
	int err;

	sbuf_init(&sb, CSRC_MAX_INPUT);
	err = fragment(f, side, &sb, &map);
	if (err < 0) {
		err = mmr_error_set(err, "%s: hunks exceed %zu bytes", f->path,
				    CSRC_MAX_INPUT);
		goto cleanup;
	}
	err = parse_image(f, side, sb.buf, sb.len);
	if (err < 0)
		goto cleanup;
	f->img[side].file_line = map;
	map = NULL;
cleanup:
	free(map);
	sbuf_release(&sb);
	return err;
}

static int build_partial(struct change_file *f)
{
	int err = build_side_partial(f, CHANGE_OLD);

	if (!err)
		err = build_side_partial(f, CHANGE_NEW);
	if (!err)
		mark_lines(f);
	return err;
}

/* --- attributing lines to definitions ------------------------------------- */

/* Fragments hold cut code: only definitions at column 1 count there. */
static bool eligible(const struct change_file *f, enum change_side side,
		     const struct csrc_def *d)
{
	return !f->partial || csrc_column_of(f->img[side].cs, d->start) == 1;
}

/*
 * Order the hunks with lines on each side by line. Their spans follow the
 * hunks and do not overlap (each hunk is looked for after the last one);
 * a span that would not follow the last is left out, so that hunk_of()
 * can search.
 */
static void order_hunks(struct change_file *f)
{
	const struct span *sp;
	enum change_side s;
	size_t i, n;

	for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
		f->order[s] = xcalloc(f->nhunks + 1, sizeof(*f->order[s]));
		for (i = 0, n = 0; i < f->nhunks; i++) {
			sp = &f->spans[i];
			if (sp->first[s] > sp->last[s])
				continue; /* nothing of this side */
			if (n && sp->first[s] <=
					 f->spans[f->order[s][n - 1]].last[s])
				continue;
			f->order[s][n++] = i;
		}
		f->norder[s] = n;
	}
}

/* The hunk whose span on side holds line, or -1: a binary search. */
static long hunk_of(const struct change_file *f, enum change_side side,
		    unsigned line)
{
	const size_t *order = f->order[side];
	size_t lo = 0, hi = f->norder[side];

	/* The last span starting at or before line. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->spans[order[mid]].first[side] <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && line <= f->spans[order[lo - 1]].last[side])
		return (long)order[lo - 1];
	return -1;
}

/* The next line from k on that no def covers yet (next[]: skip links). */
static unsigned next_free(unsigned *next, unsigned k)
{
	unsigned r = k, t;

	while (next[r] != r)
		r = next[r];
	while (next[k] != r) {
		t = next[k];
		next[k] = r;
		k = t;
	}
	return r;
}

/* The lines of d, doc comment included, or false when it has none. */
static bool def_lines(const struct change_file *f, enum change_side side,
		      const struct csrc_def *d, unsigned *from, unsigned *to)
{
	long h;

	if (!eligible(f, side, d))
		return false;
	*from = d->doc_line;
	*to = d->end_line;
	if (f->partial) {
		h = hunk_of(f, side, d->start_line);
		if (h < 0)
			return false;
		if (*from < f->spans[h].first[side])
			*from = f->spans[h].first[side];
		if (*to > f->spans[h].last[side])
			*to = f->spans[h].last[side];
	}
	if (*to > f->img[side].nlines)
		*to = f->img[side].nlines;
	return *from >= 1 && *from <= *to;
}

/* Number each eligible def among those of its kind and name. */
static void count_occurrences(struct change_file *f, enum change_side side)
{
	struct image *img = &f->img[side];
	struct keymap seen = { 0 };
	const struct csrc_def *defs;
	size_t n = csrc_defs(img->cs, &defs), i, *v;

	img->occ = xcalloc(n + 1, sizeof(*img->occ));
	for (i = 0; i < n; i++) {
		if (!eligible(f, side, &defs[i]))
			continue;
		v = keymap_put(&seen, defs[i].kind, defs[i].name, 0);
		img->occ[i] = (unsigned)(*v)++;
		v = keymap_put(&img->nth, defs[i].kind, defs[i].name,
			       img->occ[i]);
		*v = i;
	}
	keymap_release(&seen);
}

/*
 * Which def covers each line, doc comment included: the last one in text
 * order, when defs overlap (an ERROR node's functions). In a fragment a
 * def covers only lines of the hunk it starts in: a def cut at the hunk's
 * end must not swallow the next hunk. Defs are visited last first and
 * each line is set once, so overlapping defs cost no more than the lines.
 */
static void cover_lines(struct change_file *f, enum change_side side)
{
	struct image *img = &f->img[side];
	const struct csrc_def *defs;
	size_t n = csrc_defs(img->cs, &defs), i;
	unsigned from, to, k, *next;

	count_occurrences(f, side);
	next = xmalloc((img->nlines + 2) * sizeof(*next));
	for (k = 0; k <= img->nlines + 1; k++)
		next[k] = k;
	for (i = n; i-- > 0;) {
		if (!def_lines(f, side, &defs[i], &from, &to))
			continue;
		for (k = next_free(next, from); k <= to;
		     k = next_free(next, k + 1)) {
			img->def_of[k] = i + 1;
			next[k] = k + 1;
		}
	}
	free(next);
}

/* How many eligible defs of d's kind and name come before d. */
static unsigned occurrence(const struct change_file *f, enum change_side side,
			   const struct csrc_def *d)
{
	const struct csrc_def *defs;

	csrc_defs(f->img[side].cs, &defs);
	return f->img[side].occ[d - defs];
}

static const struct csrc_def *nth_def(const struct change_file *f,
				      enum change_side side,
				      enum csrc_kind kind, const char *name,
				      unsigned occ)
{
	const struct csrc_def *defs;
	size_t *i = keymap_get(&f->img[side].nth, kind, name, occ);

	csrc_defs(f->img[side].cs, &defs);
	return i ? &defs[*i] : NULL;
}

/* The function a hunk header's section names ("foo(int x" -> foo), or "". */
static void section_name(const char *section, char *name, size_t size)
{
	const char *p = strchr(section, '('), *end, *s;
	size_t n = strlen(section);

	name[0] = '\0';
	while (n && (section[n - 1] == ' ' || section[n - 1] == '\t'))
		n--;
	if (!p || (n && section[n - 1] == ';'))
		return;
	end = p;
	while (end > section && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (s = end;
	     s > section && (isalnum((unsigned char)s[-1]) || s[-1] == '_');
	     s--)
		;
	if (s == end || (size_t)(end - s) >= size)
		return;
	memcpy(name, s, end - s);
	name[end - s] = '\0';
	/* SYSCALL_DEFINEn(name, ...): named by its first argument. */
	if (!strncmp(name, "SYSCALL_DEFINE", 14) ||
	    !strncmp(name, "COMPAT_SYSCALL_DEFINE", 21))
		section_name(p + 1, name, size);
}

/*
 * Find or make the change (kind, name, occ) of the file being added (the
 * set's index holds only its changes); copy: name is not a def's.
 */
static int get_change(struct change **out, struct change_file *f,
		      enum csrc_kind kind, const char *name, unsigned occ,
		      bool copy)
{
	struct change_set *set = f->set;
	size_t *i = keymap_get(&set->index, kind, name, occ);
	struct change *c;

	if (i) {
		*out = set->changes[*i];
		return 0;
	}
	if (set->nchanges >= CHANGE_MAX_PER_SET)
		return mmr_error_set(MMR_ELIMIT,
				     "%s: more than %d changes in one patch",
				     f->path, CHANGE_MAX_PER_SET);
	c = xcalloc(1, sizeof(*c));
	c->file = f;
	c->kind = kind;
	c->occ = occ;
	c->owned_name = copy ? xstrdup(name) : NULL;
	c->name = copy ? c->owned_name : name;
	XGROW(set->changes, set->achanges, set->nchanges + 1);
	i = keymap_put(&set->index, kind, c->name, occ);
	*i = set->nchanges;
	set->changes[set->nchanges++] = c;
	*out = c;
	return 0;
}

/* Widen c's synthesized span on side to image lines [from, to]. */
static void synth_widen(struct change *c, enum change_side side, unsigned from,
			unsigned to)
{
	struct csrc_def *d = &c->synth[side];

	if (from > to)
		return;
	if (!c->synth_used[side]) {
		c->synth_used[side] = true;
		d->start_line = from;
		d->end_line = to;
		return;
	}
	if (from < d->start_line)
		d->start_line = from;
	if (to > d->end_line)
		d->end_line = to;
}

static bool blank_line(const struct diff_line *dl)
{
	size_t i;

	for (i = 0; i < dl->len; i++)
		if (!isspace((unsigned char)dl->text[i]))
			return false;
	return true;
}

/* Code inside a function body: indented with a tab, or its closing brace. */
static bool body_line(const struct diff_line *dl)
{
	return (dl->len && dl->text[0] == '\t') ||
	       (dl->len && dl->text[0] == '}');
}

/* A changed line outside every def: the hunk's function, or anonymous. */
static int attribute_loose(struct change_file *f, size_t hunk,
			   const struct diff_line *dl, enum change_side side,
			   unsigned line)
{
	const struct span *sp = &f->spans[hunk];
	char name[CHANGE_MAX_NAME];
	struct change *c;
	int err;

	if (blank_line(dl))
		return 0;
	section_name(f->diff->hunks[hunk].section, name, sizeof(name));
	if (!name[0] || !body_line(dl)) {
		err = get_change(&c, f, CSRC_DECL, "", 0, false);
		if (!err)
			synth_widen(c, side, line, line);
		return err;
	}
	err = get_change(&c, f, CSRC_FUNCTION, name, 0, true);
	if (err < 0)
		return err;
	synth_widen(c, CHANGE_OLD, sp->first[0], sp->last[0]);
	synth_widen(c, CHANGE_NEW, sp->first[1], sp->last[1]);
	return 0;
}

static int attribute_line(struct change_file *f, size_t hunk,
			  const struct diff_line *dl, enum change_side side,
			  unsigned line)
{
	struct image *img = &f->img[side];
	const struct csrc_def *defs, *d;
	struct change *c;
	int err;

	if (line > img->nlines)
		return 0;
	if (!img->def_of[line])
		return attribute_loose(f, hunk, dl, side, line);
	csrc_defs(img->cs, &defs);
	d = &defs[img->def_of[line] - 1];
	/* Lines of one def come together: skip the searches. */
	if (f->last_def[side] == d)
		return 0;
	err = get_change(&c, f, d->kind, d->name, occurrence(f, side, d),
			 false);
	if (err)
		return err;
	if (!c->def[side])
		c->def[side] = d;
	f->last_def[side] = d;
	return 0;
}

static int attribute_hunks(struct change_file *f)
{
	const struct diff_file *df = f->diff;
	unsigned at[2];
	size_t i, j;
	int err = 0;

	for (i = 0; i < df->nhunks && !err; i++) {
		at[0] = f->spans[i].first[0];
		at[1] = f->spans[i].first[1];
		for (j = 0; j < df->hunks[i].nlines && !err; j++) {
			const struct diff_line *dl = &df->hunks[i].lines[j];

			if (dl->origin == '-')
				err = attribute_line(f, i, dl, CHANGE_OLD,
						     at[0]);
			else if (dl->origin == '+')
				err = attribute_line(f, i, dl, CHANGE_NEW,
						     at[1]);
			at[0] += dl->origin != '+';
			at[1] += dl->origin != '-';
		}
	}
	return err;
}

static void synth_finish(struct change *c, enum change_side side)
{
	const struct csrc *cs = c->file->img[side].cs;
	struct csrc_def *d = &c->synth[side];

	d->kind = c->kind;
	d->name = c->name;
	d->node = csrc_root(cs);
	d->start = csrc_line_start(cs, d->start_line);
	d->end = csrc_line_start(cs, d->end_line + 1);
	d->doc_start = d->start;
	d->doc_line = d->start_line;
	c->def[side] = d;
}

/* Give each change its def on the side where it has no changed line. */
static void pair_changes(struct change_file *f, size_t first)
{
	struct change_set *set = f->set;
	enum change_side s;
	size_t i;

	for (i = first; i < set->nchanges; i++) {
		struct change *c = set->changes[i];

		for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
			if (c->def[s])
				continue;
			if (c->synth_used[s])
				synth_finish(c, s);
			else if (c->name[0])
				c->def[s] =
					nth_def(f, s, c->kind, c->name, c->occ);
		}
	}
}

/* --- adding a file ------------------------------------------------------- */

static bool images_usable(const struct change_file *f, const char *old_text,
			  const char *new_text)
{
	if (!old_text && f->diff->status != DIFF_ADDED)
		return false;
	return new_text || f->diff->status == DIFF_DELETED;
}

/* Decide full or partial images and build them. */
static int build_images(struct change_file *f, const char *old_text,
			size_t old_len, const char *new_text, size_t new_len,
			const char *why)
{
	int err;

	if (f->origin != CHANGE_FROM_HUNKS &&
	    images_usable(f, old_text, new_text)) {
		err = build_full(f, old_text, old_len, new_text, new_len);
		if (err <= 0)
			return err;
	} else if (why) {
		f->why = xstrdup(why);
	}
	if (!f->why) {
		struct sbuf sb = SBUF_INIT;

		sbuf_addf(&sb, "%s: built from the hunks alone", f->path);
		f->why = sbuf_detach(&sb, NULL);
	}
	f->partial = true;
	memset(f->spans, 0, f->diff->nhunks * sizeof(*f->spans));
	return build_partial(f);
}

static void drop_changes(struct change_set *set, size_t first)
{
	while (set->nchanges > first)
		change_free(set->changes[--set->nchanges]);
}

int change_set_add_file(struct change_set *set, const struct diff_file *df,
			const char *old_text, size_t old_len,
			const char *new_text, size_t new_len,
			enum change_origin origin, const char *why)
{
	struct change_file *f = xcalloc(1, sizeof(*f));
	size_t first = set->nchanges;
	int err;

	f->set = set;
	f->diff = df;
	f->path = xstrdup(diff_file_path(df) ? diff_file_path(df) : "");
	f->origin = origin;
	f->spans = xcalloc(df->nhunks + 1, sizeof(*f->spans));
	f->nhunks = df->nhunks;
	err = build_images(f, old_text, old_len, new_text, new_len, why);
	if (err < 0)
		goto out_free_file;
	order_hunks(f);
	cover_lines(f, CHANGE_OLD);
	cover_lines(f, CHANGE_NEW);
	err = attribute_hunks(f);
	keymap_release(&set->index); /* this file's changes only */
	if (err < 0)
		goto out_drop_changes;
	pair_changes(f, first);
	f->diff = NULL; /* only needed while adding */
	XGROW(set->files, set->afiles, set->nfiles + 1);
	set->files[set->nfiles++] = f;
	return 0;
out_drop_changes:
	drop_changes(set, first);
out_free_file:
	file_free(f);
	return err;
}

/* --- accessors ----------------------------------------------------------- */

size_t change_set_nfiles(const struct change_set *set)
{
	return set->nfiles;
}

const char *change_set_file_path(const struct change_set *set, size_t i)
{
	return set->files[i]->path;
}

enum change_origin change_set_file_origin(const struct change_set *set,
					  size_t i)
{
	return set->files[i]->origin;
}

bool change_set_file_partial(const struct change_set *set, size_t i)
{
	return set->files[i]->partial;
}

const char *change_set_file_reason(const struct change_set *set, size_t i)
{
	return set->files[i]->partial ? set->files[i]->why : NULL;
}

const struct change_set *change_owner(const struct change *c)
{
	return c->file->set;
}

const char *change_path(const struct change *c)
{
	return c->file->path;
}

const char *change_name(const struct change *c)
{
	return c->name;
}

enum csrc_kind change_kind(const struct change *c)
{
	return c->kind;
}

enum change_origin change_origin(const struct change *c)
{
	return c->file->origin;
}

const char *change_origin_name(enum change_origin o)
{
	static const char *const names[] = {
		[CHANGE_FROM_GIT] = "git",
		[CHANGE_FROM_BLOB] = "blob",
		[CHANGE_FROM_BASE_COMMIT] = "base-commit",
		[CHANGE_FROM_APPLIED] = "applied",
		[CHANGE_FROM_HUNKS] = "hunks",
	};

	if ((unsigned)o >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[o];
}

bool change_partial(const struct change *c)
{
	return c->file->partial;
}

const char *change_partial_reason(const struct change *c)
{
	return c->file->partial ? c->file->why : NULL;
}

const struct csrc *change_src(const struct change *c, enum change_side side)
{
	return c->file->img[side ? 1 : 0].cs;
}

const struct csrc_def *change_def(const struct change *c, enum change_side side)
{
	return c->def[side ? 1 : 0];
}

bool change_line_changed(const struct change *c, enum change_side side,
			 unsigned line)
{
	const struct image *img = &c->file->img[side ? 1 : 0];

	return line >= 1 && line <= img->nlines && img->changed[line];
}

unsigned change_file_line(const struct change *c, enum change_side side,
			  unsigned line)
{
	const struct image *img = &c->file->img[side ? 1 : 0];

	if (line < 1 || line > img->nlines)
		return 0;
	return img->file_line ? img->file_line[line] : line;
}

unsigned change_hunk_of(const struct change *c, enum change_side side,
			unsigned line)
{
	return (unsigned)(hunk_of(c->file, side ? 1 : 0, line) + 1);
}

unsigned change_map_old_to_new(const struct change *c, unsigned old_line)
{
	const struct change_file *f = c->file;

	if (old_line < 1 || old_line > f->img[CHANGE_OLD].nlines)
		return 0;
	return f->old_to_new[old_line];
}

/* --- resolving names ---------------------------------------------------- */

struct builtin {
	const char *name;
	const char *param;
	const char *body;
};

/* One-expression mm helpers, as in include/linux of 6.1 to 6.12. */
static const struct builtin builtins[] = {
	{ "is_cow_mapping", "flags",
	  "(flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE" },
	{ "is_vm_hugetlb_page", "vma", "vma->vm_flags & VM_HUGETLB" },
	{ "userfaultfd_armed", "vma", "vma->vm_flags & __VM_UFFD_FLAGS" },
	{ "userfaultfd_minor", "vma", "vma->vm_flags & VM_UFFD_MINOR" },
	{ "userfaultfd_missing", "vma", "vma->vm_flags & VM_UFFD_MISSING" },
	{ "userfaultfd_wp", "vma", "vma->vm_flags & VM_UFFD_WP" },
	{ "vma_is_accessible", "vma", "vma->vm_flags & VM_ACCESS_FLAGS" },
	{ "vma_is_anonymous", "vma", "!vma->vm_ops" },
};

static bool builtin_find(const char *name, struct csrc_expansion *e)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		if (strcmp(builtins[i].name, name))
			continue;
		memset(e, 0, sizeof(*e));
		e->kind = CSRC_FUNCTION;
		e->nparams = 1;
		e->params[0] = xstrdup(builtins[i].param);
		e->body = xstrdup(builtins[i].body);
		return true;
	}
	return false;
}

static bool valid_name(const char *name)
{
	size_t i;

	if (!name || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
		return false;
	for (i = 1; name[i]; i++)
		if (i >= CHANGE_MAX_NAME ||
		    !(isalnum((unsigned char)name[i]) || name[i] == '_'))
			return false;
	return true;
}

static char *where_in(const struct change_file *f, unsigned line)
{
	const struct image *img = &f->img[CHANGE_NEW];
	struct sbuf sb = SBUF_INIT;
	unsigned fl = line;

	if (img->file_line)
		fl = line <= img->nlines ? img->file_line[line] : 0;
	sbuf_addf(&sb, "%s:%u", f->path, fl);
	return sbuf_detach(&sb, NULL);
}

/* Search the new images of set's files. */
static bool find_in_set(const struct change_set *set, const char *name,
			struct csrc_expansion *e, char **where)
{
	size_t i;

	for (i = 0; i < set->nfiles; i++) {
		const struct change_file *f = set->files[i];

		if (!csrc_expansion_find(f->img[CHANGE_NEW].cs, name, e)) {
			*where = where_in(f, e->line);
			return true;
		}
	}
	return false;
}

/* Search linked sets, and theirs, breadth first, each set once. */
static bool find_in_links(const struct change_set *set, const char *name,
			  struct csrc_expansion *e, char **where)
{
	const struct change_set *queue[CHANGE_MAX_LINKS];
	size_t head = 0, tail = 0, i, k;

	for (i = 0; i < set->nlinks && tail < CHANGE_MAX_LINKS; i++)
		queue[tail++] = set->links[i];
	while (head < tail) {
		const struct change_set *s = queue[head++];

		if (find_in_set(s, name, e, where))
			return true;
		for (i = 0; i < s->nlinks && tail < CHANGE_MAX_LINKS; i++) {
			for (k = 0; k < tail && queue[k] != s->links[i]; k++)
				;
			if (k == tail && s->links[i] != set)
				queue[tail++] = s->links[i];
		}
	}
	return false;
}

static bool find_in_tree(struct change_set *set, const char *name,
			 struct csrc_expansion *e, char **where)
{
	char *text, *w = NULL;
	bool found;

	if (!set->lookup)
		return false;
	text = set->lookup(set->lookup_ctx, name, &w);
	if (!text) {
		free(w);
		return false;
	}
	found = !csrc_expansion_parse(text, strlen(text), name, e);
	free(text);
	if (found)
		*where = w ? w : xstrdup("base tree");
	else
		free(w);
	return found;
}

static struct change_expansion *resolve(struct change_set *set,
					const char *name, char **where)
{
	struct change_expansion *x = xcalloc(1, sizeof(*x));

	if (find_in_set(set, name, &x->exp, where)) {
		x->found = CHANGE_FOUND_PATCH;
	} else if (find_in_links(set, name, &x->exp, where)) {
		x->found = CHANGE_FOUND_SERIES;
	} else if (find_in_tree(set, name, &x->exp, where)) {
		x->found = CHANGE_FOUND_TREE;
	} else if (builtin_find(name, &x->exp)) {
		x->found = CHANGE_FOUND_BUILTIN;
		*where = xstrdup("built-in");
	} else {
		free(x);
		return NULL;
	}
	x->where = *where;
	return x;
}

/* The cache slot of name: found (true) or where to insert it. */
static bool cache_find(const struct change_set *set, const char *name,
		       size_t *pos)
{
	size_t lo = 0, hi = set->ncache;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(set->cache[mid].name, name);

		if (!cmp) {
			*pos = mid;
			return true;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return false;
}

const struct change_expansion *change_resolve(const struct change *c,
					      const char *name)
{
	struct change_set *set = c->file->set;
	struct cache_entry e = { 0 };
	size_t pos;

	if (!valid_name(name))
		return NULL;
	if (cache_find(set, name, &pos))
		return set->cache[pos].exp;
	e.name = xstrdup(name);
	e.exp = resolve(set, name, &e.where);
	XGROW(set->cache, set->acache, set->ncache + 1);
	memmove(&set->cache[pos + 1], &set->cache[pos],
		(set->ncache - pos) * sizeof(*set->cache));
	set->cache[pos] = e;
	set->ncache++;
	return e.exp;
}
