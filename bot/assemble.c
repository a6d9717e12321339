// SPDX-License-Identifier: GPL-2.0
/*
 * assemble: the pool of patch mail (cover letters and patches) waiting for
 * their series, grouped again at each assemble_group() with a union-find
 * over In-Reply-To/References, so the order messages arrive in does not
 * matter. Message-ids are looked up in hash tables: a pool of tens of
 * thousands of messages is grouped in milliseconds.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assemble.h"
#include "lore.h"
#include "sbuf.h"
#include "util.h"

#define NS_PENDING "assemble-pending"
#define NS_DONE "assemble-done"
#define NONE SIZE_MAX

/* --- a table of message-ids ------------------------------------------------ */

/* Open addressing; keys are borrowed; a removed key leaves a tombstone. */
struct idmap {
	const char **keys;
	size_t *vals;
	size_t cap, used; /* used counts tombstones too */
};

static const char tombstone[] = "";

static size_t str_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h;
}

static void idmap_release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t idmap_slot(const struct idmap *m, const char *key, bool insert)
{
	size_t i = str_hash(key) & (m->cap - 1), grave = NONE;

	while (m->keys[i]) {
		if (m->keys[i] == tombstone) {
			if (grave == NONE)
				grave = i;
		} else if (!strcmp(m->keys[i], key)) {
			return i;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return insert && grave != NONE ? grave : i;
}

static void idmap_put(struct idmap *m, const char *key, size_t val);

static void idmap_grow(struct idmap *m)
{
	struct idmap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->used = 0;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (i = 0; i < old.cap; i++)
		if (old.keys[i] && old.keys[i] != tombstone)
			idmap_put(m, old.keys[i], old.vals[i]);
	idmap_release(&old);
}

static void idmap_put(struct idmap *m, const char *key, size_t val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap)
		idmap_grow(m);
	i = idmap_slot(m, key, true);
	if (!m->keys[i])
		m->used++;
	m->keys[i] = key;
	m->vals[i] = val;
}

static size_t idmap_get(const struct idmap *m, const char *key)
{
	size_t i;

	if (!m->cap || !key)
		return NONE;
	i = idmap_slot(m, key, false);
	return m->keys[i] ? m->vals[i] : NONE;
}

static void idmap_del(struct idmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return;
	i = idmap_slot(m, key, false);
	if (m->keys[i])
		m->keys[i] = tombstone;
}

/* --- the pool ----------------------------------------------------------------- */

struct item {
	struct mail *mail; /* NULL once taken out */
	enum assemble_kind kind; /* PATCH or COVER */
	unsigned version, part, total;
	const char *msgid, *from; /* owned by mail */
	char *stem; /* the title, lowercase, blanks collapsed */
	time_t seen;
	size_t root; /* union-find, during assemble_group() */
};

/* A series taken out: enough to know its late parts. */
struct done {
	char *msgid;
	char *from;
	unsigned version, total;
	time_t when;
};

struct group {
	struct assemble_series pub; /* first: assemble_at() hands it out */
	size_t *items; /* indexes of its items, in arrival order */
	size_t nitems;
	const struct mail **parts;
	bool taken;
};

struct assemble {
	long settle;
	char **ignore;
	size_t nignore;
	struct lore_store *store;

	struct item *items; /* arrival order; taken ones are removed */
	size_t n, alloc, taken;
	struct idmap pool; /* msgid -> index in items */

	struct done *done;
	size_t ndone, done_alloc;
	struct idmap donemap; /* msgid -> index in done */

	struct group *groups;
	size_t ngroups, groups_alloc;
	char **keys; /* supersede keys of the groups */
	size_t nkeys, keys_alloc;
};

static const char *addr_of(const struct mail *m)
{
	const struct mail_addr *from = mail_from(m);

	return from ? from->addr : "";
}

static bool ignored(const struct assemble *a, const char *addr)
{
	size_t i;

	for (i = 0; i < a->nignore; i++)
		if (!strcasecmp(a->ignore[i], addr))
			return true;
	return false;
}

static bool has_diff(const struct mail *m)
{
	size_t len;
	const char *b = mail_body(m, &len);

	return !strncmp(b, "diff --git ", 11) || strstr(b, "\ndiff --git ") ||
	       (strstr(b, "\n--- ") && strstr(b, "\n+++ ") &&
		strstr(b, "\n@@ "));
}

/* What the headers say; ASSEMBLE_PATCH when the body may still say no. */
static enum assemble_kind classify_headers(const struct assemble *a,
					   const struct mail *m)
{
	const struct mail_subject *si = mail_subject_info(m);

	if (ignored(a, addr_of(m)))
		return ASSEMBLE_IGNORED;
	if (si->reply)
		return ASSEMBLE_REPLY;
	if (!mail_message_id(m) || (!si->patch && !si->rfc) ||
	    si->total > ASSEMBLE_MAX_PARTS)
		return ASSEMBLE_OTHER;
	if (si->total && !si->part)
		return ASSEMBLE_COVER;
	return ASSEMBLE_PATCH;
}

/* A patch without M/T is one only when it carries a diff. */
static enum assemble_kind classify(const struct assemble *a,
				   const struct mail *m)
{
	enum assemble_kind kind = classify_headers(a, m);

	if (kind == ASSEMBLE_PATCH && !mail_subject_info(m)->part &&
	    !has_diff(m))
		return ASSEMBLE_OTHER;
	return kind;
}

/* Where the headers of raw end (after the blank line), or 0 when unclear. */
static size_t headers_end(const char *raw, size_t len)
{
	const char *lf = memmem(raw, len, "\n\n", 2);
	const char *crlf = memmem(raw, len, "\n\r\n", 3);

	if (lf && (!crlf || lf < crlf))
		return lf + 2 - raw;
	if (crlf)
		return crlf + 3 - raw;
	return 0;
}

/*
 * Whether the raw Subject line of headers [raw, raw+end) says a patch
 * ("[PATCH", "[RFC" and no "Re:"): those are read whole at once. A guess
 * only, to save parsing their headers twice; the parse decides.
 */
static bool subject_says_patch(const char *raw, size_t end)
{
	const char *p = raw, *stop = raw + end, *nl;

	for (; p < stop; p = nl + 1) {
		nl = memchr(p, '\n', stop - p);
		if (!nl)
			nl = stop;
		if (!mmr_starts_with_ci(p, nl - p, "subject:"))
			continue;
		for (p += 8; p < nl && (*p == ' ' || *p == '\t'); p++)
			;
		return !mmr_starts_with_ci(p, nl - p, "re:") &&
		       (memmem(p, nl - p, "[PATCH", 6) ||
			memmem(p, nl - p, "[RFC", 4));
	}
	return false;
}

int assemble_parse(const struct assemble *a, struct mail **out, const char *raw,
		   size_t len, bool mboxrd)
{
	size_t end = headers_end(raw, len);
	enum assemble_kind kind;
	int error;

	if (end && end < len && !subject_says_patch(raw, end)) {
		error = mail_parse(out, raw, end, mboxrd);
		if (error)
			return error;
		kind = classify_headers(a, *out);
		if (kind != ASSEMBLE_PATCH && kind != ASSEMBLE_COVER)
			return 0;
		mail_free(*out);
	}
	return mail_parse(out, raw, len, mboxrd);
}

static char *stem_of(const char *title)
{
	struct sbuf sb = SBUF_INIT;
	bool blank = false;

	for (; *title; title++) {
		if (isspace((unsigned char)*title)) {
			blank = sb.len > 0;
			continue;
		}
		if (blank)
			sbuf_addch(&sb, ' ');
		blank = false;
		sbuf_addch(&sb, tolower((unsigned char)*title));
	}
	return sbuf_detach(&sb, NULL);
}

static bool same_series(unsigned version, unsigned total, const char *from,
			const struct done *d)
{
	return total && d->version == version && d->total == total &&
	       !strcasecmp(d->from, from);
}

/* The message-ids a message answers, nearest first. */
static size_t chain(const struct mail *m, const char **ids, size_t max)
{
	const char *const *refs;
	size_t nrefs = mail_references(m, &refs), n = 0;

	if (mail_in_reply_to(m) && n < max)
		ids[n++] = mail_in_reply_to(m);
	while (nrefs-- && n < max)
		ids[n++] = refs[nrefs];
	return n;
}

/* A part whose series was taken out already. */
static bool is_late(const struct assemble *a, const struct mail *m)
{
	const struct mail_subject *si = mail_subject_info(m);
	const char *ids[MAIL_MAX_REFS + 1];
	size_t n = chain(m, ids, MAIL_MAX_REFS + 1), i, d;

	for (i = 0; si->part && i < n; i++) {
		d = idmap_get(&a->donemap, ids[i]);
		if (d != NONE && same_series(si->version, si->total, addr_of(m),
					     &a->done[d]))
			return true;
	}
	return false;
}

/* --- persistence ------------------------------------------------------------- */

static int persist_pending(struct assemble *a, const struct mail *m,
			   const char *raw, size_t len, bool mboxrd,
			   time_t seen)
{
	struct sbuf v = SBUF_INIT;
	int error;

	if (!a->store)
		return 0;
	sbuf_init(&v, 0);
	sbuf_addf(&v, "%lld %d\n", (long long)seen, mboxrd);
	error = sbuf_add(&v, raw, len);
	if (!error)
		error = lore_store_put(a->store, NS_PENDING, mail_message_id(m),
				       v.buf, v.len);
	sbuf_release(&v);
	return error;
}

static void done_add(struct assemble *a, const char *msgid, const char *from,
		     unsigned version, unsigned total, time_t when)
{
	struct done *d;

	if (idmap_get(&a->donemap, msgid) != NONE)
		return;
	XGROW(a->done, a->done_alloc, a->ndone + 1);
	d = &a->done[a->ndone];
	d->msgid = xstrdup(msgid);
	d->from = xstrdup(from);
	d->version = version;
	d->total = total;
	d->when = when;
	idmap_put(&a->donemap, d->msgid, a->ndone++);
}

static int cmp_done_when(const void *x, const void *y)
{
	const struct done *a = x, *b = y;

	return a->when < b->when ? -1 : a->when > b->when;
}

/* Forget the older half when there are too many (and in the store). */
static void done_trim(struct assemble *a)
{
	size_t i, drop;

	if (a->ndone <= ASSEMBLE_MAX_DONE)
		return;
	qsort(a->done, a->ndone, sizeof(*a->done), cmp_done_when);
	drop = a->ndone / 2;
	for (i = 0; i < drop; i++) {
		if (a->store)
			lore_store_del(a->store, NS_DONE, a->done[i].msgid);
		free(a->done[i].msgid);
		free(a->done[i].from);
	}
	memmove(a->done, a->done + drop, (a->ndone - drop) * sizeof(*a->done));
	a->ndone -= drop;
	idmap_release(&a->donemap);
	for (i = 0; i < a->ndone; i++)
		idmap_put(&a->donemap, a->done[i].msgid, i);
}

/* "when version total from" */
static int load_done(const char *key, const char *value, size_t len, void *arg)
{
	struct assemble *a = arg;
	unsigned long v[3];
	const char *p = value, *end = value + len;
	size_t i, k;

	for (i = 0; i < 3; i++) {
		k = mmr_parse_uint(p, end - p, i ? 99999 : (unsigned long)-1,
				   &v[i]);
		if (!k || p + k >= end || p[k] != ' ')
			return lore_store_del(a->store, NS_DONE, key);
		p += k + 1;
	}
	if ((time_t)v[0] < time(NULL) - ASSEMBLE_DONE_DAYS * 86400L)
		return lore_store_del(a->store, NS_DONE, key);
	done_add(a, key, p, (unsigned)v[1], (unsigned)v[2], (time_t)v[0]);
	return 0;
}

struct stored {
	char *key;
	char *raw;
	size_t len;
	bool mboxrd;
	time_t seen;
};

struct stored_list {
	struct stored *v;
	size_t n, alloc;
	struct assemble *a;
};

/* "seen mboxrd\n" then the message. */
static int load_pending(const char *key, const char *value, size_t len,
			void *arg)
{
	struct stored_list *sl = arg;
	const char *nl = memchr(value, '\n', len);
	unsigned long seen;
	size_t k = mmr_parse_uint(value, len, (unsigned long)-1, &seen);

	if (!nl || !k || value[k] != ' ' ||
	    (value[k + 1] != '0' && value[k + 1] != '1'))
		return lore_store_del(sl->a->store, NS_PENDING, key);
	XGROW(sl->v, sl->alloc, sl->n + 1);
	sl->v[sl->n].key = xstrdup(key);
	sl->v[sl->n].len = len - (nl + 1 - value);
	sl->v[sl->n].raw = xstrndup(nl + 1, sl->v[sl->n].len);
	sl->v[sl->n].mboxrd = value[k + 1] == '1';
	sl->v[sl->n].seen = (time_t)seen;
	sl->n++;
	return 0;
}

static int cmp_stored(const void *x, const void *y)
{
	const struct stored *a = x, *b = y;

	if (a->seen != b->seen)
		return a->seen < b->seen ? -1 : 1;
	return strcmp(a->key, b->key);
}

static int add_item(struct assemble *a, struct mail *m, enum assemble_kind kind,
		    time_t seen);

/* The pool as a previous run left it, in arrival order. */
/* A message kept by an earlier run, still wanted in the pool? */
static bool still_pending(const struct assemble *a, const struct mail *m,
			  const char *key)
{
	enum assemble_kind kind = classify(a, m);

	/* (ignore-from may have changed since) */
	return (kind == ASSEMBLE_PATCH || kind == ASSEMBLE_COVER) &&
	       !strcmp(mail_message_id(m), key) &&
	       idmap_get(&a->pool, key) == NONE &&
	       idmap_get(&a->donemap, key) == NONE;
}

/* The pool as a previous run left it, in arrival order. */
static int load_store(struct assemble *a)
{
	struct stored_list sl = { NULL, 0, 0, a };
	const struct stored *st;
	struct mail *m;
	size_t i;
	int error;

	error = lore_store_each(a->store, NS_DONE, load_done, a);
	if (!error)
		error = lore_store_each(a->store, NS_PENDING, load_pending,
					&sl);
	if (sl.n)
		qsort(sl.v, sl.n, sizeof(*sl.v), cmp_stored);
	for (i = 0; i < sl.n; i++) {
		st = &sl.v[i];
		m = NULL;
		if (error) {
			/* nothing more */
		} else if (!mail_parse(&m, st->raw, st->len, st->mboxrd) &&
			   still_pending(a, m, st->key)) {
			/* past the bound the newest wait in the store */
			if (add_item(a, m, classify(a, m), st->seen) ==
			    MMR_ELIMIT)
				mmr_error_clear();
			m = NULL;
		} else {
			error = lore_store_del(a->store, NS_PENDING, st->key);
		}
		mail_free(m);
		free(st->key);
		free(st->raw);
	}
	free(sl.v);
	done_trim(a);
	return error;
}

/* --- life cycle ---------------------------------------------------------------- */

int assemble_new(struct assemble **out, const struct assemble_opts *opts,
		 struct lore_store *store)
{
	struct assemble *a = xcalloc(1, sizeof(*a));
	size_t i;
	int error = 0;

	a->settle = opts->settle < 0 ? ASSEMBLE_DEFAULT_SETTLE : opts->settle;
	a->nignore = opts->nignore_from;
	a->ignore = xcalloc(a->nignore ? a->nignore : 1, sizeof(*a->ignore));
	for (i = 0; i < a->nignore; i++)
		a->ignore[i] = xstrdup(opts->ignore_from[i]);
	a->store = store;
	if (store)
		error = load_store(a);
	if (error) {
		assemble_free(a);
		a = NULL;
	}
	*out = a;
	return error;
}

static void groups_clear(struct assemble *a)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++) {
		free(a->groups[i].items);
		free(a->groups[i].parts);
	}
	a->ngroups = 0;
	for (i = 0; i < a->nkeys; i++)
		free(a->keys[i]);
	a->nkeys = 0;
}

void assemble_free(struct assemble *a)
{
	size_t i;

	if (!a)
		return;
	groups_clear(a);
	free(a->groups);
	free(a->keys);
	for (i = 0; i < a->n; i++) {
		mail_free(a->items[i].mail);
		free(a->items[i].stem);
	}
	free(a->items);
	for (i = 0; i < a->ndone; i++) {
		free(a->done[i].msgid);
		free(a->done[i].from);
	}
	free(a->done);
	idmap_release(&a->pool);
	idmap_release(&a->donemap);
	for (i = 0; i < a->nignore; i++)
		free(a->ignore[i]);
	free(a->ignore);
	free(a);
}

size_t assemble_pending(const struct assemble *a)
{
	return a->n - a->taken;
}

static int pool_full(const struct assemble *a, const struct mail *m)
{
	if (assemble_pending(a) < ASSEMBLE_MAX_PENDING)
		return 0;
	return mmr_error_set(MMR_ELIMIT,
			     "<%s>: %d messages wait for their series "
			     "already; dropped",
			     mail_message_id(m), ASSEMBLE_MAX_PENDING);
}

static int add_item(struct assemble *a, struct mail *m, enum assemble_kind kind,
		    time_t seen)
{
	const struct mail_subject *si = mail_subject_info(m);
	struct item *it;
	int error = pool_full(a, m);

	if (error) {
		mail_free(m);
		return error;
	}
	groups_clear(a);
	XGROW(a->items, a->alloc, a->n + 1);
	it = &a->items[a->n];
	memset(it, 0, sizeof(*it));
	it->mail = m;
	it->kind = kind;
	it->version = si->version;
	it->part = si->part;
	it->total = si->total;
	it->msgid = mail_message_id(m);
	it->from = addr_of(m);
	it->stem = stem_of(si->title);
	it->seen = seen;
	idmap_put(&a->pool, it->msgid, a->n++);
	return 0;
}

int assemble_add(struct assemble *a, struct mail *m, const char *raw,
		 size_t len, bool mboxrd, time_t seen, enum assemble_kind *kind)
{
	int error;

	*kind = classify(a, m);
	if (*kind != ASSEMBLE_PATCH && *kind != ASSEMBLE_COVER) {
		mail_free(m);
		return 0;
	}
	if (idmap_get(&a->pool, mail_message_id(m)) != NONE ||
	    idmap_get(&a->donemap, mail_message_id(m)) != NONE)
		*kind = ASSEMBLE_DUPLICATE;
	else if (is_late(a, m))
		*kind = ASSEMBLE_LATE;
	if (*kind == ASSEMBLE_DUPLICATE || *kind == ASSEMBLE_LATE) {
		mail_free(m);
		return 0;
	}
	error = pool_full(a, m);
	if (!error)
		error = persist_pending(a, m, raw, len, mboxrd, seen);
	if (error) {
		mail_free(m);
		return error;
	}
	return add_item(a, m, *kind, seen);
}

/* --- grouping --------------------------------------------------------------- */

static size_t find_root(struct item *items, size_t i)
{
	while (items[i].root != i) {
		items[i].root = items[items[i].root].root;
		i = items[i].root;
	}
	return i;
}

static void unite(struct item *items, size_t i, size_t j)
{
	i = find_root(items, i);
	j = find_root(items, j);
	if (i != j)
		items[i > j ? i : j].root = i < j ? i : j;
}

/* Join a part to the nearest message it answers of the same series. */
static void link_part(struct assemble *a, size_t i)
{
	const struct item *it = &a->items[i];
	const char *ids[MAIL_MAX_REFS + 1];
	size_t n = chain(it->mail, ids, MAIL_MAX_REFS + 1), k, j;

	for (k = 0; k < n; k++) {
		j = idmap_get(&a->pool, ids[k]);
		if (j == NONE || j == i)
			continue;
		if (a->items[j].version == it->version &&
		    a->items[j].total == it->total &&
		    a->items[j].part != it->part &&
		    !strcasecmp(a->items[j].from, it->from)) {
			unite(a->items, i, j);
			return;
		}
	}
}

/* Drop the items taken out, keeping the order, and index the rest. */
static void compact(struct assemble *a)
{
	size_t i, n = 0;

	if (!a->taken)
		return;
	idmap_release(&a->pool);
	for (i = 0; i < a->n; i++) {
		if (!a->items[i].mail)
			continue;
		a->items[n] = a->items[i];
		idmap_put(&a->pool, a->items[n].msgid, n);
		n++;
	}
	a->n = n;
	a->taken = 0;
}

static const char *first_trailer(const struct group *g, const char *name)
{
	const char *v = g->pub.cover ? mail_trailer(g->pub.cover, name) : NULL;
	size_t k;

	for (k = 0; !v && k < g->pub.nparts; k++)
		if (g->parts[k])
			v = mail_trailer(g->parts[k], name);
	return v;
}

static void fill_group(struct assemble *a, struct group *g, time_t now)
{
	struct assemble_series *s = &g->pub;
	const struct item *first = &a->items[g->items[0]];
	const struct mail *head = NULL;
	size_t i, k;

	s->version = first->version;
	s->total = first->total;
	s->nparts = s->total ? s->total : 1;
	g->parts = xcalloc(s->nparts, sizeof(*g->parts));
	s->parts = g->parts;
	s->from = first->from;
	for (i = 0; i < g->nitems; i++) {
		const struct item *it = &a->items[g->items[i]];

		if (it->seen > s->last_seen)
			s->last_seen = it->seen;
		if (it->kind == ASSEMBLE_COVER) {
			if (!s->cover)
				s->cover = it->mail;
			continue;
		}
		k = s->total ? it->part - 1 : 0;
		if (!g->parts[k]) {
			g->parts[k] = it->mail;
			s->npresent++;
		}
	}
	for (k = 0; !s->cover && !head && k < s->nparts; k++)
		head = g->parts[k];
	head = s->cover ? s->cover : head;
	s->id = mail_message_id(head);
	s->subject = mail_subject_text(head);
	s->base_commit = first_trailer(g, "base-commit");
	s->change_id = first_trailer(g, "change-id");
	s->complete = s->npresent == s->nparts;
	if (s->complete)
		s->status = ASSEMBLE_READY;
	else if (now - s->last_seen >= a->settle)
		s->status = ASSEMBLE_SETTLED;
	else
		s->status = ASSEMBLE_WAITING;
}

static void build_groups(struct assemble *a, time_t now)
{
	size_t *slot = xmalloc((a->n ? a->n : 1) * sizeof(*slot));
	struct group *g;
	size_t i, r;

	for (i = 0; i < a->n; i++)
		slot[i] = NONE;
	/* two passes: the sizes, then the members in arrival order */
	for (i = 0; i < a->n; i++) {
		r = find_root(a->items, i);
		if (slot[r] == NONE) {
			XGROW(a->groups, a->groups_alloc, a->ngroups + 1);
			slot[r] = a->ngroups;
			memset(&a->groups[a->ngroups++], 0, sizeof(*g));
		}
		a->groups[slot[r]].nitems++;
	}
	for (i = 0; i < a->ngroups; i++) {
		a->groups[i].items = xmalloc(a->groups[i].nitems *
					     sizeof(*a->groups[i].items));
		a->groups[i].nitems = 0;
	}
	for (i = 0; i < a->n; i++) {
		g = &a->groups[slot[find_root(a->items, i)]];
		g->items[g->nitems++] = i;
	}
	for (i = 0; i < a->ngroups; i++)
		fill_group(a, &a->groups[i], now);
	free(slot);
}

/*
 * The names under which a newer version finds an older one: the sender
 * with the stem of the cover letter or of the first patch, and the
 * change-id.
 */
static size_t series_keys(struct assemble *a, const struct group *g,
			  char **keys)
{
	const struct assemble_series *s = &g->pub;
	struct sbuf sb = SBUF_INIT;
	size_t n = 0, i;

	for (i = 0; i < g->nitems; i++) {
		const struct item *it = &a->items[g->items[i]];

		if (it->part > 1 || n == 2)
			continue;
		sbuf_reset(&sb);
		sbuf_addf(&sb, "s\n%s\n%s", s->from, it->stem);
		for (char *p = sb.buf; *p; p++)
			*p = tolower((unsigned char)*p);
		keys[n++] = xstrdup(sb.buf);
	}
	if (s->change_id) {
		sbuf_reset(&sb);
		sbuf_addf(&sb, "c\n%s", s->change_id);
		keys[n++] = xstrdup(sb.buf);
	}
	sbuf_release(&sb);
	return n;
}

static void supersede(struct assemble *a)
{
	struct idmap newest = { 0 };
	size_t *first = xmalloc((a->ngroups + 1) * sizeof(*first));
	size_t i, k, j;

	/* the newest version under each key */
	for (i = 0; i < a->ngroups; i++) {
		first[i] = a->nkeys;
		XGROW(a->keys, a->keys_alloc, a->nkeys + 3);
		a->nkeys += series_keys(a, &a->groups[i], a->keys + a->nkeys);
		for (k = first[i]; k < a->nkeys; k++) {
			j = idmap_get(&newest, a->keys[k]);
			if (j == NONE ||
			    a->groups[j].pub.version < a->groups[i].pub.version)
				idmap_put(&newest, a->keys[k], i);
		}
	}
	first[a->ngroups] = a->nkeys;
	for (i = 0; i < a->ngroups; i++) {
		struct assemble_series *s = &a->groups[i].pub;

		for (k = first[i]; k < first[i + 1]; k++) {
			j = idmap_get(&newest, a->keys[k]);
			if (a->groups[j].pub.version <= s->version ||
			    (s->superseded_by &&
			     s->superseded_by->version >=
				     a->groups[j].pub.version))
				continue;
			s->status = ASSEMBLE_SUPERSEDED;
			s->superseded_by = &a->groups[j].pub;
		}
	}
	idmap_release(&newest);
	free(first);
}

size_t assemble_group(struct assemble *a, time_t now)
{
	size_t i;

	groups_clear(a);
	compact(a);
	for (i = 0; i < a->n; i++)
		a->items[i].root = i;
	for (i = 0; i < a->n; i++)
		if (a->items[i].kind == ASSEMBLE_PATCH && a->items[i].part)
			link_part(a, i);
	build_groups(a, now);
	supersede(a);
	return a->ngroups;
}

const struct assemble_series *assemble_at(const struct assemble *a, size_t i)
{
	return i < a->ngroups ? &a->groups[i].pub : NULL;
}

/* --- taking a series out ------------------------------------------------------ */

static int persist_done(struct assemble *a, const struct item *it, time_t when)
{
	struct sbuf v = SBUF_INIT;
	int error;

	if (!a->store)
		return 0;
	sbuf_addf(&v, "%lld %u %u %s", (long long)when, it->version, it->total,
		  it->from);
	/* done first: a crash in between leaves a duplicate, not a loss */
	error = lore_store_put(a->store, NS_DONE, it->msgid, v.buf, v.len);
	if (!error)
		error = lore_store_del(a->store, NS_PENDING, it->msgid);
	sbuf_release(&v);
	return error;
}

/* Where the mail of it goes: the caller's slot, or nowhere. */
static struct mail **out_slot(const struct group *g, const struct item *it,
			      struct mail **mails)
{
	size_t k;

	if (!mails)
		return NULL;
	if (it->kind == ASSEMBLE_COVER)
		return g->pub.cover == it->mail ? &mails[0] : NULL;
	k = g->pub.total ? it->part - 1 : 0;
	return g->parts[k] == it->mail ? &mails[k + 1] : NULL;
}

int assemble_take(struct assemble *a, size_t i, struct mail **mails)
{
	struct group *g;
	time_t now = time(NULL);
	size_t k;
	int error = 0, e;

	if (i >= a->ngroups || a->groups[i].taken)
		return mmr_error_set(MMR_EINVAL, "no series %zu to take", i);
	g = &a->groups[i];
	if (mails)
		memset(mails, 0, (g->pub.nparts + 1) * sizeof(*mails));
	for (k = 0; k < g->nitems; k++) {
		struct item *it = &a->items[g->items[k]];
		struct mail **slot = out_slot(g, it, mails);

		e = persist_done(a, it, now);
		if (!error)
			error = e;
		done_add(a, it->msgid, it->from, it->version, it->total, now);
		idmap_del(&a->pool, it->msgid);
		if (slot)
			*slot = it->mail;
		else
			mail_free(it->mail);
		it->mail = NULL;
		free(it->stem);
		it->stem = NULL;
		a->taken++;
	}
	/* the others stay as they are until the next grouping */
	g->taken = true;
	memset(g->parts, 0, g->pub.nparts * sizeof(*g->parts));
	g->pub.cover = NULL;
	g->pub.npresent = 0;
	done_trim(a);
	return error;
}

void assemble_missing(const struct assemble_series *s, char *out, size_t len)
{
	size_t k, o = 0;
	int n;

	if (len)
		out[0] = '\0';
	for (k = 0; k < s->nparts && o < len; k++) {
		if (s->parts[k])
			continue;
		n = snprintf(out + o, len - o, "%s%zu/%u", o ? " " : "", k + 1,
			     s->total);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += n;
	}
}

const char *assemble_kind_name(enum assemble_kind kind)
{
	static const char *const names[] = {
		[ASSEMBLE_PATCH] = "patch",
		[ASSEMBLE_COVER] = "cover",
		[ASSEMBLE_REPLY] = "reply",
		[ASSEMBLE_OTHER] = "not a patch",
		[ASSEMBLE_IGNORED] = "ignored",
		[ASSEMBLE_DUPLICATE] = "duplicate",
		[ASSEMBLE_LATE] = "late part",
	};

	return names[kind];
}

const char *assemble_status_name(enum assemble_status status)
{
	static const char *const names[] = {
		[ASSEMBLE_WAITING] = "waiting",
		[ASSEMBLE_READY] = "ready",
		[ASSEMBLE_SETTLED] = "settled",
		[ASSEMBLE_SUPERSEDED] = "superseded",
	};

	return names[status];
}
