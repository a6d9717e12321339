// SPDX-License-Identifier: GPL-2.0
/*
 * lore-atom: follow an inbox through URL/new.atom. The feed holds the
 * newest messages by their Date (public-inbox shows a few dozen), so a
 * burst, or mail dated in the past, can fall out of it between two polls:
 * when the oldest entry is new and newer than anything seen, the gap is
 * logged. The message-ids seen last are kept to know what is new.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "lore-priv.h"
#include "util.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"

struct feed {
	struct lore__entry *v;
	size_t n, alloc;
};

/* What was seen: the newest updated time and the latest message-ids. */
struct atom_pos {
	time_t updated;
	char **ids; /* oldest first */
	size_t n, alloc;
	char **sorted; /* those loaded, sorted, for lookups */
	size_t nsorted;
};

static void feed_release(struct feed *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].msgid);
	free(f->v);
}

/* "string(expr)" at node. */
static char *xpath_string(xmlXPathContextPtr ctx, xmlNodePtr node,
			  const char *expr)
{
	xmlXPathObjectPtr r;
	char *s = NULL;

	ctx->node = node;
	r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	if (r && r->type == XPATH_STRING && r->stringval)
		s = xstrdup((const char *)r->stringval);
	xmlXPathFreeObject(r);
	return s;
}

/* The Message-ID of an entry's link: its last path segment, decoded. */
static char *link_msgid(const char *href)
{
	const char *end, *start;
	char *inbox = NULL, *msgid = NULL;
	struct sbuf sb = SBUF_INIT;

	if (!href)
		return NULL;
	end = href + strcspn(href, "?#");
	while (end > href && end[-1] == '/')
		end--;
	for (start = end; start > href && start[-1] != '/'; start--)
		;
	/* lore_parse_target() decodes and checks it */
	sbuf_addstr(&sb, "http://h/i/");
	sbuf_add(&sb, start, end - start);
	if (end > start && memchr(start, '@', end - start))
		lore_parse_target(sb.buf, &inbox, &msgid);
	free(inbox);
	sbuf_release(&sb);
	return msgid;
}

static void add_entry(struct feed *f, xmlXPathContextPtr ctx, xmlNodePtr node)
{
	char *href = xpath_string(ctx, node,
				  "string(a:link[not(@rel) or "
				  "@rel='alternate'][1]/@href)");
	char *updated = xpath_string(ctx, node, "string(a:updated)");
	char *msgid = link_msgid(href);

	if (msgid) {
		XGROW(f->v, f->alloc, f->n + 1);
		f->v[f->n].msgid = msgid;
		f->v[f->n].updated = updated ? lore_parse_time(updated) : -1;
		f->v[f->n].order = f->n;
		f->n++;
	}
	free(href);
	free(updated);
}

static int parse_feed(const char *url, const char *body, size_t len,
		      struct feed *f)
{
	xmlInitParser();
	xmlDocPtr doc;
	xmlXPathContextPtr ctx = NULL;
	xmlXPathObjectPtr r = NULL;
	int i, error = 0;

	if (len > INT_MAX)
		return mmr_error_set(MMR_ELIMIT, "%s: feed too large", url);
	/* an Atom feed has no DTD: no entity can blow up when expanded */
	if (memmem(body, len, "<!DOCTYPE", 9) ||
	    memmem(body, len, "<!ENTITY", 8))
		return mmr_error_set(MMR_EINVAL,
				     "%s: a feed with a DTD is refused", url);
	/* no network, no entity expansion, no output */
	doc = xmlReadMemory(body, (int)len, url, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc)
		return mmr_error_set(MMR_EINVAL, "%s: not an XML feed", url);
	ctx = xmlXPathNewContext(doc);
	if (!ctx || xmlXPathRegisterNs(ctx, (const xmlChar *)"a",
				       (const xmlChar *)ATOM_NS)) {
		error = mmr_error_set(MMR_EIO, "%s: cannot search the feed",
				      url);
		goto out;
	}
	r = xmlXPathEvalExpression((const xmlChar *)"/a:feed/a:entry", ctx);
	if (!r || r->type != XPATH_NODESET) {
		error = mmr_error_set(MMR_EINVAL, "%s: not an Atom feed", url);
		goto out;
	}
	for (i = 0;
	     r->nodesetval && i < r->nodesetval->nodeNr && i < LORE_MAX_FEED;
	     i++)
		add_entry(f, ctx, r->nodesetval->nodeTab[i]);
out:
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return error;
}

int lore__atom_parse(const char *url, const char *body, size_t len,
		     struct lore__entry **out, size_t *n)
{
	struct feed f = { 0 };
	int error = parse_feed(url, body, len, &f);

	if (error) {
		feed_release(&f);
		f.v = NULL;
		f.n = 0;
	}
	*out = f.v;
	*n = f.n;
	return error;
}

void lore__entries_free(struct lore__entry *v, size_t n)
{
	struct feed f = { v, n, n };

	feed_release(&f);
}

/* Oldest first; the feed's order (newest first) breaks ties. */
static int cmp_entry(const void *a, const void *b)
{
	const struct lore__entry *x = a, *y = b;

	if (x->updated != y->updated)
		return x->updated < y->updated ? -1 : 1;
	return x->order > y->order ? -1 : x->order < y->order;
}

/* --- the position --------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pos_index(struct atom_pos *p)
{
	free(p->sorted);
	p->sorted = xmalloc((p->n ? p->n : 1) * sizeof(*p->sorted));
	p->nsorted = p->n;
	if (!p->n)
		return;
	memcpy(p->sorted, p->ids, p->n * sizeof(*p->ids));
	qsort(p->sorted, p->n, sizeof(*p->sorted), cmp_str);
}

static bool pos_seen(const struct atom_pos *p, const char *msgid)
{
	return p->nsorted && bsearch(&msgid, p->sorted, p->nsorted,
				     sizeof(*p->sorted), cmp_str);
}

static void pos_add(struct atom_pos *p, const char *msgid, time_t updated)
{
	XGROW(p->ids, p->alloc, p->n + 1);
	p->ids[p->n++] = xstrdup(msgid);
	if (updated > p->updated)
		p->updated = updated;
}

static void pos_release(struct atom_pos *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->ids[i]);
	free(p->ids);
	free(p->sorted);
}

/* "updated <seconds>\n" then one message-id a line. */
static bool pos_load(struct lore *l, const char *url, struct atom_pos *p)
{
	struct sbuf v = SBUF_INIT;
	unsigned long t;
	char *line, *nl;
	size_t k;
	bool ok = false;

	if (lore__pos_get(l, url, "atom", &v) ||
	    !mmr_starts_with(v.buf, v.len, "updated "))
		goto out;
	k = mmr_parse_uint(v.buf + 8, v.len - 8, LONG_MAX, &t);
	if (!k)
		goto out;
	p->updated = (time_t)t;
	for (line = strchr(v.buf, '\n'); line && line[1]; line = nl) {
		line++;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		pos_add(p, line, 0);
		if (!nl)
			break;
	}
	ok = true;
out:
	pos_index(p);
	sbuf_release(&v);
	return ok;
}

static int pos_save(struct lore *l, const char *url, const struct atom_pos *p)
{
	struct sbuf v = SBUF_INIT;
	size_t i = p->n > LORE_ATOM_KEEP ? p->n - LORE_ATOM_KEEP : 0;
	int error;

	sbuf_init(&v, 0);
	sbuf_addf(&v, "updated %lld\n", (long long)p->updated);
	for (; i < p->n; i++)
		sbuf_addf(&v, "%s\n", p->ids[i]);
	error = lore__pos_put(l, url, "atom", v.buf);
	sbuf_release(&v);
	return error;
}

/* --- a round ---------------------------------------------------------------- */

/*
 * The messages of a /raw answer, to fn: public-inbox writes mboxrd, one
 * message, or several when they share the Message-ID.
 */
static int each_raw(const struct sbuf *body, struct lore_msg *m, lore_msg_fn fn,
		    void *payload)
{
	const char *p = body->buf, *end = body->buf + body->len, *next;
	int error = 0;

	m->mboxrd = mmr_starts_with(p, body->len, "From ");
	while (!error && p < end) {
		next = p;
		do {
			next = memchr(next, '\n', end - next);
			next = next ? next + 1 : end;
		} while (m->mboxrd && next < end &&
			 !mmr_starts_with(next, end - next, "From "));
		if (!m->mboxrd)
			next = end;
		m->raw = p;
		m->len = next - p;
		error = fn(m, payload);
		p = next;
	}
	return error;
}

/* Fetch one new entry; MMR_ENOTFOUND when the archive lost it. */
static int fetch_entry(struct lore *l, const char *url,
		       const struct lore__entry *e, lore_msg_fn fn,
		       void *payload)
{
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT;
	struct lore_msg m = { 0 };
	long status;
	int error;

	sbuf_init(&body, LORE_MAX_BODY);
	lore__msg_url(&addr, url, e->msgid, "raw");
	error = lore__http_get(l, addr.buf, NULL, &body, &status);
	if (!error) {
		m.inbox = url;
		m.where = addr.buf;
		m.time = e->updated;
		error = each_raw(&body, &m, fn, payload);
	}
	sbuf_release(&body);
	sbuf_release(&addr);
	return error;
}

static void check_gap(struct lore *l, const char *url, const struct feed *f,
		      const struct atom_pos *p)
{
	const struct lore__entry *oldest = &f->v[0];

	if (pos_seen(p, oldest->msgid) || oldest->updated <= p->updated)
		return;
	lore__log(l, LORE_WARN,
		  "%s: gap: the oldest entry of new.atom (<%s>) is newer than "
		  "the last one seen: messages in between may have been "
		  "missed (mode git reads them all)",
		  url, oldest->msgid);
}

/* The feed lists a message-id twice (two messages share it): read once. */
static bool listed_before(const struct feed *f, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (!strcmp(f->v[k].msgid, f->v[i].msgid))
			return true;
	return false;
}

static int read_entries(struct lore *l, const char *url, struct feed *f,
			struct atom_pos *p, time_t since, lore_msg_fn fn,
			void *payload)
{
	size_t i;
	int error = 0;

	for (i = 0; i < f->n && !error; i++) {
		const struct lore__entry *e = &f->v[i];

		if (pos_seen(p, e->msgid) || listed_before(f, i))
			continue;
		if (!since || e->updated >= since)
			error = fetch_entry(l, url, e, fn, payload);
		if (error == MMR_ENOTFOUND) {
			lore__log(l, LORE_WARN, "%s", mmr_error_last());
			error = 0;
		}
		if (!error)
			pos_add(p, e->msgid, e->updated);
	}
	return error;
}

int lore__atom_round(struct lore *l, const char *url, lore_msg_fn fn,
		     void *payload)
{
	struct lore__cond cond = { 0 };
	struct sbuf addr = SBUF_INIT, body = SBUF_INIT;
	struct feed f = { 0 };
	struct atom_pos p = { 0 };
	bool have = pos_load(l, url, &p);
	long status;
	int error, saved;
	size_t i;

	sbuf_init(&body, LORE_MAX_BODY);
	if (have)
		lore__cond_load(l, url, "atom-http", &cond);
	lore__url(&addr, url, "new.atom");
	error = lore__http_get(l, addr.buf, &cond, &body, &status);
	if (error || status == 304)
		goto out;
	error = parse_feed(addr.buf, body.buf, body.len, &f);
	if (error || !f.n)
		goto out;
	qsort(f.v, f.n, sizeof(*f.v), cmp_entry);
	if (!have && !l->opts.since) {
		for (i = 0; i < f.n; i++)
			pos_add(&p, f.v[i].msgid, f.v[i].updated);
		lore__log(l, LORE_INFO,
			  "%s: following from now (%zu messages in the feed); "
			  "--since DATE reads those that are older",
			  url, f.n);
	} else {
		if (have)
			check_gap(l, url, &f, &p);
		error = read_entries(l, url, &f, &p, have ? 0 : l->opts.since,
				     fn, payload);
	}
	saved = pos_save(l, url, &p);
	if (!error)
		error = saved;
	/* validators only once all of the feed was read */
	if (!error)
		lore__cond_save(l, url, "atom-http", &cond);
out:
	lore__cond_release(&cond);
	feed_release(&f);
	pos_release(&p);
	sbuf_release(&body);
	sbuf_release(&addr);
	return error;
}
