/* SPDX-License-Identifier: GPL-2.0 */
/*
 * explain: what a patch says about its own changes, for rules that would
 * otherwise question them. A reviewer does not ask "is this intentional?"
 * when the changelog or a comment added next to the change says why
 * ("we check against dst_vma as ..."), and says "this puts back what
 * <commit> did" when the patch reverses an earlier change.
 *
 * Strings handed out are new and freed by the caller.
 */
#ifndef MMR_EXPLAIN_H
#define MMR_EXPLAIN_H

#include <stdbool.h>

#include "change.h"

/* Longest sentence quoted back, in bytes. */
#define EXPLAIN_MAX_SENTENCE 400

/*
 * The sentence of the changelog, or of a comment the patch adds in c's
 * new definition within a few lines above new image line `line`, that
 * names the identifier name and gives a reason (because, as, since, so
 * that, otherwise, must, ...). Returns true and sets *sentence (the
 * sentence, whitespace squeezed) and *where ("the changelog", or
 * "the comment at mm/memory.c:1253"); false when none does.
 */
bool explain_find(const struct change *c, const char *name, unsigned line,
		  char **sentence, char **where);

/*
 * The earlier versions of c's definition a change of it may put back:
 * the same definition in the earlier patches of the series, nearest
 * first, then in the commits the patch's "Fixes:" trailers name (read
 * through the set's history and rebuilt from their diffs). Calls fn
 * with each and a description of where it comes from ("patch \"mm:
 * foo\"", "commit 0123456789ab (\"mm: foo\")"), until fn returns true;
 * returns whether one did. fixes says whether the earlier change comes
 * from a Fixes: commit.
 */
typedef bool (*explain_earlier_fn)(const struct change *earlier,
				   const char *what, bool fixes, void *payload);
bool explain_earlier(const struct change *c, explain_earlier_fn fn,
		     void *payload);

#endif
