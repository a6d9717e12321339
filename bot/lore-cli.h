/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lore-cli: what the commands that read an archive share (lore fetch, am):
 * the client's log on stderr, list text made safe for a terminal, and the
 * review of a series assembled from the list, as check reviews an mbox.
 */
#ifndef MMR_LORE_CLI_H
#define MMR_LORE_CLI_H

#include <stdio.h>

#include "assemble.h"
#include "lore.h"

struct config;

/* A lore_log_fn writing through cli_error(), cli_warn(), cli_info(). */
void lore_cli_log(enum lore_level level, const char *text, void *payload);

/* Write s to f with control characters (from the list) as '?'. */
void lore_cli_put(FILE *f, const char *s);

/* check's options of a review; NULL: the config's, as check reads it. */
struct lore_cli_review_opts {
	const char *format; /* review.format, else text */
	const char *tree; /* review.kernel-tree, else the tree around . */
	const char *from; /* post.from */
	int verbose;
};

struct lore_cli_review;

/*
 * The rules, the kernel tree and the report format for reviews. Returns
 * NULL with the error logged (a bad format, rule setting or tree).
 */
struct lore_cli_review *
lore_cli_review_new(const struct config *cfg,
		    const struct lore_cli_review_opts *opts);
void lore_cli_review_free(struct lore_cli_review *r);

/*
 * Take series i out of the pool of as (assemble_take()), review it (its
 * cover letter's base-commit: is each patch's base) and write its report
 * to out. Returns CLI_OK, CLI_FINDINGS or CLI_ERROR.
 */
int lore_cli_review_series(struct lore_cli_review *r, struct assemble *as,
			   size_t i, FILE *out);

#endif
