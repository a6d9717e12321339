/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fragment: the hunks of one file of a patch, each side (context and
 * removed lines; context and added lines) made into C that parses the
 * way the whole file would, when the file itself is not at hand.
 *
 * A hunk is cut anywhere: inside a comment, in the middle of a statement,
 * deep in a function whose signature is far above it. Each hunk is
 * framed with synthetic lines so that tree-sitter sees what the cut
 * hides: a comment opener, the function around the body lines (named
 * from the hunk's "@@" section, or from an earlier hunk of the file that
 * shows its signature, else FRAGMENT_ANON_PREFIX and the hunk's number),
 * the blocks the hunk closes, the head of a statement it starts in the
 * middle of, and the closers of what it leaves open. Consecutive hunks
 * of one function share one frame, so a change that spans them is one
 * definition. Both sides are framed alike, so their definitions pair.
 *
 * The real lines keep their bytes, so columns are the file's; synthetic
 * lines map to file line 0.
 */
#ifndef MMR_FRAGMENT_H
#define MMR_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "diff.h"

/* Names of functions whose name no line of the patch shows. */
#define FRAGMENT_ANON_PREFIX "__mmreview_hunk_"
/* Synthetic block openers and closers one hunk may get. */
#define FRAGMENT_MAX_DEPTH 64

/* One side of a file's hunks as C: index 0 old, 1 new. */
struct fragment {
	char *text; /* NUL-terminated */
	size_t len;
	unsigned nlines;
	unsigned *file_line; /* [1..nlines]: the file's line, 0: synthetic */
	unsigned *patch_line; /* [1..nlines]: the line in the patch, or 0 */
	/* Per hunk: image lines of its real lines (first > last: none). */
	unsigned *first, *last;
};

/*
 * Frame both sides of f's hunks. Returns 0 and fills out[0] (old) and
 * out[1] (new), or MMR_ELIMIT when a side passes max bytes. Release both
 * with fragment_release() either way.
 */
int fragment_build(struct fragment out[2], const struct diff_file *f,
		   size_t max);
void fragment_release(struct fragment *fr);

/*
 * The function a line names, as a hunk header's section or a signature
 * shows it ("static int foo(int x" -> "foo"), into name; "" when none
 * (a declaration ending in ';', a label, a struct). SYSCALL_DEFINEn(name,
 * ...) is named by its first argument.
 */
void fragment_function_name(const char *line, size_t len, char *name,
			    size_t size);

/* Whether name is a placeholder for a function no line names. */
bool fragment_is_anon(const char *name);

#endif
