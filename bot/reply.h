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

/* How to write a reply; NULL members take the defaults. */
struct reply_opts {
	const char *from; /* "Name <addr>"; NULL: mmreview's own */
	enum rule_severity min; /* the least severity posted */
	/*
	 * The To and Cc lines ([post] reply-to, bot/post.h); to NULL: To the
	 * author, Cc the patch's To and Cc. Borrowed.
	 */
	const struct mail_addr *to, *cc;
	size_t nto, ncc;
	/* A paragraph after the greeting (the parts a series lacked), or NULL. */
	const char *note;
};

/*
 * reply_email() with the recipients and note of o. The Message-ID depends
 * on the patch and its findings only, never on the recipients or note, so
 * the reply to one patch version keeps its id across config changes.
 */
int reply_email_opts(char **out, const struct series_patch *p,
		     const struct reply_opts *o);

#endif
