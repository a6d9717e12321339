/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mime: the MIME and charset codec of mail. RFC 2047 encoded words (both
 * ways), quoted-printable and base64, charsets to UTF-8 (iconv for the
 * less common ones), Content-Type parameters with RFC 2231 values.
 *
 * Input is hostile: output goes to bounded sbufs, only listed charset
 * names reach iconv and the converters one context opens are bounded.
 * Nothing here prints; recoverable oddities go to the warn callback of
 * the context. What mime_convert() and mime_decode_words() append is
 * valid UTF-8.
 */
#ifndef MMR_MIME_H
#define MMR_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

/* Bounds on untrusted input, documented in mmreview(1). */
#define MIME_MAX_CHARSET 64 /* bytes in a charset name */
#define MIME_MAX_WORDS 1000 /* encoded words decoded in one header */
#define MIME_ICONV_CACHE 16 /* converters kept open by one context */
#define MIME_MAX_ICONV_OPENS 64 /* iconv_open() calls of one context */

/* What the encoders write (RFC 2047 section 2, RFC 5322 section 2.1.1). */
#define MIME_WORD_MAX 75 /* characters of one encoded word */
#define MIME_LINE_MAX 78 /* columns of a folded header line */

/*
 * A decoding context: the charset converters it opened and where its
 * warnings go. Use one per message; converters stay open until
 * mime_free(), so a header of many encoded words opens each charset once.
 */
struct mime;

/* Gets one line of text, without a newline, per recoverable oddity. */
typedef void (*mime_warn_fn)(const char *msg, void *payload);

/* warn may be NULL. The context must be freed with mime_free(). */
struct mime *mime_new(mime_warn_fn warn, void *payload);
void mime_free(struct mime *mc);

/*
 * Append [s, s + n), written in charset cs, to out as UTF-8. NULL or ""
 * is US-ASCII, read as UTF-8. Bytes that do not convert become U+FFFD;
 * an unknown or unlisted charset keeps the bytes (as UTF-8 where valid)
 * with a warning. 0, or MMR_ELIMIT when out is full.
 */
int mime_convert(struct mime *mc, struct sbuf *out, const char *cs,
		 const char *s, size_t n);

/*
 * Append the unfolded header value [s, s + n) to out as UTF-8, its RFC
 * 2047 encoded words decoded and the whitespace between two of them
 * dropped. Past MIME_MAX_WORDS words the rest is kept as written, with
 * one warning per context. 0, or MMR_ELIMIT when out is full.
 */
int mime_decode_words(struct mime *mc, struct sbuf *out, const char *s,
		      size_t n);

/*
 * Undo a transfer encoding of [s, s + n) into out (raw bytes, not
 * converted). Both return how many bad characters or escapes they met:
 * base64 drops them and ignores whitespace; quoted-printable keeps them
 * as written, drops the whitespace a line ends with and, at a soft line
 * break, only the "=" and the line end (RFC 2045 section 6.7). Output
 * stops at out's bound.
 */
size_t mime_base64_decode(struct sbuf *out, const char *s, size_t n);
size_t mime_qp_decode(struct sbuf *out, const char *s, size_t n);

/* What the Content-* fields of one MIME entity say. */
struct mime_ctype {
	char *type; /* lowercase "text/plain", "" when absent */
	char *charset; /* NULL when absent */
	char *boundary; /* NULL when absent */
	char *name; /* filename= of Content-Disposition, else name= */
	char *cte; /* lowercase Content-Transfer-Encoding, "" when absent */
};

/*
 * Fill ct from the raw (not RFC 2047 decoded) values of Content-Type,
 * Content-Disposition and Content-Transfer-Encoding, each NULL when
 * absent. RFC 2231 values ("name*=utf-8''a%20b", "name*0=") are
 * percent-decoded, their charset dropped. Release with
 * mime_ctype_release().
 */
void mime_ctype_parse(struct mime_ctype *ct, const char *type,
		      const char *disposition, const char *cte);
void mime_ctype_release(struct mime_ctype *ct);

/*
 * Append the RFC 5322 quoted-string that starts at s[i] == '"' to out,
 * unquoted and unescaped; returns the index after its closing quote, or
 * n when it is not closed.
 */
size_t mime_quoted_string(const char *s, size_t n, size_t i, struct sbuf *out);

/*
 * Whether [s, s + n) is a charset or encoding name safe to quote in a
 * message: letters, digits and "._:-+", at most MIME_MAX_CHARSET bytes.
 */
bool mime_name_ok(const char *s, size_t n);

/*
 * Append the UTF-8 text phrase as the display name of an address: as is
 * when it is an atom, a quoted-string when it holds specials, or
 * "=?UTF-8?B?...?=" encoded words of whole characters, each at most
 * MIME_WORD_MAX characters, when it is not printable ASCII.
 * 0 or MMR_ELIMIT.
 */
int mime_encode_phrase(struct sbuf *out, const char *phrase);

/*
 * Append the header field "name: value\n" with an unstructured value
 * (Subject) folded at spaces into lines of at most MIME_LINE_MAX columns
 * where the words allow. Runs of words that are not printable ASCII (or
 * would read as encoded words) become encoded words of whole characters
 * sized to the line; so is a word too long for any folded line, so that
 * no line grows without bound. Runs of spaces between plain words become
 * one. 0 or MMR_ELIMIT.
 */
int mime_fold_header(struct sbuf *out, const char *name, const char *value);

#endif
