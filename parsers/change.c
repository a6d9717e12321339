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
#include <zlib.h>

#include "apply.h"
#include "change.h"
#include "fragment.h"
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
	struct csrc *cs; /* NULL while the file sleeps */
	/*
	 * Asleep: the text the tree was made from, to make it again,
	 * deflated (mostly blanks, it takes a few per cent of its size).
	 */
	unsigned char *sleep_text;
	size_t sleep_size, sleep_len;
	unsigned nlines;
	unsigned *file_line; /* per image line; NULL: the image is the file */
	unsigned *patch_line; /* per image line of a fragment: the patch's */
	unsigned char *changed; /* per image line, 1-based */
	unsigned *def_of; /* per image line: 1 + index of the covering def */
	unsigned *occ; /* per def: occurrence of its (kind, name), eligible */
	struct keymap nth; /* (kind, name, occ) -> index of the eligible def */
};

/* Image lines [first, last] of one hunk on each side (first > last: none). */
struct span {
	unsigned first[2], last[2];
	unsigned header[2]; /* the hunk's first line as the patch numbers it */
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
	bool asleep; /* the trees are freed; the texts are kept */
	/*
	 * Asleep: the macros and helpers of the new image by name, what a
	 * later patch looks up, so that a lookup need not wake the file.
	 */
	struct file_exp *exps;
	size_t nexps;
};

struct file_exp {
	char *name;
	struct csrc_expansion exp;
};

struct change {
	struct change_file *file;
	/* Where each def starts, to find it again in a new tree. */
	uint32_t def_start[2];
	const char *name; /* owned_name */
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

/*
 * The files of a series that are awake: a set linked to earlier ones
 * shares their pool, so that putting a series back to sleep costs the
 * files woken, not the length of the series.
 */
struct change_pool {
	struct change_file **awake;
	size_t n, alloc;
	unsigned refs;
};

struct change_set {
	struct change_pool *pool;
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
	char *subject, *message;
	char *root; /* the base tree's directory, or NULL */
	change_commit_fn history;
	void *history_ctx;
};

/* --- the set ------------------------------------------------------------- */

struct change_set *change_set_new(void)
{
	struct change_set *set = xcalloc(1, sizeof(*set));

	set->pool = xcalloc(1, sizeof(*set->pool));
	set->pool->refs = 1;
	return set;
}

static void pool_add(struct change_pool *pool, struct change_file *f)
{
	XGROW(pool->awake, pool->alloc, pool->n + 1);
	pool->awake[pool->n++] = f;
}

static void pool_remove(struct change_pool *pool, struct change_file *f)
{
	size_t i;

	for (i = 0; i < pool->n; i++) {
		if (pool->awake[i] == f) {
			pool->awake[i] = pool->awake[--pool->n];
			return;
		}
	}
}

static void pool_put(struct change_pool *pool)
{
	if (!pool || --pool->refs)
		return;
	free(pool->awake);
	free(pool);
}

static void image_release(struct image *img)
{
	csrc_free(img->cs);
	free(img->sleep_text);
	free(img->file_line);
	free(img->patch_line);
	free(img->changed);
	free(img->def_of);
	free(img->occ);
	keymap_release(&img->nth);
	memset(img, 0, sizeof(*img));
}

static void exps_release(struct change_file *f)
{
	size_t i;

	for (i = 0; i < f->nexps; i++) {
		free(f->exps[i].name);
		csrc_expansion_release(&f->exps[i].exp);
	}
	free(f->exps);
	f->exps = NULL;
	f->nexps = 0;
}

static void file_free(struct change_file *f)
{
	if (!f)
		return;
	exps_release(f);
	if (!f->asleep && f->set)
		pool_remove(f->set->pool, f);
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
	free(set->subject);
	free(set->message);
	free(set->root);
	pool_put(set->pool);
	free(set->cache);
	keymap_release(&set->index);
	free(set);
}

void change_set_link(struct change_set *set, const struct change_set *prev)
{
	if (!prev || prev == set || set->nlinks >= CHANGE_MAX_LINKS)
		return;
	/* One pool for a series: the set's own, while it has no file. */
	if (!set->nfiles && set->pool != prev->pool) {
		pool_put(set->pool);
		set->pool = prev->pool;
		set->pool->refs++;
	}
	XGROW(set->links, set->alinks, set->nlinks + 1);
	set->links[set->nlinks++] = prev;
}

size_t change_set_nlinks(const struct change_set *set)
{
	return set->nlinks;
}

const struct change_set *change_set_link_at(const struct change_set *set,
					    size_t i)
{
	return i < set->nlinks ? set->links[i] : NULL;
}

void change_set_set_patch(struct change_set *set, const char *subject,
			  const char *message, size_t len)
{
	free(set->subject);
	free(set->message);
	set->subject = xstrdup(subject ? subject : "");
	set->message = message ? xstrndup(message, len) : xstrdup("");
}

const char *change_set_subject(const struct change_set *set)
{
	return set->subject ? set->subject : "";
}

const char *change_set_message(const struct change_set *set)
{
	return set->message ? set->message : "";
}

void change_set_set_root(struct change_set *set, const char *dir)
{
	free(set->root);
	set->root = dir ? xstrdup(dir) : NULL;
}

const char *change_set_root(const struct change_set *set)
{
	return set->root;
}

void change_set_set_history(struct change_set *set, change_commit_fn fn,
			    void *ctx)
{
	set->history = fn;
	set->history_ctx = ctx;
}

char *change_set_commit(const struct change_set *set, const char *commit,
			char **subject)
{
	*subject = NULL;
	return set->history ? set->history(set->history_ctx, commit, subject) :
			      NULL;
}

bool change_set_has_history(const struct change_set *set)
{
	return set->history != NULL;
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
			f->spans[i].header[s] = s ? h->new_start : h->old_start;
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
		/*
		 * Lines between hunks keep their distance to the last one;
		 * in a fragment they are synthetic and map to nothing.
		 */
		for (k = po; !f->partial && k < ol && k <= o->nlines; k++)
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

/* Both sides from the hunks alone, framed as C (fragment.h). */
static int build_partial(struct change_file *f)
{
	struct fragment fr[2];
	enum change_side side;
	size_t i;
	int err;

	err = fragment_build(fr, f->diff, CSRC_MAX_INPUT);
	if (err < 0) {
		err = mmr_error_set(err, "%s: hunks exceed %zu bytes", f->path,
				    CSRC_MAX_INPUT);
		goto out;
	}
	for (side = CHANGE_OLD; side <= CHANGE_NEW && !err; side++) {
		err = parse_image(f, side, fr[side].text, fr[side].len);
		if (err)
			break;
		f->img[side].file_line = fr[side].file_line;
		f->img[side].patch_line = fr[side].patch_line;
		fr[side].file_line = NULL;
		fr[side].patch_line = NULL;
		for (i = 0; i < f->nhunks; i++) {
			f->spans[i].first[side] = fr[side].first[i];
			f->spans[i].last[side] = fr[side].last[i];
		}
	}
	if (!err)
		mark_lines(f);
out:
	fragment_release(&fr[0]);
	fragment_release(&fr[1]);
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

/* How many spans of side start at or before line: a binary search. */
static size_t spans_up_to(const struct change_file *f, enum change_side side,
			  unsigned line)
{
	const size_t *order = f->order[side];
	size_t lo = 0, hi = f->norder[side];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->spans[order[mid]].first[side] <= line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The hunk whose span on side holds line, or -1. */
static long hunk_of(const struct change_file *f, enum change_side side,
		    unsigned line)
{
	size_t n = spans_up_to(f, side, line);

	if (n && line <= f->spans[f->order[side][n - 1]].last[side])
		return (long)f->order[side][n - 1];
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
	if (!eligible(f, side, d))
		return false;
	*from = d->doc_line;
	*to = d->end_line;
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

/*
 * Find or make the change (kind, name, occ) of the file being added (the
 * set's index holds only its changes). The change owns a copy of the
 * name: the trees it comes from are made again (sparse, asleep).
 */
static int get_change(struct change **out, struct change_file *f,
		      enum csrc_kind kind, const char *name, unsigned occ)
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
	c->owned_name = xstrdup(name);
	c->name = c->owned_name;
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
	fragment_function_name(f->diff->hunks[hunk].section,
			       strlen(f->diff->hunks[hunk].section), name,
			       sizeof(name));
	if (!name[0] || !body_line(dl)) {
		err = get_change(&c, f, CSRC_DECL, "", 0);
		if (!err)
			synth_widen(c, side, line, line);
		return err;
	}
	err = get_change(&c, f, CSRC_FUNCTION, name, 0);
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
	err = get_change(&c, f, d->kind, d->name, occurrence(f, side, d));
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

/* What attributing lines took: not needed once the file is added. */
static void attribution_release(struct change_file *f)
{
	enum change_side s;

	for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
		free(f->img[s].def_of);
		free(f->img[s].occ);
		keymap_release(&f->img[s].nth);
		f->img[s].def_of = NULL;
		f->img[s].occ = NULL;
	}
}

/* --- sparse trees and sleep ------------------------------------------------- */

/* A small function that may be a one-expression helper a use resolves. */
#define CHANGE_HELPER_MAX_LINES 12

static void add_range(struct csrc_range **v, size_t *n, size_t *alloc,
		      uint32_t start, uint32_t end)
{
	if (start >= end)
		return;
	XGROW(*v, *alloc, *n + 1);
	(*v)[*n].start = start;
	(*v)[*n].end = end;
	(*n)++;
}

static int range_order(const void *a, const void *b)
{
	const struct csrc_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge ranges in place; returns how many are left. */
static size_t merge_ranges(struct csrc_range *v, size_t n)
{
	size_t i, k = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), range_order);
	for (i = 0; i < n; i++) {
		if (k && v[i].start <= v[k - 1].end) {
			if (v[i].end > v[k - 1].end)
				v[k - 1].end = v[i].end;
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

/*
 * What rules read of a full image: the definitions the patch touches,
 * with their comments; on the new side also every macro and small
 * function, which a use may resolve to.
 */
static size_t keep_ranges(const struct change_file *f, enum change_side side,
			  size_t first, struct csrc_range **out)
{
	const struct change_set *set = f->set;
	const struct csrc *cs = f->img[side].cs;
	const struct csrc_def *defs, *d;
	size_t i, n = 0, alloc = 0, nd = csrc_defs(cs, &defs);

	/* Not NULL, even empty: nothing to keep is not everything. */
	*out = xmalloc(sizeof(**out));
	for (i = first; i < set->nchanges; i++) {
		const struct change *c = set->changes[i];

		d = c->def[side];
		if (d && c->file == f)
			add_range(out, &n, &alloc, d->doc_start, d->end);
	}
	for (i = 0; side == CHANGE_NEW && i < nd; i++) {
		d = &defs[i];
		if (d->kind == CSRC_MACRO || d->kind == CSRC_FUNC_MACRO ||
		    (d->kind == CSRC_FUNCTION &&
		     d->end_line - d->start_line < CHANGE_HELPER_MAX_LINES))
			add_range(out, &n, &alloc, d->doc_start, d->end);
	}
	return merge_ranges(*out, n);
}

/* The def of a tree that starts where a change's def started. */
static const struct csrc_def *
def_starting(const struct csrc *cs, const struct change *c, uint32_t start)
{
	const struct csrc_def *defs;
	size_t lo = 0, hi = csrc_defs(cs, &defs), k;

	/* Defs are in text order: the first starting at start or after. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (defs[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < csrc_defs(cs, &defs) && defs[k].start == start; k++)
		if (defs[k].kind == c->kind && !strcmp(defs[k].name, c->name))
			return &defs[k];
	return NULL;
}

/* Point the changes of f at the defs of its new trees. */
static void repoint_changes(struct change_file *f)
{
	enum change_side s;
	size_t i;

	for (i = 0; i < f->set->nchanges; i++) {
		struct change *c = f->set->changes[i];

		if (c->file != f)
			continue;
		for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
			/* A synthesized span and a def can both be used. */
			if (c->synth_used[s])
				c->synth[s].node = csrc_root(f->img[s].cs);
			if (c->def[s] != &c->synth[s] &&
			    c->def_start[s] != UINT32_MAX)
				c->def[s] = def_starting(f->img[s].cs, c,
							 c->def_start[s]);
		}
	}
}

static void note_def_starts(struct change_file *f, size_t first)
{
	enum change_side s;
	size_t i;

	for (i = first; i < f->set->nchanges; i++) {
		struct change *c = f->set->changes[i];

		if (c->file != f)
			continue;
		for (s = CHANGE_OLD; s <= CHANGE_NEW; s++)
			c->def_start[s] = c->def[s] && c->def[s] !=
								  &c->synth[s] ?
						  c->def[s]->start :
						  UINT32_MAX;
	}
}

/*
 * Parse each full image again keeping only what rules read: a patch
 * that touches a line in each of many large files costs its lines, not
 * the files. The changes follow their defs into the new trees.
 */
static int make_sparse(struct change_file *f, size_t first)
{
	struct csrc_range *keep;
	enum change_side s;
	struct csrc *cs;
	size_t nkeep, len;
	const char *text;
	int err = 0;

	note_def_starts(f, first);
	for (s = CHANGE_OLD; s <= CHANGE_NEW && !err; s++) {
		nkeep = keep_ranges(f, s, first, &keep);
		text = csrc_text(f->img[s].cs, &len);
		err = csrc_parse_ranges(&cs, text, len, keep, nkeep);
		free(keep);
		if (err)
			break;
		csrc_free(f->img[s].cs);
		f->img[s].cs = cs;
	}
	repoint_changes(f);
	return err;
}

static void deflate_text(struct image *img, const char *text, size_t len,
			 const char *path)
{
	uLongf size = compressBound(len);

	img->sleep_text = xmalloc(size);
	/* Only memory can fail a deflate into a buffer of its bound. */
	if (compress2(img->sleep_text, &size, (const Bytef *)text, len,
		      Z_BEST_SPEED) != Z_OK)
		mmr_die("cannot keep %s: deflate failed", path);
	img->sleep_text = xrealloc(img->sleep_text, size ? size : 1);
	img->sleep_size = size;
	img->sleep_len = len;
}

static char *inflate_text(const struct image *img, const char *path)
{
	char *text = xmalloc(img->sleep_len + 1);
	uLongf len = img->sleep_len;

	if (uncompress((Bytef *)text, &len, img->sleep_text, img->sleep_size) !=
		    Z_OK ||
	    len != img->sleep_len)
		mmr_die("cannot read %s again: inflate failed", path);
	text[len] = '\0';
	return text;
}

/* The trees of a sleeping file, made again from its texts. */
static void file_wake(const struct change_file *cf)
{
	struct change_file *f = (struct change_file *)cf;
	enum change_side s;

	if (!f->asleep)
		return;
	for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
		struct image *img = &f->img[s];

		char *text = inflate_text(img, f->path);

		/* The same text parsed before: only memory can fail it. */
		if (csrc_parse(&img->cs, text, img->sleep_len) < 0)
			mmr_die("cannot parse %s again: %s", f->path,
				mmr_error_last());
		free(text);
		free(img->sleep_text);
		img->sleep_text = NULL;
	}
	f->asleep = false;
	exps_release(f);
	pool_add(f->set->pool, f);
	repoint_changes(f);
}

static int exp_order(const void *a, const void *b)
{
	return strcmp(((const struct file_exp *)a)->name,
		      ((const struct file_exp *)b)->name);
}

/* What csrc_expansion_find() would find in the new image, by name. */
static void index_expansions(struct change_file *f)
{
	const struct csrc *cs = f->img[CHANGE_NEW].cs;
	const struct csrc_def *defs;
	size_t i, n = csrc_defs(cs, &defs), alloc = 0;
	struct csrc_expansion e;

	exps_release(f);
	for (i = 0; i < n; i++) {
		/* Each name once, at its first def, as a lookup would. */
		if (!*defs[i].name ||
		    csrc_def_find(cs, defs[i].name, -1) != &defs[i] ||
		    csrc_expansion_find(cs, defs[i].name, &e))
			continue;
		XGROW(f->exps, alloc, f->nexps + 1);
		f->exps[f->nexps].name = xstrdup(defs[i].name);
		f->exps[f->nexps++].exp = e;
	}
	if (f->nexps)
		qsort(f->exps, f->nexps, sizeof(*f->exps), exp_order);
}

static void file_sleep(struct change_file *f)
{
	enum change_side s;
	size_t len;

	if (f->asleep)
		return;
	note_def_starts(f, 0);
	index_expansions(f);
	for (s = CHANGE_OLD; s <= CHANGE_NEW; s++) {
		struct image *img = &f->img[s];
		const char *text = csrc_text(img->cs, &len);

		deflate_text(img, text, len, f->path);
		csrc_free(img->cs);
		img->cs = NULL;
	}
	f->asleep = true;
}

void change_set_sleep(struct change_set *set)
{
	struct change_pool *pool = set->pool;

	while (pool->n)
		file_sleep(pool->awake[--pool->n]);
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
	attribution_release(f);
	if (!f->partial) {
		err = make_sparse(f, first);
		if (err < 0)
			goto out_drop_changes;
	}
	f->diff = NULL; /* only needed while adding */
	XGROW(set->files, set->afiles, set->nfiles + 1);
	set->files[set->nfiles++] = f;
	pool_add(set->pool, f);
	return 0;
out_drop_changes:
	drop_changes(set, first);
out_free_file:
	file_free(f);
	return err;
}

/* --- accessors ----------------------------------------------------------- */

static const struct change *find_in(const struct change_set *set,
				    enum csrc_kind kind, const char *name)
{
	size_t i;

	for (i = 0; i < set->nchanges; i++)
		if (set->changes[i]->kind == kind &&
		    !strcmp(set->changes[i]->name, name))
			return set->changes[i];
	return NULL;
}

const struct change *change_set_find(const struct change_set *set,
				     enum csrc_kind kind, const char *name)
{
	const struct change *c = find_in(set, kind, name);
	size_t i;

	for (i = 0; !c && i < set->nlinks; i++)
		c = find_in(set->links[i], kind, name);
	return c;
}

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

bool change_is_toplevel(const struct change *c)
{
	return c->kind == CSRC_DECL && !*c->name;
}

const char *change_name(const struct change *c)
{
	/* A function no line of the patch names has a placeholder. */
	if (fragment_is_anon(c->name))
		return "";
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
	file_wake(c->file);
	return c->file->img[side ? 1 : 0].cs;
}

const struct csrc_def *change_def(const struct change *c, enum change_side side)
{
	file_wake(c->file);
	return c->def[side ? 1 : 0];
}

bool change_line_changed(const struct change *c, enum change_side side,
			 unsigned line)
{
	const struct image *img = &c->file->img[side ? 1 : 0];

	return line >= 1 && line <= img->nlines && img->changed[line];
}

/*
 * A full image's line as the patch numbers it: a tree older or newer
 * than the patch's base holds the hunks at an offset, and the author
 * knows the lines of the patch. The nearest hunk at or above the line
 * gives the offset (the first hunk, above it).
 */
static unsigned patch_line(const struct change_file *f, enum change_side side,
			   unsigned line)
{
	size_t n = spans_up_to(f, side, line);
	const struct span *sp;
	long l;

	if (!f->norder[side])
		return line;
	sp = &f->spans[f->order[side][n ? n - 1 : 0]];
	l = (long)line - (long)sp->first[side] + (long)sp->header[side];
	return l > 0 ? (unsigned)l : 0;
}

unsigned change_file_line(const struct change *c, enum change_side side,
			  unsigned line)
{
	const struct change_file *f = c->file;
	const struct image *img = &f->img[side ? 1 : 0];

	if (line < 1 || line > img->nlines)
		return 0;
	if (img->file_line)
		return img->file_line[line];
	return patch_line(f, side ? CHANGE_NEW : CHANGE_OLD, line);
}

unsigned change_patch_line(const struct change *c, enum change_side side,
			   unsigned line)
{
	const struct image *img = &c->file->img[side ? 1 : 0];

	if (!img->patch_line || line < 1 || line > img->nlines)
		return 0;
	return img->patch_line[line];
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
	else
		fl = patch_line(f, CHANGE_NEW, line);
	sbuf_addf(&sb, "%s:%u", f->path, fl);
	return sbuf_detach(&sb, NULL);
}

/* Search the new images of set's files. */
static void expansion_copy(struct csrc_expansion *dst,
			   const struct csrc_expansion *src)
{
	unsigned i;

	*dst = *src;
	for (i = 0; i < src->nparams; i++)
		dst->params[i] = xstrdup(src->params[i]);
	dst->body = xstrdup(src->body);
}

/* The expansion of name in a sleeping file, from its index. */
static bool find_asleep(const struct change_file *f, const char *name,
			struct csrc_expansion *e)
{
	struct file_exp key = { .name = (char *)name };
	const struct file_exp *x;

	if (!f->nexps)
		return false;
	x = bsearch(&key, f->exps, f->nexps, sizeof(*f->exps), exp_order);
	if (x)
		expansion_copy(e, &x->exp);
	return x != NULL;
}

static bool find_in_set(const struct change_set *set, const char *name,
			struct csrc_expansion *e, char **where)
{
	size_t i;

	for (i = 0; i < set->nfiles; i++) {
		const struct change_file *f = set->files[i];
		bool found = f->asleep ?
				     find_asleep(f, name, e) :
				     !csrc_expansion_find(f->img[CHANGE_NEW].cs,
							  name, e);

		if (found) {
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

/* The first function or macro named name in a full new image of the set. */
static char *definition_in_set(const struct change_set *set, const char *name,
			       char **where)
{
	static const int kinds[] = { CSRC_FUNCTION, CSRC_FUNC_MACRO,
				     CSRC_MACRO };
	size_t i, k;

	for (i = 0; i < set->nfiles; i++) {
		const struct change_file *f = set->files[i];
		const struct csrc *cs = f->img[CHANGE_NEW].cs;
		const char *text;

		if (f->partial || f->asleep || !cs)
			continue;
		text = csrc_text(cs, NULL);
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const struct csrc_def *d =
				csrc_def_find(cs, name, kinds[k]);

			if (!d)
				continue;
			*where = where_in(f, d->start_line);
			return xstrndup(text + d->start, d->end - d->start);
		}
	}
	return NULL;
}

char *change_definition(const struct change *c, const char *name, char **where)
{
	const struct change_set *set = c->file->set;
	char *text, *w = NULL;

	*where = NULL;
	if (!valid_name(name))
		return NULL;
	text = definition_in_set(set, name, where);
	if (text || !set->lookup)
		return text;
	text = set->lookup(set->lookup_ctx, name, &w);
	if (text)
		*where = w ? w : xstrdup("base tree");
	else
		free(w);
	return text;
}
