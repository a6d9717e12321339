// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static _Thread_local char error_msg[1024];

static void die_oom(size_t n)
{
	fprintf(stderr, "mmreview: out of memory allocating %zu bytes\n", n);
	exit(3);
}

void mmr_die(const char *fmt, ...)
{
	va_list ap;

	fputs("mmreview: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	size_t len = strnlen(s, n);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void xgrow(void *arr, size_t *alloc, size_t n, size_t elem)
{
	void **p = arr;
	size_t want;

	if (n <= *alloc)
		return;
	want = *alloc ? *alloc : 8;
	while (want < n) {
		if (want > SIZE_MAX / 2 / elem)
			die_oom(SIZE_MAX);
		want *= 2;
	}
	*p = xrealloc(*p, want * elem);
	*alloc = want;
}

int mmr_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	va_end(ap);
	return code;
}

void mmr_error_prefix(const char *fmt, ...)
{
	char old[sizeof(error_msg)];
	size_t n, olen;
	va_list ap;

	memcpy(old, error_msg, sizeof(old));
	va_start(ap, fmt);
	n = (size_t)vsnprintf(error_msg, sizeof(error_msg), fmt, ap);
	va_end(ap);
	olen = strlen(old);
	if (n + 2 >= sizeof(error_msg))
		return;
	memcpy(error_msg + n, ": ", 2);
	n += 2;
	if (olen > sizeof(error_msg) - 1 - n)
		olen = sizeof(error_msg) - 1 - n;
	memcpy(error_msg + n, old, olen);
	error_msg[n + olen] = '\0';
}

const char *mmr_error_last(void)
{
	return error_msg;
}

void mmr_error_clear(void)
{
	error_msg[0] = '\0';
}

bool mmr_starts_with(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && !memcmp(s, prefix, plen);
}

bool mmr_starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);

	return n >= plen && !strncasecmp(s, prefix, plen);
}

size_t mmr_parse_uint(const char *s, size_t n, unsigned long max,
		      unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		unsigned d = s[i] - '0';

		if (v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	if (i)
		*out = v;
	return i;
}

bool mmr_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!mmr_is_space((unsigned char)s[i]))
			return false;
	return true;
}

void mmr_trim(const char **s, size_t *n)
{
	while (*n && mmr_is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && mmr_is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}
