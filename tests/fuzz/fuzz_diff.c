// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target for diff_parse(): every byte handed out must be readable. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diff.h"

static volatile size_t sink;

static size_t sum(const char *s, size_t n)
{
	size_t i, v = 0;

	for (i = 0; s && i < n; i++)
		v += (unsigned char)s[i];
	return v;
}

static size_t str_sum(const char *s)
{
	return s ? sum(s, strlen(s)) : 0;
}

static size_t walk_hunk(const struct diff_hunk *h)
{
	size_t i, v = h->old_start + h->new_count + str_sum(h->section);

	for (i = 0; i < h->nlines; i++) {
		const struct diff_line *l = &h->lines[i];

		v += sum(l->text, l->len) + l->origin + l->no_newline +
		     l->old_lineno + l->new_lineno + l->patch_lineno;
	}
	return v;
}

static size_t walk_file(const struct diff_file *f)
{
	size_t i, v = str_sum(f->old_path) + str_sum(f->new_path);

	v += str_sum(f->old_id) + str_sum(f->new_id);
	v += str_sum(diff_file_path(f)) + str_sum(diff_status_name(f->status));
	v += f->old_mode + f->new_mode + f->similarity + f->binary;
	for (i = 0; i < f->nhunks; i++)
		v += walk_hunk(&f->hunks[i]);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diff *d = NULL;
	size_t i, len, a, r, v = 0;
	const char *msg;

	if (diff_parse(&d, (const char *)data, size) < 0)
		return 0;
	msg = diff_message(d, &len);
	v += sum(msg, len + 1);
	for (i = 0; i < diff_nfiles(d); i++)
		v += walk_file(diff_file(d, i));
	diff_stats(d, &a, &r);
	sink = v + a + r;
	diff_free(d);
	return 0;
}
