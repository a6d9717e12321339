// SPDX-License-Identifier: GPL-2.0
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include "reply.h"
#include "sbuf.h"
#include "util.h"

#define REPORT_WRAP 72
#define QUOTE_BEFORE 20 /* hunk lines quoted above a finding */
#define QUOTE_AFTER 6 /* and below it */

static void add_address(struct sbuf *sb, const char *name, const char *addr)
{
	if (name && *name) {
		mime_encode_phrase(sb, name);
		sbuf_addch(sb, ' ');
	}
	sbuf_addf(sb, "<%s>", addr);
}

struct addr_list {
	const struct mail_addr *a[MAIL_MAX_ADDRS];
	size_t n;
};

static void addr_list_add(struct addr_list *l, const struct mail_addr *a,
			  const char *skip)
{
	size_t i;

	if (!a->addr || !*a->addr || (skip && !strcasecmp(a->addr, skip)) ||
	    l->n == MAIL_MAX_ADDRS)
		return;
	for (i = 0; i < l->n; i++)
		if (!strcasecmp(l->a[i]->addr, a->addr))
			return;
	l->a[l->n++] = a;
}

/* "Cc: a, b,\n c": one header, folded between addresses. */
static void add_address_header(struct sbuf *sb, const char *field,
			       const struct addr_list *l)
{
	size_t i, col;

	if (!l->n)
		return;
	sbuf_addf(sb, "%s: ", field);
	col = strlen(field) + 2;
	for (i = 0; i < l->n; i++) {
		struct sbuf one = SBUF_INIT;

		add_address(&one, l->a[i]->name, l->a[i]->addr);
		if (i && col + one.len + 2 > 78) {
			sbuf_addstr(sb, ",\n ");
			col = 1;
		} else if (i) {
			sbuf_addstr(sb, ", ");
			col += 2;
		}
		sbuf_addbuf(sb, &one);
		col += one.len;
		sbuf_release(&one);
	}
	sbuf_addch(sb, '\n');
}

/* "Subject: Re: ..." folded, RFC 2047 encoded where it is not ASCII. */
static void add_subject(struct sbuf *sb, const char *subject)
{
	struct sbuf re = SBUF_INIT;

	sbuf_addf(&re, "Re: %s", subject);
	mime_fold_header(sb, "Subject", re.buf);
	sbuf_release(&re);
}

static const char *strip_re(const char *subject)
{
	while (!strncasecmp(subject, "re:", 3)) {
		subject += 3;
		while (*subject == ' ')
			subject++;
	}
	return subject;
}

struct same;
static bool same_posted(const struct same *sm, size_t i);

/* The same patch and findings give the same Message-ID. */
static void add_message_id(struct sbuf *sb, const struct series_patch *p,
			   const struct same *sm, const char *from)
{
	struct sbuf key = SBUF_INIT;
	const char *at = from ? strrchr(from, '@') : NULL;
	char hex[GIT_OID_HEXSZ + 1], domain[256];
	git_oid oid;
	size_t i, n = rule_findings_count(p->findings);

	/* A mail without a Message-ID still gets a stable one. */
	sbuf_addf(&key, "%s\n",
		  p->message_id ? p->message_id :
		  p->commit	? p->commit :
				  p->subject);
	for (i = 0; i < n; i++) {
		const struct rule_finding *fd =
			rule_findings_at(p->findings, i);

		if (same_posted(sm, i))
			sbuf_addf(&key, "%s %s %u %u\n", fd->rule, fd->path,
				  fd->line, fd->column);
	}
	if (sbuf_failed(&key))
		sbuf_addbuf(sb, &key); /* fails the reply: no id from a part */
	git_odb_hash(&oid, key.buf, key.len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &oid);
	snprintf(domain, sizeof(domain), "%s",
		 at ? at + 1 : "mmreview.invalid");
	domain[strcspn(domain, ">")] = '\0';
	sbuf_addf(sb, "Message-ID: <mmreview-%.20s@%s>\n", hex, domain);
	sbuf_release(&key);
}

static void add_headers(struct sbuf *sb, const struct series_patch *p,
			const struct same *sm, const struct reply_opts *o)
{
	struct addr_list to = { .n = 0 }, cc = { .n = 0 };
	struct mail_addr author = { p->author_name, p->author_addr };
	const struct mail_addr *addrs;
	const char *const *refs;
	const char *from = o->from;
	size_t n, i;

	sbuf_addf(sb, "From: %s\n",
		  from ? from : "mmreview <mmreview@mmreview.invalid>");
	if (o->to) {
		/* the caller's recipients ([post] reply-to) */
		for (i = 0; i < o->nto; i++)
			addr_list_add(&to, &o->to[i], NULL);
		for (i = 0; i < o->ncc; i++)
			addr_list_add(&cc, &o->cc[i], NULL);
	} else {
		addr_list_add(&to, &author, NULL);
	}
	add_address_header(sb, "To", &to);
	if (p->mail && !o->to) {
		n = mail_to(p->mail, &addrs);
		for (i = 0; i < n; i++)
			addr_list_add(&cc, &addrs[i], p->author_addr);
		n = mail_cc(p->mail, &addrs);
		for (i = 0; i < n; i++)
			addr_list_add(&cc, &addrs[i], p->author_addr);
	}
	add_address_header(sb, "Cc", &cc);
	add_subject(sb, strip_re(p->subject));
	add_message_id(sb, p, sm, from);
	if (p->message_id) {
		sbuf_addf(sb, "In-Reply-To: <%s>\nReferences:", p->message_id);
		n = p->mail ? mail_references(p->mail, &refs) : 0;
		for (i = 0; i < n; i++)
			sbuf_addf(sb, " <%s>\n", refs[i]);
		sbuf_addf(sb, " <%s>\n", p->message_id);
	}
	sbuf_addstr(sb, "MIME-Version: 1.0\n"
			"Content-Type: text/plain; charset=UTF-8\n"
			"Content-Transfer-Encoding: 8bit\n"
			"X-Mailer: mmreview " MMR_VERSION "\n\n");
}

/* Wrap a paragraph-structured message at REPORT_WRAP columns. */
static void add_wrapped(struct sbuf *sb, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text), col = 0;
		const char *w = text, *end = text + n;

		if (n && (text[0] == '\t' || text[0] == ' ')) {
			sbuf_add(sb, text, n); /* code: as it is */
		} else {
			while (w < end) {
				const char *sp = memchr(w, ' ', end - w);
				size_t wl = sp ? (size_t)(sp - w) :
						 (size_t)(end - w);

				if (col && col + 1 + wl > REPORT_WRAP) {
					sbuf_addch(sb, '\n');
					col = 0;
				} else if (col) {
					sbuf_addch(sb, ' ');
					col++;
				}
				sbuf_add(sb, w, wl);
				col += wl;
				w += wl + (sp != NULL);
			}
		}
		sbuf_addch(sb, '\n');
		text += n + (nl != NULL);
	}
}

/* add_wrapped() of a part built apart: its failure fails sb too. */
static void add_wrapped_buf(struct sbuf *sb, const struct sbuf *part)
{
	if (sbuf_failed(part))
		sbuf_addbuf(sb, part);
	else
		add_wrapped(sb, part->buf);
}

/*
 * The caret line under the finding's bytes of dl, quoted after indent
 * ("> " and the origin's column): UTF-8 continuation bytes take no width.
 */
static void add_caret_line(struct sbuf *sb, const struct diff_line *dl,
			   const struct rule_finding *fd, const char *indent)
{
	size_t start = fd->column ? fd->column - 1 : 0, i, width = 0;
	size_t end = fd->end_column > fd->column ? fd->end_column - 1 :
						   start + 1;

	if (start > dl->len)
		start = dl->len;
	if (end > dl->len)
		end = dl->len;
	sbuf_addstr(sb, indent);
	for (i = 0; i < start; i++) {
		unsigned char c = (unsigned char)dl->text[i];

		if (c == '\t')
			sbuf_addch(sb, '\t');
		else if ((c & 0xC0) != 0x80)
			sbuf_addch(sb, ' ');
	}
	for (i = start; i < end; i++)
		if (((unsigned char)dl->text[i] & 0xC0) != 0x80)
			width++;
	while (width--)
		sbuf_addch(sb, '^');
	sbuf_addch(sb, '\n');
}

/* Places listed under a question that several identical lines share. */
#define REPLY_MAX_SAME 8

/*
 * Findings that ask the same question of the same code (a header and its
 * copy under tools/testing/) are one question in a reply: the first is
 * quoted and names the others. first[i] is the index of the finding that
 * speaks for finding i.
 */
struct same {
	const struct rule_findings *fs;
	size_t *first;
	enum rule_severity min; /* findings below it are not posted */
};

/* Whether finding i goes into the reply at all. */
static bool same_posted(const struct same *sm, size_t i)
{
	return rule_findings_at(sm->fs, i)->severity >= sm->min;
}

struct keyed {
	const struct rule_finding *fd;
	size_t idx;
};

static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->fd->rule, y->fd->rule);

	if (!c)
		c = strcmp(x->fd->message, y->fd->message);
	if (!c)
		c = strcmp_null(x->fd->old_code, y->fd->old_code);
	if (!c)
		c = (int)x->fd->changelog - (int)y->fd->changelog;
	if (!c)
		c = x->idx < y->idx ? -1 : x->idx > y->idx;
	return c;
}

static void same_init(struct same *sm, const struct rule_findings *fs,
		      enum rule_severity min)
{
	size_t i, n = rule_findings_count(fs);
	struct keyed *k = xcalloc(n ? n : 1, sizeof(*k));

	sm->fs = fs;
	sm->min = min;
	sm->first = xcalloc(n ? n : 1, sizeof(*sm->first));
	for (i = 0; i < n; i++)
		k[i] = (struct keyed){ rule_findings_at(fs, i), i };
	qsort(k, n, sizeof(*k), cmp_keyed);
	for (i = 0; i < n; i++)
		sm->first[k[i].idx] =
			i && !strcmp(k[i].fd->rule, k[i - 1].fd->rule) &&
					!strcmp(k[i].fd->message,
						k[i - 1].fd->message) &&
					!strcmp_null(k[i].fd->old_code,
						     k[i - 1].fd->old_code) &&
					k[i].fd->changelog ==
						k[i - 1].fd->changelog ?
				sm->first[k[i - 1].idx] :
				k[i].idx;
	free(k);
}

static bool same_speaks(const struct same *sm, size_t i)
{
	return sm->first[i] == i && same_posted(sm, i);
}

/* Whether the reply has anything to say. */
static bool same_any(const struct same *sm)
{
	size_t i;

	for (i = 0; i < rule_findings_count(sm->fs); i++)
		if (same_speaks(sm, i))
			return true;
	return false;
}

/* "The same question applies to PATH, line N." for the others. */
static void add_same_places(struct sbuf *sb, const struct same *sm, size_t idx)
{
	size_t i, n = rule_findings_count(sm->fs), listed = 0, more = 0;

	for (i = 0; i < n; i++) {
		const struct rule_finding *fd = rule_findings_at(sm->fs, i);

		if (i == idx || sm->first[i] != idx)
			continue;
		if (listed == REPLY_MAX_SAME) {
			more++;
			continue;
		}
		struct sbuf line = SBUF_INIT;

		if (fd->changelog)
			sbuf_addf(&line,
				  "The same applies to line %u of the "
				  "changelog.",
				  fd->line);
		else
			sbuf_addf(&line,
				  "The same question applies to %s, line %u, "
				  "which has the same code.",
				  fd->path, fd->line);
		if (!listed++)
			sbuf_addch(sb, '\n');
		add_wrapped_buf(sb, &line);
		sbuf_release(&line);
	}
	if (more)
		sbuf_addf(sb, "And to %zu more places.\n", more);
}

/* Where a finding stands in the diff: hunk and line, or nowhere. */
struct placed {
	const struct rule_finding *fd;
	size_t idx; /* in the patch's findings */
	size_t hunk; /* SIZE_MAX: not on a line of the patch */
	size_t line;
};

/* The hunk whose side holds file line ln, by binary search; or NULL. */
static const struct diff_hunk *hunk_for(const struct diff_file *f,
					enum change_side side, unsigned ln,
					size_t *idx)
{
	size_t lo = 0, hi = f->nhunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct diff_hunk *h = &f->hunks[mid];
		unsigned start = side == CHANGE_NEW ? h->new_start :
						      h->old_start;
		unsigned count = side == CHANGE_NEW ? h->new_count :
						      h->old_count;

		if (ln < start) {
			hi = mid;
		} else if (ln >= start + count) {
			lo = mid + 1;
		} else {
			*idx = mid;
			return h;
		}
	}
	return NULL;
}

/*
 * The index of the hunk line holding file line ln of a side: the lines
 * of a side are in order, so a binary search over them does.
 */
static bool line_in_hunk(const struct diff_hunk *h, enum change_side side,
			 unsigned ln, size_t *line)
{
	size_t lo = 0, hi = h->nlines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, k = mid;
		const struct diff_line *dl;
		unsigned at;

		/* Step to a line of this side at or after mid. */
		while (k < hi &&
		       h->lines[k].origin == (side == CHANGE_NEW ? '-' : '+'))
			k++;
		if (k == hi) {
			hi = mid;
			continue;
		}
		dl = &h->lines[k];
		at = side == CHANGE_NEW ? dl->new_lineno : dl->old_lineno;
		if (at == ln) {
			*line = k;
			return true;
		}
		if (at < ln)
			lo = k + 1;
		else
			hi = mid;
	}
	return false;
}

/* Place each finding of the file on its hunk line, once. */
static size_t place_findings(const struct diff_file *f, const struct same *sm,
			     struct placed **out)
{
	const char *path = diff_file_path(f);
	struct placed *pl = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < rule_findings_count(sm->fs); i++) {
		const struct rule_finding *fd = rule_findings_at(sm->fs, i);
		const struct diff_hunk *h;
		struct placed *p;

		if (fd->changelog || strcmp(fd->path, path) ||
		    !same_speaks(sm, i))
			continue;
		XGROW(pl, alloc, n + 1);
		p = &pl[n++];
		p->fd = fd;
		p->idx = i;
		p->hunk = SIZE_MAX;
		h = hunk_for(f, fd->side, fd->line, &p->hunk);
		if (!h || !line_in_hunk(h, fd->side, fd->line, &p->line))
			p->hunk = SIZE_MAX;
	}
	*out = pl;
	return n;
}

static void add_explanation(struct sbuf *sb, const struct same *sm, size_t idx)
{
	const struct rule_finding *fd = rule_findings_at(sm->fs, idx);

	add_wrapped(sb, fd->message);
	add_same_places(sb, sm, idx);
	if (fd->old_code) {
		sbuf_addstr(sb, "\nThe old code was:\n\n");
		sbuf_addstr(sb, fd->old_code);
		if (fd->old_code[0] &&
		    fd->old_code[strlen(fd->old_code) - 1] != '\n')
			sbuf_addch(sb, '\n');
	}
	if (fd->note) {
		sbuf_addch(sb, '\n');
		add_wrapped(sb, fd->note);
	}
	sbuf_addch(sb, '\n');
}

/* "[ ... ]" once where quoted text was left out. */
static void flush_elision(struct sbuf *sb, bool *elided)
{
	if (!*elided)
		return;
	sbuf_addstr(sb, "\n[ ... ]\n\n");
	*elided = false;
}

/* By hunk, then line; findings outside the hunks last; stable. */
static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->hunk != y->hunk)
		return x->hunk < y->hunk ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

/*
 * Quote a window of lines around each finding of one hunk: pl[0..n) are
 * that hunk's findings, in line order.
 */
static void quote_hunk(struct sbuf *sb, const struct same *sm,
		       const struct diff_hunk *h, const struct placed *pl,
		       size_t n, bool *elided)
{
	bool *keep = xcalloc(h->nlines + 1, sizeof(*keep));
	size_t i, j, a, b;

	for (j = 0; j < n; j++) {
		a = pl[j].line > QUOTE_BEFORE ? pl[j].line - QUOTE_BEFORE : 0;
		b = pl[j].line + QUOTE_AFTER < h->nlines ?
			    pl[j].line + QUOTE_AFTER :
			    h->nlines - 1;
		while (a <= b)
			keep[a++] = true;
	}
	flush_elision(sb, elided);
	sbuf_addf(sb, "> @@ -%u,%u +%u,%u @@%s%s\n", h->old_start, h->old_count,
		  h->new_start, h->new_count, *h->section ? " " : "",
		  h->section);
	for (i = 0, j = 0; i < h->nlines; i++) {
		const struct diff_line *dl = &h->lines[i];

		if (!keep[i]) {
			*elided = true;
			continue;
		}
		flush_elision(sb, elided);
		sbuf_addf(sb, "> %c%.*s\n", dl->origin, (int)dl->len, dl->text);
		for (; j < n && pl[j].line == i; j++) {
			add_caret_line(sb, dl, pl[j].fd, "   ");
			add_explanation(sb, sm, pl[j].idx);
		}
	}
	*elided = true; /* the rest of the file is not quoted */
	free(keep);
}

/*
 * A finding on a line the patch does not show (a comment above a changed
 * macro): quote that line from the file as the review saw it.
 */
static void quote_outside(struct sbuf *sb, const struct same *sm, size_t idx,
			  bool *elided)
{
	const struct rule_finding *fd = rule_findings_at(sm->fs, idx);
	struct diff_line dl = { .origin = ' ',
				.text = fd->line_text,
				.len = strlen(fd->line_text) };

	flush_elision(sb, elided);
	sbuf_addf(sb, "In %s, line %u, which the patch does not change:\n\n",
		  fd->path, fd->line);
	sbuf_addf(sb, "> %c%.*s\n", dl.origin, (int)dl.len, dl.text);
	add_caret_line(sb, &dl, fd, "   ");
	add_explanation(sb, sm, idx);
	*elided = true;
}

/* Whether a file has a finding that speaks for itself in the reply. */
static bool file_has_findings(const struct same *sm, const char *path)
{
	size_t i;

	for (i = 0; i < rule_findings_count(sm->fs); i++)
		if (same_speaks(sm, i) &&
		    !rule_findings_at(sm->fs, i)->changelog &&
		    !strcmp(rule_findings_at(sm->fs, i)->path, path))
			return true;
	return false;
}

/*
 * The findings on the changelog, first, as a reviewer answers a patch:
 * the line quoted with "> ", the caret line under the words.
 */
static void quote_changelog(struct sbuf *sb, const struct same *sm,
			    bool *elided)
{
	unsigned last = 0;
	size_t i;

	for (i = 0; i < rule_findings_count(sm->fs); i++) {
		const struct rule_finding *fd = rule_findings_at(sm->fs, i);
		struct diff_line dl = { .origin = ' ',
					.text = fd->line_text,
					.len = strlen(fd->line_text) };

		if (!fd->changelog || !same_speaks(sm, i))
			continue;
		/* the next line, or the same one again: nothing left out */
		if (last && (fd->line == last || fd->line == last + 1))
			*elided = false;
		flush_elision(sb, elided);
		last = fd->line;
		sbuf_addf(sb, "> %.*s\n", (int)dl.len, dl.text);
		add_caret_line(sb, &dl, fd, "  ");
		add_explanation(sb, sm, i);
		*elided = true;
	}
}

static void quote_file(struct sbuf *sb, const struct diff_file *f,
		       const struct same *sm, bool *elided)
{
	const char *path = diff_file_path(f);
	struct placed *pl;
	size_t i, j, n = place_findings(f, sm, &pl);

	flush_elision(sb, elided);
	sbuf_addf(sb, "> diff --git a/%s b/%s\n",
		  f->old_path ? f->old_path : path,
		  f->new_path ? f->new_path : path);
	if (f->old_id && f->new_id && f->old_mode == f->new_mode && f->new_mode)
		sbuf_addf(sb, "> index %s..%s %o\n", f->old_id, f->new_id,
			  f->new_mode);
	else if (f->old_id && f->new_id)
		sbuf_addf(sb, "> index %s..%s\n", f->old_id, f->new_id);
	sbuf_addf(sb, "> --- %s%s\n> +++ %s%s\n", f->old_path ? "a/" : "",
		  f->old_path ? f->old_path : "/dev/null",
		  f->new_path ? "b/" : "",
		  f->new_path ? f->new_path : "/dev/null");
	qsort(pl, n, sizeof(*pl), cmp_placed);
	for (i = 0; i < n && pl[i].hunk != SIZE_MAX; i = j) {
		for (j = i; j < n && pl[j].hunk == pl[i].hunk; j++)
			;
		quote_hunk(sb, sm, &f->hunks[pl[i].hunk], pl + i, j - i,
			   elided);
	}
	for (; i < n; i++)
		quote_outside(sb, sm, pl[i].idx, elided);
	free(pl);
}

/* Said once: the review saw only the patch, and why. */
static void add_partial_note(struct sbuf *sb, const struct same *sm)
{
	size_t i;

	for (i = 0; i < rule_findings_count(sm->fs); i++) {
		const struct rule_finding *fd = rule_findings_at(sm->fs, i);
		struct sbuf note = SBUF_INIT;

		if (!fd->partial || !same_posted(sm, i))
			continue;
		sbuf_addf(&note,
			  "mmreview read only the lines of the patch, not the "
			  "whole files (%s).",
			  fd->partial_reason ? fd->partial_reason : "");
		sbuf_addstr(sb, "\n\n");
		add_wrapped_buf(sb, &note);
		sbuf_rtrim(sb);
		sbuf_release(&note);
		return;
	}
}

static const char *first_name(const char *name, char *buf, size_t len)
{
	size_t n = strcspn(name, " ");

	if (!n)
		return "";
	snprintf(buf, len, " %.*s", (int)n, name);
	return buf;
}

int reply_email(char **out, const struct series_patch *p, const char *from,
		enum rule_severity min)
{
	struct reply_opts o = { .from = from, .min = min };

	return reply_email_opts(out, p, &o);
}

int reply_email_opts(char **out, const struct series_patch *p,
		     const struct reply_opts *o)
{
	struct sbuf sb;
	struct same sm;
	char name[128];
	size_t i;
	bool elided = false;

	*out = NULL;
	if (!p->findings || !rule_findings_count(p->findings) || !p->diff)
		return 0;
	same_init(&sm, p->findings, o->min);
	if (!same_any(&sm)) {
		free(sm.first);
		return 0;
	}
	sbuf_init(&sb, REPLY_MAX_BYTES);
	add_headers(&sb, p, &sm, o);
	sbuf_addf(&sb, "Hi%s,\n\n",
		  first_name(p->author_name ? p->author_name : "", name,
			     sizeof(name)));
	sbuf_addstr(&sb, "mmreview, an automated reviewer of mm patches, "
			 "has questions about this patch:\n\n");
	if (o->note) {
		add_wrapped(&sb, o->note);
		sbuf_rtrim(&sb);
		sbuf_addstr(&sb, "\n\n");
	}
	quote_changelog(&sb, &sm, &elided);
	for (i = 0; i < diff_nfiles(p->diff); i++) {
		const struct diff_file *f = diff_file(p->diff, i);

		if (file_has_findings(&sm, diff_file_path(f)))
			quote_file(&sb, f, &sm, &elided);
	}
	sbuf_rtrim(&sb);
	add_partial_note(&sb, &sm);
	sbuf_addstr(&sb, "\n\n-- \nmmreview " MMR_VERSION
			 ": each question comes from a rule; "
			 "'mmreview rules show <id>' explains it.\n");
	free(sm.first);
	/* A reply with a gap must never be sent: all of it or nothing. */
	if (sbuf_failed(&sb)) {
		sbuf_release(&sb);
		return mmr_error_set(MMR_ELIMIT,
				     "the reply to %s would pass %zu bytes",
				     p->message_id ? p->message_id :
				     p->commit	   ? p->commit :
						     p->subject,
				     REPLY_MAX_BYTES);
	}
	*out = sbuf_detach(&sb, NULL);
	return 0;
}
