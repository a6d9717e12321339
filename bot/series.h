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

/* Callbacks take their caller's payload last (as libgit2's do). */
typedef void (*series_warn_fn)(const char *msg, void *payload);
typedef void (*series_progress_fn)(size_t done, size_t total, void *payload);

/* Why a file was read from its hunks alone, or not at all. */
enum series_why {
	SERIES_FULL, /* the full pre- and post-images were read */
	SERIES_NO_TREE, /* no kernel tree to read the pre-image from */
	SERIES_NOT_FOUND, /* the pre-image is not in the tree */
	SERIES_NOT_APPLIED, /* the hunks did not apply to the tree's file */
	SERIES_BUDGET, /* the run's budget of full images was spent */
	SERIES_NOT_C, /* not C source (or binary): not reviewed */
};

/* How one file of a patch was read; strings owned by the series. */
struct series_file {
	const char *path;
	bool reviewed; /* false for SERIES_NOT_C */
	enum change_origin origin; /* when reviewed */
	bool partial; /* read from the hunks alone */
	enum series_why why;
	const char *reason; /* the full reason of a partial file, else NULL */
};

/* One patch; every pointer is owned by the series. */
struct series_patch {
	const char *subject; /* full subject line, "[PATCH v4 5/9] ..." */
	const char *message_id; /* NULL for a commit without a mail */
	const char *commit; /* hex id for a git commit, else NULL */
	const char *author_name, *author_addr;
	const char *date; /* Date header or commit date, RFC 2822 */
	struct mail *mail; /* NULL for a git commit or a plain diff */
	struct diff *diff; /* NULL when the diff could not be read */
	const char *error; /* why diff is NULL */
	struct change_set *changes; /* after series_review() */
	struct rule_findings *findings; /* after series_review() */
	const char *base_commit; /* trailer, or the commit's parent */
	/* After series_review(): each file of the diff, in its order. */
	const struct series_file *files;
	size_t nfiles;
};

/*
 * A message or commit that is not in the series, and why: a cover
 * letter, a reply, a message without a diff (error false), or one that
 * could not be read or was refused (error true: the run fails).
 */
struct series_skip {
	const char *input; /* the file it came from, or NULL */
	const char *subject; /* "" when unknown */
	const char *message_id; /* NULL when unknown */
	const char *commit; /* for a refused commit, else NULL */
	/* "cover letter", "reply without a diff", or the error */
	const char *reason;
	bool error;
};

struct series;

struct series *series_new(void);
void series_free(struct series *s);

/*
 * Start the messages of a new input (a file named by the user): patches
 * of one input are ordered by version and part, inputs stay in the order
 * given, and the inputs together are one series. name is copied.
 */
void series_begin_input(struct series *s, const char *name);
/*
 * Add a message of the current input: a patch joins the series (which
 * takes ownership of m); a cover letter, a message without a diff or a
 * reply is skipped with its reason and freed. A reply carrying a diff is
 * kept until series_end_input(), which reviews it only when its input
 * holds no other patch (a fix-up sent as "Re:" named on its own).
 * Returns 0 or MMR_ELIMIT (SERIES_MAX_PATCHES, SERIES_MAX_BYTES).
 */
int series_add_message(struct series *s, struct mail *m);
/*
 * Add a plain diff (git diff or git show output, no mail headers) of the
 * current input as one patch (text without a diff adds nothing); text
 * is copied. Returns 0 or MMR_ELIMIT.
 */
int series_add_diff(struct series *s, const char *text, size_t len);
/* Record a message of the current input that could not be read. */
void series_add_unreadable(struct series *s, const char *why);
/*
 * Close the current input: order its patches, settle its replies.
 * Returns the number of patches it gave.
 */
size_t series_end_input(struct series *s);
/* Add a mail that carries a patch (the series takes ownership). */
int series_add_mail(struct series *s, struct mail *m);

/*
 * Add the commits of a git range ("A..B", "A" for A alone, NULL for the
 * current branch's commits not in its upstream, or HEAD when it has
 * none, said through warn) of the repository containing the current
 * directory; the images are the exact blobs. A commit past the bounds
 * (SERIES_MAX_COMMIT_FILES files, SERIES_MAX_COMMIT_BYTES of objects) is
 * refused from its objects' sizes before anything is read, and recorded
 * as a skipped error. Returns 0 or a negative code with a message.
 */
int series_add_git_range(struct series *s, const char *range,
			 series_warn_fn warn, void *payload);

size_t series_count(const struct series *s);
struct series_patch *series_at(const struct series *s, size_t i);

/*
 * Build each patch's change set (exact images from git, from the tree
 * when given, else the hunks alone) and run the rules. progress() is
 * called after each file (done of total, over all patches) when not NULL.
 */
int series_review(struct series *s, const struct rule_set *rules,
		  struct source *tree, series_progress_fn progress,
		  void *payload);

/* Messages and commits left out of the series, in the order met. */
size_t series_skip_count(const struct series *s);
const struct series_skip *series_skip_at(const struct series *s, size_t i);
/* Those of them that make the run fail. */
size_t series_skip_errors(const struct series *s);
/*
 * Findings in all patches of severity min and above. A finding the
 * patch explains is info, so RULE_WARNING counts what makes a run fail.
 */
size_t series_findings(const struct series *s, enum rule_severity min);
/* "no kernel tree", "not in the tree", "did not apply", ... */
const char *series_why_name(enum series_why why);

#endif
