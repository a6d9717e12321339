/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apply: put a file's hunks onto a text in memory, finding each hunk by
 * its lines when the header's line numbers are off (as patch(1) and git
 * apply do, without fuzz). libgit2 applies only at exact line numbers.
 */
#ifndef MMR_APPLY_H
#define MMR_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "diff.h"

/* How far from the header's line a hunk is searched, in lines. */
#define APPLY_MAX_OFFSET 100000
/*
 * Line comparisons all the searches in one text may make: a hostile patch
 * gives up early instead of spending minutes.
 */
#define APPLY_MAX_COMPARE ((size_t)4 << 20)

/*
 * Find where the hunk's lines of one side (old: context and removed, new:
 * context and added) stand in text, at or after the line min_line,
 * nearest to the header's start. Returns 0 and the 1-based first line
 * in *line, or MMR_EAPPLY.
 */
int apply_find_hunk(const char *text, size_t len, const struct diff_hunk *h,
		    bool new_side, unsigned min_line, unsigned *line);

/*
 * The same, many times over one text: index its lines once. The text must
 * outlive the index; free it with apply_index_free().
 */
struct apply_index;
struct apply_index *apply_index_new(const char *text, size_t len);
void apply_index_free(struct apply_index *ix);
int apply_index_find_hunk(struct apply_index *ix, const struct diff_hunk *h,
			  bool new_side, unsigned min_line, unsigned *line);

/*
 * Apply every hunk of f to old_text. Returns 0 and a new NUL-terminated
 * *out (the caller frees) of *out_len bytes, or MMR_EAPPLY naming the file
 * and the hunk that did not apply.
 */
int apply_file(char **out, size_t *out_len, const char *old_text,
	       size_t old_len, const struct diff_file *f);

#endif
