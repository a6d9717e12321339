// SPDX-License-Identifier: GPL-2.0
/*
 * mime: the MIME and charset codec; see mime.h.
 *
 * Every loop over the input moves forward only, so decoding is linear in
 * the input size, whatever the input.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "util.h"

#define MIME_WORD_MARKUP 12 /* "=?UTF-8?B?" and "?=" */
/* Columns an encoded word of one character may need: 4 bytes in base64. */
#define MIME_WORD_MIN (MIME_WORD_MARKUP + 8)

struct mime {
	mime_warn_fn warn;
	void *payload;
	/* The converters last used, by charset name. */
	struct {
		iconv_t cd;
		char cs[MIME_MAX_CHARSET + 1]; /* "" for a free slot */
	} iconv[MIME_ICONV_CACHE];
	size_t iconv_next; /* slot to reuse when all are taken */
	size_t iconv_opens;
	bool many_words; /* MIME_MAX_WORDS reached in some header */
};

struct mime *mime_new(mime_warn_fn warn, void *payload)
{
	struct mime *mc = xcalloc(1, sizeof(*mc));

	mc->warn = warn;
	mc->payload = payload;
	return mc;
}

void mime_free(struct mime *mc)
{
	size_t i;

	if (!mc)
		return;
	for (i = 0; i < MIME_ICONV_CACHE; i++)
		if (mc->iconv[i].cs[0])
			iconv_close(mc->iconv[i].cd);
	free(mc);
}

static void mime_warn(struct mime *mc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mime_warn(struct mime *mc, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (!mc->warn)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	mc->warn(sb.buf, mc->payload);
	sbuf_release(&sb);
}

bool mime_name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > MIME_MAX_CHARSET)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    (!s[i] || !strchr("._:-+", s[i])))
			return false;
	return true;
}

/* --- UTF-8 and charsets ----------------------------------------------- */

static int mime_utf8_put(struct sbuf *out, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sbuf_add(out, b, n);
}

/* windows-1252 0x80..0x9f; 0 is undefined (U+FFFD). */
static const unsigned short mime_cp1252[32] = {
	0x20ac, 0,	0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	0x017d, 0,
	0,	0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,	0x017e, 0x0178,
};

static int mime_latin1_add(struct sbuf *out, const char *s, size_t n,
			   bool cp1252)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		unsigned c = (unsigned char)s[i];

		if (!c)
			c = 0xfffd;
		else if (cp1252 && c >= 0x80 && c < 0xa0)
			c = mime_cp1252[c - 0x80] ? mime_cp1252[c - 0x80] :
						    0xfffd;
		err = mime_utf8_put(out, c);
	}
	return err;
}

enum mime_cs { MIME_CS_UTF8, MIME_CS_LATIN1, MIME_CS_CP1252, MIME_CS_ICONV };

/*
 * Charsets handed to iconv: a list of prefixes rather than whatever the
 * mail says, to keep rarely used converters away from hostile input.
 */
static const char *const mime_iconv_ok[] = {
	"iso-8859-",   "iso8859-", "iso_8859-", "windows-125", "cp125",
	"koi8-",       "gb2312",   "gbk",	"gb18030",     "big5",
	"euc-jp",      "euc-kr",   "shift_jis", "shift-jis",   "sjis",
	"iso-2022-jp", "utf-16",   "utf-32",	"ks_c_5601",   "cp866",
	"cp850",       "cp437",	   "tis-620",	"macintosh",   "ibm",
};

static int mime_charset_kind(const char *cs, enum mime_cs *kind)
{
	static const char *const utf8[] = { "",	     "utf-8",
					    "utf8",  "us-ascii",
					    "ascii", "ansi_x3.4-1968",
					    "us",    "default" };
	static const char *const latin1[] = { "iso-8859-1", "iso8859-1",
					      "iso_8859-1", "latin1",
					      "latin-1",    "l1" };
	size_t i;

	for (i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
		if (!strcasecmp(cs, utf8[i]))
			return *kind = MIME_CS_UTF8, 0;
	for (i = 0; i < sizeof(latin1) / sizeof(latin1[0]); i++)
		if (!strcasecmp(cs, latin1[i]))
			return *kind = MIME_CS_LATIN1, 0;
	if (!strcasecmp(cs, "windows-1252") || !strcasecmp(cs, "cp1252") ||
	    !strcasecmp(cs, "x-cp1252"))
		return *kind = MIME_CS_CP1252, 0;
	if (!mime_name_ok(cs, strlen(cs)))
		return -1;
	for (i = 0; i < sizeof(mime_iconv_ok) / sizeof(mime_iconv_ok[0]); i++)
		if (!strncasecmp(cs, mime_iconv_ok[i],
				 strlen(mime_iconv_ok[i])))
			return *kind = MIME_CS_ICONV, 0;
	return -1;
}

static int mime_iconv_add(struct sbuf *out, iconv_t cd, const char *s, size_t n)
{
	char tmp[4096];
	char *in = (char *)s;
	size_t inleft = n;
	int err = 0;

	while (!err && inleft) {
		char *o = tmp;
		size_t oleft = sizeof(tmp);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int e = errno;

		err = sbuf_add_utf8(out, tmp, (size_t)(o - tmp));
		if (r != (size_t)-1 || e == E2BIG)
			continue;
		if (!err)
			err = mime_utf8_put(out, 0xfffd);
		if (e != EILSEQ || !inleft)
			break;
		in++;
		inleft--;
	}
	return err;
}

/*
 * A converter from cs to UTF-8, in its initial state, or (iconv_t)-1.
 * Converters are kept by charset name until mime_free(): glibc loads and
 * unloads the gconv module on each iconv_open()/iconv_close(), which is
 * slow, and a header may hold thousands of encoded words. The
 * iconv_open() calls of one context are bounded all the same.
 */
static iconv_t mime_iconv_get(struct mime *mc, const char *cs)
{
	size_t i, slot = MIME_ICONV_CACHE, len = strlen(cs);
	iconv_t cd;

	for (i = 0; i < MIME_ICONV_CACHE; i++) {
		if (!mc->iconv[i].cs[0]) {
			if (slot == MIME_ICONV_CACHE)
				slot = i;
			continue;
		}
		if (!strcasecmp(mc->iconv[i].cs, cs)) {
			iconv(mc->iconv[i].cd, NULL, NULL, NULL, NULL);
			return mc->iconv[i].cd;
		}
	}
	if (len > MIME_MAX_CHARSET)
		return (iconv_t)-1;
	if (mc->iconv_opens >= MIME_MAX_ICONV_OPENS) {
		if (mc->iconv_opens++ == MIME_MAX_ICONV_OPENS)
			mime_warn(mc,
				  "more than %d charset conversions, "
				  "the rest kept as is",
				  MIME_MAX_ICONV_OPENS);
		return (iconv_t)-1;
	}
	mc->iconv_opens++;
	cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return cd;
	if (slot == MIME_ICONV_CACHE) {
		slot = mc->iconv_next;
		mc->iconv_next = (mc->iconv_next + 1) % MIME_ICONV_CACHE;
		iconv_close(mc->iconv[slot].cd);
	}
	mc->iconv[slot].cd = cd;
	memcpy(mc->iconv[slot].cs, cs, len + 1);
	return cd;
}

int mime_convert(struct mime *mc, struct sbuf *out, const char *cs,
		 const char *s, size_t n)
{
	enum mime_cs kind;
	iconv_t cd;

	if (!cs)
		cs = "";
	if (mime_charset_kind(cs, &kind)) {
		if (mime_name_ok(cs, strlen(cs)))
			mime_warn(mc, "unknown charset '%s', bytes kept as is",
				  cs);
		else
			mime_warn(mc, "invalid charset name, bytes kept as is");
		return sbuf_add_utf8(out, s, n);
	}
	if (kind == MIME_CS_UTF8)
		return sbuf_add_utf8(out, s, n);
	if (kind != MIME_CS_ICONV)
		return mime_latin1_add(out, s, n, kind == MIME_CS_CP1252);
	cd = mime_iconv_get(mc, cs);
	if (cd == (iconv_t)-1) {
		if (mc->iconv_opens <= MIME_MAX_ICONV_OPENS)
			mime_warn(mc, "unknown charset '%s', bytes kept as is",
				  cs);
		return sbuf_add_utf8(out, s, n);
	}
	return mime_iconv_add(out, cd, s, n);
}

/* --- transfer encodings ------------------------------------------------- */

static int mime_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte of "XX" at s[i + 1], s[i + 2] (s[i] is '=' or '%'), or -1. */
static int mime_hex_pair(const char *s, size_t n, size_t i)
{
	int hi = i + 2 < n ? mime_hex((unsigned char)s[i + 1]) : -1;
	int lo = i + 2 < n ? mime_hex((unsigned char)s[i + 2]) : -1;

	return hi >= 0 && lo >= 0 ? hi * 16 + lo : -1;
}

static int mime_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t mime_base64_decode(struct sbuf *out, const char *s, size_t n)
{
	unsigned acc = 0;
	size_t i, bad = 0;
	int bits = 0;
	char b;

	for (i = 0; i < n; i++) {
		int v = mime_b64val((unsigned char)s[i]);

		if (v < 0) {
			if (s[i] != '=' && !mmr_is_space((unsigned char)s[i]))
				bad++;
			if (s[i] == '=')
				bits = 0; /* padding ends a quantum */
			continue;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b = (char)((acc >> bits) & 0xff);
			if (sbuf_add(out, &b, 1))
				return bad;
		}
	}
	return bad;
}

/*
 * keep is the length of out that stays should the line end here:
 * whitespace a line ends with was added in transport and goes (RFC 2045
 * section 6.7, rule 3); whitespace before a soft line break stays.
 */
size_t mime_qp_decode(struct sbuf *out, const char *s, size_t n)
{
	size_t i = 0, bad = 0, keep = out->len;
	int c, b;

	while (i < n) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			sbuf_setlen(out, keep);
			if (sbuf_addch(out, '\n'))
				return bad;
			keep = out->len;
			i++;
			continue;
		}
		if (c == '=') {
			size_t k = i + 1;

			while (k < n && mmr_is_wsp((unsigned char)s[k]))
				k++;
			if (k == n || s[k] == '\n') { /* soft line break */
				keep = out->len;
				i = k < n ? k + 1 : n;
				continue;
			}
			b = mime_hex_pair(s, n, i);
			if (b >= 0) {
				if (sbuf_addch(out, b))
					return bad;
				keep = out->len;
				i += 3;
				continue;
			}
			bad++;
		}
		if (sbuf_addch(out, c))
			return bad;
		if (!mmr_is_wsp(c))
			keep = out->len;
		i++;
	}
	return bad;
}

/* RFC 2047 "Q": like quoted-printable, '_' is a space. */
static void mime_qword(struct sbuf *out, const char *s, size_t n)
{
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		b = mime_hex_pair(s, n, i);
		if (s[i] == '_') {
			sbuf_addch(out, ' ');
		} else if (s[i] == '=' && b >= 0) {
			sbuf_addch(out, b);
			i += 2;
		} else {
			sbuf_addch(out, s[i]);
		}
	}
}

/* --- RFC 2047 encoded words, decoded ------------------------------------ */

struct mime_word {
	const char *cs;
	size_t cslen;
	char enc;
	const char *text;
	size_t tlen;
	size_t end; /* index after "?=" */
};

/* Memo of the next "?=" and the next whitespace, so scans stay linear. */
struct mime_scan {
	size_t close;
	size_t ws;
};

static size_t mime_next_close(const char *s, size_t n, size_t from,
			      size_t *memo)
{
	size_t k;

	if (*memo != SIZE_MAX && *memo >= from)
		return *memo;
	for (k = from; k + 1 < n; k++)
		if (s[k] == '?' && s[k + 1] == '=')
			return *memo = k;
	return *memo = n;
}

static size_t mime_next_ws(const char *s, size_t n, size_t from, size_t *memo)
{
	size_t k;

	if (*memo != SIZE_MAX && *memo >= from)
		return *memo;
	for (k = from; k < n; k++)
		if (mmr_is_space((unsigned char)s[k]))
			return *memo = k;
	return *memo = n;
}

/* Recognise "=?charset?E?text?=" at s + i. */
static bool mime_word_at(const char *s, size_t n, size_t i,
			 struct mime_scan *sc, struct mime_word *w)
{
	size_t p = i + 2, t, close, ws;

	w->cs = s + p;
	while (p < n && p - (i + 2) <= MIME_MAX_CHARSET && s[p] != '?' &&
	       !mmr_is_space((unsigned char)s[p]))
		p++;
	w->cslen = p - (i + 2);
	if (!w->cslen || w->cslen > MIME_MAX_CHARSET || p + 2 >= n ||
	    s[p] != '?' || s[p + 2] != '?')
		return false;
	w->enc = (char)toupper((unsigned char)s[p + 1]);
	if (w->enc != 'B' && w->enc != 'Q')
		return false;
	t = p + 3;
	close = mime_next_close(s, n, t, &sc->close);
	ws = mime_next_ws(s, n, t, &sc->ws);
	if (close >= n || ws < close)
		return false;
	w->text = s + t;
	w->tlen = close - t;
	w->end = close + 2;
	return true;
}

/* Adjacent words of one charset are converted together (RFC 2047 5.3). */
struct mime_words {
	struct sbuf pend; /* raw bytes of adjacent words */
	char cs[MIME_MAX_CHARSET + 1];
	int err;
};

static void mime_words_flush(struct mime *mc, struct sbuf *out,
			     struct mime_words *ws)
{
	if (!ws->pend.len)
		return;
	if (mime_convert(mc, out, ws->cs, ws->pend.buf, ws->pend.len))
		ws->err = MMR_ELIMIT;
	sbuf_reset(&ws->pend);
}

static void mime_word_decode(struct mime *mc, struct sbuf *out,
			     struct mime_words *ws, const struct mime_word *w)
{
	size_t cslen = w->cslen;
	const char *star = memchr(w->cs, '*', cslen); /* RFC 2231 language */

	if (star)
		cslen = (size_t)(star - w->cs);
	if (strlen(ws->cs) != cslen || strncasecmp(ws->cs, w->cs, cslen)) {
		mime_words_flush(mc, out, ws);
		memcpy(ws->cs, w->cs, cslen);
		ws->cs[cslen] = '\0';
	}
	if (w->enc == 'Q') {
		mime_qword(&ws->pend, w->text, w->tlen);
	} else if (mime_base64_decode(&ws->pend, w->text, w->tlen)) {
		mime_warn(mc, "invalid base64 in encoded word");
	}
}

static void mime_words_text(struct sbuf *out, struct mime_words *ws,
			    const char *s, size_t n)
{
	if (sbuf_add_utf8(out, s, n))
		ws->err = MMR_ELIMIT;
}

int mime_decode_words(struct mime *mc, struct sbuf *out, const char *s,
		      size_t n)
{
	struct mime_scan sc = { SIZE_MAX, SIZE_MAX };
	struct mime_words ws = { .err = 0 };
	struct mime_word w;
	size_t i = 0, run = 0, nwords = 0;
	bool after_word = false;

	sbuf_init(&ws.pend, 0); /* decoded words are shorter than s */
	ws.cs[0] = '\0';
	while (i < n) {
		if (s[i] != '=' || i + 1 >= n || s[i + 1] != '?' ||
		    !mime_word_at(s, n, i, &sc, &w)) {
			i++;
			continue;
		}
		if (++nwords > MIME_MAX_WORDS) {
			if (!mc->many_words)
				mime_warn(
					mc,
					"more than %d encoded words in a header, "
					"the rest kept as written",
					MIME_MAX_WORDS);
			mc->many_words = true;
			break;
		}
		if (!after_word || !mmr_blank(s + run, i - run)) {
			mime_words_flush(mc, out, &ws);
			mime_words_text(out, &ws, s + run, i - run);
		}
		mime_word_decode(mc, out, &ws, &w);
		i = run = w.end;
		after_word = true;
	}
	mime_words_flush(mc, out, &ws);
	mime_words_text(out, &ws, s + run, n - run);
	sbuf_release(&ws.pend);
	return ws.err;
}

/* --- Content-Type parameters ------------------------------------------- */

size_t mime_quoted_string(const char *s, size_t n, size_t i, struct sbuf *out)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			sbuf_addch(out, s[++i]);
			continue;
		}
		if (s[i] == '"')
			return i + 1;
		sbuf_addch(out, s[i]);
	}
	return n;
}

static char *mime_lower(const char *s, size_t n)
{
	char *p = xstrndup(s, n);
	size_t i;

	for (i = 0; p[i]; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	return p;
}

/* Percent-decode an RFC 2231 value "charset'lang'text" (charset dropped). */
static char *mime_rfc2231(const char *s, size_t n)
{
	const char *q1 = memchr(s, '\'', n), *q2;
	struct sbuf sb = SBUF_INIT;
	size_t i;
	int b;

	if (q1) {
		q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - s));
		if (q2) {
			n -= (size_t)(q2 + 1 - s);
			s = q2 + 1;
		}
	}
	for (i = 0; i < n; i++) {
		b = mime_hex_pair(s, n, i);
		if (s[i] == '%' && b >= 0) {
			sbuf_addch(&sb, b);
			i += 2;
		} else {
			sbuf_addch(&sb, s[i]);
		}
	}
	return sbuf_detach(&sb, NULL);
}

static void mime_param_set(char **slot, const char *key, size_t klen,
			   const char *val, size_t vlen)
{
	if (*slot)
		return;
	if (klen && key[klen - 1] == '*')
		*slot = mime_rfc2231(val, vlen);
	else
		*slot = xstrndup(val, vlen);
}

/* Match a parameter name, allowing RFC 2231 "name*", "name*0", "name*0*". */
static bool mime_param_is(const char *key, size_t klen, const char *name)
{
	size_t n = strlen(name);

	if (klen < n || strncasecmp(key, name, n))
		return false;
	key += n;
	klen -= n;
	return !klen || (klen == 1 && *key == '*') ||
	       (klen >= 2 && key[0] == '*' && key[1] == '0' &&
		(klen == 2 || (klen == 3 && key[2] == '*')));
}

static size_t mime_param_value(const char *s, size_t n, size_t i,
			       struct sbuf *v)
{
	if (i < n && s[i] == '"')
		return mime_quoted_string(s, n, i, v);
	while (i < n && s[i] != ';' && !mmr_is_space((unsigned char)s[i]))
		sbuf_addch(v, s[i++]);
	return i;
}

/* Parse "; key=value; key="value"" into the known slots of ct. */
static void mime_params(struct mime_ctype *ct, const char *s, bool disp)
{
	size_t n = strlen(s), i = 0, k, klen;
	struct sbuf v = SBUF_INIT;
	const char *key;

	while (i < n) {
		while (i < n &&
		       (s[i] == ';' || mmr_is_space((unsigned char)s[i])))
			i++;
		key = s + i;
		while (i < n && s[i] != '=' && s[i] != ';')
			i++;
		klen = (size_t)(s + i - key);
		mmr_trim(&key, &klen);
		if (i >= n || s[i] != '=')
			continue;
		for (k = i + 1; k < n && mmr_is_wsp((unsigned char)s[k]); k++)
			;
		sbuf_reset(&v);
		i = mime_param_value(s, n, k, &v);
		while (i < n && s[i] != ';')
			i++;
		if (!disp && mime_param_is(key, klen, "charset"))
			mime_param_set(&ct->charset, key, klen, v.buf, v.len);
		else if (!disp && mime_param_is(key, klen, "boundary"))
			mime_param_set(&ct->boundary, key, klen, v.buf, v.len);
		else if (mime_param_is(key, klen, disp ? "filename" : "name"))
			mime_param_set(&ct->name, key, klen, v.buf, v.len);
	}
	sbuf_release(&v);
}

void mime_ctype_parse(struct mime_ctype *ct, const char *type,
		      const char *disposition, const char *cte)
{
	size_t n = 0;

	memset(ct, 0, sizeof(*ct));
	if (disposition)
		mime_params(ct, disposition + strcspn(disposition, ";"), true);
	if (type) {
		while (type[n] && type[n] != ';' &&
		       !mmr_is_space((unsigned char)type[n]))
			n++;
		ct->type = mime_lower(type, n);
		mime_params(ct, type + n, false);
	} else {
		ct->type = xstrdup("");
	}
	n = 0;
	if (cte) {
		while (mmr_is_space((unsigned char)*cte))
			cte++;
		while (cte[n] && !mmr_is_space((unsigned char)cte[n]) &&
		       cte[n] != ';')
			n++;
	}
	ct->cte = mime_lower(cte ? cte : "", n);
}

void mime_ctype_release(struct mime_ctype *ct)
{
	free(ct->type);
	free(ct->charset);
	free(ct->boundary);
	free(ct->name);
	free(ct->cte);
	memset(ct, 0, sizeof(*ct));
}

/* --- RFC 2047 encoded words, encoded ------------------------------------ */

static const char mime_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Control characters and 8-bit bytes cannot stand in a header as is. */
static bool mime_raw_unsafe(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x7f || (c < 0x20 && c != '\t'))
			return true;
		if (c == '=' && i + 1 < n && s[i + 1] == '?')
			return true; /* would be read as an encoded word */
	}
	return false;
}

/* "=?UTF-8?B?...?=" of [s, s + n). */
static int mime_add_word(struct sbuf *out, const char *s, size_t n)
{
	size_t i;
	int err = sbuf_addstr(out, "=?UTF-8?B?");

	for (i = 0; i < n && !err; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		q[0] = mime_b64[(v >> 18) & 63];
		q[1] = mime_b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? mime_b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? mime_b64[v & 63] : '=';
		err = sbuf_add(out, q, 4);
	}
	return err ? err : sbuf_addstr(out, "?=");
}

/*
 * Bytes of [s, s + n) for one encoded word of at most room columns (but
 * MIME_WORD_MIN at least): whole UTF-8 characters where s is UTF-8.
 */
static size_t mime_word_chunk(const char *s, size_t n, size_t room)
{
	size_t cols = room < MIME_WORD_MAX ? room : MIME_WORD_MAX;
	size_t max, k;

	if (cols < MIME_WORD_MIN)
		cols = MIME_WORD_MIN;
	max = (cols - MIME_WORD_MARKUP) / 4 * 3;
	k = n < max ? n : max;
	while (k < n && k && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k ? k : (n < max ? n : max);
}

/* Where a header being folded stands. */
struct mime_fold {
	struct sbuf *out;
	size_t col;
	bool words; /* a word is on the current line */
	int err;
};

/* Start the next word: a space, or a new line when len does not fit. */
static void mime_fold_space(struct mime_fold *f, size_t len)
{
	int err;

	if (f->words && f->col + 1 + len > MIME_LINE_MAX) {
		err = sbuf_addstr(f->out, "\n ");
		f->col = 1;
		f->words = false;
	} else {
		err = sbuf_addch(f->out, ' ');
		f->col++;
	}
	f->err = f->err ? f->err : err;
}

static void mime_fold_plain(struct mime_fold *f, const char *s, size_t n)
{
	int err;

	mime_fold_space(f, n);
	err = sbuf_add(f->out, s, n);
	f->err = f->err ? f->err : err;
	f->col += n;
	f->words = true;
}

/* [s, s + n) as encoded words, each sized to what is left of its line. */
static void mime_fold_encoded(struct mime_fold *f, const char *s, size_t n)
{
	size_t k, len0;
	int err;

	while (n && !f->err) {
		mime_fold_space(f, MIME_WORD_MIN);
		k = mime_word_chunk(
			s, n,
			f->col < MIME_LINE_MAX ? MIME_LINE_MAX - f->col : 0);
		len0 = f->out->len;
		err = mime_add_word(f->out, s, k);
		f->err = f->err ? f->err : err;
		f->col += f->out->len - len0;
		f->words = true;
		s += k;
		n -= k;
	}
}

/* The end of the word (up to a space) that starts at s[i]. */
static size_t mime_word_end(const char *s, size_t i)
{
	return i + strcspn(s + i, " ");
}

/*
 * A word that cannot stand as is: a tab alone would vanish between two
 * encoded words, a long word would not fit on a line.
 */
static bool mime_word_unsafe(const char *s, size_t n)
{
	return mime_raw_unsafe(s, n) || mmr_blank(s, n) ||
	       1 + n > MIME_LINE_MAX;
}

int mime_fold_header(struct sbuf *out, const char *name, const char *value)
{
	/* The name is a word: a first word too long for its line folds. */
	struct mime_fold f = { out, strlen(name) + 1, true, 0 };
	size_t i = 0, e, run;

	f.err = sbuf_addf(out, "%s:", name);
	while (value[i]) {
		i += strspn(value + i, " ");
		if (!value[i])
			break;
		e = mime_word_end(value, i);
		if (!mime_word_unsafe(value + i, e - i)) {
			mime_fold_plain(&f, value + i, e - i);
			i = e;
			continue;
		}
		/* Join the unsafe words that follow: spaces between them stay. */
		for (run = e; value[run];) {
			size_t st = run + strspn(value + run, " ");
			size_t en = mime_word_end(value, st);

			if (st == en || !mime_word_unsafe(value + st, en - st))
				break;
			run = en;
		}
		mime_fold_encoded(&f, value + i, run - i);
		i = run;
	}
	return f.err ? f.err : sbuf_addch(out, '\n');
}

int mime_encode_phrase(struct sbuf *out, const char *phrase)
{
	size_t n = strlen(phrase), k;
	const char *p;
	int err = 0;

	if (mime_raw_unsafe(phrase, n)) {
		for (p = phrase; n && !err; p += k, n -= k) {
			k = mime_word_chunk(p, n, MIME_WORD_MAX);
			if (p != phrase)
				err = sbuf_addch(out, ' ');
			if (!err)
				err = mime_add_word(out, p, k);
		}
		return err;
	}
	if (!phrase[strcspn(phrase, "()<>[]:;@\\,.\"")])
		return sbuf_addstr(out, phrase);
	err = sbuf_addch(out, '"');
	for (p = phrase; *p && !err; p++) {
		if (*p == '"' || *p == '\\')
			err = sbuf_addch(out, '\\');
		if (!err)
			err = sbuf_addch(out, *p);
	}
	return err ? err : sbuf_addch(out, '"');
}
