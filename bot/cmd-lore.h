/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd-lore: what the commands that read an archive share (lore fetch and
 * am; the code is in cmd-lore.c): the client's log on stderr, list text
 * made safe for a terminal, and the review of a series assembled from the
 * list, as check reviews an mbox.
 */
#ifndef MMR_CMD_LORE_H
#define MMR_CMD_LORE_H

#include <stdio.h>

#include "assemble.h"
#include "lore.h"

struct config;

/* A lore_log_fn writing through cli_error(), cli_warn(), cli_info(). */
void cmd_lore_log(enum lore_level level, const char *text, void *payload);

/* Write s to f with control characters (from the list) as '?'. */
void cmd_lore_put(FILE *f, const char *s);

/* check's options of a review; NULL: the config's, as check reads it. */
struct cmd_lore_review_opts {
	const char *format; /* review.format, else text */
	const char *tree; /* review.kernel-tree, else the tree around . */
	const char *from; /* post.from */
	int verbose;
};

struct cmd_lore_review;

/*
 * The rules, the kernel tree and the report format for reviews. Returns
 * NULL with the error logged (a bad format, rule setting or tree).
 */
struct cmd_lore_review *
cmd_lore_review_new(const struct config *cfg,
		    const struct cmd_lore_review_opts *opts);
void cmd_lore_review_free(struct cmd_lore_review *r);

/*
 * Take series i out of the pool of as (assemble_take()), review it (its
 * cover letter's base-commit: is each patch's base) and write its report
 * to out. Returns CLI_OK, CLI_FINDINGS or CLI_ERROR.
 */
int cmd_lore_review_series(struct cmd_lore_review *r, struct assemble *as,
			   size_t i, FILE *out);

#endif
