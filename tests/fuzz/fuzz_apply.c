// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the hunk applier: the input is a text, a NUL byte,
 * then a patch; each file of the patch is applied to the text and its
 * hunks searched for, as a patch from a list is put onto a tree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "diff.h"

static volatile size_t sink;

static size_t search_hunks(const char *text, size_t len,
			   const struct diff_file *f)
{
	struct apply_index *ix = apply_index_new(text, len);
	unsigned line, min = 1;
	size_t i, v = 0;

	for (i = 0; i < f->nhunks; i++) {
		if (!apply_index_find_hunk(ix, &f->hunks[i], i & 1, min,
					   &line)) {
			v += line;
			min = line;
		}
		if (!apply_find_hunk(text, len, &f->hunks[i], false, 1, &line))
			v += line;
	}
	apply_index_free(ix);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - text) : size, i, out_len, v = 0;
	struct diff *d = NULL;
	char *out;

	if (!nul || diff_parse(&d, nul + 1, size - len - 1) < 0)
		return 0;
	for (i = 0; i < diff_nfiles(d); i++) {
		const struct diff_file *f = diff_file(d, i);

		v += search_hunks(text, len, f);
		if (!apply_file(&out, &out_len, text, len, f)) {
			v += out_len + (out[out_len] == '\0');
			free(out);
		}
	}
	sink = v;
	diff_free(d);
	return 0;
}
