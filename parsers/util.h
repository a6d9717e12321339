/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util: allocation that dies on exhaustion, the error convention shared by
 * every module, and small string helpers.
 *
 * Errors: functions in parsers/, rules/ and config/ return 0 on success or a
 * negative MMR_E* code, and record a one-line message with mmr_error_set()
 * that the caller reads with mmr_error_last(). Only bot/ prints.
 */
#ifndef MMR_UTIL_H
#define MMR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	MMR_OK = 0,
	MMR_EINVAL = -1, /* malformed input */
	MMR_ELIMIT = -2, /* input exceeds a documented bound */
	MMR_ENOTFOUND = -3, /* a named object does not exist */
	MMR_EIO = -4, /* an underlying library or system call failed */
	MMR_EAPPLY = -5, /* a patch does not apply to its base */
	MMR_EUSAGE = -6, /* bad options or arguments */
};

/*
 * As allocation failing: print "mmreview: " and the message, exit(3).
 * For what only exhausted memory can cause.
 */
void mmr_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));

/* Allocators: never return NULL, print and exit(3) on exhaustion. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *arr (of *alloc elements of size elem) to hold at least n elements. */
void xgrow(void *arr, size_t *alloc, size_t n, size_t elem);
#define XGROW(arr, alloc, n) xgrow(&(arr), &(alloc), (n), sizeof(*(arr)))

/*
 * Record the message of the last error of this thread and return code, so
 * a caller can write "return mmr_error_set(MMR_EINVAL, ...)".
 */
int mmr_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message with "prefix: " (context added by callers). */
void mmr_error_prefix(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The last message; never NULL ("" when none). Owned by the library. */
const char *mmr_error_last(void);
void mmr_error_clear(void);

/* True when [s, s+n) starts with prefix. */
bool mmr_starts_with(const char *s, size_t n, const char *prefix);
/* Case-insensitive variant for header names and tags. */
bool mmr_starts_with_ci(const char *s, size_t n, const char *prefix);
/*
 * Parse an unsigned decimal number of at most max from [s, s+n); return the
 * number of bytes used (0 when there is no digit or it overflows max).
 */
size_t mmr_parse_uint(const char *s, size_t n, unsigned long max,
		      unsigned long *out);

/* Blanks as mail and patches know them, whatever the locale. */
static inline bool mmr_is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

static inline bool mmr_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* True when [s, s + n) is all mmr_is_space(). */
bool mmr_blank(const char *s, size_t n);
/* Narrow [*s, *s + *n) to drop mmr_is_space() on both sides. */
void mmr_trim(const char **s, size_t *n);

#endif
