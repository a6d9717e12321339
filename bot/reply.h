/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reply: the reply email to one reviewed patch, in the form mm reviewers
 * use on the list: Re: subject, threaded under the patch (In-Reply-To,
 * References), To the author, Cc the original recipients, then only the
 * hunks that carry a finding, quoted, each finding under its line with a
 * caret line and the question in plain words. Deterministic: the same
 * patch and findings give the same bytes, Message-ID included.
 *
 * This is all the daemon needs to post: it prints nothing.
 */
#ifndef MMR_REPLY_H
#define MMR_REPLY_H

#include <stddef.h>

#include "series.h"

/* Bytes of one reply; past it there is no reply, never a cut one. */
#define REPLY_MAX_BYTES ((size_t)4 << 20)

/*
 * The reply to p from "from" ("Name <addr>"; NULL: mmreview's own),
 * with p's findings of severity min and above (post.min-severity: by
 * default warning, so that a finding the patch explains, info, is not
 * posted). Returns 0 and *out, a new NUL-terminated string the caller
 * frees, or NULL when no finding is posted; or MMR_ELIMIT (past
 * REPLY_MAX_BYTES) with *out NULL: a reply is written whole or not at
 * all.
 */
int reply_email(char **out, const struct series_patch *p, const char *from,
		enum rule_severity min);

#endif
