/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series: the patches under review, in order, from an mbox or a git
 * range, each with its diff, its change set and, after series_review(),
 * its findings. Patch N of a series is reviewed on top of patches 1..N-1.
 */
#ifndef MMR_SERIES_H
#define MMR_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "change.h"
#include "diff.h"
#include "mail.h"
#include "rule.h"

struct source;

/* One patch; every pointer is owned by the series. */
struct series_patch {
	const char *subject; /* full subject line, "[PATCH v4 5/9] ..." */
	const char *message_id; /* NULL for a commit without a mail */
	const char *commit; /* hex id for a git commit, else NULL */
	const char *author_name, *author_addr;
	const char *date; /* Date header or commit date, RFC 2822 */
	struct mail *mail; /* NULL for a git commit */
	struct diff *diff; /* NULL when the diff could not be read */
	const char *error; /* why diff is NULL */
	struct change_set *changes; /* after series_review() */
	struct rule_findings *findings; /* after series_review() */
	const char *base_commit; /* trailer, or the commit's parent */
};

struct series;

struct series *series_new(void);
void series_free(struct series *s);

/*
 * Read the patches of an mbox (or "-"): messages that carry a diff, are
 * not replies and not cover letters; ordered by version then part. Bad
 * messages are logged through warn() and skipped. Returns 0 or a
 * negative code when the file cannot be read at all.
 */
int series_add_mbox(struct series *s, const char *path,
		    void (*warn)(const char *msg));
/*
 * Add the commits of a git range ("A..B", "A" for A alone, NULL for the
 * current branch's commits not in its upstream, or HEAD when it has
 * none) of the repository containing the current directory; the images
 * are the exact blobs. Returns 0 or a negative code with a message.
 */
int series_add_git_range(struct series *s, const char *range);
/* Add a mail that carries a patch (the series takes ownership). */
int series_add_mail(struct series *s, struct mail *m);

size_t series_count(const struct series *s);
struct series_patch *series_at(const struct series *s, size_t i);

/*
 * Build each patch's change set (exact images from git, from the tree
 * when given, else the hunks alone) and run the rules. progress() is
 * called after each file (done of total, over all patches) when not NULL.
 */
int series_review(struct series *s, const struct rule_set *rules,
		  struct source *tree,
		  void (*progress)(size_t done, size_t total));
/* Messages of the mbox that could not be read (and were skipped). */
size_t series_skipped(const struct series *s);
/* Findings in all patches. */
size_t series_findings(const struct series *s);

#endif
