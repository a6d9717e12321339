/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sbuf: a growable string buffer with a size cap, for untrusted input.
 *
 * The buffer is always NUL-terminated and buf is never NULL after
 * sbuf_init() or SBUF_INIT. An append past max fails with MMR_ELIMIT and
 * leaves the text as it was, and the failure is sticky (as curl's dynbuf):
 * every later append fails too, and sbuf_failed() says so, so text with a
 * silent gap in the middle cannot be built. Whoever writes a buffer out
 * (a mail, a report) checks sbuf_failed() first. sbuf_reset(),
 * sbuf_release() and sbuf_detach() start afresh and clear the failure.
 */
#ifndef MMR_SBUF_H
#define MMR_SBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* 0: SBUF_DEFAULT_MAX */
	bool failed; /* an append failed: every later one fails too */
};

#define SBUF_DEFAULT_MAX ((size_t)64 << 20)
extern char sbuf_empty[];
#define SBUF_INIT                          \
	{                                  \
		sbuf_empty, 0, 0, 0, false \
	}

void sbuf_init(struct sbuf *sb, size_t max);
/* Free the storage; sb is SBUF_INIT-equivalent afterwards. */
void sbuf_release(struct sbuf *sb);
/* Hand the storage to the caller (free() it); sb is reset. */
char *sbuf_detach(struct sbuf *sb, size_t *len);
void sbuf_reset(struct sbuf *sb);
/* Each returns 0 or MMR_ELIMIT (also when an earlier append failed). */
int sbuf_add(struct sbuf *sb, const void *data, size_t len);
int sbuf_addstr(struct sbuf *sb, const char *s);
int sbuf_addch(struct sbuf *sb, int c);
/* Append src's text; fails (sticky) when src itself failed. */
int sbuf_addbuf(struct sbuf *sb, const struct sbuf *src);
int sbuf_addf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/*
 * Append n bytes of s as valid UTF-8: each byte that does not start a
 * valid sequence, and each NUL, becomes U+FFFD. 0 or MMR_ELIMIT.
 */
int sbuf_add_utf8(struct sbuf *sb, const char *s, size_t n);
/* Whether an append failed since the last init, reset or detach. */
bool sbuf_failed(const struct sbuf *sb);
/* Remove trailing whitespace. */
void sbuf_rtrim(struct sbuf *sb);
void sbuf_setlen(struct sbuf *sb, size_t len);

#endif
