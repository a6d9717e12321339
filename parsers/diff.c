// SPDX-License-Identifier: GPL-2.0
/*
 * diff: a one-pass, line-based parser for unified diffs in patch mails.
 *
 * The input is copied once; lines point into the copy. Files, hunks and
 * lines are kept in three flat arrays while parsing (each file and hunk
 * remembers the index of its first hunk or line) and the pointers are set
 * once at the end, so growing an array never leaves a dangling pointer.
 * Every line is looked at a bounded number of times (at most three, for the
 * "--- / +++ / @@" look-ahead), so the parse is linear in the input.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

#define DIFF_MAX_ID 64 /* hex digits in an "index" blob id */
#define DIFF_MAX_MODE 0177777

struct diff {
	char *copy; /* private copy of the input */
	char *msg;
	size_t msg_len;

	struct diff_file *files;
	size_t *file_hunk0; /* index of each file's first hunk */
	size_t nfiles, files_alloc, file_hunk0_alloc;

	struct diff_hunk *hunks;
	size_t *hunk_line0; /* index of each hunk's first line */
	size_t nhunks, hunks_alloc, hunk_line0_alloc;

	struct diff_line *lines;
	size_t nlines, lines_alloc;

	char **strs; /* strings owned by the diff */
	size_t nstrs, strs_alloc;
};

struct line {
	const char *s;
	size_t len; /* without "\n" or "\r\n" */
	size_t next; /* offset of the next line */
	unsigned no;
};

enum pstate {
	ST_MESSAGE, /* before the first file header */
	ST_HEADER, /* extended header lines after "diff --git" */
	ST_TRAIL, /* after a hunk or binary data: wait for a header */
};

/* Extended-header facts about the current file, applied when it ends. */
struct fileflags {
	bool new_file, deleted, renamed, copied;
};

struct parser {
	struct diff *d;
	const char *buf;
	size_t len;
	size_t pos;
	unsigned lineno;
	enum pstate state;
	struct fileflags ff;
	bool in_file;
	bool in_hunk;
	size_t hunk_no; /* 1-based, in the current file */
	bool msg_ended;
	size_t msg_end;
};

enum { PARSE_DONE = 1 };

static struct diff_file *cur_file(struct parser *p)
{
	return p->in_file ? &p->d->files[p->d->nfiles - 1] : NULL;
}

static const char *cur_path(struct parser *p)
{
	struct diff_file *f = cur_file(p);
	const char *path = f ? diff_file_path(f) : NULL;

	return path ? path : "?";
}

/*
 * Record an error: "hunk 2 of 'x' (line 57): ...", "'x' (line 12): ..." or
 * "line 3: ...", whichever context is current.
 */
static int perr(struct parser *p, int code, unsigned lineno, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int perr(struct parser *p, int code, unsigned lineno, const char *fmt,
		...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->in_hunk) {
		const struct diff_hunk *h = &p->d->hunks[p->d->nhunks - 1];

		return mmr_error_set(code, "hunk %zu of '%s' (line %u): %s",
				     p->hunk_no, cur_path(p), h->patch_lineno,
				     msg);
	}
	if (p->in_file)
		return mmr_error_set(code, "'%s' (line %u): %s", cur_path(p),
				     lineno, msg);
	return mmr_error_set(code, "line %u: %s", lineno, msg);
}

/* --- lines ------------------------------------------------------------ */

static bool peek_line(const struct parser *p, size_t pos, struct line *l)
{
	const char *nl;

	if (pos >= p->len)
		return false;
	l->s = p->buf + pos;
	nl = memchr(l->s, '\n', p->len - pos);
	l->len = nl ? (size_t)(nl - l->s) : p->len - pos;
	l->next = pos + l->len + (nl ? 1 : 0);
	if (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	l->no = 0;
	return true;
}

/* Returns 1 and the next line, 0 at the end, or an error. */
static int next_line(struct parser *p, struct line *l)
{
	if (!peek_line(p, p->pos, l))
		return 0;
	p->pos = l->next;
	l->no = ++p->lineno;
	if (l->len > DIFF_MAX_LINE)
		return perr(p, MMR_ELIMIT, l->no,
			    "line %u is too long (%zu bytes, limit %zu)", l->no,
			    l->len, DIFF_MAX_LINE);
	return 1;
}

static bool line_is(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	return l->len == n && !memcmp(l->s, s, n);
}

static bool line_starts(const struct line *l, const char *prefix)
{
	return mmr_starts_with(l->s, l->len, prefix);
}

/* The "-- " line that git puts before its version; mailers may eat the " ". */
static bool is_signature(const struct line *l)
{
	return line_is(l, "-- ") || line_is(l, "--");
}

/* "---" alone (trailing blanks allowed): the end of the commit message. */
static bool is_separator(const struct line *l)
{
	size_t i;

	if (!line_starts(l, "---"))
		return false;
	for (i = 3; i < l->len; i++)
		if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	return true;
}

/* "--- X" followed by "+++ Y" and then "@@": a header without "diff --git". */
static bool is_plain_header(const struct parser *p, const struct line *l)
{
	struct line l2, l3;

	if (!line_starts(l, "--- "))
		return false;
	if (!peek_line(p, l->next, &l2) || !line_starts(&l2, "+++ "))
		return false;
	return peek_line(p, l2.next, &l3) && line_starts(&l3, "@@ ");
}

/* --- strings and paths ---------------------------------------------- */

static const char *own_str(struct diff *d, const char *s, size_t n)
{
	char *copy = xmalloc(n + 1);

	memcpy(copy, s, n);
	copy[n] = '\0';
	XGROW(d->strs, d->strs_alloc, d->nstrs + 1);
	d->strs[d->nstrs++] = copy;
	return copy;
}

static int unescape(char c, char *out)
{
	static const char from[] = "abfnrtv\\\"";
	static const char to[] = "\a\b\f\n\r\t\v\\\"";
	const char *hit = memchr(from, c, sizeof(from) - 1);

	if (!hit)
		return -1;
	*out = to[hit - from];
	return 0;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * Unquote a C-style quoted name at s[0] == '"' into out (room for n bytes).
 * Returns the bytes of s used, or 0 when the quoting is bad.
 */
static size_t unquote(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i = 1, o = 0;

	while (i < n && s[i] != '"') {
		char c = s[i++];

		if (c == '\\') {
			if (i >= n)
				return 0;
			if (i + 2 < n && is_octal(s[i]) && is_octal(s[i + 1]) &&
			    is_octal(s[i + 2]) && s[i] <= '3') {
				c = (char)(((s[i] - '0') << 6) |
					   ((s[i + 1] - '0') << 3) |
					   (s[i + 2] - '0'));
				i += 3;
			} else if (unescape(s[i], &c) < 0) {
				return 0;
			} else {
				i++;
			}
		}
		out[o++] = c;
	}
	if (i >= n)
		return 0;
	*outlen = o;
	return i + 1;
}

/* Why a path is refused, or NULL when it is fine. */
static const char *bad_path(const char *name, size_t len)
{
	size_t i, start = 0;

	if (!len)
		return "is empty";
	if (name[0] == '/')
		return "is absolute";
	/* A tab is a legal name byte that git quotes; it breaks no line. */
	for (i = 0; i < len; i++)
		if (((unsigned char)name[i] < 0x20 && name[i] != '\t') ||
		    name[i] == 0x7f)
			return "contains a control character";
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		if (i - start == 2 && name[start] == '.' &&
		    name[start + 1] == '.')
			return "has a '..' component";
		start = i + 1;
	}
	return NULL;
}

/* Up to 64 bytes of a path for a message, with unsafe bytes escaped. */
static void show_path(char *out, size_t size, const char *name, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < 64 && o + 5 < size; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
			o += snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (i < len && o + 4 < size)
		o += snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

/*
 * Keep a path (NULL for /dev/null) without its "a/" or "b/" prefix. Paths
 * with control characters (but tab), empty, absolute or with a ".."
 * component are refused: they would be unsafe to print or to look up in
 * the tree.
 */
static int store_path(struct parser *p, const struct line *l, const char *name,
		      size_t len, const char *strip, const char **path)
{
	const char *why;
	char shown[512];

	if (len == 9 && !memcmp(name, "/dev/null", 9)) {
		*path = NULL;
		return 0;
	}
	if (strip && mmr_starts_with(name, len, strip)) {
		name += strlen(strip);
		len -= strlen(strip);
	}
	if (len > DIFF_MAX_PATH)
		return perr(p, MMR_ELIMIT, l->no,
			    "path of %zu bytes exceeds the limit of %d", len,
			    DIFF_MAX_PATH);
	if (memchr(name, '\0', len))
		return perr(p, MMR_EINVAL, l->no, "path contains a NUL byte");
	why = bad_path(name, len);
	if (why) {
		const struct diff_file *f = cur_file(p);

		show_path(shown, sizeof(shown), name, len);
		return mmr_error_set(
			MMR_EINVAL,
			"line %u: path '%s' %s (file header at line %u)", l->no,
			shown, why, f ? f->patch_lineno : l->no);
	}
	*path = own_str(p->d, name, len);
	return 0;
}

/*
 * Read one path from [s, s+n): quoted, or up to the end (or to a tab when
 * stop_at_tab, for the timestamp of "--- x\t2024-01-01"). Strips "strip"
 * ("a/", "b/") when present. Returns 0, *path (NULL for /dev/null) and the
 * bytes used in *used (when not NULL), or an error.
 */
static int read_path(struct parser *p, const struct line *l, const char *s,
		     size_t n, bool stop_at_tab, const char *strip,
		     const char **path, size_t *used)
{
	char *tmp = xmalloc(n + 1);
	size_t len = n, u = n;
	const char *name = s;
	int err;

	if (n && s[0] == '"') {
		u = unquote(s, n, tmp, &len);
		if (!u) {
			err = perr(p, MMR_EINVAL, l->no,
				   "bad quoting in '%.*s'",
				   (int)(n > 64 ? 64 : n), s);
			goto out_free;
		}
		name = tmp;
	} else if (stop_at_tab) {
		const char *tab = memchr(s, '\t', n);

		if (tab)
			len = u = tab - s;
	}
	err = store_path(p, l, name, len, strip, path);
	if (!err && used)
		*used = u;
out_free:
	free(tmp);
	return err;
}

/* The path after "rename from " and the like: the whole rest of the line. */
static int rest_path(struct parser *p, const struct line *l, size_t skip,
		     const char **path)
{
	return read_path(p, l, l->s + skip, l->len - skip, false, NULL, path,
			 NULL);
}

/* "a/X b/X" or, without prefixes, "X X". */
static bool same_names(const char *s, size_t n)
{
	size_t half = n / 2;

	if (n % 2 == 0 || s[half] != ' ')
		return false;
	if (!memcmp(s, s + half + 1, half))
		return true;
	return half >= 2 && mmr_starts_with(s, n, "a/") &&
	       mmr_starts_with(s + half + 1, n - half - 1, "b/") &&
	       !memcmp(s + 2, s + half + 3, half - 2);
}

/*
 * "diff --git a/X b/Y": the names are ambiguous when they hold spaces; take
 * the split that gives the same name on both sides, else the first " b/".
 * "---", "+++" and "rename" lines, when present, override these.
 */
static int git_header_paths(struct parser *p, const struct line *l,
			    struct diff_file *f)
{
	const char *s = l->s + 11;
	size_t n = l->len - 11, used = 0, half;
	const char *b;
	int err;

	if (n && s[0] == '"') {
		err = read_path(p, l, s, n, false, "a/", &f->old_path, &used);
		if (err)
			return err;
		if (used >= n || s[used] != ' ')
			return 0;
		return read_path(p, l, s + used + 1, n - used - 1, false, "b/",
				 &f->new_path, NULL);
	}
	half = n / 2;
	if (same_names(s, n)) {
		b = s + half + 1;
	} else {
		b = memmem(s, n, " \"", 2);
		if (!b)
			b = memmem(s, n, " b/", 3);
		if (!b)
			return 0;
		b++;
	}
	err = read_path(p, l, s, b - 1 - s, false, "a/", &f->old_path, NULL);
	if (err)
		return err;
	return read_path(p, l, b, n - (b - s), false, "b/", &f->new_path, NULL);
}

/* --- files ------------------------------------------------------------- */

/*
 * Check what diff.h promises: a modified, renamed or copied file has both
 * paths, an added one only new_path, a deleted one only old_path.
 */
static int end_file(struct parser *p)
{
	struct diff_file *f = cur_file(p);
	const char *what;

	if (!f)
		return 0;
	if (p->ff.new_file)
		f->old_path = NULL;
	if (p->ff.deleted)
		f->new_path = NULL;
	if (!f->old_path && !f->new_path) {
		p->in_file = false;
		return perr(p, MMR_EINVAL, f->patch_lineno,
			    "cannot find the file name in the header");
	}
	if (p->ff.renamed || p->ff.copied) {
		what = p->ff.renamed ? "rename" : "copy";
		f->status = p->ff.renamed ? DIFF_RENAMED : DIFF_COPIED;
		if (!f->old_path)
			return perr(p, MMR_EINVAL, f->patch_lineno,
				    "%s without a source path", what);
		if (!f->new_path)
			return perr(p, MMR_EINVAL, f->patch_lineno,
				    "%s without a destination path", what);
	} else if (!f->old_path) {
		f->status = DIFF_ADDED;
	} else if (!f->new_path) {
		f->status = DIFF_DELETED;
	} else {
		f->status = DIFF_MODIFIED;
	}
	return 0;
}

static int start_file(struct parser *p, const struct line *l)
{
	struct diff *d = p->d;
	struct diff_file *f;
	int err = end_file(p);

	if (err)
		return err;
	if (d->nfiles >= DIFF_MAX_FILES) {
		p->in_file = false;
		return perr(p, MMR_ELIMIT, l->no, "more than %d files",
			    DIFF_MAX_FILES);
	}
	if (!p->msg_ended) {
		p->msg_ended = true;
		p->msg_end = l->s - p->buf;
	}
	XGROW(d->files, d->files_alloc, d->nfiles + 1);
	XGROW(d->file_hunk0, d->file_hunk0_alloc, d->nfiles + 1);
	f = &d->files[d->nfiles];
	memset(f, 0, sizeof(*f));
	d->file_hunk0[d->nfiles++] = d->nhunks;
	f->patch_lineno = l->no;
	memset(&p->ff, 0, sizeof(p->ff));
	p->in_file = true;
	p->hunk_no = 0;
	return 0;
}

/* --- extended header lines -------------------------------------------- */

static int parse_mode(struct parser *p, const struct line *l, size_t skip,
		      unsigned *mode)
{
	unsigned long v = 0;
	size_t i;

	for (i = skip; i < l->len && is_octal(l->s[i]); i++) {
		v = v * 8 + (l->s[i] - '0');
		if (v > DIFF_MAX_MODE)
			break;
	}
	if (i == skip || v > DIFF_MAX_MODE || i != l->len)
		return perr(p, MMR_EINVAL, l->no, "invalid mode in '%.*s'",
			    (int)(l->len > 64 ? 64 : l->len), l->s);
	*mode = (unsigned)v;
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i <= DIFF_MAX_ID && is_hex(s[i]))
		i++;
	return i;
}

/* "index 279c121..04293c8 100644" (the mode only when it did not change). */
static int parse_index(struct parser *p, const struct line *l,
		       struct diff_file *f)
{
	const char *s = l->s + 6;
	size_t n = l->len - 6, a, b;
	unsigned mode;
	int err;

	a = hex_run(s, n);
	if (!a || a > DIFF_MAX_ID || !mmr_starts_with(s + a, n - a, ".."))
		goto err_invalid;
	b = hex_run(s + a + 2, n - a - 2);
	if (!b || b > DIFF_MAX_ID)
		goto err_invalid;
	f->old_id = own_str(p->d, s, a);
	f->new_id = own_str(p->d, s + a + 2, b);
	if (a + 2 + b == n)
		return 0;
	if (s[a + 2 + b] != ' ')
		goto err_invalid;
	err = parse_mode(p, l, 6 + a + 2 + b + 1, &mode);
	if (err)
		return err;
	if (!f->old_mode)
		f->old_mode = mode;
	if (!f->new_mode)
		f->new_mode = mode;
	return 0;
err_invalid:
	return perr(p, MMR_EINVAL, l->no, "invalid index line '%.*s'",
		    (int)(l->len > 64 ? 64 : l->len), l->s);
}

static int parse_similarity(struct parser *p, const struct line *l,
			    struct diff_file *f)
{
	unsigned long v;
	size_t skip = strlen("similarity index "), used;

	used = mmr_parse_uint(l->s + skip, l->len - skip, 100, &v);
	if (!used || skip + used + 1 != l->len || l->s[skip + used] != '%')
		return perr(p, MMR_EINVAL, l->no,
			    "invalid similarity index '%.*s'",
			    (int)(l->len > 64 ? 64 : l->len), l->s);
	f->similarity = (unsigned)v;
	return 0;
}

/* "--- X" and the "+++ Y" after it (checked by the caller). */
static int parse_minus_plus(struct parser *p, const struct line *l, bool git)
{
	struct diff_file *f = cur_file(p);
	struct line plus;
	const char *old_path, *new_path;
	int err = next_line(p, &plus);

	if (err < 0)
		return err;
	err = read_path(p, l, l->s + 4, l->len - 4, true, git ? "a/" : NULL,
			&old_path, NULL);
	if (!err)
		err = read_path(p, &plus, plus.s + 4, plus.len - 4, true,
				git ? "b/" : NULL, &new_path, NULL);
	if (err)
		return err;
	/* Plain "diff -u" trees are applied with -p1: drop the top folder. */
	if (!git && old_path && strchr(old_path, '/'))
		old_path = strchr(old_path, '/') + 1;
	if (!git && new_path && strchr(new_path, '/'))
		new_path = strchr(new_path, '/') + 1;
	f->old_path = old_path;
	f->new_path = new_path;
	return 0;
}

struct header_kw {
	const char *kw;
	int (*fn)(struct parser *p, const struct line *l, size_t skip,
		  struct diff_file *f);
};

static int kw_old_mode(struct parser *p, const struct line *l, size_t skip,
		       struct diff_file *f)
{
	return parse_mode(p, l, skip, &f->old_mode);
}

static int kw_new_mode(struct parser *p, const struct line *l, size_t skip,
		       struct diff_file *f)
{
	return parse_mode(p, l, skip, &f->new_mode);
}

static int kw_new_file(struct parser *p, const struct line *l, size_t skip,
		       struct diff_file *f)
{
	p->ff.new_file = true;
	return parse_mode(p, l, skip, &f->new_mode);
}

static int kw_deleted(struct parser *p, const struct line *l, size_t skip,
		      struct diff_file *f)
{
	p->ff.deleted = true;
	return parse_mode(p, l, skip, &f->old_mode);
}

static int kw_from(struct parser *p, const struct line *l, size_t skip,
		   struct diff_file *f)
{
	if (l->s[0] == 'r')
		p->ff.renamed = true;
	else
		p->ff.copied = true;
	return rest_path(p, l, skip, &f->old_path);
}

static int kw_to(struct parser *p, const struct line *l, size_t skip,
		 struct diff_file *f)
{
	if (l->s[0] == 'r')
		p->ff.renamed = true;
	else
		p->ff.copied = true;
	return rest_path(p, l, skip, &f->new_path);
}

static int kw_similarity(struct parser *p, const struct line *l, size_t skip,
			 struct diff_file *f)
{
	(void)skip;
	return parse_similarity(p, l, f);
}

static int kw_index(struct parser *p, const struct line *l, size_t skip,
		    struct diff_file *f)
{
	(void)skip;
	return parse_index(p, l, f);
}

static int kw_binary(struct parser *p, const struct line *l, size_t skip,
		     struct diff_file *f)
{
	(void)l;
	(void)skip;
	f->binary = true;
	p->state = ST_TRAIL; /* skip the literal/delta data */
	return 0;
}

static const struct header_kw header_kws[] = {
	{ "old mode ", kw_old_mode },
	{ "new mode ", kw_new_mode },
	{ "new file mode ", kw_new_file },
	{ "deleted file mode ", kw_deleted },
	{ "rename from ", kw_from },
	{ "rename to ", kw_to },
	{ "copy from ", kw_from },
	{ "copy to ", kw_to },
	{ "similarity index ", kw_similarity },
	{ "index ", kw_index },
	{ "Binary files ", kw_binary },
	{ "GIT binary patch", kw_binary },
};

/* --- hunks ------------------------------------------------------------ */

/* "-12,3" or "+12": start and count (1 when omitted). */
static size_t parse_range(const char *s, size_t n, char sign, unsigned *start,
			  unsigned *count)
{
	unsigned long a, b = 1;
	size_t i = 1, used;

	if (!n || s[0] != sign)
		return 0;
	used = mmr_parse_uint(s + i, n - i, UINT_MAX, &a);
	if (!used)
		return 0;
	i += used;
	if (i < n && s[i] == ',') {
		i++;
		used = mmr_parse_uint(s + i, n - i, UINT_MAX, &b);
		if (!used)
			return 0;
		i += used;
	}
	if (b > UINT_MAX - a || (!a && b))
		return 0;
	*start = (unsigned)a;
	*count = (unsigned)b;
	return i;
}

static int parse_hunk_header(struct parser *p, const struct line *l,
			     struct diff_hunk *h)
{
	const char *s = l->s + 3;
	size_t n = l->len - 3, used;

	used = parse_range(s, n, '-', &h->old_start, &h->old_count);
	if (!used || used >= n || s[used] != ' ')
		goto err_invalid;
	s += used + 1;
	n -= used + 1;
	used = parse_range(s, n, '+', &h->new_start, &h->new_count);
	if (!used || !mmr_starts_with(s + used, n - used, " @@"))
		goto err_invalid;
	s += used + 3;
	n -= used + 3;
	if (n && *s == ' ') {
		s++;
		n--;
	}
	h->section = own_str(p->d, s, n);
	return 0;
err_invalid:
	return perr(p, MMR_EINVAL, l->no, "invalid hunk header '%.*s'",
		    (int)(l->len > 80 ? 80 : l->len), l->s);
}

/* First and one-past-last line a hunk covers (an empty hunk: after start). */
static void hunk_span(unsigned start, unsigned count, unsigned long long *b,
		      unsigned long long *e)
{
	*b = count ? start : (unsigned long long)start + 1;
	*e = *b + count;
}

static int check_order(struct parser *p, const struct diff_hunk *h)
{
	const struct diff_hunk *prev = h - 1;
	unsigned long long pb, pe, b, e, npb, npe, nb, ne;

	if (p->hunk_no < 2)
		return 0;
	hunk_span(prev->old_start, prev->old_count, &pb, &pe);
	hunk_span(h->old_start, h->old_count, &b, &e);
	hunk_span(prev->new_start, prev->new_count, &npb, &npe);
	hunk_span(h->new_start, h->new_count, &nb, &ne);
	if (b < pe || nb < npe)
		return perr(p, MMR_EINVAL, h->patch_lineno,
			    "overlaps or comes before hunk %zu",
			    p->hunk_no - 1);
	return 0;
}

static int add_line(struct parser *p, const struct line *l, unsigned *oldno,
		    unsigned *newno)
{
	struct diff *d = p->d;
	struct diff_line *dl;
	char origin = l->len ? l->s[0] : ' ';

	if (d->nlines >= DIFF_MAX_LINES)
		return perr(p, MMR_ELIMIT, l->no,
			    "more than %zu lines in hunks at line %u",
			    DIFF_MAX_LINES, l->no);
	XGROW(d->lines, d->lines_alloc, d->nlines + 1);
	dl = &d->lines[d->nlines++];
	dl->origin = origin;
	dl->no_newline = false;
	dl->text = l->len ? l->s + 1 : l->s;
	dl->len = l->len ? l->len - 1 : 0;
	dl->old_lineno = origin == '+' ? 0 : (*oldno)++;
	dl->new_lineno = origin == '-' ? 0 : (*newno)++;
	dl->patch_lineno = l->no;
	return 0;
}

/* The hunk ran out of lines: say which count the header got wrong. */
static int short_hunk(struct parser *p, const struct diff_hunk *h,
		      unsigned old_left, unsigned new_left)
{
	if (old_left)
		return perr(p, MMR_EINVAL, 0,
			    "header says %u old lines, found %u", h->old_count,
			    h->old_count - old_left);
	return perr(p, MMR_EINVAL, 0, "header says %u new lines, found %u",
		    h->new_count, h->new_count - new_left);
}

static int too_long_hunk(struct parser *p, const struct diff_hunk *h,
			 const struct line *l, bool old)
{
	return perr(p, MMR_EINVAL, l->no,
		    "header says %u %s lines, found more at line %u",
		    old ? h->old_count : h->new_count, old ? "old" : "new",
		    l->no);
}

/* Mark the last line of the hunk: "\ No newline at end of file". */
static void no_newline(struct parser *p)
{
	struct diff *d = p->d;

	if (d->nlines > d->hunk_line0[d->nhunks - 1])
		d->lines[d->nlines - 1].no_newline = true;
}

/* Trailing "\ No newline" lines, after the counts are used up. */
static int hunk_tail(struct parser *p)
{
	struct line l;
	int r;

	while (peek_line(p, p->pos, &l) && l.len && l.s[0] == '\\') {
		r = next_line(p, &l);
		if (r < 0)
			return r;
		no_newline(p);
	}
	return 0;
}

/* The lines of a hunk, counted by its header. */
static int hunk_body(struct parser *p, const struct diff_hunk *h)
{
	unsigned old_left = h->old_count, new_left = h->new_count;
	unsigned oldno = h->old_start, newno = h->new_start;
	struct line l;
	int r;

	while (old_left || new_left) {
		char c;

		r = next_line(p, &l);
		if (r < 0)
			return r;
		if (!r)
			return short_hunk(p, h, old_left, new_left);
		c = l.len ? l.s[0] : ' ';
		if (!l.len && (!old_left || !new_left))
			return short_hunk(p, h, old_left, new_left);
		if (c == '\\') {
			no_newline(p);
			continue;
		}
		if (c != ' ' && c != '-' && c != '+')
			return short_hunk(p, h, old_left, new_left);
		if (c != '+' && !old_left)
			return too_long_hunk(p, h, &l, true);
		if (c != '-' && !new_left)
			return too_long_hunk(p, h, &l, false);
		r = add_line(p, &l, &oldno, &newno);
		if (r < 0)
			return r;
		if (c != '+')
			old_left--;
		if (c != '-')
			new_left--;
	}
	return hunk_tail(p);
}

static int parse_hunk(struct parser *p, const struct line *l)
{
	struct diff *d = p->d;
	struct diff_hunk *h;
	int err;

	if (d->nhunks >= DIFF_MAX_HUNKS)
		return perr(p, MMR_ELIMIT, l->no, "more than %d hunks",
			    DIFF_MAX_HUNKS);
	XGROW(d->hunks, d->hunks_alloc, d->nhunks + 1);
	XGROW(d->hunk_line0, d->hunk_line0_alloc, d->nhunks + 1);
	h = &d->hunks[d->nhunks];
	memset(h, 0, sizeof(*h));
	h->patch_lineno = l->no;
	d->hunk_line0[d->nhunks++] = d->nlines;
	p->hunk_no++;
	p->in_hunk = true;
	err = parse_hunk_header(p, l, h);
	if (!err)
		err = check_order(p, h);
	if (!err)
		err = hunk_body(p, h);
	if (!err)
		p->in_hunk = false;
	p->state = ST_TRAIL;
	return err;
}

/* --- the line dispatcher ------------------------------------------------ */

static int start_git_file(struct parser *p, const struct line *l)
{
	int err = start_file(p, l);

	if (err)
		return err;
	p->state = ST_HEADER;
	return git_header_paths(p, l, cur_file(p));
}

static int start_plain_file(struct parser *p, const struct line *l)
{
	int err = start_file(p, l);

	if (err)
		return err;
	p->state = ST_TRAIL;
	return parse_minus_plus(p, l, false);
}

static int message_line(struct parser *p, const struct line *l)
{
	if (line_starts(l, "diff --git "))
		return start_git_file(p, l);
	if (is_plain_header(p, l))
		return start_plain_file(p, l);
	if (!p->msg_ended && is_separator(l)) {
		p->msg_ended = true;
		p->msg_end = l->s - p->buf;
	}
	return 0;
}

static int header_line(struct parser *p, const struct line *l)
{
	struct diff_file *f = cur_file(p);
	struct line next;
	size_t i;

	for (i = 0; i < sizeof(header_kws) / sizeof(header_kws[0]); i++) {
		const char *kw = header_kws[i].kw;

		if (line_starts(l, kw))
			return header_kws[i].fn(p, l, strlen(kw), f);
	}
	if (line_starts(l, "--- ") && peek_line(p, l->next, &next) &&
	    line_starts(&next, "+++ ")) {
		p->state = ST_TRAIL; /* only hunks can follow */
		return parse_minus_plus(p, l, true);
	}
	p->state = ST_TRAIL;
	return 0;
}

static int dispatch(struct parser *p, const struct line *l)
{
	const struct diff_file *f = cur_file(p);

	if (p->state == ST_MESSAGE)
		return message_line(p, l);
	if (line_starts(l, "diff --git "))
		return start_git_file(p, l);
	if (is_signature(l))
		return PARSE_DONE;
	if (line_starts(l, "@@ ") && !f->binary)
		return parse_hunk(p, l);
	if (p->state == ST_HEADER)
		return header_line(p, l);
	if (is_plain_header(p, l))
		return start_plain_file(p, l);
	return 0;
}

/* --- public ----------------------------------------------------------- */

static void set_pointers(struct diff *d)
{
	size_t i, end;

	for (i = 0; i < d->nfiles; i++) {
		struct diff_file *f = &d->files[i];

		end = i + 1 < d->nfiles ? d->file_hunk0[i + 1] : d->nhunks;
		f->nhunks = end - d->file_hunk0[i];
		f->hunks = f->nhunks ? d->hunks + d->file_hunk0[i] : NULL;
	}
	for (i = 0; i < d->nhunks; i++) {
		struct diff_hunk *h = &d->hunks[i];

		end = i + 1 < d->nhunks ? d->hunk_line0[i + 1] : d->nlines;
		h->nlines = end - d->hunk_line0[i];
		h->lines = h->nlines ? d->lines + d->hunk_line0[i] : NULL;
	}
}

static int parse_all(struct parser *p)
{
	struct line l;
	int r;

	while ((r = next_line(p, &l)) > 0) {
		r = dispatch(p, &l);
		if (r < 0)
			return r;
		if (r == PARSE_DONE)
			break;
	}
	if (r < 0)
		return r;
	return end_file(p);
}

int diff_parse(struct diff **out, const char *buf, size_t len)
{
	struct parser p = { 0 };
	struct diff *d;
	int err;

	*out = NULL;
	if (len > DIFF_MAX_INPUT)
		return mmr_error_set(
			MMR_ELIMIT,
			"patch of %zu bytes exceeds the limit of %zu", len,
			DIFF_MAX_INPUT);
	if (!buf && len)
		return mmr_error_set(MMR_EINVAL, "no patch buffer");
	d = xcalloc(1, sizeof(*d));
	d->copy = xmalloc(len + 1);
	if (len)
		memcpy(d->copy, buf, len);
	d->copy[len] = '\0';
	p.d = d;
	p.buf = d->copy;
	p.len = len;
	err = parse_all(&p);
	if (err)
		goto cleanup;
	d->msg_len = p.msg_ended ? p.msg_end : len;
	d->msg = xmalloc(d->msg_len + 1);
	memcpy(d->msg, d->copy, d->msg_len);
	d->msg[d->msg_len] = '\0';
	set_pointers(d);
	*out = d;
	return 0;
cleanup:
	diff_free(d);
	return err;
}

void diff_free(struct diff *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	free(d->lines);
	free(d->hunk_line0);
	free(d->hunks);
	free(d->file_hunk0);
	free(d->files);
	free(d->msg);
	free(d->copy);
	free(d);
}

size_t diff_nfiles(const struct diff *d)
{
	return d ? d->nfiles : 0;
}

const struct diff_file *diff_file(const struct diff *d, size_t i)
{
	return d && i < d->nfiles ? &d->files[i] : NULL;
}

const char *diff_file_path(const struct diff_file *f)
{
	if (f->status == DIFF_DELETED || !f->new_path)
		return f->old_path;
	return f->new_path;
}

void diff_stats(const struct diff *d, size_t *added, size_t *removed)
{
	size_t i, a = 0, r = 0;

	for (i = 0; d && i < d->nlines; i++) {
		if (d->lines[i].origin == '+')
			a++;
		else if (d->lines[i].origin == '-')
			r++;
	}
	if (added)
		*added = a;
	if (removed)
		*removed = r;
}

const char *diff_message(const struct diff *d, size_t *len)
{
	if (len)
		*len = d->msg_len;
	return d->msg;
}

const char *diff_status_name(enum diff_status s)
{
	switch (s) {
	case DIFF_MODIFIED:
		return "modified";
	case DIFF_ADDED:
		return "added";
	case DIFF_DELETED:
		return "deleted";
	case DIFF_RENAMED:
		return "renamed";
	case DIFF_COPIED:
		return "copied";
	}
	return "unknown";
}
