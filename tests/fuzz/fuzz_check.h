/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the mail fuzzers check of every string the parsers hand out: valid
 * UTF-8 without NUL, bounds kept. Each check aborts, so libFuzzer reports
 * the input.
 */
#ifndef MMR_FUZZ_CHECK_H
#define MMR_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "mail.h"

/* Abort unless [s, s + n) is UTF-8 without NUL (overlongs, surrogates too). */
static void check_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, j;
	unsigned cp;

	while (i < n) {
		if (!u[i])
			abort();
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = u[i] >= 0xf0 ? 4 : u[i] >= 0xe0 ? 3 : u[i] >= 0xc0 ? 2 : 0;
		if (!k || u[i] > 0xf4 || i + k > n)
			abort();
		cp = u[i] & (0x7f >> k);
		for (j = 1; j < k; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				abort();
			cp = (cp << 6) | (u[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) ||
		    (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp < 0xe000))
			abort();
		i += k;
	}
}

static void check_str(const char *s)
{
	if (s)
		check_utf8(s, strlen(s));
}

static void check_addrs(const struct mail_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		check_str(a[i].name);
		check_str(a[i].addr);
	}
}

static void check_mail(const struct mail *m)
{
	const struct mail_trailer *t;
	const struct mail_addr *a;
	const char *const *ids;
	const char *body;
	size_t n, i;

	check_str(mail_subject_text(m));
	check_str(mail_patch_subject(m));
	check_str(mail_subject_info(m)->title);
	check_str(mail_header(m, "From"));
	check_str(mail_message_id(m));
	check_str(mail_in_reply_to(m));
	check_str(mail_date_text(m));
	(void)mail_date(m);
	n = mail_references(m, &ids);
	if (n > MAIL_MAX_REFS)
		abort();
	for (i = 0; i < n; i++)
		check_str(ids[i]);
	if (mail_from(m))
		check_addrs(mail_from(m), 1);
	if (mail_patch_author(m))
		check_addrs(mail_patch_author(m), 1);
	n = mail_to(m, &a);
	check_addrs(a, n);
	i = mail_cc(m, &a);
	check_addrs(a, i);
	if (n + i > MAIL_MAX_ADDRS)
		abort();
	body = mail_body(m, &n);
	check_utf8(body, n);
	if (body[n])
		abort();
	n = mail_trailers(m, &t);
	for (i = 0; i < n; i++) {
		check_str(t[i].key);
		check_str(t[i].value);
	}
	(void)mail_trailer(m, "Signed-off-by");
	n = mail_warnings(m, &ids);
	for (i = 0; i < n; i++)
		if (strchr(ids[i], '\n'))
			abort();
}

#endif
