// SPDX-License-Identifier: GPL-2.0
#include <git2.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "report.h"
#include "sbuf.h"
#include "util.h"

#define REPORT_WRAP 72
#define QUOTE_BEFORE 20 /* hunk lines quoted above a finding */
#define QUOTE_AFTER 6 /* and below it */

static const char *const format_names[] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_SARIF] = "sarif",
	[REPORT_EMAIL] = "email",
};

int report_format_parse(const char *s, enum report_format *out)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return mmr_error_set(MMR_EINVAL,
			     "unknown format '%s' (text, json, sarif, email)",
			     s);
}

/* The first line of a message, for one-line diagnostics. */
static void first_line(struct sbuf *sb, const char *msg)
{
	const char *nl = strchr(msg, '\n');

	sbuf_add(sb, msg, nl ? (size_t)(nl - msg) : strlen(msg));
}

/* --- text ------------------------------------------------------------------ */

static void indent_lines(FILE *f, const char *text, const char *indent)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		fprintf(f, "%s%.*s\n", n ? indent : "", (int)n, text);
		text += n + (nl != NULL);
	}
}

static void text_finding(FILE *f, const struct rule_finding *fd, int verbose)
{
	struct sbuf sb = SBUF_INIT;

	first_line(&sb, fd->message);
	fprintf(f, "%s:%u:%u: %s: %s [%s]\n", fd->path, fd->line, fd->column,
		rule_severity_name(fd->severity), sb.buf, fd->rule);
	sbuf_release(&sb);
	if (!verbose)
		return;
	if (strchr(fd->message, '\n'))
		indent_lines(f, strchr(fd->message, '\n') + 1, "    ");
	if (fd->old_code) {
		fprintf(f, "    the old code was:\n");
		indent_lines(f, fd->old_code, "    | ");
	}
	if (fd->note)
		fprintf(f, "    note: %s\n", fd->note);
	if (fd->partial)
		fprintf(f, "    note: reviewed from the hunks alone: %s\n",
			fd->partial_reason ? fd->partial_reason : "");
}

static void text_patch_header(FILE *f, const struct series_patch *p)
{
	fprintf(f, "%s", p->subject);
	if (p->message_id)
		fprintf(f, " <%s>", p->message_id);
	else if (p->commit)
		fprintf(f, " (%.12s)", p->commit);
	fprintf(f, "\n");
}

static void text_origins(FILE *f, const struct series_patch *p)
{
	size_t i, n = p->changes ? change_set_count(p->changes) : 0;
	const char *last = NULL;

	for (i = 0; i < n; i++) {
		const struct change *c = change_set_at(p->changes, i);

		if (last && !strcmp(last, change_path(c)))
			continue;
		last = change_path(c);
		fprintf(f, "  %s: images from %s%s%s\n", last,
			change_origin_name(change_origin(c)),
			change_partial(c) ? ": " : "",
			change_partial(c) ? change_partial_reason(c) : "");
	}
}

static void write_text(FILE *f, const struct series *s,
		       const struct report_opts *o)
{
	size_t i, j, count[3] = { 0 }, patches = 0;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		size_t n = p->findings ? rule_findings_count(p->findings) : 0;

		if (!n && !p->error && !o->verbose)
			continue;
		text_patch_header(f, p);
		if (o->verbose)
			text_origins(f, p);
		if (p->error)
			fprintf(f, "%s: error: %s\n",
				p->message_id ? p->message_id : p->subject,
				p->error);
		for (j = 0; j < n; j++) {
			const struct rule_finding *fd =
				rule_findings_at(p->findings, j);

			text_finding(f, fd, o->verbose);
			count[fd->severity]++;
		}
		patches += n > 0;
	}
	fprintf(f,
		"total: %zu error%s, %zu warning%s, %zu info in %zu of %zu "
		"patch%s\n",
		count[RULE_ERROR], count[RULE_ERROR] == 1 ? "" : "s",
		count[RULE_WARNING], count[RULE_WARNING] == 1 ? "" : "s",
		count[RULE_INFO], patches, series_count(s),
		series_count(s) == 1 ? "" : "es");
}

/* --- JSON ------------------------------------------------------------------ */

/*
 * A JSON string of s, made valid UTF-8 first: jansson refuses anything
 * else, and a finding must not vanish because a path or a line of old
 * code carries a stray byte.
 */
json_t *report_json_text(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	json_t *j;

	if (!s)
		return json_null();
	sbuf_add_utf8(&sb, s, strlen(s));
	j = json_stringn(sb.buf, sb.len);
	sbuf_release(&sb);
	return j ? j : json_string("");
}

/* Append o to arr; a NULL from json_pack() is a bug, not a lost finding. */
static void append(json_t *arr, json_t *o)
{
	if (!o) {
		fprintf(stderr,
			"mmreview: internal error: cannot build JSON\n");
		abort();
	}
	json_array_append_new(arr, o);
}

static json_t *json_finding(const struct rule_finding *fd,
			    const struct series_patch *p)
{
	return json_pack(
		"{s:s, s:s, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:b, s:o, "
		"s:{s:o, s:o, s:o}}",
		"rule", fd->rule, "severity", rule_severity_name(fd->severity),
		"file", report_json_text(fd->path), "line",
		(json_int_t)fd->line, "column", (json_int_t)fd->column,
		"end_column", (json_int_t)fd->end_column, "function",
		report_json_text(fd->function), "message",
		report_json_text(fd->message), "old_code",
		report_json_text(fd->old_code), "note",
		report_json_text(fd->note), "partial", fd->partial,
		"partial_reason",
		report_json_text(fd->partial ? fd->partial_reason : NULL),
		"patch", "subject", report_json_text(p->subject), "message_id",
		report_json_text(p->message_id), "commit",
		report_json_text(p->commit));
}

/* Every finding of the series, each made into JSON by fn. */
static json_t *findings_array(const struct series *s,
			      json_t *(*fn)(const struct rule_finding *fd,
					    const struct series_patch *p))
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		size_t n = p->findings ? rule_findings_count(p->findings) : 0;

		for (j = 0; j < n; j++)
			append(arr, fn(rule_findings_at(p->findings, j), p));
	}
	return arr;
}

static void write_json(FILE *f, const struct series *s)
{
	json_t *arr = findings_array(s, json_finding), *errors = json_array();
	json_t *root;
	size_t i;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);

		if (p->error)
			append(errors,
			       json_pack("{s:o, s:o, s:o}", "subject",
					 report_json_text(p->subject),
					 "message_id",
					 report_json_text(p->message_id),
					 "error", report_json_text(p->error)));
	}
	root = json_pack("{s:o, s:o}", "findings", arr, "errors", errors);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
}

/* --- SARIF 2.1.0 ------------------------------------------------------------- */

static const char *sarif_level(enum rule_severity sev)
{
	return sev == RULE_ERROR   ? "error" :
	       sev == RULE_WARNING ? "warning" :
				     "note";
}

static json_t *sarif_rules(const struct rule_set *rules)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < rule_set_count(rules); i++) {
		const struct rule *r = rule_set_at(rules, i);

		append(arr,
		       json_pack("{s:o, s:{s:o}, s:{s:o}, s:{s:s, s:b}}", "id",
				 report_json_text(r->id), "shortDescription",
				 "text", report_json_text(r->summary),
				 "fullDescription", "text",
				 report_json_text(r->doc),
				 "defaultConfiguration", "level",
				 sarif_level(rule_set_severity(rules, r->id)),
				 "enabled", rule_set_enabled(rules, r->id)));
	}
	return arr;
}

static json_t *sarif_result(const struct rule_finding *fd,
			    const struct series_patch *p)
{
	return json_pack(
		"{s:s, s:s, s:{s:o}, s:[{s:{s:{s:o}, s:{s:I, s:I, s:I}}}], "
		"s:{s:o, s:o, s:o, s:b}}",
		"ruleId", fd->rule, "level", sarif_level(fd->severity),
		"message", "text", report_json_text(fd->message), "locations",
		"physicalLocation", "artifactLocation", "uri",
		report_json_text(fd->path), "region", "startLine",
		(json_int_t)fd->line, "startColumn", (json_int_t)fd->column,
		"endColumn", (json_int_t)fd->end_column, "properties",
		"function", report_json_text(fd->function), "patch",
		report_json_text(p->message_id ? p->message_id : p->commit),
		"oldCode", report_json_text(fd->old_code), "partial",
		fd->partial);
}

static void write_sarif(FILE *f, const struct series *s,
			const struct rule_set *rules)
{
	json_t *results = findings_array(s, sarif_result), *root;

	root = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:o}]}",
			 "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0", "runs", "tool", "driver", "name",
			 "mmreview", "version", MMR_VERSION, "informationUri",
			 "https://lore.kernel.org/linux-mm/", "rules",
			 sarif_rules(rules), "results", results);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
}

/* --- the reply email ----------------------------------------------------------- */

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
		sbuf_add(sb, one.buf, one.len);
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

/* The same patch and findings give the same Message-ID. */
static void add_message_id(struct sbuf *sb, const struct series_patch *p,
			   const struct report_opts *o)
{
	struct sbuf key = SBUF_INIT;
	const char *at = o->from ? strrchr(o->from, '@') : NULL;
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

		sbuf_addf(&key, "%s %s %u %u\n", fd->rule, fd->path, fd->line,
			  fd->column);
	}
	git_odb_hash(&oid, key.buf, key.len, GIT_OBJECT_BLOB);
	git_oid_tostr(hex, sizeof(hex), &oid);
	snprintf(domain, sizeof(domain), "%s",
		 at ? at + 1 : "mmreview.invalid");
	domain[strcspn(domain, ">")] = '\0';
	sbuf_addf(sb, "Message-ID: <mmreview-%.20s@%s>\n", hex, domain);
	sbuf_release(&key);
}

static void add_headers(struct sbuf *sb, const struct series_patch *p,
			const struct report_opts *o)
{
	struct addr_list to = { .n = 0 }, cc = { .n = 0 };
	struct mail_addr author = { p->author_name, p->author_addr };
	const struct mail_addr *addrs;
	const char *const *refs;
	size_t n, i;

	sbuf_addf(sb, "From: %s\n",
		  o->from ? o->from : "mmreview <mmreview@mmreview.invalid>");
	addr_list_add(&to, &author, NULL);
	add_address_header(sb, "To", &to);
	if (p->mail) {
		n = mail_to(p->mail, &addrs);
		for (i = 0; i < n; i++)
			addr_list_add(&cc, &addrs[i], p->author_addr);
		n = mail_cc(p->mail, &addrs);
		for (i = 0; i < n; i++)
			addr_list_add(&cc, &addrs[i], p->author_addr);
	}
	add_address_header(sb, "Cc", &cc);
	add_subject(sb, strip_re(p->subject));
	add_message_id(sb, p, o);
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

/* Display width up to byte n of s: UTF-8 continuation bytes add nothing. */
static void add_caret_line(struct sbuf *sb, const struct diff_line *dl,
			   const struct rule_finding *fd)
{
	size_t start = fd->column ? fd->column - 1 : 0, i, width = 0;
	size_t end = fd->end_column > fd->column ? fd->end_column - 1 :
						   start + 1;

	if (start > dl->len)
		start = dl->len;
	if (end > dl->len)
		end = dl->len;
	sbuf_addstr(sb, "   ");
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

/* Where a finding stands in the diff: hunk and line, or nowhere. */
struct placed {
	const struct rule_finding *fd;
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
static size_t place_findings(const struct diff_file *f,
			     const struct rule_findings *fs,
			     struct placed **out)
{
	const char *path = diff_file_path(f);
	struct placed *pl = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < rule_findings_count(fs); i++) {
		const struct rule_finding *fd = rule_findings_at(fs, i);
		const struct diff_hunk *h;
		struct placed *p;

		if (strcmp(fd->path, path))
			continue;
		XGROW(pl, alloc, n + 1);
		p = &pl[n++];
		p->fd = fd;
		p->hunk = SIZE_MAX;
		h = hunk_for(f, fd->side, fd->line, &p->hunk);
		if (!h || !line_in_hunk(h, fd->side, fd->line, &p->line))
			p->hunk = SIZE_MAX;
	}
	*out = pl;
	return n;
}

static void add_explanation(struct sbuf *sb, const struct rule_finding *fd)
{
	add_wrapped(sb, fd->message);
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
static void quote_hunk(struct sbuf *sb, const struct diff_hunk *h,
		       const struct placed *pl, size_t n, bool *elided)
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
			add_caret_line(sb, dl, pl[j].fd);
			add_explanation(sb, pl[j].fd);
		}
	}
	*elided = true; /* the rest of the file is not quoted */
	free(keep);
}

/*
 * A finding on a line the patch does not show (a comment above a changed
 * macro): quote that line from the file as the review saw it.
 */
static void quote_outside(struct sbuf *sb, const struct rule_finding *fd,
			  bool *elided)
{
	const struct csrc *cs = change_src(fd->change, fd->side);
	size_t len;
	const char *text = csrc_text(cs, &len);
	unsigned il = csrc_line_of(cs, fd->start);
	uint32_t b = csrc_line_start(cs, il), e = csrc_line_start(cs, il + 1);
	struct diff_line dl = { .origin = ' ', .text = text + b };

	if (e > b && text[e - 1] == '\n')
		e--;
	dl.len = e > b ? e - b : 0;
	flush_elision(sb, elided);
	sbuf_addf(sb, "In %s, line %u, which the patch does not change:\n\n",
		  fd->path, fd->line);
	sbuf_addf(sb, "> %c%.*s\n", dl.origin, (int)dl.len, dl.text);
	add_caret_line(sb, &dl, fd);
	add_explanation(sb, fd);
	*elided = true;
}

static bool file_has_findings(const struct rule_findings *fs, const char *path)
{
	size_t i;

	for (i = 0; i < rule_findings_count(fs); i++)
		if (!strcmp(rule_findings_at(fs, i)->path, path))
			return true;
	return false;
}

static void quote_file(struct sbuf *sb, const struct diff_file *f,
		       const struct rule_findings *fs, bool *elided)
{
	const char *path = diff_file_path(f);
	struct placed *pl;
	size_t i, j, n = place_findings(f, fs, &pl);

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
		quote_hunk(sb, &f->hunks[pl[i].hunk], pl + i, j - i, elided);
	}
	for (; i < n; i++)
		quote_outside(sb, pl[i].fd, elided);
	free(pl);
}

/* Said once: the review saw only the patch, and why. */
static void add_partial_note(struct sbuf *sb, const struct rule_findings *fs)
{
	size_t i;

	for (i = 0; i < rule_findings_count(fs); i++) {
		const struct rule_finding *fd = rule_findings_at(fs, i);
		struct sbuf note = SBUF_INIT;

		if (!fd->partial)
			continue;
		sbuf_addf(&note,
			  "mmreview read only the lines of the patch, not the "
			  "whole files (%s).",
			  fd->partial_reason ? fd->partial_reason : "");
		sbuf_addstr(sb, "\n\n");
		add_wrapped(sb, note.buf);
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

char *report_email(const struct series_patch *p, const struct report_opts *o)
{
	struct sbuf sb = SBUF_INIT;
	char name[128];
	size_t i;
	bool elided = false;

	if (!p->findings || !rule_findings_count(p->findings) || !p->diff)
		return NULL;
	add_headers(&sb, p, o);
	sbuf_addf(&sb, "Hi%s,\n\n",
		  first_name(p->author_name ? p->author_name : "", name,
			     sizeof(name)));
	sbuf_addstr(&sb, "mmreview, an automated reviewer of mm patches, "
			 "has questions about this patch:\n\n");
	for (i = 0; i < diff_nfiles(p->diff); i++) {
		const struct diff_file *f = diff_file(p->diff, i);

		if (file_has_findings(p->findings, diff_file_path(f)))
			quote_file(&sb, f, p->findings, &elided);
	}
	sbuf_rtrim(&sb);
	add_partial_note(&sb, p->findings);
	sbuf_addstr(&sb, "\n\n-- \nmmreview " MMR_VERSION
			 ": each question comes from a rule; "
			 "'mmreview rules show <id>' explains it.\n");
	return sbuf_detach(&sb, NULL);
}

static void write_email(FILE *f, const struct series *s,
			const struct report_opts *o)
{
	size_t i;

	for (i = 0; i < series_count(s); i++) {
		const struct series_patch *p = series_at(s, i);
		char *mail = report_email(p, o);

		if (!mail)
			continue;
		/* An mbox, so several replies can be saved and sent. */
		fprintf(f, "From mmreview Thu Jan  1 00:00:00 1970\n%s\n",
			mail);
		free(mail);
	}
}

int report_write(FILE *f, const struct series *s, const struct rule_set *rules,
		 const struct report_opts *opts)
{
	switch (opts->format) {
	case REPORT_TEXT:
		write_text(f, s, opts);
		break;
	case REPORT_JSON:
		write_json(f, s);
		break;
	case REPORT_SARIF:
		write_sarif(f, s, rules);
		break;
	case REPORT_EMAIL:
		write_email(f, s, opts);
		break;
	}
	return ferror(f) ? mmr_error_set(MMR_EIO, "cannot write the report") :
			   0;
}
