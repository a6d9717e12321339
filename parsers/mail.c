// SPDX-License-Identifier: GPL-2.0
/*
 * mail: one RFC 822 / MIME message; see mail.h.
 *
 * mail_parse() works on a private copy of the message with LF line endings,
 * the mbox "From " line removed and mboxrd quoting undone. Every loop over
 * the input moves forward only, so parsing is linear in the input size.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "mime.h"
#include "sbuf.h"
#include "util.h"

#define MAIL_MAX_WARNINGS 100 /* then one "too many warnings" line */
#define MAIL_MAX_TRAILERS MAIL_MAX_HEADERS
#define MAIL_MAX_ID 998 /* bytes in a Message-ID, RFC 5322 line length */
#define MAIL_CR_PROBE ((size_t)64 << 10) /* bytes looked at for an LF */

struct mail_field {
	char *name;
	char *raw; /* unfolded, not decoded */
	char *value; /* RFC 2047 decoded (top-level header only) */
	size_t first; /* bytes of raw from its first line with text */
};

struct mail_fields {
	struct mail_field *v;
	size_t n, alloc;
	bool full; /* MAIL_MAX_HEADERS reached */
};

struct mail {
	struct mail_fields hdr;
	const char *subject;
	struct mail_subject subj;
	const char *msgid;
	const char *irt;
	const char *date_text;
	time_t date;
	const char **refs;
	size_t nrefs, arefs;
	struct mail_addr from;
	bool has_from;
	struct mail_addr author; /* DEP-3 "Author:" */
	bool has_author;
	const char *patch_subject; /* Subject, else the Description's line */
	struct mail_addr *to, *cc;
	size_t nto, ato, ncc, acc;
	size_t naddrs;
	struct sbuf body;
	struct mail_trailer *tr;
	size_t ntr, atr;
	char **warn;
	size_t nwarn, awarn;
	char **pool;
	size_t npool, apool;
	size_t nparts;
	struct mime *mime; /* the codec's context while mail_parse() runs */
};

/* --- small helpers ------------------------------------------------------ */

/* End of the line starting at i (the index of its '\n', or n). */
static size_t mail_eol(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);

	return nl ? (size_t)(nl - s) : n;
}

static char *mail_keep(struct mail *m, char *s)
{
	XGROW(m->pool, m->apool, m->npool + 1);
	m->pool[m->npool++] = s;
	return s;
}

static const char *mail_keepn(struct mail *m, const char *s, size_t n)
{
	return mail_keep(m, xstrndup(s, n));
}

static void mail_warn(struct mail *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mail_warn(struct mail *m, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (m->nwarn > MAIL_MAX_WARNINGS)
		return;
	if (m->nwarn == MAIL_MAX_WARNINGS) {
		sbuf_addstr(&sb, "too many warnings, the rest are not shown");
	} else {
		va_start(ap, fmt);
		sbuf_vaddf(&sb, fmt, ap);
		va_end(ap);
	}
	XGROW(m->warn, m->awarn, m->nwarn + 1);
	m->warn[m->nwarn++] = sbuf_detach(&sb, NULL);
}

static void mail_mime_warn(const char *msg, void *payload)
{
	mail_warn(payload, "%s", msg);
}

/* A header value, RFC 2047 decoded and trimmed, in a new string. */
static char *mail_decode_str(struct mail *m, const char *s, size_t n)
{
	struct sbuf sb;
	const char *p;
	size_t len;

	sbuf_init(&sb, 4 * MAIL_MAX_HEADER);
	mime_decode_words(m->mime, &sb, s, n);
	p = sb.buf;
	len = sb.len;
	mmr_trim(&p, &len);
	p = xstrndup(p, len);
	sbuf_release(&sb);
	return (char *)p;
}

/* --- header fields ------------------------------------------------------- */

static void mail_fields_release(struct mail_fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].raw);
		free(f->v[i].value);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static void mail_field_add(struct mail *m, struct mail_fields *f, char *name,
			   struct sbuf *val, size_t first)
{
	struct mail_field *fd;

	if (f->n >= MAIL_MAX_HEADERS) {
		if (!f->full)
			mail_warn(
				m,
				"more than %d header fields, the rest ignored",
				MAIL_MAX_HEADERS);
		f->full = true;
		free(name);
		sbuf_reset(val);
		return;
	}
	sbuf_rtrim(val);
	XGROW(f->v, f->alloc, f->n + 1);
	fd = &f->v[f->n++];
	fd->name = name;
	fd->first = first < val->len ? first : val->len;
	fd->raw = sbuf_detach(val, NULL);
	fd->value = NULL;
}

static const struct mail_field *mail_field_get(const struct mail_fields *f,
					       const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcasecmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

static const char *mail_field_raw(const struct mail_fields *f, const char *name)
{
	const struct mail_field *fd = mail_field_get(f, name);

	return fd ? fd->raw : NULL;
}

/* Length of a header name at s ("Name:" or obsolete "Name :"), 0 if none. */
static size_t mail_field_name(const char *s, size_t n, size_t *colon)
{
	size_t k = 0, len;

	while (k < n && s[k] > 32 && s[k] < 127 && s[k] != ':')
		k++;
	len = k;
	while (k < n && mmr_is_wsp((unsigned char)s[k]))
		k++;
	if (!len || k >= n || s[k] != ':')
		return 0;
	*colon = k;
	return len;
}

/*
 * Append [s, s + n) to the value of header name; a NUL byte, which would
 * cut the value short, becomes U+FFFD (one warning per field, *nul).
 */
static int mail_value_add(struct mail *m, struct sbuf *val, const char *name,
			  const char *s, size_t n, bool *nul)
{
	const char *z;
	int err = 0;

	while (!err && (z = memchr(s, '\0', n))) {
		if (!*nul)
			mail_warn(m,
				  "NUL bytes in header '%.64s' replaced "
				  "with U+FFFD",
				  name);
		*nul = true;
		err = sbuf_add(val, s, (size_t)(z - s));
		if (!err)
			err = sbuf_add(val, "\xef\xbf\xbd", 3);
		n -= (size_t)(z - s) + 1;
		s = z + 1;
	}
	if (!err)
		err = sbuf_add(val, s, n);
	if (!err)
		return 0;
	return mmr_error_set(MMR_ELIMIT, "header '%.64s' longer than %zu bytes",
			     name, MAIL_MAX_HEADER);
}

/*
 * Parse the header block at the start of [s, s + n) into f; *body is set
 * to the start of the body. A line that is not a header field ends the
 * block (with a warning). Fails only when a field exceeds MAIL_MAX_HEADER.
 */
static int mail_fields_parse(struct mail *m, struct mail_fields *f,
			     const char *s, size_t n, size_t *body)
{
	struct sbuf val;
	char *name = NULL;
	size_t i = 0, e, next, colon, len, line = 0, first = 0;
	bool nul = false;
	int err = 0;

	sbuf_init(&val, MAIL_MAX_HEADER);
	for (; i < n; i = next) {
		const char *v;

		line++;
		e = mail_eol(s, n, i);
		next = e < n ? e + 1 : n;
		if (e == i) {
			i = next;
			break;
		}
		if (mmr_is_wsp((unsigned char)s[i])) {
			if (!name)
				continue;
			v = s + i;
			len = e - i;
			mmr_trim(&v, &len);
			err = mail_value_add(m, &val, name, " ", 1, &nul);
			if (!err)
				err = mail_value_add(m, &val, name, v, len,
						     &nul);
			if (err)
				goto out;
			if (!first)
				first = val.len;
			continue;
		}
		len = mail_field_name(s + i, e - i, &colon);
		if (!len) {
			if (!m->hdr.n && !f->n && !name &&
			    mmr_starts_with(s + i, e - i, "From "))
				continue;
			if (e - i == 3 && !memcmp(s + i, "---", 3))
				break; /* DEP-3: "---" ends a patch's header */
			mail_warn(
				m,
				"header line %zu is malformed, body starts there",
				line);
			break;
		}
		if (name)
			mail_field_add(m, f, name, &val, first);
		name = xstrndup(s + i, len);
		v = s + i + colon + 1;
		len = e - (i + colon + 1);
		mmr_trim(&v, &len);
		nul = false;
		err = mail_value_add(m, &val, name, v, len, &nul);
		if (err)
			goto out;
		first = val.len;
	}
	if (name)
		mail_field_add(m, f, name, &val, first);
	name = NULL;
	*body = i;
out:
	free(name);
	sbuf_release(&val);
	return err;
}

/* --- addresses ---------------------------------------------------------- */

/* Skip a comment starting at s[i] == '('; copy its text to c if given. */
static size_t mail_comment(const char *s, size_t n, size_t i, struct sbuf *c)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			if (c && depth)
				sbuf_addch(c, s[i]);
			continue;
		}
		if (s[i] == '(') {
			if (depth++ && c)
				sbuf_addch(c, '(');
			continue;
		}
		if (s[i] == ')') {
			if (!--depth)
				return i + 1;
			if (c)
				sbuf_addch(c, ')');
			continue;
		}
		if (c)
			sbuf_addch(c, s[i]);
	}
	return n;
}

/* Copy a quoted string starting at s[i] == '"' to out, unescaped. */
static char *mail_collapse(const char *s, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	bool sp = false;
	size_t i;

	mmr_trim(&s, &n);
	for (i = 0; i < n; i++) {
		if (mmr_is_space((unsigned char)s[i])) {
			sp = true;
			continue;
		}
		if (sp)
			sbuf_addch(&sb, ' ');
		sp = false;
		sbuf_addch(&sb, s[i]);
	}
	return sbuf_detach(&sb, NULL);
}

struct mail_addr_parts {
	struct sbuf phrase; /* display name, unquoted, comments dropped */
	struct sbuf raw; /* the same with its quoted strings as written */
	struct sbuf comment; /* the first comment */
	struct sbuf angle; /* inside <...> */
	bool has_angle;
};

static void mail_addr_scan(const char *s, size_t n, struct mail_addr_parts *p)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '(') {
			i = mail_comment(s, n, i,
					 p->comment.len ? NULL : &p->comment);
		} else if (s[i] == '"') {
			size_t e = mime_quoted_string(s, n, i, &p->phrase);

			sbuf_add(&p->raw, s + i, e - i);
			i = e;
		} else if (s[i] == '<' && !p->has_angle) {
			const char *gt = memchr(s + i, '>', n - i);
			size_t e = gt ? (size_t)(gt - s) : n;

			sbuf_add(&p->angle, s + i + 1, e - i - 1);
			p->has_angle = true;
			i = e < n ? e + 1 : n;
		} else {
			sbuf_addch(&p->phrase, s[i]);
			sbuf_addch(&p->raw, s[i]);
			i++;
		}
	}
}

/* A local part that is a dot-atom (RFC 5322, UTF-8 allowed by RFC 6531). */
static bool mail_dot_atom(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && s[i + 1] == '.')
			return false;
		if (c != '.' && c < 0x80 && !isalnum(c) &&
		    !strchr("!#$%&'*+-/=?^_`{|}~", c))
			return false;
	}
	return true;
}

/*
 * The addr-spec in [s, s + n), without whitespace and comments: the local
 * part stays quoted (and escaped) when it is not a dot-atom, so that
 * "x,y"@example.org does not come out as two addresses.
 */
static char *mail_addr_spec(const char *s, size_t n)
{
	struct sbuf local, sb = SBUF_INIT;
	bool quoted = false;
	size_t i, k;

	sbuf_init(&local, MAIL_MAX_HEADER);
	for (i = 0; i < n && s[i] != '@'; i++) {
		if (s[i] == '"') {
			i = mime_quoted_string(s, n, i, &local) - 1;
			quoted = true;
		} else if (s[i] == '(') {
			i = mail_comment(s, n, i, NULL) - 1;
		} else if (!mmr_is_space((unsigned char)s[i])) {
			sbuf_addch(&local, s[i]);
		}
	}
	if (!local.len && !quoted) {
		/* "@domain" or nothing: left as it is */
	} else if (mail_dot_atom(local.buf, local.len)) {
		sbuf_add(&sb, local.buf, local.len);
	} else {
		sbuf_addch(&sb, '"');
		for (k = 0; k < local.len; k++) {
			if (local.buf[k] == '"' || local.buf[k] == '\\')
				sbuf_addch(&sb, '\\');
			sbuf_addch(&sb, local.buf[k]);
		}
		sbuf_addch(&sb, '"');
	}
	for (; i < n; i++) {
		if (s[i] == '(')
			i = mail_comment(s, n, i, NULL) - 1;
		else if (!mmr_is_space((unsigned char)s[i]))
			sbuf_addch(&sb, s[i]);
	}
	sbuf_release(&local);
	return sbuf_detach(&sb, NULL);
}

/* Parse one address ("Name <a@b>", "a@b (Name)", "a@b"); false if empty. */
static bool mail_addr_one(struct mail *m, const char *s, size_t n,
			  struct mail_addr *a)
{
	struct mail_addr_parts p;
	struct sbuf sb;
	char *addr, *name, *t;
	const struct sbuf *nm;

	mmr_trim(&s, &n);
	if (!n)
		return false;
	sbuf_init(&p.phrase, MAIL_MAX_HEADER);
	sbuf_init(&p.raw, MAIL_MAX_HEADER);
	sbuf_init(&p.comment, MAIL_MAX_HEADER);
	sbuf_init(&p.angle, MAIL_MAX_HEADER);
	p.has_angle = false;
	mail_addr_scan(s, n, &p);
	if (p.has_angle) {
		addr = mail_addr_spec(p.angle.buf, p.angle.len);
		nm = mmr_blank(p.phrase.buf, p.phrase.len) ? &p.comment :
							     &p.phrase;
	} else {
		addr = mail_addr_spec(p.raw.buf, p.raw.len);
		nm = &p.comment;
	}
	t = mail_decode_str(m, nm->buf, nm->len);
	name = mail_collapse(t, strlen(t));
	free(t);
	sbuf_init(&sb, 4 * MAIL_MAX_HEADER);
	sbuf_add_utf8(&sb, addr, strlen(addr));
	free(addr);
	addr = sbuf_detach(&sb, NULL);
	sbuf_release(&p.phrase);
	sbuf_release(&p.raw);
	sbuf_release(&p.comment);
	sbuf_release(&p.angle);
	a->name = mail_keep(m, name);
	a->addr = mail_keep(m, addr);
	if (!*addr)
		mail_warn(m, "address without a mailbox ignored");
	return *addr != '\0';
}

struct mail_addrs {
	struct mail_addr **v;
	size_t *n, *alloc;
	bool counted; /* To and Cc: MAIL_MAX_ADDRS in all; From: one */
};

static void mail_addr_push(struct mail *m, struct mail_addrs *out,
			   const char *s, size_t n)
{
	struct mail_addr a;

	if (out->counted ? m->naddrs >= MAIL_MAX_ADDRS : *out->n >= 1) {
		if (out->counted && m->naddrs++ == MAIL_MAX_ADDRS)
			mail_warn(
				m,
				"more than %d addresses in To and Cc, the rest ignored",
				MAIL_MAX_ADDRS);
		return;
	}
	if (!mail_addr_one(m, s, n, &a))
		return;
	XGROW(*out->v, *out->alloc, *out->n + 1);
	(*out->v)[(*out->n)++] = a;
	if (out->counted)
		m->naddrs++;
}

/*
 * Split an address list at top-level commas; group names ("list:" ... ";")
 * are dropped, their members kept.
 */
static void mail_addr_list(struct mail *m, const char *s,
			   struct mail_addrs *out)
{
	size_t n = strlen(s), i = 0, start = 0;

	while (i < n) {
		char c = s[i];

		if (c == '(') {
			i = mail_comment(s, n, i, NULL);
			continue;
		}
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\' && i + 1 < n)
					i++;
			i = i < n ? i + 1 : n;
			continue;
		}
		if (c == '<') {
			const char *gt = memchr(s + i, '>', n - i);

			i = gt ? (size_t)(gt - s) + 1 : n;
			continue;
		}
		if (c == ':') {
			start = i + 1; /* group name */
		} else if (c == ',' || c == ';') {
			mail_addr_push(m, out, s + start, i - start);
			start = i + 1;
		}
		i++;
	}
	mail_addr_push(m, out, s + start, n - start);
}

/* --- Message-IDs ---------------------------------------------------------- */

static bool mail_id_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > MAIL_MAX_ID)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= 32 || s[i] >= 127 || s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

/*
 * Call fn for each "<id>" in s, in order; stop when it returns false.
 * Returns the number of ids seen.
 */
static size_t mail_ids(const char *s, bool (*fn)(void *, const char *, size_t),
		       void *ctx)
{
	size_t n = strlen(s), i = 0, count = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i), *gt, *p;

		if (!lt)
			break;
		gt = memchr(lt, '>', n - (size_t)(lt - s));
		if (!gt)
			break;
		for (p = gt; p > lt && p[-1] != '<'; p--)
			;
		i = (size_t)(gt - s) + 1;
		if (!mail_id_ok(p, (size_t)(gt - p)))
			continue;
		count++;
		if (!fn(ctx, p, (size_t)(gt - p)))
			break;
	}
	return count;
}

struct mail_first_id {
	struct mail *m;
	const char *id;
};

static bool mail_first_id_fn(void *ctx, const char *s, size_t n)
{
	struct mail_first_id *f = ctx;

	f->id = mail_keepn(f->m, s, n);
	return false;
}

/* The first <id> of a header, or the bare value when it looks like one. */
static const char *mail_one_id(struct mail *m, const char *hname,
			       const char *raw)
{
	struct mail_first_id f = { m, NULL };
	const char *s = raw;
	size_t n = strlen(raw);

	mail_ids(raw, mail_first_id_fn, &f);
	if (f.id)
		return f.id;
	mmr_trim(&s, &n);
	if (mail_id_ok(s, n) && memchr(s, '@', n)) {
		mail_warn(m, "header '%s' without angle brackets", hname);
		return mail_keepn(m, s, n);
	}
	mail_warn(m, "invalid '%s' header", hname);
	return NULL;
}

struct mail_refs {
	struct mail *m;
	size_t seen, total;
};

static bool mail_count_fn(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
	return true;
}

/* Keep the first reference (the root) and the last MAIL_MAX_REFS - 1. */
static bool mail_refs_fn(void *ctx, const char *s, size_t n)
{
	struct mail_refs *r = ctx;
	struct mail *m = r->m;
	size_t k = r->seen++;

	if (k && k + MAIL_MAX_REFS - 1 < r->total)
		return true;
	XGROW(m->refs, m->arefs, m->nrefs + 1);
	m->refs[m->nrefs++] = mail_keepn(m, s, n);
	return true;
}

static void mail_refs(struct mail *m, const char *raw)
{
	struct mail_refs r = { m, 0, 0 };

	r.total = mail_ids(raw, mail_count_fn, NULL);
	if (r.total > MAIL_MAX_REFS)
		mail_warn(m, "more than %d references, middle ones dropped",
			  MAIL_MAX_REFS);
	mail_ids(raw, mail_refs_fn, &r);
}

/* --- dates --------------------------------------------------------------- */

static int64_t mail_days_from_civil(int64_t y, unsigned mon, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= mon <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

struct mail_cur {
	const char *s;
	size_t n, i;
};

static void mail_cur_skip(struct mail_cur *c)
{
	while (c->i < c->n) {
		if (c->s[c->i] == '(')
			c->i = mail_comment(c->s, c->n, c->i, NULL);
		else if (mmr_is_space((unsigned char)c->s[c->i]) ||
			 c->s[c->i] == ',')
			c->i++;
		else
			break;
	}
}

static bool mail_cur_num(struct mail_cur *c, unsigned long max,
			 unsigned long *v, size_t *digits)
{
	size_t k = mmr_parse_uint(c->s + c->i, c->n - c->i, max, v);

	c->i += k;
	if (digits)
		*digits = k;
	return k > 0;
}

static size_t mail_cur_alpha(struct mail_cur *c, const char **w)
{
	size_t st = c->i;

	while (c->i < c->n && isalpha((unsigned char)c->s[c->i]))
		c->i++;
	*w = c->s + st;
	return c->i - st;
}

static int mail_month(const char *w, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int k;

	if (n < 3)
		return 0;
	for (k = 0; k < 12; k++)
		if (!strncasecmp(w, months + 3 * k, 3))
			return k + 1;
	return 0;
}

/* Zone offset in seconds: "+0100", "-0830", "GMT", "EST"...; 0 if none. */
static bool mail_zone(struct mail_cur *c, long *off)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = { { "UT", 0 },   { "UTC", 0 },  { "GMT", 0 },
		      { "Z", 0 },    { "EST", -5 }, { "EDT", -4 },
		      { "CST", -6 }, { "CDT", -5 }, { "MST", -7 },
		      { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 } };
	unsigned long v;
	size_t digits, k, len;
	const char *w;
	int sign;

	*off = 0;
	mail_cur_skip(c);
	if (c->i >= c->n)
		return true;
	if (c->s[c->i] == '+' || c->s[c->i] == '-') {
		sign = c->s[c->i++] == '-' ? -1 : 1;
		if (!mail_cur_num(c, 9999, &v, &digits) || digits != 4 ||
		    v % 100 > 59)
			return false;
		*off = sign * (long)((v / 100) * 3600 + (v % 100) * 60);
		return true;
	}
	len = mail_cur_alpha(c, &w);
	for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
		if (len == strlen(zones[k].name) &&
		    !strncasecmp(w, zones[k].name, len))
			*off = zones[k].hours * 3600L;
	return true; /* unknown zone names count as UTC (RFC 5322 4.3) */
}

/*
 * RFC 5322 date: "[Tue,] 18 Nov 2025 10:17[:47] +0000 [(UTC)]", obsolete
 * zone names and two-digit years tolerated. -1 when unparsable.
 */
static time_t mail_parse_date(const char *s)
{
	struct mail_cur c = { s, strlen(s), 0 };
	unsigned long day, year, hh, mm, ss = 0;
	size_t len, digits;
	const char *w;
	long off;
	int mon;

	mail_cur_skip(&c);
	len = mail_cur_alpha(&c, &w);
	if (len)
		mail_cur_skip(&c); /* a weekday */
	if (!mail_cur_num(&c, 31, &day, NULL) || !day)
		return -1;
	mail_cur_skip(&c);
	if (c.i < c.n && c.s[c.i] == '-')
		c.i++;
	len = mail_cur_alpha(&c, &w);
	mon = mail_month(w, len);
	if (!mon)
		return -1;
	mail_cur_skip(&c);
	if (c.i < c.n && c.s[c.i] == '-')
		c.i++;
	if (!mail_cur_num(&c, 9999, &year, &digits))
		return -1;
	if (digits < 2)
		return -1;
	if (digits == 2)
		year += year < 50 ? 2000 : 1900;
	else if (digits == 3)
		year += 1900;
	mail_cur_skip(&c);
	if (!mail_cur_num(&c, 23, &hh, NULL) || c.i >= c.n || c.s[c.i] != ':')
		return -1;
	c.i++;
	if (!mail_cur_num(&c, 59, &mm, NULL))
		return -1;
	if (c.i < c.n && c.s[c.i] == ':') {
		c.i++;
		if (!mail_cur_num(&c, 60, &ss, NULL))
			return -1;
	}
	if (!mail_zone(&c, &off))
		return -1;
	return (time_t)(mail_days_from_civil((int64_t)year, (unsigned)mon,
					     (unsigned)day) *
				86400 +
			(int64_t)(hh * 3600 + mm * 60 + ss) - off);
}

/* --- subject prefix ------------------------------------------------------ */

static bool mail_version(const char *w, size_t n, unsigned *v)
{
	unsigned long x;

	if (n < 2 || (w[0] != 'v' && w[0] != 'V'))
		return false;
	if (mmr_parse_uint(w + 1, n - 1, 99999, &x) != n - 1 || !x)
		return false;
	*v = (unsigned)x;
	return true;
}

static bool mail_part_total(const char *w, size_t n, struct mail_subject *out)
{
	unsigned long a, b;
	size_t k = mmr_parse_uint(w, n, 99999, &a), l;

	if (!k || k >= n || w[k] != '/')
		return false;
	l = mmr_parse_uint(w + k + 1, n - k - 1, 99999, &b);
	if (!l || k + 1 + l != n || !b || a > b)
		return false;
	out->part = (unsigned)a;
	out->total = (unsigned)b;
	return true;
}

static void mail_tag_add(struct mail_subject *out, const char *w, size_t n)
{
	size_t len = strlen(out->tags), need = n + (len ? 1 : 0);

	if (len + need >= sizeof(out->tags))
		return;
	if (len)
		out->tags[len++] = ' ';
	memcpy(out->tags + len, w, n);
	out->tags[len + n] = '\0';
}

/* "PATCH", "RFC", with an optional glued version: "PATCHv2", "RFC-v3". */
static bool mail_kw(const char *w, size_t n, const char *kw, unsigned *ver)
{
	size_t k = strlen(kw);

	if (n < k || strncasecmp(w, kw, k))
		return false;
	if (n == k)
		return true;
	if (w[k] == '-')
		k++;
	return mail_version(w + k, n - k, ver);
}

static void mail_subject_word(struct mail_subject *out, const char *w, size_t n)
{
	if (mail_kw(w, n, "PATCH", &out->version))
		out->patch = true;
	else if (mail_kw(w, n, "RFC", &out->version))
		out->rfc = true;
	else if (n == 6 && !strncasecmp(w, "RESEND", 6))
		out->resend = true;
	else if (!mail_version(w, n, &out->version) &&
		 !mail_part_total(w, n, out))
		mail_tag_add(out, w, n);
}

static void mail_subject_words(struct mail_subject *out, const char *s,
			       size_t n)
{
	size_t i = 0, st;

	while (i < n) {
		while (i < n && mmr_is_space((unsigned char)s[i]))
			i++;
		st = i;
		while (i < n && !mmr_is_space((unsigned char)s[i]))
			i++;
		if (i > st)
			mail_subject_word(out, s + st, i - st);
	}
}

static size_t mail_reply_prefix(const char *p)
{
	if (!strncasecmp(p, "re:", 3) || !strncasecmp(p, "aw:", 3))
		return 3;
	return 0;
}

void mail_subject_parse(struct mail_subject *out, const char *subject)
{
	const char *p = subject ? subject : "";
	size_t k;

	memset(out, 0, sizeof(*out));
	out->version = 1;
	for (;;) {
		while (mmr_is_space((unsigned char)*p))
			p++;
		k = mail_reply_prefix(p);
		if (k) {
			out->reply = true;
			p += k;
			continue;
		}
		if (*p == '[') {
			const char *close = strchr(p, ']');

			if (!close)
				break;
			mail_subject_words(out, p + 1, (size_t)(close - p - 1));
			p = close + 1;
			continue;
		}
		break;
	}
	out->title = p;
}

/* --- body parts ---------------------------------------------------------- */

static bool mail_patch_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return (n >= 6 && !strcasecmp(name + n - 6, ".patch")) ||
	       (n >= 5 && !strcasecmp(name + n - 5, ".diff"));
}

static bool mail_part_wanted(const struct mime_ctype *ct)
{
	static const char *const patch_types[] = {
		"text/x-patch", "text/x-diff",	      "text/patch",
		"text/diff",	"text/x-diff-output",
	};
	const char *t = ct->type;
	size_t i;

	if (!*t || !strcmp(t, "text/plain"))
		return true;
	for (i = 0; i < sizeof(patch_types) / sizeof(patch_types[0]); i++)
		if (!strcmp(t, patch_types[i]))
			return true;
	if (!mail_patch_name(ct->name))
		return false;
	return !strncmp(t, "text/", 5) ||
	       !strcmp(t, "application/octet-stream") ||
	       !strcmp(t, "application/x-patch") ||
	       !strcmp(t, "application/x-diff");
}

/* Drop the CR of each CRLF in place. */
static void mail_crlf(struct sbuf *sb)
{
	size_t i, o = 0;

	for (i = 0; i < sb->len; i++) {
		if (sb->buf[i] == '\r' && i + 1 < sb->len &&
		    sb->buf[i + 1] == '\n')
			continue;
		sb->buf[o++] = sb->buf[i];
	}
	sbuf_setlen(sb, o);
}

static void mail_leaf(struct mail *m, const struct mime_ctype *ct,
		      const char *s, size_t n)
{
	struct sbuf dec;
	size_t bad = 0;

	sbuf_init(&dec, MAIL_MAX_MESSAGE);
	if (!strcmp(ct->cte, "base64")) {
		bad = mime_base64_decode(&dec, s, n);
		if (bad)
			mail_warn(
				m,
				"%zu invalid characters in base64 part %zu ignored",
				bad, m->nparts);
	} else if (!strcmp(ct->cte, "quoted-printable")) {
		bad = mime_qp_decode(&dec, s, n);
		if (bad)
			mail_warn(
				m,
				"%zu malformed escapes in quoted-printable part %zu",
				bad, m->nparts);
	} else {
		if (*ct->cte && strcmp(ct->cte, "7bit") &&
		    strcmp(ct->cte, "8bit") && strcmp(ct->cte, "binary"))
			mail_warn(
				m,
				"unknown transfer encoding '%.32s' in part %zu",
				mime_name_ok(ct->cte, strlen(ct->cte)) ?
					ct->cte :
					"?",
				m->nparts);
		sbuf_add(&dec, s, n);
	}
	mail_crlf(&dec);
	if (m->body.len && m->body.buf[m->body.len - 1] != '\n')
		sbuf_addch(&m->body, '\n');
	if (mime_convert(m->mime, &m->body, ct->charset, dec.buf, dec.len))
		mail_warn(m, "body longer than %zu bytes, truncated",
			  (size_t)SBUF_DEFAULT_MAX);
	sbuf_release(&dec);
}

static void mail_entity(struct mail *m, const struct mail_fields *f,
			const char *s, size_t n, int depth);

/* A delimiter line "--boundary" or "--boundary--"; *close for the latter. */
static bool mail_delim(const char *s, size_t n, const char *b, size_t blen,
		       bool *close)
{
	if (n < blen + 2 || s[0] != '-' || s[1] != '-' ||
	    memcmp(s + 2, b, blen))
		return false;
	s += blen + 2;
	n -= blen + 2;
	*close = n >= 2 && s[0] == '-' && s[1] == '-';
	if (*close) {
		s += 2;
		n -= 2;
	}
	return mmr_blank(s, n);
}

static void mail_subpart(struct mail *m, const char *s, size_t n, int depth)
{
	struct mail_fields f = { 0 };
	size_t body = 0;

	if (mail_fields_parse(m, &f, s, n, &body))
		mail_warn(m, "part %zu skipped: %s", m->nparts + 1,
			  mmr_error_last());
	else
		mail_entity(m, &f, s + body, n - body, depth);
	mail_fields_release(&f);
}

static void mail_multipart(struct mail *m, const char *s, size_t n,
			   const char *b, int depth)
{
	size_t blen = strlen(b), i = 0, e, start = 0;
	bool in_part = false, close = false;

	if (!blen || blen > 200) {
		mail_warn(m, "invalid multipart boundary, part skipped");
		return;
	}
	for (; i < n && !close; i = e < n ? e + 1 : n) {
		e = mail_eol(s, n, i);
		if (!mail_delim(s + i, e - i, b, blen, &close))
			continue;
		if (in_part)
			mail_subpart(m, s + start,
				     i > start ? i - 1 - start : 0, depth + 1);
		in_part = true;
		start = e < n ? e + 1 : n;
	}
	if (in_part && !close) {
		mail_warn(m, "multipart without its closing boundary");
		mail_subpart(m, s + start, n - start, depth + 1);
	}
}

static void mail_entity(struct mail *m, const struct mail_fields *f,
			const char *s, size_t n, int depth)
{
	struct mime_ctype ct;

	if (m->nparts >= MAIL_MAX_PARTS) {
		if (m->nparts++ == MAIL_MAX_PARTS)
			mail_warn(m,
				  "more than %d MIME parts, the rest ignored",
				  MAIL_MAX_PARTS);
		return;
	}
	m->nparts++;
	mime_ctype_parse(&ct, mail_field_raw(f, "content-type"),
			 mail_field_raw(f, "content-disposition"),
			 mail_field_raw(f, "content-transfer-encoding"));
	if (!strncmp(ct.type, "multipart/", 10) && ct.boundary) {
		if (depth >= MAIL_MAX_DEPTH)
			mail_warn(m, "multipart nested deeper than %d, skipped",
				  MAIL_MAX_DEPTH);
		else
			mail_multipart(m, s, n, ct.boundary, depth);
	} else if (!strncmp(ct.type, "multipart/", 10)) {
		mail_warn(m, "multipart without a boundary, read as text");
		free(ct.type);
		ct.type = xstrdup("text/plain");
		mail_leaf(m, &ct, s, n);
	} else if (mail_part_wanted(&ct)) {
		mail_leaf(m, &ct, s, n);
	}
	mime_ctype_release(&ct);
}

/* --- trailers ------------------------------------------------------------- */

/* "Token: value" at [s, s + n): length of the token, 0 if not a trailer. */
static size_t mail_trailer_token(const char *s, size_t n)
{
	size_t k = 0;

	if (!n || !isalnum((unsigned char)s[0]))
		return 0;
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-'))
		k++;
	if (k >= n || s[k] != ':')
		return 0;
	if (k + 1 < n && !mmr_is_space((unsigned char)s[k + 1]))
		return 0;
	return mmr_blank(s + k + 1, n - k - 1) ? 0 : k;
}

static void mail_trailer_add(struct mail *m, const char *s, size_t n,
			     size_t klen, struct sbuf *cont)
{
	struct mail_trailer *t;
	const char *v = s + klen + 1;
	size_t vlen = n - klen - 1;
	struct sbuf sb = SBUF_INIT;

	if (m->ntr >= MAIL_MAX_TRAILERS) {
		if (m->ntr++ == MAIL_MAX_TRAILERS)
			mail_warn(m, "more than %d trailers, the rest ignored",
				  MAIL_MAX_TRAILERS);
		return;
	}
	mmr_trim(&v, &vlen);
	sbuf_add(&sb, v, vlen);
	if (cont && cont->len) {
		sbuf_addch(&sb, ' ');
		sbuf_add(&sb, cont->buf, cont->len);
	}
	XGROW(m->tr, m->atr, m->ntr + 1);
	t = &m->tr[m->ntr++];
	t->key = mail_keepn(m, s, klen);
	t->value = mail_keep(m, sbuf_detach(&sb, NULL));
}

static bool mail_b4_line(const char *s, size_t n)
{
	return mmr_starts_with_ci(s, n, "base-commit:") ||
	       mmr_starts_with_ci(s, n, "change-id:");
}

/* b4's "base-commit:" and "change-id:" lines in [i, end). */
static void mail_b4_trailers(struct mail *m, const char *s, size_t i,
			     size_t end)
{
	size_t e, k;

	for (; i < end; i = e + 1) {
		e = mail_eol(s, end, i);
		if (!mail_b4_line(s + i, e - i))
			continue;
		k = mail_trailer_token(s + i, e - i);
		if (k)
			mail_trailer_add(m, s + i, e - i, k, NULL);
	}
}

/* Is every line of the paragraph [i, end) a trailer or continuation? */
static bool mail_trailer_block(const char *s, size_t i, size_t end)
{
	size_t e, count = 0;
	bool first = true;

	for (; i < end; i = e + 1, first = false) {
		e = mail_eol(s, end, i);
		if (mmr_is_wsp((unsigned char)s[i])) {
			if (first)
				return false;
		} else if (s[i] == '[' && s[e - 1] == ']') {
			continue; /* "[akpm: fixed typo]" */
		} else if (mail_trailer_token(s + i, e - i)) {
			count++;
		} else {
			return false;
		}
	}
	return count > 0;
}

static void mail_trailer_parse(struct mail *m, const char *s, size_t i,
			       size_t end)
{
	struct sbuf cont = SBUF_INIT;
	size_t e, ts = 0, te = 0, tk = 0;

	for (; i < end; i = e + 1) {
		const char *v = s + i;
		size_t vlen;

		e = mail_eol(s, end, i);
		vlen = e - i;
		if (mmr_is_wsp((unsigned char)s[i])) {
			mmr_trim(&v, &vlen);
			if (cont.len)
				sbuf_addch(&cont, ' ');
			sbuf_add(&cont, v, vlen);
			continue;
		}
		if (tk)
			mail_trailer_add(m, s + ts, te - ts, tk, &cont);
		sbuf_reset(&cont);
		tk = mail_trailer_token(s + i, e - i);
		ts = i;
		te = e;
	}
	if (tk)
		mail_trailer_add(m, s + ts, te - ts, tk, &cont);
	sbuf_release(&cont);
}

static void mail_find_trailers(struct mail *m)
{
	const char *s = m->body.buf;
	size_t n = m->body.len, i, e, msg_end = SIZE_MAX, sig = n;
	size_t ps = 0, pe = 0;
	bool blank = true;

	for (i = 0; i < n; i = e + 1) {
		e = mail_eol(s, n, i);
		if (e - i == 3 && !memcmp(s + i, "-- ", 3)) {
			sig = i;
			break;
		}
		if (msg_end == SIZE_MAX &&
		    ((e - i == 3 && !memcmp(s + i, "---", 3)) ||
		     mmr_starts_with(s + i, e - i, "diff --git ")))
			msg_end = i;
		if (msg_end != SIZE_MAX)
			continue;
		if (mmr_blank(s + i, e - i)) {
			blank = true;
			continue;
		}
		if (blank)
			ps = i;
		pe = e;
		blank = false;
	}
	if (pe > ps && mail_trailer_block(s, ps, pe)) {
		mail_b4_trailers(m, s, 0, ps);
		mail_trailer_parse(m, s, ps, pe);
		mail_b4_trailers(m, s, pe, sig);
	} else {
		mail_b4_trailers(m, s, 0, sig);
	}
}

/* --- the message -------------------------------------------------------- */

/*
 * Copy buf with LF line endings, without a leading "From " line, and with
 * mboxrd quoting undone when asked.
 */
static char *mail_normalize(const char *buf, size_t len, bool mboxrd,
			    size_t *out_len)
{
	char *out = xmalloc(len + 1);
	size_t i = 0, o = 0, e, le, st, k, next;
	/* Old Mac line endings: no LF at all, a lone CR ends a line. */
	bool cr = !memchr(buf, '\n', len < MAIL_CR_PROBE ? len : MAIL_CR_PROBE);

	while (i < len) {
		if (cr) {
			for (e = i; e < len && buf[e] != '\r' && buf[e] != '\n';
			     e++)
				;
			le = e;
			next = e + 1;
			if (e + 1 < len && buf[e] == '\r' && buf[e + 1] == '\n')
				next++;
		} else {
			e = mail_eol(buf, len, i);
			le = e;
			if (le > i && buf[le - 1] == '\r')
				le--;
			next = e + 1;
		}
		st = i;
		if (mboxrd && buf[i] == '>') {
			for (k = i; k < le && buf[k] == '>'; k++)
				;
			if (mmr_starts_with(buf + k, le - k, "From "))
				st = i + 1;
		}
		if (i || !mmr_starts_with(buf, le, "From ")) {
			memcpy(out + o, buf + st, le - st);
			o += le - st;
			if (e < len)
				out[o++] = '\n';
		}
		i = e < len ? next : len;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* The first address of an address list; false when there is none. */
static bool mail_first_addr(struct mail *m, const char *raw,
			    struct mail_addr *out)
{
	struct mail_addr *v = NULL;
	size_t nv = 0, av = 0;
	struct mail_addrs one = { &v, &nv, &av, false };

	mail_addr_list(m, raw, &one);
	if (nv)
		*out = v[0];
	free(v);
	return nv > 0;
}

/*
 * DEP-3 "Author:" (the first one: a patch may name several): an address,
 * or a name alone, which names the patch all the same.
 */
static void mail_dep3_author(struct mail *m, const struct mail_field *fd)
{
	if (strchr(fd->raw, '@')) {
		m->has_author = mail_first_addr(m, fd->raw, &m->author);
		return;
	}
	if (!*fd->value)
		return;
	m->author.name = fd->value;
	m->author.addr = "";
	m->has_author = true;
}

static void mail_std_field(struct mail *m, const struct mail_field *fd,
			   bool *seen)
{
	static const char *const single[] = { "subject",    "from",
					      "message-id", "in-reply-to",
					      "references", "date" };
	struct mail_addrs to = { &m->to, &m->nto, &m->ato, true };
	struct mail_addrs cc = { &m->cc, &m->ncc, &m->acc, true };
	size_t k;

	for (k = 0; k < sizeof(single) / sizeof(single[0]); k++)
		if (!strcasecmp(fd->name, single[k]))
			break;
	if (k < sizeof(single) / sizeof(single[0])) {
		if (seen[k]) {
			mail_warn(m, "duplicate header '%.64s' ignored",
				  fd->name);
			return;
		}
		seen[k] = true;
	}
	if (k == 0) {
		m->subject = fd->value;
	} else if (k == 1) {
		m->has_from = mail_first_addr(m, fd->raw, &m->from);
	} else if (k == 2) {
		m->msgid = mail_one_id(m, "Message-ID", fd->raw);
	} else if (k == 3) {
		m->irt = mail_one_id(m, "In-Reply-To", fd->raw);
	} else if (k == 4) {
		mail_refs(m, fd->raw);
	} else if (k == 5) {
		m->date_text = fd->value;
		m->date = mail_parse_date(fd->raw);
		if (m->date == -1)
			mail_warn(m, "cannot parse the 'Date' header");
	} else if (!strcasecmp(fd->name, "to")) {
		mail_addr_list(m, fd->raw, &to);
	} else if (!strcasecmp(fd->name, "cc")) {
		mail_addr_list(m, fd->raw, &cc);
	} else if (!strcasecmp(fd->name, "author") && !m->has_author) {
		mail_dep3_author(m, fd);
	}
}

/* DEP-3: without a Subject, the first line of "Description:" names it. */
static void mail_dep3_subject(struct mail *m)
{
	const struct mail_field *d = mail_field_get(&m->hdr, "description");

	if (!d) {
		mail_warn(m, "no 'Subject' header");
		m->patch_subject = "";
		return;
	}
	m->patch_subject = mail_keep(m, mail_decode_str(m, d->raw, d->first));
	mail_warn(m, "no 'Subject' header, the first line of 'Description' "
		     "names the patch");
}

static void mail_std_headers(struct mail *m)
{
	bool seen[6] = { false };
	size_t i;

	for (i = 0; i < m->hdr.n; i++) {
		struct mail_field *fd = &m->hdr.v[i];

		fd->value = mail_decode_str(m, fd->raw, strlen(fd->raw));
		mail_std_field(m, fd, seen);
	}
	m->patch_subject = m->subject;
	if (!m->subject) {
		mail_dep3_subject(m);
		m->subject = "";
	}
	if (!m->has_from && !seen[1])
		mail_warn(m, "no 'From' header");
	else if (!m->has_from)
		mail_warn(m, "no address in 'From' header");
	if (!seen[2])
		mail_warn(m, "no 'Message-ID' header");
	mail_subject_parse(&m->subj, m->patch_subject);
}

int mail_parse(struct mail **out, const char *buf, size_t len, bool mboxrd)
{
	struct mail *m;
	size_t tlen, body = 0;
	char *text;
	int err;

	*out = NULL;
	if (len > MAIL_MAX_MESSAGE)
		return mmr_error_set(MMR_ELIMIT,
				     "message longer than %zu bytes",
				     MAIL_MAX_MESSAGE);
	text = mail_normalize(buf, len, mboxrd, &tlen);
	m = xcalloc(1, sizeof(*m));
	m->date = -1;
	m->mime = mime_new(mail_mime_warn, m);
	sbuf_init(&m->body, SBUF_DEFAULT_MAX);
	err = mail_fields_parse(m, &m->hdr, text, tlen, &body);
	if (err)
		goto out_free;
	if (!m->hdr.n) {
		err = mmr_error_set(MMR_EINVAL, "no header fields in message");
		goto out_free;
	}
	mail_std_headers(m);
	mail_entity(m, &m->hdr, text + body, tlen - body, 0);
	mail_find_trailers(m);
	mime_free(m->mime);
	m->mime = NULL;
	free(text);
	*out = m;
	return 0;
out_free:
	free(text);
	mail_free(m);
	return err;
}

void mail_free(struct mail *m)
{
	size_t i;

	if (!m)
		return;
	mime_free(m->mime);
	mail_fields_release(&m->hdr);
	for (i = 0; i < m->npool; i++)
		free(m->pool[i]);
	for (i = 0; i < m->nwarn; i++)
		free(m->warn[i]);
	free(m->pool);
	free(m->warn);
	free(m->refs);
	free(m->to);
	free(m->cc);
	free(m->tr);
	sbuf_release(&m->body);
	free(m);
}

/* --- naming a message that does not parse ------------------------------ */

char *mail_peek_id(const char *s, size_t n)
{
	size_t i, e;

	for (i = 0; i < n; i = e + 1) {
		const char *v, *lt, *gt;

		e = mail_eol(s, n, i);
		if (e == i || (e == i + 1 && s[i] == '\r'))
			break;
		if (!mmr_starts_with_ci(s + i, e - i, "message-id:"))
			continue;
		v = s + i + 11;
		lt = memchr(v, '<', e - (size_t)(v - s));
		gt = lt ? memchr(lt, '>', e - (size_t)(lt - s)) : NULL;
		if (gt && mail_id_ok(lt + 1, (size_t)(gt - lt - 1)) &&
		    gt - lt - 1 <= 200)
			return xstrndup(lt + 1, (size_t)(gt - lt - 1));
		break;
	}
	return NULL;
}

bool mail_field_line(const char *s, size_t n)
{
	size_t colon, i;

	if (!mail_field_name(s, n, &colon))
		return false;
	for (i = colon; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && !mmr_is_space(s[i])) ||
		    s[i] == 0x7f)
			return false;
	return true;
}

/* --- accessors ----------------------------------------------------------- */

const char *mail_header(const struct mail *m, const char *name)
{
	const struct mail_field *fd = mail_field_get(&m->hdr, name);

	return fd ? fd->value : NULL;
}

const char *mail_subject_text(const struct mail *m)
{
	return m->subject;
}

const char *mail_message_id(const struct mail *m)
{
	return m->msgid;
}

const char *mail_in_reply_to(const struct mail *m)
{
	return m->irt;
}

size_t mail_references(const struct mail *m, const char *const **ids)
{
	*ids = m->refs;
	return m->nrefs;
}

const struct mail_addr *mail_from(const struct mail *m)
{
	return m->has_from ? &m->from : NULL;
}

size_t mail_to(const struct mail *m, const struct mail_addr **addrs)
{
	*addrs = m->to;
	return m->nto;
}

size_t mail_cc(const struct mail *m, const struct mail_addr **addrs)
{
	*addrs = m->cc;
	return m->ncc;
}

const char *mail_date_text(const struct mail *m)
{
	return m->date_text;
}

time_t mail_date(const struct mail *m)
{
	return m->date;
}

const char *mail_body(const struct mail *m, size_t *len)
{
	if (len)
		*len = m->body.len;
	return m->body.buf;
}

const char *mail_patch_subject(const struct mail *m)
{
	return m->patch_subject;
}

const struct mail_addr *mail_patch_author(const struct mail *m)
{
	return m->has_author ? &m->author : mail_from(m);
}

const struct mail_subject *mail_subject_info(const struct mail *m)
{
	return &m->subj;
}

size_t mail_trailers(const struct mail *m, const struct mail_trailer **t)
{
	*t = m->tr;
	return m->ntr;
}

const char *mail_trailer(const struct mail *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->ntr; i++)
		if (!strcasecmp(m->tr[i].key, key))
			return m->tr[i].value;
	return NULL;
}

size_t mail_warnings(const struct mail *m, const char *const **w)
{
	*w = (const char *const *)m->warn;
	return m->nwarn;
}
