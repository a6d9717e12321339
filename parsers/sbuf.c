// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "util.h"

char sbuf_empty[1];

void sbuf_init(struct sbuf *sb, size_t max)
{
	sb->buf = sbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
	sb->failed = false;
}

void sbuf_release(struct sbuf *sb)
{
	size_t max = sb->max;

	if (sb->alloc)
		free(sb->buf);
	sbuf_init(sb, max);
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");

	if (len)
		*len = sb->len;
	sbuf_init(sb, sb->max);
	return p;
}

void sbuf_reset(struct sbuf *sb)
{
	sbuf_setlen(sb, 0);
	sb->failed = false;
}

bool sbuf_failed(const struct sbuf *sb)
{
	return sb->failed;
}

/* Mark the buffer failed and return code: every later append fails. */
static int sbuf_fail(struct sbuf *sb, int code)
{
	sb->failed = true;
	return code;
}

void sbuf_setlen(struct sbuf *sb, size_t len)
{
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

static int sbuf_grow(struct sbuf *sb, size_t extra)
{
	size_t max = sb->max ? sb->max : SBUF_DEFAULT_MAX;
	size_t want;

	if (sb->failed)
		return MMR_ELIMIT;
	if (extra > max || sb->len > max - extra)
		return sbuf_fail(sb, MMR_ELIMIT);
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return 0;
	if (!sb->alloc) {
		size_t a = 0;
		char *p = NULL;

		xgrow(&p, &a, want, 1);
		p[0] = '\0';
		sb->buf = p;
		sb->alloc = a;
		return 0;
	}
	xgrow(&sb->buf, &sb->alloc, want, 1);
	return 0;
}

int sbuf_add(struct sbuf *sb, const void *data, size_t len)
{
	if (sbuf_grow(sb, len))
		return MMR_ELIMIT;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int sbuf_addstr(struct sbuf *sb, const char *s)
{
	return sbuf_add(sb, s, strlen(s));
}

int sbuf_addbuf(struct sbuf *sb, const struct sbuf *src)
{
	if (src->failed)
		return sbuf_fail(sb, MMR_ELIMIT);
	return sbuf_add(sb, src->buf, src->len);
}

int sbuf_addch(struct sbuf *sb, int c)
{
	char ch = (char)c;

	return sbuf_add(sb, &ch, 1);
}

int sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return sbuf_fail(sb, MMR_EINVAL);
	if (sbuf_grow(sb, (size_t)n))
		return MMR_ELIMIT;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return ret;
}

void sbuf_rtrim(struct sbuf *sb)
{
	while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid (or NUL). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c && c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (n < 2 || (s[1] & 0xc0) != 0x80)
		return 0;
	if (c < 0xe0)
		return 2;
	if (c == 0xe0 && s[1] < 0xa0)
		return 0;
	if (c == 0xed && s[1] >= 0xa0)
		return 0;
	if (c == 0xf0 && s[1] < 0x90)
		return 0;
	if (c == 0xf4 && s[1] >= 0x90)
		return 0;
	if (n < 3 || (s[2] & 0xc0) != 0x80)
		return 0;
	if (c < 0xf0)
		return 3;
	if (n < 4 || (s[3] & 0xc0) != 0x80)
		return 0;
	return 4;
}

int sbuf_add_utf8(struct sbuf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;

	while (i < n) {
		if (u[i] && u[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_len(u + i, n - i);
		if (k) {
			i += k;
			continue;
		}
		if (sbuf_add(out, s + start, i - start) ||
		    sbuf_add(out, "\xef\xbf\xbd", 3))
			return MMR_ELIMIT;
		start = ++i;
	}
	return sbuf_add(out, s + start, i - start);
}
